#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck db cancel|terminate|drop-slot` on the demo world, where staging and production share
# one PostgreSQL server: an action takes the protection of the database it touches, whichever
# environment it was asked from, with the same rule as the GUI (--yes and -m on production).
#   db_cli_test.sh OPSDECK_BINARY DEMO_STATE_DIR
set -uo pipefail
opsdeck=$1
set -a
source "$2/env"
set +a
tmp=$(mktemp -d)
victims=()
cleanup() {
    for pid in "${victims[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"
export XDG_DATA_HOME=$tmp/data # this run's audit log
ws=(-w "$WORKSPACE")
psql=("$OPSDECK_PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt)

# A session sleeping in `database` under `name`; prints its backend PID.
sleeper() { # database name
    PGAPPNAME=$2 "${psql[@]}" -d "$1" -c "select pg_sleep(300)" >/dev/null 2>&1 &
    victims+=($!)
    local pid=""
    for _ in $(seq 100); do
        pid=$("${psql[@]}" -d postgres -c "select pid from pg_stat_activity where application_name = '$2' and state = 'active'")
        [[ -n $pid ]] && break
        sleep 0.1
    done
    echo "$pid"
}
alive() { [[ -n $("${psql[@]}" -d postgres -c "select 1 from pg_stat_activity where pid = $1") ]]; }

prod=$(sleeper minitwit_prod db-cli-prod-victim)
[[ -n $prod ]] || { echo "FAIL setup: no production sleeper"; exit 1; }
expect from-staging-protected 3 'production is protected: pass --yes and -m COMMENT' \
    -- "$opsdeck" "${ws[@]}" db terminate staging "$prod"
expect needs-a-comment 3 'production is protected: say why with -m COMMENT' \
    -- "$opsdeck" "${ws[@]}" db terminate staging "$prod" --yes
if alive "$prod"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL refused-left-alone"; fi
expect terminate 0 "^pid $prod .*: terminated$" \
    -- "$opsdeck" "${ws[@]}" db terminate staging "$prod" --yes -m "db cli test"
if alive "$prod"; then failed=$((failed + 1)); echo "FAIL terminated-gone"; else passed=$((passed + 1)); fi
audit=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select environment, action, comment, outcome from audit order by id desc limit 1").fetchone())' "$XDG_DATA_HOME/opsdeck/audit.sqlite" 2>&1)
expect audited-as-production 0 "'production', 'db.terminate', 'db cli test', 'terminated'" -- echo "$audit"

staging=$(sleeper minitwit_staging db-cli-staging-victim)
expect cancel-unprotected 0 "^pid $staging .*: cancel sent$" -- "$opsdeck" "${ws[@]}" db cancel staging "$staging"
expect no-such-pid 3 'no backend with PID 1 ' -- "$opsdeck" "${ws[@]}" db cancel staging 1
expect not-a-pid 2 'which backend' -- "$opsdeck" "${ws[@]}" db cancel staging web1
expect no-such-slot 3 'no replication slot named nope' -- "$opsdeck" "${ws[@]}" db drop-slot staging nope

# The explorer's commands: the tree, a table's structure, read-only queries, plans.
expect tables 0 '^public +twit_message +table +[0-9]+ ' -- "$opsdeck" "${ws[@]}" db tables production
# twit_report sits behind the demo's stuck migration (ACCESS EXCLUSIVE): listed, not waited for.
expect tables-past-a-lock 0 '^public +twit_report +table' -- "$opsdeck" "${ws[@]}" db tables production
expect describe-fk 0 'REFERENCES auth_user\(id\)' -- "$opsdeck" "${ws[@]}" db describe production twit_message
expect describe-referenced-by 0 '^  twit_message_author_id.*public.twit_message FOREIGN KEY' \
    -- "$opsdeck" "${ws[@]}" db describe production auth_user
expect describe-locked 0 'ACCESS EXCLUSIVE lock: pid [0-9]+ \((holds|waits for) it\)' \
    -- "$opsdeck" "${ws[@]}" db describe production twit_report
expect describe-ddl 0 '^CREATE TABLE "public"."twit_message" \($' \
    -- "$opsdeck" "${ws[@]}" db describe production twit_message --ddl
expect no-such-table 3 'no table or view named nope' -- "$opsdeck" "${ws[@]}" db describe production nope
users=$("${psql[@]}" -d minitwit_prod -c "select count(*) from auth_user")
csv=$("$opsdeck" "${ws[@]}" db query production "select id, username from auth_user order by id" --csv)
expect query-csv-streams-every-row 0 "^$((users + 1))\$" -- bash -c "wc -l <<<'$csv'"
"$OPSDECK_PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d minitwit_prod --csv \
    -c 'select id, username from auth_user order by id' >"$tmp/psql.csv"
printf '%s\n' "$csv" >"$tmp/opsdeck.csv"
expect query-csv-is-psqls 0 '^same$' -- bash -c 'cmp "$1" "$2" && echo same' _ "$tmp/psql.csv" "$tmp/opsdeck.csv"
expect query-read-only 3 'cannot execute UPDATE in a read-only transaction' \
    -- "$opsdeck" "${ws[@]}" db query production "update auth_user set last_name = 'cli' where id = 1"
expect explain 0 'most expensive: ' -- "$opsdeck" "${ws[@]}" db explain production "select * from twit_message where author_id = 1" --analyze
expect write-needs-yes 3 'production is protected: pass --yes and -m COMMENT' \
    -- "$opsdeck" "${ws[@]}" db query production "update auth_user set last_name = 'cli' where id = 1" --write
expect write-needs-comment 3 'say why with -m COMMENT' \
    -- "$opsdeck" "${ws[@]}" db query production "update auth_user set last_name = 'cli' where id = 1" --write --yes
expect unchanged 0 '^$' -- "${psql[@]}" -d minitwit_prod -c "select 1 from auth_user where id = 1 and last_name = 'cli'"
expect write 0 '^UPDATE 1, COMMIT$' \
    -- "$opsdeck" "${ws[@]}" db query production "update auth_user set last_name = 'cli' where id = 1" --write --yes -m "db cli test write"
expect written 0 '^1$' -- "${psql[@]}" -d minitwit_prod -c "select 1 from auth_user where id = 1 and last_name = 'cli'"
audit=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select environment, action, target, comment, outcome from audit order by id desc limit 1").fetchone())' "$XDG_DATA_HOME/opsdeck/audit.sqlite" 2>&1)
expect write-audited 0 "'production', 'db.sql_write', \"update auth_user set last_name = 'cli' where id = 1\", 'db cli test write', 'UPDATE 1, COMMIT'" -- echo "$audit"

echo "db cli: $passed passed, $failed failed"
((failed == 0))
