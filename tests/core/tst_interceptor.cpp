// The interceptor against an in-process fake server: what the real SimpleJWT server cannot do
// on demand (redirects elsewhere, delays, hangs, odd bodies). Cases C01-C05, C10-C12.
#include "FakeJwtApi.h"
#include "InterceptedReply.h"
#include "Interceptor.h"
#include "SecretStore.h"
#include "TestTokens.h"
#include "TokenSession.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Kini;
using Response = FakeHttpServer::Response;

namespace {

// One client (interceptor + session + in-memory keychain) against one fake API, on a clock the
// test moves by hand.
struct Rig
{
    ManualClock clock {QDateTime::currentMSecsSinceEpoch()};
    FakeJwtApi api {&clock};
    Interceptor net;
    MemorySecretStore store;
    TokenSession session {&net, &store, &clock};

    Rig()
    {
        api.start();
        session.setConfig(api.config());
        session.setTickIntervalMs(10);
        net.setSession(&session);
    }

    bool signIn(bool keep = true)
    {
        QSignalSpy done(&session, &TokenSession::signInFinished);
        session.signIn(api.username, api.password, keep);
        if (!done.wait(5000))
            return false;
        return !done.first().first().value<ApiError>().isError();
    }

    QNetworkReply *send(const QByteArray &verb, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(session.config().resolve(path));
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        return net.sendCustomRequest(request, verb, body);
    }

    // The access token is dead on the server, though its exp still looks fine to the client.
    void revokeAccess() { api.validAccess.clear(); }
};

bool waitFinished(QNetworkReply *reply, int timeoutMs = 10000)
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

InterceptedReply *intercepted(QNetworkReply *reply)
{
    return qobject_cast<InterceptedReply *>(reply);
}

// A keychain that answers only when the test says so.
class HeldSecretStore final : public SecretStore
{
public:
    QByteArray saved;
    Callback pending;
    QPointer<QObject> pendingContext;

    void read(const QString &, QObject *context, Callback done) override
    {
        pendingContext = context;
        pending = std::move(done);
    }
    void write(const QString &, const QByteArray &secret, QObject *context, Callback done) override
    {
        saved = secret;
        answerLater(context, std::move(done));
    }
    void remove(const QString &, QObject *context, Callback done) override
    {
        answerLater(context, std::move(done));
    }
    // As the contract says: later, and never once the store or the context is gone.
    void answerLater(QObject *context, Callback done)
    {
        if (done)
            QTimer::singleShot(0, context ? context : this, [done] { done(StoreResult()); });
    }
    void answer()
    {
        StoreResult result;
        result.secret = saved;
        if (pending && pendingContext)
            pending(result);
    }
};

} // namespace

class tst_Interceptor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_rig = std::make_unique<Rig>(); }
    void cleanup() { m_rig.reset(); }
    void resumeConnectsWhileTheKeychainIsRead();
    void signOutDuringResumeLeavesNoTrace();
    void failedResumeHoldsNoTokens();
    void signInDuringResumeRefreshKeepsTheSignIn();

    void attachesTokenOnlyToApiOrigin();
    void requestBeforeSignInGoesOutWithoutToken();
    void crossOriginRedirectIsNotFollowed_data();
    void crossOriginRedirectIsNotFollowed();
    void sameOriginRedirectKeepsToken();
    void concurrent401sShareOneRefresh();
    void requestDuringRefreshWaitsForIt();
    void refreshWithoutRotationKeepsRefreshToken();
    void refreshAnswerWithoutTokensIsAnError();
    void rotatedRefreshTokenIsStored();
    void apiErrorCodes_data();
    void apiErrorCodes();
    void httpErrorsSayStatusAndDetail_data();
    void httpErrorsSayStatusAndDetail();
    void secondRejectionIsShownNotRefreshed();
    void deadRefreshTokenEndsSession();
    void deadStoredTokenIsTriedOnceThenRemoved();
    void secondInstanceTakesOverRotatedToken();
    void transientRefreshFailureKeepsTokens_data();
    void transientRefreshFailureKeepsTokens();
    void disabledAccountCausesNoRefreshLoop();
    void oldIatDoesNotShortenRefreshPlan();
    void proactiveRefreshBeforeExpiry();
    void replayCarriesIdenticalBody_data();
    void replayCarriesIdenticalBody();
    void replayWhenCallerDeletesReplyInFinished();
    void hangingApiCallTimesOut();
    void hangingRefreshFailsWaitersAndKeepsToken();
    void slowRequestsDoNotStarveRefresh();
    void wallClockJumpRefreshesBeforeSending();
    void wallClockJumpPastRefreshExpiryEndsSession();
    void wallClockJumpIsNoticedWithinATick();
    void skewedClockRefreshesOncePerLifetime_data();
    void skewedClockRefreshesOncePerLifetime();
    void headerInjectionIsRefused_data();
    void headerInjectionIsRefused();
    void abortWhileWaitingForRefresh();

private:
    std::unique_ptr<Rig> m_rig;
};

