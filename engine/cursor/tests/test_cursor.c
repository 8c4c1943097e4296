/* SPDX-License-Identifier: MIT */
/*
 * test_cursor.c - the MDL-chain cursor and ipoc_nb_validate(), on
 * NET_BUFFERs assembled by hand (not by the builder, so that a builder bug
 * cannot hide a cursor bug), and the NDIS data-space rules they rest on.
 *
 * The fixture chain holds bytes 0x00..0x0b in four MDLs of 3, 5, 0 and 4
 * bytes; the NB's data starts one byte in (DataOffset 1) and is 10 bytes
 * long, so it reads 0x01..0x0a and ends one byte before the chain does.
 */
#include <stdint.h>
#include <string.h>

#include "ipoc_cursor.h"
#include "ipoc_test.h"

struct fixture {
	uint8_t b0[3], b1[5], b3[4];
	MDL m[4];
	NET_BUFFER nb;
};

static void mdl_set(MDL *m, uint8_t *va, uint32_t n, MDL *next)
{
	memset(m, 0, sizeof(*m));
	m->MappedSystemVa = va;
	m->StartVa = va;
	m->ByteCount = n;
	m->Next = next;
	m->MdlFlags = MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL;
}

static void fixture_init(struct fixture *f)
{
	uint8_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 3; i++)
		f->b0[i] = i;
	for (i = 0; i < 5; i++)
		f->b1[i] = (uint8_t)(3 + i);
	for (i = 0; i < 4; i++)
		f->b3[i] = (uint8_t)(8 + i);
	mdl_set(&f->m[0], f->b0, 3, &f->m[1]);
	mdl_set(&f->m[1], f->b1, 5, &f->m[2]);
	mdl_set(&f->m[2], NULL, 0, &f->m[3]);
	mdl_set(&f->m[3], f->b3, 4, NULL);
	f->nb.MdlChain = &f->m[0];
	f->nb.CurrentMdl = &f->m[0];
	f->nb.CurrentMdlOffset = 1;
	f->nb.DataOffset = 1;
	f->nb.DataLength = 10;
}

/* Field-wise, because struct padding is not copied by assignment. */
static int cur_eq(const struct ipoc_cursor *a, const struct ipoc_cursor *b)
{
	return a->mdl == b->mdl && a->mdl_off == b->mdl_off && a->left == b->left &&
	       a->pos == b->pos;
}

static void test_reads_across_mdls(void)
{
	struct fixture f;
	struct ipoc_cursor c;
	uint8_t u8 = 0;
	uint16_t u16 = 0;
	uint32_t u32 = 0;

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(c.left, 10);
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &u8), 0);
	IPOC_CHECK_EQ(u8, 0x01);
	/* 0x02 is the last byte of MDL 0, 0x03 the first of MDL 1. */
	IPOC_CHECK_EQ(ipoc_cursor_be16(&c, &u16), 0);
	IPOC_CHECK_EQ(u16, 0x0203);
	IPOC_CHECK(c.mdl == &f.m[1]);
	IPOC_CHECK_EQ(c.mdl_off, 1);
	/* Ends exactly at the end of MDL 1: the cursor must step over the
	 * empty MDL 2 and sit at the start of MDL 3. */
	IPOC_CHECK_EQ(ipoc_cursor_be32(&c, &u32), 0);
	IPOC_CHECK_EQ(u32, 0x04050607);
	IPOC_CHECK(c.mdl == &f.m[3]);
	IPOC_CHECK_EQ(c.mdl_off, 0);
	IPOC_CHECK_EQ(c.pos, 7);
	IPOC_CHECK_EQ(c.left, 3);

	/* be32 spanning MDL 1, the empty MDL 2 and MDL 3. */
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 5), 0);
	IPOC_CHECK_EQ(ipoc_cursor_be32(&c, &u32), 0);
	IPOC_CHECK_EQ(u32, 0x06070809);
	/* One byte left: a be16 must fail, the u8 must not. */
	IPOC_CHECK_EQ(ipoc_cursor_be16(&c, &u16), -1);
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &u8), 0);
	IPOC_CHECK_EQ(u8, 0x0a);
}

