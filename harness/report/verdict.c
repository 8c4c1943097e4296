/* SPDX-License-Identifier: MIT */
/* verdict.c - see verdict.h. */
#include <stdio.h>

#include "verdict.h"

const char *verdict_name(enum verdict v)
{
	static const char *const names[V_COUNT] = { "passed", "failed", "unsupported", "skipped",
						    "crashed", "hung", "exited" };

	return v < V_COUNT ? names[v] : "?";
}

enum verdict verdict_of_rc(enum eh_rc rc)
{
	switch (rc) {
	case EH_OK: return V_PASSED;
	case EH_CRASHED: return V_CRASHED;
	case EH_HUNG: return V_HUNG;
	case EH_EXITED: return V_EXITED;
	default: return V_FAILED;
	}
}

bool verdict_bad(const struct verdict_counts *c)
{
	return c->n[V_FAILED] || c->n[V_CRASHED] || c->n[V_HUNG] || c->n[V_EXITED];
}

unsigned verdict_judged(const struct verdict_counts *c)
{
	return c->n[V_PASSED] + c->n[V_FAILED] + c->n[V_CRASHED] + c->n[V_HUNG] + c->n[V_EXITED];
}

const char *verdict_summary(const struct verdict_counts *c, char *buf, size_t len)
{
	int k = snprintf(buf, len, "%u passed, %u failed", c->n[V_PASSED], c->n[V_FAILED]);

	for (int v = V_UNSUPPORTED; v < V_COUNT && k > 0 && (size_t)k < len; v++)
		if (c->n[v])
			k += snprintf(buf + k, len - (size_t)k, ", %u %s", c->n[v],
				      verdict_name((enum verdict)v));
	return buf;
}

void verdict_add(struct verdict_counts *to, const struct verdict_counts *from)
{
	for (int v = 0; v < V_COUNT; v++)
		to->n[v] += from->n[v];
}
