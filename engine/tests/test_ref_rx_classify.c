/* SPDX-License-Identifier: MIT */
/*
 * test_ref_rx_classify.c - how the receive path classifies frames it cannot
 * or must not decrypt. A valid packet is sealed by the outbound SA, then
 * broken, and received on the inbound SA:
 *   - an ESP ICV that fails (ciphertext, ICV, IV or sequence number changed)
 *     is CRYPTO_TRANSPORT_ESP_AUTH_FAILED / CRYPTO_TUNNEL_ESP_AUTH_FAILED by
 *     what the portion protects (RFC 4303 §3.4.4.1: nothing is decrypted);
 *   - an AH ICV that fails is CRYPTO_*_AH_AUTH_FAILED; changes of mutable
 *     fields do not fail it (RFC 4302 §3.3.3.1, appendix A);
 *   - ESP lengths that cannot hold IV, trailer and ICV, a ciphertext that is
 *     not a block multiple (RFC 4303 §2.4), a Pad Length beyond the payload,
 *     an AH Payload Len that lies (RFC 4302 §2.2) are
 *     CRYPTO_INVALID_PACKET_SYNTAX;
 *   - a packet whose protocol or encapsulation is not the SA's (AH SA vs
 *     ESP, [ESP, AH] bundle vs AH followed by something else, UDP-ESP vs
 *     plain ESP, RFC 3948) is CRYPTO_INVALID_PROTOCOL;
 *   - no SA, IKE and NAT-keepalive on port 4500 (RFC 3948 §2.2, §2.3),
 *     fragments (RFC 4303 §3.4.1), other EtherTypes and IP headers that lie
 *     are indicated unchanged with the IPsec slots zero (PROFILE.md 26);
 *   - SaDeleteReq when every SA slot is in use, offload switched off by
 *     OID_TCP_OFFLOAD_PARAMETERS (PROFILE.md P-6).
 * The Pad Length case recomputes HMAC with OpenSSL over a NULL-encryption
 * packet whose trailer is in clear (RFC 2410, RFC 2404 §2).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "engine_io.h"
#include "ipoc_test.h"

static struct session s;
static struct fb_io io;
static struct fb_frame f, g, g0;   /* plaintext, sealed (and broken), sealed copy */
static NDIS_HANDLE ho, hi;
static int ah_key_base = -1;       /* >= 0: outbound AH key as at this key offset */

#define NONE IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
#define CBC128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128
#define TDES IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC
#define GCM128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128
#define MD5 IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5
#define SHA1 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1
#define SHA256 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256
#define GMAC128 IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 4302 appendix A.1: NOP, Record Route (mutable), Router Alert. */

static struct sa_spec esp(uint32_t spi, ULONG enc, ULONG auth)
{
	return sa_spec_esp(fb_spi_ndis(spi), enc, auth);
}

static struct sa_spec ah(uint32_t spi, ULONG auth)
{
	return sa_spec_ah(fb_spi_ndis(spi), auth);
}

static struct sa_spec bundle(uint32_t esp_spi, uint32_t ah_spi)
{
	return sa_spec_bundle(fb_spi_ndis(esp_spi), CBC128, SHA1, fb_spi_ndis(ah_spi), SHA256);
}

/* ---- sealing a valid packet ---- */

static void spec_at(struct sa_spec *sp, const struct fb_level *l, ULONG dir)
{
	memcpy(sp->src, l->src, 16);
	memcpy(sp->dst, l->dst, 16);
	sp->flags = (l->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0) | dir;
}

/* ADD_SA of the outbound spec; with ah_key_base set, its AH key is the
 * one sa_build gives a key at that offset (the AH key of a bundle). */
static NDIS_STATUS add_out(const struct sa_spec *sp, NDIS_HANDLE *h)
{
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, sp, &len);
	NDIS_STATUS st;

	for (ULONG m = 0; ah_key_base >= 0 && m < sp->num; m++) {
		IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai = &a->SecAssoc[m].AuthenticationAlgorithm;

		if (a->SecAssoc[m].Operation == IPsecOffloadV2Ah)
			for (ULONG i = 0; i < ai->KeyLength; i++)
				a->KeyData[ai->KeyOffsetBytes + i] = (UCHAR)(0x11 + ah_key_base + i);
	}
	st = sa_set(&s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL);
	*h = a->OffloadHandle;
	return st;
}

