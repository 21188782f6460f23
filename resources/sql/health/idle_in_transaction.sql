-- name: idle_in_transaction
-- title: Idle in transaction
-- explain: A session that opened a transaction and went quiet keeps its locks and can hold back vacuum; usually an application bug or a forgotten psql.
-- threshold: warn_seconds = 60 | Idle in a transaction longer than this is a warning
-- threshold: crit_seconds = 600 | ... and longer than this is critical
-- scope: this database's sessions (Activity shows the whole server)
-- roles: primary, standby
-- versions: 12-17
select a.pid::text as object,
       case when now() - a.state_change > make_interval(secs => $2::float8) then 'critical' else 'warning' end as severity,
       format('%s (%s) on %s, idle in transaction for %s%s; last statement: %s', a.usename, a.application_name, a.datname,
              date_trunc('second', now() - a.state_change),
              case when a.backend_xid is not null then ', holds transaction id ' || a.backend_xid else '' end,
              left(regexp_replace(a.query, '\s+', ' ', 'g'), 200)) as detail,
       format('select pg_terminate_backend(%s);', a.pid) as fix
from pg_stat_activity a
where a.state like 'idle in transaction%' and a.pid <> pg_backend_pid() and a.datname = current_database()
  and now() - a.state_change > make_interval(secs => $1::float8)
order by a.state_change
