#include "FakeHttpServer.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHostAddress>
#include <QLocale>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace {

bool sameName(const QByteArray &a, const QByteArray &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool containsHeader(const FakeHttpServer::Headers &headers, const QByteArray &name)
{
    return std::any_of(headers.cbegin(), headers.cend(),
                       [&name](const auto &header) { return sameName(header.first, name); });
}

QByteArray headerValue(const FakeHttpServer::Headers &headers, const QByteArray &name)
{
    for (const auto &header : headers) {
        if (sameName(header.first, name))
            return header.second;
    }
    return {};
}

// True when the comma-separated list in a header such as Connection holds the token.
bool hasToken(const QByteArray &list, const QByteArray &token)
{
    const QList<QByteArray> items = list.split(',');
    return std::any_of(items.cbegin(), items.cend(), [&token](const QByteArray &item) {
        return sameName(item.trimmed(), token);
    });
}

QByteArray reasonPhrase(int status)
{
    struct Phrase
    {
        int status;
        const char *text;
    };
    static constexpr Phrase phrases[] = {
            {100, "Continue"},
            {200, "OK"},
            {201, "Created"},
            {202, "Accepted"},
            {204, "No Content"},
            {206, "Partial Content"},
            {301, "Moved Permanently"},
            {302, "Found"},
            {303, "See Other"},
            {304, "Not Modified"},
            {307, "Temporary Redirect"},
            {308, "Permanent Redirect"},
            {400, "Bad Request"},
            {401, "Unauthorized"},
            {403, "Forbidden"},
            {404, "Not Found"},
            {405, "Method Not Allowed"},
            {406, "Not Acceptable"},
            {408, "Request Timeout"},
            {409, "Conflict"},
            {410, "Gone"},
            {411, "Length Required"},
            {412, "Precondition Failed"},
            {413, "Content Too Large"},
            {415, "Unsupported Media Type"},
            {422, "Unprocessable Content"},
            {429, "Too Many Requests"},
            {500, "Internal Server Error"},
            {501, "Not Implemented"},
            {502, "Bad Gateway"},
            {503, "Service Unavailable"},
            {504, "Gateway Timeout"},
    };
    for (const Phrase &phrase : phrases) {
        if (phrase.status == status)
            return phrase.text;
    }
    return {}; // an empty reason phrase is valid HTTP
}

// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"; the C locale keeps names English.
QByteArray httpDate()
{
    return QLocale::c()
            .toString(QDateTime::currentDateTimeUtc(),
                      QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
            .toLatin1();
}

// 1xx, 204 and 304 answers never carry a body (RFC 9110 6.4.1); 1xx and 204 must not even
// announce a Content-Length, and for 304 a length would describe a body that is not there.
bool mayHaveBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

FakeHttpServer::Response notFound(const FakeHttpServer::Request &)
{
    return FakeHttpServer::Response::json(404, R"({"detail":"Not found."})");
}

} // namespace

struct FakeHttpServer::Connection : public QObject
{
    enum class Stage { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailers };
    enum class Parsed { NeedMore, Complete, Malformed };

    struct Pending
    {
        Response response;
        QDeadlineTimer due;
        bool keepAlive = true;
        bool headOnly = false;
    };

    explicit Connection(QTcpSocket *tcpSocket)
        : QObject(tcpSocket)
        , socket(tcpSocket)
    {
    }

    Parsed parse();
    bool parseHead(const QByteArray &head);
    bool takeBody(Stage next);

    QTcpSocket *socket; // the parent

    QByteArray input; // received and not parsed yet
    Stage stage = Stage::Head;
    Request request; // the one being read
    qint64 bodyLeft = 0; // of the body, or of the current chunk
    bool requestKeepAlive = true;
    bool continueOwed = false; // the client waits for "100 Continue" before sending the body
    bool readDone = false; // nothing more is read: the connection is ending

    QList<Pending> outbox; // answers in request order
    bool timerArmed = false;
    bool stalled = false; // a NeverAnswer reached the front: nothing more is sent
    bool gone = false; // disconnected; the socket is about to be deleted
};

FakeHttpServer::Connection::Parsed FakeHttpServer::Connection::parse()
{
    for (;;) {
        switch (stage) {
        case Stage::Head: {
            // RFC 9112 2.2: empty lines before a request line are ignored.
            while (input.startsWith("\r\n"))
                input.remove(0, 2);
            const qsizetype end = input.indexOf("\r\n\r\n");
            if (end < 0)
                return Parsed::NeedMore;
            const QByteArray head = input.left(end);
            input.remove(0, end + 4);
            if (!parseHead(head))
                return Parsed::Malformed;
            break;
        }
        case Stage::Body:
            if (!takeBody(Stage::Head))
                return Parsed::NeedMore;
            continueOwed = false;
            return Parsed::Complete;
        case Stage::ChunkSize: {
            const qsizetype end = input.indexOf("\r\n");
            if (end < 0)
                return Parsed::NeedMore;
            QByteArray line = input.left(end);
            input.remove(0, end + 2);
            const qsizetype extension = line.indexOf(';');
            if (extension >= 0)
                line.truncate(extension);
            bool ok = false;
            bodyLeft = line.trimmed().toLongLong(&ok, 16);
            if (!ok || bodyLeft < 0)
                return Parsed::Malformed;
            stage = bodyLeft == 0 ? Stage::Trailers : Stage::ChunkData;
            break;
        }
        case Stage::ChunkData:
            if (!takeBody(Stage::ChunkEnd))
                return Parsed::NeedMore;
            break;
        case Stage::ChunkEnd:
            if (input.size() < 2)
                return Parsed::NeedMore;
            if (!input.startsWith("\r\n"))
                return Parsed::Malformed;
            input.remove(0, 2);
            stage = Stage::ChunkSize;
            break;
        case Stage::Trailers: {
            const qsizetype end = input.indexOf("\r\n");
            if (end < 0)
                return Parsed::NeedMore;
            input.remove(0, end + 2); // trailer fields are read and dropped
            if (end == 0) {
                stage = Stage::Head;
                continueOwed = false;
                return Parsed::Complete;
            }
            break;
        }
        }
    }
}

// Moves up to bodyLeft bytes of input into the body; true (and on to `next`) once all are there.
bool FakeHttpServer::Connection::takeBody(Stage next)
{
    const qsizetype n = qsizetype(std::min<qint64>(bodyLeft, input.size()));
    request.body.append(input.constData(), n);
    input.remove(0, n);
    bodyLeft -= n;
    if (bodyLeft > 0)
        return false;
    stage = next;
    return true;
}

bool FakeHttpServer::Connection::parseHead(const QByteArray &head)
{
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }

    const QList<QByteArray> requestLine = lines.takeFirst().split(' ');
    if (requestLine.size() != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()
        || !requestLine[2].startsWith("HTTP/1."))
        return false;

    request = Request();
    request.method = requestLine[0];
    request.target = requestLine[1];
    const qsizetype query = request.target.indexOf('?');
    request.path = query < 0 ? request.target : request.target.left(query);
    for (const QByteArray &line : std::as_const(lines)) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }

    const QByteArray connection = request.header("Connection");
    requestKeepAlive = requestLine[2] == "HTTP/1.0" ? hasToken(connection, "keep-alive")
                                                    : !hasToken(connection, "close");

    // RFC 9112 6.1: Transfer-Encoding wins over Content-Length; chunked must come last.
    bodyLeft = 0;
    if (request.hasHeader("Transfer-Encoding")) {
        const QList<QByteArray> codings = request.header("Transfer-Encoding").split(',');
        if (!sameName(codings.last().trimmed(), "chunked"))
            return false;
        stage = Stage::ChunkSize;
    } else {
        if (request.hasHeader("Content-Length")) {
            bool ok = false;
            bodyLeft = request.header("Content-Length").toLongLong(&ok);
            if (!ok || bodyLeft < 0)
                return false;
        }
        stage = Stage::Body;
    }
    continueOwed = sameName(request.header("Expect"), "100-continue")
            && (stage == Stage::ChunkSize || bodyLeft > 0);
    return true;
}

