/* SPDX-License-Identifier: MIT */
/*
 * host_server.c - see host_server.h.
 *
 * Implementation notes. A send or receive builds one NBL per requested NBL
 * (ipoc_nbl_build_ex, guard pages), links them through Next and hands the
 * chain to the engine. The host callbacks come in per call
 * (session_observer complete_call / indicate_call), so a chain the engine
 * hands back is walked here, and only through NBLs the host built: the
 * first pointer it does not know ends the walk and counts as a stray. What
 * an NBL looked like when it came back (Status, slots, bytes) is kept then;
 * guards, unused space and metadata are checked once the entry point has
 * returned (and, for sends, the late completions arrived). A send NBL that
 * never came back is still the engine's: it is kept until its instance is
 * closed, never freed under the engine. The callbacks may come from an
 * engine thread (late completions): the state they touch is behind a mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "host_proto.h"
#include "host_server.h"
#include "loader.h"
#include "memscan.h"
#include "session.h"
#include "wipe.h"

struct inst {
	bool used;
	struct session s;
	NET_BUFFER_LIST **lent;     /* send NBLs that never came back */
	size_t n_lent;
	unsigned logs_seen;
};

/* One NBL of the current send/receive. */
struct io_nbl {
	NET_BUFFER_LIST *nbl;
	uint32_t n_nb;
	uint32_t first;             /* its NBs' snapshots: io.snap[first ..] */
	unsigned returned;
	NDIS_STATUS status;
	uintptr_t slots[EH_SLOTS];
};

/* An NB's bytes as it came back; the buffers are kept from one call to the
 * next (a receive snapshots every frame). */
struct snap {
	uint8_t *p;
	uint32_t cap, len;
	bool ok;                    /* readable: p holds len bytes */
};

struct io_tx {
	uint32_t nbl;
	int32_t nb;
	bool after_return;
	uint8_t *bytes;
	uint32_t len;
};

/* The current send/receive and its answer, kept in the hs from one call to
 * the next (arrays grown, never shrunk but for large snapshots), so that a
 * chain of NBLs costs no allocation once the first has run. */
struct io {
	pthread_mutex_t mu;
	bool receive;
	bool entry_returned;        /* the engine's entry point has returned */
	struct io_nbl *nbls;
	uint32_t n_nbl, cap_nbl;
	struct snap *snap;
	uint32_t n_snap, cap_snap;
	struct io_tx *tx;
	uint32_t n_tx, cap_tx;
	unsigned calls, strays;
	bool bad_count, late;
	uint32_t hint;              /* where find_nbl looks first */
	/* the answer (host.h), pointing into the above */
	struct eh_io_out out;
	struct eh_nbl_out *onbl;
	struct eh_nb_out *onb;
	struct eh_tx *otx;
	uint32_t cap_onbl, cap_onb, cap_otx;
	/* a request's NBL being read (hs_handle) or taken (hs_io) */
	struct ipoc_frame *frames;
	uint32_t *cuts;
	uint32_t cap_frames, cap_cuts;
};

struct hs {
	struct loaded_engine le;
	bool loaded;
	int echo;
	struct inst inst[HP_MAX_INST];
	char last_log[512];
	unsigned log_lines;
	struct mb scratch;
	struct io io;
};

struct hs *hs_new(void)
{
	struct hs *hs = calloc(1, sizeof(*hs));

	if (hs) {
		hs->echo = -1;
		pthread_mutex_init(&hs->io.mu, NULL);
	}
	return hs;
}

static void inst_close(struct inst *in)
{
	if (!in->used)
		return;
	session_close(&in->s);
	for (size_t i = 0; i < in->n_lent; i++)
		ipoc_nbl_free(in->lent[i]);
	free(in->lent);
	memset(in, 0, sizeof(*in));
}

static void io_free(struct io *io);

void hs_free(struct hs *hs)
{
	if (!hs)
		return;
	for (unsigned i = 0; i < HP_MAX_INST; i++)
		inst_close(&hs->inst[i]);
	if (hs->loaded)
		loader_close(&hs->le);
	mb_free(&hs->scratch);
	io_free(&hs->io);
	ipoc_nbl_pool_drain();
	free(hs);
}

static double mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- the callbacks ---- */

/* The index of an NBL the host built, or -1 (a pointer it never gave,
 * never followed). A chain comes back mostly in the order it went: the
 * entry after the last one found is looked at first. */
static long find_nbl(struct io *io, const NET_BUFFER_LIST *nbl)
{
	if (io->hint < io->n_nbl && io->nbls[io->hint].nbl == nbl)
		return (long)io->hint++;
	for (uint32_t i = 0; i < io->n_nbl; i++)
		if (io->nbls[i].nbl == nbl) {
			io->hint = i + 1;
			return (long)i;
		}
	return -1;
}

