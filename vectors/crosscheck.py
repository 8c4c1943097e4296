#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Independent cross-check of ipoc known-answer vector files.

Usage: crosscheck.py FILE.vec [FILE.vec ...]

For each file it prints "FILE: N passed, M failed" and exits non-zero if any
block failed or a file could not be read. It shares no code with the C parser
(harness/vectors/vectors.c): it has its own small reader for the format described in
vectors/README.md, and does the IPsec processing itself with Python's hmac /
hashlib and the `cryptography` package (Debian: python3-cryptography).

What is checked, per [case] block (README.md "Semantics"):
  receive: `wire` is verified and decrypted layer by layer, outside in
           (tunnel SA before transport SA, AH before ESP); the resulting bytes
           must equal `plain` everywhere except the IV and ICV fields, which
           keep the received bytes. The CryptoStatus the checks imply must
           equal expect.status, and the other expect.* fields must match the
           innermost decrypted ESP trailer.
  send:    `plain` must carry zeroed ICV fields and the IV given by `iv`; it
           is encrypted and authenticated inside out with `iv` and must give
           `wire` byte for byte.
ICVs:      HMAC-MD5-96 / HMAC-SHA1-96 / HMAC-SHA-256-128 over ESP header, IV
           and ciphertext, with the ESN high half appended (RFC 4303 s2.2.1,
           s3.3.2.2); AES-GCM (RFC 4106 s5: AAD = SPI | SN or SPI | SN-hi |
           SN-lo; nonce = salt | IV); AES-GMAC in ESP (RFC 4543 s3.3: AAD =
           SPI | SN(64) | IV | payload, no plaintext); AH (RFC 4302 s3.3.3:
           whole packet with mutable fields and the ICV zeroed, ESN high half
           appended; for GMAC the IV stays, only the tag is zeroed, RFC 4543
           s4).
           IPv4 options: every option not immutable per RFC 4302 appendix A.1
           is zeroed whole (s3.3.3.1.1.2); IPv6 AH must be 8-octet aligned.
no offload: a case with expect.crypto_done = 0 must be a packet that gets no
           IPsec processing (fragment, IKE or NAT keepalive on UDP 4500, not
           IPsec, no SA with its SPI and destination), and plain = wire.
[prim] blocks: ct / tag / mac are recomputed from key, iv, aad and pt.
"""

import hashlib
import hmac
import ipaddress
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'engine', 'alg'))
import ipoc_algs  # noqa: E402  (the algorithm table, engine/alg/ipoc_algs.def)

try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    try:    # cryptography >= 43 keeps 3DES here; Debian 12 has 38
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:
        TripleDES = algorithms.TripleDES
except ImportError:  # pragma: no cover - reported, not hidden
    sys.stderr.write("crosscheck.py: the python3 'cryptography' package is missing "
                     "(Debian: apt-get install python3-cryptography)\n")
    sys.exit(2)

# ---------------------------------------------------------------------------
# Reader (deliberately simple; the strict one is harness/vectors/vectors.c)

HEADER_RE = re.compile(r'^\[(case|prim)\s+([a-z0-9._-]+)\]\s*$')
KEY_RE = re.compile(r'^([a-z0-9_.]+)\s*=\s*(.*)$')


class FormatError(Exception):
    pass


def read_blocks(path):
    """Return a list of blocks: dict(kind, id, line, keys={key: (text, line)})."""
    blocks = []
    cur = None
    last_key = None
    with open(path, 'r', encoding='utf-8') as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\r\n')
            stripped = line.strip()
            if stripped == '' or stripped.startswith('#'):
                last_key = None
                continue
            if line[0] in ' \t':
                if cur is None or last_key is None:
                    raise FormatError('%s:%d: continuation line without a key' % (path, n))
                text, kline = cur['keys'][last_key]
                cur['keys'][last_key] = (text + ' ' + stripped, kline)
                continue
            m = HEADER_RE.match(line)
            if m:
                cur = {'kind': m.group(1), 'id': m.group(2), 'line': n, 'keys': {}}
                if any(b['id'] == cur['id'] for b in blocks):
                    raise FormatError('%s:%d: duplicate id %s' % (path, n, cur['id']))
                blocks.append(cur)
                last_key = None
                continue
            m = KEY_RE.match(line)
            if not m or cur is None:
                raise FormatError('%s:%d: cannot read line' % (path, n))
            key = m.group(1)
            if key in cur['keys']:
                raise FormatError('%s:%d: duplicate key %s' % (path, n, key))
            cur['keys'][key] = (m.group(2).strip(), n)
            last_key = key
    return blocks


class Block:
    """Typed access to one block's keys."""

    def __init__(self, b):
        self.kind, self.id, self.line, self.keys = b['kind'], b['id'], b['line'], b['keys']

    def has(self, k):
        return k in self.keys

    def text(self, k, default=None):
        return self.keys[k][0] if k in self.keys else default

    def hex(self, k, default=None):
        if k not in self.keys:
            return default
        s = ''.join(self.keys[k][0].split())
        if len(s) % 2:
            raise FormatError('%s: odd number of hex digits' % k)
        return bytes.fromhex(s)

    def int(self, k, default=None):
        if k not in self.keys:
            return default
        return int(self.keys[k][0], 0)


