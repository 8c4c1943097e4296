/* SPDX-License-Identifier: MIT */
/*
 * dp_pkt.c - see dp_pkt.h. Every length is checked against the bytes
 * there are before a byte is read.
 */
#include <netinet/in.h>

#include "dp_pkt.h"

enum {
	ETH_LEN = 14, VLAN_LEN = 4, IPV4_MIN = 20, IPV6_LEN = 40,
	ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86DD,
	ETHERTYPE_VLAN = 0x8100, ETHERTYPE_QINQ = 0x88A8,
	IPV6_FRAG_LEN = 8, MAX_EXT = 16,
};

static int parse_v4(const uint8_t *p, uint32_t end, uint32_t off, struct dp_ip *ip)
{
	uint32_t ihl, total;
	uint16_t frag;

	if (IPV4_MIN > end - off)
		return -1;
	ihl = (uint32_t)(p[off] & 0x0F) * 4;
	total = dp_rd16(p + off + 2);
	if (ihl < IPV4_MIN || total < ihl || total > end - off)
		return -1;
	frag = dp_rd16(p + off + 6);
	ip->ver = 4;
	ip->end = off + total;
	ip->next_off = off + ihl;
	ip->proto = p[off + 9];
	ip->dst_off = off + 16;
	ip->frag = (frag & 0x3FFF) != 0;       /* MF or a fragment offset */
	return 0;
}

static int parse_v6(const uint8_t *p, uint32_t end, uint32_t off, struct dp_ip *ip)
{
	uint32_t n, at;
	uint8_t nh;

	if (IPV6_LEN > end - off)
		return -1;
	n = dp_rd16(p + off + 4);
	if (n > end - off - IPV6_LEN)
		return -1;
	ip->ver = 6;
	ip->end = off + IPV6_LEN + n;
	ip->dst_off = off + 24;
	ip->frag = false;
	nh = p[off + 6];
	at = off + IPV6_LEN;
	/* Extension headers that may stand before ESP (RFC 8200 §4.1). */
	for (int i = 0; i < MAX_EXT; i++) {
		uint32_t len;

		if (nh == IPPROTO_FRAGMENT) {
			ip->frag = true;
			len = IPV6_FRAG_LEN;
		} else if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			   nh == IPPROTO_DSTOPTS) {
			if (2 > ip->end - at)
				return -1;
			len = ((uint32_t)p[at + 1] + 1) * 8;
		} else {
			break;
		}
		if (len > ip->end - at)
			return -1;
		nh = p[at];
		at += len;
	}
	ip->next_off = at;
	ip->proto = nh;
	return 0;
}

int dp_parse_ip(const uint8_t *p, uint32_t end, uint32_t off, struct dp_ip *ip)
{
	if (off >= end)
		return -1;
	ip->off = off;
	switch (p[off] >> 4) {
	case 4:
		return parse_v4(p, end, off, ip);
	case 6:
		return parse_v6(p, end, off, ip);
	default:
		return -1;
	}
}

int dp_parse_frame(const uint8_t *p, uint32_t len, struct dp_ip *ip)
{
	uint32_t off = ETH_LEN - 2;
	uint16_t type;

	if (ETH_LEN > len)
		return -1;
	type = dp_rd16(p + off);
	for (int tags = 0; (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && tags < 2; tags++) {
		off += VLAN_LEN;
		if (off + 2 > len)
			return -1;
		type = dp_rd16(p + off);
	}
	off += 2;
	if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
		return -1;
	if (dp_parse_ip(p, len, off, ip) != 0 || ip->ver != (type == ETHERTYPE_IPV4 ? 4 : 6))
		return -1;
	return 0;
}
