/* SPDX-License-Identifier: MIT */
/*
 * rx_class.c - see rx_class.h.
 *
 * Implementation notes. The judge rebuilds what the engine must indicate
 * from the frame as it arrived, with the targets' own crypto: for a
 * CRYPTO_SUCCESS, the outer portion (and the inner one when NextCryptoDone
 * says it was processed) verified and decrypted in place, every other byte
 * as it came (PROFILE.md 5); then it compares byte for byte. A portion
 * "holds" when it matched an SA, nothing makes it unacceptable (lengths,
 * protocol, encapsulation), its ICV verifies with the SA's keys (and the
 * ESN high half or the next one, PROFILE.md 15) and, for ESP, its Pad
 * Length stays inside the payload: the engine must then take it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "session.h"
#include "rx_class.h"
#include "rx_crypto.h"
#include "rx_shape.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- the classifier ---- */

static bool v6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 135;
}

static bool v6_ext_unknown(uint8_t nh)
{
	return nh == 139 || nh == 140 || nh == 253 || nh == 254;
}

/* The IPsec header behind the IP header: sets hdr/ah/udp, or the kind. */
static void find_ipsec(const uint8_t *p, uint8_t proto, uint32_t o, struct rxk_level *l)
{
	uint32_t rem;

	if (proto == 50 || proto == 51) {
		l->hdr = o;
		l->ah = proto == 51;
		l->kind = RXK_MATCH;   /* provisional */
		return;
	}
	if (proto != 17 || l->end - o < 8 || rd16(p + o + 2) != 4500) {
		l->kind = RXK_NOT_IPSEC;
		return;
	}
	o += 8;
	rem = l->end - o;
	/* RFC 3948 §2.2 keepalive: one 0xFF byte; §2.1 the non-ESP marker. */
	if ((rem == 1 && p[o] == 0xFF) || rem < 4 || rd32(p + o) == 0) {
		l->kind = RXK_NOT_IPSEC;
		return;
	}
	l->hdr = o;
	l->udp = true;
	l->kind = RXK_MATCH;
}

/* The SA and what makes its portion unacceptable. */
static void match(struct rx_table *t, const uint8_t *p, bool outer, struct rxk_level *l)
{
	uint32_t spi, dlen = l->ver == 4 ? 4 : 16;
	const uint8_t *dst = p + l->ip + (l->ver == 4 ? 16 : 24);
	struct rx_sa *sa;
	const struct rx_member *om;
	struct rx_member *e;

	if (l->end - l->hdr < 8) {
		l->kind = RXK_UNSURE;
		return;
	}
	spi = rd32(p + l->hdr + (l->ah ? 4 : 0));
	sa = rx_find(t, spi);
	if (!sa || !sa->h || sa->family != l->ver || memcmp(sa->dst, dst, dlen) != 0) {
		l->kind = RXK_NO_SA;
		return;
	}
	l->sa = sa;
	om = rx_outer(sa);
	if ((om->op == IPsecOffloadV2Ah) != l->ah) {
		l->bad = "the frame's protocol is not the SA's (AH / ESP)";
		l->other_protocol = true;
		return;
	}
	if (l->udp != rx_udp_expected(sa, outer)) {
		l->bad = l->udp ? "UDP-encapsulated ESP for an SA without UDP-ESP here"
				: "plain ESP for a UDP-ESP SA";
		return;
	}
	l->esp = l->hdr;
	if (l->ah) {
		const struct rx_member *a = om;

		if (l->end - l->hdr < 12) {
			l->bad = "AH shorter than its fixed header";
			return;
		}
		l->ah_len = ((uint32_t)p[l->hdr + 1] + 2) * 4;
		if (l->ah_len > l->end - l->hdr) {
			l->bad = "AH length beyond the packet";
			return;
		}
		if (12 + a->iv_len + a->icv_len > l->ah_len) {
			l->bad = "AH too short for its IV and ICV";
			return;
		}
		if (l->ver == 6 && l->ah_len % 8) {
			l->bad = "AH not a multiple of 8 bytes in IPv6";
			return;
		}
		l->esp = 0;
		if (sa->n == 1)
			return;
		l->esp = l->hdr + l->ah_len;
		if (p[l->hdr] != 50 || l->end - l->esp < 8 || rd32(p + l->esp) != sa->m[0].spi) {
			l->bad = "no ESP of the bundle behind its AH";
			return;
		}
	}
	e = rx_esp(sa);
	if (e) {
		uint32_t need = 8 + e->iv_len + 2 + e->icv_len;

		if (l->end - l->esp < need) {
			l->bad = "ESP too short for header, IV, trailer and ICV";
			return;
		}
		if ((l->end - l->esp - 8 - e->iv_len - e->icv_len) % e->block) {
			l->bad = "ciphertext not a multiple of the cipher block";
			return;
		}
	}
}

