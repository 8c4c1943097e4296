#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite `conformance`: what a case that did not pass leaves beside its
reproducer opens decrypted in tshark, says in every frame which case and
step it is and why the case failed, and runs again on its own.

  validate, a receive case (mutant icv-short, class-001 with
  AES-CBC-192 + HMAC-SHA-256-128): NAME.repro, NAME.pcapng, NAME.esp_sa and
  NAME.case side by side for every failed case; tshark decrypts the
  "received" frame with the esp_sa records (Next Header and pad length
  found, an upper layer dissected behind ESP) and finds its ICV bad: the
  forgery the engine accepted; every frame's comment names the case, its
  step ("received", "indicated") and the reason in the JSON report; the
  timestamps lie within the run, in order;
  validate, a send case (mutant iv-counter-stuck, send-005 with AES-GCM
  ICV 16): the frames "sent by the engine" decrypt in tshark with good
  ICVs, beside the "send in" frames they came from;
  a key file with one key byte changed turns those good ICVs bad (the check
  can fail);
  `ipoc validate --case NAME.case` fails the case again on the mutant (the
  engine the file names, and with --engine), passes it on the reference,
  and runs that one case only; a file from another ipoc version runs with a
  warning; a foreign or unreadable FILE (a .repro, a pcapng, text, a
  folder, an id the suite does not have) is a usage error naming the file;
  vectors: without --repro-dir nothing is written; with it, each failing
  case x direction x shape leaves NAME.pcapng (input, produced, expected)
  and NAME.esp_sa: the expected frame of a failed send (mutant
  offsets-wrong-unit) decrypts with a good ICV, the tampered input of a
  failed receive (mutant codes-swapped) shows its bad ICV.

usage: test_repro.py IPOC REF_ENGINE MUTANT_DIR VECTOR_DIR
Exit 77 (skipped) when tshark is missing.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "ci"))
from testcheck import Tally  # noqa: E402

IPOC, REF, MUTANTS, VECTORS = (os.path.abspath(a) for a in sys.argv[1:5])
TSHARK = shutil.which("tshark")
check = Tally("repro")




