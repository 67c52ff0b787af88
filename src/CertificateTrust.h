#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

class QNetworkAccessManager;
class QNetworkReply;
class QSettings;
class QUrl;

namespace Kini {

// What the user decided about the transport to each API origin ("https://host:port").
//
// Certificates: a certificate the system trusts is never questioned here. One it does not trust
// is accepted only when the user pinned that exact certificate (its SHA-256 digest) for that
// origin, and only when all its errors are of a kind a pin may override (isOverridable()).
// Anything else fails the TLS handshake, so not a byte of the request — no password, no token —
// is sent, and untrustedCertificate() says what was seen. One pin per origin; pins are not
// secrets and live in QSettings. Never a blanket ignoreSslErrors().
//
// Cleartext: whether the user agreed, in this run, to send a password over http:// to a host
// that is not this computer. Kept in memory only, so every run asks again.
class CertificateTrust : public QObject
{
    Q_OBJECT
public:
    // An untrusted certificate as seen during one handshake.
    struct Problem
    {
        QString origin;
        QList<QSslCertificate> chain; // the server's, leaf first
        QList<QSslError> errors;
        QByteArray pinnedDigest; // the pin that did not match, empty when the origin had none
        bool overridable = false; // a pin may accept it (every error isOverridable())

        QSslCertificate certificate() const { return chain.value(0); }
        // A pin existed for the origin, for another certificate.
        bool certificateChanged() const { return !pinnedDigest.isEmpty(); }
    };

    // Loads the pins saved in settings (when given) and saves every change back to it at once.
    // settings must outlive this object.
    explicit CertificateTrust(QSettings *settings = nullptr, QObject *parent = nullptr);
    ~CertificateTrust() override;

    // Judges the TLS errors of every reply the manager hands out through its sslErrors() signal.
    // Replies created without the manager's public get()/post()/... do not pass that signal.
    void attach(QNetworkAccessManager *manager);

    // SHA-256 digest of the certificate pinned for origin; empty when none is.
    QByteArray pinnedDigest(const QString &origin) const { return m_pins.value(origin); }
    bool isPinned(const QString &origin) const { return m_pins.contains(origin); }
    // Trusts certificate, and no other, for origin from now on (replacing an older pin), and
    // saves it. False, with nothing changed, for a null certificate or origin.
    bool pin(const QString &origin, const QSslCertificate &certificate);

    // The user agreed to send a password in clear to origin; forgotten when the app quits.
    void allowCleartext(const QString &origin) { m_cleartextAllowed.insert(origin); }
    bool isCleartextAllowed(const QString &origin) const
    {
        return m_cleartextAllowed.contains(origin);
    }

    // May a pin accept a certificate with this error? See the .cpp for why each is or is not.
    static bool isOverridable(QSslError::SslError error);
    static QByteArray digestOf(const QSslCertificate &certificate); // SHA-256
    // "AB:CD:…" (upper-case hex, colon-separated), as `openssl x509 -fingerprint` prints it.
    static QString fingerprint(const QByteArray &digest);
    // 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), "localhost".
    static bool isLoopbackHost(const QString &host);
    // An http:// URL whose host is not this computer: what is sent can be read on the way.
    static bool sendsInClear(const QUrl &url);

Q_SIGNALS:
    // A handshake was refused: the certificate is not trusted for problem.origin. The reply
    // fails with QNetworkReply::SslHandshakeFailedError.
    void untrustedCertificate(const Kini::CertificateTrust::Problem &problem);

private:
    void onSslErrors(QNetworkReply *reply, const QList<QSslError> &errors);
    void load();
    void save(const QString &origin);

    QSettings *m_settings;
    QHash<QString, QByteArray> m_pins; // origin -> SHA-256 of the pinned certificate
    QSet<QString> m_cleartextAllowed;
};

} // namespace Kini

Q_DECLARE_METATYPE(Kini::CertificateTrust::Problem)
