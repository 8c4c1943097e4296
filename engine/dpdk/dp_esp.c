/* SPDX-License-Identifier: MIT */
/*
 * dp_esp.c - ESP packets through lib/ipsec: seal (outbound) and open
 * (inbound) a set of jobs, each a frame copied into one mbuf.
 *
 * NDIS hands the miniport frames whose every header the transport built
 * (for send: the ESP header with SPI and sequence number, the IV field, the
 * padding and trailer, the ICV field); lib/ipsec takes a plain IP packet and
 * adds or removes ESP itself, headers included. The ESP computation does
 * not depend on the headers in front of it, so the adapter gives lib/ipsec
 * the ESP part behind a stand-in IPv4 header of DP_STANDIN_LEN bytes, in
 * transport mode, and copies back from the ESP header on, leaving every
 * header the transport built as it is (tunnel and UDP-encapsulated frames
 * alike: their outer headers are the transport's; lib/ipsec's tunnel mode
 * would rebuild them from a template, and its transport mode writes no UDP
 * header). On send the stand-in's protocol is the Next Header the transport
 * framed, which lib/ipsec moves into the trailer, as it does for any
 * transport-mode packet.
 *
 * Every job goes through rte_ipsec_pkt_crypto_prepare and
 * rte_ipsec_pkt_process alone, so each gets its own verdict (lib/ipsec
 * reorders a burst's failed packets and reports one rte_errno); the crypto
 * ops of all jobs go to the device as one burst.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_esp.h"
#include "ipoc_cursor.h"

enum { ESP_HDR = 8, TRAILER = 2 };

/* Write the stand-in IPv4 header at the mbuf's start. */
static void standin(struct rte_mbuf *mb, uint8_t proto)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(mb, struct rte_ipv4_hdr *);

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)rte_pktmbuf_pkt_len(mb));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(0xC0000201);   /* 192.0.2.1, RFC 5737 */
	ip->dst_addr = rte_cpu_to_be_32(0xC0000202);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	mb->l2_len = 0;
	mb->l3_len = DP_STANDIN_LEN;
	mb->packet_type = RTE_PTYPE_L3_IPV4;
}

/* Make the job's mbuf start DP_STANDIN_LEN bytes before the ESP header
 * and end where the ESP packet ends. */
static int frame_to_esp(struct dp_job *j)
{
	struct rte_mbuf *mb = j->mb;

	if (j->esp_off < DP_STANDIN_LEN ||
	    (uint64_t)j->esp_off + j->esp_len > rte_pktmbuf_pkt_len(mb))
		return -1;
	rte_pktmbuf_adj(mb, (uint16_t)(j->esp_off - DP_STANDIN_LEN));
	rte_pktmbuf_trim(mb, (uint16_t)(rte_pktmbuf_pkt_len(mb) - DP_STANDIN_LEN - j->esp_len));
	return 0;
}

/* ---------------------------------------------------------------- seal */

/* Turn the framed ESP packet into the plain one lib/ipsec wants: the
 * stand-in header, then the payload alone. */
static int seal_prepare_frame(struct dp_job *j)
{
	struct dp_sa *sa = j->sa;
	uint8_t *p;
	uint32_t fixed = ESP_HDR + sa->iv_len, plen;
	uint8_t pad, nh;
	uint32_t seq_low, spi;

	if (frame_to_esp(j) != 0 || j->esp_len < fixed + TRAILER + sa->icv_len) {
		j->rc = DP_SYNTAX;
		return -1;
	}
	p = rte_pktmbuf_mtod_offset(j->mb, uint8_t *, DP_STANDIN_LEN);
	memcpy(&spi, p, 4);
	memcpy(&seq_low, p + 4, 4);
	pad = p[j->esp_len - sa->icv_len - 2];
	nh = p[j->esp_len - sa->icv_len - 1];
	if (spi != sa->spi || (uint32_t)pad + fixed + TRAILER + sa->icv_len > j->esp_len) {
		j->rc = DP_SYNTAX;
		return -1;
	}
	plen = j->esp_len - fixed - TRAILER - sa->icv_len - pad;
	j->seq = ((uint64_t)(sa->esn ? sa->esn_high : 0) << 32) | rte_be_to_cpu_32(seq_low);
	j->next_header = nh;
	j->pad_len = pad;
	/* payload right behind the stand-in header */
	memmove(p, p + fixed, plen);
	rte_pktmbuf_trim(j->mb, (uint16_t)(j->esp_len - plen));
	standin(j->mb, nh);
	return 0;
}

