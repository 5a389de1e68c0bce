#!/usr/bin/python3
"""fadump-extract --qmp against the real guest: one crash -> capture cycle
of the fadump-pause case (tests/e2e/fadump_e2e.py: -M fadump-pause=on
holds the VM after the platform preserved the dump).  The tool talks to
QEMU over a second QMP socket (QEMU serves one client per socket; the
harness holds the first).  At the trigger pause, before the harness takes
its own trigger dump:

1. ``fadump-extract --qmp SOCK -o rebuilt-pty.vmcore`` under
   ``script -q -e -c`` (a pty): the dumping, scanning and writing progress
   lines are drawn in place and reach 100% with a rate and ETA 0:00;
2. ``fadump-extract --qmp SOCK --json -o rebuilt.vmcore``: exit 0, the
   JSON report names the QMP input and the paused VM, no progress on a
   stderr that is not a terminal, nothing left in the temporary directory;
3. while the harness's own dump-guest-memory runs: refused, exit 3,
   "already dumping".
In the capture boot (the VM runs): ``--qmp --json`` works and warns that
the VM was running.  After the capture boot, rebuilt.vmcore must be
byte-identical to the capture kernel's real /proc/vmcore, and
``fadump-extract --validate`` must say MATCH for rebuilt.vmcore and (on a
pty: the validating progress) for the real vmcore against the harness's
trigger dump.

Usage: test_qmp_e2e.py FADUMP_EXTRACT
Inputs (environment): as tests/e2e/test_crash_capture.py: FADUMP_QEMU,
FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR (exit 77 when one is missing),
FADUMP_WORKDIR, FADUMP_KEEP=1 (keep the dumps and the rebuilt vmcore).
Exit status: 0 pass, 1 fail, 77 skip.
"""

import json
import os
import shutil
import subprocess
import sys

import extract_e2e as x
import fadump_e2e as e2e  # noqa: E402 (tests/e2e: on sys.path through extract_e2e)

REBUILT = "rebuilt.vmcore"
REBUILT_PTY = "rebuilt-pty.vmcore"
OUR_BIG_FILES = (REBUILT, REBUILT_PTY)
OUR_LOGS = ("extract-qmp.log", "extract-qmp-pty.log")


say = x.say


class ToolSocketVM(x.CaptureBootVM):
    """The harness's VM with a second QMP socket for the tool, running it
    once during the capture boot."""

    def __init__(self, qemu, workdir, **kwargs):
        self.tool_qmp = os.path.join(os.path.abspath(workdir),
                                     f"{kwargs.get('name', 'vm')}.tool-qmp.sock")
        kwargs["extra_args"] = list(kwargs.get("extra_args", ())) + [
            "-qmp", f"unix:{self.tool_qmp},server=on,wait=off"]
        super().__init__(qemu, workdir, **kwargs)

    def in_capture_boot(self):
        tool_in_capture_boot(self)


class AtTrigger:
    """What the tool did at the trigger pause."""
    tool = None
    problems = []
    done = False


def leftovers(workdir, before):
    return sorted(set(os.listdir(workdir)) - before - set(OUR_BIG_FILES) - set(OUR_LOGS))


