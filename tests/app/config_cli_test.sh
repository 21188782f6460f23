#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck config get|set|diff` on local .env files: values as written, a set that changes only
# its line (atomically, with a backup, audited without the value), protected environments need
# --yes, drift key by key with secret-looking values hidden, clear errors.
# Remote files go over SFTP to the sshd fixture (through its bastion), like a real host.
#   config_cli_test.sh OPSDECK SSHD_STATE_DIR
set -uo pipefail
opsdeck=${1:?opsdeck binary}
sshd_state=${2:?sshd fixture state directory}
# shellcheck disable=SC1091
source "$sshd_state/env"
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data QT_QPA_PLATFORM=offscreen
mkdir -p "$tmp/config" "$tmp/remote"
# DEBUG here disagrees with staging's own local file: a finding of its own in `config diff`.
printf 'WORKERS=2\nSECRET_KEY=abc\nDEBUG=False\n' >"$tmp/remote/.env"
printf '# staging\r\nexport DEBUG=True\r\nDB_PASSWORD=one\r\nTITLE="My App" # shown\r\nONLY_STAGING=1\r\n' >"$tmp/config/staging.env"
printf 'DEBUG=False\nDB_PASSWORD=two\nTITLE="My App"\nONLY_PROD=1' >"$tmp/config/production.env"
# A real sops file (made by sops): its key names take part in the drift, its values are never read.
cp "$(dirname "$0")/../fixtures/sops-age-humphd/secret.enc.env" "$tmp/config/production.enc.env"
cat >"$tmp/opsdeck.yaml" <<YML
version: 1
name: config-cli
ssh: { user: $SSH_USER, identity: $SSH_KEY, known_hosts: $SSH_KNOWN_HOSTS, use_ssh_config: false }
hosts:
  bastion: { address: 127.0.0.1, port: $SSH_PORT_BASTION }
  web1: { address: 127.0.0.1, port: $SSH_PORT_WEB1, jump: bastion }
  gone: { address: 127.0.0.1, port: 1 }
environments:
  staging:
    config:
      - config/staging.env
      - { path: "web1:$tmp/remote/.env", after_save: "wc -l < $tmp/remote/.env; echo reloaded" }
  production:
    protected: true
    config: [config/production.env]
    secrets: [config/production.enc.env]
  empty:
    hosts: [web1]
  unreachable:
    config: ["gone:/srv/app/.env"]
