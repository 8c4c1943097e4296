/* SPDX-License-Identifier: MIT */
/*
 * test_vrepro.c - the pieces of a failing case's files that tshark cannot
 * judge alone (harness/validate/vrepro.h): the esp_sa record of each kind
 * of SA, byte for byte (algorithm strings, SPI in wire order, IPv6, GCM
 * keys with their salt, ESN written "[no checking]"); AH, AES-GMAC and
 * unknown algorithms left out with a reason; the key file's one record per
 * selector and its comment for a clash; and reading a case file back (the
 * fields a run needs, and every way a file is refused, naming file and
 * line). The directory for scratch files is argv[1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_build.h"
#include "ipoc_test.h"
#include "vrepro.h"

static char dir[4096];

static struct sa_spec esp(ULONG enc, ULONG enc_len, ULONG icv, ULONG auth, ULONG auth_len)
{
	struct sa_spec s;

	memset(&s, 0, sizeof(s));
	s.num = 1;
	s.src[0] = 10, s.src[3] = 1;
	s.dst[0] = 10, s.dst[3] = 2;
	s.m[0].op = IPsecOffloadV2Esp;
	s.m[0].spi = fb_spi_ndis(0x01020304u);
	s.m[0].enc = (struct sa_alg){ enc, enc_len, icv };
	s.m[0].auth = (struct sa_alg){ auth, auth_len, 0 };
	return s;
}

/* Keys 0x00, 0x01, ... (encryption) and 0x80, 0x81, ... (authentication). */
static void keys_of(struct vr_sa_keys *k)
{
	for (unsigned m = 0; m < IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS; m++)
		for (unsigned i = 0; i < VR_KEY_MAX; i++)
			k->k[m][0][i] = (uint8_t)i, k->k[m][1][i] = (uint8_t)(0x80 + i);
}

#define RECORD_IS(sp, want, want_rc) record_is(__LINE__, (sp), (want), (want_rc))

static void record_is(int line, const struct sa_spec *sp, const char *want, int want_rc)
{
	struct vr_sa_keys k;
	char rec[512], note[200];
	int rc;

	keys_of(&k);
	rc = vr_esp_sa_record(sp, 0, &k, rec, sizeof(rec), note, sizeof(note));
	if (rc != want_rc || (rc >= 0 && strcmp(rec, want) != 0) ||
	    (rc < 0 && !strstr(note, want))) {
		fprintf(stderr, "line %d: rc %d, want %d; got %s / %s\n  want %s\n", line, rc,
			want_rc, rc >= 0 ? rec : "-", note, want);
		ipoc_test_failed++;
	} else {
		ipoc_test_passed++;
	}
}

static void records(void)
{
	struct sa_spec s;

	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, 16, 0,
		IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 20);
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"AES-CBC [RFC3602]\","
		  "\"0x000102030405060708090a0b0c0d0e0f\",\"HMAC-SHA-1-96 [RFC2404]\","
		  "\"0x808182838485868788898a8b8c8d8e8f90919293\"", 0);
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, 0, 0, IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256,
		32);
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"NULL\",\"\","
		  "\"HMAC-SHA-256-128 [RFC4868]\",\"0x808182838485868788898a8b8c8d8e8f909192939495"
		  "969798999a9b9c9d9e9f\"", 0);
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, 24, 0, IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5,
		16);
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"TripleDES-CBC "
		  "[RFC2451]\",\"0x000102030405060708090a0b0c0d0e0f1011121314151617\",\"HMAC-MD5-96 "
		  "[RFC2403]\",\"0x808182838485868788898a8b8c8d8e8f\"", 0);
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, 8, 0, 0, 0);
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"DES-CBC [RFC2405]\","
		  "\"0x0001020304050607\",\"NULL\",\"\"", 0);
	/* GCM: the key with its salt, the ICV length in the name, no integrity. */
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 20, 12, 0, 0);
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"AES-GCM with 12 octet "
		  "ICV [RFC4106]\",\"0x000102030405060708090a0b0c0d0e0f10111213\",\"NULL\",\"\"", 0);
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 20, 4, 0, 0);
	RECORD_IS(&s, "an encryption Wireshark 4.0 does not have", -1);
	/* IPv6. */
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, 32, 0, 0, 0);
	s.flags = IPSEC_OFFLOAD_V2_IPv6;
	memset(s.src, 0, 16), memset(s.dst, 0, 16);
	s.src[0] = 0x20, s.src[1] = 0x01, s.src[15] = 1;
	s.dst[0] = 0x20, s.dst[1] = 0x01, s.dst[15] = 2;
	RECORD_IS(&s, "\"IPv6\",\"2001::1\",\"2001::2\",\"0x01020304\",\"AES-CBC [RFC3602]\","
		  "\"0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\",\"NULL\","
		  "\"\"", 0);
	/* ESN: the HMAC is not checked (Wireshark 4.0 has no high half). */
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, 16, 0,
		IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, 32);
	s.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
	RECORD_IS(&s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x01020304\",\"AES-CBC [RFC3602]\","
		  "\"0x000102030405060708090a0b0c0d0e0f\",\"ANY 128 bit authentication [no "
		  "checking]\",\"\"", 1);
	/* What Wireshark 4.0 cannot decrypt. */
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, 0, 0,
		IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, 20);
	RECORD_IS(&s, "AES-GMAC", -1);
	s.m[0].op = IPsecOffloadV2Ah;
	s.m[0].auth.id = IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1;
	RECORD_IS(&s, "AH", -1);
	s = esp(0x40000000u, 16, 0, 0, 0);
	RECORD_IS(&s, "algorithm Wireshark 4.0 does not have", -1);
	s = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, VR_KEY_MAX + 1, 0, 0, 0);
	RECORD_IS(&s, "longer than", -1);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

