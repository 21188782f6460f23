-- name: sequences
-- title: Sequences near their maximum
-- explain: When a sequence (or the integer column it feeds) runs out of numbers, inserts fail. An integer column stops at 2,147,483,647 even if its sequence is bigint. Only sequences bounded by int2/int4 are read: a bigint one lasts 292,000 years at a million inserts a second, and reading every sequence is what makes this check slow on large schemas.
-- threshold: warn_percent = 75 | Used more than this share of the range is a warning
-- threshold: crit_percent = 90 | ... more than this is critical
-- versions: 12-17
with bounded as (
    -- A sequence not owned by a column (created on its own) has no table: col stays null.
    select s.seqrelid, s.seqincrement, s.seqmin, s.seqtypid <> 'int8'::regtype as narrow_sequence,
           least(s.seqmax, case t.typname when 'int2' then 32767 when 'int4' then 2147483647 else s.seqmax end)::numeric as max_value,
           case when tc.oid is not null then format('%I.%I.%I', tn.nspname, tc.relname, a.attname) end as col,
           case when t.typname in ('int2', 'int4')
                then format('alter table %I.%I alter column %I type bigint;', tn.nspname, tc.relname, a.attname) end as widen_column
    from pg_sequence s
    left join pg_depend d on d.objid = s.seqrelid and d.classid = 'pg_class'::regclass
                          and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
    left join pg_class tc on tc.oid = d.refobjid
    left join pg_namespace tn on tn.oid = tc.relnamespace
    left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
    left join pg_type t on t.oid = a.atttypid
    where s.seqmax <= 2147483647 or t.typname in ('int2', 'int4')
), used as (
    -- pg_monitor alone may not read other roles' sequences: those are counted, not read.
    select b.*, case when has_sequence_privilege(b.seqrelid, 'SELECT,USAGE')
                     then pg_sequence_last_value(b.seqrelid) end as last_value,
           has_sequence_privilege(b.seqrelid, 'SELECT,USAGE') as readable
    from bounded b
)
select format('%I.%I', n.nspname, c.relname) as object,
       case when pct >= $2::float8 then 'critical' else 'warning' end as severity,
       format('%s%% used (%s of %s)%s', round(pct, 1), last_value, max_value, coalesce(' for ' || col, '')) as detail,
       -- Both limits must go: a bigint column behind an int sequence, or the reverse, still stops.
       concat_ws(' ', widen_column,
                 case when narrow_sequence then format('alter sequence %I.%I as bigint;', n.nspname, c.relname) end,
                 case when widen_column is not null then '-- plan it: rewrites the table' end) as fix
from (select *, case when seqincrement > 0 then last_value * 100.0 / max_value else last_value * 100.0 / seqmin end as pct
      from used where last_value is not null) x
join pg_class c on c.oid = x.seqrelid
join pg_namespace n on n.oid = c.relnamespace
where pct >= $1::float8
union all
select 'unreadable sequences', 'info',
       format('%s integer sequences could not be read by %s; grant it SELECT on them, or run Opsdeck as their owner',
              count(*), current_user),
       format('grant select on all sequences in schema public to %I;', current_user)
from used where not readable
having count(*) > 0
order by 1
