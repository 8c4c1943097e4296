/* SPDX-License-Identifier: MIT */
/*
 * rpt_json.c - the run as a JSON document and back, through jansson. The
 * layout is ipoc-report.schema.json; the reader holds a document to it
 * field by field (types, verdict names, no unknown field, the summary and
 * group counts equal to the cases') and names the field that is wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "rpt.h"

#ifndef IPOC_VERSION
#define IPOC_VERSION "unknown"
#endif

static json_t *counts_json(const rpt_counts *c, const char *name)
{
	json_t *o = name ? json_pack("{s:s}", "name", name) : json_object();

	for (int v = 0; o && v < V_COUNT; v++)
		if (json_object_set_new(o, verdict_name((enum verdict)v),
					json_integer(c->n[v])) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *strings_json(const char *const *s, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(s[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *result_json(const struct rpt_result *x)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:f, s:s, s:s, s:s, s:s}",
			 "id", x->id, "group", x->group, "title", x->title, "rule", x->rule,
			 "verdict", verdict_name(x->v), "why", x->why, "allowed_by", x->allowed_by,
			 "reproducer", x->reproducer,
			 "artifacts", strings_json(x->artifacts, x->n_artifacts),
			 "seconds", x->seconds, "algorithm", x->alg, "mode", x->mode,
			 "family", x->family, "encapsulation", x->encap);
}

json_t *rpt_to_json(const struct rpt *r)
{
	const char **groups = NULL;
	size_t n_groups = 0;
	rpt_counts c;
	json_t *doc, *ga, *ca;

	rpt_counts_all(r, &c);
	/* The engine's strings through rpt_json_str: a caller may have set
	 * them directly, with the engine's own bytes. */
	doc = json_pack("{s:s, s:i, s:s, s:o, s:{s:o, s:o, s:o, s:o, s:b, s:b, s:b}, s:O, s:f,"
			" s:b}",
			"format", RPT_FORMAT, "format_version", RPT_FORMAT_VERSION,
			"ipoc_version", IPOC_VERSION, "tool", rpt_json_str(r->tool),
			"engine", "name", rpt_json_str(r->engine.name),
			"version", rpt_json_str(r->engine.version),
			"path", rpt_json_str(r->engine.path), "abi", rpt_json_str(r->engine.abi),
			"host_process", r->engine.host_process,
			"test_set_tx_iv", r->engine.test_set_tx_iv,
			"test_set_sequence", r->engine.test_set_sequence,
			"current_config", r->caps ? r->caps : json_null(),
			"seconds", r->seconds, "stopped", r->stopped);
	if (!doc)
		return NULL;
	if ((r->seed && json_object_set_new(doc, "seed", json_string(r->seed)) != 0) ||
	    (r->shard && json_object_set_new(doc, "shard", json_string(r->shard)) != 0) ||
	    (r->n_merged && json_object_set_new(doc, "merged_from",
						strings_json((const char *const *)r->merged_from,
							     r->n_merged)) != 0) ||
	    json_object_set_new(doc, "summary", counts_json(&c, NULL)) != 0 ||
	    rpt_groups(r, &groups, &n_groups) != 0)
		goto fail;
	ga = json_array();
	if (json_object_set_new(doc, "groups", ga) != 0)
		goto fail;
	for (size_t g = 0; g < n_groups; g++) {
		rpt_counts gc;

		rpt_counts_group(r, groups[g], &gc);
		if (json_array_append_new(ga, counts_json(&gc, groups[g])) != 0)
			goto fail;
	}
	ca = json_array();
	if (json_object_set_new(doc, "cases", ca) != 0)
		goto fail;
	for (size_t i = 0; i < r->n; i++)
		if (json_array_append_new(ca, result_json(&r->res[i])) != 0)
			goto fail;
	free(groups);
	return doc;
fail:
	free(groups);
	json_decref(doc);
	return NULL;
}

int rpt_write_json(const struct rpt *r, const char *path, char *err, size_t errlen)
{
	json_t *doc = rpt_to_json(r);
	FILE *f;
	int bad;

	if (!doc) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		json_decref(doc);
		return -1;
	}
	/* Indented: a diff of two runs' files shows the cases that changed. */
	bad = json_dumpf(doc, f, JSON_INDENT(1) | JSON_REAL_PRECISION(6)) != 0;
	bad |= fputc('\n', f) == EOF;
	bad |= fclose(f) != 0;
	json_decref(doc);
	if (bad) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

