#!/usr/bin/python3
"""Suite `dpdk`: DPDK's lib/ipsec, through libipoc_dpdk.so, fails and
differs exactly where FINDINGS.md says, and nowhere else.

usage: dpdk_suite.py validate|diff --ipoc PATH --engine PATH --device NAME
                     --expected FILE [--count N] [--jobs N]
       dpdk_suite.py absent --why TEXT

validate: `ipoc validate --engine ENGINE --no-diff --json`, with
IPOC_DPDK_DEVICE=NAME; every failed case (crashed, hung and exited count as
failed) must match a `case` line of FILE for the device, every such line
must match a failed case, and some case must have passed.

diff: `ipoc diff --engine ENGINE --count N --json` (the suite's verdicts
and generated traffic against the reference engine); every divergence
signature must match a `diff` line of FILE for the device, whose
algorithms= globs (when given) cover every algorithm the signature shows
with; every such line must match a signature; some items must have been
compared.

absent: the engine was not built; prints why and exits 77 (skipped).

Exit 0 when all holds, 1 when not (each reason printed), 2 on bad input.
"""
import argparse
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

BAD = ("failed", "crashed", "hung", "exited")


class Line:
    def __init__(self, path, no, device, kind, pattern, finding, algs):
        self.where = f"{path}:{no}"
        self.device, self.kind, self.pattern = device, kind, pattern
        self.finding, self.algs = finding, algs
        self.hits = 0


def read_expected(path, device):
    """The lines of FILE for the device."""
    out = []
    try:
        text = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        sys.exit(f"dpdk_suite: {path}: {e.strerror}")
    for no, raw in enumerate(text, 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        try:
            f = shlex.split(s)
        except ValueError as e:
            print(f"{path}:{no}: {e}", file=sys.stderr)
            sys.exit(2)
        if len(f) < 4 or f[1] not in ("case", "diff"):
            print(f"{path}:{no}: want DEVICE case|diff PATTERN FINDING [algorithms=...]",
                  file=sys.stderr)
            sys.exit(2)
        algs = None
        for extra in f[4:]:
            if not extra.startswith("algorithms="):
                print(f"{path}:{no}: unknown field {extra!r}", file=sys.stderr)
                sys.exit(2)
            algs = extra[len("algorithms="):].split(",")
        if f[0] in ("*", device):
            out.append(Line(path, no, f[0], f[1], f[2], f[3], algs))
    return out


def run_json(cmd, device):
    env = dict(os.environ, IPOC_DPDK_DEVICE=device)
    with tempfile.TemporaryDirectory(prefix="ipoc-dpdk-") as tmp:
        out = os.path.join(tmp, "run.json")
        p = subprocess.run(cmd + ["--json", out], env=env, capture_output=True, text=True,
                           check=False)
        if p.returncode not in (0, 1) or not os.path.exists(out):
            print(f"dpdk_suite: {' '.join(cmd)} exited {p.returncode}:\n"
                  f"{(p.stderr or p.stdout)[-2000:]}", file=sys.stderr)
            sys.exit(1)
        with open(out, encoding="utf-8") as f:
            return json.load(f), p.stdout


def algorithms_of(why):
    """The algorithms a diff signature shows with ('with a (1), b (2); ...')."""
    m = re.match(r"\d+ times?; with (.*?)(?:;|$)", why or "")
    return [a.split(" (")[0].strip() for a in m.group(1).split(",")] if m else []


def check(items, lines, what):
    """items: (name, algorithms); every item explained, every line used."""
    bad = 0
    for name, algs in items:
        ok = False
        for ln in lines:
            if not fnmatch.fnmatchcase(name, ln.pattern):
                continue
            if ln.algs is not None and not all(
                    any(fnmatch.fnmatchcase(a, g) for g in ln.algs) for a in algs):
                continue
            ln.hits += 1
            ok = True
            break
        if not ok:
            print(f"UNEXPECTED {what}: {name}" + (f" (with {', '.join(algs)})" if algs else ""))
            bad += 1
    for ln in lines:
        if ln.hits == 0:
            print(f"STALE {ln.where}: {ln.kind} {ln.pattern!r} ({ln.finding}) matched nothing")
            bad += 1
        else:
            print(f"expected {ln.finding}: {ln.kind} {ln.pattern!r}: {ln.hits}")
    return bad


def do_validate(a, lines):
    doc, _ = run_json([a.ipoc, "validate", "--engine", a.engine, "--no-diff", "--no-repro",
                       "--quiet", "--jobs", str(a.jobs)], a.device)
    s = doc["summary"]
    print(f"validate on {a.device}: {s}")
    failed = [(c["id"], []) for c in doc["cases"] if c["verdict"] in BAD]
    bad = check(failed, [ln for ln in lines if ln.kind == "case"], "failure")
    if s.get("passed", 0) == 0:
        print("no case passed: a run that judged nothing is not a pass")
        bad += 1
    return bad


def do_diff(a, lines):
    doc, out = run_json([a.ipoc, "diff", "--engine", a.engine, "--count", str(a.count),
                         "--quiet", "--jobs", str(a.jobs)], a.device)
    for ln in out.splitlines():
        if ln.startswith(("suite:", "traffic:")):
            print(ln)
    if not re.search(r"traffic: seed \d+, \d+ items, [1-9]\d* compared", out):
        print("no generated item was compared")
        return 1
    sigs = []
    for c in doc["cases"]:
        if c["verdict"] not in BAD:
            continue
        name = c["id"].split(": ", 1)[1] if ": " in c["id"] else c["id"]
        sigs.append((name, algorithms_of(c.get("why"))))
    return check(sigs, [ln for ln in lines if ln.kind == "diff"], "divergence")


def main():
    if len(sys.argv) == 4 and sys.argv[1:3] == ["absent", "--why"]:
        print(f"suite dpdk skipped: {sys.argv[3]}")
        sys.exit(77)
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("validate", "diff"))
    ap.add_argument("--ipoc", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--device", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    lines = read_expected(a.expected, a.device)
    bad = do_validate(a, lines) if a.mode == "validate" else do_diff(a, lines)
    print(f"dpdk {a.mode} {a.device}: {'ok' if not bad else f'{bad} problem(s)'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
