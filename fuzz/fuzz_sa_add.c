/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sa_add.c - IPsecOV2 SA management from the input: ADD_SA lists,
 * ADD_SA_EX, DELETE_SA lists, UPDATE_SA, and sends naming the handles, on a
 * fresh engine instance per input, opened with a small capacity (1 to 8
 * SAs) the input picks.
 *
 * Input: the capacity, then operations until the input ends (at most 24):
 *   ADD_SA     a list of 1 to 4 elements; each an SA the engine claims
 *              (protocol, algorithms, direction, family, UDP-ESP, ESN taken
 *              from the input among what its capability report holds),
 *              then, when the input says so, broken: a byte of the element
 *              changed, or the buffer cut short (the elements after the
 *              first are reached through Next and NDIS trusts them to hold
 *              their keys: their key areas stay inside the buffer);
 *   ADD_SA_EX  one element, its key area at an offset the input picks;
 *   DELETE_SA  a list of 1 to 4 handles: live, deleted, NULL or made up,
 *              headers broken when the input says so;
 *   UPDATE_SA  of a handle and a member (one of its own or another);
 *   SEND       a well-formed frame for a live or deleted outbound SA;
 *   FILL       ADD_SA of good SAs until the engine says no room.
 * At the end every live SA is deleted in one list, and then the capacity
 * the engine reports must fit again: that many SAs are added, and one more
 * is refused; then the instance is closed.
 *
 * Oracles (the rules of PROFILE.md 16-18 and R-SA-2, R-SA-11):
 *   - an ADD_SA request succeeds exactly when some element got a handle;
 *     every element is judged (its OffloadHandle written: a handle or
 *     NULL); handles are non-NULL, distinct, and not one already live;
 *   - an SA the engine claims, unbroken, is added while there is room, and
 *     never more SAs live than SaOffloadCapacity;
 *   - DELETE_SA of live handles succeeds, and of a deleted, unknown or NULL
 *     one does not; UPDATE_SA succeeds on a live ESN member only;
 *   - no use of a deleted SA: a send naming it fails and puts nothing on
 *     the wire; a send on a live one goes out;
 *   - what the engine holds is what was issued and not deleted: after the
 *     final delete, capacity SAs fit again (a leak of a slot shows here;
 *     leaked memory shows in LeakSanitizer at exit, the instance being
 *     closed per input);
 *   - keys wiped: for one input in 64 (by a hash of the input, so the same
 *     input always does it), an SA with a key drawn from the input is
 *     added, found in this process's memory, deleted, and must then be gone
 *     (the key is kept only masked, harness/host/memscan.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_build.h"
#include "fz.h"
#include "ipoc_alg.h"
#include "sa_build.h"
#include "wipe.h"

enum { MAX_OPS = 24, MAX_LIST = 4, MAX_LIVE = 64, MAX_DEAD = 64, SCAN_EVERY = 64 };

/* An SA the model knows to be live. */
struct live {
	NDIS_HANDLE h;
	struct sa_spec sp;
	bool bundle;
	bool exact;                  /* added unbroken: sp is what the engine holds */
	bool sendable;               /* exact, outbound, no UDP: a frame can go out on it */
};

struct model {
	uint32_t inst;
	uint32_t capacity;           /* SaOffloadCapacity the instance reports */
	struct live live[MAX_LIVE];
	unsigned n_live;
	NDIS_HANDLE dead[MAX_DEAD];
	unsigned n_dead;
	uint32_t next_spi;
	bool bundles;                /* a bundle was ever live: it may count as two */
};

static struct eh *E;
static NDIS_OFFLOAD caps;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	E = fz_engine()->eh;
	caps = fz_engine()->caps;
	return 0;
}

static const char *st_name(NDIS_STATUS st)
{
	return st == NDIS_STATUS_SUCCESS ? "SUCCESS" : st == NDIS_STATUS_RESOURCES ? "RESOURCES"
	       : st == NDIS_STATUS_INVALID_PARAMETER ? "INVALID_PARAMETER"
	       : st == NDIS_STATUS_NOT_SUPPORTED ? "NOT_SUPPORTED"
	       : st == NDIS_STATUS_INVALID_LENGTH ? "INVALID_LENGTH" : "another status";
}

static void oid(struct model *m, struct eh_oid *q, const char *what)
{
	fz_check_rc(eh_oid(E, m->inst, q), E, what);
}

