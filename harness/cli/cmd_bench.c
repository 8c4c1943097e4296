/* SPDX-License-Identifier: MIT */
/*
 * cmd_bench.c - `ipoc bench`: ESP throughput of an engine per algorithm x
 * IP packet size x direction, beside raw OpenSSL EVP and raw intel-ipsec-mb
 * on the same bytes and keys in the same run, the engine's ratio to each and
 * to the faster of the two; a table or one JSON object, both naming the CPU,
 * the ipsec-mb code path and both library versions.
 *
 * A benchmark, not a test: a missed target still exits 0. A cell whose
 * frames the engine (or a raw library) gets wrong (checked once before
 * timing) is reported as an error instead of a number, and makes the exit
 * code 1.
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

struct opts {
	struct engine_arg ea;       /* --engine, --in-process, --host-process, --timeout */
	struct bench_alg algs[MAX_ALGS];
	uint32_t sizes[MAX_SIZES];
	size_t n_algs, n_sizes;
	double seconds;
	bool dirs[2];
	bool json;
	int target_raw;             /* --target-raw: enum bench_raw, or -1 for auto */
};

struct row {
	const struct bench_alg *alg;
	uint32_t size;
	enum bench_dir dir;
	struct bench_result r;
};

/* The engine benched, as the table and the JSON name it. */
struct who {
	char name[128], version[64], path[4096];
};

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: ipoc bench [--engine PATH] [--algorithms LIST] [--sizes LIST]\n"
		"                  [--seconds S] [--direction send|receive|both] [--json]\n"
		"                  [--target-raw evp|ipsec-mb|auto]\n"
		"                  [--in-process|--host-process] [--timeout S]\n"
		"  --engine PATH      engine shared object, or ref / ref-mb (default: ref-mb where\n"
		"                     it was built, else ref)\n"
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
		"  --target-raw R     the raw library the targets hold the engine to: evp,\n"
		"                     ipsec-mb, or auto (default): ipsec-mb for an engine whose\n"
		"                     name or file name says ipsec-mb (libipoc_ref_mb.so), else evp\n"
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

