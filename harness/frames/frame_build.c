/* SPDX-License-Identifier: MIT */
/* frame_build.c - see frame_build.h. */
#include <stdio.h>
#include <string.h>

#include "frame_build.h"
#include "ipoc_alg.h"

#define NATT_PORT 4500u              /* RFC 3948 §2 */
#define V6_HDR_LEN 40u
#define ETH_LEN 14u

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xFFFF);
}

static uint32_t rd_wire(ULONG ndis_spi)
{
	uint8_t b[4];

	memcpy(b, &ndis_spi, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* ---- SA lengths ---- */

/* ICV, IV and block lengths from the algorithm table (engine/alg). */
static uint32_t auth_icv(ULONG id)
{
	return ipoc_alg_auth(id) ? ipoc_alg_auth(id)->icv_len : 0;
}

static void esp_from_member(const struct sa_member *m, struct fb_sa *o)
{
	const struct ipoc_alg *enc = ipoc_alg_enc(m->enc.id), *auth = ipoc_alg_auth(m->auth.id);

	o->esp = true;
	o->esp_spi = rd_wire(m->spi);
	o->esp_block = 4;
	if (enc && enc->kind == IPOC_ALG_AEAD) {
		o->esp_iv = enc->iv_len;
		o->esp_icv = m->enc.add_info;
		return;
	}
	if (enc && enc->iv_len) {
		o->esp_iv = enc->iv_len;
		o->esp_block = enc->block > 4 ? enc->block : 4;
	} else if (auth && auth->kind == IPOC_ALG_GMAC) {
		o->esp_iv = auth->iv_len;
	}
	o->esp_icv = auth_icv(m->auth.id);
}

void fb_sa_from_spec(const struct sa_spec *spec, uint32_t seq, struct fb_sa *out)
{
	memset(out, 0, sizeof(*out));
	out->seq = seq;
	out->udp = spec->udp_esp != 0;
	for (ULONG i = 0; i < spec->num && i < 2; i++) {
		const struct sa_member *m = &spec->m[i];

		if (m->op == IPsecOffloadV2Esp) {
			esp_from_member(m, out);
		} else {
			out->ah = true;
			out->ah_spi = rd_wire(m->spi);
			out->ah_icv = auth_icv(m->auth.id);
			out->ah_iv = ipoc_alg_auth(m->auth.id) &&
				     ipoc_alg_auth(m->auth.id)->kind == IPOC_ALG_GMAC
				     ? ipoc_alg_auth(m->auth.id)->iv_len : 0;
		}
	}
}

void fb_level_v4(struct fb_level *l, uint32_t src, uint32_t dst)
{
	l->family = 4;
	memset(l->src, 0, 16);
	memset(l->dst, 0, 16);
	wr32(l->src, src);
	wr32(l->dst, dst);
}

void fb_level_v6(struct fb_level *l, uint16_t tag, uint16_t src_n, uint16_t dst_n)
{
	static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	l->family = 6;
	memset(l->src, 0, 16);
	memset(l->dst, 0, 16);
	memcpy(l->src, pfx, 4);
	memcpy(l->dst, pfx, 4);
	wr16(l->src + 12, tag);
	wr16(l->dst + 12, tag);
	wr16(l->src + 14, src_n);
	wr16(l->dst + 14, dst_n);
}

/* ---- checksums ---- */

uint32_t fb_sum(const uint8_t *p, uint32_t n, uint32_t acc)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

uint16_t fb_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint16_t)~acc;
}

void fb_fix_ipv4(uint8_t *b, uint32_t ip)
{
	uint32_t hl = (uint32_t)(b[ip] & 0x0F) * 4;

	if (b[ip] >> 4 != 4)
		return;
	wr16(b + ip + 10, 0);
	wr16(b + ip + 10, fb_fold(fb_sum(b + ip, hl, 0)));
}

/* Pseudo-header sum: addresses, protocol, upper-layer length (RFC 793 §3.1,
 * RFC 768, RFC 8200 §8.1). */
static uint32_t pseudo(const uint8_t *b, uint32_t ip, uint8_t proto, uint32_t len)
{
	if (b[ip] >> 4 == 4)
		return fb_sum(b + ip + 12, 8, 0) + proto + len;
	return fb_sum(b + ip + 8, 32, 0) + proto + len;
}

