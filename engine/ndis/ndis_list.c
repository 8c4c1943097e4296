/* SPDX-License-Identifier: MIT */
/*
 * ndis_list.c - the length of an SA list linked through Next pointers in
 * an OID buffer, with a guard against cycles and endless lists, so that the
 * walks of ADD_SA and DELETE_SA end.
 */
#include <string.h>

#include "ndis_sa.h"

static const void *next_of(const void *node, size_t next_off)
{
	const void *next;

	memcpy(&next, (const char *)node + next_off, sizeof(next));
	return next;
}

/* The slow pointer moves every second step, so a cycle makes the two
 * meet. */
uint32_t ndis_list_length(const void *first, size_t next_off)
{
	const void *slow = first, *fast = first;
	uint32_t n = 0;

	while (fast) {
		if (++n > NDIS_MAX_LIST_LEN)
			return 0;
		fast = next_of(fast, next_off);
		if (n % 2 == 0)
			slow = next_of(slow, next_off);
		if (fast && fast == slow)
			return 0;
	}
	return n;
}
