/* SPDX-License-Identifier: MIT */
/*
 * test_ref_sa_v1.c - IPsecOV1 SA management in the reference engine,
 * through the engine ABI only: OID_TCP_TASK_IPSEC_ADD_SA with
 * OFFLOAD_IPSEC_ADD_SA (no NDIS object header) and OID_TCP_TASK_IPSEC_
 * DELETE_SA (spec 4.2, 6.3, section 8 item 21), the IPsecV1 switch of
 * OID_TCP_OFFLOAD_PARAMETERS, and the UDP-ESP OIDs the engine does not
 * serve (R-CAP-8).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipoc_test.h"
#include "engine_io.h"

#define GARBAGE ((HANDLE)(uintptr_t)0x5A5A5A5A5A5A5A5Aull)
#define OK NDIS_STATUS_SUCCESS
#define INVAL NDIS_STATUS_INVALID_PARAMETER
#define NOTSUP NDIS_STATUS_NOT_SUPPORTED
#define MD5 OFFLOAD_IPSEC_INTEGRITY_MD5
#define SHA OFFLOAD_IPSEC_INTEGRITY_SHA
#define DES OFFLOAD_IPSEC_CONF_DES
#define TDES OFFLOAD_IPSEC_CONF_3_DES
#define KEYMAT_OFF ((uint32_t)offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat))

/* One SecAssoc entry: algorithm ids and key lengths (0, 0 = none). */
struct v1_sa {
	ULONG op;
	ULONG integ, integ_len;
	ULONG conf, conf_len;
};

struct v1_buf {
	uint64_t w[64];
};

static ULONG next_spi = 0x500;

static ULONG v1_key_len(ULONG id, bool conf)
{
	if (conf)
		return id == DES ? 8 : id == TDES ? 24 : 0;
	return id == MD5 ? 16 : id == SHA ? 20 : 0;
}

static struct v1_sa ah(ULONG integ)
{
	struct v1_sa m = { AUTHENTICATE, integ, v1_key_len(integ, false), 0, 0 };

	return m;
}

static struct v1_sa esp(ULONG conf, ULONG integ)
{
	struct v1_sa m = { ENCRYPT, integ, v1_key_len(integ, false), conf, v1_key_len(conf, true) };

	return m;
}

/* An outbound transport SA 10.0.0.1 -> 10.0.0.2 of n entries; KeyLen is
 * the sum of the entries' key lengths. *len = KeyMat offset + KeyLen. */
static OFFLOAD_IPSEC_ADD_SA *build(struct v1_buf *b, int n, const struct v1_sa *m,
				   uint32_t *len)
{
	OFFLOAD_IPSEC_ADD_SA *a = (OFFLOAD_IPSEC_ADD_SA *)b->w;
	ULONG keys = 0;

	memset(b, 0, sizeof(*b));
	a->SrcAddr = 0x0100000Au;    /* 10.0.0.1, network order */
	a->DestAddr = 0x0200000Au;
	a->SrcMask = a->DestMask = 0xFFFFFFFFu;
	a->Flags = OFFLOAD_OUTBOUND_SA;
	a->NumSAs = (SHORT)n;
	for (int i = 0; i < n && i < OFFLOAD_MAX_SAS; i++) {
		a->SecAssoc[i].Operation = (OFFLOAD_OPERATION_E)m[i].op;
		a->SecAssoc[i].SPI = next_spi++;
		a->SecAssoc[i].IntegrityAlgo.algoIdentifier = m[i].integ;
		a->SecAssoc[i].IntegrityAlgo.algoKeylen = m[i].integ_len;
		a->SecAssoc[i].ConfAlgo.algoIdentifier = m[i].conf;
		a->SecAssoc[i].ConfAlgo.algoKeylen = m[i].conf_len;
		keys += m[i].integ_len + m[i].conf_len;
	}
	for (ULONG i = 0; i < keys; i++)
		a->KeyMat[i] = (UCHAR)(0x30 + i);
	a->KeyLen = keys;
	*len = KEYMAT_OFF + keys;
	return a;
}

static void where(unsigned failed_before, const char *what)
{
	if (ipoc_test_failed != failed_before)
		fprintf(stderr, "  ^ in: %s\n", what);
}

