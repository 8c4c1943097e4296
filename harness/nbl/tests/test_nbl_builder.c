/* SPDX-License-Identifier: MIT */
/*
 * test_nbl_builder.c - ipoc_nbl_build() shapes, head/tailroom, a lead MDL,
 * several NBs, rejected shapes, guard detection (bytes and PROT_NONE
 * pages, in a child process that must fault), writes to unused data
 * space, the metadata check, and the shape generators.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipoc_nbl.h"
#include "ipoc_test.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define FRAME_LEN 100

static uint8_t frame[FRAME_LEN];

static void frame_fill(void)
{
	size_t i;

	for (i = 0; i < FRAME_LEN; i++)
		frame[i] = (uint8_t)(i * 7 + 3);
}

static const MDL *mdl_at(const NET_BUFFER *nb, size_t j)
{
	const MDL *m = nb->MdlChain;

	while (m && j--)
		m = m->Next;
	return m;
}

static const NET_BUFFER *nb_at(const NET_BUFFER_LIST *nbl, size_t i)
{
	const NET_BUFFER *nb = nbl->FirstNetBuffer;

	while (nb && i--)
		nb = nb->Next;
	return nb;
}

static void check_flat(const NET_BUFFER *nb, const uint8_t *want, uint32_t want_len)
{
	uint8_t out[FRAME_LEN + 1];
	uint32_t len = 0xdead;

	IPOC_CHECK_EQ(ipoc_nb_flatten(nb, out, sizeof(out), &len), 0);
	IPOC_CHECK_EQ(len, want_len);
	IPOC_CHECK_MEM(out, want, want_len);
}

static void test_shape_and_rooms(void)
{
	static const uint32_t cuts[] = { 10, 11, 50 };
	static const uint32_t want_bc[] = { 4 + 10, 1, 39, 50 + 6 };
	struct ipoc_frame f = { frame, FRAME_LEN, { cuts, 3, 4, 6 } };
	NET_BUFFER_LIST *nbl = NULL;
	const NET_BUFFER *nb;
	const uint8_t *first, *last;
	uint8_t out[FRAME_LEN];
	uint32_t len;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	size_t j;

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)), 0);
	if (!nbl)
		return;
	nb = nbl->FirstNetBuffer;
	IPOC_CHECK(nb && !nb->Next && !nbl->Next);
	IPOC_CHECK_EQ(ipoc_nbl_nb_count(nbl), 1);
	IPOC_CHECK_EQ(ipoc_nb_mdl_count(nb), 4);
	IPOC_CHECK(nb->CurrentMdl == nb->MdlChain);
	IPOC_CHECK_EQ(nb->DataOffset, 4);
	IPOC_CHECK_EQ(nb->CurrentMdlOffset, 4);
	IPOC_CHECK_EQ(nb->DataLength, FRAME_LEN);
	IPOC_CHECK_EQ(ipoc_nb_validate(nb), 0);
	for (j = 0; j < 4; j++) {
		const MDL *m = mdl_at(nb, j);

		IPOC_CHECK_EQ(m->ByteCount, want_bc[j]);
		/* As the memory manager describes a buffer: StartVa page aligned,
		 * ByteOffset inside the page, the bytes at MappedSystemVa. */
		IPOC_CHECK(m->MappedSystemVa != NULL);
		IPOC_CHECK_EQ((uintptr_t)m->StartVa & 4095, 0);
		IPOC_CHECK(m->ByteOffset < 4096);
		IPOC_CHECK(MmGetMdlVirtualAddress(m) == m->MappedSystemVa);
		IPOC_CHECK_EQ(m->MdlFlags, MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL);
	}
	/* Headroom precedes the frame in MDL 0; tailroom follows it in MDL 3. */
	first = mdl_at(nb, 0)->MappedSystemVa;
	last = mdl_at(nb, 3)->MappedSystemVa;
	IPOC_CHECK_EQ(first[0], 0xEE);
	IPOC_CHECK_EQ(first[3], 0xEE);
	IPOC_CHECK_MEM(first + 4, frame, 10);
	IPOC_CHECK_MEM(last, frame + 50, 50);
	IPOC_CHECK_EQ(last[50], 0xEE);
	IPOC_CHECK_EQ(last[55], 0xEE);
	IPOC_CHECK_EQ(*(const uint8_t *)mdl_at(nb, 1)->MappedSystemVa, frame[10]);
	check_flat(nb, frame, FRAME_LEN);
	IPOC_CHECK_EQ(ipoc_nb_flatten(nb, out, FRAME_LEN - 1, &len), -1);
	IPOC_CHECK(nbl->ProtocolReserved[0] != NULL);
	IPOC_CHECK(nbl->MiniportReserved[0] == NULL && nbl->MiniportReserved[1] == NULL);
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
	ipoc_nbl_free(nbl);
}