static void test_take_skip_peek(void)
{
	struct fixture f;
	struct ipoc_cursor c, before;
	uint8_t buf[10];
	static const uint8_t want[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 10), 0);
	IPOC_CHECK_MEM(buf, want, 10);
	IPOC_CHECK_EQ(c.left, 0);
	IPOC_CHECK_EQ(c.pos, 10);

	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 2), 0);
	IPOC_CHECK_EQ(c.pos, 2);
	before = c;
	/* peek_at is relative to the position and does not move. */
	memset(buf, 0, sizeof(buf));
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 3, buf, 4), 0);
	IPOC_CHECK_MEM(buf, want + 5, 4);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 0, buf, 8), 0);
	IPOC_CHECK_MEM(buf, want + 2, 8);
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 8, NULL, 0), 0);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 3), 0);
	IPOC_CHECK_MEM(buf, want + 2, 3);
	IPOC_CHECK_EQ(c.pos, 5);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 0), 0);
	IPOC_CHECK_EQ(c.pos, 5);
}

static void test_sub(void)
{
	struct fixture f;
	struct ipoc_cursor c, sub, before;
	uint8_t buf[4];
	uint32_t u32 = 0;

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 1), 0);
	before = c;
	IPOC_CHECK_EQ(ipoc_cursor_sub(&c, 4, &sub), 0);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(sub.pos, 0);
	IPOC_CHECK_EQ(sub.left, 4);
	/* The view is bounded: 4 bytes read, a fifth does not exist. */
	IPOC_CHECK_EQ(ipoc_cursor_be32(&sub, &u32), 0);
	IPOC_CHECK_EQ(u32, 0x02030405);
	IPOC_CHECK_EQ(ipoc_cursor_take(&sub, buf, 1), -1);
	IPOC_CHECK(sub.mdl == NULL);
	/* Sub of a sub, and a sub may not outgrow its parent. */
	IPOC_CHECK_EQ(ipoc_cursor_sub(&c, 9, &sub), 0);
	IPOC_CHECK_EQ(ipoc_cursor_sub(&c, 10, &sub), -1);
	IPOC_CHECK_EQ(sub.left, 9);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&sub, 6), 0);
	IPOC_CHECK_EQ(ipoc_cursor_sub(&sub, 3, &sub), 0);
	IPOC_CHECK_EQ(ipoc_cursor_take(&sub, buf, 3), 0);
	IPOC_CHECK_EQ(buf[0], 8);
	IPOC_CHECK_EQ(buf[2], 10);
	IPOC_CHECK_EQ(ipoc_cursor_sub(&c, 0, &sub), 0);
	IPOC_CHECK_EQ(sub.left, 0);
	IPOC_CHECK(sub.mdl == NULL);
}

static void test_contig(void)
{
	struct fixture f;
	struct ipoc_cursor c;

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	/* Data starts at b0[1]: two bytes lie in MDL 0, three do not. */
	IPOC_CHECK(ipoc_cursor_contig(&c, 2) == &f.b0[1]);
	IPOC_CHECK(ipoc_cursor_contig(&c, 3) == NULL);
	IPOC_CHECK(ipoc_cursor_contig(&c, 0) == NULL);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 2), 0);
	IPOC_CHECK(ipoc_cursor_contig(&c, 5) == &f.b1[0]);
	IPOC_CHECK(ipoc_cursor_contig(&c, 6) == NULL);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 5), 0);
	IPOC_CHECK(ipoc_cursor_contig(&c, 3) == &f.b3[0]);
	/* MDL 3 has a fourth byte, but it lies outside the NB's data. */
	IPOC_CHECK(ipoc_cursor_contig(&c, 4) == NULL);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 3), 0);
	IPOC_CHECK(ipoc_cursor_contig(&c, 1) == NULL);
}

