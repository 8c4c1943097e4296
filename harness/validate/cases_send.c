/* SPDX-License-Identifier: MIT */
/*
 * cases_send.c - area `send`: MiniportSendNetBufferLists with IPsec.
 * Every algorithm configuration x transport/tunnel x IPv4/IPv6, transport
 * over tunnel, IPv4 options and IPv6 extension headers; the engine's own
 * IVs (distinct, and decrypting); handle 0, unknown, deleted and inbound
 * handles; NBLs of several NET_BUFFERs and chains of NBLs; header
 * information that points outside the packet; AH with its mutable fields
 * set.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

#define N_OWN_IV 16

/* N sends on one SA with the engine choosing its IVs: every frame
 * decrypts under the reference engine, and no IV repeats (RFC 4303 §3.3.1
 * for CBC, RFC 4106 §3.1 / RFC 4543 §3.1: a GCM/GMAC IV never repeats
 * under one key). */
static void own_ivs(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	uint8_t ivs[N_OWN_IV][16];
	NDIS_HANDLE h[2];
	uint32_t inst, at, n;

	if (!vf_prepare(x, &c->p, 9, 1, &e))
		return;
	at = e.f.w[0].iv;
	n = e.fs.lv[0].sa.esp_iv;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	for (unsigned k = 0; k < N_OWN_IV; k++) {
		struct vx_tx t = { h[0], NULL, e.f.hdr_info, 0 };
		const struct eh_io_out *o = vx_send(x, inst, e.f.b, e.f.len, NULL,
						     IPOC_NBL_GUARD_TAIL, &t);

		if (!o)
			return;
		if (o->nbls[0].status != NDIS_STATUS_SUCCESS || o->n_tx != 1 || !o->tx[0].bytes)
			return (void)vx_fail(x, "send %u: not exactly one frame sent", k);
		if (!vf_judge_tx(x, &e, o->tx[0].bytes, o->tx[0].len, false))
			return;
		memcpy(ivs[k], o->tx[0].bytes + at, n);
		for (unsigned j = 0; j < k; j++)
			if (memcmp(ivs[j], ivs[k], n) == 0)
				return (void)vx_fail(x, "send %u repeats the IV of send %u", k, j);
	}
}

/* Handle 0: no offload, whatever slot 12 holds (R-TX-2): the frame goes
 * out as it came. */
static void handle_zero(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct vx_tx t = { NULL, NULL, 0xFFFFFFFFu, 0 };
	const struct eh_io_out *o;
	uint32_t inst;
	NDIS_HANDLE h[2];
	char sn[48];

	if (!vf_prepare(x, &c->p, 3, 1, &e))
		return;
	inst = vx_open(x, NULL);
	/* An SA exists, so that an engine that ignores the zero handle and
	 * uses "the" SA shows. */
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	t.hdr = c->p.variant ? 0xFFFFFFFFu : e.f.hdr_info;
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "send with handle 0 completed with %s",
				     ndis_status_name(o->nbls[0].status, sn, sizeof(sn)));
	if (o->n_tx != 1 || !o->tx[0].bytes)
		return (void)vx_fail(x, "%u frames transmitted, want 1", o->n_tx);
	vx_same(x, "sent with handle 0 (no offload)", o->tx[0].bytes, e.f.b, e.f.len, NULL, 0);
}

/* A handle that names no SA: the NBL fails with NDIS_STATUS_FAILURE and
 * nothing goes out (R-TX-2). variant 0: never issued; 1: deleted; 2: an
 * inbound SA's (PROFILE.md 2). */
