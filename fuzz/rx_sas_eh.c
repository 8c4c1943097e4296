/* SPDX-License-Identifier: MIT */
/* rx_sas_eh.c - the table of rx_sas.h offloaded onto an engine. */
#include <stddef.h>
#include <string.h>

#include "fz.h"
#include "host.h"
#include "rx_sas.h"
#include "rx_shape.h"
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
	NDIS_STATUS st;

	if (!s->h)
		return 0;
	if (eh_delete_sa(eh, inst, s->h, &st) != EH_OK || st != NDIS_STATUS_SUCCESS)
		return -1;
	s->h = add(s, eh, inst);
	s->usable = s->h != NULL;
	return s->h ? 0 : -1;
}

const struct eh_nbl_out *rx_receive(struct eh *eh, uint32_t inst, const uint8_t *frame,
				    uint32_t len, struct rx_shape *shape)
{
	struct eh_nb_in nb;
	struct eh_nbl_in nbl;
	struct eh_io_in in;
	const struct eh_io_out *o = NULL;

	rx_shape_apply(shape, len);
	memset(&nb, 0, sizeof(nb));
	nb.data = frame;
	nb.len = len;
	nb.shape = shape->shape;
	memset(&nbl, 0, sizeof(nbl));
	nbl.nbs = &nb;
	nbl.n_nb = 1;
	nbl.slots[IPsecOffloadV2NetBufferListInfo] = 0xA5A50008u;
	nbl.slots[IPsecOffloadV2TunnelNetBufferListInfo] = 0xA5A5A5A5u;
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = 0xA5A5A5A5u;
	memset(&in, 0, sizeof(in));
	in.nbls = &nbl;
	in.n_nbl = 1;
	in.guard = shape->guard;
	in.writable_slots = EH_RECV_WRITABLE;
	eh_mark(eh);
	fz_check_rc(eh_receive(eh, inst, &in, &o), eh, "receive");
	fz_check_nbl(o, 0, "receive");
	return &o->nbls[0];
}

struct eh *rx_setup(struct rx_table *t, uint32_t *inst)
{
	const struct fz_engine *e = fz_engine();
	NDIS_STATUS st;

	if (eh_open(e->eh, NULL, &st, inst) != EH_OK || st != NDIS_STATUS_SUCCESS)
		fz_fault("harness: the engine did not open", "%s", e->path);
	rx_table_build(t);
	if (rx_offload(t, e->eh, *inst) == 0)
		fz_fault("harness: the engine took none of the SAs", "%s", e->path);
	return e->eh;
}
