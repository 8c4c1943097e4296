/* SPDX-License-Identifier: MIT */
/*
 * test_ref_datapath.c - how the send and receive entry points treat NBLs
 * that are not (or not validly) IPsec, through the ABI: every NBL is
 * completed or indicated exactly once; handles are resolved (0: sent
 * unchanged; unknown SA or tunnel SA: NDIS_STATUS_FAILURE, R-TX-2); a valid
 * handle whose header information does not locate the SA's ESP header fails
 * with NDIS_STATUS_INVALID_PACKET and the frame is left as it was; received
 * frames with no inbound SA come back unchanged with the IPsec slots zero
 * (PROFILE.md item 26). No MDL guard is touched.
 */
#include <string.h>

#include "ipoc_nbl.h"
#include "ipoc_test.h"
#include "engine_io.h"

/* What the host saw. */
struct seen {
	unsigned transmitted;
	unsigned completed;
	unsigned indicated;
	uint8_t last_tx[256];
	uint32_t last_tx_len;
};

static void on_tx(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct seen *w = ctx;

	(void)nbl;
	w->transmitted++;
	if (ipoc_nb_flatten(nb, w->last_tx, sizeof(w->last_tx), &w->last_tx_len) != 0)
		w->last_tx_len = 0;
}

static void on_complete(void *ctx, NET_BUFFER_LIST *nbl)
{
	(void)nbl;
	((struct seen *)ctx)->completed++;
}

static void on_indicate(void *ctx, NET_BUFFER_LIST *nbl)
{
	(void)nbl;
	((struct seen *)ctx)->indicated++;
}

/* An Ethernet + IPv4 + ESP-looking frame; the engine must not change it. */
static const uint8_t frame[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x32, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
};

/* One NBL of n_nb copies of frame, each split at 20 and 40. */
static NET_BUFFER_LIST *make_nbl(size_t n_nb)
{
	static const uint32_t cuts[] = { 20, 40 };
	struct ipoc_frame f[4];
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];

	for (size_t i = 0; i < n_nb; i++) {
		f[i].data = frame;
		f[i].len = sizeof(frame);
		f[i].shape.cuts = cuts;
		f[i].shape.n_cuts = 2;
		f[i].shape.headroom = 6;
		f[i].shape.tailroom = 3;
	}
	if (ipoc_nbl_build(&nbl, f, n_nb, err, sizeof(err)) != 0)
		fprintf(stderr, "build: %s\n", err);
	return nbl;
}

static void set_handles(NET_BUFFER_LIST *nbl, NDIS_HANDLE offload, NDIS_HANDLE tunnel)
{
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = offload;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = tunnel;
}

static void check_intact(const NET_BUFFER_LIST *nbl)
{
	char err[IPOC_NBL_ERRBUF_SIZE] = "";
	uint8_t out[256];
	uint32_t len = 0;

	IPOC_CHECK(ipoc_nbl_check_guards(nbl, err, sizeof(err)) == 0);
	for (const NET_BUFFER *nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
		IPOC_CHECK(ipoc_nb_flatten(nb, out, sizeof(out), &len) == 0);
		IPOC_CHECK_EQ(len, sizeof(frame));
		IPOC_CHECK_MEM(out, frame, sizeof(frame));
	}
}

static void test_send(struct session *s, struct seen *w, NDIS_HANDLE good)
{
	NET_BUFFER_LIST *a = make_nbl(2), *b = make_nbl(1), *c = make_nbl(1), *d = make_nbl(1);

	if (!a || !b || !c || !d) {
		IPOC_CHECK(0);
		return;
	}
	set_handles(a, NULL, NULL);                          /* no offload */
	set_handles(b, (NDIS_HANDLE)(uintptr_t)0x1234, NULL); /* never issued */
	set_handles(c, good, NULL);      /* offloaded SA, header info all zero */
	set_handles(d, good, (NDIS_HANDLE)(uintptr_t)0x99);  /* unknown tunnel SA */
	a->Next = b, b->Next = c, c->Next = d;
	memset(w, 0, sizeof(*w));
	s->ops->send_net_buffer_lists(s->engine, a, 0, 0);
	IPOC_CHECK_EQ(w->completed, 4);
	IPOC_CHECK_EQ(w->transmitted, 2);           /* both NBs of a, nothing else */
	IPOC_CHECK_EQ(w->last_tx_len, sizeof(frame));
	IPOC_CHECK_MEM(w->last_tx, frame, sizeof(frame));
	IPOC_CHECK_EQ((uint32_t)a->Status, (uint32_t)NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ((uint32_t)b->Status, (uint32_t)NDIS_STATUS_FAILURE);
	IPOC_CHECK_EQ((uint32_t)c->Status, (uint32_t)NDIS_STATUS_INVALID_PACKET);
	IPOC_CHECK_EQ((uint32_t)d->Status, (uint32_t)NDIS_STATUS_FAILURE);
	for (NET_BUFFER_LIST *n = a; n; n = n->Next)
		check_intact(n);
	a->Next = b->Next = c->Next = NULL;
	ipoc_nbl_free(a), ipoc_nbl_free(b), ipoc_nbl_free(c), ipoc_nbl_free(d);
}

static void test_receive(struct session *s, struct seen *w)
{
	NET_BUFFER_LIST *a = make_nbl(1), *b = make_nbl(3);

	if (!a || !b) {
		IPOC_CHECK(0);
		return;
	}
	/* Stale values the engine must clear (PROFILE.md item 26). */
	NET_BUFFER_LIST_INFO(a, IPsecOffloadV2NetBufferListInfo) = (PVOID)(uintptr_t)0x00060002;
	NET_BUFFER_LIST_INFO(a, IPsecOffloadV2HeaderNetBufferListInfo) = (PVOID)(uintptr_t)0x10132;
	NET_BUFFER_LIST_INFO(b, IPsecOffloadV2TunnelNetBufferListInfo) = (PVOID)(uintptr_t)7;
	a->Next = b;
	memset(w, 0, sizeof(*w));
	s->ops->receive_net_buffer_lists(s->engine, a, 0);
	IPOC_CHECK_EQ(w->indicated, 2);
	for (NET_BUFFER_LIST *n = a; n; n = n->Next) {
		IPOC_CHECK(NET_BUFFER_LIST_INFO(n, IPsecOffloadV2NetBufferListInfo) == NULL);
		IPOC_CHECK(NET_BUFFER_LIST_INFO(n, IPsecOffloadV2TunnelNetBufferListInfo) == NULL);
		IPOC_CHECK(NET_BUFFER_LIST_INFO(n, IPsecOffloadV2HeaderNetBufferListInfo) == NULL);
		IPOC_CHECK_EQ((uint32_t)n->Status, (uint32_t)NDIS_STATUS_SUCCESS);
		check_intact(n);
	}
	a->Next = NULL;
	ipoc_nbl_free(a), ipoc_nbl_free(b);
}

int main(int argc, char **argv)
{
	struct seen w;
	struct session s;
	NDIS_HANDLE good = NULL;

	(void)argc;
	if (sa_open(&s, 0) != 0)
		return 1;
	s.obs = (struct session_observer){ &w, on_tx, on_complete, on_indicate };
	{
		struct sa_spec spec = sa_spec_esp(0x1001, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);

		IPOC_CHECK_EQ(sa_add(&s, &spec, &good), NDIS_STATUS_SUCCESS);
	}
	IPOC_CHECK(good != NULL);
	test_send(&s, &w, good);
	test_receive(&s, &w);
	session_close(&s);
	return ipoc_test_report(argv[0]);
}
