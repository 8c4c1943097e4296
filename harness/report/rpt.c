/* SPDX-License-Identifier: MIT */
/*
 * rpt.c - see rpt.h: the run's data model, counts, merging, and writing
 * every format asked for. The formats themselves are in rpt_json.c,
 * rpt_junit.c, rpt_html.c and rpt_text.c.
 */
#include <stdlib.h>
#include <string.h>

#include "caps_print.h"
#include "rpt.h"

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when it is
 * not one: overlong forms, surrogates and code points past U+10FFFF are
 * refused too, as jansson refuses them. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		k = 2, cp = p[0] & 0x1Fu;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		k = 3, cp = p[0] & 0x0Fu;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		k = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3Fu);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

/* A copy of s ("" for NULL) with every byte that is not UTF-8 written as
 * the text \xNN. */
static char *dup_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), o = 0;
	char *d = malloc(4 * n + 1);

	if (!d)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(p + i, n - i);

		if (k) {
			memcpy(d + o, p + i, k);
			o += k;
			i += k;
		} else {
			o += (size_t)snprintf(d + o, 5, "\\x%02X", p[i]);
			i++;
		}
	}
	d[o] = '\0';
	return d;
}

json_t *rpt_json_str(const char *s)
{
	char *d = dup_clean(s);
	json_t *j = d ? json_string(d) : NULL;

	free(d);
	return j;
}

int rpt_init(struct rpt *r, const char *tool)
{
	memset(r, 0, sizeof(*r));
	r->tool = dup_clean(tool);
	r->engine.name = dup_clean("");
	r->engine.version = dup_clean("");
	r->engine.path = dup_clean("");
	r->engine.abi = dup_clean("");
	if (!r->tool || !r->engine.name || !r->engine.version || !r->engine.path ||
	    !r->engine.abi) {
		rpt_free(r);
		return -1;
	}
	return 0;
}

static void result_free(struct rpt_result *x)
{
	free((char *)x->id);
	free((char *)x->group);
	free((char *)x->title);
	free((char *)x->rule);
	free((char *)x->why);
	free((char *)x->allowed_by);
	free((char *)x->reproducer);
	for (unsigned i = 0; i < x->n_artifacts; i++)
		free((char *)x->artifacts[i]);
	free((char **)x->artifacts);
	free((char *)x->alg);
	free((char *)x->mode);
	free((char *)x->family);
	free((char *)x->encap);
}

void rpt_free(struct rpt *r)
{
	free(r->tool);
	free(r->engine.name);
	free(r->engine.version);
	free(r->engine.path);
	free(r->engine.abi);
	json_decref(r->caps);
	free(r->seed);
	free(r->shard);
	for (unsigned i = 0; i < r->n_merged; i++)
		free(r->merged_from[i]);
	free(r->merged_from);
	for (size_t i = 0; i < r->n; i++)
		result_free(&r->res[i]);
	free(r->res);
	memset(r, 0, sizeof(*r));
}

/* Replace *dst with a clean copy of s. */
static int set_str(char **dst, const char *s)
{
	char *d = dup_clean(s);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

int rpt_set_engine(struct rpt *r, const struct eh *eh)
{
	const struct eh_info *in = eh_info(eh);
	char abi[16];

	snprintf(abi, sizeof(abi), "%u.%u", in->abi_major, in->abi_minor);
	r->engine.host_process = eh_mode(eh) == EH_CHILD;
	r->engine.test_set_tx_iv = in->has_tx_iv;
	r->engine.test_set_sequence = in->has_sequence;
	if (set_str(&r->engine.name, in->name) || set_str(&r->engine.version, in->version) ||
	    set_str(&r->engine.path, in->path) || set_str(&r->engine.abi, abi))
		return -1;
	return 0;
}

int rpt_set_engine_names(struct rpt *r, const char *name, const char *version, const char *path,
			 const char *abi)
{
	if ((name && set_str(&r->engine.name, name)) ||
	    (version && set_str(&r->engine.version, version)) ||
	    (path && set_str(&r->engine.path, path)) || (abi && set_str(&r->engine.abi, abi)))
		return -1;
	return 0;
}

int rpt_set_caps(struct rpt *r, const NDIS_OFFLOAD *caps)
{
	json_t *j = caps_to_json(caps);

	if (!j)
		return -1;
	json_decref(r->caps);
	r->caps = j;
	return 0;
}

int rpt_set_seed(struct rpt *r, uint64_t seed)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)seed);
	return set_str(&r->seed, s);
}

int rpt_set_shard(struct rpt *r, unsigned i, unsigned n)
{
	char s[32];

	if (n == 0 || i == 0 || i > n)
		return -1;
	snprintf(s, sizeof(s), "%u/%u", i, n);
	return set_str(&r->shard, s);
}

