#include "HttpsJwtApi.h"

HttpsJwtApi::HttpsJwtApi(const Kini::Clock *clock, QObject *parent)
    : QObject(parent)
    , m_api(clock)
{
}

bool HttpsJwtApi::start(const TestCertificate &certificate)
{
    m_tls.setCertificate(certificate);
    return m_api.start() && m_tls.listen(m_api.server().port());
}

Kini::ServerConfig HttpsJwtApi::config() const
{
    Kini::ServerConfig config = m_api.config();
    config.baseUrl = m_tls.url(QStringLiteral("/api/"));
    return config;
}

QString HttpsJwtApi::origin() const
{
    return Kini::ServerConfig::originOf(m_tls.url());
}
