/* SPDX-License-Identifier: MIT */
/*
 * ndis_sa_add.c - OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA (a list) and
 * _ADD_SA_EX (one element, keys at an offset): the buffer bounds, the list
 * walk, and R-SA-2's rule that each element is judged on its own.
 */
#include <stdio.h>
#include <string.h>

#include "ndis_internal.h"

/* Validate one element and, when it is good, have the engine install it;
 * *handle stays NULL unless it did. */
static NDIS_STATUS add_one(const struct ndis_ctx *c, const NDIS_OFFLOAD *cur,
			   const struct ndis_add_req *r, NDIS_HANDLE *handle,
			   ndis_sa_install_fn install, void *ictx)
{
	struct ndis_sa_bundle b;
	NDIS_HANDLE h = NULL;
	NDIS_STATUS st;

	*handle = NULL;
	st = ndis_sa_validate(c, r, cur, &b);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	st = install(ictx, &b, &h);
	if (st == NDIS_STATUS_SUCCESS)
		*handle = h;
	return st;
}

static void req_from_add_sa(struct ndis_add_req *r, const IPSEC_OFFLOAD_V2_ADD_SA *a, uint32_t i)
{
	bool v6 = (a->Flags & IPSEC_OFFLOAD_V2_IPv6) != 0;

	snprintf(r->what, sizeof(r->what), "ADD_SA[%u]", i);
	r->num_ext_hdrs = a->NumExtHdrs;
	r->flags = a->Flags;
	r->udp_esp = a->UdpEspEncapsulation;
	r->src = v6 ? a->IPv6Endpoints.SrcAddr : (const UCHAR *)&a->IPv4Endpoints.SrcAddr;
	r->dst = v6 ? a->IPv6Endpoints.DestAddr : (const UCHAR *)&a->IPv4Endpoints.DestAddr;
	r->sa = a->SecAssoc;
	r->keys = a->KeyData;
	r->key_len = a->KeyLength;
}

NDIS_STATUS ndis_v2_add_sa(const struct ndis_ctx *c, const NDIS_OFFLOAD *current,
			   IPSEC_OFFLOAD_V2_ADD_SA *first, uint32_t len,
			   ndis_sa_install_fn install, void *ictx)
{
	NDIS_STATUS first_err = NDIS_STATUS_SUCCESS;
	uint32_t n, added = 0, i = 0;

	/* The first element and its keys lie in the OID buffer; later ones are
	 * reached through Next, as in NDIS, and are trusted to hold KeyLength
	 * key bytes after KeyData. */
	if ((uint64_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + first->KeyLength > len) {
		ndis_log(c, IPOC_LOG_WARN, "ADD_SA[0].KeyLength %u: runs past the %u-byte buffer",
			 first->KeyLength, len);
		return NDIS_STATUS_INVALID_LENGTH;
	}
	n = ndis_list_length(first, offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next));
	if (n == 0) {
		ndis_log(c, IPOC_LOG_WARN, "ADD_SA list: cyclic or longer than %u elements",
			 NDIS_MAX_LIST_LEN);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	for (IPSEC_OFFLOAD_V2_ADD_SA *a = first; a; a = a->Next, i++) {
		struct ndis_add_req r;
		NDIS_STATUS st;

		req_from_add_sa(&r, a, i);
		a->OffloadHandle = NULL;
		st = ndis_check_header(c, r.what, &a->Header,
				       NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1);
		if (st == NDIS_STATUS_SUCCESS)
			st = add_one(c, current, &r, &a->OffloadHandle, install, ictx);
		if (st == NDIS_STATUS_SUCCESS)
			added++;
		else if (first_err == NDIS_STATUS_SUCCESS)
			first_err = st;
	}
	/* R-SA-2: the request succeeds if any SA was offloaded; on total
	 * failure it carries the first element's reason (PROFILE.md). */
	return added ? NDIS_STATUS_SUCCESS : first_err;
}

NDIS_STATUS ndis_v2_add_sa_ex(const struct ndis_ctx *c, const NDIS_OFFLOAD *current,
			      IPSEC_OFFLOAD_V2_ADD_SA_EX *a, uint32_t len,
			      ndis_sa_install_fn install, void *ictx)
{
	bool v6 = (a->Flags & IPSEC_OFFLOAD_V2_IPv6) != 0;
	struct ndis_add_req r = { .what = "ADD_SA_EX" };
	NDIS_STATUS st;

	a->OffloadHandle = NULL;
	st = ndis_check_header(c, r.what, &a->Header,
			       NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	/* The key area must follow the structure and lie inside the buffer. */
	if (a->KeyOffset < NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1 ||
	    (uint64_t)a->KeyOffset + a->KeyLength > len) {
		ndis_log(c, IPOC_LOG_WARN, "ADD_SA_EX.KeyOffset %u + KeyLength %u: key area must "
			 "start at or after byte %zu and end within the %u-byte buffer", a->KeyOffset,
			 a->KeyLength, (size_t)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1, len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	r.num_ext_hdrs = a->NumExtHdrs;
	r.flags = a->Flags;
	r.udp_esp = a->UdpEspEncapsulation;
	r.src = v6 ? a->IPv6Endpoints.SrcAddr : (const UCHAR *)&a->IPv4Endpoints.SrcAddr;
	r.dst = v6 ? a->IPv6Endpoints.DestAddr : (const UCHAR *)&a->IPv4Endpoints.DestAddr;
	r.sa = a->SecAssoc;
	r.keys = (const UCHAR *)a + a->KeyOffset;
	r.key_len = a->KeyLength;
	return add_one(c, current, &r, &a->OffloadHandle, install, ictx);
}