/* A clean copy of x into d (zeroed first); 0 or -1. */
static int result_copy(struct rpt_result *d, const struct rpt_result *x)
{
	char **arts = NULL;

	memset(d, 0, sizeof(*d));
	d->v = x->v;
	d->seconds = x->seconds;
	d->id = dup_clean(x->id);
	d->group = dup_clean(x->group);
	d->title = dup_clean(x->title);
	d->rule = dup_clean(x->rule);
	d->why = dup_clean(x->why);
	d->allowed_by = dup_clean(x->allowed_by);
	d->reproducer = dup_clean(x->reproducer);
	d->alg = dup_clean(x->alg);
	d->mode = dup_clean(x->mode);
	d->family = dup_clean(x->family);
	d->encap = dup_clean(x->encap);
	if (x->n_artifacts) {
		arts = calloc(x->n_artifacts, sizeof(*arts));
		d->artifacts = (const char *const *)arts;
		for (unsigned i = 0; arts && i < x->n_artifacts; i++, d->n_artifacts++)
			if (!(arts[i] = dup_clean(x->artifacts[i])))
				break;
	}
	if (!d->id || !d->group || !d->title || !d->rule || !d->why || !d->allowed_by ||
	    !d->reproducer || !d->alg || !d->mode || !d->family || !d->encap ||
	    (x->n_artifacts && (!arts || d->n_artifacts != x->n_artifacts))) {
		result_free(d);
		return -1;
	}
	return 0;
}

static bool one_of(const char *s, const char *const *vals)
{
	for (s = s ? s : ""; *vals; vals++)
		if (strcmp(s, *vals) == 0)
			return true;
	return false;
}

const char *rpt_bad_coord(const struct rpt_result *x, char *buf, size_t len)
{
	static const char *const modes[] = { "", "transport", "tunnel", "tot", NULL };
	static const char *const families[] = { "", "ipv4", "ipv6", NULL };
	static const char *const encaps[] = { "", "none", "udp-transport", "udp-tunnel",
					      "udp-tot-outer", "udp-tot-inner", NULL };

	if (!one_of(x->mode, modes))
		snprintf(buf, len, "mode: '%s' is not transport, tunnel or tot", x->mode);
	else if (!one_of(x->family, families))
		snprintf(buf, len, "family: '%s' is not ipv4 or ipv6", x->family);
	else if (!one_of(x->encap, encaps))
		snprintf(buf, len, "encapsulation: '%s' is not none, udp-transport, udp-tunnel, "
			 "udp-tot-outer or udp-tot-inner", x->encap);
	else
		return NULL;
	return buf;
}

int rpt_add(struct rpt *r, const struct rpt_result *x)
{
	char why[200];

	if ((unsigned)x->v >= V_COUNT || rpt_bad_coord(x, why, sizeof(why)))
		return -1;
	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 256;
		struct rpt_result *nr = realloc(r->res, ncap * sizeof(*nr));

		if (!nr)
			return -1;
		r->res = nr;
		r->cap = ncap;
	}
	if (result_copy(&r->res[r->n], x) != 0)
		return -1;
	r->n++;
	return 0;
}

void rpt_counts_all(const struct rpt *r, rpt_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n; i++)
		c->n[r->res[i].v]++;
}

void rpt_counts_group(const struct rpt *r, const char *group, rpt_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->res[i].group, group) == 0)
			c->n[r->res[i].v]++;
}

int rpt_groups(const struct rpt *r, const char ***out, size_t *n)
{
	const char **g = malloc((r->n ? r->n : 1) * sizeof(*g));
	size_t k = 0;

	if (!g)
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		size_t j = k;

		/* Results of a group mostly come together: look back first. */
		while (j > 0 && strcmp(g[j - 1], r->res[i].group) != 0)
			j--;
		if (j == 0)
			g[k++] = r->res[i].group;
	}
	*out = g;
	*n = k;
	return 0;
}

bool rpt_verdict_bad(enum verdict v)
{
	return v == V_FAILED || v == V_CRASHED || v == V_HUNG || v == V_EXITED;
}

bool rpt_bad(const struct rpt *r)
{
	rpt_counts c;

	rpt_counts_all(r, &c);
	return verdict_bad(&c) || r->stopped || verdict_judged(&c) == 0;
}

enum verdict rpt_worse(enum verdict a, enum verdict b)
{
	static const int rank[V_COUNT] = {
		[V_SKIPPED] = 0, [V_UNSUPPORTED] = 1, [V_PASSED] = 2, [V_FAILED] = 3,
		[V_EXITED] = 4, [V_HUNG] = 5, [V_CRASHED] = 6,
	};

	return rank[a] >= rank[b] ? a : b;
}

enum verdict rpt_verdict_of(const char *s)
{
	for (int v = 0; v < V_COUNT; v++)
		if (strcmp(s, verdict_name((enum verdict)v)) == 0)
			return (enum verdict)v;
	return V_COUNT;
}

bool rpt_outputs_take(struct rpt_outputs *o, int c, const char *arg)
{
	switch (c) {
	case 'J': o->json = arg; return true;
	case 'U': o->junit = arg; return true;
	case 'W': o->html = arg; return true;
	default: return false;
	}
}

