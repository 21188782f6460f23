#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo world: a small stand-in for a team's production, entirely on 127.0.0.1.
#   demo-world.sh start STATE_DIR     builds and starts everything; writes STATE_DIR/opsdeck.yaml
#   demo-world.sh stop STATE_DIR      stops everything and removes STATE_DIR's contents
#
#   PostgreSQL   minitwit_staging (clean) and minitwit_prod (with planted problems), and a
#                streaming standby of the cluster (physical slot standby1, its own port)
#   sshd         bastion, web1, web2; web hosts get their own /srv (mount namespaces, as root)
#   git          STATE_DIR/git/minitwit.git, tags v1, v2, v3-broken-migration, v4-unhealthy
#   app          Minitwit (Django + waffle + django-prometheus) under gunicorn, v1 deployed
#                Capistrano-style: staging on web1, production on web1 and web2
#   metrics      Prometheus scraping the app, node_exporter (with a textfile collector) and
#                postgres_exporter every 2 s; a bounded load generator
#   alerts       Prometheus' alerting rules (resources/examples/demo/alerts) sent to Alertmanager
#   secrets      an age identity and a .sops.yaml next to the workspace
#   logs         gunicorn's access and error logs (with the app's logging and the 500s of a view
#                that fails on purpose) under each shared/; a worker's journal per web host
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/common.sh"
demo=$root/resources/examples/demo

cmd=${1:?start|stop}
state=${2:?state directory}
state=$(mkdir -p "$state" && cd "$state" && pwd)

log() { echo "demo-world: $*" >&2; }

kill_pidfile() {
    local f=$1
    [[ -f $f ]] || return 0
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
}

