#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Seed corpora of the fuzz targets parse_keys, parse_vectors,
parse_capture, parse_expect, sa_add and diff_engines, from the project's
vectors (vectors/*.vec), captures, key files and expectations
(pcaps/corpus/), and, for the targets whose input is a description,
descriptions written here. Deterministic: running it again gives the same
files, byte for byte.

usage: gen_seeds_parse_sa_diff.py [--check] [REPO]
  (REPO: the repository's top, default: this file's parent's parent)
  --check: write nothing; exit 1 when a committed corpus differs.
"""
import glob
import os
import re
import struct
import sys

TARGETS = ["parse_keys", "parse_vectors", "parse_capture", "parse_expect", "sa_add",
           "diff_engines"]


# ---- parse_keys: the first byte picks the format (auto, esp_sa, xfrm) ----

def first_sas(text, xfrm, n=4):
    """A key file cut to its first n SAs (comments kept)."""
    out, k = [], 0
    for line in text.splitlines(keepends=True):
        starts = line.startswith(b"src ") if xfrm else line.startswith(b'"')
        if starts:
            k += 1
        if k <= n:
            out.append(line)
    return b"".join(out)


def seeds_parse_keys(repo):
    out = {}
    for path in sorted(glob.glob(os.path.join(repo, "pcaps/corpus/*.esp_sa")) +
                       glob.glob(os.path.join(repo, "pcaps/corpus/*.xfrm"))):
        name = os.path.basename(path)
        text = first_sas(open(path, "rb").read(), name.endswith(".xfrm"))
        fmt = 1 if name.endswith(".esp_sa") else 2
        out[f"{name}.fmt{fmt}"] = bytes([fmt]) + text
    # auto-detection on one file of each format
    for name in ("esp-aes-cbc-128.esp_sa", "esp-nat-t.xfrm"):
        path = os.path.join(repo, "pcaps/corpus", name)
        if os.path.exists(path):
            out[f"{name}.auto"] = b"\x00" + first_sas(open(path, "rb").read(),
                                                       name.endswith(".xfrm"))
    return out


# ---- parse_vectors: one block per seed, one per shape of block ----

def vec_blocks(text):
    """[(header line, block text)] of a .vec file, comments dropped."""
    blocks, cur = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("[case ") or line.startswith("[prim "):
            cur = [line]
            blocks.append(cur)
        elif cur is not None and not line.lstrip().startswith("#"):
            cur.append(line)
    return [(b[0], "".join(b)) for b in blocks]


def vec_shape(block):
    """What makes a block different from another for the reader: its keys
    and the values of the keys that name something."""
    keys, vals = [], []
    for m in re.finditer(r"^([a-z_.]+)\s*=\s*(\S*)", block, re.M):
        k, v = m.group(1), m.group(2)
        keys.append(k)
        if k in ("mode", "udp", "esp.enc", "esp.auth", "ah.auth", "alg"):
            vals.append(f"{k}={v}")
    optional = tuple(sorted(k for k in set(keys) if k.startswith(("expect.", "tun.", "ah.iv",
                                                                   "needs", "esp.esn"))))
    return (block[:6], optional, tuple(sorted(vals)))


def seeds_parse_vectors(repo):
    out, seen = {}, set()
    for path in sorted(glob.glob(os.path.join(repo, "vectors/*.vec"))):
        base = os.path.basename(path)[:-4]
        for head, block in vec_blocks(open(path).read()):
            shape = vec_shape(block)
            if shape in seen:
                continue
            seen.add(shape)
            bid = re.sub(r"[^A-Za-z0-9.+-]", "_", head.strip()[1:-1].split(" ", 1)[1])
            out[f"{base}--{bid}.vec"] = f"# seed: a block of vectors/{base}.vec\n".encode() + \
                block.encode()
    return out


# ---- parse_capture ----

def pcap_records(data):
    """(header bytes, [record bytes]) of a pcap file."""
    magic = data[:4]
    le = magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    e = "<" if le else ">"
    recs, o = [], 24
    while o + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[o + 8:o + 12])[0]
        recs.append(data[o:o + 16 + caplen])
        o += 16 + caplen
    return data[:24], recs, e


def pcapng_blocks(data):
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    blocks, o = [], 0
    while o + 12 <= len(data):
        btype, blen = struct.unpack(e + "II", data[o:o + 8])
        if blen < 12:
            break
        blocks.append((btype, data[o:o + blen]))
        o += blen
    return blocks


def first_records(data, n):
    """The capture cut to its first n packet records."""
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        out, k = b"", 0
        for btype, b in pcapng_blocks(data):
            if btype in (3, 6):        # simple / enhanced packet
                if k == n:
                    continue
                k += 1
            out += b
        return out
    head, recs, _ = pcap_records(data)
    return head + b"".join(recs[:n])


def l3_packets(repo):
    """A few IP packets (ESP, UDP-ESP, AH, plain) from the Ethernet captures."""
    pkts = []
    for name in ("esp-aes-cbc-192.pcap", "esp-null-gmac.pcap", "ah-gmac.pcap",
                 "esp-aes-gcm-128-ipv4.pcap"):
        path = os.path.join(repo, "pcaps/corpus", name)
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        head, recs, e = pcap_records(data)
        lt = struct.unpack(e + "I", head[20:24])[0]
        for r in recs[:3]:
            body = r[16:]
            if lt == 1 and len(body) > 14 and body[12:14] in (b"\x08\x00", b"\x86\xdd"):
                pkts.append(body[14:])
            elif lt in (101, 228, 229):
                pkts.append(body)
    return pkts


# pcap_in's link types, in fuzz_parse_capture.c's table order
LINKTYPES = [1, 101, 228, 229, 113, 276, 0, 108, 105, 12]


def link_header(lt, ip):
    v6 = ip[0] >> 4 == 6
    et = b"\x86\xdd" if v6 else b"\x08\x00"
    if lt == 1:
        return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01" + et
    if lt == 113:
        return b"\x00\x00\x00\x01\x00\x06\x02\x00\x00\x00\x00\x01\x00\x00" + et
    if lt == 276:
        return et + b"\x00\x00" + struct.pack(">I", 2) + b"\x00\x01\x00\x06" + \
            b"\x02\x00\x00\x00\x00\x01\x00\x00"
    if lt == 0:
        return struct.pack("<I", 10 if v6 else 2)
    if lt == 108:
        return struct.pack(">I", 24 if v6 else 2)
    return b""


def described(lt_index, flags, records, snap=None):
    """fuzz_parse_capture's description (first byte bit 0 set): link type,
    byte order/resolution flags, [snap length], records (data length, how
    caplen and len relate, time, bytes)."""
    b = bytes([lt_index, flags])
    if flags & 4:
        b += struct.pack("<H", snap)
    for data, how, extra in records:
        b += struct.pack("<HB", len(data) & 0x7FF, how) + struct.pack("<II", 1700000000, 123456)
        b += extra + data
    return b


def seeds_parse_capture(repo):
    out = {}
    for path in sorted(glob.glob(os.path.join(repo, "pcaps/corpus/*.pcap*"))):
        name = os.path.basename(path)
        data = open(path, "rb").read()
        cut = first_records(data, 3)
        out[f"file-{name}-3rec"] = b"\x00" + cut
        out[f"roundtrip-{name}-3rec"] = b"\x02" + cut
    pkts = l3_packets(repo)
    for i, lt in enumerate(LINKTYPES):
        recs = [(link_header(lt, p) + p, 0, b"") for p in pkts[:3]]
        out[f"described-lt{lt}"] = b"\x01" + described(i, 0, recs)
        out[f"described-lt{lt}-roundtrip"] = b"\x03" + described(i, 1, recs)
    p = pkts[0] if pkts else b"\x45" + bytes(39)
    eth = link_header(1, p) + p
    # caplen and len that lie, each way
    out["described-caplen-past-data"] = b"\x01" + described(0, 0, [(eth, 1, b"\x10")])
    out["described-caplen-short"] = b"\x01" + described(0, 0, [(eth, 2, b"\x08"), (eth, 0, b"")])
    out["described-len-snapped"] = b"\x01" + described(0, 0, [(eth, 1 << 2, b"\x00\x01")])
    out["described-len-below-caplen"] = b"\x01" + described(0, 0, [(eth, 2 << 2, b"\x04")])
    out["described-snaplen-small-be-nano"] = b"\x01" + described(0, 2 | 1 | 4, [(eth, 0, b"")],
                                                                 snap=64)
    return out


# ---- parse_expect: each expectations file cut to its first frames ----

def seeds_parse_expect(repo):
    out = {}
    for path in sorted(glob.glob(os.path.join(repo, "pcaps/corpus/*.expect"))):
        name = os.path.basename(path)
        lines = open(path).read().splitlines()
        keep, frames = [], 0
        for line in lines:
            m = re.match(r"frames (\d+)", line)
            if m:
                keep.append(None)
                continue
            m = re.match(r"(\d+)\s", line)
            if m and frames < 6:
                frames += 1
                keep.append(line)
            elif not m and len(keep) < 3:
                keep.append(line)
        text = "\n".join(f"frames {frames}" if k is None else k for k in keep) + "\n"
        out[f"{name}-6frames"] = text.encode()
    out["alternatives-and-keys.expect"] = (
        "frames 4\n"
        "1 pass\n"
        "2 outcome=INVALID_PACKET_SYNTAX|CRYPTO_TRANSPORT_ESP_AUTH_FAILED spi=0x1 "
        "next_crypto_done=0\n"
        "3 CRYPTO_SUCCESS|pass inner=none header_info_set=1 next_header=59 pad_length=255\n"
        "4\tTUNNEL_AH_AUTH_FAILED   # comment\n").encode()
    return out


# ---- sa_add: operations as fuzz_sa_add.c reads them ----

def sa_element(b=0, kind=0, enc=0, auth=0, brk=1):
    """One good_spec + break_bytes: flags byte, kind, the algorithm picks,
    then break_bytes' byte (low bits not 0: not broken)."""
    return bytes([b, kind, enc, auth, brk])


def sa_add_list(elements, cut=1):
    return bytes([0, len(elements) - 1]) + b"".join(elements) + bytes([cut])


def seeds_sa_add(repo):
    out = {}
    e = sa_element
    out["add3-delete-all"] = bytes([2]) + sa_add_list([e(), e(1, 1, 3), e(2, 0, 5, 2)]) + \
        bytes([2, 1, 0, 1, 0, 1])
    out["fill-capacity-4"] = bytes([3, 5])
    out["add-ex-update-esn"] = bytes([4, 1, 0]) + e(0x08, 0, 6, 1) + bytes([1]) + \
        bytes([3, 0, 0, 0, 0, 7])
    out["add-delete-send-deleted"] = bytes([1]) + sa_add_list([e()]) + bytes([2, 0, 0, 1]) + \
        bytes([4, 1])
    out["add-send-live"] = bytes([1]) + sa_add_list([e(0, 0, 6, 1)]) + bytes([4, 0])
    out["add-broken-element"] = bytes([3]) + sa_add_list([e(), e(brk=0) + bytes([40, 0xFF]),
                                                          e()]) + bytes([5])
    out["add-cut-short"] = bytes([2]) + sa_add_list([e(), e()], cut=0) + bytes([60])
    out["bundle-inbound-v6-udp"] = bytes([5]) + sa_add_list([e(0x03, 2, 4, 1), e(0x05, 0, 6, 1),
                                                             e(0x01, 1, 2)]) + bytes([5])
    out["delete-stale-after-reuse"] = bytes([0]) + sa_add_list([e()]) + bytes([2, 0, 0, 1]) + \
        sa_add_list([e()]) + bytes([2, 0, 2, 1, 4, 1])
    return out


# ---- diff_engines: 16-byte items (harness/diff ditem_decode) ----

def ditem(alg, mode, family6=False, inner6=False, udp=0, esn=False, opts=False, send=False,
          fault=0, shape=0, payload=64, rng=0):
    b2 = mode | (4 if family6 else 0) | (8 if inner6 else 0) | (udp << 4) | \
        (0x40 if esn else 0) | (0x80 if opts else 0)
    b3 = (1 if send else 0) | (fault << 1) | (shape << 5)
    return bytes([alg, (alg + 3) % 256, b2, b3]) + struct.pack("<H", payload) + b"\x00\x00" + \
        struct.pack("<Q", rng)


def seeds_diff_engines(repo):
    out = {}
    for alg in range(36):
        mode = alg % 2
        out[f"alg{alg:02d}-send-{'tunnel' if mode else 'transport'}"] = \
            ditem(alg, mode, family6=alg % 3 == 0, send=True, payload=40 + alg, rng=alg)
        out[f"alg{alg:02d}-recv-fault{alg % 5}"] = \
            ditem(alg, 1 - mode, family6=alg % 4 == 1, inner6=alg % 2 == 0, fault=alg % 5,
                  shape=alg % 4, payload=100 + 7 * alg, rng=1000 + alg, esn=alg % 3 == 1)
    # transport over tunnel (ESP-only configurations), UDP-ESP, options
    out["tot-recv-clean"] = ditem(3, 2, send=False, rng=5)
    out["tot-udp-inner-recv"] = ditem(4, 2, udp=2, rng=6)
    out["tot-udp-outer-send"] = ditem(5, 2, udp=1, send=True, rng=7)
    out["udp-transport-recv-icv-last"] = ditem(6, 0, udp=1, fault=2, rng=8)
    out["opts-v4-recv-seq"] = ditem(7, 0, opts=True, fault=4, rng=9)
    out["opts-v6-recv-payload-1byte-mdls"] = ditem(8, 1, family6=True, opts=True, fault=3,
                                                   shape=3, payload=20, rng=10)
    return out


GEN = {"parse_keys": seeds_parse_keys, "parse_vectors": seeds_parse_vectors,
       "parse_capture": seeds_parse_capture, "parse_expect": seeds_parse_expect,
       "sa_add": seeds_sa_add, "diff_engines": seeds_diff_engines}


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    repo = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bad = 0
    for t in TARGETS:
        seeds = GEN[t](repo)
        d = os.path.join(repo, "fuzz", "corpus", t)
        if check:
            have = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d)} \
                if os.path.isdir(d) else {}
            if have != seeds:
                print(f"{t}: the committed seeds differ from what this script writes")
                bad += 1
            continue
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f not in seeds:
                os.unlink(os.path.join(d, f))
        for f, b in seeds.items():
            with open(os.path.join(d, f), "wb") as fp:
                fp.write(b)
        print(f"{t}: {len(seeds)} seeds, {sum(len(b) for b in seeds.values())} bytes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
