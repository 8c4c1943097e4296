/* SPDX-License-Identifier: MIT */
/*
 * ipoc_nbl.c - NET_BUFFER_LIST builder with guarded MDL buffers
 * (see ipoc_nbl.h for the contracts).
 *
 * Implementation notes
 *
 * - Bookkeeping lives in one struct nbl_priv per NBL, reached through
 *   nbl->ProtocolReserved[0] and allocated with the NBL in one block: the harness is the protocol side of the
 *   miniport interface, and MiniportReserved belongs to the engine under
 *   test. The private struct owns the NB array, the MDL array, one record
 *   per MDL buffer (where its guard bytes and unused space are) and a copy
 *   of every structure as built. Guard, unused-space and metadata checks
 *   and freeing walk those records, never the NB/MDL links, so they stay
 *   correct when an engine has scribbled on the structures.
 *
 * - Guard bytes hold a per-byte pattern. With guard bytes on both sides
 *   (malloc'd buffers) there are IPOC_NBL_GUARD_LEN of them each side; with
 *   a guard page on one side, up to IPOC_NBL_GUARD_LEN on the other, as the
 *   cell's slack allows. Under AddressSanitizer they are also poisoned.
 *
 * - NET_BUFFER_LIST and NET_BUFFER are 16-byte aligned types (their
 *   SLIST_HEADER), so they come from aligned_alloc, not malloc, which keeps
 *   UBSan's alignment check quiet on every target.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_gpage.h"
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
#define PAGE_MASK ((uintptr_t)4095)

/* Unused data space is filled with this rather than zeros, so that code
 * which wrongly includes it in the frame sees bytes it cannot mistake for
 * padding. */
#define ROOM_FILL 0xEE

struct mdl_rec {
	uint8_t *buf;           /* ByteCount bytes (the MDL's MappedSystemVa) */
	uint32_t byte_count;    /* ByteCount as built */
	uint32_t nb_idx;
	uint32_t mdl_idx;       /* index inside its NB's chain */
	uint32_t room_lo;       /* [0, room_lo) is unused data space */
	uint32_t room_hi;       /* and so is [room_hi, byte_count) */
	uint8_t *pre, *post;    /* guard bytes right before / after buf */
	uint32_t pre_len, post_len;
	uint8_t *base;          /* malloc'd allocation, or NULL */
	struct ipoc_gbuf g;     /* guard-page cell, when base is NULL */
};

