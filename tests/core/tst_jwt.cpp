#include "Jwt.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QtTest>

using Kini::ClaimTime;
using Kini::decodeBase64Url;
using Kini::JsonNode;
using Kini::Jwt;
using Kini::numericDateToMsecs;

Q_DECLARE_METATYPE(ClaimTime::State)

namespace {

// Field case C07: '-' and '_' in the payload, no padding anywhere.
const QByteArray C07Header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const QByteArray C07Payload = "eyJzdWIiOiI_Pz4-fn5hIiwiZXhwIjoxNzAwMDAwMDAwfQ";
const QByteArray C07Signature = "rfGLBq_HC7YLW1oin6q8xKExHRwxJDfI5XHxfqJn0Fk";
const QByteArray C07Token = C07Header + '.' + C07Payload + '.' + C07Signature;

// RFC 7519 section 3.1 (the HS256 example) and section 6.1 (the unsecured example).
const QByteArray Rfc7519Payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                                  "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
const QByteArray Rfc7519Token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + Rfc7519Payload
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const QByteArray Rfc7519UnsecuredToken = "eyJhbGciOiJub25lIn0." + Rfc7519Payload + '.';

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray withPayloadSegment(const QByteArray &segment)
{
    return C07Header + '.' + segment + '.' + C07Signature;
}

QByteArray tokenWithPayload(const QByteArray &payloadJson)
{
    return withPayloadSegment(base64Url(payloadJson));
}

QByteArray tokenWithHeader(const QByteArray &headerJson)
{
    return base64Url(headerJson) + '.' + C07Payload + '.' + C07Signature;
}

QByteArray replaced(QByteArray text, qsizetype position, char c)
{
    text[position] = c;
    return text;
}

QByteArray inserted(QByteArray text, qsizetype position, const QByteArray &what)
{
    return text.insert(position, what);
}

QStringList capturedMessages;

void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedMessages.append(message);
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void decodesBase64Url_data();
    void decodesBase64Url();
    void rejectsNonBase64Url_data();
    void rejectsNonBase64Url();
    void decodesRfc7519Examples_data();
    void decodesRfc7519Examples();
    void decodesC07Token();
    void reportsDecodeErrors_data();
    void reportsDecodeErrors();
    void keepsPartsDecodedBeforeAFailure();
    void defaultIsNull();
    void readsClaimTimes_data();
    void readsClaimTimes();
    void showsExpiryInUtc_data();
    void showsExpiryInUtc();
    void convertsNumericDates_data();
    void convertsNumericDates();
    void readsTokenType_data();
    void readsTokenType();
    void neverCrashes_data();
    void neverCrashes();
    void survivesRandomDamage();
    void logsNothing();
};

void TestJwt::decodesBase64Url_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("decoded");

    // RFC 4648 section 10, with the padding removed as JWS requires.
    QTest::newRow("RFC 4648: empty") << QByteArray("") << QByteArray("");
    QTest::newRow("RFC 4648: f") << QByteArray("Zg") << QByteArray("f");
    QTest::newRow("RFC 4648: fo") << QByteArray("Zm8") << QByteArray("fo");
    QTest::newRow("RFC 4648: foo") << QByteArray("Zm9v") << QByteArray("foo");
    QTest::newRow("RFC 4648: foob") << QByteArray("Zm9vYg") << QByteArray("foob");
    QTest::newRow("RFC 4648: fooba") << QByteArray("Zm9vYmE") << QByteArray("fooba");
    QTest::newRow("RFC 4648: foobar") << QByteArray("Zm9vYmFy") << QByteArray("foobar");
    QTest::newRow("0xfb 0xff uses '-' and '_'") << QByteArray("-_8") << QByteArray("\xfb\xff");
    QTest::newRow("0xfb 0xef 0xbe is all '-'") << QByteArray("----") << QByteArray("\xfb\xef\xbe");
    QTest::newRow("0xff 0xff 0xff is all '_'") << QByteArray("____") << QByteArray("\xff\xff\xff");
    QTest::newRow("NUL bytes survive") << QByteArray("AAEC") << QByteArray("\0\1\2", 3);
    QTest::newRow("C07 payload") << C07Payload
                                 << QByteArray(R"({"sub":"??>>~~a","exp":1700000000})");
}

