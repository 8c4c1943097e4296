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
 * (PROFILE.md 4), every IV distinct; and the LSO completion value.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One segment s (len bytes), decrypted into d by the reference engine. */
static bool segment(struct vctx *x, const struct vx_exchange *e, uint32_t k, bool last,
		    uint32_t mss, const uint8_t *s, uint32_t len, uint8_t *data, uint32_t *got,
		    uint32_t total)
{
	static uint8_t d[FB_MAX_FRAME];
	const struct fb_where *w = &e->f.w[0];
	const struct fb_sa *sa = &e->fs.lv[0].sa;
	uint32_t tcp = e->f.lso_tcp, icv, pad, dend, n, ip = w->ip;
	uintptr_t s1, s12;
	char a[160];

	if (len <= tcp + 20 + sa->esp_icv + 2 || len > FB_MAX_FRAME)
		return vx_fail(x, "segment %u: %u bytes cannot hold the headers", k, len);
	if (!vx_unseal(x, e->sp, 1, e->key, s, len, &s1, &s12, d))
		return false;
	if (s1 != vx_want_slot1(1, CRYPTO_SUCCESS))
		return vx_fail(x, "segment %u: the reference engine receives it as %s", k,
			       vx_slot1_text(s1, a, sizeof(a)));
	icv = len - sa->esp_icv;
	pad = d[icv - 2];
	if (d[icv - 1] != 6)
		return vx_fail(x, "segment %u: Next Header %u, want 6 (TCP, from the header "
			       "information)", k, d[icv - 1]);
	if (pad + 2 + tcp + 20 > icv)
		return vx_fail(x, "segment %u: Pad Length %u past the data", k, pad);
	dend = icv - 2 - pad;
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
	if (be32(d + w->esp + 4) != 100 + k)
		return vx_fail(x, "segment %u: ESP sequence number %u, want %u (the large packet's "
			       "plus %u)", k, be32(d + w->esp + 4), 100 + k, k);
	if (w->ah && be32(d + w->ah + 8) != 100 + k)
		return vx_fail(x, "segment %u: AH sequence number %u, want %u", k, be32(d + w->ah + 8),
			       100 + k);
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
 * of MSS; 2 LSOv1. */
static void lso(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t data[8192], ivs[16][16];
	uint32_t mss = 1000, total = c->p.variant == 1 ? 4000 : 3500, got = 0, inst, nseg;
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
	vx_spec(x, c->p.alg, &e.fs.lv[0], false, VU_NONE, false, &e.sp[0]);
	e.n_sa = 1;
	fb_sa_from_spec(&e.sp[0], 100, &e.fs.lv[0].sa);
	if (fb_build(&e.fs, &e.f) != 0)
		return (void)vx_fail(x, "harness: the large packet does not build");
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
						o->tx[k].len, data, &got, total))
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
};

const struct vtable vt_lso = { "lso", "large send offload with IPsec", rows,
			       sizeof(rows) / sizeof(rows[0]) };
