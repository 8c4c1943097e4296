#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hold ipoc's checks to what a mutant's patch says about them.

The head of engine/mutants/NAME.patch (before the diff) is a set of
`Key: value` lines, a value going on over indented lines:

  Mutant:         the name
  Fault:          what is wrong, in a vendor's words
  Where:          the file and function changed
  Validate:       VERDICT GLOB  (repeatable) - `ipoc validate` must give at
                  least one case whose id matches GLOB that verdict
                  (failed, crashed, hung or exited), with a reproducer
  Vectors:        `failed`, or `blind: why` - `ipoc vectors` over every
                  vector file with cases must fail it, or pass it
  Replay-expect:  `failed` or `blind: why` - `ipoc replay --expect` over
                  the capture corpus must fail it on some capture, or pass
                  every capture
  Replay-diff:    the same, for `ipoc replay` compared with the reference

Every run must end in an exit code (never a signal: the harness survives
the engine), and a blind check must pass: when a check starts to see a
fault, the patch's head is brought up to date, so the detection table
(README.md here) stays true.

usage: mutant_check.py --ipoc IPOC --engine SO --patch FILE
                       [--vectors FILE]... [--capture PCAP KEYS EXPECT]...
                       [--validate-only]

--validate-only (sanitizer builds): validate alone, and no timing case:
instrumented code times nothing worth judging, so a timing rule is held in
the plain build only.
"""
import argparse
import fnmatch
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402

VERDICTS = ("failed", "crashed", "hung", "exited")
# Per-call timeout for the mutants: a hang costs this much per fault.
TIMEOUT = "1"


def read_head(path):
    """The Key: value lines before the diff; values of repeated keys as a list."""
    head, key = {}, None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("--- "):
                break
            if not line.strip():
                key = None
                continue
            if line[0] in " \t":
                if key is None:
                    raise SystemExit(f"{path}:{n}: continuation line with no key")
                head[key][-1] += " " + line.strip()
                continue
            k, sep, v = line.partition(":")
            if not sep or not k.strip() or " " in k.strip():
                raise SystemExit(f"{path}:{n}: want 'Key: value', got {line.strip()!r}")
            key = k.strip()
            head.setdefault(key, []).append(v.strip())
    for k in ("Mutant", "Fault", "Where", "Validate", "Vectors", "Replay-expect",
              "Replay-diff"):
        if k not in head:
            raise SystemExit(f"{path}: no '{k}:' line in the head")
    for k in ("Vectors", "Replay-expect", "Replay-diff"):
        v = head[k][0]
        if v != "failed" and not v.startswith("blind:"):
            raise SystemExit(f"{path}: {k}: want 'failed' or 'blind: why', got {v!r}")
    rules = []
    for v in head["Validate"]:
        parts = v.split()
        if len(parts) != 2 or parts[0] not in VERDICTS:
            raise SystemExit(f"{path}: Validate: want 'VERDICT GLOB' (VERDICT one of "
                             f"{', '.join(VERDICTS)}), got {v!r}")
        rules.append((parts[0], parts[1]))
    head["rules"] = rules
    return head


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ipoc", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--patch", required=True)
    ap.add_argument("--vectors", action="append", default=[])
    ap.add_argument("--capture", nargs=3, action="append", default=[])
    ap.add_argument("--validate-only", action="store_true")
    a = ap.parse_args()

    head = read_head(a.patch)
    name = head["Mutant"][0]
    ck = Tally(f"mutant {name}")
    tmp = tempfile.mkdtemp(prefix=f"ipoc-mutant-{name}-")
    summary = []
    try:
        # validate: the default cases, and the opt-in timing area when the
        # head names a timing case
        rules = head["rules"]
        if a.validate_only:
            skipped = [g for _, g in rules if g.startswith("timing-")]
            rules = [r for r in rules if not r[1].startswith("timing-")]
            if skipped:
                summary.append(f"timing ({', '.join(skipped)}) judged in the plain build only")
        runs = [[]]
        if any(g.startswith("timing-") for _, g in rules):
            runs.append(["--area", "timing"])
        cases, codes = [], []
        for k, extra in enumerate(runs):
            js = os.path.join(tmp, f"validate{k}.json")
            # (The comparison with the reference on generated traffic is
            # suite diff's to hold to its signatures.)
            rc, out, err = run([a.ipoc, "validate", "--engine", a.engine, "--timeout", TIMEOUT,
                                "--json", js, "--repro-dir", os.path.join(tmp, "repro"),
                                "--quiet", "--no-diff"] + extra)
            codes.append(rc)
            ck(f"validate {' '.join(extra)} ends in 0 or 1", rc in (0, 1),
                     f"exit {rc}; {err[-600:]} {out[-600:]}")
            try:
                with open(js) as f:
                    cases += json.load(f)["cases"]
            except (OSError, ValueError, KeyError) as e:
                ck("validate wrote its JSON report", False, str(e))
        if rules:
            ck("validate fails the mutant (exit 1)", 1 in codes, f"exits {codes}")
        doc = {"cases": cases}
        bad = [c for c in doc["cases"] if c["verdict"] in VERDICTS]
        for verdict, glob in rules:
            hit = [c for c in bad if c["verdict"] == verdict and fnmatch.fnmatchcase(c["id"], glob)]
            ck(f"validate: a case {glob} {verdict}", hit,
                     "got: " + "; ".join(f"{c['id']} {c['verdict']}: {c['why'][:160]}"
                                         for c in bad[:8]) or "every case passed")
            if not hit:
                continue
            c = hit[0]
            ck(f"validate: a reproducer for {c['id']}",
                     c["reproducer"] and os.path.isfile(c["reproducer"]), c["reproducer"])
            if c["reproducer"]:
                rc2, out2, err2 = run([a.ipoc, "repro", c["reproducer"], "--timeout", TIMEOUT])
                want = 0 if verdict == "failed" else 1
                ck(f"repro {c['id']}: exit {want} (requests replayed"
                         f"{'' if want == 0 else ', the same fault'})", rc2 == want,
                         f"exit {rc2}; {out2[-400:]} {err2[-300:]}")
        areas = sorted({c["group"] for c in bad})
        summary.append(f"validate {len(bad)} not passed ({', '.join(areas)}; "
                       f"first {bad[0]['id'] if bad else '-'})")

        if not a.validate_only:
            # vectors
            want = head["Vectors"][0]
            if a.vectors:
                rc, out, err = run([a.ipoc, "vectors", "--engine", a.engine, "--shapes", "2",
                                    "--timeout", TIMEOUT] + a.vectors)
                ok = rc == 1 if want == "failed" else rc == 0
                ck(f"vectors: {want}", ok, f"exit {rc}; " + "\n".join(
                    l for l in out.splitlines() if "FAIL" in l or "crashed" in l)[:800]
                    + err[-300:])
                summary.append(f"vectors {'failed' if rc == 1 else 'passed' if rc == 0 else rc}")
            # replay, with expectations and compared with the reference
            for key, extra in (("Replay-expect", True), ("Replay-diff", False)):
                want = head[key][0]
                n_fail, odd = 0, []
                for pcap, keys, expect in a.capture:
                    cmd = [a.ipoc, "replay", pcap, "--keys", keys, "--engine", a.engine,
                           "--timeout", TIMEOUT, "--quiet"]
                    if extra:
                        cmd += ["--expect", expect]
                    rc, out, err = run(cmd)
                    if rc == 1:
                        n_fail += 1
                    elif rc != 0:
                        odd.append(f"{os.path.basename(pcap)}: exit {rc} {err[-200:]}")
                ck(f"{key}: every run ends in 0 or 1", not odd, "; ".join(odd))
                if a.capture:
                    ok = n_fail > 0 if want == "failed" else n_fail == 0
                    ck(f"{key}: {want}", ok,
                             f"{n_fail} of {len(a.capture)} captures failed")
                    summary.append(f"{key.lower()} {n_fail}/{len(a.capture)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"mutant {name}: " + ", ".join(summary))
    print(f"mutant {name}: {ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed or not ck.passed else 0


if __name__ == "__main__":
    sys.exit(main())
