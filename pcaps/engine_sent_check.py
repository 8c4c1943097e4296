#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check with Wireshark's tshark the frames an engine sent for the vectors.

Usage: engine_sent_check.py [--tshark PATH] [--verbose] CAPTURE [KEYFILE]

CAPTURE and KEYFILE are what `ipoc vectors --write-sent OUT.pcapng` writes:
OUT.pcapng and OUT.esp_sa (the default KEYFILE): the frames the engine
transmitted, and one Wireshark 4.0 esp_sa record per SA that sent them.
tshark decrypts the capture with those SAs (invoked as tshark_check.py does)
and every frame must hold exactly one ESP header, of an SA of the key file,
that tshark

  - decrypted and found a good ICV (esp.icv_good 1, esp.icv_bad 0). An SA
    without integrity (authentication NULL, encryption not AES-GCM) has no
    ICV: its frames are judged on the decryption alone, and counted apart;
  - decrypted to a sane trailer: the pad length fits in the decrypted data,
    the padding is 1, 2, 3, ... (RFC 4303 s2.4), the next header is a
    protocol ESP carries (ICMP, IGMP, IPv4, TCP, UDP, IPv6, GRE, ICMPv6, No
    Next Header, SCTP); for IPv4 and IPv6 the inner packet starts with that
    version, and a non-empty payload is dissected by tshark as that protocol.

Next header and pad length are the last two bytes of esp.decrypted_data; they
must agree with esp.protocol and esp.pad_len where tshark shows those.
(Wireshark 4.0 shows neither when the payload is empty: the next header's
dissector takes no bytes, and ESP then dissects the whole as data.)

