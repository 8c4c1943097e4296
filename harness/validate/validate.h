/* SPDX-License-Identifier: MIT */
/*
 * validate.h - running the conformance suite against an engine: select
 * cases, read the capability report up front, run each case in its own
 * instances, turn faults into verdicts (a fresh engine host follows), save
 * a reproducer for every case that did not pass, and report per case as
 * text, and as a run's report (rpt.h) per area, per capability and in all.
 */
#ifndef IPOC_VALIDATE_H
#define IPOC_VALIDATE_H

#include <stdbool.h>
#include <stdio.h>

#include "host.h"
#include "rpt.h"
#include "vcase.h"
#include "vctx.h"
#include "verdict.h"

struct vselect {
	const char **cases;         /* fnmatch patterns on ids (NULL-terminated), or NULL */
	const char **areas;         /* area names (NULL-terminated), or NULL */
};

struct vrun {
	struct eh *eh, *ref;
	NDIS_OFFLOAD caps;
	struct vopts o;
	struct vcase *cases;
	unsigned n_cases;
	struct vresult *res;        /* per case, for the selected ones */
	bool *selected;
	double *secs;               /* per case: wall time */
	struct verdict_counts total;
	double seconds;
	bool stopped;               /* --max-faults reached */
	unsigned faults;
};

/* Every case, expanded; 0 or -1 (out of memory). */
int vrun_init(struct vrun *r);
void vrun_fini(struct vrun *r);

/* Mark the cases sel chooses (the timing area only when asked by name).
 * Returns how many. */
unsigned vrun_select(struct vrun *r, const struct vselect *sel);

/* Print the selected cases: id, area, rule, title. */
void vrun_list(const struct vrun *r, FILE *out);

/* Run the selected cases; r->eh, r->ref, r->caps and r->o set. Lines per
 * case that did not pass (every case with o.verbose) to out. */
void vrun_cases(struct vrun *r, FILE *out, bool progress);

/* The lines of case i (none for a pass unless o.verbose). */
void vrun_print_case(const struct vrun *r, unsigned i, FILE *out);

/* Keep the selected cases of shard index (1..count): a case's shard comes
 * from a hash of its id, so it stays put when other cases come and go.
 * Returns how many remain. */
unsigned vrun_shard(struct vrun *r, unsigned index, unsigned count);

/* Load the engine again, for a job (vrun_cases_jobs). 0, or -1. */
typedef int (*vload_fn)(void *ctx, struct eh **eh);

/* vrun_cases over jobs processes, each with an engine host of its own
 * (loaded through load; an engine in process is each fork's own copy):
 * the same results, printed in the same order. --max-faults counts over
 * all jobs (a fault or two in flight may pass it). 0, or -1 when a job
 * could not start or ended without all its results (those cases are
 * skipped, "not run"). */
int vrun_cases_jobs(struct vrun *r, unsigned jobs, vload_fn load, void *ctx, FILE *out,
		    bool progress);

/* The run's report: the engine, its capability report, every selected
 * case as a result (group: its area; matrix coordinates where the case
 * names an algorithm configuration), into out (rpt_init'd, tool
 * "validate"). 0, or -1 (out of memory). Its summary (rpt_summary) is the
 * closing report: per area, per capability, then `validate: ...`. */
int vrun_report(const struct vrun *r, struct rpt *out);

#endif /* IPOC_VALIDATE_H */
