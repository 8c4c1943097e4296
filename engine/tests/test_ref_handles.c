/* SPDX-License-Identifier: MIT */
/*
 * test_ref_handles.c - what the reference engine does with SA handles and
 * lists, through the engine ABI only: ADD_SA linked lists (R-SA-2, section
 * 8 item 16), SaOffloadCapacity (R-CAP-5, section 8 item 18), DELETE_SA
 * (R-SA-9, section 8 item 17), UPDATE_SA (R-SA-11, section 8 items 13 and
 * 14) and handle uniqueness (R-SA-3).
 *
 * A handle is known to be live when UPDATE_SA on its ESN SA succeeds, and
 * gone when the same request fails; so most SAs here are added with
 * IPSEC_OFFLOAD_V2_ESN_SA.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_test.h"
#include "engine_io.h"

#define GARBAGE ((NDIS_HANDLE)(uintptr_t)0x5A5A5A5A5A5A5A5Aull)
#define OK NDIS_STATUS_SUCCESS
#define INVAL NDIS_STATUS_INVALID_PARAMETER
#define ADD_SA OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA
#define DELETE_SA OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA
#define UPDATE_SA OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA
#define ESP IPsecOffloadV2Esp
#define AH IPsecOffloadV2Ah

static ULONG next_spi = 0x100;

/* An outbound ESN ESP (AES-GCM-128) SA; its SPI in *spi when asked. */
static struct sa_spec esn_esp(ULONG *spi)
{
	struct sa_spec s = sa_spec_esp(next_spi, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);

	s.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	if (spi)
		*spi = next_spi;
	next_spi++;
	return s;
}

static NDIS_HANDLE add_esn(struct session *s, ULONG *spi)
{
	struct sa_spec spec = esn_esp(spi);
	NDIS_HANDLE h = NULL;

	IPOC_CHECK_EQ(sa_add(s, &spec, &h), OK);
	IPOC_CHECK(h != NULL);
	return h;
}

static bool live(struct session *s, NDIS_HANDLE h, ULONG spi)
{
	return sa_update(s, h, ESP, spi, 7) == OK;
}

static int open_cap(struct session *s, uint32_t cap)
{
	if (sa_open(s, cap) == 0)
		return 0;
	IPOC_CHECK(!"sa_open");
	return -1;
}

/* A V1 AH (HMAC-MD5) SA, for cross-version handle checks. */
static NDIS_HANDLE add_v1(struct session *s, ULONG *spi)
{
	uint64_t w[32];
	OFFLOAD_IPSEC_ADD_SA *a = (OFFLOAD_IPSEC_ADD_SA *)w;

	memset(w, 0, sizeof(w));
	a->DestAddr = 0x0200000Au;
	a->Flags = OFFLOAD_OUTBOUND_SA;
	a->NumSAs = 1;
	a->SecAssoc[0].Operation = AUTHENTICATE;
	a->SecAssoc[0].SPI = next_spi++;
	if (spi)
		*spi = a->SecAssoc[0].SPI;
	a->SecAssoc[0].IntegrityAlgo.algoIdentifier = OFFLOAD_IPSEC_INTEGRITY_MD5;
	a->SecAssoc[0].IntegrityAlgo.algoKeylen = 16;
	a->KeyLen = 16;
	IPOC_CHECK_EQ(sa_set(s, OID_TCP_TASK_IPSEC_ADD_SA, a,
			     (uint32_t)offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat) + 16, NULL), OK);
	IPOC_CHECK(a->OffloadHandle != NULL);
	return a->OffloadHandle;
}

static NDIS_STATUS v1_delete(struct session *s, NDIS_HANDLE h)
{
	OFFLOAD_IPSEC_DELETE_SA d = { h };

	return sa_set(s, OID_TCP_TASK_IPSEC_DELETE_SA, &d, sizeof(d), NULL);
}

/* ---- ADD_SA linked lists ---- */

