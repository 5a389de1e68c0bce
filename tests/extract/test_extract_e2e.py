#!/usr/bin/python3
"""fadump-extract against the real guest: one crash -> capture cycle
(tests/e2e/fadump_e2e.py), then rebuild the capture kernel's /proc/vmcore
from QEMU's trigger dump and require it to be byte-identical to the real
one: ``fadump-extract -o`` + a byte comparison, and ``--validate`` (every
PT_LOAD page, every CPU's registers, the notes in count and order).

A second QEMU dump is taken during the capture boot, once the capture
kernel has /proc/vmcore (the harness's VM class is wrapped for that: the
dump starts when run_cycle() sees "FADUMP-TEST: vmcore-size="); the
vmcore rebuilt from it must validate byte for byte as well.

Usage: test_extract_e2e.py FADUMP_EXTRACT [--kernel VERSION]
  VERSION: the guest's kernel, as in tests/e2e/test_crash_capture.py.
Inputs (environment): as tests/e2e/test_crash_capture.py: FADUMP_QEMU,
FADUMP_GUEST_DIR (or that of --kernel), FADUMP_FIRMWARE_DIR (exit 77 when
one is missing),
FADUMP_WORKDIR, FADUMP_KEEP=1 (keep the dumps and the rebuilt vmcore).
Exit status: 0 pass, 1 fail, 77 skip.
"""

import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import fadump_e2e as e2e  # noqa: E402

SKIP = 77
TOOL_TIMEOUT = 600
CHUNK = 16 << 20


