/* SPDX-License-Identifier: MIT */
/*
 * ojobs.h - a run of independent units (the frames of a capture, the items
 * of generated traffic) spread over forked worker processes, with what
 * they produce merged back in unit order, so that the output is that of
 * one process.
 *
 * Units are grouped in chunks of a size the caller fixes; chunk k belongs
 * to worker k mod jobs. A worker produces, chunk after chunk, records (a
 * type and bytes) and closes each chunk with ojw_end_chunk; the parent
 * reads chunk 0 from worker 0, chunk 1 from worker 1, ... and hands every
 * record to its callback in that order. A worker runs ahead of the parent
 * by what its pipe holds (the pipe is grown to 1 MiB where the system
 * allows).
 *
 * validate's --jobs (vparallel.c) has fixed-size results per case and a
 * table of them in memory; this is the streaming form of the same
 * mechanism, for runs whose units are not known in advance (a capture is
 * read once, front to back) and whose memory must stay flat.
 */
#ifndef IPOC_OJOBS_H
#define IPOC_OJOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OJOBS_MAX 64u

/* The writing end, in a worker. */
struct ojw;

/* Append a record (type >= 1) to the current chunk. 0, or -1 when the
 * pipe is gone (the parent stopped reading: the worker should end). */
int ojw_put(struct ojw *w, uint32_t type, const void *p, size_t n);
/* Close the current chunk; last: there is nothing after it (the units
 * ran out). Records are written out here at the latest. 0 or -1. */
int ojw_end_chunk(struct ojw *w, bool last);

/* Text a worker prints (what its one-process twin would print), kept in
 * memory until it goes to the parent as a record. */
struct ojw_text {
	FILE *f;                  /* print here */
	char *buf;
	size_t len;
};
/* 0, or -1 when the stream cannot be made. */
int ojw_text_open(struct ojw_text *t);
/* What was printed since the last call, as one record of type (none when
 * nothing was). 0, or -1 when memory or the pipe gave out. */
int ojw_put_text(struct ojw *w, uint32_t type, struct ojw_text *t);

/* What a worker runs (in the forked process): its share, chunks
 * worker, worker + jobs, ... Returns its exit status. */
typedef int (*ojobs_work_fn)(void *ctx, unsigned worker, unsigned jobs, struct ojw *w);

/* Called by the parent for each record, in chunk order (chunk: its
 * number). Returns 0 to go on, 1 to stop the run here (the workers are
 * ended), -1 on an error (stops too). */
typedef int (*ojobs_rec_fn)(void *ctx, uint64_t chunk, uint32_t type, const uint8_t *p,
			    size_t n);

/* Run work in jobs (1..OJOBS_MAX) forked workers and merge. Returns 0
 * when every chunk up to the last was merged, 1 when on_rec stopped the
 * run, -1 when on_rec failed, -2 when a worker ended without closing its
 * chunk (err says which and how), -3 when no worker could be started. */
int ojobs_run(unsigned jobs, ojobs_work_fn work, void *work_ctx, ojobs_rec_fn on_rec,
	      void *rec_ctx, char *err, size_t errlen);

/* The number of online cores, 1..OJOBS_MAX: the default of --jobs. */
unsigned ojobs_cores(void);

#endif /* IPOC_OJOBS_H */
