/* SPDX-License-Identifier: MIT */
/*
 * test_ref_sa_v2.c - validation of OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA and
 * _ADD_SA_EX by the reference engine, one check per rule, through the
 * engine ABI only (spec 4.1, R-SA-2 .. R-SA-8, R-SA-13; section 8 items 7,
 * 8, 9, 13, 16).
 *
 * Every element starts as a valid bundle built by sa_build and has one
 * field broken; a rejection must come with the exact status, a NULL
 * OffloadHandle (it is pre-filled with garbage), and a log line naming the
 * field. Linked lists, capacity, DELETE_SA and UPDATE_SA are in
 * test_ref_handles.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipoc_test.h"
#include "engine_io.h"

#define GARBAGE ((NDIS_HANDLE)(uintptr_t)0x5A5A5A5A5A5A5A5Aull)
#define OK NDIS_STATUS_SUCCESS
#define INVAL NDIS_STATUS_INVALID_PARAMETER
#define ADD_SA OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA
#define ADD_SA_EX OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX

#define AUTH(x) IPSEC_OFFLOAD_V2_AUTHENTICATION_##x
#define ENC(x) IPSEC_OFFLOAD_V2_ENCRYPTION_##x

static ULONG next_spi = 0x1000;

static void where(unsigned failed_before, const char *what)
{
	if (ipoc_test_failed != failed_before)
		fprintf(stderr, "  ^ in: %s\n", what);
}

/* Send a built ADD_SA or ADD_SA_EX whose OffloadHandle is *handle; on
 * rejection the handle must be NULL and the log must name field (if given). */
static void expect_oid(struct session *s, const char *what, NDIS_OID oid, void *buf,
		       NDIS_HANDLE *handle, uint32_t len, NDIS_STATUS want, const char *field)
{
	unsigned before = ipoc_test_failed;

	*handle = GARBAGE;
	IPOC_CHECK_EQ(sa_set(s, oid, buf, len, NULL), want);
	if (want == OK)
		IPOC_CHECK(*handle != NULL && *handle != GARBAGE);
	else if (want != NDIS_STATUS_INVALID_LENGTH)
		IPOC_CHECK(*handle == NULL);
	if (field)
		IPOC_CHECK_STR_HAS(s->last_log, field);
	where(before, what);
}

static void expect_buf(struct session *s, const char *what, IPSEC_OFFLOAD_V2_ADD_SA *a,
		       uint32_t len, NDIS_STATUS want, const char *field)
{
	expect_oid(s, what, ADD_SA, a, &a->OffloadHandle, len, want, field);
}

static void expect(struct session *s, const char *what, const struct sa_spec *spec,
		   NDIS_STATUS want, const char *field)
{
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, spec, &len);

	expect_buf(s, what, a, len, want, field);
}

static struct sa_spec esp_gcm(void)
{
	return sa_spec_esp(next_spi++, ENC(AES_GCM_128), 0);
}

static struct sa_spec esp_cbc_sha(void)
{
	return sa_spec_esp(next_spi++, ENC(AES_CBC_128), AUTH(SHA_1));
}

static struct sa_spec bundle(void)
{
	ULONG spi = next_spi;

	next_spi += 2;
	return sa_spec_bundle(spi, ENC(AES_CBC_256), AUTH(SHA_256), spi + 1, AUTH(SHA_1));
}

static void test_header(struct session *s)
{
	struct sa_spec spec = esp_gcm();
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, &spec, &len);

	expect_buf(s, "valid element", a, len, OK, NULL);
	a->Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	expect_buf(s, "Header.Type 0xA7", a, len, INVAL, "Header");
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = 0;
	expect_buf(s, "Header.Revision 0", a, len, INVAL, "Header");
	a->Header.Revision = 2;   /* later revisions are read as revision 1 */
	expect_buf(s, "Header.Revision 2", a, len, OK, NULL);
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->Header.Size = 168;
	expect_buf(s, "Header.Size 168", a, len, INVAL, "Header");
	a->Header.Size = 169;   /* NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1 */
	expect_buf(s, "Header.Size 169", a, len, OK, NULL);
	a->Header.Size = 176;   /* sizeof, as the WDK header comments have it */
	expect_buf(s, "Header.Size 176", a, len, OK, NULL);
}

