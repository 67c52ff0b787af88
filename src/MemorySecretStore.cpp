#include "SecretStore.h"

#include <QPointer>
#include <QTimer>

#include <utility>

namespace Kini {

void MemorySecretStore::read(const QString &key, QObject *context, Callback done)
{
    StoreResult result;
    if (m_failure != StoreResult::Ok) {
        result.status = m_failure;
        result.message = m_failureMessage;
    } else if (!m_values.contains(key)) {
        result.status = StoreResult::NotFound;
        result.message = tr("No saved session.");
    } else {
        result.secret = m_values.value(key);
    }
    if (m_holdReads) {
        m_heldReads.append([this, context, guard = QPointer<QObject>(context),
                            done = std::move(done), result]() mutable {
            if (context && !guard)
                return; // whoever asked is gone
            answer(context, std::move(done), result);
        });
        return;
    }
    answer(context, std::move(done), result);
}

void MemorySecretStore::write(const QString &key, const QByteArray &secret, QObject *context,
                              Callback done)
{
    StoreResult result;
    if (m_failure != StoreResult::Ok) {
        result.status = m_failure;
        result.message = m_failureMessage;
    } else {
        m_values.insert(key, secret);
        ++m_writes;
    }
    answer(context, std::move(done), result);
}

void MemorySecretStore::remove(const QString &key, QObject *context, Callback done)
{
    StoreResult result;
    if (m_failure != StoreResult::Ok) {
        result.status = m_failure;
        result.message = m_failureMessage;
    } else if (m_values.remove(key) == 0) {
        result.status = StoreResult::NotFound;
    }
    answer(context, std::move(done), result);
}

void MemorySecretStore::holdReads(bool hold)
{
    m_holdReads = hold;
    if (hold)
        return;
    const QList<std::function<void()>> held = std::exchange(m_heldReads, {});
    for (const std::function<void()> &release : held)
        release();
}

void MemorySecretStore::setFailure(StoreResult::Status status, const QString &message)
{
    m_failure = status;
    m_failureMessage = message;
}

void MemorySecretStore::answer(QObject *context, Callback done, StoreResult result)
{
    if (!done)
        return;
    // Asynchronous like a real keychain, so callers cannot come to rely on re-entrancy.
    QTimer::singleShot(0, context ? context : this,
                       [done = std::move(done), result]() { done(result); });
}

} // namespace Kini
