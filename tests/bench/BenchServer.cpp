#include "BenchServer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>
#include <vector>

namespace {

const QByteArray kTokenNotValid
        = R"({"detail":"Given token not valid for any token type","code":"token_not_valid",)"
          R"("messages":[{"token_class":"AccessToken","token_type":"access",)"
          R"("message":"Token is invalid or expired"}]})";

QByteArray response(int status, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    const QByteArray reason = status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Not Found";
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// The value of a header in a request head, matched case-insensitively; empty when absent.
QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    qsizetype from = head.indexOf("\r\n");
    while (from >= 0 && from + 2 < head.size()) {
        const qsizetype lineStart = from + 2;
        const qsizetype lineEnd = head.indexOf("\r\n", lineStart);
        const qsizetype end = lineEnd < 0 ? head.size() : lineEnd;
        const QByteArrayView line(head.constData() + lineStart, end - lineStart);
        const qsizetype colon = line.indexOf(':');
        if (colon == name.size() && line.first(colon).compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed().toByteArray();
        from = lineEnd;
    }
    return {};
}

} // namespace

struct BenchServer::Connection
{
    int fd = -1;
    QByteArray input;
    QList<QByteArray> output; // pieces still to send; the first from outputOffset on
    qsizetype outputOffset = 0;
};

BenchServer::~BenchServer()
{
    stop();
}

bool BenchServer::start(const QList<QByteArray> &accessTokens, const QByteArray &refreshToken)
{
    m_accessTokens = accessTokens;
    m_refreshToken = refreshToken;
    QByteArray items = "[";
    for (int i = 1; i <= 3; ++i) {
        items += (i > 1 ? "," : "") + QByteArray(R"({"id":)") + QByteArray::number(i)
                + R"(,"name":"item )" + QByteArray::number(i)
                + R"(","created":"2024-05-01T10:00:00Z","owner":"demo"})";
    }
    items += "]";
    m_itemsResponse = response(200, items);

    m_listenFd = socket(AF_INET, SOCK_STREAM, 0);
    if (m_listenFd < 0)
        return false;
    const int yes = 1;
    setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // 127.0.0.1 only
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (bind(m_listenFd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || listen(m_listenFd, 64) != 0
        || getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&address), &length) != 0
        || pipe(m_wakeFds) != 0) {
        stop();
        return false;
    }
    setNonBlocking(m_listenFd);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { run(); });
    return true;
}

void BenchServer::stop()
{
    if (m_thread.joinable()) {
        const char byte = 'q';
        (void)!write(m_wakeFds[1], &byte, 1);
        m_thread.join();
    }
    for (int *fd : {&m_listenFd, &m_wakeFds[0], &m_wakeFds[1]}) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
    }
}

double BenchServer::cpuMs() const
{
    clockid_t clock;
    timespec spent {};
    if (!m_thread.joinable()
        || pthread_getcpuclockid(const_cast<std::thread &>(m_thread).native_handle(), &clock) != 0
        || clock_gettime(clock, &spent) != 0)
        return 0;
    return spent.tv_sec * 1e3 + spent.tv_nsec / 1e6;
}

void BenchServer::setBigBody(const QByteArray &body)
{
    const std::lock_guard lock(m_mutex);
    m_bigBody = body;
}

void BenchServer::expireAccessAfter(int answers)
{
    const std::lock_guard lock(m_mutex);
    m_answersUntilExpiry = answers;
    if (answers == 0)
        m_currentValid = false;
}

QByteArray BenchServer::currentAccess() const
{
    const std::lock_guard lock(m_mutex);
    return m_accessTokens.value(m_current);
}

