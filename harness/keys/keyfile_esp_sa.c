/* SPDX-License-Identifier: MIT */
/*
 * keyfile_esp_sa.c - Wireshark's `esp_sa` UAT file (Preferences > Protocols
 * > ESP > ESP SAs, saved as `esp_sa` in the profile directory).
 *
 * What Wireshark writes (uat.c uat_save): a first line "# This file is
 * automatically generated, DO NOT MODIFY.", then one record per line, each
 * field double-quoted, fields joined by ',' with no blanks; '"', '\' and
 * unprintable bytes inside a field are written \xNN (uat_esc). What it reads
 * (uat_load.l): blanks before a field and before a ',', '#' comment lines,
 * an empty field as a bare ','; escapes \a \b \e \f \n \r \t \v, \NNN octal,
 * \xNN (uat_unesc). This reader takes the same, except unquoted hex-byte
 * fields, which no esp_sa field uses.
 *
 * Fields (packet-ipsec.c esp_uat_flds): Wireshark 4.0 writes eight, later
 * versions ten (SN, ESN High Bits appended). The algorithm strings are
 * esp_encryption_type_vals / esp_authentication_type_vals, compared exactly
 * as Wireshark does (a UAT enum field matches its string exactly). Every SA
 * is ESP: the UAT has no AH records. Which strings map to which NDIS
 * algorithm, and why the others are refused, is in pcaps/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile_int.h"
#include "textfile.h"

enum esp_sa_fields {
	F_PROTOCOL, F_SRC, F_DST, F_SPI, F_ENC, F_ENC_KEY, F_AUTH, F_AUTH_KEY,
	F_COUNT_40 = 8,         /* Wireshark 4.0 */
	F_SN = 8, F_SN_UPPER,
	F_COUNT_LATER = 10,     /* later versions */
};

/* The UAT field titles, as Wireshark shows them. */
static const char *const field_name[F_COUNT_LATER] = {
	"Protocol", "Src IP", "Dest IP", "SPI", "Encryption", "Encryption Key",
	"Authentication", "Authentication Key", "SN", "ESN High Bits",
};

struct span {
	const char *s;          /* the text between the quotes, still escaped */
	size_t n;
	size_t col;             /* 1-based column of the opening quote */
};

/* One field's value: unescaped bytes (wiped when freed: keys). */
struct value {
	char *s;
	size_t n;
};

/* ------------------------------------------------------------------------ */
/* Splitting a record */

/* The closing quote of the field opened at s[i] ('"'), a backslash taking
 * the byte after it; n when there is none. */
static size_t close_quote(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			return i;
	}
	return n;
}

/* Split line s[0..n) into fields (uat_load.l: blanks, then a quoted string
 * or nothing, then blanks and ',' or the end of the line). */
