"""Launch and watch a pseries guest under QEMU (stdlib only).

The VM is a context manager: whatever happens inside the ``with`` block,
QEMU is killed on the way out, and on an exception the paths of every log
(QEMU command line, QEMU stdout/stderr, guest console, QMP transcript) are
printed so a failed run can be examined afterwards.
"""

import codecs
import os
import re
import shlex
import signal
import subprocess
import sys
import time

from qmp import QMPClient, QMPError

DEFAULT_CONSOLE_ERRORS = (r"FADUMP-TEST: error=[^\n]*",)

# A guest reset request (fadump's memory-preserving reboot) pauses the VM so
# that a test can take its own dump first; a panic pauses too.
HOLD_ACTIONS = "reboot=shutdown,shutdown=pause,panic=pause"


class VMError(Exception):
    """QEMU or the guest did not behave as expected."""


class ConsoleTimeout(VMError):
    pass


class GuestError(VMError):
    """The guest console printed a line that means failure."""


class QEMUExited(VMError):
    pass


class VM:
    def __init__(self, qemu, workdir, *, kernel, initrd, append,
                 firmware_dir, firmware="vof", mem="4G", smp=4,
                 disk_size=None, disk_path=None, create_disk=True,
                 machine_props=(), actions=HOLD_ACTIONS, extra_args=(), name="vm"):
        self.qemu = qemu
        self.workdir = os.path.abspath(workdir)
        self.kernel = kernel
        self.initrd = initrd
        self.append = append
        self.firmware_dir = firmware_dir
        self.firmware = firmware
        self.mem = mem
        self.smp = smp
        self.disk_size = disk_size
        self.machine_props = list(machine_props)
        self.actions = actions
        self.create_disk = create_disk
        self.extra_args = list(extra_args)
        self.name = name
        p = lambda suffix: os.path.join(self.workdir, f"{name}.{suffix}")
        self.console_path = p("console.log")
        self.qemu_log_path = p("qemu.log")
        self.cmdline_path = p("cmdline.sh")
        self.qmp_log_path = p("qmp.log")
        self.qmp_sock_path = p("qmp.sock")
        self.debug_log_path = p("qemu-debug.log")
        # A disk shared with another VM (a migration's destination) is
        # passed by path and not created again.
        self.disk_path = disk_path or (p("disk.raw") if disk_size else None)
        self.proc = None
        self.qmp = None
        self._console_file = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._text = ""
        self._cursor = 0
        self._qmp_log = None
        self._qemu_log = None

    # -- command line -----------------------------------------------------
    def command_line(self):
        machine = "pseries"
        if self.firmware == "vof":
            machine += ",x-vof=on"
        elif self.firmware != "slof":
            raise ValueError(f"firmware must be 'vof' or 'slof', not {self.firmware!r}")
        for prop in self.machine_props:
            machine += f",{prop}"
        args = [
            self.qemu,
            "-M", machine,
            "-accel", "tcg",
            "-m", str(self.mem),
            "-smp", str(self.smp),
            "-nodefaults", "-vga", "none", "-display", "none",
            "-L", self.firmware_dir,
            "-kernel", self.kernel,
            "-initrd", self.initrd,
            "-append", self.append,
            "-chardev", f"file,id=console0,path={self.console_path}",
            "-serial", "chardev:console0",
            "-qmp", f"unix:{self.qmp_sock_path},server=on,wait=off",
            "-action", self.actions,
            "-d", "guest_errors", "-D", self.debug_log_path,
        ]
        if self.disk_path:
            args += [
                "-drive", f"if=none,id=vmcoredisk,format=raw,file={self.disk_path}",
                "-device", "virtio-blk-pci,drive=vmcoredisk",
            ]
        return args + self.extra_args

    # -- lifetime ---------------------------------------------------------
    def launch(self, qmp_timeout=30):
        os.makedirs(self.workdir, exist_ok=True)
        for path in (self.console_path, self.qmp_sock_path):
            if os.path.lexists(path):
                os.unlink(path)
        if self.disk_path and self.create_disk:
            with open(self.disk_path, "wb") as f:
                f.truncate(self.disk_size)  # sparse
        args = self.command_line()
        with open(self.cmdline_path, "w") as f:
            f.write(" \\\n    ".join(shlex.quote(a) for a in args) + "\n")
        self._qemu_log = open(self.qemu_log_path, "wb")
        self._qmp_log = open(self.qmp_log_path, "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=self._qemu_log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            self.qmp = QMPClient.connect_unix(self.qmp_sock_path, qmp_timeout,
                                              alive=self.alive, log=self._qmp_log)
            self.qmp.handshake(timeout=qmp_timeout)
        except QMPError as err:
            if self.alive():
                raise
            self.proc.wait()
            with open(self.qemu_log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").strip().splitlines()
            raise QEMUExited(f"QEMU exited with status {self.proc.returncode} at startup: "
                             f"{lines[-1] if lines else '(no output)'}") from err
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout):
        """Wait for QEMU to exit by itself; returns its exit status."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise VMError(f"QEMU did not exit within {timeout}s") from None

    def kill(self):
        if self.qmp is not None:
            self.qmp.close()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            self._read_console()  # keep the last words for console_text()
        except (OSError, ValueError):
            pass
        for f in (self._qmp_log, self._qemu_log, self._console_file):
            if f is not None and not f.closed:
                f.close()
        if os.path.lexists(self.qmp_sock_path):
            os.unlink(self.qmp_sock_path)

    def log_paths(self):
        paths = [self.cmdline_path, self.qemu_log_path, self.console_path,
                 self.qmp_log_path, self.debug_log_path]
        return [p for p in paths if os.path.exists(p)]

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.kill()
        if exc_type is not None:
            print(f"--- {self.name}: failed, QEMU killed; logs kept for post-mortem:", file=sys.stderr)
            for p in self.log_paths():
                print(f"    {p}", file=sys.stderr)
            tail = self.console_text().splitlines()[-30:]
            if tail:
                print(f"--- last {len(tail)} console lines ({self.console_path}):", file=sys.stderr)
                for line in tail:
                    print(f"    | {line}", file=sys.stderr)
            qlog = ""
            if os.path.exists(self.qemu_log_path):
                with open(self.qemu_log_path, "rb") as f:
                    qlog = f.read().decode("utf-8", "replace").strip()
            if qlog:
                print(f"--- QEMU output ({self.qemu_log_path}):", file=sys.stderr)
                for line in qlog.splitlines()[-20:]:
                    print(f"    | {line}", file=sys.stderr)
        return False

    # -- console ----------------------------------------------------------
    def _read_console(self):
        if self._console_file is None:
            if not os.path.exists(self.console_path):
                return
            self._console_file = open(self.console_path, "rb")
        data = self._console_file.read()
        if data:
            self._text += self._decoder.decode(data).replace("\r", "")

    def console_text(self):
        """Everything the guest printed so far ('\\r' removed)."""
        try:
            self._read_console()
        except (OSError, ValueError):
            pass
        return self._text

    def mark(self):
        """The current console position (for :meth:`console_since`)."""
        self._read_console()
        return len(self._text)

    def skip_console(self):
        """Forget unread output: later waits only look at what follows."""
        self._cursor = self.mark()
        return self._cursor

    def console_since(self, pos):
        self._read_console()
        return self._text[pos:]

    def wait_console(self, regex, timeout, what=None, fail=DEFAULT_CONSOLE_ERRORS, since=None):
        """Wait until ``regex`` (multiline) matches console output that
        follows the previous match (or console position ``since``, see
        :meth:`mark`); return the match.

        Raises GuestError as soon as one of the ``fail`` patterns appears
        in the output being searched, QEMUExited if QEMU is gone and
        ConsoleTimeout after ``timeout`` seconds.
        """
        what = what or f"console /{regex}/"
        pattern = re.compile(regex, re.M)
        fails = [re.compile(f, re.M) for f in fail]
        deadline = time.monotonic() + timeout
        while True:
            exited = not self.alive()  # sample before reading: no lost output
            self._read_console()
            start = self._cursor if since is None else since
            # complete lines only (all once QEMU is gone): a line the guest
            # is still writing must not match half-way ("=3221291" of
            # "=3221291008")
            window = self._text[start:]
            if not exited:
                window = window[:window.rfind("\n") + 1]
            m = pattern.search(window)
            # A failure line that comes before the match wins.
            for fp in fails:
                fm = fp.search(window)
                if fm and (m is None or fm.start() < m.start()):
                    raise GuestError(f"while waiting for {what}: guest console says "
                                     f"{fm.group(0).strip()!r}")
            if m:
                abs_match = pattern.search(self._text, start, start + len(window))
                self._cursor = max(self._cursor, abs_match.end())
                return abs_match
            if exited:
                raise QEMUExited(f"QEMU exited (status {self.proc.returncode}) while waiting for {what}")
            if time.monotonic() >= deadline:
                raise ConsoleTimeout(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.1)
