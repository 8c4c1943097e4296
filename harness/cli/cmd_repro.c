/* SPDX-License-Identifier: MIT */
/*
 * cmd_repro.c - `ipoc repro FILE [--engine PATH]`: replay a reproducer that
 * `ipoc validate` saved (the engine's requests of one case) against the
 * engine it names, or another, and say what each request came to.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "engine_arg.h"
#include "host.h"

static void repro_usage(FILE *f)
{
	fprintf(f, "usage: ipoc repro FILE [--engine PATH] [--in-process|--host-process]\n"
		"                  [--timeout S]\n"
		ENGINE_ARG_USAGE
		"The engine defaults to the one the reproducer was recorded with. Exit 0 when\n"
		"every request ran, 1 when the engine crashed, hung or exited.\n");
}

int cmd_repro_main(int argc, char **argv)
{
	static const struct option opts[] = {
		ENGINE_ARG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct engine_arg ea = ENGINE_ARG_INIT;
	char engine[4200], err[1024];
	struct eh *eh = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': repro_usage(stdout); return CLI_OK;
		case '?': repro_usage(stderr); return CLI_USAGE;
		default:
			if (engine_arg_take(&ea, c, optarg, "repro") != 0)
				return CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		repro_usage(stderr);
		return CLI_USAGE;
	}
	if (!ea.path) {
		if (eh_repro_engine(argv[optind], engine, sizeof(engine), err, sizeof(err)) != 0) {
			fprintf(stderr, "ipoc repro: %s\n", err);
			return CLI_USAGE;
		}
		ea.path = engine;
	}
	rc = engine_arg_load(&ea, -1, &eh, "repro");
	if (rc != CLI_OK)
		return rc;
	rc = eh_repro_run(eh, argv[optind], stdout, err, sizeof(err));
	eh_free(eh);
	if (rc < 0) {
		fprintf(stderr, "ipoc repro: %s\n", err);
		return CLI_USAGE;
	}
	return rc == EH_OK ? CLI_OK : CLI_FAILURES;
}