struct rd {
	const char *path;
	char *err;
	size_t errlen;
};

static int bad(struct rd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct rd *d, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(d->err, d->errlen, "%s: ", d->path);

	va_start(ap, fmt);
	if (k > 0 && (size_t)k < d->errlen)
		vsnprintf(d->err + k, d->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Every key of o is one of keys (NULL-terminated). */
static int only_keys(struct rd *d, json_t *o, const char *where, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		const char *const *p = keys;

		while (*p && strcmp(*p, k) != 0)
			p++;
		if (!*p)
			return bad(d, "%s%s%s: not a field of this format", where, *where ? "." : "",
				   k);
	}
	return 0;
}

static int get_str(struct rd *d, json_t *o, const char *where, const char *key, bool optional,
		   const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v && optional)
		return 0;
	if (!v)
		return bad(d, "%s%s%s: missing", where, *where ? "." : "", key);
	if (!json_is_string(v))
		return bad(d, "%s%s%s: not a string", where, *where ? "." : "", key);
	*out = json_string_value(v);
	return 0;
}

static int get_bool(struct rd *d, json_t *o, const char *where, const char *key, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		return bad(d, "%s%s%s: %s", where, *where ? "." : "", key,
			   v ? "not true or false" : "missing");
	*out = json_is_true(v);
	return 0;
}

static int get_seconds(struct rd *d, json_t *o, const char *where, double *out)
{
	json_t *v = json_object_get(o, "seconds");

	if (!json_is_number(v) || json_number_value(v) < 0)
		return bad(d, "%s%sseconds: %s", where, *where ? "." : "",
			   v ? "not a number of seconds" : "missing");
	*out = json_number_value(v);
	return 0;
}

static int get_counts(struct rd *d, json_t *o, const char *where, rpt_counts *c)
{
	for (int v = 0; v < V_COUNT; v++) {
		json_t *n = json_object_get(o, verdict_name((enum verdict)v));

		if (!json_is_integer(n) || json_integer_value(n) < 0 ||
		    json_integer_value(n) > (json_int_t)UINT32_MAX)
			return bad(d, "%s.%s: %s", where, verdict_name((enum verdict)v),
				   n ? "not a count" : "missing");
		c->n[v] = (unsigned)json_integer_value(n);
	}
	return 0;
}

static int read_engine(struct rd *d, json_t *e, struct rpt *r)
{
	static const char *const keys[] = { "name", "version", "path", "abi", "host_process",
					    "test_set_tx_iv", "test_set_sequence", NULL };
	const char *name, *version, *path, *abi;

	if (!json_is_object(e))
		return bad(d, "engine: %s", e ? "not an object" : "missing");
	if (only_keys(d, e, "engine", keys) || get_str(d, e, "engine", "name", false, &name) ||
	    get_str(d, e, "engine", "version", false, &version) ||
	    get_str(d, e, "engine", "path", false, &path) ||
	    get_str(d, e, "engine", "abi", false, &abi) ||
	    get_bool(d, e, "engine", "host_process", &r->engine.host_process) ||
	    get_bool(d, e, "engine", "test_set_tx_iv", &r->engine.test_set_tx_iv) ||
	    get_bool(d, e, "engine", "test_set_sequence", &r->engine.test_set_sequence))
		return -1;
	free(r->engine.name);
	free(r->engine.version);
	free(r->engine.path);
	free(r->engine.abi);
	r->engine.name = strdup(name);
	r->engine.version = strdup(version);
	r->engine.path = strdup(path);
	r->engine.abi = strdup(abi);
	if (!r->engine.name || !r->engine.version || !r->engine.path || !r->engine.abi)
		return bad(d, "out of memory");
	return 0;
}

/* Is s one of the values (NULL-terminated)? */
static bool one_of(const char *s, const char *const *vals)
{
	for (; *vals; vals++)
		if (strcmp(s, *vals) == 0)
			return true;
	return false;
}

static const char *const tools[] = { "validate", "vectors", "replay", "diff", NULL };

