#pragma once

#include "ApiError.h"
#include "Clock.h"
#include "Jwt.h"
#include "ServerConfig.h"

#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;

namespace Kini {

class SecretStore;
struct TokenResponse;

// The login / refresh state machine. It owns the tokens; the Interceptor asks it for the current
// access token and waits on it for refreshes.
//
//                signIn() ok                       refresh ok (rotated pair saved)
//   SignedOut ───────────────► Active ◄──────────────────────────┐
//      ▲  │ resume(): keychain   │  │ due by clock (exp - margin),  │
//      │  │ read, then refresh   │  │ or an API 401 token_not_valid │
//      │  └──────────────────────┘  ▼                               │
//      │                         Refreshing ──────────────────────────┘
//      │ signOut()                  │   network error / 5xx / timeout / bad body:
//      │ (keychain entry deleted)   │   tokens kept, waiting requests fail, retry later
//      │                            ▼
//      └──────────────────────── Expired   refresh answered 401/400, or the refresh token's
//                                          exp passed by the clock: the password is needed
//
// At most one refresh is in flight; everyone who needs one waits for refreshFinished().
class TokenSession : public QObject
{
    Q_OBJECT
public:
    enum class State { SignedOut, SigningIn, Resuming, Active, Refreshing, Expired };
    Q_ENUM(State)

    // network is the Interceptor (token calls go through it, marked to bypass interception).
    TokenSession(QNetworkAccessManager *network, SecretStore *store,
                 const Clock *clock = SystemClock::instance(), QObject *parent = nullptr);
    ~TokenSession() override;

    void setConfig(const ServerConfig &config);
    const ServerConfig &config() const { return m_config; }
    const Clock *clock() const { return m_clock; }
    QString username() const { return m_username; }
    State state() const { return m_state; }
    bool keepSignedIn() const { return m_keep; }

    const Jwt &accessToken() const { return m_access; }
    const Jwt &refreshToken() const { return m_refresh; }
    // When each token arrived, by the session clock; the countdown's full length is exp - this.
    qint64 accessReceivedMs() const { return m_accessReceivedMs; }
    qint64 refreshReceivedMs() const { return m_refreshReceivedMs; }
    // Planned time of the next proactive refresh (epoch ms), 0 if none is planned.
    qint64 nextRefreshMs() const { return m_nextRefreshMs; }
    // The server's clock minus ours, estimated from the Date header of token answers (0 when
    // within 2 s). All token arithmetic and countdowns use serverNowMs().
    qint64 clockOffsetMs() const { return m_clockOffsetMs; }
    qint64 serverNowMs() const { return m_clock->nowMs() + m_clockOffsetMs; }

    bool isRefreshing() const { return m_refreshReply != nullptr || m_adopting; }
    bool hasTokens() const { return !m_refresh.isNull() || !m_access.isNull(); }
    // An access token that may still be sent: known expiry not yet reached (with a little
    // slack), or no known expiry at all.
    bool hasUsableAccess() const;
    // Refreshes that failed in a row (network, 5xx, odd body) with the tokens kept; 0 after one
    // that worked.
    int failedRefreshes() const { return m_failedRefreshes; }
    // The refresh token's known expiry has passed by the clock.
    bool refreshTokenExpired() const;

    // Starts an asynchronous sign-in. The password is not kept after the request is built.
    void signIn(const QString &username, QString password, bool keepSignedIn);
    void cancelSignIn();
    // Reads the refresh token saved for username from the store and refreshes with it.
    void resume(const QString &username);
    // Starts a refresh unless one is in flight. False when there is no refresh token to use
    // (refreshFinished() is not emitted then).
    bool refresh();
    // Called by the Interceptor when the API answered 401 token_not_valid to usedAccess.
    // Returns true when the caller should wait for refreshFinished() and replay; false when a
    // replay cannot help (the token was already replaced by a refresh that was itself rejected).
    bool accessRejected(const QByteArray &usedAccess);
    void reportAccountDisabled(const QString &detail);
    // An authorized API call succeeded: whatever disabled the account is over.
    void reportAccountUsable();
    // The API said user_inactive / user_not_found. While so, only one refresh is allowed (C05).
    bool isAccountDisabled() const { return m_accountDisabled; }
    // Forgets the tokens, deletes the saved refresh token, and (when configured) blacklists it.
    void signOut();
    // Removes the saved session of username from the keychain (a sign-out whose removal did not
    // finish, retried at the next start); answered by savedSessionRemoveFinished().
    void forgetSavedSession(const QString &username);
    // The user stopped waiting for a resume. Before its refresh is sent, the resume ends here
    // (the keychain's answer is then ignored) and true is returned; a refresh already sent is
    // left to finish, since cutting it off could burn a rotated token on the server.
    bool cancelResume();
    // After storageWarning(): asks the keychain again (it may prompt) to save the refresh token
    // held now; storageRecovered() or another storageWarning() follows.
    void saveAgain();