# ---------------------------------------------------------------------------
# Algorithms

# From the algorithm table (engine/alg/ipoc_algs.def); the crypto below is
# this file's own.
# name: (kind, key length without salt, block size, IV length); kind 'none'
# (no cipher), 'null', 'gcm', or 'cbc' / 'des' (AES or DES-family CBC).
# RFC 4303 s2.4: with no cipher block the ciphertext still ends on a 4-byte
# boundary (Pad Length and Next Header right-aligned in a word).

def _ekind(a):
    if a.kind == 'AEAD':
        return 'gcm'
    if not a.key:
        return 'null'
    return 'cbc' if a.evp.startswith('AES') else 'des'


ENC = {a.name: (_ekind(a), a.raw_key, max(a.block, 4), a.iv)
       for a in ipoc_algs.of_kind(*ipoc_algs.ENC_KINDS)}
ENC['none'] = ('none', 0, 4, 0)

# name: (kind, key length without salt, ICV length); kind 'none', 'gmac' or
# the HMAC's digest name as hashlib knows it ('md5', 'sha1', 'sha256')
AUTH = {a.name: ('gmac' if a.kind == 'GMAC' else a.evp.lower(), a.raw_key, a.icv)
        for a in ipoc_algs.of_kind(*ipoc_algs.AUTH_KINDS)}
AUTH['none'] = ('none', 0, 0)


def cbc(kind, key, iv, data, encrypt):
    if kind == 'cbc':
        alg = algorithms.AES(key)
    else:
        # Single DES is 3DES with K1 = K2 = K3 (an 8-byte key means exactly
        # that to cryptography's TripleDES).
        alg = TripleDES(key)
    c = Cipher(alg, modes.CBC(iv))
    op = c.encryptor() if encrypt else c.decryptor()
    return op.update(data) + op.finalize()


def gcm_encrypt(key, nonce, aad, pt):
    e = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    e.authenticate_additional_data(aad)
    ct = e.update(pt) + e.finalize()
    return ct, e.tag


def gcm_decrypt_unauthenticated(key, nonce12, ct):
    """GCM's keystream is AES-CTR from counter block nonce | 2 (NIST SP
    800-38D s7.1); decrypt with it, then recompute the tag separately, so a
    truncated ICV can be checked."""
    ctr = Cipher(algorithms.AES(key), modes.CTR(nonce12 + b'\x00\x00\x00\x02')).decryptor()
    return ctr.update(ct) + ctr.finalize()


def hmac_trunc(kind, key, data, n):
    return hmac.new(key, data, getattr(hashlib, kind)).digest()[:n]


# ---------------------------------------------------------------------------
# Security associations

class CheckFail(Exception):
    """A verdict other than success; .status is the CRYPTO_* name."""

    def __init__(self, status, why):
        super().__init__(why)
        self.status = status
        self.why = why


