"""drgn, a reader we did not write, on the vmcores fadump-extract writes:
every online CPU's current task and its stack trace, as JSON.

Which drgn: FADUMP_DRGN_PATH, when set, is a directory put first on
PYTHONPATH (a drgn built from its source, e.g. 0.2.0: see
docs/fadump-extract.md); otherwise Debian's python3-drgn (bookworm: 0.0.22)
under Debian's /usr/bin/python3.  drgn needs the guest's DWARF vmlinux.

drgn >= 0.0.27 takes a vmcore whose VMCOREINFO has CRASHTIME= for a kdump
one and reads registers from the kernel's crash_notes (empty under
fadump); 0.0.22 indexes NT_PRSTATUS notes by position and predates the
ppc64 register convention of Linux 6.5+ (its frames on 6.12 are not to be
trusted).  CRASH_NOTES_VERSION is where the first behaviour starts.
"""

import json
import os
import subprocess

CRASH_NOTES_VERSION = (0, 0, 27)

SCRIPT = r"""
import json, sys, drgn
try:
    from drgn.helpers.linux.sched import cpu_curr
except ImportError:         # 0.0.22
    from drgn.helpers.linux.percpu import per_cpu
    def cpu_curr(prog, cpu):
        return per_cpu(prog["runqueues"], cpu).curr
from drgn.helpers.linux.cpumask import for_each_online_cpu

def frames(trace):
    return [{"pc": f.pc, "name": f.name} for f in trace]

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
out = {"version": drgn.__version__, "cpus": {}}
try:
    t = prog.crashed_thread()
    out["crashed"] = {"tid": t.tid, "frames": frames(t.stack_trace())}
except Exception as e:
    out["crashed"] = {"error": f"{type(e).__name__}: {e}"}
for cpu in for_each_online_cpu(prog):
    try:
        task = cpu_curr(prog, cpu)
        out["cpus"][cpu] = {"pid": task.pid.value_(),
                            "frames": frames(prog.stack_trace(task))}
    except Exception as e:
        out["cpus"][cpu] = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps(out))
"""


def command():
    """(argv prefix, environment) running Python with the chosen drgn."""
    env = dict(os.environ)
    path = env.get("FADUMP_DRGN_PATH", "")
    if path:
        env["PYTHONPATH"] = path + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return ["/usr/bin/python3"], env


def version_tuple(text):
    """"0.2.0+unknown" -> (0, 2, 0)"""
    parts = []
    for p in text.split("+")[0].split(".")[:3]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts + [0] * (3 - len(parts)))


def threads(vmcore, vmlinux, log_path, timeout=600):
    """drgn's view of @vmcore: {"version", "crashed", "cpus": {cpu: {...}}},
    or {"error": ...} when drgn cannot be run or fails outright."""
    argv, env = command()
    try:
        res = subprocess.run(argv + ["-c", SCRIPT, vmcore, vmlinux], env=env,
                             capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as err:
        return {"error": f"{type(err).__name__}: {err}"}
    with open(log_path, "w") as f:
        f.write(res.stdout + res.stderr)
    if res.returncode != 0:
        return {"error": f"exit {res.returncode}: {res.stderr.strip()[-400:]}"}
    try:
        return json.loads(res.stdout)
    except ValueError as err:
        return {"error": f"not JSON ({err}): {res.stdout[:200]}"}


def dedup(pcs):
    """@pcs without consecutive repeats (drgn's inlined frames share a pc)."""
    return [p for i, p in enumerate(pcs) if i == 0 or pcs[i - 1] != p]


def mismatches(cpus, d):
    """Where drgn's view @d (threads(), drgn >= CRASH_NOTES_VERSION) of each
    CPU it lists as online differs from the triage's backtraces @cpus
    (``triage.cpus`` of --json): drgn's pcs, inlined frames folded, must be
    the start of the triage's, or of them without the frames known from LR
    alone (the kernel's "(unreliable)" line: drgn takes no LR from a
    kernel's NT_PRSTATUS, arch_ppc64.c).  [] when every CPU agrees; a CPU
    drgn lists that the triage lacks is a mismatch, and so is no CPU."""
    ours = {c["cpu"]: [int(f["pc"], 16) for f in c["frames"]] for c in cpus}
    no_lr = {c["cpu"]: [int(f["pc"], 16) for f in c["frames"] if f["kind"] != "lr"]
             for c in cpus}
    theirs = {int(c): v for c, v in d.get("cpus", {}).items()}
    if not theirs:
        return ["drgn lists no online CPU"]
    bad = []
    for c, t in sorted(theirs.items()):
        got = dedup([x["pc"] for x in t.get("frames", [])])
        f = ours.get(c)
        if f is None or "error" in t or not got or (got != f[:len(got)] and
                                                    got != no_lr[c][:len(got)]):
            bad.append(f"CPU {c}: drgn {t.get('error') or [hex(x) for x in got]}, "
                       f"ours {f and [hex(x) for x in f]}")
    return bad


def crashed_through(d, path):
    """The names of drgn's crashed thread's frames when they hold @path in
    order (innermost first), else None."""
    names = [x["name"] for x in (d.get("crashed", {}).get("frames") or [])]
    where = [names.index(n) if n in names else -1 for n in path]
    return None if -1 in where or where != sorted(where) else names
