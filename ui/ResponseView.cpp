#include "ResponseView.h"

#include "ElidedLabel.h"

#include "InterceptedReply.h"
#include "JsonTree.h"
#include "UiText.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextCursor>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Kini {

namespace {

// Beyond this a plain-text view becomes sluggish; the rest is left out with a note.
constexpr qint64 kMaxShownBytes = 2 * 1024 * 1024;
// Bodies up to this size are formatted and shown at once (a few milliseconds); larger ones on a
// worker thread.
constexpr qint64 kImmediateBytes = 64 * 1024;
// QPlainTextEdit takes about 2 µs per line to take text in: a slice of this many characters
// (a few thousand lines) keeps each step of the event loop to some 10 ms.
constexpr qsizetype kSliceChars = 128 * 1024;
// As deep as the core's JSON parser goes.
constexpr int kMaxJsonDepth = 64;

// Re-indents JSON the way JsonNode::toIndentedJson() does (4 spaces, "key": value), token by
// token and without building a tree: every literal, numbers and strings alike, is copied as
// sent. The whole input is checked for JSON syntax; only the first maxOutput bytes of indented
// text are written. UTF-8 is not checked here: the view shows a bad sequence as U+FFFD.
class JsonIndenter
{
public:
    JsonIndenter(const QByteArray &input, qsizetype maxOutput)
        : m_pos(input.constData())
        , m_end(input.constData() + input.size())
        , m_maxOutput(maxOutput)
    {
        m_out.reserve(qMin<qsizetype>(maxOutput + 256, input.size() * 2));
    }

    // False when the input is not one JSON value.
    bool run()
    {
        skipSpace();
        if (!value(0))
            return false;
        skipSpace();
        return m_pos == m_end;
    }
    QByteArray text() const { return m_out; }
    bool truncated() const { return m_truncated; }

private:
    void write(const char *data, qsizetype size)
    {
        if (m_truncated)
            return;
        m_out.append(data, size);
        m_truncated = m_out.size() >= m_maxOutput;
    }
    void write(char c) { write(&c, 1); }
    void newline(int level)
    {
        if (m_truncated)
            return;
        m_out.append('\n');
        m_out.append(4 * level, ' ');
    }
    void skipSpace()
    {
        while (m_pos < m_end
               && (*m_pos == ' ' || *m_pos == '\n' || *m_pos == '\r' || *m_pos == '\t'))
            ++m_pos;
    }
    bool literal(const char *word, qsizetype size)
    {
        if (m_end - m_pos < size || memcmp(m_pos, word, size_t(size)) != 0)
            return false;
        write(m_pos, size);
        m_pos += size;
        return true;
    }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    bool number()
    {
        const char *start = m_pos;
        if (m_pos < m_end && *m_pos == '-')
            ++m_pos;
        if (m_pos < m_end && *m_pos == '0') {
            ++m_pos;
        } else if (m_pos < m_end && isDigit(*m_pos)) {
            while (m_pos < m_end && isDigit(*m_pos))
                ++m_pos;
        } else {
            return false;
        }
        if (m_pos < m_end && *m_pos == '.') {
            ++m_pos;
            if (m_pos == m_end || !isDigit(*m_pos))
                return false;
            while (m_pos < m_end && isDigit(*m_pos))
                ++m_pos;
        }
        if (m_pos < m_end && (*m_pos == 'e' || *m_pos == 'E')) {
            ++m_pos;
            if (m_pos < m_end && (*m_pos == '+' || *m_pos == '-'))
                ++m_pos;
            if (m_pos == m_end || !isDigit(*m_pos))
                return false;
            while (m_pos < m_end && isDigit(*m_pos))
                ++m_pos;
        }
        write(start, m_pos - start);
        return true;
    }

    bool string()
    {
        const char *start = m_pos++;
        while (m_pos < m_end) {
            const auto c = static_cast<unsigned char>(*m_pos);
            if (c == '"') {
                ++m_pos;
                write(start, m_pos - start);
                return true;
            }
            if (c < 0x20)
                return false;
            if (c != '\\') {
                ++m_pos;
                continue;
            }
            if (++m_pos == m_end)
                return false;
            if (*m_pos == 'u') {
                if (m_end - m_pos < 5)
                    return false;
                for (int i = 1; i <= 4; ++i) {
                    if (!isxdigit(static_cast<unsigned char>(m_pos[i])))
                        return false;
                }
                m_pos += 5;
            } else if (QByteArrayView("\"\\/bfnrt").contains(*m_pos)) {
                ++m_pos;
            } else {
                return false;
            }
        }
        return false;
    }

