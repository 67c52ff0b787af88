// The interceptor and session against the real SimpleJWT server with short lifetimes.
#include "InterceptedReply.h"
#include "Interceptor.h"
#include "SecretStore.h"
#include "SimpleJwtServer.h"
#include "TestTokens.h"
#include "TokenSession.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Kini;

namespace {

bool waitFinished(QNetworkReply *reply, int timeoutMs = 20000)
{
    if (reply->isFinished())
        return true;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(timeoutMs);
}

int status(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

struct Client
{
    Interceptor net;
    MemorySecretStore store;
    TokenSession session;

    Client(const QUrl &base, const Clock *clock)
        : session(&net, &store, clock)
    {
        ServerConfig config;
        config.baseUrl = base;
        session.setConfig(config);
        net.setSession(&session);
    }

    bool signIn(const SimpleJwtServer &server)
    {
        QSignalSpy done(&session, &TokenSession::signInFinished);
        session.signIn(server.options().username, server.options().password, true);
        return done.wait(20000) && !done.first().first().value<ApiError>().isError();
    }

    QNetworkReply *get(const QString &path)
    {
        return net.get(QNetworkRequest(session.config().resolve(path)));
    }
};

// Waits, by the real clock, until a token's exp has passed on the server too.
void waitPastExpiry(const Jwt &token)
{
    const qint64 exp = token.expiry().msecs;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > exp + 1000, 20000);
}

// The server's verdict on a refresh token, asked with a plain QNetworkAccessManager.
QJsonObject refreshDirectly(const QUrl &base, const QByteArray &refresh, int *statusOut)
{
    QNetworkAccessManager plain;
    QNetworkRequest request(base.resolved(QUrl(QStringLiteral("token/refresh/"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    std::unique_ptr<QNetworkReply> reply(
            plain.post(request, R"({"refresh": ")" + refresh + R"("})"));
    waitFinished(reply.get());
    *statusOut = status(reply.get());
    return QJsonDocument::fromJson(reply->readAll()).object();
}

} // namespace

class tst_RefreshFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signInAndCallEndpoint();
    void expiredAccessIsRefreshedAndReplayed();
    void parallelRequestsAcrossExpiryShareOneRefresh();
    void proactiveRefreshRotatesTokens();
    void postBodySurvivesReplay();
    void signOutRevokesWhereConfigured();

private:
    SimpleJwtServer m_server;
};

void tst_RefreshFlow::initTestCase()
{
    SimpleJwtServer::Options options;
    options.accessSeconds = 2;
    options.refreshSeconds = 600;
    QVERIFY2(m_server.start(options), qPrintable(m_server.errorString()));
}

void tst_RefreshFlow::signInAndCallEndpoint()
{
    Client client(m_server.baseUrl(), SystemClock::instance());
    QVERIFY(client.signIn(m_server));
    QCOMPARE(client.session.accessToken().tokenType(), QStringLiteral("access"));
    QCOMPARE(client.session.refreshToken().tokenType(), QStringLiteral("refresh"));

    std::unique_ptr<QNetworkReply> reply(client.get(QStringLiteral("me/")));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(status(reply.get()), 200);
    const QJsonObject me = QJsonDocument::fromJson(reply->readAll()).object();
    QCOMPARE(me.value(QLatin1String("username")).toString(), m_server.options().username);
}

void tst_RefreshFlow::expiredAccessIsRefreshedAndReplayed()
{
    // A client clock stuck in the past believes the token is still good, so the request goes
    // out with it, the real server answers 401 token_not_valid, and the interceptor must
    // refresh and replay.
    ManualClock stuck(QDateTime::currentMSecsSinceEpoch());
    Client client(m_server.baseUrl(), &stuck);
    client.session.setTickIntervalMs(3600 * 1000);
    QVERIFY(client.signIn(m_server));
    const QByteArray oldRefresh = client.session.refreshToken().raw();
    waitPastExpiry(client.session.accessToken());
    QVERIFY(client.session.hasUsableAccess());
    QSignalSpy refreshes(&client.session, &TokenSession::refreshStarted);

    std::unique_ptr<QNetworkReply> reply(client.get(QStringLiteral("items/")));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 200);
    auto *intercepted = qobject_cast<InterceptedReply *>(reply.get());
    QVERIFY(intercepted->wasReplayed());
    QCOMPARE(intercepted->hopCount(), 2);
    QCOMPARE(refreshes.size(), 1);
    QVERIFY(client.session.refreshToken().raw() != oldRefresh);

    // Rotation with blacklisting: the server now refuses the old refresh token.
    int code = 0;
    const QJsonObject verdict = refreshDirectly(m_server.baseUrl(), oldRefresh, &code);
    QCOMPARE(code, 401);
    QCOMPARE(verdict.value(QLatin1String("code")).toString(), QStringLiteral("token_not_valid"));
}

void tst_RefreshFlow::parallelRequestsAcrossExpiryShareOneRefresh()
{
    Client client(m_server.baseUrl(), SystemClock::instance());
    client.session.setTickIntervalMs(3600 * 1000); // no proactive refresh in the way
    QVERIFY(client.signIn(m_server));
    waitPastExpiry(client.session.accessToken());
    QSignalSpy refreshes(&client.session, &TokenSession::refreshStarted);

    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < 12; ++i)
        replies.emplace_back(client.get(i % 2 ? QStringLiteral("me/") : QStringLiteral("items/")));
    for (auto &reply : replies) {
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(status(reply.get()), 200);
    }
    QCOMPARE(refreshes.size(), 1);
}

void tst_RefreshFlow::proactiveRefreshRotatesTokens()
{
    Client client(m_server.baseUrl(), SystemClock::instance());
    client.session.setTickIntervalMs(100);
    QVERIFY(client.signIn(m_server));
    const QByteArray firstAccess = client.session.accessToken().raw();
    const QByteArray firstRefresh = client.session.refreshToken().raw();
    const qint64 exp = client.session.accessToken().expiry().msecs;
    QSignalSpy done(&client.session, &TokenSession::refreshFinished);

    QVERIFY(done.wait(20000));
    QVERIFY(!done.first().first().value<ApiError>().isError());
    // It happened ahead of expiry, by the margin.
    QVERIFY(QDateTime::currentMSecsSinceEpoch() < exp + 500);
    QVERIFY(client.session.accessToken().raw() != firstAccess);
    QVERIFY(client.session.refreshToken().raw() != firstRefresh);
    const QString key = client.session.config().sessionKey(m_server.options().username);
    KINI_TRY_COMPARE_SECRET(client.store.contents().value(key), client.session.refreshToken().raw(),
                            5000);
}

void tst_RefreshFlow::postBodySurvivesReplay()
{
    ManualClock stuck(QDateTime::currentMSecsSinceEpoch());
    Client client(m_server.baseUrl(), &stuck);
    client.session.setTickIntervalMs(3600 * 1000);
    QVERIFY(client.signIn(m_server));
    waitPastExpiry(client.session.accessToken());

    QNetworkRequest request(client.session.config().resolve(QStringLiteral("items/")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    std::unique_ptr<QNetworkReply> reply(client.net.post(
            request, R"({"name": "widget", "description": "made by the replay", "quantity": 3})"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 201);
    QVERIFY(qobject_cast<InterceptedReply *>(reply.get())->wasReplayed());
    const QJsonObject created = QJsonDocument::fromJson(reply->readAll()).object();
    QCOMPARE(created.value(QLatin1String("name")).toString(), QStringLiteral("widget"));
    QCOMPARE(created.value(QLatin1String("quantity")).toInt(), 3);
}

void tst_RefreshFlow::signOutRevokesWhereConfigured()
{
    Client client(m_server.baseUrl(), SystemClock::instance());
    ServerConfig config = client.session.config();
    config.blacklistPath = QStringLiteral("token/blacklist/");
    client.session.setConfig(config);
    QVERIFY(client.signIn(m_server));
    const QByteArray refresh = client.session.refreshToken().raw();
    const QString key = config.sessionKey(m_server.options().username);
    QTRY_VERIFY(client.store.contents().contains(key));

    QSignalSpy revoked(&client.session, &TokenSession::revokeFinished);
    client.session.signOut();
    QTRY_VERIFY(!client.store.contents().contains(key));
    QVERIFY(revoked.wait(20000));
    QVERIFY(!revoked.first().first().value<ApiError>().isError());

    // The server blacklisted the refresh token: nobody can use a copy of it any more.
    int code = 0;
    const QJsonObject verdict = refreshDirectly(m_server.baseUrl(), refresh, &code);
    QCOMPARE(code, 401);
    QCOMPARE(verdict.value(QLatin1String("detail")).toString(),
             QStringLiteral("Token is blacklisted"));
}

QTEST_GUILESS_MAIN(tst_RefreshFlow)
#include "tst_refreshflow.moc"
