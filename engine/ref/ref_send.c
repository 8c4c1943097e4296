/* SPDX-License-Identifier: MIT */
/*
 * ref_send.c - MiniportSendNetBufferLists: resolve the IPsec handles of
 * each NBL, seal every NET_BUFFER in place, transmit, complete.
 *
 * Implementation notes. The handles (PROFILE.md item 1): OffloadHandle alone
 * names the SA of a transport or tunnel packet; TunnelHandle alone is taken
 * as a tunnel-only packet; both mean transport over tunnel, TunnelHandle
 * being the outer (tunnel) SA. The header-information slot is the engine's
 * map of the packet and is checked against the bytes before anything is
 * written (items 3, 12): AhHeaderOffset / EspHeaderOffset count 4-byte units
 * from the first IP header and locate the headers of the outer SA; each must
 * carry its SA's SPI; NextHeader and PadLength must equal the outer ESP
 * trailer. For transport over tunnel the inner SA's headers are found by
 * parsing the inner IP header. An NBL whose map disagrees with its bytes
 * fails with NDIS_STATUS_INVALID_PACKET and nothing is transmitted. Inside a
 * bundle ESP is sealed before AH (R-SA-4); inner before outer.
 */
#include <string.h>

#include "ref_crypto.h"

#include "ref_ah.h"
#include "ref_esp.h"
#include "ref_pkt.h"
#include "ref_send.h"
#include "wire.h"

/* ESP seals queued for one burst (ref_run_jobs), and the NBLs not yet
 * transmitted: every NBL goes to the wire in chain order, after the burst
 * that sealed it. An NBL whose bytes share one with a queued seal's ESP
 * packet runs the burst first, so that its checks and seals see what they
 * would see had the NBLs been sent one by one. */
enum { TX_BURST = 64 };

struct send_q {
	struct ref_job jobs[TX_BURST];
	NET_BUFFER_LIST *owner[TX_BURST];
	const struct ref_sa_member *m[TX_BURST];
	struct ref_span span[TX_BURST];   /* the ESP packet each seal writes */
	size_t n;
	NET_BUFFER_LIST *from;   /* first NBL not transmitted yet */
};

/* The slots an outbound NBL carries. */
struct send_info {
	NDIS_HANDLE offload, tunnel;
	uint32_t hdr;            /* slot 12, 32-bit view */
	uintptr_t lso;           /* slot 2 */
};

static void read_info(const NET_BUFFER_LIST *nbl, struct send_info *si)
{
	uintptr_t h;

	si->offload = NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
	si->tunnel = NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo);
	h = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo);
	si->hdr = (uint32_t)h;
	si->lso = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
}

static struct ref_sa_member *member(struct ref_sa *sa, uint32_t op)
{
	for (uint32_t i = 0; i < sa->num_members; i++)
		if (sa->m[i].op == op)
			return &sa->m[i];
	return NULL;
}

static uint32_t esn_hi(const struct ref_sa_member *m)
{
	return m->esn ? m->esn_high : 0;
}

/* Seal the bundle sa whose headers are at esp_off / ah_off (0 = absent)
 * inside ip. hdr_check: NextHeader/PadLength to compare with the ESP
 * trailer, or NULL. */