void TestJwt::decodesBase64Url()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, decoded);

    const std::optional<QByteArray> result = decodeBase64Url(encoded);
    QVERIFY(result.has_value());
    QCOMPARE(*result, decoded);
    QCOMPARE(base64Url(decoded), encoded);
}

void TestJwt::rejectsNonBase64Url_data()
{
    QTest::addColumn<QByteArray>("segment");

    QTest::newRow("'+' of standard base64") << QByteArray("+_8");
    QTest::newRow("'/' of standard base64") << QByteArray("-/8");
    QTest::newRow("'==' padding") << QByteArray("Zg==");
    QTest::newRow("'=' padding") << QByteArray("Zm8=");
    QTest::newRow("'=' in the middle") << QByteArray("Zm=v");
    QTest::newRow("space inside") << QByteArray("Zm9 v");
    QTest::newRow("leading space") << QByteArray(" Zm9v");
    QTest::newRow("trailing newline") << QByteArray("Zm9v\n");
    QTest::newRow("tab") << QByteArray("Zm\t9v");
    QTest::newRow("dot") << QByteArray("Zm.9v");
    QTest::newRow("NUL byte") << QByteArray("Zm\0v", 4);
    QTest::newRow("non-ASCII byte") << QByteArray("Zm9\xc3\xa9");
    QTest::newRow("length 1") << QByteArray("Z");
    QTest::newRow("length 5") << QByteArray("Zm9vY");
    QTest::newRow("unused bits set after one byte (Zh, canonical Zg)") << QByteArray("Zh");
    QTest::newRow("unused bits set after two bytes (Zm9, canonical Zm8)") << QByteArray("Zm9");
    QTest::newRow("C07 payload in standard base64")
            << QByteArray("eyJzdWIiOiI/Pz4+fn5hIiwiZXhwIjoxNzAwMDAwMDAwfQ");
}

void TestJwt::rejectsNonBase64Url()
{
    QFETCH(QByteArray, segment);

    QCOMPARE(decodeBase64Url(segment), std::nullopt);
}

void TestJwt::decodesRfc7519Examples_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("headerBytes");
    QTest::addColumn<QString>("alg");

    QTest::newRow("RFC 7519 section 3.1: HS256")
            << Rfc7519Token << QByteArray("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}")
            << QStringLiteral("HS256");
    QTest::newRow("RFC 7519 section 6.1: unsecured, empty signature")
            << Rfc7519UnsecuredToken << QByteArray(R"({"alg":"none"})") << QStringLiteral("none");
}

void TestJwt::decodesRfc7519Examples()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, headerBytes);
    QFETCH(QString, alg);

    QCOMPARE(decodeBase64Url(token.left(token.indexOf('.'))), headerBytes);
    QCOMPARE(decodeBase64Url(Rfc7519Payload),
             QByteArray("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n"
                        " \"http://example.com/is_root\":true}"));

    const Jwt jwt = Jwt::decode(token);
    QVERIFY2(jwt.isValid(), qPrintable(jwt.error()));
    QCOMPARE(jwt.error(), QString());
    QCOMPARE(jwt.raw(), token);
    QVERIFY(jwt.header().member(QStringLiteral("alg")));
    QCOMPARE(jwt.header().member(QStringLiteral("alg"))->text, alg);
    QCOMPARE(jwt.payload().toJson(),
             QStringLiteral("{\"iss\":\"joe\",\"exp\":1300819380,"
                            "\"http://example.com/is_root\":true}"));
    const JsonNode *isRoot = jwt.payload().member(QStringLiteral("http://example.com/is_root"));
    QVERIFY(isRoot);
    QCOMPARE(isRoot->kind, JsonNode::Bool);
    QCOMPARE(jwt.expiry().state, ClaimTime::Valid);
    QCOMPARE(jwt.expiry().msecs, Q_INT64_C(1300819380000));
    QCOMPARE(jwt.issuedAt().state, ClaimTime::Missing);
    QCOMPARE(jwt.notBefore().state, ClaimTime::Missing);
    QCOMPARE(jwt.warnings(), QStringList());
}

