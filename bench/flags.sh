#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Feature flags benchmark (issue: 500 flags × 4 environments): four waffle databases, 500 flags
# each (flags, switches and samples; on, off, percentages, staff, users and groups; a tenth
# different per environment), then
#   the Opsdeck pane: open → every environment loaded and painted, longest event-loop stall
#   the matrix model taking one environment's flags
#   psql running the same query against the four databases (the floor)
#   `opsdeck flags ls` (the CLI: a process, four connections, the table printed)
#   bench/flags.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-flags >&2

state=$(mktemp -d /tmp/opsdeck-flagsbench.XXXXXX)
chmod 755 "$state"
trap 'bash "$root/tests/services/postgres.sh" stop "$state/pg" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
bash "$root/tests/services/postgres.sh" start "$state/pg" >&2
source "$state/pg/env"
psql=(psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres)

envs=(development qa staging production)
{
    echo "name: flags-bench"
    echo "environments:"
} >"$state/opsdeck.yaml"
for i in "${!envs[@]}"; do
    env=${envs[$i]}
    "${psql[@]}" -d postgres -c "create database flags_$env" >/dev/null
    # waffle 3's tables as its migrations create them, and the auth tables they point at.
    "${psql[@]}" -d "flags_$env" -v ON_ERROR_STOP=1 -v seed="$i" >/dev/null <<'SQL'
create table auth_user (id serial primary key, username varchar(150) unique not null);
create table auth_group (id serial primary key, name varchar(150) unique not null);
create table waffle_flag (id serial primary key, name varchar(100) unique not null, everyone boolean,
  percent numeric(3,1), testing boolean not null, superusers boolean not null, staff boolean not null,
  authenticated boolean not null, languages text not null, rollout boolean not null, note text not null,
  created timestamptz not null, modified timestamptz not null);
create table waffle_flag_users (id serial primary key, flag_id int not null references waffle_flag
  deferrable initially deferred, user_id int not null references auth_user deferrable initially deferred,
  unique (flag_id, user_id));
create table waffle_flag_groups (id serial primary key, flag_id int not null references waffle_flag
  deferrable initially deferred, group_id int not null references auth_group deferrable initially deferred,
  unique (flag_id, group_id));
create table waffle_switch (id serial primary key, name varchar(100) unique not null, active boolean not null,
  note text not null, created timestamptz not null, modified timestamptz not null);
create table waffle_sample (id serial primary key, name varchar(100) unique not null, percent numeric(4,1) not null,
  note text not null, created timestamptz not null, modified timestamptz not null);
insert into auth_user (username) select 'user' || g from generate_series(1, 200) g;
insert into auth_group (name) select 'group' || g from generate_series(1, 20) g;
-- 400 flags, 60 switches, 40 samples; every tenth one differs between environments.
insert into waffle_flag (name, everyone, percent, testing, superusers, staff, authenticated, languages,
                         rollout, note, created, modified)
select 'flag_' || g,
       case when g % 10 = 0 then (g + :seed) % 2 = 0 when g % 4 = 0 then null else g % 3 = 0 end,
       case when g % 4 = 0 then (g % 100)::numeric(3,1) end, false, true, g % 7 = 0, false, '', false,
       'flag number ' || g, now() - (g || ' days')::interval, now() - ((g % 90) || ' days')::interval
from generate_series(1, 400) g;
insert into waffle_flag_users (flag_id, user_id) select f.id, 1 + f.id % 200 from waffle_flag f where f.id % 5 = 0;
insert into waffle_flag_groups (flag_id, group_id) select f.id, 1 + f.id % 20 from waffle_flag f where f.id % 8 = 0;
insert into waffle_switch (name, active, note, created, modified)
select 'switch_' || g, (g + case when g % 10 = 0 then :seed else 0 end) % 2 = 0, '', now(), now()
from generate_series(1, 60) g;
insert into waffle_sample (name, percent, note, created, modified)
select 'sample_' || g, (g % 100)::numeric(4,1), '', now(), now() from generate_series(1, 40) g;
analyze;
SQL
    cat >>"$state/opsdeck.yaml" <<YAML
  $env:
    database: { conninfo: "host=127.0.0.1 port=$PGPORT dbname=flags_$env user=postgres" }
    flags: { backend: waffle }
YAML
done

echo
echo "== Opsdeck (Release, offscreen) =="
QT_QPA_PLATFORM=offscreen "$build/bench/bench-flags" "$state/opsdeck.yaml" "$runs"

echo
echo "== peers =="
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}'; }
sql=$("$build/bench/bench-flags" --print-sql)
for run in $(seq "$runs"); do
    began=$(date +%s%N)
    for env in "${envs[@]}"; do
        "${psql[@]}" -d "flags_$env" -Atc "$sql" >/dev/null
    done
    echo $((($(date +%s%N) - began) / 1000))
done | awk '{print $1/1000}' | median | xargs printf "%-52s median %8s ms  (4 psql processes, one query each)\n" "psql, the same query against the 4 databases"
for run in $(seq "$runs"); do
    began=$(date +%s%N)
    QT_QPA_PLATFORM=offscreen XDG_DATA_HOME=$state "$build/app/opsdeck" -w "$state/opsdeck.yaml" flags ls >/dev/null
    echo $((($(date +%s%N) - began) / 1000))
done | awk '{print $1/1000}' | median | xargs printf "%-52s median %8s ms\n" "opsdeck flags ls (CLI, all 4 environments)"
