// TokenPanel against a real TokenSession: tokens arrive through a sign-in on a fake server, and
// time only moves when the test moves the session's ManualClock.

#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "SecretStore.h"
#include "TestTokens.h"
#include "TokenPanel.h"
#include "TokenView.h"
#include "UiText.h"

#include "TokenSession.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <QTimer>
#include <QTreeWidget>

#include <ctime>
#include <memory>

using namespace Kini;

namespace {

// 2023-11-14 22:13:20 UTC, on a whole second so exp - now is exact.
constexpr qint64 kT0Seconds = 1700000000;

QByteArray payloadSegment(const QByteArray &json)
{
    return TestTokens::segment(json);
}

// A token with this exact payload text (so a string exp or a 64-bit id stay as written).
QByteArray tokenWithPayload(const QByteArray &payloadJson)
{
    return TestTokens::segment(R"({"alg":"HS256","typ":"JWT"})") + '.' + payloadSegment(payloadJson)
            + ".c2lnbmF0dXJl";
}

QByteArray httpDate(qint64 epochMs)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc());
    return QLocale::c()
            .toString(when, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
            .toLatin1();
}

} // namespace

class TokenPanelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void countdown_data();
    void countdown();
    void followsTheClockWithoutBeingAsked();
    void refreshingShownWhileTheAnswerIsDelayed();
    void claimsInDocumentOrderWithExactNumbers();
    void decodeErrorInWords();
    void timeZoneChangeMovesOnlyClockTimes();
    void footerNeverShowsStaleFailures();
    void copiedTokenLeavesTheClipboard();

private:
    // Signs in; the fake server answers the obtain call with this access token.
    void signInWith(const QByteArray &access);

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeJwtApi> m_api;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<TokenSession> m_session;
};

void TokenPanelTest::init()
{
    m_clock = std::make_unique<ManualClock>(kT0Seconds * 1000);
    m_api = std::make_unique<FakeJwtApi>(m_clock.get());
    QVERIFY(m_api->start());
    // Keeps the tokens under test in place should the session decide a refresh is due.
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::NeverAnswer;
        return response;
    };
    m_network = std::make_unique<Interceptor>();
    m_store = std::make_unique<MemorySecretStore>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get(), m_clock.get());
    m_network->setSession(m_session.get());
    m_session->setConfig(m_api->config());
}

void TokenPanelTest::cleanup()
{
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_api.reset();
    m_clock.reset();
}

void TokenPanelTest::signInWith(const QByteArray &access)
{
    const QByteArray refresh
            = TestTokens::simpleJwt("refresh", kT0Seconds, kT0Seconds + 86400, "r1");
    const ManualClock *clock = m_clock.get();
    m_api->server().route(
            "POST", "/api/token/", [access, refresh, clock](const FakeHttpServer::Request &) {
                FakeHttpServer::Response response = FakeHttpServer::Response::json(
                        200, "{\"access\":\"" + access + "\",\"refresh\":\"" + refresh + "\"}");
                // The session sets its server-clock offset from Date: keep it 0.
                response.headers.append({"Date", httpDate(clock->nowMs())});
                return response;
            });
    QSignalSpy finished(m_session.get(), &TokenSession::signInFinished);
    m_session->signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), false);
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().first().value<ApiError>().kind, ApiError::None);
    KINI_COMPARE_SECRET(m_session->accessToken().raw(), access);
}

