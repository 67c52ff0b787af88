// ResponseView on its own, fed finished replies built in the test: small bodies are shown at once,
// large ones are formatted on a worker thread and put into the view in slices.

#include "JsonTree.h"
#include "ResponseView.h"

#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QTest>
#include <QThreadPool>

using namespace Kini;

namespace {

// A finished reply holding a status, a Content-Type and a body, like one the explorer reads.
class CannedReply : public QNetworkReply
{
public:
    CannedReply(int status, const QByteArray &contentType, const QByteArray &body)
        : m_body(body)
    {
        setAttribute(QNetworkRequest::HttpStatusCodeAttribute, status);
        setRawHeader("Content-Type", contentType);
        setUrl(QUrl(QStringLiteral("http://127.0.0.1:1/api/big/")));
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
        setFinished(true);
    }

    void abort() override { }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override
    {
        return m_body.size() - m_pos + QIODevice::bytesAvailable();
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, m_body.size() - m_pos);
        if (n <= 0)
            return -1;
        memcpy(data, m_body.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }

private:
    QByteArray m_body;
    qint64 m_pos = 0;
};

// One element of the large arrays: every JSON type, a 64-bit id, a number with a trailing zero,
// escapes that both formatters write the same way, and non-ASCII text.
// (Plain string literals: moc misreads backslashes inside raw ones.)
const QByteArray kElement = "{\"id\":100002348117421473,\"price\":1.10,\"exp\":-1.5e+3,"
                            "\"name\":\"café \\\"quoted\\\" back\\\\slash\","
                            "\"city\":\"Zürich\",\"tags\":[],\"meta\":{},\"ok\":true,"
                            "\"no\":false,\"none\":null,\"nested\":[{\"a\":[1,2]}]}";

QByteArray arrayOf(qint64 minimumBytes)
{
    QByteArray body = "[" + kElement;
    while (body.size() < minimumBytes)
        body += ',' + kElement;
    return body + ']';
}

void show(ResponseView &view, const QByteArray &body, const QByteArray &type = "application/json")
{
    CannedReply reply(200, type, body);
    view.showReply(&reply, RequestSpec(), 12);
}

} // namespace

class ResponseViewTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallBodyIsShownAtOnce();
    void htmlPageIsWrappedJsonIsNot();
    void largeBodyIsFormattedInTheBackground_data();
    void largeBodyIsFormattedInTheBackground();
    void hugeJsonIsIndentedLikeTheTreeWithNumbersAsSent();
    void newAnswerDropsFormattingOfTheOldOne();
};

void ResponseViewTest::smallBodyIsShownAtOnce()
{
    ResponseView view;
    show(view, R"({"id":100002348117421473,"price":1.10})");
    QVERIFY(!view.isBodyPending());
    QCOMPARE(view.bodyText(),
             QStringLiteral("{\n    \"id\": 100002348117421473,\n    \"price\": 1.10\n}"));
}

// An HTML error page often comes as one long line: wrapped to the view, it can be read without
// scrolling sideways. Indented JSON stays unwrapped.
void ResponseViewTest::htmlPageIsWrappedJsonIsNot()
{
    ResponseView view;
    auto *body = view.findChild<QPlainTextEdit *>(QStringLiteral("responseBody"));
    QVERIFY(body);
    show(view,
         "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
         "<p>The proxy server received an invalid response from an upstream server.</p>"
         "</body></html>",
         "text/html; charset=utf-8");
    QCOMPARE(body->lineWrapMode(), QPlainTextEdit::WidgetWidth);
    show(view, R"({"detail":"Not found."})");
    QCOMPARE(body->lineWrapMode(), QPlainTextEdit::NoWrap);
    show(view, "plain words from a server", "text/plain");
    QCOMPARE(body->lineWrapMode(), QPlainTextEdit::WidgetWidth);
}

