/* SPDX-License-Identifier: MIT */
/*
 * ref_alg.c - what the reference engine knows about each IPsecOV2
 * algorithm identifier: its name, key length and ICV length.
 *
 * Key lengths: HMAC-MD5-96 16 bytes (RFC 2403 §3), HMAC-SHA1-96 20 (RFC 2404
 * §3), HMAC-SHA-256-128 32 (RFC 4868 §2.1.1); DES-CBC 8 (RFC 2405), 3DES-CBC
 * 24 (RFC 2451), AES-CBC 16/24/32 (RFC 3602). AES-GCM (RFC 4106 §8.1) and
 * AES-GMAC (RFC 4543 §3.2) carry the AES key followed by a 4-byte salt, so
 * KeyLength is 20/28/36 (engine/PROFILE.md, key length and salt).
 * ICV lengths: 12 for the HMAC-96 pair (RFC 2403/2404), 16 for SHA-256-128
 * (RFC 4868) and GMAC (RFC 4543); GCM's comes from AdditionalInfo.
 */
#include <stddef.h>

#include "ref_internal.h"

static const struct ref_alg auth_algs[] = {
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, "HMAC-MD5-96", 16, 12, false, false },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, "HMAC-SHA1-96", 20, 12, false, false },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, "HMAC-SHA-256-128", 32, 16, false, false },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, "AES-GMAC-128", 20, 16, false, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, "AES-GMAC-192", 28, 16, false, true },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, "AES-GMAC-256", 36, 16, false, true },
};

static const struct ref_alg enc_algs[] = {
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, "NULL", 0, 0, false, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, "DES-CBC", 8, 0, false, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, "3DES-CBC", 24, 0, false, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, "AES-GCM-128", 20, 16, true, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, "AES-GCM-192", 28, 16, true, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, "AES-GCM-256", 36, 16, true, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, "AES-CBC-128", 16, 0, false, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, "AES-CBC-192", 24, 0, false, false },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, "AES-CBC-256", 32, 0, false, false },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct ref_alg *find(const struct ref_alg *tab, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].id == id)
			return &tab[i];
	return NULL;
}

static uint32_t mask(const struct ref_alg *tab, size_t n)
{
	uint32_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= tab[i].id;
	return m;
}

const struct ref_alg *ref_auth_alg(uint32_t id)
{
	return find(auth_algs, N_ELEMS(auth_algs), id);
}

const struct ref_alg *ref_enc_alg(uint32_t id)
{
	return find(enc_algs, N_ELEMS(enc_algs), id);
}

uint32_t ref_auth_alg_mask(void)
{
	return mask(auth_algs, N_ELEMS(auth_algs));
}

uint32_t ref_enc_alg_mask(void)
{
	return mask(enc_algs, N_ELEMS(enc_algs));
}
