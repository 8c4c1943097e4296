"""The NDIS IPsecOV2 algorithm set, read from ipoc_algs.def beside this file.

The Python scripts (pcaps/, vectors/, ci/, fuzz/) use this module instead of
listing algorithms themselves; ipoc_alg.c reads the same rows in C. A row is
an Alg with the .def's columns (see the comment at its top); `bit` is the
value of its ipoc/ndis.h macro, read from that header.

    import ipoc_algs
    ipoc_algs.by_name('aes-gcm-128').key      # 20
    [a.name for a in ipoc_algs.of_kind('GMAC')]

A script finds this folder with ipoc_algs_path() in its own directory or by
sys.path.insert(0, <repository>/engine/alg).
"""
import os
import re
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
DEF = os.path.join(HERE, 'ipoc_algs.def')
NDIS_H = os.path.join(HERE, '..', 'include', 'ipoc', 'ndis.h')

COLUMNS = ('ndis', 'kind', 'name', 'label', 'rfc', 'key', 'salt', 'icv', 'icvs', 'iv', 'block',
           'esp_sa', 'xfrm', 'evp', 'prim', 'scapy', 'v1')
KINDS = ('CIPHER', 'AEAD', 'INTEGRITY', 'GMAC')
ENC_KINDS = ('CIPHER', 'AEAD')
AUTH_KINDS = ('INTEGRITY', 'GMAC')

Alg = namedtuple('Alg', COLUMNS + ('bit', 'ndis_name', 'xfrm_names'))
Alg.is_enc = property(lambda a: a.kind in ENC_KINDS)
Alg.raw_key = property(lambda a: a.key - a.salt)


class DefError(ValueError):
    """A row of ipoc_algs.def that this reader cannot take."""


def _tokens(args, where):
    """Split an IPOC_ALG(...) argument list at top-level commas."""
    out, cur, depth, quote = [], '', 0, False
    for ch in args:
        if quote:
            cur += ch
            if ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        elif ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
            continue
        cur += ch
    if quote or depth:
        raise DefError('%s: unbalanced quotes or parentheses' % where)
    out.append(cur.strip())
    return out


def _string(tok, where, col):
    if tok == 'NULL':
        return None
    if len(tok) < 2 or tok[0] != '"' or tok[-1] != '"':
        raise DefError('%s: column %s: want "text" or NULL, got %s' % (where, col, tok))
    return tok[1:-1]


def _int(tok, where, col):
    if not re.fullmatch(r'\d+', tok):
        raise DefError('%s: column %s: want a number, got %s' % (where, col, tok))
    return int(tok)


def _icvs(tok, where):
    if tok == '0':
        return ()
    parts = [p.strip() for p in tok.split('|')]
    out = []
    for p in parts:
        m = re.fullmatch(r'IPOC_ICV\((\d+)\)', p)
        if not m:
            raise DefError('%s: column icvs: want IPOC_ICV(n) | ..., got %s' % (where, tok))
        out.append(int(m.group(1)))
    return tuple(sorted(out))


def ndis_bits(path=NDIS_H):
    """{macro: value} of the IPSEC_OFFLOAD_V2_ENCRYPTION_/AUTHENTICATION_ bits."""
    bits = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'#define\s+(IPSEC_OFFLOAD_V2_(?:ENCRYPTION|AUTHENTICATION)_\w+)'
                         r'\s+(0x[0-9a-fA-F]+|\d+)', line)
            if m:
                bits[m.group(1)] = int(m.group(2), 0)
    return bits


def read(path=DEF, ndis_h=NDIS_H):
    """Every row of the .def file, in its order."""
    bits = ndis_bits(ndis_h)
    with open(path) as f:
        text = f.read()
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    rows = []
    for lineno, line in enumerate(text.split('\n'), 1):
        line = line.strip()
        if not line:
            continue
        where = '%s:%d' % (path, lineno)
        m = re.fullmatch(r'IPOC_ALG\((.*)\)', line)
        if not m:
            raise DefError('%s: not an IPOC_ALG(...) row: %s' % (where, line[:40]))
        t = _tokens(m.group(1), where)
        if len(t) != len(COLUMNS):
            raise DefError('%s: %d columns, want %d' % (where, len(t), len(COLUMNS)))
        ndis, kind = t[0], t[1]
        if kind not in KINDS:
            raise DefError('%s: kind %s is not one of %s' % (where, kind, ', '.join(KINDS)))
        prefix = ('IPSEC_OFFLOAD_V2_ENCRYPTION_' if kind in ENC_KINDS
                  else 'IPSEC_OFFLOAD_V2_AUTHENTICATION_')
        if not ndis.startswith(prefix) or ndis not in bits:
            raise DefError('%s: %s is not an %s* macro of ipoc/ndis.h' % (where, ndis, prefix))
        xfrm = _string(t[12], where, 'xfrm')
        rows.append(Alg(
            ndis=ndis, kind=kind, name=_string(t[2], where, 'name'),
            label=_string(t[3], where, 'label'), rfc=_string(t[4], where, 'rfc'),
            key=_int(t[5], where, 'key'), salt=_int(t[6], where, 'salt'),
            icv=_int(t[7], where, 'icv'), icvs=_icvs(t[8], where), iv=_int(t[9], where, 'iv'),
            block=_int(t[10], where, 'block'), esp_sa=_string(t[11], where, 'esp_sa'),
            xfrm=xfrm, evp=_string(t[13], where, 'evp'), prim=_string(t[14], where, 'prim'),
            scapy=_string(t[15], where, 'scapy'), v1=t[16], bit=bits[ndis],
            ndis_name=ndis[len(prefix):], xfrm_names=tuple(xfrm.split()) if xfrm else ()))
    return rows


ALGS = read()
BY_NAME = {a.name: a for a in ALGS}


def by_name(name):
    """The row named name ('aes-gcm-128'); KeyError when none."""
    return BY_NAME[name]


def of_kind(*kinds):
    """The rows of the given kinds ('CIPHER', 'AEAD', 'INTEGRITY', 'GMAC'), in order."""
    return [a for a in ALGS if a.kind in kinds]


def names(*kinds):
    """The names of the rows of the given kinds, in order."""
    return tuple(a.name for a in of_kind(*kinds))


def by_prim(name):
    """The row whose [prim] name is name, or None."""
    return next((a for a in ALGS if a.prim == name), None)


def by_xfrm(name, key_len):
    """The row with that `ip xfrm` name and key length, or None."""
    return next((a for a in ALGS if name in a.xfrm_names and a.key == key_len), None)


def by_esp_sa(name, key_len):
    """(row, icv) for a Wireshark esp_sa name and key length, or (None, None)."""
    for a in ALGS:
        if a.key != key_len:
            continue
        for icv in (a.icvs or (a.icv,)):
            if a.esp_sa and esp_sa_name(a, icv) == name:
                return a, icv
    return None, None


def esp_sa_name(a, icv=None):
    """Wireshark's esp_sa name of row a with ICV icv (default: the row's), or None."""
    if not a.esp_sa:
        return None
    if '%u' in a.esp_sa:
        icv = a.icv if icv is None else icv
        return a.esp_sa.replace('%u', str(icv)) if icv in a.icvs else None
    return a.esp_sa


def mask(*kinds):
    """The OR of the NDIS bits of the rows of the given kinds."""
    m = 0
    for a in of_kind(*kinds):
        m |= a.bit
    return m