class Esp:
    def __init__(self, blk, p):
        self.spi = blk.int(p + 'esp.spi')
        self.enc = blk.text(p + 'esp.enc')
        self.auth = blk.text(p + 'esp.auth')
        if self.enc not in ENC or self.auth not in AUTH:
            raise FormatError('%sesp.enc/%sesp.auth: unknown algorithm' % (p, p))
        self.ekind, eklen, self.block, self.ivlen = ENC[self.enc]
        self.akind, aklen, self.icvlen = AUTH[self.auth]
        self.enc_key = blk.hex(p + 'esp.enc_key', b'')
        self.auth_key = blk.hex(p + 'esp.auth_key', b'')
        if self.ekind == 'gcm':
            self.icvlen = blk.int(p + 'esp.icv_len')
            self.key, self.salt = self.enc_key[:eklen], self.enc_key[eklen:]
        elif self.akind == 'gmac':
            self.ivlen = ipoc_algs.by_name(self.auth).iv    # RFC 4543 s3.1
            self.block = 4
            self.key, self.salt = self.auth_key[:aklen], self.auth_key[aklen:]
        if blk.has(p + 'esp.icv_len') and blk.int(p + 'esp.icv_len') != self.icvlen:
            raise FormatError('%sesp.icv_len: %s does not match %s' % (p, blk.text(p + 'esp.icv_len'), self.auth))
        self.esn = blk.int(p + 'esp.esn', 0)
        self.seq_hi = blk.int(p + 'esp.seq_hi', 0)
        self.iv = blk.hex('tun.iv' if p else 'iv')


class Ah:
    def __init__(self, blk, p):
        self.spi = blk.int(p + 'ah.spi')
        self.auth = blk.text(p + 'ah.auth')
        if self.auth not in AUTH or self.auth == 'none':
            raise FormatError('%sah.auth: unknown algorithm' % p)
        self.akind, aklen, self.icvlen = AUTH[self.auth]
        self.auth_key = blk.hex(p + 'ah.auth_key', b'')
        if self.akind == 'gmac':
            self.key, self.salt = self.auth_key[:aklen], self.auth_key[aklen:]
            row = ipoc_algs.by_name(self.auth)
            self.icvlen = row.iv + row.icv      # RFC 4543 s4: IV, then the tag
        self.esn = blk.int(p + 'ah.esn', 0)
        self.seq_hi = blk.int(p + 'ah.seq_hi', 0)
        self.iv = blk.hex(p + 'ah.iv')


class Sa:
    def __init__(self, blk, p, portion, udp):
        self.portion = portion          # 'TUNNEL' or 'TRANSPORT' (CRYPTO_* names)
        self.udp = udp                  # ESP inside UDP (RFC 3948)
        self.src = ipaddress.ip_address(blk.text(p + 'src')).packed
        self.dst = ipaddress.ip_address(blk.text(p + 'dst')).packed
        self.esp = Esp(blk, p) if blk.has(p + 'esp.spi') else None
        self.ah = Ah(blk, p) if blk.has(p + 'ah.spi') else None
        if not self.esp and not self.ah:
            raise FormatError('%s: no %sesp.spi or %sah.spi' % (blk.id, p, p))


# ---------------------------------------------------------------------------
# IP headers

IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS = 0, 43, 44, 60
IPPROTO_UDP, IPPROTO_ESP, IPPROTO_AH = 17, 50, 51


def ip_walk(buf, start, end):
    """Return (proto, offset of the header after the IP header chain,
    offset of that proto's next-header byte). Syntax errors raise CheckFail."""
    if end - start < 1:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'no IP header')
    ver = buf[start] >> 4
    if ver == 4:
        ihl = (buf[start] & 0xf) * 4
        if ihl < 20 or end - start < ihl:
            raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'short IPv4 header')
        total = int.from_bytes(buf[start + 2:start + 4], 'big')
        if total != end - start:
            raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX',
                            'IPv4 total length %d, packet has %d' % (total, end - start))
        return buf[start + 9], start + ihl, start + 9
    if ver == 6:
        if end - start < 40:
            raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'short IPv6 header')
        plen = int.from_bytes(buf[start + 4:start + 6], 'big')
        if plen + 40 != end - start:
            raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX',
                            'IPv6 payload length %d, packet has %d' % (plen, end - start - 40))
        nh, nh_at, off = buf[start + 6], start + 6, start + 40
        while nh in (IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS):
            if end - off < 8:
                raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'short extension header')
            hlen = (buf[off + 1] + 1) * 8
            nh, nh_at, off = buf[off], off, off + hlen
        return nh, off, nh_at
    raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'IP version %d' % ver)


def check_addrs(buf, start, sa, what):
    """The IP header this SA's portion starts with carries the SA endpoints."""
    if buf[start] >> 4 == 4:
        got = (bytes(buf[start + 12:start + 16]), bytes(buf[start + 16:start + 20]))
    else:
        got = (bytes(buf[start + 8:start + 24]), bytes(buf[start + 24:start + 40]))
    if got != (sa.src, sa.dst):
        raise FormatError('%s: IP header addresses %s -> %s are not the SA endpoints'
                          % (what, ipaddress.ip_address(got[0]), ipaddress.ip_address(got[1])))


