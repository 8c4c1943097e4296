/* SPDX-License-Identifier: MIT */
/*
 * ref_pkt.h - a frame of one NET_BUFFER as linear bytes, and the Ethernet
 * and IP parsing the send and receive paths share.
 */
#ifndef REF_PKT_H
#define REF_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "ref_internal.h"

/* One NET_BUFFER's used data as linear bytes: its own MDL memory when the
 * data lies in one MDL, else the engine's scratch buffer, written back by
 * ref_frame_commit(). */
struct ref_frame {
	NET_BUFFER *nb;
	uint8_t *p;
	uint32_t len;
	bool copied;
};

/* Map nb. Returns 0, or -1 when nb is malformed or its data is longer than
 * the scratch buffer. */
int ref_frame_map(struct ipoc_engine *e, NET_BUFFER *nb, struct ref_frame *f);
/* Write a copied frame back into its MDLs (no-op for a mapped one). */
int ref_frame_commit(const struct ref_frame *f);

/* Bytes [lo, hi) of a frame. */
struct ref_span {
	const uint8_t *lo, *hi;
};

/* Does one of the n spans share a byte with nb's data, in whatever MDLs it
 * lies? An NB the cursor refuses (never mapped, so never read or written)
 * shares none. */
bool ref_nb_overlaps(const NET_BUFFER *nb, const struct ref_span *spans, size_t n);

/* An IP header and what follows it. Offsets are from the frame start. */
struct ref_ip {
	uint32_t off;           /* the IP header */
	uint32_t end;           /* off + total length (IPv4) / 40 + payload length (IPv6) */
	uint8_t ver;            /* 4 or 6 */
	bool frag;              /* a fragment: no IPsec processing (R-RX-7) */
	bool options;           /* IPv4 options or IPv6 non-IPsec extension headers */
	uint32_t next_off;      /* first header after IP and its non-IPsec ext headers */
	uint8_t next_proto;     /* its protocol number */
	uint32_t next_proto_at; /* offset of the byte that names next_proto */
};

/* Ethernet II with up to two VLAN tags: *l3 gets the offset of the network
 * header and *etype its EtherType. Returns 0 or -1 (too short). */
int ref_parse_eth(const uint8_t *p, uint32_t len, uint32_t *l3, uint16_t *etype);

/* The IP header at off (IPv4 or IPv6 by its version nibble), checked against
 * the len bytes present: lengths that lie are rejected (-1). IPv6 extension
 * headers are walked up to the first AH, ESP or upper-layer header. */
int ref_parse_ip(const uint8_t *p, uint32_t len, uint32_t off, struct ref_ip *ip);

/* Offset of the destination address of the IP header at ip->off, and its
 * length (4 or 16). */
uint32_t ref_ip_dst(const struct ref_ip *ip, uint32_t *alen);

#endif /* REF_PKT_H */
