-- name: unused_indexes
-- title: Unused indexes
-- explain: Indexes never scanned since the statistics were reset cost space and slow every write. Check replicas before dropping: they keep their own counts.
-- threshold: min_size_mb = 10 | Only report indexes at least this large
-- versions: 12-17
select format('%I.%I', s.schemaname, s.indexrelname) as object, 'warning' as severity,
       format('on %I, %s, never scanned%s', s.relname, pg_size_pretty(c.relpages::bigint * current_setting('block_size')::int),
              coalesce(' since ' || date_trunc('second', d.stats_reset)::text, '')) as detail,
       format('drop index concurrently %I.%I;', s.schemaname, s.indexrelname) as fix
from pg_stat_user_indexes s
join pg_class c on c.oid = s.indexrelid
join pg_index i on i.indexrelid = s.indexrelid
cross join (select stats_reset from pg_stat_database where datname = current_database()) d
where s.idx_scan = 0 and not i.indisunique and not i.indisprimary and not i.indisexclusion
  and c.relpages::bigint * current_setting('block_size')::int >= $1::float8 * 1024 * 1024
order by c.relpages desc
