/* SPDX-License-Identifier: MIT */
/*
 * crypto_ossl.c - the OpenSSL 3 backend of ref_crypto.h: see there.
 *
 * Contexts are made once per SA member: an EVP_CIPHER_CTX keyed for its
 * direction (a CBC decrypt key schedule differs from the encrypt one, and
 * SAs are unidirectional) and an EVP_MAC_CTX for HMAC keyed once; each packet
 * re-initialises them with a NULL key, which keeps the key schedule.
 *
 * Algorithms are fetched from a library context of the engine's own, with
 * the default and the legacy provider loaded: single DES lives in the
 * legacy provider in OpenSSL 3, and loading it into the host's default
 * context would change the host.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "ipoc/ndis.h"
#include "ref_crypto.h"

enum { SALT_LEN = 4, MAX_SALTED_KEY = 36 };

struct ref_xform {
	EVP_CIPHER_CTX *cipher;   /* CBC or GCM/GMAC; NULL for none */
	EVP_MAC_CTX *hmac;        /* NULL unless HMAC authentication */
	bool encrypt;
	bool gcm;                 /* GCM or GMAC */
	uint32_t block;
	uint8_t salt[SALT_LEN];
};

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

static OSSL_LIB_CTX *libctx;
static OSSL_PROVIDER *prov_default, *prov_legacy;
static pthread_once_t libctx_once = PTHREAD_ONCE_INIT;

static void libctx_release(OSSL_LIB_CTX *ctx)
{
	if (prov_legacy)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default)
		OSSL_PROVIDER_unload(prov_default);
	prov_legacy = prov_default = NULL;
	OSSL_LIB_CTX_free(ctx);
}

static void libctx_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (!ctx)
		return;
	prov_default = OSSL_PROVIDER_load(ctx, "default");
	prov_legacy = OSSL_PROVIDER_load(ctx, "legacy");
	if (prov_default && prov_legacy)
		libctx = ctx;
	else
		libctx_release(ctx);
}

/* When the engine is unloaded (dlclose) or the program exits, give the
 * context and its providers back. */
__attribute__((destructor)) static void libctx_fini(void)
{
	if (libctx)
		libctx_release(libctx);
	libctx = NULL;
}

/* The library context, or NULL when the providers could not be loaded. */
static OSSL_LIB_CTX *engine_libctx(void)
{
	pthread_once(&libctx_once, libctx_init);
	return libctx;
}

/* AES-GCM for a salted key of 20/28/36 bytes. */
static const char *gcm_name(uint32_t salted_len)
{
	switch (salted_len) {
	case 16 + SALT_LEN: return "AES-128-GCM";
	case 24 + SALT_LEN: return "AES-192-GCM";
	case 32 + SALT_LEN: return "AES-256-GCM";
	default: return NULL;
	}
}

static int setup_cipher(struct ref_xform *x, const char *name, const uint8_t *key)
{
	EVP_CIPHER *c = name && engine_libctx() ? EVP_CIPHER_fetch(libctx, name, NULL) : NULL;
	int rc = -1;

	if (!c)
		return -1;
	x->cipher = EVP_CIPHER_CTX_new();
	if (!x->cipher || EVP_CipherInit_ex(x->cipher, c, NULL, key, NULL, x->encrypt) != 1)
		goto out;
	if (!x->gcm && EVP_CIPHER_CTX_set_padding(x->cipher, 0) != 1)
		goto out;
	if (x->gcm && EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1)
		goto out;
	x->block = x->gcm ? 1 : (uint32_t)EVP_CIPHER_get_block_size(c);
	rc = 0;
out:
	EVP_CIPHER_free(c);   /* the context holds its own reference */
	return rc;
}

/* GCM or GMAC key: AES key then salt. */
static int setup_gcm(struct ref_xform *x, const uint8_t *key, uint32_t len)
{
	if (!gcm_name(len))
		return -1;
	x->gcm = true;
	memcpy(x->salt, key + len - SALT_LEN, SALT_LEN);
	return setup_cipher(x, gcm_name(len), key);
}

