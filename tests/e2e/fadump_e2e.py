"""One fadump crash -> capture cycle and the checks on its /proc/vmcore.

Shared by the meson test (test_crash_capture.py) and the demo (demo.py):

1. ``config_from_env()`` reads FADUMP_QEMU, FADUMP_GUEST_DIR,
   FADUMP_FIRMWARE_DIR (required) and FADUMP_WORKDIR & co (optional).
2. ``run_cycle()`` boots the guest with fadump registered, lets it crash,
   takes QEMU's own dump while the platform's memory-preserving reset is
   held (the "trigger" oracle), continues into the capture kernel, which
   copies /proc/vmcore to a virtio disk, and returns a :class:`Run`.
3. ``analyse()`` checks that vmcore against the trigger dump and returns
   one :class:`Check` per assertion (a)-(e).
"""

import bisect
import glob
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

import elfcore
from elfcore import ElfCore, ElfCoreError
from qmp import QMPCommandError, QMPError
from vm import VM, VMError

# Step budgets (seconds); each covers all the waits of its step.  Their sum
# stays below the meson test timeout so that these, with their precise
# messages, fire first.
BOOT_TIMEOUT = 180      # QEMU start -> first boot says "crashing"
TRIGGER_TIMEOUT = 60    # "crashing" -> platform reset request (VM paused)
DUMP_TIMEOUT = 300      # QMP dump-guest-memory of the whole guest
CAPTURE_TIMEOUT = 300   # system_reset -> capture kernel printed "done"
EXIT_TIMEOUT = 60       # "done" -> QEMU exits (guest poweroff)


