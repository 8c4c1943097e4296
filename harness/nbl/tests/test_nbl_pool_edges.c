/* SPDX-License-Identifier: MIT */
/*
 * test_nbl_pool_edges.c - what the NBL pool must still do and must not
 * do: on an NBL built again into a kept cell (on the guard side it had or
 * the other), a write one byte past either end or into unused space is
 * found by ipoc_nbl_check_guards, and a touch of the guard page faults;
 * an NBL of several MDLs, of a lead MDL or of two NBs gives its cells back
 * when recycled (they are not kept as if it were a one-MDL NBL), one in a
 * mapping of its own is unmapped; a build with guard bytes never takes a
 * kept NBL; a frame takes the last kept NBL whose cell holds it, never one
 * too small. Under AddressSanitizer a kept NBL is poisoned.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipoc_gpage.h"
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

#define PAGE 4096u

static uint8_t src[20000];

static NET_BUFFER_LIST *build(uint32_t len, uint32_t headroom, enum ipoc_nbl_guard guard,
			      const uint32_t *cuts, uint32_t n_cuts, uint32_t lead, size_t nbs)
{
	struct ipoc_frame f[2];
	struct ipoc_nbl_opts o = { guard };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	for (size_t i = 0; i < nbs; i++)
		f[i] = (struct ipoc_frame){ src, len, { cuts, n_cuts, headroom, 0, lead } };
	if (ipoc_nbl_build_ex(&nbl, f, nbs, &o, err, sizeof(err)) != 0)
		fprintf(stderr, "build: %s\n", err);
	return nbl;
}

static NET_BUFFER_LIST *one(uint32_t len, uint32_t headroom, enum ipoc_nbl_guard guard)
{
	return build(len, headroom, guard, NULL, 0, 0, 1);
}

static uint8_t *va_of(const NET_BUFFER_LIST *nbl)
{
	return nbl->FirstNetBuffer->MdlChain->MappedSystemVa;
}

/* Write v at p (a guard byte: unpoisoned first under AddressSanitizer,
 * as an engine's stray write would have found it with no sanitizer). */
static void poke(uint8_t *p, uint8_t v)
{
#ifdef TEST_ASAN
	ASAN_UNPOISON_MEMORY_REGION(p, 1);
#endif
	*p = v;
}

static void expect_guard_error(const NET_BUFFER_LIST *nbl, const char *what)
{
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), (uint64_t)-1);
	IPOC_CHECK_STR_HAS(err, what);
}

static void write_at(uint8_t *p)
{
	*(volatile uint8_t *)p = 0x42;
}

/* The signal a child dies of when it writes at p, 0 if it lives. */
static int fate_of_write(uint8_t *p)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		write_at(p);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* A kept cell built again, on each guard side after each: its guards
 * and unused space are checked as a fresh one's. */
static void test_guards_on_kept_cell(void)
{
	static const enum ipoc_nbl_guard sides[] = { IPOC_NBL_GUARD_TAIL, IPOC_NBL_GUARD_HEAD };
	char err[IPOC_NBL_ERRBUF_SIZE] = "", want[96];

	for (int first = 0; first < 2; first++) {
		for (int then = 0; then < 2; then++) {
			NET_BUFFER_LIST *a, *b;
			uint8_t *va;
			uint32_t bc = 8 + 300;

			ipoc_nbl_pool_drain();
			a = one(300, 8, sides[first]);
			if (!a)
				continue;
			ipoc_nbl_recycle(a);
			b = one(300, 8, sides[then]);
			IPOC_CHECK(b == a);
			if (!b)
				continue;
			va = va_of(b);
			IPOC_CHECK_EQ(ipoc_nbl_check_guards(b, err, sizeof(err)), 0);
			if (sides[then] == IPOC_NBL_GUARD_HEAD) {
				/* one byte past the end: a guard byte */
				poke(va + bc, 0);
				snprintf(want, sizeof(want), "guard after the buffer corrupted at byte %u",
					 bc);
				expect_guard_error(b, want);
				poke(va + bc, 0xA5 ^ 16);   /* as it was */
				IPOC_CHECK_EQ(fate_of_write(va - 1), SIGSEGV);
			} else {
				/* one byte before the start: a guard byte */
				poke(va - 1, 0);
				expect_guard_error(b, "guard before the buffer corrupted at byte -1");
				poke(va - 1, 0xA5 ^ 15);
				IPOC_CHECK_EQ(fate_of_write(va + bc), SIGSEGV);
			}
			IPOC_CHECK_EQ(ipoc_nbl_check_guards(b, err, sizeof(err)), 0);
			va[3] = 0;   /* headroom */
			expect_guard_error(b, "unused data space written at byte 3 (before the data)");
			va[3] = 0xEE;
			IPOC_CHECK_EQ(ipoc_nbl_check_guards(b, err, sizeof(err)), 0);
			ipoc_nbl_free(b);
		}
	}
	ipoc_nbl_pool_drain();
}

/* The cell the arena hands out next, for a buffer of len bytes. */
static uint8_t *next_cell(uint32_t len)
{
	struct ipoc_gbuf g;
	uint8_t *cell;

	if (ipoc_gpage_alloc(len, IPOC_GPAGE_HEAD, &g) != 0)
		return NULL;
	cell = g.cell;
	ipoc_gpage_free(&g);
	return cell;
}

/* NBLs the pool must not keep give their cells back to the arena: the
 * cell it hands out next is the last one they freed. */
