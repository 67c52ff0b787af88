#include "NetworkBench.h"

#include "BenchServer.h"
#include "Interceptor.h"
#include "TokenSession.h"

#include <QElapsedTimer>
#include <QNetworkReply>

#include <ctime>
#include <functional>

namespace {

constexpr int kSequentialRequests = 2000;
constexpr int kConcurrentRequests = 500;
// The storm's token stops being accepted after this many answers of the batch, while the rest
// of the 500 are still in flight.
constexpr int kAnswersBeforeExpiry = 50;
constexpr int kWarmUpRequests = 100;

double processCpuMs()
{
    timespec spent {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spent);
    return spent.tv_sec * 1e3 + spent.tv_nsec / 1e6;
}

} // namespace

NetworkBench::NetworkBench(BenchServer *server, Kini::Interceptor *interceptor,
                           Kini::TokenSession *session)
    : m_server(server)
    , m_interceptor(interceptor)
    , m_session(session)
    , m_request(QUrl(QStringLiteral("http://127.0.0.1:%1/api/items/").arg(server->port())))
{
}

QNetworkRequest NetworkBench::referenceRequest() const
{
    QNetworkRequest request = m_request;
    request.setRawHeader("Authorization", "Bearer " + m_session->accessToken().raw());
    return request;
}

NetworkBench::Timing NetworkBench::timeRequests(QNetworkAccessManager *network,
                                                const QNetworkRequest &request, int count,
                                                int inFlight)
{
    Waiter waiter;
    int issued = 0;
    int finished = 0;
    int failed = 0;
    std::function<void()> issue = [&] {
        ++issued;
        QNetworkReply *reply = network->get(request);
        QObject::connect(reply, &QNetworkReply::finished, network, [&, reply] {
            reply->readAll();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                ++failed;
            reply->deleteLater();
            if (++finished == count)
                waiter.done();
            else if (issued < count)
                issue();
        });
    };

    const double cpuBefore = processCpuMs() - m_server->cpuMs();
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < inFlight && issued < count; ++i)
        issue();
    if (!waiter.wait(60000)) {
        progress(QStringLiteral("%1 of %2 requests did not finish within 60 s")
                         .arg(count - finished)
                         .arg(count));
        return {};
    }
    Timing timing;
    timing.wallMs = timer.nsecsElapsed() / 1e6;
    timing.clientCpuMs = processCpuMs() - m_server->cpuMs() - cpuBefore;
    if (failed > 0) {
        progress(QStringLiteral("%1 of %2 requests did not answer 200").arg(failed).arg(count));
        return {};
    }
    return timing;
}

bool NetworkBench::freshAccessToken()
{
    Waiter waiter;
    bool ok = false;
    const auto connection = QObject::connect(m_session, &Kini::TokenSession::refreshFinished,
                                             m_session, [&](const Kini::ApiError &error) {
                                                 ok = !error.isError();
                                                 waiter.done();
                                             });
    const bool started = m_session->refresh();
    const bool answered = started && waiter.wait(10000);
    QObject::disconnect(connection);
    return answered && ok;
}

BenchRow NetworkBench::compare(const QString &id, const QString &what, int count, int inFlight,
                               int runs)
{
    timeRequests(&m_plain, referenceRequest(), kWarmUpRequests, inFlight);
    timeRequests(m_interceptor, m_request, kWarmUpRequests, inFlight);

    Sample kini;
    Sample reference;
    Sample kiniCpu;
    Sample referenceCpu;
    bool failed = false;
    for (int run = 0; run < runs && !failed; ++run) {
        // Alternating the order cancels a drift (CPU frequency, caches) between the two sides.
        for (int side = 0; side < 2; ++side) {
            const bool interceptorSide = (run + side) % 2 == 0;
            const Timing timing = interceptorSide
                    ? timeRequests(m_interceptor, m_request, count, inFlight)
                    : timeRequests(&m_plain, referenceRequest(), count, inFlight);
            failed = failed || timing.wallMs < 0;
            (interceptorSide ? kini : reference).add(timing.wallMs);
            (interceptorSide ? kiniCpu : referenceCpu).add(timing.clientCpuMs);
        }
    }

    BenchRow row;
    row.id = id;
    row.what = what;
    row.kini = kini.describe(QStringLiteral("ms"));
    row.reference = reference.describe(QStringLiteral("ms"));
    row.ratio = kini.median() / reference.median();
    row.target = QStringLiteral("≤ 1.05");
    row.met = !failed && row.ratio <= 1.05;
    // Other load on the machine moves both sides alike between neighbouring runs: the ratio of
    // each interceptor run to the plain run next to it, and of the fastest runs, show the
    // interceptor's own cost better than the medians alone.
    Sample paired;
    for (qsizetype i = 0; i < qMin(kini.values.size(), reference.values.size()); ++i)
        paired.add(kini.values.at(i) / reference.values.at(i));
    row.note = QStringLiteral("per request %1 µs through the interceptor, %2 µs plain; "
                              "ratio of the fastest runs %3, run by run %4; client CPU time (all "
                              "threads but the server's) %5 vs %6 ms, ratio %7")
                       .arg(1000 * kini.median() / count, 0, 'f', 1)
                       .arg(1000 * reference.median() / count, 0, 'f', 1)
                       .arg(kini.min() / reference.min(), 0, 'f', 3)
                       .arg(paired.describe(QString(), 3), kiniCpu.describe(QString()),
                            referenceCpu.describe(QString()))
                       .arg(kiniCpu.median() / referenceCpu.median(), 0, 'f', 3);
    if (failed)
        row.note += QStringLiteral("; some requests failed (see stderr)");
    return row;
}

