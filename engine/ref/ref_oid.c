/* SPDX-License-Identifier: MIT */
/*
 * ref_oid.c - the OID request path: request type and buffer length checks,
 * then the handler of each OID.
 *
 * A buffer shorter than the OID's minimum gets BytesNeeded and
 * NDIS_STATUS_INVALID_LENGTH for a set or method, NDIS_STATUS_BUFFER_TOO_SHORT
 * for a query (R-SA-13); a request of the wrong type gets
 * NDIS_STATUS_INVALID_DEVICE_REQUEST; an OID the engine does not serve gets
 * NDIS_STATUS_NOT_SUPPORTED.
 */
#include <string.h>

#include "ref_internal.h"

enum kind { QUERY, SET };   /* SET also accepts METHOD: direct SA OIDs */

struct oid_entry {
	NDIS_OID oid;
	enum kind kind;
	uint32_t min_len;
	NDIS_STATUS (*handler)(struct ipoc_engine *e, struct ipoc_oid_request *req);
};

static NDIS_STATUS q_current(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	ref_caps_current(e, &off);
	memcpy(req->InformationBuffer, &off, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	req->BytesWritten = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
	return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS q_hardware(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	ref_caps_hardware(e, &off);
	memcpy(req->InformationBuffer, &off, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	req->BytesWritten = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
	return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS s_params(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD_PARAMETERS p;
	uint32_t n = req->InformationBufferLength;

	/* Copy what the caller gave, up to the revision this engine knows. */
	memset(&p, 0, sizeof(p));
	memcpy(&p, req->InformationBuffer, n < sizeof(p) ? n : sizeof(p));
	return ref_caps_set_parameters(e, &p, n);
}

static NDIS_STATUS s_add_sa(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v2_add_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_add_sa_ex(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v2_add_sa_ex(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_delete_sa(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v2_delete_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_update_sa(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v2_update_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_v1_add_sa(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v1_add_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static NDIS_STATUS s_v1_delete_sa(struct ipoc_engine *e, struct ipoc_oid_request *req)
{
	return ref_v1_delete_sa(e, req->InformationBuffer, req->InformationBufferLength);
}

static const struct oid_entry oids[] = {
	{ OID_TCP_OFFLOAD_CURRENT_CONFIG, QUERY, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2, q_current },
	{ OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, QUERY, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2,
	  q_hardware },
	{ OID_TCP_OFFLOAD_PARAMETERS, SET, NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1, s_params },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, SET, NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1,
	  s_add_sa },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX, SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1, s_add_sa_ex },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1, s_delete_sa },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1, s_update_sa },
	{ OID_TCP_TASK_IPSEC_ADD_SA, SET, offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat), s_v1_add_sa },
	{ OID_TCP_TASK_IPSEC_DELETE_SA, SET, sizeof(OFFLOAD_IPSEC_DELETE_SA), s_v1_delete_sa },
};

static const struct oid_entry *find_oid(NDIS_OID oid)
{
	for (size_t i = 0; i < sizeof(oids) / sizeof(oids[0]); i++)
		if (oids[i].oid == oid)
			return &oids[i];
	return NULL;
}

static bool type_ok(enum kind k, uint32_t type)
{
	if (k == QUERY)
		return type == IPOC_REQUEST_QUERY;
	return type == IPOC_REQUEST_SET || type == IPOC_REQUEST_METHOD;
}

NDIS_STATUS ref_oid_request(ipoc_engine *e, struct ipoc_oid_request *req)
{
	const struct oid_entry *ent;

	if (!req || req->struct_size < offsetof(struct ipoc_oid_request, reserved))
		return NDIS_STATUS_INVALID_PARAMETER;
	req->BytesWritten = req->BytesRead = req->BytesNeeded = 0;
	ent = find_oid(req->Oid);
	if (!ent) {
		ref_log(e, IPOC_LOG_DEBUG, "OID 0x%08x: not supported", req->Oid);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!type_ok(ent->kind, req->RequestType)) {
		ref_log(e, IPOC_LOG_WARN, "OID 0x%08x: request type %u not accepted", req->Oid,
			req->RequestType);
		return NDIS_STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!req->InformationBuffer || req->InformationBufferLength < ent->min_len) {
		ref_log(e, IPOC_LOG_WARN, "OID 0x%08x: buffer of %u bytes, needs %u", req->Oid,
			req->InformationBufferLength, ent->min_len);
		req->BytesNeeded = ent->min_len;
		return ent->kind == QUERY ? NDIS_STATUS_BUFFER_TOO_SHORT : NDIS_STATUS_INVALID_LENGTH;
	}
	/* The structures hold pointers; NDIS buffers are pointer aligned. */
	if ((uintptr_t)req->InformationBuffer % sizeof(void *) != 0) {
		ref_log(e, IPOC_LOG_WARN, "OID 0x%08x: buffer %p is not pointer aligned", req->Oid,
			req->InformationBuffer);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ent->kind == SET)
		req->BytesRead = req->InformationBufferLength;
	return ent->handler(e, req);
}
