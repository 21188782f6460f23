#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Deploy benchmark (issue 5): 20 SSH hosts on loopback, each an sshd with its own /srv.
#   the same 3-command ad-hoc job: opsdeck run | ansible ad-hoc | ansible-playbook | parallel-ssh
#   a full deploy (batches: all) with opsdeck | the same steps as an ansible-playbook
#   1,000,000 output lines into the live view | `ssh host seq 1000000 > /dev/null`
#   bench/deploy.sh [RUNS]     (median of RUNS, default 5; every run starts cold, like a user)
# As root it logs in as a system user `opsbench` (created once) whose shell set-up is Debian's stock one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
hosts=20
"$root/scripts/bootstrap" >&2
command -v ansible >/dev/null && command -v parallel-ssh >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible-core pssh >/dev/null
build=$root/build-bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPSDECK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target opsdeck bench-deploylog >&2

state=$(mktemp -d /tmp/opsdeck-deploybench.XXXXXX)
chmod 755 "$state"
cleanup() {
    bash "$root/tests/services/sshd.sh" stop "$state/sshd" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT

names=()
for i in $(seq -f '%02g' 1 $hosts); do
    names+=("h$i")
    mkdir -p "$state/srv/h$i"
    export "OPSDECK_SSHD_SRV_H$i=$state/srv/h$i"
done
bash "$root/tests/services/sshd.sh" start "$state/sshd" "${names[@]}" >/dev/null
source "$state/sshd/env"
# Log in as a deploy user with a stock shell set-up, as on a real server: sshd runs every command
# through the login shell, and a heavy ~/.bashrc (root's here loads pyenv: ~100 ms a command)
# would make every tool pay for it on every SSH command instead of measuring the tools.
if [[ $(id -u) == 0 ]]; then
    id opsbench >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/opsbench --shell /bin/bash opsbench
    usermod -p '*' opsbench # no password, but not locked: sshd admits it with a key
    cp /etc/skel/.bashrc /etc/skel/.profile /var/lib/opsbench/ 2>/dev/null || true
    chown -R opsbench: /var/lib/opsbench "$state/srv"
    chmod 644 "$state/sshd/authorized_keys"
    SSH_USER=opsbench
fi

# A small app repository with two tagged versions.
git init -q "$state/app" && cd "$state/app"
printf 'print("v1")\n' >app.py && git add app.py && git -c user.name=b -c user.email=b@b commit -qm v1 && git tag v1
printf 'print("v2")\n' >app.py && git -c user.name=b -c user.email=b@b commit -qam v2 && git tag v2
git clone -q --bare "$state/app" "$state/app.git"
[[ $SSH_USER == opsbench ]] && chown -R opsbench: "$state/app.git" # git refuses others' repositories
cd "$root"

job='uname -r; df -h / | tail -1; uptime'
{
    echo "version: 1"
    echo "name: bench"
    echo "ssh: { user: $SSH_USER, identity: $SSH_KEY, known_hosts: $SSH_KNOWN_HOSTS, use_ssh_config: false }"
    echo "hosts:"
    for n in "${names[@]}"; do
        var=SSH_PORT_${n^^}
        echo "  $n: { address: 127.0.0.1, port: ${!var} }"
    done
    echo "environments:"
    echo "  bench:"
    echo "    hosts: [$(IFS=,; echo "${names[*]}" | sed 's/,/, /g')]"
    echo "    deploy:"
    echo "      path: /srv/app"
    echo "      repo: $state/app.git"
    echo "      keep: 3"
    echo "      build: [\"test -f app.py\"]"
    echo "      restart: \"true\""
    echo "      healthcheck: { run: \"grep -q print app.py\", interval: 200ms, timeout: 5s, budget: 10s }"
    echo "      batches: [\"100%\"]"
} >"$state/opsdeck.yaml"

{
    echo "[bench]"
    for n in "${names[@]}"; do
        var=SSH_PORT_${n^^}
        echo "$n ansible_host=127.0.0.1 ansible_port=${!var}"
    done
    echo "[bench:vars]"
    echo "ansible_user=$SSH_USER"
    echo "ansible_ssh_private_key_file=$SSH_KEY"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$SSH_KNOWN_HOSTS'"
    echo "ansible_python_interpreter=/usr/bin/python3"
} >"$state/inventory"
for n in "${names[@]}"; do
    var=SSH_PORT_${n^^}
    echo "$SSH_USER@127.0.0.1:${!var}"
done >"$state/pssh-hosts"

cat >"$state/adhoc.yml" <<YML
- hosts: bench
  gather_facts: false
  tasks:
    - shell: uname -r
    - shell: df -h / | tail -1
    - shell: uptime
YML
# The deploy's steps as Ansible tasks (the Capistrano layout, like ansistrano), facts off.
cat >"$state/deploy.yml" <<YML
- hosts: bench
  gather_facts: false
  vars:
    path: /srv/ansible-app
  tasks:
    - set_fact: { release: "{{ lookup('pipe', 'date -u +%Y%m%dT%H%M%S%NZ') }}" }
    - shell: mkdir -p {{ path }}/releases {{ path }}/shared
    - shell: if [ -d repo ]; then git -C repo fetch -q origin '+refs/*:refs/*'; else git clone -q --mirror $state/app.git repo; fi
      args: { chdir: "{{ path }}" }
    - shell: mkdir releases/{{ release }} && git -C repo archive v2 | tar -x -C releases/{{ release }}
      args: { chdir: "{{ path }}" }
    - shell: test -f app.py
      args: { chdir: "{{ path }}/releases/{{ release }}" }
    - shell: ln -sfn releases/{{ release }} current.new && mv -T current.new current
      args: { chdir: "{{ path }}" }
    - shell: "true"
    - shell: grep -q print current/app.py
      args: { chdir: "{{ path }}" }
    - shell: ls -1d releases/* | head -n -3 | xargs -r rm -rf
      args: { chdir: "{{ path }}" }
YML
export ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_FORKS=$hosts ANSIBLE_STDOUT_CALLBACK=minimal
export ANSIBLE_LOCAL_TEMP=$state/ansible-tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$state/ansible-cp
opsdeck=("$build/app/opsdeck" -w "$state/opsdeck.yaml")
if [[ ${OPSDECK_BENCH_SHELL:-} ]]; then # look around in the bench world: exit the shell to clean up
    echo "bench world in $state (workspace $state/opsdeck.yaml, inventory $state/inventory)" >&2
    OPSDECK_BENCH_STATE=$state OPSDECK=$build/app/opsdeck bash -i
    exit
fi

# median_of NAME CMD...: runs CMD $runs times (output discarded), prints the median wall time.
declare -A median
median_of() {
    local name=$1; shift
    local times=() t0 t1
    for _ in $(seq "$runs"); do
        rm -rf "$state/ansible-cp" # no warm ControlMaster from the run before
        t0=$(date +%s%N)
        "$@" >"$state/last.out" 2>&1 || { echo "$name failed:" >&2; tail -15 "$state/last.out" >&2; return 1; }
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    median[$name]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    printf '%-44s median %7d ms   (%s runs: %s)\n' "$name" "${median[$name]}" "$runs" "${times[*]}"
}

echo "== 3-command ad-hoc job on $hosts hosts"
median_of "opsdeck run" "${opsdeck[@]}" run bench -- "$job"
median_of "parallel-ssh -p $hosts -i" parallel-ssh -h "$state/pssh-hosts" -p "$hosts" -x "-i $SSH_KEY -o UserKnownHostsFile=$SSH_KNOWN_HOSTS" -i "$job"
median_of "ansible -m shell (ad-hoc)" ansible bench -i "$state/inventory" -m shell -a "$job"
median_of "ansible-playbook (3 shell tasks)" ansible-playbook -i "$state/inventory" "$state/adhoc.yml"

echo "== full deploy on $hosts hosts, batches: all (each run a new release)"
median_of "opsdeck deploy" "${opsdeck[@]}" deploy bench --ref v2 -m bench
median_of "ansible-playbook (same steps)" ansible-playbook -i "$state/inventory" "$state/deploy.yml"

awk -v o="${median[opsdeck run]}" -v a="${median[ansible -m shell (ad-hoc)]}" -v p="${median[ansible-playbook (3 shell tasks)]}" \
    -v s="${median[parallel-ssh -p $hosts -i]}" -v d="${median[opsdeck deploy]}" -v ad="${median[ansible-playbook (same steps)]}" 'BEGIN {
    printf "ad-hoc: opsdeck %.1fx faster than ansible ad-hoc, %.1fx than the playbook, %.2fx parallel-ssh time\n", a / o, p / o, o / s
    printf "deploy: opsdeck %.1fx faster than the equivalent playbook\n", ad / d }'

echo "== 1,000,000 output lines"
var=SSH_PORT_H01
median_of "ssh h01 seq 1000000 > /dev/null" ssh -i "$SSH_KEY" -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -p "${!var}" "$SSH_USER@127.0.0.1" seq 1000000
echo "  target for the live view: at most 2 x ${median[ssh h01 seq 1000000 > /dev/null]} ms"
for lines in 1000000 3000000; do
    QT_QPA_PLATFORM=offscreen "$build/bench/bench-deploylog" "$state/opsdeck.yaml" bench h01 "$lines" 2>/dev/null
done