    // An object or array; the opening bracket is at m_pos.
    bool container(int level)
    {
        const bool isObject = *m_pos == '{';
        const char close = isObject ? '}' : ']';
        if (level >= kMaxJsonDepth)
            return false;
        ++m_pos;
        skipSpace();
        if (m_pos < m_end && *m_pos == close) {
            ++m_pos;
            write(isObject ? "{}" : "[]", 2);
            return true;
        }
        write(isObject ? '{' : '[');
        for (bool first = true;; first = false) {
            if (!first) {
                skipSpace();
                if (m_pos == m_end)
                    return false;
                if (*m_pos == close) {
                    ++m_pos;
                    newline(level);
                    write(close);
                    return true;
                }
                if (*m_pos != ',')
                    return false;
                ++m_pos;
                write(',');
                skipSpace();
            }
            newline(level + 1);
            if (isObject) {
                if (m_pos == m_end || *m_pos != '"' || !string())
                    return false;
                skipSpace();
                if (m_pos == m_end || *m_pos != ':')
                    return false;
                ++m_pos;
                write(": ", 2);
                skipSpace();
            }
            if (!value(level + 1))
                return false;
        }
    }

    bool value(int level)
    {
        if (m_pos == m_end)
            return false;
        switch (*m_pos) {
        case '{':
        case '[':
            return container(level);
        case '"':
            return string();
        case 't':
            return literal("true", 4);
        case 'f':
            return literal("false", 5);
        case 'n':
            return literal("null", 4);
        default:
            return number();
        }
    }

    const char *m_pos;
    const char *m_end;
    qsizetype m_maxOutput;
    QByteArray m_out;
    bool m_truncated = false;
};

bool looksLikeJson(const QByteArray &body, const QByteArray &contentType)
{
    if (contentType.toLower().contains("json"))
        return true;
    qsizetype i = 0;
    while (i < body.size() && QByteArrayView(" \t\r\n").contains(body.at(i)))
        ++i;
    return i < body.size() && (body.at(i) == '{' || body.at(i) == '[');
}

// What the body view shows for a body: indented JSON (all of it up to kMaxShownBytes, as the
// core's tree parser formats it; beyond that the first kMaxShownBytes re-indented token by token)
// or, for anything else, the text itself; each cut short with a note. Pure, so that it can run on
// a worker thread.
QString formatBody(const QByteArray &body, const QByteArray &contentType)
{
    const bool maybeJson = looksLikeJson(body, contentType);
    if (maybeJson && body.size() <= kMaxShownBytes) {
        JsonNode tree;
        QString error;
        // Through the core's tree, not QJsonDocument: a 64-bit id must not be rounded.
        if (parseJsonTree(body, &tree, &error))
            return tree.toIndentedJson();
    } else if (maybeJson) {
        JsonIndenter indenter(body, kMaxShownBytes);
        if (indenter.run()) {
            QString text = QString::fromUtf8(indenter.text());
            if (indenter.truncated()) {
                text += QCoreApplication::translate("Kini::ResponseView",
                                                    "\n\n[… valid JSON of %1: the first %2 are "
                                                    "shown, indented; the rest is left out]")
                                .arg(UiText::byteSize(body.size()),
                                     UiText::byteSize(kMaxShownBytes));
            }
            return text;
        }
    }

    QString text = QString::fromUtf8(body.left(kMaxShownBytes));
    if (body.size() > kMaxShownBytes) {
        text += QCoreApplication::translate("Kini::ResponseView", "\n\n[… %1 more not shown]")
                        .arg(UiText::byteSize(body.size() - kMaxShownBytes));
    }
    return text;
}

QString colorForStatus(int status)
{
    if (status >= 500)
        return QStringLiteral("#c62828");
    if (status >= 400)
        return QStringLiteral("#e66a00");
    if (status >= 300)
        return QStringLiteral("#1565c0");
    if (status >= 200)
        return QStringLiteral("#2e7d32");
    return QStringLiteral("#607d8b");
}

bool looksBinary(const QByteArray &body, const QByteArray &contentType)
{
    const QByteArray type = contentType.toLower();
    if (type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")
        || type.contains("octet-stream") || type.contains("zip") || type.contains("pdf"))
        return true;
    return body.left(4096).contains('\0');
}

QPlainTextEdit *makeMonospaceView(QWidget *parent, const QString &objectName)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(objectName);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Read-only: an undo history would only keep a second copy of every text put in.
    view->document()->setUndoRedoEnabled(false);
    return view;
}

} // namespace

