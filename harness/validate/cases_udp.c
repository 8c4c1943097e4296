/* SPDX-License-Identifier: MIT */
/*
 * cases_udp.c - area `udp`: UDP-encapsulated ESP (RFC 3948) in its four
 * NDIS types: UDP-ESP transport and tunnel for every ESP configuration,
 * both directions; transport over a UDP-ESP tunnel and UDP-ESP transport
 * over a tunnel; IKE and NAT-keepalive on port 4500 left alone; ESP whose
 * encapsulation is not its SA's; what the UDP header may look like after a
 * NAT (another source port), ESP that only looks like a keepalive, and
 * UDP-ESP packets that arrive as IP fragments.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* IKE (the non-ESP marker: four zero bytes where ESP has its SPI), a
 * NAT-keepalive (one 0xFF byte) and an empty datagram on port 4500 are not
 * ESP: indicated unchanged, no IPsec OOB (RFC 3948 s2.2, s2.3; R-UDP-1,
 * R-UDP-3). The keepalive and the empty datagram end the frame, so a read
 * past the datagram meets the guard page. */
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
		len = wh->esp + (c->p.variant == 1 ? 1 : 0);   /* 2: no payload at all */
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
				     c->p.variant == 2 ? "an empty datagram" :
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

/* UDP-ESP that must be processed as usual. variant 0: the source port is
 * not 4500: a NAT on the way mapped it (RFC 3948 s2.1 says only that the
 * ports are IKE's; RFC 3947 s4: a NAT changes the source port), and
 * PROFILE.md 19 tells ESP by the destination port 4500. variant 1: the
 * SPI's first byte is 0xFF, a keepalive's byte; a keepalive is that one
 * byte alone (RFC 3948 s2.3), an ESP packet is never one byte. */
static void esp_still(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst, u;

	if (c->p.variant == 1)
		x->next_spi = 0xFF000000u | (x->next_spi & 0x00FFFFFFu);
	if (!vf_prepare(x, &c->p, 52, 1, &e))
		return;
	if (c->p.variant == 0) {
		/* UDP checksum 0 (RFC 3948 s3.1), and no ICV covers the UDP header:
		 * the NAT's change is the only one, and it stays in what comes back. */
		u = e.f.w[0].udp;
		e.wire[u] = e.f.b[u] = 0xC3;
		e.wire[u + 1] = e.f.b[u + 1] = 0x5A;
		if (!vf_refresh(x, &e, false))
			return;
	} else if (e.wire[e.f.w[0].esp] != 0xFF) {
		return (void)vx_fail(x, "harness: the SPI does not begin with 0xFF");
	}
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
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
	{ ROW("013", "an empty datagram on port 4500: not processed, nothing read past it",
	      "R-UDP-1, R-UDP-3; RFC 3948 s2; PROFILE.md 19, P-8", not_esp),
	  .p = { .alg = &valg_core[1], .udp = VU_TRANSPORT, .variant = 2 }, .open = VO_FAMILY },
	{ ROW("014", "UDP-ESP from a source port a NAT changed: processed as usual",
	      "PROFILE.md 19; RFC 3948 s2.1; RFC 3947 s4", esp_still),
	  .p = { .alg = &valg_core[1], .udp = VU_TRANSPORT }, .open = VO_FAMILY },
	{ ROW("015", "UDP-ESP tunnel from a source port a NAT changed: processed as usual",
	      "PROFILE.md 19; RFC 3948 s2.1; RFC 3947 s4", esp_still),
	  .p = { .alg = &valg_core[0], .udp = VU_TUNNEL, .mode = VM_TUNNEL }, .open = VO_FAMILY },
	{ ROW("016", "UDP-ESP whose SPI begins with 0xFF: ESP, not a NAT-keepalive",
	      "RFC 3948 s2.3; PROFILE.md 19; R-UDP-3", esp_still),
	  .p = { .alg = &valg_core[1], .udp = VU_TRANSPORT, .variant = 1 }, .open = VO_FAMILY },
	{ ROW("017", "the first fragment of a UDP-ESP packet: no IPsec processing",
	      "R-RX-7; RFC 791; RFC 8200 s4.5", vb_fragment),
	  .p = { .alg = &valg_core[0], .udp = VU_TRANSPORT }, .open = VO_FAMILY },
	{ ROW("018", "the last fragment of a UDP-ESP packet (offset set, More Fragments clear): "
	      "no IPsec processing", "R-RX-7; RFC 791; RFC 8200 s4.5", vb_fragment),
	  .p = { .alg = &valg_core[0], .udp = VU_TRANSPORT, .variant = 1 }, .open = VO_FAMILY },
};

const struct vtable vt_udp = { "udp", "UDP-encapsulated ESP (RFC 3948)", rows,
			       sizeof(rows) / sizeof(rows[0]) };
