/* SPDX-License-Identifier: MIT */
/*
 * cmd_bench.c - `ipoc bench`: ESP throughput of an engine per algorithm x
 * IP packet size x direction, beside raw OpenSSL EVP on the same bytes and
 * keys in the same run, and the ratio; a table or one JSON object.
 *
 * A benchmark, not a test: a missed target still exits 0. A cell whose
 * frames the engine gets wrong (checked once before timing) is reported as
 * an error instead of a number, and makes the exit code 1.
 */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "engine_arg.h"
#include "loader.h"
#include "rpt.h"
#include "session.h"
#include "subproc.h"

#define MAX_ALGS 32
#define MAX_SIZES 16
#define MAX_SIZE 65000u

static const char default_algs[] = "aes-gcm-128,aes-gcm-256,aes-cbc-128+hmac-sha1-96,"
	"aes-cbc-256+hmac-sha256-128,3des-cbc+hmac-sha1-96,null+hmac-sha256-128,aes-gmac-128";
static const char default_sizes[] = "64,512,1500,9000";

/* The targets, single core, both directions. */
struct target {
	const char *alg;
	uint32_t size;
	double min_ratio;
};

static const struct target targets[] = {
	{ "aes-gcm-128", 1500, 0.85 },
	{ "aes-cbc-128+hmac-sha1-96", 1500, 0.85 },
	{ "aes-gcm-128", 64, 0.60 },
	{ "aes-cbc-128+hmac-sha1-96", 64, 0.60 },
};

struct opts {
	struct engine_arg ea;       /* --engine, --in-process, --host-process, --timeout */
	struct bench_alg algs[MAX_ALGS];
	uint32_t sizes[MAX_SIZES];
	size_t n_algs, n_sizes;
	double seconds;
	bool dirs[2];
	bool json;
};

struct row {
	const struct bench_alg *alg;
	uint32_t size;
	enum bench_dir dir;
	struct bench_result r;
	const struct target *target;
};

/* The engine benched, as the table and the JSON name it. */
struct who {
	char name[128], version[64], path[4096];
};

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: ipoc bench [--engine PATH] [--algorithms LIST] [--sizes LIST]\n"
		"                  [--seconds S] [--direction send|receive|both] [--json]\n"
		"                  [--in-process|--host-process] [--timeout S]\n"
		"  --engine PATH      engine shared object (default: the bundled reference engine)\n"
		"  --in-process       run the bench in this process (default for the bundled engine)\n"
		"  --host-process     run the whole bench in a child process, which an engine can\n"
		"                     crash, hang or exit (default for any other engine)\n"
		"  --timeout S        slack in seconds on each cell's deadline in the child (default 5)\n"
		"  --algorithms LIST  comma-separated; default aes-gcm-128, aes-gcm-256,\n"
		"                     aes-cbc-128+hmac-sha1-96, aes-cbc-256+hmac-sha256-128,\n"
		"                     3des-cbc+hmac-sha1-96, null+hmac-sha256-128, aes-gmac-128\n"
		"  --sizes LIST       IP packet sizes in bytes, comma-separated (default: %s)\n"
		"  --seconds S        timed seconds per side and cell (default: 0.5)\n"
		"  --direction D      send, receive or both (default: both)\n"
		"  --json             one JSON object instead of the table\n"
		"algorithms:\n%s", default_sizes, bench_alg_forms());
}

static const char *dir_name(enum bench_dir d)
{
	return d == BENCH_SEND ? "send" : "receive";
}

/* ---- options ---- */

static int parse_algs(struct opts *o, const char *list)
{
	char buf[1024], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	o->n_algs = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->n_algs == MAX_ALGS || bench_alg_parse(t, &o->algs[o->n_algs]) != 0) {
			fprintf(stderr, "ipoc bench: unknown algorithm '%s'\n", t);
			return -1;
		}
		o->n_algs++;
	}
	return o->n_algs ? 0 : -1;
}

static int parse_sizes(struct opts *o, const char *list)
{
	const char *p = list;

	o->n_sizes = 0;
	while (*p) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno || v == 0 || v > MAX_SIZE || o->n_sizes == MAX_SIZES ||
		    (*end != ',' && *end != '\0')) {
			fprintf(stderr, "ipoc bench: bad --sizes '%s' (1..%u, at most %d)\n", list,
				MAX_SIZE, MAX_SIZES);
			return -1;
		}
		o->sizes[o->n_sizes++] = (uint32_t)v;
		p = *end ? end + 1 : end;
	}
	return o->n_sizes ? 0 : -1;
}

