/* SPDX-License-Identifier: MIT */
/*
 * vectors_check.c - the checks that run when a [case] or [prim] block ends:
 * required keys, key and IV lengths against the algorithm, algorithm
 * combinations, mode against UDP-ESP type, address families, plain against
 * wire. Each message names the line of the key at fault (see vectors_int.h).
 * The algorithm facts here (key, IV and ICV lengths) are the RFCs' and
 * DESIGN.md's, and vectors/README.md tabulates them.
 */
#include <stdio.h>

#include "ipoc/ndis.h"
#include "vectors_int.h"

/* ------------------------------------------------------------------------ */
/* Algorithm facts: the rows of the algorithm table (engine/alg/ipoc_algs.def
 * has each with its RFC). */

static bool enc_is_gcm(uint32_t e)
{
	return vec_enc_is(e, IPOC_ALG_AEAD);
}

static bool auth_is_gmac(uint32_t a)
{
	return vec_auth_is(a, IPOC_ALG_GMAC);
}

/* Key bytes the SA carries, salt included (DESIGN.md: KeyLength counts it). */
static size_t enc_key_len(uint32_t e)
{
	return vec_enc_alg(e) ? vec_enc_alg(e)->key_len : 0;
}

static size_t auth_key_len(uint32_t a)
{
	return vec_auth_alg(a) ? vec_auth_alg(a)->key_len : 0;
}

/* ICV bytes of an integrity algorithm. */
static unsigned auth_icv_len(uint32_t a)
{
	return vec_auth_alg(a) ? vec_auth_alg(a)->icv_len : 0;
}

/* see vectors.h */
size_t vec_esp_iv_len(const struct vec_esp *esp)
{
	const struct ipoc_alg *e = vec_enc_alg(esp->enc);

	if (e && e->iv_len)
		return e->iv_len;
	return auth_is_gmac(esp->auth) ? vec_auth_alg(esp->auth)->iv_len : 0;  /* RFC 4543 s3.1 */
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
	return vecp_fail(p, p->blk_line, "%s %s: missing required key `%s`%s", vecp_kind_word(p),
			 vecp_cur_id(p), vecp_key_name(k), why);
}

static int key_len_check(struct parser *p, int k, const struct vec_bytes *key, size_t need,
			 const char *alg, bool salted)
{
	if (key->len == need)
		return 0;
	if (!p->key_line[k] && need)
		return vecp_fail(p, p->blk_line,
				 "%s %s: missing required key `%s` (%s needs %zu bytes)",
				 vecp_kind_word(p), vecp_cur_id(p), vecp_key_name(k), alg, need);
	return vecp_fail(p, kline(p, k), "%s: %zu bytes, %s needs %zu%s", vecp_key_name(k),
			 key->len, alg, need, salted ? " (key + 4-byte salt)" : "");
}

static int check_esn(struct parser *p, int k_esn, int k_hi, bool esn)
{
	if (p->key_line[k_hi] && !esn)
		return vecp_fail(p, p->key_line[k_hi], "%s: given but %s is not 1",
				 vecp_key_name(k_hi), vecp_key_name(k_esn));
	return 0;
}

static int check_esp_algs(struct parser *p, struct vec_esp *e, int base)
{
	const char *en = vec_enc_name(e->enc), *an = vec_auth_name(e->auth);

	if (enc_is_gcm(e->enc) && e->auth != VEC_ALG_NONE)
		return vecp_fail(p, kline(p, base + K_SA_ESP_AUTH),
				 "%s: must be none with %s (combined mode, RFC 4106)",
				 vecp_key_name(base + K_SA_ESP_AUTH), en);
	if (auth_is_gmac(e->auth) && e->enc != VEC_ALG_NONE &&
	    !ipoc_alg_is_null(vec_enc_alg(e->enc)))
		return vecp_fail(p, kline(p, base + K_SA_ESP_ENC),
				 "%s: %s cannot go with %s "
				 "(RFC 4543: GMAC is ESP without encryption)",
				 vecp_key_name(base + K_SA_ESP_ENC), en, an);
	if (e->enc == VEC_ALG_NONE && e->auth == VEC_ALG_NONE)
		return vecp_fail(p, kline(p, base + K_SA_ESP_ENC),
				 "%s: ESP with neither encryption nor authentication",
				 vecp_key_name(base + K_SA_ESP_ENC));
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
	char icvs[48];

	if (enc_is_gcm(e->enc)) {
		/* RFC 4106 s6: 8, 12 or 16 octets (the row's icvs). */
		if (!p->key_line[k])
			return vecp_fail(p, p->blk_line, "%s %s: missing required key `%s` (%s)",
					 vecp_kind_word(p), vecp_cur_id(p), vecp_key_name(k),
					 vec_enc_name(e->enc));
		if (!ipoc_alg_icv_ok(vec_enc_alg(e->enc), e->icv_len))
			return vecp_fail(p, p->key_line[k], "%s: %u, %s allows %s",
					 vecp_key_name(k), e->icv_len, vec_enc_name(e->enc),
					 ipoc_alg_icv_text(vec_enc_alg(e->enc), 1, icvs, sizeof(icvs)));
		return 0;
	}
	if (p->key_line[k] && e->icv_len != want)
		return vecp_fail(p, p->key_line[k], "%s: %u, %s gives %u", vecp_key_name(k),
				 e->icv_len, vec_auth_name(e->auth), want);
	e->icv_len = want;
	return 0;
}

