/* SPDX-License-Identifier: MIT */
/*
 * ndis_sa.h - the IPsecOV2 SA OIDs (ADD_SA, ADD_SA_EX, DELETE_SA, UPDATE_SA)
 * on the NDIS structures, for any engine: every field validated against
 * the request buffer and the configuration the engine reports, every
 * rejection logged with the element and field it concerns, the lists walked
 * with a cycle guard, and the statuses of PROFILE.md. The engine keeps its
 * SA table: it is called back to install, delete or update one SA.
 *
 * Needs ipoc/ndis.h and ipoc_alg.h only.
 */
#ifndef NDIS_SA_H
#define NDIS_SA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipoc/ndis.h"

/* Upper bound on SA-list lengths walked from an OID buffer. */
#define NDIS_MAX_LIST_LEN 65536u

/* Where the library's log lines go. */
struct ndis_ctx {
	/* printf-style log, levels IPOC_LOG_*; may be NULL */
	void (*log)(void *ctx, int level, const char *fmt, va_list ap);
	void *ctx;
};

/* One validated member of an SA bundle; keys point into the request buffer
 * (valid only during the install callback). */
struct ndis_sa_member {
	uint32_t op;            /* IPsecOffloadV2Ah / IPsecOffloadV2Esp */
	uint32_t spi;           /* network byte order, as given */
	bool esn;
	uint32_t esn_high;      /* SequenceNumberHighOrder */
	uint32_t enc_alg;       /* IPSEC_OFFLOAD_V2_ENCRYPTION_* or 0 */
	uint32_t auth_alg;      /* IPSEC_OFFLOAD_V2_AUTHENTICATION_* or 0 (0 for GCM) */
	uint32_t icv_len;       /* bytes */
	uint32_t enc_key_len, auth_key_len;    /* enc includes the GCM/GMAC salt */
	const uint8_t *enc_key, *auth_key;     /* NULL when the length is 0 */
};

/* One validated ADD_SA / ADD_SA_EX element (valid only during the install
 * callback, like its keys). */
struct ndis_sa_bundle {
	const char *what;       /* "ADD_SA[2]", "ADD_SA_EX": for log lines */
	bool inbound, ipv6;
	uint8_t src[16], dst[16];   /* IPv4 in the first 4 bytes, network order */
	uint32_t udp_esp;       /* IPSEC_OFFLOAD_V2_*UDP_ESP* value or 0 */
	uint32_t num_members;   /* 1, or 2 = [ESP, AH] */
	struct ndis_sa_member m[2];
};

/* install: make the SA; return NDIS_STATUS_SUCCESS and set *handle, or a
 * status (NDIS_STATUS_RESOURCES when full, NDIS_STATUS_INVALID_PARAMETER on
 * an inbound clash, NDIS_STATUS_NOT_SUPPORTED for a combination the engine
 * cannot do), having logged its reason. On failure the element's
 * OffloadHandle is NULL whatever *handle holds. */
typedef NDIS_STATUS (*ndis_sa_install_fn)(void *ictx, const struct ndis_sa_bundle *b,
					  NDIS_HANDLE *handle);

/* del: delete the SA behind h, or return NDIS_STATUS_INVALID_PARAMETER for
 * an unknown, stale or NULL handle (the library logs it with the element's
 * name); another failure status is the engine's to log. */
typedef NDIS_STATUS (*ndis_sa_delete_fn)(void *dctx, NDIS_HANDLE h);

/* What an update callback found. */
enum ndis_sa_update_result {
	NDIS_SA_UPDATED = 0,     /* the member exists, has ESN, high half set */
	NDIS_SA_NO_SA,           /* unknown, stale or NULL handle, or not IPsecOV2 */
	NDIS_SA_NO_MEMBER,       /* no member (op, spi) in the bundle */
	NDIS_SA_NO_ESN,          /* the member was added without ESN: unchanged */
};

/* update: set SequenceNumberHighOrder of member (op, spi) of the SA behind
 * h to high, only when that member has ESN; the library logs each miss. */
typedef enum ndis_sa_update_result (*ndis_sa_update_fn)(void *uctx, NDIS_HANDLE h, uint32_t op,
							uint32_t spi, uint32_t high);

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA: first lies in a buffer of len bytes
 * (at least NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1, as
 * ndis_oid_dispatch checks); later elements are reached through Next. Each
 * element is judged on its own and gets its OffloadHandle (NULL when
 * refused); the request succeeds if any was added, else it carries the
 * first element's reason (R-SA-2). current is the configuration the engine
 * reports (OID_TCP_OFFLOAD_CURRENT_CONFIG). */
NDIS_STATUS ndis_v2_add_sa(const struct ndis_ctx *c, const NDIS_OFFLOAD *current,
			   IPSEC_OFFLOAD_V2_ADD_SA *first, uint32_t len,
			   ndis_sa_install_fn install, void *ictx);

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX: one element, its key area at
 * KeyOffset inside the len-byte buffer. */
NDIS_STATUS ndis_v2_add_sa_ex(const struct ndis_ctx *c, const NDIS_OFFLOAD *current,
			      IPSEC_OFFLOAD_V2_ADD_SA_EX *a, uint32_t len,
			      ndis_sa_install_fn install, void *ictx);

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA: every known handle of the list is
 * deleted; an unknown, stale or NULL one, or a bad header, makes the request
 * NDIS_STATUS_INVALID_PARAMETER (PROFILE.md), as does a cyclic list. */
NDIS_STATUS ndis_v2_delete_sa(const struct ndis_ctx *c, const IPSEC_OFFLOAD_V2_DELETE_SA *first,
			      uint32_t len, ndis_sa_delete_fn del, void *dctx);

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA: the header checked, then the
 * member's ESN high half set through update; every miss is
 * NDIS_STATUS_INVALID_PARAMETER (R-SA-11). */
NDIS_STATUS ndis_v2_update_sa(const struct ndis_ctx *c, const IPSEC_OFFLOAD_V2_UPDATE_SA *u,
			      uint32_t len, ndis_sa_update_fn update, void *uctx);

/* The length of a list linked through the pointer at next_off in each node,
 * or 0 when it is cyclic or longer than NDIS_MAX_LIST_LEN. */
uint32_t ndis_list_length(const void *first, size_t next_off);

#endif /* NDIS_SA_H */
