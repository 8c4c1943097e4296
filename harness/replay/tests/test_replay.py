#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`ipoc replay` end to end (pcaps/README.md).

  test_replay.py IPOC REF_ENGINE PCAPS_DIR

- every link type of the corpus (Ethernet with and without 802.1Q tags,
  Linux SLL and SLL2, raw IP 101, IPv4 228, IPv6 229, BSD NULL 0, LOOP 108)
  in both file formats and with both key-file formats: exit 0 and
  `replay: N passed, 0 failed`, N the capture's frames (a skipped record is
  judged too: with no IP packet it is passed through, so only `pass` fits);
- 802.1ad S-tags and Q-in-Q stacks (the corpus' 802.1Q capture retagged);
- records that are not IP (ARP in SLL) are skipped and the replay goes on;
- differential mode (--engine without --expect), --write-failures (the
  pcapng libpcap and tshark read back, with the captured timestamps and a
  comment per frame; the key file beside it, and Wireshark's esp_sa file,
  with which tshark decrypts the failures), --reencrypt (transport over
  tunnel too);
- the own-keys rule (no --expect, no --engine): every frame an offloaded SA
  matches must decrypt, the others are listed as failures with frame, SPI
  and outcome; --allow-failures lists them instead;
- NAT-T with an esp_sa key file: the UDP encapsulation inferred per SPI from
  the capture (and the capture failing without the inference), --nat-t;
- ESN past the first epoch: xfrm seq-hi and esp_sa ESN High Bits carried
  into SequenceNumberHighOrder (and the capture failing with 0);
- expectations with alternatives; --verbose naming the SPI; a capture
  without IPsec replayed with no SA (no --keys, or an empty key file);
- every malformed input: exit 2 and one line naming the file (and line);
  usage errors.

Each check is named; a failure prints `FAIL: name: why`. The last line is
`replay: N passed, M failed`.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

IPOC, REF, PCAPS = sys.argv[1], sys.argv[2], sys.argv[3]
CORPUS = os.path.join(PCAPS, "corpus")
TSHARK = shutil.which("tshark")

passed = failed = 0


def check(name, cond, why=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}: {why}")
    return cond


# --- capture files ---------------------------------------------------------

LT_NAMES = {0: "NULL", 1: "EN10MB", 101: "RAW", 105: "IEEE802_11", 108: "LOOP",
            113: "LINUX_SLL", 228: "IPV4", 229: "IPV6", 276: "LINUX_SLL2"}


def read_capture(path):
    """(format, linktype, [record bytes]) of a pcap or pcapng file."""
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        lt = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
        recs, off = [], 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            recs.append(data[off + 16:off + 16 + incl])
            off += 16 + incl
        return "pcap", lt, recs
    if magic == b"\x0a\x0d\x0d\x0a":
        e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        lts, recs, off = [], [], 0
        while off + 12 <= len(data):
            btype, blen = struct.unpack(e + "II", data[off:off + 8])
            body = data[off + 8:off + blen - 4]
            if btype == 1:
                lts.append(struct.unpack(e + "H", body[:2])[0])
            elif btype == 6:
                cap = struct.unpack(e + "I", body[12:16])[0]
                recs.append(body[20:20 + cap])
            elif btype == 3:
                orig = struct.unpack(e + "I", body[:4])[0]
                recs.append(body[4:4 + min(orig, len(body) - 4)])
            off += blen
        return "pcapng", (lts[0] if lts else None), recs
    raise ValueError(f"{path}: not a capture")


def capture_times(path):
    """[timestamp in ns] of every record of a pcap or pcapng file (pcapng:
    the interface's if_tsresol, 10^-6 when absent)."""
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        scale = 1 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1000
        out, off = [], 24
        while off + 16 <= len(data):
            sec, sub, incl = struct.unpack(e + "III", data[off:off + 12])
            out.append(sec * 10**9 + sub * scale)
            off += 16 + incl
        return out
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    out, off, unit = [], 0, 1000
    while off + 12 <= len(data):
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            o = 8
            while o + 4 <= len(body):
                code, ln = struct.unpack(e + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9:
                    r = body[o + 4]
                    unit = 10**(9 - r) if r < 128 else None
                o += 4 + ln + (-ln % 4)
        elif btype == 6:
            hi, lo = struct.unpack(e + "II", body[4:12])
            out.append(((hi << 32) | lo) * unit)
        off += blen
    return out


def epb_comment(body, e):
    """The opt_comment of an Enhanced Packet Block body, or None."""
    cap = struct.unpack(e + "I", body[12:16])[0]
    o = 20 + cap + (-cap % 4)
    while o + 4 <= len(body):
        code, ln = struct.unpack(e + "HH", body[o:o + 4])
        if code == 0:
            return None
        if code == 1:
            return body[o + 4:o + 4 + ln].decode("utf-8", "replace")
        o += 4 + ln + (-ln % 4)
    return None


def esp_sa_records(path):
    """The records of an esp_sa file (its non-comment lines)."""
    return [l for l in open(path).read().split("\n") if l.strip() and not l.lstrip().startswith("#")]


def tshark_esp(capture, esp_sa):
    """tshark's reading of capture with the esp_sa file's records, as
    pcaps/tshark_check.py runs it: per frame (frame number, [ESP SPIs],
    [icv_good], [icv_bad], protocols)."""
    cmd = [TSHARK, "-n", "-r", capture, "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE",
           "-d", "udp.port==1-499,data", "-d", "udp.port==501-4499,data",
           "-d", "udp.port==4501-65535,data", "-d", "tcp.port==1-65535,data",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=/t"]
    for r in esp_sa_records(esp_sa):
        cmd += ["-o", "uat:esp_sa:" + r]
    for f in ("frame.number", "esp.spi", "esp.icv_good", "esp.icv_bad", "frame.protocols"):
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rows = []
    for line in p.stdout.splitlines():
        v = (line.split("\t") + [""] * 5)[:5]
        rows.append((int(v[0]), [x for x in v[1].split(",") if x], [x for x in v[2].split(",") if x],
                     [x for x in v[3].split(",") if x], v[4]))
    return p.returncode, rows, p.stderr


def pcapng_blocks(path):
    """[(type, body)] of a pcapng file; raises on a malformed block."""
    data = open(path, "rb").read()
    if data[:4] != b"\x0a\x0d\x0d\x0a":
        raise ValueError("no section header block")
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    if e == ">" and data[8:12] != b"\x1a\x2b\x3c\x4d":
        raise ValueError("bad byte-order magic")
    out, off = [], 0
    while off < len(data):
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        if blen < 12 or blen % 4 or off + blen > len(data):
            raise ValueError(f"block at {off}: bad length {blen}")
        if struct.unpack(e + "I", data[off + blen - 4:off + blen])[0] != blen:
            raise ValueError(f"block at {off}: trailing length differs")
        out.append((btype, data[off + 8:off + blen - 4], e))
        off += blen
    return out


def write_pcap(path, lt, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, lt))
        for i, r in enumerate(recs):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(r), len(r)) + r)


