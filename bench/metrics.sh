#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Metrics pane benchmarks (issue: QtCharts' O(n²) append and 11,001-point series):
#   (a) one series of 1k/10k/100k/1M raw points: Opsdeck (M4 decimation + one replace() per run +
#       render) next to QtCharts fed the raw points with replace() (the research's numbers)
#   (b) 12 panels × 20 series × 11,001 points refreshed every 5 s: parse on the pool, UI-thread
#       time per refresh, longest event-loop stall, resident memory
#   (c) the demo world: switching to the Infrastructure dashboard → all 8 panels drawn, through
#       the SSH tunnel to its Prometheus
#   bench/metrics.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-metrics >&2
export QT_QPA_PLATFORM=offscreen
"$build/bench/bench-metrics" points "$runs"
echo
"$build/bench/bench-metrics" dashboard 12
echo
state=$(mktemp -d /tmp/opsdeck-metricsbench.XXXXXX)
chmod 755 "$state"
trap 'bash "$root/tests/services/demo-world.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
OPSDECK_BINARY=$build/app/opsdeck bash "$root/tests/services/demo-world.sh" start "$state" >&2
sleep 20 # some scrapes to draw
"$build/bench/bench-metrics" open "$state/opsdeck.yaml" production "$runs"
