#include "Interceptor.h"

#include "InterceptedReply.h"
#include "TokenSession.h"

namespace Kini {

namespace {
constexpr int kMaxApiHops = 5;
}

Interceptor::Interceptor(QObject *parent)
    : QNetworkAccessManager(parent)
{
}

QNetworkReply *Interceptor::createRequest(Operation op, const QNetworkRequest &request,
                                          QIODevice *outgoingData)
{
    if (request.attribute(BypassAttribute).toBool())
        return QNetworkAccessManager::createRequest(op, request, outgoingData);

    // The device Qt hands us dies with the reply it was meant for, and a replay needs the same
    // bytes again, so the body is copied now.
    // TODO: a sequential device that has not produced all its data yet is cut short here;
    // streaming uploads would need the reply to read it asynchronously first.
    const QByteArray body = outgoingData ? outgoingData->readAll() : QByteArray();
    return new InterceptedReply(this, m_session, op, request, body, this);
}

QNetworkReply *Interceptor::sendHop(Operation op, const QNetworkRequest &request, QIODevice *body)
{
    return QNetworkAccessManager::createRequest(op, request, body);
}

void Interceptor::queueApiHop(InterceptedReply *reply)
{
    if (m_apiHopsInFlight < kMaxApiHops) {
        ++m_apiHopsInFlight;
        reply->launchHop(true);
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
