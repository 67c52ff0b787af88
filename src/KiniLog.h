#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

// One logging category per component. Secrets never reach a log line: print them through
// redacted(), which only says whether a value is set.
Q_DECLARE_LOGGING_CATEGORY(lcAuth) // kini.auth: sign-in, refresh, session state
Q_DECLARE_LOGGING_CATEGORY(lcNet) // kini.net: the interceptor and its replies
Q_DECLARE_LOGGING_CATEGORY(lcKeychain) // kini.keychain: secret storage
Q_DECLARE_LOGGING_CATEGORY(lcUi) // kini.ui: windows and dialogs
Q_DECLARE_LOGGING_CATEGORY(lcStartup) // kini.startup: start-up milestones, off by default

namespace Kini {
// "[redacted]" for a non-empty secret, "(empty)" otherwise.
QString redacted(const QByteArray &secret);
QString redacted(const QString &secret);

// With kini.startup.debug on, logs how long after the first mark (made at the top of main)
// this milestone was reached; silent 30 s after that first mark.
void startupMark(const char *milestone);
} // namespace Kini
