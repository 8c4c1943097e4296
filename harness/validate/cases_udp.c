/* SPDX-License-Identifier: MIT */
/*
 * cases_udp.c - area `udp`: UDP-encapsulated ESP (RFC 3948) in its four
 * NDIS types: UDP-ESP transport and tunnel for every ESP configuration,
 * both directions; transport over a UDP-ESP tunnel and UDP-ESP transport
 * over a tunnel; IKE and NAT-keepalive on port 4500 left alone; ESP whose
 * encapsulation is not its SA's.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* IKE (the non-ESP marker: four zero bytes where ESP has its SPI) and a
 * NAT-keepalive (one 0xFF byte) on port 4500 are not ESP: indicated
 * unchanged, no IPsec OOB (RFC 3948 s2.2, s2.3; R-UDP-1, R-UDP-3). */
static void not_esp(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t w[FB_MAX_FRAME];
	const struct fb_where *wh;
	NDIS_HANDLE h[2];
	uint32_t inst, len;
	const struct eh_io_out *o;
	char a[160];

	if (!vf_prepare(x, &c->p, 50, 1, &e))
		return;
	wh = &e.f.w[0];
	memcpy(w, e.wire, e.f.len);
	len = e.f.len;
	if (c->p.variant == 0) {
		memset(w + wh->esp, 0, 4);                  /* the non-ESP marker */
	} else {
		uint32_t ip = wh->ip, plen;

		w[wh->esp] = 0xFF;                          /* keepalive: one byte */
		len = wh->esp + 1;
		plen = len - wh->udp;
		w[wh->udp + 4] = (uint8_t)(plen >> 8);
		w[wh->udp + 5] = (uint8_t)plen;
		if (c->p.family == 4) {
			w[ip + 2] = (uint8_t)((len - ip) >> 8);
			w[ip + 3] = (uint8_t)(len - ip);
			fb_fix_ipv4(w, ip);
		} else {
			w[ip + 4] = (uint8_t)((len - ip - 40) >> 8);
			w[ip + 5] = (uint8_t)(len - ip - 40);
		}
	}
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, true, h))
		return;
	o = vx_recv(x, inst, w, len, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	if (o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] ||
	    o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo])
		return (void)vx_fail(x, "%s on port 4500 came in as %s; want no IPsec processing",
				     c->p.variant ? "a NAT-keepalive" : "IKE",
				     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)));
	if (o->nbls[0].nbs[0].len == len && o->nbls[0].nbs[0].bytes)
		vx_same(x, "a frame that is not ESP", o->nbls[0].nbs[0].bytes, w, len, NULL, 0);
	else
		vx_fail(x, "the indicated frame has %u bytes, %u arrived", o->nbls[0].nbs[0].len, len);
}

/* ESP whose encapsulation is not its SA's (PROFILE.md 19): variant 0, a
 * UDP-encapsulated frame for a plain-ESP SA; 1, a plain frame for a
 * UDP-ESP SA. CRYPTO_INVALID_PROTOCOL, or no processing at all; never a
 * success. */
static void mismatch(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct sa_spec other;
	NDIS_HANDLE h;
	uint32_t inst;
	const struct eh_io_out *o;
	uintptr_t s1;
	char a[160];

	if (!vf_prepare(x, &c->p, 51, 1, &e))
		return;
	other = vx_reverse(&e.sp[0]);
	other.udp_esp = c->p.variant ? VU_TRANSPORT : VU_NONE;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vx_add_ok(x, inst, &other, 1, &h))
		return;
	o = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	if (!(s1 & IPSEC_RX_CRYPTO_DONE)) {
		vx_allowed(x, "R-UDP-3 (an SA of another encapsulation: passed up unprocessed)");
		if (o->nbls[0].nbs[0].bytes)
			vx_same(x, "a frame not processed", o->nbls[0].nbs[0].bytes, e.wire, e.f.len,
				NULL, 0);
		return;
	}
	if (IPSEC_RX_CRYPTO_STATUS(s1) != CRYPTO_INVALID_PROTOCOL)
		vx_fail(x, "%s came in as %s, want CRYPTO_INVALID_PROTOCOL",
			c->p.variant ? "plain ESP for a UDP-ESP SA" : "UDP-ESP for a plain-ESP SA",
			vx_slot1_text(s1, a, sizeof(a)));
}

