/* SPDX-License-Identifier: MIT */
/*
 * vctx.c - see vctx.h.
 *
 * Implementation notes. The case's generator is splitmix64 seeded from the
 * FNV-1a hash of the case id. Keys do not come from that stream but from a
 * hash of (case id, key number, member, algorithm), so that an inbound and
 * an outbound SA built with the same key number get the same keys in
 * whatever order a body builds them. Every buffer that held keys is wiped
 * before it goes out of scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "vctx.h"
#include "vrepro.h"
#include "wipe.h"

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t vx_rand(struct vctx *x)
{
	return (uint32_t)(splitmix(&x->rng) >> 32);
}

void vx_fill(struct vctx *x, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)vx_rand(x);
}

/* ---- verdicts ---- */

bool vx_ok(const struct vctx *x)
{
	return x->r.v == V_PASSED;
}

__attribute__((format(printf, 3, 0)))
static bool set(struct vctx *x, enum verdict v, const char *fmt, va_list ap)
{
	if (x->r.v != V_PASSED)
		return false;
	x->r.v = v;
	vsnprintf(x->r.why, sizeof(x->r.why), fmt, ap);
	vr_note_verdict(x->log);
	return false;
}

bool vx_fail(struct vctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(x, V_FAILED, fmt, ap);
	va_end(ap);
	return false;
}

bool vx_skip(struct vctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(x, V_SKIPPED, fmt, ap);
	va_end(ap);
	return false;
}

bool vx_fault(struct vctx *x, enum eh_rc rc)
{
	char f[256];

	if (x->r.v != V_PASSED)
		return false;
	if (rc == EH_ERROR)
		return vx_fail(x, "harness: %s", eh_error(x->eh));
	x->r.v = verdict_of_rc(rc);
	snprintf(x->r.why, sizeof(x->r.why), "%s", eh_fault_text(x->eh, f, sizeof(f)));
	vr_note_verdict(x->log);
	x->n_inst = 0;   /* they went with the process */
	return false;
}

void vx_allowed(struct vctx *x, const char *point)
{
	if (!x->r.allowed[0])
		snprintf(x->r.allowed, sizeof(x->r.allowed), "%s", point);
}

/* ---- instances ---- */

uint32_t vx_open(struct vctx *x, const struct ipoc_open_params *p)
{
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	uint32_t inst = UINT32_MAX;
	enum eh_rc rc;
	char sn[48];

	if (!vx_ok(x))
		return UINT32_MAX;
	if (x->n_inst == VX_MAX_INST) {
		vx_fail(x, "harness: more than %u engine instances in one case", VX_MAX_INST);
		return UINT32_MAX;
	}
	rc = eh_open(x->eh, p, &st, &inst);
	if (rc != EH_OK) {
		vx_fault(x, rc);
		return UINT32_MAX;
	}
	if (st != NDIS_STATUS_SUCCESS || inst == UINT32_MAX) {
		vx_fail(x, "open failed with %s", st == NDIS_STATUS_SUCCESS ? "success but no "
			"instance" : ndis_status_name(st, sn, sizeof(sn)));
		return UINT32_MAX;
	}
	x->inst[x->n_inst++] = inst;
	return inst;
}

uint32_t vx_ref_open(struct vctx *x)
{
	struct ipoc_open_params p = { sizeof(p), 64, IPOC_OPEN_IGNORE_PARAMETERS, 0 };
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	uint32_t inst = UINT32_MAX;

	if (!vx_ok(x))
		return UINT32_MAX;
	if (x->n_rinst == VX_MAX_INST || eh_open(x->ref, &p, &st, &inst) != EH_OK ||
	    st != NDIS_STATUS_SUCCESS) {
		vx_fail(x, "harness: the reference engine did not open");
		return UINT32_MAX;
	}
	x->rinst[x->n_rinst++] = inst;
	return inst;
}

/* Close a reference instance the case opened. */
static void ref_close(struct vctx *x, uint32_t r)
{
	for (unsigned i = 0; i < x->n_rinst; i++) {
		if (x->rinst[i] == r) {
			x->rinst[i] = x->rinst[--x->n_rinst];
			eh_close(x->ref, r);
			return;
		}
	}
}

