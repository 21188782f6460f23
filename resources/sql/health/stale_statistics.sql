-- name: stale_statistics
-- title: Stale statistics (analyze lag)
-- explain: The planner estimates from statistics that ANALYZE gathers. Far more rows changed than autoanalyze's trigger point means bad plans are likely: autoanalyze is off for the table, lagging, or the table was bulk-loaded.
-- threshold: warn_factor = 2 | Rows changed since the last analyze above this multiple of the trigger is a warning
-- threshold: min_changed = 1000 | Ignore tables with fewer changed rows
-- versions: 12-17
with t as (
    select s.schemaname, s.relname, s.n_mod_since_analyze, s.n_live_tup,
           greatest(s.last_analyze, s.last_autoanalyze) as last_analyzed,
           current_setting('autovacuum_analyze_threshold')::float8
             + current_setting('autovacuum_analyze_scale_factor')::float8
               * greatest(case when c.reltuples < 0 then s.n_live_tup else c.reltuples end, 0) as trigger_at
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
)
select format('%I.%I', schemaname, relname) as object, 'warning' as severity,
       format('%s rows changed since the last analyze (autoanalyze starts at %s); last analyzed: %s', n_mod_since_analyze,
              round(trigger_at), coalesce(date_trunc('second', last_analyzed)::text, 'never')) as detail,
       format('analyze verbose %I.%I;', schemaname, relname) as fix
from t
where n_mod_since_analyze >= $2::float8 and n_mod_since_analyze > $1::float8 * trigger_at
order by n_mod_since_analyze desc
limit 50
