-- name: temp_files
-- title: Temporary files
-- explain: Sorts and hashes that do not fit in work_mem spill to disk. Per database, counted since the statistics were last reset.
-- threshold: warn_mb = 1024 | Temporary files written above this is a warning
-- fix: advice
-- versions: 12-17
select datname as object, 'warning' as severity,
       format('%s temporary files, %s written since %s', temp_files, '{bytes:' || (temp_bytes)::bigint || '}',
              coalesce(date_trunc('second', stats_reset)::text, 'the server started')) as detail,
       '-- find the sorting queries in Slow queries; raise work_mem for them: set work_mem = ''64MB'';' as fix
from pg_stat_database
where datname is not null and temp_bytes > $1::float8 * 1048576
order by temp_bytes desc
