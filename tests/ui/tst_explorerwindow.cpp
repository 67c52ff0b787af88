// ExplorerWindow against a fake SimpleJWT API: what the user sees of a request and its answer.

#include "ExplorerWindow.h"
#include "WarningBanner.h"
#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "KeyValueTable.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "SecretStore.h"
#include "TestTokens.h"

#include "TokenSession.h"

#include <QApplication>
#include <QComboBox>
#include <QFontMetrics>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <memory>

using namespace Kini;

class ExplorerWindowTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void sentTabRedactsTheToken();
    void invalidJsonIsNotSent_data();
    void invalidJsonIsNotSent();
    void jsonBodyGetsContentTypeAndExactBytes();
    void crossOriginRedirectIsReported();
    void htmlErrorPageIsNamed();
    void bigNumbersAreNotRounded();
    void queryParametersFollowTheUrl();
    void resolvedUrlHintWarnsAboutOtherOrigins();
    void storageWarningBanner();
    void clockOffsetBanner();
    void longUrlDoesNotWidenTheWindow();
    void historyLabelsKeepPercentSigns_data();
    void historyLabelsKeepPercentSigns();
    void accountBannerGoesWhenTheAccountWorksAgain();
    void newSignInResetsTheBanners();
    void storageWarningOfTheNewSignInStays();
    void smallWindowKeepsControlsApart();
    void invalidHeaderIsNotSent_data();
    void invalidHeaderIsNotSent();
    void canceledRequestIsCanceledInHistory();
    void tableClickSelectsAndDeleteRemovesTheRow();
    void bannerSignsAreInTheFont();
    void storageWarningGoesWhenASaveWorksAgain();
    void failingRefreshIsNotShownAsAllWell();
    void storageBannerTryAgainSaves();
    void signedOutRequestSaysNoTokenWent();

private:
    // Signs in again on the same session, as the sign-in dialog would.
    void signInAgain(bool keepSignedIn = false);
    // Types the request into the window and presses Send; waits for the answer.
    void send(const QString &method, const QString &url, const QString &body = QString());

    std::unique_ptr<FakeJwtApi> m_api;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<TokenSession> m_session;
    std::unique_ptr<ExplorerWindow> m_window;
};

void ExplorerWindowTest::init()
{
    m_api = std::make_unique<FakeJwtApi>(SystemClock::instance());
    QVERIFY(m_api->start());
    m_network = std::make_unique<Interceptor>();
    m_store = std::make_unique<MemorySecretStore>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_session->setConfig(m_api->config());

    QSignalSpy signedIn(m_session.get(), &TokenSession::signInFinished);
    m_session->signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), false);
    QVERIFY(signedIn.wait(5000));
    QCOMPARE(signedIn.first().first().value<ApiError>().kind, ApiError::None);

    m_window = std::make_unique<ExplorerWindow>(m_network.get(), m_session.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void ExplorerWindowTest::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_api.reset();
}

void ExplorerWindowTest::signInAgain(bool keepSignedIn)
{
    QSignalSpy signedIn(m_session.get(), &TokenSession::signInFinished);
    m_session->signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), keepSignedIn);
    QVERIFY(signedIn.wait(5000));
    QCOMPARE(signedIn.first().first().value<ApiError>().kind, ApiError::None);
}

void ExplorerWindowTest::send(const QString &method, const QString &url, const QString &body)
{
    RequestEditor *editor = m_window->requestEditor();
    editor->methodBox()->setCurrentText(method);
    editor->urlEdit()->clear();
    QTest::keyClicks(editor->urlEdit(), url);
    editor->bodyEdit()->setPlainText(body);
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isRequestRunning(), 10000);
}

