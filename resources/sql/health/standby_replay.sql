-- name: standby_replay
-- title: Replay
-- explain: A standby's reads are only as fresh as the WAL it has replayed. A paused replay (pg_wal_replay_pause), a WAL receiver that is not streaming, or WAL received and left unreplayed keeps it behind, whatever it has received. A replica listed in the workspace that is not in recovery has been promoted.
-- threshold: warn_mb = 16 | WAL received and not replayed above this is a warning
-- threshold: crit_mb = 1024 | ... above this is critical
-- fix: advice
-- roles: standby
-- versions: 12-17
with s as (
  select pg_is_in_recovery() as in_recovery,
         case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as paused,
         exists (select 1 from pg_stat_wal_receiver) as receiving,
         (select status from pg_stat_wal_receiver) as receiver_status,
         coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint
           as unreplayed,
         date_trunc('second', now() - pg_last_xact_replay_timestamp()) as replay_age
)
select 'role' as object, 'critical' as severity,
       'not in recovery: this server is a primary now (promoted?)' as detail,
       'If it was promoted on purpose, point the environment''s database at it and list the old primary as a replica once it follows; otherwise two primaries are taking writes.' as fix
from s where not in_recovery
union all
select 'replay', case when unreplayed > $2::float8 * 1048576 then 'critical' else 'warning' end,
       format('paused: %s received and not replayed; last replayed commit %s ago',
              '{bytes:' || unreplayed || '}', coalesce(replay_age::text, 'n/a')),
       'Resume it here: select pg_wal_replay_resume(); (a pause survives nothing but a restart, and WAL piles up on the primary meanwhile)'
from s where in_recovery and paused
union all
select 'replay', case when unreplayed > $2::float8 * 1048576 then 'critical' else 'warning' end,
       format('%s received and not replayed; last replayed commit %s ago',
              '{bytes:' || unreplayed || '}', coalesce(replay_age::text, 'n/a')),
       'Replay waits for a query here that holds what it needs (max_standby_streaming_delay), or the disk or CPU cannot keep up; see Activity on this standby.'
from s where in_recovery and not paused and unreplayed > $1::float8 * 1048576
union all
select 'wal receiver', 'critical',
       coalesce('WAL receiver ' || receiver_status, 'no WAL receiver: not streaming from a primary'),
       'Check primary_conninfo, the replication slot on the primary and the network between them; the standby log says why it stopped.'
from s where in_recovery and (not receiving or receiver_status is distinct from 'streaming')