static int read_case(struct rd *d, json_t *c, size_t i, struct rpt *r)
{
	static const char *const keys[] = { "id", "group", "title", "rule", "verdict", "why",
					    "allowed_by", "reproducer", "artifacts", "seconds",
					    "algorithm", "mode", "family", "encapsulation", NULL };
	struct rpt_result x;
	const char *verdict, *arts[64];
	char where[48], why[200];
	json_t *a, *v;
	size_t k;

	memset(&x, 0, sizeof(x));
	snprintf(where, sizeof(where), "cases[%zu]", i);
	if (!json_is_object(c))
		return bad(d, "%s: not an object", where);
	if (only_keys(d, c, where, keys) || get_str(d, c, where, "id", false, &x.id) ||
	    get_str(d, c, where, "group", false, &x.group) ||
	    get_str(d, c, where, "title", false, &x.title) ||
	    get_str(d, c, where, "rule", false, &x.rule) ||
	    get_str(d, c, where, "verdict", false, &verdict) ||
	    get_str(d, c, where, "why", false, &x.why) ||
	    get_str(d, c, where, "allowed_by", false, &x.allowed_by) ||
	    get_str(d, c, where, "reproducer", false, &x.reproducer) ||
	    get_seconds(d, c, where, &x.seconds) ||
	    get_str(d, c, where, "algorithm", false, &x.alg) ||
	    get_str(d, c, where, "mode", false, &x.mode) ||
	    get_str(d, c, where, "family", false, &x.family) ||
	    get_str(d, c, where, "encapsulation", false, &x.encap))
		return -1;
	if (!x.id[0])
		return bad(d, "%s.id: empty", where);
	if (rpt_bad_coord(&x, why, sizeof(why)))
		return bad(d, "%s.%s", where, why);
	x.v = rpt_verdict_of(verdict);
	if (x.v == V_COUNT)
		return bad(d, "%s.verdict: '%s' is not a verdict (passed, failed, unsupported, "
			   "skipped, crashed, hung, exited)", where, verdict);
	a = json_object_get(c, "artifacts");
	if (!json_is_array(a))
		return bad(d, "%s.artifacts: %s", where, a ? "not an array" : "missing");
	if (json_array_size(a) > sizeof(arts) / sizeof(arts[0]))
		return bad(d, "%s.artifacts: more than %zu files", where,
			   sizeof(arts) / sizeof(arts[0]));
	json_array_foreach(a, k, v) {
		if (!json_is_string(v))
			return bad(d, "%s.artifacts[%zu]: not a string", where, k);
		arts[k] = json_string_value(v);
	}
	x.artifacts = arts;
	x.n_artifacts = (unsigned)json_array_size(a);
	if (rpt_add(r, &x) != 0)
		return bad(d, "out of memory");
	return 0;
}

/* The counts the document states must be its cases' counts. */
static int check_counts(struct rd *d, json_t *doc, const struct rpt *r)
{
	json_t *s = json_object_get(doc, "summary"), *ga = json_object_get(doc, "groups"), *g;
	const char **groups = NULL;
	size_t n_groups = 0, i;
	rpt_counts want, got;
	char where[64];
	int rc = -1;

	if (!json_is_object(s))
		return bad(d, "summary: %s", s ? "not an object" : "missing");
	if (!json_is_array(ga))
		return bad(d, "groups: %s", ga ? "not an array" : "missing");
	if (get_counts(d, s, "summary", &got) != 0)
		return -1;
	rpt_counts_all(r, &want);
	if (memcmp(&got, &want, sizeof(got)) != 0)
		return bad(d, "summary: its counts are not those of the cases");
	if (rpt_groups(r, &groups, &n_groups) != 0)
		return bad(d, "out of memory");
	if (json_array_size(ga) != n_groups) {
		bad(d, "groups: %zu of them, the cases have %zu", json_array_size(ga), n_groups);
		goto out;
	}
	json_array_foreach(ga, i, g) {
		const char *name;

		snprintf(where, sizeof(where), "groups[%zu]", i);
		if (!json_is_object(g)) {
			bad(d, "%s: not an object", where);
			goto out;
		}
		if (get_str(d, g, where, "name", false, &name) || get_counts(d, g, where, &got))
			goto out;
		if (strcmp(name, groups[i]) != 0) {
			bad(d, "%s.name: '%s', the cases have '%s' there", where, name, groups[i]);
			goto out;
		}
		rpt_counts_group(r, name, &want);
		if (memcmp(&got, &want, sizeof(got)) != 0) {
			bad(d, "%s: the counts of '%s' are not those of its cases", where, name);
			goto out;
		}
	}
	rc = 0;
out:
	free(groups);
	return rc;
}