bool vx_close(struct vctx *x, uint32_t inst)
{
	enum eh_rc rc;

	for (unsigned i = 0; i < x->n_inst; i++) {
		if (x->inst[i] != inst)
			continue;
		x->inst[i] = x->inst[--x->n_inst];
		rc = eh_close(x->eh, inst);
		return rc == EH_OK ? true : vx_fault(x, rc);
	}
	return vx_fail(x, "harness: closing an instance the case did not open");
}

/* ---- SAs ---- */

void vx_spec(struct vctx *x, const struct valg *a, const struct fb_level *l, bool inbound,
	     enum vudp udp, bool esn, struct sa_spec *out)
{
	memset(out, 0, sizeof(*out));
	out->num = a->n;
	out->flags = (inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0) |
		     (l->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0);
	out->udp_esp = udp;
	memcpy(out->src, l->src, 16);
	memcpy(out->dst, l->dst, 16);
	for (uint32_t i = 0; i < a->n; i++) {
		const struct vmember *v = &a->m[i];
		struct sa_member *m = &out->m[i];

		m->op = v->op;
		m->spi = fb_spi_ndis(x->next_spi++);
		if (esn) {
			m->flags = IPSEC_OFFLOAD_V2_ESN_SA;
			m->esn_high = 0x00000007u;
		}
		if (v->enc) {
			m->enc.id = v->enc;
			m->enc.key_len = sa_enc_key_len(v->enc);
			m->enc.add_info = v->icv;
		}
		if (v->auth) {
			m->auth.id = v->auth;
			m->auth.key_len = sa_auth_key_len(v->auth);
		}
	}
}

struct sa_spec vx_reverse(const struct sa_spec *sp)
{
	struct sa_spec r = *sp;

	r.flags ^= IPSEC_OFFLOAD_V2_INBOUND;
	return r;
}

/* The key of (case, key, member, which) into p. */
void vx_key(const struct vctx *x, uint32_t key, uint32_t member, uint32_t which, uint8_t *p,
	    uint32_t n)
{
	uint64_t s = 0xcbf29ce484222325ull;

	for (const char *c = x->c ? x->c->id : ""; *c; c++)
		s = (s ^ (uint8_t)*c) * 0x100000001b3ull;
	s ^= (uint64_t)key << 32 ^ (uint64_t)member << 8 ^ which;
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)splitmix(&s);
}

IPSEC_OFFLOAD_V2_ADD_SA *vx_add_buf(struct vctx *x, struct sa_buf *b, const struct sa_spec *sp,
				    uint32_t key, uint32_t *len)
{
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(b, sp, len);

	vr_note_sa(x->log, sp, key);
	for (ULONG i = 0; i < sp->num && i < 2; i++) {
		const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *e = &a->SecAssoc[i].EncryptionAlgorithm;
		const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *u = &a->SecAssoc[i].AuthenticationAlgorithm;

		if (e->KeyLength)
			vx_key(x, key, i, 1, a->KeyData + e->KeyOffsetBytes, e->KeyLength);
		if (u->KeyLength)
			vx_key(x, key, i, 2, a->KeyData + u->KeyOffsetBytes, u->KeyLength);
	}
	return a;
}

static bool add_on(struct vctx *x, struct eh *eh, uint32_t inst, const struct sa_spec *sp,
		   uint32_t key, NDIS_STATUS *st, NDIS_HANDLE *h)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = vx_add_buf(x, &b, sp, key, &len);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len };
	enum eh_rc rc;

	q.handles = &handle_at;
	q.n_handles = 1;
	rc = eh_oid(eh, inst, &q);
	*h = rc == EH_OK ? a->OffloadHandle : NULL;
	*st = rc == EH_OK ? q.status : NDIS_STATUS_FAILURE;
	ipoc_wipe(&b, sizeof(b));
	if (rc != EH_OK)
		return eh == x->eh ? vx_fault(x, rc) : vx_fail(x, "harness: reference ADD_SA");
	return true;
}

bool vx_add(struct vctx *x, uint32_t inst, const struct sa_spec *sp, uint32_t key,
	    NDIS_STATUS *st, NDIS_HANDLE *h)
{
	*h = NULL;
	*st = NDIS_STATUS_FAILURE;
	return vx_ok(x) && add_on(x, x->eh, inst, sp, key, st, h);
}

