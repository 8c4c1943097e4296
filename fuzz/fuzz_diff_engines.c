/* SPDX-License-Identifier: MIT */
/*
 * fuzz_diff_engines.c - the same inputs through two engines, `ipoc diff`'s
 * generated traffic driven by the input instead of a seed: the engine under
 * fuzz (IPOC_FUZZ_ENGINE, else the bundled reference) against the
 * reference engine, or against the engine IPOC_FUZZ_ENGINE_B names.
 *
 * The input is one item of harness/diff (diff.h, ditem_decode: 16 bytes):
 * the algorithm configuration (and the inner one of transport over
 * tunnel), mode, IP families, UDP-ESP encapsulation, ESN, IPv4 options or
 * IPv6 extension headers, payload length, direction, the fault put in on
 * receive (an ICV's first or last byte, a payload or sequence-number bit;
 * with IPOC_FUZZ_DIFF_LENGTHS=1 also frames cut short and IP lengths that
 * lie, whose outcome the docs leave open), the MDL shape, and the number
 * that draws keys, cuts and where the fault goes. The reference engine
 * frames and seals it; both engines send or receive it (diff_one).
 *
 * Oracle: the engines do the same. A divergence aborts with `ipoc diff`'s
 * signature (direction, protocol and mode, the outcome pair or the first
 * field that differs; no values), so that one fault is one bug; the item
 * in words and what each engine did follow. A divergence the list
 * IPOC_FUZZ_DIFF_KNOWN names (an engine's expected.txt: its findings) does
 * not abort (diff_known.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_known.h"
#include "fz.h"

static struct dside A, B;
static struct eh *ref;
static bool lengths;

static void load_b(const char *path)
{
	struct eh_opts o = { EH_IN_PROCESS, 0, -1 };
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
	char err[1024];
	uint32_t inst;
	NDIS_STATUS st;

	if (eh_load(path, &o, &B.eh, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc-fuzz: %s\n", err);
		exit(1);
	}
	q.buf = &B.caps;
	q.len = sizeof(B.caps);
	if (eh_open(B.eh, NULL, &st, &inst) != EH_OK || st != NDIS_STATUS_SUCCESS ||
	    eh_oid(B.eh, inst, &q) != EH_OK || q.status != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "ipoc-fuzz: engine %s: open or OID_TCP_OFFLOAD_CURRENT_CONFIG "
			"failed\n", path);
		exit(1);
	}
	eh_close(B.eh, inst);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct fz_engine *e = fz_engine();
	const char *b = getenv("IPOC_FUZZ_ENGINE_B");
	const char *l = getenv("IPOC_FUZZ_DIFF_LENGTHS");

	(void)argc;
	(void)argv;
	A.eh = e->eh;
	A.caps = e->caps;
	A.label = "A";
	ref = fz_reference();
	if (b && b[0]) {
		load_b(b);
	} else {
		B.eh = ref;
		B.caps = e->caps;
		if (!e->is_reference) {
			/* the reference's own report */
			struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
			uint32_t inst;
			NDIS_STATUS st;

			q.buf = &B.caps;
			q.len = sizeof(B.caps);
			if (eh_open(ref, NULL, &st, &inst) != EH_OK || st != NDIS_STATUS_SUCCESS ||
			    eh_oid(ref, inst, &q) != EH_OK || q.status != NDIS_STATUS_SUCCESS) {
				fprintf(stderr, "ipoc-fuzz: the reference engine does not open\n");
				exit(1);
			}
			eh_close(ref, inst);
		}
	}
	B.label = "B";
	lengths = l && l[0] == '1';
	dk_load();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ditem d;
	static struct dverdict v;

	/* the hosts keep this input's requests only */
	eh_mark(A.eh);
	if (B.eh != A.eh)
		eh_mark(B.eh);
	if (ref != A.eh && ref != B.eh)
		eh_mark(ref);
	ditem_decode(data, size, lengths, &d);
	if (diff_one(&A, &B, ref, &d, &v) == 1 && !dk_known(v.sig, v.example))
		fz_fault(v.sig, "diff_engines: %s\n%s\nA = %s\nB = %s", v.example, v.detail,
			 eh_info(A.eh)->path, eh_info(B.eh)->path);
	return 0;
}