static int parse_seconds(struct opts *o, const char *s)
{
	char *end;

	errno = 0;
	o->seconds = strtod(s, &end);
	if (end == s || *end || errno || !(o->seconds > 0) || o->seconds > 3600) {
		fprintf(stderr, "ipoc bench: bad --seconds '%s' (0 < S <= 3600)\n", s);
		return -1;
	}
	return 0;
}

static int parse_dir(struct opts *o, const char *s)
{
	o->dirs[BENCH_SEND] = strcmp(s, "send") == 0 || strcmp(s, "both") == 0;
	o->dirs[BENCH_RECEIVE] = strcmp(s, "receive") == 0 || strcmp(s, "both") == 0;
	if (o->dirs[0] || o->dirs[1])
		return 0;
	fprintf(stderr, "ipoc bench: bad --direction '%s' (send, receive or both)\n", s);
	return -1;
}

/* 0 to run, 1 to exit 0 (--help), -1 usage error. */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "in-process", no_argument, NULL, 'I' },
		{ "host-process", no_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "algorithms", required_argument, NULL, 'a' },
		{ "sizes", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "direction", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->ea = (struct engine_arg)ENGINE_ARG_INIT;
	o->seconds = 0.5;
	o->dirs[BENCH_SEND] = o->dirs[BENCH_RECEIVE] = true;
	if (parse_algs(o, default_algs) != 0 || parse_sizes(o, default_sizes) != 0)
		return -1;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "e:IHT:a:s:t:d:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'e':
		case 'I':
		case 'H':
		case 'T': rc = engine_arg_take(&o->ea, c, optarg, "bench"); break;
		case 'a': rc = parse_algs(o, optarg); break;
		case 's': rc = parse_sizes(o, optarg); break;
		case 't': rc = parse_seconds(o, optarg); break;
		case 'd': rc = parse_dir(o, optarg); break;
		case 'j': o->json = true; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (rc == 0 && optind != argc) {
		fprintf(stderr, "ipoc bench: unexpected argument '%s'\n", argv[optind]);
		rc = -1;
	}
	return rc;
}

/* ---- running ---- */

static const struct target *target_of(const struct bench_alg *a, uint32_t size)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i].alg, a->name) == 0 && targets[i].size == size)
			return &targets[i];
	return NULL;
}

