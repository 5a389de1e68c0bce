"""What the fadump-extract end-to-end tests share (test_extract_e2e.py,
test_kdump_e2e.py, test_qmp_e2e.py): the command line and configuration
preamble (skip, work directory, pruning), one crash -> capture cycle of
the harness (tests/e2e/fadump_e2e.py), running the tool with a log, the
byte comparison and --validate of a rebuilt vmcore, a VM that acts once
during the capture boot, and the PASS/FAIL ending.  Each test keeps its
own checks.

Importing this module puts tests/e2e on sys.path: the tests import
fadump_e2e and elfcore after it.
"""

import glob
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import fadump_e2e as e2e  # noqa: E402

SKIP = 77
TOOL_TIMEOUT = 900
# run_cycle() waits for this line once the capture kernel has /proc/vmcore
VMCORE_READY = "^FADUMP-TEST: vmcore-size="

# "dumping:  42%  123.4 MiB/s  ETA 0:12" (common/progress.h)
PROGRESS = re.compile(r"(dumping|scanning|writing|validating): +(\d+|\?)%  "
                      r"(?:[\d.]+|--) MiB/s  ETA (?:(?:\d+:)?\d+:\d\d|--)")

_tag = "extract-e2e"


def set_tag(tag):
    """The name say() prefixes its lines with ("kdump-e2e", ...)."""
    global _tag
    _tag = tag


def say(msg):
    print(f"[{_tag} {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def in_pty(args):
    """``args`` run by script(1) on a pseudo-terminal (its exit status
    passed on with -e); the terminal's output is on stdout."""
    return ["script", "-q", "-e", "-c", shlex.join(args), "/dev/null"]


def progress_lines(text):
    """The last state of every progress line drawn with carriage returns."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        parts = [p.strip() for p in line.split("\r") if p.strip()]
        draws = [p for p in parts if PROGRESS.fullmatch(p)]
        if draws:
            out.append((draws[-1], len(draws)))
    return out


def run_tool(args, log_path, append=False, timeout=TOOL_TIMEOUT):
    """Run ``args``, log the command, exit status, time and output to
    ``log_path`` (appended to when ``append``); (result, seconds).  The
    output is read as bytes and decoded: text mode would turn progress
    lines' "\\r" into "\\n"."""
    t0 = time.monotonic()
    res = subprocess.run(args, capture_output=True, timeout=timeout)
    res.stdout = res.stdout.decode(errors="replace")
    res.stderr = res.stderr.decode(errors="replace")
    secs = time.monotonic() - t0
    with open(log_path, "a" if append else "w", newline="") as f:
        f.write(f"$ {shlex.join(args)}\n# exit {res.returncode}, {secs:.1f}s\n")
        f.write(res.stdout)
        if res.stderr:
            f.write("# stderr:\n" + res.stderr)
    return res, secs


def first_difference(a, b):
    """Offset of the first differing byte of two files (or of the end of
    the shorter), or None when they are equal: cmp(1), faster than Python."""
    res = subprocess.run(["cmp", a, b], capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    if res.returncode == 0:
        return None
    eof = re.search(r"EOF on .* after byte (\d+)", res.stderr)
    if res.returncode == 1 and eof:
        return int(eof.group(1))
    if res.returncode == 1 and "EOF on" in res.stderr:
        return 0                # one of them is empty
    m = re.search(r"differ: (?:byte|char) (\d+)", res.stdout)
    if res.returncode != 1 or not m:
        raise OSError(f"cmp {a} {b}: {res.stderr.strip() or res.stdout.strip()}")
    return int(m.group(1)) - 1


def compare_rebuilt(rebuilt, vmcore, what, problems):
    """``rebuilt`` against the capture kernel's real ``vmcore``, byte for
    byte; a problem when they differ."""
    real_size, ours = os.path.getsize(vmcore), os.path.getsize(rebuilt)
    diff = first_difference(rebuilt, vmcore)
    if diff is not None:
        problems.append(f"{what} ({ours} bytes) differs from the capture kernel's "
                        f"/proc/vmcore ({real_size} bytes) at byte 0x{diff:x}")
    else:
        say(f"{what} is byte-identical to the capture kernel's /proc/vmcore ({real_size} bytes)")
    return diff


def validate_verdict(res):
    """The first "validate ..." line of a --validate run's output."""
    out = res.stdout.replace("\r\n", "\n")
    return next((line for line in out.split("\n") if line.startswith("validate")), "")


def validate(tool, vmcore, dump, log_path, what, problems, pty=False):
    """``fadump-extract --validate vmcore dump`` must say MATCH; on a pty
    (``pty``) its progress line must reach "validating: 100%"."""
    args = [tool, "--validate", vmcore, dump]
    res, secs = run_tool(in_pty(args) if pty else args, log_path)
    out = res.stdout.replace("\r\n", "\n")
    say(f"fadump-extract --validate {os.path.basename(vmcore)} {os.path.basename(dump)}"
        f"{' (pty)' if pty else ''}: exit {res.returncode} in {secs:.1f}s")
    verdict = validate_verdict(res)
    for line in ([verdict] if pty else out.splitlines()):
        print(f"    {line}")
    if res.returncode != 0 or "MATCH" not in verdict:
        problems.append(f"--validate with the {what} exited {res.returncode}: "
                        f"{res.stderr.strip() or out[-400:]}")
    if pty:
        lines = progress_lines(out)
        say("    progress: " + "; ".join(f"{line} ({n} draws)" for line, n in lines))
        if not any(line.startswith("validating: 100%") and "ETA 0:00" in line for line, _ in lines):
            problems.append(f"no final 'validating: 100%' progress line: {lines}")


def prune(base, names):
    """Our big files (``names``) in the run directories of earlier runs
    below ``base`` (the harness prunes its own)."""
    for d in glob.glob(os.path.join(base, "run-*")):
        for name in names:
            p = os.path.join(d, name)
            if os.path.exists(p):
                os.unlink(p)


def remove_unless_kept(cfg, *paths):
    """Delete ``paths`` (those that exist) unless FADUMP_KEEP=1."""
    if cfg.keep:
        return
    for p in paths:
        if p and os.path.exists(p):
            os.unlink(p)


def tool_arg(doc, kernel_option=False):
    """(FADUMP_EXTRACT, kernel) from the command line (``--kernel VERSION``
    after it when ``kernel_option``), or None after printing the usage
    (``doc``)."""
    argv = sys.argv[1:]
    if kernel_option and len(argv) == 3 and argv[1] == "--kernel" and \
            argv[2] in e2e.KERNEL_VERSIONS:
        return argv[0], argv[2]
    if len(argv) != 1:
        print(doc, file=sys.stderr)
        return None
    return argv[0], None


def config(work_name, big_files, kernel=None, case=None):
    """The harness's configuration from the environment, or None after
    printing SKIP (an input is missing).  ``case``: a harness case to
    apply.  Unless FADUMP_WORKDIR is set, the runs go below
    $FADUMP_BUILD_ROOT/``work_name``, apart from the crash-capture test's
    runs and their pruning, and our ``big_files`` of earlier runs there
    are deleted."""
    try:
        cfg = e2e.config_from_env(kernel=kernel)
    except e2e.MissingInput as err:
        print(f"SKIP: {err}")
        return None
    if case:
        e2e.apply_case(cfg, case)
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], work_name)
        prune(cfg.work_base, big_files)
    return cfg


