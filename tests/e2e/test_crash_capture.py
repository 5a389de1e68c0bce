#!/usr/bin/python3
"""End-to-end fadump test: crash the guest, capture /proc/vmcore, check it.

Usage: test_crash_capture.py [--case NAME] [--kernel VERSION] [--series NAME] [--list]
  NAME is one of fadump_e2e.CASES (default: "default", or $FADUMP_E2E_CASE).
  VERSION is the guest's kernel: 6.1, 6.12 or 7.2 (default: 6.12, or
  $FADUMP_E2E_KERNEL); its guest is in FADUMP_GUEST_DIR (6.12) or
  FADUMP_GUEST_DIR_6_1 / FADUMP_GUEST_DIR_7_2.

Inputs (environment): FADUMP_QEMU, that FADUMP_GUEST_DIR*, FADUMP_FIRMWARE_DIR
(required: the test is skipped, exit 77, when one is missing), FADUMP_WORKDIR
(scratch; default a new run-* directory under $FADUMP_BUILD_ROOT/e2e-work),
FADUMP_KEEP=1 (keep the dumps of a passing run), FADUMP_E2E_FIRMWARE=vof|slof,
FADUMP_QEMU_EXTRA_ARGS, FADUMP_APPEND_EXTRA (a case's own parameters win).
Exit status: 0 pass, 1 fail, 77 skip, 2 usage.
"""

import argparse
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fadump_e2e as e2e  # noqa: E402
from capture_checks import analyse, report  # noqa: E402

SKIP = 77


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default=os.environ.get("FADUMP_E2E_CASE", "default"),
                    help="the case to run (see --list)")
    ap.add_argument("--kernel", choices=e2e.KERNEL_VERSIONS,
                    default=os.environ.get("FADUMP_E2E_KERNEL") or e2e.DEFAULT_KERNEL,
                    help="the guest's kernel version")
    ap.add_argument("--series", metavar="NAME",
                    help="run on the QEMU of qemu-patches/NAME (FADUMP_QEMU_<NAME>, e.g."
                         " FADUMP_QEMU_10_0) instead of the default series' FADUMP_QEMU")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)
    if args.series:
        var = "FADUMP_QEMU_" + args.series.replace(".", "_")
        if not os.environ.get(var):
            print(f"SKIP: {var} is not set (scripts/check builds every series when all"
                  " suites run)")
            return SKIP
        os.environ["FADUMP_QEMU"] = os.environ[var]
        os.environ["FADUMP_QEMU_SERIES"] = args.series
    if args.list:
        for name, (what, params) in e2e.CASES.items():
            print(f"{name:14} {what}  {params or ''}")
        return 0
    if args.case not in e2e.CASES:
        print(f"unknown case {args.case!r}; known: {', '.join(e2e.CASES)}", file=sys.stderr)
        return 2
    try:
        cfg = e2e.apply_case(e2e.config_from_env(kernel=args.kernel), args.case)
    except e2e.MissingInput as err:
        print(f"SKIP: {err}")
        return SKIP
    t0 = time.monotonic()
    try:
        result = e2e.run_case(cfg)
    except e2e.StepFailed as err:
        print(f"FAIL: {err}")
        for line in err.context:
            print(f"    | {line}")
        if err.checks:
            print(f"== case '{args.case}': lifecycle checks made before the flow stopped")
            report(err.checks)
        failed = [f"lifecycle ({c.key})" for c in err.checks if not c.ok]
        print(f"FAILED: case '{args.case}': " + ", ".join(
            failed + [f"the flow stopped at step '{err.step}' (vmcore not checked)"]))
        return 1
    failed = []
    for c in result.checks:
        if not c.ok:
            failed.append(f"lifecycle ({c.key})")
    if result.checks:
        print(f"== case '{args.case}': lifecycle")
        report(result.checks)
    for run in result.runs:
        e2e.say(f"{run.label}: checking {run.vmcore_path} against {run.trigger_path}")
        try:
            checks, _ = analyse(run)
        except Exception:  # noqa: BLE001 - an analysis bug must still fail loudly
            traceback.print_exc()
            print(f"FAIL: case '{args.case}': analysis of {run.label} crashed; dumps kept in {run.workdir}")
            return 1
        print(f"== case '{args.case}': {run.label}")
        report(checks)
        failed += [f"{run.label} ({c.key})" for c in checks if not c.ok]
    ok = not failed
    e2e.cleanup(result.runs, ok)
    print(f"case '{args.case}' ({e2e.CASES[args.case][0]}), Linux {args.kernel}: "
          f"{len(result.runs)} crash(es), "
          f"{'PASS' if ok else 'FAIL'} in {time.monotonic() - t0:.0f}s")
    if not ok:
        print(f"FAILED: case '{args.case}': " + ", ".join(failed))
        print(f"work dir kept for post-mortem: {result.workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
