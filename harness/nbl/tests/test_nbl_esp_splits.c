/* SPDX-License-Identifier: MIT */
/*
 * test_nbl_esp_splits.c - one real ESP packet through every 2-way MDL split,
 * random k-way splits and the one-byte-per-MDL shape: each build must
 * flatten back to the packet, and the cursor must find the IPv4 and ESP
 * header fields wherever the cuts fall.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipoc_nbl.h"
#include "ipoc_test.h"

/*
 * RFC 3602 (The AES-CBC Cipher Algorithm and Its Use with IPsec), section 4
 * "Test Vectors", Case #5: "Sample transport-mode ESP packet (ping
 * 192.168.123.100)", the "Post-encryption packet with SPI, Sequence number,
 * IV" (AES-CBC-128, key 90d382b4 10eeba7a d938c46c ec1a82bf, SPI 0x4321,
 * sequence number 1, no ICV). Transcribed from the RFC text as quoted in
 * /work/shared/reference/test-vectors.md and in several public test suites
 * that carry the same bytes; checked when written by decrypting the 80
 * bytes with that key and IV (giving the RFC's pre-encryption payload,
 * pad length 0x0e, next header 1) and by the IPv4 header checksum, which
 * this test re-verifies. Total length 0x007c = 20 + 8 + 16 + 80 = 124.
 */
static const uint8_t rfc3602_case5[] = {
	/* IPv4 header: 4500007c 08f20000 4032f9a5 c0a87b03 c0a87b64 */
	0x45, 0x00, 0x00, 0x7c, 0x08, 0xf2, 0x00, 0x00,
	0x40, 0x32, 0xf9, 0xa5, 0xc0, 0xa8, 0x7b, 0x03,
	0xc0, 0xa8, 0x7b, 0x64,
	/* SPI/Seq #: 00004321 00000001 */
	0x00, 0x00, 0x43, 0x21, 0x00, 0x00, 0x00, 0x01,
	/* IV: e96e8c08 ab465763 fd098d45 dd3ff893 */
	0xe9, 0x6e, 0x8c, 0x08, 0xab, 0x46, 0x57, 0x63,
	0xfd, 0x09, 0x8d, 0x45, 0xdd, 0x3f, 0xf8, 0x93,
	/* Encrypted Data (80 bytes) */
	0xf6, 0x63, 0xc2, 0x5d, 0x32, 0x5c, 0x18, 0xc6,
	0xa9, 0x45, 0x3e, 0x19, 0x4e, 0x12, 0x08, 0x49,
	0xa4, 0x87, 0x0b, 0x66, 0xcc, 0x6b, 0x99, 0x65,
	0x33, 0x00, 0x13, 0xb4, 0x89, 0x8d, 0xc8, 0x56,
	0xa4, 0x69, 0x9e, 0x52, 0x3a, 0x55, 0xdb, 0x08,
	0x0b, 0x59, 0xec, 0x3a, 0x8e, 0x4b, 0x7e, 0x52,
	0x77, 0x5b, 0x07, 0xd1, 0xdb, 0x34, 0xed, 0x9c,
	0x53, 0x8a, 0xb5, 0x0c, 0x55, 0x1b, 0x87, 0x4a,
	0xa2, 0x69, 0xad, 0xd0, 0x47, 0xad, 0x2d, 0x59,
	0x13, 0xac, 0x19, 0xb7, 0xcf, 0xba, 0xd4, 0xa6,
};

#define PKT_LEN ((uint32_t)sizeof(rfc3602_case5))
#define IP_HDR_LEN 20u
#define ESP_SPI 0x00004321u
#define ESP_SEQ 1u

static const uint8_t last16[16] = {
	0xa2, 0x69, 0xad, 0xd0, 0x47, 0xad, 0x2d, 0x59,
	0x13, 0xac, 0x19, 0xb7, 0xcf, 0xba, 0xd4, 0xa6,
};

