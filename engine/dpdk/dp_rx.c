/* SPDX-License-Identifier: MIT */
/*
 * dp_rx.c - received frames: find the SA, have lib/ipsec verify and decrypt,
 * put the decrypted bytes back where they arrived, fill the IPsec OOB slots.
 *
 * NDIS wants the frame decrypted in place with every byte and length as it
 * arrived (ESP header, IV, padding, trailer and ICV stay); lib/ipsec strips
 * ESP from its mbuf. The adapter copies the frame into an mbuf, lets
 * lib/ipsec open it (dp_esp.c), and writes back the decrypted payload,
 * padding and trailer (which lib/ipsec leaves in the buffer behind the
 * trimmed packet) at their place in the NBL; nothing else is written, and a
 * frame that fails is not written at all. HeaderInfoSet, NextHeader and
 * PadLength come from that trailer.
 *
 * The CRYPTO_* classification is the adapter's: lib/ipsec's crypto op
 * status RTE_CRYPTO_OP_STATUS_AUTH_FAILED is *_ESP_AUTH_FAILED, of the
 * tunnel or the transport kind by what the SA's last good packet protected
 * (a failed packet's own trailer is not to be trusted), and before any by
 * the Next Header of a decrypted copy of its last block (dp_peek.c,
 * PROFILE.md item 11); a packet lib/ipsec refuses before or after the
 * crypto (lengths, padding bytes) is CRYPTO_INVALID_PACKET_SYNTAX; one its
 * replay window refuses is CRYPTO_GENERIC_ERROR: NDIS has no code for it.
 *
 * ESN: an ESN packet whose ICV fails with the SA's high half, and whose low
 * half is below 2^31 (it may have wrapped before TCP/IP sent UPDATE_SA), is
 * tried once more with the next high half (PROFILE.md item 15), from a
 * fresh copy of the frame: lib/ipsec's inference alone would not.
 * Frames that are not ESP (or ESP in UDP port 4500 that is not IKE or a
 * keepalive), fragments, and ESP with no offloaded SA are indicated
 * unchanged with the IPsec slots zero. AH is not claimed, so no AH SA
 * exists and AH frames are never offloaded. A second (transport) portion
 * inside a tunnel one is not looked into: TransportTunnelCombined is not
 * claimed.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_mbuf.h>

#include "dp_esp.h"
#include "dp_pkt.h"
#include "ipoc_cursor.h"

enum { NATT_PORT = 4500, UDP_LEN = 8, ESP_FIXED = 8 };

struct rx_result {
	bool crypto_done, sa_delete_req, header_info_set;
	uint16_t status;
	uint8_t next_header, pad_length;
};

struct rx_batch {
	struct dp_job jobs[DP_BURST];
	NET_BUFFER_LIST *nbl[DP_BURST];
	struct rx_result *res[DP_BURST];
	uint16_t n;
};

static void write_oob(NET_BUFFER_LIST *nbl, const struct rx_result *r)
{
	uint32_t w = 0, h = 0;

	if (r->crypto_done)
		w = IPSEC_RX_CRYPTO_DONE | ((uint32_t)r->status << IPSEC_RX_CRYPTO_STATUS_SHIFT);
	if (r->sa_delete_req)
		w |= IPSEC_RX_SA_DELETE_REQ;
	if (r->header_info_set)
		h = IPSEC_HDR_RX_HEADER_INFO_SET | r->next_header |
		    ((uint32_t)r->pad_length << IPSEC_HDR_PAD_LENGTH_SHIFT);
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = (PVOID)(uintptr_t)w;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = NULL;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) = (PVOID)(uintptr_t)h;
}

static bool is_tunnel(uint8_t nh)
{
	return nh == IPPROTO_IPIP || nh == IPPROTO_IPV6;
}

/* The frame's ESP packet as it arrived, in the engine's scratch. */
static const uint8_t *esp_copy(struct ipoc_engine *e, NET_BUFFER_LIST *nbl,
			       const struct dp_job *j)
{
	if (j->esp_len > DP_MAX_FRAME ||
	    ipoc_nb_copy_out(nbl->FirstNetBuffer, j->esp_off, e->scratch, j->esp_len) != 0)
		return NULL;
	return e->scratch;
}

