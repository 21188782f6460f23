-- name: wraparound
-- title: Transaction ID and multixact wraparound
-- explain: Each database must be frozen before its oldest transaction (or multixact) ID is 2 billion old. From PostgreSQL 14, when fewer than 3 million IDs are left the server refuses to start new transactions until a VACUUM freezes the oldest tables.
-- threshold: warn_age = 500000000 | Oldest unfrozen XID or multixact older than this is a warning
-- threshold: crit_age = 1000000000 | ... older than this is critical
-- fix: advice
-- versions: 12-17
select datname as object,
       case when greatest(age(datfrozenxid), mxid_age(datminmxid)) > $2::bigint then 'critical' else 'warning' end as severity,
       format('transaction ID age %s, multixact age %s (%s%% of the 2-billion limit)', age(datfrozenxid), mxid_age(datminmxid),
              round(greatest(age(datfrozenxid), mxid_age(datminmxid)) * 100.0 / 2000000000, 1)) as detail,
       format('-- in %I, freeze the oldest tables first: vacuum (freeze, verbose) <table>;', datname) as fix
from pg_database
where datallowconn and greatest(age(datfrozenxid), mxid_age(datminmxid)) > $1::bigint
order by greatest(age(datfrozenxid), mxid_age(datminmxid)) desc
