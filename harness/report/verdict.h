/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the verdicts every subcommand that judges an engine gives a
 * case (a vector, a frame, a conformance case), and their counts.
 *
 *   passed       every check held
 *   failed       a check did not hold (the report says which and why)
 *   unsupported  the engine's capability report, read up front, excludes
 *                what the case needs; nothing else makes a case unsupported
 *   skipped      not run, for the reason printed with it
 *   crashed, hung, exited
 *                the engine ended its host process (a signal or a sanitizer
 *                report; no answer within the timeout; exit() or _exit())
 * A run fails when any case failed, crashed, hung or exited, and when it
 * judged nothing (no case passed or failed).
 */
#ifndef IPOC_VERDICT_H
#define IPOC_VERDICT_H

#include <stdbool.h>

#include "host.h"

enum verdict {
	V_PASSED = 0,
	V_FAILED,
	V_UNSUPPORTED,
	V_SKIPPED,
	V_CRASHED,
	V_HUNG,
	V_EXITED,
	V_COUNT
};

struct verdict_counts {
	unsigned n[V_COUNT];
};

/* "passed", "failed", ... */
const char *verdict_name(enum verdict v);
/* The verdict of an operation that did not return EH_OK (EH_ERROR: failed). */
enum verdict verdict_of_rc(enum eh_rc rc);
/* Did any case fail, crash, hang or exit? */
bool verdict_bad(const struct verdict_counts *c);
/* Cases judged: passed, failed, crashed, hung, exited. */
unsigned verdict_judged(const struct verdict_counts *c);
/* "12 passed, 1 failed, 3 unsupported" (only the non-zero ones besides
 * passed and failed) into buf. */
const char *verdict_summary(const struct verdict_counts *c, char *buf, size_t len);
void verdict_add(struct verdict_counts *to, const struct verdict_counts *from);

#endif /* IPOC_VERDICT_H */