static int split(struct kf_parser *p, const char *s, size_t n, struct span *f, size_t *nf)
{
	size_t i = 0, end;

	*nf = 0;
	for (;;) {
		while (i < n && kf_is_blank(s[i]))
			i++;
		if (*nf == F_COUNT_LATER)
			return kf_fail(p, p->lineno, "more than %d fields (Wireshark 4.0 writes %d)",
				       F_COUNT_LATER, F_COUNT_40);
		f[*nf] = (struct span){ s + i, 0, i + 1 };
		if (i < n && s[i] == '"') {
			end = close_quote(s, n, i);
			if (end == n)
				return kf_fail(p, p->lineno, "%s: no closing '\"' (column %zu)",
					       field_name[*nf], i + 1);
			f[*nf].s = s + i + 1;
			f[*nf].n = end - i - 1;
			i = end + 1;
			while (i < n && kf_is_blank(s[i]))
				i++;
		} else if (i < n && s[i] != ',') {
			return kf_fail(p, p->lineno,
				       "%s: expected a double-quoted value at column %zu",
				       field_name[*nf], i + 1);
		}
		(*nf)++;
		if (i == n)
			return 0;
		if (s[i] != ',')
			return kf_fail(p, p->lineno, "unexpected '%c' at column %zu after %s "
				       "(fields are separated by ',')",
				       (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f
				       ? s[i] : '?', i + 1, field_name[*nf - 1]);
		i++;
	}
}

static int octval(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* One escape after a backslash at s[*i] (uat_unesc); advances *i past it. */
static char unesc_one(const char *s, size_t n, size_t *i)
{
	static const char ctl[] = "a\ab\be\033f\fn\nr\rt\tv\v";
	const char *c;
	char e = s[++*i];
	int v, d, k;

	c = strchr(ctl, e);
	if (e && c && (c - ctl) % 2 == 0)
		return c[1];
	if (octval(e) >= 0) {
		for (v = 0, k = 0; k < 3 && *i < n && (d = octval(s[*i])) >= 0; k++, ++*i)
			v = v * 8 + d;
		--*i;
		return (char)(v > 255 ? 255 : v);
	}
	if (e == 'x' && *i + 2 < n && text_hexval((unsigned char)s[*i + 1]) >= 0 &&
	    text_hexval((unsigned char)s[*i + 2]) >= 0) {
		*i += 2;
		return (char)(text_hexval((unsigned char)s[*i - 1]) << 4 |
			      text_hexval((unsigned char)s[*i]));
	}
	return e;
}

/* The bytes of a field, escapes undone. 0, or -1 for no memory. */
static int unesc(const struct span *f, struct value *v)
{
	size_t i;

	v->s = malloc(f->n + 1);
	v->n = 0;
	if (!v->s)
		return -1;
	for (i = 0; i < f->n; i++)
		v->s[v->n++] = f->s[i] == '\\' && i + 1 < f->n ? unesc_one(f->s, f->n, &i) : f->s[i];
	v->s[v->n] = '\0';
	return 0;
}

static bool is(const struct value *v, const char *lit)
{
	return v->n == strlen(lit) && memcmp(v->s, lit, v->n) == 0;
}

/* ------------------------------------------------------------------------ */
/* Field values */

struct rec {
	struct span f[F_COUNT_LATER];
	size_t nf;              /* fields in the record: 8 or 10 */
	struct value v[F_COUNT_LATER];
	size_t nv;              /* of them unescaped */
};

/* A value for a message: the raw field text, at most 64 bytes. */
#define SHOW(r, k) (int)((r)->f[k].n > 64 ? 64 : (r)->f[k].n), (r)->f[k].s

static int parse_protocol(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	const struct value *v = &r->v[F_PROTOCOL];

	if (is(v, "IPv4"))
		sa->family = VEC_FAMILY_IPV4;
	else if (is(v, "IPv6"))
		sa->family = VEC_FAMILY_IPV6;
	else if (is(v, "Any"))          /* later versions; 4.0 refuses it */
		sa->family = VEC_FAMILY_NONE;
	else
		return kf_fail(p, p->lineno, "Protocol: `%.*s` is not IPv4, IPv6 or Any",
			       SHOW(r, F_PROTOCOL));
	return 0;
}

/* "*" is any address; Wireshark's partial wildcards ("10.1.*.*", "fe80::*")
 * and prefixes ("/24") match a range, which no NDIS SA can. */
static int parse_addr(struct kf_parser *p, const struct rec *r, int k, enum vec_family fam,
		      struct vec_addr *out)
{
	const struct value *v = &r->v[k];

	memset(out, 0, sizeof(*out));
	if (is(v, "*"))
		return 0;
	if (v->n == 0)
		return kf_fail(p, p->lineno, "%s: empty (write an address, or * for any)",
			       field_name[k]);
	if (memchr(v->s, '*', v->n) || memchr(v->s, '/', v->n))
		return kf_fail(p, p->lineno, "%s: `%.*s` is a range; an offloaded SA names one "
			       "address (write it whole, or * for any)", field_name[k], SHOW(r, k));
	if (kf_addr_parse(v->s, v->n, fam, out) < 0)
		return kf_fail(p, p->lineno, "%s: `%.*s` is not an %s address", field_name[k],
			       SHOW(r, k), fam == VEC_FAMILY_IPV4 ? "IPv4" :
			       fam == VEC_FAMILY_IPV6 ? "IPv6" : "IPv4 or IPv6");
	return 0;
}

static int parse_addrs(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	if (parse_addr(p, r, F_SRC, sa->family, &sa->src) < 0 ||
	    parse_addr(p, r, F_DST, sa->family, &sa->dst) < 0)
		return -1;
	if (sa->family != VEC_FAMILY_NONE)
		return 0;
	/* Protocol Any: the family is the addresses'. */
	if (sa->src.family && sa->dst.family && sa->src.family != sa->dst.family)
		return kf_fail(p, p->lineno, "Dest IP: `%.*s` is %s, but Src IP is %s",
			       SHOW(r, F_DST), kf_family_str(sa->dst.family),
			       kf_family_str(sa->src.family));
	sa->family = sa->src.family ? sa->src.family : sa->dst.family;
	return 0;
}

/* Wireshark reads the SPI with strtoul(s, NULL, 0); '*' anywhere is a
 * wildcard (packet-ipsec.c filter_spi_match). */
static int parse_spi(struct kf_parser *p, const struct rec *r, uint32_t *spi)
{
	const struct value *v = &r->v[F_SPI];
	bool hex = v->n > 2 && v->s[0] == '0' && (v->s[1] == 'x' || v->s[1] == 'X');
	uint64_t x = 0;
	size_t i;
	int d;

	if (v->n == 0 || memchr(v->s, '*', v->n))
		return kf_fail(p, p->lineno, "SPI: `%.*s` matches any SPI; replay needs the SPI "
			       "itself (the engine looks its SA up by SPI): write it as 0x...",
			       SHOW(r, F_SPI));
	if (!hex && v->n > 1 && v->s[0] == '0')
		return kf_fail(p, p->lineno, "SPI: `%.*s` has a leading 0, which Wireshark reads "
			       "as octal; write it as 0x...", SHOW(r, F_SPI));
	for (i = hex ? 2 : 0; i < v->n; i++) {
		d = hex ? text_hexval((unsigned char)v->s[i])
			: (v->s[i] >= '0' && v->s[i] <= '9' ? v->s[i] - '0' : -1);
		if (d < 0)
			return kf_fail(p, p->lineno, "SPI: `%.*s` is not a number (0x... or decimal)",
				       SHOW(r, F_SPI));
		x = x * (hex ? 16 : 10) + (uint64_t)d;
		if (x > UINT32_MAX)
			return kf_fail(p, p->lineno, "SPI: `%.*s` is larger than 32 bits",
				       SHOW(r, F_SPI));
	}
	*spi = (uint32_t)x;
	return 0;
}

/* A key as Wireshark's compute_ascii_key reads it: "0x" + hex digits (an
 * odd count as if a 0 led it), "0x" alone for none, anything else as the
 * bytes of the text. A message never shows key bytes. */
static int parse_key(struct kf_parser *p, const struct rec *r, int k, struct vec_bytes *out)
{
	const struct value *v = &r->v[k];
	size_t bad;
	int rc;

	if (v->n < 2 || v->s[0] != '0' || (v->s[1] != 'x' && v->s[1] != 'X')) {
		if (kf_bytes_copy(out, v->s, v->n) < 0)
			return kf_nomem(p);
		return 0;
	}
	rc = kf_unhex(v->s + 2, v->n - 2, true, out, &bad);
	if (rc == -3)
		return kf_nomem(p);
	if (rc < 0) {
		unsigned char c = (unsigned char)v->s[2 + bad];

		if (c > 0x20 && c < 0x7f)
			return kf_fail(p, p->lineno, "%s: '%c' (character %zu) is not a hex digit",
				       field_name[k], c, bad + 3);
		return kf_fail(p, p->lineno, "%s: byte 0x%02x (character %zu) is not a hex digit",
			       field_name[k], c, bad + 3);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Algorithms (packet-ipsec.c esp_encryption_type_vals and
 * esp_authentication_type_vals): the NDIS ones are the esp_sa names of the
 * algorithm table (engine/alg/ipoc_algs.def); here only the names Wireshark
 * writes that NDIS cannot take, and why. */

struct refused {
	const char *name;
	const char *why;
};

static const char not_ndis[] = "not an NDIS IPsec offload algorithm";

static const struct refused enc_refused[] = {
	{ "AES-CTR [RFC3686]", not_ndis },
	{ "CAST5-CBC [RFC2144]", not_ndis },
	{ "BLOWFISH-CBC [RFC2451]", not_ndis },
	{ "TWOFISH-CBC", not_ndis },
	{ "AES-GCM [RFC4106]",
	  "names no ICV length (Wireshark keeps it for old files); choose AES-GCM with 8, 12 "
	  "or 16 octet ICV [RFC4106]" },
	/* Later Wireshark versions. */
	{ "AES-GCM with IIV and 16 octet ICV [RFC4106 & RFC8750]",
	  "implicit IV (RFC 8750) is not in NDIS IPsec offload" },
	{ "ChaCha20 with Poly1305 [RFC7634]", not_ndis },
	{ "ChaCha20 with Poly1305 and IIV [RFC7634 & RFC8750]", not_ndis },
	{ NULL, NULL }
};

static const char no_checking[] =
	"ICV not checked; an offload engine computes the ICV, so it needs the algorithm "
	"and its key";

static const struct refused auth_refused[] = {
	{ "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]",
	  "96-bit truncation is the pre-RFC 4868 draft; NDIS has HMAC-SHA-256 only as "
	  "HMAC-SHA-256-128 [RFC4868]" },
	{ "HMAC-SHA-384-192 [RFC4868]", not_ndis },
	{ "HMAC-SHA-512-256 [RFC4868]", not_ndis },
	{ "MAC-RIPEMD-160-96 [RFC2857]", not_ndis },
	{ "ANY 64 bit authentication [no checking]", no_checking },
	{ "ANY 96 bit authentication [no checking]", no_checking },
	{ "ANY 128 bit authentication [no checking]", no_checking },
	{ "ANY 192 bit authentication [no checking]", no_checking },
	{ "ANY 256 bit authentication [no checking]", no_checking },
	{ NULL, NULL }
};

static const struct refused *refused(const struct refused *t, const struct value *v)
{
	for (; t->name; t++)
		if (is(v, t->name))
			return t;
	return NULL;
}

static bool has_esp_sa(const struct ipoc_alg *a, const char *name, size_t n)
{
	uint32_t icv;

	return ipoc_alg_has_esp_sa(a, name, n, &icv);
}

static int key_len_fail(struct kf_parser *p, int k, size_t have, const char *alg,
			const char *need)
{
	return kf_fail(p, p->lineno, "%s: %zu bytes, %s needs %s", field_name[k], have, alg, need);
}

/* A table row by esp_sa name and key length, or a message (-1). */
static int find_alg(struct kf_parser *p, const struct rec *r, unsigned kinds, int f, int fk,
		    const struct vec_bytes *key, const struct ipoc_alg **out)
{
	const struct value *v = &r->v[f];
	char name[96], need[64];
	bool known;

	*out = kf_alg_find(kinds, has_esp_sa, v->s, v->n, key->len, &known);
	if (*out)
		return 0;
	snprintf(name, sizeof(name), "%.*s", SHOW(r, f));
	return key_len_fail(p, fk, key->len, name,
			    kf_key_lens(kinds, has_esp_sa, v->s, v->n, need, sizeof(need)));
}

static bool esp_sa_known(unsigned kinds, const struct value *v)
{
	bool known;

	kf_alg_find(kinds, has_esp_sa, v->s, v->n, SIZE_MAX, &known);
	return known;
}

static int parse_enc(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	const struct refused *no = refused(enc_refused, &r->v[F_ENC]);
	const struct ipoc_alg *a;

	if (no)
		return kf_fail(p, p->lineno, "Encryption: %s: %s", no->name, no->why);
	if (!esp_sa_known(IPOC_ALG_ENC_KINDS, &r->v[F_ENC]))
		return kf_fail(p, p->lineno, "Encryption: unknown algorithm `%.*s` (not one "
			       "Wireshark writes)", SHOW(r, F_ENC));
	if (parse_key(p, r, F_ENC_KEY, &sa->enc_key) < 0 ||
	    find_alg(p, r, IPOC_ALG_ENC_KINDS, F_ENC, F_ENC_KEY, &sa->enc_key, &a) < 0)
		return -1;
	sa->enc = a->ndis;
	if (a->kind == IPOC_ALG_AEAD)
		ipoc_alg_has_esp_sa(a, r->v[F_ENC].s, r->v[F_ENC].n, &sa->icv_len);
	return 0;
}

static int parse_auth(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	const struct refused *no = refused(auth_refused, &r->v[F_AUTH]);
	const struct ipoc_alg *a;
	bool null = is(&r->v[F_AUTH], "NULL");

	if (no)
		return kf_fail(p, p->lineno, "Authentication: %s: %s", no->name, no->why);
	if (!null && !esp_sa_known(IPOC_ALG_AUTH_KINDS, &r->v[F_AUTH]))
		return kf_fail(p, p->lineno, "Authentication: unknown algorithm `%.*s` (not one "
			       "Wireshark writes)", SHOW(r, F_AUTH));
	/* GCM is combined mode (RFC 4106): ESP has no separate integrity algorithm. */
	if (!null && vec_enc_is(sa->enc, IPOC_ALG_AEAD))
		return kf_fail(p, p->lineno, "Authentication: must be NULL with %.*s "
			       "(combined mode, RFC 4106)", SHOW(r, F_ENC));
	if (parse_key(p, r, F_AUTH_KEY, &sa->auth_key) < 0)
		return -1;
	if (null) {
		sa->auth = VEC_ALG_NONE;
		if (!vec_enc_is(sa->enc, IPOC_ALG_AEAD))
			sa->icv_len = 0;
		return sa->auth_key.len ? key_len_fail(p, F_AUTH_KEY, sa->auth_key.len, "NULL",
						       "none") : 0;
	}
	if (find_alg(p, r, IPOC_ALG_AUTH_KINDS, F_AUTH, F_AUTH_KEY, &sa->auth_key, &a) < 0)
		return -1;
	sa->auth = a->ndis;
	if (!vec_enc_is(sa->enc, IPOC_ALG_AEAD))
		sa->icv_len = a->icv_len;
	return 0;
}

/* SN and ESN High Bits (after 4.0; Wireshark 4.0, which the project's
 * tshark is, has neither): esp_sn_length_vals, and a hex number Wireshark
 * takes as the high 32 bits of every sequence number of the SA. */
static int parse_sn(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	const struct value *hi = &r->v[F_SN_UPPER];
	size_t i = hi->n > 2 && hi->s[0] == '0' && (hi->s[1] == 'x' || hi->s[1] == 'X') ? 2 : 0;
	uint64_t x = 0;

	if (is(&r->v[F_SN], "64-bit"))
		sa->esn = true;
	else if (!is(&r->v[F_SN], "32-bit"))
		return kf_fail(p, p->lineno, "SN: `%.*s` is not 32-bit or 64-bit", SHOW(r, F_SN));
	if (i == hi->n)
		return kf_fail(p, p->lineno, "ESN High Bits: empty (Wireshark writes 0)");
	for (; i < hi->n && x <= UINT32_MAX; i++) {
		if (text_hexval((unsigned char)hi->s[i]) < 0)
			return kf_fail(p, p->lineno, "ESN High Bits: `%.*s` is not a hex number",
				       SHOW(r, F_SN_UPPER));
		x = x * 16 + (uint64_t)text_hexval((unsigned char)hi->s[i]);
	}
	if (x > UINT32_MAX)
		return kf_fail(p, p->lineno, "ESN High Bits: `%.*s` is larger than 32 bits",
			       SHOW(r, F_SN_UPPER));
	/* Wireshark appends these bits to the ICV input of a 64-bit SA: the
	 * high half the capture's packets carry, the SA's SequenceNumberHighOrder. */
	if (x && !sa->esn)
		return kf_fail(p, p->lineno, "ESN High Bits: `%.*s` with SN 32-bit: a high half "
			       "needs SN 64-bit (ESN)", SHOW(r, F_SN_UPPER));
	sa->esn_hi = (uint32_t)x;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Records */

static void rec_free(struct rec *r)
{
	size_t i;

	for (i = 0; i < r->nv; i++) {
		ipoc_wipe(r->v[i].s, r->v[i].n);
		free(r->v[i].s);
	}
}

static int rec_to_sa(struct kf_parser *p, const struct rec *r, struct key_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->line = p->lineno;
	sa->mode = VEC_MODE_NONE;      /* the UAT does not say */
	if (parse_protocol(p, r, sa) < 0 || parse_addrs(p, r, sa) < 0 ||
	    parse_spi(p, r, &sa->spi) < 0 || parse_enc(p, r, sa) < 0 ||
	    parse_auth(p, r, sa) < 0 || (r->nf == F_COUNT_LATER && parse_sn(p, r, sa) < 0))
		return -1;
	return 0;
}

static int one_record(struct kf_parser *p, const char *s, size_t n)
{
	struct rec r;
	struct key_sa sa;
	size_t i;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&sa, 0, sizeof(sa));
	if (split(p, s, n, r.f, &r.nf) < 0)
		return -1;
	if (r.nf != F_COUNT_40 && r.nf != F_COUNT_LATER)
		return kf_fail(p, p->lineno, "%zu fields; a record has %d (Wireshark 4.0) or %d "
			       "(later versions): Protocol, Src IP, Dest IP, SPI, Encryption, "
			       "Encryption Key, Authentication, Authentication Key[, SN, "
			       "ESN High Bits]", r.nf, F_COUNT_40, F_COUNT_LATER);
	for (i = 0; i < r.nf; i++, r.nv++) {
		if (unesc(&r.f[i], &r.v[i]) < 0) {
			rc = kf_nomem(p);
			goto out;
		}
	}
	if (rec_to_sa(p, &r, &sa) == 0)
		rc = kf_add_sa(p, &sa, p->lineno, "SPI");
out:
	kf_sa_clear(&sa);
	rec_free(&r);
	return rc;
}

/* see keyfile_int.h */
int kf_parse_esp_sa(struct kf_parser *p)
{
	const char *s;
	size_t n;
	int r;

	while ((r = kf_next_line(p, &s, &n)) > 0)
		if (!kf_line_is_empty(s, n) && one_record(p, s, n) < 0)
			return -1;
	return r;
}