/* Three NBs: a 2-MDL frame, a zero-length frame, a 1-MDL frame with rooms. */
static void test_multiple_nbs(void)
{
	static const uint32_t cut[] = { 60 };
	struct ipoc_frame f[3] = {
		{ frame, FRAME_LEN, { cut, 1, 0, 0 } },
		{ NULL, 0, { NULL, 0, 0, 0 } },
		{ frame + 20, 30, { NULL, 0, 2, 3 } },
	};
	NET_BUFFER_LIST *nbl = NULL;
	const NET_BUFFER *nb;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, f, 3, err, sizeof(err)), 0);
	if (!nbl)
		return;
	IPOC_CHECK_EQ(ipoc_nbl_nb_count(nbl), 3);
	nb = nb_at(nbl, 0);
	IPOC_CHECK_EQ(ipoc_nb_mdl_count(nb), 2);
	IPOC_CHECK_EQ(nb->MdlChain->ByteCount, 60);
	IPOC_CHECK_EQ(nb->MdlChain->Next->ByteCount, 40);
	check_flat(nb, frame, FRAME_LEN);

	nb = nb_at(nbl, 1);
	IPOC_CHECK_EQ(ipoc_nb_mdl_count(nb), 1);
	IPOC_CHECK_EQ(nb->DataLength, 0);
	IPOC_CHECK_EQ(nb->MdlChain->ByteCount, 0);
	/* Even an empty buffer has a real address (between its guards). */
	IPOC_CHECK(nb->MdlChain->MappedSystemVa != NULL);
	IPOC_CHECK_EQ(ipoc_nb_validate(nb), 0);
	check_flat(nb, frame, 0);

	nb = nb_at(nbl, 2);
	IPOC_CHECK_EQ(nb->MdlChain->ByteCount, 2 + 30 + 3);
	IPOC_CHECK_EQ(nb->DataOffset, 2);
	IPOC_CHECK_EQ(nb->CurrentMdlOffset, 2);
	check_flat(nb, frame + 20, 30);
	IPOC_CHECK(nb->Next == NULL);
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
	ipoc_nbl_free(nbl);
}

/* Build frame 1 of two with the given cuts; expect failure naming them. */
static void expect_reject(const uint32_t *cuts, uint32_t n_cuts, uint32_t len, const char *want)
{
	struct ipoc_frame f[2] = {
		{ frame, FRAME_LEN, { NULL, 0, 0, 0 } },
		{ frame, len, { cuts, n_cuts, 0, 0 } },
	};
	static NET_BUFFER_LIST sentinel;
	NET_BUFFER_LIST *nbl = &sentinel;   /* a failed build must reset it to NULL */
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, f, 2, err, sizeof(err)), -1);
	IPOC_CHECK(nbl == NULL);
	IPOC_CHECK_STR_HAS(err, want);
	if (nbl != &sentinel)
		ipoc_nbl_free(nbl);
}

