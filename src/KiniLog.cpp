#include "KiniLog.h"

#include <QElapsedTimer>

// Info and above by default; QT_LOGGING_RULES="kini.*.debug=true" shows the rest.

Q_LOGGING_CATEGORY(lcAuth, "kini.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNet, "kini.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKeychain, "kini.keychain", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "kini.ui", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStartup, "kini.startup", QtWarningMsg)

namespace Kini {

QString redacted(const QByteArray &secret)
{
    return secret.isEmpty() ? QStringLiteral("(empty)") : QStringLiteral("[redacted]");
}

QString redacted(const QString &secret)
{
    return secret.isEmpty() ? QStringLiteral("(empty)") : QStringLiteral("[redacted]");
}

void startupMark(const char *milestone)
{
    static QElapsedTimer sinceFirst;
    if (!sinceFirst.isValid())
        sinceFirst.start();
    // The same places (a refresh, a window shown) are passed again later; start-up is over by
    // then.
    constexpr qint64 kStartupWindowMs = 30000;
    if (sinceFirst.elapsed() > kStartupWindowMs)
        return;
    qCDebug(lcStartup, "%7.2f ms  %s", sinceFirst.nsecsElapsed() / 1e6, milestone);
}

} // namespace Kini
