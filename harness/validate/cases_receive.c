/* SPDX-License-Identifier: MIT */
/*
 * cases_receive.c - area `receive`: frames from the wire through
 * receive_net_buffer_lists. Every algorithm configuration x transport/tunnel
 * x IPv4/IPv6, transport over tunnel (NextCryptoDone), IPv4 options and
 * IPv6 extension headers, AH with mutable fields changed in transit, valid
 * frames padded to Ethernet's 60-byte minimum (one with the largest Pad
 * Length its ciphertext allows), frames that are not for the engine (no
 * SA, not IPsec, fragments), chains of NBLs, and SaDeleteReq.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* A frame received without IPsec processing: indicated once, unchanged,
 * the IPsec slots cleared (R-RX-2, R-RX-4, PROFILE.md 26). */
static bool untouched(struct vctx *x, uint32_t inst, const uint8_t *frame, uint32_t len,
		      const char *what)
{
	const struct eh_io_out *o = vx_recv(x, inst, frame, len, NULL, IPOC_NBL_GUARD_TAIL);
	const struct eh_nbl_out *n;
	char a[160];

	if (!o)
		return false;
	n = &o->nbls[0];
	if (n->slots[IPsecOffloadV2NetBufferListInfo] || n->slots[IPsecOffloadV2TunnelNetBufferListInfo] ||
	    n->slots[IPsecOffloadV2HeaderNetBufferListInfo])
		return vx_fail(x, "%s: indicated with slot 1 %s, slot 11 0x%lx, slot 12 0x%lx; want "
			       "all zero (no IPsec processing, R-RX-4)", what,
			       vx_slot1_text(n->slots[IPsecOffloadV2NetBufferListInfo], a, sizeof(a)),
			       (unsigned long)n->slots[IPsecOffloadV2TunnelNetBufferListInfo],
			       (unsigned long)n->slots[IPsecOffloadV2HeaderNetBufferListInfo]);
	if (!n->nbs[0].bytes || n->nbs[0].len != len)
		return vx_fail(x, "%s: indicated with %u bytes, %u arrived", what, n->nbs[0].len, len);
	return vx_same(x, what, n->nbs[0].bytes, frame, len, NULL, 0);
}

/* The packet e frames, without its IPsec: the same IP header(s) and
 * upper layer, protocol fields as such a packet has them. */
static bool plain_of(struct vctx *x, const struct vx_exchange *e, struct fb_frame *out)
{
	struct fb_spec fs = e->fs;

	for (uint32_t i = 0; i < fs.n_levels; i++)
		memset(&fs.lv[i].sa, 0, sizeof(fs.lv[i].sa));
	return fb_build(&fs, out) == 0 ? true : vx_fail(x, "harness: the plain frame");
}

/* AH verifies although the mutable fields changed on the way: IPv4 TOS,
 * TTL and checksum (and Record Route's data), IPv6 traffic class, flow
 * label and hop limit (RFC 4302 s3.3.3.1, appendix A). */
static void ah_mutable(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	uint8_t *w;
	uint32_t ip, inst;
	NDIS_HANDLE h[2];

	if (!vf_prepare(x, &c->p, 11, 1, &e))
		return;
	w = e.wire;
	ip = e.f.w[0].ip;
	if (c->p.family == 4) {
		w[ip + 1] ^= 0xFC;          /* DSCP */
		w[ip + 8] -= 3;             /* TTL, three hops later */
		if (c->p.opts)
			w[ip + 20 + 1 + 3] ^= 0x5A;   /* Record Route data (after NOP, type, len, ptr) */
		fb_fix_ipv4(w, ip);
	} else {
		w[ip] ^= 0x0F;              /* traffic class */
		w[ip + 3] ^= 0x77;          /* flow label */
		w[ip + 7] -= 3;             /* hop limit */
	}
	/* What the engine gives back is the frame as it arrived. */
	memcpy(e.f.b, w, ip + (c->p.family == 4 ? 20u : 40u));
	if (c->p.family == 4 && c->p.opts)
		memcpy(e.f.b + ip + 20, w + ip + 20, e.f.w[0].ip_len - 20);
	if (!vf_refresh(x, &e, false))
		return;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
}

