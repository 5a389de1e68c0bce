"""What the fadump-extract command tests on generated guests share
(test_cli.py, test_kdump_cli.py): their two arguments and running the
tool.  Their checks go through tests/lib/tap.py.
"""

import os
import subprocess
import sys

EXTRACT, GEN = sys.argv[1], sys.argv[2]
# a GLib critical (a broken precondition) aborts the tool: the test sees it
ENV = dict(os.environ, G_DEBUG="fatal-criticals")


def run(*args):
    """fadump-extract with ``args``: its CompletedProcess (text)."""
    return subprocess.run([EXTRACT, *args], capture_output=True, text=True, timeout=120,
                          env=ENV)
