/* SPDX-License-Identifier: MIT */
/*
 * ndis_sa_update.c - OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA: a new ESN
 * high half for one member of an offloaded bundle, set through the
 * engine's callback.
 */
#include "ndis_internal.h"

NDIS_STATUS ndis_v2_update_sa(const struct ndis_ctx *c, const IPSEC_OFFLOAD_V2_UPDATE_SA *u,
			      uint32_t len, ndis_sa_update_fn update, void *uctx)
{
	(void)len;   /* the structure lies in the buffer (ndis_oid_dispatch) */
	if (ndis_check_header(c, "UPDATE_SA", &u->Header,
			      NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1) != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_INVALID_PARAMETER;
	/* R-SA-11: "fail this request if the SA is not found or the ESN is not
	 * supported ... NDIS_STATUS_INVALID_PARAMETER". */
	switch (update(uctx, u->OffloadHandle, u->Operation, u->Spi, u->SequenceNumberHighOrder)) {
	case NDIS_SA_UPDATED:
		return NDIS_STATUS_SUCCESS;
	case NDIS_SA_NO_SA:
		ndis_log(c, IPOC_LOG_WARN, "UPDATE_SA.OffloadHandle %p: no such IPsecOV2 SA",
			 u->OffloadHandle);
		break;
	case NDIS_SA_NO_MEMBER:
		ndis_log(c, IPOC_LOG_WARN, "UPDATE_SA {Operation %u, Spi 0x%08x}: not a member of "
			 "the bundle", u->Operation, u->Spi);
		break;
	case NDIS_SA_NO_ESN:
		ndis_log(c, IPOC_LOG_WARN, "UPDATE_SA {Spi 0x%08x}: the SA was added without "
			 "IPSEC_OFFLOAD_V2_ESN_SA", u->Spi);
		break;
	default:
		ndis_log(c, IPOC_LOG_WARN, "UPDATE_SA {Spi 0x%08x}: refused by the engine", u->Spi);
		break;
	}
	return NDIS_STATUS_INVALID_PARAMETER;
}
