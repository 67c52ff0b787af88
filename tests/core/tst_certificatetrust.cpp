// CertificateTrust against a local HTTPS server: a TlsTerminator in front of FakeJwtApi, with
// self-signed certificates made by openssl at test time. Nothing reaches a server whose
// certificate is not trusted; a pin accepts one certificate for one origin and survives a
// restart; a changed certificate is refused again; which TLS errors a pin may override.
#include "CertificateTrust.h"
#include "HttpsJwtApi.h"
#include "Interceptor.h"
#include "SecretStore.h"
#include "TestCertificate.h"
#include "TlsTerminator.h"
#include "TokenSession.h"

#include <QNetworkReply>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Kini;
using Problem = CertificateTrust::Problem;

namespace {

// The app side; a new Client on the same settings is the app restarted.
struct Client
{
    Interceptor net;
    MemorySecretStore store;
    TokenSession session {&net, &store};
    CertificateTrust trust;

    explicit Client(QSettings *settings = nullptr)
        : trust(settings)
    {
        net.setSession(&session);
        trust.attach(&net);
    }

    ApiError signIn(const ServerConfig &config)
    {
        session.setConfig(config);
        QSignalSpy done(&session, &TokenSession::signInFinished);
        session.signIn(QStringLiteral("demo"), QStringLiteral("demo-password"), false);
        if (!done.wait(10000))
            return ApiError::make(ApiError::Timeout, QStringLiteral("no signInFinished"));
        return done.first().first().value<ApiError>();
    }
};

bool hasError(const Problem &problem, QSslError::SslError kind)
{
    return std::any_of(problem.errors.cbegin(), problem.errors.cend(),
                       [kind](const QSslError &error) { return error.error() == kind; });
}

void expectRefusal()
{
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral("^refused the certificate of https://")));
}

} // namespace

class tst_CertificateTrust : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void untrustedCertificateSendsNothing();
    void pinnedCertificateSignsInAndRefreshes();
    void pinSurvivesRestart();
    void changedCertificateAsksAgain();
    void pinIsPerOrigin();
    void pinnedExpiredCertificateIsRefused();
    void pinAcceptsHostNameMismatch();
    void apiRequestsHonourThePin();
    void malformedPinsAreIgnored();
    void cleartextConsentIsPerOriginAndNotSaved();

    void overridableErrors_data();
    void overridableErrors();
    void fingerprintMatchesOpenssl();
    void sendsInClear_data();
    void sendsInClear();

private:
    std::unique_ptr<QSettings> settingsFile(const QString &name) const;

    QTemporaryDir m_dir;
    TestCertificate m_certificate; // for 127.0.0.1 and localhost
    TestCertificate m_otherCertificate; // the same names, another key
    TestCertificate m_otherName; // for other.example only
    TestCertificate m_expired;
};

void tst_CertificateTrust::initTestCase()
{
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_certificate.generate(), qPrintable(m_certificate.errorString()));
    QVERIFY2(m_otherCertificate.generate(), qPrintable(m_otherCertificate.errorString()));

    TestCertificate::Options otherName;
    otherName.commonName = QStringLiteral("other.example");
    otherName.subjectAltNames = {QStringLiteral("DNS:other.example")};
    QVERIFY2(m_otherName.generate(otherName), qPrintable(m_otherName.errorString()));

    TestCertificate::Options expired;
    expired.notBefore = QDateTime::currentDateTimeUtc().addDays(-60);
    expired.notAfter = QDateTime::currentDateTimeUtc().addDays(-30);
    QVERIFY2(m_expired.generate(expired), qPrintable(m_expired.errorString()));
}

std::unique_ptr<QSettings> tst_CertificateTrust::settingsFile(const QString &name) const
{
    return std::make_unique<QSettings>(m_dir.filePath(name), QSettings::IniFormat);
}

void tst_CertificateTrust::untrustedCertificateSendsNothing()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    Client client;
    QSignalSpy untrusted(&client.trust, &CertificateTrust::untrustedCertificate);

    expectRefusal();
    const ApiError error = client.signIn(server.config());
    QCOMPARE(error.kind, ApiError::Tls);

    QCOMPARE(untrusted.count(), 1);
    const auto problem = untrusted.first().first().value<Problem>();
    QCOMPARE(problem.origin, server.origin());
    QCOMPARE(problem.certificate(), m_certificate.certificate());
    QVERIFY(hasError(problem, QSslError::SelfSignedCertificate));
    QVERIFY(problem.overridable);
    QVERIFY(!problem.certificateChanged());

    // The handshake began and was broken off by the client: no request, no password.
    QVERIFY(server.tls().handshakesStarted() >= 1);
    QCOMPARE(server.tls().handshakesCompleted(), 0);
    QCOMPARE(server.tls().bytesReceived(), 0);
    QCOMPARE(server.requestCount(), 0);
    QCOMPARE(client.session.state(), TokenSession::State::SignedOut);
    QVERIFY(!client.session.hasTokens());
}

