/* SPDX-License-Identifier: MIT */
/*
 * tx_common.h - what the send-path fuzz targets share (fuzz_tx_*.c): a
 * fixed set of outbound SAs offloaded once, a send NBL built from the
 * input, and the oracle that judges what the engine did with it.
 *
 * SAs. Every configuration of tx_cfgs (ESP with each cipher kind, ESP
 * without integrity, AH, an [ESP, AH] bundle, UDP-ESP, an ESN SA) is
 * offloaded per IP family for the outer addresses of frame_build.h's
 * standard levels (transport, tunnel, and the tunnel SA of transport over
 * tunnel) and for the inner ones (the transport SA inside a tunnel), each
 * with keys of its own. Three instances hold them: the engine under fuzz
 * (outbound, plus a few inbound SAs and one deleted SA whose slot was
 * reused: handles that must be refused), the reference engine's receiving
 * instance (the inbound twins: the oracle's receiver) and the reference
 * engine's sending instance (the outbound SAs again: the model, asked only
 * when the engine's frame does not verify).
 *
 * Inputs are fixed layouts of raw fields (struct tx_ho for
 * tx_header_offsets, struct tx_pad for tx_pad_length), read and written by
 * the same field list (tx_ho_io / tx_pad_io), so the seed generator writes
 * exactly what the targets read. tx_ho_build / tx_pad_build turn the raw
 * fields into a struct tx_send: the frame fb_build framed, the mutations,
 * the slots, the NET_BUFFERs and their MDL shapes.
 *
 * The oracle (tx_judge), for one NBL sent once:
 *  - the NBL completes exactly once, guards and structures intact
 *    (fz_check_nbl); nothing is transmitted after the completion;
 *  - handles both 0: the NET_BUFFERs go out unchanged, with success;
 *  - a non-zero handle that names no live outbound SA (never issued,
 *    deleted, an inbound SA's): the NBL fails and nothing goes out;
 *  - a failed NBL transmits nothing; an NBL that is exactly what TCP/IP
 *    frames for the SAs its handles name (frame as built, header
 *    information as built, own handles, claimed capabilities) must not
 *    fail;
 *  - without LSO, one frame per NET_BUFFER, in order, each received by the
 *    reference engine (inbound twins) as CRYPTO_SUCCESS and decrypted to
 *    the NET_BUFFER's bytes outside the IV and ICV fields (the padding and
 *    trailer included: the engine seals what TCP/IP framed); no two frames
 *    of the NBL share an ESP IV on one SA. Not compared: the protected
 *    part of an ESP header no handle of the NBL names (TCP/IP's, not the
 *    engine's), and, for a send with two handles, the inner packet where
 *    the receiver did not look into it (no NextCryptoDone, a fragment, no
 *    inbound SA for its destination, Next Header not a tunnel);
 *  - with LSO, every segment received as CRYPTO_SUCCESS, its payload at
 *    most MSS bytes and the next piece of the large packet's TCP data (its
 *    PadLength bytes to discard left out), its padding 1, 2, 3, ... (RFC
 *    4303 s2.4), Next Header from the header information, ESP/AH sequence
 *    numbers the large packet's plus the segment's index; the completion
 *    value (LSOv1: the payload bytes, LSOv2: Type only);
 *  - a frame (or segment) the reference engine does not verify is a fault
 *    when the model, sending the same NBL through the same SAs, produces
 *    frames it does verify (a packet that can be sealed was sealed wrong);
 *    otherwise TCP/IP framed something no receiver can take, and the
 *    engine only has to leave the bytes before the first IPsec header and
 *    the length alone.
 */
#ifndef IPOC_TX_COMMON_H
#define IPOC_TX_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame_build.h"
#include "fz.h"

#define TX_MAX_NB 3u
#define TX_MAX_CUTS 8u
#define TX_MAX_POKES 8u
#define TX_BYTE_CUTS 64u          /* shape "bytes": one MDL per byte of the first 64 */
#define TX_FRAME_CAP (FB_MAX_FRAME + 256u)

/* ---- raw inputs (fixed layouts) ---- */

/* Read (in != NULL) or write (out != NULL) a field list. */
struct tx_io {
	struct fz_in *in;
	uint8_t *out;
	size_t n, cap;
};

/* The frame every input starts from. */
struct tx_raw_frame {
	uint8_t cfg;          /* level-0 SA configuration (% the usable ones) */
	uint8_t flags;        /* TXF_* */
	uint8_t inner_cfg;    /* transport over tunnel: the inner SA's */
	uint8_t seed;         /* data bytes */
	uint8_t pad_extra;    /* ESP padding beyond the minimum (TXF_PAD_BLOCKS: in blocks) */
	uint8_t nbs;          /* bits 0-1: NET_BUFFERs - 1 (3 -> 1); bit 2: guard before buffers */
	uint16_t payload;     /* upper-layer data bytes (bounded) */
	uint32_t seq;
};

