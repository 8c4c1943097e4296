/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c - see keyfile.h: format detection, the entry points, and what
 * both readers share (keyfile_int.h). The formats themselves are in
 * keyfile_esp_sa.c (Wireshark) and keyfile_xfrm.c (iproute2); what each
 * accepts is documented in pcaps/README.md, "Key files".
 *
 * Implementation notes. The input is read one line at a time straight out
 * of the caller's buffer (no copy of the whole text, which holds keys). SAs
 * go into one growing array; a small open-addressing hash over (protocol,
 * SPI, destination) finds duplicates, so 65536 SAs cost no quadratic scan.
 * Key bytes are wiped before any buffer that held them is freed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile_int.h"
#include "textfile.h"

/* ------------------------------------------------------------------------ */
/* Errors and lines */

/* see keyfile_int.h */
int kf_fail(struct kf_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0 || p->err[0])
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* see keyfile_int.h */
int kf_next_line(struct kf_parser *p, const char **s, size_t *n)
{
	const char *start = p->text + p->pos, *nl, *nul;
	size_t left = p->len - p->pos, len;

	if (left == 0)
		return 0;
	p->lineno++;
	nl = memchr(start, '\n', left);
	len = nl ? (size_t)(nl - start) : left;
	p->pos += nl ? len + 1 : len;
	if (len && start[len - 1] == '\r')
		len--;
	if (len > KF_LINE_MAX)
		return kf_fail(p, p->lineno, "line longer than %d bytes", KF_LINE_MAX);
	nul = memchr(start, '\0', len);
	if (nul)
		return kf_fail(p, p->lineno, "NUL byte at column %zu", (size_t)(nul - start) + 1);
	*s = start;
	*n = len;
	return 1;
}

/* see keyfile_int.h */
bool kf_line_is_empty(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && kf_is_blank(s[i]))
		i++;
	return i == n || s[i] == '#';
}

/* ------------------------------------------------------------------------ */
/* Values */


/* see keyfile_int.h */
int kf_unhex(const char *s, size_t n, bool odd_ok, struct vec_bytes *out, size_t *bad)
{
	size_t i, j = 0, odd = n % 2;
	uint8_t *buf;

	*bad = 0;
	for (i = 0; i < n; i++) {
		if (text_hexval((unsigned char)s[i]) < 0) {
			*bad = i;
			return -1;
		}
	}
	if (odd && !odd_ok)
		return -2;
	buf = malloc(n / 2 + odd + 1);
	if (!buf)
		return -3;
	i = 0;
	if (odd)
		buf[j++] = (uint8_t)text_hexval((unsigned char)s[i++]);
	for (; i < n; i += 2)
		buf[j++] = (uint8_t)(text_hexval((unsigned char)s[i]) << 4 |
				     text_hexval((unsigned char)s[i + 1]));
	out->data = buf;
	out->len = j;
	return 0;
}

/* see keyfile_int.h */
int kf_bytes_copy(struct vec_bytes *out, const void *s, size_t n)
{
	out->data = malloc(n ? n : 1);
	if (!out->data)
		return -1;
	if (n)
		memcpy(out->data, s, n);
	out->len = n;
	return 0;
}

/* see keyfile_int.h */
int kf_addr_parse(const char *s, size_t n, enum vec_family want, struct vec_addr *out)
{
	char buf[KF_ADDR_STR_LEN];
	bool v6 = memchr(s, ':', n) != NULL;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	if ((want == VEC_FAMILY_IPV4 && v6) || (want == VEC_FAMILY_IPV6 && !v6))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, out->a) != 1)
		return -1;
	out->family = v6 ? VEC_FAMILY_IPV6 : VEC_FAMILY_IPV4;
	return 0;
}

/* see keyfile_int.h */
const char *kf_family_str(enum vec_family f)
{
	return f == VEC_FAMILY_IPV4 ? "IPv4" : f == VEC_FAMILY_IPV6 ? "IPv6" : "any";
}

