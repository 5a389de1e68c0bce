#!/usr/bin/python3
"""Hostile-guest run of the pseries RTAS call ibm,configure-kernel-dump.

Starts qemu-system-ppc64 (an ASan/UBSan build, from scripts/hostile-rtas)
under the qtest accelerator and drives it over the qtest protocol, as a
hostile guest would: a seeded random sequence of REGISTER calls with
mutated dump memory structures, UNREGISTER, INVALIDATE, unknown commands
and wrong argument/return counts, in every state of the facility (idle,
registered, dump active: ibm,os-term after a REGISTER takes a dump and
resets the machine).

Checked on every call:
  - the qtest answer is "OK 0" (the call returned), QEMU is alive;
  - rets[0] (prefilled with a marker) holds a PAPR status of the call,
    0, -3, -9 or -10, and the one the facility's state machine calls for
    (a model of it runs alongside); with nret == 0 nothing at all;
  - nothing of the argument buffer, past rets[nret - 1] or before the
    buffer was written;
  - a structure that REGISTER accepted is one the platform can dump safely
    (every range in RAM, no wrap, no destination over another section's
    source or destination, platform sections big enough), as query-fadump
    reports it, and it is the one the guest wrote.
After every dump: the FADUMP_TRIGGERED and RESET events, query-fadump's
dump-active state and status flags, bytes dumped of every section, the
register save area's header and samples of every copied region (head, tail,
random places) against what the source held.  Every --check-every calls:
query-fadump answers and agrees with the model, the FADUMP_REGISTERED
events match the successful REGISTERs, QEMU's stderr is empty.  At the end
QEMU is quit over QMP, so that LeakSanitizer runs, and must exit 0 with
nothing on stderr.

Standard library only.  Exit status: 0 pass, 1 fail, 2 usage.
"""

import argparse
import base64
import collections
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import time

# PAPR statuses of ibm,configure-kernel-dump
ST_OK, ST_PARAM, ST_ALREADY, ST_ACTIVE = 0, -3, -9, -10
STATUS_NAMES = {ST_OK: "0 success", ST_PARAM: "-3 parameter error",
                ST_ALREADY: "-9 already registered",
                ST_ACTIVE: "-10 dump active"}
CMD_REGISTER, CMD_UNREGISTER, CMD_INVALIDATE = 1, 2, 3

T_CPU, T_HPTE, T_RMR, T_PARAM = 0x0001, 0x0002, 0x0011, 0x0100
MAX_SECTIONS = 10
HDR_LEN = 40
SEC_LEN = 40

MARKER = 0xDEADBEEF          # rets[] before the call
GUARD = bytes([0xA5]) * 32   # around the argument buffer

# Guest layout (all below 16 MiB + a few pages, inside the RMA)
ARGS_ADDR = 0x00F00000       # guard | args | rets | guard
ARGS_WIN = 0x200
MSG_ADDR = 0x00F01000        # ibm,os-term's message
FDM_ADDR = 0x01000000        # the dump memory structure, usually
FDM_BUF = 0x1000             # at most this many bytes of it are written
KEEP_OUT = (0x00F00000, 0x01000000 + FDM_BUF)  # no dump destination here

M64 = (1 << 64) - 1
MiB = 1 << 20
CHUNK = 32 * MiB             # QEMU copies regions in 32 MiB chunks

SANITIZER_RE = re.compile(
    r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
    r"ThreadSanitizer|MemorySanitizer|runtime error:|^SUMMARY: |==\d+==")


# The one line an ASan QEMU prints by design, at its first coroutine switch
# (QEMU's ucontext coroutines): a notice, not a report.
ASAN_NOTICE_RE = re.compile(
    r"^==\d+==WARNING: ASan doesn't fully support makecontext/swapcontext "
    r"functions and may produce false positives in some cases!$")


# A dump destination in [0, size of the firmware image): QEMU loads the
# firmware there as a ROM, copied again at every reset, so the reboot that
# follows the dump overwrites what was preserved there.
FW_CLOBBER = "dump destination overwritten by the firmware image at reboot"
# Memory preserved in place there is lost the same way; the series accepts
# it (the OS's choice): only counted.
INPLACE_FW = "in-place sections over the firmware image, dumped"


class Failure(Exception):
    """The run cannot go on: QEMU died, hung or answered off-protocol."""


# --------------------------------------------------------------- sockets

class LineSocket:
    def __init__(self, sock, name):
        self.sock = sock
        self.name = name
        self.buf = b""

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Failure(f"{self.name}: send failed: {e}") from None

    def _fill(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            data = self.sock.recv(1 << 20)
        except OSError as e:
            raise Failure(f"{self.name}: recv failed: {e}") from None
        if not data:
            raise Failure(f"{self.name}: connection closed by QEMU")
        self.buf += data
        return True

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 1:]
                return line.decode("utf-8", "replace")
            left = deadline - time.monotonic()
            if left <= 0 or not self._fill(left):
                raise Failure(f"{self.name}: no answer within {timeout}s")

    def lines_ready(self):
        """Complete lines that can be had without waiting."""
        while self._fill(0):
            pass
        out = []
        while True:
            i = self.buf.find(b"\n")
            if i < 0:
                return out
            out.append(self.buf[:i].decode("utf-8", "replace"))
            self.buf = self.buf[i + 1:]


class Qemu:
    """qemu-system-ppc64 under -accel qtest, with a qtest and a QMP socket."""

    def __init__(self, binary, firmware_dir, workdir, stderr_path,
                 timeout, trace=None):
        self.timeout = timeout
        self.trace = trace
        self.events = collections.Counter()
        self.event_log = []
        qsock = os.path.join(workdir, "qtest.sock")
        msock = os.path.join(workdir, "qmp.sock")
        servers = []
        for path in (qsock, msock):
            if os.path.exists(path):
                os.unlink(path)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            s.settimeout(timeout)
            servers.append(s)
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS",
                       "halt_on_error=1:abort_on_error=1:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        self.argv = [binary, "-L", firmware_dir,
                     "-machine", "pseries,x-vof=on", "-m", "1G",
                     "-smp", "2,maxcpus=4", "-nodefaults", "-display", "none",
                     "-accel", "qtest", "-qtest", "unix:" + qsock,
                     # no log of every qtest command (default: stderr)
                     "-qtest-log", "none",
                     "-chardev", f"socket,path={msock},id=m",
                     "-mon", "chardev=m,mode=control",
                     "-action", "panic=pause"]
        self.stderr_path = stderr_path
        self.stderr_file = open(stderr_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr_file,
                                     stderr=self.stderr_file, env=env)
        try:
            conns = []
            for s in servers:
                c, _ = s.accept()
                conns.append(c)
        except socket.timeout:
            self.proc.kill()
            raise Failure("QEMU did not connect its qtest/QMP sockets "
                          f"within {timeout}s (see {stderr_path})") from None
        finally:
            for s in servers:
                s.close()
            for path in (qsock, msock):
                if os.path.exists(path):
                    os.unlink(path)
        self.qt = LineSocket(conns[0], "qtest")
        self.qmp_sock = LineSocket(conns[1], "QMP")
        greeting = json.loads(self.qmp_sock.readline(timeout))
        if "QMP" not in greeting:
            raise Failure(f"QMP greeting expected, got {greeting}")
        self.qmp("qmp_capabilities")

    # qtest
    def qtest_batch(self, cmds):
        """Send the commands at once, return their answers in order."""
        data = "".join(c + "\n" for c in cmds)
        if self.trace:
            self.trace.write(data)
        self.qt.send(data.encode())
        out = []
        for c in cmds:
            while True:
                line = self.qt.readline(self.timeout)
                if not line.startswith("IRQ"):
                    break
            if self.trace:
                self.trace.write("# <- " + line[:200] + "\n")
            out.append(line)
        return out

    # QMP
    def _qmp_line(self, line):
        msg = json.loads(line)
        if "event" in msg:
            self.events[msg["event"]] += 1
            self.event_log.append(msg)
            if len(self.event_log) > 64:
                del self.event_log[:32]
            return None
        return msg

    def drain_events(self):
        for line in self.qmp_sock.lines_ready():
            if self._qmp_line(line) is not None:
                raise Failure(f"QMP: unexpected message {line[:200]}")

    def qmp(self, cmd, **args):
        req = {"execute": cmd}
        if args:
            req["arguments"] = args
        self.qmp_sock.send((json.dumps(req) + "\n").encode())
        while True:
            msg = self._qmp_line(self.qmp_sock.readline(self.timeout))
            if msg is None:
                continue
            if "return" in msg:
                return msg["return"]
            raise Failure(f"QMP {cmd}: {msg}")

    def wait_event(self, name, count, timeout):
        deadline = time.monotonic() + timeout
        while self.events[name] < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"no {name} event within {timeout}s")
            line = self.qmp_sock.readline(left)
            if self._qmp_line(line) is not None:
                raise Failure(f"QMP: unexpected message {line[:200]}")

    def alive(self):
        return self.proc.poll() is None

    def quit(self, timeout):
        """QMP quit; returns QEMU's exit status (None if it had to be
        killed)."""
        try:
            self.qmp("quit")
        except Failure:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.stderr_file.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr_file.close()


