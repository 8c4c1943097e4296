/* SPDX-License-Identifier: MIT */
/* sa_build.c - see sa_build.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sa_build.h"

struct key_len {
	ULONG id;
	ULONG len;
};

/* Key lengths per the profile: RFC 2403/2404/4868 HMAC keys, RFC 2405/2451/
 * 3602 cipher keys, AES-GCM/GMAC with the 4-byte salt (RFC 4106/4543). */
static const struct key_len auth_keys[] = {
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, 16 },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 20 },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, 32 },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, 20 },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, 28 },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, 36 },
};

static const struct key_len enc_keys[] = {
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, 0 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, 8 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, 24 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 20 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, 28 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, 36 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, 16 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, 24 },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, 32 },
};

#define GCM_MASK (IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 | \
		  IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192 | \
		  IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256)

static ULONG lookup(const struct key_len *t, size_t n, ULONG id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].len;
	return 0;
}

ULONG sa_auth_key_len(ULONG id)
{
	return lookup(auth_keys, sizeof(auth_keys) / sizeof(auth_keys[0]), id);
}

ULONG sa_enc_key_len(ULONG id)
{
	return lookup(enc_keys, sizeof(enc_keys) / sizeof(enc_keys[0]), id);
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
		m->enc = alg(enc_id, sa_enc_key_len(enc_id), (enc_id & GCM_MASK) ? 16 : 0);
	if (auth_id && !(enc_id & GCM_MASK))
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

int sa_open(struct session *s, uint32_t capacity)
{
	const struct ipoc_engine_ops *ops = ipoc_engine_entry(IPOC_ENGINE_ABI_MAJOR);
	struct ipoc_open_params p;
	char err[256];

	memset(s, 0, sizeof(*s));
	s->echo_level = -1;
	if (!ops) {
		fprintf(stderr, "ipoc_engine_entry(%d) gave no table\n", IPOC_ENGINE_ABI_MAJOR);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.struct_size = sizeof(p);
	p.sa_offload_capacity = capacity;
	if (session_open(s, ops, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

NDIS_STATUS sa_set(struct session *s, NDIS_OID oid, void *buf, uint32_t len, uint32_t *needed)
{
	s->last_log[0] = '\0';
	return session_oid(s, IPOC_REQUEST_SET, oid, buf, len, needed);
}

NDIS_STATUS sa_add(struct session *s, const struct sa_spec *spec, NDIS_HANDLE *h)
{
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, spec, &len);
	NDIS_STATUS st = sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL);

	if (h)
		*h = a->OffloadHandle;
	return st;
}

NDIS_STATUS sa_delete(struct session *s, NDIS_HANDLE h)
{
	IPSEC_OFFLOAD_V2_DELETE_SA d;

	memset(&d, 0, sizeof(d));
	d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d.Header.Size = (USHORT)sizeof(d);
	d.OffloadHandle = h;
	return sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, &d, sizeof(d), NULL);
}

NDIS_STATUS sa_update(struct session *s, NDIS_HANDLE h, ULONG op, ULONG spi, ULONG high)
{
	IPSEC_OFFLOAD_V2_UPDATE_SA u;

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.OffloadHandle = h;
	u.Operation = (IPSEC_OFFLOAD_V2_OPERATION)op;
	u.Spi = spi;
	u.SequenceNumberHighOrder = high;
	return sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u, sizeof(u), NULL);
}

NDIS_STATUS sa_params(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2)
{
	return sa_params_ex(s, ipsec_v1, ipsec_v2, 0);
}

NDIS_STATUS sa_params_ex(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2, UCHAR v2_ipv4)
{
	union {
		NDIS_OFFLOAD_PARAMETERS p;
		void *align;
	} u;

	memset(&u, 0, sizeof(u));
	u.p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	u.p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	u.p.IPsecV1 = ipsec_v1;
	u.p.IPsecV2 = ipsec_v2;
	u.p.IPsecV2IPv4 = v2_ipv4;
	return sa_set(s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL);
}

NDIS_STATUS sa_query_offload(struct session *s, NDIS_OID oid, NDIS_OFFLOAD *out)
{
	union {
		NDIS_OFFLOAD o;
		void *align;
	} u;
	NDIS_STATUS st;

	memset(&u, 0xA5, sizeof(u));
	s->last_log[0] = '\0';
	st = session_oid(s, IPOC_REQUEST_QUERY, oid, &u.o, sizeof(u.o), NULL);
	memcpy(out, &u.o, sizeof(*out));
	return st;
}
