#pragma once

#include <QObject>
#include <QSslServer>
#include <QUrl>

class TestCertificate;

// The HTTPS front of a local test server: accepts TLS on 127.0.0.1 with a test certificate and
// passes the decrypted bytes to a plain HTTP server on 127.0.0.1 (a FakeHttpServer, say) and its
// answers back, as a TLS-terminating proxy does. It counts handshakes and the bytes clients sent
// through them, so a test can show that a client which refused the certificate sent nothing.
class TlsTerminator : public QObject
{
    Q_OBJECT
public:
    explicit TlsTerminator(QObject *parent = nullptr);
    ~TlsTerminator() override;

    // What later handshakes present. Open connections are closed, as when a server restarts
    // with a new certificate.
    void setCertificate(const TestCertificate &certificate);
    // 127.0.0.1:port (0: a free port), passing each connection on to 127.0.0.1:backendPort.
    bool listen(quint16 backendPort, quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/")) const; // https://127.0.0.1:port + path

    int handshakesStarted() const { return m_handshakesStarted; }
    int handshakesCompleted() const { return m_handshakesCompleted; }
    // Bytes clients sent after a handshake, decrypted: zero when none got through.
    qint64 bytesReceived() const { return m_bytesReceived; }
    void closeAllConnections();

private:
    void onConnectionReady();
    void relay(QSslSocket *client);

    QSslServer m_server; // parent of the client sockets, which are the parents of their relays
    quint16 m_backendPort = 0;
    int m_handshakesStarted = 0;
    int m_handshakesCompleted = 0;
    qint64 m_bytesReceived = 0;
};
