/* SPDX-License-Identifier: MIT */
/*
 * cmd_fuzz.c - `ipoc fuzz TARGET [--engine PATH] [--time S] [--jobs N]
 * [--fuzzer afl|libfuzzer]`: a fuzzing campaign on this machine.
 *
 * The campaign is fuzz/campaign.py of the source tree this ipoc was built
 * from, run here in ipoc's place: it configures and builds the fuzz build
 * folders with meson, starts and watches the fuzzers (several afl-fuzz
 * processes, or libFuzzer's fork mode), reads their statistics files and
 * logs, and sorts what they leave behind (afl-cmin and afl-tmin are
 * themselves scripts and programs to run). That is process and file
 * orchestration over the source tree, with nothing of the engine host in
 * it, so it lives beside the fuzz targets it drives, in Python like the
 * project's other drivers (ci/main_job.py), and ipoc only hands over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef IPOC_SOURCE_ROOT
#define IPOC_SOURCE_ROOT "."
#endif

int cmd_fuzz_main(int argc, char **argv)
{
	const char *script = IPOC_SOURCE_ROOT "/fuzz/campaign.py";
	const char *python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	char **args = calloc((size_t)argc + 2, sizeof(*args));

	if (!args) {
		fprintf(stderr, "ipoc fuzz: out of memory\n");
		return CLI_FAILURES;
	}
	if (access(script, R_OK) != 0) {
		fprintf(stderr, "ipoc fuzz: %s: %s (ipoc fuzz runs the campaign script of the "
			"source tree ipoc was built from)\n", script, strerror(errno));
		free(args);
		return CLI_USAGE;
	}
	args[0] = (char *)python;
	args[1] = (char *)script;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	execvp(python, args);
	fprintf(stderr, "ipoc fuzz: %s: %s\n", python, strerror(errno));
	free(args);
	return CLI_USAGE;
}