static void test_lengths(struct session *s)
{
	struct sa_spec spec = esp_gcm();
	struct sa_buf b;
	uint32_t len, needed = 0;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, &spec, &len);

	IPOC_CHECK_EQ(sa_set(s, ADD_SA, a, 168, &needed), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 169);
	IPOC_CHECK_STR_HAS(s->last_log, "169");
	IPOC_CHECK_EQ(sa_set(s, ADD_SA, a, 0, &needed), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 169);
	IPOC_CHECK_EQ(sa_set(s, ADD_SA, NULL, 200, &needed), NDIS_STATUS_INVALID_LENGTH);
	/* KeyLength (20 bytes of GCM key) must lie inside the buffer. */
	expect_buf(s, "buffer one byte short of KeyLength", a, len - 1,
		   NDIS_STATUS_INVALID_LENGTH, "KeyLength");
	a->KeyLength = 0xFFFFFFFFu;
	expect_buf(s, "KeyLength 0xFFFFFFFF", a, len, NDIS_STATUS_INVALID_LENGTH, "KeyLength");
	a->KeyLength = 20;
	expect_buf(s, "buffer exactly KeyData + KeyLength", a, len, OK, NULL);
	IPOC_CHECK_EQ(len, 168 + 20);
}

static void test_shape(struct session *s)
{
	struct sa_spec spec = esp_gcm();
	struct sa_spec two = bundle();
	struct sa_member tmp;

	spec.num = 0;
	expect(s, "NumExtHdrs 0", &spec, INVAL, "NumExtHdrs");
	spec.num = 3;
	expect(s, "NumExtHdrs 3", &spec, INVAL, "NumExtHdrs");
	spec.num = 1;
	spec.m[0].op = IPsecOffloadV2Max;
	expect(s, "Operation 3", &spec, INVAL, "Operation");
	spec.m[0].op = 0;
	expect(s, "Operation 0", &spec, INVAL, "Operation");
	expect(s, "[ESP, AH]", &two, OK, NULL);
	tmp = two.m[0];
	two.m[0] = two.m[1];
	two.m[1] = tmp;
	expect(s, "[AH, ESP]", &two, INVAL, "Operation");
	two.m[0] = two.m[1];
	two.m[0].spi = next_spi++;
	expect(s, "[ESP, ESP]", &two, INVAL, "Operation");
	spec = sa_spec_ah(next_spi++, AUTH(MD5));
	spec.m[1] = spec.m[0];
	spec.m[1].spi = next_spi++;
	spec.num = 2;
	expect(s, "[AH, AH]", &spec, INVAL, "Operation");
}

static void test_flags(struct session *s)
{
	static const ULONG bad_flags[] = { 0x2, 0x4, 0x8, 0x20, 0x100, 0x80000000u };
	struct sa_spec spec;
	char what[64];

	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		spec = esp_gcm();
		spec.flags = bad_flags[i];
		snprintf(what, sizeof(what), "ADD_SA.Flags 0x%x", bad_flags[i]);
		expect(s, what, &spec, INVAL, "Flags");
	}
	spec = esp_gcm();
	spec.m[0].spi = 0;
	expect(s, "Spi 0", &spec, INVAL, "Spi");
	spec = bundle();
	spec.m[1].spi = 0;
	expect(s, "AH member Spi 0", &spec, INVAL, "SecAssoc[1].Spi");
	spec = esp_gcm();
	spec.m[0].flags = 0x2;
	expect(s, "SecAssoc.Flags 0x2", &spec, INVAL, "Flags");
	spec.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA | 0x80000000u;
	expect(s, "SecAssoc.Flags ESN|0x80000000", &spec, INVAL, "Flags");
	spec.m[0].flags = 0;
	spec.m[0].esn_high = 5;
	expect(s, "SequenceNumberHighOrder without ESN", &spec, INVAL, "SequenceNumberHighOrder");
	spec.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	expect(s, "SequenceNumberHighOrder with ESN", &spec, OK, NULL);
	spec = esp_gcm();
	spec.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	expect(s, "ESN, high order 0", &spec, OK, NULL);
	spec = esp_gcm();
	spec.flags = IPSEC_OFFLOAD_V2_INBOUND;
	expect(s, "inbound", &spec, OK, NULL);
}