/* The transcription itself: length field, checksum, protocol. */
static void test_transcription(void)
{
	uint32_t sum = 0;
	size_t i;

	IPOC_CHECK_EQ(PKT_LEN, 124);
	IPOC_CHECK_EQ((unsigned)rfc3602_case5[2] << 8 | rfc3602_case5[3], PKT_LEN);
	for (i = 0; i < IP_HDR_LEN; i += 2)
		sum += (uint32_t)rfc3602_case5[i] << 8 | rfc3602_case5[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	IPOC_CHECK_EQ(sum, 0xffff);
	/* What follows SPI, sequence number and IV is whole AES blocks. */
	IPOC_CHECK_EQ((PKT_LEN - IP_HDR_LEN - 8 - 16) % 16, 0);
}

/* The fields a receive path reads first, through the cursor. */
static int fields_ok(const NET_BUFFER *nb)
{
	struct ipoc_cursor c;
	uint8_t ver_ihl = 0, proto = 0, tail[16];
	uint16_t total = 0;
	uint32_t spi = 0, seq = 0;
	int ok = 1;

	ok &= ipoc_cursor_init(&c, nb) == 0;
	ok &= ipoc_cursor_u8(&c, &ver_ihl) == 0 && ver_ihl == 0x45;
	ok &= ipoc_cursor_skip(&c, 1) == 0;
	ok &= ipoc_cursor_be16(&c, &total) == 0 && total == PKT_LEN;
	ok &= ipoc_cursor_skip(&c, 5) == 0;      /* id, flags/fragment, TTL */
	ok &= ipoc_cursor_u8(&c, &proto) == 0 && proto == 50;
	ok &= ipoc_cursor_skip(&c, IP_HDR_LEN - 10) == 0;
	ok &= c.pos == IP_HDR_LEN;
	ok &= ipoc_cursor_be32(&c, &spi) == 0 && spi == ESP_SPI;
	ok &= ipoc_cursor_be32(&c, &seq) == 0 && seq == ESP_SEQ;
	ok &= ipoc_nb_copy_out(nb, PKT_LEN - 16, tail, 16) == 0;
	ok &= memcmp(tail, last16, 16) == 0;
	ok &= ipoc_nb_copy_out(nb, PKT_LEN - 15, tail, 16) == -1;
	return ok;
}

/* Build with the given shape; flatten, read fields, check guards. Returns
 * 1 when all hold; prints the shape otherwise. */
static int run_shape(const uint32_t *cuts, uint32_t n_cuts, uint32_t head, uint32_t tail,
		     const char *what)
{
	struct ipoc_frame f = { rfc3602_case5, PKT_LEN, { cuts, n_cuts, head, tail } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	uint8_t flat[PKT_LEN];
	uint32_t len = 0;
	int ok = 1;

	if (ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: build failed: %s\n", what, err);
		return 0;
	}
	ok &= ipoc_nb_mdl_count(nbl->FirstNetBuffer) == (size_t)n_cuts + 1;
	ok &= ipoc_nb_flatten(nbl->FirstNetBuffer, flat, sizeof(flat), &len) == 0;
	ok &= len == PKT_LEN && memcmp(flat, rfc3602_case5, PKT_LEN) == 0;
	ok &= fields_ok(nbl->FirstNetBuffer);
	if (ipoc_nbl_check_guards(nbl, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", what, err);
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "%s: failed (%u cuts, head %u, tail %u)\n", what, n_cuts, head, tail);
	ipoc_nbl_free(nbl);
	return ok;
}

static void test_every_2way_split(void)
{
	uint32_t at, cut[1];
	char what[64];

	for (at = 1; at < PKT_LEN; at++) {
		snprintf(what, sizeof(what), "split at %u", at);
		IPOC_CHECK_EQ(ipoc_shape_split2(PKT_LEN, at, cut, 1), 1);
		/* Vary head/tailroom with the split so both edges move too. */
		IPOC_CHECK(run_shape(cut, 1, at % 5, at % 3, what));
	}
}

static void test_random_kway(void)
{
	static const uint32_t ks[] = { 1, 2, 3, 5, 8, 17, 64, 123, 124 };
	uint32_t cuts[PKT_LEN];
	uint64_t seed = 0x1905;
	char what[96];
	size_t i;
	int n;

	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		uint64_t used = seed;

		n = ipoc_shape_random(PKT_LEN, ks[i], &seed, cuts, PKT_LEN);
		IPOC_CHECK_EQ(n, ks[i] - 1);
		if (n < 0)
			continue;
		snprintf(what, sizeof(what), "random k=%u seed 0x%llx", ks[i],
			 (unsigned long long)used);
		IPOC_CHECK(run_shape(cuts, (uint32_t)n, (uint32_t)i, 16, what));
	}
}

static void test_one_byte_mdls(void)
{
	uint32_t cuts[PKT_LEN];
	int n = ipoc_shape_bytes(PKT_LEN, cuts, PKT_LEN);

	IPOC_CHECK_EQ(n, PKT_LEN - 1);
	if (n > 0) {
		IPOC_CHECK(run_shape(cuts, (uint32_t)n, 0, 0, "one byte per MDL"));
		IPOC_CHECK(run_shape(cuts, (uint32_t)n, 7, 9, "one byte per MDL, rooms"));
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	test_transcription();
	test_every_2way_split();
	test_random_kway();
	test_one_byte_mdls();
	return ipoc_test_report(argv[0]);
}
