/* SPDX-License-Identifier: MIT */
/*
 * cases_sa.c - area `sa`: IPsecOV2 SA management. ADD_SA of one SA and of
 * lists (with partial success), ADD_SA_EX, DELETE_SA of one and of lists,
 * UPDATE_SA of the ESN high half on ESP, AH and [ESP, AH] bundles, capacity
 * and the reuse of freed slots, refusals (algorithms not claimed, key
 * lengths, malformed structures, short buffers), the parameters switch,
 * keys wiped on delete and on close, and stale handles naming nothing.
 */
#include <stddef.h>
#include <string.h>

#include "session.h"
#include "vflow.h"
#include "wipe.h"

/* An outbound SA of a's configuration for IPv4 level 0 of the case. */
static void spec4(struct vctx *x, const struct valg *a, bool inbound, struct sa_spec *sp)
{
	struct fb_level l;

	fb_level_std(&l, 4, 0, false);
	vx_spec(x, a, &l, inbound, VU_NONE, false, sp);
}

/* Does traffic through the outbound handle h of e's SA come out right? */
static bool works(struct vctx *x, uint32_t inst, const struct vx_exchange *e, NDIS_HANDLE h)
{
	NDIS_HANDLE hh[2] = { h, NULL };

	return vf_send_judge(x, inst, e, hh, false, NULL, IPOC_NBL_GUARD_TAIL);
}

/* One SA each way: handles not NULL, not equal, traffic flows. */
static void add_one(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE o[2], i[2];
	uint32_t inst;

	if (!vf_prepare(x, &c->p, 21, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, o) || !vf_add(x, inst, &e, true, i))
		return;
	if (o[0] == i[0])
		return (void)vx_fail(x, "the outbound and the inbound SA got the same handle %p",
				     o[0]);
	if (works(x, inst, &e, o[0]))
		vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
}

/* A list of three ADD_SA elements in one request. variant 0: all good;
 * 1: the middle one malformed (a key length off by one): SUCCESS, its
 * handle NULL, the others in place (R-SA-2); 2: all malformed: a failure,
 * every handle NULL. */
static void add_list(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e[3];
	static uint64_t buf[512];
	uint32_t off[3], relocs[3], handles[3], len = 0, inst;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, buf };
	IPSEC_OFFLOAD_V2_ADD_SA *a[3];
	char sn[48];

	memset(buf, 0, sizeof(buf));
	for (int k = 0; k < 3; k++) {
		struct sa_buf b;
		uint32_t n;

		if (!vf_prepare(x, &c->p, 30 + (uint32_t)k, 1 + (uint32_t)k * 2, &e[k]))
			return;
		vx_add_buf(x, &b, &e[k].sp[0], e[k].key, &n);
		off[k] = len;
		a[k] = (IPSEC_OFFLOAD_V2_ADD_SA *)((uint8_t *)buf + len);
		memcpy(a[k], b.w, n);
		ipoc_wipe(&b, sizeof(b));
		len += (n + 15) / 16 * 16;
		if ((c->p.variant == 1 && k == 1) || c->p.variant == 2)
			a[k]->SecAssoc[0].EncryptionAlgorithm.KeyLength += 1, a[k]->KeyLength += 1;
	}
	for (int k = 0; k < 3; k++) {
		a[k]->Next = k < 2 ? a[k + 1] : NULL;
		relocs[k] = off[k] + (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next);
		handles[k] = off[k] + (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
		a[k]->OffloadHandle = (NDIS_HANDLE)(uintptr_t)0xBAD0BAD0u;   /* must be overwritten */
	}
	q.len = len;
	q.relocs = relocs;
	q.n_relocs = 3;
	q.handles = handles;
	q.n_handles = 3;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		goto out;
	if (c->p.variant == 2) {
		if (q.status == NDIS_STATUS_SUCCESS)
			vx_fail(x, "a list of three malformed SAs was accepted");
		for (int k = 0; k < 3 && vx_ok(x); k++)
			if (a[k]->OffloadHandle)
				vx_fail(x, "element %d was refused, yet its OffloadHandle is %p "
					"(R-SA-2: NULL)", k, a[k]->OffloadHandle);
		goto out;
	}
	if (q.status != NDIS_STATUS_SUCCESS) {
		vx_fail(x, "ADD_SA of a list (%s) failed with %s", c->p.variant ? "one element "
			"malformed" : "all good", ndis_status_name(q.status, sn, sizeof(sn)));
		goto out;
	}
	for (int k = 0; k < 3 && vx_ok(x); k++) {
		bool bad = c->p.variant == 1 && k == 1;

		if (bad && a[k]->OffloadHandle)
			vx_fail(x, "element 1 (key length off by one) has handle %p, want NULL (R-SA-2)",
				a[k]->OffloadHandle);
		else if (!bad && !a[k]->OffloadHandle)
			vx_fail(x, "element %d of the list has no handle", k);
		else if (!bad && (uintptr_t)a[k]->OffloadHandle == 0xBAD0BAD0u)
			vx_fail(x, "element %d's OffloadHandle was not written", k);
		else if (!bad)
			works(x, inst, &e[k], a[k]->OffloadHandle);
	}
	if (vx_ok(x) && a[0]->OffloadHandle == a[2]->OffloadHandle)
		vx_fail(x, "two elements got the same handle");
out:
	ipoc_wipe(buf, sizeof(buf));
}

