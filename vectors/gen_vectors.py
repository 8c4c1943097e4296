#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the ipoc known-answer vector files vectors/gen-*.vec.

Usage: gen_vectors.py [--out DIR]   write the files (default: this directory)
       gen_vectors.py --check       regenerate into a temporary directory and
                                    compare byte for byte with the files in
                                    this directory; exit 1 on any difference

The cells the public vectors leave empty (../shared/reference/test-vectors.md
section 1) are filled with packets built here: ESP for every encryption x
integrity combination of the NDIS IPsecOV2 set, tunnel mode across address
families, IPv4 options and IPv6 extension headers, ESN, UDP-ESP, transport
over tunnel, AH with every integrity algorithm, [ESP, AH] bundles, and
receive cases that must fail or must not be offloaded.

Everything is deterministic: keys, IVs, SPIs, addresses, sequence numbers
and payloads come from SHA-256 in counter mode over a per-case label, so the
files change only when this program does. It uses Python's standard library
and python3-cryptography only (never the C engine or the harness), and on
purpose other code paths than crosscheck.py, which checks its output: AESGCM
(the AEAD interface) rather than modes.GCM, CBC chained here over ECB rather
than modes.CBC, cryptography's HMAC rather than Python's hmac module.

What a sender does (what `wire` is) follows the RFCs:
  ESP     RFC 4303: padding 1, 2, 3, ... to the cipher block (4 for NULL,
          GCM and GMAC, s2.4); HMAC ICV over SPI .. Next Header, the ESN high
          half appended (s2.2.1, s3.3.2.2); DES-CBC RFC 2405, 3DES-CBC RFC
          2451, AES-CBC RFC 3602, HMAC-MD5-96 RFC 2403, HMAC-SHA1-96 RFC 2404,
          HMAC-SHA-256-128 RFC 4868.
  GCM     RFC 4106: nonce = salt | IV (s4), AAD = SPI | SN or SPI | SN-hi |
          SN-lo (s5), ICV 8, 12 or 16 octets (s6), key | salt (s8.1).
  GMAC    RFC 4543: ESP (s3): nothing encrypted, AAD = SPI | [SN-hi] | SN |
          IV | payload .. Next Header; AH (s4, errata 3643): 8-octet IV, then
          the 16-octet tag, 4 octets of padding in IPv6; the AAD is the whole
          packet as for the AH ICV with the IV in place.
  AH      RFC 4302: ICV over the IP header chain with the mutable fields
          zeroed (s3.3.3.1): IPv4 TOS, flags, fragment offset, TTL, checksum,
          and every option not listed immutable in appendix A.1 zeroed whole
          (type, length and data, s3.3.3.1.1.2); IPv6 traffic class, flow
          label, hop limit, and the data of options with the change-en-route
          bit (s3.3.3.1.2.2); the AH header with its ICV field zeroed, the
          rest of the packet, the ESN high half appended (s2.5.1,
          s3.3.3.3.1 of RFC 4302 referring to RFC 4303). AH is 4-octet
          aligned in IPv4 and 8-octet aligned in IPv6 (s2.6).
  UDP-ESP RFC 3948: UDP port 4500 both ways, length 8 + ESP, checksum 0
          (s2.1, s3.1.1; for IPv6 a zero checksum is what RFC 6935/6936 allow
          tunnel protocols, and what an offload that does not touch the UDP
          header can send).
