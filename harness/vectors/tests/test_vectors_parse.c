/* SPDX-License-Identifier: MIT */
/*
 * test_vectors_parse.c - the vector file reader (harness/vectors/vectors.h): good
 * files and the typed values they give, continuation lines, every error
 * message with its file:line, the limits, arbitrary bytes, and every file
 * shipped in vectors/ (the directory is argv[1]).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "ipoc_test.h"
#include "vectors.h"

#define HDR "# unit test vectors\n"
/* Lines 2-8; a test's own lines start at line 9. */
#define CASE_HEAD "[case c1]\nsource = unit test\ndirection = receive\nmode = transport\n" \
	"src = 192.0.2.1\ndst = 192.0.2.2\nesp.spi = 0x1000\n"
#define CBC_SHA1 "esp.enc = aes-cbc-128\nesp.enc_key = 000102030405060708090a0b0c0d0e0f\n" \
	"esp.auth = hmac-sha1-96\nesp.auth_key = 0001020304050607080910111213141516171819\n"
#define PRIM_HEAD "[prim p1]\nsource = unit test\n"

static struct vec_file *parse_ok(const char *text)
{
	struct vec_file *f = NULL;
	char err[VEC_ERRBUF_SIZE];

	if (vec_parse_buf("t.vec", text, strlen(text), &f, err, sizeof(err)) < 0) {
		fprintf(stderr, "unexpected error: %s\n", err);
		return NULL;
	}
	return f;
}

/* text must fail with exactly want. */
#define EXPECT_ERR(text, want) expect_err(__LINE__, (text), (want))

static void expect_err(int line, const char *text, const char *want)
{
	struct vec_file *f = (struct vec_file *)1;
	char err[VEC_ERRBUF_SIZE];
	int rc = vec_parse_buf("t.vec", text, strlen(text), &f, err, sizeof(err));

	if (rc == -1 && f == NULL && strcmp(err, want) == 0) {
		ipoc_test_passed++;
		return;
	}
	ipoc_test_failed++;
	fprintf(stderr, "%s:%d: rc %d, error \"%s\", want \"%s\"\n", __FILE__, line, rc,
		rc < 0 ? err : "", want);
	if (rc == 0)
		vec_file_free(f);
}

static void test_good_case(void)
{
	struct vec_file *f = parse_ok(HDR
		"# provenance\n\n"
		"[case esp.cbc-1]\n"
		"source = RFC 9999 Section 1,\n"
		"  continued here\n"
		"direction = both\n"
		"mode = tunnel\n"
		"src = 192.0.2.1\n"
		"dst = 192.0.2.2\n"
		"esp.spi = 4096\n"
		"esp.enc = aes-cbc-256\n"
		"esp.enc_key =\n"
		"\t00010203 04050607 08090a0b 0c0d0e0f\n"
		"\t10111213 14151617 18191A1B 1C1D1E1F\n"
		"esp.auth = hmac-sha256-128\n"
		"esp.auth_key = 00112233445566778899aabbccddeeff"
		"00112233445566778899aabbccddeeff\n"
		"esp.esn = 1\n"
		"esp.seq_hi = 0xfffffffe\n"
		"iv = 000102030405060708090a0b0c0d0e0f\r\n"
		"plain = 45 00 00 14\n"
		"wire = 45000014\n"
		"expect.status = CRYPTO_TUNNEL_ESP_AUTH_FAILED\n"
		"expect.next_header = 4\n"
		"needs = esn ah-esp\n"
		"\n"
		"[prim p-2]\n"
		"source = s\n"
		"alg = hmac-sha1\n"
		"key = 0b0b\n"
		"pt = 4869\n"
		"mac = 0102030405060708090a0b0c\n"
		"mac_len = 12\n");
	const struct vec_case *c;
	const struct vec_prim *p;

	IPOC_CHECK(f != NULL);
	if (!f)
		return;
	IPOC_CHECK_EQ(f->ncases, 1);
	IPOC_CHECK_EQ(f->nprims, 1);
	IPOC_CHECK(strcmp(f->name, "t.vec") == 0);
	c = vec_find_case(f, "esp.cbc-1");
	p = vec_find_prim(f, "p-2");
	IPOC_CHECK(c != NULL && p != NULL);
	IPOC_CHECK(vec_find_case(f, "p-2") == NULL);
	if (!c || !p)
		goto out;
	IPOC_CHECK_EQ(c->line, 4);
	IPOC_CHECK(strcmp(c->source, "RFC 9999 Section 1, continued here") == 0);
	IPOC_CHECK_EQ(c->direction, VEC_DIR_BOTH);
	IPOC_CHECK_EQ(c->mode, VEC_MODE_TUNNEL);
	IPOC_CHECK_EQ(c->family, VEC_FAMILY_IPV4);     /* from the addresses */
	IPOC_CHECK_EQ(c->udp, VEC_UDP_NONE);
	IPOC_CHECK_MEM(c->sa.src.a, "\xc0\x00\x02\x01", 4);
	IPOC_CHECK_MEM(c->sa.dst.a, "\xc0\x00\x02\x02", 4);
	IPOC_CHECK(c->sa.esp.present && !c->sa.ah.present && !c->tun.esp.present);
	IPOC_CHECK_EQ(c->sa.esp.spi, 4096);
	IPOC_CHECK_EQ(c->sa.esp.enc, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256);
	IPOC_CHECK_EQ(c->sa.esp.enc_key.len, 32);
	IPOC_CHECK_EQ(c->sa.esp.enc_key.data[31], 0x1f);
	IPOC_CHECK_EQ(c->sa.esp.auth, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256);
	IPOC_CHECK_EQ(c->sa.esp.icv_len, 16);          /* from the algorithm */
	IPOC_CHECK(c->sa.esp.esn);
	IPOC_CHECK_EQ(c->sa.esp.seq_hi, 0xfffffffeu);
	IPOC_CHECK_EQ(c->sa.esp.iv.len, 16);           /* \r\n line end */
	IPOC_CHECK_EQ(vec_esp_iv_len(&c->sa.esp), 16);
	IPOC_CHECK_EQ(c->plain.len, 4);
	IPOC_CHECK_MEM(c->plain.data, c->wire.data, 4);
	IPOC_CHECK_EQ(c->expect.status, VEC_CRYPTO_TUNNEL_ESP_AUTH_FAILED);
	IPOC_CHECK_EQ(c->expect.next_header, 4);
	IPOC_CHECK_EQ(c->expect.pad_length, -1);
	IPOC_CHECK_EQ(c->expect.crypto_done, -1);
	IPOC_CHECK_EQ(c->expect.send_status, 0);       /* NDIS_STATUS_SUCCESS */
	IPOC_CHECK_EQ(c->needs, VEC_NEED_ESN | VEC_NEED_AH_ESP);
	IPOC_CHECK(c->sa.ah.auth_key.data != NULL && c->sa.ah.auth_key.len == 0);
	IPOC_CHECK_EQ(p->line, 27);
	IPOC_CHECK(p->alg == ipoc_alg_by_prim("hmac-sha1", 9));
	IPOC_CHECK_EQ(p->mac_len, 12);
	IPOC_CHECK_EQ(p->key.len, 2);
	IPOC_CHECK(p->aad.data != NULL && p->aad.len == 0);
out:
	vec_file_free(f);
}