/* ---- the model ---- */

static bool is_live(const struct model *m, NDIS_HANDLE h, unsigned *at)
{
	for (unsigned i = 0; i < m->n_live; i++)
		if (m->live[i].h == h) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

static void forget(struct model *m, unsigned i)
{
	if (m->n_dead < MAX_DEAD)
		m->dead[m->n_dead++] = m->live[i].h;
	m->live[i] = m->live[--m->n_live];
}

static void issued(struct model *m, NDIS_HANDLE h, const struct sa_spec *sp, bool exact,
		   bool sendable)
{
	struct live *l;

	if (!h || is_live(m, h, NULL))
		fz_fault("sa_add: a handle issued twice, or NULL", "%p", h);
	/* An engine may hand a deleted SA's handle value out again. */
	for (unsigned i = 0; i < m->n_dead; i++)
		if (m->dead[i] == h)
			m->dead[i--] = m->dead[--m->n_dead];
	if (m->n_live >= MAX_LIVE || m->n_live >= m->capacity)
		fz_fault("sa_add: more SAs live than SaOffloadCapacity",
			 "%u live, capacity %u", m->n_live + 1, m->capacity);
	l = &m->live[m->n_live++];
	l->h = h;
	l->sp = *sp;
	l->bundle = sp->num == 2;
	l->exact = exact;
	l->sendable = exact && sendable;
	m->bundles |= l->bundle;
}

/* Does a live SA share an SPI with sp (a broken element may have taken
 * one: then refusing sp is the engine's right)? */
static bool spi_taken(const struct model *m, const struct sa_spec *sp)
{
	for (unsigned i = 0; i < m->n_live; i++)
		for (ULONG a = 0; a < m->live[i].sp.num; a++)
			for (ULONG b = 0; b < sp->num; b++)
				if (m->live[i].sp.m[a].spi == sp->m[b].spi || !m->live[i].exact)
					return true;
	return false;
}

/* ---- SAs the engine claims ---- */

static ULONG pick_bit(struct fz_in *in, ULONG mask)
{
	unsigned n = 0, k;

	for (ULONG b = mask; b; b &= b - 1)
		n++;
	if (!n)
		return 0;
	k = fz_below(in, n);
	for (ULONG b = mask; b; b &= b - 1)
		if (k-- == 0)
			return b & -b;
	return 0;
}

/* GMAC rows' bits (the algorithm table's). */
#define GMAC_AUTH ipoc_alg_mask(IPOC_ALG_GMAC)

static void member_esp(struct fz_in *in, struct sa_member *mb)
{
	ULONG enc = pick_bit(in, caps.IPsecV2.EncryptionAlgorithms);
	ULONG auth;

	mb->op = IPsecOffloadV2Esp;
	if (ipoc_alg_enc(enc) && ipoc_alg_enc(enc)->kind == IPOC_ALG_AEAD) {
		/* one of the row's ICV lengths, shortest first */
		const struct ipoc_alg *a = ipoc_alg_enc(enc);
		ULONG icv[32], n = 0;

		for (ULONG v = 0; v < 32; v++)
			if (ipoc_alg_icv_ok(a, v))
				icv[n++] = v;
		mb->enc.id = enc;
		mb->enc.key_len = sa_enc_key_len(enc);
		mb->enc.add_info = icv[fz_below(in, n)];
		return;
	}
	/* With a cipher, HMAC (GMAC goes with NULL encryption only); without
	 * one, any authentication; never neither (RFC 4303 s3.2). */
	auth = pick_bit(in, caps.IPsecV2.AuthenticationAlgorithms &
			(enc && !ipoc_alg_is_null(ipoc_alg_enc(enc)) ? ~(ULONG)GMAC_AUTH : ~0u));
	if (!auth) {
		/* nothing claimed goes with it: NULL encryption and any MAC */
		enc = caps.IPsecV2.EncryptionAlgorithms & ipoc_alg_null()->ndis;
		auth = pick_bit(in, caps.IPsecV2.AuthenticationAlgorithms);
	}
	if (enc) {
		mb->enc.id = enc;
		mb->enc.key_len = sa_enc_key_len(enc);
	}
	mb->auth.id = auth;
	mb->auth.key_len = sa_auth_key_len(auth);
}

static void member_ah(struct fz_in *in, struct sa_member *mb)
{
	mb->op = IPsecOffloadV2Ah;
	mb->auth.id = pick_bit(in, caps.IPsecV2.AuthenticationAlgorithms);
	mb->auth.key_len = sa_auth_key_len(mb->auth.id);
}

/* An SA whose one algorithm the report leaves out (known to the profile,
 * not claimed), when the report leaves one out; false if it claims all. */
static bool unclaimed_spec(struct fz_in *in, struct sa_spec *s)
{
	const NDIS_IPSEC_OFFLOAD_V2 *c = &caps.IPsecV2;
	ULONG ua = ~c->AuthenticationAlgorithms & 0x3Fu, ue = ~c->EncryptionAlgorithms & 0x1FFu;
	struct sa_member *mb = &s->m[0];

	memset(mb, 0, sizeof(*mb));
	s->num = 1;
	if (ua && (c->Ah || c->Esp)) {
		mb->op = c->Ah && (!c->Esp || fz_bool(in)) ? IPsecOffloadV2Ah : IPsecOffloadV2Esp;
		mb->auth.id = pick_bit(in, ua);
		mb->auth.key_len = sa_auth_key_len(mb->auth.id);
		return true;
	}
	if (ue && c->Esp) {
		mb->op = IPsecOffloadV2Esp;
		mb->enc.id = pick_bit(in, ue);
		mb->enc.key_len = sa_enc_key_len(mb->enc.id);
		if (ipoc_alg_enc(mb->enc.id) && ipoc_alg_enc(mb->enc.id)->kind == IPOC_ALG_AEAD) {
			mb->enc.add_info = ipoc_alg_enc(mb->enc.id)->icv_len;
		} else {
			mb->auth.id = pick_bit(in, c->AuthenticationAlgorithms & ~(ULONG)GMAC_AUTH);
			mb->auth.key_len = sa_auth_key_len(mb->auth.id);
		}
		return true;
	}
	return false;
}

/* An SA the engine's report claims, from the input (*unclaimed false), or
 * now and then one it does not (*unclaimed true: it must be refused);
 * *sendable when a frame can be sent on it (outbound, no UDP-ESP). */
static void good_spec(struct model *m, struct fz_in *in, struct sa_spec *s, bool *sendable,
		      bool *unclaimed)
{
	uint8_t b = fz_u8(in);
	const NDIS_IPSEC_OFFLOAD_V2 *c = &caps.IPsecV2;
	unsigned kind = fz_below(in, 3);   /* 0 ESP, 1 AH, 2 ESP+AH */

	memset(s, 0, sizeof(*s));
	if (kind == 2 && !(c->AhEspCombined && c->Ah && c->Esp))
		kind = 0;
	if (kind == 1 && !c->Ah)
		kind = 0;
	if (kind == 0 && !c->Esp)
		kind = 1;
	*unclaimed = (b & 0x80) && unclaimed_spec(in, s);
	if (*unclaimed) {
		kind = s->m[0].op == IPsecOffloadV2Ah ? 1 : 0;
	} else {
		s->num = kind == 2 ? 2 : 1;
		if (kind != 1)
			member_esp(in, &s->m[0]);
		else
			member_ah(in, &s->m[0]);
		if (kind == 2)
			member_ah(in, &s->m[1]);
	}
	for (ULONG i = 0; i < s->num; i++) {
		s->m[i].spi = fb_spi_ndis(0x1000u + m->next_spi++);
		if (c->ExtendedSequenceNumbers && (b & (8u << i))) {
			s->m[i].flags = IPSEC_OFFLOAD_V2_ESN_SA;
			s->m[i].esn_high = b & 0x40 ? fz_u32(in) : 0;
		}
	}
	if (b & 1)
		s->flags |= IPSEC_OFFLOAD_V2_INBOUND;
	if ((b & 2) && c->IPv6Supported) {
		struct fb_level l;

		s->flags |= IPSEC_OFFLOAD_V2_IPv6;
		fb_level_std(&l, 6, 0, false);
		memcpy(s->src, l.src, 16);
		memcpy(s->dst, l.dst, 16);
	} else {
		sa_spec_v4(s, 0x0A000001u, 0x0A000002u);
	}
	if ((b & 4) && kind == 0 && c->UdpEsp)
		s->udp_esp = pick_bit(in, c->UdpEsp & 0xF);
	*sendable = !(s->flags & IPSEC_OFFLOAD_V2_INBOUND) && !s->udp_esp;
}

/* ---- ADD_SA, ADD_SA_EX ---- */

/* Break one byte of [p, p + n) when the input says so; true if it did. */
static bool break_bytes(struct fz_in *in, uint8_t *p, uint32_t n)
{
	uint8_t how = fz_u8(in);
	uint32_t at;

	if ((how & 3) != 0 || n == 0)
		return false;
	at = fz_below(in, n);
	p[at] ^= (uint8_t)(fz_u8(in) | 1);
	return true;
}

static void op_add(struct model *m, struct fz_in *in)
{
	static uint64_t buf[MAX_LIST * SA_BUF_BYTES / 8];
	IPSEC_OFFLOAD_V2_ADD_SA *a[MAX_LIST];
	struct sa_spec sp[MAX_LIST];
	bool good[MAX_LIST], send_ok[MAX_LIST], outside[MAX_LIST];
	uint32_t off[MAX_LIST], relocs[MAX_LIST], handles[MAX_LIST], len = 0, room;
	unsigned n = 1 + fz_below(in, MAX_LIST), got = 0, before = m->n_live;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, buf };
	static const NDIS_HANDLE unjudged = (NDIS_HANDLE)(uintptr_t)0x5A5A0BADu;
	bool cut = false;

	memset(buf, 0, sizeof(buf));
	for (unsigned k = 0; k < n; k++) {
		struct sa_buf b;
		uint32_t el;

		good_spec(m, in, &sp[k], &send_ok[k], &outside[k]);
		a[k] = (IPSEC_OFFLOAD_V2_ADD_SA *)((uint8_t *)buf + len);
		off[k] = len;
		sa_build_add(&b, &sp[k], &el);
		memcpy(a[k], b.w, el);
		ipoc_wipe(&b, sizeof(b));
		good[k] = !break_bytes(in, (uint8_t *)a[k], el);
		if (k > 0) {
			/* NDIS trusts a later element to hold its keys */
			uint32_t most = sizeof(buf) - off[k] -
					(uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData);

			if (a[k]->KeyLength > most)
				a[k]->KeyLength = most;
		}
		len += (el + 15) / 16 * 16;
	}
	for (unsigned k = 0; k < n; k++) {
		a[k]->Next = k + 1 < n ? a[k + 1] : NULL;
		a[k]->OffloadHandle = unjudged;
		relocs[k] = off[k] + (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next);
		handles[k] = off[k] + (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	}
	if ((fz_u8(in) & 7) == 0) {
		uint32_t first = n > 1 ? off[1] : len;

		/* cut short: only the first element's key area is bounded by it */
		len = fz_below(in, first + 1);
		cut = true;
		for (unsigned k = 0; k < n; k++)
			good[k] = false;
	}
	q.len = len;
	q.relocs = relocs;
	q.handles = handles;
	/* only the links and handles inside what is sent */
	while (q.n_relocs < n && relocs[q.n_relocs] + sizeof(void *) <= len)
		q.n_relocs++;
	while (q.n_handles < n && handles[q.n_handles] + sizeof(void *) <= len)
		q.n_handles++;
	oid(m, &q, "ADD_SA");
	room = m->capacity > before ? m->capacity - before : 0;
	for (unsigned k = 0; k < n; k++) {
		NDIS_HANDLE h = a[k]->OffloadHandle;

		if (cut && len < handles[k] + sizeof(h)) {
			continue;           /* the handle is not in the buffer */
		}
		if (h == unjudged) {
			if (q.status != NDIS_STATUS_SUCCESS && cut)
				continue;   /* refused as a whole before any element */
			if (q.status == NDIS_STATUS_INVALID_LENGTH)
				continue;
			fz_fault("sa_add: an ADD_SA element left unjudged (OffloadHandle not written)",
				 "element %u of %u, request %s", k, n, st_name(q.status));
		}
		if (h && outside[k] && good[k])
			fz_fault("sa_add: an SA with an algorithm the report leaves out added",
				 "element %u of %u", k, n);
		if (h) {
			issued(m, h, &sp[k], good[k], send_ok[k]);
			got++;
		} else if (good[k] && !outside[k] && got < room && !m->bundles &&
			   !spi_taken(m, &sp[k])) {
			fz_fault("sa_add: an SA the engine claims refused while there is room",
				 "element %u of %u: request %s, %u live of %u", k, n,
				 st_name(q.status), before + got, m->capacity);
		}
	}
	if ((q.status == NDIS_STATUS_SUCCESS) != (got > 0))
		fz_fault(got ? "sa_add: a handle written but the ADD_SA request failed"
			 : "sa_add: ADD_SA succeeded without a handle", "%u handles, %s", got,
			 st_name(q.status));
	if (got == 0 && room == 0 && good[0] && !outside[0] && q.status != NDIS_STATUS_RESOURCES)
		fz_fault("sa_add: ADD_SA with no room did not say RESOURCES", "%s",
			 st_name(q.status));
	ipoc_wipe(buf, sizeof(buf));
}

static void op_add_ex(struct model *m, struct fz_in *in)
{
	struct sa_buf b;
	struct sa_spec sp;
	bool send_ok, good, outside;
	uint32_t len, koff = NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1 + fz_below(in, 64);
	IPSEC_OFFLOAD_V2_ADD_SA_EX *a;
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, OffloadHandle);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX };
	static const NDIS_HANDLE unjudged = (NDIS_HANDLE)(uintptr_t)0x5A5A0BADu;
	bool room = m->n_live < m->capacity;

	good_spec(m, in, &sp, &send_ok, &outside);
	a = sa_build_add_ex(&b, &sp, koff, &len);
	good = !break_bytes(in, (uint8_t *)a, len);
	a->OffloadHandle = unjudged;
	if ((fz_u8(in) & 7) == 0) {
		len = fz_below(in, len + 1);
		good = false;
	}
	q.buf = a;
	q.len = len;
	q.handles = &handle_at;
	q.n_handles = 1;
	oid(m, &q, "ADD_SA_EX");
	if (q.status == NDIS_STATUS_SUCCESS) {
		if (len < handle_at + sizeof(NDIS_HANDLE) || a->OffloadHandle == unjudged)
			fz_fault("sa_add: ADD_SA_EX succeeded without a handle", "%u bytes", len);
		if (outside && good)
			fz_fault("sa_add: an SA with an algorithm the report leaves out added",
				 "ADD_SA_EX");
		issued(m, a->OffloadHandle, &sp, good, send_ok);
	} else if (len >= handle_at + sizeof(NDIS_HANDLE) && a->OffloadHandle &&
		   a->OffloadHandle != unjudged) {
		fz_fault("sa_add: a handle written but the ADD_SA_EX request failed", "%s",
			 st_name(q.status));
	} else if (good && !outside && room && !m->bundles && !spi_taken(m, &sp)) {
		fz_fault("sa_add: an SA the engine claims refused while there is room",
			 "ADD_SA_EX: %s, %u live of %u", st_name(q.status), m->n_live, m->capacity);
	}
	ipoc_wipe(&b, sizeof(b));
}

