/* SPDX-License-Identifier: MIT */
/*
 * test_ref_roundtrip.c - every outbound/inbound SA pair with the same keys:
 * a framed packet is sent (IV injected), the transmitted frame is checked
 * (headers and ESP header unchanged, the IV the injected one, ciphertext
 * where RFC 4303 §2.3 puts it, an ICV written), then received on the
 * inbound SA: CryptoDone, CRYPTO_SUCCESS, HeaderInfoSet with the framed
 * trailer's Next Header / Pad Length, and the bytes back to the plaintext
 * frame except the IV and ICV fields (decryption in place, PROFILE.md).
 *
 * Covered: ESP NULL + each HMAC, each CBC cipher with each HMAC and alone,
 * AES-GCM-128/192/256 with ICV 8/12/16 (RFC 4106 §3.3), AES-GMAC with NULL
 * encryption (RFC 4543), AH with each algorithm (RFC 4302), [ESP, AH]
 * bundles; IPv4 and IPv6, transport and tunnel (4-in-6 and 6-in-4 too),
 * IPv4 options and IPv6 Hop-by-Hop / Destination Options headers, VLAN
 * tags; UDP-ESP (RFC 3948) transport, tunnel and the two combined types;
 * transport over tunnel (NextCryptoDone); ESN (RFC 4303 §2.2.1, RFC 4302
 * §2.5.1, PROFILE.md item 15); MDL shapes: one MDL, every 2-way split,
 * one byte per MDL.
 */
#include <stdlib.h>

#include "engine_io.h"
#include "ipoc_test.h"

enum { FIELD = 1, CIPHER = 2 };

/* One roundtrip: sa[0] is the level-0 SA, sa[1] the inner transport SA of
 * transport over tunnel (n_sa 2). */
struct rt_case {
	struct sa_spec sa[2];
	uint32_t n_sa;
	int family;
	int inner_family;           /* 0: transport, one IP level */
	bool opts;
	uint16_t vlan;
	enum fb_upper upper;
	uint32_t payload_len;
	uint32_t seq;
	bool udp[2];
	int32_t in_high_delta;      /* inbound SequenceNumberHighOrder - outbound */
	uint16_t expect;            /* CryptoStatus */
	const struct ipoc_mdl_shape *shape;
};

static struct session s;
static struct fb_io io;
static struct fb_frame f;
static uint8_t sent[FB_MAX_FRAME], mask[FB_MAX_FRAME];

/* RFC 4302 appendix A.1: NOP, Record Route (mutable), Router Alert. */

static const ULONG hmacs[] = { IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5,
			       IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1,
			       IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256 };
static const ULONG cbcs[] = { IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256 };
static const ULONG gcms[] = { IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192,
			      IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256 };
static const ULONG gmacs[] = { IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128,
			       IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192,
			       IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256 };

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NONE IPSEC_OFFLOAD_V2_ENCRYPTION_NONE

static struct sa_spec esp(uint32_t spi, ULONG enc, ULONG auth, ULONG gcm_icv)
{
	struct sa_spec sp = sa_spec_esp(fb_spi_ndis(spi), enc, auth);

	if (gcm_icv)
		sp.m[0].enc.add_info = gcm_icv;
	return sp;
}

static struct sa_spec ah(uint32_t spi, ULONG auth)
{
	return sa_spec_ah(fb_spi_ndis(spi), auth);
}

static struct sa_spec bundle(uint32_t spi, ULONG enc, ULONG eauth, ULONG aauth)
{
	return sa_spec_bundle(fb_spi_ndis(spi), enc, eauth, fb_spi_ndis(spi + 0x100), aauth);
}

