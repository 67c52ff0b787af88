#include "TokenSession.h"

#include "Interceptor.h"
#include "KiniLog.h"
#include "SecretStore.h"
#include "TokenResponse.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimeZone>
#include <utility>

#include <algorithm>

namespace Kini {

namespace {

// Never refresh proactively more often than this, whatever the clocks say.
constexpr qint64 kMinRefreshIntervalMs = 5000;
constexpr qint64 kMaxRetryDelayMs = 60000;
const char kTooLargeProperty[] = "kiniTooLarge";

// A finished token-endpoint reply: transport failures here, the server's bytes in
// parseTokenResponse().
TokenResponse readTokenReply(QNetworkReply *reply, TokenCall call, const ServerConfig &config)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = ServerConfig::originOf(reply->url());
    TokenResponse out;
    out.status = status;
    if (reply->property(kTooLargeProperty).toBool()) {
        return parseTokenResponse(call, status, QByteArray(),
                                  QByteArray(kMaxTokenResponseBytes + 1, ' '), config);
    }
    if (status == 0 || (reply->error() != QNetworkReply::NoError && status < 300)) {
        switch (reply->error()) {
        // The session never aborts a reply it still listens to, so a cancel here is Qt's
        // transfer timeout.
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            out.error = ApiError::make(ApiError::Timeout,
                                       QObject::tr("%1 did not answer in time.").arg(where));
            break;
        case QNetworkReply::SslHandshakeFailedError:
            out.error = ApiError::make(ApiError::Tls,
                                       QObject::tr("Secure connection to %1 failed: %2")
                                               .arg(where, reply->errorString()));
            break;
        default:
            out.error = ApiError::make(
                    ApiError::Network,
                    status == 0
                            ? QObject::tr("Could not reach %1: %2").arg(where, reply->errorString())
                            : QObject::tr("The connection to %1 broke "
                                          "off: %2")
                                      .arg(where, reply->errorString()),
                    status);
            break;
        }
        return out;
    }
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    return parseTokenResponse(call, status,
                              reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), body,
                              config);
}

// An RFC 9110 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), read in UTC whatever the local
// time zone is.
QDateTime parseHttpDate(const QByteArray &value)
{
    const QList<QByteArray> parts = value.simplified().split(' ');
    if (parts.size() != 6 || parts.at(5) != "GMT")
        return QDateTime();
    static const QByteArrayList months
            = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const int month = months.indexOf(parts.at(2)) + 1;
    const QDate date(parts.at(3).toInt(), month, parts.at(1).toInt());
    const QTime time
            = QTime::fromString(QString::fromLatin1(parts.at(4)), QStringLiteral("HH:mm:ss"));
    if (month == 0 || !date.isValid() || !time.isValid())
        return QDateTime();
    return QDateTime(date, time, QTimeZone::utc());
}

} // namespace

TokenSession::TokenSession(QNetworkAccessManager *network, SecretStore *store, const Clock *clock,
                           QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_store(store)
    , m_clock(clock)
{
    qRegisterMetaType<Kini::ApiError>();
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &TokenSession::checkClock);
}

TokenSession::~TokenSession()
{
    for (QNetworkReply *reply : {m_signInReply.data(), m_refreshReply.data()}) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }
}

void TokenSession::setConfig(const ServerConfig &config)
{
    m_config = config;
}

void TokenSession::setTickIntervalMs(int ms)
{
    m_tick.setInterval(ms);
}

void TokenSession::setState(State state)
{
    if (m_state == state)
        return;
    qCDebug(lcAuth) << "session state" << m_state << "->" << state;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool TokenSession::hasUsableAccess() const
{
    if (m_access.isNull())
        return false;
    const ClaimTime exp = m_access.expiry();
    if (!exp.isValid())
        return true; // no known expiry: use it until the server says otherwise
    const qint64 lifetime = exp.msecs - m_accessReceivedMs;
    const qint64 slack = std::clamp<qint64>(lifetime / 20, 0, 2000);
    return serverNowMs() + slack < exp.msecs;
}

bool TokenSession::refreshTokenExpired() const
{
    const ClaimTime exp = m_refresh.expiry();
    return exp.isValid() && serverNowMs() >= exp.msecs;
}

QNetworkReply *TokenSession::postJson(const QUrl &url, const QByteArray &body, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setAttribute(Interceptor::BypassAttribute, true);
    // A token endpoint that redirects is misconfigured; following it could carry the password
    // to another host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    request.setPriority(QNetworkRequest::HighPriority);
    m_requestSentMs = m_clock->nowMs();
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxTokenResponseBytes && !reply->property(kTooLargeProperty).toBool()) {
            reply->setProperty(kTooLargeProperty, true);
            reply->abort();
        }
    });
    return reply;
}