def run_cycle(cfg, problems=()):
    """One crash -> capture cycle; None after printing FAIL (with the
    console context and ``problems`` found so far) when it failed."""
    try:
        return e2e.run_cycle(cfg)
    except e2e.StepFailed as err:
        print(f"FAIL: {err}")
        for line in err.context:
            print(f"    | {line}")
        for p in problems:
            print(f"FAIL: {p}")
        return None


def finish(run, problems, passed):
    """Print the problems, drop the dumps of a passing run (e2e.cleanup)
    and say PASS (``passed``) or where the work directory is; the exit
    status."""
    for p in problems:
        print(f"FAIL: {p}")
    ok = not problems
    e2e.cleanup(run, ok)
    if ok:
        print(f"PASS: {passed}")
    else:
        print(f"work dir kept for post-mortem: {run.workdir}")
    return 0 if ok else 1


class CaptureBootVM(e2e.VM):
    """The harness's VM calling in_capture_boot() once, when the capture
    kernel has /proc/vmcore (run_cycle() waits for VMCORE_READY).  A test
    subclasses it and sets e2e.VM to its class; ``capture_boot_seen`` (of
    that class) tells whether the moment came."""

    capture_boot_seen = False

    def in_capture_boot(self):
        raise NotImplementedError

    def wait_console(self, regex, *args, **kwargs):
        m = super().wait_console(regex, *args, **kwargs)
        if regex.startswith(VMCORE_READY) and not type(self).capture_boot_seen:
            type(self).capture_boot_seen = True
            self.in_capture_boot()
        return m