class Budget:
    """Seconds left until a step's deadline (at least 1, for a last look)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def __call__(self):
        return max(1.0, self.deadline - time.monotonic())
TOOL_TIMEOUT = 300      # readelf, gdb

COMPARED_REGS = [f"gpr{i}" for i in range(32)] + ["nip", "msr", "ccr", "link", "ctr", "xer"]
MSR_PR = 1 << 14
KERNEL_BASE = 0xC000000000000000


class MissingInput(Exception):
    """A required input (env var) is not set: the test is skipped."""


class StepFailed(Exception):
    """The crash -> capture cycle could not be completed."""

    def __init__(self, step, message, context=()):
        self.step = step
        self.context = list(context)
        super().__init__(f"step '{step}' failed: {message}")


def say(msg):
    print(f"[e2e {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------
# configuration
@dataclass
class Config:
    qemu: str
    guest_dir: str
    firmware_dir: str
    workdir: str = ""          # empty: a fresh run-* dir under work_base
    work_base: str = ""
    firmware: str = "vof"      # or "slof"
    mem: str = "4G"
    smp: int = 4
    crashkernel: str = "1G"
    keep: bool = False
    qemu_extra_args: list = field(default_factory=list)
    append_extra: str = ""

    @property
    def kernel(self):
        return os.path.join(self.guest_dir, "vmlinux")

    @property
    def initrd(self):
        return os.path.join(self.guest_dir, "initramfs.cpio.gz")

    @property
    def system_map(self):
        return os.path.join(self.guest_dir, "System.map")


def config_from_env(env=None):
    env = os.environ if env is None else env
    missing = [v for v in ("FADUMP_QEMU", "FADUMP_GUEST_DIR", "FADUMP_FIRMWARE_DIR") if not env.get(v)]
    if missing:
        raise MissingInput(f"environment variable(s) {', '.join(missing)} not set "
                           f"(scripts/check and scripts/demo set them)")
    build_root = env.get("FADUMP_BUILD_ROOT", "")
    cfg = Config(
        qemu=env["FADUMP_QEMU"],
        guest_dir=env["FADUMP_GUEST_DIR"],
        firmware_dir=env["FADUMP_FIRMWARE_DIR"],
        workdir=env.get("FADUMP_WORKDIR", ""),
        work_base=os.path.join(build_root, "e2e-work") if build_root else "",
        firmware=env.get("FADUMP_E2E_FIRMWARE", "vof"),
        keep=env.get("FADUMP_KEEP", "") not in ("", "0"),
        qemu_extra_args=shlex.split(env.get("FADUMP_QEMU_EXTRA_ARGS", "")),
        append_extra=env.get("FADUMP_APPEND_EXTRA", ""),
    )
    return cfg


def check_inputs(cfg):
    """Inputs that are set must exist: a wrong path is a failure, not a skip."""
    problems = []
    if not (os.path.isfile(cfg.qemu) and os.access(cfg.qemu, os.X_OK)):
        problems.append(f"FADUMP_QEMU={cfg.qemu} is not an executable file")
    for name in ("vmlinux", "System.map", "initramfs.cpio.gz"):
        if not os.path.isfile(os.path.join(cfg.guest_dir, name)):
            problems.append(f"FADUMP_GUEST_DIR={cfg.guest_dir} has no {name}")
    fw = "vof.bin" if cfg.firmware == "vof" else "slof.bin"
    if not os.path.isfile(os.path.join(cfg.firmware_dir, fw)):
        problems.append(f"FADUMP_FIRMWARE_DIR={cfg.firmware_dir} has no {fw}")
    return problems


def size_bytes(text):
    m = re.fullmatch(r"(\d+)([KMGT]?)", text.strip().upper())
    if not m:
        raise ValueError(f"bad size {text!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]


BIG_FILES = ("trigger-dump.elf", "vmcore.elf", "vm.disk.raw")


def make_workdir(cfg):
    if cfg.workdir:
        os.makedirs(cfg.workdir, exist_ok=True)
        return os.path.abspath(cfg.workdir)
    import tempfile
    base = cfg.work_base or os.path.join(tempfile.gettempdir(), "qemu-fadump-e2e")
    os.makedirs(base, exist_ok=True)
    # Earlier runs keep their logs; their multi-GiB images go, and only
    # the ten newest run directories stay.
    old = sorted(glob.glob(os.path.join(base, "run-*")))
    for d in old:
        for name in BIG_FILES:
            p = os.path.join(d, name)
            if os.path.exists(p):
                os.unlink(p)
    for d in old[:-9]:
        shutil.rmtree(d, ignore_errors=True)
    return tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"), dir=base)


# ---------------------------------------------------------------------------
# System.map
class Symbols:
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
# the cycle
@dataclass
class Run:
    cfg: Config
    workdir: str
    marker: str
    append: str = ""
    first_console: str = ""
    capture_console: str = ""
    guest_cpus: int = 0
    busy_loops: int = 0
    crash_cpu_console: int = None   # "CPU: n ... PID:" of the panic report
    crash_cpu_guest: int = None     # FADUMP-TEST: crashing-cpu=<n>
    trigger_event: dict = None
    trigger_status: dict = None
    fadump_triggered: dict = None   # FADUMP_TRIGGERED event data (our QEMU only)
    fadump_info: dict = None        # query-fadump after the trigger (our QEMU only)
    trigger_path: str = ""
    vmcore_path: str = ""
    vmcore_size: int = 0
    vmcore_copied: int = 0
    qemu_version: str = ""
    timings: dict = field(default_factory=dict)
    log_paths: list = field(default_factory=list)

    def fadump_lines(self, which):
        """The fadump-related console lines of one boot: the guest's
        FADUMP-TEST fadump-* lines and kernel messages (printed directly or
        relayed as "dmesg:" lines, once each)."""
        text = self.first_console if which == "first" else self.capture_console
        pat = re.compile(r"fadump(?!test)|firmware-assisted|vmcore|crash data", re.I)
        lines, seen = [], set()
        for line in text.splitlines():
            msg = re.sub(r"^FADUMP-TEST: (dmesg: )?", "", line)
            if not pat.search(msg) or re.search(r"Kernel command line|Linux version", msg):
                continue
            if msg not in seen:
                seen.add(msg)
                lines.append(msg)
        return lines


def _console_context(vm, pattern=r"fadump|firmware-assisted|FADUMP-TEST|rtas|panic", limit=40):
    lines = [l for l in vm.console_text().splitlines() if re.search(pattern, l, re.I)]
    return lines[-limit:]


def run_cycle(cfg, progress=say):
    """Boot, crash, take the trigger dump, capture; return a Run.

    Raises StepFailed (with the step name) when any step goes wrong; QEMU
    is killed and its logs are kept in the work directory.
    """
    problems = check_inputs(cfg)
    if problems:
        raise StepFailed("inputs", "; ".join(problems))
    workdir = make_workdir(cfg)
    marker = "fadumptest-" + secrets.token_hex(12)
    run = Run(cfg=cfg, workdir=workdir, marker=marker)
    run.append = (f"console=hvc0 fadump=on crashkernel={cfg.crashkernel} "
                  f"fadumptest.marker={marker} fadumptest.action=crash {cfg.append_extra}").strip()
    ram = size_bytes(cfg.mem)
    progress(f"work dir {workdir}")
    try:
        ver = subprocess.run([cfg.qemu, "--version"], capture_output=True, text=True, timeout=30)
        run.qemu_version = ver.stdout.splitlines()[0] if ver.stdout else "?"
    except (OSError, subprocess.SubprocessError) as err:
        raise StepFailed("inputs", f"cannot run {cfg.qemu} --version: {err}") from err
    progress(f"QEMU: {cfg.qemu} ({run.qemu_version})")
    progress(f"guest: {cfg.guest_dir}")

    vm = VM(cfg.qemu, workdir, kernel=cfg.kernel, initrd=cfg.initrd, append=run.append,
            firmware_dir=cfg.firmware_dir, firmware=cfg.firmware, mem=cfg.mem, smp=cfg.smp,
            disk_size=ram, extra_args=cfg.qemu_extra_args, name="vm")
    run.log_paths = [vm.cmdline_path, vm.qemu_log_path, vm.console_path, vm.qmp_log_path]
    step = "launch QEMU"
    t0 = time.monotonic()
    boot = Budget(BOOT_TIMEOUT)
    try:
        with vm:
            vm.launch()
            # -- first boot ------------------------------------------------
            step = "first boot"
            # Until "crashing", a panic is a failure.
            fail = (r"FADUMP-TEST: error=[^\n]*", r"Kernel panic - not syncing[^\n]*")
            first = vm.wait_console(r"^FADUMP-TEST: boot=first", boot(), "FADUMP-TEST: boot=first",
                                    fail=fail)
            run.timings["boot"] = time.monotonic() - t0
            progress(f"first kernel reached init after {run.timings['boot']:.1f}s")
            # The protocol lines that follow are looked for in any order.
            boot_mark = first.end()
            step = "first boot: fadump registration"
            reg = vm.wait_console(r"^FADUMP-TEST: fadump-registered=(\S+)", boot(),
                                  since=boot_mark, fail=fail)
            if reg.group(1) != "1":
                en = re.search(r"^FADUMP-TEST: fadump-enabled=(\S+)", vm.console_text(), re.M)
                raise StepFailed(step, f"guest reports fadump-registered={reg.group(1)} "
                                 f"(fadump-enabled={en.group(1) if en else '?'}); the platform did not "
                                 f"accept ibm,configure-kernel-dump (stock QEMU without fadump?)",
                                 _console_context(vm))
            progress("fadump registered in the first kernel")
            step = "first boot: guest setup"
            cpus = vm.wait_console(r"^FADUMP-TEST: cpus=(\d+)", boot(), since=boot_mark, fail=fail)
            run.guest_cpus = int(cpus.group(1))
            vm.wait_console(r"^FADUMP-TEST: marker-written", boot(), since=boot_mark, fail=fail)
            busy = vm.wait_console(r"^FADUMP-TEST: busy-loops=(\d+)", boot(), since=boot_mark,
                                   fail=fail)
            run.busy_loops = int(busy.group(1))
            m = re.search(r"^FADUMP-TEST: crashing-cpu=(\d+)", vm.console_text()[boot_mark:], re.M)
            run.crash_cpu_guest = int(m.group(1)) if m else None
            if run.guest_cpus != cfg.smp:
                raise StepFailed(step, f"guest sees {run.guest_cpus} CPUs, QEMU has -smp {cfg.smp}")
            vm.wait_console(r"^FADUMP-TEST: crashing$", boot(), since=boot_mark, fail=fail)
            run.timings["crashing"] = time.monotonic() - t0
            progress(f"guest sees {run.guest_cpus} CPUs, {run.busy_loops} busy loops; crashing "
                     f"at {run.timings['crashing']:.1f}s")

            # -- trigger: os-term -> preservation -> reset request -> paused
            step = "trigger: memory-preserving reset request"
            run.trigger_event = _wait_trigger(vm, step)
            run.trigger_status = vm.qmp.execute("query-status", timeout=30)
            run.timings["trigger"] = time.monotonic() - t0
            progress(f"platform requested reset: {run.trigger_event.get('data')} -> VM "
                     f"{run.trigger_status.get('status')} at {run.timings['trigger']:.1f}s")
            if run.trigger_status.get("running"):
                raise StepFailed(step, f"VM still running after the reset request: {run.trigger_status}")
            # Extras of our QEMU; a QEMU without them is still tested.
            ev = vm.qmp.take_event("FADUMP_TRIGGERED")
            run.fadump_triggered = ev.get("data") if ev else None
            try:
                run.fadump_info = vm.qmp.execute("query-fadump", timeout=30)
            except QMPCommandError as err:
                progress(f"no query-fadump: {err}")

            # -- the oracle: QEMU's own dump at the trigger -----------------
            step = "trigger dump (QMP dump-guest-memory)"
            run.trigger_path = os.path.join(workdir, "trigger-dump.elf")
            _dump_guest_memory(vm, run.trigger_path, step)
            run.timings["dump"] = time.monotonic() - t0
            progress(f"trigger dump {run.trigger_path} ({os.path.getsize(run.trigger_path)} bytes) "
                     f"at {run.timings['dump']:.1f}s")
            run.first_console = vm.console_text()

            # -- capture boot ----------------------------------------------
            step = "capture boot: reset"
            capture_mark = vm.skip_console()
            vm.qmp.execute("set-action", {"reboot": "reset", "shutdown": "poweroff",
                                          "panic": "shutdown"}, timeout=30)
            vm.qmp.events.clear()
            vm.qmp.execute("system_reset", timeout=30)
            vm.qmp.wait_event("RESET", timeout=60)
            vm.qmp.execute("cont", timeout=30)
            step = "capture boot"
            capture = Budget(CAPTURE_TIMEOUT)
            fail = (r"FADUMP-TEST: error=[^\n]*", r"Kernel panic - not syncing[^\n]*",
                    r"FADUMP-TEST: boot=first[^\n]*", r"FADUMP-TEST: no-disk")
            try:
                vm.wait_console(r"^FADUMP-TEST: boot=capture", capture(),
                                "FADUMP-TEST: boot=capture", fail=fail)
            except VMError as err:
                raise StepFailed(step, f"{err} (boot=first means the capture kernel found no "
                                 f"/proc/vmcore)", _console_context(vm)) from err
            run.timings["capture_boot"] = time.monotonic() - t0
            progress(f"capture kernel reached init at {run.timings['capture_boot']:.1f}s")
            size = vm.wait_console(r"^FADUMP-TEST: vmcore-size=(\d+)", capture(), fail=fail)
            run.vmcore_size = int(size.group(1))
            progress(f"/proc/vmcore is {run.vmcore_size} bytes; guest copies it to the disk")
            copied = vm.wait_console(r"^FADUMP-TEST: vmcore-copied=(\d+)", capture(), fail=fail)
            run.vmcore_copied = int(copied.group(1))
            vm.wait_console(r"^FADUMP-TEST: done", capture(), fail=fail)
            run.timings["done"] = time.monotonic() - t0
            step = "capture boot: poweroff"
            status = vm.wait_exit(EXIT_TIMEOUT)
            run.timings["exit"] = time.monotonic() - t0
            run.capture_console = vm.console_since(capture_mark)
            progress(f"capture done, QEMU exited with {status} at {run.timings['exit']:.1f}s")
            if status != 0:
                raise StepFailed(step, f"QEMU exited with status {status}")
    except StepFailed:
        raise
    except (VMError, QMPError, OSError) as err:
        raise StepFailed(step, str(err), _console_context(vm)) from err
    finally:
        run.first_console = run.first_console or vm.console_text()

    step = "vmcore copy"
    if run.vmcore_copied != run.vmcore_size:
        raise StepFailed(step, f"guest copied {run.vmcore_copied} of {run.vmcore_size} bytes of /proc/vmcore")
    if run.vmcore_size == 0 or run.vmcore_size > os.path.getsize(vm.disk_path):
        raise StepFailed(step, f"vmcore-size {run.vmcore_size} does not fit the {os.path.getsize(vm.disk_path)}"
                         f"-byte disk")
    run.vmcore_path = os.path.join(workdir, "vmcore.elf")
    os.replace(vm.disk_path, run.vmcore_path)
    os.truncate(run.vmcore_path, run.vmcore_size)
    return run


def _wait_trigger(vm, step):
    """Wait until the platform's reset request has paused the VM."""
    deadline = time.monotonic() + TRIGGER_TIMEOUT
    while True:
        ev = vm.qmp.take_event(("SHUTDOWN", "GUEST_PANICKED"))
        if ev is None:
            try:
                ev = vm.qmp.wait_event(("SHUTDOWN", "GUEST_PANICKED"), timeout=0.5)
            except QMPError:
                ev = None
        if ev is not None:
            if ev["event"] == "GUEST_PANICKED":
                raise StepFailed(step, f"QEMU reported GUEST_PANICKED {ev.get('data')} instead of a "
                                 f"memory-preserving reset: ibm,os-term was not handled as a fadump "
                                 f"trigger", _console_context(vm))
            reason = ev.get("data", {}).get("reason")
            if reason != "guest-reset":
                raise StepFailed(step, f"SHUTDOWN event with reason {reason!r}, expected 'guest-reset' "
                                 f"(the platform's reboot after preserving memory)", _console_context(vm))
            return ev
        if not vm.alive():
            raise StepFailed(step, f"QEMU exited (status {vm.proc.returncode}) before requesting a reset",
                             _console_context(vm))
        if time.monotonic() >= deadline:
            raise StepFailed(step, f"no SHUTDOWN event (guest-reset) within {TRIGGER_TIMEOUT}s of "
                             f"'crashing'", _console_context(vm))


