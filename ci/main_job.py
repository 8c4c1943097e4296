#!/usr/bin/python3
"""The main job (`make run`): on the bundled reference engine, run the
conformance suite (`ipoc validate`, in the engine host process as a vendor's
engine runs), every known-answer vector file, and replay the whole capture
corpus, then print a summary (cases per area, frames per outcome, per
algorithm) and where the reports are.

usage: ci/main_job.py BUILD_DIR [--engine PATH]

--engine: the engine to judge instead of the bundled reference (`make run
ENGINE=./libvendor.so`); it runs in the engine host process.

Reports, in BUILD_DIR/reports/: for validate, vectors and replay (the
captures merged into one), the run as text (TOOL.txt; replay-NAME.txt per
capture), JSON (TOOL.json), JUnit XML (TOOL.xml) and a self-contained HTML
page (TOOL.html); reproducers of cases that did not pass in repro/.
Exits 1 when a vector or a frame did not match, 2 when the job itself could
not run (missing build, unreadable corpus).
"""
import collections
import glob
import os
import re
import subprocess
import sys

SUMMARY_RE = re.compile(r"^  (\S.*?)\s{2,}(\d+)$")


def run(cmd, report):
    """Run cmd, write its output to report, return (exit code, output)."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    with open(report, "w", encoding="utf-8") as f:
        f.write(proc.stdout)
    return proc.returncode, proc.stdout


def corpus(root):
    """(name, capture, keys, expect) for every expectations file."""
    for exp in sorted(glob.glob(os.path.join(root, "pcaps", "corpus", "*.expect"))):
        base = exp[: -len(".expect")]
        caps = [base + e for e in (".pcap", ".pcapng") if os.path.exists(base + e)]
        keys = [base + e for e in (".esp_sa", ".xfrm") if os.path.exists(base + e)]
        if len(caps) != 1 or len(keys) != 1:
            sys.exit(f"main job: {exp}: want one capture and one key file beside it")
        yield os.path.basename(base), caps[0], keys[0], exp


def formats(reports, tool):
    """--json, --junit and --html into reports/TOOL.*"""
    return ["--json", os.path.join(reports, tool + ".json"),
            "--junit", os.path.join(reports, tool + ".xml"),
            "--html", os.path.join(reports, tool + ".html")]


def validate(ipoc, engine, reports):
    code, out = run([ipoc, "validate", "--engine", engine, "--host-process", "--quiet",
                     "--repro-dir", os.path.join(reports, "repro")] + formats(reports, "validate"),
                    os.path.join(reports, "validate.txt"))
    lines = out.splitlines()
    last = [l for l in lines if l.startswith("validate: ")]
    print(f"conformance suite (ipoc validate, engine host process): "
          f"{last[-1][10:] if last else out.strip()[-300:]}")
    for l in lines:
        if re.match(r"^  \S+ +\d+ passed", l) or re.match(r"^(FAIL|crashed|hung|exited) ", l):
            print("  " + l.strip())
    return code


def vectors(ipoc, engine, root, reports):
    files = sorted(glob.glob(os.path.join(root, "vectors", "*.vec")))
    code, out = run([ipoc, "vectors", "--engine", engine] + formats(reports, "vectors") + files,
                    os.path.join(reports, "vectors.txt"))
    last = [l for l in out.splitlines() if l.startswith("vectors: ")]
    print(f"known-answer vectors: {len(files)} files, {last[-1][9:] if last else out.strip()}")
    return code


def replays(ipoc, engine, root, reports):
    outcomes, algs = collections.Counter(), collections.Counter()
    frames = bad = 0
    failed, parts = [], []
    for name, cap, keys, exp in corpus(root):
        part = os.path.join(reports, f"replay-{name}.json")
        code, out = run([ipoc, "replay", cap, "--keys", keys, "--expect", exp, "--engine",
                         engine, "--reencrypt", "--quiet", "--json", part],
                        os.path.join(reports, f"replay-{name}.txt"))
        if os.path.exists(part):
            parts.append(part)
        for line in out.splitlines():
            m = SUMMARY_RE.match(line)
            if m:
                (outcomes if m.group(1).startswith("CRYPTO_") else algs)[m.group(1)] += \
                    int(m.group(2))
            m = re.match(r"^frames (\d+): .*, (\d+) without IPsec processing", line)
            if m:
                frames += int(m.group(1))
                outcomes["pass (no IPsec processing)"] += int(m.group(2))
            m = re.match(r"^replay: (\d+) passed, (\d+) failed$", line)
            if m:
                bad += int(m.group(2))
        if code != 0:
            failed.append(name)
    print(f"capture corpus: {len(list(corpus(root)))} captures, {frames} frames, "
          f"{bad} frames differ from their expectations")
    print("  frames per outcome:")
    for k, v in sorted(outcomes.items()):
        print(f"    {k:<40} {v}")
    print("  CryptoDone frames per algorithm:")
    for k, v in sorted(algs.items()):
        print(f"    {k:<40} {v}")
    for name in failed:
        print(f"  FAILED: {name} (see replay-{name}.txt)")
    # One report of every capture, as CI and a customer read it.
    code, out = run([ipoc, "report", "merge"] + parts + formats(reports, "replay"),
                    os.path.join(reports, "replay-merged.txt"))
    if code not in (0, 1):
        print(f"  the replay reports could not be merged: {out.strip()[-300:]}")
        return 1
    for p in parts:
        os.remove(p)
    return 1 if failed else 0


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--engine"):
        sys.exit(__doc__)
    build = argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ipoc = os.path.join(build, "harness", "ipoc")
    engine = os.path.join(build, "engine", "ref", "libipoc_ref.so")
    if len(argv) == 4:
        engine = argv[3]
    if not os.path.exists(ipoc):
        print(f"main job: {ipoc} missing: build first", file=sys.stderr)
        return 2
    if not os.path.exists(engine):
        print(f"main job: engine {engine}: no such file", file=sys.stderr)
        return 2
    reports = os.path.join(build, "reports")
    os.makedirs(reports, exist_ok=True)
    subprocess.run([ipoc, "info", "--engine", engine], check=False)
    print()
    rc = validate(ipoc, engine, reports)
    print()
    rc |= vectors(ipoc, engine, root, reports)
    rc |= replays(ipoc, engine, root, reports)
    print(f"reports: {os.path.abspath(reports)}/ (validate, vectors, replay: .txt, .json, "
          f".xml JUnit, .html)")
    print("main job: " + ("every case, vector and frame as expected" if rc == 0 else "FAILURES"))
    return 1 if rc else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
