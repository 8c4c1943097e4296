/* SPDX-License-Identifier: MIT */
/*
 * rpt_html.c - the run as one self-contained HTML page a vendor can hand
 * on: inline CSS, no script, nothing fetched. In order: the engine and the
 * run, the totals, the capability matrix (a row per algorithm, a column
 * per mode x family x encapsulation, each cell coloured by the worst
 * verdict of the results at those coordinates), the engine's capability
 * report, the results per group (each group's results folded in a
 * <details>), and every failure with its rule, why, and a link to its
 * reproducer (relative to the page when the file can be found).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rpt.h"
#include "rpt_int.h"

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1600px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #ccc;padding-bottom:4px}"
	".sub{color:#555;margin:0 0 12px}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
	"text-align:left;vertical-align:top}th{background:#f3f3f3;font-weight:600}"
	"table.kv th{width:12em}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".wide{overflow-x:auto}"
	".mx td,.mx th{font-size:11px;padding:2px 3px;text-align:center;white-space:nowrap}"
	".mx thead th{white-space:normal;min-width:34px}"
	".mx th.alg{text-align:left;font-family:monospace;white-space:nowrap}"
	".v-passed{background:#c8e6c9}.v-failed{background:#ef9a9a}"
	".v-crashed{background:#b71c1c;color:#fff}.v-hung{background:#ff9800}"
	".v-exited{background:#ffcc80}.v-unsupported{background:#e0e0e0;color:#555}"
	".v-skipped{background:#f5f5f5;color:#777}.v-none{background:#fff;color:#bbb}"
	".badge{display:inline-block;padding:3px 10px;margin:0 6px 6px 0;border-radius:4px;"
	"border:1px solid #bbb}"
	".legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #bbb}"
	"details{margin:4px 0}summary{cursor:pointer}"
	".res td{font-size:12px}.res td.id{font-family:monospace;white-space:nowrap}"
	".fail{border:1px solid #ccc;border-left:6px solid #c62828;padding:6px 10px;margin:8px 0}"
	".fail .id{font-family:monospace;font-weight:600}.fail .why{white-space:pre-wrap;"
	"font-family:monospace;font-size:12px;margin:4px 0}"
	".muted{color:#666}";

static void put(FILE *f, const char *s)
{
	rpt_xml_put(f, s, false);
}

static void attr(FILE *f, const char *s)
{
	rpt_xml_put(f, s, true);
}

/* What the tool groups results by, for headings. */
static const char *group_word(const char *tool)
{
	return strcmp(tool, "validate") == 0 ? "area" : strcmp(tool, "vectors") == 0 ? "file"
	       : strcmp(tool, "replay") == 0 ? "capture" : strcmp(tool, "diff") == 0
	       ? "signature" : "group";
}

/* ---- links to reproducers ---- */

/* The path of file relative to the directory dir (both canonical, as
 * realpath gives them). */
static void relative(const char *dir, const char *file, char *out, size_t len)
{
	size_t common = 0, i = 0, k = 0;

	/* The longest common prefix that ends at a directory boundary. */
	for (; dir[i] && dir[i] == file[i]; i++)
		if (dir[i] == '/')
			common = i + 1;
	out[0] = '\0';
	if (!dir[i] && file[i] == '/') {
		/* file lies inside dir. */
		snprintf(out, len, "%s", file + i + 1);
		return;
	}
	/* One "../" per component of dir below the common prefix. */
	if (dir[common]) {
		k += (size_t)snprintf(out + k, len - k, "../");
		for (const char *p = dir + common; *p && k < len; p++)
			if (*p == '/')
				k += (size_t)snprintf(out + k, len - k, "../");
	}
	if (k < len)
		snprintf(out + k, len - k, "%s", file + common);
}

/* An href for path (as the run wrote it, relative to where it ran) from a
 * page written to page: relative to the page when both can be resolved,
 * else the path as it was given. */
