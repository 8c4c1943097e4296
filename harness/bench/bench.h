/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the measuring half of `ipoc bench`: ESP throughput of an engine
 * per algorithm, IP packet size and direction, beside raw OpenSSL EVP doing
 * the same cipher and MAC over the same bytes with the same keys.
 *
 * bench.c lays out the frames (Ethernet + IPv4 + ESP transport, framed the
 * way TCP/IP hands them to an IPsecOV2 miniport), offloads an outbound and
 * an inbound SA, checks each cell once and times it. bench_evp.c is the raw
 * baseline: the one part of the harness that talks to libcrypto.
 *
 * Method (printed with every report):
 *  - a batch is one pre-built chain of BENCH_BATCH NBLs, one frame each in
 *    one MDL; nothing is allocated inside the timed region;
 *  - before every batch the frames are restored (plaintext for send,
 *    engine-made ciphertext for receive) by memcpy OUTSIDE the timed
 *    region, for the engine and for EVP alike;
 *  - the engine is timed over send_net_buffer_lists / receive_net_buffer_lists
 *    of the whole chain (host callbacks included); EVP over the same crypto
 *    per packet, in place in the same MDL buffers;
 *  - each side gets `seconds` of timed work, in BENCH_ROUNDS alternating
 *    slices, on CLOCK_MONOTONIC; the ratio is the median over the slice
 *    pairs of engine rate / EVP rate, so a burst of other load on one slice
 *    does not move it.
 */
#ifndef IPOC_BENCH_H
#define IPOC_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

#define BENCH_BATCH 32
#define BENCH_ROUNDS 50

enum bench_kind {
	BENCH_GCM,     /* AES-GCM: combined cipher and ICV (RFC 4106) */
	BENCH_GMAC,    /* AES-GMAC: NULL encryption, GMAC ICV (RFC 4543) */
	BENCH_CBC,     /* a CBC cipher, HMAC or nothing */
	BENCH_NULL,    /* NULL encryption + HMAC */
};

enum bench_dir { BENCH_SEND = 0, BENCH_RECEIVE = 1 };

/* One ESP configuration, e.g. "aes-cbc-128+hmac-sha1-96". */
struct bench_alg {
	char name[48];
	enum bench_kind kind;
	ULONG enc_id, auth_id;         /* IPSEC_OFFLOAD_V2_* identifiers, 0 = absent */
	uint32_t enc_key_len;          /* bytes, GCM salt included */
	uint32_t auth_key_len;         /* bytes, GMAC salt included */
	uint32_t iv_len, icv_len;      /* on the wire */
	uint32_t block;                /* payload + trailer alignment (at least 4) */
	const char *evp_cipher;        /* EVP name, NULL for NULL encryption */
	const char *evp_digest;        /* HMAC digest, NULL for none */
};

/* Parse "CIPHER[+AUTH]" (case-insensitive). Returns 0, or -1. */
int bench_alg_parse(const char *text, struct bench_alg *out);
/* The accepted forms, one line each, for the usage text (from the
 * algorithm table). */
const char *bench_alg_forms(void);

enum bench_status {
	BENCH_OK = 0,
	BENCH_ERROR,         /* the engine or EVP failed the check: no numbers */
	BENCH_UNSUPPORTED,   /* the engine refused the SA with NDIS_STATUS_NOT_SUPPORTED */
};

struct bench_result {
	enum bench_status status;
	uint32_t ip_bytes;             /* IP packet bytes actually sent per frame */
	double engine_pps, raw_pps;    /* packets per second over all slices */
	double ratio;                  /* median over the slice pairs of engine / EVP rate */
	char error[256];
};

/* The raw EVP baseline of one algorithm (bench_evp.c). */
struct bench_evp;
/* "OpenSSL 3.0.x ..." of the libcrypto in use. */
const char *bench_evp_version(void);
struct bench_evp *bench_evp_new(const struct bench_alg *a, const uint8_t *enc_key,
				const uint8_t *auth_key, char *err, size_t errlen);
void bench_evp_free(struct bench_evp *x);
/* Seal the framed ESP packet esp[0, len) in place: write the IV when
 * gen_iv (a counter for GCM/GMAC, as an ESP sender must; CBC keeps the IV
 * bytes it finds), encrypt, write the ICV. Returns 0 or -1. */
int bench_evp_seal(struct bench_evp *x, uint8_t *esp, uint32_t len, bool gen_iv);
/* Verify the ICV, then decrypt in place. 0 ok, 1 ICV mismatch, -1 error. */
int bench_evp_open(struct bench_evp *x, uint8_t *esp, uint32_t len);

/* One algorithm on an open session: its SAs, keys and EVP baseline. */
struct bench_sa {
	struct session *s;
	const struct bench_alg *alg;
	NDIS_HANDLE out, in;
	struct bench_evp *evp;
	uint8_t enc_key[36], auth_key[36];
	enum bench_status status;
	char error[256];
};

/* Offload the outbound (10.0.0.1 -> 10.0.0.2) and inbound SA, SPI 0x1001
 * both, the same keys, and make the EVP baseline. On failure b->status and
 * b->error say why (every cell of the algorithm reports it). */
void bench_sa_open(struct bench_sa *b, struct session *s, const struct bench_alg *a);
void bench_sa_close(struct bench_sa *b);

/* IP packet bytes of the frames for a nominal size: the largest ESP packet
 * that fits in size, or the smallest one there is when none fits. */
uint32_t bench_ip_bytes(const struct bench_alg *a, uint32_t size);

/* Check then time one cell. seconds: timed work per side. */
void bench_cell(struct bench_sa *b, uint32_t size, enum bench_dir dir, double seconds,
		struct bench_result *r);

#endif /* IPOC_BENCH_H */
