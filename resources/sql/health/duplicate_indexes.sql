-- name: duplicate_indexes
-- title: Duplicate indexes
-- explain: An index whose columns are a leading part of another index on the same table (same method, same expression and predicate) is redundant: the other one serves the same queries.
-- versions: 12-17
select format('%I.%I', n.nspname, ci.relname) as object, 'warning' as severity,
       format('on %I %s is covered by %I %s', ct.relname, regexp_replace(pg_get_indexdef(a.indexrelid), '^.* USING ', ''),
              cb.relname, regexp_replace(pg_get_indexdef(b.indexrelid), '^.* USING ', '')) as detail,
       format('drop index concurrently %I.%I;', n.nspname, ci.relname) as fix
from pg_index a
join pg_index b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
join pg_class ci on ci.oid = a.indexrelid
join pg_class cb on cb.oid = b.indexrelid
join pg_class ct on ct.oid = a.indrelid
join pg_namespace n on n.oid = ct.relnamespace
where not a.indisunique and ci.relam = cb.relam
  and n.nspname not in ('pg_catalog', 'information_schema')
  and (b.indkey::text || ' ') like (a.indkey::text || ' %')
  and (b.indclass::text || ' ') like (a.indclass::text || ' %')
  and a.indexprs is null and b.indexprs is null
  and coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
  and (array_length(a.indkey::int2[], 1) < array_length(b.indkey::int2[], 1) or a.indexrelid > b.indexrelid)
order by 1
