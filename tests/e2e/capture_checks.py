"""The checks on a fadump capture: one Run of the flow (fadump_e2e.py),
its vmcore (what the capture kernel exported as /proc/vmcore) against its
trigger dump (QEMU's own dump of the crashed guest).

``analyse(run)`` makes the seven checks and returns one :class:`Check`
each, keyed (a)-(g) in the report as in the README, and the
:class:`Facts` they learnt on the way (for the demo's summary):

  (a) check_core_notes: an ELF core with one NT_PRSTATUS per online CPU
      and one VMCOREINFO, as readelf sees it, and as elfcore.py reads it;
  (b) check_crash_cpu_in_crash_fadump: the crashing CPU (named alike by
      the guest, its panic report and QEMU) has its NIP in crash_fadump,
      by System.map and by gdb;
  (c) check_registers_match_qemu: every other CPU's registers equal to
      QEMU's notes, the crashing CPU's PACA and stack, and the platform's
      register save area in the trigger dump equal to QEMU's for all;
  (d) check_memory_identical: the vmcore's memory equals the trigger
      dump's page for page, boot memory and memory in place;
  (e) check_marker_in_memory: the guest's random marker in PT_LOAD data;
  (f) check_dump_sections_complete: query-fadump after the trigger shows
      every requested section dumped in full without error, and the
      capture kernel's fadump_region saw the same and accepted the dump;
  (g) check_guest_configuration: the firmware, CPUs, MMU, command line,
      reservation and CMA the case asks for.

Each check is a function (run, cores..., check, facts) that fills in
``check`` and may add to ``facts``; analyse() reports an exception in one
as that check's failure.  The helpers they use on text and bytes
(parse_regsave, capture_regions, Symbols...) need no VM and are unit
tested in test_harness.py and test_elfcore.py.  ``report()`` prints
checks, these and the flow's lifecycle checks.
"""

import bisect
import contextlib
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field

import elfcore
from elfcore import ElfCore, ElfCoreError
from fadump_e2e import Check, guest_append, size_bytes

TOOL_TIMEOUT = 300      # readelf, gdb

COMPARED_REGS = [f"gpr{i}" for i in range(32)] + ["nip", "msr", "ccr", "link", "ctr", "xer"]
MSR_PR = 1 << 14
KERNEL_BASE = 0xC000000000000000

# query-fadump / PAPR values
FADUMP_CPU_STATE, FADUMP_HPTE = 0x0001, 0x0002
STATUS_PERFORMED, STATUS_TRIGGERED, STATUS_ERROR = 0x8000, 0x4000, 0x2000


# ---------------------------------------------------------------------------
# System.map
class Symbols:
    """System.map: the kernel symbol at an address (text or any)."""

    def __init__(self, path, offset=0):
        self.path = path
        self.offset = offset   # KERNELOFFSET (relocation), 0 on ppc64 book3s
        text, every = [], []
        self.by_name = {}
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                try:
                    addr = int(parts[0], 16)
                except ValueError:
                    continue
                typ, name = parts[1], parts[2]
                self.by_name.setdefault(name, addr)
                if typ in "aAUN":
                    continue
                every.append((addr, name))
                if typ in "tTwW":
                    text.append((addr, name))
        text.sort()
        every.sort()
        self._text_addrs = [a for a, _ in text]
        self._text = text
        self._all_addrs = [a for a, _ in every]
        self._all = every
        self.stext = self.by_name.get("_stext", self.by_name.get("_text"))
        self.etext = self.by_name.get("_etext")
        self.end = self.by_name.get("_end")

    def lookup(self, addr, text_only=True):
        """(name, offset) of the symbol holding a kernel address, or None."""
        addr -= self.offset
        addrs, syms = (self._text_addrs, self._text) if text_only else (self._all_addrs, self._all)
        limit = self.etext if text_only else self.end
        if limit is not None and addr >= limit:
            return None
        if self.stext is not None and addr < self.stext:
            return None
        i = bisect.bisect_right(addrs, addr) - 1
        if i < 0:
            return None
        return syms[i][1], addr - syms[i][0]

    def describe(self, addr, msr=None):
        if msr is not None and msr & MSR_PR:
            return f"0x{addr:x} (user mode)"
        sym = self.lookup(addr)
        if sym is None:
            return f"0x{addr:x} (no kernel text symbol)"
        return f"0x{addr:x} {sym[0]}+0x{sym[1]:x}"

    def in_function(self, addr, name):
        sym = self.lookup(addr)
        return sym is not None and sym[0] == name


# ---------------------------------------------------------------------------
# the checks on a vmcore
def find_tool(*names):
    """The first of ``names`` on PATH, or None."""
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def run_tool(args, outfile):
    """Run a tool (readelf, gdb), keep its command and output in ``outfile``."""
    res = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    with open(outfile, "w") as f:
        f.write(f"$ {' '.join(shlex.quote(a) for a in args)}\n# exit {res.returncode}\n")
        f.write(res.stdout)
        if res.stderr:
            f.write("# stderr:\n" + res.stderr)
    return res


@dataclass
class Facts:
    """What analyse() learnt, for the demo's summary."""
    page_size: int = 65536
    boot_mem_top: int = 0
    cpu_notes: int = 0
    crash_cpu: int = None
    crash_nip: str = ""
    crash_lr: str = ""
    gdb_nip: str = ""
    gdb_bt: list = field(default_factory=list)
    per_cpu: list = field(default_factory=list)  # (cpu, nip desc, result)
    vmcoreinfo: dict = field(default_factory=dict)
    hptes_valid: int = 0


