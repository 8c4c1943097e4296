#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The reports of real runs, read by what CI systems and people use.

  - the JSON of validate (the reference, and mutant icv-short with its
    failures) and of vectors (the reference, and mutant codes-swapped with
    its failures) validates against harness/report/ipoc-report.schema.json;
    documents broken five ways do not, and `ipoc report merge` refuses each
    with exit 2 naming the file and the field;
  - the JUnit XML reads back through junitparser with the JSON's counts of
    tests, failures, errors and skips, case by case;
  - the HTML parses with balanced tags, holds the engine's name and every
    failure's id, links each reproducer to a file that exists, and loads
    nothing (no script, no external URL);
  - `ipoc report merge` of three shards (validate --area caps / esn / class
    on the mutant) equals one run of those areas in results and counts,
    exits 1 for the mutant's failures and 0 for the reference's shards;
    runs of two engines, of two tools, or overlapping runs exit 2;
  - the odd run test_rpt leaves (quotes, markup, control and non-UTF-8
    bytes) is valid JSON, JUnit and HTML too.

usage: test_report.py IPOC REF MUTANT_VALIDATE MUTANT_VECTORS TEST_RPT SCHEMA VEC...
"""
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import junitparser

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402

IPOC, REF, MUT, MUT_VEC, TEST_RPT, SCHEMA = sys.argv[1:7]
VECS = sys.argv[7:]
BAD = ("failed", "crashed", "hung", "exited")
check = Tally("report")




def ipoc(*args):
    return run([IPOC, *args])


tmp = tempfile.mkdtemp(prefix="ipoc-report-")
with open(SCHEMA) as f:
    schema = json.load(f)
Validator = jsonschema.validators.validator_for(schema)
Validator.check_schema(schema)
validator = Validator(schema)


def schema_errors(doc):
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def outputs(name):
    base = os.path.join(tmp, name)
    return base + ".json", base + ".xml", base + ".html"


def run_reported(name, *args):
    js, xml, page = outputs(name)
    rc, out, err = ipoc(*args, "--json", js, "--junit", xml, "--html", page)
    doc = None
    try:
        with open(js) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check(f"{name}: JSON written", False, f"{e}; exit {rc}; {err[-500:]}")
    return rc, out, err, doc


# ---- JUnit ----

def xml_text(s):
    """s as XML can carry it: control bytes other than tab and line ends
    become the text \\xNN (the writers do that; XML 1.0 has no way to
    write them)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: "\\x%02X" % ord(m.group()), s)


def junit_check(name, doc, path):
    try:
        xml = junitparser.JUnitXml.fromfile(path)
    except Exception as e:  # any parse error is the finding
        check(f"{name}: junitparser reads the JUnit file", False, e)
        return
    cases = {}
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    for s in suites:
        for c in s:
            cases[c.name] = (s.name, c)
    want = {c["id"]: c for c in doc["cases"]}
    check(f"{name}: JUnit has every case once", sorted(cases) == sorted(want) and
          sum(len(list(s)) for s in suites) == len(want), (len(cases), len(want)))
    kinds = {"failure": 0, "error": 0, "skipped": 0}
    wrong = []
    for cid, (suite, c) in cases.items():
        j = want.get(cid)
        res = c.result
        kind = None
        if res:
            r = res[0]
            kind = ("failure" if isinstance(r, junitparser.Failure) else
                    "error" if isinstance(r, junitparser.Error) else
                    "skipped" if isinstance(r, junitparser.Skipped) else "?")
            kinds[kind] = kinds.get(kind, 0) + 1
        if j is None:
            continue
        expect = {"passed": None, "failed": "failure", "crashed": "error", "hung": "error",
                  "exited": "error", "unsupported": "skipped", "skipped": "skipped"}[j["verdict"]]
        if kind != expect or suite != j["group"] or c.classname != f"{doc['tool']}.{j['group']}":
            wrong.append((cid, kind, expect, suite, c.classname))
        elif kind and j["why"] and res[0].message != xml_text(j["why"]):
            wrong.append((cid, "message", res[0].message, j["why"]))
    check(f"{name}: JUnit verdict, suite, classname and message per case", not wrong, wrong[:5])
    s = doc["summary"]
    check(f"{name}: JUnit counts are the JSON's",
          kinds["failure"] == s["failed"] and
          kinds["error"] == s["crashed"] + s["hung"] + s["exited"] and
          kinds["skipped"] == s["unsupported"] + s["skipped"], (kinds, s))
    # The totals as written (what a reporter shows first), not recounted.
    check(f"{name}: <testsuites> totals as written",
          isinstance(xml, junitparser.JUnitXml) and xml.tests == len(want) and
          xml.failures == s["failed"] and xml.errors == s["crashed"] + s["hung"] + s["exited"] and
          xml.skipped == s["unsupported"] + s["skipped"],
          (xml.tests, xml.failures, xml.errors, xml.skipped, s))
    off = []
    for su in suites:
        got = [c.result[0].__class__.__name__ if c.result else "-" for c in su]
        if (su.tests, su.failures, su.errors, su.skipped) != (
                len(got), got.count("Failure"), got.count("Error"), got.count("Skipped")):
            off.append((su.name, su.tests, su.failures, su.errors, su.skipped))
    check(f"{name}: each <testsuite>'s counts as written", not off, off[:3])


