/* SPDX-License-Identifier: MIT */
/*
 * rpt_text.c - the human summary of a run: a line per group, a line per
 * capability (each value of each matrix coordinate the results carry), the
 * first failures explained, and the closing line "TOOL: N passed, ...".
 */
#include <stdlib.h>
#include <string.h>

#include "rpt.h"

/* The coordinates of a result, by dimension. */
static const char *coord(const struct rpt_result *x, int dim)
{
	switch (dim) {
	case 0: return x->alg;
	case 1: return x->mode;
	case 2: return x->family;
	default: return x->encap;
	}
}

static const char *const dim_names[4] = { "algorithm", "mode", "family", "encapsulation" };

static void caps_lines(const struct rpt *r, FILE *f)
{
	const char **vals = malloc((r->n ? r->n : 1) * sizeof(*vals));
	bool head = false;
	char sum[256];

	if (!vals)
		return;
	for (int dim = 0; dim < 4; dim++) {
		size_t n = 0;

		/* The values in order of first appearance. */
		for (size_t i = 0; i < r->n; i++) {
			const char *v = coord(&r->res[i], dim);
			size_t j = 0;

			while (j < n && strcmp(vals[j], v) != 0)
				j++;
			if (v[0] && j == n)
				vals[n++] = v;
		}
		for (size_t j = 0; j < n; j++) {
			rpt_counts c;

			memset(&c, 0, sizeof(c));
			for (size_t i = 0; i < r->n; i++)
				if (strcmp(coord(&r->res[i], dim), vals[j]) == 0)
					c.n[r->res[i].v]++;
			if (!head)
				fputs("per capability:\n", f);
			head = true;
			fprintf(f, "  %-13s %-48s %s\n", j ? "" : dim_names[dim], vals[j],
				verdict_summary(&c, sum, sizeof(sum)));
		}
	}
	free(vals);
}

static void failure_lines(const struct rpt *r, FILE *f, unsigned max)
{
	unsigned n_bad = 0, shown = 0;

	for (size_t i = 0; i < r->n; i++)
		n_bad += rpt_verdict_bad(r->res[i].v);
	if (!n_bad || !max)
		return;
	fprintf(f, "first failures (%u of %u):\n", n_bad < max ? n_bad : max, n_bad);
	for (size_t i = 0; i < r->n && shown < max; i++) {
		const struct rpt_result *x = &r->res[i];

		if (!rpt_verdict_bad(x->v))
			continue;
		shown++;
		fprintf(f, "  %-9s %s%s%.600s\n", x->v == V_FAILED ? "FAIL" : verdict_name(x->v),
			x->id, x->why[0] ? ": " : "", x->why);
		fprintf(f, "            %s [%s]", x->title, x->rule);
		if (x->reproducer[0])
			fprintf(f, "; reproducer: %s", x->reproducer);
		for (unsigned a = 0; a < x->n_artifacts; a++)
			fprintf(f, ", %s", x->artifacts[a]);
		fputc('\n', f);
		if (x->allowed_by[0])
			fprintf(f, "            (allowed by %s)\n", x->allowed_by);
	}
}

void rpt_summary(const struct rpt *r, FILE *f, unsigned what, unsigned max_failures)
{
	char sum[256];
	rpt_counts c;

	if (what & RPT_SUM_GROUPS) {
		const char **groups;
		size_t n;

		if (rpt_groups(r, &groups, &n) == 0) {
			for (size_t g = 0; g < n; g++) {
				rpt_counts_group(r, groups[g], &c);
				fprintf(f, "  %-9s %s\n", groups[g], verdict_summary(&c, sum, sizeof(sum)));
			}
			free(groups);
		}
	}
	if (what & RPT_SUM_CAPS)
		caps_lines(r, f);
	if (what & RPT_SUM_FAILURES)
		failure_lines(r, f, max_failures);
	if (!(what & RPT_SUM_TOTAL))
		return;
	if (r->n_merged) {
		fprintf(f, "merged from %u run%s:", r->n_merged, r->n_merged == 1 ? "" : "s");
		for (unsigned i = 0; i < r->n_merged; i++)
			fprintf(f, " %s", r->merged_from[i]);
		fprintf(f, "%s\n", r->stopped ? " (one of them stopped early: not every case ran)"
			: "");
	}
	fprintf(f, "%.1f s, engine %s%s\n", r->seconds, r->engine.name,
		r->engine.host_process ? " in the engine host process" : " in this process");
	rpt_counts_all(r, &c);
	fprintf(f, "%s: %s\n", r->tool, verdict_summary(&c, sum, sizeof(sum)));
}