def analyse(run):
    """Make checks (a)-(g) on ``run``; returns (checks, facts)."""
    facts = Facts()
    checks = {k: Check(k, t) for k, t in (
        ("a", "vmcore is an ELF core with one NT_PRSTATUS per online CPU + VMCOREINFO (readelf)"),
        ("b", "crashing CPU's NIP is in crash_fadump (System.map, gdb)"),
        ("c", "every CPU's registers agree with QEMU's own dump at the trigger (vmcore notes, "
              "and the platform's register save area)"),
        ("d", "vmcore memory equals the trigger dump page for page"),
        ("e", "the random marker is in the vmcore's memory"),
        ("f", "QEMU's query-fadump after the trigger: every requested section dumped in full, no "
              "error; the capture kernel saw the same and accepted the dump"),
        ("g", "the guest ran in the configuration the case asks for"),
    )}
    cfg = run.cfg
    try:
        vmcore = ElfCore(run.vmcore_path)
    except (OSError, ElfCoreError) as err:
        for c in checks.values():
            c.summary = f"cannot read the vmcore: {err}"
        return list(checks.values()), facts
    try:
        trigger = ElfCore(run.trigger_path)
    except (OSError, ElfCoreError) as err:
        trigger = None
        trigger_err = f"cannot read the trigger dump {run.trigger_path}: {err}"
    with vmcore:
        try:
            check_core_notes(run, vmcore, checks["a"], facts)
        except Exception as err:  # noqa: BLE001 - report, don't crash the suite
            checks["a"].summary = f"internal error: {err!r}"
        symbols = None
        try:
            info = vmcore.vmcoreinfo() or {}
            facts.vmcoreinfo = info
            facts.page_size = int(info.get("PAGESIZE", "65536"))
            offset = int(info.get("KERNELOFFSET", "0"), 16)
            symbols = Symbols(cfg.system_map, offset)
        except (OSError, ValueError, ElfCoreError) as err:
            checks["b"].summary = f"cannot load symbols/VMCOREINFO: {err}"
        if symbols is not None:
            try:
                check_crash_cpu_in_crash_fadump(run, vmcore, symbols, checks["b"], facts)
            except Exception as err:  # noqa: BLE001
                checks["b"].summary = f"internal error: {err!r}"
        if trigger is None:
            for k in "cd":
                checks[k].summary = trigger_err
        with trigger or contextlib.nullcontext():
            if trigger is not None:
                for key, fn in (("c", check_registers_match_qemu), ("d", check_memory_identical)):
                    try:
                        fn(run, vmcore, trigger, symbols, checks[key], facts)
                    except Exception as err:  # noqa: BLE001
                        checks[key].summary = f"internal error: {err!r}"
            try:
                check_marker_in_memory(run, vmcore, checks["e"], facts)
            except Exception as err:  # noqa: BLE001
                checks["e"].summary = f"internal error: {err!r}"
            for key, fn in (("f", check_dump_sections_complete), ("g", check_guest_configuration)):
                try:
                    fn(run, trigger, checks[key], facts)
                except Exception as err:  # noqa: BLE001
                    checks[key].summary = f"internal error: {err!r}"
    return list(checks.values()), facts


def check_core_notes(run, vmcore, check, facts):
    """(a) An ELF core for PowerPC64 with one NT_PRSTATUS per online CPU,
    one VMCOREINFO and nothing else, by readelf; elfcore.py reads the same."""
    readelf = find_tool("readelf", "powerpc64le-linux-gnu-readelf")
    if readelf is None:
        check.summary = "readelf not found (install binutils-multiarch)"
        return
    hdr = run_tool([readelf, "-W", "-h", "-l", run.vmcore_path], os.path.join(run.workdir, "readelf-hl.txt"))
    notes = run_tool([readelf, "-W", "-n", run.vmcore_path], os.path.join(run.workdir, "readelf-n.txt"))
    problems = []
    if hdr.returncode != 0 or notes.returncode != 0:
        problems.append(f"readelf failed: {hdr.stderr.strip()} {notes.stderr.strip()}")
    if not re.search(r"Type:\s+CORE", hdr.stdout):
        problems.append("readelf -h: type is not CORE")
    if not re.search(r"Machine:\s+PowerPC64", hdr.stdout):
        problems.append("readelf -h: machine is not PowerPC64")
    rows = []
    for line in notes.stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+0x([0-9a-f]+)\s+(.*)$", line)
        if m and m.group(1) != "Owner":
            rows.append((m.group(1), int(m.group(2), 16), m.group(3).strip()))
    prstatus = [r for r in rows if r[0] == "CORE" and "NT_PRSTATUS" in r[2]]
    vmci = [r for r in rows if r[0] == "VMCOREINFO"]
    others = [r for r in rows if r not in prstatus and r not in vmci]
    facts.cpu_notes = len(prstatus)
    if len(prstatus) != run.guest_cpus:
        problems.append(f"{len(prstatus)} NT_PRSTATUS notes, expected {run.guest_cpus} (online CPUs)")
    if len(vmci) != 1:
        problems.append(f"{len(vmci)} VMCOREINFO notes, expected 1")
    if others:
        problems.append(f"unexpected notes: {others}")
    # Our reader must agree with readelf (it is used by every other check).
    ours = [(n.name, len(n.desc)) for n in vmcore.notes()]
    theirs = [(r[0], r[1]) for r in rows]
    if ours != theirs:
        problems.append(f"elfcore.py notes {ours} differ from readelf's {theirs}")
    if vmcore.e_type != elfcore.ET_CORE or vmcore.e_machine != elfcore.EM_PPC64:
        problems.append(f"e_type {vmcore.e_type} / e_machine {vmcore.e_machine}")
    loads = [p for p in vmcore.phdrs if p.type == elfcore.PT_LOAD]
    def short(desc):  # "NT_PRSTATUS (prstatus structure)" -> "NT_PRSTATUS"
        m = re.match(r"Unknown note type: \((0x[0-9a-f]+)\)", desc)
        return f"type {m.group(1)}" if m else desc.split(" (")[0]

    check.details.append(f"{len(rows)} notes (readelf -n): "
                         + ", ".join(f"{o} {short(d)}" for o, _, d in rows))
    check.details.append("PT_LOADs: " + ", ".join(
        f"[0x{p.paddr:x}, 0x{p.paddr + p.memsz:x})" for p in loads))
    check.ok = not problems
    check.summary = (f"{len(prstatus)} NT_PRSTATUS + {len(vmci)} VMCOREINFO, {len(loads)} PT_LOADs"
                     if check.ok else "; ".join(problems))


