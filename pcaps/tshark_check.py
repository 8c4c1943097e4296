#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Cross-check one capture of pcaps/corpus with Wireshark's tshark.

Usage: tshark_check.py [--tshark PATH] [--verbose] CAPTURE [KEYFILE EXPECTFILE]

KEYFILE and EXPECTFILE default to the capture's name with `.esp_sa` (or
`.xfrm`) and `.expect`. tshark (Debian's 4.0) decrypts the capture with the
SAs of the key file: esp_sa records are handed over as they are, `ip xfrm
state` blocks are translated to esp_sa records when Wireshark can use them
(ESP without ESN or GMAC). Then for every frame the expectations call

  CRYPTO_SUCCESS          tshark must find a good ICV on every ESP layer it
                          has an SA for, the expected Next Header and pad
                          length in the innermost trailer that decrypted,
                          and dissect the expected inner protocol behind it;
  *_ESP_AUTH_FAILED       tshark must find a bad ICV on the layer of the
                          frame's SA (and good ones on the layers before it).

Frames tshark cannot judge are counted as skipped: AH (tshark 4.0 does not
check AH ICVs), ESN (Wireshark 4.0's esp_sa has no ESN field), AES-GMAC
(not in Wireshark 4.0), and frames whose expected outcome has alternatives
(`A|B`: tshark tells a good ICV from a bad one, not which an engine checks
first). ESP in UDP port 4500 is decrypted with the same esp_sa record as
plain ESP, as Wireshark does. Every frame must also dissect to IPv4, IPv6 or ARP
(the link-layer framing), and the capture must hold as many frames as the
expectations say.

Prints `CAPTURE: N passed, M failed, K skipped (why)`; exit 0 when nothing
failed, 1 on a failure or when no frame was judged although the key file
gives some frame an SA tshark can use, 77 (skip, for meson) when tshark is
missing or the capture has no frame tshark can judge, 2 on a usage or input
error.

`tshark_check.py --judgeable KEYFILE EXPECTFILE [KEYFILE EXPECTFILE ...]`
prints, per pair, the number of frames tshark could judge by the key file
and expectations alone (no tshark run); pcaps/meson.build registers a
tshark test only for captures where it is not 0.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'engine', 'alg'))
import ipoc_algs  # noqa: E402  (the algorithm table, engine/alg/ipoc_algs.def)

# xfrm algorithm names -> Wireshark 4.0 esp_sa names (packet-ipsec.c), from
# the table: ciphers by name, HMACs by (name, truncation bits)
WS_ENC = {n: ipoc_algs.esp_sa_name(a) for a in ipoc_algs.of_kind('CIPHER') for n in a.xfrm_names}
WS_AUTH = {(n, a.icv * 8): ipoc_algs.esp_sa_name(a)
           for a in ipoc_algs.of_kind('INTEGRITY') for n in a.xfrm_names}
# expectation `inner=` word -> the name in tshark's frame.protocols
WS_PROTO = {'tcp': 'tcp', 'udp': 'udp', 'icmp': 'icmp', 'icmpv6': 'icmpv6', 'ipv4': 'ip', 'ipv6': 'ipv6'}
FIELDS = ('frame.number', 'esp.spi', 'esp.icv_good', 'esp.icv_bad', 'esp.protocol', 'esp.pad_len',
          'frame.protocols')


class InputError(Exception):
    pass


