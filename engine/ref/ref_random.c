/* SPDX-License-Identifier: MIT */
/*
 * ref_random.c - public IVs from a per-thread pool, refilled from the
 * backend's CSPRNG (ref_random_bytes) 4 KiB at a time: one generator call
 * per packet is most of the cost of a small packet.
 */
#include <string.h>

#include "ref_crypto.h"

enum { IV_POOL_LEN = 4096, IV_MAX = 64 };

int ref_random_iv(void *buf, size_t n)
{
	static __thread uint8_t pool[IV_POOL_LEN];
	static __thread size_t left;

	if (n > IV_MAX)
		return -1;
	if (n > left) {
		if (ref_random_bytes(pool, IV_POOL_LEN) != 0)
			return -1;
		left = IV_POOL_LEN;
	}
	memcpy(buf, pool + IV_POOL_LEN - left, n);
	left -= n;
	return 0;
}
