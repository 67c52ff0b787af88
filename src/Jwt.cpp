#include "Jwt.h"

#include <utility>

namespace Kini {

namespace {

// 9999-12-31 23:59:59.999 UTC. No real token expires later, and keeping every instant far from
// the qint64 limit lets callers add margins (exp + skew) without overflow checks of their own.
constexpr qint64 MaxNumericDateMsecs = Q_INT64_C(253402300799999);

// Any exponent this large decides the outcome on its own (zero or out of range), so saturating
// it keeps the arithmetic below in range for literals of any length.
constexpr qint64 ExponentCeiling = Q_INT64_C(1000000000000000);

enum class NumericDate { Ok, NotANumber, Negative, OutOfRange };

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_';
}

int base64UrlValue(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : 63;
}

QString describeByte(char c)
{
    const uchar u = uchar(c);
    if (u > 0x20 && u < 0x7f)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    if (u == ' ')
        return QStringLiteral("a space");
    return QStringLiteral("byte 0x%1")
            .arg(QString::number(u, 16).toUpper().rightJustified(2, QLatin1Char('0')));
}

// Why segment is not strict unpadded base64url, or an empty string when it is. Positions count
// from 0 at the start of the segment.
QString base64UrlProblem(const QByteArray &segment)
{
    for (qsizetype i = 0; i < segment.size(); ++i) {
        if (!isBase64UrlChar(segment.at(i))) {
            return QStringLiteral("found %1 at position %2")
                    .arg(describeByte(segment.at(i)), QString::number(i));
        }
    }
    const qsizetype rest = segment.size() % 4;
    if (rest == 1) {
        return QStringLiteral("length %1 leaves one character over").arg(segment.size());
    }
    // RFC 4648 section 3.5: the bits after the last whole byte must be zero, otherwise several
    // texts decode to the same bytes and one of them was not produced by an encoder.
    if (rest != 0) {
        const int unusedMask = rest == 2 ? 0x0f : 0x03;
        if ((base64UrlValue(segment.back()) & unusedMask) != 0)
            return QStringLiteral("the last character has unused bits set");
    }
    return QString();
}

QString kindName(JsonNode::Kind kind)
{
    switch (kind) {
    case JsonNode::Null:
        return QStringLiteral("null");
    case JsonNode::Bool:
        return QStringLiteral("a boolean");
    case JsonNode::Number:
        return QStringLiteral("a number");
    case JsonNode::String:
        return QStringLiteral("a string");
    case JsonNode::Array:
        return QStringLiteral("an array");
    case JsonNode::Object:
        return QStringLiteral("an object");
    }
    return QString();
}

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

// The value is read as decimal digits and a power of ten, so neither a 20-digit integer nor a
// long fraction passes through a double. Sub-millisecond fractions are truncated toward the
// past: an expiry is never reported later than the token states.
NumericDate parseNumericDate(QStringView text, qint64 *msecs)
{
    const qsizetype size = text.size();
    qsizetype pos = 0;
    const bool negative = pos < size && text.at(pos) == QLatin1Char('-');
    if (negative)
        ++pos;

    const qsizetype intBegin = pos;
    while (pos < size && isDigit(text.at(pos)))
        ++pos;
    const qsizetype intEnd = pos;
    if (intEnd == intBegin)
        return NumericDate::NotANumber;
    if (intEnd - intBegin > 1 && text.at(intBegin) == QLatin1Char('0'))
        return NumericDate::NotANumber;

    qsizetype fracBegin = pos;
    qsizetype fracEnd = pos;
    if (pos < size && text.at(pos) == QLatin1Char('.')) {
        fracBegin = ++pos;
        while (pos < size && isDigit(text.at(pos)))
            ++pos;
        fracEnd = pos;
        if (fracEnd == fracBegin)
            return NumericDate::NotANumber;
    }

    qint64 exponent = 0;
    if (pos < size && (text.at(pos) == QLatin1Char('e') || text.at(pos) == QLatin1Char('E'))) {
        ++pos;
        bool negativeExponent = false;
        if (pos < size && (text.at(pos) == QLatin1Char('+') || text.at(pos) == QLatin1Char('-')))
            negativeExponent = text.at(pos++) == QLatin1Char('-');
        const qsizetype expBegin = pos;
        while (pos < size && isDigit(text.at(pos))) {
            exponent = qMin(ExponentCeiling, exponent * 10 + (text.at(pos).unicode() - '0'));
            ++pos;
        }
        if (pos == expBegin)
            return NumericDate::NotANumber;
        if (negativeExponent)
            exponent = -exponent;
    }
    if (pos != size)
        return NumericDate::NotANumber;

    // The significant digits are the integer digits followed by the fraction digits.
    const qsizetype intLength = intEnd - intBegin;
    const qsizetype totalDigits = intLength + (fracEnd - fracBegin);
    auto digitAt = [&](qsizetype i) {
        const QChar c = i < intLength ? text.at(intBegin + i) : text.at(fracBegin + i - intLength);
        return c.unicode() - '0';
    };
    qsizetype first = 0;
    while (first < totalDigits && digitAt(first) == 0)
        ++first;
    if (first == totalDigits) {
        *msecs = 0;
        return NumericDate::Ok;
    }
    if (negative)
        return NumericDate::Negative;

    // msecs = digits * 10^shift; the digits past a negative shift are the dropped fraction.
    const qint64 significant = totalDigits - first;
    const qint64 shift = exponent - (fracEnd - fracBegin) + 3;
    const qint64 wholeDigits = significant + shift;
    if (wholeDigits <= 0) {
        *msecs = 0;
        return NumericDate::Ok;
    }
    // 18 digits always fit in a qint64 and already exceed the largest accepted instant.
    if (wholeDigits > 18)
        return NumericDate::OutOfRange;

    qint64 value = 0;
    const qint64 kept = qMin(significant, wholeDigits);
    for (qint64 i = 0; i < kept; ++i)
        value = value * 10 + digitAt(first + i);
    for (qint64 i = kept; i < wholeDigits; ++i)
        value *= 10;
    if (value > MaxNumericDateMsecs)
        return NumericDate::OutOfRange;
    *msecs = value;
    return NumericDate::Ok;
}

ClaimTime readClaimTime(const JsonNode &payload, const QString &name, const QString &meaning,
                        QStringList *warnings)
{
    ClaimTime claim;
    const JsonNode *node = payload.member(name);
    if (!node)
        return claim;

    claim.raw = node->kind == JsonNode::Number ? node->text : node->toJson();
    if (node->kind != JsonNode::Number) {
        claim.state = ClaimTime::Invalid;
        warnings->append(QStringLiteral("%1 is %2, not a number: %3 unknown")
                                 .arg(name, kindName(node->kind), meaning));
        return claim;
    }

    qint64 msecs = 0;
    switch (parseNumericDate(node->text, &msecs)) {
    case NumericDate::Ok:
        claim.state = ClaimTime::Valid;
        claim.msecs = msecs;
        return claim;
    case NumericDate::Negative:
        warnings->append(QStringLiteral("%1 is negative: %2 unknown").arg(name, meaning));
        break;
    case NumericDate::OutOfRange:
        warnings->append(
                QStringLiteral("%1 is after the year 9999: %2 unknown").arg(name, meaning));
        break;
    case NumericDate::NotANumber:
        warnings->append(QStringLiteral("%1 is not a number: %2 unknown").arg(name, meaning));
        break;
    }
    claim.state = ClaimTime::Invalid;
    return claim;
}

// Decodes one of the two JSON segments; on failure returns the reason naming the part.
QString decodeJsonSegment(const QString &part, const QByteArray &segment, JsonNode *out)
{
    if (segment.isEmpty())
        return QStringLiteral("%1 is empty").arg(part);
    const QString problem = base64UrlProblem(segment);
    if (!problem.isEmpty())
        return QStringLiteral("%1 is not base64url (%2)").arg(part, problem);
    const std::optional<QByteArray> json = decodeBase64Url(segment);
    if (!json)
        return QStringLiteral("%1 is not base64url").arg(part);

    JsonNode node;
    QString jsonError;
    if (!parseJsonTree(*json, &node, &jsonError))
        return QStringLiteral("%1 is not valid JSON (%2)").arg(part, jsonError);
    if (node.kind != JsonNode::Object)
        return QStringLiteral("%1 is %2, not a JSON object").arg(part, kindName(node.kind));
    *out = std::move(node);
    return QString();
}

} // namespace