static void test_good_variants(void)
{
	struct vec_file *f;

	/* IPv6, AH-GMAC with ah.iv, send only (no wire needed on failure). */
	f = parse_ok(HDR "[case v6]\nsource = s\ndirection = send\nmode = transport\n"
		     "src = 2001:db8::1\ndst = 2001:db8::2\nah.spi = 0x100\n"
		     "ah.auth = aes-gmac-128\n"
		     "ah.auth_key = 000102030405060708090a0b0c0d0e0f cafebabe\n"
		     "ah.iv = 0100000000000000\n"
		     "plain = 60\nexpect.send_status = NDIS_STATUS_FAILURE\n"
		     "needs = ipv6 ah gmac\n");
	IPOC_CHECK(f != NULL);
	if (f) {
		const struct vec_case *c = &f->cases[0];

		IPOC_CHECK_EQ(c->family, VEC_FAMILY_IPV6);
		IPOC_CHECK_MEM(c->sa.src.a, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		IPOC_CHECK_EQ(c->sa.ah.icv_len, 24);
		IPOC_CHECK_EQ(c->expect.send_status, (int32_t)0xC0000001u);
		IPOC_CHECK_EQ(c->wire.len, 0);
		vec_file_free(f);
	}
	/* Transport over UDP-encapsulated tunnel, GCM, both SAs. */
	f = parse_ok(HDR "[case tot]\nsource = s\ndirection = receive\n"
		     "mode = transport-over-tunnel\nudp = transport-over-udp-tunnel\n"
		     "family = ipv4\n"
		     "src = 10.0.0.1\ndst = 10.0.0.2\nesp.spi = 1\nesp.enc = null\n"
		     "esp.auth = hmac-md5-96\nesp.auth_key = 00112233445566778899aabbccddeeff\n"
		     "tun.src = 192.0.2.1\ntun.dst = 192.0.2.2\ntun.esp.spi = 2\n"
		     "tun.esp.enc = aes-gcm-256\n"
		     "tun.esp.enc_key = " "00112233445566778899aabbccddeeff"
		     "00112233445566778899aabbccddeeff 01020304\ntun.esp.auth = none\n"
		     "tun.esp.icv_len = 12\nwire = 4500\n");
	IPOC_CHECK(f != NULL);
	if (f) {
		IPOC_CHECK_EQ(f->cases[0].tun.esp.icv_len, 12);
		IPOC_CHECK_EQ(f->cases[0].tun.esp.enc_key.len, 36);
		IPOC_CHECK_EQ(f->cases[0].sa.esp.icv_len, 12);
		IPOC_CHECK_EQ(vec_esp_iv_len(&f->cases[0].tun.esp), 8);
		vec_file_free(f);
	}
	/* Prims of each kind; an empty hex value is a zero-length string. */
	f = parse_ok(HDR PRIM_HEAD "alg = aes-gcm-128\nkey = 00000000000000000000000000000000\n"
		     "iv = 000000000000000000000000\npt =\nct =\n"
		     "tag = 58e2fccefa7e3061367f1d57a4e7455a\n"
		     "[prim p2]\nsource = s\nalg = null\npt = 00\nct = 00\n"
		     "[prim p3]\nsource = s\nalg = 3des-cbc\n"
		     "key = " "000102030405060708090a0b0c0d0e0f1011121314151617"
		     "\niv = 0001020304050607\npt = 0001020304050607\nct = 0001020304050607\n"
		     "[prim p4]\nsource = s\nalg = aes-gmac-256\n"
		     "key = " "000102030405060708090a0b0c0d0e0f"
		     "000102030405060708090a0b0c0d0e0f\niv = 00\ntag = 00\n");
	IPOC_CHECK(f != NULL);
	if (f) {
		IPOC_CHECK_EQ(f->nprims, 4);
		IPOC_CHECK(f->prims[0].pt.len == 0 && f->prims[0].pt.data != NULL);
		IPOC_CHECK_EQ(f->prims[0].mac_len, -1);
		vec_file_free(f);
	}
}

static void test_names(void)
{
	IPOC_CHECK(strcmp(vec_enc_name(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192), "aes-gcm-192") == 0);
	IPOC_CHECK(strcmp(vec_auth_name(IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1), "hmac-sha1-96") == 0);
	IPOC_CHECK(strcmp(vec_mode_name(VEC_MODE_TRANSPORT_OVER_TUNNEL),
			  "transport-over-tunnel") == 0);
	IPOC_CHECK(strcmp(vec_udp_name(VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL),
			  "udp-transport-over-tunnel") == 0);
	IPOC_CHECK(strcmp(vec_direction_name(VEC_DIR_RECEIVE), "receive") == 0);
	IPOC_CHECK(strcmp(vec_family_name(VEC_FAMILY_IPV6), "ipv6") == 0);
	IPOC_CHECK(strcmp(vec_prim_alg_name(ipoc_alg_by_prim("hmac-sha256", 11)), "hmac-sha256") == 0);
	IPOC_CHECK(strcmp(vec_crypto_status_name(VEC_CRYPTO_INVALID_PROTOCOL),
			  "CRYPTO_INVALID_PROTOCOL") == 0);
	IPOC_CHECK(strcmp(vec_need_name(VEC_NEED_ENC_ONLY_ESP), "enc-only-esp") == 0);
	IPOC_CHECK(strcmp(vec_enc_name(0x40000000u), "?") == 0);
	IPOC_CHECK(strcmp(vec_crypto_status_name(-1), "?") == 0);
}

static void test_syntax_errors(void)
{
	EXPECT_ERR(HDR CASE_HEAD "colour = red\n", "t.vec:9: unknown key `colour`");
	EXPECT_ERR(HDR CASE_HEAD "alg = null\n", "t.vec:9: alg: not a key of a [case] block");
	EXPECT_ERR(HDR CASE_HEAD "mode = tunnel\n",
		   "t.vec:9: mode: duplicate key (first at line 5)");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire = 45\n[case c1]\n",
		   "t.vec:14: duplicate id `c1` (first at line 2)");
	EXPECT_ERR(HDR PRIM_HEAD "alg = null\npt = 00\nct = 00\n[prim p1]\n",
		   "t.vec:7: duplicate id `p1` (first at line 2)");
	EXPECT_ERR(HDR "[case Big]\n",
		   "t.vec:2: block header: the id must have 1 to 64 characters of [a-z0-9._-]");
	EXPECT_ERR(HDR "[case ]\n",
		   "t.vec:2: block header: the id must have 1 to 64 characters of [a-z0-9._-]");
	EXPECT_ERR(HDR "[case c1] x\n", "t.vec:2: block header: text after `]` at column 11");
	EXPECT_ERR(HDR "[case c1\n", "t.vec:2: block header: column 9: want `]` after the id");
	EXPECT_ERR(HDR "[vector c1]\n",
		   "t.vec:2: unknown block `[vector`, want [case ID] or [prim ID]");
	EXPECT_ERR(HDR "[casex]\n", "t.vec:2: unknown block `[casex`, want [case ID] or [prim ID]");
	EXPECT_ERR(HDR "[case]\n", "t.vec:2: block header: want a blank and an id after `[case`");
	EXPECT_ERR(HDR "source = x\n",
		   "t.vec:2: key `source` before the first [case] or [prim] block");
	EXPECT_ERR(HDR CASE_HEAD "this is not a key line\n",
		   "t.vec:9: want `key = value`, `[case ID]`, `[prim ID]` or a # comment");
	EXPECT_ERR(HDR "  00\n", "t.vec:2: continuation line (leading blank) without a key line "
		   "right before it");
	EXPECT_ERR(HDR CASE_HEAD "wire = 00\n# comment\n  11\n",
		   "t.vec:11: continuation line (leading blank) without a key line "
		   "right before it");
	EXPECT_ERR("[case c1]\n",
		   "t.vec:1: the file must start with its provenance comments (# ...)");
	EXPECT_ERR("", "t.vec:1: no [case] or [prim] block");
	EXPECT_ERR(HDR "\n# only comments\n", "t.vec:3: no [case] or [prim] block");
	EXPECT_ERR(HDR CASE_HEAD "direction = sideways\n",
		   "t.vec:9: direction: duplicate key (first at line 4)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = sideways\n",
		   "t.vec:4: direction: unknown value `sideways`");
	EXPECT_ERR(HDR "[case c1]\nsource = s\nmode = tunnel mode\n",
		   "t.vec:4: mode: byte 0x20 at column 14 is not allowed here (one word expected)");
	EXPECT_ERR(HDR "[case c1]\nsource =\n", "t.vec:3: source: empty value");
	EXPECT_ERR(HDR "[case c1]\nsource = a\tb\x01\n",
		   "t.vec:3: source: byte 0x01 at column 13 is not allowed in text");
	EXPECT_ERR(HDR CASE_HEAD "needs = esn warp-drive\n",
		   "t.vec:9: needs: unknown capability word `warp-drive`");
	EXPECT_ERR(HDR CASE_HEAD "esp.esn = yes\n", "t.vec:9: esp.esn: `yes`, want 0 or 1");
	EXPECT_ERR(HDR CASE_HEAD "expect.status = CRYPTO_MAYBE\n",
		   "t.vec:9: expect.status: unknown value `CRYPTO_MAYBE`");
}

