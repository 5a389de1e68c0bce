#!/usr/bin/python3
"""Benchmark (not a test): how long the platform takes to preserve a fadump, upstream vs ours.

Crashes the test guest (4 GiB, crashkernel=1G, fadump=on; VOF, 4 vCPUs,
TCG unless FADUMP_E2E_FIRMWARE & co say otherwise) under two QEMUs, N runs
each, taking turns (upstream first in odd rounds, ours in even ones):
upstream's unpatched QEMU (the series' base, e.g. 10.2.2:
FADUMP_QEMU_BASE, scripts/build-qemu --base-only) and ours (FADUMP_QEMU,
the base + the series).  No trigger dump, no hold: the
platform reboots right after preserving, as it does without a test
harness; a run stops once the capture kernel has /proc/vmcore and has
printed its fadump_region.

Both QEMUs are measured the same way:

  - trigger-to-reset: from the moment the crashed kernel's last console
    line (the end of its panic report, just before crash_fadump calls
    ibm,os-term) reached the console file, as a thread polling that file
    every 0.5 ms sees it, to the timestamp of the QMP RESET event of the
    memory-preserving reboot (both the host's wall clock).  Upstream's
    QEMU has no trace event and no FADUMP_* event: the console and the
    RESET event are what both have;
  - the bytes to preserve: what the crashed kernel registered (its
    fadump_region on the first boot: the boot memory, crashkernel=1G, +
    the CPU state data + the HPTE area);
  - their ratio, the copy throughput (an upper bound of the copy's time:
    it includes stopping the vCPUs and the reset);
  - that the dump was really preserved: the capture kernel has
    /proc/vmcore, its fadump_region shows every registered byte dumped,
    and it complains about nothing.

For ours also, from the trace events spapr_fadump_* (which upstream lacks):
the bytes preserved and the time the copy alone took (spapr_fadump_preserved),
ibm,os-term to the reset (spapr_fadump_trigger to spapr_fadump_reset),
FADUMP_TRIGGERED to RESET (QMP), and how far the console line comes before
ibm,os-term (the console anchor's error).

And, in the same run, a plain host memcpy of the same number of bytes: into
fresh memory (first-touch page faults, 4 KiB pages), into fresh memory
advised MADV_HUGEPAGE (as QEMU advises guest RAM), and into pre-faulted
memory; with the ratios of each QEMU's throughput to each.

Usage: fadump-preserve.py [--runs N]
Inputs as for tests/e2e/test_crash_capture.py (FADUMP_QEMU,
FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR) and FADUMP_QEMU_BASE;
tests/bench/fadump-preserve sets them.  Nothing here is asserted: the
figures depend on the host.
"""

import argparse
import dataclasses
import datetime
import mmap
import os
import re
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import capture_checks  # noqa: E402
import fadump_e2e as e2e  # noqa: E402

# QEMU's log trace backend: "<pid>@<s>.<us>:<event> <args>", or with
# -msg timestamp=on (QEMU 10.2) "<UTC ISO 8601 time>Z <event> <args>".
TRACE_RE = re.compile(r"^(?:\d+@(\d+\.\d+):|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z )"
                      r"(spapr_fadump_\w+) ?(.*)$", re.M)
PRESERVED_RE = re.compile(r"0x([0-9a-f]+) bytes preserved, status 0x([0-9a-f]+), in (\d+) ns")
NAN = float("nan")


class TimedConsoleVM(e2e.VM):
    """The harness's VM, with a thread that notes when each console line
    reaches the console file (host wall clock, the clock of QMP's event
    timestamps and of the trace's).  ``lines``: [(time, line)]."""

    POLL = 0.0005
    last = None             # the VM of the latest launch

    def launch(self, *args, **kwargs):
        self.lines = []
        self._stop = threading.Event()
        super().launch(*args, **kwargs)
        self._tail = threading.Thread(target=self._watch, daemon=True)
        self._tail.start()
        TimedConsoleVM.last = self
        return self

    def _watch(self):
        buf = b""
        with open(self.console_path, "rb") as f:
            while not self._stop.is_set():
                data = f.read()
                if not data:
                    self._stop.wait(self.POLL)
                    continue
                t = time.time()
                *full, buf = (buf + data).split(b"\n")
                self.lines += [(t, line.decode("utf-8", "replace").replace("\r", ""))
                               for line in full]

    def kill(self):
        if getattr(self, "_tail", None) is not None:
            self._stop.set()
            self._tail.join()
            self._tail = None
        super().kill()


