#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Kini {

// A JSON value that keeps what QJsonDocument loses: the order of object members and the exact
// text of every number (a 64-bit user id or a fractional NumericDate survives byte for byte).
struct JsonNode
{
    enum Kind { Null, Bool, Number, String, Array, Object };

    Kind kind = Null;
    // Number: the literal as written ("1700000000.75"); String: the decoded value;
    // Bool: "true" or "false"; empty for the others.
    QString text;
    QList<QPair<QString, JsonNode>> members; // Object, in document order
    QList<JsonNode> items; // Array

    // The member named key, or nullptr. The last one wins if a key repeats.
    const JsonNode *member(const QString &key) const;
    // Compact JSON text of this node, numbers as written.
    QString toJson() const;
    // Indented JSON text (4 spaces), numbers as written.
    QString toIndentedJson(int indent = 0) const;
};

// Strict RFC 8259 parser. Returns false and sets *error (with the byte offset) on any syntax
// error, trailing garbage, invalid UTF-8, a lone surrogate or nesting deeper than maxDepth.
bool parseJsonTree(const QByteArray &text, JsonNode *out, QString *error, int maxDepth = 64);

} // namespace Kini
