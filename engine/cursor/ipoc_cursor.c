/* SPDX-License-Identifier: MIT */
/*
 * ipoc_cursor.c - bounds-checked cursor over a NET_BUFFER's MDL chain
 * (see ipoc_cursor.h for the contracts).
 *
 * Implementation notes
 *
 * - Every public operation works on a copy of the cursor and writes it back
 *   only when the whole operation succeeded, so a failure never moves it.
 *   Length checks are `n > left` on unsigned values, done before anything
 *   is touched or subtracted.
 *
 * - Between operations a cursor is kept normalised: while left > 0, mdl
 *   points at the MDL that holds the next byte and mdl_off < ByteCount of
 *   that MDL (exhausted and zero-length MDLs are stepped over eagerly); once
 *   left reaches 0, mdl is NULL and mdl_off is 0. That makes contig() a
 *   single comparison and keeps an end-of-view cursor from pointing into an
 *   MDL it does not cover.
 *
 * - The chain is validated once, in ipoc_cursor_init(). The walkers still
 *   stop at a NULL link rather than trusting `left`, so an engine that
 *   re-links MDLs behind a live cursor gets a failure, not a wild read.
 */
#include <string.h>

#include "ipoc_cursor.h"

/* ipoc_cursor.h promises to give up on chains longer than this. */
#define MAX_CHAIN_MDLS (1u << 20)

/*
 * Floyd's cycle check, bounded: returns the number of MDLs on the chain,
 * or -1 when the chain is cyclic or longer than MAX_CHAIN_MDLS.
 */
static long chain_length(const MDL *head)
{
	const MDL *slow = head, *fast = head;
	unsigned long n = 0;

	while (fast) {
		if (n >= MAX_CHAIN_MDLS)
			return -1;
		fast = fast->Next;
		n++;
		if (!fast)
			break;
		fast = fast->Next;
		n++;
		slow = slow->Next;
		if (fast && fast == slow)
			return -1;
	}
	if (n > MAX_CHAIN_MDLS)
		return -1;
	return (long)n;
}

/* see ipoc_cursor.h */
int ipoc_nb_validate(const NET_BUFFER *nb)
{
	const MDL *m;
	uint64_t total = 0, before = 0;
	int found = 0;

	if (!nb || !nb->CurrentMdl || chain_length(nb->MdlChain) < 0)
		return -1;
	for (m = nb->MdlChain; m; m = m->Next) {
		/* An MDL that claims bytes but maps none would be read through
		 * a NULL pointer. */
		if (m->ByteCount && !m->MappedSystemVa)
			return -1;
		if (m == nb->CurrentMdl)
			found = 1;
		if (!found)
			before += m->ByteCount;
		total += m->ByteCount;
	}
	if (!found)
		return -1;
	if (nb->CurrentMdlOffset > nb->CurrentMdl->ByteCount)
		return -1;
	if (nb->DataOffset != before + nb->CurrentMdlOffset)
		return -1;
	/* Both sides are sums of 32-bit values held in 64 bits: no overflow. */
	if ((uint64_t)nb->DataOffset + nb->DataLength > total)
		return -1;
	return 0;
}

/* Restore the normal form described in the implementation notes. */
static void normalise(struct ipoc_cursor *c)
{
	if (c->left == 0) {
		c->mdl = NULL;
		c->mdl_off = 0;
		return;
	}
	while (c->mdl && c->mdl_off >= c->mdl->ByteCount) {
		c->mdl = c->mdl->Next;
		c->mdl_off = 0;
	}
}

/*
 * Move a copy of *c forward by n bytes into *end, copying the bytes out to
 * dst and/or in from src when those are non-NULL. The caller has checked
 * n <= c->left. Fails only when the chain ends early.
 */
static int walk(const struct ipoc_cursor *c, size_t n, uint8_t *dst, const uint8_t *src,
		struct ipoc_cursor *end)
{
	struct ipoc_cursor t = *c;

	while (n) {
		uint8_t *va;
		size_t chunk;

		if (!t.mdl || t.mdl_off > t.mdl->ByteCount)
			return -1;
		chunk = t.mdl->ByteCount - t.mdl_off;
		if (chunk == 0) {
			t.mdl = t.mdl->Next;
			t.mdl_off = 0;
			continue;
		}
		if (chunk > n)
			chunk = n;
		va = (uint8_t *)t.mdl->MappedSystemVa + t.mdl_off;
		if (dst) {
			memcpy(dst, va, chunk);
			dst += chunk;
		}
		if (src) {
			memcpy(va, src, chunk);
			src += chunk;
		}
		t.mdl_off += (uint32_t)chunk;
		t.left -= (uint32_t)chunk;
		t.pos += (uint32_t)chunk;
		n -= chunk;
	}
	normalise(&t);
	*end = t;
	return 0;
}

