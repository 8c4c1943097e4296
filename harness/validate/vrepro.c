/* SPDX-License-Identifier: MIT */
/*
 * vrepro.c - see vrepro.h: the record of a validate case's frames and SAs,
 * its NAME.pcapng / NAME.esp_sa / NAME.case, and NAME.case read back.
 *
 * Implementation notes. Frames are numbered in the order they were noted;
 * the first VR_HEAD are kept in head[], later ones in a ring tail[] of the
 * last VR_TAIL. Each frame keeps the exchange it belongs to (one send or
 * receive call) and the NBL it was in, so that what came back (a status, a
 * completion count) can be added to the comment of the frame that went in.
 * Comments are built when the capture is written, when the verdict is
 * known. Keys are not kept: an SA is kept as its spec and key number, and
 * its keys are drawn again (vx_key) when the key file is written.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcapng_out.h"
#include "session.h"
#include "textfile.h"
#include "vcase.h"
#include "vctx.h"
#include "vrepro.h"
#include "wipe.h"

#define LINKTYPE_ETHERNET 1

struct vr_frame {
	uint8_t *b;
	uint32_t len;
	uint64_t ns;                /* when the harness handed it over / got it back */
	uint32_t exchange;          /* from 1 */
	uint32_t nbl;               /* the NBL it went in or came back in */
	bool in;                    /* handed to the engine */
	char step[24];
	char note[320];
};

