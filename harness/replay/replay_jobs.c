/* SPDX-License-Identifier: MIT */
/*
 * replay_jobs.c - `ipoc replay --jobs N`: the frames of a capture shared
 * out among N forked jobs (ojobs.h), merged back in capture order.
 *
 * Every job reads the whole capture itself (a record costs little to pass
 * over) and replays the records of its chunks (REPLAY_CHUNK records each,
 * chunk k to job k mod N) through an engine instance of its own, opened
 * with the key file's SAs as the run's was (in a fresh engine host of its
 * own when the engine runs in one). On receive every frame stands alone,
 * so a job's frames come out as they would in one process. What a job
 * would have said goes to the parent as records: the text of the frame
 * lines, each frame's report record, each failing frame for the failures
 * file, and the counts of the chunk; a fault is followed by a mark, so
 * that --max-faults stops the merged run at the frame where a run in one
 * process would have stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ojobs.h"
#include "replay_int.h"

enum {
	R_TEXT = 1,     /* bytes for the output */
	R_FRAME,        /* a struct replay_frame, flattened */
	R_FAIL,         /* a frame for the failures file */
	R_STATS,        /* a struct replay_stats: the counts since the last one */
	R_MARK,         /* u64 frame, u32 faults: faults at this frame */
	R_DEAD,         /* u64 frame, text: the job's engine host is gone */
	R_ERR,          /* i32 code (-1 the capture, -3 the engine), text */
};

struct rjob {
	struct ojw *w;
	struct ojw_text text;     /* its f is c->out in the job */
	bool failed;              /* the pipe or memory gave out */
	bool stop;
};

/* ---- in a job ---- */

static void put(struct rjob *j, uint32_t type, const void *p, size_t n)
{
	if (!j->failed && ojw_put(j->w, type, p, n) != 0)
		j->failed = true;
}

/* The text so far, then the counts so far (which start again from 0). */
static void put_pending(struct replay_ctx *c)
{
	struct rjob *j = c->job;

	if (!j->failed && ojw_put_text(j->w, R_TEXT, &j->text) != 0)
		j->failed = true;
	put(j, R_STATS, c->st, sizeof(*c->st));
	memset(c->st, 0, sizeof(*c->st));
	c->alg_k = NULL;
}

static void put_text_rec(struct rjob *j, uint32_t type, const void *head, size_t hn,
			 const char *text)
{
	size_t tn = strlen(text);
	char *b = malloc(hn + tn);

	if (!b) {
		j->failed = true;
		return;
	}
	memcpy(b, head, hn);
	memcpy(b + hn, text, tn);
	put(j, type, b, hn + tn);
	free(b);
}

void rjob_after_frame(struct replay_ctx *c, uint64_t num, unsigned faults_before)
{
	struct rjob *j = c->job;

	if (c->faults != faults_before) {
		uint8_t m[12];
		uint32_t n = c->faults - faults_before;

		put_pending(c);
		memcpy(m, &num, 8);
		memcpy(m + 8, &n, 4);
		put(j, R_MARK, m, sizeof(m));
	}
	if (c->dead && !j->stop) {
		put_pending(c);
		put_text_rec(j, R_DEAD, &num, 8, c->dead_why);
		j->stop = true;
	}
}

/* Strings of a frame record, each a u32 length and its bytes. */
static size_t put_str(uint8_t *d, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);

	memcpy(d, &n, 4);
	memcpy(d + 4, s, n);
	return 4 + (size_t)n;
}

void rjob_frame(struct replay_ctx *c, const struct replay_frame *f)
{
	size_t n = 8 + 8 + 8 + 4 + 1 + 12 + strlen(f->sa) + strlen(f->outcome) + strlen(f->why);
	uint8_t *b = malloc(n), *d = b;
	uint32_t v = (uint32_t)f->verdict;

	if (!b) {
		c->job->failed = true;
		return;
	}
	memcpy(d, &f->number, 8);
	memcpy(d + 8, &f->ts_ns, 8);
	memcpy(d + 16, &f->spi, 8);
	memcpy(d + 24, &v, 4);
	d[28] = f->listed;
	d += 29;
	d += put_str(d, f->sa);
	d += put_str(d, f->outcome);
	d += put_str(d, f->why);
	put(c->job, R_FRAME, b, (size_t)(d - b));
	free(b);
}

