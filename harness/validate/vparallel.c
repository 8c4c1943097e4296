/* SPDX-License-Identifier: MIT */
/*
 * vparallel.c - a run spread out: over processes on this machine
 * (vrun_cases_jobs) and over machines (vrun_shard), with the results the
 * same, in the same order, as a run of everything in one process.
 *
 * Jobs: each worker is a fork of this process that takes every jobs-th
 * selected case, runs it on an engine host of its own (an engine in
 * process is the fork's own copy), and sends each case's result back as
 * one record, then a closing record with its fault count. The parent
 * prints results in case order as they become contiguous.
 *
 * --max-faults counts over all jobs: when the faults received reach it,
 * the jobs are ended (their engine hosts die with them) and the cases not
 * answered count as not run; faults already on their way when that
 * happens may take the count past the limit by up to jobs - 1.
 *
 * Shards: a case belongs to shard (h mod N) + 1, h a hash of its id, so
 * a case stays in its shard when cases are added or removed elsewhere.
 */
#include <signal.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host_msg.h"
#include "validate.h"

#define MAX_JOBS 64

struct vrec {
	uint32_t idx;               /* the case; UINT32_MAX: the closing record */
	uint32_t faults;
	uint32_t stopped;
	struct vresult res;
};

static uint64_t id_hash(const char *id)
{
	uint64_t s = 0xcbf29ce484222325ull;

	for (; *id; id++)
		s = (s ^ (uint8_t)*id) * 0x100000001b3ull;
	return s;
}

unsigned vrun_shard(struct vrun *r, unsigned index, unsigned count)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_cases; i++) {
		if (r->selected[i] && id_hash(r->cases[i].id) % count != index - 1)
			r->selected[i] = false;
		n += r->selected[i];
	}
	return n;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* In the worker: run this worker's share, send the results, exit. */
static void worker(struct vrun *r, unsigned w, unsigned jobs, vload_fn load, void *ctx, int fd)
{
	struct vrec *rec = calloc(1, sizeof(*rec));
	FILE *quiet = fopen("/dev/null", "w");
	unsigned k = 0;

	if (!rec || !quiet)
		_exit(1);
	if (eh_mode(r->eh) == EH_CHILD) {
		eh_abandon(r->eh);
		r->eh = NULL;
		if (load(ctx, &r->eh) != 0)
			_exit(3);
	}
	for (unsigned i = 0; i < r->n_cases; i++)
		if (r->selected[i])
			r->selected[i] = k++ % jobs == w;
	vrun_cases(r, quiet, false);
	for (unsigned i = 0; i < r->n_cases; i++) {
		if (!r->selected[i])
			continue;
		rec->idx = i;
		rec->res = r->res[i];
		if (fd_write_full(fd, rec, sizeof(*rec)) != 0)
			_exit(1);
	}
	rec->idx = UINT32_MAX;
	rec->faults = r->faults;
	rec->stopped = r->stopped;
	if (fd_write_full(fd, rec, sizeof(*rec)) != 0)
		_exit(1);
	eh_free(r->eh);
	_exit(0);
}

