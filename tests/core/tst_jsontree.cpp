#include "JsonTree.h"

#include <QtTest>

#include <climits>

using Kini::JsonNode;
using Kini::parseJsonTree;

namespace {

// Marks a row that calls parseJsonTree() without the maxDepth argument.
constexpr int DefaultDepth = INT_MIN;

QByteArray nested(int depth, const QByteArray &open, const QByteArray &close)
{
    return open.repeated(depth) + "0" + close.repeated(depth);
}

JsonNode stringNode(const QString &text)
{
    JsonNode node;
    node.kind = JsonNode::String;
    node.text = text;
    return node;
}

} // namespace

class TestJsonTree : public QObject
{
    Q_OBJECT

private slots:
    void parsesToCompactJson_data();
    void parsesToCompactJson();
    void decodesStrings_data();
    void decodesStrings();
    void keepsNumberText_data();
    void keepsNumberText();
    void rejects_data();
    void rejects();
    void limitsDepth_data();
    void limitsDepth();
    void findsMembers();
    void acceptsNullOutputs();
    void escapesStrings_data();
    void escapesStrings();
    void roundTrips_data();
    void roundTrips();
    void indents_data();
    void indents();
};

void TestJsonTree::parsesToCompactJson_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("compact");

    QTest::newRow("top-level number with surrounding spaces") << QByteArray(" 42 ") << "42";
    QTest::newRow("top-level string") << QByteArray("\"x\"") << "\"x\"";
    QTest::newRow("true") << QByteArray("true") << "true";
    QTest::newRow("false") << QByteArray("false") << "false";
    QTest::newRow("null") << QByteArray("null") << "null";
    QTest::newRow("empty object") << QByteArray("{ }") << "{}";
    QTest::newRow("empty array") << QByteArray("[ ]") << "[]";
    QTest::newRow("member order kept, not sorted")
            << QByteArray(R"({"z":1,"a":2,"m":3})") << R"({"z":1,"a":2,"m":3})";
    QTest::newRow("duplicate keys both kept")
            << QByteArray(R"({"a":1,"a":2})") << R"({"a":1,"a":2})";
    QTest::newRow("all four whitespace characters")
            << QByteArray(" \t\r\n[ 1 ,\n2\t]\r\n") << "[1,2]";
    QTest::newRow("nested containers")
            << QByteArray(R"({"a":[1,{"b":null},[]],"c":{"d":[true,false]}})")
            << R"({"a":[1,{"b":null},[]],"c":{"d":[true,false]}})";
    QTest::newRow("escaped solidus decoded, written plain")
            << QByteArray(R"("a\/b")") << R"("a/b")";
    QTest::newRow("empty key") << QByteArray(R"({"":0})") << R"({"":0})";
}

void TestJsonTree::parsesToCompactJson()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, compact);

    JsonNode node;
    QString error;
    QVERIFY2(parseJsonTree(input, &node, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(node.toJson(), compact);
}

void TestJsonTree::decodesStrings_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("text");

    QTest::newRow("short escapes")
            << QByteArray(R"("\"\\\/\b\f\n\r\t")") << QStringLiteral("\"\\/\b\f\n\r\t");
    QTest::newRow("\\u00e9 lower-case hex") << QByteArray(R"("\u00e9")") << QStringLiteral("é");
    QTest::newRow("\\u00E9 upper-case hex") << QByteArray(R"("\u00E9")") << QStringLiteral("é");
    QTest::newRow("\\u0000 kept as a NUL character")
            << QByteArray(R"("a\u0000b")") << QStringLiteral("a%1b").arg(QChar(0));
    QTest::newRow("surrogate pair \\uD83D\\uDE00 is one emoji")
            << QByteArray(R"("\uD83D\uDE00")") << QString::fromUcs4(U"\U0001F600", 1);
    QTest::newRow("surrogate pair in lower case")
            << QByteArray(R"("\ud83d\ude00")") << QString::fromUcs4(U"\U0001F600", 1);
    QTest::newRow("raw 2-byte UTF-8") << QByteArray("\"\xC3\xA9\"") << QStringLiteral("é");
    QTest::newRow("raw 3-byte UTF-8 euro sign")
            << QByteArray("\"\xE2\x82\xAC\"") << QString(QChar(0x20AC));
    QTest::newRow("raw 4-byte UTF-8 emoji")
            << QByteArray("\"\xF0\x9F\x98\x80\"") << QString::fromUcs4(U"\U0001F600", 1);
    QTest::newRow("highest code point U+10FFFF")
            << QByteArray("\"\xF4\x8F\xBF\xBF\"") << QString::fromUcs4(U"\U0010FFFF", 1);
    QTest::newRow("DEL is not a control character for JSON")
            << QByteArray("\"\x7F\"") << QString(QChar(0x7F));
}