stop() {
    local f
    stop_standby
    [[ -d $state/swarm ]] && bash "$here/swarm.sh" stop "$state/swarm"
    for f in "$state"/run/*.pid "$state"/hosts/*/srv/*/shared/gunicorn.pid; do
        [[ -e $f ]] && kill_pidfile "$f"
    done
    bash "$here/sshd.sh" stop "$state/ssh" || true
    bash "$here/postgres.sh" stop "$state/postgres" || true
    rm -rf "${state:?}"/{git,hosts,run,prometheus,alertmanager,alerts,textfile,age,ssh,postgres,opsdeck.yaml,.sops.yaml,env,config,backups,scrub.sql}
}

build_history() {
    local work=$state/run/history
    rm -rf "$work" && mkdir -p "$work" "$state/git"
    cp -r "$demo/app/." "$work/"
    export GIT_AUTHOR_NAME="Demo Dev" GIT_AUTHOR_EMAIL=dev@example.org
    export GIT_COMMITTER_NAME="Demo Dev" GIT_COMMITTER_EMAIL=dev@example.org
    commit() { # tag date message
        GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git -C "$work" -c commit.gpgsign=false commit -qam "$3"
        git -C "$work" tag "$1"
    }
    git -C "$work" init -q -b main
    git -C "$work" add -A
    commit v1 "2026-10-01T10:00:00Z" "Minitwit: timeline, follow, post, /up"
    cp -r "$demo/history/v2/." "$work/" && git -C "$work" add -A
    commit v2 "2026-10-15T10:00:00Z" "Add likes to messages (migration 0002)"
    git -C "$work" checkout -q -b broken
    cp -r "$demo/history/v3-broken-migration/." "$work/" && git -C "$work" add -A
    commit v3-broken-migration "2026-10-20T10:00:00Z" "Migration 0003 (broken)"
    git -C "$work" checkout -q -B unhealthy v2
    cp -r "$demo/history/v4-unhealthy/." "$work/" && git -C "$work" add -A
    commit v4-unhealthy "2026-10-25T10:00:00Z" "Release that fails its health check"
    git -C "$work" checkout -q main
    git clone -q --bare "$work" "$state/git/minitwit.git"
    rm -rf "$work"
}

manage() { # db_name args... : Django management command against one database (v1 code)
    local db=$1
    shift
    (cd "$state/run/v1" && DB_NAME=$db DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_USER=postgres /usr/bin/python3 manage.py "$@")
}

prepare_databases() {
    mkdir -p "$state/run/v1"
    git -C "$state/git/minitwit.git" archive v1 | tar -x -C "$state/run/v1"
    local db
    for db in minitwit_staging minitwit_prod; do
        psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "create database $db" >/dev/null
        manage "$db" migrate --noinput >/dev/null
    done
    # Flags differ between environments, as they do in real life.
    manage minitwit_staging waffle_flag new_timeline --everyone --create >/dev/null
    manage minitwit_prod waffle_flag new_timeline --percent 35 --create >/dev/null
    manage minitwit_staging waffle_flag beta_search --everyone --create >/dev/null
    manage minitwit_prod waffle_flag beta_search --deactivate --create >/dev/null
    for db in minitwit_staging minitwit_prod; do
        manage "$db" waffle_flag staff_tools --staff --create >/dev/null
        manage "$db" waffle_switch maintenance_banner off --create >/dev/null
        manage "$db" waffle_sample sampled_logging 10 --create >/dev/null
    done
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d minitwit_staging -q -v ON_ERROR_STOP=1 \
        -v users=300 -f "$demo/seed.sql" >/dev/null
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d minitwit_prod -q -v ON_ERROR_STOP=1 \
        -v users=3000 -f "$demo/seed.sql" >/dev/null
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d minitwit_prod -q -v ON_ERROR_STOP=1 \
        -f "$demo/trouble.sql" >/dev/null
    # Flags with a past: two removal candidates (untouched for months, the same everywhere) and
    # a flag opened to a group of beta testers in staging only.
    manage minitwit_staging waffle_flag new_editor --create >/dev/null
    manage minitwit_prod waffle_flag new_editor --deactivate --create >/dev/null
    for db in minitwit_staging minitwit_prod; do
        manage "$db" waffle_flag signup_v2 --everyone --create >/dev/null
        manage "$db" waffle_flag legacy_export --deactivate --create >/dev/null
        psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$db" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
update waffle_flag set created = now() - interval '200 days', modified = now() - interval '120 days'
 where name = 'signup_v2';
update waffle_flag set created = now() - interval '300 days', modified = now() - interval '75 days'
 where name = 'legacy_export';
insert into auth_group (name) values ('beta_testers');
insert into auth_user_groups (user_id, group_id)
 select u.id, g.id from auth_user u, auth_group g
 where g.name = 'beta_testers' and u.username in ('user10', 'user11', 'user12');
SQL
    done
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d minitwit_staging -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
insert into waffle_flag_groups (flag_id, group_id)
 select f.id, g.id from waffle_flag f, auth_group g where f.name = 'new_editor' and g.name = 'beta_testers';
SQL
    # A session's row counts reach the statistics when it ends, possibly after its own ANALYZE:
    # analyze again from a fresh session, except the table planted with stale statistics.
    for db in minitwit_staging minitwit_prod; do
        psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$db" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
select format('analyze %I.%I', schemaname, relname) from pg_stat_user_tables where relname <> 'twit_pageview' \gexec
SQL
    done
    # Live problems need live sessions: held by a small daemon until the world stops.
    /usr/bin/python3 "$here/demo_db_trouble.py" --dsn "host=127.0.0.1 port=$PGPORT dbname=minitwit_prod user=postgres" \
        >"$state/run/trouble.log" 2>&1 &
    echo $! >"$state/run/trouble.pid"
}

ssh_host() { # host command
    local port_var=SSH_PORT_$(echo "$1" | tr '[:lower:]' '[:upper:]')
    ssh -q -o BatchMode=yes -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
        -i "$SSH_KEY" -p "${!port_var}" "$SSH_USER@127.0.0.1" "$2"
}

# A streaming standby of the demo's cluster, as a team adds one when it outgrows a single
# server: pg_basebackup over a physical slot, hot_standby_feedback on, its own port.
start_standby() {
    local bin dir
    bin=$(pg_bindir)
    dir=$OPSDECK_PG_DATA/standby
    STANDBY_PORT=$(free_port)
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc \
        "select pg_create_physical_replication_slot('standby1')" >/dev/null
    runuser -u postgres -- "$bin/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$dir" \
        -S standby1 -X stream -R --no-sync --checkpoint=fast >"$state/run/basebackup.log" 2>&1 ||
        { cat "$state/run/basebackup.log" >&2; return 1; }
    cat >>"$dir/postgresql.conf" <<CONF
port = $STANDBY_PORT
unix_socket_directories = '$dir'
hot_standby_feedback = on
# Replay cancels a standby query in its way after 5 s (30 s by default), so a conflict shows soon.
max_standby_streaming_delay = 5s
cluster_name = 'standby1'
primary_conninfo = 'host=127.0.0.1 port=$PGPORT user=postgres application_name=standby1'
CONF
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -l "$OPSDECK_PG_DATA/standby.log" -w -t 60 start >/dev/null ||
        { cat "$OPSDECK_PG_DATA/standby.log" >&2; return 1; }
    echo "$dir" >"$state/run/standby.dir"
}

stop_standby() {
    [[ -f $state/run/standby.dir ]] || return 0
    runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$(cat "$state/run/standby.dir")" -m immediate -w stop \
        >/dev/null 2>&1 || true
    rm -f "$state/run/standby.dir"
}

# The first deploy, done by hand the way the deploy engine lays it out (releases/, shared/,
# current -> releases/<ts>-<sha>), then started over SSH so the app runs "on" its host.
deploy_v1() { # host path port db
    local host=$1 path=$2 port=$3 db=$4
    local base=$state/hosts/$host/srv/${path#/srv/}
    local sha release
    sha=$(git -C "$state/git/minitwit.git" rev-parse --short v1)
    release=20261101T100000Z-$sha
    mkdir -p "$base/releases/$release" "$base/shared"
    git -C "$state/git/minitwit.git" archive v1 | tar -x -C "$base/releases/$release"
    echo "$sha" >"$base/releases/$release/REVISION"
    cat >"$base/shared/.env" <<ENV
# $host, ${path##*/}
PORT=$port
DB_NAME=$db
DB_HOST=127.0.0.1
DB_PORT=$PGPORT
DB_USER=postgres
SECRET_KEY=demo-$db-not-secret
DEBUG=False
ENV
    ln -sfn ../../shared/.env "$base/releases/$release/.env"
    ln -sfn "releases/$release" "$base/current"
    printf '{"revision":"%s","ref":"v1","release":"%s","user":"demo","result":"success","time":"2026-11-01T10:00:00Z"}\n' \
        "$sha" "$release" >"$base/revisions.jsonl"
    ssh_host "$host" "$path/current/bin/restart"
}

