#!/usr/bin/python3
"""The speed figures of both bundled engines in one run, as Markdown.

usage: harness/bench/speed_report.py [--ipoc PATH] [--engines E,...]
                                     [--algorithms A,...] [--sizes N,...]
                                     [--seconds S] [--frames N] [--pairs K]
                                     [--no-replay] [--out FILE]

One run, one after the other on this machine:

1. for each engine (default: ref and ref-mb, the engines built), `ipoc bench
   --engine E --algorithms A --sizes N --direction both --json`: the engine
   beside raw EVP and raw intel-ipsec-mb, with the ratios and the target
   verdicts bench gives (default: AES-128-GCM and AES-128-CBC+HMAC-SHA1-96
   at 64, 512, 1500 and 9000 bytes);
2. for each engine, pcaps/replay_speed.py --engine E: replay frames/s of a
   single-SA capture, its ratio to the engine's receive rate and to tshark,
   and --jobs 1 against --jobs 2 (its own printed lines, unchanged);
3. `ipoc validate --engine E` on each engine and `ipoc diff` of the first two
   engines on the suite plus --diff-count generated items (default 100,000),
   each whole process with --jobs 1 and --jobs 2, the median of --pairs
   rounds.

The load average is printed before and after: figures taken on a busy
machine say so. A benchmark, not a test: nothing here fails on a figure.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# alg-lint: begin vectors (the two workloads issue 10 asks figures for)
DEFAULT_ALGS = "aes-gcm-128,aes-cbc-128+hmac-sha1-96"
# alg-lint: end vectors


def loadavg():
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def bench(ipoc, engine, algs, sizes, seconds):
    cmd = [ipoc, "bench", "--engine", engine, "--algorithms", algs, "--sizes", sizes,
           "--direction", "both", "--seconds", str(seconds), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0 and not p.stdout.strip():
        sys.exit(f"speed_report: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return json.loads(p.stdout)


def mpps(v):
    return "-" if v is None else f"{v / 1e6:.2f}"


def ratio(v):
    return "-" if v is None else f"{v:.2f}"


def bench_table(doc):
    eng = doc["engine"]
    raw = doc["raw"]
    mb = raw.get("ipsec_mb") or {}
    out = [f"### `{eng['name']}` {eng['version']}", "",
           f"CPU {doc['machine'].get('cpu_model', '?')}; raw EVP {raw['evp']['version']}; "
           f"raw ipsec-mb {mb.get('version', 'absent')} ({mb.get('arch', '-')}); "
           f"targets held to raw {doc['target_raw']['library']}; {doc['seconds']} s per side, "
           f"chains of {doc['batch']}, {doc['rounds']} paired rounds.", "",
           "| algorithm | size | dir | engine Mpps | EVP Mpps | ipsec-mb Mpps "
           "| x EVP | x mb | x best | target |",
           "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in doc["rows"]:
        if r.get("status") != "ok":
            out.append(f"| {r['algorithm']} | {r['size']} | {r['direction']} | "
                       f"{r.get('status')}: {r.get('error')} | | | | | | |")
            continue
        t = r.get("target")
        verdict = r.get("verdict") or "-"
        if t:
            verdict = f"{verdict} (>= {t['min_ratio']:.2f}x {t['raw']})"
        out.append(f"| {r['algorithm']} | {r['size']} | {r['direction']} | "
                   f"{mpps(r.get('engine_pps'))} | {mpps(r.get('evp_pps'))} | "
                   f"{mpps(r.get('mb_pps'))} | {ratio(r.get('ratio_evp'))} | "
                   f"{ratio(r.get('ratio_mb'))} | {ratio(r.get('ratio_fastest'))} | {verdict} |")
    return "\n".join(out) + "\n"


def built_engines(ipoc):
    """The short names of the bundled engines this build has."""
    have = []
    for name in ("ref", "ref-mb"):
        p = subprocess.run([ipoc, "info", "--engine", name], capture_output=True, text=True,
                           check=False)
        if p.returncode == 0:
            have.append(name)
        else:
            print(f"speed_report: engine {name} left out: {p.stderr.strip()}", file=sys.stderr)
    return have


def timed(cmd):
    """Wall seconds of one whole run of cmd; it must run to its verdict (exit
    0, or 1: the engine failed or the engines diverged somewhere)."""
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    t = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"speed_report: {' '.join(cmd)} exited {p.returncode}: "
                 f"{(p.stderr or p.stdout).strip()[-400:]}")
    return t


def jobs_table(ipoc, engines, diff_count, rounds):
    rows = [(f"validate --engine {e}", [ipoc, "validate", "--engine", e, "--quiet"])
            for e in engines]
    if len(engines) >= 2:
        rows.append((f"diff --engine {engines[0]} --engine {engines[1]} --count {diff_count}",
                     [ipoc, "diff", "--engine", engines[0], "--engine", engines[1],
                      "--count", str(diff_count), "--quiet"]))
    out = ["| run | --jobs 1 s | --jobs 2 s | speed-up |", "|---|---:|---:|---:|"]
    for name, cmd in rows:
        t1, t2 = [], []
        for _ in range(rounds):     # paired, one after the other
            t1.append(timed(cmd + ["--jobs", "1"]))
            t2.append(timed(cmd + ["--jobs", "2"]))
        m1, m2 = statistics.median(t1), statistics.median(t2)
        out.append(f"| `{name}` | {m1:.2f} | {m2:.2f} | {m1 / m2:.2f}x |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ipoc", default=os.path.join(ROOT, "build", "harness", "ipoc"))
    ap.add_argument("--engines", help="comma-separated (default: ref,ref-mb as built)")
    ap.add_argument("--algorithms", default=DEFAULT_ALGS)
    ap.add_argument("--sizes", default="64,512,1500,9000")
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--frames", type=int, default=100000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--diff-count", type=int, default=100000)
    ap.add_argument("--no-replay", action="store_true")
    ap.add_argument("--out", help="also write the report to this file")
    a = ap.parse_args()

    if not os.access(a.ipoc, os.X_OK):
        sys.exit(f"speed_report: {a.ipoc}: not an executable (build first: make build)")
    engines = a.engines.split(",") if a.engines else built_engines(a.ipoc)
    if not engines:
        sys.exit("speed_report: no engine to measure")
    parts = [f"# ipoc speed report, {datetime.datetime.now().isoformat(timespec='seconds')}",
             "", f"{os.cpu_count()} cores; load average at the start: {loadavg()}.", "",
             "## ipoc bench", ""]
    for e in engines:
        print(f"speed_report: bench {e} ...", file=sys.stderr)
        parts.append(bench_table(bench(a.ipoc, e, a.algorithms, a.sizes, a.seconds)))
    if not a.no_replay:
        parts += ["## replay", ""]
        for e in engines:
            print(f"speed_report: replay {e} ...", file=sys.stderr)
            cmd = ["/usr/bin/python3", os.path.join(ROOT, "pcaps", "replay_speed.py"),
                   "--ipoc", a.ipoc, "--engine", e, "--frames", str(a.frames),
                   "--pairs", str(a.pairs), "--algorithms", a.algorithms]
            p = subprocess.run(cmd, capture_output=True, text=True, check=False)
            parts += [f"### replay on `{e}`", "", "```", p.stdout.rstrip()]
            if p.returncode != 0:
                parts.append(f"(exit {p.returncode}: {p.stderr.strip()})")
            parts += ["```", ""]
    print("speed_report: validate and diff, --jobs 1 and 2 ...", file=sys.stderr)
    parts += ["## validate and diff, --jobs 1 and 2", "",
              f"Whole process, median of {a.pairs} paired rounds.", "",
              jobs_table(a.ipoc, engines, a.diff_count, a.pairs)]
    parts.append(f"Load average at the end: {loadavg()}.")
    text = "\n".join(parts) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