/* Frame a TCP packet for out (tunnel: inside an inner IP header), add out
 * and in (NULL: out's twin) and send: g and g0 get the sealed frame. */
static int seal2(const struct sa_spec *out, const struct sa_spec *in, int family, bool tunnel,
		 bool opts)
{
	struct sa_spec o = *out, i = in ? *in : *out;
	struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = tunnel ? 2 : 1;
	fs.payload_len = 64;
	fs.seed = 3;
	fb_level_std(&fs.lv[0], family, 0, opts);
	if (tunnel)
		fb_level_std(&fs.lv[1], family, 1, opts);
	spec_at(&o, &fs.lv[0], 0);
	spec_at(&i, &fs.lv[0], IPSEC_OFFLOAD_V2_INBOUND);
	fb_sa_from_spec(&o, 9, &fs.lv[0].sa);
	ho = hi = NULL;
	if (fb_build(&fs, &f) != 0 || add_out(&o, &ho) != NDIS_STATUS_SUCCESS ||
	    sa_add(&s, &i, &hi) != NDIS_STATUS_SUCCESS ||
	    fb_send(&io, f.b, f.len, NULL, ho, NULL, f.hdr_info, 0) != NDIS_STATUS_SUCCESS ||
	    io.transmitted != 1) {
		IPOC_CHECK(!"sealing the valid packet failed");
		return -1;
	}
	g = f;
	memcpy(g.b, io.tx[0], f.len);
	g0 = g;
	return 0;
}

static void drop(void)
{
	if (ho)
		IPOC_CHECK_EQ(sa_delete(&s, ho), NDIS_STATUS_SUCCESS);
	if (hi)
		IPOC_CHECK_EQ(sa_delete(&s, hi), NDIS_STATUS_SUCCESS);
	ho = hi = NULL;
}

/* ---- receiving ---- */

/* After a failed check: where from, and g's first SPI. */
static void where(unsigned failed_before, int line)
{
	const uint8_t *p = g.b + (g.w[0].ah ? g.w[0].ah + 4 : g.w[0].esp);

	if (ipoc_test_failed != failed_before)
		fprintf(stderr, "  (from line %d, IPv%d, outer SPI 0x%02x%02x%02x%02x)\n", line,
			g.b[g.w[0].ip] >> 4, p[0], p[1], p[2], p[3]);
}

/* g received: CryptoDone with status st (and extra slot-1 bits); slot 12
 * zero; the bytes as they arrived. */
static void expect_status(uint16_t st, uint32_t extra, int line)
{
	unsigned failed = ipoc_test_failed;

	IPOC_CHECK_EQ(fb_receive(&io, g.b, g.len, NULL), 0);
	IPOC_CHECK_EQ(io.indicated, 1);
	IPOC_CHECK(io.guards_ok);
	IPOC_CHECK_EQ(io.slot1, IPSEC_RX_CRYPTO_DONE | extra | (uint32_t)st << 16);
	if (st != CRYPTO_SUCCESS) {
		IPOC_CHECK_EQ(io.slot12, 0);
		IPOC_CHECK_EQ(io.after_len, g.len);
		IPOC_CHECK_MEM(io.after, g.b, g.len);
	}
	where(failed, line);
}
#define EXPECT(st) expect_status((st), 0, __LINE__)

/* frame (len bytes) received: no IPsec processing at all. */
static void expect_none_at(const uint8_t *frame, uint32_t len, int line)
{
	unsigned failed = ipoc_test_failed;

	IPOC_CHECK_EQ(fb_receive(&io, frame, len, NULL), 0);
	IPOC_CHECK_EQ(io.indicated, 1);
	IPOC_CHECK(io.guards_ok);
	IPOC_CHECK_EQ(io.slot1, 0);
	IPOC_CHECK_EQ(io.slot11, 0);
	IPOC_CHECK_EQ(io.slot12, 0);
	IPOC_CHECK_EQ(io.after_len, len);
	IPOC_CHECK_MEM(io.after, frame, len);
	where(failed, line);
}
#define EXPECT_NONE() expect_none_at(g.b, g.len, __LINE__)

