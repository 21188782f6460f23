-- name: invalid_indexes
-- title: Invalid indexes
-- explain: Left behind by a failed CREATE INDEX CONCURRENTLY: they are maintained on every write but never used for reads.
-- versions: 12-17
select format('%I.%I', n.nspname, c.relname) as object, 'warning' as severity,
       format('on %I, invalid (a failed concurrent build?)', t.relname) as detail,
       format('drop index concurrently %I.%I;  -- then build it again', n.nspname, c.relname) as fix
from pg_index i
join pg_class c on c.oid = i.indexrelid
join pg_class t on t.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where not i.indisvalid
  and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid)
