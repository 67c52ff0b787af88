#pragma once

#include <QString>
#include <QUrl>
#include <QVariant>

class QSettings;

namespace Kini {

// Sets key to value unless it holds that value already (compared as text, which is how QSettings
// stores it). QSettings rewrites its whole file, with an fsync, after any setValue, changed or
// not; a start-up that only confirms the settings should not touch the disk.
void setSettingIfChanged(QSettings &settings, const QString &key, const QVariant &value);

// Where a SimpleJWT-style API lives and how its token endpoints are spelled. Everything here is
// a user setting; nothing in it is secret, so it may be saved in QSettings.
struct ServerConfig
{
    QUrl baseUrl; // e.g. http://127.0.0.1:8000/api/ ; always ends with '/'
    QString obtainPath = QStringLiteral("token/"); // relative to baseUrl, or absolute
    QString refreshPath = QStringLiteral("token/refresh/");
    QString blacklistPath; // empty: the server has no blacklist endpoint (the default)
    QString usernameField = QStringLiteral("username"); // SimpleJWT's USERNAME_FIELD
    QString passwordField = QStringLiteral("password");
    QString accessField = QStringLiteral("access");
    QString refreshField = QStringLiteral("refresh");
    int requestTimeoutMs = 30000; // transfer timeout for API calls
    int refreshTimeoutMs = 60000; // longer: aborting a refresh the server processed burns it

    bool isValid() const { return baseUrl.isValid() && !baseUrl.host().isEmpty(); }

    QUrl obtainUrl() const { return resolve(obtainPath); }
    QUrl refreshUrl() const { return resolve(refreshPath); }
    QUrl blacklistUrl() const { return blacklistPath.isEmpty() ? QUrl() : resolve(blacklistPath); }

    // A path relative to the API base ("me/", "/api/items/?page=2") or an absolute URL.
    QUrl resolve(const QString &pathOrUrl) const;
    // True when url has the API's scheme, host and port (default ports normalised).
    bool isSameOrigin(const QUrl &url) const;
    // "scheme://host:port" of the API.
    QString origin() const;
    // The key that names a saved session: origin + base path + user.
    QString sessionKey(const QString &username) const;

    // Accepts "localhost:8000/api", "http://host/api" ...; adds a scheme and a trailing '/'.
    static QUrl normalizeBaseUrl(const QString &text);
    static QString originOf(const QUrl &url);

    // QSettings persistence under the group named after the base URL; never secrets.
    void save(QSettings &settings) const;
    static ServerConfig load(QSettings &settings, const QUrl &baseUrl);
};

} // namespace Kini
