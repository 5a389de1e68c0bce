#!/usr/bin/python3
"""The fadump-extract command on generated guests (fadump-gen): its exit
codes, its outputs, --json, and that a failure never leaves a file behind:
inputs cut at many offsets or with corrupted headers and structures, for
-o and --validate, exit 3 with the problem named and nothing written.

Usage: test_cli.py FADUMP_EXTRACT FADUMP_GEN   (TAP on stdout)
"""

import filecmp
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import tap  # noqa: E402
from extract_cli import GEN, run  # noqa: E402
from tap import check  # noqa: E402


def gen(d, *args):
    os.makedirs(d, exist_ok=True)
    subprocess.run([GEN, d, *args], check=True, timeout=120)


def listing(d):
    return sorted(os.listdir(d))


def find_all(path, pattern):
    """File offsets of every occurrence of @pattern in @path"""
    with open(path, "rb") as f:
        data = f.read()
    at, found = data.find(pattern), []
    while at >= 0:
        found.append(at)
        at = data.find(pattern, at + 1)
    return found


def elf_layout(path):
    """(phoff, [(p_type, p_offset, p_paddr, p_filesz)]) of an ELF64, either byte order"""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    e = ">" if head[5] == 2 else "<"
    phoff, = struct.unpack_from(e + "Q", head, 32)
    phnum, = struct.unpack_from(e + "H", head, 56)
    phdrs = []
    for i in range(phnum):
        t, _, off, _, paddr, filesz = struct.unpack_from(e + "IIQQQQ", head, phoff + 56 * i)
        phdrs.append((t, off, paddr, filesz))
    return phoff, phdrs


def file_offset(path, paddr):
    """Where guest physical @paddr is in a QEMU ELF dump"""
    for t, off, start, filesz in elf_layout(path)[1]:
        if t == 1 and start <= paddr < start + filesz:
            return off + paddr - start
    raise ValueError(f"0x{paddr:x} not in {path}")


def cut(src, dst, size):
    with open(src, "rb") as s, open(dst, "wb") as d:
        remaining = size
        while remaining:
            chunk = s.read(min(remaining, 1 << 20))
            if not chunk:
                break
            d.write(chunk)
            remaining -= len(chunk)


def patched(src, dst, edits):
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        for off, data in edits:
            f.seek(off)
            f.write(data)


def input_error(name, args, words, outdir, code=3):
    """fadump-extract ARGS fails with @code, its message has one of @words, and
    @outdir (where -o writes) is left as it was: no output, no temporary"""
    before = listing(outdir)
    r = run(*args)
    left = sorted(set(listing(outdir)) - set(before))
    check(f"{name}: exit {code}, says {words[0]!r}, nothing left",
          r.returncode == code and any(w in r.stderr or w in r.stdout for w in words)
          and not left, f"exit {r.returncode}; left {left}; {r.stderr.strip()[:300]}")


def elf_notes(path):
    """[(name, type, desc)] of the PT_NOTEs of an ELF64 vmcore, either
    byte order, walked like the kernel: until n_namesz 0"""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    e = ">" if head[5] == 2 else "<"
    notes = []
    for t, off, _, filesz in elf_layout(path)[1]:
        if t != 4:
            continue
        end, at = off + filesz, off
        while at + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from(e + "III", head, at)
            if namesz == 0:
                break
            name = head[at + 12:at + 12 + namesz].rstrip(b"\0").decode()
            desc_at = at + 12 + (namesz + 3) // 4 * 4
            notes.append((name, ntype, head[desc_at:desc_at + descsz]))
            at = desc_at + (descsz + 3) // 4 * 4
    return notes


