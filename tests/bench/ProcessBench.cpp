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
const QByteArray kWindowLine = "KINI-WINDOW";
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

QString sessionFloor()
{
    return QStringLiteral(KINI_SESSION_FLOOR_PATH);
}

// The app's own keychain service name, so that its start-up finds the saved session.
const QString kService = QStringLiteral("Kini Explorer");

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
        if (child.windowMs < 0 && seen.contains(kWindowLine))
            child.windowMs = timer.nsecsElapsed() / 1e6;
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
    // The app's own session key, so that its start-up finds this.
    Kini::Interceptor network;
    Kini::KeychainSecretStore store(kService);
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
    Kini::ServerConfig config;
    config.baseUrl = Kini::ServerConfig::normalizeBaseUrl(server);
    const QStringList floorArguments {kService, config.sessionKey(QStringLiteral("demo")),
                                      config.refreshUrl().toString()};

    // The sides, in the order of the table's rows.
    enum Side { App, Empty, Label, Floor, FloorWindow, SideCount };
    struct Program
    {
        QString path;
        QStringList arguments;
    };
    const Program programs[SideCount] = {
            {kiniExplorer(),
             {QStringLiteral("--server"), server, QStringLiteral("--user"),
              QStringLiteral("demo")}},
            {emptyWindow(), {}},
            {emptyWindow(), {QStringLiteral("--label")}},
            {sessionFloor(), floorArguments},
            {sessionFloor(), floorArguments + QStringList {QStringLiteral("--window")}},
    };
    Sample ms[SideCount];
    Sample appWindowMs; // the explorer on screen, its session perhaps not back yet
    Sample mib[SideCount];
    Sample cpuMs[SideCount];
    bool failed = false;
    // One unmeasured start of each first: the page cache then holds every program's libraries.
    for (int run = -1; run < runs && !failed; ++run) {
        // The order rotates, so that none always follows the same one.
        for (int step = 0; step < SideCount; ++step) {
            const int side = (run + 1 + step) % SideCount;
            // Kept running after its line, so that its peak memory can be read; then ended.
            Child child = launch(programs[side].path, programs[side].arguments, "print");
            const double peak = child.shownMs >= 0 ? peakResidentMiB(child.pid) : -1;
            const double cpu = total(readTimes(child.pid)).cpuMs;
            terminate(child);
            if (peak < 0) {
                failed = true;
                break;
            }
            if (run < 0)
                continue;
            ms[side].add(child.shownMs);
            if (side == App && child.windowMs >= 0)
                appWindowMs.add(child.windowMs);
            mib[side].add(peak);
            cpuMs[side].add(cpu);
        }
    }
    const auto ratioTo = [&](Side side, Side reference) {
        return ms[side].median() / ms[reference].median();
    };

    BenchRow time;
    time.id = QStringLiteral("4a");
    time.what = QStringLiteral("start-up: process start to explorer window painted, session "
                               "resumed (keychain read + refresh on the SimpleJWT server) vs "
                               "empty QMainWindow painted");
    time.kini = ms[App].describe(QStringLiteral("ms"));
    time.reference = ms[Empty].describe(QStringLiteral("ms"));
    time.ratio = ratioTo(App, Empty);
    time.target = QStringLiteral("≤ 1.5");
    time.met = !failed && time.ratio <= 1.5;
    time.note = QStringLiteral("the explorer is on screen (first paint, session still being "
                               "restored) after %1; CPU time (all threads) until painted with "
                               "the session: Kini Explorer %2, empty window %3; Kini Explorer "
                               "over the floor with a window (4e): %4")
                        .arg(appWindowMs.describe(QStringLiteral("ms")),
                             cpuMs[App].describe(QStringLiteral("ms")),
                             cpuMs[Empty].describe(QStringLiteral("ms")))
                        .arg(ratioTo(App, FloorWindow), 0, 'f', 2);

    BenchRow memory;
    memory.id = QStringLiteral("4b");
    memory.what = QStringLiteral("peak resident memory when painted (VmHWM)");
    memory.kini = mib[App].describe(QStringLiteral("MiB"));
    memory.reference = mib[Empty].describe(QStringLiteral("MiB"));
    memory.ratio = mib[App].median() / mib[Empty].median();
    memory.target = QStringLiteral("≤ 1.5");
    memory.met = !failed && memory.ratio <= 1.5;
    memory.note = QStringLiteral("Kini Explorer's peak resident memory at start-up: %1 MiB "
                                 "(absolute); over the floor with a window (4e): %2")
                          .arg(mib[App].median(), 0, 'f', 1)
                          .arg(mib[App].median() / mib[FloorWindow].median(), 0, 'f', 2);
    if (failed)
        memory.note += QStringLiteral("; a start-up failed (see stderr)");

    // Not targets: what Qt and the row's own work cost before any of Kini Explorer's code. Each
    // is put beside the empty window, so that its ratio reads against row 4's target.
    const auto information = [&](const QString &id, const QString &what, Side side) {
        BenchRow row;
        row.id = id;
        row.what = what;
        row.kini = QStringLiteral("%1; %2").arg(ms[side].describe(QStringLiteral("ms")),
                                                mib[side].describe(QStringLiteral("MiB")));
        row.reference = QStringLiteral("%1 ms, %2 MiB")
                                .arg(ms[Empty].median(), 0, 'f', 1)
                                .arg(mib[Empty].median(), 0, 'f', 1);
        row.ratio = ratioTo(side, Empty);
        row.target = QStringLiteral("(information)");
        row.met = !failed;
        row.note = QStringLiteral("peak memory %1 times the empty window's")
                           .arg(mib[side].median() / mib[Empty].median(), 0, 'f', 2);
        return row;
    };
    return {time, memory,
            information(QStringLiteral("4c"),
                        QStringLiteral("the empty window with one QLabel (fontconfig and a font: "
                                       "Qt's price of any text) vs the empty window"),
                        Label),
            information(QStringLiteral("4d"),
                        QStringLiteral("floor, no window: a QtKeychain read and a refresh with a "
                                       "plain QNetworkAccessManager, none of Kini Explorer's code "
                                       "(kini-bench-sessionfloor) vs the empty window"),
                        Floor),
            information(QStringLiteral("4e"),
                        QStringLiteral("floor with a window: 4d while the one-label window of "
                                       "4c is built and painted vs the empty window"),
                        FloorWindow)};
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
