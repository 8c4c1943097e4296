#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Every subcommand that judges an engine gives an engine with one fault its
verdict and exit code, and stays alive (harness/host/tests/fixtures/
fault_engine.c builds the engines):

  crash, abort           crashed (the signal named), exit 1
  hang                   hung (--timeout), exit 1
  exit                   exited with status 0, exit 1
  read_past, write_past  crashed in a guard page, exit 1
  write_before           failed: guard bytes before a buffer, exit 1
  trim                   failed: a structure the engine does not own changed
  lies                   failed: capability honesty (ADD_SA refused), exit 1
  no_caps                the mandatory OID failed, exit 1
  noisy                  passes, and what it prints stays out of our stdout
  (fixture_good)         open fails: exit 3
for `ipoc info`, `ipoc vectors`, `ipoc replay` and `ipoc validate` (whose
reproducers `ipoc repro` replays to the same fault), and `ipoc bench`
(which runs a whole bench in a child).

usage: test_verdicts.py IPOC FAULT_DIR FIXTURE_DIR VECTORS_DIR PCAPS_DIR
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402

IPOC, FAULTS, FIXTURES, VECTORS, PCAPS = sys.argv[1:6]
check = Tally("verdicts")




def fault(name):
    return os.path.join(FAULTS, f"libfault_{name}.so")


def ipoc(*args, timeout=120):
    return run([IPOC, *args], timeout=timeout)


VEC = os.path.join(VECTORS, "rfc3602-aes-cbc-esp.vec")
CAP = os.path.join(PCAPS, "corpus", "esp-aes-cbc-128.pcapng")
KEYS = os.path.join(PCAPS, "corpus", "esp-aes-cbc-128.esp_sa")
EXPECT = os.path.join(PCAPS, "corpus", "esp-aes-cbc-128.expect")


# --timeout: 10 s, so that a crash that takes long to report under ASan on a
# loaded machine is not judged hung; the hang engine gets 0.5 s (HANG_T).
HANG_T = {"timeout": "0.5"}


def vectors(engine, *extra, timeout="10"):
    return ipoc("vectors", "--engine", engine, "--shapes", "2", "--timeout", timeout, *extra, VEC)


def replay(engine, *extra, timeout="10"):
    return ipoc("replay", CAP, "--keys", KEYS, "--expect", EXPECT, "--engine", engine,
                "--timeout", timeout, "--max-faults", "3", "--quiet", *extra)


def counts(out, prefix):
    """The verdict counts of the closing line starting with prefix."""
    lines = [l for l in out.splitlines() if l.startswith(prefix)]
    if not lines:
        return {}
    return {v: int(n) for n, v in re.findall(r"(\d+) (\w+)", lines[-1])}


# Faults in receive: every IPsec frame received is a fault of that kind.
for name, verdict, text in [
        ("crash", "crashed", r"crashed \(SIGSEGV\) in RECEIVE"),
        ("abort", "crashed", r"crashed \(SIGABRT\) in RECEIVE"),
        ("hang", "hung", r"hung in RECEIVE \(no answer in 500 ms\)"),
        ("exit", "exited", r"exited with status 0 in RECEIVE"),
        ("read_past", "crashed", r"in a guard page, 1 byte\(s\) past the end"),
        ("write_past", "crashed", r"in a guard page, 1 byte\(s\) past the end"),
]:
    rc, out, err = vectors(fault(name), **(HANG_T if name == "hang" else {}))
    c = counts(out, VEC + ":")
    check(f"vectors {name}: exit 1", rc == 1, f"exit {rc}; {err.strip()[:300]}")
    # 4 cases x 2 shapes each way: the 8 sends pass. Shape 1 has its guard
    # page before each buffer: a write past the end lands in guard bytes
    # there (failed; under ASan, whose poison covers the guard bytes,
    # crashed), a read past it goes unseen (passed; under ASan, crashed).
    faults = sum(c.get(v, 0) for v in ("crashed", "hung", "exited"))
    check(f"vectors {name}: {verdict} receive cases, every send case passed",
          c.get(verdict, 0) >= 4 and c.get("passed", 0) + c.get("failed", 0) + faults == 16
          and c.get("passed", 0) >= 8 and
          c.get("failed", 0) in ((0, 4) if name == "write_past" else (0,)),
          f"counts {c}; {out[-600:]}")
    check(f"vectors {name}: the fault and where", re.search(text, out) is not None,
          f"no /{text}/ in: {out[:800]}")
    rc, out, err = replay(fault(name), **(HANG_T if name == "hang" else {}))
    c = counts(out, "replay:")
    check(f"replay {name}: exit 1 and 3 {verdict} frames, then it stops (--max-faults 3)",
          rc == 1 and c.get(verdict, 0) == 3 and "the replay stopped at frame" in err,
          f"exit {rc}, counts {c}; {err.strip()[:300]}")

