/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_crypto.c - the data-plane state of an SA member: its keyed
 * transform, IV length and payload alignment, made once when the SA is
 * added so that no packet allocates.
 *
 * IV lengths on the wire and cipher blocks come from the algorithm table
 * (engine/alg/ipoc_algs.def, with their RFCs). ESP payloads are aligned to
 * the cipher block and to 4 bytes (RFC 4303 §2.4). GCM/GMAC IVs are a per-SA
 * counter, so an IV never repeats under one key (RFC 4106 §3.1); CBC IVs are
 * random (RFC 3602 §3).
 */
#include "ref_crypto.h"
#include "ref_internal.h"

/* The IV on the wire: the cipher's, else GMAC's (ESP with NULL, or AH). */
static uint32_t iv_len(const struct ref_sa_member *m)
{
	const struct ipoc_alg *enc = m->op == IPsecOffloadV2Ah ? NULL : ipoc_alg_enc(m->enc_alg);
	const struct ipoc_alg *auth = ipoc_alg_auth(m->auth_alg);

	if (enc && enc->iv_len)
		return enc->iv_len;
	return auth && auth->kind == IPOC_ALG_GMAC ? auth->iv_len : 0;
}

static uint8_t kind_of(const struct ref_sa_member *m)
{
	const struct ipoc_alg *enc = ipoc_alg_enc(m->enc_alg);
	const struct ipoc_alg *auth = ipoc_alg_auth(m->auth_alg);
	bool gmac = auth && auth->kind == IPOC_ALG_GMAC;

	if (m->op == IPsecOffloadV2Ah)
		return gmac ? REF_KIND_GMAC : REF_KIND_PLAIN;
	if (enc && enc->kind == IPOC_ALG_AEAD)
		return REF_KIND_GCM;
	if (enc && enc->iv_len)
		return REF_KIND_CBC;
	return gmac ? REF_KIND_GMAC : REF_KIND_PLAIN;
}

int ref_sa_crypto_init(struct ipoc_engine *e, struct ref_sa *sa)
{
	for (uint32_t i = 0; i < sa->num_members; i++) {
		struct ref_sa_member *m = &sa->m[i];
		uint32_t enc = m->op == IPsecOffloadV2Ah ? 0 : m->enc_alg;
		uint32_t block;

		if (ref_xform_new(&m->x, !sa->inbound, enc, m->enc_key, m->enc_key_len, m->auth_alg,
				  m->auth_key, m->auth_key_len) != 0) {
			ref_log(e, IPOC_LOG_ERROR, "SA 0x%08x: crypto library refused the keys",
				m->spi);
			ref_sa_crypto_fini(sa);
			return -1;
		}
		m->iv_len = iv_len(m);
		m->kind = kind_of(m);
		block = ref_xform_block(m->x);
		m->block = block < 4 ? 4 : block;
		m->iv_counter = 1;
	}
	return 0;
}

void ref_sa_crypto_fini(struct ref_sa *sa)
{
	for (uint32_t i = 0; i < sa->num_members; i++) {
		ref_xform_free(sa->m[i].x);
		sa->m[i].x = NULL;
	}
}