static void test_invalid_shapes(void)
{
	static const uint32_t zero[] = { 5, 0 };
	static const uint32_t at_len[] = { 5, FRAME_LEN };
	static const uint32_t past_len[] = { FRAME_LEN + 1 };
	static const uint32_t equal[] = { 10, 40, 40 };
	static const uint32_t down[] = { 10, 40, 39 };
	static const uint32_t one[] = { 1 };
	struct ipoc_frame f = { NULL, 10, { NULL, 0, 0, 0 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	expect_reject(zero, 2, FRAME_LEN, "frame 1: cut 1 (=0)");
	expect_reject(at_len, 2, FRAME_LEN, "frame 1: cut 1 (=100) is not less than the frame length 100");
	expect_reject(past_len, 1, FRAME_LEN, "frame 1: cut 0 (=101)");
	expect_reject(equal, 3, FRAME_LEN, "frame 1: cut 2 (=40) is not greater than cut 1 (=40)");
	expect_reject(down, 3, FRAME_LEN, "frame 1: cut 2 (=39) is not greater than cut 1 (=40)");
	/* A zero-length frame has no room for a cut, and a 1-byte one neither. */
	expect_reject(one, 1, 0, "frame 1: cut 0 (=1)");
	expect_reject(one, 1, 1, "frame 1: cut 0 (=1)");
	expect_reject(NULL, 1, FRAME_LEN, "frame 1: cuts is NULL");

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "frame 0: data is NULL");
	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 0, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "no frames");
	f.data = frame;
	f.shape.headroom = UINT32_MAX - 5;
	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "exceeds 32 bits");
	/* No error buffer at all is fine too. */
	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 1, NULL, 0), -1);
}

/*
 * A write one byte before / after an MDL buffer must be reported with the
 * NB, MDL, side and offset. Those writes land in the guards, which ASan has
 * poisoned, so in an ASan build they would abort the test: there the test
 * checks instead that the guards (and only they) are poisoned, and the
 * write checks run only in the plain build.
 */
#ifdef TEST_ASAN
static void guard_edges(const NET_BUFFER_LIST *nbl, uint8_t *va, uint32_t bc)
{
	(void)nbl;
	/* ipoc_nbl_check_guards() has just run: it must have poisoned the
	 * guards again after reading them. */
	IPOC_CHECK(__asan_address_is_poisoned(va - 1));
	IPOC_CHECK(__asan_address_is_poisoned(va + bc));
	IPOC_CHECK(__asan_address_is_poisoned(va - IPOC_NBL_GUARD_LEN));
	IPOC_CHECK(__asan_address_is_poisoned(va + bc + IPOC_NBL_GUARD_LEN - 1));
	IPOC_CHECK(!__asan_address_is_poisoned(va));
	IPOC_CHECK(!__asan_address_is_poisoned(va + bc - 1));
}
#else
/* Flip guard byte p (relative to va), expect err to contain want, undo. */
static void guard_hit(const NET_BUFFER_LIST *nbl, uint8_t *p, const char *want)
{
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	*p ^= 0x01;
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, want);
	*p ^= 0x01;
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
}

static void guard_edges(const NET_BUFFER_LIST *nbl, uint8_t *va, uint32_t bc)
{
	guard_hit(nbl, va - 1, "NB 1 MDL 1: guard before the buffer corrupted at byte -1");
	guard_hit(nbl, va + bc, "NB 1 MDL 1: guard after the buffer corrupted at byte 7");
	/* The far ends of both guards count as much as the near ones. */
	guard_hit(nbl, va - IPOC_NBL_GUARD_LEN,
		  "before the buffer corrupted at byte -16 (guard byte 0)");
	guard_hit(nbl, va + bc + IPOC_NBL_GUARD_LEN - 1,
		  "after the buffer corrupted at byte 22 (guard byte 15");
}
#endif

static void test_guards(void)
{
	static const uint32_t cuts[] = { 10, 17 };
	struct ipoc_frame f[2] = {
		{ frame, FRAME_LEN, { NULL, 0, 0, 0 } },
		{ frame, FRAME_LEN, { cuts, 2, 0, 0 } },
	};
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	const MDL *m;
	uint8_t *va;

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, f, 2, err, sizeof(err)), 0);
	if (!nbl)
		return;
	m = mdl_at(nb_at(nbl, 1), 1);
	va = m->MappedSystemVa;
	IPOC_CHECK_EQ(m->ByteCount, 7);
	/* What an engine may do: bytes in place, Status, OOB slots. */
	va[0] ^= 0xff;
	va[m->ByteCount - 1] ^= 0xff;
	nbl->Status = NDIS_STATUS_FAILURE;
	nbl->NetBufferListInfo[IPsecOffloadV2NetBufferListInfo] = (PVOID)(uintptr_t)0x20002;
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
	guard_edges(nbl, va, m->ByteCount);
	ipoc_nbl_free(nbl);
}

