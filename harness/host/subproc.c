/* SPDX-License-Identifier: MIT */
/*
 * subproc.c - see subproc.h.
 *
 * The parent polls the record channel and the output pipe together, so a
 * child that prints much never blocks on a full pipe while the parent
 * waits for a record. The child dies with the parent (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subproc.h"

/* Read what the child printed; false at its end. */
static bool drain(struct subproc *sp)
{
	char buf[4096];
	ssize_t got = read(sp->out_fd, buf, sizeof(buf));

	if (got > 0) {
		tail_keep(&sp->tail, buf, (size_t)got);
		return true;
	}
	return got < 0 && (errno == EINTR || errno == EAGAIN);
}

int subproc_start(struct subproc *sp, int (*fn)(void *arg, int fd), void *arg)
{
	int rec[2], out[2];
	pid_t parent = getpid();

	memset(sp, 0, sizeof(*sp));
	sp->tail = (struct tailbuf){ sp->tail_buf, 0, sizeof(sp->tail_buf) - 1 };
	sp->pid = -1;
	sp->rec_fd = sp->out_fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rec) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(rec[0]);
		close(rec[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	sp->pid = fork();
	if (sp->pid < 0) {
		int e = errno;

		close(rec[0]);
		close(rec[1]);
		close(out[0]);
		close(out[1]);
		errno = e;
		return -1;
	}
	if (sp->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		close(rec[0]);
		close(out[0]);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		close(out[1]);
		_exit(fn(arg, rec[1]) & 0xff);
	}
	close(rec[1]);
	close(out[1]);
	sp->rec_fd = rec[0];
	sp->out_fd = out[0];
	fcntl(sp->out_fd, F_SETFL, fcntl(sp->out_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

int subproc_send(int fd, const void *p, size_t n)
{
	ssize_t put;

	do
		put = send(fd, p, n, MSG_NOSIGNAL);
	while (put < 0 && errno == EINTR);
	return put == (ssize_t)n ? 0 : -1;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int subproc_recv(struct subproc *sp, void *p, size_t n, unsigned timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pf[2] = { { sp->rec_fd, POLLIN, 0 }, { sp->out_fd, POLLIN, 0 } };
		long long left = deadline - now_ms();
		int k;

		if (left <= 0) {
			kill(sp->pid, SIGKILL);
			sp->hung = true;
			return -1;
		}
		k = poll(pf, sp->out_fd >= 0 ? 2 : 1, (int)(left > 1000 ? 1000 : left));
		if (k < 0 && errno != EINTR)
			return -1;
		if (k <= 0)
			continue;
		if (sp->out_fd >= 0 && pf[1].revents && !drain(sp)) {
			close(sp->out_fd);
			sp->out_fd = -1;
		}
		if (pf[0].revents) {
			ssize_t got = recv(sp->rec_fd, p, n, MSG_TRUNC);

			if (got == 0)
				return 1;
			if (got < 0 && errno == EINTR)
				continue;
			return got == (ssize_t)n ? 0 : -1;
		}
	}
}

int subproc_end(struct subproc *sp, char *buf, size_t len)
{
	int st = 0;

	if (sp->pid <= 0)
		return -1;
	if (sp->hung)
		kill(sp->pid, SIGKILL);
	close(sp->rec_fd);
	sp->rec_fd = -1;
	/* The rest of its output, until the pipe closes (the child's end is
	 * closed when it is gone). */
	while (sp->out_fd >= 0) {
		struct pollfd pf = { sp->out_fd, POLLIN, 0 };

		if (poll(&pf, 1, 2000) <= 0 || !drain(sp)) {
			close(sp->out_fd);
			sp->out_fd = -1;
		}
	}
	while (waitpid(sp->pid, &st, 0) < 0 && errno == EINTR)
		;
	sp->pid = -1;
	if (sp->hung) {
		snprintf(buf, len, "hung (killed after its deadline)");
		return -1;
	}
	if (WIFSIGNALED(st)) {
		const char *s = sigabbrev_np(WTERMSIG(st));

		snprintf(buf, len, "crashed (%s%s%s)", s ? "SIG" : "signal ", s ? s : "?",
			 tail_has_sanitizer_report(&sp->tail) ? ", sanitizer report" : "");
		return -1;
	}
	if (WEXITSTATUS(st) && tail_has_sanitizer_report(&sp->tail)) {
		snprintf(buf, len, "crashed (sanitizer report, exit status %d)", WEXITSTATUS(st));
		return -1;
	}
	return WEXITSTATUS(st);
}
