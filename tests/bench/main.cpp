// kini-bench: Kini Explorer beside what Qt alone does, measured in the same run (see the
// "Benchmarks" section of README.md). Prints one Markdown table on stdout, progress on stderr.
//
//   build/tests/bench/kini-bench [--rows 1,2,3,4,5,6] [--runs N] [--idle-seconds S]
//
// Rows 4 and 6 read the keychain, so the program runs itself inside scripts/with-keyring.sh
// (a throwaway D-Bus session and gnome-keyring) unless it already is inside one.
#include "BenchServer.h"
#include "BenchSupport.h"
#include "NetworkBench.h"
#include "ProcessBench.h"
#include "ResponseBench.h"
#include "TestTokens.h"

#include "Interceptor.h"
#include "SecretStore.h"
#include "TokenSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSysInfo>
#include <QThread>

#include <unistd.h>

namespace {

// Re-executes this program under with-keyring.sh; returns only if that failed.
void reexecWithKeyring(int argc, char *argv[])
{
    const QByteArray script = KINI_SCRIPTS_DIR "/with-keyring.sh";
    std::vector<char *> args {const_cast<char *>("bash"), const_cast<char *>(script.constData())};
    for (int i = 0; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    execvp("bash", args.data());
    progress(QStringLiteral("could not run %1; rows 4 and 6 will fail")
                     .arg(QString::fromLocal8Bit(script)));
}

// Signs the session in on the bench server; false on failure.
bool signIn(Kini::TokenSession *session)
{
    Waiter waiter;
    bool ok = false;
    QObject::connect(session, &Kini::TokenSession::signInFinished, session,
                     [&](const Kini::ApiError &error) {
                         ok = !error.isError();
                         waiter.done();
                     });
    session->signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), false);
    return waiter.wait(10000) && ok;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariable("KINI_THROWAWAY_KEYRING") != QLatin1String("1"))
        reexecWithKeyring(argc, argv);
    // Every widget of rows 4-6 renders offscreen: no display needed, and the same for both sides.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // Debug logging is opt-in (README, "Logging categories"); the children inherit this too.
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
        qputenv("QT_LOGGING_RULES", "kini.*.debug=false");
    QApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Kini Explorer against Qt-only references, in one table."));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"),
                                        QStringLiteral("Rows to run (default 1,2,3,4,5,6)."),
                                        QStringLiteral("LIST"), QStringLiteral("1,2,3,4,5,6"));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Repetitions N (default 5): row 1 runs 4N "
                                                       "times per side, rows 2 and 3 3N, row 4 "
                                                       "N + 2, row 5 N; row 6 is six slices."),
                                        QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption idleOption(QStringLiteral("idle-seconds"),
                                        QStringLiteral("Length of the idle row (default 60)."),
                                        QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption profileOption(
            QStringLiteral("profile-side"),
            QStringLiteral("Only run row 1's \"kini\" or \"plain\" side, for a profiler."),
            QStringLiteral("SIDE"));
    const QCommandLineOption startupOption(
            QStringLiteral("with-session"),
            QStringLiteral("Set up row 4's server and saved session, then run CMD with /bin/sh "
                           "($KINI_BENCH_SERVER is the URL), for a profiler."),
            QStringLiteral("CMD"));
    parser.addOptions({rowsOption, runsOption, idleOption, profileOption, startupOption});
    parser.process(app);
    const QStringList rowsWanted = parser.value(rowsOption).split(QLatin1Char(','));
    const int runs = qMax(1, parser.value(runsOption).toInt());
    const int idleSeconds = qMax(10, parser.value(idleOption).toInt());
    auto wanted = [&rowsWanted](const char *row) {
        return rowsWanted.contains(QLatin1String(row));
    };

    if (parser.isSet(startupOption)) {
        ProcessBench bench;
        return bench.runWithSession(parser.value(startupOption));
    }

    QElapsedTimer total;
    total.start();
    QList<BenchRow> rows;

    if (wanted("1") || wanted("2") || wanted("3") || wanted("5")) {
        // Tokens valid for an hour by their exp: only the server's 401 makes one "expire".
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QList<QByteArray> access;
        for (int i = 0; i < 400; ++i)
            access.append(
                    TestTokens::simpleJwt("access", now, now + 3600, "a" + QByteArray::number(i)));
        BenchServer server;
        if (!server.start(access, TestTokens::simpleJwt("refresh", now, now + 86400, "r"))) {
            progress(QStringLiteral("the loopback server did not start"));
            return 1;
        }
        ProbeInterceptor interceptor;
        Kini::MemorySecretStore store;
        Kini::TokenSession session(&interceptor, &store);
        Kini::ServerConfig config;
        config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/api/").arg(server.port()));
        session.setConfig(config);
        interceptor.setSession(&session);
        if (!signIn(&session)) {
            progress(QStringLiteral("sign-in on the loopback server failed"));
            return 1;
        }

        if (parser.isSet(profileOption)) {
            NetworkBench bench(&server, &interceptor, &session);
            bench.profileSide(parser.value(profileOption), 2000);
            return 0;
        }
        if (wanted("1") || wanted("2") || wanted("3")) {
            NetworkBench bench(&server, &interceptor, &session);
            const QList<BenchRow> networkRows = bench.run(runs);
            for (const BenchRow &row : networkRows) {
                if (wanted(qPrintable(row.id)))
                    rows.append(row);
            }
        }
        if (wanted("5")) {
            ResponseBench bench(&server, &interceptor, &session);
            rows.append(bench.run(runs));
        }
    }

    if (wanted("4") || wanted("6")) {
        ProcessBench bench;
        rows.append(bench.run(wanted("4") ? runs + 2 : 0, wanted("6") ? idleSeconds : 0));
    }

    const QString heading
            = QStringLiteral("Kini Explorer benchmark, %1, Qt %2, %3 cores, QT_QPA_PLATFORM="
                             "offscreen, QT_LOGGING_RULES=\"%4\", %5 build; %6 s in all")
                      .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), qVersion())
                      .arg(QThread::idealThreadCount())
                      .arg(qEnvironmentVariable("QT_LOGGING_RULES"),
                           QStringLiteral(KINI_BUILD_TYPE))
                      .arg(total.elapsed() / 1000.0, 0, 'f', 0);
    printTable(rows, heading);
    return 0;
}
