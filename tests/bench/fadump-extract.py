#!/usr/bin/python3
"""Benchmark (not a test): fadump-extract next to cp, on real dumps.

For every size (default 4G and 16G) it boots the test guest with that
much RAM (crashkernel=1G, fadump=on, VOF, 4 vCPUs, TCG), lets it crash
and takes QEMU's ELF dump at the trigger (the harness's trigger dump,
tests/e2e/fadump_e2e.py; no capture boot).  Then, on that input, each
--runs times with the page cache dropped before every command when the
host allows it:

  - cp INPUT to the same filesystem (the baseline: moving the bytes);
  - fadump-extract INPUT -o VMCORE (rebuilding the capture kernel's
    /proc/vmcore; copy_file_range where the filesystem allows);
  - fadump-extract --no-copy-range INPUT -o VMCORE (through a buffer);
  - fadump-extract --kdump INPUT -o VMCORE, when the tool has --kdump;
  - fadump-extract --json INPUT (metadata only: find the registration,
    decode the crash-info header, VMCOREINFO and the register save area,
    lay out the vmcore, report) and --triage --json INPUT, each from a
    cold page cache and warm, and the first with --fdm-addr (no search);

and prints wall time, throughput (input bytes per second; output bytes
per second for the writers), peak RSS (ru_maxrss of the child), and the
ratio of each time to cp's, the median over the runs; a "warm" row runs
once untimed first.  Nothing here is
asserted: the figures depend on the host.

Usage: fadump-extract.py --tool FADUMP-EXTRACT [--sizes 4G,16G] [--runs N]
Inputs as for tests/e2e/test_crash_capture.py (FADUMP_QEMU,
FADUMP_GUEST_DIR, FADUMP_FIRMWARE_DIR); tests/bench/fadump-extract sets
them.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import fadump_e2e as e2e  # noqa: E402

GNU_TIME = "/usr/bin/time"      # Debian's package time (scripts/setup-host)


def drop_caches():
    """Drop the page cache (root, and a host that lets us); True if done."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def measure(args, cold):
    """Run @args under GNU time; (seconds, peak RSS in KiB, exit status,
    stderr).  The peak RSS comes from time(1), a small process: measured
    from this Python process, the child's ru_maxrss would include the
    interpreter's memory it was forked from."""
    if cold:
        drop_caches()
    fd, rss_path = tempfile.mkstemp(prefix="bench-rss-")
    os.close(fd)
    try:
        t0 = time.monotonic()
        res = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss_path] + args,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        secs = time.monotonic() - t0
        with open(rss_path) as f:
            lines = f.read().split()
        kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    finally:
        os.unlink(rss_path)
    return secs, kib, res.returncode, res.stderr.decode(errors="replace")


def size_bytes(text):
    return e2e.size_bytes(text)


def take_dump(cfg, size):
    cfg.mem = size
    cfg.stop_after = "trigger-dump"
    cfg.keep = True
    e2e.say(f"{size}: booting, crashing, taking the trigger dump")
    run = e2e.run_cycle(cfg)
    return run.trigger_path


