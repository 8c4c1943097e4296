/* SPDX-License-Identifier: MIT */
/*
 * crypto_mb.c - the intel-ipsec-mb backend of ref_crypto.h (engine
 * ipoc-ref-mb): see there.
 *
 * Every operation is an intel-ipsec-mb job. A burst (ref_run_jobs) submits
 * the jobs of a whole NBL chain before it collects any, so the library runs
 * the CBC encryption and HMAC of several packets across its SIMD lanes; the
 * one-packet functions submit one job and flush it.
 *
 * Keys are expanded once per SA member into the transform (AES and GCM key
 * schedules, DES key schedules, the HMAC inner and outer states after the
 * key block); they are read-only afterwards, so one transform may be used
 * from several threads. The job manager is per thread (a manager is not
 * thread-safe), made on first use with init_mb_mgr_auto, which picks the
 * code path the CPU allows (no AES-NI, SSE, AVX, AVX2 or AVX-512).
 *
 * What the library cannot take in one piece (an AAD or an HMAC message in
 * two pieces) is gathered into a per-thread buffer, except the common ESP
 * case of a message followed by the 4-byte ESN high half, where the half is
 * written over the first ICV bytes for the time of the hash (RFC 4303
 * §2.2.1 puts it right there, logically) and the ICV is put back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Without the library's pre-0.53 names (ENCRYPT, DECRYPT, ...), which
 * clash with NDIS's. */
#define NO_COMPAT_IMB_API_053
#include <intel-ipsec-mb.h>

#include "ipoc/ndis.h"
#include "ref_crypto.h"

enum {
	SALT_LEN = 4,
	NONCE_LEN = 12,
	MAX_TAG = 32,             /* HMAC-SHA-256 untruncated */
	HMAC_BLOCK = 64,          /* MD5, SHA-1 and SHA-256 block */
	AES_ROUND_KEYS = 16 * 15, /* AES-256: 15 round keys */
};

enum xf_kind { XF_NONE, XF_AES_CBC, XF_DES, XF_3DES, XF_GCM, XF_GMAC };

struct ref_xform {
	_Alignas(64) struct gcm_key_data gcm;     /* GCM / GMAC */
	_Alignas(16) uint8_t enc_keys[AES_ROUND_KEYS];
	_Alignas(16) uint8_t dec_keys[AES_ROUND_KEYS];
	_Alignas(16) uint64_t des_ks[3][16];      /* DES: [0]; 3DES: all three */
	_Alignas(16) uint8_t ipad[64];            /* HMAC states after one block */
	_Alignas(16) uint8_t opad[64];
	const void *des3_ptrs[3];
	enum xf_kind kind;
	bool encrypt;
	IMB_HASH_ALG hash;        /* IMB_AUTH_NULL when no HMAC */
	uint32_t hash_full;       /* untruncated HMAC length */
	uint32_t key_len;         /* AES key bytes */
	uint32_t block;
	uint8_t salt[SALT_LEN];
};

/* The backend's part of a job (ref_job.priv). */
struct job_priv {
	uint8_t nonce[NONCE_LEN];  /* GCM / GMAC: salt || IV */
	uint8_t saved[4];          /* ICV bytes under the ESN high half */
	uint8_t esn_trick;
	uint8_t phase;             /* decrypting CBC: 1 hash done, 2 cipher done */
	uint8_t tag[MAX_TAG];      /* computed tag of a job that decrypts */
};
_Static_assert(sizeof(struct job_priv) <= sizeof(((struct ref_job *)0)->priv),
	       "ref_job.priv too small");

/* Per thread: the manager and the gather buffer. */
struct thread_state {
	IMB_MGR *mgr;
	uint8_t *gather;
	size_t gather_cap;
};

static pthread_key_t ts_key;
static pthread_once_t ts_once = PTHREAD_ONCE_INIT;
static bool ts_key_ok;
static __thread struct thread_state *ts_self;
static IMB_ARCH chosen_arch = IMB_ARCH_NONE;

static void ts_free(void *v)
{
	struct thread_state *t = v;

	if (!t)
		return;
	if (t->mgr)
		free_mb_mgr(t->mgr);
	if (t->gather) {
		ref_wipe(t->gather, t->gather_cap);
		free(t->gather);
	}
	free(t);
}

