#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>

#include <functional>

class QTcpSocket;

// An in-process HTTP/1.1 server on 127.0.0.1 for what the real SimpleJWT server cannot do:
// faults, delays, dropped connections, odd bodies. Handlers run on the test's thread; delays use
// timers, never sleeps. Keep-alive connections and Content-Length request bodies are supported.
class FakeHttpServer : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct Request
    {
        QByteArray method;
        QByteArray target; // path with query, as on the request line
        QByteArray path; // target without the query
        Headers headers;
        QByteArray body;
        // Case-insensitive; empty when absent.
        QByteArray header(const QByteArray &name) const;
        bool hasHeader(const QByteArray &name) const;
    };

    struct Response
    {
        enum Action {
            Respond,
            NeverAnswer, // keep the connection open, send nothing
            DropConnection, // close the connection without an answer
            TruncateBody, // send headers announcing the full body, half the body, then close
        };
        int status = 200;
        QByteArray reason; // default: the standard phrase
        Headers headers;
        QByteArray body;
        int delayMs = 0; // answer after this long (a timer, not a sleep)
        Action action = Respond;

        static Response json(int status, const QByteArray &body);
        static Response html(int status, const QByteArray &body);
        static Response redirect(int status, const QByteArray &location);
    };

    using Handler = std::function<Response(const Request &)>;

    explicit FakeHttpServer(QObject *parent = nullptr);
    ~FakeHttpServer() override;

    bool listen(); // 127.0.0.1 on a free port
    quint16 port() const;
    QUrl url(const QString &path = QStringLiteral("/")) const; // http://127.0.0.1:port + path

    // Exact path match (query ignored); method "*" matches any. Later routes win.
    void route(const QByteArray &method, const QByteArray &path, Handler handler);
    void setFallback(Handler handler); // default: 404 JSON

    QList<Request> requests() const { return m_requests; }
    int count(const QByteArray &method, const QByteArray &path) const;
    void clearRequests() { m_requests.clear(); }
    int connectionsAccepted() const { return m_connectionsAccepted; }
    // Closes every open connection (e.g. ones left hanging by NeverAnswer).
    void closeAllConnections();

Q_SIGNALS:
    void requestReceived(const FakeHttpServer::Request &request);

private:
    // One per accepted socket and a child of it: the request parser and the queue of answers.
    struct Connection;
    void onNewConnection();
    void onReadyRead(Connection *connection);
    void onDisconnected(Connection *connection);
    void dispatch(Connection *connection, const Request &request, bool keepAlive);
    void answerNext(Connection *connection);
    void send(Connection *connection, const Response &response, bool keepAlive, bool headOnly);
    void sendContinueIfDue(Connection *connection);

    QTcpServer m_server; // parent of the sockets, which are the parents of their Connection
    QList<QPair<QPair<QByteArray, QByteArray>, Handler>> m_routes;
    Handler m_fallback;
    QList<Request> m_requests;
    int m_connectionsAccepted = 0;
};
