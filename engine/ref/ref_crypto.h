/* SPDX-License-Identifier: MIT */
/*
 * ref_crypto.h - the reference engine's one door to a crypto library.
 *
 * crypto_ossl.c implements it with OpenSSL libcrypto and is the only file
 * of the engine that includes OpenSSL headers; a second backend replaces
 * that file and nothing else.
 */
#ifndef REF_CRYPTO_H
#define REF_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Wipe n bytes so that the compiler cannot drop the stores. */
void ref_wipe(void *p, size_t n);

/* Fill buf with n bytes from the library's CSPRNG. Returns 0, or -1 when
 * the generator fails (the caller then fails its request). */
int ref_random_bytes(void *buf, size_t n);

/* 1 when the n bytes at a and b are equal, compared in constant time. */
int ref_ct_equal(const void *a, const void *b, size_t n);

#endif /* REF_CRYPTO_H */
