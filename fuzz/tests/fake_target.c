/* SPDX-License-Identifier: MIT */
/*
 * fake_target.c - a fuzz target with two known faults, for the tests of
 * fuzz/campaign.py (test_campaign.py builds it with clang for libFuzzer and
 * with afl-clang-fast for AFL++): an oracle that fails on inputs starting
 * "IPO" (the one-line signature of fz_fault, then abort), and a heap read
 * past a buffer on inputs starting "HB". Everything else runs clean, with
 * a few branches for the fuzzers to find.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noinline)) static void oracle_fails(size_t size)
{
	fprintf(stderr, "ipoc-fuzz: fake: the oracle does not hold\ninput of %zu bytes\n", size);
	abort();
}

__attribute__((noinline)) static int fake_read_past(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(4);
	int v;

	memcpy(copy, data, size < 4 ? size : 4);
	v = copy[4 + (size > 2 ? data[2] % 4 : 0)];
	free(copy);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static volatile int sink;

	if (size >= 3 && data[0] == 'I' && data[1] == 'P' && data[2] == 'O')
		oracle_fails(size);
	if (size >= 2 && data[0] == 'H' && data[1] == 'B')
		sink = fake_read_past(data, size);
	if (size >= 1 && data[0] == 'x')
		sink = 1;
	return 0;
}