# RFC 4302 appendix A.1, "IMMUTABLE -- included in ICV calculation": End of
# Options List, No Operation, Security, Extended Security, Commercial
# Security, Router Alert, Sender Directed Multi-Destination Delivery.
IPV4_IMMUTABLE_OPTIONS = (0, 1, 130, 133, 134, 148, 149)


def zero_mutable(m, start, upto):
    """Zero the fields of the IP header chain in m[start:upto] that RFC 4302
    s3.3.3.1 calls mutable (for the AH ICV)."""
    ver = m[start] >> 4
    if ver == 4:
        ihl = (m[start] & 0xf) * 4
        m[start + 1] = 0                        # TOS/DSCP+ECN
        m[start + 6:start + 8] = b'\0\0'        # flags, fragment offset
        m[start + 8] = 0                        # TTL
        m[start + 10:start + 12] = b'\0\0'      # header checksum
        # Options (s3.3.3.1.1.2, appendix A.1): "the entire option is viewed
        # as a unit; ... if an option is classified as mutable, the entire
        # option is zeroed", type and length included.
        o, oend = start + 20, start + ihl
        while o < oend:
            t = m[o]
            if t == 0:                          # EOL: the rest is padding
                break
            if t == 1:                          # NOP
                o += 1
                continue
            if o + 2 > oend or m[o + 1] < 2 or o + m[o + 1] > oend:
                raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'IPv4 option length')
            ln = m[o + 1]
            if t in (131, 137):
                raise FormatError('IPv4 source route in an AH packet: the checker does not '
                                  'predict the final destination')
            if t not in IPV4_IMMUTABLE_OPTIONS:
                m[o:o + ln] = bytes(ln)
            o += ln
        return
    m[start] &= 0xf0                            # traffic class, flow label
    m[start + 1:start + 4] = b'\0\0\0'
    m[start + 7] = 0                            # hop limit
    nh, off = m[start + 6], start + 40
    while off < upto:
        hlen = (m[off + 1] + 1) * 8
        if nh == IPPROTO_ROUTING:
            raise FormatError('IPv6 routing header in an AH packet: not handled by this checker')
        if nh in (IPPROTO_HOPOPTS, IPPROTO_DSTOPTS):
            o = off + 2
            while o < off + hlen:
                t = m[o]
                if t == 0:                      # Pad1
                    o += 1
                    continue
                ln = m[o + 1]
                if t & 0x20:                    # option data may change en route
                    m[o + 2:o + 2 + ln] = bytes(ln)
                o += 2 + ln
        nh, off = m[off], off + hlen


# ---------------------------------------------------------------------------
# Receive: verify and decrypt wire, outside in

class RxState:
    def __init__(self, wire):
        self.d = bytearray(wire)    # becomes the decrypted packet
        self.keep = []              # (start, end, bytes): fields that keep what arrived
        self.trailer = None         # (next_header, pad_length) of the innermost ESP
        self.portions = 0
        self.reached = 0            # portions whose SA matched (checked or failing)


def ah_icv(sa_ah, m, start, end, icv_at, icv_field_len):
    """ICV of an AH layer over m[start:end] (already mutable-zeroed)."""
    x = bytearray(m[start:end])
    a = icv_at - start
    if sa_ah.akind == 'gmac':
        x[a + 8:a + 24] = bytes(16)            # RFC 4543 s4: IV stays in the AAD
        aad = bytes(x) + (sa_ah.seq_hi.to_bytes(4, 'big') if sa_ah.esn else b'')
        nonce = sa_ah.salt + bytes(x[a:a + 8])
        return gcm_encrypt(sa_ah.key, nonce, aad, b'')[1]
    x[a:a + icv_field_len] = bytes(icv_field_len)
    data = bytes(x) + (sa_ah.seq_hi.to_bytes(4, 'big') if sa_ah.esn else b'')
    return hmac_trunc(sa_ah.akind, sa_ah.auth_key, data, sa_ah.icvlen)