static HANDLE send_add(struct session *s, const char *what, OFFLOAD_IPSEC_ADD_SA *a,
		       uint32_t len, NDIS_STATUS want, const char *field)
{
	unsigned before = ipoc_test_failed;

	a->OffloadHandle = GARBAGE;
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_ADD_SA, a, len, NULL), want);
	if (want == OK)
		IPOC_CHECK(a->OffloadHandle != NULL && a->OffloadHandle != GARBAGE);
	else if (want != NDIS_STATUS_INVALID_LENGTH)
		IPOC_CHECK(a->OffloadHandle == NULL);
	if (field)
		IPOC_CHECK_STR_HAS(s->last_log, field);
	where(before, what);
	return a->OffloadHandle;
}

static HANDLE expect(struct session *s, const char *what, int n, const struct v1_sa *m,
		     NDIS_STATUS want, const char *field)
{
	struct v1_buf b;
	uint32_t len;
	OFFLOAD_IPSEC_ADD_SA *a = build(&b, n, m, &len);

	return send_add(s, what, a, len, want, field);
}

static NDIS_STATUS v1_delete(struct session *s, HANDLE h)
{
	OFFLOAD_IPSEC_DELETE_SA d = { h };

	return sa_set(s, OID_TCP_TASK_IPSEC_DELETE_SA, &d, sizeof(d), NULL);
}

static void test_valid(struct session *s)
{
	struct v1_sa m[2];
	HANDLE h[7];

	m[0] = ah(MD5);
	h[0] = expect(s, "AH MD5", 1, m, OK, NULL);
	m[0] = ah(SHA);
	h[1] = expect(s, "AH SHA", 1, m, OK, NULL);
	m[0] = esp(DES, MD5);
	h[2] = expect(s, "ESP DES + MD5", 1, m, OK, NULL);
	m[0] = esp(TDES, SHA);
	h[3] = expect(s, "ESP 3DES + SHA", 1, m, OK, NULL);
	m[0] = esp(0, SHA);
	h[4] = expect(s, "ESP null + SHA", 1, m, OK, NULL);
	m[0] = esp(DES, 0);
	m[1] = ah(MD5);
	h[5] = expect(s, "[ENCRYPT DES, AUTHENTICATE MD5]", 2, m, OK, NULL);
	m[0] = esp(TDES, SHA);
	m[1] = ah(SHA);
	h[6] = expect(s, "[ENCRYPT 3DES+SHA, AUTHENTICATE SHA]", 2, m, OK, NULL);
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < i; j++)
			IPOC_CHECK(h[i] != h[j]);
	for (int i = 0; i < 7; i++)
		IPOC_CHECK_EQ(v1_delete(s, h[i]), OK);
}

static void test_tunnel_inbound(struct session *s)
{
	struct v1_sa m = esp(TDES, SHA);
	struct v1_buf b;
	uint32_t len;
	OFFLOAD_IPSEC_ADD_SA *a = build(&b, 1, &m, &len);

	a->SrcTunnelAddr = 0x0101A8C0u;
	a->DestTunnelAddr = 0x0201A8C0u;
	send_add(s, "tunnel", a, len, OK, NULL);
	a->Flags = OFFLOAD_INBOUND_SA;
	send_add(s, "inbound tunnel", a, len, OK, NULL);
	send_add(s, "inbound duplicate", a, len, INVAL, "SPI");
	a->DestTunnelAddr = 0x0301A8C0u;
	send_add(s, "inbound, other tunnel dst", a, len, OK, NULL);
	a->Flags = OFFLOAD_OUTBOUND_SA;
	send_add(s, "outbound duplicate", a, len, OK, NULL);
}

/* Key material: the entries' key lengths add up to KeyLen exactly. */
static void test_keylen(struct session *s)
{
	struct v1_sa m = esp(DES, MD5);
	struct v1_buf b;
	uint32_t len, needed = 0;
	OFFLOAD_IPSEC_ADD_SA *a = build(&b, 1, &m, &len);

	IPOC_CHECK_EQ(len, KEYMAT_OFF + 24);
	a->KeyLen = 23;
	send_add(s, "KeyLen one short", a, len, INVAL, "KeyLen");
	a->KeyLen = 25;
	send_add(s, "KeyLen one long", a, len + 1, INVAL, "KeyLen");
	a->KeyLen = 0;
	send_add(s, "KeyLen 0", a, len, INVAL, "KeyLen");
	a->KeyLen = 24;
	send_add(s, "buffer one short of KeyLen", a, len - 1, NDIS_STATUS_INVALID_LENGTH, "KeyLen");
	a->KeyLen = 0xFFFFFFFFu;
	send_add(s, "KeyLen 0xFFFFFFFF", a, len, NDIS_STATUS_INVALID_LENGTH, "KeyLen");
	a->KeyLen = 24;
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_ADD_SA, a, KEYMAT_OFF - 1, &needed),
		      NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, KEYMAT_OFF);
	send_add(s, "KeyLen exact", a, len, OK, NULL);
}