static void flip(uint32_t off)
{
	g.b[off] ^= 0x01;
}

/* ---- authentication failures ---- */

/* A GCM IV that changed decrypts every byte wrongly, the Next Header that
 * tells tunnel from transport too: either ESP status is right then. */
static void expect_esp_auth_any(void)
{
	uint32_t st;

	IPOC_CHECK_EQ(fb_receive(&io, g.b, g.len, NULL), 0);
	st = IPSEC_RX_CRYPTO_STATUS(io.slot1);
	IPOC_CHECK(st == CRYPTO_TRANSPORT_ESP_AUTH_FAILED || st == CRYPTO_TUNNEL_ESP_AUTH_FAILED);
	IPOC_CHECK_EQ(io.slot1 & 0xFFFF, IPSEC_RX_CRYPTO_DONE);
	IPOC_CHECK_EQ(io.slot12, 0);
	IPOC_CHECK_MEM(io.after, g.b, g.len);
}

/* Ciphertext, ICV, sequence number (in the ICV or GCM AAD: RFC 4303 §2.2,
 * RFC 4106 §5) and IV (RFC 4303 §3.3.2, RFC 4106 §4 nonce). */
static void esp_tampers(bool tunnel, const struct fb_sa *sa, bool gcm)
{
	const struct fb_where *w = &g.w[0];
	const uint32_t at[] = { w->payload, w->icv + sa->esp_icv - 1, w->esp + 7, w->iv };
	uint16_t st = tunnel ? CRYPTO_TUNNEL_ESP_AUTH_FAILED : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;

	EXPECT(CRYPTO_SUCCESS);
	for (size_t i = 0; i < N(at); i++) {
		if (i == 3 && !sa->esp_iv)
			continue;
		g = g0;
		flip(at[i]);
		if (i == 3 && gcm)
			expect_esp_auth_any();
		else
			EXPECT(st);
	}
}

static void test_esp_auth(void)
{
	const struct sa_spec algs[] = {
		esp(0x1001, CBC128, SHA1), esp(0x1002, GCM128, 0), esp(0x1003, NONE, SHA256),
		esp(0x1004, NONE, GMAC128), esp(0x1005, TDES, MD5),
	};

	for (size_t a = 0; a < N(algs); a++)
		for (int env = 0; env < 4; env++) {
			struct fb_sa sa;

			fb_sa_from_spec(&algs[a], 0, &sa);
			if (seal2(&algs[a], NULL, env & 1 ? 6 : 4, env & 2, false) == 0)
				esp_tampers(env & 2, &sa, algs[a].m[0].enc.id == GCM128);
			drop();
		}
}

/* Mutable fields change en route and do not fail AH (RFC 4302 §3.3.3.1);
 * immutable ones do. */
static void ah_mutable(int family, uint16_t fail)
{
	uint32_t ip = g.w[0].ip;

	if (family == 4) {
		g.b[ip + 1] = 0xB8, g.b[ip + 8] -= 3, g.b[ip + 6] = 0;   /* TOS, TTL, DF */
		g.b[ip + 24] ^= 0xFF;                                    /* Record Route */
		fb_fix_ipv4(g.b, ip);
		EXPECT(CRYPTO_SUCCESS);
		g = g0;
		g.b[ip + 30] ^= 1;                                       /* Router Alert */
		fb_fix_ipv4(g.b, ip);
		EXPECT(fail);
		return;
	}
	g.b[ip] ^= 0x0F, g.b[ip + 2] ^= 0x55, g.b[ip + 7] -= 3;   /* class, flow, hops */
	g.b[ip + 44] ^= 0xFF;                         /* Hop-by-Hop option 0x3E data */
	EXPECT(CRYPTO_SUCCESS);
	g = g0;
	g.b[ip + 52] ^= 0xFF;                         /* Destination option 0x1E data */
	EXPECT(fail);
}

