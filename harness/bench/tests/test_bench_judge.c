/* SPDX-License-Identifier: MIT */
/*
 * test_bench_judge.c - how `ipoc bench` judges a cell (bench_judge.c): the
 * ratio to each raw library and to the faster of the two per round, which
 * library is the faster, the targets and verdicts per raw library, the raw
 * library an engine is held to by name, and the CPU model read from a
 * cpuinfo file (bench_machine.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "ipoc_test.h"

static bool near(double x, double want)
{
	return fabs(x - want) < 1e-9;
}

#define CHECK_NEAR(x, want) \
	do { \
		double got_ = (x); \
		if (!near(got_, (want))) \
			fprintf(stderr, "%s = %.12g, want %.12g\n", #x, got_, (double)(want)); \
		IPOC_CHECK(near(got_, (want))); \
	} while (0)

static void ratios(void)
{
	double eng[5] = { 10, 10, 10, 10, 10 };
	double evp[5] = { 20, 20, 20, 5, 20 };      /* EVP faster but in round 3 */
	double mb[5] = { 40, 40, 10, 40, 40 };      /* ipsec-mb faster but in round 2 */
	const double *both[BENCH_N_RAW] = { evp, mb };
	const double *evp_only[BENCH_N_RAW] = { evp, NULL };
	const double *none[BENCH_N_RAW] = { NULL, NULL };
	double r[BENCH_N_RAW], f;

	bench_ratios(eng, both, 5, r, &f);
	CHECK_NEAR(r[BENCH_RAW_EVP], 0.5);          /* 0.5 0.5 0.5 2 0.5 */
	CHECK_NEAR(r[BENCH_RAW_MB], 0.25);          /* 0.25 0.25 1 0.25 0.25 */
	/* per round the faster: 40 40 20 40 40, so 0.25 0.25 0.5 0.25 0.25 */
	CHECK_NEAR(f, 0.25);
	IPOC_CHECK(f <= r[BENCH_RAW_EVP] && f <= r[BENCH_RAW_MB]);

	/* the faster per round, not the faster overall: with EVP the faster in
	 * three rounds of five, x best follows EVP there */
	{
		double e2[5] = { 1, 1, 1, 1, 1 }, v2[5] = { 4, 4, 4, 1, 1 }, m2[5] = { 2, 2, 2, 8, 8 };
		const double *raw2[BENCH_N_RAW] = { v2, m2 };

		bench_ratios(e2, raw2, 5, r, &f);
		CHECK_NEAR(r[BENCH_RAW_EVP], 0.25);  /* .25 .25 .25 1 1 */
		CHECK_NEAR(r[BENCH_RAW_MB], 0.5);    /* .5 .5 .5 .125 .125 */
		CHECK_NEAR(f, 0.25);                 /* .25 .25 .25 .125 .125 */
	}
	/* an even number of rounds: the mean of the middle two */
	bench_ratios(eng, both, 4, r, &f);
	CHECK_NEAR(r[BENCH_RAW_EVP], 0.5);          /* 0.5 0.5 0.5 2 */
	CHECK_NEAR(r[BENCH_RAW_MB], 0.25);          /* 0.25 0.25 0.25 1 */
	CHECK_NEAR(f, 0.25);

	/* no ipsec-mb column: its ratio is NAN, the faster is EVP */
	bench_ratios(eng, evp_only, 5, r, &f);
	CHECK_NEAR(r[BENCH_RAW_EVP], 0.5);
	IPOC_CHECK(isnan(r[BENCH_RAW_MB]));
	CHECK_NEAR(f, 0.5);

	bench_ratios(eng, none, 5, r, &f);
	IPOC_CHECK(isnan(r[BENCH_RAW_EVP]) && isnan(r[BENCH_RAW_MB]) && isnan(f));
	bench_ratios(eng, both, 0, r, &f);
	IPOC_CHECK(isnan(r[BENCH_RAW_EVP]) && isnan(f));
	bench_ratios(eng, both, BENCH_ROUNDS + 1, r, &f);
	IPOC_CHECK(isnan(r[BENCH_RAW_MB]) && isnan(f));
}

static void fastest(void)
{
	struct bench_result r;

	memset(&r, 0, sizeof(r));
	r.raw[BENCH_RAW_EVP].pps = 100;
	r.raw[BENCH_RAW_MB].pps = 300;
	IPOC_CHECK_EQ(bench_fastest(&r), BENCH_RAW_MB);
	r.raw[BENCH_RAW_MB].pps = 100;              /* a tie: EVP */
	IPOC_CHECK_EQ(bench_fastest(&r), BENCH_RAW_EVP);
	r.raw[BENCH_RAW_MB].pps = 50;
	IPOC_CHECK_EQ(bench_fastest(&r), BENCH_RAW_EVP);
	r.raw[BENCH_RAW_MB].pps = 900;
	r.raw[BENCH_RAW_MB].state = BENCH_COL_ABSENT;
	IPOC_CHECK_EQ(bench_fastest(&r), BENCH_RAW_EVP);
	r.raw[BENCH_RAW_MB].state = BENCH_COL_ERROR;
	IPOC_CHECK_EQ(bench_fastest(&r), BENCH_RAW_EVP);
}

