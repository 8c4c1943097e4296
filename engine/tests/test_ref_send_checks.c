/* SPDX-License-Identifier: MIT */
/*
 * test_ref_send_checks.c - what the send path refuses, and LSO with IPsec.
 *
 * TCP/IP frames the packet and says where its IPsec headers are (header
 * information, PROFILE.md items 3 and 12); an engine that seals a packet
 * whose map disagrees with its bytes would put a wrong packet on the wire.
 * Every refusal is NDIS_STATUS_INVALID_PACKET (NDIS_STATUS_FAILURE for
 * handles, R-TX-2), nothing is transmitted, and the NBL's bytes come back
 * as they were: EspHeaderOffset / AhHeaderOffset not at the SA's header,
 * beyond the frame; NextHeader / PadLength not the trailer's; a ciphertext
 * that is not a block multiple (RFC 4303 §2.4); a packet too short for
 * IV, trailer and ICV; a Pad Length beyond the payload; an AH Payload Len
 * that lies (RFC 4302 §2.2); an IP version not the SA's; fragments (RFC
 * 4303 §3.3.1: IPsec is applied before fragmentation); inbound handles.
 *
 * LSO (R-TX-6, ref_lso.c): a 5000-byte TCP payload with MSS 1400 leaves as
 * four segments, each a complete ESP packet the inbound SA accepts, with
 * consecutive ESP (and AH) sequence numbers, TCP sequence numbers advanced
 * by the data sent, valid IPv4 header and TCP checksums (RFC 793 §3.1), PSH
 * on the last segment only, and the data in order.
 */
#include "engine_io.h"
#include "ipoc_test.h"

static struct session s;
static struct fb_io io;
static struct fb_frame f;
static NDIS_HANDLE ho, hi;

#define NONE IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
#define CBC128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128
#define GCM128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128
#define SHA1 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1
#define SHA256 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HDR_ESP(u) ((uint32_t)(u) << 24)
#define HDR_AH(u) ((uint32_t)(u) << 16)

static struct sa_spec esp(uint32_t spi, ULONG enc, ULONG auth)
{
	return sa_spec_esp(fb_spi_ndis(spi), enc, auth);
}

static void spec_at(struct sa_spec *sp, const struct fb_level *l, ULONG dir)
{
	memcpy(sp->src, l->src, 16);
	memcpy(sp->dst, l->dst, 16);
	sp->flags = (l->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0) | dir;
}

/* Frame for sp (fs->lv[0] set by the caller), add the SA pair. */
static int make(const struct sa_spec *sp, struct fb_spec *fs, NDIS_HANDLE *out, NDIS_HANDLE *in)
{
	struct sa_spec o = *sp, i = *sp;
	uint32_t pad_extra = fs->lv[0].sa.pad_extra;

	spec_at(&o, &fs->lv[0], 0);
	spec_at(&i, &fs->lv[0], IPSEC_OFFLOAD_V2_INBOUND);
	fb_sa_from_spec(&o, fs->lso ? 100 : 1, &fs->lv[0].sa);
	fs->lv[0].sa.pad_extra = pad_extra;
	if (fb_build(fs, &f) != 0 || sa_add(&s, &o, out) != NDIS_STATUS_SUCCESS ||
	    sa_add(&s, &i, in) != NDIS_STATUS_SUCCESS) {
		IPOC_CHECK(!"framing or adding the SA failed");
		return -1;
	}
	return 0;
}

