#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A second, independent reader of the vectors and the capture corpus:
scapy's IPsec layer (scapy.layers.ipsec, Debian's python3-scapy 2.5).

Usage: scapy_check.py [-v] FILE.vec [FILE.vec ...]
       scapy_check.py [-v] CAPTURE [KEYFILE EXPECTFILE]
       scapy_check.py --selftest CAPTURE KEYFILE EXPECTFILE FILE.vec

vectors/gen_vectors.py, pcaps/gen_pcaps.py, vectors/crosscheck.py and the C
engine all rest on one reading of the RFCs (AH mutable fields and IPv4
options, IPv6 extension headers, the ESN high half in the ICV input, UDP-ESP,
transport over tunnel). Here scapy's SecurityAssociation does the crypto and
its dissectors read the headers; this script only finds the SA and says what
scapy's answer means.

Vector files (format: vectors/README.md; read with crosscheck.py's reader
and SA fields): for every [case], `wire` goes through scapy and must verify
and decrypt to `plain`, except the IV and ICV fields, which keep what
arrived, and the ESP pad bytes (below); the CryptoStatus scapy's answer
implies must be expect.status (CRYPTO_SUCCESS when absent; expect.crypto_done
= 0 means no IPsec processing), and expect.next_crypto_done, header_info_set,
next_header and pad_length must match where given.

Captures (formats: pcaps/README.md; expectations and key files read with
tshark_check.py's readers): scapy reads every frame (rdpcap: pcap and
pcapng); its outcome must match the frame's expectations line: pass,
CRYPTO_SUCCESS (with spi, next_crypto_done, header_info_set, next_header,
pad_length and inner where given), *_ESP_AUTH_FAILED / *_AH_AUTH_FAILED (the
SA whose portion failed; TUNNEL or TRANSPORT where the key file says the
mode, i.e. for xfrm files), CRYPTO_INVALID_PACKET_SYNTAX, CRYPTO_INVALID_PROTOCOL.

How an outcome is read from scapy:
  ICV failure     SecurityAssociation raises IPSecIntegrityError (HMAC
                  verify, AEAD tag, AH verify with scapy's mutable-field
                  zeroing and, for AH, the ESN high half).
  malformed       scapy cannot decrypt the packet (cryptography refuses a
                  CBC ciphertext that is not a multiple of the block), or the
                  Pad Length scapy decrypted exceeds the decrypted bytes.
  wrong protocol  SecurityAssociation.decrypt refuses the packet because it
                  has no layer of the SA's protocol (an ESP packet with an AH
                  SA's SPI, AH of an [ESP, AH] SA without ESP behind it).
  pass            scapy's dissection shows an IP fragment, an IP length field
                  beyond the bytes that arrived, no ESP/AH, or an ESP/AH
                  header whose SPI and destination no SA of the file has.
The receive policy around scapy is the project's (engine/PROFILE.md): SAs
are found by protocol, SPI and destination (item 27); tunnel before
transport, AH before ESP (item 6); with ESN the SA's high half is tried,
then the next one when the low half is below 2^31 (item 15); a UDP-ESP SA
takes only UDP-encapsulated ESP and the reverse (item 19).

ESP goes through the steps SecurityAssociation.decrypt runs for ESP
(check_spi, auth_algo.verify, crypt_algo.decrypt) so that Pad Length and Next
Header, which decrypt() drops, can be compared; AH goes through
SecurityAssociation.decrypt itself.

What scapy 2.5 cannot judge is counted as `not judged`, per reason (the
words of the output line), never dropped:
  ESP GMAC          ENCR_NULL_AUTH_AES_GMAC (RFC 4543): scapy has no GMAC.
  AH GMAC           AUTH_AES_*_GMAC in AH (RFC 4543): likewise.
  GCM ICV 8, 12     scapy hands ciphertext and ICV to cryptography's AESGCM,
                    which takes only 16-byte tags: a truncated ICV never
                    verifies, even on a good packet.
  ESP HMAC+ESN      AuthAlgo.verify/sign get no ESN for ESP: scapy leaves the
                    ESN high half out of ESP HMAC ICVs (RFC 4303 s2.2.1);
                    its esn_en works for AES-GCM (the AAD) and for AH only.
  UDP encapsulation decrypt() ignores nat_t_header and scapy binds UDP port
                    4500 to ESP whatever the SA: ESP whose UDP encapsulation
                    is not its SA's (CRYPTO_INVALID_PROTOCOL) looks valid.
  ESP too short, ESP not block-aligned, AH length, IPv6 AH alignment
                    scapy checks no length: where the expectation is
                    CRYPTO_INVALID_PACKET_SYNTAX, scapy answers with an ICV
                    failure or a success, and the header fields scapy
                    dissected show that defect (ESP shorter than IV, trailer
                    and ICV; a payload not a multiple of the cipher block or
                    of 4 bytes; an AH Payload Length too small for the ICV or
                    beyond the packet; IPv6 AH not a multiple of 8 bytes).
                    A CBC ciphertext that is not a multiple of the block is
                    judged: cryptography refuses to decrypt it for scapy.
  send fails        a send case expected to fail has no `wire` to decrypt.
  CRYPTO_GENERIC_ERROR  nothing scapy does gives it.