static int check_iv(struct parser *p, int k, const struct vec_bytes *iv, size_t need,
		    const char *alg, bool sending)
{
	if (!p->key_line[k]) {
		if (need && sending)
			return vecp_fail(p, p->blk_line,
					 "%s %s: missing required key `%s` (send with %s)",
					 vecp_kind_word(p), vecp_cur_id(p), vecp_key_name(k), alg);
		return 0;
	}
	if (iv->len != need)
		return vecp_fail(p, p->key_line[k], "%s: %zu bytes, %s needs %zu", vecp_key_name(k),
				 iv->len, alg, need);
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
	if (a->auth == VEC_ALG_NONE)
		return vecp_fail(p, kline(p, base + K_SA_AH_AUTH),
				 "%s: none is not an AH algorithm",
				 vecp_key_name(base + K_SA_AH_AUTH));
	if (key_len_check(p, base + K_SA_AH_AUTH_KEY, &a->auth_key, auth_key_len(a->auth), an,
			  gmac) < 0 ||
			  check_esn(p, base + K_SA_AH_ESN, base + K_SA_AH_SEQ_HI, a->esn) < 0)
		return -1;
	/* RFC 4543 s4: the AH ICV field holds the 8-octet IV, then the tag. */
	a->icv_len = gmac ? vec_auth_alg(a->auth)->iv_len + auth_icv_len(a->auth)
			  : auth_icv_len(a->auth);
	return check_iv(p, base + K_SA_AH_IV, &a->iv, gmac ? vec_auth_alg(a->auth)->iv_len : 0, an,
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
			return vecp_fail(p, p->key_line[base + k], "%s: given without %s",
					 vecp_key_name(base + k),
					 vecp_key_name(base + (esp ? K_SA_ESP_SPI : K_SA_AH_SPI)));
	}
	return 0;
}

