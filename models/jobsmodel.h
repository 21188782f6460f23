// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/job.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace Opsdeck {

class JobRegistry;

/**
 * The jobs this process ran, newest last: what, where, state, when, how long, how it ended.
 * A running job's duration ticks once a second.
 */
class JobsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Title, Environment, State, Started, Duration, Outcome, ColumnCount };

    explicit JobsModel(JobRegistry *registry, QObject *parent = nullptr);
    /** "running", "done", "failed", "cancelled". */
    static QString stateText(Job::State state);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant display(int row, int column) const;
    void tickRunning();

    JobRegistry *m_registry;
    QTimer m_tick;
};

} // namespace Opsdeck