uint16_t fb_l4_check(const uint8_t *b, uint32_t ip, uint8_t proto, uint32_t l4, uint32_t end)
{
	uint32_t acc = proto == FB_PROTO_ICMP ? 0 : pseudo(b, ip, proto, end - l4);

	return fb_fold(fb_sum(b + l4, end - l4, acc));
}

/* ---- building ---- */

struct fb_ctx {
	const struct fb_spec *s;
	struct fb_frame *f;
	uint8_t *b;
	uint32_t pos;
};

/* RFC 8200 §4.3/§4.6: an 8-byte options header holding one 4-byte option;
 * type 0x3E has the "may change en route" bit (0x20), 0x1E does not (both
 * experimental, RFC 4727, "skip if unknown"). */
static void put_v6_ext(struct fb_ctx *c, uint8_t type, uint32_t *nh_at)
{
	uint8_t *h = c->b + c->pos;

	c->b[*nh_at] = type;
	h[1] = 0;
	h[2] = type == FB_PROTO_HOPOPTS ? 0x3E : 0x1E;
	h[3] = 4;
	wr32(h + 4, 0x5A5B5C5D);
	*nh_at = c->pos;
	c->pos += 8;
}

static void put_ip(struct fb_ctx *c, const struct fb_level *l, uint32_t *nh_at)
{
	uint8_t *h = c->b + c->pos;

	if (l->family == 4) {
		h[0] = (uint8_t)(0x40 | (20 + l->v4_opts_len) / 4);
		wr16(h + 4, 0x1C46);             /* identification */
		wr16(h + 6, 0x4000);             /* DF, offset 0 */
		h[8] = 64;
		memcpy(h + 12, l->src, 4);
		memcpy(h + 16, l->dst, 4);
		if (l->v4_opts_len)
			memcpy(h + 20, l->v4_opts, l->v4_opts_len);
		*nh_at = c->pos + 9;
		c->pos += 20 + l->v4_opts_len;
		return;
	}
	wr32(h, 0x600ABCDE);                     /* version, class, flow label */
	h[7] = 64;
	memcpy(h + 8, l->src, 16);
	memcpy(h + 24, l->dst, 16);
	*nh_at = c->pos + 6;
	c->pos += V6_HDR_LEN;
	for (uint32_t i = 0; i < l->n_v6_ext; i++)
		put_v6_ext(c, l->v6_ext[i], nh_at);
}

/* RFC 4302 §2: the AH header, ICV zero, padded to 4 / 8 bytes (§3.3.3.2.1). */
static void put_ah(struct fb_ctx *c, const struct fb_level *l, struct fb_where *w)
{
	uint32_t align = l->family == 4 ? 4 : 8, len = 12 + l->sa.ah_iv + l->sa.ah_icv;

	len = (len + align - 1) / align * align;
	w->ah = c->pos;
	w->ah_len = len;
	w->ah_iv = w->ah + 12;
	w->ah_icv = w->ah_iv + l->sa.ah_iv;
	c->b[w->ah + 1] = (uint8_t)(len / 4 - 2);
	wr32(c->b + w->ah + 4, l->sa.ah_spi);
	wr32(c->b + w->ah + 8, l->sa.seq);
	c->pos += len;
}