static void ts_init(void)
{
	ts_key_ok = pthread_key_create(&ts_key, ts_free) == 0;
}

/* On unload, the key goes first: a thread that ends later must not call
 * into code that is gone. Managers of threads still running are lost. */
__attribute__((destructor)) static void ts_fini(void)
{
	if (!ts_key_ok)
		return;
	pthread_key_delete(ts_key);
	ts_key_ok = false;
	ts_free(ts_self);
	ts_self = NULL;
}

static struct thread_state *thread_state(void)
{
	struct thread_state *t = ts_self;
	IMB_ARCH arch;

	if (t)
		return t;
	pthread_once(&ts_once, ts_init);
	if (!ts_key_ok || !(t = calloc(1, sizeof(*t))))
		return NULL;
	t->mgr = alloc_mb_mgr(0);
	if (!t->mgr) {
		free(t);
		return NULL;
	}
	init_mb_mgr_auto(t->mgr, &arch);
	if (imb_get_errno(t->mgr) != 0) {
		ts_free(t);
		return NULL;
	}
	chosen_arch = arch;
	pthread_setspecific(ts_key, t);
	ts_self = t;
	return t;
}

static IMB_MGR *mgr(void)
{
	struct thread_state *t = thread_state();

	return t ? t->mgr : NULL;
}

/* The per-thread gather buffer, at least n bytes, or NULL. */
static uint8_t *gather_buf(size_t n)
{
	struct thread_state *t = thread_state();
	uint8_t *b;

	if (!t)
		return NULL;
	if (n <= t->gather_cap)
		return t->gather;
	b = malloc(n);
	if (!b)
		return NULL;
	if (t->gather) {
		ref_wipe(t->gather, t->gather_cap);
		free(t->gather);
	}
	t->gather = b;
	t->gather_cap = n;
	return b;
}

void ref_wipe(void *p, size_t n)
{
	/* explicit_bzero: stores the compiler may not remove. */
	if (p && n)
		explicit_bzero(p, n);
}

/* intel-ipsec-mb has no generator: the kernel's (getrandom(2)). */
int ref_random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/* Every byte is looked at whatever differs, eight at a time; the empty asm
 * keeps the compiler from turning the accumulation into an early exit. */
int ref_ct_equal(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint64_t d = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t u, v;

		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		d |= u ^ v;
		__asm__("" : "+r"(d));
	}
	for (; i < n; i++) {
		d |= (uint64_t)(x[i] ^ y[i]);
		__asm__("" : "+r"(d));
	}
	return d == 0;
}

/* ------------------------------------------------------------------ keys */

static int aes_expand(IMB_MGR *m, struct ref_xform *x, const uint8_t *key, uint32_t len)
{
	switch (len) {
	case 16: IMB_AES_KEYEXP_128(m, key, x->enc_keys, x->dec_keys); break;
	case 24: IMB_AES_KEYEXP_192(m, key, x->enc_keys, x->dec_keys); break;
	case 32: IMB_AES_KEYEXP_256(m, key, x->enc_keys, x->dec_keys); break;
	default: return -1;
	}
	x->key_len = len;
	return 0;
}

/* A CBC cipher whose key length the table has checked. */
static int setup_cbc(IMB_MGR *m, struct ref_xform *x, uint32_t alg, const uint8_t *key,
		     uint32_t len)
{
	switch (alg) {
	case IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC:
		IMB_DES_KEYSCHED(m, x->des_ks[0], key);
		x->kind = XF_DES;
		x->block = 8;
		return 0;
	case IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC:
		for (int i = 0; i < 3; i++) {
			IMB_DES_KEYSCHED(m, x->des_ks[i], key + 8 * i);
			x->des3_ptrs[i] = x->des_ks[i];
		}
		x->kind = XF_3DES;
		x->block = 8;
		return 0;
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192:
	case IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256:
		x->kind = XF_AES_CBC;
		x->block = 16;
		return aes_expand(m, x, key, len);
	default:
		return -1;
	}
}

