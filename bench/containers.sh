#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Container environments benchmark, on the demo world's swarm (a real dockerd, reached through the
# bastion and web1's SSH session as a user's would be):
#   a deploy of v2 to the 2-replica stack:  opsdeck deploy swarm --ref v2   vs   the same steps by
#       hand: git archive | docker build, the migration in a one-off container, docker stack
#       deploy, wait for Swarm's update to complete, a shell loop on the health URL (goal <= 1.2x)
#   a deploy of v2 to the compose project: opsdeck deploy compose --ref v2   vs   git archive |
#       docker build, the migration in a one-off container, docker-compose up -d --no-deps web,
#       a shell loop on the health URL (goal <= 1.2x; Opsdeck's 5 s monitor has no peer there)
#   50 services x 4 tasks in the Deployments pane: first status, then 60 s of tasks killed every
#       2 s: reads caused by the event stream, longest event-loop stall (goal < 50 ms), memory
#   bench/containers.sh [RUNS]   (median of RUNS deploys each, default 3; as root: dockerd)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
"$root/scripts/bootstrap" >&2
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-containers >&2
opsdeck=$build/app/opsdeck

state=$(mktemp -d /tmp/opsdeck-containersbench.XXXXXX)
chmod 755 "$state"
cleanup() {
    bash "$root/tests/services/swarm.sh" stop "$state/swarm" >/dev/null 2>&1 || true
    bash "$root/tests/services/demo-world.sh" stop "$state/demo" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT
OPSDECK_BINARY=$opsdeck bash "$root/tests/services/demo-world.sh" start "$state/demo" >&2
bash "$root/tests/services/swarm.sh" start "$state/swarm" "$state/demo" >&2
source "$state/demo/env"
source "$state/swarm/env"
export DOCKER_HOST=unix://$DOCKER_SOCKET DOCKER_BUILDKIT=0 XDG_DATA_HOME=$state/xdg XDG_CONFIG_HOME=$state/xdg
docker=/usr/bin/docker
git -C "$GIT_REPO" show v2:stack.yml >"$state/stack.yml"
rev=$(git -C "$GIT_REPO" rev-parse v2)
health=http://127.0.0.1:$((SWARM_PORT_BASE + 1))/up

back_to_v1() { # and no v2 image left, so that every run builds
    "$docker" service update -q --image minitwit:v1 minitwit_web >/dev/null
    "$docker" image ls --format '{{.Repository}}:{{.Tag}}' minitwit |
        grep -v -E ':v[1-4]' | xargs -r "$docker" rmi -f >/dev/null 2>&1 || true
}

by_hand() { # tag: what a shell script around the Docker CLI does for the same deploy
    local tag=minitwit:hand-$1 started
    git -C "$GIT_REPO" archive v2 | "$docker" build -q -t "$tag" \
        --label "org.opencontainers.image.revision=$rev" - >/dev/null
    "$docker" run --rm --network host --mount type=bind,source=/usr,target=/usr,readonly \
        -e DB_NAME=minitwit_swarm -e DB_HOST=127.0.0.1 -e "DB_PORT=$PGPORT" -e DB_USER=postgres \
        -e SECRET_KEY=bench "$tag" /usr/bin/python3 manage.py migrate --noinput >/dev/null
    started=$("$docker" service inspect -f '{{.UpdateStatus.StartedAt}}' minitwit_web 2>/dev/null || true)
    MINITWIT_TAG=hand-$1 MINITWIT_PORT_BASE=$SWARM_PORT_BASE MINITWIT_DB_NAME=minitwit_swarm \
        MINITWIT_DB_PORT=$PGPORT "$docker" stack deploy -c "$state/stack.yml" minitwit >/dev/null
    until [[ $("$docker" service inspect -f '{{.UpdateStatus.StartedAt}} {{.UpdateStatus.State}}' minitwit_web) != "$started "* &&
        $("$docker" service inspect -f '{{.UpdateStatus.State}}' minitwit_web) == completed ]]; do
        sleep 0.5
    done
    until curl -fs "$health" >/dev/null; do sleep 1; done
}

declare -a ours hand
for i in $(seq "$runs"); do # RUNS 0: only the pane's part
    back_to_v1
    t0=$(date +%s%N)
    "$opsdeck" -w "$WORKSPACE" deploy swarm --ref v2 --yes -m bench >"$state/deploy.log" 2>&1 ||
        { tail -20 "$state/deploy.log" >&2; exit 1; }
    ours+=($((($(date +%s%N) - t0) / 1000000)))
    back_to_v1
    t0=$(date +%s%N)
    by_hand "$i"
    hand+=($((($(date +%s%N) - t0) / 1000000)))
    echo "  run $i: opsdeck ${ours[-1]} ms, by hand ${hand[-1]} ms" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if ((runs > 0)); then
o=$(median "${ours[@]}")
h=$(median "${hand[@]}")
echo "== deploy v2 to the swarm stack (2 replicas, stop-first, monitor 5 s), median of $runs"
printf '  %-60s %6d ms\n' "opsdeck deploy swarm --ref v2 (build, migrate, update, gate)" "$o"
printf '  %-60s %6d ms\n' "docker build + docker run migrate + stack deploy + curl loop" "$h"
grep -E '^(Preflight|succeeded)' "$state/deploy.log" | sed 's/^/  last opsdeck run: /'
awk -v o="$o" -v h="$h" 'BEGIN { printf "  ratio %.2fx (goal <= 1.2x)\n", o / h }'
fi

if ((runs > 0)) && [[ -n ${COMPOSE_PROJECT:-} ]]; then
    # The compose project: Opsdeck's recreate against what a shell around docker-compose does.
    git -C "$GIT_REPO" show v2:compose.yml >"$state/compose.yml"
    compose_env=(MINITWIT_PORT="$COMPOSE_PORT" MINITWIT_DB_NAME=minitwit_compose MINITWIT_DB_PORT="$PGPORT")
    compose_back_to_v1() {
        env "${compose_env[@]}" MINITWIT_TAG=v1 docker-compose -p "$COMPOSE_PROJECT" \
            -f "$state/compose.yml" up -d --no-deps web >/dev/null 2>&1
        "$docker" image ls --format '{{.Repository}}:{{.Tag}}' minitwit |
            grep -v -E ':v[1-4]' | xargs -r "$docker" rmi -f >/dev/null 2>&1 || true
    }
    compose_by_hand() {
        local tag=minitwit:hand-$1
        git -C "$GIT_REPO" archive v2 | "$docker" build -q -t "$tag" \
            --label "org.opencontainers.image.revision=$rev" - >/dev/null
        "$docker" run --rm --network host --mount type=bind,source=/usr,target=/usr,readonly \
            -e DB_NAME=minitwit_compose -e DB_HOST=127.0.0.1 -e "DB_PORT=$PGPORT" -e DB_USER=postgres \
            -e SECRET_KEY=bench "$tag" /usr/bin/python3 manage.py migrate --noinput >/dev/null
        env "${compose_env[@]}" MINITWIT_TAG="hand-$1" docker-compose -p "$COMPOSE_PROJECT" \
            -f "$state/compose.yml" up -d --no-deps web >/dev/null 2>&1
        until curl -fs "http://127.0.0.1:$COMPOSE_PORT/up" >/dev/null; do sleep 1; done
    }
    declare -a cours chand
    for i in $(seq "$runs"); do
        compose_back_to_v1
        t0=$(date +%s%N)
        "$opsdeck" -w "$WORKSPACE" deploy compose --ref v2 --yes -m bench >"$state/compose-deploy.log" 2>&1 ||
            { tail -20 "$state/compose-deploy.log" >&2; exit 1; }
        cours+=($((($(date +%s%N) - t0) / 1000000)))
        compose_back_to_v1
        t0=$(date +%s%N)
        compose_by_hand "$i"
        chand+=($((($(date +%s%N) - t0) / 1000000)))
        echo "  compose run $i: opsdeck ${cours[-1]} ms, by hand ${chand[-1]} ms" >&2
    done
    o=$(median "${cours[@]}")
    h=$(median "${chand[@]}")
    echo "== deploy v2 to the compose project (1 container, 5 s monitor), median of $runs"
    printf '  %-60s %6d ms\n' "opsdeck deploy compose --ref v2 (build, migrate, recreate, gate)" "$o"
    printf '  %-60s %6d ms\n' "docker build + docker run migrate + compose up + curl loop" "$h"
    grep -E '^(Preflight|succeeded)' "$state/compose-deploy.log" | sed 's/^/  last opsdeck run: /'
    awk -v o="$o" -v h="$h" 'BEGIN { printf "  ratio %.2fx (goal <= 1.2x)\n", o / h }'
fi

echo "== 50 services x 4 tasks in the Deployments pane"
for i in $(seq -w 1 50); do
    "$docker" service create -d -q --name "bench_s$i" --label com.docker.stack.namespace=bench \
        --container-label com.docker.stack.namespace=bench --replicas 4 --restart-delay 1s --mount type=bind,source=/usr,target=/usr,readonly \
        --network host minitwit-base:demo /usr/bin/sleep infinity >/dev/null
done
for _ in $(seq 600); do
    [[ $("$docker" ps -q --filter label=com.docker.stack.namespace=bench | wc -l) -ge 200 ]] && break
    sleep 1
done
echo "  $("$docker" ps -q --filter label=com.docker.stack.namespace=bench | wc -l) tasks running" >&2
sed 's/stack: minitwit/stack: bench/' "$WORKSPACE" >"$state/bench.yaml"
( # a task killed every 2 s while the pane follows the events
    sleep 10
    for _ in $(seq 25); do
        "$docker" ps -q --filter label=com.docker.stack.namespace=bench | shuf -n 1 |
            xargs -r "$docker" kill >/dev/null 2>&1 || true
        sleep 2
    done
) &
killer=$!
QT_QPA_PLATFORM=offscreen "$build/bench/bench-containers" "$state/bench.yaml" swarm 60
wait "$killer" || true
