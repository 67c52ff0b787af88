#include "UiText.h"

#include <QDateTime>
#include <QObject>
#include <QTimeZone>

namespace Kini {
namespace UiText {

QString countdown(qint64 remainingMs)
{
    const qint64 seconds = remainingMs <= 0 ? 0 : (remainingMs + 999) / 1000;
    const qint64 hours = seconds / 3600;
    const qint64 minutes = (seconds % 3600) / 60;
    const qint64 secs = seconds % 60;
    if (hours > 0) {
        return QStringLiteral("%1:%2:%3")
                .arg(hours)
                .arg(minutes, 2, 10, QLatin1Char('0'))
                .arg(secs, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
}

QString relativeTime(qint64 deltaMs)
{
    // Rounded up ahead, like the countdown, so "0:06" and "in 6 s" agree; down for the past.
    const qint64 magnitude = deltaMs > 0 ? (deltaMs + 999) / 1000 : -deltaMs / 1000;
    if (magnitude == 0)
        return QStringLiteral("now");

    const qint64 days = magnitude / 86400;
    const qint64 hours = (magnitude % 86400) / 3600;
    const qint64 minutes = (magnitude % 3600) / 60;
    const qint64 seconds = magnitude % 60;

    // Two units at most: "2 days 3 h" says enough, "2 days 3 h 4 min 5 s" is noise.
    auto pair = [](qint64 big, const QString &bigUnit, qint64 small, const QString &smallUnit) {
        QString text = QStringLiteral("%1 %2").arg(big).arg(bigUnit);
        if (small > 0)
            text += QStringLiteral(" %1 %2").arg(small).arg(smallUnit);
        return text;
    };
    QString amount;
    if (days > 0)
        amount = pair(days, days == 1 ? QStringLiteral("day") : QStringLiteral("days"), hours,
                      QStringLiteral("h"));
    else if (hours > 0)
        amount = pair(hours, QStringLiteral("h"), minutes, QStringLiteral("min"));
    else if (minutes > 0)
        amount = pair(minutes, QStringLiteral("min"), seconds, QStringLiteral("s"));
    else
        amount = QStringLiteral("%1 s").arg(seconds);

    return deltaMs > 0 ? QStringLiteral("in %1").arg(amount) : QStringLiteral("%1 ago").arg(amount);
}

QString clockOffsetWarning(qint64 offsetMs)
{
    // Below half a minute the skew is noise next to a five-minute token.
    if (offsetMs > -30000 && offsetMs < 30000)
        return QString();
    const QString amount = relativeTime(offsetMs > 0 ? offsetMs : -offsetMs).mid(3);
    return offsetMs > 0
            ? QObject::tr("This computer's clock is %1 behind the server's. Countdowns and "
                          "refreshes follow the server's time; check the system clock.")
                      .arg(amount)
            : QObject::tr("This computer's clock is %1 ahead of the server's. Countdowns and "
                          "refreshes follow the server's time; check the system clock.")
                      .arg(amount);
}

static QString formatInstant(const QDateTime &when, qint64 epochMs)
{
    const QString format = epochMs % 1000 != 0 ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")
                                               : QStringLiteral("yyyy-MM-dd HH:mm:ss");
    return when.toString(format);
}

QString utcTime(qint64 epochMs)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc());
    return formatInstant(when, epochMs) + QStringLiteral(" UTC");
}

QString localTime(qint64 epochMs)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(epochMs);
    return formatInstant(when, epochMs) + QLatin1Char(' ') + when.timeZoneAbbreviation();
}

QString byteSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(bytes / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

QString sessionState(TokenSession::State state)
{
    switch (state) {
    case TokenSession::State::SignedOut:
        return QStringLiteral("Signed out");
    case TokenSession::State::SigningIn:
        return QStringLiteral("Signing in…");
    case TokenSession::State::Resuming:
        return QStringLiteral("Restoring session…");
    case TokenSession::State::Active:
        return QStringLiteral("Signed in");
    case TokenSession::State::Refreshing:
        return QStringLiteral("Refreshing token…");
    case TokenSession::State::Expired:
        return QStringLiteral("Session expired");
    }
    return QString();
}

QString errorText(const ApiError &error)
{
    const QString message = error.message.trimmed();
    switch (error.kind) {
    case ApiError::None:
        return QString();
    case ApiError::WrongCredentials:
        // C04: the server's detail ("No active account found...") hides which part was wrong.
        return QStringLiteral("Wrong username or password.");
    case ApiError::Canceled:
        return message.isEmpty() ? QStringLiteral("Canceled.") : message;
    case ApiError::Network:
        return message.isEmpty() ? QStringLiteral("Network error: the server could not be reached.")
                                 : message;
    case ApiError::Timeout:
        return message.isEmpty() ? QStringLiteral("The server took too long to answer.") : message;
    case ApiError::Tls:
        return message.isEmpty() ? QStringLiteral("The secure connection failed.") : message;
    case ApiError::SessionExpired:
        return message.isEmpty() ? QStringLiteral("Your session expired — sign in again.")
                                 : message;
    case ApiError::NoSavedSession:
        return message.isEmpty() ? QStringLiteral("No saved session: sign in with your password.")
                                 : message;
    case ApiError::AccountDisabled:
        if (message.contains(QStringLiteral("disabled"), Qt::CaseInsensitive))
            return message;
        return QStringLiteral("This account is disabled: %1")
                .arg(message.isEmpty() ? QStringLiteral("the server refused it") : message);
    case ApiError::Storage:
        return message.isEmpty() ? QStringLiteral("The keychain could not be used.") : message;
    case ApiError::InvalidResponse:
        if (!message.isEmpty())
            return message;
        if (error.httpStatus > 0)
            return QStringLiteral("The server gave an answer that could not be read (%1).")
                    .arg(error.httpStatus);
        return QStringLiteral("The server gave an answer that could not be read.");
    case ApiError::Http:
    case ApiError::BadRequest:
    case ApiError::BadInput:
        if (!message.isEmpty())
            return message;
        if (error.httpStatus > 0)
            return QStringLiteral("The server answered with status %1.").arg(error.httpStatus);
        return QStringLiteral("The request could not be completed.");
    }
    return message;
}

QString sentence(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.endsWith(QLatin1Char('.'))
        || trimmed.endsWith(QLatin1Char('!')) || trimmed.endsWith(QLatin1Char('?')))
        return trimmed;
    return trimmed + QLatin1Char('.');
}

QString storageWarning(const QString &message)
{
    const QString trimmed = message.trimmed();
    if (trimmed.startsWith(QStringLiteral("Could not save"), Qt::CaseInsensitive))
        return trimmed;
    QString why = trimmed.isEmpty() ? QStringLiteral("the keychain did not answer") : trimmed;
    if (why.endsWith(QLatin1Char('.')))
        why.chop(1);
    return QStringLiteral("Could not save your session to the keychain: %1. "
                          "Next start will ask for your password.")
            .arg(why);
}

} // namespace UiText
} // namespace Kini
