/* SPDX-License-Identifier: MIT */
/*
 * test_abi_header.c - the public headers compile on their own, as C99 and
 * (through test_abi_header_cpp.cpp) as C++11, with -pedantic -Werror and no
 * include path but engine/include, and the values a vendor's build sees are
 * the ones the harness was built with (passed in on the command line).
 */
#include <ipoc/engine.h>

#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
#define LANG "C++"
#else
#define LANG "C99"
#endif

int main(int argc, char **argv)
{
	int fails = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OPS_MIN_SIZE OPS_SIZE\n", argv[0]);
		return 2;
	}
	if ((unsigned long)IPOC_ENGINE_OPS_MIN_SIZE != strtoul(argv[1], NULL, 0)) {
		fprintf(stderr, LANG ": IPOC_ENGINE_OPS_MIN_SIZE %lu, harness says %s\n",
			(unsigned long)IPOC_ENGINE_OPS_MIN_SIZE, argv[1]);
		fails++;
	}
	if ((unsigned long)sizeof(struct ipoc_engine_ops) != strtoul(argv[2], NULL, 0)) {
		fprintf(stderr, LANG ": sizeof(struct ipoc_engine_ops) %lu, harness says %s\n",
			(unsigned long)sizeof(struct ipoc_engine_ops), argv[2]);
		fails++;
	}
	printf("abi_header " LANG ": %d passed, %d failed\n", 2 - fails, fails);
	return fails ? 1 : 0;
}
