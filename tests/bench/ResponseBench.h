#pragma once

#include "BenchSupport.h"

#include "Interceptor.h"
#include "TokenSession.h" // Interceptor's QPointer<TokenSession> needs the whole class here

class BenchServer;

// The app's Interceptor, telling the benchmark about every reply it hands out, so that the
// moment the last byte of an answer arrives can be taken from the reply the window reads.
class ProbeInterceptor : public Kini::Interceptor
{
    Q_OBJECT
public:
    using Kini::Interceptor::Interceptor;

Q_SIGNALS:
    void replyCreated(QNetworkReply *reply);

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override;
};

// Row 5: a 50 MB JSON answer through the real ExplorerWindow (Interceptor, ResponseView) from
// its last byte to the body painted, against QJsonDocument::fromJson on the same bytes; and the
// longest stall of the UI thread meanwhile, seen by a 5 ms heartbeat timer.
class ResponseBench
{
public:
    ResponseBench(BenchServer *server, ProbeInterceptor *network, Kini::TokenSession *session);

    QList<BenchRow> run(int runs);

private:
    BenchServer *m_server;
    ProbeInterceptor *m_network;
    Kini::TokenSession *m_session;
};
