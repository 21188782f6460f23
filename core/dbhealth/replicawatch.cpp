// SPDX-License-Identifier: GPL-3.0-or-later
#include "replicawatch.h"

#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"

namespace Opsdeck {

ReplicaWatch::ReplicaWatch(EnvironmentContext &context, HealthRunner runner, QObject *parent)
    : QObject(parent)
    , m_runner(std::move(runner))
{
    m_runner.setServerRole(HealthRunner::ServerRole::Standby);
    const std::optional<DatabaseSpec> &database = context.environment().database;
    if (!database)
        return;
    m_replicas.reserve(database->replicas.size()); // the lambdas below keep element addresses
    for (const ReplicaSpec &spec : database->replicas) {
        Replica &replica = m_replicas.emplace_back();
        replica.name = spec.name;
        replica.session = context.replicaSession(spec.name);
        replica.overview = std::make_unique<LatestRequest>(this);
        replica.checks = std::make_unique<LatestRequest>(this);
        connect(replica.session, &DatabaseSession::stateChanged, this,
                [this, &replica] { onStateChanged(replica); });
        connect(replica.session, &DatabaseSession::connected, this, [this, &replica] {
            refreshOverview(replica);
            refreshChecks(replica, true);
        });
    }
}

ReplicaWatch::~ReplicaWatch() = default;

void ReplicaWatch::open()
{
    for (Replica &replica : m_replicas)
        replica.session->open();
}

void ReplicaWatch::refreshOverview()
{
    for (Replica &replica : m_replicas)
        refreshOverview(replica);
}

void ReplicaWatch::refreshChecks(bool includeOnDemand)
{
    for (Replica &replica : m_replicas)
        refreshChecks(replica, includeOnDemand);
}

void ReplicaWatch::onStateChanged(Replica &replica)
{
    if (replica.session->state() != DatabaseSession::State::Waiting)
        return;
    // Unreachable: its last numbers would be a lie, and the checks say so.
    replica.sample.reset();
    replica.results = {unreachableReplica(replica.name, replica.session->lastError())};
    emit samplesChanged();
    emit checksChanged();
}

void ReplicaWatch::refreshOverview(Replica &replica)
{
    PgConnection *pg = replica.session->connection();
    if (!pg || replica.overview->isInFlight())
        return;
    replica.overview->start(pg->query(overviewSql()),
                            [this, &replica](const Result<PgResultSet> &r) {
                                if (!r) {
                                    PgConnection *pg = replica.session->connection();
                                    if (pg && pg->state() != PgConnection::State::Connected)
                                        replica.session->reportLost(r.errorString());
                                    return;
                                }
                                replica.sample = overviewSample(*r);
                                emit samplesChanged();
                            });
}

void ReplicaWatch::refreshChecks(Replica &replica, bool includeOnDemand)
{
    PgConnection *pg = replica.session->connection();
    if (!pg || replica.checks->isInFlight())
        return;
    HealthRunner runner = m_runner;
    runner.setIncludeOnDemand(includeOnDemand);
    replica.checks->start(runner.run(*pg), [this, &replica](const HealthReport &report) {
        replica.results = replicaChecks(report, replica.name);
        emit checksChanged();
    });
}

QList<ServerSample> ReplicaWatch::samples() const
{
    QList<ServerSample> samples;
    for (const Replica &replica : m_replicas)
        samples << ServerSample{replica.name, replica.sample,
                                replica.session->state() == DatabaseSession::State::Waiting
                                    ? replica.session->lastError()
                                    : QString()};
    return samples;
}

QList<CheckResult> ReplicaWatch::checks() const
{
    QList<CheckResult> checks;
    for (const Replica &replica : m_replicas)
        checks << replica.results;
    return checks;
}

} // namespace Opsdeck