void TokenSession::updateClockOffset(QNetworkReply *reply, qint64 sentMs)
{
    const QByteArray date = reply->rawHeader("Date");
    if (date.isEmpty())
        return;
    const QDateTime server = parseHttpDate(date);
    if (!server.isValid())
        return;
    const qint64 receivedMs = m_clock->nowMs();
    // The Date header has whole seconds and names a moment between sending and receiving.
    const qint64 offset = server.toMSecsSinceEpoch() + 500 - (sentMs + receivedMs) / 2;
    const qint64 tolerance = 2000 + (receivedMs - sentMs) / 2;
    const qint64 previous = m_clockOffsetMs;
    m_clockOffsetMs = std::abs(offset) <= tolerance ? 0 : offset;
    if (m_clockOffsetMs != previous) {
        qCInfo(lcAuth) << "clock offset to the server is now" << m_clockOffsetMs << "ms";
        Q_EMIT clockOffsetChanged(m_clockOffsetMs);
    }
}

void TokenSession::abandonResume(const QString &why)
{
    // resumeFinished() comes once per resume(), even for one given up: requests sent while the
    // session was being restored wait for it.
    QObject::disconnect(m_resumeRefreshWait);
    if (m_state == State::Resuming)
        Q_EMIT resumeFinished(ApiError::make(ApiError::Canceled, why));
}

void TokenSession::forgetRestoredTokens()
{
    m_tick.stop();
    m_access = Jwt();
    m_refresh = Jwt();
    m_nextRefreshMs = 0;
}

void TokenSession::dropUnrestoredSession()
{
    // The saved session stays in the keychain for a retry, but nobody is signed in: no token is
    // shown as if it were in use, and none is refreshed or sent in the meantime.
    forgetRestoredTokens();
    setState(State::SignedOut);
    Q_EMIT tokensChanged();
}

void TokenSession::detachResumeRefresh()
{
    QNetworkReply *orphan = std::exchange(m_refreshReply, nullptr);
    if (!orphan)
        return;
    orphan->disconnect(this);
    // Already with the server: cut off, a rotated refresh token would be lost, and the saved
    // session with it. It is left to finish; if it rotated and the sign-in is somebody else's,
    // the new token is saved for the user it belongs to. Nothing else of it is used.
    const QString resumedUser = m_username;
    const QString key = m_config.sessionKey(resumedUser);
    const ServerConfig config = m_config;
    connect(orphan, &QNetworkReply::finished, this, [this, orphan, resumedUser, key, config] {
        orphan->deleteLater();
        const TokenResponse answer = readTokenReply(orphan, TokenCall::Refresh, config);
        if (answer.outcome == TokenResponse::Tokens && !answer.refresh.isEmpty()
            && isHeaderSafeToken(answer.refresh) && m_username != resumedUser) {
            qCInfo(lcAuth) << "saving the rotated token of the restore that a sign-in replaced";
            m_store->write(key, answer.refresh, this, nullptr);
        }
    });
}

void TokenSession::signIn(const QString &username, QString password, bool keepSignedIn)
{
    if (m_state == State::Resuming) {
        // A sign-in with the password takes the place of a restore still under way: nothing
        // of the restore stays, neither its tokens nor its refresh.
        abandonResume(tr("A sign-in with a password took its place."));
        detachResumeRefresh();
        forgetRestoredTokens();
        Q_EMIT tokensChanged();
    }
    if (m_signInReply)
        cancelSignIn();
    if (m_state != State::SigningIn)
        m_stateBeforeSignIn = m_state == State::Resuming ? State::SignedOut : m_state;
    m_username = username;
    m_keep = keepSignedIn;
    setState(State::SigningIn);

    QJsonObject credentials;
    credentials.insert(m_config.usernameField, username);
    credentials.insert(m_config.passwordField, password);
    QByteArray body = QJsonDocument(credentials).toJson(QJsonDocument::Compact);
    // The password lives on only in the request buffer, which dies with the reply.
    password.fill(QLatin1Char('\0'));
    password.clear();
    credentials = QJsonObject();

    qCInfo(lcAuth) << "signing in as" << username << "at" << m_config.origin()
                   << "password:" << redacted(QStringLiteral("x"));
    QNetworkReply *reply = postJson(m_config.obtainUrl(), body, m_config.requestTimeoutMs);
    body.fill('\0');
    m_signInReply = reply;
    const qint64 sentMs = m_requestSentMs;
    connect(reply, &QNetworkReply::finished, this, [this, reply, sentMs]() {
        updateClockOffset(reply, sentMs);
        finishSignIn(reply);
    });
}

