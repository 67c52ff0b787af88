// The sign-in dialog on its own, against a fake SimpleJWT API: what stays in the form after a
// failed sign-in, the messages for what was typed, and a dialog that fits on the screen.

#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "LoginDialog.h"
#include "SecretStore.h"
#include "TokenSession.h"

#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace Kini;

namespace {

template<typename T> T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

} // namespace

class LoginDialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void passwordAfterAFailedSignIn_data();
    void passwordAfterAFailedSignIn();
    void cancelKeepsThePassword();
    void serverThatIsNotAnAddress_data();
    void serverThatIsNotAnAddress();
    void newAttemptClearsTheReason();
    void retryButtonClearsTheReason();
    void advancedSettingsStayOnScreen();
    void advancedSettingsScrollWhenTheScreenIsFull();
    void timeoutsSayTheyAreIdleTimeouts();

private:
    // Fills the form for the fake API as user demo, and presses Sign in.
    void signIn(const QString &password);

    std::unique_ptr<FakeJwtApi> m_api;
    std::unique_ptr<Interceptor> m_network;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<TokenSession> m_session;
    std::unique_ptr<LoginDialog> m_dialog;
};

void LoginDialogTest::init()
{
    m_api = std::make_unique<FakeJwtApi>(SystemClock::instance());
    QVERIFY(m_api->start());
    m_network = std::make_unique<Interceptor>();
    m_store = std::make_unique<MemorySecretStore>();
    m_session = std::make_unique<TokenSession>(m_network.get(), m_store.get());
    m_network->setSession(m_session.get());
    m_dialog = std::make_unique<LoginDialog>(m_session.get());
    m_dialog->prefill(m_api->config(), QStringLiteral("demo"));
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void LoginDialogTest::cleanup()
{
    m_dialog.reset();
    m_session.reset();
    m_network.reset();
    m_store.reset();
    m_api.reset();
}

void LoginDialogTest::signIn(const QString &password)
{
    auto *passwordEdit = child<QLineEdit>(m_dialog.get(), "passwordEdit");
    passwordEdit->clear();
    QTest::keyClicks(passwordEdit, password);
    QTest::mouseClick(child<QPushButton>(m_dialog.get(), "signInButton"), Qt::LeftButton);
}

void LoginDialogTest::passwordAfterAFailedSignIn_data()
{
    QTest::addColumn<int>("action");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("kept");

    using Response = FakeHttpServer::Response;
    const QByteArray json = "application/json";
    QTest::newRow("connection dropped: kept") << int(Response::DropConnection) << 0 << json
                                              << QByteArray() << "demo-password" << true;
    QTest::newRow("HTML error page: kept")
            << int(Response::Respond) << 502 << QByteArray("text/html")
            << QByteArray("<html><body><h1>502 Bad Gateway</h1></body></html>") << "demo-password"
            << true;
    QTest::newRow("server error: kept")
            << int(Response::Respond) << 500 << json << QByteArray(R"({"detail":"boom"})")
            << "demo-password" << true;
    QTest::newRow("no answer until the idle timeout: kept")
            << int(Response::NeverAnswer) << 0 << json << QByteArray() << "demo-password" << true;
    QTest::newRow("wrong password: cleared")
            << -1 << 0 << json << QByteArray() << "not-the-password" << false;
    QTest::newRow("bad request: cleared")
            << int(Response::Respond) << 400 << json
            << QByteArray(R"({"password":["This field may not be blank."]})") << "demo-password"
            << false;
}

void LoginDialogTest::passwordAfterAFailedSignIn()
{
    QFETCH(int, action);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, password);
    QFETCH(bool, kept);

    if (action >= 0) {
        m_api->server().route("POST", "/api/token/", [=](const FakeHttpServer::Request &) {
            FakeHttpServer::Response response;
            response.action = FakeHttpServer::Response::Action(action);
            response.status = status;
            response.headers = {{"Content-Type", contentType}};
            response.body = body;
            return response;
        });
    }
    // The idle timeout at its shortest, for the row whose server never answers.
    child<QSpinBox>(m_dialog.get(), "requestTimeoutSpin")->setValue(1);

    QSignalSpy finished(m_session.get(), &TokenSession::signInFinished);
    signIn(password);
    QVERIFY(m_dialog->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(finished.first().first().value<ApiError>().isError());
    QVERIFY(!m_dialog->isBusy());
    QVERIFY(!m_dialog->messageText().isEmpty());
    QCOMPARE(child<QLineEdit>(m_dialog.get(), "passwordEdit")->text(), kept ? password : QString());
}

void LoginDialogTest::cancelKeepsThePassword()
{
    m_api->server().route("POST", "/api/token/", [](const FakeHttpServer::Request &) {
        FakeHttpServer::Response response;
        response.action = FakeHttpServer::Response::NeverAnswer;
        return response;
    });
    signIn(QStringLiteral("demo-password"));
    QTRY_COMPARE(m_api->obtainCalls(), 1);
    QTest::mouseClick(child<QPushButton>(m_dialog.get(), "cancelButton"), Qt::LeftButton);
    QVERIFY(!m_dialog->isBusy());
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(m_dialog->messageText(), QStringLiteral("Sign-in canceled."));
    QCOMPARE(child<QLineEdit>(m_dialog.get(), "passwordEdit")->text(),
             QStringLiteral("demo-password"));

    // And a sign-in that works clears it.
    m_api->server().route("POST", "/api/token/", [this](const FakeHttpServer::Request &) {
        return FakeHttpServer::Response::json(200,
                                              "{\"access\":\"" + m_api->mintAccess()
                                                      + "\",\"refresh\":\"" + m_api->mintRefresh()
                                                      + "\"}");
    });
    QTest::mouseClick(child<QPushButton>(m_dialog.get(), "signInButton"), Qt::LeftButton);
    QTRY_COMPARE(m_dialog->result(), int(QDialog::Accepted));
    QVERIFY(child<QLineEdit>(m_dialog.get(), "passwordEdit")->text().isEmpty());
}

void LoginDialogTest::serverThatIsNotAnAddress_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QString()
                           << QStringLiteral(
                                      "Enter the server URL, e.g. http://127.0.0.1:8000/api/");
    QTest::newRow("not a URL") << QStringLiteral("not a url ::")
                               << QStringLiteral("This is not an http:// or https:// address: "
                                                 "not a url ::");
    QTest::newRow("ftp") << QStringLiteral("ftp://files.example.org/api/")
                         << QStringLiteral("This is not an http:// or https:// address: "
                                           "ftp://files.example.org/api/");
}

