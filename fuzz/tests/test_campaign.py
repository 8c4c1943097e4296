#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The campaign glue (fuzz/campaign.py, `ipoc fuzz`).

usage: test_campaign.py IPOC_EXE

1. Signatures read from canned crash reports: a target's oracle line
   first, else the sanitizer's error kind and first frame outside the
   runtimes; stable slugs.
   Which executables of a build are fuzz targets (canned introspection).
2. The engine check on shared objects built here: none, libFuzzer's and
   AFL++'s instrumentation, each against each fuzzer, and `ipoc fuzz
   --engine` refusing an uninstrumented engine (exit 3) before building
   anything.
3. Short campaigns of fuzz/tests/fake_target.c (two known faults) with
   libFuzzer and AFL++ through the campaign's own steps: both faults
   found, each filed once under the same signature by both fuzzers,
   minimized, filed again as known; the corpus minimized.
A part whose tools are missing is skipped; all missing skips the test.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "ci"))
sys.path.insert(0, os.path.join(ROOT, "fuzz"))
from testcheck import Tally, run  # noqa: E402
import campaign  # noqa: E402

check = Tally("campaign")
FAKE = os.path.join(HERE, "fake_target.c")
SIG_ORACLE = "fake: the oracle does not hold"
SIG_HEAP = "AddressSanitizer: heap-buffer-overflow (READ) in fake_read_past"

ASAN_HEAP = """INFO: Seed: 1
==77==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000054 at pc 0x1 bp 0x2 sp 0x3
READ of size 1 at 0x602000000054 thread T0
    #0 0x56070ed19f42 in __asan_memcpy (/x/fuzz_rx+0x1)
    #1 0x56070ed19f42 in esp_trailer /src/engine/ref/ref_esp.c:29:6
    #2 0x56070ed19b68 in LLVMFuzzerTestOneInput /src/fuzz/fuzz_rx.c:41:10
    #3 0x56070ec422f3 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/x+0x4)
"""
ORACLE = """ipoc-fuzz: rx_classify: CryptoStatus disagrees with the frame's syntax
SA 3: CRYPTO_SUCCESS for a frame of 12 bytes
==9==ERROR: libFuzzer: deadly signal
    #0 0x1 in __sanitizer_print_stack_trace
    #1 0x2 in fuzzer::PrintStackTrace()
    #5 0x3 in abort
    #6 0x4 in fz_fault /src/fuzz/fz.c:70:2
    #7 0x5 in LLVMFuzzerTestOneInput /src/fuzz/fuzz_rx.c:80:3
"""
UBSAN = """/src/engine/ref/ref_rx.c:120:18: runtime error: left shift of 200 by 24 places cannot be represented in type 'int'
    #0 0x1 in rx_seq /src/engine/ref/ref_rx.c:120:18
    #1 0x2 in ref_receive /src/engine/ref/ref_rx.c:300:5
"""
LEAK = """==5==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 64 byte(s) in 1 object(s) allocated from:
    #0 0x1 in malloc (/x+0x1)
    #1 0x2 in sa_table_grow /src/engine/ref/ref_sa.c:88:9
    #2 0x3 in LLVMFuzzerTestOneInput /src/fuzz/fuzz_sa.c:10:1
"""
SEGV = """AddressSanitizer:DEADLYSIGNAL
==13==ERROR: AddressSanitizer: SEGV on unknown address (pc 0x7f13 bp 0x7ffd sp 0x7ffd T0)
==13==The signal is caused by a READ memory access.
    #0 0x7f13a93ccd57 in next_of /src/engine/ref/ref_sa_v2.c:359:2
"""


def part_signatures():
    sig = campaign.signature
    check("oracle line first", sig(ORACLE, 77) == "rx_classify: CryptoStatus disagrees with the frame's syntax",
          sig(ORACLE, 77))
    check("oracle line needs a failed run", sig("ipoc-fuzz: x\n", 0) is None, sig("ipoc-fuzz: x\n", 0))
    check("ASan: kind, access, first frame past the interceptor",
          sig(ASAN_HEAP, 1) == "AddressSanitizer: heap-buffer-overflow (READ) in esp_trailer",
          sig(ASAN_HEAP, 1))
    check("UBSan: values taken out", sig(UBSAN, -6) ==
          "UndefinedBehaviorSanitizer: left shift of N by N places cannot be represented in type T in rx_seq",
          sig(UBSAN, -6))
    check("LeakSanitizer: the allocating function", sig(LEAK, 1) ==
          "LeakSanitizer: leak allocated in sa_table_grow", sig(LEAK, 1))
    check("SEGV", sig(SEGV, 1) == "AddressSanitizer: SEGV in next_of", sig(SEGV, 1))
    check("timeout", sig("ALARM: working on the last Unit for 11 seconds\n", 70) == "timeout")
    check("a bare signal", sig("", -6) == "SIGABRT", sig("", -6))
    check("a clean run has none", sig("INFO: Seed: 1\nDone 1 runs\n", 0) is None)
    s1, s2 = campaign.slug("fake: one"), campaign.slug("fake: one!")
    check("slugs: stable, distinct, file-name safe",
          s1 == campaign.slug("fake: one") and s1 != s2 and all(c.isalnum() or c == "-" for c in s1),
          (s1, s2))


def part_targets():
    """Which executables of a build are fuzz targets: fuzz_NAME built from
    fuzz/fuzz_NAME.c, not the other programs of fuzz/."""
    def exe(name, srcs, kind="executable"):
        return {"name": name, "type": kind, "filename": [f"/b/fuzz/{name}"],
                "target_sources": [{"sources": srcs}]}
    intro = [
        exe("fuzz_parse_keys", ["/s/fuzz/fuzz_parse_keys.c", "/s/fuzz/driver_standalone.c"]),
        exe("fuzz_rx_sealed", ["/s/build/../fuzz/fuzz_rx_sealed.c"]),
        exe("fuzz_seeds_rx", ["/s/fuzz/rx_seeds.c"]),
        exe("fuzz_fake_standalone", ["/s/fuzz/tests/fake_target.c"]),
        exe("fuzz_lib", ["/s/fuzz/fuzz_lib.c"], kind="static library"),
        exe("ipoc", ["/s/harness/cli/main.c"]),
    ]
    got = campaign.targets_of(intro)
    check("targets: the rows of fuzz_targets only (no seed generator, test or library)",
          got == {"parse_keys": "/b/fuzz/fuzz_parse_keys", "rx_sealed": "/b/fuzz/fuzz_rx_sealed"},
          got)


def build_so(tmp, name, cc, flags, env=None):
    src = os.path.join(tmp, "eng.c")
    with open(src, "w") as f:
        f.write("int eng(int x);\nint eng(int x) { return x > 3 ? x * 2 : x + 1; }\n")
    out = os.path.join(tmp, name)
    p = subprocess.run([cc, "-shared", "-fPIC", "-O1"] + flags + ["-o", out, src],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=dict(os.environ, **(env or {})))
    return out if p.returncode == 0 else None


def part_engine_check(tmp, ipoc):
    cc = shutil.which("cc") or shutil.which("gcc")
    plain = build_so(tmp, "plain.so", cc, [])
    check("plain .so refused by libFuzzer",
          "no coverage instrumentation" in (campaign.check_engine(plain, "libfuzzer") or ""),
          campaign.check_engine(plain, "libfuzzer"))
    check("plain .so refused by AFL++",
          "no coverage instrumentation" in (campaign.check_engine(plain, "afl") or ""),
          campaign.check_engine(plain, "afl"))
    check("not a shared object", "not a shared object" in
          (campaign.check_engine(os.path.join(HERE, "fake_target.c"), "libfuzzer") or ""))
    rc, out, err = run([ipoc, "fuzz", "parse_keys", "--engine", plain, "--time", "1"], timeout=60)
    check("ipoc fuzz --engine uninstrumented: exit 3, one clear line",
          rc == 3 and "carries no coverage instrumentation" in err and
          "-fsanitize=fuzzer-no-link" in err, (rc, out, err))
    if shutil.which("clang"):
        lf = build_so(tmp, "lf.so", "clang", ["-fsanitize=fuzzer-no-link,address"])
        check("libFuzzer-instrumented .so accepted by libFuzzer",
              lf and campaign.check_engine(lf, "libfuzzer") is None,
              lf and campaign.check_engine(lf, "libfuzzer"))
        check("libFuzzer-instrumented .so refused by AFL++, saying why",
              lf and "--fuzzer libfuzzer" in (campaign.check_engine(lf, "afl") or ""))
        check("ASan seen", lf and campaign.instrumentation(lf)["asan"])
    else:
        print("SKIP: clang not found: libFuzzer engine checks")
    if shutil.which("afl-clang-fast"):
        afl = build_so(tmp, "afl.so", "afl-clang-fast", [], {"AFL_QUIET": "1"})
        check("AFL++-instrumented .so accepted by AFL++",
              afl and campaign.check_engine(afl, "afl") is None,
              afl and campaign.check_engine(afl, "afl"))
        check("AFL++-instrumented .so refused by libFuzzer, saying why",
              afl and "--fuzzer afl" in (campaign.check_engine(afl, "libfuzzer") or ""))
    else:
        print("SKIP: afl-clang-fast not found: AFL++ engine checks")


def seeds(tmp):
    d = os.path.join(tmp, "seeds")
    os.makedirs(d, exist_ok=True)
    for name, data in (("near-oracle", b"IPA"), ("near-heap", b"HA"), ("other", b"zzzz")):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    return d


def check_filed(fuzzer, exe, raw, dest, env):
    filed, unrepro = campaign.file_crashes("fake", fuzzer, exe, raw, dest, env, None, minimize_s=10)
    sigs = {f[0]: f for f in filed}
    check(f"{fuzzer}: both faults found, one entry each", set(sigs) == {SIG_ORACLE, SIG_HEAP},
          f"{len(raw)} crash files: {sorted(sigs)}")
    check(f"{fuzzer}: every crash reproduced", unrepro == 0, unrepro)
    if SIG_ORACLE in sigs:
        path = os.path.join(dest, campaign.slug(SIG_ORACLE))
        data = open(path, "rb").read() if os.path.exists(path) else b""
        check(f"{fuzzer}: oracle reproducer minimized to 'IPO'", data == b"IPO", data[:40])
        txt = open(path + ".txt").read() if os.path.exists(path + ".txt") else ""
        check(f"{fuzzer}: report names the signature and how to reproduce",
              f"signature: {SIG_ORACLE}" in txt and "reproduce: " in txt and "ipoc-fuzz: " in txt,
              txt[:500])
    if SIG_HEAP in sigs:
        data = open(os.path.join(dest, campaign.slug(SIG_HEAP)), "rb").read()
        check(f"{fuzzer}: heap reproducer minimized to 'HB'", data == b"HB", data[:40])
    again, _ = campaign.file_crashes("fake", fuzzer, exe, raw, dest, env, None, minimize_s=5)
    check(f"{fuzzer}: filed again: known, nothing added",
          all(f[2] == "known" for f in again) and
          len([f for f in os.listdir(dest) if not f.startswith(".")]) == 4,
          (again, os.listdir(dest)))


def part_libfuzzer(tmp):
    if not shutil.which("clang"):
        print("SKIP: clang not found: libFuzzer campaign")
        return
    exe = os.path.join(tmp, "fake_libfuzzer")
    p = subprocess.run(["clang", "-g", "-O1", "-fsanitize=fuzzer,address,undefined", "-o", exe, FAKE],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not check("libFuzzer: the fake target builds", p.returncode == 0, p.stdout):
        return
    work = os.path.join(tmp, "lf-work")
    os.makedirs(work)
    env = dict(os.environ, **campaign.SAN_ENV)
    st = campaign.run_libfuzzer(exe, [seeds(tmp)], work, 8, 1, {}, env)
    check("libFuzzer: it fuzzed, progress read", st["execs"] > 1000 and st["cov"] > 0, st)
    raw, hangs = campaign.libfuzzer_crashes(work)
    check_filed("libfuzzer", exe, raw, os.path.join(tmp, "lf-crashes"), dict(os.environ))
    out = os.path.join(tmp, "lf-corpus")
    ok = campaign.libfuzzer_merge(exe, out, [os.path.join(work, "corpus"), seeds(tmp)], work, env)
    check("libFuzzer: corpus merged (-merge=1), crashers left out",
          ok and 0 < len(campaign.files_in(out)) and
          not any(open(f, "rb").read().startswith((b"IPO", b"HB")) for f in campaign.files_in(out)),
          (ok, campaign.files_in(out)[:5]))


def part_afl(tmp):
    if not shutil.which("afl-clang-fast") or not shutil.which("afl-fuzz"):
        print("SKIP: AFL++ not found: AFL++ campaign")
        return
    exes = {}
    for name, extra in (("fake_afl", {}), ("fake_afl_cmplog", {"AFL_LLVM_CMPLOG": "1"})):
        exes[name] = os.path.join(tmp, name)
        p = subprocess.run(["afl-clang-fast", "-g", "-O1", "-fsanitize=address,undefined",
                            "-o", exes[name], FAKE, os.path.join(ROOT, "fuzz", "driver_afl.c")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=dict(os.environ, AFL_QUIET="1", **extra))
        if not check(f"AFL++: {name} builds", p.returncode == 0, p.stdout):
            return
    work = os.path.join(tmp, "afl-work")
    os.makedirs(work)
    env = dict(os.environ, **campaign.SAN_ENV)
    st = campaign.run_afl(exes["fake_afl"], exes["fake_afl_cmplog"], [seeds(tmp)], work, 8, 2, {}, env)
    check("AFL++: -M and -S fuzzed, progress read (statsd)", st["execs"] > 1000 and st["edges"] > 0, st)
    names = sorted(os.listdir(os.path.join(work, "afl")))
    check("AFL++: one -M (main) and one -S", names == ["main", "s1"], names)
    log = open(os.path.join(work, "afl-s1.log"), errors="replace").read()
    check("AFL++: the -S ran the CMPLOG build", "cmplog" in log.lower(), log[-800:])
    raw, hangs = campaign.afl_crashes(work)
    check_filed("afl", exes["fake_afl"], raw, os.path.join(tmp, "afl-crashes"), dict(os.environ))
    out = os.path.join(tmp, "afl-corpus")
    ok = campaign.afl_cmin(exes["fake_afl"], out, campaign.afl_queues(work), work, env)
    check("AFL++: corpus minimized (afl-cmin)", ok and len(campaign.files_in(out)) > 0,
          open(os.path.join(work, "cmin.log"), errors="replace").read()[-800:])


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    part_signatures()
    part_targets()
    tmp = tempfile.mkdtemp(prefix="ipoc-campaign-test-")
    try:
        part_engine_check(tmp, argv[1])
        part_libfuzzer(tmp)
        part_afl(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.exit()


if __name__ == "__main__":
    main(sys.argv)
