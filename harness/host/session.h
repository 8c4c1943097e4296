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

/* Optional observers of the data path (may be NULL). The per-NBL ones are
 * called for each NBL of a chain the engine hands back; when the per-call
 * one of that direction is set, it is called instead, with the chain as the
 * engine gave it, and the session does not walk the chain itself (an
 * engine may hand back pointers that must not be followed). */
struct session_observer {
	void *ctx;
	void (*transmit)(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb);
	void (*send_complete)(void *ctx, NET_BUFFER_LIST *nbl);
	void (*indicate)(void *ctx, NET_BUFFER_LIST *nbl);
	void (*complete_call)(void *ctx, NET_BUFFER_LIST *chain, ULONG flags);
	void (*indicate_call)(void *ctx, NET_BUFFER_LIST *chain, ULONG count, ULONG flags);
};

struct session {
	const struct ipoc_engine_ops *ops;
	ipoc_engine *engine;
	struct ipoc_host_ops host;
	struct session_observer obs;
	int echo_level;            /* echo log lines at or below this level; -1 = none */
	NDIS_STATUS open_status;   /* what open returned */
	unsigned transmitted;      /* frames through host->transmit */
	unsigned completed;        /* NBLs (calls, with complete_call) through send_complete */
	unsigned indicated;        /* NBLs (calls, with indicate_call) through indicate_receive */
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
/* "CRYPTO_SUCCESS" ... "CRYPTO_INVALID_PROTOCOL" for 0..7, else
 * "(not a CRYPTO_* value)". */
const char *crypto_status_name(uint32_t status);

#endif /* IPOC_SESSION_H */