/* ADD_SA_EX (NDIS 6.30): one SA with its key area at KeyOffset. variant 1:
 * the key area runs past the buffer: refused, no handle. */
static void add_ex(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, OffloadHandle);
	struct sa_buf b, k;
	uint32_t n, len, inst, keys = 256;
	IPSEC_OFFLOAD_V2_ADD_SA *ref;
	IPSEC_OFFLOAD_V2_ADD_SA_EX *a;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX, &b };
	char sn[48];

	if (!vf_prepare(x, &c->p, 23, 1, &e))
		return;
	ref = vx_add_buf(x, &k, &e.sp[0], 1, &n);
	a = sa_build_add_ex(&b, &e.sp[0], keys, &len);
	/* The same keys as the ADD_SA layout would carry. */
	memcpy((uint8_t *)b.w + keys, ref->KeyData, ref->KeyLength);
	ipoc_wipe(&k, sizeof(k));
	if (c->p.variant == 1)
		len -= 2;
	q.len = len;
	q.handles = &handle_at;
	q.n_handles = 1;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		goto out;
	if (c->p.variant == 1) {
		if (q.status == NDIS_STATUS_SUCCESS || a->OffloadHandle)
			vx_fail(x, "ADD_SA_EX whose key area runs 2 bytes past the buffer: %s, handle %p",
				ndis_status_name(q.status, sn, sizeof(sn)), a->OffloadHandle);
		goto out;
	}
	if (q.status != NDIS_STATUS_SUCCESS || !a->OffloadHandle)
		vx_fail(x, "ADD_SA_EX failed with %s (R-SA-1: 6.30 miniports support it; engine: "
			"%.200s)", ndis_status_name(q.status, sn, sizeof(sn)), eh_last_log(x->eh));
	else
		works(x, inst, &e, a->OffloadHandle);
out:
	ipoc_wipe(&b, sizeof(b));
}

/* DELETE_SA: variant 0, one outbound SA: sends on it fail; 1, a list of
 * two (outbound and inbound) in one request: both gone; 2, a handle the
 * engine never issued, with a live SA beside it: whatever the status, the
 * live SA still works (PROFILE.md 17). */
static void delete_sa(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE o[2], i[2], list[2];
	NDIS_STATUS st;
	uint32_t inst;
	char sn[48];
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *out;

	if (!vf_prepare(x, &c->p, 24, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, o) || !vf_add(x, inst, &e, true, i))
		return;
	list[0] = o[0];
	list[1] = i[0];
	if (c->p.variant == 2) {
		NDIS_HANDLE bogus = (NDIS_HANDLE)((uintptr_t)o[0] ^ 0x00C30000u ^
						  ((uintptr_t)vx_rand(x) << 33));

		if (!vx_delete(x, inst, &bogus, 1, &st))
			return;
		if (st == NDIS_STATUS_SUCCESS)
			vx_allowed(x, "PROFILE.md 17 (the docs say nothing of unknown handles)");
		if (works(x, inst, &e, o[0]))
			vf_recv_judge(x, inst, &e, NULL, IPOC_NBL_GUARD_TAIL);
		return;
	}
	if (!vx_delete(x, inst, list, c->p.variant ? 2 : 1, &st))
		return;
	if (st != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "DELETE_SA of %s failed with %s", c->p.variant ? "a list of "
				     "two" : "one SA", ndis_status_name(st, sn, sizeof(sn)));
	t.offload = o[0];
	t.hdr = e.f.hdr_info;
	out = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!out)
		return;
	if (out->nbls[0].status != NDIS_STATUS_FAILURE || out->n_tx)
		return (void)vx_fail(x, "a send on the deleted SA completed with %s and %u frames "
				     "(want NDIS_STATUS_FAILURE, none)",
				     ndis_status_name(out->nbls[0].status, sn, sizeof(sn)), out->n_tx);
	if (c->p.variant) {
		/* The inbound SA is gone too: the frame is not processed. */
		out = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
		if (out && (out->nbls[0].slots[IPsecOffloadV2NetBufferListInfo] & IPSEC_RX_CRYPTO_DONE))
			vx_fail(x, "a frame of the deleted inbound SA was processed");
	}
}