def rx_ah(st, sa, start, end, ah_off):
    d = st.d
    if end - ah_off < 12:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'short AH header')
    ah_len = (d[ah_off + 1] + 2) * 4
    if ah_len < 12 + sa.ah.icvlen or end - ah_off < ah_len:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'AH length %d' % ah_len)
    if d[start] >> 4 == 6 and ah_len % 8:
        # RFC 4302 s2.6 (and RFC 4543 errata 3643 for GMAC): in IPv6 the AH
        # header is a multiple of 8 octets; PROFILE.md item 25 rejects others.
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'IPv6 AH length %d not 8-aligned' % ah_len)
    if int.from_bytes(d[ah_off + 4:ah_off + 8], 'big') != sa.ah.spi:
        raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'AH SPI does not match the SA')
    icv_at = ah_off + 12
    got = bytes(d[icv_at:icv_at + sa.ah.icvlen])
    m = bytearray(d)
    zero_mutable(m, start, ah_off)
    want = ah_icv(sa.ah, m, start, end, icv_at, sa.ah.icvlen)
    tag = got[8:] if sa.ah.akind == 'gmac' else got
    if not hmac.compare_digest(tag, want):
        raise CheckFail('CRYPTO_%s_AH_AUTH_FAILED' % sa.portion, 'AH ICV %s, computed %s'
                        % (tag.hex(), want.hex()))
    st.keep.append((icv_at, icv_at + sa.ah.icvlen, bytes(d[icv_at:icv_at + sa.ah.icvlen])))
    return d[ah_off], ah_off + ah_len


def esp_decrypt(esp, d, o, end):
    """Verify and decrypt the ESP packet d[o:end] in place. Returns
    (payload start, plaintext length)."""
    icv = esp.icvlen
    if end - o < 8 + esp.ivlen + icv + 2:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'ESP packet too short')
    if int.from_bytes(d[o:o + 4], 'big') != esp.spi:
        raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'ESP SPI does not match the SA')
    hdr = bytes(d[o:o + 8])
    iv = bytes(d[o + 8:o + 8 + esp.ivlen])
    cs, ce = o + 8 + esp.ivlen, end - icv
    ct, tag = bytes(d[cs:ce]), bytes(d[ce:end])
    hi = esp.seq_hi.to_bytes(4, 'big')
    if (ce - cs) % esp.block:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX',
                        'ciphertext %d bytes, not a multiple of %d' % (ce - cs, esp.block))
    if esp.ekind == 'gcm':
        aad = hdr[:4] + hi + hdr[4:] if esp.esn else hdr     # RFC 4106 s5
        pt = gcm_decrypt_unauthenticated(esp.key, esp.salt + iv, ct)
        want = gcm_encrypt(esp.key, esp.salt + iv, aad, pt)[1][:icv]
    elif esp.akind == 'gmac':
        aad = (hdr[:4] + hi + hdr[4:] if esp.esn else hdr) + iv + ct   # RFC 4543 s3.3
        pt = ct
        want = gcm_encrypt(esp.key, esp.salt + iv, aad, b'')[1]
    else:
        want = b''
        if esp.akind != 'none':
            data = bytes(d[o:ce]) + (hi if esp.esn else b'')        # RFC 4303 s2.2.1
            want = hmac_trunc(esp.akind, esp.auth_key, data, icv)
        pt = ct if esp.ekind in ('none', 'null') else cbc(esp.ekind, esp.enc_key, iv, ct, False)
    if not hmac.compare_digest(tag, want):
        return None
    d[cs:ce] = pt
    return cs, len(pt)


def rx_esp(st, sa, end, esp_off):
    d = st.d
    res = esp_decrypt(sa.esp, d, esp_off, end)
    if res is None:
        raise CheckFail('CRYPTO_%s_ESP_AUTH_FAILED' % sa.portion, 'ESP ICV mismatch')
    cs, n = res
    pad_len, nh = d[cs + n - 2], d[cs + n - 1]
    if pad_len + 2 > n:
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'pad length %d exceeds payload %d' % (pad_len, n))
    pad = bytes(d[cs + n - 2 - pad_len:cs + n - 2])
    if pad != bytes(range(1, pad_len + 1)):
        raise CheckFail('CRYPTO_INVALID_PACKET_SYNTAX', 'pad bytes are not 1, 2, 3, ... (RFC 4303 s2.4)')
    # The IV and ICV keep the bytes this layer received: for the inner SA of
    # transport over tunnel, those the outer decryption produced.
    ivs, ive = esp_off + 8, esp_off + 8 + sa.esp.ivlen
    st.keep.append((ivs, ive, bytes(d[ivs:ive])))
    st.keep.append((end - sa.esp.icvlen, end, bytes(d[end - sa.esp.icvlen:end])))
    st.trailer = (nh, pad_len)
    return cs, cs + n - 2 - pad_len


