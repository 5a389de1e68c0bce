#!/usr/bin/python3
"""Benchmark (not a test): how long the platform takes to preserve a fadump.

Boots the test guest (4 GiB, crashkernel=1G, fadump=on; VOF, 4 vCPUs, TCG
unless FADUMP_E2E_FIRMWARE & co say otherwise), lets it crash with
QEMU's trace events spapr_fadump_* on, and stops once the capture kernel
has /proc/vmcore (no trigger dump, no copy of the vmcore: the platform
reboots right after preserving, as it does without a test harness).  For
every run it prints

  - the bytes preserved and the time the copy took, and their ratio, from
    the trace event spapr_fadump_preserved (bytes, ns);
  - the trigger-to-reset time: from spapr_fadump_trigger (ibm,os-term
    reached QEMU) to spapr_fadump_reset (the machine reset that follows),
    from the trace events' timestamps;
  - FADUMP_TRIGGERED (sent when the dump is preserved) to the RESET event
    that follows, from the QMP events' timestamps;

and, measured in the same run, a plain host memcpy of the same number of
bytes: into fresh memory (first-touch page faults, 4 KiB pages), into fresh
memory advised MADV_HUGEPAGE (as QEMU advises guest RAM), and into
pre-faulted memory; with the ratios of QEMU's copy throughput to each.

Usage: fadump-preserve.py [--runs N]
Inputs as for tests/e2e/test_crash_capture.py (FADUMP_QEMU,
FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR); tests/bench/fadump-preserve sets them.  Nothing
here is asserted: the figures depend on the host.
"""

import argparse
import mmap
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import fadump_e2e as e2e  # noqa: E402

TRACE_RE = re.compile(r"^\d+@(\d+)\.(\d+):(spapr_fadump_\w+) ?(.*)$", re.M)
PRESERVED_RE = re.compile(r"0x([0-9a-f]+) bytes preserved, status 0x([0-9a-f]+), in (\d+) ns")


def trace_events(text):
    """[(seconds, name, args)] of the timestamped trace lines."""
    return [(int(s) + int(us) / 1e6, name, args) for s, us, name, args in TRACE_RE.findall(text)]


def qmp_time(ev):
    ts = ev.get("timestamp", {})
    return ts.get("seconds", 0) + ts.get("microseconds", 0) / 1e6


def measure_run(cfg, index):
    """One crash; returns a dict of figures."""
    result = e2e.run_case(cfg, progress=lambda msg: e2e.say(f"run {index}: {msg}"))
    run = result.runs[0]
    events = trace_events(result.trace_log)
    names = [n for _, n, _ in events]
    fig = {"vmcore_size": run.vmcore_size}
    try:
        t_trigger = next(t for t, n, _ in events if n == "spapr_fadump_trigger")
        i_pres = names.index("spapr_fadump_preserved")
        t_preserved, _, args = events[i_pres]
        t_start = next(t for t, n, _ in events if n == "spapr_fadump_preserve")
        t_reset = next(t for t, n, _ in events[i_pres:] if n == "spapr_fadump_reset")
    except (StopIteration, ValueError):
        raise SystemExit(f"run {index}: missing trace events in {result.workdir} "
                         f"(got {sorted(set(names))})")
    m = PRESERVED_RE.search(args)
    if not m:
        raise SystemExit(f"run {index}: cannot read spapr_fadump_preserved: {args!r}")
    fig["bytes"] = int(m.group(1), 16)
    fig["status"] = int(m.group(2), 16)
    fig["copy_ns"] = int(m.group(3))
    fig["trigger_to_preserve_ms"] = (t_start - t_trigger) * 1e3
    fig["trigger_to_reset_ms"] = (t_reset - t_trigger) * 1e3
    fig["preserved_to_reset_ms"] = (t_reset - t_preserved) * 1e3
    qevents = result.qmp_events
    trig = [e for e in qevents if e["event"] == "FADUMP_TRIGGERED"]
    if trig:
        after = [e for e in qevents if e["event"] in ("RESET", "SHUTDOWN")
                 and qmp_time(e) >= qmp_time(trig[0])]
        if after:
            fig["qmp_triggered_to_reset_ms"] = (qmp_time(after[0]) - qmp_time(trig[0])) * 1e3
    fig["workdir"] = result.workdir
    return fig