void rxk_ip(struct rx_table *t, const uint8_t *p, uint32_t len, uint32_t off, bool outer,
	    struct rxk_level *l)
{
	uint8_t proto;
	uint32_t o;

	memset(l, 0, sizeof(*l));
	l->ip = off;
	if (off >= len) {
		l->kind = RXK_MALFORMED;
		return;
	}
	l->ver = p[off] >> 4;
	if (l->ver == 4) {
		uint32_t ihl, total;

		if (len - off < 20) {
			l->kind = RXK_MALFORMED;
			return;
		}
		ihl = (uint32_t)(p[off] & 15) * 4;
		total = rd16(p + off + 2);
		if (ihl < 20 || total < ihl || total > len - off) {
			l->kind = RXK_MALFORMED;
			return;
		}
		l->end = off + total;
		if (rd16(p + off + 6) & 0x3FFF) {          /* More Fragments, or an offset */
			l->kind = RXK_FRAGMENT;
			return;
		}
		proto = p[off + 9];
		o = off + ihl;
	} else if (l->ver == 6) {
		uint32_t plen;
		bool frag = false;

		if (len - off < 40) {
			l->kind = RXK_MALFORMED;
			return;
		}
		plen = rd16(p + off + 4);
		if (plen > len - off - 40) {
			l->kind = RXK_MALFORMED;
			return;
		}
		l->end = off + 40 + plen;
		proto = p[off + 6];
		o = off + 40;
		while (v6_ext(proto)) {
			uint32_t hl;

			if (l->end - o < 2) {
				l->kind = RXK_MALFORMED;
				return;
			}
			hl = proto == 44 ? 8u : ((uint32_t)p[o + 1] + 1) * 8;
			if (hl > l->end - o) {
				l->kind = RXK_MALFORMED;
				return;
			}
			frag |= proto == 44;
			proto = p[o];
			o += hl;
		}
		if (frag) {
			l->kind = RXK_FRAGMENT;
			return;
		}
		if (v6_ext_unknown(proto)) {
			l->kind = RXK_UNSURE;
			return;
		}
	} else {
		l->kind = RXK_MALFORMED;
		return;
	}
	find_ipsec(p, proto, o, l);
	if (l->kind == RXK_MATCH)
		match(t, p, outer, l);
}

void rxk_frame(struct rx_table *t, const uint8_t *p, uint32_t len, struct rxk_level *l)
{
	uint32_t off = 14;
	uint16_t et;

	memset(l, 0, sizeof(*l));
	if (len < 14) {
		l->kind = RXK_MALFORMED;
		return;
	}
	et = rd16(p + 12);
	for (int tags = 0; et == 0x8100 || et == 0x88A8; tags++) {
		if (tags == 2) {
			l->kind = RXK_UNSURE;      /* a third tag: not decided */
			return;
		}
		if (len - off < 4) {
			l->kind = RXK_MALFORMED;
			return;
		}
		et = rd16(p + off + 2);
		off += 4;
	}
	if (et != 0x0800 && et != 0x86DD) {
		l->kind = RXK_NOT_IPSEC;
		return;
	}
	if (off < len && (p[off] >> 4) != (et == 0x0800 ? 4 : 6) && (p[off] >> 4 == 4 || p[off] >> 4 == 6)) {
		l->kind = RXK_UNSURE;              /* EtherType and version disagree */
		return;
	}
	rxk_ip(t, p, len, off, true, l);
}

/* ---- the judge ---- */

static const char *kind_name(enum rxk_kind k)
{
	static const char *const n[] = { "unsure", "malformed", "not IPsec", "a fragment",
					  "IPsec no SA matches", "an offloaded SA's" };

	return n[k];
}

static const char *sa_text(const struct rxk_level *l)
{
	static char b[2][160];
	static int i;

	i ^= 1;
	if (!l->sa)
		return kind_name(l->kind);
	return rx_sa_name(l->sa, b[i], sizeof(b[i]));
}

