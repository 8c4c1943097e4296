/* SPDX-License-Identifier: MIT */
/*
 * ipoc_gpage.c - guarded buffers (see ipoc_gpage.h).
 *
 * Implementation notes. The arena is one mapping laid out as
 *   [G][small 0][G][small 1][G] ... [small S-1][G][large 0 ...][G] ...
 * where G is a PROT_NONE page, a small cell one page and a large cell
 * IPOC_GPAGE_LARGE_PAGES pages. Every cell thus has a guard page on both
 * sides. The arena is mapped PROT_NONE as a whole, and a cell is made
 * readable and writable the first time it is handed out (one mprotect per
 * cell ever used: a run that keeps a few dozen NBLs alive at a time pays
 * for a few dozen, not for the 8,448 guards of the whole arena, and the
 * mapping is split into as few areas). Allocation pops a free-cell stack,
 * so the same cells come back. Memory of a cell is not cleared between
 * uses (the builder writes every byte it hands out, and the guard bytes it
 * checks), and pages never touched are never backed.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipoc_gpage.h"

#define SMALL_CELLS 8192u
#define LARGE_CELLS 256u

struct arena {
	bool tried;
	uint8_t *base;
	size_t page;
	size_t map_len;
	uint8_t *small, *large;         /* first cell of each class */
	uint32_t free_small[SMALL_CELLS], n_small;
	uint32_t free_large[LARGE_CELLS], n_large;
	bool open_small[SMALL_CELLS], open_large[LARGE_CELLS];   /* made read-write */
};

static struct arena A;

/* Map the arena, every page PROT_NONE; false when that failed (the
 * allocator then maps each buffer on its own). */
static bool arena_init(void)
{
	size_t p, small_span, large_span;
	uint32_t i;

	if (A.tried)
		return A.base != NULL;
	A.tried = true;
	p = (size_t)sysconf(_SC_PAGESIZE);
	A.page = p;
	small_span = (size_t)SMALL_CELLS * 2 * p;
	large_span = (size_t)LARGE_CELLS * (IPOC_GPAGE_LARGE_PAGES + 1) * p;
	A.map_len = p + small_span + large_span;
	A.base = mmap(NULL, A.map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	if (A.base == MAP_FAILED) {
		A.base = NULL;
		return false;
	}
	A.small = A.base + p;
	A.large = A.small + small_span;
	for (i = 0; i < SMALL_CELLS; i++)
		A.free_small[i] = SMALL_CELLS - 1 - i;
	for (i = 0; i < LARGE_CELLS; i++)
		A.free_large[i] = LARGE_CELLS - 1 - i;
	A.n_small = SMALL_CELLS;
	A.n_large = LARGE_CELLS;
	return true;
}

/* Make a cell read-write the first time it is used; false when the
 * system refused (the buffer then gets a mapping of its own). */
static bool cell_open(bool *open, uint8_t *cell, size_t len)
{
	if (*open)
		return true;
	if (mprotect(cell, len, PROT_READ | PROT_WRITE) != 0)
		return false;
	*open = true;
	return true;
}

/* A mapping of its own: a guard page, the cell, a guard page. */
static int own_map(size_t cell_len, struct ipoc_gbuf *g)
{
	size_t p = A.page ? A.page : (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, cell_len + 2 * p, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m + p, cell_len, PROT_READ | PROT_WRITE) != 0) {
		munmap(m, cell_len + 2 * p);
		return -1;
	}
	g->cell = m + p;
	g->cell_len = cell_len;
	g->slot = -1;
	return 0;
}

/* see ipoc_gpage.h */
int ipoc_gpage_alloc(uint32_t len, enum ipoc_gpage_side side, struct ipoc_gbuf *g)
{
	size_t p, need;

	memset(g, 0, sizeof(*g));
	arena_init();
	p = A.page ? A.page : (size_t)sysconf(_SC_PAGESIZE);
	need = len ? len : 1;
	if (A.base && need <= p && A.n_small &&
	    cell_open(&A.open_small[A.free_small[A.n_small - 1]],
		      A.small + (size_t)A.free_small[A.n_small - 1] * 2 * p, p)) {
		uint32_t i = A.free_small[--A.n_small];

		g->cell = A.small + (size_t)i * 2 * p;
		g->cell_len = p;
		g->slot = (int32_t)i;
	} else if (A.base && need <= IPOC_GPAGE_LARGE_PAGES * p && A.n_large &&
		   cell_open(&A.open_large[A.free_large[A.n_large - 1]],
			     A.large + (size_t)A.free_large[A.n_large - 1] *
			     (IPOC_GPAGE_LARGE_PAGES + 1) * p, IPOC_GPAGE_LARGE_PAGES * p)) {
		uint32_t i = A.free_large[--A.n_large];

		g->cell = A.large + (size_t)i * (IPOC_GPAGE_LARGE_PAGES + 1) * p;
		g->cell_len = IPOC_GPAGE_LARGE_PAGES * p;
		g->slot = -2 - (int32_t)i;
	} else if (own_map((need + p - 1) / p * p, g) != 0) {
		return -1;
	}
	g->len = len;
	g->buf = side == IPOC_GPAGE_TAIL ? g->cell + g->cell_len - len : g->cell;
	return 0;
}

/* see ipoc_gpage.h */
void ipoc_gpage_free(struct ipoc_gbuf *g)
{
	if (!g->buf)
		return;
	if (g->slot >= 0)
		A.free_small[A.n_small++] = (uint32_t)g->slot;
	else if (g->slot <= -2)
		A.free_large[A.n_large++] = (uint32_t)(-2 - g->slot);
	else
		munmap(g->cell - A.page, g->cell_len + 2 * A.page);
	memset(g, 0, sizeof(*g));
}

/* see ipoc_gpage.h */
int ipoc_gpage_where(const void *addr, size_t *after, size_t *before)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)A.base, p = A.page, small, large;
	uintptr_t page, rel;

	if (!A.base || a < base || a >= base + A.map_len)
		return 0;
	page = (a - base) / p * p + base;   /* the page addr is in */
	small = (uintptr_t)A.small;
	large = (uintptr_t)A.large;
	if (page == base) {
		rel = 0;                     /* the first guard: before small cell 0 */
	} else if (page < large) {
		rel = (page - small) / p;    /* cell pages even, guards odd */
		if (rel % 2 == 0)
			return 0;
	} else {
		rel = (page - large) / p % (IPOC_GPAGE_LARGE_PAGES + 1);
		if (rel != IPOC_GPAGE_LARGE_PAGES)
			return 0;
	}
	*after = a - page;
	*before = page + p - a;
	return 1;
}

/* see ipoc_gpage.h */
size_t ipoc_gpage_slack(const struct ipoc_gbuf *g, enum ipoc_gpage_side side)
{
	(void)side;
	return g->cell_len - g->len;
}
