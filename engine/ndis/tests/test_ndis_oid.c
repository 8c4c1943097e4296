/* SPDX-License-Identifier: MIT */
/*
 * test_ndis_oid.c - engine/ndis's OID request checks and the offload OIDs'
 * structures alone: dispatch statuses and Bytes* fields, the
 * OFFLOAD_PARAMETERS switch (all or nothing), the masks and the header.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipoc_test.h"
#include "ndis_oid.h"

static char last_log[512];
static unsigned handler_calls;

static void log_line(void *ctx, int level, const char *fmt, va_list ap)
{
	(void)ctx, (void)level;
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
}

static const struct ndis_ctx ctx = { .log = log_line };

static NDIS_STATUS h_query(void *engine, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	handler_calls++;
	IPOC_CHECK(engine == &handler_calls);
	ndis_offload_header(&off);
	off.IPsecV2.Esp = TRUE;
	return ndis_oid_answer_offload(req, &off);
}

static NDIS_STATUS h_set(void *engine, struct ipoc_oid_request *req)
{
	(void)engine;
	handler_calls++;
	IPOC_CHECK_EQ(req->BytesRead, req->InformationBufferLength);
	return NDIS_STATUS_SUCCESS;
}

static const struct ndis_oid_entry table[] = {
	{ OID_TCP_OFFLOAD_CURRENT_CONFIG, NDIS_OID_QUERY, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2,
	  h_query },
	{ OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, NDIS_OID_SET,
	  NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1, h_set },
};

static struct ipoc_oid_request request(uint32_t type, NDIS_OID oid, void *buf, uint32_t len)
{
	struct ipoc_oid_request r;

	memset(&r, 0, sizeof(r));
	r.struct_size = sizeof(r);
	r.RequestType = type;
	r.Oid = oid;
	r.InformationBuffer = buf;
	r.InformationBufferLength = len;
	r.BytesWritten = r.BytesRead = r.BytesNeeded = 77;   /* garbage in */
	return r;
}

static NDIS_STATUS dispatch(struct ipoc_oid_request *r)
{
	return ndis_oid_dispatch(&ctx, table, sizeof(table) / sizeof(table[0]), &handler_calls, r);
}

