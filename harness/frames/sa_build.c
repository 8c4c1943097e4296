/* SPDX-License-Identifier: MIT */
/* sa_build.c - see sa_build.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ipoc_alg.h"
#include "sa_build.h"

/* Key lengths: the algorithm table's (engine/alg/ipoc_algs.def: HMAC keys of
 * RFC 2403/2404/4868, cipher keys of RFC 2405/2451/3602, AES-GCM/GMAC with
 * the 4-byte salt of RFC 4106/4543); 0 for an unknown identifier. */
ULONG sa_auth_key_len(ULONG id)
{
	return ipoc_alg_auth(id) ? ipoc_alg_auth(id)->key_len : 0;
}

ULONG sa_enc_key_len(ULONG id)
{
	return ipoc_alg_enc(id) ? ipoc_alg_enc(id)->key_len : 0;
}

/* Combined mode: the identifier is an AEAD row's. */
static bool is_aead(ULONG id)
{
	return ipoc_alg_enc(id) && ipoc_alg_enc(id)->kind == IPOC_ALG_AEAD;
}

void sa_spec_v4(struct sa_spec *s, uint32_t src, uint32_t dst)
{
	memset(s->src, 0, sizeof(s->src));
	memset(s->dst, 0, sizeof(s->dst));
	for (int i = 0; i < 4; i++) {
		s->src[i] = (uint8_t)(src >> (24 - 8 * i));
		s->dst[i] = (uint8_t)(dst >> (24 - 8 * i));
	}
}

static struct sa_alg alg(ULONG id, ULONG len, ULONG add_info)
{
	struct sa_alg a = { id, len, add_info };

	return a;
}

static struct sa_spec base(ULONG num)
{
	struct sa_spec s;

	memset(&s, 0, sizeof(s));
	s.num = num;
	sa_spec_v4(&s, 0x0A000001u, 0x0A000002u);
	return s;
}

static void fill_ah(struct sa_member *m, ULONG spi, ULONG auth_id)
{
	m->op = IPsecOffloadV2Ah;
	m->spi = spi;
	m->auth = alg(auth_id, sa_auth_key_len(auth_id), 0);
}

static void fill_esp(struct sa_member *m, ULONG spi, ULONG enc_id, ULONG auth_id)
{
	m->op = IPsecOffloadV2Esp;
	m->spi = spi;
	if (enc_id)
		m->enc = alg(enc_id, sa_enc_key_len(enc_id),
			     is_aead(enc_id) ? ipoc_alg_enc(enc_id)->icv_len : 0);
	if (auth_id && !is_aead(enc_id))
		m->auth = alg(auth_id, sa_auth_key_len(auth_id), 0);
}

struct sa_spec sa_spec_ah(ULONG spi, ULONG auth_id)
{
	struct sa_spec s = base(1);

	fill_ah(&s.m[0], spi, auth_id);
	return s;
}

struct sa_spec sa_spec_esp(ULONG spi, ULONG enc_id, ULONG auth_id)
{
	struct sa_spec s = base(1);

	fill_esp(&s.m[0], spi, enc_id, auth_id);
	return s;
}

struct sa_spec sa_spec_bundle(ULONG esp_spi, ULONG enc_id, ULONG esp_auth_id, ULONG ah_spi,
			      ULONG ah_auth_id)
{
	struct sa_spec s = base(2);

	fill_esp(&s.m[0], esp_spi, enc_id, esp_auth_id);
	fill_ah(&s.m[1], ah_spi, ah_auth_id);
	return s;
}

/* One algorithm: its key goes at *off in keys, KeyOffsetBytes says so. */
static void put_alg(IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai, const struct sa_alg *a, uint8_t *keys,
		    ULONG *off)
{
	ai->Identifier = a->id;
	ai->KeyLength = a->key_len;
	ai->AdditionalInfo = a->add_info;
	ai->KeyOffsetBytes = a->key_len ? *off : 0;
	for (ULONG i = 0; i < a->key_len; i++)
		keys[*off + i] = (uint8_t)(0x11 + *off + i);
	*off += a->key_len;
}

/* The SecAssoc array and the key area; returns KeyLength. */
static ULONG put_members(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa, const struct sa_spec *spec,
			 uint8_t *keys)
{
	ULONG off = 0;

	for (int i = 0; i < IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS; i++) {
		const struct sa_member *m = &spec->m[i];

		sa[i].Flags = m->flags;
		sa[i].Operation = (IPSEC_OFFLOAD_V2_OPERATION)m->op;
		sa[i].Spi = m->spi;
		sa[i].SequenceNumberHighOrder = m->esn_high;
		put_alg(&sa[i].EncryptionAlgorithm, &m->enc, keys, &off);
		put_alg(&sa[i].AuthenticationAlgorithm, &m->auth, keys, &off);
	}
	return off;
}

/* The endpoint union: IPv6 arrays, or the two IPv4 words (network order). */
static void put_endpoints(const struct sa_spec *spec, UCHAR *src6, UCHAR *dst6, IPAddr *src4,
			  IPAddr *dst4)
{
	if (spec->flags & IPSEC_OFFLOAD_V2_IPv6) {
		memcpy(src6, spec->src, 16);
		memcpy(dst6, spec->dst, 16);
	} else {
		memcpy(src4, spec->src, 4);
		memcpy(dst4, spec->dst, 4);
	}
}

IPSEC_OFFLOAD_V2_ADD_SA *sa_build_add(struct sa_buf *b, const struct sa_spec *spec, uint32_t *len)
{
	IPSEC_OFFLOAD_V2_ADD_SA *a = (IPSEC_OFFLOAD_V2_ADD_SA *)b->w;
	uint32_t n;

	memset(b, 0, sizeof(*b));
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->Header.Size = (USHORT)sizeof(*a);
	a->NumExtHdrs = spec->num;
	a->Flags = spec->flags;
	put_endpoints(spec, a->IPv6Endpoints.SrcAddr, a->IPv6Endpoints.DestAddr,
		      &a->IPv4Endpoints.SrcAddr, &a->IPv4Endpoints.DestAddr);
	a->UdpEspEncapsulation = spec->udp_esp;
	a->KeyLength = put_members(a->SecAssoc, spec, a->KeyData);
	n = (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + a->KeyLength;
	if (n < NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1)
		n = NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	if (len)
		*len = n;
	return a;
}

IPSEC_OFFLOAD_V2_ADD_SA_EX *sa_build_add_ex(struct sa_buf *b, const struct sa_spec *spec,
					    uint32_t key_offset, uint32_t *len)
{
	IPSEC_OFFLOAD_V2_ADD_SA_EX *a = (IPSEC_OFFLOAD_V2_ADD_SA_EX *)b->w;

	memset(b, 0, sizeof(*b));
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1;
	a->Header.Size = (USHORT)sizeof(*a);
	a->NumExtHdrs = spec->num;
	a->Flags = spec->flags;
	put_endpoints(spec, a->IPv6Endpoints.SrcAddr, a->IPv6Endpoints.DestAddr,
		      &a->IPv4Endpoints.SrcAddr, &a->IPv4Endpoints.DestAddr);
	a->UdpEspEncapsulation = spec->udp_esp;
	a->KeyOffset = key_offset;
	a->KeyLength = put_members(a->SecAssoc, spec, (uint8_t *)b->w + key_offset);
	if (len)
		*len = key_offset + a->KeyLength;
	return a;
}