# ------------------------------------------------------------- device tree

def parse_fdt(blob):
    """{path: {prop: bytes}} of a flattened device tree."""
    magic, total, off_struct, off_strings = struct.unpack_from(">IIII", blob)
    if magic != 0xD00DFEED:
        raise ValueError("not a device tree")
    nodes, stack, pos = {}, [], off_struct
    while True:
        (tok,) = struct.unpack_from(">I", blob, pos)
        pos += 4
        if tok == 1:
            end = blob.index(b"\0", pos)
            name = blob[pos:end].decode()
            pos = (end + 4) & ~3
            stack.append(name)
            path = "/" + "/".join(s for s in stack if s)
            nodes[path] = {}
        elif tok == 2:
            stack.pop()
        elif tok == 3:
            ln, nameoff = struct.unpack_from(">II", blob, pos)
            pos += 8
            send = blob.index(b"\0", off_strings + nameoff)
            pname = blob[off_strings + nameoff:send].decode()
            path = "/" + "/".join(s for s in stack if s)
            nodes[path][pname] = blob[pos:pos + ln]
            pos = (pos + ln + 3) & ~3
        elif tok == 4:
            continue
        elif tok == 9:
            return nodes
        else:
            raise ValueError(f"bad FDT token {tok}")


# ---------------------------------------------------------------- structure

class Section:
    __slots__ = ("req", "type", "err", "src", "len", "dumped", "dst")

    def __init__(self, req, typ, src, ln, dst, err=0, dumped=0):
        self.req, self.type, self.err = req, typ, err
        self.src, self.len, self.dumped, self.dst = src, ln, dumped, dst

    def copy(self):
        return Section(self.req, self.type, self.src, self.len, self.dst,
                       self.err, self.dumped)

    def encode(self):
        return struct.pack(">IHHQQQQ", self.req & 0xFFFFFFFF,
                           self.type & 0xFFFF, self.err & 0xFFFF,
                           self.src & M64, self.len & M64,
                           self.dumped & M64, self.dst & M64)

    def tup(self):
        return (self.type, self.src, self.dst, self.len)


class Fdm:
    """A dump memory structure in the guest's terms (host order)."""

    def __init__(self):
        self.version = 1
        self.num = 0            # header's num_sections, may lie
        self.status = 0
        self.first = HDR_LEN
        self.dd_block_size = 0
        self.dd_block_offset = 0
        self.dd_num_blocks = 0
        self.dd_offset_disk_path = 0
        self.max_time_auto = 0
        self.sections = []

    def encode(self):
        hdr = struct.pack(">IHHIIQQII", self.version & 0xFFFFFFFF,
                          self.num & 0xFFFF, self.status & 0xFFFF,
                          self.first & 0xFFFFFFFF,
                          self.dd_block_size & 0xFFFFFFFF,
                          self.dd_block_offset & M64,
                          self.dd_num_blocks & M64,
                          self.dd_offset_disk_path & 0xFFFFFFFF,
                          self.max_time_auto & 0xFFFFFFFF)
        secs = b"".join(s.encode() for s in self.sections)
        first = self.first & 0xFFFFFFFF
        if HDR_LEN <= first and first + len(secs) <= FDM_BUF:
            body = hdr + bytes(first - HDR_LEN) + secs
        else:
            body = hdr + secs           # sections where they usually are
        return bytearray(body)


def decode_sections(buf, first, n):
    out = []
    for i in range(n):
        o = first + i * SEC_LEN
        req, typ, err, src, ln, dumped, dst = struct.unpack_from(
            ">IHHQQQQ", buf, o)
        out.append(Section(req, typ, src, ln, dst, err, dumped))
    return out


def in_ram(addr, ln, ram):
    return addr <= ram and ln <= ram - addr


def overlap(a, alen, b, blen):
    return alen and blen and a < b + blen and b < a + alen


def src_len(s):
    return 0 if s.type in (T_CPU, T_HPTE) else s.len


def safety_problems(secs, ram, cpu_need, hpte_need, fw_end):
    """What makes an accepted structure unsafe to dump (empty: safe)."""
    p = []
    if not 1 <= len(secs) <= MAX_SECTIONS:
        p.append(f"{len(secs)} sections")
    seen = set()
    for i, s in enumerate(secs):
        if not (s.type in (T_CPU, T_HPTE, T_RMR) or s.type >= T_PARAM):
            p.append(f"section {i}: type {s.type:#x}")
        if s.type in (T_CPU, T_HPTE):
            if s.type in seen:
                p.append(f"section {i}: second type {s.type:#x}")
            seen.add(s.type)
            if s.src:
                p.append(f"section {i}: source {s.src:#x} for type "
                         f"{s.type:#x}")
            need = cpu_need if s.type == T_CPU else hpte_need
            if s.len < need:
                p.append(f"section {i}: length {s.len:#x} < {need:#x}")
        elif not in_ram(s.src, s.len, ram):
            p.append(f"section {i}: source [{s.src:#x}, +{s.len:#x}) "
                     "not in RAM")
        if not in_ram(s.dst, s.len, ram):
            p.append(f"section {i}: destination [{s.dst:#x}, +{s.len:#x}) "
                     "not in RAM")
        if s.err or s.dumped:
            p.append(f"section {i}: error flags/bytes dumped at "
                     "registration")
        # a copy the reboot's firmware image would overwrite (memory
        # preserved in place is the OS's choice)
        if ((s.type in (T_CPU, T_HPTE) or s.dst != s.src) and
                overlap(s.dst, s.len, 0, fw_end)):
            p.append(f"section {i}: destination [{s.dst:#x}, +{s.len:#x}) "
                     f"over the firmware image [0, {fw_end:#x})")
    if p:
        return p
    for i, a in enumerate(secs):
        if src_len(a) and a.dst == a.src:
            continue
        for j, b in enumerate(secs):
            if overlap(a.dst, a.len, b.src, src_len(b)):
                p.append(f"section {i}: destination over the source of "
                         f"section {j}")
            if i != j and overlap(a.dst, a.len, b.dst, b.len):
                p.append(f"section {i}: destination over the destination "
                         f"of section {j}")
    return p


