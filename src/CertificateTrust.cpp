#include "CertificateTrust.h"

#include "KiniLog.h"
#include "ServerConfig.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QSslConfiguration>
#include <QUrl>

#include <algorithm>

namespace Kini {

namespace {

const QString kPinGroup = QStringLiteral("tls/pinnedSha256");
constexpr int kDigestBytes = 32;

// QSettings keys may not hold '/', and origins do; percent-encoding keeps them readable.
QString keyFor(const QString &origin)
{
    return QString::fromLatin1(origin.toUtf8().toPercentEncoding());
}

QString originFromKey(const QString &key)
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(key.toLatin1()));
}

} // namespace

CertificateTrust::CertificateTrust(QSettings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    qRegisterMetaType<Kini::CertificateTrust::Problem>();
    load();
}

CertificateTrust::~CertificateTrust() = default;

void CertificateTrust::attach(QNetworkAccessManager *manager)
{
    // A direct connection: ignoreSslErrors() only counts while the reply's own sslErrors()
    // emission, which the manager's signal is relayed from, is still running.
    connect(manager, &QNetworkAccessManager::sslErrors, this, &CertificateTrust::onSslErrors,
            Qt::DirectConnection);
}

bool CertificateTrust::pin(const QString &origin, const QSslCertificate &certificate)
{
    const QByteArray digest = digestOf(certificate);
    if (origin.isEmpty() || digest.isEmpty())
        return false;
    m_pins.insert(origin, digest);
    qCInfo(lcNet) << "certificate pinned for" << origin << "SHA-256" << fingerprint(digest);
    save(origin);
    return true;
}

// Which errors a pin may override. The pin names one certificate for one origin: whatever the
// system could not vouch for, the user did, having seen the certificate. It cannot vouch for
// what is wrong with the certificate itself.
bool CertificateTrust::isOverridable(QSslError::SslError error)
{
    switch (error) {
    // No authority the system knows signed it: a self-signed or private-CA certificate, the
    // very case pinning is for.
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    // The name check keeps a certificate issued for another site from passing as this one. A
    // pin accepts one certificate, by digest, for one origin only, so no other certificate can
    // pass through it; and development servers are often reached by an address their
    // certificate does not name (127.0.0.1 for "localhost"). The dialog shows the mismatch.
    case QSslError::HostNameMismatch:
        return true;
    // Expired or not yet valid: the validity period is the only limit on how long a stolen key
    // of a self-signed certificate can be used, and a pin that outlived it would accept that key
    // for ever. "Not yet valid" mostly means this computer's clock is wrong, which the user
    // should fix rather than click through.
    case QSslError::CertificateExpired:
    case QSslError::CertificateNotYetValid:
    // Revoked, blacklisted, rejected, untrusted for this purpose: someone said no explicitly.
    case QSslError::CertificateRevoked:
    case QSslError::CertificateBlacklisted:
    case QSslError::CertificateRejected:
    case QSslError::CertificateUntrusted:
    case QSslError::InvalidPurpose:
    // Damaged, forged or malformed certificates and chains: the digest would pin garbage.
    default:
        return false;
    }
}

QByteArray CertificateTrust::digestOf(const QSslCertificate &certificate)
{
    return certificate.isNull() ? QByteArray() : certificate.digest(QCryptographicHash::Sha256);
}

QString CertificateTrust::fingerprint(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

bool CertificateTrust::isLoopbackHost(const QString &host)
{
    QString name = host.trimmed().toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name == QLatin1String("localhost"))
        return true;
    if (name.startsWith(QLatin1Char('[')) && name.endsWith(QLatin1Char(']')))
        name = name.mid(1, name.size() - 2);
    QHostAddress address;
    if (!address.setAddress(name))
        return false; // a name: whatever it resolves to, it may not be this computer
    if (address.isLoopback())
        return true;
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also ::ffff:a.b.c.d
    return isV4 && QHostAddress(v4).isLoopback();
}

bool CertificateTrust::sendsInClear(const QUrl &url)
{
    return url.isValid() && url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0
            && !isLoopbackHost(url.host());
}

void CertificateTrust::onSslErrors(QNetworkReply *reply, const QList<QSslError> &errors)
{
    Problem problem;
    problem.origin = ServerConfig::originOf(reply->url());
    problem.chain = reply->sslConfiguration().peerCertificateChain();
    problem.errors = errors;
    problem.pinnedDigest = m_pins.value(problem.origin);
    problem.overridable = !problem.chain.isEmpty() && !errors.isEmpty()
            && std::all_of(errors.cbegin(), errors.cend(),
                           [](const QSslError &error) { return isOverridable(error.error()); });

    const QByteArray digest = digestOf(problem.certificate());
    if (problem.overridable && !digest.isEmpty() && digest == problem.pinnedDigest) {
        qCDebug(lcNet) << "pinned certificate accepted for" << problem.origin;
        // Exactly these errors, for exactly this certificate: a later handshake is judged anew.
        reply->ignoreSslErrors(errors);
        return;
    }
    if (digest == problem.pinnedDigest)
        problem.pinnedDigest.clear(); // the pinned certificate itself, refused for other reasons

    QStringList reasons;
    for (const QSslError &error : errors)
        reasons << error.errorString();
    qCWarning(lcNet).noquote() << QStringLiteral("refused the certificate of %1 (SHA-256 %2)%3: %4")
                                          .arg(problem.origin, fingerprint(digest),
                                               problem.certificateChanged()
                                                       ? QStringLiteral(", not the pinned one")
                                                       : QString(),
                                               reasons.join(QStringLiteral("; ")));
    Q_EMIT untrustedCertificate(problem);
}

void CertificateTrust::load()
{
    if (!m_settings)
        return;
    m_settings->beginGroup(kPinGroup);
    const QStringList keys = m_settings->childKeys();
    for (const QString &key : keys) {
        const QString origin = originFromKey(key);
        const QByteArray hex = m_settings->value(key).toString().toLatin1();
        const QByteArray digest = QByteArray::fromHex(hex);
        // fromHex() skips what is not hex; a round trip shows whether anything was skipped.
        if (digest.size() != kDigestBytes || digest.toHex() != hex.toLower()) {
            qCWarning(lcNet) << "ignoring a malformed certificate pin for" << origin;
            continue;
        }
        m_pins.insert(origin, digest);
    }
    m_settings->endGroup();
}

void CertificateTrust::save(const QString &origin)
{
    if (!m_settings)
        return;
    m_settings->beginGroup(kPinGroup);
    m_settings->setValue(keyFor(origin), QString::fromLatin1(m_pins.value(origin).toHex()));
    m_settings->endGroup();
    // A pin the user just granted should survive a crash a moment later.
    m_settings->sync();
}

} // namespace Kini
