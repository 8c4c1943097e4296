#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""fuzz/oss-fuzz/build.sh run as OSS-Fuzz's libFuzzer ASan build runs it,
without Docker: the script copied to $SRC/build.sh (projects/ipoc/), the
source at $SRC/ipoc, CC=clang, the CFLAGS of OSS-Fuzz's address sanitizer
build, LIB_FUZZING_ENGINE=-fsanitize=fuzzer, SRC, WORK and OUT temporary
folders. Then, as ClusterFuzz uses a build:
$OUT moved elsewhere and $WORK gone, and for every target of
fuzz_targets in fuzz/meson.build:
  - $OUT/fuzz_<target> exists and fuzzes a few hundred inputs from its
    seed corpus (loading the reference engine from its own folder);
  - fuzz_<target>_seed_corpus.zip holds every distinct file of
    fuzz/corpus/<target>/ and fuzz/regress/<target>/ (when they exist);
  - fuzz_<target>.dict is fuzz/<target>.dict; fuzz_<target>.options is
    fuzz/<target>.options with its dict line naming fuzz_<target>.dict.
Prints the build's wall time. Skipped without clang and libFuzzer.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "ci"))
from testcheck import Tally, run  # noqa: E402

check = Tally("oss-fuzz-build")

# What OSS-Fuzz's base-builder sets for SANITIZER=address FUZZING_ENGINE=libfuzzer.
OSS_CFLAGS = ("-O1 -fno-omit-frame-pointer -gline-tables-only "
              "-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address "
              "-fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link")


def meson_targets():
    """The rows of fuzz_targets in fuzz/meson.build, read as text."""
    text = open(os.path.join(ROOT, "fuzz", "meson.build")).read()
    m = re.search(r"^fuzz_targets\s*=\s*\[(.*?)^\]", text, re.S | re.M)
    return re.findall(r"^\s*\[\s*'(\w+)'", m.group(1), re.M) if m else []


def distinct_files(folders):
    seen = {}
    for d in folders:
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if not f.startswith(".") and os.path.isfile(p):
                seen.setdefault(hashlib.sha1(open(p, "rb").read()).hexdigest(), f)
    return seen