# ------------------------------------------------------------------- driver

class Run:
    def __init__(self, a, qemu, rng, out):
        self.a = a
        self.q = qemu
        self.rng = rng
        self.out = out
        self.state = "idle"     # the model: idle, registered, active
        self.registered = None  # [Section] the model thinks is registered
        self.stats = collections.Counter()
        self.reg_status = collections.Counter()
        self.status_by_cmd = collections.Counter()
        self.violations = collections.Counter()
        self.examples = collections.defaultdict(list)
        self.recent = collections.deque(maxlen=64)
        self.calls = 0
        self.stderr_seen = 0
        self.mut_stats = collections.Counter()

    # ---- bookkeeping
    def violation(self, kind, detail):
        self.violations[kind] += 1
        ex = self.examples[kind]
        if len(ex) < 5:
            ex.append({"call": self.calls, "detail": detail,
                       "recent": list(self.recent)[-6:]})
        if self.a.stop_on_violation:
            raise Failure(f"violation at call {self.calls}: {kind}: {detail}")

    # ---- environment
    def learn_machine(self):
        path = os.path.join(self.out, "machine.dtb")
        self.q.qmp("dumpdtb", filename=path)
        with open(path, "rb") as f:
            fdt = parse_fdt(f.read())
        rtas = fdt.get("/rtas", {})
        sizes = rtas.get("ibm,configure-kernel-dump-sizes")
        if sizes is None or "ibm,configure-kernel-dump" not in rtas:
            raise Failure("no ibm,configure-kernel-dump in /rtas: "
                          "the build has no fadump")
        need = {}
        for i in range(0, len(sizes), 12):
            typ, hi, lo = struct.unpack_from(">III", sizes, i)
            need[typ] = hi << 32 | lo
        self.cpu_need = need.get(T_CPU, 0)
        self.hpte_need = need.get(T_HPTE, 0)
        reg = fdt["/memory@0"]["reg"]
        base, self.rma = struct.unpack(">QQ", reg[:16])
        self.ram = 1 << 30
        # the firmware image, a ROM at 0 (x-vof=on: vof.bin)
        self.fw_end = os.path.getsize(os.path.join(self.a.firmware_dir,
                                                   "vof.bin"))
        info = self.q.qmp("query-fadump")
        if not info.get("enabled") or info.get("state") != "idle":
            raise Failure(f"query-fadump at start: {info}")
        self.stats["query-fadump"] += 1
        log(f"machine: RAM {self.ram:#x}, RMA {self.rma:#x}, CPU state "
            f"{self.cpu_need:#x} bytes, HPTE {self.hpte_need:#x} bytes")

    # ---- values
    def interesting64(self, ln=0):
        r = self.rng
        ram, rma = self.ram, self.rma
        c = r.randrange(22)
        if c == 0:
            return 0
        if c == 1:
            return M64
        if c == 2:
            return ram
        if c == 3:
            return ram - 1
        if c == 4:
            return ram + 1
        if c == 5:
            return rma - r.choice((0, 1, 4096))
        if c == 6:
            return (ram - ln + r.choice((-1, 0, 1))) & M64
        if c == 7:
            return (M64 - r.randrange(1 << 16)) & M64      # wraps
        if c == 8:
            return (1 << 63) + r.choice((-1, 0, 1))
        if c == 9:
            return (1 << 32) + r.choice((-1, 0, 1))
        if c == 10:
            return r.getrandbits(64)
        if c == 11:
            return r.getrandbits(32)
        if c == 12:
            return r.randrange(ram)
        if c == 13:
            return r.randrange(ram >> 16) << 16
        if c == 14:
            return CHUNK * r.randrange(1, 4) + r.choice((-1, 0, 1, 2, 3, 17))
        if c == 15:
            return (-ln) & M64           # start + len == 2^64
        if c == 16:
            return 1 << r.randrange(64)
        if c == 17:
            return ram + r.getrandbits(40)   # above RAM: MMIO, nothing
        if c == 18:
            return r.choice((0x1000, 0x10000, MiB))
        if c == 19:
            return r.randrange(rma - 0x10000, rma + 0x10000)
        if c == 20:
            return 0x80000000
        return r.randrange(1 << 16)

    def interesting32(self):
        r = self.rng
        c = r.randrange(10)
        if c == 0:
            return 0
        if c == 1:
            return 0xFFFFFFFF
        if c == 2:
            return 0x80000000 + r.choice((-1, 0))
        if c == 3:
            return r.getrandbits(32)
        if c == 4:
            return r.randrange(1, 64)
        if c == 5:
            return 1 << r.randrange(32)
        return self.interesting64() & 0xFFFFFFFF

    def interesting16(self):
        r = self.rng
        return r.choice((0, 1, 2, 9, 10, 11, 0x7FFF, 0x8000, 0xFFFF,
                         0x0100, 0x0101, 0x0011, 0x00FF, r.getrandbits(16)))

    # ---- the Linux-like structure
    def linux_fdm(self):
        """CPU state, HPTE, boot memory (0x11, from 0, <= 1 MiB, sometimes
        more regions or a chunk-sized one), parameter area in place."""
        r = self.rng
        f = Fdm()
        cpu_len = r.choice((self.cpu_need, MiB,
                            (self.cpu_need + 0xFFFF) & ~0xFFFF))
        hpte_len = self.hpte_need if r.random() < 0.8 else \
            (self.hpte_need + 0xFFFF) & ~0xFFFF
        boots = [(0, r.choice((0x10000, 0x40000, MiB,
                               r.randrange(1, MiB + 1))))]
        for _ in range(r.choice((0, 0, 0, 1, 2))):
            start = r.randrange(0x02000000 >> 16, 0x03F00000 >> 16) << 16
            boots.append((start, r.randrange(1, 0x40000)))
        if r.random() < 0.02:
            # a region just past a multiple of QEMU's 32 MiB copy chunk
            boots[0] = (0, CHUNK * r.choice((1, 2)) +
                        r.choice((1, 2, 3, 4, 5, 8, 9, r.randrange(1, 65))))
        need = (cpu_len + hpte_len + sum(ln for _, ln in boots)
                + 0x10000 * (len(boots) + 3))
        lo = 0x08000000
        base = r.randrange(lo >> 16, (self.ram - need) >> 16) << 16
        param = r.randrange(0x04000000 >> 16, lo >> 16) << 16
        dst = base
        f.sections.append(Section(1, T_CPU, 0, cpu_len, dst))
        dst = (dst + cpu_len + 0xFFFF) & ~0xFFFF
        f.sections.append(Section(1, T_HPTE, 0, hpte_len, dst))
        dst = (dst + hpte_len + 0xFFFF) & ~0xFFFF
        for src, ln in boots:
            f.sections.append(Section(1, T_RMR, src, ln, dst))
            dst = (dst + ln + 0xFFFF) & ~0xFFFF
        f.sections.append(Section(1, T_PARAM, param, r.choice((2048, 4096)),
                                  param))
        if r.random() < 0.1:
            r.shuffle(f.sections)
        f.num = len(f.sections)
        return f

    # ---- mutations
    def mutate(self, f):
        """Field-level mutations of @f; returns the names applied."""
        r = self.rng
        names = []
        n = 0 if r.random() < 0.15 else min(1 + int(r.expovariate(0.7)), 8)
        for _ in range(n):
            secs = f.sections
            m = r.randrange(17)
            if m == 0:
                f.version = r.choice((0, 2, 0x01000000, 0xFFFFFFFF,
                                      self.interesting32()))
                names.append("version")
            elif m == 1:
                f.num = r.choice((0, 1, MAX_SECTIONS, MAX_SECTIONS + 1,
                                  0xFFFF, len(secs) + r.choice((-1, 1)),
                                  r.randrange(0x10000)))
                names.append("num_sections")
            elif m == 2:
                f.status = self.interesting16()
                names.append("status")
            elif m == 3:
                f.first = r.choice((0, 8, 39, 41, 44, 48, 80, 400, 440,
                                    0xFFFFFFFF, 0x80000000,
                                    self.interesting32()))
                names.append("offset_first")
            elif m == 4:
                fld = r.choice(("dd_block_size", "dd_block_offset",
                                "dd_num_blocks", "dd_offset_disk_path",
                                "max_time_auto"))
                setattr(f, fld, self.interesting64() or 1)
                names.append(fld)
            elif m in (5, 6, 7, 8) and secs:
                s = r.choice(secs)
                fld = r.choice(("src", "len", "dst", "len", "src", "dst"))
                setattr(s, fld, self.interesting64(s.len))
                names.append("sec." + fld)
            elif m == 9 and secs:
                s = r.choice(secs)
                s.type = r.choice((0, 3, 0x10, 0x12, 0xFF, 0x100, 0xFFFF,
                                   T_CPU, T_HPTE, T_RMR, self.interesting16()))
                names.append("sec.type")
            elif m == 10 and secs:
                s = r.choice(secs)
                s.req = r.choice((0, 2, 3, 0x80000001, 0xFFFFFFFF,
                                  self.interesting32()))
                names.append("sec.request")
            elif m == 11 and secs:
                s = r.choice(secs)
                if r.random() < 0.5:
                    s.err = self.interesting16() or 0x8000
                else:
                    s.dumped = self.interesting64() or 1
                names.append("sec.err/dumped")
            elif m == 12 and secs:
                # a destination over another section's source/destination
                a, b = r.choice(secs), r.choice(secs)
                base = b.src if r.random() < 0.5 else b.dst
                lo = 1 - min(a.len, 1 << 30) if a.len else 0
                hi = max(1, min(b.len, 1 << 30))
                a.dst = (base + r.randrange(lo, hi)) & M64
                names.append("overlap")
            elif m == 13 and secs:
                s = r.choice(secs)
                s.dst = s.src
                names.append("in-place")
            elif m == 14:
                # add, drop, duplicate or swap sections
                op = r.randrange(4)
                if op == 0 or not secs:
                    secs.insert(r.randrange(len(secs) + 1), Section(
                        r.choice((1, 1, 0)),
                        r.choice((T_CPU, T_HPTE, T_RMR, T_PARAM, 0x200,
                                  self.interesting16())),
                        self.interesting64(), self.interesting64(),
                        self.interesting64()))
                elif op == 1:
                    del secs[r.randrange(len(secs))]
                elif op == 2:
                    secs.insert(r.randrange(len(secs) + 1),
                                r.choice(secs).copy())
                elif len(secs) > 1:
                    i, j = r.sample(range(len(secs)), 2)
                    secs[i], secs[j] = secs[j], secs[i]
                if r.random() < 0.7:
                    f.num = len(secs)
                names.append("sections")
            elif m == 15 and secs:
                # a range that wraps around 2^64 or ends exactly at RAM's end
                s = r.choice(secs)
                if r.random() < 0.5:
                    s.len = r.choice((1 << 63, M64, 1 << 40, 0x2000))
                    s.src = (M64 - r.randrange(0x1000)) & M64
                else:
                    s.len = r.randrange(1, 0x100000)
                    fld = r.choice(("src", "dst"))
                    setattr(s, fld, self.ram - s.len + r.choice((0, 0, 1)))
                names.append("boundary")
            elif m == 16 and len(secs) < 40:
                # many sections: num_sections follows, up to beyond the max
                while len(secs) < r.choice((MAX_SECTIONS, MAX_SECTIONS + 1,
                                            16, 40)):
                    secs.append(r.choice(secs).copy() if secs else
                                Section(1, T_PARAM, 0x05000000, 4096,
                                        0x05000000))
                f.num = len(secs)
                names.append("many")
        return names

    # ---- calls
    def rtas(self, name, args, nret, pre=()):
        """One RTAS call through an argument buffer like a guest's:
        guard | args[nargs] | rets[nret] | guard, after the qtest commands
        @pre.  Returns (rets as signed ints, whether anything past
        rets[nret - 1] changed, the first 8 bytes there in hex)."""
        nargs = len(args)
        a_addr = ARGS_ADDR + len(GUARD)
        r_addr = a_addr + 4 * nargs
        before = (GUARD + b"".join(struct.pack(">I", x & 0xFFFFFFFF)
                                   for x in args)
                  + struct.pack(">I", MARKER) * nret + GUARD)
        cmds = list(pre)
        cmds.append(f"write {ARGS_ADDR:#x} {len(before)} 0x{before.hex()}")
        cmds.append(f"rtas {name} {nargs} {a_addr:#x} {nret} {r_addr:#x}")
        cmds.append(f"read {ARGS_ADDR:#x} {len(before)}")
        self.recent.append(cmds[-2])
        ans = self.q.qtest_batch(cmds)
        for c, line in zip(cmds, ans):
            if c.startswith("rtas"):
                if line != "OK 0":
                    raise Failure(f"call {self.calls}: '{c}' answered "
                                  f"'{line}', not 'OK 0'")
            elif c.startswith("read"):
                if not line.startswith("OK 0x"):
                    raise Failure(f"'{c}' answered '{line[:80]}'")
            elif line != "OK":
                raise Failure(f"'{c[:60]}' answered '{line[:80]}'")
        after = bytes.fromhex(ans[-1][5:])
        g = len(GUARD)
        if after[:g + 4 * nargs] != before[:g + 4 * nargs]:
            self.violation("argument buffer written",
                           f"{cmds[-2]}: {before[:g + 4 * nargs].hex()} -> "
                           f"{after[:g + 4 * nargs].hex()}")
        end = g + 4 * nargs + 4 * nret
        tail_changed = after[end:] != before[end:]
        rets = [struct.unpack_from(">i", after, g + 4 * nargs + 4 * i)[0]
                for i in range(nret)]
        return rets, tail_changed, after[end:end + 8].hex()

    def expect(self, cmd, nargs, nret):
        """The status the model calls for, or a set of acceptable ones."""
        if nret != 1 or nargs != 3:
            return {ST_PARAM}
        if cmd == CMD_REGISTER:
            return {"idle": {ST_OK, ST_PARAM}, "registered": {ST_ALREADY},
                    "active": {ST_ACTIVE}}[self.state]
        if cmd == CMD_UNREGISTER:
            return {ST_ACTIVE} if self.state == "active" else {ST_OK}
        if cmd == CMD_INVALIDATE:
            return {ST_OK} if self.state == "active" else {ST_PARAM}
        return {ST_PARAM}

    def kernel_dump(self, cmd, addr, length, nargs=3, nret=1, fdm=None,
                    fdm_addr=FDM_ADDR, label=None):
        args = [cmd, addr, length]
        if nargs > 3:
            args += [self.rng.getrandbits(32) for _ in range(nargs - 3)]
        args = args[:nargs]
        pre = []
        if fdm is not None:
            pre.append(f"b64write {fdm_addr:#x} {len(fdm)} "
                       f"{base64.b64encode(bytes(fdm)).decode()}")
        exp = self.expect(cmd, nargs, nret)
        self.calls += 1
        rets, tail_changed, tail = self.rtas("ibm,configure-kernel-dump",
                                             args, nret, pre)
        label = label or {CMD_REGISTER: "REGISTER", CMD_UNREGISTER:
                          "UNREGISTER", CMD_INVALIDATE: "INVALIDATE"}.get(
                              cmd, "unknown-cmd")
        if nret != 1 or nargs != 3:
            label = "bad-counts"
        self.stats["calls " + label] += 1
        if tail_changed:
            self.violation(f"written beyond nret (nret={min(nret, 2)}"
                           f"{'+' if nret >= 2 else ''})",
                           f"cmd {cmd} nargs {nargs} nret {nret}: after "
                           f"rets: {tail} (was {MARKER:08x}a5a5a5a5)")
        if nret == 0:
            self.stats["nret 0: no status, nothing may be written"] += 1
            return None
        st = rets[0]
        self.status_by_cmd[(label, st)] += 1
        if st not in STATUS_NAMES:
            self.violation("not a PAPR status",
                           f"{label} cmd {cmd} nargs {nargs} nret {nret} "
                           f"in state {self.state}: rets[0] = {st:#x}")
        elif st not in exp:
            self.violation("status the state does not call for",
                           f"{label} cmd {cmd:#x} in state {self.state}: "
                           f"{st}, expected {sorted(exp)}")
        # the model follows what was allowed
        if nargs == 3 and nret == 1 and st in exp:
            if cmd == CMD_REGISTER and st == ST_OK:
                self.state = "registered"
            elif cmd == CMD_UNREGISTER and st == ST_OK:
                self.state, self.registered = "idle", None
            elif cmd == CMD_INVALIDATE and st == ST_OK:
                self.state, self.registered = "idle", None
                self.stats["dumps invalidated"] += 1
        return st

    def sections_of(self, info):
        return [Section(1 if s["requested"] else 0, s["type"], s["source"],
                        s["length"], s["destination"], s["error-flags"],
                        s["bytes-dumped"]) for s in info.get("sections", [])]

    def do_register(self):
        r = self.rng
        f = self.linux_fdm()
        names = self.mutate(f)
        buf = f.encode()
        nbytes = len(buf)
        # byte-level damage
        if names and r.random() < 0.3:
            for _ in range(r.randrange(1, 9)):
                i = r.randrange(len(buf))
                buf[i] ^= 1 << r.randrange(8) if r.random() < 0.7 else 0xFF
            names.append("bytes")
        # the call's length and address
        length = len(buf)
        c = r.random()
        if c < 0.12:
            length = r.choice((0, 1, 39, 40, 41, len(buf) - 1, len(buf) + 1,
                               len(buf) + 40, HDR_LEN + SEC_LEN * 10,
                               HDR_LEN + SEC_LEN * 10 + 1, 0x7FFFFFFF,
                               0x80000000, 0xFFFFFFFF, r.getrandbits(32),
                               r.randrange(HDR_LEN, FDM_BUF)))
            names.append("length")
        fdm_addr, addr = FDM_ADDR, FDM_ADDR
        if r.random() < 0.08:
            addr = r.choice((0, 1, 4, 8, FDM_ADDR + 1, FDM_ADDR + 4,
                             self.rma - 40, self.rma - len(buf),
                             self.rma - len(buf) + 1, self.rma,
                             self.rma + 0x1000, 0x7FFFFFFF, 0xFFFFFFFF,
                             r.getrandbits(32), r.randrange(self.rma)))
            names.append("address")
            # the structure goes there when that is RAM we may write
            if (addr + len(buf) <= self.ram and
                    not overlap(addr, len(buf), ARGS_ADDR, 0x2000)):
                fdm_addr = addr
        buf = buf[:FDM_BUF]
        self.stats["REGISTER " + ("pristine" if not names else "mutated")] += 1
        for n in set(names):
            self.mut_stats[n] += 1
        state_before = self.state
        self.recent.append(f"REGISTER mutations={names} len={length:#x} "
                           f"addr={addr:#x} fdm={bytes(buf[:nbytes]).hex()}")
        st = self.kernel_dump(CMD_REGISTER, addr, length, fdm=buf,
                              fdm_addr=fdm_addr)
        self.reg_status[(state_before, st)] += 1
        if state_before == "idle" and not names and st != ST_OK:
            self.violation("valid Linux-like structure refused",
                           f"status {st}: {bytes(buf[:nbytes]).hex()}")
        if st == ST_OK and state_before == "idle":
            self.check_registered(buf, fdm_addr, addr, length, names)

    def check_registered(self, buf, fdm_addr, addr, length, names):
        """A structure was accepted: is it safe, and the one written?"""
        info = self.q.qmp("query-fadump")
        self.stats["query-fadump"] += 1
        secs = self.sections_of(info)
        if info.get("state") != "registered" or info.get("status-flags"):
            self.violation("query-fadump disagrees",
                           f"after REGISTER 0: {info}")
        probs = safety_problems(secs, self.ram, self.cpu_need, self.hpte_need,
                                self.fw_end)
        if probs:
            self.violation("unsafe structure accepted",
                           f"mutations {names}: {'; '.join(probs[:4])}: "
                           f"{bytes(buf).hex()}")
        if addr == fdm_addr:
            hdr_num = struct.unpack_from(">H", buf, 4)[0]
            first = struct.unpack_from(">I", buf, 8)[0]
            if first + SEC_LEN * hdr_num <= len(buf):
                mine = decode_sections(buf, first, hdr_num)
                if [s.tup() for s in mine] != [s.tup() for s in secs]:
                    self.violation("registered sections are not the ones "
                                   "written", f"{names}")
        self.registered = secs
        self.stats["REGISTER accepted (checked safe)"] += 1
        if names:
            self.stats["REGISTER accepted mutated"] += 1

    def copy_size(self, secs):
        n = 0
        for s in secs:
            if s.req & 1 and not (src_len(s) and s.src == s.dst):
                n += s.len
        return n

    def do_os_term(self):
        """Take a dump: ibm,os-term with the registration in place, or a
        system reset (QMP inject-nmi) the OS has no handler for."""
        r = self.rng
        nmi = r.random() < self.a.nmi_share
        secs = self.registered
        # content samples: the copied sources, head, tail and random
        samples = []
        pattern = []
        for i, s in enumerate(secs):
            if not (s.req == 1 and s.type not in (T_CPU, T_HPTE) and s.len
                    and s.src != s.dst):
                continue
            offs = {0, max(0, s.len - 16)}
            for _ in range(2):
                offs.add(r.randrange(s.len))
            for o in sorted(offs):
                n = min(16, s.len - o)
                if overlap(s.src + o, n, ARGS_ADDR, 0x2000):
                    continue    # the call's own buffers are written later
                data = r.getrandbits(8 * n).to_bytes(n, "big")
                pattern.append(f"write {s.src + o:#x} {n} 0x{data.hex()}")
                samples.append((i, o, n))
        if pattern:
            self.q.qtest_batch(pattern)
        # what the sources hold now (sources may overlap each other)
        expect = []
        if samples:
            ans = self.q.qtest_batch([f"read {secs[i].src + o:#x} {n}"
                                      for i, o, n in samples])
            expect = [bytes.fromhex(x[5:]) for x in ans]
        trig = self.q.events["FADUMP_TRIGGERED"]
        resets = self.q.events["RESET"]
        if nmi:
            self.recent.append("QMP inject-nmi")
            self.q.qmp("inject-nmi")
            self.stats["dump trigger inject-nmi"] += 1
        else:
            msg = b"hostile guest: os-term\0"
            self.q.qtest_batch([f"write {MSG_ADDR:#x} {len(msg)} "
                                f"0x{msg.hex()}"])
            rets, tail_changed, tail = self.rtas("ibm,os-term", [MSG_ADDR], 1)
            self.stats["dump trigger os-term"] += 1
            if tail_changed or rets[0] != 0:
                self.violation("ibm,os-term answer",
                               f"rets[0] {rets[0]}, after rets {tail}")
        t0 = time.monotonic()
        self.q.wait_event("FADUMP_TRIGGERED", trig + 1, self.a.qemu_timeout)
        self.q.wait_event("RESET", resets + 1, self.a.qemu_timeout)
        self.stats["dump seconds x1000"] += int(1000 * (time.monotonic() - t0))
        ev = [e for e in self.q.event_log if e["event"] == "FADUMP_TRIGGERED"]
        if ev and ev[-1]["data"].get("status-flags") != 0xC000:
            self.violation("FADUMP_TRIGGERED status", json.dumps(ev[-1]))
        self.state = "active"
        self.stats["dumps taken"] += 1
        info = self.q.qmp("query-fadump")
        self.stats["query-fadump"] += 1
        got = self.sections_of(info)
        if (info.get("state") != "dump-active" or
                info.get("status-flags") != 0xC000 or
                [s.tup() for s in got] != [s.tup() for s in secs]):
            self.violation("query-fadump after the dump", json.dumps(info))
            return
        for i, s in enumerate(got):
            if (s.req == 1 and src_len(s) and s.src == s.dst and
                    overlap(s.dst, s.len, 0, self.fw_end)):
                # reported dumped, but the reboot loads the firmware there
                self.stats[INPLACE_FW] += 1
            if s.req != 1:
                if s.dumped or s.err:
                    self.violation("unrequested section dumped", f"{s.tup()}")
            elif s.err or s.dumped != s.len:
                self.violation("accepted section not dumped whole",
                               f"section {i} type {s.type:#x}: length "
                               f"{s.len:#x}, dumped {s.dumped:#x}, errors "
                               f"{s.err:#x}")
        # the copies: what the sources held
        if samples:
            ans = self.q.qtest_batch([f"read {secs[i].dst + o:#x} {n}"
                                      for i, o, n in samples])
            for (i, o, n), want, line in zip(samples, expect, ans):
                s = secs[i]
                got_b = bytes.fromhex(line[5:])
                if got_b != want and overlap(s.dst + o, n, 0, self.fw_end):
                    self.violation(
                        FW_CLOBBER,
                        f"section {i} type {s.type:#x} -> {s.dst:#x} length "
                        f"{s.len:#x}: offset {o:#x}: source had "
                        f"{want.hex()}, copy has {got_b.hex()}")
                elif got_b != want:
                    self.violation(
                        "dump content differs from the source",
                        f"section {i} type {s.type:#x} length {s.len:#x} "
                        f"({s.len - CHUNK * (s.len // CHUNK):#x} past a "
                        f"32 MiB chunk): offset {o:#x}: source had "
                        f"{want.hex()}, copy has {got_b.hex()}")
            self.stats["dump samples compared"] += len(samples)
        # the register save area
        for s in secs:
            if s.type == T_CPU and s.req == 1:
                (line,) = self.q.qtest_batch([f"read {s.dst:#x} 36"])
                b = bytes.fromhex(line[5:])
                magic, ver, off = struct.unpack_from(">QII", b)
                ncpu = struct.unpack_from(">I", b, 16)[0]
                first_id = struct.unpack_from(">Q", b, 20)[0]
                if (magic != int.from_bytes(b"REGSAVE\0", "big") or ver
                        or off != 16 or ncpu != 2 or
                        first_id != int.from_bytes(b"CPUSTRT\0", "big")):
                    self.violation(
                        FW_CLOBBER if overlap(s.dst, 36, 0, self.fw_end)
                        else "register save area",
                        f"CPU state section -> {s.dst:#x} length "
                        f"{s.len:#x}: first 36 bytes {b.hex()}")

    def do_bad(self):
        """Unknown commands, wrong nargs/nret."""
        r = self.rng
        if r.random() < 0.4:
            cmd = r.choice((0, 4, 5, 0x101, 0x80000001, 0xFFFFFFFF,
                            0xFFFFFFFE, r.getrandbits(32)))
            self.kernel_dump(cmd, FDM_ADDR, r.choice((0, 200, 440)))
            return
        cmd = r.choice((1, 1, 2, 3, 0, r.getrandbits(32)))
        nargs, nret = 3, 1
        while nargs == 3 and nret == 1:
            nargs = r.choice((0, 1, 2, 3, 3, 4, 5, 8, 16))
            nret = r.choice((0, 1, 1, 2, 3, 4, 8))
        self.kernel_dump(cmd, FDM_ADDR, 440, nargs=nargs, nret=nret)

    def step(self):
        r = self.rng
        x = r.random()
        if self.state == "idle":
            if x < 0.86:
                self.do_register()
            elif x < 0.90:
                self.kernel_dump(CMD_UNREGISTER, FDM_ADDR, 440)
            elif x < 0.94:
                self.kernel_dump(CMD_INVALIDATE, FDM_ADDR, 440)
            else:
                self.do_bad()
        elif self.state == "registered":
            if (x < self.a.os_term_rate and self.registered is not None and
                    self.copy_size(self.registered) <= self.a.max_copy and
                    not any(overlap(s.dst, s.len, KEEP_OUT[0],
                                    KEEP_OUT[1] - KEEP_OUT[0])
                            for s in self.registered)):
                self.do_os_term()
            elif x < 0.40:
                self.do_register()
            elif x < 0.75:
                self.kernel_dump(CMD_UNREGISTER, FDM_ADDR,
                                 r.choice((440, 0, 0xFFFFFFFF)))
            elif x < 0.87:
                self.kernel_dump(CMD_INVALIDATE, FDM_ADDR, 440)
            else:
                self.do_bad()
        else:
            if x < 0.30:
                self.do_register()
            elif x < 0.50:
                self.kernel_dump(CMD_UNREGISTER, FDM_ADDR, 440)
            elif x < 0.80:
                self.kernel_dump(CMD_INVALIDATE, FDM_ADDR,
                                 r.choice((440, 0, 0xFFFFFFFF)))
            else:
                self.do_bad()

    def periodic(self):
        q = self.q
        if not q.alive():
            raise Failure("QEMU exited")
        info = q.qmp("query-fadump")
        self.stats["query-fadump"] += 1
        want = {"idle": "idle", "registered": "registered",
                "active": "dump-active"}[self.state]
        if info.get("state") != want or not info.get("enabled"):
            self.violation("query-fadump disagrees with the model",
                           f"model {self.state}: {json.dumps(info)[:300]}")
        ok = sum(v for (st, s), v in self.reg_status.items()
                 if st == "idle" and s == ST_OK)
        if q.events["FADUMP_REGISTERED"] != ok:
            self.violation("FADUMP_REGISTERED events",
                           f"{q.events['FADUMP_REGISTERED']} events, "
                           f"{ok} successful REGISTERs")
        self.check_stderr()

    def check_stderr(self):
        size = os.path.getsize(self.q.stderr_path)
        if size > self.stderr_seen:
            with open(self.q.stderr_path, "rb") as f:
                f.seek(self.stderr_seen)
                new = f.read().decode("utf-8", "replace")
            self.stderr_seen = size
            lines, _, _ = classify_stderr_text(new)
            if lines:
                raise Failure("QEMU wrote to stderr:\n" + new[:4000])


