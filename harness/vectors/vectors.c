/* SPDX-License-Identifier: MIT */
/*
 * vectors.c - see vectors.h; the format itself is vectors/README.md.
 *
 * Implementation notes. The input is taken one physical line at a time
 * (this file). A key line opens a pending value, continuation lines (leading
 * blank) append to it, and any other line closes it; only then is the value
 * decoded and stored (vectors_value.c), so a hex error can still name the
 * physical line and column of the bad character through the fragment table.
 * Checks that involve several keys (key length against algorithm, required
 * keys, plain against wire) run when the block ends (vectors_check.c) and
 * name the line of the key at fault, which key_line[] remembers for the open
 * block. Block ids go into a small open-addressing hash set, so 100000
 * blocks cost no quadratic id search.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "textfile.h"
#include "wipe.h"
#include "vectors_int.h"

/* ------------------------------------------------------------------------ */
/* Keys */

struct key_def {
	const char *name;
	int id;
	int blocks;     /* BLK_* mask */
};

#define SA_KEYS(pfx, base) \
	{ pfx "src", (base) + K_SA_SRC, BLK_CASE }, \
	{ pfx "dst", (base) + K_SA_DST, BLK_CASE }, \
	{ pfx "esp.spi", (base) + K_SA_ESP_SPI, BLK_CASE }, \
	{ pfx "esp.enc", (base) + K_SA_ESP_ENC, BLK_CASE }, \
	{ pfx "esp.enc_key", (base) + K_SA_ESP_ENC_KEY, BLK_CASE }, \
	{ pfx "esp.auth", (base) + K_SA_ESP_AUTH, BLK_CASE }, \
	{ pfx "esp.auth_key", (base) + K_SA_ESP_AUTH_KEY, BLK_CASE }, \
	{ pfx "esp.icv_len", (base) + K_SA_ESP_ICV_LEN, BLK_CASE }, \
	{ pfx "esp.esn", (base) + K_SA_ESP_ESN, BLK_CASE }, \
	{ pfx "esp.seq_hi", (base) + K_SA_ESP_SEQ_HI, BLK_CASE }, \
	{ pfx "iv", (base) + K_SA_ESP_IV, BLK_CASE }, \
	{ pfx "ah.spi", (base) + K_SA_AH_SPI, BLK_CASE }, \
	{ pfx "ah.auth", (base) + K_SA_AH_AUTH, BLK_CASE }, \
	{ pfx "ah.auth_key", (base) + K_SA_AH_AUTH_KEY, BLK_CASE }, \
	{ pfx "ah.esn", (base) + K_SA_AH_ESN, BLK_CASE }, \
	{ pfx "ah.seq_hi", (base) + K_SA_AH_SEQ_HI, BLK_CASE }, \
	{ pfx "ah.iv", (base) + K_SA_AH_IV, BLK_CASE }

static const struct key_def keys[] = {
	SA_KEYS("", 0),
	SA_KEYS("tun.", K_TUN),
	{ "source", K_SOURCE, BLK_CASE | BLK_PRIM },
	{ "direction", K_DIRECTION, BLK_CASE }, { "family", K_FAMILY, BLK_CASE },
	{ "mode", K_MODE, BLK_CASE }, { "udp", K_UDP, BLK_CASE },
	{ "plain", K_PLAIN, BLK_CASE }, { "wire", K_WIRE, BLK_CASE },
	{ "expect.status", K_EXP_STATUS, BLK_CASE },
	{ "expect.crypto_done", K_EXP_CRYPTO_DONE, BLK_CASE },
	{ "expect.next_crypto_done", K_EXP_NEXT_CRYPTO_DONE, BLK_CASE },
	{ "expect.header_info_set", K_EXP_HEADER_INFO_SET, BLK_CASE },
	{ "expect.next_header", K_EXP_NEXT_HEADER, BLK_CASE },
	{ "expect.pad_length", K_EXP_PAD_LENGTH, BLK_CASE },
	{ "expect.send_status", K_EXP_SEND_STATUS, BLK_CASE },
	{ "needs", K_NEEDS, BLK_CASE },
	{ "alg", K_ALG, BLK_PRIM }, { "key", K_KEY, BLK_PRIM }, { "iv", K_IV, BLK_PRIM },
	{ "aad", K_AAD, BLK_PRIM }, { "pt", K_PT, BLK_PRIM }, { "ct", K_CT, BLK_PRIM },
	{ "tag", K_TAG, BLK_PRIM }, { "mac", K_MAC, BLK_PRIM }, { "mac_len", K_MAC_LEN, BLK_PRIM },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* see vectors_int.h */
const char *vecp_key_name(int id)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].id == id)
			return keys[i].name;
	return "?";
}

