#include "CertificateView.h"

#include "CertificateTrust.h"
#include "UiText.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QSslError>
#include <QUrl>
#include <QLabel>

#include <algorithm>

namespace Kini {

namespace {

// "127.0.0.1 (Kini Explorer tests)": the common name, then the organization when there is one.
QString nameOf(const QStringList &commonNames, const QStringList &organizations)
{
    const QString name = commonNames.join(QStringLiteral(", "));
    const QString organization = organizations.join(QStringLiteral(", "));
    if (organization.isEmpty())
        return name.isEmpty() ? CertificateView::tr("(no name)") : name;
    return name.isEmpty() ? organization : QStringLiteral("%1 (%2)").arg(name, organization);
}

// Issuer and subject are the same name. QSslCertificate::isSelfSigned() also wants the key to
// be allowed to sign certificates, which a server's own self-signed certificate often is not.
bool isSelfIssued(const QSslCertificate &certificate)
{
    const QList<QByteArray> attributes = certificate.subjectInfoAttributes();
    return certificate.isSelfSigned()
            || (!attributes.isEmpty() && attributes == certificate.issuerInfoAttributes()
                && std::all_of(attributes.cbegin(), attributes.cend(),
                               [&certificate](const QByteArray &attribute) {
                                   return certificate.subjectInfo(attribute)
                                           == certificate.issuerInfo(attribute);
                               }));
}

// 32 bytes make 95 characters: two lines of sixteen bytes each fit the dialog.
QString twoLineFingerprint(const QByteArray &digest)
{
    const int half = int(digest.size() + 1) / 2;
    return CertificateTrust::fingerprint(digest.left(half)) + QLatin1Char('\n')
            + CertificateTrust::fingerprint(digest.mid(half));
}

} // namespace

CertificateView::CertificateView(QWidget *parent)
    : QWidget(parent)
    , m_layout(new QFormLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setHorizontalSpacing(12);
    m_layout->setVerticalSpacing(4);
    m_layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
    // Word-wrapped labels would otherwise keep to their guessed width and wrap early.
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_subject = addRow(tr("Issued to"), QStringLiteral("subjectValue"));
    m_names = addRow(tr("Names"), QStringLiteral("namesValue"));
    m_issuer = addRow(tr("Issued by"), QStringLiteral("issuerValue"));
    m_validity = addRow(tr("Valid"), QStringLiteral("validityValue"));
    m_fingerprint = addRow(tr("SHA-256"), QStringLiteral("fingerprintValue"));
    m_fingerprint->setWordWrap(false);
    m_fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_fingerprint->setToolTip(tr("The certificate's SHA-256 fingerprint. Compare it with the one "
                                 "your server's administrator gives you."));
}

QLabel *CertificateView::addRow(const QString &title, const QString &objectName)
{
    auto *value = new QLabel(this);
    value->setObjectName(objectName);
    value->setTextFormat(Qt::PlainText);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_layout->addRow(title, value);
    return value;
}

void CertificateView::setCertificate(const QSslCertificate &certificate)
{
    m_subject->setText(nameOf(certificate.subjectInfo(QSslCertificate::CommonName),
                              certificate.subjectInfo(QSslCertificate::Organization)));
    const QString issuer = nameOf(certificate.issuerInfo(QSslCertificate::CommonName),
                                  certificate.issuerInfo(QSslCertificate::Organization));
    m_issuer->setText(isSelfIssued(certificate) ? tr("%1, self-signed").arg(issuer) : issuer);

    const QStringList names = certificate.subjectAlternativeNames().values();
    m_names->setText(names.join(QStringLiteral(", ")));
    m_layout->setRowVisible(m_names, !names.isEmpty());

    const QDateTime from = certificate.effectiveDate();
    const QDateTime until = certificate.expiryDate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString validity = tr("%1 to %2")
                               .arg(UiText::utcTime(from.toMSecsSinceEpoch()),
                                    UiText::utcTime(until.toMSecsSinceEpoch()));
    if (now > until)
        validity += tr(" (expired)");
    else if (now < from)
        validity += tr(" (not valid yet)");
    m_validity->setText(validity);

    m_fingerprint->setText(twoLineFingerprint(CertificateTrust::digestOf(certificate)));
}

QString CertificateView::problemTitle(const CertificateTrust::Problem &problem)
{
    if (!problem.overridable)
        return tr("The server's certificate cannot be accepted");
    if (problem.certificateChanged())
        return tr("The server's certificate has changed");
    return tr("The server's certificate is not trusted");
}

QStringList CertificateView::problemLines(const CertificateTrust::Problem &problem)
{
    QStringList lines;
    auto add = [&lines](const QString &line) {
        if (!lines.contains(line))
            lines << line;
    };
    for (const QSslError &error : problem.errors) {
        const QSslCertificate certificate
                = error.certificate().isNull() ? problem.certificate() : error.certificate();
        switch (error.error()) {
        case QSslError::SelfSignedCertificate:
            add(tr("It is self-signed: no certificate authority vouches for it."));
            break;
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
            add(tr("It was issued by an authority this computer does not know."));
            break;
        case QSslError::HostNameMismatch:
            add(tr("It was issued for other names than %1.")
                        .arg(QUrl(problem.origin).host()));
            break;
        case QSslError::CertificateExpired:
            add(tr("It expired on %1.")
                        .arg(UiText::utcTime(certificate.expiryDate().toMSecsSinceEpoch())));
            break;
        case QSslError::CertificateNotYetValid:
            add(tr("It is not valid before %1. If that time has passed, this "
                                "computer's clock is wrong.")
                        .arg(UiText::utcTime(certificate.effectiveDate().toMSecsSinceEpoch())));
            break;
        default:
            add(UiText::sentence(error.errorString()));
            break;
        }
    }
    return lines;
}

QString CertificateView::changedWarning(const CertificateTrust::Problem &problem)
{
    return tr("You trusted another certificate for %1 before. Renewed certificates change, but "
              "so would one shown by someone intercepting the connection: trust this one only if "
              "you expected the change.")
            .arg(problem.origin);
}

QString CertificateView::neverAcceptedNote()
{
    return tr("Expired, revoked or damaged certificates are never accepted, trusted or not: the "
              "server's administrator has to replace it.");
}

QString CertificateView::trustAdvice(const CertificateTrust::Problem &problem)
{
    return tr("Trust it only if you know it is your server's: compare the fingerprint with the "
              "one your server's administrator gives you. Kini Explorer then accepts this "
              "certificate, and no other, for %1.")
            .arg(problem.origin);
}

} // namespace Kini