void tst_CertificateTrust::pinnedCertificateSignsInAndRefreshes()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    Client client;
    QSignalSpy untrusted(&client.trust, &CertificateTrust::untrustedCertificate);

    QVERIFY(client.trust.pin(server.origin(), m_certificate.certificate()));
    QVERIFY(client.trust.isPinned(server.origin()));
    QCOMPARE(client.trust.pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));

    const ApiError error = client.signIn(server.config());
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(server.api().obtainCalls(), 1);
    QCOMPARE(client.session.state(), TokenSession::State::Active);

    // The session's other token call, on a connection of its own.
    client.net.clearConnectionCache();
    QSignalSpy refreshed(&client.session, &TokenSession::refreshFinished);
    QVERIFY(client.session.refresh());
    QVERIFY(refreshed.wait(10000));
    const auto refreshError = refreshed.first().first().value<ApiError>();
    QVERIFY2(!refreshError.isError(), qPrintable(refreshError.message));
    QCOMPARE(server.api().refreshCalls(), 1);
    QVERIFY(server.tls().handshakesCompleted() >= 2);
    QCOMPARE(untrusted.count(), 0);
}

void tst_CertificateTrust::pinSurvivesRestart()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    const QString file = QStringLiteral("restart.ini");
    {
        auto settings = settingsFile(file);
        Client first(settings.get());
        QVERIFY(first.trust.pin(server.origin(), m_certificate.certificate()));
    }

    // Saved as the hex SHA-256 under the origin, nothing else.
    {
        auto settings = settingsFile(file);
        settings->beginGroup(QStringLiteral("tls/pinnedSha256"));
        const QStringList keys = settings->childKeys();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(QByteArray::fromPercentEncoding(keys.first().toLatin1()),
                 server.origin().toUtf8());
        QCOMPARE(settings->value(keys.first()).toString(),
                 m_certificate.opensslFingerprint().remove(u':').toLower());
    }

    auto settings = settingsFile(file);
    Client restarted(settings.get());
    QVERIFY(restarted.trust.isPinned(server.origin()));
    const ApiError error = restarted.signIn(server.config());
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(server.api().obtainCalls(), 1);
}

void tst_CertificateTrust::changedCertificateAsksAgain()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    auto settings = settingsFile(QStringLiteral("changed.ini"));
    Client client(settings.get());
    QVERIFY(client.trust.pin(server.origin(), m_certificate.certificate()));
    QVERIFY(!client.signIn(server.config()).isError());
    const int requestsBefore = server.requestCount();
    const qint64 bytesBefore = server.tls().bytesReceived();

    // The server restarts on the same port with another certificate.
    server.tls().setCertificate(m_otherCertificate);
    QSignalSpy untrusted(&client.trust, &CertificateTrust::untrustedCertificate);
    expectRefusal();
    QCOMPARE(client.signIn(server.config()).kind, ApiError::Tls);

    QCOMPARE(untrusted.count(), 1);
    const auto problem = untrusted.first().first().value<Problem>();
    QVERIFY(problem.certificateChanged());
    QCOMPARE(problem.pinnedDigest, CertificateTrust::digestOf(m_certificate.certificate()));
    QCOMPARE(problem.certificate(), m_otherCertificate.certificate());
    QVERIFY(problem.overridable);
    QCOMPARE(server.requestCount(), requestsBefore);
    QCOMPARE(server.tls().bytesReceived(), bytesBefore);
    // Refusing does not touch the pin; only the user replaces it.
    QCOMPARE(client.trust.pinnedDigest(server.origin()),
             CertificateTrust::digestOf(m_certificate.certificate()));

    QVERIFY(client.trust.pin(server.origin(), m_otherCertificate.certificate()));
    const ApiError error = client.signIn(server.config());
    QVERIFY2(!error.isError(), qPrintable(error.message));

    // The old certificate, back again, is now the stranger.
    server.tls().setCertificate(m_certificate);
    expectRefusal();
    QCOMPARE(client.signIn(server.config()).kind, ApiError::Tls);
}

void tst_CertificateTrust::pinIsPerOrigin()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    TlsTerminator secondFront; // the same API and certificate on another port
    secondFront.setCertificate(m_certificate);
    QVERIFY(secondFront.listen(server.api().server().port()));

    Client client;
    QVERIFY(client.trust.pin(server.origin(), m_certificate.certificate()));
    ServerConfig elsewhere = server.config();
    elsewhere.baseUrl = secondFront.url(QStringLiteral("/api/"));

    expectRefusal();
    QCOMPARE(client.signIn(elsewhere).kind, ApiError::Tls);
    QCOMPARE(secondFront.bytesReceived(), 0);
    QCOMPARE(server.requestCount(), 0);
}

