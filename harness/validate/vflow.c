/* SPDX-License-Identifier: MIT */
/* vflow.c - see vflow.h. */
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "vflow.h"

bool vf_prepare(struct vctx *x, const struct vparams *p, uint32_t seq, uint32_t key,
		struct vx_exchange *e)
{
	e->key = key;
	if (!vx_frame(x, p, seq, e->sp, &e->n_sa, &e->fs, &e->f))
		return false;
	return vf_refresh(x, e, true);
}

bool vf_refresh(struct vctx *x, struct vx_exchange *e, bool reseal)
{
	uintptr_t s1, s12;

	vx_mask(&e->fs, &e->f, e->sp, e->n_sa, e->mask);
	if (reseal && !vx_seal(x, e->sp, e->n_sa, e->key, &e->f, e->wire))
		return false;
	if (!vx_unseal(x, e->sp, e->n_sa, e->key, e->wire, e->f.len, &s1, &s12, e->rx))
		return false;
	if (s1 != vx_want_slot1(e->n_sa, CRYPTO_SUCCESS))
		return vx_fail(x, "harness: the reference engine does not take the case's frame");
	for (uint32_t i = 0; i < e->f.len; i++)
		if (e->rx[i] != e->f.b[i] && !(e->mask[i] & VX_FIELD))
			return vx_fail(x, "harness: the reference engine does not give the framed "
				       "packet back (byte %u)", i);
	return true;
}

bool vf_add(struct vctx *x, uint32_t inst, const struct vx_exchange *e, bool inbound,
	    NDIS_HANDLE h[2])
{
	h[0] = h[1] = NULL;
	for (uint32_t i = 0; i < e->n_sa; i++) {
		struct sa_spec s = inbound ? vx_reverse(&e->sp[i]) : e->sp[i];

		if (!vx_add_ok(x, inst, &s, e->key + i, &h[i]))
			return false;
	}
	return true;
}

const char *vf_part(const struct vx_exchange *e, uint32_t i)
{
	for (uint32_t l = 0; l < e->f.n_levels && l < e->n_sa; l++) {
		const struct fb_where *w = &e->f.w[l];
		const struct fb_sa *sa = &e->fs.lv[l].sa;

		if (sa->esp && i >= w->iv && i < w->iv + sa->esp_iv)
			return "the ESP IV";
		if (sa->esp && i >= w->icv && i < w->icv + sa->esp_icv)
			return "the ESP ICV";
		if (sa->esp && i >= w->payload && i < w->icv)
			return "the ESP payload/trailer";
		if (sa->ah && i >= w->ah_icv && i < w->ah_icv + sa->ah_icv)
			return "the AH ICV";
		if (sa->ah && i >= w->ah && i < w->ah + 12)
			return "the AH header";
		if (sa->esp && i >= w->esp && i < w->esp + 8)
			return "the ESP header";
	}
	return i < e->f.w[0].ip ? "the Ethernet header" : "the IP headers";
}

bool vf_judge_tx(struct vctx *x, const struct vx_exchange *e, const uint8_t *tx, uint32_t len,
		 bool injected)
{
	static uint8_t back[FB_MAX_FRAME];
	uintptr_t s1, s12, want1 = vx_want_slot1(e->n_sa, CRYPTO_SUCCESS);
	char a[160], b[160];

	if (len != e->f.len)
		return vx_fail(x, "the frame on the wire has %u bytes, the packet %u", len, e->f.len);
	/* Headers, SPI and sequence number as framed; what ESP encrypts and
	 * the IV and ICV fields are the engine's to write. */
	for (uint32_t i = 0; i < len; i++)
		if (tx[i] != e->f.b[i] && !(e->mask[i] & (VX_FIELD | VX_CIPHER)))
			return vx_fail(x, "transmitted byte %u (in %s) is 0x%02x, framed 0x%02x", i,
				       vf_part(e, i), tx[i], e->f.b[i]);
	if (injected) {
		for (uint32_t i = 0; i < len; i++)
			if (tx[i] != e->wire[i])
				return vx_fail(x, "transmitted byte %u (in %s) is 0x%02x, the "
					       "reference engine's with the same keys and IV 0x%02x",
					       i, vf_part(e, i), tx[i], e->wire[i]);
		return true;
	}
	/* Decrypt-and-compare: the reference engine must take it. */
	if (!vx_unseal(x, e->sp, e->n_sa, e->key, tx, len, &s1, &s12, back))
		return false;
	if (s1 != want1)
		return vx_fail(x, "the reference engine receives the transmitted frame as %s, "
			       "want %s", vx_slot1_text(s1, a, sizeof(a)),
			       vx_slot1_text(want1, b, sizeof(b)));
	for (uint32_t i = 0; i < len; i++)
		if (back[i] != e->f.b[i] && !(e->mask[i] & VX_FIELD))
			return vx_fail(x, "decrypted by the reference engine, byte %u (in %s) is "
				       "0x%02x, framed 0x%02x", i, vf_part(e, i), back[i], e->f.b[i]);
	return true;
}

