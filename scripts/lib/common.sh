# Shared helpers for qemu-fadump scripts.  Source this file; do not run it.
# shellcheck shell=bash

set -euo pipefail

FADUMP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FADUMP_CACHE=${FADUMP_CACHE:-$HOME/.cache/qemu-fadump}
# Debian's interpreter: the image's first python3 may be a pyenv build
# without Debian's modules.
FADUMP_PYTHON=/usr/bin/python3
# Firmware (slof.bin, vof.bin) from Debian's qemu-system-data.
FADUMP_FIRMWARE_DIR=${FADUMP_FIRMWARE_DIR:-/usr/share/qemu}
# The QEMU patch series (a directory of qemu-patches/) that scripts use when
# not told otherwise (build-qemu/qemu-dev --series NAME, or this variable),
# and whose QEMU the e2e tests, the demo and the benchmarks run (FADUMP_QEMU).
# 10.0 until the 10.2 series has what the e2e harness needs; then flip this
# one line to 10.2.
FADUMP_QEMU_SERIES=${FADUMP_QEMU_SERIES:-10.2}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# hash_inputs FILE|DIR...: a short, stable sha256 over the names and
# contents of the given files (directories recursively, sorted).
hash_inputs() {
    local p
    for p in "$@"; do
        if [ -d "$p" ]; then
            find "$p" -type f -print0 | LC_ALL=C sort -z |
                xargs -0 -r sha256sum
        else
            sha256sum "$p"
        fi
    done | sed "s|  $FADUMP_TOP/|  |" | sha256sum | cut -c1-16
}

# apt_get ARGS...: apt-get that waits for the dpkg lock instead of failing.
apt_get() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
        -o Acquire::Retries=3 "$@"
}
