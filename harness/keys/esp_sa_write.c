/* SPDX-License-Identifier: MIT */
/* esp_sa_write.c - see esp_sa_write.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "esp_sa_write.h"

/* Wireshark 4.0's name of the SA's encryption (the table's esp_sa column),
 * or NULL. */
static const char *ws_enc(const struct vec_esp *e, char *buf, size_t n)
{
	if (e->enc == VEC_ALG_NONE)
		return ipoc_alg_esp_sa_name(ipoc_alg_null(), 0, buf, n);
	return vec_enc_alg(e->enc) ? ipoc_alg_esp_sa_name(vec_enc_alg(e->enc), e->icv_len, buf, n)
				   : NULL;
}

/* Wireshark 4.0's name of the SA's integrity algorithm, or NULL (GMAC). */
static const char *ws_auth(uint32_t a, char *buf, size_t n)
{
	if (!vec_auth_alg(a))
		return "NULL";
	return ipoc_alg_esp_sa_name(vec_auth_alg(a), vec_auth_alg(a)->icv_len, buf, n);
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
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], gcm[64], an[64], any[64];
	const char *enc = ws_enc(e, gcm, sizeof(gcm)), *auth = ws_auth(e->auth, an, sizeof(an));
	const struct vec_bytes *auth_key = &e->auth_key;
	bool gcm_enc = vec_enc_is(e->enc, IPOC_ALG_AEAD);
	int rc = 0;
	size_t need, o;
	int k;

	if (fam != VEC_FAMILY_IPV4 && fam != VEC_FAMILY_IPV6)
		return *why = "no address family (Wireshark 4.0 has no Protocol Any)", -1;
	if (e->esn && !(flags & ESP_SA_ESN_UNCHECKED))
		return *why = "ESN: Wireshark 4.0's esp_sa has no sequence-number field", -1;
	if (e->esn && auth && !gcm_enc && vec_auth_alg(e->auth)) {
		/* The ICV takes the high half, which the table has no place for. */
		snprintf(any, sizeof(any), "ANY %u bit authentication [no checking]",
			 vec_auth_alg(e->auth)->icv_len * 8u);
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
