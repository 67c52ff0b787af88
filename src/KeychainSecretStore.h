#pragma once

#include "SecretStore.h"

#include <QPointer>
#include <QQueue>

#include <functional>
#include <memory>

class QTimer;

namespace Kini {

// The OS keychain through QtKeychain (Secret Service on Linux). No insecure fallback: when the
// keychain cannot be used the operation fails and says why; nothing is written to a file.
//
// QtKeychain's jobs run on one worker thread shared by every store of the process (QtKeychain
// queues its jobs in a singleton bound to the thread of the first job). Loading libsecret, the
// D-Bus round trips and the Secret Service key exchange thus never hold up the UI thread, and a
// resume at start-up reads the keychain while the window is being built. The queue, the
// watchdog and the callbacks stay on the store's own thread.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(const QString &service, QObject *parent = nullptr);
    ~KeychainSecretStore() override;

    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QByteArray &secret, QObject *context,
               Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;
    // After a write the keychain refused (locked, the unlock prompt dismissed), later writes of
    // this run are answered Denied at once instead of bringing up one prompt per token
    // rotation; askAgain() lifts that.
    void askAgain() override;
    // How long an operation may take before it fails with Timeout (default 30 s; for tests).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

private:
    enum class Op { Read = 0, Write = 1, Remove = 2 }; // the worker thread gets them as int
    struct Pending
    {
        Op op;
        QString key;
        QByteArray secret;
        QPointer<QObject> context;
        Callback done;
        bool hasContext;
    };
    struct Link;
    void enqueue(Pending pending);
    void startNext();
    void finish(quint64 operation, const StoreResult &result);
    // Starts a QtKeychain job on the worker thread; its answer goes to finish(operation), or
    // nowhere for operation 0 (a store being destroyed hands its last writes over that way).
    void runOnWorker(int op, const QString &key, const QByteArray &secret, quint64 operation);

    QString m_service;
    QQueue<Pending> m_queue;
    bool m_busy = false;
    int m_timeoutMs;
    QString m_refusal; // why the keychain refused a write in this run; empty: not refused
    quint64 m_lastOperation = 0;
    quint64 m_inFlight = 0; // the operation the worker runs (0: none); other answers are dropped
    QTimer *m_watchdog = nullptr;
    std::shared_ptr<Link> m_link; // lets the worker thread reach this store while it lives
};

} // namespace Kini
