#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A single-node Docker swarm running Minitwit, beside a running demo world.
#   swarm.sh start STATE_DIR DEMO_DIR   dockerd + swarm + images v1, v2, v3-broken-migration,
#                                       v4-unhealthy (built from the demo's git tags) + the
#                                       `minitwit` stack on v1 (2 replicas, host network);
#                                       writes STATE_DIR/env and STATE_DIR/opsdeck.yaml (the
#                                       demo's workspace with a `swarm` environment)
#   swarm.sh stop STATE_DIR
# Debian's docker.io (20.10), started without iptables or a bridge (`--iptables=false
# --bridge=none`) so it runs where no firewall may be touched; replicas use host networking.
# Images are made offline: a base image with no programs of its own (`docker import` of a few
# directories and links) and the machine's /usr mounted read-only into each container.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

cmd=${1:?start|stop}
state=${2:?state directory}
demo_dir=${3:-}
docker=/usr/bin/docker
dockerd=/usr/sbin/dockerd

stop() {
    [[ -d $state ]] || return 0
    # The demo's Prometheus stops scraping what is going away.
    [[ ! -f $state/scrape-targets ]] || rm -f "$(cat "$state/scrape-targets")"
    if [[ -S $state/docker.sock ]]; then
        DOCKER_HOST=unix://$state/docker.sock "$docker" swarm leave --force >/dev/null 2>&1 || true
    fi
    if [[ -f $state/dockerd.pid ]]; then
        local pid
        pid=$(cat "$state/dockerd.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    # What dockerd leaves mounted (its network namespace, volumes), deepest first.
    local mount
    awk -v dir="$state/" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r | while read -r mount; do
        umount -l "$mount" 2>/dev/null || true
    done
    rm -rf "$state"
}

# The demo's Prometheus scrapes the swarm's replicas and the compose container (job
# minitwit-containers, file-based discovery): the ports stay while tasks are replaced.
write_scrape_targets() {
    local base=$1 compose_port=$2 file=$demo_dir/prometheus/containers/swarm.json
    [[ -d ${file%/*} ]] || return 0
    python3 - "$file" "$base" "$compose_port" <<'PY'
import json, sys
file, base, compose_port = sys.argv[1:]
groups = [{"targets": [f"127.0.0.1:{int(base) + slot}"],
           "labels": {"env": "swarm", "host": "web1", "service": "web", "slot": str(slot)}}
          for slot in (1, 2)]
if compose_port:
    groups.append({"targets": [f"127.0.0.1:{compose_port}"],
                   "labels": {"env": "compose", "host": "web1", "service": "web"}})
with open(file + ".tmp", "w") as out:
    json.dump(groups, out)
PY
    mv "$file.tmp" "$file"
    echo "$file" >"$state/scrape-targets"
}

why_not() {
    echo "swarm: $*" >&2
    exit 1
}

start() {
    stop
    [[ $(id -u) == 0 ]] || why_not "dockerd needs root"
    [[ -x $dockerd ]] || why_not "dockerd not found (apt-get install docker.io)"
    [[ -n $demo_dir && -f $demo_dir/env ]] || why_not "start the demo world first (swarm.sh start STATE DEMO_DIR)"
    # shellcheck disable=SC1091
    source "$demo_dir/env"
    mkdir -p "$state"
    export DOCKER_HOST=unix://$state/docker.sock DOCKER_BUILDKIT=0
    "$dockerd" --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
        --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \
        -H "$DOCKER_HOST" >"$state/dockerd.log" 2>&1 &
    for _ in $(seq 300); do
        "$docker" version >/dev/null 2>&1 && break
        kill -0 $! 2>/dev/null || why_not "dockerd exited: $(tail -n 3 "$state/dockerd.log")"
        sleep 0.1
    done
    "$docker" version >/dev/null 2>&1 || why_not "dockerd did not answer in 30 s: $(tail -n 3 "$state/dockerd.log")"
    # Its own ports, so that two swarms (a developer's demo and the tests) can run side by side.
    local swarm_port
    swarm_port=$(free_port)
    "$docker" swarm init --advertise-addr "127.0.0.1:$swarm_port" --listen-addr "127.0.0.1:$swarm_port" \
        --data-path-port "$(free_port_below_49152)" >/dev/null
    local rootfs=$state/base
    mkdir -p "$rootfs"/{etc,tmp,app,proc,sys,dev,run,usr}
    ln -s usr/bin "$rootfs/bin"
    ln -s usr/lib "$rootfs/lib"
    ln -s usr/lib64 "$rootfs/lib64"
    ln -s usr/sbin "$rootfs/sbin"
    echo "root:x:0:0:root:/root:/usr/bin/sh" >"$rootfs/etc/passwd"
    echo "root:x:0:" >"$rootfs/etc/group"
    chmod 1777 "$rootfs/tmp"
    tar -C "$rootfs" -c . | "$docker" import - minitwit-base:demo >/dev/null
    local tag src sha
    for tag in v1 v2 v3-broken-migration v4-unhealthy; do
        src=$state/build/$tag
        mkdir -p "$src"
        git -C "$GIT_REPO" archive "$tag" | tar -x -C "$src"
        sha=$(git -C "$GIT_REPO" rev-parse "$tag")
        "$docker" build -q -t "minitwit:$tag" --label "org.opencontainers.image.revision=$sha" "$src" >/dev/null
    done
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "create database minitwit_swarm" >/dev/null
    (cd "$state/build/v1" && DB_NAME=minitwit_swarm DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_USER=postgres \
        /usr/bin/python3 manage.py migrate --noinput >/dev/null)
    local base
    base=$(free_port)
    MINITWIT_TAG=v1 MINITWIT_PORT_BASE=$base MINITWIT_DB_NAME=minitwit_swarm MINITWIT_DB_PORT=$PGPORT \
        "$docker" stack deploy -c "$state/build/v1/stack.yml" minitwit >/dev/null
    wait_for_port $((base + 1)) 60
    wait_for_port $((base + 2)) 60
    # A compose project on the same engine, made by docker-compose itself: one Minitwit on its
    # own database and port. Without docker-compose the swarm still comes up, without it.
    local compose_port=
    if command -v docker-compose >/dev/null; then
        psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "create database minitwit_compose" >/dev/null
        (cd "$state/build/v1" && DB_NAME=minitwit_compose DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_USER=postgres \
            /usr/bin/python3 manage.py migrate --noinput >/dev/null)
        compose_port=$(free_port)
        MINITWIT_TAG=v1 MINITWIT_PORT=$compose_port MINITWIT_DB_NAME=minitwit_compose MINITWIT_DB_PORT=$PGPORT \
            docker-compose -p minitwit-compose -f "$state/build/v1/compose.yml" up -d >/dev/null 2>"$state/compose.log" ||
            why_not "docker-compose up failed: $(tail -n 3 "$state/compose.log")"
        wait_for_port "$compose_port" 60
    else
        echo "swarm: no docker-compose here (apt-get install docker-compose): no compose environment" >&2
    fi
    write_scrape_targets "$base" "$compose_port"
    # The demo's workspace plus a `swarm` environment managed through web1.
    python3 - "$demo_dir/opsdeck.yaml" "$state/opsdeck.yaml" "$state/docker.sock" "$GIT_REPO" \
        "$PGPORT" "$base" "$compose_port" "$PROMETHEUS_PORT" "$ALERTMANAGER_PORT" <<'PY'
import sys
source, target, socket, repo, pg_port, base, compose_port, prometheus, alertmanager = sys.argv[1:]
text = open(source).read()
watch = f"""    prometheus: {{ url: "http://127.0.0.1:{prometheus}", tunnel: bastion, scrape_interval: 2s }}
    alertmanager: {{ url: "http://127.0.0.1:{alertmanager}", tunnel: bastion }}
"""
env = f"""  swarm:
    hosts: [web1]
    database:
      conninfo: "host=127.0.0.1 port={pg_port} dbname=minitwit_swarm user=postgres"
      tunnel: bastion
{watch}    deploy:
      kind: swarm
      manager: web1
      stack: minitwit
      docker_socket: {socket}
      image: minitwit
      repo: {repo}
      compose_file: stack.yml
      release: ["python3 manage.py migrate --noinput"]
      healthcheck: {{ url: "http://127.0.0.1:{int(base) + 1}/up", interval: 1s, timeout: 5s, budget: 30s }}
      update: {{ parallelism: 1, order: stop-first, failure_action: rollback, monitor: 5s }}
    logs:
      - docker: web

"""
if compose_port:
    env += f"""  compose:
    hosts: [web1]
    database:
      conninfo: "host=127.0.0.1 port={pg_port} dbname=minitwit_compose user=postgres"
      tunnel: bastion
{watch}    deploy:
      kind: compose
      host: web1
      project: minitwit-compose
      docker_socket: {socket}
      image: minitwit
      repo: {repo}
      compose_file: compose.yml
      release: ["python3 manage.py migrate --noinput"]
      healthcheck: {{ url: "http://127.0.0.1:{compose_port}/up", interval: 1s, timeout: 5s, budget: 30s }}
    logs:
      - docker: web

"""
at = text.index("\ndashboards:")
open(target, "w").write(text[:at + 1] + env + text[at + 1:])
PY
    cat >"$state/env" <<ENV
DOCKER_SOCKET=$state/docker.sock
SWARM_STACK=minitwit
SWARM_PORT_BASE=$base
SWARM_DB_NAME=minitwit_swarm
COMPOSE_PROJECT=${compose_port:+minitwit-compose}
COMPOSE_PORT=$compose_port
WORKSPACE=$state/opsdeck.yaml
ENV
    echo "swarm: minitwit 2/2 on v1, ports $((base + 1)) and $((base + 2)), engine $state/docker.sock"
    [[ -z $compose_port ]] || echo "compose: minitwit-compose 1/1 on v1, port $compose_port"
}

"$cmd"
