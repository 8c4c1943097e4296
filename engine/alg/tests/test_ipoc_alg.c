/* SPDX-License-Identifier: MIT */
/*
 * test_ipoc_alg.c - the algorithm table (engine/alg/ipoc_algs.def) against
 * the facts of each algorithm's RFC, written out here a second time on
 * purpose, and against itself: names unique, masks the OR of their rows,
 * every lookup finding the row it came from.
 *
 * `test_ipoc_alg --dump` prints the rows instead, one per line, for
 * test_ipoc_algs_py.py to compare with the Python reader.
 */
#include <stdio.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "ipoc_alg.h"
#include "ipoc_test.h"

/* What the RFCs say, per NDIS identifier: key bytes (salt included), salt,
 * default ICV, IV, block. */
struct fact {
	uint32_t bit;
	bool enc;
	uint32_t key, salt, icv, iv, block;
	const char *rfc;
};

static const struct fact facts[] = {
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, true, 0, 0, 0, 0, 1, "RFC 2410" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, true, 8, 0, 0, 8, 8, "RFC 2405" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, true, 24, 0, 0, 8, 8, "RFC 2451" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, true, 16, 0, 0, 16, 16, "RFC 3602" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, true, 24, 0, 0, 16, 16, "RFC 3602" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, true, 32, 0, 0, 16, 16, "RFC 3602" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, true, 20, 4, 16, 8, 1, "RFC 4106" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, true, 28, 4, 16, 8, 1, "RFC 4106" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, true, 36, 4, 16, 8, 1, "RFC 4106" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, false, 16, 0, 12, 0, 1, "RFC 2403" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, false, 20, 0, 12, 0, 1, "RFC 2404" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, false, 32, 0, 16, 0, 1, "RFC 4868" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, false, 20, 4, 16, 8, 1, "RFC 4543" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, false, 28, 4, 16, 8, 1, "RFC 4543" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, false, 36, 4, 16, 8, 1, "RFC 4543" },
};
#define N_FACTS (sizeof(facts) / sizeof(facts[0]))

