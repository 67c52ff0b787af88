#pragma once

#include "RequestSpec.h"
#include "ServerConfig.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTimer;

namespace Kini {

class KeyValueTable;

// The request bar (method, URL, Send, Cancel) and the tabs that compose a request: query
// parameters (kept in step with the URL's query), headers, and a JSON body checked as it is typed.
class RequestEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RequestEditor(QWidget *parent = nullptr);

    // The base that relative paths resolve against; also drives the resolved-URL hint.
    void setConfig(const ServerConfig &config);
    // Checks the request and fills *out. On failure *error says why in plain words, and a body
    // error is also shown under the body with the cursor put where the parser stopped.
    bool buildRequest(RequestSpec *out, QString *error);
    void load(const RequestSpec &spec);
    void setRunning(bool running);
    // What the first frame does without: the URL field's clear button, whose icon is the first
    // image the window loads (and with it every image plugin).
    void finishSetUp();

    QComboBox *methodBox() const { return m_method; }
    QLineEdit *urlEdit() const { return m_url; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *cancelButton() const { return m_cancel; }
    KeyValueTable *paramsTable() const { return m_params; }
    KeyValueTable *headersTable() const { return m_headers; }
    QString resolvedHint() const;
    QString bodyStatus() const;

Q_SIGNALS:
    void sendRequested();
    void cancelRequested();

private:
    QWidget *createBodyTab();
    void updateHint();
    void urlEditedByUser();
    void paramsEditedByUser();
    // True when the body is empty or valid JSON; otherwise *error is "Line l, column c: why".
    bool checkBody(QString *error, int *errorPosition) const;
    void showBodyCheck();
    void formatBody();
    bool bodyIsJson() const;
    void updateTabTitles();

    ServerConfig m_config;
    QComboBox *m_method;
    QLineEdit *m_url;
    QPushButton *m_send;
    QPushButton *m_cancel;
    QLabel *m_hint;
    QTabWidget *m_tabs;
    KeyValueTable *m_params;
    KeyValueTable *m_headers;
    QPlainTextEdit *m_body;
    QLabel *m_bodyStatus;
    QPushButton *m_format;
    QTimer *m_bodyCheckTimer;
    int m_bodyTabIndex = -1;
};

} // namespace Kini