/* Verify the ICV(s) of the portion l of p with the SA's keys: 1, 0, or -1
 * (the frame cannot be read as the SA's). ESN: the SA's high half, then
 * the next one for a low half below 2^31 (PROFILE.md 15). *ah_ok: the AH
 * member verified (bundles). */
static int verify(const uint8_t *p, const struct rxk_level *l, bool *ah_ok)
{
	struct rx_member *a = rx_ah(l->sa), *e = rx_esp(l->sa);
	int r;

	*ah_ok = false;
	if (a) {
		r = rxc_ah_verify(a, p, l->ip, l->hdr, l->end, a->esn_hi);
		if (r == 0 && a->esn && rd32(p + l->hdr + 8) < 0x80000000u)
			r = rxc_ah_verify(a, p, l->ip, l->hdr, l->end, a->esn_hi + 1);
		if (r != 1)
			return r;
		*ah_ok = true;
	}
	if (e) {
		r = rxc_esp_verify(e, p, l->esp, l->end, e->esn_hi);
		if (r == 0 && e->esn && rd32(p + l->esp + 4) < 0x80000000u)
			r = rxc_esp_verify(e, p, l->esp, l->end, e->esn_hi + 1);
		return r;
	}
	return 1;
}

/* A portion opened in b (decrypted in place by our own crypto). */
struct opened {
	bool ok;                 /* matched, acceptable, verified, pad inside */
	int verified;            /* verify(): 1, 0, -1 */
	bool ah_ok;
	bool has_esp;
	uint32_t payload, icv;   /* ESP ciphertext range */
	uint8_t pad, nh;         /* ESP trailer; AH-only: AH's Next Header */
	bool pad_lies;
	uint32_t inner, inner_end;   /* where an inner IP packet would be */
};

static uint8_t work[RX_MAX_FRAME + 64];
static int verbose = -1;

/* Open portion l of b (its bytes as they arrived at that portion) in place. */
static void open_portion(uint8_t *b, const struct rxk_level *l, struct opened *o)
{
	struct rx_member *e;

	memset(o, 0, sizeof(*o));
	if (l->kind != RXK_MATCH || l->bad)
		return;
	o->verified = verify(b, l, &o->ah_ok);
	e = rx_esp(l->sa);
	if (!e) {
		o->nh = b[l->hdr];
		o->inner = l->hdr + l->ah_len;
		o->inner_end = l->end;
		o->ok = o->verified == 1;
		return;
	}
	o->has_esp = true;
	o->payload = l->esp + 8 + e->iv_len;
	o->icv = l->end - e->icv_len;
	if (rxc_esp_decrypt(e, b, l->esp, l->end, work) < 0)
		fz_fault("harness: the targets' own decryption failed", "SA %s", sa_text(l));
	memcpy(b + o->payload, work, o->icv - o->payload);
	o->pad = b[o->icv - 2];
	o->nh = b[o->icv - 1];
	o->pad_lies = (uint32_t)o->pad + 2 > o->icv - o->payload;
	if (!o->pad_lies) {
		o->inner = o->payload;
		o->inner_end = o->icv - 2 - o->pad;
	}
	o->ok = o->verified == 1 && !o->pad_lies;
}

static bool tunnel_nh(uint8_t nh)
{
	return nh == 4 || nh == 41;
}

static bool auth_failed(uint16_t st)
{
	return st >= CRYPTO_TRANSPORT_AH_AUTH_FAILED && st <= CRYPTO_TUNNEL_ESP_AUTH_FAILED;
}

/* The Next Header a failed ESP portion at esp (of SA member e) tells,
 * from a decrypted copy of its trailer; -1 when it has none. */
static int peek_nh(struct rx_member *e, const uint8_t *b, uint32_t esp, uint32_t end)
{
	int n = rxc_esp_decrypt(e, b, esp, end, work);

	return n > 0 ? work[n - 1] : -1;
}

/* The auth-failed code a failing portion l of b must give (PROFILE.md 6,
 * 11: AH before ESP, the portion's kind from its Next Header, for ESP from
 * a decrypted copy of the trailer), or -1 when the judge cannot say. */
