#!/usr/bin/python3
"""Print one closing line over the test logs of several meson build folders.

usage: ci/summary.py BUILD_DIR [BUILD_DIR...]

Reads BUILD_DIR/meson-logs/testlog.json (one JSON object per test) and
prints, per folder, the counts by result and the name of every test that
did not pass or was skipped, then the line
    check: N passed, M failed, K skipped
that CI reads (K: meson SKIP results over all folders). Exits 1 when a log
is missing, a test did not pass, or no test passed at all; skipped tests
alone do not fail the check.
"""
import json
import sys


def read_log(build):
    path = f"{build}/meson-logs/testlog.json"
    results = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    results.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"summary: {path}:{n}: not JSON: {e}")
    except OSError as e:
        sys.exit(f"summary: {path}: {e.strerror}")
    return results


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    passed = failed = nskipped = 0
    for build in argv[1:]:
        tests = read_log(build)
        ok = [t for t in tests if t.get("result") in ("OK", "EXPECTEDFAIL")]
        skipped = [t for t in tests if t.get("result") == "SKIP"]
        bad = [t for t in tests if t not in ok and t not in skipped]
        print(f"{build}: {len(ok)} ok, {len(bad)} not ok, {len(skipped)} skipped")
        for t in bad + skipped:
            print(f"  {t.get('result')}: {t.get('name')}")
        passed += len(ok)
        failed += len(bad)
        nskipped += len(skipped)
    print(f"check: {passed} passed, {failed} failed, {nskipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