#define ROW(i, t, r, b) .id = "udp-" i, .area = "udp", .title = t, .rule = r, .body = b

static const struct vcase rows[] = {
	{ ROW("001", "UDP-ESP transport, sent", "R-UDP-2; RFC 3948 s2.1, s3.1", vb_send),
	  .p = { .udp = VU_TRANSPORT }, .open = VO_ALG_ESP | VO_FAMILY },
	{ ROW("002", "UDP-ESP transport, received", "R-UDP-2, R-UDP-3; RFC 3948", vb_recv),
	  .p = { .udp = VU_TRANSPORT }, .open = VO_ALG_ESP | VO_FAMILY },
	{ ROW("003", "UDP-ESP tunnel, sent", "R-UDP-2; RFC 3948", vb_send),
	  .p = { .udp = VU_TUNNEL, .mode = VM_TUNNEL }, .open = VO_ALG_ESP | VO_FAMILY },
	{ ROW("004", "UDP-ESP tunnel, received", "R-UDP-2, R-UDP-3; RFC 3948", vb_recv),
	  .p = { .udp = VU_TUNNEL, .mode = VM_TUNNEL }, .open = VO_ALG_ESP | VO_FAMILY },
	{ ROW("005", "transport over a UDP-ESP tunnel, sent", "R-UDP-2; PROFILE.md 19", vb_send),
	  .p = { .alg = &valg_core[0], .alg2 = &valg_core[1], .mode = VM_TOT, .udp = VU_TOT_OUTER },
	  .open = VO_FAMILY },
	{ ROW("006", "transport over a UDP-ESP tunnel, received", "R-UDP-2, R-UDP-3; PROFILE.md 19",
	      vb_recv),
	  .p = { .alg = &valg_core[0], .alg2 = &valg_core[1], .mode = VM_TOT, .udp = VU_TOT_OUTER },
	  .open = VO_FAMILY },
	{ ROW("007", "UDP-ESP transport over a tunnel, sent", "R-UDP-2; PROFILE.md 19", vb_send),
	  .p = { .alg = &valg_core[1], .alg2 = &valg_core[2], .mode = VM_TOT, .udp = VU_TOT_INNER },
	  .open = VO_FAMILY },
	{ ROW("008", "UDP-ESP transport over a tunnel, received", "R-UDP-2, R-UDP-3; PROFILE.md 19",
	      vb_recv),
	  .p = { .alg = &valg_core[1], .alg2 = &valg_core[2], .mode = VM_TOT, .udp = VU_TOT_INNER },
	  .open = VO_FAMILY },
	{ ROW("009", "IKE on port 4500 (non-ESP marker): not processed", "R-UDP-1; RFC 3948 s2.2",
	      not_esp), .p = { .alg = &valg_core[0], .udp = VU_TRANSPORT }, .open = VO_FAMILY },
	{ ROW("010", "a NAT-keepalive on port 4500: not processed", "RFC 3948 s2.3; PROFILE.md 19",
	      not_esp), .p = { .alg = &valg_core[1], .udp = VU_TRANSPORT, .variant = 1 },
	  .open = VO_FAMILY },
	{ ROW("011", "UDP-ESP for a plain-ESP SA: CRYPTO_INVALID_PROTOCOL, never a success",
	      "PROFILE.md 19; R-UDP-3", mismatch),
	  .p = { .alg = &valg_core[1], .udp = VU_TRANSPORT }, .open = VO_FAMILY },
	{ ROW("012", "plain ESP for a UDP-ESP SA: CRYPTO_INVALID_PROTOCOL, never a success",
	      "PROFILE.md 19; R-UDP-3", mismatch), .needs = VN_UDP_TRANSPORT,
	  .p = { .alg = &valg_core[0], .variant = 1 }, .open = VO_FAMILY },
};

const struct vtable vt_udp = { "udp", "UDP-encapsulated ESP (RFC 3948)", rows,
			       sizeof(rows) / sizeof(rows[0]) };