Further limits: scapy 2.5 returns the ESP pad bytes mis-sliced
(CryptAlgo.decrypt cuts them from the already-shortened payload), so the
pad bytes of `plain` are not compared (crosscheck.py does that); scapy 2.5
reads the 4-byte header of LINKTYPE_NULL / LINKTYPE_LOOP as a little-endian
number and binds IPv6 only to the host's AF_INET6, so for those link types
this script reads the address family itself (either byte order: 2 IPv4; 24,
28, 30 IPv6) and hands the rest to scapy's IP/IPv6; scapy 2.5 warns about
pcapng comments without a newline (silenced: the comments are valid);
scapy 2.5 dissects every UDP port 4500 payload of 4 bytes or more as ESP, so
IKE behind the non-ESP marker (RFC 3948 s2.2) reads as ESP with SPI 0, which
no SA has: such a frame agrees with `pass` through the SA lookup.

Output: failures as `NAME: frame N: ...` / `NAME:LINE: case ID: ...`, then
one line per file `NAME: N passed, M failed, K not judged (reason count,
...)`. Exit 0 when nothing failed and every file had an item judged, 1 on a
failure or a file with nothing judged, 2 on a usage or input error.

--selftest flips the last byte (an ICV byte) of the first CRYPTO_SUCCESS
frame of the capture and of the `wire` of the first successful case of the
vector file that this script judges, each in a copy in a temporary folder,
runs the check on the copies and requires exit 1 with a failure naming that
frame or case.
"""

import argparse
import ipaddress
import logging
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path[:0] = [os.path.join(ROOT, 'vectors'), os.path.join(ROOT, 'pcaps'),
                os.path.join(ROOT, 'engine', 'alg')]
import crosscheck      # noqa: E402  the vector reader and its SA fields
import ipoc_algs       # noqa: E402  the algorithm table (engine/alg/ipoc_algs.def)
import tshark_check    # noqa: E402  the expectations and key-file readers

logging.getLogger('scapy').setLevel(logging.ERROR)
from scapy.compat import raw                                             # noqa: E402
from scapy.layers.inet import IP, UDP                                    # noqa: E402
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,  # noqa: E402
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting)
from scapy.layers.ipsec import AH, ESP, IPSecIntegrityError, SecurityAssociation  # noqa: E402
from scapy.layers.l2 import ARP, Loopback                                # noqa: E402
from scapy.utils import rdpcap                                           # noqa: E402

# ---------------------------------------------------------------------------
# SAs

# vector-format algorithm names -> scapy's CRYPT_ALGOS / AUTH_ALGOS names (the
# table's scapy column)
SCAPY_ENC = {a.name: a.scapy for a in ipoc_algs.of_kind(*ipoc_algs.ENC_KINDS)}
SCAPY_ENC['none'] = SCAPY_ENC[ipoc_algs.of_kind('CIPHER')[0].name]
SCAPY_AUTH = {a.name: a.scapy for a in ipoc_algs.of_kind('INTEGRITY')}
SCAPY_AUTH['none'] = None
# block the ESP payload must fill (RFC 4303 s2.4: at least 4 bytes)
BLOCK = {a.name: a.block for a in ipoc_algs.of_kind('CIPHER') if a.block > 4}


def row(name):
    """The table row of a vector-format name, or None ('none')."""
    return ipoc_algs.BY_NAME.get(name)
INNER = {1: 'icmp', 4: 'ipv4', 6: 'tcp', 17: 'udp', 41: 'ipv6', 58: 'icmpv6'}
EXT_HDRS = (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting)


class InputError(Exception):
    pass


class NotJudged(Exception):
    """scapy cannot tell: reason is what the output counts, detail says more."""

    def __init__(self, reason, detail=''):
        super().__init__(reason)
        self.reason, self.detail = reason, detail

    def text(self):
        return self.reason + (' (%s)' % self.detail if self.detail else '')


class Member:
    """The ESP or AH member of an SA, in the words of the vector format."""

    def __init__(self, proto, spi, dst, auth='none', auth_key=b'', enc=None, enc_key=b'', icv_len=None,
                 esn=False, seq_hi=0, portion=None, udp=None):
        self.proto, self.spi, self.dst = proto, spi, dst
        self.enc, self.enc_key, self.auth, self.auth_key = enc, enc_key, auth, auth_key
        self.esn, self.seq_hi = bool(esn), seq_hi
        self.portion = portion          # 'TUNNEL', 'TRANSPORT' or None (not said)
        self.udp = udp                  # ESP in UDP (RFC 3948): True, False or None (not said)
        self.bundle_esp = None          # the ESP member behind this AH member in one SA
        if proto == 'esp' and row(enc) and row(enc).kind == 'AEAD':
            self.icv_len = icv_len
        else:
            self.icv_len = row(auth).icv if row(auth) else 0

    def name(self):
        return '%s SPI 0x%08x' % (self.proto.upper(), self.spi)

    def scapy_sa(self, seq_hi):
        """scapy's SecurityAssociation for this member, or NotJudged."""
        if row(self.auth) and row(self.auth).kind == 'GMAC':
            raise NotJudged('%s GMAC' % self.proto.upper())
        if self.proto == 'ah':
            return SecurityAssociation(AH, spi=self.spi, auth_algo=SCAPY_AUTH[self.auth],
                                       auth_key=self.auth_key, esn_en=self.esn, esn=seq_hi)
        gcm = bool(row(self.enc)) and row(self.enc).kind == 'AEAD'
        if gcm and self.icv_len != 16:     # scapy's GCM takes a 16-byte ICV only
            raise NotJudged('GCM ICV %d' % self.icv_len)
        if self.esn and self.auth != 'none':
            raise NotJudged('ESP HMAC+ESN')
        return SecurityAssociation(ESP, spi=self.spi, crypt_algo=SCAPY_ENC[self.enc],
                                   crypt_key=self.enc_key or None, crypt_icv_size=16 if gcm else None,
                                   auth_algo=SCAPY_AUTH[self.auth], auth_key=self.auth_key or None,
                                   esn_en=self.esn, esn=seq_hi)

    def tries(self, seq_lo):
        """ESN high halves to try (PROFILE.md item 15)."""
        if self.esn and seq_lo < 1 << 31:
            return [self.seq_hi, (self.seq_hi + 1) & 0xffffffff]
        return [self.seq_hi]


