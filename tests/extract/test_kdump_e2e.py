#!/usr/bin/python3
"""fadump-extract on QEMU's kdump-compressed dumps of the real guest.

One crash -> capture cycle (tests/e2e/fadump_e2e.py) with QEMU's dump at
the trigger hold taken in ELF and in every kdump format of QMP
dump-guest-memory (kdump-zlib/-lzo/-snappy: makedumpfile's flattened
stream; kdump-raw-zlib/-lzo/-snappy: the file itself; all must be in
query-dump-guest-memory-capability).  Each kdump dump is rebuilt into a
vmcore by ``fadump-extract -o`` and compared byte for byte with the
capture kernel's real /proc/vmcore, and ``fadump-extract --validate``
must report a match.  Then ``fadump-extract --kdump`` writes the rebuilt
vmcore kdump-compressed (zlib), and that file is read back here, by a
reader independent of lib/dump (Python's zlib), and compared page for page
and note for note with the real /proc/vmcore; and in each compression,
read back by libkdumpfile (python3-libkdumpfile) when it is installed.

Usage: test_kdump_e2e.py FADUMP_EXTRACT
Inputs (environment): as tests/extract/test_extract_e2e.py (FADUMP_QEMU,
FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR: exit 77 when one is missing;
FADUMP_WORKDIR, FADUMP_KEEP=1).  Exit status: 0 pass, 1 fail, 77 skip.
"""

import mmap
import os
import struct
import subprocess
import sys
import time
import zlib

import extract_e2e as x
import fadump_e2e as e2e  # noqa: E402 (tests/e2e: on sys.path through extract_e2e)
from elfcore import ElfCore  # noqa: E402

KDUMP_FORMATS = [f for f in e2e.DUMP_FORMATS if f.startswith("kdump")]
OUR_BIG_FILES = ("rebuilt.vmcore", "rebuilt.kdump")
say = x.say


def run_tool(args, log_path):
    """x.run_tool(), every run appended to the one log"""
    return x.run_tool(args, log_path, append=True)


class KdumpFile:
    """A complete kdump-compressed file (header_version >= 4), read here
    independently of lib/dump: zlib pages and pages stored raw."""

    def __init__(self, path):
        self._f = open(path, "rb")
        self.m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ)
        m = self.m
        if m[:8] != b"KDUMP   ":
            raise ValueError(f"{path}: no KDUMP signature")
        self.e = ">" if m[8] == 0 else "<"
        self.version, = self._u("I", 8)
        self.release = m[12 + 130:12 + 195].split(b"\0")[0].decode()
        self.machine = m[12 + 260:12 + 325].split(b"\0")[0].decode()
        self.nodename = m[12 + 65:12 + 130].split(b"\0")[0].decode()
        self.uts_version = m[12 + 195:12 + 260].split(b"\0")[0].decode()
        (self.status, self.bs, sub_blocks, bitmap_blocks) = self._u("4I", 424)
        sub = self.bs
        self.vi_off, self.vi_size, self.note_off, self.note_size = self._u("4Q", sub + 32)
        self.max_mapnr, = self._u("Q", sub + 96)
        bitmap_off = self.bs * (1 + sub_blocks)
        bitmap_len = self.bs * bitmap_blocks // 2
        self.bitmap = m[bitmap_off + bitmap_len:bitmap_off + 2 * bitmap_len]
        self.desc_off = bitmap_off + 2 * bitmap_len
        self.index = {}
        n = 0
        for pfn in range(self.max_mapnr):
            if self.bitmap[pfn >> 3] >> (pfn & 7) & 1:
                self.index[pfn] = n
                n += 1

    def _u(self, fmt, off):
        return struct.unpack_from(self.e + fmt, self.m, off)

    def notes(self):
        return self.m[self.note_off:self.note_off + self.note_size]

    def page(self, pfn):
        """(bytes, descriptor offset, flags) of page pfn, or None."""
        i = self.index.get(pfn)
        if i is None:
            return None
        off, size, flags = self._u("QII", self.desc_off + 24 * i)
        data = self.m[off:off + size]
        if flags == 1:
            data = zlib.decompress(data)
        elif flags != 0:
            raise ValueError(f"page 0x{pfn:x}: flags 0x{flags:x}, not zlib or raw")
        if len(data) != self.bs:
            raise ValueError(f"page 0x{pfn:x}: {len(data)} bytes, not {self.bs}")
        return data, off, flags

    def close(self):
        self.m.close()
        self._f.close()


