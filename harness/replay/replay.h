/* SPDX-License-Identifier: MIT */
/*
 * replay.h - feed every frame of a capture to an engine's receive path as a
 * NET_BUFFER_LIST, with the capture's SAs offloaded from its key file, and
 * judge each frame's outcome, in one of three ways:
 *
 *   expectations  (--expect) each frame against its line;
 *   own keys      (no expectations, no partner) the capture replayed with
 *                 its own keys: every frame an offloaded SA matches (its
 *                 SPI, to the SA's destination, not a fragment) must come
 *                 back CRYPTO_SUCCESS;
 *   differential  (a partner engine, no expectations) each frame must give
 *                 what the reference engine gives, slots and bytes; a frame
 *                 neither engine decrypts is counted, not failed (the
 *                 reference judges the capture).
 *
 * With allow_failures (own keys and differential) outcomes are listed, not
 * judged: only what the engine owes every frame (below) and its faults
 * fail the run.
 *
 * Every frame is also judged on what any engine owes any frame: the NBL is
 * indicated exactly once, no guard, unused byte or structure the engine
 * does not own changes, a frame the engine passes through (no CryptoDone)
 * comes back byte for byte with the IPsec slots zero, and CryptoStatus is
 * a CRYPTO_* value. An engine that crashes, hangs or exits on a frame gives
 * that frame its verdict; the replay goes on in a fresh engine host.
 */
#ifndef IPOC_REPLAY_H
#define IPOC_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "expect.h"
#include "host.h"
#include "keyfile.h"
#include "replay_infer.h"
#include "verdict.h"

/* One frame as the replay judged it: what a report keeps of it. The
 * strings live until the callback returns. */
struct replay_frame {
	uint64_t number;          /* 1-based, in capture order */
	uint64_t ts_ns;           /* its capture time, ns since the epoch */
	int64_t spi;              /* the SA the outcome is about (pcaps/README.md `spi`); -1 */
	const char *sa;           /* "ESP aes-cbc-128+hmac-sha1-96"; "" without an SA */
	const char *outcome;      /* "CRYPTO_SUCCESS next_header=6 ...", "pass", "skipped: ...",
				   * or how the engine faulted */
	enum verdict verdict;
	bool listed;              /* allow_failures: it did not decrypt (or differed), listed */
	const char *why;          /* why it failed or is listed; "" */
};

struct replay_opts {
	struct eh *eh;                           /* the engine replayed through */
	struct eh *ref;                          /* differential partner, or NULL */
	const struct key_file *keys;             /* n may be 0: a capture without IPsec */
	const struct exp_file *expect;           /* or NULL */
	const char *keys_path;                   /* copied beside the failures file, or NULL */
	const char *capture_name;                /* in the failures file's comments */
	const char *fail_out;                    /* pcapng of failing frames, or NULL */
	enum replay_nat_t nat_t;                 /* esp_sa SAs seen in UDP port 4500 */
	bool allow_failures;                     /* own keys / differential: list, not judge */
	bool reencrypt;                          /* also send decrypted frames back out */
	bool verbose;                            /* a line per frame */
	bool progress;                           /* a progress line on stderr */
	unsigned max_faults;                     /* crashes, hangs and exits before it stops */
	unsigned jobs;                           /* processes sharing the frames (0, 1: this
						  * one alone); the output is the same */
	/* With jobs > 1 and eh in the engine host process: load the engine
	 * again, for a job of its own (0, or -1). */
	int (*reload)(void *arg, struct eh **out);
	void *reload_arg;
	FILE *out;
	/* Called once per frame, in capture order (NULL: none). */
	void (*on_frame)(void *arg, const struct replay_frame *f);
	void *on_frame_arg;
};

enum { REPLAY_MAX_ALGS = 64 };

struct replay_stats {
	uint64_t frames;          /* records read */
	uint64_t skipped;         /* records with no IP packet */
	uint64_t passthrough;     /* indicated without IPsec processing */
	uint64_t by_status[8];    /* CryptoDone frames per CryptoStatus */
	struct verdict_counts v;  /* per frame */
	uint64_t sa_refused;      /* key-file SAs the engine refused */
	uint64_t bad_status;      /* CryptoStatus outside CRYPTO_SUCCESS..INVALID_PROTOCOL */
	unsigned faults;          /* crashes, hangs and exits */
	uint64_t chain_faults;    /* of them: on a chain of NBLs, on no frame of it alone */
	uint64_t reenc_same, reenc_differs, reenc_na;   /* --reencrypt */
	uint64_t reenc_nested;    /* of reenc_same + reenc_differs: transport over tunnel */
	uint64_t matched;         /* frames an offloaded SA matches */
	uint64_t undecrypted;     /* of them: not CRYPTO_SUCCESS */
	uint64_t listed;          /* allow_failures: frames listed instead of failed */
	unsigned nat_t_inferred;  /* esp_sa SAs offloaded with UDP-ESP from the capture */
	double seconds;
	unsigned n_algs;
	char alg_name[REPLAY_MAX_ALGS][48];
	uint64_t alg_frames[REPLAY_MAX_ALGS];
};

/* Replay capture. Returns 0 when it ran to the end (whatever the frames
 * did); -1 with err when the capture or the failures file could not be
 * used; -3 with err when the engine could not be opened; -4 with err when
 * it faulted and its host could not be brought back, mid-run. For an esp_sa
 * key file the capture is read twice (replay_infer.h) unless nat_t is OFF. */
int replay_run(const char *capture, const struct replay_opts *o, struct replay_stats *st,
	       char *err, size_t errlen);

#endif /* IPOC_REPLAY_H */