static void test_value_errors(void)
{
	/* Hex: odd digits, a bad character with its line and column, also on a
	 * continuation line. */
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire = 45000\n",
		   "t.vec:13: wire: odd number of hex digits (5)");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire = 4500 0g00\n",
		   "t.vec:13: wire: 'g' at column 14 is not a hex digit");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire =\n\t45000000\n  0000x000\n",
		   "t.vec:15: wire: 'x' at column 7 is not a hex digit");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire = 0x4500\n",
		   "t.vec:13: wire: 'x' at column 9 is not a hex digit");
	/* Numbers out of range or malformed. */
	EXPECT_ERR(HDR "[case c1]\nesp.spi = 0x100000000\n",
		   "t.vec:3: esp.spi: 0x100000000 is out of range (at most 4294967295)");
	EXPECT_ERR(HDR "[case c1]\nesp.spi = 4294967296\n",
		   "t.vec:3: esp.spi: 4294967296 is out of range (at most 4294967295)");
	EXPECT_ERR(HDR "[case c1]\nesp.spi = -1\n",
		   "t.vec:3: esp.spi: '-' at column 11 is not a decimal digit");
	EXPECT_ERR(HDR "[case c1]\nesp.spi = 12ab\n",
		   "t.vec:3: esp.spi: 'a' at column 13 is not a decimal digit");
	EXPECT_ERR(HDR "[case c1]\nesp.icv_len = 256\n",
		   "t.vec:3: esp.icv_len: 256 is out of range (at most 255)");
	EXPECT_ERR(HDR "[case c1]\nexpect.next_header = 300\n",
		   "t.vec:3: expect.next_header: 300 is out of range (at most 255)");
	EXPECT_ERR(HDR "[prim p1]\nmac_len = 65\n",
		   "t.vec:3: mac_len: 65 is out of range (at most 64)");
	/* Addresses. */
	EXPECT_ERR(HDR "[case c1]\nsrc = 192.0.2.256\n",
		   "t.vec:3: src: `192.0.2.256` is not an IPv4 (dotted quad) address");
	EXPECT_ERR(HDR "[case c1]\nsrc = 192.0.2\n",
		   "t.vec:3: src: `192.0.2` is not an IPv4 (dotted quad) address");
	EXPECT_ERR(HDR "[case c1]\ntun.dst = 2001:db8:::1\n",
		   "t.vec:3: tun.dst: `2001:db8:::1` is not an IPv6 address");
	EXPECT_ERR(HDR "[case c1]\ndst = 2001:db8::1::2\n",
		   "t.vec:3: dst: `2001:db8::1::2` is not an IPv6 address");
}