# ---- HTML ----

VOID = {"meta", "br", "wbr", "hr", "img", "input", "link", "col", "area", "base", "source"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.hrefs, self.tags = [], set()
        self.in_failures, self.fail_text = False, []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "h2":
            self.in_failures = ("id", "failures") in attrs
        for k, v in attrs:
            if k in ("href", "src") and v:
                self.hrefs.append(v)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} closes "
                                 f"{self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.in_failures:
            self.fail_text.append(data)


def html_check(name, doc, path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    p = Page()
    p.feed(src)
    p.close()
    check(f"{name}: HTML tags balanced", not p.problems and not p.stack,
          (p.problems[:3], p.stack[:3]))
    text = "".join(p.text)
    check(f"{name}: HTML names the engine and its version",
          doc["engine"]["name"] in text and doc["engine"]["version"] in text)
    bad = [c for c in doc["cases"] if c["verdict"] in BAD]
    ftext = "".join(p.fail_text)
    missing = [c["id"] for c in bad if c["id"] not in ftext]
    check(f"{name}: the failures section holds every failure's id ({len(bad)})", not missing,
          missing[:5])
    rules = [c["rule"] for c in bad if c["rule"] not in ftext]
    check(f"{name}: the failures section holds every failure's rule", not rules, rules[:3])
    check(f"{name}: the failures section says how many", f"Failures ({len(bad)})" in ftext,
          ftext[:100])
    check(f"{name}: HTML loads nothing (no script, no external URL)",
          "script" not in p.tags and not re.search(r"(src|href)=\"(https?:)?//", src) and
          "@import" not in src and "url(" not in src, sorted(p.tags))
    links = [h for h in p.hrefs if not h.startswith("#")]
    repro = [c for c in bad if c["reproducer"]]
    dead = [h for h in links
            if not os.path.exists(os.path.join(os.path.dirname(path),
                                               re.sub(r"%([0-9A-F]{2})",
                                                      lambda m: chr(int(m.group(1), 16)), h)))]
    check(f"{name}: a link per reproducer, each to a file that exists",
          len(links) >= len(repro) and not dead, (len(links), len(repro), dead[:3]))
    anchors = set(re.findall(r' id="([^"]+)"', src))
    inner = [h[1:] for h in p.hrefs if h.startswith("#") and h[1:] not in anchors]
    check(f"{name}: every in-page link has its anchor", not inner, inner[:3])
    if any(c["algorithm"] for c in doc["cases"]):
        check(f"{name}: HTML has the capability matrix",
              'class="mx"' in src and all(html.escape(c["algorithm"]) in src
                                          for c in doc["cases"] if c["algorithm"]))
    if bad:
        check(f"{name}: a failed cell in the matrix", 'class="v-failed" title=' in src or
              not any(c["algorithm"] for c in bad))


def json_check(name, doc, expect_bad):
    errs = schema_errors(doc)
    check(f"{name}: JSON validates against the schema", not errs, errs[:5])
    s = doc["summary"]
    counts = {}
    for c in doc["cases"]:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    check(f"{name}: summary counts the cases", all(s[v] == counts.get(v, 0) for v in s), s)
    nbad = sum(s[v] for v in BAD)
    check(f"{name}: {'failures' if expect_bad else 'no failure'}",
          (nbad > 0) == expect_bad, s)


def all_formats(name, doc, expect_bad):
    if doc is None:
        return
    json_check(name, doc, expect_bad)
    _, xml, page = outputs(name.replace(" ", "-").replace("mutant", "mut"))
    junit_check(name, doc, xml)
    html_check(name, doc, page)


# ---- validate and vectors, with and without failures ----

rc, out, err, vref = run_reported("validate-ref", "validate", "--engine", REF, "--quiet",
                                  "--repro-dir", os.path.join(tmp, "repro-ref"))
check("validate ref: exit 0", rc == 0, f"exit {rc}; {err[-400:]}")
all_formats("validate ref", vref, False)
check("validate ref: text summary per capability",
      re.search(r"^per capability:\n  algorithm +esp\.\S+ +\d+ passed, 0 failed$", out, re.M),
      out[-2500:])

rc, out, err, vmut = run_reported("validate-mut", "validate", "--engine", MUT, "--quiet",
                                  "--repro-dir", os.path.join(tmp, "repro-mut"))
check("validate mutant: exit 1", rc == 1, f"exit {rc}; {err[-400:]}")
all_formats("validate mutant", vmut, True)
if vmut:
    first = next((c for c in vmut["cases"] if c["verdict"] == "failed"), None)
    check("validate mutant: the summary explains the first failure",
          first and re.search(r"^first failures \(\d+ of \d+\):\n  FAIL +" + re.escape(first["id"]),
                              out, re.M), out[-1500:])
    check("validate mutant: a failure in a matrix cell",
          first and first["algorithm"] and first["mode"] and first["family"], first)

rc, out, err, cref = run_reported("vectors-ref", "vectors", "--engine", REF, "--shapes", "2",
                                  *VECS)
check("vectors ref: exit 0", rc == 0, f"exit {rc}; {err[-400:]}")
all_formats("vectors ref", cref, False)
if cref:
    n_text = 0
    for m in re.finditer(r"^(\S+): (\d+) passed, (\d+) failed", out, re.M):
        if m.group(1) in VECS:
            n_text += int(m.group(2)) + int(m.group(3))
    check("vectors ref: a result per case, direction and shape, as the text counts",
          n_text == len(cref["cases"]) and n_text > 0, (n_text, len(cref["cases"])))
    ids = [c["id"] for c in cref["cases"]]
    check("vectors ref: ids are unique and name file, case, direction and shape",
          len(set(ids)) == len(ids) and
          all(re.match(r"^.+\.vec:[^/]+/(send|receive)/shape[01]$|^.+\.vec:[^/]+/unsupported$",
                       i) for i in ids), ids[:3])
    check("vectors ref: group is the file", {c["group"] for c in cref["cases"]} == set(VECS),
          {c["group"] for c in cref["cases"]})

rc, out, err, cmut = run_reported("vectors-mut", "vectors", "--engine", MUT_VEC, "--shapes", "2",
                                  *VECS)
check("vectors mutant: exit 1", rc == 1, f"exit {rc}; {err[-400:]}")
all_formats("vectors mutant", cmut, True)

# ---- broken documents: the schema can fail, and merge refuses them ----

if vref:
    def broken(what, change):
        d = json.loads(json.dumps(vref))
        change(d)
        path = os.path.join(tmp, f"broken-{what}.json")
        with open(path, "w") as f:
            json.dump(d, f)
        check(f"broken ({what}): the schema refuses it", schema_errors(d), what)
        rc, out, err = ipoc("report", "merge", path)
        check(f"broken ({what}): report merge exits 2 naming the file",
              rc == 2 and path in err, f"exit {rc}; {err}")
        return err

    err = broken("verdict", lambda d: d["cases"][3].update(verdict="maybe"))
    check("broken verdict: the field is named", "cases[3].verdict: 'maybe'" in err, err)
    err = broken("missing", lambda d: d["cases"][0].pop("rule"))
    check("broken missing: the field is named", "cases[0].rule: missing" in err, err)
    err = broken("type", lambda d: d["engine"].update(host_process="yes"))
    check("broken type: the field is named", "engine.host_process" in err, err)
    err = broken("extra", lambda d: d.update(verdicts={}))
    check("broken extra: the field is named", "verdicts: not a field" in err, err)
    err = broken("version", lambda d: d.update(format_version=2))
    check("broken version: named", "format_version" in err, err)
    # Consistent with the schema but not with itself: counts that lie.
    d = json.loads(json.dumps(vref))
    d["summary"]["passed"] += 1
    path = os.path.join(tmp, "lying.json")
    with open(path, "w") as f:
        json.dump(d, f)
    rc, out, err = ipoc("report", "merge", path)
    check("counts that lie: merge exits 2", rc == 2 and "summary" in err, f"exit {rc}; {err}")
    with open(os.path.join(tmp, "trunc.json"), "w") as f:
        f.write(json.dumps(vref)[:500])
    rc, out, err = ipoc("report", "merge", os.path.join(tmp, "trunc.json"))
    check("truncated JSON: exit 2 with file:line:column",
          rc == 2 and re.search(r"trunc\.json:\d+:\d+: ", err), f"exit {rc}; {err}")

# ---- merge: three shards equal one run ----

areas = ["caps", "esn", "class"]
shards = []
for a in areas:
    js = os.path.join(tmp, f"shard-{a}.json")
    rc, out, err = ipoc("validate", "--engine", MUT, "--area", a, "--quiet", "--json", js,
                        "--repro-dir", os.path.join(tmp, "repro-shards"))
    check(f"shard {a}: exit 0 or 1", rc in (0, 1), f"exit {rc}; {err[-300:]}")
    shards.append(js)
rc, out, err, whole = run_reported("whole", "validate", "--engine", MUT, "--quiet",
                                   *sum((["--area", a] for a in areas), []),
                                   "--repro-dir", os.path.join(tmp, "repro-whole"))
js, xml, page = outputs("merged")
rc, out, err = ipoc("report", "merge", *shards, "--json", js, "--junit", xml, "--html", page)
check("merge of the mutant's shards: exit 1 (its failures)", rc == 1, f"exit {rc}; {err}")
try:
    with open(js) as f:
        merged = json.load(f)
except (OSError, ValueError) as e:
    merged = None
    check("merge: JSON written", False, e)
if merged and whole:
    def strip(c):
        return {k: v for k, v in c.items() if k not in ("seconds", "reproducer")}
    m_ids = [c["id"] for c in merged["cases"]]
    check("merge: results in id order", m_ids == sorted(m_ids), m_ids[:5])
    check("merge: the same results as one run",
          sorted(map(json.dumps, map(strip, merged["cases"]))) ==
          sorted(map(json.dumps, map(strip, whole["cases"]))),
          (len(merged["cases"]), len(whole["cases"])))
    check("merge: the same counts as one run", merged["summary"] == whole["summary"],
          (merged["summary"], whole["summary"]))
    check("merge: the same counts per group",
          sorted(map(json.dumps, merged["groups"])) == sorted(map(json.dumps, whole["groups"])),
          (merged["groups"], whole["groups"]))
    check("merge: the same reproducers (file names)",
          sorted(os.path.basename(c["reproducer"]) for c in merged["cases"]) ==
          sorted(os.path.basename(c["reproducer"]) for c in whole["cases"]))
    check("merge: names its parts", merged.get("merged_from") == shards, merged.get("merged_from"))
    sm = merged["summary"]
    line = f"validate: {sm['passed']} passed, {sm['failed']} failed" + "".join(
        f", {sm[v]} {v}" for v in ("unsupported", "skipped", "crashed", "hung", "exited") if sm[v])
    check("merge: the summary closes with the whole run's line",
          out.rstrip().splitlines()[-1] == line, (line, out[-300:]))
    all_formats("merged", merged, True)

# ---- --shard 1/3, 2/3, 3/3 merged: one whole run ----
# (The whole suite with its comparison with the reference, which shard 1
# carries.)
shard_files = []
for i in (1, 2, 3):
    js = os.path.join(tmp, f"sh{i}.json")
    rc, out, err = ipoc("validate", "--engine", MUT, "--shard", f"{i}/3", "--quiet", "--json", js,
                        "--repro-dir", os.path.join(tmp, "repro-sh"))
    check(f"--shard {i}/3: exit 0 or 1", rc in (0, 1), f"exit {rc}; {err[-300:]}")
    shard_files.append(js)
rc, out, err, full = run_reported("full", "validate", "--engine", MUT, "--quiet",
                                  "--repro-dir", os.path.join(tmp, "repro-full"))
js = os.path.join(tmp, "sh-merged.json")
rc, out, err = ipoc("report", "merge", *shard_files, "--json", js)
check("merge of --shard 1/3..3/3: exit 1 (the mutant's failures)", rc == 1, f"exit {rc}; {err}")
try:
    with open(js) as f:
        shm = json.load(f)
except (OSError, ValueError) as e:
    shm = None
    check("merge of shards: JSON written", False, e)
if shm and full:
    def strip2(c):
        return {k: v for k, v in c.items() if k not in ("seconds", "reproducer", "artifacts")}
    check("merge of shards: the same results as the whole run",
          sorted(map(json.dumps, map(strip2, shm["cases"]))) ==
          sorted(map(json.dumps, map(strip2, full["cases"]))),
          (len(shm["cases"]), len(full["cases"])))
    check("merge of shards: the same summary", shm["summary"] == full["summary"],
          (shm["summary"], full["summary"]))
    check("merge of shards: the comparison with the reference is in it, once",
          sum(1 for c in shm["cases"] if c["group"] == "diff") ==
          sum(1 for c in full["cases"] if c["group"] == "diff") > 0)

# ---- replay and diff write the same formats ----
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(VECS[0])))
CORPUS = os.path.join(ROOT, "pcaps", "corpus")
rc, out, err, rmut = run_reported("replay-mut", "replay", os.path.join(CORPUS, "esp-3des-cbc.pcap"),
                                  "--keys", os.path.join(CORPUS, "esp-3des-cbc.esp_sa"),
                                  "--expect", os.path.join(CORPUS, "esp-3des-cbc.expect"),
                                  "--engine", MUT, "--quiet",
                                  "--write-failures", os.path.join(tmp, "replay-fail.pcapng"))
