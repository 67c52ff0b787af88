#include "LoginDialog.h"
#include "ui_LoginDialog.h"

#include <QNetworkReply>

#include "CertificateView.h"
#include "KiniLog.h"
#include "TokenSession.h"
#include "UiText.h"

#include <QPushButton>
#include <QScreen>

#include <algorithm>
#include <utility>

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
    m_ui->retryButton->hide();
    m_ui->messageFrame->hide();
    m_ui->securityFrame->hide();
    QFont securityTitleFont = m_ui->securityTitleLabel->font();
    securityTitleFont.setBold(true);
    m_ui->securityTitleLabel->setFont(securityTitleFont);
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
    connect(m_ui->trustButton, &QPushButton::clicked, this, &LoginDialog::trustCertificate);
    connect(m_ui->sendAnywayButton, &QPushButton::clicked, this, &LoginDialog::sendAnyway);
    connect(m_ui->retryButton, &QPushButton::clicked, this, [this] {
        // A new attempt: what the last one said no longer holds.
        setReason(QString());
        Q_EMIT retryRequested();
    });
    // A warning is about the address it was shown for; another address gets its own check.
    for (QLineEdit *edit : {m_ui->serverEdit, m_ui->obtainPathEdit, m_ui->refreshPathEdit})
        connect(edit, &QLineEdit::textEdited, this, &LoginDialog::hideSecurityPrompt);
    if (session) {
        connect(session, &TokenSession::signInFinished, this, &LoginDialog::onSignInFinished);
    }
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::setCertificateTrust(CertificateTrust *trust)
{
    if (m_trust)
        m_trust->disconnect(this);
    m_trust = trust;
    if (trust) {
        connect(trust, &CertificateTrust::untrustedCertificate, this,
                &LoginDialog::onUntrustedCertificate);
    }
}

