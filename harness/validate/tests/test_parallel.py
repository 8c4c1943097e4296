#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite `conformance`: a run spread out gives the results of one run.

  - `--jobs 2` and `--jobs 1` give the same cases, verdicts and reasons in
    the same order, and the same text report (but for the line with the
    time), on an engine with failures (a mutant) in the engine host process;
  - `--shard I/3` for I = 1, 2, 3: the three slices are disjoint, their
    union is the whole suite, and their summaries add up to the whole run's;
  - a shard is stable: the same slice twice.

usage: test_parallel.py IPOC MUTANT_ENGINE
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally  # noqa: E402

IPOC, MUTANT = sys.argv[1:3]
check = Tally("parallel")
tmp = tempfile.mkdtemp(prefix="ipoc-parallel-")




def validate(tag, *args):
    js = os.path.join(tmp, f"{tag}.json")
    p = subprocess.run([IPOC, "validate", "--engine", MUTANT, "--quiet", "--no-diff", "--json", js,
                        "--repro-dir", os.path.join(tmp, "repro-" + tag), *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace", timeout=600)
    with open(js) as f:
        doc = json.load(f)
    text = [l for l in p.stdout.splitlines() if not re.match(r"^\d+\.\d s, engine ", l)]
    text = [re.sub(r"repro-" + tag, "repro-X", l) for l in text]
    return p.returncode, doc, text


rc1, d1, t1 = validate("j1", "--jobs", "1")
rc2, d2, t2 = validate("j2", "--jobs", "2")
key = [(c["id"], c["verdict"], c["why"]) for c in d1["cases"]]
check("the mutant fails (exit 1 both ways)", rc1 == 1 and rc2 == 1, (rc1, rc2))
check("jobs 2: the same cases, verdicts and reasons, in order",
      key == [(c["id"], c["verdict"], c["why"]) for c in d2["cases"]],
      f"{len(key)} vs {len(d2['cases'])}")
check("jobs 2: the same summary", d1["summary"] == d2["summary"], (d1["summary"], d2["summary"]))
check("jobs 2: the same text report", t1 == t2,
      next((f"{a!r} | {b!r}" for a, b in zip(t1, t2) if a != b), f"{len(t1)} vs {len(t2)}"))
check("there are failures to compare", d1["summary"]["failed"] > 0, d1["summary"])

ids, sums = [], {}
for i in (1, 2, 3):
    rc, d, t = validate(f"s{i}", "--shard", f"{i}/3", "--jobs", "1")
    ids.append([c["id"] for c in d["cases"]])
    for k, v in d["summary"].items():
        sums[k] = sums.get(k, 0) + v
whole = [c["id"] for c in d1["cases"]]
check("shards: disjoint", not (set(ids[0]) & set(ids[1]) or set(ids[0]) & set(ids[2]) or
                               set(ids[1]) & set(ids[2])))
check("shards: their union is the whole suite", sorted(ids[0] + ids[1] + ids[2]) ==
      sorted(whole), f"{sum(map(len, ids))} vs {len(whole)}")
check("shards: each is in the suite's order", all(
    s == [c for c in whole if c in set(s)] for s in ids))
check("shards: the summaries add up", sums == d1["summary"], (sums, d1["summary"]))
check("shards: no slice is empty or the whole", all(0 < len(s) < len(whole) for s in ids),
      [len(s) for s in ids])
rc, d, t = validate("s2again", "--shard", "2/3", "--jobs", "2")
check("shard 2/3 again (and in 2 jobs): the same slice", [c["id"] for c in d["cases"]] == ids[1])

check.exit()
