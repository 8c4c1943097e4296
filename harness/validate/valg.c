/* SPDX-License-Identifier: MIT */
/*
 * valg.c - the algorithm configurations of the matrices (valg_all,
 * valg_core, valg_find; see vcase.h). A library of their own (ipoc_valg,
 * valg_dep) so that code wanting only the configurations (the fuzz
 * targets' SA table) does not link the suite's tables and bodies.
 */
#include <string.h>

#include "vcase.h"

#define ESP IPsecOffloadV2Esp
#define AH IPsecOffloadV2Ah
#define E_NONE IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
#define E_DES IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC
#define E_3DES IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC
#define E_CBC128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128
#define E_CBC192 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192
#define E_CBC256 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256
#define E_GCM128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128
#define E_GCM192 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192
#define E_GCM256 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256
#define A_MD5 IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5
#define A_SHA1 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1
#define A_SHA256 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256
#define A_GMAC128 IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128
#define A_GMAC192 IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192
#define A_GMAC256 IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256

#define ESP1(name, e, a, icv) { name, 1, { { ESP, e, a, icv } } }
#define AH1(name, a) { name, 1, { { AH, 0, a, 0 } } }
#define BUNDLE(name, e, ea, icv, aa) { name, 2, { { ESP, e, ea, icv }, { AH, 0, aa, 0 } } }

/* Every NDIS V2 cipher and authentication algorithm at least once, each
 * cipher with an HMAC, the GCM ICV lengths, ESP without integrity, AH
 * alone, and [ESP, AH] bundles (RFC 4303, 4302, 4106, 4543, 2410). */
const struct valg valg_all[] = {
	ESP1("esp.null+hmac-md5-96", E_NONE, A_MD5, 0),
	ESP1("esp.null+hmac-sha1-96", E_NONE, A_SHA1, 0),
	ESP1("esp.null+hmac-sha256-128", E_NONE, A_SHA256, 0),
	ESP1("esp.null+aes-gmac-128", E_NONE, A_GMAC128, 0),
	ESP1("esp.null+aes-gmac-192", E_NONE, A_GMAC192, 0),
	ESP1("esp.null+aes-gmac-256", E_NONE, A_GMAC256, 0),
	ESP1("esp.des-cbc+hmac-sha1-96", E_DES, A_SHA1, 0),
	ESP1("esp.3des-cbc+hmac-md5-96", E_3DES, A_MD5, 0),
	ESP1("esp.3des-cbc+hmac-sha1-96", E_3DES, A_SHA1, 0),
	ESP1("esp.aes-cbc-128+hmac-sha1-96", E_CBC128, A_SHA1, 0),
	ESP1("esp.aes-cbc-128+hmac-md5-96", E_CBC128, A_MD5, 0),
	ESP1("esp.aes-cbc-192+hmac-sha256-128", E_CBC192, A_SHA256, 0),
	ESP1("esp.aes-cbc-256+hmac-sha256-128", E_CBC256, A_SHA256, 0),
	ESP1("esp.aes-cbc-128", E_CBC128, 0, 0),
	ESP1("esp.aes-gcm-128.icv8", E_GCM128, 0, 8),
	ESP1("esp.aes-gcm-128.icv12", E_GCM128, 0, 12),
	ESP1("esp.aes-gcm-128.icv16", E_GCM128, 0, 16),
	ESP1("esp.aes-gcm-192.icv16", E_GCM192, 0, 16),
	ESP1("esp.aes-gcm-256.icv12", E_GCM256, 0, 12),
	ESP1("esp.aes-gcm-256.icv16", E_GCM256, 0, 16),
	AH1("ah.hmac-md5-96", A_MD5),
	AH1("ah.hmac-sha1-96", A_SHA1),
	AH1("ah.hmac-sha256-128", A_SHA256),
	AH1("ah.aes-gmac-128", A_GMAC128),
	AH1("ah.aes-gmac-192", A_GMAC192),
	AH1("ah.aes-gmac-256", A_GMAC256),
	BUNDLE("esp+ah.aes-cbc-128+hmac-sha1-96+hmac-sha256-128", E_CBC128, A_SHA1, 0, A_SHA256),
	BUNDLE("esp+ah.aes-gcm-256.icv16+hmac-md5-96", E_GCM256, 0, 16, A_MD5),
	BUNDLE("esp+ah.3des-cbc+aes-gmac-128", E_3DES, 0, 0, A_GMAC128),
};
const unsigned valg_all_n = sizeof(valg_all) / sizeof(valg_all[0]);

/* One per way of protecting a payload: AEAD, CBC + HMAC, NULL + HMAC,
 * NULL + GMAC, AH with HMAC, AH with GMAC, a bundle. */
const struct valg valg_core[] = {
	ESP1("esp.aes-gcm-128.icv16", E_GCM128, 0, 16),
	ESP1("esp.aes-cbc-128+hmac-sha1-96", E_CBC128, A_SHA1, 0),
	ESP1("esp.null+hmac-sha256-128", E_NONE, A_SHA256, 0),
	ESP1("esp.null+aes-gmac-128", E_NONE, A_GMAC128, 0),
	AH1("ah.hmac-sha1-96", A_SHA1),
	AH1("ah.aes-gmac-128", A_GMAC128),
	BUNDLE("esp+ah.aes-cbc-128+hmac-sha1-96+hmac-sha256-128", E_CBC128, A_SHA1, 0, A_SHA256),
};
const unsigned valg_core_n = sizeof(valg_core) / sizeof(valg_core[0]);

const struct valg *valg_find(const char *name)
{
	for (unsigned i = 0; i < valg_all_n; i++)
		if (strcmp(valg_all[i].name, name) == 0)
			return &valg_all[i];
	return NULL;
}
