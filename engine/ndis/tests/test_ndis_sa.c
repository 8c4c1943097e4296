/* SPDX-License-Identifier: MIT */
/*
 * test_ndis_sa.c - engine/ndis's SA OIDs alone, against a fake engine that
 * records every install, delete and update: R-SA-2's list rule, the cycle
 * guard, key bounds, ICV lengths, claims against the current
 * configuration, DELETE_SA and UPDATE_SA, and the log lines.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_alg.h"
#include "ipoc_test.h"
#include "ndis_oid.h"
#include "ndis_sa.h"

/* The fake engine: what it was asked to do, and what it answers. */
struct fake {
	unsigned installs, deletes, updates;
	struct ndis_sa_bundle last;          /* copy of the last bundle installed */
	uint8_t last_enc_key[64];
	char last_what[32];                  /* b->what lives only during install */
	uintptr_t next_handle;
	NDIS_STATUS install_status;          /* what install returns */
	NDIS_HANDLE known[8];                /* handles del and update know */
	unsigned nknown;
	bool esn;                            /* the member update finds has ESN */
	uint32_t high;                       /* what update set */
	char log[512];                       /* last log line */
	unsigned lines;
};

static void fake_log(void *ctx, int level, const char *fmt, va_list ap)
{
	struct fake *f = ctx;

	(void)level;
	vsnprintf(f->log, sizeof(f->log), fmt, ap);
	f->lines++;
}

static NDIS_STATUS fake_install(void *ictx, const struct ndis_sa_bundle *b, NDIS_HANDLE *handle)
{
	struct fake *f = ictx;

	f->installs++;
	f->last = *b;
	snprintf(f->last_what, sizeof(f->last_what), "%s", b->what);
	if (b->m[0].enc_key_len && b->m[0].enc_key_len <= sizeof(f->last_enc_key))
		memcpy(f->last_enc_key, b->m[0].enc_key, b->m[0].enc_key_len);
	if (f->install_status != NDIS_STATUS_SUCCESS) {
		*handle = (NDIS_HANDLE)(uintptr_t)0xdead;   /* must not reach the caller */
		return f->install_status;
	}
	*handle = (NDIS_HANDLE)++f->next_handle;
	if (f->nknown < 8)
		f->known[f->nknown++] = *handle;
	return NDIS_STATUS_SUCCESS;
}

static int known_index(const struct fake *f, NDIS_HANDLE h)
{
	for (unsigned i = 0; i < f->nknown; i++)
		if (f->known[i] && f->known[i] == h)
			return (int)i;
	return -1;
}

static NDIS_STATUS fake_del(void *dctx, NDIS_HANDLE h)
{
	struct fake *f = dctx;
	int i = known_index(f, h);

	if (i < 0)
		return NDIS_STATUS_INVALID_PARAMETER;
	f->known[i] = NULL;
	f->deletes++;
	return NDIS_STATUS_SUCCESS;
}

static enum ndis_sa_update_result fake_update(void *uctx, NDIS_HANDLE h, uint32_t op,
					      uint32_t spi, uint32_t high)
{
	struct fake *f = uctx;

	f->updates++;
	if (known_index(f, h) < 0)
		return NDIS_SA_NO_SA;
	if (op != IPsecOffloadV2Esp || spi != 0x1234)
		return NDIS_SA_NO_MEMBER;
	if (!f->esn)
		return NDIS_SA_NO_ESN;
	f->high = high;
	return NDIS_SA_UPDATED;
}

static struct ndis_ctx ctx_of(struct fake *f)
{
	return (struct ndis_ctx){ .log = fake_log, .ctx = f };
}

/* What a full IPsecOV2 engine reports: every algorithm of the table. */
static void full_offload(NDIS_OFFLOAD *o)
{
	NDIS_IPSEC_OFFLOAD_V2 *v2 = &o->IPsecV2;

	ndis_offload_header(o);
	v2->IPv6Supported = v2->Ah = v2->Esp = v2->AhEspCombined = TRUE;
	v2->Transport = v2->Tunnel = v2->ExtendedSequenceNumbers = TRUE;
	v2->UdpEsp = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL;
	v2->AuthenticationAlgorithms = ipoc_alg_mask(IPOC_ALG_AUTH_KINDS);
	v2->EncryptionAlgorithms = ipoc_alg_mask(IPOC_ALG_ENC_KINDS);
	v2->SaOffloadCapacity = 16;
}