static void targets(void)
{
	static const char gcm[] = "aes-gcm-128", cbc[] = "aes-cbc-128+hmac-sha1-96";
	const struct bench_target *t;
	struct bench_result r;

	t = bench_target_of(BENCH_RAW_MB, gcm, 1500);
	IPOC_CHECK(t && near(t->min_ratio, 0.80) && t->raw == BENCH_RAW_MB);
	t = bench_target_of(BENCH_RAW_MB, cbc, 64);
	IPOC_CHECK(t && near(t->min_ratio, 0.50));
	t = bench_target_of(BENCH_RAW_EVP, cbc, 1500);
	IPOC_CHECK(t && near(t->min_ratio, 0.85) && t->raw == BENCH_RAW_EVP);
	t = bench_target_of(BENCH_RAW_EVP, gcm, 64);
	IPOC_CHECK(t && near(t->min_ratio, 0.60));
	IPOC_CHECK(bench_target_of(BENCH_RAW_MB, gcm, 512) == NULL);
	IPOC_CHECK(bench_target_of(BENCH_RAW_MB, "aes-gcm-256", 1500) == NULL);

	/* the verdict compares the ratio to the target's library, not the
	 * faster one */
	memset(&r, 0, sizeof(r));
	r.raw[BENCH_RAW_EVP].ratio = 0.9;
	r.raw[BENCH_RAW_MB].ratio = 0.3;
	r.ratio_fastest = 0.3;
	t = bench_target_of(BENCH_RAW_EVP, gcm, 1500);
	IPOC_CHECK(bench_verdict(t, &r) && strcmp(bench_verdict(t, &r), "PASS") == 0);
	t = bench_target_of(BENCH_RAW_MB, gcm, 1500);
	IPOC_CHECK(bench_verdict(t, &r) && strcmp(bench_verdict(t, &r), "BELOW") == 0);
	r.raw[BENCH_RAW_MB].ratio = 0.8;             /* at the target: PASS */
	IPOC_CHECK(bench_verdict(t, &r) && strcmp(bench_verdict(t, &r), "PASS") == 0);
	r.raw[BENCH_RAW_MB].state = BENCH_COL_ABSENT;
	IPOC_CHECK(bench_verdict(t, &r) == NULL);
	r.raw[BENCH_RAW_MB].state = BENCH_COL_OK;
	r.status = BENCH_ERROR;
	IPOC_CHECK(bench_verdict(t, &r) == NULL);
	r.status = BENCH_OK;
	IPOC_CHECK(bench_verdict(NULL, &r) == NULL);
}

static void target_raw(void)
{
	static const struct {
		const char *name, *path;
		enum bench_raw want;
	} cases[] = {
		{ "ipoc-ref", "/b/engine/ref/libipoc_ref.so", BENCH_RAW_EVP },
		{ "ipoc-ref", "/b/engine/ref/libipoc_ref_mb.so", BENCH_RAW_MB },
		{ "ipoc-ref-mb", "/x/libsomething.so", BENCH_RAW_MB },
		{ "vendor on Intel IPsec-MB", "/x/libvendor.so", BENCH_RAW_MB },
		{ "vendor", "/x/libvendor_ipsec_mb.so", BENCH_RAW_MB },
		{ "vendor", "./mb.so", BENCH_RAW_MB },
		{ "vendor", "/x/libvendor.so", BENCH_RAW_EVP },
		/* "mb" inside a word is no mark; a directory's name is not read */
		{ "numb", "/x/libcombo.so", BENCH_RAW_EVP },
		{ "vendor", "/mb/libvendor.so", BENCH_RAW_EVP },
		{ "mbedtls-engine", "/x/libmbed.so", BENCH_RAW_EVP },
		{ NULL, NULL, BENCH_RAW_EVP },
	};
	enum bench_raw r;
	char why[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum bench_raw got = bench_target_raw_auto(cases[i].name, cases[i].path, why,
							   sizeof(why));

		if (got != cases[i].want)
			fprintf(stderr, "case %zu (%s, %s): %s\n", i, cases[i].name ? cases[i].name : "-",
				cases[i].path ? cases[i].path : "-", why);
		IPOC_CHECK_EQ(got, cases[i].want);
		IPOC_CHECK(why[0] != '\0');
	}
	bench_target_raw_auto("ipoc-ref", "/b/libipoc_ref_mb.so", why, sizeof(why));
	IPOC_CHECK_STR_HAS(why, "libipoc_ref_mb.so");
	IPOC_CHECK(bench_raw_parse("ipsec-mb", &r) == 0 && r == BENCH_RAW_MB);
	IPOC_CHECK(bench_raw_parse("EVP", &r) == 0 && r == BENCH_RAW_EVP);
	IPOC_CHECK(bench_raw_parse("mb", &r) != 0);
	IPOC_CHECK(bench_raw_parse("", &r) != 0);
	IPOC_CHECK(strcmp(bench_raw_name(BENCH_RAW_MB), "ipsec-mb") == 0);
}

static void cpu_model(void)
{
	char path[] = "/tmp/ipoc-cpuinfo-XXXXXX", out[160];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	IPOC_CHECK(f != NULL);
	if (!f)
		return;
	fputs("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 106\n"
	      "model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz  \n"
	      "processor\t: 1\nmodel name\t: Other\n", f);
	fclose(f);
	bench_cpu_model(path, out, sizeof(out));
	IPOC_CHECK(strcmp(out, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz") == 0);
	f = fopen(path, "w");
	if (f) {
		fputs("processor\t: 0\nmodel\t\t: 1\n", f);   /* no model name (e.g. arm64) */
		fclose(f);
	}
	bench_cpu_model(path, out, sizeof(out));
	IPOC_CHECK_STR_HAS(out, "unknown");
	IPOC_CHECK_STR_HAS(out, "has no model name");
	unlink(path);
	bench_cpu_model(path, out, sizeof(out));
	IPOC_CHECK_STR_HAS(out, "cannot read");
}

int main(int argc, char **argv)
{
	(void)argc;
	ratios();
	fastest();
	targets();
	target_raw();
	cpu_model();
	return ipoc_test_report(argv[0]);
}