static void bad_handle(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2], hin[2];
	NDIS_STATUS st;
	uint32_t inst;
	char sn[48];

	if (!vf_prepare(x, &c->p, 4, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	t.hdr = e.f.hdr_info;
	if (c->p.variant == 0) {
		/* Not the handle, nor anything near it. */
		t.offload = (NDIS_HANDLE)((uintptr_t)h[0] ^ 0x5A5A0000u ^ ((uintptr_t)vx_rand(x) << 32));
	} else if (c->p.variant == 1) {
		if (!vx_delete(x, inst, h, 1, &st))
			return;
		if (st != NDIS_STATUS_SUCCESS)
			return (void)vx_fail(x, "DELETE_SA failed with %s",
					     ndis_status_name(st, sn, sizeof(sn)));
		t.offload = h[0];
	} else {
		if (!vf_add(x, inst, &e, true, hin))
			return;
		t.offload = hin[0];
	}
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->nbls[0].status != NDIS_STATUS_FAILURE)
		return (void)vx_fail(x, "completed with %s, want NDIS_STATUS_FAILURE",
				     ndis_status_name(o->nbls[0].status, sn, sizeof(sn)));
	if (o->n_tx)
		vx_fail(x, "a frame was transmitted for an NBL that failed");
}

/* One NBL of three NET_BUFFERs, three frames with their own sequence
 * numbers and data: every one is sealed and sent, in order (R-TX-4: "all
 * of the send packets in the NET_BUFFER_LIST"; NB order is kept, nbl.h).
 * The slots are per NBL, so the frames share their layout and trailer. */
static void three_nbs(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e[3];
	struct eh_nb_in nb[3];
	struct eh_nbl_in nbl;
	struct eh_io_in in = { &nbl, 1, IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, 20, 1, &e[0]))
		return;
	for (int i = 1; i < 3; i++) {
		e[i] = e[0];
		e[i].fs.seed = (uint8_t)(e[0].fs.seed + 40 * i);
		fb_sa_from_spec(&e[0].sp[0], 20 + (uint32_t)i, &e[i].fs.lv[0].sa);
		e[i].fs.lv[0].sa.udp = e[0].fs.lv[0].sa.udp;
		if (fb_build(&e[i].fs, &e[i].f) != 0)
			return (void)vx_fail(x, "harness: the case's frame does not build");
	}
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e[0], false, h))
		return;
	memset(&nbl, 0, sizeof(nbl));
	for (int i = 0; i < 3; i++)
		nb[i] = (struct eh_nb_in){ e[i].f.b, e[i].f.len, { NULL, 0, 0, 0, 0 } };
	nbl.nbs = nb;
	nbl.n_nb = 3;
	nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)h[0];
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = e[0].f.hdr_info;
	if (!(o = vx_io(x, inst, false, &in)))
		return;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "the NBL completed with status 0x%08x (engine: %.300s)",
				     (unsigned)o->nbls[0].status, eh_last_log(x->eh));
	if (o->n_tx != 3)
		return (void)vx_fail(x, "%u frames transmitted for 3 NET_BUFFERs", o->n_tx);
	for (int i = 0; i < 3; i++) {
		if (o->tx[i].nb != i)
			return (void)vx_fail(x, "frame %d transmitted from NB %d (NB order kept?)", i,
					     o->tx[i].nb);
		if (!vf_judge_tx(x, &e[i], o->tx[i].bytes, o->tx[i].len, false))
			return;
	}
}

/* A chain of three NBLs in one call: a good one, one with handle 0, one
 * with an unknown handle. Each completes once with its own status. */
