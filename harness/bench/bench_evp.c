/* SPDX-License-Identifier: MIT */
/*
 * bench_evp.c - `ipoc bench`'s algorithm names and its raw baseline: the
 * cipher and MAC an ESP implementation must run per packet, straight on
 * OpenSSL EVP, over the same bytes as the engine.
 *
 * Per packet, exactly: GCM - EVP_CipherInit_ex with the nonce (salt || IV),
 * the 8-byte AAD (SPI || sequence), the payload .. next header in place,
 * Final, the tag; GMAC - the same with the whole ESP header .. next header
 * as AAD and nothing encrypted; CBC + HMAC - EVP_CipherInit_ex with the IV
 * and the payload .. next header in place, EVP_MAC_init (keys kept) over ESP
 * header .. next header, Final, truncate. Receive verifies the ICV before it
 * decrypts (HMAC compared with CRYPTO_memcmp). Keys are scheduled once per
 * context, as an engine does when the SA is added. The IV is a counter for
 * GCM/GMAC; CBC IVs are not generated (the engine draws a random one per
 * packet; that cost is the engine's).
 *
 * Algorithms come from a library context of this file's own with the
 * default provider and, when present, the legacy one (single DES).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "bench.h"
#include "ipoc_alg.h"

enum { ESP_HDR = 8, TRAILER = 2, SALT = 4, GCM_TAG = 16 };

/* The algorithms are the table's rows (engine/alg/ipoc_algs.def): a cipher
 * (CBC, or NULL with an HMAC) with an optional HMAC, AES-GCM, or AES-GMAC
 * (ESP with NULL encryption), each with the row's OpenSSL name. */
static const struct ipoc_alg *find_row(const char *name, unsigned kinds)
{
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if ((ipoc_algs[i].kind & kinds) && strcmp(ipoc_algs[i].name, name) == 0)
			return &ipoc_algs[i];
	return NULL;
}

static void fill_cipher(struct bench_alg *o, const struct ipoc_alg *c)
{
	o->evp_cipher = c->evp;
	o->iv_len = c->iv_len;
	o->block = c->block > 4 ? c->block : 4;
	if (c->kind == IPOC_ALG_GMAC) {
		o->kind = BENCH_GMAC;
		o->enc_id = ipoc_alg_null()->ndis;
		o->auth_id = c->ndis;
		o->auth_key_len = c->key_len;
		o->icv_len = c->icv_len;
		return;
	}
	o->kind = c->kind == IPOC_ALG_AEAD ? BENCH_GCM : ipoc_alg_is_null(c) ? BENCH_NULL
									   : BENCH_CBC;
	o->enc_id = c->ndis;
	o->enc_key_len = c->key_len;
	o->icv_len = c->kind == IPOC_ALG_AEAD ? c->icv_len : 0;
}

const char *bench_alg_forms(void)
{
	static char text[1024];
	static const struct {
		unsigned kinds;
		const char *head, *tail;
	} lines[] = {
		{ IPOC_ALG_AEAD | IPOC_ALG_GMAC, "  ", "(no +AUTH)" },
		{ IPOC_ALG_CIPHER, "  ", "(CBC: [+AUTH]; null: +AUTH)" },
		{ IPOC_ALG_INTEGRITY, "  AUTH: ", "" },
	};
	size_t o = 0;

	for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]) && o < sizeof(text); l++) {
		const char *sep = lines[l].head;

		for (size_t i = 0; i < ipoc_algs_n && o < sizeof(text); i++) {
			if (!(ipoc_algs[i].kind & lines[l].kinds))
				continue;
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s", sep,
					      ipoc_algs[i].name);
			sep = " ";
		}
		if (o < sizeof(text))
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s\n",
					      *lines[l].tail ? " " : "", lines[l].tail);
	}
	return text;
}

