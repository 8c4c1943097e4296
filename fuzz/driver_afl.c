/* SPDX-License-Identifier: MIT */
/*
 * driver_afl.c - a fuzz target as an AFL++ persistent-mode program
 * (-Dfuzzing=afl, afl-clang-fast): LLVMFuzzerInitialize (which loads the
 * engine under fuzz) runs before the fork server starts (deferred
 * initialisation), so every fork starts with the engine loaded; then up to
 * 10000 inputs per process from AFL++'s shared-memory test case buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;

	while (__AFL_LOOP(10000)) {
		int len = __AFL_FUZZ_TESTCASE_LEN;

		LLVMFuzzerTestOneInput(buf, (size_t)len);
	}
	return 0;
}
