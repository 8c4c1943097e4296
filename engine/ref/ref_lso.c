/* SPDX-License-Identifier: MIT */
/*
 * ref_lso.c - combined LSO and IPsec send (R-TX-6, PROFILE.md item 4).
 *
 * Implementation notes. The NBL holds one NET_BUFFER: Ethernet, IP, the SA's
 * AH and/or ESP header (SPI and the first sequence number), the ESP IV field,
 * the TCP header, the TCP payload and, last, PadLength bytes of padding to
 * discard; no ESP trailer and no ICV (TCP/IP "will not frame the ESP
 * trailer"). The IP length fields of the large packet are ignored (LSOv2
 * sets them to zero); TcpHeaderOffset counts from the start of the frame.
 * Segment k carries payload bytes [k*MSS, (k+1)*MSS) and is built in the
 * engine's segment buffer: the headers copied, IPv4 total length / IPv6
 * payload length set, IPv4 identification + k and header checksum, TCP
 * sequence number advanced, FIN and PSH only on the last segment, CWR only on
 * the first, TCP checksum computed, AH and ESP sequence numbers first + k
 * (the ESN high half follows a wrap of the low half), then an ESP trailer
 * with the minimal padding 1, 2, 3, ... (RFC 4303 §2.4) that aligns it, Next
 * Header from the header information, a zero ICV field, and the segment is
 * sealed like any other packet and transmitted. Tunnel SAs are never
 * combined with LSO (R-CAP-4).
 */
#include <string.h>

#include "ref_ah.h"
#include "ref_esp.h"
#include "ref_pkt.h"
#include "ref_send.h"
#include "wire.h"

struct lso {
	uint32_t l3, tcp, thl, payload, payload_end, mss;
	uint8_t ver;
	struct ref_sa_member *esp, *ah;
	uint32_t esp_off, ah_off;
};

static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t acc)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		acc += rd16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint16_t)~acc;
}

/* TCP checksum with the pseudo-header of RFC 793 / RFC 8200 §8.1. */
static void tcp_checksum(uint8_t *s, const struct lso *l, uint32_t tcp_len)
{
	uint32_t acc = 0;

	if (l->ver == 4)
		acc = sum16(s + l->l3 + 12, 8, 0);
	else
		acc = sum16(s + l->l3 + 8, 32, 0);
	acc += IPPROTO_V_TCP + tcp_len;
	wr16(s + l->tcp + 16, 0);
	acc = sum16(s + l->tcp, tcp_len, acc);
	wr16(s + l->tcp + 16, fold(acc));
}

static struct ref_sa_member *find_member(struct ref_sa *sa, uint32_t op)
{
	for (uint32_t i = 0; i < sa->num_members; i++)
		if (sa->m[i].op == op)
			return &sa->m[i];
	return NULL;
}

/* Check the large packet against the header information and LSO info. */
static int lso_layout(struct send_ctx *c, const uint8_t *p, uint32_t len, uintptr_t info,
		      struct lso *l)
{
	uint32_t pad = IPSEC_HDR_TX_PAD_LENGTH(c->hdr);
	uint16_t etype;

