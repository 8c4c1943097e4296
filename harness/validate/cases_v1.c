/* SPDX-License-Identifier: MIT */
/*
 * cases_v1.c - area `v1`: IPsecOV1 (OID_TCP_TASK_IPSEC_ADD_SA / DELETE_SA,
 * the V1 slot 1, no header-information slot). An SA added through the V1
 * OID protects traffic as its IPsecOV2 twin would (same algorithms and
 * keys), which is how the reference engine judges it: sends decrypt under
 * the twin, frames the twin sealed verify on the V1 SA, with the V1 Receive
 * bits set and slot 12 not used (R-V1SA-*, R-TX-7, PROFILE.md 20..22).
 */
#include <string.h>

#include "session.h"
#include "vflow.h"
#include "wipe.h"

/* The V1 identifiers of a twin's algorithms (the table's v1 column). */
static ULONG v1_conf(uint32_t enc)
{
	const struct ipoc_alg *a = ipoc_alg_enc(enc);

	return a && a->v1 != IPOC_ALG_NO_V1 ? a->v1 : OFFLOAD_IPSEC_CONF_NONE;
}

static ULONG v1_integ(uint32_t auth)
{
	const struct ipoc_alg *a = ipoc_alg_auth(auth);

	return a && a->v1 != IPOC_ALG_NO_V1 ? a->v1 : OFFLOAD_IPSEC_INTEGRITY_NONE;
}

/* OFFLOAD_IPSEC_ADD_SA of the twin sp (its keys: key number key), per
 * SecAssoc entry the confidentiality key first, then the integrity key
 * (PROFILE.md 21). */
static bool add_v1(struct vctx *x, uint32_t inst, const struct sa_spec *sp, uint32_t key,
		   NDIS_HANDLE *h)
{
	static const uint32_t handle_at = offsetof(OFFLOAD_IPSEC_ADD_SA, OffloadHandle);
	uint64_t buf[64];
	OFFLOAD_IPSEC_ADD_SA *a = (OFFLOAD_IPSEC_ADD_SA *)buf;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_ADD_SA, buf };
	uint32_t k = 0;
	char sn[48];

	memset(buf, 0, sizeof(buf));
	memcpy(&a->SrcAddr, sp->src, 4);
	memcpy(&a->DestAddr, sp->dst, 4);
	a->Flags = (sp->flags & IPSEC_OFFLOAD_V2_INBOUND) ? OFFLOAD_INBOUND_SA : OFFLOAD_OUTBOUND_SA;
	a->NumSAs = (SHORT)sp->num;
	for (ULONG i = 0; i < sp->num; i++) {
		const struct sa_member *m = &sp->m[i];
		OFFLOAD_SECURITY_ASSOCIATION *s = &a->SecAssoc[i];

		s->Operation = m->op == IPsecOffloadV2Ah ? AUTHENTICATE : ENCRYPT;
		s->SPI = m->spi;
		s->ConfAlgo.algoIdentifier = v1_conf(m->enc.id);
		s->ConfAlgo.algoKeylen = m->enc.key_len;
		s->IntegrityAlgo.algoIdentifier = v1_integ(m->auth.id);
		s->IntegrityAlgo.algoKeylen = m->auth.key_len;
		vx_key(x, key, i, 1, a->KeyMat + k, m->enc.key_len);
		k += m->enc.key_len;
		vx_key(x, key, i, 2, a->KeyMat + k, m->auth.key_len);
		k += m->auth.key_len;
	}
	a->KeyLen = k;
	q.len = (uint32_t)offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat) + k;
	q.handles = &handle_at;
	q.n_handles = 1;
	*h = NULL;
	if (!vx_oid(x, inst, &q)) {
		ipoc_wipe(buf, sizeof(buf));
		return false;
	}
	*h = a->OffloadHandle;
	ipoc_wipe(buf, sizeof(buf));
	if (q.status != NDIS_STATUS_SUCCESS || !*h)
		return vx_fail(x, "%sOID_TCP_TASK_IPSEC_ADD_SA failed with %s (engine: %.300s)",
			       q.status == NDIS_STATUS_NOT_SUPPORTED ? "capability honesty: the "
			       "IPsecOV1 report claims it, yet " : "",
			       ndis_status_name(q.status, sn, sizeof(sn)), eh_last_log(x->eh));
	return true;
}

