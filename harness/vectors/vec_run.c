/* SPDX-License-Identifier: MIT */
/*
 * vec_run.c - see vec_run.h.
 */
#include <stdlib.h>
#include <string.h>

#include "ipoc_nbl.h"
#include "sa_offload.h"
#include "session.h"
#include "vec_frame.h"
#include "vec_run.h"

#define ETH_LEN 14u

/* What one run of one case in one direction and shape saw. */
struct seen {
	unsigned tx, done, ind;
	uint8_t *tx_bytes;
	uint32_t tx_len;
};

/* Does the engine's current configuration cover sa? NULL = yes, else why. */
static const char *sa_unsupported(const NDIS_IPSEC_OFFLOAD_V2 *v2, const struct vec_sa *sa)
{
	if (sa->esp.present) {
		if (!v2->Esp)
			return "ESP";
		if (sa->esp.enc != VEC_ENC_NONE && sa->esp.enc != VEC_ENC_UNSET &&
		    !(v2->EncryptionAlgorithms & enc_bit(sa->esp.enc)))
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

static int inject_iv(struct session *s, NDIS_HANDLE h, uint32_t spi, const struct vec_bytes *iv)
{
	if (!iv->len)
		return 0;
	if (!IPOC_OPS_HAS(s->ops, test_set_tx_iv))
		return 1;
	return s->ops->test_set_tx_iv(s->engine, h, spi_ndis(spi), iv->data, (uint32_t)iv->len) ==
			       NDIS_STATUS_SUCCESS ? 0 : -1;
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

static void on_tx(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct seen *w = ctx;

	(void)nbl;
	if (w->tx++ == 0 && (w->tx_bytes = malloc(nb->DataLength ? nb->DataLength : 1)) &&
	    ipoc_nb_flatten(nb, w->tx_bytes, nb->DataLength, &w->tx_len) != 0)
		w->tx_len = 0;
}

static void on_done(void *ctx, NET_BUFFER_LIST *nbl)
{
	(void)nbl;
	((struct seen *)ctx)->done++;
}

static void on_ind(void *ctx, NET_BUFFER_LIST *nbl)
{
	(void)nbl;
	((struct seen *)ctx)->ind++;
}

enum { R_PASS = 0, R_FAIL = 1, R_UNSUPPORTED = 2 };

struct run {
	const struct vrun_opts *o;
	const struct vec_case *c;
	struct session s;
	struct seen w;
	char why[1024];
};

static int fail(struct run *r, int code, const char *what)
{
	snprintf(r->why, sizeof(r->why), "%s", what);
	return code;
}

static bool uses_spi_zero(const struct vec_case *c)
{
	return (c->sa.esp.present && c->sa.esp.spi == 0) || (c->sa.ah.present && !c->sa.ah.spi) ||
	       (c->tun.esp.present && c->tun.esp.spi == 0) || (c->tun.ah.present && !c->tun.ah.spi);
}

/* Open an instance and offload the case's SA(s) in one direction. */
static int open_sas(struct run *r, bool inbound, NDIS_HANDLE *h, NDIS_HANDLE *th)
{
	char err[256], name[48];
	NDIS_STATUS st;

	memset(&r->w, 0, sizeof(r->w));
	r->s = (struct session){ .echo_level = -1 };
	if (session_open(&r->s, r->o->ops, NULL, err, sizeof(err)) != 0)
		return fail(r, R_FAIL, err);
	r->s.obs = (struct session_observer){ &r->w, on_tx, on_done, on_ind };
	*th = NULL;
	st = sa_offload_v2(&r->s, &r->c->sa, r->c->family, udp_type(r->c->udp), inbound, h);
	if (st == NDIS_STATUS_SUCCESS && r->c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
		st = sa_offload_v2(&r->s, &r->c->tun, r->c->family, udp_type(r->c->udp), inbound, th);
	if (st != NDIS_STATUS_SUCCESS) {
		snprintf(r->why, sizeof(r->why), "ADD_SA failed with %s (engine: %.400s)",
			 ndis_status_name(st, name, sizeof(name)), r->s.last_log);
		/* What the engine may refuse without being wrong: a configuration
		 * it does not support, SPI 0 (reserved, RFC 4303 §2.1), ESP with
		 * no integrity (forbidden in IPsecOV1, PROFILE.md item 8). */
		if (st == NDIS_STATUS_NOT_SUPPORTED)
			return R_UNSUPPORTED;
		if (st == NDIS_STATUS_INVALID_PARAMETER &&
		    (uses_spi_zero(r->c) ||
		     (r->c->needs & (VEC_NEED_SPI_ZERO | VEC_NEED_ENC_ONLY_ESP))))
			return R_UNSUPPORTED;
		return R_FAIL;
	}
	return R_PASS;
}

static NET_BUFFER_LIST *make_nbl(struct run *r, const uint8_t *f, uint32_t len, unsigned k)
{
	uint32_t *cuts = malloc(sizeof(*cuts) * (len ? len : 1));
	struct ipoc_frame fr = { f, len, { cuts, 0, 0, 0 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];

	if (!cuts)
		return NULL;
	fr.shape.n_cuts = shape(k, len, r->c->line, cuts, len);
	if (ipoc_nbl_build(&nbl, &fr, 1, err, sizeof(err)) != 0)
		snprintf(r->why, sizeof(r->why), "NBL build: %s", err);
	free(cuts);
	return nbl;
}

static int check_guards(struct run *r, const NET_BUFFER_LIST *nbl)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	if (ipoc_nbl_check_guards(nbl, err, sizeof(err)) == 0)
		return R_PASS;
	snprintf(r->why, sizeof(r->why), "engine wrote outside an MDL: %s", err);
	return R_FAIL;
}

static int send_checks(struct run *r, NET_BUFFER_LIST *nbl, const uint8_t *want, uint32_t len)
{
	char a[48], b[48];
	int32_t st = r->c->expect.send_status;

	if (r->w.done != 1)
		return fail(r, R_FAIL, "NBL not completed exactly once");
	if ((int32_t)nbl->Status != st) {
		snprintf(r->why, sizeof(r->why), "send status %s, want %s (engine: %.400s)",
			 ndis_status_name(nbl->Status, a, sizeof(a)),
			 ndis_status_name(st, b, sizeof(b)), r->s.last_log);
		return R_FAIL;
	}
	if (st != NDIS_STATUS_SUCCESS)
		return r->w.tx ? fail(r, R_FAIL, "failed NBL was transmitted") : R_PASS;
	if (r->w.tx != 1 || r->w.tx_len != len)
		return fail(r, R_FAIL, "not exactly one frame of the wire length transmitted");
	for (uint32_t i = 0; i < len; i++) {
		if (r->w.tx_bytes[i] != want[i]) {
			snprintf(r->why, sizeof(r->why), "transmitted byte %u (packet offset %u) is "
				 "0x%02x, want 0x%02x", i, i - ETH_LEN, r->w.tx_bytes[i], want[i]);
			return R_FAIL;
		}
	}
	return check_guards(r, nbl);
}

static int run_send(struct run *r, unsigned k)
{
	const struct vec_case *c = r->c;
	struct vf_layer outer, inner;
	NDIS_HANDLE h, th;
	uint32_t flen, wlen;
	uint8_t *f = NULL, *want = NULL;
	NET_BUFFER_LIST *nbl = NULL;
	int rc = open_sas(r, false, &h, &th);

	if (rc != R_PASS)
		goto out;
	if (layers(c, &outer, &inner) != 0) {
		rc = fail(r, R_FAIL, "vector: `plain` has no AH/ESP header where its SAs say");
		goto out;
	}
	rc = inject_iv(&r->s, h, c->sa.esp.spi, &c->sa.esp.iv);
	if (rc == 0)
		rc = inject_iv(&r->s, h, c->sa.ah.spi, &c->sa.ah.iv);
	if (rc == 0 && th)
		rc = inject_iv(&r->s, th, c->tun.esp.spi, &c->tun.esp.iv);
	if (rc != 0) {
		rc = fail(r, rc > 0 ? R_UNSUPPORTED : R_FAIL, rc > 0 ? "engine has no IV injection"
								     : "test_set_tx_iv refused the IV");
		goto out;
	}
	f = eth_frame(c, &c->plain, &flen);
	want = eth_frame(c, &c->wire, &wlen);
	nbl = f && want ? make_nbl(r, f, flen, k) : NULL;
	if (!nbl) {
		rc = fail(r, R_FAIL, r->why[0] ? r->why : "out of memory");
		goto out;
	}
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) = h;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) = th;
	NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) =
		(PVOID)(uintptr_t)header_info(c, &outer);
	r->o->ops->send_net_buffer_lists(r->s.engine, nbl, 0, 0);
	rc = send_checks(r, nbl, want, wlen);
	if (rc == R_PASS && k == 0 && r->o->sent && r->w.tx)
		vec_sent_frame(r->o->sent, c, r->w.tx_bytes, r->w.tx_len);
out:
	session_close(&r->s);
	ipoc_nbl_free(nbl);
	free(f);
	free(want);
	free(r->w.tx_bytes);
	return rc;
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

static int oob_checks(struct run *r, const NET_BUFFER_LIST *nbl)
{
	uint32_t w = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
	uint32_t h = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(nbl,
							       IPsecOffloadV2HeaderNetBufferListInfo);
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
			snprintf(r->why, sizeof(r->why), "%s %d, want %d%s%s", names[i], got[i],
				 want[i], i == 2 ? " " : "",
				 i == 2 ? vec_crypto_status_name(got[i]) : "");
			return R_FAIL;
		}
	}
	return R_PASS;
}

