/* SPDX-License-Identifier: MIT */
/* dresult.c - see diff.h: the divergence classes of a run. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void dresult_free(struct dresult *r)
{
	free(r->sigs);
	memset(r, 0, sizeof(*r));
}

static void tally(struct dtally *t, unsigned cap, unsigned *n, unsigned *more, const char *name)
{
	for (unsigned i = 0; i < *n; i++)
		if (strcmp(t[i].name, name) == 0) {
			t[i].n++;
			return;
		}
	if (*n == cap) {
		if (more)
			(*more)++;
		return;
	}
	snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
	t[(*n)++].n = 1;
}

int dresult_add(struct dresult *r, const char *sig, const char *alg, const char *fault,
		const char *example, uint32_t len, const char *detail)
{
	struct dsig *s = NULL;

	for (unsigned i = 0; i < r->n_sigs && !s; i++)
		if (strcmp(r->sigs[i].sig, sig) == 0)
			s = &r->sigs[i];
	if (!s) {
		if (r->n_sigs == r->cap_sigs) {
			unsigned cap = r->cap_sigs ? 2 * r->cap_sigs : 16;
			struct dsig *n = realloc(r->sigs, cap * sizeof(*n));

			if (!n)
				return -1;
			r->sigs = n;
			r->cap_sigs = cap;
		}
		s = &r->sigs[r->n_sigs++];
		memset(s, 0, sizeof(*s));
		snprintf(s->sig, sizeof(s->sig), "%s", sig);
		s->example_len = UINT32_MAX;
	}
	s->count++;
	if (alg)
		tally(s->algs, DSIG_TALLY, &s->n_algs, &s->more_algs, alg);
	if (fault)
		tally(s->faults, 8, &s->n_faults, NULL, fault);
	if (len < s->example_len) {
		s->example_len = len;
		snprintf(s->example, sizeof(s->example), "%s", example);
		snprintf(s->detail, sizeof(s->detail), "%s", detail);
	}
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct dsig *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->sig, y->sig);
}

static void print_tally(FILE *out, const char *what, const struct dtally *t, unsigned n,
			unsigned more)
{
	if (!n)
		return;
	fprintf(out, "        %s:", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s %s (%u)", i ? "," : "", t[i].name, t[i].n);
	if (more)
		fprintf(out, ", %u more", more);
	fputc('\n', out);
}

void dresult_print(const struct dresult *r, FILE *out)
{
	struct dsig *s;

	if (!r->n_sigs || !(s = malloc(r->n_sigs * sizeof(*s))))
		return;
	memcpy(s, r->sigs, r->n_sigs * sizeof(*s));
	qsort(s, r->n_sigs, sizeof(*s), by_count);
	for (unsigned i = 0; i < r->n_sigs; i++) {
		fprintf(out, "%6u  %s\n", s[i].count, s[i].sig);
		print_tally(out, "with", s[i].algs, s[i].n_algs, s[i].more_algs);
		print_tally(out, "faults put in", s[i].faults, s[i].n_faults, 0);
		fprintf(out, "        smallest: %s\n", s[i].example);
		if (s[i].detail[0])
			fprintf(out, "        %s\n", s[i].detail);
	}
	free(s);
}

/* "name (n), name (n)" of a tally into buf. */
static void tally_text(const struct dtally *t, unsigned n, unsigned more, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s (%u)", i ? ", " : "", t[i].name,
				      t[i].n);
	if (more && k < len)
		snprintf(buf + k, len - k, ", %u more", more);
}

int dresult_to_rpt(const struct dresult *d, struct rpt *r, const char *group, const char *what,
		   unsigned compared)
{
	char id[300], why[2400], algs[1024], faults[256];

	if (d->n_sigs == 0) {
		struct rpt_result x = { .id = group, .group = group, .title = what, .rule = what,
					.v = V_PASSED, .why = why, .allowed_by = "",
					.reproducer = "", .alg = "", .mode = "", .family = "",
					.encap = "" };

		snprintf(why, sizeof(why), "%u compared, no divergence", compared);
		return rpt_add(r, &x);
	}
	for (unsigned i = 0; i < d->n_sigs; i++) {
		const struct dsig *s = &d->sigs[i];
		struct rpt_result x = { .id = id, .group = group, .title = s->sig, .rule = what,
					.v = V_FAILED, .why = why, .allowed_by = "",
					.reproducer = "", .alg = "", .mode = "", .family = "",
					.encap = "" };

		tally_text(s->algs, s->n_algs, s->more_algs, algs, sizeof(algs));
		tally_text(s->faults, s->n_faults, 0, faults, sizeof(faults));
		snprintf(id, sizeof(id), "%s: %s", group, s->sig);
		snprintf(why, sizeof(why), "%u time%s%s%s%s%s; smallest: %s; %s", s->count,
			 s->count == 1 ? "" : "s", algs[0] ? "; with " : "", algs,
			 faults[0] ? "; faults put in: " : "", faults, s->example, s->detail);
		if (rpt_add(r, &x) != 0)
			return -1;
	}
	return 0;
}