`plain` follows vectors/README.md ("Semantics"): every header final, the IV
field holding `iv`, the payload, padding and trailer in clear, the ICV field
(AH: the whole ICV field, IV included for GMAC) zeroed.
"""

import argparse
import hashlib
import ipaddress
import os
import struct
import sys
import tempfile

import cryptography
from cryptography.hazmat.primitives import hashes

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'engine', 'alg'))
import ipoc_algs  # noqa: E402  (the algorithm table, engine/alg/ipoc_algs.def)
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

try:    # cryptography >= 43 keeps 3DES here; Debian 12 has 38
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ('gen-esp-algorithms.vec', 'gen-esp-modes.vec', 'gen-ah.vec', 'gen-negative.vec')

# ---------------------------------------------------------------------------
# Deterministic bytes


class Rng:
    """SHA-256 in counter mode over a label: the same label, the same bytes."""

    def __init__(self, label):
        self.label = label.encode()
        self.n = 0
        self.pool = b''

    def bytes(self, k):
        while len(self.pool) < k:
            self.pool += hashlib.sha256(b'ipoc gen_vectors 1\0' + self.label + b'\0' +
                                        self.n.to_bytes(8, 'big')).digest()
            self.n += 1
        out, self.pool = self.pool[:k], self.pool[k:]
        return out

    def int(self, lo, hi):
        """lo..hi inclusive."""
        return lo + int.from_bytes(self.bytes(8), 'big') % (hi - lo + 1)

    def choice(self, seq):
        return seq[self.int(0, len(seq) - 1)]


def odd_parity(key):
    """DES keys with the parity bits set (RFC 2405 s5, RFC 2451: the low bit
    of each octet is parity; the ciphers ignore it)."""
    return bytes((b & 0xfe) | (bin(b & 0xfe).count('1') % 2 == 0) for b in key)


# ---------------------------------------------------------------------------
# Primitives (other code paths than crosscheck.py, see the docstring)

def mac(kind, key, data, n):
    # kind is the table's OpenSSL digest name, which is cryptography's too
    h = c_hmac.HMAC(key, getattr(hashes, kind)())
    h.update(data)
    return h.finalize()[:n]


def cbc_encrypt(kind, key, iv, pt):
    """CBC chained by hand over the block cipher in ECB mode."""
    # Single DES is 3DES EDE with K1 = K2 = K3 (spelled out: newer
    # cryptography releases deprecate 8-byte TripleDES keys).
    alg = algorithms.AES(key) if kind == 'aes' else TripleDES(key * 3 if len(key) == 8 else key)
    enc = Cipher(alg, modes.ECB()).encryptor()
    bs, prev, out = len(iv), iv, bytearray()
    assert len(pt) % bs == 0
    for i in range(0, len(pt), bs):
        prev = enc.update(bytes(a ^ b for a, b in zip(pt[i:i + bs], prev)))
        out += prev
    enc.finalize()
    return bytes(out)


def gcm_seal(key, nonce, aad, pt):
    out = AESGCM(key).encrypt(nonce, pt, aad)
    return out[:-16], out[-16:]


def inet_csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


# ---------------------------------------------------------------------------
# Algorithms, from the table: name -> (kind, key bytes without salt, IV
# bytes, block); kind 'null', 'gcm', or the cipher family ('aes', 'des')

def _ekind(a):
    if a.kind == 'AEAD':
        return 'gcm'
    return 'null' if not a.key else a.evp.split('-')[0].lower()


ENC = {a.name: (_ekind(a), a.raw_key, a.iv, max(a.block, 4))
       for a in ipoc_algs.of_kind(*ipoc_algs.ENC_KINDS)}
ENC['none'] = ENC[ipoc_algs.of_kind('CIPHER')[0].name]
# name -> (kind, key bytes without salt, ICV bytes); kind 'gmac' or the digest
AUTH = {a.name: ('gmac' if a.kind == 'GMAC' else a.evp, a.raw_key, a.icv)
        for a in ipoc_algs.of_kind(*ipoc_algs.AUTH_KINDS)}
AUTH['none'] = (None, 0, 0)
HMACS = ipoc_algs.names('INTEGRITY')
GMACS = ipoc_algs.names('GMAC')
CBCS = tuple(a.name for a in ipoc_algs.of_kind('CIPHER') if a.key)
GCMS = ipoc_algs.names('AEAD')


class Esp:
    """The ESP member of an SA, with its keys and the IV a send uses."""

    def __init__(self, rng, enc, auth, icv=None, esn=False, seq_hi=None):
        self.enc, self.auth = enc, auth
        self.ekind, eklen, self.ivlen, self.block = ENC[enc]
        self.akind, aklen, self.icv = AUTH[auth]
        self.spi = rng.int(0x100, 0xffffffff)
        key = rng.bytes(eklen)
        if self.ekind == 'des':
            key = odd_parity(key)
        self.enc_key = key + (rng.bytes(4) if self.ekind == 'gcm' else b'')
        self.auth_key = rng.bytes(aklen) + (rng.bytes(4) if self.akind == 'gmac' else b'')
        if self.ekind == 'gcm':
            self.icv = icv
        if self.akind == 'gmac':
            self.ivlen = 8      # RFC 4543 s3.1
        self.iv = rng.bytes(self.ivlen)
        self.esn = esn
        self.seq_hi = (seq_hi if seq_hi is not None else rng.int(1, 0xffffffff)) if esn else 0

    def hi(self):
        return self.seq_hi.to_bytes(4, 'big') if self.esn else b''

    def seal(self, hdr, iv, pt):
        """(ciphertext, ICV) of the payload pt behind ESP header hdr."""
        if self.ekind == 'gcm':
            key, salt = self.enc_key[:-4], self.enc_key[-4:]
            aad = hdr[:4] + self.hi() + hdr[4:]                     # RFC 4106 s5
            ct, tag = gcm_seal(key, salt + iv, aad, pt)
            return ct, tag[:self.icv]
        if self.akind == 'gmac':
            key, salt = self.auth_key[:-4], self.auth_key[-4:]
            aad = hdr[:4] + self.hi() + hdr[4:] + iv + pt           # RFC 4543 s3.3
            return pt, gcm_seal(key, salt + iv, aad, b'')[1]
        ct = pt if self.ekind == 'null' else cbc_encrypt(self.ekind, self.enc_key, iv, pt)
        icv = b''
        if self.akind:
            icv = mac(self.akind, self.auth_key, hdr + iv + ct + self.hi(), self.icv)
        return ct, icv


class Ah:
    """The AH member of an SA."""

    def __init__(self, rng, auth, esn=False, seq_hi=None):
        self.auth = auth
        self.akind, aklen, self.icv = AUTH[auth]
        self.spi = rng.int(0x100, 0xffffffff)
        self.auth_key = rng.bytes(aklen) + (rng.bytes(4) if self.akind == 'gmac' else b'')
        self.iv = rng.bytes(8) if self.akind == 'gmac' else b''
        self.field = 8 + 16 if self.akind == 'gmac' else self.icv    # RFC 4543 s4
        self.esn = esn
        self.seq_hi = (seq_hi if seq_hi is not None else rng.int(1, 0xffffffff)) if esn else 0

    def hi(self):
        return self.seq_hi.to_bytes(4, 'big') if self.esn else b''

    def length(self, ipv6):
        """AH header bytes with padding: 4-octet aligned (IPv4), 8 (IPv6)."""
        n = 12 + self.field
        a = 8 if ipv6 else 4
        return n + (-n) % a


# ---------------------------------------------------------------------------
# Packets. Every builder returns (plain, wire): the two forms have the same
# length and differ only where a sender writes IV, ciphertext and ICV.

IPPROTO = {'hbh': 0, 'ipip': 4, 'tcp': 6, 'udp': 17, 'ipv6': 41, 'frag': 44,
           'esp': 50, 'ah': 51, 'dst': 60}


class Hdr:
    """Header fields of one IP header (the rest come from the caller)."""

    def __init__(self, rng, fam, src, dst, **kw):
        self.fam, self.src, self.dst = fam, src, dst
        self.ttl = kw.get('ttl', 64)
        self.tos = kw.get('tos', 0)
        self.flags = kw.get('flags', 0x4000)        # DF
        self.ident = kw.get('ident', rng.int(1, 0xffff))
        self.v4opts = kw.get('v4opts', b'')
        self.tc = kw.get('tc', 0)
        self.flow = kw.get('flow', 0)
        self.hlim = kw.get('hlim', 64)
        self.v6ext = kw.get('v6ext', ())

    def pack_src(self):
        return ipaddress.ip_address(self.src).packed

    def pack_dst(self):
        return ipaddress.ip_address(self.dst).packed


def v6_ext_chain(exts, proto):
    """IPv6 extension headers [(name, options padded to 8n+6)], then proto."""
    types = [IPPROTO[t] for t, _ in exts]
    out = b''
    for i, (_, body) in enumerate(exts):
        nxt = types[i + 1] if i + 1 < len(types) else proto
        assert (2 + len(body)) % 8 == 0
        out += bytes([nxt, (2 + len(body)) // 8 - 1]) + body
    return (types[0] if exts else proto), out


def ip_header(h, proto, payload_len):
    """The IP header (with IPv4 options or IPv6 extension headers) in front
    of payload_len bytes of protocol proto."""
    if h.fam == 4:
        assert len(h.v4opts) % 4 == 0
        hl = 20 + len(h.v4opts)
        b = bytearray(struct.pack('!BBHHHBBH4s4s', 0x40 | hl // 4, h.tos, hl + payload_len,
                                  h.ident, h.flags, h.ttl, proto, 0, h.pack_src(), h.pack_dst())
                      + h.v4opts)
        b[10:12] = struct.pack('!H', inet_csum(bytes(b)))
        return bytes(b)
    nh, ext = v6_ext_chain(h.v6ext, proto)
    return struct.pack('!IHBB16s16s', (6 << 28) | (h.tc << 20) | h.flow, len(ext) + payload_len,
                       nh, h.hlim, h.pack_src(), h.pack_dst()) + ext


def ip_packet(h, proto, body):
    plain, wire = body
    hdr = ip_header(h, proto, len(plain))
    return hdr + plain, hdr + wire


def l4_csum(h, proto, seg):
    if h.fam == 4:
        pseudo = h.pack_src() + h.pack_dst() + struct.pack('!BBH', 0, proto, len(seg))
    else:
        pseudo = h.pack_src() + h.pack_dst() + struct.pack('!I3xB', len(seg), proto)
    return inet_csum(pseudo + seg)


def tcp_segment(rng, h, n):
    """A TCP segment (ACK|PSH, n data bytes) with its checksum for header h."""
    data = rng.bytes(n)
    seg = bytearray(struct.pack('!HHIIBBHHH', rng.int(1024, 65535), rng.choice((22, 80, 443, 445, 3389)),
                                rng.int(0, 0xffffffff), rng.int(0, 0xffffffff), 5 << 4, 0x18,
                                rng.int(512, 65535), 0, 0) + data)
    seg[16:18] = struct.pack('!H', l4_csum(h, 6, bytes(seg)))
    return bytes(seg)


def udp_datagram(rng, h, n):
    data = rng.bytes(n)
    seg = bytearray(struct.pack('!HHHH', rng.int(1024, 65535), rng.choice((53, 123, 514, 5060)),
                                8 + n, 0) + data)
    c = l4_csum(h, 17, bytes(seg))
    seg[6:8] = struct.pack('!H', c or 0xffff)
    return bytes(seg)


def inner_packet(rng, fam, n, udp=False, **kw):
    """A complete IP packet (TCP or UDP) to carry in a tunnel; plain = wire."""
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst, ttl=kw.pop('ttl', 63), hlim=kw.pop('hlim', 63), **kw)
    seg = udp_datagram(rng, h, n) if udp else tcp_segment(rng, h, n)
    p, _ = ip_packet(h, 17 if udp else 6, (seg, seg))
    return p


def esp_layer(sa, seq, inner, nh, extra_pad=0, pad_len_field=None):
    """ESP around inner = (plain, wire). Returns (plain, wire, pad length)."""
    ip, iw = inner
    padlen = (-(len(ip) + 2)) % sa.block + extra_pad
    trailer = bytes(range(1, padlen + 1)) + bytes([padlen if pad_len_field is None
                                                   else pad_len_field, nh])
    hdr = struct.pack('!II', sa.spi, seq)
    ct, icv = sa.seal(hdr, sa.iv, iw + trailer)
    plain = hdr + sa.iv + ip + trailer + bytes(len(icv))
    wire = hdr + sa.iv + ct + icv
    assert len(plain) == len(wire)
    return plain, wire, padlen


def udp_encap(body):
    """RFC 3948 s2.1: UDP header, ports 4500, checksum 0."""
    plain, wire = body
    u = struct.pack('!HHHH', 4500, 4500, 8 + len(plain), 0)
    return u + plain, u + wire


V4_IMMUTABLE = {0, 1, 130, 133, 134, 148, 149}    # RFC 4302 appendix A.1


def zero_mutable(m, hl):
    """Zero, in m, the mutable fields of the IP header chain m[0:hl]
    (RFC 4302 s3.3.3.1)."""
    if m[0] >> 4 == 4:
        m[1] = 0
        m[6:8] = b'\0\0'
        m[8] = 0
        m[10:12] = b'\0\0'
        o, end = 20, (m[0] & 0xf) * 4
        while o < end:
            t = m[o]
            if t == 0:
                break
            if t == 1:
                o += 1
                continue
            ln = m[o + 1]
            if t in (131, 137):
                raise ValueError('source routes: the destination would have to be predicted')
            if t not in V4_IMMUTABLE:
                m[o:o + ln] = bytes(ln)         # s3.3.3.1.1.2: the entire option
            o += ln
        return
    m[0] &= 0xf0
    m[1:4] = b'\0\0\0'
    m[7] = 0
    nh, off = m[6], 40
    while off < hl:
        ln = (m[off + 1] + 1) * 8
        if nh in (0, 60):
            o = off + 2
            while o < off + ln:
                if m[o] == 0:
                    o += 1
                    continue
                if m[o] & 0x20:                 # change en route: data zeroed
                    m[o + 2:o + 2 + m[o + 1]] = bytes(m[o + 1])
                o += 2 + m[o + 1]
        elif nh != 60:
            raise ValueError('extension header %d before AH' % nh)
        nh, off = m[off], off + ln


def ah_packet(h, sa, seq, nh, body, ah_len=None):
    """IP header h, AH of sa with next header nh, then body = (plain, wire).
    ah_len overrides the AH length (for malformed packets)."""
    bp, bw = body
    n = sa.length(h.fam == 6) if ah_len is None else ah_len
    ah0 = bytes([nh, n // 4 - 2, 0, 0]) + struct.pack('!II', sa.spi, seq) + bytes(n - 12)
    hdr = ip_header(h, 51, n + len(bp))
    hl = len(hdr)
    m = bytearray(hdr + ah0 + bw)
    if sa.akind == 'gmac':
        m[hl + 12:hl + 20] = sa.iv                  # the IV stays in the AAD
    zero_mutable(m, hl)
    data = bytes(m) + sa.hi()
    if sa.akind == 'gmac':
        field = sa.iv + gcm_seal(sa.auth_key[:-4], sa.auth_key[-4:] + sa.iv, data, b'')[1]
    else:
        field = mac(sa.akind, sa.auth_key, data, sa.icv)
    ah = ah0[:12] + field + ah0[12 + len(field):]
    return hdr + ah0 + bp, hdr + ah + bw


# ---------------------------------------------------------------------------
# Addresses and options

V4_NETS = ('192.0.2.', '198.51.100.', '203.0.113.', '10.', '172.16.', '192.168.')


def addr(rng, fam):
    if fam == 4:
        net = rng.choice(V4_NETS)
        while net.count('.') < 3:
            net += '%d.' % rng.int(0, 255)
        return net + str(rng.int(1, 254))
    groups = ['2001', 'db8'] + ['%x' % rng.int(0, 0xffff) for _ in range(2)]
    tail = ['0'] * 3 + ['%x' % rng.int(1, 0xffff)]
    if rng.int(0, 1):
        tail = ['%x' % rng.int(0, 0xffff) for _ in range(4)]
    return str(ipaddress.ip_address(':'.join(groups + tail)))


def addr_pair(rng, fam):
    a = addr(rng, fam)
    b = addr(rng, fam)
    while b == a:
        b = addr(rng, fam)
    return a, b


def v6_opts(*opts):
    """Options (type, data) padded with Pad1/PadN to a header of 8n bytes."""
    b = b''
    for t, d in opts:
        b += bytes([0]) if t == 0 else bytes([t, len(d)]) + d
    need = (-(2 + len(b))) % 8
    if need == 1:
        b += b'\0'
    elif need:
        b += bytes([1, need - 2]) + bytes(need - 2)
    return b


OPT_RA4 = b'\x94\x04\x00\x00'                          # IPv4 Router Alert (RFC 2113)


def opt_rr(slots, filled=()):
    """IPv4 Record Route (RFC 791): pointer past the filled slots."""
    data = b''.join(ipaddress.ip_address(a).packed for a in filled)
    data += bytes(4 * (slots - len(filled)))
    return bytes([7, 3 + 4 * slots, 4 + 4 * len(filled)]) + data


def opt_ts(slots, filled=()):
    """IPv4 Internet Timestamp (RFC 791), flag 0: timestamps only."""
    data = b''.join(struct.pack('!I', t) for t in filled) + bytes(4 * (slots - len(filled)))
    return bytes([68, 4 + 4 * slots, 5 + 4 * len(filled), 0]) + data


def v4_options(*opts):
    """Options joined and padded with EOL to 4 bytes."""
    b = b''.join(opts)
    return b + bytes((-len(b)) % 4)


# ---------------------------------------------------------------------------
# Case text


def hexval(b):
    h = b.hex()
    groups = [h[i:i + 8] for i in range(0, len(h), 8)]
    if len(b) <= 16:
        return ' ' + ' '.join(groups)
    lines = [' '.join(groups[i:i + 4]) for i in range(0, len(groups), 4)]
    return '\n' + '\n'.join('\t' + ln for ln in lines)


class Case:
    def __init__(self, cid, source, direction='both'):
        assert len(cid) <= 64 and all(c in 'abcdefghijklmnopqrstuvwxyz0123456789._-' for c in cid), cid
        self.id = cid
        self.kv = [('source', 'generated: ' + source), ('direction', direction)]
        self.needs = []

    def add(self, k, v):
        self.kv.append((k, v))

    def need(self, *words):
        for w in words:
            if w not in self.needs:
                self.needs.append(w)

    def sa(self, prefix, src, dst, esp=None, ah=None):
        self.add(prefix + 'src', src)
        self.add(prefix + 'dst', dst)
        if esp:
            self.add(prefix + 'esp.spi', '0x%08x' % esp.spi)
            self.add(prefix + 'esp.enc', esp.enc)
            if esp.enc_key:
                self.add(prefix + 'esp.enc_key', esp.enc_key)
            self.add(prefix + 'esp.auth', esp.auth)
            if esp.auth_key:
                self.add(prefix + 'esp.auth_key', esp.auth_key)
            if esp.ekind == 'gcm':
                self.add(prefix + 'esp.icv_len', str(esp.icv))
            if esp.esn:
                self.add(prefix + 'esp.esn', '1')
                self.add(prefix + 'esp.seq_hi', '0x%08x' % esp.seq_hi)
                self.need('esn')
            if esp.ivlen:
                self.add('tun.iv' if prefix else 'iv', esp.iv)
            if esp.akind is None and esp.ekind != 'gcm':
                self.need('enc-only-esp')
            if esp.akind == 'gmac':
                self.need('gmac')
        if ah:
            self.add(prefix + 'ah.spi', '0x%08x' % ah.spi)
            self.add(prefix + 'ah.auth', ah.auth)
            self.add(prefix + 'ah.auth_key', ah.auth_key)
            if ah.esn:
                self.add(prefix + 'ah.esn', '1')
                self.add(prefix + 'ah.seq_hi', '0x%08x' % ah.seq_hi)
                self.need('esn')
            if ah.iv:
                self.add(prefix + 'ah.iv', ah.iv)
            self.need('ah')
            if ah.akind == 'gmac':
                self.need('gmac')
        if esp and ah:
            self.need('ah-esp')

    def success(self, next_header=None, pad_length=None, nested=False):
        self.add('expect.status', 'CRYPTO_SUCCESS')
        self.add('expect.crypto_done', '1')
        self.add('expect.next_crypto_done', '1' if nested else '0')
        self.add('expect.header_info_set', '0' if next_header is None else '1')
        if next_header is not None:
            self.add('expect.next_header', str(next_header))
            self.add('expect.pad_length', str(pad_length))

    def text(self):
        out = ['[case %s]' % self.id]
        for k, v in self.kv:
            out.append('%s =%s' % (k, hexval(v) if isinstance(v, bytes) else ' ' + v))
        if self.needs:
            out.append('needs = ' + ' '.join(self.needs))
        return '\n'.join(out) + '\n'


def fam_word(f):
    return 'ipv4' if f == 4 else 'ipv6'


def head(c, mode, fam, udp=None):
    c.add('family', fam_word(fam))
    c.add('mode', mode)
    if udp:
        c.add('udp', udp)
        c.need('udp')
    if fam == 6:
        c.need('ipv6')
    if mode == 'transport-over-tunnel':
        c.need('transport-over-tunnel')


def nh_of(fam):
    return 4 if fam == 4 else 41


# ---------------------------------------------------------------------------
# Builders shared by the files


def esp_case(file, cid, source, fam, mode, enc, auth, icv=None, esn=False, udp=None,
             inner_fam=None, hdr_kw=None, inner_kw=None, extra_pad=0, size=None, enc_word=None):
    """One ESP transport or tunnel case, direction both."""
    rng = Rng(file + '/' + cid)
    sa = Esp(rng, enc, auth, icv, esn)
    if enc_word:
        sa.enc = enc_word
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst, **(hdr_kw or {}))
    n = size if size is not None else rng.int(1, 160)
    if mode == 'transport':
        body = tcp_segment(rng, h, n)
        nh = 6
    else:
        ifam = inner_fam or fam
        body = inner_packet(rng, ifam, n, udp=rng.int(0, 3) == 0, **(inner_kw or {}))
        nh = nh_of(ifam)
    seq = rng.int(1, 0xffffffff)
    ep, ew, padlen = esp_layer(sa, seq, (body, body), nh, extra_pad=extra_pad)
    if udp:
        ep, ew = udp_encap((ep, ew))
    plain, wire = ip_packet(h, 17 if udp else 50, (ep, ew))
    c = Case(cid, source)
    head(c, mode, fam, udp)
    c.sa('', src, dst, esp=sa)
    c.add('plain', plain)
    c.add('wire', wire)
    c.success(nh, padlen)
    return c


def ah_case(file, cid, source, fam, mode, auth, esn=False, esp=None, hdr_kw=None,
            inner_fam=None, direction='both', hop=None, label=None):
    """One AH (or [ESP, AH] bundle when esp = (enc, auth, icv)) case.
    hop(h) changes the outer header as a router would: the packet is built
    with the original header, then re-emitted with the changed one (mutable
    fields only), receive only; with label = the id of the case it changes,
    the SA and packet are that case's."""
    rng = Rng(file + '/' + (label or cid))
    ah = Ah(rng, auth, esn)
    es = Esp(rng, *esp) if esp else None
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst, **(hdr_kw or {}))
    n = rng.int(1, 160)
    if mode == 'transport':
        body = tcp_segment(rng, h, n)
        nh = 6
    else:
        ifam = inner_fam or fam
        body = inner_packet(rng, ifam, n, udp=rng.int(0, 3) == 0)
        nh = nh_of(ifam)
    seq = rng.int(1, 0xffffffff)
    inner = (body, body)
    esp_nh = padlen = None
    if es:
        ep, ew, padlen = esp_layer(es, rng.int(1, 0xffffffff), inner, nh)
        inner, esp_nh, nh = (ep, ew), nh, 50
    plain, wire = ah_packet(h, ah, seq, nh, inner)
    if hop:
        hdr_len = len(ip_header(h, 51, 0))
        hop(h)
        new = ip_header(h, 51, len(plain) - hdr_len)
        assert len(new) == hdr_len
        plain, wire = new + plain[hdr_len:], new + wire[hdr_len:]
    c = Case(cid, source, direction)
    head(c, mode, fam)
    c.sa('', src, dst, esp=es, ah=ah)
    c.add('plain', plain)
    c.add('wire', wire)
    c.success(esp_nh, padlen)
    return c


