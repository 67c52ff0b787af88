#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

// Starts the real Django REST framework SimpleJWT server of tests/server on 127.0.0.1 (a free
// port, sqlite in a temporary folder, a seeded user), for integration tests. Stops it on
// destruction.
class SimpleJwtServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int accessSeconds = 300;
        int refreshSeconds = 86400;
        bool rotate = true; // ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION
        QString username = QStringLiteral("demo");
        QString password = QStringLiteral("demo-password");
    };

    explicit SimpleJwtServer(QObject *parent = nullptr);
    ~SimpleJwtServer() override;

    // Blocks (with a bounded wait on the child's output, no sleeps) until the server answers or
    // timeoutMs passes. On failure, errorString() carries the server's output.
    bool start(const Options &options, int timeoutMs = 30000);
    void stop();

    QUrl baseUrl() const; // http://127.0.0.1:<port>/api/
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    Options options() const { return m_options; }

    // Runs a Django management action on the same database, e.g. deactivating the user:
    // manage("deactivate", {"demo"}). Blocking, bounded; true on exit code 0.
    bool manage(const QString &command, const QStringList &args, int timeoutMs = 30000);

private:
    QProcess m_process;
    QTemporaryDir m_dataDir;
    Options m_options;
    quint16 m_port = 0;
    QString m_error;
};