def compare_load(kd, ph, data, problems, zero_offsets, counts):
    """The kdump pages holding one PT_LOAD against its data."""
    first = ph.paddr - ph.paddr % kd.bs
    for pa in range(first, ph.paddr + ph.filesz, kd.bs):
        got = kd.page(pa // kd.bs)
        if got is None:
            problems.append(f"--kdump: page 0x{pa:x} of PT_LOAD 0x{ph.paddr:x} missing")
            return False
        page, off, flags = got
        lo, hi = max(pa, ph.paddr), min(pa + kd.bs, ph.paddr + ph.filesz)
        if page[lo - pa:hi - pa] != data[lo - ph.paddr:hi - ph.paddr]:
            problems.append(f"--kdump: page 0x{pa:x} differs from the vmcore")
            return False
        counts["pages"] += 1
        counts["compressed"] += flags != 0
        if flags == 0 and page.count(0) == kd.bs:
            counts["zero"] += 1
            zero_offsets.add(off)
    return True


def check_kdump_output(path, vmcore_path, problems):
    """The --kdump output against the real vmcore: pages and notes."""
    kd = KdumpFile(path)
    counts = {"pages": 0, "zero": 0, "compressed": 0}
    zero_offsets = set()
    try:
        with ElfCore(vmcore_path) as vm:
            if kd.version != 6 or kd.status != 1:
                problems.append(f"--kdump: header_version {kd.version}, status 0x{kd.status:x}")
            want_notes = b"".join(vm.load_data(p) for p in vm.phdrs if p.type == 4)
            if kd.notes() != want_notes:
                problems.append(f"--kdump: notes ({kd.note_size} bytes) differ from the "
                                f"vmcore's PT_NOTE ({len(want_notes)} bytes)")
            # utsname from the crashed kernel's init_uts_ns ("#1 SMP ..."),
            # not the OSRELEASE fallback
            if not kd.uts_version.startswith("#") or kd.machine != "ppc64le":
                problems.append(f"--kdump: utsname version {kd.uts_version!r} machine "
                                f"{kd.machine!r}: not the kernel's init_uts_ns")
            if not kd.m[kd.vi_off:kd.vi_off + kd.vi_size].startswith(b"OSRELEASE="):
                problems.append("--kdump: offset_vmcoreinfo does not point at VMCOREINFO")
            for ph in vm.loads:
                with vm.load_data(ph) as data:
                    if not compare_load(kd, ph, data, problems, zero_offsets, counts):
                        return
        if len(zero_offsets) > 1:
            problems.append(f"--kdump: zero pages in {len(zero_offsets)} records, not one")
        say(f"--kdump output read back: {counts['pages']} pages ({counts['zero']} zero, "
            f"sharing one record; {counts['compressed']} compressed) equal to the vmcore's, "
            f"notes equal, utsname {kd.nodename!r} {kd.release} {kd.uts_version!r} "
            f"{kd.machine}")
    finally:
        kd.close()


def check_with_libkdumpfile(path, vmcore_path, problems):
    """A --kdump output read by libkdumpfile against the real vmcore."""
    import kdumpfile
    k = kdumpfile.kdumpfile(path)
    pages = 0
    with ElfCore(vmcore_path) as vm:
        bs = k.attr["arch.page_size"]
        for ph in vm.loads:
            with vm.load_data(ph) as data:
                for off in range(0, ph.filesz, bs):
                    n = min(bs, ph.filesz - off)
                    got = k.read(kdumpfile.KDUMP_MACHPHYSADDR, ph.paddr + off, n)
                    if bytes(got) != data[off:off + n]:
                        problems.append(f"libkdumpfile: {os.path.basename(path)} page "
                                        f"0x{ph.paddr + off:x} differs from the vmcore")
                        return 0
                    pages += 1
    return pages


def main():
    x.set_tag("kdump-e2e")
    args = x.tool_arg(__doc__)
    if not args:
        return 2
    tool = args[0]
    cfg = x.config("kdump-e2e-work", OUR_BIG_FILES)
    if not cfg:
        return x.SKIP
    cfg.trigger_formats = list(KDUMP_FORMATS)
    run = x.run_cycle(cfg)
    if not run:
        return 1

    problems = []
    log = os.path.join(run.workdir, "kdump-e2e.log")
    rebuilt = os.path.join(run.workdir, "rebuilt.vmcore")
    kdump_out = os.path.join(run.workdir, "rebuilt.kdump")
    say(f"query-dump-guest-memory-capability: {run.dump_formats}")
    missing = [f for f in KDUMP_FORMATS if f not in (run.dump_formats or [])]
    if missing:
        problems.append(f"QEMU cannot dump {missing}")
    real_size = os.path.getsize(run.vmcore_path)
    say(f"trigger dumps: elf {os.path.getsize(run.trigger_path)} bytes in "
        f"{run.timings.get('dump', 0):.1f}s (since the start); " +
        ", ".join(f"{f} {os.path.getsize(p)} bytes in {run.timings[f'dump-{f}']:.1f}s"
                  for f, p in run.trigger_dumps.items()))
    try:
        for fmt, dump in run.trigger_dumps.items():
            # 1. rebuild from the kdump dump, compare byte for byte
            res, secs = run_tool([tool, "-q", dump, "-o", rebuilt], log)
            if res.returncode != 0:
                problems.append(f"{fmt}: fadump-extract -o exited {res.returncode}: "
                                f"{res.stderr.strip()}")
                continue
            diff = x.first_difference(rebuilt, run.vmcore_path)
            if diff is not None:
                problems.append(f"{fmt}: rebuilt vmcore differs from the capture kernel's "
                                f"at byte 0x{diff:x}")
            os.unlink(rebuilt)
            # 2. the tool's own comparison
            res2, secs2 = run_tool([tool, "--validate", run.vmcore_path, dump], log)
            first = x.validate_verdict(res2)
            if res2.returncode != 0 or "MATCH" not in first:
                problems.append(f"{fmt}: --validate exited {res2.returncode}: {first} "
                                f"{res2.stderr.strip()}")
            say(f"{fmt}: rebuilt in {secs:.1f}s, "
                f"{'byte-identical' if diff is None else 'DIFFERENT'} "
                f"({real_size} bytes); --validate exit {res2.returncode} in {secs2:.1f}s: {first}")

        # 3. --kdump of the rebuilt vmcore, read back independently
        res, secs = run_tool([tool, "--kdump=zlib", run.trigger_path, "-o", kdump_out], log)
        if res.returncode != 0:
            problems.append(f"--kdump exited {res.returncode}: {res.stderr.strip()}")
        else:
            say(f"fadump-extract --kdump: {os.path.getsize(kdump_out)} bytes in {secs:.1f}s "
                f"(the ELF vmcore: {real_size} bytes)")
            t0 = time.monotonic()
            check_kdump_output(kdump_out, run.vmcore_path, problems)
            say(f"read back and compared in {time.monotonic() - t0:.1f}s")
        # 4. each method, read by a reader we did not write (when installed)
        try:
            import kdumpfile  # noqa: F401
        except ImportError:
            say("python3-libkdumpfile not installed: no libkdumpfile read-back")
        else:
            for method in ("zlib", "lzo", "snappy"):
                res, secs = run_tool([tool, "-q", f"--kdump={method}", run.trigger_path,
                                      "-o", kdump_out], log)
                if res.returncode != 0:
                    problems.append(f"--kdump={method} exited {res.returncode}: "
                                    f"{res.stderr.strip()}")
                    continue
                size = os.path.getsize(kdump_out)
                t0 = time.monotonic()
                pages = check_with_libkdumpfile(kdump_out, run.vmcore_path, problems)
                say(f"--kdump={method}: {size} bytes in {secs:.1f}s; libkdumpfile read "
                    f"{pages} pages equal to the vmcore's in {time.monotonic() - t0:.1f}s")
                os.unlink(kdump_out)
    except (OSError, ValueError, KeyError, struct.error, zlib.error,
            subprocess.SubprocessError) as err:
        problems.append(f"{type(err).__name__}: {err}")
    finally:
        x.remove_unless_kept(cfg, rebuilt, kdump_out)

    return x.finish(run, problems, f"the vmcore rebuilt from each of "
                    f"{', '.join(run.trigger_dumps)} equals the capture kernel's "
                    "/proc/vmcore byte for byte; the --kdump output reads back equal to it")


if __name__ == "__main__":
    sys.exit(main())
