/* SPDX-License-Identifier: MIT */
/*
 * ipoc_nbl.c - NET_BUFFER_LIST builder with guarded MDL buffers
 * (see ipoc_nbl.h for the contracts).
 *
 * Implementation notes
 *
 * - Bookkeeping lives in one struct nbl_priv per NBL, reached through
 *   nbl->ProtocolReserved[0]: the harness is the protocol side of the
 *   miniport interface, and MiniportReserved belongs to the engine under
 *   test. The private struct owns the NB array, the MDL array and one record
 *   per MDL buffer (allocation base, ByteCount at build time, indices).
 *   Guard checks and freeing walk those records, never the NB/MDL links, so
 *   they stay correct when an engine has scribbled on the structures.
 *
 * - Each MDL buffer is its own malloc, laid out as
 *   [guard][ByteCount bytes][guard]; the guards hold a per-byte pattern.
 *   Under AddressSanitizer the guards are also poisoned, so a read one byte
 *   outside a buffer aborts at once instead of waiting for a guard check.
 *
 * - NET_BUFFER_LIST and NET_BUFFER are 16-byte aligned types (their
 *   SLIST_HEADER), so they come from aligned_alloc, not malloc, which keeps
 *   UBSan's alignment check quiet on every target.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_nbl.h"

#if defined(__SANITIZE_ADDRESS__)
#define IPOC_NBL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IPOC_NBL_ASAN 1
#endif
#endif

#ifdef IPOC_NBL_ASAN
#include <sanitizer/asan_interface.h>
#define GUARD_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define GUARD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define GUARD_POISON(p, n) ((void)(p), (void)(n))
#define GUARD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define GUARD IPOC_NBL_GUARD_LEN
#define PRIV_MAGIC 0x69704e42u /* "ipNB" */

/* Head- and tailroom are filled with this rather than zeros, so that code
 * which wrongly includes them in the frame sees bytes it cannot mistake
 * for padding. */
#define ROOM_FILL 0xEE

struct mdl_rec {
	uint8_t *base;          /* malloc'd: guard + byte_count + guard */
	uint32_t byte_count;    /* ByteCount as built; engines may not change it */
	uint32_t nb_idx;
	uint32_t mdl_idx;       /* index inside its NB's chain */
};

struct nbl_priv {
	uint32_t magic;
	const NET_BUFFER_LIST *owner;
	size_t n_nb;
	size_t n_mdl;
	NET_BUFFER *nbs;
	MDL *mdls;
	struct mdl_rec *recs;
};

__attribute__((format(printf, 3, 4)))
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Zeroed memory aligned for type T; size must be a multiple of align, which
 * holds for sizeof(T) * n and aligned_alloc's rule. */
static void *zalloc_aligned(size_t align, size_t size)
{
	void *p;

	if (size == 0)
		size = align;
	p = aligned_alloc(align, size);
	if (p)
		memset(p, 0, size);
	return p;
}

static uint8_t guard_byte(size_t k)
{
	return (uint8_t)(0xA5 ^ k);
}

/* Guard k (0 .. 2*GUARD-1) of a buffer: the first GUARD before it, the rest
 * after it. */
static uint8_t *guard_addr(const struct mdl_rec *r, size_t k)
{
	return k < GUARD ? r->base + k : r->base + GUARD + r->byte_count + (k - GUARD);
}

static void guards_fill(const struct mdl_rec *r)
{
	size_t k;

	for (k = 0; k < 2 * GUARD; k++)
		*guard_addr(r, k) = guard_byte(k);
	GUARD_POISON(r->base, GUARD);
	GUARD_POISON(r->base + GUARD + r->byte_count, GUARD);
}

static void guards_unpoison(const struct mdl_rec *r)
{
	GUARD_UNPOISON(r->base, GUARD);
	GUARD_UNPOISON(r->base + GUARD + r->byte_count, GUARD);
}

static struct nbl_priv *priv_of(const NET_BUFFER_LIST *nbl)
{
	struct nbl_priv *p;

	if (!nbl)
		return NULL;
	p = nbl->ProtocolReserved[0];
	if (!p || p->magic != PRIV_MAGIC || p->owner != nbl)
		return NULL;
	return p;
}

/* Check one frame's shape; on error fill err and return -1. */
static int frame_check(const struct ipoc_frame *f, size_t fi, char *err, size_t errlen)
{
	const struct ipoc_mdl_shape *s = &f->shape;
	uint32_t i;

	if (f->len && !f->data) {
		seterr(err, errlen, "frame %zu: data is NULL but len is %u", fi, f->len);
		return -1;
	}
	if (s->n_cuts && !s->cuts) {
		seterr(err, errlen, "frame %zu: cuts is NULL but n_cuts is %u", fi, s->n_cuts);
		return -1;
	}
	if ((uint64_t)s->headroom + f->len + s->tailroom > UINT32_MAX) {
		seterr(err, errlen, "frame %zu: headroom %u + len %u + tailroom %u exceeds 32 bits",
		       fi, s->headroom, f->len, s->tailroom);
		return -1;
	}
	for (i = 0; i < s->n_cuts; i++) {
		uint32_t cut = s->cuts[i];

		if (cut == 0) {
			seterr(err, errlen, "frame %zu: cut %u (=0) must be greater than 0", fi, i);
			return -1;
		}
		if (cut >= f->len) {
			seterr(err, errlen, "frame %zu: cut %u (=%u) is not less than the frame length %u",
			       fi, i, cut, f->len);
			return -1;
		}
		if (i && cut <= s->cuts[i - 1]) {
			seterr(err, errlen, "frame %zu: cut %u (=%u) is not greater than cut %u (=%u)",
			       fi, i, cut, i - 1, s->cuts[i - 1]);
			return -1;
		}
	}
	return 0;
}