void LoginDialogTest::serverThatIsNotAnAddress()
{
    QFETCH(QString, server);
    QFETCH(QString, message);

    auto *serverEdit = child<QLineEdit>(m_dialog.get(), "serverEdit");
    serverEdit->clear();
    QTest::keyClicks(serverEdit, server);
    signIn(QStringLiteral("demo-password"));
    QCOMPARE(m_dialog->messageText(), message);
    QVERIFY(!m_dialog->isBusy());
    QCOMPARE(m_api->obtainCalls(), 0);
}

void LoginDialogTest::newAttemptClearsTheReason()
{
    m_dialog->setReason(QStringLiteral("Your session expired — sign in again."),
                        LoginDialog::ReasonLevel::Warning);
    QVERIFY(!m_dialog->reasonText().isEmpty());

    // Only an attempt that goes ahead: a form still incomplete leaves the reason alone.
    child<QLineEdit>(m_dialog.get(), "passwordEdit")->clear();
    QTest::mouseClick(child<QPushButton>(m_dialog.get(), "signInButton"), Qt::LeftButton);
    QCOMPARE(m_dialog->messageText(), QStringLiteral("Enter your password."));
    QVERIFY(!m_dialog->reasonText().isEmpty());

    signIn(QStringLiteral("not-the-password"));
    QCOMPARE(m_dialog->reasonText(), QString());
    QTRY_VERIFY(!m_dialog->isBusy());
    QCOMPARE(m_dialog->reasonText(), QString());
}

