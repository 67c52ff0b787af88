#include "CertificatePrompt.h"

#include "CertificateView.h"
#include "KiniLog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Kini {

CertificatePrompt::CertificatePrompt(CertificateTrust *trust,
                                     const CertificateTrust::Problem &problem, QWidget *parent)
    : QDialog(parent)
    , m_trust(trust)
    , m_problem(problem)
{
    setObjectName(QStringLiteral("certificatePrompt"));
    setWindowTitle(tr("Certificate of %1").arg(problem.origin));
    setWindowModality(Qt::WindowModal);

    const bool canTrust = m_trust && problem.overridable;
    QStringList paragraphs;
    if (problem.overridable && problem.certificateChanged())
        paragraphs << CertificateView::changedWarning(problem);
    QStringList stopped {tr("A request to %1 was stopped before anything was sent, its token "
                            "included. This computer does not trust the certificate the server "
                            "shows now:")
                                 .arg(problem.origin)};
    const QStringList problems = CertificateView::problemLines(problem);
    for (const QString &line : problems)
        stopped << QStringLiteral("•  ") + line;
    paragraphs << stopped.join(u'\n');
    if (!problem.overridable)
        paragraphs << CertificateView::neverAcceptedNote();

    auto *title = new QLabel(CertificateView::problemTitle(problem), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    title->setFont(titleFont);
    auto *explanation = new QLabel(paragraphs.join(QStringLiteral("\n\n")), this);
    explanation->setObjectName(QStringLiteral("certificateProblemText"));
    explanation->setWordWrap(true);
    explanation->setTextFormat(Qt::PlainText); // the server's words are never markup
    explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *view = new CertificateView(this);
    view->setCertificate(problem.certificate());
    view->setVisible(!problem.certificate().isNull());
    auto *advice = new QLabel(CertificateView::trustAdvice(problem), this);
    advice->setWordWrap(true);
    advice->setTextFormat(Qt::PlainText);
    advice->setVisible(canTrust);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    close->setDefault(true); // Enter does not trust by accident
    if (canTrust) {
        m_trustButton = buttons->addButton(tr("Trust this certificate"),
                                           QDialogButtonBox::AcceptRole);
        m_trustButton->setObjectName(QStringLiteral("trustButton"));
        m_trustButton->setAutoDefault(false);
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, &CertificatePrompt::trust);

    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addWidget(view);
    layout->addWidget(advice);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(520);

    m_text = title->text() + u'\n' + explanation->text();
}

QString CertificatePrompt::text() const
{
    return m_text;
}

void CertificatePrompt::trust()
{
    if (!m_trust || !m_problem.overridable)
        return;
    qCInfo(lcUi) << "the user trusts the certificate of" << m_problem.origin;
    m_trust->pin(m_problem.origin, m_problem.certificate());
    accept();
}

} // namespace Kini
