-- name: sequences
-- title: Sequences near their maximum
-- explain: When a sequence (or the column it feeds) runs out of numbers, inserts fail. An int column stops at 2,147,483,647 even if its sequence is bigint.
-- threshold: warn_percent = 75 | Used more than this share of the range is a warning
-- threshold: crit_percent = 90 | ... more than this is critical
-- versions: 12-17
with seqs as (
    select s.schemaname, s.sequencename, s.last_value, s.increment_by,
           least(s.max_value, case t.typname when 'int2' then 32767 when 'int4' then 2147483647 else 9223372036854775807 end)::numeric as max_value,
           s.min_value, format('%I.%I.%I', n.nspname, tc.relname, a.attname) as col
    from pg_sequences s
    join pg_class sc on sc.relname = s.sequencename
    join pg_namespace sn on sn.oid = sc.relnamespace and sn.nspname = s.schemaname
    left join pg_depend d on d.objid = sc.oid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')
    left join pg_class tc on tc.oid = d.refobjid
    left join pg_namespace n on n.oid = tc.relnamespace
    left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
    left join pg_type t on t.oid = a.atttypid
    where s.last_value is not null
)
select format('%I.%I', schemaname, sequencename) as object,
       case when used >= $2::float8 then 'critical' else 'warning' end as severity,
       format('%s%% used (%s of %s)%s', round(used, 1), last_value, max_value, coalesce(' for ' || col, '')) as detail,
       coalesce(format('alter table %s type bigint;  -- plan it: rewrites the table', col), 'alter sequence ... as bigint;') as fix
from (select *, case when increment_by > 0 then last_value * 100.0 / max_value
                     else last_value * 100.0 / min_value end as used from seqs) x
where used >= $1::float8
order by used desc