static int setup_hmac(struct ref_xform *x, const char *md, const uint8_t *key, uint32_t len)
{
	EVP_MAC *mac;
	OSSL_PARAM params[2];

	if (!md)
		return -1;
	mac = engine_libctx() ? EVP_MAC_fetch(libctx, "HMAC", NULL) : NULL;
	if (!mac)
		return -1;
	x->hmac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!x->hmac || EVP_MAC_init(x->hmac, key, len, params) != 1)
		return -1;
	return 0;
}

int ref_xform_new(struct ref_xform **out, bool encrypt, uint32_t enc_alg, const uint8_t *enc_key,
		  uint32_t enc_key_len, uint32_t auth_alg, const uint8_t *auth_key,
		  uint32_t auth_key_len)
{
	const struct ipoc_alg *enc = ref_enc_row(enc_alg), *auth = ref_auth_row(auth_alg);
	struct ref_xform *x = OPENSSL_zalloc(sizeof(*x));
	int rc = 0;

	*out = NULL;
	if (!x)
		return -1;
	x->encrypt = encrypt;
	x->block = 1;
	/* The cipher and digest names are the table's evp column; a GCM or
	 * GMAC key's length says its AES size. */
	if (ref_row_is(enc, IPOC_ALG_AEAD))
		rc = setup_gcm(x, enc_key, enc_key_len);
	else if (enc_alg && !ipoc_alg_is_null(enc))
		rc = ref_row_is(enc, IPOC_ALG_CIPHER) && enc_key_len == enc->key_len
		     ? setup_cipher(x, enc->evp, enc_key) : -1;
	if (rc == 0 && !ref_row_is(enc, IPOC_ALG_AEAD) && ref_row_is(auth, IPOC_ALG_GMAC))
		rc = setup_gcm(x, auth_key, auth_key_len);
	else if (rc == 0 && !ref_row_is(enc, IPOC_ALG_AEAD) && auth_alg)
		rc = ref_row_is(auth, IPOC_ALG_INTEGRITY)
		     ? setup_hmac(x, auth->evp, auth_key, auth_key_len) : -1;
	if (rc != 0) {
		ref_xform_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

void ref_xform_free(struct ref_xform *x)
{
	if (!x)
		return;
	EVP_CIPHER_CTX_free(x->cipher);   /* cleanses the key schedule */
	EVP_MAC_CTX_free(x->hmac);
	OPENSSL_clear_free(x, sizeof(*x));
}

uint32_t ref_xform_block(const struct ref_xform *x)
{
	return x->block;
}

int ref_cbc_run(struct ref_xform *x, const uint8_t *iv, uint8_t *buf, size_t len)
{
	int n = 0;

	if (!x->cipher || x->gcm || len % x->block != 0 || len > INT32_MAX)
		return REF_CRYPTO_ERROR;
	if (EVP_CipherInit_ex(x->cipher, NULL, NULL, NULL, iv, -1) != 1 ||
	    EVP_CipherUpdate(x->cipher, buf, &n, buf, (int)len) != 1 || (size_t)n != len)
		return REF_CRYPTO_ERROR;
	return REF_CRYPTO_OK;
}

static int gcm_pass(struct ref_xform *x, const uint8_t nonce[12], const struct ref_iov *aad,
		    size_t n_aad, uint8_t *buf, size_t len)
{
	int n;

	if (EVP_CipherInit_ex(x->cipher, NULL, NULL, NULL, nonce, -1) != 1)
		return -1;
	for (size_t i = 0; i < n_aad; i++)
		if (aad[i].n && (aad[i].n > INT32_MAX ||
				 EVP_CipherUpdate(x->cipher, NULL, &n, aad[i].p, (int)aad[i].n) != 1))
			return -1;
	if (len && (len > INT32_MAX || EVP_CipherUpdate(x->cipher, buf, &n, buf, (int)len) != 1 ||
		    (size_t)n != len))
		return -1;
	return 0;
}

int ref_gcm_run(struct ref_xform *x, const uint8_t iv8[8], const struct ref_iov *aad,
		size_t n_aad, uint8_t *buf, size_t len, uint8_t *tag, size_t tag_len)
{
	uint8_t nonce[12], want[16] = { 0 };
	int n, rc = REF_CRYPTO_ERROR;

	if (!x->cipher || !x->gcm || tag_len < 4 || tag_len > 16)
		return REF_CRYPTO_ERROR;
	memcpy(nonce, x->salt, SALT_LEN);
	memcpy(nonce + SALT_LEN, iv8, 8);
	if (gcm_pass(x, nonce, aad, n_aad, buf, len) != 0)
		goto out;
	if (x->encrypt) {
		if (EVP_CipherFinal_ex(x->cipher, want, &n) == 1 &&
		    EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_GET_TAG, 16, want) == 1) {
			memcpy(tag, want, tag_len);
			rc = REF_CRYPTO_OK;
		}
		goto out;
	}
	/* Decrypt: OpenSSL compares the first tag_len bytes of the computed tag
	 * in constant time (CRYPTO_memcmp) in EVP_CipherFinal_ex. */
	if (EVP_CIPHER_CTX_ctrl(x->cipher, EVP_CTRL_GCM_SET_TAG, (int)tag_len, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(x->cipher, want, &n) == 1) {
		rc = REF_CRYPTO_OK;
		goto out;
	}
	/* Give back what arrived: CTR applied twice is the identity. */
	rc = gcm_pass(x, nonce, NULL, 0, buf, len) == 0 ? REF_CRYPTO_BAD_TAG : REF_CRYPTO_ERROR;
out:
	ref_wipe(nonce, sizeof(nonce));
	ref_wipe(want, sizeof(want));
	return rc;
}

int ref_gcm_keystream(struct ref_xform *x, const uint8_t iv8[8], uint8_t *buf, size_t len)
{
	uint8_t nonce[12];
	int rc;

	if (!x->cipher || !x->gcm)
		return REF_CRYPTO_ERROR;
	memcpy(nonce, x->salt, SALT_LEN);
	memcpy(nonce + SALT_LEN, iv8, 8);
	rc = gcm_pass(x, nonce, NULL, 0, buf, len) == 0 ? REF_CRYPTO_OK : REF_CRYPTO_ERROR;
	ref_wipe(nonce, sizeof(nonce));
	return rc;
}

int ref_hmac_run(struct ref_xform *x, const struct ref_iov *msg, size_t n_msg, uint8_t *out,
		 size_t out_len)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t n = 0;
	int rc = REF_CRYPTO_ERROR;

	if (!x->hmac || EVP_MAC_init(x->hmac, NULL, 0, NULL) != 1)
		return REF_CRYPTO_ERROR;
	for (size_t i = 0; i < n_msg; i++)
		if (msg[i].n && EVP_MAC_update(x->hmac, msg[i].p, msg[i].n) != 1)
			goto out;
	if (EVP_MAC_final(x->hmac, full, &n, sizeof(full)) != 1 || out_len > n)
		goto out;
	memcpy(out, full, out_len);
	rc = REF_CRYPTO_OK;
out:
	ref_wipe(full, sizeof(full));
	return rc;
}

void ref_xform_info(const struct ref_xform *x, struct ref_xform_info *out)
{
	out->encrypt = x->encrypt;
	out->aead = x->gcm;
	out->cipher = x->cipher && !x->gcm;
	out->hmac = x->hmac != NULL;
}

/* OpenSSL works one packet at a time: a burst is a loop. */
void ref_run_jobs(struct ref_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		jobs[i].result = ref_run_one_job(&jobs[i]);
}

const char *ref_crypto_describe(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
