/* SPDX-License-Identifier: MIT */
/*
 * cases_lso.c - area `lso`: large send offload combined with IPsec
 * (R-TX-6, LsoSupported). TCP/IP hands one large TCP packet, framed with
 * the SA's headers and no ESP trailer, PadLength bytes to discard at its
 * end; the engine cuts it at MSS and seals every segment. Each segment is
 * decrypted by the reference engine and checked: a TCP payload of at most
 * MSS bytes (the last one shorter), the payloads together the large one,
 * TCP sequence numbers advancing with the data, PSH and FIN on the last
 * segment only, IP lengths, IPv4 header and TCP checksums right, the ESP
 * (and AH) sequence number the large packet's plus the segment's index
 * (PROFILE.md 4), every IV distinct; and the LSO completion value. Rows
 * that ask for it (arg, LX_*) also check the trailer the engine builds (the
 * padding 1, 2, 3, ...), IPv4 identification and CWR per segment, and the
 * ESN high half across a wrap of the low half inside one burst.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* Extra checks of a row (vparams.arg). */
enum {
	LX_PAD = 1,       /* padding bytes 1, 2, 3, ... (RFC 4303 s2.4; PROFILE.md 4) */
	LX_HDR = 2,       /* CWR on the first segment only, IPv4 identification + k */
	LX_ESN_WRAP = 4,  /* ESN SA, the low half wraps inside the burst */
};

/* First ESP sequence number of a burst: 100, or with LX_ESN_WRAP two
 * before the low half wraps (segments 2 and 3 are in the next epoch). */
#define LSO_SEQ 100u
#define LSO_SEQ_WRAP 0xFFFFFFFEu

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One segment s (len bytes), decrypted into d by the reference engine.
 * seq0: the large packet's sequence number; checks: the row's LX_* bits. */
static bool segment(struct vctx *x, const struct vx_exchange *e, uint32_t k, bool last,
		    uint32_t mss, const uint8_t *s, uint32_t len, uint8_t *data, uint32_t *got,
		    uint32_t total, uint32_t seq0, unsigned checks)
{
	static uint8_t d[FB_MAX_FRAME];
	const struct fb_where *w = &e->f.w[0];
	const struct fb_sa *sa = &e->fs.lv[0].sa;
	uint32_t tcp = e->f.lso_tcp, icv, pad, dend, n, ip = w->ip, seq = seq0 + k;
	struct sa_spec in = e->sp[0];
	uintptr_t s1, s12;
	char a[160];

	if (len <= tcp + 20 + sa->esp_icv + 2 || len > FB_MAX_FRAME)
		return vx_fail(x, "segment %u: %u bytes cannot hold the headers", k, len);
	/* Past the wrap the receiver holds the next high half: a segment still
	 * sealed with the old one verifies under neither it nor the one after
	 * (RFC 4303 s2.2.1, appendix A). Before it, only the old one does. */
	if ((checks & LX_ESN_WRAP) && seq < seq0)
		for (ULONG m = 0; m < in.num; m++)
			in.m[m].esn_high++;
	if (!vx_unseal(x, &in, 1, e->key, s, len, &s1, &s12, d))
		return false;
	if (s1 != vx_want_slot1(1, CRYPTO_SUCCESS))
		return vx_fail(x, "segment %u (sequence number 0x%08x): the reference engine "
			       "receives it as %s%s", k, seq, vx_slot1_text(s1, a, sizeof(a)),
			       (checks & LX_ESN_WRAP) ? " (ESN: the receiver's high half is the "
			       "SA's, plus 1 once the low half wrapped)" : "");
	icv = len - sa->esp_icv;
	pad = d[icv - 2];
	if (d[icv - 1] != 6)
		return vx_fail(x, "segment %u: Next Header %u, want 6 (TCP, from the header "
			       "information)", k, d[icv - 1]);
	if (pad + 2 + tcp + 20 > icv)
		return vx_fail(x, "segment %u: Pad Length %u past the data", k, pad);
	dend = icv - 2 - pad;
	/* RFC 4303 s2.4: "the first padding byte appended to the plaintext is
	 * numbered 1"; PROFILE.md 4: the engine builds each segment's trailer. */
	for (uint32_t i = 0; (checks & LX_PAD) && i < pad; i++)
		if (d[dend + i] != i + 1)
			return vx_fail(x, "segment %u: padding byte %u of %u is %u, want %u (RFC 4303 "
				       "s2.4: 1, 2, 3, ...)", k, i + 1, pad, d[dend + i], i + 1);
	n = dend - tcp - 20;
	if (n > mss || (!last && n != mss))
		return vx_fail(x, "segment %u carries %u TCP payload bytes, MSS %u", k, n, mss);
	if ((d[ip] >> 4) == 4) {
		if (((uint32_t)d[ip + 2] << 8 | d[ip + 3]) != len - ip)
			return vx_fail(x, "segment %u: IPv4 total length %u, the packet has %u", k,
				       (uint32_t)d[ip + 2] << 8 | d[ip + 3], len - ip);
		if (fb_fold(fb_sum(d + ip, (d[ip] & 15u) * 4, 0)) != 0)
			return vx_fail(x, "segment %u: IPv4 header checksum wrong", k);
	} else if (((uint32_t)d[ip + 4] << 8 | d[ip + 5]) != len - ip - 40) {
		return vx_fail(x, "segment %u: IPv6 payload length wrong", k);
	}
	if (be32(d + w->esp + 4) != seq)
		return vx_fail(x, "segment %u: ESP sequence number %u, want %u (the large packet's "
			       "plus %u)", k, be32(d + w->esp + 4), seq, k);
	if (w->ah && be32(d + w->ah + 8) != seq)
		return vx_fail(x, "segment %u: AH sequence number %u, want %u", k, be32(d + w->ah + 8),
			       seq);
	/* PROFILE.md 4: IPv4 identification plus k; CWR only on the first
	 * segment (the large packet carries it). */
	if ((checks & LX_HDR) && (d[ip] >> 4) == 4 &&
	    ((uint32_t)d[ip + 4] << 8 | d[ip + 5]) != (((uint32_t)e->f.b[ip + 4] << 8 |
							e->f.b[ip + 5]) + k) % 65536u)
		return vx_fail(x, "segment %u: IPv4 identification 0x%04x, want the large packet's "
			       "0x%04x plus %u", k, (uint32_t)d[ip + 4] << 8 | d[ip + 5],
			       (uint32_t)e->f.b[ip + 4] << 8 | e->f.b[ip + 5], k);
	if ((checks & LX_HDR) && (d[tcp + 13] & 0x80) != (k == 0 ? (e->f.b[tcp + 13] & 0x80) : 0))
		return vx_fail(x, "segment %u: CWR %s (only the first segment keeps it)", k,
			       (d[tcp + 13] & 0x80) ? "set" : "clear");
	if (be32(d + tcp + 4) != be32(e->f.b + tcp + 4) + *got)
		return vx_fail(x, "segment %u: TCP sequence number does not follow the data", k);
	if ((d[tcp + 13] & 0x09) != (last ? (e->f.b[tcp + 13] & 0x09) : 0))
		return vx_fail(x, "segment %u: FIN/PSH 0x%x (only the last segment keeps them)", k,
			       d[tcp + 13] & 0x09);
	if (fb_l4_check(d, ip, 6, tcp, dend) != 0)
		return vx_fail(x, "segment %u: TCP checksum wrong", k);
	if (*got + n > total)
		return vx_fail(x, "the segments carry more than the large packet's %u bytes", total);
	memcpy(data + *got, d + tcp + 20, n);
	*got += n;
	return true;
}

