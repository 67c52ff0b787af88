#include "InterceptedReply.h"

#include "Interceptor.h"
#include "KiniLog.h"
#include "TokenSession.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>
#include <QTimer>
#include <QTimerEvent>

namespace Kini {

namespace {

constexpr int kMaxRedirects = 10;
constexpr int kDefaultTimeoutMs = 30000;

// RFC 9110 tchar: what a header name may consist of.
bool isValidHeaderName(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

// Visible ASCII, spaces, tabs and UTF-8 bytes; no CR, LF or other control characters.
bool isValidHeaderValue(const QByteArray &value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArray methodOf(QNetworkAccessManager::Operation op, const QNetworkRequest &request)
{
    switch (op) {
    case QNetworkAccessManager::HeadOperation:
        return QByteArrayLiteral("HEAD");
    case QNetworkAccessManager::GetOperation:
        return QByteArrayLiteral("GET");
    case QNetworkAccessManager::PutOperation:
        return QByteArrayLiteral("PUT");
    case QNetworkAccessManager::PostOperation:
        return QByteArrayLiteral("POST");
    case QNetworkAccessManager::DeleteOperation:
        return QByteArrayLiteral("DELETE");
    case QNetworkAccessManager::CustomOperation:
        return request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
    case QNetworkAccessManager::UnknownOperation:
        break;
    }
    return QByteArray();
}

struct ErrorBody
{
    QString code;
    QString detail;
};

ErrorBody errorBodyOf(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    return {json.value(QLatin1String("code")).toString(),
            json.value(QLatin1String("detail")).toString()};
}

} // namespace

InterceptedReply::InterceptedReply(Interceptor *manager, TokenSession *session,
                                   QNetworkAccessManager::Operation op,
                                   const QNetworkRequest &request, const QByteArray &body,
                                   QObject *parent)
    : QNetworkReply(parent)
    , m_manager(manager)
    , m_session(session)
    , m_op(op)
    , m_request(request)
    , m_body(body)
{
    setRequest(request);
    setOperation(op);
    setUrl(request.url());
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
}

InterceptedReply::~InterceptedReply()
{
    if (m_hop) {
        m_hop->disconnect(this);
        m_hop->abort();
        delete m_hop.data();
    }
    delete m_finishedHop.data();
    if (m_holdsSlot && m_manager)
        m_manager->releaseApiHop();
}

bool InterceptedReply::isApiOrigin(const QUrl &url) const
{
    return m_session && m_session->config().isSameOrigin(url);
}

void InterceptedReply::start()
{
    if (m_done)
        return;
    const QList<QByteArray> names = m_request.rawHeaderList();
    for (const QByteArray &name : names) {
        if (!isValidHeaderName(name) || !isValidHeaderValue(m_request.rawHeader(name))) {
            failLater(ApiError::make(
                              ApiError::BadInput,
                              tr("The header \"%1\" contains a line break, a control character "
                                 "or an invalid name; the request was not sent.")
                                      .arg(QString::fromUtf8(name.left(64)).simplified())),
                      QNetworkReply::ProtocolInvalidOperationError);
            return;
        }
    }
    m_startedAtApi = isApiOrigin(m_request.url());
    if (!m_startedAtApi || !m_session) {
        sendHop(true);
        return;
    }
    if (m_session->state() == TokenSession::State::Expired) {
        failForSession();
        return;
    }
    // A restore waits on its own refresh too, but may be given up (a sign-in or sign-out takes
    // over) without that refresh ever answering: waited for as a whole.
    if (m_session->state() == TokenSession::State::Resuming) {
        waitForResume();
        return;
    }
    if (m_session->isRefreshing()) {
        waitForRefresh();
        return;
    }
    if (m_session->hasTokens() && !m_session->hasUsableAccess()) {
        // Decided by the clock now, not by a timer that a suspend may have delayed (C12).
        if (m_session->refresh())
            waitForRefresh();
        else if (m_session->isAccountDisabled())
            failLater(ApiError::make(
                              ApiError::AccountDisabled,
                              tr("The server says this account is disabled. Sign in again once "
                                 "it has been enabled.")),
                      QNetworkReply::AuthenticationRequiredError);
        else
            failForSession();
        return;
    }
    sendHop(true);
}

void InterceptedReply::failLater(const ApiError &error, QNetworkReply::NetworkError code)
{
    QMetaObject::invokeMethod(
            this,
            [this, error, code] {
                if (!m_done)
                    fail(error, code);
            },
            Qt::QueuedConnection);
}

void InterceptedReply::failForSession()
{
    failLater(ApiError::make(ApiError::SessionExpired,
                             tr("Your session has expired. Sign in again to send requests.")),
              QNetworkReply::AuthenticationRequiredError);
}

void InterceptedReply::waitFor(void (TokenSession::*finished)(const ApiError &),
                               void (InterceptedReply::*failed)(const ApiError &))
{
    QObject::disconnect(m_refreshWait);
    m_refreshWait = connect(m_session, finished, this, [this, failed](const ApiError &error) {
        QObject::disconnect(m_refreshWait);
        if (error.isError())
            (this->*failed)(error);
        else
            sendHop();
    });
}

void InterceptedReply::waitForRefresh()
{
    waitFor(&TokenSession::refreshFinished, &InterceptedReply::failAfterRefresh);
}

void InterceptedReply::failAfterRefresh(const ApiError &error)
{
    const auto code = error.kind == ApiError::SessionExpired
            ? QNetworkReply::AuthenticationRequiredError
            : error.kind == ApiError::Timeout ? QNetworkReply::TimeoutError
                                              : QNetworkReply::UnknownNetworkError;
    // Sent once already when the refresh was for a rejected token: say what happened.
    const QString what = m_replayed
            ? tr("The server rejected the access token, and the token refresh failed, so the "
                 "request was not sent again. %1")
            : tr("The request was not sent: the token refresh failed. %1");
    fail(ApiError::make(error.kind, what.arg(error.message), error.httpStatus), code);
}

void InterceptedReply::waitForResume()
{
    waitFor(&TokenSession::resumeFinished, &InterceptedReply::failAfterResume);
}

void InterceptedReply::failAfterResume(const ApiError &error)
{
    const QString what = error.kind == ApiError::NoSavedSession
            ? tr("The request was not sent: there was no saved session to restore, and nobody "
                 "is signed in.")
            : tr("The request was not sent: the saved session could not be restored. %1")
                      .arg(error.message);
    fail(ApiError::make(error.kind, what, error.httpStatus),
         QNetworkReply::AuthenticationRequiredError);
}

void InterceptedReply::sendHop(bool originChecked)
{
    if (m_done || !m_manager)
        return;
    // Straight from start(), the URL is the one it has just looked at; after a wait (refresh,
    // replay) the configuration may have changed, and after a redirect the URL has.
    const bool atApi
            = originChecked && m_redirects == 0 ? m_startedAtApi : isApiOrigin(m_request.url());
    if (atApi)
        m_manager->queueApiHop(this);
    else
        launchHop(false);
}

void InterceptedReply::launchHop(bool holdsSlot, HopOrigin origin)
{
    m_holdsSlot = holdsSlot;
    m_replaySent = m_replaySent || m_replayed;
    QNetworkRequest request = m_request;
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    m_transferTimeoutMs = request.transferTimeout();
    if (m_transferTimeoutMs == 0)
        m_transferTimeoutMs = m_session ? m_session->config().requestTimeoutMs : kDefaultTimeoutMs;
    else
        request.setTransferTimeout(0); // timed by this reply, see timerEvent()

    // The caller's own Authorization header wins: someone testing a token by hand means it.
    m_usedAccess.clear();
    m_authorized = false;
    const bool atApi = holdsSlot && (origin == HopOrigin::Api || isApiOrigin(request.url()));
    if (atApi && !request.hasRawHeader("Authorization") && !m_session->accessToken().isNull()) {
        m_usedAccess = m_session->accessToken().raw();
        request.setRawHeader("Authorization", "Bearer " + m_usedAccess);
        m_authorized = true;
    }

    m_sentMethod = methodOf(m_op, request);
    m_sentRequest = request;

    QBuffer *body = nullptr;
    if (!m_body.isEmpty() || m_op == QNetworkAccessManager::PostOperation
        || m_op == QNetworkAccessManager::PutOperation) {
        body = new QBuffer;
        body->setData(m_body);
        body->open(QIODevice::ReadOnly);
    }
    ++m_hops;
    qCDebug(lcNet) << "hop" << m_hops << m_sentMethod
                   << request.url().toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)
                   << "token:" << (m_authorized ? redacted(m_usedAccess) : QStringLiteral("none"));
    // The hop stays the manager's child (Qt made it so); this reply deletes it (see dropHop()).
    QNetworkReply *hop = m_manager->sendHop(m_op, request, body);
    if (body)
        body->setParent(hop);
    m_hop = hop;
    connect(hop, &QNetworkReply::finished, this, &InterceptedReply::onHopFinished);
    m_forwardingProgress = false;
    if (isSignalConnected(QMetaMethod::fromSignal(&QNetworkReply::downloadProgress)))
        forwardDownloadProgress();
    if (body) {
        connect(hop, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64 total) {
            noteProgress();
            Q_EMIT uploadProgress(sent, total);
        });
    }
    if (m_transferTimeoutMs > 0) {
        noteProgress();
        m_lastReceived = 0;
        m_transferTimer.start(m_transferTimeoutMs, Qt::CoarseTimer, this);
    }
}

void InterceptedReply::forwardDownloadProgress()
{
    if (m_forwardingProgress || !m_hop)
        return;
    m_forwardingProgress = true;
    connect(m_hop, &QNetworkReply::downloadProgress, this, &QNetworkReply::downloadProgress);
}

void InterceptedReply::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&QNetworkReply::downloadProgress))
        forwardDownloadProgress();
    QNetworkReply::connectNotify(signal);
}

