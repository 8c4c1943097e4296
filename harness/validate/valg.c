/* SPDX-License-Identifier: MIT */
/*
 * valg.c - the algorithm configurations of the matrices (valg_all,
 * valg_core, valg_find; see vcase.h). A library of their own (ipoc_valg,
 * valg_dep) so that code wanting only the configurations (the fuzz
 * targets' SA table) does not link the suite's tables and bodies.
 *
 * A configuration is written as its case-id name and read into members
 * through the algorithm table (engine/alg/ipoc_algs.def): "esp.E[+A]" (E a
 * cipher, or an AEAD as "aes-gcm-128.icv16"), "ah.A", "esp+ah.E[+A]+A"
 * (the last algorithm is the AH member's). A table row no chosen name
 * covers gets configurations of its own, appended to valg_all, so that a
 * new algorithm is in the suite without a line here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcase.h"

#define VALG_MAX 96

/* Every NDIS V2 cipher and authentication algorithm at least once, each
 * cipher with an HMAC, the GCM ICV lengths, ESP without integrity, AH
 * alone, and [ESP, AH] bundles (RFC 4303, 4302, 4106, 4543, 2410). The
 * order is the case order, and the fuzz seeds index it. */
static const char *const all_names[] = {
	"esp.null+hmac-md5-96",
	"esp.null+hmac-sha1-96",
	"esp.null+hmac-sha256-128",
	"esp.null+aes-gmac-128",
	"esp.null+aes-gmac-192",
	"esp.null+aes-gmac-256",
	"esp.des-cbc+hmac-sha1-96",
	"esp.3des-cbc+hmac-md5-96",
	"esp.3des-cbc+hmac-sha1-96",
	"esp.aes-cbc-128+hmac-sha1-96",
	"esp.aes-cbc-128+hmac-md5-96",
	"esp.aes-cbc-192+hmac-sha256-128",
	"esp.aes-cbc-256+hmac-sha256-128",
	"esp.aes-cbc-128",
	"esp.aes-gcm-128.icv8",
	"esp.aes-gcm-128.icv12",
	"esp.aes-gcm-128.icv16",
	"esp.aes-gcm-192.icv16",
	"esp.aes-gcm-256.icv12",
	"esp.aes-gcm-256.icv16",
	"ah.hmac-md5-96",
	"ah.hmac-sha1-96",
	"ah.hmac-sha256-128",
	"ah.aes-gmac-128",
	"ah.aes-gmac-192",
	"ah.aes-gmac-256",
	"esp+ah.aes-cbc-128+hmac-sha1-96+hmac-sha256-128",
	"esp+ah.aes-gcm-256.icv16+hmac-md5-96",
	"esp+ah.3des-cbc+aes-gmac-128",
};

/* One per way of protecting a payload: AEAD, CBC + HMAC, NULL + HMAC,
 * NULL + GMAC, AH with HMAC, AH with GMAC, a bundle. Rows of the case
 * tables name these by index. */
