/* SPDX-License-Identifier: MIT */
/* ref_send.h - state of one send NBL, shared by ref_send.c and ref_lso.c. */
#ifndef REF_SEND_H
#define REF_SEND_H

#include "ref_internal.h"

struct send_ctx {
	struct ipoc_engine *e;
	struct ref_sa *sa;       /* the SA whose headers the header info locates */
	struct ref_sa *inner;    /* transport SA of transport over tunnel, or NULL */
	uint32_t hdr;            /* header-information slot, 32-bit view */
	uint8_t *p;              /* the frame being sealed */
	bool apply;              /* false: check every NB, change nothing */
	NDIS_STATUS status;
	NET_BUFFER_LIST *nbl;    /* the NBL being sent */
	struct send_q *q;        /* where ESP seals may be queued, or NULL */
	bool direct;             /* the frame lies in one MDL: sealed in place */
};

/* Log why, set status NDIS_STATUS_INVALID_PACKET, return -1. */
int send_fail(struct send_ctx *c, const char *why);

/* An LSO NBL (slot 2 value lso) with IPsec: segment, seal, transmit. */
NDIS_STATUS ref_send_lso(struct send_ctx *c, NET_BUFFER_LIST *nbl, uintptr_t lso);

/* SPIs are kept as NDIS gives them (network order, PROFILE.md item 10);
 * this gives the value as read big-endian from the wire. */
static inline uint32_t ntohl_spi(uint32_t spi_as_given)
{
	const uint8_t *b = (const uint8_t *)&spi_as_given;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

#endif /* REF_SEND_H */