# replay: an engine that crashes on a chain and then cannot be opened again
# in a fresh engine host stops the run at the chain's first frame, with the
# reason, whether one process replays or jobs do (a job used to go dead
# without saying so, and the run ended "no frame was judged").
mark = os.path.join(tempfile.mkdtemp(prefix="ipoc-fault-mark-"), "crashed")
for jobs in ("1", "2"):
    if os.path.exists(mark):
        os.unlink(mark)
    os.environ["IPOC_FAULT_MARK"] = mark
    rc, out, err = replay(fault("no_reopen"), "--jobs", jobs)
    del os.environ["IPOC_FAULT_MARK"]
    check(f"replay, no reopen after a crash, --jobs {jobs}: stops at frame 1 with the reason",
          rc == 1 and "the replay stopped at frame 1:" in err and "no frame was judged" not in err,
          f"exit {rc}; {err.strip()[-400:]}")

# replay --jobs: an engine that faults on every IPsec frame gives the same
# lines, the same closing counts and stops at the same frame (--max-faults
# counted over the jobs, in capture order) with --jobs 1, 2 and 3; jobs take
# 64 frames at a time here, so the 87 frames are shared out, and a limit of
# 70 stops the run in the second chunk.
os.environ["IPOC_REPLAY_CHUNK"] = "64"
for name, limit in [("crash", "3"), ("crash", "70"), ("exit", "5"), ("write_past", "4")]:
    runs = []
    for jobs in ("1", "2", "3"):
        rc, out, err = replay(fault(name), "--max-faults", limit, "--verbose", "--jobs", jobs)
        # (the time line and the fault addresses, which differ from run to run)
        out = re.sub(r"^\d+\.\d+ s, \d+ frames/s$", "", out, flags=re.M)
        runs.append((rc, re.sub(r"0x[0-9a-f]{9,}", "0xADDR", out), err))
    check(f"replay {name} --max-faults {limit}: --jobs 1 stops with a fault verdict",
          runs[0][0] == 1 and "the replay stopped at frame" in runs[0][2],
          f"exit {runs[0][0]}; {runs[0][2][-300:]}")
    for jobs, r in zip(("2", "3"), runs[1:]):
        check(f"replay {name} --max-faults {limit}: --jobs {jobs} as --jobs 1", r == runs[0],
              f"exit {r[0]} vs {runs[0][0]}; stderr {r[2][-200:]!r} vs {runs[0][2][-200:]!r}; "
              f"stdout {len(r[1])} vs {len(runs[0][1])} chars")
del os.environ["IPOC_REPLAY_CHUNK"]

for name, text in [("write_before", "guard before the buffer corrupted at byte -1"),
                   ("trim", "DataLength changed")]:
    rc, out, err = vectors(fault(name))
    c = counts(out, VEC + ":")
    check(f"vectors {name}: failed with the reason", rc == 1 and c.get("failed", 0) > 0 and
          text in out, f"exit {rc}, counts {c}; {out[:600]}")
    rc, out, err = replay(fault(name))
    check(f"replay {name}: failed with the reason", rc == 1 and text in out,
          f"exit {rc}; {out[:600]}")

# A send that ends the process.
rc, out, err = vectors(fault("exit_send"))
check("vectors exit_send: exited in SEND, exit 1",
      rc == 1 and "exited with status 3 in SEND" in out, f"exit {rc}; {out[:600]}")

# Capability honesty: claims everything, refuses every ADD_SA.
rc, out, err = vectors(fault("lies"))
c = counts(out, VEC + ":")
check("vectors lies: every case failed, none unsupported",
      rc == 1 and c.get("failed", 0) > 0 and c.get("passed", 0) == 0 and
      "capability honesty" in out and "0 unsupported" in out, f"exit {rc}, counts {c}; {out[:600]}")
rc, out, err = replay(fault("lies"))
check("replay lies: refused SAs fail the run", rc == 1 and "refused the SA" in out,
      f"exit {rc}; {out[:400]}")

