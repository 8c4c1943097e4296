/* SPDX-License-Identifier: MIT */
/* OpenSSL backend of ref_crypto.h: see there. */
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ref_crypto.h"

void ref_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int ref_random_bytes(void *buf, size_t n)
{
	if (n > (size_t)INT32_MAX)
		return -1;
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

int ref_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
