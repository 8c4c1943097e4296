/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_crypto.c - the data-plane state of an SA member: its keyed
 * transform, IV length and payload alignment, made once when the SA is
 * added so that no packet allocates.
 *
 * IV lengths on the wire: DES/3DES-CBC 8 (RFC 2405, RFC 2451), AES-CBC 16
 * (RFC 3602 §3), AES-GCM and AES-GMAC 8 (RFC 4106 §3.1, RFC 4543 §3.1), NULL
 * none. ESP payloads are aligned to the cipher block and to 4 bytes (RFC
 * 4303 §2.4). GCM/GMAC IVs are a per-SA counter, so an IV never repeats
 * under one key (RFC 4106 §3.1); CBC IVs are random (RFC 3602 §3).
 */
#include "ref_crypto.h"
#include "ref_internal.h"

static uint32_t iv_len(const struct ref_sa_member *m)
{
	const struct ref_alg *enc = ref_enc_alg(m->enc_alg);
	const struct ref_alg *auth = ref_auth_alg(m->auth_alg);

	if (enc && enc->combined)
		return 8;
	if (m->enc_alg == IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC ||
	    m->enc_alg == IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC)
		return 8;
	if (m->enc_alg & (IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128 |
			  IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192 |
			  IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256))
		return 16;
	return auth && auth->gmac ? 8 : 0;
}

static uint8_t kind_of(const struct ref_sa_member *m)
{
	const struct ref_alg *enc = ref_enc_alg(m->enc_alg);
	const struct ref_alg *auth = ref_auth_alg(m->auth_alg);

	if (m->op == IPsecOffloadV2Ah)
		return auth && auth->gmac ? REF_KIND_GMAC : REF_KIND_PLAIN;
	if (enc && enc->combined)
		return REF_KIND_GCM;
	if (enc && m->enc_alg != IPSEC_OFFLOAD_V2_ENCRYPTION_NONE)
		return REF_KIND_CBC;
	return auth && auth->gmac ? REF_KIND_GMAC : REF_KIND_PLAIN;
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
		m->iv_len = m->op == IPsecOffloadV2Ah ? (ref_auth_alg(m->auth_alg)->gmac ? 8 : 0)
						      : iv_len(m);
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
