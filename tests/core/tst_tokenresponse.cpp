// What the obtain and refresh endpoints' answers mean, from their bytes alone (C03, C04 and the
// hostile answers of issue 3): nothing odd is ever taken for a token.
#include "TokenResponse.h"

#include <QTest>

using namespace Kini;

Q_DECLARE_METATYPE(Kini::TokenCall)

class tst_TokenResponse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void judges_data();
    void judges();
    void customFieldNames();
    void headerSafeTokens_data();
    void headerSafeTokens();
};

void tst_TokenResponse::judges_data()
{
    QTest::addColumn<TokenCall>("call");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("says");
    QTest::addColumn<QByteArray>("access");
    QTest::addColumn<QByteArray>("refresh");

    const auto obtain = TokenCall::Obtain;
    const auto refresh = TokenCall::Refresh;
    const QByteArray json = "application/json";
    const int tokens = TokenResponse::Tokens;
    const int rejected = TokenResponse::Rejected;
    const int failed = TokenResponse::Failed;

    QTest::newRow("obtain: a pair")
            << obtain << 200 << json << QByteArray(R"({"refresh": "r.r.r", "access": "a.a.a"})")
            << tokens << int(ApiError::None) << "" << QByteArray("a.a.a") << QByteArray("r.r.r");
    QTest::newRow("obtain: no refresh token is an error")
            << obtain << 200 << json << QByteArray(R"({"access": "a.a.a"})") << failed
            << int(ApiError::InvalidResponse) << "refresh" << QByteArray() << QByteArray();
    QTest::newRow("C03 refresh: access only keeps the old refresh token")
            << refresh << 200 << json << QByteArray(R"({"access": "a.a.a"})") << tokens
            << int(ApiError::None) << "" << QByteArray("a.a.a") << QByteArray();
    QTest::newRow("C03 refresh: neither field")
            << refresh << 200 << json << QByteArray(R"({"detail": "ok"})") << failed
            << int(ApiError::InvalidResponse) << "access" << QByteArray() << QByteArray();
    QTest::newRow("C04 obtain 401: wrong password")
            << obtain << 401 << json
            << QByteArray(R"({"detail": "No active account found with the given credentials"})")
            << rejected << int(ApiError::WrongCredentials) << "Wrong username or password"
            << QByteArray() << QByteArray();
    QTest::newRow("C04 obtain 400: field messages")
            << obtain << 400 << json << QByteArray(R"({"username": ["This field is required."]})")
            << failed << int(ApiError::BadRequest) << "username: This field is required."
            << QByteArray() << QByteArray();
    QTest::newRow("C04 refresh 401 token_not_valid: session over")
            << refresh << 401 << json
            << QByteArray(R"({"detail": "Token is blacklisted", "code": "token_not_valid"})")
            << rejected << int(ApiError::SessionExpired) << "Token is blacklisted" << QByteArray()
            << QByteArray();
    QTest::newRow("C04 HTML 502") << refresh << 502 << QByteArray("text/html")
                                  << QByteArray("<html><h1>Bad Gateway</h1></html>") << failed
                                  << int(ApiError::InvalidResponse) << "server answered HTML (502)"
                                  << QByteArray() << QByteArray();
    QTest::newRow("HTML 401 from a proxy is not a dead session")
            << refresh << 401 << QByteArray("text/html") << QByteArray("<html>denied</html>")
            << failed << int(ApiError::InvalidResponse) << "HTML (401)" << QByteArray()
            << QByteArray();
    QTest::newRow("HTML with a 200")
            << obtain << 200 << QByteArray() << QByteArray("<!doctype html>") << failed
            << int(ApiError::InvalidResponse) << "HTML (200)" << QByteArray() << QByteArray();
    QTest::newRow("truncated JSON")
            << refresh << 200 << json << QByteArray(R"({"access": "a.a)") << failed
            << int(ApiError::InvalidResponse) << "not a JSON" << QByteArray() << QByteArray();
    QTest::newRow("empty body") << obtain << 200 << json << QByteArray() << failed
                                << int(ApiError::InvalidResponse) << "empty body" << QByteArray()
                                << QByteArray();
    QTest::newRow("a JSON array") << obtain << 200 << json << QByteArray(R"(["a.a.a"])") << failed
                                  << int(ApiError::InvalidResponse) << "not an object"
                                  << QByteArray() << QByteArray();
    QTest::newRow("wrong types") << obtain << 200 << json
                                 << QByteArray(R"({"access": 12, "refresh": ["r"]})") << failed
                                 << int(ApiError::InvalidResponse) << "access" << QByteArray()
                                 << QByteArray();
    QTest::newRow("refresh of the wrong type")
            << refresh << 200 << json << QByteArray(R"({"access": "a.a.a", "refresh": 7})")
            << failed << int(ApiError::InvalidResponse) << "refresh" << QByteArray()
            << QByteArray();
    QTest::newRow("empty strings")
            << obtain << 200 << json << QByteArray(R"({"access": "", "refresh": ""})") << failed
            << int(ApiError::InvalidResponse) << "access" << QByteArray() << QByteArray();
    QTest::newRow("CRLF in the access token")
            << refresh << 200 << json << QByteArray(R"({"access": "a.b\r\nX-Evil: 1"})") << failed
            << int(ApiError::InvalidResponse) << "header" << QByteArray() << QByteArray();
    QTest::newRow("space in the refresh token")
            << obtain << 200 << json << QByteArray(R"({"access": "a.a.a", "refresh": "r r"})")
            << failed << int(ApiError::InvalidResponse) << "refresh" << QByteArray()
            << QByteArray();
    QTest::newRow("a refresh token of padding only (fuzz finding)")
            << obtain << 200 << json << QByteArray(R"({"access": "a.a.a", "refresh": "=="})")
            << failed << int(ApiError::InvalidResponse) << "refresh" << QByteArray()
            << QByteArray();
    QTest::newRow("non-ASCII token")
            << obtain << 200 << json << QByteArray(R"({"access": "a.\u00e9.a", "refresh": "r"})")
            << failed << int(ApiError::InvalidResponse) << "header" << QByteArray() << QByteArray();
    QByteArray huge = R"({"access": ")" + QByteArray(10 * 1024 * 1024, 'a') + R"("})";
    QTest::newRow("a 10 MB answer")
            << obtain << 200 << json << huge << failed << int(ApiError::InvalidResponse)
            << "larger than" << QByteArray() << QByteArray();
    QTest::newRow("500 with JSON detail")
            << refresh << 500 << json << QByteArray(R"({"detail": "database down"})") << failed
            << int(ApiError::Http) << "database down" << QByteArray() << QByteArray();
}