QByteArray FakeHttpServer::Request::header(const QByteArray &name) const
{
    return headerValue(headers, name);
}

bool FakeHttpServer::Request::hasHeader(const QByteArray &name) const
{
    return containsHeader(headers, name);
}

FakeHttpServer::Response FakeHttpServer::Response::json(int status, const QByteArray &body)
{
    Response response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = body;
    return response;
}

FakeHttpServer::Response FakeHttpServer::Response::html(int status, const QByteArray &body)
{
    Response response;
    response.status = status;
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    response.body = body;
    return response;
}

FakeHttpServer::Response FakeHttpServer::Response::redirect(int status, const QByteArray &location)
{
    Response response;
    response.status = status;
    response.headers = {{"Location", location}};
    return response;
}

FakeHttpServer::FakeHttpServer(QObject *parent)
    : QObject(parent)
    , m_fallback(notFound)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FakeHttpServer::onNewConnection);
}

FakeHttpServer::~FakeHttpServer()
{
    m_server.close();
    // The sockets die with m_server after this body; cut them loose first so that no signal
    // reaches this half-destroyed object. Their Connections and timers die with them.
    const auto sockets = m_server.findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets) {
        socket->disconnect();
        socket->abort();
    }
}

bool FakeHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 FakeHttpServer::port() const
{
    return m_server.serverPort();
}