struct alg_case {
	ULONG id;
	const char *name;
	ULONG key_len;       /* right length, salt included for GCM/GMAC */
	ULONG bad[3];        /* wrong lengths, 0-terminated unless key_len is 0 */
};

static const struct alg_case auth_cases[] = {
	{ AUTH(MD5), "MD5", 16, { 15, 17, 20 } },
	{ AUTH(SHA_1), "SHA1", 20, { 16, 19, 21 } },
	{ AUTH(SHA_256), "SHA256", 32, { 20, 31, 33 } },
	{ AUTH(AES_GCM_128), "GMAC128", 20, { 16, 19, 21 } },
	{ AUTH(AES_GCM_192), "GMAC192", 28, { 24, 27, 29 } },
	{ AUTH(AES_GCM_256), "GMAC256", 36, { 32, 35, 37 } },
};

static const struct alg_case enc_cases[] = {
	{ ENC(NONE), "NULL", 0, { 1, 8, 16 } },
	{ ENC(DES_CBC), "DES", 8, { 7, 9, 16 } },
	{ ENC(3_DES_CBC), "3DES", 24, { 8, 23, 25 } },
	{ ENC(AES_CBC_128), "CBC128", 16, { 15, 17, 20 } },
	{ ENC(AES_CBC_192), "CBC192", 24, { 23, 25, 28 } },
	{ ENC(AES_CBC_256), "CBC256", 32, { 31, 33, 36 } },
	{ ENC(AES_GCM_128), "GCM128", 20, { 16, 19, 21 } },
	{ ENC(AES_GCM_192), "GCM192", 28, { 24, 27, 29 } },
	{ ENC(AES_GCM_256), "GCM256", 36, { 32, 35, 37 } },
};

/* Every authentication algorithm, in AH and in ESP with NULL encryption. */
static void test_auth_algs(struct session *s)
{
	char what[64];

	for (size_t i = 0; i < sizeof(auth_cases) / sizeof(auth_cases[0]); i++) {
		const struct alg_case *c = &auth_cases[i];
		struct sa_spec ah = sa_spec_ah(next_spi++, c->id);
		struct sa_spec esp = sa_spec_esp(next_spi++, ENC(NONE), c->id);

		IPOC_CHECK_EQ(sa_auth_key_len(c->id), c->key_len);
		snprintf(what, sizeof(what), "AH %s key %u", c->name, c->key_len);
		expect(s, what, &ah, OK, NULL);
		snprintf(what, sizeof(what), "ESP NULL + %s key %u", c->name, c->key_len);
		expect(s, what, &esp, OK, NULL);
		for (int j = 0; j < 3; j++) {
			ah.m[0].auth.key_len = c->bad[j];
			ah.m[0].spi = next_spi++;
			snprintf(what, sizeof(what), "AH %s key %u", c->name, c->bad[j]);
			expect(s, what, &ah, INVAL, "KeyLength");
			esp.m[0].auth.key_len = c->bad[j];
			snprintf(what, sizeof(what), "ESP NULL + %s key %u", c->name, c->bad[j]);
			expect(s, what, &esp, INVAL, "KeyLength");
		}
	}
}