def rx_layer(st, sa, start, end, inner):
    """One SA's portion of the packet st.d[start:end]; inner is the SA of the
    packet carried inside this one (transport over tunnel) or None."""
    proto, off, _ = ip_walk(st.d, start, end)
    check_addrs(st.d, start, sa, 'wire')
    st.reached += 1
    if sa.ah:
        if proto != IPPROTO_AH:
            raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'expected AH, found protocol %d' % proto)
        proto, off = rx_ah(st, sa, start, end, off)
    if sa.esp:
        if sa.udp:
            if proto != IPPROTO_UDP or end - off < 8:
                raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'expected UDP-encapsulated ESP')
            proto, off = IPPROTO_ESP, off + 8
        if proto != IPPROTO_ESP:
            raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'expected ESP, found protocol %d' % proto)
        ps, pe = rx_esp(st, sa, end, off)
        if inner:
            st.portions += 1
            rx_layer(st, inner, ps, pe, None)
            return
    st.portions += 1


# ---------------------------------------------------------------------------
# Send: authenticate and encrypt plain, inside out

def tx_layer(p, sa, start, end, inner, errs):
    proto, off, _ = ip_walk(p, start, end)
    check_addrs(p, start, sa, 'plain')
    ah_off = None
    if sa.ah:
        if proto != IPPROTO_AH:
            raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'plain: expected AH')
        ah_off = off
        proto, off = p[off], off + (p[off + 1] + 2) * 4
    if sa.esp:
        esp = sa.esp
        if sa.udp:
            proto, off = IPPROTO_ESP, off + 8
        if proto != IPPROTO_ESP:
            raise CheckFail('CRYPTO_INVALID_PROTOCOL', 'plain: expected ESP')
        ivs, cs, ce = off + 8, off + 8 + esp.ivlen, end - esp.icvlen
        if esp.ivlen:
            if esp.iv is None:
                raise FormatError('no IV given for a send vector')
            if bytes(p[ivs:cs]) != esp.iv:
                errs.append('plain: IV field %s differs from iv %s' % (p[ivs:cs].hex(), esp.iv.hex()))
            p[ivs:cs] = esp.iv
        if any(p[ce:end]):
            errs.append('plain: ESP ICV field is not zeroed')
        if inner:
            pad_len = p[ce - 2]
            tx_layer(p, inner, cs, ce - 2 - pad_len, None, errs)
        pt, iv, hdr = bytes(p[cs:ce]), esp.iv or b'', bytes(p[off:off + 8])
        hi = esp.seq_hi.to_bytes(4, 'big')
        if esp.ekind == 'gcm':
            aad = hdr[:4] + hi + hdr[4:] if esp.esn else hdr
            ct, tag = gcm_encrypt(esp.key, esp.salt + iv, aad, pt)
            p[cs:ce], p[ce:end] = ct, tag[:esp.icvlen]
        elif esp.akind == 'gmac':
            aad = (hdr[:4] + hi + hdr[4:] if esp.esn else hdr) + iv + pt
            p[ce:end] = gcm_encrypt(esp.key, esp.salt + iv, aad, b'')[1]
        else:
            if esp.ekind not in ('none', 'null'):
                p[cs:ce] = cbc(esp.ekind, esp.enc_key, iv, pt, True)
            if esp.akind != 'none':
                data = bytes(p[off:ce]) + (hi if esp.esn else b'')
                p[ce:end] = hmac_trunc(esp.akind, esp.auth_key, data, esp.icvlen)
    if sa.ah:
        icv_at = ah_off + 12
        if any(p[icv_at:icv_at + sa.ah.icvlen]):
            errs.append('plain: AH ICV field is not zeroed')
        if sa.ah.akind == 'gmac':
            if sa.ah.iv is None:
                raise FormatError('no ah.iv given for an AH-GMAC send vector')
            p[icv_at:icv_at + 8] = sa.ah.iv
        m = bytearray(p)
        zero_mutable(m, start, ah_off)
        tag = ah_icv(sa.ah, m, start, end, icv_at, sa.ah.icvlen)
        at = icv_at + 8 if sa.ah.akind == 'gmac' else icv_at
        p[at:at + len(tag)] = tag


# ---------------------------------------------------------------------------
# Blocks

UDP_OUTER = {'tunnel', 'transport', 'transport-over-udp-tunnel'}