static void test_not_kept(void)
{
	static const uint32_t cuts[] = { 14, 34 };
	struct {
		const char *what;
		const uint32_t *cuts;
		uint32_t n_cuts, lead;
		size_t nbs;
	} kinds[] = {
		{ "three MDLs", cuts, 2, 0, 1 },
		{ "a lead MDL", NULL, 0, 64, 1 },
		{ "two NBs", NULL, 0, 0, 2 },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int side = 1; side <= 2; side++) {
			NET_BUFFER_LIST *nbl, *again;
			const NET_BUFFER *nb;
			const MDL *m = NULL;
			uint8_t *last;

			ipoc_nbl_pool_drain();
			nbl = build(1514, 0, (enum ipoc_nbl_guard)side, kinds[k].cuts, kinds[k].n_cuts,
				    kinds[k].lead, kinds[k].nbs);
			if (!nbl)
				continue;
			/* the buffer freed last: the last MDL of the last NB */
			for (nb = nbl->FirstNetBuffer; nb->Next; nb = nb->Next)
				;
			for (m = nb->MdlChain; m->Next; m = m->Next)
				;
			/* its one-page cell: where the buffer starts (HEAD) or ends (TAIL) */
			last = (uint8_t *)(((uintptr_t)m->MappedSystemVa +
					    (side == IPOC_NBL_GUARD_TAIL ? m->ByteCount - 1u : 0)) &
					   ~(uintptr_t)(PAGE - 1));
			ipoc_nbl_recycle(nbl);
			if (next_cell(100) != last)
				fprintf(stderr, "%s: its cells were not given back\n", kinds[k].what);
			IPOC_CHECK(next_cell(100) == last);
			/* and a one-MDL frame gets a block of its own */
			again = one(60, 0, (enum ipoc_nbl_guard)side);
			IPOC_CHECK(again != NULL);
			if (again) {
				IPOC_CHECK_EQ(ipoc_nb_mdl_count(again->FirstNetBuffer), 1);
				IPOC_CHECK_EQ(ipoc_nbl_nb_count(again), 1);
				ipoc_nbl_free(again);
			}
		}
	}
	ipoc_nbl_pool_drain();
}

/* A buffer larger than the arena's cells has a mapping of its own, which
 * recycling unmaps. */
static void test_own_mapping(void)
{
	NET_BUFFER_LIST *nbl;
	uint8_t *page;
	uint32_t len = IPOC_GPAGE_LARGE_PAGES * PAGE + 100;
	static uint8_t big[IPOC_GPAGE_LARGE_PAGES * 4096 + 100];
	struct ipoc_frame f = { big, len, { NULL, 0, 0, 0, 0 } };
	struct ipoc_nbl_opts o = { IPOC_NBL_GUARD_TAIL };
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	ipoc_nbl_pool_drain();
	IPOC_CHECK_EQ(ipoc_nbl_build_ex(&nbl, &f, 1, &o, err, sizeof(err)), 0);
	if (!nbl)
		return;
	page = (uint8_t *)((uintptr_t)va_of(nbl) & ~(uintptr_t)(PAGE - 1));
	IPOC_CHECK_EQ(msync(page, PAGE, MS_ASYNC), 0);
	ipoc_nbl_recycle(nbl);
	errno = 0;
	IPOC_CHECK_EQ(msync(page, PAGE, MS_ASYNC), (uint64_t)-1);
	IPOC_CHECK_EQ(errno, ENOMEM);
}

/* Which kept NBL a frame takes: with guard bytes, none; else the last
 * kept whose cell holds it, never one whose cell is too small. */
static void test_which_is_taken(void)
{
	NET_BUFFER_LIST *small1, *small2, *large, *x, *y;

	ipoc_nbl_pool_drain();
	small1 = one(60, 0, IPOC_NBL_GUARD_TAIL);
	small2 = one(100, 0, IPOC_NBL_GUARD_HEAD);
	large = one(9000, 0, IPOC_NBL_GUARD_TAIL);
	if (!small1 || !small2 || !large)
		return;
	ipoc_nbl_recycle(small1);
	ipoc_nbl_recycle(large);
	ipoc_nbl_recycle(small2);
#ifdef TEST_ASAN
	IPOC_CHECK(__asan_address_is_poisoned(small1));
	IPOC_CHECK(__asan_address_is_poisoned(large));
#endif
	x = one(60, 0, IPOC_NBL_GUARD_BYTES);     /* guard bytes: never a kept one */
	IPOC_CHECK(x && x != small1 && x != small2 && x != large);
	ipoc_nbl_free(x);
	x = one(5000, 0, IPOC_NBL_GUARD_TAIL);    /* too large for small2's cell */
	IPOC_CHECK(x == large);
	y = one(5000, 0, IPOC_NBL_GUARD_HEAD);    /* nothing kept holds it */
	IPOC_CHECK(y && y != small1 && y != small2);
	if (y)
		IPOC_CHECK_EQ(y->FirstNetBuffer->MdlChain->ByteCount, 5000);
	ipoc_nbl_free(x);
	ipoc_nbl_free(y);
	x = one(4096, 0, IPOC_NBL_GUARD_TAIL);   /* a full page: the last kept */
	IPOC_CHECK(x == small2);
	y = one(0, 0, IPOC_NBL_GUARD_HEAD);
	IPOC_CHECK(y == small1);
#ifdef TEST_ASAN
	IPOC_CHECK(!__asan_address_is_poisoned(y));
	IPOC_CHECK(__asan_region_is_poisoned(x, sizeof(*x)) == NULL);
#endif
	ipoc_nbl_free(x);
	ipoc_nbl_free(y);
	ipoc_nbl_pool_drain();
}

int main(int argc, char **argv)
{
	(void)argc;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13 + 5);
	test_guards_on_kept_cell();
	test_not_kept();
	test_own_mapping();
	test_which_is_taken();
	return ipoc_test_report(argv[0]);
}
