#pragma once

#include <QDateTime>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>

// A self-signed server certificate and its key for the local HTTPS test servers, made at test
// time by the openssl command-line tool in a temporary folder that is gone once generate()
// returns. Both stay in memory only.
class TestCertificate
{
public:
    struct Options
    {
        QString commonName = QStringLiteral("127.0.0.1");
        QString organization = QStringLiteral("Kini Explorer tests");
        QStringList subjectAltNames
                = {QStringLiteral("IP:127.0.0.1"), QStringLiteral("DNS:localhost")};
        // Any period, past ones included (an expired certificate).
        QDateTime notBefore = QDateTime::currentDateTimeUtc().addDays(-1);
        QDateTime notAfter = QDateTime::currentDateTimeUtc().addDays(30);
    };

    // Blocks on openssl (a few hundred ms at most). On failure errorString() says why.
    bool generate(const Options &options);
    bool generate(); // with the default Options

    QSslCertificate certificate() const { return m_certificate; }
    QSslKey privateKey() const { return m_key; }
    // What `openssl x509 -noout -fingerprint -sha256` printed for it: "AB:CD:…".
    QString opensslFingerprint() const { return m_opensslFingerprint; }
    QString errorString() const { return m_error; }

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
    QString m_opensslFingerprint;
    QString m_error;
};
