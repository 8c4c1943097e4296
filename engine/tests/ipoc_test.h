/* SPDX-License-Identifier: MIT */
/*
 * ipoc_test.h - the few macros every ipoc test program uses.
 *
 * A test program runs its checks, each failing one prints file:line and the
 * expression (with values for the _EQ forms), and main() ends with
 * `return ipoc_test_report(argv[0]);`, which prints
 * "NAME: N passed, M failed" and gives the exit status meson reads.
 */
#ifndef IPOC_TEST_H
#define IPOC_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned ipoc_test_passed, ipoc_test_failed;

#define IPOC_CHECK(cond) \
	do { \
		if (cond) { \
			ipoc_test_passed++; \
		} else { \
			ipoc_test_failed++; \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Unsigned integer equality, printing both values on failure. */
#define IPOC_CHECK_EQ(got, want) \
	do { \
		uint64_t ipoc_g_ = (uint64_t)(got), ipoc_w_ = (uint64_t)(want); \
		if (ipoc_g_ == ipoc_w_) { \
			ipoc_test_passed++; \
		} else { \
			ipoc_test_failed++; \
			fprintf(stderr, "%s:%d: %s == 0x%" PRIx64 ", want %s == 0x%" PRIx64 "\n", \
				__FILE__, __LINE__, #got, ipoc_g_, #want, ipoc_w_); \
		} \
	} while (0)

/* Memory equality. */
#define IPOC_CHECK_MEM(got, want, n) \
	do { \
		if (memcmp((got), (want), (n)) == 0) { \
			ipoc_test_passed++; \
		} else { \
			ipoc_test_failed++; \
			fprintf(stderr, "%s:%d: %s differs from %s over %zu bytes\n", \
				__FILE__, __LINE__, #got, #want, (size_t)(n)); \
		} \
	} while (0)

/* String contains. */
#define IPOC_CHECK_STR_HAS(s, sub) \
	do { \
		const char *ipoc_s_ = (s); \
		if (ipoc_s_ && strstr(ipoc_s_, (sub))) { \
			ipoc_test_passed++; \
		} else { \
			ipoc_test_failed++; \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", \
				__FILE__, __LINE__, ipoc_s_ ? ipoc_s_ : "(null)", (sub)); \
		} \
	} while (0)

static inline int ipoc_test_report(const char *name)
{
	const char *base = strrchr(name, '/');

	printf("%s: %u passed, %u failed\n", base ? base + 1 : name, ipoc_test_passed,
	       ipoc_test_failed);
	if (ipoc_test_passed == 0 && ipoc_test_failed == 0) {
		printf("no check ran\n");
		return 1;
	}
	return ipoc_test_failed ? 1 : 0;
}

#endif /* IPOC_TEST_H */