/* GCM or GMAC key: AES key then salt (RFC 4106 §8.1, RFC 4543 §3.2). */
static int setup_gcm(IMB_MGR *m, struct ref_xform *x, const uint8_t *key, uint32_t len,
		     enum xf_kind kind)
{
	switch (len) {
	case 16 + SALT_LEN: IMB_AES128_GCM_PRE(m, key, &x->gcm); break;
	case 24 + SALT_LEN: IMB_AES192_GCM_PRE(m, key, &x->gcm); break;
	case 32 + SALT_LEN: IMB_AES256_GCM_PRE(m, key, &x->gcm); break;
	default: return -1;
	}
	x->key_len = len - SALT_LEN;
	memcpy(x->salt, key + len - SALT_LEN, SALT_LEN);
	x->kind = kind;
	return 0;
}

/* HMAC (RFC 2104): the states after hashing the key XOR ipad and XOR opad,
 * one block each. A key longer than the block is hashed first (§3); the
 * library hashes SHA-1 and SHA-256 alone but not MD5, so a long HMAC-MD5
 * key is refused (NDIS's is 16 bytes). */
static int setup_hmac(IMB_MGR *m, struct ref_xform *x, uint32_t alg, const uint8_t *key,
		      uint32_t len)
{
	uint8_t blk[HMAC_BLOCK], short_key[32];
	int i;

	if (len > HMAC_BLOCK) {
		if (alg == IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1) {
			IMB_SHA1(m, key, len, short_key);
			len = 20;
		} else if (alg == IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256) {
			IMB_SHA256(m, key, len, short_key);
			len = 32;
		} else {
			return -1;
		}
		key = short_key;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint8_t pad = pass ? 0x5c : 0x36;
		uint8_t *out = pass ? x->opad : x->ipad;

		memset(blk, pad, sizeof(blk));
		for (i = 0; i < (int)len; i++)
			blk[i] ^= key[i];
		switch (alg) {
		case IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5:
			IMB_MD5_ONE_BLOCK(m, blk, out);
			break;
		case IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1:
			IMB_SHA1_ONE_BLOCK(m, blk, out);
			break;
		case IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256:
			IMB_SHA256_ONE_BLOCK(m, blk, out);
			break;
		default:
			ref_wipe(blk, sizeof(blk));
			return -1;
		}
	}
	ref_wipe(blk, sizeof(blk));
	ref_wipe(short_key, sizeof(short_key));
	switch (alg) {
	case IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5:
		x->hash = IMB_AUTH_MD5;
		x->hash_full = 16;
		break;
	case IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1:
		x->hash = IMB_AUTH_HMAC_SHA_1;
		x->hash_full = 20;
		break;
	default:
		x->hash = IMB_AUTH_HMAC_SHA_256;
		x->hash_full = 32;
	}
	return 0;
}

