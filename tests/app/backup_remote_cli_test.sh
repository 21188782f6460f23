#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Backups kept on a host (`backups.location: bastion:/path`) on the demo world, over SFTP with
# the real sshd and the real pg_dump/pg_restore:
#   - `db backup` dumps here, verifies, copies the dump and its manifest to the bastion
#     (owner-only, under a .partial name first) and leaves no copy here;
#   - `db backups` and the freshness check read the manifests there;
#   - `db restore ENV NAME` fetches the dump, checks its SHA-256 against the manifest, restores
#     with the source's row counts, and leaves no copy here;
#   - a dump changed there is refused before anything is restored.
#   backup_remote_cli_test.sh OPSDECK_BINARY DEMO_STATE_DIR
set -uo pipefail
opsdeck=$1
state=$2
set -a
source "$state/env"
set +a
tmp=$(mktemp -d)
there=/var/tmp/opsdeck-remote-backups-test-$$ # the bastion is this machine's sshd
remote_ws=$state/opsdeck-remote-backups-test.yaml # beside the demo's: its relative paths hold
psql=("$OPSDECK_PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt)
cleanup() {
    rm -rf "$tmp" "$remote_ws" "$there"
    "${psql[@]}" -d postgres -c "drop database if exists bk_remote_restored with (force)" \
        -c "drop database if exists bk_remote_tampered with (force)" >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
# shellcheck source=../support/expect.sh
source "$(dirname "$0")/../support/expect.sh"
export XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache
sed "s#^  location: backups\$#  location: bastion:$there#" "$WORKSPACE" >"$remote_ws"
expect workspace-says-bastion 0 "location: bastion:$there" -- cat "$remote_ws"
ws=(-w "$remote_ws")

expect backup 0 "^bastion:$there/minitwit_staging-[0-9TZ]+\.dump\$" \
    -- "$opsdeck" "${ws[@]}" db backup staging
dump=$(ls "$there"/minitwit_staging-*.dump | head -1)
expect dump-there-owner-only 0 '^600$' -- stat -c %a "$dump"
expect folder-there-owner-only 0 '^700$' -- stat -c %a "$there"
expect manifest-there 0 "$(sha256sum "$dump" | cut -d' ' -f1)" -- cat "$dump.manifest.json"
expect no-partial-left 0 '^0$' -- bash -c "ls '$there' | grep partial | wc -l"
expect no-copy-here 0 '^0$' -- bash -c "find '$XDG_CACHE_HOME' -type f | wc -l"
expect listed 0 "yes +.* $(basename "$dump")" -- "$opsdeck" "${ws[@]}" db backups staging
expect listed-where 0 "^bastion:$there\$" -- "$opsdeck" "${ws[@]}" db backups staging
expect fresh 0 'OK +Backup freshness' \
    -- "$opsdeck" "${ws[@]}" db health staging --check backup_freshness

expect restore-by-name 0 'public.auth_user: [0-9]+ rows, as in the source' \
    -- "$opsdeck" "${ws[@]}" db restore staging "$(basename "$dump")" --database bk_remote_restored
expect restored-users 0 "^$("${psql[@]}" -d minitwit_staging -c 'select count(*) from auth_user')\$" \
    -- "${psql[@]}" -d bk_remote_restored -c "select count(*) from auth_user"
expect fetched-copy-removed 0 '^0$' -- bash -c "find '$XDG_CACHE_HOME' -type f | wc -l"
expect unknown-name 3 "no backup named nothing.dump in bastion:$there" \
    -- "$opsdeck" "${ws[@]}" db restore staging nothing.dump --database bk_remote_tampered

# Changed there after the manifest was written: one byte in place, then one byte more.
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(4000); b = f.read(1); f.seek(4000); f.write(bytes([b[0] ^ 1]))' "$dump"
expect tampered-refused 1 "SHA-256 is not the manifest's: the dump changed or was damaged there" \
    -- "$opsdeck" "${ws[@]}" db restore staging "bastion:$dump" --database bk_remote_tampered
printf 'x' >>"$dump"
expect grown-refused 1 "is larger than the [0-9]+ bytes expected" \
    -- "$opsdeck" "${ws[@]}" db restore staging "bastion:$dump" --database bk_remote_tampered
expect no-copy-left 0 '^0$' -- bash -c "find '$XDG_CACHE_HOME' -type f | wc -l"
expect nothing-restored 0 '^$' \
    -- "${psql[@]}" -d postgres -c "select datname from pg_database where datname = 'bk_remote_tampered'"

echo "backup remote cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
