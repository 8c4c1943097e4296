/* SPDX-License-Identifier: MIT */
/*
 * test_ref_wipe.c - key material leaves no trace in the reference engine's
 * SA table after DELETE_SA or after an ADD_SA that failed once its keys had
 * been copied in. White-box: it reads the engine's table through
 * ref_internal.h, which the ABI cannot show.
 *
 * Each test first proves the search can find the key while the SA is alive,
 * so a passing "not found" means the bytes were wiped, not that the search
 * looked in the wrong place.
 */
#include <string.h>

#include "ipoc_test.h"
#include "ref_internal.h"
#include "engine_io.h"

/* A key pattern no builder produces: bytes of a fixed xorshift stream. */
static void fill_pattern(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (uint8_t)(seed >> 24);
	}
}

static int table_has(const struct session *s, const uint8_t *needle, size_t n)
{
	const struct ipoc_engine *e = s->engine;

	return memmem(e->sas.slots, (size_t)e->sas.capacity * sizeof(*e->sas.slots), needle,
		      n) != NULL;
}

static void test_delete_wipes(void)
{
	struct session s = { .echo_level = -1 };
	struct sa_spec spec = sa_spec_esp(0x1001, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256,
					  IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256);
	struct sa_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	uint32_t len;
	uint8_t enc[32], auth[32];

	if (sa_open(&s, 8) != 0) {
		IPOC_CHECK(0);
		return;
	}
	a = sa_build_add(&b, &spec, &len);
	fill_pattern(a->KeyData, a->KeyLength, 0x5eed);
	memcpy(enc, a->KeyData + a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes, 32);
	memcpy(auth, a->KeyData + a->SecAssoc[0].AuthenticationAlgorithm.KeyOffsetBytes, 32);
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL),
		      NDIS_STATUS_SUCCESS);
	/* The engine copied the keys: wipe the request as TCP/IP would. */
	memset(a->KeyData, 0, a->KeyLength);
	IPOC_CHECK(table_has(&s, enc, sizeof(enc)));
	IPOC_CHECK(table_has(&s, auth, sizeof(auth)));
	IPOC_CHECK_EQ(sa_delete(&s, a->OffloadHandle), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(!table_has(&s, enc, 8));
	IPOC_CHECK(!table_has(&s, auth, 8));
	session_close(&s);
}

/* The second inbound SA with the same SPI + destination fails after its
 * keys were copied into a slot (ref_sa_v2.c install): the slot is wiped. */
static void test_failed_add_wipes(void)
{
	struct session s = { .echo_level = -1 };
	struct sa_spec spec = sa_spec_esp(0x2002, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, 0);
	struct sa_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	uint32_t len;
	uint8_t key2[36];

	if (sa_open(&s, 8) != 0) {
		IPOC_CHECK(0);
		return;
	}
	spec.flags = IPSEC_OFFLOAD_V2_INBOUND;
	a = sa_build_add(&b, &spec, &len);
	fill_pattern(a->KeyData, a->KeyLength, 0x1111);
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL),
		      NDIS_STATUS_SUCCESS);
	a = sa_build_add(&b, &spec, &len);
	fill_pattern(a->KeyData, a->KeyLength, 0x2222);
	memcpy(key2, a->KeyData, sizeof(key2));
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "same SPI");
	IPOC_CHECK(a->OffloadHandle == NULL);
	IPOC_CHECK(!table_has(&s, key2, 8));
	session_close(&s);
}

/* V1: a second inbound SA with the same SPI and destination fails after
 * its keys were copied into a slot (ref_sa_v1.c): the slot is wiped. */
static void test_failed_v1_add_wipes(void)
{
	struct session s = { .echo_level = -1 };
	uint64_t buf[64];
	OFFLOAD_IPSEC_ADD_SA *a = (OFFLOAD_IPSEC_ADD_SA *)buf;
	uint32_t len = (uint32_t)(offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat) + 28);
	uint8_t key1[28], key2[28];

	if (sa_open(&s, 8) != 0) {
		IPOC_CHECK(0);
		return;
	}
	memset(buf, 0, sizeof(buf));
	a->DestAddr = 0x0200000a;            /* 10.0.0.2, network order */
	a->Flags = OFFLOAD_INBOUND_SA;
	a->NumSAs = 1;
	a->SecAssoc[0].Operation = ENCRYPT;
	a->SecAssoc[0].SPI = 0x3003;
	a->SecAssoc[0].ConfAlgo.algoIdentifier = OFFLOAD_IPSEC_CONF_DES;
	a->SecAssoc[0].ConfAlgo.algoKeylen = 8;
	a->SecAssoc[0].IntegrityAlgo.algoIdentifier = OFFLOAD_IPSEC_INTEGRITY_SHA;
	a->SecAssoc[0].IntegrityAlgo.algoKeylen = 20;
	a->KeyLen = 28;
	fill_pattern(a->KeyMat, 28, 0x3333);
	memcpy(key1, a->KeyMat, sizeof(key1));
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_ADD_SA, a, len, NULL), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(table_has(&s, key1, 8));
	IPOC_CHECK(table_has(&s, key1 + 8, 8));
	fill_pattern(a->KeyMat, 28, 0x4444);
	memcpy(key2, a->KeyMat, sizeof(key2));
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_ADD_SA, a, len, NULL),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(s.last_log, "same SPI");
	IPOC_CHECK(!table_has(&s, key2, 8));
	IPOC_CHECK(!table_has(&s, key2 + 8, 8));
	session_close(&s);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_delete_wipes();
	test_failed_add_wipes();
	test_failed_v1_add_wipes();
	return ipoc_test_report(argv[0]);
}