def gdb_resolve(run, nip, lr, crash_index):
    """gdb on vmlinux and the vmcore: (its `info symbol` of the NIP, of
    the LR, the backtrace lines); (None, why, []) without gdb."""
    gdb = find_tool("gdb-multiarch", "gdb")
    if gdb is None:
        return None, "gdb-multiarch not found", []
    vmlinux = run.cfg.kernel
    args = [gdb, "-batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", "echo @@NIP\\n", "-ex", f"info symbol 0x{nip:x}",
            "-ex", "echo @@LR\\n", "-ex", f"info symbol 0x{lr:x}",
            "-ex", "echo @@CORE\\n", "-ex", f"core-file {run.vmcore_path}",
            "-ex", "echo @@THREADS\\n", "-ex", "info threads",
            # All notes have pr_pid 0, so gdb shows one thread: the first note's.
            "-ex", "echo @@BT\\n", "-ex", "thread apply all bt 12", vmlinux]
    res = run_tool(args, os.path.join(run.workdir, "gdb.txt"))
    sections, cur = {}, None
    for line in res.stdout.splitlines():
        if line.startswith("@@"):
            cur = line[2:]
            sections[cur] = []
        elif cur:
            sections[cur].append(line)
    nip_line = " ".join(sections.get("NIP", [])).strip()
    bt = [l for l in sections.get("BT", []) if l.startswith("#")]
    return nip_line, " ".join(sections.get("LR", [])).strip(), bt


def check_crash_cpu_in_crash_fadump(run, vmcore, symbols, check, facts):
    """(b) The crashing CPU, named alike by the guest, its panic report
    and QEMU's FADUMP_TRIGGERED, is the one note whose NIP is in
    crash_fadump, by System.map and by gdb (and gdb's frame #0 is there
    when it is the first note)."""
    notes = vmcore.prstatus()
    if not notes:
        check.summary = "no NT_PRSTATUS notes"
        return
    in_cf = [i for i, n in enumerate(notes) if symbols.in_function(n.nip, "crash_fadump")]
    m = None
    for m in re.finditer(r"CPU: (\d+) (?:UID: \d+ )?PID: \d+", run.first_console):
        pass
    run.crash_cpu_console = int(m.group(1)) if m else None
    # The guest pins its crashing shell to one CPU and says which; the
    # kernel's panic report names it too.  Both must agree.
    qemu_cpu = (run.fadump_triggered or {}).get("cpu-index")
    named = {n for n in (run.crash_cpu_guest, run.crash_cpu_console, qemu_cpu) if n is not None}
    problems = []
    if len(named) > 1:
        problems.append(f"the crashing CPU is ambiguous: guest crashing-cpu={run.crash_cpu_guest}, "
                        f"panic report CPU {run.crash_cpu_console}, QEMU FADUMP_TRIGGERED "
                        f"cpu-index {qemu_cpu}")
    console_cpu = run.crash_cpu_console if run.crash_cpu_console is not None else run.crash_cpu_guest
    for i, n in enumerate(notes):
        check.details.append(f"note {i}: NIP {symbols.describe(n.nip, n['msr'])}, "
                             f"LR {symbols.describe(n.link, n['msr'])}")
    if console_cpu is not None:
        crash = console_cpu
        if crash >= len(notes):
            problems.append(f"the console names CPU {crash} as crashing, but there are only {len(notes)} notes")
            crash = None
        elif crash not in in_cf:
            problems.append(f"CPU {crash} crashed (console 'CPU: {crash} ... PID:'), but its note's NIP is "
                            f"{symbols.describe(notes[crash].nip)}, not in crash_fadump")
    else:
        check.details.append("the console does not name the crashing CPU; using the note in crash_fadump")
        crash = in_cf[0] if len(in_cf) == 1 else None
    if len(in_cf) != 1:
        problems.append(f"{len(in_cf)} notes have their NIP in crash_fadump (notes {in_cf}), expected exactly 1")
    facts.crash_cpu = crash
    if crash is None:
        check.summary = "; ".join(problems) or "cannot tell the crashing CPU"
        return
    note = notes[crash]
    facts.crash_nip = symbols.describe(note.nip)
    facts.crash_lr = symbols.describe(note.link)
    gdb_nip, gdb_lr, bt = gdb_resolve(run, note.nip, note.link, crash)
    facts.gdb_nip, facts.gdb_bt = gdb_nip, bt
    check.details.append(f"gdb: info symbol NIP -> {gdb_nip!r}; LR -> {gdb_lr!r}")
    if bt:
        check.details.append("gdb backtrace (the first note's CPU): " + " | ".join(
            re.sub(r"\s+", " ", l.strip()) for l in bt[:8]))
    if gdb_nip is None:
        problems.append(gdb_lr)
    else:
        if not re.match(r"crash_fadump( \+ \d+)? in section", gdb_nip):
            problems.append(f"gdb resolves the NIP to {gdb_nip!r}, not crash_fadump")
        if crash == 0:
            # gdb reads the first note itself: its frame #0 must be there too.
            m = re.match(r"#0\s+(?:0x[0-9a-f]+ in )?(\w+)", bt[0]) if bt else None
            if not m or m.group(1) != "crash_fadump":
                problems.append(f"gdb's backtrace from the vmcore starts at "
                                f"{bt[0].strip() if bt else 'nothing'!r}, not crash_fadump")
    check.ok = not problems
    check.summary = (f"CPU {crash}: NIP {facts.crash_nip}, LR {facts.crash_lr}; gdb agrees"
                     if check.ok else "; ".join(problems))


