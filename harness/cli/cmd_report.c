/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `ipoc report merge A.json B.json ... [--json OUT]
 * [--junit OUT] [--html OUT]`: join runs that --json wrote (the shards of
 * one engine's run, spread over machines) into one report, in every
 * format asked for, and print its summary.
 *
 * Exit: 0 the merged run passed; 1 it has failures (or stopped early, or
 * judged nothing); 2 usage or bad input: a file that is not a report
 * (named, with the field), runs of different tools, engines or capability
 * reports, or a case in two files (both named).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rpt.h"

static void report_usage(FILE *f)
{
	fprintf(f, "usage: ipoc report merge FILE.json... [--json OUT] [--junit OUT] [--html OUT]\n"
		"                         [--failures N]\n"
		"  merge              join runs of one tool and engine that --json wrote (e.g. the\n"
		"                     shards of a run); results sorted by id, an id in two files\n"
		"                     is an error\n"
		RPT_USAGE
		"  --failures N       failures the summary explains (default 10)\n");
}

static int merge_main(int argc, char **argv)
{
	static const struct option opts[] = {
		RPT_OPTIONS,
		{ "failures", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rpt_outputs outs = { NULL, NULL, NULL };
	struct rpt *in = NULL, out;
	unsigned max_fail = 10;
	size_t n = 0;
	char err[1024], *end;
	int c, rc = CLI_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "J:U:W:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			max_fail = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || max_fail > 100000) {
				fprintf(stderr, "ipoc report merge: --failures %s: want 0 to 100000\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'h': report_usage(stdout); return CLI_OK;
		default:
			if (!rpt_outputs_take(&outs, c, optarg)) {
				report_usage(stderr);
				return CLI_USAGE;
			}
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ipoc report merge: no report to merge\n");
		report_usage(stderr);
		return CLI_USAGE;
	}
	in = calloc((size_t)(argc - optind), sizeof(*in));
	if (!in) {
		fprintf(stderr, "ipoc report merge: out of memory\n");
		return CLI_FAILURES;
	}
	for (; n < (size_t)(argc - optind); n++) {
		if (rpt_read_json(&in[n], argv[optind + (int)n], err, sizeof(err)) != 0) {
			fprintf(stderr, "ipoc report merge: %s\n", err);
			goto done;
		}
	}
	if (rpt_merge(&out, in, (const char *const *)argv + optind, n, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc report merge: %s\n", err);
		goto done;
	}
	rpt_summary(&out, stdout, RPT_SUM_ALL, max_fail);
	if (rpt_write_all(&out, &outs, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc report merge: %s\n", err);
		rc = CLI_FAILURES;
	} else {
		rc = rpt_bad(&out) ? CLI_FAILURES : CLI_OK;
		if (rc == CLI_FAILURES && !out.stopped) {
			rpt_counts k;

			rpt_counts_all(&out, &k);
			if (!verdict_judged(&k))
				fprintf(stderr, "ipoc report merge: no case was judged: a run that "
					"judged nothing is not a pass\n");
		}
	}
	rpt_free(&out);
done:
	for (size_t i = 0; i < n; i++)
		rpt_free(&in[i]);
	free(in);
	return rc;
}

int cmd_report_main(int argc, char **argv)
{
	if (argc < 2) {
		report_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		report_usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	fprintf(stderr, "ipoc report: no action '%s' (merge)\n", argv[1]);
	report_usage(stderr);
	return CLI_USAGE;
}
