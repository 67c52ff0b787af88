#include "ProcessBench.h"

#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "SimpleJwtServer.h"
#include "TokenSession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QThread>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

const QByteArray kShownLine = "KINI-SHOWN";
constexpr int kShownTimeoutMs = 30000;
constexpr int kIntervals = 6; // the idle time is measured in this many equal slices

// One thread's on-CPU time and its voluntary context switches (each sleep ends in a wake-up).
struct ThreadTimes
{
    double cpuMs = 0;
    qint64 wakeUps = 0;
};
using ProcessTimes = QHash<QString, ThreadTimes>; // by thread id

// Per thread of /proc/<pid>/task: schedstat's on-CPU nanoseconds (exact, unlike the 10 ms ticks
// of /proc/<pid>/stat) and the voluntary context switches.
ProcessTimes readTimes(pid_t pid)
{
    ProcessTimes times;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    const QStringList ids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &id : ids) {
        ThreadTimes &thread = times[id];
        QFile schedstat(tasks.filePath(id + QStringLiteral("/schedstat")));
        if (schedstat.open(QIODevice::ReadOnly))
            thread.cpuMs = schedstat.readAll().split(' ').value(0).toLongLong() / 1e6;
        QFile status(tasks.filePath(id + QStringLiteral("/status")));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> lines = status.readAll().split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("voluntary_ctxt_switches:"))
                thread.wakeUps = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
        }
    }
    return times;
}

// What the process did between two readings: a thread that started meanwhile counts from zero,
// one that ended is left out (its last figures are gone with it).
ThreadTimes difference(const ProcessTimes &before, const ProcessTimes &after)
{
    ThreadTimes sum;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const ThreadTimes start = before.value(it.key());
        sum.cpuMs += it->cpuMs - start.cpuMs;
        sum.wakeUps += it->wakeUps - start.wakeUps;
    }
    return sum;
}

// Everything a process did since it started.
ThreadTimes total(const ProcessTimes &times)
{
    return difference({}, times);
}

// The peak resident memory (VmHWM) of a live process in MiB, -1 if unreadable. Read from /proc
// rather than wait4()'s ru_maxrss: on Linux that also counts the benchmark's own memory, which
// the child shared between the spawn and its exec.
double peakResidentMiB(pid_t pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() / 1024.0;
    }
    return -1;
}

QString kiniExplorer()
{
    return QStringLiteral(KINI_EXPLORER_PATH);
}

QString emptyWindow()
{
    return QStringLiteral(KINI_EMPTY_WINDOW_PATH);
}

} // namespace

ProcessBench::ProcessBench() = default;

ProcessBench::Child ProcessBench::launch(const QString &program, const QStringList &arguments,
                                         const char *mode)
{
    Child child;
    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0)
        return child;

    std::vector<QByteArray> argStorage {program.toLocal8Bit()};
    for (const QString &argument : arguments)
        argStorage.push_back(argument.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &arg : argStorage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    std::vector<QByteArray> envStorage;
    for (char **entry = environ; *entry; ++entry) {
        if (!QByteArray(*entry).startsWith("KINI_BENCH_WHEN_SHOWN="))
            envStorage.emplace_back(*entry);
    }
    envStorage.push_back(QByteArray("KINI_BENCH_WHEN_SHOWN=") + mode);
    std::vector<char *> envp;
    for (QByteArray &entry : envStorage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    const QByteArray logPath
            = m_logs.filePath(QFileInfo(program).fileName() + QStringLiteral(".log")).toLocal8Bit();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, logPath.constData(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    QElapsedTimer timer;
    timer.start();
    const int spawned
            = posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(pipeFds[1]);
    if (spawned != 0) {
        close(pipeFds[0]);
        child.pid = -1;
        return child;
    }
    child.output = pipeFds[0];

    QByteArray seen;
    while (!seen.contains(kShownLine)) {
        const qint64 left = kShownTimeoutMs - timer.elapsed();
        pollfd polled {child.output, POLLIN, 0};
        if (left <= 0 || poll(&polled, 1, int(left)) <= 0)
            break;
        char buffer[256];
        const ssize_t n = read(child.output, buffer, sizeof buffer);
        if (n <= 0)
            break;
        seen.append(buffer, n);
        if (seen.contains(kShownLine))
            child.shownMs = timer.nsecsElapsed() / 1e6;
    }
    if (child.shownMs < 0) {
        progress(QStringLiteral("%1 did not show its window within %2 s (log: %3)")
                         .arg(program)
                         .arg(kShownTimeoutMs / 1000)
                         .arg(QString::fromLocal8Bit(logPath)));
    }
    return child;
}

void ProcessBench::terminate(Child &child)
{
    if (child.pid <= 0)
        return;
    kill(child.pid, SIGTERM);
    int status = 0;
    QElapsedTimer timer;
    timer.start();
    while (waitpid(child.pid, &status, WNOHANG) == 0) {
        if (timer.elapsed() > 5000) {
            kill(child.pid, SIGKILL);
            waitpid(child.pid, &status, 0);
            break;
        }
        QThread::msleep(5);
    }
    if (child.output >= 0)
        close(child.output);
    child.pid = -1;
    child.output = -1;
}

bool ProcessBench::saveSession(const QString &server)
{
    // The app's own keychain service name and session key, so that its start-up finds this.
    Kini::Interceptor network;
    Kini::KeychainSecretStore store(QStringLiteral("Kini Explorer"));
    Kini::TokenSession session(&network, &store);
    network.setSession(&session);
    Kini::ServerConfig config;
    config.baseUrl = Kini::ServerConfig::normalizeBaseUrl(server);
    session.setConfig(config);

    Waiter signedIn;
    bool ok = false;
    QObject::connect(&session, &Kini::TokenSession::signInFinished, &session,
                     [&](const Kini::ApiError &error) {
                         ok = !error.isError();
                         signedIn.done();
                     });
    session.signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), true);
    if (!signedIn.wait(30000) || !ok)
        return false;

    // Store operations run in order: once this read answers, the write has landed.
    Waiter readBack;
    Kini::StoreResult stored;
    store.read(config.sessionKey(QStringLiteral("demo")), &session,
               [&](const Kini::StoreResult &result) {
                   stored = result;
                   readBack.done();
               });
    return readBack.wait(30000) && stored.ok() && stored.secret == session.refreshToken().raw();
}