start_metrics() {
    mkdir -p "$state/prometheus/data" "$state/prometheus/containers" "$state/textfile"
    # Deterministic series for the metrics pane's tests.
    cat >"$state/textfile/opsdeck_demo.prom" <<PROM
# HELP opsdeck_demo_constant A series whose value never changes.
# TYPE opsdeck_demo_constant gauge
opsdeck_demo_constant{series="a"} 1
opsdeck_demo_constant{series="b"} 2.5
PROM
    prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT" \
        --collector.textfile.directory="$state/textfile" >"$state/run/node_exporter.log" 2>&1 &
    echo $! >"$state/run/node_exporter.pid"
    DATA_SOURCE_NAME="host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres sslmode=disable" \
        prometheus-postgres-exporter --web.listen-address="127.0.0.1:$PG_EXPORTER_PORT" \
        >"$state/run/postgres_exporter.log" 2>&1 &
    echo $! >"$state/run/postgres_exporter.pid"
    cat >"$state/prometheus/prometheus.yml" <<YML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: minitwit
    static_configs:
      - targets: ["127.0.0.1:$APP_PORT_STAGING_WEB1"]
        labels: { env: staging, host: web1 }
      - targets: ["127.0.0.1:$APP_PORT_PRODUCTION_WEB1"]
        labels: { env: production, host: web1 }
      - targets: ["127.0.0.1:$APP_PORT_PRODUCTION_WEB2"]
        labels: { env: production, host: web2 }
  # The swarm's tasks and the compose container, when swarm.sh runs: it writes their targets
  # (with env, host and service labels) here, and Prometheus picks the file up on its own.
  - job_name: minitwit-containers
    file_sd_configs:
      - files: ["$state/prometheus/containers/*.json"]
        refresh_interval: 5s
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:$NODE_EXPORTER_PORT"]
  - job_name: postgres
    static_configs:
      - targets: ["127.0.0.1:$PG_EXPORTER_PORT"]
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$ALERTMANAGER_PORT"]
YML
    cp "$demo/alerts/rules.yml" "$state/prometheus/rules.yml"
    # The workspace's copy (alerts: { rules: [...] }), as a team keeps its rules in the infra repo.
    mkdir -p "$state/alerts" && cp "$demo/alerts/rules.yml" "$state/alerts/rules.yml"
    start_alertmanager
    prometheus --config.file="$state/prometheus/prometheus.yml" --storage.tsdb.path="$state/prometheus/data" \
        --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --storage.tsdb.retention.time=1d \
        >"$state/run/prometheus.log" 2>&1 &
    echo $! >"$state/run/prometheus.pid"
}

