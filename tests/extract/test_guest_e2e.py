#!/usr/bin/python3
"""fadump-extract --triage of real guests that never registered fadump.

For the guest of the chosen kernel, under VOF and under SLOF, one boot
each: 2 vCPUs, 1 GiB, no fadump=on, fadumptest.wait=go, QEMU's
-action panic=pause.  The guest's init pins itself to CPU 0, starts a
busy loop on CPU 1 and waits for the host's go (tests/guest/init):

 1. live: at "waiting-for-go" QMP dump-guest-memory of the running guest
    (init sleeping: CPU 0 idle; CPU 1 in user mode);
 2. panicked: the go, init's sysrq crash, panic(), the panic notifier's
    RTAS ibm,os-term, where QEMU pauses the guest (GUEST_PANICKED); a
    second dump.

On each, ``fadump-extract --triage --json`` (and the text once) must give
the same triage as for a fadump dump, checked against what we did not
write -- the guest's console and gdb-multiarch with its vmlinux:

 - live: no fadump, no CPU panicked (said so), the guest's release, a
   backtrace for both CPUs ending at a stack's base or in user mode, CPU
   0 idle (in one of up to three dumps: it may be waking up), CPU 1 in
   user mode; the log's last records are on the console;
 - panicked: the crashing CPU is the console's "CPU: N" of the panic
   report, the panic message the console's; that CPU's backtrace starts
   in the firmware in real mode (QEMU stopped it in ibm,os-term), goes
   through rtas_os_term <- pseries_panic <- ... <- panic, and holds the
   kernel's own Call Trace (panic()'s dump_stack()) from panic()
   outwards, [sp] [pc] symbol for [sp] [pc] symbol; the other CPU is
   stopped in nmi_stop_this_cpu (stop_this_cpu without CONFIG_NMI_IPI:
   the 6.1 guest);
 - -o of each dump writes a vmcore (RAM, QEMU's notes, the VMCOREINFO
   found in memory); on 6.12 (DWARF) drgn opens them (drgn_threads.py:
   bookworm's 0.0.22, or FADUMP_DRGN_PATH) and unwinds the panicked
   one's crashed thread through rtas_os_term <- pseries_panic <- panic
   <- sysrq_handle_crash; drgn >= 0.0.27 unwinds every CPU it lists as
   online in both to the triage's frames, pc for pc;
 - gdb (6.12, whose vmlinux has DWARF): each CPU in the kernel whose first
   frame is kernel text, bt on a core of its QEMU note and stack: our
   functions are gdb's, in gdb's order, as far as gdb goes (it stops at
   an exception frame), compared by address (System.map: kallsyms names
   the first of aliases, start_text, gdb another, system_reset_common).

Usage: test_guest_e2e.py FADUMP_EXTRACT [--kernel 6.1|6.12|7.2]
Inputs (environment): as tests/e2e/test_crash_capture.py (FADUMP_QEMU,
FADUMP_GUEST_DIR or that of --kernel, FADUMP_FIRMWARE_DIR; exit 77 when
one is missing), FADUMP_WORKDIR, FADUMP_KEEP=1 (keep the dumps).
Exit status: 0 pass, 1 fail, 77 skip.
"""

import functools
import json
import os
import re
import sys
import tempfile

import drgn_threads
import extract_e2e as x
import elfcore  # noqa: E402 (tests/e2e: on sys.path through extract_e2e)
import fadump_e2e as e2e  # noqa: E402
import test_extract_e2e as fx  # noqa: E402
import vm as vmmod  # noqa: E402
from qmp import QMPError  # noqa: E402

say = x.say
run_tool = functools.partial(x.run_tool, timeout=300)

BOOT_TIMEOUT = 600
PANIC_TIMEOUT = 120
LIVE_TRIES = 3
LOG_TAIL = 10
# what a pseries kernel's panic notifier calls, innermost first
OS_TERM_PATH = ("rtas_os_term", "pseries_panic")


