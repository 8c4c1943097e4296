#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Have an engine send the vectors and tshark check what it sent.

Usage: engine_sent_test.py --ipoc PATH --engine PATH --tshark PATH VECFILE...

Runs `ipoc vectors --engine ENGINE --shapes 1 --write-sent TMP/sent.pcapng
VECFILE...` in a temporary directory (removed afterwards), then
engine_sent_check.py on TMP/sent.pcapng and TMP/sent.esp_sa. Exit 0 when
both pass; otherwise the first non-zero exit code (77 from the check when
tshark is missing).
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ipoc', required=True)
    ap.add_argument('--engine', required=True)
    ap.add_argument('--tshark', required=True)
    ap.add_argument('vecfiles', nargs='+')
    a = ap.parse_args(argv[1:])
    with tempfile.TemporaryDirectory(prefix='ipoc-sent-') as tmp:
        out = os.path.join(tmp, 'sent.pcapng')
        cmd = [a.ipoc, 'vectors', '--engine', a.engine, '--shapes', '1', '--write-sent', out] + a.vecfiles
        print('$ ' + ' '.join(cmd), flush=True)
        rc = subprocess.run(cmd).returncode
        if rc != 0:
            print('ipoc vectors failed (%d)' % rc)
            return rc
        cmd = [sys.executable, os.path.join(HERE, 'engine_sent_check.py'), '--tshark', a.tshark, out]
        print('$ ' + ' '.join(cmd), flush=True)
        return subprocess.run(cmd).returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv))
