#!/usr/bin/env bash
# Prove that every patch of a QEMU series carries its own qtest evidence:
# for each patch N that changes the series' qtest
# (tests/qtest/spapr-fadump-test.c) but does not create it,
#   before  the qtest as of N (every file under tests/ that N changes, taken
#           from N) against QEMU built at N-1 FAILS, and the failing cases
#           and the first assertion of each are recorded;
#   after   the same qtest against QEMU built at N passes entirely.
# The patch that creates the qtest must pass it at that patch (the upstream
# baseline); a patch that does not touch the qtest is built and the whole
# qtest run against it (it must pass); a patch before the qtest exists is
# only built.  A fixing patch none of whose cases fail before lacks
# evidence: that is a defect of its test.
#
# TAP on stdout, one line per patch, e.g.
#   ok 3 - 0003 ...: 1 case fails before (tcg/registers: ...), all 17 pass after
# (cases named relative to the common prefix, /ppc64/rtas/fadump/), the
# failing cases as TAP comments after it; with --report FILE also a Markdown
# table (patch, cases failing before with their first assertion, cases
# after).  Exits 0 only if every patch has its evidence.
#
# Usage: tests/patches/prove-series.sh [--report FILE] [--force] [SERIES_DIR]
#   SERIES_DIR   BASE + NNNN-*.patch (default qemu-patches/10.2; a bare
#                name is a directory of qemu-patches/: 10.2)
#   --report F   write the Markdown table to F
#   --force      ignore a cached result and prove again
# Environment: FADUMP_CACHE, PROVE_CASE_TIMEOUT (seconds per qtest case,
#   default 60; the slowest case takes ~10 s), PROVE_CASE_JOBS (cases run
#   at a time, default twice the number of CPUs).
#
# Work lives in $FADUMP_CACHE/prove-<series>/: src/ is one persistent QEMU
# git tree (tag base, the series applied with git am, each commit tagged
# prove/NNNN) configured in src/build/ and rebuilt incrementally (ninja
# -j$(nproc)) as the commits are checked out in turn; logs/ has the build
# logs.  A finished run is cached in result-<hash>/ (tap, report.md, status
# and each case's output under cases/), <hash> covering BASE, the patches,
# this script and scripts/lib/qemu-src.sh: a second run with the same inputs
# prints the cached TAP.  Runs with a build failure or a case that timed out
# against the patch itself are not cached (a case that hangs against the
# previous patch, waiting for what the patch adds, is evidence like any
# other failure).  Everything runs under nice -n 10.  Time on 2 cores for
# the 21 patches of 10.2: ~17 min (builds ~7 min, 20-60 s after a patch
# to spapr.h; two runs of 10-55 cases per patch ~10 min), plus ~4 min for
# the full build of a new tree; warm: instant.
#
# For the `patches` suite of tests/meson.build (to be wired by the lead),
# for the series that must carry this evidence (10.2; the 10.0 series adds
# its qtest late and was not written to it):
#   test('prove-series-10.2', bash,
#     args : [files('patches/prove-series.sh'), '10.2'],
#     protocol : 'tap',
#     suite : 'patches',
#     timeout : 3600,
#     is_parallel : false,
#   )
# The command by hand:
#   tests/patches/prove-series.sh --report prove-10.2.md 10.2

# shellcheck source-path=SCRIPTDIR
if [ "${PROVE_SERIES_NICED:-}" != 1 ]; then
    PROVE_SERIES_NICED=1 exec nice -n 10 bash "$0" "$@"
fi
# shellcheck source=../../scripts/lib/common.sh
source "$(dirname "$0")/../../scripts/lib/common.sh"
# shellcheck source=../../scripts/lib/qemu-src.sh
source "$FADUMP_TOP/scripts/lib/qemu-src.sh"

SCRIPT=$FADUMP_TOP/tests/patches/prove-series.sh
QTEST_SRC=tests/qtest/spapr-fadump-test.c
CASE_TIMEOUT=${PROVE_CASE_TIMEOUT:-60}
CASE_JOBS=${PROVE_CASE_JOBS:-$((2 * $(nproc)))}
KEEP_RESULTS=5

usage() { sed -n '2,/^#   at a time, default/p' "$0" | sed 's/^# \{0,1\}//'; }