def drgn_checks(top):
    """-o --for-drgn: every NT_PRSTATUS numbered pr_pid = CPU + 1 (the CPUs
    of --json's report, in note order), VMCOREINFO without CRASHTIME=,
    the rest of the capture kernel's vmcore unchanged; the default output
    stays the capture kernel's (pr_pid 0, CRASHTIME=)"""
    for variant in ("612-le", "612-be-old", "61-le"):
        d = os.path.join(top, variant)
        dump, expected = os.path.join(d, "dump.elf"), os.path.join(d, "expected.vmcore")
        out = os.path.join(d, "drgn.vmcore")
        r = run("--json", dump, "-o", out, "--for-drgn")
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            rep = {}
        check(f"{variant}: -o --for-drgn exits 0, reported", r.returncode == 0
              and (rep.get("output") or {}).get("for_drgn") is True, r.stdout[-300:] + r.stderr)
        if r.returncode != 0:
            continue
        be = variant.startswith("612-be")
        e = ">" if be else "<"
        cpus = [c["cpu"] for c in rep.get("cpus", [])]
        ours, theirs = elf_notes(out), elf_notes(expected)
        pr = [n for n in ours if n[:2] == ("CORE", 1)]
        pr0 = [n for n in theirs if n[:2] == ("CORE", 1)]
        pids = [struct.unpack_from(e + "I", n[2], 32)[0] for n in pr]
        check(f"{variant}: --for-drgn: pr_pid = CPU + 1 in note order, the capture "
              "kernel's pr_pid 0 otherwise",
              pids == [c + 1 for c in cpus] and len(cpus) == 4
              and all(struct.unpack_from(e + "I", n[2], 32)[0] == 0 for n in pr0), f"{pids} {cpus}")
        check(f"{variant}: --for-drgn: the registers and the rest of each note unchanged",
              len(pr) == len(pr0) and all(a[2][:32] == b[2][:32] and a[2][36:] == b[2][36:]
                                          for a, b in zip(pr, pr0)))
        vi = [n[2] for n in ours if n[0] == "VMCOREINFO"]
        vi0 = [n[2] for n in theirs if n[0] == "VMCOREINFO"]
        check(f"{variant}: --for-drgn: VMCOREINFO is the kernel's without its CRASHTIME= line",
              len(vi) == 1 and len(vi0) == 1 and b"CRASHTIME=" in vi0[0]
              and vi[0] == b"".join(line for line in vi0[0].splitlines(True)
                                    if not line.startswith(b"CRASHTIME=")), f"{vi[:1]!r}")
        _, ph = elf_layout(out)
        _, ph0 = elf_layout(expected)
        loads = [p for p in ph if p[0] == 1]
        with open(out, "rb") as f, open(expected, "rb") as g:
            a, b = f.read(), g.read()
        check(f"{variant}: --for-drgn: same size, same memory after the notes",
              len(a) == len(b) and loads and loads == [p for p in ph0 if p[0] == 1]
              and all(a[o:o + n] == b[o:o + n] for _, o, _, n in loads))
        os.unlink(out)
    d = os.path.join(top, "612-le")
    out = os.path.join(d, "drgn.kdump")
    r = run(os.path.join(d, "dump.elf"), "-o", out, "--for-drgn", "--kdump")
    with open(out, "rb") as f:
        k = f.read(1 << 20)
    check("--for-drgn --kdump: exit 0, no CRASHTIME= in the kdump sub-header's notes",
          r.returncode == 0 and b"OSRELEASE=" in k and b"CRASHTIME=" not in k, r.stderr)
    os.unlink(out)
    for args, what in ((["--for-drgn"], "without -o"),
                       (["--for-drgn", "-o", out, "--validate", os.path.join(d, "expected.vmcore")],
                        "with --validate")):
        r = run(os.path.join(d, "dump.elf"), *args)
        check(f"--for-drgn {what}: usage error 2, nothing written",
              r.returncode == 2 and "--for-drgn" in r.stderr and not os.path.exists(out), r.stderr)