static void test_not_ours_and_chain(void)
{
	struct ipoc_frame f = { frame, 8, { NULL, 0, 0, 0 } };
	NET_BUFFER_LIST fake, *a = NULL, *b = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	memset(&fake, 0, sizeof(fake));
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(&fake, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "not built by ipoc_nbl_build");
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(NULL, err, sizeof(err)), -1);
	ipoc_nbl_free(NULL);
	ipoc_nbl_free_chain(NULL);
	IPOC_CHECK_EQ(ipoc_nbl_build(&a, &f, 1, err, sizeof(err)), 0);
	IPOC_CHECK_EQ(ipoc_nbl_build(&b, &f, 1, err, sizeof(err)), 0);
	if (!a || !b)
		return;
	a->Next = b;
	/* LeakSanitizer checks that this frees both. */
	ipoc_nbl_free_chain(a);
}

static int cuts_ok(const uint32_t *cuts, int n, uint32_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (cuts[i] == 0 || cuts[i] >= len || (i && cuts[i] <= cuts[i - 1]))
			return 0;
	return 1;
}

static void test_shape_generators(void)
{
	uint32_t a[64], b[64];
	uint64_t s1 = 42, s2 = 42, s0 = 0;
	int n, i, differ = 0;

	IPOC_CHECK_EQ(ipoc_shape_split2(10, 3, a, 1), 1);
	IPOC_CHECK_EQ(a[0], 3);
	IPOC_CHECK_EQ(ipoc_shape_split2(10, 0, a, 1), -1);
	IPOC_CHECK_EQ(ipoc_shape_split2(10, 10, a, 1), -1);
	IPOC_CHECK_EQ(ipoc_shape_split2(10, 3, a, 0), -1);

	IPOC_CHECK_EQ(ipoc_shape_bytes(5, a, 4), 4);
	IPOC_CHECK(a[0] == 1 && a[3] == 4);
	IPOC_CHECK_EQ(ipoc_shape_bytes(5, a, 3), -1);
	IPOC_CHECK_EQ(ipoc_shape_bytes(1, NULL, 0), 0);
	IPOC_CHECK_EQ(ipoc_shape_bytes(0, a, 4), -1);

	n = ipoc_shape_random(100, 8, &s1, a, 64);
	IPOC_CHECK_EQ(n, 7);
	IPOC_CHECK(cuts_ok(a, n, 100));
	IPOC_CHECK_EQ(ipoc_shape_random(100, 8, &s2, b, 64), 7);
	IPOC_CHECK_MEM(a, b, 7 * sizeof(a[0]));          /* same seed, same shape */
	IPOC_CHECK(s1 == s2 && s1 != 42);                /* and the seed moved */
	IPOC_CHECK_EQ(ipoc_shape_random(100, 8, &s1, b, 64), 7);
	for (i = 0; i < 7; i++)
		differ |= a[i] != b[i];
	IPOC_CHECK(differ);                              /* next draw differs */
	IPOC_CHECK_EQ(ipoc_shape_random(100, 8, &s0, a, 64), 7);
	IPOC_CHECK(s0 != 0 && cuts_ok(a, 7, 100));       /* seed 0 still works */
	/* k == len leaves no choice: every offset is a cut. */
	IPOC_CHECK_EQ(ipoc_shape_random(9, 9, &s1, a, 64), 8);
	IPOC_CHECK(a[0] == 1 && a[7] == 8 && cuts_ok(a, 8, 9));
	IPOC_CHECK_EQ(ipoc_shape_random(9, 1, &s1, NULL, 0), 0);
	IPOC_CHECK_EQ(ipoc_shape_random(9, 10, &s1, a, 64), -1);
	IPOC_CHECK_EQ(ipoc_shape_random(9, 0, &s1, a, 64), -1);
	IPOC_CHECK_EQ(ipoc_shape_random(100, 8, &s1, a, 6), -1);
	IPOC_CHECK_EQ(ipoc_shape_random(100, 8, NULL, a, 64), -1);
}

/* A lead MDL of unused space: CurrentMdl is the second MDL, DataOffset
 * spans the first one whole (the NDIS retreat layout). */
