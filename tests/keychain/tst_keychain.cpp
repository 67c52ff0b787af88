// The real keychain: QtKeychain over gnome-keyring inside a private D-Bus session (CTest runs
// this through scripts/with-keyring.sh), with the real SimpleJWT server.
#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "SimpleJwtServer.h"
#include "StoreRun.h"
#include "TestTokens.h"
#include "TokenSession.h"

#include <QDir>
#include <QFile>
#include <QNetworkReply>
#include <QThread>
#include <QProcess>
#include <QSignalSpy>
#include <QScopeGuard>
#include <QTest>

#include <csignal>

#include <memory>

using namespace Kini;

namespace {

const QString kService = QStringLiteral("Kini Explorer Test");

// A new object graph, as after an app restart: nothing shared with the previous one but the
// keychain itself.
struct App
{
    Interceptor net;
    KeychainSecretStore store {kService};
    TokenSession session {&net, &store};

    explicit App(const ServerConfig &config)
    {
        session.setConfig(config);
        net.setSession(&session);
    }
};

// What secret-tool (libsecret, outside our process) finds for QtKeychain's schema.
QByteArray lookUpOutsideTheApp(const QString &key)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("lookup"), QStringLiteral("server"), kService,
                QStringLiteral("user"), key});
    if (!tool.waitForFinished(20000))
        return "(secret-tool hung)";
    return tool.readAllStandardOutput();
}

} // namespace

class tst_Keychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void writeReadRemove();
    void writesLandInOrder();
    void jobsRunOffTheCallersThread();
    void storeGoneBeforeTheAnswer();
    void writesSurviveQuitting();
    void unansweredWriteIsNotRepeatedAtEveryRotation();
    void restartResumesSessionAndSignOutDeletes();
    void deadSavedSessionAsksForPassword();

private:
    SimpleJwtServer m_server;
};

void tst_Keychain::initTestCase()
{
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through scripts/with-keyring.sh");
    QVERIFY2(m_server.start({}), qPrintable(m_server.errorString()));
}

void tst_Keychain::writeReadRemove()
{
    KeychainSecretStore store(kService);
    const QString key = QStringLiteral("unit write-read-remove");

    QVERIFY(runStoreOperation([&](auto cb) { store.write(key, "s3cret.value", this, cb); }).ok());
    const StoreResult read = runStoreOperation([&](auto cb) { store.read(key, this, cb); });
    QVERIFY2(read.ok(), qPrintable(read.message));
    KINI_COMPARE_SECRET(read.secret, QByteArray("s3cret.value"));
    QVERIFY(lookUpOutsideTheApp(key).contains("s3cret.value")); // really in the keyring

    QVERIFY(runStoreOperation([&](auto cb) { store.remove(key, this, cb); }).ok());
    QCOMPARE(runStoreOperation([&](auto cb) { store.read(key, this, cb); }).status,
             StoreResult::NotFound);
}

void tst_Keychain::writesLandInOrder()
{
    KeychainSecretStore store(kService);
    const QString key = QStringLiteral("unit ordering");
    int answered = 0;
    for (int i = 0; i < 10; ++i)
        store.write(key, "token-" + QByteArray::number(i), this,
                    [&answered](const StoreResult &) { ++answered; });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 10, 30000);
    const StoreResult read = runStoreOperation([&](auto cb) { store.read(key, this, cb); });
    KINI_COMPARE_SECRET(read.secret, QByteArray("token-9"));
    runStoreOperation([&](auto cb) { store.remove(key, this, cb); });
}

