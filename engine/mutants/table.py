#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The detection table of engine/mutants/README.md, from the patches' heads.

Suite `conformance` holds every check to its patch's head (mutant_check.py),
so a table made from the heads says what is measured. This script writes it
between the README's table markers, or with --check fails when the README's
table and the heads differ, or a patch and its row in meson.build do not
match (test `mutant-table`).

usage: table.py [--check] MUTANTS_DIR
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))
from mutant_check import read_head  # noqa: E402

BEGIN = "<!-- mutant table: made by table.py from the patches' heads -->"
END = "<!-- end of mutant table -->"


def cell(v):
    return "yes" if v == "failed" else "no"


def table(d):
    rows = ["| mutant | fault | validate fails | vectors | replay --expect | replay (diff) |",
            "|---|---|---|---|---|---|"]
    for path in sorted(glob.glob(os.path.join(d, "*.patch"))):
        h = read_head(path)
        fault = h["Fault"][0].replace("|", "\\|")
        val = "; ".join(f"`{g}` {v}" for v, g in h["rules"])
        rows.append(f"| `{h['Mutant'][0]}` | {fault} | {val} | {cell(h['Vectors'][0])} | "
                    f"{cell(h['Replay-expect'][0])} | {cell(h['Replay-diff'][0])} |")
    n = len(rows) - 2
    return "\n".join(rows) + f"\n\n{n} mutants.\n"


def registry_errors(d):
    """Every patch listed in meson.build with the file its diff changes, and
    every row a patch; the errors as text."""
    with open(os.path.join(d, "meson.build"), encoding="utf-8") as f:
        rows = dict(re.findall(r"^\s*\['([\w-]+)', '([\w.]+)'\],", f.read(), re.M))
    errs = []
    names = set()
    for path in sorted(glob.glob(os.path.join(d, "*.patch"))):
        name = os.path.basename(path)[: -len(".patch")]
        names.add(name)
        with open(path, encoding="utf-8") as f:
            m = re.search(r"^--- a/engine/(?:ref|ndis)/([\w.]+)$", f.read(), re.M)
        if read_head(path)["Mutant"][0] != name:
            errs.append(f"{path}: Mutant: is not {name}")
        if name not in rows:
            errs.append(f"{path}: not listed in meson.build")
        elif not m or m.group(1) != rows[name]:
            errs.append(f"{path}: meson.build says it changes {rows[name]}, its diff "
                        f"{m.group(1) if m else 'names no engine/ref or engine/ndis file'}")
    errs += [f"meson.build: {n}: no {n}.patch" for n in rows if n not in names]
    return errs


def main(argv):
    check = "--check" in argv
    args = [a for a in argv[1:] if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    d = args[0]
    readme = os.path.join(d, "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"{readme}: no table markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + table(d) + END + tail
    if check:
        errs = registry_errors(d)
        for e in errs:
            print(e)
        if errs:
            return 1
        if new != text:
            print(f"{readme}: the detection table differs from the patches' heads; "
                  f"run engine/mutants/table.py engine/mutants")
            return 1
        print("mutant-table: README table matches the patches' heads")
        return 0
    with open(readme, "w", encoding="utf-8") as f:
        f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