static void test_lead_mdl(void)
{
	static const uint32_t cuts[] = { 30 };
	struct ipoc_frame f = { frame, FRAME_LEN, { cuts, 1, 5, 2, 24 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	const NET_BUFFER *nb;

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)), 0);
	if (!nbl)
		return;
	nb = nbl->FirstNetBuffer;
	IPOC_CHECK_EQ(ipoc_nb_mdl_count(nb), 3);
	IPOC_CHECK(nb->CurrentMdl == mdl_at(nb, 1) && nb->MdlChain == mdl_at(nb, 0));
	IPOC_CHECK_EQ(mdl_at(nb, 0)->ByteCount, 24);
	IPOC_CHECK_EQ(nb->CurrentMdlOffset, 5);
	IPOC_CHECK_EQ(nb->DataOffset, 24 + 5);
	IPOC_CHECK_EQ(ipoc_nb_validate(nb), 0);
	check_flat(nb, frame, FRAME_LEN);
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
	/* The lead MDL is unused data space: writing it is reported. */
	((uint8_t *)mdl_at(nb, 0)->MappedSystemVa)[3] ^= 1;
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 0 MDL 0: unused data space written at byte 3 (before the data)");
	((uint8_t *)mdl_at(nb, 0)->MappedSystemVa)[3] ^= 1;
	/* So is the tailroom after the frame in the last MDL. */
	((uint8_t *)mdl_at(nb, 2)->MappedSystemVa)[70] ^= 1;
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 0 MDL 2: unused data space written at byte 70 (after the data)");
	ipoc_nbl_free(nbl);
}

/* Run fn(arg) in a child; its fate: the signal that killed it, or 0. */
static int fate(void (*fn)(uint8_t *), uint8_t *arg)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);   /* not a sanitizer's report: the signal */
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void read_at(uint8_t *p)
{
	volatile uint8_t v = *(volatile uint8_t *)p;

	(void)v;
}

static void write_at(uint8_t *p)
{
	*(volatile uint8_t *)p = 0;
}

/* Guard pages: one byte past the buffer (TAIL) or before it (HEAD) faults,
 * read or write; the buffer itself and the guard bytes on the other side
 * are ordinary memory. */
static void test_guard_pages(void)
{
	static const uint32_t cuts[] = { 1, 2, 60 };
	static const enum ipoc_nbl_guard sides[] = { IPOC_NBL_GUARD_TAIL, IPOC_NBL_GUARD_HEAD };
	uint8_t big[9000];

	memset(big, 0x3c, sizeof(big));
	for (size_t k = 0; k < 2; k++) {
		struct ipoc_nbl_opts o = { sides[k] };
		struct ipoc_frame f[2] = {
			{ frame, FRAME_LEN, { cuts, 3, 0, 0, 0 } },
			{ big, sizeof(big), { NULL, 0, 0, 0, 0 } },   /* a large cell */
		};
		NET_BUFFER_LIST *nbl = NULL;
		char err[IPOC_NBL_ERRBUF_SIZE] = "";

		IPOC_CHECK_EQ(ipoc_nbl_build_ex(&nbl, f, 2, &o, err, sizeof(err)), 0);
		if (!nbl)
			continue;
		for (size_t i = 0; i < 2; i++) {
			const NET_BUFFER *nb = nb_at(nbl, i);

			for (const MDL *m = nb->MdlChain; m; m = m->Next) {
				uint8_t *va = m->MappedSystemVa;
				uint8_t *out = sides[k] == IPOC_NBL_GUARD_TAIL ? va + m->ByteCount
									       : va - 1;

				IPOC_CHECK(MmGetMdlVirtualAddress(m) == m->MappedSystemVa);
				IPOC_CHECK_EQ(fate(read_at, out), SIGSEGV);
				IPOC_CHECK_EQ(fate(write_at, out), SIGSEGV);
				IPOC_CHECK_EQ(fate(read_at, va), 0);
				IPOC_CHECK_EQ(fate(read_at, va + m->ByteCount - 1), 0);
			}
			if (i == 0) {
				check_flat(nb, frame, FRAME_LEN);
			} else {
				static uint8_t out[sizeof(big)];
				uint32_t len = 0;

				IPOC_CHECK_EQ(ipoc_nb_flatten(nb, out, sizeof(out), &len), 0);
				IPOC_CHECK_EQ(len, sizeof(big));
				IPOC_CHECK_MEM(out, big, sizeof(big));
			}
		}
		IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
#ifndef TEST_ASAN
		{
			/* The guard bytes on the open side are still checked. */
			const MDL *m = mdl_at(nb_at(nbl, 0), 3);
			uint8_t *g = sides[k] == IPOC_NBL_GUARD_TAIL
					     ? (uint8_t *)m->MappedSystemVa - 1
					     : (uint8_t *)m->MappedSystemVa + m->ByteCount;

			*g ^= 1;
			IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), -1);
			IPOC_CHECK_STR_HAS(err, sides[k] == IPOC_NBL_GUARD_TAIL
					   ? "NB 0 MDL 3: guard before the buffer corrupted at byte -1"
					   : "NB 0 MDL 3: guard after the buffer corrupted at byte 40");
			*g ^= 1;
		}
