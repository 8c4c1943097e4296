/* SPDX-License-Identifier: MIT */
/*
 * memscan.h - look for key material left in this process's memory: every
 * private writable mapping (heap, stack, anonymous memory, writable data of
 * loaded objects) is read through /proc/self/mem, which sees memory as it
 * is without touching it through the process's own loads (so sanitizer
 * poisoning and redzones do not get in the way).
 *
 * The pattern is given masked (pattern ^ mask, and mask), and compared
 * unmasked one byte at a time, so the key itself is never rebuilt in memory
 * where the scan would find it.
 */
#ifndef IPOC_MEMSCAN_H
#define IPOC_MEMSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mappings larger than this are not read (sanitizer shadow memory). */
#define MEMSCAN_MAX_MAPPING ((size_t)1 << 30)

/* Returns 0 and *found (with the mapping's line from /proc/self/maps in
 * where, if found), or -1 when the maps cannot be read. n >= 4. */
int memscan_find(const uint8_t *masked, const uint8_t *mask, size_t n, bool *found,
		 char *where, size_t wlen);

#endif /* IPOC_MEMSCAN_H */
