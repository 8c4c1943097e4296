/* SPDX-License-Identifier: MIT */
/*
 * ref_job.c - one job (ref_crypto.h) with the one-packet functions, in the
 * order a job promises: on receive the ICV is checked before anything is
 * decrypted, so a job that fails changes nothing.
 */
#include <string.h>

#include "ref_crypto.h"

enum { MAX_HMAC = 64 };

int ref_run_one_job(struct ref_job *j)
{
	struct ref_xform_info xi;
	size_t n_auth = j->auth[1].n ? 2 : 1;
	uint8_t icv[MAX_HMAC];
	int rc;

	ref_xform_info(j->x, &xi);
	if (xi.aead)
		return ref_gcm_run(j->x, j->iv, j->auth, n_auth, j->data, j->data_len, j->icv,
				   j->icv_len);
	if (j->icv_len > sizeof(icv) || (j->data_len && !xi.cipher))
		return REF_CRYPTO_ERROR;
	if (xi.encrypt && j->data_len &&
	    ref_cbc_run(j->x, j->iv, j->data, j->data_len) != REF_CRYPTO_OK)
		return REF_CRYPTO_ERROR;
	if (!xi.hmac || !j->icv_len)
		rc = REF_CRYPTO_OK;
	else if (ref_hmac_run(j->x, j->auth, n_auth, icv, j->icv_len) != REF_CRYPTO_OK)
		rc = REF_CRYPTO_ERROR;
	else if (xi.encrypt) {
		memcpy(j->icv, icv, j->icv_len);
		rc = REF_CRYPTO_OK;
	} else
		rc = ref_ct_equal(icv, j->icv, j->icv_len) ? REF_CRYPTO_OK : REF_CRYPTO_BAD_TAG;
	ref_wipe(icv, sizeof(icv));
	if (rc == REF_CRYPTO_OK && !xi.encrypt && j->data_len)
		rc = ref_cbc_run(j->x, j->iv, j->data, j->data_len);
	return rc;
}