/* UPDATE_SA of the ESN high half (R-SA-11): traffic before the update uses
 * the old high half, after it the new one, in both directions; for a
 * bundle, only the member named changes. variant = member index to update
 * (1 for a bundle's AH). */
static void update_esn(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e, e2;
	struct vparams p = c->p;
	NDIS_HANDLE o[2], i[2];
	NDIS_STATUS st;
	uint32_t inst, m = (uint32_t)c->p.variant;
	char sn[48];

	p.esn = true;
	if (!vf_prepare(x, &p, 25, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, o) || !vf_add(x, inst, &e, true, i))
		return;
	if (!vf_send_judge(x, inst, &e, o, true, NULL, IPOC_NBL_GUARD_TAIL))
		return;
	/* The same SAs, member m one epoch later: 7 -> 8. */
	e2 = e;
	e2.sp[0].m[m].esn_high += 1;
	fb_sa_from_spec(&e2.sp[0], 26, &e2.fs.lv[0].sa);
	e2.fs.lv[0].sa.udp = e.fs.lv[0].sa.udp;
	if (fb_build(&e2.fs, &e2.f) != 0)
		return (void)vx_fail(x, "harness: frame");
	if (!vf_refresh(x, &e2, true))
		return;
	for (int dir = 0; dir < 2; dir++) {
		if (!vx_update(x, inst, dir ? i[0] : o[0], e.sp[0].m[m].op, e.sp[0].m[m].spi, 8, &st))
			return;
		if (st != NDIS_STATUS_SUCCESS)
			return (void)vx_fail(x, "UPDATE_SA of the %s SA's %s member failed with %s",
					     dir ? "inbound" : "outbound",
					     e.sp[0].m[m].op == IPsecOffloadV2Ah ? "AH" : "ESP",
					     ndis_status_name(st, sn, sizeof(sn)));
	}
	if (vf_send_judge(x, inst, &e2, o, true, NULL, IPOC_NBL_GUARD_TAIL))
		vf_recv_judge(x, inst, &e2, NULL, IPOC_NBL_GUARD_TAIL);
}

/* UPDATE_SA that cannot apply: variant 0, an unknown handle:
 * NDIS_STATUS_INVALID_PARAMETER (R-SA-11); 1, an SA without ESN: refused
 * with INVALID_PARAMETER, or accepted with no effect on its traffic. */
static void update_bad(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE o[2];
	NDIS_STATUS st;
	uint32_t inst;
	char sn[48];

	if (!vf_prepare(x, &c->p, 27, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, o))
		return;
	if (c->p.variant == 0) {
		if (!vx_update(x, inst, (NDIS_HANDLE)((uintptr_t)o[0] ^ 0x00700000u), e.sp[0].m[0].op,
			       e.sp[0].m[0].spi, 8, &st))
			return;
		if (st != NDIS_STATUS_INVALID_PARAMETER)
			vx_fail(x, "UPDATE_SA of an unknown handle gave %s, want "
				"NDIS_STATUS_INVALID_PARAMETER", ndis_status_name(st, sn, sizeof(sn)));
		return;
	}
	if (!vx_update(x, inst, o[0], e.sp[0].m[0].op, e.sp[0].m[0].spi, 8, &st))
		return;
	if (st == NDIS_STATUS_SUCCESS)
		vx_allowed(x, "R-SA-11 (\"can fail\": success is allowed if nothing changes)");
	else if (st != NDIS_STATUS_INVALID_PARAMETER)
		return (void)vx_fail(x, "UPDATE_SA of an SA without ESN gave %s, want success or "
				     "NDIS_STATUS_INVALID_PARAMETER", ndis_status_name(st, sn, sizeof(sn)));
	works(x, inst, &e, o[0]);
}

/* SaOffloadCapacity: as many SAs as claimed fit, one more does not (its
 * handle NULL); after a delete, a new one fits in the freed slot and
 * works, and the deleted handle stays dead (R-CAP-5, R-SA-2, PROFILE.md 18). */