std::optional<QByteArray> decodeBase64Url(const QByteArray &segment)
{
    // Qt's decoder skips or reinterprets characters outside the alphabet, so the text is checked
    // first and Qt only ever sees input it decodes exactly.
    if (!base64UrlProblem(segment).isEmpty())
        return std::nullopt;
    const QByteArray::FromBase64Result result = QByteArray::fromBase64Encoding(
            segment,
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                    | QByteArray::AbortOnBase64DecodingErrors);
    if (result.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        return std::nullopt;
    return result.decoded;
}

// Stops at the first failure: the parts decoded before it stay readable (the header of a token
// whose payload is damaged is still worth showing), the rest stay empty.
Jwt Jwt::decode(const QByteArray &token)
{
    Jwt jwt;
    jwt.m_raw = token;
    if (token.isEmpty()) {
        jwt.m_error = QStringLiteral("the token is empty");
        return jwt;
    }

    // Counted rather than split: a megabyte of dots must not become a million empty arrays.
    const qsizetype dots = token.count('.');
    if (dots != 2) {
        jwt.m_error = QStringLiteral("expected 3 parts, found %1").arg(dots + 1);
        return jwt;
    }
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = token.indexOf('.', firstDot + 1);
    const QByteArray header = token.left(firstDot);
    const QByteArray payload = token.mid(firstDot + 1, secondDot - firstDot - 1);
    const QByteArray signature = token.mid(secondDot + 1);

    jwt.m_error = decodeJsonSegment(QStringLiteral("header"), header, &jwt.m_header);
    if (!jwt.m_error.isEmpty())
        return jwt;
    jwt.m_error = decodeJsonSegment(QStringLiteral("payload"), payload, &jwt.m_payload);
    if (!jwt.m_error.isEmpty())
        return jwt;

    jwt.m_exp = readClaimTime(jwt.m_payload, QStringLiteral("exp"), QStringLiteral("expiry"),
                              &jwt.m_warnings);
    jwt.m_iat = readClaimTime(jwt.m_payload, QStringLiteral("iat"), QStringLiteral("issue time"),
                              &jwt.m_warnings);
    jwt.m_nbf = readClaimTime(jwt.m_payload, QStringLiteral("nbf"), QStringLiteral("start time"),
                              &jwt.m_warnings);
    const JsonNode *type = jwt.m_payload.member(QStringLiteral("token_type"));
    if (type && type->kind != JsonNode::String) {
        jwt.m_warnings.append(
                QStringLiteral("token_type is %1, not a string").arg(kindName(type->kind)));
    }

    // An empty signature is the unsecured form (alg "none", RFC 7519 section 6); the client
    // verifies nothing either way, so it is accepted as is.
    const QString problem = base64UrlProblem(signature);
    if (!problem.isEmpty()) {
        jwt.m_error = QStringLiteral("signature is not base64url (%1)").arg(problem);
        return jwt;
    }
    return jwt;
}

QString Jwt::tokenType() const
{
    const JsonNode *type = m_payload.member(QStringLiteral("token_type"));
    return type && type->kind == JsonNode::String ? type->text : QString();
}

bool numericDateToMsecs(const QString &literal, qint64 *msecs)
{
    qint64 value = 0;
    if (parseNumericDate(literal, &value) != NumericDate::Ok)
        return false;
    if (msecs)
        *msecs = value;
    return true;
}

} // namespace Kini
