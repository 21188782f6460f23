-- name: top_queries
-- title: Slow queries (pg_stat_statements)
-- explain: Statements with a high mean time that run often: the best places to add an index or rewrite. Needs the pg_stat_statements extension.
-- threshold: min_mean_ms = 20 | Mean execution time above this...
-- threshold: min_calls = 100 | ... for statements called at least this often
-- fix: advice
-- versions: 13-17
-- requires: pg_stat_statements
select queryid::text as object, 'warning' as severity,
       format('%s calls, mean %s ms, total %s s: %s', calls, round(mean_exec_time::numeric, 1),
              round((total_exec_time / 1000)::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 200)) as detail,
       '-- explain (analyze, buffers) <the query>;' as fix
from pg_stat_statements
where dbid = (select oid from pg_database where datname = current_database())
  and mean_exec_time >= $1::float8 and calls >= $2::bigint
order by total_exec_time desc
limit 20
