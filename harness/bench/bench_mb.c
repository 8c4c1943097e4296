/* SPDX-License-Identifier: MIT */
/*
 * bench_mb.c - `ipoc bench`'s second raw baseline: the cipher and MAC an
 * ESP implementation must run per packet, straight on intel-ipsec-mb's job
 * API, in bursts, over the same bytes as the engine. The one harness file
 * that includes intel-ipsec-mb.h (bench_mb_absent.c stands in for it in a
 * build without the library).
 *
 * A burst is what a fast raw user of 1.3 submits: the burst API, one job
 * per packet from IMB_GET_NEXT_BURST, one IMB_SUBMIT_BURST, then
 * IMB_FLUSH_BURST until every job is back (an engine completing an NBL
 * chain must end the same way). On this machine the burst API ran 4-12%
 * more packets per second than IMB_GET_NEXT_JOB / IMB_SUBMIT_JOB /
 * IMB_FLUSH_JOB with the same jobs (AES-128-GCM and AES-128-CBC +
 * HMAC-SHA1-96, 64 and 1500 bytes). Per packet, exactly:
 *  - GCM: nonce salt || IV, AAD SPI || sequence, payload .. next header
 *    en/decrypted in place, the 16-byte tag (RFC 4106);
 *  - GMAC: the same with ESP header .. next header as AAD and nothing
 *    ciphered (RFC 4543);
 *  - CBC + HMAC: send ciphers then hashes ESP header .. next header
 *    (IMB_ORDER_CIPHER_HASH), receive hashes then deciphers
 *    (IMB_ORDER_HASH_CIPHER), as ESP does; NULL + HMAC hashes only.
 * Receive compares each computed ICV with the packet's in constant time.
 * Keys are scheduled once per context (AES key expansion, GCM hash keys,
 * the HMAC inner and outer pads hashed once), as an engine does when the SA
 * is added. The IV is a counter for GCM/GMAC; CBC keeps the IV it finds.
 *
 * The manager is alloc_mb_mgr + init_mb_mgr_auto: the fastest code path
 * this CPU has (NOAESNI .. AVX512), which bench_mb_info names. Bursts are
 * submitted with the library's per-job parameter validation until
 * bench_mb_fast(x, true): the checks of each cell run validated, the timed
 * bursts do not (IMB_SUBMIT_BURST_NOCHECK, the same jobs).
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without the library's pre-1.0 short names (ENCRYPT, SHA1, ...), which
 * would collide with NDIS's OFFLOAD_OPERATION_E. */
#define NO_COMPAT_IMB_API_053
#include <intel-ipsec-mb.h>

#include "bench.h"

enum { ESP_HDR = 8, SALT = 4, NONCE = 12, HMAC_BLOCK = 64, MAX_DIGEST = 32, MAX_ICV = 16 };

struct bench_mb {
	IMB_MGR *mgr;
	const struct bench_alg *alg;
	IMB_CIPHER_MODE cipher;
	IMB_HASH_ALG hash;
	uint64_t key_len;             /* the cipher's key length for the job */
	const void *enc_keys, *dec_keys;
	bool nocheck;
	uint64_t iv_counter;
	uint8_t salt[SALT];
	unsigned bad;                 /* ICV mismatches of the current burst */
	/* key material the jobs point at (alignment as the library asks) */
	alignas(64) struct gcm_key_data gcm;
	alignas(16) uint8_t aes_enc[16 * 15];
	alignas(16) uint8_t aes_dec[16 * 15];
	alignas(16) uint64_t des[3][IMB_DES_KEY_SCHED_SIZE / 8];
	const void *des3[3];
	alignas(16) uint8_t ipad[MAX_DIGEST];
	alignas(16) uint8_t opad[MAX_DIGEST];
	/* per packet of a burst: the GCM nonce, the ICV computed on receive */
	alignas(16) uint8_t nonce[BENCH_MB_MAX_BURST][16];
	alignas(16) uint8_t tag[BENCH_MB_MAX_BURST][MAX_ICV];
	uint8_t *icv[BENCH_MB_MAX_BURST];
};

static const char *arch_name(IMB_ARCH a)
{
	switch (a) {
	case IMB_ARCH_NOAESNI: return "NOAESNI";
	case IMB_ARCH_SSE: return "SSE";
	case IMB_ARCH_AVX: return "AVX";
	case IMB_ARCH_AVX2: return "AVX2";
	case IMB_ARCH_AVX512: return "AVX512";
	default: return "unknown";
	}
}

