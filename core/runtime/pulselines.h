// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"
#include "audit/auditlog.h"
#include "config/configdrift.h"
#include "dbhealth/healthreport.h"
#include "deploy/deploystatusquery.h"
#include "docker/swarmstatus.h"
#include "environmentprobe.h"
#include "flags/flagstate.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

/**
 * One line of an environment's status page (k9s' pulse, Lens' cluster overview): a concern, its
 * worst state in one sentence, the few things behind it, and the pane that shows them in full.
 * Built by pure functions from what the probes read, so the wording is tested without servers.
 */
struct PulseLine
{
    enum class Level { Unknown, Checking, Good, Warning, Critical };

    QString concern; // "hosts", "database", "deploy", "drift", "activity"
    QString title;   // "Database"
    Level level = Level::Unknown;
    QString summary;     // one sentence, plain text
    QStringList details; // a few lines behind it, most important first
    QString pane;        // pane id that shows it in full ("dbhealth"), or empty
};

/** "2 of 2 hosts up", or which are unreachable and why. */
PulseLine hostsPulse(const QList<HostStatus> &hosts);

/** Reachability and connections from the probe, worst checks from the latest report (if any). */
PulseLine databasePulse(const DatabaseStatus &database, const HealthReport *report,
                        const QString &checksError = {});

/**
 * What runs on each host as a ref name ("v1 on web1 and web2"), when and by whom it was
 * deployed, hosts that disagree, the lock, and a last deploy that failed.
 */
PulseLine deployPulse(const EnvironmentDeployState &state, const QDateTime &now);
/** A container environment's services: "2/2 replicas running: minitwit_web v1", or which are
 * short and Docker's error for their failed tasks. */
PulseLine servicesPulse(const Result<SwarmStatus> &status);

/** Django migrations (app.name) applied in one environment's database and not the other's. */
struct MigrationDrift
{
    QStringList onlyHere;
    QStringList onlyThere;
};

/** Compares the applied migrations of two databases (django_migrations, as app.name). */
MigrationDrift migrationDrift(const QStringList &mine, const QStringList &theirs);

struct DriftAgainst
{
    QString environment;
    std::optional<QList<DriftRow>> config; // this environment first, the other second
    std::optional<int> flagsDiffering;     // flags whose behaviour differs or that one side lacks
    QString problem;                       // why a side could not be read
    std::optional<MigrationDrift> migrations; // both databases read and both run Django
};

/**
 * Keys missing on one side or that one environment's own files disagree on are warnings (the
 * classic "works in staging" bug); differing values are expected between environments and only
 * counted.
 */
PulseLine driftPulse(const QString &environment, const QList<DriftAgainst> &others);

/** Flags of two environments compared by behaviour: how many differ or exist on one side only. */
int flagsDiffering(const QList<FlagState> &mine, const QList<FlagState> &theirs);

/** The newest deploys (from the hosts' history) and audited actions (from the audit log), merged
 * by time, newest first, at most `limit`. A newest deploy that failed makes it a warning. */
PulseLine activityPulse(const QList<HistoryEntry> &deploys, const QList<AuditEntry> &audited,
                        const QDateTime &now, int limit = 6);

/** "2 firing (critical) · 1 pending": the unsilenced firing alerts, worst first, with how long
 * each has fired; critical when one of them is; null while Prometheus has not answered. */
PulseLine alertsPulse(const AlertsSnapshot *snapshot, qint64 nowMs);

/** The worst of the lines' levels (Checking and Unknown count as the least). */
PulseLine::Level worstLevel(const QList<PulseLine> &lines);

} // namespace Opsdeck
