#include "TokenResponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace Kini {

namespace {

// "username: This field is required." lines from a DRF validation answer.
QString fieldMessages(const QJsonObject &json)
{
    QStringList lines;
    for (auto it = json.begin(); it != json.end(); ++it) {
        QStringList texts;
        if (it.value().isArray()) {
            const QJsonArray array = it.value().toArray();
            for (const QJsonValue &v : array)
                texts << v.toString();
        } else {
            texts << it.value().toString();
        }
        texts.removeAll(QString());
        if (texts.isEmpty())
            continue;
        lines << (it.key() == QLatin1String("detail")
                          ? texts.join(QLatin1Char(' '))
                          : it.key() + QStringLiteral(": ") + texts.join(QLatin1Char(' ')));
    }
    return lines.join(QLatin1Char('\n'));
}

QString notJsonMessage(int status, const QByteArray &contentType, const QByteArray &body,
                       const QJsonParseError &parseError)
{
    const bool html = contentType.toLower().contains("html") || body.trimmed().startsWith('<');
    if (html)
        return QObject::tr("The server answered HTML (%1) where JSON was expected.").arg(status);
    if (body.isEmpty())
        return QObject::tr("The server answered %1 with an empty body where JSON was expected.")
                .arg(status);
    return QObject::tr("The server answered %1 with a body that is not a JSON object (%2).")
            .arg(status)
            .arg(parseError.error == QJsonParseError::NoError
                         ? QObject::tr("valid JSON, but not an object")
                         : parseError.errorString());
}

bool takeTokens(TokenCall call, const QJsonObject &json, const ServerConfig &config,
                TokenResponse *out)
{
    auto bad = [out](const QString &message) {
        out->outcome = TokenResponse::Failed;
        out->error = ApiError::make(ApiError::InvalidResponse, message, out->status);
        out->access.clear();
        out->refresh.clear();
        return false;
    };
    const QJsonValue access = json.value(config.accessField);
    if (!access.isString() || access.toString().isEmpty())
        return bad(QObject::tr("The server's answer has no usable \"%1\" token (check the access "
                               "field name in the server settings).")
                           .arg(config.accessField));
    out->access = access.toString().toUtf8();
    if (!isHeaderSafeToken(out->access))
        return bad(QObject::tr("The server's access token contains characters that cannot be sent "
                               "in a header; it was not used."));

    const QJsonValue refresh = json.value(config.refreshField);
    if (refresh.isUndefined() || refresh.isNull()) {
        // SimpleJWT without ROTATE_REFRESH_TOKENS answers a refresh with the access token only.
        if (call == TokenCall::Obtain)
            return bad(QObject::tr("The server's answer has no \"%1\" token (check the refresh "
                                   "field name in the server settings).")
                               .arg(config.refreshField));
    } else {
        if (!refresh.isString() || refresh.toString().isEmpty())
            return bad(QObject::tr("The server's \"%1\" token is not a non-empty string.")
                               .arg(config.refreshField));
        out->refresh = refresh.toString().toUtf8();
        if (!isHeaderSafeToken(out->refresh))
            return bad(QObject::tr("The server's refresh token contains characters that cannot "
                                   "be sent; it was not used."));
    }
    out->outcome = TokenResponse::Tokens;
    return true;
}

} // namespace

bool isHeaderSafeToken(const QByteArray &token)
{
    if (token.isEmpty() || token.size() > 16384)
        return false;
    qsizetype i = 0;
    for (; i < token.size(); ++i) {
        const char c = token.at(i);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
        if (!ok)
            break;
    }
    // b64token is 1*( ... ) *"=": padding alone is not a token.
    if (i == 0)
        return false;
    for (; i < token.size(); ++i) {
        if (token.at(i) != '=')
            return false;
    }
    return true;
}

TokenResponse parseTokenResponse(TokenCall call, int status, const QByteArray &contentType,
                                 const QByteArray &body, const ServerConfig &config)
{
    TokenResponse out;
    out.status = status;
    if (body.size() > kMaxTokenResponseBytes) {
        out.error = ApiError::make(ApiError::InvalidResponse,
                                   QObject::tr("The server's answer was larger than %1 KiB; that "
                                               "is not a token answer. Nothing was stored.")
                                           .arg(kMaxTokenResponseBytes / 1024),
                                   status);
        return out;
    }

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        out.error = ApiError::make(ApiError::InvalidResponse,
                                   notJsonMessage(status, contentType, body, parseError), status);
        return out;
    }
    const QJsonObject json = doc.object();
    out.detail = json.value(QLatin1String("detail")).toString();

    if (status == 200 || status == 201) {
        takeTokens(call, json, config, &out);
        return out;
    }
    if (status == 401) {
        out.outcome = TokenResponse::Rejected;
        if (call == TokenCall::Obtain) {
            out.error = ApiError::make(ApiError::WrongCredentials,
                                       QObject::tr("Wrong username or password."), status);
        } else {
            const QString reason = out.detail.isEmpty()
                    ? QObject::tr("Your session has ended. Sign in again.")
                    : QObject::tr("Your session has ended (%1). Sign in again.").arg(out.detail);
            out.error = ApiError::make(ApiError::SessionExpired, reason, status);
        }
        return out;
    }

    const QString fields = fieldMessages(json);
    const QString what = call == TokenCall::Obtain ? QObject::tr("The sign-in failed")
                                                   : QObject::tr("The token refresh failed");
    out.error = ApiError::make(
            status == 400 ? ApiError::BadRequest : ApiError::Http,
            fields.isEmpty() ? QObject::tr("%1: the server answered %2.").arg(what).arg(status)
                             : QObject::tr("%1 (%2): %3").arg(what).arg(status).arg(fields),
            status);
    return out;
}

} // namespace Kini