void ExplorerWindowTest::sentTabRedactsTheToken()
{
    send(QStringLiteral("GET"), QStringLiteral("me/"));
    ResponseView *response = m_window->responseView();
    QCOMPARE(response->statusCode(), 200);
    QVERIFY2(response->statusText().startsWith(QStringLiteral("200")),
             qPrintable(response->statusText()));
    QVERIFY(response->bodyText().contains(QStringLiteral("\"username\": \"demo\"")));

    // The token did go out...
    const QByteArray token = m_session->accessToken().raw();
    QVERIFY(!token.isEmpty());
    const auto requests = m_api->requestsTo("/api/me/");
    QCOMPARE(requests.size(), 1);
    KINI_COMPARE_SECRET(requests.first().header("Authorization"), "Bearer " + token);

    // ...but the window shows it redacted, and nowhere in full.
    const QString sent = response->sentText();
    QVERIFY2(sent.startsWith(QStringLiteral("GET http://127.0.0.1:")), qPrintable(sent));
    QVERIFY2(sent.contains(QStringLiteral("Authorization: Bearer [redacted]")), qPrintable(sent));
    // Honest about what Qt adds on the wire itself.
    QVERIFY2(sent.contains(QStringLiteral("User-Agent")), qPrintable(sent));
    const QString tokenText = QString::fromLatin1(token);
    QVERIFY(!sent.contains(tokenText));
    QVERIFY(!response->bodyText().contains(tokenText));
    QCOMPARE(m_window->historyList()->count(), 1);
    QVERIFY(!m_window->historyList()->item(0)->text().contains(tokenText));
    QVERIFY(m_window->historyList()->item(0)->text().startsWith(QStringLiteral("GET  me/")));
}

void ExplorerWindowTest::invalidJsonIsNotSent_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("position");

    QTest::newRow("missing value") << QStringLiteral("{\"name\": }") << QStringLiteral("Line 1");
    QTest::newRow("trailing comma on line 2")
            << QStringLiteral("{\n  \"a\": 1,\n}") << QStringLiteral("Line 2, column 9");
    QTest::newRow("unterminated string")
            << QStringLiteral("{\"a\": \"b") << QStringLiteral("Line 1");
    QTest::newRow("single quotes") << QStringLiteral("{'a': 1}") << QStringLiteral("column 2");
}

void ExplorerWindowTest::invalidJsonIsNotSent()
{
    QFETCH(QString, body);
    QFETCH(QString, position);

    send(QStringLiteral("POST"), QStringLiteral("echo/"), body);
    const QString notice = m_window->responseView()->noticeText();
    QVERIFY2(notice.contains(QStringLiteral("not valid JSON")), qPrintable(notice));
    QVERIFY2(notice.contains(position), qPrintable(notice));
    QVERIFY2(m_window->requestEditor()->bodyStatus().contains(QStringLiteral("Not valid JSON")),
             qPrintable(m_window->requestEditor()->bodyStatus()));
    QCOMPARE(m_window->responseView()->statusText(), QStringLiteral("Not sent"));
    QVERIFY(m_api->requestsTo("/api/echo/").isEmpty());
    QCOMPARE(m_window->historyList()->count(), 0);
}

void ExplorerWindowTest::jsonBodyGetsContentTypeAndExactBytes()
{
    const QString body = QStringLiteral("{\"name\": \"widget\", \"id\": 100002348117421473}");
    send(QStringLiteral("POST"), QStringLiteral("echo/"), body);
    QCOMPARE(m_window->responseView()->statusCode(), 200);
    const auto requests = m_api->requestsTo("/api/echo/");
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().method, QByteArray("POST"));
    QCOMPARE(requests.first().header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(requests.first().body, body.toUtf8());
}

void ExplorerWindowTest::crossOriginRedirectIsReported()
{
    FakeHttpServer other;
    QVERIFY(other.listen());
    const QByteArray target = other.url(QStringLiteral("/steal")).toEncoded();
    m_api->server().route("GET", "/api/moved/", [target](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::redirect(302, target);
    });

    send(QStringLiteral("GET"), QStringLiteral("moved/"));
    const QString notice = m_window->responseView()->noticeText();
    QVERIFY2(notice.contains(QStringLiteral("The server redirected to %1; not followed so your "
                                            "token stays with the API.")
                                     .arg(QString::fromLatin1(target))),
             qPrintable(notice));
    QCOMPARE(m_window->responseView()->statusCode(), 302);
    QVERIFY(other.requests().isEmpty());
}

void ExplorerWindowTest::htmlErrorPageIsNamed()
{
    m_api->server().route("*", "/api/broken/", [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::html(
                502, "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>");
    });

    send(QStringLiteral("GET"), QStringLiteral("broken/"));
    ResponseView *response = m_window->responseView();
    QCOMPARE(response->statusCode(), 502);
    QVERIFY2(response->noticeText().contains(QStringLiteral("server answered HTML (502)"),
                                             Qt::CaseInsensitive),
             qPrintable(response->noticeText()));
    // Shown as text, never rendered.
    QVERIFY(response->bodyText().contains(QStringLiteral("<h1>502 Bad Gateway</h1>")));
}