/* ------------------------------------------------------------------------ */
/* Parser state */

/* see vectors_int.h */
int vecp_fail(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* see vectors_int.h */
int vecp_grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return vecp_nomem(p);
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return vecp_nomem(p);
	n = realloc(*arr, ncap * elem);
	if (!n)
		return vecp_nomem(p);
	*arr = n;
	*cap = ncap;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Block ids: open addressing on FNV-1a */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static const char *id_at(const struct parser *p, uint32_t slot)
{
	uint32_t i = (slot - 1) & 0x7fffffffu;

	return slot & 0x80000000u ? p->f->prims[i].id : p->f->cases[i].id;
}

static int ids_rehash(struct parser *p)
{
	size_t ncap = p->ids_cap ? p->ids_cap * 2 : 256, i, j;
	uint32_t *n = calloc(ncap, sizeof(*n));

	if (!n)
		return vecp_nomem(p);
	for (i = 0; i < p->ids_cap; i++) {
		if (!p->ids[i])
			continue;
		for (j = fnv1a(id_at(p, p->ids[i])) & (ncap - 1); n[j]; j = (j + 1) & (ncap - 1))
			;
		n[j] = p->ids[i];
	}
	free(p->ids);
	p->ids = n;
	p->ids_cap = ncap;
	return 0;
}

/* Add the open block's id; a second block with the same id is an error. */
static int ids_add(struct parser *p, uint32_t slot)
{
	const char *id = id_at(p, slot);
	size_t j;

	if (2 * (p->ids_count + 1) > p->ids_cap && ids_rehash(p) < 0)
		return -1;
	for (j = fnv1a(id) & (p->ids_cap - 1); p->ids[j]; j = (j + 1) & (p->ids_cap - 1)) {
		if (strcmp(id_at(p, p->ids[j]), id) == 0) {
			uint32_t i = (p->ids[j] - 1) & 0x7fffffffu;
			unsigned first = p->ids[j] & 0x80000000u ? p->f->prims[i].line
								 : p->f->cases[i].line;
			return vecp_fail(p, p->lineno, "duplicate id `%s` (first at line %u)", id,
					 first);
		}
	}
	p->ids[j] = slot;
	p->ids_count++;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Lines */

static int block_end(struct parser *p)
{
	int rc = 0;

	if (vecp_value_finish(p) < 0)
		return -1;
	if (p->kind == BLK_CASE)
		rc = vecp_check_case(p, &p->f->cases[p->cur]);
	else if (p->kind == BLK_PRIM)
		rc = vecp_check_prim(p, &p->f->prims[p->cur]);
	p->kind = BLK_NONE;
	return rc;
}

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static void case_init(struct vec_case *c, const char *id, size_t idlen, unsigned line)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, idlen);
	c->line = line;
	c->expect = (struct vec_expect){ -1, -1, -1, -1, -1, -1, NDIS_STATUS_SUCCESS };
}

static void prim_init(struct vec_prim *pr, const char *id, size_t idlen, unsigned line)
{
	memset(pr, 0, sizeof(*pr));
	memcpy(pr->id, id, idlen);
	pr->line = line;
	pr->mac_len = -1;
}

static int block_add(struct parser *p, int kind, const char *id, size_t idlen)
{
	struct vec_file *f = p->f;
	uint32_t slot;

	if (f->ncases + f->nprims >= VEC_BLOCKS_MAX)
		return vecp_fail(p, p->lineno, "more than %d blocks in one file", VEC_BLOCKS_MAX);
	if (kind == BLK_CASE) {
		if (vecp_grow(p, (void **)&f->cases, &p->case_cap, f->ncases + 1,
			      sizeof(*f->cases)) < 0)
			return -1;
		case_init(&f->cases[f->ncases], id, idlen, p->lineno);
		p->cur = f->ncases++;
		slot = (uint32_t)p->cur + 1;
	} else {
		if (vecp_grow(p, (void **)&f->prims, &p->prim_cap, f->nprims + 1,
			      sizeof(*f->prims)) < 0)
			return -1;
		prim_init(&f->prims[f->nprims], id, idlen, p->lineno);
		p->cur = f->nprims++;
		slot = ((uint32_t)p->cur + 1) | 0x80000000u;
	}
	p->kind = kind;
	p->blk_line = p->lineno;
	memset(p->key_line, 0, sizeof(p->key_line));
	return ids_add(p, slot);
}

