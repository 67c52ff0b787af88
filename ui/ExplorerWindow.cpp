#include "ExplorerWindow.h"

#include <QNetworkReply>

#include "InterceptedReply.h"
#include "KiniLog.h"
#include "RequestEditor.h"
#include "ResponseView.h"
#include "TokenPanel.h"
#include "TokenSession.h"
#include "UiText.h"
#include "WarningBanner.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace Kini {

namespace {
// Bumped when the docks or splitters change, so an old saved layout is not applied to them.
constexpr int kLayoutVersion = 2; // 2: splitters saved as sizes
} // namespace

namespace {

constexpr int kHistoryLimit = 200;

bool isCredentialHeader(const QString &name)
{
    return name.compare(QStringLiteral("Authorization"), Qt::CaseInsensitive) == 0
            || name.compare(QStringLiteral("Proxy-Authorization"), Qt::CaseInsensitive) == 0
            || name.compare(QStringLiteral("Cookie"), Qt::CaseInsensitive) == 0;
}

QColor historyColor(int status)
{
    if (status >= 500)
        return QColor(QStringLiteral("#c62828"));
    if (status >= 400)
        return QColor(QStringLiteral("#d35400"));
    if (status >= 300)
        return QColor(QStringLiteral("#1565c0"));
    if (status >= 200)
        return QColor(QStringLiteral("#2e7d32"));
    return QColor(QStringLiteral("#607d8b"));
}

} // namespace