/* An ADD_SA element with room for key bytes after KeyData, pointer aligned
 * as OID buffers are. */
struct add_buf {
	alignas(8) uint8_t bytes[sizeof(IPSEC_OFFLOAD_V2_ADD_SA) + 64];
};

static IPSEC_OFFLOAD_V2_ADD_SA *add_of(struct add_buf *b)
{
	return (IPSEC_OFFLOAD_V2_ADD_SA *)b->bytes;
}

static uint32_t add_len(const IPSEC_OFFLOAD_V2_ADD_SA *a)
{
	return (uint32_t)(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + a->KeyLength);
}

/* One inbound ESP AES-GCM-128 SA with an icv-byte ICV; key bytes 0x40.. */
static IPSEC_OFFLOAD_V2_ADD_SA *gcm_sa(struct add_buf *b, uint32_t spi, uint32_t icv)
{
	IPSEC_OFFLOAD_V2_ADD_SA *a = add_of(b);
	const struct ipoc_alg *alg = ipoc_alg_enc(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128);
	IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *s = &a->SecAssoc[0];

	memset(b, 0, sizeof(*b));
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->NumExtHdrs = 1;
	a->Flags = IPSEC_OFFLOAD_V2_INBOUND;
	a->IPv4Endpoints.SrcAddr = 0x0100000a;
	a->IPv4Endpoints.DestAddr = 0x0200000a;
	a->OffloadHandle = (NDIS_HANDLE)(uintptr_t)0x5a5a;   /* garbage in */
	s->Operation = IPsecOffloadV2Esp;
	s->Spi = spi;
	s->EncryptionAlgorithm.Identifier = alg->ndis;
	s->EncryptionAlgorithm.KeyLength = alg->key_len;
	s->EncryptionAlgorithm.AdditionalInfo = icv;
	a->KeyLength = alg->key_len;
	for (uint32_t i = 0; i < alg->key_len; i++)
		a->KeyData[i] = (UCHAR)(0x40 + i);
	return a;
}

static void test_list_middle_bad(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	struct add_buf b[3];
	IPSEC_OFFLOAD_V2_ADD_SA *a0 = gcm_sa(&b[0], 0x100, 16), *a1 = gcm_sa(&b[1], 0, 16),
				*a2 = gcm_sa(&b[2], 0x300, 12);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	a0->Next = a1;
	a1->Next = a2;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a0, add_len(a0), fake_install, &f),
		      NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(f.installs, 2);
	IPOC_CHECK(a0->OffloadHandle != NULL);
	IPOC_CHECK(a1->OffloadHandle == NULL);
	IPOC_CHECK(a2->OffloadHandle != NULL && a2->OffloadHandle != a0->OffloadHandle);
	IPOC_CHECK_STR_HAS(f.log, "ADD_SA[1].SecAssoc[0].Spi 0");
	/* The last bundle installed is element 2's, keys into its buffer. */
	IPOC_CHECK_EQ(f.last.m[0].spi, 0x300);
	IPOC_CHECK_EQ(f.last.m[0].icv_len, 12);
	IPOC_CHECK_EQ(f.last.m[0].auth_alg, 0);
	IPOC_CHECK(f.last.inbound && !f.last.ipv6);
	IPOC_CHECK_EQ(f.last.num_members, 1);
	IPOC_CHECK(strcmp(f.last_what, "ADD_SA[2]") == 0);
	IPOC_CHECK_EQ(f.last.m[0].enc_key_len, 20);
	IPOC_CHECK_MEM(f.last_enc_key, a2->KeyData, 20);
}

