#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the ipoc capture corpus pcaps/corpus/: captures, key files and
expectations for `ipoc replay`.

Usage: gen_pcaps.py [--out DIR]   write the corpus (default: pcaps/corpus)
       gen_pcaps.py --check       regenerate into a temporary directory and
                                  compare byte for byte with pcaps/corpus (and
                                  the capture list of pcaps/meson.build);
                                  exit 1 on any difference
       gen_pcaps.py --list        print the meson `pcap_corpus` entries

Every capture holds received frames of one algorithm group: for each
algorithm cell and each mode x IP version x encapsulation x ESN combination
of the capture, one SA with its own SPI; per SA good frames and frames with
tampered ciphertext and ICV; then, once per capture, frames broken in each
further way the receive path classifies (engine/PROFILE.md items 5, 6, 11,
15, 19, 25, P-8) and plain traffic, IKE on UDP 4500 and NAT keepalives.
Next to each capture are its key file (Wireshark 4.0 `esp_sa` UAT records
where they can say everything about the SAs, else `ip xfrm state` output)
and its expectations file (format in pcaps/README.md, "Expectations
files").

Independence: nothing here comes from the reference engine or the harness.
The crypto is python3-cryptography; the IP, TCP, UDP, ICMP, ARP and VLAN
framing is Debian's scapy (2.5), except where scapy 2.5 is wrong or silent:
ESP and AH themselves (scapy 2.5 leaves the ESN high half out of ESP HMAC
ICVs and has no GMAC), the UDP header of UDP-ESP (scapy 2.5 writes length 8;
here length 8 + ESP and checksum 0, RFC 3948 s2.1), the link-layer headers
other than Ethernet and 802.1Q, and the pcap / pcapng files, which are
written here.

Determinism: keys, SPIs, addresses, sequence numbers, IVs and payloads come
from SHA-256 in counter mode over the capture name; timestamps are fixed. The
files change only when this program does.

What a sender does follows the RFCs: ESP RFC 4303 (padding 1, 2, 3, ... to
the cipher block, at least 4-byte alignment; HMAC ICV over SPI .. Next
Header with the ESN high half appended, s2.2.1), DES-CBC RFC 2405, 3DES-CBC
RFC 2451, AES-CBC RFC 3602, HMAC-MD5-96 RFC 2403, HMAC-SHA1-96 RFC 2404,
HMAC-SHA-256-128 RFC 4868, AES-GCM RFC 4106 (nonce salt | IV, AAD SPI |
[SN-hi] | SN), AES-GMAC RFC 4543 (ESP: AAD SPI | [SN-hi] | SN | IV | payload,
nothing encrypted; AH: 8-byte IV then the 16-byte tag in the ICV field), AH
RFC 4302 (mutable IPv4/IPv6 header fields zeroed for the ICV, 4-byte
alignment in IPv4 and 8 in IPv6), UDP-ESP RFC 3948 (port 4500 both ways,
non-ESP marker for IKE, 0xFF keepalive).
"""

import argparse
import hashlib
import ipaddress
import os
import re
import struct
import sys
import tempfile

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest, IPv6, IPv6ExtHdrFragment
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw

try:    # cryptography >= 43 keeps 3DES here; Debian 12 has 38
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'engine', 'alg'))
import ipoc_algs  # noqa: E402  (the algorithm table, engine/alg/ipoc_algs.def)

CORPUS = os.path.join(HERE, 'corpus')
MESON = os.path.join(HERE, 'meson.build')

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
            self.pool += hashlib.sha256(b'ipoc gen_pcaps 1\0' + self.label + b'\0' +
                                        self.n.to_bytes(8, 'big')).digest()
            self.n += 1
        out, self.pool = self.pool[:k], self.pool[k:]
        return out

    def int(self, lo, hi):
        """A number in lo..hi inclusive."""
        return lo + int.from_bytes(self.bytes(8), 'big') % (hi - lo + 1)

    def choice(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def shuffle(self, items):
        """Fisher-Yates in place, driven by this generator."""
        for i in range(len(items) - 1, 0, -1):
            j = self.int(0, i)
            items[i], items[j] = items[j], items[i]


def odd_parity(key):
    """DES keys with the parity bits set (RFC 2405 s5; the ciphers ignore them)."""
    return bytes((b & 0xfe) | (bin(b & 0xfe).count('1') % 2 == 0) for b in key)


def inet_csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


# ---------------------------------------------------------------------------
# Algorithms, from the table (engine/alg/ipoc_algs.def)
#
# ESP encryption: name -> (kind, key bytes without salt, IV bytes, block,
#   Wireshark 4.0 esp_sa name (None: Wireshark cannot; %d: the ICV bytes),
#   Linux xfrm name); kind 'null', 'gcm', or the cipher family ('aes', 'des')

def _ekind(a):
    if a.kind == 'AEAD':
        return 'gcm'
    return 'null' if not a.key else a.evp.split('-')[0].lower()


def _ws(a):
    return a.esp_sa.replace('%u', '%d') if a.esp_sa else None


ENC = {a.name: (_ekind(a), a.raw_key, a.iv, max(a.block, 4), _ws(a), a.xfrm_names[0])
       for a in ipoc_algs.of_kind(*ipoc_algs.ENC_KINDS)}
# Integrity: name -> (kind, key bytes without salt, ICV bytes, Wireshark name, xfrm name);
# kind 'gmac' or the digest (cryptography's hash class name)
AUTH = {a.name: ('gmac' if a.kind == 'GMAC' else a.evp, a.raw_key, a.icv, _ws(a),
                 a.xfrm_names[0]) for a in ipoc_algs.of_kind(*ipoc_algs.AUTH_KINDS)}
AUTH['none'] = (None, 0, 0, 'NULL', None)
HMACS = ipoc_algs.names('INTEGRITY')
GMACS = ipoc_algs.names('GMAC')


def hmac_trunc(kind, key, data, n):
    h = c_hmac.HMAC(key, getattr(hashes, kind)())
    h.update(data)
    return h.finalize()[:n]


def cbc_encrypt(kind, key, iv, pt):
    # Single DES is 3DES EDE with K1 = K2 = K3 (newer cryptography releases
    # refuse 8-byte TripleDES keys).
    alg = algorithms.AES(key) if kind == 'aes' else TripleDES(key * 3 if len(key) == 8 else key)
    enc = Cipher(alg, modes.CBC(iv)).encryptor()
    return enc.update(pt) + enc.finalize()


def gcm_seal(key, nonce, aad, pt):
    """(ciphertext, 16-byte tag)."""
    out = AESGCM(key).encrypt(nonce, pt, aad)
    return out[:-16], out[-16:]


INNER_NAME = {1: 'icmp', 4: 'ipv4', 6: 'tcp', 17: 'udp', 41: 'ipv6', 58: 'icmpv6'}
NEXT_HDR = {4: 4, 6: 41}     # IP-in-IP next header for an inner IP version


# ---------------------------------------------------------------------------
# Security associations


class Sa:
    """One inbound SA: an ESP member or an AH member, its endpoints (the
    addresses of the IP header in front of its header: the outer ones for a
    tunnel SA), its mode, its encapsulation and ESN setting, and its keys."""

    def __init__(self, rng, proto, enc, auth, icv, mode, fam, udp, esn, src, dst, spi, cell):
        self.proto, self.enc, self.auth = proto, enc, auth
        self.mode, self.fam, self.udp, self.esn = mode, fam, udp, esn
        self.src, self.dst, self.spi, self.cell = src, dst, spi, cell
        self.akind, aklen, self.icv = AUTH[auth][:3]
        if proto == 'esp':
            self.ekind, eklen, self.ivlen, self.block = ENC[enc][:4]
            key = rng.bytes(eklen)
            if self.ekind == 'des':
                key = odd_parity(key)
            self.enc_key = key + (rng.bytes(4) if self.ekind == 'gcm' else b'')
            if self.ekind == 'gcm':
                self.icv = icv
            if self.akind == 'gmac':
                self.ivlen = ipoc_algs.by_name(auth).iv     # RFC 4543 s3.1
        else:
            self.ekind, self.ivlen, self.block, self.enc_key = None, 0, 4, b''
        self.auth_key = rng.bytes(aklen) + (rng.bytes(4) if self.akind == 'gmac' else b'')
        # AH ICV field: GMAC has the 8-byte IV in front of its tag (RFC 4543 s4)
        self.field = (ipoc_algs.by_name(auth).iv + self.icv if self.akind == 'gmac'
                      else self.icv)
        self.seq = rng.int(1, 0x40000000)
        # The ESN high half the SA is at (`seq-hi` of its xfrm state): the
        # epoch its packets are sealed in. 0 unless a capture moves it on.
        self.hi0 = 0

    def next_seq(self):
        self.seq += 1
        return self.seq

    def tunnel(self):
        return self.mode == 'tunnel'

    def label(self):
        """Short text naming the SA in comments."""
        bits = [self.cell, self.mode, 'IPv%d' % self.fam]
        if self.udp:
            bits.append('UDP-ESP')
        if self.esn:
            bits.append('ESN')
        return ' '.join(bits)

    def hi(self, seq_hi):
        return struct.pack('!I', seq_hi) if self.esn else b''

    def seal(self, hdr, iv, pt, seq_hi, tail=b''):
        """(ciphertext, ICV) of the ESP payload pt behind the 8-byte header
        hdr; tail is appended to the ciphertext unencrypted but covered by
        the ICV (to make a payload that is not a block multiple)."""
        if self.ekind == 'gcm':
            key, salt = self.enc_key[:-4], self.enc_key[-4:]
            aad = hdr[:4] + self.hi(seq_hi) + hdr[4:]              # RFC 4106 s5
            ct, tag = gcm_seal(key, salt + iv, aad, pt + tail)
            return ct, tag[:self.icv]
        ct = pt if self.ekind == 'null' else cbc_encrypt(self.ekind, self.enc_key, iv, pt)
        ct += tail
        if self.akind == 'gmac':
            key, salt = self.auth_key[:-4], self.auth_key[-4:]
            aad = hdr[:4] + self.hi(seq_hi) + hdr[4:] + iv + ct    # RFC 4543 s3.3
            return ct, gcm_seal(key, salt + iv, aad, b'')[1]
        return ct, hmac_trunc(self.akind, self.auth_key, hdr + iv + ct + self.hi(seq_hi), self.icv)

    def ah_len(self):
        """AH header bytes with padding: 4-octet aligned (IPv4), 8 (IPv6)."""
        n = 12 + self.field
        return n + (-n) % (8 if self.fam == 6 else 4)


# ---------------------------------------------------------------------------
# Packets (scapy for IP, TCP, UDP and ICMP framing; ESP, AH and the UDP-ESP
# header by hand)


def ip_packet(fam, src, dst, proto, payload, **kw):
    """An IP packet (scapy) carrying payload bytes as protocol proto.
    kw: ttl/hlim, ident, flags, frag, tos/tc, length (a lying length)."""
    if fam == 4:
        p = IP(src=src, dst=dst, proto=proto, ttl=kw.get('ttl', 64), id=kw.get('ident', 0),
               flags=kw.get('flags', 'DF'), frag=kw.get('frag', 0), tos=kw.get('tos', 0))
        if 'length' in kw:
            p.len = kw['length']
    else:
        p = IPv6(src=src, dst=dst, nh=proto, hlim=kw.get('ttl', 64), tc=kw.get('tos', 0),
                 fl=kw.get('flow', 0))
        if 'length' in kw:
            p.plen = kw['length']
    return bytes(p / Raw(payload))


def l4_segment(rng, fam, src, dst, kind):
    """A transport-layer segment (scapy, checksum over src/dst) of kind
    tcp, udp or icmp (ICMPv6 in IPv6); returns (bytes, protocol number)."""
    data = rng.bytes(rng.int(24, 120))
    net = IP(src=src, dst=dst) if fam == 4 else IPv6(src=src, dst=dst)
    if kind == 'tcp':
        seg = TCP(sport=rng.int(1024, 65535), dport=rng.choice((22, 80, 443, 445, 3389)),
                  seq=rng.int(0, 0xffffffff), ack=rng.int(0, 0xffffffff), flags='PA',
                  window=rng.int(512, 65535)) / Raw(data)
        proto = 6
    elif kind == 'udp':
        seg = UDP(sport=rng.int(1024, 65535), dport=rng.choice((53, 123, 514, 5060))) / Raw(data)
        proto = 17
    elif fam == 4:
        seg = ICMP(type=8, id=rng.int(1, 0xffff), seq=rng.int(1, 0xffff)) / Raw(data)
        proto = 1
    else:
        seg = ICMPv6EchoRequest(id=rng.int(1, 0xffff), seq=rng.int(1, 0xffff), data=data)
        proto = 58
    whole = bytes(net / seg)
    return whole[20 if fam == 4 else 40:], proto


def inner_packet(rng, fam, kind):
    """A whole IP packet to carry in a tunnel (addresses inside the tunnel)."""
    src, dst = inner_addrs(rng, fam)
    seg, proto = l4_segment(rng, fam, src, dst, kind)
    return ip_packet(fam, src, dst, proto, seg, ttl=63, ident=rng.int(1, 0xffff))


def esp_bytes(sa, rng, seq, payload, nh, seq_hi=None, extra_pad=0, pad_field=None, tail=b''):
    """The ESP packet (header .. ICV) of sa around payload, sealed with ESN
    high half seq_hi (default: the SA's, hi0); returns (bytes, pad length).
    pad_field overrides the pad length byte; tail makes the payload not a
    block multiple (see Sa.seal)."""
    seq_hi = sa.hi0 if seq_hi is None else seq_hi
    iv = rng.bytes(sa.ivlen)
    padlen = (-(len(payload) + 2)) % sa.block + extra_pad
    trailer = bytes(range(1, padlen + 1)) + bytes([padlen if pad_field is None else pad_field, nh])
    hdr = struct.pack('!II', sa.spi, seq & 0xffffffff)
    ct, icv = sa.seal(hdr, iv, payload + trailer, seq_hi, tail)
    return hdr + iv + ct + icv, padlen


def udp_esp(esp):
    """RFC 3948 s2.1 UDP header for ESP: ports 4500, length 8 + ESP, checksum 0."""
    return struct.pack('!HHHH', 4500, 4500, 8 + len(esp), 0) + esp


def esp_frame(sa, esp, udp=None, **kw):
    """The IP packet carrying sa's ESP bytes, UDP-encapsulated as the SA is
    (or as udp says)."""
    if sa.udp if udp is None else udp:
        return ip_packet(sa.fam, sa.src, sa.dst, 17, udp_esp(esp), **kw)
    return ip_packet(sa.fam, sa.src, sa.dst, 50, esp, **kw)


def zero_mutable(m, hl):
    """Zero, in m, the mutable fields of the IP header m[0:hl] (RFC 4302
    s3.3.3.1; no options or extension headers are generated here)."""
    if m[0] >> 4 == 4:
        m[1] = 0            # TOS
        m[6:8] = b'\0\0'    # flags, fragment offset
        m[8] = 0            # TTL
        m[10:12] = b'\0\0'  # checksum
    else:
        m[0] &= 0xf0        # traffic class and flow label
        m[1:4] = b'\0\0\0'
        m[7] = 0            # hop limit


def ah_frame(sa, rng, seq, nh, body, seq_hi=None, ah_len=None, **kw):
    """The IP packet of sa with AH (next header nh) in front of body.
    ah_len frames the AH header with another length (its length field
    follows it)."""
    seq_hi = sa.hi0 if seq_hi is None else seq_hi
    n = sa.ah_len() if ah_len is None else ah_len
    ah0 = bytearray(bytes([nh, n // 4 - 2, 0, 0]) + struct.pack('!II', sa.spi, seq) + bytes(n - 12))
    iv = rng.bytes(8) if sa.akind == 'gmac' else b''
    ah0[12:12 + len(iv)] = iv                       # the GMAC IV stays in the AAD
    pkt = ip_packet(sa.fam, sa.src, sa.dst, 51, bytes(ah0) + body, **kw)
    hl = 20 if sa.fam == 4 else 40
    m = bytearray(pkt)
    zero_mutable(m, hl)
    data = bytes(m) + sa.hi(seq_hi)
    if sa.akind == 'gmac':
        key, salt = sa.auth_key[:-4], sa.auth_key[-4:]
        field = iv + gcm_seal(key, salt + iv, data, b'')[1]
    else:
        field = hmac_trunc(sa.akind, sa.auth_key, data, sa.icv)
    out = bytearray(pkt)
    out[hl + 12:hl + 12 + len(field)] = field
    return bytes(out)


def flip(pkt, off, bit=0x01):
    """pkt with one bit flipped at off (negative: from the end)."""
    b = bytearray(pkt)
    b[off] ^= bit
    return bytes(b)


def ip_hl(fam):
    return 20 if fam == 4 else 40


def esp_off(sa):
    """Offset of the ESP header in sa's IP packet."""
    return ip_hl(sa.fam) + (8 if sa.udp else 0)


def set_ttl(pkt, ttl, tos):
    """Change the mutable TTL/hop limit and TOS/traffic class of an IP packet
    (as routers do), fixing the IPv4 header checksum."""
    b = bytearray(pkt)
    if b[0] >> 4 == 4:
        b[8], b[1] = ttl, tos
        b[10:12] = b'\0\0'
        b[10:12] = struct.pack('!H', inet_csum(bytes(b[:20])))
    else:
        b[7] = ttl
        b[0] = 0x60 | tos >> 4
        b[1] = (tos & 0x0f) << 4 | (b[1] & 0x0f)
    return bytes(b)


# ---------------------------------------------------------------------------
# Addresses


def local_addr(fam, k=0):
    """The receiver's addresses (the SA destinations)."""
    return ('192.0.2.%d' % (1 + k)) if fam == 4 else ('2001:db8:0:1::%x' % (1 + k))


def peer_addr(rng, fam):
    if fam == 4:
        return '%s.%d' % (rng.choice(('198.51.100', '203.0.113')), rng.int(2, 254))
    return str(ipaddress.ip_address('2001:db8:%x:%x::%x' % (rng.int(0x100, 0xfff), rng.int(0, 0xffff),
                                                            rng.int(2, 0xffff))))


def inner_addrs(rng, fam):
    if fam == 4:
        a = '10.%d.%d.%d' % (rng.int(0, 255), rng.int(0, 255), rng.int(1, 254))
        b = '172.16.%d.%d' % (rng.int(0, 255), rng.int(1, 254))
        return a, b
    a = str(ipaddress.ip_address('fd00:%x::%x' % (rng.int(1, 0xffff), rng.int(1, 0xffff))))
    b = str(ipaddress.ip_address('fd00:%x:1::%x' % (rng.int(1, 0xffff), rng.int(1, 0xffff))))
    return a, b


# ---------------------------------------------------------------------------
# Frames and expectations


class Frame:
    """One captured frame: an IP packet (or an ARP message when arp is set)
    and what the receive path must report for it."""

    def __init__(self, ip, outcome='pass', note='', sa=None, ncd=0, nh=None, pad=None,
                 inner=None, arp=None):
        self.ip, self.outcome, self.note = ip, outcome, note
        self.sa = sa          # the SA it belongs to (for `pass`: whose packet it was)
        self.spi = sa.spi if sa is not None else None
        self.ncd, self.nh, self.pad, self.inner, self.arp = ncd, nh, pad, inner, arp

    def fam(self):
        return 0 if self.arp else self.ip[0] >> 4

    def expect_line(self, n):
        """The frame's line in the expectations file."""
        words = [str(n), self.outcome]
        if self.outcome != 'pass':
            words.append('spi=0x%08x' % self.spi)
            words.append('next_crypto_done=%d' % self.ncd)
            words.append('header_info_set=%d' % (self.nh is not None))
            if self.nh is not None:
                words.append('next_header=%d' % self.nh)
                words.append('pad_length=%d' % self.pad)
            if self.inner:
                words.append('inner=' + self.inner)
        line = ' '.join(words)
        return line + '  # ' + self.note if self.note else line


def kind_word(kind, fam):
    """TCP, UDP, ICMP or ICMPv6, for comments."""
    return 'ICMPv6' if kind == 'icmp' and fam == 6 else kind.upper()


def auth_failed(sa):
    """The auth-failure status of sa's portion (PROFILE.md item 11: a tunnel
    portion protects an IP packet)."""
    kind = 'TUNNEL' if sa.tunnel() else 'TRANSPORT'
    return 'CRYPTO_%s_%s_AUTH_FAILED' % (kind, sa.proto.upper())


def esp_good(sa, rng, kind, inner_fam=None, seq=None, seq_hi=None, extra_pad=0):
    """A good ESP frame of sa: transport (kind = tcp/udp/icmp) or tunnel
    (an IPv(inner_fam) packet carrying kind), sealed with sequence number
    seq (default: the SA's next) and ESN high half seq_hi (default: the
    SA's, hi0)."""
    seq_hi = sa.hi0 if seq_hi is None else seq_hi
    if sa.tunnel():
        ifam = inner_fam or sa.fam
        payload, nh = inner_packet(rng, ifam, kind), NEXT_HDR[ifam]
    else:
        payload, nh = l4_segment(rng, sa.fam, sa.src, sa.dst, kind)
    seq = sa.next_seq() if seq is None else seq
    esp, pad = esp_bytes(sa, rng, seq, payload, nh, seq_hi, extra_pad)
    ip = esp_frame(sa, esp, ident=rng.int(1, 0xffff))
    return Frame(ip, 'CRYPTO_SUCCESS', '', sa, 0, nh, pad, INNER_NAME[nh])


def esp_sa_frames(sa, rng, idx):
    """The per-SA frames of an ESP SA: two good ones, tampered ciphertext
    and ICV, and with ESN the epoch cases of PROFILE.md item 15."""
    out = []
    other = 6 if sa.fam == 4 else 4
    f = esp_good(sa, rng, 'tcp')
    f.note = 'good: %s, %s' % (sa.label(), 'TCP' if not sa.tunnel() else 'IPv%d TCP inside' % sa.fam)
    out.append(f)
    kind = ('udp', 'icmp')[idx % 2]
    f = esp_good(sa, rng, kind, inner_fam=other, extra_pad=sa.block * rng.int(1, 3))
    f.note = 'good: %s, %s, extra padding' % (
        sa.label(), kind_word(kind, sa.fam) if not sa.tunnel() else
        'IPv%d %s inside' % (other, kind_word(kind, other)))
    out.append(f)
    base = esp_good(sa, rng, 'tcp')
    ct_at = esp_off(sa) + 8 + sa.ivlen
    out.append(Frame(flip(base.ip, ct_at, 0x10), auth_failed(sa),
                     'first ciphertext byte flipped: %s' % sa.label(), sa))
    base = esp_good(sa, rng, ('udp', 'icmp')[(idx + 1) % 2])
    out.append(Frame(flip(base.ip, -1, 0x80), auth_failed(sa),
                     'last ICV byte flipped: %s' % sa.label(), sa))
    if sa.esn:
        f = esp_good(sa, rng, 'tcp', seq=rng.int(1, 0x7fffffff), seq_hi=sa.hi0 + 1)
        f.note = ('good: %s, ESN high half %s with the low half below 2^31: the receiver\'s '
                  'next-epoch try (PROFILE.md item 15)' % (sa.label(), epoch_word(sa, 1)))
        out.append(f)
        f = esp_good(sa, rng, 'udp', seq=rng.int(0x80000000, 0xffffffff), seq_hi=sa.hi0 + 1)
        out.append(Frame(f.ip, auth_failed(sa), 'ESN high half %s with the low half >= 2^31: no '
                         'next-epoch try, ICV fails (PROFILE.md item 15): %s'
                         % (epoch_word(sa, 1), sa.label()), sa))
    return out


def epoch_word(sa, k):
    """The ESN high half hi0 + k in comments: `1` for the SAs that start at
    0 (the words the corpus has always had), else its value."""
    return '%d' % k if sa.hi0 == 0 else '0x%x (the SA\'s + %d)' % (sa.hi0 + k, k)


def ah_good(sa, rng, kind, inner_fam=None, seq=None, seq_hi=None, **kw):
    """A good AH frame of sa, as esp_good; kw goes to the IP header."""
    seq_hi = sa.hi0 if seq_hi is None else seq_hi
    if sa.tunnel():
        ifam = inner_fam or sa.fam
        body, nh = inner_packet(rng, ifam, kind), NEXT_HDR[ifam]
    else:
        body, nh = l4_segment(rng, sa.fam, sa.src, sa.dst, kind)
    seq = sa.next_seq() if seq is None else seq
    ip = ah_frame(sa, rng, seq, nh, body, seq_hi, ident=rng.int(1, 0xffff), **kw)
    return Frame(ip, 'CRYPTO_SUCCESS', '', sa, 0, None, None, INNER_NAME[nh])


def ah_sa_frames(sa, rng, idx):
    """The per-SA frames of an AH SA: good ones (one after a router changed
    its mutable fields), tampered payload and ICV, ESN epoch cases."""
    out = []
    other = 6 if sa.fam == 4 else 4
    f = ah_good(sa, rng, 'tcp')
    f.note = 'good: %s, %s' % (sa.label(), 'TCP' if not sa.tunnel() else 'IPv%d TCP inside' % sa.fam)
    out.append(f)
    kind = ('udp', 'icmp')[idx % 2]
    f = ah_good(sa, rng, kind, inner_fam=other, tos=0x00)
    f.ip = set_ttl(f.ip, 51, 0xb8)
    f.note = 'good after routers changed mutable fields (TTL/hop limit, DSCP): %s, %s' % (
        sa.label(), kind_word(kind, sa.fam) if not sa.tunnel() else
        'IPv%d %s inside' % (other, kind_word(kind, other)))
    out.append(f)
    base = ah_good(sa, rng, 'tcp')
    at = ip_hl(sa.fam) + sa.ah_len() + 10
    out.append(Frame(flip(base.ip, at, 0x04), auth_failed(sa), 'payload byte flipped: %s' % sa.label(), sa))
    base = ah_good(sa, rng, 'udp')
    at = ip_hl(sa.fam) + 12 + sa.field - 1
    out.append(Frame(flip(base.ip, at, 0x01), auth_failed(sa), 'last ICV byte flipped: %s' % sa.label(), sa))
    if sa.esn:
        f = ah_good(sa, rng, 'icmp', seq=rng.int(1, 0x7fffffff), seq_hi=sa.hi0 + 1)
        f.note = ('good: %s, ESN high half 1 with the low half below 2^31: the receiver\'s '
                  'next-epoch try (PROFILE.md item 15)' % sa.label())
        out.append(f)
        f = ah_good(sa, rng, 'tcp', seq=rng.int(0x80000000, 0xffffffff), seq_hi=sa.hi0 + 1)
        out.append(Frame(f.ip, auth_failed(sa), 'ESN high half 1 with the low half >= 2^31: no '
                         'next-epoch try, ICV fails (PROFILE.md item 15): %s' % sa.label(), sa))
    return out


# ---------------------------------------------------------------------------
# Frames broken once per capture


def pick(rng, sas, pred=lambda s: True):
    """A deterministic choice among the SAs that satisfy pred (None if none)."""
    c = [s for s in sas if pred(s)]
    return rng.choice(c) if c else None


def esp_broken(rng, sas, helpers, opts=()):
    """ESP frames broken in each further way (PROFILE.md items 6, 11, 19,
    27, P-8), each on an SA of the capture. opts: 'nat-t' (an esp_sa key
    file, which says nothing of UDP encapsulation: no plain ESP of a
    UDP-encapsulated SA, since what that SA is comes from its frames; an
    ESP packet one byte short, whose outcome has alternatives), 'epoch'
    (ESN SAs past their first epoch: a frame sealed with high half 0)."""
    out = []
    esp = [s for s in sas if s.proto == 'esp']
    fams = sorted({s.fam for s in esp})
    for fam in fams:
        sa = pick(rng, esp, lambda s: s.fam == fam)
        f = esp_good(sa, rng, 'tcp')
        out.append(Frame(flip(f.ip, esp_off(sa) + 7, 0x01), auth_failed(sa),
                         'sequence number flipped (covered by the ICV): %s' % sa.label(), sa))
    sa = pick(rng, esp, lambda s: s.ivlen and s.ekind != 'gcm')
    if sa:
        f = esp_good(sa, rng, 'udp')
        out.append(Frame(flip(f.ip, esp_off(sa) + 8, 0x02), auth_failed(sa),
                         'IV byte flipped (covered by the ICV): %s' % sa.label(), sa))
    for fam in fams:
        sa = pick(rng, esp, lambda s: s.fam == fam)
        need = 8 + sa.ivlen + 2 + sa.icv
        short = struct.pack('!II', sa.spi, sa.next_seq()) + rng.bytes(rng.int(1, need - 9))
        out.append(Frame(esp_frame(sa, short), 'CRYPTO_INVALID_PACKET_SYNTAX',
                         'ESP of %d bytes, shorter than header, IV, trailer and ICV (%d): %s'
                         % (len(short), need, sa.label()), sa))
    sa = pick(rng, esp)
    payload, nh = (inner_packet(rng, sa.fam, 'tcp'), NEXT_HDR[sa.fam]) if sa.tunnel() else \
        l4_segment(rng, sa.fam, sa.src, sa.dst, 'tcp')
    tail = rng.bytes(rng.int(1, sa.block - 1))
    e, _ = esp_bytes(sa, rng, sa.next_seq(), payload, nh, tail=tail)
    out.append(Frame(esp_frame(sa, e), 'CRYPTO_INVALID_PACKET_SYNTAX',
                     'payload and trailer %d bytes over a multiple of the %d-byte block, ICV valid: %s'
                     % (len(tail), sa.block, sa.label()), sa))
    for fam in fams:
        sa = pick(rng, esp, lambda s: s.fam == fam)
        payload, nh = l4_segment(rng, sa.fam, sa.src, sa.dst, 'udp') if not sa.tunnel() else \
            (inner_packet(rng, sa.fam, 'udp'), NEXT_HDR[sa.fam])
        payload = payload[:rng.int(8, 24)] if not sa.tunnel() else payload
        clen = len(payload) + 2 + (-(len(payload) + 2)) % sa.block
        padf = min(255, clen + rng.int(0, 40))
        e, _ = esp_bytes(sa, rng, sa.next_seq(), payload, nh, pad_field=padf)
        out.append(Frame(esp_frame(sa, e), 'CRYPTO_INVALID_PACKET_SYNTAX',
                         'pad length %d beyond the %d-byte payload, ICV valid: %s' % (padf, clen, sa.label()),
                         sa))
    # Encapsulation other than the SA's (PROFILE.md item 19)
    sa = pick(rng, esp, lambda s: not s.udp)
    if sa:
        f = esp_good(sa, rng, 'tcp')
        e = f.ip[esp_off(sa):]
        out.append(Frame(esp_frame(sa, e, udp=True), 'CRYPTO_INVALID_PROTOCOL',
                         'UDP-encapsulated ESP (port 4500) of an SA without UDP encapsulation: %s'
                         % sa.label(), sa))
    sa = pick(rng, esp, lambda s: s.udp) if 'nat-t' not in opts else None
    if sa:
        f = esp_good(sa, rng, 'tcp')
        e = f.ip[esp_off(sa):]
        out.append(Frame(esp_frame(sa, e, udp=False), 'CRYPTO_INVALID_PROTOCOL',
                         'plain ESP (protocol 50) of a UDP-encapsulated SA: %s' % sa.label(), sa))
    if 'nat-t' in opts:
        # One byte short: the ciphertext is off the block and the ICV cannot
        # hold. CRYPTO_INVALID_PACKET_SYNTAX, or the ICV failure of an
        # engine that verifies first (PROFILE.md P-8, as validate's class
        # cases accept it).
        sa = pick(rng, esp, lambda s: s.udp and s.ekind != 'gcm')
        f = esp_good(sa, rng, 'udp')
        e = f.ip[esp_off(sa):][:-1]
        out.append(Frame(esp_frame(sa, e), 'CRYPTO_INVALID_PACKET_SYNTAX|' + auth_failed(sa),
                         'UDP-encapsulated ESP one byte short (ciphertext off the %d-byte block, '
                         'ICV gone): %s' % (sa.block, sa.label()), sa))
    if 'epoch' in opts:
        sa = pick(rng, esp, lambda s: s.esn and s.hi0 > 1)
        f = esp_good(sa, rng, 'tcp', seq_hi=0)
        out.append(Frame(f.ip, auth_failed(sa), 'sealed with ESN high half 0 where the SA is at '
                         '0x%x (its xfrm seq-hi): a replayer that offloads 0 takes it, ipoc '
                         'must not: %s' % (sa.hi0, sa.label()), sa))
    out += cross_protocol(rng, sas, helpers)
    out += no_offload(rng, esp)
    return out


def cross_protocol(rng, sas, helpers):
    """An ESP packet with an AH SA's SPI and an AH packet with an ESP SA's
    SPI (same destination): CRYPTO_INVALID_PROTOCOL (PROFILE.md item 27)."""
    out = []
    pool = sas + helpers
    ah = pick(rng, pool, lambda s: s.proto == 'ah' and not s.udp)
    es = pick(rng, pool, lambda s: s.proto == 'esp' and not s.udp)
    if not ah or not es:
        return out
    payload, _ = l4_segment(rng, ah.fam, ah.src, ah.dst, 'tcp')
    saved = es.spi, es.src, es.dst, es.fam
    es.spi, es.src, es.dst, es.fam = ah.spi, ah.src, ah.dst, ah.fam
    e, _ = esp_bytes(es, rng, ah.next_seq(), payload, 6)
    ip = esp_frame(es, e, udp=False)
    es.spi, es.src, es.dst, es.fam = saved
    out.append(Frame(ip, 'CRYPTO_INVALID_PROTOCOL', 'ESP packet carrying the SPI of the AH SA %s'
                     % ah.label(), ah))
    body, _ = l4_segment(rng, es.fam, es.src, es.dst, 'udp')
    saved = ah.spi, ah.src, ah.dst, ah.fam
    ah.spi, ah.src, ah.dst, ah.fam = es.spi, es.src, es.dst, es.fam
    ip = ah_frame(ah, rng, es.next_seq(), 17, body)
    ah.spi, ah.src, ah.dst, ah.fam = saved
    out.append(Frame(ip, 'CRYPTO_INVALID_PROTOCOL', 'AH packet carrying the SPI of the ESP SA %s'
                     % es.label(), es))
    return out


def no_offload(rng, sas):
    """IPsec frames the receive path indicates without processing: an
    unknown SPI, an SA's SPI to another destination, IP fragments, an IP
    length beyond the frame (PROFILE.md items 19, 27, P-8)."""
    out = []
    used = {s.spi for s in sas}
    fams = sorted({s.fam for s in sas})
    for fam in fams:
        sa = pick(rng, sas, lambda s: s.fam == fam)
        spi = rng.int(0x100, 0xffffffff)
        while spi in used:
            spi = rng.int(0x100, 0xffffffff)
        proto = sa.proto
        if proto == 'esp':
            f = esp_good(sa, rng, 'tcp')
            ip = bytearray(f.ip)
            ip[esp_off(sa):esp_off(sa) + 4] = struct.pack('!I', spi)
        else:
            f = ah_good(sa, rng, 'tcp')
            ip = bytearray(f.ip)
            ip[ip_hl(fam) + 4:ip_hl(fam) + 8] = struct.pack('!I', spi)
        out.append(Frame(bytes(ip), 'pass', '%s with SPI 0x%08x, which no SA has (to %s)'
                         % (proto.upper(), spi, sa.dst), sa))
        # the SA's SPI to another local address (PROFILE.md item 27: SPI,
        # destination, protocol and family select the SA)
        sa = pick(rng, sas, lambda s: s.fam == fam)
        saved = sa.dst
        sa.dst = local_addr(fam, 9)
        f = esp_good(sa, rng, 'tcp') if sa.proto == 'esp' else ah_good(sa, rng, 'tcp')
        sa.dst = saved
        out.append(Frame(f.ip, 'pass', 'SPI 0x%08x of SA %s, but to %s' % (sa.spi, sa.label(), local_addr(fam, 9)),
                         sa))
    sa = pick(rng, sas, lambda s: s.fam == 4)
    if sa:
        f = esp_good(sa, rng, 'tcp') if sa.proto == 'esp' else ah_good(sa, rng, 'tcp')
        ip = f.ip
        body = ip[20:]
        cut = (len(body) // 2) & ~7
        ident = rng.int(1, 0xffff)
        proto = ip[9]
        out.append(Frame(ip_packet(4, sa.src, sa.dst, proto, body[:cut], ident=ident, flags='MF'),
                         'pass', 'first IPv4 fragment (MF, offset 0) of a packet of SA %s' % sa.label(), sa))
        out.append(Frame(ip_packet(4, sa.src, sa.dst, proto, body[cut:], ident=ident, flags=0,
                                   frag=cut // 8),
                         'pass', 'last IPv4 fragment (offset %d) of a packet of SA %s' % (cut, sa.label()), sa))
    sa = pick(rng, sas, lambda s: s.fam == 6)
    if sa:
        f = esp_good(sa, rng, 'tcp') if sa.proto == 'esp' else ah_good(sa, rng, 'tcp')
        body = f.ip[40:]
        cut = (len(body) // 2) & ~7
        proto = f.ip[6]
        p = IPv6(src=sa.src, dst=sa.dst, nh=44, hlim=64) / IPv6ExtHdrFragment(
            nh=proto, offset=0, m=1, id=rng.int(1, 0xffffffff)) / Raw(body[:cut])
        out.append(Frame(bytes(p), 'pass', 'first IPv6 fragment (M, offset 0) of a packet of SA %s' % sa.label(),
                         sa))
    sa = pick(rng, sas)
    f = esp_good(sa, rng, 'udp') if sa.proto == 'esp' else ah_good(sa, rng, 'udp')
    hl = ip_hl(sa.fam)
    claimed = len(f.ip) + 40 - (0 if sa.fam == 4 else hl)
    ip = bytearray(f.ip)
    if sa.fam == 4:
        ip[2:4] = struct.pack('!H', claimed)
        ip[10:12] = b'\0\0'
        ip[10:12] = struct.pack('!H', inet_csum(bytes(ip[:20])))
    else:
        ip[4:6] = struct.pack('!H', claimed)
    out.append(Frame(bytes(ip), 'pass', 'IP length field 40 bytes beyond the frame (P-8), a packet of SA %s'
                     % sa.label(), sa))
    return out


def ah_broken(rng, sas, helpers):
    """AH frames broken in each further way: immutable field changed, GMAC
    IV flipped, length fields that lie, IPv6 AH not 8-aligned, cross-protocol
    SPIs, and the no-offload cases."""
    out = []
    fams = sorted({s.fam for s in sas})
    for fam in fams:
        sa = pick(rng, sas, lambda s: s.fam == fam)
        f = ah_good(sa, rng, 'tcp')
        if fam == 4:
            ip = flip(f.ip, 4, 0x01)        # identification: immutable
            ip = bytearray(ip)
            ip[10:12] = b'\0\0'
            ip[10:12] = struct.pack('!H', inet_csum(bytes(ip[:20])))
            note = 'IPv4 identification changed (immutable, checksum fixed)'
        else:
            ip = flip(f.ip, 8 + 15, 0x01)   # last byte of the source address
            note = 'IPv6 source address changed (immutable)'
        out.append(Frame(bytes(ip), auth_failed(sa), '%s: %s' % (note, sa.label()), sa))
    sa = pick(rng, sas, lambda s: s.akind == 'gmac')
    if sa:
        f = ah_good(sa, rng, 'udp')
        out.append(Frame(flip(f.ip, ip_hl(sa.fam) + 12, 0x40), auth_failed(sa),
                         'GMAC IV in the ICV field flipped: %s' % sa.label(), sa))
    for fam in fams:
        sa = pick(rng, sas, lambda s: s.fam == fam)
        f = ah_good(sa, rng, 'tcp')
        ip = bytearray(f.ip)
        ip[ip_hl(fam) + 1] = 255
        # A length that lies: malformed, or the ICV failure of an engine that
        # checks the ICV over what the length gives (PROFILE.md P-8; the
        # alternative validate's class cases accept too).
        out.append(Frame(bytes(ip), 'CRYPTO_INVALID_PACKET_SYNTAX|' + auth_failed(sa),
                         'AH length field 255 (1028 bytes), beyond the packet: %s' % sa.label(), sa))
        sa = pick(rng, sas, lambda s: s.fam == fam)
        f = ah_good(sa, rng, 'udp')
        ip = bytearray(f.ip)
        ip[ip_hl(fam) + 1] = 1
        out.append(Frame(bytes(ip), 'CRYPTO_INVALID_PACKET_SYNTAX|' + auth_failed(sa),
                         'AH length field 1 (12 bytes), too short for the ICV: %s' % sa.label(), sa))
    sa = pick(rng, sas, lambda s: s.fam == 6)
    if sa:
        n = 12 + sa.field
        n += 4 if n % 8 == 0 else 0
        body, nh = l4_segment(rng, 6, sa.src, sa.dst, 'tcp') if not sa.tunnel() else \
            (inner_packet(rng, 6, 'tcp'), 41)
        ip = ah_frame(sa, rng, sa.next_seq(), nh, body, ah_len=n)
        out.append(Frame(ip, 'CRYPTO_INVALID_PACKET_SYNTAX',
                         'IPv6 AH of %d bytes, not a multiple of 8 (RFC 4302 s2.2), ICV valid: %s'
                         % (n, sa.label()), sa))
    out += cross_protocol(rng, sas, helpers)
    out += no_offload(rng, sas)
    return out


# ---------------------------------------------------------------------------
# Plain traffic, IKE and keepalives


def noise(rng, fams, l2):
    """Frames that are not IPsec: TCP, UDP, ICMP, IKE on UDP 500 and 4500
    (non-ESP marker), NAT keepalives, a too short UDP 4500 payload, ARP."""
    out = []
    for fam in fams:
        me, peer = local_addr(fam), peer_addr(rng, fam)
        seg, p = l4_segment(rng, fam, peer, me, 'tcp')
        out.append(Frame(ip_packet(fam, peer, me, p, seg, ident=rng.int(1, 0xffff)), 'pass',
                         'plain TCP over IPv%d' % fam))
        syn = bytes((IP(src=peer, dst=me, id=rng.int(1, 0xffff), flags='DF') if fam == 4 else
                     IPv6(src=peer, dst=me)) /
                    TCP(sport=rng.int(1024, 65535), dport=443, seq=rng.int(0, 0xffffffff), flags='S',
                        window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('WScale', 7)]))
        out.append(Frame(syn, 'pass', 'plain TCP SYN over IPv%d' % fam))
        seg, p = l4_segment(rng, fam, peer, me, 'udp')
        out.append(Frame(ip_packet(fam, peer, me, p, seg, ident=rng.int(1, 0xffff)), 'pass',
                         'plain UDP over IPv%d' % fam))
        seg, p = l4_segment(rng, fam, peer, me, 'icmp')
        out.append(Frame(ip_packet(fam, peer, me, p, seg, ident=rng.int(1, 0xffff)), 'pass',
                         'ICMP%s echo request' % ('' if fam == 4 else 'v6')))
        if fam == 6:
            rep = bytes(IPv6(src=peer, dst=me) / ICMPv6EchoReply(id=rng.int(1, 0xffff), seq=1,
                                                                  data=rng.bytes(32)))
            out.append(Frame(rep, 'pass', 'ICMPv6 echo reply'))
        out.append(Frame(ike(rng, fam, peer, me, 4500, 35), 'pass',
                         'IKEv2 IKE_AUTH on UDP 4500 behind the non-ESP marker (RFC 3948 s2.2)'))
        out.append(Frame(ike(rng, fam, peer, me, 4500, 37), 'pass',
                         'IKEv2 INFORMATIONAL on UDP 4500 behind the non-ESP marker'))
        out.append(Frame(ike(rng, fam, peer, me, 500, 34), 'pass', 'IKEv2 IKE_SA_INIT on UDP 500'))
        for k in range(2):
            ka = bytes((IP(src=peer, dst=me, id=rng.int(1, 0xffff)) if fam == 4 else
                        IPv6(src=peer, dst=me)) / UDP(sport=4500, dport=4500) / Raw(b'\xff'))
            out.append(Frame(ka, 'pass', 'NAT keepalive, one 0xFF byte on UDP 4500 (RFC 3948 s2.3)'))
        odd = bytes((IP(src=peer, dst=me, id=rng.int(1, 0xffff)) if fam == 4 else
                     IPv6(src=peer, dst=me)) / UDP(sport=4500, dport=4500) / Raw(rng.bytes(3)))
        out.append(Frame(odd, 'pass', 'UDP 4500 with a 3-byte payload: neither ESP nor IKE'))
    if l2 and 4 in fams:
        a = ARP(op=1, hwsrc='02:1c:00:00:00:02', psrc=peer_addr(rng, 4), hwdst='00:00:00:00:00:00',
                pdst=local_addr(4))
        out.append(Frame(b'', 'pass', 'ARP request (not IP)', arp=bytes(a)))
    return out


def ike(rng, fam, src, dst, port, exch):
    """An IKEv2 message of exchange type exch (34 IKE_SA_INIT, 35
    IKE_AUTH, 37 INFORMATIONAL) on UDP port (500, or 4500 with the non-ESP
    marker)."""
    first = 33 if exch == 34 else 46      # SA payload, else Encrypted (SK)
    body = bytes([0, 0]) + struct.pack('!H', 4 + 64) + rng.bytes(64)
    hdr = rng.bytes(8) + (rng.bytes(8) if port == 4500 else bytes(8))
    hdr += bytes([first, 0x20, exch, 0x08]) + struct.pack('!II', 1 if port == 4500 else 0, 28 + len(body))
    msg = hdr + body
    if port == 4500:
        msg = bytes(4) + msg
    net = IP(src=src, dst=dst, id=rng.int(1, 0xffff)) if fam == 4 else IPv6(src=src, dst=dst)
    return bytes(net / UDP(sport=port, dport=port) / Raw(msg))


# ---------------------------------------------------------------------------
# Link layers and capture files

ETH_DST = bytes.fromhex('021c00000001')      # the receiving NIC
ETH_SRC = bytes.fromhex('021c00000002')

LINKTYPE = {'ether': 1, 'ether-vlan': 1, 'raw': 101, 'ipv4': 228, 'ipv6': 229,
            'sll': 113, 'sll2': 276, 'null': 0, 'loop': 108}
LINK_WORDS = {'ether': 'Ethernet (LINKTYPE_ETHERNET 1)',
              'ether-vlan': 'Ethernet with 802.1Q tags (LINKTYPE_ETHERNET 1)',
              'raw': 'raw IP (LINKTYPE_RAW 101)', 'ipv4': 'raw IPv4 (LINKTYPE_IPV4 228)',
              'ipv6': 'raw IPv6 (LINKTYPE_IPV6 229)', 'sll': 'Linux cooked (LINKTYPE_LINUX_SLL 113)',
              'sll2': 'Linux cooked v2 (LINKTYPE_LINUX_SLL2 276)',
              'null': 'BSD loopback, host byte order (LINKTYPE_NULL 0)',
              'loop': 'OpenBSD loopback, network byte order (LINKTYPE_LOOP 108)'}
BSD_AF6 = (24, 28, 30)   # AF_INET6 of NetBSD/OpenBSD, FreeBSD, Darwin


def link_frame(link, frame, n, endian):
    """The bytes of frame n as the link type carries it."""
    if frame.arp:
        etype, l3 = 0x0806, frame.arp
    else:
        etype, l3 = (0x0800 if frame.fam() == 4 else 0x86dd), frame.ip
    if link in ('ether', 'ether-vlan'):
        eth = Ether(dst=ETH_DST.hex(':'), src=ETH_SRC.hex(':'), type=etype)
        if link == 'ether-vlan' and n % 3 != 2:
            # two of three frames tagged, VLANs 10 and 20, priority 0..
            eth = Ether(dst=ETH_DST.hex(':'), src=ETH_SRC.hex(':'), type=0x8100) / \
                Dot1Q(prio=n % 8, vlan=10 if n % 2 else 20, type=etype)
        b = bytes(eth / Raw(l3))
        return b + bytes(max(0, 60 - len(b)))      # the Ethernet minimum, as received
    if link == 'sll':
        return struct.pack('!HHH8sH', 0, 1, 6, ETH_SRC + b'\0\0', etype) + l3
    if link == 'sll2':
        return struct.pack('!HHIHBB8s', etype, 0, 2, 1, 0, 6, ETH_SRC + b'\0\0') + l3
    if link == 'null':
        af = 2 if frame.fam() == 4 else BSD_AF6[n % 3]
        return struct.pack(endian + 'I', af) + l3
    if link == 'loop':
        return struct.pack('!I', 2 if frame.fam() == 4 else 24) + l3
    return l3


def write_pcap(path, link, frames, ts0, endian, nsec):
    """A classic pcap file (magic a1b2c3d4 microseconds or a1b23c4d
    nanoseconds, in byte order endian)."""
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    out = [struct.pack(endian + 'IHHiIII', magic, 2, 4, 0, 0, 262144, LINKTYPE[link])]
    for n, f in enumerate(frames):
        data = link_frame(link, f, n, endian)
        t = ts0 * 10**9 + n * 1250000 + (n * 7919 % 1000) * 1000
        sub = t % 10**9 if nsec else (t % 10**9) // 1000
        out.append(struct.pack(endian + 'IIII', t // 10**9, sub, len(data), len(data)) + data)
    with open(path, 'wb') as fp:
        fp.write(b''.join(out))


def pcapng_block(endian, btype, body):
    body += bytes((-len(body)) % 4)
    n = 12 + len(body)
    return struct.pack(endian + 'II', btype, n) + body + struct.pack(endian + 'I', n)


def pcapng_opt(endian, code, value):
    return struct.pack(endian + 'HH', code, len(value)) + value + bytes((-len(value)) % 4)


def write_pcapng(path, link, frames, ts0, endian, tsresol, comments):
    """A pcapng file: one section (byte order endian), one interface with
    if_tsresol 10^-tsresol, one Enhanced Packet Block per frame (with the
    frame's description as opt_comment when comments is set)."""
    e = endian
    shb = struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0, -1)
    shb += pcapng_opt(e, 4, b'ipoc pcaps/gen_pcaps.py') + pcapng_opt(e, 0, b'')
    idb = struct.pack(e + 'HHI', LINKTYPE[link], 0, 262144)
    idb += pcapng_opt(e, 2, b'gen0') + pcapng_opt(e, 9, bytes([tsresol])) + pcapng_opt(e, 0, b'')
    out = [pcapng_block(e, 0x0A0D0D0A, shb), pcapng_block(e, 1, idb)]
    for n, f in enumerate(frames):
        data = link_frame(link, f, n, endian)
        t = ts0 * 10**9 + n * 1250000 + (n * 7919 % 1000) * 1000
        ts = t // 10**(9 - tsresol)
        body = struct.pack(e + 'IIIII', 0, ts >> 32, ts & 0xffffffff, len(data), len(data))
        body += data + bytes((-len(data)) % 4)
        if comments and f.note:
            body += pcapng_opt(e, 1, ('%d: %s' % (n + 1, f.note)).encode()) + pcapng_opt(e, 0, b'')
        out.append(pcapng_block(e, 6, body))
    with open(path, 'wb') as fp:
        fp.write(b''.join(out))


# ---------------------------------------------------------------------------
# Key files


def esp_sa_line(sa):
    """The Wireshark 4.0 esp_sa UAT record of an ESP SA (8 quoted fields)."""
    enc = ENC[sa.enc][4]
    if sa.ekind == 'gcm':
        enc = enc % sa.icv
    fields = ['IPv4' if sa.fam == 4 else 'IPv6', sa.src, sa.dst, '0x%08x' % sa.spi, enc,
              '0x' + sa.enc_key.hex() if sa.enc_key else '', AUTH[sa.auth][3],
              '0x' + sa.auth_key.hex() if sa.auth_key else '']
    return ','.join('"%s"' % f for f in fields)


def xfrm_block(sa, reqid):
    """The SA as `ip xfrm state` (iproute2) prints it."""
    lines = ['src %s dst %s' % (sa.src, sa.dst),
             '\tproto %s spi 0x%08x reqid %d mode %s' % (sa.proto, sa.spi, reqid, sa.mode)]
    lines.append('\treplay-window 0 flag esn' if sa.esn else '\treplay-window 32 ')
    if sa.akind == 'gmac':
        lines.append('\taead %s 0x%s %d' % (AUTH[sa.auth][4], sa.auth_key.hex(), sa.icv * 8))
    elif sa.ekind == 'gcm':
        lines.append('\taead %s 0x%s %d' % (ENC[sa.enc][5], sa.enc_key.hex(), sa.icv * 8))
    else:
        lines.append('\tauth-trunc %s 0x%s %d' % (AUTH[sa.auth][4], sa.auth_key.hex(), sa.icv * 8))
    if sa.proto == 'esp' and sa.ekind != 'gcm' and sa.akind != 'gmac':
        lines.append('\tenc %s 0x%s' % (ENC[sa.enc][5], sa.enc_key.hex()))
    if sa.udp:
        lines.append('\tencap type espinudp sport 4500 dport 4500 addr %s'
                     % ('0.0.0.0' if sa.fam == 4 else '::'))
    if sa.esn:
        lines += ['\tanti-replay esn context:',
                  '\t seq-hi 0x%x, seq 0x0, oseq-hi 0x0, oseq 0x0' % sa.hi0,
                  '\t replay_window 128, bitmap-length 4',
                  '\t 00000000 00000000 00000000 00000000 ']
    else:
        lines.append('\tanti-replay context: seq 0x0, oseq 0x0, bitmap 0x00000000')
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------------------
# The corpus

MODES = ('transport', 'tunnel')
PLAIN = ((False, False),)                              # (udp, esn)
EXTENDED = ((False, True), (True, False), (True, True))
EVERY = PLAIN + EXTENDED


class Spec:
    """One capture: its name, SA cells, combinations, link type and file format."""

    def __init__(self, name, proto, cells, encaps, link, fmt, fams=(4, 6), keys='xfrm', what='',
                 opts=()):
        self.name, self.proto, self.cells, self.encaps = name, proto, cells, encaps
        self.link, self.fmt, self.fams, self.keys, self.what = link, fmt, fams, keys, what
        self.opts = opts      # esp_broken's options: 'nat-t', 'epoch'

    def file(self):
        return self.name + ('.pcapng' if self.fmt[0] == 'pcapng' else '.pcap')


def icv_words(enc):
    """'8, 12 and 16': the ICV lengths of an AEAD row."""
    icvs = ['%d' % i for i in ipoc_algs.by_name(enc).icvs]
    return ', '.join(icvs[:-1]) + ' and ' + icvs[-1] if len(icvs) > 1 else icvs[0]


def esp_cells(enc):
    """(enc, auth, icv, cell label) of one ESP encryption."""
    if ipoc_algs.by_name(enc).kind == 'AEAD':
        return [(enc, 'none', i, '%s/icv%d' % (enc, i)) for i in ipoc_algs.by_name(enc).icvs]
    return [(enc, a, None, '%s+%s' % (enc, a)) for a in HMACS]


# formats: ('pcap', endian, nanoseconds) or ('pcapng', endian, tsresol, comments)
P_LE = ('pcap', '<', False)
P_BE = ('pcap', '>', False)
P_NS = ('pcap', '<', True)
N_LE = ('pcapng', '<', 6, True)
N_BE = ('pcapng', '>', 6, True)
N_NS = ('pcapng', '<', 9, True)


def specs():
    """Every capture of the corpus."""
    s = []
    nh = esp_cells('null')
    s.append(Spec('esp-null-hmac', 'esp', nh, PLAIN, 'ether', P_LE, keys='esp_sa',
                  what='ESP NULL encryption with %s' % ', '.join(
                      ipoc_algs.by_name(a).label for a in HMACS)))
    # The link type and file format of each capture, by capture name; an
    # algorithm the table gains gets its captures on Ethernet in pcapng.
    link = {'esp-des-cbc': ('ether-vlan', N_LE), 'esp-3des-cbc': ('sll', P_LE),
            'esp-aes-cbc-128': ('sll2', N_LE), 'esp-aes-cbc-192': ('raw', P_BE),
            'esp-aes-cbc-256': ('null', N_LE), 'esp-aes-gcm-192': ('loop', P_LE),
            'esp-aes-gcm-256': ('ether', N_BE),
            'esp-null-hmac-esn-udp': ('sll2', N_NS), 'esp-des-cbc-esn-udp': ('raw', P_LE),
            'esp-3des-cbc-esn-udp': ('ether-vlan', N_LE), 'esp-aes-cbc-128-esn-udp': ('null', P_LE),
            'esp-aes-cbc-192-esn-udp': ('loop', N_LE), 'esp-aes-cbc-256-esn-udp': ('sll', P_NS),
            'esp-aes-gcm-128-esn-udp': ('ether', N_LE),
            'esp-aes-gcm-192-esn-udp': ('ether-vlan', P_LE),
            'esp-aes-gcm-256-esn-udp': ('raw', N_NS)}
    null = ipoc_algs.of_kind('CIPHER')[0].name
    first_gcm = ipoc_algs.names('AEAD')[0]
    encs = ipoc_algs.names(*ipoc_algs.ENC_KINDS)
    for enc in encs:
        if enc in (null, first_gcm):    # captures of their own, above and below
            continue
        name = 'esp-' + enc
        lk, fmt = link.get(name, ('ether', N_LE))
        gcm = ipoc_algs.by_name(enc).kind == 'AEAD'
        s.append(Spec(name, 'esp', esp_cells(enc), PLAIN, lk, fmt, keys='esp_sa',
                      what='ESP %s%s' % (enc.upper(), ' with each HMAC' if not gcm else
                                          ', ICV %s' % icv_words(enc))))
    s.append(Spec('esp-%s-ipv4' % first_gcm, 'esp', esp_cells(first_gcm), PLAIN, 'ipv4', P_NS,
                  fams=(4,), keys='esp_sa', what='ESP %s, ICV %s, IPv4 only' % (
                      ipoc_algs.by_name(first_gcm).label, icv_words(first_gcm))))
    s.append(Spec('esp-%s-ipv6' % first_gcm, 'esp', esp_cells(first_gcm), PLAIN, 'ipv6', N_LE,
                  fams=(6,), keys='esp_sa', what='ESP %s, ICV %s, IPv6 only' % (
                      ipoc_algs.by_name(first_gcm).label, icv_words(first_gcm))))
    for enc in encs:
        name = 'esp-%s-esn-udp' % (enc if enc != null else 'null-hmac')
        lk, fmt = link.get(name, ('ether', N_LE))
        s.append(Spec(name, 'esp', esp_cells(enc), EXTENDED, lk, fmt,
                      what='ESP %s, with ESN, with UDP-ESP, and with both' % (
                          'NULL encryption with each HMAC' if enc == null else enc.upper())))
    s.append(Spec('esp-null-gmac', 'esp', [('null', a, None, 'null+' + a) for a in GMACS], EVERY,
                  'ether', P_LE, what='ESP ENCR_NULL_AUTH_AES_GMAC (RFC 4543) %s, every '
                  'encapsulation and ESN combination' % '/'.join(a.split('-')[-1] for a in GMACS)))
    s.append(Spec('ah-hmac', 'ah', [(None, a, None, 'ah+' + a) for a in HMACS], PLAIN + ((False, True),),
                  'sll', N_LE, what='AH with %s, ESN off and on' % ', '.join(
                      ipoc_algs.by_name(a).label for a in HMACS)))
    s.append(Spec('ah-gmac', 'ah', [(None, a, None, 'ah+' + a) for a in GMACS], PLAIN + ((False, True),),
                  'ether-vlan', P_LE, what='AH with AES-GMAC-%s (RFC 4543 s4), ESN off and on' % (
                      '/'.join(a.split('-')[-1] for a in GMACS))))
    s.append(Spec('esp-nested', 'nested', None, None, 'ether', N_LE,
                  what='ESP transport over ESP tunnel (NextCryptoDone), with UDP-ESP on either portion '
                  'and ESN'))
    # alg-lint: begin vectors (the SAs of the captures below, chosen for each capture)
    s.append(Spec('esp-nat-t', 'esp', [('aes-cbc-256', 'hmac-sha256-128', None, 'aes-cbc-256+hmac-sha256-128'),
                                       ('aes-gcm-128', 'none', 16, 'aes-gcm-128/icv16')],
                  PLAIN + ((True, False),), 'ether', N_LE, keys='esp_sa', opts=('nat-t',),
                  what='ESP in UDP port 4500 (NAT-T, RFC 3948) and plain ESP, AES-CBC-256 with '
                  'HMAC-SHA-256-128 and AES-GCM-128, with a Wireshark esp_sa key file, which does not '
                  'say which SAs are UDP-encapsulated'))
    s.append(Spec('esp-esn-epoch', 'esp', [('aes-cbc-128', 'hmac-sha1-96', None, 'aes-cbc-128+hmac-sha1-96'),
                                           ('null', 'aes-gmac-256', None, 'null+aes-gmac-256')],
                  EXTENDED[:1] + EXTENDED[2:], 'sll2', N_NS, opts=('epoch',),
                  what='ESP with ESN past the first 2^32 packets: each SA\'s xfrm state says seq-hi '
                  '(its ESN high half, not 0), and its frames are sealed in that epoch and the next'))
    # alg-lint: end vectors
    return s


def make_sas(spec, rng):
    """The SAs of a capture, one per cell x mode x family x (udp, esn)."""
    sas, used = [], set()
    for enc, auth, icv, cell in spec.cells:
        for mode in MODES:
            for fam in spec.fams:
                for udp, esn in spec.encaps:
                    spi = new_spi(rng, used)
                    sas.append(Sa(rng, spec.proto, enc, auth, icv, mode, fam, udp, esn,
                                  peer_addr(rng, fam), local_addr(fam, rng.int(0, 3)), spi, cell))
    return sas


def new_spi(rng, used):
    spi = rng.int(0x100, 0xffffffff)
    while spi in used:
        spi = rng.int(0x100, 0xffffffff)
    used.add(spi)
    return spi


def helper_sas(spec, rng, sas):
    """A key file in xfrm format also gets one SA of the other protocol, for
    the cross-protocol frames (an ESP packet with an AH SA's SPI and the
    reverse)."""
    if spec.keys != 'xfrm':
        return []
    used = {s.spi for s in sas}
    fam = spec.fams[0]
    # alg-lint: begin vectors (a helper SA of the other protocol in an xfrm capture)
    if spec.proto == 'esp':
        return [Sa(rng, 'ah', None, 'hmac-sha1-96', None, 'transport', fam, False, False,
                   peer_addr(rng, fam), local_addr(fam), new_spi(rng, used), 'ah+hmac-sha1-96')]
    return [Sa(rng, 'esp', 'aes-cbc-128', 'hmac-sha256-128', None, 'transport', fam, False, False,
               peer_addr(rng, fam), local_addr(fam), new_spi(rng, used), 'aes-cbc-128+hmac-sha256-128')]
    # alg-lint: end vectors


def order(rng, sa_frames, extra, plain, peek):
    """Capture order: the first frame of every SA (good, except for the SA
    peek, whose first frame fails its ICV before any packet of it verified:
    PROFILE.md item 11), mixed with some plain traffic; then everything else
    shuffled."""
    first, rest = [], []
    for i, fr in enumerate(sa_frames):
        if i == peek:
            icv = next(f for f in fr if 'ICV byte flipped' in f.note)
            fr = [icv] + [f for f in fr if f is not icv]
            icv.note += ' (before any packet of the SA verified)'
        first.append(fr[0])
        rest += fr[1:]
    k = len(plain) // 3
    first += plain[:k]
    rng.shuffle(first)
    rest += extra + plain[k:]
    rng.shuffle(rest)
    return first + rest


def build(spec):
    """(frames, SAs) of one capture."""
    rng = Rng(spec.name)
    if spec.proto == 'nested':
        return build_nested(spec, rng)
    sas = make_sas(spec, rng)
    if 'epoch' in spec.opts:
        for sa in sas:
            if sa.esn:
                sa.hi0 = rng.int(2, 0xfffffffe)
    helpers = helper_sas(spec, rng, sas)
    per = [(esp_sa_frames if sa.proto == 'esp' else ah_sa_frames)(sa, rng, i) for i, sa in enumerate(sas)]
    extra = esp_broken(rng, sas, helpers, spec.opts) if spec.proto == 'esp' else \
        ah_broken(rng, sas, helpers)
    plain = noise(rng, spec.fams, spec.link in ('ether', 'ether-vlan', 'sll', 'sll2'))
    frames = order(rng, per, extra, plain, rng.int(0, len(sas) - 1))
    return frames, sas + helpers


# ---------------------------------------------------------------------------
# Transport over tunnel


# alg-lint: begin vectors (the nested capture's SA pairs)
NESTED = [
    # fam, tunnel (enc, auth, icv, udp, esn), transport (enc, auth, icv, udp, esn)
    (4, ('aes-gcm-128', 'none', 16, False, False), ('aes-cbc-128', 'hmac-sha1-96', None, False, False)),
    (6, ('aes-cbc-256', 'hmac-sha256-128', None, False, False), ('aes-gcm-256', 'none', 12, False, False)),
    (4, ('aes-gcm-256', 'none', 16, True, False), ('3des-cbc', 'hmac-md5-96', None, False, False)),
    (6, ('aes-cbc-128', 'hmac-sha1-96', None, False, False), ('aes-gcm-128', 'none', 8, True, False)),
    (4, ('aes-cbc-192', 'hmac-sha256-128', None, False, True), ('null', 'aes-gmac-128', None, False, True)),
    (6, ('des-cbc', 'hmac-md5-96', None, True, False), ('null', 'hmac-sha256-128', None, False, False)),
]
# alg-lint: end vectors


def nested_packet(rng, tun, tr, kind, tamper=None, inner_udp=None, inner_spi=None):
    """A tunnel packet of SA tun carrying a transport packet of SA tr.
    tamper: 'inner' or 'outer' ICV; inner_udp overrides tr's encapsulation;
    inner_spi replaces tr's SPI. Returns (ip, outer pad, inner pad)."""
    seg, nh = l4_segment(rng, tr.fam, tr.src, tr.dst, kind)
    ie, ipad = esp_bytes(tr, rng, tr.next_seq(), seg, nh)
    if tamper == 'inner':
        ie = flip(ie, -1, 0x01)
    if inner_spi is not None:
        ie = struct.pack('!I', inner_spi) + ie[4:]
    inner = esp_frame(tr, ie, udp=inner_udp, ttl=63, ident=rng.int(1, 0xffff))
    oe, opad = esp_bytes(tun, rng, tun.next_seq(), inner, NEXT_HDR[tr.fam])
    if tamper == 'outer':
        oe = flip(oe, -1, 0x01)
    return esp_frame(tun, oe, ident=rng.int(1, 0xffff)), opad, ipad, nh


def build_nested(spec, rng):
    """ESP transport-over-tunnel pairs: the tunnel SA between the gateways,
    the transport SA between hosts inside. Both are separate SAs of the key
    file; the receive path finds the inner one by parsing the decrypted
    tunnel payload (PROFILE.md items 1, 6, 19)."""
    sas, per, used = [], [], set()
    for i, (fam, ta, ra) in enumerate(NESTED):
        gsrc, gdst = peer_addr(rng, fam), local_addr(fam, i % 4)
        hsrc, hdst = inner_addrs(rng, fam)
        tun = Sa(rng, 'esp', ta[0], ta[1], ta[2], 'tunnel', fam, ta[3], ta[4], gsrc, gdst,
                 new_spi(rng, used), cell_name(ta))
        tr = Sa(rng, 'esp', ra[0], ra[1], ra[2], 'transport', fam, ra[3], ra[4], hsrc, hdst,
                new_spi(rng, used), cell_name(ra))
        sas += [tun, tr]
        pair = '%s over %s' % (tr.label(), tun.label())
        fr = []
        for kind in ('tcp', 'udp' if i % 2 else 'icmp'):
            ip, opad, ipad, nh = nested_packet(rng, tun, tr, kind)
            fr.append(Frame(ip, 'CRYPTO_SUCCESS', 'good: %s, %s' % (pair, kind_word(kind, fam)), tr, 1, nh, ipad,
                            INNER_NAME[nh]))
        ip, opad, ipad, nh = nested_packet(rng, tun, tr, 'tcp', tamper='inner')
        fr.append(Frame(ip, 'CRYPTO_TRANSPORT_ESP_AUTH_FAILED',
                        'inner ICV flipped: the tunnel decrypted, the transport failed: %s' % pair, tr, 1,
                        NEXT_HDR[fam], opad, INNER_NAME[NEXT_HDR[fam]]))
        ip, opad, ipad, nh = nested_packet(rng, tun, tr, 'tcp', tamper='outer')
        fr.append(Frame(ip, 'CRYPTO_TUNNEL_ESP_AUTH_FAILED', 'outer ICV flipped: %s' % pair, tun, 0))
        spi = new_spi(rng, used)
        ip, opad, ipad, nh = nested_packet(rng, tun, tr, 'udp', inner_spi=spi)
        fr.append(Frame(ip, 'CRYPTO_SUCCESS', 'tunnel carrying ESP with SPI 0x%08x, which no SA has: %s'
                        % (spi, tun.label()), tun, 0, NEXT_HDR[fam], opad, INNER_NAME[NEXT_HDR[fam]]))
        if i in (0, 3):
            ip, opad, ipad, nh = nested_packet(rng, tun, tr, 'tcp', inner_udp=not tr.udp)
            fr.append(Frame(ip, 'CRYPTO_INVALID_PROTOCOL',
                            'transport portion %s, not as its SA says: %s'
                            % ('UDP-encapsulated' if not tr.udp else 'not UDP-encapsulated', pair), tr, 1,
                            NEXT_HDR[fam], opad, INNER_NAME[NEXT_HDR[fam]]))
        if i in (1, 2):
            f = esp_good(tun, rng, 'tcp')
            f.note = 'good: plain IPv%d TCP in the tunnel %s' % (fam, tun.label())
            fr.append(f)
        per.append(fr)
    extra = no_offload(rng, [s for s in sas if s.tunnel()])
    plain = noise(rng, (4, 6), True)
    frames = order(rng, per, extra, plain, -1)
    return frames, sas


def cell_name(a):
    enc, auth, icv = a[:3]
    return '%s/icv%d' % (enc, icv) if enc.startswith('aes-gcm') else '%s+%s' % (enc, auth)


# ---------------------------------------------------------------------------
# Writing


def expect_text(spec, frames, sas):
    """The expectations file of a capture."""
    counts = {}
    for f in frames:
        counts[f.outcome] = counts.get(f.outcome, 0) + 1
    head = ['# %s: expected receive outcome of every frame (format: pcaps/README.md,' % spec.file(),
            '# "Expectations files"). Generated by pcaps/gen_pcaps.py; do not edit.',
            '# %s.' % spec.what,
            '# Link type: %s; file format: %s.' % (LINK_WORDS[spec.link], fmt_words(spec.fmt)),
            '# Keys: %s.%s (%d SAs).' % (spec.name, spec.keys, len(sas)),
            '# Outcomes: ' + ', '.join('%s %d' % (k, counts[k]) for k in sorted(counts)) + '.',
            'frames %d' % len(frames)]
    return '\n'.join(head + [f.expect_line(i + 1) for i, f in enumerate(frames)]) + '\n'


def fmt_words(fmt):
    if fmt[0] == 'pcap':
        return 'pcap, %s-endian, %s timestamps' % ('little' if fmt[1] == '<' else 'big',
                                                   'nanosecond' if fmt[2] else 'microsecond')
    return 'pcapng, %s-endian, if_tsresol 10^-%d, frame comments' % (
        'little' if fmt[1] == '<' else 'big', fmt[2])


def key_text(spec, sas):
    if spec.keys == 'esp_sa':
        return '# This file is automatically generated, DO NOT MODIFY.\n' + \
            ''.join(esp_sa_line(sa) + '\n' for sa in sas)
    return ''.join(xfrm_block(sa, i + 1) for i, sa in enumerate(sas))


TS0 = 1704067200      # 2024-01-01T00:00:00Z


def write_capture(spec, index, d):
    """Write the capture, key file and expectations of spec into d; returns
    the three file names."""
    frames, sas = build(spec)
    cap = os.path.join(d, spec.file())
    ts0 = TS0 + 3600 * index
    if spec.fmt[0] == 'pcap':
        write_pcap(cap, spec.link, frames, ts0, spec.fmt[1], spec.fmt[2])
    else:
        write_pcapng(cap, spec.link, frames, ts0, spec.fmt[1], spec.fmt[2], spec.fmt[3])
    key = '%s.%s' % (spec.name, spec.keys)
    with open(os.path.join(d, key), 'w', encoding='ascii', newline='\n') as fp:
        fp.write(key_text(spec, sas))
    exp = spec.name + '.expect'
    with open(os.path.join(d, exp), 'w', encoding='ascii', newline='\n') as fp:
        fp.write(expect_text(spec, frames, sas))
    return [spec.file(), key, exp]


def write_all(d):
    os.makedirs(d, exist_ok=True)
    return [write_capture(s, i, d) for i, s in enumerate(specs())]


def meson_entries():
    """The pcap_corpus triples, as pcaps/meson.build must list them."""
    return [['corpus/' + f for f in (s.file(), '%s.%s' % (s.name, s.keys), s.name + '.expect')]
            for s in specs()]


def check_meson():
    """Differences between the triples in pcaps/meson.build and the corpus."""
    try:
        with open(MESON, encoding='utf-8') as fp:
            text = fp.read()
    except OSError as e:
        return ['%s: %s' % (MESON, e)]
    have = [re.findall(r"'([^']+)'", m) for m in re.findall(r"\[\s*('corpus/[^\]]*)\]", text)]
    want = meson_entries()
    if have == want:
        return []
    return ['\n'.join(['pcaps/meson.build: pcap_corpus does not list the generated corpus; expected:'] +
                      ["  ['%s', '%s', '%s']," % tuple(t) for t in want])]


def check():
    bad = []
    with tempfile.TemporaryDirectory() as d:
        write_all(d)
        want = sorted(os.listdir(d))
        have = sorted(os.listdir(CORPUS)) if os.path.isdir(CORPUS) else []
        for name in sorted(set(want) | set(have)):
            if name not in have:
                bad.append('%s: missing from pcaps/corpus' % name)
                continue
            if name not in want:
                bad.append('%s: in pcaps/corpus but not generated' % name)
                continue
            with open(os.path.join(d, name), 'rb') as fp:
                w = fp.read()
            with open(os.path.join(CORPUS, name), 'rb') as fp:
                h = fp.read()
            if w != h:
                at = next((i for i in range(min(len(w), len(h))) if w[i] != h[i]), min(len(w), len(h)))
                bad.append('%s: differs from a fresh generation (first at byte %d)' % (name, at))
    bad += check_meson()
    for b in bad:
        print(b)
    print('gen_pcaps --check: %d files, %s' % (len(want), 'reproduced byte for byte' if not bad else
                                               '%d problems' % len(bad)))
    return 1 if bad else 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true',
                    help='regenerate into a temporary directory and compare with pcaps/corpus')
    ap.add_argument('--list', action='store_true', help='print the meson pcap_corpus entries')
    ap.add_argument('--out', default=CORPUS, help='directory to write into (default: %(default)s)')
    a = ap.parse_args(argv[1:])
    if a.check:
        return check()
    if a.list:
        for t in meson_entries():
            print("  ['%s', '%s', '%s']," % tuple(t))
        return 0
    for t in write_all(a.out):
        print(' '.join(t))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
