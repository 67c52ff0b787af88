#pragma once

#include "RequestSpec.h"

#include <QElapsedTimer>
#include <QList>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QNetworkAccessManager;
class QNetworkReply;
class QShortcut;

class QSettings;

namespace Kini {

class RequestEditor;
class ResponseView;
class TokenPanel;
class TokenSession;
class WarningBanner;

// The main window: compose a request, send it through the Interceptor (which adds the token,
// refreshes and replays), and read the answer; the token panel docks at the side. The history
// lives in memory only and never holds an Authorization value.
class ExplorerWindow : public QMainWindow
{
    Q_OBJECT
public:
    ExplorerWindow(QNetworkAccessManager *network, TokenSession *session,
                   QWidget *parent = nullptr);
    ~ExplorerWindow() override;

    RequestEditor *requestEditor() const { return m_editor; }
    ResponseView *responseView() const { return m_response; }
    TokenPanel *tokenPanel() const { return m_tokens; }
    QListWidget *historyList() const { return m_history; }
    QAction *signOutAction() const { return m_signOutAction; }
    QAction *signInAction() const { return m_signInAction; }
    bool isRequestRunning() const;
    // The texts of the banners currently shown, top to bottom.
    QStringList bannerTexts() const;
    QString statusBarText() const;

    // Forgets what the previous user did: history, response, the running request, banners.
    void resetForNewSession();
    // Size, position, the tokens dock and the splitters: kept in the settings (nothing secret),
    // so the window comes back as the user left it.
    void saveLayout(QSettings *settings) const;
    void restoreLayout(const QSettings &settings);
    // A certificate the user did not trust keeps requests from going out: says so, with a way
    // back to the question. An empty text hides it.
    void showCertificateWarning(const QString &text);
    // After sign-out: the window stays, empty, with a banner saying so and offering to sign in.
    void showSignedOut(const QString &message);

public Q_SLOTS:
    void send();
    void cancel();

Q_SIGNALS:
    void signOutRequested();
    void signInRequested();
    void quitRequested();
    // The user wants to look at the certificate the certificate banner is about again.
    void certificateReviewRequested();
    // Once, from the event loop after the window's first paint: the place for what the first
    // frame does not need (loading an icon, say, which loads Qt's image plugins).
    void firstPainted();

protected:
    bool event(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createMenus(QDockWidget *tokensDock);
    QWidget *createHistoryPane();
    void onReplyFinished(QNetworkReply *reply);
    // outcome is what the second line says first: the status, "failed" or "canceled".
    void addToHistory(const RequestSpec &spec, int status, const QString &outcome,
                      qint64 elapsedMs);
    void restoreFromHistory(int row);
    void updateSessionInfo();
    void showAbout();

    QNetworkAccessManager *m_network;
    QPointer<TokenSession> m_session;

    WarningBanner *m_storageBanner;
    WarningBanner *m_accountBanner;
    WarningBanner *m_sessionBanner;
    WarningBanner *m_clockBanner;
    WarningBanner *m_certificateBanner;
    RequestEditor *m_editor;
    ResponseView *m_response;
    TokenPanel *m_tokens;
    QListWidget *m_history;
    QLabel *m_serverLabel;
    QLabel *m_userLabel;
    QLabel *m_stateLabel;
    QAction *m_signInAction = nullptr;
    QAction *m_signOutAction = nullptr;
    QShortcut *m_cancelShortcut = nullptr;

    QPointer<QNetworkReply> m_reply;
    RequestSpec m_runningSpec;
    QElapsedTimer m_elapsed;
    QList<RequestSpec> m_historySpecs; // same order as m_history's rows
    // The keychain failed while saving the session of the sign-in in progress (or just ended).
    bool m_storageWarnedInSignIn = false;
    bool m_painted = false;
};

} // namespace Kini
