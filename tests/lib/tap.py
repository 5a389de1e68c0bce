"""TAP for the Python tests that make many checks in one run (meson
`protocol : 'tap'`): tests/extract/test_cli.py and test_kdump_cli.py,
tests/fdt/test_cli.py, tests/lint/check-layering.py.

Their checks are data-driven (a check per input cut, per folder of lib/,
per generated guest...), made in order on state the earlier ones built,
so they are not unittest methods: each is one call

    tap.check("name", condition, detail)

printed at once as `ok N - name` or `not ok N - name` followed by the
first lines of @detail as TAP comments; the plan (`1..N`) comes last.
A script's main function runs under sys.exit(tap.main(main)), which
prints the plan and exits 0 (all passed) or 1; an exception in the
middle of a run is one more failed check, with its traceback, not a lost
plan.  tap.skip_all(reason), before any check, skips the whole test
(`1..0 # SKIP reason`).

Why not unittest with pycotap: pycotap prints one TAP line per test
method and drops subTest() results, so a check per input would need a
generated method per input, computed before the inputs exist.

Import it with tests/lib on sys.path:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    import tap
"""

import sys
import traceback

# lines of a failed check's detail printed as comments
DETAIL_LINES = 40

_count = 0
_failed = 0


def check(name, ok, detail=""):
    """Record and print one check: @ok true passes; @detail (any object,
    printed with str()) explains a failure.  Returns bool(ok)."""
    global _count, _failed
    ok = bool(ok)
    _count += 1
    name = " ".join(str(name).split())   # one line, whatever it holds
    print(f"{'ok' if ok else 'not ok'} {_count} - {name}")
    if not ok:
        _failed += 1
        for line in str(detail).splitlines()[:DETAIL_LINES]:
            print(f"# {line}")
    sys.stdout.flush()
    return ok


class _SkipAll(Exception):
    pass


def skip_all(reason):
    """Skip the whole test, before any check: `1..0 # SKIP reason`.  Only
    under main(), which it leaves (it raises)."""
    raise _SkipAll(reason)


def main(fn, *args):
    """Run fn(*args), which makes the checks, then print the plan.  An
    exception is a failed check, and so is a run without any check.
    Returns the exit status (for sys.exit): 1 if a check failed, else 0."""
    try:
        fn(*args)
    except _SkipAll as skip:
        if _count == 0:
            print(f"1..0 # SKIP {skip}")
            sys.stdout.flush()
            return 0
        check(f"skip after {_count} checks", False, str(skip))
    except Exception:  # noqa: BLE001 - a failed check, then the plan
        # the end of the traceback names the error
        lines = traceback.format_exc().splitlines()
        check(f"{fn.__name__} runs to the end", False, "\n".join(lines[-DETAIL_LINES:]))
    if _count == 0:
        check(f"{fn.__name__} makes a check", False)
    print(f"1..{_count}")
    sys.stdout.flush()
    return 1 if _failed else 0