def main():
    if not shutil.which("clang"):
        print("SKIP: clang not found")
        return 77
    probe = tempfile.mkdtemp(prefix="ipoc-ossfuzz-probe-")
    try:
        with open(os.path.join(probe, "t.c"), "w") as f:
            f.write("#include <stddef.h>\n#include <stdint.h>\n"
                    "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\n"
                    "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) "
                    "{ (void)d; (void)n; return 0; }\n")
        p = subprocess.run(["clang", "-fsanitize=fuzzer", "-o", os.path.join(probe, "t"),
                            os.path.join(probe, "t.c")], capture_output=True)
        if p.returncode != 0:
            print("SKIP: clang cannot link libFuzzer (libclang-rt-14-dev)")
            return 77
    finally:
        shutil.rmtree(probe, ignore_errors=True)

    targets = meson_targets()
    check("fuzz_targets read from fuzz/meson.build", len(targets) > 0, targets)
    tmp = tempfile.mkdtemp(prefix="ipoc-ossfuzz-")
    try:
        src, work, out = (os.path.join(tmp, d) for d in ("src", "work", "out"))
        for d in (src, work, out):
            os.makedirs(d)
        os.symlink(ROOT, os.path.join(src, "ipoc"))
        env = {k: v for k, v in os.environ.items()
               if k not in ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "LDFLAGS", "CPPFLAGS",
                            "ASAN_OPTIONS", "UBSAN_OPTIONS")}
        env.update(CC="clang", CXX="clang++", CFLAGS=OSS_CFLAGS,
                   CXXFLAGS=OSS_CFLAGS + " -stdlib=libc++",
                   LIB_FUZZING_ENGINE="-fsanitize=fuzzer", SANITIZER="address",
                   FUZZING_ENGINE="libfuzzer", FUZZING_LANGUAGE="c", ARCHITECTURE="x86_64",
                   SRC=src, WORK=work, OUT=out)
        # As OSS-Fuzz runs it: projects/ipoc/build.sh copied to $SRC/build.sh
        # (it hands over to $SRC/ipoc/fuzz/oss-fuzz/build.sh).
        shutil.copyfile(os.path.join(ROOT, "fuzz", "oss-fuzz", "build.sh"),
                        os.path.join(src, "build.sh"))
        t0 = time.monotonic()
        p = subprocess.run(["bash", "-eu", os.path.join(src, "build.sh")],
                           cwd=os.path.join(src, "ipoc"), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace", timeout=1200)
        took = time.monotonic() - t0
        print(f"build.sh: {took:.1f} s (exit {p.returncode})")
        if not check("build.sh succeeds", p.returncode == 0, p.stdout[-3000:]):
            check.exit()

        # A build as ClusterFuzz uses it: unpacked elsewhere, nothing else.
        moved = os.path.join(tmp, "unpacked")
        shutil.move(out, moved)
        shutil.rmtree(work)
        check("the reference engine is in the build", os.path.isfile(os.path.join(moved, "libipoc_ref.so")))
        made = sorted(f[len("fuzz_"):] for f in os.listdir(moved)
                      if f.startswith("fuzz_") and "." not in f and "_seed_corpus" not in f)
        check("one executable per target, no other", made == sorted(targets), (made, targets))
        for t in targets:
            name = f"fuzz_{t}"
            exe = os.path.join(moved, name)
            if not check(f"{t}: {name} built", os.access(exe, os.X_OK)):
                continue
            folders = [d for d in (os.path.join(ROOT, "fuzz", "corpus", t),
                                   os.path.join(ROOT, "fuzz", "regress", t)) if os.path.isdir(d)]
            zpath = os.path.join(moved, f"{name}_seed_corpus.zip")
            seeds = os.path.join(tmp, f"seeds-{t}")
            os.makedirs(seeds)
            if folders:
                want = distinct_files(folders)
                ok = os.path.isfile(zpath)
                if check(f"{t}: seed corpus zip", ok, zpath):
                    with zipfile.ZipFile(zpath) as z:
                        bad = z.testzip()
                        z.extractall(seeds)
                    got = distinct_files([seeds])
                    check(f"{t}: the zip holds every distinct seed", bad is None and
                          set(got) == set(want), (len(got), len(want), bad))
            else:
                check(f"{t}: no corpus yet, no zip", not os.path.exists(zpath))
            d_src = os.path.join(ROOT, "fuzz", f"{t}.dict")
            d_out = os.path.join(moved, f"{name}.dict")
            if os.path.isfile(d_src):
                check(f"{t}: dictionary", os.path.isfile(d_out) and
                      open(d_src, "rb").read() == open(d_out, "rb").read())
            o_src = os.path.join(ROOT, "fuzz", f"{t}.options")
            o_out = os.path.join(moved, f"{name}.options")
            if os.path.isfile(o_src):
                text = open(o_out).read() if os.path.isfile(o_out) else ""
                m = re.search(r"^dict\s*=\s*(\S+)", text, re.M)
                check(f"{t}: options, [libfuzzer], its dict in the build",
                      "[libfuzzer]" in text and
                      (not m or (m.group(1) == f"{name}.dict" and os.path.isfile(d_out))), text)
            argv = [exe, "-runs=300", "-seed=1", "-timeout=25", "-rss_limit_mb=2560"]
            if os.path.isfile(d_out):
                argv.append(f"-dict={d_out}")
            argv.append(seeds)
            rc, so, se = run(argv, timeout=600)
            check(f"{t}: fuzzes 300 inputs from its seeds",
                  rc == 0 and re.search(r"^Done \d+ runs", se, re.M) is not None,
                  (rc, se[-1500:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.exit()


if __name__ == "__main__":
    sys.exit(main())
