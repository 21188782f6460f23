// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/pane.h"
#include "docker/swarmlock.h"
#include "docker/swarmstatus.h"

#include <QJsonObject>

class QLabel;
class QStandardItemModel;
class QTabWidget;
class QTimer;
class QTreeView;

namespace Opsdeck {

struct BuiltImage;
class DockerEngine;
class RollbackDialog;
class RunInTaskDialog;
class SwarmDeployRunner;
class ServiceLogView;
class SwarmDeployView;

/**
 * Deployments of a container environment (`deploy: {kind: swarm}`): the stack's services with
 * image, the git revision it was built from, running/desired replicas, Swarm's update state,
 * and each service's tasks (node, state, Docker's error, exit code). Kept current by the
 * engine's event stream — a task killed by hand shows as soon as Docker says so — with a slow
 * re-read as a safety net; nothing waits on the network. Deploy…, Rollback… and Run command…
 * go through the action pipeline (the environment's protection, the audit row first) and show
 * live below, beside a service's log followed live.
 */
class ContainersPane final : public Pane
{
    Q_OBJECT

public:
    explicit ContainersPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~ContainersPane() override;

    QString paneId() const override { return QStringLiteral("deploy"); }
    QString title() const override { return QStringLiteral("Deployments"); }
    void refresh() override;

    const SwarmStatus &status() const { return m_status; }
    /** The stack's deploy lock as last read (swarm; empty when not held). */
    const SwarmLock &deployLock() const { return m_lock; }
    QAction *breakLockAction() const { return m_breakLockAction; }
    QStandardItemModel *model() const { return m_model; }
    /** Re-reads after every change Docker reports (a few at once become one read). */
    bool isFollowingEvents() const { return m_followingEvents; }
    SwarmDeployView *deployView() const { return m_deployView; }
    ServiceLogView *logView() const { return m_logView; }
    /** Follows the selected (or first) service's log in the Logs tab. */
    void followLogs();
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }

    /** Asks for a ref, then deploys it (the dialog opened, never exec'd). */
    void chooseDeploy();
    /** Lists the images of the workspace's repository on the manager, then rolls back. */
    void chooseRollback();
    /** The images the deploy built, newest first, to choose from. */
    RollbackDialog *openRollbackDialog(const QList<BuiltImage> &imagesNewestFirst);
    /** `image` empty: each service's previous spec. */
    void requestDeploy(const QString &ref);
    void requestRollback(const QString &image);
    /** Run command… on the selected service: the dialog (opened, never exec'd), or null. */
    RunInTaskDialog *chooseRun();
    /** Runs `command` in a new task of `service`, or in its running `task` (docker exec). */
    void requestRun(const QString &service, const QString &command, const QString &task,
                    const QString &taskLabel);
    /** Breaks the stack's deploy lock (a killed run's): asks, audits, then removes it. */
    void requestBreakLock();

signals:
    void statusRead();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showStatus(const SwarmStatus &status);
    void updateHeader();
    ActionRequest request(ActionKind kind, const QString &target, const QString &description) const;
    void startRun(SwarmDeployRunner *runner, const QString &title, ActionPipeline::Finish finish);
    QString selectedService() const;
    void updateActions();
    bool isCompose() const;
    SwarmLock::Store lockStore() const;
    /** "stack minitwit" or "compose project minitwit". */
    QString unitName() const;

    DockerEngine *m_engine;
    QString m_stack;
    QLabel *m_header;
    QStandardItemModel *m_model;
    QTreeView *m_tree;
    QAction *m_refreshAction;
    QAction *m_deployAction;
    QAction *m_rollbackAction;
    QAction *m_runAction;
    SwarmDeployView *m_deployView;
    ServiceLogView *m_logView;
    QTabWidget *m_bottom;
    QAction *m_logsAction;
    QAction *m_breakLockAction;
    ActionPipeline m_actions;
    QTimer *m_eventDebounce;
    QTimer *m_settledRead = nullptr;
    QTimer *m_safetyPoll;
    SwarmStatus m_status;
    SwarmLock m_lock;         // the stack's deploy lock as last read (empty: not held)
    QStringList m_sizedFor;   // the services the column widths were measured for
    quint64 m_generation = 0; // the newest read wins
    bool m_reading = false;
    bool m_readAgain = false;
    bool m_followingEvents = false;
};

} // namespace Opsdeck
