/* SPDX-License-Identifier: MIT */
/*
 * dp_engine.c - the DPDK engine's ops table, entry point, open and close.
 *
 * open brings up DPDK once per process (dp_dev.c) and reads what the
 * device can do; a process where EAL cannot start gets
 * NDIS_STATUS_ADAPTER_NOT_READY with the reason logged. There is no IV
 * injection hook: lib/ipsec chooses IVs (the sequence number for AES-GCM and
 * AES-GMAC, an encrypted counter for CBC), so the harness checks sends by
 * decrypting them. No sequence hook either: the transport numbers every
 * packet.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_int.h"
#include "ndis_host.h"

void dp_log(const struct ipoc_engine *e, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ndis_host_vlog(&e->host, level, fmt, ap);
	va_end(ap);
}

static void dp_close(ipoc_engine *e)
{
	if (!e)
		return;
	dp_sa_table_fini(e);   /* frees every session: DPDK wipes its keys */
	if (e->scratch)
		explicit_bzero(e->scratch, DP_MAX_FRAME);
	free(e->scratch);
	free(e);
}

static NDIS_STATUS dp_open(const struct ipoc_host_ops *host, const struct ipoc_open_params *p,
			   ipoc_engine **out)
{
	struct ipoc_engine *e;
	uint32_t cap;
	char why[256];

	if (!out)
		return NDIS_STATUS_INVALID_PARAMETER;
	*out = NULL;
	if (!host)
		return NDIS_STATUS_INVALID_PARAMETER;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NDIS_STATUS_RESOURCES;
	if (ndis_host_copy(&e->host, host) != 0) {
		free(e);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	ndis_open_params(p, DP_DEFAULT_CAPACITY, DP_MAX_CAPACITY, &cap, &e->open_flags);
	e->dev = dp_dev_get(why, sizeof(why));
	if (!e->dev) {
		dp_log(e, IPOC_LOG_ERROR, "DPDK: %s", why);
		free(e);
		return NDIS_STATUS_ADAPTER_NOT_READY;
	}
	e->scratch = malloc(DP_MAX_FRAME);
	if (!e->scratch || dp_sa_table_init(e, cap) != 0) {
		free(e->scratch);
		free(e);
		return NDIS_STATUS_RESOURCES;
	}
	dp_caps_init(e, cap);
	*out = e;
	return NDIS_STATUS_SUCCESS;
}

static char version_text[192];

static void version_init(void)
{
	const char *d = getenv(DP_ENV_DEVICE);

	/* The device is named before EAL runs: `ipoc info` must not start it. */
	snprintf(version_text, sizeof(version_text), "%s (DPDK lib/ipsec, %s)", DP_VERSION,
		 d && *d ? d : "crypto_aesni_mb");
}

static struct ipoc_engine_ops dp_ops = {
	.abi_major = IPOC_ENGINE_ABI_MAJOR,
	.abi_minor = IPOC_ENGINE_ABI_MINOR,
	.struct_size = sizeof(struct ipoc_engine_ops),
	.name = "ipoc-dpdk",
	.version = version_text,
	.open = dp_open,
	.close = dp_close,
	.oid_request = dp_oid_request,
	.send_net_buffer_lists = dp_send_net_buffer_lists,
	.receive_net_buffer_lists = dp_receive_net_buffer_lists,
	.test_set_tx_iv = NULL,
	.test_set_sequence = NULL,
};

IPOC_ENGINE_EXPORT const struct ipoc_engine_ops *ipoc_engine_entry(uint16_t host_abi_major)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (host_abi_major != IPOC_ENGINE_ABI_MAJOR)
		return NULL;
	pthread_once(&once, version_init);
	return &dp_ops;
}
