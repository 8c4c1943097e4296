/* SPDX-License-Identifier: MIT */
/*
 * wire.h - the on-the-wire constants the reference engine parses and
 * writes, declared once.
 */
#ifndef REF_WIRE_H
#define REF_WIRE_H

#include <stdint.h>

enum eth_lengths {
	ETH_HDR_LEN = 14,
	VLAN_TAG_LEN = 4,
	ETH_MAX_VLAN_TAGS = 2,
};

enum ethertypes {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86DD,
	ETHERTYPE_VLAN = 0x8100,     /* IEEE 802.1Q */
	ETHERTYPE_QINQ = 0x88A8,     /* IEEE 802.1ad */
};

enum ip_protocols {
	IPPROTO_V6_HOPOPTS = 0,
	IPPROTO_V_ICMP = 1,
	IPPROTO_V_IPIP = 4,          /* IPv4 in IP (tunnel) */
	IPPROTO_V_TCP = 6,
	IPPROTO_V_UDP = 17,
	IPPROTO_V_IPV6 = 41,         /* IPv6 in IP (tunnel) */
	IPPROTO_V6_ROUTING = 43,
	IPPROTO_V6_FRAGMENT = 44,
	IPPROTO_V_ESP = 50,
	IPPROTO_V_AH = 51,
	IPPROTO_V6_NONE = 59,
	IPPROTO_V6_DSTOPTS = 60,
	IPPROTO_V6_MOBILITY = 135,
};

enum ip_lengths {
	IPV4_HDR_MIN_LEN = 20,
	IPV4_HDR_MAX_LEN = 60,
	IPV6_HDR_LEN = 40,
	IPV6_FRAG_HDR_LEN = 8,
	UDP_HDR_LEN = 8,
	TCP_HDR_MIN_LEN = 20,
};

enum ipsec_lengths {
	ESP_HDR_LEN = 8,             /* SPI + sequence number (RFC 4303 §2) */
	ESP_TRAILER_LEN = 2,         /* pad length + next header */
	ESP_MAX_PAD = 255,
	AH_FIXED_LEN = 12,           /* next header, length, reserved, SPI, seq (RFC 4302 §2) */
	ESN_HIGH_LEN = 4,
	MAX_ICV_LEN = 16,
	MAX_IV_LEN = 16,
};

/* RFC 3948: UDP encapsulation of ESP on port 4500. */
#define NATT_PORT 4500
#define NATT_KEEPALIVE_BYTE 0xFF

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* REF_WIRE_H */