bool vf_send_judge(struct vctx *x, uint32_t inst, const struct vx_exchange *e,
		   const NDIS_HANDLE h[2], bool inject, const struct ipoc_mdl_shape *shape,
		   enum ipoc_nbl_guard guard)
{
	struct vx_tx t = { e->n_sa == 2 ? h[1] : h[0], e->n_sa == 2 ? h[0] : NULL,
			   e->f.hdr_info, 0 };
	bool injected = inject && eh_info(x->eh)->has_tx_iv;
	const struct eh_io_out *o;
	char sn[48];

	for (uint32_t i = 0; injected && i < e->n_sa; i++) {
		uint8_t ivs[2][16];

		vx_ivs(x, e->key + i, ivs);
		if (!vx_inject(x, x->eh, inst, h[i], &e->sp[i], ivs))
			return false;
	}
	o = vx_send(x, inst, e->f.b, e->f.len, shape, guard, &t);
	if (!o)
		return false;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS)
		return vx_fail(x, "send completed with %s (engine: %.300s)",
			       ndis_status_name(o->nbls[0].status, sn, sizeof(sn)), eh_last_log(x->eh));
	if (o->n_tx != 1)
		return vx_fail(x, "%u frames transmitted, want 1", o->n_tx);
	if (!o->tx[0].bytes)
		return vx_fail(x, "the transmitted NET_BUFFER could not be read");
	return vf_judge_tx(x, e, o->tx[0].bytes, o->tx[0].len, injected);
}

bool vf_recv_judge(struct vctx *x, uint32_t inst, const struct vx_exchange *e,
		   const struct ipoc_mdl_shape *shape, enum ipoc_nbl_guard guard)
{
	uintptr_t want1 = vx_want_slot1(e->n_sa, CRYPTO_SUCCESS), want12;
	const struct eh_io_out *o = vx_recv(x, inst, e->wire, e->f.len, shape, guard);
	const struct eh_nbl_out *n;
	char a[160], b[160];

	if (!o)
		return false;
	n = &o->nbls[0];
	want12 = vx_want_slot12(&e->fs, &e->f);
	if (n->slots[IPsecOffloadV2NetBufferListInfo] != want1)
		return vx_fail(x, "received as %s, want %s",
			       vx_slot1_text(n->slots[IPsecOffloadV2NetBufferListInfo], a, sizeof(a)),
			       vx_slot1_text(want1, b, sizeof(b)));
	if (n->slots[IPsecOffloadV2TunnelNetBufferListInfo] != 0)
		return vx_fail(x, "slot 11 (tunnel) is 0x%lx on receive, want 0 (PROFILE.md 26)",
			       (unsigned long)n->slots[IPsecOffloadV2TunnelNetBufferListInfo]);
	if (n->slots[IPsecOffloadV2HeaderNetBufferListInfo] != want12)
		return vx_fail(x, "header information 0x%lx, want 0x%lx (HeaderInfoSet, Next "
			       "Header %u and Pad Length %u of the innermost ESP trailer)",
			       (unsigned long)n->slots[IPsecOffloadV2HeaderNetBufferListInfo],
			       (unsigned long)want12, (unsigned)(want12 & 0xFF),
			       (unsigned)((want12 >> 8) & 0xFF));
	if (!n->nbs[0].bytes || n->nbs[0].len != e->f.len)
		return vx_fail(x, "the indicated frame has %u bytes, %u arrived", n->nbs[0].len,
			       e->f.len);
	for (uint32_t i = 0; i < e->f.len; i++) {
		uint8_t want = e->rx[i];

		if (n->nbs[0].bytes[i] != want)
			return vx_fail(x, "indicated byte %u (in %s) is 0x%02x, want 0x%02x "
				       "(decrypted in place, IV and ICV as they arrived)", i,
				       vf_part(e, i), n->nbs[0].bytes[i], want);
	}
	return true;
}

