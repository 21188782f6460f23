-- name: replication_lag
-- title: Replication lag
-- explain: How far standbys are behind this primary. A lagging standby serves stale reads and, with hot_standby_feedback, holds back vacuum here.
-- threshold: warn_seconds = 5 | Replay lag above this is a warning
-- threshold: crit_seconds = 60 | ... above this is critical
-- fix: advice
-- versions: 12-17
select coalesce(application_name, client_addr::text) as object,
       case when extract(epoch from replay_lag) > $2::float8 then 'critical' else 'warning' end as severity,
       format('%s: replay lag %s, %s behind', state, coalesce(replay_lag::text, 'n/a'),
              '{bytes:' || (pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::bigint || '}') as detail,
       'Check the standby''s disk and CPU, and long queries there (max_standby_streaming_delay).' as fix
from pg_stat_replication
where extract(epoch from replay_lag) > $1::float8
