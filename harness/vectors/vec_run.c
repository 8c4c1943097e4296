/* SPDX-License-Identifier: MIT */
/*
 * vec_run.c - see vec_run.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipoc_nbl.h"
#include "sa_offload.h"
#include "session.h"
#include "vec_frame.h"
#include "vec_run.h"

#define ETH_LEN 14u

/* Does the engine's current configuration cover sa? NULL = yes, else why. */
static const char *sa_unsupported(const NDIS_IPSEC_OFFLOAD_V2 *v2, const struct vec_sa *sa)
{
	if (sa->esp.present) {
		if (!v2->Esp)
			return "ESP";
		if (enc_bit(sa->esp.enc) && !(v2->EncryptionAlgorithms & enc_bit(sa->esp.enc)))
			return vec_enc_name(sa->esp.enc);
		if (auth_bit(sa->esp.auth) && !gcm(sa->esp.enc) &&
		    !(v2->AuthenticationAlgorithms & auth_bit(sa->esp.auth)))
			return vec_auth_name(sa->esp.auth);
	}
	if (sa->ah.present && (!v2->Ah || !(v2->AuthenticationAlgorithms & auth_bit(sa->ah.auth))))
		return sa->ah.present && !v2->Ah ? "AH" : vec_auth_name(sa->ah.auth);
	return NULL;
}