def tot_case(file, cid, source, fam, tun_alg, tr_alg, udp=None):
    """Transport over tunnel, both ESP: the transport SA's packet (its own
    key, endpoints inside the tunnel) sealed first, then carried in the
    tunnel SA's ESP."""
    rng = Rng(file + '/' + cid)
    tr = Esp(rng, *tr_alg)
    tun = Esp(rng, *tun_alg)
    gsrc, gdst = addr_pair(rng, fam)
    tsrc, tdst = addr_pair(rng, fam)
    ih = Hdr(rng, fam, tsrc, tdst, ttl=63, hlim=63)
    seg = tcp_segment(rng, ih, rng.int(1, 160))
    tp, tw, tpad = esp_layer(tr, rng.int(1, 0xffffffff), (seg, seg), 6)
    if udp == 'udp-transport-over-tunnel':
        tp, tw = udp_encap((tp, tw))
    inner = ip_packet(ih, 17 if udp == 'udp-transport-over-tunnel' else 50, (tp, tw))
    op, ow, _ = esp_layer(tun, rng.int(1, 0xffffffff), inner, nh_of(fam))
    if udp == 'transport-over-udp-tunnel':
        op, ow = udp_encap((op, ow))
    oh = Hdr(rng, fam, gsrc, gdst)
    plain, wire = ip_packet(oh, 17 if udp == 'transport-over-udp-tunnel' else 50, (op, ow))
    c = Case(cid, source)
    head(c, 'transport-over-tunnel', fam, udp)
    c.sa('', tsrc, tdst, esp=tr)
    c.sa('tun.', gsrc, gdst, esp=tun)
    c.add('plain', plain)
    c.add('wire', wire)
    c.success(6, tpad, nested=True)
    return c


def alg_word(enc, auth, icv=None):
    if enc.startswith('aes-gcm'):
        return '%s ICV %d' % (enc.upper(), icv)
    if auth.startswith('aes-gmac'):
        return 'NULL + %s' % auth.upper()
    return '%s + %s' % (enc.upper(), 'no integrity' if auth == 'none' else auth.upper())


# ---------------------------------------------------------------------------
# gen-esp-algorithms.vec

def esp_cells():
    cells = [('null', a, None) for a in HMACS + GMACS]
    cells += [(e, a, None) for e in CBCS for a in HMACS + ('none',)]
    cells += [(e, 'none', i) for e in GCMS for i in ipoc_algs.by_name(e).icvs]
    return cells


def gen_esp_algorithms():
    f = 'gen-esp-algorithms'
    cases = []
    for fam in (4, 6):
        for enc, auth, icv in esp_cells():
            a = 'icv%d' % icv if enc.startswith('aes-gcm') else auth
            cid = 'alg.v%d.%s.%s' % (fam, enc, a)
            src = 'ESP transport, %s, TCP, %s' % (fam_word(fam).replace('ip', 'IP'), alg_word(enc, auth, icv))
            cases.append(esp_case(f, cid, src, fam, 'transport', enc, auth, icv))
    intro = """\
# ESP transport mode (RFC 4303), IPv4 and IPv6, a TCP segment as payload, for
# every encryption x integrity cell of the NDIS IPsecOV2 set:
#   NULL with HMAC-MD5-96, HMAC-SHA1-96, HMAC-SHA-256-128 and with AES-GMAC-
#   128/192/256 (RFC 4543 ENCR_NULL_AUTH_AES_GMAC, 8-byte IV);
#   DES-CBC, 3DES-CBC, AES-CBC-128/192/256, each with each HMAC and with none
#   (the no-integrity cells carry `needs = enc-only-esp`, PROFILE.md item 8);
#   AES-GCM-128/192/256 with ICV 8, 12 and 16.
# Minimal padding 1, 2, 3, ... to the cipher block (4 for NULL, GCM, GMAC);
# IPv4 headers with DF, TTL 64 and a correct checksum; TCP checksums correct.
"""
    return intro, cases


# ---------------------------------------------------------------------------
# alg-lint: begin vectors (the cases of the generated files, each SA chosen for its case)
# gen-esp-modes.vec

HBH_OPTS = v6_opts((5, b'\0\0'), (0, b''), (0, b''), (0x3e, bytes.fromhex('a1b2c3d4')))
DST_OPTS = v6_opts((0x1e, bytes.fromhex('0bad')), (0x3e, bytes.fromhex('00c0ffee')))


