#include "Interceptor.h"

#include "InterceptedReply.h"
#include "TokenSession.h"

#include <QNetworkReply>

namespace Kini {

namespace {
constexpr int kMaxApiHops = 5;
}

Interceptor::Interceptor(QObject *parent)
    : QNetworkAccessManager(parent)
{
}

Interceptor::~Interceptor()
{
    // QNetworkAccessManager's destructor deletes every QNetworkReply below it, recursively, so a
    // reply still alive here and the hop it owns would both be deleted by it: the hop twice.
    const auto replies = findChildren<InterceptedReply *>(Qt::FindDirectChildrenOnly);
    qDeleteAll(replies);
}

QNetworkReply *Interceptor::createRequest(Operation op, const QNetworkRequest &request,
                                          QIODevice *outgoingData)
{
    // Token calls; and connectToHost(), whose "preconnect-http(s)" request opens a connection
    // and sends nothing.
    if (request.attribute(BypassAttribute).toBool()
        || request.url().scheme().startsWith(QLatin1String("preconnect-")))
        return QNetworkAccessManager::createRequest(op, request, outgoingData);

    // The device Qt hands us dies with the reply it was meant for, and a replay needs the same
    // bytes again, so the body is copied now.
    // TODO: a sequential device that has not produced all its data yet is cut short here;
    // streaming uploads would need the reply to read it asynchronously first.
    const QByteArray body = outgoingData ? outgoingData->readAll() : QByteArray();
    auto *reply = new InterceptedReply(this, m_session, op, request, body, this);
    reply->start();
    return reply;
}

QNetworkReply *Interceptor::sendHop(Operation op, const QNetworkRequest &request, QIODevice *body)
{
    QNetworkReply *hop = QNetworkAccessManager::createRequest(op, request, body);
    // Only get()/post()/... relay a reply's TLS errors to the manager's sslErrors() signal; a hop
    // made here must do it itself, or a certificate the user pinned is never honoured for API
    // calls (CertificateTrust listens on the manager).
    connect(hop, &QNetworkReply::sslErrors, this,
            [this, hop](const QList<QSslError> &errors) { Q_EMIT sslErrors(hop, errors); });
    return hop;
}

void Interceptor::queueApiHop(InterceptedReply *reply)
{
    if (m_apiHopsInFlight < kMaxApiHops) {
        ++m_apiHopsInFlight;
        reply->launchHop(true, InterceptedReply::HopOrigin::Api);
        return;
    }
    m_waitingHops.enqueue(reply);
}

void Interceptor::releaseApiHop()
{
    --m_apiHopsInFlight;
    while (!m_waitingHops.isEmpty() && m_apiHopsInFlight < kMaxApiHops) {
        QPointer<InterceptedReply> next = m_waitingHops.dequeue();
        if (!next || next->isFinished())
            continue;
        ++m_apiHopsInFlight;
        next->launchHop(true);
    }
}

} // namespace Kini