struct vr_log {
	struct vr_frame head[VR_HEAD], tail[VR_TAIL];
	uint64_t n;                 /* frames noted */
	uint32_t exchange;          /* exchanges noted */
	uint32_t verdict_exchange;  /* the last exchange before the verdict; 0: none yet */
	bool verdict;
	uint64_t in_first;          /* the first frame of the last exchange */
	struct sa_spec sa[VR_MAX_SA];
	uint32_t sa_key[VR_MAX_SA];
	unsigned n_sa, sa_left_out;
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

struct vr_log *vr_log_new(void)
{
	return calloc(1, sizeof(struct vr_log));
}

/* Frame number k, or NULL when it was not kept (or not noted yet). */
static const struct vr_frame *frame_at(const struct vr_log *l, uint64_t k)
{
	if (k >= l->n)
		return NULL;
	if (k < VR_HEAD)
		return &l->head[k];
	if (l->n - k > VR_TAIL)
		return NULL;
	return &l->tail[(k - VR_HEAD) % VR_TAIL];
}

void vr_log_free(struct vr_log *l)
{
	if (!l)
		return;
	for (unsigned i = 0; i < VR_HEAD; i++)
		free(l->head[i].b);
	for (unsigned i = 0; i < VR_TAIL; i++)
		free(l->tail[i].b);
	ipoc_wipe(l->sa, sizeof(l->sa));
	free(l);
}

__attribute__((format(printf, 2, 3)))
static void note_add(struct vr_frame *f, const char *fmt, ...)
{
	size_t k = strlen(f->note);
	va_list ap;

	if (k + 3 >= sizeof(f->note))
		return;
	if (k)
		f->note[k++] = ';', f->note[k++] = ' ';
	va_start(ap, fmt);
	vsnprintf(f->note + k, sizeof(f->note) - k, fmt, ap);
	va_end(ap);
}

/* Note one frame (bytes copied); the slot it takes over is freed. */
static struct vr_frame *add(struct vr_log *l, const char *step, const uint8_t *b, uint32_t len,
			    uint64_t ns, uint32_t nbl, bool in)
{
	struct vr_frame *f = l->n < VR_HEAD ? &l->head[l->n]
					    : &l->tail[(l->n - VR_HEAD) % VR_TAIL];

	free(f->b);
	memset(f, 0, sizeof(*f));
	if (b && len && (f->b = malloc(len)) != NULL) {
		memcpy(f->b, b, len);
		f->len = len;
	}
	f->ns = ns;
	f->exchange = l->exchange;
	f->nbl = nbl;
	f->in = in;
	snprintf(f->step, sizeof(f->step), "%s", step);
	l->n++;
	return f;
}

void vr_note_in(struct vr_log *l, bool receive, const struct eh_io_in *in)
{
	uint64_t t = now_ns();

	if (!l)
		return;
	l->exchange++;
	l->in_first = l->n;
	for (uint32_t i = 0; i < in->n_nbl; i++) {
		const struct eh_nbl_in *nbl = &in->nbls[i];

		for (uint32_t j = 0; j < nbl->n_nb; j++) {
			struct vr_frame *f = add(l, receive ? "received" : "send in", nbl->nbs[j].data,
						 nbl->nbs[j].len, t, i, true);

			const struct ipoc_mdl_shape *sh = &nbl->nbs[j].shape;

			if (in->n_nbl > 1 || nbl->n_nb > 1)
				note_add(f, "NBL %u NB %u", i, j);
			if (sh->n_cuts || sh->lead)
				note_add(f, "in %u MDLs", sh->n_cuts + 1 + (sh->lead ? 1 : 0));
			if (!receive)
				note_add(f, "the packet as TCP/IP hands it over, not yet sealed");
		}
	}
}

/* Add to the comment of every frame of NBL nbl that went in last. */
__attribute__((format(printf, 3, 4)))
static void note_inputs(struct vr_log *l, uint32_t nbl, const char *fmt, ...)
{
	char s[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	for (uint64_t k = l->in_first; k < l->n; k++) {
		struct vr_frame *f = (struct vr_frame *)frame_at(l, k);   /* l is ours */

		if (f && f->in && f->exchange == l->exchange && (nbl == UINT32_MAX || f->nbl == nbl))
			note_add(f, "%s", s);
	}
}

static const char *rc_text(enum eh_rc rc)
{
	switch (rc) {
	case EH_CRASHED: return "the engine crashed here";
	case EH_HUNG: return "the engine hung here";
	case EH_EXITED: return "the engine exited here";
	default: return "the harness could not carry this out";
	}
}

void vr_note_out(struct vr_log *l, bool receive, enum eh_rc rc, const struct eh_io_out *o)
{
	uint64_t t = now_ns();
	char st[48], s1[200];

	if (!l)
		return;
	if (rc != EH_OK) {
		note_inputs(l, UINT32_MAX, "%s", rc_text(rc));
		return;
	}
	if (o->error[0])
		note_inputs(l, UINT32_MAX, "the harness could not build the NBLs: %s", o->error);
	for (uint32_t i = 0; i < o->n_nbl; i++) {
		const struct eh_nbl_out *n = &o->nbls[i];

		if (n->returned != 1)
			note_inputs(l, i, "%s %u times", receive ? "indicated" : "completed",
				    n->returned);
		if (!receive && n->returned)
			note_inputs(l, i, "completed with %s",
				    ndis_status_name(n->status, st, sizeof(st)));
		if (n->guard_err[0])
			note_inputs(l, i, "%s", n->guard_err);
		if (n->meta_err[0])
			note_inputs(l, i, "%s", n->meta_err);
		if (!receive || !n->returned)
			continue;
		for (uint32_t j = 0; j < n->n_nb; j++) {
			struct vr_frame *f = add(l, "indicated", n->nbs[j].bytes, n->nbs[j].len, t, i,
						 false);

			if (o->n_nbl > 1 || n->n_nb > 1)
				note_add(f, "NBL %u NB %u", i, j);
			if (!n->nbs[j].bytes)
				note_add(f, "its bytes could not be read back");
			note_add(f, "slot 1: %s", vx_slot1_text(
					 n->slots[IPsecOffloadV2NetBufferListInfo], s1, sizeof(s1)));
			note_add(f, "slot 11 0x%lx, slot 12 0x%lx", (unsigned long)
				 n->slots[IPsecOffloadV2TunnelNetBufferListInfo], (unsigned long)
				 n->slots[IPsecOffloadV2HeaderNetBufferListInfo]);
			if (n->status != NDIS_STATUS_SUCCESS)
				note_add(f, "status %s", ndis_status_name(n->status, st, sizeof(st)));
		}
	}
	for (uint32_t k = 0; k < o->n_tx; k++) {
		const struct eh_tx *x = &o->tx[k];
		struct vr_frame *f = add(l, "sent by the engine", x->bytes, x->len, t, x->nbl, false);

		if (x->nb >= 0)
			note_add(f, "for NBL %u NB %d", x->nbl, x->nb);
		else
			note_add(f, "for NBL %u, a NET_BUFFER of the engine's (LSO segment)", x->nbl);
		if (x->after_return)
			note_add(f, "transmitted after its NBL was completed");
	}
	if (o->strays)
		note_inputs(l, UINT32_MAX, "the engine handed back %u NBL(s) it was never given",
			    o->strays);
}

void vr_note_sa(struct vr_log *l, const struct sa_spec *sp, uint32_t key)
{
	if (!l)
		return;
	for (unsigned i = 0; i < l->n_sa; i++)
		if (l->sa_key[i] == key && memcmp(&l->sa[i], sp, sizeof(*sp)) == 0)
			return;
	if (l->n_sa == VR_MAX_SA) {
		l->sa_left_out++;
		return;
	}
	l->sa[l->n_sa] = *sp;
	l->sa_key[l->n_sa++] = key;
}

void vr_note_verdict(struct vr_log *l)
{
	if (l && !l->verdict) {
		l->verdict = true;
		l->verdict_exchange = l->exchange;
	}
}

/* ---- writing ---- */

/* s with line breaks as blanks, for one-line values. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static int write_capture(const char *path, const struct vr_log *l, const struct vcase *c,
			 const struct vresult *res, char *err, size_t errlen)
{
	struct pcapng_out *w = pcapng_out_open(path, LINKTYPE_ETHERNET, NULL, err, errlen);
	uint64_t tail_from = l->n > VR_HEAD + VR_TAIL ? l->n - VR_TAIL : VR_HEAD;
	char comment[2048];
	int rc = 0;

	if (!w)
		return -1;
	for (uint64_t k = 0; k < l->n && rc == 0; k = k + 1 == VR_HEAD ? tail_from : k + 1) {
		const struct vr_frame *f = frame_at(l, k);
		char gap[80] = "";

		if (!f)
			continue;
		if (k == tail_from && tail_from > VR_HEAD)
			snprintf(gap, sizeof(gap), " (%llu frames of the case left out before "
				 "this one)", (unsigned long long)(tail_from - VR_HEAD));
		snprintf(comment, sizeof(comment), "%s: %s%s%s%s; exchange %u of %u%s%s; case %s: %s",
			 c->id, f->step, f->note[0] ? " (" : "", f->note, f->note[0] ? ")" : "",
			 f->exchange, l->exchange, f->exchange == l->verdict_exchange ?
			 ", the last before the verdict" : "", gap, verdict_name(res->v),
			 res->why[0] ? res->why : "(no reason given)");
		one_line(comment);
		if (pcapng_out_frame_ex(w, f->b ? f->b : (const uint8_t *)"", f->len, f->ns,
					comment) != 0) {
			snprintf(err, errlen, "%s: cannot write", path);
			rc = -1;
		}
	}
	pcapng_out_close(w);
	return rc;
}

static int write_keys(const char *path, const struct vctx *x, const struct vr_log *l)
{
	static struct vr_sa_keys keys[VR_MAX_SA];
	int rc;

	for (unsigned a = 0; a < l->n_sa; a++) {
		for (unsigned i = 0; i < l->sa[a].num && i < IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS;
		     i++) {
			const struct sa_member *m = &l->sa[a].m[i];

			if (m->enc.key_len <= VR_KEY_MAX)
				vx_key(x, l->sa_key[a], i, 1, keys[a].k[i][0], m->enc.key_len);
			if (m->auth.key_len <= VR_KEY_MAX)
				vx_key(x, l->sa_key[a], i, 2, keys[a].k[i][1], m->auth.key_len);
		}
	}
	rc = vr_esp_sa_write(path, l->sa, keys, l->n_sa);
	ipoc_wipe(keys, sizeof(keys));
	return rc;
}

/* path's last component (a case file names its neighbours without folder). */
static const char *base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

static int write_case(const char *path, const struct vcase *c, const struct vresult *res,
		      const struct vr_where *wh, const struct vr_log *l, const char *cap,
		      const char *keys)
{
	FILE *f = fopen(path, "w");
	char seen[sizeof(res->why) + 32], title[512], real[PATH_MAX];

	if (!f)
		return -1;
	snprintf(seen, sizeof(seen), "%s%s%s", verdict_name(res->v), res->why[0] ? ": " : "",
		 res->why);
	one_line(seen);
	snprintf(title, sizeof(title), "%s", c->title);
	one_line(title);
	fprintf(f, "# A case of the ipoc conformance suite that did not pass. Run it alone with\n"
		"#   ipoc validate --case %s [--engine PATH]\n"
		"# (without --engine: on the engine named below). Its keys, SPIs and frames\n"
		"# follow from its id and the ipoc version. Beside it:\n"
		"#   %s  its frames, commented (Wireshark, tshark)\n"
		"#   %s  its ESP SAs (Wireshark 4.0 esp_sa), to decrypt them\n"
		"#   %s  its requests, for `ipoc repro`\n",
		base(path), base(cap), base(keys), wh->repro ? base(wh->repro) : "(none written)");
	fprintf(f, "ipoc-case 1\n");
	fprintf(f, "id %s\n", c->id);
	fprintf(f, "ipoc-version %s\n", wh->version ? wh->version : "unknown");
	/* Absolute, so that the file runs from any folder. */
	fprintf(f, "engine %s\n", realpath(wh->engine->path, real) ? real : wh->engine->path);
	fprintf(f, "engine-name %s %s\n", wh->engine->name, wh->engine->version);
	fprintf(f, "area %s\n", c->area);
	fprintf(f, "rule %s\n", c->rule);
	fprintf(f, "title %s\n", title);
	fprintf(f, "expected passed: %s\n", title);
	fprintf(f, "seen %s\n", seen);
	if (res->allowed[0])
		fprintf(f, "allowed-by %s\n", res->allowed);
	if (wh->repro)
		fprintf(f, "reproducer %s\n", base(wh->repro));
	fprintf(f, "capture %s (%llu frames in %u exchanges%s)\n", base(cap),
		(unsigned long long)(l->n > VR_HEAD + VR_TAIL ? VR_HEAD + VR_TAIL : l->n),
		l->exchange, l->n > VR_HEAD + VR_TAIL ? ", some left out" : "");
	fprintf(f, "keys %s (%u SAs%s)\n", base(keys), l->n_sa,
		l->sa_left_out ? ", some left out" : "");
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

int vrepro_write(const struct vctx *x, const struct vr_log *l, const struct vcase *c,
		 const struct vresult *res, const struct vr_where *w, char *err, size_t errlen)
{
	size_t n = strlen(w->stem) + 16;
	char *cap = malloc(n), *keys = malloc(n), *cas = malloc(n);
	int rc = -1;

	if (!cap || !keys || !cas) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	snprintf(cap, n, "%s.pcapng", w->stem);
	snprintf(keys, n, "%s.esp_sa", w->stem);
	snprintf(cas, n, "%s.case", w->stem);
	if (write_capture(cap, l, c, res, err, errlen) != 0)
		goto out;
	if (write_keys(keys, x, l) != 0) {
		snprintf(err, errlen, "%s: %s", keys, strerror(errno));
		goto out;
	}
	errno = 0;
	if (write_case(cas, c, res, w, l, cap, keys) != 0) {
		snprintf(err, errlen, "%s: %s", cas, errno ? strerror(errno) : "cannot write");
		goto out;
	}
	rc = 0;
out:
	free(cap);
	free(keys);
	free(cas);
	return rc;
}

/* ---- reading a case file ---- */

int vrepro_case_read(const char *path, struct vr_case_file *out, char *err, size_t errlen)
{
	char *buf = NULL, *p, *end;
	size_t len, cap;
	unsigned line = 0;
	bool magic = false;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (textfile_read(path, 1u << 20, &buf, &len, &cap, err, errlen) != 0)
		return -1;
	if (memchr(buf, '\0', len)) {
		text_err(err, errlen, "%s: not an ipoc case file (binary; an `ipoc repro` "
			 "reproducer is NAME.repro, its case file NAME.case)", path);
		goto out;
	}
	for (p = buf; p < buf + len; p = end + 1) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p)), *sp, *dst;
		size_t vl, dcap;

		end = nl ? nl : buf + len;
		*end = '\0';
		line++;
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		if (*p == '#' || *p == '\0')
			continue;
		if (!magic) {
			if (strcmp(p, "ipoc-case 1") != 0) {
				text_err(err, errlen, "%s:%u: not an ipoc case file (want `ipoc-case 1` "
					 "first, as `ipoc validate` writes it)", path, line);
				goto out;
			}
			magic = true;
			continue;
		}
		sp = strchr(p, ' ');
		if (!sp || sp == p) {
			text_err(err, errlen, "%s:%u: want `KEY VALUE`", path, line);
			goto out;
		}
		*sp++ = '\0';
		vl = strlen(sp);
		if (strcmp(p, "id") == 0)
			dst = out->id, dcap = sizeof(out->id);
		else if (strcmp(p, "ipoc-version") == 0)
			dst = out->version, dcap = sizeof(out->version);
		else if (strcmp(p, "engine") == 0)
			dst = out->engine, dcap = sizeof(out->engine);
		else
			continue;   /* what the file says for people: not needed to run it */
		if (vl == 0 || vl >= dcap) {
			text_err(err, errlen, "%s:%u: %s: %s", path, line, p, vl ? "too long" : "empty");
			goto out;
		}
		memcpy(dst, sp, vl + 1);
	}
	if (!magic)
		text_err(err, errlen, "%s: not an ipoc case file (no `ipoc-case 1` line)", path);
	else if (!out->id[0])
		text_err(err, errlen, "%s: no `id` line", path);
	else if (!out->version[0])
		text_err(err, errlen, "%s: no `ipoc-version` line", path);
	else
		rc = 0;
out:
	free(buf);
	return rc;
}