/* variant 0: a send; 1: a receive; 2: a send after OID_TCP_TASK_IPSEC_DELETE_SA. */
static void v1(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h;
	uint32_t inst;
	struct vx_tx t = { NULL, NULL, 0, 0 };
	const struct eh_io_out *o;
	char sn[48], a[160], b[160];

	if (!vf_prepare(x, &c->p, 60, 1, &e))
		return;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX)
		return;
	if (c->p.variant == 1) {
		struct sa_spec in = vx_reverse(&e.sp[0]);
		uintptr_t want = vx_want_slot1(1, CRYPTO_SUCCESS);

		if (!add_v1(x, inst, &in, 1, &h))
			return;
		o = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
		if (!o)
			return;
		if (o->nbls[0].slots[IPsecOffloadV1NetBufferListInfo] != want)
			return (void)vx_fail(x, "received on the V1 SA as %s, want %s",
					     vx_slot1_text(o->nbls[0].slots[1], a, sizeof(a)),
					     vx_slot1_text(want, b, sizeof(b)));
		if (o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo] != 0 &&
		    o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo] != 0xA5A5A5A5u)
			return (void)vx_fail(x, "slot 12 (IPsecOV2 header information) set for a V1 SA");
		for (uint32_t i = 0; i < e.f.len; i++) {
			uint8_t w = e.rx[i];

			if (o->nbls[0].nbs[0].bytes[i] != w)
				return (void)vx_fail(x, "indicated byte %u is 0x%02x, want 0x%02x", i,
						     o->nbls[0].nbs[0].bytes[i], w);
		}
		return;
	}
	if (!add_v1(x, inst, &e.sp[0], 1, &h))
		return;
	if (c->p.variant == 2) {
		OFFLOAD_IPSEC_DELETE_SA d = { h };
		static const uint32_t handle_at = 0;
		struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_DELETE_SA, &d, sizeof(d) };

		q.handles = &handle_at;
		q.n_handles = 1;
		if (!vx_oid(x, inst, &q))
			return;
		if (q.status != NDIS_STATUS_SUCCESS)
			return (void)vx_fail(x, "OID_TCP_TASK_IPSEC_DELETE_SA failed with %s",
					     ndis_status_name(q.status, sn, sizeof(sn)));
	}
	/* V1 has no header-information slot: the engine finds AH and ESP. */
	t.offload = h;
	o = vx_send(x, inst, e.f.b, e.f.len, NULL, IPOC_NBL_GUARD_TAIL, &t);
	if (!o)
		return;
	if (c->p.variant == 2) {
		if (o->nbls[0].status != NDIS_STATUS_FAILURE || o->n_tx)
			vx_fail(x, "a send on a deleted V1 SA completed with %s and %u frames",
				ndis_status_name(o->nbls[0].status, sn, sizeof(sn)), o->n_tx);
		return;
	}
	if (o->nbls[0].status != NDIS_STATUS_SUCCESS || o->n_tx != 1 || !o->tx[0].bytes)
		return (void)vx_fail(x, "the V1 send completed with %s and %u frames (engine: %.300s)",
				     ndis_status_name(o->nbls[0].status, sn, sizeof(sn)), o->n_tx,
				     eh_last_log(x->eh));
	vf_judge_tx(x, &e, o->tx[0].bytes, o->tx[0].len, false);
}

/* The IPsecOV2 twins of the V1 SAs, by name (valg_parse), filled before
 * main. */
static const char *const v1_names[] = {
	"esp.3des-cbc+hmac-sha1-96",
	"esp.des-cbc+hmac-md5-96",
	"esp.null+hmac-sha1-96",
	"ah.hmac-md5-96",
	"esp+ah.des-cbc+hmac-sha1-96",
};
static struct valg v1_algs[sizeof(v1_names) / sizeof(v1_names[0])];

static __attribute__((constructor)) void v1_algs_init(void)
{
	for (size_t i = 0; i < sizeof(v1_names) / sizeof(v1_names[0]); i++)
		valg_parse(v1_names[i], &v1_algs[i]);
}

#define ROW(i, t, n) .id = "v1-" i, .area = "v1", .title = t, .rule = "R-V1SA-1..3, R-TX-7; " \
	"PROFILE.md 20..22", .body = v1, .needs = n
#define ESP3 (VN_V1_ESP | VN_V1_3DES | VN_V1_SHA1)
#define ESPD (VN_V1_ESP | VN_V1_DES | VN_V1_MD5)
#define ESPN (VN_V1_ESP | VN_V1_SHA1)
#define AHM (VN_V1_AH | VN_V1_MD5)
#define BUN (VN_V1_ESP | VN_V1_AH | VN_V1_DES | VN_V1_SHA1 | VN_V1_BUNDLE)

static const struct vcase rows[] = {
	{ ROW("001", "IPsecOV1 ESP 3DES + HMAC-SHA1, sent", ESP3), .p = { .alg = &v1_algs[0], .family = 4, .variant = 0 } },
	{ ROW("002", "IPsecOV1 ESP 3DES + HMAC-SHA1, received", ESP3), .p = { .alg = &v1_algs[0], .family = 4, .variant = 1 } },
	{ ROW("003", "IPsecOV1 ESP DES + HMAC-MD5, sent", ESPD), .p = { .alg = &v1_algs[1], .family = 4, .variant = 0 } },
	{ ROW("004", "IPsecOV1 ESP DES + HMAC-MD5, received", ESPD), .p = { .alg = &v1_algs[1], .family = 4, .variant = 1 } },
	{ ROW("005", "IPsecOV1 ESP NULL + HMAC-SHA1, sent", ESPN), .p = { .alg = &v1_algs[2], .family = 4, .variant = 0 } },
	{ ROW("006", "IPsecOV1 AH HMAC-MD5, sent", AHM), .p = { .alg = &v1_algs[3], .family = 4, .variant = 0 } },
	{ ROW("007", "IPsecOV1 AH HMAC-MD5, received", AHM), .p = { .alg = &v1_algs[3], .family = 4, .variant = 1 } },
	{ ROW("008", "IPsecOV1 [ESP DES, AH SHA1] bundle, sent", BUN), .p = { .alg = &v1_algs[4], .family = 4, .variant = 0 } },
	{ ROW("009", "IPsecOV1 [ESP DES, AH SHA1] bundle, received", BUN), .p = { .alg = &v1_algs[4], .family = 4, .variant = 1 } },
	{ ROW("010", "IPsecOV1 DELETE_SA: sends on it fail", ESP3), .p = { .alg = &v1_algs[0], .family = 4, .variant = 2 } },
};

const struct vtable vt_v1 = { "v1", "IPsecOV1", rows, sizeof(rows) / sizeof(rows[0]) };
