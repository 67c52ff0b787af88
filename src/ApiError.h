#pragma once

#include <QMetaType>
#include <QString>

namespace Kini {

// The one error model of the core: a kind the code can branch on, plus a message in plain words
// that the UI may show as it is.
struct ApiError
{
    enum Kind {
        None,
        Network, // connection refused, reset, DNS, ...
        Timeout, // the transfer bound ran out
        Tls, // certificate problems
        Http, // an HTTP error status the caller should see
        InvalidResponse, // HTML where JSON was due, wrong types, missing fields, oversized
        WrongCredentials, // obtain answered 401
        BadRequest, // obtain/refresh answered 400 (field messages in message)
        SessionExpired, // the refresh token is dead: sign in again
        NoSavedSession, // a resume found nothing saved for that user: sign in, nothing is lost
        AccountDisabled, // user_inactive / user_not_found
        Storage, // the keychain failed
        Canceled,
        BadInput, // a value the user typed cannot be sent
    };

    Kind kind = None;
    QString message;
    int httpStatus = 0;

    bool isError() const { return kind != None; }
    static ApiError make(Kind kind, const QString &message, int httpStatus = 0)
    {
        return ApiError {kind, message, httpStatus};
    }
};

} // namespace Kini

Q_DECLARE_METATYPE(Kini::ApiError)