/* Every encryption algorithm: CBC-style ones with SHA-1, GCM alone. */
static void test_enc_algs(struct session *s)
{
	char what[64];

	for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		const struct alg_case *c = &enc_cases[i];
		struct sa_spec esp = sa_spec_esp(next_spi++, c->id, AUTH(SHA_1));

		IPOC_CHECK_EQ(sa_enc_key_len(c->id), c->key_len);
		snprintf(what, sizeof(what), "ESP %s key %u", c->name, c->key_len);
		expect(s, what, &esp, OK, NULL);
		for (int j = 0; j < 3; j++) {
			esp.m[0].enc.key_len = c->bad[j];
			snprintf(what, sizeof(what), "ESP %s key %u", c->name, c->bad[j]);
			expect(s, what, &esp, INVAL, "KeyLength");
		}
	}
}

/* Identifier: exactly one known bit. */
static void test_identifiers(struct session *s)
{
	static const ULONG bad_auth[] = { AUTH(MD5) | AUTH(SHA_1), 0x40, 0x80000000u };
	static const ULONG bad_enc[] = { ENC(DES_CBC) | ENC(3_DES_CBC), 0x200, 0x80000000u };
	struct sa_spec spec;
	char what[64];

	for (size_t i = 0; i < 3; i++) {
		spec = sa_spec_ah(next_spi++, AUTH(SHA_1));
		spec.m[0].auth.id = bad_auth[i];
		snprintf(what, sizeof(what), "AH auth Identifier 0x%x", bad_auth[i]);
		expect(s, what, &spec, INVAL, "Identifier");
		spec = esp_cbc_sha();
		spec.m[0].auth.id = bad_auth[i];
		snprintf(what, sizeof(what), "ESP auth Identifier 0x%x", bad_auth[i]);
		expect(s, what, &spec, INVAL, "Identifier");
		spec = esp_cbc_sha();
		spec.m[0].enc.id = bad_enc[i];
		snprintf(what, sizeof(what), "ESP enc Identifier 0x%x", bad_enc[i]);
		expect(s, what, &spec, INVAL, "Identifier");
	}
	spec = sa_spec_ah(next_spi++, AUTH(SHA_1));
	spec.m[0].auth.id = 0;
	spec.m[0].auth.key_len = 0;
	expect(s, "AH without authentication", &spec, INVAL, "AuthenticationAlgorithm");
}

static void test_gcm(struct session *s)
{
	static const ULONG good_icv[] = { 8, 12, 16 };
	static const ULONG bad_icv[] = { 0, 4, 20, 32 };
	struct sa_buf b;
	struct sa_spec spec;
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	uint32_t len;
	char what[64];

	for (size_t i = 0; i < 3; i++) {
		spec = sa_spec_esp(next_spi++, ENC(AES_GCM_256), 0);
		spec.m[0].enc.add_info = good_icv[i];
		snprintf(what, sizeof(what), "GCM ICV %u", good_icv[i]);
		expect(s, what, &spec, OK, NULL);
	}
	for (size_t i = 0; i < 4; i++) {
		spec = sa_spec_esp(next_spi++, ENC(AES_GCM_128), 0);
		spec.m[0].enc.add_info = bad_icv[i];
		snprintf(what, sizeof(what), "GCM ICV %u", bad_icv[i]);
		expect(s, what, &spec, INVAL, "AdditionalInfo");
	}
	/* AuthenticationAlgorithm "should not be used" with GCM: ignored. */
	spec = esp_gcm();
	a = sa_build_add(&b, &spec, &len);
	a->SecAssoc[0].AuthenticationAlgorithm.Identifier = 0xDEADBEEFu;
	a->SecAssoc[0].AuthenticationAlgorithm.KeyLength = 999;
	a->SecAssoc[0].AuthenticationAlgorithm.KeyOffsetBytes = 0xFFFFFFF0u;
	a->SecAssoc[0].AuthenticationAlgorithm.AdditionalInfo = 7;
	expect_buf(s, "GCM with garbage AuthenticationAlgorithm", a, len, OK, NULL);
}

