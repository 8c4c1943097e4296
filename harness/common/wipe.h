/* SPDX-License-Identifier: MIT */
/*
 * wipe.h - the harness's one way to erase secrets (keys it read from a key
 * file or put into an ADD_SA buffer): a store the compiler may not drop
 * because the memory is about to be freed or to go out of scope.
 */
#ifndef IPOC_WIPE_H
#define IPOC_WIPE_H

#include <stddef.h>

/* Zero n bytes at p (p may be NULL when n is 0). */
void ipoc_wipe(void *p, size_t n);

#endif /* IPOC_WIPE_H */
