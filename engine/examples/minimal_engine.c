/* SPDX-License-Identifier: MIT */
/*
 * minimal_engine.c - the smallest complete ipoc engine: a NIC that claims no
 * IPsec offload at all, and does so correctly.
 *
 * It shows the shape every vendor engine has: one exported entry point,
 * a static ops table, open/close with the host's callbacks, an OID path
 * that answers OID_TCP_OFFLOAD_CURRENT_CONFIG, a send path that transmits
 * and completes every NBL, a receive path that indicates every NBL. With no
 * SA ever offloaded, every non-zero IPsec handle on send is unknown, so
 * the NBL fails with NDIS_STATUS_FAILURE, as NDIS requires.
 *
 * Build it against the installed header:
 *   cc -shared -fPIC $(pkg-config --cflags ipoc-engine) minimal_engine.c \
 *      -o libminimal_engine.so
 */
#include <stdlib.h>
#include <string.h>

#include <ipoc/engine.h>

struct ipoc_engine {
	struct ipoc_host_ops host;
};

static NDIS_STATUS mini_open(const struct ipoc_host_ops *host,
			     const struct ipoc_open_params *params, ipoc_engine **out)
{
	struct ipoc_engine *e;

	(void)params;
	*out = NULL;
	if (host->struct_size < sizeof(e->host))
		return NDIS_STATUS_INVALID_PARAMETER;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NDIS_STATUS_RESOURCES;
	memcpy(&e->host, host, sizeof(e->host));
	*out = e;
	return NDIS_STATUS_SUCCESS;
}

static void mini_close(ipoc_engine *e)
{
	free(e);
}

static NDIS_STATUS mini_oid(ipoc_engine *e, struct ipoc_oid_request *req)
{
	NDIS_OFFLOAD off;

	(void)e;
	if (req->Oid != OID_TCP_OFFLOAD_CURRENT_CONFIG)
		return NDIS_STATUS_NOT_SUPPORTED;
	if (req->InformationBufferLength < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2) {
		req->BytesNeeded = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
		return NDIS_STATUS_BUFFER_TOO_SHORT;
	}
	memset(&off, 0, sizeof(off));
	off.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	off.Header.Revision = NDIS_OFFLOAD_REVISION_2;
	off.Header.Size = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
	off.IPsecV2.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
	memcpy(req->InformationBuffer, &off, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	req->BytesWritten = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
	return NDIS_STATUS_SUCCESS;
}

static void mini_send(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags)
{
	(void)port;
	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next) {
		if (NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) ||
		    NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo)) {
			nbl->Status = NDIS_STATUS_FAILURE;   /* no such SA */
			continue;
		}
		for (NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
			e->host.transmit(e->host.ctx, nbl, nb);
		nbl->Status = NDIS_STATUS_SUCCESS;
	}
	e->host.send_complete(e->host.ctx, chain, 0);
}

static void mini_receive(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags)
{
	ULONG n = 0;

	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next, n++) {
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = NULL;
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) = NULL;
	}
	if (n)
		e->host.indicate_receive(e->host.ctx, chain, n, 0);
}

static const struct ipoc_engine_ops mini_ops = {
	.abi_major = IPOC_ENGINE_ABI_MAJOR,
	.abi_minor = IPOC_ENGINE_ABI_MINOR,
	.struct_size = sizeof(struct ipoc_engine_ops),
	.name = "ipoc-example-minimal",
	.version = "1.0",
	.open = mini_open,
	.close = mini_close,
	.oid_request = mini_oid,
	.send_net_buffer_lists = mini_send,
	.receive_net_buffer_lists = mini_receive,
};

IPOC_ENGINE_EXPORT const struct ipoc_engine_ops *ipoc_engine_entry(uint16_t host_abi_major)
{
	return host_abi_major == IPOC_ENGINE_ABI_MAJOR ? &mini_ops : NULL;
}
