#include "LoginDialog.h"
#include "ui_LoginDialog.h"

#include <QNetworkReply>

#include "KiniLog.h"
#include "TokenSession.h"
#include "UiText.h"

#include <QPushButton>

namespace Kini {

namespace {

// The padding comes from the frame's layout, not from style-sheet padding on the label: a
// word-wrapped label with style-sheet padding under-reports its height and gets squeezed.
void styleBanner(QFrame *frame, LoginDialog::ReasonLevel level)
{
    QString colors;
    switch (level) {
    case LoginDialog::ReasonLevel::Info:
        colors = QStringLiteral("color: #1d4f7c; background: #e8f1fb; border: 1px solid #9cc3ea;");
        break;
    case LoginDialog::ReasonLevel::Warning:
        colors = QStringLiteral("color: #6b4a00; background: #fff4de; border: 1px solid #f0c36d;");
        break;
    case LoginDialog::ReasonLevel::Error:
        colors = QStringLiteral("color: #8a1c12; background: #fdecea; border: 1px solid #eea39c;");
        break;
    }
    frame->setStyleSheet(QStringLiteral("QFrame#%1 { %2 border-radius: 4px; }"
                                        "QLabel { border: none; background: transparent; }")
                                 .arg(frame->objectName(), colors));
}

} // namespace

LoginDialog::LoginDialog(TokenSession *session, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::LoginDialog>())
    , m_session(session)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("loginDialog"));

    QFont titleFont = m_ui->titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.45);
    titleFont.setBold(true);
    m_ui->titleLabel->setFont(titleFont);
    m_ui->subtitleLabel->setWordWrap(true);
    m_ui->subtitleLabel->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
    m_ui->reasonFrame->hide();
    m_ui->messageFrame->hide();
    m_ui->busyBar->hide();
    m_ui->busyBar->setRange(0, 0);
    // Keeps the layout from jumping when the busy bar appears.
    QSizePolicy busyPolicy = m_ui->busyBar->sizePolicy();
    busyPolicy.setRetainSizeWhenHidden(true);
    m_ui->busyBar->setSizePolicy(busyPolicy);
    m_ui->serverEdit->setClearButtonEnabled(true);
    m_ui->signInButton->setMinimumWidth(110);
    m_ui->cancelButton->setMinimumWidth(90);
    setAdvancedVisible(false);
    prefill(ServerConfig(), QString());
    setMinimumWidth(520);

    connect(m_ui->signInButton, &QPushButton::clicked, this, &LoginDialog::signIn);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &LoginDialog::reject);
    connect(m_ui->advancedToggle, &QToolButton::toggled, this, &LoginDialog::setAdvancedVisible);
    if (session) {
        connect(session, &TokenSession::signInFinished, this, &LoginDialog::onSignInFinished);
    }
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::prefill(const ServerConfig &config, const QString &username)
{
    m_ui->serverEdit->setText(config.baseUrl.isValid() ? config.baseUrl.toString() : QString());
    m_ui->usernameEdit->setText(username);
    m_ui->passwordEdit->clear();
    m_ui->obtainPathEdit->setText(config.obtainPath);
    m_ui->refreshPathEdit->setText(config.refreshPath);
    m_ui->blacklistPathEdit->setText(config.blacklistPath);
    m_ui->usernameFieldEdit->setText(config.usernameField);
    m_ui->passwordFieldEdit->setText(config.passwordField);
    m_ui->accessFieldEdit->setText(config.accessField);
    m_ui->refreshFieldEdit->setText(config.refreshField);
    m_ui->requestTimeoutSpin->setValue(qMax(1, config.requestTimeoutMs / 1000));
    m_ui->refreshTimeoutSpin->setValue(qMax(1, config.refreshTimeoutMs / 1000));

    if (m_ui->serverEdit->text().isEmpty())
        m_ui->serverEdit->setFocus();
    else if (username.isEmpty())
        m_ui->usernameEdit->setFocus();
    else
        m_ui->passwordEdit->setFocus();
}

void LoginDialog::setReason(const QString &text, ReasonLevel level)
{
    m_ui->reasonLabel->setText(text);
    styleBanner(m_ui->reasonFrame, level);
    m_ui->reasonFrame->setVisible(!text.isEmpty());
    fitHeight();
}

void LoginDialog::setRestoring(bool restoring, const QString &username)
{
    m_restoring = restoring;
    setBusy(restoring);
    if (restoring)
        setMessage(tr("Restoring the saved session for %1…").arg(username), false);
    else
        setMessage(QString(), false);
}

ServerConfig LoginDialog::config() const
{
    ServerConfig config;
    config.baseUrl = ServerConfig::normalizeBaseUrl(m_ui->serverEdit->text());
    auto textOr = [](const QLineEdit *edit, const QString &fallback) {
        const QString text = edit->text().trimmed();
        return text.isEmpty() ? fallback : text;
    };
    config.obtainPath = textOr(m_ui->obtainPathEdit, config.obtainPath);
    config.refreshPath = textOr(m_ui->refreshPathEdit, config.refreshPath);
    config.blacklistPath = m_ui->blacklistPathEdit->text().trimmed();
    config.usernameField = textOr(m_ui->usernameFieldEdit, config.usernameField);
    config.passwordField = textOr(m_ui->passwordFieldEdit, config.passwordField);
    config.accessField = textOr(m_ui->accessFieldEdit, config.accessField);
    config.refreshField = textOr(m_ui->refreshFieldEdit, config.refreshField);
    config.requestTimeoutMs = m_ui->requestTimeoutSpin->value() * 1000;
    config.refreshTimeoutMs = m_ui->refreshTimeoutSpin->value() * 1000;
    return config;
}

