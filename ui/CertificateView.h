#pragma once

#include "CertificateTrust.h"

#include <QSslCertificate>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace Kini {

// A server certificate as a person checks it: who it is for, who issued it, when it is valid,
// and its SHA-256 fingerprint to compare with the one the server's administrator gives out.
// Every field is plain, selectable text: certificate contents are the server's words, never
// markup.
class CertificateView : public QWidget
{
    Q_OBJECT
public:
    explicit CertificateView(QWidget *parent = nullptr);

    void setCertificate(const QSslCertificate &certificate);

    // The words every prompt about a refused certificate uses (sign-in dialog, explorer).
    static QString problemTitle(const CertificateTrust::Problem &problem);
    // The certificate's problems in plain words, one line each.
    static QStringList problemLines(const CertificateTrust::Problem &problem);
    // For a certificate other than the one pinned: why a change needs a second look.
    static QString changedWarning(const CertificateTrust::Problem &problem);
    static QString neverAcceptedNote();
    static QString trustAdvice(const CertificateTrust::Problem &problem);

private:
    QLabel *addRow(const QString &title, const QString &objectName);

    QFormLayout *m_layout;
    QLabel *m_subject;
    QLabel *m_names;
    QLabel *m_issuer;
    QLabel *m_validity;
    QLabel *m_fingerprint;
};

} // namespace Kini