/* lib/ipsec's packet has the framed length: the payload is the framed one
 * and lib/ipsec pads it by rule (RFC 4303 pattern, the cipher's alignment),
 * so the same length means the same pad length, and the Next Header is the
 * stand-in's protocol, the framed one. Then it goes over the frame's ESP
 * packet. (Its trailer is ciphertext now: nothing more to compare.) */
static void seal_finish(struct dp_job *j)
{
	struct rte_mbuf *mb = j->mb;
	uint32_t len = rte_pktmbuf_pkt_len(mb) - DP_STANDIN_LEN;

	if (len != j->esp_len) {
		j->rc = DP_PAD_DIFFERS;   /* lib/ipsec padded to another length */
		return;
	}
	j->out = rte_pktmbuf_mtod_offset(mb, const uint8_t *, DP_STANDIN_LEN);
	j->rc = DP_OK;
}

/* ---------------------------------------------------------------- open */

static int open_prepare_frame(struct dp_job *j)
{
	if (frame_to_esp(j) != 0) {
		j->rc = DP_SYNTAX;
		return -1;
	}
	standin(j->mb, IPPROTO_ESP);
	return 0;
}

/* A verified, decrypted packet: what lib/ipsec left is the stand-in header
 * and the payload, with the trailer still behind it in the buffer. */
static void open_finish(struct dp_job *j)
{
	struct dp_sa *sa = j->sa;
	struct rte_mbuf *mb = j->mb;
	uint32_t plen = rte_pktmbuf_pkt_len(mb) - DP_STANDIN_LEN;
	uint32_t fixed = ESP_HDR + sa->iv_len, region;
	const uint8_t *q;

	if ((uint64_t)fixed + plen + TRAILER + sa->icv_len > j->esp_len || mb->nb_segs != 1) {
		j->rc = DP_ERROR;
		return;
	}
	region = j->esp_len - fixed - sa->icv_len;   /* payload, padding, trailer */
	if ((uint64_t)DP_STANDIN_LEN + region > rte_pktmbuf_data_len(mb) +
						 (uint64_t)rte_pktmbuf_tailroom(mb)) {
		j->rc = DP_ERROR;
		return;
	}
	q = rte_pktmbuf_mtod_offset(mb, const uint8_t *, DP_STANDIN_LEN);
	j->pad_len = q[region - 2];
	j->next_header = q[region - 1];
	if ((uint32_t)j->pad_len + TRAILER + plen != region) {
		j->rc = DP_ERROR;
		return;
	}
	j->out = q;
	j->out_len = region;
	j->rc = DP_OK;
}

/* Verified (or with no ICV) and decrypted, then refused by lib/ipsec's
 * trailer checks, which run before it changes the mbuf's layout: the
 * decrypted bytes lie where they arrived, behind the stand-in header.
 * They go back too (decryption is in place; PROFILE.md item 5 keeps the
 * received bytes only for an ICV that failed). */
static void open_refused(struct dp_job *j)
{
	uint32_t fixed = ESP_HDR + j->sa->iv_len;

	if (j->mb->nb_segs != 1 || j->esp_len < fixed + j->sa->icv_len ||
	    rte_pktmbuf_pkt_len(j->mb) < DP_STANDIN_LEN + j->esp_len)
		return;
	j->out = rte_pktmbuf_mtod_offset(j->mb, const uint8_t *, DP_STANDIN_LEN + fixed);
	j->out_len = j->esp_len - fixed - j->sa->icv_len;
}

