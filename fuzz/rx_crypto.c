/* SPDX-License-Identifier: MIT */
/*
 * rx_crypto.c - see rx_crypto.h.
 *
 * Per member, contexts keyed once (made on first use, kept for the life of
 * the process: the table is static): a CBC encrypt and a CBC decrypt
 * context, or one AES-GCM context (GCM and GMAC), and an HMAC context; each
 * use re-initialises them without a key, which keeps the key schedule.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "ipoc_alg.h"
#include "rx_crypto.h"


struct rxc_ctx {
	bool ok;
	EVP_CIPHER_CTX *enc, *dec;  /* CBC */
	EVP_CIPHER_CTX *gcm;        /* GCM or GMAC */
	EVP_MAC_CTX *mac;           /* HMAC */
	uint8_t salt[4];
};

static OSSL_LIB_CTX *lib;

static OSSL_LIB_CTX *libctx(void)
{
	if (!lib) {
		lib = OSSL_LIB_CTX_new();
		if (!lib || !OSSL_PROVIDER_load(lib, "default") || !OSSL_PROVIDER_load(lib, "legacy"))
			abort();
	}
	return lib;
}

/* OpenSSL's name of a row's cipher or digest (the table's evp column),
 * when the row is of the kind; else NULL. */
static const char *evp_of(const struct ipoc_alg *a, enum ipoc_alg_kind kind)
{
	return a && a->kind == kind ? a->evp : NULL;
}

static bool is_gcm(const struct rx_member *m)
{
	return evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_AEAD) != NULL;
}

static bool is_gmac(const struct rx_member *m)
{
	return ipoc_alg_auth(m->auth) && ipoc_alg_auth(m->auth)->kind == IPOC_ALG_GMAC;
}

static EVP_CIPHER_CTX *keyed(const char *name, const uint8_t *key, int enc, bool gcm)
{
	EVP_CIPHER *c = name ? EVP_CIPHER_fetch(libctx(), name, NULL) : NULL;
	EVP_CIPHER_CTX *x = c ? EVP_CIPHER_CTX_new() : NULL;

	if (!x || EVP_CipherInit_ex(x, c, NULL, key, NULL, enc) != 1 ||
	    (!gcm && EVP_CIPHER_CTX_set_padding(x, 0) != 1) ||
	    (gcm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1)) {
		EVP_CIPHER_CTX_free(x);
		x = NULL;
	}
	EVP_CIPHER_free(c);
	return x;
}

static struct rxc_ctx *ctx(struct rx_member *m)
{
	struct rxc_ctx *c = m->cx;

	if (c)
		return c->ok ? c : NULL;
	c = m->cx = calloc(1, sizeof(*c));
	if (!c)
		abort();
	if (evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_AEAD)) {
		c->gcm = keyed(evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_AEAD), m->ekey, 1, true);
		memcpy(c->salt, m->ekey + m->ekey_len - 4, 4);
		c->ok = c->gcm != NULL;
		return c->ok ? c : NULL;
	}
	c->ok = true;
	if (evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_CIPHER)) {
		c->enc = keyed(evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_CIPHER), m->ekey, 1, false);
		c->dec = keyed(evp_of(ipoc_alg_enc(m->enc), IPOC_ALG_CIPHER), m->ekey, 0, false);
		c->ok = c->enc && c->dec;
	}
	if (evp_of(ipoc_alg_auth(m->auth), IPOC_ALG_GMAC)) {
		c->gcm = keyed(evp_of(ipoc_alg_auth(m->auth), IPOC_ALG_GMAC), m->akey, 1, true);
		memcpy(c->salt, m->akey + m->akey_len - 4, 4);
		c->ok = c->ok && c->gcm;
	} else if (m->auth) {
		const char *d = evp_of(ipoc_alg_auth(m->auth), IPOC_ALG_INTEGRITY);
		EVP_MAC *mac = d ? EVP_MAC_fetch(libctx(), "HMAC", NULL) : NULL;
		OSSL_PARAM par[2] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
								       (char *)d, 0),
				      OSSL_PARAM_construct_end() };

		c->mac = mac ? EVP_MAC_CTX_new(mac) : NULL;
		if (!c->mac || EVP_MAC_init(c->mac, m->akey, m->akey_len, par) != 1)
			c->ok = false;
		EVP_MAC_free(mac);
	}
	return c->ok ? c : NULL;
}

struct iov {
	const uint8_t *p;
	size_t n;
};

