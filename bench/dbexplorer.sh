#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Database explorer benchmark, against psql doing the same job (median of RUNS, wall clock,
# each a fresh process, so both pay their start-up and connection):
#   the tree of 10,000 tables with sizes:  opsdeck db tables   vs  psql -c '\dt+'  (goal <= 1.5x)
#   1,000,000 rows to CSV:                 opsdeck db query --csv  vs  psql --csv   (goal <= 1.2x)
#   keyset pages of a 10,000,000-row table: the first page, a page in the middle and the last
#                                          page, each as one query (what the grid sends)
#   the data grid in the Database pane:     the first page, then every page of the 10,000,000
#                                          rows with Next, Last, and every page back with
#                                          Previous: page-turn times, longest event-loop stall
#                                          (goal < 50 ms), resident memory
#   bench/dbexplorer.sh [RUNS] [GRID_PAGES]   (GRID_PAGES 0, the default: the whole table)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
grid_pages=${2:-0}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-datagrid >&2
opsdeck=$build/app/opsdeck

state=$(mktemp -d /tmp/opsdeck-explorerbench.XXXXXX)
chmod 755 "$state"
cleanup() {
    bash "$root/tests/services/postgres.sh" stop "$state/pg" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT
bash "$root/tests/services/postgres.sh" start "$state/pg" >&2
source "$state/pg/env"
psql=(psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres)
"${psql[@]}" -d postgres -c "create database bench" >/dev/null
cat >"$state/opsdeck.yaml" <<YAML
name: explorer-bench
environments:
  bench:
    database: { conninfo: "host=127.0.0.1 port=$PGPORT dbname=bench user=postgres" }
YAML

echo "creating 10,000 tables and a 10,000,000-row table (a few minutes)..." >&2
began=$SECONDS
"${psql[@]}" -d bench -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
select format('create table t_%s (id bigserial primary key, a int, b text); create index t_%s_a on t_%s (a);', i, i, i)
from generate_series(1, 10000) i \gexec
create table big (id bigint primary key, author int, body text, created timestamptz);
insert into big select g, g % 1000, md5(g::text), now() - g * interval '1 second' from generate_series(1, 10000000) g;
vacuum analyze;
SQL
echo "  done in $((SECONDS - began)) s" >&2

declare -A median
median_of() { # name command...
    local name=$1 times=() t0 t1
    shift
    for _ in $(seq "$runs"); do
        t0=$(date +%s%N)
        "$@" >"$state/last.out" 2>&1 || { echo "$name failed:" >&2; tail -5 "$state/last.out" >&2; return 1; }
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    median[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '  %-40s %6d ms (median of %d)\n' "$name" "${median[$name]}" "$runs"
}
ws=(-w "$state/opsdeck.yaml")

echo "== schema tree: 10,000 tables with sizes"
median_of "opsdeck db tables" "$opsdeck" "${ws[@]}" db tables bench
median_of "psql \\dt+" "${psql[@]}" -d bench -c '\dt+'

echo "== 1,000,000 rows to CSV"
query="select * from big where id <= 1000000 order by id"
median_of "opsdeck db query --csv" "$opsdeck" "${ws[@]}" db query bench "$query" --csv
median_of "psql --csv" "${psql[@]}" -d bench --csv -c "$query"

echo "== keyset pages of 10,000,000 rows (500 rows each, one query per page)"
median_of "first page" "$opsdeck" "${ws[@]}" db query bench \
    "select id, author, body, created from big order by id limit 500" --csv
median_of "page after id 5,000,000" "$opsdeck" "${ws[@]}" db query bench \
    "select id, author, body, created from big where (id) > (5000000) order by id limit 500" --csv
median_of "last page (read backwards)" "$opsdeck" "${ws[@]}" db query bench \
    "select id, author, body, created from big order by id desc limit 500" --csv
median_of "OFFSET 5,000,000 (what the grid avoids)" "${psql[@]}" -d bench -c \
    "select id, author, body, created from big order by id offset 5000000 limit 500"

echo "== the data grid in the Database pane (offscreen, one explorer session)"
QT_QPA_PLATFORM=offscreen "$build/bench/bench-datagrid" "$state/opsdeck.yaml" bench public.big "$grid_pages"

awk -v t="${median[opsdeck db tables]}" -v p="${median[psql \\dt+]}" \
    -v q="${median[opsdeck db query --csv]}" -v c="${median[psql --csv]}" 'BEGIN {
    printf "tree: %.2fx psql \\dt+ (goal <= 1.5x); CSV export: %.2fx psql --csv (goal <= 1.2x)\n", t / p, q / c
}'
