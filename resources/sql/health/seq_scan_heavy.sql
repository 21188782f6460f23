-- name: seq_scan_heavy
-- title: Tables read by sequential scans
-- explain: Large tables that are mostly read by full scans are the usual sign of a missing index.
-- threshold: min_rows = 10000 | Only tables with at least this many rows
-- threshold: max_index_percent = 95 | Warn when fewer than this share of scans use an index
-- fix: advice
-- versions: 12-17
select format('%I.%I', schemaname, relname) as object, 'warning' as severity,
       format('%s rows; %s sequential scans read %s rows, %s index scans (%s%% indexed)', n_live_tup, seq_scan, seq_tup_read,
              coalesce(idx_scan, 0), round(coalesce(idx_scan, 0) * 100.0 / nullif(seq_scan + coalesce(idx_scan, 0), 0), 1)) as detail,
       format('-- find the filtering columns in Top queries, then e.g.: create index concurrently on %I.%I (...);', schemaname, relname) as fix
from pg_stat_user_tables
where n_live_tup >= $1::bigint and seq_scan > 0
  and coalesce(idx_scan, 0) * 100.0 / (seq_scan + coalesce(idx_scan, 0)) < $2::float8
order by seq_tup_read desc
limit 50
