#!/usr/bin/python3
"""Run one fadump crash -> capture cycle and explain what happened.

Same inputs as test_crash_capture.py (scripts/demo sets them); the flow
and the checks are those of fadump_e2e.py.  The vmcore and QEMU's trigger
dump are kept for inspection.
"""

import os
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fadump_e2e as e2e  # noqa: E402


def section(title):
    print()
    print(f"== {title} " + "=" * max(0, 70 - len(title)))


def show_lines(lines, empty="(none)", limit=40):
    if not lines:
        print(f"  {empty}")
    for line in lines[:limit]:
        print(f"  {line}")
    if len(lines) > limit:
        print(f"  ... {len(lines) - limit} more")


def main():
    try:
        cfg = e2e.config_from_env()
    except e2e.MissingInput as err:
        print(f"demo: {err}", file=sys.stderr)
        return 2
    cfg.keep = True
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        # Apart from the test's runs, whose images each test run prunes.
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], "demo-work")
    try:
        run = e2e.run_cycle(cfg)
    except e2e.StepFailed as err:
        print(f"\ndemo: the crash -> capture cycle failed: {err}")
        for line in err.context:
            print(f"    | {line}")
        return 1
    e2e.say("checking the vmcore")
    checks, facts = e2e.analyse(run)

    release = ""
    try:
        with open(os.path.join(cfg.guest_dir, "kernel-release")) as f:
            release = f.read().strip()
    except OSError:
        pass
    section("Setup")
    print(f"  QEMU:   {cfg.qemu} ({run.qemu_version})")
    print(f"  guest:  Linux {release or '?'} from {cfg.guest_dir}")
    print(f"  VM:     pseries ({cfg.firmware.upper()}), TCG, -m {cfg.mem} -smp {cfg.smp}")
    print(f"  kernel command line: {run.append}")

    section("First boot: fadump registration (console)")
    show_lines(run.fadump_lines("first"))

    section("Crash")
    ev = run.trigger_event or {}
    fmt = lambda v: "?" if v is None else v  # noqa: E731
    print(f"  crashing CPU: {fmt(run.crash_cpu_guest)} (guest's crashing-cpu), "
          f"{fmt(run.crash_cpu_console)} (panic report)"
          + (f", {run.fadump_triggered.get('cpu-index')} (QEMU's FADUMP_TRIGGERED)"
             if run.fadump_triggered else ""))
    print(f"  platform: QMP {ev.get('event')} {ev.get('data')} -> VM {run.trigger_status.get('status')}")
    if run.fadump_triggered:
        print(f"  QEMU event FADUMP_TRIGGERED: {run.fadump_triggered}")
    info = run.fadump_info
    if info:
        print(f"  query-fadump: {info.get('state')}, status flags 0x{info.get('status-flags', 0):04x}")
        names = {1: "CPU state", 2: "HPTE", 0x11: "boot memory", 0x100: "param area"}
        for sec in info.get("sections", []):
            print(f"    {names.get(sec['type'], hex(sec['type'])):<12} 0x{sec['source']:x} -> "
                  f"0x{sec['destination']:x}, length 0x{sec['length']:x}, dumped 0x{sec['bytes-dumped']:x}"
                  f", errors 0x{sec['error-flags']:x}")
    print(f"  QEMU's own dump at the trigger: {run.trigger_path}")

    section("Capture kernel: fadump messages (console)")
    show_lines(run.fadump_lines("capture"))

    section("/proc/vmcore")
    print(f"  size: {run.vmcore_size} bytes ({run.vmcore_size / (1 << 30):.2f} GiB), "
          f"copied to {run.vmcore_path}")
    print(f"  CPU notes (NT_PRSTATUS): {facts.cpu_notes}; VMCOREINFO: "
          f"{'OSRELEASE=' + facts.vmcoreinfo.get('OSRELEASE', '?') if facts.vmcoreinfo else 'missing'}"
          f", PAGESIZE={facts.page_size}"
          + (f", CRASHTIME={facts.vmcoreinfo['CRASHTIME']}" if "CRASHTIME" in facts.vmcoreinfo else ""))
    if facts.crash_cpu is not None:
        print(f"  crashing CPU {facts.crash_cpu}: NIP {facts.crash_nip}")
        print(f"  {' ' * len(f'crashing CPU {facts.crash_cpu}:')} LR  {facts.crash_lr}")
        if facts.gdb_nip:
            print(f"  gdb-multiarch: info symbol NIP -> {facts.gdb_nip}")
    else:
        print("  crashing CPU: could not be determined")

    section("Registers: vmcore vs QEMU's dump at the trigger")
    for cpu, nip, result in facts.per_cpu:
        print(f"  CPU {cpu}: {result:<58} NIP {nip}")
    if not facts.per_cpu:
        print("  (no comparison)")

    section("Assertions")
    ok = e2e.report(checks)

    section("Timing (seconds since QEMU start)")
    names = {"boot": "first kernel at init", "crashing": "guest crashes", "trigger": "VM paused by reset request",
             "dump": "trigger dump written", "capture_boot": "capture kernel at init",
             "done": "vmcore copied", "exit": "QEMU exited"}
    for key, label in names.items():
        if key in run.timings:
            print(f"  {run.timings[key]:7.1f}  {label}")

    section("Files")
    print(f"  work dir: {run.workdir}")
    for p in run.log_paths:
        print(f"  {p}")
    print(textwrap.dedent(f"""
      Look around:
        gdb-multiarch {cfg.kernel} {run.vmcore_path}
        readelf -n {run.vmcore_path}"""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
