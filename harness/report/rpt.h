/* SPDX-License-Identifier: MIT */
/*
 * rpt.h - one run of a subcommand that judges an engine (validate, vectors,
 * replay, diff) and its outputs: the JSON document (ipoc-report.schema.json,
 * written and read back through jansson), JUnit XML for CI test reporters,
 * one self-contained HTML page, and the human summary.
 *
 * A run is the tool, the engine (name, version, path, where it ran, its
 * test hooks), its capability report, the wall time, whether the run
 * stopped early, the seed and shard when given, and a list of results. A
 * result is one judged thing with a stable id: a conformance case, a vector
 * case in one direction and MDL shape, a captured frame, a divergence
 * signature. Its group is what the tool groups by (the area for validate,
 * the vector file for vectors, the capture for replay, the signature for
 * diff). Where a result is about one cell of the capability matrix, it
 * carries its coordinates: algorithm (as the conformance suite names its
 * configurations, "esp.aes-gcm-128.icv16"), mode ("transport", "tunnel",
 * "tot"), family ("ipv4", "ipv6") and encapsulation ("none",
 * "udp-transport", "udp-tunnel", "udp-tot-outer", "udp-tot-inner"); ""
 * where one does not apply.
 *
 * Every string is copied in; bytes that are not UTF-8 become "\xNN" text,
 * so each output format carries them faithfully.
 *
 * For a subcommand: rpt_init, rpt_set_engine (and rpt_set_caps), one
 * rpt_add per result, then rpt_write_all for the --json / --junit / --html
 * files asked for, and rpt_summary for people.
 */
#ifndef IPOC_RPT_H
#define IPOC_RPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "host.h"
#include "ipoc/ndis.h"
#include "verdict.h"

/* The version of the JSON document's layout (its "format_version"): it
 * grows when a field changes meaning or a required one appears. */
#define RPT_FORMAT "ipoc-report"
#define RPT_FORMAT_VERSION 1

/* The verdicts of one group, one capability, or the whole run. */
typedef struct verdict_counts rpt_counts;

struct rpt_engine {
	char *name, *version, *path;
	char *abi;                  /* "1.0" */
	bool host_process;          /* ran in the engine host process */
	bool test_set_tx_iv, test_set_sequence;     /* its test hooks */
};

/* One result. As an input to rpt_add every pointer may be NULL ("");
 * the rpt's own copies are never NULL. */
struct rpt_result {
	const char *id;             /* stable across runs, unique in a run */
	const char *group;
	const char *title;          /* what the result is about */
	const char *rule;           /* the rule checked, or the vector's provenance */
	enum verdict v;
	const char *why;            /* why it did not pass (or what was seen) */
	const char *allowed_by;     /* a PROFILE.md point that allowed what was seen */
	const char *reproducer;     /* the file that replays it, or "" */
	const char *const *artifacts;   /* further files of the reproducer (pcapng, keys) */
	unsigned n_artifacts;
	double seconds;
	const char *alg, *mode, *family, *encap;    /* matrix coordinates, or "" */
};

struct rpt {
	char *tool;                 /* "validate", "vectors", "replay", "diff" */
	struct rpt_engine engine;
	json_t *caps;               /* the NDIS_OFFLOAD report as JSON, or NULL */
	double seconds;
	bool stopped;               /* the run stopped early (--max-faults, a dead host) */
	char *seed;                 /* decimal, or NULL */
	char *shard;                /* "I/N", or NULL */
	char **merged_from;         /* the files a merged run came from */
	unsigned n_merged;
	struct rpt_result *res;     /* owned copies */
	size_t n, cap;
};

/* The formats a subcommand was asked for; NULL: not wanted. */
struct rpt_outputs {
	const char *json, *junit, *html;
};

/* Options every reporting subcommand takes (getopt_long rows returning
 * 'J', 'U', 'W'), and their usage lines. */
#define RPT_OPTIONS \
	{ "json", required_argument, NULL, 'J' }, \
	{ "junit", required_argument, NULL, 'U' }, \
	{ "html", required_argument, NULL, 'W' }
#define RPT_USAGE \
	"  --json FILE        the run as one JSON document (its schema:\n" \
	"                     harness/report/ipoc-report.schema.json)\n" \
	"  --junit FILE       the run as JUnit XML, for CI test reporters\n" \
	"  --html FILE        the run as one self-contained HTML page\n"
/* Take option c ('J', 'U' or 'W'); false when c is none of them. */
bool rpt_outputs_take(struct rpt_outputs *o, int c, const char *arg);

