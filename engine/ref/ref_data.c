/* SPDX-License-Identifier: MIT */
/*
 * ref_data.c - the send and receive entry points.
 *
 * This version of the reference engine has the control plane only: it
 * resolves the IPsec handles of every send NBL and fails those it cannot
 * find (R-TX-2), passes handle-0 NBLs through unchanged, and completes NBLs
 * that carry a valid handle with NDIS_STATUS_NOT_SUPPORTED, because it does
 * not yet encrypt. On receive every NBL is indicated unchanged with the
 * IPsec slots cleared (no offload performed, R-RX-4) and Status
 * NDIS_STATUS_NOT_SUPPORTED, so no caller can mistake it for a verdict.
 */
#include <string.h>

#include "ref_internal.h"

static void transmit_all(struct ipoc_engine *e, const NET_BUFFER_LIST *nbl)
{
	for (const NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
		e->host.transmit(e->host.ctx, nbl, nb);
}

/* Handles of one send NBL: the IPsec slot is read as V2 (V1 has the same
 * Transmit.OffloadHandle at the same place); TunnelHandle only for V2 SAs. */
static NDIS_STATUS send_one(struct ipoc_engine *e, NET_BUFFER_LIST *nbl)
{
	NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO info;
	NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO tun;

	memcpy(&info, &NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo), sizeof(info));
	memcpy(&tun, &NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo), sizeof(tun));
	if (!info.Transmit.OffloadHandle && !tun.Transmit.TunnelHandle) {
		transmit_all(e, nbl);
		return NDIS_STATUS_SUCCESS;
	}
	if ((info.Transmit.OffloadHandle && !ref_sa_lookup(&e->sas, info.Transmit.OffloadHandle)) ||
	    (tun.Transmit.TunnelHandle && !ref_sa_lookup(&e->sas, tun.Transmit.TunnelHandle))) {
		ref_log(e, IPOC_LOG_INFO, "send: unknown SA handle, NBL failed");
		return NDIS_STATUS_FAILURE;
	}
	ref_log(e, IPOC_LOG_INFO, "send: IPsec processing is not in this version of ipoc-ref");
	return NDIS_STATUS_NOT_SUPPORTED;
}

void ref_send_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags)
{
	(void)port;
	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next)
		nbl->Status = send_one(e, nbl);
	e->host.send_complete(e->host.ctx, chain, 0);
}

void ref_receive_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags)
{
	ULONG count = 0;

	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next) {
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = NULL;
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = NULL;
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) = NULL;
		nbl->Status = NDIS_STATUS_NOT_SUPPORTED;
		count++;
	}
	if (count)
		e->host.indicate_receive(e->host.ctx, chain, count, 0);
}
