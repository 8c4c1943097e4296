/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_v1.c - IPsecOV1 SA management: OID_TCP_TASK_IPSEC_ADD_SA and
 * OID_TCP_TASK_IPSEC_DELETE_SA.
 *
 * A V1 SA is stored like a V2 bundle, with the V1 algorithm enums mapped to
 * the V2 identifiers, so the data path serves both. V1 is IPv4 only. The key
 * material is read per SecAssoc entry in array order, confidentiality key
 * first, then integrity key, as the OFFLOAD_IPSEC_ADD_SA.KeyMat text says
 * (PROFILE.md, V1 key-material order), and must add up to KeyLen exactly.
 */
#include <stdio.h>
#include <string.h>

#include "ref_internal.h"

/* An algorithm slot: NONE with no key, or a known algorithm with its key
 * length. *out is NULL for NONE. */
static NDIS_STATUS check_algo(struct ipoc_engine *e, const char *what, const char *field,
			      const OFFLOAD_ALGO_INFO *ai, bool conf,
			      const struct ipoc_alg **out)
{
	*out = NULL;
	if (ai->algoIdentifier == 0) {   /* OFFLOAD_IPSEC_*_NONE */
		if (ai->algoKeylen == 0)
			return NDIS_STATUS_SUCCESS;
		ref_log(e, IPOC_LOG_WARN, "%s.%s.algoKeylen %u: NONE takes no key", what, field,
			ai->algoKeylen);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	*out = ipoc_alg_by_v1(conf, ai->algoIdentifier);
	if (!*out) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s.algoIdentifier %u: not a supported value", what,
			field, ai->algoIdentifier);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (ai->algoKeylen != (*out)->key_len) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s.algoKeylen %u: want %u", what, field,
			ai->algoKeylen, (*out)->key_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return NDIS_STATUS_SUCCESS;
}

/* Validate entry i, advancing *koff past its keys; when m is not NULL, also
 * copy it (keys from *koff on) into m. */
static NDIS_STATUS v1_member(struct ipoc_engine *e, const OFFLOAD_IPSEC_ADD_SA *a, int i,
			     struct ref_sa_member *m, uint64_t *koff)
{
	const OFFLOAD_SECURITY_ASSOCIATION *s = &a->SecAssoc[i];
	const struct ipoc_alg *integ, *conf;
	char what[48];
	NDIS_STATUS st;
	bool ah = s->Operation == AUTHENTICATE;

