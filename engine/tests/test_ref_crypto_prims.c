/* SPDX-License-Identifier: MIT */
/*
 * test_ref_crypto_prims.c - the [prim] blocks of the vector files (RFC 2202,
 * RFC 4231, RFC 4868 HMAC cases, RFC 3602 AES-CBC, the GCM specification's
 * cases, RFC 2410 NULL) run through the reference engine's crypto layer
 * (ref_crypto.h), the one door to OpenSSL the packet code uses.
 *
 * argv[1..]: vector files. Every [prim] block is checked; a file without
 * any is fine. GCM/GMAC go through ref_gcm_run, which takes the RFC 4106
 * form (salted key, 8-byte IV): a 96-bit spec IV is split as salt || IV.
 */
#include <stdlib.h>
#include <string.h>

#include "ipoc_test.h"
#include "ref_crypto.h"
#include "ref_internal.h"
#include "vectors.h"

/* The NDIS bit of a prim's table row, by kind (0: another kind). */
static uint32_t cbc_id(const struct ipoc_alg *a)
{
	return a->kind == IPOC_ALG_CIPHER && a->iv_len ? a->ndis : 0;
}

static uint32_t hmac_id(const struct ipoc_alg *a)
{
	return a->kind == IPOC_ALG_INTEGRITY ? a->ndis : 0;
}

static bool is_gcm(const struct ipoc_alg *a)
{
	return a->kind == IPOC_ALG_AEAD || a->kind == IPOC_ALG_GMAC;
}

/* CBC both ways: encrypt pt to ct, decrypt ct to pt. */
static void check_cbc(const struct vec_prim *p)
{
	struct ref_xform *enc = NULL, *dec = NULL;
	uint8_t *buf = malloc(p->pt.len + 1);

	IPOC_CHECK(ref_xform_new(&enc, true, cbc_id(p->alg), p->key.data, (uint32_t)p->key.len, 0,
				 NULL, 0) == 0);
	IPOC_CHECK(ref_xform_new(&dec, false, cbc_id(p->alg), p->key.data, (uint32_t)p->key.len,
				 0, NULL, 0) == 0);
	if (enc && dec && buf && p->pt.len == p->ct.len) {
		memcpy(buf, p->pt.data, p->pt.len);
		IPOC_CHECK(ref_cbc_run(enc, p->iv.data, buf, p->pt.len) == REF_CRYPTO_OK);
		IPOC_CHECK_MEM(buf, p->ct.data, p->ct.len);
		IPOC_CHECK(ref_cbc_run(dec, p->iv.data, buf, p->ct.len) == REF_CRYPTO_OK);
		IPOC_CHECK_MEM(buf, p->pt.data, p->pt.len);
	} else {
		IPOC_CHECK(!"cbc prim setup");
	}
	ref_xform_free(enc);
	ref_xform_free(dec);
	free(buf);
}

static void check_hmac(const struct vec_prim *p)
{
	struct ref_xform *x = NULL;
	uint8_t out[64];
	size_t n = p->mac_len > 0 ? (size_t)p->mac_len : p->mac.len;
	struct ref_iov msg = { p->pt.data, p->pt.len };

#ifdef IPOC_TEST_BACKEND_MB
	/* intel-ipsec-mb hashes no MD5 but through HMAC-MD5, so a key longer
	 * than the block (RFC 2104 §3 hashes it first) is refused; NDIS's
	 * HMAC-MD5-96 key is 16 bytes (RFC 2403 §3). */
	if (hmac_id(p->alg) == IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5 && p->key.len > 64) {
		IPOC_CHECK(ref_xform_new(&x, true, 0, NULL, 0, hmac_id(p->alg), p->key.data,
					 (uint32_t)p->key.len) != 0);
		IPOC_CHECK(x == NULL);
		return;
	}
#endif
	IPOC_CHECK(ref_xform_new(&x, true, 0, NULL, 0, hmac_id(p->alg), p->key.data,
				 (uint32_t)p->key.len) == 0);
	if (!x || n > sizeof(out) || n > p->mac.len) {
		IPOC_CHECK(!"hmac prim setup");
		ref_xform_free(x);
		return;
	}
	IPOC_CHECK(ref_hmac_run(x, &msg, 1, out, n) == REF_CRYPTO_OK);
	IPOC_CHECK_MEM(out, p->mac.data, n);
	ref_xform_free(x);
}