/* Frame bytes [from, to) as MDL j of frame f, with head/tailroom added to the
 * first/last MDL. */
static void segment(const struct ipoc_frame *f, uint32_t j, uint32_t *from, uint32_t *to)
{
	const struct ipoc_mdl_shape *s = &f->shape;

	*from = j ? s->cuts[j - 1] : 0;
	*to = j < s->n_cuts ? s->cuts[j] : f->len;
}

/* Allocate, fill and guard the buffer of one MDL. */
static int mdl_make(MDL *m, struct mdl_rec *r, const struct ipoc_frame *f, uint32_t j)
{
	const struct ipoc_mdl_shape *s = &f->shape;
	uint32_t from, to, head, tail;
	uint8_t *va;

	segment(f, j, &from, &to);
	head = j == 0 ? s->headroom : 0;
	tail = j == s->n_cuts ? s->tailroom : 0;
	/* frame_check() bounded head + len + tail to 32 bits. */
	r->byte_count = head + (to - from) + tail;
	r->base = malloc((size_t)r->byte_count + 2 * GUARD);
	if (!r->base)
		return -1;
	va = r->base + GUARD;
	memset(va, ROOM_FILL, head);
	if (to > from)
		memcpy(va + head, f->data + from, to - from);
	memset(va + head + (to - from), ROOM_FILL, tail);
	guards_fill(r);

	m->Size = (CSHORT)sizeof(MDL);
	m->MdlFlags = MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL;
	m->MappedSystemVa = va;
	m->StartVa = va;
	m->ByteCount = r->byte_count;
	m->ByteOffset = 0;
	return 0;
}

/* Build NB fi from frame f over MDLs mdls[0 .. n_cuts] / recs[...]. */
static int nb_make(NET_BUFFER *nb, MDL *mdls, struct mdl_rec *recs, const struct ipoc_frame *f,
		   size_t fi)
{
	uint32_t j;

	for (j = 0; j <= f->shape.n_cuts; j++) {
		recs[j].nb_idx = (uint32_t)fi;
		recs[j].mdl_idx = j;
		if (mdl_make(&mdls[j], &recs[j], f, j) != 0)
			return -1;
		if (j)
			mdls[j - 1].Next = &mdls[j];
	}
	nb->MdlChain = &mdls[0];
	nb->CurrentMdl = &mdls[0];
	nb->CurrentMdlOffset = f->shape.headroom;
	nb->DataOffset = f->shape.headroom;
	nb->DataLength = f->len;
	return 0;
}

/* Shapes checked and MDLs counted; NULL frames are caught by the caller. */
static int frames_check(const struct ipoc_frame *frames, size_t n, size_t *n_mdl, char *err,
			size_t errlen)
{
	size_t i, total = 0;

	for (i = 0; i < n; i++) {
		if (frame_check(&frames[i], i, err, errlen) != 0)
			return -1;
		total += (size_t)frames[i].shape.n_cuts + 1;
	}
	*n_mdl = total;
	return 0;
}

static NET_BUFFER_LIST *nbl_alloc(size_t n_nb, size_t n_mdl)
{
	NET_BUFFER_LIST *nbl;
	struct nbl_priv *p;

	nbl = zalloc_aligned(_Alignof(NET_BUFFER_LIST), sizeof(*nbl));
	p = calloc(1, sizeof(*p));
	if (!nbl || !p) {
		free(nbl);
		free(p);
		return NULL;
	}
	p->magic = PRIV_MAGIC;
	p->owner = nbl;
	p->n_nb = n_nb;
	p->n_mdl = n_mdl;
	nbl->ProtocolReserved[0] = p;
	p->nbs = zalloc_aligned(_Alignof(NET_BUFFER), n_nb * sizeof(NET_BUFFER));
	p->mdls = zalloc_aligned(_Alignof(MDL), n_mdl * sizeof(MDL));
	p->recs = calloc(n_mdl, sizeof(*p->recs));
	if (!p->nbs || !p->mdls || !p->recs) {
		ipoc_nbl_free(nbl);
		return NULL;
	}
	return nbl;
}