static void ah_tampers(int family, bool tunnel, const struct fb_sa *sa)
{
	const struct fb_where *w = &g.w[0];
	const uint32_t at[] = { g.upper_end - 1, w->ah_icv + sa->ah_icv - 1, w->ah + 11,
				w->ip + (family == 4 ? 12 : 8), w->ah_iv };
	uint16_t st = tunnel ? CRYPTO_TUNNEL_AH_AUTH_FAILED : CRYPTO_TRANSPORT_AH_AUTH_FAILED;

	EXPECT(CRYPTO_SUCCESS);
	for (size_t i = 0; i < N(at); i++) {
		if (i == 4 && !sa->ah_iv)
			continue;
		g = g0;
		flip(at[i]);
		if (family == 4)
			fb_fix_ipv4(g.b, w->ip);
		EXPECT(st);
	}
	g = g0;
	ah_mutable(family, st);
}

/* AH alone and in an [ESP, AH] bundle. In tunnel mode every IPsec header
 * after the outer IP header is the tunnel portion, the bundle's AH too
 * (its Next Header is ESP, the IP packet is behind ESP). */
static void test_ah_auth(void)
{
	const struct sa_spec algs[] = {
		ah(0x2001, MD5), ah(0x2002, SHA256), ah(0x2003, GMAC128), bundle(0x2004, 0x2104),
	};

	for (size_t a = 0; a < N(algs); a++)
		for (int env = 0; env < 4; env++) {
			struct fb_sa sa;

			fb_sa_from_spec(&algs[a], 0, &sa);
			if (seal2(&algs[a], NULL, env & 1 ? 6 : 4, env & 2, true) == 0)
				ah_tampers(env & 1 ? 6 : 4, env & 2, &sa);
			drop();
		}
}

/* ---- syntax ---- */

/* ESP shorter than header + IV + trailer + ICV; ciphertext not a multiple
 * of the block (RFC 4303 §2.4: 4 bytes at least). */
static void test_esp_lengths(void)
{
	const struct sa_spec algs[] = { esp(0x3001, CBC128, SHA1), esp(0x3002, GCM128, 0),
					esp(0x3003, TDES, 0) };
	static const int32_t deltas[] = { 1, -1, 2, 8 + 3 };

	for (size_t a = 0; a < N(algs); a++) {
		struct fb_sa sa;

		fb_sa_from_spec(&algs[a], 0, &sa);
		if (seal2(&algs[a], NULL, a == 1 ? 6 : 4, false, false) != 0) {
			drop();
			continue;
		}
		fb_set_end(&g, g.w[0].esp + 8 + sa.esp_iv + 2 + sa.esp_icv - 1);
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
		for (size_t d = 0; d < N(deltas); d++) {
			g = g0;
			fb_set_end(&g, (uint32_t)((int32_t)g.len + deltas[d]));
			EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
		}
		drop();
	}
}

/* HMAC over ESP header .. Next Header with the key sa_build gives a key at
 * offset 0 (bytes 0x11, 0x12, ...), truncated to the ICV (RFC 2404 §2). */
static void reseal_hmac(const EVP_MD *md, uint32_t key_len, uint32_t icv_len)
{
	uint8_t key[32], out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	const struct fb_where *w = &g.w[0];

	for (uint32_t i = 0; i < key_len; i++)
		key[i] = (uint8_t)(0x11 + i);
	HMAC(md, key, (int)key_len, g.b + w->esp, w->icv - w->esp, out, &n);
	memcpy(g.b + w->icv, out, icv_len);
}

/* A Pad Length that reaches before the payload, with a valid ICV. */
static void test_pad_length(void)
{
	const struct {
		ULONG id;
		const EVP_MD *(*md)(void);
		uint32_t key, icv;
	} h[] = { { SHA1, EVP_sha1, 20, 12 }, { MD5, EVP_md5, 16, 12 },
		  { SHA256, EVP_sha256, 32, 16 } };

	for (size_t a = 0; a < N(h); a++) {
		struct sa_spec sp = esp(0x3101 + (uint32_t)a, NONE, h[a].id);
		uint32_t clen;

		if (seal2(&sp, NULL, a == 2 ? 6 : 4, a == 1, false) != 0) {
			drop();
			continue;
		}
		reseal_hmac(h[a].md(), h[a].key, h[a].icv);     /* the recomputation is right */
		IPOC_CHECK_MEM(g.b, g0.b, g.len);
		clen = g.w[0].icv - g.w[0].payload;
		g.b[g.w[0].trailer] = (uint8_t)(clen - 1);       /* one past the payload */
		reseal_hmac(h[a].md(), h[a].key, h[a].icv);
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
		g = g0;
		g.b[g.w[0].trailer] = 250;
		reseal_hmac(h[a].md(), h[a].key, h[a].icv);
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
		drop();
	}
}