void TestJsonTree::decodesStrings()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, text);

    JsonNode node;
    QString error;
    QVERIFY2(parseJsonTree(input, &node, &error), qPrintable(error));
    QCOMPARE(node.kind, JsonNode::String);
    QCOMPARE(node.text, text);
}

void TestJsonTree::keepsNumberText_data()
{
    QTest::addColumn<QByteArray>("literal");

    QTest::newRow("64-bit user id beyond double precision") << QByteArray("100002348117421473");
    QTest::newRow("fractional NumericDate") << QByteArray("1700000000.75");
    QTest::newRow("trailing zero of a fraction") << QByteArray("1.0");
    QTest::newRow("exponent") << QByteArray("1.7e9");
    QTest::newRow("upper-case exponent with sign") << QByteArray("1E+5");
    QTest::newRow("negative exponent") << QByteArray("25e-1");
    QTest::newRow("negative zero") << QByteArray("-0");
    QTest::newRow("beyond double range") << QByteArray("1e400");
    QTest::newRow("twenty nines") << QByteArray("99999999999999999999");
}

void TestJsonTree::keepsNumberText()
{
    QFETCH(QByteArray, literal);

    JsonNode node;
    QString error;
    QVERIFY2(parseJsonTree("{\"user_id\": " + literal + "}", &node, &error), qPrintable(error));
    const JsonNode *value = node.member(QStringLiteral("user_id"));
    QVERIFY(value);
    QCOMPARE(value->kind, JsonNode::Number);
    QCOMPARE(value->text, QString::fromLatin1(literal));
    QCOMPARE(node.toJson(), QString::fromLatin1("{\"user_id\":" + literal + "}"));
}

