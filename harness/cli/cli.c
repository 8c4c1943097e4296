/* SPDX-License-Identifier: MIT */
/* cli.c - ipoc's entry point and subcommand table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct subcommand subcommands[] = {
	{ "info", cmd_info_main, "Load an engine and print its name, version, ABI and capabilities" },
	{ "replay", cmd_replay_main, "Replay a capture through an engine's receive path with its keys" },
	{ "validate", cmd_validate_main, "Run the conformance suite against an engine: a verdict per case" },
	{ "vectors", cmd_vectors_main, "Run known-answer vector files through an engine" },
	{ "bench", cmd_bench_main, "ESP throughput per algorithm, size and direction, beside raw OpenSSL EVP and intel-ipsec-mb" },
	{ "repro", cmd_repro_main, "Replay a reproducer that validate saved, against an engine" },
	{ "diff", cmd_diff_main, "Two engines side by side: suite verdicts and generated traffic" },
	{ "report", cmd_report_main, "Merge runs that --json wrote into one report (JSON, JUnit, HTML)" },
	{ "fuzz", cmd_fuzz_main, "A fuzzing campaign on a fuzz target (libFuzzer or AFL++), crashes filed by signature" },
	{ "help", cmd_help_main, "Show this list, or `ipoc help SUBCOMMAND` for one" },
	{ "version", cmd_version_main, "Print ipoc's version and engine ABI version" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

void cli_usage(FILE *f)
{
	fprintf(f, "usage: ipoc [--version] SUBCOMMAND [ARGS...]\n\n"
		"ipoc is a conformance and fuzzing harness for NDIS IPsec task offload engines.\n\n"
		"subcommands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\nexit codes: 0 passed, 1 failures, 2 usage error, 3 engine failed to load\n");
}

const struct subcommand *cli_find(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct subcommand *sc;

	/* Verdicts reach a pipe or a CI log line by line, even when the
	 * process dies afterwards. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		cli_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return cmd_version_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help_main(1, argv + 1);
	sc = cli_find(argv[1]);
	if (!sc) {
		fprintf(stderr, "ipoc: no subcommand '%s' (try 'ipoc help')\n", argv[1]);
		return CLI_USAGE;
	}
	return sc->main(argc - 1, argv + 1);
}
