/* SPDX-License-Identifier: MIT */
/*
 * test_ref_caps.c - the reference engine's capability report and the OID
 * dispatch around it, through the engine ABI only: OID_TCP_OFFLOAD_
 * CURRENT_CONFIG and _HARDWARE_CAPABILITIES (spec 3.1, 3.2, R-CAP-2,
 * R-CAP-3, R-CAP-5, R-CAP-8), the generic buffer and request-type checks
 * (R-SA-13), and OID_TCP_OFFLOAD_PARAMETERS (spec 3.3): each IPsecV1 and
 * IPsecV2 value, all-or-nothing rejection, revision handling, and the
 * effect on ADD_SA.
 */
#include <stdint.h>
#include <string.h>

#include "ipoc_test.h"
#include "engine_io.h"

#ifndef IPOC_TEST_DEFAULT_SA_CAPACITY
#define IPOC_TEST_DEFAULT_SA_CAPACITY 1024
#endif

#define ALL_AUTH 0x3Fu     /* MD5 .. AES_GCM_256 (spec 5.2) */
#define ALL_ENC  0x1FFu    /* NONE .. AES_CBC_256 (spec 5.2) */
#define ALL_UDP_ESP 0xFu   /* the four UDP-ESP types (spec 5.3) */

static NDIS_OFFLOAD query(struct session *s, NDIS_OID oid)
{
	NDIS_OFFLOAD o;

	IPOC_CHECK_EQ(sa_query_offload(s, oid, &o), NDIS_STATUS_SUCCESS);
	return o;
}

static void check_header(const NDIS_OFFLOAD *o)
{
	IPOC_CHECK_EQ(o->Header.Type, 0xA7);
	IPOC_CHECK_EQ(o->Header.Revision, 2);
	IPOC_CHECK_EQ(o->Header.Size, 144);
}

/* The whole IPsecOV2 set the reference engine claims. */
static void check_full_v2(const NDIS_IPSEC_OFFLOAD_V2 *v2, uint32_t capacity)
{
	IPOC_CHECK(v2->Encapsulation & NDIS_ENCAPSULATION_IEEE_802_3);   /* R-CAP-2 */
	IPOC_CHECK_EQ(v2->IPv6Supported, TRUE);
	IPOC_CHECK_EQ(v2->IPv4Options, TRUE);
	IPOC_CHECK_EQ(v2->IPv6NonIPsecExtensionHeaders, TRUE);
	IPOC_CHECK_EQ(v2->Ah, TRUE);
	IPOC_CHECK_EQ(v2->Esp, TRUE);
	IPOC_CHECK_EQ(v2->AhEspCombined, TRUE);
	IPOC_CHECK_EQ(v2->Transport, TRUE);
	IPOC_CHECK_EQ(v2->Tunnel, TRUE);                                  /* R-CAP-3 */
	IPOC_CHECK_EQ(v2->TransportTunnelCombined, TRUE);
	IPOC_CHECK_EQ(v2->LsoSupported, TRUE);
	IPOC_CHECK_EQ(v2->ExtendedSequenceNumbers, TRUE);
	IPOC_CHECK_EQ(v2->UdpEsp, ALL_UDP_ESP);
	IPOC_CHECK_EQ(v2->AuthenticationAlgorithms, ALL_AUTH);
	IPOC_CHECK_EQ(v2->EncryptionAlgorithms, ALL_ENC);
	IPOC_CHECK_EQ(v2->SaOffloadCapacity, capacity);
}

static void check_v1_ah(const NDIS_IPSEC_OFFLOAD_V1 *v1, unsigned on)
{
	IPOC_CHECK_EQ(v1->IPv4AH.Md5, on);
	IPOC_CHECK_EQ(v1->IPv4AH.Sha_1, on);
	IPOC_CHECK_EQ(v1->IPv4AH.Transport, on);
	IPOC_CHECK_EQ(v1->IPv4AH.Tunnel, on);
	IPOC_CHECK_EQ(v1->IPv4AH.Send, on);
	IPOC_CHECK_EQ(v1->IPv4AH.Receive, on);
}