void rjob_fail(struct replay_ctx *c, const uint8_t *raw, uint32_t len, uint64_t ts,
	       const char *comment)
{
	size_t cn = strlen(comment), n = 12 + (size_t)len + cn;
	uint8_t *b = malloc(n);

	if (!b) {
		c->job->failed = true;
		return;
	}
	memcpy(b, &ts, 8);
	memcpy(b + 8, &len, 4);
	memcpy(b + 12, raw, len);
	memcpy(b + 12 + len, comment, cn);
	put(c->job, R_FAIL, b, n);
	free(b);
}

struct job_arg {
	struct replay_ctx *c;
	const char *capture;
};

/* The job's own engine instance(s), as the run opened them. */
static int job_engine(struct replay_ctx *c, char *err, size_t errlen)
{
	const struct replay_opts *o = c->o;
	uint64_t ignored = 0;
	enum eh_rc rc;

	if (eh_mode(c->eng.eh) == EH_CHILD) {
		eh_abandon(c->eng.eh);
		c->eng.eh = NULL;
		if (!o->reload || o->reload(o->reload_arg, &c->eng.eh) != 0) {
			snprintf(err, errlen, "a job could not load the engine again");
			return -1;
		}
		eh_keep_requests(c->eng.eh, false);
	}
	c->reenc = NULL;   /* the run's: its instance is not this job's to use */
	if (replay_open_run(&c->eng, o, c->udp_esp, &ignored, false, &rc, err, errlen) != 0 ||
	    (o->ref && replay_open_run(&c->ref, o, c->udp_esp, &ignored, false, &rc, err,
				       errlen) != 0) ||
	    (o->reencrypt && !(c->reenc = reenc_open(c->eng.eh, o->keys, c->udp_esp, &rc, err,
						     errlen))))
		return -1;
	return 0;
}

static void put_err(struct rjob *j, int32_t code, const char *why)
{
	put_text_rec(j, R_ERR, &code, 4, why);
}

/* Records per chunk: REPLAY_CHUNK, or what REPLAY_CHUNK_ENV says when it
 * is a multiple of REPLAY_BATCH (batches then stay those of one process). */
uint64_t replay_chunk_size(void)
{
	const char *e = getenv(REPLAY_CHUNK_ENV);
	char *end;
	unsigned long long n;

	if (!e || !*e)
		return REPLAY_CHUNK;
	n = strtoull(e, &end, 10);
	return *end || !n || n % REPLAY_BATCH || n > (1ull << 32) ? REPLAY_CHUNK : n;
}

/* A job: its chunks of the capture, replayed; records to w. */
static int job_work(void *ctx, unsigned worker, unsigned jobs, struct ojw *w)
{
	struct job_arg *a = ctx;
	struct replay_ctx *c = a->c;
	struct rjob j = { .w = w };
	char err[1024], why[256];
	uint64_t chunk = UINT64_MAX, size = replay_chunk_size(), next = 1;
	bool mine = false;

	c->job = &j;
	c->fail = NULL;    /* the run's: the parent writes it */
	memset(c->st, 0, sizeof(*c->st));
	if (ojw_text_open(&j.text) != 0)
		return 1;
	c->out = j.text.f;
	/* The run's reader is the parent's (it has read nothing of the
	 * records): this job reads the capture itself. */
	pcap_in_close(c->in);
	c->in = pcap_in_open(a->capture, err, sizeof(err));
	if (!c->in) {
		put_err(&j, -1, err);
		return ojw_end_chunk(w, true) == 0 ? 0 : 1;
	}
	if (job_engine(c, err, sizeof(err)) != 0) {
		put_err(&j, -3, err);
		return ojw_end_chunk(w, true) == 0 ? 0 : 1;
	}
	for (;;) {
		const uint8_t *f = NULL;
		uint32_t len;
		uint64_t num, ts, k = (next - 1) / size;
		enum pcap_in_result r;

		/* At another job's chunk: straight to this job's next one where
		 * the first pass saw it start (records between are not read). */
		if (k % jobs != worker) {
			uint64_t to = k + (worker + jobs - k % jobs) % jobs;

			if (to < c->ix.n && pcap_in_seek(c->in, c->ix.off[to], to * size) == 0)
				next = to * size + 1;
		}
		r = pcap_in_next(c->in, &f, &len, &num, &ts, why, sizeof(why));
		if (r == PCAP_IN_EOF)
			break;
		if (r == PCAP_IN_ERROR) {
			replay_flush(c);
			if (!j.stop) {
				put_pending(c);
				put_err(&j, -1, why);
			}
			break;
		}
		next = num + 1;
		k = (num - 1) / size;
		if (k != chunk) {
			if (mine) {
				replay_flush(c);
				put_pending(c);
				if (j.stop || ojw_end_chunk(w, false) != 0)
					break;
			}
			chunk = k;
			mine = k % jobs == worker;
		}
		if (!mine)
			continue;
		c->st->frames++;
		if (c->o->expect && num > c->o->expect->frames) {
			replay_flush(c);
			if (!j.stop) {
				put_pending(c);
				snprintf(err, sizeof(err), "%s: the capture has more frames than it "
					 "lists (%llu)", c->o->expect->name,
					 (unsigned long long)c->o->expect->frames);
				put_err(&j, -1, err);
			}
			break;
		}
		if (replay_take(c, r, f, len, num, ts, why, err, sizeof(err)) != 0) {
			put_err(&j, -1, err);
			break;
		}
		if (j.stop || j.failed)
			break;
	}
	if (!j.stop) {
		replay_flush(c);
		put_pending(c);
	}
	if (j.failed || ojw_end_chunk(w, true) != 0)
		return 1;
	return 0;
}

