#include "ServerConfig.h"

#include <QSettings>

namespace Kini {

namespace {

int effectivePort(const QUrl &url)
{
    const QString scheme = url.scheme();
    return url.port(scheme.compare(QLatin1String("https"), Qt::CaseInsensitive) == 0          ? 443
                            : scheme.compare(QLatin1String("http"), Qt::CaseInsensitive) == 0 ? 80
                                                                                              : -1);
}

// QSettings group names may not contain '/'; keep them readable but unambiguous.
QString groupFor(const QUrl &baseUrl)
{
    return QStringLiteral("servers/")
            + QString::fromLatin1(
                    baseUrl.toString(QUrl::FullyEncoded).toUtf8().toPercentEncoding());
}

} // namespace

QUrl ServerConfig::resolve(const QString &pathOrUrl) const
{
    const QString text = pathOrUrl.trimmed();
    const QUrl given(text, QUrl::StrictMode);
    if (given.isValid() && !given.scheme().isEmpty() && !given.host().isEmpty())
        return given;
    // Relative to the base: "me/" -> base + "me/", "/api/x" -> origin + "/api/x".
    return baseUrl.resolved(QUrl(text));
}

bool ServerConfig::isSameOrigin(const QUrl &url) const
{
    // Every request asks this: the port (an int) first, the host (built anew by QUrl) last.
    return url.isValid() && baseUrl.isValid() && effectivePort(url) == effectivePort(baseUrl)
            && url.scheme().compare(baseUrl.scheme(), Qt::CaseInsensitive) == 0
            && url.host().compare(baseUrl.host(), Qt::CaseInsensitive) == 0;
}

QString ServerConfig::origin() const
{
    return originOf(baseUrl);
}

QString ServerConfig::originOf(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return QString();
    return url.scheme().toLower() + QStringLiteral("://") + url.host().toLower() + QLatin1Char(':')
            + QString::number(effectivePort(url));
}

QString ServerConfig::sessionKey(const QString &username) const
{
    return origin() + baseUrl.path() + QLatin1Char(' ') + username;
}

QUrl ServerConfig::normalizeBaseUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QUrl();
    if (!trimmed.contains(QStringLiteral("://")))
        trimmed.prepend(QStringLiteral("http://"));
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return QUrl();
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return QUrl();
    url.setScheme(scheme);
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    url.setPath(path);
    return url;
}

void setSettingIfChanged(QSettings &settings, const QString &key, const QVariant &value)
{
    if (settings.contains(key)) {
        const QVariant current = settings.value(key);
        // Bytes (a saved window geometry) compare as bytes; the rest as the text it is stored as
        // (an int written is read back as a string).
        const bool bytes = value.typeId() == QMetaType::QByteArray;
        if (bytes ? current.typeId() == QMetaType::QByteArray && current == value
                  : current.toString() == value.toString())
            return;
    }
    settings.setValue(key, value);
}

void ServerConfig::save(QSettings &settings) const
{
    settings.beginGroup(groupFor(baseUrl));
    setSettingIfChanged(settings, QStringLiteral("baseUrl"), baseUrl.toString());
    setSettingIfChanged(settings, QStringLiteral("obtainPath"), obtainPath);
    setSettingIfChanged(settings, QStringLiteral("refreshPath"), refreshPath);
    setSettingIfChanged(settings, QStringLiteral("blacklistPath"), blacklistPath);
    setSettingIfChanged(settings, QStringLiteral("usernameField"), usernameField);
    setSettingIfChanged(settings, QStringLiteral("passwordField"), passwordField);
    setSettingIfChanged(settings, QStringLiteral("accessField"), accessField);
    setSettingIfChanged(settings, QStringLiteral("refreshField"), refreshField);
    setSettingIfChanged(settings, QStringLiteral("requestTimeoutMs"), requestTimeoutMs);
    setSettingIfChanged(settings, QStringLiteral("refreshTimeoutMs"), refreshTimeoutMs);
    settings.endGroup();
}

ServerConfig ServerConfig::load(QSettings &settings, const QUrl &baseUrl)
{
    ServerConfig config;
    config.baseUrl = baseUrl;
    settings.beginGroup(groupFor(baseUrl));
    auto text = [&settings](const char *key, const QString &fallback) {
        return settings.value(QLatin1String(key), fallback).toString();
    };
    config.obtainPath = text("obtainPath", config.obtainPath);
    config.refreshPath = text("refreshPath", config.refreshPath);
    config.blacklistPath = text("blacklistPath", config.blacklistPath);
    config.usernameField = text("usernameField", config.usernameField);
    config.passwordField = text("passwordField", config.passwordField);
    config.accessField = text("accessField", config.accessField);
    config.refreshField = text("refreshField", config.refreshField);
    config.requestTimeoutMs
            = settings.value(QStringLiteral("requestTimeoutMs"), config.requestTimeoutMs).toInt();
    config.refreshTimeoutMs
            = settings.value(QStringLiteral("refreshTimeoutMs"), config.refreshTimeoutMs).toInt();
    settings.endGroup();
    return config;
}

} // namespace Kini
