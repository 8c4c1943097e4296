/* SPDX-License-Identifier: MIT */
/*
 * ref_crypto.h - the reference engine's one door to a crypto library.
 *
 * crypto_ossl.c implements it with OpenSSL libcrypto (engine ipoc-ref) and
 * crypto_mb.c with intel-ipsec-mb (engine ipoc-ref-mb); each is the only
 * file of its engine that includes its library's headers, and the rest of
 * the engine is the same objects.
 *
 * A transform (struct ref_xform) is the keyed state of one SA member in one
 * direction: a cipher (CBC or GCM, or none) and an HMAC, or AES-GMAC. It is
 * created when the SA is added, so the packet path allocates nothing: each
 * packet only re-initialises the contexts with its IV.
 */
#ifndef REF_CRYPTO_H
#define REF_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipoc_alg.h"

/* The algorithm table's row of an encryption / authentication NDIS bit
 * (NULL: none, or not an algorithm): backends read kinds, key lengths and
 * library names there (engine/alg/ipoc_algs.def). */
static inline const struct ipoc_alg *ref_enc_row(uint32_t enc_alg)
{
	return enc_alg ? ipoc_alg_enc(enc_alg) : NULL;
}

static inline const struct ipoc_alg *ref_auth_row(uint32_t auth_alg)
{
	return auth_alg ? ipoc_alg_auth(auth_alg) : NULL;
}

static inline bool ref_row_is(const struct ipoc_alg *a, enum ipoc_alg_kind kind)
{
	return a && a->kind == kind;
}

/* Wipe n bytes so that the compiler cannot drop the stores. */
void ref_wipe(void *p, size_t n);

/* Fill buf with n bytes from the library's CSPRNG. Returns 0, or -1 when
 * the generator fails (the caller then fails its request). */
int ref_random_bytes(void *buf, size_t n);

/* n (at most 64) bytes for a public IV, from a per-thread pool that is
 * refilled from the CSPRNG 4 KiB at a time (one CSPRNG call per packet is
 * most of the cost of a small packet). Returns 0 or -1. */
int ref_random_iv(void *buf, size_t n);

/* 1 when the n bytes at a and b are equal, compared in constant time. */
int ref_ct_equal(const void *a, const void *b, size_t n);

/* A piece of a message: MACs and AADs are computed over lists of these. */
struct ref_iov {
	const uint8_t *p;
	size_t n;
};

struct ref_xform;

/* Results of the run functions. */
enum ref_crypto_result {
	REF_CRYPTO_OK = 0,
	REF_CRYPTO_BAD_TAG = 1,    /* decrypt: the tag did not verify */
	REF_CRYPTO_ERROR = -1,     /* the library failed */
};

/*
 * Create the transform of an SA member. enc_alg / auth_alg are
 * IPSEC_OFFLOAD_V2_ENCRYPTION_* / _AUTHENTICATION_* identifiers (0 = none);
 * keys as NDIS gives them (GCM/GMAC: AES key followed by the 4-byte salt).
 * encrypt selects the direction of the cipher. Returns 0 or -1 (unknown
 * algorithm, bad key length, no memory); *out is NULL on failure.
 */
int ref_xform_new(struct ref_xform **out, bool encrypt, uint32_t enc_alg, const uint8_t *enc_key,
		  uint32_t enc_key_len, uint32_t auth_alg, const uint8_t *auth_key,
		  uint32_t auth_key_len);
/* Free and wipe (NULL is fine). */
void ref_xform_free(struct ref_xform *x);

/* CBC over len bytes in place (len a multiple of the block size), with the
 * given IV (block-size bytes). Direction as created. */
int ref_cbc_run(struct ref_xform *x, const uint8_t *iv, uint8_t *buf, size_t len);

/*
 * AES-GCM or AES-GMAC (RFC 4106 / RFC 4543): nonce = salt || iv8; the AAD is
 * the concatenation of the n_aad pieces; buf (len bytes, 0 for GMAC) is
 * encrypted or decrypted in place. Encrypting writes tag_len bytes of tag;
 * decrypting compares them in constant time and, when they differ, restores
 * buf to its received bytes and returns REF_CRYPTO_BAD_TAG.
 */
int ref_gcm_run(struct ref_xform *x, const uint8_t iv8[8], const struct ref_iov *aad,
		size_t n_aad, uint8_t *buf, size_t len, uint8_t *tag, size_t tag_len);

/* Apply the GCM keystream for nonce salt || iv8 to buf, with no tag check:
 * used only to read the trailer of a packet whose tag failed, in a copy,
 * to tell a tunnel portion from a transport one. */
int ref_gcm_keystream(struct ref_xform *x, const uint8_t iv8[8], uint8_t *buf, size_t len);

/* HMAC over the concatenated pieces, truncated to out_len bytes. */
int ref_hmac_run(struct ref_xform *x, const struct ref_iov *msg, size_t n_msg, uint8_t *out,
		 size_t out_len);

/* Cipher block size in bytes (1 for none/GCM), and IV length on the wire. */
uint32_t ref_xform_block(const struct ref_xform *x);

/*
 * A job: the whole crypto of one ESP packet, so that a backend can run a
 * burst of them at once (intel-ipsec-mb runs the CBC and HMAC of several
 * packets across SIMD lanes). The direction is the transform's.
 *   encrypting: data (data_len bytes, 0 for none) is encrypted in place with
 *     iv, then the ICV of the auth pieces is written to icv: HMAC over the
 *     pieces (they cover the ciphertext); GCM with the pieces as AAD and data
 *     as plaintext; GMAC with the pieces as AAD and no data.
 *   decrypting: the ICV is checked first, in constant time; when it
 *     verifies, data is decrypted in place and result is REF_CRYPTO_OK, else
 *     every byte stays as it arrived and result is REF_CRYPTO_BAD_TAG.
 * iv: the cipher's IV (CBC: block bytes), or the 8-byte GCM/GMAC IV.
 * priv is the backend's, for the life of the job.
 */
struct ref_job {
	struct ref_xform *x;
	const uint8_t *iv;
	uint8_t *data;
	size_t data_len;
	struct ref_iov auth[2];
	uint8_t *icv;
	size_t icv_len;
	int result;               /* enum ref_crypto_result, set by ref_run_jobs */
	uint8_t extra[12];        /* bytes the auth pieces may point to (a built
	                             AAD, the ESN high half): live with the job */
	_Alignas(16) uint8_t priv[64];
};

/* Run n jobs and set each one's result; when it returns, every job is done
 * (a backend may order the work as it likes in between). */
void ref_run_jobs(struct ref_job *jobs, size_t n);

/* One job with the one-packet functions above (ref_job.c): how a backend
 * runs a job it cannot hand its library whole. Returns its result. */
int ref_run_one_job(struct ref_job *j);

/* What a transform is, for ref_run_one_job. */
struct ref_xform_info {
	bool encrypt;     /* the direction it was made for */
	bool aead;        /* AES-GCM or AES-GMAC: ref_gcm_run */
	bool cipher;      /* CBC: ref_cbc_run */
	bool hmac;        /* ref_hmac_run */
};
void ref_xform_info(const struct ref_xform *x, struct ref_xform_info *out);

/* Which library (and, for intel-ipsec-mb, which code path) does the work:
 * a static string for `ipoc info`. */
const char *ref_crypto_describe(void);

#endif /* REF_CRYPTO_H */
