#include "SimpleJwtServer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QtDebug>

namespace {

// The line serve.py prints on stdout once its socket listens.
const QByteArray listeningMarker = QByteArrayLiteral("KINI-SERVER-LISTENING ");

// Debian's interpreter has Django and SimpleJWT; the first python3 on PATH may not.
QString pythonProgram()
{
    const QString fromEnvironment = qEnvironmentVariable("KINI_PYTHON");
    return fromEnvironment.isEmpty() ? QStringLiteral("/usr/bin/python3") : fromEnvironment;
}

QString serverScript()
{
    QString dir = qEnvironmentVariable("KINI_SERVER_DIR");
#ifdef KINI_SOURCE_SERVER_DIR
    if (dir.isEmpty())
        dir = QStringLiteral(KINI_SOURCE_SERVER_DIR);
#endif
    return dir.isEmpty() ? QString() : QDir(dir).filePath(QStringLiteral("serve.py"));
}

// The end of the server's log: enough to see a traceback, short enough for a test failure.
QString logTail(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    constexpr qint64 maxBytes = 8000;
    if (file.size() > maxBytes)
        file.seek(file.size() - maxBytes);
    return QString::fromUtf8(file.readAll());
}

QProcessEnvironment serverEnvironment(const SimpleJwtServer::Options &options,
                                      const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KINI_ACCESS_SECONDS"), QString::number(options.accessSeconds));
    env.insert(QStringLiteral("KINI_REFRESH_SECONDS"), QString::number(options.refreshSeconds));
    env.insert(QStringLiteral("KINI_ROTATE"),
               options.rotate ? QStringLiteral("1") : QStringLiteral("0"));
    env.insert(QStringLiteral("KINI_USER"), options.username);
    env.insert(QStringLiteral("KINI_PASSWORD"), options.password);
    env.insert(QStringLiteral("KINI_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    // No __pycache__ folders in the source tree.
    env.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    return env;
}

} // namespace

SimpleJwtServer::SimpleJwtServer(QObject *parent)
    : QObject(parent)
{
    // A server that dies while a test talks to it shows up as connection errors: say why.
    connect(&m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus exitStatus) {
                if (m_port == 0)
                    return; // during start() or stop(): reported there
                qWarning().noquote()
                        << "SimpleJwtServer: the server on port" << m_port
                        << "exited unexpectedly, code" << exitCode
                        << (exitStatus == QProcess::CrashExit ? "(crashed)" : "") << "\n"
                        << logTail(m_dataDir.filePath(QStringLiteral("server.log")));
                m_port = 0;
            });
}

SimpleJwtServer::~SimpleJwtServer()
{
    stop();
}

bool SimpleJwtServer::start(const Options &options, int timeoutMs)
{
    stop();
    m_options = options;
    m_error.clear();

    if (!m_dataDir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary data folder: %1")
                          .arg(m_dataDir.errorString());
        return false;
    }
    const QString script = serverScript();
    if (script.isEmpty() || !QFileInfo::exists(script)) {
        m_error = QStringLiteral("serve.py not found (set KINI_SERVER_DIR): '%1'").arg(script);
        return false;
    }

    // The server logs every request on stderr: a file never fills up the way an unread pipe
    // would, and it is only read back when something goes wrong.
    const QString logPath = m_dataDir.filePath(QStringLiteral("server.log"));
    m_process.setProcessEnvironment(serverEnvironment(options, m_dataDir.path()));
    m_process.setStandardErrorFile(logPath, QIODevice::Append);
    m_process.setReadChannel(QProcess::StandardOutput);
    // stdin stays an open pipe: if this process dies without stop(), the server sees it close
    // and exits rather than outliving the test.
    m_process.start(pythonProgram(),
                    {script, QStringLiteral("--port"), QStringLiteral("0"),
                     QStringLiteral("--exit-on-stdin-eof")});

    const QDeadlineTimer deadline(timeoutMs);
    QByteArray otherOutput;
    quint16 port = 0;
    while (port == 0) {
        if (m_process.canReadLine()) {
            const QByteArray line = m_process.readLine().trimmed();
            if (line.startsWith(listeningMarker)) {
                bool ok = false;
                port = line.mid(listeningMarker.size()).toUShort(&ok);
                if (!ok)
                    port = 0;
            }
            if (port == 0)
                otherOutput += line + '\n';
            continue;
        }
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            break;
        // Returns at once when the process exits, so this never waits past the deadline.
        m_process.waitForReadyRead(
                deadline.isForever() ? -1 : int(qMax<qint64>(1, deadline.remainingTime())));
    }

    if (port == 0) {
        QString reason;
        if (m_process.state() != QProcess::NotRunning)
            reason = QStringLiteral("the server did not listen within %1 ms").arg(timeoutMs);
        else if (m_process.error() == QProcess::FailedToStart)
            reason = QStringLiteral("%1 did not start: %2")
                             .arg(pythonProgram(), m_process.errorString());
        else
            reason = QStringLiteral("the server exited with code %1 before listening")
                             .arg(m_process.exitCode());
        stop();
        m_error = reason + QLatin1Char('\n') + QString::fromUtf8(otherOutput) + logTail(logPath);
        return false;
    }
    m_port = port;
    return true;
}

void SimpleJwtServer::stop()
{
    m_port = 0;
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate(); // serve.py exits cleanly on SIGTERM
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QUrl SimpleJwtServer::baseUrl() const
{
    if (m_port == 0)
        return QUrl();
    return QUrl(QStringLiteral("http://127.0.0.1:%1/api/").arg(m_port));
}

bool SimpleJwtServer::manage(const QString &command, const QStringList &args, int timeoutMs)
{
    m_error.clear();
    const QString script = serverScript();
    if (script.isEmpty() || !QFileInfo::exists(script)) {
        m_error = QStringLiteral("serve.py not found (set KINI_SERVER_DIR): '%1'").arg(script);
        return false;
    }

    QProcess process;
    process.setProcessEnvironment(serverEnvironment(m_options, m_dataDir.path()));
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(pythonProgram(), QStringList {script, QStringLiteral("manage"), command} + args);
    if (!process.waitForFinished(timeoutMs)) {
        const QString reason = process.error() == QProcess::FailedToStart
                ? process.errorString()
                : QStringLiteral("no answer within %1 ms").arg(timeoutMs);
        process.kill();
        process.waitForFinished(5000);
        m_error = QStringLiteral("manage %1 failed: %2\n%3")
                          .arg(command, reason, QString::fromUtf8(process.readAll()));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("manage %1 failed with exit code %2\n%3")
                          .arg(command)
                          .arg(process.exitCode())
                          .arg(QString::fromUtf8(process.readAll()));
        return false;
    }
    return true;
}
