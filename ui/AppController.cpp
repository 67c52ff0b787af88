#include "AppController.h"

#include <QNetworkReply>

#include "CertificatePrompt.h"
#include "CertificateTrust.h"
#include "ExplorerWindow.h"
#include "KiniLog.h"
#include "RequestEditor.h"
#include "TokenSession.h"
#include "UiText.h"

#include <QGuiApplication>
#include <QIcon>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <utility>

namespace Kini {

namespace {
const QString kLastServerKey = QStringLiteral("session/lastServer");
const QString kLastUserKey = QStringLiteral("session/lastUser");
const QString kKeepKey = QStringLiteral("session/keepSignedIn");
// The saved sessions (their sessionKey()) signed out of whose removal from the keychain has not
// been confirmed: never resumed, and removed again at the next start. Not secret.
const QString kRemovalPendingKey = QStringLiteral("session/removalPending");
// How long quitting waits for a refresh in flight.
constexpr int kQuitWaitMs = 10000;
} // namespace

AppController::AppController(QNetworkAccessManager *network, TokenSession *session,
                             QSettings *settings, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_network(network)
    , m_settings(settings)
{
    connect(session, &TokenSession::resumeFinished, this, &AppController::onResumeFinished);
    connect(session, &TokenSession::sessionExpired, this, &AppController::onSessionExpired);
    connect(session, &TokenSession::savedSessionRemoveFinished, this,
            &AppController::onSavedSessionRemoveFinished);
}

bool AppController::removalPending(const QString &key) const
{
    return m_settings->value(kRemovalPendingKey).toStringList().contains(key);
}

void AppController::setRemovalPending(const QString &key, bool pending)
{
    QStringList keys = m_settings->value(kRemovalPendingKey).toStringList();
    if (keys.contains(key) == pending)
        return;
    if (pending)
        keys.append(key);
    else
        keys.removeAll(key);
    if (keys.isEmpty())
        m_settings->remove(kRemovalPendingKey);
    else
        m_settings->setValue(kRemovalPendingKey, keys);
    // At once: a sign-out must hold even if the app is killed before the keychain answers.
    m_settings->sync();
}

void AppController::onSavedSessionRemoveFinished(const QString &key, bool removed,
                                                 const QString &why)
{
    if (removed)
        setRemovalPending(key, false);
    if (!m_signOutNotice || !m_dialog)
        return;
    m_signOutNotice = false;
    if (removed) {
        m_dialog->setReason(tr("You are signed out. The saved session was removed from this "
                               "computer."),
                            LoginDialog::ReasonLevel::Info);
    } else {
        const QString reason
                = why.trimmed().isEmpty() ? tr("No reason was given.") : UiText::sentence(why);
        m_dialog->setReason(tr("You are signed out, but the keychain did not remove the saved "
                               "session: %1 It will not be used: the next start asks for the "
                               "password and tries again to remove it.")
                                    .arg(reason),
                            LoginDialog::ReasonLevel::Warning);
    }
}

ExplorerWindow *AppController::explorer()
{
    if (m_explorer)
        return m_explorer.get();
    runBeforeFirstWindow();
    m_explorer = std::make_unique<ExplorerWindow>(m_network, m_session);
    m_explorer->restoreLayout(*m_settings);
    connect(m_explorer.get(), &ExplorerWindow::signOutRequested, this, &AppController::signOut);
    connect(m_explorer.get(), &ExplorerWindow::quitRequested, this, &AppController::quit);
    connect(m_explorer.get(), &ExplorerWindow::certificateReviewRequested, this, [this] {
        if (!m_refusedCertificate)
            return;
        m_certificatesDismissed.clear(); // asked for: ask
        onUntrustedCertificate(*m_refusedCertificate);
    });
    connect(m_explorer.get(), &ExplorerWindow::signInRequested, this, [this] {
        const bool expired = m_session && m_session->state() == TokenSession::State::Expired;
        showLogin(expired ? tr("Your session expired — sign in again.") : QString(),
                  LoginDialog::ReasonLevel::Info, m_session ? m_session->username() : QString());
    });
    connect(m_explorer.get(), &ExplorerWindow::firstPainted, this,
            &AppController::loadApplicationIcon);
    startupMark("explorer built");
    return m_explorer.get();
}

AppController::~AppController()
{
    if (m_explorer && m_explorerShown)
        m_explorer->saveLayout(m_settings);
    // A dialog shown without the explorer has no parent to delete it.
    if (m_dialog) {
        m_dialog->disconnect(this);
        delete m_dialog;
    }
}

ServerConfig AppController::configFor(const QString &server) const
{
    const QUrl base = ServerConfig::normalizeBaseUrl(server);
    if (!base.isValid())
        return ServerConfig();
    ServerConfig config = ServerConfig::load(*m_settings, base);
    config.baseUrl = base;
    return config;
}

void AppController::start(const QString &server, const QString &user)
{
    const QString lastServer = m_settings->value(kLastServerKey).toString();
    const QString lastUser = m_settings->value(kLastUserKey).toString();
    const QString serverText = server.isEmpty() ? lastServer : server;
    QString username = user;
    if (username.isEmpty()
        && ServerConfig::normalizeBaseUrl(serverText) == ServerConfig::normalizeBaseUrl(lastServer))
        username = lastUser;

    const ServerConfig config = configFor(serverText);
    if (config.isValid())
        m_session->setConfig(config);

    // A user named on the command line is worth a try; a remembered one only if they chose to
    // stay signed in, otherwise there is no saved session to find.
    const bool keep = m_settings->value(kKeepKey, true).toBool();
    if (config.isValid() && !username.isEmpty() && removalPending(config.sessionKey(username))) {
        // Signed out last time, but the keychain did not confirm the removal then: it is not
        // resumed, and removed now.
        m_session->forgetSavedSession(username);
        showLogin(tr("You signed out last time. Sign in with your password."),
                  LoginDialog::ReasonLevel::Info, username);
        QTimer::singleShot(0, this, &AppController::loadApplicationIcon);
        return;
    }
    if (config.isValid() && !username.isEmpty() && (!user.isEmpty() || keep)) {
        resume(username);
        return;
    }
    showLogin(QString(), LoginDialog::ReasonLevel::Info, username);
    QTimer::singleShot(0, this, &AppController::loadApplicationIcon);
}

void AppController::runBeforeFirstWindow()
{
    if (const std::function<void()> hook = std::exchange(m_beforeFirstWindow, {}))
        hook();
}

void AppController::loadApplicationIcon()
{
    // Loading it loads every image plugin (and libjpeg): Qt 6.4 asks each plugin about a PNG
    // even when told its format. Hence after the first frame, not before.
    if (!QGuiApplication::windowIcon().isNull())
        return;
    // Title bars and task switchers draw it at 16-64 px; a 256 px one would cost half a
    // megabyte decoded (twice: image and pixmap) and as much again sent to the X server.
    QIcon icon;
    for (int size : {32, 64})
        icon.addFile(QStringLiteral(":/kini/kini-explorer-%1.png").arg(size), QSize(size, size));
    QGuiApplication::setWindowIcon(icon);
}

void AppController::resume(const QString &username)
{
    m_resumeUser = username;
    // A saved session sends its refresh token at once: over http:// to another computer, not
    // before the user has agreed in this run, as for a password.
    const QStringList cleartext = cleartextOriginsToAsk();
    if (!cleartext.isEmpty()) {
        qCInfo(lcUi) << "asking before restoring a session in clear from" << cleartext;
        showLogin(QString(), LoginDialog::ReasonLevel::Info, username);
        m_dialog->askBeforeResumingInClear(cleartext);
        return;
    }
    m_resuming = true;
    qCInfo(lcUi) << "restoring the saved session of" << username;
    // Retry pressed in the dialog: it shows the busy bar at once.
    if (m_dialog)
        m_dialog->setRestoring(true, username);
    m_session->resume(username);
    // Otherwise the explorer comes up at once and says it is restoring the session; requests
    // sent meanwhile wait for it. The keychain (on its own thread) and the server work while the
    // window is built and painted; a keychain prompt or a slow server is waited for in the
    // window. If the session cannot be restored, the sign-in dialog opens over it.
    if (!m_dialog)
        showExplorer();
}

void AppController::onResumeFinished(const ApiError &error)
{
    if (!m_resuming) {
        // The user stopped waiting (Esc in the dialog) after the refresh was out; it came back
        // fine after all, so the session is simply there.
        if (!error.isError() && m_dialog && !m_dialog->isBusy()
            && m_session->state() == TokenSession::State::Active)
            m_dialog->accept();
        return;
    }
    m_resuming = false;
    // A sign-in or sign-out took over: they say what happens next.
    if (error.kind == ApiError::Canceled)
        return;
    if (m_dialog)
        m_dialog->setRestoring(false);

    if (!error.isError()) {
        qCInfo(lcUi) << "saved session restored";
        if (m_dialog) {
            // Closes it through the same path as a password sign-in.
            m_dialog->accept();
        } else {
            remember();
            startupMark("session restored");
        }
        return;
    }

    QString reason;
    LoginDialog::ReasonLevel level = LoginDialog::ReasonLevel::Info;
    bool offerRetry = false;
    switch (error.kind) {
    case ApiError::Storage:
        // C09: an unreadable keychain is not "no saved session"; the core left the entry alone
        // and says so. Once unlocked or answering again, the keychain may be asked again.
        reason = UiText::errorText(error);
        level = LoginDialog::ReasonLevel::Warning;
        offerRetry = true;
        break;
    case ApiError::Network:
    case ApiError::Timeout:
    case ApiError::Tls:
    case ApiError::Http:
    case ApiError::InvalidResponse:
        reason = tr("%1 Your saved session is kept: retry once the server can be reached, or "
                    "sign in with your password.")
                         .arg(UiText::sentence(UiText::errorText(error)));
        level = LoginDialog::ReasonLevel::Error;
        offerRetry = true;
        break;
    case ApiError::AccountDisabled:
        reason = UiText::errorText(error);
        level = LoginDialog::ReasonLevel::Error;
        break;
    case ApiError::Canceled:
        break;
    case ApiError::NoSavedSession:
        // The resume was this controller's idea: that a user (a new one, say, named on the
        // command line) has no saved session is no news to them. An expired or damaged saved
        // session (SessionExpired) is, and is said below.
        break;
    default:
        reason = UiText::errorText(error);
        break;
    }
    // The explorer, up since the start, says so too once the dialog is closed.
    if (explorerVisible())
        explorer()->showSignedOut(error.kind == ApiError::NoSavedSession
                                          ? tr("You are not signed in. Sign in to send requests "
                                               "with a token.")
                                          : tr("Your saved session was not restored. Sign in to "
                                               "send requests with a token."));
    if (m_dialog)
        m_dialog->setReason(reason, level, offerRetry);
    else
        showLogin(reason, level, m_resumeUser, offerRetry);
}

void AppController::setCertificateTrust(CertificateTrust *trust)
{
    if (m_trust)
        m_trust->disconnect(this);
    m_trust = trust;
    if (trust)
        connect(trust, &CertificateTrust::untrustedCertificate, this,
                &AppController::onUntrustedCertificate);
}

void AppController::onUntrustedCertificate(const CertificateTrust::Problem &problem)
{
    // The sign-in dialog shows its own; one question at a time; and a certificate the user
    // already said no to in this run is not asked about on every refresh retry.
    if (m_dialog || m_certificatePrompt || !explorerVisible())
        return;
    const QByteArray key = problem.origin.toUtf8() + ' '
            + CertificateTrust::digestOf(problem.certificate()).toHex();
    if (m_certificatesDismissed.contains(key))
        return;
    qCInfo(lcUi) << "asking about the certificate of" << problem.origin;
    auto *prompt = new CertificatePrompt(m_trust, problem, explorer());
    m_certificatePrompt = prompt;
    connect(prompt, &QDialog::finished, prompt, &QObject::deleteLater);
    connect(prompt, &QDialog::rejected, this, [this, key, problem] {
        m_certificatesDismissed.insert(key);
        m_refusedCertificate = problem;
        explorer()->showCertificateWarning(
                tr("The certificate of %1 is not trusted, so requests and token refreshes to it "
                   "fail.")
                        .arg(problem.origin));
    });
    connect(prompt, &QDialog::accepted, this, [this] {
        m_refusedCertificate.reset();
        explorer()->showCertificateWarning(QString());
        explorer()->statusBar()->showMessage(tr("Certificate trusted. Send the request again."),
                                             8000);
    });
    prompt->open();
}

QStringList AppController::cleartextOriginsToAsk() const
{
    QStringList origins;
    if (!m_trust)
        return origins; // no place to keep a consent: the dialogs ask on their own
    const ServerConfig &config = m_session->config();
    for (const QUrl &url : {config.baseUrl, config.refreshUrl()}) {
        const QString origin = ServerConfig::originOf(url);
        if (CertificateTrust::sendsInClear(url) && !m_trust->isCleartextAllowed(origin)
            && !origins.contains(origin))
            origins << origin;
    }
    return origins;
}

void AppController::quit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    if (m_session && m_session->isRefreshing()) {
        // With rotation the server may have replaced the refresh token already: the answer on
        // its way holds the only copy of the new one, and the old one is refused from now on.
        // The windows go at once; the application once the answer is in and saved (keychain
        // writes still running are waited for at the very end), or after kQuitWaitMs.
        qCInfo(lcUi) << "waiting for the refresh in flight before quitting";
        if (m_dialog)
            m_dialog->hide();
        if (m_certificatePrompt)
            m_certificatePrompt->hide();
        if (m_explorer)
            m_explorer->hide();
        connect(m_session, &TokenSession::refreshFinished, this, &AppController::quitRequested,
                Qt::SingleShotConnection);
        QTimer::singleShot(kQuitWaitMs, this, &AppController::quitRequested);
        return;
    }
    Q_EMIT quitRequested();
}

bool AppController::explorerVisible() const
{
    return m_explorer && m_explorer->isVisible();
}

void AppController::showLogin(const QString &reason, LoginDialog::ReasonLevel level,
                              const QString &username, bool offerRetry)
{
    if (m_dialog) {
        if (!reason.isEmpty())
            m_dialog->setReason(reason, level, offerRetry);
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }

    // Over a visible explorer it is its window-modal child; otherwise a window of its own, so
    // that it gets a taskbar entry and is centred on the screen rather than on a hidden window.
    const bool overExplorer = explorerVisible();
    runBeforeFirstWindow();
    auto *dialog = new LoginDialog(m_session, overExplorer ? explorer() : nullptr);
    m_dialog = dialog;
    ServerConfig config = m_session->config();
    if (!config.isValid())
        config = configFor(m_settings->value(kLastServerKey).toString());
    dialog->setCertificateTrust(m_trust);
    dialog->prefill(config, username);
    dialog->setKeepSignedIn(m_settings->value(kKeepKey, true).toBool());
    dialog->setReason(reason, level, offerRetry);

    connect(dialog, &QDialog::accepted, this, &AppController::onLoginAccepted);
    connect(dialog, &QDialog::rejected, this, &AppController::onLoginRejected);
    connect(dialog, &QDialog::finished, dialog, &QObject::deleteLater);
    connect(dialog, &LoginDialog::restoreCanceled, this, [this] {
        m_resuming = false;
        m_session->cancelResume();
    });
    connect(dialog, &LoginDialog::retryRequested, this, [this] {
        if (!m_resuming && !m_resumeUser.isEmpty())
            resume(m_resumeUser);
    });

    if (overExplorer) {
        dialog->open();
    } else {
        dialog->setWindowModality(Qt::NonModal);
        dialog->show();
    }
}

void AppController::onLoginAccepted()
{
    m_dialog = nullptr;
    m_resuming = false;
    remember();
    showExplorer();
}

void AppController::onLoginRejected()
{
    m_dialog = nullptr;
    if (!explorerVisible())
        quit();
}

void AppController::onSessionExpired(const QString &reason)
{
    // Before the explorer is up the dialog already shows resume or sign-in errors itself.
    if (!explorerVisible())
        return;
    showLogin(reason.isEmpty() ? tr("Your session expired — sign in again.") : reason,
              LoginDialog::ReasonLevel::Warning, m_session->username());
}

void AppController::signOut()
{
    const QString username = m_session->username();
    if (!username.isEmpty())
        setRemovalPending(m_session->config().sessionKey(username), true);
    m_signOutNotice = true;
    m_session->signOut();
    // The window stays (empty, its history gone) under the sign-in dialog: closing the dialog
    // goes back to it rather than quitting the application.
    explorer()->resetForNewSession();
    explorer()->showSignedOut(tr("You are signed out. Sign in to send requests with a token."));
    // m_explorerUser stays: the request being composed is still theirs, kept if they sign in
    // again, cleared if somebody else does.
    showLogin(tr("You are signed out. Removing the saved session from this computer…"),
              LoginDialog::ReasonLevel::Info, username);
}

void AppController::showExplorer()
{
    const QString user = m_session->username();
    if (!m_explorerUser.isEmpty() && m_explorerUser != user) {
        // Nothing of another user's work stays: history, answer, and the request they typed
        // (its headers may hold a key of theirs).
        explorer()->resetForNewSession();
        explorer()->requestEditor()->load(RequestSpec());
    }
    m_explorerUser = user;
    m_explorerShown = true;
    startupMark("explorer show asked");
    explorer()->show();
    explorer()->raise();
    explorer()->activateWindow();
    startupMark("explorer shown");
}

void AppController::remember()
{
    const ServerConfig &config = m_session->config();
    if (!config.isValid())
        return;
    config.save(*m_settings);
    // A new session saved for this key replaces the one signed out of.
    if (m_session->keepSignedIn())
        setRemovalPending(config.sessionKey(m_session->username()), false);
    setSettingIfChanged(*m_settings, kLastServerKey, config.baseUrl.toString());
    setSettingIfChanged(*m_settings, kLastUserKey, m_session->username());
    setSettingIfChanged(*m_settings, kKeepKey, m_session->keepSignedIn());
}

} // namespace Kini