/* variant: 0 LSOv2 with a short last segment; 1 LSOv2, payload a multiple
 * of MSS; 2 LSOv1. arg: LX_* checks beyond those every row makes. */
static void lso(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t data[8192], ivs[16][16];
	uint32_t mss = 1000, total = c->p.variant == 1 ? 4000 : 3500, got = 0, inst, nseg;
	uint32_t seq0 = (c->p.arg & LX_ESN_WRAP) ? LSO_SEQ_WRAP : LSO_SEQ;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	const struct fb_sa *sa;
	NDIS_HANDLE h[2];
	uintptr_t want2;
	char sn[48];

	e.key = 1;
	memset(&e.fs, 0, sizeof(e.fs));
	e.fs.n_levels = 1;
	e.fs.lso = true;
	e.fs.lso_pad = 3;
	e.fs.payload_len = total;
	e.fs.seed = 77;
	fb_level_std(&e.fs.lv[0], c->p.family, 0, false);
	vx_spec(x, c->p.alg, &e.fs.lv[0], false, VU_NONE, c->p.esn, &e.sp[0]);
	e.n_sa = 1;
	fb_sa_from_spec(&e.sp[0], seq0, &e.fs.lv[0].sa);
	if (fb_build(&e.fs, &e.f) != 0)
		return (void)vx_fail(x, "harness: the large packet does not build");
	if (c->p.arg & LX_HDR)
		e.f.b[e.f.lso_tcp + 13] |= 0x80;      /* CWR: congestion window reduced */
	sa = &e.fs.lv[0].sa;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	t.offload = h[0];
	t.hdr = e.f.hdr_info;
	t.lso = mss | (uintptr_t)e.f.lso_tcp << LSO_TCP_HEADER_OFFSET_SHIFT |
		(c->p.variant == 2 ? 0 : LSO_TYPE_MASK | (c->p.family == 6 ? LSO_V2_IP_VERSION_MASK : 0));
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "the LSO send completed with %s (engine: %.300s)",
				     ndis_status_name(o->nbls[0].status, sn, sizeof(sn)),
				     eh_last_log(x->eh));
	nseg = (total + mss - 1) / mss;
	if (o->n_tx != nseg)
		return (void)vx_fail(x, "%u segments transmitted for %u payload bytes at MSS %u, "
				     "want %u", o->n_tx, total, mss, nseg);
	for (uint32_t k = 0; k < nseg; k++) {
		if (!o->tx[k].bytes || !segment(x, &e, k, k + 1 == nseg, mss, o->tx[k].bytes,
						o->tx[k].len, data, &got, total, seq0,
						(unsigned)c->p.arg))
			return;
		if (sa->esp_iv) {
			memcpy(ivs[k], o->tx[k].bytes + e.f.w[0].iv, sa->esp_iv);
			for (uint32_t j = 0; j < k; j++)
				if (memcmp(ivs[j], ivs[k], sa->esp_iv) == 0)
					return (void)vx_fail(x, "segments %u and %u have the same IV",
							     j, k);
		}
	}
	if (got != total || memcmp(data, e.f.b + e.f.lso_tcp + 20, total) != 0)
		return (void)vx_fail(x, "the segments' payloads together are not the large packet's");
	/* Completion: LSOv1 reports TcpPayload, LSOv2 keeps Type with the rest
	 * zero (nbllso.h). */
	want2 = c->p.variant == 2 ? total : LSO_TYPE_MASK;
	if (o->nbls[0].slots[TcpLargeSendNetBufferListInfo] != want2)
		vx_fail(x, "the LSO slot on completion is 0x%lx, want 0x%lx (%s)",
			(unsigned long)o->nbls[0].slots[TcpLargeSendNetBufferListInfo],
			(unsigned long)want2, c->p.variant == 2 ? "LSOv1: TcpPayload"
			: "LSOv2: Type, Reserved zero");
}