/* Keep what an NBL looks like as it comes back: its NBs' bytes into
 * their snapshot buffers (kept from call to call). */
static void keep_nbl(struct io *io, struct io_nbl *n)
{
	n->status = n->nbl->Status;
	for (int k = 0; k < EH_SLOTS; k++)
		n->slots[k] = (uintptr_t)n->nbl->NetBufferListInfo[k];
	for (uint32_t j = 0; j < n->n_nb; j++) {
		const NET_BUFFER *nb = ipoc_nbl_nb_built(n->nbl, j);
		struct snap *s = &io->snap[n->first + j];
		uint32_t need = nb && nb->DataLength ? nb->DataLength : 1;

		s->ok = false;
		if (!nb)
			continue;
		if (s->cap < need) {
			uint8_t *p = realloc(s->p, need);

			if (!p)
				continue;
			s->p = p;
			s->cap = need;
		}
		s->ok = ipoc_nb_flatten(nb, s->p, nb->DataLength, &s->len) == 0;
	}
}

static void back(struct io *io, NET_BUFFER_LIST *chain)
{
	for (NET_BUFFER_LIST *p = chain; p;) {
		long i = find_nbl(io, p);

		if (i < 0) {
			io->strays++;
			return;
		}
		if (io->nbls[i].returned++ == 0) {
			keep_nbl(io, &io->nbls[i]);
			if (io->entry_returned)
				io->late = true;
		}
		p = p->Next;
	}
}

static void on_complete_call(void *ctx, NET_BUFFER_LIST *chain, ULONG flags)
{
	struct io *io = ctx;

	(void)flags;
	pthread_mutex_lock(&io->mu);
	io->calls++;
	back(io, chain);
	pthread_mutex_unlock(&io->mu);
}

static void on_indicate_call(void *ctx, NET_BUFFER_LIST *chain, ULONG count, ULONG flags)
{
	struct io *io = ctx;
	ULONG n = 0;

	(void)flags;
	pthread_mutex_lock(&io->mu);
	io->calls++;
	for (NET_BUFFER_LIST *p = chain; p && find_nbl(io, p) >= 0; p = p->Next)
		n++;
	if (n != count)
		io->bad_count = true;
	back(io, chain);
	pthread_mutex_unlock(&io->mu);
}

static void on_transmit(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct io *io = ctx;
	struct io_tx *t;
	long i;

	pthread_mutex_lock(&io->mu);
	if (io->n_tx == io->cap_tx) {
		uint32_t ncap = io->cap_tx ? io->cap_tx * 2 : 16;
		struct io_tx *nt = realloc(io->tx, ncap * sizeof(*nt));

		if (!nt) {
			pthread_mutex_unlock(&io->mu);
			return;
		}
		io->tx = nt;
		io->cap_tx = ncap;
	}
	t = &io->tx[io->n_tx++];
	memset(t, 0, sizeof(*t));
	i = find_nbl(io, nbl);
	t->nbl = i < 0 ? UINT32_MAX : (uint32_t)i;
	t->nb = i < 0 ? -1 : (int32_t)ipoc_nbl_nb_index(nbl, nb);
	t->after_return = i >= 0 && io->nbls[i].returned > 0;
	if (nb && nb->DataLength <= (64u << 20)) {
		t->bytes = malloc(nb->DataLength ? nb->DataLength : 1);
		if (t->bytes && ipoc_nb_flatten(nb, t->bytes, nb->DataLength, &t->len) != 0) {
			free(t->bytes);
			t->bytes = NULL;
		}
	}
	pthread_mutex_unlock(&io->mu);
}

/* ---- requests ---- */

static struct inst *inst_of(struct hs *hs, uint32_t i)
{
	return i < HP_MAX_INST && hs->inst[i].used ? &hs->inst[i] : NULL;
}

static void note_logs(struct hs *hs, struct inst *in)
{
	if (!in || in->s.log_lines == in->logs_seen)
		return;
	hs->log_lines += in->s.log_lines - in->logs_seen;
	in->logs_seen = in->s.log_lines;
	snprintf(hs->last_log, sizeof(hs->last_log), "%s", in->s.last_log);
}