void InterceptedReply::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_transferTimer.timerId()) {
        QNetworkReply::timerEvent(event);
        return;
    }
    // The hop is read only once it has finished, so what it holds grows with every chunk: a
    // download made progress if that grew. Uploads report theirs (noteProgress()).
    const qint64 received = m_hop ? m_hop->bytesAvailable() : 0;
    if (received != m_lastReceived) {
        m_lastReceived = received;
        noteProgress();
    }
    const qint64 silentMs = m_lastProgress.elapsed();
    if (silentMs < m_transferTimeoutMs && m_hop) {
        m_transferTimer.start(int(m_transferTimeoutMs - silentMs), Qt::CoarseTimer, this);
        return;
    }
    m_transferTimer.stop();
    if (m_hop)
        m_hop->abort(); // finishes the hop with OperationCanceledError: see finishFromHop()
}

InterceptedReply::RawHeaders InterceptedReply::sentHeaders() const
{
    RawHeaders headers;
    const QList<QByteArray> names = m_sentRequest.rawHeaderList();
    for (const QByteArray &name : names) {
        const bool secret = name.compare("Authorization", Qt::CaseInsensitive) == 0
                || name.compare("Cookie", Qt::CaseInsensitive) == 0;
        QByteArray value = m_sentRequest.rawHeader(name);
        if (secret) {
            const int space = value.indexOf(' ');
            value = (space > 0 ? value.left(space + 1) : QByteArray()) + "[redacted]";
        }
        headers.append({name, value});
    }
    return headers;
}

