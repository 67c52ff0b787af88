// C09: no keychain at all (no D-Bus session bus). The real QtKeychain backend, unreachable.
#include "FakeJwtApi.h"
#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "TokenSession.h"

#include <QDateTime>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Kini;

class tst_KeychainUnavailable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missingKeychainIsReportedNotEmpty();
    void signInWorksAndWarnsWhenKeychainIsMissing();
    void unreadableKeychainIsNotAnEmptyOne();
};

void tst_KeychainUnavailable::missingKeychainIsReportedNotEmpty()
{
    KeychainSecretStore store(QStringLiteral("Kini Explorer Test"));
    StoreResult result;
    bool done = false;
    store.read(QStringLiteral("anything"), this, [&](const StoreResult &r) {
        result = r;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 35000);
    QVERIFY2(result.status == StoreResult::Unavailable, qPrintable(result.message));
    QVERIFY(!result.message.isEmpty());
}

void tst_KeychainUnavailable::signInWorksAndWarnsWhenKeychainIsMissing()
{
    ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    FakeJwtApi api(&clock);
    QVERIFY(api.start());
    Interceptor net;
    KeychainSecretStore store(QStringLiteral("Kini Explorer Test"));
    TokenSession session(&net, &store, &clock);
    session.setConfig(api.config());
    net.setSession(&session);
    QSignalSpy finished(&session, &TokenSession::signInFinished);
    QSignalSpy warning(&session, &TokenSession::storageWarning);

    session.signIn(api.username, api.password, true);
    QVERIFY(finished.wait(10000));
    QVERIFY(!finished.first().first().value<ApiError>().isError());
    QCOMPARE(session.state(), TokenSession::State::Active);
    QVERIFY(warning.wait(35000));
    const QString message = warning.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("keychain")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("next start")), qPrintable(message));
    QCOMPARE(session.state(), TokenSession::State::Active); // still signed in

    // No plaintext fallback: nothing with the token landed in the app's folders.
    const QByteArray refresh = session.refreshToken().raw();
    for (auto location : {QStandardPaths::AppConfigLocation, QStandardPaths::AppDataLocation,
                          QStandardPaths::CacheLocation, QStandardPaths::GenericConfigLocation}) {
        const QString dir = QStandardPaths::writableLocation(location);
        QDir root(dir);
        const auto files = root.entryInfoList(QDir::Files | QDir::NoDotAndDotDot);
        for (const QFileInfo &info : files) {
            QFile file(info.filePath());
            if (info.size() < 10 * 1024 * 1024 && file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains(refresh), qPrintable(info.filePath()));
        }
    }
}

void tst_KeychainUnavailable::unreadableKeychainIsNotAnEmptyOne()
{
    Interceptor net;
    KeychainSecretStore store(QStringLiteral("Kini Explorer Test"));
    TokenSession session(&net, &store);
    ServerConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/api/"));
    session.setConfig(config);
    QSignalSpy resumed(&session, &TokenSession::resumeFinished);

    session.resume(QStringLiteral("demo"));
    QVERIFY(resumed.wait(35000));
    const ApiError error = resumed.first().first().value<ApiError>();
    QCOMPARE(error.kind, ApiError::Storage);
    QVERIFY(error.message.contains(QLatin1String("left in place")));
}

int main(int argc, char **argv)
{
    // No session bus: what a machine without a desktop session or keyring daemon gives.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/kini-test-bus");
    qunsetenv("DISPLAY"); // no X11 autolaunch of a bus either
    QCoreApplication app(argc, argv);
    tst_KeychainUnavailable test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keychainunavailable.moc"