void TestJsonTree::rejects_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty input") << QByteArray() << 0 << "expected a value but found end of input";
    QTest::newRow("only whitespace") << QByteArray(" \n") << 2 << "expected a value";
    QTest::newRow("trailing comma in array") << QByteArray("[1,2,]") << 4 << "trailing comma";
    QTest::newRow("trailing comma in object")
            << QByteArray(R"({"a":1,})") << 6 << "trailing comma before '}'";
    QTest::newRow("single-quoted string")
            << QByteArray("['a']") << 1 << "strings need double quotes, not single quotes";
    QTest::newRow("apostrophe after a value is not called a string")
            << QByteArray("[1']") << 2 << "expected ',' or ']' but found '''";
    QTest::newRow("single-quoted key") << QByteArray("{'a':1}") << 1 << "not single quotes";
    QTest::newRow("leading zero 01") << QByteArray("01") << 0 << "leading zero";
    QTest::newRow("leading zero -01") << QByteArray("-01") << 1 << "leading zero";
    QTest::newRow("leading zero 00 in array") << QByteArray("[00]") << 1 << "leading zero";
    QTest::newRow("NaN") << QByteArray("NaN") << 0 << "expected a value but found 'N'";
    QTest::newRow("Infinity") << QByteArray("[Infinity]") << 1 << "expected a value";
    QTest::newRow("-Infinity") << QByteArray("-Infinity") << 1 << "a digit after '-'";
    QTest::newRow("plus sign") << QByteArray("+1") << 0 << "expected a value but found '+'";
    QTest::newRow("fraction without integer part") << QByteArray(".5") << 0 << "expected a value";
    QTest::newRow("point without fraction digits") << QByteArray("1.") << 2 << "after '.'";
    QTest::newRow("exponent without digits") << QByteArray("1e") << 2 << "exponent";
    QTest::newRow("exponent sign without digits") << QByteArray("1e+") << 3 << "exponent";
    QTest::newRow("hexadecimal number") << QByteArray("0x10") << 1 << "after the JSON value";
    QTest::newRow("line comment after value")
            << QByteArray("[1] // c") << 4 << "comments are not allowed";
    QTest::newRow("block comment before value") << QByteArray("/* c */ 1") << 0 << "comments";
    QTest::newRow("comment inside array") << QByteArray("[1 /* c */]") << 3 << "comments";
    QTest::newRow("raw newline in string")
            << QByteArray("\"a\nb\"") << 2 << "unescaped control character 0x0A";
    QTest::newRow("raw tab in string") << QByteArray("\"a\tb\"") << 2 << "control character 0x09";
    QTest::newRow("raw NUL in string")
            << QByteArray("\"a\0b\"", 5) << 2 << "control character 0x00";
    QTest::newRow("trailing garbage") << QByteArray("{} x") << 3 << "'x' after the JSON value";
    QTest::newRow("two documents") << QByteArray("[1] [2]") << 4 << "after the JSON value";
    QTest::newRow("trailing NUL byte")
            << QByteArray("{}\0", 3) << 2 << "byte 0x00 after the JSON value";
    QTest::newRow("unterminated string") << QByteArray("\"abc") << 0 << "unterminated string";
    QTest::newRow("unterminated escape") << QByteArray("\"abc\\") << 0 << "unterminated string";
    QTest::newRow("unterminated array") << QByteArray("[1,2") << 4 << "found end of input";
    QTest::newRow("unterminated object") << QByteArray(R"({"a":1)") << 6 << "',' or '}'";
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})") << 5 << "expected ':'";
    QTest::newRow("missing comma") << QByteArray("[1 2]") << 3 << "expected ',' or ']'";
    QTest::newRow("unquoted key") << QByteArray("{a:1}") << 1 << "expected a string key";
    QTest::newRow("number as key") << QByteArray("{1:1}") << 1 << "expected a string key";
    QTest::newRow("invalid UTF-8: stray continuation byte")
            << QByteArray("\"\x80\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: byte 0xFF") << QByteArray("\"\xFF\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: overlong 2-byte slash")
            << QByteArray("\"\xC0\xAF\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: overlong 3-byte slash")
            << QByteArray("\"\xE0\x80\xAF\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: overlong 4-byte")
            << QByteArray("\"\xF0\x8F\xBF\xBF\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: encoded surrogate U+D800")
            << QByteArray("\"\xED\xA0\x80\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: above U+10FFFF")
            << QByteArray("\"\xF4\x90\x80\x80\"") << 1 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: sequence cut by end of input")
            << QByteArray("\"\xE2\x82") << 1 << "truncated UTF-8 sequence";
    QTest::newRow("invalid UTF-8: sequence cut by quote")
            << QByteArray("\"a\xE2\x82\"") << 2 << "invalid UTF-8";
    QTest::newRow("invalid UTF-8: in a key") << QByteArray("{\"\xFE\":1}") << 2 << "invalid UTF-8";
    QTest::newRow("non-ASCII outside a string") << QByteArray("\xC3\xA9") << 0 << "found byte 0xC3";
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF{}") << 0 << "found byte 0xEF";
    QTest::newRow("lone high surrogate")
            << QByteArray(R"("\uD83D")") << 1 << "lone high surrogate \\uD83D";
    QTest::newRow("high surrogate then a letter")
            << QByteArray(R"("\uD83Dx")") << 1 << "lone high surrogate";
    QTest::newRow("high surrogate then a non-surrogate escape")
            << QByteArray(R"("\uD83D\u0041")") << 1 << "lone high surrogate";
    QTest::newRow("two high surrogates")
            << QByteArray(R"("ab\uD83D\uD83D")") << 3 << "lone high surrogate";
    QTest::newRow("lone low surrogate")
            << QByteArray(R"("\uDE00")") << 1 << "lone low surrogate \\uDE00";
    QTest::newRow("surrogate pair reversed")
            << QByteArray(R"("\uDE00\uD83D")") << 1 << "lone low surrogate";
    QTest::newRow("invalid escape \\x")
            << QByteArray(R"("\x41")") << 1 << "backslash followed by 'x'";
    QTest::newRow("invalid escape \\' from JavaScript")
            << QByteArray(R"("\'")") << 1 << "backslash followed by '''";
    QTest::newRow("\\u with two hex digits") << QByteArray(R"("\u12")") << 5 << "4 hex digits";
    QTest::newRow("\\u with a non-hex digit") << QByteArray(R"("\u12G4")") << 5 << "4 hex digits";
    QTest::newRow("\\u cut by end of input") << QByteArray(R"("\u1)") << 4 << "4 hex digits";
    QTest::newRow("upper-case literal True") << QByteArray("True") << 0 << "expected a value";
    QTest::newRow("truncated literal tru") << QByteArray("tru") << 0 << "invalid literal";
    QTest::newRow("misspelt literal nul1") << QByteArray("[nul1]") << 1 << "expected null";
    QTest::newRow("literal with trailing letters")
            << QByteArray("nullx") << 4 << "after the JSON value";
    QTest::newRow("vertical tab is not whitespace") << QByteArray("\v1") << 0 << "found byte 0x0B";
    QTest::newRow("no-break space is not whitespace")
            << QByteArray("\xC2\xA0") + "1" << 0 << "found byte 0xC2";
}

