// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/activity.h"

#include <QAbstractTableModel>

namespace Opsdeck {

/**
 * Live backends, keyed by (pid, backend_start). A refresh removes the rows that are gone,
 * updates the ones that stayed and appends the new ones, never a reset, so the selected
 * backend stays selected and the view does not jump (pgAdmin's State tab only refreshes on click).
 */
class ActivityModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Pid,
        User,
        Database,
        Application,
        Client,
        State,
        Wait,
        BlockedBy,
        TransactionAge,
        QueryAge,
        Query,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, BlockedRole };

    explicit ActivityModel(QObject *parent = nullptr);

    void update(const QList<ActivityRow> &rows);
    const ActivityRow &row(int index) const { return m_rows.at(index); }
    int rowOfPid(int pid) const;
    /** Only client backends unless asked (background workers are noise most of the time). */
    void setShowBackgroundProcesses(bool show) { m_showBackground = show; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ActivityRow> m_rows;
    bool m_showBackground = false;
};

} // namespace Opsdeck