/* ---- DELETE_SA, UPDATE_SA ---- */

/* A handle from the input: live, deleted, NULL or made up. */
static NDIS_HANDLE pick_handle(const struct model *m, struct fz_in *in)
{
	uint8_t b = fz_u8(in);

	switch (b & 3) {
	case 0:
	case 1:
		if (m->n_live)
			return m->live[(b >> 2) % m->n_live].h;
		/* fall through */
	case 2:
		if (m->n_dead)
			return m->dead[(b >> 2) % m->n_dead];
		/* fall through */
	default:
		return (b >> 2) & 1 ? NULL : (NDIS_HANDLE)(uintptr_t)(0x7E570000u | (b >> 3));
	}
}

/* DELETE_SA of h[0..n); bad[i]: element i's header broken. Returns the
 * status. */
_Static_assert((int)MAX_LIVE <= (int)EH_DELETE_MAX, "a DELETE_SA list holds every live SA");

static NDIS_STATUS delete_list(struct model *m, const NDIS_HANDLE *h, const bool *bad, unsigned n)
{
	struct eh_delete_list dl;
	struct eh_oid q;

	if (eh_delete_sa_list(&dl, h, n, &q) != 0)
		return NDIS_STATUS_INVALID_PARAMETER;
	for (unsigned i = 0; bad && i < n; i++)
		if (bad[i])
			dl.d[i].Header.Type ^= 0x01;
	oid(m, &q, "DELETE_SA");
	return q.status;
}

