#pragma once

#include "SecretStore.h"

#include <QPointer>
#include <QQueue>

#include <functional>

namespace Kini {

// The OS keychain through QtKeychain (Secret Service on Linux). No insecure fallback: when the
// keychain cannot be used the operation fails and says why; nothing is written to a file.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(const QString &service, QObject *parent = nullptr);

    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QByteArray &secret, QObject *context,
               Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

private:
    enum class Op { Read, Write, Remove };
    struct Pending
    {
        Op op;
        QString key;
        QByteArray secret;
        QPointer<QObject> context;
        Callback done;
        bool hasContext;
    };
    void enqueue(Pending pending);
    void startNext();

    QString m_service;
    QQueue<Pending> m_queue;
    bool m_busy = false;
};

} // namespace Kini
