#pragma once

#include <QLabel>
#include <QResizeEvent>

namespace Kini {

// A one-line label that, when its text does not fit, shows the start and the end with "…" in
// between (a URL keeps its host and its last path segment) instead of cutting it off at the
// edge. The whole text is the tooltip then.
class ElidedLabel : public QLabel
{
public:
    using QLabel::QLabel;

    void setFullText(const QString &text)
    {
        m_full = text;
        updateShown();
    }
    QString fullText() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QLabel::resizeEvent(event);
        updateShown();
    }

private:
    void updateShown()
    {
        const QString shown = fontMetrics().elidedText(m_full, Qt::ElideMiddle, qMax(0, width()));
        if (shown != text())
            setText(shown);
        setToolTip(shown == m_full ? QString() : m_full);
    }

    QString m_full;
};

} // namespace Kini
