/* SPDX-License-Identifier: MIT */
/*
 * memscan.c - see memscan.h.
 *
 * Implementation notes. The scan reads each mapping in chunks into a
 * buffer of its own (an anonymous mapping, skipped by the scan and wiped
 * after it), with n - 1 bytes of overlap so that a pattern across a chunk
 * border is seen. A candidate position is one where memchr finds a byte
 * of the pattern (not 0x00 or 0xFF when it has another); the whole pattern
 * is compared there byte by byte, unmasking as it goes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memscan.h"
#include "wipe.h"

#define CHUNK ((size_t)1 << 20)

static bool match(const uint8_t *p, const uint8_t *masked, const uint8_t *mask, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)(p[i] ^ mask[i]) != masked[i])
			return false;
	return true;
}

/* Scan [lo, hi) through fd into buf (CHUNK + n bytes); the address of a
 * match in *hit. */
static bool scan_range(int fd, uintptr_t lo, uintptr_t hi, uint8_t *buf, const uint8_t *masked,
		       const uint8_t *mask, size_t n, uintptr_t *hit)
{
	size_t a = 0;                /* the pattern byte candidates are found by */
	uint8_t first;
	bool found = false;

	/* not a 0x00 or 0xFF when the key has another byte: memory holds
	 * long runs of those (a sanitizer's shadow), each a candidate */
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)(masked[i] ^ mask[i]);

		if (b != 0x00 && b != 0xFF) {
			a = i;
			break;
		}
	}
	first = (uint8_t)(masked[a] ^ mask[a]);

	for (uintptr_t at = lo; at < hi && !found; at += CHUNK) {
		size_t want = hi - at < CHUNK + n - 1 ? hi - at : CHUNK + n - 1;
		ssize_t got = pread(fd, buf, want, (off_t)at);

		if (got < (ssize_t)n)
			continue;
		/* candidates through memchr: a byte loop here runs over every
		 * byte of the process, and a fuzzing build instruments each
		 * of its comparisons */
		for (const uint8_t *c = buf + a, *end = buf + got - n + 1 + a;
		     !found && (c = memchr(c, first, (size_t)(end - c))) != NULL; c++) {
			if (match(c - a, masked, mask, n)) {
				found = true;
				*hit = at + (uintptr_t)(c - a - buf);
			}
		}
	}
	first = 0;
	return found;
}

int memscan_find(const uint8_t *masked, const uint8_t *mask, size_t n, bool *found,
		 char *where, size_t wlen)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	uint8_t *buf = MAP_FAILED;
	char line[1024];
	uintptr_t hit = 0, b_lo = 0, b_hi = 0;
	int rc = -1;

	*found = false;
	if (where && wlen)
		where[0] = '\0';
	if (!maps || mem < 0 || n < 4)
		goto out;
	buf = mmap(NULL, CHUNK + n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		goto out;
	b_lo = (uintptr_t)buf;
	b_hi = b_lo + CHUNK + n;
	rc = 0;
	while (!*found && fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		/* Private writable memory only. */
		if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p')
			continue;
		if (hi - lo > MEMSCAN_MAX_MAPPING)
			continue;
		/* Not the scan's own buffer, which the kernel may have merged
		 * into a neighbouring anonymous mapping: the parts of the
		 * mapping below and above it are read. */
		if (scan_range(mem, lo, hi < b_lo ? hi : b_lo < lo ? lo : b_lo, buf, masked, mask,
			       n, &hit) ||
		    scan_range(mem, lo > b_hi ? lo : b_hi > hi ? hi : b_hi, hi, buf, masked, mask,
			       n, &hit)) {
			*found = true;
			if (where && wlen) {
				char *name = strrchr(line, ' ');

				line[strcspn(line, "\n")] = '\0';
				snprintf(where, wlen, "at 0x%lx, %lu bytes into %lx-%lx %s",
					 (unsigned long)hit, (unsigned long)(hit - lo), lo, hi,
					 name && name[1] ? name + 1 : "(anonymous)");
			}
		}
	}
out:
	if (buf != MAP_FAILED) {
		ipoc_wipe(buf, CHUNK + n);
		munmap(buf, CHUNK + n);
	}
	if (mem >= 0)
		close(mem);
	if (maps)
		fclose(maps);
	return rc;
}
