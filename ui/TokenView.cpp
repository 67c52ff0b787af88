#include "TokenView.h"

#include "UiText.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Kini {

namespace {

constexpr int kBarMaximum = 1000;
constexpr qint64 kCriticalMs = 30 * 1000;

QString describeClaim(const QString &name)
{
    static const QHash<QString, QString> known = {
            {QStringLiteral("exp"), QStringLiteral("Expiration time")},
            {QStringLiteral("iat"), QStringLiteral("Issued at")},
            {QStringLiteral("nbf"), QStringLiteral("Not valid before")},
            {QStringLiteral("jti"), QStringLiteral("Token ID")},
            {QStringLiteral("sub"), QStringLiteral("Subject")},
            {QStringLiteral("iss"), QStringLiteral("Issuer")},
            {QStringLiteral("aud"), QStringLiteral("Audience")},
            {QStringLiteral("token_type"), QStringLiteral("SimpleJWT token type")},
            {QStringLiteral("user_id"), QStringLiteral("SimpleJWT user id claim")},
            {QStringLiteral("alg"),
             QStringLiteral("Signature algorithm (not verified by this app)")},
            {QStringLiteral("typ"), QStringLiteral("Token type")},
            {QStringLiteral("kid"), QStringLiteral("Key ID")},
    };
    return known.value(name);
}

QString nodeValueText(const JsonNode &node)
{
    switch (node.kind) {
    case JsonNode::Null:
        return QStringLiteral("null");
    case JsonNode::Bool:
    case JsonNode::Number:
        return node.text; // numbers exactly as written: a 64-bit id is not rounded
    case JsonNode::String:
        return node.toJson();
    case JsonNode::Array:
        return QStringLiteral("[ %1 ]").arg(
                node.items.size() == 1 ? QStringLiteral("1 item")
                                       : QStringLiteral("%1 items").arg(node.items.size()));
    case JsonNode::Object:
        return QStringLiteral("{ %1 }").arg(
                node.members.size() == 1 ? QStringLiteral("1 member")
                                         : QStringLiteral("%1 members").arg(node.members.size()));
    }
    return QString();
}

} // namespace