void InterceptedReply::onHopFinished()
{
    QNetworkReply *hop = m_hop;
    if (!hop || m_done)
        return;
    const int status = hop->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();

    if (status >= 300 && status < 400 && hop->hasRawHeader("Location") && followRedirect(status))
        return;

    const QByteArray body = hop->isOpen() ? hop->readAll() : QByteArray();
    if (m_authorized && m_session && status >= 200 && status < 300
        && m_session->isAccountDisabled()) {
        m_session->reportAccountUsable();
    }
    if (status == 401 && m_authorized && m_session) {
        const ErrorBody error = errorBodyOf(body);
        if (error.code == QLatin1String("token_not_valid") && !m_replayed) {
            m_replayed = true;
            if (m_session->accessRejected(m_usedAccess)) {
                qCInfo(lcNet) << "access token rejected; replaying after refresh";
                dropHop();
                if (m_session->isRefreshing())
                    waitForRefresh();
                else
                    sendHop();
                return;
            }
            m_apiError = ApiError::make(ApiError::Http,
                                        tr("The server rejected the access token, and a fresh one "
                                           "too: %1")
                                                .arg(error.detail),
                                        401);
        } else if (error.code == QLatin1String("token_not_valid")) {
            m_apiError = ApiError::make(ApiError::Http,
                                        tr("The server rejected the refreshed access token too: "
                                           "%1")
                                                .arg(error.detail),
                                        401);
        } else if (error.code == QLatin1String("user_inactive")
                   || error.code == QLatin1String("user_not_found")) {
            const QString detail = error.detail.isEmpty() ? error.code : error.detail;
            m_apiError = ApiError::make(
                    ApiError::AccountDisabled,
                    tr("The server says this account cannot be used: %1").arg(detail), 401);
            m_session->reportAccountDisabled(detail);
        } else if (!error.detail.isEmpty()) {
            m_apiError = ApiError::make(ApiError::Http, error.detail, 401);
        }
    }
    finishFromHop(hop, body);
}

