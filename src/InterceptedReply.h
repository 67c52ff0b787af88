#pragma once

#include "ApiError.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QPointer>
#include <QUrl>

namespace Kini {

class Interceptor;
class TokenSession;

// The reply handed to callers of the Interceptor. It runs one or more real hops (refresh wait,
// replay, same-origin redirects) and finishes once, with the last hop's status, headers and body.
// Owned by the caller, like any QNetworkReply; deleting it aborts whatever is in flight.
class InterceptedReply : public QNetworkReply
{
    Q_OBJECT
public:
    using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

    InterceptedReply(Interceptor *manager, TokenSession *session,
                     QNetworkAccessManager::Operation op, const QNetworkRequest &request,
                     const QByteArray &body, QObject *parent = nullptr);
    ~InterceptedReply() override;

    void abort() override;
    qint64 bytesAvailable() const override;
    bool isSequential() const override { return true; }

    // The headers of the last hop as sent, Authorization shown as "Bearer [redacted]".
    RawHeaders sentHeaders() const;
    // The method of the last hop ("GET", "POST", ...).
    QByteArray sentMethod() const { return m_sentMethod; }
    // A redirect that was not followed because it left the API's origin (empty if none).
    QUrl blockedRedirect() const { return m_blockedRedirect; }
    // How many real hops went out (1 normally; 2 after a refresh and replay).
    int hopCount() const { return m_hops; }
    // The request was for the API's origin, and the last hop carried the session's token.
    bool startedAtApi() const { return m_startedAtApi; }
    bool tokenAttached() const { return m_authorized; }
    // The request went out again after a refresh (not merely: a replay was wanted).
    bool wasReplayed() const { return m_replaySent; }
    // Why the request failed, in the core's terms (kind None on success or a plain HTTP status).
    ApiError apiError() const { return m_apiError; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    void timerEvent(QTimerEvent *event) override;
    void connectNotify(const QMetaMethod &signal) override;

private:
    friend class Interceptor;
    // Decides what happens to a new request. Called from Interceptor::createRequest(), so a hop
    // goes out at once; anything that would finish the reply is put off to the event loop, so
    // that the caller's connections made after get() returns still see it.
    void start();
    bool isApiOrigin(const QUrl &url) const;
    void failLater(const ApiError &error, QNetworkReply::NetworkError code);
    void failForSession();
    // Sends once the session's finished signal reports success; otherwise calls failed.
    void waitFor(void (TokenSession::*finished)(const ApiError &),
                 void (InterceptedReply::*failed)(const ApiError &));
    void waitForRefresh();
    void failAfterRefresh(const ApiError &error);
    // What an HTTP error means in words: the status line, and the API's detail if it gave one.
    QString httpErrorText(int status, const QByteArray &body) const;
    // The saved session is being read from the keychain: no token yet, and no refresh to wait
    // on either. Sent once the session is back, failed if it does not come back.
    void waitForResume();
    void failAfterResume(const ApiError &error);
    // originChecked: start() has just decided m_startedAtApi.
    void sendHop(bool originChecked = false);
    // How launchHop() knows whether the hop's URL is the API's (and so gets the token).
    enum class HopOrigin {
        Api, // sendHop() checked it this moment
        Recheck, // it waited for a slot, meanwhile the configuration may have changed
    };
    void launchHop(bool holdsSlot, HopOrigin origin = HopOrigin::Recheck);
    // Lets go of the current hop: its API slot, its signals, and (keep false) the object itself,
    // which otherwise stays (m_finishedHop) until this reply dies.
    void dropHop(bool keep = false);
    void onHopFinished();
    void noteProgress() { m_lastProgress.start(); }
    // The hop's downloadProgress() is passed on only once someone listens to this reply's: most
    // callers never do, and a connection per request is not free.
    void forwardDownloadProgress();
    bool followRedirect(int status);
    void finishFromHop(QNetworkReply *hop, const QByteArray &body);
    void fail(const ApiError &error, QNetworkReply::NetworkError code);
    void complete();

    QPointer<Interceptor> m_manager;
    QPointer<TokenSession> m_session;
    QNetworkAccessManager::Operation m_op;
    QNetworkRequest m_request;
    QByteArray m_verb;
    QByteArray m_body;
    QByteArray m_data;
    qint64 m_readPos = 0;

    QPointer<QNetworkReply> m_hop;
    QPointer<QNetworkReply> m_finishedHop; // owned: deleted with this reply (not a child of it)
    // The transfer timeout, kept here rather than by Qt (whose per-reply timer is restarted
    // through a queued, string-based call on every chunk): one timer per hop that, when it
    // fires, checks how long the hop has really been silent.
    QBasicTimer m_transferTimer;
    QElapsedTimer m_lastProgress;
    qint64 m_lastReceived = 0; // what the hop had buffered when the timer last looked
    int m_transferTimeoutMs = 0;
    bool m_forwardingProgress = false;
    QMetaObject::Connection m_refreshWait;
    QByteArray m_usedAccess;
    QNetworkRequest m_sentRequest; // the last hop's request, token included: never shown as is
    QByteArray m_sentMethod;
    QUrl m_blockedRedirect;
    ApiError m_apiError;
    int m_hops = 0;
    int m_redirects = 0;
    bool m_replayed = false; // a 401 token_not_valid asked for a replay
    bool m_replaySent = false;
    bool m_authorized = false;
    bool m_startedAtApi = false;
    bool m_holdsSlot = false;
    bool m_done = false;
};

} // namespace Kini