check("replay mutant: exit 1", rc == 1, f"exit {rc}; {err[-300:]}")
all_formats("replay mutant", rmut, True)
if rmut:
    check("replay: a result per frame, group the capture, ids capture#frame",
          rmut["tool"] == "replay" and {c["group"] for c in rmut["cases"]} == {"esp-3des-cbc.pcap"}
          and all(re.match(r"^esp-3des-cbc\.pcap#\d+$", c["id"]) for c in rmut["cases"])
          and len(rmut["cases"]) == 87, (rmut["tool"], len(rmut["cases"])))
    bad = [c for c in rmut["cases"] if c["verdict"] == "failed"]
    check("replay: a failing frame's reproducer is the failures capture, keys beside it",
          bad and all(c["reproducer"].endswith("replay-fail.pcapng") and
                      len(c["artifacts"]) == 2 for c in bad), bad[:1])
rc, out, err, dmut = run_reported("diff-mut", "diff", "--engine", MUT, "--count", "300",
                                  "--quiet")
check("diff mutant: exit 1", rc == 1, f"exit {rc}; {err[-300:]}")
all_formats("diff mutant", dmut, True)
if dmut:
    check("diff: groups suite and traffic, a failure per signature",
          {c["group"] for c in dmut["cases"]} == {"suite", "traffic"} and
          all(c["id"].startswith(c["group"] + ": ") for c in dmut["cases"]),
          [c["id"] for c in dmut["cases"]][:4])

