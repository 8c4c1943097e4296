/* SPDX-License-Identifier: MIT */
/* replay_reencrypt.c - see replay_reencrypt.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipoc_nbl.h"
#include "replay_reencrypt.h"
#include "sa_offload.h"
#include "vec_frame.h"

struct reenc {
	struct eh *eh;
	uint32_t inst;
	const struct key_file *keys;
	NDIS_HANDLE *h;           /* per key-file SA */
};

struct reenc *reenc_open(struct eh *eh, const struct key_file *keys, const uint32_t *udp_esp,
			 enum eh_rc *rc, char *err, size_t errlen)
{
	struct reenc *r = calloc(1, sizeof(*r));
	struct ipoc_open_params p = { sizeof(p), (uint32_t)keys->n * 2 + 16, 0, 0 };
	NDIS_STATUS st = NDIS_STATUS_FAILURE;

	*rc = EH_OK;
	if (!r || !(r->h = calloc(keys->n + 1, sizeof(*r->h)))) {
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	r->eh = eh;
	r->keys = keys;
	*rc = eh_open(eh, &p, &st, &r->inst);
	if (*rc != EH_OK || st != NDIS_STATUS_SUCCESS || r->inst == UINT32_MAX) {
		char f[256];

		snprintf(err, errlen, "engine %s: %s", eh_info(eh)->name,
			 *rc != EH_OK ? eh_fault_text(eh, f, sizeof(f)) : "open failed");
		free(r->h);
		free(r);
		return NULL;
	}
	for (size_t i = 0; i < keys->n && *rc == EH_OK; i++) {
		const struct key_sa *k = &keys->sas[i];
		struct vec_sa v = { .src = k->src, .dst = k->dst };

		if (k->ah)
			v.ah = (struct vec_ah){ .present = true, .spi = k->spi, .auth = k->auth,
						.auth_key = k->auth_key, .icv_len = k->icv_len,
						.esn = k->esn, .seq_hi = k->esn_hi };
		else
			v.esp = (struct vec_esp){ .present = true, .spi = k->spi, .enc = k->enc,
						  .enc_key = k->enc_key, .auth = k->auth,
						  .auth_key = k->auth_key, .icv_len = k->icv_len,
						  .esn = k->esn, .seq_hi = k->esn_hi };
		if (k->family != VEC_FAMILY_NONE)
			*rc = sa_offload_v2(eh, r->inst, &v, k->family, udp_esp[i], false, &st,
					    &r->h[i]);
	}
	if (*rc != EH_OK) {
		char f[256];

		snprintf(err, errlen, "engine %s: %s", eh_info(eh)->name,
			 eh_fault_text(eh, f, sizeof(f)));
		free(r->h);
		free(r);
		return NULL;
	}
	return r;
}

void reenc_close(struct reenc *r)
{
	if (!r)
		return;
	eh_close(r->eh, r->inst);
	free(r->h);
	free(r);
}

/* Send the framed copy through SA i (and tunnel SA t, or -1) and compare
 * with the capture. */
static enum reenc_result send_once(struct reenc *r, long i, long t, const uint8_t *frame,
				   uint32_t len, uint32_t hdr, const uint8_t *orig, char *why,
				   size_t n)
{
	struct eh_nb_in nb = { frame, len, { NULL, 0, 0, 0, 0 } };
	struct eh_nbl_in nbl = { &nb, 1, { 0 } };
	struct eh_io_in in = { &nbl, 1, IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	const uint8_t *tx;

	nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)r->h[i];
	if (t >= 0)
		nbl.slots[IPsecOffloadV2TunnelNetBufferListInfo] = (uintptr_t)r->h[t];
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = hdr;
	if (eh_send(r->eh, r->inst, &in, &o) != EH_OK)
		return REENC_FAULT;
	if (o->nbls[0].guard_err[0] || o->nbls[0].meta_err[0]) {
		snprintf(why, n, "re-encryption: %s", o->nbls[0].guard_err[0] ? o->nbls[0].guard_err
									   : o->nbls[0].meta_err);
		return REENC_DIFFERS;
	}
	if (o->n_tx != 1 || o->tx[0].len != len || !o->tx[0].bytes) {
		snprintf(why, n, "re-encryption: %u frames of %u bytes transmitted (engine: %.200s)",
			 o->n_tx, o->n_tx ? o->tx[0].len : 0, eh_last_log(r->eh));
		return REENC_DIFFERS;
	}
	tx = o->tx[0].bytes;
	for (uint32_t b = 0; b < len; b++) {
		if (tx[b] != orig[b]) {
			snprintf(why, n, "re-encrypted byte %u is 0x%02x, captured 0x%02x", b, tx[b],
				 orig[b]);
			return REENC_DIFFERS;
		}
	}
	return REENC_SAME;
}

/* UPDATE_SA: the ESN high half of SA i. */
static int update_hi(struct reenc *r, long i, uint32_t hi)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, OffloadHandle);
	const struct key_sa *k = &r->keys->sas[i];
	IPSEC_OFFLOAD_V2_UPDATE_SA u;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, &u,
			    sizeof(u) };

	memset(&u, 0, sizeof(u));
	u.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	u.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1;
	u.Header.Size = sizeof(u);
	u.OffloadHandle = r->h[i];
	u.Operation = k->ah ? IPsecOffloadV2Ah : IPsecOffloadV2Esp;
	u.Spi = spi_ndis(k->spi);
	u.SequenceNumberHighOrder = hi;
	q.handles = &handle_at;
	q.n_handles = 1;
	if (eh_oid(r->eh, r->inst, &q) != EH_OK)
		return -2;
	return q.status == NDIS_STATUS_SUCCESS ? 0 : -1;
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