class SaTable:
    """Inbound SAs by (protocol, SPI, destination)."""

    def __init__(self):
        self.sas = {}

    def add(self, m):
        key = (m.proto, m.spi, m.dst)
        if key in self.sas:
            raise InputError('two %s SAs with SPI 0x%08x to %s' % (m.proto.upper(), m.spi,
                                                                   ipaddress.ip_address(m.dst)))
        self.sas[key] = m

    def get(self, proto, spi, dst):
        return self.sas.get((proto, spi, dst))


def packed(addr):
    return ipaddress.ip_address(addr).packed


def members_of_case(sa):
    """The table entry of one crosscheck.Sa: AH first in a bundle."""
    esp = ah = None
    if sa.esp:
        e = sa.esp
        esp = Member('esp', e.spi, sa.dst, e.auth, e.auth_key, e.enc, e.enc_key, e.icvlen, e.esn,
                     e.seq_hi, sa.portion, sa.udp)
    if sa.ah:
        a = sa.ah
        ah = Member('ah', a.spi, sa.dst, a.auth, a.auth_key, esn=a.esn, seq_hi=a.seq_hi, portion=sa.portion)
        ah.bundle_esp = esp
        return ah
    return esp


# esp_sa and xfrm names -> vector-format names: the table's esp_sa and xfrm
# columns, by name and key length (ipoc_algs.by_esp_sa, by_xfrm)


def by_xfrm_auth(name, bits, key):
    """The vector-format name of an xfrm integrity algorithm truncated to
    bits, or None when NDIS has no such algorithm."""
    if (name, bits) == ('digest_null', 0):
        return 'none'
    a = ipoc_algs.by_xfrm(name, len(key))
    return a.name if a and a.kind == 'INTEGRITY' and a.icv * 8 == bits else None


def key_bytes(text):
    """A key as the key files write it: 0x + hex, or empty."""
    t = text.strip()
    if t in ('', '0x'):
        return b''
    if not t.startswith('0x'):
        raise InputError('key %r is not 0x + hex' % t)
    h = t[2:]
    return bytes.fromhex(('0' if len(h) % 2 else '') + h)


def read_key_file(path):
    table = SaTable()
    if path.endswith('.esp_sa'):
        for lineno, f, _ in tshark_check.esp_sa_records(path):
            where = '%s:%d' % (path, lineno)
            enc_key, auth_key = key_bytes(f[5]), key_bytes(f[7])
            e, icv = ipoc_algs.by_esp_sa(f[4], len(enc_key))
            if not e or not e.is_enc:
                raise InputError('%s: encryption %r is not one this check knows' % (where, f[4]))
            enc, icv = e.name, icv if e.kind == 'AEAD' else None
            a = None if f[6] == 'NULL' else ipoc_algs.by_esp_sa(f[6], len(auth_key))[0]
            if f[6] != 'NULL' and (not a or a.is_enc):
                raise InputError('%s: authentication %r is not one this check knows' % (where, f[6]))
            # esp_sa says neither mode nor UDP encapsulation, nor ESN (4.0 form)
            table.add(Member('esp', int(f[3], 0), packed(f[2]), a.name if a else 'none', auth_key, enc,
                             enc_key, icv, udp=False))
        return table
    for st in tshark_check.xfrm_states(path):
        where = '%s: SPI 0x%08x' % (path, st['spi'])
        portion = {'tunnel': 'TUNNEL', 'transport': 'TRANSPORT'}.get(st.get('mode'))
        if portion is None:
            raise InputError('%s: mode %r' % (where, st.get('mode')))
        enc = auth = None
        enc_key = auth_key = b''
        icv = None
        if 'aead' in st:
            name, key, bits = st['aead']
            k = key_bytes(key)
            a = ipoc_algs.by_xfrm(name, len(k))
            if a and a.kind == 'AEAD':
                enc, enc_key, icv, auth = a.name, k, bits // 8, 'none'
            elif a and a.kind == 'GMAC':
                enc, auth, auth_key = ipoc_algs.of_kind('CIPHER')[0].name, a.name, k
            else:
                raise InputError('%s: aead %s' % (where, name))
        else:
            if 'auth-trunc' in st:
                name, key, bits = st['auth-trunc']
                auth, auth_key = by_xfrm_auth(name, bits, key_bytes(key)), key_bytes(key)
                if auth is None:
                    raise InputError('%s: auth-trunc %s %d' % (where, name, bits))
            if 'enc' in st:
                name, key = st['enc']
                e = ipoc_algs.by_xfrm(name, len(key_bytes(key)))
                if not e or e.kind != 'CIPHER':
                    raise InputError('%s: enc %s' % (where, name))
                enc, enc_key = e.name, key_bytes(key)
        if st['proto'] == 'ah':
            if auth is None or auth == 'none':
                raise InputError('%s: AH without an integrity algorithm' % where)
            table.add(Member('ah', st['spi'], packed(st['dst']), auth, auth_key, esn=st['esn'],
                             portion=portion))
        elif st['proto'] == 'esp':
            if enc is None:
                raise InputError('%s: ESP without enc or aead' % where)
            table.add(Member('esp', st['spi'], packed(st['dst']), auth or 'none', auth_key, enc, enc_key, icv,
                             st['esn'], portion=portion, udp='encap' in st))
        else:
            raise InputError('%s: proto %s' % (where, st['proto']))
    return table


