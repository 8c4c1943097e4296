/* SPDX-License-Identifier: MIT */
/*
 * crypto_dpdk.c - the NDIS algorithms as DPDK crypto transforms, and which
 * of them the device and lib/ipsec do.
 *
 * lib/ipsec 22.11 takes, for ESP: the NULL, AES-CBC and 3DES-CBC ciphers
 * with an authentication transform, AES-GCM (AEAD), and AES-GMAC (an
 * authentication transform with the NULL cipher); not DES-CBC (sa.c
 * fill_sa_algo). The crypto device says, per algorithm, which key, IV,
 * digest and AAD lengths it takes (its capability list, read here); a pair
 * is claimed when both lists allow it.
 *
 * Transform order is lib/ipsec's: outbound cipher then auth, inbound auth
 * then cipher; AEAD and GMAC one transform. IVs sit in the crypto op's
 * private area (DP_IV_OFFSET). For AES-GCM and AES-GMAC the NDIS key ends in
 * the 4-byte salt (RFC 4106 §8.1, RFC 4543 §5), which goes to
 * ipsec_xform.salt as it lies in memory; the device gets the rest.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cryptodev.h>

#include "dp_int.h"

#define DP_IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

enum dp_kind { K_NONE, K_CIPHER, K_AEAD, K_AUTH };

struct dp_map {
	uint32_t ndis;               /* IPSEC_OFFLOAD_V2_* bit */
	bool enc;                    /* in the encryption namespace */
	enum dp_kind kind;
	int algo;                    /* rte_crypto_{cipher,aead,auth}_algorithm */
	bool ipsec;                  /* lib/ipsec 22.11 takes it */
};

static const struct dp_map maps[] = {
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, true, K_CIPHER, RTE_CRYPTO_CIPHER_NULL, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, true, K_CIPHER, RTE_CRYPTO_CIPHER_DES_CBC, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, true, K_CIPHER, RTE_CRYPTO_CIPHER_3DES_CBC, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, true, K_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, true, K_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, true, K_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, true, K_AEAD, RTE_CRYPTO_AEAD_AES_GCM, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, true, K_AEAD, RTE_CRYPTO_AEAD_AES_GCM, true },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, true, K_AEAD, RTE_CRYPTO_AEAD_AES_GCM, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, false, K_AUTH, RTE_CRYPTO_AUTH_MD5_HMAC, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, false, K_AUTH, RTE_CRYPTO_AUTH_SHA1_HMAC, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, false, K_AUTH, RTE_CRYPTO_AUTH_SHA256_HMAC, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, false, K_AUTH, RTE_CRYPTO_AUTH_AES_GMAC, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, false, K_AUTH, RTE_CRYPTO_AUTH_AES_GMAC, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, false, K_AUTH, RTE_CRYPTO_AUTH_AES_GMAC, true },
};

static const struct dp_map *map_of(const struct ipoc_alg *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (maps[i].ndis == a->ndis && maps[i].enc == ipoc_alg_is_enc(a))
			return &maps[i];
	return NULL;
}

static uint16_t raw_key(const struct ipoc_alg *a)
{
	return (uint16_t)ipoc_alg_raw_key_len(a);
}

/* The device's capability entry of a transform type and algorithm. */
static const struct rte_cryptodev_symmetric_capability *cap_of(const struct dp_dev *d,
							       const struct dp_map *m)
{
	struct rte_cryptodev_sym_capability_idx idx = { 0 };

	switch (m->kind) {
	case K_CIPHER:
		idx.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		idx.algo.cipher = (enum rte_crypto_cipher_algorithm)m->algo;
		break;
	case K_AEAD:
		idx.type = RTE_CRYPTO_SYM_XFORM_AEAD;
		idx.algo.aead = (enum rte_crypto_aead_algorithm)m->algo;
		break;
	case K_AUTH:
		idx.type = RTE_CRYPTO_SYM_XFORM_AUTH;
		idx.algo.auth = (enum rte_crypto_auth_algorithm)m->algo;
		break;
	default:
		return NULL;
	}
	return rte_cryptodev_sym_capability_get(d->dev_id, &idx);
}