/* GCM/GMAC with a 96-bit IV: salted key = key || iv[0..4], iv8 = iv[4..12]. */
static void check_gcm(const struct vec_prim *p)
{
	bool gmac = p->alg->kind == IPOC_ALG_GMAC;
	uint32_t id = p->alg->ndis;
	uint8_t key[36], tag[16], *buf = malloc(p->pt.len + 1);
	struct ref_xform *enc = NULL, *dec = NULL;
	struct ref_iov aad = { p->aad.data, p->aad.len };
	uint32_t klen = (uint32_t)p->key.len + 4;

	if (p->iv.len != 12 || p->key.len > 32 || !buf || p->tag.len > 16 || p->tag.len < 4) {
		IPOC_CHECK(!"gcm prim shape");
		free(buf);
		return;
	}
	memcpy(key, p->key.data, p->key.len);
	memcpy(key + p->key.len, p->iv.data, 4);
	IPOC_CHECK(ref_xform_new(&enc, true, gmac ? 0 : id, key, klen, gmac ? id : 0, key, klen) == 0);
	IPOC_CHECK(ref_xform_new(&dec, false, gmac ? 0 : id, key, klen, gmac ? id : 0, key, klen) == 0);
	if (enc && dec) {
		memcpy(buf, p->pt.data, p->pt.len);
		IPOC_CHECK(ref_gcm_run(enc, p->iv.data + 4, &aad, 1, buf, p->pt.len, tag,
				       p->tag.len) == REF_CRYPTO_OK);
		IPOC_CHECK_MEM(buf, p->ct.data, p->ct.len);
		IPOC_CHECK_MEM(tag, p->tag.data, p->tag.len);
		IPOC_CHECK(ref_gcm_run(dec, p->iv.data + 4, &aad, 1, buf, p->ct.len, tag,
				       p->tag.len) == REF_CRYPTO_OK);
		IPOC_CHECK_MEM(buf, p->pt.data, p->pt.len);
		tag[0] ^= 1;   /* a wrong tag is refused and the ciphertext restored */
		memcpy(buf, p->ct.data, p->ct.len);
		IPOC_CHECK(ref_gcm_run(dec, p->iv.data + 4, &aad, 1, buf, p->ct.len, tag,
				       p->tag.len) == REF_CRYPTO_BAD_TAG);
		IPOC_CHECK_MEM(buf, p->ct.data, p->ct.len);
	}
	ref_wipe(key, sizeof(key));
	ref_xform_free(enc);
	ref_xform_free(dec);
	free(buf);
}

static void check_prim(const struct vec_prim *p)
{
	if (cbc_id(p->alg))
		check_cbc(p);
	else if (hmac_id(p->alg))
		check_hmac(p);
	else if (is_gcm(p->alg))
		check_gcm(p);
	else if (ipoc_alg_is_null(p->alg))
		IPOC_CHECK(p->pt.len == p->ct.len && memcmp(p->pt.data, p->ct.data, p->pt.len) == 0);
	else
		IPOC_CHECK(!"unknown prim algorithm");
}

int main(int argc, char **argv)
{
	unsigned n = 0;

	for (int i = 1; i < argc; i++) {
		struct vec_file *f = NULL;
		char err[VEC_ERRBUF_SIZE];

		IPOC_CHECK(vec_parse_file(argv[i], &f, err, sizeof(err)) == 0);
		if (!f) {
			fprintf(stderr, "%s\n", err);
			continue;
		}
		for (size_t k = 0; k < f->nprims; k++, n++) {
			unsigned before = ipoc_test_failed;

			check_prim(&f->prims[k]);
			if (ipoc_test_failed != before)
				fprintf(stderr, "  in %s [prim %s] line %u\n", argv[i], f->prims[k].id,
					f->prims[k].line);
		}
		vec_file_free(f);
	}
	printf("%u primitive vectors\n", n);
	IPOC_CHECK(n > 0);
	return ipoc_test_report(argv[0]);
}