bool InterceptedReply::followRedirect(int status)
{
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
        return false;
    QNetworkReply *hop = m_hop;
    const QUrl from = hop->url();
    const QUrl target = from.resolved(QUrl::fromEncoded(hop->rawHeader("Location")));
    if (!target.isValid()
        || (target.scheme() != QLatin1String("http")
            && target.scheme() != QLatin1String("https"))) {
        return false;
    }
    const bool sameOrigin = ServerConfig::originOf(target) == ServerConfig::originOf(from);
    if (!sameOrigin && m_startedAtApi) {
        // Qt would follow and copy every header, the token included, to the other host (C01).
        m_blockedRedirect = target;
        m_apiError = ApiError::make(ApiError::Http,
                                    tr("The server redirected to %1; the redirect was not "
                                       "followed, so your token and request body stay with "
                                       "the API.")
                                            .arg(target.toDisplayString(QUrl::RemoveUserInfo)),
                                    status);
        qCInfo(lcNet) << "cross-origin redirect not followed to" << ServerConfig::originOf(target);
        return false;
    }
    if (++m_redirects > kMaxRedirects) {
        m_apiError = ApiError::make(
                ApiError::Http,
                tr("More than %1 redirects; stopped following them.").arg(kMaxRedirects), status);
        return false;
    }

    const bool becomesGet = status == 303
            ? m_op != QNetworkAccessManager::HeadOperation
            : (status == 301 || status == 302) && m_op == QNetworkAccessManager::PostOperation;
    if (becomesGet) {
        m_op = QNetworkAccessManager::GetOperation;
        m_request.setAttribute(QNetworkRequest::CustomVerbAttribute, QVariant());
        m_request.setHeader(QNetworkRequest::ContentTypeHeader, QVariant());
        m_request.setRawHeader("Content-Type", QByteArray());
        m_body.clear();
    }
    if (!sameOrigin) {
        // Only requests that did not start at the API get here; still, a user's own
        // credentials must not follow them to another origin.
        m_request.setRawHeader("Authorization", QByteArray());
        m_request.setRawHeader("Cookie", QByteArray());
        m_request.setRawHeader("Proxy-Authorization", QByteArray());
    }
    m_request.setUrl(target);
    dropHop();
    sendHop();
    return true;
}

void InterceptedReply::dropHop(bool keep)
{
    m_transferTimer.stop();
    if (m_holdsSlot) {
        m_holdsSlot = false;
        if (m_manager)
            m_manager->releaseApiHop();
    }
    if (!m_hop)
        return;
    // A finished hop that stays emits nothing more; the others are cut off before they go.
    if (keep) {
        delete m_finishedHop.data(); // a redirect's or a replay's earlier hop
        m_finishedHop = m_hop;
    } else {
        m_hop->disconnect(this);
        m_hop->deleteLater();
    }
    m_hop = nullptr;
}

