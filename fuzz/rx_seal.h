/* SPDX-License-Identifier: MIT */
/*
 * rx_seal.h - a received frame described, framed (harness/frames) and
 * sealed with the keys of the SA table (rx_sas.h) by the targets' own
 * crypto (rx_crypto.h), after the description's changes to what ESP
 * encrypts: every frame passes its ICVs and reaches the parsing after
 * decryption. fuzz_rx_sealed, the seed generator and the AFL++
 * post-processor share it.
 *
 * Description (after the MDL layout of rx_shape.h), bytes past its end
 * read as 0:
 *   nest     % 7: transport, tunnel, transport over tunnel, UDP-ESP
 *            transport, UDP-ESP tunnel, transport over a UDP-ESP tunnel
 *            (type 4), UDP-ESP transport over a tunnel (type 8)
 *   flags    bit 0 IPv6 inside a tunnel without an inner SA; bit 1 IPv4
 *            options / IPv6 extension headers outside, bit 2 inside; bit 3
 *            an 802.1Q tag; bit 4 any SA (else one whose UDP-ESP type fits
 *            the nesting); bit 5 sealed with the next ESN epoch (PROFILE.md
 *            15; only for a sequence number below 2^31)
 *   sa0 sa1  the SAs, outer and inner (an index into the fitting ones)
 *   upper    % 3: TCP, UDP, ICMP
 *   len      16 bits, % 1501: upper-layer data bytes
 *   seed     the data's first byte
 *   padx0 padx1   % 16: padding beyond the minimum, in cipher blocks
 *   lies     bit 0 Pad Length outside, bit 1 Next Header outside, bit 2
 *            Pad Length inside, bit 3 Next Header inside: written as the
 *            next bytes say, before sealing
 *   pad0 nh0 pad1 nh1
 *   seq      32 bits
 *   iv0 iv1  16 bytes each
 * Each level's addresses and family are its SA's (a tunnel without an
 * inner SA: the standard inner addresses).
 */
#ifndef IPOC_FUZZ_RX_SEAL_H
#define IPOC_FUZZ_RX_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame_build.h"
#include "rx_sas.h"

enum rx_nest {
	RXN_TRANSPORT, RXN_TUNNEL, RXN_TOT, RXN_UDP_TRANSPORT, RXN_UDP_TUNNEL, RXN_TOT_UDP_OUTER,
	RXN_TOT_UDP_INNER, RXN_N
};

#define RXS_DESC_LEN 51u

struct rx_sealed {
	enum rx_nest nest;
	struct fb_spec fs;
	struct fb_frame f;              /* the framed packet, the lies written */
	uint8_t wire[FB_MAX_FRAME];     /* sealed */
	uint8_t plain[FB_MAX_FRAME];    /* what a receiver must give back: f, IV and ICV fields as sealed */
	uint32_t len;
	struct rx_sa *sa[2];            /* level 0, and the inner SA (or NULL) */
	uint32_t n_sa;
	bool mismatch;                  /* an SA whose UDP-ESP type does not fit its level */
	bool lies;                      /* any lie written */
	bool lies_outer;                /* a lie in the outer portion */
	int pad_lies;                   /* the level whose Pad Length lies beyond the payload, or -1 */
};

/* Build and seal the description p (n bytes). 0, or -1 when it cannot be
 * framed (the caller skips the input). */
int rx_seal(struct rx_table *t, const uint8_t *p, size_t n, struct rx_sealed *out);

/* The description bytes of a frame, for seed generators: fields as in the
 * description (written into d, RXS_DESC_LEN bytes). */
struct rx_desc {
	uint8_t nest, flags, sa0, sa1, upper;
	uint16_t len;
	uint8_t seed, padx0, padx1, lies, pad0, nh0, pad1, nh1;
	uint32_t seq;
	uint8_t iv0[16], iv1[16];
};
void rx_desc_write(const struct rx_desc *d, uint8_t out[RXS_DESC_LEN]);

/* The SAs a level may use: outer or inner, framed in UDP or not, any. */
uint32_t rx_seal_candidates(struct rx_table *t, bool outer, bool udp, bool any,
			    struct rx_sa **out);

#endif /* IPOC_FUZZ_RX_SEAL_H */
