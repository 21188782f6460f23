-- name: blocked_queries
-- title: Blocked queries
-- explain: Queries waiting for a lock another session holds. The root blocker is the session at the top of the chain; ending it frees everyone behind it.
-- threshold: warn_seconds = 5 | Waiting longer than this is a warning
-- threshold: crit_seconds = 30 | ... and longer than this is critical
-- scope: this database's sessions (Activity shows the whole server)
-- roles: primary, standby
-- versions: 12-17
with recursive waiting as (
    select a.pid, a.usename, a.application_name, a.query, pg_blocking_pids(a.pid) as blockers,
           coalesce((select min(l.waitstart) from pg_locks l where l.pid = a.pid and not l.granted), a.state_change) as since
    from pg_stat_activity a
    where a.wait_event_type = 'Lock' and cardinality(pg_blocking_pids(a.pid)) > 0 and a.datname = current_database()
), chain(pid, blocker, path) as (
    -- Walk up the blockers until a session that waits for nobody: that root is what to end.
    select w.pid, b, array[w.pid, b] from waiting w cross join lateral unnest(w.blockers) b
    union all
    select c.pid, nb, c.path || nb
    from chain c cross join lateral unnest(pg_blocking_pids(c.blocker)) nb
    where cardinality(c.path) < 16 and not nb = any(c.path)
), roots as (
    select distinct on (c.pid) c.pid, c.blocker as root, r.state as root_state
    from chain c join pg_stat_activity r on r.pid = c.blocker
    where cardinality(pg_blocking_pids(c.blocker)) = 0
    order by c.pid, cardinality(c.path) desc, c.blocker
)
select w.pid::text as object,
       case when now() - w.since > make_interval(secs => $2::float8) then 'critical' else 'warning' end as severity,
       format('%s (%s) waiting %s behind pid %s%s: %s', w.usename, w.application_name, date_trunc('second', now() - w.since),
              array_to_string(w.blockers, ', '),
              case when r.root is not null and not r.root = any(w.blockers)
                   then format(' (root of the chain: pid %s, %s)', r.root, r.root_state) else '' end,
              left(regexp_replace(w.query, '\s+', ' ', 'g'), 200)) as detail,
       -- Cancelling an idle-in-transaction root does nothing: it is not running a query.
       case when r.root is null then ''
            when r.root_state like 'idle in transaction%'
            then format('select pg_terminate_backend(%s);  -- the root blocker, idle in transaction', r.root)
            else format('select pg_cancel_backend(%s);  -- the root blocker; if it does not stop: select pg_terminate_backend(%s);',
                        r.root, r.root) end as fix,
       array_to_string(w.blockers, ',') as blocked_by,
       r.root::text as root_blocker
from waiting w
left join roots r on r.pid = w.pid
where now() - w.since > make_interval(secs => $1::float8)
order by w.since
