/* SPDX-License-Identifier: MIT */
/*
 * test_bench_mb.c - the raw intel-ipsec-mb column of `ipoc bench` is
 * honest: for every algorithm bench knows, at block-sized, 64-, 1500- and
 * 9000-byte ESP packets, in bursts of 1, 7 and BENCH_MB_MAX_BURST packets,
 * its ciphertext and ICV are byte for byte what raw OpenSSL EVP makes of the
 * same packets with the same keys and IVs (given, and counted from 1 by
 * both for GCM/GMAC); each opens the other's packets to the plaintext; a
 * changed ICV, or a changed byte under the ICV, is a mismatch for both.
 * bench_mb_info names a version and an arch path.
 *
 * Built without intel-ipsec-mb (HAVE_IPSEC_MB 0), it checks that the
 * column is absent and says why instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ipoc_test.h"

enum { ESP_HDR = 8, MAX_PKT = 9100, BURSTS = 3 };

static const char *const ciphers[] = {
	"aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "3des-cbc", "des-cbc", "null",
};
static const char *const auths[] = { "", "+hmac-md5-96", "+hmac-sha1-96", "+hmac-sha256-128" };
static const char *const aeads[] = {
	"aes-gcm-128", "aes-gcm-192", "aes-gcm-256", "aes-gmac-128", "aes-gmac-192", "aes-gmac-256",
};

static uint8_t enc_key[36], auth_key[36];

#if HAVE_IPSEC_MB

/* ESP header .. ICV of packet k: clen bytes from the IV on, a pattern. */
static void make(uint8_t *esp, const struct bench_alg *a, uint32_t clen, unsigned k)
{
	uint32_t len = ESP_HDR + a->iv_len + clen + a->icv_len;

	memset(esp, 0, len);
	esp[2] = 0x10;
	esp[3] = 0x01;
	esp[7] = (uint8_t)(k + 1);
	for (uint32_t i = 0; i < a->iv_len; i++)
		esp[ESP_HDR + i] = (uint8_t)(0xa0 + 3 * i + k);
	for (uint32_t i = 0; i < clen; i++)
		esp[ESP_HDR + a->iv_len + i] = (uint8_t)(i * 13 + k * 7 + 1);
}

struct pkts {
	uint8_t *buf[BENCH_MB_MAX_BURST];
	uint8_t *ref[BENCH_MB_MAX_BURST];
	uint8_t *plain[BENCH_MB_MAX_BURST];
};

/* One algorithm, one size, one burst length. */
static void one(const struct bench_alg *a, uint32_t clen, unsigned n, struct pkts *p)
{
	uint32_t len = ESP_HDR + a->iv_len + clen + a->icv_len, icv = len - a->icv_len;
	uint32_t start = ESP_HDR + a->iv_len;
	bool aead = a->kind == BENCH_GCM || a->kind == BENCH_GMAC;
	char err[256];
	struct bench_evp *evp = bench_evp_new(a, enc_key, auth_key, err, sizeof(err));
	struct bench_mb *mb = bench_mb_new(a, enc_key, auth_key, err, sizeof(err));
	unsigned diff = 0;

	IPOC_CHECK(evp != NULL);
	IPOC_CHECK(mb != NULL);
	if (!evp || !mb) {
		fprintf(stderr, "%s: %s\n", a->name, err);
		goto out;
	}
	/* the IVs given (gen_iv false), then counted by both (GCM/GMAC) */
	for (int gen = 0; gen <= (aead ? 1 : 0); gen++) {
		for (unsigned k = 0; k < n; k++) {
			make(p->plain[k], a, clen, k);
			memcpy(p->buf[k], p->plain[k], len);
			memcpy(p->ref[k], p->plain[k], len);
			IPOC_CHECK(bench_evp_seal(evp, p->ref[k], len, gen) == 0);
		}
		IPOC_CHECK(bench_mb_seal(mb, p->buf, n, len, gen) == 0);
		for (unsigned k = 0; k < n; k++)
			if (memcmp(p->buf[k], p->ref[k], len) != 0)
				diff++;
		/* each opens the other's packets to the plaintext */
		IPOC_CHECK_EQ(bench_mb_open(mb, p->ref, n, len), 0);
		for (unsigned k = 0; k < n; k++) {
			IPOC_CHECK_EQ(bench_evp_open(evp, p->buf[k], len), 0);
			if (memcmp(p->buf[k] + start, p->plain[k] + start, icv - start) != 0 ||
			    memcmp(p->ref[k] + start, p->plain[k] + start, icv - start) != 0)
				diff++;
		}
	}
	if (diff)
		fprintf(stderr, "%s, %u bytes, burst of %u: %u packets differ\n", a->name, len, n,
			diff);
	IPOC_CHECK_EQ(diff, 0);
	if (a->icv_len == 0)
		goto out;
	/* a changed ICV in the last packet, then a changed byte under the ICV
	 * in the first: a mismatch for both libraries */
	for (int where = 0; where < 2; where++) {
		unsigned k = where ? 0 : n - 1;

		for (unsigned j = 0; j < n; j++) {
			memcpy(p->ref[j], p->plain[j], len);
			IPOC_CHECK(bench_evp_seal(evp, p->ref[j], len, false) == 0);
			memcpy(p->buf[j], p->ref[j], len);
		}
		p->buf[k][where ? icv - 1 : icv] ^= 0x01;
		memcpy(p->ref[k], p->buf[k], len);
		IPOC_CHECK_EQ(bench_mb_open(mb, p->buf, n, len), 1);
		IPOC_CHECK_EQ(bench_evp_open(evp, p->ref[k], len), 1);
	}
out:
	bench_evp_free(evp);
	bench_mb_free(mb);
}

