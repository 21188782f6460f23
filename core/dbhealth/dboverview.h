// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/healthreport.h"
#include "pg/pgtypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

namespace Opsdeck {

/** A standby of this server, from pg_stat_replication. */
struct StandbyRow
{
    QString name; // application_name (cluster_name on the standby), else its address
    QString state;
    qint64 behindBytes = 0;      // WAL written here and not yet replayed there
    double lagSeconds = 0;       // replay_lag
    qint64 notReplayedBytes = 0; // received (flushed) there and not replayed: paused or stuck
};

/** The raw counters one overview refresh reads (one row, O(1) in tables and backends). */
struct OverviewSample
{
    QDateTime at; // server clock
    QString version;
    qint64 uptimeSeconds = 0;
    qint64 sizeBytes = 0;
    int connections = 0, active = 0, idle = 0, idleInTransaction = 0, waiting = 0;
    int maxConnections = 0;
    qint64 commits = 0, rollbacks = 0;
    qint64 heapHit = 0, heapRead = 0, indexHit = 0, indexRead = 0;
    QString walLevel;
    bool inRecovery = false;
    int standbys = 0;
    int slotCount = 0, inactiveSlots = 0;
    QList<StandbyRow> standbyRows;
    QString replayPause;          // on a standby: pg_get_wal_replay_pause_state()
    double replayAgeSeconds = -1; // on a standby: since the last replayed commit
    qint64 notReplayedBytes = 0;  // on a standby: received and not yet replayed
    QString receiverStatus;       // on a standby: its WAL receiver ("streaming"), empty: none
    qint64 conflicts = 0;         // on a standby: queries cancelled by recovery, this database
};

/** One line of the overview: a value with its verdict and one sentence of why. */
struct OverviewItem
{
    QString name;
    QString value;
    Verdict verdict = Verdict::Ok;
    QString why;
};

/**
 * The one definition of "N of M connections" (Overview, Database health, the connections check's
 * SQL says the same): client backends, of max_connections less the superuser-reserved slots,
 * which the application can never use. Both are SELECT expressions for one-row queries.
 */
QString connectionsInUseSql();
QString connectionsAvailableSql();

QString overviewSql();
OverviewSample overviewSample(const PgResultSet &set);

/**
 * Turns samples into the overview. Rates are per second over the measured interval and ratios
 * per interval: with only one sample they read "n/a" (a cumulative ratio since the last stats
 * reset hides today's problem behind last month's traffic).
 */
QList<OverviewItem> overviewItems(const OverviewSample &now,
                                  const std::optional<OverviewSample> &previous);

} // namespace Opsdeck
