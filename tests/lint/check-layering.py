#!/usr/bin/env python3
"""The library's architecture, checked (suite unit, test lib-layering).

lib/meson.build lists the folders of lib/ in dependency order and each
lib/<folder>/meson.build names the folders it uses (part_uses).  This
checks, over the sources as they are:

  1. a file of lib/<folder> includes headers of its own folder and of
     the folders it uses only ("dump/reader.h" names the folder);
  2. a header named *-internal.h is included from its own folder only
     (nowhere in tools/ or tests/ either);
  3. every name a header of lib/<folder> exports -- functions, types,
     macros, enumerators -- starts with the folder's prefix (lower case
     for functions, CamelCase for types, upper case for macros), save
     the few format-constant families listed in EXEMPT;
  4. no name is defined by two headers (one home per type and prefix);
  5. the tools include no private header and define no library names.

Usage: check-layering.py [TOP]   (TAP on stdout, tests/lib/tap.py; exit 1
on a violation)
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

import tap  # noqa: E402
from tap import check  # noqa: E402

TOP = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
LIB = TOP / "lib"

# folder -> (function/macro prefix, type prefix)
PREFIX = {
    "common": ("qf", "Qf"), "papr": ("papr", "Papr"), "elfcore": ("elfcore", "Elfcore"),
    "fdt": ("dt", "Dt"), "dump": ("dump", "Dump"), "vmcore": ("vmcore", "Vmcore"),
    "kernel": ("kernel", "Kernel"), "report": ("report", "Report"),
}
# name families that keep the spelling of the format they describe
EXEMPT = {
    # makedumpfile's diskdump_mod.h / the kdump-compressed on-disk format
    "dump/kdump-format.h": re.compile(r"KDUMP_\w+$"),
}


def parts():
    text = (LIB / "meson.build").read_text()
    m = re.search(r"lib_parts\s*=\s*\[([^\]]*)\]", text)
    return re.findall(r"'(\w+)'", m.group(1))


def uses(part):
    text = (LIB / part / "meson.build").read_text()
    m = re.search(r"part_uses\s*=\s*\[([^\]]*)\]", text)
    return set(re.findall(r"'(\w+)'", m.group(1)))


def includes(path):
    return re.findall(r'^\s*#\s*include\s+"([^"]+)"', path.read_text(), re.M)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def exported(path):
    """Names a header defines: macros, types, enumerators, functions."""
    text = strip_comments(path.read_text())
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", text, re.M))
    # join continued macro lines away, then drop preprocessor lines
    text = re.sub(r"\\\n", " ", text)
    text = re.sub(r"^\s*#[^\n]*", "", text, flags=re.M)
    names |= set(re.findall(r"\b(?:struct|enum|union)\s+(\w+)\s*\{", text))
    names |= set(re.findall(r"typedef\s+[^;{}]*?\b(\w+)\s*;", text))
    names |= set(re.findall(r"typedef\s+[^;{}]*?\(\s*\*\s*(\w+)\s*\)", text))
    for body in re.findall(r"\benum\s*\w*\s*\{([^}]*)\}", text):
        names |= set(re.findall(r"(?:^|,)\s*(\w+)\s*(?:=[^,]*)?", body))
    # the text outside braces (top-level braces kept as "{}")
    depth = 0
    top = []
    for ch in text:
        if ch == "{":
            depth += 1
            if depth == 1:
                top.append("{")
        elif ch == "}":
            depth -= 1
            if depth == 0:
                top.append("}")
        elif depth == 0:
            top.append(ch)
    top = "".join(top)
    names |= set(re.findall(r"\}\s*(\w+)\s*;", top))
    # top-level function declarations and static inline definitions
    top = re.sub(r"\btypedef\b[^;]*;", ";", top)
    for m in re.finditer(r"\b(\w+)\s*\([^;()]*(?:\([^()]*\)[^;()]*)*\)\s*(?:G_GNUC_\w+(?:\([^)]*\))?\s*)*;?",
                         top):
        name = m.group(1)
        if name not in ("G_DEFINE_AUTOPTR_CLEANUP_FUNC", "G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC",
                        "G_DEFINE_AUTO_CLEANUP_FREE_FUNC", "sizeof", "G_STATIC_ASSERT",
                        "G_GNUC_PRINTF", "G_GNUC_WARN_UNUSED_RESULT", "_Static_assert"):
            names.add(name)
    names.discard("")
    return names


def prefixed(name, part):
    lo, ca = PREFIX[part]
    return (name.startswith(lo + "_") or name == ca
            or name.startswith(ca) and name[len(ca):][:1].isupper()
            or name.startswith(lo.upper() + "_"))


def main():
    order = parts()
    check("lib/meson.build lists the folders of lib/",
          sorted(order) == sorted(p.name for p in LIB.iterdir() if p.is_dir()),
          f"lib_parts {order}")
    check("every folder has a prefix", set(order) <= set(PREFIX), f"{set(order) - set(PREFIX)}")
    homes = {}
    for i, part in enumerate(order):
        allowed = uses(part)
        later = allowed - set(order[:i])
        check(f"{part}: uses only folders before it", not later, f"uses {sorted(later)}")
        bad_inc, bad_names = [], []
        for f in sorted((LIB / part).glob("*.[ch]")):
            for inc in includes(f):
                folder = inc.split("/")[0] if "/" in inc else None
                if folder is None:
                    if not (LIB / part / inc).exists() and inc != "fdt-config.h":
                        bad_inc.append(f"{f.relative_to(TOP)}: \"{inc}\" names no folder")
                    continue
                if folder != part and folder not in allowed:
                    bad_inc.append(f"{f.relative_to(TOP)}: {inc} ({folder} is not in part_uses)")
                if folder != part and inc.endswith("-internal.h"):
                    bad_inc.append(f"{f.relative_to(TOP)}: {inc} is private to {folder}")
            if f.suffix == ".h":
                rel = f"{part}/{f.name}"
                for name in sorted(exported(f)):
                    homes.setdefault(name, []).append(rel)
                    ok = prefixed(name, part) or (rel in EXEMPT and EXEMPT[rel].match(name))
                    if not ok:
                        bad_names.append(f"{rel}: {name}")
        check(f"{part}: includes only its own and its used folders' headers", not bad_inc,
              "\n".join(bad_inc))
        check(f"{part}: every exported name starts with {PREFIX[part][0]}_/{PREFIX[part][1]}",
              not bad_names, "\n".join(bad_names))
    dup = {n: h for n, h in homes.items() if len(h) > 1}
    check("no name defined by two headers", not dup,
          "\n".join(f"{n}: {', '.join(h)}" for n, h in sorted(dup.items())))
    bad = []
    for d in ("tools", "tests"):
        for f in sorted((TOP / d).rglob("*.[ch]")):
            for inc in includes(f):
                if inc.endswith("-internal.h"):
                    bad.append(f"{f.relative_to(TOP)}: {inc}")
    check("tools and tests include no private header", not bad, "\n".join(bad))
    bad = []
    for f in sorted((TOP / "tools").rglob("*.h")):
        for name in exported(f):
            for part in order:
                if prefixed(name, part):
                    bad.append(f"{f.relative_to(TOP)}: {name} has {part}'s prefix")
    check("tools define no library names", not bad, "\n".join(bad))


if __name__ == "__main__":
    sys.exit(tap.main(main))
