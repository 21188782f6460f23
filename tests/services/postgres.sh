#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts/stops a throwaway PostgreSQL cluster on a free loopback port.
#   postgres.sh start STATE_DIR   -> writes STATE_DIR/env (PGHOST, PGPORT, ...)
#   postgres.sh stop STATE_DIR
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

cmd=${1:?start|stop}
state=${2:?state directory}
run_as=()
[[ $(id -u) == 0 ]] && run_as=(runuser -u postgres --)

stop() {
    [[ -f $state/env ]] || return 0
    local data
    data=$(sed -n 's/^OPSDECK_PG_DATA=//p' "$state/env")
    if [[ -n $data && -d $data ]]; then
        "${run_as[@]}" "$(pg_bindir)/pg_ctl" -D "$data/db" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$data"
    fi
    rm -f "$state/env"
}

start() {
    stop
    mkdir -p "$state"
    local bin data port
    bin=$(pg_bindir)
    # Outside the build tree: the postgres user must be able to reach it.
    data=$(mktemp -d /tmp/opsdeck-pg.XXXXXX)
    chmod 755 "$data"
    [[ $(id -u) == 0 ]] && chown postgres: "$data"
    port=$(free_port)
    "${run_as[@]}" "$bin/initdb" -D "$data/db" -U postgres -A trust --no-sync -E UTF8 \
        --locale=C >"$data/initdb.log" 2>&1 || { cat "$data/initdb.log" >&2; return 1; }
    cat >>"$data/db/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
synchronous_commit = off
full_page_writes = off
max_connections = 120
shared_preload_libraries = 'pg_stat_statements'
wal_level = logical
max_replication_slots = 8
log_min_messages = warning
# As Debian's clusters log (postgresql-common): the Logs pane reads pid, user and database.
log_line_prefix = '%m [%p] %q%u@%d '
log_lock_waits = on
CONF
    # Password auth for the "wrong password" tests; trust for everything else on loopback.
    cat >"$data/db/pg_hba.conf" <<HBA
local all all trust
host all opsdeck_pw 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
host replication postgres 127.0.0.1/32 trust
HBA
    "${run_as[@]}" "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 start >/dev/null \
        || { cat "$data/server.log" >&2; return 1; }
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
create role opsdeck_pw login password 'right-password';
create database opsdeck_test;
SQL
    cat >"$state/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=postgres
PGDATABASE=opsdeck_test
OPSDECK_PG_DATA=$data
OPSDECK_PG_BIN=$bin
ENV
    echo "postgres on 127.0.0.1:$port ($data)"
}

"$cmd"
