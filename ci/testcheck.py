# SPDX-License-Identifier: MIT
"""What the project's Python tests share: a tally of named checks that
prints every failure with what was seen, and ends the test with the
closing line `NAME: N passed, M failed` (a test that checked nothing
fails); and running a program with its output kept.

    sys.path.insert(0, <the repository>/ci)
    from testcheck import Tally, run
    check = Tally("diff")
    check("ref vs ref: exit 0", rc == 0, f"exit {rc}")
    check.exit()
"""
import subprocess
import sys


class Tally:
    def __init__(self, name):
        self.name = name
        self.passed = self.failed = 0

    def __call__(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}: {str(detail)[:1500]}")
        return bool(ok)

    def exit(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed or not self.passed else 0)


def run(argv, timeout=600):
    """(exit code, stdout, stderr) of argv, as text."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace", timeout=timeout)
    return p.returncode, p.stdout, p.stderr
