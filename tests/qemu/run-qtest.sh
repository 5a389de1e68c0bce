#!/usr/bin/env bash
# Run a series' qtest (tests/qtest/spapr-fadump-test in the patched QEMU
# tree) against that series' qemu-system-ppc64: RTAS
# ibm,configure-kernel-dump driven directly, every rejection class, the
# state machine, os-term, fadump-pause, migration, query-fadump and info
# fadump.  TAP on stdout.
#
# Usage: tests/qemu/run-qtest.sh [--series NAME] [QEMU_BINARY]
#   --series NAME  the series (default: $FADUMP_QEMU_SERIES, else the
#                  default of scripts/lib/common.sh); tests/meson.build
#                  registers one test per series, spapr-fadump-qtest-NAME
#   QEMU_BINARY    default: $FADUMP_QEMU_<NAME> (FADUMP_QEMU_10_2 for 10.2,
#                  exported by scripts/check), or for the default series
#                  also $FADUMP_QEMU
# The qtest binary sits in the same build tree as QEMU_BINARY.  The test is
# skipped (TAP `1..0 # SKIP reason`) without a QEMU binary, or when the
# series adds no qtest (no tests/qtest/spapr-fadump-test.c in its tree,
# e.g. a series that is only its base).  The skip exits 0, not 77: with
# `protocol : 'tap'` meson takes the plan's SKIP and reports any non-zero
# exit status, 77 included, as an error.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$FADUMP_TOP/scripts/lib/qemu-src.sh"

default_series=$FADUMP_QEMU_SERIES
qemu=
while [ $# -gt 0 ]; do
    case $1 in
        --series) [ $# -ge 2 ] || die "--series needs a name"
                  qemu_series_use "$2"; shift ;;
        --series=*) qemu_series_use "${1#--series=}" ;;
        -*) die "unknown option $1 (usage: $0 [--series NAME] [QEMU_BINARY])" ;;
        *) [ -z "$qemu" ] || die "usage: $0 [--series NAME] [QEMU_BINARY]"
           qemu=$1 ;;
    esac
    shift
done
series=$FADUMP_QEMU_SERIES
var=$(qemu_series_var "$series")

skip() {
    echo "1..0 # SKIP series $series: $*"
    log "SKIP series $series: $*"
    exit 0
}

if [ -z "$qemu" ]; then
    qemu=${!var:-}
    if [ -z "$qemu" ] && [ "$series" = "$default_series" ]; then
        qemu=${FADUMP_QEMU:-}
    fi
fi
if [ -z "$qemu" ]; then
    # scripts/check exports it (scripts/build-qemu --series $series).
    skip "$var not set (usage: $0 --series $series QEMU_BINARY)"
fi
[ -x "$qemu" ] || die "$qemu (series $series) is not an executable"
build=$(cd "$(dirname "$qemu")" && pwd)
qtest=$build/$QEMU_QTEST
if [ ! -x "$qtest" ]; then
    # Where the build tree was configured from (QEMU builds in <src>/build).
    src=$("$FADUMP_PYTHON" -c 'import json, sys
print(json.load(open(sys.argv[1]))["directories"]["source"])' \
              "$build/meson-info/meson-info.json" 2>/dev/null) ||
        src=$(cd "$build/.." && pwd)
    if [ ! -f "$src/$QEMU_QTEST.c" ]; then
        skip "the series adds no qtest: no $QEMU_QTEST.c in $src"
    fi
    die "$qtest not found, though $src has its source: build it (scripts/build-qemu --series $series)"
fi

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
log "series $series: $qtest against $build/qemu-system-ppc64"
cd "$build"
"$qtest" --tap
