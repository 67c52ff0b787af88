#include "TlsTerminator.h"

#include "TestCertificate.h"

#include <QSslConfiguration>
#include <QSslSocket>

#include <memory>

TlsTerminator::TlsTerminator(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QSslServer::startedEncryptionHandshake, this,
            [this] { ++m_handshakesStarted; });
    // QSslServer offers a connection only once its handshake is complete.
    connect(&m_server, &QSslServer::pendingConnectionAvailable, this,
            &TlsTerminator::onConnectionReady);
}

TlsTerminator::~TlsTerminator()
{
    m_server.close();
    // The sockets die with m_server after this body; cut them loose first so that nothing
    // reaches this half-destroyed object.
    const auto clients = m_server.findChildren<QSslSocket *>(Qt::FindDirectChildrenOnly);
    for (QSslSocket *client : clients) {
        const auto backends = client->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
        for (QTcpSocket *backend : backends) {
            backend->disconnect();
            backend->abort();
        }
        client->disconnect();
        client->abort();
    }
}

void TlsTerminator::setCertificate(const TestCertificate &certificate)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificate.certificate());
    configuration.setPrivateKey(certificate.privateKey());
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    m_server.setSslConfiguration(configuration);
    closeAllConnections();
}

bool TlsTerminator::listen(quint16 backendPort, quint16 port)
{
    m_backendPort = backendPort;
    return m_server.listen(QHostAddress::LocalHost, port);
}

QUrl TlsTerminator::url(const QString &path) const
{
    const QString slash = path.startsWith(u'/') ? QString() : QStringLiteral("/");
    return QUrl(
            QStringLiteral("https://127.0.0.1:%1%2%3").arg(QString::number(port()), slash, path));
}

void TlsTerminator::closeAllConnections()
{
    // Aborting emits disconnected() at once; the sockets are deleted later, so the list holds.
    const auto clients = m_server.findChildren<QSslSocket *>(Qt::FindDirectChildrenOnly);
    for (QSslSocket *client : clients)
        client->abort();
}

void TlsTerminator::onConnectionReady()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto *client = qobject_cast<QSslSocket *>(socket);
        if (!client || !client->isEncrypted()) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_handshakesCompleted;
        relay(client);
    }
}

void TlsTerminator::relay(QSslSocket *client)
{
    auto *backend = new QTcpSocket(client);
    // What the client sends before the backend connection is up waits here.
    auto early = std::make_shared<QByteArray>();

    auto fromClient = [this, client, backend, early] {
        const QByteArray data = client->readAll();
        m_bytesReceived += data.size();
        if (backend->state() == QAbstractSocket::ConnectedState)
            backend->write(data);
        else
            early->append(data);
    };
    connect(client, &QSslSocket::readyRead, backend, fromClient);
    connect(backend, &QTcpSocket::connected, client, [backend, early] {
        backend->write(*early);
        early->clear();
    });
    connect(backend, &QTcpSocket::readyRead, client,
            [client, backend] { client->write(backend->readAll()); });
    // disconnectFromHost() sends what is still buffered before closing.
    connect(backend, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
    connect(backend, &QTcpSocket::errorOccurred, client,
            [client](QAbstractSocket::SocketError error) {
                if (error != QAbstractSocket::RemoteHostClosedError)
                    client->abort();
            });
    connect(client, &QSslSocket::disconnected, client, [client, backend] {
        backend->disconnectFromHost();
        client->deleteLater();
    });

    backend->connectToHost(QHostAddress::LocalHost, m_backendPort);
    if (client->bytesAvailable() > 0)
        fromClient();
}