void TokenSession::cancelSignIn()
{
    QNetworkReply *reply = m_signInReply;
    if (!reply)
        return;
    m_signInReply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    setState(m_stateBeforeSignIn);
    qCInfo(lcAuth) << "sign-in canceled";
    Q_EMIT signInFinished(ApiError::make(ApiError::Canceled, tr("Sign-in canceled.")));
}

void TokenSession::finishSignIn(QNetworkReply *reply)
{
    if (reply != m_signInReply)
        return;
    m_signInReply = nullptr;
    reply->deleteLater();

    const TokenResponse answer = readTokenReply(reply, TokenCall::Obtain, m_config);
    const ApiError error = answer.error;
    const QByteArray access = answer.access;
    const QByteArray refresh = answer.refresh;
    if (error.isError()) {
        qCInfo(lcAuth) << "sign-in failed:" << error.message;
        setState(m_stateBeforeSignIn);
        Q_EMIT signInFinished(error);
        return;
    }

    reportAccountUsable();
    m_failedRefreshes = 0;
    m_rejectionAccess.clear();
    setTokens(access, refresh);
    setState(State::Active);
    m_tick.start();
    qCInfo(lcAuth) << "signed in as" << m_username << "access:" << redacted(access)
                   << "refresh:" << redacted(refresh);
    if (m_keep) {
        saveRefreshToken();
    } else {
        // Someone who unticked "keep me signed in" expects no session left behind.
        m_savedRefresh.clear();
        m_store->remove(m_config.sessionKey(m_username), this, nullptr);
    }
    Q_EMIT signInFinished(ApiError());
}

void TokenSession::preconnect()
{
    // A resume ends in a refresh: the connection it needs (and over https the TLS handshake,
    // judged like any other) is opened while the keychain is read, by Qt's network thread.
    // Nothing is sent on it until the refresh; a connection nobody uses is closed by Qt.
    const QUrl url = m_config.refreshUrl();
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty())
        return;
    if (scheme == QLatin1String("https"))
        m_network->connectToHostEncrypted(url.host(), quint16(url.port(443)));
    else if (scheme == QLatin1String("http"))
        m_network->connectToHost(url.host(), quint16(url.port(80)));
}

void TokenSession::resume(const QString &username)
{
    m_username = username;
    m_keep = true;
    setState(State::Resuming);
    const QString key = m_config.sessionKey(username);
    qCInfo(lcAuth) << "resuming the saved session for" << username << "at" << m_config.origin();
    startupMark("keychain read asked");
    preconnect();
    m_store->read(key, this, [this](const StoreResult &result) {
        startupMark("keychain answered");
        if (m_state != State::Resuming)
            return; // signed in or out meanwhile
        if (result.status == StoreResult::NotFound) {
            setState(State::SignedOut);
            Q_EMIT resumeFinished(ApiError::make(ApiError::NoSavedSession,
                                                 tr("No saved session for %1.").arg(m_username)));
            return;
        }
        if (!result.ok()) {
            // An unreadable keychain is not an empty one: leave whatever it holds alone.
            setState(State::SignedOut);
            Q_EMIT resumeFinished(ApiError::make(
                    ApiError::Storage,
                    tr("Your saved session could not be read: %1 Sign in with your password; the "
                       "saved session was left in place.")
                            .arg(result.message)));
            return;
        }
        m_savedRefresh = result.secret;
        if (!isHeaderSafeToken(result.secret)) {
            m_store->remove(m_config.sessionKey(m_username), this, nullptr);
            m_savedRefresh.clear();
            setState(State::SignedOut);
            Q_EMIT resumeFinished(ApiError::make(
                    ApiError::SessionExpired,
                    tr("The saved session was damaged and has been removed. Sign in again.")));
            return;
        }
        m_access = Jwt();
        m_refresh = Jwt::decode(result.secret);
        m_refreshReceivedMs = serverNowMs();
        Q_EMIT tokensChanged();
        if (refreshTokenExpired()) {
            m_refreshingWith = result.secret;
            expire(tr("Your saved session has expired. Sign in again."));
            Q_EMIT resumeFinished(ApiError::make(ApiError::SessionExpired,
                                                 tr("Your saved session has expired.")));
            return;
        }
        // Held in a member, so that a sign-in or sign-out that takes over before the refresh
        // answers (abandonResume()) cuts it: left behind, it would end a later session.
        QObject::disconnect(m_resumeRefreshWait);
        m_resumeRefreshWait = connect(this, &TokenSession::refreshFinished, this,
                                      [this](const ApiError &error) {
                                          QObject::disconnect(m_resumeRefreshWait);
                                          if (error.isError() && m_state != State::Expired)
                                              dropUnrestoredSession();
                                          Q_EMIT resumeFinished(error);
                                      });
        m_tick.start();
        refresh();
    });
}