void TestJwt::decodesC07Token()
{
    const Jwt jwt = Jwt::decode(C07Token);
    QVERIFY2(jwt.isValid(), qPrintable(jwt.error()));
    QVERIFY(jwt.payload().member(QStringLiteral("sub")));
    QCOMPARE(jwt.payload().member(QStringLiteral("sub"))->text, QStringLiteral("?\?>>~~a"));
    QCOMPARE(jwt.expiry().state, ClaimTime::Valid);
    QCOMPARE(jwt.expiry().msecs, Q_INT64_C(1700000000000));
    QCOMPARE(jwt.expiry().raw, QStringLiteral("1700000000"));
    QCOMPARE(jwt.header().toJson(), QStringLiteral(R"({"alg":"HS256","typ":"JWT"})"));
    QCOMPARE(jwt.warnings(), QStringList());
}

void TestJwt::reportsDecodeErrors_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("error");

    const QByteArray standardPayload = "eyJzdWIiOiI/Pz4+fn5hIiwiZXhwIjoxNzAwMDAwMDAwfQ";

    QTest::newRow("empty token") << QByteArray() << "the token is empty";
    QTest::newRow("one part") << QByteArray("abc") << "expected 3 parts, found 1";
    QTest::newRow("two parts") << C07Header + '.' + C07Payload << "expected 3 parts, found 2";
    QTest::newRow("four parts") << C07Token + ".x"
                                << "expected 3 parts, found 4";
    QTest::newRow("dots only") << QByteArray(".....") << "expected 3 parts, found 6";
    QTest::newRow("empty header") << '.' + C07Payload + '.' + C07Signature << "header is empty";
    QTest::newRow("empty payload") << withPayloadSegment("") << "payload is empty";
    QTest::newRow("C07 payload in standard base64 ('/' and '+')")
            << withPayloadSegment(standardPayload)
            << "payload is not base64url (found '/' at position 11)";
    QTest::newRow("C07 payload with '+' for '-'")
            << withPayloadSegment(replaced(C07Payload, 15, '+'))
            << "payload is not base64url (found '+' at position 15)";
    QTest::newRow("C07 payload with '/' for '_'")
            << withPayloadSegment(replaced(C07Payload, 11, '/'))
            << "payload is not base64url (found '/' at position 11)";
    QTest::newRow("C07 payload with a space inserted")
            << withPayloadSegment(inserted(C07Payload, 20, " "))
            << "payload is not base64url (found a space at position 20)";
    QTest::newRow("C07 payload with '==' padding")
            << withPayloadSegment(C07Payload + "==")
            << "payload is not base64url (found '=' at position 46)";
    QTest::newRow("C07 payload with a line break")
            << withPayloadSegment(inserted(C07Payload, 30, "\r\n"))
            << "payload is not base64url (found byte 0x0D at position 30)";
    QTest::newRow("'Bearer ' prefix left on")
            << "Bearer " + C07Token << "header is not base64url (found a space at position 6)";
    QTest::newRow("binary bytes") << QByteArray("\x00\xff.\x01.\x02", 6)
                                  << "header is not base64url (found byte 0x00 at position 0)";
    QTest::newRow("payload of 5 characters")
            << withPayloadSegment("eyJ9e")
            << "payload is not base64url (length 5 leaves one character over)";
    QTest::newRow("header with unused bits set (e31, canonical e30)")
            << "e31." + C07Payload + '.' + C07Signature
            << "header is not base64url (the last character has unused bits set)";
    QTest::newRow("header is not JSON")
            << tokenWithHeader("not json")
            << "header is not valid JSON (invalid literal, expected null at byte 0)";
    QTest::newRow("header is a JSON array")
            << tokenWithHeader("[]") << "header is an array, not a JSON object";
    QTest::newRow("payload is a JSON string")
            << tokenWithPayload(R"("exp")") << "payload is a string, not a JSON object";
    QTest::newRow("payload is the number 1700000000")
            << tokenWithPayload("1700000000") << "payload is a number, not a JSON object";
    QTest::newRow("payload with a trailing comma")
            << tokenWithPayload(R"({"exp":1,})")
            << "payload is not valid JSON (trailing comma before '}' at byte 8)";
    QTest::newRow("payload with trailing garbage")
            << tokenWithPayload(R"({"exp":1}x)")
            << "payload is not valid JSON (unexpected 'x' after the JSON value at byte 9)";
    QTest::newRow("payload with a comment")
            << tokenWithPayload(R"({"exp":1/*x*/})")
            << "payload is not valid JSON (comments are not allowed in JSON at byte 8)";
    QTest::newRow("payload with invalid UTF-8")
            << tokenWithPayload("{\"sub\":\"\xff\"}")
            << "payload is not valid JSON (invalid UTF-8 at byte 8)";
    QTest::newRow("payload with a lone surrogate")
            << tokenWithPayload(R"({"sub":"\uD800"})")
            << "payload is not valid JSON (lone high surrogate \\uD800 at byte 8)";
    QTest::newRow("payload nested 100000 deep")
            << tokenWithPayload(QByteArray(100000, '['))
            << "payload is not valid JSON (nesting deeper than 64 levels at byte 64)";
    QTest::newRow("signature with '+'") << C07Header + '.' + C07Payload + ".ab+c"
                                        << "signature is not base64url (found '+' at position 2)";
    QTest::newRow("signature with '=' padding")
            << C07Header + '.' + C07Payload + ".Zg=="
            << "signature is not base64url (found '=' at position 2)";
    QTest::newRow("signature of 1 character")
            << C07Header + '.' + C07Payload + ".Z"
            << "signature is not base64url (length 1 leaves one character over)";
}

