/* SPDX-License-Identifier: MIT */
/* engine_io.c - see engine_io.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_io.h"

int sa_open(struct session *s, uint32_t capacity)
{
	const struct ipoc_engine_ops *ops = ipoc_engine_entry(IPOC_ENGINE_ABI_MAJOR);
	struct ipoc_open_params p;
	char err[256];

	memset(s, 0, sizeof(*s));
	s->echo_level = -1;
	if (!ops) {
		fprintf(stderr, "ipoc_engine_entry(%d) gave no table\n", IPOC_ENGINE_ABI_MAJOR);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.struct_size = sizeof(p);
	p.sa_offload_capacity = capacity;
	if (session_open(s, ops, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

NDIS_STATUS sa_set(struct session *s, NDIS_OID oid, void *buf, uint32_t len, uint32_t *needed)
{
	s->last_log[0] = '\0';
	return session_oid(s, IPOC_REQUEST_SET, oid, buf, len, needed);
}

NDIS_STATUS sa_add(struct session *s, const struct sa_spec *spec, NDIS_HANDLE *h)
{
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, spec, &len);
	NDIS_STATUS st = sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len, NULL);

	if (h)
		*h = a->OffloadHandle;
	return st;
}

NDIS_STATUS sa_delete(struct session *s, NDIS_HANDLE h)
{
	IPSEC_OFFLOAD_V2_DELETE_SA d;

	memset(&d, 0, sizeof(d));
	d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d.Header.Size = (USHORT)sizeof(d);
	d.OffloadHandle = h;
	return sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, &d, sizeof(d), NULL);
}

NDIS_STATUS sa_update(struct session *s, NDIS_HANDLE h, ULONG op, ULONG spi, ULONG high)
{
	IPSEC_OFFLOAD_V2_UPDATE_SA u;

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = (USHORT)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.OffloadHandle = h;
	u.Operation = (IPSEC_OFFLOAD_V2_OPERATION)op;
	u.Spi = spi;
	u.SequenceNumberHighOrder = high;
	return sa_set(s, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u, sizeof(u), NULL);
}

NDIS_STATUS sa_params(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2)
{
	return sa_params_ex(s, ipsec_v1, ipsec_v2, 0);
}

NDIS_STATUS sa_params_ex(struct session *s, UCHAR ipsec_v1, UCHAR ipsec_v2, UCHAR v2_ipv4)
{
	union {
		NDIS_OFFLOAD_PARAMETERS p;
		void *align;
	} u;

	memset(&u, 0, sizeof(u));
	u.p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	u.p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	u.p.IPsecV1 = ipsec_v1;
	u.p.IPsecV2 = ipsec_v2;
	u.p.IPsecV2IPv4 = v2_ipv4;
	return sa_set(s, OID_TCP_OFFLOAD_PARAMETERS, &u.p, sizeof(u.p), NULL);
}

NDIS_STATUS sa_query_offload(struct session *s, NDIS_OID oid, NDIS_OFFLOAD *out)
{
	union {
		NDIS_OFFLOAD o;
		void *align;
	} u;
	NDIS_STATUS st;

	memset(&u, 0xA5, sizeof(u));
	s->last_log[0] = '\0';
	st = session_oid(s, IPOC_REQUEST_QUERY, oid, &u.o, sizeof(u.o), NULL);
	memcpy(out, &u.o, sizeof(*out));
	return st;
}

/* ---- driving ---- */

static void snapshot(struct fb_io *io, NET_BUFFER_LIST *nbl)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	io->slot1 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
	io->slot2 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
	io->slot11 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo);
	io->slot12 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo);
	if (ipoc_nb_flatten(nbl->FirstNetBuffer, io->after, sizeof(io->after), &io->after_len) != 0)
		io->after_len = 0;
	if (ipoc_nbl_check_guards(nbl, err, sizeof(err)) != 0) {
		io->guards_ok = false;
		fprintf(stderr, "guards: %s\n", err);
	}
}