/* One record per selector; a clash and AH members as comments. */
static void key_file(void)
{
	struct sa_spec sp[4];
	struct vr_sa_keys k[4];
	char path[4200];
	const char *t;

	for (int i = 0; i < 4; i++)
		keys_of(&k[i]);
	sp[0] = esp(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, 16, 0,
		    IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 20);
	sp[1] = sp[0];
	sp[1].flags |= IPSEC_OFFLOAD_V2_INBOUND;      /* its inbound twin: the same record */
	sp[2] = sp[0];
	k[2].k[0][0][0] ^= 1;                          /* same selector, other keys */
	sp[3] = sp[0];
	sp[3].num = 2;
	sp[3].m[0].spi = fb_spi_ndis(0x0a0b0c0du);
	sp[3].m[1].op = IPsecOffloadV2Ah;
	sp[3].m[1].spi = fb_spi_ndis(0x0a0b0c0eu);
	sp[3].m[1].auth = (struct sa_alg){ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 20, 0 };
	snprintf(path, sizeof(path), "%s/t.esp_sa", dir);
	IPOC_CHECK(vr_esp_sa_write(path, sp, k, 4) == 0);
	t = slurp(path);
	IPOC_CHECK(t != NULL);
	if (!t)
		return;
	IPOC_CHECK(strncmp(t, "# This file is automatically generated, DO NOT MODIFY.\n",
			   strlen("# This file is automatically generated, DO NOT MODIFY.\n")) == 0);
	IPOC_CHECK_EQ(count(t, "\n\"IPv4\""), 2);
	IPOC_CHECK_EQ(count(t, "\"0x01020304\""), 1);
	IPOC_CHECK_EQ(count(t, "\"0x0a0b0c0d\""), 1);
	IPOC_CHECK(strstr(t, "# IPv4 10.0.0.1 -> 10.0.0.2 SPI 0x01020304 with other keys left out")
		   != NULL);
	IPOC_CHECK(strstr(t, "# IPv4 10.0.0.1 -> 10.0.0.2 SPI 0x0a0b0c0e left out: AH") != NULL);
	snprintf(path, sizeof(path), "%s/no-such-dir/t.esp_sa", dir);
	IPOC_CHECK(vr_esp_sa_write(path, sp, k, 1) != 0);
}

#define READ_FAILS(text, want) read_fails(__LINE__, (text), (want))

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(text, 1, n, f);
		fclose(f);
	}
}

static void read_fails(int line, const char *text, const char *want)
{
	struct vr_case_file cf;
	char path[4200], err[600];
	int rc;

	snprintf(path, sizeof(path), "%s/bad.case", dir);
	write_file(path, text, strlen(text) + (strcmp(text, "ipoc-case 1") == 0));
	rc = vrepro_case_read(path, &cf, err, sizeof(err));
	if (rc == 0 || !strstr(err, want) || strncmp(err, path, strlen(path)) != 0) {
		fprintf(stderr, "line %d: rc %d, err \"%s\", want \"%s\" after the path\n", line, rc,
			err, want);
		ipoc_test_failed++;
	} else {
		ipoc_test_passed++;
	}
}

static void case_files(void)
{
	struct vr_case_file cf;
	char path[4200], err[600];
	static const char good[] = "# comment\n\nipoc-case 1\r\nid send-001/esp.x/tunnel/ipv6\n"
				   "ipoc-version 1.2.3\nengine /x/lib.so\nseen failed: a b c\n"
				   "title what it checks\n";

	snprintf(path, sizeof(path), "%s/good.case", dir);
	write_file(path, good, sizeof(good) - 1);
	IPOC_CHECK(vrepro_case_read(path, &cf, err, sizeof(err)) == 0);
	IPOC_CHECK(strcmp(cf.id, "send-001/esp.x/tunnel/ipv6") == 0);
	IPOC_CHECK(strcmp(cf.version, "1.2.3") == 0);
	IPOC_CHECK(strcmp(cf.engine, "/x/lib.so") == 0);
	snprintf(path, sizeof(path), "%s/none.case", dir);
	IPOC_CHECK(vrepro_case_read(path, &cf, err, sizeof(err)) != 0 && strstr(err, path));
	READ_FAILS("ipoc-repro 1\nengine x\n", ":1: not an ipoc case file");
	READ_FAILS("# only a comment\n", "not an ipoc case file (no `ipoc-case 1` line)");
	READ_FAILS("ipoc-case 1", "binary");          /* written with its NUL */
	READ_FAILS("ipoc-case 1\nipoc-version 1\n", "no `id` line");
	READ_FAILS("ipoc-case 1\nid a\n", "no `ipoc-version` line");
	READ_FAILS("ipoc-case 1\nid a\nipoc-version 1\nnovalue\n", ":4: want `KEY VALUE`");
	READ_FAILS("ipoc-case 1\nid \nipoc-version 1\n", ":2: id: empty");
	{
		char longid[300];

		snprintf(longid, sizeof(longid), "ipoc-case 1\nid %0200d\nipoc-version 1\n", 7);
		READ_FAILS(longid, ":2: id: too long");
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	records();
	key_file();
	case_files();
	return ipoc_test_report(argv[0]);
}
