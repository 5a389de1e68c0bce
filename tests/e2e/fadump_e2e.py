"""fadump crash -> capture cycles: the VM flow (booting, crashing,
capturing) that gives capture_checks.py its vmcores to check.

Shared by the meson tests (test_crash_capture.py, tests/extract), the demo
(demo.py) and the benchmarks (tests/bench):

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
   of the lifecycle steps made on the way (migration, host reset,
   fadump-pause, second crash, re-registration).
3. ``capture_checks.analyse()`` checks one Run's vmcore against its
   trigger dump and returns one :class:`Check` per assertion (a)-(g);
   ``capture_checks.report()`` prints checks.

There is one flow; the cases differ only in the parameters of
:class:`Config`.  Tests act inside it by replacing ``VM`` (a subclass
that watches the console) or ``_dump_guest_memory`` in this module.
"""

import contextlib
import fcntl
import glob
import os
import re
import secrets
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field

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


# The guest's control sector (tests/guest/init): CTL_FROM_END bytes before
# the end of its disk; the host writes GO_TOKEN there for fadumptest.wait=go.
CTL_FROM_END = 4096
GO_TOKEN = b"FADUMPTEST-GO\n"


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
# checks: the flow makes its lifecycle checks, capture_checks.py those on
# the vmcore; both are Check and print with capture_checks.report()
@dataclass
class Check:
    """One assertion: ``key`` names it in the report, ``summary`` says
    what was found (the problems when it fails), ``details`` the evidence."""
    key: str
    title: str
    ok: bool = False
    summary: str = ""
    details: list = field(default_factory=list)