QUrl FakeHttpServer::url(const QString &path) const
{
    const QString slash = path.startsWith(u'/') ? QString() : QStringLiteral("/");
    return QUrl(
            QStringLiteral("http://127.0.0.1:%1%2%3").arg(QString::number(port()), slash, path));
}

void FakeHttpServer::route(const QByteArray &method, const QByteArray &path, Handler handler)
{
    m_routes.append({{method, path}, std::move(handler)});
}

void FakeHttpServer::setFallback(Handler handler)
{
    m_fallback = handler ? std::move(handler) : Handler(notFound);
}

int FakeHttpServer::count(const QByteArray &method, const QByteArray &path) const
{
    return int(std::count_if(m_requests.cbegin(), m_requests.cend(), [&](const Request &request) {
        return (method == "*" || request.method == method) && request.path == path;
    }));
}

void FakeHttpServer::closeAllConnections()
{
    // Aborting emits disconnected() at once, but the sockets are only deleted later, so the
    // list stays valid while we walk it.
    const auto sockets = m_server.findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

void FakeHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        ++m_connectionsAccepted;
        auto *connection = new Connection(socket);
        connect(socket, &QTcpSocket::readyRead, connection,
                [this, connection] { onReadyRead(connection); });
        connect(socket, &QTcpSocket::disconnected, connection,
                [this, connection] { onDisconnected(connection); });
        if (socket->bytesAvailable() > 0)
            onReadyRead(connection);
    }
}

void FakeHttpServer::onReadyRead(Connection *connection)
{
    if (connection->socket->isReadable())
        connection->input.append(connection->socket->readAll());

    while (!connection->readDone) {
        const Connection::Parsed parsed = connection->parse();
        if (parsed == Connection::Parsed::NeedMore) {
            sendContinueIfDue(connection);
            return;
        }
        if (parsed == Connection::Parsed::Malformed) {
            // Answered in turn after what came before it; then the connection ends.
            connection->readDone = true;
            connection->input.clear();
            connection->outbox.append({Response::json(400, R"({"detail":"Malformed request."})"),
                                       QDeadlineTimer(0, Qt::PreciseTimer), false, false});
            answerNext(connection);
            return;
        }

        const bool keepAlive = connection->requestKeepAlive;
        if (!keepAlive) {
            connection->readDone = true; // a client that said "close" sends nothing more
            connection->input.clear();
        }
        dispatch(connection, std::exchange(connection->request, Request()), keepAlive);
    }
}

