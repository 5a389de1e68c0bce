# Prepare the inputs of the e2e test and export them.  Sourced (after
# scripts/lib/common.sh) by scripts/check and scripts/demo, so that both
# build exactly the same things.
# shellcheck shell=bash
source "$FADUMP_TOP/scripts/lib/qemu-src.sh"

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

# e2e_inputs --required|--optional [--other-kernels] [--all-series]
#   [--no-guest]: set
# up the host, build (or reuse from $FADUMP_CACHE) QEMU of the default
# series ($FADUMP_QEMU_SERIES) and the 6.12 guest, and export FADUMP_QEMU,
# FADUMP_QEMU_<series> (e.g. FADUMP_QEMU_10_0, the same path),
# FADUMP_QEMU_SERIES, FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR and
# FADUMP_BUILD_ROOT; with --other-kernels also the 6.1 and 7.2 guests, in
# FADUMP_GUEST_DIR_6_1 and FADUMP_GUEST_DIR_7_2; with --all-series also the
# QEMU of every other series of qemu-patches/, in its FADUMP_QEMU_<series>
# (for the qemu suite's per-series qtests); with --no-guest QEMU only (no
# guest variable set: for the qemu suite alone).  Dies if a build fails.  A
# build script that does not exist leaves its variable unset, with a
# warning (the e2e test then reports a skip), with --optional.
e2e_inputs() {
    local required='' other_kernels='' all_series='' guest=1 a script var k kvar out s
    local series=() qvars=()
    for a in "$@"; do
        case $a in
            --required | --optional) required=$a ;;
            --other-kernels) other_kernels=$a ;;
            --all-series) all_series=$a ;;
            --no-guest) guest=0 ;;
            *) die "e2e_inputs: unknown argument $a" ;;
        esac
    done
    # The default series first (the e2e tests' QEMU), then the others.
    series=("$FADUMP_QEMU_SERIES")
    if [ -n "$all_series" ]; then
        while IFS= read -r s; do
            [ "$s" = "$FADUMP_QEMU_SERIES" ] || series+=("$s")
        done < <(qemu_series_list)
    fi
    bash "$FADUMP_TOP/scripts/setup-host"
    unset FADUMP_QEMU FADUMP_GUEST_DIR FADUMP_GUEST_DIR_6_1 FADUMP_GUEST_DIR_7_2
    while IFS= read -r s; do
        var=$(qemu_series_var "$s")
        unset "$var"
        qvars+=("$var")
    done < <(qemu_series_list)
    for script in build-qemu build-guest; do
        [ "$script" = build-guest ] && [ "$guest" = 0 ] && continue
        if [ ! -f "$FADUMP_TOP/scripts/$script" ]; then
            [ "$required" = --required ] && die "scripts/$script is missing"
            log "WARNING: scripts/$script is missing: the e2e test will be SKIPPED"
            continue
        fi
        case $script in
            build-qemu)
                for s in "${series[@]}"; do
                    out=$(e2e_build build-qemu "QEMU (series $s)" --series "$s") ||
                        exit 1
                    [ -x "$out" ] ||
                        die "scripts/build-qemu --series $s printed '$out', not an executable"
                    var=$(qemu_series_var "$s")
                    printf -v "$var" '%s' "$out"
                    export "${var?}"
                done
                var=$(qemu_series_var "$FADUMP_QEMU_SERIES")
                FADUMP_QEMU=${!var}
                export FADUMP_QEMU FADUMP_QEMU_SERIES ;;
            build-guest)
                FADUMP_GUEST_DIR=$(e2e_build build-guest "the guest") || exit 1
                [ -f "$FADUMP_GUEST_DIR/vmlinux" ] ||
                    die "scripts/build-guest printed '$FADUMP_GUEST_DIR', which has no vmlinux"
                export FADUMP_GUEST_DIR
                [ "$other_kernels" = --other-kernels ] || continue
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
    for var in FADUMP_QEMU_SERIES FADUMP_QEMU ${qvars[@]+"${qvars[@]}"} \
               FADUMP_GUEST_DIR FADUMP_GUEST_DIR_6_1 FADUMP_GUEST_DIR_7_2 \
               FADUMP_FIRMWARE_DIR; do
        log "$var=${!var:-(unset)}"
    done
}
