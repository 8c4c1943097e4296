/* SPDX-License-Identifier: MIT */
/*
 * ipoc_cursor.h - bounds-checked reading and writing of a NET_BUFFER's data
 * across its MDL chain.
 *
 * Reusable by engines: depends on ipoc/ndis.h only, allocates nothing.
 *
 * A cursor is a position inside the used data space of one NET_BUFFER
 * (DataOffset .. DataOffset + DataLength through the MDL chain, starting at
 * CurrentMdl + CurrentMdlOffset) plus the number of bytes left in its view.
 * Every operation checks `n <= left` before touching memory and leaves the
 * cursor unchanged when it fails. Fields that straddle two MDLs are copied
 * out; pointers into MDL memory are handed out only for ranges that lie
 * inside one MDL.
 *
 * All functions return 0 on success and -1 on failure unless said otherwise.
 */
#ifndef IPOC_CURSOR_H
#define IPOC_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc/ndis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* While left > 0, mdl is the MDL holding the next byte and mdl_off <
 * ByteCount of it (empty or used-up MDLs are stepped over at once); when
 * left reaches 0, mdl is NULL and mdl_off 0. Copy a cursor freely: it owns
 * nothing. */
struct ipoc_cursor {
	const MDL *mdl;      /* MDL holding the next byte; NULL once left == 0 */
	uint32_t mdl_off;    /* offset of the next byte inside mdl */
	uint32_t left;       /* bytes left in this view */
	uint32_t pos;        /* bytes consumed since the view's start */
};

/* Check the NDIS invariants of nb (CurrentMdl is non-NULL and on MdlChain;
 * DataOffset equals the bytes of the MDLs before CurrentMdl plus
 * CurrentMdlOffset; CurrentMdlOffset <= ByteCount(CurrentMdl); the chain
 * holds at least DataOffset + DataLength bytes; no MDL with a NULL
 * MappedSystemVa and a non-zero ByteCount; the chain is neither cyclic nor
 * longer than 1<<20 MDLs). Returns 0 when they hold, -1 otherwise (also for
 * nb == NULL). CurrentMdlOffset == ByteCount with DataLength > 0 is
 * accepted: the data then starts in a later MDL, and the cursor copes. */
int ipoc_nb_validate(const NET_BUFFER *nb);

/* Cursor over the whole used data space of nb. Fails when
 * ipoc_nb_validate() fails. */
int ipoc_cursor_init(struct ipoc_cursor *c, const NET_BUFFER *nb);

/* c must come from ipoc_cursor_init() or ipoc_cursor_sub(); dst/src may be
 * NULL only when n is 0. */

/* Copy n bytes to dst and advance. */
int ipoc_cursor_take(struct ipoc_cursor *c, void *dst, size_t n);
/* Advance by n bytes. */
int ipoc_cursor_skip(struct ipoc_cursor *c, size_t n);
/* Read big-endian integers and advance. */
int ipoc_cursor_u8(struct ipoc_cursor *c, uint8_t *out);
int ipoc_cursor_be16(struct ipoc_cursor *c, uint16_t *out);
int ipoc_cursor_be32(struct ipoc_cursor *c, uint32_t *out);
/* Copy n bytes at offset off from the cursor's position without advancing. */
int ipoc_cursor_peek_at(const struct ipoc_cursor *c, size_t off, void *dst, size_t n);
/* A view of the next n bytes (sub->pos starts at 0); c does not move. */
int ipoc_cursor_sub(const struct ipoc_cursor *c, size_t n, struct ipoc_cursor *sub);
/* Pointer to the next n bytes if they lie inside one MDL, else NULL; the
 * cursor does not move. n == 0 gives NULL. */
uint8_t *ipoc_cursor_contig(const struct ipoc_cursor *c, size_t n);

/* Copy n bytes at offset off (from the start of nb's used data) out of / into
 * nb. Fail without touching anything when off + n exceeds DataLength or nb
 * is invalid. */
int ipoc_nb_copy_out(const NET_BUFFER *nb, uint32_t off, void *dst, uint32_t n);
int ipoc_nb_copy_in(NET_BUFFER *nb, uint32_t off, const void *src, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* IPOC_CURSOR_H */
