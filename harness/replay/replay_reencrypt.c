/* SPDX-License-Identifier: MIT */
/* replay_reencrypt.c - see replay_reencrypt.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_nbl.h"
#include "replay_reencrypt.h"
#include "sa_offload.h"
#include "session.h"
#include "vec_frame.h"

struct reenc {
	struct session s;
	const struct key_file *keys;
	NDIS_HANDLE *h;           /* per key-file SA */
	unsigned tx;
	uint8_t *tx_bytes;
	uint32_t tx_len, tx_cap;
};

static void on_tx(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct reenc *r = ctx;

	(void)nbl;
	if (r->tx++ == 0 && ipoc_nb_flatten(nb, r->tx_bytes, r->tx_cap, &r->tx_len) != 0)
		r->tx_len = 0;
}

struct reenc *reenc_open(const struct ipoc_engine_ops *ops, const struct key_file *keys,
			 char *err, size_t errlen)
{
	struct reenc *r = calloc(1, sizeof(*r));
	struct ipoc_open_params p = { sizeof(p), (uint32_t)keys->n * 2 + 16, 0, 0 };

	if (!r || !(r->h = calloc(keys->n + 1, sizeof(*r->h))) ||
	    !(r->tx_bytes = malloc(r->tx_cap = 1u << 19))) {
		snprintf(err, errlen, "out of memory");
		reenc_close(r);
		return NULL;
	}
	r->keys = keys;
	r->s.echo_level = -1;
	if (session_open(&r->s, ops, &p, err, errlen) != 0) {
		reenc_close(r);
		return NULL;
	}
	r->s.obs = (struct session_observer){ .ctx = r, .transmit = on_tx };
	for (size_t i = 0; i < keys->n; i++) {
		const struct key_sa *k = &keys->sas[i];
		struct vec_sa v = { .src = k->src, .dst = k->dst };
		uint32_t udp = k->udp_encap ? (k->mode == VEC_MODE_TUNNEL
			       ? IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL
			       : IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT) : 0;

		if (k->ah)
			v.ah = (struct vec_ah){ .present = true, .spi = k->spi, .auth = k->auth,
						.auth_key = k->auth_key, .icv_len = k->icv_len,
						.esn = k->esn };
		else
			v.esp = (struct vec_esp){ .present = true, .spi = k->spi, .enc = k->enc,
						  .enc_key = k->enc_key, .auth = k->auth,
						  .auth_key = k->auth_key, .icv_len = k->icv_len,
						  .esn = k->esn };
		if (k->family != VEC_FAMILY_NONE)
			sa_offload_v2(&r->s, &v, k->family, udp, false, &r->h[i]);
	}
	return r;
}

void reenc_close(struct reenc *r)
{
	if (!r)
		return;
	session_close(&r->s);
	free(r->h);
	free(r->tx_bytes);
	free(r);
}

/* Send the framed copy through SA i and compare with the capture. */
static enum reenc_result send_once(struct reenc *r, long i, const uint8_t *frame, uint32_t len,
				   uint32_t hdr, const uint8_t *orig, char *why, size_t n)
{
	struct ipoc_frame f = { frame, len, { NULL, 0, 0, 0 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];

	r->tx = 0;
	if (ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)) == 0) {
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = r->h[i];
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) =
			(PVOID)(uintptr_t)hdr;
		r->s.ops->send_net_buffer_lists(r->s.engine, nbl, 0, 0);
		ipoc_nbl_free(nbl);
	}
	if (r->tx != 1 || r->tx_len != len) {
		snprintf(why, n, "re-encryption: %u frames of %u bytes transmitted (engine: %.200s)",
			 r->tx, r->tx_len, r->s.last_log);
		return REENC_DIFFERS;
	}
	for (uint32_t b = 0; b < len; b++) {
		if (r->tx_bytes[b] != orig[b]) {
			snprintf(why, n, "re-encrypted byte %u is 0x%02x, captured 0x%02x", b,
				 r->tx_bytes[b], orig[b]);
			return REENC_DIFFERS;
		}
	}
	return REENC_SAME;
}

