// libFuzzer target for the decoders that read a token's bytes: Jwt::decode, decodeBase64Url,
// parseJsonTree with its printers, and numericDateToMsecs. Besides "no crash, no sanitizer
// report", it checks properties that hold for every input; a broken one aborts with a message,
// which libFuzzer records as a crash with its input.
//
// Each input is used four ways, so that one corpus reaches every layer: as a whole token, as the
// payload JSON of a token built around it (mutating base64 text rarely yields JSON, so the claim
// code would otherwise be reached only by the seeds), as a JSON document, and as a NumericDate.

#include "JsonTree.h"
#include "Jwt.h"

#include <QByteArray>
#include <QString>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

using Kini::ClaimTime;
using Kini::JsonNode;
using Kini::Jwt;

namespace {

// The latest instant Jwt.cpp accepts (9999-12-31 23:59:59.999 UTC), as its contract states.
constexpr qint64 MaxNumericDateMsecs = Q_INT64_C(253402300799999);

// C07's header and signature, around a payload the fuzzer writes as plain JSON.
const QByteArray FixedHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const QByteArray FixedSignature = "rfGLBq_HC7YLW1oin6q8xKExHRwxJDfI5XHxfqJn0Fk";

void require(bool holds, const char *what, const QString &context = QString())
{
    if (holds)
        return;
    std::fprintf(stderr, "fuzz_jwt: broken invariant: %s\n", what);
    if (!context.isEmpty())
        std::fprintf(stderr, "  context: %s\n", context.toUtf8().constData());
    std::abort();
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// numericDateToMsecs against strtod: a correctly rounded double is within 1e-15 of the literal,
// so milliseconds from it may differ from the exact, truncated value by less than one and a bit.
void checkNumericDate(const QString &literal)
{
    qint64 msecs = -1;
    const bool ok = Kini::numericDateToMsecs(literal, &msecs);
    if (!ok)
        return;
    require(msecs >= 0 && msecs <= MaxNumericDateMsecs, "an accepted NumericDate is in range",
            literal);

    // Accepted text is a JSON number, which strtod reads whole.
    const std::string text = literal.toStdString();
    char *end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    require(end == text.c_str() + text.size(), "an accepted NumericDate is a number to strtod",
            literal);
    const double expected = seconds * 1000.0;
    require(std::isfinite(expected) && double(msecs) > expected - 1.5
                    && double(msecs) < expected + 0.5,
            "NumericDate milliseconds agree with strtod",
            literal + QStringLiteral(" -> ") + QString::number(msecs));
}

// A number the JSON parser accepted is never "not a number" to the NumericDate reader: it is a
// date, or negative, or beyond the year 9999.
void checkJsonNumber(const QString &literal)
{
    checkNumericDate(literal);
    qint64 msecs = 0;
    if (Kini::numericDateToMsecs(literal, &msecs))
        return;
    const std::string text = literal.toStdString();
    char *end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    require(end == text.c_str() + text.size(), "a JSON number is a number to strtod", literal);
    // signbit, not "< 0": "-1e-999" is negative, yet strtod rounds it to -0.0.
    require(std::signbit(seconds) || seconds * 1000.0 > double(MaxNumericDateMsecs) - 1.0,
            "a refused JSON number is negative or out of range", literal);
}

void checkNumbersIn(const JsonNode &node)
{
    if (node.kind == JsonNode::Number)
        checkJsonNumber(node.text);
    for (const JsonNode &item : node.items)
        checkNumbersIn(item);
    for (const auto &member : node.members)
        checkNumbersIn(member.second);
}

// What toJson() and toIndentedJson() print parses again to the same tree.
void checkRoundTrip(const JsonNode &node)
{
    const QString compact = node.toJson();
    JsonNode again;
    QString error;
    require(Kini::parseJsonTree(compact.toUtf8(), &again, &error), "toJson() output parses",
            error + QStringLiteral(" in ") + compact);
    require(again.toJson() == compact, "toJson() is stable across a parse", compact);

    const QString indented = node.toIndentedJson();
    JsonNode fromIndented;
    require(Kini::parseJsonTree(indented.toUtf8(), &fromIndented, &error),
            "toIndentedJson() output parses", error + QStringLiteral(" in ") + indented);
    require(fromIndented.toJson() == compact, "toIndentedJson() keeps the tree", indented);
}

void checkJson(const QByteArray &data)
{
    JsonNode node;
    QString error;
    const bool ok = Kini::parseJsonTree(data, &node, &error);
    require(ok == error.isEmpty(), "parseJsonTree sets an error exactly when it fails", error);
    if (!ok) {
        require(error.contains(QLatin1String(" at byte ")), "a JSON error names its offset", error);
        require(node.kind == JsonNode::Null && node.items.isEmpty() && node.members.isEmpty(),
                "a failed parse leaves an empty node");
        return;
    }
    checkRoundTrip(node);
    checkNumbersIn(node);
}

void checkBase64Url(const QByteArray &data)
{
    const std::optional<QByteArray> decoded = Kini::decodeBase64Url(data);
    if (!decoded)
        return;
    // Strict decoding accepts only canonical text, so encoding gives the input back.
    require(base64Url(*decoded) == data, "decodeBase64Url accepts only canonical base64url");
}

void checkClaim(const Jwt &jwt, const ClaimTime &claim, const char *name)
{
    const JsonNode *node = jwt.payload().member(QLatin1String(name));
    if (!node) {
        require(claim.state == ClaimTime::Missing, "an absent claim is Missing");
        return;
    }
    require(claim.state != ClaimTime::Missing, "a present claim is not Missing");
    if (claim.state != ClaimTime::Valid)
        return;
    require(node->kind == JsonNode::Number, "a Valid claim is a JSON number");
    require(claim.raw == node->text, "a Valid claim keeps its literal");
    qint64 msecs = -1;
    require(Kini::numericDateToMsecs(claim.raw, &msecs) && msecs == claim.msecs,
            "a Valid claim agrees with numericDateToMsecs", claim.raw);
}

void checkToken(const QByteArray &token)
{
    const Jwt jwt = Jwt::decode(token);
    require(jwt.raw() == token, "raw() is the input");
    require(jwt.isNull() == token.isEmpty(), "only the empty token is null");
    require(jwt.isValid() == (!token.isEmpty() && jwt.error().isEmpty()),
            "valid exactly when there is no error");
    if (!token.isEmpty() && !jwt.isValid())
        require(!jwt.error().isEmpty(), "an invalid token says why");

    const bool payloadRead = jwt.payload().kind == JsonNode::Object;
    if (jwt.isValid()) {
        require(jwt.header().kind == JsonNode::Object && payloadRead,
                "a valid token has an object header and payload");
        require(token.count('.') == 2, "a valid token has three parts");
    }
    if (payloadRead) {
        checkClaim(jwt, jwt.expiry(), "exp");
        checkClaim(jwt, jwt.issuedAt(), "iat");
        checkClaim(jwt, jwt.notBefore(), "nbf");
        checkRoundTrip(jwt.header());
        checkRoundTrip(jwt.payload());
    } else {
        require(jwt.expiry().state == ClaimTime::Missing, "no payload, no expiry");
    }
    const JsonNode *type = jwt.payload().member(QStringLiteral("token_type"));
    require(jwt.tokenType() == (type && type->kind == JsonNode::String ? type->text : QString()),
            "tokenType() is the token_type string");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input
            = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    checkToken(input);
    checkToken(FixedHeader + '.' + base64Url(input) + '.' + FixedSignature);
    checkJson(input);
    checkBase64Url(input);
    if (size <= 256)
        checkNumericDate(QString::fromLatin1(input));
    return 0;
}
