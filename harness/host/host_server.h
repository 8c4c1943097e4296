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

#include "host_msg.h"

struct hs;

struct hs *hs_new(void);
/* Close every instance, unload the engine, free. */
void hs_free(struct hs *hs);

/* Carry out one request (len bytes at req) and write the reply into rep
 * (reset first). Returns 1 for QUIT (no reply), else 0. */
int hs_handle(struct hs *hs, const uint8_t *req, size_t len, struct mb *rep);

/* Serve the requests that arrive on fd, one reply each, until QUIT or the
 * other side goes away. */
void hs_serve(struct hs *hs, int fd);

#endif /* IPOC_HOST_SERVER_H */