void tst_Interceptor::attachesTokenOnlyToApiOrigin()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    FakeHttpServer other;
    QVERIFY(other.listen());
    other.route("GET", "/elsewhere", [](const auto &) { return Response::json(200, "{}"); });

    std::unique_ptr<QNetworkReply> api(rig.send("GET", "me/"));
    std::unique_ptr<QNetworkReply> foreign(rig.send("GET", other.url("/elsewhere").toString()));
    QVERIFY(waitFinished(api.get()));
    QVERIFY(waitFinished(foreign.get()));

    QCOMPARE(status(api.get()), 200);
    const auto seen = rig.api.requestsTo("/api/me/");
    QCOMPARE(seen.size(), 1);
    KINI_COMPARE_SECRET(seen.first().header("Authorization"),
                        "Bearer " + rig.session.accessToken().raw());
    QCOMPARE(other.requests().size(), 1);
    QVERIFY(!other.requests().first().hasHeader("Authorization"));

    // What the UI shows as sent never holds the token.
    const auto sent = intercepted(api.get())->sentHeaders();
    bool found = false;
    for (const auto &header : sent) {
        if (header.first == "Authorization") {
            found = true;
            QCOMPARE(header.second, QByteArray("Bearer [redacted]"));
        }
    }
    QVERIFY(found);
}

void tst_Interceptor::requestBeforeSignInGoesOutWithoutToken()
{
    Rig &rig = *m_rig;
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(status(reply.get()), 401);
    QVERIFY(!rig.api.requestsTo("/api/me/").first().hasHeader("Authorization"));
    QCOMPARE(rig.api.refreshCalls(), 0);
}

void tst_Interceptor::crossOriginRedirectIsNotFollowed_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("GET 302") << QByteArray("GET") << 302 << QByteArray();
    QTest::newRow("GET 301") << QByteArray("GET") << 301 << QByteArray();
    QTest::newRow("GET 303") << QByteArray("GET") << 303 << QByteArray();
    QTest::newRow("POST 307 with JSON body")
            << QByteArray("POST") << 307 << QByteArray(R"({"name":"widget"})");
    QTest::newRow("POST 308 with JSON body")
            << QByteArray("POST") << 308 << QByteArray(R"({"name":"widget"})");
}

void tst_Interceptor::crossOriginRedirectIsNotFollowed()
{
    QFETCH(QByteArray, verb);
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    FakeHttpServer other;
    QVERIFY(other.listen());
    const QUrl steal = other.url(QStringLiteral("/steal"));
    rig.api.apiOverride = [&](const auto &) {
        return Response::redirect(code, steal.toEncoded());
    };

    std::unique_ptr<QNetworkReply> reply(rig.send(verb, "items/", body));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(other.requests().size(), 0); // neither token nor body reached OTHER
    QCOMPARE(status(reply.get()), code);
    QCOMPARE(intercepted(reply.get())->blockedRedirect(), steal);
    QCOMPARE(reply->error(), QNetworkReply::InsecureRedirectError);
    QVERIFY(intercepted(reply.get())->apiError().message.contains(steal.toString()));
}

void tst_Interceptor::sameOriginRedirectKeepsToken()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.server().route("GET", "/api/old/", [](const auto &) {
        return Response::redirect(302, "/api/items/?page=2");
    });

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "old/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 200);
    QCOMPARE(reply->url().path(), QStringLiteral("/api/items/"));
    const auto items = rig.api.requestsTo("/api/items/");
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().target, QByteArray("/api/items/?page=2"));
    KINI_COMPARE_SECRET(items.first().header("Authorization"),
                        "Bearer " + rig.session.accessToken().raw());
}

void tst_Interceptor::concurrent401sShareOneRefresh()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.revokeAccess();
    rig.api.refreshDelayMs = 500;
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < 5; ++i)
        replies.emplace_back(rig.send("GET", "items/"));
    for (auto &reply : replies)
        QVERIFY(waitFinished(reply.get()));

    QCOMPARE(rig.api.refreshCalls(), 1);
    for (auto &reply : replies) {
        QCOMPARE(status(reply.get()), 200);
        QVERIFY(intercepted(reply.get())->wasReplayed());
    }
    QCOMPARE(rig.api.requestsTo("/api/items/").size(), 10); // five rejected, five replayed
    QCOMPARE(expired.size(), 0);
}

void tst_Interceptor::requestDuringRefreshWaitsForIt()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QByteArray oldAccess = rig.session.accessToken().raw();
    rig.revokeAccess();
    rig.api.refreshDelayMs = 500;
    QSignalSpy started(&rig.session, &TokenSession::refreshStarted);

    std::unique_ptr<QNetworkReply> first(rig.send("GET", "items/"));
    QVERIFY(started.wait(5000));
    std::unique_ptr<QNetworkReply> late(rig.send("GET", "me/"));
    QVERIFY(waitFinished(first.get()));
    QVERIFY(waitFinished(late.get()));

    QCOMPARE(status(late.get()), 200);
    QCOMPARE(rig.api.refreshCalls(), 1);
    const auto me = rig.api.requestsTo("/api/me/");
    QCOMPARE(me.size(), 1); // it never went out with the old token
    QVERIFY(me.first().header("Authorization") != "Bearer " + oldAccess);
    QVERIFY(!intercepted(late.get())->wasReplayed());
}

void tst_Interceptor::refreshWithoutRotationKeepsRefreshToken()
{
    Rig &rig = *m_rig;
    rig.api.rotate = false;
    QVERIFY(rig.signIn());
    const QByteArray refresh = rig.session.refreshToken().raw();
    const int writes = rig.store.writeCount();
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);

    QVERIFY(rig.session.refresh());
    QVERIFY(done.wait(5000));

    QVERIFY(!done.first().first().value<ApiError>().isError());
    KINI_COMPARE_SECRET(rig.session.refreshToken().raw(), refresh); // byte for byte
    QCOMPARE(rig.store.writeCount(), writes); // nothing new to store
    QVERIFY(rig.api.validAccess.contains(rig.session.accessToken().raw()));
}

