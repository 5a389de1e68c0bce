# Prepare the inputs of the e2e test and export them.  Sourced (after
# scripts/lib/common.sh) by scripts/check and scripts/demo, so that both
# build exactly the same things.
# shellcheck shell=bash

# e2e_build SCRIPT WHAT: run scripts/SCRIPT, print the last line of its
# stdout (a path).  Dies if the script fails.
e2e_build() {
    local out
    log "building $2 (scripts/$1; cached in $FADUMP_CACHE)"
    out=$(bash "$FADUMP_TOP/scripts/$1" | tail -n 1) || die "scripts/$1 failed"
    printf '%s\n' "$out"
}

# e2e_inputs --required|--optional: set up the host, build (or reuse from
# $FADUMP_CACHE) QEMU and the guest, and export FADUMP_QEMU,
# FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR and FADUMP_BUILD_ROOT.  Dies if a
# build fails.  A build script that does not exist leaves its variable
# unset, with a warning (the e2e test then reports a skip), with
# --optional.
e2e_inputs() {
    local required=${1:-} script var
    bash "$FADUMP_TOP/scripts/setup-host"
    unset FADUMP_QEMU FADUMP_GUEST_DIR
    for script in build-qemu build-guest; do
        if [ ! -f "$FADUMP_TOP/scripts/$script" ]; then
            [ "$required" = --required ] && die "scripts/$script is missing"
            log "WARNING: scripts/$script is missing: the e2e test will be SKIPPED"
            continue
        fi
        case $script in
            build-qemu)
                FADUMP_QEMU=$(e2e_build build-qemu QEMU) || exit 1
                [ -x "$FADUMP_QEMU" ] ||
                    die "scripts/build-qemu printed '$FADUMP_QEMU', not an executable"
                export FADUMP_QEMU ;;
            build-guest)
                FADUMP_GUEST_DIR=$(e2e_build build-guest "the guest") || exit 1
                [ -f "$FADUMP_GUEST_DIR/vmlinux" ] ||
                    die "scripts/build-guest printed '$FADUMP_GUEST_DIR', which has no vmlinux"
                export FADUMP_GUEST_DIR ;;
        esac
    done
    FADUMP_BUILD_ROOT=${FADUMP_BUILD_ROOT:-$FADUMP_TOP/_build}
    export FADUMP_FIRMWARE_DIR FADUMP_BUILD_ROOT
    for var in FADUMP_QEMU FADUMP_GUEST_DIR FADUMP_FIRMWARE_DIR; do
        log "$var=${!var:-(unset)}"
    done
}