def names(frames):
    return [(f["symbol"] or f["pc"]).split("+")[0] for f in frames]


def triage(tool, dump, workdir, tag, problems):
    """--triage --json of ``dump`` (and its text, logged); the report."""
    res, _ = run_tool([tool, "--triage", "--json", "--log-lines", "0", dump],
                      os.path.join(workdir, f"triage-{tag}.log"))
    run_tool([tool, "--triage", dump], os.path.join(workdir, f"triage-{tag}.txt"))
    try:
        rep = json.loads(res.stdout)
    except ValueError as err:
        problems.append(f"{tag}: --triage --json is not JSON ({err}): {res.stderr[-300:]}")
        return None
    t = rep.get("triage") or {}
    if res.returncode != 0 or t.get("fadump") is not False or not rep.get("no_fadump"):
        problems.append(f"{tag}: --triage exit {res.returncode}, fadump {t.get('fadump')}, "
                        f"no_fadump {rep.get('no_fadump')!r}: {res.stderr[-300:]}")
        return None
    src = t.get("sources") or {}
    if not (src.get("vmcoreinfo") or "").startswith("guest memory: ") or \
            not (src.get("registers") or "").startswith("QEMU's NT_PRSTATUS notes"):
        problems.append(f"{tag}: sources {src}")
    return t


def common_checks(t, release, console, tag, problems):
    if t.get("osrelease") != release:
        problems.append(f"{tag}: release {t.get('osrelease')!r}, the guest's {release!r}")
    cpus = t.get("cpus") or []
    if sorted(c["cpu"] for c in cpus) != [0, 1]:
        problems.append(f"{tag}: backtraces of CPUs {[c['cpu'] for c in cpus]}, expected 0 and 1")
    for c in cpus:
        say(f"{tag}: CPU {c['cpu']}{' (crashing)' if c['crashing'] else ''}"
            f"{' (idle: ' + c['idle_function'] + ')' if c['idle'] else ''}: "
            f"{' <- '.join(names(c['frames'])[:14])}; end {c['end']}")
        if c["end"] not in ("base", "user"):
            problems.append(f"{tag}: CPU {c['cpu']}'s backtrace ended {c['end']}: "
                            f"{c['end_reason']}")
    records = (t.get("log") or {}).get("records") or []
    tail = [r["text"].split("\n")[0] for r in records[-LOG_TAIL:] if r["level"] < 7]
    missing = [line for line in tail if line not in console]
    if not records or missing:
        problems.append(f"{tag}: log records not on the console: {missing[:3]} "
                        f"({len(records)} records)")
    return cpus


def gdb_checks(run_cfg, dump, t, workdir, tag, problems):
    """bt of each CPU whose first frame is kernel text, on a core of its
    QEMU note and stack: our functions are gdb's, in order (DWARF only)."""
    if not run_cfg.kernel_has_dwarf:
        return
    vmlinux = run_cfg.kernel
    addrs = {}
    with open(run_cfg.system_map) as f:
        for line in f:
            value, _, name = line.split()[:3]
            addrs.setdefault(name, int(value, 16))
    with elfcore.ElfCore(dump) as core:
        notes = core.prstatus()
        for c in t["cpus"]:
            ours = [n for n, f in zip(names(c["frames"]), c["frames"])
                    if f["kind"] in ("pc", "call") and f["symbol"] and not f["real_mode"]]
            if not ours or c["frames"][0]["kind"] != "pc" or c["frames"][0]["real_mode"]:
                continue
            note = next((n for n in notes if n.pid == c["cpu"] + 1), None)
            if note is None:
                problems.append(f"{tag}: no QEMU note with pr_pid {c['cpu'] + 1}")
                continue
            if note.regs[1] < fx.KERNEL_BASE:
                continue        # entering the kernel, still on the user's r1
            path = os.path.join(workdir, f"{tag}-cpu{c['cpu']}-stack.core")
            fx.stack_core(core, note, path)
            _, frames = fx.gdb([f"file {vmlinux}", f"core-file {path}", "bt 40"],
                               os.path.join(workdir, f"gdb-{tag}-cpu{c['cpu']}.log"))
            # by address: kallsyms names the first of aliases (start_text),
            # gdb another (system_reset_common); gdb stops at an
            # exception frame, so ours are compared up to gdb's last
            g = [addrs.get(n, n) for n in frames]
            o = [addrs.get(n, n) for n in ours]
            o = o[:o.index(g[-1]) + 1] if g and g[-1] in o else o[:len(set(g))]
            pos = [g.index(a) for a in o if a in g]
            missing = [n for n, a in zip(ours, o) if a not in g]
            if not frames or pos != sorted(pos) or missing:
                problems.append(f"{tag}: CPU {c['cpu']}'s functions {ours} against gdb's "
                                f"{frames}: not in gdb {missing}")
            else:
                say(f"{tag}: CPU {c['cpu']}: {len(pos)} frames are gdb's, in order")