QList<BenchRow> ProcessBench::startUp(const QString &server, int runs)
{
    progress(QStringLiteral("row 4: %1 start-ups per side").arg(runs));
    const QStringList appArguments {QStringLiteral("--server"), server, QStringLiteral("--user"),
                                    QStringLiteral("demo")};
    Sample appMs;
    Sample appMiB;
    Sample appCpuMs;
    Sample refMs;
    Sample refMiB;
    Sample refCpuMs;
    Sample labelMs;
    Sample labelMiB;
    bool failed = false;
    // One unmeasured start of each first: the page cache then holds every program's libraries.
    for (int run = -1; run < runs && !failed; ++run) {
        // The order rotates, so that none of the three always follows the same one.
        for (int step = 0; step < 3; ++step) {
            const int side = (run + 1 + step) % 3; // 0: the app, 1: empty window, 2: with a label
            // Kept running after its line, so that its peak memory can be read; then ended.
            Child child = side == 0 ? launch(kiniExplorer(), appArguments, "print")
                    : side == 1     ? launch(emptyWindow(), {}, "print")
                                    : launch(emptyWindow(), {QStringLiteral("--label")}, "print");
            const double mib = child.shownMs >= 0 ? peakResidentMiB(child.pid) : -1;
            const double cpuMs = total(readTimes(child.pid)).cpuMs;
            terminate(child);
            if (mib < 0) {
                failed = true;
                break;
            }
            if (run < 0)
                continue;
            (side == 0 ? appMs : side == 1 ? refMs : labelMs).add(child.shownMs);
            (side == 0 ? appMiB : side == 1 ? refMiB : labelMiB).add(mib);
            if (side < 2)
                (side == 0 ? appCpuMs : refCpuMs).add(cpuMs);
        }
    }

    BenchRow time;
    time.id = QStringLiteral("4a");
    time.what = QStringLiteral("start-up: process start to explorer window painted, session "
                               "resumed (keychain read + refresh on the SimpleJWT server) vs "
                               "empty QMainWindow painted");
    time.kini = appMs.describe(QStringLiteral("ms"));
    time.reference = refMs.describe(QStringLiteral("ms"));
    time.ratio = appMs.median() / refMs.median();
    time.target = QStringLiteral("≤ 1.5");
    time.met = !failed && time.ratio <= 1.5;
    time.note = QStringLiteral("CPU time (all threads) until painted: Kini Explorer %1, "
                               "empty window %2; the rest of the wall time waits for the "
                               "keychain daemon and the server")
                        .arg(appCpuMs.describe(QStringLiteral("ms")),
                             refCpuMs.describe(QStringLiteral("ms")));

    BenchRow memory;
    memory.id = QStringLiteral("4b");
    memory.what = QStringLiteral("peak resident memory when painted (VmHWM)");
    memory.kini = appMiB.describe(QStringLiteral("MiB"));
    memory.reference = refMiB.describe(QStringLiteral("MiB"));
    memory.ratio = appMiB.median() / refMiB.median();
    memory.target = QStringLiteral("≤ 1.5");
    memory.met = !failed && memory.ratio <= 1.5;
    memory.note = QStringLiteral("Kini Explorer's peak resident memory at start-up: %1 MiB "
                                 "(absolute)")
                          .arg(appMiB.median(), 0, 'f', 1);
    if (failed)
        memory.note += QStringLiteral("; a start-up failed (see stderr)");

    // Not a target: the same empty window with one QLabel, i.e. Qt's own price of text.
    BenchRow text;
    text.id = QStringLiteral("4c");
    text.what = QStringLiteral("for comparison: start-up and peak memory of the empty window "
                               "with one QLabel (fontconfig + a font), vs Kini Explorer");
    text.kini = QStringLiteral("%1 ms, %2 MiB")
                        .arg(appMs.median(), 0, 'f', 1)
                        .arg(appMiB.median(), 0, 'f', 1);
    text.reference = QStringLiteral("%1; %2").arg(labelMs.describe(QStringLiteral("ms")),
                                                  labelMiB.describe(QStringLiteral("MiB")));
    text.ratio = appMs.median() / labelMs.median();
    text.target = QStringLiteral("(information)");
    text.met = !failed;
    return {time, memory, text};
}

