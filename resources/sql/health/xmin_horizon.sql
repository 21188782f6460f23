-- name: xmin_horizon
-- title: Vacuum blockers (xmin horizon)
-- explain: Vacuum cannot remove rows that the oldest snapshot might still see. The oldest one is held by a session, a replication slot, a prepared transaction or a standby; this names it.
-- threshold: warn_age = 10000000 | A horizon older than this many transaction IDs is a warning
-- threshold: warn_seconds = 3600 | ... or a holder open longer than this
-- versions: 12-17
with holders as (
    select 'session ' || pid as holder, age(backend_xmin) as xid_age, now() - xact_start as open_for,
           format('%s (%s), %s', usename, application_name, state) as what,
           format('select pg_terminate_backend(%s);', pid) as fix
    from pg_stat_activity where backend_xmin is not null and pid <> pg_backend_pid()
    union all
    select 'slot ' || slot_name, greatest(age(xmin), age(catalog_xmin)), null,
           format('%s replication slot, %s', slot_type, case when active then 'active' else 'inactive' end),
           format('select pg_drop_replication_slot(%L);', slot_name)
    from pg_replication_slots where xmin is not null or catalog_xmin is not null
    union all
    select 'prepared transaction ' || gid, age(transaction), now() - prepared, 'prepared by ' || owner,
           format('rollback prepared %L;', gid)
    from pg_prepared_xacts
    union all
    select 'standby ' || coalesce(application_name, client_addr::text), age(backend_xmin), null, 'hot_standby_feedback', ''
    from pg_stat_replication where backend_xmin is not null
)
select holder as object, 'warning' as severity,
       format('%s holds the horizon back by %s transactions%s', what, xid_age,
              coalesce(', open for ' || date_trunc('second', open_for)::text, '')) as detail,
       fix
from holders
where xid_age > $1::bigint or open_for > make_interval(secs => $2::float8)
order by xid_age desc
limit 10
