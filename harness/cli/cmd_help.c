/* SPDX-License-Identifier: MIT */
/* cmd_help.c - `ipoc help [SUBCOMMAND]`. */
#include <stdio.h>

#include "cli.h"

int cmd_help_main(int argc, char **argv)
{
	const struct subcommand *sc;
	char *sub_argv[3];

	if (argc < 2) {
		cli_usage(stdout);
		return CLI_OK;
	}
	sc = cli_find(argv[1]);
	if (!sc) {
		fprintf(stderr, "ipoc: no subcommand '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	if (sc->main == cmd_help_main || sc->main == cmd_version_main) {
		printf("ipoc %s: %s\n", sc->name, sc->summary);
		return CLI_OK;
	}
	sub_argv[0] = argv[1];
	sub_argv[1] = (char *)"--help";
	sub_argv[2] = NULL;
	return sc->main(2, sub_argv);
}
