# Prepare the inputs of the e2e test and export them.  Sourced (after
# scripts/lib/common.sh) by scripts/check and scripts/demo, so that both
# build exactly the same things.
# shellcheck shell=bash

# e2e_build SCRIPT WHAT [ARGS...]: run scripts/SCRIPT ARGS, print the last
# line of its stdout (a path).  Dies if the script fails.
e2e_build() {
    local out script=$1 what=$2
    shift 2
    log "building $what (scripts/$script $*; cached in $FADUMP_CACHE)"
    out=$(bash "$FADUMP_TOP/scripts/$script" "$@" | tail -n 1) ||
        die "scripts/$script $* failed"
    printf '%s\n' "$out"
}

# The guests of the other kernel versions, and where e2e_inputs
# --other-kernels puts them (tests/e2e/fadump_e2e.py guest_dir_var).
E2E_OTHER_KERNELS=(6.1 7.2)

# e2e_inputs --required|--optional [--other-kernels]: set up the host,
# build (or reuse from $FADUMP_CACHE) QEMU and the 6.12 guest, and export
# FADUMP_QEMU, FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR and FADUMP_BUILD_ROOT;
# with --other-kernels also the 6.1 and 7.2 guests, in FADUMP_GUEST_DIR_6_1
# and FADUMP_GUEST_DIR_7_2.  Dies if a build fails.  A build script that
# does not exist leaves its variable unset, with a warning (the e2e test
# then reports a skip), with --optional.
e2e_inputs() {
    local required=${1:-} others=${2:-} script var k kvar out
    bash "$FADUMP_TOP/scripts/setup-host"
    unset FADUMP_QEMU FADUMP_GUEST_DIR FADUMP_GUEST_DIR_6_1 FADUMP_GUEST_DIR_7_2
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
                export FADUMP_GUEST_DIR
                [ "$others" = --other-kernels ] || continue
                for k in "${E2E_OTHER_KERNELS[@]}"; do
                    kvar=FADUMP_GUEST_DIR_${k//./_}
                    out=$(e2e_build build-guest "the $k guest" --kernel "$k") ||
                        exit 1
                    printf -v "$kvar" '%s' "$out"
                    [ -f "${!kvar}/vmlinux" ] ||
                        die "scripts/build-guest --kernel $k printed '${!kvar}', which has no vmlinux"
                    export "${kvar?}"
                done ;;
        esac
    done
    FADUMP_BUILD_ROOT=${FADUMP_BUILD_ROOT:-$FADUMP_TOP/_build}
    export FADUMP_FIRMWARE_DIR FADUMP_BUILD_ROOT
    for var in FADUMP_QEMU FADUMP_GUEST_DIR FADUMP_GUEST_DIR_6_1 \
               FADUMP_GUEST_DIR_7_2 FADUMP_FIRMWARE_DIR; do
        log "$var=${!var:-(unset)}"
    done
}