/* Build n elements from specs into b and chain them. */
static IPSEC_OFFLOAD_V2_ADD_SA *chain(struct sa_buf *b, const struct sa_spec *specs, int n,
				      uint32_t *len)
{
	IPSEC_OFFLOAD_V2_ADD_SA *a[4];
	uint32_t l;

	for (int i = 0; i < n; i++) {
		a[i] = sa_build_add(&b[i], &specs[i], i ? &l : len);
		a[i]->OffloadHandle = GARBAGE;
		if (i)
			a[i - 1]->Next = a[i];
	}
	return a[0];
}

static void test_list_partial(void)
{
	struct sa_spec sp[3] = { esn_esp(NULL), esn_esp(NULL), esn_esp(NULL) };
	struct sa_buf b[3];
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	struct session s;
	uint32_t len;

	if (open_cap(&s, 0) != 0)
		return;
	sp[1].m[0].spi = 0;
	a = chain(b, sp, 3, &len);
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), OK);
	IPOC_CHECK_STR_HAS(s.last_log, "ADD_SA[1]");
	IPOC_CHECK(a->OffloadHandle != NULL && a->OffloadHandle != GARBAGE);
	IPOC_CHECK(a->Next->OffloadHandle == NULL);
	IPOC_CHECK(a->Next->Next->OffloadHandle != NULL && a->Next->Next->OffloadHandle != GARBAGE);
	IPOC_CHECK(a->OffloadHandle != a->Next->Next->OffloadHandle);
	IPOC_CHECK(live(&s, a->OffloadHandle, sp[0].m[0].spi));
	IPOC_CHECK(live(&s, a->Next->Next->OffloadHandle, sp[2].m[0].spi));
	/* The same list with a bad header in the middle. */
	sp[1].m[0].spi = next_spi++;
	a = chain(b, sp, 3, &len);
	a->Next->Header.Type = 0;
	a->Next->Next->Header.Size = 168;
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), OK);
	IPOC_CHECK(a->OffloadHandle != NULL && a->OffloadHandle != GARBAGE);
	IPOC_CHECK(a->Next->OffloadHandle == NULL);
	IPOC_CHECK(a->Next->Next->OffloadHandle == NULL);
	session_close(&s);
}

/* On total failure the status is the first element's. */
static void test_list_all_bad(void)
{
	struct sa_spec sp[2] = { esn_esp(NULL), esn_esp(NULL) };
	struct sa_buf b[2];
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	struct session s;
	uint32_t len;

	if (open_cap(&s, 1) != 0)
		return;
	add_esn(&s, NULL);   /* table now full */
	sp[0].m[0].spi = 0;
	a = chain(b, sp, 2, &len);   /* [malformed, no room] */
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	IPOC_CHECK(a->OffloadHandle == NULL && a->Next->OffloadHandle == NULL);
	sp[0] = sp[1];
	sp[1].m[0].spi = 0;
	a = chain(b, sp, 2, &len);   /* [no room, malformed] */
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), NDIS_STATUS_RESOURCES);
	IPOC_CHECK(a->OffloadHandle == NULL && a->Next->OffloadHandle == NULL);
	session_close(&s);
	if (open_cap(&s, 0) != 0)
		return;
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED), OK);
	sp[0] = esn_esp(NULL);
	sp[1] = sa_spec_ah(0, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	a = chain(b, sp, 2, &len);   /* [ESP switched off, malformed] */
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), NDIS_STATUS_NOT_SUPPORTED);
	sp[0] = sp[1];
	sp[1] = esn_esp(NULL);
	a = chain(b, sp, 2, &len);   /* [malformed, ESP switched off] */
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	session_close(&s);
}

/* Capacity cap is free: exactly cap more SAs fit. */
static void check_free(struct session *s, uint32_t cap, const char *what)
{
	unsigned before = ipoc_test_failed;
	struct sa_spec spec;

	for (uint32_t i = 0; i < cap; i++) {
		spec = esn_esp(NULL);
		IPOC_CHECK_EQ(sa_add(s, &spec, NULL), OK);
	}
	spec = esn_esp(NULL);
	IPOC_CHECK_EQ(sa_add(s, &spec, NULL), NDIS_STATUS_RESOURCES);
	if (ipoc_test_failed != before)
		fprintf(stderr, "  ^ in: %s\n", what);
}

