#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Alerts benchmark (issue: 2,000 rules and 500 firing alerts with no UI stall over 50 ms): a real
# Prometheus evaluating 2,000 alerting rules in 40 groups, 500 of them firing, sending to a real
# Alertmanager; then
#   the Opsdeck pane: open → rules, alerts and silences parsed and shown; the longest stall
#   a refresh with everything on screen, and its longest stall
#   curl of the same three answers (the floor: no parsing, no drawing)
#   `opsdeck alerts ENV --all` (the CLI: a process, the three answers, the table printed)
#   bench/alerts.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-alerts >&2
source "$root/tests/services/common.sh"

state=$(mktemp -d /tmp/opsdeck-alertsbench.XXXXXX)
trap 'kill $(cat "$state"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$state"' EXIT
prom_port=$(free_port)
am_port=$(free_port)

python3 - "$state/rules.yml" <<'PY'
import sys
with open(sys.argv[1], "w") as out:
    out.write("groups:\n")
    for g in range(40):
        out.write(f"  - name: group{g}\n    rules:\n")
        for r in range(50):
            n = g * 50 + r
            fires = n % 4 == 0  # 500 of 2,000
            expr = "vector(1)" if fires else "vector(0) > 1"
            severity = "critical" if n % 20 == 0 else "warning"
            out.write(f"      - alert: Rule{n:04d}\n        expr: {expr}\n"
                      f"        labels: {{ severity: {severity}, team: team{n % 7} }}\n"
                      f"        annotations: {{ summary: \"rule {n} says something is wrong\", "
                      f"runbook_url: \"https://example.org/runbooks/{n}\" }}\n")
PY
cat >"$state/prometheus.yml" <<YML
global: { scrape_interval: 15s, evaluation_interval: 5s }
rule_files: [rules.yml]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:$am_port"] }] }]
YML
cat >"$state/alertmanager.yml" <<YML
route: { receiver: nobody, group_by: [alertname] }
receivers: [{ name: nobody }]
YML
prometheus-alertmanager --config.file="$state/alertmanager.yml" --storage.path="$state/am" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$state/am.log" 2>&1 &
echo $! >"$state/am.pid"
prometheus --config.file="$state/prometheus.yml" --storage.tsdb.path="$state/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >"$state/prometheus.log" 2>&1 &
echo $! >"$state/prometheus.pid"
wait_for_port "$prom_port" 30
wait_for_port "$am_port" 30
count() { # url jq-like path: how many alerts an answer holds
    curl -sf "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(len(d['data']['alerts']) if 'data' in d else len(d))" 2>/dev/null || echo 0
}
for _ in $(seq 60); do
    [ "$(count "http://127.0.0.1:$prom_port/api/v1/alerts")" -ge 500 ] &&
        [ "$(count "http://127.0.0.1:$am_port/api/v2/alerts")" -ge 500 ] && break
    sleep 1
done
cat >"$state/opsdeck.yaml" <<YML
name: alerts-bench
environments:
  bench:
    prometheus: { url: "http://127.0.0.1:$prom_port" }
    alertmanager: { url: "http://127.0.0.1:$am_port" }
YML
printf 'answers: /api/v1/rules %s bytes, /api/v2/alerts/groups %s bytes\n' \
    "$(curl -s "http://127.0.0.1:$prom_port/api/v1/rules?type=alert" | wc -c)" \
    "$(curl -s "http://127.0.0.1:$am_port/api/v2/alerts/groups" | wc -c)"

echo
echo "== Opsdeck (Release, offscreen) =="
QT_QPA_PLATFORM=offscreen XDG_DATA_HOME=$state "$build/bench/bench-alerts" "$state/opsdeck.yaml" "$runs"

echo
echo "== peers =="
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}'; }
for run in $(seq "$runs"); do
    began=$(date +%s%N)
    curl -s "http://127.0.0.1:$prom_port/api/v1/rules?type=alert" >/dev/null
    curl -s "http://127.0.0.1:$am_port/api/v2/alerts/groups" >/dev/null
    curl -s "http://127.0.0.1:$am_port/api/v2/silences" >/dev/null
    echo $((($(date +%s%N) - began) / 1000))
done | awk '{print $1/1000}' | median | xargs printf "%-52s median %8s ms\n" "curl of the same three answers (no parsing)"
for run in $(seq "$runs"); do
    began=$(date +%s%N)
    XDG_DATA_HOME=$state "$build/app/opsdeck" -w "$state/opsdeck.yaml" alerts bench --all >/dev/null || true
    echo $((($(date +%s%N) - began) / 1000))
done | awk '{print $1/1000}' | median | xargs printf "%-52s median %8s ms\n" "opsdeck alerts bench --all (CLI)"