static bool alg_ok(const struct dp_dev *d, const struct ipoc_alg *a, uint32_t icv_len,
		   bool esn_aad)
{
	const struct dp_map *m = map_of(a);
	const struct rte_cryptodev_symmetric_capability *c;

	if (!m || !m->ipsec || !(c = cap_of(d, m)))
		return false;
	switch (m->kind) {
	case K_CIPHER:
		return rte_cryptodev_sym_capability_check_cipher(c, raw_key(a),
								 (uint16_t)a->iv_len) == 0;
	case K_AEAD:
		return rte_cryptodev_sym_capability_check_aead(c, raw_key(a), (uint16_t)icv_len,
							       esn_aad ? 12 : 8, 12) == 0;
	case K_AUTH:
		if (m->algo == RTE_CRYPTO_AUTH_AES_GMAC)
			return rte_cryptodev_sym_capability_check_auth(c, raw_key(a),
								       (uint16_t)icv_len, 12) == 0;
		return rte_cryptodev_sym_capability_check_auth(c, (uint16_t)a->key_len,
							       (uint16_t)icv_len, 0) == 0;
	default:
		return false;
	}
}

static bool null_auth_ok(const struct dp_dev *d)
{
	static const struct dp_map null_auth = { 0, false, K_AUTH, RTE_CRYPTO_AUTH_NULL, true };
	const struct rte_cryptodev_symmetric_capability *c = cap_of(d, &null_auth);

	return c && rte_cryptodev_sym_capability_check_auth(c, 0, 0, 0) == 0;
}

bool dp_crypto_supported(const struct dp_dev *d, const struct ipoc_alg *enc,
			 const struct ipoc_alg *auth, uint32_t icv_len)
{
	/* ESN moves the AES-GCM AAD from 8 to 12 bytes: both must be taken. */
	if (enc && enc->kind == IPOC_ALG_AEAD)
		return alg_ok(d, enc, icv_len, false) && alg_ok(d, enc, icv_len, true);
	/* lib/ipsec wants an authentication transform beside the cipher
	 * (sa.c fill_crypto_xform): ESP with encryption alone gets the NULL
	 * authentication algorithm, with no ICV, when the device has it. GMAC
	 * goes with the NULL cipher. */
	if (!auth)
		return enc && alg_ok(d, enc, 0, false) && null_auth_ok(d);
	if (auth->kind == IPOC_ALG_GMAC)
		return alg_ok(d, auth, icv_len, false);
	if (!enc)
		enc = ipoc_alg_null();
	return alg_ok(d, enc, 0, false) && alg_ok(d, auth, icv_len, false);
}

/* Does the device do AEAD row a with every ICV length NDIS may ask for
 * (AdditionalInfo)? NDIS claims an algorithm, not an ICV length, so a
 * claim must hold for all of them. */
static bool aead_all_icvs(const struct dp_dev *d, const struct ipoc_alg *a)
{
	for (uint32_t icv = 1; icv < 32; icv++)
		if (ipoc_alg_icv_ok(a, icv) && !dp_crypto_supported(d, a, NULL, icv))
			return false;
	return true;
}

/* Does row a go with some row of kind `with` on the device? */
static bool pairs_with(const struct dp_dev *d, const struct ipoc_alg *a, enum ipoc_alg_kind with)
{
	for (size_t j = 0; j < ipoc_algs_n; j++) {
		const struct ipoc_alg *b = &ipoc_algs[j];

		if (b->kind != with)
			continue;
		if (a->kind == IPOC_ALG_CIPHER ? dp_crypto_supported(d, a, b, b->icv_len)
					       : dp_crypto_supported(d, b, a, a->icv_len))
			return true;
	}
	return false;
}

