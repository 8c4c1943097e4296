/* SPDX-License-Identifier: MIT */
/*
 * rx_seeds.c - the seed corpora of the receive-path targets, made from the
 * SA table and the sealing they share (no engine needed; the same bytes on
 * every run):
 *
 *   fuzz_seeds_rx CLASSIFY_DIR SEALED_DIR
 *
 * SEALED_DIR (fuzz_rx_sealed: MDL layout + description): every SA of the
 * table in the nesting its group is for (plain ESP, AH and bundles in
 * transport and tunnel mode, IPv4 and IPv6, options and extension
 * headers, ESN and its next epoch, UDP-ESP, transport over tunnel with and
 * without UDP-ESP), then the lies: Pad Lengths beyond the payload outside
 * and inside, one that cuts the inner IP header, Next Header values; SAs
 * whose UDP-ESP type does not fit; and the MDL layouts.
 *
 * CLASSIFY_DIR (fuzz_rx_classify: MDL layout + frame): the same frames
 * sealed, and what a receiver must refuse or leave alone: IPv4 and IPv6
 * fragments, IKE and NAT keepalives on port 4500, AH on an ESP SA's SPI,
 * UDP-ESP on a plain SA and plain ESP on a UDP-ESP SA, frames cut short,
 * an ICV changed, three VLAN tags, an IP length that lies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rx_sas.h"
#include "rx_seal.h"

static struct rx_table table;
static struct rx_sealed sealed;
static const char *dir_c, *dir_s;
static unsigned n_c, n_s;

static void put(const char *dir, const char *name, const uint8_t *shape, size_t k,
		const uint8_t *body, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(shape, 1, k, f) != k || fwrite(body, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seeds_rx: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* One description: written as a sealed seed, and its frame as a classify
 * seed (edit: a change to the sealed frame for the classify seed only). */
typedef uint32_t (*edit_fn)(uint8_t *w, uint32_t len, const struct rx_sealed *s);

static const uint8_t one_mdl[1] = { 0 };

static bool emit(const char *name, const struct rx_desc *d, const uint8_t *shape, size_t k,
		 bool sealed_too, edit_fn edit)
{
	static uint8_t w[FB_MAX_FRAME + 64];
	uint8_t desc[RXS_DESC_LEN];
	char fn[300];
	uint32_t len;

	rx_desc_write(d, desc);
	if (rx_seal(&table, desc, sizeof(desc), &sealed) != 0) {
		fprintf(stderr, "fuzz_seeds_rx: %s does not build\n", name);
		exit(1);
	}
	if (sealed_too) {
		snprintf(fn, sizeof(fn), "%s.desc", name);
		put(dir_s, fn, shape, k, desc, sizeof(desc));
		n_s++;
	}
	memcpy(w, sealed.wire, sealed.len);
	len = edit ? edit(w, sealed.len, &sealed) : sealed.len;
	if (!len)
		return false;
	snprintf(fn, sizeof(fn), "%s.frame", name);
	put(dir_c, fn, shape, k, w, len);
	n_c++;
	return true;
}

/* The index of s among the SAs a level may use. */
static uint8_t index_of(const struct rx_sa *s, bool outer, bool udp, bool any)
{
	static struct rx_sa *c[RX_MAX_SA];
	uint32_t n = rx_seal_candidates(&table, outer, udp, any, c);

	for (uint32_t i = 0; i < n && i < 256; i++)
		if (c[i] == s)
			return (uint8_t)i;
	fprintf(stderr, "fuzz_seeds_rx: SA %u is not a candidate\n", s->id);
	exit(1);
}

static struct rx_sa *first_of(enum rx_group g, const char *alg)
{
	for (uint32_t i = 0; i < table.n; i++)
		if (table.sa[i].group == g && (!alg || !strcmp(table.sa[i].alg->name, alg)))
			return &table.sa[i];
	return NULL;
}

static void base(struct rx_desc *d, uint32_t i)
{
	memset(d, 0, sizeof(*d));
	d->upper = (uint8_t)(i % 3);
	d->len = (uint16_t)(24 + (i * 7) % 40);
	d->seed = (uint8_t)(i * 13);
	d->seq = 100 + i;
	for (int j = 0; j < 16; j++) {
		d->iv0[j] = (uint8_t)(0xA0 + i + j);
		d->iv1[j] = (uint8_t)(0x50 + i * 3 + j);
	}
}

static const char *nest_name[RXN_N] = { "transport", "tunnel", "tot", "udp-transport",
					"udp-tunnel", "tot-udp-outer", "tot-udp-inner" };