def tool_at_trigger(vm):
    """fadump-extract --qmp at the fadump-pause, twice: on a pty (the
    progress; its vmcore deleted at once, for the disk), then plain."""
    tool, problems = AtTrigger.tool, AtTrigger.problems
    work = vm.workdir
    before = set(os.listdir(work))

    pty = os.path.join(work, REBUILT_PTY)
    res, secs = x.run_tool(x.in_pty([tool, "--qmp", vm.tool_qmp, "--tmpdir", work, "-o", pty]),
                           os.path.join(work, "extract-qmp-pty.log"))
    lines = x.progress_lines(res.stdout)
    say(f"fadump-extract --qmp on a pty (script): exit {res.returncode} in {secs:.1f}s; final "
        f"progress lines: " + "; ".join(f"{line!r} ({n} draws)" for line, n in lines))
    pty_size = os.path.getsize(pty) if os.path.exists(pty) else None
    if res.returncode != 0:
        problems.append(f"fadump-extract --qmp on a pty exited {res.returncode}: {res.stdout[-500:]}")
    else:
        finals = {line.split(":")[0]: line for line, _ in lines}
        if len(lines) != 3 or any(n < 2 for _, n in lines):
            problems.append(f"expected 3 progress lines (dumping, scanning, writing), each redrawn "
                            f"in place (\\r), got {lines}")
        for phase in ("dumping", "scanning", "writing"):
            final = finals.get(phase)
            if not final or " 100%" not in final or "MiB/s" not in final or "ETA 0:00" not in final:
                problems.append(f"no final '{phase}: 100%  ... MiB/s  ETA 0:00' progress line on the "
                                f"terminal: {lines}")
    if os.path.exists(pty):
        os.unlink(pty)

    rebuilt = os.path.join(work, REBUILT)
    args = [tool, "--qmp", vm.tool_qmp, "--json", "--tmpdir", work, "-o", rebuilt]
    res, secs = x.run_tool(args, os.path.join(work, "extract-qmp.log"))
    say(f"fadump-extract --qmp ... --json -o {REBUILT}: exit {res.returncode} in {secs:.1f}s")
    if res.returncode != 0:
        problems.append(f"fadump-extract --qmp exited {res.returncode}: {res.stderr.strip()}")
        return
    info = json.loads(res.stdout)
    qmp = info["input"].get("qmp", {})
    say(f"QMP dump: VM {qmp.get('vm_status')}, {qmp.get('dumped')} bytes dumped in "
        f"{qmp.get('seconds', 0):.1f}s ({qmp.get('dumped', 0) / max(qmp.get('seconds', 1), 1e-3) / 2**20:.0f} "
        f"MiB/s), {info['input']['file_size']} bytes of ELF; registration "
        f"{info['registration'].get('address')} ({info['registration']['origin']}); wrote "
        f"{info['output']['file_size']} bytes")
    if info["input"]["path"] != f"qmp:{vm.tool_qmp}":
        problems.append(f"JSON input.path {info['input']['path']!r}, expected qmp:{vm.tool_qmp}")
    if qmp.get("vm_status") != "paused" or qmp.get("vm_running"):
        problems.append(f"JSON input.qmp {qmp}: expected the VM paused by fadump-pause")
    if not qmp.get("dumped") or qmp.get("dumped") < qmp.get("ram_size", 0):
        problems.append(f"QEMU dumped {qmp.get('dumped')} bytes of {qmp.get('ram_size')} of RAM")
    if info["warnings"]:
        problems.append(f"warnings: {info['warnings']}")
    if "\r" in res.stderr or x.PROGRESS.search(res.stderr):
        problems.append(f"progress on a stderr that is not a terminal: {res.stderr[:200]!r}")
    if pty_size is not None and pty_size != info["output"]["file_size"]:
        problems.append(f"the pty run wrote {pty_size} bytes, the plain one {info['output']['file_size']}")
    left = leftovers(work, before)
    if left:
        problems.append(f"files left in the temporary directory: {left}")


def busy_refused(vm):
    """While the harness's own dump runs, the tool must refuse: QEMU runs
    one dump at a time."""
    tool, problems = AtTrigger.tool, AtTrigger.problems
    res, secs = x.run_tool([tool, "--qmp", vm.tool_qmp, "--tmpdir", vm.workdir, "--json"],
                           os.path.join(vm.workdir, "extract-qmp-busy.log"))
    say(f"fadump-extract --qmp during the harness's dump: exit {res.returncode} in {secs:.1f}s: "
        f"{res.stderr.strip()}")
    if res.returncode != 3 or "QEMU is already dumping guest memory" not in res.stderr:
        problems.append(f"--qmp during another dump: exit {res.returncode}, expected 3 and 'already "
                        f"dumping': {res.stderr.strip()}")