void TokenPanelTest::countdown_data()
{
    QTest::addColumn<QByteArray>("payload"); // NOW is replaced by the clock's second
    QTest::addColumn<int>("advanceSeconds");
    QTest::addColumn<QString>("countdown");
    QTest::addColumn<int>("barPermille"); // -1: not checked
    QTest::addColumn<TokenView::Level>("level");

    QTest::newRow("fresh 5-min token: 5:00, full bar")
            << QByteArray(R"({"token_type":"access","exp":NOW+300,"iat":NOW,"jti":"a"})") << 0
            << "5:00" << 1000 << TokenView::Level::Ok;
    QTest::newRow("C06 refreshed token with a 3-hour-old iat: still full")
            << QByteArray(R"({"token_type":"access","exp":NOW+300,"iat":NOW-10800,"jti":"a"})") << 0
            << "5:00" << 1000 << TokenView::Level::Ok;
    QTest::newRow("200 s later: 1:40, a third left, amber")
            << QByteArray(R"({"token_type":"access","exp":NOW+300,"iat":NOW,"jti":"a"})") << 200
            << "1:40" << 333 << TokenView::Level::Warn;
    QTest::newRow("280 s later: under 30 s, red")
            << QByteArray(R"({"token_type":"access","exp":NOW+300,"iat":NOW,"jti":"a"})") << 280
            << "0:20" << 67 << TokenView::Level::Critical;
    QTest::newRow("past exp: expired, empty bar")
            << QByteArray(R"({"token_type":"access","exp":NOW+300,"iat":NOW,"jti":"a"})") << 301
            << "expired" << 0 << TokenView::Level::Critical;
    QTest::newRow("two hours: h:mm:ss")
            << QByteArray(R"({"token_type":"access","exp":NOW+7200,"iat":NOW,"jti":"a"})") << 0
            << "2:00:00" << 1000 << TokenView::Level::Ok;
    QTest::newRow("C08 missing exp: no known expiry, not expired")
            << QByteArray(R"({"token_type":"access","iat":NOW,"jti":"a"})") << 0
            << "no known expiry" << -1 << TokenView::Level::None;
    QTest::newRow("C08 string exp: unknown, never 1970")
            << QByteArray(R"({"token_type":"access","exp":"1700000300","jti":"a"})") << 0
            << "unknown (exp is not a number)" << -1 << TokenView::Level::None;
}

void TokenPanelTest::countdown()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, advanceSeconds);
    QFETCH(QString, countdown);
    QFETCH(int, barPermille);
    QFETCH(TokenView::Level, level);

    // Plain arithmetic on the template: "NOW+300" becomes the literal second.
    QString json = QString::fromLatin1(payload);
    json.replace(QStringLiteral("NOW+300"), QString::number(kT0Seconds + 300));
    json.replace(QStringLiteral("NOW+7200"), QString::number(kT0Seconds + 7200));
    json.replace(QStringLiteral("NOW-10800"), QString::number(kT0Seconds - 10800));
    json.replace(QStringLiteral("NOW"), QString::number(kT0Seconds));
    signInWith(tokenWithPayload(json.toLatin1()));

    TokenPanel panel(m_session.get());
    m_clock->advanceMs(qint64(advanceSeconds) * 1000);
    panel.tick();

    const TokenView *access = panel.accessView();
    QCOMPARE(access->countdownText(), countdown);
    if (barPermille >= 0)
        QCOMPARE(qRound(1000.0 * access->barValue() / access->barMaximum()), barPermille);
    QCOMPARE(access->level(), level);
    // C06: a refreshed token's old iat is no reason to worry the user.
    QVERIFY2(!access->warningsText().contains(QStringLiteral("old"), Qt::CaseInsensitive),
             qPrintable(access->warningsText()));
    // The refresh token is untouched by what happens to the access token.
    QCOMPARE(panel.refreshView()->countdownText(),
             UiText::countdown((86400 - qint64(advanceSeconds)) * 1000));
}

void TokenPanelTest::followsTheClockWithoutBeingAsked()
{
    signInWith(TestTokens::simpleJwt("access", kT0Seconds, kT0Seconds + 300, "a"));
    TokenPanel panel(m_session.get());
    panel.setTickIntervalMs(20);
    QTRY_COMPARE(panel.accessView()->countdownText(), QStringLiteral("5:00"));

    // C12: a suspend moves the wall clock without any timer running; the next tick shows it.
    m_clock->advanceMs(200 * 1000);
    QTRY_COMPARE(panel.accessView()->countdownText(), QStringLiteral("1:40"));
    m_clock->advanceMs(400 * 1000);
    QTRY_COMPARE(panel.accessView()->countdownText(), QStringLiteral("expired"));
}