void TestJsonTree::rejects()
{
    QFETCH(QByteArray, input);
    QFETCH(int, offset);
    QFETCH(QString, reason);

    JsonNode node;
    node.kind = JsonNode::Number;
    node.text = QStringLiteral("stale");
    QString error;
    QVERIFY(!parseJsonTree(input, &node, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    // "<what> at byte N" exactly: the editors parse it to place the cursor.
    QVERIFY2(error.endsWith(QStringLiteral(" at byte %1").arg(offset)), qPrintable(error));
    // A failed parse must not leave a half-built or stale tree behind.
    QCOMPARE(node.kind, JsonNode::Null);
    QVERIFY(node.text.isEmpty());
}

void TestJsonTree::limitsDepth_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<QString>("error");

    QTest::newRow("64 nested arrays pass the default limit")
            << nested(64, "[", "]") << DefaultDepth << QString();
    QTest::newRow("65 nested arrays fail the default limit")
            << nested(65, "[", "]") << DefaultDepth << "nesting deeper than 64 levels at byte 64";
    QTest::newRow("100000 '[' fail cleanly, no stack overflow")
            << QByteArray(100000, '[') << DefaultDepth
            << "nesting deeper than 64 levels at byte 64";
    QTest::newRow("100000 nested objects fail cleanly")
            << QByteArray("{\"a\":").repeated(100000) << DefaultDepth
            << "nesting deeper than 64 levels at byte 320";
    QTest::newRow("maxDepth 3 allows 3 levels") << nested(3, "[", "]") << 3 << QString();
    QTest::newRow("maxDepth 3 rejects 4 levels")
            << nested(4, "[", "]") << 3 << "nesting deeper than 3 levels at byte 3";
    QTest::newRow("maxDepth 0 allows a scalar") << QByteArray("1") << 0 << QString();
    QTest::newRow("maxDepth 0 rejects an empty array")
            << QByteArray("[]") << 0 << "nesting deeper than 0 levels at byte 0";
    QTest::newRow("negative maxDepth counts as 0")
            << QByteArray("{}") << -5 << "nesting deeper than 0 levels at byte 0";
    QTest::newRow("1000 levels allowed when asked for")
            << nested(1000, "[", "]") << 1000 << QString();
    QTest::newRow("huge maxDepth is capped at 1000 to protect the stack")
            << QByteArray(100000, '[') << 1000000 << "nesting deeper than 1000 levels at byte 1000";
}

void TestJsonTree::limitsDepth()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxDepth);
    QFETCH(QString, error);

    JsonNode node;
    QString actual;
    const bool ok = maxDepth == DefaultDepth ? parseJsonTree(input, &node, &actual)
                                             : parseJsonTree(input, &node, &actual, maxDepth);
    QCOMPARE(actual, error);
    QCOMPARE(ok, error.isEmpty());
}

void TestJsonTree::findsMembers()
{
    JsonNode node;
    QString error;
    QVERIFY2(parseJsonTree(R"({"a":1,"b":"x","a":2})", &node, &error), qPrintable(error));

    const JsonNode *a = node.member(QStringLiteral("a"));
    QVERIFY(a);
    QCOMPARE(a->text, QStringLiteral("2")); // the last of a repeated key wins
    QVERIFY(node.member(QStringLiteral("b")));
    QCOMPARE(node.member(QStringLiteral("b"))->text, QStringLiteral("x"));
    QCOMPARE(node.member(QStringLiteral("missing")), nullptr);
    QCOMPARE(node.member(QStringLiteral("A")), nullptr);

    QVERIFY(parseJsonTree(R"(["a"])", &node, &error));
    QCOMPARE(node.member(QStringLiteral("a")), nullptr);
    QCOMPARE(JsonNode().member(QString()), nullptr);
}

void TestJsonTree::acceptsNullOutputs()
{
    QVERIFY(parseJsonTree("{}", nullptr, nullptr));
    QVERIFY(!parseJsonTree("{", nullptr, nullptr));
}

