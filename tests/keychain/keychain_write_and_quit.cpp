// For tst_keychain: asks for keychain writes and quits at once, the way a user quits right after
// a token rotation. Arguments: SERVICE KEY VALUE [VALUE...]; each value is written in turn to
// the same key, so the last one must be what the keychain holds afterwards.
#include "KeychainSecretStore.h"

#include <QCoreApplication>
#include <QTimer>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 4)
        return 2;
    {
        Kini::KeychainSecretStore store(args.at(1));
        for (int i = 3; i < args.size(); ++i)
            store.write(args.at(2), args.at(i).toUtf8(), nullptr, nullptr);
        // The store goes first, with writes still queued, then the application: neither may
        // lose them.
    }
    return 0;
}