// QtKeychain works on a thread of its own, but every answer comes back on the thread that asked,
// later, from its event loop; and the thread that asked is free meanwhile.
void tst_Keychain::jobsRunOffTheCallersThread()
{
    KeychainSecretStore store(kService);
    const QString key = QStringLiteral("thread-check");
    QThread *const caller = QThread::currentThread();

    bool answered = false;
    QThread *answeredOn = nullptr;
    store.write(key, "thread-check-value", this, [&](const StoreResult &result) {
        QVERIFY2(result.ok(), qPrintable(result.message));
        answered = true;
        answeredOn = QThread::currentThread();
    });
    QVERIFY(!answered); // never inside the call
    QTRY_VERIFY_WITH_TIMEOUT(answered, 20000);
    QCOMPARE(answeredOn, caller);

    // The libsecret and D-Bus work runs on a thread of its own, which this process now has.
    QThread *readOn = nullptr;
    store.read(key, this, [&](const StoreResult &result) {
        QVERIFY2(result.ok(), qPrintable(result.message));
        QCOMPARE(result.secret, QByteArray("thread-check-value"));
        readOn = QThread::currentThread();
    });
    QTRY_VERIFY_WITH_TIMEOUT(readOn, 20000);
    QCOMPARE(readOn, caller);
    QStringList threadNames;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &id : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(id + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly))
            threadNames << QString::fromUtf8(comm.readAll().trimmed());
    }
    QVERIFY2(threadNames.contains(QStringLiteral("kini-keychain")),
             qPrintable(threadNames.join(QLatin1Char(','))));

    const StoreResult removed = runStoreOperation([&](SecretStore::Callback done) {
        store.remove(key, this, done);
    });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
}

// A store destroyed with writes in progress and queued: nobody is called back, nothing crashes,
// and the writes still land in order (a rotated token must not be lost because its window was
// closed).
void tst_Keychain::storeGoneBeforeTheAnswer()
{
    const QString key = QStringLiteral("gone-check");
    bool called = false;
    {
        KeychainSecretStore store(kService);
        store.write(key, "first", nullptr, [&](const StoreResult &) { called = true; });
        store.write(key, "second", nullptr, [&](const StoreResult &) { called = true; });
        store.write(key, "last", this, [&](const StoreResult &) { called = true; });
    }
    KeychainSecretStore next(kService);
    const StoreResult read = runStoreOperation([&](SecretStore::Callback done) {
        next.read(key, this, done);
    });
    QVERIFY2(read.ok(), qPrintable(read.message));
    KINI_COMPARE_SECRET(read.secret, QByteArray("last"));
    QVERIFY(!called);
    const StoreResult removed = runStoreOperation([&](SecretStore::Callback done) {
        next.remove(key, this, done);
    });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
}

// The whole program quits right after asking for writes (as after a rotation and Ctrl+Q): the
// application's end waits for them, so the last value is what the keychain holds.
void tst_Keychain::writesSurviveQuitting()
{
    const QString key = QStringLiteral("quit-check");
    QProcess program;
    program.start(QStringLiteral(KINI_WRITE_AND_QUIT),
                  {kService, key, QStringLiteral("old-token"), QStringLiteral("rotated-token")});
    QVERIFY(program.waitForFinished(30000));
    QCOMPARE(program.exitStatus(), QProcess::NormalExit);
    QCOMPARE(program.exitCode(), 0);
    QCOMPARE(lookUpOutsideTheApp(key), QByteArray("rotated-token"));

    KeychainSecretStore store(kService);
    const StoreResult removed = runStoreOperation([&](SecretStore::Callback done) {
        store.remove(key, this, done);
    });
    QVERIFY2(removed.ok(), qPrintable(removed.message));
}

// A keychain that does not answer (on a desktop: an unlock prompt left open) fails the write after
// the store's timeout; later writes of the run are answered at once instead of each queueing a
// job (and a prompt) behind it, until askAgain(), which then works once the keychain answers.
void tst_Keychain::unansweredWriteIsNotRepeatedAtEveryRotation()
{
    // The gnome-keyring of this test's own D-Bus session, stopped as if it waited for a person.
    QProcess ask;
    ask.start(QStringLiteral("dbus-send"),
              {QStringLiteral("--session"), QStringLiteral("--dest=org.freedesktop.DBus"),
               QStringLiteral("--type=method_call"), QStringLiteral("--print-reply"),
               QStringLiteral("/org/freedesktop/DBus"),
               QStringLiteral("org.freedesktop.DBus.GetConnectionUnixProcessID"),
               QStringLiteral("string:org.freedesktop.secrets")});
    QVERIFY(ask.waitForFinished(20000));
    const QByteArray reply = ask.readAllStandardOutput();
    const qsizetype at = reply.indexOf("uint32 ");
    QVERIFY2(at >= 0, reply.constData());
    const pid_t daemon = pid_t(reply.mid(at + 7).trimmed().toLongLong());
    QVERIFY(daemon > 1);

    KeychainSecretStore store(kService);
    const QString key = QStringLiteral("unanswered-check");
    QVERIFY(runStoreOperation([&](auto cb) { store.write(key, "before", this, cb); }).ok());
    store.setTimeoutMs(500);
    QCOMPARE(::kill(daemon, SIGSTOP), 0);
    const auto resume = qScopeGuard([daemon] { ::kill(daemon, SIGCONT); });

    const StoreResult first = runStoreOperation([&](auto cb) { store.write(key, "one", this, cb); });
    QCOMPARE(first.status, StoreResult::Timeout);
    const StoreResult second = runStoreOperation([&](auto cb) { store.write(key, "two", this, cb); });
    QCOMPARE(second.status, StoreResult::Denied);
    QVERIFY2(second.message.contains(QStringLiteral("does not ask again")),
             qPrintable(second.message));

    ::kill(daemon, SIGCONT);
    store.setTimeoutMs(20000);
    store.askAgain();
    const StoreResult third = runStoreOperation([&](auto cb) { store.write(key, "three", this, cb); });
    QVERIFY2(third.ok(), qPrintable(third.message));
    QCOMPARE(lookUpOutsideTheApp(key), QByteArray("three"));
    QVERIFY(runStoreOperation([&](auto cb) { store.remove(key, this, cb); }).ok());
}

