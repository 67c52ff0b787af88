#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

namespace Kini {

// A dismissible strip shown above the content for things the user should know without being
// interrupted (the keychain failed, the account is disabled, the session expired).
class WarningBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };

    explicit WarningBanner(QWidget *parent = nullptr);

    void setMessage(Level level, const QString &text);
    QString text() const;
    Level level() const { return m_level; }
    QString glyph() const; // the level's sign, drawn in front of the text
    // An optional button next to the text; hidden when label is empty.
    void setAction(const QString &label);

Q_SIGNALS:
    void actionTriggered();
    void dismissed();

private:
    void applyLevel();

    Level m_level = Level::Info;
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QToolButton *m_close;
};

} // namespace Kini