static void test_dispatch(void)
{
	alignas(8) uint8_t buf[sizeof(NDIS_OFFLOAD) + 8];
	struct ipoc_oid_request r;
	NDIS_OFFLOAD got;

	r = request(IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, sizeof(buf));
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(r.BytesWritten, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK_EQ(r.BytesRead, 0);
	IPOC_CHECK_EQ(r.BytesNeeded, 0);
	memcpy(&got, buf, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK_EQ(got.Header.Type, NDIS_OBJECT_TYPE_OFFLOAD);
	IPOC_CHECK_EQ(got.Header.Revision, NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK_EQ(got.Header.Size, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK_EQ(got.IPsecV2.Esp, TRUE);

	/* Short query buffer: BUFFER_TOO_SHORT and BytesNeeded. */
	r = request(IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, 10);
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_BUFFER_TOO_SHORT);
	IPOC_CHECK_EQ(r.BytesNeeded, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK_STR_HAS(last_log, "buffer of 10 bytes, needs");
	/* Short set buffer: INVALID_LENGTH. */
	r = request(IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, buf, 4);
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(r.BytesNeeded, NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1);
	/* No buffer at all. */
	r = request(IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, NULL, 100);
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_LENGTH);
	/* Wrong request types. */
	r = request(IPOC_REQUEST_SET, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, sizeof(buf));
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	r = request(IPOC_REQUEST_QUERY, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, buf, sizeof(buf));
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_DEVICE_REQUEST);
	/* METHOD is a SET; BytesRead is the whole buffer. */
	r = request(IPOC_REQUEST_METHOD, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, buf, sizeof(buf));
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(r.BytesRead, sizeof(buf));
	/* Unknown OID. */
	r = request(IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, buf, sizeof(buf));
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_STR_HAS(last_log, "not supported");
	/* Misaligned buffer. */
	r = request(IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, buf + 1,
		    sizeof(buf) - 1);
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(last_log, "not pointer aligned");
	/* A request struct too small for the host ABI, or none. */
	r = request(IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, sizeof(buf));
	r.struct_size = 8;
	IPOC_CHECK_EQ(dispatch(&r), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(dispatch(NULL), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(handler_calls, 2);
}

static NDIS_OFFLOAD_PARAMETERS params(UCHAR v1, UCHAR v2, UCHAR v2ipv4)
{
	NDIS_OFFLOAD_PARAMETERS p;

	memset(&p, 0, sizeof(p));
	p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	p.IPsecV1 = v1;
	p.IPsecV2 = v2;
	p.IPsecV2IPv4 = v2ipv4;
	return p;
}

static void test_parameters(void)
{
	bool s[4] = { true, true, true, true };
	uint32_t len = NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	NDIS_OFFLOAD_PARAMETERS p = params(NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED,
					   NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED, 0);

	IPOC_CHECK_EQ(ndis_offload_parameters(&ctx, &p, len, &s[0], &s[1], &s[2], &s[3]),
		      NDIS_STATUS_SUCCESS);
	IPOC_CHECK(s[0] && !s[1] && !s[2] && s[3]);
	/* V1 good, V2 undefined: nothing changes. */
	p = params(NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED, 5, 0);
	IPOC_CHECK_EQ(ndis_offload_parameters(&ctx, &p, len, &s[0], &s[1], &s[2], &s[3]),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK(s[0] && !s[1] && !s[2] && s[3]);
	IPOC_CHECK_STR_HAS(last_log, "NDIS_OFFLOAD_PARAMETERS.IPsecV2 5");
	p = params(NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED, 0, 9);
	IPOC_CHECK_EQ(ndis_offload_parameters(&ctx, &p, len, &s[0], &s[1], &s[2], &s[3]),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK(s[0]);
	IPOC_CHECK_STR_HAS(last_log, "IPsecV2IPv4 9");
	/* Size past the buffer. */
	p = params(0, 0, 0);
	IPOC_CHECK_EQ(ndis_offload_parameters(&ctx, &p, len - 1, &s[0], &s[1], &s[2], &s[3]),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(last_log, "NDIS_OFFLOAD_PARAMETERS.Header");
	/* Revision 1: IPsecV2 is not read. */
	p = params(NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED, 9, 9);
	p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_1;
	p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1;
	IPOC_CHECK_EQ(ndis_offload_parameters(&ctx, &p, NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1,
					      &s[0], &s[1], &s[2], &s[3]), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(s[0] && s[1] && !s[2] && s[3]);
}

static void test_masks(void)
{
	NDIS_IPSEC_OFFLOAD_V2 v2;
	NDIS_IPSEC_OFFLOAD_V1 v1;

	memset(&v2, 0, sizeof(v2));
	v2.Ah = v2.Esp = v2.AhEspCombined = TRUE;
	v2.UdpEsp = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL;
	v2.EncryptionAlgorithms = IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128;
	v2.AuthenticationAlgorithms = IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1;
	v2.SaOffloadCapacity = 4;
	ndis_offload_mask_v2(&v2, true, false);
	IPOC_CHECK(v2.Ah && !v2.Esp && !v2.AhEspCombined && !v2.UdpEsp && !v2.EncryptionAlgorithms);
	IPOC_CHECK_EQ(v2.AuthenticationAlgorithms, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	ndis_offload_mask_v2(&v2, false, false);
	IPOC_CHECK_EQ(v2.SaOffloadCapacity, 0);

	memset(&v1, 0, sizeof(v1));
	v1.Supported.AhEspCombined = 1;
	v1.IPv4AH.Md5 = NDIS_OFFLOAD_SUPPORTED;
	v1.IPv4ESP.Des = NDIS_OFFLOAD_SUPPORTED;
	ndis_offload_mask_v1(&v1, false, true);
	IPOC_CHECK(!v1.IPv4AH.Md5 && v1.IPv4ESP.Des && !v1.Supported.AhEspCombined);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_dispatch();
	test_parameters();
	test_masks();
	return ipoc_test_report(argv[0]);
}
