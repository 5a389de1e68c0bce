# QEMU source handling shared by scripts/build-qemu, scripts/qemu-dev and
# tests/patches/check-series.sh: fetch and verify the base tarball, unpack
# it into a git tree, apply a qemu-patches/ series, configure, run
# checkpatch, export the series.  Source after common.sh; do not run it.
# shellcheck shell=bash

# A series is a directory of qemu-patches/ (BASE + NNNN-*.patch) and is
# named after it: qemu-patches/10.2/ is series 10.2.  FADUMP_QEMU_SERIES
# (common.sh: the default) selects one, qemu_series_use switches to another.
# QEMU_PATCHES_DIR, when set in the environment, overrides the directory of
# whichever series is selected (e.g. a scratch copy when trying out
# `qemu-dev export`); the series' name still names its build cache and dev
# tree.  `-` not `:-`: a second `source` keeps what the first one saw.
QEMU_PATCHES_TOP=$FADUMP_TOP/qemu-patches
QEMU_PATCHES_DIR_OVERRIDE=${QEMU_PATCHES_DIR_OVERRIDE-${QEMU_PATCHES_DIR:-}}
QEMU_SRC_CACHE=$FADUMP_CACHE/src

# qemu_series_use NAME: select series NAME: sets FADUMP_QEMU_SERIES and
# QEMU_PATCHES_DIR (qemu-patches/NAME unless overridden).
qemu_series_use() {
    case $1 in
        '' | .* | *[!A-Za-z0-9._-]*)
            die "bad series name '$1': a directory of qemu-patches/ ($(qemu_series_list | tr '\n' ' '| sed 's/ $//'))" ;;
    esac
    FADUMP_QEMU_SERIES=$1
    QEMU_PATCHES_DIR=${QEMU_PATCHES_DIR_OVERRIDE:-$QEMU_PATCHES_TOP/$1}
}

# qemu_series_list: every series, one name a line, newest QEMU first: the
# directories of qemu-patches/ that have a BASE.
qemu_series_list() {
    local b
    for b in "$QEMU_PATCHES_TOP"/*/BASE; do
        [ -f "$b" ] || continue
        b=${b%/BASE}
        printf '%s\n' "${b##*/}"
    done | sort -V -r
}

# qemu_series_var NAME: the environment variable that holds the path of
# series NAME's qemu-system-ppc64 (scripts/check): FADUMP_QEMU_10_2.
qemu_series_var() { printf 'FADUMP_QEMU_%s\n' "${1//[^A-Za-z0-9]/_}"; }

qemu_series_use "$FADUMP_QEMU_SERIES"

# Fixed identity and config for the git trees these scripts create, so they
# work on a machine without any git configuration.
QEMU_GIT_NAME=qemu-fadump
QEMU_GIT_EMAIL=qemu-fadump@localhost
# Date of the synthetic base commit: fixed, so the base commit (and thus
# everything built on it) has the same hash on every machine.
QEMU_BASE_DATE='2000-01-01T00:00:00+0000'

# Configure options for the pseries-only build (keep in this one place).
QEMU_CONFIGURE_ARGS=(
    --python="$FADUMP_PYTHON"
    --target-list=ppc64-softmmu
    --without-default-features
    --enable-fdt=system
    # dump-guest-memory's kdump-lzo and kdump-snappy formats
    --enable-lzo
    --enable-snappy
    --disable-install-blobs
    --disable-docs
    # slof.bin and vof.bin come from Debian's qemu-system-data
    --firmwarepath="$FADUMP_FIRMWARE_DIR"
)

# The series' own qtest, built with QEMU and run by tests/qemu/run-qtest.sh
# (path relative to the build directory; its source, $QEMU_QTEST.c relative
# to the source tree, is added by the series: a series without it, such as
# a base-only one, builds QEMU alone and its qtest test skips).
QEMU_QTEST=tests/qtest/spapr-fadump-test

# qgit ARGS...: git with the fixed identity, never pausing for a pager.
qgit() {
    GIT_PAGER=cat git -c user.name="$QEMU_GIT_NAME" \
        -c user.email="$QEMU_GIT_EMAIL" -c advice.detachedHead=false "$@"
}