static int make_simple(const struct sa_spec *sp, int family, uint32_t pad_extra)
{
	struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = 1;
	fs.payload_len = 40;
	fb_level_std(&fs.lv[0], family, 0, false);
	fs.lv[0].sa.pad_extra = pad_extra;
	ho = hi = NULL;
	if (make(sp, &fs, &ho, &hi) != 0)
		return -1;
	f.w[0].pad_length = (uint8_t)f.b[f.w[0].trailer];
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

/* f sent with hdr and the handles: refused with want, nothing on the wire,
 * the bytes as they were; why (if any) in the engine's log line. */
static void refused(uint32_t hdr, NDIS_HANDLE off, NDIS_HANDLE tun, NDIS_STATUS want,
		    const char *why, const struct ipoc_mdl_shape *shape, int line)
{
	unsigned failed = ipoc_test_failed;

	s.last_log[0] = '\0';
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, shape, off, tun, hdr, 0), want);
	IPOC_CHECK_EQ(io.transmitted, 0);
	IPOC_CHECK_EQ(io.completed, 1);
	IPOC_CHECK(io.guards_ok);
	IPOC_CHECK_EQ(io.after_len, f.len);
	IPOC_CHECK_MEM(io.after, f.b, f.len);
	if (why)
		IPOC_CHECK_STR_HAS(s.last_log, why);
	if (ipoc_test_failed != failed)
		fprintf(stderr, "  (from line %d)\n", line);
}
#define REFUSED(hdr, why) \
	refused((hdr), ho, NULL, NDIS_STATUS_INVALID_PACKET, (why), NULL, __LINE__)

static void accepted(uint32_t hdr, int line)
{
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, NULL, ho, NULL, hdr, 0), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(io.transmitted, 1);
	IPOC_CHECK_EQ(fb_receive(&io, io.tx[0], io.tx_len[0], NULL), 0);
	IPOC_CHECK_EQ(io.slot1, IPSEC_RX_CRYPTO_DONE);
	if (io.slot1 != IPSEC_RX_CRYPTO_DONE)
		fprintf(stderr, "  (from line %d)\n", line);
}

/* ---- header information ---- */

static void test_offsets(int family)
{
	struct sa_spec sp = esp(0x1001 + (uint32_t)family, CBC128, SHA1);
	uint32_t h, keep = 0x0000FFFFu;

	if (make_simple(&sp, family, 0) != 0) {
		drop();
		return;
	}
	h = f.hdr_info;
	REFUSED((h & keep) | HDR_ESP((h >> 24) - 1), "EspHeaderOffset");
	REFUSED((h & keep) | HDR_ESP((h >> 24) + 1), "EspHeaderOffset");
	REFUSED(h & keep, "EspHeaderOffset");                    /* offset 0: the IP header */
	REFUSED((h & keep) | HDR_ESP(255), "EspHeaderOffset");
	REFUSED((h & keep) | HDR_ESP((f.len - f.w[0].ip) / 4), "EspHeaderOffset");
	REFUSED(h ^ 0x01, "NextHeader/PadLength");
	REFUSED(h + 0x100, "NextHeader/PadLength");
	refused(h, hi, NULL, NDIS_STATUS_FAILURE, "inbound", NULL, __LINE__);
	refused(h, ho, hi, NDIS_STATUS_FAILURE, "inbound", NULL, __LINE__);
	accepted(h, __LINE__);
	drop();
}

/* ---- ESP lengths and trailer ---- */

static void test_esp_lengths(void)
{
	struct sa_spec cbc = esp(0x2001, CBC128, SHA1), gcm = esp(0x2002, GCM128, 0);
	uint32_t esp_at;

	/* One pad byte more than the minimum: not a multiple of 16; a whole
	 * block more is fine (RFC 4303 §2.4: up to 255 bytes of padding). */
	if (make_simple(&cbc, 4, 1) == 0)
		REFUSED(f.hdr_info, "multiple of the cipher block");
	drop();
	if (make_simple(&cbc, 6, 16) == 0)
		accepted(f.hdr_info, __LINE__);
	drop();
	if (make_simple(&gcm, 6, 2) == 0)
		REFUSED(f.hdr_info, "multiple of the cipher block");
	drop();
	/* Trailer and ICV cut: shorter than header + IV + trailer + ICV. */
	if (make_simple(&gcm, 4, 0) == 0) {
		esp_at = f.w[0].esp;
		fb_set_end(&f, esp_at + 16 + 1);                 /* room for the ICV only */
		REFUSED(f.hdr_info, "shorter than header");
		fb_set_end(&f, esp_at + 8 + 8 + 2 + 16 - 1);
		REFUSED(f.hdr_info & 0xFFFF0000u, NULL);
	}
	drop();
	/* A Pad Length beyond the payload, header information agreeing. */
	if (make_simple(&cbc, 4, 0) == 0) {
		f.b[f.w[0].trailer] = 250;
		REFUSED((f.hdr_info & 0xFFFF00FFu) | 250u << 8, "pad length beyond");
	}
	drop();
}