void LoginDialogTest::retryButtonClearsTheReason()
{
    QSignalSpy retry(m_dialog.get(), &LoginDialog::retryRequested);
    m_dialog->setReason(QStringLiteral("The server could not be reached."),
                        LoginDialog::ReasonLevel::Error);
    auto *button = child<QPushButton>(m_dialog.get(), "retryButton");
    QVERIFY(!button->isVisible());
    QVERIFY(!m_dialog->isRetryOffered());

    m_dialog->setReason(QStringLiteral("The server could not be reached."),
                        LoginDialog::ReasonLevel::Error, true);
    QVERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(retry.size(), 1);
    QCOMPARE(m_dialog->reasonText(), QString());
    QVERIFY(!m_dialog->isRetryOffered());
}

void LoginDialogTest::advancedSettingsStayOnScreen()
{
    const QRect available = m_dialog->screen()->availableGeometry();
    // Low on the screen, where growing downwards would push the buttons off it.
    m_dialog->move(available.left() + 20,
                   available.bottom() - m_dialog->frameGeometry().height() - 10);
    QVERIFY(available.contains(m_dialog->frameGeometry()));

    QTest::mouseClick(child<QToolButton>(m_dialog.get(), "advancedToggle"), Qt::LeftButton);
    auto *refreshTimeout = child<QSpinBox>(m_dialog.get(), "refreshTimeoutSpin");
    QTRY_VERIFY(refreshTimeout->isVisible());
    QTRY_VERIFY2(available.contains(m_dialog->frameGeometry()),
                 qPrintable(QStringLiteral("dialog %1,%2 %3x%4 on %5x%6")
                                    .arg(m_dialog->frameGeometry().x())
                                    .arg(m_dialog->frameGeometry().y())
                                    .arg(m_dialog->frameGeometry().width())
                                    .arg(m_dialog->frameGeometry().height())
                                    .arg(available.width())
                                    .arg(available.height())));
    // The buttons are inside the dialog, not cut off by it.
    auto *signInButton = child<QPushButton>(m_dialog.get(), "signInButton");
    QVERIFY(m_dialog->rect().contains(
            QRect(signInButton->mapTo(m_dialog.get(), QPoint(0, 0)), signInButton->size())));

    // Folded again, it gives the room back.
    const int expanded = m_dialog->height();
    QTest::mouseClick(child<QToolButton>(m_dialog.get(), "advancedToggle"), Qt::LeftButton);
    QTRY_VERIFY(m_dialog->height() < expanded);
    QVERIFY(available.contains(m_dialog->frameGeometry()));
}

void LoginDialogTest::advancedSettingsScrollWhenTheScreenIsFull()
{
    // A reason long enough that the form and the advanced settings cannot both fit.
    const QRect available = m_dialog->screen()->availableGeometry();
    QStringList lines;
    while (lines.size() * m_dialog->fontMetrics().height() < available.height() - 450)
        lines << QStringLiteral("The server could not be reached.");
    m_dialog->setReason(lines.join(u'\n'), LoginDialog::ReasonLevel::Error);
    QVERIFY(available.contains(m_dialog->frameGeometry()));

    QTest::mouseClick(child<QToolButton>(m_dialog.get(), "advancedToggle"), Qt::LeftButton);
    QTRY_VERIFY(child<QSpinBox>(m_dialog.get(), "refreshTimeoutSpin")->isVisibleTo(m_dialog.get()));
    QVERIFY(available.contains(m_dialog->frameGeometry()));
    auto *signInButton = child<QPushButton>(m_dialog.get(), "signInButton");
    QVERIFY(m_dialog->rect().contains(
            QRect(signInButton->mapTo(m_dialog.get(), QPoint(0, 0)), signInButton->size())));
}

void LoginDialogTest::timeoutsSayTheyAreIdleTimeouts()
{
    // Qt's transfer timeout restarts whenever data arrives: it bounds silence, not the call.
    const QString requests = child<QLabel>(m_dialog.get(), "requestTimeoutLabel")->text();
    const QString refresh = child<QLabel>(m_dialog.get(), "refreshTimeoutLabel")->text();
    QCOMPARE(requests, QStringLiteral("Idle timeout for requests"));
    QCOMPARE(refresh, QStringLiteral("Idle timeout for token refresh"));
    for (const char *name : {"requestTimeoutSpin", "refreshTimeoutSpin"}) {
        const QString tip = child<QSpinBox>(m_dialog.get(), name)->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("no data has arrived")), qPrintable(tip));
    }
}

QTEST_MAIN(LoginDialogTest)
#include "tst_logindialog.moc"
