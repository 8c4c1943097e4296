/* SPDX-License-Identifier: MIT */
/*
 * dp_pkt.h - the headers of an Ethernet frame, as far as the adapter must
 * read them to find an ESP packet (dp_pkt.c).
 */
#ifndef DP_PKT_H
#define DP_PKT_H

#include <stdbool.h>
#include <stdint.h>

/* An IP header inside a frame. */
struct dp_ip {
	uint32_t off;         /* the IP header */
	uint32_t end;         /* end of the IP packet (total / payload length) */
	uint32_t next_off;    /* behind the IP header and IPv6 extension headers */
	uint32_t dst_off;     /* destination address */
	uint8_t ver;          /* 4 or 6 */
	uint8_t proto;        /* the protocol at next_off */
	bool frag;            /* a fragment (IPv4 MF/offset, IPv6 fragment header) */
};

/* The IP header behind the Ethernet header (and up to two VLAN tags) of
 * the len bytes at p. 0, or -1 when there is no well-formed one. */
int dp_parse_frame(const uint8_t *p, uint32_t len, struct dp_ip *ip);
/* The IP header at off inside [0, end). */
int dp_parse_ip(const uint8_t *p, uint32_t end, uint32_t off, struct dp_ip *ip);

static inline uint16_t dp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dp_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif /* DP_PKT_H */