void tst_CertificateTrust::pinnedExpiredCertificateIsRefused()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_expired));
    Client client;
    QSignalSpy untrusted(&client.trust, &CertificateTrust::untrustedCertificate);
    QVERIFY(client.trust.pin(server.origin(), m_expired.certificate()));

    expectRefusal();
    QCOMPARE(client.signIn(server.config()).kind, ApiError::Tls);
    QCOMPARE(untrusted.count(), 1);
    const auto problem = untrusted.first().first().value<Problem>();
    QVERIFY(hasError(problem, QSslError::CertificateExpired));
    QVERIFY(!problem.overridable);
    // The pinned certificate itself, refused for what it is: not "the certificate changed".
    QVERIFY(!problem.certificateChanged());
    QCOMPARE(server.tls().bytesReceived(), 0);
    QCOMPARE(server.requestCount(), 0);
}

void tst_CertificateTrust::pinAcceptsHostNameMismatch()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_otherName));
    Client client;
    QSignalSpy untrusted(&client.trust, &CertificateTrust::untrustedCertificate);

    expectRefusal();
    QCOMPARE(client.signIn(server.config()).kind, ApiError::Tls);
    QCOMPARE(untrusted.count(), 1);
    const auto problem = untrusted.first().first().value<Problem>();
    QVERIFY(hasError(problem, QSslError::HostNameMismatch));
    QVERIFY(problem.overridable);
    QCOMPARE(server.requestCount(), 0);

    QVERIFY(client.trust.pin(problem.origin, problem.certificate()));
    const ApiError error = client.signIn(server.config());
    QVERIFY2(!error.isError(), qPrintable(error.message));
}

void tst_CertificateTrust::apiRequestsHonourThePin()
{
    HttpsJwtApi server;
    QVERIFY(server.start(m_certificate));
    Client client;
    client.session.setConfig(server.config());
    const QUrl me = server.config().resolve(QStringLiteral("me/"));

    // Not pinned: the interceptor's hop is refused and sends nothing, whoever listens.
    std::unique_ptr<QNetworkReply> refused(client.net.get(QNetworkRequest(me)));
    QTRY_VERIFY_WITH_TIMEOUT(refused->isFinished(), 10000);
    QVERIFY(refused->error() != QNetworkReply::NoError);
    QCOMPARE(server.tls().bytesReceived(), 0);

    // Pinned: the request gets through (no token yet, so the API answers 401).
    QVERIFY(client.trust.pin(server.origin(), m_certificate.certificate()));
    std::unique_ptr<QNetworkReply> reply(client.net.get(QNetworkRequest(me)));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
}

void tst_CertificateTrust::malformedPinsAreIgnored()
{
    auto settings = settingsFile(QStringLiteral("malformed.ini"));
    const QByteArray good = CertificateTrust::digestOf(m_certificate.certificate());
    settings->beginGroup(QStringLiteral("tls/pinnedSha256"));
    settings->setValue(QStringLiteral("https%3A%2F%2Fgood%3A443"),
                       QString::fromLatin1(good.toHex()));
    settings->setValue(QStringLiteral("https%3A%2F%2Fshort%3A443"), QStringLiteral("abcd"));
    settings->setValue(QStringLiteral("https%3A%2F%2Fnothex%3A443"),
                       QString::fromLatin1(good.toHex()).replace(0, 2, QStringLiteral("zz")));
    settings->endGroup();

    QTest::ignoreMessage(QtWarningMsg,
                         "ignoring a malformed certificate pin for \"https://short:443\"");
    QTest::ignoreMessage(QtWarningMsg,
                         "ignoring a malformed certificate pin for \"https://nothex:443\"");
    CertificateTrust trust(settings.get());
    QCOMPARE(trust.pinnedDigest(QStringLiteral("https://good:443")), good);
    QVERIFY(!trust.isPinned(QStringLiteral("https://short:443")));
    QVERIFY(!trust.isPinned(QStringLiteral("https://nothex:443")));
}

void tst_CertificateTrust::cleartextConsentIsPerOriginAndNotSaved()
{
    auto settings = settingsFile(QStringLiteral("cleartext.ini"));
    const QString origin = QStringLiteral("http://10.255.255.1:80");
    {
        CertificateTrust trust(settings.get());
        QVERIFY(!trust.isCleartextAllowed(origin));
        trust.allowCleartext(origin);
        QVERIFY(trust.isCleartextAllowed(origin));
        QVERIFY(!trust.isCleartextAllowed(QStringLiteral("http://10.255.255.2:80")));
    }
    settings->sync();
    QVERIFY(settings->allKeys().isEmpty());
    CertificateTrust nextRun(settings.get());
    QVERIFY(!nextRun.isCleartextAllowed(origin));
}