def drgn_checks(cfg, vmcore, t, workdir, tag, problems):
    """drgn (drgn_threads.py: bookworm's 0.0.22, or FADUMP_DRGN_PATH) opens
    the vmcore written for the guest without fadump (its VMCOREINFO note,
    QEMU's notes with pr_pid = CPU + 1).  Panicked: the crashed thread
    unwinds through the panic notifier's ibm,os-term.  drgn >= 0.0.27:
    every CPU it lists as online (panic() takes the others offline)
    unwinds to the triage's @t frames, pc for pc."""
    d = drgn_threads.threads(vmcore, cfg.kernel, os.path.join(workdir, f"drgn-{tag}.log"))
    if "error" in d:
        problems.append(f"drgn on the {tag} vmcore: {d['error']}")
        return
    bad = []
    if t.get("crashed"):
        want = list(OS_TERM_PATH) + ["panic", "sysrq_handle_crash"]
        frames = drgn_threads.crashed_through(d, want)
        if frames is None:
            bad.append(f"crashed thread {d['crashed']}: not through {' <- '.join(want)}")
        else:
            say(f"{tag}: drgn {d['version']} unwinds the crashed thread: "
                f"{' <- '.join(f or '?' for f in frames[:12])}")
    if drgn_threads.version_tuple(d["version"]) >= drgn_threads.CRASH_NOTES_VERSION:
        bad += drgn_threads.mismatches(t.get("cpus") or [], d)
        # live: every CPU is online; panicked: at least the crashing one
        listed = sorted(int(c) for c in d.get("cpus", {}))
        want = ([t["crashing_cpu"]] if t.get("crashed")
                else sorted(c["cpu"] for c in t.get("cpus") or []))
        if not set(want) <= set(listed):
            bad.append(f"drgn lists CPUs {listed}, not {want}")
        if not bad:
            say(f"{tag}: drgn {d['version']}: CPUs {sorted(int(c) for c in d['cpus'])} "
                f"unwind to the triage's frames")
    if bad:
        problems.append(f"drgn {d['version']} on the {tag} vmcore: {'; '.join(bad)}")


def live_checks(t, problems):
    if t.get("crashed") is not False or t.get("crashing_cpu") is not None or \
            not (t.get("crash_note") or "").startswith("no CPU panicked"):
        problems.append(f"live: crashed {t.get('crashed')}, crashing CPU "
                        f"{t.get('crashing_cpu')}, note {t.get('crash_note')!r}")
    cpu1 = next((c for c in t.get("cpus") or [] if c["cpu"] == 1), None)
    if cpu1 and cpu1["end"] != "user":
        problems.append(f"live: CPU 1 (busy loop) not in user mode: {cpu1['end_reason']}")