static void test_missing_keys(void)
{
	EXPECT_ERR(HDR "[case c1]\ndirection = receive\n",
		   "t.vec:2: case c1: missing required key `source`");
	EXPECT_ERR(HDR "[case c1]\nsource = s\nmode = tunnel\n",
		   "t.vec:2: case c1: missing required key `direction`");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = send\nsrc = 192.0.2.1\n",
		   "t.vec:2: case c1: missing required key `mode`");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = send\nmode = tunnel\ndst = 192.0.2.1\n",
		   "t.vec:2: case c1: missing required key `src`");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = null\n",
		   "t.vec:2: case c1: missing required key `esp.auth`");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1, "t.vec:2: case c1: missing required key `wire` "
		   "(direction includes receive)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = send\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nesp.spi = 1\n" CBC_SHA1 "iv = "
		   "000102030405060708090a0b0c0d0e0f\nwire = 00\n",
		   "t.vec:2: case c1: missing required key `plain` (direction includes send)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = send\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nesp.spi = 1\n" CBC_SHA1 "plain = 00\n",
		   "t.vec:2: case c1: missing required key `iv` (send with aes-cbc-128)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = send\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nesp.spi = 1\n" CBC_SHA1
		   "iv = 000102030405060708090a0b0c0d0e0f\nplain = 00\n",
		   "t.vec:2: case c1: missing required key `wire` "
		   "(the frame a successful send transmits)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nwire = 00\n",
		   "t.vec:2: case c1: neither `esp.spi` nor `ah.spi`: the SA has no member");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = aes-gcm-128\n"
		   "esp.enc_key = 000102030405060708090a0b0c0d0e0f"
		   "00010203\nesp.auth = none\nwire = 00\n",
		   "t.vec:2: case c1: missing required key `esp.icv_len` (aes-gcm-128)");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = des-cbc\nesp.auth = none\nwire = 00\n",
		   "t.vec:2: case c1: missing required key `esp.enc_key` (des-cbc needs 8 bytes)");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = transport-over-tunnel\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\n"
		   "esp.spi = 1\n" CBC_SHA1 "tun.src = 192.0.2.3\n"
		   "wire = 00\n", "t.vec:2: case c1: missing required key `tun.dst`");
	EXPECT_ERR(HDR PRIM_HEAD "key = 00\n", "t.vec:2: prim p1: missing required key `alg`");
	EXPECT_ERR(HDR "[prim p1]\nalg = null\n",
		   "t.vec:2: prim p1: missing required key `source`");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-cbc-128\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv = 000102030405060708090a0b0c0d0e0f\npt = 00\n",
		   "t.vec:2: prim p1: missing required key `ct`");
	EXPECT_ERR(HDR PRIM_HEAD "alg = hmac-md5\nkey = 00\npt = 00\n",
		   "t.vec:2: prim p1: missing required key `mac`");
}