void dp_crypto_caps(const struct dp_dev *d, uint32_t *enc_bits, uint32_t *auth_bits)
{
	*enc_bits = *auth_bits = 0;
	for (size_t i = 0; i < ipoc_algs_n; i++) {
		const struct ipoc_alg *a = &ipoc_algs[i];
		const struct dp_map *m = map_of(a);
		bool ok;

		if (!m || !m->ipsec)
			continue;
		switch (a->kind) {
		case IPOC_ALG_AEAD:
			ok = aead_all_icvs(d, a);
			break;
		case IPOC_ALG_CIPHER:      /* lib/ipsec wants integrity beside it */
			ok = pairs_with(d, a, IPOC_ALG_INTEGRITY);
			break;
		case IPOC_ALG_INTEGRITY:   /* with some cipher, NULL included */
			ok = pairs_with(d, a, IPOC_ALG_CIPHER);
			break;
		default:                   /* GMAC: alone */
			ok = dp_crypto_supported(d, NULL, a, a->icv_len);
			break;
		}
		if (ok && ipoc_alg_is_enc(a))
			*enc_bits |= a->ndis;
		else if (ok)
			*auth_bits |= a->ndis;
	}
}

static void set_iv(uint16_t *off, uint16_t *len, uint16_t n)
{
	*off = (uint16_t)DP_IV_OFFSET;
	*len = n;
}

int dp_crypto_xforms(struct dp_sa *sa, const uint8_t *enc_key, const uint8_t *auth_key,
		     char *why, size_t n)
{
	struct rte_crypto_sym_xform *c = NULL, *a = NULL;
	const struct dp_map *em = map_of(sa->enc), *am = map_of(sa->auth);
	bool out = !sa->inbound;

	memset(sa->xf, 0, sizeof(sa->xf));
	if (sa->enc && sa->enc->kind == IPOC_ALG_AEAD) {
		struct rte_crypto_sym_xform *x = &sa->xf[0];

		x->type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x->aead.op = out ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		x->aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		x->aead.key.data = enc_key;
		x->aead.key.length = raw_key(sa->enc);
		set_iv(&x->aead.iv.offset, &x->aead.iv.length, 12);
		x->aead.digest_length = (uint16_t)sa->icv_len;
		x->aead.aad_length = sa->esn ? 12 : 8;
		memcpy(&sa->prm.ipsec_xform.salt, enc_key + raw_key(sa->enc), 4);
		sa->prm.crypto_xform = x;
		return 0;
	}
	if (!em || (sa->auth && !am)) {
		snprintf(why, n, "no DPDK transform for this algorithm pair");
		return -1;
	}
	if (am && am->algo == RTE_CRYPTO_AUTH_AES_GMAC) {
		/* GMAC: one transform (the cipher is NULL by the NDIS shape). */
		a = &sa->xf[0];
		a->type = RTE_CRYPTO_SYM_XFORM_AUTH;
		a->auth.op = out ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
		a->auth.algo = RTE_CRYPTO_AUTH_AES_GMAC;
		a->auth.key.data = auth_key;
		a->auth.key.length = raw_key(sa->auth);
		a->auth.digest_length = (uint16_t)sa->icv_len;
		set_iv(&a->auth.iv.offset, &a->auth.iv.length, 12);
		memcpy(&sa->prm.ipsec_xform.salt, auth_key + raw_key(sa->auth), 4);
		sa->prm.crypto_xform = a;
		return 0;
	}
	c = &sa->xf[out ? 0 : 1];
	a = &sa->xf[out ? 1 : 0];
	c->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	c->cipher.op = out ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
	c->cipher.algo = (enum rte_crypto_cipher_algorithm)em->algo;
	c->cipher.key.data = sa->enc->key_len ? enc_key : NULL;
	c->cipher.key.length = raw_key(sa->enc);
	set_iv(&c->cipher.iv.offset, &c->cipher.iv.length, (uint16_t)sa->enc->iv_len);
	a->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	a->auth.op = out ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
	a->auth.algo = am ? (enum rte_crypto_auth_algorithm)am->algo : RTE_CRYPTO_AUTH_NULL;
	a->auth.key.data = am ? auth_key : NULL;
	a->auth.digest_length = (uint16_t)sa->icv_len;
	a->auth.key.length = am ? (uint16_t)sa->auth->key_len : 0;
	if (out)
		c->next = a;
	else
		a->next = c;
	sa->prm.crypto_xform = &sa->xf[0];
	return 0;
}