static void on_tx(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct fb_io *io = ctx;
	unsigned k = io->transmitted++;

	(void)nbl;
	if (k < FB_MAX_TX && ipoc_nb_flatten(nb, io->tx[k], FB_MAX_FRAME, &io->tx_len[k]) != 0)
		io->tx_len[k] = 0;
}

static void on_complete(void *ctx, NET_BUFFER_LIST *nbl)
{
	struct fb_io *io = ctx;

	io->completed++;
	io->status = nbl->Status;
	snapshot(io, nbl);
}

static void on_indicate(void *ctx, NET_BUFFER_LIST *nbl)
{
	struct fb_io *io = ctx;

	io->indicated++;
	snapshot(io, nbl);
}

void fb_io_attach(struct fb_io *io, struct session *s)
{
	io->s = s;
	s->obs = (struct session_observer){ io, on_tx, on_complete, on_indicate };
}

static NET_BUFFER_LIST *one_nbl(struct fb_io *io, const uint8_t *frame, uint32_t len,
				const struct ipoc_mdl_shape *shape)
{
	struct ipoc_frame fr = { frame, len, { NULL, 0, 0, 0 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];

	if (shape)
		fr.shape = *shape;
	io->transmitted = io->completed = io->indicated = 0;
	io->status = NDIS_STATUS_PENDING;
	io->after_len = 0;
	io->slot1 = io->slot2 = io->slot11 = io->slot12 = 0;
	io->guards_ok = true;
	if (ipoc_nbl_build(&nbl, &fr, 1, err, sizeof(err)) != 0)
		fprintf(stderr, "nbl build: %s\n", err);
	return nbl;
}

static void release(struct fb_io *io, NET_BUFFER_LIST *nbl)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	if (ipoc_nbl_check_guards(nbl, err, sizeof(err)) != 0) {
		io->guards_ok = false;
		fprintf(stderr, "guards: %s\n", err);
	}
	ipoc_nbl_free(nbl);
}

NDIS_STATUS fb_send(struct fb_io *io, const uint8_t *frame, uint32_t len,
		    const struct ipoc_mdl_shape *shape, NDIS_HANDLE offload, NDIS_HANDLE tunnel,
		    uint32_t hdr_info, uintptr_t lso)
{
	NET_BUFFER_LIST *nbl = one_nbl(io, frame, len, shape);

	if (!nbl)
		return NDIS_STATUS_RESOURCES;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = offload;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = tunnel;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) =
		(PVOID)(uintptr_t)hdr_info;
	NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo) = (PVOID)lso;
	io->s->ops->send_net_buffer_lists(io->s->engine, nbl, 0, 0);
	release(io, nbl);
	return io->status;
}

int fb_receive(struct fb_io *io, const uint8_t *frame, uint32_t len,
	       const struct ipoc_mdl_shape *shape)
{
	NET_BUFFER_LIST *nbl = one_nbl(io, frame, len, shape);

	if (!nbl)
		return -1;
	io->s->ops->receive_net_buffer_lists(io->s->engine, nbl, 0);
	release(io, nbl);
	return 0;
}

NDIS_STATUS fb_inject_iv(struct session *s, NDIS_HANDLE h, uint32_t spi, uint32_t iv_len,
			 uint8_t salt, uint8_t *iv)
{
	uint8_t v[16];

	if (iv_len > sizeof(v))
		return NDIS_STATUS_INVALID_PARAMETER;
	for (uint32_t i = 0; i < iv_len; i++)
		v[i] = (uint8_t)(0xA0 + i + salt);
	if (iv)
		memcpy(iv, v, iv_len);
	if (iv_len == 0)
		return NDIS_STATUS_SUCCESS;
	return s->ops->test_set_tx_iv(s->engine, h, fb_spi_ndis(spi), v, iv_len);
}
