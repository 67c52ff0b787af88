#pragma once

#include "Clock.h"
#include "FakeHttpServer.h"
#include "ServerConfig.h"

#include <QSet>

// A SimpleJWT-like API on FakeHttpServer for interceptor and widget tests: the real server is
// used wherever it can be; this one injects what it cannot (delays, odd bodies, hangs).
// Token validity is decided by the sets below (the server's truth); exp claims come from the
// clock (what the client sees), so tests can make the two disagree.
class FakeJwtApi : public QObject
{
    Q_OBJECT
public:
    explicit FakeJwtApi(const Kini::Clock *clock, QObject *parent = nullptr);

    bool start();
    Kini::ServerConfig config() const; // base <server>/api/, short timeouts for tests
    FakeHttpServer &server() { return m_server; }

    QByteArray mintAccess(qint64 iatSeconds = -1);
    QByteArray mintRefresh();

    // Behaviour knobs.
    int accessLifetimeS = 300;
    int refreshLifetimeS = 86400;
    bool rotate = true;
    int refreshDelayMs = 0;
    QString username = QStringLiteral("demo");
    QString password = QStringLiteral("demo-password");
    // When set, answers /api/token/refresh/ instead of the normal logic.
    FakeHttpServer::Handler refreshOverride;
    // When set, answers protected endpoints instead of the normal token check.
    FakeHttpServer::Handler apiOverride;

    QSet<QByteArray> validAccess;
    QSet<QByteArray> validRefresh;

    int refreshCalls() const;
    int obtainCalls() const;
    // Requests to path (any method), in order.
    QList<FakeHttpServer::Request> requestsTo(const QByteArray &path) const;

    static FakeHttpServer::Response tokenNotValid();

private:
    FakeHttpServer::Response obtain(const FakeHttpServer::Request &request);
    FakeHttpServer::Response refresh(const FakeHttpServer::Request &request);
    FakeHttpServer::Response api(const FakeHttpServer::Request &request);

    const Kini::Clock *m_clock;
    FakeHttpServer m_server;
    int m_serial = 0;
};
