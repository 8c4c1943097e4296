/* SPDX-License-Identifier: MIT */
/* rx_sas_eh.c - the table of rx_sas.h offloaded onto an engine. */
#include <stddef.h>
#include <string.h>

#include "host.h"
#include "rx_sas.h"
#include "wipe.h"

static NDIS_HANDLE add(const struct rx_sa *s, struct eh *eh, uint32_t inst)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	struct sa_spec sp = rx_spec(s, true);
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, &sp, &len);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len };
	NDIS_HANDLE h = NULL;

	for (uint32_t i = 0; i < s->n; i++) {
		const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *e = &a->SecAssoc[i].EncryptionAlgorithm;
		const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *u = &a->SecAssoc[i].AuthenticationAlgorithm;

		if (e->KeyLength)
			memcpy(a->KeyData + e->KeyOffsetBytes, s->m[i].ekey, e->KeyLength);
		if (u->KeyLength)
			memcpy(a->KeyData + u->KeyOffsetBytes, s->m[i].akey, u->KeyLength);
	}
	q.handles = &handle_at;
	q.n_handles = 1;
	if (eh_oid(eh, inst, &q) == EH_OK && q.status == NDIS_STATUS_SUCCESS)
		h = a->OffloadHandle;
	ipoc_wipe(&b, sizeof(b));
	return h;
}

uint32_t rx_offload(struct rx_table *t, struct eh *eh, uint32_t inst)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		t->sa[i].h = add(&t->sa[i], eh, inst);
		t->sa[i].usable = t->sa[i].h != NULL;
		n += t->sa[i].h != NULL;
	}
	return n;
}

int rx_readd(struct rx_sa *s, struct eh *eh, uint32_t inst)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, OffloadHandle);
	IPSEC_OFFLOAD_V2_DELETE_SA d;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, &d,
			    sizeof(d) };

	if (!s->h)
		return 0;
	memset(&d, 0, sizeof(d));
	d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d.Header.Size = sizeof(d);
	d.OffloadHandle = s->h;
	q.handles = &handle_at;
	q.n_handles = 1;
	if (eh_oid(eh, inst, &q) != EH_OK || q.status != NDIS_STATUS_SUCCESS)
		return -1;
	s->h = add(s, eh, inst);
	s->usable = s->h != NULL;
	return s->h ? 0 : -1;
}
