#include "JsonTree.h"

#include <QtGlobal>

#include <algorithm>
#include <utility>

namespace Kini {

namespace {

// Parsing, toJson() and even the destructor of JsonNode recurse once per nesting level, so a
// caller-supplied maxDepth is capped here: no document can exhaust the stack of a worker thread.
constexpr int HardDepthLimit = 1000;

QString hex(uint value, int width)
{
    return QString::number(value, 16).toUpper().rightJustified(width, QLatin1Char('0'));
}

QString describeByte(const char *data, qsizetype size, qsizetype offset)
{
    if (offset >= size)
        return QStringLiteral("end of input");
    const uchar c = uchar(data[offset]);
    if (c > 0x20 && c < 0x7f)
        return QStringLiteral("'%1'").arg(QLatin1Char(char(c)));
    if (c == ' ')
        return QStringLiteral("a space");
    return QStringLiteral("byte 0x%1").arg(hex(c, 2));
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

void appendCodePoint(QString *out, char32_t cp)
{
    if (QChar::requiresSurrogates(cp)) {
        out->append(QChar(QChar::highSurrogate(cp)));
        out->append(QChar(QChar::lowSurrogate(cp)));
    } else {
        out->append(QChar(char16_t(cp)));
    }
}

class Parser
{
public:
    Parser(const QByteArray &text, int maxDepth)
        : m_data(text.constData())
        , m_size(text.size())
        , m_maxDepth(std::clamp(maxDepth, 0, HardDepthLimit))
    {
    }

    bool parseDocument(JsonNode *out)
    {
        skipWhitespace();
        if (!parseValue(out, 0))
            return false;
        skipWhitespace();
        if (m_pos != m_size)
            return unexpected(QString());
        return true;
    }

    QString error() const { return m_error; }

private:
    // Every message has the form "<what> at byte N", which the editors parse to place the cursor.
    bool fail(qsizetype offset, const QString &what)
    {
        m_error = QStringLiteral("%1 at byte %2").arg(what, QString::number(offset));
        return false;
    }

    // An empty expectation means the value is complete and nothing may follow it. The two habits
    // from JavaScript that JSON does not allow get a message of their own.
    bool unexpected(const QString &expected)
    {
        const char c = peek();
        if (c == '/')
            return fail(m_pos, QStringLiteral("comments are not allowed in JSON"));
        const bool stringMayStart
                = expected == QLatin1String("a value") || expected == QLatin1String("a string key");
        if (c == '\'' && stringMayStart)
            return fail(m_pos, QStringLiteral("strings need double quotes, not single quotes"));
        const QString found = describeByte(m_data, m_size, m_pos);
        if (expected.isEmpty())
            return fail(m_pos, QStringLiteral("unexpected %1 after the JSON value").arg(found));
        return fail(m_pos, QStringLiteral("expected %1 but found %2").arg(expected, found));
    }

    bool atEnd() const { return m_pos >= m_size; }
    char peek() const { return m_pos < m_size ? m_data[m_pos] : '\0'; }

    void skipWhitespace()
    {
        while (m_pos < m_size) {
            const char c = m_data[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    bool parseValue(JsonNode *out, int depth)
    {
        if (atEnd())
            return unexpected(QStringLiteral("a value"));
        switch (m_data[m_pos]) {
        case '{':
            return parseObject(out, depth + 1);
        case '[':
            return parseArray(out, depth + 1);
        case '"':
            out->kind = JsonNode::String;
            return parseString(&out->text);
        case 't':
            return parseLiteral(out, JsonNode::Bool, "true");
        case 'f':
            return parseLiteral(out, JsonNode::Bool, "false");
        case 'n':
            return parseLiteral(out, JsonNode::Null, "null");
        default:
            if (m_data[m_pos] == '-' || isDigit(m_data[m_pos]))
                return parseNumber(out);
            return unexpected(QStringLiteral("a value"));
        }
    }

    bool enterContainer(int depth)
    {
        if (depth > m_maxDepth)
            return fail(m_pos, QStringLiteral("nesting deeper than %1 levels").arg(m_maxDepth));
        return true;
    }

    bool parseObject(JsonNode *out, int depth)
    {
        if (!enterContainer(depth))
            return false;
        out->kind = JsonNode::Object;
        ++m_pos;
        skipWhitespace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            if (peek() != '"')
                return unexpected(QStringLiteral("a string key"));
            QPair<QString, JsonNode> member;
            if (!parseString(&member.first))
                return false;
            skipWhitespace();
            if (peek() != ':')
                return unexpected(QStringLiteral("':'"));
            ++m_pos;
            skipWhitespace();
            if (!parseValue(&member.second, depth))
                return false;
            out->members.append(std::move(member));
            skipWhitespace();
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            if (peek() != ',')
                return unexpected(QStringLiteral("',' or '}'"));
            const qsizetype comma = m_pos;
            ++m_pos;
            skipWhitespace();
            if (peek() == '}')
                return fail(comma, QStringLiteral("trailing comma before '}'"));
        }
    }

    bool parseArray(JsonNode *out, int depth)
    {
        if (!enterContainer(depth))
            return false;
        out->kind = JsonNode::Array;
        ++m_pos;
        skipWhitespace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            JsonNode item;
            if (!parseValue(&item, depth))
                return false;
            out->items.append(std::move(item));
            skipWhitespace();
            if (peek() == ']') {
                ++m_pos;
                return true;
            }
            if (peek() != ',')
                return unexpected(QStringLiteral("',' or ']'"));
            const qsizetype comma = m_pos;
            ++m_pos;
            skipWhitespace();
            if (peek() == ']')
                return fail(comma, QStringLiteral("trailing comma before ']'"));
        }
    }

    bool parseLiteral(JsonNode *out, JsonNode::Kind kind, const char *word)
    {
        const qsizetype length = qsizetype(qstrlen(word));
        if (m_size - m_pos < length || qstrncmp(m_data + m_pos, word, length) != 0)
            return fail(m_pos,
                        QStringLiteral("invalid literal, expected %1").arg(QLatin1String(word)));
        out->kind = kind;
        if (kind == JsonNode::Bool)
            out->text = QLatin1String(word);
        m_pos += length;
        return true;
    }

    bool parseNumber(JsonNode *out)
    {
        const qsizetype start = m_pos;
        if (peek() == '-')
            ++m_pos;
        if (!isDigit(peek()))
            return unexpected(QStringLiteral("a digit after '-'"));
        if (peek() == '0') {
            ++m_pos;
            if (isDigit(peek()))
                return fail(m_pos - 1, QStringLiteral("leading zero in number"));
        } else {
            while (isDigit(peek()))
                ++m_pos;
        }
        if (peek() == '.') {
            ++m_pos;
            if (!isDigit(peek()))
                return unexpected(QStringLiteral("a digit after '.'"));
            while (isDigit(peek()))
                ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!isDigit(peek()))
                return unexpected(QStringLiteral("a digit in the exponent"));
            while (isDigit(peek()))
                ++m_pos;
        }
        out->kind = JsonNode::Number;
        out->text = QString::fromLatin1(m_data + start, m_pos - start);
        return true;
    }

    bool parseHex4(char16_t *unit)
    {
        char16_t value = 0;
        for (int i = 0; i < 4; ++i) {
            if (m_pos + i >= m_size || !isHexDigit(m_data[m_pos + i]))
                return fail(m_pos + i, QStringLiteral("expected 4 hex digits after \\u"));
            value = char16_t(value * 16 + hexValue(m_data[m_pos + i]));
        }
        m_pos += 4;
        *unit = value;
        return true;
    }

    // m_pos is just past the 'u' of the first escape; start is its backslash.
    bool parseUnicodeEscape(QString *out, qsizetype start)
    {
        char16_t unit = 0;
        if (!parseHex4(&unit))
            return false;
        if (QChar::isLowSurrogate(unit))
            return fail(start, QStringLiteral("lone low surrogate \\u%1").arg(hex(unit, 4)));
        if (!QChar::isHighSurrogate(unit)) {
            out->append(QChar(unit));
            return true;
        }
        if (m_size - m_pos < 2 || m_data[m_pos] != '\\' || m_data[m_pos + 1] != 'u')
            return fail(start, QStringLiteral("lone high surrogate \\u%1").arg(hex(unit, 4)));
        m_pos += 2;
        char16_t low = 0;
        if (!parseHex4(&low))
            return false;
        if (!QChar::isLowSurrogate(low))
            return fail(start, QStringLiteral("lone high surrogate \\u%1").arg(hex(unit, 4)));
        out->append(QChar(unit));
        out->append(QChar(low));
        return true;
    }

    // Well-formed UTF-8 per Unicode table 3-7: no overlong forms, no encoded surrogates, nothing
    // above U+10FFFF. Advances m_pos past the sequence.
    bool parseUtf8(char32_t *cp)
    {
        const qsizetype start = m_pos;
        const uchar lead = uchar(m_data[m_pos]);
        int length = 0;
        uchar low = 0x80;
        uchar high = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
            *cp = lead & 0x1f;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            *cp = lead & 0x0f;
            if (lead == 0xe0)
                low = 0xa0;
            else if (lead == 0xed)
                high = 0x9f;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            *cp = lead & 0x07;
            if (lead == 0xf0)
                low = 0x90;
            else if (lead == 0xf4)
                high = 0x8f;
        } else {
            return fail(start, QStringLiteral("invalid UTF-8"));
        }
        for (int i = 1; i < length; ++i) {
            if (start + i >= m_size)
                return fail(start, QStringLiteral("truncated UTF-8 sequence"));
            const uchar c = uchar(m_data[start + i]);
            if (c < low || c > high)
                return fail(start, QStringLiteral("invalid UTF-8"));
            *cp = (*cp << 6) | (c & 0x3f);
            low = 0x80;
            high = 0xbf;
        }
        m_pos = start + length;
        return true;
    }

    bool parseString(QString *out)
    {
        const qsizetype open = m_pos;
        ++m_pos;
        out->clear();
        for (;;) {
            const qsizetype runStart = m_pos;
            while (m_pos < m_size) {
                const uchar c = uchar(m_data[m_pos]);
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                    break;
                ++m_pos;
            }
            if (m_pos > runStart)
                out->append(QLatin1String(m_data + runStart, m_pos - runStart));
            if (atEnd())
                return fail(open, QStringLiteral("unterminated string"));

            const uchar c = uchar(m_data[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) {
                return fail(m_pos,
                            QStringLiteral("unescaped control character 0x%1 in string")
                                    .arg(hex(c, 2)));
            }
            if (c >= 0x80) {
                char32_t cp = 0;
                if (!parseUtf8(&cp))
                    return false;
                appendCodePoint(out, cp);
                continue;
            }

            const qsizetype escape = m_pos;
            ++m_pos;
            if (atEnd())
                return fail(open, QStringLiteral("unterminated string"));
            const char e = m_data[m_pos++];
            switch (e) {
            case '"':
                out->append(QLatin1Char('"'));
                break;
            case '\\':
                out->append(QLatin1Char('\\'));
                break;
            case '/':
                out->append(QLatin1Char('/'));
                break;
            case 'b':
                out->append(QLatin1Char('\b'));
                break;
            case 'f':
                out->append(QLatin1Char('\f'));
                break;
            case 'n':
                out->append(QLatin1Char('\n'));
                break;
            case 'r':
                out->append(QLatin1Char('\r'));
                break;
            case 't':
                out->append(QLatin1Char('\t'));
                break;
            case 'u':
                if (!parseUnicodeEscape(out, escape))
                    return false;
                break;
            default:
                return fail(escape,
                            QStringLiteral("invalid escape: backslash followed by %1")
                                    .arg(describeByte(m_data, m_size, escape + 1)));
            }
        }
    }

    const char *m_data;
    qsizetype m_size;
    int m_maxDepth;
    qsizetype m_pos = 0;
    QString m_error;
};

void appendEscaped(QString *out, const QString &text)
{
    out->append(QLatin1Char('"'));
    for (const QChar ch : text) {
        const char16_t u = ch.unicode();
        switch (u) {
        case '"':
            out->append(QLatin1String("\\\""));
            break;
        case '\\':
            out->append(QLatin1String("\\\\"));
            break;
        case '\b':
            out->append(QLatin1String("\\b"));
            break;
        case '\f':
            out->append(QLatin1String("\\f"));
            break;
        case '\n':
            out->append(QLatin1String("\\n"));
            break;
        case '\r':
            out->append(QLatin1String("\\r"));
            break;
        case '\t':
            out->append(QLatin1String("\\t"));
            break;
        default:
            if (u < 0x20)
                out->append(QStringLiteral("\\u%1").arg(hex(u, 4).toLower()));
            else
                out->append(ch);
        }
    }
    out->append(QLatin1Char('"'));
}

void appendScalar(QString *out, const JsonNode &node)
{
    switch (node.kind) {
    case JsonNode::Null:
        out->append(QLatin1String("null"));
        break;
    case JsonNode::Bool:
        out->append(node.text == QLatin1String("true") ? QLatin1String("true")
                                                       : QLatin1String("false"));
        break;
    case JsonNode::Number:
        // A node built by hand with no literal would otherwise make the output unparsable.
        out->append(node.text.isEmpty() ? QStringLiteral("null") : node.text);
        break;
    case JsonNode::String:
        appendEscaped(out, node.text);
        break;
    case JsonNode::Array:
    case JsonNode::Object:
        break;
    }
}

void appendCompact(QString *out, const JsonNode &node)
{
    if (node.kind == JsonNode::Array) {
        out->append(QLatin1Char('['));
        for (qsizetype i = 0; i < node.items.size(); ++i) {
            if (i > 0)
                out->append(QLatin1Char(','));
            appendCompact(out, node.items.at(i));
        }
        out->append(QLatin1Char(']'));
    } else if (node.kind == JsonNode::Object) {
        out->append(QLatin1Char('{'));
        for (qsizetype i = 0; i < node.members.size(); ++i) {
            if (i > 0)
                out->append(QLatin1Char(','));
            appendEscaped(out, node.members.at(i).first);
            out->append(QLatin1Char(':'));
            appendCompact(out, node.members.at(i).second);
        }
        out->append(QLatin1Char('}'));
    } else {
        appendScalar(out, node);
    }
}

// The first line is not indented (the caller places it); inner lines get level + 1 steps and the
// closing bracket gets level steps, so a nested call lines up with its parent.
void appendIndented(QString *out, const JsonNode &node, int level)
{
    const QString inner(4 * (level + 1), QLatin1Char(' '));
    const QString outer(4 * level, QLatin1Char(' '));
    if (node.kind == JsonNode::Array && !node.items.isEmpty()) {
        out->append(QLatin1String("[\n"));
        for (qsizetype i = 0; i < node.items.size(); ++i) {
            out->append(inner);
            appendIndented(out, node.items.at(i), level + 1);
            out->append(i + 1 < node.items.size() ? QLatin1String(",\n") : QLatin1String("\n"));
        }
        out->append(outer);
        out->append(QLatin1Char(']'));
    } else if (node.kind == JsonNode::Object && !node.members.isEmpty()) {
        out->append(QLatin1String("{\n"));
        for (qsizetype i = 0; i < node.members.size(); ++i) {
            out->append(inner);
            appendEscaped(out, node.members.at(i).first);
            out->append(QLatin1String(": "));
            appendIndented(out, node.members.at(i).second, level + 1);
            out->append(i + 1 < node.members.size() ? QLatin1String(",\n") : QLatin1String("\n"));
        }
        out->append(outer);
        out->append(QLatin1Char('}'));
    } else {
        appendCompact(out, node);
    }
}

} // namespace

const JsonNode *JsonNode::member(const QString &key) const
{
    if (kind != Object)
        return nullptr;
    for (auto it = members.crbegin(); it != members.crend(); ++it) {
        if (it->first == key)
            return &it->second;
    }
    return nullptr;
}

QString JsonNode::toJson() const
{
    QString out;
    appendCompact(&out, *this);
    return out;
}

QString JsonNode::toIndentedJson(int indent) const
{
    QString out;
    appendIndented(&out, *this, qMax(0, indent));
    return out;
}

bool parseJsonTree(const QByteArray &text, JsonNode *out, QString *error, int maxDepth)
{
    Parser parser(text, maxDepth);
    JsonNode root;
    const bool ok = parser.parseDocument(&root);
    if (error)
        *error = ok ? QString() : parser.error();
    if (out)
        *out = ok ? std::move(root) : JsonNode();
    return ok;
}

} // namespace Kini
