/* SPDX-License-Identifier: MIT */
/*
 * vectors.c - see vectors.h; the format itself is vectors/README.md.
 *
 * Implementation notes. The input is taken one physical line at a time. A
 * key line opens a pending value, continuation lines (leading blank) append
 * to it, and any other line closes it; only then is the value decoded and
 * stored, so a hex error can still name the physical line and column of the
 * bad character through the fragment table. Checks that involve several keys
 * (key length against algorithm, required keys, plain against wire) run when
 * the block ends and name the line of the key at fault, which key_line[]
 * remembers for the open block. Block ids go into a small open-addressing
 * hash set, so 100000 blocks cost no quadratic id search.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "vectors.h"

_Static_assert(VEC_CRYPTO_SUCCESS == CRYPTO_SUCCESS, "CRYPTO_* values");
_Static_assert(VEC_CRYPTO_INVALID_PROTOCOL == CRYPTO_INVALID_PROTOCOL, "CRYPTO_* values");
_Static_assert(VEC_CRYPTO_TUNNEL_ESP_AUTH_FAILED == CRYPTO_TUNNEL_ESP_AUTH_FAILED, "CRYPTO_* values");

/* ------------------------------------------------------------------------ */
/* Names */

struct name_val {
	const char *name;
	int val;
};

static const struct name_val direction_names[] = {
	{ "send", VEC_DIR_SEND }, { "receive", VEC_DIR_RECEIVE }, { "both", VEC_DIR_BOTH },
	{ NULL, 0 }
};

static const struct name_val family_names[] = {
	{ "ipv4", VEC_FAMILY_IPV4 }, { "ipv6", VEC_FAMILY_IPV6 }, { NULL, 0 }
};

static const struct name_val mode_names[] = {
	{ "transport", VEC_MODE_TRANSPORT }, { "tunnel", VEC_MODE_TUNNEL },
	{ "transport-over-tunnel", VEC_MODE_TRANSPORT_OVER_TUNNEL }, { NULL, 0 }
};

static const struct name_val udp_names[] = {
	{ "none", VEC_UDP_NONE }, { "transport", VEC_UDP_TRANSPORT }, { "tunnel", VEC_UDP_TUNNEL },
	{ "transport-over-udp-tunnel", VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL },
	{ "udp-transport-over-tunnel", VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL }, { NULL, 0 }
};

static const struct name_val enc_names[] = {
	{ "none", VEC_ENC_NONE }, { "null", VEC_ENC_NULL }, { "des-cbc", VEC_ENC_DES_CBC },
	{ "3des-cbc", VEC_ENC_3DES_CBC }, { "aes-cbc-128", VEC_ENC_AES_CBC_128 },
	{ "aes-cbc-192", VEC_ENC_AES_CBC_192 }, { "aes-cbc-256", VEC_ENC_AES_CBC_256 },
	{ "aes-gcm-128", VEC_ENC_AES_GCM_128 }, { "aes-gcm-192", VEC_ENC_AES_GCM_192 },
	{ "aes-gcm-256", VEC_ENC_AES_GCM_256 }, { NULL, 0 }
};

static const struct name_val auth_names[] = {
	{ "none", VEC_AUTH_NONE }, { "hmac-md5-96", VEC_AUTH_HMAC_MD5_96 },
	{ "hmac-sha1-96", VEC_AUTH_HMAC_SHA1_96 }, { "hmac-sha256-128", VEC_AUTH_HMAC_SHA256_128 },
	{ "aes-gmac-128", VEC_AUTH_AES_GMAC_128 }, { "aes-gmac-192", VEC_AUTH_AES_GMAC_192 },
	{ "aes-gmac-256", VEC_AUTH_AES_GMAC_256 }, { NULL, 0 }
};

static const struct name_val prim_names[] = {
	{ "null", VEC_PRIM_NULL }, { "des-cbc", VEC_PRIM_DES_CBC }, { "3des-cbc", VEC_PRIM_3DES_CBC },
	{ "aes-cbc-128", VEC_PRIM_AES_CBC_128 }, { "aes-cbc-192", VEC_PRIM_AES_CBC_192 },
	{ "aes-cbc-256", VEC_PRIM_AES_CBC_256 }, { "aes-gcm-128", VEC_PRIM_AES_GCM_128 },
	{ "aes-gcm-192", VEC_PRIM_AES_GCM_192 }, { "aes-gcm-256", VEC_PRIM_AES_GCM_256 },
	{ "aes-gmac-128", VEC_PRIM_AES_GMAC_128 }, { "aes-gmac-192", VEC_PRIM_AES_GMAC_192 },
	{ "aes-gmac-256", VEC_PRIM_AES_GMAC_256 }, { "hmac-md5", VEC_PRIM_HMAC_MD5 },
	{ "hmac-sha1", VEC_PRIM_HMAC_SHA1 }, { "hmac-sha256", VEC_PRIM_HMAC_SHA256 }, { NULL, 0 }
};

static const struct name_val status_names[] = {
	{ "CRYPTO_SUCCESS", CRYPTO_SUCCESS }, { "CRYPTO_GENERIC_ERROR", CRYPTO_GENERIC_ERROR },
	{ "CRYPTO_TRANSPORT_AH_AUTH_FAILED", CRYPTO_TRANSPORT_AH_AUTH_FAILED },
	{ "CRYPTO_TRANSPORT_ESP_AUTH_FAILED", CRYPTO_TRANSPORT_ESP_AUTH_FAILED },
	{ "CRYPTO_TUNNEL_AH_AUTH_FAILED", CRYPTO_TUNNEL_AH_AUTH_FAILED },
	{ "CRYPTO_TUNNEL_ESP_AUTH_FAILED", CRYPTO_TUNNEL_ESP_AUTH_FAILED },
	{ "CRYPTO_INVALID_PACKET_SYNTAX", CRYPTO_INVALID_PACKET_SYNTAX },
	{ "CRYPTO_INVALID_PROTOCOL", CRYPTO_INVALID_PROTOCOL }, { NULL, 0 }
};