def _dump_guest_memory(vm, path, step):
    vm.qmp.execute("dump-guest-memory", {"paging": False, "protocol": f"file:{path}",
                                         "format": "elf", "detach": True}, timeout=60)
    deadline = time.monotonic() + DUMP_TIMEOUT
    while True:
        st = vm.qmp.execute("query-dump", timeout=30)
        if st["status"] == "completed":
            return st
        if st["status"] in ("failed", "none"):
            ev = vm.qmp.take_event("DUMP_COMPLETED")
            raise StepFailed(step, f"dump-guest-memory {st['status']}: {ev and ev.get('data')}")
        if time.monotonic() >= deadline:
            raise StepFailed(step, f"dump-guest-memory not finished after {DUMP_TIMEOUT}s: {st}")
        time.sleep(0.5)


def cleanup(run, passed):
    """Drop the multi-GiB images of a passing run unless asked to keep them."""
    if passed and not run.cfg.keep:
        for p in (run.trigger_path, run.vmcore_path):
            if p and os.path.exists(p):
                os.unlink(p)


# ---------------------------------------------------------------------------
# checks
@dataclass
class Check:
    key: str
    title: str
    ok: bool = False
    summary: str = ""
    details: list = field(default_factory=list)


def find_tool(*names):
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def _run_tool(args, outfile):
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


