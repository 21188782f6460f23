// SPDX-License-Identifier: GPL-3.0-or-later
#include "dboverview.h"

#include "common/formatting.h"
#include "runtime/hostprobe.h"

namespace Opsdeck {

QString connectionsInUseSql()
{
    return QStringLiteral(
        "(select count(*) from pg_stat_activity where backend_type = 'client backend')");
}

QString connectionsAvailableSql()
{
    return QStringLiteral("(current_setting('max_connections')::int - "
                          "current_setting('superuser_reserved_connections')::int)");
}

QString overviewSql()
{
    return QStringLiteral(
               "/* opsdeck:overview */ select now()::text as at, current_setting('server_version') "
               "as version,"
               " extract(epoch from now() - pg_postmaster_start_time())::bigint as uptime,"
               " pg_database_size(current_database()) as size, ") +
           connectionsInUseSql() + QStringLiteral(" as connections, ") + connectionsAvailableSql() +
           QStringLiteral(
               " as max_conn,"
               " (select count(*) from pg_stat_activity where state = 'active' and backend_type = "
               "'client "
               "backend') as active,"
               " (select count(*) from pg_stat_activity where state = 'idle') as idle,"
               " (select count(*) from pg_stat_activity where state like 'idle in transaction%') "
               "as "
               "idle_in_tx,"
               " (select count(*) from pg_stat_activity where wait_event_type = 'Lock') as waiting,"
               " d.xact_commit as commits, d.xact_rollback as rollbacks,"
               " (select coalesce(sum(heap_blks_hit), 0) from pg_statio_user_tables) as heap_hit,"
               " (select coalesce(sum(heap_blks_read), 0) from pg_statio_user_tables) as heap_read,"
               " (select coalesce(sum(idx_blks_hit), 0) from pg_statio_user_indexes) as idx_hit,"
               " (select coalesce(sum(idx_blks_read), 0) from pg_statio_user_indexes) as idx_read,"
               " current_setting('wal_level') as wal_level, pg_is_in_recovery() as in_recovery,"
               " (select count(*) from pg_stat_replication) as standbys,"
               " (select count(*) from pg_replication_slots) as slots,"
               " (select count(*) from pg_replication_slots where not active) as inactive_slots,"
               // Each standby: name, state, bytes behind, replay lag, received but not replayed.
               " (select string_agg(format('%s|%s|%s|%s|%s', coalesce(nullif(application_name, ''),"
               " client_addr::text), state, pg_wal_lsn_diff(case when pg_is_in_recovery() then"
               " pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, replay_lsn)::bigint,"
               " coalesce(extract(epoch from replay_lag)::float8, 0),"
               " coalesce(pg_wal_lsn_diff(flush_lsn, replay_lsn), 0)::bigint), E'\\n'"
               " order by application_name) from pg_stat_replication) as standby_rows,"
               // This server, when it is a standby itself: is replay paused, how old is it.
               " case when pg_is_in_recovery() then pg_get_wal_replay_pause_state() end"
               " as replay_pause,"
               " case when pg_is_in_recovery() then extract(epoch from now() -"
               " pg_last_xact_replay_timestamp())::float8 end as replay_age,"
               " case when pg_is_in_recovery() then coalesce(pg_wal_lsn_diff("
               "pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint end as unreplayed,"
               " (select status from pg_stat_wal_receiver) as receiver,"
               " (select confl_lock + confl_snapshot + confl_bufferpin + confl_tablespace +"
               " confl_deadlock from pg_stat_database_conflicts where datname = current_database())"
               " as conflicts"
               " from pg_stat_database d where d.datname = current_database()");
}

OverviewSample overviewSample(const PgResultSet &set)
{
    auto v = [&set](const char *column) {
        return set.value(0, QString::fromLatin1(column));
    };
    OverviewSample s;
    s.at = QDateTime::fromString(v("at").toString().left(23),
                                 QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    s.version = v("version").toString();
    s.uptimeSeconds = v("uptime").toLongLong();
    s.sizeBytes = v("size").toLongLong();
    s.connections = v("connections").toInt();
    s.active = v("active").toInt();
    s.idle = v("idle").toInt();
    s.idleInTransaction = v("idle_in_tx").toInt();
    s.waiting = v("waiting").toInt();
    s.maxConnections = v("max_conn").toInt();
    s.commits = v("commits").toLongLong();
    s.rollbacks = v("rollbacks").toLongLong();
    s.heapHit = v("heap_hit").toLongLong();
    s.heapRead = v("heap_read").toLongLong();
    s.indexHit = v("idx_hit").toLongLong();
    s.indexRead = v("idx_read").toLongLong();
    s.walLevel = v("wal_level").toString();
    s.inRecovery = v("in_recovery").toBool();
    s.standbys = v("standbys").toInt();
    s.slotCount = v("slots").toInt();
    s.inactiveSlots = v("inactive_slots").toInt();
    for (const QString &line :
         v("standby_rows").toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QStringList f = line.split(QLatin1Char('|'));
        if (f.size() == 5)
            s.standbyRows.append(
                {f[0], f[1], f[2].toLongLong(), f[3].toDouble(), f[4].toLongLong()});
    }
    s.replayPause = v("replay_pause").toString();
    s.replayAgeSeconds = v("replay_age").isNull() ? -1 : v("replay_age").toDouble();
    s.notReplayedBytes = v("unreplayed").toLongLong();
    s.receiverStatus = v("receiver").toString();
    s.conflicts = v("conflicts").toLongLong();
    return s;
}

namespace {

OverviewItem ratio(const QString &name, qint64 hits, qint64 reads)
{
    if (hits + reads == 0)
        return {name, QStringLiteral("n/a"), Verdict::Ok,
                QStringLiteral("no reads in this interval")};
    const double percent = hits * 100.0 / double(hits + reads);
    const Verdict verdict =
        percent < 95 ? Verdict::Critical : (percent < 99 ? Verdict::Warning : Verdict::Ok);
    return {name, QString::number(percent, 'f', 2) + QLatin1Char('%'), verdict,
            verdict == Verdict::Ok
                ? QStringLiteral("reads in this interval came from memory")
                : QStringLiteral("%1 of %2 block reads in this interval went to disk")
                      .arg(reads)
                      .arg(hits + reads)};
}

/** A standby as the primary sees it; the same limits as the replication_lag check's defaults. */
OverviewItem standbyItem(const StandbyRow &standby)
{
    constexpr qint64 kWarnBytes = 16 << 20;
    const bool behind = standby.notReplayedBytes > kWarnBytes || standby.behindBytes > kWarnBytes;
    const Verdict verdict =
        standby.state != QLatin1String("streaming") || standby.lagSeconds > 5 || behind
            ? Verdict::Warning
            : Verdict::Ok;
    return {
        QStringLiteral("Standby ") + standby.name,
        QStringLiteral("%1, %2 behind, replay lag %3")
            .arg(standby.state, formatBytes(standby.behindBytes), formatAge(standby.lagSeconds)),
        verdict,
        standby.notReplayedBytes > kWarnBytes
            ? QStringLiteral("%1 received and not replayed: replay is paused or stuck there")
                  .arg(formatBytes(standby.notReplayedBytes))
            : QStringLiteral("%1 received and not replayed")
                  .arg(formatBytes(standby.notReplayedBytes))};
}

} // namespace

QList<OverviewItem> overviewItems(const OverviewSample &now,
                                  const std::optional<OverviewSample> &previous)
{
    QList<OverviewItem> items;
    items << OverviewItem{
        QStringLiteral("Version"), QStringLiteral("PostgreSQL ") + now.version, Verdict::Ok,
        now.inRecovery ? QStringLiteral("a standby (in recovery)") : QStringLiteral("primary")};
    items << OverviewItem{QStringLiteral("Uptime"), formatDuration(now.uptimeSeconds),
                          now.uptimeSeconds < 600 ? Verdict::Warning : Verdict::Ok,
                          now.uptimeSeconds < 600
                              ? QStringLiteral("restarted in the last 10 minutes")
                              : QStringLiteral("up since %1")
                                    .arg(formatLocalTime(now.at.addSecs(-now.uptimeSeconds)))};
    const double seconds = previous ? previous->at.msecsTo(now.at) / 1000.0 : 0;
    const bool rates = previous && seconds > 0;
    OverviewItem size{QStringLiteral("Database size"), formatBytes(now.sizeBytes), Verdict::Ok,
                      QStringLiteral("growth: n/a until two samples")};
    if (rates)
        size.why = QStringLiteral("grew %1 in %2 s")
                       .arg(formatBytes(now.sizeBytes - previous->sizeBytes))
                       .arg(seconds, 0, 'f', 0);
    items << size;
    const int percent = now.maxConnections > 0 ? now.connections * 100 / now.maxConnections : 0;
    items << OverviewItem{
        QStringLiteral("Connections"),
        QStringLiteral("%1 of %2").arg(now.connections).arg(now.maxConnections),
        percent >= 90 ? Verdict::Critical : (percent >= 80 ? Verdict::Warning : Verdict::Ok),
        QStringLiteral("%1 active, %2 idle, %3 idle in transaction, %4 waiting for a lock")
            .arg(now.active)
            .arg(now.idle)
            .arg(now.idleInTransaction)
            .arg(now.waiting)};
    if (rates) {
        const double tps =
            (now.commits + now.rollbacks - previous->commits - previous->rollbacks) / seconds;
        const double rollbacksPerSecond = (now.rollbacks - previous->rollbacks) / seconds;
        items << OverviewItem{
            QStringLiteral("Transactions"), QStringLiteral("%1/s").arg(tps, 0, 'f', 1),
            rollbacksPerSecond > 0.1 * std::max(tps, 1.0) ? Verdict::Warning : Verdict::Ok,
            QStringLiteral("%1 rollbacks/s, over the last %2 s")
                .arg(rollbacksPerSecond, 0, 'f', 1)
                .arg(seconds, 0, 'f', 0)};
        items << ratio(QStringLiteral("Cache hit, tables"), now.heapHit - previous->heapHit,
                       now.heapRead - previous->heapRead);
        items << ratio(QStringLiteral("Cache hit, indexes"), now.indexHit - previous->indexHit,
                       now.indexRead - previous->indexRead);
    } else {
        for (const char *name : {"Transactions", "Cache hit, tables", "Cache hit, indexes"})
            items << OverviewItem{QString::fromLatin1(name), QStringLiteral("n/a"), Verdict::Ok,
                                  QStringLiteral("rates need two samples")};
    }
    items << OverviewItem{
        QStringLiteral("Replication"),
        QStringLiteral("wal_level %1, %2, %3")
            .arg(now.walLevel,
                 countOf(now.standbys, QStringLiteral("standby"), QStringLiteral("standbys")),
                 countOf(now.slotCount, QStringLiteral("slot"), QStringLiteral("slots"))),
        now.inactiveSlots > 0 ? Verdict::Warning : Verdict::Ok,
        now.inactiveSlots > 0
            ? QStringLiteral("%1 WAL: see Slots")
                  .arg(countOf(now.inactiveSlots, QStringLiteral("inactive slot retains"),
                               QStringLiteral("inactive slots retain")))
            : QStringLiteral("no inactive slots")};
    for (const StandbyRow &standby : now.standbyRows)
        items << standbyItem(standby);
    if (now.inRecovery) {
        const bool paused =
            !now.replayPause.isEmpty() && now.replayPause != QLatin1String("not paused");
        items << OverviewItem{
            QStringLiteral("Replay"),
            paused ? QStringLiteral("PAUSED (%1)").arg(now.replayPause)
                   : QStringLiteral("replaying"),
            paused ? Verdict::Warning : Verdict::Ok,
            now.replayAgeSeconds < 0
                ? QStringLiteral("no transaction replayed yet")
                : QStringLiteral("last replayed transaction committed %1 ago on the primary")
                      .arg(formatAge(now.replayAgeSeconds))};
    }
    return items;
}

} // namespace Opsdeck
