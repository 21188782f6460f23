#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts/stops an OpenSSH sshd with throwaway host and client keys on free loopback ports.
#   sshd.sh start STATE_DIR [NAMES...]   -> one port per name (default: "bastion web1");
#                                           writes STATE_DIR/env and STATE_DIR/known_hosts
#   sshd.sh stop STATE_DIR
# Every "host" is the same machine and user: what differs is the port and the host key,
# which is enough to test known_hosts handling, jump chains and tunnels for real.
# With OPSDECK_SSHD_SRV_<NAME>=DIR (root only), that host's sshd runs in a mount namespace of
# its own where DIR is mounted on /srv, so each "host" has its own /srv like a real machine.
# Every session gets OPSDECK_HOST=<name> in its environment.
# With OPSDECK_SSHD_HOST_CA=KEY, each host also serves a host certificate signed by that CA key,
# made with `ssh-keygen -s KEY -h $OPSDECK_SSHD_CERT_<NAME>` (default: -n 127.0.0.1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

cmd=${1:?start|stop}
state=${2:?state directory}
shift 2
names=("$@")
((${#names[@]})) || names=(bastion web1)

stop() {
    [[ -d $state ]] || return 0
    local pidfile
    for pidfile in "$state"/*/sshd.pid; do
        [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$state"
}

start() {
    stop
    mkdir -p "$state"
    local sshd user
    sshd=$(command -v sshd || echo /usr/sbin/sshd)
    [[ -x $sshd ]] || { echo "sshd not found (apt-get install openssh-server)" >&2; return 1; }
    user=$(id -un)
    [[ $(id -u) == 0 ]] && mkdir -p /run/sshd # privilege separation directory
    ssh-keygen -q -t ed25519 -N '' -C opsdeck-test-client -f "$state/client_key"
    cp "$state/client_key.pub" "$state/authorized_keys"
    # readable by every login: sshd reads it as the user logging in (tests also log in as the
    # unprivileged opsdeck-test user); public keys are no secret
    chmod 644 "$state/authorized_keys"
    : >"$state/known_hosts"
    {
        echo "SSH_USER=$user"
        echo "SSH_KEY=$state/client_key"
        echo "SSH_KNOWN_HOSTS=$state/known_hosts"
    } >"$state/env"
    local name port dir
    for name in "${names[@]}"; do
        dir="$state/$name"
        mkdir -p "$dir"
        port=$(free_port)
        ssh-keygen -q -t ed25519 -N '' -C "opsdeck-test-$name" -f "$dir/host_key"
        cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $state/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
AllowAgentForwarding no
X11Forwarding no
PrintMotd no
SetEnv OPSDECK_HOST=$name
MaxSessions 64
MaxStartups 64:30:128
Subsystem sftp internal-sftp
LogLevel INFO
CONF
        local var srv
        var=$(echo "$name" | tr '[:lower:]-' '[:upper:]_')
        if [[ -n ${OPSDECK_SSHD_HOST_CA:-} ]]; then
            local cert_var=OPSDECK_SSHD_CERT_$var
            # shellcheck disable=SC2086 # the options are a word list on purpose
            ssh-keygen -q -s "$OPSDECK_SSHD_HOST_CA" -h -I "$name" ${!cert_var:--n 127.0.0.1} \
                "$dir/host_key.pub"
            echo "HostCertificate $dir/host_key-cert.pub" >>"$dir/sshd_config"
        fi
        srv_var=OPSDECK_SSHD_SRV_$var
        srv=${!srv_var:-}
        if [[ -n $srv ]]; then
            mkdir -p "$srv"
            unshare -m --propagation private sh -c \
                "mkdir -p /srv && mount --bind '$srv' /srv && exec '$sshd' -f '$dir/sshd_config' -E '$dir/sshd.log'"
        else
            "$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log"
        fi
        wait_for_port "$port" 20
        echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >>"$state/known_hosts"
        echo "SSH_PORT_$var=$port" >>"$state/env"
        echo "sshd '$name' on 127.0.0.1:$port"
    done
}

"$cmd"