static void test_gmac(struct session *s)
{
	static const ULONG ciphers[] = { ENC(AES_CBC_128), ENC(DES_CBC), ENC(3_DES_CBC) };
	struct sa_spec spec;
	char what[64];

	spec = sa_spec_esp(next_spi++, ENC(NONE), AUTH(AES_GCM_128));
	expect(s, "GMAC AdditionalInfo 0", &spec, OK, NULL);
	spec.m[0].auth.add_info = 16;
	expect(s, "GMAC AdditionalInfo 16", &spec, OK, NULL);
	spec.m[0].auth.add_info = 12;
	expect(s, "GMAC AdditionalInfo 12", &spec, INVAL, "AdditionalInfo");
	spec = sa_spec_ah(next_spi++, AUTH(AES_GCM_192));
	spec.m[0].auth.add_info = 8;
	expect(s, "AH GMAC AdditionalInfo 8", &spec, INVAL, "AdditionalInfo");
	for (size_t i = 0; i < 3; i++) {
		spec = sa_spec_esp(next_spi++, ciphers[i], AUTH(AES_GCM_256));
		snprintf(what, sizeof(what), "GMAC with cipher 0x%x", ciphers[i]);
		expect(s, what, &spec, INVAL, "AuthenticationAlgorithm");
	}
}

/* ESP needs a cipher or authentication or both (RFC 4303 §3.2: not both
 * NULL); "ESP encryption only" is a NumExtHdrs-1 row of the ADD_SA table. */
static void test_esp_auth(struct session *s)
{
	struct sa_spec spec;
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a;

	spec = sa_spec_esp(next_spi++, 0, 0);
	expect(s, "ESP with nothing", &spec, INVAL, "AuthenticationAlgorithm");
	spec = sa_spec_esp(next_spi++, ENC(NONE), 0);
	expect(s, "ESP NULL without auth", &spec, INVAL, "AuthenticationAlgorithm");
	spec = sa_spec_esp(next_spi++, ENC(AES_CBC_128), 0);
	expect(s, "ESP CBC without auth alone", &spec, OK, NULL);
	spec = sa_spec_bundle(next_spi, ENC(AES_CBC_128), 0, next_spi + 1, AUTH(SHA_1));
	next_spi += 2;
	expect(s, "[ESP CBC without auth, AH]", &spec, OK, NULL);
	spec = sa_spec_bundle(next_spi, ENC(NONE), 0, next_spi + 1, AUTH(SHA_1));
	next_spi += 2;
	expect(s, "[ESP NULL without auth, AH]", &spec, INVAL, "AuthenticationAlgorithm");
	spec = sa_spec_esp(next_spi++, 0, AUTH(SHA_1));
	expect(s, "ESP auth only (Identifier 0)", &spec, OK, NULL);
	/* Identifier 0 means absent: its other fields must be zero too. */
	spec = sa_spec_bundle(next_spi, ENC(DES_CBC), 0, next_spi + 1, AUTH(MD5));
	next_spi += 2;
	a = sa_build_add(&b, &spec, &len);
	a->SecAssoc[0].AuthenticationAlgorithm.KeyLength = 4;
	expect_buf(s, "[ESP auth Identifier 0 with KeyLength 4, AH]", a, len, INVAL,
		   "AuthenticationAlgorithm");
	spec = esp_cbc_sha();
	a = sa_build_add(&b, &spec, &len);
	a->SecAssoc[0].EncryptionAlgorithm.Identifier = 0;
	expect_buf(s, "ESP enc Identifier 0 with KeyLength 16", a, len, INVAL,
		   "EncryptionAlgorithm");
}

