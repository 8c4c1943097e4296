/* SPDX-License-Identifier: MIT */
/*
 * cases_own.c - area `own`: what the engine owns and what it does not
 * (ABI.md "Ownership"; nbl.h; R-TX-4). Every call of every case already
 * checks that guards, unused space and every NBL/NB/MDL field the engine
 * does not own are as built, and that each NBL comes back exactly once;
 * these cases look at what that leaves open: a send is sealed in place
 * (the frame on the wire is the NET_BUFFER's data space, which holds it
 * afterwards), and the slots an engine must write on receive are written
 * even when it does nothing else.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"

/* Sealed in place: the transmitted frame names the NBL's own NB, and the
 * NB holds, on completion, what went on the wire (engine.h transmit;
 * R-TX-4 "performs the cryptographic operations on the packet data"). */
static void in_place(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, 80, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	t.offload = h[0];
	t.hdr = e.f.hdr_info;
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->n_tx != 1 || !o->tx[0].bytes)
		return (void)vx_fail(x, "%u frames transmitted, want 1", o->n_tx);
	if (o->tx[0].nb != 0)
		return (void)vx_fail(x, "the frame was transmitted from a NET_BUFFER that is not the "
				     "NBL's (engine memory?): transmit names the NB it sends");
	if (!o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].len != o->tx[0].len ||
	    memcmp(o->nbls[0].nbs[0].bytes, o->tx[0].bytes, o->tx[0].len) != 0)
		return (void)vx_fail(x, "on completion the NB does not hold what was transmitted "
				     "(not sealed in place)");
	vf_judge_tx(x, &e, o->tx[0].bytes, o->tx[0].len, false);
}

/* A frame the engine does not process still has its IPsec slots written:
 * the host leaves garbage there, the engine clears them (R-RX-4 "clears
 * both the CryptoDone and the NextCryptoDone flags"; PROFILE.md 26). Also
 * a frame that is not even IP. */
static void slots_written(struct vctx *x, const struct vcase *c)
{
	static const uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
					 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };
	const struct eh_io_out *o;
	uint32_t inst = vx_open(x, NULL);
	uintptr_t s1;
	char a[160];

	(void)c;
	if (inst == UINT32_MAX)
		return;
	o = vx_recv(x, inst, arp, sizeof(arp), NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	if (s1 & (IPSEC_RX_CRYPTO_DONE | IPSEC_RX_NEXT_CRYPTO_DONE))
		vx_fail(x, "an ARP frame came back with %s: the garbage the slot held was left "
			"(R-RX-4: clear CryptoDone and NextCryptoDone)", vx_slot1_text(s1, a, sizeof(a)));
	else if (o->nbls[0].nbs[0].len != sizeof(arp) ||
		 memcmp(o->nbls[0].nbs[0].bytes, arp, sizeof(arp)) != 0)
		vx_fail(x, "an ARP frame came back changed");
}

#define ROW(i, t, r, b) .id = "own-" i, .area = "own", .title = t, .rule = r, .body = b

static const struct vcase rows[] = {
	{ ROW("001", "a send is sealed in place in the NBL's own NET_BUFFER", "engine.h transmit; "
	      "R-TX-4", in_place), .p = { .family = 4 }, .open = VO_ALG_CORE },
	{ ROW("002", "an ARP frame: CryptoDone and NextCryptoDone cleared, bytes unchanged",
	      "R-RX-4; PROFILE.md 26", slots_written) },
};

const struct vtable vt_own = { "own", "ownership of NBLs, buffers and slots", rows,
			       sizeof(rows) / sizeof(rows[0]) };
