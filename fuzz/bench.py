#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make fuzz-bench: the speed and reach of every fuzz target (a benchmark, not a test).

usage: fuzz/bench.py [--time S] [--rate-window S] [--parallel N] [--json FILE]
                     [TARGET ...]

For each target (default: every row of fuzz_targets), one libFuzzer
campaign of S seconds (default 600) on one core, from the seed corpus,
with the target's dictionary and options, in the build `ipoc fuzz` uses
(build-fuzz-libfuzzer: clang, -fsanitize=fuzzer,address,undefined, the
reference engine instrumented too). Reported per target:

  exec/s  executions per second over the first --rate-window seconds
          (default 60), from the seed corpus: the speed the issue sets
          goals for (engine targets >= 20,000/s, parsers >= 50,000/s);
  mean    executions per second over the whole campaign;
  edges   libFuzzer's `cov:` (edges covered, the engine's included) at the
          end, and `ft:` (features);
  corpus  inputs in the corpus at the end.

Then reach: every target's final corpus runs once more with
-print_coverage=1, and the engine functions (files under engine/) one
target covers are compared with another's: rx_sealed against rx_classify
(what sealing reaches that byte fuzzing of the wire does not), and each
send target against the other.

N campaigns run side by side (default: 2, one per core; each pinned to its
own core with taskset when it is there). Results: a table on stdout, and
with --json a file a CI keeps.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402  (the builds and options of ipoc fuzz)

ROOT = campaign.ROOT
GOALS = {"parse_": 50000}
ENGINE_GOAL = 20000
# Pairs whose engine reach is compared: (target, against).
REACH = [("rx_sealed", "rx_classify"), ("tx_pad_length", "tx_header_offsets"),
         ("tx_header_offsets", "tx_pad_length")]
STATUS = re.compile(r"#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)")


def goal(target):
    for prefix, g in GOALS.items():
        if target.startswith(prefix):
            return g
    return ENGINE_GOAL


def run_one(target, exe, seconds, window, core, work):
    """One campaign; returns its figures."""
    corpus = os.path.join(work, target)
    os.makedirs(corpus, exist_ok=True)
    opts = campaign.read_options(target)
    seeds = [d for d in (os.path.join(ROOT, "fuzz", "corpus", target),
                         os.path.join(ROOT, "fuzz", "regress", target))
             if campaign.files_in(d)]
    argv = [exe, f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=10",
            "-rss_limit_mb=2560", f"-artifact_prefix={work}/{target}-"]
    argv += campaign.libfuzzer_flags({k: v for k, v in opts.items() if k != "timeout"})
    argv += [corpus] + seeds
    if core is not None and shutil.which("taskset"):
        argv = ["taskset", "-c", str(core)] + argv
    env = dict(os.environ, **campaign.SAN_ENV)
    env.pop("IPOC_FUZZ_ENGINE", None)
    fig = {"target": target, "seconds": seconds, "window": window, "execs": 0, "cov": 0,
           "ft": 0, "corpus": 0, "window_execs": None, "crashed": False, "final": {}}
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         errors="replace", env=env)
    with open(os.path.join(work, f"{target}.log"), "w") as log:
        for line in p.stderr:
            log.write(line)
            m = STATUS.match(line)
            if m:
                fig.update(execs=int(m.group(1)), cov=int(m.group(2)), ft=int(m.group(3)),
                           corpus=int(m.group(4)))
                if fig["window_execs"] is None and time.monotonic() - t0 >= window:
                    fig["window_execs"] = fig["execs"]
                    fig["window_s"] = time.monotonic() - t0
            m = re.match(r"stat::(\w+):\s+(\d+)", line)
            if m:
                fig["final"][m.group(1)] = int(m.group(2))
            if "ERROR: libFuzzer" in line or line.startswith("ipoc-fuzz: "):
                fig["crashed"] = True
    p.wait()
    el = time.monotonic() - t0
    execs = fig["final"].get("number_of_executed_units", fig["execs"])
    fig["mean"] = int(execs / max(el, 1e-9))
    if fig["window_execs"] is None:            # a run shorter than the window
        fig["window_execs"], fig["window_s"] = execs, el
    fig["rate"] = int(fig["window_execs"] / max(fig["window_s"], 1e-9))
    fig["corpus_dir"] = corpus
    fig["exit"] = p.returncode
    return fig


def covered_engine_functions(exe, corpus):
    """{function: (covered edges, edges, {uncovered source lines})} of the
    functions in files under engine/ that the corpus covers."""
    p = subprocess.run([exe, "-runs=0", "-print_coverage=1", corpus], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace",
                       env=dict(os.environ, **campaign.REPRO_ENV))
    funcs, cur = {}, None
    for line in p.stdout.splitlines():
        m = re.match(r"COVERED_FUNC: hits: \d+ edges: (\d+)/(\d+) (\S+) (\S+):\d+", line)
        if m:
            cur = None
            if "/engine/" in os.path.normpath(m.group(4)):
                cur = m.group(3)
                funcs[cur] = (int(m.group(1)), int(m.group(2)), set())
            continue
        m = re.match(r"\s+UNCOVERED_PC: (\S+):(\d+)", line)
        if m and cur and m.group(2) != "0":      # line 0: code the compiler made
            funcs[cur][2].add(f"{os.path.basename(m.group(1))}:{m.group(2)}")
    return funcs


