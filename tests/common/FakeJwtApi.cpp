#include "FakeJwtApi.h"

#include "TestTokens.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

using Response = FakeHttpServer::Response;

FakeJwtApi::FakeJwtApi(const Kini::Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
}

bool FakeJwtApi::start()
{
    // The server's Date follows the injected clock, as a real server's follows real time.
    auto dated = [this](Response (FakeJwtApi::*handler)(const FakeHttpServer::Request &)) {
        return [this, handler](const FakeHttpServer::Request &request) {
            Response response = (this->*handler)(request);
            bool hasDate = false;
            for (const auto &header : std::as_const(response.headers))
                hasDate = hasDate || header.first.compare("Date", Qt::CaseInsensitive) == 0;
            if (!hasDate) {
                const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock->nowMs(), Qt::UTC);
                const QByteArray date
                        = QLocale::c()
                                  .toString(now, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                                  .toLatin1();
                response.headers.append(qMakePair(QByteArray("Date"), date));
            }
            return response;
        };
    };
    m_server.route("POST", "/api/token/", dated(&FakeJwtApi::obtain));
    m_server.route("POST", "/api/token/refresh/", dated(&FakeJwtApi::refresh));
    for (const QByteArray &path : {QByteArray("/api/me/"), QByteArray("/api/items/"),
                                   QByteArray("/api/items/1/"), QByteArray("/api/echo/")}) {
        m_server.route("*", path, dated(&FakeJwtApi::api));
    }
    return m_server.listen();
}

Kini::ServerConfig FakeJwtApi::config() const
{
    Kini::ServerConfig config;
    config.baseUrl = m_server.url(QStringLiteral("/api/"));
    config.requestTimeoutMs = 5000;
    config.refreshTimeoutMs = 5000;
    return config;
}

QByteArray FakeJwtApi::mintAccess(qint64 iatSeconds)
{
    const qint64 now = m_clock->nowMs() / 1000;
    const QByteArray token
            = TestTokens::simpleJwt("access", iatSeconds < 0 ? now : iatSeconds,
                                    now + accessLifetimeS, "a" + QByteArray::number(++m_serial));
    validAccess.insert(token);
    return token;
}

QByteArray FakeJwtApi::mintRefresh()
{
    const qint64 now = m_clock->nowMs() / 1000;
    const QByteArray token = TestTokens::simpleJwt("refresh", now, now + refreshLifetimeS,
                                                   "r" + QByteArray::number(++m_serial));
    validRefresh.insert(token);
    return token;
}

int FakeJwtApi::refreshCalls() const
{
    return m_server.count("POST", "/api/token/refresh/");
}

int FakeJwtApi::obtainCalls() const
{
    return m_server.count("POST", "/api/token/");
}

QList<FakeHttpServer::Request> FakeJwtApi::requestsTo(const QByteArray &path) const
{
    QList<FakeHttpServer::Request> matching;
    const auto all = m_server.requests();
    for (const auto &request : all) {
        if (request.path == path)
            matching << request;
    }
    return matching;
}

Response FakeJwtApi::tokenNotValid()
{
    Response response = Response::json(
            401,
            R"({"detail":"Given token not valid for any token type","code":"token_not_valid",)"
            R"("messages":[{"token_class":"AccessToken","token_type":"access",)"
            R"("message":"Token is invalid or expired"}]})");
    response.headers.append(
            qMakePair(QByteArray("WWW-Authenticate"), QByteArray(R"(Bearer realm="api")")));
    return response;
}

Response FakeJwtApi::obtain(const FakeHttpServer::Request &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    if (!body.contains(QLatin1String("username")))
        return Response::json(400, R"({"username":["This field is required."]})");
    if (body.value(QLatin1String("username")).toString() != username
        || body.value(QLatin1String("password")).toString() != password) {
        return Response::json(401,
                              R"({"detail":"No active account found with the given credentials"})");
    }
    const QJsonObject answer {{"refresh", QString::fromLatin1(mintRefresh())},
                              {"access", QString::fromLatin1(mintAccess())}};
    return Response::json(200, QJsonDocument(answer).toJson(QJsonDocument::Compact));
}

Response FakeJwtApi::refresh(const FakeHttpServer::Request &request)
{
    Response response;
    if (refreshOverride) {
        response = refreshOverride(request);
    } else {
        const QByteArray token = QJsonDocument::fromJson(request.body)
                                         .object()
                                         .value(QLatin1String("refresh"))
                                         .toString()
                                         .toLatin1();
        if (!validRefresh.contains(token)) {
            response = Response::json(
                    401, R"({"detail":"Token is blacklisted","code":"token_not_valid"})");
        } else {
            QJsonObject answer {{"access", QString::fromLatin1(mintAccess())}};
            if (rotate) {
                validRefresh.remove(token);
                answer.insert(QLatin1String("refresh"), QString::fromLatin1(mintRefresh()));
            }
            response = Response::json(200, QJsonDocument(answer).toJson(QJsonDocument::Compact));
        }
    }
    if (response.delayMs == 0)
        response.delayMs = refreshDelayMs;
    return response;
}

Response FakeJwtApi::api(const FakeHttpServer::Request &request)
{
    if (apiOverride)
        return apiOverride(request);
    const QByteArray header = request.header("Authorization");
    if (header.isEmpty()) {
        return Response::json(401, R"({"detail":"Authentication credentials were not provided."})");
    }
    if (!header.startsWith("Bearer ") || !validAccess.contains(header.mid(7)))
        return tokenNotValid();
    const QJsonObject answer {{"method", QString::fromLatin1(request.method)},
                              {"path", QString::fromLatin1(request.target)},
                              {"bodySize", request.body.size()},
                              {"username", username}};
    return Response::json(200, QJsonDocument(answer).toJson(QJsonDocument::Compact));
}