static int want_code(uint8_t *b, const struct rxk_level *l, const struct opened *o)
{
	struct rx_member *e = rx_esp(l->sa);
	bool ah_failed = rx_ah(l->sa) && !o->ah_ok;
	int nh;

	if (o->verified < 0)
		return -1;
	if (ah_failed) {
		nh = b[l->hdr];
		if (l->sa->n == 2 && nh == 50)
			nh = peek_nh(e, b, l->esp, l->end);
		return tunnel_nh((uint8_t)nh) && nh >= 0 ? CRYPTO_TUNNEL_AH_AUTH_FAILED
							 : CRYPTO_TRANSPORT_AH_AUTH_FAILED;
	}
	nh = peek_nh(e, b, l->esp, l->end);
	return nh >= 0 && tunnel_nh((uint8_t)nh) ? CRYPTO_TUNNEL_ESP_AUTH_FAILED
						 : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
}

static void must_not_process(const struct rxk_level *l, bool processed, bool inner)
{
	if (!processed)
		return;
	if (l->kind == RXK_FRAGMENT)
		fz_fault(inner ? "receive: an inner IP fragment processed (NextCryptoDone)"
			 : "receive: an IP fragment processed",
			 "a fragment must be indicated without IPsec processing (R-RX-7)");
	if (l->kind == RXK_MALFORMED)
		fz_fault(inner ? "receive: an inner IP header that lies processed"
			 : "receive: a frame whose IP header lies processed",
			 "PROFILE.md P-8: indicated without IPsec processing");
	if (l->kind == RXK_NOT_IPSEC)
		fz_fault(inner ? "receive: an inner packet without IPsec processed"
			 : "receive: a frame without IPsec processed",
			 "no AH, ESP or UDP-ESP (IKE and NAT keepalives included)");
}

static void same_bytes(const char *sig, const uint8_t *got, const uint8_t *want, uint32_t len,
		       const char *what)
{
	for (uint32_t i = 0; i < len; i++)
		if (got[i] != want[i])
			fz_fault(sig, "%s: byte %u is 0x%02x, want 0x%02x", what, i, got[i], want[i]);
}

void rx_judge(struct rx_table *t, const uint8_t *in, uint32_t len, const struct eh_nbl_out *n,
	      struct rx_seen *seen)
{
	static uint8_t want[RX_MAX_FRAME + 64], outer_only[RX_MAX_FRAME + 64];
	uintptr_t s1 = n->slots[IPsecOffloadV2NetBufferListInfo];
	uintptr_t s11 = n->slots[IPsecOffloadV2TunnelNetBufferListInfo];
	uintptr_t s12 = n->slots[IPsecOffloadV2HeaderNetBufferListInfo];
	const uint8_t *got = n->nbs[0].bytes;
	struct rxk_level *o = &seen->outer, il;
	struct opened oo, io;
	bool done, next;
	uint16_t st;

	memset(seen, 0, sizeof(*seen));
	done = s1 & IPSEC_RX_CRYPTO_DONE;
	next = s1 & IPSEC_RX_NEXT_CRYPTO_DONE;
	st = (uint16_t)IPSEC_RX_CRYPTO_STATUS(s1);
	seen->done = done;
	seen->next = next;
	seen->status = st;
	seen->hdr_set = s12 & IPSEC_HDR_RX_HEADER_INFO_SET;

	/* The slots (PROFILE.md 26). */
	if ((uint64_t)s1 >> 32 || (s1 & 0xFFF8u))
		fz_fault("receive: reserved bits of slot 1 set", "slot 1 0x%lx", (unsigned long)s1);
	if (st > CRYPTO_INVALID_PROTOCOL)
		fz_fault("receive: CryptoStatus is none of the eight codes", "CryptoStatus %u", st);
	if (next && !done)
		fz_fault("receive: NextCryptoDone without CryptoDone", "slot 1 0x%lx",
			 (unsigned long)s1);
	if (!done && st)
		fz_fault("receive: a CryptoStatus without CryptoDone", "CryptoStatus %u", st);
	if (s11)
		fz_fault("receive: slot 11 (tunnel) not zero", "slot 11 0x%lx", (unsigned long)s11);
	if ((uint64_t)s12 >> 17 || (!seen->hdr_set && s12))
		fz_fault("receive: slot 12 has bits beyond the header information",
			 "slot 12 0x%lx", (unsigned long)s12);
	/* HeaderInfoSet: an ESP trailer decrypted and the frame taken, or a
	 * tunnel that decrypted around a transport portion that failed
	 * (PROFILE.md 5: the innermost trailer that decrypted). */
	if (seen->hdr_set && (!done || (st != CRYPTO_SUCCESS && !next)))
		fz_fault("receive: HeaderInfoSet on a frame not taken",
			 "slot 1 CryptoDone %d NextCryptoDone %d CryptoStatus %s, slot 12 0x%lx", done,
			 next, done ? crypto_status_name(st) : "-", (unsigned long)s12);
	if (!got || n->nbs[0].len != len)
		fz_fault("receive: the indicated frame is not the one that arrived",
			 "%u bytes indicated, %u arrived", n->nbs[0].len, len);
	if (!done)
		same_bytes("receive: a frame indicated without IPsec processing was changed", got, in,
			   len, "indicated without CryptoDone");

