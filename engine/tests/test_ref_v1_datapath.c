/* SPDX-License-Identifier: MIT */
/*
 * test_ref_v1_datapath.c - IPsecOV1 SAs on the data path: added with
 * OID_TCP_TASK_IPSEC_ADD_SA, used through the single OffloadHandle of the
 * V1 slot on send (no header-information slot: the engine finds AH and ESP
 * behind the IP header) and reported through the V1 Receive bits on
 * receive, with slot 12 left zero (it is IPsecOV2's). Each bundle goes out
 * through an outbound SA and back in through an inbound SA with the same
 * keys; a flipped byte must then fail with the transport auth code.
 */
#include <string.h>

#include "engine_io.h"
#include "ipoc_test.h"

struct v1_case {
	const char *name;
	int n;                        /* NumSAs */
	OFFLOAD_OPERATION_E op[2];
	ULONG conf[2], integ[2];      /* OFFLOAD_IPSEC_CONF_* / _INTEGRITY_* */
};

static const struct v1_case cases[] = {
	{ "ESP DES + HMAC-SHA1", 1, { ENCRYPT }, { OFFLOAD_IPSEC_CONF_DES },
	  { OFFLOAD_IPSEC_INTEGRITY_SHA } },
	{ "ESP 3DES + HMAC-MD5", 1, { ENCRYPT }, { OFFLOAD_IPSEC_CONF_3_DES },
	  { OFFLOAD_IPSEC_INTEGRITY_MD5 } },
	{ "ESP NULL + HMAC-SHA1", 1, { ENCRYPT }, { OFFLOAD_IPSEC_CONF_NONE },
	  { OFFLOAD_IPSEC_INTEGRITY_SHA } },
	{ "AH HMAC-SHA1", 1, { AUTHENTICATE }, { 0 }, { OFFLOAD_IPSEC_INTEGRITY_SHA } },
	{ "[ESP DES, AH MD5]", 2, { ENCRYPT, AUTHENTICATE }, { OFFLOAD_IPSEC_CONF_DES, 0 },
	  { OFFLOAD_IPSEC_INTEGRITY_NONE, OFFLOAD_IPSEC_INTEGRITY_MD5 } },
};

static uint32_t conf_len(ULONG c)
{
	return c == OFFLOAD_IPSEC_CONF_DES ? 8 : c == OFFLOAD_IPSEC_CONF_3_DES ? 24 : 0;
}

static uint32_t integ_len(ULONG i)
{
	return i == OFFLOAD_IPSEC_INTEGRITY_MD5 ? 16 : i == OFFLOAD_IPSEC_INTEGRITY_SHA ? 20 : 0;
}

static NDIS_HANDLE add_v1(struct session *s, const struct v1_case *c, bool inbound)
{
	uint64_t buf[64];
	OFFLOAD_IPSEC_ADD_SA *a = (OFFLOAD_IPSEC_ADD_SA *)buf;
	uint32_t k = 0;
	NDIS_STATUS st;

	memset(buf, 0, sizeof(buf));
	a->SrcAddr = fb_spi_ndis(0x0a000001);   /* network order, as the SPI */
	a->DestAddr = fb_spi_ndis(0x0a000002);
	a->Flags = inbound ? OFFLOAD_INBOUND_SA : OFFLOAD_OUTBOUND_SA;
	a->NumSAs = (SHORT)c->n;
	for (int i = 0; i < c->n; i++) {
		OFFLOAD_SECURITY_ASSOCIATION *m = &a->SecAssoc[i];
		uint32_t cl = conf_len(c->conf[i]), il = integ_len(c->integ[i]);

		m->Operation = c->op[i];
		m->SPI = fb_spi_ndis(0x7100 + (uint32_t)i);
		m->ConfAlgo.algoIdentifier = c->conf[i];
		m->ConfAlgo.algoKeylen = cl;
		m->IntegrityAlgo.algoIdentifier = c->integ[i];
		m->IntegrityAlgo.algoKeylen = il;
		for (uint32_t j = 0; j < cl + il; j++, k++)   /* conf key, then integrity */
			a->KeyMat[k] = (uint8_t)(0x31 + k * 3);
	}
	a->KeyLen = k;
	st = sa_set(s, OID_TCP_TASK_IPSEC_ADD_SA, a, (uint32_t)(offsetof(OFFLOAD_IPSEC_ADD_SA,
									  KeyMat) + k), NULL);
	IPOC_CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	return a->OffloadHandle;
}