/* HMAC of the pieces, truncated to n bytes, into out. */
static int hmac(struct rxc_ctx *c, const struct iov *v, int nv, uint8_t *out, uint32_t n)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t len = 0;

	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1)
		return -1;
	for (int i = 0; i < nv; i++)
		if (v[i].n && EVP_MAC_update(c->mac, v[i].p, v[i].n) != 1)
			return -1;
	if (EVP_MAC_final(c->mac, md, &len, sizeof(md)) != 1 || len < n)
		return -1;
	memcpy(out, md, n);
	return 0;
}

/* AES-GCM with nonce salt || iv8: AAD pieces, then data (in place, may be
 * empty); enc: the tag (n bytes) into tag; else compare with tag: 1 / 0. */
static int gcm(struct rxc_ctx *c, const uint8_t *iv8, const struct iov *aad, int na, uint8_t *data,
	       uint32_t len, uint8_t *tag, uint32_t n, bool enc)
{
	uint8_t nonce[12];
	int out;

	memcpy(nonce, c->salt, 4);
	memcpy(nonce + 4, iv8, 8);
	if (EVP_CipherInit_ex(c->gcm, NULL, NULL, NULL, nonce, enc) != 1)
		return -1;
	for (int i = 0; i < na; i++)
		if (aad[i].n && EVP_CipherUpdate(c->gcm, NULL, &out, aad[i].p, (int)aad[i].n) != 1)
			return -1;
	if (len && EVP_CipherUpdate(c->gcm, data, &out, data, (int)len) != 1)
		return -1;
	if (enc) {
		if (EVP_CipherFinal_ex(c->gcm, nonce, &out) != 1 ||
		    EVP_CIPHER_CTX_ctrl(c->gcm, EVP_CTRL_GCM_GET_TAG, (int)n, tag) != 1)
			return -1;
		return 0;
	}
	if (EVP_CIPHER_CTX_ctrl(c->gcm, EVP_CTRL_GCM_SET_TAG, (int)n, tag) != 1)
		return -1;
	return EVP_CipherFinal_ex(c->gcm, nonce, &out) == 1;
}