def aead_row(aead):
    """The table row of an `aead NAME 0xKEY BITS` line, by name and key length."""
    key = aead[1][2:] if aead[1].startswith('0x') else aead[1]
    row = ipoc_algs.by_xfrm(aead[0], len(key) // 2)
    if not row:
        raise InputError('aead %s: not an algorithm of the table with a %d-byte key'
                         % (aead[0], len(key) // 2))
    return row


# ---------------------------------------------------------------------------
# Inputs


def read_expect(path):
    """{frame number: (outcome, {key: value})} and the declared frame count."""
    frames, declared = {}, None
    with open(path, encoding='ascii') as fp:
        for lineno, raw in enumerate(fp, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if declared is None:
                if len(words) != 2 or words[0] != 'frames' or not words[1].isdigit():
                    raise InputError('%s:%d: expected `frames N`' % (path, lineno))
                declared = int(words[1])
                continue
            if not words[0].isdigit() or len(words) < 2:
                raise InputError('%s:%d: expected `FRAME OUTCOME [key=value ...]`' % (path, lineno))
            n = int(words[0])
            if n in frames:
                raise InputError('%s:%d: frame %d listed twice' % (path, lineno, n))
            kv = {}
            for w in words[2:]:
                if '=' not in w:
                    raise InputError('%s:%d: `%s` is not key=value' % (path, lineno, w))
                k, v = w.split('=', 1)
                kv[k] = v
            frames[n] = (words[1], kv)
    if declared is None:
        raise InputError('%s: no `frames N` line' % path)
    if sorted(frames) != list(range(1, declared + 1)):
        raise InputError('%s: frames are not exactly 1..%d' % (path, declared))
    return frames, declared


class KeySa:
    """What this check needs of an SA: its SPI, whether tshark can judge it
    (and why not), and its esp_sa record."""

    def __init__(self, spi, record=None, why=None):
        self.spi, self.record, self.why = spi, record, why


def esp_sa_records(path):
    """[(line number, the record's quoted fields, the line)] of a Wireshark
    esp_sa file (the 8-field form Wireshark 4.0 writes)."""
    records = []
    with open(path, encoding='ascii') as fp:
        for lineno, raw in enumerate(fp, 1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            fields = re.findall(r'"([^"]*)"', line)
            if len(fields) != 8:
                raise InputError('%s:%d: expected 8 quoted fields' % (path, lineno))
            records.append((lineno, fields, line))
    return records


def read_esp_sa(path):
    sas = {}
    for _, fields, line in esp_sa_records(path):
        spi = int(fields[3], 16)
        sas[spi] = KeySa(spi, line)
    return sas


def xfrm_states(path):
    """The states of `ip xfrm state` output, one dict each: src, dst, proto
    ('esp' or 'ah'), spi, mode, esn (bool) and, where the state has them,
    enc (name, key), auth-trunc (name, key, bits), aead (name, key, bits)
    and encap (the words after `encap`)."""
    blocks, cur = [], None
    with open(path, encoding='ascii') as fp:
        for raw in fp:
            if raw.startswith('src '):
                cur = [raw.split()]
                blocks.append(cur)
            elif raw.strip() and cur is not None:
                cur.append(raw.split())
    states = []
    for b in blocks:
        info = {'src': b[0][1], 'dst': b[0][3], 'esn': False}
        for words in b[1:]:
            if words[0] == 'proto':
                info['proto'], info['spi'] = words[1], int(words[3], 16)
                if 'mode' in words:
                    info['mode'] = words[words.index('mode') + 1]
            elif words[0] == 'replay-window' and 'esn' in words:
                info['esn'] = True
            elif words[0] in ('auth-trunc', 'aead'):
                info[words[0]] = (words[1], words[2], int(words[3]))
            elif words[0] == 'enc':
                info['enc'] = (words[1], words[2] if len(words) > 2 else '0x')
            elif words[0] == 'encap':
                info['encap'] = words[1:]
        if 'spi' not in info:
            raise InputError('%s: state %s -> %s has no `proto ... spi` line' % (path, info['src'], info['dst']))
        states.append(info)
    return states


def read_xfrm(path):
    """SAs of `ip xfrm state` output, translated to esp_sa records where
    Wireshark 4.0 can decrypt and check them."""
    sas = {}
    for info in xfrm_states(path):
        src, dst, spi = info['src'], info['dst'], info['spi']
        fam = 'IPv6' if ':' in dst else 'IPv4'
        aead = info.get('aead')
        if info['proto'] == 'ah':
            sas[spi] = KeySa(spi, why='AH ICV')
        elif info.get('esn'):
            sas[spi] = KeySa(spi, why='ESN')
        elif aead and aead_row(aead).kind == 'GMAC':
            sas[spi] = KeySa(spi, why='GMAC')
        elif aead:
            rec = [fam, src, dst, '0x%08x' % spi, ipoc_algs.esp_sa_name(aead_row(aead), aead[2] // 8),
                   aead[1], 'NULL', '']
            sas[spi] = KeySa(spi, ','.join('"%s"' % f for f in rec))
        else:
            enc, auth = info['enc'], info['auth-trunc']
            key = enc[1] if enc[1] != '0x' else ''
            rec = [fam, src, dst, '0x%08x' % spi, WS_ENC[enc[0]], key, WS_AUTH[(auth[0], auth[2])], auth[1]]
            sas[spi] = KeySa(spi, ','.join('"%s"' % f for f in rec))
    return sas


def read_keys(path):
    return read_esp_sa(path) if path.endswith('.esp_sa') else read_xfrm(path)


# ---------------------------------------------------------------------------
# tshark


def run_tshark(tshark, capture, sas, fields=FIELDS):
    """One row per frame: {field: [values]}. sas: {key: object with .record,
    an esp_sa record or None}."""
    cmd = [tshark, '-n', '-r', capture,
           '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE',
           # random payloads on well-known ports make dissectors throw before
           # ESP adds its trailer: read every port but 500 and 4500 as data
           '-d', 'udp.port==1-499,data', '-d', 'udp.port==501-4499,data',
           '-d', 'udp.port==4501-65535,data', '-d', 'tcp.port==1-65535,data',
           '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-E', 'separator=/t']
    for sa in sas.values():
        if sa.record:
            cmd += ['-o', 'uat:esp_sa:' + sa.record]
    for f in fields:
        cmd += ['-e', f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise InputError('tshark failed (%d): %s' % (p.returncode, p.stderr.strip()))
    rows = []
    for line in p.stdout.splitlines():
        vals = line.split('\t')
        vals += [''] * (len(fields) - len(vals))
        rows.append({f: [x for x in v.split(',') if x] for f, v in zip(fields, vals)})
    return rows


# ---------------------------------------------------------------------------
# Judging


def judge(n, outcome, kv, row, sas):
    """(verdict, text): verdict 'pass', 'fail' or 'skip'."""
    spis = [int(s, 16) for s in row['esp.spi']]
    want = int(kv['spi'], 16)
    if want not in spis:
        return 'fail', 'tshark sees no ESP header with SPI 0x%08x (it sees %s)' % (want, row['esp.spi'])
    idx = spis.index(want)
    for s in spis[:idx + 1]:
        if s in sas and sas[s].why:
            return 'skip', sas[s].why
    good, bad = row['esp.icv_good'], row['esp.icv_bad']
    if outcome == 'CRYPTO_SUCCESS':
        known = [s for s in spis if s in sas]
        for s in known:
            if sas[s].why:
                return 'skip', sas[s].why
        if len(good) < len(known) or any(g != '1' for g in good) or any(b != '0' for b in bad):
            return 'fail', 'ICV not good on every layer with an SA (good %s, bad %s)' % (good, bad)
        nh, pad = row['esp.protocol'], row['esp.pad_len']
        if not nh or int(nh[-1], 16) != int(kv['next_header']):
            return 'fail', 'next header %s, expected %s' % (nh, kv['next_header'])
        if not pad or int(pad[-1]) != int(kv['pad_length']):
            return 'fail', 'pad length %s, expected %s' % (pad, kv['pad_length'])
        protos = row['frame.protocols'][0].split(':') if row['frame.protocols'] else []
        at = [i for i, p in enumerate(protos) if p == 'esp']
        inner = protos[at[len(known) - 1] + 1] if len(at) >= len(known) and at[len(known) - 1] + 1 < len(protos) \
            else None
        if inner != WS_PROTO[kv['inner']]:
            return 'fail', 'inner protocol %s, expected %s (%s)' % (inner, kv['inner'], ':'.join(protos))
        return 'pass', ''
    if len(bad) <= idx or bad[idx] != '1':
        return 'fail', 'ICV of SPI 0x%08x not bad in tshark (good %s, bad %s)' % (want, good, bad)
    if any(g != '1' for g in good[:idx]):
        return 'fail', 'an outer layer failed too (good %s)' % good
    return 'pass', ''


def judgeable(sas, frames, keyfile):
    """How many frames tshark could judge by the key file and expectations
    alone: CRYPTO_SUCCESS and *_ESP_AUTH_FAILED frames whose SA tshark can
    use (a frame of them is still skipped when tshark finds an outer layer
    whose SA it cannot use)."""
    n = 0
    for outcome, kv in frames.values():
        if '|' not in outcome and (outcome == 'CRYPTO_SUCCESS' or outcome.endswith('_ESP_AUTH_FAILED')):
            sa = sas.get(int(kv['spi'], 16))
            if sa is None:
                raise InputError('SPI %s is not in %s' % (kv['spi'], keyfile))
            n += not sa.why
    return n


def check(tshark, capture, keyfile, expectfile, verbose):
    frames, declared = read_expect(expectfile)
    sas = read_keys(keyfile)
    rows = run_tshark(tshark, capture, sas)
    passed = failed = 0
    skipped = {}
    msgs = []
    if len(rows) != declared:
        failed += 1
        msgs.append('capture has %d frames, the expectations %d' % (len(rows), declared))
    for i, row in enumerate(rows[:declared]):
        n = i + 1
        protos = row['frame.protocols'][0].split(':') if row['frame.protocols'] else []
        if not {'ip', 'ipv6', 'arp'} & set(protos):
            failed += 1
            msgs.append('frame %d: tshark finds no IP or ARP in it (%s)' % (n, ':'.join(protos)))
            continue
        outcome, kv = frames[n]
        if '|' in outcome:
            # Alternatives (an ICV failure or a malformed packet): tshark
            # tells ICVs apart, not what an engine reads first.
            verdict, why = 'skip', 'alternatives'
        elif outcome == 'CRYPTO_SUCCESS' or outcome.endswith('_ESP_AUTH_FAILED'):
            sa = sas.get(int(kv['spi'], 16))
            if sa is None:
                raise InputError('frame %d: SPI %s is not in %s' % (n, kv['spi'], keyfile))
            verdict, why = ('skip', sa.why) if sa.why else judge(n, outcome, kv, row, sas)
        elif outcome.endswith('_AH_AUTH_FAILED'):
            verdict, why = 'skip', 'AH ICV'
        else:
            continue
        if verdict == 'pass':
            passed += 1
            if verbose:
                msgs.append('frame %d: %s: agrees' % (n, outcome))
        elif verdict == 'skip':
            skipped[why] = skipped.get(why, 0) + 1
        else:
            failed += 1
            msgs.append('frame %d: %s: %s' % (n, outcome, why))
    for m in msgs:
        print('%s: %s' % (os.path.basename(capture), m))
    nskip = sum(skipped.values())
    why = ', '.join('%s %d' % (k, skipped[k]) for k in sorted(skipped))
    print('%s: %d passed, %d failed, %d skipped%s' % (os.path.basename(capture), passed, failed, nskip,
                                                       ' (%s)' % why if why else ''))
    if failed:
        return 1
    if passed:
        return 0
    can = judgeable(sas, frames, keyfile)
    if not can:
        print('%s: tshark 4.0 can judge no frame of it (skipped)' % os.path.basename(capture))
        return 77
    print('%s: no frame judged, though %d frames have SAs tshark can use' % (os.path.basename(capture), can))
    return 1


def default_files(capture):
    stem = re.sub(r'\.pcap(ng)?$', '', capture)
    for ext in ('.esp_sa', '.xfrm'):
        if os.path.exists(stem + ext):
            return stem + ext, stem + '.expect'
    raise InputError('%s: no %s.esp_sa or %s.xfrm next to it' % (capture, stem, stem))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tshark', default=shutil.which('tshark'), help='tshark binary (default: from PATH)')
    ap.add_argument('--verbose', '-v', action='store_true', help='also list the frames that agree')
    ap.add_argument('--judgeable', action='store_true',
                    help='print, per KEYFILE EXPECTFILE pair, how many frames tshark could judge')
    ap.add_argument('files', nargs='+', metavar='CAPTURE [KEYFILE EXPECTFILE]')
    a = ap.parse_args(argv[1:])
    if a.judgeable:
        if len(a.files) % 2:
            ap.error('--judgeable takes KEYFILE EXPECTFILE pairs')
        try:
            for key, exp in zip(a.files[::2], a.files[1::2]):
                print(judgeable(read_keys(key), read_expect(exp)[0], key))
        except (InputError, OSError, KeyError, ValueError) as e:
            print('tshark_check.py --judgeable: %s' % e, file=sys.stderr)
            return 2
        return 0
    if len(a.files) not in (1, 3):
        ap.error('give CAPTURE, or CAPTURE KEYFILE EXPECTFILE')
    if not a.tshark or not os.path.exists(a.tshark):
        print('%s: tshark not found, skipped' % os.path.basename(a.files[0]))
        return 77
    try:
        key, exp = default_files(a.files[0]) if len(a.files) == 1 else a.files[1:]
        return check(a.tshark, a.files[0], key, exp, a.verbose)
    except (InputError, OSError, KeyError, ValueError) as e:
        print('%s: %s' % (os.path.basename(a.files[0]), e))
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
