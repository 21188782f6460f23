-- name: connections
-- title: Connections
-- explain: When every connection slot is taken, new clients are refused. Reserved superuser slots are not counted as available.
-- threshold: warn_percent = 80 | Using more than this share of the available slots is a warning
-- threshold: crit_percent = 90 | ... and more than this is critical
-- fix: advice
-- roles: primary, standby
-- versions: 12-17
with counts as (
    select count(*) filter (where backend_type = 'client backend') as used,
           count(*) filter (where state = 'active') as active,
           count(*) filter (where state = 'idle') as idle,
           count(*) filter (where state like 'idle in transaction%') as idle_in_tx,
           current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int as available
    from pg_stat_activity
)
select 'cluster' as object,
       case when used * 100.0 / available >= $2::float8 then 'critical' else 'warning' end as severity,
       format('%s of %s connections in use (%s%%): %s active, %s idle, %s idle in transaction', used, available,
              round(used * 100.0 / available), active, idle, idle_in_tx) as detail,
       'Put a pooler (PgBouncer) in front of the app, or lower the app''s pool size; raising max_connections needs a restart.' as fix
from counts
where used * 100.0 / available >= $1::float8