int vrun_cases_jobs(struct vrun *r, unsigned jobs, vload_fn load, void *ctx, FILE *out,
		    bool progress)
{
	pid_t pid[MAX_JOBS];
	int fd[MAX_JOBS];
	bool *have = calloc(r->n_cases, sizeof(*have));
	struct vrec *rec = calloc(1, sizeof(*rec));
	unsigned total = 0, done = 0, next = 0, open_fds = 0, bad = 0, faults = 0;
	bool killed = false;
	double start = now(), last = start;
	bool tty = isatty(2);
	int rc = 0;

	if (!have || !rec) {
		free(have);
		free(rec);
		return -1;
	}
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	for (unsigned i = 0; i < r->n_cases; i++)
		total += r->selected[i];
	memset(&r->total, 0, sizeof(r->total));
	r->faults = 0;
	r->stopped = false;
	fflush(NULL);
	for (unsigned w = 0; w < jobs; w++) {
		int p[2];

		fd[w] = -1;
		pid[w] = -1;
		if (pipe(p) != 0) {
			rc = -1;
			continue;
		}
		pid[w] = fork();
		if (pid[w] == 0) {
			close(p[0]);
			for (unsigned j = 0; j < w; j++)
				if (fd[j] >= 0)
					close(fd[j]);
			worker(r, w, jobs, load, ctx, p[1]);
		}
		close(p[1]);
		if (pid[w] < 0) {
			close(p[0]);
			rc = -1;
			continue;
		}
		fd[w] = p[0];
		open_fds++;
	}
	while (open_fds) {
		struct pollfd pf[MAX_JOBS];
		unsigned map[MAX_JOBS], n = 0;

		for (unsigned w = 0; w < jobs; w++)
			if (fd[w] >= 0) {
				pf[n] = (struct pollfd){ fd[w], POLLIN, 0 };
				map[n++] = w;
			}
		if (poll(pf, n, 1000) < 0 && errno != EINTR)
			break;
		for (unsigned k = 0; k < n; k++) {
			unsigned w = map[k];

			if (!pf[k].revents)
				continue;
			if (fd_read_full(fd[w], rec, sizeof(*rec)) != 0 || rec->idx == UINT32_MAX) {
				if (rec->idx == UINT32_MAX) {
					r->faults += rec->faults;
					r->stopped |= rec->stopped != 0;
				} else {
					bad++;
				}
				close(fd[w]);
				fd[w] = -1;
				open_fds--;
				rec->idx = 0;
				continue;
			}
			if (rec->idx < r->n_cases && r->selected[rec->idx] && !have[rec->idx]) {
				r->res[rec->idx] = rec->res;
				have[rec->idx] = true;
				done++;
				faults += rec->res.v >= V_CRASHED;
			}
		}
		if (faults >= r->o.max_faults && !r->stopped) {
			/* Enough: end the jobs; what they did not answer is not run. */
			r->stopped = true;
			for (unsigned w = 0; w < jobs; w++)
				if (pid[w] > 0)
					kill(pid[w], SIGKILL);
			for (unsigned w = 0; w < jobs; w++)
				if (fd[w] >= 0) {
					close(fd[w]);
					fd[w] = -1;
					open_fds--;
				}
			killed = true;
		}
		/* Print what is contiguous from the last case printed. */
		while (next < r->n_cases && (!r->selected[next] || have[next])) {
			if (r->selected[next]) {
				r->total.n[r->res[next].v]++;
				vrun_print_case(r, next, out);
			}
			next++;
		}
		if (progress && now() - last > (tty ? 1.0 : 10.0)) {
			last = now();
			fprintf(stderr, "%svalidate: %u/%u cases, %u jobs%s", tty ? "\r" : "", done,
				total, jobs, tty ? "" : "\n");
		}
	}
	for (unsigned w = 0; w < jobs; w++)
		if (pid[w] > 0) {
			int st;

			while (waitpid(pid[w], &st, 0) < 0 && errno == EINTR)
				;
			if (!killed && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
				bad++;
		}
	/* Cases a worker that died could not answer. */
	for (; next < r->n_cases; next++) {
		if (!r->selected[next])
			continue;
		if (!have[next]) {
			memset(&r->res[next], 0, sizeof(r->res[next]));
			r->res[next].v = V_SKIPPED;
			r->res[next].not_run = true;
			snprintf(r->res[next].why, sizeof(r->res[next].why), killed
				 ? "not run: the engine faulted %u times before" : "not run: the "
				 "job that had it ended early", faults);
		}
		r->total.n[r->res[next].v]++;
		vrun_print_case(r, next, out);
	}
	if (progress && tty)
		fprintf(stderr, "\r%-60s\r", "");
	{
		unsigned not_run = 0;

		for (unsigned i = 0; i < r->n_cases; i++)
			not_run += r->selected[i] && r->res[i].not_run;
		if (not_run && r->stopped && out)
			fprintf(out, "the run stopped: the engine faulted %u times (--max-faults); "
				"%u case%s not run, counted as skipped\n", faults, not_run,
				not_run == 1 ? "" : "s");
	}
	if (bad && out)
		fprintf(out, "%u job(s) ended without all their results (see above)\n", bad);
	if (killed)
		r->faults = faults;
	r->seconds = now() - start;
	free(have);
	free(rec);
	return rc != 0 || bad ? -1 : 0;
}