/* Every algorithm combination of the task: 35 ESP, 6 AH, 5 bundles. */
static uint32_t all_specs(struct sa_spec *o)
{
	uint32_t n = 0, spi = 0x1000;

	for (size_t a = 0; a < N(hmacs); a++)
		o[n++] = esp(spi++, NONE, hmacs[a], 0);
	for (size_t c = 0; c < N(cbcs); c++) {
		o[n++] = esp(spi++, cbcs[c], 0, 0);
		for (size_t a = 0; a < N(hmacs); a++)
			o[n++] = esp(spi++, cbcs[c], hmacs[a], 0);
	}
	for (size_t g = 0; g < N(gcms); g++)
		for (ULONG icv = 8; icv <= 16; icv += 4)
			o[n++] = esp(spi++, gcms[g], 0, icv);
	for (size_t g = 0; g < N(gmacs); g++)
		o[n++] = esp(spi++, NONE, gmacs[g], 0);
	for (size_t a = 0; a < N(hmacs); a++)
		o[n++] = ah(spi++, hmacs[a]);
	for (size_t g = 0; g < N(gmacs); g++)
		o[n++] = ah(spi++, gmacs[g]);
	o[n++] = bundle(spi++, cbcs[2], hmacs[1], hmacs[2]);
	o[n++] = bundle(spi++, gcms[2], 0, hmacs[0]);
	o[n++] = bundle(spi++, cbcs[1], 0, gmacs[0]);
	o[n++] = bundle(spi++, NONE, hmacs[2], hmacs[1]);
	o[n++] = bundle(spi++, cbcs[4], 0, gmacs[2]);
	return n;
}

static bool encrypts(const struct sa_spec *sp)
{
	for (ULONG i = 0; i < sp->num; i++)
		if (sp->m[i].op == IPsecOffloadV2Esp && sp->m[i].enc.id && sp->m[i].enc.id != NONE)
			return true;
	return false;
}

static bool is_esp_only(const struct sa_spec *sp)
{
	return sp->num == 1 && sp->m[0].op == IPsecOffloadV2Esp;
}

/* ---- one roundtrip ---- */

/* The spec's addresses and family from the level it protects. */
static void spec_at(struct sa_spec *sp, const struct fb_level *l)
{
	memcpy(sp->src, l->src, 16);
	memcpy(sp->dst, l->dst, 16);
	sp->flags = l->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0;
}

static int frame_case(const struct rt_case *k, struct sa_spec out[2], struct fb_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->vlan = k->vlan;
	fs->n_levels = k->inner_family ? 2 : 1;
	fs->upper = k->upper;
	fs->payload_len = k->payload_len;
	fs->seed = (uint8_t)k->payload_len;
	fb_level_std(&fs->lv[0], k->family, 0, k->opts);
	if (k->inner_family)
		fb_level_std(&fs->lv[1], k->inner_family, 1, k->opts);
	for (uint32_t i = 0; i < k->n_sa; i++) {
		out[i] = k->sa[i];
		spec_at(&out[i], &fs->lv[i]);
		fb_sa_from_spec(&out[i], k->seq, &fs->lv[i].sa);
		fs->lv[i].sa.udp = k->udp[i];
	}
	return fb_build(fs, &f);
}

static void add_pair(const struct sa_spec *out, int32_t delta, NDIS_HANDLE *ho, NDIS_HANDLE *hi)
{
	struct sa_spec in = *out;

	in.flags |= IPSEC_OFFLOAD_V2_INBOUND;
	for (ULONG i = 0; i < in.num; i++)
		if (in.m[i].flags & IPSEC_OFFLOAD_V2_ESN_SA)
			in.m[i].esn_high = (ULONG)((int64_t)in.m[i].esn_high + delta);
	IPOC_CHECK_EQ(sa_add(&s, out, ho), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_add(&s, &in, hi), NDIS_STATUS_SUCCESS);
}

static void mark(uint32_t off, uint32_t n, uint8_t bit)
{
	for (uint32_t i = 0; i < n; i++)
		mask[off + i] |= bit;
}

