/* SPDX-License-Identifier: MIT */
/*
 * ref_recv.c - received frames: find the SA, verify and decrypt in place,
 * fill the IPsec OOB slots, indicate every NBL.
 *
 * Implementation notes (PROFILE.md items 5, 6, 11, 19, 26, 27). Checks run
 * outside in: the outer IPsec portion first, AH before ESP; the first
 * failure sets CryptoStatus and stops. A portion is a tunnel portion when
 * what it protects is an IP packet (Next Header 4 or 41; for an ESP ICV that
 * failed, read from a decrypted copy of the trailer), else a transport
 * portion. Decryption is in place; bytes and lengths stay as they arrived.
 * HeaderInfoSet, NextHeader and PadLength come from the innermost ESP
 * trailer that decrypted. Frames that are not IPsec, IKE and NAT-keepalive
 * on port 4500, fragments, and IPsec frames with no matching SA are indicated
 * unchanged with the IPsec slots zero. SaDeleteReq is set on a frame whose SA
 * was found while every SA slot is in use (R-SA-10: the engine wants room).
 *
 * Bursts. A chain is taken in windows of RX_BURST NBLs. A first pass walks
 * each frame exactly as the second will, up to the outer ESP portion, and
 * queues the job that verifies and decrypts it (ref_esp_open_job); the
 * window's jobs run as one burst (ref_run_jobs). The second pass is the
 * one-frame path above; for a queued frame it takes up the walk where the
 * first pass left it (nothing it passed depends on what other frames of
 * the window change: SA table and enables stay as they are during a
 * receive), with the job's result: a verified packet is decrypted already,
 * one that failed is as it arrived and goes the one-frame way (next ESN
 * epoch, trailer peek).
 * Only frames in one MDL (decrypted where they lie) whose bytes overlap
 * no earlier frame of the window are queued: the first pass changes no
 * engine state, and no frame's bytes change between the first pass's look
 * at them and what the one-frame path would have seen (an earlier frame
 * the second pass handles itself writes its bytes after the burst ran).
 */
#include <string.h>

#include "ref_crypto.h"

#include "ref_ah.h"
#include "ref_esp.h"
#include "ref_pkt.h"
#include "wire.h"

struct rx_result {
	bool crypto_done, next_crypto_done, sa_delete_req, header_info_set;
	bool v1;                 /* the (outer) SA is IPsecOV1: no header-info slot */
	uint16_t status;
	uint8_t next_header, pad_length;
};

/* Where the first IPsec header behind an IP header is. */
struct rx_hdr {
	uint32_t off;      /* AH or ESP header */
	uint32_t op;       /* IPsecOffloadV2Ah / IPsecOffloadV2Esp */
	bool udp;          /* ESP behind UDP port 4500 */
};

/* 0: found; 1: not IPsec (or IKE / keepalive): no offload; -1: malformed. */
static int find_ipsec(const uint8_t *p, const struct ref_ip *ip, struct rx_hdr *h)
{
	uint32_t off = ip->next_off;

	memset(h, 0, sizeof(*h));
	if (ip->next_proto == IPPROTO_V_AH || ip->next_proto == IPPROTO_V_ESP) {
		h->off = off;
		h->op = ip->next_proto == IPPROTO_V_AH ? IPsecOffloadV2Ah : IPsecOffloadV2Esp;
		return 0;
	}
	if (ip->next_proto != IPPROTO_V_UDP)
		return 1;
	if (UDP_HDR_LEN > ip->end - off)
		return -1;
	if (rd16(p + off + 2) != NATT_PORT)
		return 1;
	off += UDP_HDR_LEN;
	/* RFC 3948 §2.2 keepalive: one 0xFF byte; §2.1: IKE has four zero
	 * bytes (the non-ESP marker) where ESP has its SPI. */
	if (ip->end - off == 1 && p[off] == NATT_KEEPALIVE_BYTE)
		return 1;
	if (4 > ip->end - off || rd32(p + off) == 0)
		return 1;
	h->off = off;
	h->op = IPsecOffloadV2Esp;
	h->udp = true;
	return 0;
}

/* Is this SA's ESP carried in UDP, for a portion outer or inner? Types 4
 * and 8 name a pair: the UDP-encapsulated one is the tunnel (outer) portion
 * in "transport over UDP-ESP tunnel", the transport (inner) portion in
 * "UDP-ESP transport over tunnel" (PROFILE.md item 19). */
static bool udp_expected(const struct ref_sa *sa, bool outer)
{
	switch (sa->udp_esp) {
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT:
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL:
		return true;
	case IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL:
		return outer;
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL:
		return !outer;
	default:
		return false;
	}
}

static bool is_ip_in_ip(int nh)
{
	return nh == IPPROTO_V_IPIP || nh == IPPROTO_V_IPV6;
}