def gen_esp_modes():
    f = 'gen-esp-modes'
    cases = []
    tunnels = [
        (4, 4, [('aes-gcm-128', 'none', 16), ('aes-cbc-128', 'hmac-sha1-96', None),
                ('null', 'aes-gmac-128', None)]),
        (6, 6, [('aes-gcm-256', 'none', 16), ('aes-cbc-256', 'hmac-sha256-128', None),
                ('des-cbc', 'hmac-md5-96', None)]),
        (6, 4, [('aes-gcm-192', 'none', 12), ('aes-cbc-192', 'hmac-sha1-96', None),
                ('3des-cbc', 'hmac-sha256-128', None)]),
        (4, 6, [('aes-gcm-128', 'none', 8), ('aes-cbc-128', 'hmac-md5-96', None),
                ('null', 'hmac-sha1-96', None)]),
    ]
    for ofam, ifam, algs in tunnels:
        for enc, auth, icv in algs:
            cid = 'tunnel.v%din%d.%s.%s' % (ifam, ofam, enc, 'icv%d' % icv if icv else auth)
            src = 'ESP tunnel, IPv%d in IPv%d, %s' % (ifam, ofam, alg_word(enc, auth, icv))
            cases.append(esp_case(f, cid, src, ofam, 'tunnel', enc, auth, icv, inner_fam=ifam))

    # IPv4 options and IPv6 extension headers in front of ESP
    opts = v4_options(OPT_RA4, b'\x01', opt_rr(2))
    cases.append(esp_case(f, 'options.v4.transport.ra-rr.aes-cbc-128.sha1',
                          'ESP transport, IPv4 with Router Alert, NOP and an empty Record Route option, '
                          'AES-CBC-128 + HMAC-SHA1-96', 4, 'transport', 'aes-cbc-128', 'hmac-sha1-96',
                          hdr_kw={'v4opts': opts}))
    opts = v4_options(opt_rr(3, ['198.51.100.1']), OPT_RA4)
    cases.append(esp_case(f, 'options.v4.transport.rr-ra.aes-gcm-256',
                          'ESP transport, IPv4 with a Record Route option (one address recorded) and '
                          'Router Alert, EOL padding, AES-GCM-256 ICV 16', 4, 'transport', 'aes-gcm-256',
                          'none', 16, hdr_kw={'v4opts': opts}))
    opts = v4_options(opt_ts(2), OPT_RA4)
    cases.append(esp_case(f, 'options.v4.tunnel.ts-ra.3des-cbc.sha256',
                          'ESP tunnel IPv4 in IPv4, outer header with Timestamp and Router Alert options, '
                          'inner header with Router Alert, 3DES-CBC + HMAC-SHA-256-128', 4, 'tunnel',
                          '3des-cbc', 'hmac-sha256-128', hdr_kw={'v4opts': opts},
                          inner_kw={'v4opts': v4_options(OPT_RA4)}))
    cases.append(esp_case(f, 'exthdr.v6.transport.hbh.aes-cbc-256.md5',
                          'ESP transport, IPv6 with a Hop-by-Hop Options header (Router Alert, Pad1, '
                          'an option with the change-en-route bit, PadN) before ESP, AES-CBC-256 + '
                          'HMAC-MD5-96', 6, 'transport', 'aes-cbc-256', 'hmac-md5-96',
                          hdr_kw={'v6ext': [('hbh', HBH_OPTS)], 'tc': 0x2e, 'flow': 0x5a5a5}))
    cases.append(esp_case(f, 'exthdr.v6.transport.hbh-dst.aes-gcm-128',
                          'ESP transport, IPv6 with Hop-by-Hop and Destination Options headers before '
                          'ESP, AES-GCM-128 ICV 16', 6, 'transport', 'aes-gcm-128', 'none', 16,
                          hdr_kw={'v6ext': [('hbh', HBH_OPTS), ('dst', DST_OPTS)]}))
    cases.append(esp_case(f, 'exthdr.v6.tunnel.dst.null.gmac-256',
                          'ESP tunnel IPv6 in IPv6, outer Destination Options header before ESP, NULL '
                          '+ AES-GMAC-256', 6, 'tunnel', 'null', 'aes-gmac-256',
                          hdr_kw={'v6ext': [('dst', DST_OPTS)]}))
    cases.append(esp_case(f, 'exthdr.v6.tunnel.hbh-dst.aes-cbc-128.sha256',
                          'ESP tunnel IPv4 in IPv6, outer Hop-by-Hop and Destination Options headers '
                          'before ESP, AES-CBC-128 + HMAC-SHA-256-128', 6, 'tunnel', 'aes-cbc-128',
                          'hmac-sha256-128', inner_fam=4,
                          hdr_kw={'v6ext': [('hbh', HBH_OPTS), ('dst', DST_OPTS)]}))

    # ESN
    esn = [
        (4, 'transport', 'aes-cbc-128', 'hmac-sha1-96', None),
        (6, 'transport', 'null', 'hmac-md5-96', None),
        (4, 'tunnel', '3des-cbc', 'hmac-sha256-128', None),
        (6, 'tunnel', 'aes-cbc-256', 'hmac-sha1-96', None),
        (4, 'transport', 'aes-gcm-128', 'none', 16),
        (6, 'transport', 'aes-gcm-192', 'none', 8),
        (4, 'tunnel', 'aes-gcm-256', 'none', 12),
        (4, 'transport', 'null', 'aes-gmac-128', None),
        (6, 'tunnel', 'null', 'aes-gmac-192', None),
        (6, 'transport', 'null', 'aes-gmac-256', None),
    ]
    for fam, mode, enc, auth, icv in esn:
        kind = 'GCM: 12-byte AAD SPI | SN-hi | SN-lo, RFC 4106 s5' if icv else (
            'GMAC: AAD SPI | SN-hi | SN-lo | IV | payload, RFC 4543 s3.3' if 'gmac' in auth else
            'HMAC: SN-hi appended to the ICV input, RFC 4303 s2.2.1')
        cid = 'esn.v%d.%s.%s.%s' % (fam, mode, enc, 'icv%d' % icv if icv else auth)
        src = 'ESP %s, IPv%d, ESN (%s), %s' % (mode, fam, kind, alg_word(enc, auth, icv))
        cases.append(esp_case(f, cid, src, fam, mode, enc, auth, icv, esn=True,
                              enc_word='none' if cid == 'esn.v6.transport.null.aes-gmac-256' else None))

    # UDP-ESP (RFC 3948)
    for fam in (4, 6):
        for mode in ('transport', 'tunnel'):
            for enc, auth, icv in (('aes-gcm-128', 'none', 16), ('aes-cbc-128', 'hmac-sha1-96', None)):
                nat = 'NAT-T with AEAD, ' if icv else ''
                cid = 'udp.v%d.%s.%s' % (fam, mode, enc if icv else enc + '.sha1')
                src = ('UDP-ESP (RFC 3948) %s, %sIPv%d, port 4500, UDP checksum 0, %s'
                       % (mode, nat, fam, alg_word(enc, auth, icv)))
                cases.append(esp_case(f, cid, src, fam, mode, enc, auth, icv, udp=mode))

    # transport over tunnel
    tot = [
        (4, None, ('aes-gcm-128', 'none', 16), ('aes-cbc-128', 'hmac-sha1-96')),
        (6, None, ('aes-cbc-256', 'hmac-sha256-128'), ('aes-gcm-256', 'none', 12)),
        (4, 'transport-over-udp-tunnel', ('aes-gcm-256', 'none', 16), ('3des-cbc', 'hmac-md5-96')),
        (6, 'transport-over-udp-tunnel', ('aes-cbc-128', 'hmac-sha1-96'), ('aes-gcm-128', 'none', 8)),
        (4, 'udp-transport-over-tunnel', ('aes-cbc-192', 'hmac-sha256-128'), ('aes-gcm-192', 'none', 16)),
        (6, 'udp-transport-over-tunnel', ('aes-gcm-128', 'none', 16), ('null', 'hmac-sha256-128')),
    ]
    for fam, udp, tun, tr in tot:
        tag = {None: 'tot', 'transport-over-udp-tunnel': 'tot-udp-tunnel',
               'udp-transport-over-tunnel': 'tot-udp-transport'}[udp]
        cid = '%s.v%d.%s.%s' % (tag, fam, tun[0], tr[0])
        what = {None: 'both ESP, no UDP',
                'transport-over-udp-tunnel': 'the tunnel ESP in UDP 4500 (IPSEC_OFFLOAD_V2_TRANSPORT_OVER_'
                                             'UDP_ESP_ENCAPSULATION_TUNNEL, PROFILE.md item 19)',
                'udp-transport-over-tunnel': 'the transport ESP in UDP 4500 inside the tunnel (IPSEC_OFFLOAD_'
                                             'V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL, PROFILE.md '
                                             'item 19)'}[udp]
        src = ('transport over tunnel, IPv%d, %s; tunnel SA %s, transport SA %s (own key)'
               % (fam, what, alg_word(*tun), alg_word(*tr)))
        cases.append(tot_case(f, cid, src, fam, tun, tr, udp))

    # padding beyond the minimum (RFC 4303 s2.4: up to 255 bytes) and a large packet
    cases.append(esp_case(f, 'padding.v4.transport.aes-cbc-128.sha1.extra',
                          'ESP transport, IPv4, AES-CBC-128 + HMAC-SHA1-96, padding beyond the block '
                          'minimum (RFC 4303 s2.4: up to 255 bytes, e.g. for traffic flow confidentiality)',
                          4, 'transport', 'aes-cbc-128', 'hmac-sha1-96', extra_pad=224, size=37))
    cases.append(esp_case(f, 'padding.v6.tunnel.aes-gcm-128.extra',
                          'ESP tunnel IPv6 in IPv6, AES-GCM-128 ICV 16, 100 bytes of padding beyond the '
                          'minimum', 6, 'tunnel', 'aes-gcm-128', 'none', 16, extra_pad=100))
    cases.append(esp_case(f, 'large.v4.transport.aes-cbc-256.sha256',
                          'ESP transport, IPv4, AES-CBC-256 + HMAC-SHA-256-128, a 1400-byte TCP payload '
                          '(1500-byte packet)', 4, 'transport', 'aes-cbc-256', 'hmac-sha256-128',
                          size=1400))
    intro = """\
# ESP beyond transport mode with a TCP segment:
#   - tunnel mode (RFC 4303 s3.1.2), IPv4-in-IPv4, IPv6-in-IPv6, IPv4-in-IPv6,
#     IPv6-in-IPv4 (Next Header 4 or 41), three algorithms each;
#   - IPv4 options (Router Alert, Record Route, Timestamp) and IPv6 Hop-by-Hop
#     and Destination Options headers in front of ESP (ESP does not cover
#     them; they only move the ESP header);
#   - ESN (esp.esn = 1, non-zero esp.seq_hi) for HMAC (high half appended to
#     the ICV input, RFC 4303 s2.2.1), GCM (12-byte AAD, RFC 4106 s5) and GMAC
#     (RFC 4543 s3.3); one GMAC case says esp.enc = none instead of null;
#   - UDP-encapsulated ESP (RFC 3948) transport and tunnel, IPv4 and IPv6,
#     with AES-GCM and with AES-CBC + HMAC-SHA1-96: UDP 4500 -> 4500, length
#     8 + ESP, checksum 0 (for IPv6 the zero checksum of RFC 6935/6936);
#   - transport over tunnel (both ESP; the transport SA's packet is sealed
#     with its own key, then carried in the tunnel SA's ESP), also with the
#     tunnel ESP in UDP (udp = transport-over-udp-tunnel) and with the
#     transport ESP in UDP inside the tunnel (udp = udp-transport-over-tunnel),
#     as PROFILE.md item 19 reads the two types; both SAs of one case have the
#     same address family, since the runner offloads both with `family`;
#   - padding beyond the minimum, and a 1500-byte packet.
"""
    return intro, cases