void tst_Keychain::restartResumesSessionAndSignOutDeletes()
{
    ServerConfig config;
    config.baseUrl = m_server.baseUrl();
    const QString user = m_server.options().username;
    const QString key = config.sessionKey(user);
    QByteArray stored;
    {
        App first(config);
        QSignalSpy signedIn(&first.session, &TokenSession::signInFinished);
        first.session.signIn(user, m_server.options().password, true);
        QVERIFY(signedIn.wait(20000));
        QVERIFY(!signedIn.first().first().value<ApiError>().isError());
        KINI_TRY_COMPARE_SECRET(lookUpOutsideTheApp(key).trimmed(),
                                first.session.refreshToken().raw(), 20000);
        stored = first.session.refreshToken().raw();
    }

    App second(config);
    QSignalSpy resumed(&second.session, &TokenSession::resumeFinished);
    second.session.resume(user);
    QVERIFY(resumed.wait(20000));
    const ApiError error = resumed.first().first().value<ApiError>();
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(second.session.state(), TokenSession::State::Active);
    // Resuming refreshed, and the server rotated: the keychain holds the new token.
    QVERIFY(second.session.refreshToken().raw() != stored);
    KINI_TRY_COMPARE_SECRET(lookUpOutsideTheApp(key).trimmed(), second.session.refreshToken().raw(),
                            20000);

    std::unique_ptr<QNetworkReply> reply(
            second.net.get(QNetworkRequest(config.resolve(QStringLiteral("me/")))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(20000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

    second.session.signOut();
    KINI_TRY_COMPARE_SECRET(lookUpOutsideTheApp(key), QByteArray(), 20000);

    App third(config);
    QSignalSpy again(&third.session, &TokenSession::resumeFinished);
    third.session.resume(user);
    QVERIFY(again.wait(20000));
    QCOMPARE(again.first().first().value<ApiError>().kind, ApiError::NoSavedSession);
}

void tst_Keychain::deadSavedSessionAsksForPassword()
{
    ServerConfig config;
    config.baseUrl = m_server.baseUrl();
    const QString user = m_server.options().username;
    {
        KeychainSecretStore store(kService);
        QVERIFY(runStoreOperation([&](auto cb) {
                    store.write(config.sessionKey(user), "not.a.livetoken", this, cb);
                }).ok());
    }
    App app(config);
    QSignalSpy resumed(&app.session, &TokenSession::resumeFinished);
    QSignalSpy expired(&app.session, &TokenSession::sessionExpired);
    app.session.resume(user);
    QVERIFY(resumed.wait(20000));
    QCOMPARE(resumed.first().first().value<ApiError>().kind, ApiError::SessionExpired);
    QCOMPARE(expired.size(), 1);
    QCOMPARE(app.session.username(), user);
    // The dead token is gone, so the next start does not try it again.
    KINI_TRY_COMPARE_SECRET(lookUpOutsideTheApp(config.sessionKey(user)), QByteArray(), 20000);
}

QTEST_GUILESS_MAIN(tst_Keychain)
#include "tst_keychain.moc"
