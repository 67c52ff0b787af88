#pragma once

#include "CertificateTrust.h"

#include <QDialog>
#include <QPointer>

class QPushButton;

namespace Kini {

// Asks about a certificate that stopped a request while the user was signed in: a server whose
// certificate was renewed, or someone in between. Shows the certificate and what is wrong with
// it; Trust pins it (when a pin may accept it at all) and accepts; Close leaves everything as it
// was. Window-modal over the explorer.
class CertificatePrompt : public QDialog
{
    Q_OBJECT
public:
    CertificatePrompt(CertificateTrust *trust, const CertificateTrust::Problem &problem,
                      QWidget *parent = nullptr);

    const CertificateTrust::Problem &problem() const { return m_problem; }
    QString text() const; // title and explanation, for tests and accessibility
    QPushButton *trustButton() const { return m_trustButton; }

private:
    void trust();

    QPointer<CertificateTrust> m_trust;
    CertificateTrust::Problem m_problem;
    QString m_text;
    QPushButton *m_trustButton = nullptr;
};

} // namespace Kini
