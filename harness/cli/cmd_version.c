/* SPDX-License-Identifier: MIT */
/* cmd_version.c - `ipoc version` (also `ipoc --version`). */
#include <stdio.h>

#include "cli.h"
#include "ipoc/engine.h"

#ifndef IPOC_VERSION
#define IPOC_VERSION "0.0.0"
#endif

int cmd_version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ipoc %s (engine ABI %d.%d)\n", IPOC_VERSION, IPOC_ENGINE_ABI_MAJOR,
	       IPOC_ENGINE_ABI_MINOR);
	return CLI_OK;
}