TokenView::TokenView(const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(title, this))
    , m_type(new QLabel(this))
    , m_copy(new QToolButton(this))
    , m_clipboardTimer(new QTimer(this))
    , m_countdown(new QLabel(this))
    , m_status(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_error(new QLabel(this))
    , m_warnings(new QLabel(this))
    , m_claims(new QTreeWidget(this))
{
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);

    m_type->setObjectName(QStringLiteral("tokenType"));
    m_type->setStyleSheet(QStringLiteral("color: #455a64; background: #eceff1;"
                                         " border-radius: 3px; padding: 1px 6px;"));
    m_type->hide();

    m_copy->setObjectName(QStringLiteral("copyToken"));
    m_copy->setText(tr("Copy token"));
    m_copy->setToolTip(tr("Copy the raw token to the clipboard (it is not shown on screen)"));
    m_copy->setAutoRaise(true);
    m_copy->setEnabled(false);

    m_countdown->setObjectName(QStringLiteral("countdown"));
    m_countdown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("tokenStatus"));
    m_status->setWordWrap(true);
    m_status->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));

    m_bar->setObjectName(QStringLiteral("lifetimeBar"));
    m_bar->setRange(0, kBarMaximum);
    m_bar->setTextVisible(false);
    m_bar->setFixedHeight(8);

    m_error->setObjectName(QStringLiteral("decodeError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    m_warnings->setObjectName(QStringLiteral("tokenWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_warnings->hide();

    m_claims->setObjectName(QStringLiteral("claimsTree"));
    m_claims->setColumnCount(2);
    m_claims->setHeaderLabels({tr("Claim"), tr("Value")});
    m_claims->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_claims->setUniformRowHeights(true);
    m_claims->setAlternatingRowColors(true);
    m_claims->setIndentation(14);
    m_claims->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_claims->header()->setStretchLastSection(true);
    m_claims->setSelectionMode(QAbstractItemView::SingleSelection);

    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    titleRow->addWidget(m_title);
    titleRow->addWidget(m_type);
    titleRow->addStretch(1);
    titleRow->addWidget(m_copy);

    auto *countdownRow = new QHBoxLayout;
    countdownRow->setSpacing(10);
    countdownRow->addWidget(m_countdown);
    countdownRow->addWidget(m_status, 1, Qt::AlignBottom);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(titleRow);
    layout->addLayout(countdownRow);
    layout->addWidget(m_bar);
    layout->addWidget(m_error);
    layout->addWidget(m_warnings);
    layout->addWidget(m_claims, 1);

    connect(m_copy, &QToolButton::clicked, this, &TokenView::copyToken);
    m_clipboardTimer->setObjectName(QStringLiteral("clipboardTimer"));
    m_clipboardTimer->setSingleShot(true);
    connect(m_clipboardTimer, &QTimer::timeout, this, &TokenView::clearCopiedToken);

    setToken(Jwt(), 0);
}

QString TokenView::countdownText() const
{
    return m_countdown->text();
}

QString TokenView::statusText() const
{
    return m_status->text();
}

int TokenView::barValue() const
{
    return m_bar->value();
}

int TokenView::barMaximum() const
{
    return m_bar->maximum();
}

QString TokenView::warningsText() const
{
    return m_warnings->isVisibleTo(this) ? m_warnings->text() : QString();
}

void TokenView::setToken(const Jwt &token, qint64 receivedMs)
{
    m_token = token;
    m_receivedMs = receivedMs;
    m_copy->setEnabled(!token.isNull());

    const QString type = token.tokenType();
    m_type->setText(type);
    m_type->setVisible(!type.isEmpty());

    if (!token.isNull() && !token.isValid()) {
        m_error->setText(tr("This token could not be decoded: %1").arg(token.error()));
        m_error->show();
    } else {
        m_error->hide();
    }
    const QStringList warnings = token.warnings();
    m_warnings->setText(QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    m_warnings->setVisible(!warnings.isEmpty());

    rebuildClaims();
    updateTime(m_lastNowMs);
}

void TokenView::setRefreshing(bool refreshing)
{
    if (m_refreshing == refreshing)
        return;
    m_refreshing = refreshing;
    updateTime(m_lastNowMs);
}

void TokenView::setLevel(Level level)
{
    // Style sheets are re-parsed and re-polished on every set: only when the level changes, not
    // on every tick of the countdown.
    if (m_levelStyled && level == m_level)
        return;
    m_levelStyled = true;
    m_level = level;
    QString color;
    switch (level) {
    case Level::None:
        color = QStringLiteral("#b0bec5");
        break;
    case Level::Ok:
        color = QStringLiteral("#43a047");
        break;
    case Level::Warn:
        color = QStringLiteral("#f0a500");
        break;
    case Level::Critical:
        color = QStringLiteral("#e53935");
        break;
    }
    m_bar->setStyleSheet(
            QStringLiteral("QProgressBar { border: none; background: #e3e7ec;"
                           " border-radius: 4px; }"
                           "QProgressBar::chunk { background: %1; border-radius: 4px; }")
                    .arg(color));
    m_countdown->setStyleSheet(level == Level::Critical ? QStringLiteral("color: #c62828;")
                                                        : QString());
}

void TokenView::setCountdown(const QString &text, bool numeric)
{
    m_countdown->setText(text);
    // A new font means a new layout: only when switching between digits and words.
    const FontKind kind = numeric ? FontKind::Digits : FontKind::Words;
    if (kind == m_countdownFont)
        return;
    m_countdownFont = kind;
    QFont font = numeric ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : this->font();
    font.setBold(true);
    font.setPointSizeF(this->font().pointSizeF() * (numeric ? 1.9 : 1.15));
    m_countdown->setFont(font);
}

void TokenView::changeEvent(QEvent *event)
{
    // The countdown's font is derived from this widget's: derive it again.
    if (event->type() == QEvent::FontChange)
        m_countdownFont = FontKind::Unset;
    QWidget::changeEvent(event);
}

void TokenView::updateTime(qint64 nowMs)
{
    m_lastNowMs = nowMs;
    for (const auto &row : std::as_const(m_relativeRows))
        row.first->setText(1, UiText::relativeTime(row.second - nowMs));

    QString status;
    if (m_token.isNull()) {
        setCountdown(QStringLiteral("—"), false);
        m_status->setText(tr("No token."));
        m_bar->setValue(0);
        setLevel(Level::None);
        return;
    }
    if (!m_token.isValid()) {
        setCountdown(tr("unreadable"), false);
        m_status->setText(m_refreshing ? tr("refreshing…") : tr("The token could not be decoded."));
        m_bar->setValue(0);
        setLevel(Level::None);
        return;
    }

    const ClaimTime exp = m_token.expiry();
    if (exp.state == ClaimTime::Missing) {
        // C08: no exp means we do not know, not that it is expired.
        setCountdown(tr("no known expiry"), false);
        status = tr("The token has no exp claim.");
        m_bar->setValue(0);
        m_bar->setToolTip(QString());
        setLevel(Level::None);
    } else if (exp.state == ClaimTime::Invalid) {
        setCountdown(tr("unknown (exp is not a number)"), false);
        status = tr("exp is %1, which is not a NumericDate.").arg(exp.raw);
        m_bar->setValue(0);
        m_bar->setToolTip(QString());
        setLevel(Level::None);
    } else {
        const qint64 remaining = exp.msecs - nowMs;
        const qint64 lifetime = exp.msecs - m_receivedMs;
        if (remaining <= 0) {
            setCountdown(tr("expired"), false);
            status = tr("Expired %1 (%2).")
                             .arg(UiText::relativeTime(remaining), UiText::localTime(exp.msecs));
            m_bar->setValue(0);
            setLevel(Level::Critical);
        } else {
            setCountdown(UiText::countdown(remaining), true);
            const double fraction
                    = lifetime > 0 ? qBound(0.0, double(remaining) / lifetime, 1.0) : 0.0;
            m_bar->setValue(qRound(fraction * kBarMaximum));
            if (fraction < 0.10 || remaining < kCriticalMs)
                setLevel(Level::Critical);
            else if (fraction > 0.50)
                setLevel(Level::Ok);
            else
                setLevel(Level::Warn);
            status = tr("left · expires %1").arg(UiText::localTime(exp.msecs));
        }
        const QString barTip
                = tr("Full bar: from when this token arrived (%1) to its exp (%2).")
                          .arg(UiText::localTime(m_receivedMs), UiText::localTime(exp.msecs));
        if (m_bar->toolTip() != barTip)
            m_bar->setToolTip(barTip);
    }
    m_status->setText(m_refreshing ? tr("refreshing…") : status);
}

void TokenView::rebuildClaims()
{
    m_claims->clear();
    m_relativeRows.clear();
    if (m_token.isNull() || !m_token.isValid())
        return;

    const QList<QPair<QString, const JsonNode *>> parts = {
            {tr("Header"), &m_token.header()},
            {tr("Payload"), &m_token.payload()},
    };
    for (const auto &part : parts) {
        auto *section = new QTreeWidgetItem(m_claims, {part.first});
        QFont bold = m_claims->font();
        bold.setBold(true);
        section->setFont(0, bold);
        section->setFirstColumnSpanned(true);
        if (part.second->kind == JsonNode::Object) {
            for (const auto &member : part.second->members)
                addNode(section, member.first, member.second);
        } else {
            addNode(section, QString(), *part.second);
        }
        section->setExpanded(true);
    }
}

void TokenView::addNode(QTreeWidgetItem *parent, const QString &name, const JsonNode &node)
{
    auto *item = new QTreeWidgetItem(parent, {name, nodeValueText(node)});
    const QString description = describeClaim(name);
    if (!description.isEmpty())
        item->setToolTip(0, description);
    item->setToolTip(1,
                     node.kind == JsonNode::Object || node.kind == JsonNode::Array
                             ? node.toJson()
                             : nodeValueText(node));

    if (node.kind == JsonNode::Object) {
        for (const auto &member : node.members)
            addNode(item, member.first, member.second);
    } else if (node.kind == JsonNode::Array) {
        for (int i = 0; i < node.items.size(); ++i)
            addNode(item, QStringLiteral("[%1]").arg(i), node.items.at(i));
    }

    // Only the payload's own time claims are NumericDates; the same names deeper down are not.
    const bool topLevelPayload = parent->parent() == nullptr && parent == m_claims->topLevelItem(1);
    if (topLevelPayload) {
        if (name == QLatin1String("exp"))
            addTimeRows(item, m_token.expiry());
        else if (name == QLatin1String("iat"))
            addTimeRows(item, m_token.issuedAt());
        else if (name == QLatin1String("nbf"))
            addTimeRows(item, m_token.notBefore());
    }
}

void TokenView::addTimeRows(QTreeWidgetItem *item, const ClaimTime &time)
{
    if (time.state == ClaimTime::Invalid) {
        auto *row = new QTreeWidgetItem(item, {tr("meaning"), tr("not a number: time unknown")});
        row->setForeground(1, QColor(QStringLiteral("#8a5a00")));
        item->setExpanded(true);
        return;
    }
    if (time.state != ClaimTime::Valid)
        return;
    new QTreeWidgetItem(item, {tr("UTC"), UiText::utcTime(time.msecs)});
    new QTreeWidgetItem(item, {tr("local"), UiText::localTime(time.msecs)});
    auto *relative = new QTreeWidgetItem(item, {tr("relative"), QString()});
    m_relativeRows.append({relative, time.msecs});
    item->setExpanded(true);
}

void TokenView::copyToken()
{
    m_copiedToken = QString::fromLatin1(m_token.raw());
    QApplication::clipboard()->setText(m_copiedToken);
    m_copy->setText(tr("Copied"));
    m_copy->setToolTip(tr("The token is on the clipboard; it is cleared from there in %1 s.")
                               .arg(kClipboardSeconds));
    m_clipboardTimer->start(kClipboardSeconds * 1000);
}

void TokenView::clearCopiedToken()
{
    // Only our own copy is taken back: whatever the user copied since stays.
    QClipboard *clipboard = QApplication::clipboard();
    if (!m_copiedToken.isEmpty() && clipboard->text() == m_copiedToken)
        clipboard->clear();
    m_copiedToken.clear();
    m_copy->setText(tr("Copy token"));
    m_copy->setToolTip(tr("Copy the raw token to the clipboard (it is not shown on screen)"));
}

} // namespace Kini
