#pragma once

#include "FakeJwtApi.h"
#include "TlsTerminator.h"

class TestCertificate;

// FakeJwtApi behind a TlsTerminator: the fake SimpleJWT API at https://127.0.0.1:<port>/api/,
// presenting a test certificate. Its api() and tls() say what arrived, before and after TLS.
class HttpsJwtApi : public QObject
{
    Q_OBJECT
public:
    explicit HttpsJwtApi(const Kini::Clock *clock = Kini::SystemClock::instance(),
                         QObject *parent = nullptr);

    bool start(const TestCertificate &certificate);
    Kini::ServerConfig config() const; // FakeJwtApi's, on the https address
    QString origin() const; // "https://127.0.0.1:<port>"

    FakeJwtApi &api() { return m_api; }
    TlsTerminator &tls() { return m_tls; }
    // HTTP requests that made it through TLS to the API.
    int requestCount() { return int(m_api.server().requests().size()); }

private:
    FakeJwtApi m_api;
    TlsTerminator m_tls;
};