e2e.VM = TimedConsoleVM


def trace_events(text):
    """[(seconds, name, args)] of the timestamped trace lines."""
    return [(float(epoch) if epoch else
             datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.timezone.utc).timestamp(),
             name, args) for epoch, iso, name, args in TRACE_RE.findall(text)]


def qmp_time(ev):
    ts = ev.get("timestamp", {})
    return ts.get("seconds", 0) + ts.get("microseconds", 0) / 1e6


def console_anchor(lines, t_reset):
    """(time, line) of the crashed kernel's last console line: the last
    line that arrived before the RESET, after the guest said "crashing"."""
    before = [(t, line) for t, line in lines if t < t_reset]
    crashing = [i for i, (_, line) in enumerate(before) if line == "FADUMP-TEST: crashing"]
    if not crashing or crashing[-1] == len(before) - 1:
        return None
    return before[-1]


def region_bytes(regions):
    """{"boot": ..., "cpu": ..., "hpte": ...} -> (length, dumped) of the
    fadump_region lines (capture_checks.capture_regions)."""
    out = {k: [0, 0] for k in ("boot", "cpu", "hpte")}
    for typ, _src, _dst, length, dumped in regions:
        k = {capture_checks.FADUMP_CPU_STATE: "cpu",
             capture_checks.FADUMP_HPTE: "hpte"}.get(typ, "boot")
        out[k][0] += length
        out[k][1] += dumped
    return out


def measure_run(cfg, who, index):
    """One crash under cfg.qemu; returns a dict of figures."""
    label = f"{who} run {index}"
    result = e2e.run_case(cfg, progress=lambda msg: e2e.say(f"{label}: {msg}"))
    run, vm = result.runs[0], TimedConsoleVM.last
    fig = {"workdir": result.workdir, "vmcore_size": run.vmcore_size, "problems": []}
    reset = run.trigger_event
    fig["reset_reason"] = reset.get("data", {}).get("reason")
    t_reset = qmp_time(reset)
    anchor = console_anchor(vm.lines, t_reset)
    if anchor is None:
        raise SystemExit(f"{label}: no console line between 'FADUMP-TEST: crashing' and the RESET "
                         f"event in {vm.console_path}")
    fig["anchor_line"] = re.sub(r"^\[[ \d.]+\] ", "", anchor[1]).strip()
    fig["trigger_to_reset_ms"] = (t_reset - anchor[0]) * 1e3

    # What the crashed kernel registered (its last first-boot report) and
    # what the capture kernel was told was dumped.
    first = run.first_console[run.first_console.rfind("FADUMP-TEST: boot=first"):]
    reg = region_bytes(capture_checks.capture_regions(first))
    cap = region_bytes(capture_checks.capture_regions(run.capture_console))
    fig["boot_bytes"], fig["cpu_bytes"], fig["hpte_bytes"] = (reg[k][0] for k in ("boot", "cpu", "hpte"))
    fig["bytes"] = sum(v[0] for v in reg.values())
    fig["dumped"] = sum(v[1] for v in cap.values())
    if not reg["boot"][0]:
        fig["problems"].append("no boot memory registration on the first boot's console")
    for k in reg:
        if cap[k][1] != reg[k][0]:
            fig["problems"].append(f"{k}: the capture kernel says 0x{cap[k][1]:x} bytes dumped of "
                                   f"0x{reg[k][0]:x} registered")
    rejected = sorted({m.group(0) for m in capture_checks.REJECTED_RE.finditer(run.capture_console)})
    if rejected:
        fig["problems"].append(f"the capture kernel complains: {rejected}")
    if not run.vmcore_size:
        fig["problems"].append("no /proc/vmcore")
    if fig["reset_reason"] != "guest-reset":
        fig["problems"].append(f"RESET reason {fig['reset_reason']!r}, expected guest-reset")

    if cfg.trace:
        trace_figures(result, fig, anchor[0], label)
    return fig