/* see keyfile_int.h */
const char *kf_addr_str(const struct vec_addr *a, char *buf)
{
	if (a->family == VEC_FAMILY_NONE ||
	    !inet_ntop(a->family == VEC_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->a, buf,
		       KF_ADDR_STR_LEN))
		return "*";
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Algorithms: the rows of the algorithm table (engine/alg/ipoc_algs.def) */

/* see keyfile_int.h */
const struct ipoc_alg *kf_alg_find(unsigned kinds, kf_alg_has has, const char *name, size_t n,
				   size_t key_len, bool *known)
{
	*known = false;
	for (size_t i = 0; i < ipoc_algs_n; i++) {
		const struct ipoc_alg *a = &ipoc_algs[i];

		if (!(a->kind & kinds) || !has(a, name, n))
			continue;
		*known = true;
		if (a->key_len == key_len)
			return a;
	}
	return NULL;
}

/* see keyfile_int.h */
const char *kf_key_lens(unsigned kinds, kf_alg_has has, const char *name, size_t n, char *buf,
			size_t len)
{
	uint32_t lens[16], salt = 0;
	size_t k = 0, o = 0;

	for (size_t i = 0; i < ipoc_algs_n && k < 16; i++) {
		if (!(ipoc_algs[i].kind & kinds) || !has(&ipoc_algs[i], name, n))
			continue;
		lens[k++] = ipoc_algs[i].key_len;
		salt = ipoc_algs[i].salt_len;
	}
	if (k == 0 || (k == 1 && lens[0] == 0)) {
		snprintf(buf, len, "none");
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < k && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%u", i == 0 ? "" : i + 1 == k ? " or " : ", ",
				 lens[i]);

		o += w > 0 ? (size_t)w : 0;
	}
	if (salt && o < len)
		snprintf(buf + o, len - o, " (key + %u-byte salt)", salt);
	return buf;
}

/* see keyfile_int.h */
unsigned kf_icv_len(uint32_t auth)
{
	return vec_auth_alg(auth) ? vec_auth_alg(auth)->icv_len : 0;
}

/* ------------------------------------------------------------------------ */
/* The SA table */

