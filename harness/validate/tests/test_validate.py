#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite `conformance`: the reference engine passes every case of
`ipoc validate`, in this process and in the engine host process, and the
run's report says so in both formats.

  - exit 0; every area of the suite judged; nothing failed, crashed, hung
    or exited; the only case not passed is sa-018, skipped because the
    reference claims every algorithm of its protocols (nothing to refuse);
    the comparison with the reference on generated traffic ran and agrees;
  - the text report and the JSON report agree, case by case;
  - --list prints every case once, with area and rule; --case and --area
    select; a filter that selects nothing is a usage error (exit 2), never
    a pass; --timing-runs without --area timing is refused.

usage: test_validate.py IPOC REF_ENGINE [--host-process]
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402

IPOC, REF = sys.argv[1:3]
MODE = sys.argv[3:]
AREAS = ["caps", "sa", "send", "receive", "class", "udp", "esn", "lso", "v1", "shapes", "own"]
check = Tally("validate")




def ipoc(*args):
    return run([IPOC, *args])


tmp = tempfile.mkdtemp(prefix="ipoc-validate-")
js = os.path.join(tmp, "ref.json")
rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--json", js, "--quiet",
                    "--repro-dir", os.path.join(tmp, "repro"))
check("reference: exit 0", rc == 0, f"exit {rc}; {out[-1500:]} {err[-500:]}")
with open(js) as f:
    doc = json.load(f)
cases = doc["cases"]
by_v = {}
for c in cases:
    by_v.setdefault(c["verdict"], []).append(c["id"])
check("reference: where it ran", doc["engine"]["host_process"] == (MODE == ["--host-process"]),
      doc["engine"])
check("reference: nothing failed, crashed, hung or exited",
      all(v in ("passed", "skipped") for v in by_v),
      {v: ids[:5] for v, ids in by_v.items() if v not in ("passed", "skipped")})
check("reference: sa-018 the only skip", by_v.get("skipped", []) == ["sa-018"],
      by_v.get("skipped"))
check("reference: nothing unsupported (it claims all it is judged on)",
      "unsupported" not in by_v, by_v.get("unsupported", [])[:5])
check("reference: the run did not stop", not doc["stopped"])
seen = {c["group"] for c in cases}
check("reference: every area judged, and the comparison with the reference (diff)",
      seen == set(AREAS) | {"diff"}, sorted(seen))
diff = [c for c in cases if c["group"] == "diff"]
check("reference: the diff against itself agrees", len(diff) == 1 and diff[0]["id"] == "diff"
      and diff[0]["verdict"] == "passed" and re.match(r"1000 compared", diff[0]["why"]), diff)
for a in AREAS:
    n = sum(1 for c in cases if c["group"] == a and c["verdict"] == "passed")
    check(f"reference: area {a} has passes", n > 0, n)
check("reference: no reproducer for a passed case",
      all(c["reproducer"] == "" for c in cases if c["verdict"] == "passed"))
check("reference: no reproducer folder", not os.path.exists(os.path.join(tmp, "repro")))
s = doc["summary"]
check("reference: summary counts the cases",
      s["passed"] == len(by_v.get("passed", [])) and s["skipped"] == 1 and
      sum(s.values()) == len(cases), s)
m = re.search(r"^validate: (\d+) passed, 0 failed, 1 skipped$", out, re.M)
check("reference: the text report's closing line", m and int(m.group(1)) == s["passed"],
      out[-300:])
for a in AREAS:
    check(f"reference: text line for area {a}", re.search(rf"^  {a} +\d+ passed", out, re.M),
          out[-800:])

# --list: every case, once, in the order run, with its area and rule.
rc, out, err = ipoc("validate", "--list")
rows = [l.split()[0] for l in out.splitlines() if re.match(r"^\S+ +\S+ ", l) and
        not l.startswith("validate")]
ids = [c["id"] for c in cases if c["group"] != "diff"]
check("--list: exit 0", rc == 0, err)
check("--list: each id once", len(rows) == len(set(rows)), len(rows))
check("--list: the cases run, in order", rows == ids, (len(rows), len(ids)))
m = re.search(r"^(\d+) cases$", out, re.M)
check("--list: the count", m and int(m.group(1)) == len(rows), out[-100:])
rc, out, err = ipoc("validate", "--list", "--area", "timing")
rows = [l.split()[0] for l in out.splitlines() if re.match(r"^timing-\d+ +timing ", l)]
check("--list --area timing: the opt-in cases", rc == 0 and len(rows) >= 2, out)

# Filters.
rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--case", "sa-00[23]", "--quiet")
check("--case glob: exit 0, two cases", rc == 0 and "validate: 2 passed, 0 failed" in out,
      out[-300:])
rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--area", "esn", "--quiet")
n_esn = sum(1 for c in cases if c["group"] == "esn")
check("--area: that area only", rc == 0 and f"validate: {n_esn} passed, 0 failed" in out,
      out[-300:])
for args in (["--case", "no-such-case"], ["--area", "nosuch"]):
    rc, out, err = ipoc("validate", "--engine", REF, *MODE, *args)
    check(f"{args}: selects nothing, exit 2", rc == 2 and "no case matches" in err,
          f"exit {rc}; {err}")
# The comparison with the reference: skipped with --no-diff, alone with --area diff.
for args, want in ((["--no-diff", "--area", "esn"], set()),
                   (["--area", "diff"], {"diff"})):
    js2 = os.path.join(tmp, "diff.json")
    rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--quiet", "--json", js2, *args)
    with open(js2) as f:
        groups = {c["group"] for c in json.load(f)["cases"]}
    check(f"{args}: exit 0, diff {'there' if want else 'absent'}",
          rc == 0 and (groups & {"diff"}) == want and (not want or groups == want),
          f"exit {rc}; {sorted(groups)}; {err[-300:]}")
rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--area", "diff", "--no-diff")
check("--area diff with --no-diff: exit 2", rc == 2, f"exit {rc}; {err}")
rc, out, err = ipoc("validate", "--engine", REF, *MODE, "--timing-runs", "1000")
check("--timing-runs without --area timing: exit 2", rc == 2, f"exit {rc}; {err}")

check.exit()