void TestJsonTree::escapesStrings_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("json");

    QTest::newRow("quote") << QStringLiteral("a\"b") << QStringLiteral(R"("a\"b")");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral(R"("a\\b")");
    QTest::newRow("solidus left alone") << QStringLiteral("a/b") << QStringLiteral(R"("a/b")");
    QTest::newRow("short control escapes")
            << QStringLiteral("\b\f\n\r\t") << QStringLiteral(R"("\b\f\n\r\t")");
    QTest::newRow("other control characters as \\u00XX")
            << QString::fromUtf8("\x01\x1f\0", 3) << QStringLiteral(R"("\u0001\u001f\u0000")");
    QTest::newRow("DEL and non-ASCII unchanged")
            << QString(QChar(0x7f)) + QStringLiteral("é€")
            << QStringLiteral("\"") + QChar(0x7f) + QStringLiteral("é€\"");
    QTest::newRow("emoji unchanged") << QString::fromUcs4(U"\U0001F600", 1)
                                     << "\"" + QString::fromUcs4(U"\U0001F600", 1) + "\"";
}

void TestJsonTree::escapesStrings()
{
    QFETCH(QString, text);
    QFETCH(QString, json);

    QCOMPARE(stringNode(text).toJson(), json);
}

void TestJsonTree::roundTrips_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("SimpleJWT token answer")
            << QByteArray(R"({"refresh": "r.e.f", "access": "a.c.c"})");
    QTest::newRow("claims with big and fractional numbers")
            << QByteArray(R"({"user_id": 100002348117421473, "exp": 1700000000.75, "e": 1E+2})");
    QTest::newRow("strings needing escapes")
            << QByteArray(R"(["\"", "\\", "\n", "\u0001", "\u001F", "\uD83D\uDE00", "é"])");
    QTest::newRow("deep and mixed")
            << QByteArray(R"({"a": [[[{"b": [null, true, false, -0.5e-3]}]]], "c": {}})");
    QTest::newRow("scalar") << QByteArray("-12.5E3");
}

void TestJsonTree::roundTrips()
{
    QFETCH(QByteArray, input);

    JsonNode first;
    QString error;
    QVERIFY2(parseJsonTree(input, &first, &error), qPrintable(error));
    const QString compact = first.toJson();

    JsonNode second;
    QVERIFY2(parseJsonTree(compact.toUtf8(), &second, &error), qPrintable(error));
    QCOMPARE(second.toJson(), compact);

    JsonNode third;
    const QString indented = first.toIndentedJson();
    QVERIFY2(parseJsonTree(indented.toUtf8(), &third, &error), qPrintable(error));
    QCOMPARE(third.toJson(), compact);
    QCOMPARE(third.toIndentedJson(), indented);
}

void TestJsonTree::indents_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("indent");
    QTest::addColumn<QString>("expected");

    QTest::newRow("object with nested array, 4 spaces per level")
            << QByteArray(R"({"a":1,"b":[true,{"c":"x"}]})") << 0
            << QStringLiteral("{\n"
                              "    \"a\": 1,\n"
                              "    \"b\": [\n"
                              "        true,\n"
                              "        {\n"
                              "            \"c\": \"x\"\n"
                              "        }\n"
                              "    ]\n"
                              "}");
    QTest::newRow("empty containers stay on one line")
            << QByteArray(R"({"a":{},"b":[]})") << 0
            << QStringLiteral("{\n    \"a\": {},\n    \"b\": []\n}");
    QTest::newRow("indent 1 shifts inner lines and the closing bracket")
            << QByteArray("[1]") << 1 << QStringLiteral("[\n        1\n    ]");
    QTest::newRow("negative indent counts as 0")
            << QByteArray("[1]") << -3 << QStringLiteral("[\n    1\n]");
    QTest::newRow("scalar is written as is") << QByteArray("1.50") << 2 << QStringLiteral("1.50");
}

void TestJsonTree::indents()
{
    QFETCH(QByteArray, input);
    QFETCH(int, indent);
    QFETCH(QString, expected);

    JsonNode node;
    QString error;
    QVERIFY2(parseJsonTree(input, &node, &error), qPrintable(error));
    QCOMPARE(node.toIndentedJson(indent), expected);
}

QTEST_APPLESS_MAIN(TestJsonTree)
#include "tst_jsontree.moc"