static void op_delete(struct model *m, struct fz_in *in)
{
	NDIS_HANDLE h[MAX_LIST], probe[MAX_LIST];
	bool bad[MAX_LIST], all_good = true;
	unsigned n = 1 + fz_below(in, MAX_LIST), n_probe = 0, at;
	NDIS_STATUS st;

	for (unsigned i = 0; i < n; i++) {
		h[i] = pick_handle(m, in);
		bad[i] = (fz_u8(in) & 15) == 0;
	}
	/* The list as the engine must take it, element by element. */
	for (unsigned i = 0; i < n; i++) {
		bool dup = false;

		for (unsigned j = 0; j < i; j++)
			dup |= h[j] == h[i];
		if (bad[i] || dup || !is_live(m, h[i], NULL))
			all_good = false;
	}
	st = delete_list(m, h, bad, n);
	if (all_good && st != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: DELETE_SA of live SAs failed", "%u handles: %s", n, st_name(st));
	if (!all_good && st == NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: DELETE_SA naming a deleted, unknown or NULL SA succeeded",
			 "%u handles", n);
	for (unsigned i = 0; i < n; i++) {
		if (!is_live(m, h[i], &at))
			continue;
		if (bad[i]) {
			/* Whether an element with a broken header deletes its SA is
			 * the engine's choice: ask it with a good DELETE_SA below. */
			bool dup = false;

			for (unsigned j = 0; j < n_probe; j++)
				dup |= probe[j] == h[i];
			if (!dup)
				probe[n_probe++] = h[i];
			continue;
		}
		forget(m, at);
	}
	for (unsigned i = 0; i < n_probe; i++)
		if (is_live(m, probe[i], &at)) {
			delete_list(m, &probe[i], NULL, 1);
			forget(m, at);
		}
}

static void op_update(struct model *m, struct fz_in *in)
{
	IPSEC_OFFLOAD_V2_UPDATE_SA u;
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, OffloadHandle);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u };
	uint8_t b = fz_u8(in);
	unsigned at;
	bool live, esn_member = false;

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = sizeof(u);
	u.OffloadHandle = pick_handle(m, in);
	u.SequenceNumberHighOrder = fz_u32(in);
	live = is_live(m, u.OffloadHandle, &at);
	if (live && !(b & 4)) {
		const struct sa_member *mb = &m->live[at].sp.m[(b >> 3) % m->live[at].sp.num];

		u.Operation = (IPSEC_OFFLOAD_V2_OPERATION)mb->op;
		u.Spi = mb->spi;
		esn_member = (mb->flags & IPSEC_OFFLOAD_V2_ESN_SA) != 0;
	} else {
		u.Operation = (IPSEC_OFFLOAD_V2_OPERATION)(1 + (b >> 3) % 2);
		u.Spi = fz_u32(in);
		if (live)
			for (ULONG i = 0; i < m->live[at].sp.num; i++)
				if (m->live[at].sp.m[i].spi == u.Spi &&
				    m->live[at].sp.m[i].op == (ULONG)u.Operation)
					esn_member = (m->live[at].sp.m[i].flags & IPSEC_OFFLOAD_V2_ESN_SA) != 0;
	}
	if (b & 0x40) {
		u.Header.Type ^= 0x01;   /* the header broken */
		esn_member = false;
	}
	q.len = sizeof(u);
	q.handles = &handle_at;
	q.n_handles = 1;
	oid(m, &q, "UPDATE_SA");
	if (live && !m->live[at].exact)
		return;     /* what its members are is not known for sure: no oracle */
	if (live && esn_member && q.status != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: UPDATE_SA of a live ESN SA failed", "%s", st_name(q.status));
	if (!(live && esn_member) && q.status == NDIS_STATUS_SUCCESS)
		fz_fault(live ? "sa_add: UPDATE_SA of a member without ESN, or of none, succeeded"
			 : "sa_add: UPDATE_SA of a deleted, unknown or NULL SA succeeded", "%p",
			 u.OffloadHandle);
}

