/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_v2.c - IPsecOV2 SA management: OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA,
 * _ADD_SA_EX, _DELETE_SA and _UPDATE_SA.
 *
 * Every field is validated before anything is installed, and every
 * rejection is logged with the element and field it concerns and the value
 * and limit involved. Status per rejection (PROFILE.md, ADD_SA statuses):
 * malformed -> NDIS_STATUS_INVALID_PARAMETER; well-formed but outside what
 * the current configuration claims -> NDIS_STATUS_NOT_SUPPORTED; no free
 * slot -> NDIS_STATUS_RESOURCES. Keys go straight from the request buffer
 * into the SA slot; a slot that fails after keys were copied is released,
 * which wipes it.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ref_internal.h"

/* One ADD_SA or ADD_SA_EX element, with its key area located. */
struct add_req {
	char what[32];                     /* "ADD_SA[2]" / "ADD_SA_EX" */
	ULONG num_ext_hdrs;
	ULONG flags;
	ULONG udp_esp;
	const UCHAR *src, *dst;            /* 4 or 16 bytes, network order */
	const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa;   /* [2] */
	const UCHAR *keys;
	uint32_t key_len;
};

static bool one_bit(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static NDIS_STATUS check_header(struct ipoc_engine *e, const char *what,
				const NDIS_OBJECT_HEADER *h, size_t min_size)
{
	if (h->Type == NDIS_OBJECT_TYPE_DEFAULT && h->Revision >= 1 && h->Size >= min_size)
		return NDIS_STATUS_SUCCESS;
	ref_log(e, IPOC_LOG_WARN, "%s.Header {Type 0x%02x, Revision %u, Size %u}: want Type 0x80, "
		"Revision >= 1, Size >= %zu", what, h->Type, h->Revision, h->Size, min_size);
	return NDIS_STATUS_INVALID_PARAMETER;
}

/* The key of one algorithm must lie inside the request's key area. */
static NDIS_STATUS check_key(struct ipoc_engine *e, const struct add_req *r, const char *field,
			     const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai, const struct ipoc_alg *alg)
{
	if (ai->KeyLength != alg->key_len) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s.KeyLength %u: %s takes %u", r->what, field,
			ai->KeyLength, alg->label, alg->key_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((uint64_t)ai->KeyOffsetBytes + ai->KeyLength > r->key_len) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s: key at offset %u length %u runs past KeyLength %u",
			r->what, field, ai->KeyOffsetBytes, ai->KeyLength, r->key_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return NDIS_STATUS_SUCCESS;
}

/* Identifier must be one known bit, and claimed by the current config. */
static NDIS_STATUS check_id(struct ipoc_engine *e, const char *what, const char *field,
			    uint32_t id, const struct ipoc_alg *alg, uint32_t claimed)
{
	if (!one_bit(id) || !alg) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s.Identifier 0x%x: not one IPSEC_OFFLOAD_V2_%s value",
			what, field, id, field[0] == 'A' ? "AUTHENTICATION_*" : "ENCRYPTION_*");
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!(claimed & id)) {
		ref_log(e, IPOC_LOG_WARN, "%s.%s.Identifier 0x%x (%s): not in the current "
			"configuration", what, field, id, alg->label);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS check_auth(struct ipoc_engine *e, const struct add_req *r, const char *what,
			      const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai, uint32_t claimed)
{
	const struct ipoc_alg *alg = ipoc_alg_auth(ai->Identifier);
	NDIS_STATUS st = check_id(e, what, "AuthenticationAlgorithm", ai->Identifier, alg, claimed);

	if (st != NDIS_STATUS_SUCCESS)
		return st;
	/* RFC 4543 §3: the GMAC ICV is always 16 bytes (the table's icvs). */
	if (alg->kind == IPOC_ALG_GMAC && ai->AdditionalInfo != 0 &&
	    !ipoc_alg_icv_ok(alg, ai->AdditionalInfo)) {
		ref_log(e, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm.AdditionalInfo %u: %s has a "
			"%u-byte ICV", what, ai->AdditionalInfo, alg->label, alg->icv_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_key(e, r, "AuthenticationAlgorithm", ai, alg);
}

static bool zero_alg(const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai)
{
	static const IPSEC_OFFLOAD_V2_ALGORITHM_INFO zero;

	return memcmp(ai, &zero, sizeof(zero)) == 0;
}

static NDIS_STATUS check_ah(struct ipoc_engine *e, const struct add_req *r, const char *what,
			    const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa, const NDIS_OFFLOAD *cur)
{
	if (!cur->IPsecV2.Ah) {
		ref_log(e, IPOC_LOG_WARN, "%s.Operation AH: AH is not enabled", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!zero_alg(&sa->EncryptionAlgorithm)) {
		ref_log(e, IPOC_LOG_WARN, "%s.EncryptionAlgorithm: must be all zero for AH", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_auth(e, r, what, &sa->AuthenticationAlgorithm,
			  cur->IPsecV2.AuthenticationAlgorithms);
}

/* ESP with a non-combined cipher, or with NULL/no encryption. */
static NDIS_STATUS check_esp_auth(struct ipoc_engine *e, const struct add_req *r,
				  const char *what, const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa,
				  const NDIS_OFFLOAD *cur)
{
	uint32_t enc = sa->EncryptionAlgorithm.Identifier;
	uint32_t auth = sa->AuthenticationAlgorithm.Identifier;
	bool ciphered = enc != 0 && enc != IPSEC_OFFLOAD_V2_ENCRYPTION_NONE;

	if (auth == 0) {
		/* PROFILE.md item 8: "ESP encryption only" is a row of the ADD_SA
		 * table; ESP with neither a cipher nor authentication is not
		 * (RFC 4303 §3.2). */
		if (!ciphered) {
			ref_log(e, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: ESP without a cipher "
				"needs authentication", what);
			return NDIS_STATUS_INVALID_PARAMETER;
		}
		if (zero_alg(&sa->AuthenticationAlgorithm))
			return NDIS_STATUS_SUCCESS;
		ref_log(e, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: Identifier 0 with key "
			"fields set", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ciphered && ipoc_alg_auth(auth) && ipoc_alg_auth(auth)->kind == IPOC_ALG_GMAC) {
		ref_log(e, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: AES-GMAC goes with NULL "
			"encryption only (RFC 4543), not with EncryptionAlgorithm 0x%x", what, enc);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_auth(e, r, what, &sa->AuthenticationAlgorithm,
			  cur->IPsecV2.AuthenticationAlgorithms);
}

static NDIS_STATUS check_esp(struct ipoc_engine *e, const struct add_req *r, const char *what,
			     const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa, const NDIS_OFFLOAD *cur)
{
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ei = &sa->EncryptionAlgorithm;
	const struct ipoc_alg *alg = ipoc_alg_enc(ei->Identifier);
	NDIS_STATUS st;

	if (!cur->IPsecV2.Esp) {
		ref_log(e, IPOC_LOG_WARN, "%s.Operation ESP: ESP is not enabled", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (ei->Identifier != 0) {
		st = check_id(e, what, "EncryptionAlgorithm", ei->Identifier, alg,
			      cur->IPsecV2.EncryptionAlgorithms);
		if (st == NDIS_STATUS_SUCCESS)
			st = check_key(e, r, "EncryptionAlgorithm", ei, alg);
		if (st != NDIS_STATUS_SUCCESS)
			return st;
	} else if (!zero_alg(ei)) {
		ref_log(e, IPOC_LOG_WARN, "%s.EncryptionAlgorithm: Identifier 0 with key fields set",
			what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (alg && alg->kind == IPOC_ALG_AEAD) {
		/* AES-GCM: AdditionalInfo is the ICV length (RFC 4106 §8: 8, 12 or
		 * 16 bytes, the table's icvs); AuthenticationAlgorithm "should not
		 * be used", so it is ignored (PROFILE.md). */
		if (!ipoc_alg_icv_ok(alg, ei->AdditionalInfo)) {
			ref_log(e, IPOC_LOG_WARN, "%s.EncryptionAlgorithm.AdditionalInfo %u: %s "
				"ICV length not one the algorithm has", what, ei->AdditionalInfo,
				alg->label);
			return NDIS_STATUS_INVALID_PARAMETER;
		}
		return NDIS_STATUS_SUCCESS;
	}
	return check_esp_auth(e, r, what, sa, cur);
}

static NDIS_STATUS check_member(struct ipoc_engine *e, const struct add_req *r, uint32_t i,
				const NDIS_OFFLOAD *cur)
{
	const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa = &r->sa[i];
	char what[64];

	snprintf(what, sizeof(what), "%s.SecAssoc[%u]", r->what, i);
	if (sa->Spi == 0) {
		ref_log(e, IPOC_LOG_WARN, "%s.Spi 0: reserved (RFC 4303 §2.1)", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (sa->Flags & ~(ULONG)IPSEC_OFFLOAD_V2_ESN_SA) {
		ref_log(e, IPOC_LOG_WARN, "%s.Flags 0x%x: unknown bits", what, sa->Flags);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) && !cur->IPsecV2.ExtendedSequenceNumbers) {
		ref_log(e, IPOC_LOG_WARN, "%s.Flags: ESN requested, ExtendedSequenceNumbers not "
			"claimed", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!(sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) && sa->SequenceNumberHighOrder != 0) {
		ref_log(e, IPOC_LOG_WARN, "%s.SequenceNumberHighOrder %u without "
			"IPSEC_OFFLOAD_V2_ESN_SA", what, sa->SequenceNumberHighOrder);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (sa->Operation == IPsecOffloadV2Ah)
		return check_ah(e, r, what, sa, cur);
	return check_esp(e, r, what, sa, cur);
}

/* NumExtHdrs and Operation order: one AH or one ESP, or [ESP, AH]
 * (R-SA-4: "encryption/decryption (ESP) followed by authentication (AH)"). */
static NDIS_STATUS check_shape(struct ipoc_engine *e, const struct add_req *r,
			       const NDIS_OFFLOAD *cur)
{
	const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa = r->sa;

	if (r->num_ext_hdrs == 1 && (sa[0].Operation == IPsecOffloadV2Ah ||
				     sa[0].Operation == IPsecOffloadV2Esp))
		return NDIS_STATUS_SUCCESS;
	if (r->num_ext_hdrs == 2 && sa[0].Operation == IPsecOffloadV2Esp &&
	    sa[1].Operation == IPsecOffloadV2Ah) {
		if (cur->IPsecV2.AhEspCombined)
			return NDIS_STATUS_SUCCESS;
		ref_log(e, IPOC_LOG_WARN, "%s: AH+ESP bundle, AhEspCombined is not enabled", r->what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (r->num_ext_hdrs != 1 && r->num_ext_hdrs != 2)
		ref_log(e, IPOC_LOG_WARN, "%s.NumExtHdrs %u: must be 1 or 2", r->what,
			r->num_ext_hdrs);
	else
		ref_log(e, IPOC_LOG_WARN, "%s.SecAssoc[].Operation {%u, %u} with NumExtHdrs %u: "
			"want AH (1) or ESP (2) alone, or ESP then AH", r->what, sa[0].Operation,
			sa[1].Operation, r->num_ext_hdrs);
	return NDIS_STATUS_INVALID_PARAMETER;
}

static NDIS_STATUS check_flags_udp(struct ipoc_engine *e, const struct add_req *r,
				   const NDIS_OFFLOAD *cur)
{
	if (r->flags & ~(ULONG)(IPSEC_OFFLOAD_V2_INBOUND | IPSEC_OFFLOAD_V2_IPv6)) {
		ref_log(e, IPOC_LOG_WARN, "%s.Flags 0x%x: unknown bits", r->what, r->flags);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((r->flags & IPSEC_OFFLOAD_V2_IPv6) && !cur->IPsecV2.IPv6Supported) {
		ref_log(e, IPOC_LOG_WARN, "%s.Flags: IPv6 SA, IPv6Supported not claimed", r->what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (r->udp_esp == 0)
		return NDIS_STATUS_SUCCESS;
	if (!one_bit(r->udp_esp) || r->udp_esp > IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL) {
		ref_log(e, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: not one defined type",
			r->what, r->udp_esp);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (r->num_ext_hdrs != 1 || r->sa[0].Operation != IPsecOffloadV2Esp) {
		ref_log(e, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: needs one ESP SA "
			"(NumExtHdrs 1)", r->what, r->udp_esp);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!(cur->IPsecV2.UdpEsp & r->udp_esp)) {
		ref_log(e, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: not in the current "
			"configuration", r->what, r->udp_esp);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	return NDIS_STATUS_SUCCESS;
}

static void copy_member(struct ref_sa_member *m, const struct add_req *r,
			const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa)
{
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai = &sa->AuthenticationAlgorithm;
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ei = &sa->EncryptionAlgorithm;
	const struct ipoc_alg *enc = ipoc_alg_enc(ei->Identifier);

	m->op = sa->Operation;
	m->spi = sa->Spi;
	m->esn = (sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) != 0;
	m->esn_high = sa->SequenceNumberHighOrder;
	m->enc_alg = ei->Identifier;
	if (enc) {
		m->enc_key_len = ei->KeyLength;
		memcpy(m->enc_key, r->keys + ei->KeyOffsetBytes, ei->KeyLength);
	}
	if (enc && enc->kind == IPOC_ALG_AEAD) {
		m->icv_len = ei->AdditionalInfo;
		return;
	}
	m->auth_alg = ai->Identifier;
	if (ai->Identifier) {
		m->auth_key_len = ai->KeyLength;
		memcpy(m->auth_key, r->keys + ai->KeyOffsetBytes, ai->KeyLength);
		m->icv_len = ipoc_alg_auth(ai->Identifier)->icv_len;
	}
}

/* Validate one element and, when it is good, install it. */
static NDIS_STATUS add_one(struct ipoc_engine *e, const struct add_req *r, NDIS_HANDLE *handle)
{
	NDIS_OFFLOAD cur;
	NDIS_STATUS st;
	struct ref_sa *sa;
	size_t alen = (r->flags & IPSEC_OFFLOAD_V2_IPv6) ? 16 : 4;

	*handle = NULL;
	ref_caps_current(e, &cur);
	st = check_shape(e, r, &cur);
	if (st == NDIS_STATUS_SUCCESS)
		st = check_flags_udp(e, r, &cur);
	for (uint32_t i = 0; st == NDIS_STATUS_SUCCESS && i < r->num_ext_hdrs; i++)
		st = check_member(e, r, i, &cur);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	sa = ref_sa_alloc(&e->sas, handle);
	if (!sa) {
		ref_log(e, IPOC_LOG_WARN, "%s: no room: all %u SA slots (SaOffloadCapacity) in use",
			r->what, e->sas.capacity);
		return NDIS_STATUS_RESOURCES;
	}
	sa->version = REF_SA_V2;
	sa->inbound = (r->flags & IPSEC_OFFLOAD_V2_INBOUND) != 0;
	sa->ipv6 = alen == 16;
	memcpy(sa->src, r->src, alen);
	memcpy(sa->dst, r->dst, alen);
	sa->udp_esp = r->udp_esp;
	sa->num_members = r->num_ext_hdrs;
	for (uint32_t i = 0; i < r->num_ext_hdrs; i++)
		copy_member(&sa->m[i], r, &r->sa[i]);
	if (ref_sa_inbound_clash(&e->sas, sa)) {
		ref_log(e, IPOC_LOG_WARN, "%s: an inbound SA with the same SPI, destination and "
			"protocol is already offloaded", r->what);
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

static const void *next_of(const void *node, size_t next_off)
{
	const void *next;

	memcpy(&next, (const char *)node + next_off, sizeof(next));
	return next;
}

/* Length of a list linked through the pointer at next_off, or 0 when it is
 * cyclic or longer than REF_MAX_LIST_LEN. The slow pointer moves every
 * second step, so a cycle makes the two meet. */
static uint32_t list_length(const void *first, size_t next_off)
{
	const void *slow = first, *fast = first;
	uint32_t n = 0;

	while (fast) {
		if (++n > REF_MAX_LIST_LEN)
			return 0;
		fast = next_of(fast, next_off);
		if (n % 2 == 0)
			slow = next_of(slow, next_off);
		if (fast && fast == slow)
			return 0;
	}
	return n;
}

static void req_from_add_sa(struct add_req *r, const IPSEC_OFFLOAD_V2_ADD_SA *a, uint32_t i)
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

NDIS_STATUS ref_v2_add_sa(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA *first, uint32_t len)
{
	NDIS_STATUS first_err = NDIS_STATUS_SUCCESS;
	uint32_t n, added = 0, i = 0;

	/* The first element and its keys lie in the OID buffer; later ones are
	 * reached through Next, as in NDIS, and are trusted to hold KeyLength
	 * key bytes after KeyData. */
	if ((uint64_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + first->KeyLength > len) {
		ref_log(e, IPOC_LOG_WARN, "ADD_SA[0].KeyLength %u: runs past the %u-byte buffer",
			first->KeyLength, len);
		return NDIS_STATUS_INVALID_LENGTH;
	}
	n = list_length(first, offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next));
	if (n == 0) {
		ref_log(e, IPOC_LOG_WARN, "ADD_SA list: cyclic or longer than %u elements",
			REF_MAX_LIST_LEN);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	for (IPSEC_OFFLOAD_V2_ADD_SA *a = first; a; a = a->Next, i++) {
		struct add_req r;
		NDIS_STATUS st;

		req_from_add_sa(&r, a, i);
		a->OffloadHandle = NULL;
		st = check_header(e, r.what, &a->Header, NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1);
		if (st == NDIS_STATUS_SUCCESS)
			st = add_one(e, &r, &a->OffloadHandle);
		if (st == NDIS_STATUS_SUCCESS)
			added++;
		else if (first_err == NDIS_STATUS_SUCCESS)
			first_err = st;
	}
	/* R-SA-2: the request succeeds if any SA was offloaded; on total
	 * failure it carries the first element's reason (PROFILE.md). */
	return added ? NDIS_STATUS_SUCCESS : first_err;
}

NDIS_STATUS ref_v2_add_sa_ex(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA_EX *a, uint32_t len)
{
	bool v6 = (a->Flags & IPSEC_OFFLOAD_V2_IPv6) != 0;
	struct add_req r = { .what = "ADD_SA_EX" };
	NDIS_STATUS st;

	a->OffloadHandle = NULL;
	st = check_header(e, r.what, &a->Header, NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	/* The key area must follow the structure and lie inside the buffer. */
	if (a->KeyOffset < NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1 ||
	    (uint64_t)a->KeyOffset + a->KeyLength > len) {
		ref_log(e, IPOC_LOG_WARN, "ADD_SA_EX.KeyOffset %u + KeyLength %u: key area must "
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
	return add_one(e, &r, &a->OffloadHandle);
}

NDIS_STATUS ref_v2_delete_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_DELETE_SA *first,
			     uint32_t len)
{
	NDIS_STATUS st = NDIS_STATUS_SUCCESS;
	uint32_t n, i = 0;
	char what[32];

	(void)len;
	n = list_length(first, offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next));
	if (n == 0) {
		ref_log(e, IPOC_LOG_WARN, "DELETE_SA list: cyclic or longer than %u elements",
			REF_MAX_LIST_LEN);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	/* PROFILE.md, deleting unknown handles: every known handle in the list
	 * is deleted; an unknown, stale or NULL one, or a bad header, makes the
	 * request return NDIS_STATUS_INVALID_PARAMETER. */
	for (const IPSEC_OFFLOAD_V2_DELETE_SA *d = first; d; d = d->Next, i++) {
		struct ref_sa *sa;

		snprintf(what, sizeof(what), "DELETE_SA[%u]", i);
		if (check_header(e, what, &d->Header,
				 NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1) != NDIS_STATUS_SUCCESS) {
			st = NDIS_STATUS_INVALID_PARAMETER;
			continue;
		}
		sa = ref_sa_lookup(&e->sas, d->OffloadHandle);
		if (!sa || sa->version != REF_SA_V2) {
			ref_log(e, IPOC_LOG_WARN, "%s.OffloadHandle %p: no such IPsecOV2 SA", what,
				d->OffloadHandle);
			st = NDIS_STATUS_INVALID_PARAMETER;
			continue;
		}
		ref_sa_release(&e->sas, sa);
	}
	return st;
}

NDIS_STATUS ref_v2_update_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_UPDATE_SA *u,
			     uint32_t len)
{
	struct ref_sa *sa;
	struct ref_sa_member *m;

	(void)len;
	if (check_header(e, "UPDATE_SA", &u->Header,
			 NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1) != NDIS_STATUS_SUCCESS)
		return NDIS_STATUS_INVALID_PARAMETER;
	sa = ref_sa_lookup(&e->sas, u->OffloadHandle);
	if (!sa || sa->version != REF_SA_V2) {
		ref_log(e, IPOC_LOG_WARN, "UPDATE_SA.OffloadHandle %p: no such IPsecOV2 SA",
			u->OffloadHandle);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	m = ref_sa_member_by_spi(sa, u->Operation, u->Spi);
	if (!m) {
		ref_log(e, IPOC_LOG_WARN, "UPDATE_SA {Operation %u, Spi 0x%08x}: not a member of "
			"the bundle", u->Operation, u->Spi);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	/* R-SA-11: "fail this request if the SA is not found or the ESN is not
	 * supported ... NDIS_STATUS_INVALID_PARAMETER". */
	if (!m->esn) {
		ref_log(e, IPOC_LOG_WARN, "UPDATE_SA {Spi 0x%08x}: the SA was added without "
			"IPSEC_OFFLOAD_V2_ESN_SA", u->Spi);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	m->esn_high = u->SequenceNumberHighOrder;
	return NDIS_STATUS_SUCCESS;
}