void ExplorerWindowTest::bigNumbersAreNotRounded()
{
    m_api->server().route("GET", "/api/big/", [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::json(
                200, R"({"id":100002348117421473,"price":1.10,"exp":1700000000.75})");
    });
    send(QStringLiteral("GET"), QStringLiteral("big/"));
    const QString body = m_window->responseView()->bodyText();
    QCOMPARE(body,
             QStringLiteral("{\n    \"id\": 100002348117421473,\n    \"price\": 1.10,\n"
                            "    \"exp\": 1700000000.75\n}"));
}

void ExplorerWindowTest::queryParametersFollowTheUrl()
{
    RequestEditor *editor = m_window->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("items/?page=2&q=a%20b"));
    QList<KeyValueTable::Entry> params = editor->paramsTable()->enabledEntries();
    QCOMPARE(params.size(), 2);
    QCOMPARE(params.at(0).key, QStringLiteral("page"));
    QCOMPARE(params.at(0).value, QStringLiteral("2"));
    QCOMPARE(params.at(1).value, QStringLiteral("a b"));

    // Unticking a row takes it out of the URL but keeps it in the table.
    QTableWidget *table = editor->paramsTable()->table();
    table->item(0, 0)->setCheckState(Qt::Unchecked);
    QCOMPARE(editor->urlEdit()->text(), QStringLiteral("items/?q=a%20b"));
    QCOMPARE(editor->paramsTable()->entries().size(), 2);
    table->item(0, 0)->setCheckState(Qt::Checked);
    QCOMPARE(editor->urlEdit()->text(), QStringLiteral("items/?page=2&q=a%20b"));

    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isRequestRunning(), 10000);
    const auto requests = m_api->requestsTo("/api/items/");
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().target, QByteArray("/api/items/?page=2&q=a%20b"));
}

void ExplorerWindowTest::resolvedUrlHintWarnsAboutOtherOrigins()
{
    RequestEditor *editor = m_window->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    const QString base = m_api->config().baseUrl.toString();
    QCOMPARE(editor->resolvedHint(), QStringLiteral("→ %1me/").arg(base));

    editor->urlEdit()->setText(QStringLiteral("http://localhost:1/elsewhere"));
    QVERIFY2(editor->resolvedHint().contains(QStringLiteral("no token is sent")),
             qPrintable(editor->resolvedHint()));
}

void ExplorerWindowTest::storageWarningBanner()
{
    QCOMPARE(m_window->bannerTexts(), QStringList());
    Q_EMIT m_session->storageWarning(QStringLiteral("no secret service is running"));
    QCOMPARE(m_window->bannerTexts(),
             QStringList {QStringLiteral("Could not save your session to the keychain: no secret "
                                         "service is running. Next start will ask for your "
                                         "password.")});
    Q_EMIT m_session->accountDisabled(QStringLiteral("User is inactive"));
    QCOMPARE(m_window->bannerTexts().last(),
             QStringLiteral("This account is disabled: User is inactive"));
}

void ExplorerWindowTest::clockOffsetBanner()
{
    Q_EMIT m_session->clockOffsetChanged(-3600 * 1000);
    QCOMPARE(m_window->bannerTexts(),
             QStringList {QStringLiteral("This computer's clock is 1 h ahead of the server's. "
                                         "Countdowns and refreshes follow the server's time; "
                                         "check the system clock.")});
    Q_EMIT m_session->clockOffsetChanged(95 * 1000);
    QVERIFY(m_window->bannerTexts().constFirst().contains(QLatin1String("1 min 35 s behind")));
    // A few seconds are noise, not worth a warning.
    Q_EMIT m_session->clockOffsetChanged(0);
    QCOMPARE(m_window->bannerTexts(), QStringList());
}