def qemu_notes_by_cpu(trigger):
    """{cpu: QEMU's NT_PRSTATUS} and how they were mapped (pr_pid - 1 when
    the pids are distinct and set, else the note order)."""
    notes = trigger.prstatus()
    pids = [n.pid for n in notes]
    if all(pids) and len(set(pids)) == len(pids):
        return {n.pid - 1: n for n in notes}, "pr_pid - 1"
    return dict(enumerate(notes)), "note order"


REGSAVE_NAMES = {b"NIA": "nip", b"MSR": "msr", b"CR": "ccr", b"LR": "link", b"CTR": "ctr",
                 b"XER": "xer"}


def parse_regsave(data):
    """The platform's register save area (PAPR CPU state data, big-endian):
    {cpu id: {register name: value}} for the registers of COMPARED_REGS."""
    if data[:8] != b"REGSAVE\0":
        raise ValueError(f"no REGSAVE magic (found {data[:8]!r})")
    count_off = struct.unpack_from(">I", data, 12)[0]
    if count_off + 4 > len(data):
        raise ValueError(f"CPU count offset 0x{count_off:x} is beyond the area")
    ncpus = struct.unpack_from(">I", data, count_off)[0]
    pos, cpus = count_off + 4, {}
    for _ in range(ncpus):
        if pos + 16 > len(data):
            raise ValueError(f"{len(cpus)} of {ncpus} CPU lists before the end of the area")
        rid, val = struct.unpack_from(">8sQ", data, pos)
        pos += 16
        if rid.rstrip(b"\0") != b"CPUSTRT":
            raise ValueError(f"{rid!r} at 0x{pos - 16:x} where a CPUSTRT should be")
        regs = {}
        while True:
            if pos + 16 > len(data):
                raise ValueError(f"CPU list {len(cpus)} has no CPUEND")
            rid, value = struct.unpack_from(">8sQ", data, pos)
            pos += 16
            name = rid.rstrip(b"\0")
            if name == b"CPUEND":
                break
            if name.startswith(b"GPR") and name[3:].isdigit() and int(name[3:]) < 32:
                regs[f"gpr{int(name[3:])}"] = value
            elif name in REGSAVE_NAMES:
                regs[REGSAVE_NAMES[name]] = value
        cpus[val & 0xFFFFFFFF] = regs
    return cpus


def single_section(info, typ):
    """The one section of ``typ`` in query-fadump ``info``, or None."""
    secs = [s for s in (info or {}).get("sections", []) if s.get("type") == typ]
    return secs[0] if len(secs) == 1 else None


def cpu_state_area(run):
    """(address, length) of the CPU state data destination, from
    query-fadump or the capture kernel's fadump_region."""
    sec = single_section(run.fadump_info, FADUMP_CPU_STATE)
    if sec:
        return sec["destination"], sec["length"], "query-fadump"
    m = re.search(r"fadump-region: CPU :\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]", run.capture_console)
    if m:
        return int(m.group(1), 16), int(m.group(2), 16) - int(m.group(1), 16) + 1, "fadump_region"
    return None, None, None


def thread_shift(run):
    """log2 of the kernel stack size (CONFIG_THREAD_SHIFT, default 14)."""
    try:
        with open(os.path.join(run.cfg.guest_dir, "config")) as f:
            m = re.search(r"^CONFIG_THREAD_SHIFT=(\d+)", f.read(), re.M)
        return int(m.group(1)) if m else 14
    except OSError:
        return 14