static int seal_bundle(struct send_ctx *c, struct ref_sa *sa, const struct ref_ip *ip,
		       uint32_t esp_off, uint32_t ah_off, const uint32_t *hdr_check)
{
	struct ref_sa_member *esp = member(sa, IPsecOffloadV2Esp), *ah = member(sa, IPsecOffloadV2Ah);
	const char *why = NULL;

	if (esp) {
		if (esp_off + ESP_HDR_LEN > ip->end || rd32(c->p + esp_off) != ntohl_spi(esp->spi))
			return send_fail(c, "EspHeaderOffset does not point at the SA's ESP header");
		if (hdr_check && esp->icv_len + ESP_TRAILER_LEN <= ip->end - esp_off) {
			uint32_t t = ip->end - esp->icv_len - ESP_TRAILER_LEN;

			if (c->p[t] != IPSEC_HDR_TX_PAD_LENGTH(*hdr_check) ||
			    c->p[t + 1] != IPSEC_HDR_TX_NEXT_HEADER(*hdr_check))
				return send_fail(c, "header info NextHeader/PadLength disagree with "
						 "the ESP trailer");
		}
		if (ref_esp_check(esp, c->p, esp_off, ip->end, &why) != 0)
			return send_fail(c, why);
	}
	if (ah) {
		if (ah_off + AH_FIXED_LEN > ip->end || rd32(c->p + ah_off + 4) != ntohl_spi(ah->spi))
			return send_fail(c, "AhHeaderOffset does not point at the SA's AH header");
		if (ref_ah_check(ah, c->p, ip, ah_off, &why) != 0)
			return send_fail(c, why);
	}
	if (!c->apply)
		return 0;
	/* Everything checked: from here on only the crypto library can fail.
	 * An ESP-only seal of a frame in one MDL joins the burst; AH covers
	 * what ESP wrote, so a bundle with AH is sealed here. */
	if (esp && !ah && c->q && c->direct && c->q->n < TX_BURST) {
		struct send_q *q = c->q;

		if (ref_esp_seal_job(esp, c->p, esp_off, ip->end, esn_hi(esp), &q->jobs[q->n],
				     &why) != 0)
			return send_fail(c, why);
		q->owner[q->n] = c->nbl;
		q->span[q->n] = (struct ref_span){ c->p + esp_off, c->p + ip->end };
		q->m[q->n++] = esp;
		return 0;
	}
	if (esp && ref_esp_seal(esp, c->p, esp_off, ip->end, esn_hi(esp), &why) != 0)
		return send_fail(c, why);
	if (ah && ref_ah_seal(ah, c->p, ip, ah_off, esn_hi(ah), &why) != 0)
		return send_fail(c, why);
	return 0;
}

/* Headers of the SA sa behind the IP header in: AH and/or ESP right after
 * it, ESP possibly behind UDP port 4500. Used for the inner SA of transport
 * over tunnel and for IPsecOV1 SAs. */
static int locate_inner(struct send_ctx *c, struct ref_sa *sa, const struct ref_ip *in,
			uint32_t *esp_off, uint32_t *ah_off)
{
	uint32_t off = in->next_off;
	uint8_t proto = in->next_proto;

	*esp_off = *ah_off = 0;
	if (member(sa, IPsecOffloadV2Ah)) {
		uint32_t len = ref_ah_len(c->p, off, in->end);

		if (proto != IPPROTO_V_AH || len == 0)
			return send_fail(c, "no AH header behind the IP header for the SA");
		*ah_off = off;
		proto = c->p[off];
		off += len;
	}
	if (!member(sa, IPsecOffloadV2Esp))
		return 0;
	if (proto == IPPROTO_V_UDP && sa->udp_esp) {
		if (UDP_HDR_LEN > in->end - off)
			return send_fail(c, "inner UDP header truncated");
		off += UDP_HDR_LEN;
		proto = IPPROTO_V_ESP;
	}
	if (proto != IPPROTO_V_ESP)
		return send_fail(c, "no ESP header behind the IP header for the SA");
	*esp_off = off;
	return 0;
}

/* Transport over tunnel: seal the inner SA, then the outer. */
static int seal_nested(struct send_ctx *c, struct ref_sa *outer, struct ref_sa *inner,
		       const struct ref_ip *ip, uint32_t esp_off, uint32_t ah_off)
{
	struct ref_sa_member *oesp = member(outer, IPsecOffloadV2Esp);
	uint32_t in_off, iesp, iah;
	struct ref_ip in;

	if (oesp)
		in_off = esp_off + ESP_HDR_LEN + oesp->iv_len;
	else
		in_off = ah_off + ref_ah_len(c->p, ah_off, ip->end);
	if (in_off <= ip->off || in_off >= ip->end ||
	    ref_parse_ip(c->p, ip->end, in_off, &in) != 0)
		return send_fail(c, "no inner IP header behind the tunnel SA's headers");
	if (locate_inner(c, inner, &in, &iesp, &iah) != 0)
		return -1;
	/* Inner before outer: the outer ESP encrypts the sealed inner packet.
	 * In the checking pass neither changes anything. */
	if (seal_bundle(c, inner, &in, iesp, iah, NULL) != 0)
		return -1;
	return seal_bundle(c, outer, ip, esp_off, ah_off, &c->hdr);
}