Prints `CAPTURE: N passed, M failed`; exit 0 when none failed and N > 0, 1 on
a failure or when no frame passed, 77 (skip, for meson) when tshark is
missing, 2 on a usage or input error.
"""

import argparse
import ipaddress
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_check import InputError, run_tshark  # noqa: E402 (the directory first)

FIELDS = ('frame.number', 'frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'esp.spi',
          'esp.icv_good', 'esp.icv_bad', 'esp.protocol', 'esp.pad_len', 'esp.decrypted_data')

# Next headers ESP may carry -> the name in tshark's frame.protocols (None:
# nothing to dissect: No Next Header, RFC 4303 s2.6).
NEXT_HEADERS = {1: 'icmp', 2: 'igmp', 4: 'ip', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 58: 'icmpv6',
                59: None, 132: 'sctp'}


class Sa:
    """One esp_sa record: what the frames are matched on, whether they carry an ICV."""

    def __init__(self, line, fields):
        self.record = line
        self.family = fields[0]
        self.src, self.dst = ipaddress.ip_address(fields[1]), ipaddress.ip_address(fields[2])
        self.spi = int(fields[3], 16)
        self.has_icv = fields[4].startswith('AES-GCM') or fields[6] != 'NULL'


def read_key_file(path):
    """{(src, dst, spi): Sa}. Unlike tshark_check.read_esp_sa, SAs may share an
    SPI (with other addresses)."""
    sas = {}
    with open(path, encoding='ascii') as fp:
        for lineno, raw in enumerate(fp, 1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            fields = re.findall(r'"([^"]*)"', line)
            if len(fields) != 8 or fields[0] not in ('IPv4', 'IPv6'):
                raise InputError('%s:%d: expected 8 quoted fields, IPv4 or IPv6 first' % (path, lineno))
            try:
                sa = Sa(line, fields)
            except ValueError as e:
                raise InputError('%s:%d: %s' % (path, lineno, e))
            key = (sa.src, sa.dst, sa.spi)
            if key in sas:
                raise InputError('%s:%d: a second SA with these addresses and SPI (Wireshark uses the first)'
                                 % (path, lineno))
            sas[key] = sa
    return sas


def outer_addresses(row, protos):
    """Source and destination of the outermost IP header."""
    ip = [p for p in protos if p in ('ip', 'ipv6')]
    if not ip:
        return None
    pre = 'ip.' if ip[0] == 'ip' else 'ipv6.'
    if not row[pre + 'src'] or not row[pre + 'dst']:
        return None
    return ipaddress.ip_address(row[pre + 'src'][0]), ipaddress.ip_address(row[pre + 'dst'][0])


def judge(row, sas):
    """(None, sa) when the frame passes, else (why, sa or None)."""
    protos = row['frame.protocols'][0].split(':') if row['frame.protocols'] else []
    spis = row['esp.spi']
    if len(spis) != 1:
        return 'tshark finds %d ESP headers (%s)' % (len(spis), ':'.join(protos)), None
    spi = int(spis[0], 16)
    addrs = outer_addresses(row, protos)
    sa = sas.get((addrs[0], addrs[1], spi)) if addrs else None
    if sa is None:
        return 'no SA of the key file for SPI 0x%08x from %s to %s' % (
            spi, addrs[0] if addrs else '?', addrs[1] if addrs else '?'), None
    good, bad = row['esp.icv_good'], row['esp.icv_bad']
    if sa.has_icv and (good != ['1'] or bad != ['0']):
        return 'ICV not good (esp.icv_good %s, esp.icv_bad %s)' % (','.join(good) or '-', ','.join(bad) or '-'), sa
    if not row['esp.decrypted_data']:
        return 'tshark did not decrypt it', sa
    dec = bytes.fromhex(row['esp.decrypted_data'][0].replace(':', ''))
    if len(dec) < 2 or dec[-2] + 2 > len(dec):
        return 'decrypted data (%d bytes) too short for its trailer' % len(dec), sa
    pad, nh = dec[-2], dec[-1]
    payload = dec[:len(dec) - 2 - pad]
    if dec[len(payload):-2] != bytes(range(1, pad + 1)):
        return 'padding %s is not 1, 2, 3, ... (RFC 4303 s2.4)' % dec[len(payload):-2].hex(), sa
    if row['esp.protocol'] and int(row['esp.protocol'][-1], 16) != nh:
        return 'esp.protocol %s, the decrypted trailer says %d' % (row['esp.protocol'][-1], nh), sa
    if row['esp.pad_len'] and int(row['esp.pad_len'][-1]) != pad:
        return 'esp.pad_len %s, the decrypted trailer says %d' % (row['esp.pad_len'][-1], pad), sa
    if nh not in NEXT_HEADERS:
        return 'next header %d is not a protocol ESP carries' % nh, sa
    if nh in (4, 41) and (not payload or payload[0] >> 4 != (4 if nh == 4 else 6)):
        return 'next header %d, but the inner packet starts with %s' % (nh, payload[:1].hex() or 'nothing'), sa
    if payload and NEXT_HEADERS[nh]:
        at = protos.index('esp') if 'esp' in protos else len(protos)
        inner = protos[at + 1] if at + 1 < len(protos) else None
        if inner != NEXT_HEADERS[nh]:
            return 'next header %d, but tshark dissects the payload as %s (%s)' % (
                nh, inner, ':'.join(protos)), sa
    return None, sa


def check(tshark, capture, keyfile, verbose):
    name = os.path.basename(capture)
    sas = read_key_file(keyfile)
    rows = run_tshark(tshark, capture, sas, FIELDS)
    passed = failed = no_icv = 0
    for row in rows:
        n = row['frame.number'][0] if row['frame.number'] else '?'
        why, sa = judge(row, sas)
        if why:
            failed += 1
            print('%s: frame %s: %s' % (name, n, why))
            continue
        passed += 1
        no_icv += not sa.has_icv
        if verbose:
            print('%s: frame %s: SPI 0x%08x: %s' % (name, n, sa.spi, 'ICV good' if sa.has_icv
                                                   else 'decrypted (no ICV)'))
    if no_icv:
        print('%s: %d of the frames passed have no ICV (authentication NULL): decryption checked only'
              % (name, no_icv))
    print('%s: %d passed, %d failed' % (name, passed, failed))
    return 1 if failed or not passed else 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tshark', default=shutil.which('tshark'), help='tshark binary (default: from PATH)')
    ap.add_argument('--verbose', '-v', action='store_true', help='also list the frames that pass')
    ap.add_argument('capture')
    ap.add_argument('keyfile', nargs='?', help='default: CAPTURE with .esp_sa for .pcapng')
    a = ap.parse_args(argv[1:])
    if not a.tshark or not os.path.exists(a.tshark):
        print('%s: tshark not found, skipped' % os.path.basename(a.capture))
        return 77
    key = a.keyfile or re.sub(r'\.pcapng$', '', a.capture) + '.esp_sa'
    try:
        return check(a.tshark, a.capture, key, a.verbose)
    except (InputError, OSError, ValueError) as e:
        print('%s: %s' % (os.path.basename(a.capture), e))
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
