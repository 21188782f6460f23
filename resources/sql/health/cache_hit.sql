-- name: cache_hit
-- title: Cache hit ratio
-- explain: The share of table and index reads served from shared_buffers. Below 99% the working set no longer fits in memory and reads go to disk. Counted since the statistics were last reset.
-- threshold: warn_percent = 99 | A ratio below this is a warning
-- threshold: crit_percent = 95 | ... and below this is critical
-- threshold: min_reads = 10000 | Too few reads to judge below this
-- versions: 12-17
with ratios as (
    select 'tables' as kind, sum(heap_blks_hit)::float8 as hit, sum(heap_blks_read)::float8 as read from pg_statio_user_tables
    union all
    select 'indexes', sum(idx_blks_hit)::float8, sum(idx_blks_read)::float8 from pg_statio_user_indexes
)
select kind as object,
       case when hit * 100 / (hit + read) < $2::float8 then 'critical' else 'warning' end as severity,
       format('%s cache hit ratio %s%% (%s reads from disk, %s from memory)', kind,
              round((hit * 100 / (hit + read))::numeric, 2), read::bigint, hit::bigint) as detail,
       'Give PostgreSQL more memory (shared_buffers, and RAM for the OS cache), or find the queries that scan (see Top queries).' as fix
from ratios
where hit + read >= $3::float8 and hit * 100 / (hit + read) < $1::float8
