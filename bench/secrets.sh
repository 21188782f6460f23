#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Secrets benchmark (issue 6): decrypt + MAC verification and encryption of a 1,000-key file and a
# 5 MB binary file, in process, next to the npm `sops-age` decryptor (an independent
# implementation) on the same files; time and peak memory.
#   bench/secrets.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
"$root/scripts/bootstrap" >&2
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-secrets >&2

state=$(mktemp -d /tmp/opsdeck-secretsbench.XXXXXX)
trap 'rm -rf "$state"' EXIT
(cd "$state" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund sops-age >/dev/null)
age-keygen -o "$state/keys.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$state/keys.txt")

/usr/bin/python3 - "$state" <<'PY'
import json, os, sys
state = sys.argv[1]
doc = {f"service_{i:04d}": {"password": os.urandom(12).hex(), "port": 5000 + i, "enabled": i % 2 == 0}
       for i in range(334)}
doc = {k: v for k, v in doc.items()}
flat = {}
for k, v in doc.items():  # 1,002 leaves: 334 × (password, port, enabled)
    flat[k] = v
json.dump(flat, open(f"{state}/keys1000.json", "w"), indent=2)
with open(f"{state}/keys1000.yaml", "w") as out:  # the same 1,002 values as YAML, with comments
    for k, v in flat.items():
        out.write(f"# {k}\n{k}:\n    password: {v['password']}\n    port: {v['port']}\n"
                  f"    enabled: {'true' if v['enabled'] else 'false'}\n")
open(f"{state}/blob5mb.bin", "wb").write(os.urandom(5 * 1024 * 1024))
PY
"$build/app/opsdeck" secrets encrypt --age "$recipient" "$state/keys1000.json" >"$state/keys1000.enc.json"
"$build/app/opsdeck" secrets encrypt --age "$recipient" "$state/keys1000.yaml" >"$state/keys1000.enc.yaml"
"$build/app/opsdeck" secrets encrypt --age "$recipient" "$state/blob5mb.bin" >"$state/blob5mb.enc"

for f in keys1000.enc.yaml keys1000.enc.json blob5mb.enc; do
    "$build/bench/bench-secrets" "$state/$f" "$state/keys.txt" "$runs"
done
for f in keys1000.enc.yaml keys1000.enc.json blob5mb.enc; do
    (cd "$state" && node --input-type=module - "$state/$f" "$(grep ^AGE "$state/keys.txt")" "$runs" <<'JS'
import { decryptSops } from "sops-age";
const [file, secretKey, runs] = process.argv.slice(2);
const fileType = file.endsWith(".yaml") ? "yaml" : "json"; // the binary store is JSON on disk
const ms = [];
let rss = 0;
for (let i = 0; i < Number(runs); i++) {
  const t = process.hrtime.bigint();
  try {
    await decryptSops({ path: file, secretKey, fileType });
  } catch (e) {
    console.log(`${("sops-age, " + file.split("/").pop()).padEnd(44)} failed: ${e.message}`);
    process.exit(0);
  }
  ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  rss = Math.max(rss, process.memoryUsage().rss);
}
ms.sort((a, b) => a - b);
console.log(`${("sops-age (npm), " + file.split("/").pop()).padEnd(44)} decrypt+MAC ${ms[ms.length >> 1].toFixed(2).padStart(8)} ms   peak RSS ${String(Math.round(rss / 1048576)).padStart(4)} MB   (median of ${runs})`);
JS
    )
done
