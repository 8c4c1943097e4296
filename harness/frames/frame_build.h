/* SPDX-License-Identifier: MIT */
/*
 * frame_build.h - framed IPsec send packets, as the conformance suite and
 * the data-plane tests hand them to an engine.
 *
 * The frame is what TCP/IP hands a miniport that offloads IPsec (PROFILE.md,
 * ref_send.c): Ethernet II, optionally one 802.1Q tag, then per IP level
 *   IP header (IPv4 with options / IPv6 with extension headers)
 *   [UDP 4500 -> 4500, checksum 0, for UDP-ESP (RFC 3948 §2.1)]
 *   [AH: Next Header, Payload Len, Reserved, SPI, Seq, IV (GMAC), zero ICV,
 *        padded to 4 bytes in IPv4 / 8 in IPv6 (RFC 4302 §2.2, §3.3.3.2.1)]
 *   [ESP: SPI, Seq, zero IV field (RFC 4303 §2)]
 *   the protected data: an inner IP packet (tunnel: the next level) or an
 *        upper-layer header and data (TCP, UDP or ICMP, checksum computed)
 *   [ESP trailer in clear: padding 1, 2, 3, ... (RFC 4303 §2.4), Pad Length,
 *        Next Header, zero ICV field]
 * IPv4 total length and header checksum, IPv6 payload length, UDP length and
 * AH Payload Len are filled in; they cover all of it. Level 0 is the
 * outermost IP header; a two-level spec is a tunnel whose inner packet may
 * carry a transport SA of its own (transport over tunnel).
 *
 * The header-information word (slot IPsecOffloadV2HeaderNetBufferListInfo)
 * describes level 0: AhHeaderOffset and EspHeaderOffset in 4-byte units
 * from the level-0 IP header, NextHeader and PadLength of its ESP trailer.
 *
 * LSO frames (spec.lso) have no ESP trailer and no ICV field: the TCP data
 * is followed by lso_pad bytes to discard (PadLength), and the IP length
 * fields are zero as LSOv2 leaves them (ref_lso.c).
 */
#ifndef IPOC_FRAME_BUILD_H
#define IPOC_FRAME_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sa_build.h"

#define FB_MAX_FRAME 8192u
#define FB_MAX_TX 8u

enum fb_proto {
	FB_PROTO_HOPOPTS = 0,
	FB_PROTO_ICMP = 1,
	FB_PROTO_IPIP = 4,
	FB_PROTO_TCP = 6,
	FB_PROTO_UDP = 17,
	FB_PROTO_IPV6 = 41,
	FB_PROTO_FRAGMENT = 44,
	FB_PROTO_ESP = 50,
	FB_PROTO_AH = 51,
	FB_PROTO_ICMPV6 = 58,
	FB_PROTO_DSTOPTS = 60,
};

enum fb_upper { FB_TCP, FB_UDP, FB_ICMP };

/* The IPsec headers one IP level carries, framed for one SA bundle. */
struct fb_sa {
	bool ah, esp;
	uint32_t ah_spi, esp_spi;   /* values as read big-endian from the wire */
	uint32_t seq;               /* AH and ESP sequence number (low 32 bits) */
	uint32_t ah_iv, ah_icv;     /* AH IV (8 for GMAC) and ICV bytes */
	uint32_t esp_iv, esp_icv;   /* ESP IV and ICV bytes */
	uint32_t esp_block;         /* payload alignment: cipher block, >= 4 */
	bool udp;                   /* ESP behind UDP port 4500 */
	uint32_t pad_extra;         /* padding beyond the minimum (tests) */
};

/* One IP header and what it carries. */
struct fb_level {
	int family;                 /* 4 or 6 */
	uint8_t src[16], dst[16];   /* network order; IPv4 in the first 4 bytes */
	const uint8_t *v4_opts;     /* IPv4 options, a multiple of 4 bytes */
	uint32_t v4_opts_len;
	uint8_t v6_ext[4];          /* IPv6: FB_PROTO_HOPOPTS / FB_PROTO_DSTOPTS */
	uint32_t n_v6_ext;
	struct fb_sa sa;
};