BenchRow NetworkBench::refreshStorm(int runs)
{
    Sample storm;
    Sample calm;
    Sample rejected;
    QList<int> refreshCalls;
    bool failed = false;
    for (int run = 0; run < runs && !failed; ++run) {
        for (int side = 0; side < 2; ++side) {
            const bool expiring = (run + side) % 2 == 0;
            // Both sides start from a token that just came from a proactive refresh.
            if (!freshAccessToken()) {
                progress(QStringLiteral("the proactive refresh before a storm run failed"));
                failed = true;
                break;
            }
            const int refreshesBefore = m_server->refreshCalls();
            const int rejectedBefore = m_server->rejectedRequests();
            if (expiring)
                m_server->expireAccessAfter(kAnswersBeforeExpiry);
            const double ms = timeRequests(m_interceptor, m_request, kConcurrentRequests,
                                           kConcurrentRequests)
                                      .wallMs;
            failed = failed || ms < 0;
            if (expiring) {
                storm.add(ms);
                refreshCalls.append(m_server->refreshCalls() - refreshesBefore);
                rejected.add(m_server->rejectedRequests() - rejectedBefore);
            } else {
                calm.add(ms);
            }
        }
    }

    const bool oneRefreshEach = !refreshCalls.isEmpty()
            && std::all_of(refreshCalls.cbegin(), refreshCalls.cend(),
                           [](int n) { return n == 1; });
    QStringList calls;
    for (int n : refreshCalls)
        calls.append(QString::number(n));

    BenchRow row;
    row.id = QStringLiteral("3");
    row.what = QStringLiteral("refresh storm: 500 in flight, token expires after %1 answers "
                              "(server 401s it) vs no expiry")
                       .arg(kAnswersBeforeExpiry);
    row.kini = storm.describe(QStringLiteral("ms"));
    row.reference = calm.describe(QStringLiteral("ms"));
    row.ratio = storm.median() / calm.median();
    row.target = QStringLiteral("≤ 1.25, exactly 1 refresh");
    row.met = !failed && oneRefreshEach && row.ratio <= 1.25;
    row.note = QStringLiteral("refresh calls per storm run: %1 (%2); requests answered 401 "
                              "per storm run: %3; every request answered 200 in the end: %4")
                       .arg(calls.join(QLatin1Char(' ')),
                            oneRefreshEach ? QStringLiteral("exactly one each")
                                           : QStringLiteral("NOT exactly one"),
                            rejected.describe(QString(), 0),
                            failed ? QStringLiteral("no") : QStringLiteral("yes"));
    return row;
}

void NetworkBench::profileSide(const QString &side, int count)
{
    const bool kini = side == QLatin1String("kini");
    const Timing timing = kini ? timeRequests(m_interceptor, m_request, count, 1)
                               : timeRequests(&m_plain, referenceRequest(), count, 1);
    progress(QStringLiteral("%1 sequential GETs on the %2 side: %3 ms")
                     .arg(count)
                     .arg(side)
                     .arg(timing.wallMs));
}

QList<BenchRow> NetworkBench::run(int runs)
{
    QList<BenchRow> rows;
    // Row 1 moves by several per cent from run to run on a shared machine, against a 5 % target:
    // four runs per N, so that the medians hold still.
    progress(QStringLiteral("row 1: %1 sequential GETs, %2 runs per side")
                     .arg(kSequentialRequests)
                     .arg(runs * 4));
    rows.append(compare(QStringLiteral("1"),
                        QStringLiteral("%1 sequential authenticated GETs: interceptor vs plain "
                                       "QNetworkAccessManager + fixed header")
                                .arg(kSequentialRequests),
                        kSequentialRequests, 1, runs * 4));
    progress(QStringLiteral("row 2: %1 GETs in flight").arg(kConcurrentRequests));
    rows.append(compare(QStringLiteral("2"),
                        QStringLiteral("%1 GETs in flight at once: interceptor vs plain "
                                       "QNetworkAccessManager + fixed header")
                                .arg(kConcurrentRequests),
                        kConcurrentRequests, kConcurrentRequests, runs * 3));
    progress(QStringLiteral("row 3: refresh storm"));
    rows.append(refreshStorm(runs * 3));
    return rows;
}
