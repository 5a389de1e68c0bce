"""fadump crash -> capture cycles and the checks on their /proc/vmcore.

Shared by the meson tests (test_crash_capture.py), the demo (demo.py) and
the benchmark (tests/bench/fadump-preserve.py):

1. ``config_from_env()`` reads FADUMP_QEMU, FADUMP_GUEST_DIR (or, for
   another kernel version, FADUMP_GUEST_DIR_6_1 or _7_2: see
   :func:`guest_dir_var`), FADUMP_FIRMWARE_DIR (required) and
   FADUMP_WORKDIR & co (optional);
   ``apply_case()`` sets the parameters of one of the :data:`CASES`.
2. ``run_case()`` boots the guest with fadump registered, optionally
   migrates or resets it while registered, lets it crash, takes QEMU's own
   dump while the VM is held after the platform preserved the dump (the
   "trigger" oracle), continues into the capture kernel, which copies
   /proc/vmcore to a virtio disk and then powers off, crashes again, or
   releases the dump, registers again and crashes (another cycle).  It
   returns a :class:`Result`: one :class:`Run` per crash, and the checks
   of the lifecycle steps made on the way.
3. ``analyse()`` checks one Run's vmcore against its trigger dump and
   returns one :class:`Check` per assertion (a)-(g).

There is one flow; the cases differ only in the parameters of
:class:`Config`.
"""

import bisect
import contextlib
import fcntl
import glob
import os
import re
import secrets
import shlex
import shutil
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field

import elfcore
from elfcore import ElfCore, ElfCoreError
from qmp import QMPCommandError, QMPError
from vm import HOLD_ACTIONS, VM, VMError

# Step budgets (seconds); each covers all the waits of its step.  Their sum
# stays below the meson test timeout so that these, with their precise
# messages, fire first.
BOOT_TIMEOUT = 180      # QEMU start -> first boot says "crashing"
TRIGGER_TIMEOUT = 60    # "crashing" -> platform reset request (VM paused)
DUMP_TIMEOUT = 300      # QMP dump-guest-memory of the whole guest
CAPTURE_TIMEOUT = 300   # system_reset -> capture kernel printed "done"
EXIT_TIMEOUT = 60       # "done" -> QEMU exits (guest poweroff)
MIGRATE_TIMEOUT = 180   # destination QEMU start -> migration completed, running
RESET_TIMEOUT = 180     # host reset -> the guest registered again
# A second cycle (re-registration) repeats TRIGGER, DUMP and CAPTURE.


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

# The guest's control sector (tests/guest/init): CTL_FROM_END bytes before
# the end of its disk; the host writes GO_TOKEN there for fadumptest.wait=go.
CTL_FROM_END = 4096
GO_TOKEN = b"FADUMPTEST-GO\n"

# query-fadump / PAPR values
FADUMP_CPU_STATE, FADUMP_HPTE = 0x0001, 0x0002
STATUS_PERFORMED, STATUS_TRIGGERED, STATUS_ERROR = 0x8000, 0x4000, 0x2000


class MissingInput(Exception):
    """A required input (env var) is not set: the test is skipped."""


class StepFailed(Exception):
    """A step of the flow could not be completed."""

    def __init__(self, step, message, context=(), case=""):
        self.step = step
        self.message = message
        self.context = list(context)
        self.case = case
        self.checks = []        # lifecycle checks made before the step failed
        super().__init__(self._text())

    def _text(self):
        where = f"case '{self.case}': " if self.case else ""
        return f"{where}step '{self.step}' failed: {self.message}"

    def set_case(self, case):
        self.case = case
        self.args = (self._text(),)

    def __str__(self):
        return self._text()


