/* SPDX-License-Identifier: MIT */
/*
 * cases_timing.c - area `timing` (opt-in: `--area timing`): does the time
 * an engine takes to reject a forged ICV depend on where the forgery first
 * differs from the right ICV? A comparison that stops at the first
 * differing byte leaks how many leading bytes an attacker got right (the
 * reason ICVs are compared in constant time). Two classes of frames, the
 * ICV's first byte wrong and its last byte wrong, are received in a random
 * interleaving; the time inside receive_net_buffer_lists (measured where
 * the engine runs, the host's transport excluded) of each class is
 * compared with Welch's t-test, on the samples below each of several
 * percentiles of the pooled times (dudect's cropping, Reparaz et al.
 * 2017: the fast part of the distribution is where a few nanoseconds
 * stand out of the noise of interrupts and migrations). The largest |t|
 * over the crops above 10 fails. For software engines: hardware with its
 * own clock domain shows nothing here, and a sanitizer build times its
 * instrumentation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vflow.h"

struct stat1 {
	double n, mean, m2;
};

static void add(struct stat1 *s, double v)
{
	double d = v - s->mean;

	s->n += 1;
	s->mean += d / s->n;
	s->m2 += d * (v - s->mean);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void timing(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t fa[FB_MAX_FRAME], fb[FB_MAX_FRAME];
	bool ah = c->p.alg->m[0].op == IPsecOffloadV2Ah;
	unsigned n = x->o->timing_runs, warm = 500, got[2] = { 0, 0 };
	static const double crops[] = { 0.25, 0.5, 0.75, 0.9 };
	double *t[2] = { NULL, NULL }, *all = NULL, tstat = 0;
	struct stat1 s[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int best = -1;
	const struct fb_where *w;
	uint32_t inst, icv, icv_len;
	NDIS_HANDLE h[2];

	if (!vf_prepare(x, &c->p, 90, 1, &e))
		return;
	w = &e.f.w[0];
	icv = ah ? w->ah_icv : w->icv;
	icv_len = ah ? e.fs.lv[0].sa.ah_icv : e.fs.lv[0].sa.esp_icv;
	memcpy(fa, e.wire, e.f.len);
	memcpy(fb, e.wire, e.f.len);
	fa[icv] ^= 0x01;
	fb[icv + icv_len - 1] ^= 0x01;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, true, h))
		return;
	t[0] = malloc(n * sizeof(double));
	t[1] = malloc(n * sizeof(double));
	all = malloc(2 * n * sizeof(double));
	if (!t[0] || !t[1] || !all) {
		vx_fail(x, "harness: out of memory");
		goto out;
	}
	for (unsigned i = 0; i < warm + 2 * n && vx_ok(x); i++) {
		int k = (vx_rand(x) & 1) ? 1 : 0;
		const struct eh_io_out *o;

		if (i >= warm && got[k] == n)
			k ^= 1;
		o = vx_recv(x, inst, k ? fb : fa, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
		if (!o)
			goto out;
		if (IPSEC_RX_CRYPTO_STATUS(o->nbls[0].slots[1]) == CRYPTO_SUCCESS)
			return (void)vx_fail(x, "a forged ICV verified");
		if (i >= warm)
			t[k][got[k]++] = (double)o->ns;
	}
	memcpy(all, t[0], n * sizeof(double));
	memcpy(all + n, t[1], n * sizeof(double));
	qsort(all, 2 * n, sizeof(double), cmp_double);
	for (size_t q = 0; q < sizeof(crops) / sizeof(crops[0]); q++) {
		double crop = all[(size_t)(crops[q] * 2 * n)], tq;
		struct stat1 c2[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

		for (int k = 0; k < 2; k++)
			for (unsigned i = 0; i < n; i++)
				if (t[k][i] <= crop)
					add(&c2[k], t[k][i]);
		if (c2[0].n < 2 || c2[1].n < 2 || !(c2[0].m2 + c2[1].m2 > 0))
			continue;
		tq = (c2[0].mean - c2[1].mean) / sqrt(c2[0].m2 / (c2[0].n - 1) / c2[0].n +
						      c2[1].m2 / (c2[1].n - 1) / c2[1].n);
		if (best < 0 || fabs(tq) > fabs(tstat)) {
			best = (int)q;
			tstat = tq;
			s[0] = c2[0];
			s[1] = c2[1];
		}
	}
	if (best < 0) {
		vx_fail(x, "harness: too few distinct samples to compare");
		goto out;
	}
	if (fabs(tstat) > 10)
		vx_fail(x, "the receive time depends on where the forged ICV differs: under the "
			"%.0fth percentile, first byte %.1f ns, last byte %.1f ns on average, "
			"Welch t = %.1f over %u + %u calls", crops[best] * 100, s[0].mean,
			s[1].mean, tstat, (unsigned)s[0].n, (unsigned)s[1].n);
	else
		snprintf(x->r.why, sizeof(x->r.why), "largest |t| %.2f (under the %.0fth "
			 "percentile: first byte %.1f ns, last byte %.1f ns, %u + %u calls)",
			 fabs(tstat), crops[best] * 100, s[0].mean, s[1].mean,
			 (unsigned)s[0].n, (unsigned)s[1].n);
out:
	free(t[0]);
	free(t[1]);
	free(all);
}

#define ROW(i, t, r) .id = "timing-" i, .area = "timing", .title = t, .rule = r, .body = timing

static const struct vcase rows[] = {
	{ ROW("001", "ESP HMAC-SHA-256-128: rejecting a forged ICV takes no longer for a late "
	      "difference", "RFC 4303 s3.4.4.1; constant-time ICV comparison (DESIGN.md)"),
	  .p = { .alg = &valg_core[2], .family = 4 } },
	{ ROW("002", "AH HMAC-SHA1-96: rejecting a forged ICV takes no longer for a late "
	      "difference", "RFC 4302 s3.4.3; constant-time ICV comparison (DESIGN.md)"),
	  .p = { .alg = &valg_core[4], .family = 4 } },
};

const struct vtable vt_timing = { "timing", "timing of ICV rejection (opt-in)", rows,
				  sizeof(rows) / sizeof(rows[0]) };
