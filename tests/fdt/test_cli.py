#!/usr/bin/python3
"""fdt-inspect's command line on the real DTBs of our QEMU (tests/fdt/data,
taken by capture-dtbs.py --out) and on damaged copies of them: output,
--check, --diff, --json, --save-dtb, directory trees, exit statuses.

Usage: test_cli.py FDT-INSPECT     (TAP on stdout, tests/lib/tap.py;
exit 0 pass, 1 fail)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import tap  # noqa: E402
from tap import check  # noqa: E402

DATA = os.path.join(HERE, "data")
TOOL = None


def run(*args, stdout=subprocess.PIPE):
    p = subprocess.run([TOOL, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    return p.returncode, p.stdout or "", p.stderr


def data(name):
    return os.path.join(DATA, name)


def find_fdm(blob):
    """Offset of the ibm,kernel-dump structure QEMU wrote (4 sections)."""
    head = bytes.fromhex("00000001" "0004" "c000" "00000028")
    off = blob.find(head)
    assert off > 0 and blob.find(head, off + 1) < 0
    return off


def write_dir(node, path):
    """A /proc/device-tree style directory from fdt-inspect --json."""
    os.mkdir(path)
    for p in node["properties"]:
        with open(os.path.join(path, p["name"]), "wb") as f:
            f.write(bytes.fromhex(p.get("raw", "")))
    for c in node["children"]:
        write_dir(c, os.path.join(path, c["name"]))


def main():
    global TOOL
    TOOL = sys.argv[1]
    first, capture = data("vof-first.dtb"), data("vof-capture.dtb")
    tmp = tempfile.mkdtemp(prefix="fdt-cli-")

    # -- usage -----------------------------------------------------------------
    rc, out, err = run("--help")
    check("--help exits 0 and documents the exit statuses",
          rc == 0 and "Exit status" in out and "--check" in out, out + err)
    for args in ((), ("--check", "--diff", first, capture), ("--quiet", first),
                 ("--timeout", "0", first), (first, capture, "/", "extra"),
                 ("--check", first, "/rtas"), ("--bogus", first)):
        rc, out, err = run(*args)
        check(f"usage error {' '.join(a.replace(DATA + '/', '') for a in args)!r}: exit 2",
              rc == 2 and "fdt-inspect:" in err and not out, f"rc={rc} {err}")

    # -- show ------------------------------------------------------------------
    for fw in ("vof", "slof"):
        rc, out, err = run(data(f"{fw}-capture.dtb"), "/rtas")
        check(f"{fw} capture boot: /rtas shown with ibm,kernel-dump decoded",
              rc == 0 and out.startswith("/rtas {\n")
              and "ibm,kernel-dump = dump memory structure, 200 bytes {" in out
              and "status flags 0xc000: dump-performed,dump-triggered" in out
              and "section 2: real-mode (type 0x0011)" in out
              and "ibm,configure-kernel-dump = RTAS token 0x" in out
              and "cpu-state (type 0x0001) 0xde0 bytes" in out, out + err)
    rc, out, _ = run(first)
    check("whole tree shown, root first", rc == 0 and out.startswith("/ {\n")
          and "\n    cpus {\n" in out and out.endswith("};\n"), out[:200])
    rc, out, err = run(first, "/no/such/node")
    check("missing node path: exit 3", rc == 3 and "no node /no/such/node" in err, err)
    rc, out, err = run(first, "/memory")
    check("node path without unit address", rc == 0 and out.startswith("/memory@0 {"), out)
    rc, out, _ = run("--raw", capture, "/rtas")
    check("--raw leaves ibm,kernel-dump undecoded",
          rc == 0 and "ibm,kernel-dump = <0x1 0x4c000 0x28" in out, out[:400])

    # -- JSON ------------------------------------------------------------------
    rc, out, _ = run("--json", capture, "/rtas")
    tree = json.loads(out)
    kd = [p for p in tree["node"]["properties"] if p["name"] == "ibm,kernel-dump"]
    check("--json: ibm,kernel-dump sections by name",
          rc == 0 and kd and kd[0]["kind"] == "fadump-kernel-dump"
          and [s["type_name"] for s in kd[0]["value"]["sections"]]
          == ["cpu-state", "hpte", "real-mode", "param-area"]
          and kd[0]["value"]["status"] == ["dump-performed", "dump-triggered"], out[:400])

    # -- check -----------------------------------------------------------------
    for name in sorted(n for n in os.listdir(DATA) if n.endswith(".dtb")):
        rc, out, err = run("--check", data(name))
        check(f"--check {name}: contract holds", rc == 0 and out.endswith("; 0 problems\n"),
              out + err)
    rc, out, err = run("--check", "--quiet", capture)
    check("--check --quiet: no output", rc == 0 and not out and not err, out + err)

    blob = bytearray(open(capture, "rb").read())
    fdm = find_fdm(blob)
    bad = bytearray(blob)
    sec2 = fdm + 40 + 2 * 40
    bad[sec2 + 24:sec2 + 32] = (0x1000).to_bytes(8, "big")        # bytes dumped
    bad[fdm + 40 + 4:fdm + 40 + 6] = (0x0100).to_bytes(2, "big")  # CPU -> param type
    tampered = os.path.join(tmp, "tampered.dtb")
    open(tampered, "wb").write(bad)
    rc, out, err = run("--check", tampered)
    lines = out.splitlines()
    check("--check a damaged dump: exit 1, one line per problem",
          rc == 1 and len(lines) == 3
          and lines[0].startswith("/rtas: ibm,kernel-dump: section 2 (real-mode): 0x1000 of"
                                  " 0x40000000 bytes dumped and no error flags")
          and lines[1] == "/rtas: ibm,kernel-dump: 0 CPU state sections, Linux needs exactly one"
          and lines[-1].endswith("; 2 problems"), out + err)
    rc, out, _ = run("--check", "--json", tampered)
    rep = json.loads(out)
    check("--check --json: ok false, the problems", rc == 1 and rep["ok"] is False
          and len(rep["problems"]) == 2 and rep["dump_active"] is True, out)

    # -- hostile input -----------------------------------------------------------
    cases = {
        "empty": b"",
        "bad-magic": b"\x00" * 64,
        "truncated": bytes(blob[:len(blob) // 2]),
        "offsets-past-end": bytes(blob[:8]) + (0x7ffffff0).to_bytes(4, "big") + bytes(blob[12:]),
    }
    for name, content in cases.items():
        path = os.path.join(tmp, name + ".dtb")
        open(path, "wb").write(content)
        rc, out, err = run(path)
        check(f"malformed input ({name}): exit 3 with a message",
              rc == 3 and not out and err.startswith(f"fdt-inspect: {path}: "), f"rc={rc} {err}")
    rc, out, err = run(os.path.join(tmp, "nonexistent.dtb"))
    check("unreadable input: exit 3", rc == 3 and "No such file" in err, err)

    # -- diff ------------------------------------------------------------------
    rc, out, err = run("--diff", first, capture)
    check("--diff first capture: exit 1, ibm,kernel-dump added, decoded",
          rc == 1 and "\n+ /rtas: ibm,kernel-dump = dump memory structure, 200 bytes {\n" in out
          and "+         section 3: param-area" in out, out + err)
    rc, out, _ = run("--diff", "--quiet", first, first)
    check("--diff of a tree with itself: exit 0, no output", rc == 0 and not out)
    rc, out, _ = run("--diff", "--json", capture, tampered, "/rtas")
    d = json.loads(out)
    check("--diff --json of a subtree: the changed structure",
          rc == 1 and not d["equal"] and len(d["changes"]) == 1
          and d["changes"][0]["change"] == "property-changed"
          and d["changes"][0]["new"]["value"]["sections"][2]["bytes_dumped"] == "0x1000", out[:400])

    # -- save, directories ---------------------------------------------------------
    saved = os.path.join(tmp, "saved.dtb")
    rc, out, _ = run("--save-dtb", saved, capture, "/chosen")
    check("--save-dtb writes the input's bytes",
          rc == 0 and open(saved, "rb").read() == bytes(blob))
    nowhere = os.path.join(tmp, "no-dir", "saved.dtb")
    rc, out, err = run("--save-dtb", nowhere, capture)
    check("--save-dtb that cannot be written: exit 3, no file",
          rc == 3 and not os.path.exists(nowhere), err)
    rc, out, _ = run("--json", capture)
    tree_dir = os.path.join(tmp, "device-tree")
    write_dir(json.loads(out)["node"], tree_dir)
    rc, out, err = run("--diff", capture, tree_dir)
    check("a /proc/device-tree style copy reads as the same tree", rc == 0, out + err)
    rc, out, err = run("--check", tree_dir)
    check("--check on the directory", rc == 0 and out.startswith(tree_dir + "/: fadump offered,"
                                                                  " dump active"), out + err)
    rc, out, err = run(first, stdout=open("/dev/full", "w"))
    check("output that cannot be written: exit 4", rc == 4 and "writing the output" in err, err)

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(tap.main(main))