# Alertmanager beside Prometheus: groups quickly (the demo is watched live) and notifies nobody
# (a receiver without integrations); silences are what Opsdeck makes there.
start_alertmanager() {
    mkdir -p "$state/alertmanager/data"
    cat >"$state/alertmanager/alertmanager.yml" <<YML
route:
  receiver: on-call
  group_by: [alertname, env]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: on-call
inhibit_rules:
  - source_matchers: [alertname="InstanceDown"]
    target_matchers: [alertname="HighErrorRate"]
    equal: [env]
YML
    prometheus-alertmanager --config.file="$state/alertmanager/alertmanager.yml" \
        --storage.path="$state/alertmanager/data" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
        --cluster.listen-address= >"$state/run/alertmanager.log" 2>&1 &
    echo $! >"$state/run/alertmanager.pid"
}

# The demo's sops files, encrypted by Opsdeck itself under the .sops.yaml rule (there is no sops
# package in Debian). Without a built binary (OPSDECK_BINARY) the workspace lists files that are
# missing, and the Secrets pane says so.
encrypt_secrets() {
    local binary=${OPSDECK_BINARY:-$here/../../build/app/opsdeck} env
    mkdir -p "$state/secrets"
    if [[ ! -x $binary ]]; then
        log "secrets skipped (no opsdeck binary at $binary)"
        return 0
    fi
    for env in staging production; do
        cp "$demo/secrets/$env.yaml" "$state/secrets/$env.enc.yaml"
        (cd "$state" && "$binary" secrets encrypt "secrets/$env.enc.yaml" >"secrets/$env.tmp") &&
            mv "$state/secrets/$env.tmp" "$state/secrets/$env.enc.yaml"
    done
}

write_workspace() {
    mkdir -p "$state/config" "$state/age"
    cp "$demo/config/staging.env" "$demo/config/production.env" "$demo/config/app.staging.yaml" \
        "$demo/config/app.production.yaml" "$state/config/"
    cp "$demo/scrub.sql" "$state/scrub.sql"
    age-keygen -o "$state/age/keys.txt" 2>/dev/null
    local recipient
    recipient=$(sed -n 's/^# public key: //p' "$state/age/keys.txt")
    sed "s/@AGE_RECIPIENT@/$recipient/" "$demo/sops.yaml" >"$state/.sops.yaml"
    encrypt_secrets
    export OPSDECK_DEMO_DIR=$state OPSDECK_DEMO_SSH_USER=$SSH_USER OPSDECK_DEMO_PG_PORT=$PGPORT \
        OPSDECK_DEMO_SSH_PORT_BASTION=$SSH_PORT_BASTION OPSDECK_DEMO_SSH_PORT_WEB1=$SSH_PORT_WEB1 \
        OPSDECK_DEMO_SSH_PORT_WEB2=$SSH_PORT_WEB2 OPSDECK_DEMO_PROMETHEUS_PORT=$PROMETHEUS_PORT \
        OPSDECK_DEMO_ALERTMANAGER_PORT=$ALERTMANAGER_PORT OPSDECK_DEMO_STANDBY_PORT=$STANDBY_PORT \
        OPSDECK_DEMO_PG_LOG=$OPSDECK_PG_DATA/server.log
    python3 - "$demo/opsdeck.yaml" "$state/opsdeck.yaml" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\$\{(OPSDECK_DEMO_[A-Z0-9_]+)\}", lambda m: os.environ[m.group(1)], text)
open(sys.argv[2], "w").write(text)
PY
}