/* Every operation that fails must leave the cursor as it was. */
static void test_failure_leaves_cursor(void)
{
	struct fixture f;
	struct ipoc_cursor c, before, sub;
	uint8_t buf[16], u8;
	uint16_t u16;
	uint32_t u32;

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 7), 0);
	before = c;
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 4), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 4), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_be32(&c, &u32), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, (size_t)-1), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 4, buf, 0), -1);
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 2, buf, 2), -1);
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, (size_t)-1, buf, 2), -1);
	IPOC_CHECK_EQ(ipoc_cursor_peek_at(&c, 1, buf, (size_t)-1), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_sub(&c, 4, &sub), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 2), 0);
	before = c;
	IPOC_CHECK_EQ(ipoc_cursor_be16(&c, &u16), -1);
	IPOC_CHECK(cur_eq(&c, &before));
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &u8), 0);
	before = c;
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &u8), -1);
	IPOC_CHECK(cur_eq(&c, &before));
}

static void test_exact_end(void)
{
	struct fixture f;
	struct ipoc_cursor c;
	uint8_t buf[11];

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 11), -1);
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 10), 0);
	IPOC_CHECK_EQ(c.left, 0);
	IPOC_CHECK(c.mdl == NULL);
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, buf, 1), -1);
	IPOC_CHECK_EQ(ipoc_cursor_skip(&c, 0), 0);
	IPOC_CHECK_EQ(ipoc_cursor_take(&c, NULL, 0), 0);
	/* Byte by byte to the end, then one more. */
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	while (c.left && ipoc_cursor_u8(&c, &buf[c.pos]) == 0)
		;
	IPOC_CHECK_EQ(c.pos, 10);
	IPOC_CHECK_EQ(buf[9], 10);
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &buf[0]), -1);
}

/* Data that starts in a later MDL, and an NB with no data at all. */
static void test_current_mdl_later(void)
{
	struct fixture f;
	struct ipoc_cursor c;
	uint32_t u32 = 0;
	uint8_t u8;

	fixture_init(&f);
	f.nb.CurrentMdl = &f.m[1];
	f.nb.CurrentMdlOffset = 2;
	f.nb.DataOffset = 5;
	f.nb.DataLength = 6;
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_be32(&c, &u32), 0);
	IPOC_CHECK_EQ(u32, 0x05060708);

	/* CurrentMdl is the empty MDL 2: the data begins in MDL 3. */
	f.nb.CurrentMdl = &f.m[2];
	f.nb.CurrentMdlOffset = 0;
	f.nb.DataOffset = 8;
	f.nb.DataLength = 4;
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK(c.mdl == &f.m[3]);
	IPOC_CHECK_EQ(ipoc_cursor_be32(&c, &u32), 0);
	IPOC_CHECK_EQ(u32, 0x08090a0b);

	f.nb.DataLength = 0;
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), 0);
	IPOC_CHECK_EQ(c.left, 0);
	IPOC_CHECK_EQ(ipoc_cursor_u8(&c, &u8), -1);
	IPOC_CHECK(ipoc_cursor_contig(&c, 1) == NULL);
}

/*
 * The NDIS data-space rules, on an NB laid out as a miniport would see it
 * after a protocol retreated the data start into a new MDL (spec digest
 * section 1.2): the MDL chain is [A: 16 bytes of unused space][B: 4 unused
 * bytes, then data][C: data, then 3 bytes past the data]. CurrentMdl is B,
 * CurrentMdlOffset 4, DataOffset 16 + 4; Total data size = DataOffset +
 * DataLength <= the bytes of the chain. Each MDL describes its buffer as
 * the memory manager does: StartVa page aligned, ByteOffset the offset of
 * the buffer in that page, and the bytes mapped at MappedSystemVa
 * (MmGetSystemAddressForMdlSafe), which is where an engine reads them.
 */
