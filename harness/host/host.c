/* SPDX-License-Identifier: MIT */
/*
 * host.c - see host.h.
 *
 * Implementation notes. Every operation is encoded (host_proto.h) into
 * eh->req and answered into eh->rep, by hs_handle() directly in process, or
 * over a stream socket by a forked child running hs_serve(). The child's
 * stdout and stderr go to a pipe that the harness drains while it waits, so
 * an engine that prints cannot block on a full pipe, and the last 4 KiB are
 * kept for the fault report. Waiting is a poll() on both with the operation
 * deadline: EOF on the socket means the child is gone (waitpid says how),
 * no reply by the deadline means it hangs (it is killed). The child dies
 * with the harness (PR_SET_PDEATHSIG) and keeps no descriptor but its own.
 *
 * Results decoded from a reply point into eh->rep, which the next
 * operation reuses: that is the lifetime host.h promises.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "host_int.h"
#include "host_msg.h"
#include "host_proto.h"
#include "host_server.h"
#include "ipoc_gpage.h"
#include "wipe.h"

#define TAIL_KEEP 4096u
/* A fresh engine host's first answer may take this much longer than the
 * operation deadline: the wait then includes the process's start (the
 * fork, a sanitizer runtime, loading the engine and its libraries), which
 * on a loaded machine can outlast a short --timeout without the engine
 * call being slow. Later calls get the deadline alone. */
#define HOST_START_MS 5000u
#define REPRO_MAGIC "ipoc-repro 1"

struct repro_handle {
	uint32_t off;
	uint64_t value;
};

