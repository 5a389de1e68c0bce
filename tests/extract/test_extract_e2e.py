#!/usr/bin/python3
"""fadump-extract against the real guest: one crash -> capture cycle
(tests/e2e/fadump_e2e.py), then rebuild the capture kernel's /proc/vmcore
from QEMU's trigger dump and require it to be byte-identical to the real
one: ``fadump-extract -o`` + a byte comparison, and ``--validate`` (every
PT_LOAD page, every CPU's registers, the notes in count and order).

A second QEMU dump is taken during the capture boot, once the capture
kernel has /proc/vmcore (the harness's VM class is wrapped for that: the
dump starts when run_cycle() sees "FADUMP-TEST: vmcore-size="); the
vmcore rebuilt from it must validate byte for byte as well, its
registration found in the capture kernel's device tree in memory
(origin dt-memory, or scan-low when the property's value is 8-aligned),
not by scanning all RAM.

Crash triage (--triage) on the trigger dump, checked against readers we
did not write, on the rebuilt vmcore: vmcore-dmesg (kexec-tools, unpacked
by scripts/setup-host) must print our log record for record;
gdb-multiarch with the guest's vmlinux must give a backtrace of the
crashing CPU through the sysrq crash path (without DWARF, on the 6.1 and
7.2 guests: its innermost frame, crash_fadump); --triage --json must report
the guest's kernel release, the crashing CPU, the panic message "sysrq
triggered crash" and that CPU's registers as its NT_PRSTATUS holds them.
-o --for-drgn: gdb shows one thread per CPU at the triage's pc; drgn
(>= 0.0.27 from FADUMP_DRGN_PATH, with DWARF) unwinds every CPU as the
triage does.
Every CPU's backtrace (triage.cpus, the crashing CPU first) must end at a
stack's base or in user mode; the crashing CPU's must go through the
sysrq crash path, hold the kernel's own Call Trace (panic()'s
dump_stack() in the log) from panic() outwards, [sp] [pc] symbol for
[sp] [pc] symbol, and, with DWARF, name gdb's functions in gdb's order.

Usage: test_extract_e2e.py FADUMP_EXTRACT [--kernel VERSION]
  VERSION: the guest's kernel, as in tests/e2e/test_crash_capture.py.
Inputs (environment): as tests/e2e/test_crash_capture.py: FADUMP_QEMU,
FADUMP_GUEST_DIR (or that of --kernel), FADUMP_FIRMWARE_DIR (exit 77 when
one is missing),
FADUMP_WORKDIR, FADUMP_KEEP=1 (keep the dumps and the rebuilt vmcore).
Exit status: 0 pass, 1 fail, 77 skip.
"""

import functools
import json
import os
import re
import struct
import subprocess
import sys

import extract_e2e as x
import drgn_threads
import elfcore  # noqa: E402 (tests/e2e: on sys.path through extract_e2e)
import fadump_e2e as e2e  # noqa: E402

TOOL_TIMEOUT = 600
say = x.say
run_tool = functools.partial(x.run_tool, timeout=TOOL_TIMEOUT)

CAPTURE_DUMP = "capture-dump.elf"
OUR_BIG_FILES = (CAPTURE_DUMP, "rebuilt.vmcore")


class CaptureDumpVM(x.CaptureBootVM):
    """The harness's VM, taking a QEMU dump during the capture boot."""

    capture_dump = None         # path once taken
    capture_error = None

    def in_capture_boot(self):
        path = os.path.join(self.workdir, CAPTURE_DUMP)
        say("capture kernel has /proc/vmcore: QMP dump-guest-memory of the capture boot")
        try:
            e2e.dump_guest_memory(self, path, "elf", "capture-boot dump")
            CaptureDumpVM.capture_dump = path
        except e2e.StepFailed as err:
            CaptureDumpVM.capture_error = str(err)


PANIC_MESSAGE = "sysrq triggered crash"
KERNEL_BASE = 0xc000000000000000
STACK_WINDOW = 64 << 10
# the sysrq crash path, innermost last (gdb prints innermost first)
SYSRQ_PATH = ("sysrq_handle_crash", "panic", "crash_fadump")
# panic() itself, or (7.2) the vpanic() it wraps
PANIC_FUNCTIONS = ("panic", "vpanic")