void TestJwt::reportsDecodeErrors()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, error);

    const Jwt jwt = Jwt::decode(token);
    QCOMPARE(jwt.error(), error);
    QVERIFY(!jwt.isValid());
    QCOMPARE(jwt.raw(), token);
}

void TestJwt::keepsPartsDecodedBeforeAFailure()
{
    const Jwt jwt = Jwt::decode(C07Header + '.' + replaced(C07Payload, 15, '+') + '.');
    QVERIFY(!jwt.isValid());
    QVERIFY(!jwt.isNull());
    QCOMPARE(jwt.header().toJson(), QStringLiteral(R"({"alg":"HS256","typ":"JWT"})"));
    QCOMPARE(jwt.payload().kind, JsonNode::Null);
    QCOMPARE(jwt.expiry().state, ClaimTime::Missing);
}

void TestJwt::defaultIsNull()
{
    const Jwt jwt;
    QVERIFY(jwt.isNull());
    QVERIFY(!jwt.isValid());
    QCOMPARE(jwt.error(), QString());
    QCOMPARE(jwt.expiry().state, ClaimTime::Missing);
    QCOMPARE(jwt.tokenType(), QString());

    const Jwt empty = Jwt::decode(QByteArray());
    QVERIFY(empty.isNull());
    QVERIFY(!empty.isValid());
}