static int op_load(struct hs *hs, struct mr *r, struct mb *rep)
{
	char path[4096], err[LOADER_ERRBUF_SIZE] = "";
	const struct ipoc_engine_ops *o;

	mr_str(r, path, sizeof(path));
	hs->echo = (int)mr_u32(r);
	if (!hs->loaded && loader_open(&hs->le, path, err, sizeof(err)) == 0)
		hs->loaded = true;
	mb_u32(rep, hs->loaded);
	mb_str(rep, err);
	o = hs->loaded ? hs->le.ops : NULL;
	mb_str(rep, o ? o->name : "");
	mb_str(rep, o ? o->version : "");
	mb_u32(rep, o ? o->abi_major : 0);
	mb_u32(rep, o ? o->abi_minor : 0);
	mb_u32(rep, o ? o->struct_size : 0);
	mb_u32(rep, o ? (IPOC_OPS_HAS(o, test_set_tx_iv) ? 1u : 0u) |
			(IPOC_OPS_HAS(o, test_set_sequence) ? 2u : 0u) : 0);
	return 0;
}

static int op_open(struct hs *hs, struct mr *r, struct mb *rep)
{
	struct ipoc_open_params p;
	char err[256];
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.struct_size = mr_u32(r);
	p.sa_offload_capacity = mr_u32(r);
	p.flags = mr_u32(r);
	for (i = 0; i < HP_MAX_INST && hs->inst[i].used; i++)
		;
	if (i == HP_MAX_INST) {
		snprintf(hs->last_log, sizeof(hs->last_log), "host: all %u instances in use",
			 HP_MAX_INST);
		return -1;
	}
	memset(&hs->inst[i], 0, sizeof(hs->inst[i]));
	hs->inst[i].s.echo_level = hs->echo;
	if (session_open(&hs->inst[i].s, hs->le.ops, p.struct_size ? &p : NULL, err,
			 sizeof(err)) == 0) {
		hs->inst[i].used = true;
		note_logs(hs, &hs->inst[i]);
		mb_u32(rep, (uint32_t)NDIS_STATUS_SUCCESS);
		mb_u32(rep, i);
		return 0;
	}
	note_logs(hs, &hs->inst[i]);
	/* A success without an instance is answered as success with no
	 * instance: the caller judges it. */
	mb_u32(rep, (uint32_t)hs->inst[i].s.open_status);
	mb_u32(rep, UINT32_MAX);
	memset(&hs->inst[i], 0, sizeof(hs->inst[i]));
	return 0;
}

/* A pointer field at off of buf (len bytes) as carried: 0 for NULL,
 * offset + 1 for a pointer into buf, UINT64_MAX for any other. */
static uint64_t ptr_out(const uint8_t *buf, uint32_t len, uint32_t off)
{
	uintptr_t v;

	memcpy(&v, buf + off, sizeof(v));
	if (!v)
		return 0;
	if (v >= (uintptr_t)buf && v < (uintptr_t)buf + len)
		return (uint64_t)(v - (uintptr_t)buf) + 1;
	return UINT64_MAX;
}

static int op_oid(struct hs *hs, struct inst *in, struct mr *r, struct mb *rep)
{
	struct ipoc_oid_request req;
	const uint8_t *src;
	uint32_t len, n, *relocs = NULL;
	uint8_t *buf = NULL;
	NDIS_STATUS st;
	int rc = -1;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.RequestType = mr_u32(r);
	req.Oid = mr_u32(r);
	src = mr_bytes(r, &len);
	n = mr_u32(r);
	if (r->bad || len > HP_MAX_OID_BUF || n > HP_MAX_RELOCS)
		goto out;
	relocs = calloc(n ? n : 1, sizeof(*relocs));
	/* Pointer aligned and padded, as NDIS hands buffers over. */
	buf = aligned_alloc(16, ((size_t)len + 15) / 16 * 16 + 16);
	if (!relocs || !buf)
		goto out;
	if (len)
		memcpy(buf, src, len);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v;
		uintptr_t p;

		relocs[i] = mr_u32(r);
		if (r->bad || relocs[i] > len || len - relocs[i] < sizeof(uintptr_t))
			goto out;
		memcpy(&v, buf + relocs[i], sizeof(v));
		if (v && v - 1 >= len)
			goto out;
		p = v ? (uintptr_t)buf + (uintptr_t)(v - 1) : 0;
		memcpy(buf + relocs[i], &p, sizeof(p));
	}
	req.InformationBuffer = len ? buf : NULL;
	req.InformationBufferLength = len;
	st = hs->le.ops->oid_request(in->s.engine, &req);
	note_logs(hs, in);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v = ptr_out(buf, len, relocs[i]);

		memcpy(buf + relocs[i], &v, sizeof(v));
	}
	mb_u32(rep, (uint32_t)st);
	mb_u32(rep, req.BytesWritten);
	mb_u32(rep, req.BytesRead);
	mb_u32(rep, req.BytesNeeded);
	mb_bytes(rep, buf, len);
	rc = 0;