def say(msg):
    print(f"[extract-e2e {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run_tool(args, log_path):
    t0 = time.monotonic()
    res = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    secs = time.monotonic() - t0
    with open(log_path, "w") as f:
        f.write(f"$ {' '.join(args)}\n# exit {res.returncode}, {secs:.1f}s\n")
        f.write(res.stdout)
        if res.stderr:
            f.write("# stderr:\n" + res.stderr)
    return res, secs


CAPTURE_DUMP = "capture-dump.elf"
OUR_BIG_FILES = (CAPTURE_DUMP, "rebuilt.vmcore")


class CaptureDumpVM(e2e.VM):
    """The harness's VM, taking a QEMU dump during the capture boot."""

    capture_dump = None         # path once taken
    capture_error = None

    def wait_console(self, regex, *args, **kwargs):
        m = super().wait_console(regex, *args, **kwargs)
        if regex.startswith("^FADUMP-TEST: vmcore-size=") and CaptureDumpVM.capture_dump is None:
            path = os.path.join(self.workdir, CAPTURE_DUMP)
            say("capture kernel has /proc/vmcore: QMP dump-guest-memory of the capture boot")
            try:
                e2e._dump_guest_memory(self, path, "capture-boot dump")
                CaptureDumpVM.capture_dump = path
            except e2e.StepFailed as err:
                CaptureDumpVM.capture_error = str(err)
        return m


def prune(base):
    """Our big files of earlier runs (the harness prunes its own)."""
    for d in glob.glob(os.path.join(base, "run-*")):
        for name in OUR_BIG_FILES:
            p = os.path.join(d, name)
            if os.path.exists(p):
                os.unlink(p)


def validate(tool, vmcore, dump, log_path, what, problems):
    res, secs = run_tool([tool, "--validate", vmcore, dump], log_path)
    say(f"fadump-extract --validate {os.path.basename(vmcore)} {os.path.basename(dump)}: "
        f"exit {res.returncode} in {secs:.1f}s")
    for line in res.stdout.splitlines():
        print(f"    {line}")
    if res.returncode != 0 or not res.stdout.startswith("validate") or \
            "MATCH" not in res.stdout.splitlines()[0]:
        problems.append(f"--validate with the {what} exited {res.returncode}: "
                        f"{res.stderr.strip()}")


def first_difference(a, b):
    """Offset of the first differing byte of two files, or None."""
    off = 0
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(CHUNK), fb.read(CHUNK)
            if x != y:
                n = min(len(x), len(y))
                i = next((k for k in range(n) if x[k] != y[k]), n)
                return off + i
            if not x:
                return None
            off += len(x)


def main():
    argv = sys.argv[1:]
    kernel = None
    if len(argv) == 3 and argv[1] == "--kernel" and argv[2] in e2e.KERNEL_VERSIONS:
        kernel = argv[2]
    elif len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tool = argv[0]
    try:
        cfg = e2e.config_from_env(kernel=kernel)
    except e2e.MissingInput as err:
        print(f"SKIP: {err}")
        return SKIP
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        # Apart from the crash-capture test's runs and their pruning.
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], "extract-e2e-work")
        prune(cfg.work_base)
    e2e.VM = CaptureDumpVM
    try:
        run = e2e.run_cycle(cfg)
    except e2e.StepFailed as err:
        print(f"FAIL: {err}")
        for line in err.context:
            print(f"    | {line}")
        return 1

    problems = []
    rebuilt = os.path.join(run.workdir, "rebuilt.vmcore")
    report = os.path.join(run.workdir, "extract-report.json")
    try:
        # 1. rebuild, with the JSON report of what was found
        res, secs = run_tool([tool, "--json", run.trigger_path, "-o", rebuilt],
                             os.path.join(run.workdir, "extract.log"))
        size = os.path.getsize(run.trigger_path)
        say(f"fadump-extract {run.trigger_path} -o {rebuilt}: exit {res.returncode} "
            f"in {secs:.1f}s ({size / secs / 2**20:.0f} MiB/s of input)")
        if res.returncode != 0:
            problems.append(f"fadump-extract -o exited {res.returncode}: {res.stderr.strip()}")
        else:
            with open(report, "w") as f:
                f.write(res.stdout)
            info = json.loads(res.stdout)
            fdh = info["crash_info_header"]
            say(f"registration at {info['registration'].get('address')} "
                f"({info['registration']['origin']}), crash-info header "
                f"{fdh['magic']} at {fdh['address']}, crashing CPU {fdh['crashing_cpu']}, "
                f"{len(info['cpus'])} CPU notes, kernel {info['vmcoreinfo']['osrelease']}, "
                f"{info['output']['copy_range_bytes']} bytes by copy_file_range")
            if len(info["cpus"]) != run.guest_cpus:
                problems.append(f"{len(info['cpus'])} CPU notes, the guest had {run.guest_cpus} CPUs")
            if info["warnings"]:
                problems.append(f"warnings: {info['warnings']}")
            # 2. the rebuilt file is the real one, byte for byte
            real_size, ours = os.path.getsize(run.vmcore_path), os.path.getsize(rebuilt)
            diff = first_difference(rebuilt, run.vmcore_path)
            if diff is not None:
                problems.append(f"rebuilt vmcore ({ours} bytes) differs from the capture kernel's "
                                f"({real_size} bytes) at byte 0x{diff:x}")
            else:
                say(f"rebuilt vmcore is byte-identical to the capture kernel's ({real_size} bytes)")

        # 3. --validate: the tool's own comparison, per segment and CPU
        validate(tool, run.vmcore_path, run.trigger_path,
                 os.path.join(run.workdir, "validate.log"), "trigger dump", problems)

        # 4. the same from the dump taken during the capture boot
        if CaptureDumpVM.capture_dump:
            validate(tool, run.vmcore_path, CaptureDumpVM.capture_dump,
                     os.path.join(run.workdir, "validate-capture.log"),
                     "capture-boot dump", problems)
        else:
            problems.append(f"no dump was taken during the capture boot: "
                            f"{CaptureDumpVM.capture_error or 'the harness never waited for vmcore-size'}")
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as err:
        problems.append(f"{type(err).__name__}: {err}")
    finally:
        if not cfg.keep and os.path.exists(rebuilt):
            os.unlink(rebuilt)

    for p in problems:
        print(f"FAIL: {p}")
    ok = not problems
    e2e.cleanup(run, ok)
    if ok and not cfg.keep and CaptureDumpVM.capture_dump:
        os.unlink(CaptureDumpVM.capture_dump)
    if ok:
        print("PASS: fadump-extract rebuilt the capture kernel's /proc/vmcore byte for byte "
              "from the trigger dump and from the capture-boot dump")
    else:
        print(f"work dir kept for post-mortem: {run.workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
