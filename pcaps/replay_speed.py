#!/usr/bin/python3
"""Replay speed of `ipoc replay` beside tshark decrypting the same capture.

usage: pcaps/replay_speed.py IPOC ENGINE [--copies N] [--capture NAME]

Builds a pcap of N copies of every record of a corpus capture that has a
Wireshark esp_sa key file (default: esp-aes-gcm-192, which is a pcap file; N = 2000), then times,
in one run, `ipoc replay` (no expectations: the receive path and the
report) and `tshark` decrypting and checking every ESP ICV with the same
keys (fields output to /dev/null). Prints frames/s for both. A benchmark,
not a test.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time


def records(path):
    """(linktype, [raw records]) of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D, 0xD4C3B2A1, 0x4D3CB2A1):
        end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        lt = struct.unpack(end + "I", data[20:24])[0]
        out, off = [], 24
        while off + 16 <= len(data):
            incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
            out.append(data[off + 16:off + 16 + incl])
            off += 16 + incl
        return lt, out
    sys.exit(f"{path}: use a pcap (not pcapng) capture for this script")


def write_pcap(path, lt, recs, copies):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, lt))
        for i in range(copies):
            for r in recs:
                f.write(struct.pack("<IIII", i, 0, len(r), len(r)))
                f.write(r)


def timed(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {p.stderr.strip()}")
    return time.monotonic() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ipoc")
    ap.add_argument("engine")
    ap.add_argument("--copies", type=int, default=2000)
    ap.add_argument("--capture", default="esp-aes-gcm-192")
    ap.add_argument("--tshark", default="tshark")
    a = ap.parse_args()
    base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", a.capture)
    lt, recs = records(base + ".pcap")
    keys = base + ".esp_sa"
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big.pcap")
        write_pcap(big, lt, recs, a.copies)
        n = len(recs) * a.copies
        t_ipoc = timed([a.ipoc, "replay", big, "--keys", keys, "--engine", a.engine, "--quiet"])
        cmd = [a.tshark, "-n", "-r", big, "-o", "esp.enable_encryption_decode:TRUE",
               "-o", "esp.enable_authentication_check:TRUE", "-T", "fields", "-e", "esp.icv_good"]
        with open(keys, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    cmd += ["-o", "uat:esp_sa:" + line]
        t_tshark = timed(cmd)
    print(f"capture {a.capture} x {a.copies}: {n} frames")
    print(f"ipoc replay: {t_ipoc:.2f} s, {n / t_ipoc:,.0f} frames/s")
    print(f"tshark:      {t_tshark:.2f} s, {n / t_tshark:,.0f} frames/s")
    print(f"ratio:       {t_tshark / t_ipoc:.1f}x")


if __name__ == "__main__":
    main()