int bench_alg_parse(const char *text, struct bench_alg *out)
{
	char buf[sizeof(out->name)], *plus;
	const struct ipoc_alg *c, *a = NULL;
	size_t n = strlen(text);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)text[i]);
	memset(out, 0, sizeof(*out));
	memcpy(out->name, buf, n + 1);
	plus = strchr(buf, '+');
	if (plus) {
		*plus = '\0';
		a = find_row(plus + 1, IPOC_ALG_INTEGRITY);
		if (!a)
			return -1;
	}
	c = find_row(buf, IPOC_ALG_ENC_KINDS | IPOC_ALG_GMAC);
	if (!c || (c->kind != IPOC_ALG_CIPHER && a) || (ipoc_alg_is_null(c) && !a))
		return -1;
	fill_cipher(out, c);
	if (a) {
		out->auth_id = a->ndis;
		out->auth_key_len = a->key_len;
		out->icv_len = a->icv_len;
		out->evp_digest = a->evp;
	}
	return 0;
}

/* ---- the baseline ---- */

struct bench_evp {
	const struct bench_alg *alg;
	EVP_CIPHER_CTX *enc, *dec;     /* keyed once per direction */
	EVP_MAC_CTX *mac;
	uint8_t salt[SALT];
	uint64_t iv_counter;
};

static OSSL_LIB_CTX *libctx;

const char *bench_evp_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

static OSSL_LIB_CTX *bench_libctx(void)
{
	if (!libctx) {
		libctx = OSSL_LIB_CTX_new();
		if (libctx && !OSSL_PROVIDER_load(libctx, "default")) {
			OSSL_LIB_CTX_free(libctx);
			libctx = NULL;
		}
		if (libctx)
			(void)OSSL_PROVIDER_load(libctx, "legacy");   /* DES only */
	}
	return libctx;
}

static EVP_CIPHER_CTX *keyed_cipher(const EVP_CIPHER *c, const uint8_t *key, int enc, bool gcm)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (!ctx || EVP_CipherInit_ex(ctx, c, NULL, key, NULL, enc) != 1 ||
	    (gcm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1) ||
	    (!gcm && EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int setup_cipher(struct bench_evp *x, const uint8_t *key, uint32_t key_len)
{
	const struct bench_alg *a = x->alg;
	bool gcm = a->kind == BENCH_GCM || a->kind == BENCH_GMAC;
	EVP_CIPHER *c = EVP_CIPHER_fetch(bench_libctx(), a->evp_cipher, NULL);

	if (!c)
		return -1;
	if (gcm)
		memcpy(x->salt, key + key_len - SALT, SALT);
	x->enc = keyed_cipher(c, key, 1, gcm);
	x->dec = keyed_cipher(c, key, 0, gcm);
	EVP_CIPHER_free(c);
	return x->enc && x->dec ? 0 : -1;
}

static int setup_hmac(struct bench_evp *x, const uint8_t *key)
{
	EVP_MAC *mac = EVP_MAC_fetch(bench_libctx(), "HMAC", NULL);
	OSSL_PARAM p[2];

	if (!mac)
		return -1;
	x->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)x->alg->evp_digest,
						0);
	p[1] = OSSL_PARAM_construct_end();
	return x->mac && EVP_MAC_init(x->mac, key, x->alg->auth_key_len, p) == 1 ? 0 : -1;
}

struct bench_evp *bench_evp_new(const struct bench_alg *a, const uint8_t *enc_key,
				const uint8_t *auth_key, char *err, size_t errlen)
{
	struct bench_evp *x = OPENSSL_zalloc(sizeof(*x));
	int rc = 0;

	if (!x || !bench_libctx()) {
		OPENSSL_free(x);
		snprintf(err, errlen, "EVP: no library context");
		return NULL;
	}
	x->alg = a;
	x->iv_counter = 1;
	if (a->kind == BENCH_GMAC)
		rc = setup_cipher(x, auth_key, a->auth_key_len);
	else if (a->evp_cipher)
		rc = setup_cipher(x, enc_key, a->enc_key_len);
	if (rc == 0 && a->evp_digest)
		rc = setup_hmac(x, auth_key);
	if (rc != 0) {
		snprintf(err, errlen, "EVP: cannot set up %s%s%s", a->evp_cipher ? a->evp_cipher : "",
			 a->evp_digest ? " HMAC-" : "", a->evp_digest ? a->evp_digest : "");
		bench_evp_free(x);
		return NULL;
	}
	return x;
}

void bench_evp_free(struct bench_evp *x)
{
	if (!x)
		return;
	EVP_CIPHER_CTX_free(x->enc);
	EVP_CIPHER_CTX_free(x->dec);
	EVP_MAC_CTX_free(x->mac);
	OPENSSL_clear_free(x, sizeof(*x));
}