/* FIELD: IV and ICV fields; CIPHER: what ESP encrypts (RFC 4303 §2.3). */
static void build_mask(const struct fb_spec *fs, const bool enc[2])
{
	memset(mask, 0, f.len);
	for (uint32_t i = 0; i < f.n_levels; i++) {
		const struct fb_where *w = &f.w[i];
		const struct fb_sa *sa = &fs->lv[i].sa;

		if (sa->esp) {
			mark(w->iv, sa->esp_iv, FIELD);
			mark(w->icv, sa->esp_icv, FIELD);
			if (enc[i])
				mark(w->payload, w->icv - w->payload, CIPHER);
		}
		if (sa->ah) {
			mark(w->ah_iv, sa->ah_iv, FIELD);
			mark(w->ah_icv, sa->ah_icv, FIELD);
		}
	}
}

/* Equal outside the bytes whose mask has one of bits. */
static bool same_outside(const uint8_t *a, const uint8_t *b, uint8_t bits)
{
	for (uint32_t i = 0; i < f.len; i++)
		if (a[i] != b[i] && !(mask[i] & bits)) {
			fprintf(stderr, "  first unexpected difference at offset %u\n", i);
			return false;
		}
	return true;
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* IVs of every level as injected (salt 0 for ESP, 0x10 for AH), in buf. */
static void check_ivs(const uint8_t *buf, const struct fb_spec *fs, uint32_t levels)
{
	for (uint32_t i = 0; i < levels; i++) {
		const struct fb_sa *sa = &fs->lv[i].sa;
		uint8_t iv[16];

		if (sa->esp && sa->esp_iv) {
			for (uint32_t j = 0; j < sa->esp_iv; j++)
				iv[j] = (uint8_t)(0xA0 + j + 0x20 * i);
			IPOC_CHECK_MEM(buf + f.w[i].iv, iv, sa->esp_iv);
		}
		if (sa->ah && sa->ah_iv) {
			for (uint32_t j = 0; j < sa->ah_iv; j++)
				iv[j] = (uint8_t)(0xA0 + j + 0x10 + 0x20 * i);
			IPOC_CHECK_MEM(buf + f.w[i].ah_iv, iv, sa->ah_iv);
		}
	}
}

static void inject(const struct fb_sa *sa, NDIS_HANDLE h, uint32_t i)
{
	uint8_t salt = (uint8_t)(0x20 * i);

	if (sa->esp)
		IPOC_CHECK_EQ(fb_inject_iv(&s, h, sa->esp_spi, sa->esp_iv, salt, NULL),
			      NDIS_STATUS_SUCCESS);
	if (sa->ah)
		IPOC_CHECK_EQ(fb_inject_iv(&s, h, sa->ah_spi, sa->ah_iv, salt + 0x10, NULL),
			      NDIS_STATUS_SUCCESS);
}

static void check_tx(const struct fb_spec *fs, bool enc0)
{
	const struct fb_where *w = &f.w[0];
	const struct fb_sa *sa = &fs->lv[0].sa;

	IPOC_CHECK_EQ(io.transmitted, 1);
	IPOC_CHECK_EQ(io.completed, 1);
	IPOC_CHECK(io.guards_ok);
	IPOC_CHECK_EQ(io.tx_len[0], f.len);
	IPOC_CHECK_MEM(io.after, io.tx[0], f.len);          /* sealed in place */
	IPOC_CHECK(same_outside(io.tx[0], f.b, FIELD | CIPHER));
	check_ivs(io.tx[0], fs, 1);
	if (enc0)
		IPOC_CHECK(memcmp(io.tx[0] + w->payload, f.b + w->payload, w->icv - w->payload) != 0);
	if (sa->esp && sa->esp_icv)
		IPOC_CHECK(!all_zero(io.tx[0] + w->icv, sa->esp_icv));
	if (sa->ah)
		IPOC_CHECK(!all_zero(io.tx[0] + w->ah_icv, sa->ah_icv));
}

/* Slot 12 on receive: the innermost ESP trailer (ref_recv.c). */
static uint32_t want_hdr(const struct fb_spec *fs)
{
	for (int i = (int)f.n_levels - 1; i >= 0; i--)
		if (fs->lv[i].sa.esp)
			return IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)f.w[i].pad_length << 8 |
			       f.w[i].next_header;
	return 0;
}

