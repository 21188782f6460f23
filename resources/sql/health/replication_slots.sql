-- name: replication_slots
-- title: Replication slots
-- explain: A slot keeps every WAL segment its consumer has not confirmed. An inactive slot whose consumer is gone fills the disk until the server stops.
-- threshold: warn_retained_mb = 0 | An inactive slot retaining more than this is a warning
-- threshold: crit_retained_mb = 10240 | Any slot retaining more than this is critical
-- versions: 13-17
select slot_name as object,
       case when wal_status = 'lost' or pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) > $2::float8 * 1048576
            then 'critical' else 'warning' end as severity,
       format('%s slot%s, %s, retains %s of WAL (wal_status %s)', slot_type,
              coalesce(' (' || plugin || ')', ''), case when active then 'active' else 'INACTIVE' end,
              '{bytes:' || (pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn))::bigint || '}', coalesce(wal_status, 'n/a')) as detail,
       format('select pg_drop_replication_slot(%L);  -- only if its consumer is gone for good', slot_name) as fix
from pg_replication_slots
where (not active and coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0) >= $1::float8 * 1048576)
   or pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) > $2::float8 * 1048576
   or wal_status = 'lost'
order by pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) desc nulls last
