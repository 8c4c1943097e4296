/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parse_vectors.c - the known-answer vector reader (vectors.h,
 * vec_parse_buf) on arbitrary bytes: the whole input is the file.
 *
 * Oracles: a refusal is one line "(fuzz):LINE: ..." whose LINE is a line
 * of the input; what is accepted holds what the runner relies on, checked
 * here against the algorithm table's numbers (engine/alg/ipoc_algs.def,
 * whose unit test holds them to their RFCs), not the reader's checks: every case has a direction, a mode, an outer family its
 * addresses agree with, an SA with a member, keys and ICV and IV lengths
 * its algorithms take, the packets its direction needs (non-empty, plain
 * as long as wire), and ids that are unique and fit; every prim has the
 * lengths its algorithm takes; every byte string is readable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "ipoc/ndis.h"
#include "vectors.h"

static unsigned lines_of(const uint8_t *p, size_t n)
{
	unsigned l = 1;

	for (size_t i = 0; i < n; i++)
		l += p[i] == '\n';
	return l;
}

/* Key bytes of an SA's algorithm, salt included (RFC 4106 s8.1); none
 * takes 0, an unset or unknown value 999 (no key length fits). */
static size_t key_of(const struct ipoc_alg *a, uint32_t v)
{
	return a ? a->key_len : v == VEC_ALG_NONE ? 0 : 999;
}

static size_t enc_key(uint32_t e)
{
	return key_of(vec_enc_alg(e), e);
}

static size_t auth_key(uint32_t a)
{
	return key_of(vec_auth_alg(a), a);
}

static bool gcm(uint32_t e)
{
	return vec_enc_is(e, IPOC_ALG_AEAD);
}

static bool gmac(uint32_t a)
{
	return vec_auth_is(a, IPOC_ALG_GMAC);
}

static unsigned auth_icv(uint32_t a)
{
	return vec_auth_alg(a) ? vec_auth_alg(a)->icv_len : 0;
}

/* No encryption, or the NULL cipher. */
static bool no_cipher(uint32_t e)
{
	return e == VEC_ALG_NONE || ipoc_alg_is_null(vec_enc_alg(e));
}

static void bytes_ok(const struct vec_bytes *b, const char *id, const char *what)
{
	if (!b->data)
		fz_fault("parse_vectors: a byte string left NULL", "%s: %s", id, what);
	if (b->len > VEC_HEX_MAX)
		fz_fault("parse_vectors: a byte string longer than the limit", "%s: %s, %zu bytes",
			 id, what, b->len);
	/* Readable to its end (ASan sees a short allocation here). */
	if (b->len) {
		volatile uint8_t x = b->data[0] ^ b->data[b->len - 1];

		(void)x;
	}
}

static void check_esp(const struct vec_case *c, const struct vec_esp *e)
{
	unsigned icv = gcm(e->enc) ? e->icv_len : auth_icv(e->auth);
	size_t iv = vec_enc_alg(e->enc) && vec_enc_alg(e->enc)->iv_len ? vec_enc_alg(e->enc)->iv_len
		    : gmac(e->auth) ? vec_auth_alg(e->auth)->iv_len : 0;

	bytes_ok(&e->enc_key, c->id, "esp.enc_key");
	bytes_ok(&e->auth_key, c->id, "esp.auth_key");
	bytes_ok(&e->iv, c->id, "iv");
	if (e->enc == VEC_ALG_UNSET || e->auth == VEC_ALG_UNSET)
		fz_fault("parse_vectors: an ESP member without its algorithms", "%s", c->id);
	/* RFC 4303 s3.2 / RFC 2410 s2: NULL encryption and no integrity together
	 * is no ESP at all. */
	if (no_cipher(e->enc) && e->auth == VEC_ALG_NONE)
		fz_fault("parse_vectors: ESP with neither cipher nor authentication", "%s", c->id);
	if (gcm(e->enc) && e->auth != VEC_ALG_NONE)
		fz_fault("parse_vectors: AES-GCM with an authentication algorithm", "%s", c->id);
	if (gmac(e->auth) && !no_cipher(e->enc))
		fz_fault("parse_vectors: AES-GMAC with a cipher", "%s", c->id);
	if (e->enc_key.len != enc_key(e->enc) || e->auth_key.len != auth_key(e->auth))
		fz_fault("parse_vectors: an ESP key of a length its algorithm does not take",
			 "%s: %s %zu bytes, %s %zu bytes", c->id, vec_enc_name(e->enc),
			 e->enc_key.len, vec_auth_name(e->auth), e->auth_key.len);
	if (e->icv_len != icv || (gcm(e->enc) && !ipoc_alg_icv_ok(vec_enc_alg(e->enc), icv)))
		fz_fault("parse_vectors: an ESP ICV length its algorithm does not give",
			 "%s: %u", c->id, e->icv_len);
	if (vec_esp_iv_len(e) != iv)
		fz_fault("parse_vectors: vec_esp_iv_len disagrees with the algorithm", "%s", c->id);
	if ((e->iv.len || (c->direction & VEC_DIR_SEND)) && e->iv.len != iv)
		fz_fault("parse_vectors: an IV of a length its algorithm does not take",
			 "%s: %zu bytes, want %zu", c->id, e->iv.len, iv);
	if (!e->esn && e->seq_hi)
		fz_fault("parse_vectors: an ESN high half on an SA without ESN", "%s", c->id);
}