/* A manager on the fastest path this CPU has, or NULL with err set. */
static IMB_MGR *new_mgr(IMB_ARCH *arch, char *err, size_t errlen)
{
	IMB_MGR *m = alloc_mb_mgr(0);
	int e;

	if (!m) {
		snprintf(err, errlen, "intel-ipsec-mb: alloc_mb_mgr failed");
		return NULL;
	}
	*arch = IMB_ARCH_NONE;
	init_mb_mgr_auto(m, arch);
	e = imb_get_errno(m);
	if (e != 0 || *arch == IMB_ARCH_NONE) {
		snprintf(err, errlen, "intel-ipsec-mb: init_mb_mgr_auto failed: %s",
			 e ? imb_get_strerror(e) : "no architecture chosen");
		free_mb_mgr(m);
		return NULL;
	}
	return m;
}

void bench_mb_info(struct bench_mb_info *info)
{
	static const struct { uint64_t bit; const char *name; } feats[] = {
		{ IMB_FEATURE_AESNI, "AESNI" }, { IMB_FEATURE_PCLMULQDQ, "PCLMULQDQ" },
		{ IMB_FEATURE_SHANI, "SHANI" }, { IMB_FEATURE_AVX2, "AVX2" },
		{ IMB_FEATURE_AVX512F, "AVX512F" }, { IMB_FEATURE_VAES, "VAES" },
		{ IMB_FEATURE_VPCLMULQDQ, "VPCLMULQDQ" }, { IMB_FEATURE_GFNI, "GFNI" },
	};
	IMB_ARCH arch;
	IMB_MGR *m;
	size_t at = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->version, sizeof(info->version), "%s", imb_get_version_str());
	m = new_mgr(&arch, info->why_absent, sizeof(info->why_absent));
	if (!m)
		return;
	info->present = true;
	snprintf(info->arch, sizeof(info->arch), "%s", arch_name(arch));
	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		int k;

		if (!(m->features & feats[i].bit))
			continue;
		k = snprintf(info->features + at, sizeof(info->features) - at, "%s%s",
			     at ? " " : "", feats[i].name);
		if (k < 0 || (size_t)k >= sizeof(info->features) - at)
			break;
		at += (size_t)k;
	}
	free_mb_mgr(m);
}

/* ---- keys ---- */

/* The HMAC pads, each hashed over one block: what the job API takes. */
static int hmac_pads(struct bench_mb *x, const uint8_t *key, uint32_t len)
{
	uint8_t block[HMAC_BLOCK];

	if (len > HMAC_BLOCK)
		return -1;
	for (int pad = 0; pad < 2; pad++) {
		uint8_t *out = pad ? x->opad : x->ipad;

		memset(block, pad ? 0x5c : 0x36, sizeof(block));
		for (uint32_t i = 0; i < len; i++)
			block[i] ^= key[i];
		switch (x->hash) {
		case IMB_AUTH_MD5: IMB_MD5_ONE_BLOCK(x->mgr, block, out); break;
		case IMB_AUTH_HMAC_SHA_1: IMB_SHA1_ONE_BLOCK(x->mgr, block, out); break;
		case IMB_AUTH_HMAC_SHA_256: IMB_SHA256_ONE_BLOCK(x->mgr, block, out); break;
		default: return -1;
		}
	}
	memset(block, 0, sizeof(block));
	return 0;
}

static int gcm_keys(struct bench_mb *x, const uint8_t *key, uint32_t key_len)
{
	uint32_t aes = key_len - SALT;

	memcpy(x->salt, key + aes, SALT);
	x->key_len = aes;
	switch (aes) {
	case 16: IMB_AES128_GCM_PRE(x->mgr, key, &x->gcm); break;
	case 24: IMB_AES192_GCM_PRE(x->mgr, key, &x->gcm); break;
	case 32: IMB_AES256_GCM_PRE(x->mgr, key, &x->gcm); break;
	default: return -1;
	}
	x->cipher = IMB_CIPHER_GCM;
	x->hash = IMB_AUTH_AES_GMAC;
	x->enc_keys = x->dec_keys = &x->gcm;
	return 0;
}

