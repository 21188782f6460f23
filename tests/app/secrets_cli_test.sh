#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `opsdeck secrets decrypt` on a dotenv file written by the real sops 3.8.1: output, sops's exit
# codes for each failure, and no plaintext on stderr.
#   secrets_cli_test.sh OPSDECK_BINARY TESTS_SOURCE_DIR
set -uo pipefail
opsdeck=$(realpath "$1")
set -- "$1" "$(realpath "$2")"
fixtures=$2/fixtures/sops-age-humphd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp XDG_CONFIG_HOME=$tmp/config # no keys.txt of the machine's user
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE
passed=0 failed=0

matches() { # pattern file: "-" means the file must be empty
    if [[ $1 == - ]]; then [[ ! -s $2 ]]; else grep -qE -- "$1" "$2"; fi
}

expect() { # name expected-exit-code stdout-pattern stderr-pattern -- command...  ("-": empty)
    local name=$1 code=$2 out_pattern=$3 err_pattern=$4
    shift 5
    local rc
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [[ $rc == "$code" ]] && matches "$out_pattern" "$tmp/out" && matches "$err_pattern" "$tmp/err" &&
        ! grep -q 'this is a secret' "$tmp/err"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $code); stdout:"
        sed 's/^/    /' "$tmp/out"
        echo "  stderr:"
        sed 's/^/    /' "$tmp/err"
    fi
}

key=$fixtures/key.txt
enc=$fixtures/secret.enc.env
expect decrypt 0 '^secret=this is a secret$' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$enc"
expect decrypt-key-in-env 0 '^another_secret=7$' - -- env SOPS_AGE_KEY="$(grep ^AGE "$key")" "$opsdeck" secrets decrypt "$enc"
mkdir -p "$tmp/config/sops/age" && cp "$key" "$tmp/config/sops/age/keys.txt"
expect default-keys-file 0 '^secret=this is a secret$' - -- "$opsdeck" secrets decrypt "$enc"
rm "$tmp/config/sops/age/keys.txt"
expect no-identity 128 - 'no age identity found: set SOPS_AGE_KEY' -- "$opsdeck" secrets decrypt "$enc"
expect wrong-identity 128 - 'none of your age identities' -- env SOPS_AGE_KEY="$(age-keygen 2>/dev/null | grep ^AGE)" "$opsdeck" secrets decrypt "$enc"
expect missing-key-file 128 - 'no such file \(SOPS_AGE_KEY_FILE\)' -- env SOPS_AGE_KEY_FILE="$tmp/nope" "$opsdeck" secrets decrypt "$enc"