def reach(fa, fb):
    """What a reaches that b does not: functions, then source lines of the
    functions both cover (a line b leaves uncovered and a does not)."""
    only = sorted(set(fa) - set(fb))
    lines = {}
    for f in sorted(set(fa) & set(fb)):
        more = sorted(fb[f][2] - fa[f][2], key=lambda x: (x.split(":")[0], int(x.split(":")[1])))
        if more:
            lines[f] = more
    return only, lines


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="*")
    ap.add_argument("--time", type=int, default=600, metavar="S")
    ap.add_argument("--rate-window", type=int, default=60, metavar="S")
    ap.add_argument("--parallel", type=int, default=2, metavar="N")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--keep", metavar="DIR", help="keep the campaigns' corpora in DIR")
    args = ap.parse_args(argv)
    try:
        known = campaign.fuzz_targets("libfuzzer")
        targets = args.targets or sorted(known)
        bad = [t for t in targets if t not in known]
        if bad:
            print(f"fuzz-bench: no target {', '.join(bad)} (targets: {', '.join(sorted(known))})",
                  file=sys.stderr)
            return 2
        exes = campaign.build("libfuzzer", targets)
    except campaign.Failure as e:
        print(f"fuzz-bench: {e}", file=sys.stderr)
        return 1
    work = args.keep or tempfile.mkdtemp(prefix="ipoc-fuzz-bench-")
    os.makedirs(work, exist_ok=True)
    results, lock = {}, threading.Lock()
    queue = list(targets)
    ncores = os.cpu_count() or 1
    t_start = time.monotonic()

    def worker(slot):
        while True:
            with lock:
                if not queue:
                    return
                t = queue.pop(0)
            print(f"fuzz-bench: {t}: {args.time} s on core {slot % ncores}", flush=True)
            fig = run_one(t, exes[t], args.time, args.rate_window, slot % ncores, work)
            with lock:
                results[t] = fig
                print(f"fuzz-bench: {t}: {fig['rate']:,} exec/s (first {args.rate_window} s), "
                      f"{fig['mean']:,} mean, cov {fig['cov']} ft {fig['ft']}, corpus "
                      f"{fig['corpus']}{', CRASHED' if fig['crashed'] else ''} "
                      f"[{int(time.monotonic() - t_start)} s]", flush=True)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(max(1, args.parallel))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    reached = []
    for a, b in REACH:
        if a in results and b in results:
            fa = covered_engine_functions(exes[a], results[a]["corpus_dir"])
            fb = covered_engine_functions(exes[b], results[b]["corpus_dir"])
            only, lines = reach(fa, fb)
            reached.append({"target": a, "against": b, "engine_functions": len(fa),
                            "against_engine_functions": len(fb), "only": only,
                            "engine_edges": sum(v[0] for v in fa.values()),
                            "against_engine_edges": sum(v[0] for v in fb.values()),
                            "lines": lines})

    print()
    print(f"| target | exec/s (first {args.rate_window} s) | goal | mean exec/s | edges (cov) "
          f"| ft | corpus | crashed |")
    print("|---|---|---|---|---|---|---|---|")
    for t in targets:
        f = results[t]
        print(f"| {t} | {f['rate']:,} | {goal(t):,} {'met' if f['rate'] >= goal(t) else 'MISSED'} "
              f"| {f['mean']:,} | {f['cov']} | {f['ft']} | {f['corpus']} "
              f"| {'yes' if f['crashed'] else 'no'} |")
    for r in reached:
        print(f"\n{r['target']} covers {r['engine_functions']} engine functions "
              f"({r['engine_edges']} edges), {r['against']} {r['against_engine_functions']} "
              f"({r['against_engine_edges']} edges); functions only {r['target']} reaches: "
              + (", ".join(r["only"]) or "none"))
        for fn, ls in r["lines"].items():
            print(f"  {fn}: {len(ls)} line(s) only {r['target']} reaches: {' '.join(ls)}")
    if args.json:
        with open(args.json, "w") as fj:
            json.dump({"time": args.time, "rate_window": args.rate_window,
                       "targets": [{k: v for k, v in results[t].items() if k != "corpus_dir"}
                                   for t in targets], "reach": reached}, fj, indent=2)
    crashed = [t for t in targets if results[t]["crashed"]]
    if crashed:
        print(f"\nfuzz-bench: {', '.join(crashed)} crashed: the logs and crash files are in {work}")
    elif not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
