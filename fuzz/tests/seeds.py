#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Test fuzz-seeds: every committed seed corpus is what its generator
writes today, file for file and byte for byte, so a change to a target's
input layout cannot leave seeds behind that no longer mean what their names
say (and that fuzz-regress would still pass as noise).

  fuzz_seeds_tx ROOT          fuzz/corpus/tx_header_offsets, tx_pad_length
  fuzz_seeds_rx C S           fuzz/corpus/rx_classify, rx_sealed
  gen_seeds_parse_sa_diff.py  parse_keys, parse_vectors, parse_capture,
                              parse_expect, sa_add, diff_engines (--check)

usage: seeds.py FUZZ_DIR FUZZ_SEEDS_TX FUZZ_SEEDS_RX
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ci"))
from testcheck import Tally, run  # noqa: E402


def files(d):
    return {f: os.path.join(d, f) for f in os.listdir(d)
            if os.path.isfile(os.path.join(d, f))} if os.path.isdir(d) else {}


def same_tree(check, target, committed, made):
    a, b = files(committed), files(made)
    missing = sorted(set(b) - set(a))
    extra = sorted(set(a) - set(b))
    changed = sorted(f for f in set(a) & set(b)
                     if open(a[f], "rb").read() != open(b[f], "rb").read())
    check(f"{target}: the generator wrote seeds", len(b) > 0, "nothing written")
    check(f"{target}: {len(b)} seeds, none missing from fuzz/corpus", not missing,
          f"{len(missing)} not committed: {missing[:5]}")
    check(f"{target}: no committed seed the generator no longer writes", not extra,
          f"{len(extra)}: {extra[:5]}")
    check(f"{target}: every seed byte for byte", not changed,
          f"{len(changed)} differ: {changed[:5]}")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    fuzz_dir, tx, rx = argv[1:]
    corpus = os.path.join(fuzz_dir, "corpus")
    check = Tally("fuzz-seeds")
    tmp = tempfile.mkdtemp(prefix="ipoc-seeds-")
    try:
        env_free = {k: v for k, v in os.environ.items() if k != "IPOC_FUZZ_ENGINE"}
        os.environ.clear()
        os.environ.update(env_free)
        rc, out, err = run([tx, tmp])
        if check("fuzz_seeds_tx exits 0", rc == 0, err.strip()[-800:]):
            for t in ("tx_header_offsets", "tx_pad_length"):
                same_tree(check, t, os.path.join(corpus, t), os.path.join(tmp, t))
        rc, out, err = run([rx, os.path.join(tmp, "rx_classify"), os.path.join(tmp, "rx_sealed")])
        if check("fuzz_seeds_rx exits 0", rc == 0, err.strip()[-800:]):
            for t in ("rx_classify", "rx_sealed"):
                same_tree(check, t, os.path.join(corpus, t), os.path.join(tmp, t))
        gen = os.path.join(fuzz_dir, "gen_seeds_parse_sa_diff.py")
        rc, out, err = run(["/usr/bin/python3", gen, "--check", os.path.dirname(fuzz_dir)])
        check("gen_seeds_parse_sa_diff.py --check: the committed seeds are its output", rc == 0,
              (out + err).strip()[-800:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.exit()


if __name__ == "__main__":
    main(sys.argv)