/* ---- in the parent ---- */

struct merge {
	struct replay_ctx *c;
	double start, last;
	unsigned faults;
	int rc;
	char *err;
	size_t errlen;
	struct replay_stats delta;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void stats_add(struct replay_stats *s, const struct replay_stats *d)
{
	s->frames += d->frames;
	s->skipped += d->skipped;
	s->passthrough += d->passthrough;
	for (int i = 0; i < 8; i++)
		s->by_status[i] += d->by_status[i];
	verdict_add(&s->v, &d->v);
	s->bad_status += d->bad_status;
	s->faults += d->faults;
	s->chain_faults += d->chain_faults;
	s->reenc_same += d->reenc_same;
	s->reenc_differs += d->reenc_differs;
	s->reenc_na += d->reenc_na;
	s->reenc_nested += d->reenc_nested;
	s->matched += d->matched;
	s->undecrypted += d->undecrypted;
	s->listed += d->listed;
	/* Algorithms in the order the capture first shows them: a chunk's
	 * new ones, in its order, after those of the chunks before it. */
	for (unsigned i = 0; i < d->n_algs && i < REPLAY_MAX_ALGS; i++) {
		unsigned k = 0;

		while (k < s->n_algs && strcmp(s->alg_name[k], d->alg_name[i]) != 0)
			k++;
		if (k == s->n_algs) {
			if (s->n_algs == REPLAY_MAX_ALGS)
				continue;
			memcpy(s->alg_name[k], d->alg_name[i], sizeof(s->alg_name[k]));
			s->alg_frames[k] = 0;
			s->n_algs++;
		}
		s->alg_frames[k] += d->alg_frames[i];
	}
}

static const char *get_str(const uint8_t **p, const uint8_t *end, char *out, size_t cap)
{
	uint32_t n;

	if (end - *p < 4)
		return NULL;
	memcpy(&n, *p, 4);
	if ((size_t)(end - *p - 4) < n || n >= cap)
		return NULL;
	memcpy(out, *p + 4, n);
	out[n] = '\0';
	*p += 4 + n;
	return out;
}

static int on_frame_rec(struct merge *m, const uint8_t *p, size_t n)
{
	static char sa[256], outcome[1024], why[1024];
	const uint8_t *end = p + n;
	struct replay_frame f;
	uint32_t v;

	if (n < 29)
		return -1;
	memcpy(&f.number, p, 8);
	memcpy(&f.ts_ns, p + 8, 8);
	memcpy(&f.spi, p + 16, 8);
	memcpy(&v, p + 24, 4);
	f.verdict = (enum verdict)v;
	f.listed = p[28];
	p += 29;
	if (!(f.sa = get_str(&p, end, sa, sizeof(sa))) ||
	    !(f.outcome = get_str(&p, end, outcome, sizeof(outcome))) ||
	    !(f.why = get_str(&p, end, why, sizeof(why))))
		return -1;
	m->c->o->on_frame(m->c->o->on_frame_arg, &f);
	return 0;
}

static int on_fail_rec(struct merge *m, const uint8_t *p, size_t n)
{
	static char comment[1024];
	uint64_t ts;
	uint32_t len;

	if (n < 12)
		return -1;
	memcpy(&ts, p, 8);
	memcpy(&len, p + 8, 4);
	if (n - 12 < len || n - 12 - len >= sizeof(comment))
		return -1;
	memcpy(comment, p + 12 + len, n - 12 - len);
	comment[n - 12 - len] = '\0';
	if (m->c->fail)
		replay_fail_frame(m->c->fail, p + 12, len, ts, comment);
	return 0;
}

/* Stop the merge: rc, and err "the replay stopped at frame N: why" (num
 * > 0) or why alone. */
static int stop(struct merge *m, int rc, uint64_t num, const char *why, size_t wn)
{
	m->rc = rc;
	if (num)
		snprintf(m->err, m->errlen, "the replay stopped at frame %llu: %.*s",
			 (unsigned long long)num, (int)wn, why);
	else
		snprintf(m->err, m->errlen, "%.*s", (int)wn, why);
	return 1;
}

static int on_rec(void *ctx, uint64_t chunk, uint32_t type, const uint8_t *p, size_t n)
{
	struct merge *m = ctx;
	struct replay_ctx *c = m->c;
	uint64_t num;
	char why[128];

	(void)chunk;
	switch (type) {
	case R_TEXT:
		fwrite(p, 1, n, c->o->out);
		return 0;
	case R_FRAME:
		return c->o->on_frame ? on_frame_rec(m, p, n) : 0;
	case R_FAIL:
		return on_fail_rec(m, p, n);
	case R_STATS:
		if (n != sizeof(m->delta))
			return -1;
		memcpy(&m->delta, p, n);
		stats_add(c->st, &m->delta);
		if (c->o->progress && now() - m->last >= 1.0) {
			m->last = now();
			fprintf(stderr, "%sreplay: %llu frames, %.0f frames/s, %u jobs%s",
				isatty(2) ? "\r" : "", (unsigned long long)c->st->frames,
				c->st->frames / (m->last - m->start > 0 ? m->last - m->start : 1),
				c->o->jobs, isatty(2) ? "" : "\n");
		}
		return 0;
	case R_MARK: {
		uint32_t k;

		if (n != 12)
			return -1;
		memcpy(&num, p, 8);
		memcpy(&k, p + 8, 4);
		m->faults += k;
		if (m->faults < c->o->max_faults)
			return 0;
		snprintf(why, sizeof(why), "the engine faulted %u times (--max-faults)", m->faults);
		return stop(m, -4, num, why, strlen(why));
	}
	case R_DEAD:
		if (n < 8)
			return -1;
		memcpy(&num, p, 8);
		return stop(m, -4, num, (const char *)p + 8, n - 8);
	case R_ERR: {
		int32_t code;

		if (n < 4)
			return -1;
		memcpy(&code, p, 4);
		return stop(m, code == -3 ? -3 : -1, 0, (const char *)p + 4, n - 4);
	}
	default:
		return -1;
	}
}

int replay_jobs_loop(struct replay_ctx *c, const char *capture, char *err, size_t errlen)
{
	struct job_arg a = { c, capture };
	static struct merge m;
	char jerr[256];
	int rc;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.err = err;
	m.errlen = errlen;
	m.start = m.last = now();
	rc = ojobs_run(c->o->jobs, job_work, &a, on_rec, &m, jerr, sizeof(jerr));
	if (c->o->progress && isatty(2))
		fprintf(stderr, "\r%-60s\r", "");
	if (rc == 1)
		return m.rc;
	if (rc == -1) {
		snprintf(err, errlen, "a job's record could not be read (out of memory?)");
		return -4;
	}
	if (rc < 0) {
		snprintf(err, errlen, "the replay stopped: %s", jerr);
		return -4;
	}
	c->st->seconds = now() - m.start;
	if (c->o->progress)
		fprintf(stderr, "replay: %llu frames, %.0f frames/s, %u jobs\n",
			(unsigned long long)c->st->frames,
			c->st->frames / (c->st->seconds > 0 ? c->st->seconds : 1), c->o->jobs);
	return replay_check_count(c, err, errlen);
}
