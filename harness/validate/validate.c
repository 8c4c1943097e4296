/* SPDX-License-Identifier: MIT */
/*
 * validate.c - see validate.h.
 *
 * Implementation notes. Each case gets a fresh context: its own generator
 * (seeded from its id), its own engine and reference instances, closed when
 * it ends. The engine host keeps the case's requests (eh_mark at the start),
 * so a case that did not pass leaves a reproducer that `ipoc repro` replays
 * against the same engine. A crash, hang or exit restarts the engine host
 * before the next case; after --max-faults of them, the rest is skipped.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps_print.h"
#include "validate.h"
#include "vrepro.h"

int vrun_init(struct vrun *r)
{
	memset(r, 0, sizeof(*r));
	if (vcases_expand(&r->cases, &r->n_cases) != 0)
		return -1;
	r->res = calloc(r->n_cases ? r->n_cases : 1, sizeof(*r->res));
	r->selected = calloc(r->n_cases ? r->n_cases : 1, sizeof(*r->selected));
	return r->res && r->selected ? 0 : -1;
}

void vrun_fini(struct vrun *r)
{
	free(r->cases);
	free(r->res);
	free(r->selected);
	memset(r, 0, sizeof(*r));
}

static bool in_list(const char **l, const char *s, bool glob)
{
	for (; l && *l; l++)
		if (glob ? fnmatch(*l, s, 0) == 0 : strcmp(*l, s) == 0)
			return true;
	return false;
}

unsigned vrun_select(struct vrun *r, const struct vselect *sel)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_cases; i++) {
		const struct vcase *c = &r->cases[i];
		bool by_name = in_list(sel->cases, c->id, true) || in_list(sel->areas, c->area, false);
		bool any = !sel->cases && !sel->areas;

		/* The timing probe is opt-in: only when asked for by name. */
		r->selected[i] = by_name || (any && strcmp(c->area, "timing") != 0);
		n += r->selected[i];
	}
	return n;
}

void vrun_list(const struct vrun *r, FILE *out)
{
	for (unsigned i = 0; i < r->n_cases; i++)
		if (r->selected[i])
			fprintf(out, "%-64s %-9s %-22s %s\n", r->cases[i].id, r->cases[i].area,
				r->cases[i].rule, r->cases[i].title);
}

static uint64_t seed_of(const char *id)
{
	uint64_t s = 0xcbf29ce484222325ull;

	for (; *id; id++)
		s = (s ^ (uint8_t)*id) * 0x100000001b3ull;
	return s;
}