void tst_Interceptor::refreshAnswerWithoutTokensIsAnError()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QByteArray access = rig.session.accessToken().raw();
    const QByteArray refresh = rig.session.refreshToken().raw();
    rig.api.refreshOverride = [](const auto &) {
        return Response::json(200, R"({"ok":true})");
    };
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);

    QVERIFY(rig.session.refresh());
    QVERIFY(done.wait(5000));

    const ApiError error = done.first().first().value<ApiError>();
    QCOMPARE(error.kind, ApiError::InvalidResponse);
    QVERIFY(error.message.contains(QLatin1String("access")));
    KINI_COMPARE_SECRET(rig.session.accessToken().raw(), access);
    KINI_COMPARE_SECRET(rig.session.refreshToken().raw(), refresh);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
}

void tst_Interceptor::rotatedRefreshTokenIsStored()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QString key = rig.session.config().sessionKey(rig.api.username);
    KINI_TRY_COMPARE_SECRET(rig.store.contents().value(key), rig.session.refreshToken().raw(),
                            5000);
    const QByteArray first = rig.session.refreshToken().raw();
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);

    QVERIFY(rig.session.refresh());
    QVERIFY(done.wait(5000));

    QVERIFY(rig.session.refreshToken().raw() != first);
    QVERIFY(!rig.api.validRefresh.contains(first)); // the server burnt the old one
    KINI_TRY_COMPARE_SECRET(rig.store.contents().value(key), rig.session.refreshToken().raw(),
                            5000);
}

void tst_Interceptor::apiErrorCodes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("expectedKind");
    QTest::addColumn<QString>("detail");
    QTest::newRow("bad_authorization_header: shown, no refresh")
            << QByteArray(R"({"detail":"Authorization header must contain two space-delimited )"
                          R"(values","code":"bad_authorization_header"})")
            << int(ApiError::Http) << "two space-delimited values";
    QTest::newRow("user_inactive: account disabled, no refresh")
            << QByteArray(R"({"detail":"User is inactive","code":"user_inactive"})")
            << int(ApiError::AccountDisabled) << "User is inactive";
    QTest::newRow("user_not_found: account disabled, no refresh")
            << QByteArray(R"({"detail":"User not found","code":"user_not_found"})")
            << int(ApiError::AccountDisabled) << "User not found";
}

void tst_Interceptor::httpErrorsSayStatusAndDetail_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("html");
    QTest::addColumn<QString>("expected");
    QTest::newRow("404 with DRF's detail")
            << 404 << QByteArray(R"({"detail":"Not found."})") << false
            << "The server answered 404 Not Found: Not found.";
    QTest::newRow("403 with a detail")
            << 403 << QByteArray(R"({"detail":"You do not have permission."})") << false
            << "The server answered 403 Forbidden: You do not have "
               "permission.";
    QTest::newRow("500 HTML page: the status line only")
            << 500 << QByteArray("<html><body><h1>Server Error (500)</h1></body></html>") << true
            << "The server answered 500 Internal Server Error.";
    QTest::newRow("400 JSON without a detail") << 400 << QByteArray(R"({"name":["required"]})")
                                               << false << "The server answered 400 Bad Request.";
}

// Qt's own text ("Error transferring <url> - server replied: Not Found") is not what the user
// reads: the status line and the API's detail are.
void tst_Interceptor::httpErrorsSayStatusAndDetail()
{
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    QFETCH(bool, html);
    QFETCH(QString, expected);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.apiOverride = [&](const auto &) {
        return html ? Response::html(code, body) : Response::json(code, body);
    };
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(status(reply.get()), code);
    const ApiError error = intercepted(reply.get())->apiError();
    QCOMPARE(error.kind, ApiError::Http);
    QCOMPARE(error.httpStatus, code);
    QCOMPARE(error.message, expected);
    QCOMPARE(reply->readAll(), body); // the body itself is still there to read
}

void tst_Interceptor::apiErrorCodes()
{
    QFETCH(QByteArray, body);
    QFETCH(int, expectedKind);
    QFETCH(QString, detail);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.apiOverride = [&](const auto &) {
        return Response::json(401, body);
    };
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 401);
    QCOMPARE(int(intercepted(reply.get())->apiError().kind), expectedKind);
    QVERIFY2(intercepted(reply.get())->apiError().message.contains(detail),
             qPrintable(intercepted(reply.get())->apiError().message));
    QCOMPARE(rig.api.refreshCalls(), 0);
    QCOMPARE(rig.api.requestsTo("/api/me/").size(), 1);
    QCOMPARE(expired.size(), 0);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
}

void tst_Interceptor::secondRejectionIsShownNotRefreshed()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.apiOverride = [](const auto &) {
        return FakeJwtApi::tokenNotValid();
    };

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(status(reply.get()), 401);
    QCOMPARE(rig.api.refreshCalls(), 1);
    QCOMPARE(rig.api.requestsTo("/api/me/").size(), 2);

    // The fresh token was rejected too: the next request gets no further refresh.
    std::unique_ptr<QNetworkReply> again(rig.send("GET", "me/"));
    QVERIFY(waitFinished(again.get()));
    QCOMPARE(status(again.get()), 401);
    QCOMPARE(rig.api.refreshCalls(), 1);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
}

