/* SPDX-License-Identifier: MIT */
/*
 * rx_class.h - the receive-path targets' own reading of a frame, and the
 * oracle that holds what an engine indicated to it.
 *
 * The classifier is written apart from the engine: Ethernet with up to two
 * VLAN tags, IPv4 with options, IPv6 with extension headers, UDP port 4500
 * with the non-ESP marker and NAT keepalive (RFC 3948), ESP and AH; it
 * finds the SPI, and so the SA of the table (rx_sas.h), by SPI,
 * destination, family and protocol (PROFILE.md 27). Where the profile does
 * not decide (three VLAN tags, an EtherType that disagrees with the IP
 * version, extension headers it does not know, fewer than 8 bytes of ESP
 * or AH) it says UNSURE and holds the engine to nothing there.
 *
 * The judge (rx_judge) checks, for one indicated NBL, everything the
 * receive targets promise (fuzz_rx_classify.c lists it); each breach ends
 * the run through fz_fault with its own signature.
 */
#ifndef IPOC_FUZZ_RX_CLASS_H
#define IPOC_FUZZ_RX_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "rx_sas.h"

enum rxk_kind {
	RXK_UNSURE,      /* the profile does not decide: no constraint */
	RXK_MALFORMED,   /* an Ethernet/IP header that cannot be read or lies: not processed (P-8) */
	RXK_NOT_IPSEC,   /* no AH, ESP or UDP-ESP (IKE and keepalives included): not processed */
	RXK_FRAGMENT,    /* an IP fragment: not processed (R-RX-7) */
	RXK_NO_SA,       /* IPsec no offloaded SA matches: never CRYPTO_SUCCESS */
	RXK_MATCH,       /* an offloaded SA's: processed */
};

struct rxk_level {
	enum rxk_kind kind;
	uint32_t ip, end;          /* the IP header, the end of its packet */
	int ver;
	uint32_t hdr;              /* the first AH or ESP header */
	bool ah;                   /* that header is AH */
	bool udp;                  /* ESP behind UDP port 4500 */
	struct rx_sa *sa;          /* RXK_MATCH */
	const char *bad;           /* RXK_MATCH: why it can never be CRYPTO_SUCCESS, or NULL */
	bool other_protocol;       /* RXK_MATCH: AH on an ESP SA's SPI or the reverse */
	uint32_t ah_len;           /* AH's length (AH SAs, when it can be read) */
	uint32_t esp;              /* the SA's ESP header (behind AH in a bundle), 0: none */
};

/* A frame from its Ethernet header. */
void rxk_frame(struct rx_table *t, const uint8_t *p, uint32_t len, struct rxk_level *out);
/* The IP packet at off among the first len bytes of p (an inner packet:
 * len is where the tunnel's payload ends); outer: the first IPsec portion
 * (UDP-ESP expectations differ, PROFILE.md 19). */
void rxk_ip(struct rx_table *t, const uint8_t *p, uint32_t len, uint32_t off, bool outer,
	    struct rxk_level *out);

/* What the judge saw. */
struct rx_seen {
	bool done, next, hdr_set;
	uint16_t status;
	struct rx_sa *verified[2];      /* SAs the engine verified a packet on */
	unsigned n_verified;
	struct rxk_level outer;
};

/* Judge NBL n of a receive of frame in (len bytes). Returns when every
 * oracle holds (with *seen filled), else fz_fault. */
void rx_judge(struct rx_table *t, const uint8_t *in, uint32_t len, const struct eh_nbl_out *n,
	      struct rx_seen *seen);

#endif /* IPOC_FUZZ_RX_CLASS_H */
