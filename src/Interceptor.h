#pragma once

#include <QNetworkAccessManager>
#include <QPointer>
#include <QQueue>

namespace Kini {

class InterceptedReply;
class TokenSession;

// The one QNetworkAccessManager of the app. Requests to the API's origin get
// "Authorization: Bearer <access>", wait for a refresh when the token is due, and are replayed
// once (body included) after a 401 token_not_valid. Redirects are followed by hand: within the
// API's origin with the token, never to another origin (the reply then reports where it pointed).
// Every request except the session's own token calls returns an InterceptedReply whose finished()
// comes after any refresh and replay.
class Interceptor : public QNetworkAccessManager
{
    Q_OBJECT
public:
    // Request attribute: true marks the session's token calls, which go out untouched.
    static constexpr QNetworkRequest::Attribute BypassAttribute
            = static_cast<QNetworkRequest::Attribute>(QNetworkRequest::User + 1);

    explicit Interceptor(QObject *parent = nullptr);
    ~Interceptor() override;

    void setSession(TokenSession *session) { m_session = session; }
    TokenSession *session() const { return m_session; }

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override;

private:
    friend class InterceptedReply;
    // One real network hop, bypassing interception.
    QNetworkReply *sendHop(Operation op, const QNetworkRequest &request, QIODevice *body);
    // Qt opens at most six connections per host. API hops may use five, so a refresh call always
    // finds a free connection instead of queueing behind requests that wait on it (C11).
    void queueApiHop(InterceptedReply *reply);
    void releaseApiHop();

    QPointer<TokenSession> m_session;
    QQueue<QPointer<InterceptedReply>> m_waitingHops;
    int m_apiHopsInFlight = 0;
};

} // namespace Kini