def build_sas(blk):
    mode = blk.text('mode')
    udp = blk.text('udp', 'none')
    if mode == 'transport-over-tunnel':
        outer = Sa(blk, 'tun.', 'TUNNEL', udp == 'transport-over-udp-tunnel')
        inner = Sa(blk, '', 'TRANSPORT', udp == 'udp-transport-over-tunnel')
        return outer, inner
    portion = 'TUNNEL' if mode == 'tunnel' else 'TRANSPORT'
    return Sa(blk, '', portion, udp in UDP_OUTER), None


def check_expect(blk, st, status, errs):
    want = blk.text('expect.status', 'CRYPTO_SUCCESS')
    if want != status:
        errs.append('receive: checks give %s, expect.status is %s' % (status, want))
        return
    if status != 'CRYPTO_SUCCESS':
        # A failure stops the checks (PROFILE.md item 6): CryptoDone is 1,
        # NextCryptoDone 1 only when the failing portion was the inner one.
        got = {'expect.crypto_done': 1, 'expect.next_crypto_done': 1 if st.reached > 1 else 0}
        for k, v in got.items():
            if blk.has(k) and blk.int(k) != v:
                errs.append('receive: %s is %s, the failure gives %d' % (k, blk.text(k), v))
        return
    got = {
        'expect.crypto_done': 1,
        'expect.next_crypto_done': 1 if st.portions > 1 else 0,
        'expect.header_info_set': 1 if st.trailer else 0,
    }
    if st.trailer:
        got['expect.next_header'], got['expect.pad_length'] = st.trailer
    for k, v in got.items():
        if blk.has(k) and blk.int(k) != v:
            errs.append('receive: %s is %s, the packet gives %d' % (k, blk.text(k), v))
    for k in ('expect.next_header', 'expect.pad_length'):
        if blk.has(k) and k not in got:
            errs.append('receive: %s given but no ESP trailer was decrypted' % k)


def no_offload_reason(wire, sa):
    """Why a received packet gets no IPsec processing (PROFILE.md P-8,
    item 19, item 27), or None when it would be processed."""
    ver = wire[0] >> 4
    if ver == 4:
        ihl = (wire[0] & 0xf) * 4
        if int.from_bytes(wire[6:8], 'big') & 0x3fff:
            return 'IPv4 fragment (RFC 4303 s3.4.1: ESP is applied to whole packets)'
        proto, off, dst = wire[9], ihl, wire[16:20]
    elif ver == 6:
        proto, off, dst = wire[6], 40, wire[24:40]
        while proto in (IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS):
            if proto == IPPROTO_FRAGMENT:
                return 'IPv6 fragment'
            proto, off = wire[off], off + (wire[off + 1] + 1) * 8
    else:
        return 'not IP'
    if proto == IPPROTO_UDP:
        if int.from_bytes(wire[off + 2:off + 4], 'big') != 4500:
            return 'UDP, not to port 4500'
        rest = wire[off + 8:]
        if rest == b'\xff':
            return 'NAT keepalive (RFC 3948 s2.3)'
        if len(rest) < 4 or rest[:4] == bytes(4):
            return 'IKE: non-ESP marker (RFC 3948 s2.2)'
        proto, off = IPPROTO_ESP, off + 8
    if proto not in (IPPROTO_ESP, IPPROTO_AH):
        return 'not IPsec'
    spi = int.from_bytes(wire[off + (4 if proto == IPPROTO_AH else 0):][:4], 'big')
    first = sa.ah or sa.esp         # the SA is found by its outer member's SPI
    if spi != first.spi or bytes(dst) != sa.dst:
        return 'no SA with this SPI and destination (PROFILE.md item 27)'
    return None


def check_receive(blk, outer, inner, errs):
    wire, plain = blk.hex('wire'), blk.hex('plain')
    if blk.int('expect.crypto_done', 1) == 0:
        why = no_offload_reason(wire, outer)
        if why is None:
            errs.append('receive: expect.crypto_done = 0, but the packet is IPsec for the SA')
        if plain is not None and plain != wire:
            errs.append('receive: no offload, but plain differs from wire')
        for k in ('expect.status', 'expect.next_crypto_done', 'expect.header_info_set'):
            if blk.has(k) and blk.text(k) not in ('0', 'CRYPTO_SUCCESS'):
                errs.append('receive: %s = %s with expect.crypto_done = 0' % (k, blk.text(k)))
        return
    st = RxState(wire)
    try:
        rx_layer(st, outer, 0, len(wire), inner)
        status = 'CRYPTO_SUCCESS'
    except CheckFail as e:
        status = e.status
        if blk.text('expect.status', 'CRYPTO_SUCCESS') == 'CRYPTO_SUCCESS':
            errs.append('receive: %s: %s' % (e.status, e.why))
            return
    check_expect(blk, st, status, errs)
    if status != 'CRYPTO_SUCCESS' or plain is None:
        return
    want = bytearray(plain)
    for a, b, got in st.keep:
        want[a:b] = got
    if bytes(want) != bytes(st.d):
        first = next(i for i in range(min(len(want), len(st.d))) if want[i] != st.d[i]) \
            if len(want) == len(st.d) else -1
        errs.append('receive: decrypted wire differs from plain (first at byte %d)' % first)


