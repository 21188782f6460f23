#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck flags ls|diff` against the demo world's real django-waffle tables (staging and
# production, set up by `manage.py waffle_flag …`) and a plain FeatureFlag-style table.
#   flags_cli_test.sh OPSDECK_BINARY DEMO_STATE_DIR
set -uo pipefail
opsdeck=$1
set -a
source "$2/env"
set +a
tmp=$(mktemp -d)
db=flags_table_$$
trap 'rm -rf "$tmp"; "$OPSDECK_PG_BIN/psql" -qc "drop database if exists $db" postgres >/dev/null 2>&1' EXIT
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"

ws=(-w "$WORKSPACE")
expect ls-matrix 0 '^new_timeline +on +35 % *$' -- "$opsdeck" "${ws[@]}" flags ls
expect ls-rules 0 '^staff_tools +staff +staff *$' -- "$opsdeck" "${ws[@]}" flags ls
expect ls-switch 0 '^maintenance_banner \(switch\) +off +off *$' -- "$opsdeck" "${ws[@]}" flags ls
expect ls-sample 0 '^sampled_logging \(sample\) +10 % of calls' -- "$opsdeck" "${ws[@]}" flags ls
expect ls-one 0 '^beta_search +off *$' -- "$opsdeck" "${ws[@]}" flags ls production
expect ls-json 0 '"production": "35 %"' -- "$opsdeck" "${ws[@]}" flags ls --json
expect diff 1 '^flag new_timeline: on in staging, 35 % in production$' -- "$opsdeck" "${ws[@]}" flags diff staging production
expect diff-only-differences 1 '^flag beta_search: on in staging, off in production$' -- "$opsdeck" "${ws[@]}" flags diff staging production
expect diff-same 0 'have the same flags' -- "$opsdeck" "${ws[@]}" flags diff production production
expect_only unknown-env 3 'no environment .qa.' -- "$opsdeck" "${ws[@]}" flags ls qa
expect_only typo-env 3 "no environment 'stagin' in .* did you mean 'staging'\?" -- "$opsdeck" "${ws[@]}" flags ls stagin
expect_only typo-env-set 3 "did you mean 'staging'\?" -- "$opsdeck" "${ws[@]}" flags on stagin new_timeline --yes
expect_only typo-flag 3 "staging has no flag 'new_timelin' — did you mean 'new_timeline'\?" -- "$opsdeck" "${ws[@]}" flags on staging new_timelin --yes
expect usage 2 'usage: opsdeck flags' -- "$opsdeck" "${ws[@]}" flags frobnicate

# Writes (the flag goes back as it was): through manage.py on web1, audited; bounds; protection.
export XDG_DATA_HOME=$tmp/data # the audit log of this run
expect off 0 '^staging: flag beta_search: on → off \(manage.py on web1\)$' -- "$opsdeck" "${ws[@]}" flags off staging beta_search -m "cli test"
expect off-seen 0 '^beta_search +off *$' -- "$opsdeck" "${ws[@]}" flags ls staging
expect on 0 'off → on' -- "$opsdeck" "${ws[@]}" flags on staging beta_search
expect percent-bounds 2 'between 0.0 and 99.9' -- "$opsdeck" "${ws[@]}" flags set staging new_timeline --percent 120
expect percent-100 2 '100 % is on for everyone: turn it on' -- "$opsdeck" "${ws[@]}" flags set staging new_timeline --percent 100
expect percent-needed 2 'percent N is needed' -- "$opsdeck" "${ws[@]}" flags set staging new_timeline
expect protected 3 'production is protected: pass --yes and -m' -- "$opsdeck" "${ws[@]}" flags on production beta_search
expect protected-unchanged 0 '^beta_search +off *$' -- "$opsdeck" "${ws[@]}" flags ls production
expect no-such-flag 3 "has no flag 'nope'" -- "$opsdeck" "${ws[@]}" flags on staging nope
expect audited 0 '^flag.set\|staging\|flag beta_search\|on\|off\|cli test\|succeeded$' -- /usr/bin/python3 -c '
import glob, sqlite3, sys
db = glob.glob(sys.argv[1] + "/**/audit.sqlite", recursive=True)[0]
for row in sqlite3.connect(db).execute("select action, environment, target, before, after, comment, outcome from audit order by id limit 1"):
    print("|".join(row))' "$tmp/data"