void TokenPanelTest::refreshingShownWhileTheAnswerIsDelayed()
{
    // The real fake-server logic this time: rotation on, the answer held back 800 ms.
    m_api->refreshOverride = nullptr;
    m_api->refreshDelayMs = 800;
    QSignalSpy signedIn(m_session.get(), &TokenSession::signInFinished);
    m_session->signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), false);
    QVERIFY(signedIn.wait(5000));

    TokenPanel panel(m_session.get());
    m_clock->advanceMs(100 * 1000);
    panel.tick();
    QCOMPARE(panel.accessView()->countdownText(), QStringLiteral("3:20"));
    QVERIFY(!panel.accessView()->statusText().contains(QStringLiteral("refreshing")));

    QSignalSpy finished(m_session.get(), &TokenSession::refreshFinished);
    QVERIFY(m_session->refresh());
    QTRY_VERIFY2(panel.accessView()->statusText().contains(QStringLiteral("refreshing…")),
                 qPrintable(panel.accessView()->statusText()));
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().first().value<ApiError>().kind, ApiError::None);

    QVERIFY2(!panel.accessView()->statusText().contains(QStringLiteral("refreshing")),
             qPrintable(panel.accessView()->statusText()));
    // The new token was minted now: a fresh countdown with a full bar.
    QCOMPARE(panel.accessView()->countdownText(), QStringLiteral("5:00"));
    QCOMPARE(panel.accessView()->barValue(), panel.accessView()->barMaximum());
}

void TokenPanelTest::claimsInDocumentOrderWithExactNumbers()
{
    const QByteArray payload = "{\"sub\":\"?\?>>~~a\",\"exp\":"
            + QByteArray::number(kT0Seconds + 252) + ",\"user_id\":100002348117421473,\"iat\":"
            + QByteArray::number(kT0Seconds - 10800) + ",\"scope\":[\"read\",\"write\"]}";
    signInWith(tokenWithPayload(payload));
    TokenPanel panel(m_session.get());
    panel.tick();

    const QTreeWidget *tree = panel.accessView()->claimsTree();
    QCOMPARE(tree->topLevelItemCount(), 2);
    const QTreeWidgetItem *header = tree->topLevelItem(0);
    QCOMPARE(header->child(0)->text(0), QStringLiteral("alg"));
    QCOMPARE(header->child(0)->text(1), QStringLiteral("\"HS256\""));

    const QTreeWidgetItem *claims = tree->topLevelItem(1);
    QStringList names;
    for (int i = 0; i < claims->childCount(); ++i)
        names << claims->child(i)->text(0);
    QCOMPARE(names, (QStringList {"sub", "exp", "user_id", "iat", "scope"}));

    QCOMPARE(claims->child(0)->text(1), QStringLiteral("\"?\?>>~~a\""));
    // C08: a 64-bit id shown as written, not rounded through a double.
    QCOMPARE(claims->child(2)->text(1), QStringLiteral("100002348117421473"));

    const QTreeWidgetItem *exp = claims->child(1);
    QCOMPARE(exp->text(1), QString::number(kT0Seconds + 252));
    QCOMPARE(exp->childCount(), 3);
    QCOMPARE(exp->child(0)->text(1), QStringLiteral("2023-11-14 22:17:32 UTC"));
    QVERIFY(!exp->child(1)->text(1).isEmpty());
    QCOMPARE(exp->child(2)->text(1), QStringLiteral("in 4 min 12 s"));
    QCOMPARE(claims->child(3)->child(2)->text(1), QStringLiteral("3 h ago"));
    QCOMPARE(claims->child(4)->childCount(), 2);

    // Relative times move with the clock.
    m_clock->advanceMs(12 * 1000);
    panel.tick();
    QCOMPARE(exp->child(2)->text(1), QStringLiteral("in 4 min"));
}

void TokenPanelTest::decodeErrorInWords()
{
    TokenView view(QStringLiteral("Access token"));
    // C07: '+' and '/' are base64, not base64url: reported, not decoded into garbage.
    view.setToken(Jwt::decode("eyJhbGciOiJIUzI1NiJ9.ab+c/d.sig"), kT0Seconds * 1000);
    view.updateTime(kT0Seconds * 1000);
    QCOMPARE(view.countdownText(), QStringLiteral("unreadable"));
    QCOMPARE(view.claimsTree()->topLevelItemCount(), 0);
    const QLabel *error = view.findChild<QLabel *>(QStringLiteral("decodeError"));
    QVERIFY(error);
    QVERIFY2(error->text().startsWith(QStringLiteral("This token could not be decoded: ")),
             qPrintable(error->text()));
}

