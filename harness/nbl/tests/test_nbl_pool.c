/* SPDX-License-Identifier: MIT */
/*
 * test_nbl_pool.c - NBLs handed back with ipoc_nbl_recycle and built
 * again are freshly built NBLs: every byte of the NBL, its NB and MDL, the
 * buffer, the guards and their poisoning as a build into a fresh block and
 * cell gives them, whatever the engine left in them (every field but the
 * builder's own ProtocolReserved[0], every data and room byte, the guard
 * bytes on the open side); and the pool gives each frame the NBL its
 * contract names (the last kept whose cell holds the frame, else a fresh
 * one), over thousands of builds and recycles of frames of varied lengths,
 * rooms, guard sides and shapes, the ones it must not keep among them.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_gpage.h"
#include "ipoc_nbl.h"
#include "ipoc_test.h"
#include "nbl_image.h"

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
#define LARGE (IPOC_GPAGE_LARGE_PAGES * PAGE)
#define SRC_LEN 90000u

static uint8_t src[SRC_LEN];

struct spec {
	uint32_t len, headroom, tailroom, lead;
	uint32_t n_cuts;
	uint32_t cuts[3];
	uint32_t nbs;                 /* 1 or 2 NBs of the same frame */
	enum ipoc_nbl_guard guard;
};

/* One-MDL frames, the kind the pool keeps, on both guard sides: empty, a
 * byte, small, a full page with and without rooms, past a page, large. */
#define ONE(len, h, t, g) { len, h, t, 0, 0, { 0 }, 1, g }
static const struct spec specs[] = {
	ONE(0, 0, 0, IPOC_NBL_GUARD_TAIL),
	ONE(1, 0, 0, IPOC_NBL_GUARD_HEAD),
	ONE(60, 14, 0, IPOC_NBL_GUARD_TAIL),
	ONE(60, 0, 16, IPOC_NBL_GUARD_HEAD),
	ONE(1514, 0, 0, IPOC_NBL_GUARD_TAIL),
	ONE(1514, 32, 8, IPOC_NBL_GUARD_HEAD),
	ONE(4000, 0, 0, IPOC_NBL_GUARD_HEAD),
	ONE(4080, 6, 4, IPOC_NBL_GUARD_TAIL),
	ONE(4096, 0, 0, IPOC_NBL_GUARD_TAIL),
	ONE(4090, 0, 0, IPOC_NBL_GUARD_HEAD),
	ONE(4097, 0, 0, IPOC_NBL_GUARD_HEAD),
	ONE(9000, 2, 2, IPOC_NBL_GUARD_TAIL),
	ONE(65535, 0, 0, IPOC_NBL_GUARD_HEAD),
	ONE(LARGE - 8, 4, 4, IPOC_NBL_GUARD_TAIL),
	/* not kept: several MDLs, a lead MDL, two NBs, guard bytes, a
	 * buffer larger than the arena's cells */
	{ 1514, 0, 0, 0, 2, { 14, 34 }, 1, IPOC_NBL_GUARD_TAIL },
	{ 300, 4, 4, 0, 1, { 150 }, 1, IPOC_NBL_GUARD_HEAD },
	{ 200, 0, 0, 64, 0, { 0 }, 1, IPOC_NBL_GUARD_TAIL },
	{ 60, 0, 0, 0, 0, { 0 }, 2, IPOC_NBL_GUARD_HEAD },
	{ 1514, 4, 0, 0, 0, { 0 }, 1, IPOC_NBL_GUARD_BYTES },
	{ 80000, 0, 0, 0, 0, { 0 }, 1, IPOC_NBL_GUARD_TAIL },
};
#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

static uint32_t bytes_of(const struct spec *s)
{
	return s->headroom + s->len + s->tailroom;
}

/* Does the pool keep an NBL of s (one NB in one MDL in a cell of the
 * arena)? */
static uint32_t mdls_of(const struct spec *s)
{
	return s->n_cuts + 1 + (s->lead ? 1 : 0);
}

static bool poolable(const struct spec *s)
{
	return s->nbs == 1 && s->n_cuts == 0 && s->lead == 0 && s->guard != IPOC_NBL_GUARD_BYTES &&
	       bytes_of(s) <= LARGE;
}