static void test_list_all_bad(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	struct add_buf b[2];
	IPSEC_OFFLOAD_V2_ADD_SA *a0 = gcm_sa(&b[0], 0x100, 16), *a1 = gcm_sa(&b[1], 0, 16);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	/* Element 0: IPv6 where the configuration has none (NOT_SUPPORTED);
	 * element 1: SPI 0 (INVALID_PARAMETER). The first reason wins. */
	cur.IPsecV2.IPv6Supported = FALSE;
	a0->Flags |= IPSEC_OFFLOAD_V2_IPv6;
	a0->Next = a1;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a0, add_len(a0), fake_install, &f),
		      NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_EQ(f.installs, 0);
	IPOC_CHECK(a0->OffloadHandle == NULL && a1->OffloadHandle == NULL);

	/* The engine refusing every element: its status is the request's, and
	 * the handle the callback left is not handed out. */
	memset(&f, 0, sizeof(f));
	gcm_sa(&b[0], 0x100, 16);
	f.install_status = NDIS_STATUS_RESOURCES;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a0, add_len(a0), fake_install, &f),
		      NDIS_STATUS_RESOURCES);
	IPOC_CHECK_EQ(f.installs, 1);
	IPOC_CHECK(a0->OffloadHandle == NULL);
}

static void test_list_cyclic(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	struct add_buf b[3];
	IPSEC_OFFLOAD_V2_ADD_SA *a0 = gcm_sa(&b[0], 0x100, 16), *a1 = gcm_sa(&b[1], 0x200, 16),
				*a2 = gcm_sa(&b[2], 0x300, 16);
	const size_t next_off = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	a0->Next = a1;
	a1->Next = a2;
	IPOC_CHECK_EQ(ndis_list_length(a0, next_off), 3);
	/* A cycle behind the head, then the head onto itself: the length says
	 * so (checked first: a walk of a list it misses would not end). */
	for (int k = 0; k < 2; k++) {
		if (k == 0)
			a2->Next = a1;
		else
			a0->Next = a0;
		IPOC_CHECK_EQ(ndis_list_length(a0, next_off), 0);
		if (ndis_list_length(a0, next_off) != 0)
			continue;
		IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a0, add_len(a0), fake_install, &f),
			      NDIS_STATUS_INVALID_PARAMETER);
		IPOC_CHECK_EQ(f.installs, 0);
		IPOC_CHECK_STR_HAS(f.log, "ADD_SA list: cyclic");
	}
}

static void test_key_bounds(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	struct add_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *a = gcm_sa(&b, 0x100, 16);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	/* KeyLength past the OID buffer. */
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a) - 1, fake_install, &f),
		      NDIS_STATUS_INVALID_LENGTH);
	IPOC_CHECK_STR_HAS(f.log, "ADD_SA[0].KeyLength 20: runs past the");
	/* A key past the key area. */
	a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes = 1;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "EncryptionAlgorithm: key at offset 1 length 20 runs past");
	/* A key length the algorithm does not take. */
	a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes = 0;
	a->SecAssoc[0].EncryptionAlgorithm.KeyLength = 16;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "EncryptionAlgorithm.KeyLength 16: AES-GCM-128 takes 20");
	IPOC_CHECK_EQ(f.installs, 0);
	IPOC_CHECK(a->OffloadHandle == NULL);
}

/* ADD_SA_EX: the key area at KeyOffset must follow the structure and end
 * inside the buffer. */