# A merge of the reference's shards passes; merging a merge works.
ref_shards = []
for a in ("caps", "sa"):
    js = os.path.join(tmp, f"ref-{a}.json")
    ipoc("validate", "--engine", REF, "--area", a, "--quiet", "--json", js, "--no-repro")
    ref_shards.append(js)
rc, out, err = ipoc("report", "merge", *ref_shards, "--json", os.path.join(tmp, "ref-m.json"))
check("merge of the reference's shards: exit 0", rc == 0, f"exit {rc}; {err}")
js = os.path.join(tmp, "ref-esn.json")
ipoc("validate", "--engine", REF, "--area", "esn", "--quiet", "--json", js, "--no-repro")
rc, out, err = ipoc("report", "merge", os.path.join(tmp, "ref-m.json"), js)
check("merge of a merge and a run: exit 0", rc == 0, f"exit {rc}; {err}")

# Refusals.
rc, out, err = ipoc("report", "merge", ref_shards[0], shards[0])
check("merge of two engines: exit 2 naming both",
      rc == 2 and ref_shards[0] in err and shards[0] in err and "only runs of one engine" in err,
      f"exit {rc}; {err}")
rc, out, err = ipoc("report", "merge", shards[0], shards[1], shards[0])
check("merge with an id twice: exit 2 naming the id and the file",
      rc == 2 and "caps-001 is in" in err and shards[0] in err, f"exit {rc}; {err}")