# ---------------------------------------------------------------------------
# gen-ah.vec

def v4_hop(h):
    """What routers may change in an IPv4 header: TTL, TOS (ECN CE), DF,
    checksum (recomputed by ip_header)."""
    h.ttl -= 3
    h.tos = h.tos | 0x03
    h.flags ^= 0x4000


def v6_hop(h):
    h.hlim -= 3
    h.tc = 0x03
    h.flow = 0xbeef1


def gen_ah():
    f = 'gen-ah'
    cases = []
    for fam in (4, 6):
        for mode in ('transport', 'tunnel'):
            for auth in HMACS + GMACS:
                cid = 'ah.v%d.%s.%s' % (fam, mode, auth)
                pad = ''
                a = ipoc_algs.by_name(auth)
                if fam == 6 and (12 + a.icv + (a.iv if a.kind == 'GMAC' else 0)) % 8:
                    pad = ', AH padded by 4 bytes to 8-byte alignment (RFC 4302 s2.6%s)' % (
                        '; RFC 4543 errata 3643' if 'gmac' in auth else '')
                src = 'AH (RFC 4302) %s, IPv%d, %s%s' % (mode, fam, auth.upper(), pad)
                kw = {'tos': 0xb8, 'ttl': 128} if fam == 4 and mode == 'tunnel' else None
                if fam == 6 and mode == 'transport':
                    kw = {'tc': 0x28, 'flow': 0x12345}
                cases.append(ah_case(f, cid, src, fam, mode, auth, hdr_kw=kw))
    # cross-family tunnels
    cases.append(ah_case(f, 'ah.v4in6.tunnel.hmac-sha1-96', 'AH tunnel, IPv4 in IPv6, HMAC-SHA1-96',
                         6, 'tunnel', 'hmac-sha1-96', inner_fam=4))
    cases.append(ah_case(f, 'ah.v6in4.tunnel.aes-gmac-128', 'AH tunnel, IPv6 in IPv4, AES-GMAC-128',
                         4, 'tunnel', 'aes-gmac-128', inner_fam=6))
    # ESN
    for fam, mode, auth in ((4, 'transport', 'hmac-sha1-96'), (6, 'tunnel', 'hmac-sha256-128'),
                            (4, 'tunnel', 'hmac-md5-96'), (6, 'transport', 'aes-gmac-128'),
                            (4, 'tunnel', 'aes-gmac-256')):
        cid = 'ah-esn.v%d.%s.%s' % (fam, mode, auth)
        src = ('AH %s, IPv%d, %s, ESN: the high half appended to the ICV input (RFC 4302 s2.5.1, '
               'RFC 4303 s2.2.1)' % (mode, fam, auth.upper()))
        cases.append(ah_case(f, cid, src, fam, mode, auth, esn=True))
    # IPv4 options: immutable (Router Alert) and mutable (Record Route, Timestamp)
    cases.append(ah_case(f, 'ah-opt.v4.transport.ra.hmac-sha256-128',
                         'AH transport, IPv4 with Router Alert (immutable, covered as sent; RFC 4302 '
                         'appendix A.1), HMAC-SHA-256-128', 4, 'transport', 'hmac-sha256-128',
                         hdr_kw={'v4opts': v4_options(OPT_RA4), 'tos': 0x10}))
    cases.append(ah_case(f, 'ah-opt.v4.tunnel.ra.aes-gmac-192',
                         'AH tunnel IPv4 in IPv4, outer header with Router Alert and NOP padding, '
                         'AES-GMAC-192', 4, 'tunnel', 'aes-gmac-192',
                         hdr_kw={'v4opts': v4_options(b'\x01', OPT_RA4, b'\x01\x01\x01')}))
    cases.append(ah_case(f, 'ah-opt.v4.tunnel.ra.aes-gmac-192.hop',
                         'the SA and packet of ah-opt.v4.tunnel.ra.aes-gmac-192 as received after '
                         'routers changed TTL, ECN and DF and the checksum (mutable, zeroed for the ICV, '
                         'RFC 4302 s3.3.3.1.1.1)', 4, 'tunnel', 'aes-gmac-192', direction='receive',
                         hdr_kw={'v4opts': v4_options(b'\x01', OPT_RA4, b'\x01\x01\x01')}, hop=v4_hop,
                         label='ah-opt.v4.tunnel.ra.aes-gmac-192'))
    rr = v4_options(OPT_RA4, b'\x01', opt_rr(2))
    cases.append(ah_case(f, 'ah-opt.v4.transport.ra-rr.hmac-sha1-96',
                         'AH transport, IPv4 with Router Alert (immutable) and an empty Record Route '
                         '(mutable: the entire option, type and length included, zeroed for the ICV, '
                         'RFC 4302 s3.3.3.1.1.2 and appendix A.1), HMAC-SHA1-96', 4, 'transport',
                         'hmac-sha1-96', hdr_kw={'v4opts': rr}))
    ts = v4_options(opt_ts(2))
    cases.append(ah_case(f, 'ah-opt.v4.tunnel.ts.aes-gmac-128',
                         'AH tunnel IPv4 in IPv4, outer header with an empty Timestamp option (mutable: '
                         'zeroed whole, RFC 4302 s3.3.3.1.1.2, appendix A.1), AES-GMAC-128', 4, 'tunnel',
                         'aes-gmac-128', hdr_kw={'v4opts': ts}))
    # IPv6 extension headers before AH
    cases.append(ah_case(f, 'ah-ext.v6.transport.hbh-dst.hmac-sha256-128',
                         'AH transport, IPv6 with Hop-by-Hop (Router Alert, Pad1, an option with the '
                         'change-en-route bit whose data is zeroed for the ICV, PadN) and Destination '
                         'Options headers before AH (RFC 4302 s3.3.3.1.2.2), HMAC-SHA-256-128',
                         6, 'transport', 'hmac-sha256-128',
                         hdr_kw={'v6ext': [('hbh', HBH_OPTS), ('dst', DST_OPTS)], 'tc': 0xb8,
                                 'flow': 0xfedcb}))
    cases.append(ah_case(f, 'ah-ext.v6.tunnel.hbh.aes-gmac-256',
                         'AH tunnel IPv6 in IPv6, outer Hop-by-Hop Options header before AH, '
                         'AES-GMAC-256', 6, 'tunnel', 'aes-gmac-256',
                         hdr_kw={'v6ext': [('hbh', HBH_OPTS)]}))
    cases.append(ah_case(f, 'ah-ext.v6.transport.dst.hmac-md5-96',
                         'AH transport, IPv6 with a Destination Options header before AH (an option '
                         'without and one with the change-en-route bit), HMAC-MD5-96', 6,
                         'transport', 'hmac-md5-96', hdr_kw={'v6ext': [('dst', DST_OPTS)]}))
    cases.append(ah_case(f, 'ah-ext.v6.transport.dst.hmac-md5-96.hop',
                         'the SA and packet of ah-ext.v6.transport.dst.hmac-md5-96 as received after '
                         'routers changed hop limit, traffic class, flow label and the data of the '
                         'change-en-route option (all zeroed for the ICV, RFC 4302 s3.3.3.1.2)', 6,
                         'transport', 'hmac-md5-96', direction='receive',
                         hdr_kw={'v6ext': [('dst', DST_OPTS)]}, hop=v6_hop_opts,
                         label='ah-ext.v6.transport.dst.hmac-md5-96'))
    # [ESP, AH] bundles: ESP sealed first, AH over it
    bundles = [
        (4, 'transport', 'hmac-sha1-96', ('aes-cbc-128', 'hmac-sha1-96')),
        (6, 'tunnel', 'hmac-sha256-128', ('aes-gcm-128', 'none', 16)),
        (6, 'transport', 'aes-gmac-128', ('3des-cbc', 'hmac-md5-96')),
        (4, 'tunnel', 'hmac-md5-96', ('null', 'hmac-sha256-128')),
        (4, 'transport', 'aes-gmac-256', ('aes-cbc-256', 'none')),
    ]
    for fam, mode, auth, esp in bundles:
        cid = 'bundle.v%d.%s.%s.ah-%s' % (fam, mode, esp[0], auth)
        src = ('[ESP, AH] bundle %s, IPv%d: ESP %s sealed first, then AH %s over it'
               % (mode, fam, alg_word(*esp), auth.upper()))
        cases.append(ah_case(f, cid, src, fam, mode, auth, esp=esp))
    c = ah_case(f, 'bundle-esn.v4.tunnel.aes-gcm-256.ah-hmac-sha1-96',
                '[ESP, AH] bundle tunnel, IPv4, both members with ESN: AES-GCM-256 ICV 16 (12-byte '
                'AAD), then AH HMAC-SHA1-96 (high half appended)', 4, 'tunnel', 'hmac-sha1-96',
                esn=True, esp=('aes-gcm-256', 'none', 16, True))
    cases.append(c)
    intro = """\
# AH (RFC 4302) transport and tunnel, IPv4 and IPv6, with HMAC-MD5-96,
# HMAC-SHA1-96, HMAC-SHA-256-128 and AES-GMAC-128/192/256 (RFC 4543 s4: an
# 8-byte IV after the sequence number, then the 16-byte tag; in IPv6 4 bytes
# of padding, errata 3643); ESN; IPv4 options and IPv6 extension headers with
# mutable fields; [ESP, AH] bundles (one SA with both members, ESP sealed
# first, AH over the ESP packet).
#
# The AH ICV covers the IP header chain with the mutable fields zeroed (RFC
# 4302 s3.3.3.1): IPv4 TOS, flags + fragment offset, TTL, header checksum,
# and every option not listed immutable in appendix A.1 (EOL, NOP, Security,
# Extended Security, Commercial Security, Router Alert, Sender Directed
# Multi-Destination Delivery) zeroed *whole*, type and length included
# ("For IPv4, the entire option is viewed as a unit; ... if an option is
# classified as mutable, the entire option is zeroed", s3.3.3.1.1.2, the same
# text as RFC 2402 s3.3.3.1.1.2; Linux net/ipv4/ah4.c does the same); IPv6
# traffic class, flow label, hop limit, and the data of every option whose
# type has the change-en-route bit (0x20). No source-route options and no
# routing headers (PROFILE.md item 25). The cases with a mutable IPv4 option
# (ah-opt.*.ra-rr.*, ah-opt.*.ts.*) tell zeroing the whole option from
# zeroing only its data (which gives another ICV).
# The `.hop` cases are receive-only: the packet of the case named before
# them, re-emitted with mutable header fields changed as routers may change
# them; the ICV stays valid.
"""
    return intro, cases


