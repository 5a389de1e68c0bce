#!/usr/bin/python3
"""End-to-end fadump test: crash the guest, capture /proc/vmcore, check it.

Inputs (environment): FADUMP_QEMU, FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR
(required: the test is skipped, exit 77, when one is missing), FADUMP_WORKDIR
(scratch; default a new run-* directory under $FADUMP_BUILD_ROOT/e2e-work),
FADUMP_KEEP=1 (keep the dumps of a passing run), FADUMP_E2E_FIRMWARE=vof|slof.
Exit status: 0 pass, 1 fail, 77 skip.
"""

import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fadump_e2e as e2e  # noqa: E402

SKIP = 77


def main():
    try:
        cfg = e2e.config_from_env()
    except e2e.MissingInput as err:
        print(f"SKIP: {err}")
        return SKIP
    try:
        run = e2e.run_cycle(cfg)
    except e2e.StepFailed as err:
        print(f"FAIL: {err}")
        for line in err.context:
            print(f"    | {line}")
        print("FAILED assertions: none checked (the crash -> capture cycle did not complete)")
        return 1
    e2e.say(f"checking {run.vmcore_path} against {run.trigger_path}")
    try:
        checks, _ = e2e.analyse(run)
    except Exception:  # noqa: BLE001 - an analysis bug must still fail loudly
        traceback.print_exc()
        print(f"FAIL: analysis crashed; dumps kept in {run.workdir}")
        return 1
    ok = e2e.report(checks)
    e2e.cleanup(run, ok)
    if not ok:
        print(f"work dir kept for post-mortem: {run.workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