static NET_BUFFER_LIST *build(const struct spec *s, size_t si)
{
	struct ipoc_frame f[2];
	struct ipoc_nbl_opts o = { s->guard };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";

	for (uint32_t i = 0; i < s->nbs; i++)
		f[i] = (struct ipoc_frame){ src + si * 7, s->len,
					    { s->n_cuts ? s->cuts : NULL, s->n_cuts, s->headroom,
					      s->tailroom, s->lead } };
	if (ipoc_nbl_build_ex(&nbl, f, s->nbs, &o, err, sizeof(err)) != 0)
		fprintf(stderr, "spec %zu: %s\n", si, err);
	return nbl;
}

static struct nbl_image fresh[N_SPECS];

/* The image of a fresh build of each spec: the pool emptied first. */
static void take_fresh(void)
{
	for (size_t si = 0; si < N_SPECS; si++) {
		NET_BUFFER_LIST *nbl;

		ipoc_nbl_pool_drain();
		nbl = build(&specs[si], si);
		IPOC_CHECK(nbl != NULL);
		if (!nbl)
			continue;
		IPOC_CHECK_EQ(nbl_image_take(nbl, specs[si].guard, specs[si].nbs, mdls_of(&specs[si]),
					     &fresh[si]), 0);
		ipoc_nbl_free(nbl);
	}
}

/* nbl, built of spec si, is a fresh build of it: image, bytes, guards. */
static bool check_as_fresh(const NET_BUFFER_LIST *nbl, size_t si)
{
	const struct spec *s = &specs[si];
	struct nbl_image img;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	bool ok = true;
	uint8_t flat[SRC_LEN];
	uint32_t len = 0;

	IPOC_CHECK_EQ(nbl_image_take(nbl, s->guard, s->nbs, mdls_of(s), &img), 0);
	if (memcmp(&img, &fresh[si], sizeof(img)) != 0) {
		const uint8_t *a = (const void *)&img, *b = (const void *)&fresh[si];
		size_t k = 0;

		while (a[k] == b[k])
			k++;
		fprintf(stderr, "spec %zu (len %u): differs from a fresh build at image byte %zu "
			"(NBL %zu bytes, NB %zu, MDL %zu)\n", si, s->len, k, sizeof(NET_BUFFER_LIST),
			sizeof(NET_BUFFER), sizeof(MDL));
		ok = false;
	}
	IPOC_CHECK(ok);
	for (uint32_t i = 0; i < s->nbs && i < IMG_NBS; i++)
		for (uint32_t j = 0; j < img.n_mdl[i]; j++) {
			IPOC_CHECK(img.va_ok[i][j]);
			if (s->guard != IPOC_NBL_GUARD_BYTES && bytes_of(s) <= LARGE)
				IPOC_CHECK(img.against[i][j]);
		}
	IPOC_CHECK_EQ(ipoc_nbl_check_guards(nbl, err, sizeof(err)), 0);
	IPOC_CHECK_EQ(ipoc_nbl_check_meta(nbl, 0, err, sizeof(err)), 0);
	if (!ok)
		return false;   /* its links may lead anywhere: not walked */
	IPOC_CHECK_EQ(ipoc_nb_flatten(nbl->FirstNetBuffer, flat, sizeof(flat), &len), 0);
	IPOC_CHECK_EQ(len, s->len);
	IPOC_CHECK_MEM(flat, src + si * 7, s->len);
	return ok;
}

/* Each kept kind of NBL: built fresh, scribbled on, recycled, built
 * again of the same frame into the same block and cell. */
static void test_same_frame(void)
{
	for (size_t si = 0; si < N_SPECS; si++) {
		const struct spec *s = &specs[si];
		NET_BUFFER_LIST *a, *b;
		const void *va;

		if (!poolable(s))
			continue;
		ipoc_nbl_pool_drain();
		a = build(s, si);
		if (!a)
			continue;
		va = a->FirstNetBuffer->MdlChain->MappedSystemVa;
		check_as_fresh(a, si);
		nbl_scribble(a, s->guard, (uint8_t)(0x11 * (si % 15 + 1)));
		ipoc_nbl_recycle(a);
#ifdef TEST_ASAN
		/* kept: the whole block is poisoned */
		IPOC_CHECK(__asan_address_is_poisoned(a));
		IPOC_CHECK(__asan_address_is_poisoned((const uint8_t *)a + sizeof(*a) - 1));
#endif
		b = build(s, si);
		IPOC_CHECK(b == a);
		if (!b)
			continue;
		IPOC_CHECK(b->FirstNetBuffer->MdlChain->MappedSystemVa == va);
		check_as_fresh(b, si);
		ipoc_nbl_free(b);
	}
	ipoc_nbl_pool_drain();
}

