/* SPDX-License-Identifier: MIT */
/*
 * ref_engine.c - the reference engine's ops table, entry point, open and
 * close.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndis_host.h"
#include "ref_crypto.h"
#include "ref_internal.h"

void ref_log(const struct ipoc_engine *e, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ndis_host_vlog(&e->host, level, fmt, ap);
	va_end(ap);
}

void ref_ndis_log(void *ctx, int level, const char *fmt, va_list ap)
{
	ndis_host_vlog(&((const struct ipoc_engine *)ctx)->host, level, fmt, ap);
}

static void ref_close(ipoc_engine *e);

static NDIS_STATUS ref_open(const struct ipoc_host_ops *host, const struct ipoc_open_params *p,
			    ipoc_engine **out)
{
	struct ipoc_engine *e;
	uint32_t cap;

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
	ndis_open_params(p, REF_DEFAULT_SA_CAPACITY, REF_MAX_SA_CAPACITY, &cap, &e->open_flags);
	e->scratch_len = REF_SCRATCH_LEN;
	e->scratch = malloc(REF_SCRATCH_LEN);
	e->peek = malloc(REF_PEEK_LEN);
	e->seg = malloc(REF_SEG_LEN);
	if (!e->scratch || !e->peek || !e->seg || ref_sa_table_init(&e->sas, cap) != 0) {
		ref_close(e);
		return NDIS_STATUS_RESOURCES;
	}
	ref_caps_init(e, cap);
	*out = e;
	return NDIS_STATUS_SUCCESS;
}

static void ref_close(ipoc_engine *e)
{
	if (!e)
		return;
	ref_sa_table_fini(&e->sas);   /* wipes every SA */
	if (e->scratch)
		ref_wipe(e->scratch, e->scratch_len);   /* decrypted frames passed here */
	if (e->peek)
		ref_wipe(e->peek, REF_PEEK_LEN);
	if (e->seg)
		ref_wipe(e->seg, REF_SEG_LEN);
	free(e->scratch);
	free(e->peek);
	free(e->seg);
	free(e);
}

/* see engine.h: test_set_tx_iv */
static NDIS_STATUS ref_set_tx_iv(ipoc_engine *e, NDIS_HANDLE handle, ULONG spi,
				 const uint8_t *iv, uint32_t iv_len)
{
	struct ref_sa *sa = ref_sa_lookup(&e->sas, handle);
	bool found = false;

	if (!sa || sa->inbound || (iv_len && !iv))
		return NDIS_STATUS_INVALID_PARAMETER;
	for (uint32_t i = 0; i < sa->num_members; i++) {
		struct ref_sa_member *m = &sa->m[i];

		if (m->spi != spi)
			continue;
		if (iv_len && iv_len != m->iv_len)
			return NDIS_STATUS_INVALID_PARAMETER;
		if (iv_len)
			memcpy(m->tx_iv, iv, iv_len);   /* iv may be NULL when iv_len is 0 */
		m->tx_iv_len = iv_len;
		found = true;
	}
	return found ? NDIS_STATUS_SUCCESS : NDIS_STATUS_INVALID_PARAMETER;
}

/* The version says which crypto library does the work (and, for
 * intel-ipsec-mb, which code path the CPU got): `ipoc info` shows it. */
static char version_text[160];

static void version_init(void)
{
	snprintf(version_text, sizeof(version_text), "%s (%s)", REF_VERSION,
		 ref_crypto_describe());
}

static struct ipoc_engine_ops ref_ops = {
	.abi_major = IPOC_ENGINE_ABI_MAJOR,
	.abi_minor = IPOC_ENGINE_ABI_MINOR,
	.struct_size = sizeof(struct ipoc_engine_ops),
	.name = REF_ENGINE_NAME,
	.version = version_text,
	.open = ref_open,
	.close = ref_close,
	.oid_request = ref_oid_request,
	.send_net_buffer_lists = ref_send_net_buffer_lists,
	.receive_net_buffer_lists = ref_receive_net_buffer_lists,
	.test_set_tx_iv = ref_set_tx_iv,
	.test_set_sequence = NULL,    /* LSO numbers from the frame; ESN from UPDATE_SA */
};

IPOC_ENGINE_EXPORT const struct ipoc_engine_ops *ipoc_engine_entry(uint16_t host_abi_major)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (host_abi_major != IPOC_ENGINE_ABI_MAJOR)
		return NULL;
	pthread_once(&once, version_init);
	return &ref_ops;
}