static void chain(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct eh_nb_in nb[3];
	struct eh_nbl_in nbl[3];
	struct eh_io_in in = { nbl, 3, IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;
	const NDIS_STATUS want[3] = { NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS,
				      NDIS_STATUS_FAILURE };
	char a[48], b[48];

	if (!vf_prepare(x, &c->p, 6, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	memset(nbl, 0, sizeof(nbl));
	for (int i = 0; i < 3; i++) {
		nb[i] = (struct eh_nb_in){ e.f.b, e.f.len, { NULL, 0, 0, 0, 0 } };
		nbl[i].nbs = &nb[i];
		nbl[i].n_nb = 1;
		nbl[i].slots[IPsecOffloadV2HeaderNetBufferListInfo] = e.f.hdr_info;
	}
	nbl[0].slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)h[0];
	nbl[2].slots[IPsecOffloadV2NetBufferListInfo] = ((uintptr_t)h[0] ^ 0x00A50000u) | 1;
	if (!(o = vx_io(x, inst, false, &in)))
		return;
	for (int i = 0; i < 3; i++)
		if (o->nbls[i].status != want[i])
			return (void)vx_fail(x, "NBL %d completed with %s, want %s", i,
					     ndis_status_name(o->nbls[i].status, a, sizeof(a)),
					     ndis_status_name(want[i], b, sizeof(b)));
	if (o->n_tx != 2)
		return (void)vx_fail(x, "%u frames transmitted, want 2 (the third NBL failed)",
				     o->n_tx);
	for (uint32_t t = 0; t < o->n_tx; t++) {
		if (o->tx[t].nbl == 0 && !vf_judge_tx(x, &e, o->tx[t].bytes, o->tx[t].len, false))
			return;
		if (o->tx[t].nbl == 1 && !vx_same(x, "the NBL with handle 0", o->tx[t].bytes,
						  e.f.b, e.f.len, NULL, 0))
			return;
		if (o->tx[t].nbl == 2)
			return (void)vx_fail(x, "the failed NBL was transmitted");
	}
}

/* EspHeaderOffset pointing past the packet (255 x 4 bytes): the engine
 * must not follow it. Either the NBL fails and nothing is sent
 * (PROFILE.md 12), or the engine located the headers itself and the frame
 * is right. */
static void offset_outside(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, 7, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	t.offload = h[0];
	t.hdr = (e.f.hdr_info & 0x0000FFFFu) | (c->p.variant ? 0x00FF0000u : 0xFF000000u);
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS) {
		if (o->n_tx)
			vx_fail(x, "a frame was transmitted for an NBL that failed");
		return;
	}
	vx_allowed(x, "PROFILE.md 12 (the engine found the headers itself)");
	if (o->n_tx != 1 || !o->tx[0].bytes)
		return (void)vx_fail(x, "%u frames transmitted, want 1", o->n_tx);
	vf_judge_tx(x, &e, o->tx[0].bytes, o->tx[0].len, false);
}

/* AH sealed while the mutable fields hold what a real stack puts there:
 * IPv4 DSCP/ECN and TTL (and the checksum over them), IPv6 traffic class,
 * flow label and hop limit. The ICV is computed with them zeroed (RFC 4302
 * s3.3.3.1, appendix A), so it is the reference's for the same packet; the
 * fields themselves go out as framed. */
static void ah_mutable_send(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t ip, inst;
	uint8_t *b;

	if (!vf_prepare(x, &c->p, 17, 1, &e))
		return;
	b = e.f.b;
	ip = e.f.w[0].ip;
	if (c->p.family == 4) {
		b[ip + 1] = 0xB8 | 0x02;    /* DSCP EF, ECT(0) */
		b[ip + 8] = 61;             /* TTL */
		fb_fix_ipv4(b, ip);
	} else {
		b[ip] = (uint8_t)(0x60 | 0x0B);         /* traffic class 0xB8 ... */
		b[ip + 1] = (uint8_t)(0x80 | 0x0C);     /* ... and flow label 0xC3A5E */
		b[ip + 2] = 0x3A;
		b[ip + 3] = 0x5E;
		b[ip + 7] = 37;                         /* hop limit */
	}
	if (!vf_refresh(x, &e, true))
		return;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, false, h))
		vf_send_judge(x, inst, &e, h, true, NULL, IPOC_NBL_GUARD_TAIL);
}

#define ROW(i, t, r, b) .id = "send-" i, .area = "send", .title = t, .rule = r, .body = b