void tst_Interceptor::deadRefreshTokenEndsSession()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QString key = rig.session.config().sessionKey(rig.api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));
    rig.revokeAccess();
    rig.api.validRefresh.clear();
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(reply->error(), QNetworkReply::AuthenticationRequiredError);
    QCOMPARE(intercepted(reply.get())->apiError().kind, ApiError::SessionExpired);
    QCOMPARE(expired.size(), 1);
    QVERIFY(expired.first().first().toString().contains(QLatin1String("blacklisted")));
    QCOMPARE(rig.session.state(), TokenSession::State::Expired);
    QCOMPARE(rig.session.username(), rig.api.username); // for the prefilled dialog
    QTRY_VERIFY(!rig.store.contents().contains(key));
}

void tst_Interceptor::deadStoredTokenIsTriedOnceThenRemoved()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QString key = rig.session.config().sessionKey(rig.api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));
    // Another instance saved a token of its own, which the server no longer honours either.
    bool written = false;
    rig.store.write(key, "dead.token.from-another-instance", this,
                    [&written](const StoreResult &) { written = true; });
    QTRY_VERIFY(written);
    rig.revokeAccess();
    rig.api.validRefresh.clear();
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(reply->error(), QNetworkReply::AuthenticationRequiredError);
    QCOMPARE(expired.size(), 1);
    QCOMPARE(rig.api.refreshCalls(), 2); // its own token, then the stored one, and no more
    // The stored token is the one that failed last: it is removed.
    QTRY_VERIFY(!rig.store.contents().contains(key));
}

void tst_Interceptor::secondInstanceTakesOverRotatedToken()
{
    // Two copies of the app on one server and user share the keychain entry.
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QString key = rig.session.config().sessionKey(rig.api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));

    Interceptor otherNet;
    TokenSession other(&otherNet, &rig.store, &rig.clock);
    other.setConfig(rig.api.config());
    otherNet.setSession(&other);
    QSignalSpy resumed(&other, &TokenSession::resumeFinished);
    other.resume(rig.api.username); // refreshes, rotates, saves the new token
    QVERIFY(resumed.wait(5000));
    QVERIFY(!resumed.first().first().value<ApiError>().isError());
    QTRY_VERIFY(rig.store.contents().value(key) == other.refreshToken().raw());

    // The first copy's refresh token was burnt by that rotation.
    rig.revokeAccess();
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 200);
    QCOMPARE(expired.size(), 0);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
    QTRY_VERIFY(rig.store.contents().value(key) == rig.session.refreshToken().raw());
    QCOMPARE(rig.api.refreshCalls(), 3); // other's resume, the refused one, the retry
}

void tst_Interceptor::transientRefreshFailureKeepsTokens_data()
{
    QTest::addColumn<int>("action");
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("HTML 502") << int(Response::Respond) << 502
                              << QByteArray("<html><body>Bad Gateway</body></html>")
                              << "server answered HTML (502)";
    QTest::newRow("JSON 500") << int(Response::Respond) << 500 << QByteArray(R"({"detail":"boom"})")
                              << "500";
    QTest::newRow("dropped connection") << int(Response::DropConnection) << 0 << QByteArray() << "";
    QTest::newRow("truncated JSON")
            << int(Response::Respond) << 200 << QByteArray(R"({"access": "abc)") << "not a JSON";
    QTest::newRow("wrong types") << int(Response::Respond) << 200
                                 << QByteArray(R"({"access": 12, "refresh": []})") << "access";
    QTest::newRow("empty strings") << int(Response::Respond) << 200
                                   << QByteArray(R"({"access": "", "refresh": ""})") << "access";
    QTest::newRow("token with CRLF")
            << int(Response::Respond) << 200 << QByteArray(R"({"access": "a.b.c\r\nX-Evil: 1"})")
            << "header";
}

void tst_Interceptor::transientRefreshFailureKeepsTokens()
{
    QFETCH(int, action);
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QString key = rig.session.config().sessionKey(rig.api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));
    const QByteArray refresh = rig.session.refreshToken().raw();
    rig.revokeAccess();
    rig.api.refreshOverride = [&](const auto &) {
        Response response = code == 502 ? Response::html(code, body) : Response::json(code, body);
        response.action = Response::Action(action);
        return response;
    };
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QVERIFY(reply->error() != QNetworkReply::NoError);
    const ApiError error = intercepted(reply.get())->apiError();
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    // It went out once, was rejected, and was not sent again: said as such.
    QVERIFY(!intercepted(reply.get())->wasReplayed());
    QVERIFY2(error.message.contains(QLatin1String("rejected the access token")),
             qPrintable(error.message));
    QCOMPARE(expired.size(), 0);
    KINI_COMPARE_SECRET(rig.session.refreshToken().raw(), refresh);
    KINI_COMPARE_SECRET(rig.store.contents().value(key), refresh);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);

    // The next attempt uses the same refresh token, and a success replaces it.
    rig.api.refreshOverride = nullptr;
    std::unique_ptr<QNetworkReply> retry(rig.send("GET", "me/"));
    QVERIFY(waitFinished(retry.get()));
    QCOMPARE(status(retry.get()), 200);
    QVERIFY(rig.session.refreshToken().raw() != refresh);
    KINI_TRY_COMPARE_SECRET(rig.store.contents().value(key), rig.session.refreshToken().raw(),
                            5000);
}