ResponseView::ResponseView(QWidget *parent)
    : QWidget(parent)
    , m_badge(new QLabel(this))
    , m_meta(new ElidedLabel(this))
    , m_replayed(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_notice(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_body(makeMonospaceView(this, QStringLiteral("responseBody")))
    , m_headers(new QTableWidget(0, 2, this))
    , m_sent(makeMonospaceView(this, QStringLiteral("sentText")))
{
    m_badge->setObjectName(QStringLiteral("statusBadge"));
    m_meta->setObjectName(QStringLiteral("responseMeta"));
    m_meta->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
    // A long URL must not set the width of the window: cut off, the full URL in the tooltip.
    m_meta->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_meta->setMinimumWidth(1);
    m_replayed->setObjectName(QStringLiteral("replayedChip"));
    m_replayed->setText(tr("replayed after a token refresh"));
    m_replayed->setToolTip(tr("The first attempt met an expired access token; the request was "
                              "sent again, once, with a fresh one."));
    m_replayed->setStyleSheet(QStringLiteral("color: #1d4f7c; background: #e8f1fb;"
                                             " border-radius: 3px; padding: 2px 6px;"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedWidth(120);
    m_busy->setMaximumHeight(8);

    m_notice->setObjectName(QStringLiteral("responseNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_headers->setObjectName(QStringLiteral("responseHeaders"));
    m_headers->setHorizontalHeaderLabels({tr("Header"), tr("Value")});
    m_headers->verticalHeader()->setVisible(false);
    m_headers->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_headers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_headers->setAlternatingRowColors(true);
    m_headers->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_tabs->setObjectName(QStringLiteral("responseTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_body, tr("Body"));
    m_tabs->addTab(m_headers, tr("Headers"));
    m_tabs->addTab(m_sent, tr("Sent"));
    m_tabs->setTabToolTip(2, tr("The request as it went out, token redacted"));

    auto *title = new QLabel(tr("Response"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);

    auto *header = new QHBoxLayout;
    header->setSpacing(10);
    header->addWidget(title);
    header->addWidget(m_badge);
    header->addWidget(m_meta, 1); // takes what is left, eliding a long URL in the middle
    header->addWidget(m_replayed);
    header->addWidget(m_busy);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_notice);
    layout->addWidget(m_tabs, 1);

    clear();
}

void ResponseView::clear()
{
    // Formatting still under way for an older answer is dropped when it arrives.
    ++m_bodyGeneration;
    m_bodyPending = false;
    m_pendingText.clear();
    m_pendingOffset = 0;
    m_statusCode = 0;
    m_badge->hide();
    m_meta->setFullText(QString());
    m_replayed->hide();
    m_busy->hide();
    setNotices({}, NoticeLevel::Info);
    m_body->clear();
    m_body->setPlaceholderText(tr("Send a request to see the response here."));
    m_headers->setRowCount(0);
    m_tabs->setTabText(1, tr("Headers"));
    m_sent->clear();
}

void ResponseView::showSending(const RequestSpec &spec, bool waitingForSession)
{
    clear();
    const QString request = QStringLiteral("%1 %2").arg(spec.method, spec.url.toDisplayString());
    m_meta->setFullText(waitingForSession ? tr("Waiting for the session: %1").arg(request)
                                          : tr("Sending %1…").arg(request));
    m_busy->show();
    m_body->setPlaceholderText(QString());
}

void ResponseView::showNotSent(const QString &why)
{
    clear();
    setBadge(tr("Not sent"), QStringLiteral("#607d8b"));
    setNotices({why}, NoticeLevel::Error);
}

QString ResponseView::statusText() const
{
    return m_badge->isVisibleTo(this) ? m_badge->text() : QString();
}

QString ResponseView::metaText() const
{
    return m_meta->fullText();
}

QString ResponseView::noticeText() const
{
    return m_notice->isVisibleTo(this) ? m_notice->text() : QString();
}

QString ResponseView::bodyText() const
{
    return m_body->toPlainText();
}

QString ResponseView::sentText() const
{
    return m_sent->toPlainText();
}

void ResponseView::setBadge(const QString &text, const QString &color)
{
    m_badge->setText(text);
    m_badge->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; font-weight: 600;"
                                          " border-radius: 4px; padding: 2px 8px; }")
                                   .arg(color));
    m_badge->show();
}

void ResponseView::setNotices(const QStringList &notices, NoticeLevel level)
{
    if (notices.isEmpty()) {
        m_notice->clear();
        m_notice->hide();
        return;
    }
    QString style;
    switch (level) {
    case NoticeLevel::Info:
        style = QStringLiteral("color: #1d4f7c; background: #e8f1fb; border: 1px solid #9cc3ea;");
        break;
    case NoticeLevel::Warning:
        style = QStringLiteral("color: #6b4a00; background: #fff4de; border: 1px solid #f0c36d;");
        break;
    case NoticeLevel::Error:
        style = QStringLiteral("color: #8a1c12; background: #fdecea; border: 1px solid #eea39c;");
        break;
    }
    m_notice->setStyleSheet(
            QStringLiteral("QLabel { %1 border-radius: 4px; padding: 6px 10px; }").arg(style));
    m_notice->setText(notices.join(QLatin1Char('\n')));
    m_notice->show();
}

void ResponseView::setBodyText(const QByteArray &body, const QByteArray &contentType)
{
    if (body.isEmpty()) {
        m_body->clear();
        m_body->setPlaceholderText(tr("(empty body)"));
        return;
    }
    // JSON is shown indented, one value per line, and reads best unwrapped; anything else (an
    // HTML error page, plain text) may be one long line and is wrapped to the view.
    m_body->setLineWrapMode(looksLikeJson(body, contentType) ? QPlainTextEdit::NoWrap
                                                             : QPlainTextEdit::WidgetWidth);
    if (looksBinary(body, contentType)) {
        m_body->setPlainText(tr("Binary body (%1, %2) not shown.")
                                     .arg(contentType.isEmpty() ? tr("no Content-Type")
                                                                : QString::fromLatin1(contentType))
                                     .arg(UiText::byteSize(body.size())));
        return;
    }
    if (body.size() <= kImmediateBytes) {
        m_body->setPlainText(formatBody(body, contentType));
        return;
    }

    // Parsing and indenting megabytes takes longer than a frame: off the UI thread.
    m_body->clear();
    m_body->setPlaceholderText(tr("Formatting %1…").arg(UiText::byteSize(body.size())));
    m_bodyPending = true;
    const int generation = m_bodyGeneration;
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_bodyGeneration)
            return;
        m_pendingText = watcher->result();
        m_pendingOffset = 0;
        insertNextSlice(generation);
    });
    watcher->setFuture(QtConcurrent::run(&formatBody, body, contentType));
}

void ResponseView::insertNextSlice(int generation)
{
    if (generation != m_bodyGeneration)
        return;
    // A slice ends after a line break: a line split between two slices would be laid out again
    // with each of them, so a line longer than a slice goes in whole.
    qsizetype end = qMin(m_pendingText.size(), m_pendingOffset + kSliceChars);
    if (end < m_pendingText.size()) {
        qsizetype lineEnd = m_pendingText.lastIndexOf(QLatin1Char('\n'), end - 1);
        if (lineEnd < m_pendingOffset)
            lineEnd = m_pendingText.indexOf(QLatin1Char('\n'), end);
        end = lineEnd < 0 ? m_pendingText.size() : lineEnd + 1;
    }
    const QString slice = m_pendingText.mid(m_pendingOffset, end - m_pendingOffset);
    if (m_pendingOffset == 0) {
        m_body->setPlainText(slice);
    } else {
        QTextCursor cursor(m_body->document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(slice);
    }
    m_pendingOffset = end;
    if (m_pendingOffset < m_pendingText.size()) {
        // Queued: paints, input and timers get their turn between two slices.
        QMetaObject::invokeMethod(
                this, [this, generation] { insertNextSlice(generation); }, Qt::QueuedConnection);
        return;
    }
    m_pendingText.clear();
    m_pendingOffset = 0;
    m_bodyPending = false;
}

void ResponseView::showReply(QNetworkReply *reply, const RequestSpec &spec, qint64 elapsedMs)
{
    clear();
    const auto *intercepted = qobject_cast<const InterceptedReply *>(reply);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString reason
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
    const QByteArray body = reply->readAll();
    const QByteArray contentType = reply->rawHeader("Content-Type");
    m_statusCode = status;

    if (status > 0) {
        setBadge(reason.isEmpty() ? QString::number(status)
                                  : QStringLiteral("%1 %2").arg(QString::number(status), reason),
                 colorForStatus(status));
    } else if (reply->error() == QNetworkReply::OperationCanceledError) {
        setBadge(tr("Canceled"), colorForStatus(0));
    } else {
        setBadge(tr("No response"), colorForStatus(0));
    }
    m_meta->setFullText(
            QStringLiteral("%1 ms   ·   %2").arg(elapsedMs).arg(UiText::byteSize(body.size())));
    m_replayed->setVisible(intercepted && intercepted->wasReplayed());

    QStringList notices;
    NoticeLevel level = NoticeLevel::Warning;
    if (intercepted && intercepted->blockedRedirect().isValid()) {
        notices.append(tr("The server redirected to %1; not followed so your token stays with the "
                          "API.")
                               .arg(intercepted->blockedRedirect().toDisplayString()));
    }
    const ApiError apiError = intercepted ? intercepted->apiError() : ApiError();
    const bool isHtml = contentType.toLower().contains("text/html");
    if (status >= 400 && isHtml
        && !apiError.message.contains(QStringLiteral("HTML"), Qt::CaseInsensitive)) {
        notices.append(
                tr("The server answered HTML (%1) where JSON was expected: probably an error "
                   "page from a proxy or the web server.")
                        .arg(status));
    }
    // A 401 from the API to a request that carried no token at all (nobody signed in, and no
    // Authorization header of the user's own): say that, rather than Qt's "Host requires
    // authentication".
    bool ownAuthorization = false;
    if (intercepted) {
        const InterceptedReply::RawHeaders sentHeaders = intercepted->sentHeaders();
        for (const auto &header : sentHeaders)
            ownAuthorization = ownAuthorization
                    || header.first.compare("Authorization", Qt::CaseInsensitive) == 0;
    }
    const bool sentWithoutToken = intercepted && status == 401 && intercepted->startedAtApi()
            && !intercepted->tokenAttached() && !ownAuthorization;
    if (sentWithoutToken) {
        notices.append(tr("No token went with this request: nobody is signed in. Sign in to "
                          "send it with one."));
    } else if (apiError.isError()) {
        notices.append(UiText::errorText(apiError));
        if (apiError.kind != ApiError::Http && apiError.kind != ApiError::Canceled)
            level = NoticeLevel::Error;
    } else if (status == 0 && reply->error() != QNetworkReply::NoError) {
        notices.append(reply->error() == QNetworkReply::OperationCanceledError
                               ? tr("Canceled: no answer was waited for.")
                               : tr("Network error: %1").arg(reply->errorString()));
        level = NoticeLevel::Error;
    }
    notices.removeDuplicates();
    setNotices(notices, level);

    setBodyText(body, contentType);

    m_headers->setRowCount(0);
    const QList<QNetworkReply::RawHeaderPair> pairs = reply->rawHeaderPairs();
    for (const auto &pair : pairs) {
        const int row = m_headers->rowCount();
        m_headers->insertRow(row);
        m_headers->setItem(row, 0, new QTableWidgetItem(QString::fromLatin1(pair.first)));
        m_headers->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(pair.second)));
    }
    m_tabs->setTabText(1, pairs.isEmpty() ? tr("Headers") : tr("Headers (%1)").arg(pairs.size()));

    QString sent;
    if (intercepted && !intercepted->sentMethod().isEmpty()) {
        sent = QStringLiteral("%1 %2\n").arg(QString::fromLatin1(intercepted->sentMethod()),
                                             reply->url().toDisplayString());
        const InterceptedReply::RawHeaders headers = intercepted->sentHeaders();
        for (const auto &header : headers) {
            sent += QStringLiteral("%1: %2\n")
                            .arg(QString::fromLatin1(header.first),
                                 QString::fromLatin1(header.second));
        }
        // Qt adds the transport's own headers on the wire; say so rather than pretend this is
        // all that went out.
        sent += tr("(and the transport's own: Host, Connection, Content-Length, Accept-Encoding, "
                   "Accept-Language, User-Agent)\n");
    } else if (intercepted) {
        sent = tr("Nothing was sent: the request failed before it left.\n");
    } else {
        // Not a reply of the Interceptor: show the request as composed, never a credential.
        sent = QStringLiteral("%1 %2\n").arg(spec.method, spec.url.toDisplayString());
        const QList<QByteArray> names = reply->request().rawHeaderList();
        for (const QByteArray &name : names) {
            const bool secret = name.compare("Authorization", Qt::CaseInsensitive) == 0
                    || name.compare("Cookie", Qt::CaseInsensitive) == 0;
            sent += QStringLiteral("%1: %2\n")
                            .arg(QString::fromLatin1(name),
                                 secret ? QStringLiteral("[redacted]")
                                        : QString::fromLatin1(reply->request().rawHeader(name)));
        }
    }
    if (!spec.body.isEmpty() && !(intercepted && intercepted->sentMethod().isEmpty()))
        sent += QLatin1Char('\n') + spec.body;
    m_sent->setPlainText(sent);
}

} // namespace Kini