# ---------------------------------------------------------------------------
# Receive through scapy


class Outcome(Exception):
    """What scapy's answer means: kind is 'pass', 'success', 'esp-auth',
    'ah-auth', 'syntax' or 'protocol'; member is the SA it is about."""

    def __init__(self, kind, member=None, why=''):
        super().__init__(why)
        self.kind, self.member, self.why = kind, member, why


class Rx:
    """One received packet: d becomes the in-place decrypted packet."""

    def __init__(self, packet):
        self.d = bytearray(packet)
        self.skip = []          # (start, end): bytes not compared with `plain`
        self.trailer = None     # (next header, pad length) of the innermost ESP that decrypted
        self.portions = 0       # portions verified
        self.reached = 0        # portions whose SA matched
        self.last = None        # the member of the innermost verified portion
        self.inner = None       # what it protects (protocol number)
        self.table = None       # the SAs
        self.at = None          # (member, scapy layer, scapy IP packet) of the last portion opened


def dissect(buf):
    """scapy's IP or IPv6 packet of buf (by the version nibble), or None."""
    if not buf:
        return None
    return {4: IP, 6: IPv6}.get(buf[0] >> 4, lambda b: None)(bytes(buf))


def ip_length(pkt):
    return pkt.len if isinstance(pkt, IP) else pkt.plen + 40


def is_fragment(pkt):
    if isinstance(pkt, IP):
        return bool(pkt.flags.MF) or pkt.frag != 0
    return pkt.haslayer(IPv6ExtHdrFragment)


def ipsec_layer(pkt):
    """(protocol, scapy layer, in UDP) of the first ESP or AH header scapy
    dissects behind the IP header chain, or None."""
    layer = pkt.payload
    while isinstance(layer, EXT_HDRS):
        layer = layer.payload
    if isinstance(layer, AH):
        return 'ah', layer, False
    if isinstance(layer, ESP):
        return 'esp', layer, False
    if isinstance(layer, UDP) and isinstance(layer.payload, ESP):
        return 'esp', layer.payload, True
    return None


def offset_of(pkt, layer):
    return len(raw(pkt)) - len(raw(layer))


def refuses(member, pkt):
    """scapy's SecurityAssociation of member's protocol (its algorithms do
    not matter here) refuses pkt for lack of such a layer."""
    sa = SecurityAssociation(AH if member.proto == 'ah' else ESP, spi=member.spi)
    try:
        sa.decrypt(pkt.copy(), verify=False)
    except TypeError:
        return True
    except Exception:       # noqa: BLE001  anything else: scapy found the layer
        return False
    return False


def check_inner(nh, payload):
    """A decrypted IP payload must be what its Next Header says, to scapy."""
    if nh in (4, 41):
        p = dissect(payload)
        if p is None or (p.version == 4) != (nh == 4) or ip_length(p) != len(payload):
            return 'the decrypted payload is not the IPv%d packet Next Header %d says' % (4 if nh == 4 else 6, nh)
    if nh == 17 and (len(payload) < 8 or UDP(payload).len != len(payload)):
        return 'the decrypted payload is not the UDP datagram Next Header 17 says'
    return None


def syntax_reason(member, layer, pkt):
    """Why the header fields scapy dissected make the packet malformed in a
    way scapy does not check, or None."""
    if member.proto == 'esp':
        n = len(layer.data)
        e, a = row(member.enc), row(member.auth)
        ivlen = e.iv if e else 0
        if a and a.kind == 'GMAC':
            ivlen = a.iv
        if n < ivlen + 2 + member.icv_len:
            return 'ESP too short'
        if (n - ivlen - member.icv_len) % BLOCK.get(member.enc, 4):
            return 'ESP not block-aligned'
        return None
    ah_len = (layer.payloadlen + 2) * 4
    if ah_len < 12 + member.icv_len or ah_len > len(raw(layer)):
        return 'AH length'
    if isinstance(pkt, IPv6) and ah_len % 8:
        return 'IPv6 AH alignment'
    return None