/* Is the failed packet a tunnel portion? PROFILE.md item 11. */
static bool failed_is_tunnel(struct ipoc_engine *e, NET_BUFFER_LIST *nbl, const struct dp_job *j)
{
	const uint8_t *esp;
	int nh;

	if (j->sa->portion_seen)
		return j->sa->portion_seen == 2;
	esp = esp_copy(e, nbl, j);
	nh = esp ? dp_peek_next_header(e, j->sa, esp, j->esp_len) : -1;
	if (esp)
		explicit_bzero(e->scratch, j->esp_len);
	return nh >= 0 && is_tunnel((uint8_t)nh);
}

static void finish(struct ipoc_engine *e, NET_BUFFER_LIST *nbl, struct dp_job *j,
		   struct rx_result *r)
{
	struct dp_sa *sa = j->sa;

	switch (j->rc) {
	case DP_OK:
		if (ipoc_nb_copy_in(nbl->FirstNetBuffer, j->esp_off + ESP_FIXED + sa->iv_len,
				    j->out, j->out_len) != 0) {
			r->status = CRYPTO_GENERIC_ERROR;
			break;
		}
		sa->portion_seen = is_tunnel(j->next_header) ? 2 : 1;
		r->status = CRYPTO_SUCCESS;
		r->header_info_set = true;
		r->next_header = j->next_header;
		r->pad_length = j->pad_len;
		break;
	case DP_AUTH:
		r->status = failed_is_tunnel(e, nbl, j) ? CRYPTO_TUNNEL_ESP_AUTH_FAILED
						       : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
		break;
	case DP_SYNTAX_DECRYPTED:
		/* Decrypted, then refused: the plaintext is written back all the
		 * same (decryption is in place). */
		if (j->out)
			ipoc_nb_copy_in(nbl->FirstNetBuffer, j->esp_off + ESP_FIXED + sa->iv_len,
					j->out, j->out_len);
		r->status = CRYPTO_INVALID_PACKET_SYNTAX;
		break;
	case DP_SYNTAX:
		r->status = CRYPTO_INVALID_PACKET_SYNTAX;
		break;
	case DP_REPLAY:
		dp_log(e, IPOC_LOG_INFO, "receive: lib/ipsec's replay window refused a packet");
		r->status = CRYPTO_GENERIC_ERROR;
		break;
	default:
		r->status = CRYPTO_GENERIC_ERROR;
		break;
	}
}

/* Job j failed its ICV on an ESN SA: try the next high half when the low
 * half is below 2^31; j takes the retry's result when its ICV verifies,
 * also when lib/ipsec then refuses the decrypted packet (padding: that is
 * CRYPTO_INVALID_PACKET_SYNTAX, not an authentication failure). */
static void retry_next_epoch(struct ipoc_engine *e, NET_BUFFER_LIST *nbl, struct dp_job *j)
{
	NET_BUFFER *nb = nbl->FirstNetBuffer;
	struct dp_job t = *j;
	uint8_t low[4];
	uint8_t *p;

	if (!j->sa->esn || ipoc_nb_copy_out(nb, j->esp_off + 4, low, 4) != 0 || low[0] >= 0x80)
		return;
	t.mb = dp_frame_mbuf(e, nb, &p);
	if (!t.mb)
		return;
	t.epoch_ahead = 1;
	dp_esp_run(e, &t, 1, false);
	if (t.rc == DP_OK || t.rc == DP_SYNTAX_DECRYPTED) {
		rte_pktmbuf_free(j->mb);
		*j = t;
	} else {
		rte_pktmbuf_free(t.mb);
	}
}