ExplorerWindow::ExplorerWindow(QNetworkAccessManager *network, TokenSession *session,
                               QWidget *parent)
    : QMainWindow(parent)
    , m_network(network)
    , m_session(session)
    , m_storageBanner(new WarningBanner(this))
    , m_accountBanner(new WarningBanner(this))
    , m_sessionBanner(new WarningBanner(this))
    , m_clockBanner(new WarningBanner(this))
    , m_certificateBanner(new WarningBanner(this))
    , m_editor(new RequestEditor(this))
    , m_response(new ResponseView(this))
    , m_tokens(new TokenPanel(session, this))
    , m_history(new QListWidget(this))
    , m_serverLabel(new QLabel(this))
    , m_userLabel(new QLabel(this))
    , m_stateLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("explorerWindow"));
    setWindowTitle(tr("Kini Explorer"));
    resize(1200, 760);

    m_storageBanner->setObjectName(QStringLiteral("storageBanner"));
    m_accountBanner->setObjectName(QStringLiteral("accountBanner"));
    m_sessionBanner->setObjectName(QStringLiteral("sessionBanner"));
    m_sessionBanner->setAction(tr("Sign in…"));
    m_storageBanner->setAction(tr("Try again"));
    m_clockBanner->setObjectName(QStringLiteral("clockBanner"));
    m_certificateBanner->setObjectName(QStringLiteral("certificateBanner"));
    m_certificateBanner->setAction(tr("Review certificate…"));
    for (WarningBanner *banner :
         {m_storageBanner, m_accountBanner, m_sessionBanner, m_clockBanner, m_certificateBanner})
        banner->hide();

    m_editor->setObjectName(QStringLiteral("requestEditor"));
    m_response->setObjectName(QStringLiteral("responseView"));
    m_tokens->setObjectName(QStringLiteral("tokenPanel"));

    auto *requestPane = new QWidget(this);
    auto *requestLayout = new QVBoxLayout(requestPane);
    requestLayout->setContentsMargins(0, 0, 0, 6);
    requestLayout->addWidget(m_editor);
    auto *responsePane = new QWidget(this);
    auto *responseLayout = new QVBoxLayout(responsePane);
    responseLayout->setContentsMargins(0, 6, 0, 0);
    responseLayout->addWidget(m_response);

    // The window's minimum comes from the layouts, so that a banner or a wider dock raises it
    // rather than squeezing the editor; these floors keep both panes usable at that minimum.
    requestPane->setMinimumHeight(qMax(requestPane->minimumSizeHint().height(), 260));
    // An explicit minimum width replaces the pane's own: a long label in the response ("Sending
    // GET <a 1000-character URL>…") is cut off there instead of widening the whole window.
    responsePane->setMinimumSize(320, 260);

    auto *requestSplitter = new QSplitter(Qt::Vertical, this);
    requestSplitter->setObjectName(QStringLiteral("requestSplitter"));
    requestSplitter->setChildrenCollapsible(false);
    requestSplitter->addWidget(requestPane);
    requestSplitter->addWidget(responsePane);
    requestSplitter->setStretchFactor(0, 2);
    requestSplitter->setStretchFactor(1, 3);
    requestSplitter->setSizes({270, 430});

    auto *mainSplitter = new QSplitter(Qt::Horizontal, this);
    mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    mainSplitter->setChildrenCollapsible(false);
    mainSplitter->addWidget(createHistoryPane());
    mainSplitter->addWidget(requestSplitter);
    mainSplitter->setStretchFactor(0, 0);
    mainSplitter->setStretchFactor(1, 1);
    mainSplitter->setSizes({210, 600});

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(10, 8, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(m_storageBanner);
    layout->addWidget(m_accountBanner);
    layout->addWidget(m_sessionBanner);
    layout->addWidget(m_clockBanner);
    layout->addWidget(m_certificateBanner);
    layout->addWidget(mainSplitter, 1);
    setCentralWidget(central);

    auto *dock = new QDockWidget(tr("Tokens"), this);
    dock->setObjectName(QStringLiteral("tokensDock"));
    dock->setWidget(m_tokens);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                      | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    resizeDocks({dock}, {400}, Qt::Horizontal);

    createMenus(dock);

    m_stateLabel->setObjectName(QStringLiteral("sessionStateLabel"));
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_stateLabel);

    auto *sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    auto *sendShortcutKeypad = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), this);
    auto *focusUrl = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    m_cancelShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    m_cancelShortcut->setEnabled(false);
    connect(sendShortcut, &QShortcut::activated, this, &ExplorerWindow::send);
    connect(sendShortcutKeypad, &QShortcut::activated, this, &ExplorerWindow::send);
    connect(m_cancelShortcut, &QShortcut::activated, this, &ExplorerWindow::cancel);
    connect(focusUrl, &QShortcut::activated, this, [this] {
        m_editor->urlEdit()->setFocus(Qt::ShortcutFocusReason);
        m_editor->urlEdit()->selectAll();
    });
    connect(m_editor, &RequestEditor::sendRequested, this, &ExplorerWindow::send);
    connect(m_editor, &RequestEditor::cancelRequested, this, &ExplorerWindow::cancel);
    connect(m_history, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { restoreFromHistory(m_history->row(item)); });
    connect(m_history, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { restoreFromHistory(m_history->row(item)); });
    connect(m_sessionBanner, &WarningBanner::actionTriggered, this,
            &ExplorerWindow::signInRequested);

    connect(session, &TokenSession::stateChanged, this, &ExplorerWindow::updateSessionInfo);
    connect(session, &TokenSession::tokensChanged, this, &ExplorerWindow::updateSessionInfo);
    connect(m_storageBanner, &WarningBanner::actionTriggered, session, &TokenSession::saveAgain);
    connect(m_certificateBanner, &WarningBanner::actionTriggered, this,
            &ExplorerWindow::certificateReviewRequested);
    connect(session, &TokenSession::storageRecovered, this, [this] {
        m_storageWarnedInSignIn = false;
        m_storageBanner->hide();
    });
    connect(session, &TokenSession::storageWarning, this, [this](const QString &message) {
        m_storageWarnedInSignIn = true;
        m_storageBanner->setMessage(WarningBanner::Level::Warning, UiText::storageWarning(message));
        m_storageBanner->show();
    });
    connect(session, &TokenSession::stateChanged, this, [this](TokenSession::State state) {
        if (state == TokenSession::State::SigningIn)
            m_storageWarnedInSignIn = false;
    });
    connect(session, &TokenSession::signInFinished, this, [this](const ApiError &error) {
        if (error.isError())
            return;
        // A new sign-in that worked: the account is usable and the session is new. The keychain
        // warning was about the previous session's token, unless saving this one failed too.
        m_accountBanner->hide();
        m_sessionBanner->hide();
        if (!m_storageWarnedInSignIn)
            m_storageBanner->hide();
    });
    connect(session, &TokenSession::accountEnabled, m_accountBanner, &WarningBanner::hide);
    connect(session, &TokenSession::clockOffsetChanged, this, [this](qint64 offsetMs) {
        const QString text = UiText::clockOffsetWarning(offsetMs);
        m_clockBanner->setMessage(WarningBanner::Level::Warning, text);
        m_clockBanner->setVisible(!text.isEmpty());
    });
    connect(session, &TokenSession::accountDisabled, this, [this](const QString &detail) {
        const QString text = detail.contains(QStringLiteral("disabled"), Qt::CaseInsensitive)
                ? detail
                : tr("This account is disabled: %1").arg(detail);
        m_accountBanner->setMessage(WarningBanner::Level::Error, text);
        m_accountBanner->show();
    });
    connect(session, &TokenSession::sessionExpired, this, [this](const QString &reason) {
        m_sessionBanner->setMessage(WarningBanner::Level::Warning,
                                    reason.isEmpty() ? tr("Your session expired — sign in again.")
                                                     : reason);
        m_sessionBanner->show();
    });

    updateSessionInfo();
}