/* The key lengths of every algorithm, salt included for GCM and GMAC. */
static void test_key_lengths(void)
{
	static const struct {
		const char *enc, *key, *want;
	} enc[] = {
		{ "aes-cbc-128", "000102030405060708090a0b0c0d0e",
		  "t.vec:10: esp.enc_key: 15 bytes, aes-cbc-128 needs 16" },
		{ "aes-cbc-192", "000102030405060708090a0b0c0d0e0f",
		  "t.vec:10: esp.enc_key: 16 bytes, aes-cbc-192 needs 24" },
		{ "aes-cbc-256", "000102030405060708090a0b0c0d0e0f0001020304050607",
		  "t.vec:10: esp.enc_key: 24 bytes, aes-cbc-256 needs 32" },
		{ "aes-gcm-128", "000102030405060708090a0b0c0d0e0f",
		  "t.vec:10: esp.enc_key: 16 bytes, aes-gcm-128 needs 20 (key + 4-byte salt)" },
		{ "aes-gcm-192", "000102030405060708090a0b0c0d0e0f0001020304050607",
		  "t.vec:10: esp.enc_key: 24 bytes, aes-gcm-192 needs 28 (key + 4-byte salt)" },
		{ "aes-gcm-256", "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f",
		  "t.vec:10: esp.enc_key: 32 bytes, aes-gcm-256 needs 36 (key + 4-byte salt)" },
		{ "des-cbc", "00010203040506", "t.vec:10: esp.enc_key: 7 bytes, des-cbc needs 8" },
		{ "3des-cbc", "000102030405060708090a0b0c0d0e0f",
		  "t.vec:10: esp.enc_key: 16 bytes, 3des-cbc needs 24" },
		{ "null", "00", "t.vec:10: esp.enc_key: 1 bytes, null needs 0" },
	};
	static const struct {
		const char *auth, *key, *want;
	} auth[] = {
		{ "hmac-md5-96", "000102030405060708090a0b0c0d0e",
		  "t.vec:12: esp.auth_key: 15 bytes, hmac-md5-96 needs 16" },
		{ "hmac-sha1-96", "000102030405060708090a0b0c0d0e0f",
		  "t.vec:12: esp.auth_key: 16 bytes, hmac-sha1-96 needs 20" },
		{ "hmac-sha256-128", "000102030405060708090a0b0c0d0e0f00010203",
		  "t.vec:12: esp.auth_key: 20 bytes, hmac-sha256-128 needs 32" },
		{ "aes-gmac-128", "000102030405060708090a0b0c0d0e0f",
		  "t.vec:12: esp.auth_key: 16 bytes, aes-gmac-128 needs 20 (key + 4-byte salt)" },
		{ "aes-gmac-192", "000102030405060708090a0b0c0d0e0f00010203",
		  "t.vec:12: esp.auth_key: 20 bytes, aes-gmac-192 needs 28 (key + 4-byte salt)" },
		{ "aes-gmac-256", "000102030405060708090a0b0c0d0e0f0001020304050607",
		  "t.vec:12: esp.auth_key: 24 bytes, aes-gmac-256 needs 36 (key + 4-byte salt)" },
		{ "none", "00", "t.vec:12: esp.auth_key: 1 bytes, none needs 0" },
	};
	char text[2048];
	size_t i;

	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		snprintf(text, sizeof(text), HDR CASE_HEAD "esp.enc = %s\nesp.enc_key = %s\n"
			 "esp.auth = none\nesp.icv_len = 16\nwire = 00\n", enc[i].enc, enc[i].key);
		EXPECT_ERR(text, enc[i].want);
	}
	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++) {
		snprintf(text, sizeof(text), HDR CASE_HEAD "esp.enc = null\nesp.enc_key =\n"
			 "esp.auth = %s\nesp.auth_key = %s\n"
			 "wire = 00\n", auth[i].auth, auth[i].key);
		EXPECT_ERR(text, auth[i].want);
	}
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = tunnel\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nah.spi = 9\nah.auth = hmac-sha1-96\n"
		   "ah.auth_key = 00\n"
		   "wire = 00\n", "t.vec:10: ah.auth_key: 1 bytes, hmac-sha1-96 needs 20");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-cbc-192\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv = 000102030405060708090a0b0c0d0e0f\npt = 00\nct = 00\n",
		   "t.vec:5: key: 16 bytes, aes-cbc-192 needs 24");
}