bool vx_add_ok(struct vctx *x, uint32_t inst, const struct sa_spec *sp, uint32_t key,
	       NDIS_HANDLE *h)
{
	NDIS_STATUS st;
	char sn[48];

	if (!vx_add(x, inst, sp, key, &st, h))
		return false;
	if (st == NDIS_STATUS_SUCCESS && *h)
		return true;
	if (st == NDIS_STATUS_SUCCESS)
		return vx_fail(x, "ADD_SA succeeded with a NULL OffloadHandle");
	return vx_fail(x, "%sADD_SA failed with %s (engine: %.300s)",
		       st == NDIS_STATUS_NOT_SUPPORTED ? "capability honesty: the engine claims "
		       "what the SA needs, yet " : "", ndis_status_name(st, sn, sizeof(sn)),
		       eh_last_log(x->eh));
}

bool vx_ref_add(struct vctx *x, uint32_t rinst, const struct sa_spec *sp, uint32_t key,
		NDIS_HANDLE *h)
{
	NDIS_STATUS st;

	if (!vx_ok(x) || !add_on(x, x->ref, rinst, sp, key, &st, h))
		return false;
	if (st != NDIS_STATUS_SUCCESS)
		return vx_fail(x, "harness: the reference engine refused an SA (%s)",
			       eh_last_log(x->ref));
	return true;
}

bool vx_oid(struct vctx *x, uint32_t inst, struct eh_oid *q)
{
	enum eh_rc rc;

	if (!vx_ok(x))
		return false;
	rc = eh_oid(x->eh, inst, q);
	return rc == EH_OK ? true : vx_fault(x, rc);
}

bool vx_delete(struct vctx *x, uint32_t inst, const NDIS_HANDLE *h, unsigned n, NDIS_STATUS *st)
{
	struct eh_delete_list dl;
	struct eh_oid q;

	if (eh_delete_sa_list(&dl, h, n, &q) != 0)
		return vx_fail(x, "harness: DELETE_SA of %u handles", n);
	if (!vx_oid(x, inst, &q))
		return false;
	*st = q.status;
	return true;
}

bool vx_update(struct vctx *x, uint32_t inst, NDIS_HANDLE h, uint32_t op, ULONG spi,
	       ULONG high, NDIS_STATUS *st)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, OffloadHandle);
	IPSEC_OFFLOAD_V2_UPDATE_SA u;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u,
			    sizeof(u) };

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = sizeof(u);
	u.OffloadHandle = h;
	u.Operation = (IPSEC_OFFLOAD_V2_OPERATION)op;
	u.Spi = spi;
	u.SequenceNumberHighOrder = high;
	q.handles = &handle_at;
	q.n_handles = 1;
	if (!vx_oid(x, inst, &q))
		return false;
	*st = q.status;
	return true;
}

/* ---- frames ---- */

bool vx_frame(struct vctx *x, const struct vparams *p, uint32_t seq, struct sa_spec sp[2],
	      uint32_t *n_sa, struct fb_spec *fs, struct fb_frame *f)
{
	int inner = p->inner_family ? p->inner_family : p->family;

	memset(fs, 0, sizeof(*fs));
	fs->n_levels = p->mode == VM_TRANSPORT ? 1 : 2;
	fs->upper = (enum fb_upper)(seq % 3);
	fs->payload_len = p->payload ? p->payload : 40 + seq % 64;
	fs->seed = (uint8_t)(seq * 13);
	fb_level_std(&fs->lv[0], p->family, 0, p->opts);
	if (fs->n_levels == 2)
		fb_level_std(&fs->lv[1], inner, 1, p->opts);
	*n_sa = p->mode == VM_TOT ? 2 : 1;
	vx_spec(x, p->alg, &fs->lv[0], false, p->udp, p->esn, &sp[0]);
	fb_sa_from_spec(&sp[0], seq, &fs->lv[0].sa);
	fs->lv[0].sa.udp = p->udp == VU_TRANSPORT || p->udp == VU_TUNNEL || p->udp == VU_TOT_OUTER;
	if (*n_sa == 2) {
		vx_spec(x, p->alg2 ? p->alg2 : p->alg, &fs->lv[1], false, p->udp, p->esn, &sp[1]);
		fb_sa_from_spec(&sp[1], seq + 1, &fs->lv[1].sa);
		fs->lv[1].sa.udp = p->udp == VU_TOT_INNER;
	}
	if (fb_build(fs, f) != 0)
		return vx_fail(x, "harness: the case's frame does not build");
	return true;
}

