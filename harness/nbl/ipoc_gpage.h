/* SPDX-License-Identifier: MIT */
/*
 * ipoc_gpage.h - buffers that lie against PROT_NONE guard pages, so that an
 * engine which reads or writes one byte outside an MDL buffer faults at
 * that byte, reads included.
 *
 * A buffer is placed in a cell of whole pages with a guard page on each
 * side, either at the end of the cell (IPOC_GPAGE_TAIL: the byte after the
 * buffer is in the guard page) or at its start (IPOC_GPAGE_HEAD: the byte
 * before it is). The rest of the cell is slack on the other side of the
 * buffer; the caller may keep guard bytes there.
 *
 * Cells come from one arena per process, mapped and protected once (small
 * cells of one page, large ones of IPOC_GPAGE_LARGE_PAGES), so building an
 * NBL costs no system call; a buffer larger than a large cell, or one asked
 * for when the arena's cells of its class are all in use, gets a mapping of
 * its own. Not thread-safe: one builder thread per process.
 */
#ifndef IPOC_GPAGE_H
#define IPOC_GPAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ipoc_gpage_side {
	IPOC_GPAGE_TAIL = 0,   /* the buffer ends where a guard page begins */
	IPOC_GPAGE_HEAD = 1,   /* the buffer starts where a guard page ends */
};

#define IPOC_GPAGE_LARGE_PAGES 18u

struct ipoc_gbuf {
	uint8_t *buf;          /* len bytes */
	uint32_t len;
	uint8_t *cell;         /* the cell: whole pages between two guard pages */
	size_t cell_len;
	int32_t slot;          /* arena cell index (class in the sign), or -1: own mapping */
};

/* A buffer of len bytes (0 is fine: it gets a real address at the guard)
 * on the given side of a guarded cell. Returns 0, or -1 when no memory. */
int ipoc_gpage_alloc(uint32_t len, enum ipoc_gpage_side side, struct ipoc_gbuf *out);

/* Give the cell back (g->buf NULL is fine). */
void ipoc_gpage_free(struct ipoc_gbuf *g);

/* Where addr lies, for a fault report: 1 when it is in one of the arena's
 * guard pages, with *after the bytes past the end of the cell before it
 * (0: the first byte after) and *before the bytes to the start of the cell
 * after it (1: the last byte before); 0 when it is not. Async-signal-safe:
 * arithmetic only. */
int ipoc_gpage_where(const void *addr, size_t *after, size_t *before);

/* Bytes of slack between the buffer and the guard page on the other side:
 * before it (TAIL) or after it (HEAD). */
size_t ipoc_gpage_slack(const struct ipoc_gbuf *g, enum ipoc_gpage_side side);

#ifdef __cplusplus
}
#endif

#endif /* IPOC_GPAGE_H */
