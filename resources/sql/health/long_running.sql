-- name: long_running
-- title: Long-running queries
-- explain: Queries running for minutes hold locks and snapshots (blocking vacuum) and often mean a missing index or a runaway job.
-- threshold: warn_seconds = 60 | A query running longer than this is a warning
-- threshold: crit_seconds = 300 | ... and longer than this is critical
-- scope: this database's sessions (Activity shows the whole server)
-- roles: primary, standby
-- versions: 12-17
select a.pid::text as object,
       case when now() - a.query_start > make_interval(secs => $2::float8) then 'critical' else 'warning' end as severity,
       format('%s on %s, running %s: %s', a.usename, a.datname, date_trunc('second', now() - a.query_start),
              left(regexp_replace(a.query, '\s+', ' ', 'g'), 200)) as detail,
       format('select pg_cancel_backend(%s);  -- then, if it does not stop: select pg_terminate_backend(%s);', a.pid, a.pid) as fix
from pg_stat_activity a
where a.state = 'active' and a.backend_type = 'client backend' and a.pid <> pg_backend_pid()
  and a.datname = current_database()
  and a.application_name not like 'opsdeck%'
  and now() - a.query_start > make_interval(secs => $1::float8)
order by a.query_start