/* GCM or GMAC over one packet. aad_len 8 (GCM) or up to the ICV (GMAC);
 * clen bytes at the payload are en/decrypted (0 for GMAC). */
static int gcm(struct bench_evp *x, bool enc, uint8_t *esp, uint32_t aad_len, uint32_t clen,
	       uint8_t *icv)
{
	EVP_CIPHER_CTX *ctx = enc ? x->enc : x->dec;
	uint8_t nonce[12], tag[GCM_TAG];
	uint8_t *payload = esp + ESP_HDR + x->alg->iv_len;
	int n, icv_len = (int)x->alg->icv_len;

	memcpy(nonce, x->salt, SALT);
	memcpy(nonce + SALT, esp + ESP_HDR, 8);
	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, -1) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, esp, (int)aad_len) != 1 ||
	    (clen && EVP_CipherUpdate(ctx, payload, &n, payload, (int)clen) != 1))
		return -1;
	if (enc) {
		if (EVP_CipherFinal_ex(ctx, tag, &n) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG, tag) != 1)
			return -1;
		memcpy(icv, tag, (size_t)icv_len);
		return 0;
	}
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, icv_len, icv) != 1)
		return -1;
	return EVP_CipherFinal_ex(ctx, tag, &n) == 1 ? 0 : 1;
}

static int cbc(struct bench_evp *x, bool enc, uint8_t *esp, uint32_t clen)
{
	EVP_CIPHER_CTX *ctx = enc ? x->enc : x->dec;
	uint8_t *payload = esp + ESP_HDR + x->alg->iv_len;
	int n = 0;

	if (!x->alg->evp_cipher)
		return 0;
	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, esp + ESP_HDR, -1) != 1 ||
	    EVP_CipherUpdate(ctx, payload, &n, payload, (int)clen) != 1 || (uint32_t)n != clen)
		return -1;
	return 0;
}

/* HMAC over esp[0, icv_off), truncated into out. */
static int hmac(struct bench_evp *x, const uint8_t *esp, uint32_t icv_off, uint8_t *out)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t n = 0;

	if (EVP_MAC_init(x->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(x->mac, esp, icv_off) != 1 ||
	    EVP_MAC_final(x->mac, full, &n, sizeof(full)) != 1 || n < x->alg->icv_len)
		return -1;
	memcpy(out, full, x->alg->icv_len);
	return 0;
}

static void write_iv(struct bench_evp *x, uint8_t *iv)
{
	uint64_t c = x->iv_counter++;

	for (int i = 7; i >= 0; i--, c >>= 8)
		iv[i] = (uint8_t)c;
}

int bench_evp_seal(struct bench_evp *x, uint8_t *esp, uint32_t len, bool gen_iv)
{
	const struct bench_alg *a = x->alg;
	uint32_t icv_off = len - a->icv_len, clen = icv_off - ESP_HDR - a->iv_len;

	if (a->kind == BENCH_GCM || a->kind == BENCH_GMAC) {
		if (gen_iv)
			write_iv(x, esp + ESP_HDR);
		if (a->kind == BENCH_GCM)
			return gcm(x, true, esp, ESP_HDR, clen, esp + icv_off);
		return gcm(x, true, esp, icv_off, 0, esp + icv_off);
	}
	if (cbc(x, true, esp, clen) != 0)
		return -1;
	return x->mac ? hmac(x, esp, icv_off, esp + icv_off) : 0;
}

int bench_evp_open(struct bench_evp *x, uint8_t *esp, uint32_t len)
{
	const struct bench_alg *a = x->alg;
	uint32_t icv_off = len - a->icv_len, clen = icv_off - ESP_HDR - a->iv_len;
	uint8_t want[EVP_MAX_MD_SIZE];

	if (a->kind == BENCH_GCM)
		return gcm(x, false, esp, ESP_HDR, clen, esp + icv_off);
	if (a->kind == BENCH_GMAC)
		return gcm(x, false, esp, icv_off, 0, esp + icv_off);
	if (x->mac) {
		if (hmac(x, esp, icv_off, want) != 0)
			return -1;
		if (CRYPTO_memcmp(want, esp + icv_off, a->icv_len) != 0)
			return 1;
	}
	return cbc(x, false, esp, clen);
}