/* UPDATE_SA: the ESN high half of SA i (key files start it at 0). */
static int update_hi(struct reenc *r, long i, uint32_t hi)
{
	const struct key_sa *k = &r->keys->sas[i];
	IPSEC_OFFLOAD_V2_UPDATE_SA u;

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = sizeof(u);
	u.OffloadHandle = r->h[i];
	u.Operation = k->ah ? IPsecOffloadV2Ah : IPsecOffloadV2Esp;
	u.Spi = spi_ndis(k->spi);
	u.SequenceNumberHighOrder = hi;
	return session_oid(&r->s, IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u,
			   sizeof(u), NULL) == NDIS_STATUS_SUCCESS ? 0 : -1;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The key-file SA (index) of a layer's outer header. */
static long sa_of(const struct reenc *r, const uint8_t *ip, const struct vf_layer *l)
{
	uint32_t spi = l->ah ? rd32(ip + l->ah + 4) : rd32(ip + l->esp);

	for (size_t i = 0; i < r->keys->n; i++)
		if (r->keys->sas[i].spi == spi && r->keys->sas[i].ah == (l->ah != 0) && r->h[i])
			return (long)i;
	return -1;
}

enum reenc_result reenc_frame(struct reenc *r, const uint8_t *orig, const uint8_t *plain,
			      uint32_t len, char *why, size_t n)
{
	uint32_t l3 = 14, hdr = 0;
	struct vf_layer l;
	const struct key_sa *k;
	struct vec_esp e;
	uint8_t *frame;
	enum reenc_result rc;
	long i;
	size_t iv;

	while (l3 + 4 <= len && ((orig[l3 - 2] == 0x81 && orig[l3 - 1] == 0x00) ||
				 (orig[l3 - 2] == 0x88 && orig[l3 - 1] == 0xA8)))
		l3 += 4;   /* 802.1Q and 802.1ad tags */
	if (l3 >= len || vf_layer_at(plain + l3, len - l3, 0, &l) != 0 ||
	    (i = sa_of(r, plain + l3, &l)) < 0 || !IPOC_OPS_HAS(r->s.ops, test_set_tx_iv))
		return REENC_NOT_APPLICABLE;
	k = &r->keys->sas[i];
	frame = malloc(len);
	if (!frame)
		return REENC_NOT_APPLICABLE;
	memcpy(frame, plain, len);
	e = (struct vec_esp){ .enc = k->enc, .auth = k->auth };
	iv = k->ah ? (k->auth >= VEC_AUTH_AES_GMAC_128 ? 8 : 0) : vec_esp_iv_len(&e);
	if (k->ah) {
		memset(frame + l3 + l.ah + 12 + iv, 0, k->icv_len - (k->icv_len > 16 ? iv : 0));
		hdr = (uint32_t)(l.ah / 4) << 16;
		r->s.ops->test_set_tx_iv(r->s.engine, r->h[i], spi_ndis(k->spi),
					 orig + l3 + l.ah + 12, (uint32_t)iv);
	} else {
		size_t t = l.end - k->icv_len - 2;

		memset(frame + l3 + l.end - k->icv_len, 0, k->icv_len);
		hdr = (uint32_t)(l.esp / 4) << 24 | frame[l3 + t] << 8 | frame[l3 + t + 1];
		r->s.ops->test_set_tx_iv(r->s.engine, r->h[i], spi_ndis(k->spi),
					 orig + l3 + l.esp + 8, (uint32_t)iv);
	}
	rc = send_once(r, i, frame, len, hdr, orig, why, n);
	/* The captured frame may be one of the next ESN epoch, which the
	 * receive path verified by trying the next high half (PROFILE.md item
	 * 15): TCP/IP would have sent UPDATE_SA first, so does the replay. */
	if (rc == REENC_DIFFERS && k->esn && update_hi(r, i, 1) == 0) {
		rc = send_once(r, i, frame, len, hdr, orig, why, n);
		update_hi(r, i, 0);
	}
	free(frame);
	return rc;
}
