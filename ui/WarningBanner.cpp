#include "WarningBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace Kini {

WarningBanner::WarningBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QToolButton(this))
{
    // Styled through a property: callers give each banner its own objectName.
    setProperty("kiniBanner", true);
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_icon->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
    m_action->setVisible(false);
    m_action->setCursor(Qt::PointingHandCursor);
    m_close->setText(QStringLiteral("✕"));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAutoRaise(true);
    m_close->setCursor(Qt::PointingHandCursor);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 6, 8);
    layout->setSpacing(10);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    layout->addWidget(m_close, 0, Qt::AlignTop);

    connect(m_action, &QPushButton::clicked, this, &WarningBanner::actionTriggered);
    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT dismissed();
    });
    applyLevel();
}

void WarningBanner::setMessage(Level level, const QString &text)
{
    m_level = level;
    m_text->setText(text);
    applyLevel();
}

QString WarningBanner::text() const
{
    return m_text->text();
}

void WarningBanner::setAction(const QString &label)
{
    m_action->setText(label);
    m_action->setVisible(!label.isEmpty());
}

QString WarningBanner::glyph() const
{
    return m_icon->text();
}

void WarningBanner::applyLevel()
{
    QString background;
    QString border;
    QString foreground;
    QString glyph;
    switch (m_level) {
    case Level::Info:
        background = QStringLiteral("#e8f1fb");
        border = QStringLiteral("#9cc3ea");
        foreground = QStringLiteral("#1d4f7c");
        glyph = QStringLiteral("ℹ");
        break;
    case Level::Warning:
        background = QStringLiteral("#fff4de");
        border = QStringLiteral("#f0c36d");
        foreground = QStringLiteral("#6b4a00");
        glyph = QStringLiteral("⚠");
        break;
    case Level::Error:
        background = QStringLiteral("#fdecea");
        border = QStringLiteral("#eea39c");
        foreground = QStringLiteral("#8a1c12");
        glyph = QStringLiteral("✖"); // U+2716: in DejaVu, unlike ⛔, which showed as a box
        break;
    }
    m_icon->setText(glyph);
    setStyleSheet(QStringLiteral("QFrame[kiniBanner=\"true\"] { background: %1;"
                                 " border: 1px solid %2; border-radius: 4px; }"
                                 "QLabel { color: %3; background: transparent; border: none; }")
                          .arg(background, border, foreground));
}

} // namespace Kini