/* 0, or -1 (out of memory). */
int rpt_init(struct rpt *r, const char *tool);
void rpt_free(struct rpt *r);

/* The engine's identity from its host session. */
int rpt_set_engine(struct rpt *r, const struct eh *eh);
/* Or from strings (cleaned as every string is; NULL leaves a field). */
int rpt_set_engine_names(struct rpt *r, const char *name, const char *version, const char *path,
			 const char *abi);
/* The capability report (converted with caps_to_json). */
int rpt_set_caps(struct rpt *r, const NDIS_OFFLOAD *caps);
int rpt_set_seed(struct rpt *r, uint64_t seed);
int rpt_set_shard(struct rpt *r, unsigned i, unsigned n);

/* Append a copy of res. 0, or -1 (out of memory, v not a verdict, or a
 * coordinate not one of the values above: rpt_bad_coord says which). */
int rpt_add(struct rpt *r, const struct rpt_result *res);

/* Counts over every result, or over those of one group. */
void rpt_counts_all(const struct rpt *r, rpt_counts *c);
void rpt_counts_group(const struct rpt *r, const char *group, rpt_counts *c);
/* The groups in order of first appearance: *out malloc'd (pointers into
 * r), *n of them; 0 or -1. */
int rpt_groups(const struct rpt *r, const char ***out, size_t *n);

/* Does the run fail: a result failed, crashed, hung or exited, the run
 * stopped early, or nothing was judged? */
bool rpt_bad(const struct rpt *r);

/* The run as a JSON document (a new reference), or NULL (out of memory). */
json_t *rpt_to_json(const struct rpt *r);
/* Write the JSON document to path. 0, or -1 with err. */
int rpt_write_json(const struct rpt *r, const char *path, char *err, size_t errlen);
/* Read a document rpt_write_json wrote into r (rpt_init'd by this call).
 * 0, or -1 with err naming path and the field ("a.json: cases[3].verdict:
 * 'maybe' is not a verdict"); r is then empty. */
int rpt_read_json(struct rpt *r, const char *path, char *err, size_t errlen);

/* Merge the runs in (n of them, read from names[i]) into out, results
 * sorted by id. They must be of the same tool and engine (name, version)
 * with the same capability report; an id twice is an error naming both
 * files. 0, or -1 with err; out is then empty. */
int rpt_merge(struct rpt *out, const struct rpt *in, const char *const *names, size_t n,
	      char *err, size_t errlen);

/* JUnit XML and the HTML page. 0, or -1 with err. */
int rpt_write_junit(const struct rpt *r, const char *path, char *err, size_t errlen);
int rpt_write_html(const struct rpt *r, const char *path, char *err, size_t errlen);
/* Every format o asks for. 0, or -1 with err (the first that failed). */
int rpt_write_all(const struct rpt *r, const struct rpt_outputs *o, char *err, size_t errlen);

/* What rpt_summary prints. */
enum rpt_sum {
	RPT_SUM_GROUPS = 1u << 0,       /* a line per group */
	RPT_SUM_CAPS = 1u << 1,         /* a line per capability (each matrix coordinate) */
	RPT_SUM_FAILURES = 1u << 2,     /* the first max_failures failures explained */
	RPT_SUM_TOTAL = 1u << 3,        /* the wall time and engine, and "TOOL: N passed, ..." */
	RPT_SUM_ALL = 0xFu,
};
void rpt_summary(const struct rpt *r, FILE *f, unsigned what, unsigned max_failures);

/* ---- helpers the writers share ---- */

/* The worse of two verdicts for a matrix cell: crashed > hung > exited >
 * failed > passed > unsupported > skipped. */
enum verdict rpt_worse(enum verdict a, enum verdict b);
/* A JSON string of s (NULL: ""), bytes that are not UTF-8 written as the
 * text \xNN (jansson takes UTF-8 only, and an engine's strings are its
 * own bytes). A new reference, or NULL (out of memory). */
json_t *rpt_json_str(const char *s);
/* The first matrix coordinate of x that is not one of the values above
 * ("mode: 'sideways' is not ..." into buf), or NULL when all are. */
const char *rpt_bad_coord(const struct rpt_result *x, char *buf, size_t len);
/* Is v one that makes a run fail? */
bool rpt_verdict_bad(enum verdict v);
/* The verdict named s, or V_COUNT. */
enum verdict rpt_verdict_of(const char *s);

#endif /* IPOC_RPT_H */
