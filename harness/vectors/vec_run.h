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
 * Guards around every MDL (guard pages in the engine host) and every
 * structure the engine does not own must be intact afterwards. A case
 * needing what the engine's capability report excludes (`needs`,
 * algorithms) is "unsupported", counted apart from failures; an ADD_SA the
 * report promised that the engine refuses is a failure. An engine that
 * crashes, hangs or exits gives that case its verdict, and the next case
 * runs in a fresh engine host. [prim] blocks are primitives of a crypto
 * layer and are not reachable through the ABI: they are counted as such.
 *
 * With a report (vrun_opts.rpt), every case x direction x shape becomes a
 * result: id "FILE:CASE/send/shapeK" (a case the engine does not claim:
 * one result "FILE:CASE/unsupported"), group the file, rule the case's
 * provenance, and its cell of the capability matrix.
 */
#ifndef IPOC_VEC_RUN_H
#define IPOC_VEC_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "host.h"
#include "rpt.h"
#include "vec_sent.h"
#include "vectors.h"
#include "verdict.h"

/* A case x direction x shape that did not pass, for a reproducer: the
 * frame handed to the engine, what came back, and the frame expected, with
 * the times (ns since the epoch) the harness handed it over and got it
 * back. Valid during the vec_repro_fn call. */
struct vec_failure {
	const struct vec_file *file;
	const struct vec_case *c;
	const char *dir;            /* "send" or "receive" */
	unsigned shape;
	enum verdict v;
	const char *why;
	const uint8_t *in;          /* NULL: nothing was handed over */
	uint32_t in_len;
	uint64_t in_ns;
	const uint8_t *got;         /* transmitted / indicated; NULL: nothing came back */
	uint32_t got_len;
	uint64_t got_ns;
	char got_note[256];         /* its status and OOB slots */
	const uint8_t *want;        /* NULL: no bytes expected (an outcome that leaves
	                               them unspecified) */
	uint32_t want_len;
};
typedef void (*vec_repro_fn)(void *arg, const struct vec_failure *f);

struct vrun_opts {
	struct eh *eh;          /* the engine */
	const NDIS_OFFLOAD *caps;   /* its capability report, read up front */
	unsigned shapes;        /* MDL shapes per direction: 1..4 */
	bool verbose;           /* a line per case and direction, not only failures */
	FILE *out;
	struct vec_sent *sent;  /* NULL, or where the frames of passing shape-0 sends go */
	unsigned max_faults;    /* crashes, hangs and exits before the run stops */
	vec_repro_fn repro;     /* NULL, or called for each case x direction x shape
	                           that did not pass (ipoc vectors --repro-dir) */
	void *repro_arg;
	struct rpt *rpt;        /* NULL, or where every result goes */
};

struct vrun_stats {
	struct verdict_counts v;
	unsigned prims;
	bool dead;              /* the engine host could not be restarted, or faulted
	                           max_faults times: the run stopped */
	unsigned faults;        /* crashes, hangs and exits so far */
	bool rpt_failed;        /* a result could not be added to o->rpt (out of memory) */
};

/* Run every case of f. Returns 0 when none failed, crashed, hung or exited. */
int vrun_file(const struct vec_file *f, const struct vrun_opts *o, struct vrun_stats *st);

#endif /* IPOC_VEC_RUN_H */