/* The upper-layer header and data; returns its protocol number. */
static uint8_t put_upper(struct fb_ctx *c, const struct fb_level *l, uint32_t ip)
{
	uint32_t u = c->pos, hl = c->s->upper == FB_TCP ? 20 : 8, ck;
	uint8_t *h = c->b + u, proto;
	uint16_t sum;

	if (c->s->upper == FB_TCP) {
		proto = FB_PROTO_TCP, ck = 16;
		wr16(h, 0x1234), wr16(h + 2, 80);
		wr32(h + 4, 0x01020304), wr32(h + 8, 0x0A0B0C0D);
		h[12] = 5 << 4, h[13] = 0x18;      /* ACK, PSH */
		wr16(h + 14, 0xFFFF);
	} else if (c->s->upper == FB_UDP) {
		proto = FB_PROTO_UDP, ck = 6;
		wr16(h, 0x4321), wr16(h + 2, 53), wr16(h + 4, hl + c->s->payload_len);
	} else {
		proto = l->family == 4 ? FB_PROTO_ICMP : FB_PROTO_ICMPV6, ck = 2;
		h[0] = l->family == 4 ? 8 : 128;   /* echo request */
		wr16(h + 4, 0x0777), wr16(h + 6, 1);
	}
	for (uint32_t j = 0; j < c->s->payload_len; j++)
		h[hl + j] = (uint8_t)(c->s->seed + 7 * j);
	c->pos = u + hl + c->s->payload_len;
	c->f->upper = u;
	c->f->upper_end = c->pos;
	sum = fb_l4_check(c->b, ip, proto, u, c->pos);   /* checksum field still 0 */
	if (proto == FB_PROTO_UDP && sum == 0)
		sum = 0xFFFF;                      /* RFC 768: zero is sent as all ones */
	wr16(h + ck, sum);
	return proto;
}

/* RFC 4303 §2.4: minimal padding 1, 2, 3, ... (plus pad_extra), Pad Length,
 * Next Header, zero ICV field. */
static int put_trailer(struct fb_ctx *c, const struct fb_sa *sa, struct fb_where *w, uint8_t nh)
{
	uint32_t blk = sa->esp_block ? sa->esp_block : 4;
	uint32_t pad = (blk - (c->pos - w->payload + 2) % blk) % blk + sa->pad_extra;

	if (pad > 255)
		return -1;
	for (uint32_t i = 0; i < pad; i++)
		c->b[c->pos++] = (uint8_t)(i + 1);
	w->trailer = c->pos;
	w->pad_length = (uint8_t)pad;
	w->next_header = nh;
	c->b[c->pos++] = (uint8_t)pad;
	c->b[c->pos++] = nh;
	w->icv = c->pos;
	c->pos += sa->esp_icv;
	return 0;
}

static void finish_ip(struct fb_ctx *c, const struct fb_level *l, struct fb_where *w)
{
	uint32_t len = c->s->lso ? 0 : w->end - w->ip;

	if (l->family == 4) {
		wr16(c->b + w->ip + 2, len);
		fb_fix_ipv4(c->b, w->ip);
	} else {
		wr16(c->b + w->ip + 4, len ? len - V6_HDR_LEN : 0);
	}
	if (w->udp)
		wr16(c->b + w->udp + 4, w->end - w->udp);
}

static int put_level(struct fb_ctx *c, uint32_t i)
{
	const struct fb_level *l = &c->s->lv[i];
	struct fb_where *w = &c->f->w[i];
	uint32_t nh_at;
	uint8_t proto;

	w->ip = c->pos;
	put_ip(c, l, &nh_at);
	w->ip_len = c->pos - w->ip;
	if (l->sa.udp) {
		w->udp = c->pos;
		c->b[nh_at] = FB_PROTO_UDP;
		wr16(c->b + w->udp, NATT_PORT), wr16(c->b + w->udp + 2, NATT_PORT);
		c->pos += 8;
	}
	if (l->sa.ah) {
		put_ah(c, l, w);
		c->b[nh_at] = FB_PROTO_AH;
		nh_at = w->ah;
	}
	if (l->sa.esp) {
		w->esp = c->pos;
		if (!l->sa.udp)
			c->b[nh_at] = FB_PROTO_ESP;
		wr32(c->b + w->esp, l->sa.esp_spi), wr32(c->b + w->esp + 4, l->sa.seq);
		w->iv = w->esp + 8;
		w->payload = w->iv + l->sa.esp_iv;
		c->pos = w->payload;
	}
	if (i + 1 < c->s->n_levels) {
		proto = c->s->lv[i + 1].family == 4 ? FB_PROTO_IPIP : FB_PROTO_IPV6;
		if (put_level(c, i + 1) != 0)
			return -1;
	} else {
		proto = put_upper(c, l, w->ip);
	}
	if (l->sa.esp && c->s->lso) {
		memset(c->b + c->pos, 0xCC, c->s->lso_pad);
		c->pos += c->s->lso_pad;
		w->next_header = proto;
		w->pad_length = (uint8_t)c->s->lso_pad;
	} else if (l->sa.esp) {
		if (put_trailer(c, &l->sa, w, proto) != 0)
			return -1;
	} else {
		c->b[nh_at] = proto;
	}
	w->end = c->pos;
	finish_ip(c, l, w);
	return 0;
}