static void check_ah(const struct vec_case *c, const struct vec_ah *a)
{
	bytes_ok(&a->auth_key, c->id, "ah.auth_key");
	bytes_ok(&a->iv, c->id, "ah.iv");
	if (!vec_auth_alg(a->auth))
		fz_fault("parse_vectors: AH without an algorithm", "%s", c->id);
	if (a->auth_key.len != auth_key(a->auth))
		fz_fault("parse_vectors: an AH key of a length its algorithm does not take",
			 "%s: %zu", c->id, a->auth_key.len);
	/* RFC 4543 s4: AH-GMAC's ICV field is the 8-byte IV and the tag. */
	if (a->icv_len != (gmac(a->auth) ? vec_auth_alg(a->auth)->iv_len : 0) + auth_icv(a->auth))
		fz_fault("parse_vectors: an AH ICV length its algorithm does not give", "%s: %u",
			 c->id, a->icv_len);
	if ((a->iv.len || (c->direction & VEC_DIR_SEND)) && a->iv.len != (gmac(a->auth) ? 8 : 0))
		fz_fault("parse_vectors: an AH IV of a length its algorithm does not take",
			 "%s: %zu", c->id, a->iv.len);
	if (!a->esn && a->seq_hi)
		fz_fault("parse_vectors: an ESN high half on an SA without ESN", "%s", c->id);
}

static void check_sa(const struct vec_case *c, const struct vec_sa *s)
{
	if (s->src.family == VEC_FAMILY_NONE || s->src.family != s->dst.family)
		fz_fault("parse_vectors: SA endpoints of no or different families", "%s", c->id);
	if (!s->esp.present && !s->ah.present)
		fz_fault("parse_vectors: an SA with no member", "%s", c->id);
	if (s->esp.present)
		check_esp(c, &s->esp);
	if (s->ah.present)
		check_ah(c, &s->ah);
}

static void check_case(const struct vec_case *c, unsigned nlines)
{
	bool tot = c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL;
	const struct vec_sa *outer = tot ? &c->tun : &c->sa;

	if (c->direction < VEC_DIR_SEND || c->direction > VEC_DIR_BOTH)
		fz_fault("parse_vectors: a case without a direction", "%s", c->id);
	if (c->mode < VEC_MODE_TRANSPORT || c->mode > VEC_MODE_TRANSPORT_OVER_TUNNEL)
		fz_fault("parse_vectors: a case without a mode", "%s", c->id);
	if (!c->source || !c->source[0])
		fz_fault("parse_vectors: a case without a source", "%s", c->id);
	check_sa(c, &c->sa);
	if (tot)
		check_sa(c, &c->tun);
	else if (c->tun.esp.present || c->tun.ah.present)
		fz_fault("parse_vectors: a tunnel SA outside transport over tunnel", "%s", c->id);
	if (c->family != outer->src.family)
		fz_fault("parse_vectors: family is not the outer SA's", "%s", c->id);
	if (c->udp != VEC_UDP_NONE) {
		const struct vec_esp *e = c->udp == VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL ? &c->tun.esp
										   : &c->sa.esp;
		enum vec_mode want = c->udp == VEC_UDP_TRANSPORT ? VEC_MODE_TRANSPORT
				     : c->udp == VEC_UDP_TUNNEL ? VEC_MODE_TUNNEL
				     : VEC_MODE_TRANSPORT_OVER_TUNNEL;

		if (c->udp > VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL || c->mode != want || !e->present)
			fz_fault("parse_vectors: a UDP-ESP type its mode or SA does not allow",
				 "%s: %s with %s", c->id, vec_udp_name(c->udp), vec_mode_name(c->mode));
	}
	bytes_ok(&c->plain, c->id, "plain");
	bytes_ok(&c->wire, c->id, "wire");
	if ((c->direction & VEC_DIR_SEND) && !c->plain.len)
		fz_fault("parse_vectors: a send case without a packet", "%s", c->id);
	if ((c->direction & VEC_DIR_RECEIVE) && !c->wire.len)
		fz_fault("parse_vectors: a receive case without a wire frame", "%s", c->id);
	if ((c->direction & VEC_DIR_SEND) && c->expect.send_status == NDIS_STATUS_SUCCESS &&
	    !c->wire.len)
		fz_fault("parse_vectors: a successful send without the frame it sends", "%s", c->id);
	if (c->plain.len && c->wire.len && c->plain.len != c->wire.len)
		fz_fault("parse_vectors: plain and wire of different lengths (in-place processing)",
			 "%s: %zu and %zu", c->id, c->plain.len, c->wire.len);
	if (c->expect.status < -1 || c->expect.status > VEC_CRYPTO_INVALID_PROTOCOL)
		fz_fault("parse_vectors: an expected status that is no CRYPTO_* code", "%s: %d",
			 c->id, c->expect.status);
	if (c->line == 0 || c->line > nlines)
		fz_fault("parse_vectors: a case's line is not a line of the input", "%s: %u",
			 c->id, c->line);
}