/* AH Payload Len that lies: past the packet, too short for the ICV, not a
 * multiple of 8 bytes in IPv6 (RFC 4302 §2.2). */
static void test_ah_length(void)
{
	const struct sa_spec v4 = ah(0x3201, SHA1), v6 = ah(0x3202, SHA256);

	if (seal2(&v4, NULL, 4, false, false) == 0) {
		g.b[g.w[0].ah + 1] = 255;
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
		g = g0;
		g.b[g.w[0].ah + 1] = 1;
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
	}
	drop();
	if (seal2(&v6, NULL, 6, false, false) == 0) {
		IPOC_CHECK_EQ(g.w[0].ah_len, 32);        /* 12 + 16, padded to 8 */
		g.b[g.w[0].ah + 1] = 5;                  /* 28 bytes */
		EXPECT(CRYPTO_INVALID_PACKET_SYNTAX);
	}
	drop();
}

/* ---- protocol ---- */

static void test_protocol(void)
{
	struct sa_spec e = esp(0x4001, GCM128, 0), a = ah(0x4001, SHA1);
	struct sa_spec bin = bundle(0x4100, 0x4200), aout = ah(0x4200, SHA256);
	struct sa_spec bout = bundle(0x4300, 0x4200), p = esp(0x4400, GCM128, 0), u = p;

	if (seal2(&e, &a, 4, false, false) == 0)        /* ESP packet, AH SA */
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
	if (seal2(&a, &e, 6, false, false) == 0)        /* AH packet, ESP SA */
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
	/* [ESP, AH] bundle: AH verifies (same key), then TCP, not ESP; then
	 * ESP with another SPI (RFC 4301 §4.5: the bundle's SAs in order). */
	ah_key_base = 16 + 20;                          /* after AES-128 and SHA-1 keys */
	if (seal2(&aout, &bin, 4, false, false) == 0)
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
	ah_key_base = -1;
	if (seal2(&bout, &bin, 6, false, true) == 0)
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
	/* RFC 3948: ESP in UDP for a plain SA, plain ESP for a UDP-ESP SA. */
	u.udp_esp = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT;
	if (seal2(&u, &p, 4, false, false) == 0)
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
	if (seal2(&p, &u, 6, false, false) == 0)
		EXPECT(CRYPTO_INVALID_PROTOCOL);
	drop();
}

/* ---- no IPsec processing ---- */

static void test_no_offload_v4(void)
{
	struct sa_spec sp = esp(0x5001, GCM128, 0);
	uint32_t ip;

	if (seal2(&sp, NULL, 4, false, false) != 0) {
		drop();
		return;
	}
	ip = g.w[0].ip;
	g.b[g.w[0].esp + 3] ^= 0x80;                       /* no SA for this SPI */
	EXPECT_NONE();
	g = g0, g.b[ip + 6] |= 0x20, fb_fix_ipv4(g.b, ip);  /* MF */
	EXPECT_NONE();
	g = g0, g.b[ip + 7] = 1, fb_fix_ipv4(g.b, ip);      /* fragment offset 8 */
	EXPECT_NONE();
	g = g0, g.b[12] = 0x08, g.b[13] = 0x06;             /* ARP */
	EXPECT_NONE();
	g = g0;
	expect_none_at(g.b, ip + 10, __LINE__);             /* IP header cut short */
	g.b[ip + 3] += 1, fb_fix_ipv4(g.b, ip);             /* total length + 1 */
	EXPECT_NONE();
	g = g0, g.b[ip] = 0x44, fb_fix_ipv4(g.b, ip);       /* IHL 16 bytes */
	EXPECT_NONE();
	g = g0;
	EXPECT(CRYPTO_SUCCESS);
	drop();
}

