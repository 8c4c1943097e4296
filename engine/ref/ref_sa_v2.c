/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_v2.c - IPsecOV2 SA management: OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA,
 * _ADD_SA_EX, _DELETE_SA and _UPDATE_SA.
 *
 * engine/ndis validates every field and walks the lists (ndis_sa.h); what
 * is the reference engine's own is its SA table: a validated bundle gets a
 * slot (NDIS_STATUS_RESOURCES when none is free), is refused when an
 * inbound SA with the same SPI, destination and protocol is offloaded, and
 * gets its crypto contexts. Keys go straight from the request buffer into
 * the SA slot; a slot that fails after keys were copied is released, which
 * wipes it.
 */
#include <string.h>

#include "ndis_sa.h"
#include "ref_internal.h"

static void copy_member(struct ref_sa_member *m, const struct ndis_sa_member *v)
{
	m->op = v->op;
	m->spi = v->spi;
	m->esn = v->esn;
	m->esn_high = v->esn_high;
	m->enc_alg = v->enc_alg;
	m->auth_alg = v->auth_alg;
	m->icv_len = v->icv_len;
	m->enc_key_len = v->enc_key_len;
	if (v->enc_key_len)
		memcpy(m->enc_key, v->enc_key, v->enc_key_len);
	m->auth_key_len = v->auth_key_len;
	if (v->auth_key_len)
		memcpy(m->auth_key, v->auth_key, v->auth_key_len);
}

/* The slots hold the longest key of the algorithm table; a longer one
 * would be a row this engine was not built for. */
static bool keys_fit(struct ipoc_engine *e, const struct ndis_sa_bundle *b)
{
	for (uint32_t i = 0; i < b->num_members; i++) {
		const struct ndis_sa_member *v = &b->m[i];

		if (v->enc_key_len > REF_MAX_ENC_KEY_LEN || v->auth_key_len > REF_MAX_AUTH_KEY_LEN) {
			ref_log(e, IPOC_LOG_WARN, "%s.SecAssoc[%u]: key of %u/%u bytes, this engine "
				"holds %u/%u", b->what, i, v->enc_key_len, v->auth_key_len,
				(unsigned)REF_MAX_ENC_KEY_LEN, (unsigned)REF_MAX_AUTH_KEY_LEN);
			return false;
		}
	}
	return true;
}

/* Install one validated bundle (ndis_sa_install_fn). */
static NDIS_STATUS install(void *ictx, const struct ndis_sa_bundle *b, NDIS_HANDLE *handle)
{
	struct ipoc_engine *e = ictx;
	struct ref_sa *sa;

	if (!keys_fit(e, b))
		return NDIS_STATUS_NOT_SUPPORTED;
	sa = ref_sa_alloc(&e->sas, handle);
	if (!sa) {
		ref_log(e, IPOC_LOG_WARN, "%s: no room: all %u SA slots (SaOffloadCapacity) in use",
			b->what, e->sas.capacity);
		return NDIS_STATUS_RESOURCES;
	}
	sa->version = REF_SA_V2;
	sa->inbound = b->inbound;
	sa->ipv6 = b->ipv6;
	memcpy(sa->src, b->src, sizeof(sa->src));
	memcpy(sa->dst, b->dst, sizeof(sa->dst));
	sa->udp_esp = b->udp_esp;
	sa->num_members = b->num_members;
	for (uint32_t i = 0; i < b->num_members; i++)
		copy_member(&sa->m[i], &b->m[i]);
	if (ref_sa_inbound_clash(&e->sas, sa)) {
		ref_log(e, IPOC_LOG_WARN, "%s: an inbound SA with the same SPI, destination and "
			"protocol is already offloaded", b->what);
		ref_sa_release(&e->sas, sa);
		*handle = NULL;
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ref_sa_crypto_init(e, sa) != 0) {
		ref_sa_release(&e->sas, sa);
		*handle = NULL;
		return NDIS_STATUS_RESOURCES;
	}
	ref_sa_index_add(&e->sas, sa);
	return NDIS_STATUS_SUCCESS;
}

/* Delete the IPsecOV2 SA behind h (ndis_sa_delete_fn). */
static NDIS_STATUS delete(void *dctx, NDIS_HANDLE h)
{
	struct ipoc_engine *e = dctx;
	struct ref_sa *sa = ref_sa_lookup(&e->sas, h);

	if (!sa || sa->version != REF_SA_V2)
		return NDIS_STATUS_INVALID_PARAMETER;
	ref_sa_release(&e->sas, sa);
	return NDIS_STATUS_SUCCESS;
}

/* A new ESN high half for member (op, spi) of the SA behind h
 * (ndis_sa_update_fn). */
static enum ndis_sa_update_result update(void *uctx, NDIS_HANDLE h, uint32_t op, uint32_t spi,
					 uint32_t high)
{
	struct ipoc_engine *e = uctx;
	struct ref_sa *sa = ref_sa_lookup(&e->sas, h);
	struct ref_sa_member *m;

	if (!sa || sa->version != REF_SA_V2)
		return NDIS_SA_NO_SA;
	m = ref_sa_member_by_spi(sa, op, spi);
	if (!m)
		return NDIS_SA_NO_MEMBER;
	if (!m->esn)
		return NDIS_SA_NO_ESN;
	m->esn_high = high;
	return NDIS_SA_UPDATED;
}

NDIS_STATUS ref_v2_add_sa(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA *first, uint32_t len)
{
	struct ndis_ctx c = ref_ndis_ctx(e);
	NDIS_OFFLOAD cur;

	ref_caps_current(e, &cur);
	return ndis_v2_add_sa(&c, &cur, first, len, install, e);
}

NDIS_STATUS ref_v2_add_sa_ex(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA_EX *a, uint32_t len)
{
	struct ndis_ctx c = ref_ndis_ctx(e);
	NDIS_OFFLOAD cur;

	ref_caps_current(e, &cur);
	return ndis_v2_add_sa_ex(&c, &cur, a, len, install, e);
}

NDIS_STATUS ref_v2_delete_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_DELETE_SA *first,
			     uint32_t len)
{
	struct ndis_ctx c = ref_ndis_ctx(e);

	return ndis_v2_delete_sa(&c, first, len, delete, e);
}

NDIS_STATUS ref_v2_update_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_UPDATE_SA *u,
			     uint32_t len)
{
	struct ndis_ctx c = ref_ndis_ctx(e);

	return ndis_v2_update_sa(&c, u, len, update, e);
}
