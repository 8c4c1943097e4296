/* SPDX-License-Identifier: MIT */
/* session.c - see session.h. */
#include <stdio.h>
#include <string.h>

#include "session.h"

static void h_transmit(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct session *s = ctx;

	s->transmitted++;
	if (s->obs.transmit)
		s->obs.transmit(s->obs.ctx, nbl, nb);
}

static void h_send_complete(void *ctx, NET_BUFFER_LIST *chain, ULONG flags)
{
	struct session *s = ctx;

	if (s->obs.complete_call) {
		s->completed++;
		s->obs.complete_call(s->obs.ctx, chain, flags);
		return;
	}
	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next) {
		s->completed++;
		if (s->obs.send_complete)
			s->obs.send_complete(s->obs.ctx, nbl);
	}
}

static void h_indicate(void *ctx, NET_BUFFER_LIST *chain, ULONG count, ULONG flags)
{
	struct session *s = ctx;

	if (s->obs.indicate_call) {
		s->indicated++;
		s->obs.indicate_call(s->obs.ctx, chain, count, flags);
		return;
	}
	(void)flags;
	(void)count;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next) {
		s->indicated++;
		if (s->obs.indicate)
			s->obs.indicate(s->obs.ctx, nbl);
	}
}

static void h_log(void *ctx, int level, const char *msg)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	struct session *s = ctx;

	s->log_lines++;
	snprintf(s->last_log, sizeof(s->last_log), "%s", msg);
	if (level <= s->echo_level)
		fprintf(stderr, "%s: %s: %s\n", s->ops->name,
			level >= 0 && level <= 3 ? names[level] : "log", msg);
}

int session_open(struct session *s, const struct ipoc_engine_ops *ops,
		 const struct ipoc_open_params *params, char *err, size_t errlen)
{
	NDIS_STATUS st;
	char name[48];
	int echo = s->echo_level;
	struct session_observer obs = s->obs;

	memset(s, 0, sizeof(*s));
	s->echo_level = echo;
	s->obs = obs;
	s->ops = ops;
	s->host.struct_size = sizeof(s->host);
	s->host.ctx = s;
	s->host.transmit = h_transmit;
	s->host.send_complete = h_send_complete;
	s->host.indicate_receive = h_indicate;
	s->host.log = h_log;
	st = ops->open(&s->host, params, &s->engine);
	s->open_status = st;
	if (st != NDIS_STATUS_SUCCESS || !s->engine) {
		snprintf(err, errlen, "engine %s: open failed with %s", ops->name,
			 st != NDIS_STATUS_SUCCESS ? ndis_status_name(st, name, sizeof(name))
						   : "success but no instance");
		s->engine = NULL;
		return -1;
	}
	return 0;
}

void session_close(struct session *s)
{
	if (s->engine)
		s->ops->close(s->engine);
	s->engine = NULL;
}

NDIS_STATUS session_oid(struct session *s, uint32_t type, NDIS_OID oid, void *buf, uint32_t len,
			uint32_t *needed)
{
	struct ipoc_oid_request req;
	NDIS_STATUS st;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.RequestType = type;
	req.Oid = oid;
	req.InformationBuffer = buf;
	req.InformationBufferLength = len;
	st = s->ops->oid_request(s->engine, &req);
	if (needed)
		*needed = req.BytesNeeded;
	return st;
}

struct status_name {
	uint32_t value;
	const char *name;
};

#define S(x) { (uint32_t)x, #x }
static const struct status_name status_names[] = {
	S(NDIS_STATUS_SUCCESS), S(NDIS_STATUS_PENDING), S(NDIS_STATUS_NOT_RECOGNIZED),
	S(NDIS_STATUS_NOT_ACCEPTED), S(NDIS_STATUS_INDICATION_REQUIRED),
	S(NDIS_STATUS_BUFFER_OVERFLOW), S(NDIS_STATUS_FAILURE), S(NDIS_STATUS_INVALID_PARAMETER),
	S(NDIS_STATUS_INVALID_DEVICE_REQUEST), S(NDIS_STATUS_RESOURCES),
	S(NDIS_STATUS_NOT_SUPPORTED), S(NDIS_STATUS_INVALID_STATE), S(NDIS_STATUS_CLOSING),
	S(NDIS_STATUS_REQUEST_ABORTED), S(NDIS_STATUS_RESET_IN_PROGRESS),
	S(NDIS_STATUS_INVALID_PACKET), S(NDIS_STATUS_ADAPTER_NOT_READY),
	S(NDIS_STATUS_INVALID_LENGTH), S(NDIS_STATUS_INVALID_DATA), S(NDIS_STATUS_BUFFER_TOO_SHORT),
	S(NDIS_STATUS_INVALID_OID), S(NDIS_STATUS_SEND_ABORTED), S(NDIS_STATUS_MEDIA_DISCONNECTED),
	S(NDIS_STATUS_PAUSED), S(NDIS_STATUS_UNSUPPORTED_REVISION), S(NDIS_STATUS_LOW_POWER_STATE),
};
#undef S

const char *crypto_status_name(uint32_t status)
{
	static const char *const names[] = {
		"CRYPTO_SUCCESS", "CRYPTO_GENERIC_ERROR", "CRYPTO_TRANSPORT_AH_AUTH_FAILED",
		"CRYPTO_TRANSPORT_ESP_AUTH_FAILED", "CRYPTO_TUNNEL_AH_AUTH_FAILED",
		"CRYPTO_TUNNEL_ESP_AUTH_FAILED", "CRYPTO_INVALID_PACKET_SYNTAX",
		"CRYPTO_INVALID_PROTOCOL",
	};

	return status < sizeof(names) / sizeof(names[0]) ? names[status]
							 : "(not a CRYPTO_* value)";
}

const char *ndis_status_name(NDIS_STATUS st, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].value == (uint32_t)st)
			return status_names[i].name;
	snprintf(buf, len, "0x%08x", (uint32_t)st);
	return buf;
}
