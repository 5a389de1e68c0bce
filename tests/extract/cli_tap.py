"""What the fadump-extract command tests on generated guests share
(test_cli.py, test_kdump_cli.py): their two arguments, the checks they
collect, running the tool, and the TAP report.
"""

import subprocess
import sys

EXTRACT, GEN = sys.argv[1], sys.argv[2]
results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def run(*args):
    """fadump-extract with ``args``: its CompletedProcess (text)."""
    return subprocess.run([EXTRACT, *args], capture_output=True, text=True, timeout=120)


def report():
    """Print the checks as TAP (the first 20 lines of a failure's detail
    as comments); the exit status."""
    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            for line in str(detail).splitlines()[:20]:
                print(f"# {line}")
    return 0 if all(ok for _, ok, _ in results) else 1
