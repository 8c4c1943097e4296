/* SPDX-License-Identifier: MIT */
/*
 * engine_io.h - the few calls the reference engine's unit tests repeat:
 * open the static library's engine on a host session, OID requests (ADD_SA,
 * DELETE_SA, UPDATE_SA, parameters, capability queries) and pushing one
 * frame through the send or receive path while keeping what came out.
 * Frames and ADD_SA buffers come from harness/frames.
 */
#ifndef IPOC_ENGINE_IO_H
#define IPOC_ENGINE_IO_H

#include "frame_build.h"
#include "ipoc_nbl.h"
#include "sa_build.h"
#include "session.h"

/* Open the reference engine (ipoc_engine_entry of the static library) on s;
 * capacity 0 keeps the engine default. Returns 0, or -1 after printing why. */
int sa_open(struct session *s, uint32_t capacity);

/* A SET request with s->last_log cleared first, so that a check of the log
 * sees only what this request logged. needed may be NULL. */
NDIS_STATUS sa_set(struct session *s, NDIS_OID oid, void *buf, uint32_t len, uint32_t *needed);

/* Build spec, ADD_SA it, and give back the handle (NULL on failure). h may
 * be NULL. */
NDIS_STATUS sa_add(struct session *s, const struct sa_spec *spec, NDIS_HANDLE *h);
/* DELETE_SA of one handle. */
NDIS_STATUS sa_delete(struct session *s, NDIS_HANDLE h);
/* UPDATE_SA with Header Size NDIS_SIZEOF_..._UPDATE_SA_REVISION_1. */
NDIS_STATUS sa_update(struct session *s, NDIS_HANDLE h, ULONG op, ULONG spi, ULONG high);
/* OID_TCP_OFFLOAD_PARAMETERS revision 2 with only IPsecV1 and IPsecV2 set. */
NDIS_STATUS sa_params(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2);
/* The same with IPsecV2IPv4 set too. */
NDIS_STATUS sa_params_ex(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2, UCHAR v2_ipv4);
/* Query OID_TCP_OFFLOAD_CURRENT_CONFIG (or _HARDWARE_CAPABILITIES). */
NDIS_STATUS sa_query_offload(struct session *s, NDIS_OID oid, NDIS_OFFLOAD *out);


/* ---- driving one engine instance ---- */

/* What the host saw of the last fb_send / fb_receive. */
struct fb_io {
	struct session *s;
	unsigned transmitted, completed, indicated;
	NDIS_STATUS status;            /* send: the completed NBL's Status */
	uint32_t tx_len[FB_MAX_TX];
	uint8_t tx[FB_MAX_TX][FB_MAX_FRAME];
	uint8_t after[FB_MAX_FRAME];   /* the NBL's bytes after it came back */
	uint32_t after_len;
	uintptr_t slot1, slot11, slot12, slot2;   /* OOB slots after it came back */
	bool guards_ok;
};

/* Observe s through io (after sa_open, which clears s->obs). */
void fb_io_attach(struct fb_io *io, struct session *s);

/* Send frame (len bytes, laid out as shape; NULL = one MDL) with the given
 * handles, header information and LSO slot value. Returns the NBL Status;
 * io->tx holds what was transmitted, io->after the bytes of the NBL. */
NDIS_STATUS fb_send(struct fb_io *io, const uint8_t *frame, uint32_t len,
		    const struct ipoc_mdl_shape *shape, NDIS_HANDLE offload, NDIS_HANDLE tunnel,
		    uint32_t hdr_info, uintptr_t lso);
/* Receive frame; io->slot1/slot12 and io->after hold what was indicated.
 * Returns 0, or -1 when the NBL could not be built. */
int fb_receive(struct fb_io *io, const uint8_t *frame, uint32_t len,
	       const struct ipoc_mdl_shape *shape);

/* Inject the IV iv_len bytes of 0xA0, 0xA1, ... + salt for spi (wire
 * value) on an outbound handle; copies it to iv (16 bytes room) if not
 * NULL. Returns the hook's status. */
NDIS_STATUS fb_inject_iv(struct session *s, NDIS_HANDLE h, uint32_t spi, uint32_t iv_len,
			 uint8_t salt, uint8_t *iv);

#endif /* IPOC_ENGINE_IO_H */
