/* SPDX-License-Identifier: MIT */
/*
 * ref_oid.c - the OIDs the reference engine serves, with the handler of
 * each. engine/ndis checks every request against this table first
 * (ndis_oid_dispatch: request type, buffer length and BytesNeeded,
 * alignment; ndis_oid.h gives the statuses).
 */
#include <stddef.h>

#include "ndis_oid.h"
#include "ref_internal.h"

static NDIS_STATUS q_current(void *engine, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = engine;
	NDIS_OFFLOAD off;

	ref_caps_current(e, &off);
	return ndis_oid_answer_offload(req, &off);
}

static NDIS_STATUS q_hardware(void *engine, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = engine;
	NDIS_OFFLOAD off;

	ref_caps_hardware(e, &off);
	return ndis_oid_answer_offload(req, &off);
}

static NDIS_STATUS s_params(void *engine, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = engine;
	struct ndis_ctx c = ref_ndis_ctx(e);

	return ndis_offload_parameters(&c, req->InformationBuffer, req->InformationBufferLength,
				       &e->enable.v1_ah, &e->enable.v1_esp, &e->enable.v2_ah,
				       &e->enable.v2_esp);
}

static NDIS_STATUS s_add_sa(void *e, struct ipoc_oid_request *req)
{
	return ref_v2_add_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_add_sa_ex(void *e, struct ipoc_oid_request *req)
{
	return ref_v2_add_sa_ex(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_delete_sa(void *e, struct ipoc_oid_request *req)
{
	return ref_v2_delete_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_update_sa(void *e, struct ipoc_oid_request *req)
{
	return ref_v2_update_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_v1_add_sa(void *e, struct ipoc_oid_request *req)
{
	return ref_v1_add_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_v1_delete_sa(void *e, struct ipoc_oid_request *req)
{
	return ref_v1_delete_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static const struct ndis_oid_entry oids[] = {
	{ OID_TCP_OFFLOAD_CURRENT_CONFIG, NDIS_OID_QUERY, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2,
	  q_current },
	{ OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, NDIS_OID_QUERY,
	  NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2, q_hardware },
	{ OID_TCP_OFFLOAD_PARAMETERS, NDIS_OID_SET, NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1,
	  s_params },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, NDIS_OID_SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1, s_add_sa },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX, NDIS_OID_SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1, s_add_sa_ex },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, NDIS_OID_SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1, s_delete_sa },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, NDIS_OID_SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1, s_update_sa },
	{ OID_TCP_TASK_IPSEC_ADD_SA, NDIS_OID_SET, offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat),
	  s_v1_add_sa },
	{ OID_TCP_TASK_IPSEC_DELETE_SA, NDIS_OID_SET, sizeof(OFFLOAD_IPSEC_DELETE_SA),
	  s_v1_delete_sa },
};

NDIS_STATUS ref_oid_request(ipoc_engine *e, struct ipoc_oid_request *req)
{
	struct ndis_ctx c = ref_ndis_ctx(e);

	return ndis_oid_dispatch(&c, oids, sizeof(oids) / sizeof(oids[0]), e, req);
}
