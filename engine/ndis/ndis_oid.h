/* SPDX-License-Identifier: MIT */
/*
 * ndis_oid.h - the OID request checks every engine makes, and the
 * NDIS_OFFLOAD / NDIS_OFFLOAD_PARAMETERS side of the offload OIDs.
 *
 * An engine lists the OIDs it serves in a table; ndis_oid_dispatch checks
 * the request against it before the OID's handler runs: a buffer shorter
 * than the OID's minimum gets BytesNeeded and NDIS_STATUS_INVALID_LENGTH for
 * a set or method, NDIS_STATUS_BUFFER_TOO_SHORT for a query (R-SA-13); a
 * request of the wrong type gets NDIS_STATUS_INVALID_DEVICE_REQUEST; an OID
 * not in the table gets NDIS_STATUS_NOT_SUPPORTED.
 */
#ifndef NDIS_OID_H
#define NDIS_OID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipoc/engine.h"
#include "ndis_sa.h"

enum ndis_oid_kind {
	NDIS_OID_QUERY,
	NDIS_OID_SET,            /* also accepts METHOD: direct SA OIDs */
};

struct ndis_oid_entry {
	NDIS_OID oid;
	enum ndis_oid_kind kind;
	uint32_t min_len;        /* smallest InformationBufferLength */
	NDIS_STATUS (*handler)(void *engine, struct ipoc_oid_request *req);
};

/* Check req against the n entries of table and run its handler with engine.
 * Zeroes BytesWritten, BytesRead and BytesNeeded first; sets BytesNeeded on
 * a short buffer and BytesRead (the whole buffer) before a SET handler runs.
 * A NULL request, or one whose struct_size ends before reserved, is
 * NDIS_STATUS_INVALID_PARAMETER; so is a buffer not pointer aligned (the
 * structures hold pointers; NDIS buffers are pointer aligned). */
NDIS_STATUS ndis_oid_dispatch(const struct ndis_ctx *c, const struct ndis_oid_entry *table,
			      size_t n, void *engine, struct ipoc_oid_request *req);

/* Answer an OID_TCP_OFFLOAD_* query with off: NDIS_OFFLOAD revision 2
 * bytes into the buffer (ndis_oid_dispatch checked its length) and
 * BytesWritten. */
NDIS_STATUS ndis_oid_answer_offload(struct ipoc_oid_request *req, const NDIS_OFFLOAD *off);

/* A zeroed NDIS_OFFLOAD with its header: type, revision 2 and its size. */
void ndis_offload_header(NDIS_OFFLOAD *out);

/* Mask a report by what OID_TCP_OFFLOAD_PARAMETERS left enabled: a
 * protocol switched off loses its words (V1: the 2-bit words of IPv4AH or
 * IPv4ESP; V2: Ah, or Esp with UdpEsp and EncryptionAlgorithms), either
 * off loses AhEspCombined, both off zero the whole version. */
void ndis_offload_mask_v1(NDIS_IPSEC_OFFLOAD_V1 *v1, bool ah, bool esp);
void ndis_offload_mask_v2(NDIS_IPSEC_OFFLOAD_V2 *v2, bool ah, bool esp);

/* OID_TCP_OFFLOAD_PARAMETERS: the len-byte buffer at p (only len bytes are
 * read; a field past them counts as zero, "no change") checked and applied
 * to the four switches, all or nothing: on a rejection none changes. The
 * header must be NDIS_OBJECT_TYPE_DEFAULT, revision >= 1, with
 * NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 <= Size <= len; IPsecV2 and
 * IPsecV2IPv4 count from revision 2 on. */
NDIS_STATUS ndis_offload_parameters(const struct ndis_ctx *c, const NDIS_OFFLOAD_PARAMETERS *p,
				    uint32_t len, bool *v1_ah, bool *v1_esp, bool *v2_ah,
				    bool *v2_esp);

#endif /* NDIS_OID_H */
