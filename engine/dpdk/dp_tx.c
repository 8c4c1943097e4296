/* SPDX-License-Identifier: MIT */
/*
 * dp_tx.c - MiniportSendNetBufferLists on lib/ipsec.
 *
 * Per NBL: OffloadHandle names the SA (an unknown or inbound one, or IPsec
 * switched off by OID_TCP_OFFLOAD_PARAMETERS, fails the NBL with
 * NDIS_STATUS_FAILURE; TunnelHandle (transport over tunnel) and LSO are not
 * claimed, so an NBL asking for them fails the same way). Each NET_BUFFER
 * is a frame: it is copied into an mbuf, its ESP header found where
 * EspHeaderOffset (header-information slot) says, checked against the SA's
 * SPI and the slot's NextHeader and PadLength, and sealed by lib/ipsec
 * (dp_esp.c) at the sequence number the transport framed. The sealed ESP
 * packet is copied over the frame's; the headers before it stay the
 * transport's. An NBL of which a frame fails gets NDIS_STATUS_INVALID_PACKET
 * and none of its frames goes to the wire. Frames go to the wire in chain
 * order after their burst; the chain is completed once, at the end.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_esp.h"
#include "dp_pkt.h"
#include "ipoc_cursor.h"

/* The NBLs whose frames are in the burst, and each job's NBL and NB. */
struct tx_batch {
	struct dp_job jobs[DP_BURST];
	NET_BUFFER_LIST *nbl[DP_BURST];
	NET_BUFFER *nb[DP_BURST];
	uint16_t n;
};

static const char *rc_text(enum dp_rc rc)
{
	switch (rc) {
	case DP_SYNTAX:
		return "ESP framing refused (lengths or SPI)";
	case DP_SEQ:
		return "lib/ipsec cannot give the framed sequence number (0, or past the SA's end)";
	case DP_PAD_DIFFERS:
		return "lib/ipsec pads to another length than the transport framed";
	default:
		return "lib/ipsec or the crypto device failed";
	}
}

static void fail(struct ipoc_engine *e, NET_BUFFER_LIST *nbl, const char *why)
{
	if (nbl->Status == NDIS_STATUS_SUCCESS)
		dp_log(e, IPOC_LOG_INFO, "send: NBL failed: %s", why);
	nbl->Status = NDIS_STATUS_INVALID_PACKET;
}

static void run(struct ipoc_engine *e, struct tx_batch *b)
{
	dp_esp_run(e, b->jobs, b->n, true);
	for (uint16_t i = 0; i < b->n; i++) {
		struct dp_job *j = &b->jobs[i];

		if (j->rc != DP_OK)
			fail(e, b->nbl[i], rc_text(j->rc));
		else if (b->nbl[i]->Status == NDIS_STATUS_SUCCESS &&
			 ipoc_nb_copy_in(b->nb[i], j->esp_off, j->out, j->esp_len) != 0)
			fail(e, b->nbl[i], "write-back to the MDLs failed");
		rte_pktmbuf_free(j->mb);
	}
	b->n = 0;
}

/* Queue one frame of nbl for sa, or fail the NBL. */
static void queue_nb(struct ipoc_engine *e, struct tx_batch *b, NET_BUFFER_LIST *nbl,
		     NET_BUFFER *nb, struct dp_sa *sa, uint32_t hdr)
{
	struct rte_mbuf *mb;
	struct dp_ip ip;
	uint32_t len = nb->DataLength, esp_off, t;
	uint8_t *p;

	mb = dp_frame_mbuf(e, nb, &p);
	if (!mb) {
		fail(e, nbl, "NET_BUFFER empty, longer than a frame or malformed, or no mbuf");
		return;
	}
	esp_off = 0;
	if (dp_parse_frame(p, len, &ip) != 0)
		fail(e, nbl, "no well-formed IP header");
	else if (ip.frag)
		fail(e, nbl, "IP fragment: IPsec is not offloaded for fragments");
	else if ((ip.ver == 6) != sa->ipv6)
		fail(e, nbl, "IP version differs from the SA's");
	else if ((esp_off = ip.off + IPSEC_HDR_TX_ESP_OFFSET_BYTES(hdr)) + 8 > ip.end ||
		 esp_off < ip.next_off || memcmp(p + esp_off, &sa->spi, 4) != 0)
		fail(e, nbl, "EspHeaderOffset does not point at the SA's ESP header");
	else if (sa->icv_len + 2 <= ip.end - esp_off &&
		 (p[(t = ip.end - sa->icv_len - 2)] != IPSEC_HDR_TX_PAD_LENGTH(hdr) ||
		  p[t + 1] != IPSEC_HDR_TX_NEXT_HEADER(hdr)))
		fail(e, nbl, "header info NextHeader/PadLength disagree with the ESP trailer");
	if (nbl->Status != NDIS_STATUS_SUCCESS) {
		rte_pktmbuf_free(mb);
		return;
	}
	b->jobs[b->n] = (struct dp_job){ .sa = sa, .mb = mb, .esp_off = esp_off,
					 .esp_len = ip.end - esp_off };
	b->nbl[b->n] = nbl;
	b->nb[b->n++] = nb;
	if (b->n == DP_BURST)
		run(e, b);
}

static void send_nbl(struct ipoc_engine *e, struct tx_batch *b, NET_BUFFER_LIST *nbl)
{
	NDIS_HANDLE h = NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
	NDIS_HANDLE tun = NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo);
	uintptr_t lso = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
	uint32_t hdr = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(nbl,
							       IPsecOffloadV2HeaderNetBufferListInfo);
	struct dp_sa *sa;

	nbl->Status = NDIS_STATUS_SUCCESS;
	if (!h && !tun)
		return;
	sa = h ? dp_sa_lookup(e, h) : NULL;
	if (!sa || tun || sa->inbound || !dp_sa_enabled(e) || (lso & LSO_MSS_MASK)) {
		dp_log(e, IPOC_LOG_INFO, "send: NBL failed: %s",
		       tun ? "TunnelHandle set: transport over tunnel is not claimed"
		       : (lso & LSO_MSS_MASK) ? "LSO is not claimed"
		       : !sa ? "unknown SA handle" : sa->inbound ? "handle of an inbound SA"
		       : "IPsec offload is disabled");
		nbl->Status = NDIS_STATUS_FAILURE;
		return;
	}
	for (NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
		queue_nb(e, b, nbl, nb, sa, hdr);
}

void dp_send_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags)
{
	struct tx_batch b;

	(void)port;
	(void)flags;
	b.n = 0;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next)
		send_nbl(e, &b, nbl);
	if (b.n)
		run(e, &b);
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next)
		if (nbl->Status == NDIS_STATUS_SUCCESS)
			for (const NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
				e->host.transmit(e->host.ctx, nbl, nb);
	e->host.send_complete(e->host.ctx, chain, 0);
}
