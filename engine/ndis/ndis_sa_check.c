/* SPDX-License-Identifier: MIT */
/*
 * ndis_sa_check.c - the validation of one ADD_SA / ADD_SA_EX element, and
 * the bundle an engine installs from a good one.
 *
 * Every field is validated before anything is installed, and every
 * rejection is logged with the element and field it concerns and the value
 * and limit involved. Status per rejection (PROFILE.md, ADD_SA statuses):
 * malformed -> NDIS_STATUS_INVALID_PARAMETER; well-formed but outside what
 * the current configuration claims -> NDIS_STATUS_NOT_SUPPORTED. Algorithm
 * facts (identifiers, key and ICV lengths) come from the table of
 * engine/alg.
 */
#include <stdio.h>
#include <string.h>

#include "ipoc_alg.h"
#include "ndis_internal.h"

static bool one_bit(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The key of one algorithm must lie inside the request's key area. */
static NDIS_STATUS check_key(const struct ndis_ctx *c, const struct ndis_add_req *r,
			     const char *field, const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai,
			     const struct ipoc_alg *alg)
{
	if (ai->KeyLength != alg->key_len) {
		ndis_log(c, IPOC_LOG_WARN, "%s.%s.KeyLength %u: %s takes %u", r->what, field,
			 ai->KeyLength, alg->label, alg->key_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((uint64_t)ai->KeyOffsetBytes + ai->KeyLength > r->key_len) {
		ndis_log(c, IPOC_LOG_WARN, "%s.%s: key at offset %u length %u runs past KeyLength %u",
			 r->what, field, ai->KeyOffsetBytes, ai->KeyLength, r->key_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return NDIS_STATUS_SUCCESS;
}

/* Identifier must be one known bit, and claimed by the current config. */
static NDIS_STATUS check_id(const struct ndis_ctx *c, const char *what, const char *field,
			    uint32_t id, const struct ipoc_alg *alg, uint32_t claimed)
{
	if (!one_bit(id) || !alg) {
		ndis_log(c, IPOC_LOG_WARN, "%s.%s.Identifier 0x%x: not one IPSEC_OFFLOAD_V2_%s value",
			 what, field, id, field[0] == 'A' ? "AUTHENTICATION_*" : "ENCRYPTION_*");
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!(claimed & id)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.%s.Identifier 0x%x (%s): not in the current "
			 "configuration", what, field, id, alg->label);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS check_auth(const struct ndis_ctx *c, const struct ndis_add_req *r,
			      const char *what, const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai,
			      uint32_t claimed)
{
	const struct ipoc_alg *alg = ipoc_alg_auth(ai->Identifier);
	NDIS_STATUS st = check_id(c, what, "AuthenticationAlgorithm", ai->Identifier, alg, claimed);

	if (st != NDIS_STATUS_SUCCESS)
		return st;
	/* RFC 4543 §3: the GMAC ICV is always 16 bytes (the table's icvs). */
	if (alg->kind == IPOC_ALG_GMAC && ai->AdditionalInfo != 0 &&
	    !ipoc_alg_icv_ok(alg, ai->AdditionalInfo)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm.AdditionalInfo %u: %s has a "
			 "%u-byte ICV", what, ai->AdditionalInfo, alg->label, alg->icv_len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_key(c, r, "AuthenticationAlgorithm", ai, alg);
}

static bool zero_alg(const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai)
{
	static const IPSEC_OFFLOAD_V2_ALGORITHM_INFO zero;

	return memcmp(ai, &zero, sizeof(zero)) == 0;
}

static NDIS_STATUS check_ah(const struct ndis_ctx *c, const struct ndis_add_req *r,
			    const char *what, const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa,
			    const NDIS_OFFLOAD *cur)
{
	if (!cur->IPsecV2.Ah) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Operation AH: AH is not enabled", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!zero_alg(&sa->EncryptionAlgorithm)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.EncryptionAlgorithm: must be all zero for AH", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_auth(c, r, what, &sa->AuthenticationAlgorithm,
			  cur->IPsecV2.AuthenticationAlgorithms);
}

/* ESP with a non-combined cipher, or with NULL/no encryption. */
static NDIS_STATUS check_esp_auth(const struct ndis_ctx *c, const struct ndis_add_req *r,
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
			ndis_log(c, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: ESP without a "
				 "cipher needs authentication", what);
			return NDIS_STATUS_INVALID_PARAMETER;
		}
		if (zero_alg(&sa->AuthenticationAlgorithm))
			return NDIS_STATUS_SUCCESS;
		ndis_log(c, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: Identifier 0 with key "
			 "fields set", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (ciphered && ipoc_alg_auth(auth) && ipoc_alg_auth(auth)->kind == IPOC_ALG_GMAC) {
		ndis_log(c, IPOC_LOG_WARN, "%s.AuthenticationAlgorithm: AES-GMAC goes with NULL "
			 "encryption only (RFC 4543), not with EncryptionAlgorithm 0x%x", what, enc);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	return check_auth(c, r, what, &sa->AuthenticationAlgorithm,
			  cur->IPsecV2.AuthenticationAlgorithms);
}

static NDIS_STATUS check_esp(const struct ndis_ctx *c, const struct ndis_add_req *r,
			     const char *what, const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa,
			     const NDIS_OFFLOAD *cur)
{
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ei = &sa->EncryptionAlgorithm;
	const struct ipoc_alg *alg = ipoc_alg_enc(ei->Identifier);
	NDIS_STATUS st;

	if (!cur->IPsecV2.Esp) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Operation ESP: ESP is not enabled", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (ei->Identifier != 0) {
		st = check_id(c, what, "EncryptionAlgorithm", ei->Identifier, alg,
			      cur->IPsecV2.EncryptionAlgorithms);
		if (st == NDIS_STATUS_SUCCESS)
			st = check_key(c, r, "EncryptionAlgorithm", ei, alg);
		if (st != NDIS_STATUS_SUCCESS)
			return st;
	} else if (!zero_alg(ei)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.EncryptionAlgorithm: Identifier 0 with key fields set",
			 what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (alg && alg->kind == IPOC_ALG_AEAD) {
		/* AES-GCM: AdditionalInfo is the ICV length (RFC 4106 §8: 8, 12 or
		 * 16 bytes, the table's icvs); AuthenticationAlgorithm "should not
		 * be used", so it is ignored (PROFILE.md). */
		if (!ipoc_alg_icv_ok(alg, ei->AdditionalInfo)) {
			ndis_log(c, IPOC_LOG_WARN, "%s.EncryptionAlgorithm.AdditionalInfo %u: %s "
				 "ICV length not one the algorithm has", what, ei->AdditionalInfo,
				 alg->label);
			return NDIS_STATUS_INVALID_PARAMETER;
		}
		return NDIS_STATUS_SUCCESS;
	}
	return check_esp_auth(c, r, what, sa, cur);
}

static NDIS_STATUS check_member(const struct ndis_ctx *c, const struct ndis_add_req *r,
				uint32_t i, const NDIS_OFFLOAD *cur)
{
	const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa = &r->sa[i];
	char what[64];

	snprintf(what, sizeof(what), "%s.SecAssoc[%u]", r->what, i);
	if (sa->Spi == 0) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Spi 0: reserved (RFC 4303 §2.1)", what);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (sa->Flags & ~(ULONG)IPSEC_OFFLOAD_V2_ESN_SA) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Flags 0x%x: unknown bits", what, sa->Flags);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) && !cur->IPsecV2.ExtendedSequenceNumbers) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Flags: ESN requested, ExtendedSequenceNumbers not "
			 "claimed", what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (!(sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) && sa->SequenceNumberHighOrder != 0) {
		ndis_log(c, IPOC_LOG_WARN, "%s.SequenceNumberHighOrder %u without "
			 "IPSEC_OFFLOAD_V2_ESN_SA", what, sa->SequenceNumberHighOrder);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (sa->Operation == IPsecOffloadV2Ah)
		return check_ah(c, r, what, sa, cur);
	return check_esp(c, r, what, sa, cur);
}

/* NumExtHdrs and Operation order: one AH or one ESP, or [ESP, AH]
 * (R-SA-4: "encryption/decryption (ESP) followed by authentication (AH)"). */
static NDIS_STATUS check_shape(const struct ndis_ctx *c, const struct ndis_add_req *r,
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
		ndis_log(c, IPOC_LOG_WARN, "%s: AH+ESP bundle, AhEspCombined is not enabled",
			 r->what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (r->num_ext_hdrs != 1 && r->num_ext_hdrs != 2)
		ndis_log(c, IPOC_LOG_WARN, "%s.NumExtHdrs %u: must be 1 or 2", r->what,
			 r->num_ext_hdrs);
	else
		ndis_log(c, IPOC_LOG_WARN, "%s.SecAssoc[].Operation {%u, %u} with NumExtHdrs %u: "
			 "want AH (1) or ESP (2) alone, or ESP then AH", r->what, sa[0].Operation,
			 sa[1].Operation, r->num_ext_hdrs);
	return NDIS_STATUS_INVALID_PARAMETER;
}

static NDIS_STATUS check_flags_udp(const struct ndis_ctx *c, const struct ndis_add_req *r,
				   const NDIS_OFFLOAD *cur)
{
	if (r->flags & ~(ULONG)(IPSEC_OFFLOAD_V2_INBOUND | IPSEC_OFFLOAD_V2_IPv6)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Flags 0x%x: unknown bits", r->what, r->flags);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if ((r->flags & IPSEC_OFFLOAD_V2_IPv6) && !cur->IPsecV2.IPv6Supported) {
		ndis_log(c, IPOC_LOG_WARN, "%s.Flags: IPv6 SA, IPv6Supported not claimed", r->what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	if (r->udp_esp == 0)
		return NDIS_STATUS_SUCCESS;
	if (!one_bit(r->udp_esp) ||
	    r->udp_esp > IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL) {
		ndis_log(c, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: not one defined type",
			 r->what, r->udp_esp);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (r->num_ext_hdrs != 1 || r->sa[0].Operation != IPsecOffloadV2Esp) {
		ndis_log(c, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: needs one ESP SA "
			 "(NumExtHdrs 1)", r->what, r->udp_esp);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!(cur->IPsecV2.UdpEsp & r->udp_esp)) {
		ndis_log(c, IPOC_LOG_WARN, "%s.UdpEspEncapsulation 0x%x: not in the current "
			 "configuration", r->what, r->udp_esp);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	return NDIS_STATUS_SUCCESS;
}

/* A validated member: keys located in r's key area (check_key bounded them). */
static void fill_member(struct ndis_sa_member *m, const struct ndis_add_req *r,
			const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa)
{
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai = &sa->AuthenticationAlgorithm;
	const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ei = &sa->EncryptionAlgorithm;
	const struct ipoc_alg *enc = ipoc_alg_enc(ei->Identifier);

	memset(m, 0, sizeof(*m));
	m->op = sa->Operation;
	m->spi = sa->Spi;
	m->esn = (sa->Flags & IPSEC_OFFLOAD_V2_ESN_SA) != 0;
	m->esn_high = sa->SequenceNumberHighOrder;
	m->enc_alg = ei->Identifier;
	if (enc && ei->KeyLength) {
		m->enc_key_len = ei->KeyLength;
		m->enc_key = r->keys + ei->KeyOffsetBytes;
	}
	if (enc && enc->kind == IPOC_ALG_AEAD) {
		m->icv_len = ei->AdditionalInfo;
		return;
	}
	m->auth_alg = ai->Identifier;
	if (ai->Identifier) {
		m->auth_key_len = ai->KeyLength;
		m->auth_key = r->keys + ai->KeyOffsetBytes;
		m->icv_len = ipoc_alg_auth(ai->Identifier)->icv_len;
	}
}

NDIS_STATUS ndis_sa_validate(const struct ndis_ctx *c, const struct ndis_add_req *r,
			     const NDIS_OFFLOAD *cur, struct ndis_sa_bundle *b)
{
	size_t alen = (r->flags & IPSEC_OFFLOAD_V2_IPv6) ? 16 : 4;
	NDIS_STATUS st = check_shape(c, r, cur);

	if (st == NDIS_STATUS_SUCCESS)
		st = check_flags_udp(c, r, cur);
	for (uint32_t i = 0; st == NDIS_STATUS_SUCCESS && i < r->num_ext_hdrs; i++)
		st = check_member(c, r, i, cur);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	memset(b, 0, sizeof(*b));
	b->what = r->what;
	b->inbound = (r->flags & IPSEC_OFFLOAD_V2_INBOUND) != 0;
	b->ipv6 = alen == 16;
	memcpy(b->src, r->src, alen);
	memcpy(b->dst, r->dst, alen);
	b->udp_esp = r->udp_esp;
	b->num_members = r->num_ext_hdrs;
	for (uint32_t i = 0; i < r->num_ext_hdrs; i++)
		fill_member(&b->m[i], r, &r->sa[i]);
	return NDIS_STATUS_SUCCESS;
}
