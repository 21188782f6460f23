-- name: blocked_queries
-- title: Blocked queries
-- explain: Queries waiting for a lock another session holds. The root blocker is the session at the top of the chain; ending it frees everyone behind it.
-- threshold: warn_seconds = 5 | Waiting longer than this is a warning
-- threshold: crit_seconds = 30 | ... and longer than this is critical
-- scope: this database's sessions (Activity shows the whole server)
-- versions: 12-17
with waiting as (
    select a.pid, a.usename, a.application_name, a.query, pg_blocking_pids(a.pid) as blockers,
           coalesce((select min(l.waitstart) from pg_locks l where l.pid = a.pid and not l.granted), a.state_change) as since
    from pg_stat_activity a
    where a.wait_event_type = 'Lock' and cardinality(pg_blocking_pids(a.pid)) > 0 and a.datname = current_database()
)
select w.pid::text as object,
       case when now() - w.since > make_interval(secs => $2::float8) then 'critical' else 'warning' end as severity,
       format('%s (%s) waiting %s behind pid %s: %s', w.usename, w.application_name, date_trunc('second', now() - w.since),
              array_to_string(w.blockers, ', '), left(regexp_replace(w.query, '\s+', ' ', 'g'), 200)) as detail,
       format('select pg_cancel_backend(%s);  -- the first blocker', w.blockers[1]) as fix,
       array_to_string(w.blockers, ',') as blocked_by
from waiting w
where now() - w.since > make_interval(secs => $1::float8)
order by w.since
