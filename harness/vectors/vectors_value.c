/* SPDX-License-Identifier: MIT */
/*
 * vectors_value.c - the values of vector files: collecting a value over its
 * continuation lines, decoding it by type (hex, numbers, names, addresses,
 * free text, capability words) and storing it in the open block. See
 * vectors_int.h; the spellings are vectors/README.md's.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "textfile.h"
#include "vectors_int.h"

_Static_assert(VEC_CRYPTO_SUCCESS == CRYPTO_SUCCESS, "CRYPTO_* values");
_Static_assert(VEC_CRYPTO_INVALID_PROTOCOL == CRYPTO_INVALID_PROTOCOL, "CRYPTO_* values");
_Static_assert(VEC_CRYPTO_TUNNEL_ESP_AUTH_FAILED == CRYPTO_TUNNEL_ESP_AUTH_FAILED,
	       "CRYPTO_* values");

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
	{ "ah", VEC_NEED_AH }, { "ah-esp", VEC_NEED_AH_ESP },
	{ "enc-only-esp", VEC_NEED_ENC_ONLY_ESP },
	{ "transport-over-tunnel", VEC_NEED_TRANSPORT_OVER_TUNNEL }, { "gmac", VEC_NEED_GMAC },
	{ "spi-zero", VEC_NEED_SPI_ZERO },
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

/* An SA algorithm's name: "none", its table row's name, or "?". */
static const char *alg_name(uint32_t v, const struct ipoc_alg *a)
{
	return v == VEC_ALG_NONE ? "none" : a ? a->name : "?";
}

const char *vec_enc_name(uint32_t e) { return alg_name(e, vec_enc_alg(e)); }
const char *vec_auth_name(uint32_t a) { return alg_name(a, vec_auth_alg(a)); }
const char *vec_prim_alg_name(const struct ipoc_alg *a) { return a ? a->prim : "?"; }
const char *vec_crypto_status_name(int status) { return name_of(status_names, status); }
const char *vec_need_name(uint32_t bit) { return name_of(need_names, (int)bit); }

/* ------------------------------------------------------------------------ */
/* Value text */

/* see vectors_int.h */
int vecp_value_append(struct parser *p, const char *s, size_t n, unsigned col)
{
	struct pending *v = &p->v;
	size_t sep = v->len && n ? 1 : 0;

	if (v->len + sep + n > VEC_VALUE_MAX)
		return vecp_fail(p, p->lineno, "%s: value longer than %d characters",
				 vecp_key_name(v->key), VEC_VALUE_MAX);
	if (vecp_grow(p, (void **)&v->text, &v->cap, v->len + sep + n + 1, 1) < 0 ||
	    vecp_grow(p, (void **)&v->frags, &v->fcap, v->nfrags + 1, sizeof(*v->frags)) < 0)
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
	return vecp_key_name(p->v.key);
}


static int bad_char(struct parser *p, size_t off, const char *what)
{
	unsigned line, col;
	unsigned char c = (unsigned char)p->v.text[off];

	value_pos(&p->v, off, &line, &col);
	if (c > 0x20 && c < 0x7f)
		return vecp_fail(p, line, "%s: '%c' at column %u is not %s", vkey(p), c, col, what);
	return vecp_fail(p, line, "%s: byte 0x%02x at column %u is not %s", vkey(p), c, col, what);
}

