#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

// Synthetic JWTs for tests: a real header and payload, a signature nobody checks.
namespace TestTokens {

inline QByteArray segment(const QByteArray &json)
{
    return json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

inline QByteArray make(const QJsonObject &payload, const QByteArray &signature = "c2lnbmF0dXJl")
{
    return segment(R"({"alg":"HS256","typ":"JWT"})") + '.'
            + segment(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.' + signature;
}

// A SimpleJWT-shaped token; exp/iat in epoch seconds.
inline QByteArray simpleJwt(const char *type, qint64 iat, qint64 exp, const QByteArray &jti)
{
    return make(QJsonObject {{"token_type", QLatin1String(type)},
                             {"exp", exp},
                             {"iat", iat},
                             {"jti", QString::fromLatin1(jti)},
                             {"user_id", 1}});
}

} // namespace TestTokens

// Compares values that may hold tokens without printing them on failure: a test's output must
// never carry a token.
#define KINI_COMPARE_SECRET(actual, expected)                                                      \
    QVERIFY2((actual) == (expected), "secret values differ (not printed)")
#define KINI_TRY_COMPARE_SECRET(actual, expected, timeoutMs)                                       \
    QTRY_VERIFY2_WITH_TIMEOUT((actual) == (expected), "secret values differ (not printed)",        \
                              timeoutMs)