def vmcore_dmesg_path():
    cache = os.environ.get("FADUMP_CACHE",
                           os.path.expanduser("~/.cache/qemu-fadump"))
    return os.environ.get("FADUMP_VMCORE_DMESG",
                          os.path.join(cache, "tools/kexec-tools/sbin/vmcore-dmesg"))


def dmesg_format(rec):
    """A record as vmcore-dmesg prints it (kexec-tools util_lib/elf_info.c)."""
    ts = rec["ts_nsec"]
    out = [f"[{ts // 10**9:5d}.{ts % 10**9 // 1000:06d}] "]
    for ch in rec["text"].encode("utf-8", "surrogateescape"):
        c = chr(ch)
        out.append(c if (0x20 <= ch < 0x7f or c in " \t\n\v\f\r") else f"\\x{ch:02x}")
    return "".join(out) + "\n"


def triage_checks(tool, run, rebuilt, info, workdir, problems):
    """--triage against the guest, vmcore-dmesg and gdb (see the docstring)."""
    res, secs = run_tool([tool, "--triage", "--json", "--log-lines", "0", run.trigger_path],
                         os.path.join(workdir, "triage.log"))
    say(f"fadump-extract --triage --json: exit {res.returncode} in {secs:.1f}s")
    if res.returncode != 0:
        problems.append(f"--triage exited {res.returncode}: {res.stderr.strip()}")
        return
    tri = json.loads(res.stdout)["triage"]
    text, _ = run_tool([tool, "--triage", "--log-lines", "12", run.trigger_path],
                       os.path.join(workdir, "triage.txt"))
    for line in text.stdout.splitlines():
        print(f"    {line}")

    # (c) release, CPU, panic message, registers
    with open(os.path.join(run.cfg.guest_dir, "kernel-release")) as f:
        release = f.read().strip()
    if tri["osrelease"] != release:
        problems.append(f"triage: kernel {tri['osrelease']!r}, the guest runs {release!r}")
    cpu = tri["crashing_cpu"]
    if cpu != info["crash_info_header"]["crashing_cpu"] or \
            (run.crash_cpu_guest is not None and cpu != run.crash_cpu_guest):
        problems.append(f"triage: crashing CPU {cpu}, the guest said {run.crash_cpu_guest}")
    if not tri["panic"] or tri["panic"]["message"] != PANIC_MESSAGE:
        problems.append(f"triage: panic {tri['panic']!r}, expected {PANIC_MESSAGE!r}")
    if tri["log_error"] or not tri["log"]:
        problems.append(f"triage: log unreadable: {tri['log_error']}")
        return
    with elfcore.ElfCore(run.vmcore_path) as core:
        notes = core.prstatus()
    cpus = [c["cpu"] for c in info["cpus"]]
    if cpu not in cpus:
        problems.append(f"triage: crashing CPU {cpu} has no note (notes for {cpus})")
        return
    note = notes[cpus.index(cpu)]
    ours = [int(tri["registers"][name], 16) for name in tri["registers"]]
    if ours != note.regs:
        diff = [i for i in range(len(ours)) if ours[i] != note.regs[i]]
        problems.append(f"triage: registers differ from CPU {cpu}'s NT_PRSTATUS in words {diff}")
    else:
        say(f"triage: kernel {release}, CPU {cpu}, panic {PANIC_MESSAGE!r}, "
            f"registers = NT_PRSTATUS (nip 0x{note.nip:x}), "
            f"{tri['log']['records_in_ring']} log records")

    # NIP and LR symbolised through kallsyms, as System.map names them
    for reg in ("nip", "link"):
        got = (tri.get("symbols") or {}).get(reg)
        want = system_map_symbol(run.cfg.guest_dir, int(tri["registers"][reg], 16))
        if not got or got.split("/")[0] != want:
            problems.append(f"triage: {reg} symbolised as {got!r}, System.map says {want!r} "
                            f"({(tri.get('symbols') or {}).get('error')})")
        else:
            say(f"triage: {reg} = {got} (System.map: {want})")

    # (a) vmcore-dmesg on the rebuilt vmcore prints the same records
    vmcore_dmesg = vmcore_dmesg_path()
    if not os.access(vmcore_dmesg, os.X_OK):
        problems.append(f"no {vmcore_dmesg}: run scripts/setup-host")
    else:
        res, secs = run_tool([vmcore_dmesg, rebuilt], os.path.join(workdir, "vmcore-dmesg.log"))
        want = res.stdout
        ours = "".join(dmesg_format(r) for r in tri["log"]["records"])
        if res.returncode != 0 or want != ours:
            a, b = want.splitlines(), ours.splitlines()
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            problems.append(f"vmcore-dmesg (exit {res.returncode}, {len(a)} lines) and --triage "
                            f"({len(b)} lines) differ at line {i + 1}: "
                            f"{a[i] if i < len(a) else None!r} vs {b[i] if i < len(b) else None!r}")
        else:
            say(f"vmcore-dmesg on the rebuilt vmcore: {len(tri['log']['records'])} records, "
                f"identical to --triage's log ({secs:.1f}s)")

    # (b) gdb: a backtrace of the crashing CPU through the sysrq crash path
    frames = gdb_checks(run, rebuilt, note, cpus.index(cpu), cpu, workdir, problems)

    # (d) every CPU's backtrace: the crashing CPU's against the kernel's
    # own Call Trace (panic()'s dump_stack(), in the log) and gdb's bt
    backtrace_checks(tri, cpu, cpus, frames, run.cfg.kernel_has_dwarf, problems)

    # (e) -o --for-drgn: gdb and drgn find every CPU's registers
    for_drgn_checks(tool, run, tri, cpu, workdir, problems)