out:
	if (buf)
		ipoc_wipe(buf, len);   /* ADD_SA keys */
	free(buf);
	free(relocs);
	return rc;
}

/* ---- send and receive ---- */

/* Room for n elements of size sz in *p (cap of them so far), kept and
 * grown, the new ones zeroed; false when out of memory. */
static bool grow(void **p, uint32_t *cap, uint32_t n, size_t sz)
{
	uint8_t *np;

	if (n == 0)
		n = 1;
	if (*p && n <= *cap)
		return true;
	if (n < 2 * *cap)
		n = 2 * *cap;
	np = realloc(*p, (size_t)n * sz);
	if (!np)
		return false;
	memset(np + (size_t)*cap * sz, 0, (size_t)(n - *cap) * sz);
	*p = np;
	*cap = n;
	return true;
}

/* Snapshots larger than this are let go before the next call, so that
 * memory stays that of the usual frames. */
#define SNAP_KEEP (64u << 10)

/* Let go of what the last call's answer held that the next one does not
 * keep: its frames on the wire, large snapshots. */
static void io_reset(struct io *io)
{
	for (uint32_t i = 0; i < io->n_tx; i++)
		free(io->tx[i].bytes);
	io->n_tx = 0;
	for (uint32_t i = 0; i < io->n_snap; i++)
		if (io->snap[i].cap > SNAP_KEEP) {
			free(io->snap[i].p);
			io->snap[i] = (struct snap){ NULL, 0, 0, false };
		}
	io->n_snap = 0;
	io->n_nbl = 0;
	io->calls = io->strays = 0;
	io->bad_count = io->late = io->entry_returned = false;
	io->hint = 0;
}

static void io_free(struct io *io)
{
	io_reset(io);
	for (uint32_t i = 0; i < io->cap_snap; i++)
		free(io->snap[i].p);
	free(io->snap);
	free(io->tx);
	free(io->nbls);
	free(io->onbl);
	free(io->onb);
	free(io->otx);
	free(io->frames);
	free(io->cuts);
	pthread_mutex_destroy(&io->mu);
}

/* Where one NBL of a request comes from: decoded from a message
 * (hs_handle) or taken from the caller's structures (hs_io). get fills
 * NBL i's slots, *n_nb (also when it fails: the answer says it) and
 * *frames (n_nb of them, valid until the next get); 0, or -1 with err. */
struct nbl_src {
	int (*get)(struct nbl_src *s, struct io *io, uint32_t i, uintptr_t *slots,
		   uint32_t *n_nb, const struct ipoc_frame **frames, char *err, size_t errlen);
	struct mr *r;                   /* a message */
	const struct eh_io_in *in;      /* or the caller's */
};

static int src_msg(struct nbl_src *s, struct io *io, uint32_t i, uintptr_t *slots,
		   uint32_t *n_nb, const struct ipoc_frame **frames, char *err, size_t errlen)
{
	struct mr *r = s->r;
	uint32_t n, total = 0;
	size_t mark;

	(void)i;
	for (int k = 0; k < EH_SLOTS; k++)
		slots[k] = (uintptr_t)mr_u64(r);
	n = *n_nb = mr_u32(r);
	if (r->bad || n == 0 || n > HP_MAX_NB) {
		snprintf(err, errlen, "bad request: %u NBs in an NBL", n);
		return -1;
	}
	if (!grow((void **)&io->frames, &io->cap_frames, n, sizeof(*io->frames)))
		goto bad;
	/* The cuts of all its NBs go into one array: counted first. */
	mark = r->off;
	for (uint32_t j = 0; j < n && !r->bad; j++) {
		uint32_t len, nc;

		mr_bytes(r, &len);
		mr_u32(r);
		mr_u32(r);
		mr_u32(r);
		nc = mr_u32(r);
		if (r->bad || nc > len)
			goto bad;
		total += nc;
		for (uint32_t k = 0; k < nc; k++)
			mr_u32(r);
	}
	if (r->bad || !grow((void **)&io->cuts, &io->cap_cuts, total, sizeof(*io->cuts)))
		goto bad;
	r->off = mark;
	total = 0;
	for (uint32_t j = 0; j < n; j++) {
		struct ipoc_frame *f = &io->frames[j];

		f->data = mr_bytes(r, &f->len);
		f->shape.headroom = mr_u32(r);
		f->shape.tailroom = mr_u32(r);
		f->shape.lead = mr_u32(r);
		f->shape.n_cuts = mr_u32(r);
		f->shape.cuts = io->cuts + total;
		for (uint32_t k = 0; k < f->shape.n_cuts; k++)
			io->cuts[total++] = mr_u32(r);
	}
	*frames = io->frames;
	return 0;
bad:
	snprintf(err, errlen, "bad request: an NBL's frames or shapes");
	return -1;
}