void TokenPanelTest::timeZoneChangeMovesOnlyClockTimes()
{
    const QByteArray oldTz = qgetenv("TZ");
    auto setZone = [](const QByteArray &zone) {
        qputenv("TZ", zone);
        tzset();
    };
    setZone("UTC");
    signInWith(tokenWithPayload("{\"exp\":" + QByteArray::number(kT0Seconds + 300) + "}"));
    TokenPanel panel(m_session.get());
    panel.tick();
    const QString countdown = panel.accessView()->countdownText();
    const qint64 exp = (kT0Seconds + 300) * 1000;
    const QString utcLocal = UiText::localTime(exp);

    // The user flies to Tokyo: wall-clock times shift, the countdown does not.
    setZone("Asia/Tokyo");
    panel.tick();
    QCOMPARE(panel.accessView()->countdownText(), countdown);
    QCOMPARE(countdown, QStringLiteral("5:00"));
    QVERIFY(UiText::localTime(exp) != utcLocal);
    QCOMPARE(UiText::utcTime(exp), QStringLiteral("2023-11-14 22:18:20 UTC"));
    QVERIFY(m_session->hasUsableAccess());

    if (oldTz.isNull())
        qunsetenv("TZ");
    else
        qputenv("TZ", oldTz);
    tzset();
}

void TokenPanelTest::footerNeverShowsStaleFailures()
{
    const QByteArray access
            = tokenWithPayload("{\"exp\":" + QByteArray::number(kT0Seconds + 300) + "}");
    signInWith(access);
    TokenPanel panel(m_session.get());
    QSignalSpy refreshed(m_session.get(), &TokenSession::refreshFinished);

    // A server error keeps the tokens: that is worth saying, as a sentence.
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::json(500, R"({"detail":"database down"})");
    };
    QVERIFY(m_session->refresh());
    QVERIFY(refreshed.wait(5000));
    QVERIFY2(panel.footerText().startsWith(QLatin1String("Last refresh failed: ")),
             qPrintable(panel.footerText()));
    QVERIFY(panel.footerText().contains(QLatin1String("database down. The tokens were kept")));

    // A new sign-in starts afresh.
    signInWith(access);
    QVERIFY2(!panel.footerText().contains(QLatin1String("failed")), qPrintable(panel.footerText()));

    // A refused refresh ends the session: no "tokens were kept" beside "No token.".
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::json(
                401, R"({"detail":"Token is blacklisted","code":"token_not_valid"})");
    };
    refreshed.clear();
    QVERIFY(m_session->refresh());
    QVERIFY(refreshed.wait(5000));
    QCOMPARE(panel.footerText(),
             QStringLiteral("The session expired: sign in again to get new tokens."));
}

void TokenPanelTest::copiedTokenLeavesTheClipboard()
{
    const QByteArray token
            = tokenWithPayload("{\"exp\":" + QByteArray::number(kT0Seconds + 300) + "}");
    TokenView view(QStringLiteral("Access token"));
    view.setToken(Jwt::decode(token), kT0Seconds * 1000);
    auto *timer = view.findChild<QTimer *>(QStringLiteral("clipboardTimer"));
    QVERIFY(timer);
    QClipboard *clipboard = QGuiApplication::clipboard();

    view.copyToken();
    QVERIFY2(clipboard->text() == QString::fromLatin1(token), "the token is not on the clipboard");
    QVERIFY(timer->isActive());
    QCOMPARE(timer->interval(), TokenView::kClipboardSeconds * 1000);
    timer->start(0); // the 30 s are up
    QTRY_VERIFY(clipboard->text().isEmpty());

    // Something the user copied afterwards is not theirs to lose.
    view.copyToken();
    clipboard->setText(QStringLiteral("something else"));
    timer->start(0);
    QTRY_VERIFY(!timer->isActive());
    QCOMPARE(clipboard->text(), QStringLiteral("something else"));
}

QTEST_MAIN(TokenPanelTest)
#include "tst_tokenpanel.moc"
