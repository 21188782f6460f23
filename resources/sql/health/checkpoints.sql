-- name: checkpoints
-- title: Requested checkpoints
-- explain: Checkpoints forced by WAL volume instead of the timer mean max_wal_size is too small for the write load: each one flushes everything and makes the next writes full-page images.
-- threshold: warn_percent = 30 | Requested checkpoints above this share of all checkpoints is a warning
-- threshold: min_checkpoints = 10 | Too few checkpoints to judge below this
-- fix: advice
-- versions: 12-16
select 'checkpointer' as object, 'warning' as severity,
       format('%s of %s checkpoints were requested (%s%%) since %s', checkpoints_req, checkpoints_timed + checkpoints_req,
              round(checkpoints_req * 100.0 / (checkpoints_timed + checkpoints_req)), date_trunc('second', stats_reset)) as detail,
       'alter system set max_wal_size = ''4GB''; select pg_reload_conf();  -- size it to about an hour of WAL' as fix
from pg_stat_bgwriter
where checkpoints_timed + checkpoints_req >= $2::bigint
  and checkpoints_req * 100.0 / (checkpoints_timed + checkpoints_req) > $1::float8