/* The smallest ESP (or AH) packet over IPv4: 44 bytes, so the Ethernet
 * frame is padded to 60. The engine must take the IP packet's length from
 * its header, not from the frame (RFC 791, RFC 894). variant 1 (ESP): the
 * payload is empty, padding 1, 2 fills the ciphertext with the trailer
 * (Pad Length 2 = ciphertext length less two): the largest Pad Length
 * RFC 4303 s2.4 allows, to be taken, not refused as beyond the payload. */
static void min_frame(struct vctx *x, const struct vcase *c)
{
	bool ah = c->p.alg->m[0].op == IPsecOffloadV2Ah;
	uint32_t icv = 12, len, inst, pad, padlen = c->p.variant == 1 ? 2 : 0;
	struct sa_spec sp;
	struct fb_level l;
	struct fb_frame f;
	uint8_t wire[64];
	uint8_t *b = f.b, *ipsec;
	NDIS_HANDLE ho, hi;
	const struct eh_io_out *o;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	uint32_t r;
	char a[160], s1[160];
	uintptr_t want1 = vx_want_slot1(1, CRYPTO_SUCCESS), want12;

	memset(&f, 0, sizeof(f));
	fb_level_std(&l, 4, 0, false);
	vx_spec(x, c->p.alg, &l, false, VU_NONE, false, &sp);
	memcpy(b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	len = ah ? 20 + 12 + icv : 20 + 8 + 2 + 2 + icv;
	b[14] = 0x45;
	b[16] = (uint8_t)(len >> 8);
	b[17] = (uint8_t)len;
	b[22] = 64;
	b[23] = ah ? 51 : 50;
	memcpy(b + 26, l.src, 4);
	memcpy(b + 30, l.dst, 4);
	ipsec = b + 34;
	if (ah) {
		ipsec[0] = 59;                      /* no next header */
		ipsec[1] = (uint8_t)((12 + icv) / 4 - 2);
		memcpy(ipsec + 4, &sp.m[0].spi, 4);
		ipsec[11] = 1;
		f.hdr_info = 5u << 16;
	} else {
		memcpy(ipsec, &sp.m[0].spi, 4);
		ipsec[7] = 1;
		ipsec[8] = padlen ? 1 : 0xAB;       /* payload, or padding 1, 2 */
		ipsec[9] = padlen ? 2 : 0xCD;
		ipsec[10] = (uint8_t)padlen;        /* pad length */
		ipsec[11] = 59;                     /* next header */
		f.hdr_info = 5u << 24 | padlen << 8 | 59;
	}
	fb_fix_ipv4(b, 14);
	f.len = 14 + len;
	pad = 60 - f.len;
	/* Sealed by the reference engine. */
	r = vx_ref_open(x);
	if (r == UINT32_MAX || !vx_ref_add(x, r, &sp, 1, &ho))
		return;
	t.offload = ho;
	t.hdr = f.hdr_info;
	{
		struct eh_nb_in nb = { b, f.len, { NULL, 0, 0, 0, 0 } };
		struct eh_nbl_in nbl = { &nb, 1, { 0 } };
		struct eh_io_in in = { &nbl, 1, IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE, 0, 0 };
		const struct eh_io_out *so;

		nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)ho;
		nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = t.hdr;
		if (eh_send(x->ref, r, &in, &so) != EH_OK || so->n_tx != 1)
			return (void)vx_fail(x, "harness: the reference engine did not seal");
		memcpy(wire, so->tx[0].bytes, f.len);
	}
	memset(wire + f.len, 0, pad);
	inst = vx_open(x, NULL);
	{
		struct sa_spec in = vx_reverse(&sp);

		if (inst == UINT32_MAX || !vx_add_ok(x, inst, &in, 1, &hi))
			return;
	}
	o = vx_recv(x, inst, wire, 60, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	want12 = ah ? 0 : IPSEC_HDR_RX_HEADER_INFO_SET | padlen << IPSEC_HDR_PAD_LENGTH_SHIFT | 59;
	if (o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] != want1)
		return (void)vx_fail(x, "a %u-byte packet (Pad Length %u) in a 60-byte frame received "
				     "as %s, want %s", len, padlen,
				     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)),
				     vx_slot1_text(want1, s1, sizeof(s1)));
	if (o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo] != want12)
		return (void)vx_fail(x, "header information 0x%lx, want 0x%lx",
				     (unsigned long)o->nbls[0].slots[12], (unsigned long)want12);
	if (o->nbls[0].nbs[0].len != 60 || !o->nbls[0].nbs[0].bytes)
		return (void)vx_fail(x, "the indicated frame has %u bytes, 60 arrived",
				     o->nbls[0].nbs[0].len);
	vx_same(x, "the padded frame (NULL encryption: nothing to decrypt)",
		o->nbls[0].nbs[0].bytes, wire, 60, NULL, 0);
}

