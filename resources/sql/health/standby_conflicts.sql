-- name: standby_conflicts
-- title: Recovery conflicts
-- explain: Queries on this standby cancelled because replaying the primary's changes needed what they held: a lock (DDL, a vacuum truncating a table), rows their snapshot still read, a pinned buffer. The application sees "canceling statement due to conflict with recovery". Counted since the standby's statistics were last reset.
-- threshold: warn_count = 1 | This many cancelled queries or more is a warning
-- threshold: crit_count = 100 | ... and this many or more is critical
-- fix: advice
-- roles: standby
-- scope: this database, since its statistics were reset (pg_stat_database_conflicts)
-- versions: 12-17
with c as (
  select c.datname, d.stats_reset, c.confl_lock as lock, c.confl_snapshot as snapshot,
         c.confl_bufferpin as bufferpin, c.confl_tablespace as tablespace,
         c.confl_deadlock as deadlock,
         c.confl_lock + c.confl_snapshot + c.confl_bufferpin + c.confl_tablespace
           + c.confl_deadlock as total
  from pg_stat_database_conflicts c
  join pg_stat_database d using (datid)
  where c.datname = current_database()
)
select datname as object,
       case when total >= $2::float8 then 'critical' else 'warning' end as severity,
       format('%s queries cancelled since %s (%s)', total,
              coalesce(to_char(stats_reset, 'YYYY-MM-DD HH24:MI'), 'the standby started'),
              concat_ws(', ',
                        case when lock > 0 then 'lock ' || lock end,
                        case when snapshot > 0 then 'snapshot ' || snapshot end,
                        case when bufferpin > 0 then 'buffer pin ' || bufferpin end,
                        case when tablespace > 0 then 'tablespace ' || tablespace end,
                        case when deadlock > 0 then 'deadlock ' || deadlock end)) as detail,
       case greatest(lock, snapshot, bufferpin, tablespace, deadlock)
         when snapshot then 'Rows a standby query still read were vacuumed on the primary: turn hot_standby_feedback on here (at the cost of some bloat there), or raise max_standby_streaming_delay.'
         when lock then 'An exclusive lock on the primary (DDL, a vacuum truncating a table) was replayed under a query here: schedule DDL away from standby reports, set vacuum_truncate off on busy tables, or raise max_standby_streaming_delay.'
         else 'Raise max_standby_streaming_delay here to let standby queries finish before replay cancels them; replay then falls behind for as long.'
       end as fix,
       total as cancelled
from c
where total >= $1::float8