/* Is a failed portion of sa a tunnel portion? What the SA's last verified
 * packet protected decides when known (a tampered packet's own trailer
 * cannot be trusted); else the packet's (decrypted copy of its) Next Header
 * (PROFILE.md item 11). */
static bool failed_is_tunnel(const struct ref_sa *sa, int next_header)
{
	if (sa->portion_seen)
		return sa->portion_seen == 2;
	return next_header == IPPROTO_V_IPIP || next_header == IPPROTO_V_IPV6;
}

static void note_portion(struct ref_sa *sa, int next_header)
{
	sa->portion_seen = next_header == IPPROTO_V_IPIP || next_header == IPPROTO_V_IPV6 ? 2 : 1;
}

static uint16_t auth_failed(bool ah, bool tunnel)
{
	if (ah)
		return tunnel ? CRYPTO_TUNNEL_AH_AUTH_FAILED : CRYPTO_TRANSPORT_AH_AUTH_FAILED;
	return tunnel ? CRYPTO_TUNNEL_ESP_AUTH_FAILED : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
}

/* A job queued for a frame's outer ESP portion, and where the first pass
 * stood when it queued it: the second pass resumes there. */
struct rx_pre {
	struct ref_job *job;
	struct ref_sa *sa;
	struct ref_sa_member *m;
	struct ref_ip ip;
	struct rx_result r;
	uint8_t *p;
	int depth;
	uint32_t off;
	const uint8_t *lo, *hi;  /* the frame's bytes */
	bool queued;
	bool inert;              /* no IPsec found: the second pass writes nothing */
};

struct rx_ctx {
	struct ipoc_engine *e;
	uint8_t *p;
	struct rx_result r;
	int depth;               /* IPsec portions entered: NDIS has at most two */
	bool prepare;            /* first pass: queue the outer ESP job, no more */
	struct rx_pre *pre;      /* the frame's queued job, or NULL */
};

static int process_ip(struct rx_ctx *c, const struct ref_ip *ip, bool outer);

/* The ESP member m at off inside ip. Returns 0 to go on to an inner packet,
 * 1 when done, and sets the result. */
static int rx_esp(struct rx_ctx *c, struct ref_sa *sa, struct ref_sa_member *m,
		  const struct ref_ip *ip, uint32_t off)
{
	struct ref_esp_trailer t;
	enum ref_esp_verdict v;
	int nh;

	if (c->prepare) {
		struct rx_pre *q = c->pre;

		q->queued = ref_esp_open_job(m, c->p, off, ip->end, q->job) == 0;
		q->sa = sa;
		q->m = m;
		q->ip = *ip;
		q->r = c->r;
		q->p = c->p;
		q->depth = c->depth;
		q->off = off;
		return 1;
	}
	if (c->pre && c->pre->m == m && c->pre->off == off && c->pre->job->result == REF_CRYPTO_OK)
		v = ref_esp_open_trailer(m, c->p, off, ip->end, &t);
	else
		v = ref_esp_open(m, c->p, off, ip->end, &t);

	switch (v) {
	case ESP_OPEN_OK:
		break;
	case ESP_OPEN_BAD_ICV:
		nh = sa->portion_seen ? -1 : ref_esp_peek_next_header(m, c->p, off, ip->end,
									 c->e->peek, REF_PEEK_LEN);
		c->r.status = auth_failed(false, failed_is_tunnel(sa, nh));
		return 1;
	case ESP_OPEN_SYNTAX_DECRYPTED:
	case ESP_OPEN_SYNTAX:
		c->r.status = CRYPTO_INVALID_PACKET_SYNTAX;
		return 1;
	default:
		c->r.status = CRYPTO_GENERIC_ERROR;
		return 1;
	}
	note_portion(sa, t.next_header);
	c->r.header_info_set = true;
	c->r.next_header = t.next_header;
	c->r.pad_length = t.pad_length;
	if (is_ip_in_ip(t.next_header)) {
		struct ref_ip in;

		/* The tunnel's payload is an IP packet; look for a transport
		 * portion inside it (transport over tunnel). */
		if (ref_parse_ip(c->p, t.payload_end, t.payload, &in) == 0)
			process_ip(c, &in, false);
	}
	return 1;
}

/* Process the IPsec portion behind ip. Returns 1 when a portion was
 * processed (result set), 0 when nothing IPsec was found, -1 when no SA. */