static void check_v1_esp(const NDIS_IPSEC_OFFLOAD_V1 *v1, unsigned on)
{
	IPOC_CHECK_EQ(v1->IPv4ESP.Des, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.TripleDes, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.NullEsp, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.Transport, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.Tunnel, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.Send, on);
	IPOC_CHECK_EQ(v1->IPv4ESP.Receive, on);
}

static void check_full_v1(const NDIS_IPSEC_OFFLOAD_V1 *v1)
{
	IPOC_CHECK(v1->Supported.Encapsulation & NDIS_ENCAPSULATION_IEEE_802_3);
	IPOC_CHECK_EQ(v1->Supported.AhEspCombined, 1);
	IPOC_CHECK_EQ(v1->Supported.IPv4Options, 1);
	/* No UDP-ESP parser entries: the V1 UDPESP OIDs are not served, so
	 * Supported.Flags must stay clear (R-CAP-8). */
	IPOC_CHECK_EQ(v1->Supported.Flags, 0);
	check_v1_ah(v1, NDIS_OFFLOAD_SUPPORTED);
	check_v1_esp(v1, NDIS_OFFLOAD_SUPPORTED);
}

static void test_report(uint32_t open_capacity, uint32_t want_capacity)
{
	struct session s;
	NDIS_OFFLOAD cur, hw;

	if (sa_open(&s, open_capacity) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	cur = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG);
	hw = query(&s, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES);
	check_header(&cur);
	check_header(&hw);
	check_full_v2(&cur.IPsecV2, want_capacity);
	check_full_v2(&hw.IPsecV2, want_capacity);
	check_full_v1(&cur.IPsecV1);
	check_full_v1(&hw.IPsecV1);
	session_close(&s);
}

/* Generic OID checks: short query buffer, wrong request type, unknown OIDs,
 * misaligned buffers, no buffer. */
static void test_dispatch(void)
{
	uint64_t buf[40];
	uint32_t needed = 0;
	struct session s;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	memset(buf, 0, sizeof(buf));
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, 143,
				  &needed), NDIS_STATUS_BUFFER_TOO_SHORT);
	IPOC_CHECK_EQ(needed, 144);
	needed = 0;
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
				  buf, 0, &needed), NDIS_STATUS_BUFFER_TOO_SHORT);
	IPOC_CHECK_EQ(needed, 144);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, NULL, 144,
				  &needed), NDIS_STATUS_BUFFER_TOO_SHORT);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, 144,
				  NULL), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_SET, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, 144,
				  NULL), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_METHOD, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
				  buf, 144, NULL), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_PARAMETERS, buf, 24,
				  NULL), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, buf,
				  sizeof(buf), NULL), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, 0x00010101u, buf, sizeof(buf), NULL),
		      NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_TASK_OFFLOAD, buf, sizeof(buf),
				  NULL), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_SET, 0xFC0302FFu, buf, sizeof(buf), NULL),
		      NDIS_STATUS_NOT_SUPPORTED);
	s.last_log[0] = '\0';
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG,
				  (char *)buf + 4, 144, NULL), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "aligned");
	IPOC_CHECK_EQ(session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
				  (char *)buf + 1, 144, NULL), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, (char *)buf + 4, 24, NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	session_close(&s);
}