void TestJwt::readsClaimTimes_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("claim");
    QTest::addColumn<ClaimTime::State>("state");
    QTest::addColumn<qint64>("msecs");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QStringList>("warnings");

    const QString exp = QStringLiteral("exp");
    const QString iat = QStringLiteral("iat");
    const QString nbf = QStringLiteral("nbf");
    const QStringList none;

    QTest::newRow("C07: integer exp")
            << QByteArray(R"({"sub":"??>>~~a","exp":1700000000})") << exp << ClaimTime::Valid
            << Q_INT64_C(1700000000000) << "1700000000" << none;
    QTest::newRow("C08: exp .75 kept to the millisecond")
            << QByteArray(R"({"exp":1700000000.75})") << exp << ClaimTime::Valid
            << Q_INT64_C(1700000000750) << "1700000000.75" << none;
    QTest::newRow("exp below a millisecond is truncated toward the past")
            << QByteArray(R"({"exp":1700000000.9999})") << exp << ClaimTime::Valid
            << Q_INT64_C(1700000000999) << "1700000000.9999" << none;
    QTest::newRow("C08: exp as a string is invalid, kept as given, warned")
            << QByteArray(R"({"exp":"1700000000"})") << exp << ClaimTime::Invalid << Q_INT64_C(0)
            << "\"1700000000\""
            << QStringList {QStringLiteral("exp is a string, not a number: expiry unknown")};
    QTest::newRow("C08: exp in 2100 does not overflow 32 bits")
            << QByteArray(R"({"exp":4102444800})") << exp << ClaimTime::Valid
            << Q_INT64_C(4102444800000) << "4102444800" << none;
    QTest::newRow("C08: missing exp is no known expiry, not expired")
            << QByteArray(R"({"sub":"x"})") << exp << ClaimTime::Missing << Q_INT64_C(0)
            << QString() << none;
    QTest::newRow("exp 1.7e9") << QByteArray(R"({"exp":1.7e9})") << exp << ClaimTime::Valid
                               << Q_INT64_C(1700000000000) << "1.7e9" << none;
    QTest::newRow("exp 17E+8") << QByteArray(R"({"exp":17E+8})") << exp << ClaimTime::Valid
                               << Q_INT64_C(1700000000000) << "17E+8" << none;
    QTest::newRow("exp 0 is the epoch")
            << QByteArray(R"({"exp":0})") << exp << ClaimTime::Valid << Q_INT64_C(0) << "0" << none;
    QTest::newRow("negative exp is invalid, warned")
            << QByteArray(R"({"exp":-1})") << exp << ClaimTime::Invalid << Q_INT64_C(0) << "-1"
            << QStringList {QStringLiteral("exp is negative: expiry unknown")};
    QTest::newRow("exp 1e400 is out of range, not wrapped")
            << QByteArray(R"({"exp":1e400})") << exp << ClaimTime::Invalid << Q_INT64_C(0)
            << "1e400"
            << QStringList {QStringLiteral("exp is after the year 9999: expiry unknown")};
    QTest::newRow("exp of twenty nines is out of range, not wrapped")
            << QByteArray(R"({"exp":99999999999999999999})") << exp << ClaimTime::Invalid
            << Q_INT64_C(0) << "99999999999999999999"
            << QStringList {QStringLiteral("exp is after the year 9999: expiry unknown")};
    QTest::newRow("exp of INT64_MAX seconds would wrap as milliseconds")
            << QByteArray(R"({"exp":9223372036854775807})") << exp << ClaimTime::Invalid
            << Q_INT64_C(0) << "9223372036854775807"
            << QStringList {QStringLiteral("exp is after the year 9999: expiry unknown")};
    QTest::newRow("exp null is invalid, warned")
            << QByteArray(R"({"exp":null})") << exp << ClaimTime::Invalid << Q_INT64_C(0) << "null"
            << QStringList {QStringLiteral("exp is null, not a number: expiry unknown")};
    QTest::newRow("exp true is invalid, warned")
            << QByteArray(R"({"exp":true})") << exp << ClaimTime::Invalid << Q_INT64_C(0) << "true"
            << QStringList {QStringLiteral("exp is a boolean, not a number: expiry unknown")};
    QTest::newRow("exp object is invalid, raw is its JSON")
            << QByteArray(R"({"exp":{"s": 1}})") << exp << ClaimTime::Invalid << Q_INT64_C(0)
            << R"({"s":1})"
            << QStringList {QStringLiteral("exp is an object, not a number: expiry unknown")};
    QTest::newRow("repeated exp: the last one counts")
            << QByteArray(R"({"exp":1,"exp":2})") << exp << ClaimTime::Valid << Q_INT64_C(2000)
            << "2" << none;

    // SimpleJWT 5.2.2 refresh: iat is the login time, 3 hours before an exp 5 minutes ahead.
    const QByteArray c06 = R"({"token_type":"access","exp":1700000300,"iat":1699989500,)"
                           R"("jti":"2f1c","user_id":42})";
    QTest::newRow("C06: exp of a token with a 3-hour-old iat, no age warning")
            << c06 << exp << ClaimTime::Valid << Q_INT64_C(1700000300000) << "1700000300" << none;
    QTest::newRow("C06: its iat is read as is, no age warning")
            << c06 << iat << ClaimTime::Valid << Q_INT64_C(1699989500000) << "1699989500" << none;
    QTest::newRow("iat as a string names the issue time")
            << QByteArray(R"({"iat":"now"})") << iat << ClaimTime::Invalid << Q_INT64_C(0)
            << "\"now\""
            << QStringList {QStringLiteral("iat is a string, not a number: issue time unknown")};
    QTest::newRow("nbf read") << QByteArray(R"({"nbf":1700000000.5})") << nbf << ClaimTime::Valid
                              << Q_INT64_C(1700000000500) << "1700000000.5" << none;
    QTest::newRow("negative nbf names the start time")
            << QByteArray(R"({"nbf":-5})") << nbf << ClaimTime::Invalid << Q_INT64_C(0) << "-5"
            << QStringList {QStringLiteral("nbf is negative: start time unknown")};
    QTest::newRow("every bad claim is warned, in exp, iat, nbf order")
            << QByteArray(R"({"nbf":"a","iat":"b","exp":"c"})") << nbf << ClaimTime::Invalid
            << Q_INT64_C(0) << "\"a\""
            << QStringList {QStringLiteral("exp is a string, not a number: expiry unknown"),
                            QStringLiteral("iat is a string, not a number: issue time unknown"),
                            QStringLiteral("nbf is a string, not a number: start time unknown")};
}