ExplorerWindow::~ExplorerWindow()
{
    if (m_reply) {
        // The reply's finished() must not reach a half-destroyed window.
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

void ExplorerWindow::createMenus(QDockWidget *tokensDock)
{
    QMenu *sessionMenu = menuBar()->addMenu(tr("&Session"));
    m_signInAction = sessionMenu->addAction(tr("Sign &in again…"));
    m_signInAction->setObjectName(QStringLiteral("signInAction"));
    m_signOutAction = sessionMenu->addAction(tr("Sign &out"));
    m_signOutAction->setObjectName(QStringLiteral("signOutAction"));
    sessionMenu->addSeparator();
    QAction *quit = sessionMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *tokensAction = tokensDock->toggleViewAction();
    tokensAction->setText(tr("&Tokens panel"));
    viewMenu->addAction(tokensAction);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Kini Explorer"));
    about->setMenuRole(QAction::AboutRole);

    connect(m_signInAction, &QAction::triggered, this, &ExplorerWindow::signInRequested);
    connect(m_signOutAction, &QAction::triggered, this, &ExplorerWindow::signOutRequested);
    connect(quit, &QAction::triggered, this, &ExplorerWindow::quitRequested);
    connect(about, &QAction::triggered, this, &ExplorerWindow::showAbout);
}

QWidget *ExplorerWindow::createHistoryPane()
{
    auto *pane = new QWidget(this);
    auto *title = new QLabel(tr("History"), pane);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *clear = new QPushButton(tr("Clear"), pane);
    clear->setFlat(true);
    clear->setToolTip(tr("Forget the requests of this session (history is never saved to disk)"));

    m_history->setObjectName(QStringLiteral("historyList"));
    m_history->setAlternatingRowColors(true);
    m_history->setWordWrap(false);
    m_history->setTextElideMode(Qt::ElideMiddle);
    m_history->setSpacing(1);
    m_history->setToolTip(tr("Click a request to load it again"));

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(title, 1);
    header->addWidget(clear);

    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 6, 0);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_history, 1);
    pane->setMinimumWidth(160);

    connect(clear, &QPushButton::clicked, this, [this] {
        m_history->clear();
        m_historySpecs.clear();
    });
    return pane;
}

bool ExplorerWindow::isRequestRunning() const
{
    return m_reply != nullptr;
}

QStringList ExplorerWindow::bannerTexts() const
{
    QStringList texts;
    for (const WarningBanner *banner :
         {m_storageBanner, m_accountBanner, m_sessionBanner, m_clockBanner, m_certificateBanner}) {
        if (banner->isVisibleTo(this))
            texts.append(banner->text());
    }
    return texts;
}

QString ExplorerWindow::statusBarText() const
{
    return QStringLiteral("%1 %2 %3")
            .arg(m_serverLabel->text(), m_userLabel->text(), m_stateLabel->text());
}

void ExplorerWindow::resetForNewSession()
{
    cancel();
    m_history->clear();
    m_historySpecs.clear();
    m_response->clear();
    for (WarningBanner *banner :
         {m_storageBanner, m_accountBanner, m_sessionBanner, m_certificateBanner})
        banner->hide();
    updateSessionInfo();
}

void ExplorerWindow::saveLayout(QSettings *settings) const
{
    settings->beginGroup(QStringLiteral("window"));
    setSettingIfChanged(*settings, QStringLiteral("geometry"), saveGeometry());
    setSettingIfChanged(*settings, QStringLiteral("state"), saveState(kLayoutVersion));
    // Splitters as their sizes only: QSplitter::restoreState() would also take an orientation and
    // a handle width from the file, so a damaged value could leave a splitter that cannot be
    // dragged back.
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    for (const QSplitter *splitter : splitters) {
        if (splitter->objectName().isEmpty())
            continue;
        QStringList sizes;
        const QList<int> current = splitter->sizes();
        for (int size : current)
            sizes << QString::number(size);
        setSettingIfChanged(*settings, splitter->objectName(), sizes.join(QLatin1Char(',')));
    }
    settings->endGroup();
}