static void test_ndis_rules(void)
{
	static uint8_t pages[3 * 4096] __attribute__((aligned(4096)));
	uint8_t *a = pages + 4096 - 16, *b = pages + 4096 + 700, *c = pages + 8192 + 5;
	MDL m[3];
	NET_BUFFER nb;
	struct ipoc_cursor cur;
	uint8_t got[12], want[12];
	uint32_t i;

	memset(pages, 0x5A, sizeof(pages));
	for (i = 0; i < 8; i++)
		b[4 + i] = (uint8_t)(0x10 + i);             /* data bytes 0..7 in B */
	for (i = 0; i < 4; i++)
		c[i] = (uint8_t)(0x18 + i);                 /* data bytes 8..11 in C */
	for (i = 0; i < 12; i++)
		want[i] = (uint8_t)(0x10 + i);
	uint8_t *vas[3] = { a, b, c };
	uint32_t counts[3] = { 16, 12, 7 };
	for (i = 0; i < 3; i++) {
		mdl_set(&m[i], vas[i], counts[i], i < 2 ? &m[i + 1] : NULL);
		m[i].StartVa = (void *)((uintptr_t)vas[i] & ~(uintptr_t)4095);
		m[i].ByteOffset = (ULONG)((uintptr_t)vas[i] & 4095);
		IPOC_CHECK(MmGetMdlVirtualAddress(&m[i]) == m[i].MappedSystemVa);
		IPOC_CHECK(MmGetSystemAddressForMdlSafe(&m[i], 0) == vas[i]);
	}
	memset(&nb, 0, sizeof(nb));
	nb.MdlChain = &m[0];
	nb.CurrentMdl = &m[1];
	nb.CurrentMdlOffset = 4;
	nb.DataOffset = 16 + 4;
	nb.DataLength = 12;
	IPOC_CHECK_EQ(ipoc_nb_validate(&nb), 0);
	IPOC_CHECK_EQ(ipoc_cursor_init(&cur, &nb), 0);
	IPOC_CHECK(cur.mdl == &m[1] && cur.mdl_off == 4);
	IPOC_CHECK_EQ(ipoc_cursor_take(&cur, got, sizeof(got)), 0);
	IPOC_CHECK_MEM(got, want, sizeof(want));
	IPOC_CHECK_EQ(cur.left, 0);
	/* The 3 bytes of C past DataLength are not data. */
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&nb, 9, got, 4), -1);
	/* DataOffset must count every byte of the MDLs before CurrentMdl. */
	nb.DataOffset = 4;
	IPOC_CHECK_EQ(ipoc_nb_validate(&nb), -1);
	nb.DataOffset = 20;
	/* Total data size may not exceed the chain: 16 + 12 + 7 = 35 = 20 + 15. */
	nb.DataLength = 15;
	IPOC_CHECK_EQ(ipoc_nb_validate(&nb), 0);
	nb.DataLength = 16;
	IPOC_CHECK_EQ(ipoc_nb_validate(&nb), -1);
	/* CurrentMdlOffset beyond its MDL's ByteCount is not a position. */
	nb.DataLength = 12;
	nb.CurrentMdlOffset = 13;
	nb.DataOffset = 16 + 13;
	IPOC_CHECK_EQ(ipoc_nb_validate(&nb), -1);
}