def trace_figures(result, fig, t_anchor, label):
    """Ours: the trace events' figures."""
    events = trace_events(result.trace_log)
    names = [n for _, n, _ in events]
    try:
        t_trigger = next(t for t, n, _ in events if n == "spapr_fadump_trigger")
        i_pres = names.index("spapr_fadump_preserved")
        t_preserved, _, args = events[i_pres]
        t_start = next(t for t, n, _ in events if n == "spapr_fadump_preserve")
        t_reset = next(t for t, n, _ in events[i_pres:] if n == "spapr_fadump_reset")
    except (StopIteration, ValueError):
        raise SystemExit(f"{label}: missing trace events in {result.workdir} "
                         f"(got {sorted(set(names))})")
    m = PRESERVED_RE.search(args)
    if not m:
        raise SystemExit(f"{label}: cannot read spapr_fadump_preserved: {args!r}")
    fig["trace_bytes"] = int(m.group(1), 16)
    fig["status"] = int(m.group(2), 16)
    fig["copy_ns"] = int(m.group(3))
    fig["anchor_to_trigger_ms"] = (t_trigger - t_anchor) * 1e3
    fig["trigger_to_preserve_ms"] = (t_start - t_trigger) * 1e3
    fig["trace_trigger_to_reset_ms"] = (t_reset - t_trigger) * 1e3
    fig["preserved_to_reset_ms"] = (t_reset - t_preserved) * 1e3
    qevents = result.qmp_events
    trig = [e for e in qevents if e["event"] == "FADUMP_TRIGGERED"]
    if trig:
        after = [e for e in qevents if e["event"] in ("RESET", "SHUTDOWN")
                 and qmp_time(e) >= qmp_time(trig[0])]
        if after:
            fig["qmp_triggered_to_reset_ms"] = (qmp_time(after[0]) - qmp_time(trig[0])) * 1e3


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
    return nbytes / ns if ns else NAN   # bytes/ns == GB/s


def qemu_version(path):
    import subprocess
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="Inputs: FADUMP_QEMU (ours), FADUMP_QEMU_BASE (upstream), "
                                        "FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR; "
                                        "tests/bench/fadump-preserve sets them.")
    ap.add_argument("--runs", type=int, default=3, help="crashes to measure per QEMU (default 3)")
    args = ap.parse_args(argv)
    try:
        cfg = e2e.config_from_env()
    except e2e.MissingInput as err:
        print(f"fadump-preserve: {err}", file=sys.stderr)
        return 2
    base = os.environ.get("FADUMP_QEMU_BASE", "")
    if not base:
        print("fadump-preserve: FADUMP_QEMU_BASE (upstream's QEMU: scripts/build-qemu --base-only) "
              "not set; tests/bench/fadump-preserve sets it", file=sys.stderr)
        return 2
    cfg.mem, cfg.crashkernel = "4G", "1G"
    cfg.hold, cfg.stop_after = "none", "capture-boot"
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        # Apart from the tests' runs (each run prunes the images of older ones).
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], "bench-work")
    series = os.environ.get("FADUMP_QEMU_SERIES", "")
    # Upstream's QEMU has no spapr_fadump_* trace events: no -trace for it.
    qemus = [("upstream", dataclasses.replace(cfg, qemu=base, trace=False, case="benchmark-upstream")),
             ("ours", dataclasses.replace(cfg, trace=True, case="benchmark-ours"))]
    figs = {who: [] for who, _ in qemus}
    for i in range(1, args.runs + 1):
        # Taking turns, ABBA: the host's load (and the first run's slower
        # start) hit both alike.
        for who, c in (qemus if i % 2 else qemus[::-1]):
            try:
                figs[who].append(measure_run(c, who, i))
            except e2e.StepFailed as err:
                print(f"fadump-preserve: {who} run {i}: {err}", file=sys.stderr)
                return 1
    size = figs["ours"][-1]["bytes"]
    e2e.say(f"host memcpy of {size} bytes")
    copies = memcpy_figures(size)
    report(cfg, qemus, figs, size, copies, series)
    return 0