static const char *case_unsupported(const NDIS_IPSEC_OFFLOAD_V2 *v2, const struct vec_case *c)
{
	const char *why = sa_unsupported(v2, &c->sa);

	if (!why && c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
		why = !v2->TransportTunnelCombined ? "transport-over-tunnel" : sa_unsupported(v2, &c->tun);
	if (!why && (c->needs & VEC_NEED_ESN) && !v2->ExtendedSequenceNumbers)
		why = "ESN";
	if (!why && c->family == VEC_FAMILY_IPV6 && !v2->IPv6Supported)
		why = "IPv6";
	if (!why && c->udp && !(v2->UdpEsp & udp_type(c->udp)))
		why = vec_udp_name(c->udp);
	if (!why && c->sa.esp.present && c->sa.ah.present && !v2->AhEspCombined)
		why = "AH+ESP";
	return why;
}

/* Don't-care ranges of a received packet: IV and ICV fields of every layer
 * (their values on the wire are not in `plain`). Up to two layers. */
struct mask {
	size_t from[6], to[6];
	unsigned n;
};

static void mask_add(struct mask *m, size_t from, size_t to)
{
	if (m->n < 6 && from < to) {
		m->from[m->n] = from;
		m->to[m->n++] = to;
	}
}

static void mask_layer(struct mask *m, const struct vf_layer *l, const struct vec_sa *sa)
{
	if (l->esp && sa->esp.present) {
		size_t iv = vec_esp_iv_len(&sa->esp);

		mask_add(m, l->esp + 8, l->esp + 8 + iv);
		mask_add(m, l->end - sa->esp.icv_len, l->end);
	}
	if (l->ah && sa->ah.present)
		mask_add(m, l->ah + 12, l->ah + 12 + sa->ah.icv_len);
}

static bool masked(const struct mask *m, size_t i)
{
	for (unsigned k = 0; k < m->n; k++)
		if (i >= m->from[k] && i < m->to[k])
			return true;
	return false;
}

/* The outer layer of plain, the SA it belongs to, and for transport over
 * tunnel the inner layer. Returns 0 or -1 (the vector's packet is not
 * IPsec as its SAs say). */
static int layers(const struct vec_case *c, struct vf_layer *outer, struct vf_layer *inner)
{
	const struct vec_sa *osa = c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa;

	memset(inner, 0, sizeof(*inner));
	if (vf_layer_at(c->plain.data, c->plain.len, 0, outer) != 0)
		return -1;
	if (c->mode != VEC_MODE_TRANSPORT_OVER_TUNNEL)
		return 0;
	if (!outer->esp || !osa->esp.present)
		return -1;
	return vf_layer_at(c->plain.data, outer->end, outer->esp + 8 + vec_esp_iv_len(&osa->esp),
			   inner);
}

/* Header information of a send (slot 12), from the outer layer. */
static uint32_t header_info(const struct vec_case *c, const struct vf_layer *l)
{
	const struct vec_sa *osa = c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa;
	uint32_t w = 0;

	if (l->esp && osa->esp.present) {
		size_t t = l->end - osa->esp.icv_len - 2;

		w |= (uint32_t)c->plain.data[t + 1] | (uint32_t)c->plain.data[t] << 8;
		w |= (uint32_t)(l->esp / 4) << 24;
	}
	if (l->ah && osa->ah.present)
		w |= (uint32_t)(l->ah / 4) << 16;
	return w;
}

static uint8_t *eth_frame(const struct vec_case *c, const struct vec_bytes *pkt, uint32_t *len)
{
	static const uint8_t hdr[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint8_t *f = malloc(pkt->len + ETH_LEN);

	if (!f)
		return NULL;
	memcpy(f, hdr, 12);
	f[12] = c->family == VEC_FAMILY_IPV6 ? 0x86 : 0x08;
	f[13] = c->family == VEC_FAMILY_IPV6 ? 0xDD : 0x00;
	memcpy(f + ETH_LEN, pkt->data, pkt->len);
	*len = (uint32_t)(pkt->len + ETH_LEN);
	return f;
}

/* MDL shape k of a frame of len bytes into cuts (cap len). */
static uint32_t shape(unsigned k, uint32_t len, unsigned line, uint32_t *cuts, size_t cap)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ line;
	int n = 0;

	if (k == 1 && len > ETH_LEN + 20)
		n = ipoc_shape_split2(len, ETH_LEN + 20, cuts, cap);
	else if (k == 2 && len >= 3)
		n = ipoc_shape_random(len, 3, &seed, cuts, cap);
	else if (k == 3)
		n = len <= 2048 ? ipoc_shape_bytes(len, cuts, cap)
				: ipoc_shape_random(len, len < 9 ? len : 9, &seed, cuts, cap);
	return n > 0 ? (uint32_t)n : 0;
}


/* The guard side of shape k: the byte after each buffer faults, but for
 * shape 1, where the byte before does. */
static enum ipoc_nbl_guard guard_of(unsigned k)
{
	return k == 1 ? IPOC_NBL_GUARD_HEAD : IPOC_NBL_GUARD_TAIL;
}

struct run {
	const struct vrun_opts *o;
	const struct vec_case *c;
	uint32_t inst;
	bool open;
	enum eh_rc rc;           /* how the last engine operation went */
	char why[1024];
	const struct vec_file *file;
	struct vec_failure fl;   /* this direction's frames, kept when o->repro is set */
	uint8_t *kept[3];        /* the copies fl points into */
};

static enum verdict fail(struct run *r, enum verdict v, const char *what)
{
	snprintf(r->why, sizeof(r->why), "%s", what);
	return v;
}

/* An operation that did not run: the engine's fault (or the host's). */
static enum verdict fault(struct run *r, enum eh_rc rc)
{
	char f[256];

	r->rc = rc;
	r->open = false;
	return fail(r, verdict_of_rc(rc), eh_fault_text(r->o->eh, f, sizeof(f)));
}

static bool uses_spi_zero(const struct vec_case *c)
{
	return (c->sa.esp.present && c->sa.esp.spi == 0) || (c->sa.ah.present && !c->sa.ah.spi) ||
	       (c->tun.esp.present && c->tun.esp.spi == 0) || (c->tun.ah.present && !c->tun.ah.spi);
}

/* Open an instance and offload the case's SA(s) in one direction. */
static enum verdict open_sas(struct run *r, bool inbound, NDIS_HANDLE *h, NDIS_HANDLE *th)
{
	const struct vec_case *c = r->c;
	struct eh *eh = r->o->eh;
	char name[48];
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	enum eh_rc rc;

	*h = *th = NULL;
	rc = eh_open(eh, NULL, &st, &r->inst);
	if (rc != EH_OK)
		return fault(r, rc);
	if (st != NDIS_STATUS_SUCCESS || r->inst == UINT32_MAX) {
		snprintf(r->why, sizeof(r->why), "open failed with %s",
			 ndis_status_name(st, name, sizeof(name)));
		return V_FAILED;
	}
	r->open = true;
	rc = sa_offload_v2(eh, r->inst, &c->sa, c->family, udp_type(c->udp), inbound, &st, h);
	if (rc == EH_OK && st == NDIS_STATUS_SUCCESS && c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
		rc = sa_offload_v2(eh, r->inst, &c->tun, c->family, udp_type(c->udp), inbound, &st,
				   th);
	if (rc != EH_OK)
		return fault(r, rc);
	if (st == NDIS_STATUS_SUCCESS)
		return V_PASSED;
	/* What the engine may refuse without being wrong: SPI 0 (reserved,
	 * RFC 4303 §2.1) and ESP with no integrity (forbidden in IPsecOV1,
	 * PROFILE.md item 8). A claimed configuration refused otherwise is a
	 * failure: the capability report said yes. */
	if (st == NDIS_STATUS_INVALID_PARAMETER &&
	    (uses_spi_zero(c) || (c->needs & (VEC_NEED_SPI_ZERO | VEC_NEED_ENC_ONLY_ESP)))) {
		snprintf(r->why, sizeof(r->why), "ADD_SA refused %s with %s, which the profile "
			 "allows (engine: %.300s)", uses_spi_zero(c) || (c->needs & VEC_NEED_SPI_ZERO)
			 ? "SPI 0 (RFC 4303 section 2.1)" : "ESP without integrity (PROFILE.md 8)",
			 ndis_status_name(st, name, sizeof(name)), eh_last_log(eh));
		return V_SKIPPED;
	}
	snprintf(r->why, sizeof(r->why), "%sADD_SA failed with %s (engine: %.400s)",
		 st == NDIS_STATUS_NOT_SUPPORTED ? "capability honesty: the engine claims what the "
		 "case needs, yet " : "", ndis_status_name(st, name, sizeof(name)), eh_last_log(eh));
	return V_FAILED;
}

static void close_inst(struct run *r)
{
	if (r->open && eh_close(r->o->eh, r->inst) != EH_OK)
		r->open = false;
	r->open = false;
}

static enum verdict inject_iv(struct run *r, NDIS_HANDLE h, uint32_t spi,
			      const struct vec_bytes *iv)
{
	NDIS_STATUS st;
	enum eh_rc rc;

	if (!iv->len)
		return V_PASSED;
	rc = eh_set_tx_iv(r->o->eh, r->inst, h, spi_ndis(spi), iv->data, (uint32_t)iv->len, &st);
	if (rc != EH_OK)
		return fault(r, rc);
	return st == NDIS_STATUS_SUCCESS ? V_PASSED
					 : fail(r, V_FAILED, "test_set_tx_iv refused the IV");
}

/* The NBL of frame f (len bytes) in shape k, one NB. */
static void one_nbl(const struct run *r, const uint8_t *f, uint32_t len, unsigned k,
		    uint32_t *cuts, struct eh_nb_in *nb, struct eh_nbl_in *nbl)
{
	memset(nb, 0, sizeof(*nb));
	memset(nbl, 0, sizeof(*nbl));
	nb->data = f;
	nb->len = len;
	nb->shape.cuts = cuts;
	nb->shape.n_cuts = shape(k, len, r->c->line, cuts, len);
	nbl->nbs = nb;
	nbl->n_nb = 1;
}

/* What every call must have kept to, whatever the case: the NBL came back
 * once, and no guard, unused byte or structure the engine does not own
 * changed. */
static enum verdict contract(struct run *r, const struct eh_io_out *o, const char *back)
{
	const struct eh_nbl_out *n = &o->nbls[0];

	if (o->error[0])
		return fail(r, V_FAILED, o->error);
	if (n->returned != 1 || o->strays) {
		snprintf(r->why, sizeof(r->why), "NBL %s %u times%s", back, n->returned,
			 o->strays ? ", and NBLs it was never given" : "");
		return V_FAILED;
	}
	if (n->guard_err[0]) {
		snprintf(r->why, sizeof(r->why), "engine wrote outside an MDL: %s", n->guard_err);
		return V_FAILED;
	}
	if (n->meta_err[0]) {
		snprintf(r->why, sizeof(r->why), "engine changed what it does not own: %s",
			 n->meta_err);
		return V_FAILED;
	}
	return V_PASSED;
}

static enum verdict send_checks(struct run *r, const struct eh_io_out *o, const uint8_t *want,
				uint32_t len)
{
	const struct eh_nbl_out *n = &o->nbls[0];
	int32_t st = r->c->expect.send_status;
	char a[48], b[48];
	enum verdict v = contract(r, o, "completed");

	if (v != V_PASSED)
		return v;
	if ((int32_t)n->status != st) {
		snprintf(r->why, sizeof(r->why), "send status %s, want %s (engine: %.400s)",
			 ndis_status_name(n->status, a, sizeof(a)), ndis_status_name(st, b, sizeof(b)),
			 eh_last_log(r->o->eh));
		return V_FAILED;
	}
	if (st != NDIS_STATUS_SUCCESS)
		return o->n_tx ? fail(r, V_FAILED, "failed NBL was transmitted") : V_PASSED;
	if (o->n_tx != 1 || !o->tx[0].bytes || o->tx[0].len != len)
		return fail(r, V_FAILED, "not exactly one frame of the wire length transmitted");
	if (o->tx[0].after_return)
		return fail(r, V_FAILED, "frame transmitted after the NBL was completed");
	for (uint32_t i = 0; i < len; i++) {
		if (o->tx[0].bytes[i] != want[i]) {
			snprintf(r->why, sizeof(r->why), "transmitted byte %u (packet offset %u) is "
				 "0x%02x, want 0x%02x", i, i - ETH_LEN, o->tx[0].bytes[i], want[i]);
			return V_FAILED;
		}
	}
	return V_PASSED;
}

/* ---- frames kept for a reproducer (o->repro) ---- */

static uint64_t wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static const uint8_t *keep_copy(struct run *r, int i, const uint8_t *b, uint32_t len)
{
	free(r->kept[i]);
	r->kept[i] = b && len ? malloc(len) : NULL;
	if (r->kept[i])
		memcpy(r->kept[i], b, len);
	return r->kept[i];
}

/* Keep what went in (at t0), what came back of it (o, NULL after a fault)
 * and what was expected (want, NULL: no bytes are). */
static void keep(struct run *r, const uint8_t *in, uint32_t in_len, uint64_t t0,
		 const struct eh_io_out *o, bool receive, const uint8_t *want, uint32_t want_len)
{
	struct vec_failure *fl = &r->fl;
	const struct eh_nbl_out *n = o && o->n_nbl ? &o->nbls[0] : NULL;
	char st[48];

	if (!r->o->repro)
		return;
	fl->got_ns = wall_ns();
	fl->in_ns = t0;
	fl->in = keep_copy(r, 0, in, in_len);
	fl->in_len = fl->in ? in_len : 0;
	fl->want = keep_copy(r, 2, want, want_len);
	fl->want_len = fl->want ? want_len : 0;
	fl->got = NULL;
	fl->got_note[0] = '\0';
	if (!n)
		return;
	if (receive && n->n_nb && n->nbs[0].bytes) {
		uint32_t w = (uint32_t)n->slots[IPsecOffloadV2NetBufferListInfo];

		fl->got = keep_copy(r, 1, n->nbs[0].bytes, n->nbs[0].len);
		snprintf(fl->got_note, sizeof(fl->got_note), "slot 1 0x%x: CryptoDone %u, "
			 "NextCryptoDone %u, CryptoStatus %s; slot 12 0x%lx", w,
			 !!(w & IPSEC_RX_CRYPTO_DONE), !!(w & IPSEC_RX_NEXT_CRYPTO_DONE),
			 vec_crypto_status_name((int)IPSEC_RX_CRYPTO_STATUS(w)), (unsigned long)
			 n->slots[IPsecOffloadV2HeaderNetBufferListInfo]);
	} else if (!receive && o->n_tx && o->tx[0].bytes) {
		fl->got = keep_copy(r, 1, o->tx[0].bytes, o->tx[0].len);
		snprintf(fl->got_note, sizeof(fl->got_note), "NBL completed with %s; %u frame%s "
			 "transmitted", ndis_status_name(n->status, st, sizeof(st)), o->n_tx,
			 o->n_tx == 1 ? "" : "s");
	}
	fl->got_len = fl->got ? (receive ? n->nbs[0].len : o->tx[0].len) : 0;
}

/* Hand a direction that did not pass to o->repro; drop what was kept. */
static void repro(struct run *r, const char *dir, unsigned k, enum verdict v)
{
	if (r->o->repro && (v == V_FAILED || v >= V_CRASHED)) {
		r->fl.file = r->file;
		r->fl.c = r->c;
		r->fl.dir = dir;
		r->fl.shape = k;
		r->fl.v = v;
		r->fl.why = r->why;
		r->o->repro(r->o->repro_arg, &r->fl);
	}
	for (int i = 0; i < 3; i++) {
		free(r->kept[i]);
		r->kept[i] = NULL;
	}
	memset(&r->fl, 0, sizeof(r->fl));
}

static enum verdict run_send(struct run *r, unsigned k)
{
	const struct vec_case *c = r->c;
	struct vf_layer outer, inner;
	NDIS_HANDLE h, th;
	uint32_t flen, wlen, *cuts = NULL;
	uint8_t *f = NULL, *want = NULL;
	struct eh_nb_in nb;
	struct eh_nbl_in nbl;
	struct eh_io_in in = { &nbl, 1, guard_of(k), EH_SEND_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	enum eh_rc rc;
	enum verdict v;
	uint64_t t0;

	if (!eh_info(r->o->eh)->has_tx_iv && (c->sa.esp.iv.len || c->sa.ah.iv.len || c->tun.esp.iv.len))
		return fail(r, V_SKIPPED, "the engine has no IV hook (test_set_tx_iv): the case's "
			    "wire bytes cannot be compared (ipoc validate checks the engine's own IVs)");
	if (layers(c, &outer, &inner) != 0)
		return fail(r, V_FAILED, "vector: `plain` has no AH/ESP header where its SAs say");
	v = open_sas(r, false, &h, &th);
	if (v == V_PASSED)
		v = inject_iv(r, h, c->sa.esp.spi, &c->sa.esp.iv);
	if (v == V_PASSED)
		v = inject_iv(r, h, c->sa.ah.spi, &c->sa.ah.iv);
	if (v == V_PASSED && th)
		v = inject_iv(r, th, c->tun.esp.spi, &c->tun.esp.iv);
	if (v != V_PASSED)
		goto out;
	f = eth_frame(c, &c->plain, &flen);
	want = eth_frame(c, &c->wire, &wlen);
	cuts = malloc(sizeof(*cuts) * (flen ? flen : 1));
	if (!f || !want || !cuts) {
		v = fail(r, V_FAILED, "out of memory");
		goto out;
	}
	one_nbl(r, f, flen, k, cuts, &nb, &nbl);
	nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)h;
	nbl.slots[IPsecOffloadV2TunnelNetBufferListInfo] = (uintptr_t)th;
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = header_info(c, &outer);
	t0 = wall_ns();
	rc = eh_send(r->o->eh, r->inst, &in, &o);
	keep(r, f, flen, t0, rc == EH_OK ? o : NULL, false,
	     c->expect.send_status == NDIS_STATUS_SUCCESS ? want : NULL, wlen);
	if (rc != EH_OK) {
		v = fault(r, rc);
		goto out;
	}
	v = send_checks(r, o, want, wlen);
	if (v == V_PASSED && k == 0 && r->o->sent)
		vec_sent_frame(r->o->sent, c, o->tx[0].bytes, o->tx[0].len);
out:
	close_inst(r);
	free(f);
	free(want);
	free(cuts);
	return v;
}

/* Expected OOB of a receive: the vector's, with defaults for what it does
 * not say (success, both portions checked for transport over tunnel). */
static void expected(const struct vec_case *c, struct vec_expect *e)
{
	*e = c->expect;
	if (e->status < 0)
		e->status = VEC_CRYPTO_SUCCESS;
	if (e->crypto_done < 0)
		e->crypto_done = 1;
	if (e->next_crypto_done < 0)
		e->next_crypto_done = c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL &&
				      e->status == VEC_CRYPTO_SUCCESS;
}

static enum verdict oob_checks(struct run *r, const struct eh_nbl_out *n)
{
	uint32_t w = (uint32_t)n->slots[IPsecOffloadV2NetBufferListInfo];
	uint32_t h = (uint32_t)n->slots[IPsecOffloadV2HeaderNetBufferListInfo];
	struct vec_expect e;
	int got[6], want[6];
	static const char *const names[6] = { "CryptoDone", "NextCryptoDone", "CryptoStatus",
					      "HeaderInfoSet", "NextHeader", "PadLength" };

	expected(r->c, &e);
	got[0] = !!(w & IPSEC_RX_CRYPTO_DONE), want[0] = e.crypto_done;
	got[1] = !!(w & IPSEC_RX_NEXT_CRYPTO_DONE), want[1] = e.next_crypto_done;
	got[2] = (int)IPSEC_RX_CRYPTO_STATUS(w), want[2] = e.status;
	got[3] = !!(h & IPSEC_HDR_RX_HEADER_INFO_SET), want[3] = e.header_info_set;
	got[4] = (int)IPSEC_HDR_TX_NEXT_HEADER(h), want[4] = e.next_header;
	got[5] = (int)IPSEC_HDR_TX_PAD_LENGTH(h), want[5] = e.pad_length;
	for (int i = 0; i < 6; i++) {
		if (want[i] >= 0 && got[i] != want[i]) {
			if (i == 2)
				snprintf(r->why, sizeof(r->why), "%s %d %s, want %d %s", names[i],
					 got[i], vec_crypto_status_name(got[i]), want[i],
					 vec_crypto_status_name(want[i]));
			else
				snprintf(r->why, sizeof(r->why), "%s %d, want %d", names[i], got[i],
					 want[i]);
			return V_FAILED;
		}
	}
	return V_PASSED;
}

static enum verdict bytes_check(struct run *r, const struct eh_nb_out *got, const uint8_t *want,
				uint32_t len, const struct mask *m)
{
	if (!got->bytes || got->len != len)
		return fail(r, V_FAILED, "indicated frame length changed");
	for (uint32_t i = 0; i < len; i++) {
		if (got->bytes[i] != want[i] && !(i >= ETH_LEN && masked(m, i - ETH_LEN))) {
			snprintf(r->why, sizeof(r->why), "indicated byte at packet offset %u is "
				 "0x%02x, want 0x%02x", i - ETH_LEN, got->bytes[i], want[i]);
			return V_FAILED;
		}
	}
	return V_PASSED;
}

static enum verdict run_recv(struct run *r, unsigned k)
{
	const struct vec_case *c = r->c;
	struct vf_layer outer, inner;
	struct mask m = { .n = 0 };
	struct vec_expect e;
	NDIS_HANDLE h, th;
	uint32_t flen, plen, *cuts = NULL;
	uint8_t *f = NULL, *plain = NULL;
	struct eh_nb_in nb;
	struct eh_nbl_in nbl;
	struct eh_io_in in = { &nbl, 1, guard_of(k), EH_RECV_WRITABLE, 0, 0 };
	const struct eh_io_out *o;
	enum eh_rc rc;
	uint64_t t0;
	enum verdict v = open_sas(r, true, &h, &th);

	if (v != V_PASSED)
		goto out;
	expected(c, &e);
	f = eth_frame(c, &c->wire, &flen);
	plain = eth_frame(c, &c->plain, &plen);
	cuts = malloc(sizeof(*cuts) * (flen ? flen : 1));
	if (!f || !plain || !cuts) {
		v = fail(r, V_FAILED, "out of memory");
		goto out;
	}
	one_nbl(r, f, flen, k, cuts, &nb, &nbl);
	t0 = wall_ns();
	rc = eh_receive(r->o->eh, r->inst, &in, &o);
	keep(r, f, flen, t0, rc == EH_OK ? o : NULL, true,
	     e.status == VEC_CRYPTO_SUCCESS && e.crypto_done == 1 && plen == flen ? plain :
	     e.crypto_done == 0 ? f : NULL, flen);
	if (rc != EH_OK) {
		v = fault(r, rc);
		goto out;
	}
	v = contract(r, o, "indicated");
	if (v == V_PASSED)
		v = oob_checks(r, &o->nbls[0]);
	if (v != V_PASSED)
		goto out;
	/* Success: the plaintext, IV and ICV as they arrived. No offload: the
	 * frame as it arrived. Other outcomes leave bytes unspecified. */
	if (e.status == VEC_CRYPTO_SUCCESS && e.crypto_done == 1 && plen == flen &&
	    layers(c, &outer, &inner) == 0) {
		mask_layer(&m, &outer, c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa);
		if (c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
			mask_layer(&m, &inner, &c->sa);
		v = bytes_check(r, &o->nbls[0].nbs[0], plain, plen, &m);
	} else if (e.crypto_done == 0) {
		v = bytes_check(r, &o->nbls[0].nbs[0], f, flen, &m);
	}
out:
	close_inst(r);
	free(f);
	free(plain);
	free(cuts);
	return v;
}

/* ---- results for the run's report ---- */

/* The algorithm configuration of sa as the conformance suite names its
 * configurations ("esp.aes-cbc-128+hmac-sha1-96", "esp.aes-gcm-128.icv16",
 * "ah.hmac-sha1-96", "esp+ah.3des-cbc+aes-gmac-128"), into buf. */
static const char *alg_name(const struct vec_sa *sa, char *buf, size_t len)
{
	const struct vec_esp *e = &sa->esp;
	int k = snprintf(buf, len, "%s", e->present && sa->ah.present ? "esp+ah." : e->present
			 ? "esp." : sa->ah.present ? "ah." : "");

	if (e->present && k > 0 && (size_t)k < len) {
		k += snprintf(buf + k, len - (size_t)k, "%s", vec_enc_name(e->enc));
		if (gcm(e->enc) && k > 0 && (size_t)k < len)
			k += snprintf(buf + k, len - (size_t)k, ".icv%u", e->icv_len);
		else if (auth_bit(e->auth) && k > 0 && (size_t)k < len)
			k += snprintf(buf + k, len - (size_t)k, "+%s", vec_auth_name(e->auth));
	}
	if (sa->ah.present && k > 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, "%s%s", e->present ? "+" : "",
			 vec_auth_name(sa->ah.auth));
	return buf;
}

static const char *mode_coord(enum vec_mode m)
{
	return m == VEC_MODE_TRANSPORT ? "transport" : m == VEC_MODE_TUNNEL ? "tunnel"
	       : m == VEC_MODE_TRANSPORT_OVER_TUNNEL ? "tot" : "";
}

static const char *encap_coord(enum vec_udp u)
{
	switch (u) {
	case VEC_UDP_NONE: return "none";
	case VEC_UDP_TRANSPORT: return "udp-transport";
	case VEC_UDP_TUNNEL: return "udp-tunnel";
	case VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL: return "udp-tot-outer";
	case VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL: return "udp-tot-inner";
	default: return "";
	}
}

static const char *const shape_names[4] = { "one MDL", "split after the IP header",
					    "3 random MDLs", "1-byte MDLs" };

static void add_result(struct run *r, const char *file, const char *dir, unsigned k,
		       enum verdict v, double secs, struct vrun_stats *st)
{
	const struct vec_case *c = r->c;
	char id[VEC_ID_MAX + 600], title[160], alg[96];
	struct rpt_result x;

	if (!r->o->rpt)
		return;
	if (v == V_UNSUPPORTED) {
		snprintf(id, sizeof(id), "%.500s:%s/unsupported", file, c->id);
		snprintf(title, sizeof(title), "case %s (line %u)", c->id, c->line);
	} else {
		snprintf(id, sizeof(id), "%.500s:%s/%s/shape%u", file, c->id, dir, k);
		snprintf(title, sizeof(title), "case %s (line %u): %s in shape %u (%s)", c->id,
			 c->line, strcmp(dir, "send") == 0 ? "plain sent, wire expected"
			 : "wire received, plain and the outcome expected", k, shape_names[k & 3]);
	}
	x = (struct rpt_result){
		.id = id, .group = file, .title = title, .rule = c->source, .v = v,
		.why = v == V_PASSED ? "" : r->why, .seconds = secs,
		.alg = alg_name(c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa, alg,
				sizeof(alg)),
		.mode = mode_coord(c->mode),
		.family = c->family == VEC_FAMILY_IPV4 ? "ipv4" : c->family == VEC_FAMILY_IPV6
			  ? "ipv6" : "",
		.encap = encap_coord(c->udp),
	};
	if (rpt_add(r->o->rpt, &x) != 0)
		st->rpt_failed = true;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(struct run *r, const char *file, const char *dir, unsigned k,
		   enum verdict v, double start, struct vrun_stats *st)
{
	add_result(r, file, dir, k, v, now() - start, st);
	st->v.n[v]++;
	if (v != V_PASSED || r->o->verbose)
		fprintf(r->o->out, "%-11s %s (line %u) %s shape %u%s%s\n",
			v == V_PASSED ? "ok" : v == V_FAILED ? "FAIL" : verdict_name(v), r->c->id,
			r->c->line, dir, k, v != V_PASSED ? ": " : "", v != V_PASSED ? r->why : "");
	if (v >= V_CRASHED) {
		const char *t = eh_fault(r->o->eh)->tail;
		char err[512];

		eh_print_tail(r->o->out, "            engine's last output: ", t, 1000);
		if (++st->faults >= r->o->max_faults) {
			fprintf(r->o->out, "            the engine faulted %u times (--max-faults): "
				"the run stops\n", st->faults);
			st->dead = true;
		} else if (eh_restart(r->o->eh, err, sizeof(err)) != 0) {
			fprintf(r->o->out, "            cannot restart the engine host: %s\n", err);
			st->dead = true;
		}
	}
}

int vrun_file(const struct vec_file *f, const struct vrun_opts *o, struct vrun_stats *st)
{
	unsigned shapes = o->shapes < 1 ? 1 : o->shapes > 4 ? 4 : o->shapes;

	st->prims += (unsigned)f->nprims;
	for (size_t i = 0; i < f->ncases && !st->dead; i++) {
		struct run r = { .o = o, .c = &f->cases[i], .file = f };
		const char *why = case_unsupported(&o->caps->IPsecV2, r.c);

		for (unsigned k = 0; k < shapes && !st->dead; k++) {
			double start = now();

			if (why) {
				snprintf(r.why, sizeof(r.why), "engine does not claim %s", why);
				report(&r, f->name, "-", k, V_UNSUPPORTED, start, st);
				break;
			}
			r.why[0] = '\0';
			if (r.c->direction & VEC_DIR_SEND) {
				enum verdict v = run_send(&r, k);

				report(&r, f->name, "send", k, v, start, st);
				repro(&r, "send", k, v);
			}
			r.why[0] = '\0';
			start = now();
			if (!st->dead && (r.c->direction & VEC_DIR_RECEIVE)) {
				enum verdict v = run_recv(&r, k);

				report(&r, f->name, "receive", k, v, start, st);
				repro(&r, "receive", k, v);
			}
		}
	}
	return verdict_bad(&st->v) ? -1 : 0;
}
