/* SPDX-License-Identifier: MIT */
/*
 * keyfile_xfrm.c - the text `ip xfrm state` (and `ip -s xfrm state`) prints.
 *
 * What iproute2 prints (ip/ipxfrm.c xfrm_state_info_print and the functions
 * it calls; the same in iproute2 6.1 and in current master, which only
 * added `dir` and `pcpu-num` lines and an offload `mode`): per state, a line
 * "src A dst B" at column 0, then lines indented by a tab:
 *
 *	proto esp spi 0x%08x[(%u)] reqid %u[(0x%08x)] mode transport|tunnel|beet|ro|in_trigger
 *	replay-window %u [seq 0x%08u] [flag WORD...] [extra_flag WORD...] [(0xBITS)]
 *	[mark ...] [output-mark ...]
 *	auth NAME 0xKEY [(N bits)]             (only from kernels that send no AUTH_TRUNC)
 *	auth-trunc NAME 0xKEY [(N bits)] TRUNC_BITS
 *	aead NAME 0xKEY [(N bits)] ICV_BITS
 *	enc NAME [0xKEY [(N bits)]]            (no key for ecb(cipher_null))
 *	encap type espinudp|espinudp-nonike|espintcp sport P dport P addr A
 *	coa A / lastused T / anti-replay context: ... / anti-replay esn context:
 *	 seq-hi ..., seq ..., oseq-hi ..., oseq ... / replay_window N, bitmap-length M
 *	 BITMAP WORDS... / crypto offload parameters: ... / if_id / tfcpad / dir / pcpu-num
 *	sel src A/N dst B/N ...
 *	lifetime config: (4 lines) / lifetime current: (2 lines) / stats: (1 line)   (-s only)
 *	security context ...
 *
 * The parts in brackets come with -s. Only the lines that say what the
 * engine needs are read (proto, replay-window, auth, auth-trunc, aead, enc,
 * encap, the ESN counters and window); the others are recognised and
 * skipped, and any other line is an error. Linux (net/xfrm/xfrm_user.c) dumps an integrity
 * algorithm both as AUTH and AUTH_TRUNC, so ip prints `auth-trunc`; a bare
 * `auth` line means the algorithm's default truncation (net/xfrm/xfrm_algo.c
 * icv_truncbits: 96 bits for hmac(md5), hmac(sha1) and also hmac(sha256)).
 * Which names map to which NDIS algorithm is in pcaps/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile_int.h"
#include "textfile.h"

enum { TOKS_MAX = 40 };

struct tok {
	const char *s;
	size_t n;
};

/* Sub-lines that only follow a header line. */
enum sub { SUB_NONE, SUB_LFT_CFG, SUB_LFT_CUR, SUB_STATS, SUB_ESN, SUB_ESN_BITMAP };

/* The state being read. */
struct blk {
	bool open;
	unsigned line;                  /* of `src` */
	unsigned proto_line, rw_line, enc_line, auth_line, trunc_line, aead_line, encap_line;
	unsigned prev;                  /* line of the last line taken */
	bool gmac;                      /* aead rfc4543 */
	unsigned esn_line;              /* of the esn context's seq-hi line */
	uint32_t seq_hi, seq, oseq_hi, oseq;    /* its numbers */
	enum sub sub;
	struct key_sa sa;
};

struct xp {
	struct kf_parser *p;
	struct blk b;
	struct tok t[TOKS_MAX];
	size_t nt;
};

/* ------------------------------------------------------------------------ */
/* Words */

static bool tok_is(const struct tok *t, const char *lit)
{
	return t->n == strlen(lit) && memcmp(t->s, lit, t->n) == 0;
}

static int split(struct xp *x, const char *s, size_t n)
{
	size_t i = 0, start;

	x->nt = 0;
	for (;;) {
		while (i < n && kf_is_blank(s[i]))
			i++;
		if (i == n)
			return 0;
		if (x->nt == TOKS_MAX)
			return kf_fail(x->p, x->p->lineno, "more than %d words on one line", TOKS_MAX);
		for (start = i; i < n && !kf_is_blank(s[i]); i++)
			;
		x->t[x->nt++] = (struct tok){ s + start, i - start };
	}
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* Digits only, at most 32 bits. */
static bool dec32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "0x" and 1 to 8 hex digits. */
static bool hex32(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n < 3 || n > 10 || s[0] != '0' || s[1] != 'x')
		return false;
	for (i = 2; i < n; i++) {
		if (text_hexval((unsigned char)s[i]) < 0)
			return false;
		v = v << 4 | (uint32_t)text_hexval((unsigned char)s[i]);
	}
	*out = v;
	return true;
}