static void test_list_cyclic(void)
{
	struct sa_spec sp[3] = { esn_esp(NULL), esn_esp(NULL), esn_esp(NULL) };
	struct sa_buf b[3];
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	struct session s;
	uint32_t len;

	if (open_cap(&s, 4) != 0)
		return;
	a = chain(b, sp, 1, &len);
	a->Next = a;
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	IPOC_CHECK_STR_HAS(s.last_log, "cyclic");
	a = chain(b, sp, 2, &len);
	a->Next->Next = a;
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	a = chain(b, sp, 3, &len);
	a->Next->Next->Next = a;
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	IPOC_CHECK_STR_HAS(s.last_log, "cyclic");
	a = chain(b, sp, 3, &len);
	a->Next->Next->Next = a->Next;   /* the cycle does not include the head */
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), INVAL);
	check_free(&s, 4, "nothing added by cyclic lists");
	session_close(&s);
}

/* n elements of one valid SA, chained; NULL if out of memory. */
static struct sa_buf *long_list(uint32_t n, uint32_t *len)
{
	struct sa_spec spec = esn_esp(NULL);
	struct sa_buf *b = malloc((size_t)n * sizeof(*b));
	IPSEC_OFFLOAD_V2_ADD_SA *prev = NULL;

	for (uint32_t i = 0; b && i < n; i++) {
		IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b[i], &spec, len);

		if (prev)
			prev->Next = a;
		prev = a;
	}
	return b;
}

/* PROFILE item 16: a list longer than 65536 elements is refused whole. */
static void test_list_too_long(void)
{
	struct session s;
	struct sa_buf *b;
	uint32_t len = 0;

	if (open_cap(&s, 4) != 0)
		return;
	b = long_list(65537, &len);
	IPOC_CHECK(b != NULL);
	if (b) {
		IPOC_CHECK_EQ(sa_set(&s, ADD_SA, b, len, NULL), INVAL);
		IPOC_CHECK_STR_HAS(s.last_log, "65536");
		free(b);
	}
	check_free(&s, 4, "nothing added by a list of 65537");
	session_close(&s);
	if (open_cap(&s, 4) != 0)
		return;
	b = long_list(65536, &len);
	IPOC_CHECK(b != NULL);
	if (b) {
		IPOC_CHECK_EQ(sa_set(&s, ADD_SA, b, len, NULL), OK);
		IPOC_CHECK(((IPSEC_OFFLOAD_V2_ADD_SA *)&b[3])->OffloadHandle != NULL);
		IPOC_CHECK(((IPSEC_OFFLOAD_V2_ADD_SA *)&b[4])->OffloadHandle == NULL);
		free(b);
	}
	session_close(&s);
}

/* ---- SaOffloadCapacity ---- */

