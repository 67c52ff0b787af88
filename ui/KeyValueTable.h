#pragma once

#include <QList>
#include <QString>
#include <QWidget>

class QTableWidget;
class QToolButton;

namespace Kini {

// An editable list of key/value rows, each with an "enabled" checkbox, used for query
// parameters and request headers. An empty row is always kept at the end for typing a new one.
class KeyValueTable : public QWidget
{
    Q_OBJECT
public:
    struct Entry
    {
        bool enabled = true;
        QString key;
        QString value;
        int row = -1; // the table row it was read from (entries()), else -1
    };

    explicit KeyValueTable(const QString &keyTitle, const QString &valueTitle,
                           QWidget *parent = nullptr);

    // Rows with a key, enabled or not, in table order.
    QList<Entry> entries() const;
    // Only the enabled rows with a key.
    QList<Entry> enabledEntries() const;
    void setEntries(const QList<Entry> &entries);
    // Says in a tooltip what a row holds, e.g. "name" and "value".
    void setPlaceholders(const QString &key, const QString &value);
    // Makes a row (an Entry's row) current and selected, scrolled into view, e.g. a wrong one.
    void selectRow(int row);
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    // Emitted for edits by the user, not for setEntries().
    void edited();

private:
    void appendRow(const Entry &entry);
    void ensureTrailingEmptyRow();
    void removeSelectedRows();
    bool rowIsEmpty(int row) const;

    QTableWidget *m_table;
    QToolButton *m_remove;
    bool m_updating = false;
};

} // namespace Kini