void LoginDialog::prefill(const ServerConfig &config, const QString &username)
{
    hideSecurityPrompt();
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

void LoginDialog::setReason(const QString &text, ReasonLevel level, bool offerRetry)
{
    m_ui->reasonLabel->setText(text);
    styleBanner(m_ui->reasonFrame, level);
    m_ui->retryButton->setVisible(offerRetry && !text.isEmpty());
    m_ui->reasonFrame->setVisible(!text.isEmpty());
    fitToContents(false);
}

bool LoginDialog::isRetryOffered() const
{
    return m_ui->retryButton->isVisibleTo(this);
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

QString LoginDialog::securityText() const
{
    if (!m_ui->securityFrame->isVisibleTo(this))
        return QString();
    QStringList parts = {m_ui->securityTitleLabel->text(), m_ui->securityTextLabel->text()};
    if (m_ui->securityAdviceLabel->isVisibleTo(this))
        parts << m_ui->securityAdviceLabel->text();
    return parts.join(u'\n');
}

void LoginDialog::signIn()
{
    if (m_busy || !m_session)
        return;

    const ServerConfig config = this->config();
    if (!config.isValid()) {
        const QString typed = m_ui->serverEdit->text().trimmed();
        if (typed.isEmpty())
            setMessage(tr("Enter the server URL, e.g. http://127.0.0.1:8000/api/"), true);
        else
            setMessage(tr("This is not an http:// or https:// address: %1").arg(typed), true);
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

    // The form is complete: a new attempt starts, and why the dialog was opened (an expired
    // session, a server that could not be reached) is old news.
    setReason(QString());

    // Nothing goes over http:// to another computer before the user has said so (per origin,
    // per run): the password goes to the obtain URL, tokens to the others.
    QStringList cleartext;
    for (const QUrl &url : {config.obtainUrl(), config.baseUrl, config.refreshUrl()}) {
        const QString origin = ServerConfig::originOf(url);
        if (CertificateTrust::sendsInClear(url) && !isCleartextAllowed(origin)
            && !cleartext.contains(origin))
            cleartext << origin;
    }
    if (!cleartext.isEmpty()) {
        qCInfo(lcUi) << "asking before sending in clear to" << cleartext;
        showCleartextWarning(cleartext);
        return;
    }

    hideSecurityPrompt();
    m_ui->serverEdit->setText(config.baseUrl.toString());
    setMessage(tr("Signing in to %1…").arg(config.origin()), false);
    setBusy(true);
    qCInfo(lcUi) << "signing in to" << config.origin() << "as" << username();
    m_signInOrigin = ServerConfig::originOf(config.obtainUrl());
    m_certificateProblem.reset();
    m_session->setConfig(config);
    // The password stays in its (disabled) field until the answer: only the answer tells
    // whether it is needed again, and retyping it after a server that was down, an unknown
    // certificate or a cancel is what the user should not have to do.
    m_session->signIn(username(), m_ui->passwordEdit->text(), keepSignedIn());
}

void LoginDialog::onSignInFinished(const ApiError &error)
{
    if (!m_busy || m_restoring)
        return;
    setBusy(false);
    // The password is cleared once it has done its work or was refused; after any other failure
    // (network, timeout, certificate, an unreadable answer, a cancel) the same one is retried.
    if (!error.isError() || error.kind == ApiError::WrongCredentials
        || error.kind == ApiError::BadRequest)
        m_ui->passwordEdit->clear();
    if (error.kind == ApiError::Tls && m_certificateProblem) {
        showCertificateProblem(*m_certificateProblem);
        return;
    }
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

void LoginDialog::onUntrustedCertificate(const CertificateTrust::Problem &problem)
{
    // The sslErrors() of a handshake come before its reply finishes, so the sign-in's own
    // problem is known by the time onSignInFinished() runs.
    if (m_busy && !m_restoring && problem.origin == m_signInOrigin)
        m_certificateProblem = problem;
}

void LoginDialog::showCertificateProblem(const CertificateTrust::Problem &problem)
{
    const bool canTrust = m_trust && problem.overridable;
    QStringList text;
    const QString title = CertificateView::problemTitle(problem);
    if (problem.overridable && problem.certificateChanged())
        text << CertificateView::changedWarning(problem);
    text << tr("Nothing was sent to %1, neither your password nor a token. This computer does "
               "not trust the server's certificate:")
                    .arg(problem.origin);
    const QStringList lines = CertificateView::problemLines(problem);
    for (const QString &line : lines)
        text << QStringLiteral("•  ") + line;
    if (!problem.overridable)
        text << CertificateView::neverAcceptedNote();

    m_ui->securityTitleLabel->setText(title);
    m_ui->securityTextLabel->setText(text.join(u'\n'));
    m_ui->certificateView->setCertificate(problem.certificate());
    m_ui->certificateView->setVisible(!problem.certificate().isNull());
    m_ui->securityAdviceLabel->setText(CertificateView::trustAdvice(problem));
    m_ui->securityAdviceLabel->setVisible(canTrust);
    m_ui->trustButton->setVisible(canTrust);
    m_ui->sendAnywayButton->hide();
    styleBanner(m_ui->securityFrame, ReasonLevel::Error);
    setMessage(QString(), false);
    m_ui->securityFrame->show();
    fitToContents(false);
}

void LoginDialog::trustCertificate()
{
    if (m_busy || !m_trust || !m_certificateProblem || !m_certificateProblem->overridable)
        return;
    const CertificateTrust::Problem problem = *m_certificateProblem;
    qCInfo(lcUi) << "the user trusts the certificate of" << problem.origin;
    m_trust->pin(problem.origin, problem.certificate());
    hideSecurityPrompt();
    if (m_ui->passwordEdit->text().isEmpty()) {
        setMessage(tr("Certificate trusted. Enter your password and sign in."), false);
        m_ui->passwordEdit->setFocus();
        return;
    }
    signIn();
}

void LoginDialog::showCleartextWarning(const QStringList &origins)
{
    m_cleartextOrigins = origins;
    m_cleartextForResume = false;
    m_ui->securityTitleLabel->setText(tr("This server does not use HTTPS"));
    m_ui->securityTextLabel->setText(
            tr("Your password and tokens would travel unencrypted to %1: anyone on the network "
               "between you and the server could read them and use your account. Use an "
               "https:// address if the server has one.")
                    .arg(origins.join(QStringLiteral(", "))));
    m_ui->securityAdviceLabel->setText(
            tr("Nothing has been sent. Send anyway only over a network you trust."));
    m_ui->securityAdviceLabel->show();
    m_ui->certificateView->hide();
    m_ui->trustButton->hide();
    m_ui->sendAnywayButton->show();
    styleBanner(m_ui->securityFrame, ReasonLevel::Warning);
    setMessage(QString(), false);
    m_ui->securityFrame->show();
    fitToContents(false);
}

void LoginDialog::sendAnyway()
{
    if (m_busy || m_cleartextOrigins.isEmpty())
        return;
    qCInfo(lcUi) << "the user agreed to send in clear to" << m_cleartextOrigins;
    for (const QString &origin : std::as_const(m_cleartextOrigins)) {
        if (m_trust)
            m_trust->allowCleartext(origin);
        else
            m_cleartextAllowed.insert(origin);
    }
    const bool resume = m_cleartextForResume;
    hideSecurityPrompt();
    if (resume)
        Q_EMIT retryRequested();
    else
        signIn();
}

void LoginDialog::askBeforeResumingInClear(const QStringList &origins)
{
    showCleartextWarning(origins);
    m_cleartextForResume = true;
    m_ui->securityTextLabel->setText(
            tr("Your saved session would be restored over an unencrypted connection to %1: "
               "anyone on the network could read and reuse its token. Use an https:// address "
               "if the server has one.")
                    .arg(origins.join(QStringLiteral(", "))));
}

bool LoginDialog::isCleartextAllowed(const QString &origin) const
{
    return m_trust ? m_trust->isCleartextAllowed(origin) : m_cleartextAllowed.contains(origin);
}

void LoginDialog::hideSecurityPrompt()
{
    m_cleartextOrigins.clear();
    m_cleartextForResume = false;
    m_certificateProblem.reset();
    if (!m_ui->securityFrame->isVisibleTo(this))
        return;
    m_ui->securityFrame->hide();
    // Give back the room the warning took.
    fitToContents(true);
}

void LoginDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    const QList<QWidget *> inputs = {
            m_ui->serverEdit,        m_ui->usernameEdit,  m_ui->passwordEdit,
            m_ui->keepSignedInCheck, m_ui->advancedPanel, m_ui->signInButton,
            m_ui->advancedToggle,    m_ui->trustButton,   m_ui->sendAnywayButton,
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
    fitToContents(false);
}

void LoginDialog::setAdvancedVisible(bool visible)
{
    m_ui->advancedToggle->setArrowType(visible ? Qt::DownArrow : Qt::RightArrow);
    m_ui->advancedScroll->setVisible(visible);
    if (m_ui->advancedToggle->isChecked() != visible)
        m_ui->advancedToggle->setChecked(visible);
    fitToContents(true);
}

void LoginDialog::fitToContents(bool mayShrink)
{
    if (!isVisible())
        return; // the first show sizes the dialog to its contents
    // Wrapped text needs a height that depends on the width.
    layout()->activate();
    int target = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                               : layout()->totalSizeHint().height();
    if (!mayShrink)
        target = std::max(target, height());
    // Never taller than the screen: the advanced settings scroll instead (they are what makes
    // the dialog tall; the frame is the title bar and borders around it).
    const QRect available = screen()->availableGeometry();
    const int frame = frameGeometry().height() - height();
    target = std::max(minimumHeight(), std::min(target, available.height() - frame));
    if (target != height())
        resize(width(), target);
    // Grown downwards, the buttons may have left the screen: move up as far as needed.
    const int overflow = y() + frame + target - 1 - available.bottom();
    if (overflow > 0)
        move(x(), std::max(available.top(), y() - overflow));
}

} // namespace Kini