static void check_rx(const struct fb_spec *fs, const struct rt_case *k)
{
	uint32_t want1 = IPSEC_RX_CRYPTO_DONE | (uint32_t)k->expect << 16;

	if (k->n_sa == 2)
		want1 |= IPSEC_RX_NEXT_CRYPTO_DONE;
	IPOC_CHECK_EQ(io.indicated, 1);
	IPOC_CHECK(io.guards_ok);
	IPOC_CHECK_EQ(io.slot1, want1);
	IPOC_CHECK_EQ(io.slot11, 0);
	IPOC_CHECK_EQ(io.after_len, f.len);
	if (k->expect != CRYPTO_SUCCESS) {
		IPOC_CHECK_EQ(io.slot12, 0);
		IPOC_CHECK_MEM(io.after, sent, f.len);      /* nothing decrypted */
		return;
	}
	IPOC_CHECK_EQ(io.slot12, want_hdr(fs));
	IPOC_CHECK(same_outside(io.after, f.b, FIELD));
	check_ivs(io.after, fs, f.n_levels);
	for (uint32_t i = 0; i < f.len; i++)
		if ((mask[i] & FIELD) && !(mask[i] & CIPHER) && io.after[i] != sent[i]) {
			IPOC_CHECK(!"IV/ICV field changed on receive");
			break;
		}
}

static void describe(const struct rt_case *k)
{
	fprintf(stderr, "  case: IPv%d inner %d opts %d vlan %u upper %d len %u seq 0x%x udp %d/%d "
		"delta %d shape %u cuts", k->family, k->inner_family, k->opts, k->vlan, k->upper,
		k->payload_len, k->seq, k->udp[0], k->udp[1], k->in_high_delta,
		k->shape ? k->shape->n_cuts : 0);
	for (uint32_t i = 0; i < k->n_sa; i++)
		for (ULONG m = 0; m < k->sa[i].num; m++)
			fprintf(stderr, " [op %u enc 0x%x/%u auth 0x%x udp %u]", k->sa[i].m[m].op,
				k->sa[i].m[m].enc.id, k->sa[i].m[m].enc.add_info,
				k->sa[i].m[m].auth.id, k->sa[i].udp_esp);
	fprintf(stderr, "\n");
}

static void roundtrip(const struct rt_case *k)
{
	unsigned failed = ipoc_test_failed;
	struct sa_spec out[2];
	struct fb_spec fs;
	NDIS_HANDLE ho[2] = { 0 }, hi[2] = { 0 };
	bool enc[2] = { false, false };

	IPOC_CHECK_EQ(frame_case(k, out, &fs), 0);
	for (uint32_t i = 0; i < k->n_sa; i++) {
		add_pair(&out[i], k->in_high_delta, &ho[i], &hi[i]);
		inject(&fs.lv[i].sa, ho[i], i);
		enc[i] = encrypts(&out[i]);
	}
	build_mask(&fs, enc);
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, k->shape, k->n_sa == 2 ? ho[1] : ho[0],
			      k->n_sa == 2 ? ho[0] : NULL, f.hdr_info, 0), NDIS_STATUS_SUCCESS);
	check_tx(&fs, enc[0]);
	memcpy(sent, io.tx[0], f.len);
	IPOC_CHECK_EQ(fb_receive(&io, sent, f.len, k->shape), 0);
	check_rx(&fs, k);
	for (uint32_t i = 0; i < k->n_sa; i++) {
		IPOC_CHECK_EQ(sa_delete(&s, ho[i]), NDIS_STATUS_SUCCESS);
		IPOC_CHECK_EQ(sa_delete(&s, hi[i]), NDIS_STATUS_SUCCESS);
	}
	if (ipoc_test_failed != failed)
		describe(k);
}

/* ---- the suites ---- */

