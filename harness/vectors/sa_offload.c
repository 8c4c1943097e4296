/* SPDX-License-Identifier: MIT */
/*
 * sa_offload.c - see sa_offload.h.
 */
#include <string.h>

#include "sa_offload.h"
#include "wipe.h"

uint32_t enc_bit(uint32_t e)
{
	return vec_enc_alg(e) ? e : 0;
}

uint32_t auth_bit(uint32_t a)
{
	return vec_auth_alg(a) ? a : 0;
}

bool gcm(uint32_t e)
{
	return vec_enc_is(e, IPOC_ALG_AEAD);
}

uint32_t udp_type(enum vec_udp u)
{
	static const uint32_t t[] = {
		[VEC_UDP_TRANSPORT] = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT,
		[VEC_UDP_TUNNEL] = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL,
		[VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL] =
			IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL,
		[VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL] =
			IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL,
	};
	return (size_t)u < sizeof(t) / sizeof(t[0]) ? t[u] : 0;
}

/* One algorithm's key into the key area at *off. */
static void put_key(IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai, uint32_t id, const struct vec_bytes *k,
		    uint8_t *keys, uint32_t *off)
{
	ai->Identifier = id;
	ai->KeyLength = (ULONG)k->len;
	ai->KeyOffsetBytes = *off;
	if (k->len)
		memcpy(keys + *off, k->data, k->len);
	*off += (uint32_t)k->len;
}

ULONG spi_ndis(uint32_t spi)
{
	uint8_t b[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8),
			 (uint8_t)spi };
	ULONG v;

	memcpy(&v, b, 4);   /* network byte order, PROFILE.md item 10 */
	return v;
}

static void fill_esp(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *m, const struct vec_esp *e,
		     uint8_t *keys, uint32_t *off)
{
	m->Operation = IPsecOffloadV2Esp;
	m->Spi = spi_ndis(e->spi);
	m->Flags = e->esn ? IPSEC_OFFLOAD_V2_ESN_SA : 0;
	m->SequenceNumberHighOrder = e->esn ? e->seq_hi : 0;
	if (enc_bit(e->enc))
		put_key(&m->EncryptionAlgorithm, enc_bit(e->enc), &e->enc_key, keys, off);
	if (gcm(e->enc))
		m->EncryptionAlgorithm.AdditionalInfo = e->icv_len;
	else if (auth_bit(e->auth))
		put_key(&m->AuthenticationAlgorithm, auth_bit(e->auth), &e->auth_key, keys, off);
}

static void fill_ah(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *m, const struct vec_ah *a,
		    uint8_t *keys, uint32_t *off)
{
	m->Operation = IPsecOffloadV2Ah;
	m->Spi = spi_ndis(a->spi);
	m->Flags = a->esn ? IPSEC_OFFLOAD_V2_ESN_SA : 0;
	m->SequenceNumberHighOrder = a->esn ? a->seq_hi : 0;
	put_key(&m->AuthenticationAlgorithm, auth_bit(a->auth), &a->auth_key, keys, off);
}

enum eh_rc sa_offload_v2(struct eh *eh, uint32_t inst, const struct vec_sa *sa,
			 enum vec_family family, uint32_t udp_esp, bool inbound, NDIS_STATUS *st,
			 NDIS_HANDLE *h)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	uint64_t buf[64];   /* pointer-aligned; keys at most 2 * 36 bytes */
	IPSEC_OFFLOAD_V2_ADD_SA *a = (IPSEC_OFFLOAD_V2_ADD_SA *)buf;
	uint32_t off = 0, n = 0, alen = family == VEC_FAMILY_IPV6 ? 16 : 4;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, buf };
	enum eh_rc rc;

	memset(buf, 0, sizeof(buf));
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->Header.Size = sizeof(*a);
	a->Flags = (inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0) |
		   (alen == 16 ? IPSEC_OFFLOAD_V2_IPv6 : 0);
	memcpy(alen == 16 ? a->IPv6Endpoints.SrcAddr : (UCHAR *)&a->IPv4Endpoints.SrcAddr,
	       sa->src.a, alen);
	memcpy(alen == 16 ? a->IPv6Endpoints.DestAddr : (UCHAR *)&a->IPv4Endpoints.DestAddr,
	       sa->dst.a, alen);
	a->UdpEspEncapsulation = udp_esp;
	if (sa->esp.present)
		fill_esp(&a->SecAssoc[n++], &sa->esp, a->KeyData, &off);
	if (sa->ah.present)
		fill_ah(&a->SecAssoc[n++], &sa->ah, a->KeyData, &off);
	a->NumExtHdrs = n;
	a->KeyLength = off;
	q.len = (uint32_t)(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + off);
	if (q.len < NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1)
		q.len = NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	q.handles = &handle_at;
	q.n_handles = 1;
	rc = eh_oid(eh, inst, &q);
	*st = rc == EH_OK ? q.status : NDIS_STATUS_FAILURE;
	*h = rc == EH_OK && q.status == NDIS_STATUS_SUCCESS ? a->OffloadHandle : NULL;
	ipoc_wipe(buf, sizeof(buf));   /* the keys */
	return rc;
}
