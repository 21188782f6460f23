#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb with CPack and checks what a user would get from it.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$(ls "$out"/*.deb)
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/opsdeck ./usr/share/applications/io.opsdeck.Opsdeck.desktop \
    ./usr/share/metainfo/io.opsdeck.Opsdeck.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/io.opsdeck.Opsdeck.svg; do
    grep -q " $f\$" <<<"$contents" || { echo "missing from the package: $f"; exit 1; }
done
info=$(dpkg-deb -I "$deb")
for field in 'Package: opsdeck' 'Depends:.*libqt6widgets6' 'Depends:.*libssh-4' 'Depends:.*libpq5' 'Depends:.*libyaml-cpp'; do
    grep -qE "$field" <<<"$info" || { echo "control file lacks $field"; echo "$info"; exit 1; }
done
dpkg-deb -x "$deb" "$out/root"
desktop-file-validate "$out/root/usr/share/applications/io.opsdeck.Opsdeck.desktop"
appstreamcli validate --no-net --explain "$out/root/usr/share/metainfo/io.opsdeck.Opsdeck.metainfo.xml" >/dev/null \
    || appstreamcli validate --no-net "$out/root/usr/share/metainfo/io.opsdeck.Opsdeck.metainfo.xml"
# The packaged binary runs.
ASAN_OPTIONS=detect_leaks=0 "$out/root/usr/bin/opsdeck" --version
echo "package ok"