bool TokenSession::refresh()
{
    if (m_refreshReply || m_adopting)
        return true;
    if (m_refresh.isNull())
        return false;
    if (refreshTokenExpired()) {
        m_refreshingWith = m_refresh.raw();
        expire(tr("Your session has expired. Sign in again."));
        return false;
    }
    // SimpleJWT 5.2.2 refreshes a disabled user's tokens, which the API then rejects (C05).
    if (m_accountDisabled && m_refreshesWhileDisabled >= 1)
        return false;
    if (m_accountDisabled)
        ++m_refreshesWhileDisabled;

    if (m_state != State::Resuming)
        setState(State::Refreshing);
    m_refreshingWith = m_refresh.raw();
    QJsonObject json;
    json.insert(m_config.refreshField, QString::fromLatin1(m_refreshingWith));
    qCInfo(lcAuth) << "refreshing the access token; refresh:" << redacted(m_refreshingWith);
    startupMark("refresh sent");
    QNetworkReply *reply
            = postJson(m_config.refreshUrl(), QJsonDocument(json).toJson(QJsonDocument::Compact),
                       m_config.refreshTimeoutMs);
    m_refreshReply = reply;
    const qint64 sentMs = m_requestSentMs;
    connect(reply, &QNetworkReply::finished, this, [this, reply, sentMs]() {
        updateClockOffset(reply, sentMs);
        finishRefresh(reply);
    });
    Q_EMIT refreshStarted();
    return true;
}

void TokenSession::finishRefresh(QNetworkReply *reply)
{
    if (reply != m_refreshReply)
        return;
    m_refreshReply = nullptr;
    reply->deleteLater();
    m_lastRefreshMs = m_clock->nowMs();
    const bool forRejection = std::exchange(m_rejectionRefresh, false);

    const TokenResponse answer = readTokenReply(reply, TokenCall::Refresh, m_config);
    if (answer.outcome == TokenResponse::Rejected) {
        adoptStoredTokenOrExpire(answer);
        return;
    }
    if (answer.outcome == TokenResponse::Failed) {
        // Transient or unexplained: keep both tokens, so the next attempt can still succeed.
        ++m_failedRefreshes;
        qCWarning(lcAuth) << "refresh failed, tokens kept:" << answer.error.message;
        if (m_state == State::Refreshing)
            setState(State::Active);
        planNextRefresh();
        Q_EMIT refreshFinished(answer.error);
        return;
    }

    const QByteArray access = answer.access;
    const QByteArray refresh = answer.refresh;
    const bool rotated = !refresh.isEmpty() && refresh != m_refresh.raw();
    m_failedRefreshes = 0;
    setTokens(access, refresh.isEmpty() ? m_refresh.raw() : refresh);
    m_rejectionAccess = forRejection ? access : QByteArray();
    if (m_state == State::Refreshing || m_state == State::Resuming)
        setState(State::Active);
    qCInfo(lcAuth) << "refresh succeeded; rotated:" << rotated << "access:" << redacted(access);
    startupMark("refresh answered");
    if (rotated)
        saveRefreshToken();
    Q_EMIT refreshFinished(ApiError());
}