def analyse(run):
    """Run assertions (a)-(e); returns (checks, facts)."""
    facts = Facts()
    checks = {k: Check(k, t) for k, t in (
        ("a", "vmcore is an ELF core with one NT_PRSTATUS per online CPU + VMCOREINFO (readelf)"),
        ("b", "crashing CPU's NIP is in crash_fadump (System.map, gdb)"),
        ("c", "non-crashing CPUs' registers equal QEMU's own dump at the trigger"),
        ("d", "vmcore memory equals the trigger dump page for page"),
        ("e", "the random marker is in the vmcore's memory"),
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
            _check_a(run, vmcore, checks["a"], facts)
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
                _check_b(run, vmcore, symbols, checks["b"], facts)
            except Exception as err:  # noqa: BLE001
                checks["b"].summary = f"internal error: {err!r}"
        if trigger is None:
            for k in "cd":
                checks[k].summary = trigger_err
        else:
            with trigger:
                for key, fn in (("c", _check_c), ("d", _check_d)):
                    try:
                        fn(run, vmcore, trigger, symbols, checks[key], facts)
                    except Exception as err:  # noqa: BLE001
                        checks[key].summary = f"internal error: {err!r}"
        try:
            _check_e(run, vmcore, checks["e"], facts)
        except Exception as err:  # noqa: BLE001
            checks["e"].summary = f"internal error: {err!r}"
    return list(checks.values()), facts


def _check_a(run, vmcore, check, facts):
    readelf = find_tool("readelf", "powerpc64le-linux-gnu-readelf")
    if readelf is None:
        check.summary = "readelf not found (install binutils-multiarch)"
        return
    hdr = _run_tool([readelf, "-W", "-h", "-l", run.vmcore_path], os.path.join(run.workdir, "readelf-hl.txt"))
    notes = _run_tool([readelf, "-W", "-n", run.vmcore_path], os.path.join(run.workdir, "readelf-n.txt"))
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


def _gdb_check(run, nip, lr, crash_index):
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
    res = _run_tool(args, os.path.join(run.workdir, "gdb.txt"))
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


def _check_b(run, vmcore, symbols, check, facts):
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
    gdb_nip, gdb_lr, bt = _gdb_check(run, note.nip, note.link, crash)
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


def _qemu_notes_by_cpu(trigger):
    notes = trigger.prstatus()
    pids = [n.pid for n in notes]
    if all(pids) and len(set(pids)) == len(pids):
        return {n.pid - 1: n for n in notes}, "pr_pid - 1"
    return dict(enumerate(notes)), "note order"


def _check_c(run, vmcore, trigger, symbols, check, facts):
    ours = vmcore.prstatus()
    qemu, how = _qemu_notes_by_cpu(trigger)
    crash = facts.crash_cpu
    if crash is None:
        check.details.append("crashing CPU unknown: comparing every CPU")
    check.details.append(f"QEMU notes mapped to CPUs by {how}; vmcore note i = CPU i (all CPUs online)")
    problems, compared = [], 0
    for cpu, note in enumerate(ours):
        desc = symbols.describe(note.nip, note["msr"]) if symbols else f"0x{note.nip:x}"
        if cpu == crash:
            facts.per_cpu.append((cpu, desc, "crashing CPU (registers from the kernel's crash header)"))
            continue
        ref = qemu.get(cpu)
        if ref is None:
            problems.append(f"CPU {cpu}: no NT_PRSTATUS for it in the trigger dump")
            facts.per_cpu.append((cpu, desc, "no QEMU note"))
            continue
        diff = [f"{r}: vmcore 0x{note[r]:x} != QEMU 0x{ref[r]:x}" for r in COMPARED_REGS if note[r] != ref[r]]
        compared += 1
        if diff:
            problems.append(f"CPU {cpu}: {len(diff)} of {len(COMPARED_REGS)} registers differ: "
                            + "; ".join(diff[:8]) + (" ..." if len(diff) > 8 else ""))
            facts.per_cpu.append((cpu, desc, f"{len(diff)} registers DIFFER"))
        else:
            facts.per_cpu.append((cpu, desc, f"all {len(COMPARED_REGS)} registers equal"))
    if compared == 0 and not problems:
        problems.append("no CPU to compare")
    check.details += [f"CPU {c}: NIP {d}: {r}" for c, d, r in facts.per_cpu]
    check.ok = not problems
    check.summary = (f"{compared} CPUs x {len(COMPARED_REGS)} registers (gpr0-31 nip msr ccr link ctr xer) equal"
                     if check.ok else "; ".join(problems))


def _boot_mem_top(run):
    m = re.search(r"Reserving (\d+)MB of memory at (0x[0-9a-fA-F]+|\d+) for preserving crash data",
                  run.capture_console)
    if m:
        return int(m.group(2), 0), "capture kernel's 'Reserving ... for preserving crash data'"
    return size_bytes(run.cfg.crashkernel), f"crashkernel={run.cfg.crashkernel}"


CHUNK = 16 << 20

def _diff_bytes(a, b):
    return [i for i in range(len(a)) if a[i] != b[i]]


def _compare_range(vmcore, trigger, start, end, page, diffs):
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


def _check_d(run, vmcore, trigger, symbols, check, facts):
    page = facts.page_size
    top, source = _boot_mem_top(run)
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
            boot_pages += _compare_range(vmcore, trigger, start, e, page, boot_diffs)
            boot_bytes += e - start
        if end > top:
            s = max(start, top)
            upper_pages += _compare_range(vmcore, trigger, s, end, page, upper_diffs)
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


def _check_e(run, vmcore, check, facts):
    # The guest's tmpfs file repeats "FADUMPTEST-MARKER <marker>", a form
    # that is not on the kernel command line (which is in RAM too).
    needle = f"FADUMPTEST-MARKER {run.marker}".encode()
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
    check.summary = (f"'{needle.decode()}' found {len(in_load)} times in PT_LOAD data"
                     if check.ok else f"'{needle.decode()}' not found in PT_LOAD data "
                     f"({len(hits)} occurrences elsewhere in the file)")


def report(checks, out=sys.stdout):
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
