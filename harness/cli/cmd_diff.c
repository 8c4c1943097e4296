/* SPDX-License-Identifier: MIT */
/*
 * cmd_diff.c - `ipoc diff --engine A [--engine B]`: two engines side by
 * side (harness/diff): the conformance suite's verdicts compared case by
 * case, and generated traffic compared frame by frame; the divergences
 * grouped by signature, each with its count and smallest example. An
 * engine not named is the bundled reference.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "engine_arg.h"
#include "ojobs.h"
#include "validate.h"

static void diff_usage(FILE *f)
{
	fprintf(f, "usage: ipoc diff --engine A [--engine B] [--seed N] [--count N] [--lengths]\n"
		"                 [--item N] [--no-suite] [--no-traffic] [--in-process|--host-process]\n"
		"                 [--jobs N]\n"
		"                 [--timeout S] [--verbose] [--quiet] [--json FILE] [--junit FILE]\n"
		"                 [--html FILE]\n"
		"  --engine PATH      an engine to compare (twice; one not named is the bundled\n"
		"                     reference engine)\n"
		"  --in-process, --host-process, --timeout S\n"
		"                     where both engines run (default: the reference in this\n"
		"                     process, any other in the engine host process)\n"
		"  --seed N           the generated traffic (default 1: the same items every run)\n"
		"  --count N          generated items (default 2000)\n"
		"  --lengths          also frames cut short or with a lying IP length, whose\n"
		"                     outcome the NDIS docs leave to the engine (PROFILE.md P-8)\n"
		"  --item N           only item N of the seed, told in detail (reproduce one)\n"
		"  --no-suite         skip the conformance suite's comparison\n"
		"  --no-traffic       skip the generated traffic\n"
		"  --jobs N           run the suite's cases and the items in N processes, each with\n"
		"                     engine hosts of its own; the output is that of one\n"
		"                     (default: the number of cores)\n"
		"  --verbose          a line per item\n"
		"  --quiet            no progress line\n"
		RPT_USAGE
		"Exit 0 when the engines agree everywhere, 1 when they diverge.\n");
}

static int parse_u64(const char *s, const char *opt, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *v > max) {
		fprintf(stderr, "ipoc diff: %s %s: want a number up to %llu\n", opt, s,
			(unsigned long long)max);
		return -1;
	}
	return 0;
}

/* One side: loaded, opened, its capabilities read. */
static int load_side(const struct engine_arg *base, const char *path, struct dside *s,
		     const char *label)
{
	struct engine_arg ea = *base;
	int rc;

	ea.path = path;
	s->label = label;
	rc = engine_arg_load(&ea, -1, &s->eh, "diff");
	if (rc == CLI_OK)
		rc = engine_caps(s->eh, &s->caps, NULL, "diff");
	return rc;
}

/* Where the engines come from, for a job that loads them again. */
struct sides {
	const struct engine_arg *base;
	const char *paths[2];
	int which;                  /* suite_on: the side loaded */
};

static int reload_side(void *arg, int side, struct eh **out)
{
	const struct sides *s = arg;
	struct engine_arg ea = *s->base;

	ea.path = s->paths[side];
	return engine_arg_load(&ea, -1, out, "diff") == CLI_OK ? 0 : -1;
}

static int reload_suite(void *arg, struct eh **out)
{
	const struct sides *s = arg;

	return reload_side(arg, s->which, out);
}

/* The suite on one side; NULL when it could not run. */
static struct vrun *suite_on(struct dside *s, struct eh *ref, unsigned max_faults, bool progress,
			     unsigned jobs, struct sides *from, int which)
{
	struct vrun *r = calloc(1, sizeof(*r));
	struct vselect sel = { NULL, NULL };
	FILE *quiet = fopen("/dev/null", "w");

	if (!r || !quiet || vrun_init(r) != 0) {
		free(r);
		if (quiet)
			fclose(quiet);
		return NULL;
	}
	vrun_select(r, &sel);
	r->eh = s->eh;
	r->ref = ref;
	r->caps = s->caps;
	r->o = (struct vopts){ max_faults, NULL, false, 0 };
	from->which = which;
	if (jobs <= 1 || vrun_cases_jobs(r, jobs, reload_suite, from, quiet, progress) != 0)
		vrun_cases(r, quiet, progress);
	fclose(quiet);
	return r;
}

/* Compare the suite's verdicts, case by case; cases either side does not
 * claim are left out. */
