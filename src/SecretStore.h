#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace Kini {

struct StoreResult
{
    enum Status {
        Ok,
        NotFound, // nothing stored under that key: the only answer that means "no saved session"
        Unavailable, // no D-Bus session, no secret service, no collection
        Denied, // locked keyring, user refused
        Timeout, // no answer in time (e.g. an unlock prompt nobody answers)
        Failed, // anything else
    };
    Status status = Ok;
    QByteArray secret; // read: the value
    QString message; // plain words, for the UI

    bool ok() const { return status == Ok; }
};

// Asynchronous secret storage. Operations run one at a time in the order they were asked for, so
// a later write can never be overtaken by an earlier one. Each callback runs later from the event
// loop (never inside the call), and not at all once its context object is gone.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const StoreResult &)>;

    using QObject::QObject;
    virtual void read(const QString &key, QObject *context, Callback done) = 0;
    virtual void write(const QString &key, const QByteArray &secret, QObject *context,
                       Callback done)
            = 0;
    virtual void remove(const QString &key, QObject *context, Callback done) = 0;
    // A store that stopped asking after the user refused (a dismissed unlock prompt) may ask
    // again from the next write on.
    virtual void askAgain() { }
};

// In-memory store for unit tests, with failure injection.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QByteArray &secret, QObject *context,
               Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

    // Every following operation answers this status (Ok restores normal behaviour).
    void setFailure(StoreResult::Status status, const QString &message = QString());
    QHash<QString, QByteArray> contents() const { return m_values; }
    int writeCount() const { return m_writes; }
    // While held, reads are not answered (a keychain waiting on an unlock prompt, say); letting
    // go answers the held ones, in order.
    void holdReads(bool hold);

private:
    void answer(QObject *context, Callback done, StoreResult result);

    QHash<QString, QByteArray> m_values;
    StoreResult::Status m_failure = StoreResult::Ok;
    QString m_failureMessage;
    int m_writes = 0;
    bool m_holdReads = false;
    QList<std::function<void()>> m_heldReads;
};

} // namespace Kini
