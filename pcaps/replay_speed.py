#!/usr/bin/python3
"""Replay speed of `ipoc replay` beside tshark decrypting the same capture.

usage: pcaps/replay_speed.py [--ipoc PATH] [--engine SO] [--frames N] [--size B]
                             [--algorithms A,...] [--pairs K] [--tshark PATH]

For each algorithm (default: aes-gcm-128 and aes-cbc-128+hmac-sha1-96),
writes a capture of N ESP frames (default 100,000) of one transport-mode
IPv4 SA, each B bytes of IP packet (default 1,400), sealed with the SA's
keys by gen_pcaps.py's Python code (Python's cryptography package), every
frame with its own sequence number and IV, and the SA's Wireshark esp_sa
key file. Then K pairs of runs (default 3), whole processes, one after the
other: `ipoc replay CAPTURE --keys KEYS --quiet` (a plain replay: every frame
through the bundled reference engine, judged; with --engine, that engine
instead, in the engine host process) and tshark decrypting the capture and
checking every ESP ICV with the same keys. Prints each pair and the median
frames/s of both and their ratio. A benchmark, not a test.
"""
import argparse
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_pcaps as gp  # noqa: E402  (the corpus generator's SA, sealing and key files)

# alg-lint: begin vectors (the two workloads the benchmark times)
ALGS = {
    "aes-gcm-128": ("aes-gcm-128", "none", 16),
    "aes-cbc-128+hmac-sha1-96": ("aes-cbc-128", "hmac-sha1-96", 12),
}
# alg-lint: end vectors


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64,
                      proto, 0, bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    csum = gp.inet_csum(hdr)
    return hdr[:10] + struct.pack("!H", csum) + hdr[12:] + payload


def write_capture(path, keys, alg, frames, size):
    enc, auth, icv = ALGS[alg]
    rng = gp.Rng("replay_speed " + alg)
    src, dst = "203.0.113.7", "192.0.2.1"
    sa = gp.Sa(rng, "esp", enc, auth, icv, "transport", 4, False, False, src, dst,
               0x10000000 | rng.int(1, 0xFFFFFF), alg)
    # The ESP overhead of this SA at this size, then a TCP segment that fills
    # the IP packet to `size` bytes.
    probe, _ = gp.esp_bytes(sa, rng, 1, bytes(40), 6)
    over = len(probe) - 40
    seg_len = size - 20 - over
    seg_len -= (seg_len + 2) % sa.block          # no padding beyond the minimum
    tcp = struct.pack("!HHIIBBHHH", 40000, 443, 1, 1, 0x50, 0x18, 65535, 0, 0) + \
        rng.bytes(max(0, seg_len - 20))
    eth = gp.ETH_DST + gp.ETH_SRC + b"\x08\x00"
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for n in range(frames):
            esp, _ = gp.esp_bytes(sa, rng, sa.next_seq(), tcp, 6)
            frame = eth + ipv4(src, dst, 50, esp, n)
            f.write(struct.pack("<IIII", n // 1000, (n % 1000) * 1000, len(frame), len(frame)))
            f.write(frame)
    with open(keys, "w", encoding="utf-8") as f:
        f.write(gp.esp_sa_line(sa) + "\n")
    return len(frame) - 14


def timed(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    el = time.monotonic() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} ... failed (exit {p.returncode}): {p.stderr.strip()[-800:]}")
    return el


def tshark_cmd(tshark, cap, keys):
    cmd = [tshark, "-n", "-r", cap, "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE", "-T", "fields", "-e", "esp.icv_good"]
    with open(keys, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                cmd += ["-o", "uat:esp_sa:" + line.strip()]
    return cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ipoc", default=os.path.join(HERE, "..", "build", "harness", "ipoc"))
    ap.add_argument("--engine", help="an engine to replay on instead of the bundled reference")
    ap.add_argument("--frames", type=int, default=100000)
    ap.add_argument("--size", type=int, default=1400, help="IP packet bytes of each frame")
    ap.add_argument("--algorithms", default=",".join(ALGS))
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--tshark", default="tshark")
    a = ap.parse_args()
    algs = a.algorithms.split(",")
    bad = [x for x in algs if x not in ALGS]
    if bad or a.frames < 1 or a.pairs < 1 or not 200 <= a.size <= 9000:
        sys.exit(f"replay_speed: algorithms from {', '.join(ALGS)}; --frames, --pairs >= 1; "
                 f"--size 200..9000")
    with tempfile.TemporaryDirectory() as d:
        for alg in algs:
            cap, keys = os.path.join(d, alg + ".pcap"), os.path.join(d, alg + ".esp_sa")
            ip_len = write_capture(cap, keys, alg, a.frames, a.size)
            ipoc = [a.ipoc, "replay", cap, "--keys", keys, "--quiet"]
            if a.engine:
                ipoc += ["--engine", a.engine]
            tsh = tshark_cmd(a.tshark, cap, keys)
            # Both tools judge every frame good before either is timed.
            q = subprocess.run([x for x in ipoc if x != "--quiet"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True).stdout
            if f"replay: {a.frames} passed, 0 failed" not in q:
                sys.exit(f"replay_speed: {alg}: ipoc replay did not pass every frame:\n"
                         f"{q.strip()[-800:]}")
            good = subprocess.run(tsh, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True).stdout.split().count("1")
            if good != a.frames:
                sys.exit(f"replay_speed: {alg}: tshark verified {good} of {a.frames} ICVs")
            ti, tt = [], []
            print(f"{alg}: {a.frames} frames of {ip_len} IP bytes, "
                  f"{'engine ' + a.engine if a.engine else 'bundled reference engine'}")
            for k in range(a.pairs):
                ti.append(timed(ipoc))
                tt.append(timed(tsh))
                print(f"  pair {k + 1}: ipoc replay {ti[-1]:.2f} s, tshark {tt[-1]:.2f} s, "
                      f"ratio {tt[-1] / ti[-1]:.1f}x")
            mi, mt = statistics.median(ti), statistics.median(tt)
            print(f"  median: ipoc replay {a.frames / mi:,.0f} frames/s, tshark "
                  f"{a.frames / mt:,.0f} frames/s, ratio {mt / mi:.1f}x")


if __name__ == "__main__":
    main()
