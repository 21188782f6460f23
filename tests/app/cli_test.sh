#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The command line as scripts see it: output, positions and exit codes.
#   cli_test.sh OPSDECK_BINARY TESTS_SOURCE_DIR
set -uo pipefail
opsdeck=$1
cases=$2/core/workspace/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

expect() { # name expected-exit-code stdout+stderr-pattern -- command...
    local name=$1 code=$2 pattern=$3
    shift 4
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [[ $rc == "$code" ]] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $code), output:"
        sed 's/^/    /' <<<"$out"
    fi
}

expect version 0 '^opsdeck [0-9]+\.[0-9]+\.[0-9]+$' -- "$opsdeck" --version
expect help 0 'check \(validate\)' -- "$opsdeck" --help
expect help-exit-codes 0 'Exit codes: 0 ok' -- "$opsdeck" --help
expect typo 2 "Did you mean 'check'\?" -- "$opsdeck" chekc
expect unknown-command 2 "'frobnicate' is not a command" -- "$opsdeck" frobnicate
expect command-help 0 '^Usage: opsdeck check' -- "$opsdeck" check --help
expect alias 0 "ok: workspace 'minitwit'" -- "$opsdeck" validate "$cases/good-full/opsdeck.yaml"
expect check-errors 1 'opsdeck.yaml:7:19: error: environments.production.hosts\[1\]: unknown host' \
    -- "$opsdeck" check "$cases/unknown-host/opsdeck.yaml"
expect check-syntax 1 'opsdeck.yaml:4:13: error: end of map flow not found' \
    -- "$opsdeck" check -w "$cases/syntax-error/opsdeck.yaml"
expect check-warnings-ok 0 'unknown key .adress.' -- "$opsdeck" check "$cases/unknown-key/opsdeck.yaml"
expect check-missing 1 'cannot open workspace' -- "$opsdeck" check "$tmp/nope.yaml"

# Workspace discovery, the way git finds its repository.
mkdir -p "$tmp/infra/deep/er"
cp "$cases/good-full/opsdeck.yaml" "$tmp/infra/opsdeck.yaml"
expect discover-parent 0 "$tmp/infra/opsdeck.yaml: ok" -- bash -c "cd '$tmp/infra/deep/er' && OPSDECK_WORKSPACE= '$opsdeck' check"
expect discover-env 0 "ok: workspace 'minitwit'" -- env OPSDECK_WORKSPACE="$tmp/infra/opsdeck.yaml" bash -c "cd / && '$opsdeck' check"
expect discover-none 3 'no workspace' -- bash -c "cd '$tmp' && OPSDECK_WORKSPACE= '$opsdeck' check"

# GUI modes that scripts and docs use: offscreen screenshot and first-paint exit.
expect bad-option 2 'unknown option --bogus' -- "$opsdeck" --bogus
expect screenshot-broken 0 '' -- "$opsdeck" "$cases/unknown-host/opsdeck.yaml" --screenshot "$tmp/broken.png" --settle-ms 3000
if [[ -s $tmp/broken.png ]] && [[ $(head -c 8 "$tmp/broken.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] \
    && (($(stat -c %s "$tmp/broken.png") > 5000)); then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL screenshot-png: no PNG, or a blank one"
fi
expect first-paint 0 '' -- env QT_QPA_PLATFORM=offscreen timeout 20 "$opsdeck" --quit-after-first-paint "$cases/good-full/opsdeck.yaml"
expect screenshot-unknown-env 2 "no pane 'overview' in environment 'nowhere'" \
    -- "$opsdeck" "$cases/good-full/opsdeck.yaml" --screenshot "$tmp/x.png" --env nowhere

# Libraries come from the system, never from the folder Opsdeck is started in: an empty RUNPATH
# entry reads as the current directory, so a planted libstdc++.so.6 there would be loaded.
planted=$tmp/planted
mkdir -p "$planted"
for lib in libstdc++.so.6 libc.so.6 libQt6Core.so.6 libQt6Network.so.6 libQt6Widgets.so.6 libpq.so.5 libssh.so.4; do
    echo 'not a library' >"$planted/$lib"
done
expect cwd-libraries-version 0 '^opsdeck ' -- bash -c "cd '$planted' && '$opsdeck' --version"
expect cwd-libraries-light-module 0 "ok: workspace 'minitwit'" \
    -- bash -c "cd '$planted' && '$opsdeck' check '$cases/good-full/opsdeck.yaml'"
expect cwd-libraries-full-module 0 'Usage: opsdeck flags' -- bash -c "cd '$planted' && '$opsdeck' flags --help"
expect cwd-libraries-console 0 '' \
    -- bash -c "cd '$planted' && QT_QPA_PLATFORM=offscreen timeout 20 '$opsdeck' --quit-after-first-paint '$cases/good-full/opsdeck.yaml'"

echo "$passed passed, $failed failed"
((failed == 0))