/* Not for the engine: an IPsec frame whose SPI no SA has (and one whose
 * destination differs), plain traffic, an ESP fragment. */
static void not_for_us(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst, ip;
	uint8_t *w;

	if (!vf_prepare(x, &c->p, 12, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, true, h))
		return;
	w = e.wire;
	ip = e.f.w[0].ip;
	switch (c->p.variant) {
	case 0:     /* another SPI (R-RX-2b) */
		w[e.f.w[0].esp ? e.f.w[0].esp + 3 : e.f.w[0].ah + 7] ^= 0x40;
		untouched(x, inst, w, e.f.len, "an SPI with no SA");
		break;
	case 1:     /* another destination address (R-RX-2b: "confirms the destination") */
		w[ip + (c->p.family == 4 ? 19 : 39)] ^= 0x01;
		fb_fix_ipv4(w, ip);
		untouched(x, inst, w, e.f.len, "a destination no SA has");
		break;
	case 2: {   /* the packet without IPsec: TCP, UDP or ICMP */
		static struct fb_frame plain;

		if (plain_of(x, &e, &plain))
			untouched(x, inst, plain.b, plain.len, "a frame that is not IPsec");
		break;
	}
	default:    /* a fragment of the ESP packet (R-RX-7) */
		if (c->p.family != 4)
			return (void)vx_fail(x, "harness: IPv4 only");
		w[ip + 6] |= 0x20;          /* More Fragments */
		fb_fix_ipv4(w, ip);
		untouched(x, inst, w, e.f.len, "an IP fragment");
		break;
	}
}

/* Three frames in one call, a chain of three NBLs: a good one, one of
 * another SPI, a plain one; each indicated exactly once with its own
 * outcome. */
static void rx_chain(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t other[FB_MAX_FRAME];
	static struct fb_frame plain;
	struct eh_nb_in nb[3];
	struct eh_nbl_in nbl[3];
	struct eh_io_in in = { nbl, 3, IPOC_NBL_GUARD_TAIL, EH_RECV_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;
	uintptr_t want[3] = { vx_want_slot1(1, CRYPTO_SUCCESS), 0, 0 };
	char a[160], b[160];

	if (!vf_prepare(x, &c->p, 13, 1, &e) || !plain_of(x, &e, &plain))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, true, h))
		return;
	memcpy(other, e.wire, e.f.len);
	other[e.f.w[0].esp + 3] ^= 0x40;
	memset(nbl, 0, sizeof(nbl));
	nb[0] = (struct eh_nb_in){ e.wire, e.f.len, { NULL, 0, 0, 0, 0 } };
	nb[1] = (struct eh_nb_in){ other, e.f.len, { NULL, 0, 0, 0, 0 } };
	nb[2] = (struct eh_nb_in){ plain.b, plain.len, { NULL, 0, 0, 0, 0 } };
	for (int i = 0; i < 3; i++) {
		nbl[i].nbs = &nb[i];
		nbl[i].n_nb = 1;
		nbl[i].slots[IPsecOffloadV2NetBufferListInfo] = 0xA5A50008u;
		nbl[i].slots[IPsecOffloadV2HeaderNetBufferListInfo] = 0xA5A5A5A5u;
	}
	if (!(o = vx_io(x, inst, true, &in)))
		return;
	for (int i = 0; i < 3; i++)
		if (o->nbls[i].slots[IPsecOffloadV2NetBufferListInfo] != want[i])
			return (void)vx_fail(x, "NBL %d of the chain: %s, want %s", i,
					     vx_slot1_text(o->nbls[i].slots[1], a, sizeof(a)),
					     vx_slot1_text(want[i], b, sizeof(b)));
	for (uint32_t i = 0; i < e.f.len; i++) {
		uint8_t w = e.rx[i];

		if (!o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].bytes[i] != w)
			return (void)vx_fail(x, "NBL 0 of the chain: byte %u not decrypted in place", i);
	}
}

