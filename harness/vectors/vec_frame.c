/* SPDX-License-Identifier: MIT */
/* vec_frame.c - see vec_frame.h. */
#include <string.h>

#include "vec_frame.h"

static unsigned rd16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int is_v6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 135;
}

/* Fill l->end and return the first header after IP (and IPv6 extension
 * headers) with its protocol in *proto, or 0. */
static size_t after_ip(const uint8_t *pkt, size_t len, size_t off, struct vf_layer *l,
		       uint8_t *proto)
{
	if (off >= len)
		return 0;
	if (pkt[off] >> 4 == 4) {
		size_t ihl = (size_t)(pkt[off] & 15) * 4, tot;

		if (20 > len - off || ihl < 20)
			return 0;
		tot = rd16(pkt + off + 2);
		if (tot < ihl || tot > len - off)
			return 0;
		l->end = off + tot;
		*proto = pkt[off + 9];
		return off + ihl;
	}
	if (pkt[off] >> 4 == 6 && 40 <= len - off) {
		size_t p = off + 40;
		uint8_t nh = pkt[off + 6];

		if (rd16(pkt + off + 4) > len - off - 40)
			return 0;
		l->end = off + 40 + rd16(pkt + off + 4);
		while (is_v6_ext(nh)) {
			size_t hl;

			if (2 > l->end - p)
				return 0;
			hl = nh == 44 ? 8 : ((size_t)pkt[p + 1] + 1) * 8;
			if (hl > l->end - p)
				return 0;
			nh = pkt[p];
			p += hl;
		}
		*proto = nh;
		return p;
	}
	return 0;
}

int vf_layer_at(const uint8_t *pkt, size_t len, size_t off, struct vf_layer *l)
{
	uint8_t proto = 0;
	size_t p;

	memset(l, 0, sizeof(*l));
	l->ip = off;
	p = after_ip(pkt, len, off, l, &proto);
	if (!p)
		return -1;
	if (proto == 51) {                         /* AH */
		if (12 > l->end - p)
			return -1;
		l->ah = p;
		proto = pkt[p];
		p += ((size_t)pkt[p + 1] + 2) * 4;
		if (p > l->end)
			return 0;   /* the AH length lies: AH is still where it is */
	}
	if (proto == 17 && 8 <= l->end - p && rd16(pkt + p + 2) == 4500) {
		p += 8;                            /* RFC 3948 UDP encapsulation */
		proto = 50;
	}
	if (proto == 50) {
		if (8 > l->end - p)
			return -1;
		l->esp = p;
	}
	return l->ah || l->esp ? 0 : -1;
}
