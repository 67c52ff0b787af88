#include "KiniLog.h"

Q_LOGGING_CATEGORY(lcAuth, "kini.auth")
Q_LOGGING_CATEGORY(lcNet, "kini.net")
Q_LOGGING_CATEGORY(lcKeychain, "kini.keychain")
Q_LOGGING_CATEGORY(lcUi, "kini.ui")

namespace Kini {

QString redacted(const QByteArray &secret)
{
    return secret.isEmpty() ? QStringLiteral("(empty)") : QStringLiteral("[redacted]");
}

QString redacted(const QString &secret)
{
    return secret.isEmpty() ? QStringLiteral("(empty)") : QStringLiteral("[redacted]");
}

} // namespace Kini
