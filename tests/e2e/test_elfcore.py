#!/usr/bin/python3
"""Unit tests for elfcore.py and qmp.py, and for capture_checks.analyse()
on made-up cores.

The ELF cores are generated here, in both byte orders and in the layouts
QEMU (section headers first, >= 7.2; PN_XNUM) and Linux (/proc/vmcore)
write, and every parse is cross-checked against binutils' readelf.
"""

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import elfcore  # noqa: E402
from capture_checks import KERNEL_BASE  # noqa: E402
from qmp import QMPClient, QMPCommandError, QMPError, QMPTimeout  # noqa: E402


def find_readelf():
    for name in ("powerpc64le-linux-gnu-readelf", "readelf"):
        path = shutil.which(name)
        if path:
            return path
    return None


READELF = find_readelf()


# -- an independent little ELF core writer ------------------------------------
def note_bytes(e, name, ntype, desc, align=4):
    nb = name.encode() + b"\0" if name else b""
    pad = lambda b: b + bytes((-len(b)) % align)
    return struct.pack(e + "III", len(nb), len(desc), ntype) + pad(nb) + pad(desc)


def prstatus_desc(e, pid, regs):
    desc = bytearray(504)
    struct.pack_into(e + "i", desc, 32, pid)
    struct.pack_into(e + "48Q", desc, 112, *regs)
    return bytes(desc)


def build_core(path, *, endian="<", notes, loads, sections_first=False,
               extra_phdrs=0, note_align_field=0, machine=elfcore.EM_PPC64,
               vaddr_base=0):
    """Write an ELF64 core.

    notes: list of (name, type, desc); loads: list of (paddr, data, memsz).
    sections_first puts a section header table (null + .shstrtab) right
    after the ELF header, as QEMU >= 7.2 does.  extra_phdrs adds PT_NULL
    program headers (to reach PN_XNUM).
    """
    e = endian
    note_blob = b"".join(note_bytes(e, n, t, d) for n, t, d in notes)
    nphdr = 1 + len(loads) + extra_phdrs
    use_xnum = nphdr >= elfcore.PN_XNUM
    need_sections = sections_first or use_xnum
    shstrtab = b"\0.shstrtab\0"
    shnum = 2 if need_sections else 0
    if sections_first:
        shoff = 64
        phoff = shoff + shnum * 64
    else:
        phoff = 64
        shoff = phoff + nphdr * 56 if need_sections else 0
    pos = max(phoff + nphdr * 56, shoff + shnum * 64 if need_sections else 0)
    note_off = pos
    pos += len(note_blob)
    pos = (pos + 0xFFF) & ~0xFFF
    load_offs = []
    for paddr, data, memsz in loads:
        load_offs.append(pos)
        pos += len(data)
    strtab_off = pos
    pos += len(shstrtab) if need_sections else 0

    out = bytearray(pos)
    ident = b"\x7fELF" + bytes([2, 1 if e == "<" else 2, 1, 0]) + bytes(8)
    out[0:16] = ident
    struct.pack_into(e + "HHIQQQIHHHHHH", out, 16, elfcore.ET_CORE, machine, 1, 0,
                     phoff, shoff, 0, 64, 56, elfcore.PN_XNUM if use_xnum else nphdr,
                     64 if need_sections else 0, shnum, 1 if need_sections else 0)
    phdrs = [(elfcore.PT_NOTE, 0, note_off, 0, 0, len(note_blob), len(note_blob), note_align_field)]
    for (paddr, data, memsz), off in zip(loads, load_offs):
        phdrs.append((elfcore.PT_LOAD, 7, off, vaddr_base + paddr, paddr, len(data), memsz, 0))
    phdrs += [(elfcore.PT_NULL, 0, 0, 0, 0, 0, 0, 0)] * extra_phdrs
    for i, ph in enumerate(phdrs):
        struct.pack_into(e + "IIQQQQQQ", out, phoff + i * 56, *ph)
    if need_sections:
        # Section 0 carries the real e_phnum in sh_info when it overflows.
        struct.pack_into(e + "IIQQQQIIQQ", out, shoff, 0, 0, 0, 0, 0, 0, 0,
                         nphdr if use_xnum else 0, 0, 0)
        struct.pack_into(e + "IIQQQQIIQQ", out, shoff + 64, 1, 3, 0, 0, strtab_off,
                         len(shstrtab), 0, 0, 1, 0)
        out[strtab_off:strtab_off + len(shstrtab)] = shstrtab
    out[note_off:note_off + len(note_blob)] = note_blob
    for (paddr, data, memsz), off in zip(loads, load_offs):
        out[off:off + len(data)] = data
    with open(path, "wb") as f:
        f.write(out)