static void href(FILE *f, const char *page, const char *path)
{
	char dirbuf[PATH_MAX], dir[PATH_MAX], file[PATH_MAX], rel[2 * PATH_MAX];
	const char *h = path;

	snprintf(dirbuf, sizeof(dirbuf), "%s", page);
	if (realpath(dirname(dirbuf), dir) && realpath(path, file)) {
		relative(dir, file, rel, sizeof(rel));
		h = rel;
	}
	/* Percent-encode what is not plain in a URL path. */
	for (const unsigned char *p = (const unsigned char *)h; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~+", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

/* ---- the capability matrix ---- */

/* Order of a coordinate value: the known ones as the suite lists them,
 * then any other, then "" (does not apply). */
static int rank(int dim, const char *v)
{
	static const char *const known[4][6] = {
		{ NULL },
		{ "transport", "tunnel", "tot", NULL },
		{ "ipv4", "ipv6", NULL },
		{ "none", "udp-transport", "udp-tunnel", "udp-tot-outer", "udp-tot-inner", NULL },
	};

	if (!v[0])
		return 1000;
	for (int i = 0; known[dim][i]; i++)
		if (strcmp(known[dim][i], v) == 0)
			return i;
	return 100;
}

static int cmp_dim(int dim, const char *a, const char *b)
{
	int ra = rank(dim, a), rb = rank(dim, b);

	return ra != rb ? (ra > rb) - (ra < rb) : strcmp(a, b);
}

/* Rows: ESP configurations, then AH, then bundles, each by name. */
static int alg_rank(const char *a)
{
	return strncmp(a, "esp.", 4) == 0 ? 0 : strncmp(a, "ah.", 3) == 0 ? 1
	       : strncmp(a, "esp+ah.", 7) == 0 ? 2 : 3;
}

static int alg_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int ra = alg_rank(a), rb = alg_rank(b);

	return ra != rb ? (ra > rb) - (ra < rb) : strcmp(a, b);
}

/* A column: mode, family, encapsulation. */
struct col {
	const char *mode, *family, *encap;
};

static int col_cmp(const void *pa, const void *pb)
{
	const struct col *a = pa, *b = pb;
	int c = cmp_dim(1, a->mode, b->mode);

	if (!c)
		c = cmp_dim(2, a->family, b->family);
	return c ? c : cmp_dim(3, a->encap, b->encap);
}

static bool col_eq(const struct col *a, const struct rpt_result *x)
{
	return strcmp(a->mode, x->mode) == 0 && strcmp(a->family, x->family) == 0 &&
	       strcmp(a->encap, x->encap) == 0;
}

static const char *or_any(const char *s)
{
	return s[0] ? s : "any";
}

/* s as text that may break after each '-' (narrow matrix columns). */
static void put_breakable(FILE *f, const char *s)
{
	char part[2] = { 0, 0 };

	for (; *s; s++) {
		part[0] = *s;
		put(f, part);
		if (*s == '-')
			fputs("<wbr>", f);
	}
}

/* A header row of the matrix for one dimension: runs of equal values (and
 * equal values of the dimensions above) joined into one cell. */
static void head_row(FILE *f, const struct col *cols, size_t n, int dim, const char *label)
{
	fprintf(f, "<tr><th class=\"alg\">%s</th>", label);
	for (size_t j = 0; j < n;) {
		size_t k = j + 1;

		while (k < n && strcmp(cols[k].mode, cols[j].mode) == 0 &&
		       (dim < 2 || strcmp(cols[k].family, cols[j].family) == 0) &&
		       (dim < 3 || strcmp(cols[k].encap, cols[j].encap) == 0))
			k++;
		fprintf(f, "<th colspan=\"%zu\">", k - j);
		put_breakable(f, or_any(dim == 1 ? cols[j].mode : dim == 2 ? cols[j].family
					: cols[j].encap));
		fputs("</th>", f);
		j = k;
	}
	fputs("</tr>\n", f);
}

static void matrix(FILE *f, const struct rpt *r)
{
	struct col *cols = malloc((r->n ? r->n : 1) * sizeof(*cols));
	const char **algs = malloc((r->n ? r->n : 1) * sizeof(*algs));
	size_t n_cols = 0, n_algs = 0;

	if (!cols || !algs)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const struct rpt_result *x = &r->res[i];
		size_t j;

		if (!x->alg[0])
			continue;
		for (j = 0; j < n_algs && strcmp(algs[j], x->alg) != 0; j++)
			;
		if (j == n_algs)
			algs[n_algs++] = x->alg;
		for (j = 0; j < n_cols && !col_eq(&cols[j], x); j++)
			;
		if (j == n_cols)
			cols[n_cols++] = (struct col){ x->mode, x->family, x->encap };
	}
	if (!n_algs) {
		fputs("<p class=\"muted\">No result of this run names an algorithm, mode, family "
		      "and encapsulation.</p>\n", f);
		goto out;
	}
	qsort(cols, n_cols, sizeof(*cols), col_cmp);
	qsort(algs, n_algs, sizeof(*algs), alg_cmp);
	fputs("<p class=\"legend\">Each cell: the worst verdict of the results at those "
	      "coordinates, and passed / judged. ", f);
	for (int v = 0; v < V_COUNT; v++)
		fprintf(f, "<span class=\"v-%s\">%s</span>", verdict_name((enum verdict)v),
			verdict_name((enum verdict)v));
	fputs("<span class=\"v-none\">&middot; no result</span></p>\n"
	      "<div class=\"wide\"><table class=\"mx\">\n<thead>\n", f);
	head_row(f, cols, n_cols, 1, "mode");
	head_row(f, cols, n_cols, 2, "family");
	head_row(f, cols, n_cols, 3, "algorithm \\ encapsulation");
	fputs("</thead>\n<tbody>\n", f);
	for (size_t a = 0; a < n_algs; a++) {
		fputs("<tr><th class=\"alg\">", f);
		put(f, algs[a]);
		fputs("</th>", f);
		for (size_t c = 0; c < n_cols; c++) {
			rpt_counts k;
			enum verdict worst = V_SKIPPED;
			unsigned any = 0;
			char sum[256];

			memset(&k, 0, sizeof(k));
			for (size_t i = 0; i < r->n; i++) {
				const struct rpt_result *x = &r->res[i];

				if (strcmp(x->alg, algs[a]) != 0 || !col_eq(&cols[c], x))
					continue;
				k.n[x->v]++;
				worst = any++ ? rpt_worse(worst, x->v) : x->v;
			}
			if (!any) {
				fputs("<td class=\"v-none\">&middot;</td>", f);
				continue;
			}
			fprintf(f, "<td class=\"v-%s\" title=\"", verdict_name(worst));
			attr(f, verdict_summary(&k, sum, sizeof(sum)));
			if (verdict_judged(&k))
				fprintf(f, "\">%u/%u</td>", k.n[V_PASSED], verdict_judged(&k));
			else
				fprintf(f, "\">%s</td>", worst == V_UNSUPPORTED ? "n/a" : "skip");
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table></div>\n", f);
out:
	free(cols);
	free(algs);
}

/* ---- the capability report ---- */

static void caps_value(FILE *f, json_t *v)
{
	if (json_is_true(v)) {
		fputs("yes", f);
	} else if (json_is_false(v)) {
		fputs("<span class=\"muted\">no</span>", f);
	} else if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
	} else if (json_is_string(v)) {
		put(f, json_string_value(v));
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;

		if (!json_array_size(v))
			fputs("<span class=\"muted\">none</span>", f);
		json_array_foreach(v, i, e) {
			if (i)
				fputs(", ", f);
			caps_value(f, e);
		}
	} else if (json_is_object(v)) {
		const char *k;
		json_t *e;
		bool first = true;

		json_object_foreach(v, k, e) {
			fputs(first ? "" : "; ", f);
			first = false;
			put(f, k);
			fputs(" ", f);
			caps_value(f, e);
		}
	}
}

static void caps_table(FILE *f, json_t *caps, const char *prefix)
{
	const char *k;
	json_t *v;

	json_object_foreach(caps, k, v) {
		/* The IPsecV1/V2 sections become rows of their own. */
		if (json_is_object(v) && !prefix[0]) {
			caps_table(f, v, k);
			continue;
		}
		fputs("<tr><th>", f);
		if (prefix[0]) {
			put(f, prefix);
			fputc('.', f);
		}
		put(f, k);
		fputs("</th><td>", f);
		caps_value(f, v);
		fputs("</td></tr>\n", f);
	}
}

/* ---- results ---- */

static void counts_cells(FILE *f, const rpt_counts *c)
{
	for (int v = 0; v < V_COUNT; v++)
		fprintf(f, "<td class=\"n%s\">%u</td>", c->n[v] && v != V_PASSED &&
			rpt_verdict_bad((enum verdict)v) ? " v-failed" : "", c->n[v]);
}

static void counts_head(FILE *f, const char *first)
{
	fprintf(f, "<tr><th>%s</th>", first);
	for (int v = 0; v < V_COUNT; v++)
		fprintf(f, "<th>%s</th>", verdict_name((enum verdict)v));
	fputs("</tr>\n", f);
}

static void groups(FILE *f, const struct rpt *r, const char **g, size_t n,
		   const size_t *first_fail)
{
	const char *word = group_word(r->tool);
	rpt_counts c;

	fprintf(f, "<h2>Results per %s</h2>\n<table>\n", word);
	counts_head(f, word);
	for (size_t i = 0; i < n; i++) {
		rpt_counts_group(r, g[i], &c);
		fprintf(f, "<tr><td><a href=\"#g%zu\">", i);
		put(f, g[i]);
		fputs("</a></td>", f);
		counts_cells(f, &c);
		fputs("</tr>\n", f);
	}
	rpt_counts_all(r, &c);
	fputs("<tr><th>all</th>", f);
	counts_cells(f, &c);
	fputs("</tr>\n</table>\n", f);
	for (size_t i = 0; i < n; i++) {
		char sum[256];

		rpt_counts_group(r, g[i], &c);
		/* A group with failures comes unfolded. */
		fprintf(f, "<details id=\"g%zu\"%s><summary>", i, verdict_bad(&c) ? " open" : "");
		put(f, g[i]);
		fputs(": ", f);
		put(f, verdict_summary(&c, sum, sizeof(sum)));
		fputs("</summary>\n<table class=\"res\">\n<tr><th>id</th><th>verdict</th>"
		      "<th>ms</th><th>title</th><th>why</th></tr>\n", f);
		for (size_t k = 0; k < r->n; k++) {
			const struct rpt_result *x = &r->res[k];

			if (strcmp(x->group, g[i]) != 0)
				continue;
			fputs("<tr><td class=\"id\">", f);
			if (rpt_verdict_bad(x->v))
				fprintf(f, "<a href=\"#f%zu\">", first_fail[k]);
			put(f, x->id);
			fprintf(f, "%s</td><td class=\"v-%s\">%s</td><td class=\"n\">%.2f</td><td>",
				rpt_verdict_bad(x->v) ? "</a>" : "", verdict_name(x->v),
				verdict_name(x->v), x->seconds * 1000);
			put(f, x->title);
			fputs("</td><td>", f);
			put(f, x->why);
			fputs("</td></tr>\n", f);
		}
		fputs("</table></details>\n", f);
	}
}

static void failures(FILE *f, const struct rpt *r, const char *page, size_t n_bad)
{
	size_t k = 0;

	fprintf(f, "<h2 id=\"failures\">Failures (%zu)</h2>\n", n_bad);
	if (!n_bad)
		fputs("<p>None: nothing failed, crashed, hung or exited.</p>\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct rpt_result *x = &r->res[i];

		if (!rpt_verdict_bad(x->v))
			continue;
		fprintf(f, "<div class=\"fail\" id=\"f%zu\"><span class=\"v-%s\">&nbsp;%s&nbsp;</span> "
			"<span class=\"id\">", k++, verdict_name(x->v), verdict_name(x->v));
		put(f, x->id);
		fputs("</span> <span class=\"muted\">(", f);
		put(f, x->group);
		fputs(")</span><br>", f);
		put(f, x->title);
		fputs("<br>rule: <b>", f);
		put(f, x->rule);
		fputs("</b>", f);
		if (x->allowed_by[0]) {
			fputs(" (allowed by ", f);
			put(f, x->allowed_by);
			fputs(")", f);
		}
		fputs("<div class=\"why\">", f);
		put(f, x->why);
		fputs("</div>", f);
		if (x->reproducer[0]) {
			fputs("reproducer: <a href=\"", f);
			href(f, page, x->reproducer);
			fputs("\">", f);
			put(f, x->reproducer);
			fputs("</a>", f);
		} else {
			fputs("<span class=\"muted\">no reproducer</span>", f);
		}
		for (unsigned a = 0; a < x->n_artifacts; a++) {
			fputs(", <a href=\"", f);
			href(f, page, x->artifacts[a]);
			fputs("\">", f);
			put(f, x->artifacts[a]);
			fputs("</a>", f);
		}
		fputs("</div>\n", f);
	}
}

static void head(FILE *f, const struct rpt *r)
{
	const struct rpt_engine *e = &r->engine;
	rpt_counts c;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ipoc ",
	      f);
	put(f, r->tool);
	fputs(": ", f);
	put(f, e->name);
	fputc(' ', f);
	put(f, e->version);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	put(f, e->name);
	fputc(' ', f);
	put(f, e->version);
	fputs("</h1>\n<p class=\"sub\">ipoc ", f);
	put(f, r->tool);
	fputs(" report</p>\n<table class=\"kv\">\n<tr><th>engine</th><td>", f);
	put(f, e->name);
	fputs(" ", f);
	put(f, e->version);
	fputs("</td></tr>\n<tr><th>path</th><td>", f);
	put(f, e->path);
	fputs("</td></tr>\n<tr><th>ABI</th><td>", f);
	put(f, e->abi);
	fprintf(f, "</td></tr>\n<tr><th>where it ran</th><td>%s</td></tr>\n"
		"<tr><th>test hooks</th><td>IV injection %s, sequence control %s</td></tr>\n"
		"<tr><th>seconds</th><td>%.1f</td></tr>\n",
		e->host_process ? "the engine host process" : "the harness's process",
		e->test_set_tx_iv ? "yes" : "no", e->test_set_sequence ? "yes" : "no", r->seconds);
	if (r->seed) {
		fputs("<tr><th>seed</th><td>", f);
		put(f, r->seed);
		fputs("</td></tr>\n", f);
	}
	if (r->shard) {
		fputs("<tr><th>shard</th><td>", f);
		put(f, r->shard);
		fputs("</td></tr>\n", f);
	}
	if (r->n_merged) {
		fputs("<tr><th>merged from</th><td>", f);
		for (unsigned i = 0; i < r->n_merged; i++) {
			if (i)
				fputs(", ", f);
			put(f, r->merged_from[i]);
		}
		fputs("</td></tr>\n", f);
	}
	if (r->stopped)
		fputs("<tr><th>stopped</th><td class=\"v-failed\">the run stopped early: not every "
		      "case ran</td></tr>\n", f);
	fputs("</table>\n<p>", f);
	rpt_counts_all(r, &c);
	for (int v = 0; v < V_COUNT; v++)
		if (c.n[v] || v == V_PASSED || v == V_FAILED)
			fprintf(f, "<span class=\"badge v-%s\">%u %s</span>",
				verdict_name((enum verdict)v), c.n[v], verdict_name((enum verdict)v));
	fprintf(f, "</p>\n<p><b>%s</b></p>\n", rpt_bad(r) ? "The run fails." : "The run passes.");
}

int rpt_write_html(const struct rpt *r, const char *path, char *err, size_t errlen)
{
	size_t *fail_no = malloc((r->n ? r->n : 1) * sizeof(*fail_no)), n_bad = 0, n_groups = 0;
	const char **g = NULL;
	FILE *f = NULL;
	int bad;

	if (!fail_no || rpt_groups(r, &g, &n_groups) != 0) {
		free(fail_no);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		fail_no[i] = rpt_verdict_bad(r->res[i].v) ? n_bad++ : 0;
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(fail_no);
		free(g);
		return -1;
	}
	head(f, r);
	fputs("<h2>Capability matrix</h2>\n", f);
	matrix(f, r);
	if (r->caps) {
		fputs("<h2>Capability report (OID_TCP_OFFLOAD_CURRENT_CONFIG)</h2>\n"
		      "<table class=\"kv\">\n", f);
		caps_table(f, r->caps, "");
		fputs("</table>\n", f);
	}
	groups(f, r, g, n_groups, fail_no);
	failures(f, r, path, n_bad);
	fputs("</body>\n</html>\n", f);
	free(fail_no);
	free(g);
	bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}