void ExplorerWindowTest::longUrlDoesNotWidenTheWindow()
{
    m_api->server().route("GET", "/api/hang/", [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::NeverAnswer;
        return response;
    });
    const int width = m_window->width();
    RequestEditor *editor = m_window->requestEditor();
    editor->urlEdit()->setText(QStringLiteral("hang/?q=") + QString(1000, QLatin1Char('a')));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY(m_window->isRequestRunning());
    QTRY_VERIFY(m_api->requestsTo("/api/hang/").size() == 1);

    // Layouts settle through posted events; once they have, the window is as wide as before.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    QVERIFY2(m_window->minimumSizeHint().width() <= width,
             qPrintable(QString::number(m_window->minimumSizeHint().width())));
    QVERIFY2(m_window->minimumWidth() <= width,
             qPrintable(QString::number(m_window->minimumWidth())));
    QCOMPARE(m_window->width(), width);
    // The "Sending GET <url>…" line keeps both ends, "…" between, instead of being cut off.
    auto *meta = m_window->findChild<QLabel *>(QStringLiteral("responseMeta"));
    QVERIFY(meta);
    QVERIFY2(meta->text().startsWith(QStringLiteral("Sending GET http://")),
             qPrintable(meta->text() + QStringLiteral(" width %1").arg(meta->width())));
    QVERIFY2(meta->text().contains(QChar(0x2026)) && meta->text().endsWith(QStringLiteral("aa…")),
             qPrintable(meta->text()));
    QVERIFY(meta->fontMetrics().horizontalAdvance(meta->text()) <= meta->width());

    m_window->cancel();
    QTRY_VERIFY(!m_window->isRequestRunning());
    QCOMPARE(m_window->width(), width);
}

void ExplorerWindowTest::historyLabelsKeepPercentSigns_data()
{
    QTest::addColumn<QString>("url");

    QTest::newRow("percent-encoded comma") << QStringLiteral("items/?search=a%2Cb");
    QTest::newRow("arg placeholders %1 %2") << QStringLiteral("items/?a=%1&b=%2");
    QTest::newRow("encoded colon and ampersand") << QStringLiteral("items/?t=12%3A30&x=%2&y=%1");
    QTest::newRow("placeholder in the path") << QStringLiteral("items/%3/");
}

void ExplorerWindowTest::historyLabelsKeepPercentSigns()
{
    QFETCH(QString, url);

    send(QStringLiteral("GET"), url);
    QCOMPARE(m_window->historyList()->count(), 1);
    const QStringList lines = m_window->historyList()->item(0)->text().split(u'\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0), QStringLiteral("GET  ") + url);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{3} · \\d+ ms$")).match(lines.at(1)).hasMatch(),
             qPrintable(lines.at(1)));
}

void ExplorerWindowTest::accountBannerGoesWhenTheAccountWorksAgain()
{
    Q_EMIT m_session->accountDisabled(QStringLiteral("User is inactive"));
    QCOMPARE(m_window->bannerTexts(),
             QStringList {QStringLiteral("This account is disabled: User is inactive")});
    Q_EMIT m_session->accountEnabled();
    QCOMPARE(m_window->bannerTexts(), QStringList());
}

void ExplorerWindowTest::newSignInResetsTheBanners()
{
    Q_EMIT m_session->accountDisabled(QStringLiteral("User is inactive"));
    Q_EMIT m_session->storageWarning(QStringLiteral("no secret service is running"));
    Q_EMIT m_session->sessionExpired(QString());
    QCOMPARE(m_window->bannerTexts().size(), 3);

    // The keychain works this time: the new session was saved, nothing is left to warn about.
    signInAgain(true);
    QTRY_COMPARE(m_store->contents().size(), 1);
    QCOMPARE(m_window->bannerTexts(), QStringList());
}

void ExplorerWindowTest::storageWarningOfTheNewSignInStays()
{
    Q_EMIT m_session->storageWarning(QStringLiteral("an old failure"));
    m_store->setFailure(StoreResult::Unavailable, QStringLiteral("no secret service is running."));
    signInAgain(true);
    QTRY_VERIFY(m_window->bannerTexts().size() == 1
                && m_window->bannerTexts().constFirst().contains(
                        QStringLiteral("no secret service is running")));
}

// A keychain that refused a save and then takes the next one (unlocked meanwhile): the warning
// that the next start will ask for the password no longer holds, and goes.
void ExplorerWindowTest::storageWarningGoesWhenASaveWorksAgain()
{
    m_store->setFailure(StoreResult::Denied, QStringLiteral("the keychain is locked."));
    signInAgain(true);
    QTRY_COMPARE(m_window->bannerTexts().size(), 1);

    m_store->setFailure(StoreResult::Ok);
    QSignalSpy recovered(m_session.get(), &TokenSession::storageRecovered);
    QVERIFY(m_session->refresh()); // rotation: the new token is saved
    QVERIFY(recovered.wait(5000));
    QCOMPARE(m_window->bannerTexts(), QStringList());
    QCOMPARE(m_store->contents().size(), 1);
}