void ResponseViewTest::largeBodyIsFormattedInTheBackground_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("start");
    QTest::addColumn<QString>("end");

    const QByteArray medium = arrayOf(300 * 1024);
    JsonNode tree;
    QVERIFY(parseJsonTree(medium, &tree, nullptr));
    const QString indented = tree.toIndentedJson();
    QTest::newRow("JSON under 2 MB: all of it, as the core's tree indents it")
            << medium << QByteArray("application/json") << indented.left(200)
            << indented.right(200);

    QTest::newRow("JSON over 2 MB: the first 2 MB indented, then a note")
            << arrayOf(3 * 1024 * 1024) << QByteArray("application/json")
            << QStringLiteral("[\n    {\n        \"id\": 100002348117421473,\n")
            << QStringLiteral("\n\n[… valid JSON of 3.0 MB: the first 2.0 MB are shown, indented; "
                              "the rest is left out]");

    QByteArray broken = arrayOf(3 * 1024 * 1024);
    broken.chop(1); // the closing bracket: not JSON any more
    QTest::newRow("broken JSON over 2 MB: the text as sent, cut at 2 MB")
            << broken << QByteArray("application/json")
            << QString::fromUtf8(QByteArray("[" + kElement).left(60))
            << QStringLiteral("more not shown]");

    QTest::newRow("a log over 2 MB: the text as sent, cut at 2 MB")
            << QByteArray("2024-05-01 10:00:00 GET /api/items/ 200\n").repeated(80000)
            << QByteArray("text/plain") << QStringLiteral("2024-05-01 10:00:00 GET")
            << QStringLiteral(" more not shown]");
}

void ResponseViewTest::largeBodyIsFormattedInTheBackground()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, start);
    QFETCH(QString, end);

    ResponseView view;
    show(view, body, contentType);
    // Nothing heavy happened on this thread: the body is still on its way.
    QVERIFY(view.isBodyPending());
    QVERIFY(view.bodyText().isEmpty());
    QCOMPARE(view.statusCode(), 200);

    QTRY_VERIFY_WITH_TIMEOUT(!view.isBodyPending(), 20000);
    const QString text = view.bodyText();
    QVERIFY2(text.startsWith(start), qPrintable(text.left(300)));
    QVERIFY2(text.endsWith(end), qPrintable(text.right(300)));
    QVERIFY(text.size() < 3 * 1024 * 1024);
}

void ResponseViewTest::hugeJsonIsIndentedLikeTheTreeWithNumbersAsSent()
{
    // The first element of a huge array reads exactly as the tree indents a one-element array.
    JsonNode one;
    QVERIFY(parseJsonTree("[" + kElement + "]", &one, nullptr));
    QString expected = one.toIndentedJson();
    QVERIFY(expected.endsWith(QLatin1String("\n]")));
    expected.chop(2);
    expected += QLatin1Char(',');

    ResponseView view;
    show(view, arrayOf(3 * 1024 * 1024));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBodyPending(), 20000);
    const QString text = view.bodyText();
    QVERIFY2(text.startsWith(expected), qPrintable(text.left(expected.size() + 40)));
    QVERIFY(text.contains(QLatin1String("\"price\": 1.10,")));
    QVERIFY(text.contains(QLatin1String("\"exp\": -1.5e+3,")));
}

void ResponseViewTest::newAnswerDropsFormattingOfTheOldOne()
{
    ResponseView view;
    show(view, arrayOf(3 * 1024 * 1024));
    QVERIFY(view.isBodyPending());
    show(view, R"({"next":1})");
    QVERIFY(!view.isBodyPending());

    // Let the worker finish and deliver: what it made for the old answer must not appear.
    QThreadPool::globalInstance()->waitForDone();
    QTest::qWait(50);
    QCOMPARE(view.bodyText(), QStringLiteral("{\n    \"next\": 1\n}"));
}

QTEST_MAIN(ResponseViewTest)
#include "tst_responseview.moc"