	memset(l, 0, sizeof(*l));
	l->mss = (uint32_t)(info & LSO_MSS_MASK);
	l->tcp = (uint32_t)((info & LSO_TCP_HEADER_OFFSET_MASK) >> LSO_TCP_HEADER_OFFSET_SHIFT);
	l->esp = find_member(c->sa, IPsecOffloadV2Esp);
	l->ah = find_member(c->sa, IPsecOffloadV2Ah);
	if (c->inner || !l->esp)
		return send_fail(c, "LSO with IPsec needs one ESP SA and no tunnel handle");
	if (ref_parse_eth(p, len, &l->l3, &etype) != 0 || l->l3 >= len)
		return send_fail(c, "LSO frame has no Ethernet header");
	l->ver = p[l->l3] >> 4;
	if ((etype != ETHERTYPE_IPV4 || l->ver != 4) && (etype != ETHERTYPE_IPV6 || l->ver != 6))
		return send_fail(c, "LSO frame has no IP header");
	l->esp_off = l->l3 + IPSEC_HDR_TX_ESP_OFFSET_BYTES(c->hdr);
	l->ah_off = l->l3 + IPSEC_HDR_TX_AH_OFFSET_BYTES(c->hdr);
	if (l->tcp != l->esp_off + ESP_HDR_LEN + l->esp->iv_len || TCP_HDR_MIN_LEN > len - l->tcp ||
	    l->tcp > len)
		return send_fail(c, "TcpHeaderOffset is not right after the ESP IV");
	l->thl = (uint32_t)(p[l->tcp + 12] >> 4) * 4;
	if (l->thl < TCP_HDR_MIN_LEN || l->thl > len - l->tcp || pad > len - l->tcp - l->thl)
		return send_fail(c, "TCP header or PadLength runs past the frame");
	l->payload = l->tcp + l->thl;
	l->payload_end = len - pad;
	/* An [ESP, AH] bundle's AH comes before its ESP header (and so lies in
	 * the frame and in every segment's copied headers). */
	if (l->ah && (l->ah_off > l->esp_off || AH_FIXED_LEN > l->esp_off - l->ah_off))
		return send_fail(c, "AhHeaderOffset does not point before the ESP header");
	/* ... and ends where the ESP header starts: an AH length that runs on
	 * into the payload holds in one segment and not in a shorter one, and
	 * an NBL must not fail after a segment went out. */
	if (l->ah && ref_ah_len(p, l->ah_off, len) != l->esp_off - l->ah_off)
		return send_fail(c, "the AH header does not end at the ESP header");
	if (rd32(p + l->esp_off) != ntohl_spi(l->esp->spi) ||
	    (l->ah && rd32(p + l->ah_off + 4) != ntohl_spi(l->ah->spi)))
		return send_fail(c, "header offsets do not point at the SA's headers");
	return 0;
}

/* Build segment k (payload [start, start + n)) in seg; returns its length. */
static uint32_t build(const struct send_ctx *c, const struct lso *l, const uint8_t *p,
		      uint8_t *seg, uint32_t k, uint32_t start, uint32_t n, bool last)
{
	uint32_t hlen = l->payload, len, clen, pad, tcp_len = l->thl + n;
	uint8_t flags;

	memcpy(seg, p, hlen);
	memcpy(seg + hlen, p + start, n);
	clen = tcp_len + ESP_TRAILER_LEN;
	pad = (l->esp->block - clen % l->esp->block) % l->esp->block;
	for (uint32_t i = 0; i < pad; i++)
		seg[hlen + n + i] = (uint8_t)(i + 1);
	len = hlen + n + pad;
	seg[len++] = (uint8_t)pad;
	seg[len++] = (uint8_t)IPSEC_HDR_TX_NEXT_HEADER(c->hdr);
	memset(seg + len, 0, l->esp->icv_len);
	len += l->esp->icv_len;
	wr32(seg + l->tcp + 4, rd32(p + l->tcp + 4) + (start - l->payload));
	flags = p[l->tcp + 13];
	if (!last)
		flags &= (uint8_t)~0x09;          /* FIN, PSH */
	if (k)
		flags &= (uint8_t)~0x80;          /* CWR */
	seg[l->tcp + 13] = flags;
	wr32(seg + l->esp_off + 4, rd32(p + l->esp_off + 4) + k);
	if (l->ah)
		wr32(seg + l->ah_off + 8, rd32(p + l->ah_off + 8) + k);
	if (l->ver == 4) {
		wr16(seg + l->l3 + 2, (uint16_t)(len - l->l3));
		wr16(seg + l->l3 + 4, (uint16_t)(rd16(p + l->l3 + 4) + k));
	} else {
		wr16(seg + l->l3 + 4, (uint16_t)(len - l->l3 - IPV6_HDR_LEN));
	}
	tcp_checksum(seg, l, tcp_len);
	if (l->ver == 4) {
		uint32_t ihl = (uint32_t)(seg[l->l3] & 0x0F) * 4;

		wr16(seg + l->l3 + 10, 0);
		wr16(seg + l->l3 + 10, fold(sum16(seg + l->l3, ihl, 0)));
	}
	return len;
}

/* ESN high half of segment k: the low half may wrap inside the burst. */
static uint32_t seg_esn_hi(const struct ref_sa_member *m, uint32_t first_low, uint32_t k)
{
	if (!m->esn)
		return 0;
	return m->esn_high + (first_low + k < first_low ? 1u : 0u);
}

