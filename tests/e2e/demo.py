#!/usr/bin/python3
"""Run one fadump crash -> capture cycle and explain what happened.

Same inputs as test_crash_capture.py (scripts/demo sets them); the flow
is fadump_e2e.py's, the checks capture_checks.py's.  The vmcore and QEMU's
trigger dump are kept for inspection.

With the host tools (FADUMP_EXTRACT and FDT_INSPECT: paths of
fadump-extract and fdt-inspect, scripts/demo builds them) it also takes
the device tree of both boots with QMP dumpdtb and decodes the capture
boot's ibm,kernel-dump, rebuilds /proc/vmcore from QEMU's trigger dump
without booting the capture kernel, cross-validates it with the real
one and prints the crash triage.
"""

import os
import re
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fadump_e2e as e2e  # noqa: E402
from capture_checks import analyse, report  # noqa: E402


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


class DemoVM(e2e.VM):
    """The harness's VM, saving its device tree in both boots."""

    dtbs = {}                   # "first"/"capture" -> path, or error text

    def wait_console(self, regex, *args, **kwargs):
        m = super().wait_console(regex, *args, **kwargs)
        which = {"^FADUMP-TEST: fadump-registered=": "first",
                 "^FADUMP-TEST: vmcore-size=": "capture"}
        for prefix, boot in which.items():
            if regex.startswith(prefix) and boot not in DemoVM.dtbs:
                path = os.path.join(self.workdir, f"{boot}-boot.dtb")
                try:
                    self.qmp.execute("dumpdtb", {"filename": path}, timeout=30)
                    DemoVM.dtbs[boot] = path
                except Exception as err:  # noqa: BLE001 - shown, not fatal
                    DemoVM.dtbs[boot] = f"dumpdtb failed: {err}"
        return m


def run_tool(args):
    res = subprocess.run(args, capture_output=True, text=True, timeout=900)
    return res.returncode, res.stdout, res.stderr


def property_block(text, name):
    """The lines of property @name in fdt-inspect's text output."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)" + re.escape(name) + r" = ", line)
        if not m:
            continue
        if not line.rstrip().endswith("{"):
            return [line.strip()]
        indent = m.group(1)
        block = [line[len(indent):]]
        for nxt in lines[i + 1:]:
            block.append(nxt[len(indent):])
            if nxt.startswith(indent + "}"):
                break
        return block
    return []


def show_device_trees(fdt_inspect):
    section("Device tree: ibm,kernel-dump of the capture boot (fdt-inspect)")
    capture = DemoVM.dtbs.get("capture", "not taken")
    if not os.path.isfile(capture):
        print(f"  {capture}")
        return True
    rc, out, err = run_tool([fdt_inspect, capture, "/rtas"])
    if rc != 0:
        print(f"  fdt-inspect {capture} /rtas: exit {rc}: {err.strip()}")
        return False
    for prop in ("ibm,kernel-dump", "ibm,configure-kernel-dump-sizes",
                 "ibm,configure-kernel-dump-version", "ibm,configure-kernel-dump"):
        show_lines(property_block(out, prop), empty=f"{prop}: missing", limit=60)
    ok = True
    for boot in ("first", "capture"):
        path = DemoVM.dtbs.get(boot, "")
        if os.path.isfile(path):
            rc, out, err = run_tool([fdt_inspect, "--check", path])
            verdict = "contract holds" if rc == 0 else f"exit {rc}"
            print(f"  fdt-inspect --check {boot} boot: {verdict}")
            show_lines((out + err).strip().splitlines(), empty="", limit=20)
            ok = ok and rc == 0
    first = DemoVM.dtbs.get("first", "")
    if os.path.isfile(first):
        rc, out, err = run_tool([fdt_inspect, "--diff", first, capture, "/rtas"])
        print("  fdt-inspect --diff first capture /rtas:")
        show_lines(out.strip().splitlines(), empty="(no change)", limit=40)
    return ok


def rebuild_and_validate(extract, run):
    section("fadump-extract: /proc/vmcore rebuilt from QEMU's trigger dump")
    rebuilt = os.path.join(run.workdir, "rebuilt.vmcore")
    rc, out, err = run_tool([extract, run.trigger_path, "-o", rebuilt])
    show_lines((out + err).strip().splitlines(), limit=30)
    if rc != 0:
        print(f"  fadump-extract exited {rc}")
        return False
    rc, out, err = run_tool([extract, "--validate", run.vmcore_path, run.trigger_path])
    print(f"  fadump-extract --validate (capture kernel's /proc/vmcore vs rebuilt): exit {rc}")
    show_lines((out + err).strip().splitlines(), limit=30)
    return rc == 0


def triage(extract, run):
    section("Crash triage (fadump-extract --triage, no vmlinux)")
    rc, out, err = run_tool([extract, "--triage", "--log-lines", "12", run.trigger_path])
    # all of it: the registers, every CPU's backtrace, the log's end
    show_lines((out + err).rstrip().splitlines(), limit=160)
    if rc != 0:
        print(f"  fadump-extract --triage exited {rc}")
    return rc == 0


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
    extract = os.environ.get("FADUMP_EXTRACT")
    fdt_inspect = os.environ.get("FDT_INSPECT")
    if fdt_inspect:
        e2e.VM = DemoVM
    try:
        run = e2e.run_cycle(cfg)
    except e2e.StepFailed as err:
        print(f"\ndemo: the crash -> capture cycle failed: {err}")
        for line in err.context:
            print(f"    | {line}")
        return 1
    e2e.say("checking the vmcore")
    checks, facts = analyse(run)

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
    ok = report(checks)

    if fdt_inspect:
        ok = show_device_trees(fdt_inspect) and ok
    if extract:
        ok = rebuild_and_validate(extract, run) and ok
        ok = triage(extract, run) and ok

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
    if not ok:
        print("\ndemo: some checks FAILED (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
