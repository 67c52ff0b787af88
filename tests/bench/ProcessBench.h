#pragma once

#include "BenchSupport.h"

#include <QStringList>
#include <QTemporaryDir>

#include <sys/types.h>

// Rows 4 and 6: the real kini-explorer process, resuming a session saved in the keychain against
// the real SimpleJWT server (tests/server), beside kini-bench-emptywindow, a Qt Widgets program
// that shows an empty QMainWindow and nothing else. Both print a line once their window is first
// painted (KINI_BENCH_WHEN_SHOWN, see app/main.cpp).
class ProcessBench
{
public:
    ProcessBench();

    // startRuns: start-ups per side for row 4 (0: skip); idleSeconds: row 6 (0: skip).
    QList<BenchRow> run(int startRuns, int idleSeconds);
    // For a profiler: sets up the server and the saved session as for row 4, then runs
    // command with /bin/sh, $KINI_BENCH_SERVER holding the --server URL. Returns its exit code.
    int runWithSession(const QString &command);

private:
    struct Child
    {
        pid_t pid = -1;
        int output = -1; // read end of the child's stdout
        double shownMs = -1; // from spawn to its "shown" line
        double windowMs = -1; // kini-explorer only: to its window's first paint (KINI-WINDOW)
    };

    // Spawns a program with KINI_BENCH_WHEN_SHOWN=mode and waits for its "shown" line.
    Child launch(const QString &program, const QStringList &arguments, const char *mode);
    static void terminate(Child &child);
    bool saveSession(const QString &server);
    // Starts the server (rotation off) and saves a session for "demo"; the URL, empty on failure.
    QString setUp(class SimpleJwtServer *server);

    QList<BenchRow> startUp(const QString &server, int runs);
    QList<BenchRow> idle(const QString &server, int seconds);

    QTemporaryDir m_logs; // the children's stderr, for a look when something fails
};