def check_registers_match_qemu(run, vmcore, trigger, symbols, check, facts):
    """(c) Registers of every CPU against QEMU's own dump at the trigger:
    - the vmcore's note of every CPU but the crashing one (built by the
      capture kernel from the platform's register save area): all of
      COMPARED_REGS equal;
    - the crashing CPU's note holds what its kernel saved in crash_fadump
      (check b), just before it entered RTAS: its r13 (the PACA) equals
      QEMU's and its r1 is on the same kernel stack as QEMU's;
    - the platform's register save area itself, read from the trigger dump
      (it is not exported in the vmcore): every CPU, crashing one included,
      equal to QEMU's notes."""
    ours = vmcore.prstatus()
    qemu, how = qemu_notes_by_cpu(trigger)
    crash = facts.crash_cpu
    if crash is None:
        check.details.append("crashing CPU unknown: comparing every CPU in full")
    check.details.append(f"QEMU notes mapped to CPUs by {how}; vmcore note i = CPU i (all CPUs online)")
    problems, compared = [], 0

    def diff_regs(a, b, what):
        return [f"{r}: {what} 0x{a[r]:x} != QEMU 0x{b[r]:x}" for r in COMPARED_REGS if a[r] != b[r]]

    shift = thread_shift(run)
    for cpu, note in enumerate(ours):
        desc = symbols.describe(note.nip, note["msr"]) if symbols else f"0x{note.nip:x}"
        ref = qemu.get(cpu)
        if ref is None:
            problems.append(f"CPU {cpu}: no NT_PRSTATUS for it in the trigger dump")
            facts.per_cpu.append((cpu, desc, "no QEMU note"))
            continue
        compared += 1
        if cpu == crash:
            bad = []
            if note["gpr13"] != ref["gpr13"]:
                bad.append(f"r13 (PACA) vmcore 0x{note['gpr13']:x} != QEMU 0x{ref['gpr13']:x}")
            # crash_fadump called into RTAS: QEMU's r1 is deeper on that stack.
            if note["gpr1"] >> shift != ref["gpr1"] >> shift or ref["gpr1"] > note["gpr1"]:
                bad.append(f"r1 vmcore 0x{note['gpr1']:x}, QEMU 0x{ref['gpr1']:x}: QEMU's is not "
                           f"deeper on the same {1 << shift}-byte kernel stack")
            if bad:
                problems.append(f"crashing CPU {cpu}: " + "; ".join(bad))
                facts.per_cpu.append((cpu, desc, "crashing CPU: r13/r1 DIFFER from QEMU's"))
            else:
                facts.per_cpu.append((cpu, desc, "crashing CPU: kernel-saved registers, same r13, "
                                      "QEMU's r1 deeper on the same kernel stack"))
            check.details.append(f"crashing CPU {cpu}: r13 vmcore 0x{note['gpr13']:x} / QEMU "
                                 f"0x{ref['gpr13']:x}; r1 vmcore 0x{note['gpr1']:x} / QEMU "
                                 f"0x{ref['gpr1']:x}; QEMU's NIP 0x{ref.nip:x}")
            continue
        diff = diff_regs(note, ref, "vmcore")
        if diff:
            problems.append(f"CPU {cpu}: {len(diff)} of {len(COMPARED_REGS)} registers differ: "
                            + "; ".join(diff[:8]) + (" ..." if len(diff) > 8 else ""))
            facts.per_cpu.append((cpu, desc, f"{len(diff)} registers DIFFER"))
        else:
            facts.per_cpu.append((cpu, desc, f"all {len(COMPARED_REGS)} registers equal"))
    if compared == 0 and not problems:
        problems.append("no CPU to compare")
    check.details += [f"CPU {c}: NIP {d}: {r}" for c, d, r in facts.per_cpu]

    # The platform's register save area, as preserved in guest memory.
    addr, length, source = cpu_state_area(run)
    saved = {}
    if addr is None:
        problems.append("the CPU state data's address is unknown (no query-fadump, no fadump_region)")
    else:
        try:
            saved = parse_regsave(trigger.read_phys(addr, length))
        except (ValueError, ElfCoreError, struct.error) as err:
            problems.append(f"register save area at 0x{addr:x} (from {source}) in the trigger dump: {err}")
    if saved:
        if sorted(saved) != sorted(qemu):
            problems.append(f"register save area has CPUs {sorted(saved)}, QEMU's dump "
                            f"{sorted(qemu)}")
        bad = []
        for cpu in sorted(saved):
            ref = qemu.get(cpu)
            if ref is None:
                continue
            regs = saved[cpu]
            missing = [r for r in COMPARED_REGS if r not in regs]
            if missing:
                bad.append(f"CPU {cpu}: register save area lacks {missing}")
                continue
            diff = [f"{r}: saved 0x{regs[r]:x} != QEMU 0x{ref[r]:x}" for r in COMPARED_REGS
                    if regs[r] != ref[r]]
            if diff:
                bad.append(f"CPU {cpu}: {len(diff)} registers differ in the register save area: "
                           + "; ".join(diff[:6]))
        problems += bad
        check.details.append(f"register save area at 0x{addr:x} ({source}): {len(saved)} CPUs, "
                             + ("all equal to QEMU's notes" if not bad else f"{len(bad)} differ"))
    check.ok = not problems
    others = compared - (1 if crash is not None and crash in qemu else 0)
    check.summary = (f"{others} non-crashing CPU(s) x {len(COMPARED_REGS)} registers equal; crashing "
                     f"CPU: same r13, same kernel stack; register save area of all {len(saved)} "
                     f"CPU(s) equal to QEMU's"
                     if check.ok else "; ".join(problems))