static void test_semantic_errors(void)
{
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "plain = 4500\nwire = 450000\n",
		   "t.vec:14: wire: 3 bytes, plain has 2; "
		   "processing is in place, lengths must be equal");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "wire =\n", "t.vec:13: wire: empty packet");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = aes-gcm-128\n"
		   "esp.enc_key = 000102030405060708090a0b0c0d0e0f"
		   "00010203\nesp.auth = hmac-sha1-96\nwire = 00\n",
		   "t.vec:11: esp.auth: must be none with aes-gcm-128 (combined mode, RFC 4106)");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = aes-gcm-128\n"
		   "esp.enc_key = 000102030405060708090a0b0c0d0e0f"
		   "00010203\nesp.auth = none\nesp.icv_len = 10\nwire = 00\n",
		   "t.vec:12: esp.icv_len: 10, aes-gcm-128 allows 8, 12 or 16");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "esp.icv_len = 16\nwire = 00\n",
		   "t.vec:13: esp.icv_len: 16, hmac-sha1-96 gives 12");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = aes-cbc-128\n"
		   "esp.enc_key = 000102030405060708090a0b0c0d0e0f\n"
		   "esp.auth = aes-gmac-128\n"
		   "esp.auth_key = 000102030405060708090a0b0c0d0e0f00010203\n"
		   "wire = 00\n", "t.vec:9: esp.enc: aes-cbc-128 cannot go with aes-gmac-128 "
		   "(RFC 4543: GMAC is ESP without encryption)");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = none\nesp.auth = none\nwire = 00\n",
		   "t.vec:9: esp.enc: ESP with neither encryption nor authentication");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "esp.seq_hi = 1\nwire = 00\n",
		   "t.vec:13: esp.seq_hi: given but esp.esn is not 1");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "iv = 0001020304050607\nwire = 00\n",
		   "t.vec:13: iv: 8 bytes, aes-cbc-128 needs 16");
	EXPECT_ERR(HDR CASE_HEAD "esp.enc = null\nesp.auth = hmac-md5-96\n"
		   "esp.auth_key = 000102030405060708090a0b0c0d0e0f\niv = 00\nwire = 00\n",
		   "t.vec:12: iv: 1 bytes, null needs 0");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "ah.auth = hmac-md5-96\nwire = 00\n",
		   "t.vec:13: ah.auth: given without ah.spi");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nah.spi = 9\nah.auth = none\nwire = 00\n",
		   "t.vec:9: ah.auth: none is not an AH algorithm");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "tun.src = 192.0.2.9\nwire = 00\n",
		   "t.vec:13: tun.src: only with mode = transport-over-tunnel");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "udp = tunnel\nwire = 00\n",
		   "t.vec:13: udp: tunnel does not go with mode = transport");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 192.0.2.2\nah.spi = 9\nah.auth = hmac-sha1-96\n"
		   "ah.auth_key = 0001020304050607080910111213141516171819\nudp = transport\n"
		   "wire = 00\n",
		   "t.vec:11: udp: transport, but that SA has no ESP member");
	EXPECT_ERR(HDR "[case c1]\nsource = s\ndirection = receive\nmode = transport\n"
		   "src = 192.0.2.1\ndst = 2001:db8::1\nesp.spi = 1\n" CBC_SHA1 "wire = 00\n",
		   "t.vec:7: dst: ipv6, but src is ipv4");
	EXPECT_ERR(HDR CASE_HEAD CBC_SHA1 "family = ipv6\nwire = 00\n",
		   "t.vec:13: family: ipv6, but the outer SA's addresses are ipv4");
	/* Prim rules. */
	EXPECT_ERR(HDR PRIM_HEAD "alg = hmac-sha1\nkey = 00\npt = 00\nmac = 0001\n",
		   "t.vec:7: mac: 2 bytes, want 20 (the whole digest; set mac_len to truncate)");
	EXPECT_ERR(HDR PRIM_HEAD "alg = hmac-sha1\nkey = 00\npt = 00\nmac = 0001\nmac_len = 3\n",
		   "t.vec:7: mac: 2 bytes, want 3 (mac_len)");
	EXPECT_ERR(HDR PRIM_HEAD "alg = hmac-md5\nkey = 00\npt = 00\nmac = 0001\nmac_len = 17\n",
		   "t.vec:8: mac_len: 17, hmac-md5 gives 1 to 16 bytes");
	EXPECT_ERR(HDR PRIM_HEAD "alg = null\npt = 00\nct = 00\ntag = 00\n",
		   "t.vec:7: tag: not used by null");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-cbc-128\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv = 0001\npt = 00\nct = 00\n", "t.vec:6: iv: 2 bytes, aes-cbc-128 needs 16");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-cbc-128\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv = 000102030405060708090a0b0c0d0e0f\npt = 0001\nct = 0001\n",
		   "t.vec:7: pt: 2 bytes, not a multiple of 16 (aes-cbc-128)");
	EXPECT_ERR(HDR PRIM_HEAD "alg = null\npt = 0001\nct = 00\n",
		   "t.vec:6: ct: 1 bytes, pt has 2");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-gmac-128\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv =\ntag = 00\n", "t.vec:6: iv: 0 bytes, aes-gmac-128 needs at least 1");
	EXPECT_ERR(HDR PRIM_HEAD "alg = aes-gmac-128\nkey = 000102030405060708090a0b0c0d0e0f\n"
		   "iv = 00\ntag = 000102030405060708090a0b0c0d0e0f00\n",
		   "t.vec:7: tag: 17 bytes, want 1 to 16");
}