def bench_size(tool, cfg, size, runs, cold):
    need = 2.2 * size_bytes(size)
    base = cfg.work_base or os.getcwd()
    os.makedirs(base, exist_ok=True)
    free = shutil.disk_usage(base).free
    if free < need:
        print(f"\n{size}: SKIPPED: {free / 2**30:.1f} GiB free under {base}, "
              f"{need / 2**30:.1f} GiB needed")
        return None
    dump = take_dump(cfg, size)
    workdir = os.path.dirname(dump)
    in_bytes = os.path.getsize(dump)
    out = os.path.join(workdir, "bench.out")
    has_kdump = "--kdump" in subprocess.run([tool, "--help"], capture_output=True,
                                            text=True).stdout
    # (label, command, writes a file, page cache dropped first)
    commands = [
        ("cp (baseline)", ["cp", dump, out], True, cold),
        ("fadump-extract -o", [tool, "-q", dump, "-o", out], True, cold),
        ("fadump-extract --no-copy-range -o", [tool, "-q", "--no-copy-range", dump, "-o", out],
         True, cold),
    ]
    if has_kdump:
        commands.append(("fadump-extract --kdump=zlib -o",
                         [tool, "-q", "--kdump=zlib", dump, "-o", out], True, cold))
    # metadata (registration, crash-info header, VMCOREINFO, registers, the
    # --json report): from a cold page cache, then warm
    for label, args in (("fadump-extract --json (metadata)", [tool, "-q", "--json", dump]),
                        ("fadump-extract --triage --json", [tool, "--triage", "--json", dump])):
        if cold:
            commands.append((label + ", cold", args, False, True))
        commands.append((label + ", warm", args, False, False))
    # Where the scan found the registration: metadata only without the scan
    found = subprocess.run([tool, "-q", "--json", dump], capture_output=True, text=True)
    try:
        reg = json.loads(found.stdout)["registration"]
        print(f"{size}: registration found by '{reg['origin']}' at {reg['address']}, "
              f"{int(reg.get('scanned_bytes') or 0) / 2**20:.0f} MiB of guest memory scanned")
        commands.append(("  ... with --fdm-addr, warm", [tool, "-q", "--fdm-addr",
                                                         str(reg["address"]), dump],
                         False, False))
    except (ValueError, KeyError, TypeError):
        print(f"{size}: no registration address in fadump-extract --json: {found.stderr.strip()}")
    rows = []
    for label, args, writes, drop in commands:
        times, rss, out_size = [], [], 0
        if not drop:    # warm: a run to fill the page cache first
            measure(args, False)
            if writes and os.path.exists(out):
                os.unlink(out)
        for _ in range(runs):
            secs, kib, rc, err = measure(args, drop)
            if rc != 0:
                raise SystemExit(f"{label}: exit {rc}: {err.strip()}")
            times.append(secs)
            rss.append(kib)
            if writes:
                out_size = os.path.getsize(out)
                os.unlink(out)
        rows.append((label, statistics.median(times), max(rss), out_size))
    os.unlink(dump)
    base_secs = rows[0][1]
    print(f"\n== {size} guest: trigger dump {in_bytes} bytes ({in_bytes / 2**30:.2f} GiB), "
          f"median of {runs} run(s), page cache "
          f"{'dropped before each but the warm rows' if cold else 'warm'}")
    print(f"  {'command':<36} {'time':>8} {'in MB/s':>9} {'out MB/s':>9} {'peak RSS':>10} "
          f"{'vs cp':>7}  output")
    for label, secs, kib, out_size in rows:
        rate_in = in_bytes / secs / 1e6
        rate_out = f"{out_size / secs / 1e6:9.0f}" if out_size else f"{'-':>9}"
        print(f"  {label:<36} {secs:7.2f}s {rate_in:9.0f} {rate_out} {kib / 1024:8.1f} MiB "
              f"{secs / base_secs:6.2f}x  {out_size or '-'}")
    o = next(r for r in rows if r[0] == "fadump-extract -o")
    print(f"  -o / cp = {o[1] / base_secs:.2f} (goal: at most 0.80); metadata goals: "
          f"under 1 s cold, under 0.25 s warm")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True, help="the fadump-extract binary")
    ap.add_argument("--sizes", default="4G,16G", help="guest RAM sizes (default 4G,16G)")
    ap.add_argument("--runs", type=int, default=1, help="runs per command (default 1)")
    args = ap.parse_args(argv)
    try:
        cfg = e2e.config_from_env()
    except e2e.MissingInput as err:
        print(f"fadump-extract bench: {err}", file=sys.stderr)
        return 2
    if not cfg.workdir and os.environ.get("FADUMP_BUILD_ROOT"):
        cfg.work_base = os.path.join(os.environ["FADUMP_BUILD_ROOT"], "bench-work")
    if not os.access(GNU_TIME, os.X_OK):
        print(f"fadump-extract bench: {GNU_TIME} missing: run scripts/setup-host", file=sys.stderr)
        return 2
    cold = drop_caches()
    print(f"fadump-extract benchmark: {args.tool}; page cache "
          f"{'dropped before every command' if cold else 'cannot be dropped here (warm runs)'}")
    for size in args.sizes.split(","):
        try:
            bench_size(args.tool, cfg, size.strip(), args.runs, cold)
        except e2e.StepFailed as err:
            print(f"{size}: the crash cycle failed: {err}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