static int parse_target_raw(struct opts *o, const char *s)
{
	enum bench_raw r;

	if (strcmp(s, "auto") == 0) {
		o->target_raw = -1;
		return 0;
	}
	if (bench_raw_parse(s, &r) == 0) {
		o->target_raw = (int)r;
		return 0;
	}
	fprintf(stderr, "ipoc bench: bad --target-raw '%s' (evp, ipsec-mb or auto)\n", s);
	return -1;
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
		{ "target-raw", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->ea = (struct engine_arg)ENGINE_ARG_INIT;
	o->ea.fast_default = true;    /* ref-mb where built (README: the bundled engines) */
	o->seconds = 0.5;
	o->target_raw = -1;
	o->dirs[BENCH_SEND] = o->dirs[BENCH_RECEIVE] = true;
	if (parse_algs(o, default_algs) != 0 || parse_sizes(o, default_sizes) != 0)
		return -1;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "e:IHT:a:s:t:d:jR:h", lopts, NULL)) != -1) {
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
		case 'R': rc = parse_target_raw(o, optarg); break;
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

/* What the report says about where it ran and what it holds the engine
 * to: worked out in the process that prints (the same binary and CPU as
 * the bench child). */
struct context {
	char cpu[160];
	struct bench_mb_info mb;
	enum bench_raw target_raw;
	bool target_auto;
	char target_why[256];
};

static void context_of(struct context *x, const struct opts *o, const struct who *le)
{
	memset(x, 0, sizeof(*x));
	bench_cpu_model("/proc/cpuinfo", x->cpu, sizeof(x->cpu));
	bench_mb_info(&x->mb);
	x->target_auto = o->target_raw < 0;
	if (x->target_auto)
		x->target_raw = bench_target_raw_auto(le->name, le->path, x->target_why,
						      sizeof(x->target_why));
	else
		x->target_raw = (enum bench_raw)o->target_raw;
	if (!x->target_auto)
		snprintf(x->target_why, sizeof(x->target_why), "--target-raw %s",
			 bench_raw_name(x->target_raw));
}

static const struct bench_target *target_of(const struct context *x, const struct row *w)
{
	return bench_target_of(x->target_raw, w->alg->name, w->size);
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
	"ipsec-mb: the same per packet as one job each (GCM: nonce salt||IV, AAD SPI||seq, "
	"encrypt or decrypt + tag; CBC+HMAC: cipher then hash on send, hash then decipher on "
	"receive; ICV compared on receive), the 32 packets of a batch as one burst of the "
	"burst API (IMB_GET_NEXT_BURST, IMB_SUBMIT_BURST, IMB_FLUSH_BURST until every job is "
	"back), keys scheduled once, a manager from init_mb_mgr_auto, in place in the same MDL "
	"buffers, one thread; timed bursts skip the library's per-job validation "
	"(IMB_SUBMIT_BURST_NOCHECK).",
	"before every batch the 32 frames are restored by memcpy OUTSIDE the timed region "
	"(plaintext for send, the engine's ciphertext for receive), for every side alike.",
	"each side is timed for the given seconds in 50 rounds of alternating slices (engine, "
	"EVP, ipsec-mb; CLOCK_MONOTONIC); pkt/s are over all slices; x EVP and x mb are the "
	"medians over the 50 rounds of engine rate / that library's rate, x best the median of "
	"engine rate / the faster library's rate in each round (best: the library with the "
	"higher pkt/s), which a burst of other load on one slice does not move.",
	"not in the raw columns: the engine's header parsing and checks, SA lookup, OOB slots, "
	"and its CBC IV (random, drawn from the CSPRNG in 4 KiB batches; GCM/GMAC IVs are a "
	"counter on every side).",
	"checked once per cell before timing: the engine's frames equal EVP's for the same IV, "
	"received frames come back CRYPTO_SUCCESS with the plaintext, EVP opens them too; "
	"ipsec-mb's burst makes the same frames for the same IVs, EVP opens those it makes "
	"with IVs of its own, and it opens the engine's frames to the plaintext; after timing, "
	"its last timed batch is checked too (EVP opens it, or it is the plaintext).",
	"targets (issue 10), both directions: held to raw ipsec-mb, aes-gcm-128 and "
	"aes-cbc-128+hmac-sha1-96 >= 0.80x at 1500 bytes and >= 0.50x at 64; held to raw EVP, "
	">= 0.85x at 1500 bytes and >= 0.60x at 64. A missed target is reported, not failed.",
};

#define N_METHOD (sizeof(method) / sizeof(method[0]))

/* A raw column's pkt/s or ratio cell of the table. */
static void col_text(char *out, size_t len, const struct bench_col *c, double v, int prec)
{
	if (c->state == BENCH_COL_ABSENT)
		snprintf(out, len, "-");
	else if (c->state == BENCH_COL_ERROR)
		snprintf(out, len, "ERROR");
	else
		snprintf(out, len, "%.*f", prec, v);
}

static void print_text_row(const struct context *x, const struct row *w)
{
	const struct bench_result *r = &w->r;
	const struct bench_col *mb = &r->raw[BENCH_RAW_MB];
	const struct bench_target *t = target_of(x, w);
	const char *v = bench_verdict(t, r);
	char mb_pps[16], mb_ratio[16];

	printf("%-28s %5u %5u %-7s ", w->alg->name, w->size, r->ip_bytes, dir_name(w->dir));
	if (r->status != BENCH_OK) {
		printf("%s: %s\n", r->status == BENCH_UNSUPPORTED ? "UNSUPPORTED" : "ERROR",
		       r->error);
		return;
	}
	col_text(mb_pps, sizeof(mb_pps), mb, mb->pps, 0);
	col_text(mb_ratio, sizeof(mb_ratio), mb, mb->ratio, 3);
	printf("%12.0f %7.2f %12.0f %12s %6.3f %6s %6.3f %-4s", r->engine_pps,
	       gbps(r->engine_pps, r->ip_bytes), r->raw[BENCH_RAW_EVP].pps, mb_pps,
	       r->raw[BENCH_RAW_EVP].ratio, mb_ratio, r->ratio_fastest,
	       r->fastest == BENCH_RAW_MB ? "mb" : "evp");
	if (v)
		printf("  %s (>= %.2fx %s)", v, t->min_ratio, bench_raw_name(t->raw));
	else if (t)
		printf("  n/a (>= %.2fx %s: no such column)", t->min_ratio, bench_raw_name(t->raw));
	putchar('\n');
}

static void print_text(const struct opts *o, const struct who *le, const struct context *x,
		       const struct row *rows, size_t n)
{
	bool noted = false;

	printf("engine   %s %s (%s)\ncpu      %s\nraw EVP  %s, single thread\n", le->name,
	       le->version, le->path, x->cpu, bench_evp_version());
	if (x->mb.present)
		printf("raw mb   intel-ipsec-mb %s, arch %s (%s), burst API, bursts of %d, single "
		       "thread\n", x->mb.version, x->mb.arch, x->mb.features, BENCH_BATCH);
	else
		printf("raw mb   absent: %s\n", x->mb.why_absent);
	printf("targets  held to raw %s (%s)\nseconds  %g per side and cell, batches of %d "
	       "NBLs\n\n", bench_raw_name(x->target_raw), x->target_why, o->seconds, BENCH_BATCH);
	printf("%-28s %5s %5s %-7s %12s %7s %12s %12s %6s %6s %6s %-4s  %s\n", "algorithm",
	       "size", "bytes", "dir", "engine pkt/s", "Gbit/s", "EVP pkt/s", "mb pkt/s", "x EVP",
	       "x mb", "x best", "best", "target");
	for (size_t i = 0; i < n; i++)
		print_text_row(x, &rows[i]);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];

		if (w->r.raw[BENCH_RAW_MB].state != BENCH_COL_ERROR)
			continue;
		printf("%s%s %u %s: %s\n", noted ? "" : "\n", w->alg->name, w->size,
		       dir_name(w->dir), w->r.mb_note);
		noted = true;
	}
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