QString InterceptedReply::httpErrorText(int status, const QByteArray &body) const
{
    const QString reason = attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString statusLine = QStringLiteral("%1 %2").arg(status).arg(reason).trimmed();
    const QString detail = errorBodyOf(body).detail.simplified().left(500);
    if (detail.isEmpty())
        return tr("The server answered %1.").arg(statusLine);
    return tr("The server answered %1: %2").arg(statusLine, detail);
}

void InterceptedReply::finishFromHop(QNetworkReply *hop, const QByteArray &body)
{
    setUrl(hop->url());
    for (auto which :
         {QNetworkRequest::HttpStatusCodeAttribute, QNetworkRequest::HttpReasonPhraseAttribute,
          QNetworkRequest::Http2WasUsedAttribute, QNetworkRequest::ConnectionEncryptedAttribute}) {
        const QVariant value = hop->attribute(which);
        if (value.isValid() || attribute(which).isValid()) // setting nothing over nothing costs
            setAttribute(which, value);
    }
    const auto pairs = hop->rawHeaderPairs();
    for (const auto &pair : pairs)
        setRawHeader(pair.first, pair.second);
    m_data = body;
    m_readPos = 0;
    if (hop->error() != QNetworkReply::NoError) {
        QNetworkReply::NetworkError code = hop->error();
        QString message = hop->errorString();
        if (code == QNetworkReply::OperationCanceledError) {
            // Only the transfer timeout (timerEvent()) cancels a hop we still listen to.
            code = QNetworkReply::TimeoutError;
            message = tr("No answer from %1 within %2 s.")
                              .arg(ServerConfig::originOf(hop->url()))
                              .arg(m_transferTimeoutMs / 1000.0);
        }
        setError(code, message);
        if (!m_apiError.isError()) {
            const int status = attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const bool timedOut = code == QNetworkReply::TimeoutError;
            // Qt's "Error transferring <url> - server replied: Not Found" says less than the
            // status line and the API's own detail (DRF's {"detail": ...}).
            if (status > 0 && !timedOut)
                message = httpErrorText(status, body);
            m_apiError = ApiError::make(timedOut             ? ApiError::Timeout
                                                : status > 0 ? ApiError::Http
                                                             : ApiError::Network,
                                        message, status);
        }
    } else if (m_blockedRedirect.isValid()) {
        setError(QNetworkReply::InsecureRedirectError, m_apiError.message);
    }
    // The finished hop is done with the network; it goes when this reply does, without an event
    // of its own.
    dropHop(true);
    complete();
}

void InterceptedReply::fail(const ApiError &error, QNetworkReply::NetworkError code)
{
    m_apiError = error;
    setError(code, error.message);
    complete();
}

void InterceptedReply::complete()
{
    if (m_done)
        return;
    m_done = true;
    QObject::disconnect(m_refreshWait);
    setFinished(true);
    // A slot may delete this reply at any emit; stop touching it once it is gone.
    QPointer<InterceptedReply> self(this);
    Q_EMIT metaDataChanged();
    if (self && bytesAvailable() > 0)
        Q_EMIT readyRead();
    if (self && error() != QNetworkReply::NoError)
        Q_EMIT errorOccurred(error());
    if (self)
        Q_EMIT finished();
}

void InterceptedReply::abort()
{
    if (m_done)
        return;
    QObject::disconnect(m_refreshWait);
    if (m_hop) {
        m_hop->disconnect(this);
        m_hop->abort();
    }
    dropHop();
    fail(ApiError::make(ApiError::Canceled, tr("Canceled.")),
         QNetworkReply::OperationCanceledError);
}

qint64 InterceptedReply::bytesAvailable() const
{
    return m_data.size() - m_readPos + QIODevice::bytesAvailable();
}

qint64 InterceptedReply::readData(char *data, qint64 maxSize)
{
    const qint64 n = qMin<qint64>(maxSize, m_data.size() - m_readPos);
    if (n <= 0)
        return m_done ? -1 : 0;
    memcpy(data, m_data.constData() + m_readPos, size_t(n));
    m_readPos += n;
    return n;
}

} // namespace Kini