static int src_in(struct nbl_src *s, struct io *io, uint32_t i, uintptr_t *slots,
		  uint32_t *n_nb, const struct ipoc_frame **frames, char *err, size_t errlen)
{
	const struct eh_nbl_in *l = &s->in->nbls[i];
	uint32_t n = *n_nb = l->n_nb;

	memcpy(slots, l->slots, sizeof(l->slots));
	if (n == 0 || n > HP_MAX_NB) {
		snprintf(err, errlen, "bad request: %u NBs in an NBL", n);
		return -1;
	}
	if (!grow((void **)&io->frames, &io->cap_frames, n, sizeof(*io->frames)))
		goto bad;
	for (uint32_t j = 0; j < n; j++) {
		const struct eh_nb_in *b = &l->nbs[j];

		if (b->shape.n_cuts > b->len)
			goto bad;
		io->frames[j] = (struct ipoc_frame){ b->data, b->len, b->shape };
	}
	*frames = io->frames;
	return 0;
bad:
	snprintf(err, errlen, "bad request: an NBL's frames or shapes");
	return -1;
}

/* Take NBL i of the request from src and build it. */
static int build_nbl(struct io *io, struct nbl_src *src, uint32_t i, enum ipoc_nbl_guard guard,
		     char *err, size_t errlen)
{
	struct ipoc_nbl_opts o = { guard };
	struct io_nbl *n = &io->nbls[i];
	uintptr_t slots[EH_SLOTS];
	const struct ipoc_frame *f;

	if (src->get(src, io, i, slots, &n->n_nb, &f, err, errlen) != 0)
		return -1;
	if (!grow((void **)&io->snap, &io->cap_snap, io->n_snap + n->n_nb, sizeof(*io->snap))) {
		snprintf(err, errlen, "bad request: an NBL's frames or shapes");
		return -1;
	}
	n->first = io->n_snap;
	io->n_snap += n->n_nb;
	if (ipoc_nbl_build_ex(&n->nbl, f, n->n_nb, &o, err, errlen) != 0) {
		if (!err[0])
			snprintf(err, errlen, "bad request: an NBL's frames or shapes");
		return -1;
	}
	for (int k = 0; k < EH_SLOTS; k++)
		n->nbl->NetBufferListInfo[k] = (PVOID)slots[k];
	ipoc_nbl_meta_snapshot(n->nbl);
	return 0;
}

/* Wait for late send completions, up to EH_LATE_COMPLETION_MS. */
static void wait_late(struct io *io)
{
	for (unsigned ms = 0; ms < EH_LATE_COMPLETION_MS; ms++) {
		bool all = true;

		pthread_mutex_lock(&io->mu);
		for (uint32_t i = 0; i < io->n_nbl && all; i++)
			all = io->nbls[i].returned > 0;
		pthread_mutex_unlock(&io->mu);
		if (all)
			return;
		usleep(1000);
	}
}

/* Keep the send NBLs that never came back with their instance. */
static void lend(struct inst *in, struct io *io)
{
	for (uint32_t i = 0; i < io->n_nbl; i++) {
		NET_BUFFER_LIST **nl;

		if (io->nbls[i].returned || !io->nbls[i].nbl)
			continue;
		nl = realloc(in->lent, (in->n_lent + 1) * sizeof(*nl));
		if (!nl)
			continue;   /* leaked rather than freed under the engine */
		in->lent = nl;
		in->lent[in->n_lent++] = io->nbls[i].nbl;
		io->nbls[i].nbl = NULL;
	}
}

static const uint8_t no_bytes[1];

/* The answer of the call (host.h's eh_io_out) into io->out: what each NBL
 * looked like when it came back, its guards and structures checked now. 1
 * when an NBL has more NBs than a reply may carry (the count a bad request
 * gave: the host takes such a reply as malformed); -1 when out of memory. */
