#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's journald source: a background worker's entries (priority, unit, identifier) written
into a real journal file by systemd-journal-remote, which the host's journalctl reads with
--directory. A few entries a second at most; stops after --max-seconds."""
import argparse
import os
import random
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("directory", help="journal directory (created), e.g. HOST_SRV/journal")
parser.add_argument("hostname")
parser.add_argument("--interval", type=float, default=2.0)
parser.add_argument("--max-seconds", type=int, default=4 * 3600)
args = parser.parse_args()

remote = "/lib/systemd/systemd-journal-remote"
if not os.access(remote, os.X_OK):
    sys.exit("demo_journal: systemd-journal-remote is not installed (apt-get install systemd-journal-remote)")
os.makedirs(args.directory, exist_ok=True)
writer = subprocess.Popen([remote, "-o", os.path.join(args.directory, "worker.journal"), "-"],
                          stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
boot_id = os.urandom(16).hex()
started = time.monotonic()

MESSAGES = [
    (6, "sent {n} notification emails"),
    (6, "refreshed the follower counts of {n} users"),
    (5, "nightly digest queued for {n} users"),
    (4, "queue depth {n} is above 10"),
    (3, "failed to send email to user{n}@example.org: SMTP timeout"),
]
WEIGHTS = [40, 30, 10, 8, 4]


def field(key, value):
    return f"{key}={value}\n".encode()


n = 0
while time.monotonic() - started < args.max_seconds:
    # One of each first, so every level is there from the start; then as it comes.
    priority, text = MESSAGES[n] if n < len(MESSAGES) else random.choices(MESSAGES, WEIGHTS)[0]
    now_us = time.time_ns() // 1000
    entry = b"".join([
        field("__REALTIME_TIMESTAMP", now_us),
        field("__MONOTONIC_TIMESTAMP", int((time.monotonic() - started) * 1e6) + 1),
        field("_BOOT_ID", boot_id),
        field("_HOSTNAME", args.hostname),
        field("_SYSTEMD_UNIT", "minitwit-worker.service"),
        field("_PID", os.getpid()),
        field("SYSLOG_IDENTIFIER", "minitwit-worker"),
        field("PRIORITY", priority),
        field("MESSAGE", text.format(n=random.randint(2, 40))),
        b"\n",
    ])
    try:
        writer.stdin.write(entry)
        writer.stdin.flush()
    except BrokenPipeError:
        sys.exit("demo_journal: systemd-journal-remote stopped")
    n += 1
    time.sleep(args.interval)
writer.stdin.close()
writer.wait()
