// The sign-in dialog's transport checks: a certificate the system does not trust is shown with
// its fingerprint and nothing is sent until the user trusts it (against a local HTTPS server
// with certificates made by openssl at test time); a password for http:// on another computer
// waits for "Send anyway". No test here sends anything beyond 127.0.0.1.
#include "AppController.h"
#include "CertificatePrompt.h"
#include "CertificateTrust.h"
#include "ExplorerWindow.h"
#include "FakeJwtApi.h"
#include "HttpsJwtApi.h"
#include "Interceptor.h"
#include "LoginDialog.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "SecretStore.h"
#include "TestCertificate.h"
#include "TokenSession.h"
#include "WarningBanner.h"

#include <QLabel>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Kini;

namespace {

// Sends everything to 127.0.0.1, whatever host the URL names, and counts what it was asked to
// send: the cleartext tests use names of other computers without ever reaching one.
class LoopbackOnlyNetwork : public QNetworkAccessManager
{
public:
    int created = 0;

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override
    {
        ++created;
        QNetworkRequest local(request);
        QUrl url = request.url();
        url.setHost(QStringLiteral("127.0.0.1"));
        local.setUrl(url);
        return QNetworkAccessManager::createRequest(op, local, outgoingData);
    }
};

template<typename T> T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

void fill(LoginDialog *dialog, const QString &server, const QString &password)
{
    auto *serverEdit = child<QLineEdit>(dialog, "serverEdit");
    serverEdit->clear();
    QTest::keyClicks(serverEdit, server);
    auto *userEdit = child<QLineEdit>(dialog, "usernameEdit");
    userEdit->clear();
    QTest::keyClicks(userEdit, QStringLiteral("demo"));
    auto *passwordEdit = child<QLineEdit>(dialog, "passwordEdit");
    passwordEdit->clear();
    QTest::keyClicks(passwordEdit, password);
}

void clickSignIn(LoginDialog *dialog)
{
    QTest::mouseClick(child<QPushButton>(dialog, "signInButton"), Qt::LeftButton);
}

void expectRefusal()
{
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral("^refused the certificate of https://")));
}

} // namespace

class tst_LoginDialogSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void untrustedCertificateIsShownAndNothingSent();
    void trustingRetriesAndOpensTheExplorer();
    void changedCertificateSaysSo();
    void trustWithoutPasswordAsksForIt();
    void expiredCertificateCannotBeTrusted();
    void cleartextToAnotherComputerWaits();
    void sendAnywaySendsOnceAgreed();
    void editingTheServerDropsTheWarning();
    void loopbackHttpSignsInWithoutWarning();
    void savedSessionInClearWaitsForConsent();
    void certificateChangedInSessionIsAskedAbout();
    void dismissedCertificateIsNotAskedAgain();

private:
    // Signed in to server through the app (its certificate pinned), explorer on show; then the
    // pin moves to another certificate, as if the server's had changed under a running session.
    void signInThenChangeCertificate(AppController *app, HttpsJwtApi *server);
    // Sends GET me/ from the explorer and waits for the answer's status (0: none, e.g. TLS).
    int sendFromExplorer(AppController *app);
    // A dialog on the app's own network (the Interceptor) with a CertificateTrust attached.
    LoginDialog *openDialog();

    QTemporaryDir m_dir;
    TestCertificate m_certificate;
    TestCertificate m_otherCertificate;
    TestCertificate m_expired;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<TokenSession> m_session;
    std::unique_ptr<CertificateTrust> m_trust;
    std::unique_ptr<LoginDialog> m_dialog;
};

void tst_LoginDialogSecurity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_certificate.generate(), qPrintable(m_certificate.errorString()));
    QVERIFY2(m_otherCertificate.generate(), qPrintable(m_otherCertificate.errorString()));
    TestCertificate::Options expired;
    expired.notBefore = QDateTime::currentDateTimeUtc().addDays(-60);
    expired.notAfter = QDateTime::currentDateTimeUtc().addDays(-30);
    QVERIFY2(m_expired.generate(expired), qPrintable(m_expired.errorString()));
}

void tst_LoginDialogSecurity::init()
{
    m_settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("kini.ini")),
                                             QSettings::IniFormat);
    m_settings->clear();
    m_store = std::make_unique<MemorySecretStore>();
    m_network = std::make_unique<Interceptor>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_trust = std::make_unique<CertificateTrust>(m_settings.get());
    m_trust->attach(m_network.get());
}

void tst_LoginDialogSecurity::cleanup()
{
    m_dialog.reset();
    m_trust.reset();
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_settings.reset();
}