void tst_CertificateTrust::overridableErrors_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<bool>("overridable");

    QTest::newRow("self-signed") << int(QSslError::SelfSignedCertificate) << true;
    QTest::newRow("self-signed in chain") << int(QSslError::SelfSignedCertificateInChain) << true;
    QTest::newRow("unknown local issuer")
            << int(QSslError::UnableToGetLocalIssuerCertificate) << true;
    QTest::newRow("unknown issuer") << int(QSslError::UnableToGetIssuerCertificate) << true;
    QTest::newRow("first unverifiable") << int(QSslError::UnableToVerifyFirstCertificate) << true;
    QTest::newRow("host name mismatch") << int(QSslError::HostNameMismatch) << true;

    QTest::newRow("expired: never") << int(QSslError::CertificateExpired) << false;
    QTest::newRow("not yet valid: never") << int(QSslError::CertificateNotYetValid) << false;
    QTest::newRow("revoked") << int(QSslError::CertificateRevoked) << false;
    QTest::newRow("blacklisted") << int(QSslError::CertificateBlacklisted) << false;
    QTest::newRow("rejected") << int(QSslError::CertificateRejected) << false;
    QTest::newRow("untrusted for purpose") << int(QSslError::CertificateUntrusted) << false;
    QTest::newRow("invalid purpose") << int(QSslError::InvalidPurpose) << false;
    QTest::newRow("bad signature") << int(QSslError::CertificateSignatureFailed) << false;
    QTest::newRow("bad notBefore field") << int(QSslError::InvalidNotBeforeField) << false;
    QTest::newRow("bad notAfter field") << int(QSslError::InvalidNotAfterField) << false;
    QTest::newRow("invalid CA") << int(QSslError::InvalidCaCertificate) << false;
    QTest::newRow("path length") << int(QSslError::PathLengthExceeded) << false;
    QTest::newRow("no peer certificate") << int(QSslError::NoPeerCertificate) << false;
    QTest::newRow("unspecified") << int(QSslError::UnspecifiedError) << false;
}

void tst_CertificateTrust::overridableErrors()
{
    QFETCH(int, error);
    QFETCH(bool, overridable);
    QCOMPARE(CertificateTrust::isOverridable(QSslError::SslError(error)), overridable);
}

void tst_CertificateTrust::fingerprintMatchesOpenssl()
{
    const QByteArray digest = CertificateTrust::digestOf(m_certificate.certificate());
    QCOMPARE(digest.size(), 32);
    QCOMPARE(CertificateTrust::fingerprint(digest), m_certificate.opensslFingerprint());
    QVERIFY(CertificateTrust::digestOf(QSslCertificate()).isEmpty());
}

void tst_CertificateTrust::sendsInClear_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("inClear");

    QTest::newRow("loopback address") << "http://127.0.0.1:8000/api/" << false;
    QTest::newRow("anywhere in 127/8") << "http://127.45.6.7/api/" << false;
    QTest::newRow("localhost") << "http://localhost:8000/api/" << false;
    QTest::newRow("LOCALHOST, fully qualified") << "http://LOCALHOST.:8000/api/" << false;
    QTest::newRow("IPv6 loopback") << "http://[::1]:8000/api/" << false;
    QTest::newRow("IPv4-mapped loopback") << "http://[::ffff:127.0.0.1]/api/" << false;
    QTest::newRow("https elsewhere") << "https://api.example.com/api/" << false;
    QTest::newRow("private address") << "http://10.255.255.1/api/" << true;
    QTest::newRow("public name") << "http://api.example.com/api/" << true;
    QTest::newRow("HTTP in capitals") << "HTTP://api.example.com/api/" << true;
    QTest::newRow("localhost as a subdomain") << "http://localhost.example.com/api/" << true;
    QTest::newRow("loopback-looking name") << "http://127.0.0.1.example.com/api/" << true;
    QTest::newRow("IPv4-mapped elsewhere") << "http://[::ffff:10.0.0.1]/api/" << true;
    QTest::newRow("IPv6 elsewhere") << "http://[2001:db8::1]/api/" << true;
}

void tst_CertificateTrust::sendsInClear()
{
    QFETCH(QString, url);
    QFETCH(bool, inClear);
    QCOMPARE(CertificateTrust::sendsInClear(QUrl(url)), inClear);
}

QTEST_GUILESS_MAIN(tst_CertificateTrust)
#include "tst_certificatetrust.moc"