/* Hex digits with any blanks between them (README: "hex may contain spaces"). */
static int val_hex(struct parser *p, struct vec_bytes *out)
{
	const struct pending *v = &p->v;
	uint8_t *buf = malloc(v->len / 2 + 1);
	size_t digits = 0, i;
	int h;

	if (!buf)
		return vecp_nomem(p);
	for (i = 0; i < v->len; i++) {
		if (vecp_is_blank(v->text[i]))
			continue;
		h = text_hexval((unsigned char)v->text[i]);
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
		return vecp_fail(p, v->line, "%s: odd number of hex digits (%zu)", vkey(p), digits);
	}
	if (digits / 2 > VEC_HEX_MAX) {
		free(buf);
		return vecp_fail(p, v->line, "%s: %zu bytes, more than the limit of %d", vkey(p),
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
		return vecp_fail(p, p->v.line, "%s: empty value", vkey(p));
	for (i = 0; i < p->v.len; i++)
		if (vecp_is_blank(p->v.text[i]))
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
		d = text_hexval((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= base)
			return bad_char(p, i, base == 16 ? "a hex digit" : "a decimal digit");
		n = n * base + (unsigned)d;
		if (n > max)
			return vecp_fail(p, p->v.line,
					 "%s: %s is out of range (at most %" PRIu32 ")",
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
		return vecp_fail(p, p->v.line, "%s: `%.64s`, want 0 or 1", vkey(p), p->v.text);
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
	return vecp_fail(p, p->v.line, "%s: unknown value `%.64s`", vkey(p), p->v.text);
}

/* An SA algorithm: `none` or the name of a table row of the given kinds
 * (engine/alg/ipoc_algs.def); *out its NDIS bit. */
static int val_alg(struct parser *p, unsigned kinds, uint32_t *out)
{
	if (one_word(p) < 0)
		return -1;
	if (strcmp(p->v.text, "none") == 0) {
		*out = VEC_ALG_NONE;
		return 0;
	}
	for (size_t i = 0; i < ipoc_algs_n; i++) {
		if ((ipoc_algs[i].kind & kinds) && strcmp(ipoc_algs[i].name, p->v.text) == 0) {
			*out = ipoc_algs[i].ndis;
			return 0;
		}
	}
	return vecp_fail(p, p->v.line, "%s: unknown value `%.64s`", vkey(p), p->v.text);
}

/* A [prim] algorithm: a table row's prim name. */
static int val_prim(struct parser *p, const struct ipoc_alg **out)
{
	if (one_word(p) < 0)
		return -1;
	*out = ipoc_alg_by_prim(p->v.text, strlen(p->v.text));
	return *out ? 0 : vecp_fail(p, p->v.line, "%s: unknown value `%.64s`", vkey(p), p->v.text);
}

static int val_addr(struct parser *p, struct vec_addr *out)
{
	bool v6;

	if (one_word(p) < 0)
		return -1;
	v6 = strchr(p->v.text, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, p->v.text, out->a) != 1)
		return vecp_fail(p, p->v.line, "%s: `%.64s` is not an %s address", vkey(p),
				 p->v.text, v6 ? "IPv6" : "IPv4 (dotted quad)");
	out->family = v6 ? VEC_FAMILY_IPV6 : VEC_FAMILY_IPV4;
	return 0;
}

/* Free text: printable, blanks and UTF-8 allowed, control characters not. */
static int val_str(struct parser *p, char **out)
{
	size_t i;
	char *s;

	if (p->v.len == 0)
		return vecp_fail(p, p->v.line, "%s: empty value", vkey(p));
	for (i = 0; i < p->v.len; i++) {
		unsigned char c = (unsigned char)p->v.text[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad_char(p, i, "allowed in text");
	}
	s = strdup(p->v.text);
	if (!s)
		return vecp_nomem(p);
	free(*out);
	*out = s;
	return 0;
}

static int val_needs(struct parser *p, uint32_t *out)
{
	char *save = NULL, *w;
	const struct name_val *e;

	if (p->v.len == 0)
		return vecp_fail(p, p->v.line, "%s: empty value", vkey(p));
	*out = 0;
	for (w = strtok_r(p->v.text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		for (e = need_names; e->name && strcmp(e->name, w) != 0; e++)
			;
		if (!e->name)
			return vecp_fail(p, p->v.line, "%s: unknown capability word `%.64s`",
					 vkey(p), w);
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
		return val_alg(p, IPOC_ALG_ENC_KINDS, &sa->esp.enc);
	case K_SA_ESP_ENC_KEY: return val_hex(p, &sa->esp.enc_key);
	case K_SA_ESP_AUTH:
		return val_alg(p, IPOC_ALG_AUTH_KINDS, &sa->esp.auth);
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
		return val_alg(p, IPOC_ALG_AUTH_KINDS, &sa->ah.auth);
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
	switch (k) {
	case K_SOURCE: return val_str(p, &pr->source);
	case K_ALG: return val_prim(p, &pr->alg);
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

/* see vectors_int.h */
int vecp_value_finish(struct parser *p)
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

