// The whole sign-in flow through AppController against the real Django SimpleJWT server:
// dialog → explorer → a request → sign-out, wrong passwords, a resumed session, a broken keychain.

#include "AppController.h"
#include "ExplorerWindow.h"
#include "Interceptor.h"
#include "LoginDialog.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "SecretStore.h"
#include "SimpleJwtServer.h"

#include "TokenSession.h"

#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Kini;

class LoginFlowTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void signInSendSignOut();
    void wrongPasswordStaysInTheDialog();
    void savedSessionSkipsTheDialog();
    void unreadableKeychainIsNotNoSession();
    void requestWhileRestoringNothingSaysSo();

private:
    // A fresh app on the given store (a new session and controller each time, like a restart).
    void startApp(const QString &server = QString(), const QString &user = QString());
    void fillAndSubmit(LoginDialog *dialog, const QString &server, const QString &user,
                       const QString &password);

    SimpleJwtServer m_server;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<TokenSession> m_session;
    std::unique_ptr<AppController> m_app;
};

void LoginFlowTest::initTestCase()
{
    QVERIFY2(m_server.start(SimpleJwtServer::Options()), qPrintable(m_server.errorString()));
    QVERIFY(m_settingsDir.isValid());
}

void LoginFlowTest::init()
{
    m_settings = std::make_unique<QSettings>(m_settingsDir.filePath(QStringLiteral("kini.ini")),
                                             QSettings::IniFormat);
    m_settings->clear();
    m_store = std::make_unique<MemorySecretStore>();
}

void LoginFlowTest::cleanup()
{
    m_app.reset();
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_settings->sync();
    m_settings.reset();

    // What the app saved for the next start holds no secret: no JWT, no password.
    QFile saved(m_settingsDir.filePath(QStringLiteral("kini.ini")));
    if (saved.open(QIODevice::ReadOnly)) {
        const QByteArray text = saved.readAll();
        QVERIFY2(!QRegularExpression(QStringLiteral("eyJ[A-Za-z0-9_-]{8,}\\.eyJ"))
                          .match(QString::fromLatin1(text))
                          .hasMatch(),
                 "a token was written to the settings file");
        QVERIFY2(!text.contains(m_server.options().password.toUtf8()),
                 "the password was written to the settings file");
    }
}

void LoginFlowTest::startApp(const QString &server, const QString &user)
{
    m_app.reset();
    m_session.reset();
    m_network = std::make_unique<Interceptor>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_app = std::make_unique<AppController>(m_network.get(), m_session.get(), m_settings.get());
    m_app->start(server, user);
}

void LoginFlowTest::fillAndSubmit(LoginDialog *dialog, const QString &server, const QString &user,
                                  const QString &password)
{
    auto *serverEdit = dialog->findChild<QLineEdit *>(QStringLiteral("serverEdit"));
    auto *userEdit = dialog->findChild<QLineEdit *>(QStringLiteral("usernameEdit"));
    auto *passwordEdit = dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit"));
    auto *signIn = dialog->findChild<QPushButton *>(QStringLiteral("signInButton"));
    QVERIFY(serverEdit && userEdit && passwordEdit && signIn);
    QCOMPARE(passwordEdit->echoMode(), QLineEdit::Password);

    serverEdit->clear();
    QTest::keyClicks(serverEdit, server);
    userEdit->clear();
    QTest::keyClicks(userEdit, user);
    passwordEdit->clear();
    QTest::keyClicks(passwordEdit, password);
    QTest::mouseClick(signIn, Qt::LeftButton);
    // The request is out: the inputs wait for the answer, which decides whether the password
    // is needed again.
    QVERIFY(dialog->isBusy());
    QVERIFY(!passwordEdit->isEnabled());
}