def for_drgn_checks(tool, run, tri, cpu, workdir, problems):
    """-o --for-drgn numbers the notes pr_pid = CPU + 1 and drops CRASHTIME:
    gdb then shows one thread per CPU (LWP = CPU + 1) at the triage's pc,
    and drgn >= 0.0.27 (FADUMP_DRGN_PATH, see drgn_threads.py), which
    cannot unwind the capture kernel's own vmcore ("registers for CPU n
    were not saved"), unwinds every CPU: the triage's pcs (but a frame
    known from LR alone, which drgn cannot have), the crashing CPU's
    through the sysrq crash path.  Bookworm's drgn 0.0.22 must open
    it; its 6.12 frames are not checked (see drgn_threads.py)."""
    out = os.path.join(workdir, "drgn.vmcore")
    res, secs = run_tool([tool, "-q", run.trigger_path, "-o", out, "--for-drgn"],
                         os.path.join(workdir, "for-drgn.log"))
    if res.returncode != 0:
        problems.append(f"-o --for-drgn exited {res.returncode}: {res.stderr.strip()}")
        return
    ours = {c["cpu"]: [int(f["pc"], 16) for f in c["frames"]] for c in tri["cpus"]}
    try:
        vmlinux = os.path.join(run.cfg.guest_dir, "vmlinux")
        res, _ = gdb([f"file {vmlinux}", f"core-file {out}", "thread apply all p/x $pc"],
                     os.path.join(workdir, "gdb-for-drgn.log"))
        pcs = {int(lwp) - 1: int(pc, 16) for lwp, pc in
               re.findall(r"^Thread \d+ \(LWP (\d+)\):\n\$\d+ = 0x([0-9a-f]+)$", res.stdout, re.M)}
        want = {c: f[0] for c, f in ours.items() if f}
        if pcs != want:
            problems.append(f"gdb on the --for-drgn vmcore: threads (CPU: pc) "
                            f"{ {c: hex(p) for c, p in pcs.items()} }, the triage's "
                            f"{ {c: hex(p) for c, p in want.items()} }")
        else:
            say(f"gdb on the --for-drgn vmcore: {len(pcs)} threads, LWP n + 1 at CPU n's pc")
        if not run.cfg.kernel_has_dwarf:
            return
        d = drgn_threads.threads(out, vmlinux, os.path.join(workdir, "drgn-for-drgn.log"))
        if "error" in d:
            problems.append(f"drgn on the --for-drgn vmcore: {d['error']}")
            return
        version = drgn_threads.version_tuple(d["version"])
        if version < drgn_threads.CRASH_NOTES_VERSION:
            c = d["crashed"]
            say(f"drgn {d['version']} opens the --for-drgn vmcore (crashed thread: "
                f"{c.get('error') or 'tid %s, %d frames' % (c['tid'], len(c['frames']))}); "
                f"set FADUMP_DRGN_PATH to a drgn >= 0.0.27 to check its unwinding")
            return
        bad = drgn_threads.mismatches(tri["cpus"], d)
        if len(d["cpus"]) != len(ours):
            bad.append(f"drgn lists CPUs {sorted(d['cpus'])}, the triage {sorted(ours)}")
        path = ["crash_fadump", "panic", "sysrq_handle_crash"]
        names = drgn_threads.crashed_through(d, path)
        if names is None or d["cpus"].get(str(cpu), {}).get("pid") is None:
            bad.append(f"crashed thread {d['crashed']}: not through {' <- '.join(path)}")
        if bad:
            problems.append(f"drgn {d['version']} on the --for-drgn vmcore: {'; '.join(bad)}")
        else:
            say(f"drgn {d['version']} on the --for-drgn vmcore: every CPU's frames are the "
                f"triage's; crashed thread: {' <- '.join(names[:8])}")
        # the capture kernel's own vmcore, for the record
        d0 = drgn_threads.threads(run.vmcore_path, vmlinux, os.path.join(workdir, "drgn-vmcore.log"))
        say(f"drgn {d['version']} on the capture kernel's /proc/vmcore: crashed thread "
            f"{d0.get('crashed', d0)}")
    finally:
        x.remove_unless_kept(run.cfg, out)