def open_ah(st, m, pkt, layer, start, end):
    """Verify, with scapy, the AH portion of pkt (st.d[start:end]) whose AH
    header scapy dissected as layer."""
    tries = m.tries(layer.seq)
    for hi in tries:
        sa = m.scapy_sa(hi)
        try:
            out = sa.decrypt(pkt.copy())
            break
        except IPSecIntegrityError:
            continue
        except (ValueError, IndexError, struct.error) as e:
            raise Outcome('syntax', m, 'scapy cannot read the AH packet: %s' % e)
    else:
        raise Outcome('ah-auth', m, 'scapy: AH ICV does not verify (ESN high half tried: %s)'
                      % ', '.join(map(str, tries)) if m.esn else 'scapy: AH ICV does not verify')
    ah_off = start + offset_of(pkt, layer)
    ah_len = (layer.payloadlen + 2) * 4
    st.skip.append((ah_off + 12, ah_off + ah_len))      # the ICV field keeps what arrived
    st.portions += 1
    st.last, st.inner = m, layer.nh
    if m.bundle_esp is None:
        bad = check_inner(layer.nh, bytes(st.d[ah_off + ah_len:end]))
        if bad:
            raise Outcome('success-but', m, bad)
        return
    # [ESP, AH]: ESP must follow AH (scapy's ESP SA on what AH protected)
    out = pkt.__class__(raw(out))
    if refuses(m.bundle_esp, out):
        raise Outcome('protocol', m, 'scapy finds no ESP behind the AH of an [ESP, AH] SA')
    st.portions -= 1
    esp = ESP(bytes(st.d[ah_off + ah_len:end]))
    st.at = (m.bundle_esp, esp, pkt)
    open_esp(st, m.bundle_esp, esp, ah_off + ah_len, end, 0)


def open_esp(st, m, esp, esp_off, end, depth):
    """Verify and decrypt, with scapy, the ESP packet esp found at
    st.d[esp_off:end]."""
    tries = m.tries(esp.seq)
    for hi in tries:
        sa = m.scapy_sa(hi)
        e = esp.copy()
        icv = sa.crypt_icv_size or sa.crypt_algo.icv_size or sa.auth_algo.icv_size
        try:
            sa.check_spi(e)
            sa.auth_algo.verify(e, sa.auth_key)
            p = sa.crypt_algo.decrypt(sa, e, sa.crypt_key, icv, esn_en=sa.esn_en, esn=sa.esn)
            break
        except IPSecIntegrityError:
            continue
        except (ValueError, IndexError, struct.error) as ex:
            raise Outcome('syntax', m, 'scapy cannot decrypt it: %s' % ex)
    else:
        raise Outcome('esp-auth', m, 'scapy: ESP ICV does not verify' +
                      (' (ESN high half tried: %s)' % ', '.join(map(str, tries)) if m.esn else ''))
    ivlen = sa.crypt_algo.iv_size
    n = len(esp.data) - ivlen - icv
    if p.padlen + 2 > n:
        raise Outcome('syntax', m, 'scapy decrypts Pad Length %d in a %d-byte payload' % (p.padlen, n))
    payload = raw(p.data)
    cs, ce = esp_off + 8 + ivlen, end - icv
    if len(payload) + p.padlen + 2 != ce - cs:
        raise Outcome('syntax', m, 'scapy\'s decryption does not add up (%d + %d + 2 != %d)'
                      % (len(payload), p.padlen, ce - cs))
    st.d[cs:cs + len(payload)] = payload
    st.d[ce - 2:ce] = bytes((p.padlen, p.nh))
    st.skip += [(esp_off + 8, cs), (cs + len(payload), ce - 2), (ce, end)]   # IV, pad bytes, ICV
    st.trailer = (p.nh, p.padlen)
    st.portions += 1
    st.last, st.inner = m, p.nh
    bad = check_inner(p.nh, payload)
    if bad:
        raise Outcome('success-but', m, bad)
    if p.nh in (4, 41) and depth == 0:
        receive(st, cs, cs + len(payload), depth + 1)


def receive(st, start, end, depth=0):
    """Take the packet st.d[start:end] through scapy: returns normally when
    the processing ends well, raises Outcome otherwise or NotJudged."""
    pkt = dissect(st.d[start:end])
    if pkt is None:
        if depth:
            return
        raise Outcome('pass', why='scapy finds no IP header')
    if depth == 0:
        if ip_length(pkt) > end - start:
            raise Outcome('pass', why='IP length %d, %d bytes arrived' % (ip_length(pkt), end - start))
        if ip_length(pkt) < end - start:        # link-layer padding
            end = start + ip_length(pkt)
            pkt = dissect(st.d[start:end])
        if is_fragment(pkt):
            raise Outcome('pass', why='IP fragment')
    hit = ipsec_layer(pkt)
    if hit is None:
        if depth:
            return
        raise Outcome('pass', why='scapy finds no ESP or AH')
    proto, layer, in_udp = hit
    dst = packed(pkt.dst)
    m = st.table.get(proto, layer.spi, dst)
    if m is None:
        other = st.table.get('ah' if proto == 'esp' else 'esp', layer.spi, dst)
        if other is None:
            if depth:
                return
            why = 'no SA with %s SPI 0x%08x to %s' % (proto.upper(), layer.spi, pkt.dst)
            if in_udp and layer.spi == 0:
                why = 'scapy reads the non-ESP marker of IKE (RFC 3948 s2.2) as ESP SPI 0: ' + why
            raise Outcome('pass', why=why)
        st.reached += 1
        if refuses(other, pkt):
            raise Outcome('protocol', other, 'scapy\'s %s SA refuses the %s packet' % (other.proto.upper(),
                                                                                  proto.upper()))
        raise Outcome('success-but', other, 'scapy\'s %s SA takes the %s packet' % (other.proto.upper(),
                                                                                   proto.upper()))
    st.reached += 1
    if proto == 'esp' and m.udp is not None and m.udp != in_udp:
        raise NotJudged('UDP encapsulation')
    st.at = (m, layer, pkt)
    if proto == 'ah':
        open_ah(st, m, pkt, layer, start, end)
    else:
        off = start + offset_of(pkt, layer)
        open_esp(st, m, ESP(bytes(st.d[off:end])), off, end, depth)


