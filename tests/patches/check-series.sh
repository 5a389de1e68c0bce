#!/usr/bin/env bash
# The `patches` suite: is a qemu-patches/ series a sound series on its base?
#   - the base tarball (cached in $FADUMP_CACHE/src, fetched if missing) has
#     the sha256 recorded in the series' BASE;
#   - it unpacks to QEMU <version> and commits as the `base` of a git tree;
#   - the base's scripts/checkpatch.pl finds no ERROR in any patch;
#   - every patch applies in order with `git am`.
# Prints TAP on stdout, exits 0 only if every test passed.  Works with
# zero patches (then only the base is checked).
#
# Usage: tests/patches/check-series.sh [SERIES]
#   SERIES  the series qemu-patches/SERIES/ (default: $FADUMP_QEMU_SERIES,
#           else the default of scripts/lib/common.sh); tests/meson.build
#           registers one test per series, check-series-SERIES
# Environment: FADUMP_CACHE, FADUMP_QEMU_SERIES, QEMU_PATCHES_DIR
#   (overrides the series' directory),
#   CHECKPATCH_ARGS (extra checkpatch.pl options, e.g. --no-signoff),
#   TMPDIR (where the scratch tree is unpacked, ~1 GB, removed at exit).
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$FADUMP_TOP/scripts/lib/qemu-src.sh"

n=0 passed=0 failed=0
ok() {
    n=$((n + 1)) passed=$((passed + 1))
    echo "ok $n - $*"
}
not_ok() {
    n=$((n + 1)) failed=$((failed + 1))
    echo "not ok $n - $*"
}
# diag FILE: a file's lines as TAP comments.
diag() { sed 's/^/# /' "$1"; }
finish() {
    log "patches of series $FADUMP_QEMU_SERIES: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

main() {
    case $# in
        0) ;;
        1) qemu_series_use "$1" ;;
        *) die "usage: $0 [SERIES]" ;;
    esac
    qemu_src_load
    npatch=${#QEMU_SERIES[@]}
    echo "TAP version 13"
    echo "1..$((2 + 2 * npatch))"
    echo "# series $FADUMP_QEMU_SERIES: $QEMU_PATCHES_DIR: $npatch patches on QEMU $QEMU_VERSION"

    work=$(mktemp -d "${TMPDIR:-/tmp}/check-series.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    out=$work/out

    # 1: the base tarball.
    if (qemu_src_fetch) >"$out" 2>&1; then
        ok "base tarball $QEMU_ORIG_TARBALL has the sha256 in BASE"
    else
        not_ok "base tarball $QEMU_ORIG_TARBALL has the sha256 in BASE"
        diag "$out"
        echo "Bail out! no verified base tarball"
        finish
    fi

    # 2: unpack and commit the base.
    tree=$work/qemu
    if (qemu_src_unpack "$tree" && qemu_src_commit_base "$tree") >"$out" 2>&1; then
        ok "base unpacks to QEMU $QEMU_VERSION and commits as tag base"
    else
        not_ok "base unpacks to QEMU $QEMU_VERSION and commits as tag base"
        diag "$out"
        echo "Bail out! no base tree"
        finish
    fi

    # checkpatch.pl of the base (before any patch could change it).
    read -r -a cp_args <<<"${CHECKPATCH_ARGS:-}"
    for p in ${QEMU_SERIES[@]+"${QEMU_SERIES[@]}"}; do
        name=$(basename "$p")
        if qemu_src_checkpatch "$tree" "$p" ${cp_args[@]+"${cp_args[@]}"} >"$out" 2>&1; then
            total=$(sed -n 's/^total: \(.*\), [0-9]* lines checked$/\1/p' "$out" | tail -n1)
            ok "checkpatch: $name${total:+ ($total)}"
            if grep -q '^WARNING' "$out"; then
                qemu_src_checkpatch_trim <"$out" >"$out.trim"
                diag "$out.trim"
            fi
        else
            not_ok "checkpatch: $name"
            qemu_src_checkpatch_trim <"$out" >"$out.trim"
            diag "$out.trim"
        fi
    done

    # git am, one patch at a time, in order.
    applied=yes
    for p in ${QEMU_SERIES[@]+"${QEMU_SERIES[@]}"}; do
        name=$(basename "$p")
        if [ "$applied" != yes ]; then
            not_ok "git am: $name # not attempted: an earlier patch did not apply"
            continue
        fi
        if qemu_src_am "$tree" "$p" >"$out" 2>&1; then
            ok "git am: $name"
        else
            not_ok "git am: $name does not apply"
            diag "$out"
            applied=no
        fi
    done
    [ "$npatch" -gt 0 ] || echo "# 0 patches: only the base was checked"
    finish
}

main "$@"; exit