static void test_capacity(void)
{
	struct sa_spec two = sa_spec_bundle(next_spi, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
					    IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, next_spi + 1,
					    IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256);
	struct sa_spec sp[3] = { esn_esp(NULL), esn_esp(NULL), esn_esp(NULL) };
	NDIS_HANDLE h[4], x = GARBAGE;
	struct sa_buf b[3];
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	IPSEC_OFFLOAD_V2_ADD_SA_EX *ex;
	struct session s;
	uint32_t len;

	next_spi += 2;
	if (open_cap(&s, 4) != 0)
		return;
	h[0] = add_esn(&s, NULL);
	IPOC_CHECK_EQ(sa_add(&s, &two, &h[1]), OK);   /* a bundle is one SA */
	h[2] = add_esn(&s, NULL);
	h[3] = add_v1(&s, NULL);
	IPOC_CHECK_EQ(sa_add(&s, &sp[0], &x), NDIS_STATUS_RESOURCES);
	IPOC_CHECK_STR_HAS(s.last_log, "SaOffloadCapacity");
	IPOC_CHECK(x == NULL);
	ex = sa_build_add_ex(&b[0], &sp[0], 176, &len);
	IPOC_CHECK_EQ(sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX, ex, len, NULL),
		      NDIS_STATUS_RESOURCES);
	IPOC_CHECK(ex->OffloadHandle == NULL);
	IPOC_CHECK_EQ(sa_delete(&s, h[1]), OK);
	check_free(&s, 1, "one slot after deleting the bundle");
	IPOC_CHECK_EQ(sa_delete(&s, h[0]), OK);
	IPOC_CHECK_EQ(v1_delete(&s, h[3]), OK);
	/* Two free slots, a list of three: the third gets no handle. */
	a = chain(b, sp, 3, &len);
	IPOC_CHECK_EQ(sa_set(&s, ADD_SA, a, len, NULL), OK);
	IPOC_CHECK(a->OffloadHandle != NULL && a->OffloadHandle != GARBAGE);
	IPOC_CHECK(a->Next->OffloadHandle != NULL && a->Next->OffloadHandle != GARBAGE);
	IPOC_CHECK(a->Next->Next->OffloadHandle == NULL);
	IPOC_CHECK_STR_HAS(s.last_log, "SaOffloadCapacity");
	check_free(&s, 0, "full after the list");
	(void)h[2];
	session_close(&s);
}

/* Rejected adds, including an inbound clash found after a slot was taken,
 * leave the slot free. */
static void test_capacity_no_leak(void)
{
	struct sa_spec in = esn_esp(NULL), bad = esn_esp(NULL);
	struct session s;

	if (open_cap(&s, 2) != 0)
		return;
	in.flags = IPSEC_OFFLOAD_V2_INBOUND;
	IPOC_CHECK_EQ(sa_add(&s, &in, NULL), OK);
	for (int i = 0; i < 10; i++)
		IPOC_CHECK_EQ(sa_add(&s, &in, NULL), INVAL);
	bad.m[0].spi = 0;
	for (int i = 0; i < 10; i++)
		IPOC_CHECK_EQ(sa_add(&s, &bad, NULL), INVAL);
	check_free(&s, 1, "after rejected adds");
	session_close(&s);
}

/* ---- DELETE_SA ---- */

static void del_init(IPSEC_OFFLOAD_V2_DELETE_SA *d, NDIS_HANDLE h, IPSEC_OFFLOAD_V2_DELETE_SA *next)
{
	memset(d, 0, sizeof(*d));
	d->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d->Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d->OffloadHandle = h;
	d->Next = next;
}

static void test_delete_list(struct session *s)
{
	IPSEC_OFFLOAD_V2_DELETE_SA d[2];
	ULONG spi[2];
	NDIS_HANDLE h0 = add_esn(s, &spi[0]), h1 = add_esn(s, &spi[1]);
	uint32_t needed = 0;

	IPOC_CHECK(live(s, h0, spi[0]) && live(s, h1, spi[1]));
	del_init(&d[1], h1, NULL);
	del_init(&d[0], h0, &d[1]);
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, 23, &needed), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 24);
	IPOC_CHECK(live(s, h0, spi[0]) && live(s, h1, spi[1]));
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), OK);
	IPOC_CHECK_EQ(sa_update(s, h0, ESP, spi[0], 1), INVAL);
	IPOC_CHECK_EQ(sa_update(s, h1, ESP, spi[1], 1), INVAL);
	IPOC_CHECK_EQ(sa_delete(s, h0), INVAL);   /* stale now */
	IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
}

