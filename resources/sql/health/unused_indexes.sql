-- name: unused_indexes
-- title: Unused indexes
-- explain: Indexes never scanned since the statistics were reset cost space and slow every write. Check replicas before dropping: they keep their own counts.
-- threshold: min_size_mb = 10 | Only report indexes at least this large
-- versions: 12-17
select format('%I.%I', n.nspname, c.relname) as object, 'warning' as severity,
       format('on %I, %s, never scanned%s', t.relname, '{bytes:' || (c.relpages::bigint * current_setting('block_size')::int)::bigint || '}',
              coalesce(' since ' || date_trunc('second', (select stats_reset from pg_stat_database
                                                           where datname = current_database()))::text, '')) as detail,
       format('drop index concurrently %I.%I;', n.nspname, c.relname) as fix
from pg_index i
join pg_class c on c.oid = i.indexrelid
join pg_class t on t.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where c.relpages::bigint * current_setting('block_size')::int >= $1::float8 * 1024 * 1024 -- cheap filter first
  and not i.indisunique and not i.indisprimary and not i.indisexclusion
  and n.nspname <> 'information_schema' and n.nspname not like 'pg\_%'
  and pg_stat_get_numscans(i.indexrelid) = 0
order by c.relpages desc