LoginDialog *tst_LoginDialogSecurity::openDialog()
{
    m_dialog = std::make_unique<LoginDialog>(m_session.get());
    m_dialog->setCertificateTrust(m_trust.get());
    m_dialog->show();
    return m_dialog.get();
}

void tst_LoginDialogSecurity::untrustedCertificateIsShownAndNothingSent()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    LoginDialog *dialog = openDialog();
    fill(dialog, server.config().baseUrl.toString(), QStringLiteral("demo-password"));
    expectRefusal();
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 10000);

    const QString text = dialog->securityText();
    QVERIFY2(text.contains(QStringLiteral("certificate is not trusted")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("self-signed")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Nothing was sent to ") + server.origin()),
             qPrintable(text));
    QVERIFY(dialog->messageText().isEmpty()); // no second, technical copy of the error

    // The certificate as the user checks it: the fingerprint openssl prints, names, dates.
    auto *fingerprint = child<QLabel>(dialog, "fingerprintValue");
    QVERIFY(fingerprint && fingerprint->isVisible());
    QCOMPARE(fingerprint->text().replace(u'\n', u':'), m_certificate.opensslFingerprint());
    QVERIFY(child<QLabel>(dialog, "subjectValue")->text().contains(QStringLiteral("127.0.0.1")));
    QVERIFY(child<QLabel>(dialog, "issuerValue")->text().contains(QStringLiteral("self-signed")));
    const QString validity = child<QLabel>(dialog, "validityValue")->text();
    QVERIFY2(validity.contains(QString::number(QDate::currentDate().addDays(30).year())),
             qPrintable(validity));
    auto *trust = child<QPushButton>(dialog, "trustButton");
    QVERIFY(trust->isVisible() && trust->isEnabled());
    QVERIFY(!child<QPushButton>(dialog, "sendAnywayButton")->isVisible());

    // Kept for the retry; and nothing went out, the password least of all.
    QCOMPARE(child<QLineEdit>(dialog, "passwordEdit")->text(), QStringLiteral("demo-password"));
    QCOMPARE(server.tls().bytesReceived(), 0);
    QCOMPARE(server.requestCount(), 0);
    QCOMPARE(m_session->state(), TokenSession::State::SignedOut);
    QVERIFY(!m_trust->isPinned(server.origin()));
}

void tst_LoginDialogSecurity::trustingRetriesAndOpensTheExplorer()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    AppController app(m_network.get(), m_session.get(), m_settings.get());
    app.setCertificateTrust(m_trust.get());
    app.start();
    LoginDialog *dialog = app.loginDialog();
    QVERIFY(dialog);
    fill(dialog, server.config().baseUrl.toString(), QStringLiteral("demo-password"));
    expectRefusal();
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->securityText().isEmpty(), 10000);

    QTest::mouseClick(child<QPushButton>(dialog, "trustButton"), Qt::LeftButton);
    // The retry is out, to a pinned certificate, with the password kept for it.
    QVERIFY(dialog->isBusy());
    QVERIFY(dialog->securityText().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(app.explorer()->isVisible(), 10000);
    QVERIFY(!app.loginDialog());
    QCOMPARE(m_session->state(), TokenSession::State::Active);
    QCOMPARE(server.api().obtainCalls(), 1);

    // Pinned and saved: the next run trusts it without asking.
    QSettings saved(m_settings->fileName(), QSettings::IniFormat);
    CertificateTrust nextRun(&saved);
    QCOMPARE(nextRun.pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));
}

void tst_LoginDialogSecurity::changedCertificateSaysSo()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    QVERIFY(m_trust->pin(server.origin(), m_otherCertificate.certificate()));
    LoginDialog *dialog = openDialog();
    fill(dialog, server.config().baseUrl.toString(), QStringLiteral("demo-password"));
    expectRefusal();
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 10000);

    const QString text = dialog->securityText();
    QVERIFY2(text.contains(QStringLiteral("certificate has changed")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("You trusted another certificate")), qPrintable(text));
    QCOMPARE(server.requestCount(), 0);
    // Kept for the retry, as for a first visit.
    auto *password = child<QLineEdit>(dialog, "passwordEdit");
    QCOMPARE(password->text(), QStringLiteral("demo-password"));

    QTest::mouseClick(child<QPushButton>(dialog, "trustButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->result() == QDialog::Accepted, 10000);
    // Signed in: the password has done its work and leaves the field.
    QVERIFY(password->text().isEmpty());
    QCOMPARE(m_trust->pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));
    QCOMPARE(server.api().obtainCalls(), 1);
}