static void run(struct ipoc_engine *e, struct rx_batch *b)
{
	dp_esp_run(e, b->jobs, b->n, false);
	for (uint16_t i = 0; i < b->n; i++)
		if (b->jobs[i].rc == DP_AUTH)
			retry_next_epoch(e, b->nbl[i], &b->jobs[i]);
	for (uint16_t i = 0; i < b->n; i++) {
		finish(e, b->nbl[i], &b->jobs[i], b->res[i]);
		rte_pktmbuf_free(b->jobs[i].mb);
	}
	b->n = 0;
}

/* Where the ESP header behind ip is: 0 found, 1 none (not ESP, IKE or a
 * keepalive on port 4500). *udp says whether it is UDP-encapsulated. */
static int find_esp(const uint8_t *p, const struct dp_ip *ip, uint32_t *off, bool *udp)
{
	*off = ip->next_off;
	*udp = false;
	if (ip->proto == IPPROTO_ESP)
		return 0;
	if (ip->proto != IPPROTO_UDP || UDP_LEN > ip->end - ip->next_off ||
	    dp_rd16(p + ip->next_off + 2) != NATT_PORT)
		return 1;
	*off += UDP_LEN;
	*udp = true;
	/* RFC 3948 §2.2: a keepalive is one 0xFF byte; §2.1: IKE carries four
	 * zero bytes where ESP has its SPI. */
	if (ip->end - *off < 4 || dp_rd32(p + *off) == 0)
		return 1;
	return 0;
}

static bool udp_expected(const struct dp_sa *sa)
{
	return sa->udp_esp == IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT ||
	       sa->udp_esp == IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL;
}

/* One NBL: the result is final when nothing is queued for it. */
static void recv_nbl(struct ipoc_engine *e, struct rx_batch *b, NET_BUFFER_LIST *nbl,
		     struct rx_result *r)
{
	NET_BUFFER *nb = nbl->FirstNetBuffer;
	struct rte_mbuf *mb;
	struct dp_ip ip;
	struct dp_sa *sa;
	uint32_t len, off, spi;
	bool udp;
	uint8_t *p;

	memset(r, 0, sizeof(*r));
	mb = dp_frame_mbuf(e, nb, &p);
	if (!mb)
		return;
	len = nb->DataLength;
	if (dp_parse_frame(p, len, &ip) != 0 ||
	    ip.frag || find_esp(p, &ip, &off, &udp) != 0 || ESP_FIXED > ip.end - off) {
		rte_pktmbuf_free(mb);
		return;
	}
	memcpy(&spi, p + off, 4);
	sa = dp_sa_find_inbound(e, spi, p + ip.dst_off, ip.ver == 6 ? 16 : 4);
	if (!sa || !dp_sa_enabled(e)) {
		rte_pktmbuf_free(mb);
		return;
	}
	r->crypto_done = true;
	r->sa_delete_req = e->used >= e->capacity;
	if (udp != udp_expected(sa)) {
		r->status = CRYPTO_INVALID_PROTOCOL;
		rte_pktmbuf_free(mb);
		return;
	}
	b->jobs[b->n] = (struct dp_job){ .sa = sa, .mb = mb, .esp_off = off,
					 .esp_len = ip.end - off };
	b->nbl[b->n] = nbl;
	b->res[b->n++] = r;
	if (b->n == DP_BURST)
		run(e, b);
}

void dp_receive_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags)
{
	struct rx_result res[DP_BURST];
	struct rx_batch b;
	NET_BUFFER_LIST *from = chain, *nbl = chain;
	ULONG count = 0;

	(void)flags;
	b.n = 0;
	/* Windows of DP_BURST NBLs: each NBL has its result slot in res. */
	while (nbl) {
		uint16_t k = 0;

		for (; nbl && k < DP_BURST; nbl = nbl->Next, k++)
			recv_nbl(e, &b, nbl, &res[k]);
		if (b.n)
			run(e, &b);
		k = 0;
		for (NET_BUFFER_LIST *x = from; x != nbl; x = x->Next, k++) {
			write_oob(x, &res[k]);
			x->Status = NDIS_STATUS_SUCCESS;
			count++;
		}
		from = nbl;
	}
	if (count)
		e->host.indicate_receive(e->host.ctx, chain, count, 0);
}
