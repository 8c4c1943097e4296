/* SPDX-License-Identifier: MIT */
/* nbl_image.c - see nbl_image.h. */
#include <string.h>

#include "ipoc_gpage.h"
#include "nbl_image.h"

#if defined(__SANITIZE_ADDRESS__)
#define IMG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IMG_ASAN 1
#endif
#endif
#ifdef IMG_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define PAGE 4096u

uint32_t nbl_image_open_guard(uint32_t bc)
{
	uint32_t need = bc ? bc : 1;
	uint32_t cell = need <= PAGE ? PAGE : IPOC_GPAGE_LARGE_PAGES * PAGE;
	uint32_t slack = need <= cell ? cell - bc : (need + PAGE - 1) / PAGE * PAGE - bc;

	return slack < IMG_GUARD ? slack : IMG_GUARD;
}

/* A pointer into the NBL's own block as its offset (plus a mark, so that
 * offset 0 is not NULL); NULL stays NULL. */
static void *rel(const void *p, const void *base)
{
	return p ? (void *)((uintptr_t)p - (uintptr_t)base + 0x10000u) : NULL;
}

/* Guard byte k of a window: its value, or under AddressSanitizer whether
 * it is poisoned (reading it would trip). */
static uint8_t guard_state(const uint8_t *p)
{
#ifdef IMG_ASAN
	return __asan_address_is_poisoned(p) ? 0xA0 : 0x0A;
#else
	return *p;
#endif
}

static void mdl_image(const MDL *m, enum ipoc_nbl_guard guard, const NET_BUFFER_LIST *base,
		      struct nbl_image *img, size_t i, size_t j)
{
	const uint8_t *va = m->MappedSystemVa;
	uint32_t bc = m->ByteCount, w = nbl_image_open_guard(bc);
	uint64_t h = 0xcbf29ce484222325u;
	MDL *c = &img->mdl[i][j];
	size_t after, before;

	memcpy(c, m, sizeof(*c));
	c->Next = rel(m->Next, base);
	img->va_ok[i][j] = va && (uint8_t *)m->StartVa + m->ByteOffset == va &&
			   ((uintptr_t)m->StartVa & (PAGE - 1)) == 0;
	c->MappedSystemVa = NULL;
	c->StartVa = NULL;
	if (guard == IPOC_NBL_GUARD_BYTES)
		c->ByteOffset = 0;   /* wherever malloc put it */
	if (!va)
		return;
	for (uint32_t k = 0; k < bc; k++)
		h = (h ^ va[k]) * 0x100000001b3u;
	img->digest[i][j] = h;
	if (guard == IPOC_NBL_GUARD_TAIL)
		img->against[i][j] = ipoc_gpage_where(va + bc, &after, &before) == 1 && after == 0;
	else if (guard == IPOC_NBL_GUARD_HEAD)
		img->against[i][j] = ipoc_gpage_where(va - 1, &after, &before) == 1 && before == 1;
	if (guard == IPOC_NBL_GUARD_BYTES)
		w = IMG_GUARD;
	for (uint32_t k = 0; k < w; k++) {
		if (guard != IPOC_NBL_GUARD_HEAD)
			img->guard[i][j][0][k] = guard_state(va - w + k);
		if (guard != IPOC_NBL_GUARD_TAIL)
			img->guard[i][j][1][k] = guard_state(va + bc + k);
	}
}

int nbl_image_take(const NET_BUFFER_LIST *nbl, enum ipoc_nbl_guard guard, uint32_t n_nb,
		   uint32_t n_mdl, struct nbl_image *img)
{
	const NET_BUFFER *nb = nbl->FirstNetBuffer;

	memset(img, 0, sizeof(*img));
	if (n_nb > IMG_NBS || n_mdl > IMG_MDLS)
		return -1;
	memcpy(&img->nbl, nbl, sizeof(*nbl));
	img->nbl.FirstNetBuffer = rel(nbl->FirstNetBuffer, nbl);
	img->nbl.ProtocolReserved[0] = rel(nbl->ProtocolReserved[0], nbl);
	for (uint32_t i = 0; i < n_nb; i++) {
		const MDL *m;

		if (!nb)
			return -1;
		m = nb->MdlChain;
		memcpy(&img->nb[i], nb, sizeof(*nb));
		img->nb[i].Next = rel(nb->Next, nbl);
		img->nb[i].CurrentMdl = rel(nb->CurrentMdl, nbl);
		img->nb[i].MdlChain = rel(nb->MdlChain, nbl);
		for (uint32_t j = 0; j < n_mdl; j++) {
			if (!m)
				return -1;
			mdl_image(m, guard, nbl, img, i, j);
			m = j + 1 < n_mdl ? m->Next : NULL;
		}
		img->n_mdl[i] = n_mdl;
		nb = i + 1 < n_nb ? nb->Next : NULL;
	}
	img->n_nb = n_nb;
	return 0;
}

void nbl_scribble(NET_BUFFER_LIST *nbl, enum ipoc_nbl_guard guard, uint8_t v)
{
	NET_BUFFER *nb = nbl->FirstNetBuffer;
	MDL *m = nb->MdlChain;
	uint8_t *va = m->MappedSystemVa;
	uint32_t bc = m->ByteCount, w = nbl_image_open_guard(bc);
	void *priv = nbl->ProtocolReserved[0];
	uint8_t *open = guard == IPOC_NBL_GUARD_TAIL ? va - w : va + bc;

	memset(va, v, bc);
#ifdef IMG_ASAN
	ASAN_UNPOISON_MEMORY_REGION(open, w);
#endif
	memset(open, v, w);
	memset(m, v, sizeof(*m));
	memset(nb, v, sizeof(*nb));
	memset(nbl, v, sizeof(*nbl));
	nbl->ProtocolReserved[0] = priv;
}