void BenchServer::run()
{
    std::vector<std::unique_ptr<Connection>> connections;
    std::vector<pollfd> polled;
    for (;;) {
        polled.clear();
        polled.push_back({m_wakeFds[0], POLLIN, 0});
        polled.push_back({m_listenFd, POLLIN, 0});
        for (const auto &connection : connections) {
            const short events = connection->output.isEmpty() ? POLLIN : POLLIN | POLLOUT;
            polled.push_back({connection->fd, events, 0});
        }
        if (poll(polled.data(), polled.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (polled[0].revents)
            break;
        if (polled[1].revents & POLLIN) {
            for (;;) {
                const int fd = accept(m_listenFd, nullptr, nullptr);
                if (fd < 0)
                    break;
                setNonBlocking(fd);
                const int yes = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
                auto connection = std::make_unique<Connection>();
                connection->fd = fd;
                connections.push_back(std::move(connection));
            }
        }
        // Only the connections that were polled: accepted ones wait for the next round.
        for (size_t i = 2; i < polled.size(); ++i) {
            if (!polled[i].revents)
                continue;
            Connection &connection = *connections[i - 2];
            if (!handle(connection)) {
                close(connection.fd);
                connection.fd = -1;
            }
        }
        connections.erase(std::remove_if(connections.begin(), connections.end(),
                                         [](const auto &c) { return c->fd < 0; }),
                          connections.end());
    }
    for (const auto &connection : connections)
        close(connection->fd);
}

// Reads what arrived, answers every complete request, writes what the socket takes. False when
// the connection is over.
bool BenchServer::handle(Connection &connection)
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = read(connection.fd, buffer, sizeof buffer);
        if (n > 0) {
            connection.input.append(buffer, n);
            continue;
        }
        if (n == 0)
            return false;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        if (errno != EINTR)
            return false;
    }

    for (;;) {
        const qsizetype headEnd = connection.input.indexOf("\r\n\r\n");
        if (headEnd < 0)
            break;
        const QByteArray head = connection.input.left(headEnd);
        const qsizetype bodyLength = headerValue(head, "Content-Length").toLongLong();
        if (connection.input.size() < headEnd + 4 + bodyLength)
            break;
        connection.input.remove(0, headEnd + 4 + bodyLength);
        const qsizetype lineEnd = head.indexOf("\r\n");
        const QList<QByteArray> requestLine
                = head.left(lineEnd < 0 ? head.size() : lineEnd).split(' ');
        if (requestLine.size() != 3)
            return false;
        const QByteArray path = requestLine[1];
        if (path == "/api/big/" && requestLine[0] == "GET") {
            const QByteArray check
                    = answer("GET", "/api/items/", headerValue(head, "Authorization"));
            if (!check.startsWith("HTTP/1.1 200")) {
                connection.output.append(check);
            } else {
                QByteArray body;
                {
                    const std::lock_guard lock(m_mutex);
                    body = m_bigBody;
                }
                connection.output.append("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                         "Content-Length: "
                                         + QByteArray::number(body.size()) + "\r\n\r\n");
                connection.output.append(body); // shared, not copied
            }
        } else {
            connection.output.append(
                    answer(requestLine[0], path, headerValue(head, "Authorization")));
        }
    }

    while (!connection.output.isEmpty()) {
        const QByteArray &piece = connection.output.constFirst();
        const ssize_t n = write(connection.fd, piece.constData() + connection.outputOffset,
                                size_t(piece.size() - connection.outputOffset));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == EINTR)
                continue;
            return false;
        }
        connection.outputOffset += n;
        if (connection.outputOffset == piece.size()) {
            connection.output.removeFirst();
            connection.outputOffset = 0;
        }
    }
    return true;
}

QByteArray BenchServer::answer(const QByteArray &method, const QByteArray &path,
                               const QByteArray &authorization)
{
    const std::lock_guard lock(m_mutex);
    if (method == "POST" && path == "/api/token/") {
        return response(200,
                        R"({"refresh":")" + m_refreshToken + R"(","access":")"
                                + m_accessTokens.value(m_current) + "\"}");
    }
    if (method == "POST" && path == "/api/token/refresh/") {
        ++m_refreshCalls;
        if (m_current + 1 < m_accessTokens.size())
            ++m_current;
        m_currentValid = true;
        m_answersUntilExpiry = -1;
        return response(200, R"({"access":")" + m_accessTokens.value(m_current) + "\"}");
    }
    if (path == "/api/items/") {
        ++m_apiRequests;
        const QByteArray expected = "Bearer " + m_accessTokens.value(m_current);
        if (!m_currentValid || authorization != expected) {
            ++m_rejected;
            return response(401, kTokenNotValid, "WWW-Authenticate: Bearer realm=\"api\"\r\n");
        }
        if (m_answersUntilExpiry > 0 && --m_answersUntilExpiry == 0)
            m_currentValid = false;
        return m_itemsResponse;
    }
    return response(404, R"({"detail":"Not found."})");
}