int ref_xform_new(struct ref_xform **out, bool encrypt, uint32_t enc_alg, const uint8_t *enc_key,
		  uint32_t enc_key_len, uint32_t auth_alg, const uint8_t *auth_key,
		  uint32_t auth_key_len)
{
	const struct ipoc_alg *enc = ref_enc_row(enc_alg), *auth = ref_auth_row(auth_alg);
	IMB_MGR *m = mgr();
	struct ref_xform *x;
	int rc = 0;

	*out = NULL;
	if (!m)
		return -1;
	x = aligned_alloc(64, sizeof(*x));
	if (!x)
		return -1;
	memset(x, 0, sizeof(*x));
	x->encrypt = encrypt;
	x->block = 1;
	x->kind = XF_NONE;
	x->hash = IMB_AUTH_NULL;
	/* Kinds and CBC key lengths from the table; a GCM or GMAC key's length
	 * says its AES size. */
	if (ref_row_is(enc, IPOC_ALG_AEAD))
		rc = setup_gcm(m, x, enc_key, enc_key_len, XF_GCM);
	else if (enc_alg && !ipoc_alg_is_null(enc))
		rc = ref_row_is(enc, IPOC_ALG_CIPHER) && enc_key_len == enc->key_len
		     ? setup_cbc(m, x, enc_alg, enc_key, enc_key_len) : -1;
	if (rc == 0 && !ref_row_is(enc, IPOC_ALG_AEAD) && ref_row_is(auth, IPOC_ALG_GMAC)) {
		if (x->kind != XF_NONE)
			rc = -1;    /* a cipher with AES-GMAC is not an NDIS pairing */
		else
			rc = setup_gcm(m, x, auth_key, auth_key_len, XF_GMAC);
	} else if (rc == 0 && !ref_row_is(enc, IPOC_ALG_AEAD) && auth_alg) {
		rc = setup_hmac(m, x, auth_alg, auth_key, auth_key_len);
	}
	if (rc != 0) {
		ref_xform_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

void ref_xform_free(struct ref_xform *x)
{
	if (!x)
		return;
	ref_wipe(x, sizeof(*x));
	free(x);
}

uint32_t ref_xform_block(const struct ref_xform *x)
{
	return x->block;
}

void ref_xform_info(const struct ref_xform *x, struct ref_xform_info *out)
{
	out->encrypt = x->encrypt;
	out->aead = x->kind == XF_GCM || x->kind == XF_GMAC;
	out->cipher = x->kind == XF_AES_CBC || x->kind == XF_DES || x->kind == XF_3DES;
	out->hmac = x->hash != IMB_AUTH_NULL;
}

/* ------------------------------------------------------------------ jobs */

static void job_cipher(const struct ref_xform *x, IMB_JOB *j, bool encrypt, const uint8_t *iv)
{
	j->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	j->iv = iv;
	switch (x->kind) {
	case XF_AES_CBC:
		j->cipher_mode = IMB_CIPHER_CBC;
		j->enc_keys = x->enc_keys;
		j->dec_keys = x->dec_keys;
		j->key_len_in_bytes = x->key_len;
		j->iv_len_in_bytes = 16;
		break;
	case XF_DES:
		j->cipher_mode = IMB_CIPHER_DES;
		j->enc_keys = j->dec_keys = x->des_ks[0];
		j->key_len_in_bytes = 8;
		j->iv_len_in_bytes = 8;
		break;
	case XF_3DES:
		j->cipher_mode = IMB_CIPHER_DES3;
		j->enc_keys = j->dec_keys = x->des3_ptrs;
		j->key_len_in_bytes = 24;
		j->iv_len_in_bytes = 8;
		break;
	default:
		j->cipher_mode = IMB_CIPHER_NULL;
	}
}

static void job_hmac(const struct ref_xform *x, IMB_JOB *j, uint8_t *tag)
{
	j->hash_alg = x->hash;
	j->u.HMAC._hashed_auth_key_xor_ipad = x->ipad;
	j->u.HMAC._hashed_auth_key_xor_opad = x->opad;
	j->auth_tag_output = tag;
	j->auth_tag_output_len_in_bytes = x->hash_full;
}

static void job_gcm(const struct ref_xform *x, IMB_JOB *j, bool encrypt, const uint8_t *nonce,
		    const uint8_t *aad, size_t aad_len, uint8_t *tag, size_t tag_len)
{
	j->cipher_mode = IMB_CIPHER_GCM;
	j->hash_alg = IMB_AUTH_AES_GMAC;
	j->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	j->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	j->enc_keys = j->dec_keys = &x->gcm;
	j->key_len_in_bytes = x->key_len;
	j->iv = nonce;
	j->iv_len_in_bytes = NONCE_LEN;
	j->u.GCM.aad = aad;
	j->u.GCM.aad_len_in_bytes = aad_len;
	j->auth_tag_output = tag;
	j->auth_tag_output_len_in_bytes = tag_len;
}

static void job_gmac(const struct ref_xform *x, IMB_JOB *j, const uint8_t *nonce,
		     const uint8_t *msg, size_t len, uint8_t *tag, size_t tag_len)
{
	j->cipher_mode = IMB_CIPHER_NULL;
	j->cipher_direction = IMB_DIR_ENCRYPT;
	j->chain_order = IMB_ORDER_HASH_CIPHER;
	j->hash_alg = x->key_len == 16 ? IMB_AUTH_AES_GMAC_128
		      : x->key_len == 24 ? IMB_AUTH_AES_GMAC_192 : IMB_AUTH_AES_GMAC_256;
	j->u.GMAC._key = &x->gcm;
	j->u.GMAC._iv = nonce;
	j->u.GMAC.iv_len_in_bytes = NONCE_LEN;
	j->src = msg;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = len;
	j->auth_tag_output = tag;
	j->auth_tag_output_len_in_bytes = tag_len;
}

/* A job, cleared of what its last user left in it. */
static void clear_job(IMB_JOB *j)
{
	j->cipher_mode = IMB_CIPHER_NULL;
	j->hash_alg = IMB_AUTH_NULL;
	j->chain_order = IMB_ORDER_CIPHER_HASH;
	j->cipher_direction = IMB_DIR_ENCRYPT;
	j->src = NULL;
	j->dst = NULL;
	j->cipher_start_src_offset_in_bytes = 0;
	j->msg_len_to_cipher_in_bytes = 0;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = 0;
	j->iv = NULL;
	j->iv_len_in_bytes = 0;
	j->auth_tag_output = NULL;
	j->auth_tag_output_len_in_bytes = 0;
	j->user_data = NULL;
	j->user_data2 = NULL;
}

/* The manager's next job, cleared. */
static IMB_JOB *next_job(IMB_MGR *m)
{
	IMB_JOB *j = IMB_GET_NEXT_JOB(m);

	clear_job(j);
	return j;
}

/* Submit the job just filled, then flush until it comes back: the one-job
 * path, used when nothing else is queued. */
static int run_one(IMB_MGR *m, IMB_JOB *mine)
{
	IMB_JOB *done;
	int rc = REF_CRYPTO_ERROR;
	void *tok = mine->user_data;

	done = IMB_SUBMIT_JOB(m);
	for (;;) {
		if (!done)
			done = IMB_FLUSH_JOB(m);
		if (!done)
			break;
		if (done->user_data == tok)
			rc = done->status == IMB_STATUS_COMPLETED ? REF_CRYPTO_OK : REF_CRYPTO_ERROR;
		done = NULL;
	}
	return rc;
}

/* The pieces as one buffer: the piece itself when there is one, else the
 * per-thread gather buffer. NULL on allocation failure. */
static const uint8_t *one_piece(const struct ref_iov *v, size_t n, size_t *len)
{
	size_t total = 0, at = 0, nz = 0;
	const uint8_t *only = NULL;
	uint8_t *g;

	for (size_t i = 0; i < n; i++) {
		total += v[i].n;
		if (v[i].n) {
			nz++;
			only = v[i].p;
		}
	}
	*len = total;
	if (nz <= 1)
		return only ? only : (const uint8_t *)"";
	g = gather_buf(total);
	if (!g)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n)
			memcpy(g + at, v[i].p, v[i].n);
		at += v[i].n;
	}
	return g;
}

