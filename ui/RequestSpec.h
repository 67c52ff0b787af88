#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace Kini {

// One request as the user composed it: what is sent, and what the history restores. It never
// holds an Authorization value (the Interceptor adds the token; history must not keep one).
struct RequestSpec
{
    QString method = QStringLiteral("GET");
    QString urlText; // as typed: "me/" or an absolute URL, query included
    QUrl url; // resolved against the API base
    QList<QPair<QString, QString>> headers; // enabled rows, in order
    QString body;
};

} // namespace Kini