static int seal_segment(struct send_ctx *c, const struct lso *l, uint8_t *seg, uint32_t len,
			uint32_t k, uint32_t esp_low, uint32_t ah_low)
{
	struct ref_ip ip;
	const char *why = NULL;

	if (ref_parse_ip(seg, len, l->l3, &ip) != 0)
		return send_fail(c, "segment IP header");
	/* The IP header and its extension headers end at or before (UDP-ESP)
	 * the first IPsec header the header information names: then they lie
	 * in the headers every segment copies, and what segment 0 passes here
	 * every segment passes, so nothing is transmitted of an NBL that
	 * fails. A chain that runs on into the payload parses differently per
	 * segment. */
	if (ip.next_off > (l->ah ? l->ah_off : l->esp_off))
		return send_fail(c, "the IP header chain runs past the IPsec header");
	if (ref_esp_seal(l->esp, seg, l->esp_off, ip.end, seg_esn_hi(l->esp, esp_low, k), &why))
		return send_fail(c, why);
	if (l->ah && ref_ah_seal(l->ah, seg, &ip, l->ah_off, seg_esn_hi(l->ah, ah_low, k), &why))
		return send_fail(c, why);
	return 0;
}

static void transmit_seg(struct ipoc_engine *e, const NET_BUFFER_LIST *nbl, uint8_t *seg,
			 uint32_t len)
{
	MDL mdl;
	NET_BUFFER nb;

	memset(&mdl, 0, sizeof(mdl));
	memset(&nb, 0, sizeof(nb));
	mdl.MappedSystemVa = mdl.StartVa = seg;
	mdl.ByteCount = len;
	mdl.MdlFlags = MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL;
	nb.MdlChain = nb.CurrentMdl = &mdl;
	nb.DataLength = len;
	e->host.transmit(e->host.ctx, nbl, &nb);
}

NDIS_STATUS ref_send_lso(struct send_ctx *c, NET_BUFFER_LIST *nbl, uintptr_t info)
{
	NET_BUFFER *nb = nbl->FirstNetBuffer;
	struct ref_frame f;
	struct lso l;
	uint32_t k = 0, esp_low, ah_low = 0, total;

	if (!nb || nb->Next)
		return send_fail(c, "an LSO NBL carries exactly one NET_BUFFER"), c->status;
	if (ref_frame_map(c->e, nb, &f) != 0)
		return send_fail(c, "NET_BUFFER malformed or too long"), c->status;
	if (lso_layout(c, f.p, f.len, info, &l) != 0)
		return c->status;
	if (l.mss == 0 || l.payload_end <= l.payload)
		return send_fail(c, "LSO with an empty payload or MSS 0"), c->status;
	esp_low = rd32(f.p + l.esp_off + 4);
	if (l.ah)
		ah_low = rd32(f.p + l.ah_off + 8);
	total = l.payload_end - l.payload;
	/* Every segment fits: headers + MSS + trailer + ICV, checked up front. */
	if ((uint64_t)l.payload + (l.mss < total ? l.mss : total) + l.esp->block +
	    ESP_TRAILER_LEN + l.esp->icv_len > REF_SEG_LEN)
		return send_fail(c, "LSO segment larger than the segment buffer"), c->status;
	for (uint32_t start = l.payload; start < l.payload_end; start += l.mss, k++) {
		uint32_t n = l.payload_end - start < l.mss ? l.payload_end - start : l.mss;
		uint32_t len = build(c, &l, f.p, c->e->seg, k, start, n, start + n == l.payload_end);

		if (seal_segment(c, &l, c->e->seg, len, k, esp_low, ah_low) != 0)
			return c->status;
		transmit_seg(c->e, nbl, c->e->seg, len);
	}
	/* LSOv1 completion reports the payload bytes sent; LSOv2 clears its
	 * Reserved bits and keeps Type (nbllso.h). */
	if (info & LSO_TYPE_MASK)
		NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo) =
			(PVOID)(uintptr_t)(info & LSO_TYPE_MASK);
	else
		NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo) = (PVOID)(uintptr_t)total;
	return NDIS_STATUS_SUCCESS;
}