static void test_no_offload_v6(void)
{
	struct sa_spec sp = esp(0x5002, CBC128, SHA256);
	uint32_t ip;

	if (seal2(&sp, NULL, 6, false, true) != 0) {
		drop();
		return;
	}
	ip = g.w[0].ip;
	g.b[ip + 5] += 1;                                   /* payload length + 1 */
	EXPECT_NONE();
	g = g0;
	expect_none_at(g.b, ip + 30, __LINE__);
	/* RFC 8200 §4.5: the Destination Options header made a Fragment
	 * header (M set): a fragment is not processed (RFC 4303 §3.4.1). */
	g.b[ip + 40] = 44;                                  /* after Hop-by-Hop */
	g.b[ip + 49] = 0, g.b[ip + 50] = 0, g.b[ip + 51] = 1;
	EXPECT_NONE();
	drop();
}

/* RFC 3948 §2.2 non-ESP marker (IKE) and §2.3 NAT-keepalive. */
static void test_natt(void)
{
	struct sa_spec sp = esp(0x5003, GCM128, 0);

	sp.udp_esp = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT;
	for (int fam = 4; fam <= 6; fam += 2) {
		if (seal2(&sp, NULL, fam, false, false) == 0) {
			EXPECT(CRYPTO_SUCCESS);
			g = g0;
			memset(g.b + g.w[0].esp, 0, 4);         /* IKE header follows */
			EXPECT_NONE();
			g = g0;
			fb_set_end(&g, g.w[0].udp + 8 + 1);
			g.b[g.w[0].udp + 8] = 0xFF;
			EXPECT_NONE();
		}
		drop();
	}
}

/* ---- engine state ---- */

static void reopen(uint32_t capacity)
{
	session_close(&s);
	ho = hi = NULL;
	if (sa_open(&s, capacity) != 0)
		IPOC_CHECK(!"sa_open");
	fb_io_attach(&io, &s);
}

/* R-SA-10: SaDeleteReq when the SA table is full (PROFILE.md item 18
 * counts inbound and outbound). */
static void test_sa_delete_req(void)
{
	struct sa_spec sp = esp(0x6001, CBC128, SHA1);

	reopen(2);
	if (seal2(&sp, NULL, 4, false, false) == 0)
		expect_status(CRYPTO_SUCCESS, IPSEC_RX_SA_DELETE_REQ, __LINE__);
	reopen(3);
	if (seal2(&sp, NULL, 4, false, false) == 0)
		EXPECT(CRYPTO_SUCCESS);
	reopen(0);
}

/* OID_TCP_OFFLOAD_PARAMETERS switching IPsecV2 off, then ESP only off. */
static void test_disabled(void)
{
	static struct fb_frame fe, ge, fa, ga;
	struct sa_spec e = esp(0x7001, GCM128, 0), a = ah(0x7002, SHA1);
	NDIS_HANDLE he, ha;

	if (seal2(&e, NULL, 4, false, false) != 0)
		return;
	fe = f, ge = g, he = ho;
	if (seal2(&a, NULL, 4, false, false) != 0)
		return;
	fa = f, ga = g, ha = ho;
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED),
		      NDIS_STATUS_SUCCESS);
	expect_none_at(ge.b, ge.len, __LINE__);
	expect_none_at(ga.b, ga.len, __LINE__);
	IPOC_CHECK_EQ(fb_send(&io, fe.b, fe.len, NULL, he, NULL, fe.hdr_info, 0),
		      NDIS_STATUS_FAILURE);
	IPOC_CHECK_EQ(io.transmitted, 0);
	IPOC_CHECK_MEM(io.after, fe.b, fe.len);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED),
		      NDIS_STATUS_SUCCESS);
	expect_none_at(ge.b, ge.len, __LINE__);
	g = ga;
	EXPECT(CRYPTO_SUCCESS);
	IPOC_CHECK_EQ(fb_send(&io, fe.b, fe.len, NULL, he, NULL, fe.hdr_info, 0),
		      NDIS_STATUS_FAILURE);
	IPOC_CHECK_EQ(fb_send(&io, fa.b, fa.len, NULL, ha, NULL, fa.hdr_info, 0),
		      NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(sa_params(&s, 0, NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED),
		      NDIS_STATUS_SUCCESS);
	g = ge;
	EXPECT(CRYPTO_SUCCESS);
}

