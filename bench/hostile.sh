#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile input (issue 18, item 10): a newline-free host stream and a Prometheus answer of empty
# series at 1×, 10× and 100× size. Memory must stay flat and time grow linearly.
#   bench/hostile.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench-hostile >&2
for size in 5 50 500; do "$build/bench/bench-hostile" lines "$size"; done
for size in 5 50; do "$build/bench/bench-hostile" awk "$size"; done # 500 MiB takes awk minutes
for size in 1 10 100; do "$build/bench/bench-hostile" series "$size"; done
