#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo world: PostgreSQL with a staging and a production database, and sshd standing in for
# the hosts bastion, web1 and web2, all on 127.0.0.1. Writes STATE_DIR/opsdeck.yaml, a copy of
# resources/examples/demo/opsdeck.yaml with the generated ports and paths filled in.
#   demo-stack.sh start STATE_DIR
#   demo-stack.sh stop STATE_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

cmd=${1:?start|stop}
state=${2:?state directory}

stop() {
    bash "$here/sshd.sh" stop "$state/ssh" || true
    bash "$here/postgres.sh" stop "$state/postgres" || true
}

start() {
    mkdir -p "$state"
    bash "$here/postgres.sh" start "$state/postgres"
    bash "$here/sshd.sh" start "$state/ssh" bastion web1 web2
    # shellcheck disable=SC1091
    source "$state/postgres/env"
    # shellcheck disable=SC1091
    source "$state/ssh/env"
    local db users
    for db in minitwit_staging minitwit_prod; do
        users=300
        [[ $db == minitwit_prod ]] && users=3000
        psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "create database $db" >/dev/null
        psql -h "$PGHOST" -p "$PGPORT" -U postgres -d "$db" -q -v ON_ERROR_STOP=1 \
            -v users=$users -v messages=$((users * 4)) -f "$root/resources/examples/demo/seed.sql" >/dev/null
    done
    export OPSDECK_DEMO_DIR=$state OPSDECK_DEMO_SSH_USER=$SSH_USER OPSDECK_DEMO_PG_PORT=$PGPORT \
        OPSDECK_DEMO_SSH_PORT_BASTION=$SSH_PORT_BASTION OPSDECK_DEMO_SSH_PORT_WEB1=$SSH_PORT_WEB1 \
        OPSDECK_DEMO_SSH_PORT_WEB2=$SSH_PORT_WEB2
    python3 - "$root/resources/examples/demo/opsdeck.yaml" "$state/opsdeck.yaml" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\$\{(OPSDECK_DEMO_[A-Z0-9_]+)\}", lambda m: os.environ[m.group(1)], text)
open(sys.argv[2], "w").write(text)
PY
    echo "demo workspace: $state/opsdeck.yaml"
}

"$cmd"