def robustness(top):
    """Truncated and corrupted inputs: exit 3, the problem named, nothing left behind"""
    d, d61 = os.path.join(top, "612-le"), os.path.join(top, "61-le")
    dump, vmcore, raw = (os.path.join(d, n) for n in ("dump.elf", "expected.vmcore", "ram.raw"))
    dump61 = os.path.join(d61, "dump.elf")
    work = os.path.join(top, "bad")
    out = os.path.join(top, "out")
    os.makedirs(work, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, "vmcore")
    bad = os.path.join(work, "bad")
    size = os.path.getsize(dump)
    phoff, phdrs = elf_layout(dump)
    notes_off = next(off for t, off, _, _ in phdrs if t == 4)
    mem_off = next(off for t, off, _, _ in phdrs if t == 1)
    with open(os.path.join(d, "fdm-addr")) as f:
        fdm = int(f.read(), 16)
    truncated = ["truncated", "shorter than", "beyond", "not a dump this tool reads"]

    # -o: the dump cut anywhere, header to the last byte
    for at in sorted({0, 1, 4, 16, 40, 63, 64, 65, 127, phoff - 1, phoff, phoff + 55,
                      phoff + 56 * len(phdrs) - 1, notes_off, notes_off + 100,
                      mem_off - 1, mem_off, mem_off + 1, file_offset(dump, fdm) + 8,
                      size // 3, size // 2, size - 4096, size - 12, size - 1}):
        cut(dump, bad, at)
        input_error(f"-o, dump cut at {at}", [bad, "-o", target], truncated, out)
    for at in (64, 1000, os.path.getsize(dump61) // 2, os.path.getsize(dump61) - 1):
        cut(dump61, bad, at)
        input_error(f"-o, 6.1 dump cut at {at}", [bad, "-o", target], truncated, out)
    # a raw image cut short: its registration points past the end
    for at in (9 << 20, 17 << 20, os.path.getsize(raw) - 1):
        cut(raw, bad, at)
        input_error(f"-o, raw image cut at {at}", ["--raw-base", "0", bad, "-o", target],
                    ["is the dump complete", "not in the dump",
                     "does not hold"], out)

    # -o: corrupted headers and structures, each named
    fdm_off = file_offset(dump, fdm)
    fdh61 = find_all(dump61, b"FNIPMDAF")
    ehdr61 = [o for o in find_all(dump61, b"\x7fELF") if fdh61 and o > fdh61[0]][:1]
    corrupt = [
        ("ELF magic", dump, [(0, b"\x7fELG")], [], ["not a dump this tool reads"]),
        ("e_phentsize", dump, [(54, b"\x20\x00")], [], ["program header size"]),
        ("PT_LOAD p_offset", dump, [(phoff + 56 + 8, struct.pack("<Q", 1 << 60))], [],
         ["truncated dump"]),
        ("PT_LOAD p_filesz", dump, [(phoff + 56 + 32, struct.pack("<Q", 1 << 50))], [],
         ["exceeds p_memsz"]),
        ("fdm version", dump, [(fdm_off, b"\0\0\0\x07")], ["--fdm-addr", hex(fdm)],
         ["format version 7"]),
        ("fdm section count", dump, [(fdm_off + 4, b"\0\x77")], ["--fdm-addr", hex(fdm)],
         ["119 sections"]),
        ("crash-info header magic", dump,
         [(o, b"XXXXXXXX") for o in find_all(dump, b"GISPMDAF")], [], ["crash-info header"]),
        ("register save area magic", dump,
         [(o, b"XXXXXXX") for o in find_all(dump, b"REGSAVE")], [], ["register save area"]),
        ("VMCOREINFO PAGESIZE", dump,
         [(o, b"PAGESIZE=6553x") for o in find_all(dump, b"PAGESIZE=65536")], [],
         ["PAGESIZE=6553x"]),
        ("6.1 ELF core header class", dump61, [(o + 4, b"\x01") for o in ehdr61], [],
         ["ELF core header"]),
        ("6.1 ELF core header e_phnum", dump61, [(o + 56, b"\xff\xff") for o in ehdr61], [],
         ["ELF core header"]),
        ("6.1 ELF core header PT_NOTE offset", dump61,
         [(o + 64 + 56 + 8, struct.pack("<Q", 1 << 40)) for o in ehdr61], [],
         ["ELF core header"]),
    ]
    for name, src, edits, extra, words in corrupt:
        if not edits:
            check(f"-o, corrupt {name}: found where to corrupt", False)
            continue
        patched(src, bad, edits)
        input_error(f"-o, corrupt {name}", [*extra, bad, "-o", target], words, out)

    # --validate: the vmcore under test cut or corrupt in its headers and
    # notes (exit 3; cut in its data it is a mismatch naming the size: 1);
    # with -o too, nothing is written either way
    vsize = os.path.getsize(vmcore)
    vphoff, vphdrs = elf_layout(vmcore)
    vnotes = next(off for t, off, _, _ in vphdrs if t == 4)
    for at in sorted({0, 1, 10, 63, 64, vphoff + 55, vnotes - 1, vnotes + 1, vnotes + 200}):
        cut(vmcore, bad, at)
        input_error(f"--validate, vmcore cut at {at}", ["--validate", bad, dump, "-o", target],
                    ["beyond the file", "not an ELF64"], out)
    for at in (vsize // 2, vsize - 1):
        cut(vmcore, bad, at)
        input_error(f"--validate, vmcore cut at {at} (data)", ["--validate", bad, dump],
                    [f"size: {at} bytes, rebuilt {vsize}"], out, code=1)
    for name, edits, words in (
            ("ELF magic", [(1, b"X")], ["not an ELF64 file"]),
            ("e_phentsize", [(54, b"\x20\x00")], ["program header size 32"]),
            ("e_phoff", [(32, struct.pack("<Q", 1 << 40))], ["end beyond the file"]),
            ("PT_NOTE p_filesz", [(vphoff + 32, struct.pack("<Q", 1 << 40))],
             ["bytes of notes"]),
            ("PT_NOTE p_offset", [(vphoff + 8, struct.pack("<Q", 1 << 40))],
             ["ends beyond the file"])):
        patched(vmcore, bad, edits)
        input_error(f"--validate, vmcore with corrupt {name}",
                    ["--validate", bad, dump, "-o", target], words, out)
    # --validate of a good vmcore against a cut or corrupt dump
    for at in (100, size // 2, size - 1):
        cut(dump, bad, at)
        input_error(f"--validate, dump cut at {at}", ["--validate", vmcore, bad, "-o", target],
                    truncated, out)
    patched(dump, bad, [(o, b"XXXXXXX") for o in find_all(dump, b"REGSAVE")])
    input_error("--validate, dump with corrupt register save area",
                ["--validate", vmcore, bad, "-o", target], ["register save area"], out)
    check("robustness: the output directory stayed empty", listing(out) == [], listing(out))
    shutil.rmtree(work, ignore_errors=True)


def vmcore_dmesg():
    cache = os.environ.get("FADUMP_CACHE", os.path.expanduser("~/.cache/qemu-fadump"))
    path = os.environ.get("FADUMP_VMCORE_DMESG",
                          os.path.join(cache, "tools/kexec-tools/sbin/vmcore-dmesg"))
    return path if os.access(path, os.X_OK) else None


def dmesg_format(rec):
    """A record as vmcore-dmesg prints it."""
    ts = rec["ts_nsec"]
    text = "".join(c if (" " <= c < "\x7f" or c in "\t\n\v\f\r") else f"\\x{ord(c):02x}"
                   for c in rec["text"])
    return f"[{ts // 10**9:5d}.{ts % 10**9 // 1000:06d}] {text}\n"


def triage_checks(top, no_ring_dump):
    for variant, args in (("printk-61-be", ["--kernel", "6.1", "--big-endian", "--printk", "6.1"]),
                          ("printk-612-le", ["--printk", "6.12"]),
                          ("printk-72-le-capture", ["--printk", "7.2", "--clobber-boot"])):
        d = os.path.join(top, variant)
        gen(d, *args)
        dump = os.path.join(d, "dump.elf")
        with open(os.path.join(d, "printk.txt")) as f:
            want = f.read()
        r = run("--triage", "--json", "--log-lines", "0", dump)
        try:
            tri = json.loads(r.stdout).get("triage", {})
        except ValueError as err:
            tri = {}
            check(f"{variant}: --triage --json is JSON", False, f"{err}: {r.stdout[:200]}")
        check(f"{variant}: --triage exits 0", r.returncode == 0, r.stderr)
        log = tri.get("log") or {}
        ours = "".join(dmesg_format(rec) for rec in log.get("records", []))
        check(f"{variant}: --triage's log is the ring's records", ours == want and want,
              f"ours:\n{ours[-500:]}\nwant:\n{want[-500:]}")
        check(f"{variant}: panic, Oops report, release, crashing CPU",
              (tri.get("panic") or {}).get("message") == "Fatal exception"
              and len(tri.get("oops", [])) == 5 and tri.get("crashing_cpu") == 0
              and tri.get("osrelease") in ("6.1.176", "6.12.95")
              and tri.get("crashtime") == 1700000000, json.dumps(tri)[:500])
        vd = vmcore_dmesg()
        if vd:
            r = subprocess.run([vd, os.path.join(d, "expected.vmcore")], capture_output=True,
                               text=True, timeout=60)
            check(f"{variant}: vmcore-dmesg reads the generated ring as fadump-gen wrote it",
                  r.returncode == 0 and r.stdout == want, r.stdout[-500:] + r.stderr)
        r = run("--triage", "--log-lines", "2", dump, "-o", os.path.join(d, "out.vmcore"))
        check(f"{variant}: --triage with -o: text, the vmcore written",
              r.returncode == 0 and "panic: Fatal exception" in r.stdout
              and r.stdout.count("\n[") == 2 and filecmp.cmp(
                  os.path.join(d, "out.vmcore"), os.path.join(d, "expected.vmcore"),
                  shallow=False), r.stdout + r.stderr)
        shutil.rmtree(d, ignore_errors=True)

    r = run("--triage", "--json", no_ring_dump)
    tri = json.loads(r.stdout).get("triage", {}) if r.returncode == 0 else {}
    check("--triage without a printk ring: exit 0, the log error named",
          r.returncode == 0 and tri.get("log") is None
          and "SYMBOL(prb)" in (tri.get("log_error") or "") and tri.get("registers"),
          r.stdout[:500] + r.stderr)
    r = run("--log-lines", "3", no_ring_dump)
    check("--log-lines without --triage exits 2", r.returncode == 2, r.stderr)
    r = run("--triage", "--log-lines", "-1", no_ring_dump)
    check("--log-lines -1 exits 2", r.returncode == 2, r.stderr)


def guest_triage_checks(top):
    """--triage of guests that never registered fadump (fadump-gen
    --no-fadump --backtraces: VMCOREINFO only in the vmcoreinfo_data page
    at 0x30000, panic_cpu at 0x480000 found through kallsyms, QEMU 9.1+
    notes holding where each vCPU stopped): the same report as with
    fadump, each fact with where it came from"""
    for variant, args in (("nofadump-le", []), ("nofadump-be", ["--big-endian"])):
        d = os.path.join(top, variant)
        gen(d, "--no-fadump", "--printk", "6.12", "--backtraces", "--crashing-cpu", "2", *args)
        dump = os.path.join(d, "dump.elf")
        r = run("--triage", "--log-lines", "1", dump)
        check(f"{variant}: --triage without fadump exits 0, each fact with its source",
              r.returncode == 0
              and "(no fadump registration)\n" in r.stdout
              and "VMCOREINFO: from guest memory: the kernel's vmcoreinfo_data page at "
                  "0x30000 (49 pages probed)\n" in r.stdout
              and "crashing CPU: 2 (from panic_cpu in kernel memory (located by "
                  "kallsyms))\n" in r.stdout
              and "registers: from QEMU's NT_PRSTATUS notes (where QEMU stopped each "
                  "vCPU; numbered by pr_pid - 1" in r.stdout
              and "panic: Fatal exception\n" in r.stdout
              and "Kernel panic - not syncing: Fatal exception" in r.stdout
              and "backtraces: 4 CPUs" in r.stdout,
              r.stdout + r.stderr)
        if not args:
            check(f"{variant}: the crashing CPU's Call Trace as with fadump",
                  BT_CRASH_TEXT in r.stdout, r.stdout)
        r = run("--triage", "--json", dump)
        rep = {}
        try:
            rep = json.loads(r.stdout)
        except ValueError as err:
            check(f"{variant}: --triage --json is JSON", False, f"{err}: {r.stdout[:200]}")
        t = rep.get("triage") or {}
        src = t.get("sources") or {}
        check(f"{variant}: --json: no fadump (why), crashed on CPU 2, the sources",
              r.returncode == 0 and rep.get("exit_code") == 0
              and "no registered dump memory structure" in (rep.get("no_fadump") or "")
              and t.get("fadump") is False and t.get("crashed") is True
              and t.get("crash_note") is None and t.get("crashing_cpu") == 2
              and src.get("vmcoreinfo", "").startswith("guest memory: the kernel's "
                                                       "vmcoreinfo_data page at 0x30000")
              and src.get("registers", "").startswith("QEMU's NT_PRSTATUS notes")
              and src.get("crashing_cpu") == "panic_cpu in kernel memory (located by "
                                            "kallsyms)"
              and t.get("osrelease") == "6.12.95"
              and (t.get("panic") or {}).get("message") == "Fatal exception"
              and "registration" not in rep and "vmcore" not in rep,
              r.stdout[:3000] + r.stderr)
        cpus = t.get("cpus") or []
        check(f"{variant}: --json: every CPU's backtrace from QEMU's notes, as with fadump",
              [(c.get("cpu"), c.get("crashing"), c.get("idle")) for c in cpus]
              == [(2, True, False), (0, False, True), (1, False, True), (3, False, False)]
              and all([(f.get("kind"), f.get("symbol"), f.get("trap"))
                       for f in c.get("frames", [])] == want
                      for c, want in zip(cpus, (BT_CRASH, BT_IDLE, BT_IDLE_IRQ, BT_USER))),
              json.dumps(cpus)[:2000])
        r = run(dump)
        check(f"{variant}: without --triage still exit 3 (no registration)",
              r.returncode == 3, r.stderr)

    # QEMU stopped the panicking CPU in ibm,os-term: real mode, firmware
    d = os.path.join(top, "nofadump-os-term")
    gen(d, "--no-fadump", "--printk", "6.12", "--backtraces", "--crashing-cpu", "2",
        "--os-term")
    r = run("--triage", os.path.join(d, "dump.elf"))
    check("nofadump os-term: nip in firmware, LR's real address symbolised, "
          "the kernel's frames from r1",
          r.returncode == 0
          and "nip: 000000002fff0010 outside the kernel: firmware\n" in r.stdout
          and "lr:  0000000000038120 crash_fadump+0x120/0x400 (real mode)\n" in r.stdout
          and "  [c000000000627970] [000000002fff0010] 0x2fff0010 (real mode, outside "
              "the kernel: firmware)\n"
              "  [c0000000006279a0] [c000000000038434] ppc_panic_fadump_handler+0x34/0x7c00\n"
          in r.stdout, r.stdout + r.stderr)

    # the kernel's command line in the log: without fadump=on, only the
    # kernel's window is scanned (and the report says so); with it, all RAM
    for cmdline, low_only in (("console=hvc0", True), ("console=hvc0 fadump=on", False)):
        d = os.path.join(top, "nofadump-cmdline")
        gen(d, "--no-fadump", "--printk", "6.12", "--cmdline", cmdline)
        r = run("--triage", "--json", os.path.join(d, "dump.elf"))
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            rep = {}
        why = rep.get("no_fadump") or ""
        check(f"nofadump, command line {cmdline!r}: "
              f"{'the kernel window only' if low_only else 'all RAM scanned'}",
              r.returncode == 0 and (rep.get("triage") or {}).get("fadump") is False
              and ("first 32 MiB of guest memory, where the kernel keeps it" in why
                   and "does not enable fadump: the rest of RAM was not scanned" in why)
              == low_only
              and ("no registered dump memory structure in guest memory" in why) != low_only,
              why + r.stderr)
        shutil.rmtree(d, ignore_errors=True)

    # -o of a guest without fadump: its RAM, QEMU's notes and a VMCOREINFO
    # note of the text found in memory, as a kdump kernel exports them
    d = os.path.join(top, "nofadump-le")
    out = os.path.join(d, "guest.vmcore")
    r = run("--json", os.path.join(d, "dump.elf"), "-o", out)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = {}
    check("nofadump -o: exit 0, no_fadump and the output reported",
          r.returncode == 0 and "no registered dump memory structure" in (rep.get("no_fadump") or "")
          and (rep.get("output") or {}).get("path") == out and "registration" not in rep,
          r.stdout[:500] + r.stderr)
    with open(out, "rb") as f:
        core = f.read()
    with open(os.path.join(d, "ram.raw"), "rb") as f:
        ram = f.read()
    phoff, phdrs = elf_layout(out)
    notes = [p for p in phdrs if p[0] == 4]
    loads = [p for p in phdrs if p[0] == 1]
    note_data = core[notes[0][1]:notes[0][1] + notes[0][3]] if len(notes) == 1 else b""
    vtext = b""
    at = note_data.find(b"VMCOREINFO\0")
    if at >= 0:
        descsz, = struct.unpack_from("<I", note_data, at - 12 + 4)
        vtext = note_data[at + 12:at + 12 + descsz]
    with open(os.path.join(d, "dump.elf"), "rb") as f:
        dump_head = f.read(1 << 16)
    check("nofadump -o: one PT_NOTE with QEMU's notes, then VMCOREINFO (the text in memory)",
          len(notes) == 1 and note_data.count(b"CORE\0") == dump_head.count(b"CORE\0")
          and vtext.startswith(b"OSRELEASE=6.12.95\n") and vtext in ram[0x30000:0x40000],
          f"{len(notes)} notes, {vtext[:40]!r}")
    check("nofadump -o: one PT_LOAD of all RAM at the linear map, its bytes the guest's",
          len(loads) == 1 and loads[0][2] == 0 and loads[0][3] == len(ram)
          and struct.unpack_from("<Q", core, phoff + 56 * phdrs.index(loads[0]) + 16)[0]
          == 0xc000000000000000
          and core[loads[0][1]:loads[0][1] + loads[0][3]] == ram, str(loads))
    r = run("--triage", "--json", out)
    t = {}
    try:
        t = json.loads(r.stdout).get("triage") or {}
    except ValueError:
        pass
    check("nofadump -o: the written vmcore triages as its dump (VMCOREINFO note, notes)",
          r.returncode == 0 and t.get("crashing_cpu") == 2 and len(t.get("cpus") or []) == 4
          and (t.get("sources") or {}).get("vmcoreinfo", "").startswith(
              "guest memory: the kernel's vmcoreinfo_data page at 0x30000"),
          r.stdout[:800] + r.stderr)
    drgn_out = os.path.join(d, "guest-drgn.vmcore")
    r = run(os.path.join(d, "dump.elf"), "-o", drgn_out, "--for-drgn")
    ours, theirs = (elf_notes(drgn_out) if r.returncode == 0 else []), elf_notes(out)
    check("nofadump -o --for-drgn: QEMU's notes kept as numbered, VMCOREINFO without CRASHTIME=",
          r.returncode == 0 and [n for n in ours if n[0] != "VMCOREINFO"]
          == [n for n in theirs if n[0] != "VMCOREINFO"]
          and [n[2] for n in ours if n[0] == "VMCOREINFO"]
          == [b"".join(line for n in theirs if n[0] == "VMCOREINFO"
                       for line in n[2].splitlines(True) if not line.startswith(b"CRASHTIME="))]
          and any(b"CRASHTIME=" in n[2] for n in theirs), r.stderr)
    os.unlink(out)
    if os.path.exists(drgn_out):
        os.unlink(drgn_out)

    # panic_cpu -1: a live guest, no CPU panicked
    d = os.path.join(top, "nofadump-live")
    gen(d, "--no-fadump", "--printk", "6.12", "--backtraces", "--panic-cpu", "-1")
    r = run("--triage", "--json", os.path.join(d, "dump.elf"))
    t = {}
    try:
        t = json.loads(r.stdout).get("triage") or {}
    except ValueError:
        pass
    check("nofadump live: no CPU panicked, said plainly; no CPU marked crashing",
          r.returncode == 0 and t.get("crashed") is False and t.get("crashing_cpu") is None
          and t.get("crash_note") == "no CPU panicked (panic_cpu = -1 in kernel memory, "
                                     "located by kallsyms)"
          and (t.get("sources") or {}).get("crashing_cpu") is None
          and t.get("registers") is None
          and len(t.get("cpus") or []) == 4
          and not any(c.get("crashing") for c in t.get("cpus")),
          r.stdout[:3000] + r.stderr)
    r = run("--triage", os.path.join(d, "dump.elf"))
    check("nofadump live: text says no CPU panicked",
          r.returncode == 0 and "crashing CPU: none: no CPU panicked (panic_cpu = -1" in r.stdout
          and "CPU 1 (idle: pseries_lpar_idle):" in r.stdout, r.stdout + r.stderr)

    # a raw image: no notes, so no registers; the rest stands
    r = run("--triage", "--raw-base", "0", os.path.join(d, "ram.raw"))
    check("nofadump raw: --triage without notes: no registers, no backtraces, the rest",
          r.returncode == 0 and "registers: none\n" in r.stdout
          and "backtraces: none (no CPU registers in the dump)" in r.stdout
          and "kernel: 6.12.95\n" in r.stdout
          and "crashing CPU: none: no CPU panicked" in r.stdout,
          r.stdout + r.stderr)


# --triage of a guest laid out by fadump-gen --backtraces --crashing-cpu 2
# (tests/gen/fadump-gen.c, bt_scenario()): each CPU's frames as
# (kind, symbol, trap), innermost first
BT_CRASH = [
    ("pc", "crash_fadump+0x100/0x400", None),
    ("lr", "crash_fadump+0x120/0x400", None),
    ("call", "ppc_panic_fadump_handler+0x34/0x7c00", None),
    ("call", "atomic_notifier_call_chain+0x9c/0x48000", None),
    ("call", "panic+0x178/0x78000", None),
    ("call", "sysrq_handle_crash+0x44/0x9a400", None),
    ("call", "__handle_sysrq+0xf8/0x1000", None),
    ("call", "write_sysrq_trigger+0x98/0x164c00", None),
    ("call", "proc_reg_write+0x7c/0xfe000", None),
    ("call", "vfs_write+0xe4/0x1000", None),
    ("call", "ksys_write+0x80/0x1000", None),
    ("call", "system_call_exception+0x18c/0x1000", None),
    ("call", "system_call_common+0x15c/0x2000", None),
    ("user", None, "0xc00"),
]
BT_IDLE_BASE = [
    ("call", "arch_cpu_idle+0x44/0x1000", None),
    ("call", "do_idle+0x14c/0x1000", None),
    ("call", "cpu_startup_entry+0x3c/0x1000", None),
    ("call", "start_secondary+0x2a4/0x1000", None),
    ("call", "start_secondary_prolog+0x10/0x2000", None),
]
BT_IDLE = [
    ("pc", "plpar_hcall_norets_notrace+0x18/0x1000", None),
    ("lr", "pseries_lpar_idle+0x98/0x1000", None),
] + BT_IDLE_BASE
BT_IDLE_IRQ = [
    ("pc", "timer_interrupt+0x64/0xf000", None),
    ("call", "decrementer_common_virt+0x1a8/0xe000", None),
    ("exception", "pseries_lpar_idle+0x60/0x1000", "0x900"),
] + BT_IDLE_BASE
BT_USER = [("user", None, None)]

# The crashing CPU's block of the text report (6.12, little endian)
BT_CRASH_TEXT = """\
CPU 2 (crashing):
  [c000000000627970] [c000000000038100] crash_fadump+0x100/0x400
                     [c000000000038120] crash_fadump+0x120/0x400 (unreliable)
  [c0000000006279a0] [c000000000038434] ppc_panic_fadump_handler+0x34/0x7c00
  [c000000000627a00] [c00000000004009c] atomic_notifier_call_chain+0x9c/0x48000
  [c000000000627ab0] [c000000000088178] panic+0x178/0x78000
  [c000000000627ae0] [c000000000365c44] sysrq_handle_crash+0x44/0x9a400
  [c000000000627b60] [c0000000002000f8] __handle_sysrq+0xf8/0x1000
  [c000000000627bd0] [c000000000201098] write_sysrq_trigger+0x98/0x164c00
  [c000000000627c30] [c00000000010207c] proc_reg_write+0x7c/0xfe000
  [c000000000627cd0] [c0000000001010e4] vfs_write+0xe4/0x1000
  [c000000000627d50] [c000000000100080] ksys_write+0x80/0x1000
  [c000000000627de0] [c00000000002018c] system_call_exception+0x18c/0x1000
  [c000000000627e50] [c00000000001015c] system_call_common+0x15c/0x2000
  --- interrupt: c00 at 0x7fff8a1b2c3c (user mode)
  end (user): interrupt 0xc00 from user mode at 0x00007fff8a1b2c3c
"""


def backtrace_checks(top):
    for variant, args in (("bt-612-le", []), ("bt-61-be", ["--kernel", "6.1", "--big-endian"]),
                          ("bt-612-be-capture", ["--big-endian", "--clobber-boot"])):
        d = os.path.join(top, variant)
        gen(d, "--backtraces", "--crashing-cpu", "2", *args)
        dump = os.path.join(d, "dump.elf")
        r = run("--triage", "--json", dump)
        try:
            cpus = json.loads(r.stdout)["triage"]["cpus"]
        except (ValueError, KeyError) as err:
            cpus = []
            check(f"{variant}: --triage --json has triage.cpus", False, f"{err}: {r.stdout[:200]}")
        check(f"{variant}: --triage --json exits 0", r.returncode == 0, r.stderr)
        check(f"{variant}: cpus: the crashing CPU first, then the others in order",
              [(c.get("cpu"), c.get("crashing"), c.get("idle"), c.get("idle_function"))
               for c in cpus] == [(2, True, False, None), (0, False, True, "pseries_lpar_idle"),
                                  (1, False, True, "pseries_lpar_idle"), (3, False, False, None)],
              json.dumps(cpus)[:1000])
        for cpu, want, end in ((2, BT_CRASH, "user"), (0, BT_IDLE, "base"),
                               (1, BT_IDLE_IRQ, "base"), (3, BT_USER, "user")):
            c = next((c for c in cpus if c.get("cpu") == cpu), {})
            frames = c.get("frames", [])
            ours = [(f.get("kind"), f.get("symbol"), f.get("trap")) for f in frames]
            check(f"{variant}: CPU {cpu}'s frames: kinds, symbols, traps", ours == want,
                  f"ours: {ours}\nwant: {want}")
            check(f"{variant}: CPU {cpu}: pc and sp as 0x strings (sp null for lr), end {end}",
                  c.get("end") == end and c.get("end_reason") and all(
                      f["pc"].startswith("0x") and int(f["pc"], 16)
                      and (f["sp"] is None if f["kind"] == "lr" else f["sp"].startswith("0x"))
                      for f in frames), json.dumps(c)[:1000])
        r = run("--triage", "--log-lines", "0", dump)
        check(f"{variant}: --triage text: a backtrace block per CPU, crashing CPU first",
              r.returncode == 0 and "backtraces: 4 CPUs" in r.stdout
              and 0 <= r.stdout.find("CPU 2 (crashing):") < r.stdout.find("CPU 0 (idle: pseries")
              < r.stdout.find("CPU 1 (idle: pseries") < r.stdout.find("CPU 3:")
              and "  --- interrupt: 900 at pseries_lpar_idle+0x60/0x1000\n" in r.stdout
              and "  [00007fffd0000000] [0000000010001234] (user mode)\n" in r.stdout
              and "[c000000000031098] pseries_lpar_idle+0x98/0x1000 (unreliable)\n" in r.stdout,
              r.stdout + r.stderr)
        if variant == "bt-612-le":
            check(f"{variant}: --triage text: the crashing CPU's Call Trace, line for line",
                  BT_CRASH_TEXT in r.stdout, r.stdout)
        shutil.rmtree(d, ignore_errors=True)


def main():
    top = tempfile.mkdtemp(prefix="fadump-cli-")
    try:
        for variant, args in (("612-le", []), ("612-be-old", ["--big-endian", "--old-layout"]),
                              ("61-le", ["--kernel", "6.1"]),
                              ("61-be", ["--kernel", "6.1", "--big-endian"])):
            d = os.path.join(top, variant)
            gen(d, *args)
            out = os.path.join(d, "out.vmcore")
            r = run(os.path.join(d, "dump.elf"), "-o", out)
            check(f"{variant}: -o exits 0", r.returncode == 0, r.stderr)
            check(f"{variant}: output equals the expected vmcore",
                  os.path.exists(out) and filecmp.cmp(out, os.path.join(d, "expected.vmcore"),
                                                      shallow=False))
            check(f"{variant}: output is private (0600)",
                  os.path.exists(out) and (os.stat(out).st_mode & 0o777) == 0o600)
            r = run("--validate", os.path.join(d, "expected.vmcore"), os.path.join(d, "dump.elf"))
            check(f"{variant}: --validate of the expected vmcore exits 0 (MATCH)",
                  r.returncode == 0 and "MATCH" in r.stdout, r.stdout + r.stderr)

        d = os.path.join(top, "612-le")
        dump, expected = os.path.join(d, "dump.elf"), os.path.join(d, "expected.vmcore")

        # raw image, explicit address
        out = os.path.join(d, "raw.vmcore")
        r = run("--raw-base", "0", os.path.join(d, "ram.raw"), "-o", out, "--no-copy-range")
        check("raw: -o exits 0 and equals", r.returncode == 0 and filecmp.cmp(out, expected, shallow=False),
              r.stderr)
        with open(os.path.join(d, "fdm-addr")) as f:
            addr = f.read().strip()
        r = run("--fdm-addr", addr, dump, "-o", out)
        check("--fdm-addr: exits 0 and equals", r.returncode == 0 and filecmp.cmp(out, expected, shallow=False),
              r.stderr)
        os.unlink(out)

        # --json alone: the analysis, nothing written
        r = run("--json", dump)
        try:
            rep = json.loads(r.stdout)
        except ValueError as err:
            rep = {}
            check("--json is JSON", False, f"{err}: {r.stdout[:200]}")
        check("--json exits 0", r.returncode == 0, r.stderr)
        check("--json: registration found by the scan of the kernel's window, "
              "with its boot memory copy, in the first 8 MiB",
              rep.get("registration", {}).get("origin") == "scan-low"
              and len(rep["registration"].get("candidates", [])) == 2
              and rep["registration"].get("scanned_bytes") == 8 << 20, json.dumps(rep)[:500])
        check("--json: FADMPSIG, crashing CPU 0",
              rep.get("crash_info_header", {}).get("magic") == "FADMPSIG"
              and rep.get("crash_info_header", {}).get("crashing_cpu") == 0)
        check("--json: 4 CPUs with registers", len(rep.get("cpus", [])) == 4
              and "nip" in rep["cpus"][0].get("regs", {}))
        check("--json: exit_code and no error", rep.get("exit_code") == 0 and rep.get("error") is None)

        # -o --for-drgn
        drgn_checks(top)
        # --triage: generated printk rings, read back record for record
        triage_checks(top, dump)
        guest_triage_checks(top)
        # --triage: every CPU's backtrace on generated stacks
        backtrace_checks(top)

        # --validate on a differing vmcore: exit 1, the page and register named
        bad = os.path.join(d, "bad.vmcore")
        shutil.copyfile(expected, bad)
        with open(bad, "r+b") as f:
            f.seek(os.path.getsize(bad) - 100)
            b = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([b[0] ^ 1]))
        r = run("--validate", bad, dump)
        check("--validate of a different vmcore exits 1", r.returncode == 1, r.stdout + r.stderr)
        check("--validate names the differing page", "MISMATCH" in r.stdout and "first page 0x1ff0000"
              in r.stdout, r.stdout)
        r = run("--json", "--validate", bad, dump)
        try:
            v = json.loads(r.stdout).get("validation", {})
        except ValueError:
            v = {}
        check("--json --validate: match false, one differing page",
              r.returncode == 1 and v.get("match") is False
              and sum(s["differing_pages"] for s in v.get("segments", [])) == 1, r.stdout[-500:])
        os.unlink(bad)

        # usage errors: 2
        for args, what in (([], "no input"), (["a", "b"], "two inputs"),
                           (["--fdm-addr", "zz", dump], "bad number"),
                           (["--fdm-addr", "0", "--dtb", "x", dump], "--fdm-addr with --dtb"),
                           (["--page-size", "1000", dump], "bad page size"),
                           (["--bogus", dump], "unknown option"),
                           (["--qmp", "sock", dump], "--qmp with INPUT"),
                           (["--qmp", "sock", "--raw-base", "0"], "--qmp with --raw-base"),
                           (["--tmpdir", d, dump], "--tmpdir without --qmp")):
            r = run(*args)
            check(f"usage error ({what}) exits 2", r.returncode == 2, r.stderr)

        # --qmp without QEMU: 3, a clear error, nothing written
        before = listing(d)
        r = run("--qmp", os.path.join(d, "no-such.sock"), "-o", os.path.join(d, "never.vmcore"))
        check("--qmp on a missing socket exits 3 and says why",
              r.returncode == 3 and "is QEMU running with -qmp" in r.stderr, r.stderr)
        check("--qmp on a missing socket: no file left", listing(d) == before, listing(d))

        # input errors: 3, and nothing written next to the output
        before = listing(d)
        cut = os.path.join(d, "cut.elf")
        with open(dump, "rb") as src, open(cut, "wb") as dst:
            dst.write(src.read(os.path.getsize(dump) // 2))
        before = listing(d)
        r = run(cut, "-o", os.path.join(d, "never.vmcore"))
        check("truncated input exits 3", r.returncode == 3, r.stderr)
        check("truncated input: the error says so", "truncated dump" in r.stderr, r.stderr)
        check("truncated input: no file left", listing(d) == before, listing(d))
        r = run("--json", cut, "-o", os.path.join(d, "never.vmcore"))
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            rep = {}
        check("--json on a failure reports the error and exit code",
              rep.get("exit_code") == 3 and "truncated" in (rep.get("error") or ""), r.stdout)
        os.unlink(cut)
        r = run(os.path.join(d, "no-such-file"))
        check("missing input exits 3", r.returncode == 3, r.stderr)
        r = run("--raw-base", "0", os.path.join(d, "fdm-addr"))
        check("raw image without a registration exits 3", r.returncode == 3
              and "was fadump registered" in r.stderr, r.stderr)

        # output errors: 4
        r = run(dump, "-o", os.path.join(d, "no", "such", "dir", "vmcore"))
        check("unwritable output exits 4", r.returncode == 4, r.stderr)
        check("unwritable output: nothing left", listing(d) == listing(d) and
              not any(n.startswith(".") for n in listing(d)), listing(d))

        robustness(top)

        r = run("--help")
        check("--help documents the exit codes", r.returncode == 0 and "Exit status:" in r.stdout
              and "--validate" in r.stdout, r.stdout)
    finally:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(tap.main(main))