static void test_add_sa_ex(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	const struct ipoc_alg *alg = ipoc_alg_enc(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128);
	struct { alignas(8) uint8_t bytes[sizeof(IPSEC_OFFLOAD_V2_ADD_SA_EX) + 32]; } buf;
	IPSEC_OFFLOAD_V2_ADD_SA_EX *x = (IPSEC_OFFLOAD_V2_ADD_SA_EX *)buf.bytes;
	uint32_t len = (uint32_t)sizeof(buf.bytes);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	memset(&buf, 0x11, sizeof(buf));
	memset(x, 0, sizeof(*x));
	x->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	x->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1;
	x->Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1;
	x->NumExtHdrs = 1;
	x->SecAssoc[0].Operation = IPsecOffloadV2Esp;
	x->SecAssoc[0].Spi = 0x77;
	x->SecAssoc[0].EncryptionAlgorithm.Identifier = alg->ndis;
	x->SecAssoc[0].EncryptionAlgorithm.KeyLength = alg->key_len;
	x->SecAssoc[0].EncryptionAlgorithm.AdditionalInfo = 16;
	x->KeyLength = alg->key_len;
	x->KeyOffset = (ULONG)sizeof(*x);
	IPOC_CHECK_EQ(ndis_v2_add_sa_ex(&c, &cur, x, len, fake_install, &f), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(x->OffloadHandle != NULL);
	IPOC_CHECK_EQ(f.installs, 1);
	IPOC_CHECK(f.last.m[0].enc_key == buf.bytes + sizeof(*x));
	x->KeyOffset = len - alg->key_len + 1;   /* one byte past the buffer */
	IPOC_CHECK_EQ(ndis_v2_add_sa_ex(&c, &cur, x, len, fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "ADD_SA_EX.KeyOffset");
	x->KeyOffset = 8;                         /* inside the structure */
	IPOC_CHECK_EQ(ndis_v2_add_sa_ex(&c, &cur, x, len, fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK(x->OffloadHandle == NULL);
	IPOC_CHECK_EQ(f.installs, 1);
}

static void test_gcm_icv(void)
{
	static const struct { uint32_t icv; NDIS_STATUS want; } cases[] = {
		{ 8, NDIS_STATUS_SUCCESS }, { 12, NDIS_STATUS_SUCCESS },
		{ 16, NDIS_STATUS_SUCCESS }, { 10, NDIS_STATUS_INVALID_PARAMETER },
		{ 0, NDIS_STATUS_INVALID_PARAMETER }, { 32, NDIS_STATUS_INVALID_PARAMETER },
	};
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = { 0 };
		struct ndis_ctx c = ctx_of(&f);
		struct add_buf b;
		IPSEC_OFFLOAD_V2_ADD_SA *a = gcm_sa(&b, 0x100, cases[i].icv);

		IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
			      cases[i].want);
		IPOC_CHECK_EQ(f.installs, cases[i].want == NDIS_STATUS_SUCCESS);
		if (cases[i].want == NDIS_STATUS_SUCCESS)
			IPOC_CHECK_EQ(f.last.m[0].icv_len, cases[i].icv);
		else
			IPOC_CHECK_STR_HAS(f.log, "EncryptionAlgorithm.AdditionalInfo");
	}
}

/* An SA the hardware could take but the current configuration does not
 * claim is NOT_SUPPORTED: masked algorithm, ESN, ESP switched off. */
static void test_claims(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	struct add_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *a = gcm_sa(&b, 0x100, 16);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_SUCCESS);
	cur.IPsecV2.EncryptionAlgorithms &= ~(ULONG)IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_STR_HAS(f.log, "(AES-GCM-128): not in the current configuration");

	full_offload(&cur);
	cur.IPsecV2.ExtendedSequenceNumbers = FALSE;
	a->SecAssoc[0].Flags = IPSEC_OFFLOAD_V2_ESN_SA;
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_NOT_SUPPORTED);
	a->SecAssoc[0].Flags = 0;

	/* OID_TCP_OFFLOAD_PARAMETERS left AH only: the mask takes ESP away. */
	full_offload(&cur);
	ndis_offload_mask_v2(&cur.IPsecV2, true, false);
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_NOT_SUPPORTED);
	IPOC_CHECK_STR_HAS(f.log, "ESP is not enabled");
	IPOC_CHECK_EQ(f.installs, 1);
}

static void delete_elem(IPSEC_OFFLOAD_V2_DELETE_SA *d, NDIS_HANDLE h,
			IPSEC_OFFLOAD_V2_DELETE_SA *next)
{
	memset(d, 0, sizeof(*d));
	d->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d->Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d->OffloadHandle = h;
	d->Next = next;
}

