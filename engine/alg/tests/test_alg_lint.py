#!/usr/bin/python3
"""The algorithm lint finds what it must in lint-fixture/ and nothing else:
a mask of macros (spelled_mask.c), a name table (spelled_list.py); not one
chosen algorithm with a comment (one_choice.c), nor marked vector cases
(vector_cases.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
import alg_lint  # noqa: E402

found = alg_lint.scan(os.path.join(HERE, 'lint-fixture'))
for f in found:
    print(f)
want = [('spelled_mask.c:4:', 'mask of algorithm macros'),
        ('spelled_list.py:3:', '3 algorithms spelled out')]
bad = 0
for where, what in want:
    if not any(f.startswith(where) and what in f for f in found):
        print('MISSING: %s %s' % (where, what))
        bad += 1
for f in found:
    if f.startswith(('one_choice.c', 'vector_cases.py')):
        print('UNEXPECTED: %s' % f)
        bad += 1
if len(found) != len(want):
    print('want %d findings, got %d' % (len(want), len(found)))
    bad += 1
print('test_alg_lint: %s' % ('FAIL' if bad else 'ok'))
sys.exit(1 if bad else 0)