def hook_trigger_dump():
    """Run the tool at the trigger pause, before the harness's own dump,
    and once more while that dump runs."""
    original = e2e._dump_guest_memory

    def dump(vm, path, step):
        if AtTrigger.done or "trigger dump" not in step:
            return original(vm, path, step)
        AtTrigger.done = True
        say("VM paused at the fadump trigger: fadump-extract --qmp on the second socket")
        tool_at_trigger(vm)
        # the harness's dump, with the tool started while it runs
        return e2e.dump_guest_memory(vm, path, "elf", step, while_running=busy_refused)

    e2e._dump_guest_memory = dump


class Running:
    """The tool during the capture boot, when the VM runs."""
    problems = []


def tool_in_capture_boot(vm):
    tool, problems = AtTrigger.tool, Running.problems
    res, secs = x.run_tool([tool, "--qmp", vm.tool_qmp, "--tmpdir", vm.workdir, "--json"],
                           os.path.join(vm.workdir, "extract-qmp-running.log"))
    say(f"fadump-extract --qmp in the capture boot (VM running): exit {res.returncode} in "
        f"{secs:.1f}s")
    if res.returncode != 0:
        problems.append(f"--qmp in the capture boot exited {res.returncode}: {res.stderr.strip()}")
        return
    info = json.loads(res.stdout)
    qmp = info["input"].get("qmp", {})
    warned = [line for line in res.stderr.splitlines() if "the VM was running" in line]
    say(f"    VM {qmp.get('vm_status')}, registration {info['registration'].get('address')}; "
        f"{warned[0] if warned else 'no warning'}")
    if not qmp.get("vm_running") or qmp.get("vm_status") != "running":
        problems.append(f"JSON input.qmp {qmp}: expected the VM running (capture boot)")
    if not warned:
        problems.append(f"no warning about the running VM: {res.stderr.strip()}")
    if len(info.get("cpus", [])) != vm.smp:
        problems.append(f"capture-boot dump: {len(info.get('cpus', []))} CPU notes, expected "
                        f"{vm.smp}")


def main():
    x.set_tag("extract-qmp-e2e")
    args = x.tool_arg(__doc__)
    if not args:
        return 2
    AtTrigger.tool = tool = os.path.abspath(args[0])
    if not shutil.which("script"):
        print("SKIP: script(1) (util-linux) is not installed")
        return x.SKIP
    cfg = x.config("extract-qmp-e2e-work", OUR_BIG_FILES, case="fadump-pause")
    if not cfg:
        return x.SKIP
    e2e.VM = ToolSocketVM
    hook_trigger_dump()
    run = x.run_cycle(cfg, AtTrigger.problems)
    if not run:
        return 1

    problems = AtTrigger.problems + Running.problems
    if not ToolSocketVM.capture_boot_seen:
        problems.append("the tool never ran during the capture boot")
    rebuilt = os.path.join(run.workdir, REBUILT)
    try:
        if not AtTrigger.done:
            problems.append("the harness never took a trigger dump: the tool did not run")
        elif os.path.exists(rebuilt):
            x.compare_rebuilt(rebuilt, run.vmcore_path, f"{REBUILT} (from QMP)", problems)
            x.validate(tool, rebuilt, run.trigger_path,
                       os.path.join(run.workdir, "validate-qmp.log"), "QMP-rebuilt vmcore",
                       problems)
            x.validate(tool, run.vmcore_path, run.trigger_path,
                       os.path.join(run.workdir, "validate-real.log"), "real vmcore", problems,
                       pty=True)
        elif not problems:
            problems.append(f"no {REBUILT}")
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as err:
        problems.append(f"{type(err).__name__}: {err}")
    finally:
        x.remove_unless_kept(cfg, rebuilt)

    return x.finish(run, problems, "fadump-extract --qmp at the fadump-pause rebuilt the "
                    "capture kernel's /proc/vmcore byte for byte; progress on a terminal only")


if __name__ == "__main__":
    sys.exit(main())