/* The sequence number and key number of a case's one exchange. */
#define SEQ 5
#define KEY 1

void vb_send(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, SEQ, KEY, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, false, h))
		vf_send_judge(x, inst, &e, h, true, NULL, IPOC_NBL_GUARD_TAIL);
}

void vb_recv(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, SEQ, KEY, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
}

/* An ESP, AH or UDP-ESP packet that arrives as an IP fragment (R-RX-7: no
 * IPsec processing for packets that need reassembly): indicated unchanged,
 * no IPsec OOB. The fragment carries the whole packet's bytes, so only the
 * fragment fields tell. variant 0: the first fragment (IPv4 More Fragments;
 * IPv6 a Fragment header with M set), which holds the IPsec header; 1: the
 * last fragment (a fragment offset, More Fragments clear). */
void vb_fragment(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t w[FB_MAX_FRAME];
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst, ip, len;
	uint16_t fo = c->p.variant ? 185 : 0;       /* offset in 8-byte units */
	const char *what = c->p.udp ? "a UDP-ESP packet" : "an IPsec packet";
	char a[160];

	if (!vf_prepare(x, &c->p, 53, 1, &e))
		return;
	ip = e.f.w[0].ip;
	len = e.f.len;
	memcpy(w, e.wire, len);
	if (c->p.family == 4) {
		w[ip + 6] = (uint8_t)((c->p.variant ? 0 : 0x20) | fo >> 8);
		w[ip + 7] = (uint8_t)fo;
		fb_fix_ipv4(w, ip);
	} else {
		/* A Fragment header (RFC 8200 s4.5) right behind the IPv6 header. */
		uint32_t at = ip + 40, plen = (uint32_t)w[ip + 4] << 8 | w[ip + 5];
		uint16_t ofl = (uint16_t)(fo << 3 | (c->p.variant ? 0 : 1));

		if (len + 8 > FB_MAX_FRAME)
			return (void)vx_fail(x, "harness: no room for a Fragment header");
		memmove(w + at + 8, w + at, len - at);
		w[at] = w[ip + 6];
		w[at + 1] = 0;
		w[at + 2] = (uint8_t)(ofl >> 8);
		w[at + 3] = (uint8_t)ofl;
		memcpy(w + at + 4, "\x5e\x1f\x00\x2a", 4);      /* identification */
		w[ip + 6] = 44;
		plen += 8;
		w[ip + 4] = (uint8_t)(plen >> 8);
		w[ip + 5] = (uint8_t)plen;
		len += 8;
	}
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, true, h))
		return;
	o = vx_recv(x, inst, w, len, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	if (o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] ||
	    o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo])
		return (void)vx_fail(x, "the %s fragment of %s came in as %s; want no IPsec "
				     "processing (R-RX-7)", c->p.variant ? "last" : "first", what,
				     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)));
	if (o->nbls[0].nbs[0].len == len && o->nbls[0].nbs[0].bytes)
		vx_same(x, "an IP fragment", o->nbls[0].nbs[0].bytes, w, len, NULL, 0);
	else
		vx_fail(x, "the indicated frame has %u bytes, %u arrived", o->nbls[0].nbs[0].len, len);
}
