/* SPDX-License-Identifier: MIT */
/*
 * ref_pkt.c - see ref_pkt.h.
 *
 * Every length is checked as `need > have` before anything is read; the
 * length fields of IP headers are taken as claims and checked against the
 * bytes present ("the total length field is lying" is a malformed frame).
 */
#include <string.h>

#include "ipoc_cursor.h"
#include "ref_pkt.h"
#include "wire.h"

int ref_frame_map(struct ipoc_engine *e, NET_BUFFER *nb, struct ref_frame *f)
{
	struct ipoc_cursor c;
	uint8_t *direct;

	memset(f, 0, sizeof(*f));
	f->nb = nb;
	if (ipoc_cursor_init(&c, nb) != 0)
		return -1;
	f->len = nb->DataLength;
	if (f->len == 0)
		return -1;
	direct = ipoc_cursor_contig(&c, f->len);
	if (direct) {
		f->p = direct;
		return 0;
	}
	if (f->len > e->scratch_len || ipoc_nb_copy_out(nb, 0, e->scratch, f->len) != 0)
		return -1;
	f->p = e->scratch;
	f->copied = true;
	return 0;
}

int ref_frame_commit(const struct ref_frame *f)
{
	if (!f->copied)
		return 0;
	return ipoc_nb_copy_in(f->nb, 0, f->p, f->len);
}

bool ref_nb_overlaps(const NET_BUFFER *nb, const struct ref_span *spans, size_t n)
{
	uint32_t left = nb->DataLength, off = nb->CurrentMdlOffset;

	if (n == 0 || ipoc_nb_validate(nb) != 0)
		return false;
	for (const MDL *m = nb->CurrentMdl; m && left; m = m->Next, off = 0) {
		const uint8_t *a = (const uint8_t *)m->MappedSystemVa + off;
		uint32_t len = m->ByteCount - off < left ? m->ByteCount - off : left;

		for (size_t i = 0; len && i < n; i++)
			if (a < spans[i].hi && spans[i].lo < a + len)
				return true;
		left -= len;
	}
	return false;
}

int ref_parse_eth(const uint8_t *p, uint32_t len, uint32_t *l3, uint16_t *etype)
{
	uint32_t off = ETH_HDR_LEN;
	uint16_t t;

	if (len < ETH_HDR_LEN)
		return -1;
	t = rd16(p + 12);
	for (int tags = 0; (t == ETHERTYPE_VLAN || t == ETHERTYPE_QINQ) && tags < ETH_MAX_VLAN_TAGS;
	     tags++) {
		if (VLAN_TAG_LEN > len - off)
			return -1;
		t = rd16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	*l3 = off;
	*etype = t;
	return 0;
}

static int parse_ipv4(const uint8_t *p, uint32_t len, struct ref_ip *ip)
{
	uint32_t ihl, total;
	const uint8_t *h = p + ip->off;

	if (IPV4_HDR_MIN_LEN > len - ip->off)
		return -1;
	ihl = (uint32_t)(h[0] & 0x0F) * 4;
	total = rd16(h + 2);
	if (ihl < IPV4_HDR_MIN_LEN || total < ihl || total > len - ip->off)
		return -1;
	ip->end = ip->off + total;
	ip->frag = (rd16(h + 6) & 0x3FFF) != 0;   /* MF or a fragment offset */
	ip->options = ihl > IPV4_HDR_MIN_LEN;
	ip->next_off = ip->off + ihl;
	ip->next_proto = h[9];
	ip->next_proto_at = ip->off + 9;
	return 0;
}

static bool v6_ext(uint8_t nh)
{
	return nh == IPPROTO_V6_HOPOPTS || nh == IPPROTO_V6_ROUTING || nh == IPPROTO_V6_FRAGMENT ||
	       nh == IPPROTO_V6_DSTOPTS || nh == IPPROTO_V6_MOBILITY;
}

/* Walk IPv6 extension headers (RFC 8200 §4) up to AH, ESP or an upper
 * layer. Each header's length is checked against the payload. */
static int walk_v6(const uint8_t *p, struct ref_ip *ip)
{
	uint32_t off = ip->off + IPV6_HDR_LEN, at = ip->off + 6;
	uint8_t nh = p[at];

	while (v6_ext(nh)) {
		uint32_t hlen;

		if (2 > ip->end - off)
			return -1;
		hlen = nh == IPPROTO_V6_FRAGMENT ? IPV6_FRAG_HDR_LEN : ((uint32_t)p[off + 1] + 1) * 8;
		if (hlen > ip->end - off)
			return -1;
		if (nh == IPPROTO_V6_FRAGMENT)
			ip->frag = true;
		ip->options = true;
		at = off;
		nh = p[off];
		off += hlen;
	}
	ip->next_off = off;
	ip->next_proto = nh;
	ip->next_proto_at = at;
	return 0;
}

static int parse_ipv6(const uint8_t *p, uint32_t len, struct ref_ip *ip)
{
	uint32_t payload;

	if (IPV6_HDR_LEN > len - ip->off)
		return -1;
	payload = rd16(p + ip->off + 4);
	if (payload > len - ip->off - IPV6_HDR_LEN)
		return -1;   /* jumbograms (payload length 0 + option) are not offloaded */
	ip->end = ip->off + IPV6_HDR_LEN + payload;
	return walk_v6(p, ip);
}

int ref_parse_ip(const uint8_t *p, uint32_t len, uint32_t off, struct ref_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (off >= len)
		return -1;
	ip->off = off;
	ip->ver = p[off] >> 4;
	if (ip->ver == 4)
		return parse_ipv4(p, len, ip);
	if (ip->ver == 6)
		return parse_ipv6(p, len, ip);
	return -1;
}

uint32_t ref_ip_dst(const struct ref_ip *ip, uint32_t *alen)
{
	*alen = ip->ver == 4 ? 4 : 16;
	return ip->off + (ip->ver == 4 ? 16 : 24);
}