static void test_ah_enc(struct session *s)
{
	struct sa_spec spec = sa_spec_ah(next_spi++, AUTH(SHA_256));

	spec.m[0].enc.id = ENC(DES_CBC);
	spec.m[0].enc.key_len = 8;
	expect(s, "AH with DES", &spec, INVAL, "EncryptionAlgorithm");
	spec = sa_spec_ah(next_spi++, AUTH(SHA_256));
	spec.m[0].enc.add_info = 1;
	expect(s, "AH with EncryptionAlgorithm.AdditionalInfo 1", &spec, INVAL,
	       "EncryptionAlgorithm");
	spec = sa_spec_ah(next_spi++, AUTH(SHA_256));
	spec.m[0].enc.id = ENC(NONE);
	expect(s, "AH with ENCRYPTION_NONE", &spec, INVAL, "EncryptionAlgorithm");
}

/* Each key must lie within KeyData[0 .. KeyLength). */
static void test_key_ranges(struct session *s)
{
	struct sa_spec spec = esp_cbc_sha();   /* enc key 0..15, auth key 16..35 */
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, &spec, &len);
	IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai = &a->SecAssoc[0].AuthenticationAlgorithm;
	IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ei = &a->SecAssoc[0].EncryptionAlgorithm;

	IPOC_CHECK_EQ(a->KeyLength, 36);
	ai->KeyOffsetBytes = 17;
	expect_buf(s, "auth key one byte past KeyLength", a, len, INVAL, "offset");
	ai->KeyOffsetBytes = 0xFFFFFFFFu - 10;
	expect_buf(s, "auth KeyOffsetBytes near UINT32_MAX", a, len, INVAL, "offset");
	ai->KeyOffsetBytes = 16;
	ei->KeyOffsetBytes = 21;
	expect_buf(s, "enc key one byte past KeyLength", a, len, INVAL, "offset");
	ei->KeyOffsetBytes = 0xFFFFFFF8u;
	expect_buf(s, "enc KeyOffsetBytes near UINT32_MAX", a, len, INVAL, "offset");
	ei->KeyOffsetBytes = 20;   /* last 16 bytes: ends exactly at KeyLength */
	expect_buf(s, "enc key ending at KeyLength", a, len, OK, NULL);
	ei->KeyOffsetBytes = 0;
	a->KeyLength = 35;
	expect_buf(s, "KeyLength one short of the auth key", a, len, INVAL, "offset");
}

static void test_udp_esp(struct session *s)
{
	static const ULONG good[] = { 1, 2, 4, 8 };
	static const ULONG bad[] = { 3, 16, 0x80000000u };
	struct sa_spec spec;
	char what[64];

	for (size_t i = 0; i < 4; i++) {
		spec = esp_gcm();
		spec.udp_esp = good[i];
		snprintf(what, sizeof(what), "UdpEspEncapsulation %u", good[i]);
		expect(s, what, &spec, OK, NULL);
	}
	for (size_t i = 0; i < 3; i++) {
		spec = esp_gcm();
		spec.udp_esp = bad[i];
		snprintf(what, sizeof(what), "UdpEspEncapsulation 0x%x", bad[i]);
		expect(s, what, &spec, INVAL, "UdpEspEncapsulation");
	}
	spec = sa_spec_ah(next_spi++, AUTH(SHA_1));
	spec.udp_esp = 1;
	expect(s, "UDP-ESP with AH", &spec, INVAL, "UdpEspEncapsulation");
	spec = bundle();
	spec.udp_esp = 2;
	expect(s, "UDP-ESP with NumExtHdrs 2", &spec, INVAL, "UdpEspEncapsulation");
}

static void set_v6(struct sa_spec *spec, uint8_t last)
{
	static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	spec->flags |= IPSEC_OFFLOAD_V2_IPv6;
	memcpy(spec->src, pfx, 4);
	memcpy(spec->dst, pfx, 4);
	memset(spec->src + 4, 0, 12);
	memset(spec->dst + 4, 0, 12);
	spec->src[15] = 1;
	spec->dst[15] = last;
}