/* ---- edits for the classify seeds ---- */

static uint32_t ip0(const struct rx_sealed *s)
{
	return s->f.w[0].ip;
}

static void fix4(uint8_t *w, uint32_t ip)
{
	uint32_t sum = 0, hl = (uint32_t)(w[ip] & 15) * 4;

	w[ip + 10] = w[ip + 11] = 0;
	for (uint32_t i = 0; i < hl; i += 2)
		sum += (uint32_t)w[ip + i] << 8 | w[ip + i + 1];
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	w[ip + 10] = (uint8_t)(~sum >> 8);
	w[ip + 11] = (uint8_t)~sum;
}

static uint32_t frag_first(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	uint32_t ip = ip0(s);

	w[ip + 6] = 0x20;        /* More Fragments */
	w[ip + 7] = 0;
	fix4(w, ip);
	return len;
}

static uint32_t frag_last(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	uint32_t ip = ip0(s);

	w[ip + 6] = 0x00;
	w[ip + 7] = 185;         /* a fragment offset, MF clear */
	fix4(w, ip);
	return len;
}

/* IPv6: a Fragment header right behind the IPv6 header. */
static uint32_t frag_v6(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	uint32_t ip = ip0(s), at = ip + 40, plen = (uint32_t)w[ip + 4] << 8 | w[ip + 5];

	memmove(w + at + 8, w + at, len - at);
	w[at] = w[ip + 6];
	w[at + 1] = 0;
	w[at + 2] = 0;
	w[at + 3] = 1;            /* offset 0, M set */
	memcpy(w + at + 4, "\x00\x00\x12\x34", 4);
	w[ip + 6] = 44;
	plen += 8;
	w[ip + 4] = (uint8_t)(plen >> 8);
	w[ip + 5] = (uint8_t)plen;
	return len + 8;
}

static uint32_t flip_icv(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	(void)s;
	w[len - 1] ^= 0x01;
	return len;
}

static uint32_t flip_payload(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	const struct fb_where *x = &s->f.w[0];

	w[(x->payload ? x->payload : x->ah + x->ah_len) + 2] ^= 0x40;
	return len;
}

/* The level-0 IP packet cut to keep bytes of its ESP / AH, lengths mended. */
static uint32_t cut_to(uint8_t *w, uint32_t len, const struct rx_sealed *s, uint32_t keep)
{
	const struct fb_where *x = &s->f.w[0];
	uint32_t h = x->ah ? x->ah : x->esp, ip = x->ip, nl = h + keep, tl;

	(void)len;
	tl = nl - ip;
	if ((w[ip] >> 4) == 4) {
		w[ip + 2] = (uint8_t)(tl >> 8);
		w[ip + 3] = (uint8_t)tl;
		fix4(w, ip);
	} else {
		w[ip + 4] = (uint8_t)((tl - 40) >> 8);
		w[ip + 5] = (uint8_t)(tl - 40);
	}
	if (x->udp) {
		w[x->udp + 4] = (uint8_t)((nl - x->udp) >> 8);
		w[x->udp + 5] = (uint8_t)(nl - x->udp);
	}
	return nl;
}

static uint32_t cut_short(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	return cut_to(w, len, s, 8 + 4);
}

static uint32_t cut_8(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	return cut_to(w, len, s, 8);
}

static uint32_t cut_frame(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	(void)w;
	(void)s;
	return len - 3;           /* the IP length now claims more than arrived */
}

/* UDP-ESP taken out of UDP: plain ESP on a UDP-ESP SA. */
static uint32_t strip_udp(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	const struct fb_where *x = &s->f.w[0];
	uint32_t ip = x->ip, u = x->udp, tl;

	memmove(w + u, w + u + 8, len - u - 8);
	len -= 8;
	tl = len - ip;
	w[ip + 9] = 50;
	w[ip + 2] = (uint8_t)(tl >> 8);
	w[ip + 3] = (uint8_t)tl;
	fix4(w, ip);
	return len;
}

/* Plain ESP put in UDP 4500: UDP-ESP on a plain SA. */
static uint32_t add_udp(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	const struct fb_where *x = &s->f.w[0];
	uint32_t ip = x->ip, e = x->esp, tl;

	memmove(w + e + 8, w + e, len - e);
	len += 8;
	w[e] = 0x11, w[e + 1] = 0x94, w[e + 2] = 0x11, w[e + 3] = 0x94;
	w[e + 4] = (uint8_t)((len - e) >> 8);
	w[e + 5] = (uint8_t)(len - e);
	w[e + 6] = w[e + 7] = 0;
	tl = len - ip;
	w[ip + 9] = 17;
	w[ip + 2] = (uint8_t)(tl >> 8);
	w[ip + 3] = (uint8_t)tl;
	fix4(w, ip);
	return len;
}