/* ---------------------------------------------------------------- frames */

struct rte_mbuf *dp_frame_mbuf(struct ipoc_engine *e, const NET_BUFFER *nb, uint8_t **p)
{
	uint32_t len = nb ? nb->DataLength : 0;
	struct rte_mbuf *mb;

	if (len == 0 || len > DP_MAX_FRAME || !(mb = rte_pktmbuf_alloc(e->dev->mbuf_pool)))
		return NULL;
	*p = (uint8_t *)rte_pktmbuf_append(mb, (uint16_t)len);
	if (!*p || ipoc_nb_copy_out(nb, 0, *p, len) != 0) {
		rte_pktmbuf_free(mb);
		return NULL;
	}
	return mb;
}

/* ----------------------------------------------------------------- run */

static enum dp_rc op_failure(const struct rte_crypto_op *op)
{
	return op->status == RTE_CRYPTO_OP_STATUS_AUTH_FAILED ? DP_AUTH : DP_ERROR;
}

void dp_esp_run(struct ipoc_engine *e, struct dp_job *jobs, uint16_t n, bool seal)
{
	struct rte_crypto_op *ops[DP_BURST], *mine[DP_BURST];
	uint16_t n_ops = 0;

	if (n > DP_BURST || rte_crypto_op_bulk_alloc(e->dev->op_pool,
						     RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops, n) != n) {
		for (uint16_t i = 0; i < n; i++)
			jobs[i].rc = DP_ERROR;
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct dp_job *j = &jobs[i];

		mine[i] = NULL;
		j->out = NULL;
		if ((seal ? seal_prepare_frame(j) : open_prepare_frame(j)) != 0)
			continue;
		/* The framed number, even one sent before: lib/ipsec derives
		 * the IV from it (FINDINGS.md F2). */
		if (seal && dp_sa_set_next_seq(j->sa, j->seq) != 0) {
			j->rc = DP_SEQ;
			continue;
		}
		/* ESN inbound: lib/ipsec's state starts afresh for every packet
		 * (dp_sa.c), before prepare and again before process. */
		if (!seal && j->sa->esn &&
		    dp_sa_start_inbound(j->sa, j->sa->esn_high + j->epoch_ahead) != 0) {
			j->rc = DP_ERROR;
			continue;
		}
		rte_errno = 0;
		if (rte_ipsec_pkt_crypto_prepare(&j->sa->ss, &j->mb, &ops[n_ops], 1) != 1) {
			j->rc = rte_errno == EINVAL && !seal ? DP_REPLAY : DP_SYNTAX;
			continue;
		}
		if (seal)
			j->sa->next_seq++;
		mine[i] = ops[n_ops++];
	}
	if (n_ops && !dp_dev_run(e->dev, ops, n_ops)) {
		for (uint16_t i = 0; i < n; i++)
			if (mine[i])
				jobs[i].rc = DP_ERROR;
		n_ops = 0;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct dp_job *j = &jobs[i];
		struct rte_crypto_op *op = mine[i];

		if (!op || j->rc == DP_ERROR)
			continue;
		if (op->status != RTE_CRYPTO_OP_STATUS_SUCCESS) {
			j->rc = op_failure(op);
			j->mb->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		}
		if (!seal && j->sa->esn &&
		    dp_sa_start_inbound(j->sa, j->sa->esn_high + j->epoch_ahead) != 0) {
			j->rc = DP_ERROR;
			continue;
		}
		rte_errno = 0;
		if (rte_ipsec_pkt_process(&j->sa->ss, &j->mb, 1) != 1) {
			if (op->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
				continue;
			j->rc = rte_errno == EINVAL && !seal ? DP_REPLAY : DP_SYNTAX_DECRYPTED;
			if (j->rc == DP_SYNTAX_DECRYPTED && !seal)
				open_refused(j);
			continue;
		}
		if (seal)
			seal_finish(j);
		else
			open_finish(j);
	}
	for (uint16_t i = 0; i < n; i++)
		rte_crypto_op_free(ops[i]);
}
