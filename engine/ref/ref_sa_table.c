/* SPDX-License-Identifier: MIT */
/*
 * ref_sa_table.c - the SA slots and their handles.
 *
 * Implementation notes. The table is one array of `capacity` slots
 * allocated at open; adding and deleting SAs never allocates. A handle
 * handed to TCP/IP is (tag << 32) | (slot index + 1). Each slot counts its
 * allocations; the tag is a keyed permutation of 32-bit values (a 4-round
 * Feistel network with random 64-bit round keys drawn at open) applied to
 * generation ^ (index * golden ratio). For one slot that input is
 * injective in the generation, so a slot never repeats a tag before 2^32
 * reuses, and without the keys the next tag cannot be predicted. Lookup
 * splits the handle, bounds-checks the index and compares the tag of an
 * in-use slot, so a deleted, reused or guessed handle is reported unknown
 * and never dereferenced. Handle 0 is never produced (NDIS: 0 means "no
 * offload"). Releasing a slot wipes all of it, keys included.
 */
#include <stdlib.h>
#include <string.h>

#include "ref_crypto.h"
#include "ref_internal.h"

_Static_assert(sizeof(uintptr_t) == 8, "handles carry a 32-bit tag above a 32-bit slot index");

int ref_sa_table_init(struct ref_sa_table *t, uint32_t capacity)
{
	uint32_t nb = 1;

	memset(t, 0, sizeof(*t));
	/* Buckets are the power of two at or above 2 * capacity: bounded, so
	 * the doubling below cannot overflow. */
	if (capacity == 0 || capacity > REF_MAX_SA_CAPACITY)
		return -1;
	while (nb < 2 * capacity)
		nb <<= 1;
	t->slots = calloc(capacity, sizeof(*t->slots));
	t->generation = calloc(capacity, sizeof(*t->generation));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->chain = calloc(capacity, sizeof(*t->chain));
	t->bucket_mask = nb - 1;
	if (!t->slots || !t->generation || !t->bucket || !t->chain ||
	    ref_random_bytes(t->tag_key, sizeof(t->tag_key)) != 0) {
		ref_sa_table_fini(t);
		return -1;
	}
	t->capacity = capacity;
	return 0;
}

void ref_sa_table_fini(struct ref_sa_table *t)
{
	if (t->slots) {
		for (uint32_t i = 0; i < t->capacity; i++)
			if (t->slots[i].in_use)
				ref_sa_crypto_fini(&t->slots[i]);
		ref_wipe(t->slots, (size_t)t->capacity * sizeof(*t->slots));
		free(t->slots);
	}
	free(t->generation);
	free(t->bucket);
	free(t->chain);
	t->bucket = t->chain = NULL;
	ref_wipe(t->tag_key, sizeof(t->tag_key));
	t->slots = NULL;
	t->generation = NULL;
	t->capacity = t->used = 0;
}

/* 64-bit finaliser (splitmix64) as the Feistel round function. */
static uint16_t round_fn(uint64_t key, uint16_t half)
{
	uint64_t z = key ^ half;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint16_t)((z ^ (z >> 31)) >> 48);
}

/* A permutation of 32-bit values keyed by t->tag_key. */
static uint32_t permute(const struct ref_sa_table *t, uint32_t x)
{
	uint16_t l = (uint16_t)(x >> 16), r = (uint16_t)x;

	for (int i = 0; i < 4; i++) {
		uint16_t nl = r;

		r = l ^ round_fn(t->tag_key[i], r);
		l = nl;
	}
	return ((uint32_t)l << 16) | r;
}

struct ref_sa *ref_sa_alloc(struct ref_sa_table *t, NDIS_HANDLE *handle)
{
	if (t->used >= t->capacity)
		return NULL;
	for (uint32_t i = 0; i < t->capacity; i++) {
		struct ref_sa *sa = &t->slots[i];
		uint32_t tag;

		if (sa->in_use)
			continue;
		do
			tag = permute(t, ++t->generation[i] ^ (i * 0x9E3779B9u));
		while (tag == 0);
		memset(sa, 0, sizeof(*sa));
		sa->in_use = true;
		sa->tag = tag;
		t->used++;
		*handle = (NDIS_HANDLE)(((uintptr_t)tag << 32) | ((uintptr_t)i + 1));
		return sa;
	}
	return NULL;
}