	snprintf(what, sizeof(what), "IPSEC_ADD_SA.SecAssoc[%d]", i);
	if (s->SPI == 0) {
		ref_log(e, IPOC_LOG_WARN, "%s.SPI 0: reserved (RFC 4303 §2.1)", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((ah && !e->enable.v1_ah) || (!ah && !e->enable.v1_esp)) {
		ref_log(e, IPOC_LOG_WARN, "%s: %s is not enabled for IPsecOV1", what, ah ? "AH" : "ESP");
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	st = check_algo(e, what, "IntegrityAlgo", &s->IntegrityAlgo, false, &integ);
	if (st == NDIS_STATUS_SUCCESS)
		st = check_algo(e, what, "ConfAlgo", &s->ConfAlgo, true, &conf);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	if (ah ? (!integ || conf) : (!integ && (!conf || a->NumSAs != 2))) {
		ref_log(e, IPOC_LOG_WARN, "%s: %s", what, ah ? "AH needs IntegrityAlgo and no ConfAlgo"
			: "ESP needs IntegrityAlgo unless encrypting inside an AH+ESP bundle");
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (*koff + (conf ? conf->key_len : 0) + (integ ? integ->key_len : 0) > a->KeyLen) {
		ref_log(e, IPOC_LOG_WARN, "%s: keys run past KeyLen %u", what, a->KeyLen);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!m) {   /* validation pass */
		*koff += (conf ? conf->key_len : 0) + (integ ? integ->key_len : 0);
		return NDIS_STATUS_SUCCESS;
	}
	m->op = ah ? IPsecOffloadV2Ah : IPsecOffloadV2Esp;
	m->spi = s->SPI;
	m->enc_alg = ah ? 0 : (conf ? conf->ndis : IPSEC_OFFLOAD_V2_ENCRYPTION_NONE);
	if (conf) {
		m->enc_key_len = conf->key_len;
		memcpy(m->enc_key, a->KeyMat + *koff, conf->key_len);
		*koff += conf->key_len;
	}
	if (integ) {
		m->auth_alg = integ->ndis;
		m->auth_key_len = integ->key_len;
		m->icv_len = integ->icv_len;
		memcpy(m->auth_key, a->KeyMat + *koff, integ->key_len);
		*koff += integ->key_len;
	}
	return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS v1_shape(struct ipoc_engine *e, const OFFLOAD_IPSEC_ADD_SA *a)
{
	USHORT dir = a->Flags & (OFFLOAD_INBOUND_SA | OFFLOAD_OUTBOUND_SA);

	if ((a->Flags & ~(OFFLOAD_INBOUND_SA | OFFLOAD_OUTBOUND_SA)) ||
	    (dir != OFFLOAD_INBOUND_SA && dir != OFFLOAD_OUTBOUND_SA)) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA.Flags 0x%x: want OFFLOAD_INBOUND_SA or "
			"OFFLOAD_OUTBOUND_SA", a->Flags);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (a->NumSAs == 1 && (a->SecAssoc[0].Operation == AUTHENTICATE ||
			       a->SecAssoc[0].Operation == ENCRYPT))
		return NDIS_STATUS_SUCCESS;
	if (a->NumSAs == 2 && a->SecAssoc[0].Operation == ENCRYPT &&
	    a->SecAssoc[1].Operation == AUTHENTICATE)
		return NDIS_STATUS_SUCCESS;
	ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA.NumSAs %d with Operation {%u, %u}: want one "
		"AUTHENTICATE or ENCRYPT, or ENCRYPT then AUTHENTICATE", a->NumSAs,
		a->SecAssoc[0].Operation, a->SecAssoc[1].Operation);
	return NDIS_STATUS_INVALID_PARAMETER;
}

/* Every entry valid and the key lengths adding up to KeyLen exactly. */
static NDIS_STATUS v1_validate(struct ipoc_engine *e, const OFFLOAD_IPSEC_ADD_SA *a)
{
	uint64_t koff = 0;
	NDIS_STATUS st = v1_shape(e, a);

	for (int i = 0; st == NDIS_STATUS_SUCCESS && i < a->NumSAs; i++)
		st = v1_member(e, a, i, NULL, &koff);
	if (st == NDIS_STATUS_SUCCESS && koff != a->KeyLen) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA.KeyLen %u: the algorithms use %llu bytes",
			a->KeyLen, (unsigned long long)koff);
		st = NDIS_STATUS_INVALID_PARAMETER;
	}
	return st;
}

NDIS_STATUS ref_v1_add_sa(struct ipoc_engine *e, OFFLOAD_IPSEC_ADD_SA *a, uint32_t len)
{
	uint64_t koff = 0;
	struct ref_sa *sa;
	NDIS_STATUS st;

	a->OffloadHandle = NULL;
	if ((uint64_t)offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat) + a->KeyLen > len) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA.KeyLen %u: runs past the %u-byte buffer",
			a->KeyLen, len);
		return NDIS_STATUS_INVALID_LENGTH;
	}
	st = v1_validate(e, a);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	sa = ref_sa_alloc(&e->sas, &a->OffloadHandle);
	if (!sa) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA: no room: all %u SA slots in use",
			e->sas.capacity);
		return NDIS_STATUS_RESOURCES;
	}
	sa->version = REF_SA_V1;
	sa->inbound = (a->Flags & OFFLOAD_INBOUND_SA) != 0;
	sa->tunnel_src = a->SrcTunnelAddr;
	sa->tunnel_dst = a->DestTunnelAddr;
	/* Receive lookup uses the outer destination: the tunnel's when set. */
	memcpy(sa->src, a->SrcTunnelAddr ? &a->SrcTunnelAddr : &a->SrcAddr, 4);
	memcpy(sa->dst, a->DestTunnelAddr ? &a->DestTunnelAddr : &a->DestAddr, 4);
	sa->num_members = (uint32_t)a->NumSAs;
	for (int i = 0; i < a->NumSAs; i++)
		(void)v1_member(e, a, i, &sa->m[i], &koff);   /* validated above */
	if (ref_sa_inbound_clash(&e->sas, sa)) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_ADD_SA: an inbound SA with the same SPI, "
			"destination and protocol is already offloaded");
		ref_sa_release(&e->sas, sa);   /* wipes the keys already copied */
		a->OffloadHandle = NULL;
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ref_sa_crypto_init(e, sa) != 0) {
		ref_sa_release(&e->sas, sa);
		a->OffloadHandle = NULL;
		return NDIS_STATUS_RESOURCES;
	}
	ref_sa_index_add(&e->sas, sa);
	return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS ref_v1_delete_sa(struct ipoc_engine *e, const OFFLOAD_IPSEC_DELETE_SA *d,
			     uint32_t len)
{
	struct ref_sa *sa = ref_sa_lookup(&e->sas, d->OffloadHandle);

	(void)len;
	if (!sa || sa->version != REF_SA_V1) {
		ref_log(e, IPOC_LOG_WARN, "IPSEC_DELETE_SA.OffloadHandle %p: no such IPsecOV1 SA",
			d->OffloadHandle);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	ref_sa_release(&e->sas, sa);
	return NDIS_STATUS_SUCCESS;
}