	/* The frame's own classification. */
	rxk_frame(t, in, len, o);
	if (verbose < 0)
		verbose = getenv("IPOC_FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "rx: %u bytes, %s%s: CryptoDone %d NextCryptoDone %d %s, slot 12 "
			"0x%lx\n", len, kind_name(o->kind), o->bad ? " (cannot succeed)" : "", done,
			next, done ? crypto_status_name(st) : "-", (unsigned long)s12);
	must_not_process(o, done, false);
	/* An SA is looked up by SPI, destination and protocol (PROFILE.md 27):
	 * AH on an ESP SA's SPI (or the reverse) may be taken as no SA at all
	 * and indicated untouched (R-RX-2b, suite case class-013), or as
	 * CRYPTO_INVALID_PROTOCOL. */
	if (o->kind == RXK_MATCH && !done && !o->other_protocol)
		fz_fault("receive: a frame of an offloaded SA not processed",
			 "SA %s: CryptoDone 0 (PROFILE.md 6: CryptoDone whenever an SA matched)",
			 sa_text(o));
	if (!done)
		return;
	if (o->kind == RXK_NO_SA && st == CRYPTO_SUCCESS)
		fz_fault("receive: CRYPTO_SUCCESS for a frame no SA matches", "%s", kind_name(o->kind));
	if (o->kind != RXK_MATCH)
		return;
	if (o->bad && st == CRYPTO_SUCCESS)
		fz_fault(strstr(o->bad, "short") || strstr(o->bad, "length") || strstr(o->bad, "block")
			 || strstr(o->bad, "8 bytes") ? "receive: CRYPTO_SUCCESS for a frame too short "
			 "or misaligned for its SA" : "receive: CRYPTO_SUCCESS for a frame whose protocol "
			 "or encapsulation is not its SA's", "SA %s: %s", sa_text(o), o->bad);
	if (o->bad)
		return;

	/* What the engine must have made of it: our own opening. */
	memcpy(want, in, len);
	open_portion(want, o, &oo);
	if (st == CRYPTO_SUCCESS && oo.verified != 1)
		fz_fault("receive: CRYPTO_SUCCESS for a frame whose ICV does not verify",
			 "SA %s: the targets' own check says %s", sa_text(o),
			 oo.verified ? "it cannot be read as the SA's" : "the ICV is wrong");
	if (st == CRYPTO_SUCCESS && oo.pad_lies)
		fz_fault("receive: CRYPTO_SUCCESS with a Pad Length beyond the payload",
			 "SA %s: Pad Length %u, payload and trailer %u bytes (PROFILE.md P-8)",
			 sa_text(o), oo.pad, oo.icv - oo.payload);
	if (oo.verified == 1 && auth_failed(st) && !next)
		fz_fault("receive: an ICV that verifies reported as failed", "SA %s: %s", sa_text(o),
			 crypto_status_name(st));
	if (oo.ok && !next && st != CRYPTO_SUCCESS)
		fz_fault("receive: a frame that verifies was not taken",
			 "SA %s: %s; the ICV verifies, lengths and Pad Length hold", sa_text(o),
			 crypto_status_name(st));
	if (auth_failed(st) && !next) {
		int code;

		same_bytes("receive: a frame whose ICV failed was decrypted", got, in, len,
			   "an auth-failed frame (RFC 4303 s3.4.4.1: nothing decrypted)");
		memcpy(want, in, len);
		code = want_code(want, o, &oo);
		if (code >= 0 && code != st)
			fz_fault("receive: the auth-failed code names the wrong protocol or portion",
				 "SA %s: %s, want %s (PROFILE.md 6, 11)", sa_text(o),
				 crypto_status_name(st), crypto_status_name((uint32_t)code));
		return;
	}
	if (!oo.ok)
		return;      /* SYNTAX, PROTOCOL, GENERIC: what it decrypted to is not specified */