static int process_ip(struct rx_ctx *c, const struct ref_ip *ip, bool outer)
{
	struct rx_hdr h;
	struct ref_sa *sa;
	struct ref_sa_member *first;
	uint32_t spi, alen, dst = ref_ip_dst(ip, &alen);
	bool other;

	/* NDIS knows two portions (tunnel and transport, R-RX-3): what a
	 * second portion protects is not looked into, however it nests. */
	if (c->depth >= 2 || ip->frag || find_ipsec(c->p, ip, &h) != 0)
		return 0;
	if (ESP_HDR_LEN > ip->end - h.off)
		return 0;
	c->depth++;
	memcpy(&spi, c->p + h.off + (h.op == IPsecOffloadV2Ah ? 4 : 0), 4);
	sa = ref_sa_find_inbound(&c->e->sas, spi, c->p + dst, alen, h.op, &other);
	if (!sa || !ref_sa_enabled(c->e, sa))
		return -1;
	c->r.crypto_done = true;
	if (outer)
		c->r.v1 = sa->version == REF_SA_V1;
	if (!outer)
		c->r.next_crypto_done = true;
	if (c->e->sas.used >= c->e->sas.capacity)
		c->r.sa_delete_req = true;
	if (other || h.udp != udp_expected(sa, outer)) {
		c->r.status = CRYPTO_INVALID_PROTOCOL;
		return 1;
	}
	first = ref_sa_outer(sa);
	if (first->op == IPsecOffloadV2Ah && c->prepare)
		return 1;    /* AH first: the one-frame path does it all */
	if (first->op == IPsecOffloadV2Ah) {
		uint8_t nh = 0;
		enum ref_ah_verdict v = ref_ah_open(first, c->p, ip, h.off, &nh);
		uint32_t ah_len = ref_ah_len(c->p, h.off, ip->end);

		if (v == AH_OPEN_BAD_ICV) {
			/* In an [ESP, AH] bundle what AH protects is told by the
			 * ESP trailer behind it (PROFILE.md item 11). */
			int inner = nh;

			if (!sa->portion_seen && sa->num_members == 2 && nh == IPPROTO_V_ESP && ah_len)
				inner = ref_esp_peek_next_header(&sa->m[0], c->p, h.off + ah_len,
								 ip->end, c->e->peek, REF_PEEK_LEN);
			c->r.status = auth_failed(true, failed_is_tunnel(sa, inner));
			return 1;
		}
		if (v != AH_OPEN_OK) {
			c->r.status = v == AH_OPEN_SYNTAX ? CRYPTO_INVALID_PACKET_SYNTAX
							  : CRYPTO_GENERIC_ERROR;
			return 1;
		}
		if (sa->num_members == 1) {
			note_portion(sa, nh);
			if (is_ip_in_ip(nh)) {
				struct ref_ip in;

				if (ref_parse_ip(c->p, ip->end, h.off + ah_len, &in) == 0)
					process_ip(c, &in, false);
			}
			return 1;
		}
		/* [ESP, AH] bundle: ESP must follow AH with the bundle's SPI. */
		if (nh != IPPROTO_V_ESP || ESP_HDR_LEN > ip->end - h.off - ah_len ||
		    memcmp(c->p + h.off + ah_len, &sa->m[0].spi, 4) != 0) {
			c->r.status = CRYPTO_INVALID_PROTOCOL;
			return 1;
		}
		return rx_esp(c, sa, &sa->m[0], ip, h.off + ah_len);
	}
	return rx_esp(c, sa, first, ip, h.off);
}

static void write_oob(NET_BUFFER_LIST *nbl, const struct rx_result *r)
{
	uint32_t w = 0, h = 0;

	if (r->crypto_done) {
		w = IPSEC_RX_CRYPTO_DONE | ((uint32_t)r->status << IPSEC_RX_CRYPTO_STATUS_SHIFT);
		if (r->next_crypto_done)
			w |= IPSEC_RX_NEXT_CRYPTO_DONE;
	}
	if (r->sa_delete_req)
		w |= IPSEC_RX_SA_DELETE_REQ;
	if (r->header_info_set && !r->v1)
		h = IPSEC_HDR_RX_HEADER_INFO_SET | r->next_header |
		    ((uint32_t)r->pad_length << IPSEC_HDR_PAD_LENGTH_SHIFT);
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = (PVOID)(uintptr_t)w;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = NULL;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) = (PVOID)(uintptr_t)h;
}

/* One frame (the NBL's first NET_BUFFER: a received NBL carries one). With
 * pre, the first pass: the frame's job is queued in pre, and nothing else
 * is done. */
static void recv_nb(struct ipoc_engine *e, NET_BUFFER *nb, struct rx_result *r,
		    struct rx_pre *pre)
{
	bool prepare = pre != NULL;
	struct rx_ctx c = { .e = e, .pre = pre, .prepare = prepare };
	struct ref_frame f;
	struct ref_ip ip;
	uint32_t l3;
	uint16_t etype;

	memset(r, 0, sizeof(*r));
	if (ref_frame_map(e, nb, &f) != 0 || (prepare && f.copied))
		return;
	c.p = f.p;
	if (ref_parse_eth(f.p, f.len, &l3, &etype) != 0 ||
	    (etype != ETHERTYPE_IPV4 && etype != ETHERTYPE_IPV6))
		return;
	if (ref_parse_ip(f.p, f.len, l3, &ip) != 0)
		return;   /* PROFILE.md: an IP header that lies is no offload */
	int rc = process_ip(&c, &ip, true);

