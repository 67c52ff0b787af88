#include "ResponseView.h"

#include "InterceptedReply.h"
#include "JsonTree.h"
#include "UiText.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Kini {

namespace {

// Beyond this a plain-text view becomes sluggish; the rest is left out with a note.
constexpr qint64 kMaxShownBytes = 2 * 1024 * 1024;

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
    return view;
}

} // namespace

ResponseView::ResponseView(QWidget *parent)
    : QWidget(parent)
    , m_badge(new QLabel(this))
    , m_meta(new QLabel(this))
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
    header->addWidget(m_meta);
    header->addWidget(m_replayed);
    header->addWidget(m_busy);
    header->addStretch(1);

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
    m_statusCode = 0;
    m_badge->hide();
    m_meta->clear();
    m_replayed->hide();
    m_busy->hide();
    setNotices({}, NoticeLevel::Info);
    m_body->clear();
    m_body->setPlaceholderText(tr("Send a request to see the response here."));
    m_headers->setRowCount(0);
    m_tabs->setTabText(1, tr("Headers"));
    m_sent->clear();
}

void ResponseView::showSending(const RequestSpec &spec)
{
    clear();
    m_meta->setText(tr("Sending %1 %2…").arg(spec.method, spec.url.toDisplayString()));
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
    if (looksBinary(body, contentType)) {
        m_body->setPlainText(tr("Binary body (%1, %2) not shown.")
                                     .arg(contentType.isEmpty() ? tr("no Content-Type")
                                                                : QString::fromLatin1(contentType))
                                     .arg(UiText::byteSize(body.size())));
        return;
    }

    const QByteArray trimmed = body.trimmed();
    const bool maybeJson = contentType.toLower().contains("json") || trimmed.startsWith('{')
            || trimmed.startsWith('[');
    if (maybeJson && body.size() <= kMaxShownBytes) {
        JsonNode tree;
        QString error;
        // Through the core's tree, not QJsonDocument: a 64-bit id must not be rounded.
        if (parseJsonTree(body, &tree, &error)) {
            m_body->setPlainText(tree.toIndentedJson());
            return;
        }
    }

    QString text = QString::fromUtf8(body.left(kMaxShownBytes));
    if (body.size() > kMaxShownBytes) {
        text += tr("\n\n[… %1 more not shown]").arg(UiText::byteSize(body.size() - kMaxShownBytes));
    }
    m_body->setPlainText(text);
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
                                  : QStringLiteral("%1 %2").arg(status).arg(reason),
                 colorForStatus(status));
    } else if (reply->error() == QNetworkReply::OperationCanceledError) {
        setBadge(tr("Canceled"), colorForStatus(0));
    } else {
        setBadge(tr("No response"), colorForStatus(0));
    }
    m_meta->setText(
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
    if (apiError.isError()) {
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
    if (!spec.body.isEmpty())
        sent += QLatin1Char('\n') + spec.body;
    m_sent->setPlainText(sent);
}

} // namespace Kini
