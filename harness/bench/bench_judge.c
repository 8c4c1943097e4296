/* SPDX-License-Identifier: MIT */
/*
 * bench_judge.c - how `ipoc bench` judges a cell from its slice rates: the
 * ratio of the engine to each raw library and to the faster of the two,
 * which library is faster, the targets and their verdicts, and
 * which raw library an engine is held to.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench.h"

static const char *const raw_names[BENCH_N_RAW] = { "evp", "ipsec-mb" };

const char *bench_raw_name(enum bench_raw r)
{
	return (unsigned)r < BENCH_N_RAW ? raw_names[r] : "?";
}

int bench_raw_parse(const char *text, enum bench_raw *out)
{
	for (int k = 0; k < BENCH_N_RAW; k++)
		if (strcasecmp(text, raw_names[k]) == 0) {
			*out = (enum bench_raw)k;
			return 0;
		}
	return -1;
}

/* ---- ratios ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_ratios(const double *engine, const double *const raw[BENCH_N_RAW], size_t rounds,
		  double ratio[BENCH_N_RAW], double *ratio_fastest)
{
	double v[BENCH_ROUNDS], best[BENCH_ROUNDS];

	*ratio_fastest = NAN;
	if (rounds == 0 || rounds > BENCH_ROUNDS) {
		for (int k = 0; k < BENCH_N_RAW; k++)
			ratio[k] = NAN;
		return;
	}
	for (size_t i = 0; i < rounds; i++)
		best[i] = 0;
	for (int k = 0; k < BENCH_N_RAW; k++) {
		ratio[k] = NAN;
		if (!raw[k])
			continue;
		for (size_t i = 0; i < rounds; i++) {
			v[i] = engine[i] / raw[k][i];
			if (raw[k][i] > best[i])
				best[i] = raw[k][i];
		}
		ratio[k] = median(v, rounds);
	}
	if (!raw[BENCH_RAW_EVP] && !raw[BENCH_RAW_MB])
		return;
	for (size_t i = 0; i < rounds; i++)
		v[i] = engine[i] / best[i];
	*ratio_fastest = median(v, rounds);
}

enum bench_raw bench_fastest(const struct bench_result *r)
{
	enum bench_raw f = BENCH_RAW_EVP;

	for (int k = 0; k < BENCH_N_RAW; k++)
		if (r->raw[k].state == BENCH_COL_OK &&
		    (r->raw[f].state != BENCH_COL_OK || r->raw[k].pps > r->raw[f].pps))
			f = (enum bench_raw)k;
	return f;
}

/* ---- targets ---- */

/* Issue 10: the ipsec-mb engine against raw ipsec-mb; the OpenSSL engine
 * keeps 0.85x EVP at 1500 bytes (and the earlier 0.60x at 64 bytes).
 * Single core, both directions. */
static const struct bench_target targets[] = {
	{ BENCH_RAW_MB, "aes-gcm-128", 1500, 0.80 },
	{ BENCH_RAW_MB, "aes-cbc-128+hmac-sha1-96", 1500, 0.80 },
	{ BENCH_RAW_MB, "aes-gcm-128", 64, 0.50 },
	{ BENCH_RAW_MB, "aes-cbc-128+hmac-sha1-96", 64, 0.50 },
	{ BENCH_RAW_EVP, "aes-gcm-128", 1500, 0.85 },
	{ BENCH_RAW_EVP, "aes-cbc-128+hmac-sha1-96", 1500, 0.85 },
	{ BENCH_RAW_EVP, "aes-gcm-128", 64, 0.60 },
	{ BENCH_RAW_EVP, "aes-cbc-128+hmac-sha1-96", 64, 0.60 },
};

const struct bench_target *bench_target_of(enum bench_raw raw, const char *alg, uint32_t size)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (targets[i].raw == raw && targets[i].size == size &&
		    strcmp(targets[i].alg, alg) == 0)
			return &targets[i];
	return NULL;
}

const char *bench_verdict(const struct bench_target *t, const struct bench_result *r)
{
	const struct bench_col *c;

	if (!t || r->status != BENCH_OK)
		return NULL;
	c = &r->raw[t->raw];
	if (c->state != BENCH_COL_OK || !isfinite(c->ratio))
		return NULL;
	return c->ratio >= t->min_ratio ? "PASS" : "BELOW";
}

/* Does text hold an ipsec-mb mark: "ipsec-mb", "ipsec_mb", "ipsecmb", or
 * "mb" as a word of its own (between '-', '_', '.', or an end)? */
static bool says_mb(const char *text)
{
	char low[256];
	size_t n = strlen(text);

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)text[i]);
	low[n] = '\0';
	if (strstr(low, "ipsec-mb") || strstr(low, "ipsec_mb") || strstr(low, "ipsecmb"))
		return true;
	for (const char *p = low; (p = strstr(p, "mb")) != NULL; p += 2) {
		bool before = p == low || strchr("-_.", p[-1]);
		bool after = p[2] == '\0' || strchr("-_.", p[2]);

		if (before && after)
			return true;
	}
	return false;
}

enum bench_raw bench_target_raw_auto(const char *engine_name, const char *engine_path,
				     char *why, size_t whylen)
{
	const char *base = engine_path ? strrchr(engine_path, '/') : NULL;

	base = base ? base + 1 : engine_path ? engine_path : "";
	if (engine_name && says_mb(engine_name)) {
		snprintf(why, whylen, "engine name '%s' says ipsec-mb", engine_name);
		return BENCH_RAW_MB;
	}
	if (says_mb(base)) {
		snprintf(why, whylen, "engine file %s says ipsec-mb", base);
		return BENCH_RAW_MB;
	}
	snprintf(why, whylen, "neither engine name '%s' nor file %s says ipsec-mb",
		 engine_name ? engine_name : "", base);
	return BENCH_RAW_EVP;
}