static void progress(const struct row *w, size_t i, size_t n, bool tty)
{
	char line[160];

	snprintf(line, sizeof(line), "ipoc bench: [%zu/%zu] %s %u %s", i + 1, n, w->alg->name,
		 w->size, dir_name(w->dir));
	if (tty)
		fprintf(stderr, "\r%-79.79s", line);
	else
		fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/* What the bench child sends the parent: who it benches, each cell as it
 * starts and its row when done, the end (or why it could not start). Rows
 * point into the parent's own options and tables, which the child has at
 * the same addresses (fork). */
enum rec_kind { REC_INFO, REC_CELL, REC_ROW, REC_END, REC_ERROR };

struct rec {
	uint32_t kind;
	uint32_t idx;             /* REC_CELL, REC_ROW: the cell; REC_ERROR: exit code */
	struct row row;
	struct who who;           /* REC_INFO; REC_ERROR: the message in who.path */
};

static size_t count_cells(const struct opts *o)
{
	return o->n_algs * o->n_sizes * ((size_t)o->dirs[0] + o->dirs[1]);
}

/* Every cell, in order; with rec_fd >= 0 (in the child) each cell is
 * announced and its row sent instead of printing progress. */
static size_t run_all(const struct opts *o, struct session *s, struct row *rows, int rec_fd)
{
	size_t n = 0, total = count_cells(o);
	bool tty = rec_fd < 0 && isatty(STDERR_FILENO);
	struct rec *r = rec_fd >= 0 ? calloc(1, sizeof(*r)) : NULL;

	if (rec_fd >= 0 && !r)
		return 0;
	for (size_t a = 0; a < o->n_algs; a++) {
		struct bench_sa b;

		bench_sa_open(&b, s, &o->algs[a]);
		for (size_t z = 0; z < o->n_sizes; z++)
			for (int d = BENCH_SEND; d <= BENCH_RECEIVE; d++) {
				struct row *w = &rows[n];

				if (!o->dirs[d])
					continue;
				w->alg = &o->algs[a];
				w->size = o->sizes[z];
				w->dir = (enum bench_dir)d;
				w->target = target_of(w->alg, w->size);
				if (r) {
					r->kind = REC_CELL;
					r->idx = (uint32_t)n;
					r->row = *w;
					subproc_send(rec_fd, r, sizeof(*r));
				} else {
					progress(w, n, total, tty);
				}
				bench_cell(&b, w->size, w->dir, o->seconds, &w->r);
				if (r) {
					r->kind = REC_ROW;
					r->row = *w;
					subproc_send(rec_fd, r, sizeof(*r));
				}
				n++;
			}
		bench_sa_close(&b);
	}
	if (tty)
		fprintf(stderr, "\r%-79s\r", "");
	free(r);
	return n;
}

/* ---- printing ---- */

static double gbps(double pps, uint32_t bytes)
{
	return pps * bytes * 8 / 1e9;
}

static const char *verdict(const struct row *w)
{
	if (!w->target || w->r.status != BENCH_OK)
		return NULL;
	return w->r.ratio >= w->target->min_ratio ? "PASS" : "BELOW";
}

static const char *const method[] = {
	"size is the nominal IP packet size; bytes is the IPv4 packet sent: the largest ESP "
	"packet (transport mode, block-aligned payload) that fits, the smallest one when none "
	"does. Gbit/s counts those IP bytes.",
	"engine: send_net_buffer_lists / receive_net_buffer_lists of one pre-built chain of 32 "
	"NBLs (one frame in one MDL each), host callbacks included, nothing allocated.",
	"EVP: the cipher and MAC an ESP implementation must run per packet (EVP_CipherInit_ex "
	"with the IV, EVP_MAC_init, keys scheduled once), in place in the same MDL buffers, "
	"same keys, one thread.",
	"before every batch the 32 frames are restored by memcpy OUTSIDE the timed region "
	"(plaintext for send, the engine's ciphertext for receive), for both sides alike.",
	"each side is timed for the given seconds in 50 alternating slices (CLOCK_MONOTONIC); "
	"pkt/s are over all slices; ratio is the median over the 50 adjacent slice pairs of "
	"engine rate / EVP rate, which a burst of other load on one slice does not move.",
	"not in EVP: the engine's header parsing and checks, SA lookup, OOB slots, and its CBC "
	"IV (random, drawn from the CSPRNG in 4 KiB batches; GCM/GMAC IVs are a counter on both sides).",
	"checked once per cell before timing: the engine's frames equal EVP's for the same IV, "
	"received frames come back CRYPTO_SUCCESS with the plaintext, EVP opens them too.",
	"targets: aes-gcm-128 and aes-cbc-128+hmac-sha1-96 at 1500 bytes >= 0.85x, at 64 bytes "
	">= 0.60x, both directions. A missed target is reported, not failed.",
};

#define N_METHOD (sizeof(method) / sizeof(method[0]))

static void print_text_row(const struct row *w)
{
	const struct bench_result *r = &w->r;
	const char *v = verdict(w);

	printf("%-28s %5u %5u %-7s ", w->alg->name, w->size, r->ip_bytes, dir_name(w->dir));
	if (r->status != BENCH_OK) {
		printf("%s: %s\n", r->status == BENCH_UNSUPPORTED ? "UNSUPPORTED" : "ERROR",
		       r->error);
		return;
	}
	printf("%12.0f %7.2f %12.0f %7.2f %6.3f", r->engine_pps, gbps(r->engine_pps, r->ip_bytes),
	       r->raw_pps, gbps(r->raw_pps, r->ip_bytes), r->ratio);
	if (v)
		printf("  %s (>= %.2f)", v, w->target->min_ratio);
	putchar('\n');
}

static void print_text(const struct opts *o, const struct who *le,
		       const struct row *rows, size_t n)
{
	printf("engine   %s %s (%s)\nbaseline %s EVP, single thread\nseconds  %g per side and "
	       "cell, batches of %d NBLs\n\n", le->name, le->version, le->path,
	       bench_evp_version(), o->seconds, BENCH_BATCH);
	printf("%-28s %5s %5s %-7s %12s %7s %12s %7s %6s  %s\n", "algorithm", "size", "bytes",
	       "dir", "engine pkt/s", "Gbit/s", "EVP pkt/s", "Gbit/s", "ratio", "target");
	for (size_t i = 0; i < n; i++)
		print_text_row(&rows[i]);
	putchar('\n');
	for (size_t i = 0; i < N_METHOD; i++)
		printf("%zu. %s\n", i + 1, method[i]);
}

/* A measured number, or null where there is none (a cell that did not
 * run, a ratio that is not finite). */
static json_t *num(double v, bool ok)
{
	return ok && isfinite(v) ? json_real(v) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s ? rpt_json_str(s) : json_null();
}

static json_t *json_row(const struct row *w)
{
	static const char *const st[] = { "ok", "error", "unsupported" };
	const struct bench_result *r = &w->r;
	bool ok = r->status == BENCH_OK;

	return json_pack("{s:s, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "algorithm", w->alg->name, "size", (json_int_t)w->size,
			 "ip_bytes", (json_int_t)r->ip_bytes, "direction", dir_name(w->dir),
			 "status", st[r->status],
			 "engine_pps", num(r->engine_pps, ok),
			 "engine_gbps", num(gbps(r->engine_pps, r->ip_bytes), ok),
			 "raw_pps", num(r->raw_pps, ok),
			 "raw_gbps", num(gbps(r->raw_pps, r->ip_bytes), ok),
			 "ratio", num(r->ratio, ok),
			 "target", num(w->target ? w->target->min_ratio : 0, w->target != NULL),
			 "verdict", opt_str(verdict(w)),
			 "error", opt_str(ok ? NULL : r->error));
}

/* The whole report as one JSON object on stdout; false when it could not
 * be built (out of memory). */
static bool print_json(const struct opts *o, const struct who *le,
		       const struct row *rows, size_t n)
{
	json_t *doc = json_pack("{s:{s:o, s:o, s:o}, s:s, s:f, s:i, s:i, s:[], s:[]}",
				"engine", "name", rpt_json_str(le->name),
				"version", rpt_json_str(le->version), "path", rpt_json_str(le->path),
				"baseline", bench_evp_version(), "seconds", o->seconds,
				"batch", BENCH_BATCH, "rounds", BENCH_ROUNDS, "method", "rows");
	json_t *m = json_object_get(doc, "method"), *rw = json_object_get(doc, "rows");
	bool ok = doc != NULL;

	for (size_t i = 0; ok && i < N_METHOD; i++)
		ok = json_array_append_new(m, json_string(method[i])) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = json_array_append_new(rw, json_row(&rows[i])) == 0;
	ok = ok && json_dumpf(doc, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6)) == 0;
	json_decref(doc);
	if (ok)
		putchar('\n');
	return ok;
}