def anon_huge_kb():
    """This process's anonymous memory in transparent huge pages (kB)."""
    try:
        with open("/proc/self/smaps_rollup") as f:
            m = re.search(r"^AnonHugePages:\s+(\d+) kB", f.read(), re.M)
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


def memcpy_figures(size):
    """Host memcpy of ``size`` bytes: (label, ns) for fresh, fresh with
    MADV_HUGEPAGE, and pre-faulted destinations."""
    src = bytearray(b"\x5a") * size         # written, so resident
    out = []
    for label, advice in (("fresh memory", getattr(mmap, "MADV_NOHUGEPAGE", None)),
                          ("fresh, MADV_HUGEPAGE (as QEMU's RAM)",
                           getattr(mmap, "MADV_HUGEPAGE", None))):
        dst = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        if advice is not None:
            dst.madvise(advice)
        thp0 = anon_huge_kb()
        t = time.perf_counter_ns()
        dst[:] = src
        ns = time.perf_counter_ns() - t
        thp = anon_huge_kb() - thp0
        out.append((f"{label}, {thp >> 10} MiB in THPs", ns))
        if advice == getattr(mmap, "MADV_HUGEPAGE", None):
            t = time.perf_counter_ns()
            dst[:] = src
            out.append(("pre-faulted memory", time.perf_counter_ns() - t))
        dst.close()
    return out


def gbps(nbytes, ns):
    return nbytes / ns if ns else float("nan")   # bytes/ns == GB/s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="crashes to measure (default 3)")
    args = ap.parse_args(argv)
    try:
        cfg = e2e.config_from_env()
    except e2e.MissingInput as err:
        print(f"fadump-preserve: {err}", file=sys.stderr)
        return 2
    cfg.mem, cfg.crashkernel = "4G", "1G"
    cfg.hold, cfg.trace, cfg.stop_after = "none", True, "capture-boot"
    cfg.case = "benchmark"
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        # Apart from the tests' runs (each run prunes the images of older ones).
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], "bench-work")
    figs = []
    for i in range(1, args.runs + 1):
        try:
            figs.append(measure_run(cfg, i))
        except e2e.StepFailed as err:
            print(f"fadump-preserve: run {i}: {err}", file=sys.stderr)
            return 1
    size = figs[-1]["bytes"]
    e2e.say(f"host memcpy of {size} bytes")
    copies = memcpy_figures(size)

    print()
    print(f"fadump preservation: {cfg.mem} guest, crashkernel={cfg.crashkernel}, {cfg.smp} vCPUs, "
          f"{cfg.firmware.upper()}, TCG; QEMU {cfg.qemu}")
    print(f"{'run':>3} {'bytes':>12} {'copy ms':>9} {'GB/s':>6} {'os-term->copy ms':>17} "
          f"{'os-term->reset ms':>18} {'copied->reset ms':>17} {'FADUMP_TRIGGERED->RESET ms':>27}")
    for i, f in enumerate(figs, 1):
        print(f"{i:>3} {f['bytes']:>12} {f['copy_ns'] / 1e6:>9.1f} {gbps(f['bytes'], f['copy_ns']):>6.2f} "
              f"{f['trigger_to_preserve_ms']:>17.1f} {f['trigger_to_reset_ms']:>18.1f} "
              f"{f['preserved_to_reset_ms']:>17.1f} {f.get('qmp_triggered_to_reset_ms', float('nan')):>27.1f}")
    med_ns = statistics.median(f["copy_ns"] for f in figs)
    qemu_gbps = gbps(size, med_ns)
    print(f"median: copy {med_ns / 1e6:.1f} ms = {qemu_gbps:.2f} GB/s; trigger-to-reset "
          f"{statistics.median(f['trigger_to_reset_ms'] for f in figs):.1f} ms")
    thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip() \
        if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "?"
    print(f"host memcpy of the same {size} bytes, this run (transparent_hugepage: {thp}):")
    for label, ns in copies:
        g = gbps(size, ns)
        print(f"  {label:<52} {ns / 1e6:>8.1f} ms {g:>6.2f} GB/s   QEMU's copy / this = "
              f"{qemu_gbps / g:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