void TokenSession::adoptStoredTokenOrExpire(const TokenResponse &answer)
{
    const QByteArray failed = m_refreshingWith;
    auto expireNow = [this, answer]() {
        // The refresh token is dead (expired, blacklisted after rotation, revoked).
        qCInfo(lcAuth) << "refresh refused with" << answer.status << "- session over";
        expire(answer.error.message);
        Q_EMIT refreshFinished(answer.error);
    };
    if (!m_keep || m_username.isEmpty()) {
        expireNow();
        return;
    }
    // Another instance of the app on the same server and user may have rotated the token and
    // saved the new one: take it over instead of ending both sessions. Waiting requests keep
    // waiting, since refreshFinished() has not been emitted.
    m_adopting = true;
    m_store->read(m_config.sessionKey(m_username), this,
                  [this, failed, expireNow](const StoreResult &stored) {
                      m_adopting = false;
                      if (!stored.ok() || stored.secret == failed
                          || !isHeaderSafeToken(stored.secret) || m_refresh.raw() != failed) {
                          expireNow();
                          return;
                      }
                      qCInfo(lcAuth) << "taking over the refresh token another instance saved";
                      m_refresh = Jwt::decode(stored.secret);
                      m_refreshReceivedMs = serverNowMs();
                      m_savedRefresh = stored.secret;
                      Q_EMIT tokensChanged();
                      if (!refresh())
                          Q_EMIT refreshFinished(ApiError::make(ApiError::SessionExpired,
                                                                tr("Your session has expired.")));
                  });
}

void TokenSession::reportAccountUsable()
{
    if (!m_accountDisabled)
        return;
    m_accountDisabled = false;
    qCInfo(lcAuth) << "the account works again";
    Q_EMIT accountEnabled();
}

void TokenSession::setTokens(const QByteArray &access, const QByteArray &refresh)
{
    const qint64 now = serverNowMs();
    m_access = Jwt::decode(access);
    m_accessReceivedMs = now;
    if (refresh != m_refresh.raw()) {
        m_refresh = Jwt::decode(refresh);
        m_refreshReceivedMs = now;
    }
    planNextRefresh();
    Q_EMIT tokensChanged();
}

void TokenSession::planNextRefresh()
{
    const ClaimTime exp = m_access.expiry();
    if (m_access.isNull() || !exp.isValid() || m_refresh.isNull()) {
        m_nextRefreshMs = 0;
        return;
    }
    // Plan from exp alone: SimpleJWT gives refreshed access tokens the login's iat (C06).
    const qint64 lifetime = exp.msecs - m_accessReceivedMs;
    const qint64 margin = std::clamp<qint64>(lifetime / 10, 1000, 30000);
    qint64 next = exp.msecs - margin;
    const qint64 now = serverNowMs();
    if (m_lastRefreshMs > 0)
        next = std::max(next, m_lastRefreshMs + m_clockOffsetMs + kMinRefreshIntervalMs);
    if (m_failedRefreshes > 0) {
        const qint64 backoff
                = std::min<qint64>(kMaxRetryDelayMs, 2500LL << std::min(m_failedRefreshes, 5));
        next = std::max(next, now + backoff);
    }
    m_nextRefreshMs = next;
}

void TokenSession::checkClock()
{
    if (m_state != State::Active || m_refreshReply)
        return;
    if (refreshTokenExpired() && !hasUsableAccess()) {
        m_refreshingWith = m_refresh.raw();
        expire(tr("Your session has expired. Sign in again."));
        return;
    }
    // While the account is disabled, refreshing would only mint tokens the API rejects (C05).
    if (m_accountDisabled || m_nextRefreshMs == 0 || serverNowMs() < m_nextRefreshMs)
        return;
    refresh();
}

bool TokenSession::accessRejected(const QByteArray &usedAccess)
{
    if (usedAccess != m_access.raw())
        return true; // already replaced: replay with the current one
    if (m_refreshReply)
        return true;
    if (!m_rejectionAccess.isEmpty() && usedAccess == m_rejectionAccess) {
        // A token fresh from a refresh was rejected too: another refresh would loop.
        qCWarning(lcAuth) << "the server rejected a freshly refreshed access token";
        return false;
    }
    m_rejectionRefresh = true;
    if (!refresh()) {
        m_rejectionRefresh = false;
        return false;
    }
    return true;
}

