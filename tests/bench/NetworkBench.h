#pragma once

#include "BenchSupport.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>

class BenchServer;

namespace Kini {
class Interceptor;
class TokenSession;
} // namespace Kini

// Rows 1-3: authenticated GETs through the Interceptor against plain QNetworkAccessManager with
// a fixed Authorization header, both on the same BenchServer; and a refresh storm against the same
// load without an expiry.
class NetworkBench
{
public:
    NetworkBench(BenchServer *server, Kini::Interceptor *interceptor, Kini::TokenSession *session);

    QList<BenchRow> run(int runs);
    // For a profiler: only one side of row 1 ("kini" or "plain"), count sequential requests.
    void profileSide(const QString &side, int count);

private:
    struct Timing
    {
        double wallMs = -1; // -1: a request failed, or the whole did not finish within a minute
        double clientCpuMs = 0; // CPU time of every thread of this process but the server's
    };
    // count GETs with at most inFlight outstanding (1: one after the other).
    Timing timeRequests(QNetworkAccessManager *network, const QNetworkRequest &request, int count,
                        int inFlight);
    // The reference's request: the interceptor's URL with the current token set by hand.
    QNetworkRequest referenceRequest() const;
    // A proactive refresh, so that the session holds a token no 401 has been seen for yet.
    bool freshAccessToken();

    BenchRow compare(const QString &id, const QString &what, int count, int inFlight, int runs);
    BenchRow refreshStorm(int runs);

    BenchServer *m_server;
    Kini::Interceptor *m_interceptor;
    Kini::TokenSession *m_session;
    QNetworkAccessManager m_plain; // the reference: Qt alone
    QNetworkRequest m_request;
};