def repro_register(q, fdm):
    """REGISTER @fdm (bytes) at FDM_ADDR through the qtest protocol; the
    status the call stored."""
    args = ARGS_ADDR
    ans = q.qtest_batch([
        f"write {FDM_ADDR:#x} {len(fdm)} 0x{fdm.hex()}",
        f"write {args:#x} 16 0x{struct.pack('>IIII', 1, FDM_ADDR, len(fdm), MARKER).hex()}",
        f"rtas ibm,configure-kernel-dump 3 {args:#x} 1 {args + 12:#x}",
        f"readl {args + 12:#x}"])
    return struct.unpack(">i", struct.pack(">I", int(ans[3].split()[1], 16)))[0]


def repro_chunk_tail(a):
    """Minimal reproducer: a real mode region one byte longer than QEMU's
    32 MiB copy chunk is reported dumped whole, but its last byte is not
    copied (do_preserve_region() counts the chunks in single-precision
    float: ceil((src_len * 1.0f) / 32 MiB) is 1 for 32 MiB + 1).
    Returns 1 if the defect shows, 0 if the byte was copied."""
    out = a.out
    os.makedirs(out, exist_ok=True)
    q = Qemu(a.qemu, a.firmware_dir, out, os.path.join(out, "qemu-stderr.log"),
             a.qemu_timeout, trace=sys.stdout)
    try:
        ln, dst = CHUNK + 1, 0x20000000
        hdr = struct.pack(">IHHIIQQII", 1, 2, 0, HDR_LEN, 0, 0, 0, 0, 0)
        cpu = struct.pack(">IHHQQQQ", 1, T_CPU, 0, 0, MiB, 0, 0x10000000)
        rmr = struct.pack(">IHHQQQQ", 1, T_RMR, 0, 0, ln, 0, dst)
        fdm = hdr + cpu + rmr
        args = ARGS_ADDR
        print("# REGISTER: CPU state + real mode region [0, 32 MiB + 1) "
              f"-> {dst:#x}")
        st = repro_register(q, fdm)
        print(f"# REGISTER status {st}")
        if st != ST_OK:
            print("FAIL: the structure was refused")
            return 2
        q.qtest_batch([
            # the source's last byte, and the destination's
            f"writeb {CHUNK:#x} 0x5a",
            f"writeb {dst + CHUNK:#x} 0x00",
            f"write {args:#x} 8 0x{struct.pack('>II', MSG_ADDR, MARKER).hex()}",
            f"rtas ibm,os-term 1 {args:#x} 1 {args + 4:#x}"])
        q.wait_event("FADUMP_TRIGGERED", 1, a.qemu_timeout)
        q.wait_event("RESET", 1, a.qemu_timeout)
        info = q.qmp("query-fadump")
        sec = info["sections"][1]
        (b,) = q.qtest_batch([f"readb {dst + CHUNK:#x}"])
        got = int(b.split()[1], 16)
        print(f"# query-fadump: state {info['state']}, real mode region "
              f"length {sec['length']:#x}, bytes-dumped "
              f"{sec['bytes-dumped']:#x}, error-flags {sec['error-flags']:#x}")
        print(f"# source byte at {CHUNK:#x}: 0x5a; its copy at "
              f"{dst + CHUNK:#x}: {got:#04x}")
        bad = got != 0x5A and sec["bytes-dumped"] == ln
        print("DEFECT: the last byte was reported dumped but not copied"
              if bad else "OK: the last byte was copied")
        return 1 if bad else 0
    finally:
        q.quit(a.qemu_timeout)