    // Looks at the clock: starts a refresh that has fallen due, or ends a session whose tokens
    // both expired. Runs every tick; a wall-clock jump is therefore noticed within one tick.
    void checkClock();
    // For tests: how often checkClock() runs (default 1000 ms).
    void setTickIntervalMs(int ms);

Q_SIGNALS:
    void stateChanged(Kini::TokenSession::State state);
    void tokensChanged();
    void signInFinished(const Kini::ApiError &error); // kind None on success
    // Once per resume(): kind None on success, Canceled when a sign-in or sign-out took over.
    void resumeFinished(const Kini::ApiError &error);
    void refreshStarted();
    void refreshFinished(const Kini::ApiError &error); // kind None on success
    void sessionExpired(const QString &reason); // the password is needed again
    void accountDisabled(const QString &detail);
    // The account works again (an authorized call succeeded, or a new sign-in).
    void accountEnabled();
    void storageWarning(const QString &message); // the keychain failed; the session goes on
    // A save to the keychain worked again after storageWarning(): the warning no longer holds.
    void storageRecovered();
    void signedOut();
    // The keychain's answer to removing a saved session (at sign-out, or forgetSavedSession()):
    // key is its sessionKey(); removed is true when none is left, why says what went wrong.
    void savedSessionRemoveFinished(const QString &key, bool removed, const QString &why);
    // The blacklist call made at sign-out ended (kind None: the server revoked the token).
    void revokeFinished(const Kini::ApiError &error);
    // The estimated offset to the server's clock changed (0: within the tolerance).
    void clockOffsetChanged(qint64 offsetMs);

private:
    void abandonResume(const QString &why);
    void forgetRestoredTokens(); // in memory only; the keychain keeps the saved session
    void dropUnrestoredSession();
    void detachResumeRefresh();
    void preconnect();
    void setState(State state);
    void setTokens(const QByteArray &access, const QByteArray &refresh);
    void planNextRefresh();
    void finishSignIn(QNetworkReply *reply);
    void finishRefresh(QNetworkReply *reply);
    void adoptStoredTokenOrExpire(const TokenResponse &answer);
    void updateClockOffset(QNetworkReply *reply, qint64 sentMs);
    void expire(const QString &reason);
    void saveRefreshToken();
    QNetworkReply *postJson(const QUrl &url, const QByteArray &body, int timeoutMs);

    bool m_storageFailing = false; // the last save of the refresh token failed
    QNetworkAccessManager *m_network;
    SecretStore *m_store;
    const Clock *m_clock;
    ServerConfig m_config;
    QString m_username;
    State m_state = State::SignedOut;
    bool m_keep = false;

    Jwt m_access;
    Jwt m_refresh;
    qint64 m_accessReceivedMs = 0;
    qint64 m_refreshReceivedMs = 0;
    qint64 m_nextRefreshMs = 0;
    qint64 m_clockOffsetMs = 0;
    qint64 m_requestSentMs = 0;
    qint64 m_lastRefreshMs = 0;
    int m_failedRefreshes = 0;
    bool m_rejectionRefresh = false; // the refresh in flight was caused by an API 401
    QByteArray m_rejectionAccess; // an access token obtained by such a refresh
    bool m_accountDisabled = false;
    bool m_adopting = false; // reading a newer refresh token saved by another instance
    int m_refreshesWhileDisabled = 0;
    State m_stateBeforeSignIn = State::SignedOut;
    QByteArray m_savedRefresh; // what the store holds for this session, as far as we know
    QByteArray m_refreshingWith; // the refresh token sent by the refresh in flight

    QPointer<QNetworkReply> m_signInReply;
    QPointer<QNetworkReply> m_refreshReply;
    QTimer m_tick;
    QMetaObject::Connection m_resumeRefreshWait; // a resume's wait for its refresh
};

} // namespace Kini