static bool encrypts(const struct sa_spec *sp)
{
	for (ULONG i = 0; i < sp->num; i++)
		if (sp->m[i].op == IPsecOffloadV2Esp && sp->m[i].enc.id &&
		    sp->m[i].enc.id != IPSEC_OFFLOAD_V2_ENCRYPTION_NONE)
			return true;
	return false;
}

static void mark(uint8_t *mask, uint32_t off, uint32_t n, uint8_t bit)
{
	for (uint32_t i = 0; i < n; i++)
		mask[off + i] |= bit;
}

void vx_mask(const struct fb_spec *fs, const struct fb_frame *f, const struct sa_spec *sp,
	     uint32_t n_sa, uint8_t *mask)
{
	memset(mask, 0, f->len);
	for (uint32_t i = 0; i < f->n_levels && i < n_sa; i++) {
		const struct fb_where *w = &f->w[i];
		const struct fb_sa *sa = &fs->lv[i].sa;

		if (sa->esp) {
			mark(mask, w->iv, sa->esp_iv, VX_FIELD);
			mark(mask, w->icv, sa->esp_icv, VX_FIELD);
			if (encrypts(&sp[i]))
				mark(mask, w->payload, w->icv - w->payload, VX_CIPHER);
		}
		if (sa->ah) {
			mark(mask, w->ah_iv, sa->ah_iv, VX_FIELD);
			mark(mask, w->ah_icv, sa->ah_icv, VX_FIELD);
		}
	}
}

void vx_ivs(const struct vctx *x, uint32_t key, uint8_t ivs[2][16])
{
	vx_key(x, key, 0, 3, ivs[0], 16);
	vx_key(x, key, 1, 3, ivs[1], 16);
}

/* The wire IV length of member m: its cipher's, else its GMAC's (the
 * algorithm table's iv column). */
static uint32_t iv_len(const struct sa_member *m)
{
	const struct ipoc_alg *e = ipoc_alg_enc(m->enc.id), *a = ipoc_alg_auth(m->auth.id);

	if (e && e->iv_len)
		return e->iv_len;
	return a && a->kind == IPOC_ALG_GMAC ? a->iv_len : 0;
}

bool vx_inject(struct vctx *x, struct eh *eh, uint32_t inst, NDIS_HANDLE h,
	       const struct sa_spec *sp, uint8_t ivs[2][16])
{
	if (!vx_ok(x))
		return false;
	if (!eh_info(eh)->has_tx_iv)
		return true;
	for (ULONG i = 0; i < sp->num; i++) {
		uint32_t n = iv_len(&sp->m[i]);
		NDIS_STATUS st;
		enum eh_rc rc;

		if (!n)
			continue;
		rc = eh_set_tx_iv(eh, inst, h, sp->m[i].spi, ivs[i], n, &st);
		if (rc != EH_OK)
			return eh == x->eh ? vx_fault(x, rc) : vx_fail(x, "harness: reference IV hook");
		if (st != NDIS_STATUS_SUCCESS)
			return vx_fail(x, "test_set_tx_iv refused a %u-byte IV for SPI 0x%08x", n,
				       sp->m[i].spi);
	}
	return true;
}