/* The send completions a vector may expect. */
static const struct name_val send_status_names[] = {
	{ "NDIS_STATUS_SUCCESS", NDIS_STATUS_SUCCESS },
	{ "NDIS_STATUS_FAILURE", NDIS_STATUS_FAILURE },
	{ "NDIS_STATUS_INVALID_PARAMETER", NDIS_STATUS_INVALID_PARAMETER },
	{ "NDIS_STATUS_INVALID_PACKET", NDIS_STATUS_INVALID_PACKET },
	{ "NDIS_STATUS_INVALID_LENGTH", NDIS_STATUS_INVALID_LENGTH },
	{ "NDIS_STATUS_INVALID_DATA", NDIS_STATUS_INVALID_DATA },
	{ "NDIS_STATUS_BUFFER_TOO_SHORT", NDIS_STATUS_BUFFER_TOO_SHORT },
	{ "NDIS_STATUS_NOT_SUPPORTED", NDIS_STATUS_NOT_SUPPORTED },
	{ "NDIS_STATUS_RESOURCES", NDIS_STATUS_RESOURCES },
	{ "NDIS_STATUS_SEND_ABORTED", NDIS_STATUS_SEND_ABORTED }, { NULL, 0 }
};

static const struct name_val need_names[] = {
	{ "esn", VEC_NEED_ESN }, { "ipv6", VEC_NEED_IPV6 }, { "udp", VEC_NEED_UDP },
	{ "ah", VEC_NEED_AH }, { "ah-esp", VEC_NEED_AH_ESP }, { "enc-only-esp", VEC_NEED_ENC_ONLY_ESP },
	{ "transport-over-tunnel", VEC_NEED_TRANSPORT_OVER_TUNNEL }, { "gmac", VEC_NEED_GMAC },
	{ NULL, 0 }
};

static const char *name_of(const struct name_val *t, int val)
{
	for (; t->name; t++)
		if (t->val == val)
			return t->name;
	return "?";
}

const char *vec_direction_name(enum vec_direction d) { return name_of(direction_names, (int)d); }
const char *vec_family_name(enum vec_family f) { return name_of(family_names, (int)f); }
const char *vec_mode_name(enum vec_mode m) { return name_of(mode_names, (int)m); }
const char *vec_udp_name(enum vec_udp u) { return name_of(udp_names, (int)u); }
const char *vec_enc_name(enum vec_enc e) { return name_of(enc_names, (int)e); }
const char *vec_auth_name(enum vec_auth a) { return name_of(auth_names, (int)a); }
const char *vec_prim_alg_name(enum vec_prim_alg a) { return name_of(prim_names, (int)a); }
const char *vec_crypto_status_name(int status) { return name_of(status_names, status); }
const char *vec_need_name(uint32_t bit) { return name_of(need_names, (int)bit); }

/* ------------------------------------------------------------------------ */
/* Algorithm facts (RFC 2405, 2451, 3602, 4106, 4543, 2403, 2404, 4868) */

static bool enc_is_gcm(enum vec_enc e)
{
	return e == VEC_ENC_AES_GCM_128 || e == VEC_ENC_AES_GCM_192 || e == VEC_ENC_AES_GCM_256;
}

static bool auth_is_gmac(enum vec_auth a)
{
	return a == VEC_AUTH_AES_GMAC_128 || a == VEC_AUTH_AES_GMAC_192 || a == VEC_AUTH_AES_GMAC_256;
}

/* Key bytes the SA carries, salt included (DESIGN.md: KeyLength counts it). */
static size_t enc_key_len(enum vec_enc e)
{
	static const uint8_t len[] = {
		[VEC_ENC_DES_CBC] = 8, [VEC_ENC_3DES_CBC] = 24, [VEC_ENC_AES_CBC_128] = 16,
		[VEC_ENC_AES_CBC_192] = 24, [VEC_ENC_AES_CBC_256] = 32, [VEC_ENC_AES_GCM_128] = 20,
		[VEC_ENC_AES_GCM_192] = 28, [VEC_ENC_AES_GCM_256] = 36,
	};
	return (size_t)e < sizeof(len) ? len[e] : 0;
}

static size_t auth_key_len(enum vec_auth a)
{
	static const uint8_t len[] = {
		[VEC_AUTH_HMAC_MD5_96] = 16, [VEC_AUTH_HMAC_SHA1_96] = 20,
		[VEC_AUTH_HMAC_SHA256_128] = 32, [VEC_AUTH_AES_GMAC_128] = 20,
		[VEC_AUTH_AES_GMAC_192] = 28, [VEC_AUTH_AES_GMAC_256] = 36,
	};
	return (size_t)a < sizeof(len) ? len[a] : 0;
}

/* ICV bytes: 96-bit truncation (RFC 2403/2404), 128 (RFC 4868), GMAC 16
 * (RFC 4543 s3.4). */
static unsigned auth_icv_len(enum vec_auth a)
{
	if (a == VEC_AUTH_HMAC_MD5_96 || a == VEC_AUTH_HMAC_SHA1_96)
		return 12;
	return a == VEC_AUTH_NONE || a == VEC_AUTH_UNSET ? 0 : 16;
}

size_t vec_esp_iv_len(const struct vec_esp *esp)
{
	switch (esp->enc) {
	case VEC_ENC_DES_CBC:
	case VEC_ENC_3DES_CBC:
		return 8;
	case VEC_ENC_AES_CBC_128:
	case VEC_ENC_AES_CBC_192:
	case VEC_ENC_AES_CBC_256:
		return 16;
	case VEC_ENC_AES_GCM_128:
	case VEC_ENC_AES_GCM_192:
	case VEC_ENC_AES_GCM_256:
		return 8;       /* RFC 4106 s3 */
	default:
		return auth_is_gmac(esp->auth) ? 8 : 0;        /* RFC 4543 s3.1 */
	}
}

/* ------------------------------------------------------------------------ */
/* Keys */

enum key_id {
	/* One SA's keys; the tunnel SA's are the same at K_TUN + offset. */
	K_SA_SRC, K_SA_DST, K_SA_ESP_SPI, K_SA_ESP_ENC, K_SA_ESP_ENC_KEY, K_SA_ESP_AUTH,
	K_SA_ESP_AUTH_KEY, K_SA_ESP_ICV_LEN, K_SA_ESP_ESN, K_SA_ESP_SEQ_HI, K_SA_ESP_IV,
	K_SA_AH_SPI, K_SA_AH_AUTH, K_SA_AH_AUTH_KEY, K_SA_AH_ESN, K_SA_AH_SEQ_HI, K_SA_AH_IV,
	K_SA_COUNT,
	K_TUN = K_SA_COUNT,
	K_SOURCE = 2 * K_SA_COUNT,
	K_DIRECTION, K_FAMILY, K_MODE, K_UDP, K_PLAIN, K_WIRE,
	K_EXP_STATUS, K_EXP_CRYPTO_DONE, K_EXP_NEXT_CRYPTO_DONE, K_EXP_HEADER_INFO_SET,
	K_EXP_NEXT_HEADER, K_EXP_PAD_LENGTH, K_EXP_SEND_STATUS, K_NEEDS,
	K_ALG, K_KEY, K_IV, K_AAD, K_PT, K_CT, K_TAG, K_MAC, K_MAC_LEN,
	K_COUNT
};