static const char *const core_names[] = {
	"esp.aes-gcm-128.icv16",
	"esp.aes-cbc-128+hmac-sha1-96",
	"esp.null+hmac-sha256-128",
	"esp.null+aes-gmac-128",
	"ah.hmac-sha1-96",
	"ah.aes-gmac-128",
	"esp+ah.aes-cbc-128+hmac-sha1-96+hmac-sha256-128",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct valg valg_all[VALG_MAX];
unsigned valg_all_n;
struct valg valg_core[N_ELEMS(core_names)];
unsigned valg_core_n;

/* Names of the configurations made for uncovered rows. */
static char made_names[VALG_MAX][64];

static __attribute__((noreturn)) void bad_name(const char *name, const char *why)
{
	fprintf(stderr, "valg: configuration `%s`: %s (harness/validate/valg.c)\n", name, why);
	abort();
}

/* The row named by the n bytes at s (".icvN" cut off into *icv). */
static const struct ipoc_alg *row_of(const char *name, const char *s, size_t n, uint32_t *icv)
{
	const char *dot = memchr(s, '.', n);
	char buf[48];

	*icv = 0;
	if (dot) {
		*icv = (uint32_t)strtoul(dot + 4, NULL, 10);
		if ((size_t)(dot - s) + 4 > n || strncmp(dot, ".icv", 4) != 0)
			bad_name(name, "a suffix other than .icvN");
		n = (size_t)(dot - s);
	}
	if (n >= sizeof(buf))
		bad_name(name, "an algorithm name too long");
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (strcmp(ipoc_algs[i].name, buf) == 0)
			return &ipoc_algs[i];
	bad_name(name, "an algorithm the table does not have");
}

/* An ESP member from its algorithms (a cipher or AEAD, and an integrity
 * algorithm unless AEAD), or an AH member from one integrity algorithm. */
void valg_parse(const char *name, struct valg *out)
{
	const char *dot = strchr(name, '.'), *algs[4];
	size_t lens[4], k = 0;
	bool esp, ah;

	if (!dot)
		bad_name(name, "no protocol part");
	esp = strncmp(name, "esp", 3) == 0;
	ah = strncmp(name, "ah.", 3) == 0 || strncmp(name, "esp+ah.", 7) == 0;
	for (const char *p = dot + 1; *p && k < 4; k++) {
		size_t w = strcspn(p, "+");

		algs[k] = p;
		lens[k] = w;
		p += w + (p[w] == '+');
	}
	memset(out, 0, sizeof(*out));
	out->name = name;
	if (esp) {
		size_t ne = ah ? k - 1 : k;
		uint32_t icv, icv2;
		const struct ipoc_alg *e;

		if (ne < 1 || ne > 2)
			bad_name(name, "ESP takes a cipher and at most one integrity algorithm");
		e = row_of(name, algs[0], lens[0], &icv);
		if (!ipoc_alg_is_enc(e))
			bad_name(name, "ESP's first algorithm is not a cipher");
		out->m[0] = (struct vmember){ IPsecOffloadV2Esp, e->ndis, 0, 0 };
		if (e->kind == IPOC_ALG_AEAD) {
			if (ne != 1 || !ipoc_alg_icv_ok(e, icv))
				bad_name(name, "AEAD with an integrity algorithm or a bad .icvN");
			out->m[0].icv = icv;
		} else if (ne == 2) {
			const struct ipoc_alg *a = row_of(name, algs[1], lens[1], &icv2);

			if (ipoc_alg_is_enc(a))
				bad_name(name, "ESP's second algorithm is not an integrity one");
			out->m[0].auth = a->ndis;
		}
		out->n = 1;
	}
	if (ah) {
		uint32_t icv;
		const struct ipoc_alg *a = row_of(name, algs[k - 1], lens[k - 1], &icv);

		if (ipoc_alg_is_enc(a))
			bad_name(name, "AH's algorithm is not an integrity one");
		out->m[out->n++] = (struct vmember){ IPsecOffloadV2Ah, 0, a->ndis, 0 };
	}
	if (!out->n)
		bad_name(name, "neither esp nor ah");
}

/* Whether some configuration already has the row. */
static bool covered(const struct ipoc_alg *a)
{
	for (unsigned i = 0; i < valg_all_n; i++)
		for (uint32_t j = 0; j < valg_all[i].n; j++) {
			const struct vmember *m = &valg_all[i].m[j];

			if (ipoc_alg_is_enc(a) ? m->enc == a->ndis : m->auth == a->ndis)
				return true;
		}
	return false;
}

/* A slot for one more made configuration's name. */
static char *made_slot(void)
{
	if (valg_all_n >= VALG_MAX)
		bad_name("(made)", "more configurations than VALG_MAX");
	return made_names[valg_all_n];
}

static void add_made(char *name)
{
	valg_parse(name, &valg_all[valg_all_n++]);
}

/* Configurations for a row no chosen name has: a cipher with the first
 * HMAC, an AEAD at its default ICV, an integrity algorithm with NULL
 * encryption and in AH. */
static void cover(const struct ipoc_alg *a)
{
	const struct ipoc_alg *hmac = NULL, *null = ipoc_alg_null();
	const size_t n = sizeof(made_names[0]);
	char *s;

	for (size_t i = 0; i < ipoc_algs_n && !hmac; i++)
		if (ipoc_algs[i].kind == IPOC_ALG_INTEGRITY)
			hmac = &ipoc_algs[i];
	switch (a->kind) {
	case IPOC_ALG_CIPHER:
		s = made_slot();
		snprintf(s, n, "esp.%s%s%s", a->name, hmac ? "+" : "", hmac ? hmac->name : "");
		add_made(s);
		break;
	case IPOC_ALG_AEAD:
		s = made_slot();
		snprintf(s, n, "esp.%s.icv%u", a->name, a->icv_len);
		add_made(s);
		break;
	default:
		if (null) {
			s = made_slot();
			snprintf(s, n, "esp.%s+%s", null->name, a->name);
			add_made(s);
		}
		s = made_slot();
		snprintf(s, n, "ah.%s", a->name);
		add_made(s);
		break;
	}
}

static __attribute__((constructor)) void valg_init(void)
{
	for (size_t i = 0; i < N_ELEMS(all_names); i++)
		valg_parse(all_names[i], &valg_all[valg_all_n++]);
	for (size_t i = 0; i < N_ELEMS(core_names); i++)
		valg_parse(core_names[i], &valg_core[valg_core_n++]);
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (!covered(&ipoc_algs[i]))
			cover(&ipoc_algs[i]);
}

const struct valg *valg_find(const char *name)
{
	for (unsigned i = 0; i < valg_all_n; i++)
		if (strcmp(valg_all[i].name, name) == 0)
			return &valg_all[i];
	return NULL;
}