// The server's refresh endpoint answers 502 while the access token runs out: the status bar
// stops saying a plain green "Signed in", and says so again once a refresh works.
void ExplorerWindowTest::failingRefreshIsNotShownAsAllWell()
{
    m_api->accessLifetimeS = 2;
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::html(502, "<html><body>Bad Gateway</body></html>");
    };
    signInAgain(false);
    QTRY_VERIFY_WITH_TIMEOUT(
            m_window->statusBarText().contains(QStringLiteral("token refresh failing")), 20000);

    m_api->refreshOverride = nullptr;
    QVERIFY(m_session->refresh());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBarText().endsWith(QStringLiteral("● Signed in")),
                             10000);
}

// The keychain refused the save; the user unlocks it elsewhere and presses Try again in the
// banner: the token is saved and the warning goes.
void ExplorerWindowTest::storageBannerTryAgainSaves()
{
    m_store->setFailure(StoreResult::Denied, QStringLiteral("the keychain is locked."));
    signInAgain(true);
    QTRY_COMPARE(m_window->bannerTexts().size(), 1);
    QVERIFY(m_store->contents().isEmpty());

    m_store->setFailure(StoreResult::Ok);
    auto *banner = m_window->findChild<WarningBanner *>(QStringLiteral("storageBanner"));
    QVERIFY(banner);
    auto *tryAgain = banner->findChild<QPushButton *>();
    QVERIFY(tryAgain && tryAgain->isVisible());
    QCOMPARE(tryAgain->text(), QStringLiteral("Try again"));
    QTest::mouseClick(tryAgain, Qt::LeftButton);
    QTRY_COMPARE(m_store->contents().size(), 1);
    QTRY_COMPARE(m_window->bannerTexts(), QStringList());
}

// Signed out, a request still goes out (without a token); the API's 401 is explained in those
// words, not as Qt's "Host requires authentication".
void ExplorerWindowTest::signedOutRequestSaysNoTokenWent()
{
    m_session->signOut();
    send(QStringLiteral("GET"), QStringLiteral("me/"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->responseView()->statusCode(), 401, 10000);
    const QString notice = m_window->responseView()->noticeText();
    QVERIFY2(notice.contains(QStringLiteral("nobody is signed in")), qPrintable(notice));
    QVERIFY2(!notice.contains(QStringLiteral("Host requires authentication")), qPrintable(notice));
    QVERIFY(!m_window->responseView()->sentText().contains(QStringLiteral("Authorization")));
}

void ExplorerWindowTest::smallWindowKeepsControlsApart()
{
    m_window->resize(400, 300);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    QVERIFY2(m_window->width() >= 900 && m_window->height() >= 560,
             qPrintable(QStringLiteral("%1x%2").arg(m_window->width()).arg(m_window->height())));

    RequestEditor *editor = m_window->requestEditor();
    QLineEdit *url = editor->urlEdit();
    QVERIFY2(url->width() >= 240, qPrintable(QString::number(url->width())));
    auto inWindow = [this](const QWidget *widget) {
        return QRect(widget->mapTo(m_window.get(), QPoint(0, 0)), widget->size());
    };
    const QList<QWidget *> bar
            = {editor->methodBox(), url, editor->sendButton(), editor->cancelButton()};
    for (int i = 0; i < bar.size(); ++i) {
        QVERIFY(m_window->rect().contains(inWindow(bar.at(i))));
        for (int j = i + 1; j < bar.size(); ++j)
            QVERIFY(!inWindow(bar.at(i)).intersects(inWindow(bar.at(j))));
    }
}

void ExplorerWindowTest::invalidHeaderIsNotSent_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("why");

    QTest::newRow("line break in the value")
            << QStringLiteral("X-Note") << QStringLiteral("a\r\nInjected: 1")
            << QStringLiteral("line break");
    QTest::newRow("bare LF in the value")
            << QStringLiteral("X-Note") << QStringLiteral("a\nb") << QStringLiteral("line break");
    QTest::newRow("control character in the value")
            << QStringLiteral("X-Note") << QStringLiteral("a\x01") << QStringLiteral("control");
    QTest::newRow("space in the name")
            << QStringLiteral("X Note") << QStringLiteral("1") << QStringLiteral("name");
    QTest::newRow("colon in the name")
            << QStringLiteral("X-Note:") << QStringLiteral("1") << QStringLiteral("name");
    QTest::newRow("parenthesis in the name")
            << QStringLiteral("X(Note)") << QStringLiteral("1") << QStringLiteral("name");
    QTest::newRow("non-ASCII name")
            << QStringLiteral("X-Noté") << QStringLiteral("1") << QStringLiteral("name");
}