def run(packet, table):
    """(Outcome, Rx) of one received packet; NotJudged passes through."""
    st = Rx(packet)
    st.table = table
    try:
        receive(st, 0, len(packet))
    except Outcome as o:
        return o, st
    return Outcome('success', st.last), st


KIND = {'CRYPTO_SUCCESS': 'success', 'CRYPTO_INVALID_PACKET_SYNTAX': 'syntax',
        'CRYPTO_INVALID_PROTOCOL': 'protocol', 'pass': 'pass'}


def expected_kind(status):
    """(kind, portion or None) of an expected outcome."""
    if status in KIND:
        return KIND[status], None
    m = re.match(r'^CRYPTO_(TUNNEL|TRANSPORT)_(ESP|AH)_AUTH_FAILED$', status)
    if m:
        return m.group(2).lower() + '-auth', m.group(1)
    raise NotJudged(status, 'nothing scapy does gives it')


def judge(status, want, o, st):
    """Compare scapy's outcome o with the expected status and keys (want:
    {key: int}, keys absent are not compared). Returns a list of problems;
    raises NotJudged where scapy cannot tell."""
    kind, portion = expected_kind(status)
    got = o.kind
    if got != kind:
        if kind == 'syntax' and got in ('esp-auth', 'ah-auth', 'success', 'success-but') and st.at:
            reason = syntax_reason(*st.at)
            if reason:
                raise NotJudged(reason, 'scapy: %s%s' % (o.kind, ': ' + o.why if o.why else ''))
        words = {'success': 'success', 'success-but': 'success, but', 'pass': 'no IPsec processing',
                 'esp-auth': 'ESP ICV failure', 'ah-auth': 'AH ICV failure', 'syntax': 'malformed',
                 'protocol': 'wrong protocol'}
        about = ' (%s)' % o.member.name() if o.member else ''
        return ['expected %s, scapy: %s%s%s' % (status, words[got], about, ': ' + o.why if o.why else '')]
    errs = []
    if kind == 'pass':
        return errs
    if 'spi' in want and o.member and o.member.spi != want['spi']:
        errs.append('expected SPI 0x%08x, scapy\'s outcome is about %s' % (want['spi'], o.member.name()))
    if portion and o.member.portion and portion != o.member.portion:
        errs.append('expected a %s portion, the key file makes %s a %s SA'
                    % (portion, o.member.name(), o.member.portion.lower()))
    if kind == 'success':
        gotkeys = {'next_crypto_done': int(st.portions > 1), 'header_info_set': int(st.trailer is not None)}
        if st.trailer:
            gotkeys['next_header'], gotkeys['pad_length'] = st.trailer
    else:
        gotkeys = {'next_crypto_done': int(st.reached > 1)}
        if kind in ('esp-auth', 'ah-auth'):
            gotkeys['header_info_set'] = int(st.trailer is not None)
            if st.trailer:
                gotkeys['next_header'], gotkeys['pad_length'] = st.trailer
    for k, v in gotkeys.items():
        if k in want and want[k] != v:
            errs.append('%s=%d expected, scapy gives %d' % (k, want[k], v))
    if kind == 'success' and 'inner' in want and want['inner'] != INNER.get(st.inner, str(st.inner)):
        errs.append('inner=%s expected, scapy: Next Header %d' % (want['inner'], st.inner))
    return errs


# ---------------------------------------------------------------------------
# Vector files


class Tally:
    def __init__(self, name):
        self.name, self.passed, self.failed, self.why = name, 0, 0, {}

    def not_judged(self, reason):
        self.why[reason] = self.why.get(reason, 0) + 1

    def line(self):
        n = sum(self.why.values())
        reasons = ', '.join('%s %d' % (k, self.why[k]) for k in sorted(self.why))
        return '%s: %d passed, %d failed, %d not judged%s' % (self.name, self.passed, self.failed, n,
                                                             ' (%s)' % reasons if reasons else '')