/* "[case ID]" or "[prim ID]", blanks allowed after the ']'. */
static int block_start(struct parser *p, const char *s, size_t n)
{
	size_t i = 1, w, id0;
	int kind;

	if (block_end(p) < 0)
		return -1;
	if (!p->seen_comment)
		return vecp_fail(p, p->lineno,
				 "the file must start with its provenance comments (# ...)");
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	w = i - 1;
	if (w == 4 && memcmp(s + 1, "case", 4) == 0)
		kind = BLK_CASE;
	else if (w == 4 && memcmp(s + 1, "prim", 4) == 0)
		kind = BLK_PRIM;
	else
		return vecp_fail(p, p->lineno, "unknown block `[%.*s`, want [case ID] or [prim ID]",
				 (int)(w < 32 ? w : 32), s + 1);
	if (i >= n || !vecp_is_blank(s[i]))
		return vecp_fail(p, p->lineno, "block header: want a blank and an id after `%s`",
				 kind == BLK_CASE ? "[case" : "[prim");
	while (i < n && vecp_is_blank(s[i]))
		i++;
	for (id0 = i; i < n && is_id_char(s[i]); i++)
		;
	if (i == id0 || i - id0 > VEC_ID_MAX)
		return vecp_fail(p, p->lineno,
				 "block header: the id must have 1 to %d characters of "
				 "[a-z0-9._-]", VEC_ID_MAX);
	if (i >= n || s[i] != ']')
		return vecp_fail(p, p->lineno, "block header: column %zu: want `]` after the id",
				 i + 1);
	for (w = i + 1; w < n; w++)
		if (!vecp_is_blank(s[w]))
			return vecp_fail(p, p->lineno, "block header: text after `]` at column %zu",
					 w + 1);
	return block_add(p, kind, s + id0, i - id0);
}

static int key_lookup(struct parser *p, const char *s, size_t n)
{
	size_t i;
	bool other = false;

	for (i = 0; i < NKEYS; i++) {
		if (strlen(keys[i].name) != n || memcmp(keys[i].name, s, n) != 0)
			continue;
		if (keys[i].blocks & p->kind)
			return keys[i].id;
		other = true;
	}
	if (other)
		return vecp_fail(p, p->lineno, "%.*s: not a key of a [%s] block", (int)n, s,
				 vecp_kind_word(p));
	return vecp_fail(p, p->lineno, "unknown key `%.*s`", (int)(n < 64 ? n : 64), s);
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && vecp_is_blank(s[n - 1]))
		n--;
	return n;
}

/* "key = value". */
static int key_line(struct parser *p, const char *s, size_t n)
{
	size_t i = 0, klen;
	int k;

	if (vecp_value_finish(p) < 0)
		return -1;
	while (i < n && (is_id_char(s[i]) && s[i] != '-'))
		i++;
	klen = i;
	while (i < n && vecp_is_blank(s[i]))
		i++;
	if (klen == 0 || i >= n || s[i] != '=')
		return vecp_fail(p, p->lineno,
				 "want `key = value`, `[case ID]`, `[prim ID]` or a # comment");
	if (p->kind == BLK_NONE)
		return vecp_fail(p, p->lineno, "key `%.*s` before the first [case] or [prim] block",
				 (int)(klen < 64 ? klen : 64), s);
	k = key_lookup(p, s, klen);
	if (k < 0)
		return -1;
	if (p->key_line[k])
		return vecp_fail(p, p->lineno, "%s: duplicate key (first at line %u)",
				 vecp_key_name(k), p->key_line[k]);
	p->key_line[k] = p->lineno;
	for (i++; i < n && vecp_is_blank(s[i]); i++)
		;
	p->v.key = k;
	p->v.line = p->lineno;
	return vecp_value_append(p, s + i, trim_end(s + i, n - i), (unsigned)i + 1);
}

static int continuation(struct parser *p, const char *s, size_t n)
{
	size_t i = 0;

	if (p->v.key < 0)
		return vecp_fail(p, p->lineno,
				 "continuation line (leading blank) without a key line "
				 "right before it");
	while (i < n && vecp_is_blank(s[i]))
		i++;
	return vecp_value_append(p, s + i, trim_end(s + i, n - i), (unsigned)i + 1);
}

static int one_line(struct parser *p, const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > VEC_LINE_MAX)
		return vecp_fail(p, p->lineno, "line of %zu bytes, longer than %d", n,
				 VEC_LINE_MAX);
	if (memchr(s, '\0', n))
		return vecp_fail(p, p->lineno, "NUL byte in the line");
	while (i < n && vecp_is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#') {
		if (i < n)
			p->seen_comment = true;
		return vecp_value_finish(p);
	}
	if (i > 0)
		return continuation(p, s, n);
	if (s[0] == '[')
		return block_start(p, s, n);
	return key_line(p, s, n);
}

