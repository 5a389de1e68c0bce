# Prepare the inputs of the e2e test and export them.  Sourced (after
# scripts/lib/common.sh) by scripts/check and scripts/demo, so that both
# build exactly the same things.
# shellcheck shell=bash

# e2e_inputs: set up the host, build (or reuse from $FADUMP_CACHE) QEMU and
# the guest, and export FADUMP_QEMU, FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR
# and FADUMP_BUILD_ROOT.  Dies if a build fails.
e2e_inputs() {
    local out
    bash "$FADUMP_TOP/scripts/setup-host"

    log "building QEMU (scripts/build-qemu; cached in $FADUMP_CACHE)"
    out=$(bash "$FADUMP_TOP/scripts/build-qemu" | tail -n 1) ||
        die "scripts/build-qemu failed"
    [ -x "$out" ] || die "scripts/build-qemu printed '$out', not an executable"
    FADUMP_QEMU=$out

    log "building the guest (scripts/build-guest; cached in $FADUMP_CACHE)"
    out=$(bash "$FADUMP_TOP/scripts/build-guest" | tail -n 1) ||
        die "scripts/build-guest failed"
    [ -f "$out/vmlinux" ] || die "scripts/build-guest printed '$out', which has no vmlinux"
    FADUMP_GUEST_DIR=$out

    FADUMP_BUILD_ROOT=${FADUMP_BUILD_ROOT:-$FADUMP_TOP/_build}
    export FADUMP_QEMU FADUMP_GUEST_DIR FADUMP_FIRMWARE_DIR FADUMP_BUILD_ROOT
    log "FADUMP_QEMU=$FADUMP_QEMU"
    log "FADUMP_GUEST_DIR=$FADUMP_GUEST_DIR"
    log "FADUMP_FIRMWARE_DIR=$FADUMP_FIRMWARE_DIR"
}
