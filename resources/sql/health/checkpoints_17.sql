-- name: checkpoints
-- title: Requested checkpoints
-- explain: Checkpoints forced by WAL volume instead of the timer mean max_wal_size is too small for the write load: each one flushes everything and makes the next writes full-page images. (PostgreSQL 17 moved these counters to pg_stat_checkpointer.)
-- threshold: warn_percent = 30 | Requested checkpoints above this share of all checkpoints is a warning
-- threshold: min_checkpoints = 10 | Too few checkpoints to judge below this
-- fix: advice
-- versions: 17-17
select 'checkpointer' as object, 'warning' as severity,
       format('%s of %s checkpoints were requested (%s%%) since %s', num_requested, num_timed + num_requested,
              round(num_requested * 100.0 / (num_timed + num_requested)), date_trunc('second', stats_reset)) as detail,
       'alter system set max_wal_size = ''4GB''; select pg_reload_conf();  -- size it to about an hour of WAL' as fix
from pg_stat_checkpointer
where num_timed + num_requested >= $2::bigint
  and num_requested * 100.0 / (num_timed + num_requested) > $1::float8