QList<BenchRow> ProcessBench::idle(const QString &server, int seconds)
{
    progress(QStringLiteral("row 6: both windows idle for %1 s").arg(seconds));
    Child app = launch(
            kiniExplorer(),
            {QStringLiteral("--server"), server, QStringLiteral("--user"), QStringLiteral("demo")},
            "print");
    Child reference = launch(emptyWindow(), {}, "print");
    const bool started = app.shownMs >= 0 && reference.shownMs >= 0;
    // Let the start-up's late work (keychain, deferred deletes) settle before measuring.
    QThread::msleep(2000);

    Sample appCpu;
    Sample appWakeUps;
    Sample refCpu;
    Sample refWakeUps;
    const int sliceMs = seconds * 1000 / kIntervals;
    for (int slice = 0; slice < kIntervals && started; ++slice) {
        const ProcessTimes appBefore = readTimes(app.pid);
        const ProcessTimes refBefore = readTimes(reference.pid);
        QElapsedTimer timer;
        timer.start();
        QThread::msleep(sliceMs);
        const ThreadTimes appDelta = difference(appBefore, readTimes(app.pid));
        const ThreadTimes refDelta = difference(refBefore, readTimes(reference.pid));
        const double wallMs = timer.nsecsElapsed() / 1e6;
        appCpu.add(100 * appDelta.cpuMs / wallMs);
        refCpu.add(100 * refDelta.cpuMs / wallMs);
        appWakeUps.add(1000 * appDelta.wakeUps / wallMs);
        refWakeUps.add(1000 * refDelta.wakeUps / wallMs);
    }
    terminate(app);
    terminate(reference);

    BenchRow cpu;
    cpu.id = QStringLiteral("6a");
    cpu.what = QStringLiteral("idle %1 s, window open, countdowns ticking: CPU time as % of "
                              "wall time (%2 slices of %3 s)")
                       .arg(seconds)
                       .arg(kIntervals)
                       .arg(sliceMs / 1000.0);
    cpu.kini = appCpu.describe(QStringLiteral("%"), 3);
    cpu.reference = refCpu.describe(QStringLiteral("%"), 3);
    cpu.target = QStringLiteral("≤ 0.5 %");
    cpu.met = started && !appCpu.isEmpty() && appCpu.max() <= 0.5;
    if (!started)
        cpu.note = QStringLiteral("a window did not come up (see stderr)");

    BenchRow wakeUps;
    wakeUps.id = QStringLiteral("6b");
    wakeUps.what = QStringLiteral("idle: wake-ups per second (voluntary context switches, all "
                                  "threads)");
    wakeUps.kini = appWakeUps.describe(QStringLiteral("/s"), 2);
    wakeUps.reference = refWakeUps.describe(QStringLiteral("/s"), 2);
    wakeUps.target = QStringLiteral("reported");
    wakeUps.met = started && !appWakeUps.isEmpty();
    return {cpu, wakeUps};
}

QString ProcessBench::setUp(SimpleJwtServer *server)
{
    if (!m_logs.isValid()) {
        progress(QStringLiteral("no temporary folder for the children's logs"));
        return {};
    }
    progress(QStringLiteral("rows 4/6: starting the SimpleJWT server"));
    SimpleJwtServer::Options options;
    // SimpleJWT's default: no rotation. A rotated token is saved after the window is shown, and
    // a start-up that quits right then could leave the keychain with a blacklisted one.
    options.rotate = false;
    if (!server->start(options)) {
        progress(QStringLiteral("the SimpleJWT server did not start: %1")
                         .arg(server->errorString()));
        return {};
    }
    const QString url = server->baseUrl().toString();
    if (!saveSession(url)) {
        progress(QStringLiteral("could not sign in and save the session in the keychain"));
        return {};
    }
    return url;
}

int ProcessBench::runWithSession(const QString &command)
{
    SimpleJwtServer server;
    const QString url = setUp(&server);
    if (url.isEmpty())
        return 1;
    qputenv("KINI_BENCH_SERVER", url.toLocal8Bit());
    return std::system(command.toLocal8Bit().constData());
}

QList<BenchRow> ProcessBench::run(int startRuns, int idleSeconds)
{
    SimpleJwtServer server;
    const QString url = setUp(&server);
    if (url.isEmpty())
        return {};

    QList<BenchRow> rows;
    if (startRuns > 0)
        rows += startUp(url, startRuns);
    if (idleSeconds > 0)
        rows += idle(url, idleSeconds);
    return rows;
}