if cref:
    rc, out, err = ipoc("report", "merge", ref_shards[0], outputs("vectors-ref")[0])
    check("merge of two tools: exit 2", rc == 2 and "only runs of one tool" in err,
          f"exit {rc}; {err}")
rc, out, err = ipoc("report", "merge", os.path.join(tmp, "none.json"))
check("merge of a missing file: exit 2 naming it", rc == 2 and "none.json" in err, err)
rc, out, err = ipoc("report", "merge")
check("merge of nothing: exit 2", rc == 2, f"exit {rc}")
rc, out, err = ipoc("report", "frobnicate")
check("report with an unknown action: exit 2", rc == 2 and "frobnicate" in err, err)

# ---- the odd run of test_rpt ----

odd = os.path.join(tmp, "odd")
os.mkdir(odd)
p = subprocess.run([TEST_RPT, odd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
check("test_rpt wrote the odd run", p.returncode == 0, p.stdout[-800:])
try:
    with open(os.path.join(odd, "odd.json"), encoding="utf-8") as f:
        d = json.load(f)
    check("odd run: schema", not schema_errors(d), schema_errors(d)[:3])
    check("odd run: the bytes that are not UTF-8 as text",
          "\\xFF\\xFE" in d["cases"][1]["why"] and "\u2713" in d["cases"][1]["why"],
          d["cases"][1]["why"])
    junit_check("odd run", d, os.path.join(odd, "odd.xml"))
    p2 = Page()
    with open(os.path.join(odd, "odd.html"), encoding="utf-8") as f:
        src = f.read()
    p2.feed(src)
    check("odd run: HTML balanced, the markup in a reason is text",
          not p2.problems and not p2.stack and '"<b>&amp;</b>"' in "".join(p2.text) and
          "&lt;b&gt;&amp;amp;&lt;/b&gt;" in src, (p2.problems, p2.stack))
except (OSError, ValueError) as e:
    check("odd run: files readable", False, e)

if not check.failed:
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print(f"(the runs are kept in {tmp})")
check.exit()
