-- name: replication_lag
-- title: Replication lag
-- explain: How far standbys are behind this primary, in time and in WAL. A lagging standby serves stale reads and, with hot_standby_feedback, holds back vacuum here. WAL received but not replayed means replay is paused (pg_wal_replay_pause) or stuck behind a conflicting query there.
-- threshold: warn_seconds = 5 | Replay lag above this is a warning
-- threshold: crit_seconds = 60 | ... above this is critical
-- threshold: warn_mb = 16 | WAL not yet replayed above this is a warning
-- threshold: crit_mb = 1024 | ... above this is critical
-- fix: advice
-- versions: 12-17
select coalesce(nullif(application_name, ''), client_addr::text) as object,
       case when extract(epoch from replay_lag) > $2::float8
              or pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > $4::float8 * 1048576
            then 'critical' else 'warning' end as severity,
       format('%s: replay %s behind (%s received, not replayed), replay lag %s', state,
              '{bytes:' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint || '}',
              '{bytes:' || coalesce(pg_wal_lsn_diff(flush_lsn, replay_lsn), 0)::bigint || '}',
              coalesce(date_trunc('second', replay_lag)::text, 'n/a')) as detail,
       case when pg_wal_lsn_diff(flush_lsn, replay_lsn) > $3::float8 * 1048576
            then 'The standby has the WAL but does not replay it: replay paused (select pg_wal_replay_resume() there) or a long query there in conflict (max_standby_streaming_delay).'
            else 'Check the standby''s network, disk and CPU, and long queries there (max_standby_streaming_delay).' end as fix,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint as lag_bytes,
       extract(epoch from replay_lag)::float8 as lag_seconds
from pg_stat_replication
where extract(epoch from replay_lag) > $1::float8
   or pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > $3::float8 * 1048576
