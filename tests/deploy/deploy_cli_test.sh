#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck deploy|rollback|run|releases|lock|unlock` against the demo world's sshd hosts, as a
# script sees them: exit codes, host-prefixed output, refusals. Uses its own /srv path.
#   deploy_cli_test.sh OPSDECK_BINARY DEMO_STATE_DIR
set -uo pipefail
opsdeck=$1
source "$2/env"
tmp=$(mktemp -d)
path=/srv/cli-test-$$
trap 'rm -rf "$tmp"; for h in web1 web2; do rm -rf "$2/hosts/$h/srv/${path#/srv/}"; done' EXIT
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"

cat >"$tmp/opsdeck.yaml" <<YML
version: 1
name: cli-test
ssh: { user: $SSH_USER, identity: $SSH_KEY, known_hosts: $SSH_KNOWN_HOSTS, use_ssh_config: false }
hosts:
  bastion: { address: 127.0.0.1, port: $SSH_PORT_BASTION }
  web1: { address: 127.0.0.1, port: $SSH_PORT_WEB1, jump: bastion }
  web2: { address: 127.0.0.1, port: $SSH_PORT_WEB2, jump: bastion }
environments:
  qa:
    hosts: [web1, web2]
    deploy: { path: $path, repo: $GIT_REPO, keep: 2, build: ["test -f manage.py"], restart: "true",
              healthcheck: { run: "grep -q \${REV} REVISION", interval: 200ms, timeout: 2s, budget: 5s } }
  bad:
    hosts: [web1, web2]
    deploy: { path: $path, repo: $GIT_REPO, build: ["echo compiling; false"] }
  prod:
    protected: true
    hosts: [web1]
    deploy: { path: $path-prod, repo: $GIT_REPO }
YML
od() { "$opsdeck" -w "$tmp/opsdeck.yaml" "$@"; }

expect typo 2 "Did you mean 'deploy'\?" -- od deplyo qa
expect deploy-help 0 '^Usage: opsdeck deploy ENV --ref REF' -- od deploy --help
expect no-ref 2 'which ref\?' -- od deploy qa
expect unknown-env 3 "no environment 'nowhere' .*known: qa, bad, prod" -- od deploy nowhere --ref v1
expect unknown-ref 3 "unknown ref 'nope' \(known: .*v1" -- od deploy qa --ref nope
expect protected-needs-comment 2 'prod is protected' -- od deploy prod --ref v1
expect protected-needs-yes 2 'prod is protected.*(--yes|type)' -- od deploy prod --ref v1 -m "why"
expect nothing-to-roll-back 3 'nothing is deployed to qa yet' -- od rollback qa
expect dry-run 0 'Plan \(nothing has been changed\)' -- od deploy qa --ref v1 --dry-run
expect dry-run-changed-nothing 0 'RELEASE' -- od releases qa
[[ -e $2/hosts/web1/srv/${path#/srv/}/current ]] && { failed=$((failed + 1)); echo "FAIL dry run created current"; }
expect deploy-v1 0 'succeeded: deployed v1 \([0-9a-f]{7}\) to web1, web2' -- od deploy qa --ref v1 -m first
[[ $(readlink "$2/hosts/web2/srv/${path#/srv/}/current") == releases/*Z-$(git -C "$GIT_REPO" rev-parse --short=7 v1) ]] ||
    { failed=$((failed + 1)); echo "FAIL web2's current is not v1's release"; }
# A dry run says what the deploy brings, as the deploy dialog does (qa has no database: the
# migrations still to apply are unknown).
expect dry-run-brings 0 '^What it brings: v1 → v2: 1 commit, migrations unknown' -- od deploy qa --ref v2 --dry-run
expect dry-run-lists-commits 0 '^  • [0-9a-f]{7} Add likes to messages' -- od deploy qa --ref v2 --dry-run
expect deploy-v2 0 'web1 \| health check passed' -- od deploy qa --ref v2
expect releases-alias 0 '^\* [0-9]{8}T[0-9]{6}Z-[0-9a-f]{7} +v2 ' -- od ls qa
expect releases-json 0 '"current": "[0-9]{8}T' -- od releases qa --json
expect run-ok 0 '^web2 \| hello from web2$' -- od run qa -- 'echo hello from $HOST'
expect run-one-host 0 '^web1 \| only$' -- od run qa --host web1 -- echo only
expect run-fails 1 '0 of 2 hosts succeeded' -- od exec qa -- false
expect lock 0 'locked qa' -- od lock qa -m "holding for a test"
expect lock-twice 1 'already locked by .*holding for a test' -- od lock qa
expect deploy-while-locked 3 'qa is locked by .*holding for a test' -- od deploy qa --ref v1
expect unlock 0 'unlocked qa' -- od unlock qa --yes
expect rollback 0 'succeeded' -- od rollback qa -m "back to v1"
expect after-rollback 0 '^\* [0-9T]+Z-[0-9a-f]{7} +v1 ' -- od ls qa
expect failed-build 1 'build failed on web1 \(exit status 1\), web2 \(exit status 1\); current is untouched' -- od deploy bad --ref v2
expect after-failed-build 0 '^\* [0-9T]+Z-[0-9a-f]{7} +v1 ' -- od ls bad

echo "$passed passed, $failed failed"
((failed == 0))