static void frame_for(const struct v1_case *c, struct fb_frame *f)
{
	struct fb_spec spec;
	struct fb_sa *sa = &spec.lv[0].sa;

	memset(&spec, 0, sizeof(spec));
	spec.n_levels = 1;
	fb_level_v4(&spec.lv[0], 0x0a000001, 0x0a000002);
	for (int i = 0; i < c->n; i++) {
		if (c->op[i] == ENCRYPT) {
			sa->esp = true;
			sa->esp_spi = 0x7100 + (uint32_t)i;
			sa->esp_iv = conf_len(c->conf[i]) ? 8 : 0;
			sa->esp_icv = c->integ[i] ? 12 : 0;
			sa->esp_block = conf_len(c->conf[i]) ? 8 : 4;
		} else {
			sa->ah = true;
			sa->ah_spi = 0x7100 + (uint32_t)i;
			sa->ah_icv = 12;
		}
	}
	sa->seq = 9;
	spec.upper = FB_TCP;
	spec.payload_len = 100;
	spec.seed = 0x42;
	IPOC_CHECK(fb_build(&spec, f) == 0);
}

static void run_case(const struct v1_case *c)
{
	struct session out, in;
	struct fb_io io_out, io_in;
	static struct fb_frame f;
	static uint8_t wire[FB_MAX_FRAME];
	NDIS_HANDLE ho, hi;
	uint32_t len;

	if (sa_open(&out, 0) != 0 || sa_open(&in, 0) != 0) {
		IPOC_CHECK(!"sa_open");
		return;
	}
	fb_io_attach(&io_out, &out);
	fb_io_attach(&io_in, &in);
	ho = add_v1(&out, c, false);
	hi = add_v1(&in, c, true);
	frame_for(c, &f);
	/* No header information for V1: slot 12 stays zero on send. */
	IPOC_CHECK_EQ(fb_send(&io_out, f.b, f.len, NULL, ho, NULL, 0, 0), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(io_out.transmitted, 1);
	len = io_out.tx_len[0];
	memcpy(wire, io_out.tx[0], len);
	IPOC_CHECK(len == f.len && memcmp(wire, f.b, len) != 0);
	IPOC_CHECK(fb_receive(&io_in, wire, len, NULL) == 0);
	IPOC_CHECK_EQ(io_in.slot1 & 0xFFFFFFFFu, IPSEC_RX_CRYPTO_DONE);   /* CRYPTO_SUCCESS */
	IPOC_CHECK_EQ(io_in.slot12, 0);
	/* Decrypted in place: the upper layer is back. */
	IPOC_CHECK_MEM(io_in.after + f.upper, f.b + f.upper, f.upper_end - f.upper);
	wire[f.upper_end - 1] ^= 0x10;
	IPOC_CHECK(fb_receive(&io_in, wire, len, NULL) == 0);
	IPOC_CHECK_EQ(IPSEC_RX_CRYPTO_STATUS(io_in.slot1),
		      c->n == 2 || c->op[0] == AUTHENTICATE ? CRYPTO_TRANSPORT_AH_AUTH_FAILED
							  : CRYPTO_TRANSPORT_ESP_AUTH_FAILED);
	(void)hi;
	session_close(&out);
	session_close(&in);
	if (ipoc_test_failed)
		fprintf(stderr, "  (in V1 case %s)\n", c->name);
}

int main(int argc, char **argv)
{
	(void)argc;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	return ipoc_test_report(argv[0]);
}