void tst_TokenResponse::judges()
{
    QFETCH(TokenCall, call);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, outcome);
    QFETCH(int, kind);
    QFETCH(QString, says);
    QFETCH(QByteArray, access);
    QFETCH(QByteArray, refresh);

    const TokenResponse response = parseTokenResponse(call, status, contentType, body, {});
    QCOMPARE(int(response.outcome), outcome);
    QCOMPARE(int(response.error.kind), kind);
    QVERIFY2(response.error.message.contains(says), qPrintable(response.error.message));
    QCOMPARE(response.access, access);
    QCOMPARE(response.refresh, refresh);
    QCOMPARE(response.status, status);
}

void tst_TokenResponse::customFieldNames()
{
    ServerConfig config;
    config.accessField = QStringLiteral("token");
    config.refreshField = QStringLiteral("renew");
    const TokenResponse ok
            = parseTokenResponse(TokenCall::Obtain, 200, "application/json",
                                 R"({"token": "a.a.a", "renew": "r.r.r", "access": "x"})", config);
    QCOMPARE(ok.outcome, TokenResponse::Tokens);
    QCOMPARE(ok.access, QByteArray("a.a.a"));
    QCOMPARE(ok.refresh, QByteArray("r.r.r"));

    const TokenResponse missing = parseTokenResponse(TokenCall::Obtain, 200, "application/json",
                                                     R"({"access": "a", "refresh": "r"})", config);
    QCOMPARE(missing.outcome, TokenResponse::Failed);
    QVERIFY(missing.error.message.contains(QLatin1String("\"token\"")));
}

void tst_TokenResponse::headerSafeTokens_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("safe");
    QTest::newRow("JWT") << QByteArray("eyJ0.eyJ1.c2ln") << true;
    QTest::newRow("b64token with padding") << QByteArray("abc+/=") << true;
    QTest::newRow("tilde and dots") << QByteArray("a~b.c") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("CR") << QByteArray("a\rb") << false;
    QTest::newRow("LF") << QByteArray("a\nb") << false;
    QTest::newRow("space") << QByteArray("a b") << false;
    QTest::newRow("tab") << QByteArray("a\tb") << false;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << false;
    QTest::newRow("padding in the middle") << QByteArray("ab=c") << false;
    QTest::newRow("padding only (fuzz finding)") << QByteArray("==") << false;
    QTest::newRow("one '='") << QByteArray("=") << false;
    QTest::newRow("quote") << QByteArray("a\"b") << false;
    QTest::newRow("too long") << QByteArray(20000, 'a') << false;
}

void tst_TokenResponse::headerSafeTokens()
{
    QFETCH(QByteArray, token);
    QFETCH(bool, safe);
    QCOMPARE(isHeaderSafeToken(token), safe);
}

QTEST_APPLESS_MAIN(tst_TokenResponse)
#include "tst_tokenresponse.moc"