static void test_ipv6(struct session *s)
{
	struct sa_spec spec = esp_gcm();

	set_v6(&spec, 2);
	expect(s, "IPv6 outbound", &spec, OK, NULL);
	spec.flags |= IPSEC_OFFLOAD_V2_INBOUND;
	expect(s, "IPv6 inbound", &spec, OK, NULL);
	expect(s, "IPv6 inbound duplicate", &spec, INVAL, "SPI");
	spec.dst[15] = 3;
	expect(s, "IPv6 inbound, same SPI, other dst", &spec, OK, NULL);
	/* The address family is part of the key (PROFILE item 27): inbound to
	 * 32.1.13.184 and to 2001:db8:: have the same address bytes. */
	spec.flags &= ~(ULONG)IPSEC_OFFLOAD_V2_IPv6;
	expect(s, "IPv4 inbound to 32.1.13.184", &spec, OK, NULL);
	set_v6(&spec, 0);
	expect(s, "IPv6 inbound to 2001:db8::, same SPI", &spec, OK, NULL);
	spec = bundle();
	set_v6(&spec, 2);
	expect(s, "IPv6 [ESP, AH]", &spec, OK, NULL);
}

/* Inbound SAs are found by SPI + destination + protocol: no two alike. */
static void test_duplicates(struct session *s)
{
	struct sa_spec in = esp_gcm(), ah, two;
	NDIS_HANDLE h = NULL;
	unsigned before = ipoc_test_failed;

	in.flags = IPSEC_OFFLOAD_V2_INBOUND;
	IPOC_CHECK_EQ(sa_add(s, &in, &h), OK);
	expect(s, "inbound duplicate", &in, INVAL, "SPI");
	in.m[0].enc.id = ENC(AES_GCM_256);   /* other algorithm, same key */
	in.m[0].enc.key_len = 36;
	expect(s, "inbound duplicate, other cipher", &in, INVAL, "SPI");
	in.flags = 0;
	expect(s, "outbound, same SPI", &in, OK, NULL);
	expect(s, "outbound duplicate", &in, OK, NULL);
	in.flags = IPSEC_OFFLOAD_V2_INBOUND;
	sa_spec_v4(&in, 0x0A000001u, 0x0A000003u);
	expect(s, "inbound, same SPI, other dst", &in, OK, NULL);
	sa_spec_v4(&in, 0x0A000009u, 0x0A000002u);
	expect(s, "inbound, same SPI and dst, other src", &in, INVAL, "SPI");
	ah = sa_spec_ah(in.m[0].spi, AUTH(MD5));
	ah.flags = IPSEC_OFFLOAD_V2_INBOUND;
	expect(s, "inbound AH with the SPI of an inbound ESP", &ah, OK, NULL);
	two = sa_spec_bundle(next_spi++, ENC(DES_CBC), AUTH(MD5), in.m[0].spi, AUTH(SHA_1));
	two.flags = IPSEC_OFFLOAD_V2_INBOUND;
	expect(s, "inbound bundle whose AH SPI is taken", &two, INVAL, "SPI");
	IPOC_CHECK_EQ(sa_delete(s, h), OK);
	sa_spec_v4(&in, 0x0A000001u, 0x0A000002u);
	expect(s, "inbound again after DELETE_SA", &in, OK, NULL);
	where(before, "test_duplicates");
}

static void expect_ex(struct session *s, const char *what, IPSEC_OFFLOAD_V2_ADD_SA_EX *a,
		      uint32_t len, NDIS_STATUS want, const char *field)
{
	expect_oid(s, what, ADD_SA_EX, a, &a->OffloadHandle, len, want, field);
}

