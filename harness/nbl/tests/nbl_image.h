/* SPDX-License-Identifier: MIT */
/*
 * nbl_image.h - an NBL as the builder made it, with its addresses taken
 * out: every byte of the NBL, its NBs and MDLs (the pointers into its own
 * block as offsets from the NBL, the buffer addresses as "MappedSystemVa
 * is StartVa + ByteOffset, StartVa page aligned"), a digest of every
 * buffer byte, whether each buffer lies against its guard page, and the
 * guard bytes on the other side (their poisoning, under AddressSanitizer).
 * Two NBLs of one frame built alike have equal images wherever they lie,
 * so a rebuilt NBL can be held against a freshly built one with memcmp.
 */
#ifndef IPOC_TEST_NBL_IMAGE_H
#define IPOC_TEST_NBL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc_nbl.h"

#define IMG_NBS 2
#define IMG_MDLS 4
#define IMG_GUARD 16

struct nbl_image {
	NET_BUFFER_LIST nbl;
	NET_BUFFER nb[IMG_NBS];
	MDL mdl[IMG_NBS][IMG_MDLS];
	uint64_t digest[IMG_NBS][IMG_MDLS];   /* FNV-1a of the ByteCount bytes */
	uint8_t va_ok[IMG_NBS][IMG_MDLS];     /* MappedSystemVa = StartVa + ByteOffset, aligned */
	uint8_t against[IMG_NBS][IMG_MDLS];   /* 1: against its guard page */
	uint8_t guard[IMG_NBS][IMG_MDLS][2][IMG_GUARD];   /* before, after */
	uint32_t n_nb, n_mdl[IMG_NBS];
};

/* The image of nbl built with guard as n_nb NBs of n_mdl MDLs each (at
 * most IMG_NBS and IMG_MDLS): the links are followed that far and no
 * further, so that a stale link is seen in the image, not followed. Guard
 * bytes are taken as far as a fresh cell of the buffer's size has them
 * (up to IMG_GUARD on the open side; both sides for
 * IPOC_NBL_GUARD_BYTES). Returns 0, or -1 when a link it needs is NULL. */
int nbl_image_take(const NET_BUFFER_LIST *nbl, enum ipoc_nbl_guard guard, uint32_t n_nb,
		   uint32_t n_mdl, struct nbl_image *img);

/* Bytes of the open side a fresh guard-page cell leaves for a buffer of
 * bc bytes, up to IMG_GUARD. */
uint32_t nbl_image_open_guard(uint32_t bc);

/* Overwrite what an engine could reach of a one-MDL NBL (every field of
 * the NBL, NB and MDL but ProtocolReserved[0], every buffer byte and the
 * guard bytes on the open side) with v, as an engine gone wrong would
 * leave it. */
void nbl_scribble(NET_BUFFER_LIST *nbl, enum ipoc_nbl_guard guard, uint8_t v);

#endif /* IPOC_TEST_NBL_IMAGE_H */
