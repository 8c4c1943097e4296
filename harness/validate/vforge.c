/* SPDX-License-Identifier: MIT */
/* vforge.c - see vforge.h. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "ipoc_alg.h"
#include "vforge.h"
#include "wipe.h"

bool vforge_esp_hmac(uint32_t auth_id, const uint8_t *key, uint32_t klen, uint8_t *frame,
		     uint32_t esp, uint32_t icv, uint32_t icv_len)
{
	const struct ipoc_alg *a = ipoc_alg_auth(auth_id);
	/* The digest by the table's OpenSSL name (HMAC rows only). */
	const EVP_MD *md = a && a->kind == IPOC_ALG_INTEGRITY && a->evp
			   ? EVP_get_digestbyname(a->evp) : NULL;
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!md || icv < esp || !HMAC(md, key, (int)klen, frame + esp, icv - esp, out, &n) ||
	    n < icv_len)
		return false;
	memcpy(frame + icv, out, icv_len);
	ipoc_wipe(out, sizeof(out));
	return true;
}