static struct rt_case base(const struct sa_spec *sp, uint32_t idx)
{
	struct rt_case k;

	memset(&k, 0, sizeof(k));
	k.sa[0] = *sp;
	k.n_sa = 1;
	k.family = 4;
	k.upper = (enum fb_upper)(idx % 3);
	k.payload_len = (idx * 37) % 113;
	k.seq = 1 + idx;
	return k;
}

/* Every algorithm x family x transport/tunnel x options/none. */
static void test_matrix(void)
{
	struct sa_spec sp[64];
	uint32_t n = all_specs(sp);

	for (uint32_t a = 0; a < n; a++)
		for (uint32_t env = 0; env < 8; env++) {
			struct rt_case k = base(&sp[a], a * 8 + env);

			k.family = env & 1 ? 6 : 4;
			k.opts = (env & 4) != 0;
			k.vlan = (uint16_t)((a + env) % 3 == 0 ? 0x2064 : 0);
			if (env & 2)   /* tunnel; every fifth the other family inside */
				k.inner_family = (a + env) % 5 == 0 ? 10 - k.family : k.family;
			roundtrip(&k);
		}
}

/* UDP-ESP (RFC 3948): each ESP combination, transport (1) and tunnel (2). */
static void test_udp_esp(void)
{
	struct sa_spec sp[64];
	uint32_t n = all_specs(sp);

	for (uint32_t a = 0; a < n; a++) {
		if (!is_esp_only(&sp[a]))
			continue;
		for (uint32_t env = 0; env < 4; env++) {
			struct rt_case k = base(&sp[a], a + env);

			k.family = env & 1 ? 6 : 4;
			k.sa[0].udp_esp = env & 2 ? IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL
						  : IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT;
			k.inner_family = env & 2 ? k.family : 0;
			k.udp[0] = true;
			k.opts = a % 2 == 0;
			roundtrip(&k);
		}
	}
}

/* Transport over tunnel: TunnelHandle the outer ESP tunnel SA,
 * OffloadHandle the inner ESP transport SA; NextCryptoDone on receive. */
static void test_nested(void)
{
	const struct sa_spec outer[] = {
		esp(0x3001, gcms[0], 0, 16), esp(0x3002, cbcs[2], hmacs[1], 0),
		esp(0x3003, NONE, hmacs[2], 0), esp(0x3004, NONE, gmacs[1], 0),
	};
	const struct sa_spec inner[] = {
		esp(0x4001, cbcs[4], hmacs[2], 0), esp(0x4002, NONE, hmacs[0], 0),
		esp(0x4003, gcms[2], 0, 12), esp(0x4004, cbcs[1], hmacs[1], 0),
	};
	static const ULONG udp_types[] = {
		0, IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL,
		IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL,
	};

	for (uint32_t a = 0; a < N(outer); a++)
		for (uint32_t env = 0; env < 12; env++) {
			struct rt_case k = base(&outer[a], a * 12 + env);
			ULONG u = udp_types[env / 4];

			k.sa[1] = inner[a];
			k.n_sa = 2;
			k.family = env & 1 ? 6 : 4;
			k.inner_family = env & 2 ? 10 - k.family : k.family;
			k.opts = (a + env) % 2 == 0;
			k.sa[0].udp_esp = k.sa[1].udp_esp = u;
			k.udp[0] = u == IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL;
			k.udp[1] = u == IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL;
			roundtrip(&k);
		}
}

static void set_esn(struct sa_spec *sp, ULONG high)
{
	for (ULONG i = 0; i < sp->num; i++) {
		sp->m[i].flags = IPSEC_OFFLOAD_V2_ESN_SA;
		sp->m[i].esn_high = high;
	}
}

/* ESN: the high half takes part in the ICV (RFC 4303 §2.2.1, RFC 4302
 * §2.5.1, RFC 4106 §5, RFC 4543 §3.3). The receiver's high half one epoch
 * behind verifies only a low sequence number, as one just after a wrap of
 * the low half (PROFILE.md item 15, RFC 4303 appendix A2.2); otherwise
 * the ICV fails. */