struct ref_sa *ref_sa_lookup(const struct ref_sa_table *t, NDIS_HANDLE handle)
{
	uintptr_t h = (uintptr_t)handle;
	uint32_t idx1 = (uint32_t)(h & 0xFFFFFFFFu);
	uint32_t tag = (uint32_t)(h >> 32);
	struct ref_sa *sa;

	if (idx1 == 0 || idx1 > t->capacity || tag == 0)
		return NULL;
	sa = &t->slots[idx1 - 1];
	if (!sa->in_use || sa->tag != tag)
		return NULL;
	return sa;
}

void ref_sa_release(struct ref_sa_table *t, struct ref_sa *sa)
{
	if (!sa || !sa->in_use)
		return;
	ref_sa_index_del(t, sa);
	ref_sa_crypto_fini(sa);
	ref_wipe(sa, sizeof(*sa));
	sa->in_use = false;
	t->used--;
}

struct ref_sa_member *ref_sa_member_by_spi(struct ref_sa *sa, uint32_t op, uint32_t spi)
{
	for (uint32_t i = 0; i < sa->num_members; i++)
		if (sa->m[i].op == op && sa->m[i].spi == spi)
			return &sa->m[i];
	return NULL;
}

static bool same_member_key(const struct ref_sa *a, const struct ref_sa *b)
{
	if (a->ipv6 != b->ipv6 || memcmp(a->dst, b->dst, sizeof(a->dst)) != 0)
		return false;
	for (uint32_t i = 0; i < a->num_members; i++)
		for (uint32_t j = 0; j < b->num_members; j++)
			if (a->m[i].op == b->m[j].op && a->m[i].spi == b->m[j].spi)
				return true;
	return false;
}

/* Inbound lookup is by SPI + destination + protocol (RFC 4301 §4.1,
 * PROFILE.md receive SA lookup key), so two inbound SAs may not share it. */
bool ref_sa_inbound_clash(const struct ref_sa_table *t, const struct ref_sa *cand)
{
	if (!cand->inbound)
		return false;
	for (uint32_t i = 0; i < t->capacity; i++) {
		const struct ref_sa *sa = &t->slots[i];

		if (sa != cand && sa->in_use && sa->inbound && same_member_key(sa, cand))
			return true;
	}
	return false;
}

static uint32_t spi_bucket(const struct ref_sa_table *t, uint32_t spi)
{
	return (uint32_t)((spi * 0x9E3779B1u) >> 7) & t->bucket_mask;
}

static uint32_t slot_of(const struct ref_sa_table *t, const struct ref_sa *sa)
{
	return (uint32_t)(sa - t->slots);
}

void ref_sa_index_add(struct ref_sa_table *t, struct ref_sa *sa)
{
	uint32_t b = spi_bucket(t, ref_sa_outer(sa)->spi), i = slot_of(t, sa);

	if (!sa->inbound || sa->indexed)
		return;
	t->chain[i] = t->bucket[b];
	t->bucket[b] = i + 1;
	sa->indexed = true;
}

void ref_sa_index_del(struct ref_sa_table *t, struct ref_sa *sa)
{
	uint32_t b, i = slot_of(t, sa);
	uint32_t *link;

	if (!sa->indexed)
		return;
	b = spi_bucket(t, ref_sa_outer(sa)->spi);
	for (link = &t->bucket[b]; *link; link = &t->chain[*link - 1]) {
		if (*link == i + 1) {
			*link = t->chain[i];
			break;
		}
	}
	t->chain[i] = 0;
	sa->indexed = false;
}

struct ref_sa *ref_sa_find_inbound(struct ref_sa_table *t, uint32_t spi, const uint8_t *dst,
				   uint32_t alen, uint32_t op, bool *other_proto)
{
	static const uint8_t any[16];
	struct ref_sa *other = NULL;

	*other_proto = false;
	for (uint32_t n = t->bucket[spi_bucket(t, spi)]; n; n = t->chain[n - 1]) {
		struct ref_sa *sa = &t->slots[n - 1];
		struct ref_sa_member *m = ref_sa_outer(sa);

		if (m->spi != spi || (sa->ipv6 ? 16u : 4u) != alen)
			continue;
		/* A zero destination is a wildcard (R-SA-7). */
		if (memcmp(sa->dst, dst, alen) != 0 && memcmp(sa->dst, any, alen) != 0)
			continue;
		if (m->op == op)
			return sa;
		other = sa;
	}
	*other_proto = other != NULL;
	return other;
}