/* ---- sends ---- */

static bool frame_for(const struct sa_spec *sp, struct fb_frame *f)
{
	static struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = 1;
	fb_level_std(&fs.lv[0], sp->flags & IPSEC_OFFLOAD_V2_IPv6 ? 6 : 4, 0, false);
	fb_sa_from_spec(sp, 1, &fs.lv[0].sa);
	fs.upper = FB_UDP;
	fs.payload_len = 40;
	return fb_build(&fs, f) == 0;
}

static void op_send(struct model *m, struct fz_in *in)
{
	static struct fb_frame f;
	uint8_t b = fz_u8(in);
	const struct sa_spec *sp = NULL;
	NDIS_HANDLE h = NULL;
	bool live;
	struct eh_nb_in nb;
	struct eh_nbl_in nbl;
	struct eh_io_in io;
	const struct eh_io_out *o;

	/* a deleted SA (its spec kept aside), or a live sendable one */
	if ((b & 1) && m->n_dead) {
		h = m->dead[(b >> 1) % m->n_dead];
	} else {
		for (unsigned i = 0; i < m->n_live; i++) {
			const struct live *l = &m->live[(i + (b >> 1)) % m->n_live];

			if (l->sendable) {
				h = l->h;
				sp = &l->sp;
				break;
			}
		}
		if (!h)
			return;
	}
	live = is_live(m, h, NULL);
	if (!sp) {
		/* a frame any outbound ESP SA would take: for a deleted SA, the
		 * frame does not matter, only that nothing goes out */
		static struct sa_spec any;

		any = sa_spec_esp(0x01020304u, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
				  IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
		sp = &any;
	}
	if (!frame_for(sp, &f))
		return;
	memset(&nb, 0, sizeof(nb));
	memset(&nbl, 0, sizeof(nbl));
	nb.data = f.b;
	nb.len = f.len;
	nbl.nbs = &nb;
	nbl.n_nb = 1;
	nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)h;
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = f.hdr_info;
	memset(&io, 0, sizeof(io));
	io.nbls = &nbl;
	io.n_nbl = 1;
	io.guard = IPOC_NBL_GUARD_TAIL;
	io.writable_slots = EH_SEND_WRITABLE;
	fz_check_rc(eh_send(E, m->inst, &io, &o), E, "send");
	fz_check_nbl(o, 0, "send");
	if (!live && (o->nbls[0].status == NDIS_STATUS_SUCCESS || o->n_tx))
		fz_fault("sa_add: a send on a deleted SA went out", "status %s, %u frames",
			 st_name(o->nbls[0].status), o->n_tx);
	if (live && (o->nbls[0].status != NDIS_STATUS_SUCCESS || o->n_tx != 1))
		fz_fault("sa_add: a send on a live SA did not go out", "status %s, %u frames",
			 st_name(o->nbls[0].status), o->n_tx);
}

