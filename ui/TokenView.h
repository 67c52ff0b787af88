#pragma once

#include "Jwt.h"

#include <QList>
#include <QPair>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace Kini {

// One token at a glance: a countdown to its exp, a bar whose full length is the time from the
// token's arrival to its exp (never exp - iat: a refreshed SimpleJWT access token keeps the old
// iat), and its claims in document order with times in UTC, local time and relative words.
// The raw token is never put on screen; it can only be copied.
class TokenView : public QWidget
{
    Q_OBJECT
public:
    // "ok" (more than half left), "warn", "critical" (under 10% or 30 s), "none" (no countdown).
    enum class Level { None, Ok, Warn, Critical };
    Q_ENUM(Level)

    explicit TokenView(const QString &title, QWidget *parent = nullptr);

    void setToken(const Jwt &token, qint64 receivedMs);
    void setRefreshing(bool refreshing);
    // Recomputes the countdown, bar and relative times for the instant nowMs (epoch ms).
    void updateTime(qint64 nowMs);

    QString countdownText() const;
    QString statusText() const;
    int barValue() const;
    int barMaximum() const;
    Level level() const { return m_level; }
    QString warningsText() const;
    QTreeWidget *claimsTree() const { return m_claims; }
    // Puts the raw token on the clipboard and takes it back from there after
    // kClipboardSeconds, unless something else was copied meanwhile.
    void copyToken();
    static constexpr int kClipboardSeconds = 30;

protected:
    void changeEvent(QEvent *event) override;

private:
    enum class FontKind { Unset, Digits, Words };
    void rebuildClaims();
    void addNode(QTreeWidgetItem *parent, const QString &name, const JsonNode &node);
    void addTimeRows(QTreeWidgetItem *item, const ClaimTime &time);
    void setLevel(Level level);
    void setCountdown(const QString &text, bool numeric);
    void clearCopiedToken();

    QLabel *m_title;
    QLabel *m_type;
    QToolButton *m_copy;
    QTimer *m_clipboardTimer;
    QString m_copiedToken;
    QLabel *m_countdown;
    QLabel *m_status;
    QProgressBar *m_bar;
    QLabel *m_error;
    QLabel *m_warnings;
    QTreeWidget *m_claims;

    Jwt m_token;
    qint64 m_receivedMs = 0;
    qint64 m_lastNowMs = 0;
    bool m_refreshing = false;
    Level m_level = Level::None;
    bool m_levelStyled = false;
    FontKind m_countdownFont = FontKind::Unset;
    QList<QPair<QTreeWidgetItem *, qint64>> m_relativeRows; // rows that say "in 4 min"
};

} // namespace Kini