static const struct eh_io_out *io1(struct vctx *x, struct eh *eh, uint32_t inst, bool receive,
				   const uint8_t *frame, uint32_t len,
				   const struct ipoc_mdl_shape *shape, enum ipoc_nbl_guard guard,
				   const struct vx_tx *t)
{
	struct eh_nb_in nb = { frame, len, { NULL, 0, 0, 0, 0 } };
	struct eh_nbl_in nbl = { &nb, 1, { 0 } };
	struct eh_io_in in = { &nbl, 1, guard, receive ? EH_RECV_WRITABLE : EH_SEND_WRITABLE, 0, 0 };
	const struct eh_io_out *o = NULL;
	enum eh_rc rc;

	if (shape)
		nb.shape = *shape;
	if (t) {
		nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)t->offload;
		nbl.slots[IPsecOffloadV2TunnelNetBufferListInfo] = (uintptr_t)t->tunnel;
		nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = t->hdr;
		nbl.slots[TcpLargeSendNetBufferListInfo] = t->lso;
	}
	if (receive) {
		/* Garbage where the engine must write (R-RX-4, PROFILE.md 26). */
		nbl.slots[IPsecOffloadV2NetBufferListInfo] = 0xA5A50008u;
		nbl.slots[IPsecOffloadV2TunnelNetBufferListInfo] = 0xA5A5A5A5u;
		nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = 0xA5A5A5A5u;
	}
	if (eh == x->eh)
		vr_note_in(x->log, receive, &in);
	rc = receive ? eh_receive(eh, inst, &in, &o) : eh_send(eh, inst, &in, &o);
	if (eh == x->eh)
		vr_note_out(x->log, receive, rc, o);
	if (rc != EH_OK) {
		if (eh == x->eh)
			vx_fault(x, rc);
		else
			vx_fail(x, "harness: the reference engine did not answer");
		return NULL;
	}
	return o;
}

bool vx_contract(struct vctx *x, const struct eh_io_out *o, uint32_t i, const char *back)
{
	const struct eh_nbl_out *n = &o->nbls[i];

	if (o->error[0])
		return vx_fail(x, "harness: %s", o->error);
	if (n->returned != 1)
		return vx_fail(x, "NBL %u %s %u times (want once)", i, back, n->returned);
	if (o->strays)
		return vx_fail(x, "the engine handed back %u NBL(s) it was never given", o->strays);
	if (o->bad_count)
		return vx_fail(x, "indicate_receive's count disagrees with its chain");
	if (n->guard_err[0])
		return vx_fail(x, "the engine wrote outside an MDL buffer: %s", n->guard_err);
	if (n->meta_err[0])
		return vx_fail(x, "the engine changed what it does not own: %s", n->meta_err);
	for (uint32_t t = 0; t < o->n_tx; t++)
		if (o->tx[t].after_return)
			return vx_fail(x, "a frame was transmitted after its NBL was completed");
	return true;
}

const struct eh_io_out *vx_io(struct vctx *x, uint32_t inst, bool receive,
			      const struct eh_io_in *in)
{
	const struct eh_io_out *o = NULL;
	enum eh_rc rc;

	if (!vx_ok(x))
		return NULL;
	vr_note_in(x->log, receive, in);
	rc = receive ? eh_receive(x->eh, inst, in, &o) : eh_send(x->eh, inst, in, &o);
	vr_note_out(x->log, receive, rc, o);
	if (rc != EH_OK) {
		vx_fault(x, rc);
		return NULL;
	}
	for (uint32_t i = 0; i < o->n_nbl; i++)
		if (!vx_contract(x, o, i, receive ? "indicated" : "completed"))
			return NULL;
	return o;
}

const struct eh_io_out *vx_send(struct vctx *x, uint32_t inst, const uint8_t *frame,
				uint32_t len, const struct ipoc_mdl_shape *shape,
				enum ipoc_nbl_guard guard, const struct vx_tx *t)
{
	const struct eh_io_out *o;

	if (!vx_ok(x))
		return NULL;
	o = io1(x, x->eh, inst, false, frame, len, shape, guard, t);
	return o && vx_contract(x, o, 0, "completed") ? o : NULL;
}

const struct eh_io_out *vx_recv(struct vctx *x, uint32_t inst, const uint8_t *frame,
				uint32_t len, const struct ipoc_mdl_shape *shape,
				enum ipoc_nbl_guard guard)
{
	const struct eh_io_out *o;

	if (!vx_ok(x))
		return NULL;
	o = io1(x, x->eh, inst, true, frame, len, shape, guard, NULL);
	return o && vx_contract(x, o, 0, "indicated") ? o : NULL;
}

/* The handles of a send through sp/h: one SA, or transport over tunnel. */
static struct vx_tx tx_of(const NDIS_HANDLE *h, uint32_t n_sa, uint32_t hdr)
{
	struct vx_tx t = { n_sa == 2 ? h[1] : h[0], n_sa == 2 ? h[0] : NULL, hdr, 0 };