/* ---- capacity ---- */

/* ADD_SA of good ESP SAs one at a time until refused; the number added. */
static unsigned fill(struct model *m, unsigned most)
{
	unsigned added = 0;

	while (added < most) {
		struct sa_buf b;
		struct sa_spec sp;
		uint32_t len;
		bool send_ok, outside;
		static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
		struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };
		struct fz_in none = { NULL, 0 };
		IPSEC_OFFLOAD_V2_ADD_SA *a;

		good_spec(m, &none, &sp, &send_ok, &outside);
		a = sa_build_add(&b, &sp, &len);
		q.buf = a;
		q.len = len;
		q.handles = &handle_at;
		q.n_handles = 1;
		oid(m, &q, "ADD_SA");
		if (q.status != NDIS_STATUS_SUCCESS) {
			if (q.status != NDIS_STATUS_RESOURCES)
				fz_fault("sa_add: an SA the engine claims refused other than for room",
					 "%s, %u live of %u", st_name(q.status), m->n_live, m->capacity);
			if (a->OffloadHandle)
				fz_fault("sa_add: a handle written but the ADD_SA request failed", "%s",
					 st_name(q.status));
			break;
		}
		issued(m, a->OffloadHandle, &sp, true, send_ok);
		added++;
	}
	return added;
}

