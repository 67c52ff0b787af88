#include "ResponseBench.h"

#include "BenchServer.h"
#include "ExplorerWindow.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "TokenSession.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QTimer>

#include <functional>
#include <vector>

namespace {

constexpr qint64 kBodyBytes = 50LL * 1024 * 1024;
constexpr int kHeartbeatMs = 5;
// The UI thread is watched this long after the body is painted, so that work left for later
// (deferred layout, chunks still being inserted) counts as a stall too.
constexpr int kTailMs = 500;

// A typical REST list answer, compact as servers send it: one line, 64-bit ids, money with
// trailing zeros, nested objects, every JSON type.
QByteArray makeBody()
{
    QByteArray body;
    body.reserve(kBodyBytes + 1024);
    body.append('[');
    for (qint64 i = 0; body.size() < kBodyBytes; ++i) {
        if (i > 0)
            body.append(',');
        body.append(R"({"id":)");
        body.append(QByteArray::number(100002348117421473LL + i));
        body.append(R"(,"name":"item )");
        body.append(QByteArray::number(i));
        body.append(R"(","price":)");
        body.append(QByteArray::number(i % 1000) + '.' + QByteArray::number(10 + i % 90));
        body.append(R"(,"tags":["red","large","caf\u00e9"],"owner":{"id":1,"username":"demo"},)"
                    R"("created":"2024-05-01T10:00:00Z","active":true,"note":null})");
    }
    body.append(']');
    return body;
}

// Calls onPaint after a paint of the watched widget has completed (queued behind it).
class PaintWatcher : public QObject
{
public:
    std::function<void()> onPaint;

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && onPaint) {
            QMetaObject::invokeMethod(
                    this, [this] { onPaint ? onPaint() : void(); }, Qt::QueuedConnection);
        }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

QNetworkReply *ProbeInterceptor::createRequest(Operation op, const QNetworkRequest &request,
                                               QIODevice *outgoingData)
{
    QNetworkReply *reply = Kini::Interceptor::createRequest(op, request, outgoingData);
    Q_EMIT replyCreated(reply);
    return reply;
}

ResponseBench::ResponseBench(BenchServer *server, ProbeInterceptor *network,
                             Kini::TokenSession *session)
    : m_server(server)
    , m_network(network)
    , m_session(session)
{
}

QList<BenchRow> ResponseBench::run(int runs)
{
    const QByteArray body = makeBody();
    m_server->setBigBody(body);
    progress(QStringLiteral("row 5: a %1 MB JSON answer, %2 runs")
                     .arg(body.size() / 1048576.0, 0, 'f', 1)
                     .arg(runs));

    Kini::ExplorerWindow window(m_network, m_session);
    window.show();
    auto *bodyView = window.findChild<QPlainTextEdit *>(QStringLiteral("responseBody"));
    PaintWatcher watcher;
    bodyView->viewport()->installEventFilter(&watcher);
    {
        Waiter shown;
        watcher.onPaint = [&shown] {
            shown.done();
        };
        shown.wait(10000);
    }

    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> beats;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(kHeartbeatMs);
    QObject::connect(&heartbeat, &QTimer::timeout, &heartbeat,
                     [&] { beats.push_back(clock.nsecsElapsed()); });

    Sample shownMs;
    Sample parseMs;
    Sample stallMs;
    Sample downloadMs;
    qint64 shownCharacters = 0;
    bool failed = false;
    for (int run = 0; run < runs && !failed; ++run) {
        // The reference: Qt's own parser on the same bytes.
        {
            QJsonParseError error;
            QElapsedTimer timer;
            timer.start();
            const QJsonDocument document = QJsonDocument::fromJson(body, &error);
            parseMs.add(timer.nsecsElapsed() / 1e6);
            if (error.error != QJsonParseError::NoError || !document.isArray()) {
                progress(QStringLiteral("QJsonDocument rejected the body: %1")
                                 .arg(error.errorString()));
                failed = true;
            }
        }

        QObject context;
        qint64 sentAt = clock.nsecsElapsed();
        qint64 lastByteAt = -1;
        qint64 shownAt = -1;
        QObject::connect(
                m_network, &ProbeInterceptor::replyCreated, &context, [&](QNetworkReply *reply) {
                    QObject::connect(reply, &QNetworkReply::downloadProgress, &context,
                                     [&](qint64 received, qint64 total) {
                                         if (total > 0 && received == total && lastByteAt < 0)
                                             lastByteAt = clock.nsecsElapsed();
                                     });
                });
        Waiter shown;
        watcher.onPaint = [&] {
            if (lastByteAt >= 0 && shownAt < 0 && !bodyView->document()->isEmpty()) {
                shownAt = clock.nsecsElapsed();
                shown.done();
            }
        };

        beats.clear();
        heartbeat.start();
        window.requestEditor()->methodBox()->setCurrentText(QStringLiteral("GET"));
        window.requestEditor()->urlEdit()->setText(QStringLiteral("big/"));
        sentAt = clock.nsecsElapsed();
        window.send();
        if (!shown.wait(120000)) {
            progress(QStringLiteral("the body was not shown within 120 s"));
            failed = true;
        }
        Waiter tail;
        QTimer::singleShot(kTailMs, &context, [&tail] { tail.done(); });
        tail.wait(kTailMs + 60000);
        heartbeat.stop();
        watcher.onPaint = nullptr;
        if (failed)
            break;
        if (window.responseView()->statusCode() != 200) {
            progress(QStringLiteral("the big answer came back with status %1")
                             .arg(window.responseView()->statusCode()));
            failed = true;
            break;
        }

        qint64 longest = 0;
        for (size_t i = 1; i < beats.size(); ++i) {
            if (beats[i] >= lastByteAt)
                longest = qMax(longest, beats[i] - beats[i - 1]);
        }
        shownMs.add((shownAt - lastByteAt) / 1e6);
        stallMs.add(longest / 1e6);
        downloadMs.add((lastByteAt - sentAt) / 1e6);
        shownCharacters = bodyView->document()->characterCount();
    }

    BenchRow time;
    time.id = QStringLiteral("5a");
    time.what = QStringLiteral("%1 MB JSON answer: last byte to body painted in the explorer vs "
                               "QJsonDocument::fromJson on the same bytes")
                        .arg(body.size() / 1048576.0, 0, 'f', 0);
    time.kini = shownMs.describe(QStringLiteral("ms"));
    time.reference = parseMs.describe(QStringLiteral("ms"));
    time.ratio = shownMs.median() / parseMs.median();
    time.target = QStringLiteral("≤ 2");
    time.met = !failed && time.ratio <= 2;
    time.note = QStringLiteral("download (send to last byte) %1; the body view then held %2 "
                               "characters")
                        .arg(downloadMs.describe(QStringLiteral("ms"), 0))
                        .arg(shownCharacters);

    BenchRow stall;
    stall.id = QStringLiteral("5b");
    stall.what = QStringLiteral("longest UI-thread stall from the last byte to %1 ms after the "
                                "body is painted (%2 ms heartbeat)")
                         .arg(kTailMs)
                         .arg(kHeartbeatMs);
    stall.kini = stallMs.describe(QStringLiteral("ms"));
    stall.reference = QStringLiteral("–");
    stall.target = QStringLiteral("≤ 100 ms");
    stall.met = !failed && stallMs.max() <= 100;
    return {time, stall};
}