/* IV bytes of SA k's packets. */
static size_t iv_len(const struct key_sa *k)
{
	struct vec_esp e = { .enc = k->enc, .auth = k->auth };

	return k->ah ? (vec_auth_is(k->auth, IPOC_ALG_GMAC) ? vec_auth_alg(k->auth)->iv_len : 0)
		     : vec_esp_iv_len(&e);
}

/* One layer made ready to send (l3: the IP packet in frame): its ICV
 * zeroed, its IV (from ivsrc, the frame the IV is readable in) injected.
 * Returns the header-information word of the layer, or fault. */
static int ready_layer(struct reenc *r, uint8_t *frame, const uint8_t *ivsrc, uint32_t l3,
		       const struct vf_layer *l, long i, uint32_t *hdr)
{
	const struct key_sa *k = &r->keys->sas[i];
	size_t iv = iv_len(k);
	const uint8_t *ivp;
	NDIS_STATUS st;

	if (k->ah) {
		memset(frame + l3 + l->ah + 12 + iv, 0, k->icv_len - (k->icv_len > 16 ? iv : 0));
		*hdr = (uint32_t)(l->ah / 4) << 16;
		ivp = ivsrc + l3 + l->ah + 12;
	} else {
		size_t t = l->end - k->icv_len - 2;

		memset(frame + l3 + l->end - k->icv_len, 0, k->icv_len);
		*hdr = (uint32_t)(l->esp / 4) << 24 | frame[l3 + t] << 8 | frame[l3 + t + 1];
		ivp = ivsrc + l3 + l->esp + 8;
	}
	return eh_set_tx_iv(r->eh, r->inst, r->h[i], spi_ndis(k->spi), ivp, (uint32_t)iv, &st) ==
	       EH_OK ? 0 : -1;
}

/* The captured frame may be one of the next ESN epoch, which the receive
 * path verified by trying the next high half (PROFILE.md item 15): TCP/IP
 * would have sent UPDATE_SA first, so does the replay, for each ESN SA of
 * the frame (i, and t when not -1), then sets the SAs' high halves back. */
static enum reenc_result next_epoch(struct reenc *r, long i, long t, const uint8_t *frame,
				    uint32_t len, uint32_t hdr, const uint8_t *orig, char *why,
				    size_t n)
{
	long sa[2] = { i, t };
	enum reenc_result rc = REENC_DIFFERS;
	int u = 0;

	for (int j = 0; j < 2 && u == 0; j++)
		if (sa[j] >= 0 && r->keys->sas[sa[j]].esn)
			u = update_hi(r, sa[j], r->keys->sas[sa[j]].esn_hi + 1);
	if (u == 0)
		rc = send_once(r, i, t, frame, len, hdr, orig, why, n);
	for (int j = 0; j < 2; j++)
		if (sa[j] >= 0 && r->keys->sas[sa[j]].esn &&
		    (u == -2 || update_hi(r, sa[j], r->keys->sas[sa[j]].esn_hi) == -2))
			rc = REENC_FAULT;
	return u == -2 ? REENC_FAULT : rc;
}

enum reenc_result reenc_frame(struct reenc *r, const uint8_t *orig, const uint8_t *plain,
			      uint32_t len, bool *nested, char *why, size_t n)
{
	uint32_t l3 = 14, hdr = 0, inner_hdr = 0;
	struct vf_layer l, in;
	enum reenc_result rc;
	uint8_t *frame;
	long i, t = -1;

	*nested = false;
	while (l3 + 4 <= len && ((orig[l3 - 2] == 0x81 && orig[l3 - 1] == 0x00) ||
				 (orig[l3 - 2] == 0x88 && orig[l3 - 1] == 0xA8)))
		l3 += 4;   /* 802.1Q and 802.1ad tags */
	if (l3 >= len || vf_layer_at(plain + l3, len - l3, 0, &l) != 0 ||
	    (i = sa_of(r, plain + l3, &l)) < 0 || !eh_info(r->eh)->has_tx_iv)
		return REENC_NOT_APPLICABLE;
	/* Transport over tunnel: an ESP (or AH) of a key-file SA in the
	 * decrypted tunnel payload, which then goes out through both. */
	if (!r->keys->sas[i].ah && l.esp &&
	    vf_layer_at(plain + l3, l.end, l.esp + 8 + iv_len(&r->keys->sas[i]), &in) == 0 &&
	    sa_of(r, plain + l3, &in) >= 0) {
		t = i;
		i = sa_of(r, plain + l3, &in);
		*nested = true;
	}
	frame = malloc(len);
	if (!frame)
		return REENC_NOT_APPLICABLE;
	memcpy(frame, plain, len);
	if (t >= 0 && (ready_layer(r, frame, plain, l3, &in, i, &inner_hdr) != 0 ||
		       ready_layer(r, frame, orig, l3, &l, t, &hdr) != 0)) {
		free(frame);
		return REENC_FAULT;
	}
	if (t < 0 && ready_layer(r, frame, orig, l3, &l, i, &hdr) != 0) {
		free(frame);
		return REENC_FAULT;
	}
	rc = send_once(r, i, t, frame, len, hdr, orig, why, n);
	if (rc == REENC_DIFFERS && (r->keys->sas[i].esn || (t >= 0 && r->keys->sas[t].esn)))
		rc = next_epoch(r, i, t, frame, len, hdr, orig, why, n);
	free(frame);
	return rc;
}
