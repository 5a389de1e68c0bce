# Configure the meson project (the host tools and the tests) in _build/.
# Sourced, after scripts/lib/common.sh, by scripts/check and scripts/demo.
# shellcheck shell=bash

# host_build_setup: configure (or reconfigure) $FADUMP_TOP/_build and
# print its path.  Dies, showing meson's output, when that fails.
host_build_setup() {
    local build=$FADUMP_TOP/_build setup_log
    setup_log=$(mktemp)
    if [ -f "$build/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$build" "$FADUMP_TOP" >"$setup_log" 2>&1 ||
            meson setup --wipe "$build" "$FADUMP_TOP" >"$setup_log" 2>&1 ||
            { cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup failed"; }
    else
        meson setup "$build" "$FADUMP_TOP" >"$setup_log" 2>&1 ||
            { cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup failed"; }
    fi
    rm -f "$setup_log"
    printf '%s\n' "$build"
}