void tst_Interceptor::disabledAccountCausesNoRefreshLoop()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.apiOverride = [](const auto &) {
        return Response::json(401, R"({"detail":"User is inactive","code":"user_inactive"})");
    };
    QSignalSpy disabled(&rig.session, &TokenSession::accountDisabled);

    for (int round = 0; round < 5; ++round) {
        std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(intercepted(reply.get())->apiError().kind, ApiError::AccountDisabled);
        QVERIFY(intercepted(reply.get())->apiError().message.contains(QLatin1String("disabled"))
                || intercepted(reply.get())
                           ->apiError()
                           .message.contains(QLatin1String("inactive")));
        // Several access lifetimes pass: the proactive refresh must not keep minting tokens.
        rig.clock.advanceMs(200 * 1000);
        rig.session.checkClock();
        QVERIFY(!rig.session.isRefreshing());
    }
    QVERIFY(rig.api.refreshCalls() <= 1);
    QVERIFY(disabled.size() >= 1);
    QCOMPARE(disabled.first().first().toString(), QStringLiteral("User is inactive"));
}

void tst_Interceptor::oldIatDoesNotShortenRefreshPlan()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    // SimpleJWT 5.2.2: a refreshed access token carries the login's iat (C06).
    const qint64 loginSeconds = rig.clock.nowMs() / 1000 - 3 * 3600;
    rig.api.refreshOverride = [&](const auto &) {
        const QJsonObject answer {
                {"access", QString::fromLatin1(rig.api.mintAccess(loginSeconds))}};
        return Response::json(200, QJsonDocument(answer).toJson(QJsonDocument::Compact));
    };
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);
    QVERIFY(rig.session.refresh());
    QVERIFY(done.wait(5000));

    const ClaimTime exp = rig.session.accessToken().expiry();
    QVERIFY(exp.isValid());
    QCOMPARE(rig.session.accessToken().issuedAt().msecs, loginSeconds * 1000);
    QVERIFY(rig.session.hasUsableAccess());
    // Planned from exp with a 30 s margin for a 5-minute token, not from exp - iat.
    // exp has whole seconds, the clock milliseconds: the margin is 30 s less up to 0.1 s.
    QVERIFY(qAbs(rig.session.nextRefreshMs() - (exp.msecs - 30000)) <= 100);
    QVERIFY(exp.msecs - rig.session.accessReceivedMs() > 295 * 1000);
}

void tst_Interceptor::proactiveRefreshBeforeExpiry()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    const QByteArray first = rig.session.accessToken().raw();
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);

    rig.clock.advanceMs(269 * 1000);
    rig.session.checkClock();
    QVERIFY(!rig.session.isRefreshing()); // not yet due (exp - 30 s)
    rig.clock.advanceMs(2 * 1000);
    QVERIFY(done.wait(5000)); // the session's own tick notices
    QCOMPARE(rig.api.refreshCalls(), 1);
    QVERIFY(rig.session.accessToken().raw() != first);
}

void tst_Interceptor::replayCarriesIdenticalBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("small JSON") << QByteArray(R"({"name": "widget"})");
    QByteArray big = R"({"blob": ")";
    big.append(QByteArray(5 * 1024 * 1024, 'x'));
    big.append(R"("})");
    QTest::newRow("5 MB JSON") << big;
}

void tst_Interceptor::replayCarriesIdenticalBody()
{
    QFETCH(QByteArray, body);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.revokeAccess();

    std::unique_ptr<QNetworkReply> reply(rig.send("POST", "items/", body));
    QVERIFY(waitFinished(reply.get(), 30000));

    QCOMPARE(status(reply.get()), 200);
    const auto posts = rig.api.requestsTo("/api/items/");
    QCOMPARE(posts.size(), 2); // the rejected one and exactly one replay
    QCOMPARE(posts.at(0).body, body);
    QCOMPARE(posts.at(1).body, body);
    QCOMPARE(posts.at(1).method, QByteArray("POST"));
    QCOMPARE(posts.at(1).header("Content-Type"), posts.at(0).header("Content-Type"));
    QVERIFY(posts.at(1).header("Authorization") != posts.at(0).header("Authorization"));
    KINI_COMPARE_SECRET(posts.at(1).header("Authorization"),
                        "Bearer " + rig.session.accessToken().raw());
}

void tst_Interceptor::replayWhenCallerDeletesReplyInFinished()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.revokeAccess();
    const QByteArray body = R"({"name": "widget"})";

    bool finished = false;
    int seenStatus = 0;
    QBuffer device;
    device.setData(body);
    device.open(QIODevice::ReadOnly);
    QNetworkRequest request(rig.session.config().resolve(QStringLiteral("items/")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = rig.net.post(request, &device);
    connect(reply, &QNetworkReply::finished, this, [&, reply]() {
        seenStatus = status(reply);
        finished = true;
        delete reply;
    });
    QTRY_VERIFY_WITH_TIMEOUT(finished, 10000);

    QCOMPARE(seenStatus, 200);
    const auto posts = rig.api.requestsTo("/api/items/");
    QCOMPARE(posts.size(), 2);
    QCOMPARE(posts.at(1).body, body);
}

void tst_Interceptor::hangingApiCallTimesOut()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.apiOverride = [](const auto &) {
        Response response;
        response.action = Response::NeverAnswer;
        return response;
    };
    QNetworkRequest request(rig.session.config().resolve(QStringLiteral("me/")));
    request.setTransferTimeout(300);

    std::unique_ptr<QNetworkReply> reply(rig.net.get(request));
    QVERIFY(waitFinished(reply.get(), 10000));

    QCOMPARE(reply->error(), QNetworkReply::TimeoutError);
    QCOMPARE(intercepted(reply.get())->apiError().kind, ApiError::Timeout);
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
}

