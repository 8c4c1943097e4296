/* SPDX-License-Identifier: MIT */
/* replay_frame.c - see replay_frame.h. */
#include <string.h>

#include "replay_frame.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The IPsec header at p (protocol proto) of an IP packet ending at end. */
static void ipsec_at(const uint8_t *f, uint32_t p, uint32_t end, int proto, struct rp_outer *o)
{
	if (proto == 51 && end >= p && end - p >= 12) {
		o->ipsec = o->ah = true;
		o->spi = rd32(f + p + 4);
	} else if (proto == 50 && end >= p && end - p >= 8) {
		o->ipsec = true;
		o->spi = rd32(f + p);
	} else if (proto == 17 && end >= p && end - p >= 16 && rd16(f + p + 2) == 4500 &&
		   rd32(f + p + 8) != 0) {
		/* UDP-ESP: at least the ESP header, and no non-ESP marker (IKE) */
		o->ipsec = o->udp = true;
		o->spi = rd32(f + p + 8);
	}
}

static void ipv4(const uint8_t *f, uint32_t l3, uint32_t len, struct rp_outer *o)
{
	const uint8_t *h = f + l3;
	uint32_t hl, tot;

	if (len - l3 < 20 || h[0] >> 4 != 4 || (h[0] & 15) < 5)
		return;
	hl = (uint32_t)(h[0] & 15) * 4;
	tot = rd16(h + 2);
	o->fam = VEC_FAMILY_IPV4;
	memcpy(o->dst, h + 16, 4);
	o->fragment = (rd16(h + 6) & 0x3FFF) != 0;    /* MF or an offset */
	o->truncated = tot > len - l3 || tot < hl;
	if (!o->fragment && !o->truncated)
		ipsec_at(f, l3 + hl, l3 + tot, h[9], o);
}

static void ipv6(const uint8_t *f, uint32_t l3, uint32_t len, struct rp_outer *o)
{
	const uint8_t *h = f + l3;
	uint32_t end, p = l3 + 40;
	int nh;

	if (len - l3 < 40 || h[0] >> 4 != 6)
		return;
	o->fam = VEC_FAMILY_IPV6;
	memcpy(o->dst, h + 24, 16);
	end = l3 + 40 + rd16(h + 4);
	o->truncated = end > len;
	if (o->truncated)
		return;
	nh = h[6];
	while (nh == 0 || nh == 43 || nh == 60 || nh == 44) {
		if (end - p < 8)
			return;
		if (nh == 44) {
			/* offset or M set: a fragment (an atomic one is whole) */
			if (rd16(f + p + 2) & 0xFFF9)
				o->fragment = true;
			nh = f[p];
			p += 8;
		} else {
			nh = f[p];
			p += ((uint32_t)f[p + 1] + 1) * 8;
		}
		if (p > end)
			return;
	}
	if (!o->fragment)
		ipsec_at(f, p, end, nh, o);
}

void rp_outer_parse(const uint8_t *f, uint32_t len, struct rp_outer *o)
{
	uint32_t off = 14;
	uint16_t et;

	memset(o, 0, sizeof(*o));
	if (len < 14)
		return;
	while (off + 4 <= len && ((f[off - 2] == 0x81 && f[off - 1] == 0x00) ||
				  (f[off - 2] == 0x88 && f[off - 1] == 0xA8)))
		off += 4;
	et = rd16(f + off - 2);
	if (et == 0x0800)
		ipv4(f, off, len, o);
	else if (et == 0x86DD)
		ipv6(f, off, len, o);
}

long rp_sa_of(const struct key_file *k, const struct rp_outer *o)
{
	size_t alen = o->fam == VEC_FAMILY_IPV6 ? 16 : 4;

	if (!o->ipsec || o->fragment || o->truncated)
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		const struct key_sa *s = &k->sas[i];

		if (s->spi != o->spi || s->ah != o->ah ||
		    (s->family != VEC_FAMILY_NONE && s->family != o->fam))
			continue;
		if (s->dst.family == VEC_FAMILY_NONE || memcmp(s->dst.a, o->dst, alen) == 0)
			return (long)i;
	}
	return -1;
}
