/* SPDX-License-Identifier: MIT */
/*
 * rpt_junit.c - the run as JUnit XML, in the dialect GitLab, Jenkins and
 * GitHub test reporters read: <testsuites> with the totals, one
 * <testsuite> per group, one <testcase> per result (classname
 * "TOOL.GROUP", name the result's id, time in seconds).
 *
 *   failed                     <failure message="why" type="failed">
 *   crashed, hung, exited      <error message="why" type="crashed">: the
 *                              engine ended its host process
 *   unsupported, skipped       <skipped message="why">
 *
 * The element's text says what the case checks, its rule, why, and the
 * reproducer; <system-out> names the reproducer files as GitLab
 * attachments ([[ATTACHMENT|path]]).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpt.h"
#include "rpt_int.h"

void rpt_xml_put(FILE *f, const char *s, bool attr)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs(attr ? "&quot;" : "\"", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (*p < 0x20 || *p == 0x7F)
				fprintf(f, "\\x%02X", *p);
			else
				fputc(*p, f);
		}
	}
}

static void counts_attrs(FILE *f, const rpt_counts *c, double seconds)
{
	unsigned tests = 0;

	for (int v = 0; v < V_COUNT; v++)
		tests += c->n[v];
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\"",
		tests, c->n[V_FAILED], c->n[V_CRASHED] + c->n[V_HUNG] + c->n[V_EXITED],
		c->n[V_UNSUPPORTED] + c->n[V_SKIPPED], seconds);
}

static void testcase(FILE *f, const struct rpt *r, const struct rpt_result *x)
{
	const char *el = x->v == V_FAILED ? "failure" : rpt_verdict_bad(x->v) ? "error"
			 : x->v == V_PASSED ? NULL : "skipped";

	fputs("    <testcase classname=\"", f);
	rpt_xml_put(f, r->tool, true);
	fputc('.', f);
	rpt_xml_put(f, x->group, true);
	fputs("\" name=\"", f);
	rpt_xml_put(f, x->id, true);
	fprintf(f, "\" time=\"%.6f\"", x->seconds);
	if (!el) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s message=\"", el);
	rpt_xml_put(f, x->why[0] ? x->why : verdict_name(x->v), true);
	fputc('"', f);
	if (x->v != V_UNSUPPORTED && x->v != V_SKIPPED)
		fprintf(f, " type=\"%s\"", verdict_name(x->v));
	fputs(">", f);
	rpt_xml_put(f, verdict_name(x->v), false);
	fputs(": ", f);
	rpt_xml_put(f, x->title, false);
	fputs(" [", f);
	rpt_xml_put(f, x->rule, false);
	fputs("]\n", f);
	rpt_xml_put(f, x->why, false);
	if (x->allowed_by[0]) {
		fputs("\n(allowed by ", f);
		rpt_xml_put(f, x->allowed_by, false);
		fputc(')', f);
	}
	if (x->reproducer[0]) {
		fputs("\nreproducer: ", f);
		rpt_xml_put(f, x->reproducer, false);
	}
	for (unsigned a = 0; a < x->n_artifacts; a++) {
		fputs("\nfile: ", f);
		rpt_xml_put(f, x->artifacts[a], false);
	}
	fprintf(f, "</%s>\n", el);
	if (x->reproducer[0]) {
		fputs("      <system-out>[[ATTACHMENT|", f);
		rpt_xml_put(f, x->reproducer, false);
		fputs("]]", f);
		for (unsigned a = 0; a < x->n_artifacts; a++) {
			fputs("\n[[ATTACHMENT|", f);
			rpt_xml_put(f, x->artifacts[a], false);
			fputs("]]", f);
		}
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

static void props(FILE *f, const struct rpt *r)
{
	const char *const kv[][2] = {
		{ "tool", r->tool }, { "engine", r->engine.name },
		{ "engine_version", r->engine.version }, { "engine_path", r->engine.path },
		{ "host_process", r->engine.host_process ? "true" : "false" },
		{ "seed", r->seed }, { "shard", r->shard },
	};

	fputs("    <properties>\n", f);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		if (!kv[i][1])
			continue;
		fprintf(f, "      <property name=\"%s\" value=\"", kv[i][0]);
		rpt_xml_put(f, kv[i][1], true);
		fputs("\"/>\n", f);
	}
	fputs("    </properties>\n", f);
}

int rpt_write_junit(const struct rpt *r, const char *path, char *err, size_t errlen)
{
	const char **groups;
	size_t n_groups;
	rpt_counts c;
	FILE *f;
	int bad;

	if (rpt_groups(r, &groups, &n_groups) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(groups);
		return -1;
	}
	rpt_counts_all(r, &c);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ipoc ", f);
	rpt_xml_put(f, r->tool, true);
	fputs(": ", f);
	rpt_xml_put(f, r->engine.name, true);
	fputc(' ', f);
	rpt_xml_put(f, r->engine.version, true);
	fputc('"', f);
	counts_attrs(f, &c, r->seconds);
	fputs(">\n", f);
	for (size_t g = 0; g < n_groups; g++) {
		double secs = 0;

		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->res[i].group, groups[g]) == 0)
				secs += r->res[i].seconds;
		rpt_counts_group(r, groups[g], &c);
		fputs("  <testsuite name=\"", f);
		rpt_xml_put(f, groups[g], true);
		fputc('"', f);
		counts_attrs(f, &c, secs);
		fputs(">\n", f);
		props(f, r);
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->res[i].group, groups[g]) == 0)
				testcase(f, r, &r->res[i]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	free(groups);
	bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}