/* ---- IP version, fragments ---- */

static void test_ip(void)
{
	struct sa_spec sp = esp(0x3001, GCM128, 0);
	NDIS_HANDLE v6_out = NULL, v6_in = NULL, v4_out;
	uint32_t ip;

	if (make_simple(&sp, 6, 0) != 0) {
		drop();
		return;
	}
	v6_out = ho, v6_in = hi;
	sp.m[0].spi = fb_spi_ndis(0x3002);
	if (make_simple(&sp, 4, 0) != 0) {
		drop();
		return;
	}
	v4_out = ho;
	ip = f.w[0].ip;
	refused(f.hdr_info, v6_out, NULL, NDIS_STATUS_INVALID_PACKET, "IP version", NULL, __LINE__);
	f.b[ip + 6] |= 0x20, fb_fix_ipv4(f.b, ip);           /* MF */
	refused(f.hdr_info, v4_out, NULL, NDIS_STATUS_INVALID_PACKET, "fragment", NULL, __LINE__);
	drop();
	ho = v6_out, hi = v6_in;
	drop();
}

/* ---- AH ---- */

static void test_ah(void)
{
	struct sa_spec a = sa_spec_ah(fb_spi_ndis(0x4001), SHA256);
	struct sa_spec b = sa_spec_bundle(fb_spi_ndis(0x4002), CBC128, SHA1, fb_spi_ndis(0x4102),
					  SHA256);
	uint32_t h;

	if (make_simple(&a, 6, 0) == 0) {
		h = f.hdr_info;
		REFUSED(h & 0xFF00FFFFu, "AhHeaderOffset");
		REFUSED(h + HDR_AH(2), "AhHeaderOffset");
		f.b[f.w[0].ah + 1] = 255;
		REFUSED(h, "AH length");
		f.b[f.w[0].ah + 1] = 5;                          /* 28 bytes: not 8-aligned */
		REFUSED(h, "AH length");
	}
	drop();
	/* Bundle: the AH offset is wrong; ESP is sealed first (R-SA-4), and
	 * the refused frame must still come back as it was, in one MDL or
	 * in several. */
	if (make_simple(&b, 4, 0) == 0) {
		static const uint32_t cuts[] = { 30 };
		struct ipoc_mdl_shape two = { cuts, 1, 0, 0 };

		h = f.hdr_info;
		refused(h + HDR_AH(1), ho, NULL, NDIS_STATUS_INVALID_PACKET, "AhHeaderOffset", &two,
			__LINE__);
		REFUSED(h + HDR_AH(1), "AhHeaderOffset");
	}
	drop();
}

/* Transport over tunnel whose outer header information is wrong: the
 * inner SA is sealed first, yet nothing may change. */
static void test_nested_refused(void)
{
	struct sa_spec o = esp(0x5001, GCM128, 0), in = esp(0x5002, CBC128, SHA256);
	struct fb_spec fs;
	NDIS_HANDLE h[4];

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = 2;
	fs.payload_len = 30;
	fb_level_std(&fs.lv[0], 4, 0, false);
	fb_level_std(&fs.lv[1], 4, 1, false);
	spec_at(&in, &fs.lv[1], 0);
	fb_sa_from_spec(&in, 1, &fs.lv[1].sa);
	if (make(&o, &fs, &h[0], &h[1]) != 0)
		return;
	IPOC_CHECK_EQ(sa_add(&s, &in, &h[2]), NDIS_STATUS_SUCCESS);
	refused(f.hdr_info ^ 1, h[2], h[0], NDIS_STATUS_INVALID_PACKET, "NextHeader", NULL,
		__LINE__);
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, NULL, h[2], h[0], f.hdr_info, 0),
		      NDIS_STATUS_SUCCESS);
	ho = h[0], hi = h[1];
	drop();
	ho = h[2];
	drop();
}

