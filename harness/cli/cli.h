/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the ipoc subcommands. Each lives in its own cmd_<name>.c and is
 * listed in the table in cli.c.
 *
 * Exit codes: 0 all passed; 1 conformance or check failures; 2 usage error;
 * 3 the engine failed to load, failed the ABI handshake or failed to open.
 */
#ifndef IPOC_CLI_H
#define IPOC_CLI_H

enum cli_exit {
	CLI_OK = 0,
	CLI_FAILURES = 1,
	CLI_USAGE = 2,
	CLI_ENGINE = 3,
};

#include <stdio.h>

struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

/* The table in cli.c. */
const struct subcommand *cli_find(const char *name);
void cli_usage(FILE *f);

int cmd_info_main(int argc, char **argv);
int cmd_vectors_main(int argc, char **argv);
int cmd_replay_main(int argc, char **argv);
int cmd_bench_main(int argc, char **argv);
int cmd_validate_main(int argc, char **argv);
int cmd_repro_main(int argc, char **argv);
int cmd_diff_main(int argc, char **argv);
int cmd_report_main(int argc, char **argv);
int cmd_fuzz_main(int argc, char **argv);
int cmd_help_main(int argc, char **argv);
int cmd_version_main(int argc, char **argv);

#endif /* IPOC_CLI_H */
