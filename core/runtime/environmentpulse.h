// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/futures.h"
#include "pulselines.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <optional>

namespace Opsdeck {

class EnvironmentContext;

/**
 * What an environment's status page needs beyond reachability: the database checks (through the
 * environment's monitoring session), what each host runs and the lock (one SSH command per host),
 * config, flag and migration drift against every other environment, and recent activity (the hosts'
 * deploy history and the audit log). refresh() returns at once; each source answers on its own and
 * changed() fires after each, so the page fills in line by line.
 *
 * The slow sources (checks, drift) are read at most once a minute unless forced: the overview
 * refreshes every ten seconds, and a status page must not load production more than the
 * Database health pane does.
 */
class EnvironmentPulse final : public QObject
{
    Q_OBJECT

public:
    explicit EnvironmentPulse(EnvironmentContext &context, QObject *parent = nullptr);
    ~EnvironmentPulse() override;

    /** `force` (F5) reads every source now; otherwise only those due. */
    void refresh(bool force = false);

    const HealthReport *healthReport() const { return m_report ? &*m_report : nullptr; }
    QString checksError() const { return m_checksError; }
    const std::optional<EnvironmentDeployState> &deployState() const { return m_deploy; }
    /** A container environment's services, once read. */
    const std::optional<Result<SwarmStatus>> &services() const { return m_services; }
    QList<DriftAgainst> drift() const;
    const QList<AuditEntry> &audited() const { return m_audited; }
    /** Every source has answered at least once. */
    bool isComplete() const;

signals:
    void changed();

private:
    void readChecks();
    void readDeployState();
    void readServices();
    void readConfigDrift();
    void readFlags();
    void readMigrations();
    void compareMigrations();
    void readAudit();

    EnvironmentContext &m_context;
    LatestRequest m_checks;
    LatestRequest m_config;
    std::optional<HealthReport> m_report;
    QString m_checksError;
    std::optional<EnvironmentDeployState> m_deploy;
    bool m_deployInFlight = false;
    std::optional<Result<SwarmStatus>> m_services;
    bool m_servicesInFlight = false;
    QHash<QString, DriftAgainst> m_drift; // by other environment
    // Why a side could not be read, kept per source so a flags answer never hides a config one.
    QHash<QString, QString> m_configProblems, m_flagsProblems, m_migrationsProblems;
    QHash<QString, std::optional<QList<FlagState>>> m_flags; // by environment, this one too
    // By environment, this one too: app.name applied; absent while unread or not Django.
    QHash<QString, QStringList> m_migrations;
    int m_migrationReadsInFlight = 0;
    QList<AuditEntry> m_audited;
    QElapsedTimer m_sinceSlowRead;
};

} // namespace Opsdeck
