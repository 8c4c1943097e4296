/* SPDX-License-Identifier: MIT */
/*
 * ojobs.c - see ojobs.h.
 *
 * On the pipe a record is its type and length (two native u32: both ends
 * are this binary on this machine) and its bytes; type 0 closes a chunk,
 * its one byte saying whether it was the last. A worker gathers records in
 * a buffer written out when a chunk closes (or the buffer grows past
 * FLUSH_AT); the parent reads each worker through a buffer of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ojobs.h"

#define FLUSH_AT (256u << 10)
#define RD_BUF (64u << 10)
#define PIPE_SIZE (1 << 20)

struct ojw {
	int fd;
	uint8_t *p;
	size_t len, cap;
	bool bad;
};

static int write_full(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int ojw_flush(struct ojw *w)
{
	if (!w->bad && w->len && write_full(w->fd, w->p, w->len) != 0)
		w->bad = true;
	w->len = 0;
	return w->bad ? -1 : 0;
}

static int ojw_add(struct ojw *w, uint32_t type, const void *p, size_t n)
{
	uint32_t h[2] = { type, (uint32_t)n };

	if (w->bad || n > UINT32_MAX - 8)
		return -1;
	if (w->len + 8 + n > w->cap) {
		size_t cap = w->cap ? w->cap : 64u << 10;
		uint8_t *np;

		while (cap < w->len + 8 + n)
			cap *= 2;
		np = realloc(w->p, cap);
		if (!np) {
			w->bad = true;
			return -1;
		}
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, h, 8);
	if (n)
		memcpy(w->p + w->len + 8, p, n);
	w->len += 8 + n;
	return 0;
}

int ojw_put(struct ojw *w, uint32_t type, const void *p, size_t n)
{
	if (type == 0 || ojw_add(w, type, p, n) != 0)
		return -1;
	return w->len >= FLUSH_AT ? ojw_flush(w) : 0;
}

int ojw_text_open(struct ojw_text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f ? 0 : -1;
}

int ojw_put_text(struct ojw *w, uint32_t type, struct ojw_text *t)
{
	int rc = 0;

	if (fflush(t->f) != 0)
		return -1;
	if (t->len && ojw_put(w, type, t->buf, t->len) != 0)
		rc = -1;
	/* What comes next is written over it: a memory stream's length is
	 * its position at the next flush. */
	rewind(t->f);
	return rc;
}

int ojw_end_chunk(struct ojw *w, bool last)
{
	uint8_t b = last;

	if (ojw_add(w, 0, &b, 1) != 0)
		return -1;
	return ojw_flush(w);
}

/* The parent's reader of one worker. */
struct ojr {
	int fd;
	pid_t pid;
	uint8_t buf[RD_BUF];
	size_t at, len;
};

/* n bytes from r into p; 0, or -1 at EOF or an error. */
static int rd(struct ojr *r, void *p, size_t n)
{
	uint8_t *d = p;

	while (n) {
		ssize_t k;

		if (r->at < r->len) {
			size_t m = r->len - r->at < n ? r->len - r->at : n;

			memcpy(d, r->buf + r->at, m);
			r->at += m;
			d += m;
			n -= m;
			continue;
		}
		k = read(r->fd, r->buf, sizeof(r->buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		r->at = 0;
		r->len = (size_t)k;
	}
	return 0;
}

static void worker_main(unsigned w, unsigned jobs, int fd, ojobs_work_fn work, void *ctx)
{
	struct ojw out = { fd, NULL, 0, 0, false };
	int st;

	signal(SIGPIPE, SIG_IGN);
	st = work(ctx, w, jobs, &out);
	if (ojw_flush(&out) != 0 && st == 0)
		st = 1;
	_exit(st);
}

/* Why worker r ended without closing its chunk. */
static void how_it_ended(struct ojr *r, unsigned w, uint64_t chunk, char *err, size_t errlen)
{
	int st = 0;

	kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
		;
	r->pid = -1;
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		snprintf(err, errlen, "job %u ended by signal %d in chunk %llu", w + 1,
			 WTERMSIG(st), (unsigned long long)chunk);
	else if (WIFEXITED(st))
		snprintf(err, errlen, "job %u ended with status %d in chunk %llu", w + 1,
			 WEXITSTATUS(st), (unsigned long long)chunk);
	else
		snprintf(err, errlen, "job %u ended early in chunk %llu", w + 1,
			 (unsigned long long)chunk);
}

int ojobs_run(unsigned jobs, ojobs_work_fn work, void *work_ctx, ojobs_rec_fn on_rec,
	      void *rec_ctx, char *err, size_t errlen)
{
	struct ojr *r;
	uint8_t *p = NULL;
	size_t cap = 0;
	unsigned started = 0;
	int rc = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > OJOBS_MAX)
		jobs = OJOBS_MAX;
	r = calloc(jobs, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -3;
	}
	fflush(NULL);
	for (unsigned w = 0; w < jobs; w++) {
		int fds[2];

		r[w].fd = -1;
		r[w].pid = -1;
		if (pipe(fds) != 0)
			break;
		(void)fcntl(fds[1], F_SETPIPE_SZ, PIPE_SIZE);
		r[w].pid = fork();
		if (r[w].pid == 0) {
			close(fds[0]);
			for (unsigned j = 0; j < w; j++)
				close(r[j].fd);
			worker_main(w, jobs, fds[1], work, work_ctx);
		}
		close(fds[1]);
		if (r[w].pid < 0) {
			close(fds[0]);
			break;
		}
		r[w].fd = fds[0];
		started++;
	}
	if (started < jobs) {
		snprintf(err, errlen, "could not start %u jobs: %s", jobs, strerror(errno));
		rc = -3;
	}
	for (uint64_t chunk = 0; rc == 0; chunk++) {
		unsigned w = (unsigned)(chunk % jobs);

		for (;;) {
			uint32_t h[2];

			if (rd(&r[w], h, 8) != 0) {
				how_it_ended(&r[w], w, chunk, err, errlen);
				rc = -2;
				break;
			}
			if (h[1] > cap) {
				uint8_t *np = realloc(p, h[1]);

				if (!np) {
					snprintf(err, errlen, "out of memory");
					rc = -1;
					break;
				}
				p = np;
				cap = h[1];
			}
			if (h[1] && rd(&r[w], p, h[1]) != 0) {
				how_it_ended(&r[w], w, chunk, err, errlen);
				rc = -2;
				break;
			}
			if (h[0] == 0) {
				if (h[1] == 1 && p[0])
					rc = 2;   /* the last chunk: done */
				break;
			}
			rc = on_rec(rec_ctx, chunk, h[0], p, h[1]);
			if (rc != 0)
				break;
		}
	}
	/* Done, stopped or failed: the workers have nothing more to say. */
	for (unsigned w = 0; w < jobs; w++) {
		if (r[w].fd >= 0)
			close(r[w].fd);
		if (r[w].pid > 0) {
			kill(r[w].pid, SIGKILL);
			while (waitpid(r[w].pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	free(p);
	free(r);
	return rc == 2 ? 0 : rc;
}

unsigned ojobs_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > (long)OJOBS_MAX ? OJOBS_MAX : (unsigned)n;
}
