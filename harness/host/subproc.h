/* SPDX-License-Identifier: MIT */
/*
 * subproc.h - run a whole job (a benchmark, say) in a forked child, where
 * an engine it loads can crash, hang or exit without taking the harness
 * along. For work that must run next to the engine as one piece (timing
 * loops cannot cross a socket per call), where host.h serves one request
 * at a time.
 *
 * The child gets a descriptor to send records to the parent; its stdout
 * and stderr go to a pipe the parent drains, keeping the last lines (the
 * engine's output stays off the harness's own stdout). The parent reads
 * records with a deadline per record; when the child dies or misses a
 * deadline, subproc_end says how, in the words of eh_fault_text.
 */
#ifndef IPOC_SUBPROC_H
#define IPOC_SUBPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "host_msg.h"

struct subproc {
	pid_t pid;
	int rec_fd;               /* records from the child */
	int out_fd;               /* the child's stdout and stderr */
	char tail_buf[4097];
	struct tailbuf tail;      /* the last of that output, in tail_buf */
	bool hung;                /* a deadline passed: the child was killed */
};

/* Fork; the child runs fn(arg, fd) with fd its end of the record channel,
 * then _exit(that return value). 0, or -1 with errno. */
int subproc_start(struct subproc *sp, int (*fn)(void *arg, int fd), void *arg);

/* In the child: send a record (whole, or not at all in the parent's eyes).
 * 0, or -1. */
int subproc_send(int fd, const void *p, size_t n);

/* In the parent: read one record of exactly n bytes within timeout_ms.
 * 0; 1 at a clean end of the channel (the child closed it, or exited);
 * -1 when the deadline passed (the child is killed, sp->hung set) or the
 * record came short. */
int subproc_recv(struct subproc *sp, void *p, size_t n, unsigned timeout_ms);

/* Wait for the child (killing it if it still runs), close the channel.
 * Returns its exit status (0..255) when it exited, else -1 with what
 * happened in buf: "crashed (SIGSEGV)", "crashed (sanitizer report, exit
 * status N)" (an exit after a sanitizer's report), "hung (killed after its
 * deadline)". What another exit status means is the caller's to say. */
int subproc_end(struct subproc *sp, char *buf, size_t len);

#endif /* IPOC_SUBPROC_H */
