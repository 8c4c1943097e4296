#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite `diff`: `ipoc diff` finds no divergence between the reference
engine and itself (in the engine host process), finds each mutant's fault
under the signature that names it, groups it (one fault, few signatures,
each with its count), prints the same signatures in every run,
`--item N` brings back the smallest example of a divergence on its own, and
--jobs 2 and 3 print and report what --jobs 1 does.

usage: test_diff.py IPOC REF_ENGINE MUTANT_DIR
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402

IPOC, REF, MUTANTS = sys.argv[1:4]
COUNT = "800"
check = Tally("diff")




def ipoc(*args):
    return run([IPOC, *args])


def mutant(name):
    return os.path.join(MUTANTS, f"libipoc_mutant_{name}.so")


def signatures(out):
    """{signature: count} of the traffic part (lines '  N  receive ...')."""
    sigs = {}
    for m in re.finditer(r"^ +(\d+)  ((?:send|receive) .*)$", out, re.M):
        sigs[m.group(2)] = int(m.group(1))
    return sigs


# The reference against itself, both in the engine host process.
rc, out, err = ipoc("diff", "--engine", REF, "--engine", REF, "--host-process",
                    "--count", COUNT, "--quiet")
check("ref vs ref: exit 0, agree", rc == 0 and "diff: the engines agree" in out,
      f"exit {rc}; {out[-800:]} {err[-300:]}")
m = re.search(r"^suite: (\d+) cases compared .*, (\d+) differ", out, re.M)
check("ref vs ref: the whole suite compared, nothing differs",
      m and int(m.group(1)) > 900 and m.group(2) == "0", out[:600])
m = re.search(r"^traffic: seed 1, (\d+) items, (\d+) compared, \d+ not claimed by both, "
              r"(\d+) divergent", out, re.M)
check("ref vs ref: every item compared, none divergent",
      m and m.group(1) == COUNT and m.group(2) == COUNT and m.group(3) == "0", out[-600:])

# Each mutant: its fault under the signature that names it.
WANT = {
    "icv-short": r"receive esp/(transport|tunnel|tot)(/esn)?: CryptoStatus CRYPTO_SUCCESS \| "
                 r"CRYPTO_(TRANSPORT|TUNNEL)_ESP_AUTH_FAILED",
    "codes-swapped": r"receive esp/tunnel(/esn)?: CryptoStatus CRYPTO_TRANSPORT_ESP_AUTH_FAILED "
                     r"\| CRYPTO_TUNNEL_ESP_AUTH_FAILED",
    "no-nextcryptodone": r"receive (udp-)?esp/tot(/esn)?: NextCryptoDone 0 \| 1",
    "esn-high-byteswap": r"send (esp|ah|esp\+ah|udp-esp)/\w+/esn: transmitted bytes differ in "
                         r"the (ESP|AH) ICV",
    "crash-1byte-mdl": r"receive \S+: crashed \(SIG\w+.*\) in RECEIVE \| ok",
}
first_run = {}
# (The suite's half is held by the reference run above and by suite
# conformance; here the traffic.)
for name, want in WANT.items():
    rc, out, err = ipoc("diff", "--engine", mutant(name), "--count", COUNT, "--quiet",
                        "--no-suite")
    sigs = signatures(out)
    hit = [s for s in sigs if re.fullmatch(want, s)]
    check(f"{name}: exit 1, diverge", rc == 1 and "diff: the engines diverge" in out,
          f"exit {rc}; {err[-300:]}")
    check(f"{name}: the signature /{want}/", hit, "got: " + "; ".join(list(sigs)[:6]))
    check(f"{name}: grouped (fewer signatures than divergent items)",
          sigs and len(sigs) < sum(sigs.values()) or name == "icv-short",
          f"{len(sigs)} signatures for {sum(sigs.values())} items")
    first_run[name] = (sigs, out)

# icv-short: only an ICV changed in its last bytes slips through, and only
# for HMAC-SHA-256-128 (the mutant compares 12 of 16 bytes).
sigs, out = first_run["icv-short"]
blocks = re.findall(r"^ +\d+  receive .*\n +with: (.*)\n +faults put in: (.*)$", out, re.M)
check("icv-short: every divergence from an ICV's last byte, on HMAC-SHA-256-128",
      blocks and all("hmac-sha256-128" in w and re.fullmatch(r"icv-last \(\d+\)", f)
                     for w, f in blocks), blocks[:3])

