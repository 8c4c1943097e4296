#!/usr/bin/python3
"""The Python reader (ipoc_algs.py) gives the rows the C library compiles
from the same .def: test_ipoc_alg --dump against ipoc_algs.ALGS; and the
reader refuses a malformed row."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
import ipoc_algs  # noqa: E402

KIND = {'CIPHER': 1, 'AEAD': 2, 'INTEGRITY': 4, 'GMAC': 8}

c_rows = subprocess.run([sys.argv[1], '--dump'], check=True, capture_output=True,
                        text=True).stdout.split('\n')[:-1]
py_rows = ['%s %s 0x%x %d %d %d %d 0x%x %d %d %s %s' % (
    a.name, a.ndis_name, a.bit, KIND[a.kind], a.key, a.salt, a.icv,
    sum(1 << i for i in a.icvs), a.iv, a.block, a.evp or '-', a.prim) for a in ipoc_algs.ALGS]
bad = 0
for c, p in zip(c_rows, py_rows):
    if c != p:
        print('C:  %s\nPy: %s' % (c, p))
        bad += 1
if len(c_rows) != len(py_rows):
    print('C has %d rows, Python %d' % (len(c_rows), len(py_rows)))
    bad += 1
with tempfile.NamedTemporaryFile('w', suffix='.def', delete=False) as f:
    f.write('IPOC_ALG(IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, CIPHER, "null")\n')
try:
    ipoc_algs.read(f.name)
    print('a row with 3 columns was read')
    bad += 1
except ipoc_algs.DefError as e:
    if 'columns' not in str(e):
        print('wrong message: %s' % e)
        bad += 1
finally:
    os.unlink(f.name)
if ipoc_algs.by_esp_sa('AES-GCM with 12 octet ICV [RFC4106]', 28)[1] != 12:
    print('by_esp_sa: GCM ICV not read from the name')
    bad += 1
if ipoc_algs.mask('GMAC') != 0x38 or ipoc_algs.mask('CIPHER', 'AEAD') != 0x1ff:
    print('masks differ from ipoc/ndis.h')
    bad += 1
print('test_ipoc_algs_py: %d rows, %s' % (len(py_rows), 'FAIL' if bad else 'ok'))
sys.exit(1 if bad else 0)