/* An NBL of two NET_BUFFERs, the second refused: the NBL fails, nothing is
 * transmitted, neither frame changes. */
static void test_two_nbs(void)
{
	struct sa_spec sp = esp(0x6001, CBC128, SHA1);
	static uint8_t bad[FB_MAX_FRAME], out[FB_MAX_FRAME];
	struct ipoc_frame fr[2];
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];
	uint32_t len = 0;

	if (make_simple(&sp, 4, 0) != 0) {
		drop();
		return;
	}
	memcpy(bad, f.b, f.len);
	bad[f.w[0].trailer + 1] ^= 1;                            /* trailer Next Header */
	memset(fr, 0, sizeof(fr));
	fr[0].data = f.b, fr[0].len = f.len;
	fr[1].data = bad, fr[1].len = f.len;
	if (ipoc_nbl_build(&nbl, fr, 2, err, sizeof(err)) != 0) {
		drop();
		return;
	}
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = ho;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) =
		(PVOID)(uintptr_t)f.hdr_info;
	io.transmitted = io.completed = 0;
	s.ops->send_net_buffer_lists(s.engine, nbl, 0, 0);
	IPOC_CHECK_EQ(io.completed, 1);
	IPOC_CHECK_EQ(io.transmitted, 0);
	IPOC_CHECK_EQ((uint32_t)nbl->Status, (uint32_t)NDIS_STATUS_INVALID_PACKET);
	IPOC_CHECK(ipoc_nb_flatten(nbl->FirstNetBuffer, out, sizeof(out), &len) == 0);
	IPOC_CHECK_MEM(out, f.b, f.len);
	IPOC_CHECK(ipoc_nb_flatten(nbl->FirstNetBuffer->Next, out, sizeof(out), &len) == 0);
	IPOC_CHECK_MEM(out, bad, f.len);
	IPOC_CHECK(ipoc_nbl_check_guards(nbl, err, sizeof(err)) == 0);
	ipoc_nbl_free(nbl);
	drop();
}

/* ---- LSO ---- */

enum { LSO_PAYLOAD = 5000, LSO_MSS = 1400, LSO_PAD = 3 };

