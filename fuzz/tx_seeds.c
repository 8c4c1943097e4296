/* SPDX-License-Identifier: MIT */
/*
 * tx_seeds.c - the seed corpora of the send-path targets (fuzz_seeds_tx):
 *
 *     build/fuzz/fuzz_seeds_tx fuzz/corpus
 *
 * writes fuzz/corpus/tx_header_offsets/ and fuzz/corpus/tx_pad_length/,
 * each seed a struct tx_ho / tx_pad written by the same field list the
 * targets read (tx_common.h), named by what it is. Every seed is also run
 * through its target's oracle on the engine under fuzz (the bundled
 * reference engine unless IPOC_FUZZ_ENGINE names another), so a seed that
 * does not pass is not written. The same program always writes the same
 * bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tx_common.h"

static const char *root;
static unsigned written;

static void put(const char *target, const char *name, const uint8_t *b, size_t n)
{
	char path[1024], clean[200];
	size_t k = 0;
	FILE *f;

	/* A file name of the description: anything but [a-z0-9.+_-] becomes
	 * one '-' per run, none at the end nor before a '_'. */
	for (const char *c = name; *c && k + 1 < sizeof(clean); c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
			  *c == '+' || *c == '_' || *c == '-';

		if (ok && *c == '_' && k && clean[k - 1] == '-')
			clean[k - 1] = '_';
		else if (ok)
			clean[k++] = *c;
		else if (k && clean[k - 1] != '-' && clean[k - 1] != '_')
			clean[k++] = '-';
	}
	while (k && clean[k - 1] == '-')
		k--;
	clean[k] = 0;
	snprintf(path, sizeof(path), "%s/%s/%s", root, target, clean);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	written++;
}

static void ho(const char *name, struct tx_ho r)
{
	static struct tx_send s;
	uint8_t b[512];
	struct tx_io w = { NULL, b, 0, sizeof(b) };
	struct fz_in in;
	struct tx_io rd = { &in, NULL, 0, 0 };
	struct tx_ho back;

	tx_ho_io(&w, &r);
	in = (struct fz_in){ b, w.n };
	tx_ho_io(&rd, &back);
	if (!tx_ho_build(&back, &s)) {
		fprintf(stderr, "tx_header_offsets seed %s: nothing to send\n", name);
		exit(1);
	}
	tx_run(&s);
	put("tx_header_offsets", name, b, w.n);
}

static void pad(const char *name, struct tx_pad r)
{
	static struct tx_send s;
	uint8_t b[512];
	struct tx_io w = { NULL, b, 0, sizeof(b) };
	struct fz_in in;
	struct tx_io rd = { &in, NULL, 0, 0 };
	struct tx_pad back;

	tx_pad_io(&w, &r);
	in = (struct fz_in){ b, w.n };
	tx_pad_io(&rd, &back);
	if (!tx_pad_build(&back, &s)) {
		fprintf(stderr, "tx_pad_length seed %s: nothing to send\n", name);
		exit(1);
	}
	tx_run(&s);
	put("tx_pad_length", name, b, w.n);
}

static struct tx_raw_frame frame(unsigned cfg, unsigned flags, uint16_t payload, uint32_t seq)
{
	struct tx_raw_frame f;

	memset(&f, 0, sizeof(f));
	f.cfg = (uint8_t)cfg;
	f.flags = (uint8_t)flags;
	f.payload = payload;
	f.seq = seq;
	f.seed = (uint8_t)(seq * 13);
	f.inner_cfg = (uint8_t)((cfg + 5) % tx_n_cfg());
	return f;
}

#define MODE(m) ((unsigned)(m) << TXF_MODE_SHIFT)
#define UPPER(u) ((unsigned)(u) << TXF_UPPER_SHIFT)

static const char *const modes[3] = { "transport", "tunnel", "tot" };

