#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`ipoc replay --jobs N` gives what `--jobs 1` gives, byte for byte.

  test_replay_jobs.py IPOC REF_ENGINE PCAPS_DIR

For every capture of the corpus (the [capture, keys, expectations] list of
pcaps/meson.build), with the chunk of frames a job takes set to 64
(IPOC_REPLAY_CHUNK) so that a capture of a few hundred frames is shared out
among the jobs, each run with --jobs 1, 2 and 3:

- judged by its expectations, --reencrypt, --verbose;
- the own-keys rule (no --expect): the frames that do not decrypt fail,
  with --write-failures;
- and on a few captures: differential (--engine, the reference against
  itself), --allow-failures, the engine in the engine host process;

each with --json, --junit and --html. The exit code, stdout (but the line
of seconds and frames/s), the three reports (but their times) and the
failures pcapng with its two key files must be the same for every number
of jobs. The last line is `replay-jobs: N passed, M failed`.
"""
import os
import re
import subprocess
import sys
import tempfile

IPOC, REF, PCAPS = sys.argv[1], sys.argv[2], sys.argv[3]
ENV = dict(os.environ, IPOC_REPLAY_CHUNK="64")

passed = failed = 0


def check(name, cond, why=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}: {why}")
    return cond


def corpus():
    text = open(os.path.join(PCAPS, "meson.build"), encoding="utf-8").read()
    return [tuple(os.path.join(PCAPS, x) for x in m)
            for m in re.findall(r"\['(corpus/[^']+)', '(corpus/[^']+)', '(corpus/[^']+)'\]", text)]


TIMES = [(re.compile(rb"^\d+\.\d+ s, \d+ frames/s$", re.M), b"SECONDS"),
         (re.compile(rb'"seconds": [0-9.eE+-]+'), b'"seconds": T'),
         (re.compile(rb'time="[^"]*"'), b'time="T"'),
         (re.compile(rb'timestamp="[^"]*"'), b'timestamp="T"'),
         (re.compile(rb"\d+(\.\d+)? s\b"), b"T s")]


def normal(data):
    for rx, to in TIMES:
        data = rx.sub(to, data)
    return data


def run(workdir, jobs, args):
    """exit code and {name: bytes} of what one run wrote (in its own folder,
    under the same names, so that the reports name the same files)."""
    os.makedirs(workdir)
    p = subprocess.run([IPOC, "replay", *args, "--jobs", str(jobs), "--quiet",
                        "--json", "r.json", "--junit", "r.xml", "--html", "r.html"],
                       cwd=workdir, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    out = {"stdout": normal(p.stdout), "stderr": p.stderr}
    for f in sorted(os.listdir(workdir)):
        data = open(os.path.join(workdir, f), "rb").read()
        out[f] = normal(data) if f.startswith("r.") else data
    return p.returncode, out


def same_for_all_jobs(tmp, name, args, expect_rc=None, expect_fail=False):
    base = None
    for jobs in (1, 2, 3):
        rc, out = run(os.path.join(tmp, f"{name}-j{jobs}"), jobs, args)
        if base is None:
            base = (rc, out)
            ok = expect_rc is None or rc == expect_rc
            check(f"{name}: --jobs 1 exits {expect_rc}", ok,
                  f"exit {rc}: {out['stderr'][-300:]!r}")
            if expect_fail:
                check(f"{name}: --jobs 1 has failing frames",
                      re.search(rb"MISMATCH", out["stdout"]) and "f.pcapng" in out,
                      f"no failing frame: {out['stdout'][-300:]!r}")
            continue
        check(f"{name}: --jobs {jobs} exits as --jobs 1", rc == base[0], f"{rc} vs {base[0]}")
        check(f"{name}: --jobs {jobs} writes the same files",
              sorted(out) == sorted(base[1]), f"{sorted(out)} vs {sorted(base[1])}")
        for f in sorted(base[1]):
            if f == "stderr" or f not in out:
                continue
            a, b = base[1][f], out[f]
            if a != b:
                at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                          min(len(a), len(b)))
                check(f"{name}: --jobs {jobs}: {f} as with --jobs 1", False,
                      f"differs at byte {at}: {a[max(0, at - 80):at + 80]!r} vs "
                      f"{b[max(0, at - 80):at + 80]!r}")
            else:
                check(f"{name}: --jobs {jobs}: {f} as with --jobs 1", True)


def main():
    triples = corpus()
    check("the corpus list is read", len(triples) >= 20, f"{len(triples)} captures")
    with tempfile.TemporaryDirectory(prefix="ipoc-replay-jobs-") as tmp:
        for cap, keys, exp in triples:
            name = os.path.basename(cap).split(".")[0]
            same_for_all_jobs(tmp, name + "-expect",
                              [cap, "--keys", keys, "--expect", exp, "--reencrypt", "--verbose"],
                              expect_rc=0)
            # The own-keys rule fails every frame of an offloaded SA that does
            # not decrypt (the corpus has corrupted ones in most captures).
            same_for_all_jobs(tmp, name + "-ownkeys",
                              [cap, "--keys", keys, "--write-failures", "f.pcapng"])
        cap, keys, exp = triples[2]
        name = os.path.basename(cap).split(".")[0]
        same_for_all_jobs(tmp, name + "-ownkeys-failing",
                          [cap, "--keys", keys, "--write-failures", "f.pcapng", "--verbose"],
                          expect_rc=1, expect_fail=True)
        same_for_all_jobs(tmp, name + "-differential",
                          [cap, "--keys", keys, "--engine", REF, "--write-failures", "f.pcapng"],
                          expect_rc=0)
        same_for_all_jobs(tmp, name + "-allow-failures",
                          [cap, "--keys", keys, "--allow-failures", "--write-failures",
                           "f.pcapng"], expect_rc=0)
        same_for_all_jobs(tmp, name + "-host-process",
                          [cap, "--keys", keys, "--host-process", "--write-failures",
                           "f.pcapng", "--verbose"], expect_rc=1)
    print(f"replay-jobs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
