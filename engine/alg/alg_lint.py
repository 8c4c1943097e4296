#!/usr/bin/python3
"""alg_lint.py - no C or Python file spells the algorithm set out again.

The NDIS algorithms are rows of engine/alg/ipoc_algs.def; code asks the
table (ipoc_alg.h, ipoc_algs.py) instead of listing them. This check scans
the *.c, *.h and *.py files under ROOT (build folders and .git left out) and
fails on code, comments aside, that spells a set out:

  mask  two IPSEC_OFFLOAD_V2_ENCRYPTION_* / _AUTHENTICATION_* algorithm
        macros joined by `|` ("every GCM bit");
  list  three or more distinct algorithm spellings within 12 lines: the
        macros, or string literals that are wholly a name a row has (its
        name, label, [prim] name, Wireshark esp_sa name, `ip xfrm` names,
        OpenSSL name, scapy name): a table, switch or chain of them.

One algorithm chosen for a purpose (an SA a test adds) is not a set, and
neither are the cases of the vector and capture generators, where each SA
is chosen for its case: such lines sit between the comments
`alg-lint: begin vectors (why)` and `alg-lint: end vectors`, and only the
mask rule applies there. Left out, because spelling algorithms is their job: the table and its readers
(engine/alg), ipoc/ndis.h (the NDIS model), the backends' crypto files
(engine/ref/crypto_*.c, and the DPDK engine's mapping to DPDK transforms,
engine/dpdk/crypto_dpdk.c), the raw-library columns of ipoc bench, which are
the same mapping to one library's calls (harness/bench/bench_evp.c,
bench_mb.c), and tests (any folder named tests).

Usage: alg_lint.py [ROOT]   (default: the repository this file is in)
Exit 0 clean, 1 with findings (file:line: what), 2 on a usage error.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ipoc_algs  # noqa: E402

WINDOW = 12
LIST_MIN = 3
SKIP_DIRS = ('.git',)
ALLOWED = (
    ('engine', 'alg'),                      # the table, its C library and Python reader
    ('engine', 'include', 'ipoc', 'ndis.h'),  # the NDIS ABI model
)
MACRO = re.compile(r'\bIPSEC_OFFLOAD_V2_(?:ENCRYPTION|AUTHENTICATION)_\w+')


def spellings():
    """{spelling: kind of spelling} of every row: its macro, and its names."""
    out = {}
    for a in ipoc_algs.ALGS:
        out[a.ndis] = 'macro'
        names = [a.name, a.label, a.prim, a.evp, a.scapy] + list(a.xfrm_names)
        for icv in a.icvs or (a.icv,):
            names.append(ipoc_algs.esp_sa_name(a, icv))
        for n in names:
            if n:
                out.setdefault(n, 'name')
    return out


def allowed(rel):
    parts = tuple(rel.split(os.sep))
    if 'tests' in parts[:-1]:
        return True
    if parts[:2] in (('engine', 'ref'), ('engine', 'dpdk')) and \
            re.fullmatch(r'crypto_\w+\.c', parts[-1]):
        return True
    if parts[:2] == ('harness', 'bench') and parts[-1] in ('bench_evp.c', 'bench_mb.c'):
        return True
    return any(parts[:len(p)] == p for p in ALLOWED)


C_TOKENS = re.compile(r'''/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*''',
                      re.S)
PY_TOKENS = re.compile(r'''#[^\n]*|(?:[rbuRBU]{0,2})(?:"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|[A-Za-z_]\w*''')


def tokens(text, py):
    """(line, kind, value) of the code's identifiers and string literals;
    comments (and Python docstring-like literals spanning lines) dropped."""
    for m in (PY_TOKENS if py else C_TOKENS).finditer(text):
        t = m.group(0)
        line = text.count('\n', 0, m.start()) + 1
        if t.startswith(('/*', '//', '#')):
            continue
        q = re.match(r'[rbuRBU]{0,2}("""|\'\'\'|"|\')', t)
        if q:
            body = t[q.end():len(t) - len(q.group(1))]
            if '\n' in body:
                continue
            yield line, 'str', body
        else:
            yield line, 'id', t


def code_only(text):
    """C text with comments blanked (newlines kept), for the mask rule."""
    return re.sub(r'/\*.*?\*/|//[^\n]*', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text,
                  flags=re.S)


def vector_lines(text, rel, found):
    """The lines between `alg-lint: begin vectors` and `alg-lint: end vectors`."""
    out, start = set(), None
    for n, line in enumerate(text.split('\n'), 1):
        if 'alg-lint: begin vectors' in line:
            if start is not None or '(' not in line:
                found.append('%s:%d: alg-lint: begin vectors: nested, or without (why)' % (rel, n))
            start = n
        elif 'alg-lint: end vectors' in line:
            if start is None:
                found.append('%s:%d: alg-lint: end vectors without a begin' % (rel, n))
            else:
                out.update(range(start, n + 1))
            start = None
    if start is not None:
        found.append('%s:%d: alg-lint: begin vectors without an end' % (rel, start))
    return out


def check_file(path, rel, known):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    py = path.endswith('.py')
    found = []
    hits = []   # (line, spelling)
    exempt = vector_lines(text, rel, found)
    for line, kind, v in tokens(text, py):
        if line in exempt:
            continue
        if kind == 'id' and not py and known.get(v) == 'macro':
            hits.append((line, v))
        elif kind == 'str' and known.get(v) == 'name':
            hits.append((line, '"%s"' % v))
    if not py:
        body = code_only(text)
        for m in re.finditer(MACRO.pattern + r'\s*(?:\\\s*)?\|\s*(?:\\\s*)?' + MACRO.pattern, body):
            line = body.count('\n', 0, m.start()) + 1
            found.append('%s:%d: mask of algorithm macros (%s): ask ipoc_alg_mask() or a '
                         'row\'s kind' % (rel, line, ' '.join(m.group(0).split())))
    reported = 0
    for i, (line, _) in enumerate(hits):
        if line <= reported:
            continue
        window = {s for ln, s in hits[i:] if ln < line + WINDOW}
        if len(window) >= LIST_MIN:
            last = max(ln for ln, s in hits[i:] if ln < line + WINDOW)
            found.append('%s:%d: %d algorithms spelled out within %d lines (%s): a list the '
                         'table (engine/alg/ipoc_algs.def) should give' % (
                             rel, line, len(window), WINDOW, ', '.join(sorted(window))))
            reported = last
    return found


def scan(root):
    known = spellings()
    found = []
    for d, dirs, files in os.walk(root):
        rel_d = os.path.relpath(d, root)
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not x.startswith('build')
                         and not (rel_d == '.' and x.startswith('.')))
        for name in sorted(files):
            if not name.endswith(('.c', '.h', '.py')):
                continue
            rel = os.path.normpath(os.path.join(rel_d, name))
            if allowed(rel):
                continue
            found += check_file(os.path.join(d, name), rel, known)
    return found


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith('-')):
        sys.stderr.write(__doc__)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.normpath(os.path.join(HERE, '..', '..'))
    if not os.path.isdir(root):
        sys.stderr.write('alg_lint: %s: not a folder\n' % root)
        return 2
    found = scan(root)
    for f in found:
        print(f)
    print('alg_lint: %d finding%s under %s' % (len(found), '' if len(found) == 1 else 's', root))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