/* see ipoc_cursor.h */
int ipoc_cursor_init(struct ipoc_cursor *c, const NET_BUFFER *nb)
{
	if (!c || ipoc_nb_validate(nb) != 0)
		return -1;
	c->mdl = nb->CurrentMdl;
	c->mdl_off = nb->CurrentMdlOffset;
	c->left = nb->DataLength;
	c->pos = 0;
	normalise(c);
	return 0;
}

/* see ipoc_cursor.h */
int ipoc_cursor_take(struct ipoc_cursor *c, void *dst, size_t n)
{
	if (n > c->left || (n && !dst))
		return -1;
	return walk(c, n, dst, NULL, c);
}

/* see ipoc_cursor.h */
int ipoc_cursor_skip(struct ipoc_cursor *c, size_t n)
{
	if (n > c->left)
		return -1;
	return walk(c, n, NULL, NULL, c);
}

/* see ipoc_cursor.h */
int ipoc_cursor_u8(struct ipoc_cursor *c, uint8_t *out)
{
	return ipoc_cursor_take(c, out, 1);
}

/* see ipoc_cursor.h */
int ipoc_cursor_be16(struct ipoc_cursor *c, uint16_t *out)
{
	uint8_t b[2];

	if (ipoc_cursor_take(c, b, sizeof(b)) != 0)
		return -1;
	*out = (uint16_t)((unsigned)b[0] << 8 | b[1]);
	return 0;
}

/* see ipoc_cursor.h */
int ipoc_cursor_be32(struct ipoc_cursor *c, uint32_t *out)
{
	uint8_t b[4];

	if (ipoc_cursor_take(c, b, sizeof(b)) != 0)
		return -1;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 0;
}

/* see ipoc_cursor.h */
int ipoc_cursor_peek_at(const struct ipoc_cursor *c, size_t off, void *dst, size_t n)
{
	struct ipoc_cursor at;

	if (off > c->left || n > c->left - off || (n && !dst))
		return -1;
	if (walk(c, off, NULL, NULL, &at) != 0)
		return -1;
	return walk(&at, n, dst, NULL, &at);
}

/* see ipoc_cursor.h */
int ipoc_cursor_sub(const struct ipoc_cursor *c, size_t n, struct ipoc_cursor *sub)
{
	if (n > c->left)
		return -1;
	*sub = *c;
	sub->left = (uint32_t)n;
	sub->pos = 0;
	normalise(sub);
	return 0;
}

/* see ipoc_cursor.h */
uint8_t *ipoc_cursor_contig(const struct ipoc_cursor *c, size_t n)
{
	if (n == 0 || n > c->left || !c->mdl)
		return NULL;
	/* Normal form: mdl_off < ByteCount whenever left > 0. */
	if (c->mdl_off > c->mdl->ByteCount || n > c->mdl->ByteCount - c->mdl_off)
		return NULL;
	return (uint8_t *)c->mdl->MappedSystemVa + c->mdl_off;
}

/* Cursor positioned at off from the start of nb's data, n bytes ahead of it
 * checked to exist. */
static int seek(const NET_BUFFER *nb, uint32_t off, uint32_t n, struct ipoc_cursor *c)
{
	if (ipoc_cursor_init(c, nb) != 0)
		return -1;
	if (off > c->left || n > c->left - off)
		return -1;
	return ipoc_cursor_skip(c, off);
}

/* see ipoc_cursor.h */
int ipoc_nb_copy_out(const NET_BUFFER *nb, uint32_t off, void *dst, uint32_t n)
{
	struct ipoc_cursor c;

	if ((n && !dst) || seek(nb, off, n, &c) != 0)
		return -1;
	return walk(&c, n, dst, NULL, &c);
}

/* see ipoc_cursor.h */
int ipoc_nb_copy_in(NET_BUFFER *nb, uint32_t off, const void *src, uint32_t n)
{
	struct ipoc_cursor c;

	if ((n && !src) || seek(nb, off, n, &c) != 0)
		return -1;
	return walk(&c, n, NULL, src, &c);
}
