#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QTimer;

namespace Kini {

class TokenSession;
class TokenView;

// The session's two tokens side by side with live countdowns. Time always comes from the
// session's Clock, read afresh on every tick, so a suspend or a wall-clock jump shows right at the
// next tick instead of drifting like a local counter would.
class TokenPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TokenPanel(TokenSession *session, QWidget *parent = nullptr);

    TokenView *accessView() const { return m_access; }
    TokenView *refreshView() const { return m_refresh; }
    QString footerText() const;
    // For tests: how often the clock is read (default 1000 ms).
    void setTickIntervalMs(int ms);
    // Reads the clock and updates every countdown now.
    void tick();

private:
    void reloadTokens();

    QPointer<TokenSession> m_session;
    TokenView *m_access;
    TokenView *m_refresh;
    QLabel *m_footer;
    QTimer *m_timer;
    QString m_lastRefreshError;
};

} // namespace Kini