void ExplorerWindow::restoreLayout(const QSettings &settings)
{
    const QString group = QStringLiteral("window/");
    // Each part is checked by Qt: a damaged or foreign value is ignored, the default stays.
    restoreGeometry(settings.value(group + QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(group + QStringLiteral("state")).toByteArray(), kLayoutVersion);
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    for (QSplitter *splitter : splitters) {
        if (splitter->objectName().isEmpty())
            continue;
        const QStringList parts = settings.value(group + splitter->objectName())
                                          .toString()
                                          .split(QLatin1Char(','), Qt::SkipEmptyParts);
        QList<int> sizes;
        for (const QString &part : parts) {
            bool ok = false;
            const int size = part.toInt(&ok);
            if (!ok || size < 0 || size > 100000)
                break;
            sizes << size;
        }
        // One size per pane, or the default stays.
        if (sizes.size() == splitter->count() && parts.size() == splitter->count())
            splitter->setSizes(sizes);
    }
}

void ExplorerWindow::showCertificateWarning(const QString &text)
{
    m_certificateBanner->setMessage(WarningBanner::Level::Error, text);
    m_certificateBanner->setVisible(!text.isEmpty());
}

void ExplorerWindow::showSignedOut(const QString &message)
{
    m_sessionBanner->setMessage(WarningBanner::Level::Info, message);
    m_sessionBanner->show();
}

void ExplorerWindow::showEvent(QShowEvent *event)
{
    updateSessionInfo();
    QMainWindow::showEvent(event);
    m_editor->urlEdit()->setFocus(Qt::OtherFocusReason);
}

bool ExplorerWindow::event(QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        startupMark("explorer first paint");
        // Queued: runs once this paint, children included, is done.
        QTimer::singleShot(0, this, [this] {
            m_editor->finishSetUp();
            Q_EMIT firstPainted();
        });
    }
    return QMainWindow::event(event);
}

void ExplorerWindow::closeEvent(QCloseEvent *event)
{
    event->accept();
    Q_EMIT quitRequested();
}

void ExplorerWindow::updateSessionInfo()
{
    if (!m_session)
        return;
    const ServerConfig &config = m_session->config();
    m_editor->setConfig(config);

    // Elided: a long base URL must not make the status bar, and so the window, wider.
    const QString server = config.isValid() ? config.baseUrl.toDisplayString() : tr("no server");
    m_serverLabel->setText(m_serverLabel->fontMetrics().elidedText(server, Qt::ElideMiddle, 360));
    m_serverLabel->setToolTip(server);
    const TokenSession::State state = m_session->state();
    // Signed out, the session still knows the last user (for the dialog), but nobody is "as".
    const bool showUser
            = !m_session->username().isEmpty() && state != TokenSession::State::SignedOut;
    m_userLabel->setText(showUser ? tr("as %1").arg(m_session->username()) : QString());
    m_userLabel->setVisible(showUser);

    QString color = QStringLiteral("#607d8b");
    QString stateText = UiText::sessionState(state);
    // Signed in, but running on an access token that has expired while refreshes fail: not the
    // green "all well".
    const bool stalled = state == TokenSession::State::Active && m_session->failedRefreshes() > 0
            && !m_session->hasUsableAccess();
    if (stalled) {
        color = QStringLiteral("#b26a00");
        stateText = tr("Signed in · token refresh failing");
    } else if (state == TokenSession::State::Active) {
        color = QStringLiteral("#2e7d32");
    }
    if (state == TokenSession::State::Refreshing || state == TokenSession::State::Resuming
        || state == TokenSession::State::SigningIn)
        color = QStringLiteral("#1565c0");
    else if (state == TokenSession::State::Expired)
        color = QStringLiteral("#c62828");
    m_stateLabel->setText(QStringLiteral("● %1").arg(stateText));
    m_stateLabel->setStyleSheet(QStringLiteral("color: %1; padding: 0 6px;").arg(color));

    const bool signedIn
            = state == TokenSession::State::Active || state == TokenSession::State::Refreshing;
    // Also while a saved session is being restored: a hung keychain or server must not keep
    // the user from signing in with the password.
    m_signInAction->setEnabled(!signedIn);
    m_signOutAction->setEnabled(state != TokenSession::State::SignedOut);
    if (signedIn)
        m_sessionBanner->hide();

    const QString user = m_session->username();
    setWindowTitle(config.isValid()
                           ? tr("%1 — %2 — Kini Explorer")
                                     .arg(showUser ? user : tr("signed out"), config.origin())
                           : tr("Kini Explorer"));
}

