/* SPDX-License-Identifier: MIT */
/*
 * ndis_internal.h - what the files of engine/ndis share: the log call, the
 * NDIS_OBJECT_HEADER check and the validation of one ADD_SA element.
 */
#ifndef NDIS_INTERNAL_H
#define NDIS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc/engine.h"
#include "ndis_sa.h"

void ndis_log(const struct ndis_ctx *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Type NDIS_OBJECT_TYPE_DEFAULT, Revision >= 1, Size >= min_size; a
 * mismatch is logged as WHAT.Header and is NDIS_STATUS_INVALID_PARAMETER. */
NDIS_STATUS ndis_check_header(const struct ndis_ctx *c, const char *what,
			      const NDIS_OBJECT_HEADER *h, size_t min_size);

/* One ADD_SA or ADD_SA_EX element, with its key area located. */
struct ndis_add_req {
	char what[32];                     /* "ADD_SA[2]" / "ADD_SA_EX" */
	ULONG num_ext_hdrs;
	ULONG flags;
	ULONG udp_esp;
	const UCHAR *src, *dst;            /* 4 or 16 bytes, network order */
	const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa;   /* [2] */
	const UCHAR *keys;
	uint32_t key_len;
};

/* Validate element r against cur and, when it is good, fill b (whose key
 * pointers point into r's key area). */
NDIS_STATUS ndis_sa_validate(const struct ndis_ctx *c, const struct ndis_add_req *r,
			     const NDIS_OFFLOAD *cur, struct ndis_sa_bundle *b);

#endif /* NDIS_INTERNAL_H */
