/* SPDX-License-Identifier: MIT */
/*
 * vec_sent.c - see vec_sent.h. The esp_sa records are written as Wireshark
 * 4.0 saves them (uat.c): a first comment line, then eight double-quoted
 * fields per line, joined by ','. The algorithm strings are
 * packet-ipsec.c's, as pcaps/tshark_check.py and keyfile_esp_sa.c use them;
 * keys are "0x" and hex (the GCM key with its 4-byte salt), "" for none.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pcapng_out.h"
#include "vec_sent.h"

#define LINKTYPE_ETHERNET 1

struct sa_rec {
	char *selector;         /* family, addresses, SPI: what Wireshark matches on */
	char *line;             /* the whole record */
};

struct vec_sent {
	struct pcapng_out *w;
	char *keys_path;
	struct sa_rec *sas;
	size_t nsas;
	uint64_t written, unexpressible, collided;
	char err[512];          /* first write error */
};

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
	case VEC_AUTH_NONE: return "NULL";
	case VEC_AUTH_HMAC_MD5_96: return "HMAC-MD5-96 [RFC2403]";
	case VEC_AUTH_HMAC_SHA1_96: return "HMAC-SHA-1-96 [RFC2404]";
	case VEC_AUTH_HMAC_SHA256_128: return "HMAC-SHA-256-128 [RFC4868]";
	default: return NULL;
	}
}

/* A new string: printf of fmt; NULL when out of memory. */
__attribute__((format(printf, 1, 2)))
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* "0x" and the key in hex, "" for no key; NULL when out of memory. */
static char *hex_key(const struct vec_bytes *k)
{
	char *s = malloc(k->len * 2 + 3), *p = s;

	if (!s)
		return NULL;
	*p = '\0';
	if (k->len)
		p += sprintf(p, "0x");
	for (size_t i = 0; i < k->len; i++)
		p += sprintf(p, "%02x", k->data[i]);
	return s;
}

/* The esp_sa record of c's SA and its selector (NULL when out of memory);
 * -1 when Wireshark 4.0 cannot check its frames. */
static int record(const struct vec_case *c, char **line, char **selector)
{
	const struct vec_sa *sa = &c->sa;
	const struct vec_esp *e = &sa->esp;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], gcm[48];
	const char *enc = ws_enc(e, gcm, sizeof(gcm)), *auth = ws_auth(e->auth);
	int af = sa->src.family == VEC_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	const char *fam = af == AF_INET6 ? "IPv6" : "IPv4";
	char *ek, *ak;

	if (c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL || !e->present || sa->ah.present || e->esn ||
	    !enc || !auth || !inet_ntop(af, sa->src.a, src, sizeof(src)) ||
	    !inet_ntop(af, sa->dst.a, dst, sizeof(dst)))
		return -1;
	ek = hex_key(&e->enc_key);
	ak = hex_key(&e->auth_key);
	*line = ek && ak ? dup_printf("\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"%s\",\"%s\","
				      "\"%s\"", fam, src, dst, e->spi, enc, ek, auth, ak) : NULL;
	*selector = dup_printf("%s %s %s 0x%08x", fam, src, dst, e->spi);
	free(ek);
	free(ak);
	return 0;
}

struct vec_sent *vec_sent_open(const char *out_path, char *err, size_t errlen)
{
	struct vec_sent *vs = calloc(1, sizeof(*vs));
	size_t n = strlen(out_path);

	if (!vs || !(vs->keys_path = malloc(n + sizeof(".esp_sa")))) {
		snprintf(err, errlen, "out of memory");
		free(vs);
		return NULL;
	}
	if (n > 7 && strcmp(out_path + n - 7, ".pcapng") == 0)
		n -= 7;
	memcpy(vs->keys_path, out_path, n);
	strcpy(vs->keys_path + n, ".esp_sa");
	if (!(vs->w = pcapng_out_open(out_path, LINKTYPE_ETHERNET, NULL, err, errlen))) {
		free(vs->keys_path);
		free(vs);
		return NULL;
	}
	return vs;
}

static int set_err(struct vec_sent *vs, const char *what)
{
	if (!vs->err[0])
		snprintf(vs->err, sizeof(vs->err), "%.500s", what);
	return -1;
}

/* The SA record for line/selector: the one there is, a new one, or NULL
 * when another SA has that selector. Takes line and selector. */
static struct sa_rec *find_or_add(struct vec_sent *vs, char *line, char *selector, int *oom)
{
	struct sa_rec *grown;

	for (size_t i = 0; i < vs->nsas; i++) {
		if (strcmp(vs->sas[i].selector, selector) == 0) {
			bool same = strcmp(vs->sas[i].line, line) == 0;

			free(line);
			free(selector);
			return same ? &vs->sas[i] : NULL;
		}
	}
	if (!(grown = realloc(vs->sas, (vs->nsas + 1) * sizeof(*grown)))) {
		free(line);
		free(selector);
		*oom = 1;
		return NULL;
	}
	vs->sas = grown;
	vs->sas[vs->nsas] = (struct sa_rec){ selector, line };
	return &vs->sas[vs->nsas++];
}

int vec_sent_frame(struct vec_sent *vs, const struct vec_case *c, const uint8_t *frame,
		   uint32_t len)
{
	char *line, *selector;
	struct sa_rec *sa;
	int oom = 0;

	if (record(c, &line, &selector) != 0) {
		vs->unexpressible++;
		return 0;
	}
	if (!line || !selector) {
		free(line);
		free(selector);
		return set_err(vs, "out of memory");
	}
	sa = find_or_add(vs, line, selector, &oom);
	if (oom)
		return set_err(vs, "out of memory");
	if (!sa) {
		vs->collided++;
		return 0;
	}
	if (pcapng_out_frame(vs->w, frame, len) != 0)
		return set_err(vs, "cannot write the capture");
	vs->written++;
	return 0;
}

static int write_keys(const struct vec_sent *vs)
{
	FILE *f = fopen(vs->keys_path, "w");
	int rc = 0;

	if (!f)
		return -1;
	if (fputs("# This file is automatically generated, DO NOT MODIFY.\n", f) == EOF)
		rc = -1;
	for (size_t i = 0; i < vs->nsas && rc == 0; i++)
		if (fprintf(f, "%s\n", vs->sas[i].line) < 0)
			rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int vec_sent_close(struct vec_sent *vs, FILE *out, char *err, size_t errlen)
{
	int rc = 0;

	if (!vs)
		return 0;
	if (write_keys(vs) != 0) {
		char what[600];

		snprintf(what, sizeof(what), "%.500s: cannot write", vs->keys_path);
		set_err(vs, what);
	}
	pcapng_out_close(vs->w);
	fprintf(out, "sent frames: %llu written with %zu SAs in %s\n",
		(unsigned long long)vs->written, vs->nsas, vs->keys_path);
	if (vs->unexpressible)
		fprintf(out, "%llu frames left out: tshark cannot check them (AH/GMAC/ESN)\n",
			(unsigned long long)vs->unexpressible);
	if (vs->collided)
		fprintf(out, "%llu frames left out: their SA has the addresses and SPI of an SA "
			"with other keys already in %s (Wireshark would use that one)\n",
			(unsigned long long)vs->collided, vs->keys_path);
	if (vs->err[0]) {
		snprintf(err, errlen, "--write-sent: %s", vs->err);
		rc = -1;
	}
	for (size_t i = 0; i < vs->nsas; i++) {
		free(vs->sas[i].selector);
		free(vs->sas[i].line);
	}
	free(vs->sas);
	free(vs->keys_path);
	free(vs);
	return rc;
}
