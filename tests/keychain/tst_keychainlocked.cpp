// C09 with a real but locked keyring (gnome-keyring in a private D-Bus session, its login
// collection locked, no display for an unlock prompt): the keychain says no, and the app neither
// takes that for "no saved session" nor stops the user from working.
#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "StoreRun.h"
#include "TokenSession.h"

#include <QDateTime>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Kini;

namespace {

const QString kService = QStringLiteral("Kini Explorer Test");

} // namespace

class tst_KeychainLocked : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lockedReadIsNotNoSession();
    void resumeKeepsTheSavedSession();
    void signInWorksAndWarns();
    void refusedWriteIsNotAskedAgain();
};

void tst_KeychainLocked::initTestCase()
{
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through scripts/with-keyring.sh");
    qunsetenv("DISPLAY"); // no unlock prompt can appear
    KeychainSecretStore store(kService);
    QVERIFY(runStoreOperation([&](auto cb) {
                store.write(QStringLiteral("saved demo"), "r.r.r", this, cb);
            }).ok());

    QProcess lock;
    lock.start(QStringLiteral("dbus-send"),
               {QStringLiteral("--session"), QStringLiteral("--dest=org.freedesktop.secrets"),
                QStringLiteral("--type=method_call"), QStringLiteral("--print-reply"),
                QStringLiteral("/org/freedesktop/secrets"),
                QStringLiteral("org.freedesktop.Secret.Service.Lock"),
                QStringLiteral("array:objpath:/org/freedesktop/secrets/collection/login")});
    QVERIFY(lock.waitForFinished(20000));
    QCOMPARE(lock.exitCode(), 0);
}

void tst_KeychainLocked::lockedReadIsNotNoSession()
{
    KeychainSecretStore store(kService);
    const StoreResult result = runStoreOperation(
            [&](auto cb) { store.read(QStringLiteral("saved demo"), this, cb); });
    QVERIFY2(result.status != StoreResult::Ok && result.status != StoreResult::NotFound,
             qPrintable(result.message));
    QVERIFY(!result.message.isEmpty());
}

void tst_KeychainLocked::resumeKeepsTheSavedSession()
{
    Interceptor net;
    KeychainSecretStore store(kService);
    TokenSession session(&net, &store);
    ServerConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/api/"));
    session.setConfig(config);
    QSignalSpy resumed(&session, &TokenSession::resumeFinished);

    session.resume(QStringLiteral("demo"));
    QVERIFY(resumed.wait(40000));
    const ApiError error = resumed.first().first().value<ApiError>();
    QCOMPARE(error.kind, ApiError::Storage);
    QVERIFY2(error.message.contains(QLatin1String("left in place")), qPrintable(error.message));
    QCOMPARE(session.state(), TokenSession::State::SignedOut);
}

void tst_KeychainLocked::signInWorksAndWarns()
{
    ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    FakeJwtApi api(&clock);
    QVERIFY(api.start());
    Interceptor net;
    KeychainSecretStore store(kService);
    TokenSession session(&net, &store, &clock);
    session.setConfig(api.config());
    net.setSession(&session);
    QSignalSpy finished(&session, &TokenSession::signInFinished);
    QSignalSpy warning(&session, &TokenSession::storageWarning);

    session.signIn(api.username, api.password, true);
    QVERIFY(finished.wait(10000));
    QVERIFY(!finished.first().first().value<ApiError>().isError());
    QVERIFY(warning.wait(40000));
    QVERIFY2(warning.first().first().toString().contains(QLatin1String("next start")),
             qPrintable(warning.first().first().toString()));
    QCOMPARE(session.state(), TokenSession::State::Active);
}

QTEST_GUILESS_MAIN(tst_KeychainLocked)
// On a desktop every write to a locked keychain brings up an unlock prompt; once one was
// refused, the later writes of the run (a token rotation every few minutes) are answered at once
// instead, until the user asks to try again.
void tst_KeychainLocked::refusedWriteIsNotAskedAgain()
{
    KeychainSecretStore store(kService);
    const auto write = [&] {
        return runStoreOperation(
                [&](auto cb) { store.write(QStringLiteral("refusal check"), "r.r.r", this, cb); });
    };
    const StoreResult first = write();
    QCOMPARE(first.status, StoreResult::Denied);
    QVERIFY2(!first.message.contains(QStringLiteral("does not ask again")),
             qPrintable(first.message));

    const StoreResult second = write();
    QCOMPARE(second.status, StoreResult::Denied);
    QVERIFY2(second.message.contains(QStringLiteral("does not ask again until you choose Try "
                                                    "again")),
             qPrintable(second.message));

    store.askAgain();
    const StoreResult third = write();
    QCOMPARE(third.status, StoreResult::Denied);
    QVERIFY2(!third.message.contains(QStringLiteral("does not ask again")),
             qPrintable(third.message));
}

#include "tst_keychainlocked.moc"
