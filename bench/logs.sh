#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Logs benchmark, on the demo world (web1 and web2 reached through the bastion, as a user's are):
#   1,000,000 access lines (250,000 in each of four files, two per web host) into the Logs pane:
#       time until every line is read and shown, longest event-loop stall (goal < 50 ms) and
#       memory, against `ssh host cat` of the same files to /dev/null, both hosts at once
#       (goal <= 2x); the same with `opsdeck logs` to /dev/null
#   a request's line from the app's access log to the pane, followed (the "within 2 s" of the issue)
#   a search in a 1 GB access log on web1: `opsdeck logs --grep` (grep runs on the host)
#       against `ssh web1 grep` (goal <= 1.2x)
#   bench/logs.sh [RUNS]   (median of RUNS, default 3; as root: the demo's mount namespaces)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-logs >&2
opsdeck=$build/app/opsdeck

state=$(mktemp -d /tmp/opsdeck-logsbench.XXXXXX)
chmod 755 "$state"
cleanup() {
    bash "$root/tests/services/demo-world.sh" stop "$state/demo" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT
OPSDECK_BINARY=$opsdeck bash "$root/tests/services/demo-world.sh" start "$state/demo" >&2
source "$state/demo/env"
export XDG_DATA_HOME=$state/xdg XDG_CONFIG_HOME=$state/xdg

echo "logs bench: writing 4 x 250,000 lines and a 1 GB log" >&2
python3 - "$state/demo/hosts" <<'PY'
import os, sys, time
hosts = sys.argv[1]
now = time.time()
for host in ("web1", "web2"):
    d = f"{hosts}/{host}/srv/bench"
    os.makedirs(d, exist_ok=True)
    for name in ("a", "b"):
        with open(f"{d}/{name}.log", "w") as f:
            lines = []
            for i in range(250_000):  # the last ten minutes
                ts = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now - 600 + i * 600 / 250_000))
                status = 500 if i % 97 == 0 else 200
                lines.append(f'10.0.{i % 256}.{i % 200} - - [{ts}] "GET /timeline/{i}?page=2 HTTP/1.1" '
                             f'{status} {1000 + i % 5000} "-" "bench/{host}/{name}"\n')
            f.writelines(lines)
# 1 GB: a block of 10,000 lines written again and again, with ten needles in all.
block = "".join(f'10.1.{i % 256}.{i % 200} - - [01/Jan/2026:00:00:00 +0000] "GET /archive/{i} HTTP/1.1" '
                f'200 {i % 9000} "-" "bench"\n' for i in range(10_000))
needle = '10.9.9.9 - - [01/Jan/2026:00:00:00 +0000] "GET /needle-500 HTTP/1.1" 500 1 "-" "bench"\n'
with open(f"{hosts}/web1/srv/bench/big.log", "w") as f:
    written, n = 0, 0
    while written < 1_000_000_000:
        f.write(block)
        written += len(block)
        n += 1
        if n % 80 == 0:
            f.write(needle)
PY

python3 - "$state/demo/opsdeck.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
env = """  bench:
    hosts: [web1, web2]
    logs:
      - { file: /srv/bench/a.log, format: access }
      - { file: /srv/bench/b.log, format: access }
  bigfile:
    hosts: [web1]
    logs:
      - { file: /srv/bench/big.log, format: access }

"""
at = text.index("\ndashboards:")
open(path, "w").write(text[:at + 1] + env + text[at + 1:])
PY
workspace=$state/demo/opsdeck.yaml

proxy="ssh -q -o BatchMode=yes -o UserKnownHostsFile=$SSH_KNOWN_HOSTS -o StrictHostKeyChecking=yes -i $SSH_KEY -p $SSH_PORT_BASTION -W %h:%p $SSH_USER@127.0.0.1"
on() { # host command: ssh through the bastion, as a user would
    local port_var=SSH_PORT_$(echo "$1" | tr '[:lower:]' '[:upper:]')
    ssh -q -o BatchMode=yes -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
        -o ProxyCommand="$proxy" -i "$SSH_KEY" -p "${!port_var}" "$SSH_USER@127.0.0.1" "$2"
}
ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

cat_both() {
    on web1 "cat /srv/bench/a.log /srv/bench/b.log" >/dev/null &
    on web2 "cat /srv/bench/a.log /srv/bench/b.log" >/dev/null &
    wait
}

declare -a by_ssh=() by_cli=() grep_ssh=() grep_cli=()
for ((r = 0; r < runs; r++)); do
    t=$(ms); cat_both; by_ssh+=($(($(ms) - t)))
    t=$(ms); "$opsdeck" -w "$workspace" logs bench --since 15m >/dev/null 2>&1; by_cli+=($(($(ms) - t)))
    t=$(ms); on web1 "grep -E 'needle-500' /srv/bench/big.log" >/dev/null; grep_ssh+=($(($(ms) - t)))
    t=$(ms); "$opsdeck" -w "$workspace" logs bigfile --grep 'needle-500' --since 400d >/dev/null 2>&1
    grep_cli+=($(($(ms) - t)))
done
found=$("$opsdeck" -w "$workspace" logs bigfile --grep 'needle-500' --since 400d 2>/dev/null | wc -l)
m_ssh=$(printf '%s\n' "${by_ssh[@]}" | median)
m_cli=$(printf '%s\n' "${by_cli[@]}" | median)
g_ssh=$(printf '%s\n' "${grep_ssh[@]}" | median)
g_cli=$(printf '%s\n' "${grep_cli[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== 1,000,000 lines, 4 files on 2 hosts (median of $runs)"
echo "ssh host cat, both hosts at once:        $m_ssh ms"
echo "opsdeck logs bench --since 15m:          $m_cli ms  ($(ratio "$m_cli" "$m_ssh")x)"
pane_ms=() stalls=()
for ((r = 0; r < runs; r++)); do
    out=$(QT_QPA_PLATFORM=offscreen "$build/bench/bench-logs" "$workspace" bench 1000000 2>/dev/null)
    [[ $r == 0 ]] && echo "$out"
    pane_ms+=($(echo "$out" | sed -n 's/.* in \([0-9]*\) ms .*/\1/p'))
    stalls+=($(echo "$out" | sed -n 's/.*longest stall \([0-9.]*\) ms.*/\1/p' | head -1))
done
p=$(printf '%s\n' "${pane_ms[@]}" | median)
echo "Logs pane, every line read and shown:    $p ms  ($(ratio "$p" "$m_ssh")x; goal <= 2x)"
echo "longest stall in each run:               ${stalls[*]} ms  (goal < 50 ms)"
echo "== pane holding all 1,000,000"
QT_QPA_PLATFORM=offscreen "$build/bench/bench-logs" "$workspace" bench 1000000 1000000 2>/dev/null
echo "== latency: production's access logs followed in the pane, requests to web2"
QT_QPA_PLATFORM=offscreen "$build/bench/bench-logs" "$workspace" production --latency "$APP_PORT_PRODUCTION_WEB2" 10 2>/dev/null
echo "== grep over 1 GB on web1 (median of $runs; $found lines found)"
echo "ssh web1 grep:                           $g_ssh ms"
echo "opsdeck logs --grep (on the host):       $g_cli ms  ($(ratio "$g_cli" "$g_ssh")x; goal <= 1.2x)"
