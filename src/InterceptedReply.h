#pragma once

#include "ApiError.h"

#include <QByteArray>
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
    RawHeaders sentHeaders() const { return m_sentHeaders; }
    // The method of the last hop ("GET", "POST", ...).
    QByteArray sentMethod() const { return m_sentMethod; }
    // A redirect that was not followed because it left the API's origin (empty if none).
    QUrl blockedRedirect() const { return m_blockedRedirect; }
    // How many real hops went out (1 normally; 2 after a refresh and replay).
    int hopCount() const { return m_hops; }
    bool wasReplayed() const { return m_replayed; }
    // Why the request failed, in the core's terms (kind None on success or a plain HTTP status).
    ApiError apiError() const { return m_apiError; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void start();
    bool isApiOrigin(const QUrl &url) const;
    void failForSession();
    void waitForRefresh();
    void sendHop();
    friend class Interceptor;
    void launchHop(bool holdsSlot);
    void dropHop();
    void onHopFinished();
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
    QMetaObject::Connection m_refreshWait;
    QByteArray m_usedAccess;
    RawHeaders m_sentHeaders;
    QByteArray m_sentMethod;
    QUrl m_blockedRedirect;
    ApiError m_apiError;
    int m_hops = 0;
    int m_redirects = 0;
    bool m_replayed = false;
    bool m_authorized = false;
    bool m_startedAtApi = false;
    bool m_holdsSlot = false;
    bool m_done = false;
};

} // namespace Kini
