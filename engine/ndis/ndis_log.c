/* SPDX-License-Identifier: MIT */
/*
 * ndis_log.c - the library's log lines, through the engine's callback, and
 * the NDIS_OBJECT_HEADER check every SA OID makes.
 */
#include <stdarg.h>

#include "ndis_internal.h"

void ndis_log(const struct ndis_ctx *c, int level, const char *fmt, ...)
{
	va_list ap;

	if (!c || !c->log)
		return;
	va_start(ap, fmt);
	c->log(c->ctx, level, fmt, ap);
	va_end(ap);
}

NDIS_STATUS ndis_check_header(const struct ndis_ctx *c, const char *what,
			      const NDIS_OBJECT_HEADER *h, size_t min_size)
{
	if (h->Type == NDIS_OBJECT_TYPE_DEFAULT && h->Revision >= 1 && h->Size >= min_size)
		return NDIS_STATUS_SUCCESS;
	ndis_log(c, IPOC_LOG_WARN, "%s.Header {Type 0x%02x, Revision %u, Size %u}: want Type 0x80, "
		 "Revision >= 1, Size >= %zu", what, h->Type, h->Revision, h->Size, min_size);
	return NDIS_STATUS_INVALID_PARAMETER;
}