static int parse_all(struct parser *p, const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p->lineno++;
		if (one_line(p, text + pos, n) < 0)
			return -1;
		pos += n + (nl ? 1 : 0);
	}
	if (block_end(p) < 0)
		return -1;
	if (p->f->ncases + p->f->nprims == 0)
		return vecp_fail(p, p->lineno ? p->lineno : 1, "no [case] or [prim] block");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Entry points */

static void bytes_free(struct vec_bytes *b)
{
	ipoc_wipe(b->data, b->len);   /* keys among them */
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static void sa_free(struct vec_sa *sa)
{
	bytes_free(&sa->esp.enc_key);
	bytes_free(&sa->esp.auth_key);
	bytes_free(&sa->esp.iv);
	bytes_free(&sa->ah.auth_key);
	bytes_free(&sa->ah.iv);
}

void vec_file_free(struct vec_file *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->ncases; i++) {
		free(f->cases[i].source);
		sa_free(&f->cases[i].sa);
		sa_free(&f->cases[i].tun);
		bytes_free(&f->cases[i].plain);
		bytes_free(&f->cases[i].wire);
	}
	for (i = 0; i < f->nprims; i++) {
		struct vec_prim *pr = &f->prims[i];

		free(pr->source);
		bytes_free(&pr->key);
		bytes_free(&pr->iv);
		bytes_free(&pr->aad);
		bytes_free(&pr->pt);
		bytes_free(&pr->ct);
		bytes_free(&pr->tag);
		bytes_free(&pr->mac);
	}
	free(f->cases);
	free(f->prims);
	free(f->name);
	free(f);
}

/* Absent byte values become a valid empty buffer, so users never see NULL. */
static int fill_empty(struct vec_bytes *b)
{
	if (b->data)
		return 0;
	b->data = malloc(1);
	return b->data ? 0 : -1;
}

static int fill_sa(struct vec_sa *sa)
{
	return fill_empty(&sa->esp.enc_key) || fill_empty(&sa->esp.auth_key) ||
	       fill_empty(&sa->esp.iv) || fill_empty(&sa->ah.auth_key) || fill_empty(&sa->ah.iv)
		       ? -1 : 0;
}

static int fill_prim(struct vec_prim *pr)
{
	return fill_empty(&pr->key) || fill_empty(&pr->iv) || fill_empty(&pr->aad) ||
	       fill_empty(&pr->pt) || fill_empty(&pr->ct) || fill_empty(&pr->tag) ||
	       fill_empty(&pr->mac) ? -1 : 0;
}

static int fill_file(struct vec_file *f)
{
	size_t i;

	for (i = 0; i < f->ncases; i++) {
		struct vec_case *c = &f->cases[i];

		if (fill_sa(&c->sa) || fill_sa(&c->tun) || fill_empty(&c->plain) ||
		    fill_empty(&c->wire))
			return -1;
	}
	for (i = 0; i < f->nprims; i++)
		if (fill_prim(&f->prims[i]))
			return -1;
	return 0;
}

int vec_parse_buf(const char *name, const char *text, size_t len, struct vec_file **out,
		  char *err, size_t errlen)
{
	struct parser p;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.name = name ? name : "(buffer)";
	p.err = err;
	p.errlen = errlen;
	p.v.key = -1;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len > VEC_INPUT_MAX)
		return vecp_fail(&p, 0, "input of %zu bytes, more than %d", len, VEC_INPUT_MAX);
	p.f = calloc(1, sizeof(*p.f));
	if (!p.f || !(p.f->name = strdup(p.name))) {
		rc = vecp_nomem(&p);
		goto out;
	}
	if (parse_all(&p, text ? text : "", text ? len : 0) < 0)
		goto out;
	if (fill_file(p.f) < 0) {
		rc = vecp_nomem(&p);
		goto out;
	}
	*out = p.f;
	p.f = NULL;
	rc = 0;
out:
	vec_file_free(p.f);
	free(p.v.text);
	free(p.v.frags);
	free(p.ids);
	return rc;
}



int vec_parse_file(const char *path, struct vec_file **out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	if (textfile_read(path, VEC_INPUT_MAX, &buf, &len, &cap, err, errlen) == 0)
		rc = vec_parse_buf(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}

const struct vec_case *vec_find_case(const struct vec_file *f, const char *id)
{
	size_t i;

	for (i = 0; f && i < f->ncases; i++)
		if (strcmp(f->cases[i].id, id) == 0)
			return &f->cases[i];
	return NULL;
}

const struct vec_prim *vec_find_prim(const struct vec_file *f, const char *id)
{
	size_t i;

	for (i = 0; f && i < f->nprims; i++)
		if (strcmp(f->prims[i].id, id) == 0)
			return &f->prims[i];
	return NULL;
}