enum block_kind { BLK_NONE = 0, BLK_CASE = 1, BLK_PRIM = 2 };

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

static const char *key_name(int id)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].id == id)
			return keys[i].name;
	return "?";
}

/* ------------------------------------------------------------------------ */
/* Parser state */

struct frag {
	size_t off;             /* where this physical line's text starts in the value */
	unsigned line, col;     /* and where it sits in the input */
};

struct pending {
	int key;                /* enum key_id, -1 when no value is open */
	unsigned line;
	char *text;
	size_t len, cap;
	struct frag *frags;
	size_t nfrags, fcap;
};

struct parser {
	const char *name;
	char *err;
	size_t errlen;
	struct vec_file *f;
	size_t case_cap, prim_cap;
	int kind;                       /* block open: BLK_* */
	size_t cur;                     /* its index in cases[] or prims[] */
	unsigned blk_line;
	unsigned key_line[K_COUNT];     /* 0: key not in the open block */
	unsigned lineno;
	bool seen_comment;
	struct pending v;
	uint32_t *ids;                  /* hash set of block indexes + 1 (prims: | 1 << 31) */
	size_t ids_cap, ids_count;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, unsigned line, const char *fmt, ...)
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

static int fail_nomem(struct parser *p)
{
	return fail(p, p->lineno, "out of memory");
}

/* Make room for need elements of size elem in *arr (capacity *cap). */
static int grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return fail_nomem(p);
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return fail_nomem(p);
	n = realloc(*arr, ncap * elem);
	if (!n)
		return fail_nomem(p);
	*arr = n;
	*cap = ncap;
	return 0;
}

static const char *cur_id(const struct parser *p)
{
	return p->kind == BLK_CASE ? p->f->cases[p->cur].id : p->f->prims[p->cur].id;
}

static const char *kind_word(const struct parser *p)
{
	return p->kind == BLK_CASE ? "case" : "prim";
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
		return fail_nomem(p);
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
			return fail(p, p->lineno, "duplicate id `%s` (first at line %u)", id, first);
		}
	}
	p->ids[j] = slot;
	p->ids_count++;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Value text */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Append s[0..n) (already trimmed) as one more physical line of the value. */
static int value_append(struct parser *p, const char *s, size_t n, unsigned col)
{
	struct pending *v = &p->v;
	size_t sep = v->len && n ? 1 : 0;

	if (v->len + sep + n > VEC_VALUE_MAX)
		return fail(p, p->lineno, "%s: value longer than %d characters", key_name(v->key),
			    VEC_VALUE_MAX);
	if (grow(p, (void **)&v->text, &v->cap, v->len + sep + n + 1, 1) < 0 ||
	    grow(p, (void **)&v->frags, &v->fcap, v->nfrags + 1, sizeof(*v->frags)) < 0)
		return -1;
	if (sep)
		v->text[v->len++] = ' ';
	v->frags[v->nfrags++] = (struct frag){ v->len, p->lineno, col };
	memcpy(v->text + v->len, s, n);
	v->len += n;
	v->text[v->len] = '\0';
	return 0;
}

/* Line and column of byte off of the value. */
static void value_pos(const struct pending *v, size_t off, unsigned *line, unsigned *col)
{
	size_t i = 0;

	while (i + 1 < v->nfrags && v->frags[i + 1].off <= off)
		i++;
	*line = v->frags[i].line;
	*col = v->frags[i].col + (unsigned)(off - v->frags[i].off);
}