def panic_checks(t, console, cfg, problems):
    m = re.search(r"Kernel panic - not syncing: ([^\n]*)\n(?:.*\n)*?[^\n]*CPU: (\d+) ", console)
    if not m:
        problems.append("panicked: no panic report with a CPU: line on the console")
        return
    message, cpu = m.group(1).strip(), int(m.group(2))
    if t.get("crashed") is not True or t.get("crashing_cpu") != cpu:
        problems.append(f"panicked: crashed {t.get('crashed')}, crashing CPU "
                        f"{t.get('crashing_cpu')}, the console's {cpu}")
    if (t.get("panic") or {}).get("message") != message:
        problems.append(f"panicked: panic {t.get('panic')}, the console's {message!r}")
    cpus = t.get("cpus") or []
    if not cpus or cpus[0]["cpu"] != cpu or not cpus[0]["crashing"]:
        problems.append(f"panicked: CPU {cpu} not first and crashing in {cpus[:1]}")
        return
    frames = cpus[0]["frames"]
    if not frames[0]["real_mode"] or frames[0]["symbol"] is not None:
        problems.append(f"panicked: CPU {cpu}'s first frame is not in the firmware in real "
                        f"mode: {frames[0]}")
    ours = names(frames)
    path = [fx.PANIC_FUNCTIONS[0] if n in fx.PANIC_FUNCTIONS else n for n in ours]
    want = list(OS_TERM_PATH) + ["panic", "sysrq_handle_crash"]
    where = [path.index(f) if f in path else -1 for f in want]
    if -1 in where or where != sorted(where):
        problems.append(f"panicked: CPU {cpu}'s backtrace lacks {' <- '.join(want)}: {ours}")
    trace = fx.kernel_call_trace(t["log"]["records"])
    mine = [(int(f["sp"], 16), int(f["pc"], 16), f["symbol"])
            for f in frames if f["kind"] in ("pc", "call") and f["sp"]]
    if not trace or [f for f in mine if f in trace] != trace:
        problems.append(f"panicked: CPU {cpu}'s frames {mine[:20]} do not hold the log's "
                        f"Call Trace beyond panic {trace}")
    else:
        say(f"panicked: CPU {cpu}'s backtrace holds the kernel's Call Trace beyond panic(), "
            f"{len(trace)} frames")
    other = next((c for c in cpus if c["cpu"] != cpu), None)
    stop = stop_function(cfg)
    if other and stop not in names(other["frames"]):
        problems.append(f"panicked: CPU {other['cpu']} not stopped in {stop}: "
                        f"{names(other['frames'])}")


def stop_function(cfg):
    """Where smp_send_stop() leaves the other CPUs: nmi_stop_this_cpu
    through the NMI IPI (CONFIG_NMI_IPI: 6.12 and 7.2 guests, which have
    KEXEC_CORE), else stop_this_cpu through smp_call_function (6.1)."""
    with open(os.path.join(cfg.guest_dir, "config")) as f:
        nmi = "\nCONFIG_NMI_IPI=y\n" in "\n" + f.read()
    return "nmi_stop_this_cpu" if nmi else "stop_this_cpu"