static bool spec_ok(const struct fb_spec *s)
{
	uint32_t room = 14 + 4 + 2 * (60 + 40 + 32 + 8 + 1028 + 24 + 255 + 2 + 16) + 20;

	if (s->n_levels < 1 || s->n_levels > 2 || s->payload_len + s->lso_pad + room > FB_MAX_FRAME)
		return false;
	if (s->lso && (s->n_levels != 1 || !s->lv[0].sa.esp || s->upper != FB_TCP ||
		       s->lso_pad > 255))
		return false;
	for (uint32_t i = 0; i < s->n_levels; i++) {
		const struct fb_level *l = &s->lv[i];

		if ((l->family != 4 && l->family != 6) || l->v4_opts_len % 4 || l->v4_opts_len > 40 ||
		    l->n_v6_ext > 4 || (l->sa.udp && (!l->sa.esp || l->sa.ah)))
			return false;
	}
	return true;
}

static void put_eth(struct fb_ctx *c)
{
	static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

	memcpy(c->b, macs, 12);
	c->pos = 12;
	if (c->s->vlan) {
		wr16(c->b + c->pos, 0x8100), wr16(c->b + c->pos + 2, c->s->vlan);
		c->pos += 4;
	}
	wr16(c->b + c->pos, c->s->lv[0].family == 4 ? 0x0800 : 0x86DD);
	c->pos += 2;
}

int fb_build(const struct fb_spec *spec, struct fb_frame *f)
{
	struct fb_ctx c = { spec, f, f->b, 0 };
	const struct fb_where *w = &f->w[0];
	uint32_t esp_u, ah_u;

	memset(f, 0, sizeof(*f));
	if (!spec_ok(spec))
		return -1;
	put_eth(&c);
	if (put_level(&c, 0) != 0)
		return -1;
	f->len = c.pos;
	f->n_levels = spec->n_levels;
	f->lso_tcp = spec->lso ? f->upper : 0;
	esp_u = w->esp ? (w->esp - w->ip) / 4 : 0;
	ah_u = w->ah ? (w->ah - w->ip) / 4 : 0;
	if (esp_u > 255 || ah_u > 255)
		return -1;
	f->hdr_info = esp_u << 24 | ah_u << 16 | (uint32_t)w->pad_length << 8 | w->next_header;
	return 0;
}

void fb_set_end(struct fb_frame *f, uint32_t len)
{
	struct fb_where *w = &f->w[0];

	if (len > FB_MAX_FRAME)
		len = FB_MAX_FRAME;
	if (len > f->len)
		memset(f->b + f->len, 0, len - f->len);
	f->len = len;
	w->end = len;
	if (f->b[w->ip] >> 4 == 4) {
		wr16(f->b + w->ip + 2, len - w->ip);
		fb_fix_ipv4(f->b, w->ip);
	} else {
		wr16(f->b + w->ip + 4, len - w->ip - V6_HDR_LEN);
	}
	if (w->udp)
		wr16(f->b + w->udp + 4, len - w->udp);
}

/* NOP, Record Route (7, mutable), Router Alert (148, immutable). */
static const uint8_t std_v4_opts[12] = { 1, 7, 7, 4, 0, 0, 0, 0, 148, 4, 0, 0 };

void fb_level_std(struct fb_level *l, int family, int idx, bool opts)
{
	memset(l, 0, sizeof(*l));
	if (family == 4) {
		fb_level_v4(l, idx ? 0xC0A80101u : 0x0A000001u, idx ? 0xC0A80202u : 0x0A000002u);
		if (opts)
			l->v4_opts = std_v4_opts, l->v4_opts_len = sizeof(std_v4_opts);
	} else {
		fb_level_v6(l, (uint16_t)(idx + 1), 1, 2);
		if (opts)
			l->v6_ext[0] = FB_PROTO_HOPOPTS, l->v6_ext[1] = FB_PROTO_DSTOPTS, l->n_v6_ext = 2;
	}
}
