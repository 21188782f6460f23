// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploy/deploylog.h"

#include <QAbstractListModel>
#include <QPointer>

namespace Opsdeck {

/**
 * One view of a DeployLog (all hosts, or one) as a list: rows are appended in batches as the
 * log signals, and drop off the front when the log's memory cap is reached, so a view over a
 * million lines stays as cheap as one over a hundred.
 */
class DeployLogModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { HostRole = Qt::UserRole + 1, OwnLineRole };

    explicit DeployLogModel(QObject *parent = nullptr);

    /** Follows `log` (nullptr: empty) in the view for `host` (DeployLog::kAllHosts: combined). */
    void setLog(DeployLog *log, int host = DeployLog::kAllHosts);
    void setHost(int host);
    int host() const { return m_host; }
    /** Prefix lines with their host ("web1 | ") — on in the combined view. */
    void setShowHost(bool show);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /** Catches up with the log now (the log calls this through linesAdded). */
    void sync();

private:
    QPointer<DeployLog> m_log;
    int m_host = DeployLog::kAllHosts;
    bool m_showHost = true;
    qint64 m_first = 0; // log line shown in row 0
    qint64 m_end = 0;
};

} // namespace Opsdeck
