// No token and no password in any log line: every category at debug level, Qt's own included,
// captured through a full sign-in, request, refresh, replay and sign-out against the real server.
#include "Interceptor.h"
#include "SecretStore.h"
#include "SimpleJwtServer.h"
#include "TokenSession.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Kini;

namespace {

QMutex g_mutex;
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_mutex);
        g_lines << QString::fromLatin1(context.category ? context.category : "") + QLatin1Char(' ')
                        + message;
    }
    Q_UNUSED(type);
}

bool finish(QNetworkReply *reply)
{
    if (reply->isFinished())
        return true;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(20000);
}

} // namespace

class tst_LogRedaction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullCycleLogsNoSecret();
};

void tst_LogRedaction::fullCycleLogsNoSecret()
{
    SimpleJwtServer server;
    SimpleJwtServer::Options options;
    options.accessSeconds = 2;
    options.password = QStringLiteral("Pa55-word-under-test");
    QVERIFY2(server.start(options), qPrintable(server.errorString()));

    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true"));
    g_previous = qInstallMessageHandler(capture);

    QByteArrayList secrets;
    {
        ManualClock clock(QDateTime::currentMSecsSinceEpoch());
        Interceptor net;
        MemorySecretStore store;
        TokenSession session(&net, &store, &clock);
        ServerConfig config;
        config.baseUrl = server.baseUrl();
        config.blacklistPath = QStringLiteral("token/blacklist/");
        session.setConfig(config);
        net.setSession(&session);
        auto collect = [&]() {
            for (const QByteArray &token :
                 {session.accessToken().raw(), session.refreshToken().raw()}) {
                if (!token.isEmpty() && !secrets.contains(token))
                    secrets << token;
            }
        };
        connect(&session, &TokenSession::tokensChanged, this, collect);

        QSignalSpy signedIn(&session, &TokenSession::signInFinished);
        session.signIn(options.username, options.password, true);
        QVERIFY(signedIn.wait(20000));
        QVERIFY(!signedIn.first().first().value<ApiError>().isError());

        std::unique_ptr<QNetworkReply> first(
                net.get(QNetworkRequest(config.resolve(QStringLiteral("me/")))));
        QVERIFY(finish(first.get()));

        // Expire the access token on the server, keep the client's clock still: 401, refresh,
        // replay.
        const qint64 exp = session.accessToken().expiry().msecs;
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > exp + 1000, 20000);
        std::unique_ptr<QNetworkReply> second(
                net.get(QNetworkRequest(config.resolve(QStringLiteral("items/")))));
        QVERIFY(finish(second.get()));
        QCOMPARE(second->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

        // A refresh on the clock, then sign-out with blacklisting.
        QSignalSpy refreshed(&session, &TokenSession::refreshFinished);
        QVERIFY(session.refresh());
        QVERIFY(refreshed.wait(20000));
        session.signOut();
    }

    qInstallMessageHandler(g_previous);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY(secrets.size() >= 5); // two at sign-in, two per refresh
    QMutexLocker lock(&g_mutex);
    QVERIFY2(g_lines.size() > 5, "the cycle should have logged something");
    for (const QString &line : std::as_const(g_lines)) {
        QVERIFY2(!line.contains(options.password), "a log line holds the password");
        for (const QByteArray &secret : std::as_const(secrets)) {
            // Any 16-character slice of a token counts as a leak, not just the whole token.
            const QString text = QString::fromLatin1(secret);
            for (qsizetype i = 0; i + 16 <= text.size(); i += 16)
                QVERIFY2(!line.contains(text.mid(i, 16)), "a log line holds part of a token");
        }
    }
}

int main(int argc, char **argv)
{
    // Rules from the environment would override the test's "everything at debug" rule.
    qunsetenv("QT_LOGGING_RULES");
    qunsetenv("QT_LOGGING_CONF");
    QCoreApplication app(argc, argv);
    tst_LogRedaction test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_logredaction.moc"