/* ---- nesting: NDIS knows two portions ---- */

/* IPv4 10.0.0.1 -> 10.0.0.2 carrying ESP (SPI spi, sequence seq, NULL
 * encryption, HMAC-SHA1-96 with sa_build's key 0x11, 0x12, ...) around the
 * n bytes at inner, Next Header nh. Returns the packet length. */
static uint32_t wrap_esp(uint8_t *out, uint32_t spi, uint32_t seq, const uint8_t *inner,
			 uint32_t n, uint8_t nh)
{
	static const uint8_t v4[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 50, 0, 0,
					10, 0, 0, 1, 10, 0, 0, 2 };
	uint8_t key[20], mac[EVP_MAX_MD_SIZE];
	uint32_t pad = (4 - (n + 2) % 4) % 4, len = 20 + 8 + n + pad + 2 + 12;
	unsigned int ml = 0;

	memcpy(out, v4, 20);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	fb_fix_ipv4(out, 0);
	for (int i = 0; i < 4; i++) {
		out[20 + i] = (uint8_t)(spi >> (24 - 8 * i));
		out[24 + i] = (uint8_t)(seq >> (24 - 8 * i));
	}
	memcpy(out + 28, inner, n);
	for (uint32_t i = 0; i < pad; i++)
		out[28 + n + i] = (uint8_t)(i + 1);
	out[28 + n + pad] = (uint8_t)pad;
	out[29 + n + pad] = nh;
	for (uint32_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x11 + i);
	HMAC(EVP_sha1(), key, (int)sizeof(key), out + 20, len - 20 - 12, mac, &ml);
	memcpy(out + len - 12, mac, 12);
	return len;
}

/* ESP tunnels three deep, each level verifying under one inbound SA: the
 * outer two portions are checked (NextCryptoDone) and the header
 * information is the second one's; the third is not looked into. */
static void test_nesting_depth(void)
{
	static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct sa_spec sp = esp(0x3301, NONE, SHA1);
	uint8_t l3[256], l2[256];
	uint32_t n3, n2, n1;

	sp.flags = IPSEC_OFFLOAD_V2_INBOUND;
	hi = ho = NULL;
	IPOC_CHECK_EQ(sa_add(&s, &sp, &hi), NDIS_STATUS_SUCCESS);
	n3 = wrap_esp(l3, 0x3301, 3, data, sizeof(data), 59);
	n2 = wrap_esp(l2, 0x3301, 2, l3, n3, 4);
	memset(&g, 0, sizeof(g));
	memcpy(g.b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\0", 14);
	n1 = wrap_esp(g.b + 14, 0x3301, 1, l2, n2, 4);
	g.len = 14 + n1;
	IPOC_CHECK_EQ(fb_receive(&io, g.b, g.len, NULL), 0);
	IPOC_CHECK_EQ(io.indicated, 1);
	IPOC_CHECK_EQ(io.slot1, IPSEC_RX_CRYPTO_DONE | IPSEC_RX_NEXT_CRYPTO_DONE);
	/* Level 2's trailer: Next Header 4, its pad length. */
	IPOC_CHECK_EQ(io.slot12, IPSEC_HDR_RX_HEADER_INFO_SET | 4u |
				 (uint32_t)((4 - (n3 + 2) % 4) % 4) << 8);
	IPOC_CHECK_MEM(io.after, g.b, g.len);   /* NULL encryption: nothing changes */
	drop();
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sa_open(&s, 0) != 0)
		return 1;
	fb_io_attach(&io, &s);
	test_esp_auth();
	test_ah_auth();
	test_esp_lengths();
	test_pad_length();
	test_ah_length();
	test_protocol();
	test_no_offload_v4();
	test_no_offload_v6();
	test_natt();
	test_sa_delete_req();
	test_disabled();
	test_nesting_depth();
	session_close(&s);
	return ipoc_test_report(argv[0]);
}