def write_pcapng(path, lt, recs):
    def block(t, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", lt, 0, 0)))
        for r in recs:
            f.write(block(6, struct.pack("<IIIII", 0, 0, 0, len(r), len(r)) + r))


def is_ip_record(lt, r):
    """Whether a record of link type lt carries an IPv4/IPv6 packet
    (pcap_in.h: anything else is skipped; Ethernet frames never are)."""
    if lt == 1:
        return True
    if lt in (101, 228, 229):
        return len(r) >= 1 and r[0] >> 4 in (4, 6)
    if lt == 113:
        return len(r) >= 16 and r[14:16] in (b"\x08\x00", b"\x86\xdd")
    if lt == 276:
        return len(r) >= 20 and r[0:2] in (b"\x08\x00", b"\x86\xdd")
    if lt in (0, 108):
        if len(r) < 4:
            return False
        be, le = struct.unpack(">I", r[:4])[0], struct.unpack("<I", r[:4])[0]
        af = be if lt == 108 or be < 256 else le
        return af in (2, 10, 24, 28, 30)
    return False


def vlan_tagged(r):
    return len(r) >= 18 and r[12:14] in (b"\x81\x00", b"\x88\xa8")


# --- expectations files ----------------------------------------------------

def expect_text(name):
    return open(os.path.join(CORPUS, name + ".expect")).read()


def expect_frames(text):
    return int(re.search(r"^frames (\d+)", text, re.M).group(1))


def line_of(lines, prefix):
    """1-based number of the first line starting with prefix."""
    for i, l in enumerate(lines):
        if l.startswith(prefix):
            return i + 1
    raise KeyError(prefix)


def reencryptable(text):
    """Frames --reencrypt sends back: every CRYPTO_SUCCESS, transport over
    tunnel (NextCryptoDone 1) too; (all, nested)."""
    ok = [l.split("#")[0] for l in text.split("\n") if re.match(r"\d+ CRYPTO_SUCCESS\b", l)]
    return len(ok), sum(1 for l in ok if "next_crypto_done=1" in l)


# --- running ipoc ------------------------------------------------------------

def ipoc(*args):
    p = subprocess.run([IPOC, "replay", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace", timeout=120)
    return p.returncode, p.stdout, p.stderr


def summary(out):
    """(frames, skipped, passed, failed) from the summary lines, None where absent."""
    m = re.search(r"^frames (\d+): \d+ CryptoDone, \d+ without IPsec processing, (\d+) skipped$",
                  out, re.M)
    r = re.findall(r"^replay: (\d+) passed, (\d+) failed$", out, re.M)
    return (int(m.group(1)) if m else None, int(m.group(2)) if m else None,
            int(r[-1][0]) if r else None, int(r[-1][1]) if r else None)


def c(name):
    return os.path.join(CORPUS, name)


def keys_of(name):
    for ext in (".esp_sa", ".xfrm"):
        if os.path.exists(c(name + ext)):
            return c(name + ext)
    raise FileNotFoundError(name)


# --- 1. the corpus: every link type x file format x key-file format ---------

# capture, link type in the file, whether 802.1Q tags must be present
LINK_TABLE = [
    ("esp-null-hmac.pcap", 1, False),
    ("esp-aes-gcm-256.pcapng", 1, False),            # big-endian pcapng
    ("esp-aes-gcm-128-esn-udp.pcapng", 1, False),
    ("esp-nested.pcapng", 1, False),
    ("esp-des-cbc.pcapng", 1, True),
    ("esp-aes-gcm-192-esn-udp.pcap", 1, True),
    ("esp-3des-cbc-esn-udp.pcapng", 1, True),
    ("esp-3des-cbc.pcap", 113, False),
    ("ah-hmac.pcapng", 113, False),
    ("esp-aes-cbc-256-esn-udp.pcap", 113, False),    # ns timestamps
    ("esp-aes-cbc-128.pcapng", 276, False),
    ("esp-null-hmac-esn-udp.pcapng", 276, False),
    ("esp-aes-cbc-192.pcap", 101, False),            # big-endian pcap
    ("esp-des-cbc-esn-udp.pcap", 101, False),
    ("esp-aes-gcm-256-esn-udp.pcapng", 101, False),
    ("esp-aes-gcm-128-ipv4.pcap", 228, False),
    ("esp-aes-gcm-128-ipv6.pcapng", 229, False),
    ("esp-aes-cbc-256.pcapng", 0, False),
    ("esp-aes-cbc-128-esn-udp.pcap", 0, False),
    ("esp-aes-gcm-192.pcap", 108, False),
    ("esp-aes-cbc-192-esn-udp.pcapng", 108, False),
    ("esp-nat-t.pcapng", 1, False),                  # esp_sa keys, NAT-T inferred
    ("esp-esn-epoch.pcapng", 276, False),            # xfrm seq-hi != 0
]

covered = set()
for cap, want_lt, want_vlan in LINK_TABLE:
    base = cap.rsplit(".", 1)[0]
    keys = keys_of(base)
    kfmt = keys.rsplit(".", 1)[1]
    fmt, lt, recs = read_capture(c(cap))
    name = f"corpus {cap} [{LT_NAMES.get(lt, lt)}, {fmt}, {kfmt}]"
    if not check(name + ": link type", lt == want_lt and fmt == cap.rsplit(".", 1)[1],
                 f"the file says {fmt} link type {lt}, the table {want_lt}"):
        continue
    vlan = sum(1 for r in recs if vlan_tagged(r))
    if want_vlan:
        check(name + ": carries 802.1Q tags", vlan > 0, "no tagged frame in the capture")
    text = expect_text(base)
    nframes = expect_frames(text)
    skipped = sum(1 for r in recs if not is_ip_record(lt, r))
    rc, out, err = ipoc(c(cap), "--keys", keys, "--expect", c(base + ".expect"),
                        "--engine", REF, "--quiet")
    fr, sk, ok, bad = summary(out)
    check(name, rc == 0 and fr == nframes == len(recs) and sk == skipped and
          ok == nframes and bad == 0,
          f"exit {rc}, frames {fr} (capture {len(recs)}, expectations {nframes}), skipped {sk} "
          f"(want {skipped}), replay {ok} passed {bad} failed; stderr: {err.strip()}")
    check(name + ": key-file format", f"({kfmt}, " in out, f"header line: {out.splitlines()[:1]}")
    covered.add((lt, fmt, kfmt))

lts = {x[0] for x in covered}
check("coverage: every link type", lts >= {0, 1, 101, 108, 113, 228, 229, 276},
      f"covered {sorted(lts)}")
check("coverage: both formats and key-file formats",
      {x[1] for x in covered} == {"pcap", "pcapng"} and {x[2] for x in covered} == {"esp_sa", "xfrm"},
      f"covered {sorted(covered)}")

with tempfile.TemporaryDirectory(prefix="ipoc-replay-") as tmp:
    T = lambda n: os.path.join(tmp, n)  # noqa: E731

    # --- 2. 802.1ad: S-tag instead of C-tag, and S-tag + C-tag ------------
    fmt, lt, recs = read_capture(c("esp-des-cbc.pcapng"))
    stag = [r[:12] + b"\x88\xa8" + r[14:] if r[12:14] == b"\x81\x00" else r for r in recs]
    qinq = [r[:12] + b"\x88\xa8\x00\x64" + r[12:] if r[12:14] == b"\x81\x00" else r for r in recs]
    text = expect_text("esp-des-cbc")
    for label, variant in (("802.1ad S-tag", stag), ("802.1ad+802.1Q Q-in-Q", qinq)):
        path = T(label.split()[0].replace(".", "") + ("-qinq" if "Q-in-Q" in label else "") + ".pcapng")
        write_pcapng(path, 1, variant)
        rc, out, err = ipoc(path, "--keys", c("esp-des-cbc.esp_sa"), "--expect",
                            c("esp-des-cbc.expect"), "--engine", REF, "--reencrypt", "--quiet")
        fr, sk, ok, bad = summary(out)
        n = expect_frames(text)
        check(f"vlan {label}: every frame as expected", rc == 0 and ok == n and bad == 0,
              f"exit {rc}, replay {ok} passed {bad} failed of {n}; {err.strip()}")
        m = re.search(r"^re-encrypted: (\d+) identical, (\d+) differ, (\d+) not applicable", out, re.M)
        k = reencryptable(text)[0]
        check(f"vlan {label}: --reencrypt covers the tagged frames",
              m and (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (k, 0, 0),
              f"want `re-encrypted: {k} identical, 0 differ, 0 not applicable`, got "
              f"`{m.group(0) if m else None}`")

    # --- 3. records that are not IP are skipped, the replay goes on -------
    fmt, lt, recs = read_capture(c("esp-3des-cbc.pcap"))
    arp = [i + 1 for i, r in enumerate(recs) if r[14:16] == b"\x08\x06"]
    text = expect_text("esp-3des-cbc")
    n = expect_frames(text)
    rc, out, err = ipoc(c("esp-3des-cbc.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--expect",
                        c("esp-3des-cbc.expect"), "--engine", REF, "--verbose", "--quiet")
    check("skip: the SLL corpus capture has an ARP record", len(arp) == 1, f"ARP records {arp}")
    if arp:
        a = arp[0]
        check("skip: ARP in SLL reported as skipped",
              re.search(rf"^frame {a}: skipped: record {a}: not an IPv4 or IPv6 packet$", out, re.M),
              f"no skip line for frame {a} in: {out[:400]}")
        check("skip: the replay goes on after the skipped record",
              rc == 0 and re.search(rf"^frame {a + 1}: ", out, re.M) and
              re.search(rf"^frame {n}: ", out, re.M) and summary(out)[2:] == (n, 0),
              f"exit {rc}, summary {summary(out)}; {err.strip()}")
    # A capture that starts and ends with ARP, IP frames between.
    lines = [l for l in text.split("\n") if re.match(r"\d+ ", l)]
    ip_idx = [i for i in range(len(recs)) if i + 1 not in arp][:6]
    small = [recs[arp[0] - 1]] + [recs[i] for i in ip_idx] + [recs[arp[0] - 1]]
    write_pcap(T("arp.pcap"), 113, small)
    exp = ["frames 8", "1 pass  # ARP"]
    for j, i in enumerate(ip_idx):
        exp.append(f"{j + 2} " + lines[i].split(" ", 1)[1])
    exp.append("8 pass  # ARP")
    open(T("arp.expect"), "w").write("\n".join(exp) + "\n")
    rc, out, err = ipoc(T("arp.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--expect",
                        T("arp.expect"), "--engine", REF, "--quiet")
    check("skip: SLL capture starting and ending with ARP",
          rc == 0 and summary(out) == (8, 2, 8, 0) and "frame 1: skipped" in out and
          "frame 8: skipped" in out, f"exit {rc}, summary {summary(out)}; {out[:300]} {err.strip()}")

    # --- 4. differential mode -------------------------------------------
    for cap in ("esp-3des-cbc.pcap", "esp-nested.pcapng", "esp-aes-gcm-128-esn-udp.pcapng",
                "esp-aes-gcm-128-ipv6.pcapng"):
        base = cap.rsplit(".", 1)[0]
        fmt, lt, recs = read_capture(c(cap))
        skipped = sum(1 for r in recs if not is_ip_record(lt, r))
        rc, out, err = ipoc(c(cap), "--keys", keys_of(base), "--engine", REF, "--quiet")
        check(f"differential {cap}: compared with the reference engine",
              "compared with ipoc-ref" in out.split("\n")[0], f"header line: {out.splitlines()[:1]}")
        check(f"differential {cap}: the same engine agrees on every frame",
              rc == 0 and summary(out) == (len(recs), skipped, len(recs) - skipped, 0),
              f"exit {rc}, summary {summary(out)}; {err.strip()}")
    # Differential and --allow-failures: differences are listed, not failed;
    # the comparison itself is unchanged (the same engine still agrees).
    rc, out, err = ipoc(c("esp-3des-cbc.pcap"), "--keys", keys_of("esp-3des-cbc"), "--engine", REF,
                        "--allow-failures", "--quiet")
    check("differential --allow-failures: the same engine, exit 0, nothing listed",
          rc == 0 and "LISTED" not in out and "not judged (--allow-failures)" in out.split("\n")[0],
          f"exit {rc}: {out[:300]} {err.strip()}")

    # --- 4b. the own-keys rule: no --expect, no --engine ------------------
    for base in ("esp-null-hmac", "esp-nested", "esp-nat-t"):
        cap = [f for f in os.listdir(CORPUS) if f.startswith(base + ".pcap")][0]
        text = expect_text(base)
        lines = {int(l.split()[0]): l for l in text.split("\n") if re.match(r"\d+ ", l)}
        # Frames an SA matches that do not decrypt: every CRYPTO_* line but
        # CRYPTO_SUCCESS (the corpus' `pass` frames are fragments, other
        # destinations, unknown SPIs, lengths beyond the frame: no SA
        # matches them). These three captures have no cross-protocol frame
        # (an ESP packet with an AH SA's SPI matches no SA: the protocol is
        # part of the match).
        want = sorted(n for n, l in lines.items()
                      if l.split()[1] not in ("pass", "CRYPTO_SUCCESS"))
        rc, out, err = ipoc(c(cap), "--keys", keys_of(base), "--quiet")
        got = sorted(int(m.group(1)) for m in
                     re.finditer(r"^frame (\d+): SPI 0x[0-9a-f]{8} \([^)]*\): \S+.*  MISMATCH: the SA of "
                                 r"\S+:\d+ \(SPI 0x[0-9a-f]{8}\) matches it, so it must decrypt", out, re.M))
        check(f"own keys {base}: exit 1, the frames that did not decrypt listed with frame, SPI and "
              f"outcome", rc == 1 and got == want and summary(out)[3] == len(want) and
              "every frame an offloaded SA matches must decrypt" in out.split("\n")[0],
              f"exit {rc}, listed {got[:12]}.. ({len(got)}), want {want[:12]}.. ({len(want)}); "
              f"{out[:300]} {err.strip()}")
        m = re.search(r"^an offloaded SA matches (\d+) frames: (\d+) decrypted, (\d+) did not", out, re.M)
        ok = sum(1 for l in lines.values() if l.split()[1] == "CRYPTO_SUCCESS")
        check(f"own keys {base}: the summary counts matched and decrypted frames",
              m and int(m.group(2)) == ok and int(m.group(3)) == len(want),
              f"`{m.group(0) if m else None}`, want {ok} decrypted, {len(want)} did not")
        rc, out, err = ipoc(c(cap), "--keys", keys_of(base), "--allow-failures", "--quiet")
        got2 = sorted(int(m.group(1)) for m in re.finditer(r"^frame (\d+): .*  LISTED: ", out, re.M))
        check(f"own keys {base} --allow-failures: exit 0, the same frames listed",
              rc == 0 and got2 == want and summary(out)[3] == 0 and "MISMATCH" not in out,
              f"exit {rc}, listed {len(got2)}, want {len(want)}; {err.strip()}")
    # A frame that decrypts where the own-keys rule wants it to: a capture
    # of good frames only passes.
    fmt, lt, recs = read_capture(c("esp-3des-cbc.pcap"))
    el = expect_text("esp-3des-cbc").split("\n")
    good = [int(l.split()[0]) for l in el if re.match(r"\d+ (CRYPTO_SUCCESS|pass)\b", l)]
    write_pcap(T("good.pcap"), lt, [recs[n - 1] for n in good])
    rc, out, err = ipoc(T("good.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--quiet")
    ip_good = sum(1 for n in good if is_ip_record(lt, recs[n - 1]))
    check("own keys: a capture whose SA frames all decrypt passes",
          rc == 0 and summary(out)[2:] == (ip_good, 0), f"exit {rc}, {summary(out)}; {err.strip()}")
    check("--allow-failures with --expect: usage error",
          ipoc(c("esp-3des-cbc.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--expect",
               c("esp-3des-cbc.expect"), "--allow-failures")[0] == 2, "not exit 2")
    rc, out, err = ipoc(c("esp-null-hmac.pcap"), "--keys", c("esp-null-hmac.esp_sa"), "--engine",
                        T("nothere.so"), "--quiet")
    check("--engine missing: exit 3 naming it", rc == 3 and "nothere.so" in err,
          f"exit {rc}: {err.strip()}")

    # --- 5. --write-failures --------------------------------------------
    def flip(base, frame, new):
        """The expectations of base with frame's outcome (and keys) replaced."""
        out = []
        for l in expect_text(base).split("\n"):
            if l.startswith(f"{frame} "):
                l = f"{frame} {new}"
            out.append(l)
        return "\n".join(out)

    def libpcap_reads(path, keys):
        """Frame count of path as libpcap (through ipoc) reads it."""
        rc, out, err = ipoc(path, "--keys", keys, "--allow-failures", "--quiet")
        return summary(out)[0] if rc == 0 else f"exit {rc}: {err.strip()}"

    def first_success(base):
        return int(re.search(r"^(\d+) CRYPTO_SUCCESS", expect_text(base), re.M).group(1))

    def nested_plain(base):
        """A transport-over-tunnel frame whose two SAs Wireshark 4.0 can use
        (no ESN, no GMAC)."""
        return int(re.search(r"^(\d+) CRYPTO_SUCCESS .*next_crypto_done=1 .*# good: (?!.*(ESN|gmac)).*$",
                             expect_text(base), re.M).group(1))

    for cap, frame, new in (("esp-3des-cbc.pcap", 3, "CRYPTO_TRANSPORT_ESP_AUTH_FAILED"),
                            ("esp-nested.pcapng", nested_plain, "CRYPTO_GENERIC_ERROR"),
                            ("esp-aes-gcm-192.pcap", first_success, "pass")):
        base = cap.rsplit(".", 1)[0]
        frame = frame if isinstance(frame, int) else frame(base)
        keys = keys_of(base)
        fmt, lt, recs = read_capture(c(cap))
        n = expect_frames(expect_text(base))
        skipped = sum(1 for r in recs if not is_ip_record(lt, r))
        wrong = T(base + ".wrong.expect")
        open(wrong, "w").write(flip(base, frame, new))
        outp = T(base + ".fail.pcapng")
        name = f"write-failures {cap} frame {frame}"
        rc, out, err = ipoc(c(cap), "--keys", keys, "--expect", wrong, "--engine", REF,
                            "--write-failures", outp, "--quiet")
        check(name + ": exit 1, one failure", rc == 1 and summary(out)[2:] == (n - 1, 1),
              f"exit {rc}, summary {summary(out)}; {err.strip()}")
        check(name + ": the frame named as a mismatch",
              re.search(rf"^frame {frame}: .*MISMATCH: expected {new}$", out, re.M),
              f"no MISMATCH line for frame {frame}: {out[:400]}")
        if not check(name + ": OUT written", os.path.exists(outp), "no file"):
            continue
        try:
            blocks = pcapng_blocks(outp)
            e = blocks[0][2]
            idb = [b for t, b, _ in blocks if t == 1]
            epb = [b for t, b, _ in blocks if t == 6]
            check(name + ": OUT is one section, one interface of the capture's link type",
                  blocks[0][0] == 0x0A0D0D0A and len(idb) == 1 and
                  struct.unpack(e + "H", idb[0][:2])[0] == lt,
                  f"blocks {[hex(t) for t, _, _ in blocks]}, link types "
                  f"{[struct.unpack(e + 'H', b[:2])[0] for b in idb]}")
            data = [b[20:20 + struct.unpack(e + "I", b[12:16])[0]] for b in epb]
            check(name + ": OUT holds exactly the differing frame as captured",
                  data == [recs[frame - 1]], f"{len(data)} frames, want frame {frame} "
                  f"({len(recs[frame - 1])} bytes): lengths {[len(d) for d in data]}")
            want_ts = capture_times(c(cap))[frame - 1]
            check(name + ": OUT has the frame's capture time (ns, if_tsresol 9)",
                  capture_times(outp) == [want_ts] and want_ts > 1700000000 * 10**9,
                  f"{capture_times(outp)}, want [{want_ts}]")
            com = epb_comment(epb[0], e) if epb else None
            check(name + ": the frame's comment names its frame number and why",
                  com is not None and com.startswith(f"frame {frame} of {c(cap)}: ") and
                  f"expected {new}" in com, f"comment {com!r}")
        except (ValueError, struct.error, IndexError) as ex:
            check(name + ": OUT is valid pcapng", False, str(ex))
        # Wireshark's key file beside it: the esp_sa records (converted from
        # xfrm), with which tshark decrypts the failure with good ICVs.
        esp_sa = outp[:-len(".pcapng")] + ".esp_sa"
        try:
            recs_out = esp_sa_records(esp_sa)
            head = open(esp_sa).readline()
            if keys.endswith(".esp_sa"):
                same = sorted(recs_out) == sorted(esp_sa_records(keys))
            else:
                xt = open(keys).read()
                plain_esp = [b for b in xt.split("src ")[1:] if "proto esp" in b and "flag esn" not in b
                             and "rfc4543" not in b]
                same = len(recs_out) == len(plain_esp) and all(f'"0x{m}"' in "\n".join(recs_out) for m in
                                                               re.findall(r"spi 0x([0-9a-f]{8})",
                                                                          "".join(plain_esp)))
            check(name + ": OUT.esp_sa is Wireshark's esp_sa file of the key file",
                  head.startswith("# This file is automatically generated") and same and recs_out,
                  f"{len(recs_out)} records in {esp_sa}")
        except OSError as ex:
            check(name + ": OUT.esp_sa written", False, str(ex))
            recs_out = []
        if TSHARK and recs_out:
            rc2, rows, terr = tshark_esp(outp, esp_sa)
            line = [l for l in expect_text(base).split("\n") if l.startswith(f"{frame} ")][0]
            spi = re.search(r"spi=0x([0-9a-f]{8})", line)
            inner = re.search(r"inner=(\w+)", line)
            ws = {"ipv4": "ip"}.get(inner.group(1), inner.group(1)) if inner else None
            ok = (rc2 == 0 and len(rows) == 1 and spi and int(spi.group(1), 16) in
                  [int(x, 16) for x in rows[0][1]] and rows[0][2] and all(g == "1" for g in rows[0][2])
                  and all(b == "0" for b in rows[0][3]) and ws and ws in rows[0][4].split(":")[2:])
            check(name + ": tshark decrypts the failure with OUT.esp_sa, every ICV good",
                  ok, f"tshark exit {rc2}: {rows} {terr.strip()[:200]}")
        check(name + ": libpcap reads OUT (one frame)", libpcap_reads(outp, keys) == 1,
              f"ipoc replay OUT: {libpcap_reads(outp, keys)}")
        if TSHARK:
            p = subprocess.run([TSHARK, "-r", outp, "-T", "fields", "-e", "frame.len"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            check(name + ": tshark reads OUT (one frame)",
                  p.returncode == 0 and p.stdout.split() == [str(len(recs[frame - 1]))],
                  f"tshark exit {p.returncode}: {p.stdout.strip()} {p.stderr.strip()[:200]}")
        check(name + ": OUT.keys is the key file",
              os.path.exists(outp + ".keys") and
              open(outp + ".keys", "rb").read() == open(keys, "rb").read(),
              "missing or different")

    outp = T("none.pcapng")
    rc, out, err = ipoc(c("esp-3des-cbc.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--expect",
                        c("esp-3des-cbc.expect"), "--engine", REF, "--write-failures", outp, "--quiet")
    try:
        nepb = sum(1 for t, _, _ in pcapng_blocks(outp) if t == 6)
    except (OSError, ValueError, struct.error) as ex:
        nepb = str(ex)
    check("write-failures, nothing differs: exit 0, OUT without frames", rc == 0 and nepb == 0,
          f"exit {rc}, frames in OUT: {nepb}")
    rc, out, err = ipoc(c("esp-3des-cbc.pcap"), "--keys", c("esp-3des-cbc.esp_sa"),
                        "--write-failures", T("no/such/dir/out.pcapng"), "--quiet")
    check("write-failures, OUT not writable: exit 2 naming it",
          rc == 2 and "no/such/dir/out.pcapng" in err and len(err.strip().split("\n")) == 1,
          f"exit {rc}: {err.strip()}")

    # --- 6. --reencrypt ------------------------------------------------
    for cap in ("esp-3des-cbc.pcap", "esp-aes-gcm-128-esn-udp.pcapng", "ah-hmac.pcapng",
                "esp-nested.pcapng", "esp-null-gmac.pcap", "esp-nat-t.pcapng", "esp-esn-epoch.pcapng"):
        base = cap.rsplit(".", 1)[0]
        k, nested = reencryptable(expect_text(base))
        rc, out, err = ipoc(c(cap), "--keys", keys_of(base), "--expect", c(base + ".expect"),
                            "--engine", REF, "--reencrypt", "--quiet")
        m = re.search(r"^re-encrypted: (\d+) identical, (\d+) differ, (\d+) not applicable "
                      r"\((\d+) transport over tunnel\)$", out, re.M)
        check(f"reencrypt {cap}: {k} identical ({nested} transport over tunnel), 0 differ",
              rc == 0 and k > 0 and m and tuple(int(x) for x in m.groups()) == (k, 0, 0, nested),
              f"exit {rc}, `{m.group(0) if m else None}`; {err.strip()}")
    check("reencrypt: esp-nested has transport-over-tunnel frames to count",
          reencryptable(expect_text("esp-nested"))[1] > 0, "none")

    # Nanosecond captures keep their nanoseconds: two frames that fail the
    # own-keys rule, in a pcap with nanosecond timestamps.
    fmt, lt, recs = read_capture(c("esp-3des-cbc.pcap"))
    el = expect_text("esp-3des-cbc").split("\n")
    two = [int(l.split()[0]) for l in el if re.match(r"\d+ CRYPTO_TRANSPORT_ESP_AUTH_FAILED", l)][:2]
    stamps = [1700000000 * 10**9 + 123456789, 1700000001 * 10**9 + 987654321]
    with open(T("ns.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, lt))
        for t, n in zip(stamps, two):
            r = recs[n - 1]
            f.write(struct.pack("<IIII", t // 10**9, t % 10**9, len(r), len(r)) + r)
    rc, out, err = ipoc(T("ns.pcap"), "--keys", c("esp-3des-cbc.esp_sa"), "--write-failures",
                        T("ns.fail.pcapng"), "--quiet")
    check("write-failures: nanosecond timestamps kept to the nanosecond",
          rc == 1 and os.path.exists(T("ns.fail.pcapng")) and capture_times(T("ns.fail.pcapng")) == stamps,
          f"exit {rc}, {capture_times(T('ns.fail.pcapng')) if os.path.exists(T('ns.fail.pcapng')) else None}")

    # --- 6b. NAT-T with an esp_sa key file --------------------------------
    # esp_sa says nothing of UDP encapsulation; the SAs whose frames are in
    # UDP port 4500 are offloaded with UDP-ESP, each named, and only those.
    base = "esp-nat-t"
    text = expect_text(base)
    n = expect_frames(text)
    udp_spis = sorted({m.group(1) for m in re.finditer(r"spi=0x([0-9a-f]{8}) .*# (good|first|last).* UDP-ESP",
                                                        text)})
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".esp_sa"), "--expect",
                        c(base + ".expect"), "--quiet")
    said = sorted(re.findall(r"^nat-t: SPI 0x([0-9a-f]{8}) \(\S+ line \d+\) seen UDP-encapsulated on port "
                             r"4500 in \d+ frames?: offloaded as UDP-ESP transport$", out, re.M))
    check("nat-t: the esp_sa capture passes its expectations", rc == 0 and summary(out)[2:] == (n, 0),
          f"exit {rc}, {summary(out)}; {err.strip()}")
    check("nat-t: every SA seen in UDP port 4500, and only those, named as offloaded with UDP-ESP",
          len(udp_spis) >= 4 and said == udp_spis and
          f"nat-t: {len(udp_spis)} esp_sa SAs offloaded with UDP-ESP transport" in out,
          f"said {said}, want {udp_spis}")
    check("nat-t: an SA seen once in UDP but mostly plain stays plain (its UDP frame: "
          "CRYPTO_INVALID_PROTOCOL)", re.search(r"CRYPTO_INVALID_PROTOCOL spi=0x([0-9a-f]{8}) .*of an SA without "
                                                 r"UDP encapsulation", text) is not None and
          re.search(r"CRYPTO_INVALID_PROTOCOL spi=0x([0-9a-f]{8})", text).group(1) not in said, "")
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".esp_sa"), "--expect",
                        c(base + ".expect"), "--nat-t", "off", "--quiet")
    bad = re.findall(r"^frame \d+: SPI 0x([0-9a-f]{8}) \([^)]*\): CRYPTO_INVALID_PROTOCOL  MISMATCH", out, re.M)
    check("nat-t off: without the inference the UDP-encapsulated frames come back "
          "CRYPTO_INVALID_PROTOCOL (the check can fail)",
          rc == 1 and summary(out)[3] > 0 and set(bad) == set(udp_spis) and "nat-t:" not in out,
          f"exit {rc}, {summary(out)}, SPIs {sorted(set(bad))}")
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".esp_sa"), "--expect",
                        c(base + ".expect"), "--nat-t", "tunnel", "--reencrypt", "--quiet")
    check("nat-t tunnel: the same SAs offloaded as UDP-ESP tunnel, every frame as expected and "
          "re-encrypted", rc == 0 and summary(out)[3] == 0 and
          len(re.findall(r"offloaded as UDP-ESP tunnel$", out, re.M)) == len(udp_spis),
          f"exit {rc}, {summary(out)}; {err.strip()}")
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".esp_sa"), "--nat-t", "sideways")
    check("nat-t: an unknown mode is a usage error", rc == 2 and "--nat-t sideways" in err, err.strip())
    # The same capture from an xfrm file, which says the encapsulation:
    # nothing is inferred.
    rc, out, err = ipoc(c("esp-aes-gcm-128-esn-udp.pcapng"), "--keys", c("esp-aes-gcm-128-esn-udp.xfrm"),
                        "--expect", c("esp-aes-gcm-128-esn-udp.expect"), "--quiet")
    check("nat-t: an xfrm key file is taken at its word", rc == 0 and "nat-t:" not in out, f"exit {rc}")

    # --- 6c. ESN past the first 2^32 packets ------------------------------
    base = "esp-esn-epoch"
    text = expect_text(base)
    n = expect_frames(text)
    xt = open(c(base + ".xfrm")).read()
    his = re.findall(r"(?<!o)seq-hi 0x([0-9a-f]+),", xt)
    check("esn epoch: every ESN state of the key file is past its first epoch",
          his and all(int(h, 16) > 1 for h in his), f"seq-hi {his}")
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".xfrm"), "--expect", c(base + ".expect"),
                        "--quiet")
    check("esn epoch: the capture passes with seq-hi carried into SequenceNumberHighOrder",
          rc == 0 and summary(out)[2:] == (n, 0), f"exit {rc}, {summary(out)}; {err.strip()}")
    open(T("hi0.xfrm"), "w").write(re.sub(r"(?<!o)seq-hi 0x[0-9a-f]+,", "seq-hi 0x0,", xt))
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", T("hi0.xfrm"), "--expect", c(base + ".expect"),
                        "--quiet")
    good = sum(1 for l in text.split("\n") if re.match(r"\d+ CRYPTO_SUCCESS", l))
    check("esn epoch: with a high half of 0 every good frame fails (the check can fail)",
          rc == 1 and summary(out)[3] >= good, f"exit {rc}, {summary(out)}, {good} good frames")
    # esp_sa ESN High Bits (later Wireshark versions' ten fields) for the
    # HMAC SAs: with them their good frames decrypt (own keys, UDP-ESP
    # inferred too); with 0 they do not.
    blocks = ["src " + b for b in xt.split("src ")[1:]]
    hmac = [b for b in blocks if "hmac(sha1)" in b and "proto esp" in b]

    def esp_sa_of(b, hi):
        a = re.search(r"src (\S+) dst (\S+)", b)
        spi = re.search(r"spi (0x[0-9a-f]{8})", b).group(1)
        ak = re.search(r"auth-trunc hmac\(sha1\) 0x([0-9a-f]+)", b).group(1)
        ek = re.search(r"enc cbc\(aes\) 0x([0-9a-f]+)", b).group(1)
        fam = "IPv6" if ":" in a.group(1) else "IPv4"
        hv = re.search(r"(?<!o)seq-hi 0x([0-9a-f]+),", b).group(1) if hi else "0"
        return (f'"{fam}","{a.group(1)}","{a.group(2)}","{spi}","AES-CBC [RFC3602]","0x{ek}",'
                f'"HMAC-SHA-1-96 [RFC2404]","0x{ak}","64-bit","{hv}"')
    spis = {re.search(r"spi 0x([0-9a-f]{8})", b).group(1) for b in hmac}
    want = sorted(int(l.split()[0]) for l in text.split("\n")
                  if re.match(r"\d+ CRYPTO_SUCCESS spi=0x(%s) " % "|".join(spis), l))
    for hi, label in ((True, "ESN High Bits"), (False, "ESN High Bits 0")):
        open(T("later.esp_sa"), "w").write("# This file is automatically generated, DO NOT MODIFY.\n" +
                                           "".join(esp_sa_of(b, hi) + "\n" for b in hmac))
        rc, out, err = ipoc(c(base + ".pcapng"), "--keys", T("later.esp_sa"), "--allow-failures",
                            "--verbose", "--quiet")
        got = sorted(int(m.group(1)) for m in re.finditer(r"^frame (\d+): SPI 0x[0-9a-f]{8} \(ESP aes-cbc-128"
                                                          r"\+hmac-sha1-96\): CRYPTO_SUCCESS", out, re.M))
        if hi:
            check("esn epoch: an esp_sa file's ESN High Bits carried (its SAs' good frames decrypt)",
                  rc == 0 and len(hmac) >= 4 and got == want and "nat-t: " in out,
                  f"exit {rc}, decrypted {got}, want {want}; {err.strip()}")
        else:
            check("esn epoch: with ESN High Bits 0 they do not (the check can fail)",
                  rc == 0 and want and not set(got) & set(want), f"decrypted {got}")
    outp = T("epoch.fail.pcapng")
    rc, out, err = ipoc(c(base + ".pcapng"), "--keys", c(base + ".xfrm"), "--write-failures", outp,
                        "--quiet")
    esp = open(T("epoch.fail.esp_sa")).read() if os.path.exists(T("epoch.fail.esp_sa")) else ""
    check("esn epoch --write-failures: OUT.esp_sa names the ESN SAs it leaves out, and why",
          rc == 1 and esp.startswith("# This file is automatically generated") and
          len(re.findall(r"^# left out: ESP SPI 0x[0-9a-f]{8} \(\S+ line \d+\): ESN: Wireshark 4.0's "
                         r"esp_sa has no sequence-number field$", esp, re.M)) == len(his) and
          re.search(r"^# left out: AH SPI", esp, re.M), esp[:400])

    # --- 6d. expectations with alternatives --------------------------------
    base = "esp-3des-cbc"
    el = expect_text(base).split("\n")
    l_ok = next(l for l in el if re.match(r"\d+ CRYPTO_SUCCESS spi=\S+ next_crypto_done=0 header_info_set=1 ", l))
    fr = int(l_ok.split()[0])
    spi = re.search(r"spi=(0x[0-9a-f]{8})", l_ok).group(1)
    keys_part = l_ok.split("#")[0].split(None, 2)[2]

    def with_line(new):
        path = T("alt.expect")
        open(path, "w").write("\n".join(f"{fr} {new}" if l.startswith(f"{fr} ") else l for l in el))
        return ipoc(c(base + ".pcap"), "--keys", c(base + ".esp_sa"), "--expect", path, "--quiet")
    for label, outcome, ok in (
            ("the outcome among two", "CRYPTO_TRANSPORT_ESP_AUTH_FAILED|CRYPTO_SUCCESS", True),
            ("`outcome=` and names without CRYPTO_", "outcome=INVALID_PACKET_SYNTAX|SUCCESS", True),
            ("pass among them", "pass|CRYPTO_SUCCESS", True),
            ("the outcome not among them", "outcome=INVALID_PACKET_SYNTAX|TRANSPORT_ESP_AUTH_FAILED", False)):
        rc, out, err = with_line(f"{outcome} {keys_part}")
        if ok:
            check(f"alternatives: {label}: passes", rc == 0 and summary(out)[3] == 0, f"exit {rc} {err.strip()}")
        else:
            check(f"alternatives: {label}: a mismatch naming each",
                  rc == 1 and re.search(rf"^frame {fr}: .*MISMATCH: expected CRYPTO_TRANSPORT_ESP_AUTH_FAILED or "
                                        rf"CRYPTO_INVALID_PACKET_SYNTAX$", out, re.M), out[-300:])
    rc, out, err = with_line(f"CRYPTO_TUNNEL_ESP_AUTH_FAILED|CRYPTO_SUCCESS {keys_part.replace('header_info_set=1', 'header_info_set=0')}")
    check("alternatives: the keys still apply to the outcome that happened",
          rc == 1 and "MISMATCH: expected header_info_set=0" in out, out[-300:])
    for label, word, needle in (("an empty alternative", "CRYPTO_SUCCESS||pass", "empty alternative"),
                                ("a trailing |", "CRYPTO_SUCCESS|", "empty alternative"),
                                ("one listed twice", "SUCCESS|CRYPTO_SUCCESS", "listed twice"),
                                ("an unknown one", "CRYPTO_SUCCESS|CRYPTO_MAYBE", "CRYPTO_MAYBE"),
                                ("a double prefix", "CRYPTO_CRYPTO_SUCCESS", "CRYPTO_CRYPTO_SUCCESS")):
        rc, out, err = with_line(f"{word} spi={spi}")
        check(f"alternatives: {label}: exit 2 naming file:line", rc == 2 and f"alt.expect:{line_of(el, f'{fr} ')}:"
              in err and needle in err, f"exit {rc}: {err.strip()}")
    rc, out, err = with_line("pass|pass")
    check("alternatives: `pass|pass` is listed twice", rc == 2 and "listed twice" in err, err.strip())
    rc, out, err = with_line(f"pass spi={spi}")
    check("alternatives: `pass` alone still takes no keys", rc == 2 and "takes no keys" in err, err.strip())
    ah = expect_text("ah-hmac")
    check("alternatives: the corpus states them (AH length fields that lie)",
          len(re.findall(r"^\d+ CRYPTO_INVALID_PACKET_SYNTAX\|CRYPTO_(TUNNEL|TRANSPORT)_AH_AUTH_FAILED ", ah,
                         re.M)) >= 2, "")

    # --- 6e. --verbose names the SPI that matched ---------------------------
    for base, pick in (("esp-3des-cbc", r"^(\d+) CRYPTO_SUCCESS spi=0x([0-9a-f]{8}) "),
                       ("esp-nested", r"^(\d+) CRYPTO_SUCCESS spi=0x([0-9a-f]{8}) next_crypto_done=1 ")):
        m = re.search(pick, expect_text(base), re.M)
        cap = [f for f in os.listdir(CORPUS) if f.startswith(base + ".pcap")][0]
        rc, out, err = ipoc(c(cap), "--keys", keys_of(base), "--expect", c(base + ".expect"), "--verbose",
                            "--quiet")
        check(f"verbose {base}: frame {m.group(1)} names SPI 0x{m.group(2)} (the SA the outcome is about)",
              rc == 0 and re.search(rf"^frame {m.group(1)}: SPI 0x{m.group(2)} \(ESP [^)]+\): CRYPTO_SUCCESS",
                                    out, re.M), f"{[l for l in out.split(chr(10)) if l.startswith('frame ' + m.group(1) + ':')]}")

    # --- 6f. a capture without IPsec: no SA -------------------------------
    fmt, lt, recs = read_capture(c("esp-3des-cbc.pcap"))
    el = expect_text("esp-3des-cbc").split("\n")
    plain = [int(l.split()[0]) for l in el if re.match(r"\d+ pass  # (plain|ICMP|IKE|NAT|UDP 4500)", l)]
    write_pcap(T("plain.pcap"), lt, [recs[i - 1] for i in plain])
    open(T("plain.expect"), "w").write(f"frames {len(plain)}\n" +
                                       "".join(f"{i + 1} pass\n" for i in range(len(plain))))
    open(T("empty.esp_sa"), "w").write("# This file is automatically generated, DO NOT MODIFY.\n")
    ip_plain = sum(1 for i in plain if is_ip_record(lt, recs[i - 1]))
    open(T("empty.xfrm"), "w").write("")
    for label, args in (("no --keys", []), ("an esp_sa file with no SA", ["--keys", T("empty.esp_sa")]),
                        ("an empty file", ["--keys", T("empty.xfrm")])):
        rc, out, err = ipoc(T("plain.pcap"), *args, "--quiet")
        check(f"no SA ({label}): a plain capture replays, every frame passed through",
              rc == 0 and summary(out)[2:] == (ip_plain, 0) and "(no SA, 0 SAs)" in out.split("\n")[0] and
              "matches 0 frames" in out, f"exit {rc}, {summary(out)}: {out[:200]} {err.strip()}")
        rc, out, err = ipoc(T("plain.pcap"), *args, "--expect", T("plain.expect"), "--reencrypt",
                            "--write-failures", T("plain.fail.pcapng"), "--quiet")
        check(f"no SA ({label}): with expectations, --reencrypt and --write-failures",
              rc == 0 and summary(out)[2:] == (len(plain), 0) and os.path.exists(T("plain.fail.esp_sa")),
              f"exit {rc}, {summary(out)}; {err.strip()}")
    rc, out, err = ipoc(c("esp-3des-cbc.pcap"), "--quiet")
    check("no SA: an IPsec capture without keys goes up unprocessed (nothing matches)",
          rc == 0 and re.search(r"^frames \d+: 0 CryptoDone", out, re.M), f"exit {rc}: {out[-300:]}")

    # --- 7. malformed captures ------------------------------------------
    def one_line_error(name, args, code, *needles):
        rc, out, err = ipoc(*args)
        lines = [l for l in err.split("\n") if l]
        first = lines[0] if lines else ""
        check(name, rc == code and len(lines) == 1 and first.startswith("ipoc replay: ") and
              all(x in first for x in needles),
              f"exit {rc} (want {code}), stderr {lines}, want one line with {list(needles)}")
        return first

    K3 = c("esp-3des-cbc.esp_sa")
    one_line_error("capture: missing", [T("nothere.pcap"), "--keys", K3, "--quiet"], 2,
                   T("nothere.pcap"))
    open(T("text.pcap"), "w").write("this is not a capture\n")
    one_line_error("capture: a text file", [T("text.pcap"), "--keys", K3, "--quiet"], 2,
                   T("text.pcap"))
    raw = open(c("esp-3des-cbc.pcap"), "rb").read()
    # cut in the middle of record 17's data
    off = 24
    for i in range(16):
        off += 16 + struct.unpack("<I", raw[off + 8:off + 12])[0]
    rec17 = struct.unpack("<I", raw[off + 8:off + 12])[0]
    open(T("trunc.pcap"), "wb").write(raw[:off + 16 + rec17 // 2])
    one_line_error("capture: pcap cut in a record's data", [T("trunc.pcap"), "--keys", K3,
                   "--quiet"], 2, T("trunc.pcap"), "record 17", "truncated")
    open(T("trunc-hdr.pcap"), "wb").write(raw[:off + 7])
    one_line_error("capture: pcap cut in a record header", [T("trunc-hdr.pcap"), "--keys", K3,
                   "--quiet"], 2, T("trunc-hdr.pcap"), "record 17", "truncated")
    open(T("trunc-file.pcap"), "wb").write(raw[:10])
    one_line_error("capture: pcap cut in the file header", [T("trunc-file.pcap"), "--keys", K3,
                   "--quiet"], 2, T("trunc-file.pcap"))
    rawng = open(c("esp-des-cbc.pcapng"), "rb").read()
    open(T("trunc.pcapng"), "wb").write(rawng[:len(rawng) // 2])
    one_line_error("capture: pcapng cut in a block", [T("trunc.pcapng"), "--keys",
                   c("esp-des-cbc.esp_sa"), "--quiet"], 2, T("trunc.pcapng"), "truncated")
    write_pcap(T("wifi.pcap"), 105, [b"\x08\x00" + b"\0" * 22])
    one_line_error("capture: link type 105 in pcap", [T("wifi.pcap"), "--keys", K3, "--quiet"], 2,
                   T("wifi.pcap"), "link type 105", "IEEE802_11", "not supported")
    write_pcapng(T("wifi.pcapng"), 105, [b"\x08\x00" + b"\0" * 22])
    one_line_error("capture: link type 105 in pcapng", [T("wifi.pcapng"), "--keys", K3, "--quiet"],
                   2, T("wifi.pcapng"), "link type 105", "not supported")
    write_pcap(T("empty.pcap"), 113, [])
    open(T("empty.expect"), "w").write("frames 0\n")
    rc, out, err = ipoc(T("empty.pcap"), "--keys", K3, "--expect", T("empty.expect"), "--quiet")
    check("capture: no records, `frames 0`: exit 1, nothing judged is not a pass",
          rc == 1 and summary(out)[0] == 0 and "no frame was judged" in err,
          f"exit {rc}, summary {summary(out)}; {err.strip()}")

    # --- 8. key files ----------------------------------------------------
    one_line_error("keys: missing", [c("esp-3des-cbc.pcap"), "--keys", T("nokeys"), "--quiet"], 2,
                   T("nokeys"))
    kl = open(K3).read().split("\n")
    bad_at = line_of(kl, '"')
    kl[bad_at - 1] = kl[bad_at - 1].replace("TripleDES-CBC [RFC2451]", "Rot13-CBC")
    open(T("bad.esp_sa"), "w").write("\n".join(kl))
    one_line_error("keys: esp_sa with an unknown algorithm", [c("esp-3des-cbc.pcap"), "--keys",
                   T("bad.esp_sa"), "--quiet"], 2, f"{T('bad.esp_sa')}:{bad_at}:", "Rot13-CBC")
    xl = open(c("esp-des-cbc-esn-udp.xfrm")).read().split("\n")
    bad_at = line_of(xl, "\tenc cbc(des)")
    xl[bad_at - 1] = xl[bad_at - 1].replace("cbc(des)", "cbc(rot13)")
    open(T("bad.xfrm"), "w").write("\n".join(xl))
    one_line_error("keys: xfrm with an unknown algorithm", [c("esp-des-cbc-esn-udp.pcap"), "--keys",
                   T("bad.xfrm"), "--quiet"], 2, f"{T('bad.xfrm')}:{bad_at}:", "cbc(rot13)")

    # --- 9. expectations files --------------------------------------------
    base = "esp-3des-cbc"
    text = expect_text(base)
    el = text.split("\n")
    n = expect_frames(text)
    fl = line_of(el, "frames ")

    def exp_case(name, lines, *needles, code=2, at=None):
        path = T("case.expect")
        open(path, "w").write("\n".join(lines))
        where = f"{path}:{at}:" if at else path
        return one_line_error("expect: " + name, [c(base + ".pcap"), "--keys", K3, "--expect",
                              path, "--engine", REF, "--quiet"], code, where, *needles)

    def repl(prefix, new):
        return [new if l.startswith(prefix) else l for l in el]

    one_line_error("expect: missing file", [c(base + ".pcap"), "--keys", K3, "--expect",
                   T("no.expect"), "--quiet"], 2, T("no.expect"))
    exp_case("no `frames N` before the frames", [l for l in el if not l.startswith("frames ")],
             "frames N", at=fl)
    exp_case("no `frames N` at all (comments only)", [l for l in el if l.startswith("#")],
             "frames N")
    exp_case("`frames` not a number", repl("frames ", "frames many"), "frames N", at=fl)
    l5 = line_of(el, "5 ")
    exp_case("frame listed twice", el[:l5] + [el[l5 - 1]] + el[l5:], "listed twice", "5", at=l5 + 1)
    exp_case("frame missing", [l for l in el if not l.startswith("40 ")], "no line for frame",
             "40")
    exp_case("frame number beyond `frames`", el + [f"{n + 1} pass"], "frame number",
             at=len(el) + 1)
    exp_case("frame number 0", el + ["0 pass"], at=len(el) + 1)
    l3 = line_of(el, "3 ")
    exp_case("unknown outcome", repl("3 ", "3 CRYPTO_MAYBE spi=0x5d6cf3d7"), "CRYPTO_MAYBE", at=l3)
    exp_case("missing outcome", repl("3 ", "3"), at=l3)
    exp_case("unknown key", repl("3 ", "3 CRYPTO_SUCCESS colour=blue"), "colour", at=l3)
    exp_case("key without value", repl("3 ", "3 CRYPTO_SUCCESS spi"), "spi", at=l3)
    exp_case("next_crypto_done out of range", repl("3 ", "3 CRYPTO_SUCCESS next_crypto_done=2"),
             "next_crypto_done", at=l3)
    exp_case("header_info_set out of range", repl("3 ", "3 CRYPTO_SUCCESS header_info_set=-1"),
             "header_info_set", at=l3)
    exp_case("pad_length out of range", repl("3 ", "3 CRYPTO_SUCCESS pad_length=256"),
             "pad_length", at=l3)
    exp_case("next_header out of range", repl("3 ", "3 CRYPTO_SUCCESS next_header=300"),
             "next_header", at=l3)
    exp_case("spi out of range", repl("3 ", "3 CRYPTO_SUCCESS spi=0x100000000"), "spi", at=l3)
    # pcaps/README.md: `pass` takes no keys; each key at most once; the
    # values of `inner` are a fixed set.
    l2 = line_of(el, "2 ")
    exp_case("`pass` with a key", repl("2 ", "2 pass spi=0x5d6cf3d7"), at=l2)
    exp_case("key given twice", repl("3 ", "3 CRYPTO_SUCCESS pad_length=4 pad_length=4"),
             "pad_length", at=l3)
    exp_case("inner not a known protocol", repl("3 ", "3 CRYPTO_SUCCESS inner=sctp"), "sctp", at=l3)
    # The capture and the expectations disagree on the number of frames.
    fewer = [l for l in el if not l.startswith(f"{n} ")]
    fewer = [f"frames {n - 1}" if l.startswith("frames ") else l for l in fewer]
    exp_case("capture has more frames than listed", fewer, "more frames", f"{n - 1}")
    more = [f"frames {n + 1}" if l.startswith("frames ") else l for l in el] + [f"{n + 1} pass"]
    exp_case("capture has fewer frames than listed", more, f"{n} frames", f"{n + 1}")
    # A wrong spi is a difference like any other key (README: a key that is
    # given is checked).
    path = T("spi.expect")
    other = re.search(r"spi=(0x[0-9a-f]{8})", el[line_of(el, "1 ") - 1]).group(1)
    open(path, "w").write("\n".join(
        re.sub(r"spi=0x[0-9a-f]{8}", f"spi={other}", l) if l.startswith("3 ") else l for l in el))
    rc, out, err = ipoc(c(base + ".pcap"), "--keys", K3, "--expect", path, "--engine", REF, "--quiet")
    check("expect: a wrong spi is a mismatch", rc == 1 and summary(out)[3] == 1 and
          re.search(r"^frame 3: .*MISMATCH: expected spi=", out, re.M),
          f"exit {rc}, summary {summary(out)}")

    # --- 10. usage -------------------------------------------------------
    def usage(name, args, code, needle):
        rc, out, err = ipoc(*args)
        first = (err.split("\n") + [""])[0] if code else out
        check("usage: " + name, rc == code and needle in first,
              f"exit {rc} (want {code}), first line `{first.strip()[:200]}`, want `{needle}`")

    usage("no capture", ["--keys", K3], 2, "one CAPTURE is required")
    usage("two captures", [c(base + ".pcap"), c(base + ".pcap"), "--keys", K3], 2,
          "one CAPTURE is required")
    usage("unknown option", [c(base + ".pcap"), "--keys", K3, "--frobnicate"], 2, "")
    usage("--keys without its argument", [c(base + ".pcap"), "--keys"], 2, "")
    usage("--help", ["--help"], 0, "usage: ipoc replay")

print(f"replay: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