int ref_cbc_run(struct ref_xform *x, const uint8_t *iv, uint8_t *buf, size_t len)
{
	IMB_MGR *m = mgr();
	IMB_JOB *j;

	if (!m || (x->kind != XF_AES_CBC && x->kind != XF_DES && x->kind != XF_3DES) ||
	    len % x->block != 0)
		return REF_CRYPTO_ERROR;
	if (len == 0)
		return REF_CRYPTO_OK;
	j = next_job(m);
	job_cipher(x, j, x->encrypt, iv);
	j->chain_order = x->encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	j->src = buf;
	j->dst = buf;
	j->msg_len_to_cipher_in_bytes = len;
	j->user_data = buf;
	return run_one(m, j);
}

static void make_nonce(const struct ref_xform *x, const uint8_t iv8[8], uint8_t *nonce)
{
	memcpy(nonce, x->salt, SALT_LEN);
	memcpy(nonce + SALT_LEN, iv8, 8);
}

/* GCM with buf as plaintext (encrypt) or ciphertext (decrypt), in place;
 * the full 16-byte tag into tag. */
static int gcm_pass(struct ref_xform *x, bool encrypt, const uint8_t *nonce, const uint8_t *aad,
		    size_t aad_len, uint8_t *buf, size_t len, uint8_t tag[16])
{
	IMB_MGR *m = mgr();
	IMB_JOB *j;

	if (!m)
		return REF_CRYPTO_ERROR;
	j = next_job(m);
	if (x->kind == XF_GMAC || len == 0) {
		/* No data: GMAC over the AAD. */
		job_gmac(x, j, nonce, aad, aad_len, tag, 16);
	} else {
		job_gcm(x, j, encrypt, nonce, aad, aad_len, tag, 16);
		j->src = buf;
		j->dst = buf;
		j->msg_len_to_cipher_in_bytes = len;
		j->msg_len_to_hash_in_bytes = len;
	}
	j->user_data = tag;
	return run_one(m, j);
}