	/* The outer portion held and was taken: the inner one. */
	seen->verified[seen->n_verified++] = o->sa;
	memset(&il, 0, sizeof(il));
	il.kind = RXK_NOT_IPSEC;
	if (tunnel_nh(oo.nh) && oo.inner < oo.inner_end)
		rxk_ip(t, want, oo.inner_end, oo.inner, false, &il);
	else if (tunnel_nh(oo.nh))
		il.kind = RXK_MALFORMED;
	must_not_process(&il, next, true);
	/* The inner portion is the engine's only where it claims transport
	 * over tunnel (the suite's transport-over-tunnel cases need it too);
	 * else the host's stack processes it. */
	if (il.kind == RXK_MATCH && !next && fz_engine()->caps.IPsecV2.TransportTunnelCombined)
		fz_fault("receive: a transport portion inside a tunnel not processed",
			 "inner SA %s: NextCryptoDone 0 (R-RX-3)", sa_text(&il));
	if (next && il.kind == RXK_NO_SA && st == CRYPTO_SUCCESS)
		fz_fault("receive: CRYPTO_SUCCESS for a frame no SA matches",
			 "inner portion: %s", kind_name(il.kind));
	memset(&io, 0, sizeof(io));
	memcpy(outer_only, want, len);
	if (next && il.kind == RXK_MATCH) {
		if (il.bad && st == CRYPTO_SUCCESS)
			fz_fault("receive: CRYPTO_SUCCESS for an inner portion that cannot be its SA's",
				 "inner SA %s: %s", sa_text(&il), il.bad);
		if (auth_failed(st) && il.sa != o->sa && !il.bad) {
			static uint8_t copy[RX_MAX_FRAME + 64];
			struct opened tmp;
			int code;

			memcpy(copy, want, len);
			open_portion(copy, &il, &tmp);
			code = want_code(want, &il, &tmp);
			if (tmp.verified == 1)
				fz_fault("receive: an ICV that verifies reported as failed",
					 "inner SA %s: %s", sa_text(&il), crypto_status_name(st));
			if (code >= 0 && code != st)
				fz_fault("receive: the auth-failed code names the wrong protocol or "
					 "portion", "inner SA %s: %s, want %s (PROFILE.md 6, 11)",
					 sa_text(&il), crypto_status_name(st),
					 crypto_status_name((uint32_t)code));
		}
		if (!il.bad)
			open_portion(want, &il, &io);
		if (st == CRYPTO_SUCCESS && io.verified != 1)
			fz_fault("receive: CRYPTO_SUCCESS for a frame whose ICV does not verify",
				 "inner SA %s: the targets' own check says %s", sa_text(&il),
				 io.verified ? "it cannot be read as the SA's" : "the ICV is wrong");
		if (st == CRYPTO_SUCCESS && io.pad_lies)
			fz_fault("receive: CRYPTO_SUCCESS with a Pad Length beyond the payload",
				 "inner SA %s: Pad Length %u, payload and trailer %u bytes (PROFILE.md "
				 "P-8)", sa_text(&il), io.pad, io.icv - io.payload);
		if (io.ok && st != CRYPTO_SUCCESS)
			fz_fault("receive: a frame that verifies was not taken",
				 "inner SA %s: %s; the ICV verifies, lengths and Pad Length hold",
				 sa_text(&il), crypto_status_name(st));
		if (st == CRYPTO_SUCCESS)
			seen->verified[seen->n_verified++] = il.sa;
	}
	/* The header information: the innermost ESP trailer that decrypted. */
	{
		uintptr_t w12 = 0;

		if (next && st == CRYPTO_SUCCESS && io.has_esp)
			w12 = IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)io.pad << 8 | io.nh;
		else if (oo.has_esp)
			w12 = IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)oo.pad << 8 | oo.nh;
		if (s12 != w12)
			fz_fault("receive: the header information is not the innermost ESP trailer's",
				 "slot 12 0x%lx, want 0x%lx (SA %s%s)", (unsigned long)s12,
				 (unsigned long)w12, sa_text(o), next ? ", transport over tunnel" : "");
	}
	/* The bytes: decrypted in place, every other byte as it came. An
	 * inner portion that failed is left as the tunnel's decryption left
	 * it; one that failed for syntax is not specified. */
	if (next && st != CRYPTO_SUCCESS && !auth_failed(st))
		return;
	same_bytes("receive: the indicated frame is not the frame decrypted in place", got,
		   next && auth_failed(st) ? outer_only : want, len,
		   "decrypted by the targets' own crypto");
}