def boot_mem_top(run):
    """(end of boot memory, where it comes from): the capture kernel's
    reservation message, else crashkernel=."""
    m = re.search(r"Reserving (\d+)MB of memory at (0x[0-9a-fA-F]+|\d+) for preserving crash data",
                  run.capture_console)
    if m:
        return int(m.group(2), 0), "capture kernel's 'Reserving ... for preserving crash data'"
    return size_bytes(run.cfg.crashkernel), f"crashkernel={run.cfg.crashkernel}"


CHUNK = 16 << 20

def _diff_bytes(a, b):
    return [i for i in range(len(a)) if a[i] != b[i]]


def compare_range(vmcore, trigger, start, end, page, diffs):
    """Compare [start, end) of both cores.  Appends (page address, detail)
    to ``diffs`` for differing pages; returns the number of pages.  Nothing
    is tolerated: the platform preserves memory exactly as it was when the
    dump was taken (QEMU takes it once the crashing vCPU has left the guest,
    after TCG's VPA dispatch-counter update)."""
    pos = start
    while pos < end:
        nxt = min(end, (pos // CHUNK + 1) * CHUNK)
        a = vmcore.read_phys(pos, nxt - pos)
        b = trigger.read_phys(pos, nxt - pos)
        if a != b:
            p = pos
            while p < nxt:
                q = min(nxt, (p // page + 1) * page)
                pa, pb = a[p - pos:q - pos], b[p - pos:q - pos]
                if pa != pb:
                    offs = _diff_bytes(pa, pb)
                    first = offs[0]
                    diffs.append((p - p % page,
                                  f"{len(offs)} bytes differ, first at 0x{p + first:x}: "
                                  f"vmcore {pa[first:first + 8].hex()} vs trigger "
                                  f"{pb[first:first + 8].hex()}"))
                p = q
        pos = nxt
    first = start - start % page
    return (end - first + page - 1) // page


def check_memory_identical(run, vmcore, trigger, symbols, check, facts):
    """(d) Every page of every PT_LOAD of the vmcore equals the trigger
    dump's: boot memory (from the preserved copy) covered in full, memory
    above the reserved area (in place) present; the differing pages named."""
    page = facts.page_size
    top, source = boot_mem_top(run)
    facts.boot_mem_top = top
    check.details.append(f"boot memory [0, 0x{top:x}) from {source}; page size {page}")
    problems = []
    boot_pages = upper_pages = 0
    boot_diffs, upper_diffs = [], []
    boot_bytes = 0
    for ph in vmcore.loads:
        start, end = ph.paddr, ph.paddr + ph.memsz
        if trigger.load_for(start) is None:
            problems.append(f"vmcore PT_LOAD [0x{start:x}, 0x{end:x}) is not in the trigger dump")
            continue
        if start < top:
            e = min(end, top)
            boot_pages += compare_range(vmcore, trigger, start, e, page, boot_diffs)
            boot_bytes += e - start
        if end > top:
            s = max(start, top)
            upper_pages += compare_range(vmcore, trigger, s, end, page, upper_diffs)
    if boot_bytes != top:
        problems.append(f"the vmcore covers 0x{boot_bytes:x} bytes of boot memory, expected 0x{top:x}")
    if upper_pages == 0:
        problems.append("the vmcore has no memory above boot memory")

    def where(addr):
        sym = symbols.lookup(KERNEL_BASE + addr, text_only=False) if symbols else None
        return f"0x{addr:x}" + (f" ({sym[0]}+0x{sym[1]:x})" if sym else "")

    for name, diffs, total in (("boot memory (from the preserved copy)", boot_diffs, boot_pages),
                               ("memory above the reserved area (in place)", upper_diffs, upper_pages)):
        msg = f"{name}: {len(diffs)} of {total} pages differ"
        if diffs:
            msg += "; first: " + ", ".join(where(a) for a, _ in diffs[:6])
            problems.append(msg)
        check.details.append(msg)
        check.details += [f"  page {where(a)}: {d}" for a, d in diffs[:6]]
    check.ok = not problems
    check.summary = (f"{boot_pages} boot-memory pages and {upper_pages} in-place pages identical"
                     if check.ok else "; ".join(problems))


def check_marker_in_memory(run, vmcore, check, facts):
    """(e) The guest's random marker is in the vmcore's PT_LOAD data."""
    # The guest's tmpfs file repeats "FADUMPTEST-MARKER <marker>", a form
    # that is not on the kernel command line (which is in RAM too).
    needle = f"FADUMPTEST-MARKER {run.marker}\n".encode()
    hits = list(vmcore.find(needle))
    in_load = []
    for off in hits:
        ph, paddr = vmcore.offset_to_paddr(off)
        if ph is not None:
            in_load.append(paddr)
    top = facts.boot_mem_top or size_bytes(run.cfg.crashkernel)
    low = [p for p in in_load if p < top]
    check.details.append(f"{len(hits)} occurrences in the file, {len(in_load)} in PT_LOAD data "
                         f"({len(low)} in boot memory); first at "
                         + ", ".join(f"0x{p:x}" for p in in_load[:6]))
    check.ok = bool(in_load)
    text = needle.decode().strip()
    check.summary = (f"'{text}' found {len(in_load)} times in PT_LOAD data"
                     if check.ok else f"'{text}' not found in PT_LOAD data "
                     f"({len(hits)} occurrences elsewhere in the file)")


REGION_RE = {
    FADUMP_CPU_STATE: re.compile(r"fadump-region: CPU :\[(0x[0-9a-f]+)-0x[0-9a-f]+\] (0x[0-9a-f]+) bytes, "
                                 r"Dumped: (0x[0-9a-f]+)"),
    FADUMP_HPTE: re.compile(r"fadump-region: HPTE:\[(0x[0-9a-f]+)-0x[0-9a-f]+\] (0x[0-9a-f]+) bytes, "
                            r"Dumped: (0x[0-9a-f]+)"),
    0x11: re.compile(r"fadump-region: DUMP: Src: (0x[0-9a-f]+), Dest: (0x[0-9a-f]+), "
                     r"Size: (0x[0-9a-f]+), Dumped: (0x[0-9a-f]+) bytes"),
}
# The first kernel's CMA area: "Initialized 0x... bytes cma area" up to
# 6.12, "Initialized [0x..., NMB] cma area" in 7.2.
CMA_AREA_RE = re.compile(r"fadump: Initialized (?:\S+ bytes|\[[^\]]*\]) cma area")
REJECTED_RE = re.compile(r"Dump taken by platform is incomplete|Unable to read|can't process the dump|"
                         r"header is corrupted|size mismatch|Endianness mismatch|Crash info header is "
                         r"not valid|Failed to process|Unknown region", re.I)


def capture_regions(text):
    """The capture kernel's fadump_region lines: [(type, src, dest, len, dumped)]."""
    out = []
    for line in text.splitlines():
        for typ, rx in REGION_RE.items():
            m = rx.search(line)
            if not m:
                continue
            v = [int(g, 16) for g in m.groups()]
            out.append((typ, v[0], v[1], v[2], v[3]) if typ == 0x11 else (typ, 0, v[0], v[1], v[2]))
    return out


def check_dump_sections_complete(run, trigger, check, facts):
    """(f) query-fadump after the trigger: dump-active, performed and
    triggered without error, every requested section dumped in full, the
    HPTE section as the MMU needs it (valid HPTEs preserved with hash);
    FADUMP_TRIGGERED agrees; the capture kernel's fadump_region shows the
    same sections and it accepted the dump."""
    cfg, info, problems = run.cfg, run.fadump_info, []
    if info is None:
        check.summary = "no query-fadump after the trigger (a QEMU without it?)"
        return
    flags = info.get("status-flags", 0)
    check.details.append(f"query-fadump: {info.get('state')}, status-flags 0x{flags:04x}")
    if info.get("state") != "dump-active":
        problems.append(f"state {info.get('state')!r}, expected dump-active")
    if flags & (STATUS_PERFORMED | STATUS_TRIGGERED) != STATUS_PERFORMED | STATUS_TRIGGERED or \
            flags & STATUS_ERROR:
        problems.append(f"status-flags 0x{flags:04x}, expected 0x{STATUS_PERFORMED | STATUS_TRIGGERED:04x} "
                        f"(performed, triggered, no error)")
    sections = info.get("sections", [])
    for i, sec in enumerate(sections):
        check.details.append(f"section {i}: type 0x{sec['type']:x} 0x{sec['source']:x} -> "
                             f"0x{sec['destination']:x} length 0x{sec['length']:x} dumped "
                             f"0x{sec['bytes-dumped']:x} errors 0x{sec['error-flags']:x}")
        if sec.get("requested") and (sec["bytes-dumped"] != sec["length"] or sec["error-flags"]):
            problems.append(f"section {i} (type 0x{sec['type']:x}): bytes-dumped 0x{sec['bytes-dumped']:x} "
                            f"of 0x{sec['length']:x}, error-flags 0x{sec['error-flags']:x}")
    hpte = single_section(info, FADUMP_HPTE)
    if hpte is None:
        problems.append("no (single) HPTE section registered")
    elif cfg.mmu == "hash":
        if hpte["length"] == 0:
            problems.append("hash MMU, but the HPTE section is empty (the platform advertised size 0)")
        elif trigger is not None and not hpte["error-flags"]:
            data = trigger.read_phys(hpte["destination"], hpte["length"])
            valid = sum(1 for v, _ in struct.iter_unpack(">QQ", data) if v & 1)
            check.details.append(f"preserved hash page table: {hpte['length'] // 16} HPTEs, {valid} valid")
            facts.hptes_valid = valid
            if not valid:
                problems.append(f"the preserved hash page table at 0x{hpte['destination']:x} has no "
                                f"valid HPTE")
    elif hpte["length"]:
        problems.append(f"radix MMU, but the HPTE section is 0x{hpte['length']:x} bytes (expected 0)")
    trig = run.fadump_triggered
    if trig is None:
        problems.append("no FADUMP_TRIGGERED event")
    elif trig.get("status-flags") != flags:
        problems.append(f"FADUMP_TRIGGERED status-flags 0x{trig.get('status-flags', 0):x} != query-fadump's")
    # The capture kernel's view of the same structure (ibm,kernel-dump).
    # Up to a re-registration, which prints the new registration's regions.
    header = run.capture_console.split("FADUMP-TEST: released\n")[0]
    regions = capture_regions(header)
    ours = sorted((s["type"], s["source"] if s["type"] == 0x11 else 0, s["destination"], s["length"],
                   s["bytes-dumped"]) for s in sections if s["type"] in REGION_RE)
    if sorted(regions) != ours:
        problems.append(f"the capture kernel's fadump_region {sorted(regions)} differs from "
                        f"query-fadump's sections {ours}")
    else:
        check.details.append(f"the capture kernel's fadump_region shows the same {len(regions)} sections "
                             f"and bytes dumped")
    rejected = sorted({m.group(0) for m in REJECTED_RE.finditer(run.capture_console)})
    if rejected:
        problems.append(f"the capture kernel complains: {rejected}")
    if not re.search(r"for preserving crash data", run.capture_console):
        problems.append("the capture kernel did not take the dump ('... for preserving crash data')")
    check.ok = not problems
    check.summary = (f"dump-active 0x{flags:04x}, {len(sections)} sections dumped in full"
                     + (f" (HPTE 0x{hpte['length']:x} bytes)" if hpte and hpte["length"] else "")
                     + "; the capture kernel agrees and accepted it"
                     if check.ok else "; ".join(problems))


def check_guest_configuration(run, trigger, check, facts):
    """(g) The guest ran as the case asks: firmware (SLOF banner or not),
    CPUs, MMU, kernel command line; for a first kernel its reservation
    (System RAM, boot memory of crashkernel= size, CMA or not)."""
    cfg, text, problems = run.cfg, run.first_console, []
    # Firmware: SLOF prints its banner, VOF prints nothing.
    slof = bool(re.search(r"\bSLOF\b", text))
    check.details.append(f"firmware: {'SLOF banner' if slof else 'no SLOF banner'} on the console")
    if slof != (cfg.firmware == "slof"):
        problems.append(f"firmware {cfg.firmware}, but the console {'has' if slof else 'lacks'} SLOF's banner")
    if run.guest_cpus != cfg.smp:
        problems.append(f"{run.guest_cpus} online CPUs, expected {cfg.smp}")
    # The kernel's early messages come from radix-mmu.c or hash_utils.c.
    mmus = sorted({m.group(1) for m in re.finditer(r"^\[[^\]]*\] (radix|hash)-mmu: ", text, re.M)})
    check.details.append(f"MMU: kernel messages from {' and '.join(f'{m}-mmu' for m in mmus) or 'neither MMU'}")
    if mmus != [cfg.mmu]:
        problems.append(f"the kernel's MMU messages come from {mmus or 'no MMU'}, expected {cfg.mmu} only")
    cmdline = re.search(r"Kernel command line: ([^\n]*)", text)
    words = cmdline.group(1).split() if cmdline else []
    # A crash of a capture kernel writes "<marker>-c<n>": the command line
    # has the first boot's marker.
    want = guest_append(cfg, re.sub(r"-c\d+$", "", run.marker)).split()
    missing = [w for w in want if w not in words]
    if missing:
        problems.append(f"the kernel command line lacks {missing}")
    if run.index == 1:
        # The first kernel's registration: boot memory of crashkernel= size
        # (its fadump_region DUMP lines), System RAM of -m, CMA or not.
        m = re.search(r"fadump: Reserved (\d+)MB of memory at \S+ \(System RAM: (\d+)MB\)", text)
        last_boot = text[max(0, text.rfind("FADUMP-TEST: boot=first")):]
        boot = sum(r[3] for r in capture_regions(last_boot) if r[0] == 0x11)
        cma = CMA_AREA_RE.search(text)
        check.details.append(f"reservation: {m.group(0) if m else '(none)'}; boot memory 0x{boot:x}; "
                             f"{'CMA area' if cma else 'no CMA area'}")
        if not m or int(m.group(2)) << 20 != size_bytes(cfg.mem):
            problems.append(f"expected 'System RAM: {size_bytes(cfg.mem) >> 20}MB', got "
                            f"{m.group(0) if m else 'nothing'}")
        if boot != size_bytes(cfg.crashkernel):
            problems.append(f"boot memory registered: 0x{boot:x} bytes, expected crashkernel="
                            f"{cfg.crashkernel}")
        if bool(cma) != (cfg.fadump_mode == "on"):
            problems.append(f"fadump={cfg.fadump_mode}, but the kernel "
                            f"{'made' if cma else 'did not make'} a CMA area")
    else:
        check.details.append("a capture kernel that registered again: no reservation message to check")
    check.ok = not problems
    check.summary = (f"{cfg.firmware.upper()}, {run.guest_cpus} CPUs, {cfg.mmu} MMU, fadump={cfg.fadump_mode}, "
                     f"crashkernel={cfg.crashkernel} of {cfg.mem}" if check.ok else "; ".join(problems))


def report(checks, out=sys.stdout):
    """Print checks (PASS/FAIL, summary, details); True if all passed."""
    for c in checks:
        status = "PASS" if c.ok else "FAIL"
        print(f"[{status}] ({c.key}) {c.title}", file=out)
        print(f"       {c.summary}", file=out)
        for d in c.details:
            print(f"         - {d}", file=out)
    passed = sum(c.ok for c in checks)
    print(f"e2e: {passed} passed, {len(checks) - passed} failed", file=out)
    failed = [f"({c.key})" for c in checks if not c.ok]
    if failed:
        print(f"FAILED assertions: {' '.join(failed)}", file=out)
    return not failed