static void test_add_sa_ex(struct session *s)
{
	struct sa_spec spec = esp_cbc_sha();
	struct sa_buf b;
	uint32_t len, needed = 0;
	IPSEC_OFFLOAD_V2_ADD_SA_EX *a = sa_build_add_ex(&b, &spec, 176, &len);

	expect_ex(s, "ADD_SA_EX keys at 176", a, len, OK, NULL);
	IPOC_CHECK_EQ(sa_set(s, ADD_SA_EX, a, 169, &needed), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 170);
	a->Header.Size = 169;
	expect_ex(s, "ADD_SA_EX Header.Size 169", a, len, INVAL, "Header");
	a->Header.Size = 170;
	expect_ex(s, "ADD_SA_EX Header.Size 170", a, len, OK, NULL);
	a->Header.Type = 0;
	expect_ex(s, "ADD_SA_EX Header.Type 0", a, len, INVAL, "Header");
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	expect_ex(s, "ADD_SA_EX buffer one short of the keys", a, len - 1, INVAL, "KeyOffset");
	a->KeyOffset = 0xFFFFFFF0u;
	expect_ex(s, "ADD_SA_EX KeyOffset near UINT32_MAX", a, len, INVAL, "KeyOffset");
	a->KeyOffset = 169;   /* inside the structure (VlanId) */
	expect_ex(s, "ADD_SA_EX KeyOffset 169", a, len, INVAL, "KeyOffset");
	a->KeyOffset = 0;
	expect_ex(s, "ADD_SA_EX KeyOffset 0", a, len, INVAL, "KeyOffset");
	a = sa_build_add_ex(&b, &spec, 170, &len);
	expect_ex(s, "ADD_SA_EX KeyOffset 170", a, len, OK, NULL);
	a = sa_build_add_ex(&b, &spec, 600, &len);
	expect_ex(s, "ADD_SA_EX KeyOffset 600", a, len, OK, NULL);
	a->KeyLength = 0xFFFFFFFFu;
	expect_ex(s, "ADD_SA_EX KeyLength 0xFFFFFFFF", a, len, INVAL, "KeyOffset");
	a->KeyLength = 36;
	a->SecAssoc[0].AuthenticationAlgorithm.KeyOffsetBytes = 17;
	expect_ex(s, "ADD_SA_EX auth key past KeyLength", a, len, INVAL, "offset");
	a->SecAssoc[0].AuthenticationAlgorithm.KeyOffsetBytes = 16;
	a->SecAssoc[0].Spi = 0;
	expect_ex(s, "ADD_SA_EX Spi 0", a, len, INVAL, "Spi");
	a->SecAssoc[0].Spi = next_spi++;
	a->NumExtHdrs = 2;
	expect_ex(s, "ADD_SA_EX NumExtHdrs 2 with one member", a, len, INVAL, "Operation");
	spec = bundle();
	spec.flags = IPSEC_OFFLOAD_V2_INBOUND;
	set_v6(&spec, 9);
	a = sa_build_add_ex(&b, &spec, 176, &len);
	expect_ex(s, "ADD_SA_EX inbound IPv6 [ESP, AH]", a, len, OK, NULL);
	expect_ex(s, "ADD_SA_EX inbound duplicate", a, len, INVAL, "SPI");
}

int main(int argc, char **argv)
{
	static void (*const tests[])(struct session *) = {
		test_header, test_lengths, test_shape, test_flags, test_auth_algs,
		test_enc_algs, test_identifiers, test_gcm, test_gmac, test_esp_auth,
		test_ah_enc, test_key_ranges, test_udp_esp, test_ipv6, test_duplicates,
		test_add_sa_ex,
	};
	struct session s;

	(void)argc;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (sa_open(&s, 0) != 0) {
			IPOC_CHECK(!"sa_open");
			break;
		}
		tests[i](&s);
		session_close(&s);
	}
	return ipoc_test_report(argv[0]);
}