# The mandatory OID answered NOT_SUPPORTED.
for cmd in (["info"], ["vectors", VEC], ["replay", CAP, "--keys", KEYS, "--quiet"]):
    rc, out, err = ipoc(cmd[0], "--engine", fault("no_caps"), *cmd[1:])
    check(f"{cmd[0]} no_caps: exit 1 naming the OID",
          rc == 1 and "OID_TCP_OFFLOAD_CURRENT_CONFIG (mandatory) failed with "
          "NDIS_STATUS_NOT_SUPPORTED" in err, f"exit {rc}; {err.strip()}")

# An engine that does not open: exit 3 everywhere.
good = os.path.join(FIXTURES, "libfixture_good.so")
for cmd in (["info"], ["vectors", VEC], ["replay", CAP, "--keys", KEYS, "--quiet"]):
    rc, out, err = ipoc(cmd[0], "--engine", good, *cmd[1:])
    check(f"{cmd[0]} open fails: exit 3", rc == 3 and "open failed with NDIS_STATUS_NOT_SUPPORTED"
          in err, f"exit {rc}; {err.strip()}")
    rc, out, err = ipoc(cmd[0], "--engine", good, "--in-process", *cmd[1:])
    check(f"{cmd[0]} open fails in process: exit 3", rc == 3, f"exit {rc}; {err.strip()}")

# An engine that prints: its output does not reach our stdout.
rc, out, err = vectors(fault("noisy"))
check("vectors noisy: passes", rc == 0, f"exit {rc}; {out[-400:]} {err[-400:]}")
check("vectors noisy: nothing of the engine's on stdout", "fault engine:" not in out,
      out[:400])
rc, out, err = ipoc("info", "--json", "--engine", fault("noisy"))
try:
    ok = json.loads(out)["engine"]["name"] == "fault-noisy"
except ValueError as e:
    ok = False
    out = f"{e}: {out[:300]}"
check("info --json noisy: stdout is one JSON object", rc == 0 and ok, out[:300])

# The same engine in process: a fault is the harness's then, but a correct
# engine passes either way.
rc, out, err = vectors(fault("noisy"), "--in-process")
check("vectors noisy --in-process: passes", rc == 0, f"exit {rc}")

# validate: the first cases that reach the fault get its verdict, with a
# reproducer that `ipoc repro` runs into the same fault; after --max-faults
# the rest is not run, and the run fails.
tmp = tempfile.mkdtemp(prefix="ipoc-verdicts-")


def validate(engine, *extra, timeout="10"):
    js = os.path.join(tmp, "v.json")
    if os.path.exists(js):
        os.remove(js)
    rc, out, err = ipoc("validate", "--engine", engine, "--timeout", timeout, "--max-faults", "3",
                        "--repro-dir", os.path.join(tmp, "repro"), "--json", js, "--quiet",
                        *extra)
    try:
        with open(js) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = None
    return rc, out, err, doc


for name, verdict, text, in_repro in [
        ("crash", "crashed", r"crashed \(SIGSEGV\) in RECEIVE", "SIGSEGV"),
        ("abort", "crashed", r"crashed \(SIGABRT\) in RECEIVE", "SIGABRT"),
        ("hang", "hung", r"hung in RECEIVE \(no answer in 500 ms\)", "hung"),
        ("exit", "exited", r"exited with status 0 in RECEIVE", "exited"),
        ("exit_send", "exited", r"exited with status 3 in SEND", "exited"),
        ("read_past", "crashed", r"1 byte\(s\) past the end of an MDL buffer", "guard page"),
        ("write_past", "crashed", r"1 byte\(s\) past the end of an MDL buffer", "guard page"),
]:
    rc, out, err, doc = validate(fault(name), "--jobs", "1",
                                 **(HANG_T if name == "hang" else {}))
    got = [c for c in (doc or {}).get("cases", []) if c["verdict"] == verdict]
    check(f"validate {name}: exit 1, 3 cases {verdict}, the run stopped",
          rc == 1 and doc is not None and len(got) == 3 and doc["stopped"] and
          doc["summary"]["passed"] > 0, f"exit {rc}; {err.strip()[:300]} {out[-300:]}")
    check(f"validate {name}: the fault and where", re.search(text, out) is not None,
          f"no /{text}/ in: {out[:800]}")
    check(f"validate {name}: the rest not run", "the run stopped: the engine faulted 3 times "
          "(--max-faults)" in out, out[-400:])
    if got:
        rp = got[0]["reproducer"]
        check(f"validate {name}: a reproducer", rp != "" and os.path.isfile(rp), f"'{rp}'")
        if rp:
            rc2, out2, err2 = ipoc("repro", rp, "--timeout", "0.5" if name == "hang" else "10")
            check(f"repro {name}: the same fault, exit 1", rc2 == 1 and in_repro in out2 + err2,
                  f"exit {rc2}; {out2[-400:]} {err2[-300:]}")