void TestJwt::readsClaimTimes()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, claim);
    QFETCH(ClaimTime::State, state);
    QFETCH(qint64, msecs);
    QFETCH(QString, raw);
    QFETCH(QStringList, warnings);

    const Jwt jwt = Jwt::decode(tokenWithPayload(payload));
    QVERIFY2(jwt.isValid(), qPrintable(jwt.error()));
    const ClaimTime time = claim == QLatin1String("exp") ? jwt.expiry()
            : claim == QLatin1String("iat")              ? jwt.issuedAt()
                                                         : jwt.notBefore();
    QCOMPARE(time.state, state);
    QCOMPARE(time.isValid(), state == ClaimTime::Valid);
    if (state == ClaimTime::Valid)
        QCOMPARE(time.msecs, msecs);
    QCOMPARE(time.raw, raw);
    QCOMPARE(jwt.warnings(), warnings);
}

void TestJwt::showsExpiryInUtc_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("utc");

    QTest::newRow("C07: 2023-11-14 22:13:20") << C07Token << "2023-11-14T22:13:20.000Z";
    QTest::newRow("C08: fraction .75 shows as .750")
            << tokenWithPayload(R"({"exp":1700000000.75})") << "2023-11-14T22:13:20.750Z";
    QTest::newRow("C08: 4102444800 is the year 2100")
            << tokenWithPayload(R"({"exp":4102444800})") << "2100-01-01T00:00:00.000Z";
}

void TestJwt::showsExpiryInUtc()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, utc);

    const Jwt jwt = Jwt::decode(token);
    QVERIFY(jwt.expiry().isValid());
    QCOMPARE(
            QDateTime::fromMSecsSinceEpoch(jwt.expiry().msecs, Qt::UTC).toString(Qt::ISODateWithMs),
            utc);
}