def repro_fw_clobber(a):
    """Minimal reproducer: a CPU state section whose destination is 0 is
    accepted and reported dumped whole, but the reboot that follows the
    dump loads the firmware image (vof.bin, a ROM at 0) over it: the
    register save area is gone.  Returns 1 if the defect shows."""
    out = a.out
    os.makedirs(out, exist_ok=True)
    q = Qemu(a.qemu, a.firmware_dir, out, os.path.join(out, "qemu-stderr.log"),
             a.qemu_timeout, trace=sys.stdout)
    try:
        hdr = struct.pack(">IHHIIQQII", 1, 1, 0, HDR_LEN, 0, 0, 0, 0, 0)
        cpu = struct.pack(">IHHQQQQ", 1, T_CPU, 0, 0, 0x10000, 0, 0)
        fdm = hdr + cpu
        args = ARGS_ADDR
        print("# REGISTER: one CPU state section, destination 0")
        st = repro_register(q, fdm)
        print(f"# REGISTER status {st}")
        if st != ST_OK:
            print("OK: the structure was refused")
            return 0
        ans = q.qtest_batch([
            f"write {args:#x} 8 0x{struct.pack('>II', MSG_ADDR, MARKER).hex()}",
            f"rtas ibm,os-term 1 {args:#x} 1 {args + 4:#x}",
            # before the reboot the main loop has not run yet: the copy
            "read 0x0 8"])
        print(f"# at 0 right after the dump: {bytes.fromhex(ans[2][5:])!r}")
        q.wait_event("FADUMP_TRIGGERED", 1, a.qemu_timeout)
        q.wait_event("RESET", 1, a.qemu_timeout)
        info = q.qmp("query-fadump")
        sec = info["sections"][0]
        (b,) = q.qtest_batch(["read 0x0 8"])
        got = bytes.fromhex(b[5:])
        print(f"# query-fadump: state {info['state']}, CPU state section "
              f"length {sec['length']:#x}, bytes-dumped "
              f"{sec['bytes-dumped']:#x}, error-flags {sec['error-flags']:#x}")
        print(f"# at 0 after the reboot: {got!r} (want b'REGSAVE\\x00')")
        bad = got != b"REGSAVE\0" and sec["bytes-dumped"] == 0x10000
        print("DEFECT: the register save area was reported dumped, then "
              "overwritten by the firmware" if bad else
              "OK: the register save area is there")
        return 1 if bad else 0
    finally:
        q.quit(a.qemu_timeout)