static const char *vkey(const struct parser *p)
{
	return key_name(p->v.key);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int bad_char(struct parser *p, size_t off, const char *what)
{
	unsigned line, col;
	unsigned char c = (unsigned char)p->v.text[off];

	value_pos(&p->v, off, &line, &col);
	if (c > 0x20 && c < 0x7f)
		return fail(p, line, "%s: '%c' at column %u is not %s", vkey(p), c, col, what);
	return fail(p, line, "%s: byte 0x%02x at column %u is not %s", vkey(p), c, col, what);
}

/* Hex digits with any blanks between them (README: "hex may contain spaces"). */
static int val_hex(struct parser *p, struct vec_bytes *out)
{
	const struct pending *v = &p->v;
	uint8_t *buf = malloc(v->len / 2 + 1);
	size_t digits = 0, i;
	int h;

	if (!buf)
		return fail_nomem(p);
	for (i = 0; i < v->len; i++) {
		if (is_blank(v->text[i]))
			continue;
		h = hexval((unsigned char)v->text[i]);
		if (h < 0) {
			free(buf);
			return bad_char(p, i, "a hex digit");
		}
		if (digits % 2 == 0)
			buf[digits / 2] = (uint8_t)(h << 4);
		else
			buf[digits / 2] |= (uint8_t)h;
		digits++;
	}
	if (digits % 2) {
		free(buf);
		return fail(p, v->line, "%s: odd number of hex digits (%zu)", vkey(p), digits);
	}
	if (digits / 2 > VEC_HEX_MAX) {
		free(buf);
		return fail(p, v->line, "%s: %zu bytes, more than the limit of %d", vkey(p),
			    digits / 2, VEC_HEX_MAX);
	}
	free(out->data);
	out->data = buf;
	out->len = digits / 2;
	return 0;
}

/* One word, no blanks inside; empty is an error. */
static int one_word(struct parser *p)
{
	size_t i;

	if (p->v.len == 0)
		return fail(p, p->v.line, "%s: empty value", vkey(p));
	for (i = 0; i < p->v.len; i++)
		if (is_blank(p->v.text[i]))
			return bad_char(p, i, "allowed here (one word expected)");
	return 0;
}

/* Decimal or 0x-hexadecimal, at most max. */
static int val_u32(struct parser *p, uint32_t max, uint32_t *out)
{
	const char *s = p->v.text;
	unsigned base = 10;
	uint64_t n = 0;
	size_t i = 0;
	int d;

	if (one_word(p) < 0)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		i = 2;
	}
	for (; s[i]; i++) {
		d = hexval((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= base)
			return bad_char(p, i, base == 16 ? "a hex digit" : "a decimal digit");
		n = n * base + (unsigned)d;
		if (n > max)
			return fail(p, p->v.line, "%s: %s is out of range (at most %" PRIu32 ")",
				    vkey(p), s, max);
	}
	*out = (uint32_t)n;
	return 0;
}

static int val_int(struct parser *p, uint32_t max, int *out)
{
	uint32_t n;

	if (val_u32(p, max, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

static int val_bool(struct parser *p, bool *out)
{
	if (one_word(p) < 0)
		return -1;
	if (strcmp(p->v.text, "0") != 0 && strcmp(p->v.text, "1") != 0)
		return fail(p, p->v.line, "%s: `%.64s`, want 0 or 1", vkey(p), p->v.text);
	*out = p->v.text[0] == '1';
	return 0;
}

static int val_flag(struct parser *p, int *out)
{
	bool b;

	if (val_bool(p, &b) < 0)
		return -1;
	*out = b;
	return 0;
}

static int val_name(struct parser *p, const struct name_val *t, int *out)
{
	const struct name_val *e;

	if (one_word(p) < 0)
		return -1;
	for (e = t; e->name; e++) {
		if (strcmp(e->name, p->v.text) == 0) {
			*out = e->val;
			return 0;
		}
	}
	return fail(p, p->v.line, "%s: unknown value `%.64s`", vkey(p), p->v.text);
}

static int val_addr(struct parser *p, struct vec_addr *out)
{
	bool v6;

	if (one_word(p) < 0)
		return -1;
	v6 = strchr(p->v.text, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, p->v.text, out->a) != 1)
		return fail(p, p->v.line, "%s: `%.64s` is not an %s address", vkey(p), p->v.text,
			    v6 ? "IPv6" : "IPv4 (dotted quad)");
	out->family = v6 ? VEC_FAMILY_IPV6 : VEC_FAMILY_IPV4;
	return 0;
}

/* Free text: printable, blanks and UTF-8 allowed, control characters not. */
static int val_str(struct parser *p, char **out)
{
	size_t i;
	char *s;

	if (p->v.len == 0)
		return fail(p, p->v.line, "%s: empty value", vkey(p));
	for (i = 0; i < p->v.len; i++) {
		unsigned char c = (unsigned char)p->v.text[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad_char(p, i, "allowed in text");
	}
	s = strdup(p->v.text);
	if (!s)
		return fail_nomem(p);
	free(*out);
	*out = s;
	return 0;
}

static int val_needs(struct parser *p, uint32_t *out)
{
	char *save = NULL, *w;
	const struct name_val *e;

	if (p->v.len == 0)
		return fail(p, p->v.line, "%s: empty value", vkey(p));
	*out = 0;
	for (w = strtok_r(p->v.text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		for (e = need_names; e->name && strcmp(e->name, w) != 0; e++)
			;
		if (!e->name)
			return fail(p, p->v.line, "%s: unknown capability word `%.64s`", vkey(p), w);
		*out |= (uint32_t)e->val;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Storing values */

static int set_sa_key(struct parser *p, struct vec_sa *sa, int k)
{
	int i = 0;
	int rc;

	switch (k) {
	case K_SA_SRC: return val_addr(p, &sa->src);
	case K_SA_DST: return val_addr(p, &sa->dst);
	case K_SA_ESP_SPI:
		sa->esp.present = true;
		return val_u32(p, UINT32_MAX, &sa->esp.spi);
	case K_SA_ESP_ENC:
		rc = val_name(p, enc_names, &i);
		sa->esp.enc = (enum vec_enc)i;
		return rc;
	case K_SA_ESP_ENC_KEY: return val_hex(p, &sa->esp.enc_key);
	case K_SA_ESP_AUTH:
		rc = val_name(p, auth_names, &i);
		sa->esp.auth = (enum vec_auth)i;
		return rc;
	case K_SA_ESP_AUTH_KEY: return val_hex(p, &sa->esp.auth_key);
	case K_SA_ESP_ICV_LEN:
		rc = val_int(p, 255, &i);
		sa->esp.icv_len = (unsigned)i;
		return rc;
	case K_SA_ESP_ESN: return val_bool(p, &sa->esp.esn);
	case K_SA_ESP_SEQ_HI: return val_u32(p, UINT32_MAX, &sa->esp.seq_hi);
	case K_SA_ESP_IV: return val_hex(p, &sa->esp.iv);
	case K_SA_AH_SPI:
		sa->ah.present = true;
		return val_u32(p, UINT32_MAX, &sa->ah.spi);
	case K_SA_AH_AUTH:
		rc = val_name(p, auth_names, &i);
		sa->ah.auth = (enum vec_auth)i;
		return rc;
	case K_SA_AH_AUTH_KEY: return val_hex(p, &sa->ah.auth_key);
	case K_SA_AH_ESN: return val_bool(p, &sa->ah.esn);
	case K_SA_AH_SEQ_HI: return val_u32(p, UINT32_MAX, &sa->ah.seq_hi);
	default: return val_hex(p, &sa->ah.iv);           /* K_SA_AH_IV */
	}
}

static int set_expect_key(struct parser *p, struct vec_expect *e, int k)
{
	int i = 0;
	int rc;

	switch (k) {
	case K_EXP_STATUS: return val_name(p, status_names, &e->status);
	case K_EXP_CRYPTO_DONE: return val_flag(p, &e->crypto_done);
	case K_EXP_NEXT_CRYPTO_DONE: return val_flag(p, &e->next_crypto_done);
	case K_EXP_HEADER_INFO_SET: return val_flag(p, &e->header_info_set);
	case K_EXP_NEXT_HEADER: return val_int(p, 255, &e->next_header);
	case K_EXP_PAD_LENGTH: return val_int(p, 255, &e->pad_length);
	default:                                                /* K_EXP_SEND_STATUS */
		rc = val_name(p, send_status_names, &i);
		e->send_status = (int32_t)i;
		return rc;
	}
}

static int set_case_key(struct parser *p, struct vec_case *c, int k)
{
	int i = 0;
	int rc;

	if (k < K_TUN)
		return set_sa_key(p, &c->sa, k);
	if (k < K_SOURCE)
		return set_sa_key(p, &c->tun, k - K_TUN);
	if (k >= K_EXP_STATUS && k <= K_EXP_SEND_STATUS)
		return set_expect_key(p, &c->expect, k);
	switch (k) {
	case K_SOURCE: return val_str(p, &c->source);
	case K_PLAIN: return val_hex(p, &c->plain);
	case K_WIRE: return val_hex(p, &c->wire);
	case K_NEEDS: return val_needs(p, &c->needs);
	default:
		break;
	}
	switch (k) {
	case K_DIRECTION:
		rc = val_name(p, direction_names, &i);
		c->direction = (enum vec_direction)i;
		return rc;
	case K_FAMILY:
		rc = val_name(p, family_names, &i);
		c->family = (enum vec_family)i;
		return rc;
	case K_MODE:
		rc = val_name(p, mode_names, &i);
		c->mode = (enum vec_mode)i;
		return rc;
	default:                                                /* K_UDP */
		rc = val_name(p, udp_names, &i);
		c->udp = (enum vec_udp)i;
		return rc;
	}
}

static int set_prim_key(struct parser *p, struct vec_prim *pr, int k)
{
	int i = 0;
	int rc;

	switch (k) {
	case K_SOURCE: return val_str(p, &pr->source);
	case K_ALG:
		rc = val_name(p, prim_names, &i);
		pr->alg = (enum vec_prim_alg)i;
		return rc;
	case K_KEY: return val_hex(p, &pr->key);
	case K_IV: return val_hex(p, &pr->iv);
	case K_AAD: return val_hex(p, &pr->aad);
	case K_PT: return val_hex(p, &pr->pt);
	case K_CT: return val_hex(p, &pr->ct);
	case K_TAG: return val_hex(p, &pr->tag);
	case K_MAC: return val_hex(p, &pr->mac);
	default: return val_int(p, 64, &pr->mac_len);          /* K_MAC_LEN */
	}
}

/* Decode and store the open value, if any. */
static int value_finish(struct parser *p)
{
	int k = p->v.key, rc;

	if (k < 0)
		return 0;
	if (p->kind == BLK_CASE)
		rc = set_case_key(p, &p->f->cases[p->cur], k);
	else
		rc = set_prim_key(p, &p->f->prims[p->cur], k);
	p->v.key = -1;
	p->v.len = 0;
	p->v.nfrags = 0;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Checks at the end of a block */

static unsigned kline(const struct parser *p, int k)
{
	return p->key_line[k] ? p->key_line[k] : p->blk_line;
}

static int require(struct parser *p, int k, const char *why)
{
	if (p->key_line[k])
		return 0;
	return fail(p, p->blk_line, "%s %s: missing required key `%s`%s", kind_word(p), cur_id(p),
		    key_name(k), why);
}

static int key_len_check(struct parser *p, int k, const struct vec_bytes *key, size_t need,
			 const char *alg, bool salted)
{
	if (key->len == need)
		return 0;
	if (!p->key_line[k] && need)
		return fail(p, p->blk_line, "%s %s: missing required key `%s` (%s needs %zu bytes)",
			    kind_word(p), cur_id(p), key_name(k), alg, need);
	return fail(p, kline(p, k), "%s: %zu bytes, %s needs %zu%s", key_name(k), key->len, alg,
		    need, salted ? " (key + 4-byte salt)" : "");
}

static int check_esn(struct parser *p, int k_esn, int k_hi, bool esn)
{
	if (p->key_line[k_hi] && !esn)
		return fail(p, p->key_line[k_hi], "%s: given but %s is not 1", key_name(k_hi),
			    key_name(k_esn));
	return 0;
}

static int check_esp_algs(struct parser *p, struct vec_esp *e, int base)
{
	const char *en = vec_enc_name(e->enc), *an = vec_auth_name(e->auth);

	if (enc_is_gcm(e->enc) && e->auth != VEC_AUTH_NONE)
		return fail(p, kline(p, base + K_SA_ESP_AUTH),
			    "%s: must be none with %s (combined mode, RFC 4106)",
			    key_name(base + K_SA_ESP_AUTH), en);
	if (auth_is_gmac(e->auth) && e->enc != VEC_ENC_NULL && e->enc != VEC_ENC_NONE)
		return fail(p, kline(p, base + K_SA_ESP_ENC),
			    "%s: %s cannot go with %s (RFC 4543: GMAC is ESP without encryption)",
			    key_name(base + K_SA_ESP_ENC), en, an);
	if (e->enc == VEC_ENC_NONE && e->auth == VEC_AUTH_NONE)
		return fail(p, kline(p, base + K_SA_ESP_ENC),
			    "%s: ESP with neither encryption nor authentication",
			    key_name(base + K_SA_ESP_ENC));
	if (key_len_check(p, base + K_SA_ESP_ENC_KEY, &e->enc_key, enc_key_len(e->enc), en,
			  enc_is_gcm(e->enc)) < 0)
		return -1;
	return key_len_check(p, base + K_SA_ESP_AUTH_KEY, &e->auth_key, auth_key_len(e->auth), an,
			     auth_is_gmac(e->auth));
}

static int check_esp_icv(struct parser *p, struct vec_esp *e, int base)
{
	int k = base + K_SA_ESP_ICV_LEN;
	unsigned want = auth_icv_len(e->auth);

	if (enc_is_gcm(e->enc)) {
		/* RFC 4106 s6: 8, 12 or 16 octets. */
		if (!p->key_line[k])
			return fail(p, p->blk_line, "%s %s: missing required key `%s` (%s)",
				    kind_word(p), cur_id(p), key_name(k), vec_enc_name(e->enc));
		if (e->icv_len != 8 && e->icv_len != 12 && e->icv_len != 16)
			return fail(p, p->key_line[k], "%s: %u, %s allows 8, 12 or 16", key_name(k),
				    e->icv_len, vec_enc_name(e->enc));
		return 0;
	}
	if (p->key_line[k] && e->icv_len != want)
		return fail(p, p->key_line[k], "%s: %u, %s gives %u", key_name(k), e->icv_len,
			    vec_auth_name(e->auth), want);
	e->icv_len = want;
	return 0;
}

static int check_iv(struct parser *p, int k, const struct vec_bytes *iv, size_t need,
		    const char *alg, bool sending)
{
	if (!p->key_line[k]) {
		if (need && sending)
			return fail(p, p->blk_line, "%s %s: missing required key `%s` (send with %s)",
				    kind_word(p), cur_id(p), key_name(k), alg);
		return 0;
	}
	if (iv->len != need)
		return fail(p, p->key_line[k], "%s: %zu bytes, %s needs %zu", key_name(k), iv->len,
			    alg, need);
	return 0;
}

static int check_esp(struct parser *p, struct vec_case *c, struct vec_esp *e, int base)
{
	const char *alg;

	if (require(p, base + K_SA_ESP_ENC, "") < 0 || require(p, base + K_SA_ESP_AUTH, "") < 0 ||
	    check_esp_algs(p, e, base) < 0 || check_esp_icv(p, e, base) < 0 ||
	    check_esn(p, base + K_SA_ESP_ESN, base + K_SA_ESP_SEQ_HI, e->esn) < 0)
		return -1;
	alg = auth_is_gmac(e->auth) ? vec_auth_name(e->auth) : vec_enc_name(e->enc);
	return check_iv(p, base + K_SA_ESP_IV, &e->iv, vec_esp_iv_len(e), alg,
			c->direction & VEC_DIR_SEND);
}

static int check_ah(struct parser *p, struct vec_case *c, struct vec_ah *a, int base)
{
	const char *an = vec_auth_name(a->auth);
	bool gmac = auth_is_gmac(a->auth);

	if (require(p, base + K_SA_AH_AUTH, "") < 0)
		return -1;
	if (a->auth == VEC_AUTH_NONE)
		return fail(p, kline(p, base + K_SA_AH_AUTH), "%s: none is not an AH algorithm",
			    key_name(base + K_SA_AH_AUTH));
	if (key_len_check(p, base + K_SA_AH_AUTH_KEY, &a->auth_key, auth_key_len(a->auth), an,
			  gmac) < 0 ||
	    check_esn(p, base + K_SA_AH_ESN, base + K_SA_AH_SEQ_HI, a->esn) < 0)
		return -1;
	/* RFC 4543 s5: the AH ICV field holds the 8-octet IV, then the tag. */
	a->icv_len = gmac ? 24 : auth_icv_len(a->auth);
	return check_iv(p, base + K_SA_AH_IV, &a->iv, gmac ? 8 : 0, an,
			c->direction & VEC_DIR_SEND);
}

/* Keys of an ESP or AH member given without its spi. */
static int check_orphans(struct parser *p, const struct vec_sa *sa, int base)
{
	int k;

	for (k = K_SA_ESP_ENC; k <= K_SA_AH_IV; k++) {
		bool esp = k <= K_SA_ESP_IV;

		if (k == K_SA_AH_SPI || !p->key_line[base + k])
			continue;
		if (esp ? !sa->esp.present : !sa->ah.present)
			return fail(p, p->key_line[base + k], "%s: given without %s", key_name(base + k),
				    key_name(base + (esp ? K_SA_ESP_SPI : K_SA_AH_SPI)));
	}
	return 0;
}

static int check_sa(struct parser *p, struct vec_case *c, struct vec_sa *sa, int base)
{
	if (require(p, base + K_SA_SRC, "") < 0 || require(p, base + K_SA_DST, "") < 0 ||
	    check_orphans(p, sa, base) < 0)
		return -1;
	if (sa->src.family != sa->dst.family)
		return fail(p, p->key_line[base + K_SA_DST], "%s: %s, but %s is %s",
			    key_name(base + K_SA_DST), vec_family_name(sa->dst.family),
			    key_name(base + K_SA_SRC), vec_family_name(sa->src.family));
	if (!sa->esp.present && !sa->ah.present)
		return fail(p, p->blk_line, "case %s: neither `%s` nor `%s`: the SA has no member",
			    cur_id(p), key_name(base + K_SA_ESP_SPI), key_name(base + K_SA_AH_SPI));
	if (sa->esp.present && check_esp(p, c, &sa->esp, base) < 0)
		return -1;
	return sa->ah.present ? check_ah(p, c, &sa->ah, base) : 0;
}

static int check_tunnel_keys(struct parser *p, struct vec_case *c)
{
	int k;

	if (c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
		return check_sa(p, c, &c->tun, K_TUN);
	for (k = K_TUN; k < K_SOURCE; k++)
		if (p->key_line[k])
			return fail(p, p->key_line[k], "%s: only with mode = transport-over-tunnel",
				    key_name(k));
	return 0;
}

/* UDP-ESP type against mode (IPSEC_OFFLOAD_V2_*UDP_ESP*), and ESP present. */
static int check_udp(struct parser *p, const struct vec_case *c)
{
	static const enum vec_mode mode_of[] = {
		[VEC_UDP_TRANSPORT] = VEC_MODE_TRANSPORT,
		[VEC_UDP_TUNNEL] = VEC_MODE_TUNNEL,
		[VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL] = VEC_MODE_TRANSPORT_OVER_TUNNEL,
		[VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL] = VEC_MODE_TRANSPORT_OVER_TUNNEL,
	};
	const struct vec_esp *e = c->udp == VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL ? &c->tun.esp
									   : &c->sa.esp;

	if (c->udp == VEC_UDP_NONE)
		return 0;
	if (mode_of[c->udp] != c->mode)
		return fail(p, p->key_line[K_UDP], "udp: %s does not go with mode = %s",
			    vec_udp_name(c->udp), vec_mode_name(c->mode));
	if (!e->present)
		return fail(p, p->key_line[K_UDP], "udp: %s, but that SA has no ESP member",
			    vec_udp_name(c->udp));
	return 0;
}

/* family: the outermost header's; given or taken from the addresses. */
static int check_family(struct parser *p, struct vec_case *c)
{
	const struct vec_sa *outer = c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa;

	if (!p->key_line[K_FAMILY]) {
		c->family = outer->src.family;
		return 0;
	}
	if (c->family != outer->src.family)
		return fail(p, p->key_line[K_FAMILY], "family: %s, but the outer SA's addresses are %s",
			    vec_family_name(c->family), vec_family_name(outer->src.family));
	return 0;
}

static int check_packets(struct parser *p, const struct vec_case *c)
{
	bool send_ok = c->expect.send_status == NDIS_STATUS_SUCCESS;

	if ((c->direction & VEC_DIR_SEND) && require(p, K_PLAIN, " (direction includes send)") < 0)
		return -1;
	if ((c->direction & VEC_DIR_RECEIVE) && require(p, K_WIRE, " (direction includes receive)") < 0)
		return -1;
	if ((c->direction & VEC_DIR_SEND) && send_ok &&
	    require(p, K_WIRE, " (the frame a successful send transmits)") < 0)
		return -1;
	if (p->key_line[K_PLAIN] && c->plain.len == 0)
		return fail(p, p->key_line[K_PLAIN], "plain: empty packet");
	if (p->key_line[K_WIRE] && c->wire.len == 0)
		return fail(p, p->key_line[K_WIRE], "wire: empty packet");
	if (p->key_line[K_PLAIN] && p->key_line[K_WIRE] && c->plain.len != c->wire.len)
		return fail(p, p->key_line[K_WIRE],
			    "wire: %zu bytes, plain has %zu; processing is in place, lengths must be equal",
			    c->wire.len, c->plain.len);
	return 0;
}

static int check_case(struct parser *p, struct vec_case *c)
{
	if (require(p, K_SOURCE, "") < 0 || require(p, K_DIRECTION, "") < 0 ||
	    require(p, K_MODE, "") < 0 || check_sa(p, c, &c->sa, 0) < 0 ||
	    check_tunnel_keys(p, c) < 0 || check_udp(p, c) < 0 || check_family(p, c) < 0)
		return -1;
	return check_packets(p, c);
}

/* What each prim algorithm takes; bit (k - K_ALG) per key. */
#define PK(k) (1u << ((k) - K_ALG))

struct prim_rule {
	uint8_t key_len;        /* 0: any length */
	uint8_t iv_len;         /* 0: any non-empty length (GCM), when iv is used */
	uint8_t block;          /* pt/ct multiple of this; 0: no rule */
	uint8_t digest;         /* HMAC output bytes */
	unsigned need, allow;
};

static const struct prim_rule *prim_rule(enum vec_prim_alg a)
{
#define CBC(kl, bl) { kl, bl, bl, 0, PK(K_KEY) | PK(K_IV) | PK(K_PT) | PK(K_CT), 0 }
#define GCM(kl) { kl, 0, 0, 0, PK(K_KEY) | PK(K_IV) | PK(K_PT) | PK(K_CT) | PK(K_TAG), PK(K_AAD) }
#define GMAC(kl) { kl, 0, 0, 0, PK(K_KEY) | PK(K_IV) | PK(K_TAG), PK(K_AAD) }
#define HMAC(d) { 0, 0, 0, d, PK(K_KEY) | PK(K_PT) | PK(K_MAC), PK(K_MAC_LEN) }
	static const struct prim_rule rules[] = {
		[VEC_PRIM_NULL] = { 0, 0, 0, 0, PK(K_PT) | PK(K_CT), 0 },
		[VEC_PRIM_DES_CBC] = CBC(8, 8), [VEC_PRIM_3DES_CBC] = CBC(24, 8),
		[VEC_PRIM_AES_CBC_128] = CBC(16, 16), [VEC_PRIM_AES_CBC_192] = CBC(24, 16),
		[VEC_PRIM_AES_CBC_256] = CBC(32, 16),
		[VEC_PRIM_AES_GCM_128] = GCM(16), [VEC_PRIM_AES_GCM_192] = GCM(24),
		[VEC_PRIM_AES_GCM_256] = GCM(32),
		[VEC_PRIM_AES_GMAC_128] = GMAC(16), [VEC_PRIM_AES_GMAC_192] = GMAC(24),
		[VEC_PRIM_AES_GMAC_256] = GMAC(32),
		[VEC_PRIM_HMAC_MD5] = HMAC(16), [VEC_PRIM_HMAC_SHA1] = HMAC(20),
		[VEC_PRIM_HMAC_SHA256] = HMAC(32),
	};
#undef CBC
#undef GCM
#undef GMAC
#undef HMAC
	return &rules[a];
}

static int check_prim_keys(struct parser *p, const struct prim_rule *r, const char *alg)
{
	int k;

	for (k = K_KEY; k <= K_MAC_LEN; k++) {
		if ((r->need & PK(k)) && require(p, k, "") < 0)
			return -1;
		if (p->key_line[k] && !((r->need | r->allow) & PK(k)))
			return fail(p, p->key_line[k], "%s: not used by %s", key_name(k), alg);
	}
	return 0;
}

static int check_prim_lengths(struct parser *p, const struct vec_prim *pr,
			      const struct prim_rule *r, const char *alg)
{
	if ((r->need & PK(K_KEY)) && r->key_len &&
	    key_len_check(p, K_KEY, &pr->key, r->key_len, alg, false) < 0)
		return -1;
	if ((r->need & PK(K_IV)) && (r->iv_len ? pr->iv.len != r->iv_len : pr->iv.len == 0))
		return fail(p, kline(p, K_IV), "iv: %zu bytes, %s needs %s%u", pr->iv.len, alg,
			    r->iv_len ? "" : "at least ", r->iv_len ? r->iv_len : 1u);
	if ((r->need & PK(K_CT)) && pr->ct.len != pr->pt.len)
		return fail(p, kline(p, K_CT), "ct: %zu bytes, pt has %zu", pr->ct.len, pr->pt.len);
	if (r->block && pr->pt.len % r->block)
		return fail(p, kline(p, K_PT), "pt: %zu bytes, not a multiple of %u (%s)", pr->pt.len,
			    r->block, alg);
	if ((r->need & PK(K_TAG)) && (pr->tag.len == 0 || pr->tag.len > 16))
		return fail(p, kline(p, K_TAG), "tag: %zu bytes, want 1 to 16", pr->tag.len);
	return 0;
}

static int check_prim_mac(struct parser *p, const struct vec_prim *pr, const struct prim_rule *r,
			  const char *alg)
{
	bool truncated = pr->mac_len >= 0;
	size_t want = truncated ? (size_t)pr->mac_len : r->digest;

	if (truncated && (want == 0 || want > r->digest))
		return fail(p, kline(p, K_MAC_LEN), "mac_len: %d, %s gives 1 to %u bytes",
			    pr->mac_len, alg, r->digest);
	if (pr->mac.len != want)
		return fail(p, kline(p, K_MAC), "mac: %zu bytes, want %zu (%s)", pr->mac.len, want,
			    truncated ? "mac_len" : "the whole digest; set mac_len to truncate");
	return 0;
}

static int check_prim(struct parser *p, struct vec_prim *pr)
{
	const struct prim_rule *r;
	const char *alg;

	if (require(p, K_SOURCE, "") < 0 || require(p, K_ALG, "") < 0)
		return -1;
	r = prim_rule(pr->alg);
	alg = vec_prim_alg_name(pr->alg);
	if (check_prim_keys(p, r, alg) < 0 || check_prim_lengths(p, pr, r, alg) < 0)
		return -1;
	return r->digest ? check_prim_mac(p, pr, r, alg) : 0;
}

static int block_end(struct parser *p)
{
	int rc = 0;

	if (value_finish(p) < 0)
		return -1;
	if (p->kind == BLK_CASE)
		rc = check_case(p, &p->f->cases[p->cur]);
	else if (p->kind == BLK_PRIM)
		rc = check_prim(p, &p->f->prims[p->cur]);
	p->kind = BLK_NONE;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Lines */

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
		return fail(p, p->lineno, "more than %d blocks in one file", VEC_BLOCKS_MAX);
	if (kind == BLK_CASE) {
		if (grow(p, (void **)&f->cases, &p->case_cap, f->ncases + 1, sizeof(*f->cases)) < 0)
			return -1;
		case_init(&f->cases[f->ncases], id, idlen, p->lineno);
		p->cur = f->ncases++;
		slot = (uint32_t)p->cur + 1;
	} else {
		if (grow(p, (void **)&f->prims, &p->prim_cap, f->nprims + 1, sizeof(*f->prims)) < 0)
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
		return fail(p, p->lineno, "the file must start with its provenance comments (# ...)");
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	w = i - 1;
	if (w == 4 && memcmp(s + 1, "case", 4) == 0)
		kind = BLK_CASE;
	else if (w == 4 && memcmp(s + 1, "prim", 4) == 0)
		kind = BLK_PRIM;
	else
		return fail(p, p->lineno, "unknown block `[%.*s`, want [case ID] or [prim ID]",
			    (int)(w < 32 ? w : 32), s + 1);
	if (i >= n || !is_blank(s[i]))
		return fail(p, p->lineno, "block header: want a blank and an id after `%s`",
			    kind == BLK_CASE ? "[case" : "[prim");
	while (i < n && is_blank(s[i]))
		i++;
	for (id0 = i; i < n && is_id_char(s[i]); i++)
		;
	if (i == id0 || i - id0 > VEC_ID_MAX)
		return fail(p, p->lineno, "block header: the id must have 1 to %d characters of "
			    "[a-z0-9._-]", VEC_ID_MAX);
	if (i >= n || s[i] != ']')
		return fail(p, p->lineno, "block header: column %zu: want `]` after the id", i + 1);
	for (w = i + 1; w < n; w++)
		if (!is_blank(s[w]))
			return fail(p, p->lineno, "block header: text after `]` at column %zu", w + 1);
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
		return fail(p, p->lineno, "%.*s: not a key of a [%s] block", (int)n, s, kind_word(p));
	return fail(p, p->lineno, "unknown key `%.*s`", (int)(n < 64 ? n : 64), s);
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && is_blank(s[n - 1]))
		n--;
	return n;
}

/* "key = value". */
static int key_line(struct parser *p, const char *s, size_t n)
{
	size_t i = 0, klen;
	int k;

	if (value_finish(p) < 0)
		return -1;
	while (i < n && (is_id_char(s[i]) && s[i] != '-'))
		i++;
	klen = i;
	while (i < n && is_blank(s[i]))
		i++;
	if (klen == 0 || i >= n || s[i] != '=')
		return fail(p, p->lineno, "want `key = value`, `[case ID]`, `[prim ID]` or a # comment");
	if (p->kind == BLK_NONE)
		return fail(p, p->lineno, "key `%.*s` before the first [case] or [prim] block",
			    (int)(klen < 64 ? klen : 64), s);
	k = key_lookup(p, s, klen);
	if (k < 0)
		return -1;
	if (p->key_line[k])
		return fail(p, p->lineno, "%s: duplicate key (first at line %u)", key_name(k),
			    p->key_line[k]);
	p->key_line[k] = p->lineno;
	for (i++; i < n && is_blank(s[i]); i++)
		;
	p->v.key = k;
	p->v.line = p->lineno;
	return value_append(p, s + i, trim_end(s + i, n - i), (unsigned)i + 1);
}

static int continuation(struct parser *p, const char *s, size_t n)
{
	size_t i = 0;

	if (p->v.key < 0)
		return fail(p, p->lineno, "continuation line (leading blank) without a key line "
			    "right before it");
	while (i < n && is_blank(s[i]))
		i++;
	return value_append(p, s + i, trim_end(s + i, n - i), (unsigned)i + 1);
}

static int one_line(struct parser *p, const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > VEC_LINE_MAX)
		return fail(p, p->lineno, "line of %zu bytes, longer than %d", n, VEC_LINE_MAX);
	if (memchr(s, '\0', n))
		return fail(p, p->lineno, "NUL byte in the line");
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#') {
		if (i < n)
			p->seen_comment = true;
		return value_finish(p);
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
		return fail(p, p->lineno ? p->lineno : 1, "no [case] or [prim] block");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Entry points */

static void bytes_free(struct vec_bytes *b)
{
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
		return fail(&p, 0, "input of %zu bytes, more than %d", len, VEC_INPUT_MAX);
	p.f = calloc(1, sizeof(*p.f));
	if (!p.f || !(p.f->name = strdup(p.name))) {
		rc = fail_nomem(&p);
		goto out;
	}
	if (parse_all(&p, text ? text : "", text ? len : 0) < 0)
		goto out;
	if (fill_file(p.f) < 0) {
		rc = fail_nomem(&p);
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

__attribute__((format(printf, 3, 4)))
static void file_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int vec_parse_file(const char *path, struct vec_file **out, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	*out = NULL;
	if (!fp) {
		file_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *nb;

			if (cap > VEC_INPUT_MAX) {
				file_err(err, errlen, "%s: larger than %d bytes", path, VEC_INPUT_MAX);
				goto out;
			}
			nb = realloc(buf, cap + 262144);
			if (!nb) {
				file_err(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap += 262144;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		file_err(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = vec_parse_buf(path, buf, len, out, err, errlen);
out:
	free(buf);
	fclose(fp);
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