void ExplorerWindowTest::invalidHeaderIsNotSent()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, why);

    RequestEditor *editor = m_window->requestEditor();
    editor->headersTable()->setEntries(
            {{true, QStringLiteral("X-Fine"), QStringLiteral("ok")}, {true, name, value}});
    send(QStringLiteral("GET"), QStringLiteral("me/"));

    ResponseView *response = m_window->responseView();
    QCOMPARE(response->statusText(), QStringLiteral("Not sent"));
    const QString notice = response->noticeText();
    QVERIFY2(notice.contains(QStringLiteral("\"%1\"").arg(name.trimmed())), qPrintable(notice));
    QVERIFY2(notice.contains(why, Qt::CaseInsensitive), qPrintable(notice));
    QVERIFY(m_api->requestsTo("/api/me/").isEmpty());
    QCOMPARE(m_window->historyList()->count(), 0);
    // The wrong row is shown, selected.
    QTableWidget *table = editor->headersTable()->table();
    QVERIFY(table->isVisible());
    QCOMPARE(table->currentRow(), 1);
}

void ExplorerWindowTest::canceledRequestIsCanceledInHistory()
{
    m_api->server().route("GET", "/api/hang/", [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::NeverAnswer;
        return response;
    });
    RequestEditor *editor = m_window->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("hang/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY(m_api->requestsTo("/api/hang/").size() == 1);
    QTest::mouseClick(editor->cancelButton(), Qt::LeftButton);
    QTRY_VERIFY(!m_window->isRequestRunning());

    QCOMPARE(m_window->responseView()->statusText(), QStringLiteral("Canceled"));
    QCOMPARE(m_window->historyList()->count(), 1);
    const QString label = m_window->historyList()->item(0)->text();
    QVERIFY2(label.section(u'\n', 1).startsWith(QStringLiteral("canceled · ")), qPrintable(label));
}

void ExplorerWindowTest::tableClickSelectsAndDeleteRemovesTheRow()
{
    RequestEditor *editor = m_window->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("items/?page=2&q=x"));
    QTableWidget *table = editor->paramsTable()->table();
    QCOMPARE(table->rowCount(), 3); // two parameters and the row for a new one

    // One click selects the cell and leaves it closed for editing.
    const QRect cell = table->visualItemRect(table->item(0, 1));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
    QCOMPARE(table->currentRow(), 0);
    QCOMPARE(QApplication::focusWidget(), table);

    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(editor->paramsTable()->entries().size(), 1);
    QCOMPARE(editor->urlEdit()->text(), QStringLiteral("items/?q=x"));

    // A double click edits: a click, then the double click, as a user's hand does it.
    const QRect value = table->visualItemRect(table->item(0, 2));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, value.center());
    QVERIFY(!table->findChild<QLineEdit *>());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, value.center());
    QTRY_VERIFY(table->findChild<QLineEdit *>() && table->findChild<QLineEdit *>()->isVisible());
}

QTEST_MAIN(ExplorerWindowTest)
// Each banner's sign is drawn by the banner's own font (DejaVu on a bare Debian), not left to a
// fallback font that may not exist and show an empty box.
void ExplorerWindowTest::bannerSignsAreInTheFont()
{
    WarningBanner banner;
    for (auto level :
         {WarningBanner::Level::Info, WarningBanner::Level::Warning, WarningBanner::Level::Error}) {
        banner.setMessage(level, QStringLiteral("text"));
        const QString glyph = banner.glyph();
        QCOMPARE(glyph.toUcs4().size(), 1);
        QVERIFY2(QFontMetrics(banner.font()).inFontUcs4(glyph.toUcs4().first()),
                 qPrintable(QStringLiteral("U+%1 is not in %2")
                                    .arg(glyph.toUcs4().first(), 4, 16, QLatin1Char('0'))
                                    .arg(banner.font().family())));
    }
}

#include "tst_explorerwindow.moc"
