#include "RequestEditor.h"

#include "JsonTree.h"
#include "KeyValueTable.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace Kini {

namespace {

// Characters that would change the meaning of a query if left as they are.
const QByteArray kKeyReserved = QByteArrayLiteral("&=#+% ");
const QByteArray kValueReserved = QByteArrayLiteral("&#+% ");

QString encodeQueryPart(const QString &text, const QByteArray &reserved)
{
    QString out;
    for (const QChar ch : text) {
        if (ch.unicode() < 0x80 && reserved.contains(char(ch.unicode()))) {
            out += QStringLiteral("%%1").arg(int(ch.unicode()), 2, 16, QLatin1Char('0')).toUpper();
        } else {
            out += ch;
        }
    }
    return out;
}

QString decodeQueryPart(const QString &text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

struct UrlParts
{
    QString beforeQuery;
    QString query;
    QString fragment; // with its '#', or empty
    bool hasQuery = false;
};

UrlParts splitUrl(const QString &text)
{
    UrlParts parts;
    QString rest = text;
    const int hash = rest.indexOf(QLatin1Char('#'));
    if (hash >= 0) {
        parts.fragment = rest.mid(hash);
        rest.truncate(hash);
    }
    const int question = rest.indexOf(QLatin1Char('?'));
    if (question >= 0) {
        parts.hasQuery = true;
        parts.query = rest.mid(question + 1);
        rest.truncate(question);
    }
    parts.beforeQuery = rest;
    return parts;
}

// RFC 9110 "tchar": what a header name may be made of.
bool isTokenChar(QChar ch)
{
    const char16_t c = ch.unicode();
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || QStringView(u"!#$%&'*+-.^_`|~").contains(ch);
}

// Why this header cannot be sent, in plain words; empty when it can. The same rules as the
// Interceptor's (which refuses such a request), checked here to say which row is wrong.
QString headerProblem(const QString &name, const QString &value)
{
    if (!std::all_of(name.begin(), name.end(), isTokenChar)) {
        return RequestEditor::tr("\"%1\" is not a valid header name: use letters, digits and "
                                 "! # $ % & ' * + - . ^ _ ` | ~ only (no spaces, no ':').")
                .arg(name);
    }
    for (const QChar ch : value) {
        if (ch == u'\r' || ch == u'\n') {
            return RequestEditor::tr("the value of the header \"%1\" contains a line break.")
                    .arg(name);
        }
        if ((ch.unicode() < 0x20 && ch != u'\t') || ch.unicode() == 0x7f) {
            const QString code = QString::number(ch.unicode(), 16).rightJustified(4, u'0');
            // One arg() call: a name may hold a '%' that a second call would take for "%2".
            return RequestEditor::tr("the value of the header \"%1\" contains a control "
                                     "character (U+%2).")
                    .arg(name, code.toUpper());
        }
    }
    return QString();
}

const QStringList kMethods
        = {QStringLiteral("GET"),    QStringLiteral("POST"),   QStringLiteral("PUT"),
           QStringLiteral("PATCH"),  QStringLiteral("DELETE"), QStringLiteral("HEAD"),
           QStringLiteral("OPTIONS")};

} // namespace

RequestEditor::RequestEditor(QWidget *parent)
    : QWidget(parent)
    , m_method(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_hint(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_params(new KeyValueTable(tr("Parameter"), tr("Value"), this))
    , m_headers(new KeyValueTable(tr("Header"), tr("Value"), this))
    , m_body(new QPlainTextEdit(this))
    , m_bodyStatus(new QLabel(this))
    , m_format(new QPushButton(tr("Format"), this))
    , m_bodyCheckTimer(new QTimer(this))
{
    m_method->setObjectName(QStringLiteral("methodBox"));
    m_method->addItems(kMethods);
    m_method->setMinimumContentsLength(7);
    m_method->setToolTip(tr("HTTP method"));

    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(tr("me/ — a path under the API base, or a full URL"));
    QFont urlFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_url->setFont(urlFont);
    // Room for a path like "users/42/orders/?page=2" even in the smallest window.
    m_url->setMinimumWidth(qMax(240, m_url->fontMetrics().averageCharWidth() * 30));

    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setToolTip(tr("Send the request (Ctrl+Return)"));
    m_send->setDefault(true);
    m_send->setStyleSheet(QStringLiteral(
            "QPushButton#sendButton { background: #2f6fde; color: white; border: 1px solid #2a5fbf;"
            " border-radius: 4px; padding: 5px 20px; font-weight: 600; }"
            "QPushButton#sendButton:hover { background: #3a7bea; }"
            "QPushButton#sendButton:disabled { background: #a9c1ee; border-color: #a9c1ee; }"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setToolTip(tr("Stop the running request (Esc)"));
    m_cancel->setEnabled(false);

    m_hint->setObjectName(QStringLiteral("resolvedHint"));
    m_hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hint->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
    m_hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_params->setObjectName(QStringLiteral("paramsTable"));
    m_params->setPlaceholders(tr("parameter name"), tr("value"));
    m_headers->setObjectName(QStringLiteral("headersTable"));
    m_headers->setPlaceholders(tr("header name"), tr("value"));

    m_tabs->setObjectName(QStringLiteral("requestTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_params, tr("Params"));
    m_tabs->addTab(m_headers, tr("Headers"));
    m_bodyTabIndex = m_tabs->addTab(createBodyTab(), tr("Body"));

    auto *bar = new QHBoxLayout;
    bar->setSpacing(6);
    bar->addWidget(m_method);
    bar->addWidget(m_url, 1);
    bar->addWidget(m_send);
    bar->addWidget(m_cancel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_hint);
    layout->addSpacing(4);
    layout->addWidget(m_tabs, 1);

    m_bodyCheckTimer->setSingleShot(true);
    m_bodyCheckTimer->setInterval(300);

    connect(m_send, &QPushButton::clicked, this, &RequestEditor::sendRequested);
    connect(m_cancel, &QPushButton::clicked, this, &RequestEditor::cancelRequested);
    connect(m_url, &QLineEdit::returnPressed, this, &RequestEditor::sendRequested);
    connect(m_url, &QLineEdit::textEdited, this, &RequestEditor::urlEditedByUser);
    connect(m_url, &QLineEdit::textChanged, this, &RequestEditor::updateHint);
    connect(m_params, &KeyValueTable::edited, this, &RequestEditor::paramsEditedByUser);
    connect(m_headers, &KeyValueTable::edited, this, [this] {
        updateTabTitles();
        m_bodyCheckTimer->start();
    });
    connect(m_body, &QPlainTextEdit::textChanged, m_bodyCheckTimer, qOverload<>(&QTimer::start));
    connect(m_body, &QPlainTextEdit::textChanged, this, &RequestEditor::updateTabTitles);
    connect(m_bodyCheckTimer, &QTimer::timeout, this, &RequestEditor::showBodyCheck);
    connect(m_format, &QPushButton::clicked, this, &RequestEditor::formatBody);

    updateHint();
    showBodyCheck();
}

QWidget *RequestEditor::createBodyTab()
{
    auto *page = new QWidget(this);
    m_body->setObjectName(QStringLiteral("bodyEdit"));
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setPlaceholderText(tr("JSON body, e.g. {\"name\": \"widget\"}"));
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_body->setTabChangesFocus(false);
    m_body->setTabStopDistance(m_body->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);

    m_bodyStatus->setObjectName(QStringLiteral("bodyStatus"));
    m_bodyStatus->setWordWrap(true);
    m_bodyStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_format->setToolTip(tr("Re-indent the JSON body (numbers are kept exactly as written)"));

    auto *footer = new QHBoxLayout;
    footer->setContentsMargins(0, 0, 0, 0);
    footer->addWidget(m_bodyStatus, 1);
    footer->addWidget(m_format);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_body, 1);
    layout->addLayout(footer);
    return page;
}

void RequestEditor::setConfig(const ServerConfig &config)
{
    m_config = config;
    updateHint();
}

QString RequestEditor::resolvedHint() const
{
    return m_hint->text();
}

QString RequestEditor::bodyStatus() const
{
    return m_bodyStatus->text();
}

void RequestEditor::updateHint()
{
    if (!m_config.isValid()) {
        m_hint->setText(tr("Sign in to set the API base URL."));
        m_hint->setToolTip(QString());
        return;
    }
    const QUrl url = m_config.resolve(m_url->text());
    const QString shown = url.toDisplayString();
    QString text = QStringLiteral("→ %1").arg(shown);
    QString tip = tr("The request goes to %1").arg(shown);
    if (!m_config.isSameOrigin(url)) {
        text += tr("   ·   another origin: no token is sent");
        tip += tr("\nThis is not the API's origin (%1), so the access token is not attached.")
                       .arg(m_config.origin());
    }
    m_hint->setText(text);
    m_hint->setToolTip(tip);
    m_url->setToolTip(tip);
}

void RequestEditor::urlEditedByUser()
{
    const UrlParts parts = splitUrl(m_url->text());
    QList<KeyValueTable::Entry> entries;
    if (parts.hasQuery) {
        const QStringList pairs = parts.query.split(QLatin1Char('&'));
        for (const QString &pair : pairs) {
            if (pair.isEmpty())
                continue;
            const int equals = pair.indexOf(QLatin1Char('='));
            KeyValueTable::Entry entry;
            entry.key = decodeQueryPart(equals < 0 ? pair : pair.left(equals));
            entry.value = equals < 0 ? QString() : decodeQueryPart(pair.mid(equals + 1));
            entries.append(entry);
        }
    }
    // Unticked rows are not part of the URL; keep them so typing in the URL does not lose them.
    const QList<KeyValueTable::Entry> existing = m_params->entries();
    for (const KeyValueTable::Entry &entry : existing) {
        if (!entry.enabled)
            entries.append(entry);
    }
    m_params->setEntries(entries);
    updateTabTitles();
}

void RequestEditor::paramsEditedByUser()
{
    const UrlParts parts = splitUrl(m_url->text());
    QStringList pairs;
    const QList<KeyValueTable::Entry> entries = m_params->enabledEntries();
    for (const KeyValueTable::Entry &entry : entries) {
        QString pair = encodeQueryPart(entry.key, kKeyReserved);
        if (!entry.value.isEmpty())
            pair += QLatin1Char('=') + encodeQueryPart(entry.value, kValueReserved);
        pairs.append(pair);
    }
    QString text = parts.beforeQuery;
    if (!pairs.isEmpty())
        text += QLatin1Char('?') + pairs.join(QLatin1Char('&'));
    text += parts.fragment;
    m_url->setText(text);
    updateTabTitles();
}

void RequestEditor::updateTabTitles()
{
    const int params = m_params->enabledEntries().size();
    const int headers = m_headers->enabledEntries().size();
    m_tabs->setTabText(0, params ? tr("Params (%1)").arg(params) : tr("Params"));
    m_tabs->setTabText(1, headers ? tr("Headers (%1)").arg(headers) : tr("Headers"));
    m_tabs->setTabText(m_bodyTabIndex, m_body->document()->isEmpty() ? tr("Body") : tr("Body •"));
}

bool RequestEditor::bodyIsJson() const
{
    const QList<KeyValueTable::Entry> headers = m_headers->enabledEntries();
    for (const KeyValueTable::Entry &entry : headers) {
        if (entry.key.trimmed().compare(QStringLiteral("Content-Type"), Qt::CaseInsensitive) == 0)
            return entry.value.contains(QStringLiteral("json"), Qt::CaseInsensitive);
    }
    return true;
}

bool RequestEditor::checkBody(QString *error, int *errorPosition) const
{
    const QByteArray bytes = m_body->toPlainText().toUtf8();
    if (bytes.trimmed().isEmpty() || !bodyIsJson())
        return true;

    JsonNode tree;
    QString why;
    if (parseJsonTree(bytes, &tree, &why))
        return true;

    // The core says "<what> at byte N"; fall back to Qt's parser for a position if it does not.
    qint64 offset = -1;
    const QRegularExpressionMatch match
            = QRegularExpression(QStringLiteral("^(.*) at byte (\\d+)$")).match(why);
    if (match.hasMatch()) {
        why = match.captured(1);
        offset = match.captured(2).toLongLong();
    } else {
        QJsonParseError qtError;
        QJsonDocument::fromJson(bytes, &qtError);
        if (qtError.error != QJsonParseError::NoError)
            offset = qtError.offset;
    }
    if (offset < 0 || offset > bytes.size())
        offset = bytes.size();

    const QString before = QString::fromUtf8(bytes.left(offset));
    const int line = before.count(QLatin1Char('\n')) + 1;
    const int column = before.size() - (before.lastIndexOf(QLatin1Char('\n')) + 1) + 1;
    *error = tr("Line %1, column %2: %3").arg(line).arg(column).arg(why);
    *errorPosition = before.size();
    return false;
}

void RequestEditor::showBodyCheck()
{
    QString error;
    int position = 0;
    const bool empty = m_body->toPlainText().trimmed().isEmpty();
    m_format->setEnabled(!empty && bodyIsJson());
    if (empty) {
        m_bodyStatus->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
        m_bodyStatus->setText(tr("No body. When you type one, Content-Type: application/json is "
                                 "added unless you set a Content-Type header."));
    } else if (!bodyIsJson()) {
        m_bodyStatus->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
        m_bodyStatus->setText(tr("Sent as typed (the Content-Type header is not JSON)."));
    } else if (checkBody(&error, &position)) {
        m_bodyStatus->setStyleSheet(QStringLiteral("color: #2e7d32;"));
        m_bodyStatus->setText(tr("✓ Valid JSON"));
    } else {
        m_bodyStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_bodyStatus->setText(tr("✗ Not valid JSON. %1").arg(error));
    }
}

void RequestEditor::formatBody()
{
    JsonNode tree;
    QString why;
    if (!parseJsonTree(m_body->toPlainText().toUtf8(), &tree, &why)) {
        showBodyCheck();
        return;
    }
    m_body->setPlainText(tree.toIndentedJson());
}

bool RequestEditor::buildRequest(RequestSpec *out, QString *error)
{
    if (!m_config.isValid()) {
        *error = tr("There is no API base URL yet: sign in first.");
        return false;
    }
    const QString text = m_url->text().trimmed();
    const QUrl url = m_config.resolve(text);
    if (!url.isValid() || url.host().isEmpty()) {
        *error = tr("The URL \"%1\" cannot be used.").arg(text);
        return false;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        *error = tr("Only http and https URLs can be sent.");
        return false;
    }

    QString bodyError;
    int position = 0;
    if (!checkBody(&bodyError, &position)) {
        *error = tr("Not sent: the body is not valid JSON. %1").arg(bodyError);
        showBodyCheck();
        m_tabs->setCurrentIndex(m_bodyTabIndex);
        QTextCursor cursor = m_body->textCursor();
        cursor.setPosition(qMin(position, m_body->document()->characterCount() - 1));
        m_body->setTextCursor(cursor);
        m_body->setFocus();
        return false;
    }

    RequestSpec spec;
    spec.method = m_method->currentText();
    spec.urlText = text;
    spec.url = url;
    spec.body = m_body->toPlainText();
    const QList<KeyValueTable::Entry> headers = m_headers->enabledEntries();
    for (const KeyValueTable::Entry &entry : headers) {
        const QString name = entry.key.trimmed();
        const QString why = headerProblem(name, entry.value);
        if (!why.isEmpty()) {
            *error = tr("Not sent: %1").arg(why);
            m_tabs->setCurrentWidget(m_headers);
            m_headers->selectRow(entry.row);
            return false;
        }
        spec.headers.append({name, entry.value});
    }
    *out = spec;
    return true;
}

void RequestEditor::load(const RequestSpec &spec)
{
    const int index = m_method->findText(spec.method);
    m_method->setCurrentIndex(index < 0 ? 0 : index);
    m_url->setText(spec.urlText);
    m_params->setEntries({});
    urlEditedByUser();
    QList<KeyValueTable::Entry> headers;
    for (const auto &header : spec.headers)
        headers.append({true, header.first, header.second});
    m_headers->setEntries(headers);
    m_body->setPlainText(spec.body);
    updateTabTitles();
}

void RequestEditor::finishSetUp()
{
    m_url->setClearButtonEnabled(true);
}

void RequestEditor::setRunning(bool running)
{
    m_send->setEnabled(!running);
    m_cancel->setEnabled(running);
}

} // namespace Kini