	return t;
}

bool vx_seal(struct vctx *x, const struct sa_spec *sp, uint32_t n_sa, uint32_t key,
	     const struct fb_frame *f, uint8_t *wire)
{
	uint32_t r = vx_ref_open(x);
	NDIS_HANDLE h[2] = { NULL, NULL };
	uint8_t ivs[2][16];
	const struct eh_io_out *o;
	struct vx_tx t;

	if (r == UINT32_MAX)
		return false;
	for (uint32_t i = 0; i < n_sa; i++) {
		vx_ivs(x, key + i, ivs);
		if (!vx_ref_add(x, r, &sp[i], key + i, &h[i]) ||
		    !vx_inject(x, x->ref, r, h[i], &sp[i], ivs))
			return false;
	}
	t = tx_of(h, n_sa, f->hdr_info);
	o = io1(x, x->ref, r, false, f->b, f->len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return false;
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS || o->n_tx != 1 || o->tx[0].len != f->len)
		return vx_fail(x, "harness: the reference engine did not seal the case's frame "
			       "(%s)", eh_last_log(x->ref));
	memcpy(wire, o->tx[0].bytes, f->len);
	ref_close(x, r);
	return true;
}

bool vx_unseal(struct vctx *x, const struct sa_spec *sp, uint32_t n_sa, uint32_t key,
	       const uint8_t *wire, uint32_t len, uintptr_t *slot1, uintptr_t *slot12,
	       uint8_t *out)
{
	uint32_t r = vx_ref_open(x);
	const struct eh_io_out *o;

	if (r == UINT32_MAX)
		return false;
	for (uint32_t i = 0; i < n_sa; i++) {
		struct sa_spec in = sp[i];
		NDIS_HANDLE h;

		in.flags |= IPSEC_OFFLOAD_V2_INBOUND;
		if (!vx_ref_add(x, r, &in, key + i, &h))
			return false;
	}
	o = io1(x, x->ref, r, true, wire, len, NULL, IPOC_NBL_GUARD_TAIL, NULL);
	if (!o)
		return false;
	*slot1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	*slot12 = o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo];
	if (!o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].len != len)
		return vx_fail(x, "harness: the reference engine lost the frame");
	memcpy(out, o->nbls[0].nbs[0].bytes, len);
	ref_close(x, r);
	return true;
}

uintptr_t vx_want_slot1(uint32_t n_sa, uint16_t st)
{
	uintptr_t w = IPSEC_RX_CRYPTO_DONE | (uintptr_t)st << IPSEC_RX_CRYPTO_STATUS_SHIFT;

	if (n_sa == 2 && st == CRYPTO_SUCCESS)
		w |= IPSEC_RX_NEXT_CRYPTO_DONE;
	return w;
}

uintptr_t vx_want_slot12(const struct fb_spec *fs, const struct fb_frame *f)
{
	for (int i = (int)f->n_levels - 1; i >= 0; i--)
		if (fs->lv[i].sa.esp)
			return IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)f->w[i].pad_length << 8 |
			       f->w[i].next_header;
	return 0;
}

bool vx_same(struct vctx *x, const char *what, const uint8_t *got, const uint8_t *want,
	     uint32_t n, const uint8_t *mask, uint8_t bits)
{
	for (uint32_t i = 0; i < n; i++)
		if (got[i] != want[i] && !(mask && (mask[i] & bits)))
			return vx_fail(x, "%s: byte %u (frame offset) is 0x%02x, want 0x%02x", what, i,
				       got[i], want[i]);
	return true;
}

const char *vx_slot1_text(uintptr_t w, char *buf, size_t len)
{
	uint32_t s = IPSEC_RX_CRYPTO_STATUS(w);

	snprintf(buf, len, "CryptoDone %u, NextCryptoDone %u, SaDeleteReq %u, CryptoStatus %s%s",
		 (unsigned)!!(w & IPSEC_RX_CRYPTO_DONE), (unsigned)!!(w & IPSEC_RX_NEXT_CRYPTO_DONE),
		 (unsigned)!!(w & IPSEC_RX_SA_DELETE_REQ), crypto_status_name(s),
		 (w >> 32) ? " (upper bits set)" : "");
	return buf;
}