static void op_fill(struct model *m)
{
	unsigned before = m->n_live, added = fill(m, m->capacity + 1);

	if (before + added < m->capacity && !m->bundles)
		fz_fault("sa_add: fewer SAs fit than SaOffloadCapacity",
			 "%u live before, %u more added, capacity %u", before, added, m->capacity);
}

/* ---- keys wiped ---- */

static uint64_t hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void key_wipe(struct model *m, uint64_t h)
{
	struct sa_buf b;
	struct sa_spec sp;
	uint32_t len, klen;
	uint8_t masked[32], mask[32];
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };
	NDIS_HANDLE sa;
	bool found;
	char where[512];
	unsigned at;

	if (m->n_live >= m->capacity ||
	    !(caps.IPsecV2.EncryptionAlgorithms & IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256) ||
	    !(caps.IPsecV2.AuthenticationAlgorithms & IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256))
		return;
	sp = sa_spec_esp(fb_spi_ndis(0x7000u + m->next_spi++), IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256,
			 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256);
	a = sa_build_add(&b, &sp, &len);
	klen = a->SecAssoc[0].EncryptionAlgorithm.KeyLength;
	if (klen > sizeof(masked))
		klen = sizeof(masked);
	/* 32 key bytes from the input's hash, kept masked from here on */
	for (uint32_t i = 0; i < klen; i++) {
		h = h * 6364136223846793005ull + 1442695040888963407ull;
		a->KeyData[a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes + i] = (uint8_t)(h >> 56);
	}
	h = 0;
	if (eh_mask_key(a->KeyData + a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes, masked,
			mask, klen) != 0)
		fz_fault("harness: no random mask", "%u", klen);
	q.buf = a;
	q.len = len;
	q.handles = &handle_at;
	q.n_handles = 1;
	oid(m, &q, "ADD_SA");
	sa = a->OffloadHandle;
	ipoc_wipe(&b, sizeof(b));
	if (q.status != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: an SA the engine claims refused while there is room", "%s",
			 st_name(q.status));
	issued(m, sa, &sp, true, false);
	fz_check_rc(eh_scan(E, masked, mask, klen, &found, where, sizeof(where)), E, "scan");
	if (!found)
		return;     /* held elsewhere (a device): nothing to check here */
	if (delete_list(m, &sa, NULL, 1) != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: DELETE_SA of live SAs failed", "the key's SA");
	if (is_live(m, sa, &at))
		forget(m, at);
	fz_check_rc(eh_scan(E, masked, mask, klen, &found, where, sizeof(where)), E, "scan");
	if (found)
		fz_fault("sa_add: a deleted SA's key still in memory", "%u-byte key in %s", klen,
			 where);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model m;
	struct fz_in in = { data, size };
	struct ipoc_open_params p = { sizeof(p), 1 + fz_below(&in, 8), 0, 0 };
	struct eh_oid cq = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
	NDIS_OFFLOAD cur;
	NDIS_STATUS st;
	NDIS_HANDLE all[MAX_LIVE];
	unsigned n;

	memset(&m, 0, sizeof(m));
	eh_mark(E);   /* the host keeps this input's requests only */
	fz_check_rc(eh_open(E, &p, &st, &m.inst), E, "open");
	if (st != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: open with a small capacity failed", "capacity %u",
			 p.sa_offload_capacity);
	cq.buf = &cur;
	cq.len = sizeof(cur);
	oid(&m, &cq, "OID_TCP_OFFLOAD_CURRENT_CONFIG");
	m.capacity = cur.IPsecV2.SaOffloadCapacity;
	if (cq.status != NDIS_STATUS_SUCCESS || m.capacity == 0 || m.capacity > MAX_LIVE)
		fz_fault("sa_add: SaOffloadCapacity is not what the open asked for",
			 "asked %u, reported %u", p.sa_offload_capacity, m.capacity);
	for (unsigned k = 0; k < MAX_OPS && fz_left(&in); k++) {
		switch (fz_below(&in, 6)) {
		case 0: op_add(&m, &in); break;
		case 1: op_add_ex(&m, &in); break;
		case 2: op_delete(&m, &in); break;
		case 3: op_update(&m, &in); break;
		case 4: op_send(&m, &in); break;
		default: op_fill(&m); break;
		}
	}
	if (hash(data, size) % SCAN_EVERY == 0)
		key_wipe(&m, hash(data, size) | 1);
	/* Everything issued is deleted, and the capacity fits again. */
	n = m.n_live;
	for (unsigned i = 0; i < n; i++)
		all[i] = m.live[i].h;
	if (n && (st = delete_list(&m, all, NULL, n)) != NDIS_STATUS_SUCCESS)
		fz_fault("sa_add: DELETE_SA of live SAs failed", "%u handles: %s", n, st_name(st));
	while (m.n_live)
		forget(&m, 0);
	m.bundles = false;
	n = fill(&m, m.capacity + 1);
	if (n != m.capacity)
		fz_fault(n < m.capacity ? "sa_add: after deleting every SA, fewer than "
			 "SaOffloadCapacity fit" : "sa_add: more SAs live than SaOffloadCapacity",
			 "%u fit, capacity %u", n, m.capacity);
	fz_check_rc(eh_close(E, m.inst), E, "close");
	return 0;
}
