// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/futures.h"
#include "dbhealth/healthrunner.h"
#include "dbhealth/replication.h"

#include <QObject>

#include <memory>
#include <vector>

namespace Opsdeck {

class DatabaseSession;
class EnvironmentContext;

/**
 * Watches the standbys an environment's `database.replicas:` lists, each over its own
 * read-only session (the context's, shared with anything else that watches it): the overview
 * sample each refresh, and the checks that make sense on a standby. Lives on the UI thread;
 * queries run on the sessions' threads and only their answers come back here.
 */
class ReplicaWatch final : public QObject
{
    Q_OBJECT

public:
    ReplicaWatch(EnvironmentContext &context, HealthRunner runner, QObject *parent = nullptr);
    ~ReplicaWatch() override;

    bool isEmpty() const { return m_replicas.empty(); }
    /** Opens every replica's session (no-op for those already open or connecting). */
    void open();
    void refreshOverview();
    void refreshChecks(bool includeOnDemand);

    /** The last sample of each replica, in workspace order (none while not connected). */
    QList<ServerSample> samples() const;
    /** Each replica's last checks ("standby1/long_running"), or that it is unreachable. */
    QList<CheckResult> checks() const;

signals:
    void samplesChanged();
    void checksChanged();

private:
    struct Replica
    {
        QString name;
        DatabaseSession *session = nullptr;
        std::unique_ptr<LatestRequest> overview;
        std::unique_ptr<LatestRequest> checks;
        std::optional<OverviewSample> sample;
        QList<CheckResult> results;
    };
    void onStateChanged(Replica &replica);
    void refreshOverview(Replica &replica);
    void refreshChecks(Replica &replica, bool includeOnDemand);

    HealthRunner m_runner;
    std::vector<Replica> m_replicas;
};

} // namespace Opsdeck
