/* SPDX-License-Identifier: MIT */
/*
 * cases_esn.c - area `esn`: extended sequence numbers (RFC 4304). The high
 * half is not on the wire but in the ICV: appended after Next Header for
 * ESP with HMAC (RFC 4303 s2.2.1), in the AAD for AES-GCM and GMAC
 * (RFC 4106 s5, RFC 4543 s3.3), after the packet for AH (RFC 4302
 * s3.3.3.3.1). Sent and received with a high half that is not 0, and with
 * a high half of 0 (ESN on: its four zero bytes are in the ICV all the
 * same); a frame of the next epoch before UPDATE_SA arrived (PROFILE.md 15).
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* The inbound SA one epoch behind the sender (high 7, the frame 8): a low
 * sequence number can be the wrap just before UPDATE_SA arrives, and
 * verifies with the next high half (PROFILE.md 15, RFC 4303 appendix A2.2);
 * a high one cannot, and fails its ICV. variant 0: seq 5; 1: seq 0x90000000. */
static void next_epoch(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct vparams p = c->p;
	struct sa_spec in;
	NDIS_HANDLE h;
	uint32_t inst, seq = c->p.variant ? 0x90000000u : 5;
	bool ah = c->p.alg->m[c->p.alg->n - 1].op == IPsecOffloadV2Ah;

	p.esn = true;
	e.key = 1;
	if (!vx_frame(x, &p, seq, e.sp, &e.n_sa, &e.fs, &e.f))
		return;
	for (ULONG m = 0; m < e.sp[0].num; m++)
		e.sp[0].m[m].esn_high = 8;
	if (!vf_refresh(x, &e, true))
		return;
	in = vx_reverse(&e.sp[0]);
	for (ULONG m = 0; m < in.num; m++)
		in.m[m].esn_high = 7;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vx_add_ok(x, inst, &in, 1, &h))
		return;
	if (!c->p.variant) {
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
		return;
	}
	{
		const struct eh_io_out *o = vx_recv(x, inst, e.wire, e.f.len, NULL,
						    IPOC_NBL_GUARD_TAIL);
		uintptr_t want = vx_want_slot1(1, ah ? CRYPTO_TRANSPORT_AH_AUTH_FAILED
						     : CRYPTO_TRANSPORT_ESP_AUTH_FAILED);
		char a[160], b[160];

		if (o && o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] != want)
			vx_fail(x, "a high sequence number of the next epoch came in as %s, want %s",
				vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)),
				vx_slot1_text(want, b, sizeof(b)));
	}
}

/* ESN on, the high half 0 (an SA's first epoch): the ICV input has the
 * high half as it has it for any other value, four zero bytes (RFC 4303
 * s2.2.1: "included in the ICV computation" when ESN is selected; an engine
 * that appends it only when it is not zero makes ICVs no peer verifies).
 * variant 0: sent; 1: received. */
static void zero_high(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst;

	e.key = 1;
	if (!vx_frame(x, &c->p, 5, e.sp, &e.n_sa, &e.fs, &e.f))
		return;
	for (uint32_t i = 0; i < e.n_sa; i++)
		for (ULONG m = 0; m < e.sp[i].num; m++)
			e.sp[i].m[m].esn_high = 0;
	if (!vf_refresh(x, &e, true))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, c->p.variant == 1, h))
		return;
	if (c->p.variant)
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
	else
		vf_send_judge(x, inst, &e, h, true, NULL, IPOC_NBL_GUARD_TAIL);
}

#define ROW(i, t, r, b) .id = "esn-" i, .area = "esn", .title = t, .rule = r, .body = b

static const struct vcase rows[] = {
	{ ROW("001", "ESN (high half 7) sent: the high half in the ICV", "RFC 4303 s2.2.1; RFC 4302 "
	      "s3.3.3.3.1; RFC 4106 s5; RFC 4543 s3.3", vb_send),
	  .p = { .esn = true }, .open = VO_ALG_CORE | VO_FAMILY },
	{ ROW("002", "ESN (high half 7) received", "RFC 4303 s2.2.1; RFC 4302 s3.3.3.3.1; "
	      "RFC 4106 s5; RFC 4543 s3.3", vb_recv),
	  .p = { .esn = true }, .open = VO_ALG_CORE | VO_FAMILY },
	{ ROW("003", "ESN in tunnel mode, received", "RFC 4303 s2.2.1", vb_recv),
	  .p = { .esn = true, .mode = VM_TUNNEL, .family = 4 }, .open = VO_ALG_CORE },
	{ ROW("004", "a low sequence number of the next epoch verifies before UPDATE_SA",
	      "PROFILE.md 15; RFC 4303 appendix A2.2", next_epoch),
	  .p = { .family = 4, .esn = true }, .open = VO_ALG_CORE },
	{ ROW("005", "a high sequence number of the next epoch fails its ICV",
	      "PROFILE.md 15; RFC 4303 appendix A2.2", next_epoch),
	  .p = { .family = 4, .esn = true, .variant = 1 }, .open = VO_ALG_CORE },
	{ ROW("006", "ESN with high half 0 sent: four zero bytes in the ICV, not none",
	      "RFC 4303 s2.2.1; RFC 4302 s3.3.3.3.1; RFC 4106 s5; RFC 4543 s3.3", zero_high),
	  .p = { .esn = true }, .open = VO_ALG_CORE | VO_FAMILY },
	{ ROW("007", "ESN with high half 0 received: four zero bytes in the ICV, not none",
	      "RFC 4303 s2.2.1; RFC 4302 s3.3.3.3.1; RFC 4106 s5; RFC 4543 s3.3", zero_high),
	  .p = { .esn = true, .variant = 1 }, .open = VO_ALG_CORE | VO_FAMILY },
};

const struct vtable vt_esn = { "esn", "extended sequence numbers", rows,
			       sizeof(rows) / sizeof(rows[0]) };
