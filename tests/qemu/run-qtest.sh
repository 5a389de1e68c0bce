#!/usr/bin/env bash
# Run the series' qtest (tests/qtest/spapr-fadump-test in the patched QEMU
# tree) against the patched qemu-system-ppc64: RTAS ibm,configure-kernel-dump
# driven directly, every rejection class, the state machine, os-term,
# fadump-pause, migration, query-fadump and info fadump.  TAP on stdout.
#
# Usage: tests/qemu/run-qtest.sh QEMU_BINARY
# The qtest binary sits in the same build tree as QEMU_BINARY.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$FADUMP_TOP/scripts/lib/qemu-src.sh"

qemu=${1:-${FADUMP_QEMU:-}}
if [ -z "$qemu" ]; then
    # meson's convention for a skipped test; scripts/check sets FADUMP_QEMU
    echo "1..0 # SKIP FADUMP_QEMU not set (usage: $0 QEMU_BINARY)"
    exit 77
fi
build=$(cd "$(dirname "$qemu")" && pwd)
qtest=$build/$QEMU_QTEST
[ -x "$qtest" ] || die "$qtest not found: build QEMU with scripts/build-qemu"

# The migration cases use sockets in TMPDIR; keep them out of the way.
TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT
export TMPDIR

# Run from its build tree, QEMU looks for firmware in qemu-bundle/, not in
# Debian's qemu-system-data: give it -L through a wrapper that keeps the
# binary's name (qtest derives the target from it).
mkdir "$TMPDIR/bin"
cat >"$TMPDIR/bin/qemu-system-ppc64" <<WRAP
#!/bin/sh
exec "$build/qemu-system-ppc64" -L "$FADUMP_FIRMWARE_DIR" "\$@"
WRAP
chmod +x "$TMPDIR/bin/qemu-system-ppc64"
export QTEST_QEMU_BINARY=$TMPDIR/bin/qemu-system-ppc64
cd "$build"
"$qtest" --tap
