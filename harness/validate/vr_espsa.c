/* SPDX-License-Identifier: MIT */
/*
 * vr_espsa.c - Wireshark 4.0 esp_sa records of a case's SAs (vrepro.h).
 *
 * A record is what Wireshark 4.0 saves (uat.c): eight double-quoted fields
 * joined by ',': protocol, source and destination address, SPI as 0x and
 * eight hex digits (the wire value), encryption, its key, authentication,
 * its key; keys are 0x and hex (AES-GCM's with its 4-byte salt), "" for
 * none. The algorithm strings are packet-ipsec.c's (Wireshark 4.0), the
 * same ones keyfile_esp_sa.c reads and vec_sent.c writes.
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

#include "vrepro.h"
#include "wipe.h"

#define GCM_ENC (IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 | IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192 | \
		 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256)
#define GMAC_AUTH (IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128 | \
		   IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192 | \
		   IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256)

/* The SPI's wire value from the ULONG NDIS carries it in (network order). */
static uint32_t spi_wire(ULONG spi)
{
	uint8_t b[4];

	memcpy(b, &spi, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Wireshark 4.0's name of the member's encryption, or NULL. */
static const char *ws_enc(const struct sa_member *m, char *buf, size_t n)
{
	switch (m->enc.id) {
	case 0:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_NONE:
		return "NULL";
	case IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC:
		return "DES-CBC [RFC2405]";
	case IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC:
		return "TripleDES-CBC [RFC2451]";
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256:
		return "AES-CBC [RFC3602]";
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256:
		if (m->enc.add_info != 8 && m->enc.add_info != 12 && m->enc.add_info != 16)
			return NULL;
		snprintf(buf, n, "AES-GCM with %u octet ICV [RFC4106]", (unsigned)m->enc.add_info);
		return buf;
	default:
		return NULL;
	}
}

/* Wireshark 4.0's name of an HMAC, and its ICV bits; NULL for others. */
static const char *ws_auth(ULONG id, unsigned *bits)
{
	*bits = 96;
	switch (id) {
	case IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5: return "HMAC-MD5-96 [RFC2403]";
	case IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1: return "HMAC-SHA-1-96 [RFC2404]";
	case IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256:
		*bits = 128;
		return "HMAC-SHA-256-128 [RFC4868]";
	default: return NULL;
	}
}

/* "0x" and n bytes in hex into buf (2 * n + 3 bytes), "" for none. */
static void hex(const uint8_t *k, uint32_t n, char *buf)
{
	*buf = '\0';
	if (n) {
		buf += sprintf(buf, "0x");
		for (uint32_t i = 0; i < n; i++)
			buf += sprintf(buf, "%02x", k[i]);
	}
}

int vr_esp_sa_record(const struct sa_spec *sp, unsigned i, const struct vr_sa_keys *keys,
		     char *line, size_t len, char *note, size_t nlen)
{
	const struct sa_member *m = &sp->m[i];
	bool v6 = sp->flags & IPSEC_OFFLOAD_V2_IPv6, esn = m->flags & IPSEC_OFFLOAD_V2_ESN_SA;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], gcm[48];
	char ek[2 * VR_KEY_MAX + 3], ak[2 * VR_KEY_MAX + 3];
	const char *enc = ws_enc(m, gcm, sizeof(gcm)), *auth = "NULL";
	bool aead = m->enc.id & GCM_ENC;
	unsigned bits = 0;
	int rc = 0, n;

	*note = '\0';
	if (m->op != IPsecOffloadV2Esp) {
		snprintf(note, nlen, "AH: the esp_sa table has no AH records");
		return -1;
	}
	if (!aead && (m->auth.id & GMAC_AUTH)) {
		snprintf(note, nlen, "AES-GMAC (RFC 4543) is not among Wireshark 4.0's algorithms");
		return -1;
	}
	if (!enc || (!aead && m->auth.id && !ws_auth(m->auth.id, &bits))) {
		snprintf(note, nlen, "an algorithm Wireshark 4.0 does not have (encryption 0x%x, "
			 "authentication 0x%x)", (unsigned)m->enc.id, (unsigned)m->auth.id);
		return -1;
	}
	if (m->enc.key_len > VR_KEY_MAX || m->auth.key_len > VR_KEY_MAX) {
		snprintf(note, nlen, "a key longer than %u bytes", VR_KEY_MAX);
		return -1;
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, sp->src, src, sizeof(src)) ||
	    !inet_ntop(v6 ? AF_INET6 : AF_INET, sp->dst, dst, sizeof(dst))) {
		snprintf(note, nlen, "addresses that do not print");
		return -1;
	}
	hex(keys->k[i][0], m->enc.id == IPSEC_OFFLOAD_V2_ENCRYPTION_NONE ? 0 : m->enc.key_len, ek);
	ak[0] = '\0';
	if (!aead && m->auth.id) {
		auth = ws_auth(m->auth.id, &bits);
		hex(keys->k[i][1], m->auth.key_len, ak);
	}
	if (esn && !aead && m->auth.id) {
		snprintf(gcm, sizeof(gcm), "ANY %u bit authentication [no checking]", bits);
		auth = gcm;
		ak[0] = '\0';
		snprintf(note, nlen, "ESN: Wireshark 4.0 has no high half to check the ICV with; "
			 "decrypted, the ICV not checked");
		rc = 1;
	} else if (esn && aead) {
		snprintf(note, nlen, "ESN: Wireshark 4.0 has no high half for the AAD; decrypted, "
			 "the ICV shown bad");
	}
	n = snprintf(line, len, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"%s\",\"%s\",\"%s\"",
		     v6 ? "IPv6" : "IPv4", src, dst, spi_wire(m->spi), enc, ek, auth, ak);
	ipoc_wipe(ek, sizeof(ek));
	ipoc_wipe(ak, sizeof(ak));
	if (n < 0 || (size_t)n >= len) {
		ipoc_wipe(line, len);
		snprintf(note, nlen, "the record does not fit");
		return -1;
	}
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