void tst_Interceptor::hangingRefreshFailsWaitersAndKeepsToken()
{
    Rig &rig = *m_rig;
    ServerConfig config = rig.api.config();
    config.refreshTimeoutMs = 400;
    rig.session.setConfig(config);
    QVERIFY(rig.signIn());
    const QString key = config.sessionKey(rig.api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));
    const QByteArray refresh = rig.session.refreshToken().raw();
    rig.revokeAccess();
    rig.api.refreshOverride = [](const auto &) {
        Response response;
        response.action = Response::NeverAnswer;
        return response;
    };
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < 3; ++i)
        replies.emplace_back(rig.send("GET", "me/"));
    for (auto &reply : replies) {
        QVERIFY(waitFinished(reply.get(), 10000));
        QVERIFY(reply->error() != QNetworkReply::NoError);
        QCOMPARE(intercepted(reply.get())->apiError().kind, ApiError::Timeout);
    }
    QCOMPARE(rig.api.refreshCalls(), 1);
    QCOMPARE(expired.size(), 0);
    KINI_COMPARE_SECRET(rig.session.refreshToken().raw(), refresh);
    KINI_COMPARE_SECRET(rig.store.contents().value(key), refresh);
}

void tst_Interceptor::slowRequestsDoNotStarveRefresh()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.api.server().route("GET", "/api/slow/", [](const auto &) {
        Response response;
        response.action = Response::NeverAnswer;
        return response;
    });
    std::vector<std::unique_ptr<QNetworkReply>> slow;
    for (int i = 0; i < 8; ++i) {
        QNetworkRequest request(rig.session.config().resolve(QStringLiteral("slow/")));
        request.setTransferTimeout(1500);
        slow.emplace_back(rig.net.get(request));
    }
    QTRY_COMPARE(rig.api.requestsTo("/api/slow/").size(), 5);

    // The refresh falls due while every API connection is taken.
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);
    QVERIFY(rig.session.refresh());
    QVERIFY(done.wait(1000)); // well before any slow request times out
    QVERIFY(!done.first().first().value<ApiError>().isError());

    for (auto &reply : slow) {
        QVERIFY(waitFinished(reply.get(), 10000));
        QCOMPARE(reply->error(), QNetworkReply::TimeoutError);
    }
}

void tst_Interceptor::wallClockJumpRefreshesBeforeSending()
{
    Rig &rig = *m_rig;
    rig.session.setTickIntervalMs(3600 * 1000); // timers did not run during the suspend
    QVERIFY(rig.signIn());
    const QByteArray oldAccess = rig.session.accessToken().raw();

    rig.clock.advanceMs(900 * 1000); // woke up 15 minutes later
    QVERIFY(!rig.session.hasUsableAccess());
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(status(reply.get()), 200);
    QCOMPARE(rig.api.refreshCalls(), 1);
    const auto me = rig.api.requestsTo("/api/me/");
    QCOMPARE(me.size(), 1); // refreshed first, never sent with the expired token
    QVERIFY(me.first().header("Authorization") != "Bearer " + oldAccess);
}

void tst_Interceptor::wallClockJumpPastRefreshExpiryEndsSession()
{
    Rig &rig = *m_rig;
    rig.session.setTickIntervalMs(3600 * 1000);
    QVERIFY(rig.signIn());
    QSignalSpy expired(&rig.session, &TokenSession::sessionExpired);

    rig.clock.advanceMs(25LL * 3600 * 1000); // past the 24 h refresh lifetime
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(reply->error(), QNetworkReply::AuthenticationRequiredError);
    QCOMPARE(rig.api.requestsTo("/api/me/").size(), 0); // nothing left with a dead token
    QCOMPARE(rig.api.refreshCalls(), 0);
    QCOMPARE(expired.size(), 1);
    QVERIFY(expired.first().first().toString().contains(QLatin1String("expired")));
}

void tst_Interceptor::wallClockJumpIsNoticedWithinATick()
{
    Rig &rig = *m_rig;
    rig.session.setTickIntervalMs(1000); // the app's own tick
    QVERIFY(rig.signIn());
    QSignalSpy started(&rig.session, &TokenSession::refreshStarted);

    // Woken from a suspend: nothing was sent, no timer was due, only the wall clock moved.
    rig.clock.advanceMs(900 * 1000);
    QVERIFY(started.wait(1500)); // noticed by the next tick, not when the old timer would fire
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);
    QVERIFY(done.wait(5000));
    QVERIFY(rig.session.hasUsableAccess());
}

void tst_Interceptor::skewedClockRefreshesOncePerLifetime_data()
{
    QTest::addColumn<qint64>("skewMs");
    QTest::newRow("client clock 1 h ahead") << qint64(3600 * 1000);
    QTest::newRow("client clock 1 h behind") << qint64(-3600 * 1000);
    QTest::newRow("client clock 20 min ahead") << qint64(1200 * 1000);
}