/* The pool as its contract has it: kept NBLs in the order given back,
 * each with the size of its cell. */
struct model {
	NET_BUFFER_LIST *kept[1024];
	size_t cell[1024];
	size_t n, most;
};

/* Which kept NBL a build of s takes (NULL: a fresh one). */
static NET_BUFFER_LIST *model_take(struct model *m, const struct spec *s, size_t *cell)
{
	uint32_t need = bytes_of(s) ? bytes_of(s) : 1;

	if (!poolable(s))
		return NULL;
	for (size_t i = m->n; i-- > 0;) {
		NET_BUFFER_LIST *nbl = m->kept[i];

		if (m->cell[i] < need)
			continue;
		*cell = m->cell[i];
		memmove(&m->kept[i], &m->kept[i + 1], (m->n - i - 1) * sizeof(m->kept[0]));
		memmove(&m->cell[i], &m->cell[i + 1], (m->n - i - 1) * sizeof(m->cell[0]));
		m->n--;
		return nbl;
	}
	return NULL;
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Thousands of builds and recycles: each NBL the one the model names,
 * each a fresh build of its frame. */
static void test_sequence(void)
{
	enum { STEPS = 6000, LIVE = 24 };
	struct live {
		NET_BUFFER_LIST *nbl;
		size_t si, cell;
	} live[LIVE];
	static struct model m;
	size_t n_live = 0, reused = 0, wrong = 0, differ = 0, builds = 0;
	uint64_t seed = 0x9E3779B97F4A7C15u;

	ipoc_nbl_pool_drain();
	for (int step = 0; step < STEPS; step++) {
		uint64_t r = xs(&seed);

		if (n_live == LIVE || (n_live && r % 5 < 2)) {
			size_t k = (size_t)(r >> 8) % n_live;
			struct live *l = &live[k];
			const struct spec *s = &specs[l->si];

			if (poolable(s)) {
				nbl_scribble(l->nbl, s->guard, (uint8_t)(r >> 32));
				m.kept[m.n] = l->nbl;
				m.cell[m.n++] = l->cell;
				if (m.n > m.most)
					m.most = m.n;
			}
			ipoc_nbl_recycle(l->nbl);
			live[k] = live[--n_live];
		} else {
			size_t si = (size_t)(r >> 8) % N_SPECS, cell = 0;
			NET_BUFFER_LIST *want = model_take(&m, &specs[si], &cell), *nbl;
			uint32_t need = bytes_of(&specs[si]) ? bytes_of(&specs[si]) : 1;

			nbl = build(&specs[si], si);
			if (!nbl) {
				wrong++;
				continue;
			}
			builds++;
			if (want) {
				reused++;
				wrong += nbl != want;
			} else {
				cell = need <= PAGE ? PAGE : LARGE;
				for (size_t i = 0; i < m.n; i++)
					wrong += nbl == m.kept[i];
			}
			differ += !check_as_fresh(nbl, si);
			live[n_live++] = (struct live){ nbl, si, cell };
		}
	}
	while (n_live)
		ipoc_nbl_recycle(live[--n_live].nbl);
	ipoc_nbl_pool_drain();
	printf("%zu builds, %zu from the pool, at most %zu kept\n", builds, reused, m.most);
	IPOC_CHECK_EQ(wrong, 0);
	IPOC_CHECK_EQ(differ, 0);
	IPOC_CHECK(reused > builds / 3);
	IPOC_CHECK(m.most < 256);
}

int main(int argc, char **argv)
{
	uint64_t seed = 12345;

	(void)argc;
	for (size_t i = 0; i < SRC_LEN; i++)
		src[i] = (uint8_t)xs(&seed);
	take_fresh();
	test_same_frame();
	test_sequence();
	return ipoc_test_report(argv[0]);
}