CALL_TRACE_LINE = re.compile(r"^\[([0-9a-f]{16})\] \[([0-9a-f]{16})\] (\S+)")


def kernel_call_trace(records):
    """(sp, pc, symbol) of the Call Trace panic() printed (dump_stack()),
    beyond its panic+ (7.2: vpanic+) line: the frames it shares with the stack at
    crash_fadump(), which panic() calls later through its notifiers."""
    at = next((i for i, r in enumerate(records)
               if r["text"].startswith("Kernel panic - not syncing: ")), None)
    if at is None:
        return []
    at = next((i for i in range(at, len(records)) if records[i]["text"] == "Call Trace:"), None)
    trace = []
    for r in records[at + 1:] if at is not None else []:
        m = CALL_TRACE_LINE.match(r["text"])
        if not m:
            break
        trace.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    start = next((i for i, t in enumerate(trace) if t[2].split("+")[0] in PANIC_FUNCTIONS),
                 len(trace))
    return trace[start + 1:]


def backtrace_checks(tri, cpu, cpus, gdb_frames, dwarf, problems):
    bts = tri.get("cpus", [])
    if [c["cpu"] for c in bts] != [cpu] + [c for c in cpus if c != cpu] or \
            not bts[0]["crashing"]:
        problems.append(f"triage: backtraces for CPUs {[c['cpu'] for c in bts]}, "
                        f"expected {cpu} (crashing) first, then {cpus}")
        return
    for c in bts:
        names = [(f["symbol"] or f["pc"]).split("+")[0] for f in c["frames"]]
        say(f"triage: CPU {c['cpu']}{' (crashing)' if c['crashing'] else ''}"
            f"{' (idle)' if c['idle'] else ''}: {' <- '.join(names[:16])}; "
            f"end {c['end']}: {c['end_reason']}")
        if c["end"] not in ("base", "user"):
            problems.append(f"triage: CPU {c['cpu']}'s backtrace ended {c['end']}: "
                            f"{c['end_reason']}")
    ours = [(int(f["sp"], 16), int(f["pc"], 16), f["symbol"])
            for f in bts[0]["frames"] if f["kind"] in ("pc", "call")]
    names = [f[2].split("+")[0] for f in ours if f[2]]
    path = ["panic" if n in PANIC_FUNCTIONS else n for n in names]
    where = [path.index(f) if f in path else -1 for f in reversed(SYSRQ_PATH)]
    if -1 in where or where != sorted(where):
        problems.append(f"triage: CPU {cpu}'s backtrace lacks the sysrq crash path: {names}")
    # from panic() outwards the stack is the one dump_stack() walked
    trace = kernel_call_trace(tri["log"]["records"])
    shared = [f for f in ours if f in trace]
    if not trace or shared != trace:
        problems.append(f"triage: CPU {cpu}'s frames {ours[:20]} do not hold the log's "
                        f"Call Trace beyond panic {trace}")
    else:
        say(f"triage: CPU {cpu}'s backtrace holds the kernel's Call Trace beyond panic(), "
            f"{len(trace)} frames, [sp] [pc] symbol for [sp] [pc] symbol")
    # gdb (DWARF) names the same functions in the same order, inlined
    # ones besides
    if dwarf and gdb_frames:
        ours_in_gdb = [n for n in names if n in gdb_frames]
        pos = [gdb_frames.index(n) for n in ours_in_gdb]
        missing = [n for n in names[:len(gdb_frames)] if n not in gdb_frames]
        if pos != sorted(pos) or missing:
            problems.append(f"triage: CPU {cpu}'s functions {names} against gdb's {gdb_frames}: "
                            f"not in gdb {missing}")
        else:
            say(f"triage: CPU {cpu}'s {len(ours_in_gdb)} frames are gdb's, in order")