/* Build text with n blocks "[prim pN]" of a NULL identity. */
static char *many_blocks(size_t n, size_t *len)
{
	static const char block[] = "[prim p%zu]\nsource = s\nalg = null\npt = 00\nct = 00\n";
	size_t cap = 32 + n * (sizeof(block) + 8), off;
	char *t = malloc(cap);
	size_t i;

	if (!t)
		return NULL;
	off = (size_t)snprintf(t, cap, "%s", HDR);
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(t + off, cap - off, block, i);
	*len = off;
	return t;
}

static void test_limits(void)
{
	struct vec_file *f = NULL;
	char err[VEC_ERRBUF_SIZE];
	size_t len, n;
	char *t;

	/* 100000 blocks are fine, one more is not. */
	t = many_blocks(VEC_BLOCKS_MAX + 1, &len);
	IPOC_CHECK(t != NULL);
	if (t) {
		char *last = strstr(t, "[prim p100000]");

		IPOC_CHECK(vec_parse_buf("t.vec", t, (size_t)(last - t), &f, err,
					 sizeof(err)) == 0);
		IPOC_CHECK(f && f->nprims == VEC_BLOCKS_MAX);
		vec_file_free(f);
		IPOC_CHECK(vec_parse_buf("t.vec", t, len, &f, err, sizeof(err)) == -1);
		IPOC_CHECK_STR_HAS(err, ":500002: more than 100000 blocks in one file");
		free(t);
	}
	/* A line of 65536 bytes is fine, 65537 is not. */
	n = 70000;
	t = malloc(n + 64);
	IPOC_CHECK(t != NULL);
	if (t) {
		size_t head = (size_t)snprintf(t, 64, "%s", HDR "[case c1]\nsource = ");

		memset(t + head, 'a', n);
		/* the line is "source = " + body: make it exactly 65536, then 65537 */
		t[head + 65536 - 9] = '\n';
		t[head + 65536 - 9 + 1] = '\0';
		IPOC_CHECK(vec_parse_buf("t.vec", t, strlen(t), &f, err, sizeof(err)) == -1);
		IPOC_CHECK_STR_HAS(err, "t.vec:2: case c1: missing required key `direction`");
		t[head + 65536 - 9] = 'a';
		t[head + 65536 - 9 + 1] = '\n';
		t[head + 65536 - 9 + 2] = '\0';
		EXPECT_ERR(t, "t.vec:3: line of 65537 bytes, longer than 65536");
		free(t);
	}
	/* 65535 hex bytes are fine, 65536 are not (spread over lines). */
	n = 65536;
	t = malloc(128 + n * 3 + 64);
	IPOC_CHECK(t != NULL);
	if (t) {
		size_t off = (size_t)snprintf(t, 128, "%s", HDR PRIM_HEAD "alg = null\npt =\n");
		size_t i;

		for (i = 0; i < n; i++) {
			if (i % 4096 == 0)
				t[off++] = '\t';
			t[off++] = 'a';
			t[off++] = 'b';
			if (i % 4096 == 4095)
				t[off++] = '\n';
		}
		t[off] = '\0';
		EXPECT_ERR(t, "t.vec:5: pt: 65536 bytes, more than the limit of 65535");
		t[off - 3] = '\n';      /* drop the last byte */
		t[off - 2] = '\0';
		EXPECT_ERR(t, "t.vec:2: prim p1: missing required key `ct`");
		free(t);
	}
	/* A value over many lines stops at 262144 characters. */
	t = malloc(64 + 300 * 1024);
	IPOC_CHECK(t != NULL);
	if (t) {
		size_t off = (size_t)snprintf(t, 64, "%s", HDR "[case c1]\nsource = x\n");
		size_t i;

		for (i = 0; i < 300; i++) {
			memset(t + off, 'b', 1000);
			t[off] = ' ';
			off += 1000;
			t[off++] = '\n';
		}
		t[off] = '\0';
		IPOC_CHECK(vec_parse_buf("t.vec", t, off, &f, err, sizeof(err)) == -1);
		IPOC_CHECK_STR_HAS(err, "source: value longer than 262144 characters");
		free(t);
	}
	{
		static const char nul[] = HDR "[case c1]\nsource = a\0b\n";

		IPOC_CHECK(vec_parse_buf("t.vec", nul, sizeof(nul) - 1, &f, err,
					 sizeof(err)) == -1);
		IPOC_CHECK(strcmp(err, "t.vec:3: NUL byte in the line") == 0);
	}
	/* A tiny error buffer still gets a terminated prefix. */
	IPOC_CHECK(vec_parse_buf("t.vec", "x", 1, &f, err, 8) == -1);
	IPOC_CHECK(strcmp(err, "t.vec:1") == 0);
	IPOC_CHECK(vec_parse_buf("t.vec", "x", 1, &f, NULL, 0) == -1);
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Arbitrary bytes and mutations of a good file: no crash, no leak (ASan). */
static void test_arbitrary_bytes(void)
{
	static const char good[] = HDR CASE_HEAD CBC_SHA1 "wire =\n\t45000000 00000000\n"
		"expect.status = CRYPTO_SUCCESS\nneeds = esn\n" PRIM_HEAD "alg = hmac-sha1\n"
		"key = 00\npt = 00\nmac = 0001020304050607080910111213141516171819\n";
	static const char alphabet[] = "[]#=\n\t 0123456789abcdefx.-_:caseprim\xc3\xa9nul";
	char buf[sizeof(good) + 64], err[VEC_ERRBUF_SIZE];
	uint32_t seed = 0x1badcafe;
	unsigned ok = 0, i, j;

	for (i = 0; i < 4000; i++) {
		struct vec_file *f = NULL;
		size_t len = sizeof(good) - 1;

		memcpy(buf, good, len);
		for (j = rnd(&seed) % 6 + 1; j && len; j--) {
			size_t at = rnd(&seed) % len;

			if (i % 3 == 0)
				buf[at] = (char)rnd(&seed);
			else if (i % 3 == 1)
				buf[at] = alphabet[rnd(&seed) % (sizeof(alphabet) - 1)];
			else
				len = at;       /* truncate */
		}
		if (vec_parse_buf("t.vec", buf, len, &f, err, sizeof(err)) == 0) {
			ok++;
			vec_file_free(f);
		} else {
			IPOC_CHECK(f == NULL && strncmp(err, "t.vec:", 6) == 0);
		}
	}
	for (i = 0; i < 2000; i++) {
		struct vec_file *f = NULL;
		size_t len = rnd(&seed) % sizeof(buf);

		for (j = 0; j < len; j++)
			buf[j] = (char)rnd(&seed);
		if (vec_parse_buf(NULL, buf, len, &f, err, sizeof(err)) == 0)
			vec_file_free(f);
	}
	IPOC_CHECK(ok > 0);
	IPOC_CHECK(vec_parse_buf("t.vec", NULL, 5, &(struct vec_file *){ NULL }, err,
				 sizeof(err)) == -1);
}

static void test_files(const char *dir)
{
	struct vec_file *f = NULL;
	char err[VEC_ERRBUF_SIZE], path[4096];
	struct dirent *e;
	unsigned files = 0;
	DIR *d;

	IPOC_CHECK(vec_parse_file("/nonexistent/x.vec", &f, err, sizeof(err)) == -1);
	IPOC_CHECK(strcmp(err, "/nonexistent/x.vec: No such file or directory") == 0);
	if (!dir)
		return;
	d = opendir(dir);
	IPOC_CHECK(d != NULL);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".vec") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		files++;
		if (vec_parse_file(path, &f, err, sizeof(err)) < 0) {
			ipoc_test_failed++;
			fprintf(stderr, "shipped file: %s\n", err);
			continue;
		}
		IPOC_CHECK(f->ncases + f->nprims > 0);
		vec_file_free(f);
	}
	closedir(d);
	IPOC_CHECK(files >= 9);
}

int main(int argc, char **argv)
{
	test_good_case();
	test_good_variants();
	test_names();
	test_syntax_errors();
	test_value_errors();
	test_missing_keys();
	test_key_lengths();
	test_semantic_errors();
	test_limits();
	test_arbitrary_bytes();
	test_files(argc > 1 ? argv[1] : NULL);
	return ipoc_test_report(argv[0]);
}
