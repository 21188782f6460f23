# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the command-line tests: `expect NAME CODE PATTERN -- COMMAND...` runs the command,
# wants that exit code and a line of its output (stdout and stderr) matching PATTERN, and counts.
passed=0 failed=0

# `expect_only NAME CODE PATTERN -- COMMAND...`: the whole output is one line matching PATTERN
# (an error and nothing after it: no stray header or half a table).
expect_only() {
    local name=$1 code=$2 pattern=$3
    shift 4
    local out rc
    out=$("$@" </dev/null 2>&1)
    rc=$?
    if [[ $rc == "$code" && $(wc -l <<<"$out") == 1 ]] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $code and one line matching '$pattern'), output:"
        sed 's/^/    /' <<<"$out"
    fi
}

expect() { # name expected-exit-code output-pattern -- command...
    local name=$1 code=$2 pattern=$3
    shift 4
    local out rc
    out=$("$@" </dev/null 2>&1)
    rc=$?
    if [[ $rc == "$code" ]] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $code, output matching '$pattern'), output:"
        sed 's/^/    /' <<<"$out"
    fi
}