static json_t *json_target(const struct bench_target *t)
{
	if (!t)
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:f}", "raw", bench_raw_name(t->raw), "algorithm",
			 t->alg, "size", (json_int_t)t->size, "min_ratio", t->min_ratio);
}

/* The keys of one row, in order; a NULL value stays null. */
static json_t *json_row(const struct context *x, const struct row *w)
{
	static const char *const st[] = { "ok", "error", "unsupported" };
	static const char *const col_st[] = { "ok", "absent", "error" };
	const struct bench_result *r = &w->r;
	const struct bench_col *evp = &r->raw[BENCH_RAW_EVP], *mb = &r->raw[BENCH_RAW_MB];
	const struct bench_target *t = target_of(x, w);
	bool ok = r->status == BENCH_OK, mb_ok = ok && mb->state == BENCH_COL_OK;
	json_t *o = json_object();
	struct { const char *k; json_t *v; } kv[] = {
		{ "algorithm", json_string(w->alg->name) },
		{ "size", json_integer(w->size) },
		{ "ip_bytes", json_integer(r->ip_bytes) },
		{ "direction", json_string(dir_name(w->dir)) },
		{ "status", json_string(st[r->status]) },
		{ "engine_pps", num(r->engine_pps, ok) },
		{ "engine_gbps", num(gbps(r->engine_pps, r->ip_bytes), ok) },
		{ "evp_pps", num(evp->pps, ok) },
		{ "evp_gbps", num(gbps(evp->pps, r->ip_bytes), ok) },
		{ "ratio_evp", num(evp->ratio, ok) },
		{ "mb_status", json_string(col_st[mb->state]) },
		{ "mb_pps", num(mb->pps, mb_ok) },
		{ "mb_gbps", num(gbps(mb->pps, r->ip_bytes), mb_ok) },
		{ "ratio_mb", num(mb->ratio, mb_ok) },
		{ "mb_note", opt_str(mb->state != BENCH_COL_OK ? r->mb_note : NULL) },
		{ "fastest_raw", ok ? json_string(bench_raw_name(r->fastest)) : json_null() },
		{ "ratio_fastest", num(r->ratio_fastest, ok) },
		{ "target", json_target(t) },
		{ "verdict", opt_str(bench_verdict(t, r)) },
		{ "error", opt_str(ok ? NULL : r->error) },
	};
	bool good = o != NULL;

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		if (good && kv[i].v)
			good = json_object_set_new(o, kv[i].k, kv[i].v) == 0;
		else
			json_decref(kv[i].v);
	}
	if (!good) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *json_libraries(const struct context *x)
{
	const struct bench_mb_info *m = &x->mb;

	return json_pack("{s:{s:s, s:s}, s:{s:b, s:o, s:o, s:o, s:o}}",
			 "evp", "library", "OpenSSL", "version", bench_evp_version(),
			 "ipsec_mb", "present", m->present,
			 "version", m->version[0] ? rpt_json_str(m->version) : json_null(),
			 "arch", m->present ? rpt_json_str(m->arch) : json_null(),
			 "features", m->present ? rpt_json_str(m->features) : json_null(),
			 "why_absent", m->present ? json_null() : rpt_json_str(m->why_absent));
}