#define ROW(i, t, b) .id = "lso-" i, .area = "lso", .title = t, .rule = "R-TX-6; PROFILE.md 4; " \
	"nbllso.h", .body = b, .needs = VN_LSO

/* A row whose rule says more than the common one. */
#define ROWR(i, t, r, b) .id = "lso-" i, .area = "lso", .title = t, .rule = r, .body = b, \
	.needs = VN_LSO

static const struct vcase rows[] = {
	{ ROW("001", "LSOv2 + IPsec (AES-GCM): every segment sealed and right, the last one short",
	      lso), .p = { .alg = &valg_core[0] }, .open = VO_FAMILY },
	{ ROW("004", "LSOv2 + IPsec (AES-CBC + HMAC-SHA1): every segment sealed and right", lso),
	  .p = { .alg = &valg_core[1] }, .open = VO_FAMILY },
	{ ROW("005", "LSOv2 + IPsec (NULL + HMAC-SHA256)", lso),
	  .p = { .alg = &valg_core[2], .family = 6 } },
	{ ROW("006", "LSOv2 + IPsec (NULL + AES-GMAC)", lso), .p = { .alg = &valg_core[3], .family = 4 } },
	{ ROW("007", "LSOv2 + IPsec ([ESP, AH] bundle): both sequence numbers per segment", lso),
	  .p = { .alg = &valg_core[6], .family = 4 } },
	{ ROW("002", "LSOv2 + IPsec: a payload of whole segments", lso),
	  .p = { .alg = &valg_core[1], .family = 4, .variant = 1 } },
	{ ROW("003", "LSOv1 + IPsec: segments, and TcpPayload on completion", lso),
	  .p = { .alg = &valg_core[0], .family = 4, .variant = 2 } },
	{ ROWR("008", "LSOv2 + IPsec (AES-CBC): each segment's padding is 1, 2, 3, ..., the short "
	       "last one's too", "R-TX-6; PROFILE.md 4; RFC 4303 s2.4", lso),
	  .p = { .alg = &valg_core[1], .arg = LX_PAD }, .open = VO_FAMILY },
	{ ROWR("009", "LSOv2 + IPsec: IPv4 identification plus the segment's index, CWR on the "
	       "first segment only", "R-TX-6; PROFILE.md 4", lso),
	  .p = { .alg = &valg_core[0], .family = 4, .arg = LX_HDR } },
	{ ROWR("010", "LSOv2 + IPsec with ESN: the low half wraps inside the burst, the segments "
	       "after it carry the next high half in their ICV", "R-TX-6; PROFILE.md 4; RFC 4303 "
	       "s2.2.1", lso),
	  .p = { .alg = &valg_core[1], .esn = true, .arg = LX_ESN_WRAP }, .open = VO_FAMILY },
	{ ROWR("011", "LSOv2 + IPsec with ESN ([ESP, AH] bundle): both ICVs take the next high "
	       "half after the wrap", "R-TX-6; PROFILE.md 4; RFC 4303 s2.2.1; RFC 4302 "
	       "s3.3.3.3.1", lso),
	  .p = { .alg = &valg_core[6], .family = 4, .esn = true, .arg = LX_ESN_WRAP } },
};

const struct vtable vt_lso = { "lso", "large send offload with IPsec", rows,
			       sizeof(rows) / sizeof(rows[0]) };