static int suite_diff(struct dside *a, struct dside *b, struct eh *ref, unsigned max_faults,
		      bool progress, unsigned jobs, struct sides *from, struct dresult *out,
		      unsigned *compared, unsigned *left_out)
{
	struct vrun *ra = suite_on(a, ref, max_faults, progress, jobs, from, 0);
	struct vrun *rb = ra ? suite_on(b, ref, max_faults, progress, jobs, from, 1) : NULL;
	int rc = 0;

	if (!ra || !rb) {
		rc = -1;
		goto out;
	}
	for (unsigned i = 0; i < ra->n_cases; i++) {
		const struct vresult *x = &ra->res[i], *y = &rb->res[i];
		const struct vcase *c = &ra->cases[i];
		char sig[256], det[640];
		size_t row = strcspn(c->id, "/");

		if (!ra->selected[i])
			continue;
		if (x->v == V_UNSUPPORTED || y->v == V_UNSUPPORTED || x->not_run || y->not_run) {
			(*left_out)++;
			continue;
		}
		(*compared)++;
		if (x->v == y->v)
			continue;
		out->divergent++;
		snprintf(sig, sizeof(sig), "suite %.*s (%s): A %s | B %s", (int)row, c->id, c->area,
			 verdict_name(x->v), verdict_name(y->v));
		snprintf(det, sizeof(det), "A: %.300s; B: %.300s", x->why[0] ? x->why : "-",
			 y->why[0] ? y->why : "-");
		if (dresult_add(out, sig, NULL, NULL, c->id, (uint32_t)strlen(c->id), det) != 0) {
			rc = -1;
			break;
		}
	}
out:
	if (ra)
		vrun_fini(ra);
	if (rb)
		vrun_fini(rb);
	free(ra);
	free(rb);
	return rc;
}

