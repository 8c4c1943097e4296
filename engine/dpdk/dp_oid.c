/* SPDX-License-Identifier: MIT */
/*
 * dp_oid.c - the OID path: the offload queries and parameters, and the
 * IPsecOV2 SA OIDs, through the NDIS library (engine/ndis) with the
 * engine's SA table (dp_sa.c) behind it. IPsecOV1 is not served.
 */
#include <stdio.h>
#include <string.h>

#include "dp_int.h"
#include "ndis_host.h"
#include "ndis_oid.h"
#include "ndis_sa.h"

__attribute__((format(printf, 3, 0)))
static void log_va(void *ctx, int level, const char *fmt, va_list ap)
{
	ndis_host_vlog(&((const struct ipoc_engine *)ctx)->host, level, fmt, ap);
}

static struct ndis_ctx ctx_of(struct ipoc_engine *e)
{
	return (struct ndis_ctx){ .log = log_va, .ctx = e };
}

static NDIS_STATUS q_current(void *v, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	dp_caps_current(v, &off);
	return ndis_oid_answer_offload(req, &off);
}

static NDIS_STATUS q_hardware(void *v, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	dp_caps_hardware(v, &off);
	return ndis_oid_answer_offload(req, &off);
}

static NDIS_STATUS s_params(void *v, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = v;
	struct ndis_ctx c = ctx_of(e);
	bool v1_ah = false, v1_esp = false;

	return ndis_offload_parameters(&c, req->InformationBuffer, req->InformationBufferLength,
				       &v1_ah, &v1_esp, &e->enable.v2_ah, &e->enable.v2_esp);
}

static NDIS_STATUS s_add_sa(void *v, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = v;
	struct ndis_ctx c = ctx_of(e);
	NDIS_OFFLOAD cur;

	dp_caps_current(e, &cur);
	return ndis_v2_add_sa(&c, &cur, req->InformationBuffer, req->InformationBufferLength,
			      dp_sa_install, e);
}

static NDIS_STATUS s_add_sa_ex(void *v, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = v;
	struct ndis_ctx c = ctx_of(e);
	NDIS_OFFLOAD cur;

	dp_caps_current(e, &cur);
	return ndis_v2_add_sa_ex(&c, &cur, req->InformationBuffer, req->InformationBufferLength,
				 dp_sa_install, e);
}

static NDIS_STATUS s_delete_sa(void *v, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = v;
	struct ndis_ctx c = ctx_of(e);

	return ndis_v2_delete_sa(&c, req->InformationBuffer, req->InformationBufferLength,
				 dp_sa_delete, e);
}

static enum ndis_sa_update_result update(void *v, NDIS_HANDLE h, uint32_t op, uint32_t spi,
					 uint32_t high)
{
	struct dp_sa *sa = dp_sa_lookup(v, h);

	if (!sa)
		return NDIS_SA_NO_SA;
	if (op != IPsecOffloadV2Esp || spi != sa->spi)
		return NDIS_SA_NO_MEMBER;
	if (!sa->esn)
		return NDIS_SA_NO_ESN;
	sa->esn_high = high;
	/* Inbound: lib/ipsec infers the high half from its window, which
	 * starts again at the new one. Outbound: the next packet's number
	 * differs from lib/ipsec's, which re-initialises it (dp_esp.c). */
	if (sa->inbound && dp_sa_reset_inbound(sa) != 0)
		dp_log(v, IPOC_LOG_WARN, "UPDATE_SA: lib/ipsec SA re-init failed");
	return NDIS_SA_UPDATED;
}

static NDIS_STATUS s_update_sa(void *v, struct ipoc_oid_request *req)
{
	struct ipoc_engine *e = v;
	struct ndis_ctx c = ctx_of(e);

	return ndis_v2_update_sa(&c, req->InformationBuffer, req->InformationBufferLength,
				 update, e);
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
};

NDIS_STATUS dp_oid_request(ipoc_engine *e, struct ipoc_oid_request *req)
{
	struct ndis_ctx c = ctx_of(e);

	return ndis_oid_dispatch(&c, oids, sizeof(oids) / sizeof(oids[0]), e, req);
}