static void test_shape(struct session *s)
{
	static const USHORT bad_flags[] = { 0, OFFLOAD_INBOUND_SA | OFFLOAD_OUTBOUND_SA,
					    OFFLOAD_OUTBOUND_SA | 0x4, 0x8000 };
	struct v1_sa m[3] = { esp(DES, MD5), ah(SHA), ah(MD5) };
	struct v1_buf b;
	uint32_t len;
	OFFLOAD_IPSEC_ADD_SA *a = build(&b, 1, m, &len);
	char what[48];

	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		a->Flags = bad_flags[i];
		snprintf(what, sizeof(what), "Flags 0x%x", bad_flags[i]);
		send_add(s, what, a, len, INVAL, "Flags");
	}
	a->Flags = OFFLOAD_OUTBOUND_SA;
	a->NumSAs = 0;
	send_add(s, "NumSAs 0", a, len, INVAL, "NumSAs");
	a->NumSAs = -1;
	send_add(s, "NumSAs -1", a, len, INVAL, "NumSAs");
	a->NumSAs = 1;
	a->SecAssoc[0].Operation = (OFFLOAD_OPERATION_E)3;
	send_add(s, "Operation 3", a, len, INVAL, "Operation");
	expect(s, "NumSAs 3", 3, m, INVAL, "NumSAs");
	m[0] = ah(SHA);
	m[1] = esp(DES, MD5);
	expect(s, "[AUTHENTICATE, ENCRYPT]", 2, m, INVAL, "Operation");
	m[0] = esp(DES, MD5);
	expect(s, "[ENCRYPT, ENCRYPT]", 2, m, INVAL, "Operation");
}

static void test_algorithms(struct session *s)
{
	struct v1_sa m[2];

	m[0] = ah(MD5);
	m[0].integ = OFFLOAD_IPSEC_INTEGRITY_MAX;
	expect(s, "IntegrityAlgo 3", 1, m, NOTSUP, "algoIdentifier");
	m[0] = esp(OFFLOAD_IPSEC_CONF_RESERVED, SHA);
	m[0].conf_len = 8;
	expect(s, "ConfAlgo 2 (reserved)", 1, m, NOTSUP, "algoIdentifier");
	m[0].conf = OFFLOAD_IPSEC_CONF_MAX;
	expect(s, "ConfAlgo 4", 1, m, NOTSUP, "algoIdentifier");
	m[0] = ah(MD5);
	m[0].integ_len = 20;
	expect(s, "MD5 algoKeylen 20", 1, m, INVAL, "algoKeylen");
	m[0] = ah(SHA);
	m[0].integ_len = 16;
	expect(s, "SHA algoKeylen 16", 1, m, INVAL, "algoKeylen");
	m[0] = esp(DES, SHA);
	m[0].conf_len = 16;
	expect(s, "DES algoKeylen 16", 1, m, INVAL, "algoKeylen");
	m[0] = esp(TDES, SHA);
	m[0].conf_len = 8;
	expect(s, "3DES algoKeylen 8", 1, m, INVAL, "algoKeylen");
	/* NONE (0) is a known value; a key length for it is a wrong
	 * algoKeylen, as in IPsecOV2 (ENCRYPTION_NONE with KeyLength 1). */
	m[0] = esp(0, SHA);
	m[0].conf_len = 8;
	expect(s, "ConfAlgo NONE with algoKeylen 8", 1, m, INVAL, "algoKeylen");
	m[0] = ah(SHA);
	m[0].conf = DES;
	m[0].conf_len = 8;
	expect(s, "AH with ConfAlgo", 1, m, INVAL, "ConfAlgo");
	m[0] = ah(0);
	expect(s, "AH without IntegrityAlgo", 1, m, INVAL, "IntegrityAlgo");
	m[0] = esp(DES, 0);
	expect(s, "ESP DES only, alone", 1, m, INVAL, "IntegrityAlgo");
	m[0] = esp(0, 0);
	expect(s, "ESP with nothing", 1, m, INVAL, "IntegrityAlgo");
	m[1] = ah(MD5);
	expect(s, "[ESP with nothing, AH]", 2, m, INVAL, "IntegrityAlgo");
}