/* What a [prim] algorithm takes, from its table row: raw key bytes (0:
 * any), CBC block (IV of that length, pt/ct multiples of it), HMAC digest
 * bytes (its key length: RFC 2403, 2404, 4868). */
struct prim_rule {
	size_t key, block, digest;
	bool gcm;
};

static struct prim_rule rule_of(const struct ipoc_alg *a)
{
	struct prim_rule r = { 0, 0, 0, false };

	if (a->kind == IPOC_ALG_INTEGRITY) {
		r.digest = a->key_len;
	} else {
		r.key = ipoc_alg_raw_key_len(a);
		r.block = a->kind == IPOC_ALG_CIPHER && a->iv_len ? a->block : 0;
		r.gcm = a->kind == IPOC_ALG_AEAD || a->kind == IPOC_ALG_GMAC;
	}
	return r;
}

static void check_prim(const struct vec_prim *p, unsigned nlines)
{
	const struct vec_bytes *all[] = { &p->key, &p->iv, &p->aad, &p->pt, &p->ct, &p->tag,
					  &p->mac };
	struct prim_rule r;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		bytes_ok(all[i], p->id, "a prim value");
	if (!p->alg)
		fz_fault("parse_vectors: a prim without an algorithm", "%s", p->id);
	r = rule_of(p->alg);
	if (r.key && p->key.len != r.key)
		fz_fault("parse_vectors: a prim key of a length its algorithm does not take",
			 "%s: %zu", p->id, p->key.len);
	if (r.block && (p->pt.len % r.block || p->ct.len != p->pt.len || p->iv.len != r.block))
		fz_fault("parse_vectors: a CBC prim of lengths CBC cannot have", "%s", p->id);
	if (r.gcm && (p->tag.len == 0 || p->tag.len > 16 || p->iv.len == 0))
		fz_fault("parse_vectors: a GCM/GMAC prim with no tag or IV", "%s", p->id);
	if (r.digest && p->mac.len != (p->mac_len >= 0 ? (size_t)p->mac_len : r.digest))
		fz_fault("parse_vectors: an HMAC prim whose MAC is not its length", "%s", p->id);
	if (r.digest && (p->mac.len == 0 || p->mac.len > r.digest))
		fz_fault("parse_vectors: an HMAC prim MAC longer than the digest", "%s", p->id);
	if (p->line == 0 || p->line > nlines)
		fz_fault("parse_vectors: a prim's line is not a line of the input", "%s: %u", p->id,
			 p->line);
}

/* ids: non-empty, NUL-terminated within the field, unique per kind, and
 * found again by name. */
static void check_ids(const struct vec_file *f)
{
	for (size_t i = 0; i < f->ncases; i++) {
		const char *id = f->cases[i].id;

		if (!id[0] || !memchr(id, 0, sizeof(f->cases[i].id)))
			fz_fault("parse_vectors: an empty or unterminated id", "case %zu", i);
		if (vec_find_case(f, id) != &f->cases[i])
			fz_fault("parse_vectors: two cases with one id", "%s", id);
	}
	for (size_t i = 0; i < f->nprims; i++) {
		const char *id = f->prims[i].id;

		if (!id[0] || !memchr(id, 0, sizeof(f->prims[i].id)))
			fz_fault("parse_vectors: an empty or unterminated id", "prim %zu", i);
		if (vec_find_prim(f, id) != &f->prims[i])
			fz_fault("parse_vectors: two prims with one id", "%s", id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vec_file *f = NULL;
	char err[VEC_ERRBUF_SIZE];
	unsigned nlines = lines_of(data, size);

	if (vec_parse_buf("(fuzz)", (const char *)data, size, &f, err, sizeof(err)) != 0) {
		unsigned line = 0;
		char c = 0;

		if (f)
			fz_fault("parse_vectors: a refusal that returns a file", "%s", err);
		if (sscanf(err, "(fuzz):%u%c", &line, &c) != 2 || c != ':')
			fz_fault("parse_vectors: a refusal that does not name the file and line",
				 "%s", err);
		if (line == 0 || line > nlines)
			fz_fault("parse_vectors: a refusal naming a line the input does not have",
				 "line %u of %u: %s", line, nlines, err);
		if (strchr(err, '\n'))
			fz_fault("parse_vectors: a refusal of more than one line", "%s", err);
		return 0;
	}
	if (!f || (f->ncases && !f->cases) || (f->nprims && !f->prims))
		fz_fault("parse_vectors: accepted without a file", "%p", (void *)f);
	check_ids(f);
	for (size_t i = 0; i < f->ncases; i++)
		check_case(&f->cases[i], nlines);
	for (size_t i = 0; i < f->nprims; i++)
		check_prim(&f->prims[i], nlines);
	vec_file_free(f);
	return 0;
}
