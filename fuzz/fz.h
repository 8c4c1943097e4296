/* SPDX-License-Identifier: MIT */
/*
 * fz.h - what every fuzz target shares (fuzz/fuzz_<surface>.c).
 *
 * A target is LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize where it
 * sets something up), built three ways from the same source: against
 * libFuzzer (-Dfuzzing=libfuzzer), as an AFL++ persistent-mode program
 * (-Dfuzzing=afl, driver_afl.c), and with the standalone driver
 * (driver_standalone.c: every file or folder named, one run each), which
 * any compiler builds and suite fuzz-regress runs.
 *
 * Inputs are read through struct fz_in: a reader that never fails (bytes
 * past the end read as 0), so a target is a straight line of decisions
 * taken from the input.
 *
 * The engine under fuzz runs in this process (a fuzzer must see its
 * coverage and its crashes): the one IPOC_FUZZ_ENGINE names, else the
 * bundled reference engine. An oracle that does not hold ends the run
 * through fz_fault, with a one-line signature first in the crash state, so
 * that fuzzers and ClusterFuzz file one bug per signature.
 */
#ifndef IPOC_FZ_H
#define IPOC_FZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* What a target defines (the libFuzzer interface). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* ---- input ---- */

struct fz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);           /* little-endian */
uint32_t fz_u32(struct fz_in *in);
bool fz_bool(struct fz_in *in);
/* A number in [0, n) (n > 0). */
uint32_t fz_below(struct fz_in *in, uint32_t n);
/* Up to max bytes, as many as are left: *out points into the input. */
size_t fz_take(struct fz_in *in, size_t max, const uint8_t **out);
size_t fz_left(const struct fz_in *in);

/* ---- the engine under fuzz ---- */

struct fz_engine {
	struct eh *eh;              /* in this process */
	NDIS_OFFLOAD caps;
	const char *path;
	bool is_reference;
};

/* Loaded on the first call (IPOC_FUZZ_ENGINE, else the bundled reference
 * engine), an instance opened, its capabilities read; exits the process
 * with a message when that fails (a fuzzer must not start blind). */
const struct fz_engine *fz_engine(void);
/* The bundled reference engine, in this process (the oracle, or the
 * second engine of diff_engines): the same as fz_engine() when that is
 * the reference. */
struct eh *fz_reference(void);

/* ---- oracles ---- */

/* An oracle did not hold: print "ipoc-fuzz: SIGNATURE" (no values in it,
 * so that one fault is one signature), then what was seen, and abort(). */
void fz_fault(const char *sig, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* An engine operation that did not return EH_OK is a fault (in this
 * process that is a contract breach the host caught: an NBL not handed
 * back, a stray one...). */
void fz_check_rc(enum eh_rc rc, struct eh *eh, const char *op);

/* The NBL contract of o for NBL i: handed back exactly once (returned),
 * guard bytes intact, structures the engine does not own unchanged;
 * what: "send" or "receive" (for the signature). */
void fz_check_nbl(const struct eh_io_out *o, uint32_t i, const char *what);

#endif /* IPOC_FZ_H */