struct fb_spec {
	uint16_t vlan;              /* 802.1Q TCI; 0 = untagged */
	uint32_t n_levels;          /* 1, or 2 for a tunnel (lv[0] outer) */
	struct fb_level lv[2];
	enum fb_upper upper;
	uint32_t payload_len;       /* upper-layer data bytes */
	uint8_t seed;               /* data byte j is seed + 7 j */
	bool lso;                   /* LSO large packet (see above) */
	uint32_t lso_pad;
};

/* Where one level's parts are in the frame (offsets; 0 = absent). */
struct fb_where {
	uint32_t ip, end;           /* IP header, end of its packet */
	uint32_t ip_len;            /* IP header with options / extension headers */
	uint32_t udp;
	uint32_t ah, ah_len, ah_iv, ah_icv;
	uint32_t esp, iv, payload;  /* payload: first protected byte */
	uint32_t trailer;           /* the Pad Length byte */
	uint32_t icv;
	uint8_t next_header, pad_length;
};

struct fb_frame {
	uint8_t b[FB_MAX_FRAME];
	uint32_t len;
	uint32_t hdr_info;          /* slot 12, 32-bit view */
	uint32_t n_levels;
	struct fb_where w[2];
	uint32_t upper, upper_end;  /* upper-layer header, end of its data */
	uint32_t lso_tcp;           /* TcpHeaderOffset (from the frame start) */
};

/* The SPI as NDIS carries it (network order in a ULONG) from its wire value. */
static inline ULONG fb_spi_ndis(uint32_t wire)
{
	uint8_t b[4] = { (uint8_t)(wire >> 24), (uint8_t)(wire >> 16), (uint8_t)(wire >> 8),
			 (uint8_t)wire };
	ULONG v;

	memcpy(&v, b, 4);
	return v;
}

/* Frame the headers an ADD_SA spec implies: IV, block and ICV lengths from
 * the algorithm table (engine/alg/ipoc_algs.def; GCM's ICV from
 * AdditionalInfo), SPIs from spec, udp = UdpEspEncapsulation != 0. seq is
 * the sequence number to frame. */
void fb_sa_from_spec(const struct sa_spec *spec, uint32_t seq, struct fb_sa *out);

/* Level addresses: IPv4 host-order words, or IPv6 2001:db8::<tag>:<n>. */
void fb_level_v4(struct fb_level *l, uint32_t src, uint32_t dst);
void fb_level_v6(struct fb_level *l, uint16_t tag, uint16_t src_n, uint16_t dst_n);

/* The levels the data-path tests use: outer (idx 0) 10.0.0.1 -> 10.0.0.2
 * or 2001:db8:1::1 -> ::2, inner (idx 1) 192.168.1.1 -> 192.168.2.2 or
 * 2001:db8:2::1 -> ::2; opts adds IPv4 NOP + Record Route + Router Alert,
 * or IPv6 Hop-by-Hop and Destination Options headers. */
void fb_level_std(struct fb_level *l, int family, int idx, bool opts);

/* Build spec into f. Returns 0, or -1 when it does not fit or is
 * inconsistent (AH with UDP, header offsets beyond 1020 bytes). */
int fb_build(const struct fb_spec *spec, struct fb_frame *f);

/* Internet checksum (RFC 1071) of n bytes added to acc, not folded. */
uint32_t fb_sum(const uint8_t *p, uint32_t n, uint32_t acc);
uint16_t fb_fold(uint32_t acc);
/* Recompute the IPv4 header checksum at ip (no-op for IPv6). */
void fb_fix_ipv4(uint8_t *b, uint32_t ip);
/* Change the frame length to len and rewrite the level-0 IP length (and
 * checksum) and UDP length to match; bytes past the old end are zero. */
void fb_set_end(struct fb_frame *f, uint32_t len);
/* The TCP/UDP/ICMPv6 checksum over the upper-layer segment [l4, end) behind
 * the IP header at ip, pseudo-header included (RFC 793, RFC 8200 §8.1):
 * 0 when the stored checksum is right. */
uint16_t fb_l4_check(const uint8_t *b, uint32_t ip, uint8_t proto, uint32_t l4, uint32_t end);

#endif /* IPOC_FRAME_BUILD_H */