static int bytes_check(struct run *r, const NET_BUFFER_LIST *nbl, const uint8_t *want,
		       uint32_t len, const struct mask *m)
{
	uint8_t *got = malloc(len ? len : 1);
	uint32_t n = 0;
	int rc = R_PASS;

	if (!got || ipoc_nb_flatten(nbl->FirstNetBuffer, got, len, &n) != 0 || n != len) {
		free(got);
		return fail(r, R_FAIL, "indicated frame length changed");
	}
	for (uint32_t i = 0; i < len && rc == R_PASS; i++) {
		if (got[i] != want[i] && !(i >= ETH_LEN && masked(m, i - ETH_LEN))) {
			snprintf(r->why, sizeof(r->why), "indicated byte at packet offset %u is "
				 "0x%02x, want 0x%02x", i - ETH_LEN, got[i], want[i]);
			rc = R_FAIL;
		}
	}
	free(got);
	return rc;
}

static int run_recv(struct run *r, unsigned k)
{
	const struct vec_case *c = r->c;
	struct vf_layer outer, inner;
	struct mask m = { .n = 0 };
	struct vec_expect e;
	NDIS_HANDLE h, th;
	uint32_t flen, plen;
	uint8_t *f = NULL, *plain = NULL;
	NET_BUFFER_LIST *nbl = NULL;
	int rc = open_sas(r, true, &h, &th);

	if (rc != R_PASS)
		goto out;
	expected(c, &e);
	f = eth_frame(c, &c->wire, &flen);
	plain = eth_frame(c, &c->plain, &plen);
	nbl = f && plain ? make_nbl(r, f, flen, k) : NULL;
	if (!nbl) {
		rc = fail(r, R_FAIL, r->why[0] ? r->why : "out of memory");
		goto out;
	}
	r->o->ops->receive_net_buffer_lists(r->s.engine, nbl, 0);
	if (r->w.ind != 1) {
		rc = fail(r, R_FAIL, "NBL not indicated exactly once");
		goto out;
	}
	rc = oob_checks(r, nbl);
	if (rc == R_PASS)
		rc = check_guards(r, nbl);
	if (rc != R_PASS)
		goto out;
	/* Success: the plaintext, IV and ICV as they arrived. No offload: the
	 * frame as it arrived. Other outcomes leave bytes unspecified. */
	if (e.status == VEC_CRYPTO_SUCCESS && e.crypto_done == 1 && plen == flen &&
	    layers(c, &outer, &inner) == 0) {
		mask_layer(&m, &outer, c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL ? &c->tun : &c->sa);
		if (c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
			mask_layer(&m, &inner, &c->sa);
		rc = bytes_check(r, nbl, plain, plen, &m);
	} else if (e.crypto_done == 0) {
		rc = bytes_check(r, nbl, f, flen, &m);
	}
out:
	session_close(&r->s);
	ipoc_nbl_free(nbl);
	free(f);
	free(plain);
	return rc;
}

static void report(struct run *r, const char *dir, unsigned k, int rc, struct vrun_stats *st)
{
	static const char *const tag[] = { "ok", "FAIL", "unsupported" };

	if (rc == R_PASS)
		st->passed++;
	else if (rc == R_FAIL)
		st->failed++;
	else
		st->unsupported++;
	if (rc != R_PASS || r->o->verbose)
		fprintf(r->o->out, "%-11s %s (line %u) %s shape %u%s%s\n", tag[rc], r->c->id,
			r->c->line, dir, k, rc != R_PASS ? ": " : "", rc != R_PASS ? r->why : "");
}

int vrun_file(const struct vec_file *f, const struct vrun_opts *o, struct vrun_stats *st)
{
	struct session s = { .echo_level = -1 };
	NDIS_OFFLOAD caps;
	char err[256];
	unsigned shapes = o->shapes < 1 ? 1 : o->shapes > 4 ? 4 : o->shapes;

	memset(&caps, 0, sizeof(caps));
	if (session_open(&s, o->ops, NULL, err, sizeof(err)) != 0) {
		fprintf(o->out, "%s: %s\n", f->name, err);
		st->failed++;
		return -1;
	}
	session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, &caps, sizeof(caps), NULL);
	session_close(&s);
	st->prims += (unsigned)f->nprims;
	for (size_t i = 0; i < f->ncases; i++) {
		struct run r = { .o = o, .c = &f->cases[i] };
		const char *why = case_unsupported(&caps.IPsecV2, r.c);

		for (unsigned k = 0; k < shapes; k++) {
			if (why) {
				snprintf(r.why, sizeof(r.why), "engine does not claim %s", why);
				report(&r, "-", k, R_UNSUPPORTED, st);
				break;
			}
			r.why[0] = '\0';
			if (r.c->direction & VEC_DIR_SEND)
				report(&r, "send", k, run_send(&r, k), st);
			r.why[0] = '\0';
			if (r.c->direction & VEC_DIR_RECEIVE)
				report(&r, "receive", k, run_recv(&r, k), st);
		}
	}
	return st->failed ? -1 : 0;
}