# md_escape: text on stdin made safe for a Markdown table cell.
# shellcheck disable=SC2016  # literal backquotes
md_escape() { sed -e 's/|/\\|/g' -e "s/\`/'/g"; }

# ---------------------------------------------------------------------------
# The tree

# prepare_tree: $SRC holds the base of BASE and the series as commits tagged
# prove/NNNN (re-applied only when the series changed), configured in
# $SRC/build.  Sets COMMITS (base, then one per patch) and LABELS
# ("NNNN subject").
prepare_tree() {
    local base_id series_id p cfg_id
    base_id=$QEMU_ORIG_SHA256
    if [ ! -d "$SRC/.git" ] || [ "$(cat "$TOP/.base" 2>/dev/null)" != "$base_id" ] ||
       ! git -C "$SRC" rev-parse -q --verify base >/dev/null; then
        rm -rf "$SRC" "$TOP/.base" "$TOP/.series" "$TOP/.configured"
        qemu_src_fetch
        qemu_src_unpack "$SRC"
        qemu_src_commit_base "$SRC"
        echo "/build/" >>"$SRC/.git/info/exclude"
        echo "$base_id" >"$TOP/.base"
    fi
    series_id=$(cd "$QEMU_PATCHES_DIR" && hash_inputs "${QEMU_SERIES[@]##*/}")
    if [ "$(cat "$TOP/.series" 2>/dev/null)" != "$series_id" ]; then
        log "applying the series in $SRC"
        rm -f "$TOP/.series"
        git -C "$SRC" am --abort >/dev/null 2>&1 || true
        git -C "$SRC" tag -l 'prove/*' | xargs -r git -C "$SRC" tag -d >/dev/null
        qgit -C "$SRC" checkout -q -f -B fadump base
        qemu_src_apply_series "$SRC" ||
            die "the series does not apply to QEMU $QEMU_VERSION"
        local i
        for ((i = ${#QEMU_SERIES[@]}; i > 0; i--)); do
            git -C "$SRC" tag "prove/$(printf %04d "$i")" "HEAD~$((${#QEMU_SERIES[@]} - i))"
        done
        echo "$series_id" >"$TOP/.series"
    fi
    COMMITS=("$(git -C "$SRC" rev-parse base)")
    LABELS=()
    local i=0
    for p in "${QEMU_SERIES[@]}"; do
        i=$((i + 1))
        COMMITS+=("$(git -C "$SRC" rev-parse "prove/$(printf %04d "$i")")")
        p=$(basename "$p")
        LABELS+=("${p%%-*} $(git -C "$SRC" log -1 --format=%s "${COMMITS[-1]}")")
    done
    # Configure once (again if the configure options changed).
    cfg_id=$(printf '%s\n' "${QEMU_CONFIGURE_ARGS[@]}" | sha256sum | cut -c1-16)
    if [ ! -f "$SRC/build/build.ninja" ] ||
       [ "$(cat "$TOP/.configured" 2>/dev/null)" != "$cfg_id" ]; then
        rm -rf "$SRC/build" "$TOP/.configured"
        qgit -C "$SRC" checkout -q -f --detach "${COMMITS[-1]}"
        if ! qemu_src_configure "$SRC" >"$LOGS/configure.log" 2>&1; then
            tail -n 30 "$LOGS/configure.log" >&2
            die "configure failed; full log: $LOGS/configure.log"
        fi
        echo "$cfg_id" >"$TOP/.configured"
    fi
}

# build LOGNAME [TARGET...]: incremental ninja in $SRC/build; the output
# goes to $LOGS/LOGNAME.log.  Returns ninja's status.
build() {
    local logf=$LOGS/$1.log start=$SECONDS
    shift
    log "ninja -j$JOBS $* ($logf)"
    if ninja -C "$SRC/build" -j"$JOBS" "$@" >"$logf" 2>&1; then
        log "built in $((SECONDS - start))s"
        return 0
    fi
    log "build failed; full log: $logf"
    return 1
}

# build_tail LOGNAME: the first errors of a failed build, for TAP comments.
build_tail() {
    grep -m5 -E 'error:|FAILED:' "$LOGS/$1.log" || tail -n 10 "$LOGS/$1.log"
}

# ---------------------------------------------------------------------------
# Running the qtest

# run_cases OUTDIR: list the built qtest's cases, run each on its own
# (--tap -p CASE) under a timeout against the built QEMU, $CASE_JOBS at a
# time, and write OUTDIR/cases (one path a line), OUTDIR/results
# (CASE<TAB>pass|fail<TAB>message<TAB>seconds, in list order) and
# OUTDIR/NNN.log (each case's output).  A case mostly waits for QEMU, so
# running two per core roughly halves the time; each instance has its own
# sockets and temporary files (named after its pid).
run_cases() {
    local out=$1 case n=0 running=0 f
    mkdir -p "$out"
    (cd "$SRC/build" && "./$QEMU_QTEST" -l) >"$out/list.log" 2>&1 || {
        sed 's/^/# /' "$out/list.log" >&2
        die "$QEMU_QTEST -l failed"
    }
    grep '^/' "$out/list.log" >"$out/cases" || die "$QEMU_QTEST -l lists no case"
    while IFS= read -r case; do
        n=$((n + 1))
        run_case "$case" "$out/$(printf %03d "$n")" &
        running=$((running + 1))
        if [ "$running" -ge "$CASE_JOBS" ]; then
            wait -n || true
            running=$((running - 1))
        fi
    done <"$out/cases"
    wait
    : >"$out/results"
    for ((f = 1; f <= n; f++)); do
        cat "$out/$(printf %03d "$f").res" >>"$out/results" ||
            die "no result for case $f of $out"
        rm -f "$out/$(printf %03d "$f").res"
    done
    # A case that hangs against the previous patch is evidence; one that
    # hangs against the patch may be the machine's fault: not cached.
    if [ "${out##*/}" != before ]; then
        TIMEOUTS=$((TIMEOUTS + $(grep -c $'\ttimed out after ' "$out/results" || true)))
    fi
    log "$(grep -c $'\tpass\t' "$out/results" || true)/$n cases pass"
}

# run_case CASE BASE: run one case; its output goes to BASE.log, its result
# line (see run_cases) to BASE.res.  Runs in the background.
run_case() {
    local case=$1 logf=$2.log rc=0 msg t0=$SECONDS
    echo "# $case" >"$logf"
    # (not the last command of the subshell, so a case that aborts is
    # reported in its log, not by this shell)
    (cd "$SRC/build" &&
     timeout -k 10 "$CASE_TIMEOUT" "./$QEMU_QTEST" --tap -p "$case"
     exit) >>"$logf" 2>&1 </dev/null || rc=$?
    if [ "$rc" = 0 ] && grep -qxF "ok 1 $case" "$logf" &&
       ! grep -q '^not ok' "$logf"; then
        printf '%s\tpass\t\t%s\n' "$case" "$((SECONDS - t0))" >"$2.res"
        return 0
    fi
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        msg="timed out after ${CASE_TIMEOUT}s"
    else
        msg=$(first_error "$logf")
        [ -n "$msg" ] || msg="exit status $rc"
    fi
    printf '%s\tfail\t%s\t%s\n' "$case" "$msg" "$((SECONDS - t0))" >"$2.res"
}

# first_error LOG: the first assertion of a failed case as
# "MESSAGE (file.c:LINE)", else the line saying QEMU died, else the last
# line of output.  When the failure is not in the qtest's own source (e.g.
# libqtest's assertion that QEMU started), QEMU's first error is added.
first_error() {
    local line msg qerr
    line=$(grep -m1 -E '(^|[^A-Za-z])ERROR:' "$1" || true)
    if [ -n "$line" ]; then
        # [Bail out! ]ERROR:../tests/qtest/x.c:123:func: message
        msg=$(sed -E 's/^.*ERROR:([^:]*\/)?([^/:]+):([0-9]+):[^:]*: (.*)$/\4 (\2:\3)/' <<<"$line")
    else
        # QEMU died: ../tests/qtest/libqtest.c:209: kill_qemu() detected
        # QEMU death from signal 11 (Segmentation fault)
        line=$(grep -m1 -E 'kill_qemu|QEMU death' "$1" ||
               grep -m1 -E 'Broken pipe|Segmentation|Aborted' "$1" ||
               grep -v -E '^(#|[0-9]+\.\.[0-9]+|TAP version)' "$1" |
                   grep -v '^[[:space:]]*$' | tail -n1 || true)
        msg=$(sed -E 's/^([^ :]*\/)?([^/: ]+):([0-9]+): (.*)$/\4 (\2:\3)/' <<<"$line")
    fi
    case $msg in
        *"(${QTEST_SRC##*/}:"*) ;;
        *)
            qerr=$(grep '^qemu-system-ppc64: ' "$1" | grep -v -m1 ': warning: ' || true)
            [ -z "$qerr" ] || msg="$msg; QEMU: ${qerr#qemu-system-ppc64: }" ;;
    esac
    printf '%s\n' "$msg"
}

# ---------------------------------------------------------------------------
# Summaries

# short CASE: the case's name relative to the common prefix.
short() { printf '%s\n' "${1#"$PREFIX"}"; }

# set_prefix CASESFILE: PREFIX = the longest common /-ended prefix of the
# listed cases (the first list seen decides, so every line uses the same).
set_prefix() {
    [ -z "$PREFIX" ] || return 0
    PREFIX=$(awk '{ if (NR == 1) p = $0; else while (p != "" && index($0, p) != 1) sub(/[^\/]*\/?$/, "", p) }
                  END { sub(/[^\/]*$/, "", p); print p }' "$1")
    say "# cases are named relative to $PREFIX"
}

# names FILE: the cases FILE lists, short, on one line.
names() {
    local c
    while IFS= read -r c; do short "$c"; done <"$1" | paste -sd' '
}

# failing RESULTS: "case: message" lines of the failed cases.
failing() {
    awk -F'\t' '$2 == "fail" { print $1 "\t" $3 }' "$1" |
        while IFS=$'\t' read -r c m; do printf '%s: %s\n' "$(short "$c")" "$m"; done
}

# count RESULTS pass|fail
count() { awk -F'\t' -v s="$2" '$2 == s' "$1" | wc -l; }

# plural N WORD: "1 case", "2 cases"
plural() { if [ "$1" = 1 ]; then echo "1 $2"; else echo "$1 ${2}s"; fi; }

# verdict ok|not_ok LINE: a TAP line for the current patch.
verdict() {
    local line=${2//#/\\#}
    NTAP=$((NTAP + 1))
    if [ "$1" = ok ]; then
        echo "ok $NTAP - $line" >>"$WORK/tap"
    else
        FAILED=$((FAILED + 1))
        echo "not ok $NTAP - $line" >>"$WORK/tap"
    fi
    tail -n1 "$WORK/tap"
}
diag() { sed 's/^/# /' | tee -a "$WORK/tap"; }
say() { echo "$*" | tee -a "$WORK/tap"; }

# row BEFORE AFTER: the Markdown table's row of patch $i (prove_patch's),
# named by its number and subject; the cells come escaped, lines joined
# with <br>.
row() {
    printf '| %s | %s | %s |\n' "$(md_escape <<<"${LABELS[$i - 1]}")" "$1" "$2" >>"$WORK/rows"
}

# cells_failing RESULTS NEWLIST: the failing cases as table cell lines,
# marking the cases NEWLIST names (new in this patch) with "(new)".
cells_failing() {
    local c m tag
    awk -F'\t' '$2 == "fail" { print $1 "\t" $3 }' "$1" |
        while IFS=$'\t' read -r c m; do
            tag=
            grep -qxF "$c" "$2" && tag=" (new)"
            # shellcheck disable=SC2016  # literal backquotes
            printf '`%s`%s: `%s`<br>' "$(short "$c")" "$tag" "$(md_escape <<<"$m")"
        done | sed 's/<br>$//'
}

# after_cell RESULTS: "all 17 pass", or the count and the failing ones.
after_cell() {
    local p f
    p=$(count "$1" pass) f=$(count "$1" fail)
    if [ "$f" = 0 ]; then
        echo "all $p pass"
    else
        printf '%s of %s FAIL: ' "$f" "$((p + f))"
        failing "$1" | md_escape | sed 's/$/<br>/' | tr -d '\n' | sed 's/<br>$//'
        echo
    fi
}

# ---------------------------------------------------------------------------

# prove_patch I: the evidence of patch I (1-based), appended to $WORK.
prove_patch() {
    local i=$1 prev=${COMMITS[$1 - 1]} cur=${COMMITS[$1]} label=${LABELS[$1 - 1]}
    local num=${label%% *} d=$WORK/cases/${label%% *} st path p f nb
    local before_ok=1 changed=() what
    log "=== $label"
    if ! git -C "$SRC" cat-file -e "$cur:$QTEST_SRC" 2>/dev/null; then
        qgit -C "$SRC" checkout -q -f --detach "$cur"
        if build "$num" qemu-system-ppc64; then
            verdict ok "$label: builds; the qtest does not exist yet"
            row "(no qtest yet)" "builds"
        else
            BUILD_FAILURES=$((BUILD_FAILURES + 1))
            verdict not_ok "$label: QEMU does not build"
            build_tail "$num" | diag
            row "(no qtest yet)" "**does not build**"
        fi
        return
    fi

    if ! git -C "$SRC" cat-file -e "$prev:$QTEST_SRC" 2>/dev/null ||
       git -C "$SRC" diff --quiet "$prev" "$cur" -- "$QTEST_SRC"; then
        # Creates the qtest, or does not touch it: it must pass at I.
        if ! git -C "$SRC" cat-file -e "$prev:$QTEST_SRC" 2>/dev/null; then
            what="creates the qtest (upstream baseline)"
        else
            what="does not touch the qtest"
        fi
        qgit -C "$SRC" checkout -q -f --detach "$cur"
        if ! build "$num" qemu-system-ppc64 "$QEMU_QTEST"; then
            BUILD_FAILURES=$((BUILD_FAILURES + 1))
            verdict not_ok "$label: $what; does not build"
            build_tail "$num" | diag
            row "$what" "**does not build**"
            PREV_CASES=
            return
        fi
        run_cases "$d/after"
        set_prefix "$d/after/cases"
        p=$(count "$d/after/results" pass) f=$(count "$d/after/results" fail)
        if [ "$f" = 0 ]; then
            verdict ok "$label: $what; all $p pass"
        else
            verdict not_ok "$label: $what; $(plural "$f" case) of $((p + f)) FAIL"
            failing "$d/after/results" | diag
        fi
        row "— $what" "$(after_cell "$d/after/results")"
        PREV_CASES=$d/after/cases
        return
    fi

    # A fixing patch: I's tests against I-1, then against I.
    qgit -C "$SRC" checkout -q -f --detach "$prev"
    while IFS=$'\t' read -r st path; do
        if [ "$st" = D ]; then
            git -C "$SRC" rm -q -- "$path"
        else
            changed+=("$path")
        fi
    done < <(git -C "$SRC" diff --no-renames --name-status "$prev" "$cur" -- tests/)
    qgit -C "$SRC" checkout -q "$cur" -- "${changed[@]}"
    log "qtest files of $num on $(git -C "$SRC" describe --tags "$prev"): ${changed[*]}"
    mkdir -p "$d"
    if build "$num-before" qemu-system-ppc64 "$QEMU_QTEST"; then
        run_cases "$d/before"
        set_prefix "$d/before/cases"
    else
        BUILD_FAILURES=$((BUILD_FAILURES + 1))
        before_ok=0
    fi

    qgit -C "$SRC" checkout -q -f --detach "$cur"
    if ! build "$num" qemu-system-ppc64 "$QEMU_QTEST"; then
        BUILD_FAILURES=$((BUILD_FAILURES + 1))
        verdict not_ok "$label: does not build"
        build_tail "$num" | diag
        row "" "**does not build**"
        PREV_CASES=
        return
    fi
    run_cases "$d/after"
    set_prefix "$d/after/cases"

    # Cases new in this patch (not in the previous patch's qtest).
    if [ -n "$PREV_CASES" ]; then
        grep -vxF -f "$PREV_CASES" "$d/after/cases" >"$d/new-cases" || true
    else
        : >"$d/new-cases"
    fi
    p=$(count "$d/after/results" pass) f=$(count "$d/after/results" fail)
    local after_txt before_txt problems=()
    if [ "$f" = 0 ]; then
        after_txt="all $p pass after"
    else
        after_txt="$f of $((p + f)) FAIL after"
        problems+=(after)
    fi
    if [ "$before_ok" = 0 ]; then
        before_txt="its qtest does not build against ${LABELS[$i - 2]%% *}"
        [ "$i" -ge 2 ] || before_txt="its qtest does not build against the base"
        problems+=(before)
    else
        nb=$(count "$d/before/results" fail)
        if [ "$nb" = 0 ]; then
            before_txt="no case fails before (no evidence)"
            problems+=(before)
        else
            before_txt="$(plural "$nb" case) $( [ "$nb" = 1 ] && echo fails || echo fail) before ($(failing "$d/before/results" | awk 'NR > 1 { printf "; " } { printf "%s", $0 }'))"
        fi
    fi
    if [ ${#problems[@]} = 0 ]; then
        verdict ok "$label: $before_txt, $after_txt"
    else
        verdict not_ok "$label: $before_txt, $after_txt"
    fi
    if [ "$before_ok" = 0 ]; then
        build_tail "$num-before" | diag
        row "**qtest does not build against the previous patch**" "$(after_cell "$d/after/results")"
    else
        [ "$nb" = 0 ] || failing "$d/before/results" | sed 's/^/before: /' | diag
        if [ -s "$d/new-cases" ]; then
            echo "new cases: $(names "$d/new-cases")" | diag
            # New cases that pass before guard against regressions; fine
            # as long as some case shows the defect.
            awk -F'\t' '$2 == "pass" { print $1 }' "$d/before/results" |
                grep -xF -f - "$d/new-cases" >"$d/new-passing" || true
            [ ! -s "$d/new-passing" ] ||
                echo "new cases passing before too: $(names "$d/new-passing")" | diag
        fi
        local cell
        cell=$(cells_failing "$d/before/results" "$d/new-cases")
        [ -n "$cell" ] || cell="**none (no evidence)**"
        row "$cell" "$(after_cell "$d/after/results")"
    fi
    [ "$f" = 0 ] || failing "$d/after/results" | sed 's/^/after: /' | diag
    PREV_CASES=$d/after/cases
}

main() {
    local report='' force=0 series_dir=$FADUMP_TOP/qemu-patches/10.2
    while [ $# -gt 0 ]; do
        case $1 in
            --report) [ $# -ge 2 ] || die "--report needs a FILE"; report=$2; shift ;;
            --report=*) report=${1#--report=} ;;
            --force) force=1 ;;
            -h|--help) usage; exit 0 ;;
            -*) die "unknown option: $1 (try --help)" ;;
            *) series_dir=$1 ;;
        esac
        shift
    done
    # A bare name is a series of qemu-patches/ (10.2 = qemu-patches/10.2).
    if [ ! -d "$series_dir" ] && [ -d "$FADUMP_TOP/qemu-patches/$series_dir" ]; then
        series_dir=$FADUMP_TOP/qemu-patches/$series_dir
    fi
    [ -d "$series_dir" ] || die "$series_dir: no such series directory"
    series_dir=$(cd "$series_dir" && pwd)
    if [ -n "$report" ]; then
        mkdir -p "$(dirname "$report")"
        report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
    fi
    # The directory, explicitly: whatever series scripts/lib/qemu-src.sh
    # selected by default (FADUMP_QEMU_SERIES, QEMU_PATCHES_DIR) is not used.
    QEMU_PATCHES_DIR=$series_dir
    FADUMP_QEMU_SERIES=$(basename "$series_dir")
    qemu_src_load
    [ ${#QEMU_SERIES[@]} -gt 0 ] || die "$series_dir has no patches"

    local series hash result
    series=$(basename "$series_dir")
    TOP=$FADUMP_CACHE/prove-$series
    SRC=$TOP/src
    LOGS=$TOP/logs
    hash=$(cd "$QEMU_PATCHES_DIR" &&
           hash_inputs BASE "${QEMU_SERIES[@]##*/}" "$SCRIPT" \
               "$FADUMP_TOP/scripts/lib/qemu-src.sh")
    result=$TOP/result-$hash
    mkdir -p "$TOP" "$LOGS"

    # cached PATH: print a finished result's TAP, copy its report, exit
    # with its status.
    cached() {
        log "cached result $1 (same BASE, patches and scripts; --force proves again)"
        cat "$1/tap"
        [ -z "$report" ] || cp "$1/report.md" "$report"
        exit "$(cat "$1/status")"
    }
    if [ "$force" = 0 ] && [ -f "$result/status" ]; then
        cached "$result"
    fi
    exec 9>"$TOP/.lock"
    if ! flock -n 9; then
        log "another prove-series.sh is running on $series; waiting for it"
        flock 9
    fi
    if [ "$force" = 0 ] && [ -f "$result/status" ]; then
        cached "$result"
    fi

    # Work dirs of runs that were killed (we hold the lock: none is running).
    rm -rf "$TOP"/.run.*

    local start=$SECONDS
    JOBS=$(nproc)
    NTAP=0 FAILED=0 BUILD_FAILURES=0 TIMEOUTS=0 PREFIX='' PREV_CASES=''
    WORK=$(mktemp -d "$TOP/.run.XXXXXX")
    # (short: the qtest's UNIX socket paths must fit in 108 bytes)
    QT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/prove-series.XXXXXX")
    # $WORK is gone once it became the cached result.
    trap 'rm -rf "$WORK" "$QT_TMP"' EXIT
    : >"$WORK/tap" && : >"$WORK/rows"

    prepare_tree

    # The migration cases use sockets in TMPDIR; QEMU from its build tree
    # needs -L for the firmware, through a wrapper keeping the binary's name
    # (qtest derives the target from it), as tests/qemu/run-qtest.sh does.
    TMPDIR=$QT_TMP
    mkdir -p "$TMPDIR/bin"
    export TMPDIR
    cat >"$TMPDIR/bin/qemu-system-ppc64" <<WRAP
#!/bin/sh
exec "$SRC/build/qemu-system-ppc64" -L "$FADUMP_FIRMWARE_DIR" "\$@"
WRAP
    chmod +x "$TMPDIR/bin/qemu-system-ppc64"
    export QTEST_QEMU_BINARY=$TMPDIR/bin/qemu-system-ppc64

    say "TAP version 13"
    say "1..${#QEMU_SERIES[@]}"
    say "# series: $series_dir: ${#QEMU_SERIES[@]} patches on QEMU $QEMU_VERSION"
    local i
    for ((i = 1; i <= ${#QEMU_SERIES[@]}; i++)); do
        prove_patch "$i"
    done
    # Leave the tree at the tip of the series.
    qgit -C "$SRC" checkout -q -f --detach "${COMMITS[-1]}"
    log "proved in $((SECONDS - start))s: $FAILED of ${#QEMU_SERIES[@]} patches lack evidence"

    {
        echo "## qtest evidence of $series (QEMU $QEMU_VERSION + ${#QEMU_SERIES[@]} patches)"
        echo
        echo "Produced by \`tests/patches/prove-series.sh\` (inputs $hash).  For each"
        echo "patch that changes \`$QTEST_SRC\`, its qtest is run case by case"
        echo "against QEMU built at the previous patch (before) and at the patch"
        echo "(after).  Cases are named relative to \`$PREFIX\`; (new) marks a case"
        echo "the patch adds."
        echo
        echo "| Patch | Cases failing before: first assertion | After |"
        echo "|---|---|---|"
        cat "$WORK/rows"
    } >"$WORK/report.md"
    local status=0
    [ "$FAILED" = 0 ] || status=1
    echo "$status" >"$WORK/status"
    [ -z "$report" ] || cp "$WORK/report.md" "$report"

    if [ "$BUILD_FAILURES" = 0 ] && [ "$TIMEOUTS" = 0 ]; then
        rm -rf "$WORK/rows" "$result"
        mv "$WORK" "$result"
        # Keep the newest $KEEP_RESULTS results.
        find "$TOP" -mindepth 1 -maxdepth 1 -type d -name 'result-*' -printf '%T@ %p\n' |
            sort -rn | tail -n +$((KEEP_RESULTS + 1)) | cut -d' ' -f2- |
            xargs -r rm -rf
    else
        log "not caching: $BUILD_FAILURES build failure(s), $TIMEOUTS timeout(s)"
    fi
    return "$status"
}

main "$@"; exit
