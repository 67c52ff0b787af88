#pragma once

#include "ApiError.h"
#include "CertificatePrompt.h"
#include "CertificateTrust.h"
#include "LoginDialog.h"
#include "ServerConfig.h"

#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QSettings;

namespace Kini {

class CertificateTrust;
class ExplorerWindow;
class TokenSession;

// Decides which window the user sees and when:
//
//   start ──(known user, kept signed in)──► resume ──ok──────────────► Explorer
//     │                                      ▲  │ expired / keychain / network: the reason shown
//     │                              Retry   │  │ (none when nothing was saved); Retry offered
//     │                     (network errors) │  ▼ for errors of the network or the server
//     └──(otherwise)────────────────────► LoginDialog (prefilled)
//                                            │ signed in                ▲
//                                            ▼                          │ sessionExpired, sign
//                                         Explorer ─────sign out────────┘ out: window-modal over
//                                                                         the explorer; closing
//                                                                         it goes back to it
//
// Nothing here blocks: every wait is a signal from the session. Only non-secret settings are
// remembered (server, username, whether to keep signed in).
class AppController : public QObject
{
    Q_OBJECT
public:
    AppController(QNetworkAccessManager *network, TokenSession *session, QSettings *settings,
                  QObject *parent = nullptr);
    ~AppController() override;

    // server and user come from the command line; empty means "the last ones used".
    void start(const QString &server = QString(), const QString &user = QString());
    // Run once, right before the first window is built (after a saved session has been asked
    // for, so that the keychain works meanwhile): start-up waits there for work it began on
    // another thread.
    void setBeforeFirstWindow(std::function<void()> hook) { m_beforeFirstWindow = std::move(hook); }

    // Certificate pins and cleartext consent for the sign-in dialogs; set before start(). A
    // certificate refused while the explorer is in use is asked about over it.
    void setCertificateTrust(CertificateTrust *trust);

    // Built on first use: start() asks for a saved session first, so that the keychain and the
    // server work while the window is being built.
    ExplorerWindow *explorer();
    // The question about a refused certificate on show over the explorer, else nullptr.
    CertificatePrompt *certificatePrompt() const { return m_certificatePrompt; }
    // Whether the explorer exists and is on screen (explorer() would build it).
    bool explorerVisible() const;
    // The sign-in dialog while one is open, else nullptr.
    LoginDialog *loginDialog() const { return m_dialog; }

    // Quits, unless a refresh is in flight: then the windows close at once and quitRequested()
    // follows its answer (bounded), so that a rotated token is not lost.
    void quit();

Q_SIGNALS:
    // The application should end now.
    void quitRequested();

private:
    void runBeforeFirstWindow();
    void loadApplicationIcon();
    void resume(const QString &username);
    void onResumeFinished(const ApiError &error);
    void showLogin(const QString &reason, LoginDialog::ReasonLevel level, const QString &username,
                   bool offerRetry = false);
    void onLoginAccepted();
    void onLoginRejected();
    void onSessionExpired(const QString &reason);
    void onSavedSessionRemoveFinished(const QString &key, bool removed, const QString &why);
    bool removalPending(const QString &key) const;
    void setRemovalPending(const QString &key, bool pending);
    void onUntrustedCertificate(const CertificateTrust::Problem &problem);
    void signOut();
    void showExplorer();
    // The origins a resume would send the refresh token to over http:// to another computer
    // without the user's consent in this run.
    QStringList cleartextOriginsToAsk() const;
    void remember();
    ServerConfig configFor(const QString &server) const;

    QPointer<TokenSession> m_session;
    QPointer<CertificateTrust> m_trust;
    QNetworkAccessManager *m_network;
    QSettings *m_settings;
    std::unique_ptr<ExplorerWindow> m_explorer;
    QPointer<LoginDialog> m_dialog;
    QPointer<CertificatePrompt> m_certificatePrompt;
    QSet<QByteArray> m_certificatesDismissed; // origin + digest the user closed the prompt on
    std::optional<CertificateTrust::Problem> m_refusedCertificate; // the last one closed
    QString m_resumeUser;
    QString m_explorerUser; // whose requests the explorer's history holds
    bool m_resuming = false;
    bool m_signOutNotice = false; // the dialog says the removal is under way
    bool m_quitting = false;
    bool m_explorerShown = false; // its layout is saved on the way out only if it was used
    std::function<void()> m_beforeFirstWindow;
};

} // namespace Kini