int cmd_diff_main(int argc, char **argv)
{
	static const struct option opts[] = {
		ENGINE_ARG_OPTIONS,
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "lengths", no_argument, NULL, 'L' },
		{ "item", required_argument, NULL, 'i' },
		{ "no-suite", no_argument, NULL, 'S' },
		{ "no-traffic", no_argument, NULL, 'X' },
		{ "jobs", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		RPT_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct engine_arg ea = ENGINE_ARG_INIT;
	struct rpt_outputs outs = { NULL, NULL, NULL };
	struct rpt rep;
	char err[512];
	struct dopts o = { 1, 2000, false, -1, false };
	const char *paths[2] = { NULL, NULL };
	unsigned n_paths = 0, s_compared = 0, s_left = 0;
	bool suite = true, traffic = true, quiet = false;
	struct dside a, b;
	struct dresult suite_res, traffic_res;
	struct engine_arg refa = ENGINE_ARG_INIT;
	struct eh *ref = NULL;
	struct sides from;
	uint64_t v;
	int c, rc;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&suite_res, 0, sizeof(suite_res));
	memset(&traffic_res, 0, sizeof(traffic_res));
	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "s:n:Li:SXP:vqhJ:U:W:", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (n_paths == 2) {
				fprintf(stderr, "ipoc diff: at most two --engine\n");
				return CLI_USAGE;
			}
			paths[n_paths++] = optarg;
			break;
		case 's':
			if (parse_u64(optarg, "--seed", UINT64_MAX, &o.seed) != 0)
				return CLI_USAGE;
			break;
		case 'n':
			if (parse_u64(optarg, "--count", 10000000, &v) != 0 || v == 0)
				return CLI_USAGE;
			o.count = (unsigned)v;
			break;
		case 'i':
			if (parse_u64(optarg, "--item", 10000000, &v) != 0)
				return CLI_USAGE;
			o.item = (int)v;
			break;
		case 'P':
			if (parse_u64(optarg, "--jobs", OJOBS_MAX, &v) != 0 || v == 0)
				return CLI_USAGE;
			o.jobs = (unsigned)v;
			break;
		case 'L': o.lengths = true; break;
		case 'S': suite = false; break;
		case 'X': traffic = false; break;
		case 'v': o.verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': diff_usage(stdout); return CLI_OK;
		case '?': diff_usage(stderr); return CLI_USAGE;
		default:
			if (rpt_outputs_take(&outs, c, optarg))
				break;
			if (engine_arg_take(&ea, c, optarg, "diff") != 0)
				return CLI_USAGE;
		}
	}
	if (optind != argc || n_paths == 0) {
		if (optind != argc)
			fprintf(stderr, "ipoc diff: unexpected argument '%s'\n", argv[optind]);
		else
			fprintf(stderr, "ipoc diff: name at least one engine (--engine)\n");
		diff_usage(stderr);
		return CLI_USAGE;
	}
	if (o.item >= 0)
		suite = false;
	if (!suite && !traffic) {
		fprintf(stderr, "ipoc diff: --no-suite and --no-traffic leave nothing to compare\n");
		return CLI_USAGE;
	}
	if (!o.jobs)
		o.jobs = ojobs_cores();
	from.base = &ea;
	from.paths[0] = paths[0];
	from.paths[1] = paths[1];
	o.reload = reload_side;
	o.reload_arg = &from;
	refa.mode = EH_IN_PROCESS;
	rc = engine_arg_load(&refa, -1, &ref, "diff");
	if (rc == CLI_OK)
		rc = load_side(&ea, paths[0], &a, "A");
	if (rc == CLI_OK)
		rc = load_side(&ea, paths[1], &b, "B");
	if (rc != CLI_OK)
		goto out;
	printf("diff: A %s %s (%s, %s)\n      B %s %s (%s, %s)\n", eh_info(a.eh)->name,
	       eh_info(a.eh)->version, eh_info(a.eh)->path,
	       eh_mode(a.eh) == EH_CHILD ? "engine host process" : "in process",
	       eh_info(b.eh)->name, eh_info(b.eh)->version, eh_info(b.eh)->path,
	       eh_mode(b.eh) == EH_CHILD ? "engine host process" : "in process");
	if (suite) {
		if (suite_diff(&a, &b, ref, ea.max_faults, !quiet, o.jobs, &from, &suite_res,
			       &s_compared, &s_left) != 0) {
			fprintf(stderr, "ipoc diff: out of memory\n");
			rc = CLI_FAILURES;
			goto out;
		}
		printf("suite: %u cases compared (%u left out: not claimed by both, or not run), "
		       "%u differ in %u signature%s\n", s_compared, s_left, suite_res.divergent,
		       suite_res.n_sigs, suite_res.n_sigs == 1 ? "" : "s");
		dresult_print(&suite_res, stdout);
	}
	if (traffic) {
		if (diff_traffic(&a, &b, ref, &o, &traffic_res, stdout, !quiet) != 0) {
			fprintf(stderr, "ipoc diff: out of memory\n");
			rc = CLI_FAILURES;
			goto out;
		}
		printf("traffic: seed %llu, %u item%s, %u compared, %u not claimed by both, "
		       "%u divergent in %u signature%s; engine faults %u\n",
		       (unsigned long long)o.seed, traffic_res.items, traffic_res.items == 1 ? "" : "s",
		       traffic_res.compared, traffic_res.excluded, traffic_res.divergent,
		       traffic_res.n_sigs, traffic_res.n_sigs == 1 ? "" : "s", traffic_res.faults);
		dresult_print(&traffic_res, stdout);
	}
	if (rpt_init(&rep, "diff") != 0 || rpt_set_engine(&rep, a.eh) != 0 ||
	    rpt_set_caps(&rep, &a.caps) != 0 || (traffic && rpt_set_seed(&rep, o.seed) != 0) ||
	    (suite && dresult_to_rpt(&suite_res, &rep, "suite", "the conformance suite's verdicts "
				     "against the other engine's", s_compared) != 0) ||
	    (traffic && dresult_to_rpt(&traffic_res, &rep, "traffic", "generated traffic against "
				       "the other engine", traffic_res.compared) != 0) ||
	    rpt_write_all(&rep, &outs, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc diff: %s\n", outs.json || outs.junit || outs.html ? err
			: "out of memory");
		rpt_free(&rep);
		rc = CLI_FAILURES;
		goto out;
	}
	rpt_free(&rep);
	if (s_compared + traffic_res.compared == 0) {
		fprintf(stderr, "ipoc diff: nothing was compared: the engines claim nothing in "
			"common\n");
		rc = CLI_FAILURES;
	} else {
		rc = suite_res.divergent || traffic_res.divergent ? CLI_FAILURES : CLI_OK;
		printf("diff: %s\n", rc == CLI_OK ? "the engines agree"
		       : "the engines diverge");
	}
out:
	dresult_free(&suite_res);
	dresult_free(&traffic_res);
	eh_free(a.eh);
	eh_free(b.eh);
	eh_free(ref);
	return rc;
}