/* Each bad handle alone, then all of them mixed with two good ones. */
static void test_delete_bad(struct session *s)
{
	ULONG spi_a, spi_b, spi_t;
	NDIS_HANDLE stale = add_esn(s, NULL);
	NDIS_HANDLE target = add_esn(s, &spi_t), v1 = add_v1(s, NULL);
	NDIS_HANDLE flipped = (NDIS_HANDLE)((uintptr_t)target ^ 0xFFFF000000000000ull);
	NDIS_HANDLE bad[5];
	IPSEC_OFFLOAD_V2_DELETE_SA d[7];
	NDIS_HANDLE ga, gb;

	IPOC_CHECK_EQ(sa_delete(s, stale), OK);
	bad[0] = (NDIS_HANDLE)(uintptr_t)0x123456789ull;
	bad[1] = NULL;
	bad[2] = stale;
	bad[3] = flipped;
	bad[4] = v1;
	for (int i = 0; i < 5; i++) {
		IPOC_CHECK_EQ(sa_delete(s, bad[i]), INVAL);
		IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
	}
	ga = add_esn(s, &spi_a);
	gb = add_esn(s, &spi_b);
	del_init(&d[6], gb, NULL);
	for (int i = 5; i >= 1; i--)
		del_init(&d[i], bad[i - 1], &d[i + 1]);
	del_init(&d[0], ga, &d[1]);
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK(!live(s, ga, spi_a));
	IPOC_CHECK(!live(s, gb, spi_b));
	IPOC_CHECK(live(s, target, spi_t));   /* the tag-flipped copy did not hit it */
	IPOC_CHECK_EQ(v1_delete(s, v1), OK);    /* nor did DELETE_SA hit the V1 SA */
}

static void test_delete_header(struct session *s)
{
	IPSEC_OFFLOAD_V2_DELETE_SA d[2];
	ULONG spi[3];
	NDIS_HANDLE h0 = add_esn(s, &spi[0]), h1 = add_esn(s, &spi[1]);
	NDIS_HANDLE h2 = add_esn(s, &spi[2]);

	del_init(&d[0], h0, NULL);
	d[0].Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Header");
	d[0].Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d[0].Header.Revision = 0;
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	d[0].Header.Revision = 1;
	d[0].Header.Size = 23;
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Header");
	/* A bad header does not stop the rest of the list. */
	del_init(&d[1], h1, NULL);
	d[0].Next = &d[1];
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK(!live(s, h1, spi[1]));
	/* Cyclic lists: refused before anything is deleted. */
	del_init(&d[0], h2, NULL);
	d[0].Next = &d[0];
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "cyclic");
	IPOC_CHECK(live(s, h2, spi[2]));
	del_init(&d[1], h2, &d[0]);
	del_init(&d[0], h2, &d[1]);
	IPOC_CHECK_EQ(sa_set(s, DELETE_SA, d, sizeof(d[0]), NULL), INVAL);
	IPOC_CHECK(live(s, h2, spi[2]));
	IPOC_CHECK_EQ(sa_delete(s, h2), OK);
}

/* ---- UPDATE_SA ---- */