struct nbl_priv {
	uint32_t magic;
	const NET_BUFFER_LIST *owner;
	size_t alloc_len;            /* bytes of the block nbl_alloc made */
	size_t n_nb;
	size_t n_mdl;
	NET_BUFFER *nbs;
	MDL *mdls;
	struct mdl_rec *recs;
	NET_BUFFER_LIST nbl_built;   /* copies as built, for ipoc_nbl_check_meta */
	NET_BUFFER *nbs_built;
	MDL *mdls_built;
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

/* Guard byte k: the bytes before a buffer count from GUARD back, those
 * after it from GUARD on, so each position has its own value. */
static uint8_t guard_byte(size_t k)
{
	return (uint8_t)(0xA5 ^ k);
}

static void guards_fill(const struct mdl_rec *r)
{
	for (uint32_t k = 0; k < r->pre_len; k++)
		r->pre[k] = guard_byte(GUARD - r->pre_len + k);
	for (uint32_t k = 0; k < r->post_len; k++)
		r->post[k] = guard_byte(GUARD + k);
	GUARD_POISON(r->pre, r->pre_len);
	GUARD_POISON(r->post, r->post_len);
}

static void guards_unpoison(const struct mdl_rec *r)
{
	GUARD_UNPOISON(r->pre, r->pre_len);
	GUARD_UNPOISON(r->post, r->post_len);
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
	if ((uint64_t)s->lead + s->headroom + f->len + s->tailroom > UINT32_MAX) {
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

/* MDLs of one frame: its cuts + 1, and the lead MDL. */
static size_t frame_mdls(const struct ipoc_frame *f)
{
	return (size_t)f->shape.n_cuts + 1 + (f->shape.lead ? 1 : 0);
}

/* Room for a buffer of n bytes with its guards, as opts asks. */
static int buf_alloc(struct mdl_rec *r, uint32_t n, enum ipoc_nbl_guard guard)
{
	size_t slack;

	if (guard == IPOC_NBL_GUARD_BYTES) {
		r->base = malloc((size_t)n + 2 * GUARD);
		if (!r->base)
			return -1;
		r->pre = r->base;
		r->pre_len = GUARD;
		r->buf = r->base + GUARD;
		r->post = r->buf + n;
		r->post_len = GUARD;
		return 0;
	}
	if (r->g.cell) {
		/* A recycled NBL's cell (nbl_reuse): the buffer placed in it as
		 * ipoc_gpage_alloc places one. */
		r->g.len = n;
		r->g.buf = guard == IPOC_NBL_GUARD_TAIL ? r->g.cell + r->g.cell_len - n : r->g.cell;
	} else if (ipoc_gpage_alloc(n, guard == IPOC_NBL_GUARD_TAIL ? IPOC_GPAGE_TAIL
				    : IPOC_GPAGE_HEAD, &r->g) != 0) {
		return -1;
	}
	r->buf = r->g.buf;
	slack = ipoc_gpage_slack(&r->g, IPOC_GPAGE_TAIL);
	if (slack > GUARD)
		slack = GUARD;
	if (guard == IPOC_NBL_GUARD_TAIL) {
		r->pre = r->buf - slack;
		r->pre_len = (uint32_t)slack;
		r->post = r->buf + n;
	} else {
		r->pre = r->buf;
		r->post = r->buf + n;
		r->post_len = (uint32_t)slack;
	}
	return 0;
}

static void buf_free(struct mdl_rec *r)
{
	guards_unpoison(r);
	if (r->base)
		free(r->base);
	else
		ipoc_gpage_free(&r->g);
	r->base = NULL;
	r->buf = NULL;
}

static void mdl_describe(MDL *m, uint8_t *va, uint32_t bc)
{
	m->Size = (CSHORT)sizeof(MDL);
	m->MdlFlags = MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL;
	m->MappedSystemVa = va;
	m->StartVa = (PVOID)((uintptr_t)va & ~PAGE_MASK);
	m->ByteCount = bc;
	m->ByteOffset = (ULONG)((uintptr_t)va & PAGE_MASK);
}

/* Allocate, fill and guard the buffer of MDL j of frame f (j counts the
 * lead MDL, if any, as 0). */
static int mdl_make(MDL *m, struct mdl_rec *r, const struct ipoc_frame *f, uint32_t j,
		    enum ipoc_nbl_guard guard)
{
	const struct ipoc_mdl_shape *s = &f->shape;
	uint32_t k = s->lead ? j - 1 : j, from, to, head, tail;

	if (s->lead && j == 0) {
		from = to = 0;
		head = s->lead;
		tail = 0;
	} else {
		from = k ? s->cuts[k - 1] : 0;
		to = k < s->n_cuts ? s->cuts[k] : f->len;
		head = k == 0 ? s->headroom : 0;
		tail = k == s->n_cuts ? s->tailroom : 0;
	}
	/* frame_check() bounded lead + head + len + tail to 32 bits. */
	r->byte_count = head + (to - from) + tail;
	r->room_lo = head;
	r->room_hi = head + (to - from);
	if (buf_alloc(r, r->byte_count, guard) != 0)
		return -1;
	/* Nothing is written where there is nothing to write: a buffer that
	 * ends at a guard page has its end there, and a store of no bytes
	 * at that address is not free (an AVX-512 masked store of none
	 * still costs a fault-suppression assist on the PROT_NONE page,
	 * some hundreds of cycles per frame). */
	if (head)
		memset(r->buf, ROOM_FILL, head);
	if (to > from)
		memcpy(r->buf + head, f->data + from, to - from);
	if (tail)
		memset(r->buf + head + (to - from), ROOM_FILL, tail);
	guards_fill(r);
	mdl_describe(m, r->buf, r->byte_count);
	return 0;
}

/* Build NB fi from frame f over its MDLs and records. */
static int nb_make(NET_BUFFER *nb, MDL *mdls, struct mdl_rec *recs, const struct ipoc_frame *f,
		   size_t fi, enum ipoc_nbl_guard guard)
{
	uint32_t n = (uint32_t)frame_mdls(f), lead = f->shape.lead ? 1 : 0;

	for (uint32_t j = 0; j < n; j++) {
		recs[j].nb_idx = (uint32_t)fi;
		recs[j].mdl_idx = j;
		if (mdl_make(&mdls[j], &recs[j], f, j, guard) != 0)
			return -1;
		if (j)
			mdls[j - 1].Next = &mdls[j];
	}
	nb->MdlChain = &mdls[0];
	nb->CurrentMdl = &mdls[lead];
	nb->CurrentMdlOffset = f->shape.headroom;
	nb->DataOffset = f->shape.lead + f->shape.headroom;
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
		total += frame_mdls(&frames[i]);
	}
	*n_mdl = total;
	return 0;
}

/* Bytes of n Ts from offset *at, aligned for T; *at moves past them. */
#define PLACE(at, T, n) place(at, _Alignof(T), sizeof(T) * (n))

static size_t place(size_t *at, size_t align, size_t size)
{
	size_t off = (*at + align - 1) / align * align;

	*at = off + size;
	return off;
}

/* Where nbl_alloc places the parts of the block for n_nb NBs and n_mdl
 * MDLs; returns the block's size. */
struct nbl_layout {
	size_t o_p, o_nbs, o_mdls, o_nbsb, o_mdlsb, o_recs;
};

static size_t nbl_layout(size_t n_nb, size_t n_mdl, struct nbl_layout *l)
{
	size_t at = sizeof(NET_BUFFER_LIST);

	l->o_p = PLACE(&at, struct nbl_priv, 1);
	l->o_nbs = PLACE(&at, NET_BUFFER, n_nb);
	l->o_mdls = PLACE(&at, MDL, n_mdl);
	l->o_nbsb = PLACE(&at, NET_BUFFER, n_nb);
	l->o_mdlsb = PLACE(&at, MDL, n_mdl);
	l->o_recs = PLACE(&at, struct mdl_rec, n_mdl);
	return (at + _Alignof(NET_BUFFER_LIST) - 1) / _Alignof(NET_BUFFER_LIST) *
	       _Alignof(NET_BUFFER_LIST);
}

/* The NBL at m (a zeroed block of len bytes laid out by nbl_layout), its
 * bookkeeping pointed at. */
static NET_BUFFER_LIST *nbl_init(uint8_t *m, size_t len, size_t n_nb, size_t n_mdl,
				 const struct nbl_layout *l)
{
	NET_BUFFER_LIST *nbl = (NET_BUFFER_LIST *)(void *)m;
	struct nbl_priv *p = (struct nbl_priv *)(void *)(m + l->o_p);

	p->magic = PRIV_MAGIC;
	p->owner = nbl;
	p->alloc_len = len;
	p->n_nb = n_nb;
	p->n_mdl = n_mdl;
	p->nbs = (NET_BUFFER *)(void *)(m + l->o_nbs);
	p->mdls = (MDL *)(void *)(m + l->o_mdls);
	p->nbs_built = (NET_BUFFER *)(void *)(m + l->o_nbsb);
	p->mdls_built = (MDL *)(void *)(m + l->o_mdlsb);
	p->recs = (struct mdl_rec *)(void *)(m + l->o_recs);
	nbl->ProtocolReserved[0] = p;
	return nbl;
}

/* The NBL and its bookkeeping in one zeroed allocation (a receive builds
 * one NBL per frame: one allocation and one free each, not seven). */
static NET_BUFFER_LIST *nbl_alloc(size_t n_nb, size_t n_mdl)
{
	struct nbl_layout l;
	size_t at = nbl_layout(n_nb, n_mdl, &l);
	uint8_t *m = zalloc_aligned(_Alignof(NET_BUFFER_LIST), at);

	return m ? nbl_init(m, at, n_nb, n_mdl, &l) : NULL;
}

/* ---- recycled NBLs ----
 *
 * An NBL of one NET_BUFFER in one MDL whose buffer lies in a guard-page
 * cell of the arena, given back with ipoc_nbl_recycle, is kept with its
 * cell and built again for a later frame that fits the cell: a replay or a
 * suite builds the same kind of NBL for every frame, and the block and the
 * cell are then taken, not allocated. Building into a kept NBL zeroes its
 * whole block first, so what comes out is what nbl_alloc and
 * ipoc_gpage_alloc would have given (the arena, too, hands back the cell
 * freed last, and never clears a cell). While kept, the block is poisoned
 * under AddressSanitizer, so that an engine that touches an NBL after it
 * was handed back still trips it. Not thread-safe, as the arena. */
#define POOL_MAX 512u

struct pool_ent {
	NET_BUFFER_LIST *nbl;
	size_t len;
	struct ipoc_gbuf g;
};

static struct {
	struct pool_ent e[POOL_MAX];
	unsigned n;
} Pool;

#ifdef IPOC_NBL_ASAN
#define BLOCK_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define BLOCK_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define BLOCK_POISON(p, n) ((void)(p), (void)(n))
#define BLOCK_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* A kept NBL for one frame of bc bytes in one MDL (the last kept whose
 * cell holds them), zeroed and laid out, its cell in *cell; NULL when none
 * fits. */
static NET_BUFFER_LIST *nbl_reuse(uint32_t bc, struct ipoc_gbuf *cell)
{
	struct nbl_layout l;
	size_t at = nbl_layout(1, 1, &l);

	for (unsigned i = Pool.n; i-- > 0;) {
		struct pool_ent *e = &Pool.e[i];
		NET_BUFFER_LIST *nbl;

		if (e->len != at || e->g.cell_len < (bc ? bc : 1))
			continue;
		nbl = e->nbl;
		*cell = e->g;
		memmove(&Pool.e[i], &Pool.e[i + 1], (Pool.n - i - 1) * sizeof(Pool.e[0]));
		Pool.n--;
		BLOCK_UNPOISON(nbl, at);
		memset(nbl, 0, at);
		return nbl_init((uint8_t *)nbl, at, 1, 1, &l);
	}
	return NULL;
}

/* see ipoc_nbl.h */
int ipoc_nbl_build_ex(NET_BUFFER_LIST **out, const struct ipoc_frame *frames, size_t n,
		      const struct ipoc_nbl_opts *opts, char *err, size_t errlen)
{
	enum ipoc_nbl_guard guard = opts ? opts->guard : IPOC_NBL_GUARD_BYTES;
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
	nbl = NULL;
	if (n == 1 && n_mdl == 1 && guard != IPOC_NBL_GUARD_BYTES && Pool.n) {
		const struct ipoc_mdl_shape *s = &frames[0].shape;
		struct ipoc_gbuf cell;

		/* one MDL: no cuts, no lead; frame_check bounded the sum */
		nbl = nbl_reuse(s->headroom + frames[0].len + s->tailroom, &cell);
		if (nbl)
			priv_of(nbl)->recs[0].g = cell;
	}
	if (!nbl)
		nbl = nbl_alloc(n, n_mdl);
	if (!nbl) {
		seterr(err, errlen, "out of memory for %zu NBs and %zu MDLs", n, n_mdl);
		return -1;
	}
	p = priv_of(nbl);
	for (i = 0; i < n; i++) {
		if (nb_make(&p->nbs[i], &p->mdls[m], &p->recs[m], &frames[i], i, guard) != 0) {
			seterr(err, errlen, "frame %zu: out of memory for MDL buffers", i);
			ipoc_nbl_free(nbl);
			return -1;
		}
		if (i)
			p->nbs[i - 1].Next = &p->nbs[i];
		m += frame_mdls(&frames[i]);
	}
	nbl->FirstNetBuffer = &p->nbs[0];
	memcpy(&p->nbl_built, nbl, sizeof(*nbl));
	memcpy(p->nbs_built, p->nbs, n * sizeof(NET_BUFFER));
	memcpy(p->mdls_built, p->mdls, n_mdl * sizeof(MDL));
	*out = nbl;
	return 0;
}

/* see ipoc_nbl.h */
int ipoc_nbl_build(NET_BUFFER_LIST **out, const struct ipoc_frame *frames, size_t n,
		   char *err, size_t errlen)
{
	return ipoc_nbl_build_ex(out, frames, n, NULL, err, errlen);
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
	for (i = 0; p->recs && i < p->n_mdl; i++)
		if (p->recs[i].buf)
			buf_free(&p->recs[i]);
	p->magic = 0;
	free(nbl);   /* and with it everything nbl_alloc placed behind it */
}

/* see ipoc_nbl.h */
void ipoc_nbl_recycle(NET_BUFFER_LIST *nbl)
{
	struct nbl_priv *p = priv_of(nbl);
	struct mdl_rec *r;

	if (!p || p->n_nb != 1 || p->n_mdl != 1 || Pool.n == POOL_MAX || p->recs[0].base ||
	    !p->recs[0].buf || p->recs[0].g.slot == -1) {
		ipoc_nbl_free(nbl);
		return;
	}
	r = &p->recs[0];
	guards_unpoison(r);
	Pool.e[Pool.n++] = (struct pool_ent){ nbl, p->alloc_len, r->g };
	p->magic = 0;
	BLOCK_POISON(nbl, p->alloc_len);
}

/* see ipoc_nbl.h */
void ipoc_nbl_pool_drain(void)
{
	while (Pool.n) {
		struct pool_ent *e = &Pool.e[--Pool.n];

		ipoc_gpage_free(&e->g);
		BLOCK_UNPOISON(e->nbl, e->len);
		free(e->nbl);
	}
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
	int bad = 0;

	guards_unpoison(r);
	for (uint32_t k = 0; k < r->pre_len && !bad; k++) {
		uint32_t back = r->pre_len - k;   /* bytes before the buffer */

		if (r->pre[k] == guard_byte(GUARD - back))
			continue;
		bad = 1;
		seterr(err, errlen,
		       "NB %u MDL %u: guard before the buffer corrupted at byte %ld (guard byte %u)",
		       r->nb_idx, r->mdl_idx, -(long)back, GUARD - back);
	}
	for (uint32_t k = 0; k < r->post_len && !bad; k++) {
		if (r->post[k] == guard_byte(GUARD + k))
			continue;
		bad = 1;
		seterr(err, errlen,
		       "NB %u MDL %u: guard after the buffer corrupted at byte %lu (guard byte %u, ByteCount %u)",
		       r->nb_idx, r->mdl_idx, (unsigned long)r->byte_count + k, k, r->byte_count);
	}
	/* Only the unused space holds ROOM_FILL: the data between room_lo
	 * and room_hi is not walked (a receive of a full frame costs no pass
	 * over its bytes here). */
	for (uint32_t k = 0; k < r->room_lo && !bad; k++) {
		if (r->buf[k] == ROOM_FILL)
			continue;
		bad = 1;
		seterr(err, errlen, "NB %u MDL %u: unused data space written at byte %u (%s)",
		       r->nb_idx, r->mdl_idx, k, "before the data");
	}
	for (uint32_t k = r->room_hi; k < r->byte_count && !bad; k++) {
		if (r->buf[k] == ROOM_FILL)
			continue;
		bad = 1;
		seterr(err, errlen, "NB %u MDL %u: unused data space written at byte %u (%s)",
		       r->nb_idx, r->mdl_idx, k, "after the data");
	}
	GUARD_POISON(r->pre, r->pre_len);
	GUARD_POISON(r->post, r->post_len);
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

#define SAME(a, b, field) (memcmp(&(a)->field, &(b)->field, sizeof((a)->field)) == 0)

static int nbl_meta(const NET_BUFFER_LIST *now, const NET_BUFFER_LIST *was, uint32_t writable,
		    char *err, size_t errlen)
{
	const char *what = NULL;

	if (!SAME(now, was, FirstNetBuffer))
		what = "FirstNetBuffer";
	else if (!SAME(now, was, Context))
		what = "Context";
	else if (!SAME(now, was, ParentNetBufferList))
		what = "ParentNetBufferList";
	else if (!SAME(now, was, NdisPoolHandle))
		what = "NdisPoolHandle";
	else if (!SAME(now, was, NdisReserved))
		what = "NdisReserved";
	else if (!SAME(now, was, ProtocolReserved))
		what = "ProtocolReserved";
	else if (!SAME(now, was, SourceHandle))
		what = "SourceHandle";
	else if (!SAME(now, was, NblFlags))
		what = "NblFlags";
	else if (!SAME(now, was, ChildRefCount))
		what = "ChildRefCount";
	else if ((now->Flags ^ was->Flags) & ~(ULONG)NBL_FLAGS_MINIPORT_RESERVED)
		what = "Flags (outside NBL_FLAGS_MINIPORT_RESERVED)";
	if (what) {
		seterr(err, errlen, "NBL: %s changed", what);
		return -1;
	}
	for (int i = 0; i < MaxNetBufferListInfo; i++) {
		if (writable & IPOC_SLOT_BIT(i))
			continue;
		if (now->NetBufferListInfo[i] != was->NetBufferListInfo[i]) {
			seterr(err, errlen, "NBL: OOB slot %d changed from %p to %p", i,
			       was->NetBufferListInfo[i], now->NetBufferListInfo[i]);
			return -1;
		}
	}
	return 0;
}

static int nb_meta(const NET_BUFFER *now, const NET_BUFFER *was, size_t i, char *err,
		   size_t errlen)
{
	const char *what = NULL;

	if (!SAME(now, was, Next))
		what = "Next";
	else if (!SAME(now, was, CurrentMdl))
		what = "CurrentMdl";
	else if (!SAME(now, was, CurrentMdlOffset))
		what = "CurrentMdlOffset";
	else if (!SAME(now, was, DataLength))
		what = "DataLength";
	else if (!SAME(now, was, MdlChain))
		what = "MdlChain";
	else if (!SAME(now, was, DataOffset))
		what = "DataOffset";
	else if (!SAME(now, was, ChecksumBias) || !SAME(now, was, Reserved))
		what = "ChecksumBias/Reserved";
	else if (!SAME(now, was, NdisPoolHandle) || !SAME(now, was, NdisReserved))
		what = "NdisPoolHandle/NdisReserved";
	else if (!SAME(now, was, ProtocolReserved))
		what = "ProtocolReserved";
	else if (!SAME(now, was, DataPhysicalAddress) || !SAME(now, was, SharedMemoryInfo))
		what = "DataPhysicalAddress/SharedMemoryInfo";
	if (!what)
		return 0;
	seterr(err, errlen, "NB %zu: %s changed", i, what);
	return -1;
}

static int mdl_meta(const MDL *now, const MDL *was, const struct mdl_rec *r, char *err,
		    size_t errlen)
{
	const char *what = NULL;

	if (!SAME(now, was, Next))
		what = "Next";
	else if (!SAME(now, was, Size) || !SAME(now, was, MdlFlags))
		what = "Size/MdlFlags";
	else if (!SAME(now, was, Process))
		what = "Process";
	else if (!SAME(now, was, MappedSystemVa))
		what = "MappedSystemVa";
	else if (!SAME(now, was, StartVa) || !SAME(now, was, ByteOffset))
		what = "StartVa/ByteOffset";
	if (what) {
		seterr(err, errlen, "NB %u MDL %u: %s changed", r->nb_idx, r->mdl_idx, what);
		return -1;
	}
	if (now->ByteCount != was->ByteCount) {
		seterr(err, errlen, "NB %u MDL %u: ByteCount %u, built %u", r->nb_idx, r->mdl_idx,
		       now->ByteCount, was->ByteCount);
		return -1;
	}
	return 0;
}

/* see ipoc_nbl.h */
int ipoc_nbl_check_meta(const NET_BUFFER_LIST *nbl, uint32_t writable_slots, char *err,
			size_t errlen)
{
	const struct nbl_priv *p = priv_of(nbl);

	if (!p) {
		seterr(err, errlen, "NBL %p was not built by ipoc_nbl_build (or its "
		       "ProtocolReserved[0] was overwritten)", (const void *)nbl);
		return -1;
	}
	if (nbl_meta(nbl, &p->nbl_built, writable_slots, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < p->n_nb; i++)
		if (nb_meta(&p->nbs[i], &p->nbs_built[i], i, err, errlen) != 0)
			return -1;
	for (size_t i = 0; i < p->n_mdl; i++)
		if (mdl_meta(&p->mdls[i], &p->mdls_built[i], &p->recs[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* see ipoc_nbl.h */
void ipoc_nbl_meta_snapshot(NET_BUFFER_LIST *nbl)
{
	struct nbl_priv *p = priv_of(nbl);

	if (!p)
		return;
	memcpy(&p->nbl_built, nbl, sizeof(*nbl));
	memcpy(p->nbs_built, p->nbs, p->n_nb * sizeof(NET_BUFFER));
	memcpy(p->mdls_built, p->mdls, p->n_mdl * sizeof(MDL));
}

/* see ipoc_nbl.h */
const NET_BUFFER *ipoc_nbl_nb_built(const NET_BUFFER_LIST *nbl, size_t i)
{
	const struct nbl_priv *p = priv_of(nbl);

	return p && i < p->n_nb ? &p->nbs[i] : NULL;
}

/* see ipoc_nbl.h */
long ipoc_nbl_nb_index(const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	const struct nbl_priv *p = priv_of(nbl);

	if (!p || !nb)
		return -1;
	for (size_t i = 0; i < p->n_nb; i++)
		if (&p->nbs[i] == nb)
			return (long)i;
	return -1;
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