/* SaDeleteReq: with every SA slot in use, a frame of one of them asks for
 * room (R-SA-10, PROFILE.md 26); the SA keeps working until TCP/IP deletes
 * it ("The NIC must not remove either of these SAs before receiving the
 * corresponding OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA"). */
static void sa_delete_req(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct ipoc_open_params p = { sizeof(p), 4, 0, 0 };
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
	NDIS_OFFLOAD caps;
	NDIS_HANDLE h[2], fill;
	uint32_t inst, cap;
	const struct eh_io_out *o;
	char a[160];

	if (!vf_prepare(x, &c->p, 14, 1, &e))
		return;
	inst = vx_open(x, &p);
	memset(&caps, 0, sizeof(caps));
	q.buf = &caps;
	q.len = sizeof(caps);
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		return;
	cap = caps.IPsecV2.SaOffloadCapacity;
	if (cap > 4096)
		return (void)vx_skip(x, "SaOffloadCapacity %u after asking for 4: too many to fill "
				     "in one case", cap);
	if (!vf_add(x, inst, &e, true, h))
		return;
	/* Fill every other slot. */
	for (uint32_t i = 1; i < cap; i++) {
		struct sa_spec s = vx_reverse(&e.sp[0]);

		s.m[0].spi = fb_spi_ndis(x->next_spi++);
		if (s.num == 2)
			s.m[1].spi = fb_spi_ndis(x->next_spi++);
		if (!vx_add_ok(x, inst, &s, 50 + i, &fill))
			return;
	}
	o = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	if (!(o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] & IPSEC_RX_SA_DELETE_REQ))
		return (void)vx_fail(x, "all %u SA slots in use, and a frame of one came in as %s "
				     "without SaDeleteReq", cap,
				     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)));
	if (!(o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] & IPSEC_RX_CRYPTO_DONE) ||
	    IPSEC_RX_CRYPTO_STATUS(o->nbls[0].slots[1]) != CRYPTO_SUCCESS)
		return (void)vx_fail(x, "with SaDeleteReq the frame must still be processed: %s",
				     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)));
	/* The SA is still there: the same frame again. */
	o = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
	if (o && IPSEC_RX_CRYPTO_STATUS(o->nbls[0].slots[1]) != CRYPTO_SUCCESS)
		vx_fail(x, "after SaDeleteReq the SA must stay until DELETE_SA: %s",
			vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)));
}

#define ROW(i, t, r, b) .id = "recv-" i, .area = "receive", .title = t, .rule = r, .body = b

