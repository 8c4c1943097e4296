/* SPDX-License-Identifier: MIT */
/*
 * vec_run.h - drive known-answer vectors through an engine's ABI.
 *
 * For each [case] block: offload the SA(s) with OID_TCP_TASK_IPSEC_OFFLOAD_V2
 * _ADD_SA, and in each direction the case allows, and for each MDL shape:
 *   send:    build the frame from `plain` (behind an Ethernet header), set
 *            the handles and the header-information slot the harness derives
 *            from the packet, inject `iv` through test_set_tx_iv, send; the
 *            frame transmitted must equal `wire`, the NBL status expect.
 *   receive: build the frame from `wire`, receive; the OOB slots must match
 *            the expectations and, on CRYPTO_SUCCESS, the indicated bytes
 *            must equal `plain` with the IV and ICV fields as received.
 * Guard bytes around every MDL must be intact afterwards. A case needing
 * what the engine does not claim (`needs`, algorithms) is "unsupported",
 * counted apart from failures. [prim] blocks are primitives of a crypto
 * layer and are not reachable through the ABI: they are counted as such.
 */
#ifndef IPOC_VEC_RUN_H
#define IPOC_VEC_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "ipoc/engine.h"
#include "vec_sent.h"
#include "vectors.h"

struct vrun_opts {
	const struct ipoc_engine_ops *ops;
	unsigned shapes;        /* MDL shapes per direction: 1..4 */
	bool verbose;           /* a line per case and direction, not only failures */
	FILE *out;
	struct vec_sent *sent;  /* NULL, or where the frames of passing shape-0 sends go */
};

struct vrun_stats {
	unsigned passed, failed, unsupported, prims;
};

/* Run every case of f. Returns 0 when none failed. */
int vrun_file(const struct vec_file *f, const struct vrun_opts *o, struct vrun_stats *st);

#endif /* IPOC_VEC_RUN_H */
