-- Deliberately unhealthy things in minitwit_prod for the database health pane to find.
-- (Live ones, the idle-in-transaction session and the blocked queries, are held open by
-- tests/services/demo_db_trouble.py.)

-- Statement statistics for the "slow queries" check (staging goes without, to show the hint).
create extension if not exists pg_stat_statements;

-- A duplicate of the index Django made for the author foreign key.
create index twit_message_author_dup on twit_message (author_id);

-- Many dead tuples, and autovacuum switched off for the table; plus an index (about 15 MB)
-- that no query uses.
create table twit_pageview (id serial primary key, path text, at timestamptz default now())
    with (autovacuum_enabled = false);
insert into twit_pageview (path) select '/user/' || g from generate_series(1, 400000) g;
create index twit_pageview_path_unused on twit_pageview (path);
delete from twit_pageview where id % 5 <> 0;

-- An inactive logical replication slot that keeps WAL from being recycled.
select pg_create_logical_replication_slot('analytics_export', 'pgoutput');
create table twit_archive as select g as id, repeat('x', 200) as pad from generate_series(1, 20000) g;

-- The table the live lock demo fights over.
create table twit_report (id serial primary key, title text);
insert into twit_report (title) select 'report ' || g from generate_series(1, 100) g;