static void check_facts(void)
{
	IPOC_CHECK_EQ(ipoc_algs_n, N_FACTS);
	for (size_t i = 0; i < N_FACTS; i++) {
		const struct fact *f = &facts[i];
		const struct ipoc_alg *a = f->enc ? ipoc_alg_enc(f->bit) : ipoc_alg_auth(f->bit);

		IPOC_CHECK(a != NULL);
		if (!a)
			continue;
		IPOC_CHECK_EQ(a->key_len, f->key);
		IPOC_CHECK_EQ(a->salt_len, f->salt);
		IPOC_CHECK_EQ(a->icv_len, f->icv);
		IPOC_CHECK_EQ(a->iv_len, f->iv);
		IPOC_CHECK_EQ(a->block, f->block);
		IPOC_CHECK(strcmp(a->rfc, f->rfc) == 0);
	}
	/* RFC 4106 s6: 8, 12 or 16; RFC 4543 s3.3 and HMACs: one length. */
	IPOC_CHECK(ipoc_alg_icv_ok(ipoc_alg_enc(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192), 8));
	IPOC_CHECK(ipoc_alg_icv_ok(ipoc_alg_enc(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192), 12));
	IPOC_CHECK(!ipoc_alg_icv_ok(ipoc_alg_enc(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192), 4));
	IPOC_CHECK(!ipoc_alg_icv_ok(ipoc_alg_auth(IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128), 12));
	IPOC_CHECK(!ipoc_alg_icv_ok(ipoc_alg_auth(IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1), 16));
	/* the IPsecOV1 twins */
	IPOC_CHECK(ipoc_alg_by_v1(true, OFFLOAD_IPSEC_CONF_DES)->ndis ==
		   IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC);
	IPOC_CHECK(ipoc_alg_by_v1(true, OFFLOAD_IPSEC_CONF_3_DES)->ndis ==
		   IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC);
	IPOC_CHECK(ipoc_alg_by_v1(false, OFFLOAD_IPSEC_INTEGRITY_MD5)->ndis ==
		   IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5);
	IPOC_CHECK(ipoc_alg_by_v1(false, OFFLOAD_IPSEC_INTEGRITY_SHA)->ndis ==
		   IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	IPOC_CHECK(ipoc_alg_null() && ipoc_alg_null()->ndis == IPSEC_OFFLOAD_V2_ENCRYPTION_NONE);
}

/* Each row on its own: one bit, the namespace its macro says, lengths that
 * hold together. */
static void check_row(const struct ipoc_alg *a)
{
	bool enc = ipoc_alg_is_enc(a);
	const char *prefix = enc ? "IPSEC_OFFLOAD_V2_ENCRYPTION_" : "IPSEC_OFFLOAD_V2_AUTHENTICATION_";

	IPOC_CHECK(a->ndis && !(a->ndis & (a->ndis - 1)));
	IPOC_CHECK(strncmp(a->ndis_macro, prefix, strlen(prefix)) == 0);
	IPOC_CHECK(strcmp(a->ndis_name, a->ndis_macro + strlen(prefix)) == 0);
	IPOC_CHECK(a->salt_len < a->key_len || a->key_len == 0);
	IPOC_CHECK((a->salt_len != 0) == (a->kind == IPOC_ALG_AEAD || a->kind == IPOC_ALG_GMAC));
	IPOC_CHECK((a->icv_len != 0) == (a->kind != IPOC_ALG_CIPHER));
	IPOC_CHECK(a->kind == IPOC_ALG_CIPHER ? a->icvs == 0 : ipoc_alg_icv_ok(a, a->icv_len));
	IPOC_CHECK(a->block >= 1 && a->block <= 255);
	IPOC_CHECK(a->kind != IPOC_ALG_INTEGRITY || a->iv_len == 0);
	IPOC_CHECK(a->kind == IPOC_ALG_CIPHER || a->kind == IPOC_ALG_AEAD ||
		   a->kind == IPOC_ALG_INTEGRITY || a->kind == IPOC_ALG_GMAC);
	IPOC_CHECK(a->name && a->label && a->rfc && a->xfrm && a->prim);
	IPOC_CHECK(ipoc_alg_is_null(a) || a->evp != NULL);
}

/* Names and (namespace, bit) pairs unique; lookups find the row again. */
static void check_lookups(const struct ipoc_alg *a)
{
	char buf[96], name[48];
	uint32_t icv = 0;
	bool known = false;

	for (size_t j = 0; j < ipoc_algs_n; j++) {
		const struct ipoc_alg *b = &ipoc_algs[j];

		if (a == b)
			continue;
		IPOC_CHECK(strcmp(a->name, b->name) != 0);
		IPOC_CHECK(strcasecmp(a->label, b->label) != 0);
		IPOC_CHECK(strcmp(a->prim, b->prim) != 0);
		IPOC_CHECK(!(a->ndis == b->ndis && ipoc_alg_is_enc(a) == ipoc_alg_is_enc(b)));
		IPOC_CHECK(!(a->key_len == b->key_len && a->kind == b->kind &&
			     strcmp(a->xfrm, b->xfrm) == 0));
	}
	IPOC_CHECK((ipoc_alg_is_enc(a) ? ipoc_alg_enc(a->ndis) : ipoc_alg_auth(a->ndis)) == a);
	IPOC_CHECK(ipoc_alg_by_name(a->name) == a);
	IPOC_CHECK(ipoc_alg_by_name(a->label) == a);
	IPOC_CHECK(ipoc_alg_by_prim(a->prim, strlen(a->prim)) == a);
	for (const char *p = a->xfrm; *p;) {
		size_t w = strcspn(p, " ");
		const struct ipoc_alg *r = ipoc_alg_by_xfrm(p, w, a->key_len, &known);

		IPOC_CHECK(r && r->key_len == a->key_len && known);
		IPOC_CHECK(r == a || r->kind != a->kind);
		p += w + (p[w] == ' ');
	}
	IPOC_CHECK(ipoc_alg_xfrm_name(a, name, sizeof(name)) != NULL);
	IPOC_CHECK(ipoc_alg_has_xfrm(a, name, strlen(name)));
	for (uint32_t v = 1; v < 32 && a->esp_sa; v++) {
		if (a->icvs && !ipoc_alg_icv_ok(a, v))
			continue;
		if (!a->icvs && v != 1)
			break;
		IPOC_CHECK(ipoc_alg_esp_sa_name(a, a->icvs ? v : a->icv_len, buf, sizeof(buf)));
		IPOC_CHECK(ipoc_alg_by_esp_sa(buf, strlen(buf), a->key_len, &icv, &known) == a);
		IPOC_CHECK_EQ(icv, a->icvs && strstr(a->esp_sa, "%u") ? v : a->icv_len);
	}
	IPOC_CHECK(ipoc_alg_by_xfrm("cbc(nothing)", 12, a->key_len, &known) == NULL && !known);
}

static void check_masks(void)
{
	const unsigned kinds[] = { IPOC_ALG_CIPHER, IPOC_ALG_AEAD, IPOC_ALG_INTEGRITY, IPOC_ALG_GMAC,
				   IPOC_ALG_ENC_KINDS, IPOC_ALG_AUTH_KINDS };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint32_t m = 0;

		for (size_t i = 0; i < ipoc_algs_n; i++)
			if (ipoc_algs[i].kind & kinds[k])
				m |= ipoc_algs[i].ndis;
		IPOC_CHECK_EQ(ipoc_alg_mask(kinds[k]), m);
	}
	/* every NDIS bit of ndis.h is a row, and no other */
	IPOC_CHECK_EQ(ipoc_alg_mask(IPOC_ALG_ENC_KINDS), 0x1FFu);
	IPOC_CHECK_EQ(ipoc_alg_mask(IPOC_ALG_AUTH_KINDS), 0x3Fu);
	IPOC_CHECK(ipoc_alg_enc(0) == NULL && ipoc_alg_enc(3) == NULL && ipoc_alg_auth(0x40) == NULL);
}

static int dump(void)
{
	for (size_t i = 0; i < ipoc_algs_n; i++) {
		const struct ipoc_alg *a = &ipoc_algs[i];

		printf("%s %s 0x%x %u %u %u %u 0x%x %u %u %s %s\n", a->name, a->ndis_name, a->ndis,
		       (unsigned)a->kind, a->key_len, a->salt_len, a->icv_len, a->icvs, a->iv_len,
		       a->block, a->evp ? a->evp : "-", a->prim);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--dump") == 0)
		return dump();
	check_facts();
	check_masks();
	for (size_t i = 0; i < ipoc_algs_n; i++) {
		check_row(&ipoc_algs[i]);
		check_lookups(&ipoc_algs[i]);
	}
	return ipoc_test_report(argv[0]);
}