void LoginFlowTest::signInSendSignOut()
{
    startApp();
    LoginDialog *dialog = m_app->loginDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!m_app->explorer()->isVisible());

    fillAndSubmit(dialog, m_server.baseUrl().toString(), QStringLiteral("demo"),
                  QStringLiteral("demo-password"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->explorer()->isVisible(), 15000);
    QTRY_VERIFY(!m_app->loginDialog());

    ExplorerWindow *explorer = m_app->explorer();
    RequestEditor *editor = explorer->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(explorer->responseView()->statusCode(), 200, 15000);
    const QString body = explorer->responseView()->bodyText();
    QVERIFY2(body.contains(QStringLiteral("\"username\": \"demo\"")), qPrintable(body));
    QVERIFY2(explorer->statusBarText().contains(QStringLiteral("demo")),
             qPrintable(explorer->statusBarText()));

    // Keep me signed in was on: the refresh token went to the (in-memory) keychain.
    QTRY_COMPARE(m_store->contents().size(), 1);

    explorer->signOutAction()->trigger();
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    // The dialog sits over the emptied explorer, which stays open.
    QVERIFY(explorer->isVisible());
    QCOMPARE(m_app->loginDialog()->windowModality(), Qt::WindowModal);
    QCOMPARE(m_app->loginDialog()->username(), QStringLiteral("demo"));
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    QTRY_VERIFY(m_store->contents().isEmpty());
    QCOMPARE(explorer->historyList()->count(), 0);
    QVERIFY(!explorer->signOutAction()->isEnabled());

    // Closing the dialog (Esc) goes back to the explorer instead of quitting the app; it says
    // that nobody is signed in and offers to sign in.
    QSignalSpy quit(m_app.get(), &AppController::quitRequested);
    QTest::keyClick(m_app->loginDialog(), Qt::Key_Escape);
    QTRY_VERIFY(!m_app->loginDialog());
    QVERIFY(explorer->isVisible());
    QCOMPARE(quit.count(), 0);
    QVERIFY2(explorer->bannerTexts().join(QLatin1Char(' ')).contains(QStringLiteral("signed out")),
             qPrintable(explorer->bannerTexts().join(QLatin1Char('|'))));
    QVERIFY(explorer->signInAction()->isEnabled());
    QVERIFY2(!explorer->statusBarText().contains(QStringLiteral("as demo")),
             qPrintable(explorer->statusBarText()));
    QVERIFY2(explorer->windowTitle().startsWith(QStringLiteral("signed out")),
             qPrintable(explorer->windowTitle()));
    explorer->signInAction()->trigger();
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    QCOMPARE(m_app->loginDialog()->username(), QStringLiteral("demo"));
}

