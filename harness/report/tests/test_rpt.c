/* SPDX-License-Identifier: MIT */
/*
 * test_rpt.c - the report module on its own: strings that are not UTF-8
 * become \xNN text; a run written as JSON reads back equal, odd characters
 * included; coordinates outside the documented values are refused; the
 * counts, the fail rule (a failure, a stopped run, a run that judged
 * nothing), merging in id order and its three refusals (another tool,
 * another engine, an id in two files, each naming the files).
 *
 * usage: test_rpt [OUTDIR]  - with OUTDIR, the odd run is left there as
 * odd.json, odd.xml and odd.html for test_report.py to parse.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipoc_test.h"
#include "rpt.h"

/* Quotes, markup, a line end, a tab, a control byte, two bytes that are
 * not UTF-8, and two characters that are. */
static const char odd_why[] = "got \"<b>&amp;</b>\"\nline\ttwo \x01 bad \xff\xfe ok \xc3\xa9 \xe2\x9c\x93";
static const char odd_clean[] = "got \"<b>&amp;</b>\"\nline\ttwo \x01 bad \\xFF\\xFE ok \xc3\xa9 \xe2\x9c\x93";

static void fill(struct rpt *r, const char *tool, const char *engine, const char *const *ids,
		 const enum verdict *v, size_t n)
{
	static const char *const arts[] = { "r/a.pcapng", "r/a.pcapng.keys" };

	IPOC_CHECK_EQ(rpt_init(r, tool), 0);
	IPOC_CHECK_EQ(rpt_set_engine_names(r, engine, "1.2", NULL, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		struct rpt_result x = {
			.id = ids[i], .group = i % 2 ? "g-odd" : "g-even", .title = "a title",
			.rule = "RFC 4303 s3.4.4", .v = v[i], .why = v[i] == V_PASSED ? "" : odd_why,
			.allowed_by = i == 1 ? "PROFILE.md 11" : NULL,
			.reproducer = v[i] == V_FAILED ? "r/a.repro" : "", .artifacts = arts,
			.n_artifacts = v[i] == V_FAILED ? 2 : 0, .seconds = 0.25 * (double)i,
			.alg = "esp.aes-gcm-128.icv16", .mode = "tunnel", .family = "ipv6",
			.encap = "udp-tunnel",
		};

		IPOC_CHECK_EQ(rpt_add(r, &x), 0);
	}
}

static void same_result(const struct rpt_result *a, const struct rpt_result *b)
{
	IPOC_CHECK(strcmp(a->id, b->id) == 0);
	IPOC_CHECK(strcmp(a->group, b->group) == 0);
	IPOC_CHECK(strcmp(a->title, b->title) == 0);
	IPOC_CHECK(strcmp(a->rule, b->rule) == 0);
	IPOC_CHECK_EQ(a->v, b->v);
	IPOC_CHECK(strcmp(a->why, b->why) == 0);
	IPOC_CHECK(strcmp(a->allowed_by, b->allowed_by) == 0);
	IPOC_CHECK(strcmp(a->reproducer, b->reproducer) == 0);
	IPOC_CHECK_EQ(a->n_artifacts, b->n_artifacts);
	for (unsigned i = 0; i < a->n_artifacts && i < b->n_artifacts; i++)
		IPOC_CHECK(strcmp(a->artifacts[i], b->artifacts[i]) == 0);
	IPOC_CHECK(a->seconds == b->seconds);
	IPOC_CHECK(strcmp(a->alg, b->alg) == 0 && strcmp(a->mode, b->mode) == 0 &&
		   strcmp(a->family, b->family) == 0 && strcmp(a->encap, b->encap) == 0);
}

static void roundtrip(const char *dir)
{
	static const char *const ids[] = { "case-1", "case-2", "case-3" };
	static const enum verdict v[] = { V_PASSED, V_FAILED, V_CRASHED };
	struct rpt r, back;
	rpt_counts c;
	char path[512], err[600];

	fill(&r, "replay", "odd \xff engine", ids, v, 3);
	IPOC_CHECK(strcmp(r.res[1].why, odd_clean) == 0);
	IPOC_CHECK_EQ(rpt_set_seed(&r, 18446744073709551615ull), 0);
	IPOC_CHECK_EQ(rpt_set_shard(&r, 2, 3), 0);
	IPOC_CHECK(rpt_set_shard(&r, 4, 3) != 0);
	r.seconds = 1.5;
	snprintf(path, sizeof(path), "%s/odd.json", dir);
	IPOC_CHECK_EQ(rpt_write_json(&r, path, err, sizeof(err)), 0);
	if (rpt_read_json(&back, path, err, sizeof(err)) != 0) {
		IPOC_CHECK(!"the JSON reads back");
		fprintf(stderr, "%s\n", err);
		rpt_free(&r);
		return;
	}
	IPOC_CHECK_EQ(back.n, r.n);
	for (size_t i = 0; i < r.n && i < back.n; i++)
		same_result(&r.res[i], &back.res[i]);
	IPOC_CHECK(strcmp(back.tool, "replay") == 0);
	IPOC_CHECK(strcmp(back.engine.name, "odd \\xFF engine") == 0);
	IPOC_CHECK(back.seed && strcmp(back.seed, "18446744073709551615") == 0);
	IPOC_CHECK(back.shard && strcmp(back.shard, "2/3") == 0);
	IPOC_CHECK(back.seconds == 1.5 && !back.stopped && back.caps == NULL);
	rpt_counts_group(&back, "g-odd", &c);
	IPOC_CHECK_EQ(c.n[V_FAILED], 1);
	IPOC_CHECK_EQ(c.n[V_PASSED], 0);
	IPOC_CHECK(rpt_bad(&back));
	snprintf(path, sizeof(path), "%s/odd.xml", dir);
	IPOC_CHECK_EQ(rpt_write_junit(&r, path, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/odd.html", dir);
	IPOC_CHECK_EQ(rpt_write_html(&r, path, err, sizeof(err)), 0);
	/* A file that cannot be written is an error naming it. */
	IPOC_CHECK(rpt_write_json(&r, "/nonexistent-dir/x.json", err, sizeof(err)) != 0);
	IPOC_CHECK_STR_HAS(err, "/nonexistent-dir/x.json");
	rpt_free(&r);
	rpt_free(&back);
}

static void coords(void)
{
	struct rpt r;
	struct rpt_result x = { .id = "x", .v = V_PASSED, .mode = "sideways" };
	char buf[200];

	IPOC_CHECK_EQ(rpt_init(&r, "diff"), 0);
	IPOC_CHECK(rpt_add(&r, &x) != 0);
	IPOC_CHECK_STR_HAS(rpt_bad_coord(&x, buf, sizeof(buf)), "mode: 'sideways'");
	x.mode = "tot";
	x.encap = "gre";
	IPOC_CHECK_STR_HAS(rpt_bad_coord(&x, buf, sizeof(buf)), "encapsulation: 'gre'");
	x.encap = NULL;
	x.v = V_COUNT;
	IPOC_CHECK(rpt_add(&r, &x) != 0);
	x.v = V_PASSED;
	IPOC_CHECK_EQ(rpt_add(&r, &x), 0);
	IPOC_CHECK_EQ(r.n, 1);
	/* NULL strings become "". */
	IPOC_CHECK(r.res[0].why[0] == '\0' && r.res[0].group[0] == '\0');
	rpt_free(&r);
}

static void fail_rule(void)
{
	static const char *const ids[] = { "a", "b" };
	static const enum verdict pass[] = { V_PASSED, V_UNSUPPORTED };
	static const enum verdict none[] = { V_UNSUPPORTED, V_SKIPPED };
	struct rpt r;

	fill(&r, "vectors", "e", ids, pass, 2);
	IPOC_CHECK(!rpt_bad(&r));
	r.stopped = true;
	IPOC_CHECK(rpt_bad(&r));
	rpt_free(&r);
	fill(&r, "vectors", "e", ids, none, 2);
	IPOC_CHECK(rpt_bad(&r));
	rpt_free(&r);
	IPOC_CHECK(rpt_worse(V_PASSED, V_FAILED) == V_FAILED);
	IPOC_CHECK(rpt_worse(V_CRASHED, V_HUNG) == V_CRASHED);
	IPOC_CHECK(rpt_worse(V_UNSUPPORTED, V_PASSED) == V_PASSED);
	IPOC_CHECK(rpt_verdict_of("hung") == V_HUNG && rpt_verdict_of("maybe") == V_COUNT);
}

static void merging(void)
{
	static const char *const ids_a[] = { "z-1", "m-1" }, *const ids_b[] = { "a-1", "q-1" };
	static const char *const ids_dup[] = { "q-1" };
	static const enum verdict v[] = { V_PASSED, V_FAILED };
	static const char *const names[] = { "A.json", "B.json" };
	struct rpt in[2], out, other;
	char err[600];

	fill(&in[0], "validate", "eng", ids_a, v, 2);
	fill(&in[1], "validate", "eng", ids_b, v, 2);
	in[0].seconds = 1;
	in[1].seconds = 2;
	in[1].stopped = true;
	IPOC_CHECK_EQ(rpt_merge(&out, in, names, 2, err, sizeof(err)), 0);
	IPOC_CHECK_EQ(out.n, 4);
	if (out.n == 4)
		IPOC_CHECK(strcmp(out.res[0].id, "a-1") == 0 && strcmp(out.res[1].id, "m-1") == 0 &&
			   strcmp(out.res[2].id, "q-1") == 0 && strcmp(out.res[3].id, "z-1") == 0);
	IPOC_CHECK(out.seconds == 3 && out.stopped && out.n_merged == 2);
	rpt_free(&out);

	/* Another engine, another tool, an id in both: refused, naming files. */
	other = in[1];
	fill(&in[1], "validate", "other", ids_b, v, 2);
	IPOC_CHECK(rpt_merge(&out, in, names, 2, err, sizeof(err)) != 0);
	IPOC_CHECK_STR_HAS(err, "B.json is a run of engine other");
	IPOC_CHECK_STR_HAS(err, "A.json of eng");
	rpt_free(&in[1]);
	fill(&in[1], "vectors", "eng", ids_b, v, 2);
	IPOC_CHECK(rpt_merge(&out, in, names, 2, err, sizeof(err)) != 0);
	IPOC_CHECK_STR_HAS(err, "B.json is a run of 'vectors'");
	rpt_free(&in[1]);
	in[1] = other;
	rpt_free(&in[0]);
	fill(&in[0], "validate", "eng", ids_dup, v, 1);
	IPOC_CHECK(rpt_merge(&out, in, names, 2, err, sizeof(err)) != 0);
	IPOC_CHECK_STR_HAS(err, "case q-1 is in A.json and in B.json");
	rpt_free(&in[0]);
	rpt_free(&in[1]);
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/ipoc_rpt_XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmp);

	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	roundtrip(dir);
	coords();
	fail_rule();
	merging();
	if (argc <= 1) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmp);
	}
	return ipoc_test_report(argv[0]);
}
