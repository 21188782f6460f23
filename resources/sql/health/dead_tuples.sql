-- name: dead_tuples
-- title: Dead tuples and autovacuum lag
-- explain: Dead rows wait for vacuum. Far more than autovacuum's trigger point means autovacuum is off for the table, cannot keep up, or is held back (see xmin horizon).
-- threshold: warn_factor = 2 | Dead rows above this multiple of autovacuum's trigger is a warning
-- threshold: crit_factor = 5 | ... above this multiple is critical
-- threshold: min_dead = 1000 | Ignore tables with fewer dead rows
-- versions: 12-17
with t as (
    select s.schemaname, s.relname, s.n_dead_tup, s.n_live_tup, c.reloptions,
           greatest(s.last_vacuum, s.last_autovacuum) as last_vacuumed,
           current_setting('autovacuum_vacuum_threshold')::float8
             + current_setting('autovacuum_vacuum_scale_factor')::float8
               * greatest(case when c.reltuples < 0 then s.n_live_tup else c.reltuples end, 0) as trigger_at
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
)
select format('%I.%I', schemaname, relname) as object,
       case when n_dead_tup > $2::float8 * trigger_at then 'critical' else 'warning' end as severity,
       format('%s dead rows beside %s live (autovacuum starts at %s); last vacuum: %s%s', n_dead_tup, n_live_tup,
              round(trigger_at), coalesce(date_trunc('second', last_vacuumed)::text, 'never'),
              case when reloptions::text like '%autovacuum_enabled=false%' then '; autovacuum is switched OFF for this table' else '' end) as detail,
       case when reloptions::text like '%autovacuum_enabled=false%'
            then format('alter table %I.%I reset (autovacuum_enabled); vacuum (analyze) %I.%I;', schemaname, relname, schemaname, relname)
            else format('vacuum (analyze, verbose) %I.%I;', schemaname, relname) end as fix
from t
where n_dead_tup >= $3::float8 and n_dead_tup > $1::float8 * trigger_at
order by n_dead_tup desc
limit 50
