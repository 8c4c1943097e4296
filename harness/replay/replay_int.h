/* SPDX-License-Identifier: MIT */
/*
 * replay_int.h - what replay.c (one process: reading, receiving, judging)
 * lends replay_jobs.c (--jobs: the same work in forked jobs, merged in
 * capture order). Not an interface for anything else.
 *
 * Frames go to the engine in batches of REPLAY_BATCH records: one receive
 * of a chain of NBLs, the way NDIS hands frames to a miniport (and the way
 * a multi-buffer engine can work on several at once). With --jobs, records
 * are dealt out in chunks of REPLAY_CHUNK (a multiple of REPLAY_BATCH, so
 * the batches are the same whatever the number of jobs).
 */
#ifndef IPOC_REPLAY_INT_H
#define IPOC_REPLAY_INT_H

#include "pcap_in.h"
#include "replay.h"
#include "replay_fail.h"
#include "replay_reencrypt.h"

#define REPLAY_BATCH 64u
#define REPLAY_CHUNK 2048u
/* The tests set the chunk smaller (a multiple of REPLAY_BATCH), so that
 * the corpus' captures of a few hundred frames are shared out too. */
#define REPLAY_CHUNK_ENV "IPOC_REPLAY_CHUNK"

/* What one receive gave for one frame. bytes point into the engine host's
 * reply: valid until its next operation. */
struct outcome {
	bool done, next_done, hdr_set;
	int status, next_header, pad_length;
	int inner;                /* protected protocol: ESP trailer or AH header; -1 */
	uintptr_t slot1, slot11, slot12;
	const uint8_t *bytes;
	uint32_t len;
	char contract[300];       /* what the engine broke of the ABI, or "" */
};

struct engine_run {
	struct eh *eh;
	uint32_t inst;
	bool up;                  /* an instance with the SAs is open */
	uint8_t *offloaded;       /* per key-file SA: FAM_BIT of each family the engine took */
};

/* One record of a batch. */
struct bent {
	uint64_t num, ts;
	size_t off, raw_off;      /* the frame and the record as captured, in the batch */
	const uint8_t *ext, *ext_raw;   /* or where the reader keeps them (not copied) */
	uint32_t len, raw_len;
	bool skip;                /* no IP packet: why */
	char why[256];
};

struct batch {
	struct bent e[REPLAY_BATCH];
	unsigned n;
	uint8_t *buf;
	size_t used, cap;
	size_t bytes;             /* of its frames and records, copied or not */
	struct outcome eo[REPLAY_BATCH], ro[REPLAY_BATCH];
};

struct rjob;

struct replay_ctx {
	const struct replay_opts *o;
	struct replay_stats *st;
	struct engine_run eng, ref;
	struct pcap_in *in;
	struct replay_fail *fail;
	struct reenc *reenc;
	uint32_t *udp_esp;        /* per key-file SA: its UdpEspEncapsulation */
	struct replay_seen *seen; /* per key-file SA: what the first pass saw */
	struct replay_index ix;   /* --jobs: where the chunks start, from the first pass */
	uint8_t *after;           /* --reencrypt: a decrypted frame */
	struct batch *b;
	unsigned batch;           /* records per batch: REPLAY_BATCH, 1 with --reencrypt */
	FILE *out;                /* frame lines: o->out, or a job's record stream */
	struct rjob *job;         /* in a job: where its records go; NULL */
	unsigned faults;          /* this process's faults, against --max-faults */
	const struct key_sa *alg_k;   /* count_alg's last SA and its row */
	unsigned alg_i;
	bool dead;                /* the engine host could not be brought back */
	uint64_t dead_at;         /* at this frame */
	char dead_why[512];
};

/* Open the key file's SAs on r->eh (report: name the SAs it refuses). */
int replay_open_run(struct engine_run *r, const struct replay_opts *o, const uint32_t *udp_esp,
		    uint64_t *refused, bool report, enum eh_rc *rc, char *err, size_t errlen);

/* Add the record just read (pcap_in_next's result r) to the batch, which
 * is sent and judged when full. 0; -1 with err (the capture). */
int replay_take(struct replay_ctx *c, enum pcap_in_result r, const uint8_t *f, uint32_t len,
		uint64_t num, uint64_t ts, const char *why, char *err, size_t errlen);
/* Send and judge what the batch holds. */
void replay_flush(struct replay_ctx *c);

/* In a job: after each frame judged (num), a fault to say, or the run's
 * end (replay_jobs.c). */
void rjob_after_frame(struct replay_ctx *c, uint64_t num, unsigned faults_before);
/* At the end of a run: -1 (and err) when the expectations list another
 * number of frames than the capture had, else 0. */
int replay_check_count(const struct replay_ctx *c, char *err, size_t errlen);
/* In a job: a failing frame for the failures file, the report's record. */
void rjob_fail(struct replay_ctx *c, const uint8_t *raw, uint32_t len, uint64_t ts,
	       const char *comment);
void rjob_frame(struct replay_ctx *c, const struct replay_frame *f);

/* Records per chunk of --jobs. */
uint64_t replay_chunk_size(void);

/* --jobs: replay_run's loop over jobs forked from c (set up); 0, -1 / -4
 * with err as replay_run. */
int replay_jobs_loop(struct replay_ctx *c, const char *capture, char *err, size_t errlen);

#endif /* IPOC_REPLAY_INT_H */