static void header_offsets(void)
{
	unsigned n = tx_n_cfg();
	char name[200];
	struct tx_ho r;

	/* Every configuration framed as TCP/IP frames it. */
	for (unsigned c = 0; c < n; c++)
		for (unsigned m = 0; m < 3; m++)
			for (unsigned v6 = 0; v6 < 2; v6++) {
				if (m == 2 && v6)
					continue;
				memset(&r, 0, sizeof(r));
				r.fr = frame(c, MODE(m) | (v6 ? TXF_V6 | TXF_INNER_V6 : 0) |
					     UPPER((c + m) % 3), (uint16_t)(40 + 17 * c), 100 + c);
				snprintf(name, sizeof(name), "well-formed_%s_%s_ipv%d", tx_cfg_name(c),
					 modes[m], v6 ? 6 : 4);
				ho(name, r);
			}
	/* Options, VLAN, mixed families, more padding. */
	for (unsigned c = 0; c < n; c += 3) {
		memset(&r, 0, sizeof(r));
		r.fr = frame(c, TXF_OPTS | TXF_VLAN | MODE(1) | TXF_INNER_V6, 99, 7 + c);
		r.fr.pad_extra = 128 + 2;
		snprintf(name, sizeof(name), "options-vlan_%s_tunnel_ipv4-in-ipv6", tx_cfg_name(c));
		ho(name, r);
		r.fr.flags = TXF_OPTS | TXF_V6;
		snprintf(name, sizeof(name), "options_%s_transport_ipv6", tx_cfg_name(c));
		ho(name, r);
	}
	/* Several NET_BUFFERs, MDL shapes, guard sides. */
	memset(&r, 0, sizeof(r));
	r.fr = frame(1, 0, 300, 5);
	r.fr.nbs = 2;
	ho("three-nbs_esp.aes-gcm-128.icv16_transport_ipv4", r);
	r.fr.cfg = 0;
	r.fr.nbs = 1 | 4;
	r.shape[0].n_cuts = 3;
	r.shape[0].cut[0] = 13, r.shape[0].cut[1] = 40, r.shape[0].cut[2] = 57;
	r.shape[1].n_cuts = 8;
	ho("two-nbs-cut_esp.aes-cbc-128+hmac-sha1-96_guard-head", r);
	for (unsigned c = 0; c < n; c += 2) {
		memset(&r, 0, sizeof(r));
		r.fr = frame(c, MODE(c % 3), (uint16_t)(120 + c), 40 + c);
		r.shape[0].n_cuts = (uint8_t)(c % 9);
		for (unsigned k = 0; k < TX_MAX_CUTS; k++)
			r.shape[0].cut[k] = (uint16_t)(11 * k + 3 * c + 1);
		r.shape[0].head = 3 + 4 * 5;
		r.shape[0].tail = 3 + 4 * 9;
		r.shape[0].lead = c % 4 ? 0 : 7 + 8 * 2;
		snprintf(name, sizeof(name), "mdls-%u_%s_%s", c % 9, tx_cfg_name(c), modes[c % 3]);
		ho(name, r);
	}
	/* LSO large packets. */
	for (unsigned c = 0; c < n; c++) {
		if (!strncmp(tx_cfg_name(c), "ah.", 3))
			continue;
		memset(&r, 0, sizeof(r));
		r.fr = frame(c, c % 2 ? TXF_V6 : 0, (uint16_t)(1000 + 311 * c), 0x100 + c);
		r.lso_mode = 2;
		r.mss = (uint16_t)(536 + 100 * c) | (c % 3 == 0 ? 0x8000 : 0);
		r.lso_pad = (uint8_t)(c % 4 * 3);
		snprintf(name, sizeof(name), "lso%s_%s_ipv%d", c % 3 == 0 ? "v1" : "v2",
			 tx_cfg_name(c), c % 2 ? 6 : 4);
		ho(name, r);
	}
	/* Handles. */
	{
		static const struct { const char *name; uint8_t off, tun; uint64_t v; } h[] = {
			{ "handle-zero-header-info-set", 3, 3, 0 },
			{ "handle-stale", 4, 0, 0 },
			{ "handle-stale_its-slot-now-this-sa", 4, 0, 0 },
			{ "handle-value", 5, 0, 0x00000001DEADBEEFull },
			{ "handle-another-sa", 6, 0, 5 },
			{ "handle-inbound-sa", 7, 0, 0 },
			{ "handle-tunnel-only", 3, 6, 0 },
			{ "handle-tot-tunnel-zero", 0, 3, 0 },
		};

		for (unsigned i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
			memset(&r, 0, sizeof(r));
			r.fr = frame(i == 2 ? 0 : i % n, i == 7 ? MODE(2) : 0, 80, 9 + i);
			r.off.sel = h[i].off;
			r.tun.sel = h[i].tun;
			r.off.val = r.tun.val = h[i].v;
			ho(h[i].name, r);
		}
	}
	/* Header information. */
	{
		static const struct { const char *name; uint8_t mode; uint32_t v, hi; } h[] = {
			{ "hdr-esp-offset-plus-1", 2, 0x01000000u, 0 },
			{ "hdr-esp-offset-minus-1", 2, 0xFF000000u, 0 },
			{ "hdr-ah-offset-plus-2", 2, 0x00020000u, 0 },
			{ "hdr-next-header-xor", 1, 0x00000001u, 0 },
			{ "hdr-pad-length-plus-1", 2, 0x00000100u, 0 },
			{ "hdr-all-ones", 3, 0xFFFFFFFFu, 0 },
			{ "hdr-upper-half-set", 3, 0x05000004u, 0xFFFFFFFFu },
		};

		for (unsigned i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
			memset(&r, 0, sizeof(r));
			r.fr = frame(i == 2 ? 10 : i, 0, 64, 20 + i);
			r.hdr_mode = h[i].mode;
			r.hdr_val = h[i].v;
			r.hdr_hi = h[i].hi;
			ho(h[i].name, r);
		}
	}
	/* Lengths and bytes. */
	{
		static const struct { const char *name; uint8_t op, k; } l[] = {
			{ "len-cut-4", 1, 4 }, { "len-add-8", 2, 8 },
			{ "len-ip-follows-minus-16", 3, 16 }, { "len-ip-follows-plus-4", 4, 4 },
		};

		for (unsigned i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
			memset(&r, 0, sizeof(r));
			r.fr = frame(i, 0, 70, 30 + i);
			r.len_op = l[i].op;
			r.len_k = l[i].k;
			ho(l[i].name, r);
		}
		memset(&r, 0, sizeof(r));
		r.fr = frame(0, 0, 70, 40);
		r.n_pokes = 1;
		r.poke[0].at = 14 + 20 + 3;          /* the ESP SPI's last byte */
		r.poke[0].v = 0x77;
		ho("poke-spi", r);
		r.poke[0].at = 14 + 9;               /* IPv4 protocol */
		r.poke[0].v = 6;
		ho("poke-ip-protocol", r);
		r.fr = frame(8, 0, 70, 41);
		r.poke[0].at = 14 + 1;               /* IPv4 TOS: mutable for AH */
		r.poke[0].v = 0xB8;
		ho("poke-tos_ah.hmac-sha1-96", r);
	}
}