struct eh {
	struct eh_opts o;
	char path[4096];
	struct eh_info info;
	struct eh_fault fault;
	char error[640];
	char last_log[512];
	unsigned log_lines;
	struct hs *hs;              /* in process */
	pid_t pid;                  /* child */
	int sock, errfd;
	bool down;                  /* the child is gone: eh_restart */
	bool fresh;                 /* spawned, no answer yet: HOST_START_MS more */
	char tail_buf[TAIL_KEEP + 1];
	struct tailbuf tail;        /* the child's last output, in tail_buf */
	struct mb req, rep;
	struct mr rd;               /* the reply's op fields */
	struct eh_io_out io;
	struct eh_nbl_out *nbls;
	struct eh_nb_out *nbs;
	struct eh_tx *tx;
	uint32_t cap_nbls, cap_nbs, cap_tx;   /* entries the three hold */
	struct mb repro;            /* requests since eh_mark, masked */
	uint32_t n_repro;
	bool no_repro;              /* eh_keep_requests(eh, false) */
	uint8_t pad[64];            /* the mask: keys in the requests are not kept
	                               in clear, where a key scan would see them */
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_error(struct eh *eh, const char *msg)
{
	snprintf(eh->error, sizeof(eh->error), "%s", msg);
}

/* ---- the child ---- */

/* Read what the child wrote to stdout/stderr; 0 at EOF. */
static ssize_t drain(struct eh *eh)
{
	char buf[4096];
	ssize_t n = -1, total = 0;

	while (eh->errfd >= 0 && (n = read(eh->errfd, buf, sizeof(buf))) > 0) {
		tail_keep(&eh->tail, buf, (size_t)n);
		if (eh->o.echo_log >= 0)
			fwrite(buf, 1, (size_t)n, stderr);
		total += n;
	}
	if (n == 0)
		return 0;
	return total > 0 ? total : -1;
}

/* Async-signal-safe: a decimal or hex number into p, returns its end. */
static char *put_num(char *p, uint64_t v, unsigned base)
{
	char d[24];
	int n = 0;

	do
		d[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) && n < 24);
	while (n)
		*p++ = d[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* A fault in the engine host: say where, when it is one of the guard pages
 * around MDL buffers, then die of it (the handler is one-shot, so the
 * faulting access runs again under the default action). */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	static char line[256];
	size_t after, before;
	char *p = line;

	(void)uc;
	p = put_str(p, "ipoc engine host: ");
	p = put_str(p, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
	p = put_str(p, " at 0x");
	p = put_num(p, (uintptr_t)si->si_addr, 16);
	if (ipoc_gpage_where(si->si_addr, &after, &before)) {
		p = put_str(p, ": in a guard page, ");
		if (after < before) {
			p = put_num(p, after + 1, 10);
			p = put_str(p, " byte(s) past the end of an MDL buffer (or cell)");
		} else {
			p = put_num(p, before, 10);
			p = put_str(p, " byte(s) before the start of an MDL buffer (or cell)");
		}
	}
	*p++ = '\n';
	if (write(2, line, (size_t)(p - line)) < 0)
		return;
}

static void child_main(int sock, int errw)
{
	static uint8_t altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	struct hs *hs;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	dup2(errw, 1);
	dup2(errw, 2);
	if (sock != 3) {
		dup2(sock, 3);
		close(sock);
	}
	close_range(4, ~0u, 0);
	signal(SIGPIPE, SIG_DFL);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	hs = hs_new();
	if (hs)
		hs_serve(hs, 3);
	_exit(0);
}

static int spawn(struct eh *eh)
{
	int sv[2], ep[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if (pipe2(ep, O_CLOEXEC) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	fflush(NULL);   /* nothing buffered is written twice */
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		child_main(sv[1], ep[1]);
	}
	close(sv[1]);
	close(ep[1]);
	if (pid < 0) {
		close(sv[0]);
		close(ep[0]);
		return -1;
	}
	fcntl(ep[0], F_SETFL, fcntl(ep[0], F_GETFL) | O_NONBLOCK);
	eh->pid = pid;
	eh->sock = sv[0];
	eh->errfd = ep[0];
	eh->down = false;
	eh->fresh = true;
	eh->tail = (struct tailbuf){ eh->tail_buf, 0, TAIL_KEEP };
	eh->tail_buf[0] = '\0';
	return 0;
}

/* The child is gone or is to go: reap it, keep its last words, say how. */
static enum eh_rc bury(struct eh *eh, enum eh_rc why, const char *op)
{
	int st = 0;
	long long until = now_ms() + 2000;
	pid_t got = 0;

	if (why == EH_HUNG)
		kill(eh->pid, SIGKILL);
	while ((got = waitpid(eh->pid, &st, WNOHANG)) == 0 && now_ms() < until) {
		drain(eh);
		usleep(1000);
	}
	if (got == 0) {
		kill(eh->pid, SIGKILL);
		waitpid(eh->pid, &st, 0);
	}
	/* Last words: until EOF, or a moment if a grandchild holds the pipe. */
	until = now_ms() + 200;
	while (drain(eh) != 0 && now_ms() < until)
		usleep(1000);
	close(eh->sock);
	close(eh->errfd);
	eh->sock = eh->errfd = -1;
	eh->down = true;
	memset(&eh->fault, 0, sizeof(eh->fault));
	snprintf(eh->fault.op, sizeof(eh->fault.op), "%s", op);
	{
		/* Its last words: the end of the tail, as much as the fault holds. */
		size_t n = eh->tail.len < sizeof(eh->fault.tail) ? eh->tail.len
								 : sizeof(eh->fault.tail) - 1;

		memcpy(eh->fault.tail, eh->tail_buf + eh->tail.len - n, n);
		eh->fault.tail[n] = '\0';
	}
	eh->fault.sanitizer = tail_has_sanitizer_report(&eh->tail);
	if (why == EH_HUNG) {
		eh->fault.kind = EH_HUNG;
	} else if (WIFSIGNALED(st)) {
		eh->fault.kind = EH_CRASHED;
		eh->fault.signal = WTERMSIG(st);
	} else {
		eh->fault.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		/* A sanitizer that reports and exits is a crash, not an exit. */
		eh->fault.kind = eh->fault.sanitizer ? EH_CRASHED : EH_EXITED;
	}
	return eh->fault.kind;
}

/* Send eh->req to the child and wait for the reply into eh->rep. */
static enum eh_rc child_roundtrip(struct eh *eh, const char *op)
{
	uint8_t hdr[4] = { (uint8_t)eh->req.len, (uint8_t)(eh->req.len >> 8),
			   (uint8_t)(eh->req.len >> 16), (uint8_t)(eh->req.len >> 24) };
	unsigned timeout = eh->o.timeout_ms ? eh->o.timeout_ms : 5000;
	long long deadline = now_ms() + timeout + (eh->fresh ? HOST_START_MS : 0);
	size_t have = 0, want = 4;
	uint8_t *d;

	if (fd_write_full(eh->sock, hdr, 4) != 0 ||
	    fd_write_full(eh->sock, eh->req.p, eh->req.len) != 0)
		return bury(eh, EH_CRASHED, op);
	mb_reset(&eh->rep);
	if (!mb_reserve(&eh->rep, 4))
		return set_error(eh, "out of memory"), EH_ERROR;
	for (;;) {
		struct pollfd pf[2] = { { eh->sock, POLLIN, 0 }, { eh->errfd, POLLIN, 0 } };
		long long left = deadline - now_ms();
		ssize_t k;

		if (left <= 0)
			return bury(eh, EH_HUNG, op);
		if (poll(pf, 2, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			return bury(eh, EH_CRASHED, op);
		if (pf[1].revents)
			drain(eh);
		if (!pf[0].revents)
			continue;
		k = read(eh->sock, eh->rep.p + have, want - have);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return bury(eh, EH_CRASHED, op);
		have += (size_t)k;
		if (have < want)
			continue;
		if (want == 4) {
			uint32_t n = (uint32_t)eh->rep.p[0] | (uint32_t)eh->rep.p[1] << 8 |
				     (uint32_t)eh->rep.p[2] << 16 | (uint32_t)eh->rep.p[3] << 24;

			if (n > HP_MAX_MSG)
				return bury(eh, EH_CRASHED, op);
			mb_reset(&eh->rep);
			if (n == 0 || !(d = mb_reserve(&eh->rep, n)))
				return set_error(eh, "host: empty or huge reply"), EH_ERROR;
			have = 0;
			want = n;
			continue;
		}
		drain(eh);
		eh->fresh = false;
		return EH_OK;
	}
}

/* ---- requests and replies ---- */

static void begin(struct eh *eh, unsigned op, uint32_t inst)
{
	mb_reset(&eh->req);
	mb_u32(&eh->req, op);
	mb_u32(&eh->req, inst);
}

static void repro_add(struct eh *eh, uint32_t inst_reply, const uint32_t *handles,
		      uint32_t n_handles, const uint8_t *buf)
{
	struct mb rec = { 0 };
	size_t at = eh->repro.len;

	if (eh->no_repro)
		return;
	mb_bytes(&rec, eh->req.p, (uint32_t)eh->req.len);
	mb_u32(&rec, inst_reply);
	mb_u32(&rec, n_handles);
	for (uint32_t i = 0; i < n_handles; i++) {
		uint64_t v = 0;

		memcpy(&v, buf + handles[i], sizeof(v));
		mb_u32(&rec, handles[i]);
		mb_u64(&rec, v);
	}
	if (!rec.oom && mb_reserve(&eh->repro, rec.len)) {
		for (size_t i = 0; i < rec.len; i++)
			eh->repro.p[at + i] = rec.p[i] ^ eh->pad[(at + i) % sizeof(eh->pad)];
		eh->n_repro++;
	}
	mb_free(&rec);
}

/* Carry eh->req out and read the reply's header; eh->rd is left at the
 * op's fields. */
static enum eh_rc roundtrip(struct eh *eh)
{
	struct mr r;
	uint32_t op, rc;
	const char *name;
	enum eh_rc erc;

	mr_init(&r, eh->req.p, eh->req.len);
	op = mr_u32(&r);
	name = hp_op_name(op);
	if (eh->req.oom)
		return set_error(eh, "out of memory"), EH_ERROR;
	if (eh->hs) {
		hs_handle(eh->hs, eh->req.p, eh->req.len, &eh->rep);
	} else {
		if (eh->down)
			return set_error(eh, "the engine host process is down (eh_restart)"), EH_ERROR;
		erc = child_roundtrip(eh, name);
		if (erc != EH_OK)
			return erc;
	}
	eh->rep.plain = HP_PLAIN(op);
	mr_init(&eh->rd, eh->rep.p, eh->rep.len);
	if (mr_u32(&eh->rd) != op) {
		set_error(eh, "host: reply to another request");
		return EH_ERROR;
	}
	rc = mr_u32(&eh->rd);
	if (rc) {
		char msg[640];

		mr_str(&eh->rd, msg, sizeof(msg));
		set_error(eh, msg);
	}
	mr_str(&eh->rd, eh->last_log, sizeof(eh->last_log));
	eh->log_lines = mr_u32(&eh->rd);
	if (eh->rd.bad)
		return set_error(eh, "host: short reply"), EH_ERROR;
	return rc ? EH_ERROR : EH_OK;
}

/* ---- public ---- */

static enum eh_rc load(struct eh *eh, char *err, size_t errlen)
{
	enum eh_rc rc;
	uint32_t hooks;
	char lerr[640];

	begin(eh, HP_LOAD, 0);
	mb_str(&eh->req, eh->path);
	mb_u32(&eh->req, (uint32_t)eh->o.echo_log);
	rc = roundtrip(eh);
	if (rc != EH_OK) {
		char f[256];

		if (rc == EH_ERROR)
			snprintf(err, errlen, "engine %s: %s", eh->path, eh->error);
		else
			snprintf(err, errlen, "engine %s: %s while loading", eh->path,
				 eh_fault_text(eh, f, sizeof(f)));
		return rc;
	}
	if (!mr_u32(&eh->rd)) {
		mr_str(&eh->rd, lerr, sizeof(lerr));
		snprintf(err, errlen, "%s", lerr);
		return EH_ERROR;
	}
	mr_str(&eh->rd, lerr, sizeof(lerr));
	mr_str(&eh->rd, eh->info.name, sizeof(eh->info.name));
	mr_str(&eh->rd, eh->info.version, sizeof(eh->info.version));
	eh->info.abi_major = (uint16_t)mr_u32(&eh->rd);
	eh->info.abi_minor = (uint16_t)mr_u32(&eh->rd);
	eh->info.ops_size = mr_u32(&eh->rd);
	hooks = mr_u32(&eh->rd);
	eh->info.has_tx_iv = hooks & 1;
	eh->info.has_sequence = hooks & 2;
	snprintf(eh->info.path, sizeof(eh->info.path), "%s", eh->path);
	return EH_OK;
}

int eh_load(const char *path, const struct eh_opts *o, struct eh **out, char *err,
	    size_t errlen)
{
	struct eh *eh = calloc(1, sizeof(*eh));

	*out = NULL;
	if (!eh) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	eh->o = *o;
	eh->sock = eh->errfd = -1;
	{
		FILE *ur = fopen("/dev/urandom", "rb");

		if (!ur || fread(eh->pad, 1, sizeof(eh->pad), ur) != sizeof(eh->pad))
			memset(eh->pad, 0x5c, sizeof(eh->pad));
		if (ur)
			fclose(ur);
	}
	snprintf(eh->path, sizeof(eh->path), "%s", path);
	if (o->mode == EH_IN_PROCESS)
		eh->hs = hs_new();
	else if (spawn(eh) != 0)
		snprintf(eh->error, sizeof(eh->error), "cannot start the engine host: %s",
			 strerror(errno));
	if ((o->mode == EH_IN_PROCESS && !eh->hs) || (o->mode == EH_CHILD && eh->pid <= 0)) {
		snprintf(err, errlen, "%s", eh->error[0] ? eh->error : "out of memory");
		eh_free(eh);
		return -1;
	}
	if (load(eh, err, errlen) != EH_OK) {
		eh_free(eh);
		return -1;
	}
	*out = eh;
	return 0;
}

void eh_abandon(struct eh *eh)
{
	if (!eh || eh->hs)
		return;
	if (!eh->down && eh->pid > 0) {
		close(eh->sock);
		close(eh->errfd);
	}
	mb_free(&eh->req);
	mb_free(&eh->rep);
	mb_free(&eh->repro);
	free(eh->nbls);
	free(eh->nbs);
	free(eh->tx);
	free(eh);
}

void eh_free(struct eh *eh)
{
	if (!eh)
		return;
	if (eh->hs) {
		hs_free(eh->hs);
	} else if (!eh->down && eh->pid > 0) {
		int st;

		begin(eh, HP_QUIT, 0);
		fd_write_full(eh->sock, (uint8_t[4]){ (uint8_t)eh->req.len, 0, 0, 0 }, 4);
		fd_write_full(eh->sock, eh->req.p, eh->req.len);
		close(eh->sock);
		/* A child that does not leave within a second is made to. */
		for (int i = 0; i < 1000 && waitpid(eh->pid, &st, WNOHANG) == 0; i++) {
			drain(eh);
			usleep(1000);
		}
		if (waitpid(eh->pid, &st, WNOHANG) == 0) {
			kill(eh->pid, SIGKILL);
			waitpid(eh->pid, &st, 0);
		}
		close(eh->errfd);
	}
	mb_free(&eh->req);
	mb_free(&eh->rep);
	mb_free(&eh->repro);
	free(eh->nbls);
	free(eh->nbs);
	free(eh->tx);
	free(eh);
}

const struct eh_info *eh_info(const struct eh *eh)
{
	return &eh->info;
}

enum eh_mode eh_mode(const struct eh *eh)
{
	return eh->hs ? EH_IN_PROCESS : EH_CHILD;
}

const struct eh_fault *eh_fault(const struct eh *eh)
{
	return &eh->fault;
}

const char *eh_error(const struct eh *eh)
{
	return eh->error;
}

const char *eh_last_log(const struct eh *eh)
{
	return eh->last_log;
}

unsigned eh_log_lines(const struct eh *eh)
{
	return eh->log_lines;
}

const char *eh_fault_text(const struct eh *eh, char *buf, size_t len)
{
	const struct eh_fault *f = &eh->fault;

	switch (f->kind) {
	case EH_CRASHED:
		if (f->signal)
			snprintf(buf, len, "crashed (%s%s) in %s", sigabbrev_np(f->signal) ?
				 "SIG" : "signal ", sigabbrev_np(f->signal) ? sigabbrev_np(f->signal)
				 : "?", f->op);
		else
			snprintf(buf, len, "crashed (sanitizer report, exit status %d) in %s",
				 f->status, f->op);
		break;
	case EH_HUNG:
		snprintf(buf, len, "hung in %s (no answer in %u ms)", f->op,
			 eh->o.timeout_ms ? eh->o.timeout_ms : 5000);
		break;
	case EH_EXITED:
		snprintf(buf, len, "exited with status %d in %s", f->status, f->op);
		break;
	default:
		snprintf(buf, len, "%s", eh->error[0] ? eh->error : "no fault");
		break;
	}
	return buf;
}

void eh_print_tail(FILE *f, const char *label, const char *t, size_t max)
{
	size_t n = strlen(t), k = n < max ? n : max;

	if (!n)
		return;
	fprintf(f, "%s%.*s", label, (int)k, t);
	if (k < n)
		fprintf(f, "%s(%zu more bytes)\n", t[k - 1] == '\n' ? "" : "... ", n - k);
	else if (t[n - 1] != '\n')
		fputc('\n', f);
}

int eh_restart(struct eh *eh, char *err, size_t errlen)
{
	if (eh->hs)
		return 0;
	if (!eh->down) {
		begin(eh, HP_QUIT, 0);
		bury(eh, EH_HUNG, "restart");
	}
	if (spawn(eh) != 0) {
		snprintf(err, errlen, "cannot start the engine host: %s", strerror(errno));
		return -1;
	}
	return load(eh, err, errlen) == EH_OK ? 0 : -1;
}

enum eh_rc eh_open(struct eh *eh, const struct ipoc_open_params *p, NDIS_STATUS *st,
		   uint32_t *inst)
{
	enum eh_rc rc;

	begin(eh, HP_OPEN, 0);
	mb_u32(&eh->req, p ? p->struct_size : 0);
	mb_u32(&eh->req, p ? p->sa_offload_capacity : 0);
	mb_u32(&eh->req, p ? p->flags : 0);
	rc = roundtrip(eh);
	*inst = UINT32_MAX;
	if (rc != EH_OK) {
		repro_add(eh, UINT32_MAX, NULL, 0, NULL);
		return rc;
	}
	*st = (NDIS_STATUS)mr_u32(&eh->rd);
	*inst = mr_u32(&eh->rd);
	repro_add(eh, *inst, NULL, 0, NULL);
	return EH_OK;
}

enum eh_rc eh_close(struct eh *eh, uint32_t inst)
{
	begin(eh, HP_CLOSE, inst);
	repro_add(eh, UINT32_MAX, NULL, 0, NULL);
	return roundtrip(eh);
}

enum eh_rc eh_oid(struct eh *eh, uint32_t inst, struct eh_oid *q)
{
	uint8_t *b = q->buf;
	uint32_t n;
	const uint8_t *back;
	enum eh_rc rc;

	begin(eh, HP_OID, inst);
	mb_u32(&eh->req, q->type);
	mb_u32(&eh->req, q->oid);
	/* Pointers into the buffer travel as offset + 1 (0 stays NULL). */
	{
		uint8_t *d;

		mb_u32(&eh->req, q->len);
		d = mb_reserve(&eh->req, q->len);
		if (d && q->len)
			memcpy(d, b, q->len);
		for (uint32_t i = 0; d && i < q->n_relocs; i++) {
			uintptr_t v;
			uint64_t w;

			if (q->relocs[i] > q->len || q->len - q->relocs[i] < sizeof(v))
				continue;
			memcpy(&v, b + q->relocs[i], sizeof(v));
			w = !v ? 0 : v >= (uintptr_t)b && v < (uintptr_t)b + q->len
					     ? (uint64_t)(v - (uintptr_t)b) + 1 : 0;
			memcpy(d + q->relocs[i], &w, sizeof(w));
		}
	}
	mb_u32(&eh->req, q->n_relocs);
	for (uint32_t i = 0; i < q->n_relocs; i++)
		mb_u32(&eh->req, q->relocs[i]);
	rc = roundtrip(eh);
	if (rc != EH_OK) {
		repro_add(eh, UINT32_MAX, NULL, 0, NULL);
		return rc;
	}
	q->status = (NDIS_STATUS)mr_u32(&eh->rd);
	q->written = mr_u32(&eh->rd);
	q->read = mr_u32(&eh->rd);
	q->needed = mr_u32(&eh->rd);
	back = mr_bytes(&eh->rd, &n);
	if (eh->rd.bad || n != q->len)
		return set_error(eh, "host: OID reply of another length"), EH_ERROR;
	if (n)
		memcpy(b, back, n);
	for (uint32_t i = 0; i < q->n_relocs; i++) {
		uint64_t w;
		uintptr_t v;

		if (q->relocs[i] > q->len || q->len - q->relocs[i] < sizeof(v))
			continue;
		memcpy(&w, b + q->relocs[i], sizeof(w));
		/* A pointer the engine wrote that is not into the buffer comes
		 * back as all ones: kept, as what it is, a bad pointer. */
		v = w == 0 ? 0 : w == UINT64_MAX ? UINTPTR_MAX : (uintptr_t)b + (uintptr_t)(w - 1);
		memcpy(b + q->relocs[i], &v, sizeof(v));
	}
	repro_add(eh, UINT32_MAX, q->handles, q->n_handles, b);
	return EH_OK;
}

static void encode_io(struct eh *eh, const struct eh_io_in *in)
{
	mb_u32(&eh->req, (uint32_t)in->guard);
	mb_u32(&eh->req, in->writable_slots);
	mb_u32(&eh->req, in->port);
	mb_u32(&eh->req, in->flags);
	mb_u32(&eh->req, in->n_nbl);
	for (uint32_t i = 0; i < in->n_nbl; i++) {
		const struct eh_nbl_in *l = &in->nbls[i];

		for (int k = 0; k < EH_SLOTS; k++)
			mb_u64(&eh->req, l->slots[k]);
		mb_u32(&eh->req, l->n_nb);
		for (uint32_t j = 0; j < l->n_nb; j++) {
			const struct eh_nb_in *b = &l->nbs[j];

			mb_bytes(&eh->req, b->data, b->len);
			mb_u32(&eh->req, b->shape.headroom);
			mb_u32(&eh->req, b->shape.tailroom);
			mb_u32(&eh->req, b->shape.lead);
			mb_u32(&eh->req, b->shape.n_cuts);
			for (uint32_t k = 0; k < b->shape.n_cuts; k++)
				mb_u32(&eh->req, b->shape.cuts[k]);
		}
	}
}

/* Room for n elements of size sz in *p (cap of them so far): the result
 * arrays are kept from one operation to the next and grown, never cleared
 * (decode_io sets every field of each entry it fills). false when out of
 * memory. */
static bool grow(void **p, uint32_t *cap, uint32_t n, size_t sz)
{
	void *np;

	if (n == 0)
		n = 1;
	if (*p && n <= *cap)
		return true;
	np = realloc(*p, (size_t)n * sz);
	if (!np)
		return false;
	*p = np;
	*cap = n;
	return true;
}

static enum eh_rc decode_io(struct eh *eh)
{
	struct mr *r = &eh->rd;
	struct eh_io_out *o = &eh->io;
	uint32_t total_nb = 0;
	size_t mark;

	memset(o, 0, sizeof(*o));
	mr_str(r, o->error, sizeof(o->error));
	o->ns = mr_u64(r);
	o->calls = mr_u32(r);
	o->strays = mr_u32(r);
	o->bad_count = mr_u32(r);
	o->late = mr_u32(r);
	o->n_nbl = mr_u32(r);
	if (r->bad || o->n_nbl > HP_MAX_NBL)
		return set_error(eh, "host: malformed reply"), EH_ERROR;
	/* Count the NBs first, so that one allocation holds them all. */
	mark = r->off;
	for (uint32_t i = 0; i < o->n_nbl && !r->bad; i++) {
		uint32_t n;

		mr_u32(r);
		mr_u32(r);
		for (int k = 0; k < EH_SLOTS; k++)
			mr_u64(r);
		mr_bytes(r, &n);
		mr_bytes(r, &n);
		n = mr_u32(r);
		if (n > HP_MAX_NB)
			r->bad = true;
		total_nb += n;
		for (uint32_t j = 0; j < n && !r->bad; j++) {
			uint32_t m;

			mr_u32(r);
			mr_bytes(r, &m);
		}
	}
	if (r->bad)
		return set_error(eh, "host: malformed reply"), EH_ERROR;
	r->off = mark;
	if (!grow((void **)&eh->nbls, &eh->cap_nbls, o->n_nbl, sizeof(*eh->nbls)) ||
	    !grow((void **)&eh->nbs, &eh->cap_nbs, total_nb, sizeof(*eh->nbs)))
		return set_error(eh, "out of memory"), EH_ERROR;
	o->nbls = eh->nbls;
	total_nb = 0;
	for (uint32_t i = 0; i < o->n_nbl; i++) {
		struct eh_nbl_out *n = &eh->nbls[i];

		n->returned = mr_u32(r);
		n->status = (NDIS_STATUS)mr_u32(r);
		for (int k = 0; k < EH_SLOTS; k++)
			n->slots[k] = (uintptr_t)mr_u64(r);
		mr_str(r, n->guard_err, sizeof(n->guard_err));
		mr_str(r, n->meta_err, sizeof(n->meta_err));
		n->n_nb = mr_u32(r);
		n->nbs = &eh->nbs[total_nb];
		total_nb += n->n_nb;
		for (uint32_t j = 0; j < n->n_nb; j++) {
			bool readable = mr_u32(r);
			const uint8_t *p = mr_bytes(r, &n->nbs[j].len);

			n->nbs[j].bytes = readable ? p : NULL;
		}
	}
	o->n_tx = mr_u32(r);
	if (r->bad || o->n_tx > (1u << 20))
		return set_error(eh, "host: malformed reply"), EH_ERROR;
	if (!grow((void **)&eh->tx, &eh->cap_tx, o->n_tx, sizeof(*eh->tx)))
		return set_error(eh, "out of memory"), EH_ERROR;
	o->tx = eh->tx;
	for (uint32_t i = 0; i < o->n_tx; i++) {
		eh->tx[i].nbl = mr_u32(r);
		eh->tx[i].nb = (int32_t)mr_u32(r);
		eh->tx[i].after_return = mr_u32(r);
		eh->tx[i].bytes = mr_bytes(r, &eh->tx[i].len);
	}
	if (r->bad)
		return set_error(eh, "host: malformed reply"), EH_ERROR;
	return EH_OK;
}

static enum eh_rc io(struct eh *eh, unsigned op, uint32_t inst, const struct eh_io_in *in,
		     const struct eh_io_out **out)
{
	enum eh_rc rc;

	*out = NULL;
	if (eh->hs) {
		/* In process the server works on the caller's structures and
		 * answers in its own (host_server.h): no frame is copied into a
		 * request or out of a reply. The request is encoded only to be
		 * kept for a reproducer. */
		char msg[640];
		int hr;

		if (!eh->no_repro) {
			begin(eh, op, inst);
			eh->req.plain = true;
			encode_io(eh, in);
			repro_add(eh, UINT32_MAX, NULL, 0, NULL);
		}
		hr = hs_io(eh->hs, inst, op == HP_RECEIVE, in, out, msg, sizeof(msg));

		snprintf(eh->last_log, sizeof(eh->last_log), "%s",
			 hs_last_log(eh->hs, &eh->log_lines));
		if (hr != 0)
			return set_error(eh, msg), EH_ERROR;
		return EH_OK;
	}
	begin(eh, op, inst);
	eh->req.plain = true;   /* frames, no keys (HP_PLAIN) */
	encode_io(eh, in);
	repro_add(eh, UINT32_MAX, NULL, 0, NULL);
	rc = roundtrip(eh);
	if (rc == EH_OK)
		rc = decode_io(eh);
	if (rc == EH_OK)
		*out = &eh->io;
	return rc;
}

enum eh_rc eh_send(struct eh *eh, uint32_t inst, const struct eh_io_in *in,
		   const struct eh_io_out **out)
{
	return io(eh, HP_SEND, inst, in, out);
}

enum eh_rc eh_receive(struct eh *eh, uint32_t inst, const struct eh_io_in *in,
		      const struct eh_io_out **out)
{
	return io(eh, HP_RECEIVE, inst, in, out);
}

static enum eh_rc hook(struct eh *eh, NDIS_STATUS *st)
{
	enum eh_rc rc;

	repro_add(eh, UINT32_MAX, NULL, 0, NULL);
	rc = roundtrip(eh);
	*st = NDIS_STATUS_FAILURE;
	if (rc == EH_OK)
		*st = (NDIS_STATUS)mr_u32(&eh->rd);
	return rc;
}

enum eh_rc eh_set_tx_iv(struct eh *eh, uint32_t inst, NDIS_HANDLE h, ULONG spi,
			const uint8_t *iv, uint32_t iv_len, NDIS_STATUS *st)
{
	begin(eh, HP_TX_IV, inst);
	mb_u64(&eh->req, (uint64_t)(uintptr_t)h);
	mb_u32(&eh->req, spi);
	mb_bytes(&eh->req, iv, iv_len);
	return hook(eh, st);
}

enum eh_rc eh_set_sequence(struct eh *eh, uint32_t inst, NDIS_HANDLE h, ULONG spi,
			   uint64_t seq, NDIS_STATUS *st)
{
	begin(eh, HP_SEQ, inst);
	mb_u64(&eh->req, (uint64_t)(uintptr_t)h);
	mb_u32(&eh->req, spi);
	mb_u64(&eh->req, seq);
	return hook(eh, st);
}

int eh_mask_key(const uint8_t *key, uint8_t *masked, uint8_t *mask, uint32_t len)
{
	FILE *ur = fopen("/dev/urandom", "rb");
	bool ok = ur && fread(mask, 1, len, ur) == len;

	if (ur)
		fclose(ur);
	for (uint32_t i = 0; ok && i < len; i++)
		masked[i] = key[i] ^ mask[i];
	return ok ? 0 : -1;
}

enum eh_rc eh_scan(struct eh *eh, const uint8_t *masked, const uint8_t *mask, uint32_t len,
		   bool *found, char *where, size_t wlen)
{
	enum eh_rc rc;

	*found = false;
	begin(eh, HP_SCAN, 0);
	mb_bytes(&eh->req, masked, len);
	mb_bytes(&eh->req, mask, len);
	rc = roundtrip(eh);
	if (rc == EH_OK) {
		*found = mr_u32(&eh->rd);
		if (where)
			mr_str(&eh->rd, where, wlen);
	}
	return rc;
}

int eh_delete_sa_list(struct eh_delete_list *dl, const NDIS_HANDLE *h, unsigned n,
		      struct eh_oid *q)
{
	if (n == 0 || n > EH_DELETE_MAX)
		return -1;
	memset(dl->d, 0, n * sizeof(dl->d[0]));
	for (unsigned i = 0; i < n; i++) {
		IPSEC_OFFLOAD_V2_DELETE_SA *d = &dl->d[i];

		d->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
		d->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
		d->Header.Size = sizeof(*d);
		d->OffloadHandle = h[i];
		d->Next = i + 1 < n ? &dl->d[i + 1] : NULL;
		dl->relocs[i] = (uint32_t)(i * sizeof(*d) + offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next));
		dl->handles[i] = (uint32_t)(i * sizeof(*d) +
					    offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, OffloadHandle));
	}
	*q = (struct eh_oid){ IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, dl->d,
			      (uint32_t)(n * sizeof(dl->d[0])) };
	q->relocs = dl->relocs;
	q->n_relocs = n;
	q->handles = dl->handles;
	q->n_handles = n;
	return 0;
}

enum eh_rc eh_delete_sa(struct eh *eh, uint32_t inst, NDIS_HANDLE h, NDIS_STATUS *st)
{
	struct eh_delete_list dl;
	struct eh_oid q;
	enum eh_rc rc;

	eh_delete_sa_list(&dl, &h, 1, &q);
	rc = eh_oid(eh, inst, &q);
	*st = q.status;
	return rc;
}

/* ---- reproducers ---- */

void eh_mark(struct eh *eh)
{
	mb_reset(&eh->repro);
	eh->n_repro = 0;
}

void eh_keep_requests(struct eh *eh, bool keep)
{
	eh->no_repro = !keep;
	eh_mark(eh);
}

int eh_repro_write(const struct eh *eh, const char *path, const char *title, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\nengine %s\ntitle %s\nrequests %u\n", REPRO_MAGIC, eh->path,
		title ? title : "", eh->n_repro);
	ok = true;
	for (size_t i = 0; i < eh->repro.len && ok; i += 4096) {
		uint8_t chunk[4096];
		size_t n = eh->repro.len - i < sizeof(chunk) ? eh->repro.len - i : sizeof(chunk);

		for (size_t k = 0; k < n; k++)
			chunk[k] = eh->repro.p[i + k] ^ eh->pad[(i + k) % sizeof(eh->pad)];
		ok = fwrite(chunk, 1, n, f) == n;
		ipoc_wipe(chunk, sizeof(chunk));
	}
	if (fclose(f) != 0 || !ok) {
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}

/* see host_int.h */
enum eh_rc eh_raw(struct eh *eh, const uint8_t *req, size_t len, struct mr *reply)
{
	enum eh_rc rc;
	uint8_t *d;

	mb_reset(&eh->req);
	d = mb_reserve(&eh->req, len);
	if (!d)
		return set_error(eh, "out of memory"), EH_ERROR;
	memcpy(d, req, len);
	rc = roundtrip(eh);
	*reply = eh->rd;
	return rc;
}