# In two jobs the limit holds over both (a fault in flight may pass it).
rc, out, err, doc = validate(fault("crash"), "--jobs", "2")
n = sum(1 for c in (doc or {}).get("cases", []) if c["verdict"] == "crashed")
check("validate crash --jobs 2: the run stops at --max-faults over both jobs",
      rc == 1 and doc and doc["stopped"] and 3 <= n <= 4 and
      "the run stopped: the engine faulted" in out, f"exit {rc}, {n} crashed; {out[-300:]}")

for name, text in [("write_before", "guard before the buffer corrupted at byte -1"),
                   ("trim", "DataLength changed"),
                   ("lies", "capability honesty: the engine claims what the SA needs, yet "
                    "ADD_SA failed with NDIS_STATUS_NOT_SUPPORTED")]:
    rc, out, err, doc = validate(fault(name))
    s = (doc or {}).get("summary", {})
    check(f"validate {name}: failed with the reason, nothing unsupported",
          rc == 1 and s.get("failed", 0) > 0 and s.get("unsupported", 1) == 0 and text in out,
          f"exit {rc}, summary {s}; {out[:600]}")

rc, out, err, doc = validate(fault("no_caps"))
check("validate no_caps: exit 1 naming the OID",
      rc == 1 and "OID_TCP_OFFLOAD_CURRENT_CONFIG (mandatory) failed with "
      "NDIS_STATUS_NOT_SUPPORTED" in err, f"exit {rc}; {err.strip()}")
for extra in ([], ["--in-process"]):
    rc, out, err, doc = validate(good, *extra)
    check(f"validate open fails {extra}: exit 3", rc == 3 and "open failed with "
          "NDIS_STATUS_NOT_SUPPORTED" in err, f"exit {rc}; {err.strip()}")
rc, out, err, doc = validate(fault("noisy"), "--area", "send")
check("validate noisy (send area): passes, nothing of the engine's on stdout",
      rc == 0 and doc and doc["summary"]["passed"] > 100 and "fault engine:" not in out,
      f"exit {rc}; {out[-400:]}")

# bench runs a non-reference engine's whole bench in a child: a fault names
# the cell, the cells measured before it are still reported, exit 1.
def bench(engine, *extra, timeout="10"):
    return ipoc("bench", "--engine", engine, "--algorithms", "aes-gcm-128", "--sizes", "64",
                "--seconds", "0.02", "--timeout", timeout, *extra)


# (Under the sanitizers a SIGSEGV reaches ASan's handler first: it reports
# and aborts.)
for name, text in [("crash", r"crashed \((SIGSEGV|SIGABRT, sanitizer report|sanitizer report, "
                             r"exit status \d+)\) in cell aes-gcm-128 64 receive"),
                   ("hang", r"hung \(killed after its deadline\) in cell aes-gcm-128 64 receive"),
                   ("exit_send", r"exited with status 3 in cell aes-gcm-128 64 send")]:
    rc, out, err = bench(fault(name), **(HANG_T if name == "hang" else {}))
    check(f"bench {name}: exit 1 naming the cell", rc == 1 and re.search(text, err),
          f"exit {rc}; {err[-400:]}")
    if name != "exit_send":
        check(f"bench {name}: the send cell before it reported",
              re.search(r"^aes-gcm-128 +64 +\d+ send +\d+", out, re.M) is not None, out[:600])
rc, out, err = bench(fault("lies"))
check("bench lies: a claimed algorithm refused is an error, not unsupported",
      rc == 1 and "ERROR: capability honesty: claimed, yet outbound ADD_SA" in out
      and "UNSUPPORTED" not in out, f"exit {rc}; {out[-600:]}")
rc, out, err = bench(fault("noisy"), "--json")
try:
    ok = json.loads(out)["engine"]["name"] == "fault-noisy"
except ValueError as e:
    ok = False
    out = f"{e}: {out[:300]}"
check("bench noisy --json: passes, stdout is one JSON object", rc == 0 and ok, out[:300])
for extra in ([], ["--in-process"]):
    rc, out, err = bench(good, *extra)
    check(f"bench open fails {extra}: exit 3", rc == 3 and "open failed" in err,
          f"exit {rc}; {err}")
rc, out, err = bench(fault("crash"), "--in-process", "--direction", "send")
check("bench --in-process: the engine runs here (send is sound)", rc == 0, f"exit {rc}; {err}")

check.exit()