/* An ESP SA's SPI carried in AH (protocol 51, the SPI at AH's offset 4). */
static uint32_t esp_as_ah(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	const struct fb_where *x = &s->f.w[0];
	uint32_t ip = x->ip, e = x->esp;
	uint8_t spi[4];

	memcpy(spi, w + e, 4);
	w[ip + 9] = 51;
	w[e] = 6;
	w[e + 1] = (uint8_t)((len - e) / 4 - 2);
	w[e + 2] = w[e + 3] = 0;
	memcpy(w + e + 4, spi, 4);
	fix4(w, ip);
	return len;
}

/* The non-ESP marker (IKE) / a NAT keepalive in place of the ESP packet. */
static uint32_t ike(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	memset(w + s->f.w[0].esp, 0, 4);
	return len;
}

static uint32_t keepalive(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	const struct fb_where *x = &s->f.w[0];

	w[x->esp] = 0xFF;
	return cut_to(w, len, s, 1);
}

static uint32_t vlan3(uint8_t *w, uint32_t len, const struct rx_sealed *s)
{
	(void)s;
	memmove(w + 24, w + 12, len - 12);
	w[12] = 0x88, w[13] = 0xA8, w[14] = 0, w[15] = 1;
	w[16] = 0x81, w[17] = 0x00, w[18] = 0, w[19] = 2;
	w[20] = 0x81, w[21] = 0x00, w[22] = 0, w[23] = 3;
	return len + 12;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint8_t b[8];
		size_t k;
	} shapes[] = {
		{ "1byte-mdls", { 0x02 }, 1 },
		{ "cut-at-12-13", { 0x01, 2, 12, 0, 13, 0 }, 6 },
		{ "every-7-head-guard", { 0x07, 7 }, 2 },
		{ "lead-headroom-tailroom", { 0x78 }, 1 },
		{ "cut-ip-esp", { 0x01, 1, 34, 0 }, 4 },
		{ "every-64", { 0x03, 64 }, 2 },
	};
	struct rx_desc d;
	char name[256];

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz_seeds_rx CLASSIFY_DIR SEALED_DIR\n");
		return 2;
	}
	dir_c = argv[1];
	dir_s = argv[2];
	mkdir(dir_c, 0755);
	mkdir(dir_s, 0755);
	rx_table_build(&table);

	/* Every SA in its nesting. */
	for (uint32_t i = 0; i < table.n; i++) {
		struct rx_sa *s = &table.sa[i];
		struct rx_sa *inner = NULL;
		enum rx_nest nest;

		base(&d, i);
		switch (s->group) {
		case RXG_UDP4:
		case RXG_UDP6:
			nest = i % 2 ? RXN_UDP_TUNNEL : RXN_UDP_TRANSPORT;
			break;
		case RXG_IN4:
		case RXG_IN6:
			nest = RXN_TOT;
			inner = s;
			s = first_of(s->group == RXG_IN4 ? RXG_V4 : RXG_V6, valg_all[i % valg_all_n].name);
			break;
		case RXG_T4_OUT:
			nest = RXN_TOT_UDP_OUTER;
			inner = first_of(RXG_T4_IN, s->alg->name);
			break;
		case RXG_T8_OUT:
			nest = RXN_TOT_UDP_INNER;
			inner = first_of(RXG_T8_IN, s->alg->name);
			break;
		case RXG_T4_IN:
		case RXG_T8_IN:
			continue;         /* the inner SAs of the two above */
		default:
			nest = i % 2 ? RXN_TUNNEL : RXN_TRANSPORT;
			break;
		}
		d.nest = (uint8_t)nest;
		d.flags = (uint8_t)((i % 4 == 1 ? 2 : 0) | (i % 5 == 2 ? 4 : 0) | (i % 6 == 3 ? 1 : 0) |
				    (i % 7 == 4 ? 8 : 0));
		if (s->group == RXG_ESN4 && i % 2)
			d.flags |= 0x20;   /* the next ESN epoch */
		d.sa0 = index_of(s, true, nest == RXN_UDP_TRANSPORT || nest == RXN_UDP_TUNNEL ||
				 nest == RXN_TOT_UDP_OUTER, false);
		if (inner)
			d.sa1 = index_of(inner, false, nest == RXN_TOT_UDP_INNER, false);
		d.padx0 = (uint8_t)(i % 3);
		snprintf(name, sizeof(name), "%s_%s_%s%s%s", rx_groups[(inner ? inner : s)->group].name,
			 s->alg->name, nest_name[nest], inner && inner != s ? "_in-" : "",
			 inner && inner != s ? inner->alg->name : "");
		emit(name, &d, one_mdl, 1, true, NULL);
	}

	/* The lies, and SAs that do not fit. */
	{
		struct rx_sa *cbc = first_of(RXG_V4, "esp.aes-cbc-128+hmac-sha1-96");
		struct rx_sa *gcm6 = first_of(RXG_V6, "esp.aes-gcm-128.icv16");
		struct rx_sa *in = first_of(RXG_IN4, "esp.null+hmac-sha256-128");
		struct rx_sa *ah = first_of(RXG_V4, "ah.hmac-sha1-96");
		struct rx_sa *udp = first_of(RXG_UDP4, "esp.aes-gcm-256.icv12");
		struct rx_sa *cbc_noauth = first_of(RXG_V4, "esp.aes-cbc-128");
		static const struct {
			const char *name;
			uint8_t nest, lies, pad0, nh0, pad1, nh1, flags;
			int outer, inner;      /* 0 cbc, 1 gcm6, 2 ah, 3 udp, 4 cbc-noauth */
		} l[] = {
			{ "lie_pad-beyond_transport", RXN_TRANSPORT, 1, 250, 0, 0, 0, 0, 0, -1 },
			{ "lie_pad-payload-plus-one_transport", RXN_TRANSPORT, 1, 255, 0, 0, 0, 0, 1, -1 },
			{ "lie_pad-beyond_tunnel", RXN_TUNNEL, 1, 200, 0, 0, 0, 0, 1, -1 },
			{ "lie_pad-beyond-inner_tot", RXN_TOT, 4, 0, 0, 230, 0, 0, 0, 1 },
			{ "lie_pad-cuts-inner-ip_tunnel", RXN_TUNNEL, 1, 60, 0, 0, 0, 0, 0, -1 },
			{ "lie_nh-tcp_tunnel", RXN_TUNNEL, 2, 0, 6, 0, 0, 0, 0, -1 },
			{ "lie_nh-ipv4_transport", RXN_TRANSPORT, 2, 0, 4, 0, 0, 0, 1, -1 },
			{ "lie_nh-none_tot-inner", RXN_TOT, 8, 0, 0, 0, 59, 0, 0, 1 },
			{ "lie_ah-nh-ipv6_ah-transport", RXN_TRANSPORT, 2, 0, 41, 0, 0, 0, 2, -1 },
			{ "lie_pad-beyond_cbc-no-auth", RXN_TRANSPORT, 1, 240, 0, 0, 0, 0, 4, -1 },
			{ "mismatch_udp-on-plain-sa", RXN_UDP_TRANSPORT, 0, 0, 0, 0, 0, 0x10, 0, -1 },
			{ "mismatch_plain-on-udp-sa", RXN_TRANSPORT, 0, 0, 0, 0, 0, 0x10, 3, -1 },
		};

		for (size_t j = 0; j < sizeof(l) / sizeof(l[0]); j++) {
			struct rx_sa *pick[5] = { cbc, gcm6, ah, udp, cbc_noauth };
			struct rx_sa *o = pick[l[j].outer];
			bool any = l[j].flags & 0x10;

			base(&d, 1000 + (uint32_t)j);
			d.nest = l[j].nest;
			d.flags = l[j].flags;
			d.lies = l[j].lies;
			d.pad0 = l[j].pad0, d.nh0 = l[j].nh0, d.pad1 = l[j].pad1, d.nh1 = l[j].nh1;
			d.len = 64;
			d.sa0 = index_of(o, true, d.nest == RXN_UDP_TRANSPORT, any);
			if (l[j].inner >= 0)
				d.sa1 = index_of(in, false, false, false);
			emit(l[j].name, &d, one_mdl, 1, true, NULL);
		}
	}

	/* MDL layouts over a few frames. */
	for (size_t j = 0; j < sizeof(shapes) / sizeof(shapes[0]); j++) {
		struct rx_sa *s = first_of(j % 2 ? RXG_V6 : RXG_V4, valg_all[(j * 5) % valg_all_n].name);

		base(&d, 2000 + (uint32_t)j);
		d.nest = j % 3 == 2 ? RXN_TUNNEL : RXN_TRANSPORT;
		d.flags = 2;
		d.sa0 = index_of(s, true, false, false);
		snprintf(name, sizeof(name), "shape_%s_%s", shapes[j].name, s->alg->name);
		emit(name, &d, shapes[j].b, shapes[j].k, true, NULL);
	}
	{
		/* Tot with 1-byte MDLs. */
		base(&d, 2100);
		d.nest = RXN_TOT;
		d.sa0 = index_of(first_of(RXG_V4, "esp.aes-gcm-128.icv16"), true, false, false);
		d.sa1 = index_of(first_of(RXG_IN4, "ah.hmac-sha256-128"), false, false, false);
		emit("shape_1byte-mdls_tot", &d, shapes[0].b, shapes[0].k, true, NULL);
	}

	/* What a receiver must refuse or leave alone (classify only). */
	{
		static const struct {
			const char *name;
			enum rx_group g;
			const char *alg;
			uint8_t nest;
			edit_fn edit;
		} e[] = {
			{ "frag_v4-first", RXG_V4, "esp.aes-cbc-128+hmac-sha1-96", RXN_TRANSPORT, frag_first },
			{ "frag_v4-last", RXG_V4, "esp.aes-cbc-128+hmac-sha1-96", RXN_TRANSPORT, frag_last },
			{ "frag_v4-last-ah", RXG_V4, "ah.hmac-md5-96", RXN_TRANSPORT, frag_last },
			{ "frag_v4-last-udp", RXG_UDP4, "esp.null+hmac-sha1-96", RXN_UDP_TRANSPORT, frag_last },
			{ "frag_v6", RXG_V6, "esp.aes-gcm-256.icv16", RXN_TRANSPORT, frag_v6 },
			{ "authfail_icv_esp-transport", RXG_V4, "esp.null+hmac-sha256-128", RXN_TRANSPORT, flip_icv },
			{ "authfail_icv_esp-tunnel", RXG_V4, "esp.aes-cbc-128+hmac-sha1-96", RXN_TUNNEL, flip_icv },
			{ "authfail_payload_ah-tunnel", RXG_V4, "ah.hmac-sha1-96", RXN_TUNNEL, flip_payload },
			{ "authfail_payload_gcm", RXG_V6, "esp.aes-gcm-128.icv8", RXN_TRANSPORT, flip_payload },
			{ "authfail_icv_bundle", RXG_V4, "esp+ah.aes-cbc-128+hmac-sha1-96+hmac-sha256-128", RXN_TUNNEL, flip_icv },
			{ "short_esp-12-bytes", RXG_V4, "esp.aes-cbc-256+hmac-sha256-128", RXN_TRANSPORT, cut_short },
			{ "short_ah-8-bytes", RXG_V6, "ah.aes-gmac-128", RXN_TRANSPORT, cut_8 },
			{ "lie_ip-length", RXG_V4, "esp.3des-cbc+hmac-md5-96", RXN_TRANSPORT, cut_frame },
			{ "mismatch_plain-esp-on-udp-sa", RXG_UDP4, "esp.aes-cbc-128+hmac-sha1-96", RXN_UDP_TRANSPORT, strip_udp },
			{ "mismatch_udp-esp-on-plain-sa", RXG_V4, "esp.aes-gcm-128.icv16", RXN_TRANSPORT, add_udp },
			{ "mismatch_ah-on-esp-spi", RXG_V4, "esp.null+hmac-md5-96", RXN_TRANSPORT, esp_as_ah },
			{ "natt_ike", RXG_UDP4, "esp.null+hmac-sha1-96", RXN_UDP_TRANSPORT, ike },
			{ "natt_keepalive", RXG_UDP4, "esp.null+hmac-sha1-96", RXN_UDP_TRANSPORT, keepalive },
			{ "eth_three-vlan-tags", RXG_V4, "esp.des-cbc+hmac-sha1-96", RXN_TRANSPORT, vlan3 },
		};

		for (size_t j = 0; j < sizeof(e) / sizeof(e[0]); j++) {
			struct rx_sa *s = first_of(e[j].g, e[j].alg);
			bool udp = e[j].nest == RXN_UDP_TRANSPORT;

			base(&d, 3000 + (uint32_t)j);
			d.nest = e[j].nest;
			d.sa0 = index_of(s, true, udp, false);
			emit(e[j].name, &d, one_mdl, 1, false, e[j].edit);
		}
	}
	printf("fuzz_seeds_rx: %u classify seeds in %s, %u sealed seeds in %s\n", n_c, dir_c, n_s,
	       dir_s);
	return 0;
}