YML
ws=(-w "$tmp/opsdeck.yaml")
expect get 0 '^My App$' -- "$opsdeck" "${ws[@]}" config get staging TITLE
expect get-remote 0 '^2$' -- "$opsdeck" "${ws[@]}" config get staging WORKERS
expect set-remote 0 'WORKERS changed in web1:.*remote/.env \(previous version: .*/remote/.env.opsdeck-[0-9TZ]*.bak\)' -- "$opsdeck" "${ws[@]}" config set staging WORKERS 4
expect set-remote-written 0 '^WORKERS=4$' -- head -1 "$tmp/remote/.env"
expect set-remote-backup 0 '^WORKERS=2$' -- bash -c 'head -1 "$1"/remote/.env.opsdeck-*.bak' _ "$tmp"
expect set-remote-after-save-noted 0 'after_save command was not run \(opsdeck config after-save staging web1:.* runs it\): wc -l' -- "$opsdeck" "${ws[@]}" config set staging WORKERS 5
expect unreachable-host 3 'gone' -- "$opsdeck" "${ws[@]}" config get unreachable X
expect get-missing 1 'staging does not set NOPE' -- "$opsdeck" "${ws[@]}" config get staging NOPE
expect_only get-typo 1 "staging does not set TITEL — did you mean 'TITLE'\?" -- "$opsdeck" "${ws[@]}" config get staging TITEL
expect diff-remote-keys 1 '^WORKERS: only in staging$' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-remote-secret 1 '^SECRET_KEY: only in staging$' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-own-files 1 "^DEBUG: staging's files disagree: True \\(.*config/staging.env\\) ≠ False \\(web1:.*/remote/.env\\)$" -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-own-files-first 0 "^DEBUG: staging's files disagree" -- bash -c '"$@" | head -1' _ "$opsdeck" "${ws[@]}" config diff staging production
expect diff-summary 1 '^[0-9]+ keys: 1 disagrees within an environment, [0-9]+ missing somewhere, [0-9]+ differ, [0-9]+ same' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-summary-adds-up 0 '^ok$' -- bash -c 'line=$("$@" | tail -1); total=${line%% keys:*}; sum=0; for n in $(grep -oE "[0-9]+ (disagree|missing|differ|same|secret)" <<<"${line#*:}" | cut -d" " -f1); do sum=$((sum + n)); done; [[ $sum == "$total" ]] && echo ok || echo "$sum != $total: $line"' _ "$opsdeck" "${ws[@]}" config diff staging production
expect diff-secret 1 '^DB_PASSWORD: differs \(values hidden\)$' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-only 1 '^ONLY_PROD: only in production$' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-secrets-keys 1 '^another_secret: only in production \(secrets\)$' -- "$opsdeck" "${ws[@]}" config diff staging production
expect diff-same 0 'have the same config' -- "$opsdeck" "${ws[@]}" config diff production production
cp "$tmp/config/staging.env" "$tmp/staging.orig"
expect set 0 'TITLE changed in .*staging.env' -- "$opsdeck" "${ws[@]}" config set staging TITLE "New title"
expect set-one-line 0 '^2$' -- bash -c 'diff "$1" "$2" | grep -c "^[<>]"' _ "$tmp/staging.orig" "$tmp/config/staging.env"
expect set-kept-crlf-and-comment 0 'TITLE="New title" # shown' -- cat -A "$tmp/config/staging.env"
expect set-backup 0 '^ok$' -- bash -c 'cmp -s "$1.bak" "$2" && echo ok' _ "$tmp/config/staging.env" "$tmp/staging.orig"
expect set-reads-back 0 '^New title$' -- "$opsdeck" "${ws[@]}" config get staging TITLE
expect protected 3 'production is protected: pass --yes and -m' -- "$opsdeck" "${ws[@]}" config set production DEBUG True
expect protected-unchanged 0 '^False$' -- "$opsdeck" "${ws[@]}" config get production DEBUG
expect protected-needs-comment 3 'production is protected: say why with -m' -- "$opsdeck" "${ws[@]}" config set production DEBUG True --yes
expect protected-yes 0 'DEBUG changed' -- "$opsdeck" "${ws[@]}" config set production DEBUG True --yes -m "cli test"
expect added 0 'NEW_KEY added' -- "$opsdeck" "${ws[@]}" config set production NEW_KEY 1 --yes -m "cli test"
expect added-newline 0 '^ONLY_PROD=1$' -- cat "$tmp/config/production.env"
expect audited-no-values 0 '^config.save\|staging\|key TITLE\|succeeded$' -- /usr/bin/python3 -c '
import sqlite3, sys, glob
db = glob.glob(sys.argv[1] + "/**/audit.sqlite", recursive=True)[0]
rows = list(sqlite3.connect(db).execute("select action, environment, after, outcome from audit order by id"))
assert not any("New title" in "|".join(map(str, r)) for r in rows), "a value reached the audit log"
print("\n".join("|".join(r) for r in rows))' "$tmp/data"
# Versions kept at each save: listed newest first, restored through the same confirmation rules.
expect history 0 '^1  .* bytes  .*config/staging.env.bak$' -- "$opsdeck" "${ws[@]}" config history staging staging.env
expect history-remote 0 '^2  .*remote/.env.opsdeck-[0-9TZ]*.bak$' -- "$opsdeck" "${ws[@]}" config history staging "web1:$tmp/remote/.env"
expect history-unknown 3 "staging has no config file 'nope.env' \\(its files: [^)]*config/staging.env" -- "$opsdeck" "${ws[@]}" config history staging nope.env
expect restore 0 'restored from .*staging.env.bak' -- "$opsdeck" "${ws[@]}" config restore staging staging.env 1 -m "undo"
expect restore-read-back 0 '^My App$' -- "$opsdeck" "${ws[@]}" config get staging TITLE
expect restore-remote 0 'restored from .*remote/.env.opsdeck-' -- "$opsdeck" "${ws[@]}" config restore staging "web1:$tmp/remote/.env" 2
expect restore-remote-read-back 0 '^2$' -- "$opsdeck" "${ws[@]}" config get staging WORKERS
expect restore-unknown-version 3 "has no kept version '9'" -- "$opsdeck" "${ws[@]}" config restore staging staging.env 9
expect restore-protected 3 'production is protected: pass --yes and -m' -- "$opsdeck" "${ws[@]}" config restore production production.env 1
expect restore-audited 0 '^config.restore\|staging\|restored staging.env.bak\|undo\|succeeded$' -- /usr/bin/python3 -c '
import sqlite3, sys, glob
db = glob.glob(sys.argv[1] + "/**/audit.sqlite", recursive=True)[0]
for r in sqlite3.connect(db).execute("select action, environment, after, comment, outcome from audit where action = ? order by id", ("config.restore",)):
    print("|".join(c or "" for c in r))' "$tmp/data"
expect after-save 0 '^reloaded$' -- "$opsdeck" "${ws[@]}" config after-save staging "web1:$tmp/remote/.env"
expect after-save-output 0 '^3$' -- "$opsdeck" "${ws[@]}" config after-save staging "web1:$tmp/remote/.env"
expect after-save-none 3 'has no after_save command' -- "$opsdeck" "${ws[@]}" config after-save staging staging.env
expect after-save-audited 0 '^config.after_save\|staging\|succeeded$' -- /usr/bin/python3 -c '
import sqlite3, sys, glob
db = glob.glob(sys.argv[1] + "/**/audit.sqlite", recursive=True)[0]
for r in sqlite3.connect(db).execute("select action, environment, outcome from audit where action = ? order by id", ("config.after_save",)):
    print("|".join(r))' "$tmp/data"
expect no-config-files 3 'lists no .env config files' -- "$opsdeck" "${ws[@]}" config get empty X
expect unknown-env 3 "no environment 'qa'" -- "$opsdeck" "${ws[@]}" config get qa X
expect usage 2 'usage: opsdeck config' -- "$opsdeck" "${ws[@]}" config frobnicate

echo "$passed passed, $failed failed"
((failed == 0))