static void test_validate(void)
{
	struct fixture f;
	struct ipoc_cursor c;
	MDL stray;

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), 0);
	IPOC_CHECK_EQ(ipoc_nb_validate(NULL), -1);

	mdl_set(&stray, f.b0, 3, &f.m[1]);
	f.nb.CurrentMdl = &stray;        /* not on the chain (though it links into it) */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), -1);
	f.nb.CurrentMdl = NULL;
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);

	fixture_init(&f);
	f.nb.DataOffset = 2;             /* CurrentMdlOffset still 1 */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), -1);

	fixture_init(&f);
	f.nb.CurrentMdlOffset = 4;       /* beyond ByteCount 3 */
	f.nb.DataOffset = 4;
	f.nb.DataLength = 1;
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);

	fixture_init(&f);
	f.nb.DataLength = 11;            /* 1 + 11 == 12 bytes on the chain: fits */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), 0);
	f.nb.DataLength = 12;            /* one more than the chain holds */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), -1);
	f.nb.DataLength = UINT32_MAX;
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);

	fixture_init(&f);
	f.m[3].MappedSystemVa = NULL;    /* 4 bytes claimed, none mapped */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	f.m[3].ByteCount = 0;            /* NULL is fine for an empty MDL... */
	f.nb.DataLength = 7;             /* ...once the data fits without it */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), 0);

	fixture_init(&f);
	f.m[3].Next = &f.m[0];           /* cycle through the head */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	IPOC_CHECK_EQ(ipoc_cursor_init(&c, &f.nb), -1);
	f.m[3].Next = &f.m[2];           /* cycle not through the head */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
	f.m[3].Next = NULL;
	f.m[0].Next = &f.m[0];           /* self loop */
	IPOC_CHECK_EQ(ipoc_nb_validate(&f.nb), -1);
}

static void test_copy_in_out(void)
{
	struct fixture f, orig;
	uint8_t buf[12];
	static const uint8_t want[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint8_t patch[4] = { 0xd0, 0xd1, 0xd2, 0xd3 };

	fixture_init(&f);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 0, buf, 10), 0);
	IPOC_CHECK_MEM(buf, want, 10);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 9, buf, 1), 0);
	IPOC_CHECK_EQ(buf[0], 10);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 10, buf, 0), 0);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 10, buf, 1), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 0, buf, 11), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, UINT32_MAX, buf, 2), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 2, buf, UINT32_MAX), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 0, NULL, 1), -1);

	/* Write across MDL 0 / MDL 1, read it back flat and per MDL. */
	IPOC_CHECK_EQ(ipoc_nb_copy_in(&f.nb, 1, patch, 4), 0);
	IPOC_CHECK_EQ(f.b0[2], 0xd0);
	IPOC_CHECK_EQ(f.b1[0], 0xd1);
	IPOC_CHECK_EQ(f.b1[2], 0xd3);
	IPOC_CHECK_EQ(f.b0[0], 0x00);    /* headroom untouched */
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 0, buf, 10), 0);
	IPOC_CHECK_EQ(buf[0], 1);
	IPOC_CHECK_MEM(buf + 1, patch, 4);
	IPOC_CHECK_MEM(buf + 5, want + 5, 5);

	/* A write that does not fit touches nothing. */
	orig = f;
	IPOC_CHECK_EQ(ipoc_nb_copy_in(&f.nb, 7, patch, 4), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_in(&f.nb, UINT32_MAX, patch, 2), -1);
	IPOC_CHECK_MEM(f.b0, orig.b0, sizeof(f.b0));
	IPOC_CHECK_MEM(f.b1, orig.b1, sizeof(f.b1));
	IPOC_CHECK_MEM(f.b3, orig.b3, sizeof(f.b3));
	IPOC_CHECK_EQ(ipoc_nb_copy_in(&f.nb, 6, patch, 4), 0);
	IPOC_CHECK_EQ(f.b3[2], 0xd3);
	IPOC_CHECK_EQ(f.b3[3], 0x0b);    /* beyond DataLength: untouched */

	f.nb.DataOffset = 0;             /* now invalid: both directions refuse */
	IPOC_CHECK_EQ(ipoc_nb_copy_in(&f.nb, 0, patch, 1), -1);
	IPOC_CHECK_EQ(ipoc_nb_copy_out(&f.nb, 0, buf, 1), -1);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_reads_across_mdls();
	test_take_skip_peek();
	test_sub();
	test_contig();
	test_failure_leaves_cursor();
	test_exact_end();
	test_current_mdl_later();
	test_ndis_rules();
	test_validate();
	test_copy_in_out();
	return ipoc_test_report(argv[0]);
}