int ref_gcm_run(struct ref_xform *x, const uint8_t iv8[8], const struct ref_iov *aad,
		size_t n_aad, uint8_t *buf, size_t len, uint8_t *tag, size_t tag_len)
{
	uint8_t nonce[NONCE_LEN], want[16];
	const uint8_t *a;
	size_t a_len;
	int rc;

	if ((x->kind != XF_GCM && x->kind != XF_GMAC) || tag_len < 4 || tag_len > 16)
		return REF_CRYPTO_ERROR;
	a = one_piece(aad, n_aad, &a_len);
	if (!a)
		return REF_CRYPTO_ERROR;
	make_nonce(x, iv8, nonce);
	rc = gcm_pass(x, x->encrypt, nonce, a, a_len, buf, len, want);
	if (rc == REF_CRYPTO_OK && x->encrypt) {
		memcpy(tag, want, tag_len);
	} else if (rc == REF_CRYPTO_OK && !ref_ct_equal(want, tag, tag_len)) {
		/* Give back what arrived: CTR applied twice is the identity. */
		rc = len ? gcm_pass(x, true, nonce, a, a_len, buf, len, want) : REF_CRYPTO_OK;
		rc = rc == REF_CRYPTO_OK ? REF_CRYPTO_BAD_TAG : REF_CRYPTO_ERROR;
	}
	ref_wipe(nonce, sizeof(nonce));
	ref_wipe(want, sizeof(want));
	return rc;
}

int ref_gcm_keystream(struct ref_xform *x, const uint8_t iv8[8], uint8_t *buf, size_t len)
{
	uint8_t nonce[NONCE_LEN], tag[16];
	int rc;

	if (x->kind != XF_GCM)
		return REF_CRYPTO_ERROR;
	if (len == 0)
		return REF_CRYPTO_OK;
	make_nonce(x, iv8, nonce);
	/* Encrypting XORs the same keystream decrypting would. */
	rc = gcm_pass(x, true, nonce, NULL, 0, buf, len, tag);
	ref_wipe(nonce, sizeof(nonce));
	ref_wipe(tag, sizeof(tag));
	return rc;
}

int ref_hmac_run(struct ref_xform *x, const struct ref_iov *msg, size_t n_msg, uint8_t *out,
		 size_t out_len)
{
	IMB_MGR *m = mgr();
	uint8_t full[MAX_TAG];
	const uint8_t *p;
	size_t len;
	IMB_JOB *j;
	int rc;

	if (!m || x->hash == IMB_AUTH_NULL || out_len > x->hash_full)
		return REF_CRYPTO_ERROR;
	p = one_piece(msg, n_msg, &len);
	if (!p)
		return REF_CRYPTO_ERROR;
	j = next_job(m);
	job_hmac(x, j, full);
	j->src = p;
	j->msg_len_to_hash_in_bytes = len;
	j->user_data = full;
	rc = run_one(m, j);
	if (rc == REF_CRYPTO_OK)
		memcpy(out, full, out_len);
	ref_wipe(full, sizeof(full));
	return rc;
}

/* ----------------------------------------------------------------- burst */

static struct job_priv *priv_of(struct ref_job *r)
{
	return (struct job_priv *)(void *)r->priv;
}

/* Can job r go to the library in one piece: an HMAC message of one piece,
 * or one piece followed by the ESN high half right before the ICV, with the
 * cipher region inside the message? Else it runs on the one-job path. */
static bool burstable(const struct ref_job *r)
{
	const struct ref_xform *x = r->x;
	const uint8_t *a = r->auth[0].p;
	size_t an = r->auth[0].n;

	if (x->kind == XF_GCM)
		return r->auth[1].n == 0 && r->icv_len >= 4 && r->icv_len <= 16;
	if (x->kind == XF_GMAC)
		return false;
	if (x->hash == IMB_AUTH_NULL || r->icv_len == 0)
		return x->kind != XF_NONE && r->data_len > 0;
	if (r->icv_len > x->hash_full || !a)
		return false;
	if (r->auth[1].n && (r->auth[1].n != 4 || a + an != r->icv || r->icv_len < 4))
		return false;
	if (r->data_len && (r->data < a || r->data + r->data_len > a + an))
		return false;
	return true;
}

/* Fill a library job for phase 0 of r (everything, or for a CBC decrypt
 * the hash alone), and phase 1 (the CBC decrypt of a verified job). */