void LoginFlowTest::wrongPasswordStaysInTheDialog()
{
    startApp(m_server.baseUrl().toString());
    LoginDialog *dialog = m_app->loginDialog();
    QVERIFY(dialog);
    fillAndSubmit(dialog, m_server.baseUrl().toString(), QStringLiteral("demo"),
                  QStringLiteral("not-the-password"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 15000);
    QVERIFY2(dialog->messageText().contains(QStringLiteral("wrong username or password"),
                                            Qt::CaseInsensitive),
             qPrintable(dialog->messageText()));
    QVERIFY(dialog->isVisible());
    QVERIFY(!m_app->explorer()->isVisible());
    // Refused: the field is cleared for the right one.
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->text().isEmpty());

    // The right password in the same dialog then works.
    fillAndSubmit(dialog, m_server.baseUrl().toString(), QStringLiteral("demo"),
                  QStringLiteral("demo-password"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->explorer()->isVisible(), 15000);
}

void LoginFlowTest::savedSessionSkipsTheDialog()
{
    startApp();
    fillAndSubmit(m_app->loginDialog(), m_server.baseUrl().toString(), QStringLiteral("demo"),
                  QStringLiteral("demo-password"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->explorer()->isVisible(), 15000);
    QTRY_COMPARE(m_store->contents().size(), 1);

    // A restart: the last server and user come from the settings, the token from the keychain.
    // The keychain is slow this time (an unlock prompt, say).
    m_store->holdReads(true);
    startApp();
    // The explorer is up at once and says what it is doing; nobody is asked for a password.
    ExplorerWindow *explorer = m_app->explorer();
    QVERIFY(explorer->isVisible());
    QVERIFY(!m_app->loginDialog());
    QCOMPARE(m_session->state(), TokenSession::State::Resuming);
    QVERIFY2(explorer->statusBarText().contains(QStringLiteral("Restoring session")),
             qPrintable(explorer->statusBarText()));
    QVERIFY(explorer->signInAction()->isEnabled()); // a hung keychain must not lock the user out
    auto *footer = explorer->findChild<QLabel *>(QStringLiteral("tokenPanelFooter"));
    QVERIFY(footer);
    QVERIFY2(footer->text().contains(QStringLiteral("keychain")), qPrintable(footer->text()));

    // A request sent meanwhile waits for the session and goes with its token: sent at once, it
    // would have gone without one and come back 401.
    RequestEditor *editor = explorer->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QVERIFY2(explorer->responseView()->sentText().isEmpty(), "sent before the session was back");
    QVERIFY2(explorer->responseView()->metaText().startsWith(
                     QStringLiteral("Waiting for the session: GET ")),
             qPrintable(explorer->responseView()->metaText()));
    m_store->holdReads(false);
    QTRY_COMPARE_WITH_TIMEOUT(explorer->responseView()->statusCode(), 200, 15000);
    const QString body = explorer->responseView()->bodyText();
    QVERIFY2(body.contains(QStringLiteral("\"username\": \"demo\"")), qPrintable(body));
    QVERIFY(!m_app->loginDialog());
    QCOMPARE(m_session->username(), QStringLiteral("demo"));
    QCOMPARE(m_session->state(), TokenSession::State::Active);
    QVERIFY2(explorer->statusBarText().contains(QStringLiteral("Signed in")),
             qPrintable(explorer->statusBarText()));
}

void LoginFlowTest::requestWhileRestoringNothingSaysSo()
{
    // A user named on the command line who has no saved session, and a request sent before the
    // keychain has said so: it is not sent, and the answer says why.
    m_store->holdReads(true);
    startApp(m_server.baseUrl().toString(), QStringLiteral("newcomer"));
    ExplorerWindow *explorer = m_app->explorer();
    QVERIFY(explorer->isVisible());
    RequestEditor *editor = explorer->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    m_store->holdReads(false);
    QTRY_VERIFY_WITH_TIMEOUT(!explorer->responseView()->noticeText().isEmpty(), 15000);
    QVERIFY2(explorer->responseView()->noticeText().contains(QStringLiteral("no saved session")),
             qPrintable(explorer->responseView()->noticeText()));
    QCOMPARE(explorer->responseView()->statusCode(), 0);
    // The sign-in dialog opens over the explorer, with nothing to report.
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    QCOMPARE(m_app->loginDialog()->reasonText(), QString());
    QCOMPARE(m_app->loginDialog()->windowModality(), Qt::WindowModal);
}

void LoginFlowTest::unreadableKeychainIsNotNoSession()
{
    // A session saved by an earlier run, in a keychain that cannot be read at this start.
    startApp();
    fillAndSubmit(m_app->loginDialog(), m_server.baseUrl().toString(), QStringLiteral("demo"),
                  QStringLiteral("demo-password"));
    QTRY_COMPARE_WITH_TIMEOUT(m_store->contents().size(), 1, 15000);
    m_store->setFailure(StoreResult::Unavailable, QStringLiteral("no secret service is running"));
    startApp(m_server.baseUrl().toString(), QStringLiteral("demo"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && !m_app->loginDialog()->isBusy()
                                     && !m_app->loginDialog()->reasonText().isEmpty(),
                             15000);
    LoginDialog *dialog = m_app->loginDialog();
    // The keychain's own words reach the user, and it was not treated as "no saved session".
    QVERIFY2(dialog->reasonText().contains(QStringLiteral("no secret service is running")),
             qPrintable(dialog->reasonText()));
    QVERIFY2(!dialog->reasonText().contains(QStringLiteral("No saved session")),
             qPrintable(dialog->reasonText()));
    QCOMPARE(dialog->username(), QStringLiteral("demo"));
    // Over the explorer, which came up at once and now says the session was not restored.
    QVERIFY(m_app->explorer()->isVisible());
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);

    // The keychain answers again (unlocked, say): Retry restores the session, no password.
    QVERIFY(dialog->isRetryOffered());
    m_store->setFailure(StoreResult::Ok);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("retryButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), TokenSession::State::Active, 15000);
    QTRY_VERIFY(!m_app->loginDialog());
}

QTEST_MAIN(LoginFlowTest)
#include "tst_loginflow.moc"