/* ---- main ---- */

static void print_report(const struct opts *o, const struct who *who, const struct row *rows,
			 size_t n)
{
	if (o->json && !print_json(o, who, rows, n))
		fprintf(stderr, "ipoc bench: cannot write the JSON report (out of memory)\n");
	else if (!o->json)
		print_text(o, who, rows, n);
}

static int rows_rc(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].r.status == BENCH_ERROR)
			return CLI_FAILURES;
	return CLI_OK;
}

static void who_of(struct who *w, const struct loaded_engine *le)
{
	snprintf(w->name, sizeof(w->name), "%s", le->ops->name);
	snprintf(w->version, sizeof(w->version), "%s", le->ops->version);
	snprintf(w->path, sizeof(w->path), "%s", le->path);
}

/* Load, open, run every cell: in this process (rec_fd < 0) or as the
 * bench child. Returns a CLI_* code, after one line on stderr (or a
 * REC_ERROR record) when the engine would not load or open. */
static int bench_here(const struct opts *o, const char *path, struct row *rows, size_t *n,
		      struct who *who, int rec_fd)
{
	struct session s = { .echo_level = IPOC_LOG_ERROR };
	char err[LOADER_ERRBUF_SIZE];
	struct loaded_engine le;
	struct rec *r = calloc(1, sizeof(*r));
	int rc = CLI_OK;

	if (!r)
		return CLI_FAILURES;
	if (loader_open(&le, path, err, sizeof(err)) != 0) {
		rc = CLI_ENGINE;
	} else if (session_open(&s, le.ops, NULL, err, sizeof(err)) != 0) {
		loader_close(&le);
		rc = CLI_ENGINE;
	}
	if (rc != CLI_OK) {
		if (rec_fd < 0) {
			fprintf(stderr, "ipoc bench: %s\n", err);
		} else {
			r->kind = REC_ERROR;
			r->idx = (uint32_t)rc;
			snprintf(r->who.path, sizeof(r->who.path), "%s", err);
			subproc_send(rec_fd, r, sizeof(*r));
		}
		free(r);
		return rc;
	}
	who_of(who, &le);
	if (rec_fd >= 0) {
		r->kind = REC_INFO;
		r->who = *who;
		subproc_send(rec_fd, r, sizeof(*r));
	}
	*n = run_all(o, &s, rows, rec_fd);
	session_close(&s);
	loader_close(&le);
	if (rec_fd >= 0) {
		r->kind = REC_END;
		r->idx = (uint32_t)*n;
		subproc_send(rec_fd, r, sizeof(*r));
	}
	free(r);
	return CLI_OK;
}