/* IPsecOV1 has no header-information slot: the engine finds AH and ESP
 * behind the IP header itself (AH first, R-V1SA-2). */
static int send_v1(struct send_ctx *c, const struct ref_frame *f, const struct ref_ip *ip)
{
	uint32_t esp_off = 0, ah_off = 0;

	if (locate_inner(c, c->sa, ip, &esp_off, &ah_off) != 0)
		return -1;
	if (seal_bundle(c, c->sa, ip, esp_off, ah_off, NULL) != 0)
		return -1;
	if (!c->apply)
		return 0;
	return ref_frame_commit(f) == 0 ? 0 : send_fail(c, "write-back to the MDLs failed");
}

static int send_nb(struct send_ctx *c, NET_BUFFER *nb)
{
	struct ref_frame f;
	struct ref_ip ip;
	uint32_t l3, esp_off, ah_off;
	uint16_t etype;
	int rc;

	if (ref_frame_map(c->e, nb, &f) != 0)
		return send_fail(c, "NET_BUFFER malformed or too long");
	c->p = f.p;
	c->direct = !f.copied;
	if (ref_parse_eth(f.p, f.len, &l3, &etype) != 0 ||
	    (etype != ETHERTYPE_IPV4 && etype != ETHERTYPE_IPV6) ||
	    ref_parse_ip(f.p, f.len, l3, &ip) != 0)
		return send_fail(c, "no well-formed IP header");
	if (ip.frag)
		return send_fail(c, "IP fragment: IPsec is not offloaded for fragments");
	if ((ip.ver == 6) != c->sa->ipv6)
		return send_fail(c, "IP version differs from the SA's");
	if (c->sa->version == REF_SA_V1)
		return send_v1(c, &f, &ip);
	esp_off = ip.off + IPSEC_HDR_TX_ESP_OFFSET_BYTES(c->hdr);
	ah_off = ip.off + IPSEC_HDR_TX_AH_OFFSET_BYTES(c->hdr);
	if (c->inner)
		rc = seal_nested(c, c->sa, c->inner, &ip, esp_off, ah_off);
	else
		rc = seal_bundle(c, c->sa, &ip, esp_off, ah_off, &c->hdr);
	if (rc != 0)
		return -1;
	if (!c->apply)
		return 0;
	return ref_frame_commit(&f) == 0 ? 0 : send_fail(c, "write-back to the MDLs failed");
}

int send_fail(struct send_ctx *c, const char *why)
{
	ref_log(c->e, IPOC_LOG_INFO, "send: NBL failed: %s", why);
	c->status = NDIS_STATUS_INVALID_PACKET;
	return -1;
}

/* Resolve handles (R-TX-2): unknown -> NDIS_STATUS_FAILURE. */
static NDIS_STATUS resolve(struct send_ctx *c, const struct send_info *si)
{
	struct ref_sa *o = si->offload ? ref_sa_lookup(&c->e->sas, si->offload) : NULL;
	struct ref_sa *t = si->tunnel ? ref_sa_lookup(&c->e->sas, si->tunnel) : NULL;

	if ((si->offload && !o) || (si->tunnel && !t)) {
		ref_log(c->e, IPOC_LOG_INFO, "send: unknown SA handle, NBL failed");
		return NDIS_STATUS_FAILURE;
	}
	if ((o && o->inbound) || (t && t->inbound)) {
		ref_log(c->e, IPOC_LOG_INFO, "send: handle of an inbound SA, NBL failed");
		return NDIS_STATUS_FAILURE;
	}
	if (o && o->version == REF_SA_V1)
		t = NULL;                /* V1 has no tunnel slot (R-TX-7) */
	c->sa = t ? t : o;           /* the outer SA */
	c->inner = t && o ? o : NULL;
	return NDIS_STATUS_SUCCESS;
}

