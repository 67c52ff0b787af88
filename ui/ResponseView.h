#pragma once

#include "RequestSpec.h"

#include <QWidget>

class QLabel;
class QNetworkReply;
class QPlainTextEdit;
class QProgressBar;
class QTabWidget;
class QTableWidget;

namespace Kini {

class ElidedLabel;

// The answer to the last request: a coloured status badge, time and size, notices in plain words
// (blocked redirect, HTML error page, network or session problems), and tabs for the body
// (JSON re-indented with numbers as written), the response headers, and what was actually sent.
// A small body is shown at once. A larger one is formatted on a worker thread and put into the
// view in slices, so that the window never freezes on it; only its first 2 MB are shown.
class ResponseView : public QWidget
{
    Q_OBJECT
public:
    explicit ResponseView(QWidget *parent = nullptr);

    void clear();
    // waitingForSession: the request waits for a saved session being restored.
    void showSending(const RequestSpec &spec, bool waitingForSession = false);
    // Reads the finished reply (body included); the caller keeps ownership.
    void showReply(QNetworkReply *reply, const RequestSpec &spec, qint64 elapsedMs);
    // True while a large body is still being formatted or put into the view.
    bool isBodyPending() const { return m_bodyPending; }
    // The request never left: the reason is shown where the response would be.
    void showNotSent(const QString &why);

    int statusCode() const { return m_statusCode; }
    QString statusText() const;
    QString noticeText() const;
    QString bodyText() const;
    QString sentText() const;
    // The line beside the status: what is being sent, or time and size once answered.
    QString metaText() const;
    QTableWidget *headersTable() const { return m_headers; }

private:
    enum class NoticeLevel { Info, Warning, Error };
    void setBadge(const QString &text, const QString &color);
    void setNotices(const QStringList &notices, NoticeLevel level);
    void setBodyText(const QByteArray &body, const QByteArray &contentType);
    // Puts the next slice of m_pendingText into the body view; generation guards against a newer
    // answer (or clear()) having replaced the one this text belongs to.
    void insertNextSlice(int generation);

    QLabel *m_badge;
    ElidedLabel *m_meta;
    QLabel *m_replayed;
    QProgressBar *m_busy;
    QLabel *m_notice;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_body;
    QTableWidget *m_headers;
    QPlainTextEdit *m_sent;
    int m_statusCode = 0;
    int m_bodyGeneration = 0;
    bool m_bodyPending = false;
    QString m_pendingText;
    qsizetype m_pendingOffset = 0;
};

} // namespace Kini