static int cbc_keys(struct bench_mb *x, const uint8_t *key, uint32_t key_len)
{
	const struct bench_alg *a = x->alg;

	x->key_len = key_len;
	if (!a->evp_cipher) {
		x->cipher = IMB_CIPHER_NULL;
		x->key_len = 0;
		return 0;
	}
	if (a->iv_len == 16) {
		x->cipher = IMB_CIPHER_CBC;
		x->enc_keys = x->aes_enc;
		x->dec_keys = x->aes_dec;
		switch (key_len) {
		case 16: IMB_AES_KEYEXP_128(x->mgr, key, x->aes_enc, x->aes_dec); return 0;
		case 24: IMB_AES_KEYEXP_192(x->mgr, key, x->aes_enc, x->aes_dec); return 0;
		case 32: IMB_AES_KEYEXP_256(x->mgr, key, x->aes_enc, x->aes_dec); return 0;
		default: return -1;
		}
	}
	if (key_len != 8 && key_len != 24)
		return -1;
	for (uint32_t k = 0; k < key_len / 8; k++)
		if (IMB_DES_KEYSCHED(x->mgr, x->des[k], key + 8 * k) != 0)
			return -1;
	if (key_len == 8) {
		x->cipher = IMB_CIPHER_DES;
		x->enc_keys = x->dec_keys = x->des[0];
	} else {
		x->cipher = IMB_CIPHER_DES3;
		for (int k = 0; k < 3; k++)
			x->des3[k] = x->des[k];
		x->enc_keys = x->dec_keys = x->des3;
	}
	return 0;
}

static IMB_HASH_ALG hash_of(const char *digest)
{
	if (!digest)
		return IMB_AUTH_NULL;
	if (strcmp(digest, "MD5") == 0)
		return IMB_AUTH_MD5;
	if (strcmp(digest, "SHA1") == 0)
		return IMB_AUTH_HMAC_SHA_1;
	if (strcmp(digest, "SHA256") == 0)
		return IMB_AUTH_HMAC_SHA_256;
	return IMB_AUTH_NULL;
}

struct bench_mb *bench_mb_new(const struct bench_alg *a, const uint8_t *enc_key,
			      const uint8_t *auth_key, char *err, size_t errlen)
{
	struct bench_mb *x = aligned_alloc(64, (sizeof(struct bench_mb) + 63) / 64 * 64);
	IMB_ARCH arch;
	int rc;

	if (!x) {
		snprintf(err, errlen, "intel-ipsec-mb: out of memory");
		return NULL;
	}
	memset(x, 0, sizeof(*x));
	x->alg = a;
	x->iv_counter = 1;
	x->mgr = new_mgr(&arch, err, errlen);
	if (!x->mgr) {
		free(x);
		return NULL;
	}
	if (a->kind == BENCH_GCM) {
		rc = gcm_keys(x, enc_key, a->enc_key_len);
	} else if (a->kind == BENCH_GMAC) {
		rc = gcm_keys(x, auth_key, a->auth_key_len);
	} else {
		x->hash = hash_of(a->evp_digest);
		rc = (a->evp_digest && x->hash == IMB_AUTH_NULL) ? -1
								  : cbc_keys(x, enc_key, a->enc_key_len);
		if (rc == 0 && x->hash != IMB_AUTH_NULL)
			rc = hmac_pads(x, auth_key, a->auth_key_len);
	}
	if (rc != 0 || a->icv_len > MAX_ICV) {
		snprintf(err, errlen, "intel-ipsec-mb: cannot set up %s", a->name);
		bench_mb_free(x);
		return NULL;
	}
	return x;
}

void bench_mb_free(struct bench_mb *x)
{
	if (!x)
		return;
	if (x->mgr)
		free_mb_mgr(x->mgr);
	memset(x, 0, sizeof(*x));
	free(x);
}

void bench_mb_fast(struct bench_mb *x, bool fast)
{
	x->nocheck = fast;
}

/* ---- bursts ---- */

static void write_iv(struct bench_mb *x, uint8_t *iv)
{
	uint64_t c = x->iv_counter++;

	for (int i = 7; i >= 0; i--, c >>= 8)
		iv[i] = (uint8_t)c;
}