void TestJwt::convertsNumericDates_data()
{
    QTest::addColumn<QString>("literal");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("msecs");

    QTest::newRow("zero") << "0" << true << Q_INT64_C(0);
    QTest::newRow("negative zero is zero") << "-0" << true << Q_INT64_C(0);
    QTest::newRow("integer seconds") << "1700000000" << true << Q_INT64_C(1700000000000);
    QTest::newRow("fraction .75") << "1700000000.75" << true << Q_INT64_C(1700000000750);
    QTest::newRow("fraction .7509 truncated")
            << "1700000000.7509" << true << Q_INT64_C(1700000000750);
    QTest::newRow("fraction .0009 truncated to the second")
            << "1700000000.0009" << true << Q_INT64_C(1700000000000);
    QTest::newRow("half a millisecond is 0") << "0.0005" << true << Q_INT64_C(0);
    QTest::newRow("1.7e9") << "1.7e9" << true << Q_INT64_C(1700000000000);
    QTest::newRow("1.7E9") << "1.7E9" << true << Q_INT64_C(1700000000000);
    QTest::newRow("1.7e+9") << "1.7e+9" << true << Q_INT64_C(1700000000000);
    QTest::newRow("170000000000e-2") << "170000000000e-2" << true << Q_INT64_C(1700000000000);
    QTest::newRow("1700000000750e-3") << "1700000000750e-3" << true << Q_INT64_C(1700000000750);
    QTest::newRow("1e-3 is one millisecond") << "1e-3" << true << Q_INT64_C(1);
    QTest::newRow("1e-4 is below a millisecond") << "1e-4" << true << Q_INT64_C(0);
    QTest::newRow("zero with a huge exponent") << "0e99999999999999999999" << true << Q_INT64_C(0);
    QTest::newRow("huge negative exponent") << "1e-99999999999999999999" << true << Q_INT64_C(0);
    QTest::newRow("year 2100") << "4102444800" << true << Q_INT64_C(4102444800000);
    QTest::newRow("last millisecond of the year 9999")
            << "253402300799.999" << true << Q_INT64_C(253402300799999);
    QTest::newRow("1000 fraction digits")
            << "1." + QString(1000, QLatin1Char('9')) << true << Q_INT64_C(1999);
    QTest::newRow("fraction digits past the millisecond ignored")
            << "1700000000.750000000000000000000001" << true << Q_INT64_C(1700000000750);
    QTest::newRow("fraction just below .75 is not rounded up as a double would")
            << "1700000000.74999999999999999999" << true << Q_INT64_C(1700000000749);
    QTest::newRow("just below one millisecond is not rounded up as a double would")
            << "0.00099999999999999999999" << true << Q_INT64_C(0);
    QTest::newRow("integer beyond a double's precision, scaled down")
            << "1700000000123456789e-9" << true << Q_INT64_C(1700000000123);

    QTest::newRow("empty") << "" << false << Q_INT64_C(0);
    QTest::newRow("leading space") << " 1" << false << Q_INT64_C(0);
    QTest::newRow("trailing space") << "1 " << false << Q_INT64_C(0);
    QTest::newRow("plus sign") << "+1" << false << Q_INT64_C(0);
    QTest::newRow("leading zero") << "01" << false << Q_INT64_C(0);
    QTest::newRow("point without fraction") << "1." << false << Q_INT64_C(0);
    QTest::newRow("fraction without integer") << ".5" << false << Q_INT64_C(0);
    QTest::newRow("exponent without digits") << "1e" << false << Q_INT64_C(0);
    QTest::newRow("exponent sign without digits") << "1e+" << false << Q_INT64_C(0);
    QTest::newRow("lone minus") << "-" << false << Q_INT64_C(0);
    QTest::newRow("word") << "abc" << false << Q_INT64_C(0);
    QTest::newRow("NaN") << "NaN" << false << Q_INT64_C(0);
    QTest::newRow("Infinity") << "Infinity" << false << Q_INT64_C(0);
    QTest::newRow("hexadecimal") << "0x10" << false << Q_INT64_C(0);
    QTest::newRow("digit separator") << "1_000" << false << Q_INT64_C(0);
    QTest::newRow("decimal comma") << "1,5" << false << Q_INT64_C(0);
    QTest::newRow("quoted") << "\"1700000000\"" << false << Q_INT64_C(0);
    QTest::newRow("full-width digit") << QString(QChar(0xff11)) << false << Q_INT64_C(0);
    QTest::newRow("negative") << "-1" << false << Q_INT64_C(0);
    QTest::newRow("negative millisecond") << "-0.001" << false << Q_INT64_C(0);
    QTest::newRow("negative below a millisecond") << "-0.0001" << false << Q_INT64_C(0);
    QTest::newRow("1e400 overflows") << "1e400" << false << Q_INT64_C(0);
    QTest::newRow("twenty nines overflow") << "99999999999999999999" << false << Q_INT64_C(0);
    QTest::newRow("INT64_MAX seconds overflow as milliseconds")
            << "9223372036854775807" << false << Q_INT64_C(0);
    QTest::newRow("first second of the year 10000") << "253402300800" << false << Q_INT64_C(0);
    QTest::newRow("huge exponent") << "1e99999999999999999999" << false << Q_INT64_C(0);
}

void TestJwt::convertsNumericDates()
{
    QFETCH(QString, literal);
    QFETCH(bool, ok);
    QFETCH(qint64, msecs);

    qint64 actual = -12345;
    QCOMPARE(numericDateToMsecs(literal, &actual), ok);
    QCOMPARE(actual, ok ? msecs : Q_INT64_C(-12345)); // untouched on failure
}

