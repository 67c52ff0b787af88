#pragma once

#include <QNetworkReply>

#include "ApiError.h"
#include "TokenSession.h"

#include <QString>

namespace Kini {

// Wording shared by the windows, so a token, a time or an error reads the same everywhere.
namespace UiText {

// "4:59" under an hour, "1:04:59" beyond; seconds are rounded up so "0:00" never shows while
// the token is still valid.
QString countdown(qint64 remainingMs);
// "in 4 min 12 s", "3 h ago", "now".
QString relativeTime(qint64 deltaMs);
// "2023-11-14 22:13:20 UTC"; milliseconds are shown only when the instant has any.
QString utcTime(qint64 epochMs);
QString localTime(qint64 epochMs);
// "512 B", "1.4 KB", "3.2 MB".
QString byteSize(qint64 bytes);
QString sessionState(TokenSession::State state);
// The core's message made readable on its own, with wording the core leaves to the UI.
QString errorText(const ApiError &error);
// The text with a full stop at the end unless it already ends a sentence.
QString sentence(const QString &text);
// C09: the keychain could not keep the session; the core may give the whole sentence or the why.
QString storageWarning(const QString &message);
// The warning for a clock that differs from the server's (offset = server - ours); empty when
// the difference is too small to matter.
QString clockOffsetWarning(qint64 offsetMs);

} // namespace UiText
} // namespace Kini