QString LoginDialog::username() const
{
    return m_ui->usernameEdit->text().trimmed();
}

bool LoginDialog::keepSignedIn() const
{
    return m_ui->keepSignedInCheck->isChecked();
}

void LoginDialog::setKeepSignedIn(bool keep)
{
    m_ui->keepSignedInCheck->setChecked(keep);
}

QString LoginDialog::messageText() const
{
    return m_ui->messageFrame->isVisibleTo(this) ? m_ui->messageLabel->text() : QString();
}

QString LoginDialog::reasonText() const
{
    return m_ui->reasonFrame->isVisibleTo(this) ? m_ui->reasonLabel->text() : QString();
}

void LoginDialog::signIn()
{
    if (m_busy || !m_session)
        return;

    const ServerConfig config = this->config();
    if (!config.isValid()) {
        setMessage(tr("Enter the server URL, e.g. http://127.0.0.1:8000/api/"), true);
        m_ui->serverEdit->setFocus();
        return;
    }
    if (username().isEmpty()) {
        setMessage(tr("Enter your username."), true);
        m_ui->usernameEdit->setFocus();
        return;
    }
    if (m_ui->passwordEdit->text().isEmpty()) {
        setMessage(tr("Enter your password."), true);
        m_ui->passwordEdit->setFocus();
        return;
    }

    m_ui->serverEdit->setText(config.baseUrl.toString());
    setMessage(tr("Signing in to %1…").arg(config.origin()), false);
    setBusy(true);
    qCInfo(lcUi) << "signing in to" << config.origin() << "as" << username();
    m_session->setConfig(config);
    m_session->signIn(username(), m_ui->passwordEdit->text(), keepSignedIn());
    // The request carries the password now; the field need not hold it any longer.
    m_ui->passwordEdit->clear();
}

void LoginDialog::onSignInFinished(const ApiError &error)
{
    if (!m_busy || m_restoring)
        return;
    setBusy(false);
    if (!error.isError()) {
        setMessage(QString(), false);
        setReason(QString());
        accept();
        return;
    }
    if (error.kind == ApiError::Canceled) {
        setMessage(tr("Sign-in canceled."), false);
        return;
    }
    setMessage(UiText::errorText(error), true);
    if (error.kind == ApiError::WrongCredentials || error.kind == ApiError::BadRequest)
        m_ui->passwordEdit->setFocus();
    else
        m_ui->serverEdit->setFocus();
}

void LoginDialog::reject()
{
    if (m_restoring) {
        m_restoring = false;
        setBusy(false);
        setMessage(tr("Stopped restoring the saved session. Sign in with your password."), false);
        m_ui->passwordEdit->setFocus();
        Q_EMIT restoreCanceled();
        return;
    }
    if (m_busy) {
        setBusy(false);
        setMessage(tr("Sign-in canceled."), false);
        if (m_session)
            m_session->cancelSignIn();
        m_ui->passwordEdit->setFocus();
        return;
    }
    QDialog::reject();
}

void LoginDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    const QList<QWidget *> inputs = {
            m_ui->serverEdit,    m_ui->usernameEdit, m_ui->passwordEdit,   m_ui->keepSignedInCheck,
            m_ui->advancedPanel, m_ui->signInButton, m_ui->advancedToggle,
    };
    for (QWidget *input : inputs)
        input->setEnabled(!busy);
    m_ui->cancelButton->setToolTip(busy ? tr("Stop signing in") : tr("Close this dialog"));
}

void LoginDialog::setMessage(const QString &text, bool isError)
{
    m_ui->messageLabel->setText(text);
    if (isError) {
        styleBanner(m_ui->messageFrame, ReasonLevel::Error);
    } else {
        m_ui->messageFrame->setStyleSheet(
                QStringLiteral("QLabel { color: palette(placeholder-text); }"));
    }
    m_ui->messageFrame->setVisible(!text.isEmpty());
    fitHeight();
}

void LoginDialog::setAdvancedVisible(bool visible)
{
    m_ui->advancedToggle->setArrowType(visible ? Qt::DownArrow : Qt::RightArrow);
    m_ui->advancedPanel->setVisible(visible);
    if (m_ui->advancedToggle->isChecked() != visible)
        m_ui->advancedToggle->setChecked(visible);
    // Before the first show Qt sizes the dialog itself; afterwards follow the contents.
    if (isVisible())
        adjustSize();
}

void LoginDialog::fitHeight()
{
    if (!isVisible())
        return; // the first show sizes the dialog to its contents
    // Wrapped text needs a height that depends on the width; grow to it, never squeeze it.
    layout()->activate();
    const int needed = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                                     : layout()->totalSizeHint().height();
    if (height() < needed)
        resize(width(), needed);
}

} // namespace Kini
