/* SPDX-License-Identifier: MIT */
/*
 * vr_espsa.c - Wireshark 4.0 esp_sa records of a case's SAs (vrepro.h).
 *
 * The records themselves are harness/keys/esp_sa_write's (the one writer
 * of esp_sa files: vectors, replay and validate); this file turns a case's
 * SA specs (NDIS identifiers) into what it takes and decides what is
 * written where Wireshark 4.0 falls short.
 *
 * What Wireshark 4.0 cannot do, and what is written instead:
 *   AH             the esp_sa table has no AH records: a comment line
 *                  (Wireshark dissects AH, and the ESP behind it, anyway);
 *   AES-GMAC       not among its algorithms: a comment line;
 *   ESN            the table has no high half, so an HMAC ICV cannot be
 *                  checked: authentication "ANY n bit [no checking]" (the
 *                  payload decrypts); AES-GCM is written as it is, its ICV
 *                  shown bad (the AAD lacks the high half).
 * Every record counts: Wireshark takes the first whose addresses and SPI
 * match, so a second SA with the same ones and other keys is left out (a
 * comment says so).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "esp_sa_write.h"
#include "sa_offload.h"
#include "vrepro.h"
#include "wipe.h"

/* The SPI's wire value from the ULONG NDIS carries it in (network order). */
static uint32_t spi_wire(ULONG spi)
{
	uint8_t b[4];

	memcpy(b, &spi, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The vectors' value of an NDIS encryption identifier (0: the NULL row,
 * as an ESP SA without a cipher is recorded), or UNSET. */
static uint32_t enc_of(ULONG id)
{
	if (id == 0)
		return ipoc_alg_null()->ndis;
	return ipoc_alg_enc(id) ? id : VEC_ALG_UNSET;
}

static uint32_t auth_of(ULONG id)
{
	return ipoc_alg_auth(id) ? id : VEC_ALG_UNSET;
}

int vr_esp_sa_record(const struct sa_spec *sp, unsigned i, const struct vr_sa_keys *keys,
		     char *line, size_t len, char *note, size_t nlen)
{
	const struct sa_member *m = &sp->m[i];
	bool v6 = sp->flags & IPSEC_OFFLOAD_V2_IPv6, aead = vec_enc_is(m->enc.id, IPOC_ALG_AEAD);
	enum vec_family fam = v6 ? VEC_FAMILY_IPV6 : VEC_FAMILY_IPV4;
	struct vec_addr src = { fam, { 0 } }, dst = { fam, { 0 } };
	struct vec_esp e;
	const char *why = "";
	int rc;

	*note = '\0';
	if (m->op != IPsecOffloadV2Esp) {
		snprintf(note, nlen, "AH: the esp_sa table has no AH records");
		return -1;
	}
	if (!aead && vec_auth_is(m->auth.id, IPOC_ALG_GMAC)) {
		snprintf(note, nlen, "AES-GMAC (RFC 4543) is not among Wireshark 4.0's algorithms");
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.enc = enc_of(m->enc.id);
	e.auth = aead || !m->auth.id ? VEC_ALG_NONE : auth_of(m->auth.id);
	if (e.enc == VEC_ALG_UNSET || e.auth == VEC_ALG_UNSET) {
		snprintf(note, nlen, "an algorithm Wireshark 4.0 does not have (encryption 0x%x, "
			 "authentication 0x%x)", (unsigned)m->enc.id, (unsigned)m->auth.id);
		return -1;
	}
	if (m->enc.key_len > VR_KEY_MAX || m->auth.key_len > VR_KEY_MAX) {
		snprintf(note, nlen, "a key longer than %u bytes", VR_KEY_MAX);
		return -1;
	}
	e.spi = spi_wire(m->spi);
	e.icv_len = aead ? m->enc.add_info : 0;
	e.esn = m->flags & IPSEC_OFFLOAD_V2_ESN_SA;
	/* The record only reads the keys. */
	e.enc_key.data = (uint8_t *)(uintptr_t)keys->k[i][0];
	e.enc_key.len = ipoc_alg_is_null(ipoc_alg_enc(e.enc)) ? 0 : m->enc.key_len;
	e.auth_key.data = (uint8_t *)(uintptr_t)keys->k[i][1];
	e.auth_key.len = e.auth == VEC_ALG_NONE ? 0 : m->auth.key_len;
	memcpy(src.a, sp->src, v6 ? 16 : 4);
	memcpy(dst.a, sp->dst, v6 ? 16 : 4);
	rc = esp_sa_record_ex(fam, &src, &dst, &e, ESP_SA_ESN_UNCHECKED, line, len, &why);
	if (rc < 0 || e.esn)
		snprintf(note, nlen, "%s", why);
	if (rc < 0)
		ipoc_wipe(line, len);
	return rc;
}

/* The selector of member i: what Wireshark matches a frame on. */
static void selector(const struct sa_spec *sp, unsigned i, char *buf, size_t len)
{
	bool v6 = sp->flags & IPSEC_OFFLOAD_V2_IPv6;
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";

	inet_ntop(v6 ? AF_INET6 : AF_INET, sp->src, src, sizeof(src));
	inet_ntop(v6 ? AF_INET6 : AF_INET, sp->dst, dst, sizeof(dst));
	snprintf(buf, len, "%s %s -> %s SPI 0x%08x", v6 ? "IPv6" : "IPv4", src, dst,
		 spi_wire(sp->m[i].spi));
}

#define MAX_RECORDS (4u * VR_MAX_SA)

/* Has the comment "s: note" been written (remembered in seen)? */
static bool said(char seen[][200], unsigned *n, const char *s, const char *note)
{
	char line[200];

	snprintf(line, sizeof(line), "%s: %s", s, note);
	for (unsigned k = 0; k < *n; k++)
		if (strcmp(seen[k], line) == 0)
			return true;
	if (*n < MAX_RECORDS)
		memcpy(seen[(*n)++], line, sizeof(line));
	return false;
}

int vr_esp_sa_write(const char *path, const struct sa_spec *sp, const struct vr_sa_keys *keys,
		    unsigned n)
{
	char lines[MAX_RECORDS][512], sel[MAX_RECORDS][128], seen[MAX_RECORDS][200], s[128];
	char note[200];
	unsigned n_rec = 0, n_seen = 0;
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -1;
	fputs("# This file is automatically generated, DO NOT MODIFY.\n", f);
	fputs("# Wireshark 4.0 esp_sa (Preferences > Protocols > ESP > ESP SAs, or tshark -o "
	      "esp.enable_encryption_decode:TRUE -o 'uat:esp_sa:RECORD')\n", f);
	for (unsigned a = 0; a < n; a++) {
		for (unsigned i = 0; i < sp[a].num && i < IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS; i++) {
			char line[512];
			int r = vr_esp_sa_record(&sp[a], i, &keys[a], line, sizeof(line), note,
						 sizeof(note));
			bool dup = false, clash = false;

			selector(&sp[a], i, s, sizeof(s));
			if (r < 0) {
				if (!said(seen, &n_seen, s, note))
					fprintf(f, "# %s left out: %s\n", s, note);
				continue;
			}
			for (unsigned k = 0; k < n_rec; k++) {
				if (strcmp(sel[k], s) == 0) {
					dup = true;
					clash |= strcmp(lines[k], line) != 0;
				}
			}
			if (clash && !said(seen, &n_seen, s, "clash"))
				fprintf(f, "# %s with other keys left out: an SA above has its "
					"addresses and SPI (Wireshark uses the first that matches)\n", s);
			if (dup || n_rec == MAX_RECORDS) {
				ipoc_wipe(line, sizeof(line));
				continue;
			}
			if (note[0] && !said(seen, &n_seen, s, note))
				fprintf(f, "# %s: %s\n", s, note);
			memcpy(lines[n_rec], line, sizeof(line));
			snprintf(sel[n_rec++], sizeof(sel[0]), "%s", s);
			ipoc_wipe(line, sizeof(line));
		}
	}
	for (unsigned k = 0; k < n_rec; k++)
		if (fprintf(f, "%s\n", lines[k]) < 0)
			rc = -1;
	ipoc_wipe(lines, sizeof(lines));
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc && !errno)
		errno = EIO;
	return rc;
}
