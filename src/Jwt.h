#pragma once

#include "JsonTree.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Kini {

// A NumericDate claim (exp, iat, nbf) read without loss.
struct ClaimTime
{
    enum State {
        Missing, // the claim is absent: "no known expiry", never "expired"
        Valid, // msecs holds the instant, fraction kept to the millisecond
        Invalid, // present but not a JSON number (e.g. a string); raw holds it as given
    };
    State state = Missing;
    qint64 msecs = 0; // UTC epoch milliseconds when Valid
    QString raw; // the claim's JSON text as written

    bool isValid() const { return state == Valid; }
};

// Strict base64url (RFC 4648 section 5) without padding, as JWS compact serialization requires.
// Returns std::nullopt for any character outside [A-Za-z0-9_-] ('+', '/', '=', spaces included)
// or an impossible length (len % 4 == 1).
std::optional<QByteArray> decodeBase64Url(const QByteArray &segment);

// A decoded (not verified: the client has no key) JSON Web Token.
class Jwt
{
public:
    Jwt() = default;

    // Decodes the compact form header.payload.signature. Never throws, never crashes.
    static Jwt decode(const QByteArray &token);

    bool isValid() const { return m_error.isEmpty() && !m_raw.isEmpty(); }
    bool isNull() const { return m_raw.isEmpty(); }
    QString error() const { return m_error; } // plain words, empty when valid
    QByteArray raw() const { return m_raw; }

    const JsonNode &header() const { return m_header; }
    const JsonNode &payload() const { return m_payload; }

    ClaimTime expiry() const { return m_exp; }
    ClaimTime issuedAt() const { return m_iat; }
    ClaimTime notBefore() const { return m_nbf; }
    // SimpleJWT's "token_type" claim ("access" / "refresh"), empty if absent.
    QString tokenType() const;
    // Non-fatal remarks on claims, e.g. "exp is a string, not a number: expiry unknown".
    QStringList warnings() const { return m_warnings; }

private:
    QByteArray m_raw;
    QString m_error;
    JsonNode m_header;
    JsonNode m_payload;
    ClaimTime m_exp;
    ClaimTime m_iat;
    ClaimTime m_nbf;
    QStringList m_warnings;
};

// Parses a NumericDate literal ("1700000000", "1700000000.75", "1.7e9") to epoch milliseconds
// without going through a double for the integer part. False on overflow or non-number text.
bool numericDateToMsecs(const QString &literal, qint64 *msecs);

} // namespace Kini