# qemu_src_load: read $QEMU_PATCHES_DIR/BASE and list the series.
# Sets QEMU_VERSION, QEMU_DEB_SOURCE, QEMU_ORIG_TARBALL, QEMU_ORIG_SHA256,
# QEMU_TARBALL (cache path) and QEMU_SERIES (array of patch paths, sorted).
qemu_src_load() {
    local base=$QEMU_PATCHES_DIR/BASE v
    [ -f "$base" ] ||
        die "series $FADUMP_QEMU_SERIES: $base not found (series: $(qemu_series_list | tr '\n' ' ' | sed 's/ $//'))"
    QEMU_VERSION= QEMU_DEB_SOURCE= QEMU_ORIG_TARBALL= QEMU_ORIG_SHA256=
    # shellcheck disable=SC1090
    source "$base"
    for v in QEMU_VERSION QEMU_DEB_SOURCE QEMU_ORIG_TARBALL QEMU_ORIG_SHA256; do
        [ -n "${!v}" ] || die "$base does not set $v"
    done
    case $QEMU_ORIG_SHA256 in
        *[!0-9a-f]*) die "$base: QEMU_ORIG_SHA256 is not a lowercase sha256" ;;
    esac
    [ ${#QEMU_ORIG_SHA256} = 64 ] || die "$base: QEMU_ORIG_SHA256 is not a sha256"
    QEMU_TARBALL=$QEMU_SRC_CACHE/$QEMU_ORIG_TARBALL
    QEMU_SERIES=()
    local p
    while IFS= read -r -d '' p; do
        QEMU_SERIES+=("$p")
    done < <(find "$QEMU_PATCHES_DIR" -maxdepth 1 -type f -name '*.patch' \
                  -print0 | LC_ALL=C sort -z)
}

# qemu_src_sha256_ok FILE: true if FILE has the sha256 BASE records.
qemu_src_sha256_ok() {
    local got
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$QEMU_ORIG_SHA256" ] && return 0
    log "sha256 mismatch for $1:"
    log "  got    $got"
    log "  wanted $QEMU_ORIG_SHA256 ($QEMU_PATCHES_DIR/BASE)"
    return 1
}

# qemu_src_other_revisions NAME VERSION: the Debian versions of source
# package NAME in the deb-src lists that share VERSION's upstream version
# (all but the Debian revision; so its orig tarball), VERSION itself
# excluded, newest first.
qemu_src_other_revisions() {
    local name=$1 version=$2 v
    apt-cache showsrc "$name" 2>/dev/null | sed -n 's/^Version: //p' |
        sort -u -V -r |
        while IFS= read -r v; do
            if [ "${v%-*}" = "${version%-*}" ] && [ "$v" != "$version" ]; then
                printf '%s\n' "$v"
            fi
        done
}

# qemu_src_fetch: make sure the verified orig tarball is at $QEMU_TARBALL.
# Fetches it with `apt-get source --download-only` (deb-src lines come from
# scripts/setup-host) when missing; dies on a sha256 mismatch.
qemu_src_fetch() {
    mkdir -p "$QEMU_SRC_CACHE"
    local lockfd
    exec {lockfd}>"$QEMU_SRC_CACHE/.lock"
    flock "$lockfd"
    if [ -f "$QEMU_TARBALL" ]; then
        if qemu_src_sha256_ok "$QEMU_TARBALL"; then
            exec {lockfd}>&-
            return 0
        fi
        log "cached tarball is bad; moving it to $QEMU_TARBALL.bad and fetching again"
        mv -f "$QEMU_TARBALL" "$QEMU_TARBALL.bad"
    fi
    local name=${QEMU_DEB_SOURCE%%/*} version=${QEMU_DEB_SOURCE#*/}
    local tmp
    tmp=$(mktemp -d "$QEMU_SRC_CACHE/.fetch.XXXXXX")
    log "fetching $QEMU_ORIG_TARBALL: apt-get source --download-only $name=$version"
    # A new upload or point release can drop the exact Debian revision from
    # the archive; the orig tarball is shared by all revisions of one
    # upstream version, so fall back to the other revisions of that same
    # upstream version the deb-src lists know, newest first (never another
    # release; the sha256 check decides).
    local v ok=0 others=()
    mapfile -t others < <(qemu_src_other_revisions "$name" "$version")
    for v in "$version" ${others[@]+"${others[@]}"}; do
        [ "$v" = "$version" ] || log "failed; retrying with $name=$v"
        if (cd "$tmp" && apt_get source -q --download-only "$name=$v") \
               >>"$tmp/apt.log" 2>&1; then
            ok=1
            break
        fi
    done
    if [ "$ok" = 0 ]; then
        cat "$tmp/apt.log" >&2
        rm -rf "$tmp"
        die "apt-get source $name=$version failed (and no other revision of ${version%-*} could be fetched); are the deb-src lines of scripts/setup-host installed (run scripts/setup-host)?"
    fi
    if [ ! -f "$tmp/$QEMU_ORIG_TARBALL" ]; then
        cat "$tmp/apt.log" >&2
        rm -rf "$tmp"
        die "apt-get source did not produce $QEMU_ORIG_TARBALL (BASE out of date?)"
    fi
    if ! qemu_src_sha256_ok "$tmp/$QEMU_ORIG_TARBALL"; then
        rm -rf "$tmp"
        die "fetched $QEMU_ORIG_TARBALL does not match the sha256 in BASE; not using it"
    fi
    mv -f "$tmp/$QEMU_ORIG_TARBALL" "$QEMU_TARBALL"
    rm -rf "$tmp"
    exec {lockfd}>&-
    log "cached $QEMU_TARBALL"
}

# qemu_src_unpack DEST: unpack the tarball's top directory as DEST (which
# must not exist), owned by the current user.
qemu_src_unpack() {
    local dest=$1
    [ ! -e "$dest" ] || die "$dest already exists"
    mkdir -p "$dest"
    log "unpacking $QEMU_ORIG_TARBALL into $dest"
    tar -xJf "$QEMU_TARBALL" -C "$dest" --strip-components=1 \
        --no-same-owner ||
        die "cannot unpack $QEMU_TARBALL"
    [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$QEMU_VERSION" ] ||
        die "$dest/VERSION is not $QEMU_VERSION: wrong tarball?"
}

# qemu_src_commit_base DIR: git init DIR, commit everything as the base
# (deterministic hash) on branch `fadump` and tag it `base`.
qemu_src_commit_base() {
    local dir=$1
    log "committing the base in $dir"
    git init -q -b fadump "$dir"
    # ~40k loose objects would start a background auto-gc on the next commit.
    git -C "$dir" config gc.auto 0
    # -f: the tarball ships files its own .gitignore files would hide.
    git -C "$dir" add -A -f
    GIT_AUTHOR_DATE=$QEMU_BASE_DATE GIT_COMMITTER_DATE=$QEMU_BASE_DATE \
        qgit -C "$dir" commit -q --no-verify \
        -m "QEMU $QEMU_VERSION" \
        -m "Unpacked from $QEMU_ORIG_TARBALL ($QEMU_DEB_SOURCE)
sha256 $QEMU_ORIG_SHA256"
    git -C "$dir" tag base
}

# qemu_src_am DIR PATCH: git am one patch in DIR (exact apply, no 3-way).
# On failure the am is aborted, or with KEEP_AM=1 left in progress for
# resolving, and 1 is returned.
qemu_src_am() {
    local dir=$1 p=$2
    qgit -C "$dir" am -q --no-3way --committer-date-is-author-date "$p" && return 0
    if [ "${KEEP_AM:-0}" = 1 ]; then
        log "git am left in progress in $dir"
    else
        git -C "$dir" am --abort >/dev/null 2>&1 || true
    fi
    return 1
}

# qemu_src_apply_series DIR: apply every patch of QEMU_SERIES in order, one
# at a time, so a failure names the patch; returns 1 on the first failure.
qemu_src_apply_series() {
    local dir=$1 p n=0
    for p in ${QEMU_SERIES[@]+"${QEMU_SERIES[@]}"}; do
        n=$((n + 1))
        log "applying [$n/${#QEMU_SERIES[@]}] $(basename "$p")"
        if ! qemu_src_am "$dir" "$p" >&2; then
            log "PATCH DOES NOT APPLY: $(basename "$p") ($p)"
            return 1
        fi
    done
    [ "$n" -gt 0 ] || log "no patches in $QEMU_PATCHES_DIR: base only"
    return 0
}

# qemu_src_prepare DIR: fetch, unpack to DIR, commit the base, apply the
# series.  Dies naming the patch that does not apply.
qemu_src_prepare() {
    qemu_src_fetch
    qemu_src_unpack "$1"
    qemu_src_commit_base "$1"
    qemu_src_apply_series "$1" || die "the series does not apply to QEMU $QEMU_VERSION"
}

# qemu_src_configure SRC: configure SRC in SRC/build (output to stdout and
# stderr: redirect as needed).  Returns configure's status.
qemu_src_configure() {
    local src=$1
    mkdir -p "$src/build"
    log "configuring in $src/build: configure ${QEMU_CONFIGURE_ARGS[*]}"
    (cd "$src/build" && ../configure "${QEMU_CONFIGURE_ARGS[@]}")
}

# qemu_src_checkpatch TREE PATCH [ARGS...]: run TREE's checkpatch.pl on
# PATCH.  Output goes to stdout; status is checkpatch's (1 on any ERROR).
qemu_src_checkpatch() {
    local tree=$1 patch=$2
    shift 2
    [ -f "$tree/scripts/checkpatch.pl" ] ||
        die "$tree/scripts/checkpatch.pl missing"
    perl "$tree/scripts/checkpatch.pl" --root="$tree" --color=never "$@" "$patch"
}

# qemu_src_checkpatch_trim: filter checkpatch output on stdin down to its
# findings (drops the boilerplate verdict and blank lines).
qemu_src_checkpatch_trim() {
    grep -v -E 'has no obvious style problems|has style problems, please review|are false positives report them|^CHECKPATCH in MAINTAINERS|^[[:space:]]*$' || true
}

# qemu_src_export TREE OUTDIR: write base..HEAD of TREE as a patch series
# into OUTDIR (which must exist and be empty).  The options make a
# re-export of unchanged commits byte-identical:
#   --zero-commit   "From 000...0" instead of the commit hash, which changes
#                   whenever a commit is rebased or amended;
#   -N              "[PATCH]" subjects, not "[PATCH n/m]", so adding a patch
#                   does not rewrite all the others;
#   --no-signature  no "-- 2.39.5" trailer naming the local git version;
#   core.abbrev=12  index lines do not depend on the repository's size;
#   no global/system git config, so personal format.* or diff.* settings
#   (signatures, prefixes, cover letters, To:/Cc:) never leak in.
qemu_src_export() {
    local tree=$1 out=$2
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
        git -C "$tree" -c core.abbrev=12 -c diff.renames=true \
        format-patch -q --no-signature --zero-commit -N \
        --output-directory="$out" base..HEAD >/dev/null
}
