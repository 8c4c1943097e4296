/* SPDX-License-Identifier: MIT */
/*
 * cases_shapes.c - area `shapes`: the same frame in every MDL shape an NBL
 * may have (nbl.h; spec digest 1.2): every 2-way split, random k-way
 * splits, one byte per MDL, the guard page before each buffer instead of
 * after it, head- and tailroom, and a first MDL of unused space so that
 * CurrentMdl is not MdlChain. The result must be the one-MDL result: a shape
 * changes where the bytes are, not what they are.
 */
#include <stdlib.h>
#include <string.h>

#include "vflow.h"

enum { SPLIT2 = 0, RANDOM = 1, BYTES = 2, ROOMS = 3 };

/* Run the case's frame through send (arg 0) or receive (arg 1) in every
 * shape of the variant. */
static void shapes(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint32_t cuts[FB_MAX_FRAME];
	bool rx = c->p.arg == 1;
	NDIS_HANDLE h[2];
	uint32_t inst, len, n = 0;
	uint64_t seed = 0x5eed0000u + (uint64_t)c->p.variant;

	if (!vf_prepare(x, &c->p, 70, 1, &e))
		return;
	len = e.f.len;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, rx, h))
		return;
	switch (c->p.variant) {
	case SPLIT2: n = len - 1; break;
	case RANDOM: n = 48; break;
	default: n = 4; break;
	}
	for (uint32_t k = 0; k < n && vx_ok(x); k++) {
		struct ipoc_mdl_shape sh = { cuts, 0, 0, 0, 0 };
		enum ipoc_nbl_guard g = k % 2 ? IPOC_NBL_GUARD_HEAD : IPOC_NBL_GUARD_TAIL;
		int m = 0;

		switch (c->p.variant) {
		case SPLIT2:
			m = ipoc_shape_split2(len, k + 1, cuts, FB_MAX_FRAME);
			break;
		case RANDOM:
			m = ipoc_shape_random(len, 3 + k % 14, &seed, cuts, FB_MAX_FRAME);
			break;
		case BYTES:
			m = ipoc_shape_bytes(len, cuts, FB_MAX_FRAME);
			break;
		default:
			/* Rooms and a lead MDL, with and without splits. */
			sh.headroom = 1 + 7 * k;
			sh.tailroom = 3 + 5 * k;
			sh.lead = k % 2 ? 64 : 1;
			m = k >= 2 ? ipoc_shape_split2(len, len / 2, cuts, FB_MAX_FRAME) : 0;
			break;
		}
		if (m < 0)
			return (void)vx_fail(x, "harness: shape %u", k);
		sh.n_cuts = (uint32_t)m;
		if (rx ? !vf_recv_judge(x, inst, &e, &sh, g)
		       : !vf_send_judge(x, inst, &e, h, true, &sh, g)) {
			char more[200];

			snprintf(more, sizeof(more), " [shape %u: %u MDLs, first cut %u, headroom %u, "
				 "lead %u, guard page %s]", k, sh.n_cuts + 1 + (sh.lead ? 1 : 0),
				 sh.n_cuts ? cuts[0] : 0, sh.headroom, sh.lead,
				 g == IPOC_NBL_GUARD_HEAD ? "before" : "after");
			strncat(x->r.why, more, sizeof(x->r.why) - strlen(x->r.why) - 1);
		}
	}
}

#define ROW(i, t, b) .id = "shape-" i, .area = "shapes", .title = t, .rule = "spec digest 1.2; " \
	"nbl.h; ABI.md ownership", .body = b
#define P(a, m, f, v, dir) .p = { .alg = a, .mode = m, .family = f, .variant = v, .arg = dir }

static const struct vcase rows[] = {
	{ ROW("001", "every 2-way MDL split, send: ESP AES-CBC + HMAC", shapes),
	  P(&valg_core[1], VM_TRANSPORT, 4, SPLIT2, 0), },
	{ ROW("002", "every 2-way MDL split, receive: ESP AES-CBC + HMAC", shapes),
	  P(&valg_core[1], VM_TRANSPORT, 4, SPLIT2, 1) },
	{ ROW("003", "every 2-way MDL split, send: AES-GCM tunnel, IPv6", shapes),
	  P(&valg_core[0], VM_TUNNEL, 6, SPLIT2, 0) },
	{ ROW("004", "every 2-way MDL split, receive: AES-GCM tunnel, IPv6", shapes),
	  P(&valg_core[0], VM_TUNNEL, 6, SPLIT2, 1) },
	{ ROW("005", "every 2-way MDL split, send: AH", shapes),
	  P(&valg_core[4], VM_TRANSPORT, 4, SPLIT2, 0) },
	{ ROW("006", "every 2-way MDL split, receive: AH", shapes),
	  P(&valg_core[4], VM_TRANSPORT, 4, SPLIT2, 1) },
	{ ROW("007", "every 2-way MDL split, receive: [ESP, AH]", shapes),
	  P(&valg_core[6], VM_TRANSPORT, 6, SPLIT2, 1) },
	{ ROW("008", "every 2-way MDL split, receive: transport over tunnel", shapes),
	  .p = { .alg = &valg_core[0], .alg2 = &valg_core[1], .mode = VM_TOT, .family = 4,
		 .variant = SPLIT2, .arg = 1 } },
	{ ROW("009", "random 3- to 16-way MDL splits, send", shapes),
	  P(&valg_core[1], VM_TRANSPORT, 4, RANDOM, 0) },
	{ ROW("010", "random 3- to 16-way MDL splits, receive", shapes),
	  P(&valg_core[3], VM_TUNNEL, 4, RANDOM, 1) },
	{ ROW("011", "random MDL splits, send: [ESP, AH]", shapes),
	  P(&valg_core[6], VM_TRANSPORT, 4, RANDOM, 0) },
	{ ROW("012", "one byte per MDL, send", shapes), P(&valg_core[1], VM_TRANSPORT, 4, BYTES, 0) },
	{ ROW("013", "one byte per MDL, receive", shapes), P(&valg_core[1], VM_TRANSPORT, 4, BYTES, 1) },
	{ ROW("014", "one byte per MDL, receive: AES-GCM IPv6", shapes),
	  P(&valg_core[0], VM_TRANSPORT, 6, BYTES, 1) },
	{ ROW("015", "one byte per MDL, send: AH IPv6", shapes), P(&valg_core[4], VM_TRANSPORT, 6, BYTES, 0) },
	{ ROW("016", "head- and tailroom, a first MDL of unused space, send", shapes),
	  P(&valg_core[0], VM_TRANSPORT, 4, ROOMS, 0) },
	{ ROW("017", "head- and tailroom, a first MDL of unused space, receive", shapes),
	  P(&valg_core[1], VM_TUNNEL, 6, ROOMS, 1) },
};

const struct vtable vt_shapes = { "shapes", "MDL chain shapes", rows,
				  sizeof(rows) / sizeof(rows[0]) };
