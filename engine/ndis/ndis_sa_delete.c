/* SPDX-License-Identifier: MIT */
/*
 * ndis_sa_delete.c - OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA: a list of
 * handles, each deleted through the engine's callback.
 */
#include <stdio.h>

#include "ndis_internal.h"

NDIS_STATUS ndis_v2_delete_sa(const struct ndis_ctx *c, const IPSEC_OFFLOAD_V2_DELETE_SA *first,
			      uint32_t len, ndis_sa_delete_fn del, void *dctx)
{
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	uint32_t n, i = 0;
	char what[32];

	(void)len;   /* the first element lies in the buffer (ndis_oid_dispatch) */
	n = ndis_list_length(first, offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next));
	if (n == 0) {
		ndis_log(c, IPOC_LOG_WARN, "DELETE_SA list: cyclic or longer than %u elements",
			 NDIS_MAX_LIST_LEN);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	/* PROFILE.md, deleting unknown handles: every known handle in the list
	 * is deleted; an unknown, stale or NULL one, or a bad header, makes the
	 * request return NDIS_STATUS_INVALID_PARAMETER. */
	for (const IPSEC_OFFLOAD_V2_DELETE_SA *d = first; d; d = d->Next, i++) {
		NDIS_STATUS ds;

		snprintf(what, sizeof(what), "DELETE_SA[%u]", i);
		if (ndis_check_header(c, what, &d->Header,
				      NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1) !=
		    NDIS_STATUS_SUCCESS) {
			st = NDIS_STATUS_INVALID_PARAMETER;
			continue;
		}
		ds = del(dctx, d->OffloadHandle);
		if (ds == NDIS_STATUS_SUCCESS)
			continue;
		if (ds == NDIS_STATUS_INVALID_PARAMETER)
			ndis_log(c, IPOC_LOG_WARN, "%s.OffloadHandle %p: no such IPsecOV2 SA", what,
				 d->OffloadHandle);
		if (st == NDIS_STATUS_SUCCESS)
			st = ds;
	}
	return st;
}
