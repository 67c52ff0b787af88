#include "KeychainSecretStore.h"

#include "KiniLog.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMutex>
#include <QThread>
#include <QTimer>
#include <QWaitCondition>

#include <qt6keychain/keychain.h>

namespace Kini {

namespace {

// A keychain that shows an invisible unlock prompt (no desktop session) would otherwise stall
// every later operation in the queue.
constexpr int kJobTimeoutMs = 30000;
// How long quitting waits for keychain writes still in progress.
constexpr int kDrainOnQuitMs = 5000;
const QString kProbeKey = QStringLiteral("Kini Explorer keychain check");

StoreResult resultOf(const QKeychain::Job *job)
{
    StoreResult result;
    const QString detail = job->errorString();
    switch (job->error()) {
    case QKeychain::NoError:
        result.status = StoreResult::Ok;
        return result;
    case QKeychain::EntryNotFound:
        result.status = StoreResult::NotFound;
        result.message = QObject::tr("No saved session in the keychain.");
        return result;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        result.status = StoreResult::Denied;
        result.message = QObject::tr("The keychain is locked or refused access (%1).").arg(detail);
        return result;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        result.status = StoreResult::Unavailable;
        result.message = QObject::tr("No keychain is available on this system (%1).").arg(detail);
        return result;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    // On Linux a missing D-Bus session, a missing Secret Service and a keyring without a login
    // collection all arrive as OtherError; tell them apart by what the backend said.
    const bool missing = detail.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
            || detail.contains(QLatin1String("DBus"), Qt::CaseInsensitive)
            || detail.contains(QLatin1String(".service files"))
            || detail.contains(QLatin1String("Could not connect"))
            || detail.contains(QLatin1String("Connection refused"))
            || detail.contains(QLatin1String("Object does not exist"))
            || detail.contains(QLatin1String("No such secret collection"));
    result.status = missing ? StoreResult::Unavailable : StoreResult::Failed;
    result.message = missing ? QObject::tr("No keychain service is reachable (%1).").arg(detail)
                             : QObject::tr("The keychain reported an error (%1).").arg(detail);
    return result;
}

// The thread every QtKeychain job of the process runs on, and an object living there to post
// work to. Started with the first store; stopped when the application object goes away.
struct KeychainThread
{
    QMutex mutex;
    QWaitCondition idle; // woken when the last job in progress finishes
    QThread *thread = nullptr;
    QObject *worker = nullptr;
    int jobsInProgress = 0; // handed to the worker and not finished yet
};

KeychainThread &keychainThread()
{
    static KeychainThread instance;
    return instance;
}

void stopKeychainThread()
{
    KeychainThread &shared = keychainThread();
    QMutexLocker lock(&shared.mutex);
    if (!shared.thread)
        return;
    // A token rotated just before quitting is still on its way to the keychain: losing it would
    // leave the old, already refused token saved, and the next start would ask for the password.
    // The worker's own event loop finishes the jobs; this thread only waits, for a bounded time.
    const QDeadlineTimer deadline(kDrainOnQuitMs);
    while (shared.jobsInProgress > 0) {
        if (!shared.idle.wait(&shared.mutex, deadline)) {
            qCWarning(lcKeychain) << shared.jobsInProgress
                                  << "keychain operation(s) did not finish before quitting";
            break;
        }
    }
    QThread *const thread = shared.thread;
    // Unlocked while the thread ends: a late answer it is still handling needs the lock.
    lock.unlock();
    thread->quit();
    // Jobs are asynchronous, so the loop ends at once unless a backend blocks in a call; then
    // the thread is left to the end of the process rather than destroyed while running.
    if (!thread->wait(QDeadlineTimer(3000))) {
        qCWarning(lcKeychain) << "the keychain thread did not stop; leaving it";
        return;
    }
    lock.relock();
    delete shared.worker;
    delete shared.thread;
    shared.worker = nullptr;
    shared.thread = nullptr;
}

QObject *keychainWorker()
{
    KeychainThread &shared = keychainThread();
    const QMutexLocker lock(&shared.mutex);
    if (!shared.worker) {
        shared.thread = new QThread;
        shared.thread->setObjectName(QStringLiteral("kini-keychain"));
        shared.worker = new QObject;
        shared.worker->moveToThread(shared.thread);
        shared.thread->start();
        if (QCoreApplication::instance())
            qAddPostRoutine(stopKeychainThread);
    }
    return shared.worker;
}

void jobStarted()
{
    KeychainThread &shared = keychainThread();
    const QMutexLocker lock(&shared.mutex);
    ++shared.jobsInProgress;
}

void jobEnded()
{
    KeychainThread &shared = keychainThread();
    const QMutexLocker lock(&shared.mutex);
    if (--shared.jobsInProgress == 0)
        shared.idle.wakeAll();
}

// op: 0 read, 1 write, 2 remove (KeychainSecretStore::Op).
QKeychain::Job *makeJob(int op, const QString &service, const QString &key,
                        const QByteArray &secret)
{
    QKeychain::Job *job = nullptr;
    switch (op) {
    case 0:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case 1: {
        auto *writeJob = new QKeychain::WritePasswordJob(service);
        writeJob->setTextData(QString::fromLatin1(secret));
        job = writeJob;
        break;
    }
    default:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

} // namespace

// Shared by a store and the answers in flight on the worker thread: a store being destroyed
// clears the pointer under the lock, so no answer is posted to it afterwards.
struct KeychainSecretStore::Link
{
    QMutex mutex;
    KeychainSecretStore *store = nullptr;
};

KeychainSecretStore::KeychainSecretStore(const QString &service, QObject *parent)
    : SecretStore(parent)
    , m_service(service)
    , m_timeoutMs(kJobTimeoutMs)
    , m_watchdog(new QTimer(this))
    , m_link(std::make_shared<Link>())
{
    m_link->store = this;
    m_watchdog->setSingleShot(true);
    connect(m_watchdog, &QTimer::timeout, this, [this] {
        StoreResult result;
        result.status = StoreResult::Timeout;
        result.message = QObject::tr("The keychain did not answer within %1 seconds.")
                                 .arg(m_timeoutMs / 1000.0);
        finish(m_inFlight, result);
    });
    keychainWorker(); // starts the thread now: the first operation usually follows at once
}

KeychainSecretStore::~KeychainSecretStore()
{
    {
        const QMutexLocker lock(&m_link->mutex);
        m_link->store = nullptr;
    }
    // Writes and removals asked for but not started yet still go to the keychain, in order,
    // with nobody to answer (the one in progress finishes on the worker anyway). Reads are
    // dropped: nobody is left to read for.
    if (m_inFlight != 0 && !m_queue.isEmpty())
        m_queue.dequeue();
    while (!m_queue.isEmpty()) {
        const Pending pending = m_queue.dequeue();
        if (pending.op != Op::Read)
            runOnWorker(int(pending.op), pending.key, pending.secret, 0);
    }
}

void KeychainSecretStore::read(const QString &key, QObject *context, Callback done)
{
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    auto deliver = [guard, hasContext, done](const StoreResult &result) {
        if (done && (!hasContext || guard))
            done(result);
    };
    enqueue({Op::Read, key, QByteArray(), this,
             [this, deliver](const StoreResult &result) {
                 if (result.status != StoreResult::NotFound) {
                     deliver(result);
                     return;
                 }
                 // libsecret answers "not found" when the collection is locked and no unlock
                 // prompt can be shown, which would pass a locked keychain off as an empty
                 // one. A write cannot be mistaken that way, so a probe tells the two apart.
                 enqueue({Op::Write, kProbeKey, QByteArrayLiteral("probe"), this,
                          [this, deliver, result](const StoreResult &probe) {
                              if (!probe.ok()) {
                                  deliver(probe);
                                  return;
                              }
                              enqueue({Op::Remove, kProbeKey, QByteArray(), this, nullptr, true});
                              deliver(result);
                          },
                          true});
             },
             true});
}

void KeychainSecretStore::write(const QString &key, const QByteArray &secret, QObject *context,
                                Callback done)
{
    enqueue({Op::Write, key, secret, context, std::move(done), context != nullptr});
}

void KeychainSecretStore::remove(const QString &key, QObject *context, Callback done)
{
    enqueue({Op::Remove, key, QByteArray(), context, std::move(done), context != nullptr});
}

void KeychainSecretStore::askAgain()
{
    m_refusal.clear();
}

void KeychainSecretStore::enqueue(Pending pending)
{
    m_queue.enqueue(std::move(pending));
    // Handed to the worker thread at once (its answer still arrives later, from the event
    // loop): at start-up the keychain is read while this thread builds the window.
    if (!m_busy)
        startNext();
}

void KeychainSecretStore::startNext()
{
    if (m_queue.isEmpty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    const Pending &pending = m_queue.head();
    const quint64 operation = ++m_lastOperation;
    m_inFlight = operation;
    if (pending.op == Op::Write && !m_refusal.isEmpty()) {
        StoreResult refused;
        refused.status = StoreResult::Denied;
        refused.message = tr("%1 Kini Explorer does not ask again until you choose Try again.")
                                  .arg(m_refusal);
        QMetaObject::invokeMethod(
                this, [this, operation, refused] { finish(operation, refused); },
                Qt::QueuedConnection);
        return;
    }

    // Jobs have no parent: libsecret calls back into a job even after its owner is gone, so a
    // job must live until it finishes (it deletes itself then).
    // Quitting waits (bounded) for jobs in progress: see stopKeychainThread().
    runOnWorker(int(pending.op), pending.key, pending.secret, operation);
    // Exactly one of the job's answer and the watchdog completes the operation.
    m_watchdog->start(m_timeoutMs);
    qCDebug(lcKeychain) << "keychain" << int(pending.op) << "for" << pending.key;
}

void KeychainSecretStore::runOnWorker(int op, const QString &key, const QByteArray &secret,
                                      quint64 operation)
{
    jobStarted(); // counted from now, so that quitting waits for it even before it starts
    QMetaObject::invokeMethod(
            keychainWorker(),
            [link = m_link, operation, op, service = m_service, key, secret] {
                QKeychain::Job *job = makeJob(op, service, key, secret);
                QObject::connect(job, &QKeychain::Job::finished, job,
                                 [link, operation, op](QKeychain::Job *done) {
                                     startupMark("keychain job done (on its thread)");
                                     StoreResult result = resultOf(done);
                                     if (result.ok() && op == 0)
                                         result.secret
                                                 = static_cast<QKeychain::ReadPasswordJob *>(done)
                                                           ->textData()
                                                           .toLatin1();
                                     {
                                         const QMutexLocker lock(&link->mutex);
                                         KeychainSecretStore *store = link->store;
                                         if (store && operation != 0) {
                                             QMetaObject::invokeMethod(
                                                     store,
                                                     [store, operation, result] {
                                                         store->finish(operation, result);
                                                     },
                                                     Qt::QueuedConnection);
                                         } else if (!result.ok()) {
                                             qCWarning(lcKeychain)
                                                     << "keychain operation failed after its "
                                                        "store was gone:"
                                                     << result.message;
                                         }
                                     }
                                     jobEnded();
                                 });
                job->start();
            },
            Qt::QueuedConnection);
}

void KeychainSecretStore::finish(quint64 operation, const StoreResult &result)
{
    if (operation == 0 || operation != m_inFlight)
        return; // the watchdog gave up on it, or the job answered first
    m_inFlight = 0;
    m_watchdog->stop();
    Pending done = m_queue.dequeue();
    // A write refused, or left unanswered (an unlock prompt nobody answers in time): the next
    // rotations would each add a job and, on a desktop, a prompt behind it.
    const bool refused
            = result.status == StoreResult::Denied || result.status == StoreResult::Timeout;
    if (done.op == Op::Write && refused && m_refusal.isEmpty()) {
        m_refusal = result.message;
        qCInfo(lcKeychain) << "the keychain refused a write; not asking again in this run";
    }
    if (!result.ok() && result.status != StoreResult::NotFound)
        qCWarning(lcKeychain) << "keychain operation failed:" << result.message;
    if (done.done && (!done.hasContext || done.context))
        done.done(result);
    startNext();
}

} // namespace Kini