# Swapped lines: every value still opens (its AAD is its key), but the MAC covers the order.
{ sed -n 2p "$enc"; sed -n 1p "$enc"; sed -n '3,$p' "$enc"; } >"$tmp/swapped.env"
expect mac-mismatch 51 - 'MAC mismatch\. File has [0-9A-F]{128}, computed [0-9A-F]{128}' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/swapped.env"
expect ignore-mac 0 '^another_secret=7$' 'warning: MAC mismatch' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt --ignore-mac "$tmp/swapped.env"
# Writing after --ignore-mac would sign the tampered file anew: refused without --yes, loud with it.
cp "$tmp/swapped.env" "$tmp/swapped.before"
expect set-ignore-mac-refused 51 - 'MAC WAS NOT CHECKED.*|not written; add --yes' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set --ignore-mac "$tmp/swapped.env" secret x
expect set-ignore-mac-left-alone 0 - - -- cmp "$tmp/swapped.env" "$tmp/swapped.before"
expect set-ignore-mac-yes 0 - 'MAC WAS NOT CHECKED' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set --ignore-mac --yes "$tmp/swapped.env" secret x
sed 's/^sops_lastmodified=.*Z$/sops_lastmodified=2024-03-26T00:43:55Z/' "$enc" >"$tmp/time.env"
expect mac-undecryptable 24 - 'could not decrypt the MAC' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/time.env"
grep -v '^sops_mac=' "$enc" >"$tmp/nomac.env"
expect mac-missing 52 - 'File has no MAC' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/nomac.env"
sed 's/^secret=ENC\[AES256_GCM,data:./secret=ENC[AES256_GCM,data:A/' "$enc" >"$tmp/tampered.env"
expect tampered-value 25 - '^opsdeck secrets: .*: secret: could not decrypt the value' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/tampered.env"
sed 's/^\(another_secret\)=/renamed=/' "$enc" >"$tmp/renamed.env"
expect renamed-key 25 - 'renamed: could not decrypt' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/renamed.env"
printf 'A=1\n' >"$tmp/plain.env"
expect not-sops 1 - 'sops metadata not found' -- "$opsdeck" secrets decrypt "$tmp/plain.env"
expect no-file 100 - 'usage: opsdeck secrets decrypt' -- "$opsdeck" secrets decrypt
expect unreadable 2 - 'nope.env' -- "$opsdeck" secrets decrypt "$tmp/nope.env"
# YAML (sops 3.8.1 and 3.7.1): plain scalars typed as go-yaml types them; values in clear are MAC'd too.
expect yaml 0 '^int: 7$' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$fixtures/secret.enc.yaml"
pr=$2/fixtures/sops-pr1031
expect yaml-lists-and-comments 0 '^        # private key for secret operations in app2$' - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets decrypt "$pr/example.yaml"
sed 's/all: going to remain in clear text/all: changed in clear text/' "$pr/example.yaml" >"$tmp/clear.yaml"
expect yaml-clear-value-changed 51 - 'MAC mismatch' -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets decrypt "$tmp/clear.yaml"
printf 'a: [1, 2\n' >"$tmp/broken.yaml"
expect yaml-syntax 1 - 'broken.yaml: 2:1: ' -- "$opsdeck" secrets decrypt "$tmp/broken.yaml"
expect ini 0 '^lastName  = Smith$' - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets decrypt "$pr/example.ini"
expect binary 0 '^Welcome to SOPS!$' - -- env SOPS_AGE_KEY_FILE="$2/fixtures/sops-pr1031/keys.txt" "$opsdeck" secrets decrypt "$2/fixtures/sops-pr1031/example.txt"

# A value replaced by a clear one is read as unencrypted (sops does too); the MAC catches the change.
# JSON (sops 3.9.2 and 3.7.1): key order kept, numbers and booleans typed back, MAC verified.
expect json 0 '^	"int": 7,$' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$fixtures/secret.enc.json"
SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$fixtures/secret.enc.json" >"$tmp/secret.json"
if /usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a!=b or list(a)!=list(b))' \
    "$tmp/secret.json" "$fixtures/secret.json"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL json-equals-reference"; diff "$tmp/secret.json" "$fixtures/secret.json"
fi
expect json-lists-of-maps 0 '"number": "646 555-4567"' - -- env SOPS_AGE_KEY_FILE="$2/fixtures/sops-pr1031/keys.txt" "$opsdeck" secrets decrypt "$2/fixtures/sops-pr1031/example.json"
sed 's/"string": "ENC/"renamed": "ENC/' "$fixtures/secret.enc.json" >"$tmp/renamed.json"
expect json-renamed-key 25 - 'renamed: could not decrypt' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/renamed.json"
sed 's/"0word": "ENC[^"]*"/"0word": "gotta match rust"/' "$fixtures/secret.enc.json" >"$tmp/cleared.json"
expect json-value-in-clear 51 - 'MAC mismatch' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/cleared.json"
printf '{"a": 1,}' >"$tmp/broken.json"
expect json-syntax 1 - 'broken.json: 1:9: ' -- "$opsdeck" secrets decrypt "$tmp/broken.json"