enum {
	TXF_V6 = 0x01,
	TXF_OPTS = 0x02,
	TXF_MODE_SHIFT = 2,   /* 2 bits: 0 transport, 1 tunnel, 2 transport over tunnel, 3 transport */
	TXF_INNER_V6 = 0x10,
	TXF_VLAN = 0x20,
	TXF_UPPER_SHIFT = 6,  /* 2 bits: TCP, UDP, ICMP, TCP */
};

struct tx_raw_shape {
	uint8_t n_cuts;       /* % 10: 0-7 cuts; 8: one MDL per byte of the first 64; 9: none */
	uint16_t cut[TX_MAX_CUTS];
	uint8_t head, tail, lead;
};

struct tx_raw_handle {
	uint8_t sel;          /* % 8: 0-2 own, 3 zero, 4 stale, 5 val, 6 another SA, 7 inbound */
	uint64_t val;
};

/* tx_header_offsets. */
struct tx_ho {
	struct tx_raw_frame fr;
	uint8_t hdr_mode;     /* % 4: 0 as built, 1 xor val, 2 per field deltas, 3 raw 64 bits */
	uint32_t hdr_val, hdr_hi;
	struct tx_raw_handle off, tun;
	uint8_t lso_mode;     /* % 4: 0-1 none, 2 LSO-framed with mss, 3 raw LSO value */
	uint16_t mss;
	uint8_t lso_pad;
	uint32_t lso_raw;
	uint8_t len_op;       /* % 5: 0 none, 1 cut k, 2 add k, 3 IP lengths follow -k, 4 +k */
	uint8_t len_k;
	uint8_t n_pokes;
	struct { uint16_t at; uint8_t v; } poke[TX_MAX_POKES];
	struct tx_raw_shape shape[TX_MAX_NB];
};

/* tx_pad_length. */
struct tx_pad {
	struct tx_raw_frame fr;
	uint8_t pad_mode;     /* % 6: 0 keep, 1 all = val, 2 one byte ^ 0xFF, 3 from 0, 4 bytes val + i, 5 keep */
	uint8_t pad_val;
	uint8_t padlen_mode;  /* % 4: 0 keep, 1 = val, 2 + (int8) val, 3 keep */
	uint8_t padlen_val;
	uint8_t nh_mode;      /* % 3: 0 keep, 1 = val, 2 keep */
	uint8_t nh_val;
	uint8_t hdr_mode;     /* bits 0-1 PadLength, 2-3 NextHeader: 0 as framed now, 1 as built, 2 val, 3 as framed */
	uint8_t hdr_pad, hdr_nh;
	uint8_t lso_mode;     /* % 4: 0-1 none, 2 LSO-framed, 3 LSO info over the framed trailer */
	uint16_t mss;
	uint8_t lso_pad;
	uint8_t lso_v1;       /* bit 0: LSOv1 */
	struct tx_raw_shape shape[TX_MAX_NB];
};

void tx_ho_io(struct tx_io *io, struct tx_ho *r);
void tx_pad_io(struct tx_io *io, struct tx_pad *r);

/* ---- a send ---- */

struct tx_send {
	struct fb_spec fs;
	struct fb_frame built;            /* as fb_build framed it */
	int sa0, sa1;                     /* SA indexes of level 0 / the inner level, -1 */
	uint8_t b[TX_FRAME_CAP];          /* every NET_BUFFER's bytes */
	uint32_t len;
	uint32_t n_nb;
	uint32_t cuts[TX_MAX_NB][TX_BYTE_CUTS];
	struct ipoc_mdl_shape shape[TX_MAX_NB];
	enum ipoc_nbl_guard guard;
	uintptr_t off, tun, hdr, lso;     /* slots 1, 11, 12, 2 */
	uintptr_t own_off, own_tun;
	uintptr_t lso_canonical;          /* the LSO value of an LSO-framed packet, else 0 */
	bool claimed;                     /* the frame needs only what the engine claims,
	                                     its padding aligned to the block */
	uint32_t block;                   /* level-0 ESP block */
};

/* Set up once (LLVMFuzzerInitialize): the engine, its SAs, the reference
 * instances. Exits when the engine takes none of the SAs. */
void tx_setup(void);

/* Raw fields -> a send; false when the input names nothing to send (an
 * SA the engine refused, a frame that does not build). */
bool tx_ho_build(const struct tx_ho *r, struct tx_send *s);
bool tx_pad_build(const struct tx_pad *r, struct tx_send *s);

/* Send s once on the engine and judge it (fz_fault on a breach). */
void tx_run(const struct tx_send *s);

/* For the seed generator: a description of s ("esp.aes-cbc-128+... tunnel
 * ipv6 ..."), and the configurations by name. */
const char *tx_cfg_name(unsigned i);
unsigned tx_n_cfg(void);

#endif /* IPOC_TX_COMMON_H */