static const struct vcase rows[] = {
	{ ROW("001", "an IPsec packet sealed: headers kept, the frame the reference makes (or "
	      "decrypts to the packet)", "R-TX-4; RFC 4303 s3.3, RFC 4302 s3.3", vb_send),
	  .p = { .family = 4 }, .open = VO_ALG | VO_MODE | VO_FAMILY },
	{ ROW("002", "transport over tunnel: OffloadHandle the transport SA, TunnelHandle the "
	      "tunnel SA", "R-TX-2; PROFILE.md 1", vb_send),
	  .p = { .alg = &valg_core[0], .alg2 = &valg_core[1], .mode = VM_TOT }, .open = VO_FAMILY },
	{ ROW("003", "transport over tunnel, NULL+HMAC tunnel around AEAD transport, IPv6 in "
	      "IPv4", "R-TX-2; PROFILE.md 1", vb_send),
	  .p = { .alg = &valg_core[2], .alg2 = &valg_core[0], .mode = VM_TOT, .family = 4,
		 .inner_family = 6 } },
	{ ROW("004", "IPv4 options / IPv6 extension headers before IPsec", "R-TX-3; PROFILE.md 12; "
	      "RFC 4302 s3.3.3.1", vb_send),
	  .p = { .opts = true }, .open = VO_ALG_CORE | VO_MODE | VO_FAMILY },
	{ ROW("005", "the engine's own IVs: 16 sends on one SA, all decrypt, no IV repeats",
	      "RFC 4303 s3.3.1; RFC 4106 s3.1; RFC 4543 s3.1", own_ivs),
	  .p = { .family = 4 }, .open = VO_ALG_IV },
	{ ROW("006", "handle 0: sent as it came, slot 12 as framed", "R-TX-2", handle_zero),
	  .p = { .alg = &valg_core[1], .family = 4 } },
	{ ROW("007", "handle 0: sent as it came, whatever slot 12 holds", "R-TX-2", handle_zero),
	  .p = { .alg = &valg_core[1], .family = 6, .variant = 1 } },
	{ ROW("008", "a handle never issued: NDIS_STATUS_FAILURE, nothing sent", "R-TX-2",
	      bad_handle), .p = { .alg = &valg_core[0], .family = 4 } },
	{ ROW("009", "a deleted handle: NDIS_STATUS_FAILURE, nothing sent", "R-TX-2; PROFILE.md 17",
	      bad_handle), .p = { .alg = &valg_core[1], .family = 4, .variant = 1 } },
	{ ROW("010", "an inbound SA's handle: NDIS_STATUS_FAILURE, nothing sent", "PROFILE.md 2",
	      bad_handle), .p = { .alg = &valg_core[2], .family = 6, .variant = 2 } },
	{ ROW("011", "one NBL, three NET_BUFFERs: each sealed and sent, in order", "R-TX-4; nbl.h",
	      three_nbs), .p = { .alg = &valg_core[1], .family = 4 } },
	{ ROW("012", "one NBL, three NET_BUFFERs, AEAD in tunnel mode", "R-TX-4; nbl.h", three_nbs),
	  .p = { .alg = &valg_core[0], .family = 6, .mode = VM_TUNNEL } },
	{ ROW("013", "a chain of three NBLs: each completes once with its own status", "R-TX-2; "
	      "MiniportSendNetBufferLists", chain), .p = { .alg = &valg_core[1], .family = 4 } },
	{ ROW("014", "EspHeaderOffset past the packet: the NBL fails, or the engine found the "
	      "header itself", "PROFILE.md 12", offset_outside),
	  .p = { .alg = &valg_core[1], .family = 4 } },
	{ ROW("015", "AhHeaderOffset past the packet: the NBL fails, or the engine found the "
	      "header itself", "PROFILE.md 12", offset_outside),
	  .p = { .alg = &valg_core[4], .family = 4, .variant = 1 } },
	{ ROW("016", "AH sealed with the mutable fields set (DSCP, ECN, TTL; traffic class, flow "
	      "label, hop limit): the ICV over them zeroed", "RFC 4302 s3.3.3.1, appendix A",
	      ah_mutable_send), .p = { .alg = &valg_core[4] }, .open = VO_FAMILY },
	{ ROW("017", "AH (GMAC) in tunnel mode sealed with the mutable fields set", "RFC 4302 s3.3.3.1; RFC 4543 s4", ah_mutable_send),
	  .p = { .alg = &valg_core[5], .mode = VM_TUNNEL }, .open = VO_FAMILY },
	{ ROW("018", "an [ESP, AH] bundle sealed with the mutable fields set",
	      "RFC 4302 s3.3.3.1; R-SA-4", ah_mutable_send),
	  .p = { .alg = &valg_core[6] }, .open = VO_FAMILY },
};

const struct vtable vt_send = { "send", "IPsec on the send path", rows,
				sizeof(rows) / sizeof(rows[0]) };