def system_map_symbol(guest_dir, addr):
    """"name+0xoff" of the last text symbol at or below addr in System.map."""
    best = None
    with open(os.path.join(guest_dir, "System.map")) as f:
        for line in f:
            value, kind, name = line.split()[:3]
            value = int(value, 16)
            if kind in "tTwW" and value <= addr and (best is None or value > best[0]):
                best = (value, name)
    return f"{best[1]}+0x{addr - best[0]:x}" if best else None


def gdb(args, log_path):
    """gdb-multiarch -batch with the guest's vmlinux; the frames of bt."""
    res, _ = run_tool(["gdb-multiarch", "-batch", "-nx", "-ex", "set pagination off"] +
                      [a for cmd in args for a in ("-ex", cmd)], log_path)
    return res, re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)", res.stdout, re.M)


def stack_core(core, note, path):
    """An ELF core of one CPU for gdb: its NT_PRSTATUS, and the memory
    around its stack pointer (from the vmcore)."""
    e = core.endian
    start = ((note.regs[1] - KERNEL_BASE) & ~(STACK_WINDOW - 1)) - STACK_WINDOW
    data = core.read_phys(start, 3 * STACK_WINDOW)
    desc = bytes(note.note.desc)
    notes = struct.pack(e + "III", 5, len(desc), 1) + b"CORE\0\0\0\0" + desc
    notes += bytes(-len(notes) % 4)
    ident = b"\x7fELF" + bytes([2, 1 if e == "<" else 2, 1]) + bytes(9)
    off_notes = 64 + 2 * 56
    off_load = off_notes + len(notes)
    with open(path, "wb") as f:
        f.write(ident + struct.pack(e + "HHIQQQIHHHHHH", 4, 21, 1, 0, 64, 0, core.e_flags,
                                    64, 56, 2, 0, 0, 0))
        f.write(struct.pack(e + "IIQQQQQQ", 4, 0, off_notes, 0, 0, len(notes), len(notes), 4))
        f.write(struct.pack(e + "IIQQQQQQ", 1, 7, off_load, KERNEL_BASE + start, start,
                            len(data), len(data), 0))
        f.write(notes + data)