static int answer(struct io *io, const char *err, double ns, uint32_t writable)
{
	struct eh_io_out *o = &io->out;
	uint32_t total = 0;

	for (uint32_t i = 0; i < io->n_nbl; i++) {
		if (io->nbls[i].n_nb > HP_MAX_NB)
			return 1;
		total += io->nbls[i].n_nb;
	}
	if (!grow((void **)&io->onbl, &io->cap_onbl, io->n_nbl, sizeof(*io->onbl)) ||
	    !grow((void **)&io->onb, &io->cap_onb, total, sizeof(*io->onb)) ||
	    !grow((void **)&io->otx, &io->cap_otx, io->n_tx, sizeof(*io->otx)))
		return -1;
	memset(o, 0, sizeof(*o));
	snprintf(o->error, sizeof(o->error), "%s", err);
	o->ns = (uint64_t)ns;
	o->calls = io->calls;
	o->strays = io->strays;
	o->bad_count = io->bad_count;
	o->late = io->late;
	o->n_nbl = io->n_nbl;
	o->nbls = io->onbl;
	total = 0;
	for (uint32_t i = 0; i < io->n_nbl; i++) {
		const struct io_nbl *n = &io->nbls[i];
		struct eh_nbl_out *d = &io->onbl[i];

		d->guard_err[0] = d->meta_err[0] = '\0';
		if (n->nbl && n->returned) {
			ipoc_nbl_check_guards(n->nbl, d->guard_err, sizeof(d->guard_err));
			ipoc_nbl_check_meta(n->nbl, writable, d->meta_err, sizeof(d->meta_err));
		}
		d->returned = n->returned;
		d->status = n->returned ? n->status : 0;
		if (n->returned)
			memcpy(d->slots, n->slots, sizeof(d->slots));
		else
			memset(d->slots, 0, sizeof(d->slots));
		d->n_nb = n->n_nb;
		d->nbs = io->onb + total;
		for (uint32_t j = 0; j < n->n_nb; j++) {
			/* an NBL never built, or never back, has nothing readable */
			const struct snap *s = n->nbl && n->returned ? &io->snap[n->first + j] : NULL;

			d->nbs[j].bytes = s && s->ok ? s->p : NULL;
			d->nbs[j].len = s && s->ok ? s->len : 0;
		}
		total += n->n_nb;
	}
	o->n_tx = io->n_tx;
	o->tx = io->otx;
	for (uint32_t i = 0; i < io->n_tx; i++) {
		const struct io_tx *t = &io->tx[i];

		io->otx[i] = (struct eh_tx){ t->nbl, t->nb, t->after_return,
					     t->bytes ? t->bytes : no_bytes,
					     t->bytes ? t->len : 0 };
	}
	return 0;
}

/* A send or receive on instance in: 0 with the answer in hs->io.out; -1
 * for a request that cannot be carried out (as hs_handle refuses it). */
static int run_io(struct hs *hs, struct inst *in, bool receive, enum ipoc_nbl_guard guard,
		  uint32_t writable, ULONG port, ULONG flags, uint32_t n, struct nbl_src *src)
{
	struct io *io = &hs->io;
	char err[256] = "";
	double t0 = 0, t1 = 0;
	int rc;

	io_reset(io);
	if (n == 0 || n > HP_MAX_NBL || guard > IPOC_NBL_GUARD_HEAD)
		return -1;
	if (!grow((void **)&io->nbls, &io->cap_nbl, n, sizeof(*io->nbls)))
		return -1;
	io->receive = receive;
	io->n_nbl = n;
	for (uint32_t i = 0; i < n; i++) {
		io->nbls[i].nbl = NULL;
		io->nbls[i].n_nb = 0;
		io->nbls[i].returned = 0;
	}
	for (uint32_t i = 0; i < n && !err[0]; i++)
		if (build_nbl(io, src, i, guard, err, sizeof(err)) == 0 && i)
			io->nbls[i - 1].nbl->Next = io->nbls[i].nbl;
	if (!err[0]) {
		in->s.obs = (struct session_observer){ .ctx = io, .transmit = on_transmit,
						       .complete_call = on_complete_call,
						       .indicate_call = on_indicate_call };
		t0 = mono_ns();
		if (receive)
			hs->le.ops->receive_net_buffer_lists(in->s.engine, io->nbls[0].nbl, flags);
		else
			hs->le.ops->send_net_buffer_lists(in->s.engine, io->nbls[0].nbl, port, flags);
		t1 = mono_ns();
		pthread_mutex_lock(&io->mu);
		io->entry_returned = true;
		pthread_mutex_unlock(&io->mu);
		if (!receive)
			wait_late(io);
		note_logs(hs, in);
	}
	pthread_mutex_lock(&io->mu);
	rc = answer(io, err, t1 - t0, writable);
	if (!receive)
		lend(in, io);
	in->s.obs = (struct session_observer){ 0 };
	pthread_mutex_unlock(&io->mu);
	for (uint32_t i = 0; i < n; i++)
		ipoc_nbl_recycle(io->nbls[i].nbl);
	return rc;
}