def readelf(*args):
    res = subprocess.run([READELF, "-W", *args], capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"readelf {' '.join(args)} failed: {res.stderr}")
    return res.stdout


def readelf_notes(path):
    """[(owner, descsz)] from readelf -n."""
    notes = []
    for line in readelf("-n", path).splitlines():
        m = re.match(r"\s+(\S+)\s+0x([0-9a-f]+)\s+(.*)$", line)
        if m and m.group(1) != "Owner":
            notes.append((m.group(1), int(m.group(2), 16), m.group(3).strip()))
    return notes


def readelf_loads(path):
    """[(type, offset, vaddr, paddr, filesz, memsz)] from readelf -l."""
    rows = []
    for line in readelf("-l", path).splitlines():
        m = re.match(r"\s+(LOAD|NOTE|NULL)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)"
                     r"\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m:
            rows.append((m.group(1),) + tuple(int(g, 16) for g in m.groups()[1:]))
    return rows


REGS = [[(cpu << 56) | (i * 0x0101010101) for i in range(48)] for cpu in range(4)]
VMCI = b"OSRELEASE=6.12.0\nPAGESIZE=65536\nCRASHTIME=1234\n"


class ElfCoreTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="elfcore-test-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def qemu_like(self, endian, sections_first):
        """5 notes per vCPU like QEMU's ppc dump, two RAM blocks."""
        e = endian
        notes = []
        for cpu in range(4):
            notes += [("CORE", elfcore.NT_PRSTATUS, prstatus_desc(e, cpu + 1, REGS[cpu])),
                      ("CORE", elfcore.NT_PRFPREG, bytes(264)),
                      ("CORE", elfcore.NT_PPC_VMX, bytes(544)),
                      ("CORE", elfcore.NT_PPC_VSX, bytes(256)),
                      ("CORE", elfcore.NT_PPC_SPE, bytes(140))]
        low = bytes(range(256)) * 256          # 64 KiB
        high = b"MARKER-xyz" + bytes(0x10000 - 10)
        loads = [(0, low, len(low)), (0x100000, high, 0x20000)]  # memsz > filesz
        path = self.path(f"qemu-{'le' if e == '<' else 'be'}-{int(sections_first)}.elf")
        build_core(path, endian=e, notes=notes, loads=loads, sections_first=sections_first)
        return path, low, high

    def check_against_readelf(self, path, core):
        if READELF is None:
            self.skipTest("readelf not installed")
        ours = [(n.name, len(n.desc)) for n in core.notes()]
        theirs = [(owner, size) for owner, size, _ in readelf_notes(path)]
        self.assertEqual(ours, theirs, "notes differ from readelf -n")
        ours_ph = [({elfcore.PT_LOAD: "LOAD", elfcore.PT_NOTE: "NOTE", elfcore.PT_NULL: "NULL"}[p.type],
                    p.offset, p.vaddr, p.paddr, p.filesz, p.memsz) for p in core.phdrs]
        self.assertEqual(ours_ph, readelf_loads(path), "program headers differ from readelf -l")

    def test_qemu_layouts(self):
        for endian in ("<", ">"):
            for sections_first in (False, True):
                with self.subTest(endian=endian, sections_first=sections_first):
                    path, low, high = self.qemu_like(endian, sections_first)
                    with elfcore.ElfCore(path) as core:
                        self.assertEqual(core.endian, endian)
                        self.assertEqual(core.e_type, elfcore.ET_CORE)
                        self.assertEqual(core.e_machine, elfcore.EM_PPC64)
                        if sections_first:
                            self.assertEqual(core.e_shoff, 64)
                            self.assertGreater(core.e_phoff, 64)
                        self.assertEqual(len(core.loads), 2)
                        self.assertEqual(len(list(core.notes())), 20)
                        prs = core.prstatus()
                        self.assertEqual([p.pid for p in prs], [1, 2, 3, 4])
                        for cpu, p in enumerate(prs):
                            self.assertEqual(p.regs, REGS[cpu])
                            self.assertEqual(p.nip, REGS[cpu][32])
                            self.assertEqual(p["link"], REGS[cpu][36])
                            self.assertEqual(p["ccr"], REGS[cpu][38])
                        self.assertIsNone(core.vmcoreinfo())
                        # memory
                        self.assertEqual(core.read_phys(0x100, 16), low[0x100:0x110])
                        self.assertEqual(bytes(core.phys_view(0, 0x10000)), low)
                        self.assertEqual(core.read_phys(0x100000, 10), b"MARKER-xyz")
                        # past p_filesz but inside p_memsz: zeros
                        self.assertEqual(core.read_phys(0x10FFF0, 0x20), bytes(0x20))
                        self.assertIsNone(core.phys_view(0x10FFF0, 0x20))
                        with self.assertRaises(elfcore.ElfCoreError):
                            core.read_phys(0x20000, 1)
                        hits = list(core.find(b"MARKER-xyz", chunk=4096))
                        self.assertEqual(len(hits), 1)
                        ph, paddr = core.offset_to_paddr(hits[0])
                        self.assertEqual((ph.index, paddr), (2, 0x100000))
                        self.check_against_readelf(path, core)

    def test_vmcore_layout(self):
        """/proc/vmcore style: merged PT_NOTE first, 0xc000... vaddrs,
        one PRSTATUS per CPU plus VMCOREINFO, p_align 4."""
        for endian in ("<", ">"):
            with self.subTest(endian=endian):
                e = endian
                notes = [("CORE", elfcore.NT_PRSTATUS, prstatus_desc(e, 0, REGS[c])) for c in range(4)]
                notes.append(("VMCOREINFO", 0, VMCI))
                data = os.urandom(0x30000)
                path = self.path(f"vmcore-{e == '<'}.elf")
                build_core(path, endian=e, notes=notes, loads=[(0x40000000, data, len(data))],
                           note_align_field=4, vaddr_base=0xC000000000000000)
                with elfcore.ElfCore(path) as core:
                    prs = core.prstatus()
                    self.assertEqual([p.pid for p in prs], [0] * 4)
                    self.assertEqual([p.regs for p in prs], REGS)
                    info = core.vmcoreinfo()
                    self.assertEqual(info["PAGESIZE"], "65536")
                    self.assertEqual(info["CRASHTIME"], "1234")
                    self.assertEqual(core.loads[0].vaddr, 0xC000000040000000)
                    self.assertEqual(core.read_phys(0x40010000, 0x10000), data[0x10000:0x20000])
                    self.check_against_readelf(path, core)
                    names = [n.type_name for n in core.notes()]
                    self.assertEqual(names, ["NT_PRSTATUS"] * 4 + ["VMCOREINFO"])

    def test_pn_xnum(self):
        """More than 65534 program headers: the count lives in section 0."""
        path = self.path("xnum.elf")
        notes = [("CORE", elfcore.NT_PRSTATUS, prstatus_desc("<", 1, REGS[0]))]
        build_core(path, endian="<", notes=notes, loads=[(0x1000, b"abc" * 10, 30)],
                   sections_first=True, extra_phdrs=elfcore.PN_XNUM)
        with elfcore.ElfCore(path) as core:
            self.assertEqual(core.e_phnum, elfcore.PN_XNUM)
            self.assertEqual(core.phnum, elfcore.PN_XNUM + 2)
            self.assertEqual(len(core.phdrs), elfcore.PN_XNUM + 2)
            self.assertEqual(core.read_phys(0x1000, 3), b"abc")
            self.assertEqual(len(core.prstatus()), 1)
            if READELF:
                header = readelf("-h", path)
                self.assertRegex(header, r"Number of program headers:\s+65535 \(%d\)" % (elfcore.PN_XNUM + 2))

    def test_terminator_and_padding(self):
        """A zero note header ends a PT_NOTE (fadump's final_note)."""
        path = self.path("term.elf")
        e = "<"
        notes = [("CORE", elfcore.NT_PRSTATUS, prstatus_desc(e, 0, REGS[1])),
                 ("", 0, b""),  # terminator: 12 zero bytes
                 ("CORE", elfcore.NT_PRSTATUS, prstatus_desc(e, 0, REGS[2]))]
        build_core(path, endian=e, notes=notes, loads=[])
        with elfcore.ElfCore(path) as core:
            self.assertEqual([p.regs for p in core.prstatus()], [REGS[1]])

    def test_malformed(self):
        bad = self.path("bad.elf")
        with open(bad, "wb") as f:
            f.write(b"\x7fELF" + bytes(10))
        with self.assertRaisesRegex(elfcore.ElfCoreError, "too short"):
            elfcore.ElfCore(bad)
        with open(bad, "wb") as f:
            f.write(b"\x7fELF\x01" + bytes(80))
        with self.assertRaisesRegex(elfcore.ElfCoreError, "ELFCLASS64"):
            elfcore.ElfCore(bad)
        with open(bad, "wb") as f:
            f.write(b"NOPE" + bytes(80))
        with self.assertRaisesRegex(elfcore.ElfCoreError, "magic"):
            elfcore.ElfCore(bad)
        # A core truncated in the middle of its memory.
        path, _, _ = self.qemu_like("<", True)
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size - 0x20000)
        with elfcore.ElfCore(path) as core:
            with self.assertRaisesRegex(elfcore.ElfCoreError, "truncated"):
                core.read_phys(0x100000, 16)
        # A note that overruns its segment.
        path = self.path("overrun.elf")
        build_core(path, notes=[("CORE", 1, bytes(504))], loads=[])
        with open(path, "r+b") as f:
            data = bytearray(f.read())
            note_off = struct.unpack_from("<Q", data, 64 + 8)[0]
            struct.pack_into("<I", data, note_off + 4, 4096)
            f.seek(0)
            f.write(data)
        with elfcore.ElfCore(path) as core:
            with self.assertRaisesRegex(elfcore.ElfCoreError, "overruns"):
                list(core.notes())