def gdb_checks(run, rebuilt, note, index, cpu, workdir, problems):
    """gdb tells threads apart by pr_pid, 0 in every fadump note: on the
    whole vmcore it shows the first note's registers only.  So: the
    vmcore as is (the crashing CPU's note first: its frame), then a core of
    the crashing CPU alone (its note and stack, taken from the vmcore) for
    the backtrace."""
    vmlinux = os.path.join(run.cfg.guest_dir, "vmlinux")
    res, frames = gdb([f"file {vmlinux}", f"core-file {rebuilt}", "info threads"],
                      os.path.join(workdir, "gdb-vmcore.log"))
    if index == 0 and "crash_fadump" not in res.stdout:
        problems.append(f"gdb on the rebuilt vmcore: no crash_fadump frame for CPU {cpu}: "
                        f"{res.stdout.strip()[-300:]}")
    path = os.path.join(workdir, f"cpu{cpu}-stack.core")
    with elfcore.ElfCore(rebuilt) as core:
        stack_core(core, note, path)
    res, frames = gdb([f"file {vmlinux}", f"core-file {path}", "bt 40"],
                      os.path.join(workdir, "gdb-bt.log"))
    say(f"gdb-multiarch bt of CPU {cpu}: {' <- '.join(frames[:14])}")
    if not run.cfg.kernel_has_dwarf:
        # gdb's prologue analysis alone (no DWARF CFI: the 6.1 and 7.2
        # guests) stops a few frames up: the innermost frame is what it has
        if not frames or frames[0] != "crash_fadump":
            problems.append(f"gdb backtrace of CPU {cpu} (vmlinux without DWARF) does not start "
                            f"in crash_fadump: {frames[:20]} {res.stderr.strip()[:300]}")
        return frames
    where = [frames.index(f) if f in frames else -1 for f in reversed(SYSRQ_PATH)]
    if -1 in where or where != sorted(where):
        problems.append(f"gdb backtrace of CPU {cpu} lacks the sysrq crash path "
                        f"{' <- '.join(reversed(SYSRQ_PATH))}: {frames[:20]} "
                        f"{res.stderr.strip()[:300]}")
    return frames


def main():
    x.set_tag("extract-e2e")
    args = x.tool_arg(__doc__, kernel_option=True)
    if not args:
        return 2
    tool, kernel = args
    cfg = x.config("extract-e2e-work", OUR_BIG_FILES, kernel=kernel)
    if not cfg:
        return x.SKIP
    e2e.VM = CaptureDumpVM
    run = x.run_cycle(cfg)
    if not run:
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
            x.compare_rebuilt(rebuilt, run.vmcore_path, "rebuilt vmcore", problems)
            # 2b. crash triage, checked with vmcore-dmesg and gdb on the rebuilt vmcore
            triage_checks(tool, run, rebuilt, info, run.workdir, problems)

        # 3. --validate: the tool's own comparison, per segment and CPU
        x.validate(tool, run.vmcore_path, run.trigger_path,
                 os.path.join(run.workdir, "validate.log"), "trigger dump", problems)

        # 4. the same from the dump taken during the capture boot
        if CaptureDumpVM.capture_dump:
            x.validate(tool, run.vmcore_path, CaptureDumpVM.capture_dump,
                     os.path.join(run.workdir, "validate-capture.log"),
                     "capture-boot dump", problems)
            # found in the capture kernel's device tree, not by scanning all RAM
            res, secs = run_tool([tool, "--json", CaptureDumpVM.capture_dump],
                                 os.path.join(run.workdir, "capture-json.log"))
            reg = (json.loads(res.stdout or "{}").get("registration") or {}) \
                if res.returncode == 0 else {}
            # (or, scan-low, its ibm,kernel-dump value when 8-aligned: the
            # structure scan sees it first; under SLOF, say)
            if reg.get("origin") not in ("dt-memory", "scan-low") or \
                    reg.get("scanned_bytes", 1 << 62) > 256 << 20:
                problems.append(f"capture-boot dump: registration origin {reg.get('origin')}, "
                                f"{reg.get('scanned_bytes')} bytes scanned (exit {res.returncode}); "
                                f"want the capture kernel's device tree in the first 256 MiB")
            else:
                say(f"capture-boot dump: registration at {reg.get('address')} "
                    f"({reg.get('origin')}), {reg.get('scanned_bytes', 0) >> 20} MiB scanned, "
                    f"{secs:.2f}s")
        else:
            problems.append(f"no dump was taken during the capture boot: "
                            f"{CaptureDumpVM.capture_error or 'the harness never waited for vmcore-size'}")
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as err:
        problems.append(f"{type(err).__name__}: {err}")
    finally:
        x.remove_unless_kept(cfg, rebuilt)

    if not problems:
        x.remove_unless_kept(cfg, CaptureDumpVM.capture_dump)
    return x.finish(run, problems, "fadump-extract rebuilt the capture kernel's /proc/vmcore "
                    "byte for byte from the trigger dump and from the capture-boot dump")


if __name__ == "__main__":
    sys.exit(main())
