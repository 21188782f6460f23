#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small, bounded load generator for the demo app so the charts move: a few requests a second
against 127.0.0.1 only, stopping after --max-requests or --max-seconds, whichever comes first."""
import argparse
import random
import time
import urllib.error
import urllib.parse
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("ports", nargs="+", type=int)
parser.add_argument("--rate", type=float, default=4.0, help="requests per second")
parser.add_argument("--max-requests", type=int, default=50000)
parser.add_argument("--max-seconds", type=int, default=4 * 3600)
args = parser.parse_args()

paths = ["/", "/", "/", "/user/user1", "/user/user42", "/nope", "/up", "/report"]
start = time.time()
for n in range(args.max_requests):
    if time.time() - start > args.max_seconds:
        break
    url = f"http://127.0.0.1:{random.choice(args.ports)}"
    try:
        if n % 10 == 0:
            data = urllib.parse.urlencode({"text": f"load message {n}"}).encode()
            urllib.request.urlopen(url + "/post", data=data, timeout=5).read()
        else:
            urllib.request.urlopen(url + random.choice(paths), timeout=5).read()
    except (urllib.error.URLError, OSError):
        pass  # 404s and a restarting app are part of the picture
    time.sleep(1.0 / args.rate)