def v6_hop_opts(h):
    v6_hop(h)
    h.v6ext = [(t, bytes(b[:b.index(b'\x3e\x04') + 2]) + bytes.fromhex('5eed5eed') +
                bytes(b[b.index(b'\x3e\x04') + 6:])) for t, b in h.v6ext]


# ---------------------------------------------------------------------------
# gen-negative.vec

class Neg:
    """A receive-only case built by hand."""

    def __init__(self, cid, source):
        self.rng = Rng('gen-negative/' + cid)
        self.c = Case(cid, source, 'receive')


def failure(c, status, next_crypto_done=None):
    c.add('expect.status', status)
    c.add('expect.crypto_done', '1')
    if next_crypto_done is not None:
        c.add('expect.next_crypto_done', str(next_crypto_done))


def neg_esp(cid, source, fam, mode, alg, tamper, status, udp=None, sa_udp=None):
    """A valid ESP packet, then tamper(esp_bytes, sa) -> esp_bytes."""
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    sa = Esp(rng, *alg)
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst)
    if mode == 'transport':
        body, nh = tcp_segment(rng, h, rng.int(48, 120)), 6
    else:
        body, nh = inner_packet(rng, fam, rng.int(48, 120)), nh_of(fam)
    _, ew, _ = esp_layer(sa, rng.int(1, 0xffffffff), (body, body), nh)
    ew = tamper(bytearray(ew), sa)
    if udp:
        _, ew = udp_encap((ew, ew))
    _, wire = ip_packet(h, 17 if udp else 50, (ew, ew))
    head(c, mode, fam, sa_udp)
    c.sa('', src, dst, esp=sa)
    c.add('wire', wire)
    failure(c, status)
    return c


def flip(off):
    def t(b, sa):
        o = off(b, sa) if callable(off) else off
        b[o] ^= 0x01
        return bytes(b)
    return t


