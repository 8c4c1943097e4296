/* SPDX-License-Identifier: MIT */
/*
 * bench_mb_absent.c - the raw intel-ipsec-mb column of `ipoc bench` in a
 * build without the library (not x86-64, libipsec-mb-dev not installed, or
 * -Dipsec_mb=disabled): there is no such column, and every call says why.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const char why[] = "this ipoc was built without intel-ipsec-mb (not x86-64, "
	"libipsec-mb-dev not installed, or -Dipsec_mb=disabled)";

void bench_mb_info(struct bench_mb_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->why_absent, sizeof(info->why_absent), "%s", why);
}

struct bench_mb *bench_mb_new(const struct bench_alg *a, const uint8_t *enc_key,
			      const uint8_t *auth_key, char *err, size_t errlen)
{
	(void)a;
	(void)enc_key;
	(void)auth_key;
	snprintf(err, errlen, "%s", why);
	return NULL;
}

void bench_mb_free(struct bench_mb *x)
{
	(void)x;
}

void bench_mb_fast(struct bench_mb *x, bool fast)
{
	(void)x;
	(void)fast;
}

int bench_mb_seal(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len,
		  bool gen_iv)
{
	(void)x;
	(void)esp;
	(void)n;
	(void)len;
	(void)gen_iv;
	return -1;
}

int bench_mb_open(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len)
{
	(void)x;
	(void)esp;
	(void)n;
	(void)len;
	return -1;
}