void TestJwt::readsTokenType_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("warnings");

    QTest::newRow("access") << QByteArray(R"({"token_type":"access"})") << "access"
                            << QStringList();
    QTest::newRow("refresh") << QByteArray(R"({"token_type":"refresh"})") << "refresh"
                             << QStringList();
    QTest::newRow("missing is empty") << QByteArray(R"({"exp":1})") << QString() << QStringList();
    QTest::newRow("a number is empty, warned")
            << QByteArray(R"({"token_type":1})") << QString()
            << QStringList {QStringLiteral("token_type is a number, not a string")};
}

void TestJwt::readsTokenType()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, type);
    QFETCH(QStringList, warnings);

    const Jwt jwt = Jwt::decode(tokenWithPayload(payload));
    QVERIFY2(jwt.isValid(), qPrintable(jwt.error()));
    QCOMPARE(jwt.tokenType(), type);
    QCOMPARE(jwt.warnings(), warnings);
}

void TestJwt::neverCrashes_data()
{
    QTest::addColumn<QByteArray>("token");

    QByteArray allBytes;
    for (int i = 0; i < 256; ++i)
        allBytes.append(char(i));

    QTest::newRow("16 MB of base64url in three parts")
            << QByteArray(8 << 20, 'A') + '.' + QByteArray(8 << 20, 'A') + ".AA";
    QTest::newRow("a million dots") << QByteArray(1000000, '.');
    QTest::newRow("all 256 byte values") << allBytes;
    QTest::newRow("NUL bytes between dots") << QByteArray("\0.\0.\0", 5);
    QTest::newRow("two dots") << QByteArray("..");
    QTest::newRow("header of 100000 '{'")
            << base64Url(QByteArray(100000, '{')) + '.' + C07Payload + '.';
    QTest::newRow("payload of 100000 nested objects")
            << tokenWithPayload(QByteArray("{\"a\":").repeated(100000));
    QTest::newRow("payload of random bytes")
            << tokenWithPayload(QByteArray("\xff\xfe\x00\x01\x80", 5));
    QTest::newRow("payload with a 1 MB string")
            << tokenWithPayload("{\"sub\":\"" + QByteArray(1 << 20, 'x') + "\"}");
}

void TestJwt::neverCrashes()
{
    QFETCH(QByteArray, token);

    const Jwt jwt = Jwt::decode(token);
    QCOMPARE(jwt.raw(), token);
    QCOMPARE(jwt.isValid(), jwt.error().isEmpty());
}

// Damaged copies of a good token: each must decode or fail with words, and never crash.
void TestJwt::survivesRandomDamage()
{
    QRandomGenerator random(20231114);
    for (int round = 0; round < 20000; ++round) {
        QByteArray token = C07Token;
        const int damage = 1 + int(random.bounded(4));
        for (int i = 0; i < damage; ++i) {
            const qsizetype at = random.bounded(token.size() + 1);
            const char byte = char(random.bounded(256));
            switch (random.bounded(3)) {
            case 0:
                if (at < token.size())
                    token[at] = byte;
                break;
            case 1:
                token.insert(at, byte);
                break;
            default:
                token.remove(at, 1);
            }
        }
        const Jwt jwt = Jwt::decode(token);
        QCOMPARE(jwt.raw(), token);
        QCOMPARE(jwt.isValid(), jwt.error().isEmpty() && !token.isEmpty());
    }
}

// The decoder is a value type: it reports through error() and warnings(), and a token must never
// reach the log through it.
void TestJwt::logsNothing()
{
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true"));
    capturedMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    Jwt::decode(C07Token);
    Jwt::decode(tokenWithPayload(R"({"exp":"1700000000","token_type":1})"));
    Jwt::decode(C07Header + '.' + replaced(C07Payload, 15, '+') + '.' + C07Signature);
    Jwt::decode(QByteArray(100, '.'));

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QCOMPARE(capturedMessages, QStringList());
}

QTEST_APPLESS_MAIN(TestJwt)
#include "tst_jwt.moc"