static void capacity(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct ipoc_open_params p = { sizeof(p), 8, 0, 0 };
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
	NDIS_OFFLOAD caps;
	NDIS_HANDLE h[2], first = NULL, extra;
	NDIS_STATUS st;
	uint32_t inst, cap;
	const struct eh_io_out *o;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	char sn[48];

	if (!vf_prepare(x, &c->p, 28, 1, &e))
		return;
	inst = vx_open(x, &p);
	memset(&caps, 0, sizeof(caps));
	q.buf = &caps;
	q.len = sizeof(caps);
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		return;
	cap = caps.IPsecV2.SaOffloadCapacity;
	if (q.status != NDIS_STATUS_SUCCESS || !cap)
		return (void)vx_fail(x, "no SaOffloadCapacity to fill");
	if (cap > 4096)
		return (void)vx_skip(x, "SaOffloadCapacity %u after asking for 8 "
				     "(ipoc_open_params): too many to fill in one case", cap);
	for (uint32_t k = 0; k < cap; k++) {
		struct sa_spec s = e.sp[0];

		s.m[0].spi = k ? fb_spi_ndis(x->next_spi++) : s.m[0].spi;
		if (!vx_add_ok(x, inst, &s, k ? 100 + k : 1, h))
			return;
		if (!k)
			first = h[0];
	}
	{
		struct sa_spec s = e.sp[0];

		s.m[0].spi = fb_spi_ndis(x->next_spi++);
		if (!vx_add(x, inst, &s, 99, &st, &extra))
			return;
		if (st == NDIS_STATUS_SUCCESS || extra)
			return (void)vx_fail(x, "SA %u of a capacity of %u was accepted (%s, handle %p)",
					     cap + 1, cap, ndis_status_name(st, sn, sizeof(sn)), extra);
		if (st != NDIS_STATUS_RESOURCES)
			vx_allowed(x, "PROFILE.md 16 (NDIS_STATUS_RESOURCES for no room)");
	}
	if (!vx_delete(x, inst, &first, 1, &st))
		return;
	if (st != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "DELETE_SA failed with %s", ndis_status_name(st, sn, sizeof(sn)));
	if (!vx_add_ok(x, inst, &e.sp[0], 1, h) || !works(x, inst, &e, h[0]))
		return;
	if (h[0] == first)
		vx_allowed(x, "PROFILE.md P-7 (handles may repeat after a delete)");
	else {
		t.offload = first;
		t.hdr = e.f.hdr_info;
		o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
		if (o && (o->nbls[0].status != NDIS_STATUS_FAILURE || o->n_tx))
			vx_fail(x, "the deleted handle works again after its slot was reused");
	}
}

/* A stale handle names nothing (PROFILE.md 17, P-7). With one SA slot asked
 * for, an SA is deleted and a new one with the same SPI added (in the freed
 * slot when the engine reuses slots, as a bounded table does); UPDATE_SA
 * and DELETE_SA of the old handle must then leave the new SA as it was. A
 * handle check that finds the slot but not whose it is lets the old handle
 * move the new SA's ESN high half or delete it. UPDATE_SA of an SA not
 * found is NDIS_STATUS_INVALID_PARAMETER (R-SA-11); DELETE_SA's status is
 * PROFILE.md 17's choice, so only the new SA's traffic judges it. An engine
 * that gives the new SA the old handle has no stale handle to try (P-7). */
static void stale_handle(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct ipoc_open_params p = { sizeof(p), 1, 0, 0 };
	const struct sa_member *m = &e.sp[0].m[0];
	NDIS_HANDLE old[2], h[2];
	NDIS_STATUS st;
	uint32_t inst;
	char sn[48];

	if (!vf_prepare(x, &c->p, 40, 1, &e))
		return;
	inst = vx_open(x, &p);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, old) ||
	    !vx_delete(x, inst, old, 1, &st))
		return;
	if (st != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "DELETE_SA failed with %s", ndis_status_name(st, sn, sizeof(sn)));
	if (!vf_add(x, inst, &e, false, h))
		return;
	if (h[0] == old[0])
		return (void)vx_skip(x, "the new SA got the deleted SA's handle %p (PROFILE.md P-7): "
				     "no stale handle to try", h[0]);
	if (!vx_update(x, inst, old[0], m->op, m->spi, m->esn_high + 1, &st))
		return;
	if (st != NDIS_STATUS_INVALID_PARAMETER)
		return (void)vx_fail(x, "UPDATE_SA of the deleted SA's handle %p (the new SA's is %p) "
				     "gave %s, want NDIS_STATUS_INVALID_PARAMETER", old[0], h[0],
				     ndis_status_name(st, sn, sizeof(sn)));
	if (!vx_delete(x, inst, old, 1, &st))
		return;
	if (st == NDIS_STATUS_SUCCESS)
		vx_allowed(x, "PROFILE.md 17 (the docs say nothing of unknown handles)");
	works(x, inst, &e, h[0]);
}

/* Algorithms the report does not claim are refused (R-SA-2: "the NIC
 * configuration ... excludes a particular algorithm"). */