static int cbc(EVP_CIPHER_CTX *x, const uint8_t *iv, uint8_t *data, uint32_t len)
{
	int out;

	if (EVP_CipherInit_ex(x, NULL, NULL, NULL, iv, -1) != 1)
		return -1;
	return EVP_CipherUpdate(x, data, &out, data, (int)len) == 1 ? 0 : -1;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- ESP ---- */

struct esp_at {
	uint32_t iv, payload, icv;
};

static int esp_at(const struct rx_member *m, uint32_t hdr, uint32_t end, struct esp_at *a)
{
	if (hdr > end || 8 + m->iv_len + 2 + m->icv_len > end - hdr)
		return -1;
	a->iv = hdr + 8;
	a->payload = a->iv + m->iv_len;
	a->icv = end - m->icv_len;
	return 0;
}

/* SPI || [ESN high] || seq. */
static uint32_t esp_aad(const struct rx_member *m, const uint8_t *p, uint32_t hdr, uint32_t hi,
			uint8_t aad[12])
{
	memcpy(aad, p + hdr, 4);
	if (!m->esn) {
		memcpy(aad + 4, p + hdr + 4, 4);
		return 8;
	}
	be32(aad + 4, hi);
	memcpy(aad + 8, p + hdr + 4, 4);
	return 12;
}

/* The ICV of the (encrypted) packet into icv; GCM is not handled here. */
static int esp_icv(struct rx_member *m, struct rxc_ctx *c, const uint8_t *p, uint32_t hdr,
		   const struct esp_at *a, uint32_t hi, uint8_t *icv, bool verify, int *ok)
{
	uint8_t h[4], aad[12];

	be32(h, hi);
	if (is_gmac(m)) {
		/* RFC 4543 §3.3: AAD SPI, [ESN high], seq, IV, payload .. Next Header. */
		struct iov v[2] = { { p + hdr, a->icv - hdr }, { NULL, 0 } };
		int r;

		if (m->esn) {
			v[0] = (struct iov){ aad, esp_aad(m, p, hdr, hi, aad) };
			v[1] = (struct iov){ p + a->iv, a->icv - a->iv };
		}
		r = gcm(c, p + a->iv, v, 2, NULL, 0, icv, m->icv_len, !verify);
		if (verify)
			*ok = r;
		return r < 0 ? -1 : 0;
	}
	{
		struct iov v[2] = { { p + hdr, a->icv - hdr }, { h, m->esn ? 4u : 0u } };
		uint8_t mine[32];

		if (hmac(c, v, 2, verify ? mine : icv, m->icv_len) != 0)
			return -1;
		if (verify)
			*ok = CRYPTO_memcmp(mine, icv, m->icv_len) == 0;
	}
	return 0;
}

int rxc_esp_seal(struct rx_member *m, uint8_t *p, uint32_t hdr, uint32_t end, uint32_t esn_hi,
		 const uint8_t *iv)
{
	struct rxc_ctx *c = ctx(m);
	struct esp_at a;
	uint32_t clen;
	int ok;

	if (!c || esp_at(m, hdr, end, &a) != 0)
		return -1;
	clen = a.icv - a.payload;
	if (clen % m->block)
		return -1;
	memcpy(p + a.iv, iv, m->iv_len);
	if (is_gcm(m)) {
		uint8_t aad[12];
		struct iov v = { aad, esp_aad(m, p, hdr, esn_hi, aad) };

		return gcm(c, p + a.iv, &v, 1, p + a.payload, clen, p + a.icv, m->icv_len, true);
	}
	if (c->enc && cbc(c->enc, p + a.iv, p + a.payload, clen) != 0)
		return -1;
	if (!m->icv_len)
		return 0;
	return esp_icv(m, c, p, hdr, &a, esn_hi, p + a.icv, false, &ok);
}

int rxc_esp_verify(struct rx_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		   uint32_t esn_hi)
{
	static uint8_t work[65536];
	struct rxc_ctx *c = ctx(m);
	struct esp_at a;
	uint8_t icv[32];
	int ok = 0;

	if (!c || esp_at(m, hdr, end, &a) != 0)
		return -1;
	if (!m->icv_len)
		return 1;
	memcpy(icv, p + a.icv, m->icv_len);
	if (is_gcm(m)) {
		uint8_t aad[12];
		struct iov v = { aad, esp_aad(m, p, hdr, esn_hi, aad) };
		uint32_t clen = a.icv - a.payload;

		if (clen > sizeof(work))
			return -1;
		memcpy(work, p + a.payload, clen);
		ok = gcm(c, p + a.iv, &v, 1, work, clen, icv, m->icv_len, false);
		OPENSSL_cleanse(work, clen);
		return ok;
	}
	if (esp_icv(m, c, p, hdr, &a, esn_hi, icv, true, &ok) != 0)
		return -1;
	return ok;
}

int rxc_esp_decrypt(struct rx_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		    uint8_t *out)
{
	struct rxc_ctx *c = ctx(m);
	struct esp_at a;
	uint32_t clen;

	if (!c || esp_at(m, hdr, end, &a) != 0)
		return -1;
	clen = a.icv - a.payload;
	memcpy(out, p + a.payload, clen);
	if (is_gcm(m)) {
		uint8_t nonce[12];
		int n;

		/* The keystream alone: CTR from the nonce's counter 2. */
		memcpy(nonce, c->salt, 4);
		memcpy(nonce + 4, p + a.iv, 8);
		if (EVP_CipherInit_ex(c->gcm, NULL, NULL, NULL, nonce, 0) != 1 ||
		    (clen && EVP_CipherUpdate(c->gcm, out, &n, out, (int)clen) != 1))
			return -1;
		return (int)clen;
	}
	if (c->dec) {
		if (clen % m->block)
			return -1;
		if (cbc(c->dec, p + a.iv, out, clen) != 0)
			return -1;
	}
	return (int)clen;
}

/* ---- AH ---- */

#define AH_PRE_MAX 2048u
#define AH_HDR_MAX 1028u

static bool v4_immutable(uint8_t t)
{
	/* RFC 4302 appendix A.1: EOL, NOP, Security, Extended Security,
	 * Commercial Security, Router Alert, Sender Directed Multi-Destination
	 * Delivery. */
	return t == 0 || t == 1 || t == 130 || t == 133 || t == 134 || t == 148 || t == 149;
}

static int zero_v4(uint8_t *h, uint32_t n)
{
	uint32_t ihl;

	if (n < 20)
		return -1;
	ihl = (uint32_t)(h[0] & 15) * 4;
	if (ihl != n)
		return -1;
	h[1] = 0;
	h[6] = h[7] = 0;
	h[8] = 0;
	h[10] = h[11] = 0;
	for (uint32_t o = 20; o < n;) {
		uint32_t l;

		if (h[o] == 0)
			break;
		if (h[o] == 1) {
			o++;
			continue;
		}
		if (n - o < 2 || h[o + 1] < 2 || h[o + 1] > n - o)
			return -1;
		l = h[o + 1];
		if (!v4_immutable(h[o]))
			memset(h + o, 0, l);   /* the whole option, type and length too */
		o += l;
	}
	return 0;
}

static int zero_opts(uint8_t *h, uint32_t n)
{
	for (uint32_t o = 2; o < n;) {
		if (h[o] == 0) {
			o++;
			continue;
		}
		if (n - o < 2 || h[o + 1] > n - o - 2)
			return -1;
		if (h[o] & 0x20)        /* RFC 8200 §4.2: may change en route */
			memset(h + o + 2, 0, h[o + 1]);
		o += 2u + h[o + 1];
	}
	return 0;
}

static int zero_v6(uint8_t *h, uint32_t n)
{
	uint32_t o = 40;
	uint8_t nh;

	if (n < 40)
		return -1;
	nh = h[6];
	h[0] &= 0xF0;
	h[1] = h[2] = h[3] = 0;
	h[7] = 0;
	while (o < n) {
		uint32_t l;

		if (n - o < 2)
			return -1;
		l = nh == 44 ? 8u : ((uint32_t)h[o + 1] + 1) * 8;
		if (l > n - o)
			return -1;
		if ((nh == 0 || nh == 60) && zero_opts(h + o, l) != 0)
			return -1;
		if (nh == 43 && (l < 4 || h[o + 3] != 0))
			return 1;
		nh = h[o];
		o += l;
	}
	return 0;
}

/* The AH ICV of the packet into icv (verify: compare, *ok). */
static int ah_icv(struct rx_member *m, const uint8_t *p, uint32_t ip, uint32_t ah, uint32_t end,
		  uint32_t hi, uint8_t *icv, bool verify, int *ok)
{
	static uint8_t pre[AH_PRE_MAX], hdr[AH_HDR_MAX];
	struct rxc_ctx *c = ctx(m);
	uint32_t len, pre_len = ah - ip, at = 12 + m->iv_len;
	uint8_t h[4];
	int r;

	if (!c || ah < ip || ah > end || end - ah < 12)
		return -1;
	len = ((uint32_t)p[ah + 1] + 2) * 4;
	if (len > end - ah || at + m->icv_len > len || pre_len > sizeof(pre))
		return -1;
	if ((p[ip] >> 4) == 6 && len % 8)
		return -1;
	memcpy(pre, p + ip, pre_len);
	r = (p[ip] >> 4) == 4 ? zero_v4(pre, pre_len) : (p[ip] >> 4) == 6 ? zero_v6(pre, pre_len) : -1;
	if (r != 0)
		return r;
	memcpy(hdr, p + ah, len);
	memset(hdr + at, 0, m->icv_len);
	be32(h, hi);
	{
		struct iov v[4] = { { pre, pre_len }, { hdr, len }, { p + ah + len, end - ah - len },
				    { h, m->esn ? 4u : 0u } };

		if (m->iv_len) {
			uint8_t tag[16];

			memcpy(tag, p + ah + at, m->icv_len);
			r = gcm(c, p + ah + 12, v, 4, NULL, 0, verify ? tag : icv, m->icv_len, !verify);
			if (r < 0)
				return -1;
			if (verify)
				*ok = r;
			return 0;
		}
		{
			uint8_t mine[32];

			if (hmac(c, v, 4, verify ? mine : icv, m->icv_len) != 0)
				return -1;
			if (verify)
				*ok = CRYPTO_memcmp(mine, p + ah + at, m->icv_len) == 0;
		}
	}
	return 0;
}

int rxc_ah_seal(struct rx_member *m, uint8_t *p, uint32_t ip, uint32_t ah, uint32_t end,
		uint32_t esn_hi, const uint8_t *iv)
{
	uint8_t icv[32];
	int ok, r;

	if (ah > end || end - ah < 12 + m->iv_len + m->icv_len)
		return -1;
	memcpy(p + ah + 12, iv, m->iv_len);
	r = ah_icv(m, p, ip, ah, end, esn_hi, icv, false, &ok);
	if (r != 0)
		return r;
	memcpy(p + ah + 12 + m->iv_len, icv, m->icv_len);
	return 0;
}

int rxc_ah_verify(struct rx_member *m, const uint8_t *p, uint32_t ip, uint32_t ah, uint32_t end,
		  uint32_t esn_hi)
{
	uint8_t icv[32];
	int ok = 0;

	if (ah_icv(m, p, ip, ah, end, esn_hi, icv, true, &ok) != 0)
		return -1;
	return ok;
}