/* Fill the job of packet i of a burst (esp[0, len)). */
static void fill(struct bench_mb *x, IMB_JOB *j, unsigned i, uint8_t *esp, uint32_t len,
		 bool enc)
{
	const struct bench_alg *a = x->alg;
	uint32_t icv_off = len - a->icv_len, start = ESP_HDR + a->iv_len;
	uint32_t clen = icv_off - start;

	j->cipher_mode = x->cipher;
	j->hash_alg = x->hash;
	j->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	j->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	j->enc_keys = x->enc_keys;
	j->dec_keys = x->dec_keys;
	j->key_len_in_bytes = x->key_len;
	j->src = esp;
	j->dst = esp + start;
	j->cipher_start_src_offset_in_bytes = start;
	j->msg_len_to_cipher_in_bytes = clen;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = icv_off;
	j->iv = esp + ESP_HDR;
	j->iv_len_in_bytes = a->iv_len;
	j->auth_tag_output = enc ? esp + icv_off : x->tag[i];
	j->auth_tag_output_len_in_bytes = a->icv_len;
	j->user_data = (void *)(uintptr_t)i;
	x->icv[i] = esp + icv_off;
	if (x->hash == IMB_AUTH_AES_GMAC) {
		memcpy(x->nonce[i], x->salt, SALT);
		memcpy(x->nonce[i] + SALT, esp + ESP_HDR, 8);
		j->iv = x->nonce[i];
		j->iv_len_in_bytes = NONCE;
		j->u.GCM.aad = esp;
		if (a->kind == BENCH_GMAC) {
			j->u.GCM.aad_len_in_bytes = icv_off;
			j->msg_len_to_cipher_in_bytes = 0;
			j->msg_len_to_hash_in_bytes = 0;
		} else {
			j->u.GCM.aad_len_in_bytes = ESP_HDR;
			j->hash_start_src_offset_in_bytes = start;
			j->msg_len_to_hash_in_bytes = clen;
		}
	} else if (x->hash != IMB_AUTH_NULL) {
		j->u.HMAC._hashed_auth_key_xor_ipad = x->ipad;
		j->u.HMAC._hashed_auth_key_xor_opad = x->opad;
	}
}

static bool same(const uint8_t *p, const uint8_t *q, uint32_t n)
{
	uint8_t d = 0;

	for (uint32_t i = 0; i < n; i++)
		d |= p[i] ^ q[i];
	return d == 0;
}

/* A job the manager handed back: -1 when it failed, else 0 (an ICV
 * mismatch on receive is counted in x->bad). */
static int done(struct bench_mb *x, const IMB_JOB *j, bool enc)
{
	unsigned i = (unsigned)(uintptr_t)j->user_data;

	if (j->status != IMB_STATUS_COMPLETED)
		return -1;
	if (!enc && x->hash != IMB_AUTH_NULL && !same(x->tag[i], x->icv[i], x->alg->icv_len))
		x->bad++;
	return 0;
}

/* One burst: every packet's job from IMB_GET_NEXT_BURST, IMB_SUBMIT_BURST,
 * then IMB_FLUSH_BURST until the manager has handed every job back. */
static int burst(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len, bool enc,
		 bool gen_iv)
{
	IMB_MGR *m = x->mgr;
	IMB_JOB *jobs[BENCH_MB_MAX_BURST];
	unsigned completed, k;
	int rc = 0;

	if (n == 0 || n > BENCH_MB_MAX_BURST ||
	    len < ESP_HDR + x->alg->iv_len + x->alg->icv_len)
		return -1;
	x->bad = 0;
	if (IMB_GET_NEXT_BURST(m, n, jobs) != n)
		return -1;            /* the queue was not empty: a burst before this one failed */
	for (unsigned i = 0; i < n; i++) {
		if (gen_iv && x->hash == IMB_AUTH_AES_GMAC)
			write_iv(x, esp[i] + ESP_HDR);
		fill(x, jobs[i], i, esp[i], len, enc);
	}
	completed = x->nocheck ? IMB_SUBMIT_BURST_NOCHECK(m, n, jobs) : IMB_SUBMIT_BURST(m, n, jobs);
	if (completed == 0 && imb_get_errno(m) != 0)
		rc = -1;
	for (unsigned i = 0; i < completed; i++)
		if (done(x, jobs[i], enc) != 0)
			rc = -1;
	while (completed < n && (k = IMB_FLUSH_BURST(m, n - completed, jobs)) > 0) {
		for (unsigned i = 0; i < k; i++)
			if (done(x, jobs[i], enc) != 0)
				rc = -1;
		completed += k;
	}
	if (completed != n)
		rc = -1;
	return rc != 0 ? -1 : x->bad ? 1 : 0;
}

int bench_mb_seal(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len,
		  bool gen_iv)
{
	return burst(x, esp, n, len, true, gen_iv) == 0 ? 0 : -1;
}

int bench_mb_open(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len)
{
	return burst(x, esp, n, len, false, false);
}