static const struct vcase rows[] = {
	{ ROW("001", "an IPsec frame verified and decrypted in place; OOB slots of the innermost "
	      "trailer", "R-RX-3, R-RX-5, R-RX-6; PROFILE.md 5", vb_recv),
	  .p = { .family = 4 }, .open = VO_ALG | VO_MODE | VO_FAMILY },
	{ ROW("002", "transport over tunnel: both portions checked, NextCryptoDone, the inner "
	      "trailer in slot 12", "R-RX-3; PROFILE.md 5, 6", vb_recv),
	  .p = { .alg = &valg_core[0], .alg2 = &valg_core[1], .mode = VM_TOT }, .open = VO_FAMILY },
	{ ROW("003", "transport over tunnel: AH transport inside a NULL+GMAC tunnel, IPv4 in "
	      "IPv6", "R-RX-3; PROFILE.md 6", vb_recv),
	  .p = { .alg = &valg_core[3], .alg2 = &valg_core[4], .mode = VM_TOT, .family = 6,
		 .inner_family = 4 } },
	{ ROW("004", "IPv4 options / IPv6 extension headers before IPsec", "R-RX-2c; RFC 4302 "
	      "s3.3.3.1", vb_recv),
	  .p = { .opts = true }, .open = VO_ALG_CORE | VO_MODE | VO_FAMILY },
	{ ROW("005", "AH verifies after mutable fields changed in transit", "RFC 4302 s3.3.3.1, "
	      "appendix A", ah_mutable),
	  .p = { .alg = &valg_core[4], .opts = true }, .open = VO_FAMILY },
	{ ROW("006", "AH (GMAC) verifies after mutable fields changed in transit, tunnel",
	      "RFC 4302 s3.3.3.1; RFC 4543 s4", ah_mutable),
	  .p = { .alg = &valg_core[5], .mode = VM_TUNNEL }, .open = VO_FAMILY },
	{ ROW("007", "an [ESP, AH] bundle verifies after mutable fields changed", "RFC 4302 "
	      "s3.3.3.1; R-SA-4", ah_mutable), .p = { .alg = &valg_core[6], .family = 4 } },
	{ ROW("008", "the smallest ESP packet in a 60-byte (padded) Ethernet frame",
	      "RFC 894; RFC 4303 s2", min_frame), .p = { .alg = &valg_all[0], .family = 4 } },
	{ ROW("009", "the smallest AH packet in a 60-byte (padded) Ethernet frame",
	      "RFC 894; RFC 4302 s2", min_frame), .p = { .alg = &valg_all[20], .family = 4 } },
	{ ROW("010", "an SPI no SA has: indicated unchanged, no IPsec OOB", "R-RX-2b, R-RX-4",
	      not_for_us), .p = { .alg = &valg_core[1], .variant = 0 }, .open = VO_FAMILY },
	{ ROW("011", "a destination no SA has: indicated unchanged, no IPsec OOB", "R-RX-2b; "
	      "PROFILE.md 27", not_for_us), .p = { .alg = &valg_core[0], .variant = 1 },
	  .open = VO_FAMILY },
	{ ROW("012", "a frame that is not IPsec: indicated unchanged, slots cleared", "R-RX-4; "
	      "PROFILE.md 26", not_for_us), .p = { .alg = &valg_core[1], .variant = 2 },
	  .open = VO_FAMILY },
	{ ROW("013", "an IP fragment of an ESP packet: no IPsec processing", "R-RX-7", not_for_us),
	  .p = { .alg = &valg_core[1], .family = 4, .variant = 3 } },
	{ ROW("014", "a chain of three received NBLs: each indicated once with its own outcome",
	      "R-RX-1; NdisMIndicateReceiveNetBufferLists", rx_chain),
	  .p = { .alg = &valg_core[0], .family = 4 } },
	{ ROW("015", "SaDeleteReq when every SA slot is in use; the SA stays until DELETE_SA",
	      "R-SA-10; PROFILE.md 26", sa_delete_req),
	  .p = { .alg = &valg_core[1], .family = 4 } },
	{ ROW("016", "an ESP packet with an empty payload, padding filling the ciphertext (Pad "
	      "Length = ciphertext length - 2): taken, the Pad Length reported", "RFC 4303 s2.4; "
	      "R-RX-6", min_frame), .p = { .alg = &valg_all[0], .family = 4, .variant = 1 } },
	{ ROW("017", "the first fragment of an ESP packet (IPv4 More Fragments, an IPv6 Fragment "
	      "header with M): no IPsec processing", "R-RX-7; RFC 791; RFC 8200 s4.5",
	      vb_fragment), .p = { .alg = &valg_core[0] }, .open = VO_FAMILY },
	{ ROW("018", "the last fragment of an ESP packet (offset set, More Fragments clear): no "
	      "IPsec processing", "R-RX-7; RFC 791; RFC 8200 s4.5", vb_fragment),
	  .p = { .alg = &valg_core[1], .variant = 1 }, .open = VO_FAMILY },
	{ ROW("019", "the last fragment of an AH packet: no IPsec processing", "R-RX-7; RFC 791; "
	      "RFC 8200 s4.5", vb_fragment), .p = { .alg = &valg_core[4], .variant = 1 },
	  .open = VO_FAMILY },
};

const struct vtable vt_receive = { "receive", "IPsec on the receive path", rows,
				   sizeof(rows) / sizeof(rows[0]) };