static void fill(IMB_JOB *j, struct ref_job *r, int phase)
{
	const struct ref_xform *x = r->x;
	struct job_priv *pv = priv_of(r);

	j->user_data = r;
	if (x->kind == XF_GCM) {
		make_nonce(x, r->iv, pv->nonce);
		job_gcm(x, j, x->encrypt, pv->nonce, r->auth[0].p, r->auth[0].n,
			x->encrypt ? r->icv : pv->tag, r->icv_len);
		j->src = r->data;
		j->dst = r->data;
		j->msg_len_to_cipher_in_bytes = r->data_len;
		j->msg_len_to_hash_in_bytes = r->data_len;
		return;
	}
	if (phase == 1) {
		job_cipher(x, j, false, r->iv);
		j->chain_order = IMB_ORDER_HASH_CIPHER;
		j->src = r->data;
		j->dst = r->data;
		j->msg_len_to_cipher_in_bytes = r->data_len;
		return;
	}
	if (x->hash == IMB_AUTH_NULL || r->icv_len == 0) {
		job_cipher(x, j, x->encrypt, r->iv);
		j->src = r->data;
		j->dst = r->data;
		j->msg_len_to_cipher_in_bytes = r->data_len;
		return;
	}
	job_hmac(x, j, pv->tag);
	j->src = r->auth[0].p;
	j->msg_len_to_hash_in_bytes = r->auth[0].n;
	if (r->auth[1].n) {
		memcpy(pv->saved, r->icv, 4);
		memcpy(r->icv, r->auth[1].p, 4);
		pv->esn_trick = 1;
		j->msg_len_to_hash_in_bytes += 4;
	}
	if (x->encrypt && r->data_len) {
		job_cipher(x, j, true, r->iv);
		j->chain_order = IMB_ORDER_CIPHER_HASH;
		j->dst = r->data;
		j->cipher_start_src_offset_in_bytes = (uint64_t)(r->data - r->auth[0].p);
		j->msg_len_to_cipher_in_bytes = r->data_len;
	}
}

/* A library job came back: finish r's phase; true when r needs phase 1. */
static bool finish(IMB_JOB *j, struct ref_job *r)
{
	const struct ref_xform *x = r->x;
	struct job_priv *pv = priv_of(r);
	bool ok = j->status == IMB_STATUS_COMPLETED;

	if (pv->esn_trick) {
		/* The ICV bytes go back (decrypt), or are the tag (encrypt,
		 * written below). */
		memcpy(r->icv, pv->saved, 4);
		pv->esn_trick = 0;
	}
	if (!ok) {
		r->result = REF_CRYPTO_ERROR;
		return false;
	}
	if (pv->phase == 1 || x->encrypt) {
		if (x->encrypt && x->kind != XF_GCM && x->hash != IMB_AUTH_NULL && r->icv_len)
			memcpy(r->icv, pv->tag, r->icv_len);
		r->result = REF_CRYPTO_OK;
		return false;
	}
	if (x->kind == XF_GCM) {
		if (ref_ct_equal(pv->tag, r->icv, r->icv_len)) {
			r->result = REF_CRYPTO_OK;
			return false;
		}
		/* Decrypted in place already: encrypted back once the burst is
		 * flushed (a one-job call now would take the others' jobs). */
		pv->phase = 2;
		return true;
	}
	if (x->hash != IMB_AUTH_NULL && r->icv_len && !ref_ct_equal(pv->tag, r->icv, r->icv_len)) {
		r->result = REF_CRYPTO_BAD_TAG;
		return false;
	}
	if (r->data_len && x->kind != XF_NONE && x->hash != IMB_AUTH_NULL && r->icv_len) {
		pv->phase = 1;     /* verified: now decrypt */
		return true;
	}
	r->result = REF_CRYPTO_OK;
	return false;
}

/* Collect what the library hands back; jobs that need their decrypt go to
 * the second pass. */
static void collect(IMB_JOB *done, struct ref_job **again, size_t *n_again)
{
	struct ref_job *r = done->user_data;

	if (finish(done, r))
		again[(*n_again)++] = r;
}

/* At most IMB_MAX_BURST_SIZE of the listed jobs through the burst API:
 * IMB_GET_NEXT_BURST, one IMB_SUBMIT_BURST (which validates every job
 * first), IMB_FLUSH_BURST until all are back. When the library refuses the
 * burst (a job it finds invalid, or no room), nothing of it was submitted:
 * each job then runs on the one-job path, which gives its own answer. */
