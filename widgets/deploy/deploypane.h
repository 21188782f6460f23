// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/pane.h"
#include "deploy/deploylog.h"
#include "deploy/deployrunner.h"
#include "deploy/deploystatusquery.h"
#include "workspace/workspace.h"

#include <QPointer>

#include <memory>

class QLabel;
class QTabWidget;

namespace Opsdeck {

class DatabaseSession;
class DeployDialog;
class DeployRunView;
class DeployStatusPanel;
class RollbackDialog;
class RunCommandDialog;
class SshPool;

/**
 * Deployments: what is running where (from the servers), the lock, the history — and Deploy…,
 * Rollback…, Run command… with a live view of the job. One job at a time per window; the
 * server-side lock keeps other consoles and terminals out while it runs.
 */
class DeployPane final : public Pane
{
    Q_OBJECT

public:
    explicit DeployPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~DeployPane() override;

    QString paneId() const override { return QStringLiteral("deploy"); }
    QString title() const override { return QStringLiteral("Deployments"); }
    /** Asks the hosts for releases, the lock and history again (F5). */
    void refresh() override;
    /** Opens the Deploy… dialog (refs load in the background). */
    DeployDialog *openDeployDialog();
    RollbackDialog *openRollbackDialog();
    RunCommandDialog *openRunCommandDialog();
    /** Confirms (typed name in protected environments), then deploys `ref`. */
    /** `revision`: the commit the person was shown; the deploy refuses any other. */
    /** `changes`: the plan's summary (commits, migrations), shown in the confirmation. */
    void requestDeploy(const QString &ref, const QString &revision = {},
                       const QString &changes = {});
    void requestRollback(const QString &release);
    void requestCommand(const QString &command, const QStringList &hosts);
    void requestBreakLock();

    const EnvironmentDeployState &state() const { return m_state; }
    /** The lock host's current release, empty before the first status or without one. */
    QString currentRelease() const;
    DeployRunner *runner() const { return m_runner; }
    DeployLog *log() const { return m_log; }
    DeployRunView *runView() const { return m_runView; }
    DeployStatusPanel *statusPanel() const { return m_statusPanel; }
    MessageBanner *lockBanner() const { return m_lockBanner; }
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }
    /** Where job logs go (default: the app data folder). */
    void setLogDirectory(const QString &directory) { m_logDirectory = directory; }

signals:
    void stateLoaded();
    void jobFinished(Opsdeck::DeployRunner::Outcome outcome, const QString &summary);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onState(const EnvironmentDeployState &state);
    void updateActions();
    ActionRequest request(ActionKind kind, const QString &target) const;
    /** Starts a job: a fresh runner and log, shown in the Live tab; `finish` when it ends. */
    DeployRunner *startJob(const QString &kind, const QString &title,
                           ActionPipeline::Finish finish);
    void onJobFinished(DeployRunner::Outcome outcome, const QString &summary);

    QString m_workspaceName;
    const EnvironmentSpec &m_environment;
    SshPool *m_pool;
    ActionPipeline m_actions;
    QString m_logDirectory;
    EnvironmentDeployState m_state;
    bool m_querying = false;

    QLabel *m_status;
    MessageBanner *m_lockBanner;
    QAction *m_breakLock;
    QTabWidget *m_tabs;
    DeployStatusPanel *m_statusPanel;
    DeployRunView *m_runView;
    QAction *m_deployAction;
    QAction *m_rollbackAction;
    QAction *m_runAction;
    QAction *m_refreshAction;
    QPointer<DeployRunner> m_runner;
    QPointer<DeployLog> m_log;
};

} // namespace Opsdeck
