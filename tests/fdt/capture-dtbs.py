#!/usr/bin/python3
"""fdt-inspect on the real device trees of our patched QEMU.

For each firmware (VOF, then SLOF) boot the test guest with fadump, let it
crash by itself, and take the DTB QEMU hands the guest with QMP dumpdtb:
once fadump is registered in the first boot, and in the capture boot.
Then check, with fdt-inspect:

* --check passes on both (the fadump contract holds);
* the first boot offers fadump and has no ibm,kernel-dump, the capture boot
  has one; the CPU state size is the one QEMU computes for -smp 4;
* the decoded ibm,kernel-dump (--json) is what QMP query-fadump reports:
  status flags and every section field by field;
* --diff first capture shows ibm,kernel-dump added, decoded;
* fetching the tree over a second QMP socket gives the same bytes as
  dumpdtb.

The trees are taken with the guest up; under SLOF they are the ones SLOF
handed back with H_UPDATE_DT (see one_firmware()).

Usage: capture-dtbs.py FDT-INSPECT [--firmware vof|slof]... [--out DIR]
Inputs (environment): FADUMP_QEMU (scripts/check: the QEMU of the default
series, FADUMP_QEMU_SERIES), FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR
(the test is skipped, exit 77, when one is missing), FADUMP_BUILD_ROOT
(work directories go to <it>/fdt-work/run-*).  Exit: 0 pass, 1 fail, 77
skip.  --out DIR also copies the DTBs there as <firmware>-first.dtb and
<firmware>-capture.dtb (tests/fdt/data/ keeps a set).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

from qmp import QMPCommandError, QMPError  # noqa: E402
from vm import VM, VMError  # noqa: E402

SKIP = 77
# the capture kernel crashes once up (copy-crash): panic() leaves the dump
# active, where a power-off would release it first (machine_shutdown()'s
# fadump_cleanup() INVALIDATEs), so query-fadump sees the capture boot's state
APPEND = ("console=hvc0 fadump=on crashkernel=1G fadumptest.action=crash "
          "fadumptest.capture=copy-crash")
SMP = 4
# Step budgets (seconds)
BOOT_TIMEOUT = 240      # launch -> fadump registered
TRIGGER_TIMEOUT = 180   # registered -> platform's reset request
CAPTURE_TIMEOUT = 300   # reset -> capture kernel's init
TOOL_TIMEOUT = 120


class Failed(Exception):
    pass


def say(msg):
    print(f"[fdt {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def regsave_size(cpus):
    """QEMU's spapr_fadump_cpu_state_size() in the series under test
    ($FADUMP_QEMU_SERIES): the register save area header, the processor
    count and, per vCPU, CPUSTRT, the registers and CPUEND, 16 bytes each.
    10.0: 53 registers, rounded up to 16 bytes; 10.2 (upstream's layout):
    77 registers after 12 bytes of padding."""
    series = os.environ.get("FADUMP_QEMU_SERIES", "10.2")
    if series == "10.0":
        return (20 + cpus * 55 * 16 + 15) & ~15
    return 16 + 12 + 4 + cpus * 79 * 16


class Inspect:
    def __init__(self, path):
        self.path = path

    def run(self, *args, expect=(0,)):
        p = subprocess.run([self.path, *args], capture_output=True, text=True,
                           timeout=TOOL_TIMEOUT)
        if p.returncode not in expect:
            raise Failed(f"fdt-inspect {' '.join(args)}: exit {p.returncode}, expected "
                         f"{'/'.join(map(str, expect))}\n{p.stdout}{p.stderr}")
        return p

    def json(self, *args, expect=(0,)):
        return json.loads(self.run("--json", *args, expect=expect).stdout)


def prop(tree_json, name):
    for p in tree_json["node"]["properties"]:
        if p["name"] == name:
            return p
    return None


def dumpdtb(vm, path):
    if os.path.exists(path):
        os.unlink(path)
    vm.qmp.execute("dumpdtb", {"filename": path}, timeout=30)
    if not os.path.getsize(path):
        raise Failed(f"QMP dumpdtb wrote an empty {path}")


def wait_event(vm, names, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        ev = vm.qmp.take_event(names)
        if ev:
            return ev
        if not vm.alive():
            raise Failed(f"QEMU exited while waiting for {what}")
        if time.monotonic() >= deadline:
            raise Failed(f"no {what} within {timeout}s")
        try:
            return vm.qmp.wait_event(names, timeout=1)
        except QMPError:
            pass


def compare_with_query_fadump(fdm, info):
    """The decoded ibm,kernel-dump against query-fadump, field by field."""
    problems = []
    if info.get("state") != "dump-active":
        problems.append(f"query-fadump state {info.get('state')!r}, expected 'dump-active'")
    if fdm["status_flags"] != info.get("status-flags"):
        problems.append(f"status flags: DT 0x{fdm['status_flags']:04x}, "
                        f"query-fadump 0x{info.get('status-flags', -1):04x}")
    qsecs = info.get("sections", [])
    if len(qsecs) != fdm["num_sections"] or len(fdm["sections"]) != fdm["num_sections"]:
        problems.append(f"{fdm['num_sections']} sections in the DT, {len(qsecs)} in query-fadump")
    pairs = (("type", "type"), ("source", "source"), ("destination", "destination"),
             ("length", "length"), ("bytes_dumped", "bytes-dumped"),
             ("error_flags", "error-flags"))
    for i, (d, q) in enumerate(zip(fdm["sections"], qsecs)):
        for dk, qk in pairs:
            # 64-bit members are "0x..." strings (lib/report/fdm.h)
            dv = int(d[dk], 16) if isinstance(d[dk], str) else d[dk]
            if dv != q[qk]:
                problems.append(f"section {i} {dk}: DT {dv:#x}, query-fadump {q[qk]:#x}")
        if d["requested"] != q["requested"]:
            problems.append(f"section {i} requested: DT {d['requested']}, "
                            f"query-fadump {q['requested']}")
    return problems


def fetch_first(vm, tool, qmp2, first, first_qmp, checks):
    """The tree as it is now, by dumpdtb and by fdt-inspect over QMP."""
    dumpdtb(vm, first)
    tool.run("--save-dtb", first_qmp, "--check", "--quiet", qmp2, expect=(0, 1))
    with open(first, "rb") as a, open(first_qmp, "rb") as b:
        checks.append(("first boot: fdt-inspect over QMP fetches dumpdtb's bytes",
                       a.read() == b.read(), ""))


def one_firmware(fw, cfg, tool, workdir, out):
    """Boot, crash and capture under firmware @fw; the DTBs and checks.

    The trees are taken once the guest is up: after registration in the
    first boot, once the capture kernel has panicked (QEMU paused) in the
    capture boot.  Under SLOF that is the tree SLOF handed back to QEMU
    with H_UPDATE_DT just before Linux started (what Linux was given);
    before the first patch of the 10.0 series (qemu-patches/10.0/0001-*),
    dumpdtb read freed memory there.
    """
    say(f"{fw}: booting (work dir {workdir})")
    qmp2 = os.path.join(workdir, f"{fw}.qmp2.sock")
    vm = VM(cfg["qemu"], workdir, kernel=cfg["kernel"], initrd=cfg["initrd"],
            append=APPEND, firmware_dir=cfg["firmware_dir"], firmware=fw,
            mem="4G", smp=SMP, name=fw,
            extra_args=["-qmp", f"unix:{qmp2},server=on,wait=off"])
    first = os.path.join(workdir, f"{fw}-first.dtb")
    first_qmp = os.path.join(workdir, f"{fw}-first-qmp.dtb")
    capture = os.path.join(workdir, f"{fw}-capture.dtb")
    checks = []
    with vm:
        vm.launch()
        # -- first boot --------------------------------------------------------
        wait_event(vm, ("FADUMP_REGISTERED",), BOOT_TIMEOUT, "FADUMP_REGISTERED")
        vm.qmp.execute("stop", timeout=30)     # the same tree for both reads
        fetch_first(vm, tool, qmp2, first, first_qmp, checks)
        vm.qmp.execute("cont", timeout=30)
        say(f"{fw}: first-boot DTB {first}")

        # -- crash, memory-preserving reset, capture boot --------------------
        wait_event(vm, ("SHUTDOWN",), TRIGGER_TIMEOUT, "the platform's reset request")
        info_trigger = vm.qmp.execute("query-fadump", timeout=30)
        # The capture kernel crashes within a second of init (copy-crash):
        # keep QEMU (and its tree, and the dump still active) there for
        # dumpdtb and query-fadump (panic=pause; it has not registered, so
        # its ibm,os-term is no fadump trigger)
        vm.qmp.execute("set-action", {"reboot": "reset", "shutdown": "pause",
                                      "panic": "pause"}, timeout=30)
        vm.skip_console()
        vm.qmp.take_event(("GUEST_PANICKED",))
        vm.qmp.execute("system_reset", timeout=30)
        vm.qmp.execute("cont", timeout=30)
        vm.wait_console(r"^FADUMP-TEST: boot=capture", CAPTURE_TIMEOUT,
                        "FADUMP-TEST: boot=capture",
                        fail=(r"FADUMP-TEST: error=[^\n]*", r"FADUMP-TEST: boot=first"))
        wait_event(vm, ("GUEST_PANICKED",), CAPTURE_TIMEOUT,
                   "the capture kernel's panic (fadumptest.capture=copy-crash)")
        dumpdtb(vm, capture)
        info = vm.qmp.execute("query-fadump", timeout=30)
        say(f"{fw}: capture-boot DTB {capture}")

    # -- checks ---------------------------------------------------------------
    for name, path in (("first", first), ("capture", capture)):
        p = tool.run("--check", path, expect=(0, 1))
        checks.append((f"{name} boot: fdt-inspect --check passes", p.returncode == 0,
                       p.stdout.strip()))
    fr = tool.json("--check", first)
    cr = tool.json("--check", capture)
    checks.append(("first boot offers fadump, no dump active",
                   fr["offered"] and not fr["dump_active"], json.dumps(fr)))
    checks.append(("capture boot offers fadump, dump active",
                   cr["offered"] and cr["dump_active"], json.dumps(cr)))
    checks.append((f"both see {SMP} CPUs present",
                   fr["cpus"]["present"] == SMP and cr["cpus"]["present"] == SMP,
                   f"{fr['cpus']} / {cr['cpus']}"))

    ft = tool.json(first, "/rtas")
    ct = tool.json(capture, "/rtas")
    sizes = prop(ft, "ibm,configure-kernel-dump-sizes")
    cpu = [s for s in (sizes or {}).get("value") or [] if s["type"] == 1]
    checks.append((f"CPU state size is QEMU's for -smp {SMP} ({regsave_size(SMP):#x})",
                   len(cpu) == 1 and cpu[0]["size"] == regsave_size(SMP), json.dumps(sizes)))
    ver = prop(ft, "ibm,configure-kernel-dump-version")
    checks.append(("dump format versions 1 to 1",
                   ver is not None and ver["value"] == {"min": 1, "max": 1}, json.dumps(ver)))
    tok = prop(ft, "ibm,configure-kernel-dump")
    checks.append(("ibm,configure-kernel-dump decoded as an RTAS token",
                   tok is not None and tok["kind"] == "rtas-token", json.dumps(tok)))
    checks.append(("first boot has no ibm,kernel-dump",
                   prop(ft, "ibm,kernel-dump") is None, ""))
    kd = prop(ct, "ibm,kernel-dump")
    if kd is None or kd["kind"] != "fadump-kernel-dump":
        checks.append(("capture boot: ibm,kernel-dump decodes", False, json.dumps(kd)))
    else:
        fdm = kd["value"]
        problems = compare_with_query_fadump(fdm, info)
        checks.append(("capture boot: decoded ibm,kernel-dump == query-fadump",
                       not problems, "; ".join(problems)))
        problems = compare_with_query_fadump(fdm, info_trigger)
        checks.append(("capture boot: decoded ibm,kernel-dump == query-fadump at the trigger",
                       not problems, "; ".join(problems)))
        say(f"{fw}: decoded ibm,kernel-dump: status {fdm['status']}, " +
            ", ".join(f"{s['type_name']} {s['bytes_dumped']}/{s['length']}"
                      for s in fdm["sections"]))

    d = tool.json("--diff", first, capture, expect=(1,))
    added = [c for c in d["changes"] if c["change"] == "property-added"
             and c["path"] == "/rtas" and c.get("property") == "ibm,kernel-dump"]
    checks.append(("--diff first capture: ibm,kernel-dump added, decoded",
                   len(added) == 1 and added[0]["new"]["kind"] == "fadump-kernel-dump",
                   json.dumps([(c["change"], c["path"], c.get("property")) for c in d["changes"]])))
    text = tool.run(capture, "/rtas").stdout
    print(text, end="")
    if out:
        os.makedirs(out, exist_ok=True)
        for path in (first, capture):
            shutil.copyfile(path, os.path.join(out, os.path.basename(path)))
    return checks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fdt_inspect")
    ap.add_argument("--firmware", action="append", choices=("vof", "slof"))
    ap.add_argument("--out")
    args = ap.parse_args()
    env = os.environ
    missing = [v for v in ("FADUMP_QEMU", "FADUMP_GUEST_DIR", "FADUMP_FIRMWARE_DIR")
               if not env.get(v)]
    if missing:
        print(f"SKIP: {', '.join(missing)} not set (scripts/check sets them)")
        return SKIP
    cfg = {
        "qemu": env["FADUMP_QEMU"],
        "kernel": os.path.join(env["FADUMP_GUEST_DIR"], "vmlinux"),
        "initrd": os.path.join(env["FADUMP_GUEST_DIR"], "initramfs.cpio.gz"),
        "firmware_dir": env["FADUMP_FIRMWARE_DIR"],
    }
    for f in (cfg["qemu"], cfg["kernel"], cfg["initrd"], args.fdt_inspect):
        if not os.path.isfile(f):
            print(f"FAIL: {f} does not exist")
            return 1
    base = os.path.join(env.get("FADUMP_BUILD_ROOT") or tempfile.gettempdir(), "fdt-work")
    os.makedirs(base, exist_ok=True)
    for old in sorted(os.listdir(base))[:-4]:
        shutil.rmtree(os.path.join(base, old), ignore_errors=True)
    workdir = tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"), dir=base)
    tool = Inspect(args.fdt_inspect)
    failed = 0
    for fw in args.firmware or ("vof", "slof"):
        try:
            checks = one_firmware(fw, cfg, tool, workdir, args.out)
        except (Failed, VMError, QMPError, QMPCommandError, OSError,
                subprocess.SubprocessError, ValueError, KeyError) as err:
            print(f"FAIL: {fw}: {err}")
            failed += 1
            continue
        for what, ok, detail in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {fw}: {what}")
            if not ok:
                failed += 1
                for line in detail.splitlines()[:40]:
                    print(f"    | {line}")
    print(f"{'PASS' if not failed else 'FAIL'}: {failed} failure(s); DTBs and logs in {workdir}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
