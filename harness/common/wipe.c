/* SPDX-License-Identifier: MIT */
/* wipe.c - see wipe.h. explicit_bzero (glibc 2.25) is a zeroing the
 * optimiser must keep. */
#include <string.h>

#include "wipe.h"

void ipoc_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}