def check_vector_case(blk):
    """Problems of one [case] block; NotJudged where scapy cannot tell."""
    wire, plain = blk.hex('wire'), blk.hex('plain')
    send_fails = blk.text('expect.send_status', 'NDIS_STATUS_SUCCESS') != 'NDIS_STATUS_SUCCESS'
    if wire is None or (send_fails and blk.text('direction') == 'send'):
        raise NotJudged('send fails', blk.text('expect.send_status', 'no wire'))
    outer, inner = crosscheck.build_sas(blk)
    table = SaTable()
    table.add(members_of_case(outer))
    if inner:
        table.add(members_of_case(inner))
    if blk.int('expect.crypto_done', 1) == 0:
        status = 'pass'
    else:
        status = blk.text('expect.status', 'CRYPTO_SUCCESS')
    want = {k[7:]: blk.int(k) for k in ('expect.next_crypto_done', 'expect.header_info_set',
                                        'expect.next_header', 'expect.pad_length') if blk.has(k)}
    o, st = run(wire, table)
    errs = judge(status, want, o, st)
    if errs or o.kind != 'success' or plain is None:
        return errs
    if len(plain) != len(st.d):
        return ['plain has %d bytes, wire %d' % (len(plain), len(st.d))]
    skip = bytearray(len(plain))
    for a, b in st.skip:
        skip[a:b] = b'\1' * (b - a)
    diff = [i for i in range(len(plain)) if not skip[i] and plain[i] != st.d[i]]
    if diff:
        return ['scapy decrypts wire to bytes that differ from plain at %d byte(s), first at offset %d '
                '(plain %02x, scapy %02x)' % (len(diff), diff[0], plain[diff[0]], st.d[diff[0]])]
    return []


def check_vectors(path, verbose):
    t = Tally(os.path.basename(path))
    try:
        blocks = [crosscheck.Block(b) for b in crosscheck.read_blocks(path)]
    except (OSError, UnicodeDecodeError, crosscheck.FormatError) as e:
        raise InputError(str(e))
    for blk in blocks:
        if blk.kind != 'case':
            continue
        where = '%s:%d: case %s' % (t.name, blk.line, blk.id)
        try:
            errs = check_vector_case(blk)
        except NotJudged as e:
            t.not_judged(e.reason)
            if verbose:
                print('%s: not judged: %s' % (where, e.text()))
            continue
        except (crosscheck.FormatError, InputError, ValueError, KeyError, TypeError) as e:
            errs = ['cannot check: %s' % e]
        if errs:
            t.failed += 1
            for e in errs:
                print('%s: %s' % (where, e))
        else:
            t.passed += 1
            if verbose:
                print('%s: agrees' % where)
    return t


# ---------------------------------------------------------------------------
# Captures


def frame_packet(pkt):
    """The IP packet a frame carries (bytes), 'arp', or None, as scapy's
    link-layer dissection sees it (LINKTYPE_NULL/LOOP: see the docstring)."""
    if isinstance(pkt, Loopback):
        b = bytes(pkt.original)
        af = int.from_bytes(b[:4], 'big' if b[0] == 0 else 'little')
        ver = {2: 4, 24: 6, 28: 6, 30: 6}.get(af)
        if ver is None or len(b) < 5 or b[4] >> 4 != ver:
            return None
        return b[4:]
    layer = pkt
    while layer is not None and layer.name != 'NoPayload':
        if isinstance(layer, (IP, IPv6)):
            return raw(layer)
        if isinstance(layer, ARP):
            return 'arp'
        layer = layer.payload
    return None


def check_capture(capture, keyfile, expectfile, verbose):
    name = os.path.basename(capture)
    t = Tally(name)
    try:
        frames, declared = tshark_check.read_expect(expectfile)
    except tshark_check.InputError as e:
        raise InputError(str(e))
    table = read_key_file(keyfile)
    try:
        pkts = rdpcap(capture)
    except Exception as e:          # noqa: BLE001  scapy raises Scapy_Exception and others
        raise InputError('%s: scapy cannot read it: %s' % (capture, e))
    if len(pkts) != declared:
        t.failed += 1
        print('%s: scapy reads %d frames, %s says %d' % (name, len(pkts), os.path.basename(expectfile), declared))
    for n, frame in enumerate(pkts[:declared], 1):
        status, kv = frames[n]
        where = '%s: frame %d (%s)' % (name, n, status)
        packet = frame_packet(frame)
        if packet is None:
            t.failed += 1
            print('%s: scapy finds no IP or ARP in the frame (%s)' % (where, frame.summary()))
            continue
        try:
            want = {k: v if k == 'inner' else int(v, 0) for k, v in kv.items()}
        except ValueError as e:
            raise InputError('%s: frame %d: %s' % (expectfile, n, e))
        why = 'ARP'
        try:
            if packet == 'arp':
                errs = [] if status == 'pass' else ['scapy: ARP, no IPsec']
            else:
                o, st = run(packet, table)
                errs = judge(status, want, o, st)
                why = o.why
        except NotJudged as e:
            t.not_judged(e.reason)
            if verbose:
                print('%s: not judged: %s' % (where, e.text()))
            continue
        if errs:
            t.failed += 1
            for e in errs:
                print('%s: %s' % (where, e))
        else:
            t.passed += 1
            if verbose:
                print('%s: agrees%s' % (where, ' (%s)' % why if why else ''))
    return t


def default_files(capture):
    stem = re.sub(r'\.pcap(ng)?$', '', capture)
    for ext in ('.esp_sa', '.xfrm'):
        if os.path.exists(stem + ext):
            return stem + ext, stem + '.expect'
    raise InputError('%s: no %s.esp_sa or %s.xfrm next to it' % (capture, stem, stem))


