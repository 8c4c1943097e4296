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
	unsigned returned;
	NDIS_STATUS status;
	uintptr_t slots[EH_SLOTS];
	uint8_t **bytes;            /* per NB, NULL when unreadable */
	uint32_t *len;
};

struct io_tx {
	uint32_t nbl;
	int32_t nb;
	bool after_return;
	uint8_t *bytes;
	uint32_t len;
};

struct io {
	pthread_mutex_t mu;
	bool receive;
	bool entry_returned;        /* the engine's entry point has returned */
	struct io_nbl *nbls;
	uint32_t n_nbl;
	struct io_tx *tx;
	uint32_t n_tx, cap_tx;
	unsigned calls, strays;
	bool bad_count, late;
};

struct hs {
	struct loaded_engine le;
	bool loaded;
	int echo;
	struct inst inst[HP_MAX_INST];
	char last_log[512];
	unsigned log_lines;
	struct mb scratch;
};

struct hs *hs_new(void)
{
	struct hs *hs = calloc(1, sizeof(*hs));

	if (hs)
		hs->echo = -1;
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

void hs_free(struct hs *hs)
{
	if (!hs)
		return;
	for (unsigned i = 0; i < HP_MAX_INST; i++)
		inst_close(&hs->inst[i]);
	if (hs->loaded)
		loader_close(&hs->le);
	mb_free(&hs->scratch);
	free(hs);
}

static double mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- the callbacks ---- */

static long find_nbl(const struct io *io, const NET_BUFFER_LIST *nbl)
{
	for (uint32_t i = 0; i < io->n_nbl; i++)
		if (io->nbls[i].nbl == nbl)
			return (long)i;
	return -1;
}

/* Keep what an NBL looks like as it comes back. */
static void keep_nbl(struct io_nbl *n)
{
	n->status = n->nbl->Status;
	for (int k = 0; k < EH_SLOTS; k++)
		n->slots[k] = (uintptr_t)n->nbl->NetBufferListInfo[k];
	for (uint32_t j = 0; j < n->n_nb; j++) {
		const NET_BUFFER *nb = ipoc_nbl_nb_built(n->nbl, j);

		n->bytes[j] = nb ? malloc(nb->DataLength ? nb->DataLength : 1) : NULL;
		if (n->bytes[j] && ipoc_nb_flatten(nb, n->bytes[j], nb->DataLength, &n->len[j]) != 0) {
			free(n->bytes[j]);
			n->bytes[j] = NULL;
		}
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
			keep_nbl(&io->nbls[i]);
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

static void io_free(struct io *io)
{
	for (uint32_t i = 0; i < io->n_nbl; i++) {
		for (uint32_t j = 0; io->nbls[i].bytes && j < io->nbls[i].n_nb; j++)
			free(io->nbls[i].bytes[j]);
		free(io->nbls[i].bytes);
		free(io->nbls[i].len);
	}
	for (uint32_t i = 0; i < io->n_tx; i++)
		free(io->tx[i].bytes);
	free(io->tx);
	free(io->nbls);
	pthread_mutex_destroy(&io->mu);
}

/* Decode one NBL of the request and build it. */
static int build_nbl(struct mr *r, enum ipoc_nbl_guard guard, struct io_nbl *n, char *err,
		     size_t errlen)
{
	struct ipoc_nbl_opts o = { guard };
	uintptr_t slots[EH_SLOTS];
	struct ipoc_frame *f = NULL;
	uint32_t **cuts = NULL;
	int rc = -1;

	for (int k = 0; k < EH_SLOTS; k++)
		slots[k] = (uintptr_t)mr_u64(r);
	n->n_nb = mr_u32(r);
	if (r->bad || n->n_nb == 0 || n->n_nb > HP_MAX_NB) {
		snprintf(err, errlen, "bad request: %u NBs in an NBL", n->n_nb);
		return -1;
	}
	f = calloc(n->n_nb, sizeof(*f));
	cuts = calloc(n->n_nb, sizeof(*cuts));
	n->bytes = calloc(n->n_nb, sizeof(*n->bytes));
	n->len = calloc(n->n_nb, sizeof(*n->len));
	if (!f || !cuts || !n->bytes || !n->len)
		goto out;
	for (uint32_t j = 0; j < n->n_nb; j++) {
		f[j].data = mr_bytes(r, &f[j].len);
		f[j].shape.headroom = mr_u32(r);
		f[j].shape.tailroom = mr_u32(r);
		f[j].shape.lead = mr_u32(r);
		f[j].shape.n_cuts = mr_u32(r);
		if (r->bad || f[j].shape.n_cuts > f[j].len)
			goto out;
		cuts[j] = calloc(f[j].shape.n_cuts ? f[j].shape.n_cuts : 1, sizeof(uint32_t));
		if (!cuts[j])
			goto out;
		for (uint32_t k = 0; k < f[j].shape.n_cuts; k++)
			cuts[j][k] = mr_u32(r);
		f[j].shape.cuts = cuts[j];
	}
	if (r->bad)
		goto out;
	if (ipoc_nbl_build_ex(&n->nbl, f, n->n_nb, &o, err, errlen) != 0)
		goto out;
	for (int k = 0; k < EH_SLOTS; k++)
		n->nbl->NetBufferListInfo[k] = (PVOID)slots[k];
	ipoc_nbl_meta_snapshot(n->nbl);
	rc = 0;
out:
	if (rc != 0 && !err[0])
		snprintf(err, errlen, "bad request: an NBL's frames or shapes");
	for (uint32_t j = 0; cuts && j < n->n_nb; j++)
		free(cuts[j]);
	free(cuts);
	free(f);
	return rc;
}

static void reply_io(const struct io *io, const char *err, double ns, uint32_t writable,
		     struct mb *rep)
{
	mb_str(rep, err);
	mb_u64(rep, (uint64_t)ns);
	mb_u32(rep, io->calls);
	mb_u32(rep, io->strays);
	mb_u32(rep, io->bad_count);
	mb_u32(rep, io->late);
	mb_u32(rep, io->n_nbl);
	for (uint32_t i = 0; i < io->n_nbl; i++) {
		const struct io_nbl *n = &io->nbls[i];
		char gerr[256] = "", merr[256] = "";

		if (n->nbl && n->returned) {
			ipoc_nbl_check_guards(n->nbl, gerr, sizeof(gerr));
			ipoc_nbl_check_meta(n->nbl, writable, merr, sizeof(merr));
		}
		mb_u32(rep, n->returned);
		mb_u32(rep, (uint32_t)n->status);
		for (int k = 0; k < EH_SLOTS; k++)
			mb_u64(rep, n->slots[k]);
		mb_str(rep, gerr);
		mb_str(rep, merr);
		mb_u32(rep, n->n_nb);
		for (uint32_t j = 0; j < n->n_nb; j++) {
			mb_u32(rep, n->bytes && n->bytes[j] ? 1 : 0);
			mb_bytes(rep, n->bytes && n->bytes[j] ? n->bytes[j] : NULL,
				 n->bytes && n->bytes[j] ? n->len[j] : 0);
		}
	}
	mb_u32(rep, io->n_tx);
	for (uint32_t i = 0; i < io->n_tx; i++) {
		mb_u32(rep, io->tx[i].nbl);
		mb_u32(rep, (uint32_t)io->tx[i].nb);
		mb_u32(rep, io->tx[i].after_return);
		mb_bytes(rep, io->tx[i].bytes, io->tx[i].bytes ? io->tx[i].len : 0);
	}
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

static int op_io(struct hs *hs, struct inst *in, struct mr *r, struct mb *rep, bool receive)
{
	struct io io;
	enum ipoc_nbl_guard guard;
	uint32_t writable, n;
	ULONG port, flags;
	char err[256] = "";
	double t0 = 0, t1 = 0;

	memset(&io, 0, sizeof(io));
	pthread_mutex_init(&io.mu, NULL);
	io.receive = receive;
	guard = (enum ipoc_nbl_guard)mr_u32(r);
	writable = mr_u32(r);
	port = mr_u32(r);
	flags = mr_u32(r);
	n = mr_u32(r);
	if (r->bad || n == 0 || n > HP_MAX_NBL || guard > IPOC_NBL_GUARD_HEAD) {
		io_free(&io);
		return -1;
	}
	io.nbls = calloc(n, sizeof(*io.nbls));
	if (!io.nbls) {
		io_free(&io);
		return -1;
	}
	io.n_nbl = n;
	for (uint32_t i = 0; i < n && !err[0]; i++)
		if (build_nbl(r, guard, &io.nbls[i], err, sizeof(err)) == 0 && i)
			io.nbls[i - 1].nbl->Next = io.nbls[i].nbl;
	if (!err[0]) {
		in->s.obs = (struct session_observer){ .ctx = &io, .transmit = on_transmit,
						       .complete_call = on_complete_call,
						       .indicate_call = on_indicate_call };
		t0 = mono_ns();
		if (receive)
			hs->le.ops->receive_net_buffer_lists(in->s.engine, io.nbls[0].nbl, flags);
		else
			hs->le.ops->send_net_buffer_lists(in->s.engine, io.nbls[0].nbl, port, flags);
		t1 = mono_ns();
		pthread_mutex_lock(&io.mu);
		io.entry_returned = true;
		pthread_mutex_unlock(&io.mu);
		if (!receive)
			wait_late(&io);
		note_logs(hs, in);
	}
	pthread_mutex_lock(&io.mu);
	reply_io(&io, err, t1 - t0, writable, rep);
	if (!receive)
		lend(in, &io);
	in->s.obs = (struct session_observer){ 0 };
	pthread_mutex_unlock(&io.mu);
	for (uint32_t i = 0; i < n; i++)
		ipoc_nbl_free(io.nbls[i].nbl);
	io_free(&io);
	return 0;
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