/* The answer o into a reply body (host_proto.h). */
static void reply_io(const struct eh_io_out *o, struct mb *rep)
{
	mb_str(rep, o->error);
	mb_u64(rep, o->ns);
	mb_u32(rep, o->calls);
	mb_u32(rep, o->strays);
	mb_u32(rep, o->bad_count);
	mb_u32(rep, o->late);
	mb_u32(rep, o->n_nbl);
	for (uint32_t i = 0; i < o->n_nbl; i++) {
		const struct eh_nbl_out *n = &o->nbls[i];

		mb_u32(rep, n->returned);
		mb_u32(rep, (uint32_t)n->status);
		for (int k = 0; k < EH_SLOTS; k++)
			mb_u64(rep, n->slots[k]);
		mb_str(rep, n->guard_err);
		mb_str(rep, n->meta_err);
		mb_u32(rep, n->n_nb);
		for (uint32_t j = 0; j < n->n_nb; j++) {
			mb_u32(rep, n->nbs[j].bytes ? 1 : 0);
			mb_bytes(rep, n->nbs[j].bytes, n->nbs[j].len);
		}
	}
	mb_u32(rep, o->n_tx);
	for (uint32_t i = 0; i < o->n_tx; i++) {
		mb_u32(rep, o->tx[i].nbl);
		mb_u32(rep, (uint32_t)o->tx[i].nb);
		mb_u32(rep, o->tx[i].after_return);
		mb_bytes(rep, o->tx[i].bytes, o->tx[i].len);
	}
}

static int op_io(struct hs *hs, struct inst *in, struct mr *r, struct mb *rep, bool receive)
{
	struct nbl_src src = { src_msg, r, NULL };
	enum ipoc_nbl_guard guard = (enum ipoc_nbl_guard)mr_u32(r);
	uint32_t writable = mr_u32(r);
	ULONG port = mr_u32(r), flags = mr_u32(r);
	uint32_t n = mr_u32(r);
	int rc;

	if (r->bad)
		return -1;
	rc = run_io(hs, in, receive, guard, writable, port, flags, n, &src);
	if (rc == 1) {
		/* more NBs than a reply carries: a reply the host refuses */
		reply_io(&(struct eh_io_out){ .n_nbl = HP_MAX_NBL + 1 }, rep);
		return 0;
	}
	if (rc == 0)
		reply_io(&hs->io.out, rep);
	return rc;
}

/* see host_server.h */
int hs_io(struct hs *hs, uint32_t inst, bool receive, const struct eh_io_in *in,
	  const struct eh_io_out **out, char *msg, size_t msglen)
{
	struct nbl_src src = { src_in, NULL, in };
	struct inst *ins = inst_of(hs, inst);
	int rc;

	*out = NULL;
	hs->log_lines = 0;
	if (!ins) {
		snprintf(msg, msglen, "host: %s request refused (no such instance)",
			 hp_op_name(receive ? HP_RECEIVE : HP_SEND));
		return -1;
	}
	rc = run_io(hs, ins, receive, in->guard, in->writable_slots, in->port, in->flags,
		    in->n_nbl, &src);
	if (rc == 1) {
		snprintf(msg, msglen, "host: malformed reply");
		return 1;
	}
	if (rc != 0) {
		snprintf(msg, msglen, "host: %s request refused (malformed or not possible)",
			 hp_op_name(receive ? HP_RECEIVE : HP_SEND));
		return -1;
	}
	*out = &hs->io.out;
	return 0;
}

/* see host_server.h */
const char *hs_last_log(const struct hs *hs, unsigned *lines)
{
	*lines = hs->log_lines;
	return hs->last_log;
}

static int op_hook(struct hs *hs, struct inst *in, struct mr *r, struct mb *rep, bool iv)
{
	const struct ipoc_engine_ops *o = hs->le.ops;
	NDIS_HANDLE h = (NDIS_HANDLE)(uintptr_t)mr_u64(r);
	ULONG spi = mr_u32(r);
	NDIS_STATUS st = NDIS_STATUS_NOT_SUPPORTED;

	if (iv) {
		uint32_t n;
		const uint8_t *v = mr_bytes(r, &n);

		if (r->bad)
			return -1;
		if (IPOC_OPS_HAS(o, test_set_tx_iv))
			st = o->test_set_tx_iv(in->s.engine, h, spi, n ? v : NULL, n);
	} else {
		uint64_t seq = mr_u64(r);

		if (r->bad)
			return -1;
		if (IPOC_OPS_HAS(o, test_set_sequence))
			st = o->test_set_sequence(in->s.engine, h, spi, seq);
	}
	note_logs(hs, in);
	mb_u32(rep, (uint32_t)st);
	return 0;
}

