/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the measuring half of `ipoc bench`: ESP throughput of an engine
 * per algorithm, IP packet size and direction, beside two raw libraries
 * doing the same cipher and MAC over the same bytes with the same keys:
 * OpenSSL EVP and intel-ipsec-mb.
 *
 * bench.c lays out the frames (Ethernet + IPv4 + ESP transport, framed the
 * way TCP/IP hands them to an IPsecOV2 miniport), offloads an outbound and
 * an inbound SA, checks each cell once and times it. bench_evp.c and
 * bench_mb.c are the raw baselines, the only harness files that talk to
 * libcrypto and to intel-ipsec-mb (bench_mb_absent.c when the build has no
 * intel-ipsec-mb); bench_judge.c turns the slice rates into ratios and
 * verdicts; bench_machine.c names the CPU.
 *
 * Method (printed with every report):
 *  - a batch is one pre-built chain of BENCH_BATCH NBLs, one frame each in
 *    one MDL; nothing is allocated inside the timed region;
 *  - before every batch the frames are restored (plaintext for send,
 *    engine-made ciphertext for receive) by memcpy OUTSIDE the timed
 *    region, for the engine and both raw libraries alike;
 *  - the engine is timed over send_net_buffer_lists / receive_net_buffer_lists
 *    of the whole chain (host callbacks included); EVP over the same crypto
 *    per packet, in place in the same MDL buffers; ipsec-mb over one burst of
 *    jobs for the batch, in place in the same buffers;
 *  - each side gets `seconds` of timed work, in BENCH_ROUNDS rounds of
 *    alternating slices (engine, EVP, ipsec-mb) on CLOCK_MONOTONIC; a ratio
 *    is the median over the rounds of engine rate / raw rate, so a burst of
 *    other load on one slice does not move it.
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

/* The raw libraries, the columns beside the engine's. */
enum bench_raw { BENCH_RAW_EVP = 0, BENCH_RAW_MB = 1, BENCH_N_RAW = 2 };

/* One raw column of a cell. */
enum bench_col_state {
	BENCH_COL_OK = 0,
	BENCH_COL_ABSENT,    /* not built, no manager, or the algorithm not in the library */
	BENCH_COL_ERROR,     /* its bytes failed the cell's check: no numbers */
};

struct bench_col {
	enum bench_col_state state;
	double pps;                    /* packets per second over all its slices */
	double ratio;                  /* median over the rounds of engine / its rate */
};

struct bench_result {
	enum bench_status status;
	uint32_t ip_bytes;             /* IP packet bytes actually sent per frame */
	double engine_pps;             /* packets per second over all slices */
	struct bench_col raw[BENCH_N_RAW];
	enum bench_raw fastest;        /* the raw column with the higher pkt/s */
	double ratio_fastest;          /* median over the rounds of engine / the faster raw rate */
	char error[256];
	char mb_note[192];             /* why the ipsec-mb column is absent or failed */
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

/* The raw intel-ipsec-mb baseline of one algorithm (bench_mb.c, or
 * bench_mb_absent.c in a build without the library). */
#define BENCH_MB_MAX_BURST 64
struct bench_mb;
struct bench_mb_info {
	bool present;                  /* a manager could be made: the column exists */
	char version[32];              /* imb_get_version_str(); empty when not built */
	char arch[16];                 /* init_mb_mgr_auto's path: NOAESNI SSE AVX AVX2 AVX512 */
	char features[96];             /* the CPU features the manager found, e.g. "AESNI VAES" */
	char why_absent[192];
};
void bench_mb_info(struct bench_mb_info *info);
/* NULL with err set when there is no column for a (why: not built, ...). */
struct bench_mb *bench_mb_new(const struct bench_alg *a, const uint8_t *enc_key,
			      const uint8_t *auth_key, char *err, size_t errlen);
void bench_mb_free(struct bench_mb *x);
/* fast: submit without the library's per-job validation (timing); else
 * with it (checks, and the default). */
void bench_mb_fast(struct bench_mb *x, bool fast);
/* Seal n <= BENCH_MB_MAX_BURST framed ESP packets esp[i][0, len) in place
 * as one burst, as bench_evp_seal does each. Returns 0 or -1. */
int bench_mb_seal(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len,
		  bool gen_iv);
/* Verify and decrypt a burst in place: 0 ok, 1 an ICV mismatch, -1 error. */
int bench_mb_open(struct bench_mb *x, uint8_t *const *esp, unsigned n, uint32_t len);

/* ---- judging (bench_judge.c) ---- */

const char *bench_raw_name(enum bench_raw r);          /* "evp", "ipsec-mb" */
/* "evp" or "ipsec-mb" (case-insensitive). Returns 0, or -1. */
int bench_raw_parse(const char *text, enum bench_raw *out);

/* Ratios of one cell from its per-round rates: ratio[k] the median of
 * engine[i] / raw[k][i], ratio_fastest the median of engine[i] / the
 * higher of the present raw rates of round i. raw[k] NULL: column absent
 * (ratio[k] NAN). 0 < rounds <= BENCH_ROUNDS. */
void bench_ratios(const double *engine, const double *const raw[BENCH_N_RAW], size_t rounds,
		  double ratio[BENCH_N_RAW], double *ratio_fastest);
/* The raw column of r with the higher pkt/s among those measured (EVP on a
 * tie, and when none is: EVP is never absent from a measured cell). */
enum bench_raw bench_fastest(const struct bench_result *r);

/* A target of the issue: the engine at alg and size >= min_ratio x raw. */
struct bench_target {
	enum bench_raw raw;
	const char *alg;
	uint32_t size;
	double min_ratio;
};
/* The target of a cell when the engine is compared with raw, or NULL. */
const struct bench_target *bench_target_of(enum bench_raw raw, const char *alg, uint32_t size);
/* "PASS", "BELOW", or NULL: no target, no numbers, or no column to compare with. */
const char *bench_verdict(const struct bench_target *t, const struct bench_result *r);
/* Which raw library an engine is meant to be held to when not told: an
 * engine built on intel-ipsec-mb says so in its name or file name (an
 * "ipsec-mb"/"ipsec_mb"/"ipsecmb" or a separate "mb" word, as in
 * libipoc_ref_mb.so); any other is held to EVP. why gets the reason. */
enum bench_raw bench_target_raw_auto(const char *engine_name, const char *engine_path,
				     char *why, size_t whylen);

/* The CPU model: the first "model name" of cpuinfo_path (/proc/cpuinfo),
 * or a sentence saying there is none. */
void bench_cpu_model(const char *cpuinfo_path, char *out, size_t len);

/* One algorithm on an open session: its SAs, keys and EVP baseline. */
struct bench_sa {
	struct session *s;
	const struct bench_alg *alg;
	NDIS_HANDLE out, in;
	struct bench_evp *evp;
	struct bench_mb *mb;           /* NULL: no ipsec-mb column, mb_note says why */
	char mb_note[192];
	uint8_t enc_key[36], auth_key[36];
	enum bench_status status;
	char error[256];
};

/* Offload the outbound (10.0.0.1 -> 10.0.0.2) and inbound SA, SPI 0x1001
 * both, the same keys, and make the EVP and ipsec-mb baselines. On failure b->status and
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