# Create, rules, delete and the kill switch: the pane's other writes, from a terminal.
expect create 0 "^staging: flag cli_new_$$: \\(new\\) → off \\(manage.py on web1\\)$" -- "$opsdeck" "${ws[@]}" flags create staging "cli_new_$$" --off
expect create-exists 3 "exists already" -- "$opsdeck" "${ws[@]}" flags create staging "cli_new_$$"
expect rules-set 0 "^staging: flag cli_new_$$: off → " -- "$opsdeck" "${ws[@]}" flags rules staging "cli_new_$$" --everyone unset --staff on --users user10 --groups beta_testers
expect rules-unknown-user 3 "unknown users or groups: alice" -- "$opsdeck" "${ws[@]}" flags rules staging "cli_new_$$" --users alice
expect rules-show 0 'staff' -- "$opsdeck" "${ws[@]}" flags rules staging "cli_new_$$"
expect rules-bad-value 3 '--staff takes on or off' -- "$opsdeck" "${ws[@]}" flags rules staging "cli_new_$$" --staff maybe
expect create-prod 0 "^production: flag cli_new_$$: \\(new\\) → on" -- "$opsdeck" "${ws[@]}" flags create production "cli_new_$$" --on --yes -m "cli test"
expect kill-protected 3 'production is protected: pass --yes and -m' -- "$opsdeck" "${ws[@]}" flags kill "cli_new_$$"
expect kill 0 "^production: flag cli_new_$$: on → off" -- "$opsdeck" "${ws[@]}" flags kill "cli_new_$$" --yes -m "cli test"
expect kill-again 0 'is off everywhere already' -- "$opsdeck" "${ws[@]}" flags kill "cli_new_$$" --yes -m "cli test"
expect delete 0 "^staging: flag cli_new_$$: .* → \\(deleted\\)" -- "$opsdeck" "${ws[@]}" flags delete staging "cli_new_$$"
expect delete-prod 0 "→ \\(deleted\\)" -- "$opsdeck" "${ws[@]}" flags delete production "cli_new_$$" --yes -m "cli test"
expect deleted 1 '^0$' -- sh -c '"$1" -w "$2" flags ls staging | grep -c "$3"' _ "$opsdeck" "$WORKSPACE" "cli_new_$$"
expect switch-on 0 '^staging: switch maintenance_banner: off → on' -- "$opsdeck" "${ws[@]}" flags on staging maintenance_banner --switch
expect switch-off 0 '^staging: switch maintenance_banner: on → off' -- "$opsdeck" "${ws[@]}" flags off staging maintenance_banner --switch
expect unknown-option 2 'unknown option --frob' -- "$opsdeck" "${ws[@]}" flags on staging beta_search --frob

# A plain table (Django model FeatureFlag(name, enabled, created_at)) in its own database.
"$OPSDECK_PG_BIN/psql" -qc "create database $db" postgres >/dev/null
"$OPSDECK_PG_BIN/psql" -q -d "$db" -c "create table feature_flag (id serial primary key,
    name varchar(100) unique not null, enabled boolean not null, created_at timestamptz default now());
    insert into feature_flag (name, enabled) values ('dark_mode', true), ('new_checkout', false)" >/dev/null
cat >"$tmp/opsdeck.yaml" <<YML
version: 1
name: flags-table
environments:
  local:
    database: { conninfo: "host=127.0.0.1 port=$PGPORT dbname=$db user=$PGUSER" }
    flags: { backend: table, table: feature_flag }
  odd:
    database: { conninfo: "host=127.0.0.1 port=$PGPORT dbname=$db user=$PGUSER" }
    flags: { backend: table, table: "feature_flag; drop table x" }
YML
expect table 0 '^dark_mode +on *$' -- "$opsdeck" -w "$tmp/opsdeck.yaml" flags ls local
expect table-off 0 '^new_checkout +off *$' -- "$opsdeck" -w "$tmp/opsdeck.yaml" flags ls local
expect table-name-checked 3 'is not a table or column name' -- "$opsdeck" -w "$tmp/opsdeck.yaml" flags ls odd

echo "$passed passed, $failed failed"
((failed == 0))