/* see ipoc_nbl.h */
int ipoc_nbl_build(NET_BUFFER_LIST **out, const struct ipoc_frame *frames, size_t n,
		   char *err, size_t errlen)
{
	NET_BUFFER_LIST *nbl;
	struct nbl_priv *p;
	size_t i, n_mdl, m = 0;

	if (!out || !frames || n == 0) {
		seterr(err, errlen, "no frames to build (out %p, frames %p, n %zu)", (void *)out,
		       (const void *)frames, n);
		return -1;
	}
	*out = NULL;
	if (frames_check(frames, n, &n_mdl, err, errlen) != 0)
		return -1;
	nbl = nbl_alloc(n, n_mdl);
	if (!nbl) {
		seterr(err, errlen, "out of memory for %zu NBs and %zu MDLs", n, n_mdl);
		return -1;
	}
	p = priv_of(nbl);
	for (i = 0; i < n; i++) {
		if (nb_make(&p->nbs[i], &p->mdls[m], &p->recs[m], &frames[i], i) != 0) {
			seterr(err, errlen, "frame %zu: out of memory for MDL buffers", i);
			ipoc_nbl_free(nbl);
			return -1;
		}
		if (i)
			p->nbs[i - 1].Next = &p->nbs[i];
		m += (size_t)frames[i].shape.n_cuts + 1;
	}
	nbl->FirstNetBuffer = &p->nbs[0];
	*out = nbl;
	return 0;
}

/* see ipoc_nbl.h */
void ipoc_nbl_free(NET_BUFFER_LIST *nbl)
{
	struct nbl_priv *p = priv_of(nbl);
	size_t i;

	if (!nbl)
		return;
	/* Not ours (or the engine overwrote ProtocolReserved[0]): freeing the
	 * NBL alone is all that can be done safely. */
	if (!p) {
		free(nbl);
		return;
	}
	for (i = 0; p->recs && i < p->n_mdl; i++) {
		if (!p->recs[i].base)
			continue;
		guards_unpoison(&p->recs[i]);
		free(p->recs[i].base);
	}
	free(p->recs);
	free(p->mdls);
	free(p->nbs);
	p->magic = 0;
	free(p);
	free(nbl);
}

/* see ipoc_nbl.h */
void ipoc_nbl_free_chain(NET_BUFFER_LIST *chain)
{
	while (chain) {
		NET_BUFFER_LIST *next = chain->Next;

		ipoc_nbl_free(chain);
		chain = next;
	}
}

/* Report the first changed guard byte of r, if any. */
static int rec_check(const struct mdl_rec *r, char *err, size_t errlen)
{
	size_t k;
	int bad = 0;

	guards_unpoison(r);
	for (k = 0; k < 2 * GUARD && !bad; k++) {
		if (*guard_addr(r, k) == guard_byte(k))
			continue;
		bad = 1;
		if (k < GUARD)
			seterr(err, errlen,
			       "NB %u MDL %u: guard before the buffer corrupted at byte %ld (guard byte %zu)",
			       r->nb_idx, r->mdl_idx, (long)k - (long)GUARD, k);
		else
			seterr(err, errlen,
			       "NB %u MDL %u: guard after the buffer corrupted at byte %lu (guard byte %zu, ByteCount %u)",
			       r->nb_idx, r->mdl_idx, (unsigned long)r->byte_count + (k - GUARD),
			       k - GUARD, r->byte_count);
	}
	GUARD_POISON(r->base, GUARD);
	GUARD_POISON(r->base + GUARD + r->byte_count, GUARD);
	return bad ? -1 : 0;
}

/* see ipoc_nbl.h */
int ipoc_nbl_check_guards(const NET_BUFFER_LIST *nbl, char *err, size_t errlen)
{
	const struct nbl_priv *p = priv_of(nbl);
	size_t i;

	if (!p) {
		seterr(err, errlen, "NBL %p was not built by ipoc_nbl_build (or its "
		       "ProtocolReserved[0] was overwritten)", (const void *)nbl);
		return -1;
	}
	for (i = 0; i < p->n_mdl; i++)
		if (rec_check(&p->recs[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* see ipoc_nbl.h */
int ipoc_nb_flatten(const NET_BUFFER *nb, uint8_t *out, size_t cap, uint32_t *len)
{
	if (!len || ipoc_nb_validate(nb) != 0)
		return -1;
	if (nb->DataLength > cap)
		return -1;
	if (ipoc_nb_copy_out(nb, 0, out, nb->DataLength) != 0)
		return -1;
	*len = nb->DataLength;
	return 0;
}

/* Counting stops at this many links, so a cyclic list cannot hang us. */
#define COUNT_LIMIT ((size_t)1 << 20)

/* see ipoc_nbl.h */
size_t ipoc_nbl_nb_count(const NET_BUFFER_LIST *nbl)
{
	const NET_BUFFER *nb;
	size_t n = 0;

	for (nb = nbl ? nbl->FirstNetBuffer : NULL; nb && n < COUNT_LIMIT; nb = nb->Next)
		n++;
	return n;
}

/* see ipoc_nbl.h */
size_t ipoc_nb_mdl_count(const NET_BUFFER *nb)
{
	const MDL *m;
	size_t n = 0;

	for (m = nb ? nb->MdlChain : NULL; m && n < COUNT_LIMIT; m = m->Next)
		n++;
	return n;
}