# Edit and save: only the changed value, lastmodified and the MAC differ; the rest keeps its bytes.
cp "$fixtures/secret.enc.json" "$tmp/edit.json"
expect set 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.json" complex.value "rotated secret"
changes=$(diff "$fixtures/secret.enc.json" "$tmp/edit.json" | grep '^>')
changed=$(grep -c . <<<"$changes")
if [[ $changed == 3 ]] && grep -q '^>     "value": "ENC' <<<"$changes" && grep -q '^>     "lastmodified": ' <<<"$changes"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL set-minimal-diff ($changed lines changed):"; diff "$fixtures/secret.enc.json" "$tmp/edit.json" | cut -c1-100
fi
expect set-then-decrypt 0 '"value": "rotated secret"' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/edit.json"
expect set-sops-path 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.json" '["complex"]["added_unencrypted"]' 'in clear'
expect added-in-clear 0 '"added_unencrypted": "in clear"' - -- grep added_unencrypted "$tmp/edit.json"
expect added-decrypts 0 '"added_unencrypted": "in clear"' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/edit.json"
cp "$tmp/edit.json" "$tmp/before.json"
expect set-wrong-key 128 - 'none of your age identities' -- env SOPS_AGE_KEY="$(age-keygen 2>/dev/null | grep ^AGE)" "$opsdeck" secrets set "$tmp/edit.json" secret x
expect set-left-file-alone 0 - - -- cmp "$tmp/before.json" "$tmp/edit.json"
expect set-into-list 2 - 'a list or a value is in the way' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.json" complex.array.x y

# dotenv edits: the one line, lastmodified and the MAC change; a new _unencrypted key stays in clear.
cp "$enc" "$tmp/edit.env"
expect set-dotenv 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.env" another_secret 8
changes=$(diff "$enc" "$tmp/edit.env" | grep '^>')
if [[ $(grep -c . <<<"$changes") == 3 ]] && grep -q '^> another_secret=ENC' <<<"$changes" &&
    grep -q '^> sops_lastmodified=' <<<"$changes" && grep -q '^> sops_mac=ENC' <<<"$changes"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL set-dotenv-minimal-diff:"; diff "$enc" "$tmp/edit.env" | cut -c1-100
fi
expect set-dotenv-clear 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.env" NOTE_unencrypted 'two
lines'
expect set-dotenv-clear-on-disk 0 '^NOTE_unencrypted=two\\nlines$' - -- cat "$tmp/edit.env"
expect set-dotenv-decrypts 0 '^another_secret=8$' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/edit.env"
expect set-dotenv-nested 2 - 'one level of keys' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.env" a.b c
expect set-dotenv-metadata-key 2 - 'cannot be a dotenv key' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets set "$tmp/edit.env" sops_mac x

# New files: JSON and binary, for an age recipient; the wrapped data key opens with the real age.
recipient=$(grep -o 'age1[0-9a-z]*' "$key" | head -1)
SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$fixtures/secret.enc.json" >"$tmp/plain.json"
expect encrypt-json 0 '"version": "3.13.2"' - -- "$opsdeck" secrets encrypt --age "$recipient" "$tmp/plain.json"
"$opsdeck" secrets encrypt --age "$recipient" "$tmp/plain.json" >"$tmp/new.enc.json"
SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/new.enc.json" >"$tmp/again.json"
expect encrypt-json-round-trip 0 - - -- cmp "$tmp/plain.json" "$tmp/again.json"
/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sops"]["age"][0]["enc"], end="")' "$tmp/new.enc.json" >"$tmp/datakey.age"
expect data-key-opens-with-age 0 - - -- bash -c "age -d -i '$key' '$tmp/datakey.age' | wc -c | grep -qx 32"
head -c 100000 /dev/urandom >"$tmp/blob.bin"
SOPS_AGE_RECIPIENTS="$recipient" "$opsdeck" secrets encrypt "$tmp/blob.bin" >"$tmp/blob.enc"
SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/blob.enc" >"$tmp/blob.out"
expect binary-round-trip 0 - - -- cmp "$tmp/blob.bin" "$tmp/blob.out"
expect encrypt-twice 203 - 'already encrypted' -- "$opsdeck" secrets encrypt --age "$recipient" "$tmp/new.enc.json"
expect encrypt-no-recipient 111 - 'no recipients' -- "$opsdeck" secrets encrypt "$tmp/plain.json"
expect encrypt-bad-recipient 1 - 'not an age X25519 recipient|malformed age recipient' -- "$opsdeck" secrets encrypt --age age1nope "$tmp/plain.json"

