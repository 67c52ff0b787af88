#pragma once

#include <QByteArray>
#include <QList>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

// A deliberately small SimpleJWT-shaped HTTP/1.1 server on 127.0.0.1 for the benchmark. It runs
// on its own thread with plain poll() and canned answers, so that per request it costs far less
// than the client under test: a slow server would hide the client's overhead in its own latency.
// Both sides of every comparison talk to the same instance.
//
//   POST /api/token/          {"access": first access token, "refresh": the refresh token}
//   POST /api/token/refresh/  {"access": the next access token from the list}; it becomes valid
//   GET  /api/items/          a small JSON list when "Authorization: Bearer <valid access>",
//                             else 401 token_not_valid
//   GET  /api/big/            the large body set by setBigBody(), same check
class BenchServer
{
public:
    BenchServer() = default;
    ~BenchServer();
    BenchServer(const BenchServer &) = delete;
    BenchServer &operator=(const BenchServer &) = delete;

    // accessTokens: handed out in order, the first by the sign-in, the next by each refresh.
    bool start(const QList<QByteArray> &accessTokens, const QByteArray &refreshToken);
    void stop();
    quint16 port() const { return m_port; }

    void setBigBody(const QByteArray &body);
    // The current access token stops being accepted (it "expires" at the server) once this many
    // more API requests have been answered; 0: at once.
    void expireAccessAfter(int answers);
    QByteArray currentAccess() const;

    // CPU time the server's thread has used so far, so that the client's own can be told apart.
    double cpuMs() const;

    int refreshCalls() const { return m_refreshCalls.load(); }
    int apiRequests() const { return m_apiRequests.load(); }
    int rejectedRequests() const { return m_rejected.load(); }

private:
    struct Connection;
    void run();
    bool handle(Connection &connection);
    QByteArray answer(const QByteArray &method, const QByteArray &path,
                      const QByteArray &authorization);

    int m_listenFd = -1;
    int m_wakeFds[2] = {-1, -1}; // a pipe that wakes poll() for stop()
    quint16 m_port = 0;
    std::thread m_thread;

    mutable std::mutex m_mutex; // guards everything below that is not atomic
    QList<QByteArray> m_accessTokens;
    int m_current = 0;
    bool m_currentValid = true;
    int m_answersUntilExpiry = -1; // -1: no expiry planned
    QByteArray m_refreshToken;
    QByteArray m_bigBody;
    QByteArray m_itemsResponse;

    std::atomic<int> m_refreshCalls {0};
    std::atomic<int> m_apiRequests {0};
    std::atomic<int> m_rejected {0};
};