int rpt_write_all(const struct rpt *r, const struct rpt_outputs *o, char *err, size_t errlen)
{
	if (o->json && rpt_write_json(r, o->json, err, errlen) != 0)
		return -1;
	if (o->junit && rpt_write_junit(r, o->junit, err, errlen) != 0)
		return -1;
	if (o->html && rpt_write_html(r, o->html, err, errlen) != 0)
		return -1;
	return 0;
}

/* ---- merging ---- */

/* Which input each result came from, for naming both files of a
 * duplicate id. */
struct tagged {
	const struct rpt_result *x;
	size_t from;
};

static int tagged_by_id(const void *a, const void *b)
{
	const struct tagged *p = a, *q = b;
	int c = strcmp(p->x->id, q->x->id);

	return c ? c : (p->from > q->from) - (p->from < q->from);
}

static int merge_check(const struct rpt *a, const char *na, const struct rpt *b, const char *nb,
		       char *err, size_t errlen)
{
	if (strcmp(a->tool, b->tool) != 0) {
		snprintf(err, errlen, "%s is a run of '%s', %s of '%s': only runs of one tool merge",
			 nb, b->tool, na, a->tool);
		return -1;
	}
	if (strcmp(a->engine.name, b->engine.name) != 0 ||
	    strcmp(a->engine.version, b->engine.version) != 0) {
		snprintf(err, errlen, "%s is a run of engine %s %s, %s of %s %s: only runs of one "
			 "engine merge", nb, b->engine.name, b->engine.version, na, a->engine.name,
			 a->engine.version);
		return -1;
	}
	if (!json_equal(a->caps, b->caps) && (a->caps || b->caps)) {
		snprintf(err, errlen, "%s and %s: the engine's capability reports differ", na, nb);
		return -1;
	}
	if ((a->seed || b->seed) && (!a->seed || !b->seed || strcmp(a->seed, b->seed) != 0)) {
		snprintf(err, errlen, "%s has seed %s, %s has seed %s: only runs of one seed merge",
			 nb, b->seed ? b->seed : "none", na, a->seed ? a->seed : "none");
		return -1;
	}
	return 0;
}

int rpt_merge(struct rpt *out, const struct rpt *in, const char *const *names, size_t n,
	      char *err, size_t errlen)
{
	struct tagged *t = NULL;
	size_t total = 0, k = 0;

	if (n == 0) {
		snprintf(err, errlen, "nothing to merge");
		return -1;
	}
	for (size_t i = 1; i < n; i++)
		if (merge_check(&in[0], names[0], &in[i], names[i], err, errlen) != 0)
			return -1;
	for (size_t i = 0; i < n; i++)
		total += in[i].n;
	t = malloc((total ? total : 1) * sizeof(*t));
	if (!t)
		goto oom;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < in[i].n; j++)
			t[k++] = (struct tagged){ &in[i].res[j], i };
	qsort(t, total, sizeof(*t), tagged_by_id);
	for (size_t j = 1; j < total; j++) {
		if (strcmp(t[j - 1].x->id, t[j].x->id) == 0) {
			snprintf(err, errlen, "case %s is in %s and in %s: the runs overlap",
				 t[j].x->id, names[t[j - 1].from], names[t[j].from]);
			free(t);
			return -1;
		}
	}
	if (rpt_init(out, in[0].tool) != 0)
		goto oom;
	if (set_str(&out->engine.name, in[0].engine.name) ||
	    set_str(&out->engine.version, in[0].engine.version) ||
	    set_str(&out->engine.path, in[0].engine.path) ||
	    set_str(&out->engine.abi, in[0].engine.abi) ||
	    (in[0].seed && set_str(&out->seed, in[0].seed)))
		goto oom;
	out->engine.host_process = in[0].engine.host_process;
	out->engine.test_set_tx_iv = in[0].engine.test_set_tx_iv;
	out->engine.test_set_sequence = in[0].engine.test_set_sequence;
	out->caps = in[0].caps ? json_deep_copy(in[0].caps) : NULL;
	if (in[0].caps && !out->caps)
		goto oom;
	/* seconds: the work of every part (the parts may have run side by
	 * side); stopped: any part stopped early. */
	for (size_t i = 0; i < n; i++) {
		out->seconds += in[i].seconds;
		out->stopped |= in[i].stopped;
	}
	out->merged_from = calloc(n, sizeof(*out->merged_from));
	if (!out->merged_from)
		goto oom;
	for (size_t i = 0; i < n; i++, out->n_merged++)
		if (!(out->merged_from[i] = dup_clean(names[i])))
			goto oom;
	for (size_t j = 0; j < total; j++)
		if (rpt_add(out, t[j].x) != 0)
			goto oom;
	free(t);
	return 0;
oom:
	free(t);
	rpt_free(out);
	snprintf(err, errlen, "out of memory");
	return -1;
}