# ---------------------------------------------------------------------------
# Self-test: the check must fail on a corrupted copy


def first_judged_success_frame(capture, keyfile, expectfile):
    frames, declared = tshark_check.read_expect(expectfile)
    table = read_key_file(keyfile)
    for n, frame in enumerate(rdpcap(capture)[:declared], 1):
        status, kv = frames[n]
        packet = frame_packet(frame)
        if status != 'CRYPTO_SUCCESS' or packet in (None, 'arp'):
            continue
        want = {k: v if k == 'inner' else int(v, 0) for k, v in kv.items()}
        try:
            o, st = run(packet, table)
            if not judge(status, want, o, st):
                return n, frame, packet
        except NotJudged:
            continue
    raise InputError('%s: no CRYPTO_SUCCESS frame that scapy judges' % capture)


def selftest(capture, keyfile, expectfile, vecfile):
    me = os.path.abspath(__file__)
    ok = True
    with tempfile.TemporaryDirectory(prefix='scapy-selftest-') as tmp:
        # a capture: the last byte of a good frame's IP packet (its ICV) flipped
        n, frame, packet = first_judged_success_frame(capture, keyfile, expectfile)
        data = bytearray(open(capture, 'rb').read())
        whole = bytes(frame.original)
        at = data.find(whole)
        if at < 0 or data.find(whole, at + 1) >= 0:
            raise InputError('%s: frame %d is not found once in the file' % (capture, n))
        at += whole.find(packet) + len(packet) - 1
        data[at] ^= 0x01
        bad = os.path.join(tmp, os.path.basename(capture))
        with open(bad, 'wb') as f:
            f.write(data)
        ok &= expect_failure([me, bad, keyfile, expectfile], 'frame %d ' % n,
                             '%s with the last ICV byte of frame %d flipped' % (os.path.basename(capture), n))
        # a vector file: the last byte of a good case's wire flipped
        blocks = [crosscheck.Block(b) for b in crosscheck.read_blocks(vecfile)]
        for blk in blocks:
            if blk.kind != 'case' or blk.text('expect.status', 'CRYPTO_SUCCESS') != 'CRYPTO_SUCCESS' \
                    or blk.int('expect.crypto_done', 1) == 0:
                continue
            try:
                if check_vector_case(blk):
                    continue
            except NotJudged:
                continue
            break
        else:
            raise InputError('%s: no successful case that scapy judges' % vecfile)
        lines = open(vecfile, encoding='utf-8').read().split('\n')
        i = blk.keys['wire'][1]     # the key line; the value may continue below
        while i < len(lines) and lines[i][:1] in (' ', '\t') and lines[i].strip():
            i += 1
        text = lines[i - 1].rstrip()
        if not text or text[-1] not in '0123456789abcdefABCDEF':
            raise InputError('%s:%d: does not end in a hex digit' % (vecfile, i))
        lines[i - 1] = text[:-1] + '%x' % (int(text[-1], 16) ^ 1)
        bad = os.path.join(tmp, os.path.basename(vecfile))
        with open(bad, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        ok &= expect_failure([me, bad], 'case %s:' % blk.id,
                             '%s with the last wire byte of case %s flipped' % (os.path.basename(vecfile), blk.id))
    print('selftest: %s' % ('the check fails on both corrupted copies' if ok else 'FAILED'))
    return 0 if ok else 1


def expect_failure(args, needle, what):
    p = subprocess.run([sys.executable] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    named = [line for line in p.stdout.splitlines() if needle in line]
    good = p.returncode == 1 and bool(named)
    print('selftest: %s: exit %d, %s' % (what, p.returncode, named[0] if named else 'no line names it'))
    if not good:
        sys.stdout.write(p.stdout)
    return good


# ---------------------------------------------------------------------------


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--verbose', '-v', action='store_true', help='also list what agrees and what is not judged')
    ap.add_argument('--selftest', action='store_true',
                    help='CAPTURE KEYFILE EXPECTFILE FILE.vec: the check must fail on corrupted copies')
    ap.add_argument('files', nargs='+', metavar='FILE')
    a = ap.parse_args(argv[1:])
    try:
        if a.selftest:
            if len(a.files) != 4:
                ap.error('--selftest takes CAPTURE KEYFILE EXPECTFILE FILE.vec')
            return selftest(*a.files)
        if all(f.endswith('.vec') for f in a.files):
            tallies = [check_vectors(f, a.verbose) for f in a.files]
        elif len(a.files) in (1, 3) and not any(f.endswith('.vec') for f in a.files):
            key, exp = default_files(a.files[0]) if len(a.files) == 1 else a.files[1:]
            tallies = [check_capture(a.files[0], key, exp, a.verbose)]
        else:
            ap.error('give FILE.vec..., or CAPTURE [KEYFILE EXPECTFILE]')
    except (InputError, tshark_check.InputError, crosscheck.FormatError, OSError, ValueError) as e:
        print('scapy_check.py: %s' % e)
        return 2
    rc = 0
    for t in tallies:
        print(t.line())
        if t.failed or not t.passed:
            rc = 1
            if not t.failed:
                print('%s: scapy judged nothing in it' % t.name)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv))