def one_boot(tool, cfg, firmware, workdir, problems):
    tag = f"{cfg.kernel_version}-{firmware}"
    with open(os.path.join(cfg.guest_dir, "kernel-release")) as f:
        release = f.read().strip()
    vm = vmmod.VM(cfg.qemu, workdir, kernel=cfg.kernel, initrd=cfg.initrd,
                  append="console=hvc0 fadumptest.marker=guest-e2e fadumptest.wait=go "
                         "fadumptest.action=crash",
                  firmware_dir=cfg.firmware_dir, firmware=firmware, mem="1G", smp=2,
                  disk_size=1 << 20, name=f"vm-{tag}")
    live = os.path.join(workdir, f"live-{tag}.elf")
    panicked = os.path.join(workdir, f"panicked-{tag}.elf")
    with vm:
        vm.launch()
        vm.wait_console(r"^FADUMP-TEST: waiting-for-go$", BOOT_TIMEOUT, "the guest's boot")
        for attempt in range(1, LIVE_TRIES + 1):
            e2e.dump_guest_memory(vm, live, "elf", f"{tag}: live dump")
            t = triage(tool, live, workdir, f"live-{tag}", problems)
            if t is None:
                break
            cpu0 = next((c for c in t.get("cpus") or [] if c["cpu"] == 0), {})
            if cpu0.get("idle") or attempt == LIVE_TRIES:
                break
            say(f"live-{tag}: CPU 0 not idle in dump {attempt} "
                f"({' <- '.join(names(cpu0.get('frames', []))[:6])}): again")
        console = vm.console_text()
        t_live = t
        if t is not None:
            common_checks(t, release, console, f"live-{tag}", problems)
            live_checks(t, problems)
            if not cpu0.get("idle"):
                problems.append(f"live-{tag}: CPU 0 (init, sleeping) not idle in "
                                f"{LIVE_TRIES} dumps: {names(cpu0.get('frames', []))}")
            gdb_checks(cfg, live, t, workdir, f"live-{tag}", problems)
        with open(vm.disk_path, "r+b") as f:
            f.seek(os.path.getsize(vm.disk_path) - e2e.CTL_FROM_END)
            f.write(e2e.GO_TOKEN)
            f.flush()
            os.fsync(f.fileno())
        vm.qmp.wait_event(("GUEST_PANICKED",), PANIC_TIMEOUT)
        e2e.dump_guest_memory(vm, panicked, "elf", f"{tag}: panicked dump")
        console = vm.console_text()
    t = triage(tool, panicked, workdir, f"panicked-{tag}", problems)
    if t is not None:
        common_checks(t, release, console, f"panicked-{tag}", problems)
        panic_checks(t, console, cfg, problems)
        gdb_checks(cfg, panicked, t, workdir, f"panicked-{tag}", problems)
    vmcores = []
    for what, dump, tri in (("panicked", panicked, t), ("live", live, t_live)):
        vmcore = os.path.join(workdir, f"{what}-{tag}.vmcore")
        vmcores.append(vmcore)
        res, _ = run_tool([tool, dump, "-o", vmcore],
                          os.path.join(workdir, f"vmcore-{what}-{tag}.log"))
        if res.returncode != 0 or "no fadump registration" not in res.stdout:
            problems.append(f"{what}-{tag}: -o of the dump without fadump: exit "
                            f"{res.returncode}: {res.stdout[-200:]} {res.stderr[-300:]}")
        elif cfg.kernel_has_dwarf and tri is not None:
            drgn_checks(cfg, vmcore, tri, workdir, f"{what}-{tag}", problems)
    if not cfg.keep and not problems:
        for p in [live, panicked] + vmcores:
            if os.path.exists(p):
                os.unlink(p)


def main():
    x.set_tag("guest-e2e")
    args = x.tool_arg(__doc__, kernel_option=True)
    if args is None:
        return 2
    tool, kernel = args
    cfg = x.config("guest-e2e-work", [f"{what}-{k}-{fw}.elf" for what in ("live", "panicked")
                                      for k in e2e.KERNEL_VERSIONS for fw in ("vof", "slof")],
                   kernel=kernel)
    if cfg is None:
        return x.SKIP
    base = cfg.workdir or cfg.work_base or None
    if base:
        os.makedirs(base, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=f"run-{cfg.kernel_version}-", dir=base)
    problems = []
    for firmware in ("vof", "slof"):
        try:
            one_boot(tool, cfg, firmware, workdir, problems)
        except (e2e.StepFailed, vmmod.VMError, QMPError) as err:
            problems.append(f"{cfg.kernel_version}-{firmware}: {err}")
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        print(f"work dir kept for post-mortem: {workdir}")
        return 1
    print(f"PASS: {cfg.kernel_version} guests without fadump (VOF, SLOF), live and panicked: "
          f"triage checked against the console and gdb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