void tst_Interceptor::skewedClockRefreshesOncePerLifetime()
{
    QFETCH(qint64, skewMs);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ManualClock serverClock(now);
    ManualClock clientClock(now + skewMs);
    FakeJwtApi api(&serverClock);
    QVERIFY(api.start());
    Interceptor net;
    MemorySecretStore store;
    TokenSession session(&net, &store, &clientClock);
    session.setConfig(api.config());
    session.setTickIntervalMs(3600 * 1000); // the test calls checkClock() itself
    net.setSession(&session);
    QSignalSpy offsets(&session, &TokenSession::clockOffsetChanged);

    QSignalSpy signedIn(&session, &TokenSession::signInFinished);
    session.signIn(api.username, api.password, false);
    QVERIFY(signedIn.wait(5000));
    QVERIFY(qAbs(session.clockOffsetMs() + skewMs) < 3000);
    QCOMPARE(offsets.size(), 1);
    QVERIFY(session.hasUsableAccess());

    // Three access lifetimes pass, in 10 s steps, on both clocks.
    QSignalSpy refreshed(&session, &TokenSession::refreshFinished);
    for (int step = 0; step < 90; ++step) {
        serverClock.advanceMs(10000);
        clientClock.advanceMs(10000);
        session.checkClock();
        if (session.isRefreshing())
            QVERIFY(refreshed.wait(5000));
        QVERIFY(session.hasUsableAccess());
    }
    QCOMPARE(api.refreshCalls(), 3); // at 270, 540 and 810 s: once per lifetime, no loop
    for (const auto &arguments : std::as_const(refreshed))
        QVERIFY(!arguments.first().value<ApiError>().isError());
}

void tst_Interceptor::headerInjectionIsRefused_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("CRLF in value") << QByteArray("X-Note") << QByteArray("a\r\nX-Evil: 1");
    QTest::newRow("LF in value") << QByteArray("X-Note") << QByteArray("a\nb");
    QTest::newRow("NUL in value") << QByteArray("X-Note") << QByteArray("a\0b", 3);
    QTest::newRow("DEL in value") << QByteArray("X-Note") << QByteArray("a\x7f");
    QTest::newRow("colon in name") << QByteArray("X:Note") << QByteArray("v");
    QTest::newRow("space in name") << QByteArray("X Note") << QByteArray("v");
}

void tst_Interceptor::headerInjectionIsRefused()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    QNetworkRequest request(rig.session.config().resolve(QStringLiteral("me/")));
    request.setRawHeader(name, value);

    std::unique_ptr<QNetworkReply> reply(rig.net.get(request));
    QVERIFY(waitFinished(reply.get()));

    QCOMPARE(intercepted(reply.get())->apiError().kind, ApiError::BadInput);
    QCOMPARE(rig.api.requestsTo("/api/me/").size(), 0);
}

void tst_Interceptor::abortWhileWaitingForRefresh()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    rig.revokeAccess();
    rig.api.refreshDelayMs = 300;
    QSignalSpy started(&rig.session, &TokenSession::refreshStarted);
    QSignalSpy done(&rig.session, &TokenSession::refreshFinished);

    std::unique_ptr<QNetworkReply> first(rig.send("GET", "me/"));
    QVERIFY(started.wait(5000));
    std::unique_ptr<QNetworkReply> waiting(rig.send("GET", "items/"));
    QCoreApplication::processEvents();
    waiting->abort();
    QCOMPARE(waiting->error(), QNetworkReply::OperationCanceledError);
    QVERIFY(waiting->isFinished());
    QVERIFY(done.wait(5000));
    QVERIFY(waitFinished(first.get()));
    QCOMPARE(status(first.get()), 200);
    QCOMPARE(rig.api.requestsTo("/api/items/").size(), 0);
}

QTEST_GUILESS_MAIN(tst_Interceptor)
// A resume ends in a refresh: its connection is opened while the keychain is still being read,
// and the refresh then uses it (no second connection); nothing is sent before the keychain
// answers.
void tst_Interceptor::resumeConnectsWhileTheKeychainIsRead()
{
    FakeJwtApi &api = m_rig->api;
    QVERIFY(m_rig->signIn());
    HeldSecretStore store;
    store.saved = m_rig->session.refreshToken().raw();
    Interceptor net;
    TokenSession session(&net, &store, &m_rig->clock);
    session.setConfig(api.config());
    net.setSession(&session);
    const int connectionsBefore = api.server().connectionsAccepted();
    const qsizetype requestsBefore = api.server().requests().size();

    QSignalSpy resumed(&session, &TokenSession::resumeFinished);
    session.resume(api.username);
    QTRY_COMPARE(api.server().connectionsAccepted(), connectionsBefore + 1);
    QCOMPARE(api.server().requests().size(), requestsBefore); // connected, nothing sent
    QVERIFY(resumed.isEmpty());

    store.answer();
    QVERIFY(resumed.wait(5000));
    QVERIFY(!resumed.first().first().value<ApiError>().isError());
    QCOMPARE(api.server().requests().size(), requestsBefore + 1); // the refresh
    QCOMPARE(api.server().connectionsAccepted(), connectionsBefore + 1);
}