# -- the e2e checks on synthetic cores -----------------------------------------
class AnalyseTests(unittest.TestCase):
    """capture_checks.analyse() on a made-up trigger dump and vmcore: 4 MiB of
    RAM, boot memory [0, 1 MiB), reserved area [1 MiB, 2 MiB + 0x2a8)."""

    MiB = 1 << 20

    def setUp(self):
        import capture_checks
        import fadump_e2e
        self.e2e = fadump_e2e
        self.checks = capture_checks
        self.tmp = tempfile.mkdtemp(prefix="analyse-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        with open(os.path.join(self.tmp, "System.map"), "w") as f:
            f.write("c000000000000000 T _stext\n"
                    "c000000000001000 T crash_fadump\n"
                    "c000000000001100 T ppc_panic_fadump_handler\n"
                    "c000000000100000 T _etext\n"
                    "c000000000180000 D some_data\n"
                    "c000000000200000 B _end\n")
        self.marker = "fadumptest-0123abcd"
        ram = bytearray(os.urandom(4 * self.MiB))
        line = f"FADUMPTEST-MARKER {self.marker}\n".encode()
        ram[0x8000:0x8000 + len(line)] = line
        ram[0x300000:0x300000 + len(line)] = line
        self.ram = ram
        self.regs = []
        for cpu in range(4):
            r = [(cpu << 48) | i for i in range(48)]
            r[32] = 0xC000000000001010 if cpu == 0 else 0x10000100 + cpu  # nip
            r[33] = 0x8000000000000033 if cpu == 0 else 0x800000000000d033  # msr (PR for users)
            r[36] = 0xC000000000001120  # link
            self.regs.append(r)
        self._patch_gdb()

    def _patch_gdb(self):
        orig = self.checks.gdb_resolve
        self.checks.gdb_resolve = lambda run, nip, lr, crash: (
            "crash_fadump + 16 in section .text", "ppc_panic_fadump_handler + 32 in section .text",
            ["#0  0xc000000000001010 in crash_fadump ()"])
        self.addCleanup(setattr, self.checks, "gdb_resolve", orig)

    REGSAVE_AT = 0x100000       # CPU state data destination (reserved area)

    @staticmethod
    def regsave(cpu_regs):
        """The platform's register save area (big-endian) for {cpu: regs}."""
        names = ([f"GPR{i:02d}" for i in range(32)] + ["NIA", "MSR", "CR", "LR", "CTR", "XER"])
        index = list(range(32)) + [32, 33, 38, 36, 35, 37]   # pt_regs words
        out = bytearray(b"REGSAVE\0" + struct.pack(">III", 0, 16, len(cpu_regs)))
        for cpu, regs in cpu_regs.items():
            out += struct.pack(">8sQ", b"CPUSTRT", cpu)
            for name, i in zip(names, index):
                out += struct.pack(">8sQ", name.encode(), regs[i])
            out += struct.pack(">8sQ", b"CPUEND", cpu)
        return bytes(out)

    def make_run(self, vmcore_regs=None, vmcore_ram=None, saved_regs=None):
        trig = os.path.join(self.tmp, "trigger-dump.elf")
        qnotes, qregs_all = [], {}
        for cpu in range(4):
            qregs = list(self.regs[cpu])
            if cpu == 0:
                qregs[32] = 0x1234  # the crashing CPU moved on: not compared
            qregs_all[cpu] = qregs
            qnotes += [("CORE", elfcore.NT_PRSTATUS, prstatus_desc("<", cpu + 1, qregs)),
                       ("CORE", elfcore.NT_PRFPREG, bytes(264))]
        # The platform saved the registers QEMU reports into guest memory.
        area = self.regsave(saved_regs or qregs_all)
        trig_ram = bytearray(self.ram)
        trig_ram[self.REGSAVE_AT:self.REGSAVE_AT + len(area)] = area
        build_core(trig, endian="<", notes=qnotes, loads=[(0, bytes(trig_ram), len(trig_ram))],
                   sections_first=True)
        ram = vmcore_ram or self.ram
        regs = vmcore_regs or self.regs
        vm = os.path.join(self.tmp, "vmcore.elf")
        notes = [("CORE", elfcore.NT_PRSTATUS, prstatus_desc("<", 0, regs[c])) for c in range(4)]
        notes.append(("VMCOREINFO", 0, b"OSRELEASE=6.12.0\nPAGESIZE=65536\n"))
        ra_e = 2 * self.MiB + 0x2A8
        build_core(vm, endian="<", notes=notes, note_align_field=4, vaddr_base=KERNEL_BASE,
                   loads=[(0, bytes(ram[:self.MiB]), self.MiB),
                          (ra_e, bytes(ram[ra_e:]), len(ram) - ra_e)])
        cfg = self.e2e.Config(qemu="/bin/true", guest_dir=self.tmp, firmware_dir=self.tmp,
                              crashkernel="1M", mem="4M")
        run = self.e2e.Run(cfg=cfg, workdir=self.tmp, marker=self.marker)
        run.trigger_path, run.vmcore_path = trig, vm
        run.guest_cpus = 4
        run.crash_cpu_guest = 0
        n = len(area)
        sec = lambda typ, src, dst, length: {  # noqa: E731
            "type": typ, "requested": True, "source": src, "destination": dst, "length": length,
            "bytes-dumped": length, "error-flags": 0}
        run.fadump_info = {"enabled": True, "state": "dump-active", "status-flags": 0xC000,
                           "sections": [sec(1, 0, self.REGSAVE_AT, n),
                                        sec(2, 0, self.REGSAVE_AT + n, 0),
                                        sec(0x11, 0, 0x110000, self.MiB)]}
        run.fadump_triggered = {"cpu-index": 0, "status-flags": 0xC000}
        region = lambda dumped: (  # noqa: E731
            f"FADUMP-TEST: fadump-region: CPU :[0x{self.REGSAVE_AT:014x}-0x{self.REGSAVE_AT + n - 1:014x}] "
            f"0x{n:x} bytes, Dumped: 0x{n if dumped else 0:x}\n"
            f"FADUMP-TEST: fadump-region: HPTE:[0x{self.REGSAVE_AT + n:014x}-0x{self.REGSAVE_AT + n - 1:014x}] "
            f"0x0 bytes, Dumped: 0x0\n"
            f"FADUMP-TEST: fadump-region: DUMP: Src: 0x{0:014x}, Dest: 0x{0x110000:014x}, Size: 0x100000, "
            f"Dumped: 0x{0x100000 if dumped else 0:x} bytes\n")
        run.first_console = (
            "[    0.000000] fadump: Reserved 1MB of memory at 0x00000000100000 (System RAM: 4MB)\n"
            "[    0.000000] radix-mmu: Page sizes from device-tree:\n"
            "[    0.000000] fadump: Initialized 0x100000 bytes cma area at 1MB from 0x1002a8 bytes\n"
            f"[    0.000000] Kernel command line: {self.e2e.guest_append(cfg, self.marker)}\n"
            "FADUMP-TEST: boot=first\n" + region(False) +
            "FADUMP-TEST: crashing-cpu=0\n"
            "[    2.1] CPU: 0 UID: 0 PID: 1 Comm: sh Not tainted 6.12.0 #1\n")
        run.capture_console = ("FADUMP-TEST: boot=capture\n" + region(True) +
                               "FADUMP-TEST: dmesg: [    0.000000] fadump: Reserving 3MB of memory at "
                               "0x00000000100000 for preserving crash data\n")
        return run

    def results(self, run):
        checks, facts = self.checks.analyse(run)
        return {c.key: c for c in checks}, facts

    def test_good_vmcore_passes(self):
        if READELF is None:
            self.skipTest("readelf not installed")
        checks, facts = self.results(self.make_run())
        for key, c in checks.items():
            self.assertTrue(c.ok, f"({key}) {c.summary} {c.details}")
        self.assertEqual(facts.crash_cpu, 0)
        self.assertEqual(facts.boot_mem_top, self.MiB)
        self.assertIn("crash_fadump+0x10", facts.crash_nip)
        self.assertIn("ppc_panic_fadump_handler+0x20", facts.crash_lr)
        self.assertEqual(facts.cpu_notes, 4)

    def test_bad_vmcore_fails_precisely(self):
        if READELF is None:
            self.skipTest("readelf not installed")
        regs = [list(r) for r in self.regs]
        regs[2][5] ^= 1
        ram = bytearray(self.ram)
        ram[0x30000] ^= 0xFF              # a boot-memory page
        ram[0x380000] ^= 0xFF             # an in-place page
        line = f"FADUMPTEST-MARKER {self.marker}".encode()
        for off in (0x8000, 0x300000):
            ram[off:off + len(line)] = bytes(len(line))
        checks, _ = self.results(self.make_run(vmcore_regs=regs, vmcore_ram=ram))
        self.assertTrue(checks["a"].ok, checks["a"].summary)
        self.assertTrue(checks["b"].ok, checks["b"].summary)
        self.assertFalse(checks["c"].ok)
        self.assertIn("CPU 2: 1 of 38 registers differ: gpr5", checks["c"].summary)
        self.assertFalse(checks["d"].ok)
        # The pages of the erased markers differ too.
        self.assertIn("boot memory (from the preserved copy): 2 of 16 pages differ; "
                      "first: 0x0 (_stext+0x0), 0x30000", checks["d"].summary)
        self.assertIn("in place): 2 of 32 pages differ; first: 0x300000, 0x380000", checks["d"].summary)
        self.assertFalse(checks["e"].ok)

    def test_one_word_difference_fails(self):
        """Nothing is tolerated: one changed word, even a VPA dispatch
        counter in a genuine lppaca, fails check (d) and names the byte."""
        if READELF is None:
            self.skipTest("readelf not installed")
        lp = 0x40C00                              # a 1 KiB-aligned lppaca in boot memory
        self.ram[lp:lp + 4] = bytes.fromhex("d397d781")
        self.ram[lp + 0x100:lp + 0x104] = (0x3D2C).to_bytes(4, "big")
        vm_ram = bytearray(self.ram)
        self.ram[lp + 0x100:lp + 0x104] = (0x3D2D).to_bytes(4, "big")   # the trigger dump
        checks, _ = self.results(self.make_run(vmcore_ram=vm_ram))
        self.assertFalse(checks["d"].ok, checks["d"].summary)
        self.assertIn("1 of 16 pages differ; first: 0x40000", checks["d"].summary)
        self.assertTrue(any("first at 0x40d03: vmcore 2c" in d for d in checks["d"].details),
                        checks["d"].details)

    def test_register_save_area_differs(self):
        """The platform saved a wrong register for the crashing CPU (which
        the vmcore does not show): check (c) reads its save area."""
        if READELF is None:
            self.skipTest("readelf not installed")
        saved = {cpu: list(r) for cpu, r in enumerate(self.regs)}
        saved[0][32] = 0x1234
        saved[0][5] += 1
        checks, _ = self.results(self.make_run(saved_regs=saved))
        self.assertFalse(checks["c"].ok)
        self.assertIn("CPU 0: 1 registers differ in the register save area: gpr5", checks["c"].summary)

    def test_platform_view_differs(self):
        """query-fadump and the capture kernel disagree, HPTE with radix."""
        if READELF is None:
            self.skipTest("readelf not installed")
        run = self.make_run()
        run.fadump_info["sections"][2]["bytes-dumped"] -= 0x10000
        run.fadump_info["sections"][1]["length"] = 0x1000
        checks, _ = self.results(run)
        self.assertFalse(checks["f"].ok)
        self.assertIn("section 2 (type 0x11): bytes-dumped 0xf0000 of 0x100000", checks["f"].summary)
        self.assertIn("radix MMU, but the HPTE section is 0x1000 bytes", checks["f"].summary)
        self.assertIn("the capture kernel's fadump_region", checks["f"].summary)

    def test_configuration_not_applied(self):
        if READELF is None:
            self.skipTest("readelf not installed")
        run = self.make_run()
        run.cfg.fadump_mode = "nocma"
        run.cfg.firmware = "slof"
        checks, _ = self.results(run)
        self.assertFalse(checks["g"].ok)
        self.assertIn("lacks SLOF's banner", checks["g"].summary)
        self.assertIn("fadump=nocma, but the kernel made a CMA area", checks["g"].summary)

    def test_wrong_crashing_cpu(self):
        if READELF is None:
            self.skipTest("readelf not installed")
        run = self.make_run()
        run.crash_cpu_guest = 1
        run.first_console = "FADUMP-TEST: crashing-cpu=1\n"
        checks, _ = self.results(run)
        self.assertFalse(checks["b"].ok)
        self.assertIn("CPU 1 crashed", checks["b"].summary)


# -- QMP against a fake server ------------------------------------------------
class FakeQMPServer(threading.Thread):
    """Speaks just enough QMP on one end of a socketpair."""

    def __init__(self, sock, script):
        super().__init__(daemon=True)
        self.sock = sock
        self.script = script  # {command: callable(msg, send) or None}
        self.received = []

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\r\n")

    def run(self):
        try:
            self.send({"QMP": {"version": {"qemu": {"major": 10, "minor": 0, "micro": 0}},
                               "capabilities": []}})
            buf = b""
            while True:
                data = self.sock.recv(4096)
                if not data:
                    return
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    msg = json.loads(line)
                    self.received.append(msg)
                    handler = self.script.get(msg["execute"], "default")
                    if handler == "default":
                        self.send({"return": {}, "id": msg.get("id")})
                    elif handler is not None:
                        handler(msg, self.send)
        except OSError:
            pass


class QMPTests(unittest.TestCase):
    def start(self, script):
        a, b = socket.socketpair()
        server = FakeQMPServer(b, script)
        server.start()
        client = QMPClient(a)
        self.addCleanup(client.close)
        self.addCleanup(b.close)
        return client, server

    def test_handshake_execute_events(self):
        def status(msg, send):
            send({"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 0}})
            send({"return": {"status": "paused", "running": False}, "id": "stale"})
            send({"return": {"status": "shutdown", "running": False}, "id": msg["id"]})

        def later_event(msg, send):
            send({"return": {}, "id": msg["id"]})
            time.sleep(0.2)
            send({"event": "SHUTDOWN", "data": {"guest": True, "reason": "guest-reset"}})

        client, server = self.start({"query-status": status, "system_reset": later_event})
        greeting = client.handshake(timeout=5)
        self.assertEqual(greeting["QMP"]["version"]["qemu"]["major"], 10)
        self.assertEqual(client.execute("query-status", timeout=5)["status"], "shutdown")
        self.assertEqual(client.wait_event("STOP", timeout=1)["event"], "STOP")
        client.execute("system_reset", timeout=5)
        ev = client.wait_event(("SHUTDOWN", "GUEST_PANICKED"), timeout=5)
        self.assertEqual(ev["data"]["reason"], "guest-reset")
        self.assertEqual(server.received[0]["execute"], "qmp_capabilities")

    def test_error_reply(self):
        def fail(msg, send):
            send({"error": {"class": "GenericError", "desc": "nope"}, "id": msg["id"]})
        client, _ = self.start({"dump-guest-memory": fail})
        client.handshake(timeout=5)
        with self.assertRaises(QMPCommandError) as cm:
            client.execute("dump-guest-memory", {"paging": False}, timeout=5)
        self.assertEqual(cm.exception.error_class, "GenericError")
        self.assertIn("nope", str(cm.exception))

    def test_timeouts_are_honoured(self):
        client, _ = self.start({"query-dump": None})  # never answers
        client.handshake(timeout=5)
        t0 = time.monotonic()
        with self.assertRaises(QMPTimeout):
            client.execute("query-dump", timeout=0.5)
        with self.assertRaises(QMPTimeout):
            client.wait_event("DUMP_COMPLETED", timeout=0.5)
        self.assertLess(time.monotonic() - t0, 3)

    def test_greeting_timeout_and_eof(self):
        a, b = socket.socketpair()
        self.addCleanup(a.close)
        client = QMPClient(a)
        t0 = time.monotonic()
        with self.assertRaises(QMPTimeout):
            client.handshake(timeout=0.3)
        self.assertLess(time.monotonic() - t0, 2)
        b.close()
        with self.assertRaisesRegex(QMPError, "closed|could not send"):
            client.execute("query-status", timeout=2)

    def test_connect_unix(self):
        tmp = tempfile.mkdtemp(prefix="qmp-test-")
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, "qmp.sock")
        with self.assertRaises(QMPTimeout):
            QMPClient.connect_unix(path, timeout=0.3)
        with self.assertRaisesRegex(QMPError, "died"):
            QMPClient.connect_unix(path, timeout=5, alive=lambda: False)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(listener.close)

        def serve():
            time.sleep(0.3)  # the socket appears late, like QEMU's
            listener.bind(path)
            listener.listen(1)
            conn, _ = listener.accept()
            FakeQMPServer(conn, {}).run()
            conn.close()

        threading.Thread(target=serve, daemon=True).start()
        client = QMPClient.connect_unix(path, timeout=5)
        self.addCleanup(client.close)
        client.handshake(timeout=5)
        self.assertEqual(client.execute("cont", timeout=5), {})


if __name__ == "__main__":
    unittest.main(verbosity=2)
