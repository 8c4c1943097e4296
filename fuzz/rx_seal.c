/* SPDX-License-Identifier: MIT */
/* rx_seal.c - see rx_seal.h. */
#include <string.h>

#include "rx_crypto.h"
#include "rx_seal.h"

struct rd {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct rd *r)
{
	return r->i < r->n ? r->p[r->i++] : (r->i++, 0);
}

static uint16_t u16(struct rd *r)
{
	uint16_t v = u8(r);

	return (uint16_t)(v | u8(r) << 8);
}

static uint32_t u32(struct rd *r)
{
	uint32_t v = u16(r);

	return v | (uint32_t)u16(r) << 16;
}

static void bytes(struct rd *r, uint8_t *o, size_t k)
{
	for (size_t j = 0; j < k; j++)
		o[j] = u8(r);
}

uint32_t rx_seal_candidates(struct rx_table *t, bool outer, bool udp, bool any,
			    struct rx_sa **out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		struct rx_sa *s = &t->sa[i];

		if (!s->usable)
			continue;
		if (any || (rx_udp_expected(s, outer) == udp && (!udp || !rx_ah(s))))
			out[n++] = s;
	}
	return n;
}

/* One level's IP header and SA. */
static void level(struct fb_level *l, const struct rx_sa *s, bool opts, uint32_t seq, bool udp)
{
	struct sa_spec sp = rx_spec(s, false);

	fb_level_std(l, s->family, 0, opts);
	memcpy(l->src, s->src, 16);
	memcpy(l->dst, s->dst, 16);
	fb_sa_from_spec(&sp, seq, &l->sa);
	l->sa.udp = udp && !rx_ah((struct rx_sa *)s);
}

static uint32_t hi_of(const struct rx_member *m, uint32_t seq, bool next)
{
	return m->esn_hi + (next && m->esn && seq < 0x80000000u ? 1 : 0);
}

static void keep(struct rx_sealed *o, uint32_t off, uint32_t n)
{
	memcpy(o->plain + off, o->wire + off, n);
}

/* Seal level i of the frame in o->wire (its inner levels already sealed). */
static int seal_level(struct rx_sealed *o, uint32_t i, uint32_t seq, bool next_epoch,
		      const uint8_t *iv)
{
	const struct fb_where *w = &o->f.w[i];
	struct rx_sa *s = o->sa[i];
	struct rx_member *e = rx_esp(s), *a = rx_ah(s);

	if (e) {
		if (rxc_esp_seal(e, o->wire, w->esp, w->end, hi_of(e, seq, next_epoch), iv) != 0)
			return -1;
		keep(o, w->iv, e->iv_len);
		keep(o, w->icv, e->icv_len);
	}
	if (a) {
		if (rxc_ah_seal(a, o->wire, w->ip, w->ah, w->end, hi_of(a, seq, next_epoch), iv) != 0)
			return -1;
		keep(o, w->ah_iv, a->iv_len);
		keep(o, w->ah_icv, a->icv_len);
	}
	return 0;
}

