/* SPDX-License-Identifier: MIT */
/*
 * rx_shape.h - the MDL layout the first bytes of a receive-path input
 * choose (fuzz_rx_classify, fuzz_rx_sealed and the post-processor's output
 * all start with it).
 *
 * Byte 0: bits 0-1 the cut: one MDL / cuts given / one byte per MDL /
 * every k bytes; bit 2 the guard page before each buffer (else after);
 * bit 3 an unused first MDL (CurrentMdl is not MdlChain); bits 4-5
 * headroom 0, 1, 3 or 7 bytes; bit 6 tailroom; bit 7 a note follows.
 * Then, for cuts given, a count (at most 8) and that many 16-bit
 * little-endian offsets (out of range, repeated or unordered ones are
 * dropped); for every k, k (0: 1). Then, with bit 7, the note: a length
 * byte and that many bytes, which the receive path skips: the AFL++
 * post-processor (rx_afl_post.c) keeps there the description a frame was
 * sealed from, since AFL++ 4.04c stores what the post-processor made, not
 * what it mutated, in its queue.
 */
#ifndef IPOC_FUZZ_RX_SHAPE_H
#define IPOC_FUZZ_RX_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc_nbl.h"

#define RX_SHAPE_MAX_CUTS 8u
#define RX_MAX_FRAME 8192u

struct rx_shape {
	struct ipoc_mdl_shape shape;
	enum ipoc_nbl_guard guard;
	uint8_t mode;
	uint32_t k;
	uint32_t n_given;
	uint16_t given[RX_SHAPE_MAX_CUTS];
	size_t note_at;             /* the note's length byte (0: no note) */
	uint32_t note_len;
	uint32_t cuts[RX_MAX_FRAME];
};

/* Read the layout from p (n bytes; bytes past the end read as 0): the
 * number of bytes it takes, the note included. */
size_t rx_shape_read(const uint8_t *p, size_t n, struct rx_shape *s);
/* Lay the cuts out for a frame of len bytes (len <= RX_MAX_FRAME). */
void rx_shape_apply(struct rx_shape *s, uint32_t len);

#endif /* IPOC_FUZZ_RX_SHAPE_H */
