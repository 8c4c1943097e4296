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
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "validate.h"
#include "vrepro.h"

int vrun_init(struct vrun *r)
{
	memset(r, 0, sizeof(*r));
	if (vcases_expand(&r->cases, &r->n_cases) != 0)
		return -1;
	r->res = calloc(r->n_cases ? r->n_cases : 1, sizeof(*r->res));
	r->selected = calloc(r->n_cases ? r->n_cases : 1, sizeof(*r->selected));
	r->secs = calloc(r->n_cases ? r->n_cases : 1, sizeof(*r->secs));
	return r->res && r->selected && r->secs ? 0 : -1;
}

void vrun_fini(struct vrun *r)
{
	free(r->cases);
	free(r->res);
	free(r->selected);
	free(r->secs);
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

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
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
	double start = now();

	memset(res, 0, sizeof(*res));
	r->secs[i] = 0;
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
	r->secs[i] = now() - start;
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

static const char *mode_name(enum vmode m)
{
	return m == VM_TRANSPORT ? "transport" : m == VM_TUNNEL ? "tunnel" : "tot";
}

static const char *encap_name(enum vudp u)
{
	switch (u) {
	case VU_TRANSPORT: return "udp-transport";
	case VU_TUNNEL: return "udp-tunnel";
	case VU_TOT_OUTER: return "udp-tot-outer";
	case VU_TOT_INNER: return "udp-tot-inner";
	default: return "none";
	}
}

int vrun_report(const struct vrun *r, struct rpt *out)
{
	if (rpt_set_engine(out, r->eh) != 0 || rpt_set_caps(out, &r->caps) != 0)
		return -1;
	out->seconds = r->seconds;
	out->stopped = r->stopped;
	for (unsigned i = 0; i < r->n_cases; i++) {
		const struct vcase *c = &r->cases[i];
		const struct vresult *res = &r->res[i];
		/* A case that names an algorithm configuration sits in one cell
		 * of the capability matrix: the configuration of its level-0 SA
		 * (the tunnel SA of transport over tunnel), its mode, its outer
		 * family and its UDP-ESP encapsulation. */
		bool cell = c->p.alg != NULL;
		const char *fam = c->p.family == 4 ? "ipv4" : c->p.family == 6 ? "ipv6" : "";
		struct rpt_result x = {
			.id = c->id, .group = c->area, .title = c->title, .rule = c->rule,
			.v = res->v, .why = res->why, .allowed_by = res->allowed,
			.reproducer = res->repro, .seconds = r->secs[i],
			.alg = cell ? c->p.alg->name : "", .mode = cell ? mode_name(c->p.mode) : "",
			.family = cell ? fam : "", .encap = cell ? encap_name(c->p.udp) : "",
		};

		if (r->selected[i] && rpt_add(out, &x) != 0)
			return -1;
	}
	return 0;
}
