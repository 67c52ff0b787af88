#pragma once

#include "ApiError.h"
#include "ServerConfig.h"

#include <QByteArray>
#include <QString>

namespace Kini {

enum class TokenCall { Obtain, Refresh };

// What a token endpoint's HTTP answer means, judged from its bytes alone.
struct TokenResponse
{
    enum Outcome {
        Tokens, // access (and for Obtain, refresh) are set; for Refresh, refresh may be empty
        Rejected, // 401 with a JSON body: wrong password (Obtain) / dead refresh token (Refresh)
        Failed, // anything else: error says what; no token may be stored
    };
    Outcome outcome = Failed;
    ApiError error;
    QByteArray access;
    QByteArray refresh;
    QString detail; // the server's "detail", if any
    int status = 0;
};

// The largest token endpoint answer that is read at all.
constexpr qint64 kMaxTokenResponseBytes = 1024 * 1024;

// Judges an answer of the obtain or refresh endpoint. Transport failures (no status) are the
// caller's; everything that depends on the server's bytes is decided here, so it can be fuzzed.
TokenResponse parseTokenResponse(TokenCall call, int status, const QByteArray &contentType,
                                 const QByteArray &body, const ServerConfig &config);

// RFC 6750 b64token: what may follow "Bearer " in a header. Anything else (CR, LF, spaces,
// control characters) could smuggle a header, so such a token is refused, not sent.
bool isHeaderSafeToken(const QByteArray &token);

} // namespace Kini