static void each_size(const struct bench_alg *a, struct pkts *p)
{
	static const unsigned bursts[BURSTS] = { 1, 7, BENCH_MB_MAX_BURST };
	/* payload .. next header of 64-, 1500- and 9000-byte IPv4 packets, and
	 * one block */
	uint32_t over = 20 + ESP_HDR + a->iv_len + a->icv_len;
	uint32_t sizes[4] = { a->block, 64 - over, 1500 - over, 9000 - over };

	for (int s = 0; s < 4; s++) {
		uint32_t clen = sizes[s] / a->block * a->block;

		if (clen == 0)
			clen = a->block;
		for (int b = 0; b < BURSTS; b++)
			one(a, clen, bursts[b], p);
	}
}

static void info(void)
{
	static const char *const arches[] = { "NOAESNI", "SSE", "AVX", "AVX2", "AVX512" };
	struct bench_mb_info m;
	bool known = false;

	bench_mb_info(&m);
	IPOC_CHECK(m.present);
	IPOC_CHECK(m.version[0] >= '1' && m.version[0] <= '9' && strchr(m.version, '.'));
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		known = known || strcmp(m.arch, arches[i]) == 0;
	if (!known)
		fprintf(stderr, "arch '%s'\n", m.arch);
	IPOC_CHECK(known);
	IPOC_CHECK_EQ(m.why_absent[0], 0);
}

int main(int argc, char **argv)
{
	struct pkts p;
	struct bench_alg a;
	char name[64];

	(void)argc;
	for (size_t i = 0; i < sizeof(enc_key); i++) {
		enc_key[i] = (uint8_t)(0x11 + 5 * i);
		auth_key[i] = (uint8_t)(0x51 + 3 * i);
	}
	for (int k = 0; k < BENCH_MB_MAX_BURST; k++) {
		p.buf[k] = malloc(MAX_PKT);
		p.ref[k] = malloc(MAX_PKT);
		p.plain[k] = malloc(MAX_PKT);
		if (!p.buf[k] || !p.ref[k] || !p.plain[k])
			return 1;
	}
	info();
	for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (size_t h = 0; h < sizeof(auths) / sizeof(auths[0]); h++) {
			snprintf(name, sizeof(name), "%s%s", ciphers[c], auths[h]);
			if (bench_alg_parse(name, &a) != 0)
				continue;             /* "null" alone */
			each_size(&a, &p);
		}
	for (size_t c = 0; c < sizeof(aeads) / sizeof(aeads[0]); c++) {
		IPOC_CHECK(bench_alg_parse(aeads[c], &a) == 0);
		each_size(&a, &p);
	}
	for (int k = 0; k < BENCH_MB_MAX_BURST; k++) {
		free(p.buf[k]);
		free(p.ref[k]);
		free(p.plain[k]);
	}
	return ipoc_test_report(argv[0]);
}

#else /* !HAVE_IPSEC_MB */

int main(int argc, char **argv)
{
	struct bench_mb_info m;
	struct bench_alg a;
	char err[256] = "";

	(void)argc;
	bench_mb_info(&m);
	IPOC_CHECK(!m.present);
	IPOC_CHECK_STR_HAS(m.why_absent, "built without intel-ipsec-mb");
	IPOC_CHECK(bench_alg_parse(aeads[0], &a) == 0);
	IPOC_CHECK(bench_mb_new(&a, enc_key, auth_key, err, sizeof(err)) == NULL);
	IPOC_CHECK_STR_HAS(err, "-Dipsec_mb=disabled");
	(void)ciphers;
	(void)auths;
	return ipoc_test_report(argv[0]);
}

#endif