# .sops.yaml creation rules: found from the working directory up, first match wins, its rule is kept.
other_key=$tmp/other.txt
age-keygen -o "$other_key" 2>/dev/null
other=$(grep -o 'age1[0-9a-z]*' "$other_key" | head -1)
mkdir -p "$tmp/repo/secrets" "$tmp/norule"
cat >"$tmp/repo/.sops.yaml" <<YML
creation_rules:
  - path_regex: \.prod\.json\$
    age: >-
      $recipient,
      $recipient
    encrypted_regex: ^password\$
  - key_groups:
      - age: [$other]
YML
printf '{"db": {"password": "hunter2", "port": 5432}}\n' >"$tmp/repo/secrets/app.prod.json"
cp "$tmp/repo/secrets/app.prod.json" "$tmp/repo/secrets/app.staging.json"
cd "$tmp/repo/secrets"
"$opsdeck" secrets encrypt app.prod.json >app.prod.enc.json
expect rule-encrypts-only-matching-keys 0 '"port": 5432' - -- grep -E '"port": 5432|encrypted_regex' app.prod.enc.json
expect rule-is-recorded 0 '"encrypted_regex": "\^password\$"' - -- cat app.prod.enc.json
expect rule-round-trip 0 '"password": "hunter2"' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt app.prod.enc.json
"$opsdeck" secrets encrypt app.staging.json >app.staging.enc.json
expect catch-all-rule-other-key 128 - 'none of your age identities' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt app.staging.enc.json
expect catch-all-rule-opens 0 '"password": "hunter2"' - -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets decrypt app.staging.enc.json
cd "$tmp/norule"
printf 'creation_rules:\n  - path_regex: nothing-matches\n    age: %s\n' "$recipient" >.sops.yaml
printf '{"a": "b"}\n' >x.json
expect no-matching-rule 111 - 'no matching creation rules found' -- "$opsdeck" secrets encrypt x.json
cd - >/dev/null

# YAML and INI edits in place (comments stay encrypted), and rotation with recipients added/removed.
cp "$pr/example.yaml" "$tmp/edit.yaml"
expect set-yaml 0 - - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets set "$tmp/edit.yaml" app2.db.user mallory
expect set-yaml-decrypts 0 '^        user: mallory$' - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets decrypt "$tmp/edit.yaml"
expect set-yaml-comments-encrypted 0 '#ENC\[AES256_GCM' - -- grep -m1 '#ENC' "$tmp/edit.yaml"
cp "$pr/example.ini" "$tmp/edit.ini"
expect set-ini 0 - - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets set "$tmp/edit.ini" name.firstName Jane
expect set-ini-decrypts 0 '^firstName = Jane$' - -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets decrypt "$tmp/edit.ini"
expect set-ini-depth 2 - 'section.key' -- env SOPS_AGE_KEY_FILE="$pr/keys.txt" "$opsdeck" secrets set "$tmp/edit.ini" firstName Jane
printf 'db:\n    password: hunter2\n' >"$tmp/new.yaml"
SOPS_AGE_RECIPIENTS="$recipient" "$opsdeck" secrets encrypt "$tmp/new.yaml" >"$tmp/rot.yaml"
before=$(grep -o 'password: ENC[^ ]*' "$tmp/rot.yaml")
expect rotate-add 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets rotate --add-age "$other" "$tmp/rot.yaml"
expect rotate-new-ciphertext 1 - - -- grep -qF "$before" "$tmp/rot.yaml"
expect rotate-added-opens 0 '^    password: hunter2$' - -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets decrypt "$tmp/rot.yaml"
expect rotate-remove 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets rotate --rm-age "$recipient" "$tmp/rot.yaml"
expect rotate-removed-cannot 128 - 'none of your age identities' -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/rot.yaml"
cp "$tmp/rot.yaml" "$tmp/rot.before"
expect rotate-last-key 1 - 'only key' -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets rotate --rm-age "$other" "$tmp/rot.yaml"
expect rotate-left-file-alone 0 - - -- cmp "$tmp/rot.yaml" "$tmp/rot.before"

