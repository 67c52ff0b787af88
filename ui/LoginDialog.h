#pragma once

#include "ApiError.h"
#include "ServerConfig.h"

#include <QDialog>
#include <QPointer>

#include <memory>

namespace Ui {
class LoginDialog;
}

namespace Kini {

class TokenSession;

// Asks for the server, the username and the password, and signs in through the session without
// blocking: a busy bar runs while the request is out, Cancel stops it, and errors appear inside
// the dialog in plain words. Accepted once the session is signed in. Show it with show() or
// open(), never exec() (it may be raised from inside a network callback).
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    enum class ReasonLevel { Info, Warning, Error };

    explicit LoginDialog(TokenSession *session, QWidget *parent = nullptr);
    ~LoginDialog() override;

    // Prefills the server settings (Advanced included) and the username; clears the password.
    void prefill(const ServerConfig &config, const QString &username);
    // A banner above the form saying why the dialog is here ("Your session expired…").
    void setReason(const QString &text, ReasonLevel level = ReasonLevel::Info);
    // Shows the busy state while the app restores a saved session on its own.
    void setRestoring(bool restoring, const QString &username = QString());

    ServerConfig config() const;
    QString username() const;
    bool keepSignedIn() const;
    void setKeepSignedIn(bool keep);
    bool isBusy() const { return m_busy; }
    QString messageText() const;
    QString reasonText() const;

public Q_SLOTS:
    void reject() override;

Q_SIGNALS:
    // The user asked to stop waiting for a saved session to be restored.
    void restoreCanceled();

private:
    void signIn();
    void onSignInFinished(const ApiError &error);
    void setBusy(bool busy);
    void setMessage(const QString &text, bool isError);
    void setAdvancedVisible(bool visible);
    void fitHeight();

    std::unique_ptr<Ui::LoginDialog> m_ui;
    QPointer<TokenSession> m_session;
    bool m_busy = false;
    bool m_restoring = false;
};

} // namespace Kini
