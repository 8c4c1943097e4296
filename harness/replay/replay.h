/* SPDX-License-Identifier: MIT */
/*
 * replay.h - feed every frame of a capture to an engine's receive path as a
 * NET_BUFFER_LIST, with the capture's SAs offloaded from its key file, and
 * judge each frame's outcome against an expectations file or against the
 * reference engine (differential).
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
#include "verdict.h"

struct replay_opts {
	struct eh *eh;                           /* the engine replayed through */
	struct eh *ref;                          /* differential partner, or NULL */
	const struct key_file *keys;
	const struct exp_file *expect;           /* or NULL */
	const char *keys_path;                   /* copied beside the failures file */
	const char *fail_out;                    /* pcapng of differing frames, or NULL */
	bool reencrypt;                          /* also send decrypted frames back out */
	bool verbose;                            /* a line per frame */
	bool progress;                           /* a progress line on stderr */
	unsigned max_faults;                     /* crashes, hangs and exits before it stops */
	FILE *out;
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
	uint64_t reenc_same, reenc_differs, reenc_na;   /* --reencrypt */
	double seconds;
	unsigned n_algs;
	char alg_name[REPLAY_MAX_ALGS][48];
	uint64_t alg_frames[REPLAY_MAX_ALGS];
};

/* Replay capture. Returns 0 when it ran to the end (whatever the frames
 * did); -1 with err when the capture or the failures file could not be
 * used; -3 with err when the engine could not be opened; -4 with err when
 * it faulted and its host could not be brought back, mid-run. */
int replay_run(const char *capture, const struct replay_opts *o, struct replay_stats *st,
	       char *err, size_t errlen);

#endif /* IPOC_REPLAY_H */