/* OID_TCP_OFFLOAD_PARAMETERS with IPsecV2 = v; returns the current V2. */
static NDIS_IPSEC_OFFLOAD_V2 set_v2(struct session *s, UCHAR v)
{
	IPOC_CHECK_EQ(sa_params(s, 0, v), NDIS_STATUS_SUCCESS);
	return query(s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV2;
}

static void check_hw_full(struct session *s)
{
	NDIS_OFFLOAD hw = query(s, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES);

	check_full_v2(&hw.IPsecV2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	check_full_v1(&hw.IPsecV1);
}

static void test_params_v2(void)
{
	static const NDIS_IPSEC_OFFLOAD_V2 zero;
	NDIS_IPSEC_OFFLOAD_V2 v2;
	struct session s;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	v2 = set_v2(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED);
	IPOC_CHECK_EQ(v2.Ah, TRUE);
	IPOC_CHECK_EQ(v2.Esp, FALSE);
	IPOC_CHECK_EQ(v2.UdpEsp, 0);
	IPOC_CHECK_EQ(v2.EncryptionAlgorithms, 0);
	IPOC_CHECK_EQ(v2.AhEspCombined, FALSE);
	IPOC_CHECK_EQ(v2.AuthenticationAlgorithms, ALL_AUTH);
	IPOC_CHECK_EQ(v2.SaOffloadCapacity, IPOC_TEST_DEFAULT_SA_CAPACITY);
	check_hw_full(&s);
	v2 = set_v2(&s, NDIS_OFFLOAD_PARAMETERS_NO_CHANGE);
	IPOC_CHECK_EQ(v2.Ah, TRUE);
	IPOC_CHECK_EQ(v2.Esp, FALSE);
	v2 = set_v2(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED);
	IPOC_CHECK_EQ(v2.Ah, FALSE);
	IPOC_CHECK_EQ(v2.Esp, TRUE);
	IPOC_CHECK_EQ(v2.AhEspCombined, FALSE);
	IPOC_CHECK_EQ(v2.UdpEsp, ALL_UDP_ESP);
	IPOC_CHECK_EQ(v2.EncryptionAlgorithms, ALL_ENC);
	check_hw_full(&s);
	v2 = set_v2(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED);
	IPOC_CHECK_MEM(&v2, &zero, sizeof(zero));
	check_hw_full(&s);
	v2 = set_v2(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED);
	check_full_v2(&v2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	session_close(&s);
}

static void test_params_v1(void)
{
	NDIS_IPSEC_OFFLOAD_V1 v1;
	NDIS_IPSEC_OFFLOAD_V2 v2;
	struct session s;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	IPOC_CHECK_EQ(sa_params(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_ENABLED, 0),
		      NDIS_STATUS_SUCCESS);
	v1 = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV1;
	check_v1_ah(&v1, NDIS_OFFLOAD_SUPPORTED);
	check_v1_esp(&v1, NDIS_OFFLOAD_NOT_SUPPORTED);
	IPOC_CHECK_EQ(v1.Supported.AhEspCombined, 0);
	IPOC_CHECK_EQ(sa_params(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_ESP_ENABLED, 0),
		      NDIS_STATUS_SUCCESS);
	v1 = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV1;
	check_v1_ah(&v1, NDIS_OFFLOAD_NOT_SUPPORTED);
	check_v1_esp(&v1, NDIS_OFFLOAD_SUPPORTED);
	IPOC_CHECK_EQ(sa_params(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED, 0),
		      NDIS_STATUS_SUCCESS);
	v1 = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV1;
	check_v1_ah(&v1, NDIS_OFFLOAD_NOT_SUPPORTED);
	check_v1_esp(&v1, NDIS_OFFLOAD_NOT_SUPPORTED);
	/* IPsecV1 changes leave IPsecV2 alone. */
	v2 = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV2;
	check_full_v2(&v2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	IPOC_CHECK_EQ(sa_params(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED, 0),
		      NDIS_STATUS_SUCCESS);
	v1 = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG).IPsecV1;
	check_full_v1(&v1);
	check_hw_full(&s);
	session_close(&s);
}

/* A rejected request changes nothing, V1 included (all or nothing). */
static void test_params_reject(void)
{
	NDIS_OFFLOAD cur;
	struct session s;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	IPOC_CHECK_EQ(sa_params(&s, 0, 5), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "IPsecV2");
	IPOC_CHECK_EQ(sa_params(&s, NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED, 5),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(sa_params(&s, 5, NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "IPsecV1");
	IPOC_CHECK_EQ(sa_params(&s, 0xFF, 0xFF), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(sa_params_ex(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED, 5),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "IPsecV2IPv4");
	IPOC_CHECK_EQ(sa_params_ex(&s, 0, 0, 4), NDIS_STATUS_SUCCESS);   /* range-checked only */
	cur = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG);
	check_full_v1(&cur.IPsecV1);
	check_full_v2(&cur.IPsecV2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	session_close(&s);
}

/* Revision 1 parameters end at Flags: the IPsecV2 byte is not theirs. */
static void test_params_revision(void)
{
	union {
		NDIS_OFFLOAD_PARAMETERS p;
		void *align;
	} u;
	NDIS_OFFLOAD cur;
	struct session s;
	uint32_t needed = 0;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	memset(&u, 0, sizeof(u));
	u.p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_1;
	u.p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1;
	u.p.IPsecV2 = NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL),
		      NDIS_STATUS_SUCCESS);
	cur = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG);
	check_full_v2(&cur.IPsecV2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	u.p.IPsecV2 = 5;   /* ignored as well */
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, 20, NULL), NDIS_STATUS_SUCCESS);
	u.p.IPsecV1 = NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, 20, NULL), NDIS_STATUS_SUCCESS);
	cur = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG);
	check_v1_ah(&cur.IPsecV1, NDIS_OFFLOAD_NOT_SUPPORTED);
	check_full_v2(&cur.IPsecV2, IPOC_TEST_DEFAULT_SA_CAPACITY);
	/* Buffer and header checks; each would switch V1 back on. */
	u.p.IPsecV1 = NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, 19, &needed),
		      NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 20);
	u.p.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "Header");
	u.p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.p.Header.Revision = 0;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	u.p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	u.p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 - 1;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "Size");
	u.p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, 20, NULL),
		      NDIS_STATUS_INVALID_PARAMETER);   /* Size beyond the buffer */
	/* Nothing of the rejected requests took effect: V1 is still off. */
	cur = query(&s, OID_TCP_OFFLOAD_CURRENT_CONFIG);
	check_v1_ah(&cur.IPsecV1, NDIS_OFFLOAD_NOT_SUPPORTED);
	session_close(&s);
}