# Low-order X25519 recipients (all-zero shared secret: the wrapped key would be public) are refused
# before anything is written, as sops exits for a recipient it cannot use (1).
zero=age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z
expect low-order-encrypt 1 - 'low-order X25519 point' -- "$opsdeck" secrets encrypt --age "$zero" "$tmp/new.yaml"
expect low-order-encrypt-env 1 - 'low-order X25519 point' -- env SOPS_AGE_RECIPIENTS="$recipient,$zero" "$opsdeck" secrets encrypt "$tmp/new.yaml"
expect low-order-rotate-add 1 - 'low-order X25519 point' -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets rotate --add-age "$zero" "$tmp/rot.yaml"
expect low-order-rotate-left-file-alone 0 - - -- cmp "$tmp/rot.yaml" "$tmp/rot.before"
mkdir -p "$tmp/zerorule" && cd "$tmp/zerorule"
printf 'creation_rules:\n  - age: %s,%s\n' "$recipient" "$zero" >.sops.yaml
printf '{"a": "b"}\n' >x.json
expect low-order-rule 1 - 'low-order X25519 point' -- "$opsdeck" secrets encrypt x.json
cd - >/dev/null

# Recipients: listed from the metadata alone (no identity needed), added and removed in place.
expect recipients-list 0 "^age  $other\$" - -- env SOPS_AGE_KEY_FILE=/nonexistent "$opsdeck" secrets recipients "$tmp/rot.yaml"
expect recipients-add 0 - - -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets recipients --add-age "$recipient" "$tmp/rot.yaml"
expect recipients-added 0 "^age  $recipient\$" - -- "$opsdeck" secrets recipients "$tmp/rot.yaml"
expect recipients-added-opens 0 '^    password: hunter2$' - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets decrypt "$tmp/rot.yaml"
expect recipients-remove 0 - - -- env SOPS_AGE_KEY_FILE="$key" "$opsdeck" secrets recipients --rm-age "$other" "$tmp/rot.yaml"
expect recipients-removed-cannot 128 - 'none of your age identities' -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets decrypt "$tmp/rot.yaml"
expect recipients-not-sops 1 - 'no sops metadata' -- "$opsdeck" secrets recipients "$tmp/new.yaml"
expect age-cli-refuses-too 1 - - -- sh -c "printf x | age -r $zero >/dev/null 2>&1; [ \$? -eq 0 ] && exit 0 || exit 1"

# Writes are audited with key names, never values; a protected environment's file needs --yes and
# -m, whichever way it is named (here: listed in production's secrets:).
mkdir -p "$tmp/ws/secrets"
cp "$tmp/rot.before" "$tmp/ws/secrets/production.enc.yaml"
printf 'version: 1\nname: audited\nenvironments:\n  production:\n    protected: true\n    secrets: [secrets/production.enc.yaml]\n' >"$tmp/ws/opsdeck.yaml"
cd "$tmp/ws"
expect protected-set-refused 2 - 'production is protected: pass --yes and -m' -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets set secrets/production.enc.yaml db.password s3cr3t-value
expect protected-set-left-alone 0 - - -- cmp secrets/production.enc.yaml "$tmp/rot.before"
expect protected-set 0 - - -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets set --yes -m "rotate db password" secrets/production.enc.yaml db.password s3cr3t-value
expect protected-rotate-refused 2 - 'protected' -- env SOPS_AGE_KEY_FILE="$other_key" "$opsdeck" secrets rotate secrets/production.enc.yaml
cd - >/dev/null
audit=$(find "$tmp" -name audit.sqlite | head -1)
expect audit-row 0 'secrets.save\|production\|db.password\|rotate db password\|succeeded' - -- python3 -c "import sqlite3,sys; print('\n'.join('|'.join(str(c) for c in r) for r in sqlite3.connect(sys.argv[1]).execute('select action, environment, after, comment, outcome from audit')))" "$audit"
expect audit-no-value 1 - - -- sh -c "cat '$audit'* | grep -q s3cr3t-value"

echo "$passed passed, $failed failed"
((failed == 0))
