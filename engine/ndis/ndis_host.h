/* SPDX-License-Identifier: MIT */
/*
 * ndis_host.h - what every engine's open does with the host's side of the
 * ABI (ipoc/engine.h): the callback table copied up to what both sides
 * know, the open parameters read up to the host's struct_size, and a log
 * line through the host's callback.
 */
#ifndef NDIS_HOST_H
#define NDIS_HOST_H

#include <stdarg.h>
#include <stdint.h>

#include "ipoc/engine.h"

/* Copy src into dst up to the shorter of the two tables (the rest of dst
 * zero, struct_size the copied length). -1 when src ends before log or
 * lacks transmit, send_complete or indicate_receive. */
int ndis_host_copy(struct ipoc_host_ops *dst, const struct ipoc_host_ops *src);

/* From p (may be NULL; read up to its struct_size): *capacity the SA
 * capacity asked for, def when 0, at most max; *flags the IPOC_OPEN_*
 * flags, 0 when p has none. */
void ndis_open_params(const struct ipoc_open_params *p, uint32_t def, uint32_t max,
		      uint32_t *capacity, uint32_t *flags);

/* A printf-style line of at most 511 bytes to the host's log callback;
 * nothing when the host has none. */
void ndis_host_vlog(const struct ipoc_host_ops *h, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* NDIS_HOST_H */
