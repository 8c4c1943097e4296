/* SPDX-License-Identifier: MIT */
/*
 * ipoc_shape.c - MDL split shape generators (see ipoc_nbl.h).
 *
 * Cuts are frame offsets in (0, len), strictly increasing, as struct
 * ipoc_mdl_shape wants them. The generators are deterministic functions of
 * their arguments (and *seed), so a failing shape is reproduced from the
 * seed printed next to it.
 */
#include <limits.h>

#include "ipoc_nbl.h"

/* Any fixed non-zero value will do: xorshift64 has no way out of 0. */
#define SEED_FOR_ZERO 0x9E3779B97F4A7C15ull

/* Marsaglia's xorshift64 (13, 7, 17). */
static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state ? *state : SEED_FOR_ZERO;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* see ipoc_nbl.h */
int ipoc_shape_split2(uint32_t len, uint32_t at, uint32_t *cuts, size_t cap)
{
	if (at == 0 || at >= len || cap < 1 || !cuts)
		return -1;
	cuts[0] = at;
	return 1;
}

/* see ipoc_nbl.h */
int ipoc_shape_bytes(uint32_t len, uint32_t *cuts, size_t cap)
{
	uint32_t i;

	if (len == 0 || len - 1 > cap || len - 1 > INT_MAX)
		return -1;
	if (len > 1 && !cuts)
		return -1;
	for (i = 1; i < len; i++)
		cuts[i - 1] = i;
	return (int)(len - 1);
}

/*
 * see ipoc_nbl.h
 *
 * Selection sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S): walk the
 * len - 1 candidate offsets in order and take each with probability
 * (still needed) / (still available). That yields exactly k - 1 distinct
 * offsets, already sorted, in one pass with no retries.
 */
int ipoc_shape_random(uint32_t len, uint32_t k, uint64_t *seed, uint32_t *cuts, size_t cap)
{
	uint32_t need, avail, t, n = 0;

	if (!seed || k == 0 || k > len || k - 1 > cap || k - 1 > INT_MAX)
		return -1;
	if (k > 1 && !cuts)
		return -1;
	need = k - 1;
	avail = len - 1;
	for (t = 1; t < len && need; t++, avail--) {
		/* Modulo bias is at most avail / 2^64: irrelevant for shapes. */
		if (xorshift64(seed) % avail < need) {
			cuts[n++] = t;
			need--;
		}
	}
	return (int)n;
}
