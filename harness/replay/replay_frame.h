/* SPDX-License-Identifier: MIT */
/*
 * replay_frame.h - what the replay reads of a captured frame itself,
 * before and beside the engine: the outer IP header (family, destination,
 * fragment, a length beyond the frame), the first IPsec header behind it
 * (ESP, ESP in UDP port 4500 (RFC 3948), or AH) and its SPI, and which SA
 * of the key file that is. Used to infer the UDP encapsulation of esp_sa
 * SAs from the capture and to tell which frames an offloaded SA matches.
 */
#ifndef IPOC_REPLAY_FRAME_H
#define IPOC_REPLAY_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "keyfile.h"

struct rp_outer {
	enum vec_family fam;    /* NONE: no IPv4/IPv6 packet in the frame */
	uint8_t dst[16];        /* IPv4: dst[0..3] */
	bool fragment;          /* an IP fragment (never offloaded: PROFILE.md) */
	bool truncated;         /* the IP length says more than the frame holds */
	bool ipsec;             /* spi, ah and udp below are set */
	bool ah;                /* AH; else ESP */
	bool udp;               /* ESP in UDP to port 4500, behind no non-ESP marker */
	uint32_t spi;
};

/* Read the Ethernet frame f (802.1Q / 802.1ad tags skipped). Never fails:
 * what it cannot read is left unset (fam NONE, ipsec false). */
void rp_outer_parse(const uint8_t *f, uint32_t len, struct rp_outer *o);

/* The key-file SA of the frame's outer IPsec header: same protocol, SPI and
 * family, and the SA's destination is the frame's (or the wildcard).
 * Fragments and truncated packets match nothing. -1 for none. */
long rp_sa_of(const struct key_file *k, const struct rp_outer *o);

#endif /* IPOC_REPLAY_FRAME_H */