def say(msg):
    print(f"[e2e {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------
# configuration

# The guests scripts/build-guest makes (--kernel VERSION); the default one
# (with DWARF) is in FADUMP_GUEST_DIR, the others in FADUMP_GUEST_DIR_<V>.
KERNEL_VERSIONS = ("6.1", "6.12", "7.2")
DEFAULT_KERNEL = "6.12"


def guest_dir_var(kernel):
    """The environment variable holding the guest of kernel ``kernel``."""
    if kernel not in KERNEL_VERSIONS:
        raise ValueError(f"unknown kernel version {kernel!r} (known: {', '.join(KERNEL_VERSIONS)})")
    if kernel == DEFAULT_KERNEL:
        return "FADUMP_GUEST_DIR"
    return "FADUMP_GUEST_DIR_" + kernel.replace(".", "_")


@dataclass
class Config:
    qemu: str
    guest_dir: str
    firmware_dir: str
    kernel_version: str = DEFAULT_KERNEL   # the guest's (scripts/build-guest --kernel)
    workdir: str = ""          # empty: a fresh run-* dir under work_base
    work_base: str = ""
    firmware: str = "vof"      # or "slof"
    mem: str = "4G"
    smp: int = 4
    crashkernel: str = "1G"
    keep: bool = False
    qemu_extra_args: list = field(default_factory=list)
    append_extra: str = ""
    # -- the case's parameters (see CASES) --
    case: str = "default"
    fadump_mode: str = "on"      # the guest's fadump=on|nocma
    mmu: str = "radix"           # "hash": the guest's disable_radix
    # How the VM is held after the platform preserved the dump, for the
    # trigger dump: "action" (-action reboot=shutdown,shutdown=pause, then
    # system_reset + cont), "pause" (-M fadump-pause=on, then cont), or
    # "none" (no hold, no trigger dump: the benchmark).
    hold: str = "action"
    # Done while the dump is registered, before the crash: "" (nothing),
    # "migrate" (to a second QEMU started with -incoming) or "host-reset"
    # (QMP system_reset; the guest boots and registers again).
    before_crash: str = ""
    # The guest's fadumptest.capture: what each capture boot does after
    # copying /proc/vmcore (copy, copy-crash, copy-release-register-crash).
    capture: str = "copy"
    trace: bool = False          # -trace spapr_fadump_* with timestamps
    # "capture-boot": stop once the capture kernel has /proc/vmcore (and
    # has printed its fadump_region and fadump messages);
    # "trigger-dump": stop once the trigger dump is written (no capture boot)
    stop_after: str = ""
    # More QMP dump-guest-memory formats (DUMP_FORMATS) taken at the
    # trigger hold, after the ELF one: Run.trigger_dumps[format] = path
    trigger_formats: list = field(default_factory=list)

    @property
    def capture_actions(self):
        return [a for a in self.capture.split(",") if a]

    def capture_action(self, n):
        """What the n-th capture boot (1-based) does."""
        acts = self.capture_actions or ["copy"]
        return acts[min(n, len(acts)) - 1]

    @property
    def kernel(self):
        return os.path.join(self.guest_dir, "vmlinux")

    @property
    def initrd(self):
        return os.path.join(self.guest_dir, "initramfs.cpio.gz")

    @property
    def kernel_has_dwarf(self):
        """Whether vmlinux has DWARF (CONFIG_DEBUG_INFO=y in the guest's
        config): the 6.12 guest has, the 6.1 and 7.2 guests have not, so
        checks that need gdb to know types or source lines skip there."""
        try:
            with open(os.path.join(self.guest_dir, "config")) as f:
                return "CONFIG_DEBUG_INFO=y\n" in f.read()
        except OSError:
            return False

    @property
    def system_map(self):
        return os.path.join(self.guest_dir, "System.map")


def config_from_env(env=None, kernel=None):
    """The configuration from ``env``; the guest of kernel version
    ``kernel`` (default: $FADUMP_E2E_KERNEL, else :data:`DEFAULT_KERNEL`)."""
    env = os.environ if env is None else env
    kernel = kernel or env.get("FADUMP_E2E_KERNEL") or DEFAULT_KERNEL
    guest_var = guest_dir_var(kernel)
    missing = [v for v in ("FADUMP_QEMU", guest_var, "FADUMP_FIRMWARE_DIR") if not env.get(v)]
    if missing:
        raise MissingInput(f"environment variable(s) {', '.join(missing)} not set "
                           f"(scripts/check and scripts/demo set them)")
    build_root = env.get("FADUMP_BUILD_ROOT", "")
    cfg = Config(
        qemu=env["FADUMP_QEMU"],
        guest_dir=env[guest_var],
        firmware_dir=env["FADUMP_FIRMWARE_DIR"],
        kernel_version=kernel,
        workdir=env.get("FADUMP_WORKDIR", ""),
        work_base=os.path.join(build_root, "e2e-work") if build_root else "",
        firmware=env.get("FADUMP_E2E_FIRMWARE", "vof"),
        keep=env.get("FADUMP_KEEP", "") not in ("", "0"),
        qemu_extra_args=shlex.split(env.get("FADUMP_QEMU_EXTRA_ARGS", "")),
        append_extra=env.get("FADUMP_APPEND_EXTRA", ""),
    )
    return cfg


# name -> (what it tests, Config fields).  "default" is the configuration
# the kernel and QEMU communities test: VOF, 4 vCPUs, 4 GiB, crashkernel=1G.
CASES = {
    "default": ("VOF, 4 vCPUs, 4 GiB, crashkernel=1G, radix MMU, fadump=on", {}),
    "slof": ("SLOF instead of VOF", {"firmware": "slof"}),
    "smp1": ("1 vCPU", {"smp": 1}),
    "nocma": ("fadump=nocma (memblock reservation, no CMA)", {"fadump_mode": "nocma"}),
    "hash": ("hash MMU (disable_radix): the HPTE section is filled", {"mmu": "hash"}),
    "migrate": ("migration to a second QEMU while registered; the crash happens on the destination",
                {"before_crash": "migrate"}),
    "host-reset": ("QMP system_reset while registered: registration dropped, the guest registers again",
                   {"before_crash": "host-reset"}),
    "second-crash": ("the capture kernel crashes too: no second dump, the panic action applies",
                     {"capture": "copy-crash"}),
    "reregister": ("the capture kernel releases the dump, registers again and crashes: a second dump",
                   {"capture": "copy-release-register-crash,copy"}),
    "fadump-pause": ("-M fadump-pause=on holds the VM for the trigger dump; cont reboots",
                     {"hold": "pause"}),
}


def apply_case(cfg, name):
    """Set the parameters of case ``name`` on ``cfg``."""
    if name not in CASES:
        raise ValueError(f"unknown case {name!r} (known: {', '.join(CASES)})")
    cfg.case = name
    for key, value in CASES[name][1].items():
        setattr(cfg, key, value)
    return cfg


def check_config(cfg):
    problems = []
    if cfg.firmware not in ("vof", "slof"):
        problems.append(f"firmware {cfg.firmware!r} is not vof or slof")
    if cfg.fadump_mode not in ("on", "nocma"):
        problems.append(f"fadump_mode {cfg.fadump_mode!r} is not on or nocma")
    if cfg.mmu not in ("radix", "hash"):
        problems.append(f"mmu {cfg.mmu!r} is not radix or hash")
    if cfg.hold not in ("action", "pause", "none"):
        problems.append(f"hold {cfg.hold!r} is not action, pause or none")
    if cfg.before_crash not in ("", "migrate", "host-reset"):
        problems.append(f"before_crash {cfg.before_crash!r} is not '', migrate or host-reset")
    acts = cfg.capture_actions
    bad = [a for a in acts if a not in ("copy", "copy-crash", "copy-release-register-crash")]
    if bad or not acts:
        problems.append(f"capture {cfg.capture!r}: unknown action(s) {bad}")
    elif acts[-1] == "copy-release-register-crash":
        problems.append(f"capture {cfg.capture!r} never ends (the last action repeats)")
    if cfg.stop_after not in ("", "capture-boot", "trigger-dump"):
        problems.append(f"stop_after {cfg.stop_after!r} is not '', capture-boot or trigger-dump")
    if cfg.hold == "none" and cfg.stop_after != "capture-boot":
        problems.append("hold 'none' takes no trigger dump: only for stop_after capture-boot runs")
    return problems


def check_inputs(cfg):
    """Inputs that are set must exist: a wrong path is a failure, not a skip."""
    problems = check_config(cfg)
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


BIG_FILES = ("trigger-dump*.elf", "vmcore*.elf", "vm.disk.raw")


IN_USE = ".in-use"      # flock()ed by the process using a run directory
_held_locks = []


def _in_use(d):
    """Whether another process holds run directory d."""
    try:
        fd = os.open(os.path.join(d, IN_USE), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def make_workdir(cfg):
    if cfg.workdir:
        os.makedirs(cfg.workdir, exist_ok=True)
        return os.path.abspath(cfg.workdir)
    import tempfile
    base = cfg.work_base or os.path.join(tempfile.gettempdir(), "qemu-fadump-e2e")
    os.makedirs(base, exist_ok=True)
    # Earlier runs keep their logs; their multi-GiB images go, and only
    # the ten newest run directories stay.  A run still going on in
    # another process (its directory locked) is left alone.
    old = [d for d in sorted(glob.glob(os.path.join(base, "run-*"))) if not _in_use(d)]
    for d in old:
        for name in BIG_FILES:
            for p in glob.glob(os.path.join(d, name)):
                os.unlink(p)
    for d in old[:-9]:
        shutil.rmtree(d, ignore_errors=True)
    d = tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"), dir=base)
    fd = os.open(os.path.join(d, IN_USE), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)      # until this process exits
    _held_locks.append(fd)
    return d


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
# the flow
@dataclass
class Run:
    """One crash: the kernel that crashed, the trigger, its capture boot."""
    cfg: Config
    workdir: str
    marker: str
    index: int = 1                  # 1 for the first crash, 2 after a re-registration
    append: str = ""
    first_console: str = ""         # console of the kernel that crashed
    capture_console: str = ""       # console of the capture boot that followed
    guest_cpus: int = 0
    busy_loops: int = 0
    crash_cpu_console: int = None   # "CPU: n ... PID:" of the panic report
    crash_cpu_guest: int = None     # FADUMP-TEST: crashing-cpu=<n>
    trigger_event: dict = None
    trigger_status: dict = None
    fadump_triggered: dict = None   # FADUMP_TRIGGERED event data (our QEMU only)
    fadump_info: dict = None        # query-fadump after the trigger (our QEMU only)
    capture_action: str = ""
    trigger_path: str = ""
    trigger_dumps: dict = field(default_factory=dict)   # format -> path (cfg.trigger_formats)
    dump_formats: list = None       # query-dump-guest-memory-capability, with trigger_formats
    vmcore_path: str = ""
    vmcore_size: int = 0
    vmcore_copied: int = 0
    qemu_version: str = ""
    timings: dict = field(default_factory=dict)
    log_paths: list = field(default_factory=list)
    # flow bookkeeping
    console_start: int = 0          # console position where this kernel's output starts
    console_prefix: str = ""        # console of a migration's source
    capture_mark: int = 0           # console position of the capture boot
    capture_budget: object = None
    pause_problems: list = field(default_factory=list)
    pause_details: list = field(default_factory=list)

    @property
    def label(self):
        return f"crash {self.index}"

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


@dataclass
class Result:
    """What run_case() returns: one Run per crash, the lifecycle checks."""
    cfg: Config
    workdir: str
    runs: list = field(default_factory=list)
    checks: list = field(default_factory=list)   # Check, made during the flow
    timings: dict = field(default_factory=dict)
    trace_log: str = ""                          # with cfg.trace: QEMU's trace lines
    qmp_events: list = field(default_factory=list)
    log_paths: list = field(default_factory=list)


def _console_context(vm, pattern=r"fadump|firmware-assisted|FADUMP-TEST|rtas|panic", limit=40):
    if vm is None:
        return []
    lines = [l for l in vm.console_text().splitlines() if re.search(pattern, l, re.I)]
    return lines[-limit:]


def guest_append(cfg, marker):
    """The guest's kernel command line for a case."""
    words = ["console=hvc0", f"fadump={cfg.fadump_mode}", f"crashkernel={cfg.crashkernel}",
             f"fadumptest.marker={marker}", "fadumptest.action=crash"]
    if cfg.mmu == "hash":
        words.append("disable_radix")
    if cfg.before_crash:
        words.append("fadumptest.wait=go")
    if cfg.capture != "copy":
        words.append(f"fadumptest.capture={cfg.capture}")
    return " ".join(words + [cfg.append_extra]).strip()


# Console lines that end a wait as a failure.
FIRST_FAIL = (r"FADUMP-TEST: error=[^\n]*", r"Kernel panic - not syncing[^\n]*")
CAPTURE_FAIL = FIRST_FAIL + (r"FADUMP-TEST: boot=first[^\n]*", r"FADUMP-TEST: no-disk")


def run_case(cfg, progress=say):
    """Run the case that ``cfg`` describes; return a :class:`Result`.

    Raises StepFailed (with the case and step) when a step goes wrong;
    QEMU is killed and its logs are kept in the work directory.
    """
    return _Flow(cfg, progress).run()


def run_cycle(cfg, progress=say):
    """The first crash of run_case() (the demo's single cycle)."""
    return run_case(cfg, progress).runs[0]


class _Flow:
    def __init__(self, cfg, progress):
        self.cfg = cfg
        self.progress = progress
        self.step = "inputs"
        self.vm = None
        self.vms = []
        self.result = None
        self.t0 = time.monotonic()
        self.qemu_version = ""

    # -- helpers ------------------------------------------------------------
    def fail(self, message, context=None):
        raise StepFailed(self.step, message,
                         _console_context(self.vm) if context is None else context)

    def elapsed(self):
        return time.monotonic() - self.t0

    def record(self, key, title, problems, summary, details=()):
        """A lifecycle check made during the flow."""
        c = Check(key, title, ok=not problems,
                  summary=summary if not problems else "; ".join(problems),
                  details=list(details))
        self.result.checks.append(c)
        self.progress(f"check ({key}): {'PASS' if c.ok else 'FAIL'}: {c.summary}")
        return c

    def new_vm(self, name, stack, incoming=None):
        cfg = self.cfg
        extra = list(cfg.qemu_extra_args)
        if cfg.trace:
            extra += ["-trace", "enable=spapr_fadump_*", "-msg", "timestamp=on"]
        if incoming:
            extra += ["-incoming", incoming]
        first = self.vms[0] if self.vms else None
        vm = VM(cfg.qemu, self.result.workdir, kernel=cfg.kernel, initrd=cfg.initrd,
                append=self.append, firmware_dir=cfg.firmware_dir, firmware=cfg.firmware,
                mem=cfg.mem, smp=cfg.smp, disk_size=size_bytes(cfg.mem),
                disk_path=first.disk_path if first else None, create_disk=first is None,
                machine_props=["fadump-pause=on"] if cfg.hold == "pause" else [],
                actions=HOLD_ACTIONS if cfg.hold == "action" else
                "reboot=reset,shutdown=poweroff,panic=pause",
                extra_args=extra, name=name)
        stack.enter_context(vm)
        self.vms.append(vm)
        self.result.log_paths += [vm.cmdline_path, vm.qemu_log_path, vm.console_path,
                                  vm.qmp_log_path, vm.debug_log_path]
        return vm

    def query_fadump(self, vm=None):
        try:
            return (vm or self.vm).qmp.execute("query-fadump", timeout=30)
        except QMPCommandError as err:
            self.progress(f"no query-fadump: {err}")
            return None

    def next_event(self, names, deadline, vm=None):
        """The first queued or arriving event named in ``names``; None at
        the deadline or when QEMU has exited."""
        vm = vm or self.vm
        while True:
            ev = vm.qmp.take_event(names)
            if ev is not None:
                return ev
            if not vm.alive() or time.monotonic() >= deadline:
                return None
            try:
                vm.qmp.poll_events(0.2)
            except QMPError:
                if not vm.alive():
                    return None
                raise

    def system_reset(self, what):
        """QMP system_reset; returns the RESET event.  With the hold's
        -action reboot=shutdown every reset, a host's too, would be a
        shutdown: reboot=reset for the time of the reset."""
        vm = self.vm
        if self.cfg.hold == "action":
            vm.qmp.execute("set-action", {"reboot": "reset"}, timeout=30)
        vm.qmp.execute("system_reset", timeout=30)
        ev = self.wait_event("RESET", 60, what)
        if self.cfg.hold == "action":
            vm.qmp.execute("set-action", {"reboot": "shutdown"}, timeout=30)
        return ev

    def wait_event(self, names, timeout, what):
        ev = self.next_event(names, time.monotonic() + timeout)
        if ev is None:
            why = f"QEMU exited (status {self.vm.proc.returncode})" if not self.vm.alive() else \
                f"not within {timeout}s"
            self.fail(f"no QMP event {'/'.join(names) if isinstance(names, tuple) else names} "
                      f"({what}): {why}")
        return ev

    # -- the flow -----------------------------------------------------------
    def run(self):
        cfg = self.cfg
        problems = check_inputs(cfg)
        if problems:
            raise StepFailed("inputs", "; ".join(problems))
        workdir = make_workdir(cfg)
        self.result = Result(cfg=cfg, workdir=workdir)
        marker = "fadumptest-" + secrets.token_hex(12)
        self.append = guest_append(cfg, marker)
        self.progress(f"case {cfg.case}: {CASES.get(cfg.case, ('custom',))[0]}")
        self.progress(f"work dir {workdir}")
        try:
            ver = subprocess.run([cfg.qemu, "--version"], capture_output=True, text=True, timeout=30)
            self.qemu_version = ver.stdout.splitlines()[0] if ver.stdout else "?"
        except (OSError, subprocess.SubprocessError) as err:
            raise StepFailed("inputs", f"cannot run {cfg.qemu} --version: {err}") from err
        self.progress(f"QEMU: {cfg.qemu} ({self.qemu_version})")
        self.progress(f"guest: {cfg.guest_dir}")
        self.t0 = time.monotonic()
        run = None
        with contextlib.ExitStack() as stack:
            try:
                self.step = "launch QEMU"
                self.vm = self.new_vm("vm", stack)
                self.vm.launch()
                run = self.new_run(marker, console_start=0)
                self.first_boot(run, stack)
                while True:
                    self.trigger(run)
                    if cfg.stop_after == "trigger-dump":
                        self.vm.kill()
                        return self.result
                    if cfg.hold == "none" and cfg.stop_after:
                        self.capture_boot(run)
                        return self.stop_early(run)
                    action = self.capture_boot(run)
                    if action == "copy-release-register-crash":
                        run = self.reregister(run)
                        continue
                    if action == "copy-crash":
                        self.capture_crash(run)
                    else:
                        self.poweroff(run)
                    break
            except StepFailed as err:
                if not err.case:
                    err.set_case(cfg.case)
                err.checks = self.result.checks
                raise
            except (VMError, QMPError, OSError) as err:
                failed = StepFailed(self.step, str(err), _console_context(self.vm), case=cfg.case)
                failed.checks = self.result.checks
                raise failed from err
            finally:
                self.collect()
        self.take_vmcore(run, last=True)
        return self.result

    def collect(self):
        """Keep what the logs say once QEMU is gone."""
        if self.cfg.trace:
            parts = []
            for vm in self.vms:
                try:
                    with open(vm.debug_log_path, errors="replace") as f:
                        parts.append(f.read())
                except OSError:
                    pass
            self.result.trace_log = "".join(parts)
        self.result.qmp_events = [ev for vm in self.vms if vm.qmp is not None
                                  for ev in vm.qmp.history]

    def new_run(self, marker, console_start):
        run = Run(cfg=self.cfg, workdir=self.result.workdir, marker=marker,
                  index=len(self.result.runs) + 1, append=self.append,
                  qemu_version=self.qemu_version, log_paths=self.result.log_paths)
        run.console_start = console_start
        self.result.runs.append(run)
        return run

    def stop_early(self, run):
        run.first_console = run.first_console or self.vm.console_since(run.console_start)
        run.capture_console = self.vm.console_since(run.capture_mark)
        self.vm.kill()
        self.collect()
        return self.result

    # -- first boot ---------------------------------------------------------
    def boot_registered(self, run, budget, what):
        """Wait for a first boot that registered; return the console
        position of its boot=first line."""
        vm = self.vm
        self.step = what
        first = vm.wait_console(r"^FADUMP-TEST: boot=first", budget(), "FADUMP-TEST: boot=first",
                                fail=FIRST_FAIL)
        run.timings.setdefault("boot", self.elapsed())
        self.progress(f"{what}: kernel reached init at {self.elapsed():.1f}s")
        mark = first.end()
        self.step = f"{what}: fadump registration"
        reg = vm.wait_console(r"^FADUMP-TEST: fadump-registered=(\S+)", budget(),
                              since=mark, fail=FIRST_FAIL)
        if reg.group(1) != "1":
            en = re.search(r"^FADUMP-TEST: fadump-enabled=(\S+)", vm.console_since(mark), re.M)
            self.fail(f"guest reports fadump-registered={reg.group(1)} "
                      f"(fadump-enabled={en.group(1) if en else '?'}); the platform did not "
                      f"accept ibm,configure-kernel-dump (stock QEMU without fadump?)")
        self.progress(f"{what}: fadump registered")
        return mark

    def crash_setup(self, run, mark, budget, what):
        """Read the lines of init's prepare_crash (cpus, marker, busy loops)."""
        vm = self.vm
        self.step = f"{what}: guest setup"
        cpus = vm.wait_console(r"^FADUMP-TEST: cpus=(\d+)", budget(), since=mark, fail=FIRST_FAIL)
        run.guest_cpus = int(cpus.group(1))
        m = vm.wait_console(r"^FADUMP-TEST: marker=(\S+)$", budget(), since=mark, fail=FIRST_FAIL)
        run.marker = m.group(1)
        vm.wait_console(r"^FADUMP-TEST: marker-written", budget(), since=mark, fail=FIRST_FAIL)
        busy = vm.wait_console(r"^FADUMP-TEST: busy-loops=(\d+)", budget(), since=mark, fail=FIRST_FAIL)
        run.busy_loops = int(busy.group(1))
        m = re.search(r"^FADUMP-TEST: crashing-cpu=(\d+)", vm.console_since(mark), re.M)
        run.crash_cpu_guest = int(m.group(1)) if m else None
        if run.guest_cpus != self.cfg.smp:
            self.fail(f"guest sees {run.guest_cpus} CPUs, QEMU has -smp {self.cfg.smp}")

    def first_boot(self, run, stack):
        cfg = self.cfg
        budget = Budget(BOOT_TIMEOUT)
        mark = self.boot_registered(run, budget, "first boot")
        self.crash_setup(run, mark, budget, "first boot")
        if cfg.before_crash:
            self.step = "first boot: waiting for the host"
            self.vm.wait_console(r"^FADUMP-TEST: waiting-for-go", budget(), since=mark, fail=FIRST_FAIL)
            self.progress(f"guest registered and waits for the host ({cfg.before_crash}) "
                          f"at {self.elapsed():.1f}s")
            if cfg.before_crash == "migrate":
                self.migrate(run, stack)
            else:
                self.host_reset(run)
            self.step = "first boot: go"
            self.write_go()
        self.step = "first boot: crash"
        self.vm.wait_console(r"^FADUMP-TEST: crashing$", budget(), fail=FIRST_FAIL)
        run.timings["crashing"] = self.elapsed()
        self.progress(f"guest sees {run.guest_cpus} CPUs, {run.busy_loops} busy loops; crashing "
                      f"at {run.timings['crashing']:.1f}s")

    def write_go(self):
        path = self.vm.disk_path
        with open(path, "r+b") as f:
            f.seek(os.path.getsize(path) - CTL_FROM_END)
            f.write(GO_TOKEN)
            f.flush()
            os.fsync(f.fileno())
        self.vm.wait_console(r"^FADUMP-TEST: go$", 60, "the guest to see the go token",
                             fail=FIRST_FAIL)

    # -- before the crash: migration, host reset ----------------------------
    def migrate(self, run, stack):
        src = self.vm
        problems, details = [], []
        self.step = "migration: source state"
        before = self.query_fadump()
        if not before or before.get("state") != "registered":
            problems.append(f"source query-fadump before migrating: {before and before.get('state')}, "
                            f"expected registered")
        sock = os.path.join(self.result.workdir, "migrate.sock")
        if os.path.lexists(sock):
            os.unlink(sock)
        self.step = "migration: destination QEMU (-incoming)"
        dst = self.new_vm("dst", stack, incoming=f"unix:{sock}")
        dst.launch()
        self.step = "migration"
        t = time.monotonic()
        src.qmp.execute("migrate-set-parameters", {"max-bandwidth": 8 << 30}, timeout=30)
        src.qmp.execute("migrate", {"uri": f"unix:{sock}"}, timeout=30)
        deadline = time.monotonic() + MIGRATE_TIMEOUT
        while True:
            mig = src.qmp.execute("query-migrate", timeout=30)
            st = mig.get("status")
            if st == "completed":
                break
            if st in ("failed", "cancelled"):
                self.fail(f"migration {st}: {mig.get('error-desc', mig)}")
            if time.monotonic() >= deadline:
                self.fail(f"migration not completed after {MIGRATE_TIMEOUT}s: {mig}")
            time.sleep(0.5)
        ram = mig.get("ram", {})
        details.append(f"migration completed in {time.monotonic() - t:.1f}s: "
                       f"{ram.get('transferred', 0) >> 20} MiB transferred, "
                       f"{ram.get('duplicate', 0)} zero pages")
        self.vm = dst
        self.step = "migration: destination running"
        if self.next_event("RESUME", time.monotonic() + 60) is None:
            problems.append("the destination did not resume (no RESUME event within 60s)")
        status = dst.qmp.execute("query-status", timeout=30)
        src_status = src.qmp.execute("query-status", timeout=30)
        after = self.query_fadump(dst)
        details.append(f"source: {src_status.get('status')}; destination: {status.get('status')}; "
                       f"destination query-fadump: {after and after.get('state')}")
        if status.get("status") != "running":
            problems.append(f"destination is {status.get('status')}, expected running")
        if src_status.get("status") != "postmigrate":
            problems.append(f"source is {src_status.get('status')}, expected postmigrate")
        if not after or after.get("state") != "registered":
            problems.append(f"destination query-fadump: {after and after.get('state')}, expected "
                            f"registered (the registration was not migrated)")
        elif before and after.get("sections") != before.get("sections"):
            problems.append(f"destination sections {after.get('sections')} differ from the "
                            f"source's {before.get('sections')}")
        self.record("migrate", "migration while registered keeps the registration", problems,
                    f"migrated while registered: destination running, query-fadump registered "
                    f"with the source's {len((before or {}).get('sections', []))} sections", details)
        run.console_prefix = src.console_text()
        src.kill()
        run.timings["migrated"] = self.elapsed()

    def host_reset(self, run):
        vm = self.vm
        problems, details = [], []
        self.step = "host reset: before"
        before = self.query_fadump()
        if not before or before.get("state") != "registered":
            problems.append(f"query-fadump before the reset: {before and before.get('state')}, "
                            f"expected registered")
        # Stopped, nothing can register again before query-fadump looks.
        vm.qmp.execute("stop", timeout=30)
        vm.qmp.events.clear()
        mark = vm.mark()
        self.step = "host reset: system_reset"
        ev = self.system_reset("QMP system_reset")
        after = self.query_fadump()
        details.append(f"RESET {ev.get('data')}; query-fadump right after: {after}")
        if not after or after.get("state") != "idle" or after.get("sections"):
            problems.append(f"query-fadump right after the reset: {after}, expected idle without "
                            f"sections (the registration must end with the reset)")
        vm.qmp.execute("cont", timeout=30)
        budget = Budget(RESET_TIMEOUT)
        vm.skip_console()
        newmark = self.boot_registered(run, budget, "boot after the host reset")
        ev = self.next_event("FADUMP_REGISTERED", time.monotonic() + 30)
        again = self.query_fadump()
        details.append(f"after the second boot: FADUMP_REGISTERED {ev and ev.get('data')}; "
                       f"query-fadump {again and again.get('state')}")
        if ev is None:
            problems.append("no FADUMP_REGISTERED event after the reset")
        if not again or again.get("state") != "registered":
            problems.append(f"query-fadump after the guest registered again: "
                            f"{again and again.get('state')}, expected registered")
        self.crash_setup(run, newmark, budget, "boot after the host reset")
        self.step = "boot after the host reset: waiting for the host"
        vm.wait_console(r"^FADUMP-TEST: waiting-for-go", budget(), since=newmark, fail=FIRST_FAIL)
        if mark >= newmark:
            problems.append("no new boot after the reset")
        self.record("host-reset", "a host reset drops the registration; the guest registers again",
                    problems, "registered -> system_reset -> idle -> the guest booted and registered "
                    "again", details)
        run.timings["host_reset"] = self.elapsed()

    # -- the trigger ----------------------------------------------------------
    def trigger(self, run):
        cfg, vm = self.cfg, self.vm
        self.step = f"{run.label}: trigger"
        deadline = time.monotonic() + TRIGGER_TIMEOUT
        if cfg.hold == "action":
            run.trigger_event = self.wait_hold_action(run, deadline)
        elif cfg.hold == "pause":
            run.trigger_event = self.wait_hold_pause(run, deadline)
        else:
            ev = self.next_event(("RESET", "GUEST_PANICKED", "SHUTDOWN"), deadline)
            if ev is None or ev["event"] != "RESET":
                self.fail(f"expected the platform's reset after the dump, got {ev}")
            run.trigger_event = ev
        run.trigger_status = vm.qmp.execute("query-status", timeout=30)
        run.timings["trigger"] = self.elapsed()
        self.progress(f"{run.label}: {run.trigger_event['event']} {run.trigger_event.get('data')} -> "
                      f"VM {run.trigger_status.get('status')} at {run.timings['trigger']:.1f}s")
        if cfg.hold != "none" and run.trigger_status.get("running"):
            self.fail(f"VM still running after the dump was preserved: {run.trigger_status}")
        if run.fadump_triggered is None:
            ev = vm.qmp.take_event("FADUMP_TRIGGERED")
            run.fadump_triggered = ev.get("data") if ev else None
        run.fadump_info = self.query_fadump()
        run.first_console = run.console_prefix + vm.console_since(run.console_start)
        if cfg.hold == "none":
            return
        # -- the oracle: QEMU's own dump at the trigger -----------------
        self.step = f"{run.label}: trigger dump (QMP dump-guest-memory)"
        name = "trigger-dump.elf" if run.index == 1 else f"trigger-dump-{run.index}.elf"
        run.trigger_path = os.path.join(run.workdir, name)
        _dump_guest_memory(vm, run.trigger_path, self.step)
        run.timings["dump"] = self.elapsed()
        self.progress(f"{run.label}: trigger dump {run.trigger_path} "
                      f"({os.path.getsize(run.trigger_path)} bytes) at {run.timings['dump']:.1f}s")
        if cfg.trigger_formats:
            run.dump_formats = dump_formats(vm)
        for fmt in cfg.trigger_formats:
            self.step = f"{run.label}: trigger dump {fmt} (QMP dump-guest-memory)"
            path = os.path.join(run.workdir, f"trigger-dump-{run.index}.{fmt}")
            t0 = self.elapsed()
            dump_guest_memory(vm, path, fmt, self.step)
            run.trigger_dumps[fmt] = path
            run.timings[f"dump-{fmt}"] = self.elapsed() - t0
            self.progress(f"{run.label}: trigger dump {fmt} {path} ({os.path.getsize(path)} bytes) "
                          f"in {run.timings[f'dump-{fmt}']:.1f}s")
        if run.index > 1:
            # The capture boot that crashed again left its vmcore on the
            # disk; the next capture boot overwrites it.
            self.step = f"{self.result.runs[-2].label}: vmcore copy"
            self.take_vmcore(self.result.runs[-2], last=False)

    def wait_hold_action(self, run, deadline):
        """-action reboot=shutdown,shutdown=pause: the platform's reset
        request after the dump pauses the VM."""
        ev = self.next_event(("SHUTDOWN", "GUEST_PANICKED"), deadline)
        if ev is None:
            if not self.vm.alive():
                self.fail(f"QEMU exited (status {self.vm.proc.returncode}) before requesting a reset")
            self.fail(f"no SHUTDOWN event (guest-reset) within {TRIGGER_TIMEOUT}s of 'crashing'")
        if ev["event"] == "GUEST_PANICKED":
            self.fail(f"QEMU reported GUEST_PANICKED {ev.get('data')} instead of a memory-preserving "
                      f"reset: ibm,os-term was not handled as a fadump trigger")
        reason = ev.get("data", {}).get("reason")
        if reason != "guest-reset":
            self.fail(f"SHUTDOWN event with reason {reason!r}, expected 'guest-reset' (the "
                      f"platform's reboot after preserving memory)")
        return ev

    def wait_hold_pause(self, run, deadline):
        """-M fadump-pause=on: FADUMP_TRIGGERED, then the VM stops; no
        reset until cont."""
        problems, details = [], []
        ev = self.next_event(("FADUMP_TRIGGERED", "GUEST_PANICKED", "SHUTDOWN", "RESET"), deadline)
        if ev is None or ev["event"] != "FADUMP_TRIGGERED":
            self.fail(f"expected FADUMP_TRIGGERED within {TRIGGER_TIMEOUT}s of 'crashing', got "
                      f"{ev and (ev['event'], ev.get('data'))}")
        run.fadump_triggered = ev.get("data")
        stop = self.next_event(("STOP", "SHUTDOWN", "RESET", "GUEST_PANICKED"), deadline)
        if stop is None or stop["event"] != "STOP":
            self.fail(f"expected the VM to stop after FADUMP_TRIGGERED (fadump-pause=on), got "
                      f"{stop and (stop['event'], stop.get('data'))}")
        status = self.vm.qmp.execute("query-status", timeout=30)
        details.append(f"FADUMP_TRIGGERED {ev.get('data')}, then STOP; query-status {status}")
        if status.get("status") != "paused" or status.get("running"):
            problems.append(f"query-status after the dump: {status}, expected paused")
        run.pause_problems, run.pause_details = problems, details
        return ev

    # -- the capture boot -----------------------------------------------------
    def capture_boot(self, run):
        cfg, vm = self.cfg, self.vm
        expected = cfg.capture_action(run.index)
        self.step = f"{run.label}: capture boot: reset"
        run.capture_mark = vm.skip_console()
        if cfg.hold == "action":
            vm.qmp.events.clear()
            self.system_reset("system_reset")
            if expected == "copy":
                # The capture kernel's power-off ends QEMU.
                vm.qmp.execute("set-action", {"reboot": "reset", "shutdown": "poweroff",
                                              "panic": "shutdown"}, timeout=30)
            # else a second dump (re-registration) is held again, and a
            # crash of the capture kernel pauses (panic=pause).
            vm.qmp.execute("cont", timeout=30)
        elif cfg.hold == "pause":
            vm.qmp.events.clear()
            vm.qmp.execute("cont", timeout=30)
            ev = self.next_event(("RESET", "SHUTDOWN", "GUEST_PANICKED"), time.monotonic() + 60)
            problems, details = run.pause_problems, run.pause_details
            details.append(f"after cont: {ev and (ev['event'], ev.get('data'))}")
            if ev is None or ev["event"] != "RESET" or ev.get("data", {}).get("reason") != "guest-reset":
                problems.append(f"cont after the dump: expected a RESET (guest-reset) before the guest "
                                f"runs, got {ev and (ev['event'], ev.get('data'))}")
            self.record("fadump-pause", "fadump-pause=on holds the VM after the dump; cont reboots",
                        problems, "FADUMP_TRIGGERED -> paused -> cont -> RESET (guest-reset)", details)
            if ev is None or ev["event"] != "RESET":
                self.fail("the guest did not reboot into the capture kernel after cont")
        self.step = f"{run.label}: capture boot"
        capture = Budget(CAPTURE_TIMEOUT)
        try:
            vm.wait_console(r"^FADUMP-TEST: boot=capture", capture(), "FADUMP-TEST: boot=capture",
                            fail=CAPTURE_FAIL)
        except VMError as err:
            raise StepFailed(self.step, f"{err} (boot=first means the capture kernel found no "
                             f"/proc/vmcore)", _console_context(vm)) from err
        run.timings["capture_boot"] = self.elapsed()
        self.progress(f"{run.label}: capture kernel reached init at {run.timings['capture_boot']:.1f}s")
        size = vm.wait_console(r"^FADUMP-TEST: vmcore-size=(\d+)", capture(), fail=CAPTURE_FAIL)
        run.vmcore_size = int(size.group(1))
        if cfg.stop_after == "capture-boot":
            # Up to the end of the capture kernel's report: its
            # fadump_region (bytes dumped) and fadump messages follow
            # vmcore-size.
            vm.wait_console(r"^FADUMP-TEST: vmcore-disk-size=", capture(), since=run.capture_mark,
                            fail=CAPTURE_FAIL)
            return None
        act = vm.wait_console(r"^FADUMP-TEST: capture-action=(\S+)", capture(), since=run.capture_mark,
                              fail=CAPTURE_FAIL)
        run.capture_action = act.group(1)
        if run.capture_action != expected:
            self.fail(f"capture boot {run.index} says capture-action={run.capture_action}, expected "
                      f"{expected}")
        self.progress(f"{run.label}: /proc/vmcore is {run.vmcore_size} bytes; guest copies it to the "
                      f"disk, then: {run.capture_action}")
        copied = vm.wait_console(r"^FADUMP-TEST: vmcore-copied=(\d+)", capture(), since=run.capture_mark,
                                 fail=CAPTURE_FAIL)
        run.vmcore_copied = int(copied.group(1))
        run.capture_budget = capture
        return run.capture_action

    def poweroff(self, run):
        vm = self.vm
        self.step = f"{run.label}: capture boot"
        vm.wait_console(r"^FADUMP-TEST: done", run.capture_budget(), fail=CAPTURE_FAIL)
        run.timings["done"] = self.elapsed()
        self.step = f"{run.label}: capture boot: poweroff"
        status = vm.wait_exit(EXIT_TIMEOUT)
        run.timings["exit"] = self.elapsed()
        run.capture_console = vm.console_since(run.capture_mark)
        self.progress(f"{run.label}: capture done, QEMU exited with {status} at {run.timings['exit']:.1f}s")
        if status != 0:
            self.fail(f"QEMU exited with status {status}")

    def capture_crash(self, run):
        """The capture kernel crashes before releasing the dump: an
        ordinary os-term, no second dump."""
        vm = self.vm
        problems, details = [], []
        self.step = f"{run.label}: capture kernel crash"
        vm.wait_console(r"^FADUMP-TEST: crashing$", run.capture_budget(), fail=CAPTURE_FAIL)
        self.progress(f"{run.label}: the capture kernel crashes at {self.elapsed():.1f}s")
        ev = self.next_event(("GUEST_PANICKED", "SHUTDOWN", "RESET", "FADUMP_TRIGGERED"),
                             time.monotonic() + TRIGGER_TIMEOUT)
        details.append(f"first event after the crash: {ev and (ev['event'], ev.get('data'))}")
        if ev is None:
            problems.append(f"no GUEST_PANICKED event within {TRIGGER_TIMEOUT}s of the capture kernel's "
                            f"crash")
        elif ev["event"] != "GUEST_PANICKED":
            problems.append(f"expected GUEST_PANICKED, got {ev['event']} {ev.get('data')}")
        elif ev.get("data", {}).get("action") != "pause":
            problems.append(f"GUEST_PANICKED action {ev.get('data', {}).get('action')!r}, expected "
                            f"'pause' (-action panic=pause)")
        if vm.alive():
            vm.qmp.poll_events(1.0)    # anything that follows
            status = vm.qmp.execute("query-status", timeout=30)
            info = self.query_fadump()
            details.append(f"query-status {status}")
            details.append(f"query-fadump {info and (info.get('state'), info.get('status-flags'))}")
            if status.get("status") != "guest-panicked":
                problems.append(f"query-status {status.get('status')}, expected guest-panicked")
            if not info or info.get("state") != "dump-active":
                problems.append(f"query-fadump {info and info.get('state')}, expected dump-active (the "
                                f"first dump stays until released)")
            elif run.fadump_info and info != run.fadump_info:
                problems.append(f"query-fadump changed since the first dump: {info} (was "
                                f"{run.fadump_info})")
        else:
            problems.append(f"QEMU exited (status {vm.proc.returncode}) instead of pausing")
        again = [e for e in vm.qmp.events if e["event"] in ("FADUMP_TRIGGERED", "SHUTDOWN", "RESET")]
        if again:
            problems.append("a second dump or reboot: " + ", ".join(
                f"{e['event']} {e.get('data')}" for e in again))
        text = vm.console_since(run.capture_mark)
        if not re.search(r"Kernel panic - not syncing", text):
            problems.append("no 'Kernel panic' from the capture kernel on the console")
        self.record("second-crash", "a crash of the capture kernel: no second dump, the panic action",
                    problems, "GUEST_PANICKED (action pause), status guest-panicked, query-fadump still "
                    "dump-active with the first dump, no second FADUMP_TRIGGERED", details)
        run.capture_console = text
        vm.kill()

    def reregister(self, run):
        """The capture kernel released the dump and registered again; it
        crashes like a first boot: the next Run."""
        vm = self.vm
        problems, details = [], []
        budget = run.capture_budget
        self.step = f"{run.label}: capture kernel releases the dump"
        rel = vm.wait_console(r"^FADUMP-TEST: released$", budget(), fail=CAPTURE_FAIL)
        mark = rel.end()
        self.step = f"{run.label}: capture kernel registers again"
        reg = vm.wait_console(r"^FADUMP-TEST: fadump-registered=(\S+)", budget(), since=mark,
                              fail=CAPTURE_FAIL)
        if reg.group(1) != "1":
            self.fail(f"after releasing the dump the capture kernel reports fadump-registered="
                      f"{reg.group(1)}: REGISTER after INVALIDATE failed")
        ev = self.next_event("FADUMP_REGISTERED", time.monotonic() + 30)
        info = self.query_fadump()
        details.append(f"FADUMP_REGISTERED {ev and ev.get('data')}; query-fadump "
                       f"{info and (info.get('state'), info.get('status-flags'))}")
        if ev is None:
            problems.append("no FADUMP_REGISTERED event for the capture kernel's registration")
        if not info or info.get("state") != "registered":
            problems.append(f"query-fadump after re-registration: {info and info.get('state')}, "
                            f"expected registered")
        else:
            if info.get("status-flags"):
                problems.append(f"status-flags 0x{info['status-flags']:x} after re-registration, "
                                f"expected 0")
            dumped = [s for s in info.get("sections", []) if s.get("bytes-dumped") or s.get("error-flags")]
            if dumped:
                problems.append(f"sections with bytes-dumped/error-flags left from the first dump: {dumped}")
        self.record("reregister", "INVALIDATE then REGISTER from the capture kernel", problems,
                    "the capture kernel released the dump and registered again: query-fadump "
                    "registered, nothing left of the first dump", details)
        nxt = self.new_run(run.marker, console_start=run.capture_mark)
        self.crash_setup(nxt, mark, budget, f"{nxt.label}: capture kernel")
        self.step = f"{nxt.label}: capture kernel crashes"
        vm.wait_console(r"^FADUMP-TEST: crashing$", budget(), fail=FIRST_FAIL)
        nxt.timings["crashing"] = self.elapsed()
        run.capture_console = vm.console_since(run.capture_mark)
        self.progress(f"{nxt.label}: the capture kernel registered again and crashes at "
                      f"{nxt.timings['crashing']:.1f}s")
        return nxt

    # -- the vmcore -------------------------------------------------------------
    def take_vmcore(self, run, last):
        """Take run's vmcore from the disk: move the disk (last) or copy."""
        self.step = f"{run.label}: vmcore copy"
        disk = self.vms[0].disk_path
        if run.vmcore_copied != run.vmcore_size:
            raise StepFailed(self.step, f"guest copied {run.vmcore_copied} of {run.vmcore_size} bytes "
                             f"of /proc/vmcore", case=self.cfg.case)
        if run.vmcore_size == 0 or run.vmcore_size > os.path.getsize(disk) - CTL_FROM_END:
            raise StepFailed(self.step, f"vmcore-size {run.vmcore_size} does not fit the "
                             f"{os.path.getsize(disk)}-byte disk", case=self.cfg.case)
        name = "vmcore.elf" if run.index == 1 else f"vmcore-{run.index}.elf"
        run.vmcore_path = os.path.join(run.workdir, name)
        if last:
            os.replace(disk, run.vmcore_path)
        else:
            with open(disk, "rb") as src, open(run.vmcore_path, "wb") as dst:
                done = 0
                while done < run.vmcore_size:
                    n = os.copy_file_range(src.fileno(), dst.fileno(), run.vmcore_size - done,
                                           done, done)
                    if n <= 0:
                        break
                    done += n
        os.truncate(run.vmcore_path, run.vmcore_size)


# QMP dump-guest-memory formats of a pseries guest: ELF, and kdump-compressed
# as a makedumpfile flattened stream (kdump-*) or as the file (kdump-raw-*)
DUMP_FORMATS = ("elf", "kdump-zlib", "kdump-lzo", "kdump-snappy",
                "kdump-raw-zlib", "kdump-raw-lzo", "kdump-raw-snappy")


def dump_formats(vm):
    """The formats this QEMU can dump (query-dump-guest-memory-capability)."""
    return vm.qmp.execute("query-dump-guest-memory-capability", timeout=30)["formats"]


def dump_guest_memory(vm, path, fmt="elf", step="dump-guest-memory", while_running=None):
    """Take QEMU's own dump of the guest's memory, now, into ``path``.

    ``fmt`` is one of DUMP_FORMATS.  Call it wherever the test holds the
    VM: the flow takes one at the trigger hold (Config.trigger_formats for
    more formats), tests/extract/test_extract_e2e.py one during the capture
    boot from a VM subclass.  The dump runs detached and is polled with
    query-dump for at most DUMP_TIMEOUT seconds (``while_running(vm)``, when
    given, is called once it has started: test_qmp_e2e.py); returns the
    last query-dump answer.  Raises StepFailed, naming ``step``, when QEMU
    refuses or fails the dump or it does not finish in time.
    """
    try:
        vm.qmp.execute("dump-guest-memory", {"paging": False, "protocol": f"file:{path}",
                                             "format": fmt, "detach": True}, timeout=60)
    except QMPCommandError as err:
        raise StepFailed(step, f"dump-guest-memory format {fmt}: {err}") from err
    if while_running:
        while_running(vm)
    deadline = time.monotonic() + DUMP_TIMEOUT
    while True:
        st = vm.qmp.execute("query-dump", timeout=30)
        if st["status"] == "completed":
            return st
        if st["status"] in ("failed", "none"):
            ev = vm.qmp.take_event("DUMP_COMPLETED")
            raise StepFailed(step, f"dump-guest-memory {fmt} {st['status']}: {ev and ev.get('data')}")
        if time.monotonic() >= deadline:
            raise StepFailed(step, f"dump-guest-memory not finished after {DUMP_TIMEOUT}s: {st}")
        time.sleep(0.5)


def _dump_guest_memory(vm, path, step):
    """The flow's ELF trigger dump: dump_guest_memory() through a name
    that a test may replace to act at that moment (test_qmp_e2e.py)."""
    return dump_guest_memory(vm, path, "elf", step)


def cleanup(runs, passed):
    """Drop the multi-GiB images of a passing case unless asked to keep them."""
    if isinstance(runs, Run):
        runs = [runs]
    if passed and runs and not runs[0].cfg.keep:
        for run in runs:
            for p in (run.trigger_path, run.vmcore_path, *run.trigger_dumps.values()):
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
    hptes_valid: int = 0


def analyse(run):
    """Run assertions (a)-(e); returns (checks, facts)."""
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
        with trigger or contextlib.nullcontext():
            if trigger is not None:
                for key, fn in (("c", _check_c), ("d", _check_d)):
                    try:
                        fn(run, vmcore, trigger, symbols, checks[key], facts)
                    except Exception as err:  # noqa: BLE001
                        checks[key].summary = f"internal error: {err!r}"
            try:
                _check_e(run, vmcore, checks["e"], facts)
            except Exception as err:  # noqa: BLE001
                checks["e"].summary = f"internal error: {err!r}"
            for key, fn in (("f", _check_f), ("g", _check_g)):
                try:
                    fn(run, trigger, checks[key], facts)
                except Exception as err:  # noqa: BLE001
                    checks[key].summary = f"internal error: {err!r}"
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


def _section(info, typ):
    secs = [s for s in (info or {}).get("sections", []) if s.get("type") == typ]
    return secs[0] if len(secs) == 1 else None


def _cpu_state_area(run):
    """(address, length) of the CPU state data destination, from
    query-fadump or the capture kernel's fadump_region."""
    sec = _section(run.fadump_info, FADUMP_CPU_STATE)
    if sec:
        return sec["destination"], sec["length"], "query-fadump"
    m = re.search(r"fadump-region: CPU :\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]", run.capture_console)
    if m:
        return int(m.group(1), 16), int(m.group(2), 16) - int(m.group(1), 16) + 1, "fadump_region"
    return None, None, None


def _thread_shift(run):
    try:
        with open(os.path.join(run.cfg.guest_dir, "config")) as f:
            m = re.search(r"^CONFIG_THREAD_SHIFT=(\d+)", f.read(), re.M)
        return int(m.group(1)) if m else 14
    except OSError:
        return 14


def _check_c(run, vmcore, trigger, symbols, check, facts):
    """Registers of every CPU against QEMU's own dump at the trigger:
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
    qemu, how = _qemu_notes_by_cpu(trigger)
    crash = facts.crash_cpu
    if crash is None:
        check.details.append("crashing CPU unknown: comparing every CPU in full")
    check.details.append(f"QEMU notes mapped to CPUs by {how}; vmcore note i = CPU i (all CPUs online)")
    problems, compared = [], 0

    def diff_regs(a, b, what):
        return [f"{r}: {what} 0x{a[r]:x} != QEMU 0x{b[r]:x}" for r in COMPARED_REGS if a[r] != b[r]]

    shift = _thread_shift(run)
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
    addr, length, source = _cpu_state_area(run)
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


def _capture_regions(text):
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


def _check_f(run, trigger, check, facts):
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
    hpte = _section(info, FADUMP_HPTE)
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
    regions = _capture_regions(header)
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


def _check_g(run, trigger, check, facts):
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
        boot = sum(r[3] for r in _capture_regions(last_boot) if r[0] == 0x11)
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