static void unclaimed(struct vctx *x, const struct vcase *c)
{
	const NDIS_IPSEC_OFFLOAD_V2 *v = &x->caps.IPsecV2;
	unsigned tried = 0;
	uint32_t inst = vx_open(x, NULL);

	(void)c;
	if (inst == UINT32_MAX)
		return;
	for (unsigned k = 0; k < valg_all_n && vx_ok(x); k++) {
		const struct valg *a = &valg_all[k];
		uint32_t enc = 0, auth = 0;
		struct sa_spec s;
		NDIS_STATUS st;
		NDIS_HANDLE h;

		for (uint32_t m = 0; m < a->n; m++)
			enc |= a->m[m].enc, auth |= a->m[m].auth;
		if (!(enc & ~v->EncryptionAlgorithms) && !(auth & ~v->AuthenticationAlgorithms))
			continue;
		if ((a->n == 2 && !v->AhEspCombined) || (a->m[0].op == IPsecOffloadV2Ah && !v->Ah) ||
		    (a->m[0].op == IPsecOffloadV2Esp && !v->Esp))
			continue;
		tried++;
		spec4(x, a, false, &s);
		if (!vx_add(x, inst, &s, 1, &st, &h))
			return;
		if (st == NDIS_STATUS_SUCCESS || h)
			vx_fail(x, "%s is not claimed, yet ADD_SA accepted it", a->name);
	}
	if (vx_ok(x) && !tried)
		vx_skip(x, "the engine claims every algorithm of its protocols: none to refuse");
}

/* Key lengths the profile does not allow are refused (PROFILE.md 9): one
 * byte longer and one shorter, per claimed algorithm. */
static void key_lengths(struct vctx *x, const struct vcase *c)
{
	const struct valg *a = c->p.alg;
	uint32_t inst = vx_open(x, NULL);
	char sn[48];

	if (inst == UINT32_MAX)
		return;
	for (int d = -1; d <= 1 && vx_ok(x); d += 2) {
		struct sa_spec s;
		struct sa_buf b;
		uint32_t len;
		IPSEC_OFFLOAD_V2_ADD_SA *buf;
		IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai;
		struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };

		spec4(x, a, false, &s);
		buf = vx_add_buf(x, &b, &s, 1, &len);
		ai = a->m[0].enc && a->m[0].enc != IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
			     ? &buf->SecAssoc[0].EncryptionAlgorithm
			     : &buf->SecAssoc[0].AuthenticationAlgorithm;
		ai->KeyLength = (ULONG)((long)ai->KeyLength + d);
		if (d > 0) {
			buf->KeyLength += 1;
			len += 1;
		}
		q.buf = buf;
		q.len = len;
		if (vx_oid(x, inst, &q) && (q.status == NDIS_STATUS_SUCCESS || buf->OffloadHandle))
			vx_fail(x, "%s with a key %s (%u bytes) was accepted (%s)", a->name,
				d > 0 ? "one byte long" : "one byte short", ai->KeyLength,
				ndis_status_name(q.status, sn, sizeof(sn)));
		ipoc_wipe(&b, sizeof(b));
	}
}

/* Malformed ADD_SA elements are refused and get no handle (R-SA-4..8,
 * PROFILE.md 7, 13, P-1, P-2); variant picks the defect. */
static void malformed(struct vctx *x, const struct vcase *c)
{
	static const char *const what[] = {
		"Header.Type not NDIS_OBJECT_TYPE_DEFAULT", "Header.Revision 0",
		"Header.Size below revision 1", "NumExtHdrs 0", "NumExtHdrs 3",
		"[AH, ESP] order (R-SA-4 wants ESP then AH)", "SPI 0 (RFC 4303 s2.1)",
		"unknown ADD_SA Flags bits", "unknown SECURITY_ASSOCIATION Flags bits",
		"a key past KeyLength", "AES-GCM ICV length 7 (RFC 4106 s8: 8, 12 or 16)",
		"AH with an encryption algorithm", "an algorithm identifier of two bits",
		"SequenceNumberHighOrder without IPSEC_OFFLOAD_V2_ESN_SA",
	};
	const struct valg *a = c->p.alg;
	uint32_t inst = vx_open(x, NULL), len, v = (uint32_t)c->p.variant;
	struct sa_spec s;
	struct sa_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *buf;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };
	char sn[48];

	if (inst == UINT32_MAX)
		return;
	spec4(x, a, false, &s);
	buf = vx_add_buf(x, &b, &s, 1, &len);
	switch (v) {
	case 0: buf->Header.Type = 0x81; break;
	case 1: buf->Header.Revision = 0; break;
	case 2: buf->Header.Size = 100; break;
	case 3: buf->NumExtHdrs = 0; break;
	case 4: buf->NumExtHdrs = 3; break;
	case 5: {
		IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION t = buf->SecAssoc[0];

		buf->SecAssoc[0] = buf->SecAssoc[1];
		buf->SecAssoc[1] = t;
		break;
	}
	case 6: buf->SecAssoc[0].Spi = 0; break;
	case 7: buf->Flags |= 0x100; break;
	case 8: buf->SecAssoc[0].Flags |= 0x80; break;
	case 9: buf->SecAssoc[0].AuthenticationAlgorithm.KeyOffsetBytes = buf->KeyLength; break;
	case 10: buf->SecAssoc[0].EncryptionAlgorithm.AdditionalInfo = 7; break;
	case 11:
		buf->SecAssoc[0].EncryptionAlgorithm.Identifier = IPSEC_OFFLOAD_V2_ENCRYPTION_NONE;
		break;
	case 12: buf->SecAssoc[0].AuthenticationAlgorithm.Identifier |= 0x40; break;
	default: buf->SecAssoc[0].SequenceNumberHighOrder = 5; break;
	}
	q.buf = buf;
	q.len = len;
	if (vx_oid(x, inst, &q) && (q.status == NDIS_STATUS_SUCCESS || buf->OffloadHandle))
		vx_fail(x, "ADD_SA with %s was accepted (%s, handle %p)", what[v < 13 ? v : 13],
			ndis_status_name(q.status, sn, sizeof(sn)), buf->OffloadHandle);
	ipoc_wipe(&b, sizeof(b));
}