/* Where the headers are in every segment (copied from the large packet). */
struct lso_seg {
	uint32_t ip, esp, ah, tcp, icv;     /* icv: ICV bytes */
	uint32_t block;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Segment k as received and decrypted (r): headers, checksums, sequence
 * numbers, minimal padding; its data appended to data at *got. */
static void check_segment(const struct fb_io *r, const struct lso_seg *g, uint32_t k, bool last,
			  uint8_t *data, uint32_t *got)
{
	const uint8_t *p = r->after;
	uint32_t icv_at = r->after_len - g->icv, pad = p[icv_at - 2];
	uint32_t dend = icv_at - 2 - pad, n = dend - g->tcp - 20;

	IPOC_CHECK_EQ(r->slot1, IPSEC_RX_CRYPTO_DONE);
	IPOC_CHECK_EQ(r->slot12, IPSEC_HDR_RX_HEADER_INFO_SET | pad << 8 | FB_PROTO_TCP);
	IPOC_CHECK_EQ(p[icv_at - 1], FB_PROTO_TCP);
	IPOC_CHECK_EQ((icv_at - g->tcp) % g->block, 0);        /* RFC 4303 §2.4 */
	IPOC_CHECK(pad < g->block);                            /* minimal */
	IPOC_CHECK_EQ(n, last ? LSO_PAYLOAD - k * LSO_MSS : LSO_MSS);
	if (p[g->ip] >> 4 == 4) {
		IPOC_CHECK_EQ((uint32_t)p[g->ip + 2] << 8 | p[g->ip + 3], r->after_len - g->ip);
		IPOC_CHECK_EQ(fb_fold(fb_sum(p + g->ip, (p[g->ip] & 15u) * 4, 0)), 0);
	} else {
		IPOC_CHECK_EQ((uint32_t)p[g->ip + 4] << 8 | p[g->ip + 5], r->after_len - g->ip - 40);
	}
	IPOC_CHECK_EQ(be32(p + g->esp + 4), 100 + k);
	if (g->ah)
		IPOC_CHECK_EQ(be32(p + g->ah + 8), 100 + k);
	IPOC_CHECK_EQ(be32(p + g->tcp + 4), 0x01020304u + k * LSO_MSS);
	IPOC_CHECK_EQ(p[g->tcp + 13] & 0x08, last ? 0x08 : 0);  /* PSH */
	IPOC_CHECK_EQ(fb_l4_check(p, g->ip, FB_PROTO_TCP, g->tcp, dend), 0);
	if (*got + n <= LSO_PAYLOAD)
		memcpy(data + *got, p + g->tcp + 20, n);
	*got += n;
}

/* Receive the transmitted segments on the inbound SA and check them. */
static void check_segments(const struct fb_sa *sa)
{
	static struct fb_io rx;
	static uint8_t data[LSO_PAYLOAD];
	struct lso_seg g = { f.w[0].ip, f.w[0].esp, f.w[0].ah, f.lso_tcp, sa->esp_icv,
			     sa->esp_block };
	uint32_t got = 0;

	fb_io_attach(&rx, &s);
	for (uint32_t k = 0; k < 4 && k < io.transmitted; k++) {
		if (k && sa->esp_iv)                           /* RFC 4106 §3.1, RFC 3602 §3 */
			IPOC_CHECK(memcmp(io.tx[k] + g.esp + 8, io.tx[k - 1] + g.esp + 8,
					  sa->esp_iv) != 0);
		IPOC_CHECK_EQ(fb_receive(&rx, io.tx[k], io.tx_len[k], NULL), 0);
		IPOC_CHECK(rx.guards_ok);
		check_segment(&rx, &g, k, k == 3, data, &got);
	}
	fb_io_attach(&io, &s);
	IPOC_CHECK_EQ(got, LSO_PAYLOAD);
	IPOC_CHECK_MEM(data, f.b + f.lso_tcp + 20, LSO_PAYLOAD);
}

static void lso_case(const struct sa_spec *sp, int family)
{
	struct fb_spec fs;
	uintptr_t info;

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = 1, fs.lso = true, fs.lso_pad = LSO_PAD, fs.payload_len = LSO_PAYLOAD;
	fb_level_std(&fs.lv[0], family, 0, false);
	if (make(sp, &fs, &ho, &hi) != 0) {
		drop();
		return;
	}
	info = LSO_MSS | (uintptr_t)f.lso_tcp << LSO_TCP_HEADER_OFFSET_SHIFT | LSO_TYPE_MASK |
	       (family == 6 ? LSO_V2_IP_VERSION_MASK : 0);
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, NULL, ho, NULL, f.hdr_info, info),
		      NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(io.transmitted, 4);
	IPOC_CHECK_EQ(io.slot2, LSO_TYPE_MASK);       /* LSOv2 completion: Type only */
	check_segments(&fs.lv[0].sa);
	/* TcpHeaderOffset that is not right after the ESP IV. */
	IPOC_CHECK_EQ(fb_send(&io, f.b, f.len, NULL, ho, NULL, f.hdr_info, info + (4u << 20)),
		      NDIS_STATUS_INVALID_PACKET);
	IPOC_CHECK_EQ(io.transmitted, 0);
	drop();
}

static void test_lso(void)
{
	struct sa_spec gcm = esp(0x7001, GCM128, 0), cbc = esp(0x7002, CBC128, SHA1);
	struct sa_spec b = sa_spec_bundle(fb_spi_ndis(0x7003), CBC128, SHA1, fb_spi_ndis(0x7103),
					  SHA256);

	lso_case(&gcm, 4);
	lso_case(&gcm, 6);
	lso_case(&cbc, 4);
	lso_case(&cbc, 6);
	lso_case(&b, 4);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sa_open(&s, 0) != 0)
		return 1;
	fb_io_attach(&io, &s);
	test_offsets(4);
	test_offsets(6);
	test_esp_lengths();
	test_ip();
	test_ah();
	test_nested_refused();
	test_two_nbs();
	test_lso();
	session_close(&s);
	return ipoc_test_report(argv[0]);
}