void ExplorerWindow::send()
{
    if (m_reply)
        return;
    if (m_session)
        m_editor->setConfig(m_session->config());

    RequestSpec spec;
    QString error;
    if (!m_editor->buildRequest(&spec, &error)) {
        m_response->showNotSent(error);
        return;
    }

    QNetworkRequest request(spec.url);
    bool hasContentType = false;
    for (const auto &header : std::as_const(spec.headers)) {
        if (header.first.compare(QStringLiteral("Content-Type"), Qt::CaseInsensitive) == 0)
            hasContentType = true;
        request.setRawHeader(header.first.toLatin1(), header.second.toUtf8());
    }
    const QByteArray body = spec.body.toUtf8();
    if (!body.isEmpty() && !hasContentType)
        request.setRawHeader("Content-Type", "application/json");

    qCDebug(lcUi) << "sending" << spec.method
                  << spec.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    m_runningSpec = spec;
    m_elapsed.start();
    QNetworkReply *reply = body.isEmpty()
            ? m_network->sendCustomRequest(request, spec.method.toLatin1())
            : m_network->sendCustomRequest(request, spec.method.toLatin1(), body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });

    m_editor->setRunning(true);
    m_cancelShortcut->setEnabled(true);
    m_response->showSending(spec,
                            m_session && m_session->state() == TokenSession::State::Resuming
                                    && m_session->config().isSameOrigin(spec.url));
}

void ExplorerWindow::cancel()
{
    if (m_reply)
        m_reply->abort();
}

void ExplorerWindow::onReplyFinished(QNetworkReply *reply)
{
    const qint64 elapsed = m_elapsed.elapsed();
    if (reply == m_reply)
        m_reply = nullptr;
    reply->deleteLater();
    const auto *intercepted = qobject_cast<const InterceptedReply *>(reply);
    if (intercepted && intercepted->apiError().kind == ApiError::BadInput) {
        // The core refused to send it (the editor checks the same rules first): like an invalid
        // body, it never left, so it is not a request worth keeping in the history.
        m_response->showNotSent(UiText::errorText(intercepted->apiError()));
    } else {
        m_response->showReply(reply, m_runningSpec, elapsed);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString outcome = QString::number(status);
        if (status <= 0) {
            outcome = reply->error() == QNetworkReply::OperationCanceledError ? tr("canceled")
                                                                              : tr("failed");
        }
        addToHistory(m_runningSpec, status, outcome, elapsed);
    }

    m_editor->setRunning(false);
    m_cancelShortcut->setEnabled(false);
}

void ExplorerWindow::addToHistory(const RequestSpec &spec, int status, const QString &outcome,
                                  qint64 elapsedMs)
{
    RequestSpec kept = spec;
    kept.headers.clear();
    for (const auto &header : spec.headers) {
        if (!isCredentialHeader(header.first))
            kept.headers.append(header);
    }

    // Concatenated, not chained arg(): a URL's "%2C" or "%1" would be taken for a placeholder.
    const QString url = spec.urlText.isEmpty() ? QStringLiteral("/") : spec.urlText;
    auto *item = new QListWidgetItem(spec.method + QStringLiteral("  ") + url + u'\n' + outcome
                                     + QStringLiteral(" · ") + tr("%1 ms").arg(elapsedMs));
    item->setForeground(historyColor(status));
    item->setToolTip(spec.url.toDisplayString());
    m_history->insertItem(0, item);
    m_historySpecs.prepend(kept);
    while (m_historySpecs.size() > kHistoryLimit) {
        m_historySpecs.removeLast();
        delete m_history->takeItem(m_history->count() - 1);
    }
}

void ExplorerWindow::restoreFromHistory(int row)
{
    if (row < 0 || row >= m_historySpecs.size() || m_reply)
        return;
    m_editor->load(m_historySpecs.at(row));
}

void ExplorerWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Kini Explorer"),
                                tr("<b>Kini Explorer %1</b><p>A desktop client for REST APIs "
                                   "protected with JSON Web Tokens (Django REST framework "
                                   "SimpleJWT).</p><p>Tokens are kept in the system keychain, "
                                   "never in files or logs.</p>")
                                        .arg(QApplication::applicationVersion()),
                                QMessageBox::Close, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace Kini