/* An OID buffer shorter than the structure: NDIS_STATUS_INVALID_LENGTH and
 * BytesNeeded (R-SA-13, PROFILE.md P-5). */
static void short_set(struct vctx *x, const struct vcase *c)
{
	uint64_t buf[32];
	struct eh_oid q = { IPOC_REQUEST_SET, (NDIS_OID)c->p.arg, buf, 16 };
	uint32_t inst = vx_open(x, NULL);
	char sn[48];

	memset(buf, 0, sizeof(buf));
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		return;
	if (q.status != NDIS_STATUS_INVALID_LENGTH && q.status != NDIS_STATUS_BUFFER_TOO_SHORT)
		return (void)vx_fail(x, "a 16-byte buffer gave %s, want NDIS_STATUS_INVALID_LENGTH",
				     ndis_status_name(q.status, sn, sizeof(sn)));
	if (q.status == NDIS_STATUS_BUFFER_TOO_SHORT)
		vx_allowed(x, "R-SA-13 (BUFFER_TOO_SHORT for a short buffer)");
	if (q.needed <= 16)
		vx_fail(x, "BytesNeeded %u: not what the structure needs", q.needed);
}

/* OID_TCP_OFFLOAD_PARAMETERS switching IPsecOV2 off: the report says so
 * (R-CAP-1), and a send on an SA added before either fails (PROFILE.md 2)
 * or goes out untouched (R-TX-1: "without providing the offload
 * services"); never anything else. */
static void params_off(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_OFFLOAD_PARAMETERS p;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_OFFLOAD_PARAMETERS, &p };
	NDIS_OFFLOAD caps;
	struct eh_oid cq = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, &caps, sizeof(caps) };
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	NDIS_HANDLE h[2];
	uint32_t inst;
	char sn[48];

	if (!vf_prepare(x, &c->p, 29, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vf_add(x, inst, &e, false, h))
		return;
	memset(&p, 0, sizeof(p));
	p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	p.IPsecV2 = NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED;
	q.len = (uint32_t)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	if (!vx_oid(x, inst, &q))
		return;
	if (q.status != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "OID_TCP_OFFLOAD_PARAMETERS IPsecV2 DISABLED gave %s",
				     ndis_status_name(q.status, sn, sizeof(sn)));
	memset(&caps, 0, sizeof(caps));
	if (!vx_oid(x, inst, &cq))
		return;
	if (cq.status != NDIS_STATUS_SUCCESS || caps.IPsecV2.Esp || caps.IPsecV2.Ah)
		return (void)vx_fail(x, "with IPsecV2 disabled the current configuration still "
				     "claims ESP or AH");
	t.offload = h[0];
	t.hdr = e.f.hdr_info;
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS) {
		if (o->n_tx)
			vx_fail(x, "the NBL failed, yet a frame was transmitted");
		return;
	}
	vx_allowed(x, "R-TX-1 (sent without offload)");
	if (o->n_tx != 1 || !o->tx[0].bytes)
		return (void)vx_fail(x, "%u frames transmitted", o->n_tx);
	vx_same(x, "sent with IPsec offload disabled", o->tx[0].bytes, e.f.b, e.f.len, NULL, 0);
}

/* Keys leave the engine's memory when their SA is deleted (variant 0) or
 * the instance closed (variant 1): no key byte sequence is found anywhere
 * in the memory of the engine host afterwards. The harness keeps the key
 * masked only; it checks first that the key is found while the SA lives
 * (an engine that holds keys elsewhere, in hardware say, makes the check
 * meaningless, and the case says so). */