static void chunk(IMB_MGR *m, struct ref_job **list, size_t n, int phase, struct ref_job **again,
		  size_t *n_again)
{
	IMB_JOB *jobs[IMB_MAX_BURST_SIZE];
	uint32_t done, k;

	if (IMB_GET_NEXT_BURST(m, (uint32_t)n, jobs) != n)
		goto one_by_one;
	for (size_t i = 0; i < n; i++) {
		clear_job(jobs[i]);
		fill(jobs[i], list[i], phase);
	}
	done = IMB_SUBMIT_BURST(m, (uint32_t)n, jobs);
	if (done == 0 && imb_get_errno(m) != 0) {
		for (size_t i = 0; i < n; i++)
			if (priv_of(list[i])->esn_trick)
				memcpy(list[i]->icv, priv_of(list[i])->saved, 4);
		goto one_by_one;
	}
	for (uint32_t i = 0; i < done; i++)
		collect(jobs[i], again, n_again);
	while (done < n && (k = IMB_FLUSH_BURST(m, (uint32_t)n - done, jobs)) > 0) {
		for (uint32_t i = 0; i < k; i++)
			collect(jobs[i], again, n_again);
		done += k;
	}
	return;
one_by_one:
	for (size_t i = 0; i < n; i++) {
		memset(list[i]->priv, 0, sizeof(list[i]->priv));
		list[i]->result = ref_run_one_job(list[i]);
	}
}

/* One pass over the listed jobs, in bursts the library takes. */
static void pass(IMB_MGR *m, struct ref_job **list, size_t n, int phase, struct ref_job **again,
		 size_t *n_again)
{
	while (n) {
		size_t k = n < IMB_MAX_BURST_SIZE ? n : IMB_MAX_BURST_SIZE;

		chunk(m, list, k, phase, again, n_again);
		list += k;
		n -= k;
	}
}

enum { BURST_MAX = 256 };

void ref_run_jobs(struct ref_job *jobs, size_t n)
{
	IMB_MGR *m = mgr();

	while (n) {
		struct ref_job *list[BURST_MAX], *again[BURST_MAX];
		size_t k = n < BURST_MAX ? n : BURST_MAX, n_list = 0, n_again = 0;

		for (size_t i = 0; i < k; i++) {
			struct ref_job *r = &jobs[i];

			memset(r->priv, 0, sizeof(r->priv));
			r->result = REF_CRYPTO_ERROR;
			if (m && burstable(r))
				list[n_list++] = r;
			else if (m)
				r->result = ref_run_one_job(r);
		}
		if (m) {
			size_t n_next = 0;

			pass(m, list, n_list, 0, again, &n_again);
			/* GCM jobs whose tag failed: put the ciphertext back. */
			for (size_t i = 0; i < n_again; i++) {
				struct ref_job *r = again[i];
				struct job_priv *pv = priv_of(r);
				uint8_t t[16];

				if (pv->phase != 2) {
					again[n_next++] = r;
					continue;
				}
				/* pv->nonce is still the job's (fill). */
				r->result = gcm_pass(r->x, true, pv->nonce, NULL, 0, r->data,
						     r->data_len, t) == REF_CRYPTO_OK
					    ? REF_CRYPTO_BAD_TAG : REF_CRYPTO_ERROR;
				ref_wipe(t, sizeof(t));
			}
			if (n_next) {
				size_t none = 0;

				pass(m, again, n_next, 1, list, &none);
			}
		}
		jobs += k;
		n -= k;
	}
}

const char *ref_crypto_describe(void)
{
	static char text[96];
	static const char *const arch_name[] = {
		[IMB_ARCH_NONE] = "none", [IMB_ARCH_NOAESNI] = "no-AESNI",
		[IMB_ARCH_SSE] = "SSE", [IMB_ARCH_AVX] = "AVX", [IMB_ARCH_AVX2] = "AVX2",
		[IMB_ARCH_AVX512] = "AVX-512",
	};

	if (!mgr())
		return "intel-ipsec-mb (no job manager)";
	if (!text[0])
		snprintf(text, sizeof(text), "intel-ipsec-mb %s, %s path", imb_get_version_str(),
			 chosen_arch < IMB_ARCH_NUM ? arch_name[chosen_arch] : "unknown");
	return text;
}
