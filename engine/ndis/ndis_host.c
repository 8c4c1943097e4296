/* SPDX-License-Identifier: MIT */
/*
 * ndis_host.c - see ndis_host.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ndis_host.h"

int ndis_host_copy(struct ipoc_host_ops *dst, const struct ipoc_host_ops *src)
{
	size_t n = src->struct_size < sizeof(*dst) ? src->struct_size : sizeof(*dst);

	memset(dst, 0, sizeof(*dst));
	if (n < offsetof(struct ipoc_host_ops, log))
		return -1;
	memcpy(dst, src, n);
	dst->struct_size = (uint32_t)n;
	if (!dst->transmit || !dst->send_complete || !dst->indicate_receive)
		return -1;
	return 0;
}

void ndis_open_params(const struct ipoc_open_params *p, uint32_t def, uint32_t max,
		      uint32_t *capacity, uint32_t *flags)
{
	*capacity = def;
	*flags = 0;
	if (p && p->struct_size >= offsetof(struct ipoc_open_params, flags) &&
	    p->sa_offload_capacity)
		*capacity = p->sa_offload_capacity;
	if (*capacity > max)
		*capacity = max;
	if (p && p->struct_size >= offsetof(struct ipoc_open_params, reserved))
		*flags = p->flags;
}

void ndis_host_vlog(const struct ipoc_host_ops *h, int level, const char *fmt, va_list ap)
{
	char msg[512];

	if (!h->log)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	h->log(h->ctx, level, msg);
}
