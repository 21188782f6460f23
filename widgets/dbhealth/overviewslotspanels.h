// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/dboverview.h"
#include "dbhealth/replication.h"
#include "dbhealth/slots.h"

#include <QWidget>

class QPushButton;
class QStandardItemModel;
class QTableView;

namespace Opsdeck {

/** The database at a glance: each line a value, a verdict and one sentence of why. */
class DbOverviewPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit DbOverviewPanel(QWidget *parent = nullptr);
    void setItems(const QList<OverviewItem> &items);
    QStandardItemModel *model() const { return m_model; }

private:
    QStandardItemModel *m_model;
    QTableView *m_table;
};

/**
 * The environment's primary and its replicas side by side: role, how far behind (as the
 * primary counts it), replay paused or not, sessions and recovery conflicts on each.
 */
class ReplicationPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ReplicationPanel(QWidget *parent = nullptr);
    void setServerRows(const QList<ServerRow> &rows);
    QStandardItemModel *model() const { return m_model; }

private:
    QStandardItemModel *m_model;
    QTableView *m_table;
};

/** Replication slots with retained WAL; the selected inactive one can be dropped. */
class SlotsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SlotsPanel(QWidget *parent = nullptr);
    void setSlotRows(const QList<SlotRow> &rows);
    QStandardItemModel *model() const { return m_model; }
    std::optional<SlotRow> selected() const;
    bool selectSlot(const QString &name);

signals:
    void dropRequested(const Opsdeck::SlotRow &slot);

private:
    QList<SlotRow> m_rows;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QPushButton *m_drop;
};

} // namespace Opsdeck
