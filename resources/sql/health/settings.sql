-- name: settings
-- title: Settings far from sane defaults
-- explain: A few settings whose values commonly hurt: a tiny shared_buffers, no statement timeout guard for idle transactions, fsync off, no pg_stat_statements.
-- fix: advice
-- versions: 12-17
select name as object, 'warning' as severity, format('%s = %s%s: %s', name, setting, coalesce(unit, ''), advice) as detail, fix
from (
    select s.*, r.advice, r.fix from pg_settings s join (values
        ('shared_buffers', 'below 128MB; 25% of RAM is the usual start', 'alter system set shared_buffers = ''1GB'';  -- restart',
         (select setting::bigint * 8192 < 128 * 1024 * 1024 from pg_settings where name = 'shared_buffers')),
        ('fsync', 'a crash can corrupt the database', 'alter system set fsync = on; select pg_reload_conf();',
         (select setting = 'off' from pg_settings where name = 'fsync')),
        ('max_connections', 'above 500: each connection costs memory; use a pooler', '-- put PgBouncer in front instead',
         (select setting::int > 500 from pg_settings where name = 'max_connections')),
        ('track_counts', 'autovacuum cannot work without it', 'alter system set track_counts = on; select pg_reload_conf();',
         (select setting = 'off' from pg_settings where name = 'track_counts')),
        ('autovacuum', 'dead rows and wraparound will catch up with you', 'alter system set autovacuum = on; select pg_reload_conf();',
         (select setting = 'off' from pg_settings where name = 'autovacuum'))
    ) as r(name, advice, fix, bad) on r.name = s.name
    where r.bad
) x
