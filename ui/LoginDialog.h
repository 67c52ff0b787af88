#pragma once

#include "ApiError.h"
#include "CertificateTrust.h"
#include "ServerConfig.h"

#include <QDialog>
#include <QPointer>
#include <QSet>

#include <memory>
#include <optional>

namespace Ui {
class LoginDialog;
}

namespace Kini {

class TokenSession;

// Asks for the server, the username and the password, and signs in through the session without
// blocking: a busy bar runs while the request is out, Cancel stops it, and errors appear inside
// the dialog in plain words. Accepted once the session is signed in. Show it with show() or
// open(), never exec() (it may be raised from inside a network callback).
//
// Transport checks, inside the dialog too: a certificate the system does not trust is shown
// with its fingerprint and a "Trust this certificate" button that pins it and signs in again;
// a password about to go over http:// to another computer waits for "Send anyway".
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    enum class ReasonLevel { Info, Warning, Error };

    explicit LoginDialog(TokenSession *session, QWidget *parent = nullptr);
    ~LoginDialog() override;

    // Where certificate pins and cleartext consent are kept; it must judge the TLS errors of the
    // session's network (CertificateTrust::attach()). Without it an untrusted certificate is
    // only an error, and consent to send in clear lasts as long as this dialog.
    void setCertificateTrust(CertificateTrust *trust);

    // Prefills the server settings (Advanced included) and the username; clears the password.
    void prefill(const ServerConfig &config, const QString &username);
    // A banner above the form saying why the dialog is here ("Your session expired…"); with
    // offerRetry it has a Retry button that emits retryRequested(). Empty text hides it.
    void setReason(const QString &text, ReasonLevel level = ReasonLevel::Info,
                   bool offerRetry = false);
    bool isRetryOffered() const;
    // Shows the busy state while the app restores a saved session on its own.
    void setRestoring(bool restoring, const QString &username = QString());
    // The saved session would be restored over http:// to another computer: shows the cleartext
    // warning, and Send anyway emits retryRequested() instead of signing in with a password.
    void askBeforeResumingInClear(const QStringList &origins);

    ServerConfig config() const;
    QString username() const;
    bool keepSignedIn() const;
    void setKeepSignedIn(bool keep);
    bool isBusy() const { return m_busy; }
    QString messageText() const;
    QString reasonText() const;
    // The certificate or cleartext warning on show, title and text; empty when none is.
    QString securityText() const;

public Q_SLOTS:
    void reject() override;

Q_SIGNALS:
    // The user asked to stop waiting for a saved session to be restored.
    void restoreCanceled();
    // The user pressed Retry in the reason banner (which is cleared by then).
    void retryRequested();

private:
    void signIn();
    void onSignInFinished(const ApiError &error);
    void onUntrustedCertificate(const CertificateTrust::Problem &problem);
    void showCertificateProblem(const CertificateTrust::Problem &problem);
    void trustCertificate();
    void showCleartextWarning(const QStringList &origins);
    void sendAnyway();
    void hideSecurityPrompt();
    bool isCleartextAllowed(const QString &origin) const;
    void setBusy(bool busy);
    void setMessage(const QString &text, bool isError);
    void setAdvancedVisible(bool visible);
    // Follows the contents' height (growing only, unless mayShrink), keeps the dialog within the
    // screen's available height and moves it up when it grew past the bottom.
    void fitToContents(bool mayShrink);

    std::unique_ptr<Ui::LoginDialog> m_ui;
    QPointer<TokenSession> m_session;
    QPointer<CertificateTrust> m_trust;
    bool m_busy = false;
    bool m_restoring = false;
    QString m_signInOrigin; // where the sign-in in flight sends the password
    std::optional<CertificateTrust::Problem> m_certificateProblem; // seen by that sign-in
    QStringList m_cleartextOrigins; // the origins the cleartext warning on show is about
    QSet<QString> m_cleartextAllowed; // consent given here, when there is no CertificateTrust
    bool m_cleartextForResume = false; // the warning on show is about a saved session
};

} // namespace Kini
