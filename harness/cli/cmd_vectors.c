/* SPDX-License-Identifier: MIT */
/*
 * cmd_vectors.c - `ipoc vectors [--engine PATH] [--shapes N] [--verbose]
 * [--write-sent OUT.pcapng] [--json F] [--junit F] [--html F] FILE...`: run
 * known-answer vector files through an engine (vec_run.h), keeping what it
 * sent for tshark (vec_sent.h), every case x direction x shape a result of
 * the run's report (rpt.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine_arg.h"
#include "loader.h"
#include "rpt.h"
#include "vec_run.h"
#include "vec_sent.h"
#include "vectors.h"
#include "vrepro.h"

static void vectors_usage(FILE *f)
{
	fprintf(f, "usage: ipoc vectors [--engine PATH] [--in-process|--host-process] [--timeout S]\n"
		"                    [--shapes N] [--verbose] [--write-sent OUT.pcapng]\n"
		"                    [--repro-dir DIR] [--json FILE] [--junit FILE] [--html FILE]\n"
		"                    FILE...\n"
		ENGINE_ARG_USAGE
		"  --shapes N         MDL shapes per case and direction, 1-4 (default 4: one MDL,\n"
		"                     split after the IP header, 3 random MDLs, 1-byte MDLs)\n"
		"  --verbose          a line per case, direction and shape, not only failures\n"
		"  --write-sent OUT.pcapng\n"
		"                     write the frames of the passing sends in shape 0 to\n"
		"                     OUT.pcapng (Ethernet) and their SAs to OUT.esp_sa (Wireshark\n"
		"                     4.0), for those tshark can check: not AH, AES-GMAC, ESN or\n"
		"                     transport over tunnel\n"
		"  --repro-dir DIR    for each case, direction and shape that does not pass, write\n"
		"                     DIR/NAME.pcapng (the input frame, the engine's, the expected\n"
		"                     one, commented) and DIR/NAME.esp_sa (default: none)\n"
		RPT_USAGE);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run_files(char **files, int n, const struct vrun_opts *o)
{
	double start = now();
	struct vrun_stats total;
	char err[VEC_ERRBUF_SIZE], sum[256];
	int bad_files = 0;

	memset(&total, 0, sizeof(total));
	for (int i = 0; i < n && !total.dead; i++) {
		struct vec_file *vf = NULL;
		struct vrun_stats st;

		memset(&st, 0, sizeof(st));
		if (vec_parse_file(files[i], &vf, err, sizeof(err)) != 0) {
			fprintf(stderr, "ipoc vectors: %s\n", err);
			bad_files++;
			continue;
		}
		st.faults = total.faults;
		vrun_file(vf, o, &st);
		printf("%s: %s (%u unsupported by %s), %u primitives (not reachable through "
		       "the ABI)\n", files[i], verdict_summary(&st.v, sum, sizeof(sum)),
		       st.v.n[V_UNSUPPORTED], eh_info(o->eh)->name, st.prims);
		verdict_add(&total.v, &st.v);
		total.rpt_failed |= st.rpt_failed;
		total.dead = st.dead;
		total.faults = st.faults;
		vec_file_free(vf);
	}
	if (o->rpt) {
		o->rpt->seconds = now() - start;
		o->rpt->stopped = total.dead;
		rpt_summary(o->rpt, stdout, RPT_SUM_CAPS | RPT_SUM_FAILURES, 5);
	}
	if (n > 1)
		printf("vectors: %s\n", verdict_summary(&total.v, sum, sizeof(sum)));
	if (total.rpt_failed) {
		fprintf(stderr, "ipoc vectors: out of memory for the report\n");
		return CLI_FAILURES;
	}
	if (bad_files)
		return CLI_USAGE;
	if (total.dead) {
		fprintf(stderr, "ipoc vectors: the run stopped early (the engine faulted %u times)\n",
			total.faults);
		return CLI_FAILURES;
	}
	if (verdict_judged(&total.v) == 0) {
		fprintf(stderr, "ipoc vectors: no case was judged (%u unsupported, %u skipped): "
			"a run that judged nothing is not a pass\n", total.v.n[V_UNSUPPORTED],
			total.v.n[V_SKIPPED]);
		return CLI_FAILURES;
	}
	return verdict_bad(&total.v) ? CLI_FAILURES : CLI_OK;
}

int cmd_vectors_main(int argc, char **argv)
{
	static const struct option opts[] = {
		ENGINE_ARG_OPTIONS,
		{ "shapes", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "write-sent", required_argument, NULL, 'w' },
		{ "repro-dir", required_argument, NULL, 'r' },
		RPT_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vrun_opts o = { .shapes = 4, .out = stdout };
	struct engine_arg ea = ENGINE_ARG_INIT;
	struct rpt_outputs outs = { NULL, NULL, NULL };
	struct rpt rep;
	char err[LOADER_ERRBUF_SIZE], *end;
	const char *sent = NULL;
	struct vrepro_vec rd = { NULL, stdout, 0, 0 };
	struct eh *eh = NULL;
	NDIS_OFFLOAD caps;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "s:vw:r:J:U:W:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.shapes = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o.shapes < 1 || o.shapes > 4) {
				fprintf(stderr, "ipoc vectors: --shapes %s: want 1 to 4\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'v': o.verbose = true; break;
		case 'w': sent = optarg; break;
		case 'r': rd.dir = optarg; break;
		case 'h': vectors_usage(stdout); return CLI_OK;
		case '?': vectors_usage(stderr); return CLI_USAGE;
		default:
			if (rpt_outputs_take(&outs, c, optarg))
				break;
			if (engine_arg_take(&ea, c, optarg, "vectors") != 0)
				return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		vectors_usage(stderr);
		return CLI_USAGE;
	}
	rc = engine_arg_load(&ea, -1, &eh, "vectors");
	if (rc != CLI_OK)
		return rc;
	rc = engine_caps(eh, &caps, NULL, "vectors");
	if (rc != CLI_OK) {
		eh_free(eh);
		return rc;
	}
	o.eh = eh;
	o.caps = &caps;
	o.max_faults = ea.max_faults;
	if (rd.dir) {
		o.repro = vrepro_vector;
		o.repro_arg = &rd;
	}
	if (sent && !(o.sent = vec_sent_open(sent, err, sizeof(err)))) {
		fprintf(stderr, "ipoc vectors: --write-sent: %s\n", err);
		eh_free(eh);
		return CLI_USAGE;
	}
	if (rpt_init(&rep, "vectors") != 0 || rpt_set_engine(&rep, eh) != 0 ||
	    rpt_set_caps(&rep, &caps) != 0) {
		fprintf(stderr, "ipoc vectors: out of memory\n");
		rpt_free(&rep);
		vec_sent_close(o.sent, stdout, err, sizeof(err));
		eh_free(eh);
		return CLI_FAILURES;
	}
	o.rpt = &rep;
	rc = run_files(argv + optind, argc - optind, &o);
	if (vec_sent_close(o.sent, stdout, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc vectors: %s\n", err);
		rc = rc == CLI_OK ? CLI_FAILURES : rc;
	}
	if (rpt_write_all(&rep, &outs, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc vectors: %s\n", err);
		rc = rc == CLI_OK ? CLI_FAILURES : rc;
	}
	rpt_free(&rep);
	eh_free(eh);
	return rc;
}