def report(cfg, qemus, figs, size, copies, series):
    names = {"upstream": f"upstream {qemu_version(qemus[0][1].qemu).split()[-1]}",
             "ours": f"ours ({series} series)" if series else "ours"}
    f0, runs = figs["ours"][-1], len(figs["ours"])
    print()
    print(f"fadump preservation: {cfg.mem} guest, crashkernel={cfg.crashkernel}, {cfg.smp} vCPUs, "
          f"{cfg.firmware.upper()}, TCG, Linux {cfg.kernel_version} guest; {runs} run(s) each")
    for who, c in qemus:
        print(f"  {names[who]:<22} {c.qemu} ({qemu_version(c.qemu)})")
    print(f"bytes to preserve: what the crashed kernel registered (its fadump_region): boot memory "
          f"0x{f0['boot_bytes']:x} + CPU state 0x{f0['cpu_bytes']:x} + HPTE 0x{f0['hpte_bytes']:x} "
          f"= {size} bytes")
    anchors = sorted({f["anchor_line"] for fs in figs.values() for f in fs})
    print(f"trigger-to-reset: the crashed kernel's last console line ({' / '.join(repr(a) for a in anchors)}) "
          f"reaching the console file -> QMP RESET event")
    print()
    print(f"{'QEMU':<22} {'run':>3} {'trigger->reset ms':>17} {'GB/s':>6} {'/proc/vmcore bytes':>18}  "
          f"capture kernel: dumped / registered")
    for who, _ in qemus:
        for i, f in enumerate(figs[who], 1):
            check = (f"0x{f['dumped']:x} / 0x{f['bytes']:x}, accepted" if not f["problems"]
                     else "NOT PRESERVED: " + "; ".join(f["problems"]))
            print(f"{names[who]:<22} {i:>3} {f['trigger_to_reset_ms']:>17.1f} "
                  f"{gbps(f['bytes'], f['trigger_to_reset_ms'] * 1e6):>6.2f} {f['vmcore_size']:>18}  {check}")
    print()
    print(f"ours, from the trace events spapr_fadump_* (upstream has none):")
    print("(console line->os-term: from the console line's arrival to spapr_fadump_trigger; negative "
          "when the line was noticed after ibm,os-term)")
    print(f"{'run':>3} {'bytes':>12} {'copy ms':>9} {'GB/s':>6} {'console line->os-term ms':>24} "
          f"{'os-term->copy ms':>17} {'os-term->reset ms':>18} {'copied->reset ms':>17} "
          f"{'FADUMP_TRIGGERED->RESET ms':>27}")
    for i, f in enumerate(figs["ours"], 1):
        print(f"{i:>3} {f['trace_bytes']:>12} {f['copy_ns'] / 1e6:>9.1f} "
              f"{gbps(f['trace_bytes'], f['copy_ns']):>6.2f} {f['anchor_to_trigger_ms']:>24.1f} "
              f"{f['trigger_to_preserve_ms']:>17.1f} {f['trace_trigger_to_reset_ms']:>18.1f} "
              f"{f['preserved_to_reset_ms']:>17.1f} {f.get('qmp_triggered_to_reset_ms', NAN):>27.1f}")
    print()
    thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip() \
        if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "?"
    print(f"host memcpy of the same {size} bytes, this run (transparent_hugepage: {thp}):")
    for label, ns in copies:
        print(f"  {label:<52} {ns / 1e6:>8.1f} ms {gbps(size, ns):>6.2f} GB/s")
    host = [gbps(size, ns) for _, ns in copies]

    def med(who, key):
        return statistics.median(f[key] for f in figs[who])

    rows = []
    for who, _ in qemus:
        ms = med(who, "trigger_to_reset_ms")
        rows.append((f"{names[who]}", ms, gbps(size, ms * 1e6)))
    copy_ms = med("ours", "copy_ns") / 1e6
    rows.append(("ours: copy alone (trace)", copy_ms, gbps(size, copy_ms * 1e6)))
    print()
    print(f"medians of {runs} run(s) each; time: trigger-to-reset (for 'copy alone' the copy's own "
          f"time); GB/s = {size} bytes / time; / memcpy ...: GB/s / host memcpy's GB/s into fresh, "
          f"fresh MADV_HUGEPAGE and pre-faulted memory")
    print(f"{'QEMU':<24} {'time ms':>9} {'GB/s':>6} {'/ memcpy fresh':>15} {'/ THP':>6} "
          f"{'/ pre-faulted':>13}")
    for name, ms, g in rows:
        print(f"{name:<24} {ms:>9.1f} {g:>6.2f} {g / host[0]:>15.2f} {g / host[1]:>6.2f} "
              f"{g / host[2]:>13.2f}")
    print(f"{'host memcpy (GB/s)':<24} {'':>9} {'':>6} {host[0]:>15.2f} {host[1]:>6.2f} {host[2]:>13.2f}")
    up, ours = rows[0], rows[1]
    print(f"ours / upstream: trigger-to-reset time {ours[1] / up[1]:.2f}x, throughput "
          f"{ours[2] / up[2]:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