static void key_wipe(struct vctx *x, const struct vcase *c)
{
	struct sa_spec s;
	struct sa_buf b;
	uint32_t len, inst;
	IPSEC_OFFLOAD_V2_ADD_SA *buf;
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai;
	uint8_t masked[36], mask[36];
	uint32_t klen;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	NDIS_HANDLE h;
	NDIS_STATUS st;
	bool found;
	char where[512], sn[48];
	enum eh_rc rc;

	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX)
		return;
	spec4(x, c->p.alg, c->p.variant == 2, &s);
	buf = vx_add_buf(x, &b, &s, 1, &len);
	ai = c->p.alg->m[0].enc && c->p.alg->m[0].enc != IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
		     ? &buf->SecAssoc[0].EncryptionAlgorithm : &buf->SecAssoc[0].AuthenticationAlgorithm;
	klen = ai->KeyLength > sizeof(masked) ? sizeof(masked) : ai->KeyLength;
	/* A key of fresh random bytes, kept masked from here on. */
	{
		FILE *ur = fopen("/dev/urandom", "rb");
		bool ok = ur && fread(buf->KeyData + ai->KeyOffsetBytes, 1, klen, ur) == klen;

		if (ur)
			fclose(ur);
		if (!ok || eh_mask_key(buf->KeyData + ai->KeyOffsetBytes, masked, mask, klen) != 0)
			return (void)vx_fail(x, "harness: no random key");
	}
	q.buf = buf;
	q.len = len;
	q.handles = &handle_at;
	q.n_handles = 1;
	rc = eh_oid(x->eh, inst, &q);
	h = buf->OffloadHandle;
	st = q.status;
	ipoc_wipe(&b, sizeof(b));
	if (rc != EH_OK)
		return (void)vx_fault(x, rc);
	if (st != NDIS_STATUS_SUCCESS || !h)
		return (void)vx_fail(x, "ADD_SA failed with %s", ndis_status_name(st, sn, sizeof(sn)));
	rc = eh_scan(x->eh, masked, mask, klen, &found, where, sizeof(where));
	if (rc != EH_OK)
		return (void)vx_fault(x, rc);
	if (!found)
		return (void)vx_skip(x, "the key is not in the engine host's memory while its SA "
				     "lives (held elsewhere): nothing to check");
	if (c->p.variant == 1) {
		if (!vx_close(x, inst))
			return;
	} else {
		if (!vx_delete(x, inst, &h, 1, &st))
			return;
		if (st != NDIS_STATUS_SUCCESS)
			return (void)vx_fail(x, "DELETE_SA failed with %s",
					     ndis_status_name(st, sn, sizeof(sn)));
	}
	rc = eh_scan(x->eh, masked, mask, klen, &found, where, sizeof(where));
	if (rc != EH_OK)
		return (void)vx_fault(x, rc);
	if (found)
		vx_fail(x, "after %s, the %u-byte key is still in the engine's memory (%s)",
			c->p.variant == 1 ? "close" : "DELETE_SA", klen, where);
}

#define ROW(i, t, r, b) .id = "sa-" i, .area = "sa", .title = t, .rule = r, .body = b
#define AC &valg_core[1]
#define M(i, v, a, t) { ROW(i, "malformed ADD_SA refused: " t, "R-SA-4..8; PROFILE.md 7, 13, P-1, " \
	"P-2, P-3", malformed), .p = { .alg = a, .family = 4, .variant = v } }