static int read_doc(struct rd *d, json_t *doc, struct rpt *r)
{
	static const char *const keys[] = { "format", "format_version", "ipoc_version", "tool",
					    "engine", "current_config", "seconds", "stopped",
					    "seed", "shard", "merged_from", "summary", "groups",
					    "cases", NULL };
	const char *format, *ipoc, *tool, *seed, *shard;
	json_t *v, *cases, *mf;
	size_t i;

	if (!json_is_object(doc))
		return bad(d, "not a JSON object");
	if (get_str(d, doc, "", "format", false, &format))
		return -1;
	if (strcmp(format, RPT_FORMAT) != 0)
		return bad(d, "format: '%s', not an ipoc report ('%s')", format, RPT_FORMAT);
	v = json_object_get(doc, "format_version");
	if (!json_is_integer(v) || json_integer_value(v) != RPT_FORMAT_VERSION)
		return bad(d, "format_version: want %d (this ipoc reads that version only)",
			   RPT_FORMAT_VERSION);
	if (only_keys(d, doc, "", keys) || get_str(d, doc, "", "ipoc_version", false, &ipoc) ||
	    get_str(d, doc, "", "tool", false, &tool) ||
	    get_str(d, doc, "", "seed", true, &seed) ||
	    get_str(d, doc, "", "shard", true, &shard))
		return -1;
	if (!one_of(tool, tools))
		return bad(d, "tool: '%s' is not validate, vectors, replay or diff", tool);
	if (rpt_init(r, tool) != 0)
		return bad(d, "out of memory");
	if (read_engine(d, json_object_get(doc, "engine"), r) != 0 ||
	    get_seconds(d, doc, "", &r->seconds) || get_bool(d, doc, "", "stopped", &r->stopped))
		return -1;
	if (seed && (!(r->seed = strdup(seed)) || !seed[0] || strspn(seed, "0123456789") !=
		     strlen(seed)))
		return bad(d, "seed: '%s' is not a decimal number", seed);
	if (shard) {
		unsigned a, b;
		int end = 0;

		if (sscanf(shard, "%u/%u%n", &a, &b, &end) != 2 || (size_t)end != strlen(shard) ||
		    a == 0 || a > b)
			return bad(d, "shard: '%s' is not I/N with 1 <= I <= N", shard);
		if (rpt_set_shard(r, a, b) != 0)
			return bad(d, "out of memory");
	}
	v = json_object_get(doc, "current_config");
	if (!v || !(json_is_object(v) || json_is_null(v)))
		return bad(d, "current_config: %s", v ? "not an object or null" : "missing");
	r->caps = json_is_object(v) ? json_incref(v) : NULL;
	mf = json_object_get(doc, "merged_from");
	if (mf) {
		if (!json_is_array(mf))
			return bad(d, "merged_from: not an array");
		r->merged_from = calloc(json_array_size(mf) + 1, sizeof(*r->merged_from));
		if (!r->merged_from)
			return bad(d, "out of memory");
		json_array_foreach(mf, i, v) {
			if (!json_is_string(v))
				return bad(d, "merged_from[%zu]: not a string", i);
			if (!(r->merged_from[r->n_merged++] = strdup(json_string_value(v))))
				return bad(d, "out of memory");
		}
	}
	cases = json_object_get(doc, "cases");
	if (!json_is_array(cases))
		return bad(d, "cases: %s", cases ? "not an array" : "missing");
	json_array_foreach(cases, i, v)
		if (read_case(d, v, i, r) != 0)
			return -1;
	return check_counts(d, doc, r);
}

int rpt_read_json(struct rpt *r, const char *path, char *err, size_t errlen)
{
	struct rd d = { path, err, errlen };
	json_error_t je;
	json_t *doc;
	int rc;

	memset(r, 0, sizeof(*r));
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		if (je.line > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		return -1;
	}
	rc = read_doc(&d, doc, r);
	json_decref(doc);
	if (rc != 0)
		rpt_free(r);
	return rc;
}
