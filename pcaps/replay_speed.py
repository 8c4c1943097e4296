#!/usr/bin/python3
"""Replay speed of `ipoc replay`: against tshark, against the engine's own
receive rate, and with one job against two.

usage: pcaps/replay_speed.py [--ipoc PATH] [--engine NAME_OR_PATH] [--frames N]
                             [--size B] [--algorithms A,...] [--pairs K]
                             [--tshark PATH] [--bench-seconds S]

For each algorithm (default: aes-gcm-128 and aes-cbc-128+hmac-sha1-96),
writes a capture of N ESP frames (default 100,000) of one transport-mode
IPv4 SA, each B bytes of IP packet (default 1,400), sealed with the SA's
keys by gen_pcaps.py's Python code (Python's cryptography package), every
frame with its own sequence number and IV, and the SA's Wireshark esp_sa
key file. Then, in one run:

- `ipoc bench --algorithms A --sizes B --direction receive --json` (with
  --engine when given): the engine's receive rate on the same algorithm and
  size, one thread;
- K rounds (default 3), whole processes one after the other: `ipoc replay
  CAPTURE --keys KEYS --quiet --jobs 1`, tshark decrypting the capture and
  checking every ESP ICV with the same keys, and the same replay with
  `--jobs 2`.

The replay is a plain one: without --engine, the bundled reference engine
judged by the own-keys rule (every frame must decrypt); with --engine, that
engine judged by an expectations file saying CRYPTO_SUCCESS for every frame
(--engine without --expect would make it a differential run beside the
reference engine, which times two engines). NAME_OR_PATH is handed to ipoc
as it is. Both tools are first checked to judge every frame good.

Printed per algorithm: each round; the medians: replay frames/s whole
process with one job and with two (and the speed-up), the replay's own
frames/s (its closing line: reading, NBLs, engine, judging, without start-up
and the NAT-T pass over the capture), tshark's frames/s and the ratio to
it (paired: median of the per-round ratios), and the ratio of the replay's
one-job rate to the engine's receive rate. A benchmark, not a test.
"""
import argparse
import json
import os
import re
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
    """Seconds of a whole process, and its stdout."""
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    el = time.monotonic() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} ... failed (exit {p.returncode}): {p.stderr.strip()[-800:]}")
    return el, p.stdout


def own_rate(out):
    """The frames/s of the replay's closing lines."""
    m = re.search(r"^[0-9.]+ s, ([0-9]+) frames/s$", out, re.M)
    return float(m.group(1)) if m else float("nan")


def bench_rate(ipoc, engine, alg, size, seconds):
    """The engine's receive pkt/s that `ipoc bench --json` measures."""
    cmd = [ipoc, "bench", "--algorithms", alg, "--sizes", str(size), "--direction", "receive",
           "--seconds", str(seconds), "--json"]
    if engine:
        cmd += ["--engine", engine]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rows = [r for r in json.loads(p.stdout)["rows"]
                if r["algorithm"] == alg and r["direction"] == "receive" and r["status"] == "ok"]
        return rows[0]["engine_pps"]
    except (ValueError, KeyError, IndexError):
        sys.exit(f"replay_speed: ipoc bench gave no receive rate for {alg} (exit "
                 f"{p.returncode}): {p.stderr.strip()[-400:]} {p.stdout[:400]}")


def write_expect(path, frames):
    """Every frame CRYPTO_SUCCESS (pcaps/README.md, expectations files)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"frames {frames}\n")
        for n in range(1, frames + 1):
            f.write(f"{n} CRYPTO_SUCCESS\n")


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
    ap.add_argument("--engine", help="an engine (name or path, as ipoc takes it) to replay "
                    "on instead of the bundled reference")
    ap.add_argument("--frames", type=int, default=100000)
    ap.add_argument("--size", type=int, default=1400, help="IP packet bytes of each frame")
    ap.add_argument("--algorithms", default=",".join(ALGS))
    ap.add_argument("--pairs", type=int, default=3, help="rounds of timed runs")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--bench-seconds", type=float, default=0.5)
    a = ap.parse_args()
    algs = a.algorithms.split(",")
    bad = [x for x in algs if x not in ALGS]
    if bad or a.frames < 1 or a.pairs < 1 or not 200 <= a.size <= 9000:
        sys.exit(f"replay_speed: algorithms from {', '.join(ALGS)}; --frames, --pairs >= 1; "
                 f"--size 200..9000")
    print(f"replay_speed: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as d:
        for alg in algs:
            cap, keys = os.path.join(d, alg + ".pcap"), os.path.join(d, alg + ".esp_sa")
            ip_len = write_capture(cap, keys, alg, a.frames, a.size)
            ipoc = [a.ipoc, "replay", cap, "--keys", keys, "--quiet"]
            if a.engine:
                exp = os.path.join(d, alg + ".expect")
                write_expect(exp, a.frames)
                ipoc += ["--engine", a.engine, "--expect", exp]
            tsh = tshark_cmd(a.tshark, cap, keys)
            # Both tools judge every frame good before either is timed.
            q = subprocess.run(ipoc + ["--jobs", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True).stdout
            if f"replay: {a.frames} passed, 0 failed" not in q or "compared with" in q:
                sys.exit(f"replay_speed: {alg}: ipoc replay did not pass every frame in a "
                         f"plain replay:\n{q.strip()[-800:]}")
            good = subprocess.run(tsh, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True).stdout.split().count("1")
            if good != a.frames:
                sys.exit(f"replay_speed: {alg}: tshark verified {good} of {a.frames} ICVs")
            engine_pps = bench_rate(a.ipoc, a.engine, alg, ip_len, a.bench_seconds)
            print(f"{alg}: {a.frames} frames of {ip_len} IP bytes, "
                  f"{'engine ' + a.engine if a.engine else 'bundled reference engine'}; "
                  f"ipoc bench: engine receive {engine_pps:,.0f} pkt/s")
            t1, t2, tt, own = [], [], [], []
            for k in range(a.pairs):
                el, out = timed(ipoc + ["--jobs", "1"])
                t1.append(el)
                own.append(own_rate(out))
                tt.append(timed(tsh)[0])
                t2.append(timed(ipoc + ["--jobs", "2"])[0])
                print(f"  round {k + 1}: replay --jobs 1 {t1[-1]:.3f} s ({own[-1]:,.0f} frames/s "
                      f"its own), tshark {tt[-1]:.2f} s (ratio {tt[-1] / t1[-1]:.1f}x), "
                      f"replay --jobs 2 {t2[-1]:.3f} s")
            m1, m2, mt = statistics.median(t1), statistics.median(t2), statistics.median(tt)
            r1 = a.frames / m1
            print(f"  median: replay --jobs 1 {r1:,.0f} frames/s whole process "
                  f"({statistics.median(own):,.0f} its own), --jobs 2 {a.frames / m2:,.0f} "
                  f"frames/s ({m1 / m2:.2f}x of --jobs 1)")
            print(f"  median: tshark {a.frames / mt:,.0f} frames/s; replay / tshark "
                  f"{statistics.median(x / y for x, y in zip(tt, t1)):.1f}x (paired)")
            print(f"  replay --jobs 1 / engine receive rate: {r1 / engine_pps:.2f} whole process, "
                  f"{statistics.median(own) / engine_pps:.2f} its own")


if __name__ == "__main__":
    main()
