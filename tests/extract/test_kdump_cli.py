#!/usr/bin/python3
"""fadump-extract --kdump, read by a reader we did not write: libkdumpfile
(Debian bookworm's python3-libkdumpfile 0.5.1).  Generated guests
(fadump-gen, both byte orders, 6.12 and 6.1 layouts) are rebuilt as an
ELF vmcore and as kdump-compressed files in each compression; libkdumpfile
must open each as a "diskdump", find its VMCOREINFO (OSRELEASE, PAGESIZE
= the page size) and read every page of every PT_LOAD of the ELF vmcore
with the same bytes (machine physical addresses: this old libkdumpfile
has no ppc64 translation).  Then the kdump file goes back into
fadump-extract's own reader: --kdump output is not a trigger dump, so it
must be refused with exit 3 and a message, not crash.

Usage: test_kdump_cli.py FADUMP_EXTRACT FADUMP_GEN   (TAP on stdout;
skips when python3-libkdumpfile is not installed)
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import tap  # noqa: E402
from elfcore import ElfCore  # noqa: E402
from extract_cli import GEN, run  # noqa: E402
from tap import check  # noqa: E402


def compare(kd_path, vmcore_path, what):
    import kdumpfile
    k = kdumpfile.kdumpfile(kd_path)
    check(f"{what}: libkdumpfile sees a diskdump", k.attr["file.format"] == "diskdump",
          k.attr["file.format"])
    lines = k.attr["linux.vmcoreinfo.lines"]
    with ElfCore(vmcore_path) as vm:
        page = int(vm.vmcoreinfo()["PAGESIZE"])
        check(f"{what}: VMCOREINFO found, page size {page}",
              lines["PAGESIZE"] == str(page) and k.attr["arch.page_size"] == page,
              f"{lines['PAGESIZE']} {k.attr['arch.page_size']}")
        check(f"{what}: OSRELEASE", lines["OSRELEASE"] == k.attr["linux.uts.release"])
        pages = bad = 0
        for ph in vm.loads:
            data = vm.load_data(ph)
            for off in range(0, ph.filesz, page):
                n = min(page, ph.filesz - off)
                got = k.read(kdumpfile.KDUMP_MACHPHYSADDR, ph.paddr + off, n)
                pages += 1
                if bytes(got) != data[off:off + n]:
                    bad += 1
            data.release()
        check(f"{what}: libkdumpfile reads all {pages} pages as in the ELF vmcore",
              pages > 0 and bad == 0, f"{bad} differ")


def main():
    try:
        import kdumpfile  # noqa: F401
    except ImportError:
        tap.skip_all("python3-libkdumpfile is not installed")
    top = tempfile.mkdtemp(prefix="fadump-kdump-cli-")
    try:
        for variant, args in (("612-le", []), ("612-be", ["--big-endian"]),
                              ("61-le", ["--kernel", "6.1"])):
            d = os.path.join(top, variant)
            os.makedirs(d)
            subprocess.run([GEN, d, *args], check=True, timeout=120)
            dump, vmcore = os.path.join(d, "dump.elf"), os.path.join(d, "expected.vmcore")
            for method in ("zlib", "lzo", "snappy"):
                out = os.path.join(d, f"out.{method}.kdump")
                r = run("-q", f"--kdump={method}", dump, "-o", out)
                check(f"{variant} --kdump={method}: exits 0", r.returncode == 0, r.stderr)
                if r.returncode == 0:
                    check(f"{variant} --kdump={method}: private (0600)",
                          (os.stat(out).st_mode & 0o777) == 0o600)
                    compare(out, vmcore, f"{variant} --kdump={method}")
                    os.unlink(out)
        d = os.path.join(top, "612-le")
        out = os.path.join(d, "out.kdump")
        r = run("-q", "--kdump", "-o", out, os.path.join(d, "dump.elf"))
        check("bare --kdump before -o: zlib", r.returncode == 0, r.stderr)
        r = run(out)
        check("a vmcore in kdump form is refused as input (exit 3)",
              r.returncode == 3 and r.stderr.startswith("fadump-extract: "), r.stderr)
        r = run("--kdump=zstd", os.path.join(d, "dump.elf"), "-o", out + "2")
        check("--kdump=zstd: usage error (exit 2)", r.returncode == 2, r.stderr)
        r = run("--kdump", os.path.join(d, "dump.elf"))
        check("--kdump without -o: usage error (exit 2)", r.returncode == 2, r.stderr)
        check("no file left behind", not os.path.exists(out + "2"))
    finally:
        shutil.rmtree(top)


if __name__ == "__main__":
    sys.exit(tap.main(main))