/* see keyfile_int.h */
void kf_bytes_clear(struct vec_bytes *b)
{
	ipoc_wipe(b->data, b->len);
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

/* see keyfile_int.h */
void kf_sa_clear(struct key_sa *sa)
{
	kf_bytes_clear(&sa->enc_key);
	kf_bytes_clear(&sa->auth_key);
}

static uint32_t sa_hash(bool ah, uint32_t spi, const struct vec_addr *dst)
{
	uint32_t h = 2166136261u ^ (ah ? 0x9e3779b9u : 0);
	size_t i;

	for (i = 0; i < 4; i++)
		h = (h ^ ((spi >> (8 * i)) & 0xff)) * 16777619u;
	h = (h ^ (uint32_t)dst->family) * 16777619u;
	for (i = 0; i < sizeof(dst->a); i++)
		h = (h ^ dst->a[i]) * 16777619u;
	return h;
}

static bool sa_same(const struct key_sa *a, const struct key_sa *b)
{
	return a->ah == b->ah && a->spi == b->spi && a->dst.family == b->dst.family &&
	       memcmp(a->dst.a, b->dst.a, sizeof(a->dst.a)) == 0;
}

/* The slot holding an SA equal to sa, or the free slot where it would go. */
static size_t slot_find(const struct kf_parser *p, const struct key_sa *sa)
{
	size_t mask = p->nslots - 1, i = sa_hash(sa->ah, sa->spi, &sa->dst) & mask;

	while (p->slots[i] && !sa_same(&p->kf->sas[p->slots[i] - 1], sa))
		i = (i + 1) & mask;
	return i;
}

/* Keep the index at most half full. */
static int slots_grow(struct kf_parser *p)
{
	size_t old = p->nslots, i;
	uint32_t *prev = p->slots;

	if (p->kf->n + 1 <= p->nslots / 2)
		return 0;
	p->nslots = old ? old * 2 : 64;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (!p->slots) {
		p->slots = prev;
		p->nslots = old;
		return -1;
	}
	for (i = 0; i < old; i++)
		if (prev[i])
			p->slots[slot_find(p, &p->kf->sas[prev[i] - 1])] = prev[i];
	free(prev);
	return 0;
}

static int sas_grow(struct kf_parser *p)
{
	struct key_sa *nb;
	size_t ncap;

	if (p->kf->n < p->cap)
		return 0;
	ncap = p->cap ? p->cap * 2 : 16;
	nb = realloc(p->kf->sas, ncap * sizeof(*nb));
	if (!nb)
		return -1;
	p->kf->sas = nb;
	p->cap = ncap;
	return 0;
}

/* see keyfile_int.h */
int kf_add_sa(struct kf_parser *p, struct key_sa *sa, unsigned line, const char *field)
{
	char buf[KF_ADDR_STR_LEN];
	size_t slot;
	int rc = -1;

	if (p->kf->n >= KF_SAS_MAX) {
		rc = kf_fail(p, line, "more than %d SAs in one file", KF_SAS_MAX);
		goto out;
	}
	if (slots_grow(p) < 0 || sas_grow(p) < 0) {
		rc = kf_fail(p, line, "out of memory");
		goto out;
	}
	slot = slot_find(p, sa);
	if (p->slots[slot]) {
		rc = kf_fail(p, line, "%s: %s SPI 0x%08x to %s is already defined on line %u",
			     field, sa->ah ? "AH" : "ESP", sa->spi, kf_addr_str(&sa->dst, buf),
			     p->kf->sas[p->slots[slot] - 1].line);
		goto out;
	}
	p->kf->sas[p->kf->n] = *sa;
	p->slots[slot] = (uint32_t)++p->kf->n;
	memset(sa, 0, sizeof(*sa));
	return 0;
out:
	kf_sa_clear(sa);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Entry points */

/* see keyfile.h */
void keyfile_free(struct key_file *kf)
{
	size_t i;

	if (!kf)
		return;
	for (i = 0; i < kf->n; i++)
		kf_sa_clear(&kf->sas[i]);
	free(kf->sas);
	free(kf->name);
	free(kf);
}

/* see keyfile.h */
const char *keyfile_format_name(enum keyfile_format f)
{
	switch (f) {
	case KEYFILE_AUTO:
		return "auto";
	case KEYFILE_ESP_SA:
		return "esp_sa";
	case KEYFILE_XFRM:
		return "xfrm";
	}
	return "?";
}

/* The format from the first line that is not blank or a comment: a double
 * quote opens a Wireshark UAT record, `src ` opens an `ip xfrm state` block.
 * A file of blank and comment lines only holds no SA: *f stays AUTO. */
static int detect(struct kf_parser *p, enum keyfile_format *f)
{
	const char *s;
	size_t n, i;
	int r;

	while ((r = kf_next_line(p, &s, &n)) > 0) {
		if (kf_line_is_empty(s, n))
			continue;
		for (i = 0; i < n && kf_is_blank(s[i]); i++)
			;
		if (s[i] == '"') {
			*f = KEYFILE_ESP_SA;
		} else if (n - i > 4 && memcmp(s + i, "src", 3) == 0 && kf_is_blank(s[i + 3])) {
			*f = KEYFILE_XFRM;
		} else {
			return kf_fail(p, p->lineno,
				       "cannot tell the key-file format: expected a Wireshark "
				       "esp_sa record (a line starting with '\"') or `ip xfrm "
				       "state` output (a line starting with `src `)");
		}
		p->pos = 0;
		p->lineno = 0;
		return 0;
	}
	if (r < 0)
		return -1;
	p->pos = 0;
	p->lineno = 0;
	return 0;
}

/* see keyfile.h */
int keyfile_parse_buf(const char *name, const char *text, size_t len, enum keyfile_format format,
		      struct key_file **out, char *err, size_t errlen)
{
	struct kf_parser p;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.name = name ? name : "(buffer)";
	p.err = err;
	p.errlen = errlen;
	p.text = text ? text : "";
	p.len = text ? len : 0;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (p.len > KF_INPUT_MAX)
		return kf_fail(&p, 0, "input of %zu bytes, more than %d", p.len, KF_INPUT_MAX);
	if (format != KEYFILE_AUTO && format != KEYFILE_ESP_SA && format != KEYFILE_XFRM)
		return kf_fail(&p, 0, "unknown key-file format %d", (int)format);
	if (format == KEYFILE_AUTO && detect(&p, &format) < 0)
		return -1;
	p.kf = calloc(1, sizeof(*p.kf));
	if (!p.kf || !(p.kf->name = strdup(p.name))) {
		rc = kf_nomem(&p);
		goto out;
	}
	p.kf->format = format;
	/* A file with no SA is read by either reader: only blanks and comments. */
	if ((format == KEYFILE_XFRM ? kf_parse_xfrm(&p) : kf_parse_esp_sa(&p)) < 0)
		goto out;
	*out = p.kf;
	p.kf = NULL;
	rc = 0;
out:
	keyfile_free(p.kf);
	free(p.slots);
	return rc;
}



/* see keyfile.h */
int keyfile_read(const char *path, enum keyfile_format format, struct key_file **out,
		 char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	if (textfile_read(path, KF_INPUT_MAX, &buf, &len, &cap, err, errlen) == 0)
		rc = keyfile_parse_buf(path, buf, len, format, out, err, errlen);
	ipoc_wipe(buf, cap);
	free(buf);
	return rc;
}
