// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/pane.h"
#include "docker/swarmstatus.h"

class QLabel;
class QStandardItemModel;
class QTimer;
class QTreeView;

namespace Opsdeck {

class DockerEngine;

/**
 * Deployments of a container environment (`deploy: {kind: swarm}`): the stack's services with
 * image, the git revision it was built from, running/desired replicas, Swarm's update state,
 * and each service's tasks (node, state, Docker's error, exit code). Kept current by the
 * engine's event stream — a task killed by hand shows as soon as Docker says so — with a slow
 * re-read as a safety net; nothing waits on the network.
 */
class ContainersPane final : public Pane
{
    Q_OBJECT

public:
    explicit ContainersPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~ContainersPane() override;

    QString paneId() const override { return QStringLiteral("deploy"); }
    QString title() const override { return QStringLiteral("Deployments"); }
    QList<QAction *> paneActions() const override;
    void refresh() override;

    const SwarmStatus &status() const { return m_status; }
    QStandardItemModel *model() const { return m_model; }
    /** Re-reads after every change Docker reports (a few at once become one read). */
    bool isFollowingEvents() const { return m_followingEvents; }

signals:
    void statusRead();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showStatus(const SwarmStatus &status);
    void updateHeader();

    DockerEngine *m_engine;
    QString m_stack;
    QLabel *m_header;
    QStandardItemModel *m_model;
    QTreeView *m_tree;
    QAction *m_refreshAction;
    QTimer *m_eventDebounce;
    QTimer *m_settledRead = nullptr;
    QTimer *m_safetyPoll;
    SwarmStatus m_status;
    quint64 m_generation = 0; // the newest read wins
    bool m_reading = false;
    bool m_readAgain = false;
    bool m_followingEvents = false;
};

} // namespace Opsdeck
