#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite fuzz-regress, one target: every file of fuzz/corpus/TARGET/ and
fuzz/regress/TARGET/ through the target's standalone driver.

usage: regress.py FUZZ_EXE TARGET FUZZ_DIR

Every target has a seed corpus: fuzz/corpus/TARGET/ must exist and hold
at least one file (a target without seeds fails, it would judge nothing),
and every file of both folders must run clean (the driver exits 0
having run as many inputs as there are files). When the run as a whole
fails, each file is run alone, so that the report names the inputs that
fail with the `ipoc-fuzz: SIGNATURE` (or sanitizer) line they fail with.
"""
import os
import subprocess
import sys

def files_of(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if not f.startswith(".") and os.path.isfile(os.path.join(folder, f)))


def first_fault_line(text):
    for line in text.splitlines():
        if line.startswith("ipoc-fuzz: ") or "ERROR: " in line or "runtime error:" in line:
            return line.strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace", timeout=600)
    return p.returncode, p.stdout, p.stderr


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    exe, target, fuzz_dir = argv[1:]
    corpus = os.path.join(fuzz_dir, "corpus", target)
    regress = os.path.join(fuzz_dir, "regress", target)
    if not os.path.isdir(corpus) or not files_of(corpus):
        print(f"FAIL: fuzz/corpus/{target}/: no seed corpus (the folder is missing or empty)")
        return 1
    folders = [d for d in (corpus, regress) if os.path.isdir(d)]
    inputs = [f for d in folders for f in files_of(d)]
    rc, out, err = run([exe] + folders)
    expect = f"{len(inputs)} inputs,"
    if rc == 0 and expect in out:
        print(out.strip())
        print(f"fuzz-regress {target}: {len(inputs)} passed, 0 failed")
        return 0
    if rc == 0:
        print(f"FAIL: the driver ran another number of inputs than the {len(inputs)} files: {out.strip()}")
        return 1
    # Name the culprits, one run per file.
    failed = 0
    for f in inputs:
        frc, _, ferr = run([exe, f])
        if frc != 0:
            failed += 1
            print(f"FAIL: {os.path.relpath(f, os.path.dirname(fuzz_dir))}: exit {frc}: "
                  f"{first_fault_line(ferr)}")
    if not failed:
        print(f"FAIL: the run over every file exited {rc}, each file alone passes "
              f"(state carried between inputs?): {first_fault_line(err)}")
        failed = 1
    print(f"fuzz-regress {target}: {len(inputs) - failed} passed, {failed} failed")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
