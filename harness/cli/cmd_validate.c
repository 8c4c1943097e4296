/* SPDX-License-Identifier: MIT */
/*
 * cmd_validate.c - `ipoc validate [--engine PATH] ...`: the conformance
 * suite against an engine (harness/validate), with a verdict per case, a
 * summary per area and capability, reproducers for what did not pass, and
 * the run's report as JSON, JUnit XML and HTML (rpt.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "engine_arg.h"
#include "validate.h"
#include "vrepro.h"

#ifndef IPOC_VERSION
#define IPOC_VERSION "0.0.0"
#endif

#define MAX_FILTERS 64

/* The --case FILE arguments (a case file `ipoc validate` wrote beside a
 * reproducer): the file, what it holds, and its id as a pattern that
 * matches that id alone. */
struct case_files {
	struct vr_case_file f[MAX_FILTERS];
	const char *path[MAX_FILTERS];
	char pattern[MAX_FILTERS][2 * sizeof(((struct vr_case_file *)0)->id)];
	unsigned n;
};

/* --case ARG: when ARG names an existing file, read the case from it into
 * cf and give the pattern to select it by; else ARG itself (a pattern).
 * NULL after a message: the file is unreadable or not a case file. */
static const char *case_arg(const char *arg, struct case_files *cf)
{
	struct vr_case_file *f = &cf->f[cf->n];
	struct stat st;
	char err[600], *p;

	if (stat(arg, &st) != 0)
		return arg;
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ipoc validate: --case %s: a folder, not a case file\n", arg);
		return NULL;
	}
	if (vrepro_case_read(arg, f, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc validate: --case %s\n", err);
		return NULL;
	}
	if (strcmp(f->version, IPOC_VERSION) != 0)
		fprintf(stderr, "ipoc validate: warning: %s was written by ipoc %s, this is ipoc %s: "
			"the case's keys, SPIs and frames may differ from the run it records\n", arg,
			f->version, IPOC_VERSION);
	/* The id as an fnmatch pattern matching itself alone. */
	p = cf->pattern[cf->n];
	for (const char *s = f->id; *s; s++) {
		if (strchr("*?[]\\", *s))
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	cf->path[cf->n] = arg;
	return cf->pattern[cf->n++];
}

/* Every case file's id must be a case of this suite: a usage error naming
 * the file otherwise. */
static bool case_files_known(const struct vrun *r, const struct case_files *cf)
{
	for (unsigned k = 0; k < cf->n; k++) {
		bool found = false;

		for (unsigned i = 0; i < r->n_cases && !found; i++)
			found = strcmp(r->cases[i].id, cf->f[k].id) == 0;
		if (!found) {
			fprintf(stderr, "ipoc validate: --case %s: case %s is not in the suite of ipoc "
				"%s (the file was written by ipoc %s)\n", cf->path[k], cf->f[k].id,
				IPOC_VERSION, cf->f[k].version);
			return false;
		}
	}
	return true;
}

static void validate_usage(FILE *f)
{
	fprintf(f, "usage: ipoc validate [--engine PATH] [--in-process|--host-process] [--timeout S]\n"
		"                     [--max-faults N] [--case GLOB]... [--area NAME]... [--list]\n"
		"                     [--json FILE] [--junit FILE] [--html FILE]\n"
		"                     [--repro-dir DIR | --no-repro] [--verbose] [--quiet]\n"
		"                     [--jobs N] [--shard I/N]\n"
		ENGINE_ARG_USAGE
		"  --case GLOB        run the cases whose id matches (fnmatch; repeatable)\n"
		"  --case FILE        run the case a case file holds (NAME.case, written beside\n"
		"                     a reproducer); without --engine, on the engine it names\n"
		"  --area NAME        run the cases of an area (repeatable); `timing` runs only\n"
		"                     when named\n"
		"  --list             print the cases chosen (id, area, rule, title) and exit\n"
		RPT_USAGE
		"  --repro-dir DIR    where reproducers of cases that did not pass go\n"
		"                     (default ipoc-repro; `ipoc repro FILE` replays one)\n"
		"  --no-repro         write no reproducer\n"
		"  --timing-runs N    receive calls per class for --area timing (default 50000)\n"
		"  --jobs N           run the cases in N engine host processes at once (default:\n"
		"                     the number of cores; the timing area runs in one); the\n"
		"                     results and their order are those of one\n"
		"  --shard I/N        run shard I of N (1 <= I <= N): a stable slice of the cases,\n"
		"                     for CI jobs whose --json reports `ipoc report merge` joins\n"
		"  --no-diff          skip the comparison with the reference engine on generated\n"
		"                     traffic (`--area diff`: only it), which a run of the whole\n"
		"                     suite ends with\n"
		"  --verbose          a line for every case, not only for those that did not pass\n"
		"  --quiet            no progress line\n"
		"areas: caps sa send receive class udp esn lso v1 shapes own timing diff\n");
}

#define DIFF_WHAT "generated traffic against the reference engine (ipoc diff, seed 1, " \
	"1000 items, the faults whose outcome the docs decide)"

/* The engine side by side with the reference engine on generated traffic
 * (harness/diff): what diverges fails the run. Prints a line, and the
 * signatures. 0, or -1 when it could not run. */
static int compare_with_reference(struct vrun *r, struct dresult *d, bool progress)
{
	struct dopts o = { 1, 1000, false, -1, false };
	struct dside a = { r->eh, r->caps, "engine" }, b;

	memset(&b, 0, sizeof(b));
	b.eh = r->ref;
	b.label = "reference";
	if (engine_caps(r->ref, &b.caps, NULL, "validate") != CLI_OK ||
	    diff_traffic(&a, &b, r->ref, &o, d, stdout, progress) != 0)
		return -1;
	printf("diff: %u generated items compared with the reference engine, %u divergent in "
	       "%u signature%s\n", d->compared, d->divergent, d->n_sigs, d->n_sigs == 1 ? "" : "s");
	dresult_print(d, stdout);
	return 0;
}

/* A job's own engine host (vrun_cases_jobs). */
static int reload(void *ctx, struct eh **eh)
{
	return engine_arg_load(ctx, -1, eh, "validate") == CLI_OK ? 0 : -1;
}

int cmd_validate_main(int argc, char **argv)
{
	static const struct option opts[] = {
		ENGINE_ARG_OPTIONS,
		{ "case", required_argument, NULL, 'c' },
		{ "area", required_argument, NULL, 'a' },
		{ "list", no_argument, NULL, 'l' },
		RPT_OPTIONS,
		{ "repro-dir", required_argument, NULL, 'r' },
		{ "no-repro", no_argument, NULL, 'n' },
		{ "timing-runs", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'P' },
		{ "shard", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-diff", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cases[MAX_FILTERS + 1] = { NULL }, *areas[MAX_FILTERS + 1] = { NULL };
	unsigned n_cases = 0, n_areas = 0, chosen;
	struct engine_arg ea = ENGINE_ARG_INIT;
	struct vselect sel = { NULL, NULL };
	struct rpt_outputs outs = { NULL, NULL, NULL };
	struct rpt rep;
	const char *repro = "ipoc-repro";
	bool list = false, verbose = false, quiet = false, timing_set = false, no_diff = false;
	bool diff_asked = false, want_diff;
	struct dresult dres;
	unsigned timing = 50000, jobs = 0, shard_i = 0, shard_n = 0;
	struct vrun r;
	char err[512], *end;
	int c, rc;
	static struct case_files cf;   /* large: not on the stack */

	memset(&cf, 0, sizeof(cf));
	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "c:a:lJ:U:W:r:nt:P:D:Nvqh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'a':
			if ((c == 'c' ? n_cases : n_areas) == MAX_FILTERS) {
				fprintf(stderr, "ipoc validate: more than %d --%s\n", MAX_FILTERS,
					c == 'c' ? "case" : "area");
				return CLI_USAGE;
			}
			if (c == 'c' && !(cases[n_cases++] = case_arg(optarg, &cf)))
				return CLI_USAGE;
			if (c == 'a')
				areas[n_areas++] = optarg;
			break;
		case 'l': list = true; break;
		case 'r': repro = optarg; break;
		case 'n': repro = NULL; break;
		case 't':
			timing = (unsigned)strtoul(optarg, &end, 10);
			if (*end || timing < 100 || timing > 10000000) {
				fprintf(stderr, "ipoc validate: --timing-runs %s: want 100 to 10000000\n",
					optarg);
				return CLI_USAGE;
			}
			timing_set = true;
			break;
		case 'P':
			jobs = (unsigned)strtoul(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 64) {
				fprintf(stderr, "ipoc validate: --jobs %s: want 1 to 64\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'D': {
			char extra;

			if (sscanf(optarg, "%u/%u%c", &shard_i, &shard_n, &extra) != 2 ||
			    shard_n < 1 || shard_i < 1 || shard_i > shard_n || shard_n > 10000) {
				fprintf(stderr, "ipoc validate: --shard %s: want I/N, 1 <= I <= N\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		}
		case 'N': no_diff = true; break;
		case 'v': verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': validate_usage(stdout); return CLI_OK;
		case '?': validate_usage(stderr); return CLI_USAGE;
		default:
			if (rpt_outputs_take(&outs, c, optarg))
				break;
			if (engine_arg_take(&ea, c, optarg, "validate") != 0)
				return CLI_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipoc validate: unexpected argument '%s'\n", argv[optind]);
		validate_usage(stderr);
		return CLI_USAGE;
	}
	if (!ea.path && cf.n && cf.f[0].engine[0])
		ea.path = cf.f[0].engine;   /* the engine the case ran on */
	if (vrun_init(&r) != 0) {
		fprintf(stderr, "ipoc validate: out of memory\n");
		return CLI_FAILURES;
	}
	if (!case_files_known(&r, &cf)) {
		vrun_fini(&r);
		return CLI_USAGE;
	}
	/* `--area diff` is the comparison with the reference, not a table. */
	for (unsigned i = 0; i < n_areas; i++)
		if (strcmp(areas[i], "diff") == 0) {
			diff_asked = true;
			memmove(&areas[i], &areas[i + 1], (n_areas - i) * sizeof(areas[0]));
			n_areas--;
			i--;
		}
	if (diff_asked && no_diff) {
		fprintf(stderr, "ipoc validate: --area diff and --no-diff\n");
		vrun_fini(&r);
		return CLI_USAGE;
	}
	/* By default the whole suite ends with it (in shard 1 of a sharded
	 * run, so that a merge has it once). */
	want_diff = diff_asked || (!no_diff && !n_cases && !n_areas && !cf.n &&
				   (!shard_n || shard_i == 1));
	sel.cases = n_cases ? cases : NULL;
	sel.areas = n_areas ? areas : NULL;
	chosen = vrun_select(&r, &sel);
	if (diff_asked && !n_cases && !n_areas) {
		memset(r.selected, 0, r.n_cases * sizeof(*r.selected));
		chosen = 0;
	}
	if (shard_n && chosen)
		chosen = vrun_shard(&r, shard_i, shard_n);
	if (chosen == 0 && !(diff_asked && !n_cases && !n_areas)) {
		fprintf(stderr, "ipoc validate: no case matches the --case / --area given "
			"(ipoc validate --list shows them)\n");
		vrun_fini(&r);
		return CLI_USAGE;
	}
	if (timing_set) {
		bool any = false;

		for (unsigned i = 0; i < r.n_cases; i++)
			any |= r.selected[i] && strcmp(r.cases[i].area, "timing") == 0;
		if (!any) {
			fprintf(stderr, "ipoc validate: --timing-runs applies to the timing cases, "
				"and none is chosen (--area timing)\n");
			vrun_fini(&r);
			return CLI_USAGE;
		}
	}
	if (list) {
		vrun_list(&r, stdout);
		printf("%u cases\n", chosen);
		vrun_fini(&r);
		return CLI_OK;
	}
	r.o = (struct vopts){ ea.max_faults, repro, verbose, timing, IPOC_VERSION };
	rc = engine_arg_load(&ea, -1, &r.eh, "validate");
	if (rc == CLI_OK) {
		struct engine_arg refa = ENGINE_ARG_INIT;

		refa.mode = EH_IN_PROCESS;
		rc = engine_arg_load(&refa, -1, &r.ref, "validate");
	}
	if (rc == CLI_OK)
		rc = engine_caps(r.eh, &r.caps, NULL, "validate");
	if (rc != CLI_OK)
		goto out;
	printf("validate: engine %s %s (%s), %u cases\n", eh_info(r.eh)->name,
	       eh_info(r.eh)->version, eh_mode(r.eh) == EH_CHILD ? "engine host process"
	       : "in process", chosen);
	if (!jobs) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = cores < 1 ? 1 : cores > 64 ? 64 : (unsigned)cores;
	}
	for (unsigned i = 0; jobs > 1 && i < r.n_cases; i++)
		if (r.selected[i] && strcmp(r.cases[i].area, "timing") == 0)
			jobs = 1;   /* timing wants the machine to itself */
	if (jobs > chosen)
		jobs = chosen ? chosen : 1;
	if (jobs > 1) {
		if (vrun_cases_jobs(&r, jobs, reload, &ea, stdout, !quiet) != 0)
			fprintf(stderr, "ipoc validate: a job did not finish: its cases count as "
				"skipped\n");
	} else if (chosen) {
		vrun_cases(&r, stdout, !quiet);
	}
	memset(&dres, 0, sizeof(dres));
	if (want_diff && !r.stopped && compare_with_reference(&r, &dres, !quiet) != 0)
		rc = CLI_FAILURES;
	if (rc != CLI_OK || rpt_init(&rep, "validate") != 0 || vrun_report(&r, &rep) != 0 ||
	    (shard_n && rpt_set_shard(&rep, shard_i, shard_n) != 0) ||
	    (want_diff && !r.stopped &&
	     dresult_to_rpt(&dres, &rep, "diff", DIFF_WHAT, dres.compared) != 0)) {
		fprintf(stderr, "ipoc validate: %s\n", rc != CLI_OK ? "the comparison with the "
			"reference engine could not run" : "out of memory");
		rpt_free(&rep);
		dresult_free(&dres);
		rc = CLI_FAILURES;
		goto out;
	}
	/* Each failure was explained as it came; the summary repeats the first
	 * few, which a long run has scrolled away. */
	rpt_summary(&rep, stdout, RPT_SUM_ALL, 5);
	if (rpt_write_all(&rep, &outs, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc validate: %s\n", err);
		rpt_free(&rep);
		rc = CLI_FAILURES;
		goto out;
	}
	rc = rpt_bad(&rep) ? CLI_FAILURES : CLI_OK;
	rpt_free(&rep);
	if (verdict_judged(&r.total) == 0 && !(want_diff && dres.compared)) {
		fprintf(stderr, "ipoc validate: no case was judged (%u unsupported, %u skipped): "
			"a run that judged nothing is not a pass\n", r.total.n[V_UNSUPPORTED],
			r.total.n[V_SKIPPED]);
		rc = CLI_FAILURES;
	} else {
		rc = rc != CLI_OK || verdict_bad(&r.total) || r.stopped || dres.divergent
			     ? CLI_FAILURES : CLI_OK;
	}
	dresult_free(&dres);
out:
	eh_free(r.eh);
	eh_free(r.ref);
	vrun_fini(&r);
	return rc;
}