/* A file name from a case id: '/' and other odd characters become '_'. */
static void repro_name(const struct vrun *r, const char *id, char *buf, size_t len)
{
	int k = snprintf(buf, len, "%s/", r->o.repro_dir);

	for (; *id && k > 0 && (size_t)k + 8 < len; id++)
		buf[k++] = (*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '-' ||
			   *id == '.' || *id == '+' ? *id : '_';
	snprintf(buf + k, len - (size_t)k, ".repro");
}

/* Close what the case left open. */
static void close_all(struct vctx *x)
{
	for (unsigned i = 0; i < x->n_rinst; i++)
		eh_close(x->ref, x->rinst[i]);
	x->n_rinst = 0;
	while (x->n_inst && vx_ok(x)) {
		enum eh_rc rc = eh_close(x->eh, x->inst[--x->n_inst]);

		if (rc != EH_OK) {
			vx_fault(x, rc);
			snprintf(x->r.why + strlen(x->r.why), sizeof(x->r.why) - strlen(x->r.why),
				 " (when its instance was closed)");
		}
	}
	/* After a verdict the instances are closed without judging. */
	while (x->n_inst)
		eh_close(x->eh, x->inst[--x->n_inst]);
}

/* Beside the reproducer path (NAME.repro): NAME.pcapng, NAME.esp_sa and
 * NAME.case (vrepro.h). */
static void write_case_files(const struct vrun *r, const struct vctx *x,
			     const struct vresult *res, const char *path, FILE *out)
{
	char stem[600], err[512];
	size_t n = strlen(path);
	struct vr_where w = { stem, res->repro[0] ? res->repro : NULL, r->o.version,
			      eh_info(r->eh) };

	if (!x->log) {
		if (out)
			fprintf(out, "  (case files not written: out of memory)\n");
		return;
	}
	snprintf(stem, sizeof(stem), "%.*s", (int)(n > 6 ? n - 6 : n), path);
	if (vrepro_write(x, x->log, x->c, res, &w, err, sizeof(err)) != 0 && out)
		fprintf(out, "  (case files not written: %s)\n", err);
}

static void run_one(struct vrun *r, unsigned i, FILE *out)
{
	const struct vcase *c = &r->cases[i];
	struct vresult *res = &r->res[i];
	struct vctx x;
	char why[128], err[512];
	const char *excl = vcase_excluded(c, &r->caps, why, sizeof(why));

	memset(res, 0, sizeof(*res));
	if (r->stopped) {
		res->v = V_SKIPPED;
		res->not_run = true;
		snprintf(res->why, sizeof(res->why), "not run: the engine faulted %u times before",
			 r->faults);
		return;
	}
	if (excl) {
		res->v = V_UNSUPPORTED;
		snprintf(res->why, sizeof(res->why), "the engine does not claim %s", excl);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.eh = r->eh;
	x.ref = r->ref;
	x.caps = r->caps;
	x.o = &r->o;
	x.c = c;
	x.rng = seed_of(c->id);
	x.next_spi = 0x100 + (vx_rand(&x) & 0x00FFFF00u);
	x.log = r->o.repro_dir ? vr_log_new() : NULL;
	eh_mark(r->eh);
	c->body(&x, c);
	close_all(&x);
	*res = x.r;
	if (res->v != V_PASSED && res->v != V_SKIPPED && r->o.repro_dir) {
		char path[600];

		mkdir(r->o.repro_dir, 0777);
		repro_name(r, c->id, path, sizeof(path));
		if (eh_repro_write(r->eh, path, c->id, err, sizeof(err)) == 0)
			snprintf(res->repro, sizeof(res->repro), "%s", path);
		else if (out)
			fprintf(out, "  (reproducer not written: %s)\n", err);
		write_case_files(r, &x, res, path, out);
	}
	vr_log_free(x.log);
	if (res->v >= V_CRASHED) {
		r->faults++;
		if (r->faults >= r->o.max_faults)
			r->stopped = true;
		else if (eh_restart(r->eh, err, sizeof(err)) != 0) {
			r->stopped = true;
			if (out)
				fprintf(out, "  cannot restart the engine host: %s\n", err);
		}
	}
}

void vrun_print_case(const struct vrun *r, unsigned i, FILE *out)
{
	const struct vcase *c = &r->cases[i];
	const struct vresult *res = &r->res[i];
	const char *t;

	if (res->v == V_PASSED && !r->o.verbose)
		return;
	if ((res->v == V_UNSUPPORTED || res->not_run) && !r->o.verbose)
		return;
	fprintf(out, "%-11s %s%s%s\n", res->v == V_PASSED ? "ok" : res->v == V_FAILED ? "FAIL"
		: verdict_name(res->v), c->id, res->why[0] ? ": " : "", res->why);
	if (res->v == V_PASSED || res->v == V_UNSUPPORTED)
		return;
	fprintf(out, "            %s [%s]%s%s\n", c->title, c->rule,
		res->repro[0] ? "; reproducer: ipoc repro " : "", res->repro);
	if (res->allowed[0])
		fprintf(out, "            (allowed by %s)\n", res->allowed);
	t = res->v >= V_CRASHED ? eh_fault(r->eh)->tail : "";
	eh_print_tail(out, "            engine's last output: ", t, 1500);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void vrun_cases(struct vrun *r, FILE *out, bool progress)
{
	double start = now(), last = start;
	unsigned done = 0, total = 0, not_run = 0;
	bool tty = isatty(2);

	for (unsigned i = 0; i < r->n_cases; i++)
		total += r->selected[i];
	memset(&r->total, 0, sizeof(r->total));
	for (unsigned i = 0; i < r->n_cases; i++) {
		if (!r->selected[i])
			continue;
		run_one(r, i, out);
		r->total.n[r->res[i].v]++;
		vrun_print_case(r, i, out);
		not_run += r->res[i].not_run;
		done++;
		if (progress && now() - last > (tty ? 1.0 : 10.0)) {
			last = now();
			fprintf(stderr, "%svalidate: %u/%u cases, %u failed%s", tty ? "\r" : "", done,
				total, r->total.n[V_FAILED] + r->total.n[V_CRASHED] +
				r->total.n[V_HUNG] + r->total.n[V_EXITED], tty ? "" : "\n");
		}
	}
	if (progress && tty && last != start)
		fputc('\n', stderr);
	if (not_run && out)
		fprintf(out, "the run stopped: the engine faulted %u time%s%s; %u case%s not run, "
			"counted as skipped\n", r->faults, r->faults == 1 ? "" : "s",
			r->faults >= r->o.max_faults ? " (--max-faults)" : " and did not restart",
			not_run, not_run == 1 ? "" : "s");
	r->seconds = now() - start;
}

void vrun_summary(const struct vrun *r, FILE *out)
{
	const char *areas[32];
	unsigned n_areas = 0;
	char sum[256];

	for (unsigned i = 0; i < r->n_cases; i++) {
		bool seen = false;

		if (!r->selected[i])
			continue;
		for (unsigned a = 0; a < n_areas; a++)
			seen |= strcmp(areas[a], r->cases[i].area) == 0;
		if (!seen && n_areas < 32)
			areas[n_areas++] = r->cases[i].area;
	}
	for (unsigned a = 0; a < n_areas; a++) {
		struct verdict_counts c;

		memset(&c, 0, sizeof(c));
		for (unsigned i = 0; i < r->n_cases; i++)
			if (r->selected[i] && strcmp(r->cases[i].area, areas[a]) == 0)
				c.n[r->res[i].v]++;
		fprintf(out, "  %-9s %s\n", areas[a], verdict_summary(&c, sum, sizeof(sum)));
	}
	fprintf(out, "%.1f s, engine %s%s\n", r->seconds, eh_info(r->eh)->name,
		eh_mode(r->eh) == EH_CHILD ? " in the engine host process" : " in this process");
	fprintf(out, "validate: %s\n", verdict_summary(&r->total, sum, sizeof(sum)));
}

int vrun_json(const struct vrun *r, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	const struct eh_info *in = eh_info(r->eh);
	bool first = true;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fputs("{\"engine\":{\"name\":", f);
	json_print_str(f, in->name);
	fputs(",\"version\":", f);
	json_print_str(f, in->version);
	fputs(",\"path\":", f);
	json_print_str(f, in->path);
	fprintf(f, ",\"host_process\":%s,\"test_set_tx_iv\":%s},\"current_config\":",
		eh_mode(r->eh) == EH_CHILD ? "true" : "false", in->has_tx_iv ? "true" : "false");
	caps_print_json(f, &r->caps);
	fputs(",\"cases\":[", f);
	for (unsigned i = 0; i < r->n_cases; i++) {
		const struct vcase *c = &r->cases[i];
		const struct vresult *res = &r->res[i];

		if (!r->selected[i])
			continue;
		fputs(first ? "\n{\"id\":" : ",\n{\"id\":", f);
		first = false;
		json_print_str(f, c->id);
		fputs(",\"area\":", f);
		json_print_str(f, c->area);
		fputs(",\"rule\":", f);
		json_print_str(f, c->rule);
		fputs(",\"title\":", f);
		json_print_str(f, c->title);
		fputs(",\"verdict\":", f);
		json_print_str(f, verdict_name(res->v));
		fputs(",\"why\":", f);
		json_print_str(f, res->why);
		fputs(",\"allowed_by\":", f);
		json_print_str(f, res->allowed);
		fputs(",\"reproducer\":", f);
		json_print_str(f, res->repro);
		fputc('}', f);
	}
	fputs("],\"summary\":{", f);
	for (int v = 0; v < V_COUNT; v++)
		fprintf(f, "%s\"%s\":%u", v ? "," : "", verdict_name((enum verdict)v), r->total.n[v]);
	fprintf(f, "},\"seconds\":%.3f,\"stopped\":%s}\n", r->seconds, r->stopped ? "true" : "false");
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}
