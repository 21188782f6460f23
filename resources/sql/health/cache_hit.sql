-- name: cache_hit
-- title: Cache hit ratio
-- explain: The share of table and index reads served from shared_buffers. Below 99% the working set no longer fits in memory and reads go to disk. Counted since the statistics were last reset (the Overview tab shows it per interval).
-- threshold: warn_percent = 99 | A ratio below this is a warning
-- threshold: crit_percent = 95 | ... and below this is critical
-- threshold: min_reads = 10000 | Too few reads to judge below this
-- fix: advice
-- roles: primary, standby
-- versions: 12-17
with ratios as (
    -- Per-relation counters straight from the statistics functions: one pass over pg_class,
    -- several times cheaper than the pg_statio_* views on large schemas.
    select case when c.relkind = 'i' then 'indexes' else 'tables' end as kind,
           sum(pg_stat_get_blocks_hit(c.oid))::float8 as hit,
           sum(pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid))::float8 as read
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'm', 'i') and n.nspname <> 'information_schema' and n.nspname not like 'pg\_%'
    group by 1
)
select kind as object,
       case when hit * 100 / (hit + read) < $2::float8 then 'critical' else 'warning' end as severity,
       format('%s cache hit ratio %s%% (%s reads from disk, %s from memory)', kind,
              round((hit * 100 / (hit + read))::numeric, 2), read::bigint, hit::bigint) as detail,
       'Give PostgreSQL more memory (shared_buffers, and RAM for the OS cache), or find the queries that scan (see Slow queries).' as fix
from ratios
where hit + read >= $3::float8 and hit * 100 / (hit + read) < $1::float8
