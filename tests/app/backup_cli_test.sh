#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck db backup|backups|restore|clone` on the demo world, through the bastion tunnel, with
# the real pg_dump, pg_restore and psql:
#   - a dump of production is refused while a waiting ALTER TABLE would block pg_dump, and
#     named; once that is cancelled, the dump verifies (pg_restore --list) and has a manifest;
#   - a restore into a new database has production's row counts (3,000 users); the same name
#     again is refused without --replace;
#   - a clone of production into a third environment ("review", on the same server, so that
#     no other test's staging changes under it) needs the typed name, scrubs, switches and
#     keeps the old database; every action has its audit row.
#   backup_cli_test.sh OPSDECK_BINARY DEMO_STATE_DIR
set -uo pipefail
opsdeck=$1
state=$2
set -a
source "$state/env"
set +a
tmp=$(mktemp -d)
review_ws=$state/opsdeck-backup-test.yaml # beside the demo's: its relative paths still hold
psql=("$OPSDECK_PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt)
cleanup() {
    rm -rf "$tmp" "$review_ws"
    "${psql[@]}" -d postgres -c "select format('drop database %I with (force)', datname) from pg_database
        where datname like 'bk\_%'" -c '\gexec' >/dev/null 2>&1
}
trap cleanup EXIT
cleanup # a failed run's databases
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"
export XDG_DATA_HOME=$tmp/data # this run's audit log
ws=(-w "$WORKSPACE")
audit() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select environment, action, comment, outcome from audit order by id desc limit 1").fetchone())' "$XDG_DATA_HOME/opsdeck/audit.sqlite" 2>&1; }

# The demo's migration waits for twit_report behind an idle transaction: pg_dump would too.
# (Another run may have cancelled it: the demo puts it back within 20 s.)
migration=""
for _ in $(seq 60); do
    migration=$("${psql[@]}" -d postgres -c "select pid from pg_stat_activity where application_name = 'manage.py migrate' and wait_event_type = 'Lock'")
    [[ -n $migration ]] && break
    sleep 1
done
expect refused-behind-a-lock 1 'twit_report: pid [0-9]+ \(manage.py migrate: alter table' \
    -- "$opsdeck" "${ws[@]}" db backup production
expect cancel-the-migration 0 'cancel sent' \
    -- "$opsdeck" "${ws[@]}" db cancel production "$migration" --yes -m "backup test"
sleep 0.5 # the demo puts the migration back after 20 s; pg_dump holds its locks by then
expect backup 0 '^  [0-9.]+ KiB in .* entries read back by pg_restore --list' \
    -- "$opsdeck" "${ws[@]}" db backup production
dump=$(ls -t "$state"/backups/minitwit_prod-*.dump | head -1)
manifest=$dump.manifest.json
expect manifest 0 '"database": "minitwit_prod"' -- cat "$manifest"
expect manifest-verified 0 '"verified": true' -- cat "$manifest"
expect manifest-users 0 '"table": "public.auth_user"' -- cat "$manifest"
expect sha256-matches 0 "$(sha256sum "$dump" | cut -d' ' -f1)" -- cat "$manifest"
expect dump-owner-only 0 '^600$' -- stat -c %a "$dump"
expect listed 0 "yes +.* $(basename "$dump")" -- "$opsdeck" "${ws[@]}" db backups production
expect audited-backup 0 "'production', 'db.backup', None, 'succeeded: minitwit_prod-" -- audit
expect fresh 0 'OK +Backup freshness' -- "$opsdeck" "${ws[@]}" db health production --check backup_freshness

expect restore 0 'public.auth_user: 3000 rows, as in the source' \
    -- "$opsdeck" "${ws[@]}" db restore staging "$dump" --database bk_restored
expect restored-users 0 '^3000$' -- "${psql[@]}" -d bk_restored -c "select count(*) from auth_user"
expect restore-not-over 1 'database bk_restored exists .*--replace' \
    -- "$opsdeck" "${ws[@]}" db restore staging "$dump" --database bk_restored
expect restore-protected 3 'production is protected: pass --yes and -m COMMENT' \
    -- "$opsdeck" "${ws[@]}" db restore production "$dump" --database bk_other

# A third environment on the same server for the clone: staging stays as the other tests know it.
python3 - "$WORKSPACE" "$review_ws" "$PGPORT" <<'PY'
import sys
text = open(sys.argv[1]).read()
review = f'''  review:
    database:
      conninfo: "host=127.0.0.1 port={sys.argv[3]} dbname=bk_review user=postgres"
      tunnel: bastion
'''
open(sys.argv[2], "w").write(text.replace("\ndashboards:", "\n" + review + "\ndashboards:", 1))
PY
"${psql[@]}" -d postgres -c "create database bk_review" -c "" >/dev/null
"${psql[@]}" -d bk_review -c "create table marker (note text); insert into marker values ('the old review')" >/dev/null
rws=(-w "$review_ws")
expect clone-needs-the-name 3 'Clone on review replaces data: pass --yes and -m COMMENT' \
    -- "$opsdeck" "${rws[@]}" db clone production review
expect clone-needs-a-comment 3 'say why with -m COMMENT' \
    -- "$opsdeck" "${rws[@]}" db clone production review --yes
expect clone 0 'the database it replaced is kept as bk_review_before_' \
    -- "$opsdeck" "${rws[@]}" db clone production review --yes -m "fresh data for review"
expect cloned-users 0 '^3000$' -- "${psql[@]}" -d bk_review -c "select count(*) from auth_user"
expect scrubbed 0 '^0$' -- "${psql[@]}" -d bk_review -c "select count(*) from auth_user where email like '%@example.org' and not is_staff"
expect sessions-scrubbed 0 '^0$' -- "${psql[@]}" -d bk_review -c "select count(*) from django_session"
kept=$("${psql[@]}" -d postgres -c "select datname from pg_database where datname like 'bk\_review\_before\_%'")
expect old-kept 0 '^the old review$' -- "${psql[@]}" -d "$kept" -c "select note from marker"
expect production-untouched 0 '@example.org$' -- "${psql[@]}" -d minitwit_prod -c "select email from auth_user where not is_staff limit 1"
expect audited-clone 0 "'review', 'db.clone', 'fresh data for review', 'succeeded: bk_review'" -- audit

# The demo's lock queue as the other tests know it: back, and blocked for 30 s and more.
for _ in $(seq 90); do
    [[ -n $("${psql[@]}" -d postgres -c "select 1 from pg_stat_activity where application_name = 'manage.py migrate'
        and wait_event_type = 'Lock' and now() - query_start > interval '32 s'") ]] && break
    sleep 1
done

echo "backup cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
