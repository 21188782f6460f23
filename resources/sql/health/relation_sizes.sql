-- name: relation_sizes
-- title: Largest tables
-- explain: The biggest tables with and without their indexes (and TOAST), estimated from the catalogue's page counts: no relation is opened, so this never waits behind DDL. Information, not a problem.
-- threshold: top = 10 | How many tables to list
-- fix: advice
-- versions: 12-17
-- on-demand: yes
select format('%I.%I', n.nspname, c.relname) as object, 'info' as severity,
       format('%s in all: table %s, indexes %s, TOAST %s; about %s rows',
              '{bytes:' || ((c.relpages + coalesce(t.relpages, 0) + coalesce(i.pages, 0)) * bs)::bigint || '}',
              '{bytes:' || (c.relpages * bs)::bigint || '}', '{bytes:' || (coalesce(i.pages, 0) * bs)::bigint || '}',
              '{bytes:' || (coalesce(t.relpages, 0) * bs)::bigint || '}', greatest(c.reltuples, 0)::bigint) as detail,
       '' as fix,
       (c.relpages + coalesce(t.relpages, 0) + coalesce(i.pages, 0)) * bs as total_bytes,
       coalesce(i.pages, 0) * bs as index_bytes
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join (select current_setting('block_size')::bigint as bs) b
left join pg_class t on t.oid = c.reltoastrelid
left join (select x.indrelid, sum(ic.relpages)::bigint as pages  -- one grouped pass, not a lookup per table
           from pg_index x join pg_class ic on ic.oid = x.indexrelid group by x.indrelid) i on i.indrelid = c.oid
where c.relkind in ('r', 'm', 'p') and n.nspname <> 'information_schema' and n.nspname not like 'pg\_%'
order by c.relpages + coalesce(t.relpages, 0) + coalesce(i.pages, 0) desc
limit $1::int
