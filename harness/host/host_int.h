/* SPDX-License-Identifier: MIT */
/*
 * host_int.h - what host.c lends the other files of harness/host (the
 * reproducer reader): a request already encoded, carried out as is.
 */
#ifndef IPOC_HOST_INT_H
#define IPOC_HOST_INT_H

#include "host.h"
#include "host_msg.h"

/* Carry out the len-byte request req; *reply is left at the reply's op
 * fields (valid until the next operation). */
enum eh_rc eh_raw(struct eh *eh, const uint8_t *req, size_t len, struct mr *reply);

#endif /* IPOC_HOST_INT_H */
