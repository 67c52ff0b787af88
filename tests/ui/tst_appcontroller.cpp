// AppController on a fake SimpleJWT API: what happens to the windows when the session ends
// underneath the explorer, and when the user signs in again.

#include "AppController.h"
#include "ExplorerWindow.h"
#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "KeyValueTable.h"
#include "LoginDialog.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "SecretStore.h"
#include "TestTokens.h"

#include "TokenSession.h"

#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>

using namespace Kini;

class AppControllerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void expiredSessionAsksOverTheExplorerAndWorkGoesOn();
    void cancelOnFirstDialogQuits();
    void networkErrorOnResumeKeepsTheSavedSession();
    void retryRestoresTheSavedSession();
    void noSavedSessionIsNoNews();
    void expiredSavedSessionIsSaid();
    void windowLayoutIsKeptBetweenRuns();
    void quittingWaitsForTheRefreshInFlight();
    void resumingLeavesTheSettingsFileAlone();
    void anotherUserAfterSignOutFindsNothingOfTheLast();
    void signOutHoldsWhenTheKeychainDoesNotRemove();
    void escapeDuringARestoreStopsIt();

private:
    void signInThroughDialog(const QString &password = QStringLiteral("demo-password"));
    // The application quits and starts again on the same keychain and settings (a new session
    // and controller); start() is left to the test.
    void restartApp();

    QTemporaryDir m_settingsDir;
    std::unique_ptr<FakeJwtApi> m_api;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<TokenSession> m_session;
    std::unique_ptr<AppController> m_app;
};

void AppControllerTest::init()
{
    m_api = std::make_unique<FakeJwtApi>(SystemClock::instance());
    QVERIFY(m_api->start());
    m_settings = std::make_unique<QSettings>(m_settingsDir.filePath(QStringLiteral("kini.ini")),
                                             QSettings::IniFormat);
    m_settings->clear();
    m_store = std::make_unique<MemorySecretStore>();
    m_network = std::make_unique<Interceptor>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_app = std::make_unique<AppController>(m_network.get(), m_session.get(), m_settings.get());
}

void AppControllerTest::cleanup()
{
    m_app.reset();
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_settings.reset();
    m_api.reset();
}

void AppControllerTest::restartApp()
{
    m_app.reset();
    m_session.reset();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_app = std::make_unique<AppController>(m_network.get(), m_session.get(), m_settings.get());
}

void AppControllerTest::signInThroughDialog(const QString &password)
{
    LoginDialog *dialog = m_app->loginDialog();
    QVERIFY(dialog);
    dialog->prefill(m_api->config(), QStringLiteral("demo"));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit")), password);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("signInButton")),
                      Qt::LeftButton);
}

void AppControllerTest::expiredSessionAsksOverTheExplorerAndWorkGoesOn()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    ExplorerWindow *explorer = m_app->explorer();

    RequestEditor *editor = explorer->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_COMPARE(explorer->responseView()->statusCode(), 200);

    // The server forgets every token: the next call gets 401, the refresh too.
    m_api->validAccess.clear();
    m_api->validRefresh.clear();
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && m_app->loginDialog()->isVisible(), 10000);

    LoginDialog *dialog = m_app->loginDialog();
    QCOMPARE(dialog->parentWidget(), explorer);
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);
    QCOMPARE(dialog->username(), QStringLiteral("demo"));
    QCOMPARE(dialog->config().baseUrl, m_api->config().baseUrl);
    QVERIFY(!dialog->reasonText().isEmpty());
    QVERIFY(explorer->isVisible());
    QTRY_VERIFY(!explorer->isRequestRunning());

    // Signing in again carries on in the same window, history intact.
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit")),
                     QStringLiteral("demo-password"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("signInButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!m_app->loginDialog());
    QCOMPARE(m_app->explorer(), explorer);
    QVERIFY(explorer->isVisible());
    QCOMPARE(explorer->historyList()->count(), 2);
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    QTRY_VERIFY(!explorer->isRequestRunning());
    QCOMPARE(explorer->responseView()->statusCode(), 200);
}

void AppControllerTest::cancelOnFirstDialogQuits()
{
    QSignalSpy quit(m_app.get(), &AppController::quitRequested);
    m_app->start();
    QVERIFY(m_app->loginDialog());
    QTest::mouseClick(
            m_app->loginDialog()->findChild<QPushButton *>(QStringLiteral("cancelButton")),
            Qt::LeftButton);
    QCOMPARE(quit.size(), 1);
}

void AppControllerTest::networkErrorOnResumeKeepsTheSavedSession()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);
    const QHash<QString, QByteArray> saved = m_store->contents();

    // Restart while the server is gone.
    const QString server = m_api->config().baseUrl.toString();
    m_api.reset(); // the server is gone
    restartApp();
    m_app->start(server, QStringLiteral("demo"));

    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && !m_app->loginDialog()->isBusy()
                                     && !m_app->loginDialog()->reasonText().isEmpty(),
                             15000);
    QVERIFY2(m_app->loginDialog()->reasonText().contains(QStringLiteral("kept")),
             qPrintable(m_app->loginDialog()->reasonText()));
    QCOMPARE(m_store->contents(), saved);
    // The explorer came up at once; the dialog sits over it, and the window says it too.
    ExplorerWindow *explorer = m_app->explorer();
    QVERIFY(explorer->isVisible());
    QCOMPARE(m_app->loginDialog()->windowModality(), Qt::WindowModal);
    QVERIFY2(
            explorer->bannerTexts().join(QLatin1Char(' ')).contains(QStringLiteral("not restored")),
            qPrintable(explorer->bannerTexts().join(QLatin1Char('|'))));
}