static bool all_hex(const struct tok *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (text_hexval((unsigned char)t->s[i]) < 0)
			return false;
	return t->n > 0;
}

/* A word for a message, at most 64 bytes. */
#define SHOW(t) (int)((t)->n > 64 ? 64 : (t)->n), (t)->s

/* ------------------------------------------------------------------------ */
/* src and proto */

static int line_src(struct xp *x)
{
	struct kf_parser *p = x->p;
	struct key_sa *sa = &x->b.sa;

	if (x->nt != 4 || !tok_is(&x->t[0], "src") || !tok_is(&x->t[2], "dst"))
		return kf_fail(p, p->lineno, "src: expected `src ADDRESS dst ADDRESS`");
	if (kf_addr_parse(x->t[1].s, x->t[1].n, VEC_FAMILY_NONE, &sa->src) < 0)
		return kf_fail(p, p->lineno, "src: `%.*s` is not an IPv4 or IPv6 address",
			       SHOW(&x->t[1]));
	if (kf_addr_parse(x->t[3].s, x->t[3].n, sa->src.family, &sa->dst) < 0)
		return kf_fail(p, p->lineno, "dst: `%.*s` is not an %s address (as src is)",
			       SHOW(&x->t[3]), kf_family_str(sa->src.family));
	sa->family = sa->src.family;
	sa->line = p->lineno;
	sa->mode = VEC_MODE_NONE;
	return 0;
}

/* A number, then the other base in parentheses with -s: "0x1000(4096)",
 * "1(0x00000001)". */
static int num_pair(struct xp *x, const struct tok *t, bool hex_first, uint32_t *v)
{
	const char *paren = memchr(t->s, '(', t->n);
	size_t n = paren ? (size_t)(paren - t->s) : t->n, rest;
	uint32_t other;
	const char *what = hex_first ? "spi" : "reqid";

	if (!(hex_first ? hex32(t->s, n, v) : dec32(t->s, n, v)))
		return kf_fail(x->p, x->p->lineno, "%s: `%.*s` is not a %s number", what, SHOW(t),
			       hex_first ? "0x..." : "decimal");
	if (!paren)
		return 0;
	rest = t->n - n;
	if (rest < 3 || t->s[t->n - 1] != ')' ||
	    !(hex_first ? dec32(paren + 1, rest - 2, &other) : hex32(paren + 1, rest - 2, &other)) ||
	    other != *v)
		return kf_fail(x->p, x->p->lineno, "%s: `%.*s`: the number in parentheses does "
			       "not repeat it", what, SHOW(t));
	return 0;
}

static int proto_mode(struct xp *x, const struct tok *t)
{
	struct key_sa *sa = &x->b.sa;

	if (tok_is(t, "transport"))
		sa->mode = VEC_MODE_TRANSPORT;
	else if (tok_is(t, "tunnel"))
		sa->mode = VEC_MODE_TUNNEL;
	else if (tok_is(t, "beet"))
		return kf_fail(x->p, x->p->lineno, "mode: beet (Bound End-to-End Tunnel) has no "
			       "NDIS IPsec offload equivalent");
	else
		return kf_fail(x->p, x->p->lineno, "mode: `%.*s` is not transport or tunnel",
			       SHOW(t));
	return 0;
}