# The same signatures in every run.
rc, out, err = ipoc("diff", "--engine", mutant("codes-swapped"), "--count", COUNT, "--quiet",
                    "--no-suite")
check("codes-swapped: the same signatures and counts again", signatures(out) ==
      first_run["codes-swapped"][0], f"{len(signatures(out))} vs "
      f"{len(first_run['codes-swapped'][0])}")

# --item brings the smallest example back alone.
m = re.search(r"smallest: item (\d+) \(ipoc diff --seed 1 --item \1\)", first_run["icv-short"][1])
check("icv-short: the smallest example names its item", m is not None,
      first_run["icv-short"][1][-600:])
if m:
    rc, out, err = ipoc("diff", "--engine", mutant("icv-short"), "--item", m.group(1), "--quiet")
    check("--item: that item alone diverges, with a line about it",
          rc == 1 and re.search(rf"^diff/1/{m.group(1)}: receive .*: CryptoStatus", out, re.M)
          and "1 items" not in out and re.search(r"^traffic: seed 1, 1 item, 1 compared", out,
                                                 re.M),
          f"exit {rc}; {out[-600:]}")

# --jobs: the output and the reports of --jobs 2 and 3 are those of --jobs 1,
# suite and traffic, with divergences (a mutant, in the engine host process,
# and one that crashes) and without (the reference against itself), with a
# line per item (--verbose).
def reports(tmp, jobs, *args):
    d = os.path.join(tmp, f"j{jobs}")
    os.makedirs(d)
    rc, out, err = run([IPOC, "diff", *args, "--quiet", "--jobs", str(jobs), "--json",
                        os.path.join(d, "r.json"), "--junit", os.path.join(d, "r.xml"),
                        "--html", os.path.join(d, "r.html")])
    files = {}
    for f in sorted(os.listdir(d)):
        t = open(os.path.join(d, f), encoding="utf-8").read().replace(d, "DIR")
        t = re.sub(r'"seconds": [0-9.eE+-]+|time="[^"]*"|timestamp="[^"]*"|\d+(\.\d+)? s\b',
                   "T", t)
        files[f] = t
    return rc, out, files


for label, args in [("codes-swapped", ["--engine", mutant("codes-swapped"), "--count", "300"]),
                    ("crash-1byte-mdl", ["--engine", mutant("crash-1byte-mdl"), "--count", "200",
                                         "--no-suite"]),
                    ("ref vs ref verbose", ["--engine", REF, "--count", "150", "--verbose"])]:
    with tempfile.TemporaryDirectory(prefix="ipoc-diff-jobs-") as tmp:
        base = reports(tmp, 1, *args)
        check(f"--jobs 1 {label}: ran", base[0] in (0, 1) and "traffic: seed 1" in base[1],
              f"exit {base[0]}; {base[1][-300:]}")
        for jobs in (2, 3):
            got = reports(tmp, jobs, *args)
            check(f"--jobs {jobs} {label}: exit as --jobs 1", got[0] == base[0],
                  f"{got[0]} vs {base[0]}")
            check(f"--jobs {jobs} {label}: stdout as --jobs 1", got[1] == base[1],
                  next((f"line {i}: {x!r} vs {y!r}" for i, (x, y) in
                        enumerate(zip(got[1].splitlines(), base[1].splitlines())) if x != y),
                       f"{len(got[1])} vs {len(base[1])} chars"))
            for f in base[2]:
                check(f"--jobs {jobs} {label}: {f} as --jobs 1", got[2].get(f) == base[2][f],
                      f"{len(got[2].get(f, ''))} vs {len(base[2][f])} chars")

# Usage and load errors.
rc, out, err = ipoc("diff", "--engine", REF, "--no-suite", "--no-traffic")
check("--no-suite --no-traffic: exit 2", rc == 2, f"exit {rc}; {err}")
rc, out, err = ipoc("diff")
check("no engine: exit 2", rc == 2, f"exit {rc}; {err}")
rc, out, err = ipoc("diff", "--engine", "/nonexistent/libx.so")
check("an engine that does not load: exit 3", rc == 3, f"exit {rc}; {err}")

check.exit()