REPROS = {"chunk-tail": repro_chunk_tail, "fw-clobber": repro_fw_clobber}


def log(msg):
    print(f"[rtas_hostile] {msg}", file=sys.stderr, flush=True)


def classify_stderr_text(text):
    """(lines that count, sanitizer lines among them, ASan notices)"""
    lines, notices = [], []
    for x in text.splitlines():
        if not x.strip():
            continue
        (notices if ASAN_NOTICE_RE.match(x) else lines).append(x)
    san = [x for x in lines if SANITIZER_RE.search(x)]
    return lines, san, notices


def classify_stderr(path):
    with open(path, "rb") as f:
        return classify_stderr_text(f.read().decode("utf-8", "replace"))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qemu", required=True)
    p.add_argument("--firmware-dir", default="/usr/share/qemu")
    p.add_argument("--calls", type=int, default=1000000,
                   help="ibm,configure-kernel-dump calls to make")
    p.add_argument("--seed", type=int)
    p.add_argument("--time-limit", type=float, default=3600,
                   help="seconds; 0: none")
    p.add_argument("--out", required=True, help="directory for the logs")
    p.add_argument("--check-every", type=int, default=10000)
    p.add_argument("--os-term-rate", type=float, default=0.03,
                   help="chance of ibm,os-term per step while registered")
    p.add_argument("--nmi-share", type=float, default=0.25,
                   help="share of the dumps triggered by QMP inject-nmi "
                   "(a system reset the OS has no handler for) instead of "
                   "ibm,os-term; 0 with a series before that trigger")
    p.add_argument("--max-copy", type=int, default=80 * MiB,
                   help="dump only registrations that copy at most this")
    p.add_argument("--qemu-timeout", type=float, default=120)
    p.add_argument("--stop-on-violation", action="store_true")
    p.add_argument("--trace", help="write every qtest command to this file")
    p.add_argument("--repro", choices=sorted(REPROS),
                   help="run the minimal reproducer of a defect the run "
                   "found, printing its qtest commands, instead of the run")
    a = p.parse_args()
    if a.repro:
        return REPROS[a.repro](a)
    if a.seed is None:
        p.error("--seed is required")
    os.makedirs(a.out, exist_ok=True)
    stderr_path = os.path.join(a.out, "qemu-stderr.log")
    trace = open(a.trace, "w") if a.trace else None
    rng = random.Random(a.seed)
    start = time.monotonic()
    result = {"seed": a.seed, "calls_requested": a.calls}
    failure = None
    q = None
    run = None
    exit_status = None
    try:
        q = Qemu(a.qemu, a.firmware_dir, a.out, stderr_path,
                 a.qemu_timeout, trace)
        result["qemu_argv"] = q.argv
        run = Run(a, q, rng, a.out)
        run.learn_machine()
        run.check_stderr()
        next_check = a.check_every
        next_report = 100000
        t_report = time.monotonic()
        while run.calls < a.calls:
            run.step()
            if run.calls >= next_check:
                next_check += a.check_every
                q.drain_events()
                run.periodic()
                el = time.monotonic() - start
                if a.time_limit and el > a.time_limit:
                    raise Failure(f"time limit: {run.calls} calls in "
                                  f"{el:.0f}s")
            if run.calls >= next_report:
                next_report += 100000
                now = time.monotonic()
                log(f"{run.calls} calls, {100000 / (now - t_report):.0f}/s, "
                    f"state {run.state}, {run.stats['dumps taken']} dumps, "
                    f"{sum(run.violations.values())} violations")
                t_report = now
        q.drain_events()
        run.periodic()
    except Failure as e:
        failure = str(e)
    except Exception as e:       # a driver bug: still report what we have
        import traceback
        failure = "driver error: " + "".join(traceback.format_exception(e))
    elapsed = time.monotonic() - start
    # shut QEMU down: LeakSanitizer runs at exit
    if q is not None:
        if q.alive():
            exit_status = q.quit(a.qemu_timeout)
            if exit_status is None:
                failure = failure or "QEMU did not exit after QMP quit"
            elif exit_status != 0 and not failure:
                failure = f"QEMU exited with status {exit_status} after quit"
        else:
            exit_status = q.proc.returncode
            q.kill()
            failure = failure or f"QEMU died (status {exit_status})"
            failure += f" (QEMU exit status {exit_status})"
    if trace:
        trace.close()
    lines, san, notices = classify_stderr(stderr_path) if q else ([], [], [])
    if lines and not failure:
        failure = "QEMU wrote to stderr"
    calls = run.calls if run else 0
    result.update({
        "calls": calls,
        "seconds": round(elapsed, 1),
        "calls_per_second": round(calls / elapsed) if elapsed else 0,
        "qemu_exit_status": exit_status,
        "stderr_lines": len(lines),
        "sanitizer_lines": len(san),
        "asan_coroutine_notices": len(notices),
        "failure": failure,
    })
    if run:
        result["stats"] = dict(sorted(run.stats.items()))
        result["register_status"] = {
            f"{st} -> {STATUS_NAMES.get(s, s)}": v
            for (st, s), v in sorted(
                run.reg_status.items(),
                key=lambda kv: (("idle", "registered", "active").index(
                    kv[0][0]), -kv[0][1]))}
        result["status_by_call"] = {
            f"{c} -> {STATUS_NAMES.get(s, s)}": v
            for (c, s), v in sorted(run.status_by_cmd.items())}
        result["mutations"] = dict(sorted(run.mut_stats.items()))
        result["events"] = dict(sorted(q.events.items()))
        result["violations"] = dict(run.violations)
        result["violation_examples"] = dict(run.examples)
        result["final_state"] = run.state
        with open(os.path.join(a.out, "recent.txt"), "w") as f:
            f.write("\n".join(run.recent) + "\n")
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(result, f, indent=1, default=str)

    # the human summary
    pr = print
    pr(f"seed {a.seed}: {calls} ibm,configure-kernel-dump calls in "
       f"{elapsed:.1f}s ({result['calls_per_second']}/s)")
    if run:
        s = run.stats
        pr("calls: " + ", ".join(f"{k[6:]} {v}" for k, v in sorted(s.items())
                                 if k.startswith("calls ")))
        pr(f"REGISTER: {s['REGISTER pristine']} Linux-like, "
           f"{s['REGISTER mutated']} mutated; results by state:")
        for k, v in result["register_status"].items():
            pr(f"  {k}: {v}")
        pr(f"  accepted and checked safe: "
           f"{s['REGISTER accepted (checked safe)']} (of them mutated: "
           f"{s['REGISTER accepted mutated']})")
        pr("other calls by status:")
        for k, v in result["status_by_call"].items():
            if not k.startswith("REGISTER"):
                pr(f"  {k}: {v}")
        pr(f"dumps: {s['dumps taken']} taken ({s['dump trigger os-term']} by "
           f"ibm,os-term, {s['dump trigger inject-nmi']} by inject-nmi), "
           f"{s['dumps invalidated']} invalidated by INVALIDATE, "
           f"{s['dump samples compared']} copied samples compared")
        pr(f"  in-place sections over the firmware image, reported dumped "
           f"(not checked: the series leaves them to the OS): "
           f"{s[INPLACE_FW]}")
        pr(f"calls with nret 0 (no status; checked nothing was written): "
           f"{s['nret 0: no status, nothing may be written']}")
        pr(f"query-fadump: {s['query-fadump']}; events: "
           + ", ".join(f"{k} {v}" for k, v in result["events"].items()))
        pr(f"violations: {sum(run.violations.values())}")
        for k, v in run.violations.items():
            pr(f"  {k}: {v}, first at call {run.examples[k][0]['call']}: "
               f"{run.examples[k][0]['detail'][:300]}")
    pr(f"QEMU exit status {exit_status}; stderr lines {len(lines)}, "
       f"sanitizer lines {len(san)} ({stderr_path}; not counted: "
       f"{len(notices)} ASan makecontext/swapcontext notice)")
    for x in lines[:40]:
        pr("  | " + x)
    if failure:
        pr(f"FAILURE: {failure[:2000]}")
    bad = failure or san or (run and run.violations)
    pr("RESULT: " + ("FAIL" if bad else "PASS") +
       f" (summary: {os.path.join(a.out, 'summary.json')})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
