#include "TokenPanel.h"

#include <QNetworkReply>

#include "TokenSession.h"
#include "TokenView.h"
#include "UiText.h"

#include <QFrame>
#include <QLabel>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace Kini {

TokenPanel::TokenPanel(TokenSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_access(new TokenView(tr("Access token"), this))
    , m_refresh(new TokenView(tr("Refresh token"), this))
    , m_footer(new QLabel(this))
    , m_timer(new QTimer(this))
{
    m_access->setObjectName(QStringLiteral("accessTokenView"));
    m_refresh->setObjectName(QStringLiteral("refreshTokenView"));
    m_footer->setObjectName(QStringLiteral("tokenPanelFooter"));
    m_footer->setWordWrap(true);
    m_footer->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("tokenSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->setHandleWidth(12);
    splitter->addWidget(m_access);
    splitter->addWidget(m_refresh);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(8);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_footer);

    connect(session, &TokenSession::tokensChanged, this, &TokenPanel::reloadTokens);
    connect(session, &TokenSession::stateChanged, this, &TokenPanel::tick);
    connect(session, &TokenSession::refreshStarted, this, [this] {
        m_lastRefreshError.clear();
        m_access->setRefreshing(true);
        tick();
    });
    connect(session, &TokenSession::refreshFinished, this, [this](const ApiError &error) {
        m_access->setRefreshing(false);
        // A refusal ends the session, and the footer says so; only a failure that kept the
        // tokens is worth keeping on show.
        m_lastRefreshError = error.isError() && error.kind != ApiError::Canceled
                        && error.kind != ApiError::SessionExpired
                ? UiText::sentence(UiText::errorText(error))
                : QString();
        tick();
    });
    // A new sign-in starts afresh: an old refresh failure no longer applies.
    connect(session, &TokenSession::signInFinished, this, [this](const ApiError &error) {
        if (!error.isError()) {
            m_lastRefreshError.clear();
            tick();
        }
    });
    connect(m_timer, &QTimer::timeout, this, &TokenPanel::tick);

    // A whole second, so that Qt's coarse timers wake the app once a second for this and the
    // session's own one-second check together.
    m_timer->start(1000);
    reloadTokens();
}

void TokenPanel::setTickIntervalMs(int ms)
{
    m_timer->start(ms);
}

QString TokenPanel::footerText() const
{
    return m_footer->text();
}

void TokenPanel::reloadTokens()
{
    if (!m_session)
        return;
    m_access->setToken(m_session->accessToken(), m_session->accessReceivedMs());
    m_refresh->setToken(m_session->refreshToken(), m_session->refreshReceivedMs());
    m_access->setRefreshing(m_session->isRefreshing());
    tick();
}

void TokenPanel::tick()
{
    if (!m_session)
        return;
    // The session's clock plus its estimate of the server's offset: exp is the server's time.
    const qint64 now = m_session->serverNowMs();
    m_access->setRefreshing(m_session->isRefreshing());
    m_access->updateTime(now);
    m_refresh->updateTime(now);

    QString footer;
    if (m_session->state() == TokenSession::State::Expired) {
        footer = tr("The session expired: sign in again to get new tokens.");
    } else if (!m_lastRefreshError.isEmpty() && m_session->hasTokens()) {
        footer = tr("Last refresh failed: %1 The tokens were kept; it will be tried again.")
                         .arg(m_lastRefreshError);
    } else if (m_session->state() == TokenSession::State::Resuming && !m_session->hasTokens()) {
        footer = tr("Reading the saved session from the keychain…");
    } else if (m_session->isRefreshing()) {
        footer = tr("Refreshing the access token…");
    } else if (m_session->isAccountDisabled()) {
        footer = tr("Automatic refresh paused: the server says this account is disabled.");
    } else if (m_session->nextRefreshMs() > now) {
        footer = tr("Next automatic refresh %1.")
                         .arg(UiText::relativeTime(m_session->nextRefreshMs() - now));
    } else if (m_session->nextRefreshMs() > 0) {
        footer = tr("An automatic refresh is due.");
    } else if (m_session->hasTokens()) {
        footer = tr("No automatic refresh planned.");
    } else {
        footer = tr("Not signed in.");
    }
    m_footer->setText(footer);
}

} // namespace Kini
