// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/futures.h"
#include "common/pane.h"
#include "dbhealth/activity.h"
#include "dbhealth/backendaction.h"
#include "dbhealth/dboverview.h"
#include "dbhealth/healthrunner.h"
#include "dbhealth/slots.h"
#include "workspace/workspace.h"

#include <QTimer>

#include <memory>

class QLabel;
class QTabWidget;
class QTreeWidget;

namespace Opsdeck {

class ActivityPanel;
class BackupsPanel;
class ChecksPanel;
class DbOverviewPanel;
class ReplicaWatch;
class ReplicationPanel;
class SlotsPanel;
class DatabaseSession;
class SshPool;

/**
 * Database health: PgHero-style checks (all in one round trip) and pg_activity-style live
 * activity with a lock tree, over the read-only monitoring session; cancel and terminate go
 * through a separate action session, after confirmation, and are audited.
 */
class DbHealthPane final : public Pane
{
    Q_OBJECT

public:
    explicit DbHealthPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~DbHealthPane() override;

    QString paneId() const override { return QStringLiteral("dbhealth"); }
    QString title() const override { return QStringLiteral("Database health"); }
    /** Checks, activity and overview at once (F5). */
    void refresh() override;
    /** Shows a tab by name: overview, replication, checks, activity, locks, slots or backups. */
    void openItem(const QString &item) override;

    ChecksPanel *checks() const { return m_checks; }
    ActivityPanel *activity() const { return m_activity; }
    QTreeWidget *lockTree() const { return m_locks; }
    DbOverviewPanel *overview() const { return m_overview; }
    SlotsPanel *slotsPanel() const { return m_slots; }
    ReplicationPanel *replicationPanel() const { return m_replication; }
    BackupsPanel *backupsPanel() const { return m_backups; }
    /** All checks (first load, F5); the 60 s timer leaves out the on-demand ones. */
    void refreshChecks(bool includeOnDemand = true);
    void refreshActivity();
    /** Overview counters and the slot list, in one round trip; each replica's overview. */
    void refreshOverview();
    /** Drops an inactive replication slot: asks, acts on the action session, audits. */
    void requestDropSlot(const SlotRow &slot);
    /** Cancels or terminates a backend: asks, acts on the action session, audits. */
    void requestSignal(const ActivityRow &row, BackendSignal signal);
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }

signals:
    void actionFinished(bool ok, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void onStateChanged();
    void showActivity(const QList<ActivityRow> &rows);
    void rebuildLockTree(const QList<ActivityRow> &rows);
    /** A request owned by the environment of `database` (the strictest one when unknown). */
    ActionRequest requestFor(ActionKind kind, const QString &database) const;
    /** Runs `act` once the action session is connected (opening it on first use), else
     * reports the connection error through `failed`. */
    void withActionSession(std::function<void()> act, ActionPipeline::Finish failed);
    void explain(const ActivityRow &row);
    /** The primary's last checks and every replica's, in one list. */
    void showChecks();
    /** The primary and its replicas side by side, from their last samples. */
    void showReplication();

    const Workspace &m_workspace;
    const EnvironmentSpec &m_environmentSpec;
    QString m_environment;
    std::optional<DatabaseSpec> m_spec;
    QString m_ownDatabase;      // from the conninfo: Activity shows this one unless asked
    DatabaseSession *m_monitor; // the environment's, shared with its other panes
    HealthRunner m_runner;
    ActionPipeline m_actions;
    LatestRequest m_checksRequest;
    LatestRequest m_activityRequest;
    LatestRequest m_overviewRequest;
    QLabel *m_status;
    QTabWidget *m_tabs;
    DbOverviewPanel *m_overview;
    ChecksPanel *m_checks;
    ActivityPanel *m_activity;
    QTreeWidget *m_locks;
    SlotsPanel *m_slots;
    ReplicationPanel *m_replication;
    ReplicaWatch *m_replicas;
    HealthReport m_primaryReport; // the last result of every primary check, refreshed or not
    std::optional<CheckResult> m_freshness; // from the backups location's manifests
    BackupsPanel *m_backups;
    std::optional<OverviewSample> m_lastSample;
    QTimer m_overviewTimer;
    QTimer m_activityTimer;
    QTimer m_checksTimer;
};

} // namespace Opsdeck