void AppControllerTest::retryRestoresTheSavedSession()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);

    // Restart while the refresh endpoint drops every connection.
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::DropConnection;
        return response;
    };
    const QString server = m_api->config().baseUrl.toString();
    restartApp();
    m_app->start(server, QStringLiteral("demo"));

    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && !m_app->loginDialog()->isBusy()
                                     && !m_app->loginDialog()->reasonText().isEmpty(),
                             15000);
    LoginDialog *dialog = m_app->loginDialog();
    QVERIFY2(dialog->reasonText().contains(QStringLiteral("retry")),
             qPrintable(dialog->reasonText()));
    QVERIFY(dialog->isRetryOffered());
    const int refreshes = m_api->refreshCalls();

    // The server is back; Retry restores the session without a restart or a password.
    m_api->refreshOverride = nullptr;
    auto *retry = dialog->findChild<QPushButton *>(QStringLiteral("retryButton"));
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    // The old error is gone as soon as the new attempt starts.
    QCOMPARE(dialog->reasonText(), QString());
    QVERIFY(dialog->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(m_app->explorer()->isVisible(), 15000);
    QTRY_VERIFY(!m_app->loginDialog());
    QCOMPARE(m_api->refreshCalls(), refreshes + 1);
    QCOMPARE(m_session->state(), TokenSession::State::Active);
    QCOMPARE(m_session->username(), QStringLiteral("demo"));
}

void AppControllerTest::noSavedSessionIsNoNews()
{
    // A first start for a user named on the command line: nothing saved, nothing to report.
    m_app->start(m_api->config().baseUrl.toString(), QStringLiteral("newcomer"));
    QTRY_VERIFY(m_app->loginDialog() && !m_app->loginDialog()->isBusy());
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    LoginDialog *dialog = m_app->loginDialog();
    QCOMPARE(dialog->reasonText(), QString());
    QCOMPARE(dialog->messageText(), QString());
    QCOMPARE(dialog->username(), QStringLiteral("newcomer"));
    QVERIFY(!dialog->isRetryOffered());
}

void AppControllerTest::expiredSavedSessionIsSaid()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);

    // The server no longer knows the saved refresh token: that is worth a word.
    m_api->validRefresh.clear();
    const QString server = m_api->config().baseUrl.toString();
    restartApp();
    m_app->start(server, QStringLiteral("demo"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && !m_app->loginDialog()->isBusy()
                                     && !m_app->loginDialog()->reasonText().isEmpty(),
                             15000);
    QVERIFY(!m_app->loginDialog()->isRetryOffered());
}

