#include "KeyValueTable.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace Kini {

namespace {
enum Column { EnabledColumn, KeyColumn, ValueColumn };
} // namespace

KeyValueTable::KeyValueTable(const QString &keyTitle, const QString &valueTitle, QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, 3, this))
    , m_remove(new QToolButton(this))
{
    m_table->setHorizontalHeaderLabels({QString(), keyTitle, valueTitle});
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setSectionResizeMode(EnabledColumn, QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(KeyColumn, QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->setColumnWidth(EnabledColumn, 28);
    m_table->setColumnWidth(KeyColumn, 220);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // A click only selects, so that Delete can remove the selected row; double-click, F2 or
    // typing edits the cell.
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);

    m_remove->setText(tr("Remove selected"));
    m_remove->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_remove->setAutoRaise(true);
    m_remove->setEnabled(false);

    auto *hint = new QLabel(tr("Untick a row to keep it without sending it."), this);
    hint->setEnabled(false);

    auto *footer = new QHBoxLayout;
    footer->setContentsMargins(0, 0, 0, 0);
    footer->addWidget(hint, 1);
    footer->addWidget(m_remove);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_table, 1);
    layout->addLayout(footer);

    auto *removeAction = new QAction(tr("Remove row"), m_table);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(removeAction);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(removeAction, &QAction::triggered, this, &KeyValueTable::removeSelectedRows);
    connect(m_remove, &QToolButton::clicked, this, &KeyValueTable::removeSelectedRows);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_table->selectionModel()->selectedRows().isEmpty()); });
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *) {
        if (m_updating)
            return;
        ensureTrailingEmptyRow();
        Q_EMIT edited();
    });

    ensureTrailingEmptyRow();
}

void KeyValueTable::setPlaceholders(const QString &key, const QString &value)
{
    m_table->setToolTip(tr("Type a %1 and a %2; a new row appears as you type.").arg(key, value));
}

void KeyValueTable::selectRow(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    m_table->setCurrentCell(row, KeyColumn);
    m_table->scrollToItem(m_table->item(row, KeyColumn));
}

QList<KeyValueTable::Entry> KeyValueTable::entries() const
{
    QList<Entry> result;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem *check = m_table->item(row, EnabledColumn);
        const QTableWidgetItem *key = m_table->item(row, KeyColumn);
        const QTableWidgetItem *value = m_table->item(row, ValueColumn);
        Entry entry;
        entry.enabled = check && check->checkState() == Qt::Checked;
        entry.key = key ? key->text() : QString();
        entry.value = value ? value->text() : QString();
        entry.row = row;
        if (!entry.key.trimmed().isEmpty())
            result.append(entry);
    }
    return result;
}

QList<KeyValueTable::Entry> KeyValueTable::enabledEntries() const
{
    QList<Entry> result = entries();
    result.erase(std::remove_if(result.begin(), result.end(),
                                [](const Entry &entry) { return !entry.enabled; }),
                 result.end());
    return result;
}

void KeyValueTable::setEntries(const QList<Entry> &entries)
{
    m_updating = true;
    m_table->setRowCount(0);
    for (const Entry &entry : entries)
        appendRow(entry);
    m_updating = false;
    ensureTrailingEmptyRow();
}

void KeyValueTable::appendRow(const Entry &entry)
{
    const bool wasUpdating = m_updating;
    m_updating = true;
    const int row = m_table->rowCount();
    m_table->insertRow(row);

    auto *check = new QTableWidgetItem;
    check->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    check->setCheckState(entry.enabled ? Qt::Checked : Qt::Unchecked);
    check->setToolTip(tr("Send this row"));
    m_table->setItem(row, EnabledColumn, check);
    m_table->setItem(row, KeyColumn, new QTableWidgetItem(entry.key));
    m_table->setItem(row, ValueColumn, new QTableWidgetItem(entry.value));
    m_updating = wasUpdating;
}

bool KeyValueTable::rowIsEmpty(int row) const
{
    const QTableWidgetItem *key = m_table->item(row, KeyColumn);
    const QTableWidgetItem *value = m_table->item(row, ValueColumn);
    return (!key || key->text().isEmpty()) && (!value || value->text().isEmpty());
}

void KeyValueTable::ensureTrailingEmptyRow()
{
    const int rows = m_table->rowCount();
    if (rows == 0 || !rowIsEmpty(rows - 1))
        appendRow(Entry());
}

void KeyValueTable::removeSelectedRows()
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(index.row());
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    m_updating = true;
    for (int row : rows)
        m_table->removeRow(row);
    m_updating = false;
    ensureTrailingEmptyRow();
    Q_EMIT edited();
}

} // namespace Kini
