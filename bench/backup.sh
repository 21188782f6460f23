#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Backup benchmark (issue: a dump through the tunnel at most 1.2× pg_dump direct, a restore the
# same): a PostgreSQL 15 cluster with a database of about SIZE MiB, an sshd bastion in front of
# it, then, RUNS times each,
#   pg_dump -Fc straight to the server                       (the floor)
#   ssh -L through the bastion, then pg_dump -Fc             (what people do today)
#   opsdeck db backup through the workspace's tunnel          (+ pg_restore --list, SHA-256,
#                                                              exact row counts: all of it)
#   pg_restore into a new database, straight                  (the floor)
#   opsdeck db restore through the tunnel into a new database (+ the row-count comparison)
#   bench/backup.sh [SIZE_MB] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${1:-1024}
runs=${2:-3}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck >&2
source "$root/tests/services/common.sh"

state=$(mktemp -d /tmp/opsdeck-backupbench.XXXXXX)
chmod 755 "$state"
cleanup() {
    [[ -n ${tunnel_pid:-} ]] && kill "$tunnel_pid" 2>/dev/null
    bash "$root/tests/services/sshd.sh" stop "$state/ssh" || true
    bash "$root/tests/services/postgres.sh" stop "$state/pg" || true
    rm -rf "$state"
}
trap cleanup EXIT
bash "$root/tests/services/postgres.sh" start "$state/pg" >/dev/null
bash "$root/tests/services/sshd.sh" start "$state/ssh" bastion >/dev/null
set -a
source "$state/pg/env"
source "$state/ssh/env"
set +a
psql=("$OPSDECK_PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt)
"${psql[@]}" -d postgres -c "create database bench"
# About 150 bytes a row on disk: events with a timestamp and some text, plus a smaller table.
rows=$((size_mb * 1024 * 1024 / 150))
"${psql[@]}" -d bench -c "create table events as select g as id, now() - g * interval '1 s' as at,
    md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) as payload from generate_series(1, $rows) g" \
    -c "create table users as select g as id, 'user' || g || '@example.org' as email from generate_series(1, 100000) g" \
    -c "alter table events add primary key (id)" -c "vacuum analyze"
printf 'database bench: %s, %s rows\n' "$("${psql[@]}" -d bench -c "select pg_size_pretty(pg_database_size('bench'))")" "$rows"

cat >"$state/opsdeck.yaml" <<YML
name: backup-bench
ssh: { user: $SSH_USER, identity: $SSH_KEY, known_hosts: $SSH_KNOWN_HOSTS, use_ssh_config: false }
hosts:
  bastion: { address: 127.0.0.1, port: $SSH_PORT_BASTION }
environments:
  bench:
    database: { conninfo: "host=127.0.0.1 port=$PGPORT dbname=bench user=postgres", tunnel: bastion }
backups: { location: dumps }
YML
tunnel_port=$(free_port)
ssh -N -o BatchMode=yes -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -i "$SSH_KEY" -p "$SSH_PORT_BASTION" \
    -L "$tunnel_port:127.0.0.1:$PGPORT" "$SSH_USER@127.0.0.1" &
tunnel_pid=$!
wait_for_port "$tunnel_port" 10

seconds() { # command...: prints the wall time in seconds
    local began
    began=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    awk -v ns=$(($(date +%s%N) - began)) 'BEGIN {printf "%.2f\n", ns / 1e9}'
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }
row() { printf "%-58s median %7s s\n" "$1" "$2"; }
export XDG_DATA_HOME=$state/data
dump=("$OPSDECK_PG_BIN/pg_dump" -Fc -U postgres -h 127.0.0.1 -d bench)
direct=$(for r in $(seq "$runs"); do seconds "${dump[@]}" -p "$PGPORT" -f "$state/direct-$r.dump"; done | median)
tunnel=$(for r in $(seq "$runs"); do seconds "${dump[@]}" -p "$tunnel_port" -f "$state/ssh-$r.dump"; done | median)
opsdeck=$(for r in $(seq "$runs"); do
    seconds "$build/app/opsdeck" -w "$state/opsdeck.yaml" db backup bench -o "$state/opsdeck-$r.dump"
done | median)
printf 'dump: %s\n' "$(du -h "$state/direct-1.dump" | cut -f1)"
restore_direct=$(for r in $(seq "$runs"); do
    "${psql[@]}" -d postgres -c "create database r_direct_$r"
    seconds "$OPSDECK_PG_BIN/pg_restore" -U postgres -h 127.0.0.1 -p "$PGPORT" -d "r_direct_$r" "$state/direct-1.dump"
    "${psql[@]}" -d postgres -c "drop database r_direct_$r"
done | median)
restore_opsdeck=$(for r in $(seq "$runs"); do
    seconds "$build/app/opsdeck" -w "$state/opsdeck.yaml" db restore bench "$state/opsdeck-1.dump" --database "r_opsdeck_$r"
    "${psql[@]}" -d postgres -c "drop database r_opsdeck_$r"
done | median)

echo
row "pg_dump -Fc, direct" "$direct"
row "pg_dump -Fc through ssh -L (the bastion)" "$tunnel"
row "opsdeck db backup, through its tunnel (verified, hashed)" "$opsdeck"
printf "%-58s %s×\n" "opsdeck backup / pg_dump direct" "$(awk -v a="$opsdeck" -v b="$direct" 'BEGIN {printf "%.2f", a / b}')"
row "pg_restore into a new database, direct" "$restore_direct"
row "opsdeck db restore, through its tunnel (counts compared)" "$restore_opsdeck"
printf "%-58s %s×\n" "opsdeck restore / pg_restore direct" "$(awk -v a="$restore_opsdeck" -v b="$restore_direct" 'BEGIN {printf "%.2f", a / b}')"
