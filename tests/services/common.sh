#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers shared by the service scripts. Everything listens on 127.0.0.1 only.

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# A free port Docker accepts as a swarm data-path port (1024-49151; the kernel's own picks are
# often above).
free_port_below_49152() {
    python3 - <<'PY'
import random, socket
for _ in range(200):
    port = random.randint(20000, 49151)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
PY
}

wait_for_port() { # port timeout-seconds
    local port=$1 deadline=$((SECONDS + ${2:-20}))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        if ((SECONDS > deadline)); then
            echo "nothing listens on 127.0.0.1:$port after ${2:-20}s" >&2
            return 1
        fi
        sleep 0.1
    done
}

# Debian's newest PostgreSQL server binaries.
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z $dir || ! -x $dir/initdb ]]; then
        echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
        return 1
    fi
    echo "$dir"
}
