/* SPDX-License-Identifier: MIT */
/*
 * session.h - one open engine instance with the harness's host callbacks.
 *
 * The host side counts what the engine transmits, completes and indicates,
 * and keeps the engine's log lines (the last one, and optionally echoes them
 * to stderr), so tests and subcommands can see why an OID failed.
 */
#ifndef IPOC_SESSION_H
#define IPOC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "ipoc/engine.h"

struct session;

/* Optional observers of the data path (may be NULL). */
struct session_observer {
	void *ctx;
	void (*transmit)(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb);
	void (*send_complete)(void *ctx, NET_BUFFER_LIST *nbl);
	void (*indicate)(void *ctx, NET_BUFFER_LIST *nbl);
};

struct session {
	const struct ipoc_engine_ops *ops;
	ipoc_engine *engine;
	struct ipoc_host_ops host;
	struct session_observer obs;
	int echo_level;            /* echo log lines at or below this level; -1 = none */
	unsigned transmitted;      /* frames through host->transmit */
	unsigned completed;        /* NBLs through host->send_complete */
	unsigned indicated;        /* NBLs through host->indicate_receive */
	unsigned log_lines;
	char last_log[512];
};

/* Open an instance of ops. params may be NULL (engine defaults). Returns 0,
 * or -1 with err naming the engine and the NDIS status. */
int session_open(struct session *s, const struct ipoc_engine_ops *ops,
		 const struct ipoc_open_params *params, char *err, size_t errlen);
void session_close(struct session *s);

/* One OID request. *needed (may be NULL) gets BytesNeeded. */
NDIS_STATUS session_oid(struct session *s, uint32_t type, NDIS_OID oid, void *buf, uint32_t len,
			uint32_t *needed);

/* "NDIS_STATUS_INVALID_PARAMETER" or "0x%08x" for an unknown value (buf). */
const char *ndis_status_name(NDIS_STATUS st, char *buf, size_t len);

#endif /* IPOC_SESSION_H */