static int line_proto(struct xp *x)
{
	struct kf_parser *p = x->p;
	struct key_sa *sa = &x->b.sa;
	bool spi = false, mode = false;
	uint32_t reqid;
	size_t i;

	if (x->b.proto_line || x->b.prev != x->b.line)
		return kf_fail(p, p->lineno, "proto: must be the line after `src ... dst ...`");
	x->b.proto_line = p->lineno;
	if (x->nt < 2)
		return kf_fail(p, p->lineno, "proto: no protocol");
	if (tok_is(&x->t[1], "ah"))
		sa->ah = true;
	else if (!tok_is(&x->t[1], "esp"))
		return kf_fail(p, p->lineno, "proto: %.*s: only esp and ah SAs are offloaded "
			       "(remove this state from the file)", SHOW(&x->t[1]));
	for (i = 2; i + 1 < x->nt; i += 2) {
		const struct tok *v = &x->t[i + 1];

		if (tok_is(&x->t[i], "spi") && !spi) {
			spi = true;
			if (num_pair(x, v, true, &sa->spi) < 0)
				return -1;
		} else if (tok_is(&x->t[i], "reqid")) {
			if (num_pair(x, v, false, &reqid) < 0)
				return -1;
		} else if (tok_is(&x->t[i], "mode") && !mode) {
			mode = true;
			if (proto_mode(x, v) < 0)
				return -1;
		} else {
			break;
		}
	}
	if (i != x->nt)
		return kf_fail(p, p->lineno, "proto: unexpected `%.*s`", SHOW(&x->t[i]));
	if (!spi)
		return kf_fail(p, p->lineno, "spi: missing (the engine needs the SPI)");
	if (!mode)
		return kf_fail(p, p->lineno, "mode: missing");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* replay-window and its flags (ipxfrm.c: XFRM_FLAG_PRINT, strxf_mask8) */

static bool is_word(const struct tok *t, const char *const *words)
{
	for (; *words; words++)
		if (tok_is(t, *words))
			return true;
	return false;
}

static const char *const state_flags[] = {
	"noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec", "align4", "esn",
	NULL
};
static const char *const extra_flags[] = { "dont-encap-dscp", "oseq-may-wrap", NULL };

/* "(0x" and eight binary digits ")" */
static bool flag_mask(const struct tok *t)
{
	size_t i;

	if (t->n != 12 || memcmp(t->s, "(0x", 3) != 0 || t->s[11] != ')')
		return false;
	for (i = 3; i < 11; i++)
		if (t->s[i] != '0' && t->s[i] != '1')
			return false;
	return true;
}

static int line_replay_window(struct xp *x)
{
	struct kf_parser *p = x->p;
	const char *const *words = NULL;
	size_t i;

	if (x->b.rw_line)
		return kf_fail(p, p->lineno, "replay-window: a second replay-window line");
	x->b.rw_line = p->lineno;
	if (x->nt < 2 || !dec32(x->t[1].s, x->t[1].n, &x->b.sa.replay_window))
		return kf_fail(p, p->lineno, "replay-window: expected a number");
	for (i = 2; i < x->nt; i++) {
		const struct tok *t = &x->t[i];

		/* "seq 0x%08u": decimal digits after 0x */
		if (tok_is(t, "seq") && i + 1 < x->nt && !words && x->t[i + 1].n > 2 &&
		    memcmp(x->t[i + 1].s, "0x", 2) == 0 &&
		    all_digits(x->t[i + 1].s + 2, x->t[i + 1].n - 2)) {
			i++;
		} else if (tok_is(t, "flag")) {
			words = state_flags;
		} else if (tok_is(t, "extra_flag")) {
			words = extra_flags;
		} else if (words && is_word(t, words)) {
			if (words == state_flags && tok_is(t, "esn"))
				x->b.sa.esn = true;
		} else if (!(words && all_hex(t)) && !(i + 1 == x->nt && flag_mask(t))) {
			return kf_fail(p, p->lineno, "replay-window: unknown word `%.*s`", SHOW(t));
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Algorithms (ipxfrm.c __xfrm_algo_print; names as net/xfrm/xfrm_algo.c
 * stores them, the kernel's compat names too) */

struct alg_line {
	const struct tok *name;
	struct vec_bytes key;
	uint32_t bits;          /* auth-trunc: truncation; aead: ICV */
};

/* NAME [0xKEY [(N bits)]] [BITS]: what follows the keyword. */
static int alg_words(struct xp *x, bool with_bits, struct alg_line *a)
{
	struct kf_parser *p = x->p;
	const char *kw = x->t[0].s;
	int kwn = (int)x->t[0].n;
	size_t i, bad;
	uint32_t nbits;
	int rc;

	for (i = 1; i < x->nt; i++)
		if (tok_is(&x->t[i], "(ERROR"))
			return kf_fail(p, p->lineno, "%.*s: ip says the attribute was truncated",
				       kwn, kw);
	if (x->nt < 2)
		return kf_fail(p, p->lineno, "%.*s: no algorithm name", kwn, kw);
	a->name = &x->t[1];
	i = 2;
	if (i < x->nt && x->t[i].n >= 2 && memcmp(x->t[i].s, "<<", 2) == 0)
		return kf_fail(p, p->lineno, "%.*s: keys hidden (the dump was made with `nokeys`)",
			       kwn, kw);
	if (i < x->nt && x->t[i].n >= 2 && memcmp(x->t[i].s, "0x", 2) == 0) {
		rc = kf_unhex(x->t[i].s + 2, x->t[i].n - 2, false, &a->key, &bad);
		if (rc == -3)
			return kf_nomem(p);
		if (rc == -1)
			return kf_fail(p, p->lineno, "%.*s key: character %zu is not a hex digit",
				       kwn, kw, bad + 3);
		if (rc == -2)
			return kf_fail(p, p->lineno, "%.*s key: odd number of hex digits", kwn, kw);
		i++;
		if (i + 1 < x->nt && x->t[i].s[0] == '(' && tok_is(&x->t[i + 1], "bits)")) {
			if (!dec32(x->t[i].s + 1, x->t[i].n - 1, &nbits) ||
			    nbits != 8 * a->key.len)
				return kf_fail(p, p->lineno, "%.*s key: %zu bytes, but `%.*s bits)` "
					       "says otherwise", kwn, kw, a->key.len, SHOW(&x->t[i]));
			i += 2;
		}
	} else if (kf_bytes_copy(&a->key, "", 0) < 0) {
		return kf_nomem(p);
	}
	if (with_bits) {
		if (i >= x->nt || !dec32(x->t[i].s, x->t[i].n, &a->bits))
			return kf_fail(p, p->lineno, "%.*s: expected the length in bits at the end",
				       kwn, kw);
		i++;
	}
	if (i != x->nt)
		return kf_fail(p, p->lineno, "%.*s: unexpected `%.*s`", kwn, kw, SHOW(&x->t[i]));
	return 0;
}

static bool name_is(const struct tok *t, const char *name, const char *compat)
{
	return tok_is(t, name) || (compat && tok_is(t, compat));
}

/* Kernel algorithms NDIS has no equivalent for (xfrm_algo.c). */
static const char *const not_ndis[] = {
	"cbc(cast5)", "cast5", "cbc(blowfish)", "blowfish", "cbc(serpent)", "serpent",
	"cbc(camellia)", "camellia", "cbc(twofish)", "twofish", "rfc3686(ctr(aes))",
	"hmac(sha384)", "hmac(sha512)", "hmac(rmd160)", "rmd160", "xcbc(aes)", "cmac(aes)",
	"rfc4309(ccm(aes))", "rfc7539esp(chacha20,poly1305)", NULL
};

static int unknown_alg(struct xp *x, const struct tok *name)
{
	if (is_word(name, not_ndis))
		return kf_fail(x->p, x->p->lineno, "%.*s: %.*s: not an NDIS IPsec offload "
			       "algorithm", SHOW(&x->t[0]), SHOW(name));
	return kf_fail(x->p, x->p->lineno, "%.*s: unknown algorithm `%.*s`", SHOW(&x->t[0]),
		       SHOW(name));
}

static int key_len_fail(struct xp *x, const struct tok *name, size_t len, const char *need)
{
	return kf_fail(x->p, x->p->lineno, "%.*s key: %zu bytes, %.*s needs %s", SHOW(&x->t[0]),
		       len, SHOW(name), need);
}

static int once(struct xp *x, unsigned *line)
{
	if (*line)
		return kf_fail(x->p, x->p->lineno, "%.*s: a second %.*s line in this state",
			       SHOW(&x->t[0]), SHOW(&x->t[0]));
	*line = x->p->lineno;
	return 0;
}

/* AEAD is combined mode: a state has aead, or enc and auth (the kernel's
 * verify_newsa_info refuses the mix). */
static int not_with_aead(struct xp *x)
{
	struct blk *b = &x->b;

	if (tok_is(&x->t[0], "aead") && (b->enc_line || b->auth_line || b->trunc_line))
		return kf_fail(x->p, x->p->lineno, "aead: not with %s (AEAD is combined mode)",
			       b->enc_line ? "enc" : b->auth_line ? "auth" : "auth-trunc");
	if (!tok_is(&x->t[0], "aead") && b->aead_line)
		return kf_fail(x->p, x->p->lineno, "%.*s: not with aead (AEAD is combined mode)",
			       SHOW(&x->t[0]));
	return 0;
}

static bool has_xfrm(const struct ipoc_alg *a, const char *name, size_t n)
{
	return ipoc_alg_has_xfrm(a, name, n);
}

/* The row of one of the kinds named a->name with a->key's length, or a
 * message (-1): unknown name, or the key lengths the name takes. */
static int find_alg(struct xp *x, const struct alg_line *a, unsigned kinds,
		    const struct ipoc_alg **out)
{
	char need[64];
	bool known;

	*out = kf_alg_find(kinds, has_xfrm, a->name->s, a->name->n, a->key.len, &known);
	if (*out)
		return 0;
	if (!known)
		return unknown_alg(x, a->name);
	return key_len_fail(x, a->name, a->key.len,
			    kf_key_lens(kinds, has_xfrm, a->name->s, a->name->n, need, sizeof(need)));
}

/* The first row of one of the kinds with the name (lengths and RFC that do
 * not depend on the key), or NULL. */
static const struct ipoc_alg *first_named(const struct tok *name, unsigned kinds)
{

	for (size_t i = 0; i < ipoc_algs_n; i++)
		if ((ipoc_algs[i].kind & kinds) && has_xfrm(&ipoc_algs[i], name->s, name->n))
			return &ipoc_algs[i];
	return NULL;
}

static int line_enc(struct xp *x)
{
	struct key_sa *sa = &x->b.sa;
	struct alg_line a = { 0 };
	const struct ipoc_alg *row;

	if (once(x, &x->b.enc_line) < 0 || not_with_aead(x) < 0 || alg_words(x, false, &a) < 0) {
		kf_bytes_clear(&a.key);
		return -1;
	}
	sa->enc_key = a.key;
	if (find_alg(x, &a, IPOC_ALG_CIPHER, &row) < 0)
		return -1;
	sa->enc = row->ndis;
	return 0;
}

/* An integrity algorithm and its truncation: the integrity rows of the
 * table, at the ICV length NDIS has them with, and digest_null. */
static int auth_map(struct xp *x, const struct alg_line *a, uint32_t bits)
{
	const struct ipoc_alg *row = first_named(a->name, IPOC_ALG_INTEGRITY);
	struct key_sa *sa = &x->b.sa;
	bool null = name_is(a->name, "digest_null", NULL);
	uint32_t want = row ? row->icv_len * 8 : 0;
	char canon[48];

	if (!row && !null)
		return unknown_alg(x, a->name);
	if (bits != want)
		return kf_fail(x->p, x->p->lineno, "%.*s: %.*s truncated to %u bits: NDIS "
			       "offloads %s only as %u bits (%s)%s", SHOW(&x->t[0]),
			       SHOW(a->name), bits,
			       row ? ipoc_alg_xfrm_name(row, canon, sizeof(canon)) : "digest_null",
			       want, row ? row->rfc : "none",
			       tok_is(&x->t[0], "auth") ? "; a bare `auth` line means "
			       "Linux's default truncation, 96 bits" : "");
	if (null) {
		if (a->key.len)
			return key_len_fail(x, a->name, a->key.len, "none");
		sa->auth = VEC_ALG_NONE;
		return 0;
	}
	if (find_alg(x, a, IPOC_ALG_INTEGRITY, &row) < 0)
		return -1;
	sa->auth = row->ndis;
	return 0;
}

/* `auth`: the kernel's default truncation (xfrm_algo.c icv_truncbits). */
static uint32_t default_trunc(const struct tok *name)
{
	return name_is(name, "digest_null", NULL) ? 0 : 96;
}

static int line_auth(struct xp *x, bool trunc)
{
	struct alg_line a = { 0 };
	int rc = -1;

	if (x->b.auth_line || x->b.trunc_line)
		return kf_fail(x->p, x->p->lineno, "%.*s: a second auth or auth-trunc line in this "
			       "state", SHOW(&x->t[0]));
	*(trunc ? &x->b.trunc_line : &x->b.auth_line) = x->p->lineno;
	if (not_with_aead(x) == 0 && alg_words(x, trunc, &a) == 0 &&
	    auth_map(x, &a, trunc ? a.bits : default_trunc(a.name)) == 0) {
		x->b.sa.auth_key = a.key;
		a.key = (struct vec_bytes){ 0 };
		rc = 0;
	}
	kf_bytes_clear(&a.key);
	return rc;
}

/* `aead`: a combined-mode row (rfc4106(gcm(aes))), or a GMAC one
 * (rfc4543(gcm(aes)): NULL encryption with AES-GMAC integrity). */
static int aead_map(struct xp *x, const struct alg_line *a)
{
	const unsigned kinds = IPOC_ALG_AEAD | IPOC_ALG_GMAC;
	const struct ipoc_alg *row = first_named(a->name, kinds);
	struct key_sa *sa = &x->b.sa;
	char allowed[48];

	if (!row)
		return unknown_alg(x, a->name);
	if (a->bits % 8 || !ipoc_alg_icv_ok(row, a->bits / 8))
		return kf_fail(x->p, x->p->lineno, "aead: %.*s with a %u-bit ICV; %s allows %s",
			       SHOW(a->name), a->bits, row->rfc,
			       ipoc_alg_icv_text(row, 8, allowed, sizeof(allowed)));
	if (find_alg(x, a, kinds, &row) < 0)
		return -1;
	sa->icv_len = a->bits / 8;
	if (row->kind == IPOC_ALG_AEAD) {
		sa->enc = row->ndis;
		return 0;
	}
	sa->enc = ipoc_alg_null()->ndis;
	sa->auth = row->ndis;
	x->b.gmac = true;
	return 0;
}

static int line_aead(struct xp *x)
{
	struct alg_line a = { 0 };
	int rc = -1;

	if (once(x, &x->b.aead_line) == 0 && not_with_aead(x) == 0 && alg_words(x, true, &a) == 0 &&
	    aead_map(x, &a) == 0) {
		*(x->b.gmac ? &x->b.sa.auth_key : &x->b.sa.enc_key) = a.key;
		a.key = (struct vec_bytes){ 0 };
		rc = 0;
	}
	kf_bytes_clear(&a.key);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* encap (RFC 3948) */

static int line_encap(struct xp *x)
{
	struct kf_parser *p = x->p;
	struct key_sa *sa = &x->b.sa;
	struct vec_addr oa;
	uint32_t sport, dport;

	if (once(x, &x->b.encap_line) < 0)
		return -1;
	if (x->nt != 9 || !tok_is(&x->t[1], "type") || !tok_is(&x->t[3], "sport") ||
	    !tok_is(&x->t[5], "dport") || !tok_is(&x->t[7], "addr"))
		return kf_fail(p, p->lineno, "encap: expected `encap type TYPE sport PORT dport "
			       "PORT addr ADDRESS`");
	if (tok_is(&x->t[2], "espinudp-nonike"))
		return kf_fail(p, p->lineno, "encap: espinudp-nonike is the pre-RFC 3948 format "
			       "(a non-IKE marker before ESP); NDIS offloads RFC 3948 espinudp");
	if (!tok_is(&x->t[2], "espinudp"))
		return kf_fail(p, p->lineno, "encap: %.*s: NDIS offloads only RFC 3948 UDP "
			       "encapsulation (espinudp)", SHOW(&x->t[2]));
	if (!dec32(x->t[4].s, x->t[4].n, &sport) || sport > 65535 ||
	    !dec32(x->t[6].s, x->t[6].n, &dport) || dport > 65535)
		return kf_fail(p, p->lineno, "encap: a port is not a number from 0 to 65535");
	if (kf_addr_parse(x->t[8].s, x->t[8].n, VEC_FAMILY_NONE, &oa) < 0)
		return kf_fail(p, p->lineno, "encap: `%.*s` is not an address", SHOW(&x->t[8]));
	sa->udp_encap = true;
	sa->encap_sport = (uint16_t)sport;
	sa->encap_dport = (uint16_t)dport;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Lines that are read past, and the sub-lines of -s and ESN */

/* "anti-replay context: ..." or "anti-replay esn context:" */
static int line_anti_replay(struct xp *x)
{
	if (x->nt >= 2 && tok_is(&x->t[1], "context:"))
		return 0;
	if (x->nt == 3 && tok_is(&x->t[1], "esn") && tok_is(&x->t[2], "context:")) {
		x->b.sub = SUB_ESN;
		return 0;
	}
	return kf_fail(x->p, x->p->lineno, "anti-replay: expected `context:` or `esn context:`");
}

/* " seq-hi 0x%x, seq 0x%x, oseq-hi 0x%x, oseq 0x%x" (ipxfrm.c, the
 * XFRMA_REPLAY_ESN_VAL context): the receive and send counters, each a high
 * and a low half. */
static int line_esn_counters(struct xp *x)
{
	static const char *const names[4] = { "seq-hi", "seq", "oseq-hi", "oseq" };
	uint32_t *v[4] = { &x->b.seq_hi, &x->b.seq, &x->b.oseq_hi, &x->b.oseq };
	size_t i;

	if (x->b.esn_line)
		return kf_fail(x->p, x->p->lineno, "seq-hi: a second esn context in this state");
	x->b.esn_line = x->p->lineno;
	if (x->nt != 8)
		return kf_fail(x->p, x->p->lineno, "seq-hi: expected `seq-hi 0xN, seq 0xN, oseq-hi "
			       "0xN, oseq 0xN`");
	for (i = 0; i < 4; i++) {
		const struct tok *n = &x->t[2 * i], *t = &x->t[2 * i + 1];
		size_t len = t->n - (i < 3 && t->n && t->s[t->n - 1] == ',' ? 1 : 0);

		if (!tok_is(n, names[i]) || (i < 3 && len == t->n) || !hex32(t->s, len, v[i]))
			return kf_fail(x->p, x->p->lineno, "%s: expected `%s 0xN%s`, not `%.*s %.*s`",
				       names[i], names[i], i < 3 ? "," : "", SHOW(n), SHOW(t));
	}
	return 0;
}

/* " replay_window N, bitmap-length M" */
static int line_esn_window(struct xp *x)
{
	const struct tok *n = &x->t[1];

	if (x->nt != 4 || n->n < 2 || n->s[n->n - 1] != ',' ||
	    !dec32(n->s, n->n - 1, &x->b.sa.replay_window))
		return kf_fail(x->p, x->p->lineno, "replay_window: expected `replay_window N, "
			       "bitmap-length M`");
	x->b.sub = SUB_ESN_BITMAP;
	return 0;
}

static int line_lifetime(struct xp *x)
{
	if (x->nt == 2 && tok_is(&x->t[1], "config:"))
		x->b.sub = SUB_LFT_CFG;
	else if (x->nt == 2 && tok_is(&x->t[1], "current:"))
		x->b.sub = SUB_LFT_CUR;
	else
		return kf_fail(x->p, x->p->lineno, "lifetime: expected `config:` or `current:`");
	return 0;
}

/* "  %llu(bytes), %llu(packets)" */
static bool lifetime_bytes(const struct tok *t)
{
	return t->n > 8 && memcmp(t->s + t->n - 8, "(bytes),", 8) == 0 &&
	       all_digits(t->s, t->n - 8);
}

/* The sub-lines of the open header; 1 taken, 0 not one of them. */
static int sub_line(struct xp *x)
{
	const struct tok *t = &x->t[0];
	size_t i;

	switch (x->b.sub) {
	case SUB_LFT_CFG:
		return tok_is(t, "limit:") || tok_is(t, "expire");
	case SUB_LFT_CUR:
		return lifetime_bytes(t) || tok_is(t, "add");
	case SUB_STATS:
		return tok_is(t, "replay-window") && x->nt == 6 && tok_is(&x->t[2], "replay") &&
		       tok_is(&x->t[4], "failed");
	case SUB_ESN:
		if (tok_is(t, "seq-hi"))
			return line_esn_counters(x) < 0 ? -1 : 1;
		return tok_is(t, "replay_window") ? (line_esn_window(x) < 0 ? -1 : 1) : 0;
	case SUB_ESN_BITMAP:
		for (i = 0; i < x->nt; i++)
			if (x->t[i].n != 8 || !all_hex(&x->t[i]))
				return 0;
		return 1;
	default:
		return 0;
	}
}

static int line_skip(struct xp *x)
{
	(void)x;
	return 0;
}

static int line_stats(struct xp *x)
{
	if (x->nt != 1)
		return kf_fail(x->p, x->p->lineno, "stats: unexpected words after `stats:`");
	x->b.sub = SUB_STATS;
	return 0;
}

static int line_comp(struct xp *x)
{
	return kf_fail(x->p, x->p->lineno, "comp: IPComp is not offloaded");
}

static int line_auth_full(struct xp *x)
{
	return line_auth(x, false);
}

static int line_auth_trunc(struct xp *x)
{
	return line_auth(x, true);
}

/* The indented lines of a state, by first word. */
static const struct {
	const char *word;
	int (*fn)(struct xp *x);
} lines[] = {
	{ "proto", line_proto },
	{ "replay-window", line_replay_window },
	{ "auth", line_auth_full },
	{ "auth-trunc", line_auth_trunc },
	{ "aead", line_aead },
	{ "enc", line_enc },
	{ "encap", line_encap },
	{ "comp", line_comp },
	{ "anti-replay", line_anti_replay },
	{ "lifetime", line_lifetime },
	{ "stats:", line_stats },
	/* printed, not needed */
	{ "mark", line_skip }, { "output-mark", line_skip }, { "coa", line_skip },
	{ "lastused", line_skip }, { "crypto", line_skip }, { "if_id", line_skip },
	{ "tfcpad", line_skip }, { "dir", line_skip }, { "pcpu-num", line_skip },
	{ "sel", line_skip }, { "security", line_skip },
};

static int indented(struct xp *x)
{
	struct kf_parser *p = x->p;
	size_t i;
	int r;

	if (!x->b.open)
		return kf_fail(p, p->lineno, "`%.*s` before the first `src ... dst ...` line",
			       SHOW(&x->t[0]));
	r = sub_line(x);
	if (r)
		return r < 0 ? -1 : 0;
	x->b.sub = SUB_NONE;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (tok_is(&x->t[0], lines[i].word))
			return lines[i].fn(x);
	return kf_fail(p, p->lineno, "unknown line `%.*s` (not one `ip xfrm state` prints)",
		       SHOW(&x->t[0]));
}

/* ------------------------------------------------------------------------ */
/* States */

/* The checks a state needs once all its lines are in (the kernel's own,
 * net/xfrm/xfrm_user.c verify_newsa_info, and NDIS's). */
static int finish_checks(struct xp *x)
{
	struct kf_parser *p = x->p;
	struct blk *b = &x->b;
	unsigned auth_line = b->auth_line ? b->auth_line : b->trunc_line;

	if (!b->proto_line)
		return kf_fail(p, b->line, "proto: missing (the line after `src ... dst ...`)");
	if (b->sa.ah) {
		/* Linux has no AH-GMAC; `aead rfc4543(gcm(aes))` under `proto ah` is
		 * how ipoc writes RFC 4543's AUTH_AES_*_GMAC (pcaps/README.md). */
		if (b->enc_line || (b->aead_line && !b->gmac))
			return kf_fail(p, b->enc_line ? b->enc_line : b->aead_line,
				       "%s: AH has no encryption%s", b->enc_line ? "enc" : "aead",
				       b->enc_line ? "" : " (of the aead algorithms only "
				       "rfc4543(gcm(aes)), GMAC, goes with AH)");
		if (!auth_line && !b->gmac)
			return kf_fail(p, b->proto_line, "auth-trunc: missing (AH needs an "
				       "integrity algorithm)");
		if (b->sa.auth == VEC_ALG_NONE)
			return kf_fail(p, auth_line, "auth-trunc: digest_null is not an AH algorithm");
		if (b->encap_line)
			return kf_fail(p, b->encap_line, "encap: UDP encapsulation is for ESP only");
		b->sa.enc = VEC_ALG_NONE;
		/* RFC 4543 s4: AH's ICV field holds the 8-octet IV, then the tag. */
		b->sa.icv_len = kf_icv_len(b->sa.auth) +
				(b->gmac ? vec_auth_alg(b->sa.auth)->iv_len : 0);
	} else if (!b->aead_line && !b->enc_line) {
		return kf_fail(p, b->proto_line, "enc: missing (ESP needs an enc or aead line)");
	} else if (!b->aead_line) {
		b->sa.icv_len = kf_icv_len(b->sa.auth);
	}
	if (!auth_line && !b->gmac)
		b->sa.auth = VEC_ALG_NONE;
	/* The ESN high half the SA is at: the receive counter's, unless the
	 * state only ever sent (its receive counter all zero, its send counter
	 * not): then the send counter's. Without ESN the kernel keeps both 0. */
	if (b->esn_line && !b->sa.esn && (b->seq_hi || b->oseq_hi))
		return kf_fail(p, b->esn_line, "seq-hi: a high half (0x%x, oseq-hi 0x%x) without "
			       "`flag esn` on the replay-window line", b->seq_hi, b->oseq_hi);
	if (b->sa.esn)
		b->sa.esn_hi = !b->seq_hi && !b->seq && (b->oseq_hi || b->oseq) ? b->oseq_hi
										 : b->seq_hi;
	if ((!b->sa.enc_key.data && kf_bytes_copy(&b->sa.enc_key, "", 0) < 0) ||
	    (!b->sa.auth_key.data && kf_bytes_copy(&b->sa.auth_key, "", 0) < 0))
		return kf_nomem(p);
	return 0;
}

static int finish(struct xp *x)
{
	int rc = 0;

	if (!x->b.open)
		return 0;
	if (finish_checks(x) == 0)
		rc = kf_add_sa(x->p, &x->b.sa, x->b.proto_line, "spi");
	else
		rc = -1;
	kf_sa_clear(&x->b.sa);
	memset(&x->b, 0, sizeof(x->b));
	return rc;
}

static int one_line(struct xp *x, const char *s, size_t n)
{
	struct kf_parser *p = x->p;
	size_t i;

	if (split(x, s, n) < 0)
		return -1;
	for (i = 0; i < x->nt; i++)
		if (tok_is(&x->t[i], "\\"))
			return kf_fail(p, p->lineno, "one-line output (`ip -o xfrm state`) is not "
				       "read; dump the states without -o");
	if (!kf_is_blank(s[0])) {
		if (!tok_is(&x->t[0], "src"))
			return kf_fail(p, p->lineno, "unknown line `%.*s` (a state starts with "
				       "`src ADDRESS dst ADDRESS`)", SHOW(&x->t[0]));
		if (finish(x) < 0)
			return -1;
		x->b.open = true;
		x->b.line = p->lineno;
		x->b.prev = p->lineno;
		return line_src(x);
	}
	if (indented(x) < 0)
		return -1;
	x->b.prev = p->lineno;
	return 0;
}

/* see keyfile_int.h */
int kf_parse_xfrm(struct kf_parser *p)
{
	struct xp x;
	const char *s;
	size_t n;
	int r;

	memset(&x, 0, sizeof(x));
	x.p = p;
	while ((r = kf_next_line(p, &s, &n)) > 0) {
		if (kf_line_is_empty(s, n))
			continue;
		if (one_line(&x, s, n) < 0) {
			r = -1;
			break;
		}
	}
	if (r == 0)
		r = finish(&x);
	kf_sa_clear(&x.b.sa);
	return r;
}