// Size, position and splitters come back as the user left them.
void AppControllerTest::windowLayoutIsKeptBetweenRuns()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    ExplorerWindow *explorer = m_app->explorer();
    explorer->resize(1250, 700);
    QTRY_COMPARE(explorer->size(), QSize(1250, 700));
    auto *splitter = explorer->findChild<QSplitter *>(QStringLiteral("mainSplitter"));
    QVERIFY(splitter);
    QTRY_VERIFY(splitter->width() > 800); // laid out at the new size
    const int total = splitter->sizes().at(0) + splitter->sizes().at(1);
    splitter->setSizes({300, total - 300});
    QCOMPARE(splitter->sizes().at(0), 300); // not the default (210), or the test proves nothing

    m_app.reset(); // quitting saves the layout
    m_settings->sync();
    m_app = std::make_unique<AppController>(m_network.get(), m_session.get(), m_settings.get());
    ExplorerWindow *again = m_app->explorer();
    QCOMPARE(again->size(), QSize(1250, 700));
    again->show();
    QVERIFY(QTest::qWaitForWindowExposed(again));
    QTRY_COMPARE(again->findChild<QSplitter *>(QStringLiteral("mainSplitter"))->sizes().at(0), 300);

    // Damaged values are ignored: the defaults stay, nothing breaks. A QSplitter state that
    // says "vertical, handle width 0" (found by a tester) must not turn the splitter round.
    m_settings->setValue(QStringLiteral("window/geometry"), QByteArray("not a geometry"));
    const QByteArray crafted = QByteArray::fromHex("000000ff000000017fffffff000000000000000000"
                                                   "0000000000000200");
    const QList<QVariant> damagedValues
            = {QVariant(crafted), QVariant(QStringLiteral("300,-5")),
               QVariant(QStringLiteral("1,2,3")), QVariant(QStringLiteral("x"))};
    for (const QVariant &damaged : damagedValues) {
        m_app.reset();
        m_settings->setValue(QStringLiteral("window/mainSplitter"), damaged);
        m_app = std::make_unique<AppController>(m_network.get(), m_session.get(), m_settings.get());
        auto *restored = m_app->explorer()->findChild<QSplitter *>(QStringLiteral("mainSplitter"));
        QCOMPARE(restored->orientation(), Qt::Horizontal);
        QVERIFY(restored->handleWidth() > 0);
        m_app->explorer()->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_app->explorer()));
        QTRY_VERIFY(restored->sizes().at(0) > 100 && restored->sizes().at(0) != 300);
    }
    QCOMPARE(m_app->explorer()->size(), QSize(1200, 760));
}

// With rotation, a refresh in flight may already have replaced the token on the server: closing
// the window hides it at once, but the application ends only once the answer is in, so the new
// token reaches the keychain and the next start can resume.
void AppControllerTest::quittingWaitsForTheRefreshInFlight()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    const QByteArray before = m_session->refreshToken().raw();
    m_api->refreshDelayMs = 600;
    QVERIFY(m_session->refresh());
    QVERIFY(m_session->isRefreshing());

    bool refreshingWhenQuit = true;
    QSignalSpy quit(m_app.get(), &AppController::quitRequested);
    connect(m_app.get(), &AppController::quitRequested, this,
            [&] { refreshingWhenQuit = m_session->isRefreshing(); });
    m_app->explorer()->close();
    QVERIFY(!m_app->explorer()->isVisible());
    QCOMPARE(quit.count(), 0);

    QVERIFY(quit.wait(10000));
    QVERIFY(!refreshingWhenQuit);
    QCOMPARE(m_api->refreshCalls(), 1);
    const QByteArray rotated = m_session->refreshToken().raw();
    QVERIFY(rotated != before);
    QTRY_VERIFY(!m_store->contents().isEmpty());
    KINI_COMPARE_SECRET(
            m_store->contents().value(m_session->config().sessionKey(QStringLiteral("demo"))),
            rotated);
}

// The file's inode: QSettings writes through a new file renamed over the old one.
static ino_t inodeOf(const QString &path)
{
    struct stat info
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

void AppControllerTest::resumingLeavesTheSettingsFileAlone()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    m_settings->sync();
    const QString file = m_settings->fileName();
    const ino_t before = inodeOf(file);
    QVERIFY(before != 0);

    // A start-up that resumes the same session on the same server changes no setting, so the
    // file (rewritten with an fsync whenever QSettings is told anything) stays as it was.
    const QString server = m_api->config().baseUrl.toString();
    restartApp();
    m_settings->sync();
    const ino_t afterQuit = inodeOf(file); // quitting saved the window's layout
    m_app->start(server, QStringLiteral("demo"));
    QTRY_COMPARE(m_session->state(), TokenSession::State::Active);
    QVERIFY(m_app->explorer()->isVisible());
    m_settings->sync();
    QCOMPARE(inodeOf(file), afterQuit);
    QVERIFY(afterQuit != before); // the check can see a rewrite
}