void tst_LoginDialogSecurity::trustWithoutPasswordAsksForIt()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    LoginDialog *dialog = openDialog();
    fill(dialog, server.config().baseUrl.toString(), QStringLiteral("demo-password"));
    expectRefusal();
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->securityText().isEmpty(), 10000);

    child<QLineEdit>(dialog, "passwordEdit")->clear();
    QTest::mouseClick(child<QPushButton>(dialog, "trustButton"), Qt::LeftButton);
    QVERIFY(m_trust->isPinned(server.origin()));
    QVERIFY(!dialog->isBusy());
    QVERIFY2(dialog->messageText().contains(QStringLiteral("Enter your password")),
             qPrintable(dialog->messageText()));

    QTest::keyClicks(child<QLineEdit>(dialog, "passwordEdit"), QStringLiteral("demo-password"));
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->result() == QDialog::Accepted, 10000);
    QCOMPARE(server.api().obtainCalls(), 1);
}

void tst_LoginDialogSecurity::expiredCertificateCannotBeTrusted()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_expired));
    LoginDialog *dialog = openDialog();
    fill(dialog, server.config().baseUrl.toString(), QStringLiteral("demo-password"));
    expectRefusal();
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 10000);

    const QString text = dialog->securityText();
    QVERIFY2(text.contains(QStringLiteral("cannot be accepted")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("It expired on")), qPrintable(text));
    QVERIFY(child<QLabel>(dialog, "validityValue")->text().contains(QStringLiteral("expired")));
    QVERIFY(!child<QPushButton>(dialog, "trustButton")->isVisible());
    // Not the password's fault: it stays, for the same server once its certificate is replaced
    // or for another address, like after any failure that is not about the credentials.
    QCOMPARE(child<QLineEdit>(dialog, "passwordEdit")->text(), QStringLiteral("demo-password"));
    QCOMPARE(server.tls().bytesReceived(), 0);
}

void tst_LoginDialogSecurity::cleartextToAnotherComputerWaits()
{
    LoopbackOnlyNetwork network;
    TokenSession session(&network, m_store.get());
    LoginDialog dialog(&session);
    dialog.setCertificateTrust(m_trust.get());
    dialog.show();
    fill(&dialog, QStringLiteral("http://10.255.255.1/api/"), QStringLiteral("demo-password"));

    clickSignIn(&dialog);
    const QString text = dialog.securityText();
    QVERIFY2(text.contains(QStringLiteral("does not use HTTPS")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("travel unencrypted to http://10.255.255.1:80")),
             qPrintable(text));
    QVERIFY(child<QPushButton>(&dialog, "sendAnywayButton")->isVisible());
    QVERIFY(!child<QPushButton>(&dialog, "trustButton")->isVisible());
    QVERIFY(!child<QWidget>(&dialog, "certificateView")->isVisible());

    // Sign in again, or Enter: still nothing is sent.
    clickSignIn(&dialog);
    QTest::keyClick(child<QLineEdit>(&dialog, "passwordEdit"), Qt::Key_Return);
    // TokenSession::signIn() creates its request before returning: none was made.
    QCOMPARE(network.created, 0);
    QCOMPARE(session.state(), TokenSession::State::SignedOut);
    QVERIFY(!dialog.isBusy());
    QVERIFY(!m_trust->isCleartextAllowed(QStringLiteral("http://10.255.255.1:80")));
    QCOMPARE(child<QLineEdit>(&dialog, "passwordEdit")->text(), QStringLiteral("demo-password"));
}