def gen_negative():
    cases = []
    ct0 = lambda b, sa: 8 + sa.ivlen           # first ciphertext byte
    icv_last = lambda b, sa: len(b) - 1         # last ICV byte

    # tampered ESP
    cases.append(neg_esp('esp-tamper.v4.transport.aes-cbc-128.sha1.ct',
                         'ESP transport IPv4, AES-CBC-128 + HMAC-SHA1-96, first ciphertext byte flipped '
                         '(the last block, which holds the trailer, still decrypts to Next Header 6; '
                         'PROFILE.md item 11)', 4, 'transport', ('aes-cbc-128', 'hmac-sha1-96'),
                         flip(ct0), 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v6.tunnel.aes-gcm-256.ct',
                         'ESP tunnel IPv6 in IPv6, AES-GCM-256 ICV 16, first ciphertext byte flipped '
                         '(CTR keystream: the trailer still reads Next Header 41)', 6, 'tunnel',
                         ('aes-gcm-256', 'none', 16), flip(ct0), 'CRYPTO_TUNNEL_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v4.tunnel.null.md5.icv',
                         'ESP tunnel IPv4 in IPv4, NULL + HMAC-MD5-96, last ICV byte flipped (the '
                         'trailer is in clear: Next Header 4)', 4, 'tunnel', ('null', 'hmac-md5-96'),
                         flip(icv_last), 'CRYPTO_TUNNEL_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v6.transport.null.gmac-128.payload',
                         'ESP transport IPv6, NULL + AES-GMAC-128, first payload byte flipped', 6,
                         'transport', ('null', 'aes-gmac-128'), flip(ct0),
                         'CRYPTO_TRANSPORT_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v4.transport.aes-gcm-128.icv8',
                         'ESP transport IPv4, AES-GCM-128 ICV 8, last ICV byte flipped', 4, 'transport',
                         ('aes-gcm-128', 'none', 8), flip(icv_last), 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v4.tunnel.3des-cbc.sha256.iv',
                         'ESP tunnel IPv4 in IPv4, 3DES-CBC + HMAC-SHA-256-128, first IV byte flipped '
                         '(the IV is covered by the ICV; it changes only the first plaintext block)',
                         4, 'tunnel', ('3des-cbc', 'hmac-sha256-128'), flip(8),
                         'CRYPTO_TUNNEL_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v4.transport.aes-cbc-256.md5.spi-seq',
                         'ESP transport IPv4, AES-CBC-256 + HMAC-MD5-96, sequence number changed (the '
                         'ESP header is covered by the ICV)', 4, 'transport',
                         ('aes-cbc-256', 'hmac-md5-96'), flip(7), 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED'))
    cases.append(neg_esp('esp-tamper.v4.transport.udp.aes-gcm-128.ct',
                         'UDP-ESP transport IPv4, AES-GCM-128 ICV 16, first ciphertext byte flipped',
                         4, 'transport', ('aes-gcm-128', 'none', 16), flip(ct0),
                         'CRYPTO_TRANSPORT_ESP_AUTH_FAILED', udp=True, sa_udp='transport'))
    cases.append(neg_esn())

    # syntax: too short, not a block multiple, pad length beyond payload
    cases.append(neg_raw_esp('esp-short.v4.aes-cbc-128.sha1',
                             'ESP transport IPv4, AES-CBC-128 + HMAC-SHA1-96: 20 bytes after the ESP '
                             'header, fewer than IV (16) + trailer (2) + ICV (12)', 4,
                             ('aes-cbc-128', 'hmac-sha1-96'), lambda rng, sa: rng.bytes(20), False))
    cases.append(neg_raw_esp('esp-short.v6.aes-gcm-128',
                             'ESP transport IPv6, AES-GCM-128 ICV 16: 8-byte IV and 10 bytes, fewer '
                             'than IV + trailer + ICV', 6, ('aes-gcm-128', 'none', 16),
                             lambda rng, sa: rng.bytes(18), False))
    cases.append(neg_raw_esp('esp-block.v4.aes-cbc-128.sha256',
                             'ESP transport IPv4, AES-CBC-128 + HMAC-SHA-256-128: 37 bytes of ciphertext '
                             '(not a multiple of 16), with an ICV that is valid over them', 4,
                             ('aes-cbc-128', 'hmac-sha256-128'),
                             lambda rng, sa: sa.iv + rng.bytes(37), True))
    cases.append(neg_raw_esp('esp-block.v6.3des-cbc.sha1',
                             'ESP transport IPv6, 3DES-CBC + HMAC-SHA1-96: 30 bytes of ciphertext (not '
                             'a multiple of 8), with a valid ICV', 6, ('3des-cbc', 'hmac-sha1-96'),
                             lambda rng, sa: sa.iv + rng.bytes(30), True))
    cases.append(neg_padlen('esp-padlen.v4.null.sha256',
                            'ESP transport IPv4, NULL + HMAC-SHA-256-128: pad length 200 in a 12-byte '
                            'payload, valid ICV over the lying trailer', 4, ('null', 'hmac-sha256-128'), 10, 200))
    cases.append(neg_padlen('esp-padlen.v6.aes-gcm-192',
                            'ESP transport IPv6, AES-GCM-192 ICV 16: pad length 255 in a 24-byte '
                            'payload, valid tag', 6, ('aes-gcm-192', 'none', 16), 22, 255))

    # AH
    cases.append(neg_ah('ah-tamper.v4.transport.hmac-sha256-128.payload',
                        'AH transport IPv4, HMAC-SHA-256-128, a TCP payload byte flipped', 4, 'transport',
                        'hmac-sha256-128', 'payload', 'CRYPTO_TRANSPORT_AH_AUTH_FAILED'))
    cases.append(neg_ah('ah-tamper.v4.transport.hmac-sha1-96.ident',
                        'AH transport IPv4, HMAC-SHA1-96, IPv4 identification changed (immutable, '
                        'covered by the ICV; checksum recomputed)', 4, 'transport', 'hmac-sha1-96',
                        'ident', 'CRYPTO_TRANSPORT_AH_AUTH_FAILED'))
    cases.append(neg_ah('ah-tamper.v6.tunnel.aes-gmac-128.iv',
                        'AH tunnel IPv6 in IPv6, AES-GMAC-128, the IV in the AH ICV field flipped (it '
                        'is the nonce and in the AAD)', 6, 'tunnel', 'aes-gmac-128', 'iv',
                        'CRYPTO_TUNNEL_AH_AUTH_FAILED'))
    cases.append(neg_ah('ah-tamper.v6.transport.hmac-md5-96.icv',
                        'AH transport IPv6, HMAC-MD5-96, last ICV byte flipped', 6, 'transport',
                        'hmac-md5-96', 'icv', 'CRYPTO_TRANSPORT_AH_AUTH_FAILED'))
    cases.append(neg_ah('ah-tamper.v4.tunnel.hmac-sha1-96.inner',
                        'AH tunnel IPv4 in IPv4, HMAC-SHA1-96, inner IPv4 TTL changed (the inner '
                        'header is payload to AH: all of it is covered)', 4, 'tunnel', 'hmac-sha1-96',
                        'inner-ttl', 'CRYPTO_TUNNEL_AH_AUTH_FAILED'))
    cases.append(neg_ah('ah-len.v4.transport.hmac-sha1-96.long',
                        'AH transport IPv4, HMAC-SHA1-96, AH Payload Length 255 (1028 bytes, beyond '
                        'the packet)', 4, 'transport', 'hmac-sha1-96', 'len-long',
                        'CRYPTO_INVALID_PACKET_SYNTAX'))
    cases.append(neg_ah('ah-len.v6.transport.aes-gmac-128.short',
                        'AH transport IPv6, AES-GMAC-128, AH Payload Length 2 (16 bytes, no room for '
                        'IV and tag)', 6, 'transport', 'aes-gmac-128', 'len-short',
                        'CRYPTO_INVALID_PACKET_SYNTAX'))
    cases.append(neg_ah('ah-align.v6.transport.hmac-sha256-128',
                        'AH transport IPv6, HMAC-SHA-256-128 without the 4 bytes of padding (AH 28 '
                        'bytes, not a multiple of 8, RFC 4302 s2.6; PROFILE.md item 25), valid ICV',
                        6, 'transport', 'hmac-sha256-128', 'unaligned', 'CRYPTO_INVALID_PACKET_SYNTAX'))
    cases.append(neg_ah_send_unaligned())
    cases.append(neg_bundle_tamper())

    # protocol mismatches
    cases.append(neg_proto('proto.ah-sa.esp-packet',
                           'an AH SA (HMAC-SHA1-96), and an ESP packet with its SPI to its destination',
                           'ah-sa-esp'))
    cases.append(neg_proto('proto.esp-sa.ah-packet',
                           'an ESP SA (AES-GCM-128), and an AH packet with its SPI to its destination',
                           'esp-sa-ah'))
    cases.append(neg_proto('proto.bundle-sa.ah-only',
                           'an [ESP, AH] SA, and an AH packet (valid ICV) with TCP behind AH instead of ESP',
                           'bundle-ah-only'))
    cases.append(neg_proto('proto.udp-sa.plain-esp',
                           'a UDP-ESP transport SA, and a valid ESP packet not in UDP (PROFILE.md item 19)',
                           'udp-sa-plain'))
    cases.append(neg_proto('proto.plain-sa.udp-esp',
                           'an ESP transport SA without UDP encapsulation, and its valid ESP packet in '
                           'UDP 4500 (PROFILE.md item 19)', 'plain-sa-udp'))

    # transport over tunnel
    cases.append(neg_tot('tot-tamper.v4.inner',
                         'transport over tunnel IPv4: tunnel ESP AES-GCM-128 valid, transport ESP '
                         'AES-CBC-128 + HMAC-SHA1-96 with its last ICV byte flipped before the tunnel '
                         'sealed it: CryptoDone and NextCryptoDone 1 (PROFILE.md item 6)', 'inner'))
    cases.append(neg_tot('tot-tamper.v4.outer',
                         'transport over tunnel IPv4: the tunnel ESP (AES-GCM-128) tag flipped; the '
                         'transport portion is not reached, NextCryptoDone 0', 'outer'))

    # no offload
    cases += gen_no_offload()
    intro = """\
# Receive cases whose outcome is not CRYPTO_SUCCESS, or where the packet is
# not IPsec-processed at all, per engine/PROFILE.md (items 6, 11, 19, 25,
# P-8). `wire` is what arrives; `plain` is given only for the no-offload
# cases, where it equals `wire` (nothing may change). Failures:
#   - tampered ESP (ciphertext, IV, header, ICV): CRYPTO_{TRANSPORT,TUNNEL}_
#     ESP_AUTH_FAILED. The portion kind (PROFILE.md item 11) comes from the
#     Next Header of a decrypted copy of the trailer on a fresh SA, so every
#     tampered byte here leaves the trailer intact: CBC tampering is in the
#     first block of a payload of at least three blocks (the last block
#     decrypts with the one before it), GCM/GMAC/NULL tampering is off the
#     trailer bytes or in the ICV;
#   - a wrong ESN epoch (high half one below the SA's): auth failure;
#   - tampered AH (payload, immutable header field, GMAC IV, ICV, inner
#     header of a tunnel): CRYPTO_{TRANSPORT,TUNNEL}_AH_AUTH_FAILED;
#   - an [ESP, AH] bundle whose ESP ciphertext changed: AH is checked first,
#     so CRYPTO_TRANSPORT_AH_AUTH_FAILED;
#   - ESP shorter than IV + trailer + ICV, ciphertext not a multiple of the
#     block (with a valid ICV over it), pad length beyond the payload (with a
#     valid ICV/tag over the lying trailer), AH Payload Length too long or too
#     short, IPv6 AH not 8-byte aligned: CRYPTO_INVALID_PACKET_SYNTAX;
#   - protocol and encapsulation mismatches: CRYPTO_INVALID_PROTOCOL;
#   - transport over tunnel with the inner (transport) ESP tampered:
#     CRYPTO_TRANSPORT_ESP_AUTH_FAILED with NextCryptoDone 1; with the outer
#     tampered: CRYPTO_TUNNEL_ESP_AUTH_FAILED, NextCryptoDone 0.
# One send case (direction = send): the unaligned IPv6 AH packet framed by
# TCP/IP must fail with NDIS_STATUS_INVALID_PACKET (PROFILE.md item 25).
# No offload (expect.crypto_done = 0, `plain` = `wire`): IKE on UDP 4500 (the
# four-zero-byte non-ESP marker, RFC 3948 s2.2), a NAT keepalive (one 0xFF
# byte, RFC 3948 s2.3), IPv4 fragments (first and non-first), an IPv6
# fragment, an ESP packet whose SPI no SA has, and one to another address.
#
# Not expressible in the format: SaDeleteReq (it needs a full SA table),
# what the indicated bytes are after a failure (the runner does not compare
# them; PROFILE.md item 5 says they stay as received), and the ESN-epoch
# retry of PROFILE.md item 15 across UPDATE_SA (the runner cannot update an
# SA between packets).
"""
    return intro, cases


def neg_esn():
    cid = 'esn-epoch.v4.transport.aes-cbc-128.sha1'
    n = Neg(cid, 'ESP transport IPv4, AES-CBC-128 + HMAC-SHA1-96 with ESN: the packet was sealed with '
                 'the high half one below the SA\'s (low half 0xfffffff0, so no next-epoch retry applies)')
    rng, c = n.rng, n.c
    sa = Esp(rng, 'aes-cbc-128', 'hmac-sha1-96', esn=True, seq_hi=rng.int(2, 0xffffffff))
    src, dst = addr_pair(rng, 4)
    h = Hdr(rng, 4, src, dst)
    seg = tcp_segment(rng, h, rng.int(48, 120))
    sa.seq_hi -= 1
    _, ew, _ = esp_layer(sa, 0xfffffff0, (seg, seg), 6)
    sa.seq_hi += 1
    _, wire = ip_packet(h, 50, (ew, ew))
    head(c, 'transport', 4)
    c.sa('', src, dst, esp=sa)
    c.add('wire', wire)
    failure(c, 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED')
    return c


def neg_raw_esp(cid, source, fam, alg, body, with_icv):
    """ESP header + body(rng, sa) + [ICV valid over it]."""
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    sa = Esp(rng, *alg)
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst)
    esp = struct.pack('!II', sa.spi, rng.int(1, 0xffffffff)) + body(rng, sa)
    if with_icv:
        esp += mac(sa.akind, sa.auth_key, esp, sa.icv)
    _, wire = ip_packet(h, 50, (esp, esp))
    head(c, 'transport', fam)
    c.sa('', src, dst, esp=sa)
    c.add('wire', wire)
    failure(c, 'CRYPTO_INVALID_PACKET_SYNTAX')
    return c


def neg_padlen(cid, source, fam, alg, data_len, pad_len):
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    sa = Esp(rng, *alg)
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst)
    data = rng.bytes(data_len)
    assert (data_len + 2) % sa.block == 0
    _, ew, _ = esp_layer(sa, rng.int(1, 0xffffffff), (data, data), 6, pad_len_field=pad_len)
    _, wire = ip_packet(h, 50, (ew, ew))
    head(c, 'transport', fam)
    c.sa('', src, dst, esp=sa)
    c.add('wire', wire)
    failure(c, 'CRYPTO_INVALID_PACKET_SYNTAX')
    return c


def neg_ah(cid, source, fam, mode, auth, how, status):
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    sa = Ah(rng, auth)
    src, dst = addr_pair(rng, fam)
    h = Hdr(rng, fam, src, dst)
    if mode == 'transport':
        body, nh = tcp_segment(rng, h, rng.int(20, 120)), 6
    else:
        body, nh = inner_packet(rng, fam, rng.int(20, 120)), nh_of(fam)
    ah_len = sa.length(fam == 6)
    if how == 'unaligned':
        ah_len = 12 + sa.field
    _, wire = ah_packet(h, sa, rng.int(1, 0xffffffff), nh, (body, body), ah_len=ah_len)
    w = bytearray(wire)
    hl = len(ip_header(h, 51, 0))
    if how == 'payload':
        w[hl + ah_len + 30] ^= 0x20
    elif how == 'ident':
        h.ident ^= 0x0100
        w[:hl] = ip_header(h, 51, len(w) - hl)
    elif how == 'iv':
        w[hl + 12] ^= 0x80
    elif how == 'icv':
        w[hl + 12 + sa.field - 1] ^= 0x01
    elif how == 'inner-ttl':
        w[hl + ah_len + 8] -= 1
    elif how == 'len-long':
        w[hl + 1] = 255
    elif how == 'len-short':
        w[hl + 1] = 2
    head(c, mode, fam)
    c.sa('', src, dst, ah=sa)
    c.add('wire', bytes(w))
    failure(c, status)
    return c


def neg_ah_send_unaligned():
    cid = 'ah-align.v6.transport.hmac-sha256-128.send'
    n = Neg(cid, 'send: AH transport IPv6, HMAC-SHA-256-128, AH framed 28 bytes long (not a multiple '
                 'of 8, RFC 4302 s2.6): the NBL fails (PROFILE.md item 25)')
    rng, c = n.rng, n.c
    c.kv[1] = ('direction', 'send')
    sa = Ah(rng, 'hmac-sha256-128')
    src, dst = addr_pair(rng, 6)
    h = Hdr(rng, 6, src, dst)
    seg = tcp_segment(rng, h, rng.int(20, 120))
    plain, _ = ah_packet(h, sa, rng.int(1, 0xffffffff), 6, (seg, seg), ah_len=28)
    head(c, 'transport', 6)
    c.sa('', src, dst, ah=sa)
    c.add('plain', plain)
    c.add('expect.send_status', 'NDIS_STATUS_INVALID_PACKET')
    return c


def neg_bundle_tamper():
    cid = 'bundle-tamper.v4.transport.esp-ct'
    n = Neg(cid, '[ESP, AH] bundle transport IPv4 (AES-CBC-128 + HMAC-SHA1-96, AH HMAC-SHA-256-128): '
                 'first ESP ciphertext byte flipped; AH is checked first (PROFILE.md item 6)')
    rng, c = n.rng, n.c
    ah = Ah(rng, 'hmac-sha256-128')
    es = Esp(rng, 'aes-cbc-128', 'hmac-sha1-96')
    src, dst = addr_pair(rng, 4)
    h = Hdr(rng, 4, src, dst)
    seg = tcp_segment(rng, h, rng.int(48, 120))
    ep, ew, _ = esp_layer(es, rng.int(1, 0xffffffff), (seg, seg), 6)
    _, wire = ah_packet(h, ah, rng.int(1, 0xffffffff), 50, (ep, ew))
    w = bytearray(wire)
    w[20 + ah.length(False) + 8 + es.ivlen] ^= 0x01
    head(c, 'transport', 4)
    c.sa('', src, dst, esp=es, ah=ah)
    c.add('wire', bytes(w))
    failure(c, 'CRYPTO_TRANSPORT_AH_AUTH_FAILED')
    return c


def neg_proto(cid, source, how):
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    src, dst = addr_pair(rng, 4)
    h = Hdr(rng, 4, src, dst)
    seg = tcp_segment(rng, h, rng.int(20, 100))
    udp = None
    if how == 'ah-sa-esp':
        ah = Ah(rng, 'hmac-sha1-96')
        es = Esp(rng, 'aes-cbc-128', 'hmac-sha1-96')
        es.spi = ah.spi
        _, ew, _ = esp_layer(es, 7, (seg, seg), 6)
        _, wire = ip_packet(h, 50, (ew, ew))
        sa = {'ah': ah}
    elif how == 'esp-sa-ah':
        es = Esp(rng, 'aes-gcm-128', 'none', 16)
        ah = Ah(rng, 'hmac-sha1-96')
        ah.spi = es.spi
        _, wire = ah_packet(h, ah, 9, 6, (seg, seg))
        sa = {'esp': es}
    elif how == 'bundle-ah-only':
        ah = Ah(rng, 'hmac-sha1-96')
        es = Esp(rng, 'aes-cbc-256', 'hmac-sha256-128')
        _, wire = ah_packet(h, ah, 11, 6, (seg, seg))
        sa = {'esp': es, 'ah': ah}
    elif how == 'udp-sa-plain':
        es = Esp(rng, 'aes-gcm-256', 'none', 16)
        _, ew, _ = esp_layer(es, 13, (seg, seg), 6)
        _, wire = ip_packet(h, 50, (ew, ew))
        sa, udp = {'esp': es}, 'transport'
    else:
        es = Esp(rng, 'aes-cbc-128', 'hmac-sha1-96')
        _, ew, _ = esp_layer(es, 17, (seg, seg), 6)
        _, wire = ip_packet(h, 17, udp_encap((ew, ew)))
        sa = {'esp': es}
    head(c, 'transport', 4, udp)
    c.sa('', src, dst, **sa)
    c.add('wire', wire)
    failure(c, 'CRYPTO_INVALID_PROTOCOL')
    return c


def neg_tot(cid, source, which):
    n = Neg(cid, source)
    rng, c = n.rng, n.c
    tr = Esp(rng, 'aes-cbc-128', 'hmac-sha1-96')
    tun = Esp(rng, 'aes-gcm-128', 'none', 16)
    gsrc, gdst = addr_pair(rng, 4)
    tsrc, tdst = addr_pair(rng, 4)
    ih = Hdr(rng, 4, tsrc, tdst, ttl=63)
    seg = tcp_segment(rng, ih, rng.int(48, 120))
    tp, tw, _ = esp_layer(tr, rng.int(1, 0xffffffff), (seg, seg), 6)
    if which == 'inner':
        tw = tw[:-1] + bytes([tw[-1] ^ 1])
    inner = ip_packet(ih, 50, (tp, tw))
    _, ow, _ = esp_layer(tun, rng.int(1, 0xffffffff), inner, 4)
    if which == 'outer':
        ow = ow[:-1] + bytes([ow[-1] ^ 1])
    _, wire = ip_packet(Hdr(rng, 4, gsrc, gdst), 50, (ow, ow))
    head(c, 'transport-over-tunnel', 4)
    c.sa('', tsrc, tdst, esp=tr)
    c.sa('tun.', gsrc, gdst, esp=tun)
    c.add('wire', wire)
    if which == 'inner':
        failure(c, 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED', next_crypto_done=1)
    else:
        failure(c, 'CRYPTO_TUNNEL_ESP_AUTH_FAILED', next_crypto_done=0)
    return c


def gen_no_offload():
    out = []

    def mk(cid, source, fam, alg, build, udp=None):
        n = Neg(cid, source)
        rng, c = n.rng, n.c
        sa = Esp(rng, *alg)
        src, dst = addr_pair(rng, fam)
        wire = build(rng, sa, src, dst)
        head(c, 'transport', fam, udp)
        c.sa('', src, dst, esp=sa)
        c.add('plain', wire)
        c.add('wire', wire)
        c.add('expect.crypto_done', '0')
        c.add('expect.header_info_set', '0')
        out.append(c)

    def ike(rng, sa, src, dst):
        h = Hdr(rng, 4, src, dst)
        msg = rng.bytes(8) + bytes(8) + bytes([33, 0x20, 34, 0x08, 0, 0, 0, 0])
        msg += struct.pack('!I', 28 + 40) + rng.bytes(40)
        _, w = ip_packet(h, 17, udp_encap((bytes(4) + msg, bytes(4) + msg)))
        return w

    def keepalive(rng, sa, src, dst):
        _, w = ip_packet(Hdr(rng, 4, src, dst, flags=0), 17, udp_encap((b'\xff', b'\xff')))
        return w

    def frag_first(rng, sa, src, dst):
        h = Hdr(rng, 4, src, dst)
        seg = tcp_segment(rng, h, 400)
        _, ew, _ = esp_layer(sa, rng.int(1, 0xffffffff), (seg, seg), 6)
        h.flags = 0x2000                     # MF, offset 0
        _, w = ip_packet(h, 50, (ew[:256], ew[:256]))
        return w

    def frag_last(rng, sa, src, dst):
        h = Hdr(rng, 4, src, dst)
        seg = tcp_segment(rng, h, 400)
        _, ew, _ = esp_layer(sa, rng.int(1, 0xffffffff), (seg, seg), 6)
        h.flags = 256 // 8                   # offset 256, no MF
        _, w = ip_packet(h, 50, (ew[256:], ew[256:]))
        return w

    def frag6(rng, sa, src, dst):
        h = Hdr(rng, 6, src, dst)
        seg = tcp_segment(rng, h, 400)
        _, ew, _ = esp_layer(sa, rng.int(1, 0xffffffff), (seg, seg), 6)
        fh = bytes([50, 0]) + struct.pack('!HI', 0x0001, rng.int(1, 0xffffffff))   # offset 0, M
        _, w = ip_packet(h, 44, (fh + ew[:304], fh + ew[:304]))
        return w

    def other_spi(rng, sa, src, dst):
        h = Hdr(rng, 4, src, dst)
        seg = tcp_segment(rng, h, 60)
        spi = sa.spi
        sa.spi ^= 0x00010000
        _, ew, _ = esp_layer(sa, 3, (seg, seg), 6)
        sa.spi = spi
        _, w = ip_packet(h, 50, (ew, ew))
        return w

    def other_dst(rng, sa, src, dst):
        h = Hdr(rng, 4, src, '192.0.2.253' if dst != '192.0.2.253' else '192.0.2.254')
        seg = tcp_segment(rng, h, 60)
        _, ew, _ = esp_layer(sa, 3, (seg, seg), 6)
        _, w = ip_packet(h, 50, (ew, ew))
        return w

    mk('nooffload.ike', 'no offload: IKE_SA_INIT on UDP 4500 with the non-ESP marker (four zero '
       'bytes, RFC 3948 s2.2) to a UDP-ESP SA', 4, ('aes-gcm-128', 'none', 16), ike, 'transport')
    mk('nooffload.keepalive', 'no offload: NAT keepalive, one 0xFF byte on UDP 4500 (RFC 3948 '
       's2.3), to a UDP-ESP SA', 4, ('aes-cbc-128', 'hmac-sha1-96'), keepalive, 'transport')
    mk('nooffload.v4-fragment-first', 'no offload: first IPv4 fragment (MF, offset 0) of an ESP '
       'packet of the SA (RFC 4303 s3.4.1: reassembly first)', 4, ('aes-cbc-128', 'hmac-sha1-96'),
       frag_first)
    mk('nooffload.v4-fragment-last', 'no offload: last IPv4 fragment (offset 256, no MF) of an ESP '
       'packet of the SA', 4, ('aes-gcm-256', 'none', 16), frag_last)
    mk('nooffload.v6-fragment', 'no offload: IPv6 first fragment (Fragment header, M) of an ESP '
       'packet of the SA', 6, ('aes-cbc-256', 'hmac-sha256-128'), frag6)
    mk('nooffload.unknown-spi', 'no offload: an ESP packet whose SPI no SA has (PROFILE.md '
       'item 27: SPI, destination, protocol)', 4, ('aes-cbc-128', 'hmac-md5-96'), other_spi)
    mk('nooffload.other-dst', 'no offload: an ESP packet with the SA\'s SPI to another destination '
       'address', 4, ('des-cbc', 'hmac-sha1-96'), other_dst)
    return out


# alg-lint: end vectors

# ---------------------------------------------------------------------------
# Files

BUILDERS = {
    'gen-esp-algorithms.vec': gen_esp_algorithms,
    'gen-esp-modes.vec': gen_esp_modes,
    'gen-ah.vec': gen_ah,
    'gen-negative.vec': gen_negative,
}


def file_text(name):
    intro, cases = BUILDERS[name]()
    hdr = ('# %s: generated by vectors/gen_vectors.py (python3-cryptography %s); not from a\n'
           '# published source; cross-checked by crosscheck.py and by the engine runs in\n'
           '# suite vectors. Do not edit: change gen_vectors.py and run it again\n'
           '# (`gen_vectors.py --check` is the test gen-vectors-reproducible).\n#\n'
           % (name, cryptography.__version__))
    tail = ('#\n# Keys, IVs, SPIs, addresses, sequence numbers and payloads are derived\n'
            '# from SHA-256 over the file and case name (see gen_vectors.py); %d cases.\n'
            % len(cases))
    return hdr + intro + tail + ''.join('\n' + c.text() for c in cases)


def write_all(d):
    for name in FILES:
        with open(os.path.join(d, name), 'w', encoding='ascii', newline='\n') as f:
            f.write(file_text(name))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true',
                    help='regenerate into a temporary directory and compare with the files here')
    ap.add_argument('--out', default=HERE, help='directory to write into (default: %(default)s)')
    a = ap.parse_args(argv[1:])
    if not a.check:
        write_all(a.out)
        return 0
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        write_all(d)
        for name in FILES:
            try:
                with open(os.path.join(HERE, name), 'rb') as f:
                    have = f.read()
            except OSError as e:
                print('%s: %s' % (name, e))
                bad += 1
                continue
            with open(os.path.join(d, name), 'rb') as f:
                want = f.read()
            if have != want:
                at = next((i for i in range(min(len(have), len(want))) if have[i] != want[i]),
                          min(len(have), len(want)))
                line = have[:at].count(b'\n') + 1
                print('%s: differs from a fresh generation (first at byte %d, line %d)'
                      % (name, at, line))
                if have.split(b'\n', 1)[1:] == want.split(b'\n', 1)[1:]:
                    print('  only the first line differs: the file names the python3-cryptography '
                          'it was generated with, this is %s (%s); run /usr/bin/python3'
                          % (cryptography.__version__, sys.executable))
                bad += 1
            else:
                print('%s: reproduced byte for byte' % name)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