static void test_esn(void)
{
	const struct sa_spec algs[] = {
		esp(0x5001, cbcs[2], hmacs[1], 0), esp(0x5002, gcms[0], 0, 16),
		esp(0x5003, NONE, gmacs[0], 0), esp(0x5004, NONE, hmacs[2], 0),
		ah(0x5005, hmacs[1]), ah(0x5006, gmacs[2]),
		bundle(0x5007, cbcs[4], hmacs[2], hmacs[0]),
	};
	static const struct {
		int32_t delta;
		uint32_t seq;
		bool ok;
	} v[] = {
		{ 0, 0x80000010u, true }, { 0, 5, true }, { -1, 5, true },
		{ -1, 0x90000000u, false }, { 1, 5, false }, { 1, 0x90000000u, false },
	};

	for (uint32_t a = 0; a < N(algs); a++)
		for (uint32_t j = 0; j < N(v); j++)
			for (int fam = 4; fam <= 6; fam += 2) {
				struct rt_case k = base(&algs[a], a + j);
				bool ah_first = algs[a].m[algs[a].num - 1].op == IPsecOffloadV2Ah;

				set_esn(&k.sa[0], 0x00000007u);
				k.family = fam;
				k.seq = v[j].seq;
				k.in_high_delta = v[j].delta;
				k.expect = v[j].ok ? CRYPTO_SUCCESS
					   : ah_first ? CRYPTO_TRANSPORT_AH_AUTH_FAILED
						      : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
				roundtrip(&k);
			}
}

/* MDL shapes: every 2-way split of three frames (with head- and
 * tailroom), one byte per MDL for two. */
static void test_shapes(void)
{
	struct rt_case split[3], bytes[2];
	static uint32_t cuts[FB_MAX_FRAME];
	struct ipoc_mdl_shape sh = { cuts, 0, 3, 5 };
	struct sa_spec tmp[2];
	struct fb_spec fs;

	split[0] = base((const struct sa_spec[]){ esp(0x6001, cbcs[2], hmacs[1], 0) }, 4);
	split[0].opts = true, split[0].vlan = 7;
	split[1] = base((const struct sa_spec[]){ esp(0x6002, gcms[0], 0, 16) }, 5);
	split[1].family = 6, split[1].inner_family = 6, split[1].opts = true;
	split[2] = base((const struct sa_spec[]){ bundle(0x6003, cbcs[3], hmacs[2], gmacs[1]) }, 6);
	bytes[0] = base((const struct sa_spec[]){ esp(0x6004, cbcs[1], hmacs[0], 0) }, 7);
	bytes[0].family = 6, bytes[0].opts = true;
	bytes[1] = base((const struct sa_spec[]){ esp(0x6005, gcms[1], 0, 12) }, 8);
	bytes[1].sa[1] = esp(0x6006, cbcs[4], hmacs[2], 0), bytes[1].n_sa = 2;
	bytes[1].inner_family = 4;
	for (uint32_t c = 0; c < N(split); c++) {
		frame_case(&split[c], tmp, &fs);
		split[c].shape = &sh;
		for (uint32_t at = 1; at < f.len; at++) {
			sh.n_cuts = (uint32_t)ipoc_shape_split2(f.len, at, cuts, FB_MAX_FRAME);
			roundtrip(&split[c]);
		}
	}
	for (uint32_t c = 0; c < N(bytes); c++) {
		frame_case(&bytes[c], tmp, &fs);
		sh.n_cuts = (uint32_t)ipoc_shape_bytes(f.len, cuts, FB_MAX_FRAME);
		bytes[c].shape = &sh;
		roundtrip(&bytes[c]);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sa_open(&s, 0) != 0)
		return 1;
	fb_io_attach(&io, &s);
	test_matrix();
	test_udp_esp();
	test_nested();
	test_esn();
	test_shapes();
	session_close(&s);
	return ipoc_test_report(argv[0]);
}