// Signed out while the resume's refresh was on its way, then signed in with the password: the
// abandoned resume has no say over the new session. Its refresh failing later is an ordinary
// failure (tokens kept, retried), not a sign-out.
void tst_Interceptor::signOutDuringResumeLeavesNoTrace()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    FakeJwtApi &api = rig.api;
    api.refreshOverride = [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::NeverAnswer;
        return response;
    };
    QSignalSpy resumed(&rig.session, &TokenSession::resumeFinished);
    QSignalSpy refreshStarted(&rig.session, &TokenSession::refreshStarted);
    rig.session.resume(api.username);
    QVERIFY(refreshStarted.wait(5000));
    rig.session.signOut();
    QCOMPARE(resumed.size(), 1); // given up, and said so
    QCOMPARE(resumed.first().first().value<ApiError>().kind, ApiError::Canceled);

    api.refreshOverride = nullptr;
    QVERIFY(rig.signIn());
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
    api.refreshOverride = [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::html(502, "<html><body>Bad Gateway</body></html>");
    };
    QSignalSpy refreshed(&rig.session, &TokenSession::refreshFinished);
    QVERIFY(rig.session.refresh());
    QVERIFY(refreshed.wait(5000));
    QVERIFY(refreshed.first().first().value<ApiError>().isError());
    QCOMPARE(rig.session.state(), TokenSession::State::Active);
    QVERIFY(rig.session.hasTokens());
    QCOMPARE(resumed.size(), 1);
}

// A resume whose refresh fails (server down, 502) keeps the saved session in the keychain for a
// retry, but nothing in memory: no token is shown as in use, refreshed, or sent.
void tst_Interceptor::failedResumeHoldsNoTokens()
{
    Rig &rig = *m_rig;
    QVERIFY(rig.signIn());
    FakeJwtApi &api = rig.api;
    const QString key = rig.session.config().sessionKey(api.username);
    QTRY_VERIFY(rig.store.contents().contains(key));
    const QByteArray saved = rig.store.contents().value(key);
    api.refreshOverride = [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::html(502, "<html><body>Bad Gateway</body></html>");
    };
    QSignalSpy resumed(&rig.session, &TokenSession::resumeFinished);
    rig.session.resume(api.username);
    QVERIFY(resumed.wait(5000));
    QVERIFY(resumed.first().first().value<ApiError>().isError());
    QCOMPARE(rig.session.state(), TokenSession::State::SignedOut);
    QVERIFY(!rig.session.hasTokens());
    KINI_COMPARE_SECRET(rig.store.contents().value(key), saved);

    // A request now goes without a token, and nothing refreshes behind the user's back.
    const int refreshes = api.refreshCalls();
    std::unique_ptr<QNetworkReply> reply(rig.send("GET", "me/"));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(status(reply.get()), 401);
    QCOMPARE(api.refreshCalls(), refreshes);
}

// A sign-in with the password while a restore's refresh is with the server: the sign-in's
// session stays as it is when that refresh answers late. The restore's rotated token is saved
// for the user it belongs to, whose saved session would otherwise be burnt.
void tst_Interceptor::signInDuringResumeRefreshKeepsTheSignIn()
{
    Rig &rig = *m_rig;
    FakeJwtApi &api = rig.api;
    QVERIFY(rig.signIn()); // demo, kept
    const QString demoKey = rig.session.config().sessionKey(QStringLiteral("demo"));
    QTRY_VERIFY(rig.store.contents().contains(demoKey));
    const QByteArray demoSaved = rig.store.contents().value(demoKey);

    Interceptor net;
    TokenSession session(&net, &rig.store, &rig.clock);
    session.setConfig(api.config());
    net.setSession(&session);
    api.refreshDelayMs = 500;
    QSignalSpy refreshStarted(&session, &TokenSession::refreshStarted);
    session.resume(QStringLiteral("demo"));
    QVERIFY(refreshStarted.wait(5000));
    std::unique_ptr<QNetworkReply> waiting(
            net.get(QNetworkRequest(session.config().resolve(QStringLiteral("me/")))));

    api.username = QStringLiteral("alice");
    api.password = QStringLiteral("alice-password");
    QSignalSpy signedIn(&session, &TokenSession::signInFinished);
    session.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"), true);
    QVERIFY(signedIn.wait(5000));
    QVERIFY(!signedIn.first().first().value<ApiError>().isError());
    const QByteArray aliceRefresh = session.refreshToken().raw();
    const QByteArray aliceAccess = session.accessToken().raw();

    // The request that waited for the restore is not sent with the restore's token.
    QVERIFY(waitFinished(waiting.get()));
    QCOMPARE(status(waiting.get()), 0);
    QCOMPARE(api.requestsTo("/api/me/").size(), 0);

    // The restore's refresh answers: demo's rotated token is saved under demo's key...
    QTRY_VERIFY_WITH_TIMEOUT(rig.store.contents().value(demoKey) != demoSaved, 5000);
    QVERIFY(api.validRefresh.contains(rig.store.contents().value(demoKey)));
    // ...and alice's session is untouched.
    QCOMPARE(session.username(), QStringLiteral("alice"));
    QCOMPARE(session.state(), TokenSession::State::Active);
    KINI_COMPARE_SECRET(session.refreshToken().raw(), aliceRefresh);
    KINI_COMPARE_SECRET(session.accessToken().raw(), aliceAccess);
}

#include "tst_interceptor.moc"
