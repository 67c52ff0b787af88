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

private:
    // Milliseconds for count GETs with at most inFlight outstanding (1: one after the other);
    // -1 when one failed or the whole did not finish within a minute.
    double timeRequests(QNetworkAccessManager *network, const QNetworkRequest &request, int count,
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