/* The whole report as one JSON object on stdout; false when it could not
 * be built (out of memory). */
static bool print_json(const struct opts *o, const struct who *le, const struct context *x,
		       const struct row *rows, size_t n)
{
	json_t *doc = json_pack("{s:{s:o, s:o, s:o}, s:{s:o}, s:o, s:s, "
				"s:{s:s, s:s, s:s}, s:[], s:f, s:i, s:i, s:[], s:[]}",
				"engine", "name", rpt_json_str(le->name),
				"version", rpt_json_str(le->version), "path", rpt_json_str(le->path),
				"machine", "cpu_model", rpt_json_str(x->cpu),
				"raw", json_libraries(x),
				"baseline", bench_evp_version(),
				"target_raw", "library", bench_raw_name(x->target_raw),
				"chosen_by", x->target_auto ? "auto" : "option", "why", x->target_why,
				"targets", "seconds", o->seconds,
				"batch", BENCH_BATCH, "rounds", BENCH_ROUNDS, "method", "rows");
	json_t *m = json_object_get(doc, "method"), *rw = json_object_get(doc, "rows");
	json_t *tg = json_object_get(doc, "targets");
	bool ok = doc != NULL;

	for (size_t i = 0; ok && i < N_METHOD; i++)
		ok = json_array_append_new(m, json_string(method[i])) == 0;
	for (size_t i = 0; ok && i < n; i++) {
		const struct bench_target *t = target_of(x, &rows[i]);
		bool seen = false;

		for (size_t j = 0; t && j < i; j++)
			seen = seen || target_of(x, &rows[j]) == t;
		if (t && !seen)
			ok = json_array_append_new(tg, json_target(t)) == 0;
	}
	for (size_t i = 0; ok && i < n; i++)
		ok = json_array_append_new(rw, json_row(x, &rows[i])) == 0;
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
	struct context x;

	context_of(&x, o, who);
	if (o->json && !print_json(o, who, &x, rows, n))
		fprintf(stderr, "ipoc bench: cannot write the JSON report (out of memory)\n");
	else if (!o->json)
		print_text(o, who, &x, rows, n);
}

static int rows_rc(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].r.status == BENCH_ERROR ||
		    (rows[i].r.status == BENCH_OK &&
		     rows[i].r.raw[BENCH_RAW_MB].state == BENCH_COL_ERROR))
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
	/* three timed sides (engine, EVP, ipsec-mb), each given twice its time */
	unsigned cell_ms = (unsigned)(o->seconds * 6000) + slack;
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
