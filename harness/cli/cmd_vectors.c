/* SPDX-License-Identifier: MIT */
/*
 * cmd_vectors.c - `ipoc vectors [--engine PATH] [--shapes N] [--verbose]
 * [--write-sent OUT.pcapng] FILE...`: run known-answer vector files through
 * an engine (vec_run.h), keeping what it sent for tshark (vec_sent.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "loader.h"
#include "vec_run.h"
#include "vec_sent.h"
#include "vectors.h"

static void vectors_usage(FILE *f)
{
	fprintf(f, "usage: ipoc vectors [--engine PATH] [--shapes N] [--verbose]\n"
		"                    [--write-sent OUT.pcapng] FILE...\n"
		"  --engine PATH  engine shared object (default: the bundled reference engine)\n"
		"  --shapes N     MDL shapes per case and direction, 1-4 (default 4: one MDL,\n"
		"                 split after the IP header, 3 random MDLs, 1-byte MDLs)\n"
		"  --verbose      a line per case, direction and shape, not only failures\n"
		"  --write-sent OUT.pcapng\n"
		"                 write the frames of the passing sends in shape 0 to OUT.pcapng\n"
		"                 (Ethernet) and their SAs to OUT.esp_sa (Wireshark 4.0), for\n"
		"                 those tshark can check: not AH, AES-GMAC, ESN or transport\n"
		"                 over tunnel\n");
}

static int run_files(struct loaded_engine *le, char **files, int n, const struct vrun_opts *o)
{
	struct vrun_stats total = { 0 };
	char err[VEC_ERRBUF_SIZE];
	int bad_files = 0;

	for (int i = 0; i < n; i++) {
		struct vec_file *vf = NULL;
		struct vrun_stats st = { 0 };

		if (vec_parse_file(files[i], &vf, err, sizeof(err)) != 0) {
			fprintf(stderr, "ipoc vectors: %s\n", err);
			bad_files++;
			continue;
		}
		vrun_file(vf, o, &st);
		printf("%s: %u passed, %u failed, %u unsupported by %s, %u primitives (not "
		       "reachable through the ABI)\n", files[i], st.passed, st.failed,
		       st.unsupported, le->ops->name, st.prims);
		total.passed += st.passed;
		total.failed += st.failed;
		total.unsupported += st.unsupported;
		vec_file_free(vf);
	}
	if (n > 1)
		printf("vectors: %u passed, %u failed\n", total.passed, total.failed);
	if (bad_files)
		return CLI_USAGE;
	return total.failed ? CLI_FAILURES : CLI_OK;
}

int cmd_vectors_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "shapes", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "write-sent", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vrun_opts o = { .shapes = 4, .out = stdout };
	char path[4096], err[LOADER_ERRBUF_SIZE], *end;
	const char *engine = NULL, *sent = NULL;
	struct loaded_engine le;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "e:s:vw:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': engine = optarg; break;
		case 's':
			o.shapes = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o.shapes < 1 || o.shapes > 4) {
				fprintf(stderr, "ipoc vectors: --shapes %s: want 1 to 4\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'v': o.verbose = true; break;
		case 'w': sent = optarg; break;
		case 'h': vectors_usage(stdout); return CLI_OK;
		default: vectors_usage(stderr); return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		vectors_usage(stderr);
		return CLI_USAGE;
	}
	if (!engine)
		engine = loader_default_engine(path, sizeof(path));
	if (loader_open(&le, engine, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc vectors: %s\n", err);
		return CLI_ENGINE;
	}
	o.ops = le.ops;
	if (sent && !(o.sent = vec_sent_open(sent, err, sizeof(err)))) {
		fprintf(stderr, "ipoc vectors: --write-sent: %s\n", err);
		loader_close(&le);
		return CLI_USAGE;
	}
	rc = run_files(&le, argv + optind, argc - optind, &o);
	if (vec_sent_close(o.sent, stdout, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc vectors: %s\n", err);
		rc = rc == CLI_OK ? CLI_FAILURES : rc;
	}
	loader_close(&le);
	return rc;
}
