/* SPDX-License-Identifier: MIT */
/*
 * vflow.h - the exchanges most cases are made of: a frame framed for a
 * case's SAs, sent by the engine and checked against the reference engine,
 * or sealed by the reference engine and received by the engine.
 *
 * Send: with the engine's IV hook, the frame it transmits must be the one
 * the reference engine makes with the same keys and IVs, byte for byte;
 * without it, the reference engine must verify and decrypt it to the framed
 * packet, every header as framed (decrypt-and-compare).
 * Receive: CryptoDone, NextCryptoDone for two portions, CRYPTO_SUCCESS, the
 * header information of the innermost ESP trailer, slot 11 zero, and the
 * bytes decrypted in place: the framed packet, with the IV and ICV fields as
 * they arrived (PROFILE.md 5).
 */
#ifndef IPOC_VFLOW_H
#define IPOC_VFLOW_H

#include "vctx.h"

struct vx_exchange {
	struct fb_spec fs;
	struct fb_frame f;              /* the framed packet (what TCP/IP hands over) */
	struct sa_spec sp[2];           /* outbound specs of its levels */
	uint32_t n_sa;
	uint32_t key;                   /* key number of sp[0]; sp[1] has key + 1 */
	uint8_t wire[FB_MAX_FRAME];     /* sealed by the reference engine */
	uint8_t rx[FB_MAX_FRAME];       /* wire as the reference engine receives it */
	uint8_t mask[FB_MAX_FRAME];     /* VX_FIELD / VX_CIPHER */
};

/* Frame the case (sequence number seq), seal it, and receive it on the
 * reference engine: what a receive must give back (the framed packet but
 * for the IV and ICV fields, which keep what arrived; for transport over
 * tunnel the inner ones as the tunnel's decryption left them). */
bool vf_prepare(struct vctx *x, const struct vparams *p, uint32_t seq, uint32_t key,
		struct vx_exchange *e);
/* After a body changed e->f (reseal: seal it again) or e->wire (a change
 * in transit the receiver must accept): the mask and rx again. The reference
 * engine must take the frame. */
bool vf_refresh(struct vctx *x, struct vx_exchange *e, bool reseal);

/* The outbound (inbound) SAs of e on the engine instance inst; h[] their
 * handles. */
bool vf_add(struct vctx *x, uint32_t inst, const struct vx_exchange *e, bool inbound,
	    NDIS_HANDLE h[2]);

/* Send e through SAs h on inst (IVs injected when the engine has the hook
 * and inject is set) and judge what it transmitted. */
bool vf_send_judge(struct vctx *x, uint32_t inst, const struct vx_exchange *e,
		   const NDIS_HANDLE h[2], bool inject, const struct ipoc_mdl_shape *shape,
		   enum ipoc_nbl_guard guard);

/* Receive e's wire on inst and judge the outcome (a success). */
bool vf_recv_judge(struct vctx *x, uint32_t inst, const struct vx_exchange *e,
		   const struct ipoc_mdl_shape *shape, enum ipoc_nbl_guard guard);

/* Where in e's frame offset i lies, for a message: "the ESP IV", "the AH
 * ICV", "the IP headers", ... */
const char *vf_part(const struct vx_exchange *e, uint32_t i);

/* Judge a transmitted frame tx (len bytes) of e, as vf_send_judge does. */
bool vf_judge_tx(struct vctx *x, const struct vx_exchange *e, const uint8_t *tx, uint32_t len,
		 bool injected);

/* Bodies: a send and a receive of the case's parameters; the packet
 * received as an IP fragment (variant 0 the first, 1 the last), to be
 * indicated untouched. */
void vb_send(struct vctx *x, const struct vcase *c);
void vb_recv(struct vctx *x, const struct vcase *c);
void vb_fragment(struct vctx *x, const struct vcase *c);

#endif /* IPOC_VFLOW_H */