static void test_delete(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	IPSEC_OFFLOAD_V2_DELETE_SA d[3];
	uint32_t len = (uint32_t)sizeof(d[0]);

	f.known[0] = (NDIS_HANDLE)1;
	f.known[1] = (NDIS_HANDLE)2;
	f.nknown = 2;
	/* known, unknown, known: both known go, the request fails. */
	delete_elem(&d[2], (NDIS_HANDLE)2, NULL);
	delete_elem(&d[1], (NDIS_HANDLE)99, &d[2]);
	delete_elem(&d[0], (NDIS_HANDLE)1, &d[1]);
	IPOC_CHECK_EQ(ndis_v2_delete_sa(&c, d, len, fake_del, &f), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(f.deletes, 2);
	IPOC_CHECK_STR_HAS(f.log, "DELETE_SA[1].OffloadHandle");
	/* A bad header is refused without asking the engine. */
	f.known[0] = (NDIS_HANDLE)1;
	delete_elem(&d[0], (NDIS_HANDLE)1, NULL);
	d[0].Header.Type = 0;
	IPOC_CHECK_EQ(ndis_v2_delete_sa(&c, d, len, fake_del, &f), NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(f.deletes, 2);
	IPOC_CHECK_STR_HAS(f.log, "DELETE_SA[0].Header");
	/* A cycle deletes nothing (the length first: a walk of a cycle it
	 * misses would not end). */
	delete_elem(&d[1], (NDIS_HANDLE)1, &d[0]);
	delete_elem(&d[0], (NDIS_HANDLE)1, &d[1]);
	IPOC_CHECK_EQ(ndis_list_length(d, offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next)), 0);
	if (ndis_list_length(d, offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next)) == 0) {
		IPOC_CHECK_EQ(ndis_v2_delete_sa(&c, d, len, fake_del, &f),
			      NDIS_STATUS_INVALID_PARAMETER);
		IPOC_CHECK_EQ(f.deletes, 2);
	}
	/* One known handle alone. */
	delete_elem(&d[0], (NDIS_HANDLE)1, NULL);
	IPOC_CHECK_EQ(ndis_v2_delete_sa(&c, d, len, fake_del, &f), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(f.deletes, 3);
}

static void test_update(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = ctx_of(&f);
	IPSEC_OFFLOAD_V2_UPDATE_SA u;
	uint32_t len = (uint32_t)sizeof(u);

	f.known[0] = (NDIS_HANDLE)1;
	f.nknown = 1;
	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.OffloadHandle = (NDIS_HANDLE)1;
	u.Operation = IPsecOffloadV2Esp;
	u.Spi = 0x1234;
	u.SequenceNumberHighOrder = 7;
	IPOC_CHECK_EQ(ndis_v2_update_sa(&c, &u, len, fake_update, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "added without IPSEC_OFFLOAD_V2_ESN_SA");
	f.esn = true;
	IPOC_CHECK_EQ(ndis_v2_update_sa(&c, &u, len, fake_update, &f), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(f.high, 7);
	u.Spi = 0x9999;
	IPOC_CHECK_EQ(ndis_v2_update_sa(&c, &u, len, fake_update, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "not a member of the bundle");
	u.OffloadHandle = (NDIS_HANDLE)5;
	IPOC_CHECK_EQ(ndis_v2_update_sa(&c, &u, len, fake_update, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_STR_HAS(f.log, "UPDATE_SA.OffloadHandle");
	u.Header.Revision = 0;
	IPOC_CHECK_EQ(ndis_v2_update_sa(&c, &u, len, fake_update, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(f.updates, 4);   /* the bad header never reached the engine */
}

/* No log callback: the library stays quiet and still judges. */
static void test_no_log(void)
{
	struct fake f = { 0 };
	struct ndis_ctx c = { 0 };
	struct add_buf b;
	IPSEC_OFFLOAD_V2_ADD_SA *a = gcm_sa(&b, 0, 16);
	NDIS_OFFLOAD cur;

	full_offload(&cur);
	IPOC_CHECK_EQ(ndis_v2_add_sa(&c, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(ndis_v2_add_sa(NULL, &cur, a, add_len(a), fake_install, &f),
		      NDIS_STATUS_INVALID_PARAMETER);
	IPOC_CHECK_EQ(f.lines, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_list_middle_bad();
	test_list_all_bad();
	test_list_cyclic();
	test_key_bounds();
	test_add_sa_ex();
	test_gcm_icv();
	test_claims();
	test_delete();
	test_update();
	test_no_log();
	return ipoc_test_report(argv[0]);
}
