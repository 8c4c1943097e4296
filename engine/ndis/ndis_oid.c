/* SPDX-License-Identifier: MIT */
/*
 * ndis_oid.c - the OID request path every engine takes: request type and
 * buffer length checks against the engine's table of OIDs, then the OID's
 * handler (ndis_oid.h gives the statuses).
 */
#include <string.h>

#include "ndis_internal.h"
#include "ndis_oid.h"

static const struct ndis_oid_entry *find_oid(const struct ndis_oid_entry *table, size_t n,
					     NDIS_OID oid)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].oid == oid)
			return &table[i];
	return NULL;
}

static bool type_ok(enum ndis_oid_kind k, uint32_t type)
{
	if (k == NDIS_OID_QUERY)
		return type == IPOC_REQUEST_QUERY;
	return type == IPOC_REQUEST_SET || type == IPOC_REQUEST_METHOD;
}

NDIS_STATUS ndis_oid_dispatch(const struct ndis_ctx *c, const struct ndis_oid_entry *table,
			      size_t n, void *engine, struct ipoc_oid_request *req)
{
	const struct ndis_oid_entry *ent;

	if (!req || req->struct_size < offsetof(struct ipoc_oid_request, reserved))
		return NDIS_STATUS_INVALID_PARAMETER;
	req->BytesWritten = req->BytesRead = req->BytesNeeded = 0;
	ent = find_oid(table, n, req->Oid);
	if (!ent) {
		ndis_log(c, IPOC_LOG_DEBUG, "OID 0x%08x: not supported", req->Oid);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!type_ok(ent->kind, req->RequestType)) {
		ndis_log(c, IPOC_LOG_WARN, "OID 0x%08x: request type %u not accepted", req->Oid,
			 req->RequestType);
		return NDIS_STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!req->InformationBuffer || req->InformationBufferLength < ent->min_len) {
		ndis_log(c, IPOC_LOG_WARN, "OID 0x%08x: buffer of %u bytes, needs %u", req->Oid,
			 req->InformationBufferLength, ent->min_len);
		req->BytesNeeded = ent->min_len;
		return ent->kind == NDIS_OID_QUERY ? NDIS_STATUS_BUFFER_TOO_SHORT
						   : NDIS_STATUS_INVALID_LENGTH;
	}
	/* The structures hold pointers; NDIS buffers are pointer aligned. */
	if ((uintptr_t)req->InformationBuffer % sizeof(void *) != 0) {
		ndis_log(c, IPOC_LOG_WARN, "OID 0x%08x: buffer %p is not pointer aligned", req->Oid,
			 req->InformationBuffer);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ent->kind == NDIS_OID_SET)
		req->BytesRead = req->InformationBufferLength;
	return ent->handler(engine, req);
}

NDIS_STATUS ndis_oid_answer_offload(struct ipoc_oid_request *req, const NDIS_OFFLOAD *off)
{
	if (!req->InformationBuffer ||
	    req->InformationBufferLength < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2) {
		req->BytesNeeded = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
		return NDIS_STATUS_BUFFER_TOO_SHORT;
	}
	memcpy(req->InformationBuffer, off, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	req->BytesWritten = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
	return NDIS_STATUS_SUCCESS;
}