/* What PARAMETERS switched off, ADD_SA refuses with NOT_SUPPORTED. */
static void test_params_gate_add_sa(void)
{
	struct sa_spec esp = sa_spec_esp(0x100, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);
	struct sa_spec ah = sa_spec_ah(0x200, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	struct sa_spec both = sa_spec_bundle(0x300, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
					     IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 0x301,
					     IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256);
	struct sa_spec esn = sa_spec_esp(0x99, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);
	struct session s;
	NDIS_HANDLE h = NULL, old = NULL;

	if (sa_open(&s, 0) != 0) {
		IPOC_CHECK(!"open");
		return;
	}
	esn.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	IPOC_CHECK_EQ(sa_add(&s, &esn, &old), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED),
		      NDIS_STATUS_SUCCESS);
	/* SAs added before stay (PROFILE P-6). */
	IPOC_CHECK_EQ(sa_update(&s, old, IPsecOffloadV2Esp, 0x99, 1), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_add(&s, &esp, &h), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_STR_HAS(s.last_log, "ESP");
	IPOC_CHECK(h == NULL);
	IPOC_CHECK_EQ(sa_add(&s, &both, NULL), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_EQ(sa_add(&s, &ah, &h), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(h != NULL);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED),
		      NDIS_STATUS_SUCCESS);
	ah.m[0].spi = 0x201;
	IPOC_CHECK_EQ(sa_add(&s, &ah, NULL), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_STR_HAS(s.last_log, "AH");
	IPOC_CHECK_EQ(sa_add(&s, &esp, NULL), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED),
		      NDIS_STATUS_SUCCESS);
	esp.m[0].spi = 0x101;
	IPOC_CHECK_EQ(sa_add(&s, &esp, NULL), NDIS_STATUS_NOT_SUPPORTED);
	ah.m[0].spi = 0x202;
	IPOC_CHECK_EQ(sa_add(&s, &ah, NULL), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED),
		      NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_add(&s, &both, NULL), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_delete(&s, old), NDIS_STATUS_SUCCESS);
	session_close(&s);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_report(0, IPOC_TEST_DEFAULT_SA_CAPACITY);
	test_report(7, 7);
	test_report(1, 1);
	/* A capacity beyond what open sets up is bounded, and the report says
	 * so (2^31 once made the index sizing loop forever). */
	test_report(0xFFFFFFFFu, 1u << 20);
	test_dispatch();
	test_params_v2();
	test_params_v1();
	test_params_reject();
	test_params_revision();
	test_params_gate_add_sa();
	return ipoc_test_report(argv[0]);
}
