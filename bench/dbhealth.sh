#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Database health benchmark (issue: 10,000 tables with indexes, 300 connections):
#   Opsdeck health refresh (all checks, one pipeline) and activity refresh (query + model update)
#   psql running the same SQL in a warm session (the floor; per-statement \timing, summed)
#   check_postgres running its equivalent actions, each as Nagios runs it (a process per check)
#   pg_activity collecting one snapshot of activity (its own data module)
#   CPU used by the Opsdeck window idling with the Database health pane open
#   bench/dbhealth.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
"$root/scripts/bootstrap" >&2
command -v check_postgres >/dev/null || apt-get install -y -qq check-postgres pg-activity >/dev/null
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-dbhealth >&2

state=$(mktemp -d /tmp/opsdeck-dbbench.XXXXXX)
chmod 755 "$state"
holder=
cleanup() {
    [[ -n $holder ]] && kill "$holder" 2>/dev/null || true
    bash "$root/tests/services/postgres.sh" stop "$state/pg" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT
bash "$root/tests/services/postgres.sh" start "$state/pg" >&2
source "$state/pg/env"
run_as=()
[[ $(id -u) == 0 ]] && run_as=(runuser -u postgres --)
psql=(psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres)
"${psql[@]}" -d postgres -c "alter system set max_connections = 400" >/dev/null
"${run_as[@]}" "$OPSDECK_PG_BIN/pg_ctl" -D "$OPSDECK_PG_DATA/db" -w restart -l "$OPSDECK_PG_DATA/server.log" >/dev/null
"${psql[@]}" -d postgres -c "create database bench" >/dev/null

echo "creating 10,000 tables with a primary key and an index each (takes a minute)..." >&2
began=$SECONDS
"${psql[@]}" -d bench -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
select format('create table t_%s (id bigserial primary key, a int, b text); create index t_%s_a on t_%s (a);'
              ' insert into t_%s (a, b) select g, md5(g::text) from generate_series(1, 20) g;', i, i, i, i)
from generate_series(1, 10000) i \gexec
vacuum analyze;
SQL
echo "  done in $((SECONDS - began)) s; $("${psql[@]}" -d bench -Atc "select count(*) from pg_class") relations" >&2

# 300 client connections: most idle, some idle in transaction, a few running.
/usr/bin/python3 - "$PGPORT" >"$state/holder.log" 2>&1 <<'PY' &
import sys, time, psycopg2
conns = []
for i in range(300):
    c = psycopg2.connect(host="127.0.0.1", port=sys.argv[1], dbname="bench", user="postgres", application_name=f"app-{i % 7}")
    cur = c.cursor()
    if i % 10 == 0:
        cur.execute("select count(*) from t_1")  # opens a transaction: idle in transaction
    elif i % 50 == 1:
        c.autocommit = True
        cur.execute("select pg_sleep(0)")
    conns.append(c)
print("holding", len(conns), flush=True)
time.sleep(3600)
PY
holder=$!
until grep -q holding "$state/holder.log" 2>/dev/null; do sleep 0.5; done
echo "300 connections held" >&2
conninfo="host=127.0.0.1 port=$PGPORT dbname=bench user=postgres"

echo
echo "== on $("${psql[@]}" -d bench -Atc "select count(*) from pg_class where relkind = 'r'") tables, $("${psql[@]}" -d bench -Atc "select count(*) from pg_stat_activity where backend_type = 'client backend'") connections, PostgreSQL $("${psql[@]}" -d bench -Atc "show server_version")"
QT_QPA_PLATFORM=offscreen "$build/bench/bench-dbhealth" "$conninfo" "$runs"

# psql: the same statements in one warm session, repeated; sum of \timing per round.
QT_QPA_PLATFORM=offscreen "$build/bench/bench-dbhealth" --dump-sql "$state/checks.sql"
statements=$(grep -c ';$' "$state/checks.sql")
{
    echo '\timing on'
    for ((i = 0; i <= runs; i++)); do cat "$state/checks.sql"; done
} >"$state/psql-runs.sql"
"${psql[@]}" -d bench -o /dev/null -f "$state/psql-runs.sql" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' >"$state/psql-times"
/usr/bin/python3 - "$state/psql-times" "$statements" <<'PY'
import sys, statistics
times = [float(t) for t in open(sys.argv[1])]
n = int(sys.argv[2])
rounds = [sum(times[i:i + n]) for i in range(0, len(times), n)][1:]  # drop the warm-up round
health = [sum(times[i:i + n - 1]) for i in range(0, len(times), n)][1:]
act = sorted(times[i + n - 1] for i in range(0, len(times), n))
print(f"{'psql, same check SQL, warm session (floor)':44} median {statistics.median(health):8.1f} ms   (sum of {n - 1} statements, sequential)")
print(f"{'psql, same activity SQL':44} median {statistics.median(act):8.1f} ms")
PY

# check_postgres: the actions that correspond to Opsdeck's checks, one process each.
actions=(backends txn_idle txn_time query_time locks txn_wraparound sequence replication_slots last_vacuum
    last_analyze hitratio bloat)
/usr/bin/python3 - "$conninfo" "$PGPORT" "${actions[@]}" <<'PY'
import statistics, subprocess, sys, time
port, actions = sys.argv[2], sys.argv[3:]
def round_trip():
    per = {}
    for a in actions:
        t = time.perf_counter()
        subprocess.run(["check_postgres", f"--action={a}", "-H", "127.0.0.1", "-p", port, "-u", "postgres",
                        "--db", "bench", "--warning=1", "--critical=2"] if a in ("backends",) else
                       ["check_postgres", f"--action={a}", "-H", "127.0.0.1", "-p", port, "-u", "postgres", "--db", "bench"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        per[a] = (time.perf_counter() - t) * 1000
    return per
rounds = [round_trip() for _ in range(3)]
totals = [sum(r.values()) for r in rounds]
print(f"{'check_postgres, ' + str(len(actions)) + ' actions':44} median {statistics.median(totals):8.1f} ms   (slowest: "
      + ", ".join(f"{a} {statistics.median([r[a] for r in rounds]):.0f}" for a in sorted(actions, key=lambda a: -rounds[0][a])[:3]) + " ms)")
PY

# pg_activity: one snapshot with its own data-collection code.
/usr/bin/python3 - "$PGPORT" <<'PY' || echo "pg_activity: could not drive its data module (see above)"
import statistics, sys, time
from pgactivity.data import Data
d = Data.pg_connect(host="127.0.0.1", port=int(sys.argv[1]), user="postgres", database="bench")
d.pg_get_activities()  # warm-up, as its refresh loop would be
samples = []
for _ in range(10):
    t = time.perf_counter()
    rows = d.pg_get_activities()
    samples.append((time.perf_counter() - t) * 1000)
print(f"{'pg_activity, one activity snapshot':44} median {statistics.median(samples):8.1f} ms   ({len(rows)} rows)")
PY

# CPU with the pane open and idle, like pgAdmin's dashboard (40-70 % there).
cat >"$state/opsdeck.yaml" <<YML
version: 1
environments:
  bench: { database: "$conninfo" }
YML
QT_QPA_PLATFORM=offscreen "$build/app/opsdeck" "$state/opsdeck.yaml" --env bench --pane dbhealth >/dev/null 2>&1 &
gui=$!
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$gui/stat"; }
t0=$(ticks); sleep 30; t1=$(ticks)
kill "$gui"
hz=$(getconf CLK_TCK)
/usr/bin/python3 -c "print(f\"{'opsdeck window, Database health open, idle':44} {($t1 - $t0) / $hz / 30 * 100:.2f} % of one core over 30 s (refreshing every 2 s)\")"