struct child_arg {
	const struct opts *o;
	const char *path;
	struct row *rows;
};

static int bench_child(void *arg, int fd)
{
	struct child_arg *a = arg;
	struct who who;
	size_t n = 0;

	return bench_here(a->o, a->path, a->rows, &n, &who, fd);
}

/* The whole bench in a child: the parent prints progress as cells start,
 * collects the rows, and when the engine crashes, hangs or exits names the
 * cell, prints the engine's last output and the rows measured before it. */
static int bench_forked(const struct opts *o, const char *path, struct row *rows)
{
	struct child_arg ca = { o, path, rows };
	unsigned slack = o->ea.timeout_ms ? o->ea.timeout_ms : 5000;
	unsigned cell_ms = (unsigned)(o->seconds * 4000) + slack;
	size_t total = count_cells(o), n = 0;
	bool tty = isatty(STDERR_FILENO), ended = false, started = false;
	struct rec *r = calloc(1, sizeof(*r));
	struct row cur;
	struct who who;
	struct subproc sp;
	char how[128];
	int rc = CLI_OK, st;

	if (!r)
		return CLI_FAILURES;
	memset(&who, 0, sizeof(who));
	memset(&cur, 0, sizeof(cur));
	if (subproc_start(&sp, bench_child, &ca) != 0) {
		fprintf(stderr, "ipoc bench: cannot start the bench process: %s\n", strerror(errno));
		free(r);
		return CLI_FAILURES;
	}
	while (!ended) {
		int k = subproc_recv(&sp, r, sizeof(*r), started ? cell_ms : slack);

		if (k != 0)
			break;
		switch (r->kind) {
		case REC_INFO: who = r->who; break;
		case REC_CELL:
			cur = r->row;
			started = true;
			progress(&cur, r->idx, total, tty);
			break;
		case REC_ROW:
			if (r->idx < total) {
				rows[r->idx] = r->row;
				n = r->idx + 1;
			}
			started = false;
			break;
		case REC_END: ended = true; break;
		case REC_ERROR:
			fprintf(stderr, "ipoc bench: %s\n", r->who.path);
			rc = (int)r->idx;
			ended = true;
			break;
		}
	}
	if (tty)
		fprintf(stderr, "\r%-79s\r", "");
	st = subproc_end(&sp, how, sizeof(how));
	if (rc == CLI_OK && (!ended || st != 0)) {
		if (st >= 0)
			snprintf(how, sizeof(how), "exited with status %d", st);
		if (started)
			fprintf(stderr, "ipoc bench: engine %s %s in cell %s %u %s\n",
				who.name[0] ? who.name : path, how, cur.alg->name, cur.size,
				dir_name(cur.dir));
		else
			fprintf(stderr, "ipoc bench: engine %s %s %s\n", who.name[0] ? who.name : path,
				how, who.name[0] ? "between cells" : "while loading or opening");
		eh_print_tail(stderr, "engine's last output:\n", sp.tail_buf, sp.tail.len);
		rc = who.name[0] ? CLI_FAILURES : CLI_ENGINE;
	}
	if (who.name[0] && (n || ended))
		print_report(o, &who, rows, n);
	free(r);
	return rc != CLI_OK ? rc : rows_rc(rows, n);
}

int cmd_bench_main(int argc, char **argv)
{
	char path[4096];
	struct opts *o = malloc(sizeof(*o));
	struct row *rows = NULL;
	struct who who;
	size_t n = 0;
	int rc;

	if (!o)
		return CLI_FAILURES;
	rc = parse_opts(o, argc, argv);
	if (rc != 0) {
		bench_usage(rc > 0 ? stdout : stderr);
		free(o);
		return rc > 0 ? CLI_OK : CLI_USAGE;
	}
	engine_arg_path(&o->ea, path, sizeof(path));
	rows = calloc(count_cells(o), sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "ipoc bench: out of memory\n");
		free(o);
		return CLI_FAILURES;
	}
	if (o->ea.mode == EH_CHILD || (o->ea.mode < 0 && !engine_is_reference(path))) {
		rc = bench_forked(o, path, rows);
	} else {
		rc = bench_here(o, path, rows, &n, &who, -1);
		if (rc == CLI_OK) {
			print_report(o, &who, rows, n);
			rc = rows_rc(rows, n);
		}
	}
	free(rows);
	free(o);
	return rc;
}