static int op_scan(struct mr *r, struct mb *rep)
{
	uint32_t n, m;
	const uint8_t *masked = mr_bytes(r, &n), *mask = mr_bytes(r, &m);
	char where[512] = "";
	bool found = false;

	if (r->bad || n != m || n < 4 || memscan_find(masked, mask, n, &found, where,
						      sizeof(where)) != 0)
		return -1;
	mb_u32(rep, found);
	mb_str(rep, where);
	return 0;
}

/* see host_server.h */
int hs_handle(struct hs *hs, const uint8_t *req, size_t len, struct mb *rep)
{
	struct mr r;
	struct mb body = hs->scratch;
	uint32_t op, i;
	struct inst *in;
	int rc;

	mr_init(&r, req, len);
	op = mr_u32(&r);
	i = mr_u32(&r);
	if (op == HP_QUIT)
		return 1;
	hs->log_lines = 0;
	mb_reset(&body);
	in = inst_of(hs, i);
	switch (r.bad ? 0 : op) {
	case HP_LOAD: rc = op_load(hs, &r, &body); break;
	case HP_OPEN: rc = hs->loaded ? op_open(hs, &r, &body) : -1; break;
	case HP_CLOSE: rc = in ? (inst_close(in), 0) : -1; break;
	case HP_OID: rc = in ? op_oid(hs, in, &r, &body) : -1; break;
	case HP_SEND: rc = in ? op_io(hs, in, &r, &body, false) : -1; break;
	case HP_RECEIVE: rc = in ? op_io(hs, in, &r, &body, true) : -1; break;
	case HP_TX_IV: rc = in ? op_hook(hs, in, &r, &body, true) : -1; break;
	case HP_SEQ: rc = in ? op_hook(hs, in, &r, &body, false) : -1; break;
	case HP_SCAN: rc = op_scan(&r, &body); break;
	default: rc = -1; break;
	}
	body.plain = HP_PLAIN(op);
	mb_reset(rep);
	rep->plain = HP_PLAIN(op);
	mb_u32(rep, op);
	mb_u32(rep, rc == 0 && !body.oom ? 0 : 1);
	if (rc != 0 || body.oom) {
		char msg[640];

		snprintf(msg, sizeof(msg), "host: %s request refused (%s)", hp_op_name(op),
			 body.oom ? "out of memory" : !in && op != HP_LOAD && op != HP_OPEN &&
			 op != HP_SCAN ? "no such instance" : "malformed or not possible");
		mb_str(rep, msg);
	}
	mb_str(rep, hs->last_log);
	mb_u32(rep, hs->log_lines);
	if (rc == 0 && !body.oom) {
		uint8_t *d = mb_reserve(rep, body.len);

		if (d)
			memcpy(d, body.p, body.len);
	}
	mb_reset(&body);
	hs->scratch = body;
	return 0;
}

const char *hp_op_name(unsigned op)
{
	static const char *const names[] = { "?", "LOAD", "OPEN", "CLOSE", "OID", "SEND",
					     "RECEIVE", "TX_IV", "SEQ", "SCAN", "QUIT" };

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

/* ---- the engine host process ---- */

/* see host_server.h */
void hs_serve(struct hs *hs, int fd)
{
	struct mb req = { 0 }, rep = { 0 };

	for (;;) {
		uint8_t hdr[4];
		uint32_t n;
		uint8_t *d;

		if (fd_read_full(fd, hdr, 4) != 0)
			break;
		n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
		    (uint32_t)hdr[3] << 24;
		mb_reset(&req);
		if (n > HP_MAX_MSG || !(d = mb_reserve(&req, n)) || fd_read_full(fd, d, n) != 0)
			break;
		if (hs_handle(hs, req.p, req.len, &rep) != 0)
			break;
		req.plain = n >= 4 && HP_PLAIN((uint32_t)req.p[0] | (uint32_t)req.p[1] << 8 |
					       (uint32_t)req.p[2] << 16 | (uint32_t)req.p[3] << 24);
		mb_reset(&req);   /* it held keys, unless plain */
		hdr[0] = (uint8_t)rep.len;
		hdr[1] = (uint8_t)(rep.len >> 8);
		hdr[2] = (uint8_t)(rep.len >> 16);
		hdr[3] = (uint8_t)(rep.len >> 24);
		if (fd_write_full(fd, hdr, 4) != 0 || fd_write_full(fd, rep.p, rep.len) != 0)
			break;
		mb_reset(&rep);
	}
	mb_free(&req);
	mb_free(&rep);
}
