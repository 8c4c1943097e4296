#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Suite fuzz-regress's runner (regress.py) on fake_target.c built with the
standalone driver, over folders made here: clean inputs pass; an input
whose oracle fails, in corpus/ or regress/, fails the run and is named with
its `ipoc-fuzz:` line; an empty corpus folder fails, and so does a target
with no seed corpus at all.

usage: test_regress.py FAKE_STANDALONE_EXE
"""
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "ci"))
from testcheck import Tally, run  # noqa: E402

check = Tally("regress")
REGRESS = os.path.join(HERE, "regress.py")


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main(argv):
    exe = argv[1]
    tmp = tempfile.mkdtemp(prefix="ipoc-regress-")
    fz = os.path.join(tmp, "fuzz")
    try:
        def regress():
            return run([sys.executable, REGRESS, exe, "fake", fz], timeout=120)

        rc, out, _ = regress()
        check("no corpus folder: fails", rc == 1 and "no seed corpus" in out, (rc, out))
        os.makedirs(os.path.join(fz, "corpus", "fake"))
        rc, out, _ = regress()
        check("empty corpus folder: fails", rc == 1 and "no seed corpus" in out, (rc, out))
        put(os.path.join(fz, "corpus", "fake", "x-branch"), b"xyz")
        put(os.path.join(fz, "corpus", "fake", "plain"), b"abc")
        rc, out, _ = regress()
        check("clean inputs: pass, every one counted", rc == 0 and "2 passed, 0 failed" in out,
              (rc, out))
        put(os.path.join(fz, "regress", "fake", "oracle"), b"IPO!")
        rc, out, _ = regress()
        check("a saved crash that still crashes: fails, named with its signature",
              rc == 1 and "regress/fake/oracle" in out and
              "ipoc-fuzz: fake: the oracle does not hold" in out and "2 passed, 1 failed" in out,
              (rc, out))
        os.unlink(os.path.join(fz, "regress", "fake", "oracle"))
        put(os.path.join(fz, "corpus", "fake", "oracle-seed"), b"IPOx")
        rc, out, _ = regress()
        check("a seed that crashes: fails", rc == 1 and "corpus/fake/oracle-seed" in out,
              (rc, out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.exit()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