// Signing out and back in keeps the request being composed; somebody else signing in after a
// sign-out finds none of it (a header typed by hand may hold a key of the last user's).
void AppControllerTest::anotherUserAfterSignOutFindsNothingOfTheLast()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    ExplorerWindow *explorer = m_app->explorer();
    RequestEditor *editor = explorer->requestEditor();
    QTest::keyClicks(editor->urlEdit(), QStringLiteral("me/"));
    editor->headersTable()->setEntries({{true, QStringLiteral("X-Api-Key"), QStringLiteral("k1")}});

    const auto signOutThenIn = [&](const QString &user, const QString &password) {
        explorer->signOutAction()->trigger();
        QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
        LoginDialog *dialog = m_app->loginDialog();
        dialog->prefill(m_api->config(), user);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit")), password);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("signInButton")),
                          Qt::LeftButton);
        QTRY_VERIFY(!m_app->loginDialog());
        QTRY_COMPARE(m_session->state(), TokenSession::State::Active);
        QCOMPARE(m_session->username(), user);
    };

    signOutThenIn(QStringLiteral("demo"), QStringLiteral("demo-password"));
    QCOMPARE(editor->urlEdit()->text(), QStringLiteral("me/"));
    QCOMPARE(editor->headersTable()->entries().size(), 1);

    m_api->username = QStringLiteral("other");
    m_api->password = QStringLiteral("other-password");
    signOutThenIn(QStringLiteral("other"), QStringLiteral("other-password"));
    QCOMPARE(editor->urlEdit()->text(), QString());
    QCOMPARE(editor->headersTable()->entries().size(), 0);
    QCOMPARE(explorer->historyList()->count(), 0);
    QCOMPARE(explorer->responseView()->statusCode(), 0);
}

// Sign-out asks the keychain to remove the saved session; when it cannot (locked, not
// answering), the dialog says so, and the next start neither resumes that session nor needs
// the keychain to have obeyed: it asks for the password and removes the entry then.
void AppControllerTest::signOutHoldsWhenTheKeychainDoesNotRemove()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);

    m_store->setFailure(StoreResult::Unavailable, QStringLiteral("the keychain is not answering"));
    m_app->explorer()->signOutAction()->trigger();
    QTRY_VERIFY(m_app->loginDialog()
                && m_app->loginDialog()->reasonText().contains(QStringLiteral("did not remove")));
    QVERIFY2(m_app->loginDialog()->reasonText().contains(QStringLiteral("not answering")),
             qPrintable(m_app->loginDialog()->reasonText()));
    QCOMPARE(m_store->contents().size(), 1); // still there

    // The next start: the keychain works again.
    m_store->setFailure(StoreResult::Ok);
    const QString server = m_api->config().baseUrl.toString();
    const int refreshes = m_api->refreshCalls();
    restartApp();
    m_app->start(server, QStringLiteral("demo"));
    QVERIFY(m_app->loginDialog());
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    QTRY_VERIFY(m_store->contents().isEmpty());
    QCOMPARE(m_api->refreshCalls(), refreshes); // the signed-out token was never sent

    // Signing in again with "keep me signed in" saves a new session, which the start after
    // that restores.
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);
    restartApp();
    m_app->start(server, QStringLiteral("demo"));
    QTRY_COMPARE(m_session->state(), TokenSession::State::Active);
    QVERIFY(!m_app->loginDialog());
}

// Esc while the dialog restores a saved session (Retry) stops the restore for real: the
// keychain's late answer does not sign anybody in behind the dialog.
void AppControllerTest::escapeDuringARestoreStopsIt()
{
    m_app->start();
    signInThroughDialog();
    QTRY_VERIFY(m_app->explorer()->isVisible());
    QTRY_COMPARE(m_store->contents().size(), 1);

    // A restart with the server down: the dialog offers Retry.
    const QString server = m_api->config().baseUrl.toString();
    m_api->refreshOverride = [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::DropConnection;
        return response;
    };
    restartApp();
    m_app->start(server, QStringLiteral("demo"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->loginDialog() && m_app->loginDialog()->isRetryOffered(), 15000);
    m_api->refreshOverride = nullptr;

    // Retry with a keychain that is slow to answer, then Esc.
    m_store->holdReads(true);
    LoginDialog *dialog = m_app->loginDialog();
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("retryButton")),
                      Qt::LeftButton);
    QVERIFY(dialog->isBusy());
    QCOMPARE(m_session->state(), TokenSession::State::Resuming);
    QTest::keyClick(dialog, Qt::Key_Escape);
    QVERIFY(!dialog->isBusy());
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    const int refreshes = m_api->refreshCalls();

    m_store->holdReads(false); // the keychain answers after all
    // A read asked now is answered after the held one: once it is in, that one was too.
    bool answered = false;
    m_store->read(QStringLiteral("probe"), this,
                  [&answered](const StoreResult &) { answered = true; });
    QTRY_VERIFY(answered);
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    QCOMPARE(m_api->refreshCalls(), refreshes);
    QCOMPARE(m_app->loginDialog(), dialog); // still asking for the password
    QCOMPARE(m_store->contents().size(), 1); // the saved session is left alone
}

QTEST_MAIN(AppControllerTest)
#include "tst_appcontroller.moc"