static void pad_length(void)
{
	unsigned n = tx_n_cfg();
	char name[200];
	struct tx_pad r;

	for (unsigned c = 0; c < n; c++) {
		if (!strncmp(tx_cfg_name(c), "ah.", 3))
			continue;
		for (unsigned e = 0; e < 3; e++) {
			memset(&r, 0, sizeof(r));
			r.fr = frame(c, MODE(e == 2 ? 1 : 0) | (e == 1 ? TXF_V6 : 0), (uint16_t)(33 + 7 * c),
				     200 + c);
			r.fr.pad_extra = (uint8_t)(e ? 128 + e * 2 : 0);
			snprintf(name, sizeof(name), "well-formed_%s_pad-extra-%u-blocks%s", tx_cfg_name(c),
				 e ? e * 2 : 0, e == 2 ? "_tunnel" : e == 1 ? "_ipv6" : "");
			pad(name, r);
		}
	}
	/* Mutations of an accepted shape: padding bytes, Pad Length, Next
	 * Header, with the header information following or not. */
	{
		static const struct { const char *name; uint8_t pm, pv, lm, lv, nm, nv, hm; } m[] = {
			{ "pad-bytes-all-0xaa", 1, 0xAA, 0, 0, 0, 0, 0 },
			{ "pad-bytes-one-flipped", 2, 1, 0, 0, 0, 0, 0 },
			{ "pad-bytes-from-0", 3, 0, 0, 0, 0, 0, 0 },
			{ "pad-bytes-from-0x40", 4, 0x40, 0, 0, 0, 0, 0 },
			{ "pad-length-plus-1", 0, 0, 2, 1, 0, 0, 0 },
			{ "pad-length-minus-1", 0, 0, 2, 0xFF, 0, 0, 0 },
			{ "pad-length-255", 0, 0, 1, 255, 0, 0, 0 },
			{ "pad-length-plus-1-header-as-built", 0, 0, 2, 1, 0, 0, 1 },
			{ "next-header-59", 0, 0, 0, 0, 1, 59, 0 },
			{ "next-header-17-header-as-built", 0, 0, 0, 0, 1, 17, 1 << 2 },
			{ "header-pad-length-7", 0, 0, 0, 0, 0, 0, 2 },
		};

		for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
			memset(&r, 0, sizeof(r));
			r.fr = frame(i % 4 == 3 ? 3 : i % 3, 0, (uint16_t)(50 + i), 300 + i);
			r.fr.pad_extra = 128 + 1;
			r.pad_mode = m[i].pm, r.pad_val = m[i].pv;
			r.padlen_mode = m[i].lm, r.padlen_val = m[i].lv;
			r.nh_mode = m[i].nm, r.nh_val = m[i].nv;
			r.hdr_mode = m[i].hm;
			r.hdr_pad = 7;
			pad(m[i].name, r);
		}
	}
	/* LSO: large packets with bytes to discard; LSO over a framed trailer. */
	for (unsigned c = 0; c < n; c++) {
		if (!strncmp(tx_cfg_name(c), "ah.", 3))
			continue;
		memset(&r, 0, sizeof(r));
		r.fr = frame(c, c % 2 ? TXF_V6 : 0, (uint16_t)(1500 + 97 * c), 0x400 + c);
		r.lso_mode = 2;
		r.mss = (uint16_t)(500 + 61 * c);
		r.lso_pad = (uint8_t)(c * 5 % 19);
		r.lso_v1 = c % 3 == 0;
		snprintf(name, sizeof(name), "lso-pad-%u_%s", r.lso_pad, tx_cfg_name(c));
		pad(name, r);
	}
	memset(&r, 0, sizeof(r));
	r.fr = frame(0, 0, 2000, 0x500);
	r.lso_mode = 2;
	r.mss = 700;
	r.lso_pad = 9;
	r.hdr_mode = 2;
	r.hdr_pad = 3;
	pad("lso-header-pad-length-differs", r);
	r.pad_mode = 1;
	r.pad_val = 0xCC;
	r.hdr_mode = 0;
	pad("lso-discard-bytes-0xcc", r);
	memset(&r, 0, sizeof(r));
	r.fr = frame(1, 0, 1200, 0x600);
	r.lso_mode = 3;
	r.mss = 400;
	pad("lso-over-framed-trailer_esp.aes-gcm-128.icv16", r);
}

int main(int argc, char **argv)
{
	char dir[1024];

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-ROOT (writes ROOT/tx_header_offsets, "
			"ROOT/tx_pad_length)\n", argv[0]);
		return 2;
	}
	root = argv[1];
	mkdir(root, 0777);
	tx_setup();
	snprintf(dir, sizeof(dir), "%s/tx_header_offsets", root);
	mkdir(dir, 0777);
	snprintf(dir, sizeof(dir), "%s/tx_pad_length", root);
	mkdir(dir, 0777);
	header_offsets();
	pad_length();
	printf("fuzz_seeds_tx: %u seeds\n", written);
	return 0;
}