int rx_seal(struct rx_table *t, const uint8_t *p, size_t n, struct rx_sealed *o)
{
	static struct rx_sa *cand[RX_MAX_SA];
	static const bool udp_of[RXN_N][2] = {
		[RXN_UDP_TRANSPORT] = { true, false }, [RXN_UDP_TUNNEL] = { true, false },
		[RXN_TOT_UDP_OUTER] = { true, false }, [RXN_TOT_UDP_INNER] = { false, true },
	};
	struct rd r = { p, n, 0 };
	uint8_t flags, sel[2], upper, padx[2], lies, pad[2], nh[2], iv[2][16];
	uint16_t plen;
	uint32_t seq, nc, levels;
	bool any;

	memset(o, 0, sizeof(*o));
	o->pad_lies = -1;
	o->nest = (enum rx_nest)(u8(&r) % RXN_N);
	flags = u8(&r);
	sel[0] = u8(&r);
	sel[1] = u8(&r);
	upper = u8(&r) % 3;
	plen = u16(&r) % 1501;
	o->fs.seed = u8(&r);
	padx[0] = u8(&r) % 16;
	padx[1] = u8(&r) % 16;
	lies = u8(&r);
	pad[0] = u8(&r);
	nh[0] = u8(&r);
	pad[1] = u8(&r);
	nh[1] = u8(&r);
	seq = u32(&r);
	bytes(&r, iv[0], 16);
	bytes(&r, iv[1], 16);
	any = flags & 0x10;

	levels = o->nest == RXN_TRANSPORT || o->nest == RXN_UDP_TRANSPORT ? 1 : 2;
	o->n_sa = o->nest == RXN_TOT || o->nest == RXN_TOT_UDP_OUTER ||
		  o->nest == RXN_TOT_UDP_INNER ? 2 : 1;
	for (uint32_t i = 0; i < o->n_sa; i++) {
		nc = rx_seal_candidates(t, i == 0, udp_of[o->nest][i], any, cand);
		if (!nc)
			return -1;
		o->sa[i] = cand[sel[i] % nc];
		if (rx_udp_expected(o->sa[i], i == 0) != (udp_of[o->nest][i] && !rx_ah(o->sa[i])))
			o->mismatch = true;
	}
	o->fs.n_levels = levels;
	o->fs.vlan = (flags & 8) ? 0x0064 : 0;
	o->fs.upper = (enum fb_upper)upper;
	o->fs.payload_len = plen;
	level(&o->fs.lv[0], o->sa[0], flags & 2, seq, udp_of[o->nest][0]);
	if (o->n_sa == 2)
		level(&o->fs.lv[1], o->sa[1], flags & 4, seq + 1, udp_of[o->nest][1]);
	else if (levels == 2)
		fb_level_std(&o->fs.lv[1], (flags & 1) ? 6 : 4, 1, flags & 4);
	for (uint32_t i = 0; i < o->n_sa; i++)
		if (o->fs.lv[i].sa.esp)
			o->fs.lv[i].sa.pad_extra = padx[i] * o->fs.lv[i].sa.esp_block;
	if (fb_build(&o->fs, &o->f) != 0)
		return -1;
	o->len = o->f.len;

	/* The lies, in what ESP will encrypt (or in AH's Next Header). */
	for (uint32_t i = 0; i < o->n_sa; i++) {
		const struct fb_where *w = &o->f.w[i];

		if (lies & (1u << (2 * i))) {
			if (o->fs.lv[i].sa.esp) {
				o->f.b[w->trailer] = pad[i];
				o->lies = true;
				o->lies_outer |= i == 0;
				if ((uint32_t)pad[i] + 2 > w->icv - w->payload && o->pad_lies < 0)
					o->pad_lies = (int)i;
			}
		}
		if (lies & (2u << (2 * i))) {
			if (o->fs.lv[i].sa.esp)
				o->f.b[w->trailer + 1] = nh[i];
			else
				o->f.b[w->ah] = nh[i];
			o->lies = true;
			o->lies_outer |= i == 0;
		}
	}

	memcpy(o->plain, o->f.b, o->len);
	memcpy(o->wire, o->f.b, o->len);
	for (int i = (int)o->n_sa - 1; i >= 0; i--)
		if (seal_level(o, (uint32_t)i, i ? seq + 1 : seq, flags & 0x20, iv[i]) != 0)
			return -1;
	return 0;
}

void rx_desc_write(const struct rx_desc *d, uint8_t out[RXS_DESC_LEN])
{
	uint8_t *q = out;

	*q++ = d->nest;
	*q++ = d->flags;
	*q++ = d->sa0;
	*q++ = d->sa1;
	*q++ = d->upper;
	*q++ = (uint8_t)d->len;
	*q++ = (uint8_t)(d->len >> 8);
	*q++ = d->seed;
	*q++ = d->padx0;
	*q++ = d->padx1;
	*q++ = d->lies;
	*q++ = d->pad0;
	*q++ = d->nh0;
	*q++ = d->pad1;
	*q++ = d->nh1;
	for (int i = 0; i < 4; i++)
		*q++ = (uint8_t)(d->seq >> (8 * i));
	memcpy(q, d->iv0, 16);
	memcpy(q + 16, d->iv1, 16);
}