void tst_LoginDialogSecurity::sendAnywaySendsOnceAgreed()
{
    // The dialog sees a name of another computer; the network sends to 127.0.0.1 regardless.
    FakeJwtApi api(SystemClock::instance());
    QVERIFY(api.start());
    const QString remote
            = QStringLiteral("http://api.remote.test:%1/api/").arg(api.server().port());
    const QString origin = QStringLiteral("http://api.remote.test:%1").arg(api.server().port());
    LoopbackOnlyNetwork network;
    TokenSession session(&network, m_store.get());

    LoginDialog first(&session);
    first.setCertificateTrust(m_trust.get());
    first.show();
    fill(&first, remote, QStringLiteral("demo-password"));
    clickSignIn(&first);
    QVERIFY(!first.securityText().isEmpty());
    QCOMPARE(network.created, 0);

    QTest::mouseClick(child<QPushButton>(&first, "sendAnywayButton"), Qt::LeftButton);
    QVERIFY(m_trust->isCleartextAllowed(origin));
    QVERIFY(first.securityText().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(first.result() == QDialog::Accepted, 10000);
    QCOMPARE(api.obtainCalls(), 1);

    // Agreed once per server and run: another dialog in this run does not ask again...
    session.signOut();
    LoginDialog second(&session);
    second.setCertificateTrust(m_trust.get());
    second.show();
    fill(&second, remote, QStringLiteral("demo-password"));
    clickSignIn(&second);
    QVERIFY(second.securityText().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(second.result() == QDialog::Accepted, 10000);
    QCOMPARE(api.obtainCalls(), 2);

    // ... the next run does.
    session.signOut();
    const int before = network.created;
    CertificateTrust nextRun(m_settings.get());
    LoginDialog third(&session);
    third.setCertificateTrust(&nextRun);
    third.show();
    fill(&third, remote, QStringLiteral("demo-password"));
    clickSignIn(&third);
    QVERIFY(!third.securityText().isEmpty());
    QCOMPARE(network.created, before);
}

void tst_LoginDialogSecurity::editingTheServerDropsTheWarning()
{
    LoopbackOnlyNetwork network;
    TokenSession session(&network, m_store.get());
    LoginDialog dialog(&session);
    dialog.setCertificateTrust(m_trust.get());
    dialog.show();
    fill(&dialog, QStringLiteral("http://10.255.255.1/api/"), QStringLiteral("demo-password"));
    clickSignIn(&dialog);
    QVERIFY(!dialog.securityText().isEmpty());

    QTest::keyClick(child<QLineEdit>(&dialog, "serverEdit"), Qt::Key_Backspace);
    QVERIFY(dialog.securityText().isEmpty());
    QCOMPARE(network.created, 0);
}

void tst_LoginDialogSecurity::loopbackHttpSignsInWithoutWarning()
{
    FakeJwtApi api(SystemClock::instance());
    QVERIFY(api.start());
    LoginDialog *dialog = openDialog();
    fill(dialog, api.config().baseUrl.toString(), QStringLiteral("demo-password"));
    clickSignIn(dialog);
    QVERIFY(dialog->securityText().isEmpty());
    QVERIFY(dialog->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->result() == QDialog::Accepted, 10000);
    QVERIFY(child<QLineEdit>(dialog, "passwordEdit")->text().isEmpty());
}

QTEST_MAIN(tst_LoginDialogSecurity)
// A saved session sends its refresh token at start: over http:// to another computer, the app
// asks first, as it does before a password, and restores the session only once agreed.
void tst_LoginDialogSecurity::savedSessionInClearWaitsForConsent()
{
    FakeJwtApi api(SystemClock::instance());
    QVERIFY(api.start());
    const QString remote
            = QStringLiteral("http://api.remote.test:%1/api/").arg(api.server().port());
    ServerConfig config = api.config();
    config.baseUrl = QUrl(remote);
    LoopbackOnlyNetwork network;

    { // An earlier run signed in and kept the session.
        TokenSession earlier(&network, m_store.get());
        earlier.setConfig(config);
        QSignalSpy signedIn(&earlier, &TokenSession::signInFinished);
        earlier.signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), true);
        QVERIFY(signedIn.wait(10000));
        QVERIFY(!signedIn.first().first().value<ApiError>().isError());
        QTRY_COMPARE(m_store->contents().size(), 1);
    }
    config.save(*m_settings);
    m_settings->setValue(QStringLiteral("session/lastServer"), remote);
    m_settings->setValue(QStringLiteral("session/lastUser"), QStringLiteral("demo"));
    const int before = network.created;

    TokenSession session(&network, m_store.get());
    AppController app(&network, &session, m_settings.get());
    app.setCertificateTrust(m_trust.get());
    QSignalSpy states(&session, &TokenSession::stateChanged);
    app.start();

    QTRY_VERIFY(app.loginDialog() && app.loginDialog()->isVisible());
    const QString text = app.loginDialog()->securityText();
    QVERIFY2(text.contains(QStringLiteral("saved session would be restored over an unencrypted")),
             qPrintable(text));
    QCOMPARE(network.created, before); // not a byte sent, the keychain not even read
    QVERIFY(states.isEmpty());
    QVERIFY(!app.explorer()->isVisible());

    QTest::mouseClick(child<QPushButton>(app.loginDialog(), "sendAnywayButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(app.explorer()->isVisible(), 10000);
    QCOMPARE(session.state(), TokenSession::State::Active);
    QCOMPARE(api.refreshCalls(), 1);
    QCOMPARE(api.obtainCalls(), 1); // the earlier run's: no password was needed
}

void tst_LoginDialogSecurity::signInThenChangeCertificate(AppController *app,
                                                           HttpsJwtApi *server)
{
    QVERIFY(m_trust->pin(server->origin(), m_certificate.certificate()));
    app->setCertificateTrust(m_trust.get());
    app->start();
    LoginDialog *dialog = app->loginDialog();
    QVERIFY(dialog);
    fill(dialog, server->config().baseUrl.toString(), QStringLiteral("demo-password"));
    clickSignIn(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(app->explorer()->isVisible(), 10000);
    QVERIFY(m_trust->pin(server->origin(), m_otherCertificate.certificate()));
    m_network->clearConnectionCache(); // a changed certificate comes with a new connection
}

int tst_LoginDialogSecurity::sendFromExplorer(AppController *app)
{
    ExplorerWindow *explorer = app->explorer();
    RequestEditor *editor = explorer->requestEditor();
    editor->urlEdit()->setText(QStringLiteral("me/"));
    QTest::mouseClick(editor->sendButton(), Qt::LeftButton);
    if (!QTest::qWaitFor([explorer] { return !explorer->isRequestRunning(); }, 10000))
        return -1;
    return explorer->responseView()->statusCode();
}

// The server's certificate changes while the explorer is in use: the request is stopped in the
// handshake, and the app asks about the new certificate over the explorer. Trusting it pins it,
// and the request goes through when sent again.
void tst_LoginDialogSecurity::certificateChangedInSessionIsAskedAbout()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    AppController app(m_network.get(), m_session.get(), m_settings.get());
    signInThenChangeCertificate(&app, &server);
    const int before = server.requestCount();

    expectRefusal();
    QCOMPARE(sendFromExplorer(&app), 0);
    QCOMPARE(server.requestCount(), before); // nothing went through, the token included
    QTRY_VERIFY(app.certificatePrompt() && app.certificatePrompt()->isVisible());
    CertificatePrompt *prompt = app.certificatePrompt();
    QCOMPARE(prompt->parentWidget(), app.explorer());
    QCOMPARE(prompt->windowModality(), Qt::WindowModal);
    QVERIFY2(prompt->text().contains(QStringLiteral("certificate has changed")),
             qPrintable(prompt->text()));
    QVERIFY2(prompt->text().contains(QStringLiteral("You trusted another certificate")),
             qPrintable(prompt->text()));
    QVERIFY(prompt->trustButton());

    QTest::mouseClick(prompt->trustButton(), Qt::LeftButton);
    QTRY_VERIFY(!app.certificatePrompt());
    QCOMPARE(m_trust->pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));
    QCOMPARE(sendFromExplorer(&app), 200);
    QCOMPARE(m_session->state(), TokenSession::State::Active);
}

// Closing the prompt changes nothing, and the same certificate is not asked about again in
// this run (the session's refresh retries would otherwise bring it back every time).
void tst_LoginDialogSecurity::dismissedCertificateIsNotAskedAgain()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    AppController app(m_network.get(), m_session.get(), m_settings.get());
    signInThenChangeCertificate(&app, &server);

    expectRefusal();
    QCOMPARE(sendFromExplorer(&app), 0);
    QTRY_VERIFY(app.certificatePrompt() && app.certificatePrompt()->isVisible());
    QTest::keyClick(app.certificatePrompt(), Qt::Key_Escape);
    QTRY_VERIFY(!app.certificatePrompt());
    QCOMPARE(m_trust->pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_otherCertificate.certificate()));

    expectRefusal();
    QCOMPARE(sendFromExplorer(&app), 0);
    QVERIFY(!app.certificatePrompt());
    const QString shown = app.explorer()->responseView()->statusText() + u' '
            + app.explorer()->responseView()->noticeText();
    QVERIFY2(shown.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(shown));

    // The way back: a banner says why requests fail and brings the question up again.
    const QString banners = app.explorer()->bannerTexts().join(u'|');
    QVERIFY2(banners.contains(QStringLiteral("is not trusted")), qPrintable(banners));
    auto *banner = app.explorer()->findChild<WarningBanner *>(QStringLiteral("certificateBanner"));
    QVERIFY(banner);
    auto *review = banner->findChild<QPushButton *>();
    QVERIFY(review && review->isVisible());
    QTest::mouseClick(review, Qt::LeftButton);
    QTRY_VERIFY(app.certificatePrompt() && app.certificatePrompt()->isVisible());
    QTest::mouseClick(app.certificatePrompt()->trustButton(), Qt::LeftButton);
    QTRY_VERIFY(!app.certificatePrompt());
    QCOMPARE(m_trust->pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));
    QVERIFY(!app.explorer()->bannerTexts().join(u'|').contains(QStringLiteral("is not trusted")));
    QCOMPARE(sendFromExplorer(&app), 200);
}

#include "tst_logindialogsecurity.moc"
