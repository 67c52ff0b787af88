#include "KeychainSecretStore.h"

#include "KiniLog.h"

#include <QTimer>

#include <qt6keychain/keychain.h>

namespace Kini {

namespace {

// A keychain that shows an invisible unlock prompt (no desktop session) would otherwise stall
// every later operation in the queue.
constexpr int kJobTimeoutMs = 30000;
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

} // namespace

KeychainSecretStore::KeychainSecretStore(const QString &service, QObject *parent)
    : SecretStore(parent)
    , m_service(service)
{
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

void KeychainSecretStore::enqueue(Pending pending)
{
    m_queue.enqueue(std::move(pending));
    if (!m_busy)
        QTimer::singleShot(0, this, &KeychainSecretStore::startNext);
    m_busy = true;
}

void KeychainSecretStore::startNext()
{
    if (m_queue.isEmpty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    Pending pending = m_queue.head();

    // Jobs have no parent: libsecret calls back into a job even after its owner is gone, so a
    // job must live until it finishes (it deletes itself then). The context object of the
    // connection below keeps its answer from reaching a destroyed store.
    // TODO: a write still in flight when the app quits is lost with the event loop; quitting
    // should wait (without a nested loop) for the queue to drain.
    QKeychain::Job *job = nullptr;
    switch (pending.op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Op::Write: {
        auto *writeJob = new QKeychain::WritePasswordJob(m_service);
        writeJob->setTextData(QString::fromLatin1(pending.secret));
        job = writeJob;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(pending.key);

    // Exactly one of the job's answer and the watchdog completes the operation.
    auto *watchdog = new QTimer(job);
    watchdog->setSingleShot(true);
    auto finish = [this, job, watchdog](const StoreResult &result) {
        watchdog->stop();
        job->disconnect(this);
        Pending done = m_queue.dequeue();
        if (!result.ok() && result.status != StoreResult::NotFound)
            qCWarning(lcKeychain) << "keychain operation failed:" << result.message;
        if (done.done && (!done.hasContext || done.context))
            done.done(result);
        startNext();
    };
    connect(job, &QKeychain::Job::finished, this, [finish, op = pending.op](QKeychain::Job *j) {
        StoreResult result = resultOf(j);
        if (result.ok() && op == Op::Read)
            result.secret = static_cast<QKeychain::ReadPasswordJob *>(j)->textData().toLatin1();
        finish(result);
    });
    connect(watchdog, &QTimer::timeout, this, [finish]() {
        StoreResult result;
        result.status = StoreResult::Failed;
        result.message = QObject::tr("The keychain did not answer within %1 seconds.")
                                 .arg(kJobTimeoutMs / 1000);
        finish(result);
    });
    watchdog->start(kJobTimeoutMs);
    qCDebug(lcKeychain) << "keychain" << int(pending.op) << "for" << pending.key;
    job->start();
}

} // namespace Kini