static void transmit_all(struct ipoc_engine *e, const NET_BUFFER_LIST *nbl)
{
	for (const NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
		e->host.transmit(e->host.ctx, nbl, nb);
}

/* Run the queued seals, fail the NBLs whose seal failed, and transmit the
 * NBLs from q->from up to upto (excluded) that succeeded. */
static void flush(struct ipoc_engine *e, struct send_q *q, NET_BUFFER_LIST *upto)
{
	ref_run_jobs(q->jobs, q->n);
	for (size_t i = 0; i < q->n; i++) {
		if (q->jobs[i].result == REF_CRYPTO_OK)
			continue;
		ref_log(e, IPOC_LOG_INFO, "send: NBL failed: %s", ref_esp_seal_failed(q->m[i]));
		q->owner[i]->Status = NDIS_STATUS_INVALID_PACKET;
	}
	q->n = 0;
	for (NET_BUFFER_LIST *nbl = q->from; nbl && nbl != upto; nbl = nbl->Next)
		if (nbl->Status == NDIS_STATUS_SUCCESS)
			transmit_all(e, nbl);
	q->from = upto;
}

/* Does an NB of nbl share a byte with a queued seal? */
static bool hits_queue(const struct send_q *q, const NET_BUFFER_LIST *nbl)
{
	for (const NET_BUFFER *nb = nbl->FirstNetBuffer; q->n && nb; nb = nb->Next)
		if (ref_nb_overlaps(nb, q->span, q->n))
			return true;
	return false;
}

/* Send one NBL; the caller transmits it (flush) unless it is an LSO NBL,
 * which transmits its segments itself (*self set). */
static NDIS_STATUS send_nbl(struct ipoc_engine *e, NET_BUFFER_LIST *nbl, struct send_q *q,
			    bool *self)
{
	struct send_ctx c = { .e = e, .status = NDIS_STATUS_SUCCESS, .nbl = nbl, .q = q };
	struct send_info si;
	NDIS_STATUS st;

	*self = false;
	read_info(nbl, &si);
	if (!si.offload && !si.tunnel)
		return NDIS_STATUS_SUCCESS;
	st = resolve(&c, &si);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	/* PROFILE.md item 2: offload switched off -> fail rather than put
	 * plaintext on the wire. */
	if (!ref_sa_enabled(e, c.sa) || (c.inner && !ref_sa_enabled(e, c.inner))) {
		ref_log(e, IPOC_LOG_INFO, "send: IPsec offload is disabled, NBL failed");
		return NDIS_STATUS_FAILURE;
	}
	c.hdr = si.hdr;
	if ((si.lso & LSO_MSS_MASK) != 0) {
		/* What came before goes to the wire first. */
		flush(e, q, nbl);
		*self = true;
		c.q = NULL;
		return ref_send_lso(&c, nbl, si.lso);
	}
	/* Transport over tunnel seals inner then outer: not queued. */
	if (c.inner)
		c.q = NULL;
	/* Two passes: an NBL that fails leaves every NB as it came. One NB of
	 * one SA needs no first pass: seal_bundle checks before it writes. */
	c.apply = !c.inner && nbl->FirstNetBuffer && !nbl->FirstNetBuffer->Next;
	for (NET_BUFFER *nb = nbl->FirstNetBuffer; nb && !c.apply; nb = nb->Next)
		if (send_nb(&c, nb) != 0)
			return c.status;
	c.apply = true;
	for (NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
		if (send_nb(&c, nb) != 0)
			return c.status;
	return NDIS_STATUS_SUCCESS;
}

void ref_send_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags)
{
	struct send_q q;
	bool self;

	(void)port;
	(void)flags;
	q.n = 0;
	q.from = chain;
	for (NET_BUFFER_LIST *nbl = chain; nbl; nbl = nbl->Next) {
		/* A queue holding bytes of this NBL is run first. */
		if (hits_queue(&q, nbl))
			flush(e, &q, nbl);
		/* A full queue is run first, so this NBL's seals join a new one. */
		if (q.n == TX_BURST)
			flush(e, &q, nbl);
		nbl->Status = send_nbl(e, nbl, &q, &self);
		if (self)
			q.from = nbl->Next;
	}
	flush(e, &q, NULL);
	e->host.send_complete(e->host.ctx, chain, 0);
}
