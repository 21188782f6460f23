// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploy/deploystatusquery.h"

#include <QDateTime>
#include <QWidget>

class QTreeWidget;

namespace Opsdeck {

/**
 * What the servers say about an environment: each host's current release, every release on
 * the hosts, and the deploy history from their revisions.jsonl — the same for every operator.
 */
class DeployStatusPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit DeployStatusPanel(QWidget *parent = nullptr);

    void showState(const EnvironmentDeployState &state);

    QTreeWidget *hostTable() const { return m_hosts; }
    QTreeWidget *releaseTable() const { return m_releases; }
    QTreeWidget *historyTable() const { return m_history; }

signals:
    /** The logs around a deploy of the history (double-click, or its context menu). */
    void logsAroundRequested(const QDateTime &time);

private:
    void fillHosts(const EnvironmentDeployState &state);
    void fillReleases(const EnvironmentDeployState &state);
    void fillHistory(const EnvironmentDeployState &state);

    QTreeWidget *m_hosts;
    QTreeWidget *m_releases;
    QTreeWidget *m_history;
};

} // namespace Opsdeck
