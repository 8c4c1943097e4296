/* SPDX-License-Identifier: MIT */
/* esp_sa_write.c - see esp_sa_write.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "esp_sa_write.h"

/* Wireshark 4.0's name of the SA's encryption, or NULL. */
static const char *ws_enc(const struct vec_esp *e, char *buf, size_t n)
{
	switch (e->enc) {
	case VEC_ENC_NONE:
	case VEC_ENC_NULL:
		return "NULL";
	case VEC_ENC_DES_CBC:
		return "DES-CBC [RFC2405]";
	case VEC_ENC_3DES_CBC:
		return "TripleDES-CBC [RFC2451]";
	case VEC_ENC_AES_CBC_128:
	case VEC_ENC_AES_CBC_192:
	case VEC_ENC_AES_CBC_256:
		return "AES-CBC [RFC3602]";
	case VEC_ENC_AES_GCM_128:
	case VEC_ENC_AES_GCM_192:
	case VEC_ENC_AES_GCM_256:
		if (e->icv_len != 8 && e->icv_len != 12 && e->icv_len != 16)
			return NULL;
		snprintf(buf, n, "AES-GCM with %u octet ICV [RFC4106]", e->icv_len);
		return buf;
	default:
		return NULL;
	}
}

/* Wireshark 4.0's name of the SA's integrity algorithm, or NULL (GMAC). */
static const char *ws_auth(enum vec_auth a)
{
	switch (a) {
	case VEC_AUTH_NONE:
	case VEC_AUTH_UNSET:
		return "NULL";
	case VEC_AUTH_HMAC_MD5_96: return "HMAC-MD5-96 [RFC2403]";
	case VEC_AUTH_HMAC_SHA1_96: return "HMAC-SHA-1-96 [RFC2404]";
	case VEC_AUTH_HMAC_SHA256_128: return "HMAC-SHA-256-128 [RFC4868]";
	default: return NULL;
	}
}

/* "0x" and the key in hex, "" for no key, at p (room for it checked). */
static size_t hex_key(char *p, const struct vec_bytes *k)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	if (!k->len)
		return 0;
	p[o++] = '0';
	p[o++] = 'x';
	for (size_t i = 0; i < k->len; i++) {
		p[o++] = digits[k->data[i] >> 4];
		p[o++] = digits[k->data[i] & 15];
	}
	return o;
}

/* An address as Wireshark's Src IP / Dest IP field: the text, or "*". */
static bool addr_text(enum vec_family fam, const struct vec_addr *a, char *buf, size_t n)
{
	if (a->family == VEC_FAMILY_NONE) {
		snprintf(buf, n, "*");
		return true;
	}
	return a->family == fam &&
	       inet_ntop(fam == VEC_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->a, buf, (socklen_t)n);
}

int esp_sa_record(enum vec_family fam, const struct vec_addr *src, const struct vec_addr *dst,
		  const struct vec_esp *e, char *line, size_t n, const char **why)
{
	return esp_sa_record_ex(fam, src, dst, e, 0, line, n, why);
}

int esp_sa_record_ex(enum vec_family fam, const struct vec_addr *src, const struct vec_addr *dst,
		     const struct vec_esp *e, unsigned flags, char *line, size_t n,
		     const char **why)
{
	static const struct vec_bytes no_key = { NULL, 0 };
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], gcm[48], any[64];
	const char *enc = ws_enc(e, gcm, sizeof(gcm)), *auth = ws_auth(e->auth);
	const struct vec_bytes *auth_key = &e->auth_key;
	bool gcm_enc = e->enc >= VEC_ENC_AES_GCM_128 && e->enc <= VEC_ENC_AES_GCM_256;
	int rc = 0;
	size_t need, o;
	int k;

	if (fam != VEC_FAMILY_IPV4 && fam != VEC_FAMILY_IPV6)
		return *why = "no address family (Wireshark 4.0 has no Protocol Any)", -1;
	if (e->esn && !(flags & ESP_SA_ESN_UNCHECKED))
		return *why = "ESN: Wireshark 4.0's esp_sa has no sequence-number field", -1;
	if (e->esn && auth && !gcm_enc && e->auth > VEC_AUTH_NONE) {
		/* The ICV takes the high half, which the table has no place for. */
		snprintf(any, sizeof(any), "ANY %u bit authentication [no checking]",
			 e->auth == VEC_AUTH_HMAC_SHA256_128 ? 128u : 96u);
		auth = any;
		auth_key = &no_key;
		*why = "ESN: Wireshark 4.0 has no high half to check the ICV with; decrypted, "
		       "the ICV not checked";
		rc = 1;
	} else if (e->esn && gcm_enc) {
		*why = "ESN: Wireshark 4.0 has no high half for the AAD; decrypted, the ICV shown bad";
	}
	if (!enc)
		return *why = "an encryption Wireshark 4.0 does not have", -1;
	if (!auth)
		return *why = "AES-GMAC: not in Wireshark 4.0", -1;
	if (!addr_text(fam, src, s, sizeof(s)) || !addr_text(fam, dst, d, sizeof(d)))
		return *why = "an address of the other family", -1;
	need = 128 + strlen(s) + strlen(d) + strlen(enc) + strlen(auth) + 2 * e->enc_key.len +
	       2 * auth_key->len;
	if (need > n)
		return *why = "longer than a record may be", -1;
	k = snprintf(line, n, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"",
		     fam == VEC_FAMILY_IPV6 ? "IPv6" : "IPv4", s, d, e->spi, enc);
	o = (size_t)k;
	o += hex_key(line + o, &e->enc_key);
	o += (size_t)snprintf(line + o, n - o, "\",\"%s\",\"", auth);
	o += hex_key(line + o, auth_key);
	snprintf(line + o, n - o, "\"");
	return rc;
}

size_t esp_sa_selector_len(const char *line)
{
	const char *p = line;

	for (int i = 0; i < 4 && p; i++) {
		p = strstr(p, "\",\"");
		if (p && i < 3)
			p += 3;
	}
	return p ? (size_t)(p - line) + 1 : strlen(line);
}