static void test_update(struct session *s)
{
	struct sa_spec plain = sa_spec_esp(0x7001, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);
	struct sa_spec two = sa_spec_bundle(0x7002, IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC,
					    IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, 0x7003,
					    IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	NDIS_HANDLE hp = NULL, h2 = NULL, v1;
	ULONG spi, v1_spi;
	NDIS_HANDLE h = add_esn(s, &spi);

	v1 = add_v1(s, &v1_spi);
	IPOC_CHECK_EQ(sa_update(s, h, ESP, spi, 1), OK);
	IPOC_CHECK_EQ(sa_update(s, h, ESP, spi, 0xFFFFFFFFu), OK);
	IPOC_CHECK_EQ(sa_update(s, h, ESP, spi + 1000, 2), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Spi");
	IPOC_CHECK_EQ(sa_update(s, h, AH, spi, 2), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Operation");
	IPOC_CHECK_EQ(sa_update(s, h, IPsecOffloadV2Max, spi, 2), INVAL);
	IPOC_CHECK_EQ(sa_update(s, (NDIS_HANDLE)(uintptr_t)0x4242ull, ESP, spi, 2), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "OffloadHandle");
	IPOC_CHECK_EQ(sa_update(s, NULL, ESP, spi, 2), INVAL);
	IPOC_CHECK_EQ(sa_update(s, v1, AH, v1_spi, 2), INVAL);
	IPOC_CHECK_EQ(sa_add(s, &plain, &hp), OK);
	IPOC_CHECK_EQ(sa_update(s, hp, ESP, plain.m[0].spi, 1), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "ESN");
	/* A bundle with ESN on its AH member only. */
	two.m[1].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	IPOC_CHECK_EQ(sa_add(s, &two, &h2), OK);
	IPOC_CHECK_EQ(sa_update(s, h2, AH, two.m[1].spi, 9), OK);
	IPOC_CHECK_EQ(sa_update(s, h2, ESP, two.m[0].spi, 9), INVAL);
	IPOC_CHECK_EQ(sa_update(s, h2, ESP, two.m[1].spi, 9), INVAL);
}

static void test_update_lengths(struct session *s)
{
	union {
		IPSEC_OFFLOAD_V2_UPDATE_SA u;
		uint64_t align;
	} b;
	ULONG spi;
	NDIS_HANDLE h = add_esn(s, &spi);
	uint32_t needed = 0;

	memset(&b, 0, sizeof(b));
	b.u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	b.u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	b.u.Header.Size = 28;
	b.u.OffloadHandle = h;
	b.u.Operation = IPsecOffloadV2Esp;
	b.u.Spi = spi;
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 27, &needed), NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_EQ(needed, 28);
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 28, NULL), OK);
	b.u.Header.Size = 32;   /* sizeof, as the WDK header comment has it */
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 32, NULL), OK);
	b.u.Header.Size = 27;
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 32, NULL), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Header");
	b.u.Header.Size = 28;
	b.u.Header.Type = 0;
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 32, NULL), INVAL);
	b.u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	b.u.Header.Revision = 0;
	IPOC_CHECK_EQ(sa_set(s, UPDATE_SA, &b.u, 32, NULL), INVAL);
	IPOC_CHECK_STR_HAS(s->last_log, "Header");
}

/* ---- handles ---- */

static int cmp_handle(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* 2000 add/delete cycles through a table of two: no handle repeats. */
static void test_handles_unique(void)
{
	enum { CYCLES = 2000 };
	static uintptr_t seen[CYCLES + 1];
	struct session s;
	NDIS_HANDLE held, h;
	unsigned zero = 0, dup = 0, fail = 0;

	if (open_cap(&s, 2) != 0)
		return;
	held = add_esn(&s, NULL);
	seen[0] = (uintptr_t)held;
	for (int i = 1; i <= CYCLES; i++) {
		struct sa_spec spec = esn_esp(NULL);

		fail += sa_add(&s, &spec, &h) != OK;
		fail += sa_delete(&s, held) != OK;
		zero += h == NULL;
		seen[i] = (uintptr_t)h;
		held = h;
	}
	IPOC_CHECK_EQ(fail, 0);
	IPOC_CHECK_EQ(zero, 0);
	qsort(seen, CYCLES + 1, sizeof(seen[0]), cmp_handle);
	for (int i = 1; i <= CYCLES; i++)
		dup += seen[i] == seen[i - 1];
	IPOC_CHECK_EQ(dup, 0);
	session_close(&s);
}

int main(int argc, char **argv)
{
	static void (*const with_session[])(struct session *) = {
		test_delete_list, test_delete_bad, test_delete_header, test_update,
		test_update_lengths,
	};
	struct session s;

	(void)argc;
	test_list_partial();
	test_list_all_bad();
	test_list_cyclic();
	test_list_too_long();
	test_capacity();
	test_capacity_no_leak();
	for (size_t i = 0; i < sizeof(with_session) / sizeof(with_session[0]); i++) {
		if (open_cap(&s, 0) != 0)
			break;
		with_session[i](&s);
		session_close(&s);
	}
	test_handles_unique();
	return ipoc_test_report(argv[0]);
}