static void test_spi(struct session *s)
{
	struct v1_sa m[2] = { esp(DES, 0), ah(MD5) };
	struct v1_buf b;
	uint32_t len;
	OFFLOAD_IPSEC_ADD_SA *a = build(&b, 2, m, &len);

	a->SecAssoc[0].SPI = 0;
	send_add(s, "ESP SPI 0", a, len, INVAL, "SPI");
	a->SecAssoc[0].SPI = 0x9999;
	a->SecAssoc[1].SPI = 0;
	send_add(s, "AH SPI 0", a, len, INVAL, "SecAssoc[1].SPI");
}

static void test_delete(struct session *s)
{
	struct v1_sa m = ah(SHA);
	struct sa_spec v2 = sa_spec_ah(0x777, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	HANDLE h = expect(s, "AH SHA", 1, &m, OK, NULL), h2 = NULL;
	uint32_t needed = 0;
	OFFLOAD_IPSEC_DELETE_SA d = { h };

	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_DELETE_SA, &d, sizeof(d) - 1, &needed),
		      NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, sizeof(d));
	IPOC_CHECK_EQ(v1_delete(s, h), OK);
	IPOC_CHECK_EQ(v1_delete(s, h), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
	IPOC_CHECK_EQ(v1_delete(s, NULL), INVAL);
	IPOC_CHECK_EQ(v1_delete(s, (HANDLE)(uintptr_t)0x0000000700000001ull), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
	IPOC_CHECK_EQ(sa_add(s, &v2, &h2), OK);
	IPOC_CHECK_EQ(v1_delete(s, h2), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
	IPOC_CHECK_EQ(sa_delete(s, h2), OK);   /* still there for V2 */
}

/* OID_TCP_OFFLOAD_PARAMETERS IPsecV1 gates V1 adds, and only those. */
static void test_params(struct session *s)
{
	struct v1_sa m[2] = { esp(DES, 0), ah(MD5) };
	struct v1_sa e = esp(TDES, SHA), a = ah(SHA);
	struct sa_spec v2 = sa_spec_esp(0x888, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, 0);

	IPOC_CHECK_EQ(sa_params(s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_ENABLED, 0), OK);
	expect(s, "ESP with AH only", 1, &e, NOTSUP, "ESP");
	expect(s, "[ESP, AH] with AH only", 2, m, NOTSUP, "ESP");
	expect(s, "AH with AH only", 1, &a, OK, NULL);
	IPOC_CHECK_EQ(sa_params(s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_ESP_ENABLED, 0), OK);
	expect(s, "AH with ESP only", 1, &a, NOTSUP, "AH");
	expect(s, "ESP with ESP only", 1, &e, OK, NULL);
	IPOC_CHECK_EQ(sa_params(s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED, 0), OK);
	expect(s, "AH with V1 off", 1, &a, NOTSUP, NULL);
	expect(s, "ESP with V1 off", 1, &e, NOTSUP, NULL);
	IPOC_CHECK_EQ(sa_add(s, &v2, NULL), OK);   /* IPsecOV2 is unaffected */
	IPOC_CHECK_EQ(sa_params(s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED, 0), OK);
	expect(s, "[ESP, AH] with V1 on", 2, m, OK, NULL);
}

static void test_udpesp_oids(struct session *s)
{
	uint64_t w[64];

	memset(w, 0, sizeof(w));
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_ADD_UDPESP_SA, w, sizeof(w), NULL), NOTSUP);
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA, w,
			     sizeof(OFFLOAD_IPSEC_DELETE_UDPESP_SA), NULL), NOTSUP);
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_OFFLOAD, w, sizeof(w), NULL), NOTSUP);
	IPOC_CHECK_EQ(session_oid(s, IPOC_REQUEST_QUERY, OID_TCP_TASK_IPSEC_ADD_SA, w, sizeof(w),
				  NULL), NDIS_STATUS_INVALID_DEVICE_REQUEST);
}

static void test_capacity(void)
{
	struct v1_sa m = ah(MD5);
	struct session s;
	HANDLE h;

	if (sa_open(&s, 1) != 0) {
		IPOC_CHECK(!"sa_open");
		return;
	}
	h = expect(&s, "first of capacity 1", 1, &m, OK, NULL);
	expect(&s, "second of capacity 1", 1, &m, NDIS_STATUS_RESOURCES, "room");
	IPOC_CHECK_EQ(v1_delete(&s, h), OK);
	expect(&s, "after delete", 1, &m, OK, NULL);
	session_close(&s);
}

int main(int argc, char **argv)
{
	static void (*const tests[])(struct session *) = {
		test_valid, test_tunnel_inbound, test_keylen, test_shape, test_algorithms,
		test_spi, test_delete, test_params, test_udpesp_oids,
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
	test_capacity();
	return ipoc_test_report(argv[0]);
}
