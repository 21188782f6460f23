#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Holds the demo's live database problems open for the health pane to find:
a long idle-in-transaction session, and a query blocked behind it on a lock.
Runs until killed (demo-world.sh stop), or for at most --max-seconds."""
import argparse
import threading
import time

import psycopg2

parser = argparse.ArgumentParser()
parser.add_argument("--dsn", required=True)
parser.add_argument("--max-seconds", type=int, default=6 * 3600)
args = parser.parse_args()

# 1. Idle in transaction, holding a lock that blocks anyone who wants the table exclusively.
holder = psycopg2.connect(args.dsn, application_name="reporting-job")
holder_cursor = holder.cursor()
holder_cursor.execute("select count(*) from twit_report")  # opens the transaction, takes ACCESS SHARE
holder_cursor.execute("lock table twit_report in share mode")


# 2. A migration-like statement stuck behind it, and a reader stuck behind that.
# Cancelled or terminated from Opsdeck (that is the point), each comes back 20 s later, the
# way a retrying deploy or cron job would: the scene outlives a test that clears it.
def blocked(sql, name):
    while True:
        try:
            conn = psycopg2.connect(args.dsn, application_name=name)
            conn.autocommit = True
            conn.cursor().execute(sql)
            conn.close()
        except psycopg2.Error:
            pass
        time.sleep(20)


threading.Thread(target=blocked, args=("alter table twit_report add column if not exists note text",
                                       "manage.py migrate"), daemon=True).start()
time.sleep(0.5)
threading.Thread(target=blocked, args=("select count(*) from twit_report", "minitwit"), daemon=True).start()

deadline = time.time() + args.max_seconds
while time.time() < deadline:
    time.sleep(5)