static int check_sa(struct parser *p, struct vec_case *c, struct vec_sa *sa, int base)
{
	if (require(p, base + K_SA_SRC, "") < 0 || require(p, base + K_SA_DST, "") < 0 ||
	    check_orphans(p, sa, base) < 0)
		return -1;
	if (sa->src.family != sa->dst.family)
		return vecp_fail(p, p->key_line[base + K_SA_DST], "%s: %s, but %s is %s",
				 vecp_key_name(base + K_SA_DST), vec_family_name(sa->dst.family),
				 vecp_key_name(base + K_SA_SRC), vec_family_name(sa->src.family));
	if (!sa->esp.present && !sa->ah.present)
		return vecp_fail(p, p->blk_line,
				 "case %s: neither `%s` nor `%s`: the SA has no member",
				 vecp_cur_id(p), vecp_key_name(base + K_SA_ESP_SPI),
				 vecp_key_name(base + K_SA_AH_SPI));
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
			return vecp_fail(p, p->key_line[k],
					 "%s: only with mode = transport-over-tunnel",
					 vecp_key_name(k));
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
		return vecp_fail(p, p->key_line[K_UDP], "udp: %s does not go with mode = %s",
				 vec_udp_name(c->udp), vec_mode_name(c->mode));
	if (!e->present)
		return vecp_fail(p, p->key_line[K_UDP], "udp: %s, but that SA has no ESP member",
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
		return vecp_fail(p, p->key_line[K_FAMILY],
				 "family: %s, but the outer SA's addresses are %s",
				 vec_family_name(c->family), vec_family_name(outer->src.family));
	return 0;
}

static int check_packets(struct parser *p, const struct vec_case *c)
{
	bool send_ok = c->expect.send_status == NDIS_STATUS_SUCCESS;

	if ((c->direction & VEC_DIR_SEND) && require(p, K_PLAIN, " (direction includes send)") < 0)
		return -1;
	if ((c->direction & VEC_DIR_RECEIVE) && require(p, K_WIRE,
							" (direction includes receive)") < 0)
		return -1;
	if ((c->direction & VEC_DIR_SEND) && send_ok &&
	    require(p, K_WIRE, " (the frame a successful send transmits)") < 0)
		return -1;
	if (p->key_line[K_PLAIN] && c->plain.len == 0)
		return vecp_fail(p, p->key_line[K_PLAIN], "plain: empty packet");
	if (p->key_line[K_WIRE] && c->wire.len == 0)
		return vecp_fail(p, p->key_line[K_WIRE], "wire: empty packet");
	if (p->key_line[K_PLAIN] && p->key_line[K_WIRE] && c->plain.len != c->wire.len)
		return vecp_fail(p, p->key_line[K_WIRE],
				 "wire: %zu bytes, plain has %zu; "
				 "processing is in place, lengths must be equal",
				 c->wire.len, c->plain.len);
	return 0;
}

/* see vectors_int.h */
int vecp_check_case(struct parser *p, struct vec_case *c)
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

/* The rule of a [prim] algorithm, from its table row's kind: NULL (a
 * cipher with no key), a CBC cipher, AES-GCM, AES-GMAC, or an HMAC whose
 * whole digest is as long as its key (RFC 2403, 2404, 4868 choose the key
 * length to be the hash's output). Keys are raw, without the salt. */
static struct prim_rule prim_rule(const struct ipoc_alg *a)
{
	const unsigned gcm = PK(K_KEY) | PK(K_IV) | PK(K_TAG);
	struct prim_rule r = { 0 };

	switch (a->kind) {
	case IPOC_ALG_CIPHER:
		if (a->key_len == 0) {
			r.need = PK(K_PT) | PK(K_CT);
			break;
		}
		r.key_len = (uint8_t)a->key_len;
		r.iv_len = (uint8_t)a->iv_len;
		r.block = (uint8_t)a->block;
		r.need = PK(K_KEY) | PK(K_IV) | PK(K_PT) | PK(K_CT);
		break;
	case IPOC_ALG_AEAD:
	case IPOC_ALG_GMAC:
		r.key_len = (uint8_t)ipoc_alg_raw_key_len(a);
		r.need = gcm | (a->kind == IPOC_ALG_AEAD ? PK(K_PT) | PK(K_CT) : 0);
		r.allow = PK(K_AAD);
		break;
	case IPOC_ALG_INTEGRITY:
		r.digest = (uint8_t)a->key_len;
		r.need = PK(K_KEY) | PK(K_PT) | PK(K_MAC);
		r.allow = PK(K_MAC_LEN);
		break;
	}
	return r;
}

static int check_prim_keys(struct parser *p, const struct prim_rule *r, const char *alg)
{
	int k;

	for (k = K_KEY; k <= K_MAC_LEN; k++) {
		if ((r->need & PK(k)) && require(p, k, "") < 0)
			return -1;
		if (p->key_line[k] && !((r->need | r->allow) & PK(k)))
			return vecp_fail(p, p->key_line[k], "%s: not used by %s", vecp_key_name(k),
					 alg);
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
		return vecp_fail(p, kline(p, K_IV), "iv: %zu bytes, %s needs %s%u", pr->iv.len, alg,
				 r->iv_len ? "" : "at least ", r->iv_len ? r->iv_len : 1u);
	if ((r->need & PK(K_CT)) && pr->ct.len != pr->pt.len)
		return vecp_fail(p, kline(p, K_CT), "ct: %zu bytes, pt has %zu", pr->ct.len,
				 pr->pt.len);
	if (r->block && pr->pt.len % r->block)
		return vecp_fail(p, kline(p, K_PT), "pt: %zu bytes, not a multiple of %u (%s)",
				 pr->pt.len, r->block, alg);
	if ((r->need & PK(K_TAG)) && (pr->tag.len == 0 || pr->tag.len > 16))
		return vecp_fail(p, kline(p, K_TAG), "tag: %zu bytes, want 1 to 16", pr->tag.len);
	return 0;
}

static int check_prim_mac(struct parser *p, const struct vec_prim *pr, const struct prim_rule *r,
			  const char *alg)
{
	bool truncated = pr->mac_len >= 0;
	size_t want = truncated ? (size_t)pr->mac_len : r->digest;

	if (truncated && (want == 0 || want > r->digest))
		return vecp_fail(p, kline(p, K_MAC_LEN), "mac_len: %d, %s gives 1 to %u bytes",
				 pr->mac_len, alg, r->digest);
	if (pr->mac.len != want)
		return vecp_fail(p, kline(p, K_MAC), "mac: %zu bytes, want %zu (%s)", pr->mac.len,
				 want, truncated ? "mac_len"
					   : "the whole digest; set mac_len to truncate");
	return 0;
}

/* see vectors_int.h */
int vecp_check_prim(struct parser *p, struct vec_prim *pr)
{
	struct prim_rule rule;
	const struct prim_rule *r = &rule;
	const char *alg;

	if (require(p, K_SOURCE, "") < 0 || require(p, K_ALG, "") < 0)
		return -1;
	rule = prim_rule(pr->alg);
	alg = vec_prim_alg_name(pr->alg);
	if (check_prim_keys(p, r, alg) < 0 || check_prim_lengths(p, pr, r, alg) < 0)
		return -1;
	return r->digest ? check_prim_mac(p, pr, r, alg) : 0;
}

