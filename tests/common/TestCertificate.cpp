#include "TestCertificate.h"

#include <QFile>
#include <QLocale>
#include <QProcess>
#include <QTemporaryDir>

namespace {

// `openssl ca` rather than `openssl req -x509`: only it takes any validity period, past ones
// included. The configuration is complete, so the system's openssl.cnf does not matter.
QByteArray configFor(const TestCertificate::Options &options)
{
    QByteArray config = "[ca]\n"
                        "default_ca = test_ca\n"
                        "[test_ca]\n"
                        "database = index.txt\n"
                        "new_certs_dir = .\n"
                        "serial = serial\n"
                        "default_md = sha256\n"
                        "policy = test_policy\n"
                        "unique_subject = no\n"
                        "x509_extensions = server_cert\n"
                        "[test_policy]\n"
                        "commonName = supplied\n"
                        "organizationName = optional\n"
                        "[req]\n"
                        "distinguished_name = subject\n"
                        "prompt = no\n"
                        "[subject]\n";
    config += "CN = " + options.commonName.toUtf8() + '\n';
    if (!options.organization.isEmpty())
        config += "O = " + options.organization.toUtf8() + '\n';
    config += "[server_cert]\n"
              "basicConstraints = critical,CA:FALSE\n"
              "keyUsage = critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage = serverAuth\n"
              "subjectKeyIdentifier = hash\n";
    if (!options.subjectAltNames.isEmpty())
        config += "subjectAltName = " + options.subjectAltNames.join(u',').toUtf8() + '\n';
    return config;
}

QString asn1Time(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), QStringLiteral("yyyyMMddHHmmss'Z'"));
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

bool TestCertificate::generate()
{
    return generate(Options());
}

bool TestCertificate::generate(const Options &options)
{
    *this = TestCertificate();
    QTemporaryDir dir;
    if (!dir.isValid()) {
        m_error = QStringLiteral("no temporary folder: ") + dir.errorString();
        return false;
    }
    if (!writeFile(dir.filePath(QStringLiteral("openssl.cnf")), configFor(options))
        || !writeFile(dir.filePath(QStringLiteral("index.txt")), QByteArray())
        || !writeFile(dir.filePath(QStringLiteral("serial")), "01\n")) {
        m_error = QStringLiteral("could not write the openssl files");
        return false;
    }

    QString output;
    auto openssl = [&dir, &output, this](const QStringList &arguments) {
        QProcess process;
        process.setWorkingDirectory(dir.path());
        process.start(QStringLiteral("openssl"), arguments);
        if (!process.waitForStarted(10000)) {
            m_error = QStringLiteral("openssl did not start (%1); scripts/install-deps.sh "
                                     "installs it")
                              .arg(process.errorString());
            return false;
        }
        process.closeWriteChannel();
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished(5000);
            m_error = QStringLiteral("openssl %1 did not finish").arg(arguments.value(0));
            return false;
        }
        output = QString::fromLocal8Bit(process.readAllStandardOutput());
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            m_error = QStringLiteral("openssl %1 failed: %2")
                              .arg(arguments.value(0),
                                   QString::fromLocal8Bit(process.readAllStandardError()));
            return false;
        }
        return true;
    };

    const QString config = QStringLiteral("openssl.cnf");
    const bool made
            = openssl({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-config"),
                       config, QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                       QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                       QStringLiteral("key.pem"), QStringLiteral("-out"),
                       QStringLiteral("request.csr")})
            && openssl({QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-selfsign"),
                        QStringLiteral("-config"), config, QStringLiteral("-keyfile"),
                        QStringLiteral("key.pem"), QStringLiteral("-in"),
                        QStringLiteral("request.csr"), QStringLiteral("-startdate"),
                        asn1Time(options.notBefore), QStringLiteral("-enddate"),
                        asn1Time(options.notAfter), QStringLiteral("-notext"),
                        QStringLiteral("-out"), QStringLiteral("cert.pem")})
            && openssl({QStringLiteral("x509"), QStringLiteral("-in"), QStringLiteral("cert.pem"),
                        QStringLiteral("-noout"), QStringLiteral("-fingerprint"),
                        QStringLiteral("-sha256")});
    if (!made)
        return false;

    // "sha256 Fingerprint=AB:CD:…" (the label's case differs between openssl versions).
    m_opensslFingerprint = output.section(u'=', 1).trimmed();
    m_certificate = QSslCertificate(readFile(dir.filePath(QStringLiteral("cert.pem"))));
    m_key = QSslKey(readFile(dir.filePath(QStringLiteral("key.pem"))), QSsl::Ec);
    if (m_certificate.isNull() || m_key.isNull() || m_opensslFingerprint.isEmpty()) {
        *this = TestCertificate();
        m_error = QStringLiteral("openssl wrote a certificate or key that Qt cannot read");
        return false;
    }
    return true;
}
