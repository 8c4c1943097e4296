/* SPDX-License-Identifier: MIT */
/*
 * rx_sas.h - the fixed set of inbound SAs the receive-path targets
 * (fuzz_rx_classify, fuzz_rx_sealed) and the AFL++ post-processor share.
 *
 * Every algorithm configuration of the conformance suite (valg_all) in a
 * number of groups: plain IPv4 and IPv6, ESN (high half 7 and 0), UDP-ESP,
 * the inner transport SAs of transport over tunnel, and the two pairs of
 * transport over tunnel with UDP-ESP (types 4 and 8). Each member has its
 * own SPI, made of the group's code (top byte), the configuration (third
 * byte) and the member (last byte), and keys derived from its SPI alone,
 * so the table is the same in every process, on every machine, with no
 * file: a frame sealed by one process decrypts in another.
 */
#ifndef IPOC_FUZZ_RX_SAS_H
#define IPOC_FUZZ_RX_SAS_H

#include <stdbool.h>
#include <stdint.h>

#include "ipoc/ndis.h"
#include "sa_build.h"
#include "vcase.h"

#define RX_MAX_SA 400u

enum rx_group {
	RXG_V4,         /* ESP, AH, bundles to 10.0.0.2 */
	RXG_V6,         /* to 2001:db8:1::2 */
	RXG_ESN4,       /* ESN, high half 7 */
	RXG_ESN6,       /* ESN, high half 0 (the first epoch) */
	RXG_UDP4,       /* UDP-ESP transport/tunnel (type 1), SPIs 0xFF......: keepalive look-alikes */
	RXG_UDP6,       /* UDP-ESP (type 2) over IPv6 */
	RXG_IN4,        /* inner transport SAs of transport over tunnel: to 192.168.2.2 */
	RXG_IN6,        /* to 2001:db8:2::2 */
	RXG_T4_OUT,     /* type 4: the UDP-ESP tunnel ... */
	RXG_T4_IN,      /* ... and its plain transport SA inside */
	RXG_T8_OUT,     /* type 8: the plain tunnel ... */
	RXG_T8_IN,      /* ... and its UDP-ESP transport SA inside */
	RXG_N
};

struct rx_group_info {
	const char *name;
	uint8_t code;           /* the SPIs' top byte */
	int family;
	bool inner;             /* the inner addresses (192.168.2.2, 2001:db8:2::2) */
	uint32_t udp;           /* UdpEspEncapsulation */
	bool esn;
	uint32_t esn_hi;
	bool esp_only;          /* ESP configurations only (UDP-ESP) */
};
extern const struct rx_group_info rx_groups[RXG_N];

struct rxc_ctx;

/* One member of an SA bundle, as the targets' own crypto (rx_crypto.h)
 * and classifier (rx_class.h) need it. */
struct rx_member {
	uint32_t op;            /* IPsecOffloadV2Esp / IPsecOffloadV2Ah */
	uint32_t spi;           /* as read big-endian from the wire */
	uint32_t enc, auth;     /* IPSEC_OFFLOAD_V2_* identifiers (0: none) */
	uint32_t iv_len, icv_len;
	uint32_t block;         /* ESP: what the ciphertext must be a multiple of (>= 4) */
	uint8_t ekey[36], akey[36];
	uint32_t ekey_len, akey_len;
	bool esn;
	uint32_t esn_hi;
	struct rxc_ctx *cx;     /* made on first use */
};

struct rx_sa {
	uint32_t id;            /* index in the table */
	enum rx_group group;
	const struct valg *alg;
	int family;
	uint32_t udp;
	uint8_t src[16], dst[16];       /* IPv4: first 4 bytes */
	uint32_t n;                     /* members, valg order: [ESP] or [AH] or [ESP, AH] */
	struct rx_member m[2];
	NDIS_HANDLE h;                  /* inbound on the engine under fuzz; NULL: refused */
	bool usable;                    /* to frame for: every SA, or those the engine took */
};

struct rx_table {
	struct rx_sa sa[RX_MAX_SA];
	uint32_t n;
	uint32_t by_spi[RX_MAX_SA];     /* indices sorted by outer SPI */
};

/* Build the table (deterministic; no engine involved). */
void rx_table_build(struct rx_table *t);

/* The member a receiver meets first: AH in a bundle. */
const struct rx_member *rx_outer(const struct rx_sa *s);
/* The ESP member, or NULL. */
struct rx_member *rx_esp(struct rx_sa *s);
struct rx_member *rx_ah(struct rx_sa *s);

/* The SA whose outer member has this SPI (wire value), or NULL. */
struct rx_sa *rx_find(struct rx_table *t, uint32_t spi);

/* The outbound ADD_SA spec of s (the inbound one with inbound set). */
struct sa_spec rx_spec(const struct rx_sa *s, bool inbound);

struct eh;
/* ADD_SA of every SA (inbound) on instance inst of eh: s->h set, NULL when
 * the engine refused it (and s->usable false). Returns how many it took. */
uint32_t rx_offload(struct rx_table *t, struct eh *eh, uint32_t inst);
/* DELETE_SA and ADD_SA of s again: a fresh SA with the same keys (the
 * engine forgets what the SA saw). 0, or -1. */
int rx_readd(struct rx_sa *s, struct eh *eh, uint32_t inst);

/* The receive targets' set-up: an instance of the engine under fuzz
 * (fz_engine()) opened and every SA of t built and offloaded onto it; a
 * fault when the engine does not open or takes none. Returns the engine's
 * host, *inst the instance. */
struct eh *rx_setup(struct rx_table *t, uint32_t *inst);

struct rx_shape;
struct eh_nbl_out;
/* Receive frame (len bytes) on instance inst of eh as one NBL over the MDL
 * layout shape (applied to len here), with garbage in the slots the engine
 * must write (PROFILE.md 26); the host's requests marked first (it keeps
 * every one since the last mark, for reproducers), the NBL contract
 * checked (fz_check_nbl). Returns what came back. */
const struct eh_nbl_out *rx_receive(struct eh *eh, uint32_t inst, const uint8_t *frame,
				    uint32_t len, struct rx_shape *shape);

/* Is the ESP of this SA carried in UDP when it is the outer (tunnel or
 * transport) portion, or the inner one (PROFILE.md 19)? */
bool rx_udp_expected(const struct rx_sa *s, bool outer);

/* "group/config" for messages. */
const char *rx_sa_name(const struct rx_sa *s, char *buf, unsigned len);

#endif /* IPOC_FUZZ_RX_SAS_H */