def ipoc(*args, cwd=None):
    p = subprocess.run([IPOC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace", timeout=300, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def mutant(name):
    return os.path.join(MUTANTS, f"libipoc_mutant_{name}.so")


def records(keyfile):
    with open(keyfile) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


FIELDS = ["frame.number", "frame.time_epoch", "esp.spi", "esp.icv_good", "esp.icv_bad",
          "esp.pad_len", "esp.protocol", "frame.protocols", "frame.comment"]


def tshark(capture, recs):
    """One dict per frame, tshark decrypting with the esp_sa records."""
    cmd = [TSHARK, "-n", "-r", capture, "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE",
           # random payloads on well-known ports: read them as data (tshark_check.py)
           "-d", "udp.port==1-499,data", "-d", "udp.port==501-4499,data",
           "-d", "udp.port==4501-65535,data", "-d", "tcp.port==1-65535,data",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=/t"]
    for r in recs:
        cmd += ["-o", "uat:esp_sa:" + r]
    for f in FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tshark: {p.stderr}")
    rows = []
    for line in p.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        rows.append(dict(zip(FIELDS, v)))
    return rows


def decrypted(row):
    """tshark found the trailer (pad length, next header) and a layer behind ESP."""
    protos = row["frame.protocols"].split(":")
    return (row["esp.pad_len"] != "" and row["esp.protocol"] != "" and "esp" in protos and
            protos.index("esp") + 1 < len(protos))


def step_of(row):
    m = re.match(r"^(\S+): (send in|sent by the engine|received|indicated)\b",
                 row["frame.comment"])
    return m.groups() if m else (None, None)


if not TSHARK:
    print("tshark not found: skipped")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="ipoc-repro-")

# ---- validate: a receive case -------------------------------------------
RX = "class-001/esp.aes-cbc-192+hmac-sha256-128/*"
rdir = os.path.join(tmp, "rx")
t0 = time.time()
rc, out, err = ipoc("validate", "--engine", mutant("icv-short"), "--case", RX, "--quiet",
                    "--repro-dir", rdir, "--json", os.path.join(tmp, "rx.json"))
t1 = time.time()
check("icv-short: validate fails", rc == 1, f"exit {rc}; {out[-800:]} {err}")
with open(os.path.join(tmp, "rx.json")) as f:
    doc = json.load(f)
bad = [c for c in doc["cases"] if c["verdict"] == "failed"]
check("icv-short: both modes of the case fail", len(bad) == 2, [c["id"] for c in bad])
for c in bad:
    stem = c["reproducer"][:-len(".repro")]
    have = [os.path.exists(stem + e) for e in (".repro", ".pcapng", ".esp_sa", ".case")]
    check(f"{c['id']}: .repro, .pcapng, .esp_sa and .case side by side", all(have), have)
case_rx = next(c for c in bad if c["id"].endswith("/transport"))
stem = case_rx["reproducer"][:-len(".repro")]
recs = records(stem + ".esp_sa")
check("receive: one esp_sa record (the SA and its inbound twin share it)", len(recs) == 1, recs)
check("receive: the record names the algorithms as Wireshark 4.0 does",
      recs and '"AES-CBC [RFC3602]"' in recs[0] and '"HMAC-SHA-256-128 [RFC4868]"' in recs[0],
      recs)
rows = tshark(stem + ".pcapng", recs)
steps = [step_of(r) for r in rows]
check("receive: frames received and indicated",
      [s for _, s in steps] == ["received", "indicated"], steps)
check("receive: every comment names the case", all(i == case_rx["id"] for i, _ in steps), steps)
check("receive: every comment gives why the case failed",
      all(r["frame.comment"].endswith("case failed: " + case_rx["why"]) for r in rows),
      [r["frame.comment"] for r in rows])
recv = next((r for r in rows if step_of(r)[1] == "received"), None)
check("receive: tshark decrypts the received frame", recv and decrypted(recv), recv)
check("receive: tshark finds its ICV bad (the forgery the engine took)",
      recv and recv["esp.icv_bad"] == "1" and recv["esp.icv_good"] == "0", recv)
ind = next((r for r in rows if step_of(r)[1] == "indicated"), None)
check("receive: the indicated frame's comment has the engine's slot 1",
      ind and "CryptoStatus CRYPTO_SUCCESS" in ind["frame.comment"], ind)
ts = [float(r["frame.time_epoch"]) for r in rows]
check("receive: timestamps within the run, in order",
      ts and all(t0 - 1 <= t <= t1 + 1 for t in ts) and ts == sorted(ts), (t0, ts, t1))
with open(stem + ".case") as f:
    text = f.read()
check("receive: the case file holds id, version, engine, expected and seen",
      f"\nid {case_rx['id']}\n" in text and re.search(r"^ipoc-version \S+$", text, re.M) and
      f"\nengine {mutant('icv-short')}\n" in text and "\nexpected passed: " in text and
      f"\nseen failed: {case_rx['why']}\n" in text, text)

# ---- validate: a send case ----------------------------------------------
TX = "send-005/esp.aes-gcm-128.icv16"
sdir = os.path.join(tmp, "tx")
rc, out, err = ipoc("validate", "--engine", mutant("iv-counter-stuck"), "--case", TX, "--quiet",
                    "--repro-dir", sdir)
check("iv-counter-stuck: validate fails the case", rc == 1 and f"FAIL        {TX}:" in out,
      f"exit {rc}; {out[-800:]}")
tx_stem = os.path.join(sdir, "send-005_esp.aes-gcm-128.icv16")
recs_tx = records(tx_stem + ".esp_sa")
check("send: one AES-GCM record", len(recs_tx) == 1 and
      '"AES-GCM with 16 octet ICV [RFC4106]"' in recs_tx[0], recs_tx)
rows = tshark(tx_stem + ".pcapng", recs_tx)
sent = [r for r in rows if step_of(r)[1] == "sent by the engine"]
sin = [r for r in rows if step_of(r)[1] == "send in"]
check("send: frames handed over and transmitted", len(sent) >= 2 and len(sin) == len(sent),
      [step_of(r) for r in rows])
check("send: tshark decrypts every transmitted frame with a good ICV",
      sent and all(decrypted(r) and r["esp.icv_good"] == "1" for r in sent), sent)
check("send: comments name the case", all(step_of(r)[0] == TX for r in rows),
      [r["frame.comment"] for r in rows])
# The same check with one key byte changed must fail.
def flip_key(rec):
    """rec with the first byte of its encryption key (field 6) changed."""
    f = rec[1:-1].split('","')
    f[5] = "0x%02x" % (int(f[5][2:4], 16) ^ 1) + f[5][4:]
    return '"' + '","'.join(f) + '"'


wrong = flip_key(recs_tx[0]) if recs_tx else ""
rows_w = tshark(tx_stem + ".pcapng", [wrong]) if wrong else []
check("send: a wrong key gives no good ICV (the check can fail)",
      wrong != (recs_tx[0] if recs_tx else "") and sent and
      not any(r["esp.icv_good"] == "1" for r in rows_w if step_of(r)[1] == "sent by the engine"),
      rows_w)

# ---- ipoc validate --case FILE ------------------------------------------
cfile = stem + ".case"
again = os.path.join(tmp, "again")
rc, out, err = ipoc("validate", "--case", cfile, "--engine", mutant("icv-short"), "--quiet",
                    "--repro-dir", again)
check("--case FILE --engine MUTANT: fails that one case",
      rc == 1 and "validate: 0 passed, 1 failed" in out and
      f"FAIL        {case_rx['id']}: {case_rx['why']}" in out, f"exit {rc}; {out} {err}")
rc, out, err = ipoc("validate", "--case", cfile, "--quiet", "--repro-dir", again)
check("--case FILE: on the engine the file names", rc == 1 and "ipoc-mutant-icv-short" in out
      and "validate: 0 passed, 1 failed" in out, f"exit {rc}; {out} {err}")
rc, out, err = ipoc("validate", "--case", cfile, "--engine", REF, "--quiet",
                    "--repro-dir", again)
check("--case FILE --engine REF: passes it", rc == 0 and "validate: 1 passed, 0 failed" in out,
      f"exit {rc}; {out} {err}")
check("--case FILE: no version warning from this ipoc", "warning" not in err, err)
other = os.path.join(tmp, "other.case")
with open(other, "w") as f:
    f.write(re.sub(r"^ipoc-version .*$", "ipoc-version 0.0.1-older", text, flags=re.M))
rc, out, err = ipoc("validate", "--case", other, "--quiet", "--repro-dir", again)
check("--case FILE of another version: a warning naming it, and the run",
      rc == 1 and other in err and "0.0.1-older" in err and "warning" in err and
      "validate: 0 passed, 1 failed" in out, f"exit {rc}; {out} {err}")
foreign = {"a reproducer": stem + ".repro", "a capture": stem + ".pcapng",
           "a key file": stem + ".esp_sa", "a folder": rdir}
unknown = os.path.join(tmp, "unknown.case")
with open(unknown, "w") as f:
    f.write(text.replace(f"\nid {case_rx['id']}\n", "\nid class-999/none\n"))
foreign["an id the suite lacks"] = unknown
noid = os.path.join(tmp, "noid.case")
with open(noid, "w") as f:
    f.write(re.sub(r"^id .*\n", "", text, flags=re.M))
foreign["no id"] = noid
for what, path in foreign.items():
    rc, out, err = ipoc("validate", "--case", path, "--engine", REF, "--quiet",
                        "--repro-dir", again)
    check(f"--case {what}: a usage error naming the file", rc == 2 and path in err and
          "validate:" not in out, f"exit {rc}; {out} {err}")

# ---- ipoc vectors --repro-dir --------------------------------------------
vdir = os.path.join(tmp, "vec")
vec = os.path.join(VECTORS, "gen-esp-algorithms.vec")
plain_cwd = os.path.join(tmp, "cwd")
os.mkdir(plain_cwd)
rc, out, err = ipoc("vectors", "--engine", mutant("offsets-wrong-unit"), "--shapes", "1", vec,
                    cwd=plain_cwd)
check("vectors without --repro-dir: fails and writes nothing",
      rc == 1 and os.listdir(plain_cwd) == [] and "reproducer" not in out,
      f"exit {rc}; {os.listdir(plain_cwd)}")
rc, out, err = ipoc("vectors", "--engine", mutant("offsets-wrong-unit"), "--shapes", "2",
                    "--repro-dir", vdir, vec)
fails = re.findall(r"^FAIL +(\S+) \(line \d+\) (send|receive) shape (\d)", out, re.M)
caps = sorted(glob.glob(os.path.join(vdir, "*.pcapng")))
check("vectors --repro-dir: a capture and a key file per failure",
      rc == 1 and fails and len(caps) == len(fails) and
      all(os.path.exists(c[:-len(".pcapng")] + ".esp_sa") for c in caps),
      f"exit {rc}; {len(fails)} failures, {len(caps)} captures")
CASE = "alg.v4.aes-cbc-128.hmac-sha1-96"
vs = os.path.join(vdir, f"gen-esp-algorithms_{CASE}_send_shape1")
if os.path.exists(vs + ".pcapng"):
    rows = tshark(vs + ".pcapng", records(vs + ".esp_sa"))
    kinds = [re.search(r"shape 1: (input|the engine's|expected)", r["frame.comment"])
             for r in rows]
    check("vectors send: input and expected frames, commented with the case",
          [k and k.group(1) for k in kinds] == ["input", "expected"] and
          all(f"case {CASE} (line" in r["frame.comment"] for r in rows),
          [r["frame.comment"][:200] for r in rows])
    check("vectors send: tshark decrypts the expected frame with a good ICV",
          len(rows) == 2 and decrypted(rows[1]) and rows[1]["esp.icv_good"] == "1", rows)
else:
    check(f"vectors send: {vs}.pcapng written", False, sorted(os.listdir(vdir))[:10])
ndir = os.path.join(tmp, "neg")
rc, out, err = ipoc("vectors", "--engine", mutant("codes-swapped"), "--shapes", "1",
                    "--repro-dir", ndir, os.path.join(VECTORS, "gen-negative.vec"))
NEG = "esp-tamper.v4.transport.aes-cbc-128.sha1.ct"
ns = os.path.join(ndir, f"gen-negative_{NEG}_receive_shape0")
check("vectors receive: codes-swapped fails the tampered case", rc == 1 and
      os.path.exists(ns + ".pcapng"), f"exit {rc}; {out[-500:]}")
if os.path.exists(ns + ".pcapng"):
    rows = tshark(ns + ".pcapng", records(ns + ".esp_sa"))
    check("vectors receive: input and the engine's indicated frame",
          len(rows) == 2 and ": input: " in rows[0]["frame.comment"] and
          ": the engine's: indicated" in rows[1]["frame.comment"] and
          "CRYPTO_TUNNEL_ESP_AUTH_FAILED" in rows[1]["frame.comment"],
          [r["frame.comment"] for r in rows])
    check("vectors receive: tshark decrypts the input and finds the tampered ICV bad",
          rows and decrypted(rows[0]) and rows[0]["esp.icv_bad"] == "1", rows[:1])

shutil.rmtree(tmp)
check.exit()