void FakeHttpServer::onDisconnected(Connection *connection)
{
    if (connection->gone)
        return;
    connection->gone = true;
    // Complete requests that came in just before the close were still seen by the server.
    if (connection->socket->bytesAvailable() > 0)
        onReadyRead(connection);
    connection->socket->deleteLater();
}

void FakeHttpServer::dispatch(Connection *connection, const Request &request, bool keepAlive)
{
    m_requests.append(request);
    Q_EMIT requestReceived(request);

    // A copy: the handler may add routes, which can move the stored one while it runs.
    Handler handler = m_fallback;
    for (auto it = m_routes.crbegin(); it != m_routes.crend(); ++it) {
        const QByteArray &method = it->first.first;
        if ((method == "*" || method == request.method) && it->first.second == request.path) {
            handler = it->second;
            break;
        }
    }
    const Response response = handler(request);

    if (connection->gone)
        return;
    connection->outbox.append({response,
                               QDeadlineTimer(std::max(0, response.delayMs), Qt::PreciseTimer),
                               keepAlive, request.method == "HEAD"});
    answerNext(connection);
}

// Sends the answers at the front of the queue whose time has come, one by one, so that a
// connection always answers in request order whatever each answer's delay.
void FakeHttpServer::answerNext(Connection *connection)
{
    while (!connection->gone && !connection->stalled && !connection->outbox.isEmpty()) {
        const Connection::Pending &next = connection->outbox.constFirst();
        if (next.response.action == Response::NeverAnswer) {
            connection->stalled = true;
            return;
        }
        if (!next.due.hasExpired()) {
            if (!connection->timerArmed) {
                connection->timerArmed = true;
                const int waitMs = int(std::max<qint64>(1, next.due.remainingTime()));
                // The Connection as context: a socket deleted meanwhile takes the timer along.
                QTimer::singleShot(waitMs, Qt::PreciseTimer, connection, [this, connection] {
                    connection->timerArmed = false;
                    answerNext(connection);
                });
            }
            return;
        }

        const Connection::Pending pending = connection->outbox.takeFirst();
        if (pending.response.action == Response::DropConnection) {
            connection->socket->abort();
            return;
        }
        const bool keepAlive = pending.response.action == Response::Respond && pending.keepAlive
                && !hasToken(headerValue(pending.response.headers, "Connection"), "close");
        send(connection, pending.response, keepAlive, pending.headOnly);
        if (!keepAlive) {
            connection->readDone = true;
            connection->outbox.clear();
            connection->socket->disconnectFromHost(); // after the written bytes are out
            return;
        }
    }
    sendContinueIfDue(connection);
}

void FakeHttpServer::send(Connection *connection, const Response &response, bool keepAlive,
                          bool headOnly)
{
    if (connection->gone || connection->socket->state() != QAbstractSocket::ConnectedState)
        return;

    const QByteArray reason
            = response.reason.isEmpty() ? reasonPhrase(response.status) : response.reason;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason + "\r\n";
    // Framing is the server's job: the handler's own length and connection fields are replaced.
    for (const auto &header : response.headers) {
        if (!sameName(header.first, "Content-Length")
            && !sameName(header.first, "Transfer-Encoding")
            && !sameName(header.first, "Connection"))
            out += header.first + ": " + header.second + "\r\n";
    }
    if (!containsHeader(response.headers, "Date"))
        out += "Date: " + httpDate() + "\r\n";
    const bool withBody = mayHaveBody(response.status);
    if (withBody)
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (!keepAlive && response.action == Response::Respond)
        out += "Connection: close\r\n";
    out += "\r\n";

    if (withBody && !headOnly) {
        if (response.action == Response::TruncateBody)
            out += response.body.left(response.body.size() / 2);
        else
            out += response.body;
    }
    connection->socket->write(out);
}

void FakeHttpServer::sendContinueIfDue(Connection *connection)
{
    // An interim answer must not overtake the final answers to earlier requests.
    if (!connection->continueOwed || connection->gone || connection->stalled || connection->readDone
        || !connection->outbox.isEmpty())
        return;
    connection->continueOwed = false;
    connection->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
}
