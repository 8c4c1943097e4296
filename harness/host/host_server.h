/* SPDX-License-Identifier: MIT */
/*
 * host_server.h - the side of the engine host where the engine lives:
 * carries out the requests of host_proto.h against the loaded engine and
 * writes the replies. Run in the engine host process (hs_serve) or called
 * directly by host.c for an engine in the harness's own process.
 */
#ifndef IPOC_HOST_SERVER_H
#define IPOC_HOST_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "host_msg.h"

struct hs;

struct hs *hs_new(void);
/* Close every instance, unload the engine, free. */
void hs_free(struct hs *hs);

/* Carry out one request (len bytes at req) and write the reply into rep
 * (reset first). Returns 1 for QUIT (no reply), else 0. */
int hs_handle(struct hs *hs, const uint8_t *req, size_t len, struct mb *rep);

/* A send or receive carried out directly on the caller's structures (an
 * engine in this process, no request to keep): what hs_handle does for a
 * SEND or RECEIVE request built from in, without encoding it, and without
 * copying the answer into a reply. 0 with *out (the hs's until its next
 * request); -1 when refused, 1 when the answer is one a reply could not
 * carry, each with msg as the host would say it (host.c's error). */
int hs_io(struct hs *hs, uint32_t inst, bool receive, const struct eh_io_in *in,
	  const struct eh_io_out **out, char *msg, size_t msglen);
/* The engine's last log line, and in *lines the lines it wrote during the
 * last request. */
const char *hs_last_log(const struct hs *hs, unsigned *lines);

/* Serve the requests that arrive on fd, one reply each, until QUIT or the
 * other side goes away. */
void hs_serve(struct hs *hs, int fd);

#endif /* IPOC_HOST_SERVER_H */