def check_send(blk, outer, inner, errs):
    plain, wire = blk.hex('plain'), blk.hex('wire')
    if wire is None or blk.text('expect.send_status', 'NDIS_STATUS_SUCCESS') != 'NDIS_STATUS_SUCCESS':
        return
    p = bytearray(plain)
    try:
        tx_layer(p, outer, 0, len(p), inner, errs)
    except CheckFail as e:
        errs.append('send: %s' % e.why)
        return
    if bytes(p) != wire:
        first = next((i for i in range(min(len(p), len(wire))) if p[i] != wire[i]), -1)
        errs.append('send: encrypting plain does not give wire (first difference at byte %d)' % first)


def check_case(blk):
    errs = []
    outer, inner = build_sas(blk)
    plain, wire = blk.hex('plain'), blk.hex('wire')
    if plain is not None and wire is not None and len(plain) != len(wire):
        errs.append('plain %d bytes, wire %d' % (len(plain), len(wire)))
        return errs
    direction = blk.text('direction')
    if direction in ('receive', 'both') and wire is not None:
        check_receive(blk, outer, inner, errs)
    if direction in ('send', 'both') and plain is not None:
        check_send(blk, outer, inner, errs)
    return errs


def check_prim(blk):
    alg = blk.text('alg')
    key, iv, aad = blk.hex('key', b''), blk.hex('iv', b''), blk.hex('aad', b'')
    pt = blk.hex('pt', b'')
    errs = []
    row = ipoc_algs.by_prim(alg)
    kind = row.kind if row else None
    if kind == 'CIPHER' and row.key:
        ct = cbc(_ekind(row), key, iv, pt, True)
        if ct != blk.hex('ct'):
            errs.append('ct: computed %s' % ct.hex())
    elif kind in ('AEAD', 'GMAC'):
        ct, tag = gcm_encrypt(key, iv, aad, pt)
        want_tag = blk.hex('tag')
        if kind == 'AEAD' and ct != blk.hex('ct', b''):
            errs.append('ct: computed %s' % ct.hex())
        if tag[:len(want_tag)] != want_tag:
            errs.append('tag: computed %s' % tag.hex())
    elif kind == 'INTEGRITY':
        want = blk.hex('mac')
        n = blk.int('mac_len', len(want))
        mac = hmac_trunc(row.evp.lower(), key, pt, n)
        if mac != want:
            errs.append('mac: computed %s' % mac.hex())
    elif kind == 'CIPHER':
        if blk.hex('ct', b'') != pt:        # RFC 2410 s2: NULL is the identity
            errs.append('ct differs from pt')
    else:
        errs.append('alg %s: unknown' % alg)
    return errs


def check_file(path):
    passed = failed = 0
    try:
        blocks = [Block(b) for b in read_blocks(path)]
    except (OSError, UnicodeDecodeError, FormatError) as e:
        print('%s: %s' % (path, e), file=sys.stderr)
        return 0, 1
    for blk in blocks:
        try:
            errs = check_case(blk) if blk.kind == 'case' else check_prim(blk)
        except (FormatError, ValueError, KeyError, TypeError, IndexError) as e:
            errs = ['cannot check: %s' % e]
        if errs:
            failed += 1
            for e in errs:
                print('%s:%d: %s %s: %s' % (path, blk.line, blk.kind, blk.id, e), file=sys.stderr)
        else:
            passed += 1
    return passed, failed


def main(argv):
    if len(argv) < 2:
        print('usage: crosscheck.py FILE.vec...', file=sys.stderr)
        return 2
    bad = False
    for path in argv[1:]:
        passed, failed = check_file(path)
        print('%s: %d passed, %d failed' % (path, passed, failed))
        bad = bad or failed > 0 or passed == 0
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