start() {
    stop
    local began=$SECONDS
    mkdir -p "$state/run"
    if [[ $(id -u) != 0 ]]; then
        echo "demo-world: needs root (each web host gets its own /srv in a mount namespace)" >&2
        return 1
    fi
    log "postgres"
    bash "$here/postgres.sh" start "$state/postgres" >/dev/null
    # shellcheck disable=SC1091
    source "$state/postgres/env"
    log "git history"
    build_history
    log "hosts"
    export OPSDECK_SSHD_SRV_WEB1=$state/hosts/web1/srv OPSDECK_SSHD_SRV_WEB2=$state/hosts/web2/srv
    bash "$here/sshd.sh" start "$state/ssh" bastion web1 web2 >/dev/null
    # shellcheck disable=SC1091
    source "$state/ssh/env"
    APP_PORT_STAGING_WEB1=$(free_port)
    APP_PORT_PRODUCTION_WEB1=$(free_port)
    APP_PORT_PRODUCTION_WEB2=$(free_port)
    PROMETHEUS_PORT=$(free_port)
    NODE_EXPORTER_PORT=$(free_port)
    PG_EXPORTER_PORT=$(free_port)
    ALERTMANAGER_PORT=$(free_port)
    log "databases"
    prepare_databases
    log "standby"
    start_standby
    log "deploying v1"
    deploy_v1 web1 /srv/minitwit-staging "$APP_PORT_STAGING_WEB1" minitwit_staging
    deploy_v1 web1 /srv/minitwit "$APP_PORT_PRODUCTION_WEB1" minitwit_prod
    deploy_v1 web2 /srv/minitwit "$APP_PORT_PRODUCTION_WEB2" minitwit_prod
    log "journals"
    local h
    for h in web1 web2; do
        python3 "$here/demo_journal.py" "$state/hosts/$h/srv/journal" "$h" >"$state/run/journal-$h.log" 2>&1 &
        echo $! >"$state/run/journal-$h.pid"
    done
    log "metrics"
    start_metrics
    write_workspace
    local p
    for p in "$APP_PORT_STAGING_WEB1" "$APP_PORT_PRODUCTION_WEB1" "$APP_PORT_PRODUCTION_WEB2" "$PROMETHEUS_PORT" "$ALERTMANAGER_PORT"; do
        wait_for_port "$p" 30
    done
    python3 "$here/demo_load.py" "$APP_PORT_STAGING_WEB1" "$APP_PORT_PRODUCTION_WEB1" "$APP_PORT_PRODUCTION_WEB2" \
        >"$state/run/load.log" 2>&1 &
    echo $! >"$state/run/load.pid"
    cat >"$state/env" <<ENV
$(cat "$state/postgres/env")
$(cat "$state/ssh/env")
APP_PORT_STAGING_WEB1=$APP_PORT_STAGING_WEB1
APP_PORT_PRODUCTION_WEB1=$APP_PORT_PRODUCTION_WEB1
APP_PORT_PRODUCTION_WEB2=$APP_PORT_PRODUCTION_WEB2
PROMETHEUS_PORT=$PROMETHEUS_PORT
NODE_EXPORTER_PORT=$NODE_EXPORTER_PORT
PG_EXPORTER_PORT=$PG_EXPORTER_PORT
ALERTMANAGER_PORT=$ALERTMANAGER_PORT
STANDBY_PORT=$STANDBY_PORT
GIT_REPO=$state/git/minitwit.git
WORKSPACE=$state/opsdeck.yaml
ENV
    # The Docker swarm environment, when asked for (scripts/demo does): it needs dockerd, which
    # not every machine can run; without it the other environments are all there.
    if [[ ${OPSDECK_DEMO_SWARM:-} == 1 ]]; then
        log "docker swarm"
        if bash "$here/swarm.sh" start "$state/swarm" "$state" >&2; then
            cp "$state/swarm/opsdeck.yaml" "$state/opsdeck.yaml"
        else
            log "no swarm environment: dockerd could not start here (the reason is above)"
        fi
    fi
    log "ready in $((SECONDS - began)) s: $state/opsdeck.yaml"
}

"$cmd"
