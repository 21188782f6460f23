// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewslotspanels.h"

#include "common/formatting.h"
#include "runtime/hostprobe.h"
#include "statuscolors.h"

#include <QHeaderView>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

Health healthOf(Verdict v)
{
    return v == Verdict::Critical ? Health::Critical
                                  : (v == Verdict::Warning ? Health::Warning : Health::Good);
}

QTableView *makeTable(QStandardItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

/** Sets a row's texts in place (adding the row if needed): no reset, selection survives. */
void setRow(QStandardItemModel *model, int row, const QStringList &texts)
{
    if (row >= model->rowCount())
        model->setRowCount(row + 1);
    for (int c = 0; c < texts.size(); ++c) {
        QStandardItem *item = model->item(row, c);
        if (!item)
            model->setItem(row, c, item = new QStandardItem);
        if (item->text() != texts[c])
            item->setText(texts[c]);
    }
}

} // namespace

DbOverviewPanel::DbOverviewPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(0, 3, this))
    , m_table(makeTable(m_model, this))
{
    m_model->setHorizontalHeaderLabels(
        {QStringLiteral("What"), QStringLiteral("Value"), QStringLiteral("Why")});
    m_table->setObjectName(QStringLiteral("dbOverviewTable"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
}

void DbOverviewPanel::setItems(const QList<OverviewItem> &items)
{
    for (int i = 0; i < items.size(); ++i) {
        setRow(m_model, i, {items[i].name, items[i].value, items[i].why});
        m_model->item(i, 0)->setIcon(healthIcon(healthOf(items[i].verdict)));
    }
    m_model->setRowCount(int(items.size()));
}

ReplicationPanel::ReplicationPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(0, 9, this))
    , m_table(makeTable(m_model, this))
{
    m_model->setHorizontalHeaderLabels(
        {QStringLiteral("Server"), QStringLiteral("Role"), QStringLiteral("Behind"),
         QStringLiteral("Replay lag"), QStringLiteral("Not replayed"), QStringLiteral("Replay"),
         QStringLiteral("Sessions"), QStringLiteral("Conflicts"), QStringLiteral("Why")});
    m_model->horizontalHeaderItem(2)->setToolTip(
        QStringLiteral("WAL written on the primary and not yet replayed there, as the primary "
                       "counts it (pg_stat_replication)"));
    m_model->horizontalHeaderItem(7)->setToolTip(
        QStringLiteral("Queries on the standby cancelled by recovery since its statistics were "
                       "reset (pg_stat_database_conflicts)"));
    m_table->setObjectName(QStringLiteral("replicationTable"));
    m_table->setWordWrap(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
}

void ReplicationPanel::setServerRows(const QList<ServerRow> &rows)
{
    for (int i = 0; i < rows.size(); ++i) {
        const ServerRow &r = rows[i];
        setRow(m_model, i,
               {r.name, r.role, r.behind, r.replayLag, r.notReplayed, r.replay, r.sessions,
                r.conflicts, r.why});
        m_model->item(i, 0)->setIcon(healthIcon(healthOf(r.verdict)));
        m_model->item(i, 8)->setToolTip(r.why);
    }
    m_model->setRowCount(int(rows.size()));
}

SlotsPanel::SlotsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(0, 6, this))
    , m_table(makeTable(m_model, this))
    , m_drop(new QPushButton(QStringLiteral("Drop inactive slot…"), this))
{
    m_model->setHorizontalHeaderLabels(
        {QStringLiteral("Slot"), QStringLiteral("Type"), QStringLiteral("Database"),
         QStringLiteral("Active"), QStringLiteral("Retained WAL"), QStringLiteral("WAL status")});
    m_table->setObjectName(QStringLiteral("slotsTable"));
    m_drop->setToolTip(
        QStringLiteral("pg_drop_replication_slot. Only for a slot whose consumer is gone for good: "
                       "a replica or pipeline that still needs it will have to be rebuilt."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addWidget(m_drop, 0, Qt::AlignLeft);
    auto update = [this] {
        const std::optional<SlotRow> slot = selected();
        m_drop->setEnabled(slot && !slot->active);
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, update);
    connect(m_drop, &QPushButton::clicked, this, [this] {
        if (const std::optional<SlotRow> slot = selected())
            emit dropRequested(*slot);
    });
    update();
}

void SlotsPanel::setSlotRows(const QList<SlotRow> &rows)
{
    const std::optional<SlotRow> before = selected();
    m_rows = rows;
    for (int i = 0; i < rows.size(); ++i) {
        const SlotRow &s = rows[i];
        setRow(m_model, i,
               {s.name,
                s.type + (s.plugin.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(s.plugin)),
                s.database, s.active ? QStringLiteral("yes") : QStringLiteral("NO"),
                formatBytes(s.retainedBytes), s.walStatus});
        m_model->item(i, 0)->setIcon(healthIcon(s.active ? Health::Good : Health::Warning));
    }
    m_model->setRowCount(int(rows.size()));
    if (before)
        selectSlot(before->name);
}

std::optional<SlotRow> SlotsPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || rows.first().row() >= m_rows.size())
        return std::nullopt;
    return m_rows.at(rows.first().row());
}

bool SlotsPanel::selectSlot(const QString &name)
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].name == name) {
            m_table->selectRow(i);
            return true;
        }
    return false;
}

} // namespace Opsdeck
