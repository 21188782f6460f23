#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts/stops a real Unleash server (npm unleash-server 7.5.1, the last release that runs on
# Node 20) on a free loopback port, with its own throwaway PostgreSQL cluster.
#   unleash.sh start STATE_DIR   -> writes STATE_DIR/env (UNLEASH_URL, UNLEASH_TOKEN)
#   unleash.sh stop STATE_DIR
# The package is installed once into ~/.cache/opsdeck (outside the checkout: never committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

cmd=${1:?start|stop}
state=${2:?state directory}
version=7.5.1
package_dir=${XDG_CACHE_HOME:-$HOME/.cache}/opsdeck/unleash-server-$version

stop() {
    if [[ -f $state/env ]]; then
        local pid
        pid=$(sed -n 's/^UNLEASH_PID=//p' "$state/env")
        [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
        rm -f "$state/env"
    fi
    bash "$here/postgres.sh" stop "$state/pg"
}

install_package() {
    [[ -f $package_dir/node_modules/unleash-server/package.json ]] && return 0
    command -v npm >/dev/null || { echo "unleash.sh: npm is needed (apt-get install npm)" >&2; return 1; }
    mkdir -p "$package_dir"
    (cd "$package_dir" && npm init -y >/dev/null &&
        npm install --silent --no-audit --no-fund "unleash-server@$version" >npm.log 2>&1) ||
        { echo "unleash.sh: npm install unleash-server@$version failed:" >&2; tail -20 "$package_dir/npm.log" >&2; return 1; }
}

start() {
    stop
    mkdir -p "$state"
    install_package
    bash "$here/postgres.sh" start "$state/pg" >/dev/null
    local pgport port token
    pgport=$(sed -n 's/^PGPORT=//p' "$state/pg/env")
    psql -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -qc "create database unleash" >/dev/null
    port=$(free_port)
    token='*:*.opsdeck-test-admin-secret'
    # The launcher sits beside node_modules so `import 'unleash-server'` resolves.
    cat >"$package_dir/opsdeck-start.mjs" <<'JS'
import { start } from 'unleash-server';
await start({
  db: { user: 'postgres', password: '', host: '127.0.0.1', port: Number(process.env.PGPORT),
        database: 'unleash', ssl: false },
  server: { port: Number(process.env.UNLEASH_PORT), host: '127.0.0.1' },
});
JS
    PGPORT=$pgport UNLEASH_PORT=$port INIT_ADMIN_API_TOKENS=$token CHECK_VERSION=false \
        SEND_TELEMETRY=false LOG_LEVEL=warn NODE_NO_WARNINGS=1 \
        setsid node "$package_dir/opsdeck-start.mjs" >"$state/unleash.log" 2>&1 &
    local pid=$!
    local deadline=$((SECONDS + 100))
    until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
            echo "unleash.sh: the server did not come up:" >&2
            tail -30 "$state/unleash.log" >&2
            kill "$pid" 2>/dev/null || true
            return 1
        fi
        sleep 0.5
    done
    cat >"$state/env" <<ENV
UNLEASH_URL=http://127.0.0.1:$port
UNLEASH_TOKEN=$token
UNLEASH_PID=$pid
ENV
    echo "unleash $version on 127.0.0.1:$port"
}

"$cmd"
