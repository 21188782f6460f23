// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/environmentprobe.h"
#include "statuscolors.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace Opsdeck {

/**
 * The overview's host table. Rows are the environment's hosts and never change while a probe
 * is attached; a refresh only emits dataChanged for the row that changed, so selection and
 * scroll position survive.
 */
class HostStatusModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Status, Address, Via, HostKey, Uptime, Load, Disk, Details, ColumnCount };
    enum Role { HealthRole = Qt::UserRole + 1, SortRole };

    explicit HostStatusModel(QObject *parent = nullptr);

    void setProbe(EnvironmentProbe *probe);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static Health healthOf(const HostStatus &host);

private:
    QVariant display(const HostStatus &host, int column) const;
    QVariant toolTip(const HostStatus &host, int column) const;

    QPointer<EnvironmentProbe> m_probe;
};

} // namespace Opsdeck