#endif
		ipoc_nbl_free(nbl);
	}
}

/* What an engine may change, and what it may not. */
static void test_meta(void)
{
	static const uint32_t cuts[] = { 10 };
	struct ipoc_frame f[2] = {
		{ frame, FRAME_LEN, { cuts, 1, 0, 0, 0 } },
		{ frame, 20, { NULL, 0, 0, 0, 0 } },
	};
	uint32_t rx = IPOC_SLOT_BIT(IPsecOffloadV2NetBufferListInfo) |
		      IPOC_SLOT_BIT(IPsecOffloadV2TunnelNetBufferListInfo) |
		      IPOC_SLOT_BIT(IPsecOffloadV2HeaderNetBufferListInfo);
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	NET_BUFFER *nb;
	MDL *m;

	IPOC_CHECK_EQ(ipoc_nbl_build(&nbl, f, 2, err, sizeof(err)), 0);
	if (!nbl)
		return;
	nb = nbl->FirstNetBuffer;
	m = nb->MdlChain->Next;
	IPOC_CHECK_EQ(ipoc_nbl_nb_index(nbl, nb), 0);
	IPOC_CHECK_EQ(ipoc_nbl_nb_index(nbl, nb->Next), 1);
	IPOC_CHECK_EQ(ipoc_nbl_nb_index(nbl, (NET_BUFFER *)m), -1);
	/* Owned by the engine: Status, Scratch, MiniportReserved, Next, the
	 * slots of its direction, the miniport's private flag bits. */
	nbl->Status = NDIS_STATUS_FAILURE;
	nbl->Scratch = nbl;
	nbl->MiniportReserved[1] = nbl;
	nb->MiniportReserved[3] = nb;
	nbl->Flags |= 0x1000;
	nbl->NetBufferListInfo[IPsecOffloadV2HeaderNetBufferListInfo] = (PVOID)(uintptr_t)0x10006;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), 0);
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, 0, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NBL: OOB slot 12 changed");
	nbl->NetBufferListInfo[TcpLargeSendNetBufferListInfo] = (PVOID)(uintptr_t)1;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NBL: OOB slot 2 changed");
	nbl->NetBufferListInfo[TcpLargeSendNetBufferListInfo] = NULL;
	/* Not the engine's: lengths, offsets, links, addresses. */
	m->ByteCount--;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 0 MDL 1: ByteCount 89, built 90");
	m->ByteCount++;
	nb->Next->DataLength -= 2;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 1: DataLength changed");
	nb->Next->DataLength += 2;
	nb->DataOffset = 1;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 0: DataOffset changed");
	nb->DataOffset = 0;
	m->MappedSystemVa = (uint8_t *)m->MappedSystemVa + 1;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NB 0 MDL 1: MappedSystemVa changed");
	m->MappedSystemVa = (uint8_t *)m->MappedSystemVa - 1;
	nbl->NblFlags |= NDIS_NBL_FLAGS_IS_IPV4;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), -1);
	IPOC_CHECK_STR_HAS(err, "NBL: NblFlags changed");
	nbl->NblFlags = 0;
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, rx, err, sizeof(err)), 0);
	ipoc_nbl_free(nbl);
}

int main(int argc, char **argv)
{
	(void)argc;
	frame_fill();
	test_shape_and_rooms();
	test_multiple_nbs();
	test_invalid_shapes();
	test_guards();
	test_lead_mdl();
	test_guard_pages();
	test_meta();
	test_not_ours_and_chain();
	test_shape_generators();
	return ipoc_test_report(argv[0]);
}