	if (rc > 0 && !prepare) {
		*r = c.r;
		ref_frame_commit(&f);
	}
	if (prepare) {
		pre->lo = f.p;
		pre->hi = f.p + f.len;
		pre->inert = rc <= 0;
	}
}

enum { RX_BURST = 64 };

/* The queued frames' byte ranges of a window, sorted by start: none
 * shares a byte with another. */
struct rx_ranges {
	const uint8_t *lo[RX_BURST], *hi[RX_BURST];
	size_t n;
};

/* Take q's frame into the ranges unless it shares a byte with one already
 * there; false when it does. */
static bool take_range(struct rx_ranges *rg, const struct rx_pre *q)
{
	size_t a = 0, b = rg->n;

	while (a < b) {            /* first range starting at or after q->lo */
		size_t mid = a + (b - a) / 2;

		if (rg->lo[mid] < q->lo)
			a = mid + 1;
		else
			b = mid;
	}
	if ((a < rg->n && rg->lo[a] < q->hi) || (a > 0 && rg->hi[a - 1] > q->lo))
		return false;
	memmove(&rg->lo[a + 1], &rg->lo[a], (rg->n - a) * sizeof(rg->lo[0]));
	memmove(&rg->hi[a + 1], &rg->hi[a], (rg->n - a) * sizeof(rg->hi[0]));
	rg->lo[a] = q->lo;
	rg->hi[a] = q->hi;
	rg->n++;
	return true;
}

/* Does frame k share a byte with an earlier frame of the window that is
 * not queued (the second pass handles it, before k, on bytes the burst may
 * have changed under it)? loose: those frames, but the ones the first pass
 * found no IPsec in (the second pass does the same walk and writes
 * nothing). */
static bool overlaps_loose(const struct rx_pre *pre, size_t k, NET_BUFFER *const *loose,
			   size_t n_loose)
{
	struct ref_span frame = { pre[k].lo, pre[k].hi };

	for (size_t i = 0; i < n_loose; i++)
		if (ref_nb_overlaps(loose[i], &frame, 1))
			return true;
	return false;
}

/* The window of NBLs from first, at most RX_BURST: two passes. */
static NET_BUFFER_LIST *recv_window(struct ipoc_engine *e, NET_BUFFER_LIST *first, ULONG *count)
{
	struct ref_job jobs[RX_BURST];
	struct rx_pre pre[RX_BURST];
	struct rx_ranges ranges;
	NET_BUFFER *loose[RX_BURST];
	NET_BUFFER_LIST *nbl = first;
	size_t n = 0, n_loose = 0, k;

	ranges.n = 0;
	for (k = 0; nbl && k < RX_BURST; nbl = nbl->Next, k++) {
		struct rx_result r;

		/* rx_esp fills the rest when it queues. */
		pre[k].job = &jobs[n];
		pre[k].queued = false;
		pre[k].inert = false;
		if (nbl->FirstNetBuffer)
			recv_nb(e, nbl->FirstNetBuffer, &r, &pre[k]);
		if (pre[k].queued && !overlaps_loose(pre, k, loose, n_loose) &&
		    take_range(&ranges, &pre[k])) {
			n++;
			continue;
		}
		pre[k].queued = false;
		if (nbl->FirstNetBuffer && !pre[k].inert)
			loose[n_loose++] = nbl->FirstNetBuffer;
	}
	ref_run_jobs(jobs, n);
	nbl = first;
	for (size_t i = 0; i < k; i++, nbl = nbl->Next) {
		if (pre[i].queued) {
			/* The frame lies in one MDL, where the first pass left it:
			 * take up the walk at its outer ESP portion. */
			struct rx_ctx c = { .e = e, .p = pre[i].p, .r = pre[i].r,
					    .depth = pre[i].depth, .pre = &pre[i] };

			rx_esp(&c, pre[i].sa, pre[i].m, &pre[i].ip, pre[i].off);
			write_oob(nbl, &c.r);
		} else {
			struct rx_result r = { 0 };

			if (nbl->FirstNetBuffer)
				recv_nb(e, nbl->FirstNetBuffer, &r, NULL);
			write_oob(nbl, &r);
		}
		nbl->Status = NDIS_STATUS_SUCCESS;
	}
	*count += (ULONG)k;
	return nbl;
}

void ref_receive_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags)
{
	ULONG count = 0;

	(void)flags;
	for (NET_BUFFER_LIST *nbl = chain; nbl;)
		nbl = recv_window(e, nbl, &count);
	if (count)
		e->host.indicate_receive(e->host.ctx, chain, count, 0);
}