void TokenSession::reportAccountDisabled(const QString &detail)
{
    const bool first = !m_accountDisabled;
    if (first)
        m_refreshesWhileDisabled = 0;
    m_accountDisabled = true;
    if (first)
        qCWarning(lcAuth) << "the server reports the account as disabled";
    Q_EMIT accountDisabled(detail);
}

void TokenSession::expire(const QString &reason)
{
    // Delete the stored token only if it is still the one that just failed: another instance
    // of the app may have rotated it meanwhile, and its newer token must survive. The store
    // runs operations in order, so the read sees every write asked for before it.
    const QByteArray failed = m_refreshingWith;
    if (!failed.isEmpty() && !m_username.isEmpty() && m_keep) {
        const QString key = m_config.sessionKey(m_username);
        m_store->read(key, this, [this, key, failed](const StoreResult &stored) {
            if (stored.ok() && stored.secret == failed)
                m_store->remove(key, this, nullptr);
        });
    }
    m_savedRefresh.clear();
    m_access = Jwt();
    m_refresh = Jwt();
    m_nextRefreshMs = 0;
    m_tick.stop();
    setState(State::Expired);
    Q_EMIT tokensChanged();
    Q_EMIT sessionExpired(reason);
}

void TokenSession::saveAgain()
{
    m_store->askAgain();
    saveRefreshToken();
}

void TokenSession::saveRefreshToken()
{
    if (!m_keep || m_refresh.isNull())
        return;
    const QByteArray token = m_refresh.raw();
    m_store->write(
            m_config.sessionKey(m_username), token, this, [this, token](const StoreResult &result) {
                if (result.ok()) {
                    m_savedRefresh = token;
                    if (std::exchange(m_storageFailing, false))
                        Q_EMIT storageRecovered();
                    return;
                }
                m_storageFailing = true;
                Q_EMIT storageWarning(tr("Could not save your session to the keychain: %1 You stay "
                                         "signed in for now, but the next start will ask for your "
                                         "password.")
                                              .arg(result.message));
            });
}

void TokenSession::forgetSavedSession(const QString &username)
{
    const QString key = m_config.sessionKey(username);
    m_store->remove(key, this, [this, key](const StoreResult &result) {
        const bool removed = result.ok() || result.status == StoreResult::NotFound;
        if (!removed)
            qCWarning(lcAuth) << "the saved session could not be removed:" << result.message;
        Q_EMIT savedSessionRemoveFinished(key, removed, result.message);
    });
}

bool TokenSession::cancelResume()
{
    if (m_state != State::Resuming || isRefreshing())
        return false;
    abandonResume(tr("Stopped before the saved session was read."));
    dropUnrestoredSession();
    return true;
}

void TokenSession::signOut()
{
    abandonResume(tr("Signed out."));
    cancelSignIn();
    if (m_refreshReply) {
        QNetworkReply *reply = m_refreshReply;
        m_refreshReply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    const QByteArray refresh = m_refresh.raw();
    if (!refresh.isEmpty() && m_config.blacklistUrl().isValid()) {
        QJsonObject json;
        json.insert(m_config.refreshField, QString::fromLatin1(refresh));
        QNetworkReply *reply = postJson(m_config.blacklistUrl(),
                                        QJsonDocument(json).toJson(QJsonDocument::Compact),
                                        m_config.requestTimeoutMs);
        connect(reply, &QNetworkReply::finished, this, [this, reply]() {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status >= 200 && status < 300) {
                qCInfo(lcAuth) << "the server revoked the refresh token";
                Q_EMIT revokeFinished(ApiError());
                return;
            }
            const ApiError error = ApiError::make(
                    status == 0 ? ApiError::Network : ApiError::Http,
                    status == 0 ? tr("Could not revoke the session on the server: %1")
                                          .arg(reply->errorString())
                                : tr("The server refused to revoke the session (%1).").arg(status),
                    status);
            qCWarning(lcAuth) << "revoking at sign-out failed:" << error.message;
            Q_EMIT revokeFinished(error);
        });
    }
    if (!m_username.isEmpty())
        forgetSavedSession(m_username);
    m_savedRefresh.clear();
    m_access = Jwt();
    m_refresh = Jwt();
    m_nextRefreshMs = 0;
    m_accountDisabled = false;
    m_tick.stop();
    setState(State::SignedOut);
    qCInfo(lcAuth) << "signed out";
    Q_EMIT tokensChanged();
    Q_EMIT signedOut();
}

} // namespace Kini