static const struct vcase rows[] = {
	{ ROW("001", "one SA each way: distinct non-NULL handles, traffic flows", "R-SA-2, R-SA-3",
	      add_one), .p = { .family = 4 }, .open = VO_ALG },
	{ ROW("002", "an ADD_SA list of three: every handle written, every SA works", "R-SA-2",
	      add_list), .p = { .alg = AC, .family = 4 } },
	{ ROW("003", "an ADD_SA list with one bad element: SUCCESS, its handle NULL, the others "
	      "work", "R-SA-2; PROFILE.md 16", add_list),
	  .p = { .alg = AC, .family = 4, .variant = 1 } },
	{ ROW("004", "an ADD_SA list of bad elements: a failure, every handle NULL", "R-SA-2; "
	      "PROFILE.md 16", add_list), .p = { .alg = AC, .family = 6, .variant = 2 } },
	{ ROW("005", "ADD_SA_EX: one SA with its key area at KeyOffset", "R-SA-1, R-SA-6", add_ex),
	  .p = { .alg = &valg_core[0], .family = 4 } },
	{ ROW("006", "ADD_SA_EX whose key area runs past the buffer is refused", "R-SA-6; "
	      "PROFILE.md 16", add_ex), .p = { .alg = AC, .family = 4, .variant = 1 } },
	{ ROW("007", "DELETE_SA of one SA: sends on it fail", "R-SA-9; PROFILE.md 17", delete_sa),
	  .p = { .alg = AC, .family = 4 } },
	{ ROW("008", "DELETE_SA of a list of two: both gone", "R-SA-9", delete_sa),
	  .p = { .alg = &valg_core[0], .family = 6, .variant = 1 } },
	{ ROW("009", "DELETE_SA of an unknown handle leaves the live SAs working", "PROFILE.md 17",
	      delete_sa), .p = { .alg = AC, .family = 4, .variant = 2 } },
	{ ROW("010", "UPDATE_SA of the ESN high half of an ESP SA: traffic follows", "R-SA-11; "
	      "RFC 4303 s2.2.1", update_esn), .p = { .alg = AC, .family = 4, .esn = true } },
	{ ROW("011", "UPDATE_SA of the ESN high half of an AEAD ESP SA", "R-SA-11; RFC 4106 s5",
	      update_esn), .p = { .alg = &valg_core[0], .family = 6, .esn = true } },
	{ ROW("012", "UPDATE_SA of the ESN high half of an AH SA", "R-SA-11; RFC 4302 s2.5.1",
	      update_esn), .p = { .alg = &valg_core[4], .family = 4, .esn = true } },
	{ ROW("013", "UPDATE_SA of a bundle's ESP member only", "R-SA-11; R-SA-4", update_esn),
	  .p = { .alg = &valg_core[6], .family = 4, .esn = true, .variant = 0 } },
	{ ROW("014", "UPDATE_SA of a bundle's AH member only", "R-SA-11; R-SA-4", update_esn),
	  .p = { .alg = &valg_core[6], .family = 4, .esn = true, .variant = 1 } },
	{ ROW("015", "UPDATE_SA of an unknown handle: NDIS_STATUS_INVALID_PARAMETER", "R-SA-11",
	      update_bad), .p = { .alg = AC, .family = 4 } },
	{ ROW("016", "UPDATE_SA of an SA without ESN: refused, or no effect", "R-SA-11",
	      update_bad), .p = { .alg = AC, .family = 4, .variant = 1 } },
	{ ROW("017", "SaOffloadCapacity SAs fit, one more does not; a freed slot is reused",
	      "R-CAP-5, R-SA-2; PROFILE.md 16, 18", capacity), .p = { .alg = AC, .family = 4 } },
	{ ROW("018", "algorithms not claimed are refused", "R-SA-2", unclaimed) },
	{ ROW("019", "a key one byte long or short is refused", "PROFILE.md 9", key_lengths),
	  .p = { .family = 4 }, .open = VO_ALG },
	M("020", 0, AC, "header type"), M("021", 1, AC, "header revision"),
	M("022", 2, AC, "header size"), M("023", 3, AC, "no member"),
	M("024", 4, AC, "three members"), M("025", 5, &valg_core[6], "AH before ESP"),
	M("026", 6, AC, "SPI 0"), M("027", 7, AC, "ADD_SA flags"),
	M("028", 8, AC, "SA flags"), M("029", 9, AC, "key offset"),
	M("030", 10, &valg_core[0], "GCM ICV length"), M("031", 11, &valg_core[4], "AH with a cipher"),
	M("032", 12, AC, "two-bit identifier"), M("033", 13, AC, "high order without ESN"),
	{ ROW("034", "ADD_SA in a buffer too short: INVALID_LENGTH and BytesNeeded", "R-SA-13; "
	      "PROFILE.md P-5", short_set), .needs = VN_ESP,
	  .p = { .arg = (int)OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA } },
	{ ROW("035", "DELETE_SA in a buffer too short: INVALID_LENGTH and BytesNeeded", "R-SA-13",
	      short_set), .needs = VN_ESP,
	  .p = { .arg = (int)OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA } },
	{ ROW("036", "IPsecOV2 switched off: reported, and no protected send goes out wrong",
	      "R-CAP-1, R-TX-1; PROFILE.md 2", params_off), .p = { .alg = AC, .family = 4 } },
	{ ROW("037", "keys gone from the engine's memory after DELETE_SA", "ipoc key hygiene "
	      "(DESIGN.md); R-SA-9 \"free any system resources\"", key_wipe),
	  .p = { .alg = AC, .family = 4 } },
	{ ROW("038", "keys gone from the engine's memory after close", "ipoc key hygiene "
	      "(DESIGN.md); R-SA-12", key_wipe), .p = { .alg = &valg_core[0], .variant = 1 } },
	{ ROW("039", "an inbound SA's keys gone after DELETE_SA", "ipoc key hygiene (DESIGN.md)",
	      key_wipe), .p = { .alg = &valg_core[2], .variant = 2 } },
	{ ROW("040", "a deleted SA's handle, its slot reused, names nothing: UPDATE_SA and "
	      "DELETE_SA of it leave the new SA as it was", "R-SA-11; PROFILE.md 17, P-7",
	      stale_handle), .p = { .alg = AC, .family = 4, .esn = true } },
};

const struct vtable vt_sa = { "sa", "IPsecOV2 SA management", rows, sizeof(rows) / sizeof(rows[0]) };
