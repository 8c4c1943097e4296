/* SPDX-License-Identifier: MIT */
/*
 * replay.c - see replay.h.
 *
 * Each record becomes a one-NET_BUFFER, one-MDL NBL built where the engine
 * lives (guard pages on both sides of the buffer's page); REPLAY_BATCH of
 * them go through receive_net_buffer_lists as one chain (replay_int.h).
 * What comes back per NBL is slot 1 (CryptoDone, NextCryptoDone,
 * CryptoStatus), slot 12 (HeaderInfoSet, NextHeader, PadLength), the
 * bytes, and whether the engine kept to its buffer and left the structures
 * alone. A chain the engine faults on, or answers with something that is
 * not about one NBL (an NBL it never got, a wrong count), is sent again one
 * frame per call, so that each verdict names its frame as a replay of one
 * frame at a time would; a fault that no frame alone brings back is told
 * as a fault of the chain. Every key-file SA is offloaded as an inbound SA
 * before the first frame (with the UDP encapsulation replay_infer.h gives
 * it), and again in a fresh engine host after a fault. The capture is read
 * one record at a time, never whole.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipoc_nbl.h"
#include "replay_frame.h"
#include "replay_int.h"
#include "sa_offload.h"
#include "session.h"
#include "vec_frame.h"

#define FAM_BIT(f) ((f) == VEC_FAMILY_IPV6 ? 2u : 1u)

/* key_sa -> the vectors.h description sa_offload_v2 takes. */
static void to_vec_sa(const struct key_sa *k, struct vec_sa *v)
{
	memset(v, 0, sizeof(*v));
	v->src = k->src;
	v->dst = k->dst;
	if (k->ah) {
		v->ah.present = true;
		v->ah.spi = k->spi;
		v->ah.auth = k->auth;
		v->ah.auth_key = k->auth_key;
		v->ah.icv_len = k->icv_len;
		v->ah.esn = k->esn;
		v->ah.seq_hi = k->esn_hi;
		return;
	}
	v->esp.present = true;
	v->esp.spi = k->spi;
	v->esp.enc = k->enc;
	v->esp.enc_key = k->enc_key;
	v->esp.auth = k->auth;
	v->esp.auth_key = k->auth_key;
	v->esp.icv_len = k->icv_len;
	v->esp.esn = k->esn;
	v->esp.seq_hi = k->esn_hi;
}

/* Offload every SA (both families for a protocol-wildcard one), SA i
 * with UdpEspEncapsulation udp_esp[i]. Returns EH_OK, or how the engine
 * failed to answer. */
static enum eh_rc offload_all(struct engine_run *r, const struct replay_opts *o,
			      const uint32_t *udp_esp, uint64_t *refused, bool report)
{
	char name[48];

	for (size_t i = 0; i < o->keys->n; i++) {
		const struct key_sa *k = &o->keys->sas[i];
		uint32_t udp = udp_esp[i];
		struct vec_sa v;

		r->offloaded[i] = 0;
		to_vec_sa(k, &v);
		for (int fam = 4; fam <= 6; fam += 2) {
			NDIS_HANDLE h;
			NDIS_STATUS st;
			enum eh_rc rc;

			if (k->family != VEC_FAMILY_NONE && (int)k->family != fam)
				continue;
			rc = sa_offload_v2(r->eh, r->inst, &v, (enum vec_family)fam, udp, true, &st, &h);
			if (rc != EH_OK)
				return rc;
			if (st == NDIS_STATUS_SUCCESS)
				r->offloaded[i] |= FAM_BIT(fam);
			if (st != NDIS_STATUS_SUCCESS && report) {
				(*refused)++;
				fprintf(o->out, "%s:%u: %s refused the SA (SPI 0x%08x): %s (%s)\n",
					o->keys->name, k->line, eh_info(r->eh)->name, k->spi,
					ndis_status_name(st, name, sizeof(name)), eh_last_log(r->eh));
			}
		}
	}
	return EH_OK;
}

/* Open an instance on r->eh and offload the key file's SAs. 0, or -1 with
 * err (open failed, or the engine faulted: *rc). */
int replay_open_run(struct engine_run *r, const struct replay_opts *o, const uint32_t *udp_esp,
		    uint64_t *refused, bool report, enum eh_rc *rc, char *err, size_t errlen)
{
	struct ipoc_open_params p = { sizeof(p), 0, 0, 0 };
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	uint32_t n = 0;
	char f[256], sn[48];

	for (size_t i = 0; i < o->keys->n; i++)
		n += o->keys->sas[i].family == VEC_FAMILY_NONE ? 2 : 1;
	p.sa_offload_capacity = n + 16;
	r->up = false;
	*rc = eh_open(r->eh, &p, &st, &r->inst);
	if (*rc == EH_OK && (st != NDIS_STATUS_SUCCESS || r->inst == UINT32_MAX)) {
		snprintf(err, errlen, "engine %s: open failed with %s", eh_info(r->eh)->name,
			 ndis_status_name(st, sn, sizeof(sn)));
		return -1;
	}
	if (*rc == EH_OK)
		*rc = offload_all(r, o, udp_esp, refused, report);
	if (*rc != EH_OK) {
		snprintf(err, errlen, "engine %s: %s", eh_info(r->eh)->name,
			 eh_fault_text(r->eh, f, sizeof(f)));
		return -1;
	}
	r->up = true;
	return 0;
}

/* What the engine broke of what it owes every frame, or "" (why): of NBL
 * i of the call o. */
static void contract(const struct eh_io_out *o, uint32_t i, const uint8_t *frame, uint32_t len,
		     struct outcome *out)
{
	const struct eh_nbl_out *n = &o->nbls[i];
	const char *w = NULL;

	if (o->error[0])
		w = o->error;
	else if (n->returned != 1 || o->strays)
		w = n->returned ? "the NBL was indicated more than once"
				: "the NBL was not indicated";
	else if (n->guard_err[0])
		w = n->guard_err;
	else if (n->meta_err[0])
		w = n->meta_err;
	else if (o->bad_count)
		w = "indicate_receive's count disagrees with its chain";
	else if (!out->done && (out->slot1 || out->slot11 || out->slot12))
		w = "no CryptoDone, yet IPsec OOB slots are set (R-RX-4: clear them)";
	else if (!out->done && (out->len != len || memcmp(out->bytes, frame, len) != 0))
		w = "a frame without IPsec processing came back changed";
	else if (out->done && out->status > CRYPTO_INVALID_PROTOCOL)
		w = "CryptoStatus is not a CRYPTO_* value";
	if (w)
		snprintf(out->contract, sizeof(out->contract), "%s%s", w,
			 n->guard_err[0] && w == n->guard_err ? " (engine wrote outside its buffer)"
			 : "");
}

/* The outcome of NBL i of the call o, the frame it was built from. */
static void take(const struct eh_io_out *o, uint32_t i, const uint8_t *frame, uint32_t len,
		 struct outcome *out)
{
	const struct eh_nbl_out *n = &o->nbls[i];
	uint32_t w, h;

	out->contract[0] = '\0';
	out->bytes = NULL;
	out->len = 0;
	out->inner = -1;
	out->slot1 = n->slots[IPsecOffloadV2NetBufferListInfo];
	out->slot11 = n->slots[IPsecOffloadV2TunnelNetBufferListInfo];
	out->slot12 = n->slots[IPsecOffloadV2HeaderNetBufferListInfo];
	w = (uint32_t)out->slot1;
	h = (uint32_t)out->slot12;
	out->done = w & IPSEC_RX_CRYPTO_DONE;
	out->next_done = w & IPSEC_RX_NEXT_CRYPTO_DONE;
	out->status = (int)IPSEC_RX_CRYPTO_STATUS(w);
	out->hdr_set = h & IPSEC_HDR_RX_HEADER_INFO_SET;
	out->next_header = (int)IPSEC_HDR_TX_NEXT_HEADER(h);
	out->pad_length = (int)IPSEC_HDR_TX_PAD_LENGTH(h);
	if (n->n_nb && n->nbs[0].bytes && n->nbs[0].len <= (1u << 19)) {
		out->len = n->nbs[0].len;
		out->bytes = n->nbs[0].bytes;
	}
	contract(o, i, frame, len, out);
}

/* Receive n frames (frames[i], lens[i]) as one chain on run r. */
static enum eh_rc receive_chain(struct engine_run *r, const uint8_t *const *frames,
				const uint32_t *lens, unsigned n, const struct eh_io_out **o)
{
	struct eh_nb_in nb[REPLAY_BATCH];
	struct eh_nbl_in nbl[REPLAY_BATCH];
	struct eh_io_in in = { nbl, n, IPOC_NBL_GUARD_TAIL, EH_RECV_WRITABLE, 0, 0 };

	for (unsigned i = 0; i < n; i++) {
		nb[i] = (struct eh_nb_in){ frames[i], lens[i], { NULL, 0, 0, 0, 0 } };
		memset(&nbl[i], 0, sizeof(nbl[i]));
		nbl[i].nbs = &nb[i];
		nbl[i].n_nb = 1;
		/* The IPsec slots hold garbage before: the engine writes them. */
		nbl[i].slots[IPsecOffloadV2NetBufferListInfo] = 0xA5A5A5A5u;
		nbl[i].slots[IPsecOffloadV2TunnelNetBufferListInfo] = 0xA5A5A5A5u;
		nbl[i].slots[IPsecOffloadV2HeaderNetBufferListInfo] = 0xA5A5A5A5u;
	}
	return eh_receive(r->eh, r->inst, &in, o);
}

/* Receive one frame on run r; its outcome into out. */
static enum eh_rc receive(struct engine_run *r, const uint8_t *frame, uint32_t len,
			  struct outcome *out)
{
	const struct eh_io_out *o;
	enum eh_rc rc = receive_chain(r, &frame, &len, 1, &o);

	memset(out, 0, sizeof(*out));
	if (rc == EH_OK)
		take(o, 0, frame, len, out);
	return rc;
}

/* Is the call's answer about its NBLs one by one (else the chain is sent
 * again a frame at a time, for the verdict to name the frame)? */
static bool per_nbl(const struct eh_io_out *o, unsigned n)
{
	return !o->error[0] && !o->strays && !o->bad_count && o->n_nbl == n;
}

static uint32_t rd32be(const uint8_t *s)
{
	return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
}

/* Offset of the network header behind Ethernet and its VLAN tags. */
static uint32_t l3_offset(const uint8_t *f, uint32_t len)
{
	uint32_t off = 14;

	while (off + 4 <= len && ((f[off - 2] == 0x81 && f[off - 1] == 0x00) ||
				  (f[off - 2] == 0x88 && f[off - 1] == 0xA8)))
		off += 4;
	return off;
}

/* The outer SPI of an IPsec frame (ESP or AH), whether it is AH, and for AH
 * the protocol it protects (its Next Header, in clear). */
static bool frame_spi(const uint8_t *f, uint32_t len, uint32_t *spi, bool *ah, int *ah_next)
{
	uint32_t off = l3_offset(f, len);
	struct vf_layer l;

	if (len < 14 || off > len || vf_layer_at(f + off, len - off, 0, &l) != 0)
		return false;
	if (l.ah && 8 > len - off - l.ah)
		return false;
	*ah = l.ah != 0;
	*ah_next = l.ah ? f[off + l.ah] : -1;
	*spi = rd32be(f + off + (l.ah ? l.ah + 4 : l.esp));
	return true;
}

/* The SPI of the inner (transport) portion of a transport-over-tunnel
 * frame, read from the decrypted bytes behind the outer ESP of SA k. */
static int64_t inner_spi(const uint8_t *after, uint32_t len, const struct key_sa *k)
{
	uint32_t off = l3_offset(after, len);
	struct vec_esp e = { .enc = k->enc, .auth = k->auth };
	struct vf_layer outer, in;
	size_t at;

	if (k->ah || off > len || vf_layer_at(after + off, len - off, 0, &outer) != 0 ||
	    !outer.esp)
		return -1;
	at = outer.esp + 8 + vec_esp_iv_len(&e);
	if (at >= outer.end || vf_layer_at(after + off, outer.end, at, &in) != 0)
		return -1;
	return rd32be(after + off + (in.ah ? in.ah + 4 : in.esp));
}

static const struct key_sa *key_for(const struct key_file *k, uint32_t spi, bool ah)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->sas[i].spi == spi && k->sas[i].ah == ah)
			return &k->sas[i];
	return NULL;
}

static void alg_name(const struct key_sa *k, char *buf, size_t n)
{
	if (k->ah)
		snprintf(buf, n, "AH %s", vec_auth_name(k->auth));
	else if (!vec_auth_alg(k->auth))
		snprintf(buf, n, "ESP %s", vec_enc_name(k->enc));
	else
		snprintf(buf, n, "ESP %s+%s", vec_enc_name(k->enc), vec_auth_name(k->auth));
}

static void count_alg(struct replay_stats *st, const char *name)
{
	for (unsigned i = 0; i < st->n_algs; i++) {
		if (strcmp(st->alg_name[i], name) == 0) {
			st->alg_frames[i]++;
			return;
		}
	}
	if (st->n_algs < REPLAY_MAX_ALGS) {
		snprintf(st->alg_name[st->n_algs], sizeof(st->alg_name[0]), "%s", name);
		st->alg_frames[st->n_algs++] = 1;
	}
}

static const char *proto_name(int p)
{
	switch (p) {
	case 1: return "icmp";
	case 4: return "ipv4";
	case 6: return "tcp";
	case 17: return "udp";
	case 41: return "ipv6";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "icmpv6";
	case 59: return "none";
	default: return NULL;
	}
}

/* "CRYPTO_SUCCESS next_header=6 pad_length=2 inner=tcp" or "pass". */
static void describe(const struct outcome *o, char *buf, size_t n)
{
	int k;

	if (!o->done) {
		snprintf(buf, n, "pass");
		return;
	}
	k = snprintf(buf, n, "%s%s", exp_status_name(o->status),
		     o->next_done ? " next_crypto_done=1" : "");
	if (k > 0 && (size_t)k < n) {
		const char *inner = proto_name(o->inner);

		if (o->status > CRYPTO_INVALID_PROTOCOL)
			k += snprintf(buf + k, n - (size_t)k, " (CryptoStatus %d, not a CRYPTO_* "
				      "value)", o->status);
		if (o->hdr_set && k > 0 && (size_t)k < n)
			k += snprintf(buf + k, n - (size_t)k, " next_header=%d pad_length=%d",
				      o->next_header, o->pad_length);
		if (inner && k > 0 && (size_t)k < n)
			snprintf(buf + k, n - (size_t)k, " inner=%s", inner);
	}
}

/* Does o (of a frame whose outer SPI is spi, -1 for none) satisfy e? why
 * gets the first difference. The keys are about the CRYPTO_* outcomes: a
 * frame that went up unprocessed where `pass` is one of the alternatives
 * meets the line. */
static bool meets(const struct outcome *o, int64_t spi, const struct exp_frame *e, char *why,
		  size_t n)
{
	const char *inner = proto_name(o->inner);
	int got = !o->done ? EXP_PASS : o->status <= CRYPTO_INVALID_PROTOCOL ? o->status : -2;
	char alts[300];

	if (got == -2 || !(e->accept & EXP_BIT(got)))
		return snprintf(why, n, "expected %s", exp_accept_text(e, alts, sizeof(alts))), false;
	if (got == EXP_PASS)
		return true;
	if (e->next_crypto_done != EXP_UNSET && (int)o->next_done != e->next_crypto_done)
		return snprintf(why, n, "expected next_crypto_done=%d", e->next_crypto_done), false;
	if (e->header_info_set != EXP_UNSET && (int)o->hdr_set != e->header_info_set)
		return snprintf(why, n, "expected header_info_set=%d", e->header_info_set), false;
	if (e->next_header != EXP_UNSET && (!o->hdr_set || o->next_header != e->next_header))
		return snprintf(why, n, "expected next_header=%d", e->next_header), false;
	if (e->pad_length != EXP_UNSET && (!o->hdr_set || o->pad_length != e->pad_length))
		return snprintf(why, n, "expected pad_length=%d", e->pad_length), false;
	if (e->inner[0] && (!inner || strcmp(inner, e->inner) != 0))
		return snprintf(why, n, "expected inner=%s", e->inner), false;
	if (e->spi >= 0 && spi != e->spi)
		return snprintf(why, n, "expected spi=0x%08llx", (unsigned long long)e->spi), false;
	return true;
}

/* Differential: the same slots and the same bytes. */
static bool same(const struct outcome *a, const struct outcome *b, char *why, size_t n)
{
	char da[160], db[160];

	describe(a, da, sizeof(da));
	describe(b, db, sizeof(db));
	if (strcmp(da, db) != 0)
		return snprintf(why, n, "reference engine says %s", db), false;
	if (a->len != b->len || memcmp(a->bytes, b->bytes, a->len) != 0)
		return snprintf(why, n, "indicated bytes differ from the reference engine's"), false;
	return true;
}

static void set_inner(struct outcome *o, int ah_next)
{
	o->inner = o->hdr_set ? o->next_header
		   : o->done && o->status == CRYPTO_SUCCESS ? ah_next : -1;
}


/* What the replay knows of a frame while judging it. */
struct frame_ctx {
	uint64_t num, ts;
	int64_t spi;              /* the SA the outcome is about, -1 */
	const struct key_sa *k;   /* that SA, or NULL */
	const char *desc;         /* or NULL: described from e when needed */
	bool ipsec;               /* an IPsec frame: its SPI is worth naming */
	const uint8_t *raw;       /* the record as captured */
	uint32_t raw_len;
	const struct outcome *e;
};

/* Report one frame: its line (every frame with --verbose, else those not
 * passed or listed), the callback, the failures file. A frame that passed
 * quietly costs nothing here beyond its count. */
static void judge(struct replay_ctx *c, const struct frame_ctx *fc, enum verdict v, bool listed,
		  const char *why)
{
	const struct replay_opts *o = c->o;
	bool line = o->verbose || v != V_PASSED || listed;
	bool fail = (v != V_PASSED || listed) && (c->fail || (c->job && o->fail_out));
	char alg[48] = "", who[96] = "", comment[900], desc[240];
	struct replay_frame rec = { fc->num, fc->ts, fc->spi, alg, fc->desc, v, listed, why };

	c->st->v.n[v]++;
	c->st->listed += listed;
	if (!line && !fail && !o->on_frame)
		return;
	if (!rec.outcome) {
		describe(fc->e, desc, sizeof(desc));
		rec.outcome = desc;
	}
	if (fc->k)
		alg_name(fc->k, alg, sizeof(alg));
	if (fc->spi >= 0 && (fc->ipsec || fc->k))
		snprintf(who, sizeof(who), "SPI 0x%08llx (%s): ", (unsigned long long)fc->spi,
			 fc->k ? alg : "no SA");
	if (line)
		fprintf(c->out, "frame %llu: %s%s%s%s\n", (unsigned long long)fc->num, who,
			rec.outcome, v == V_FAILED ? "  MISMATCH: " : listed ? "  LISTED: " :
			v == V_PASSED ? "" : "  ", v == V_PASSED && !listed ? "" : why);
	if (o->on_frame) {
		if (c->job)
			rjob_frame(c, &rec);
		else
			o->on_frame(o->on_frame_arg, &rec);
	}
	if (fail) {
		snprintf(comment, sizeof(comment), "frame %llu of %s: %s%s%s%s",
			 (unsigned long long)fc->num, o->capture_name ? o->capture_name
			 : "the capture", who, rec.outcome, why[0] ? ": " : "", why);
		if (c->job)
			rjob_fail(c, fc->raw, fc->raw_len, fc->ts, comment);
		else
			replay_fail_frame(c->fail, fc->raw, fc->raw_len, fc->ts, comment);
	}
}

/* One more fault (a frame's, or a chain's): 0, or -1 when that was one
 * too many (--max-faults) and the replay is dead. */
static int count_fault(struct replay_ctx *c)
{
	c->st->faults++;
	if (++c->faults >= c->o->max_faults) {
		c->dead = true;
		snprintf(c->dead_why, sizeof(c->dead_why), "the engine faulted %u times "
			 "(--max-faults)", c->faults);
		return -1;
	}
	return 0;
}

/* A fresh engine host, the SAs offloaded again (and the re-encryption
 * instance); dead when that fails. */
static void restart(struct replay_ctx *c)
{
	char err[512];
	enum eh_rc rc;
	uint64_t ignored = 0;

	c->eng.up = false;
	c->reenc = NULL;   /* its instance went with the process */
	if (eh_restart(c->eng.eh, err, sizeof(err)) != 0 ||
	    replay_open_run(&c->eng, c->o, c->udp_esp, &ignored, false, &rc, err,
			    sizeof(err)) != 0 ||
	    (c->o->reencrypt && !(c->reenc = reenc_open(c->eng.eh, c->o->keys, c->udp_esp, &rc,
							 err, sizeof(err))))) {
		c->dead = true;
		snprintf(c->dead_why, sizeof(c->dead_why), "%s", err);
	}
}

/* After the engine faulted on a frame (judged): its last output, then a
 * fresh engine host unless that was one fault too many. */
static void revive(struct replay_ctx *c)
{
	eh_print_tail(c->out, "  engine's last output: ", eh_fault(c->eng.eh)->tail, 1000);
	if (count_fault(c) == 0)
		restart(c);
}

/* The key-file SA the engine took that matches the frame (replay_frame.h),
 * or -1. */
static long matched_sa(const struct replay_ctx *c, const struct rp_outer *ro)
{
	long i = rp_sa_of(c->o->keys, ro);

	return i >= 0 && (c->eng.offloaded[i] & FAM_BIT(ro->fam)) ? i : -1;
}

/* The verdict on the engine's outcome e of a frame (fc) that is not about
 * the ABI contract: against the expectations, the reference engine (its
 * outcome r, or NULL: receive it here), or the own-keys rule; *listed when
 * allow_failures turned a failure into a listing. */
static enum verdict outcome_verdict(struct replay_ctx *c, const struct frame_ctx *fc, long mi,
				    const uint8_t *f, uint32_t len, int ah_next,
				    const struct outcome *e, struct outcome *r, bool *listed,
				    char *why, size_t n)
{
	const struct replay_opts *o = c->o;
	struct outcome single;
	bool ok;

	if (o->expect)
		return meets(e, fc->spi, &o->expect->f[fc->num - 1], why, n) ? V_PASSED : V_FAILED;
	if (o->ref) {
		if (!r) {
			r = &single;
			if (receive(&c->ref, f, len, r) != EH_OK) {
				snprintf(why, n, "the reference engine did not answer");
				return V_FAILED;
			}
		}
		set_inner(r, ah_next);
		ok = same(e, r, why, n);
	} else {
		const struct key_sa *k = mi >= 0 ? &o->keys->sas[mi] : NULL;

		ok = !k || (e->done && e->status == CRYPTO_SUCCESS);
		if (!ok)
			snprintf(why, n, "the SA of %s:%u (SPI 0x%08x) matches it, so it must "
				 "decrypt (CRYPTO_SUCCESS)", o->keys->name, k->line, k->spi);
	}
	if (ok)
		return V_PASSED;
	*listed = o->allow_failures;
	return o->allow_failures ? V_PASSED : V_FAILED;
}

/* --reencrypt of a frame that decrypted (its bytes in c->after); returns
 * the verdict (v, or failed), -1 when the engine faulted (judged and
 * revived here). */
static int reencrypt(struct replay_ctx *c, const struct frame_ctx *fc, const uint8_t *f,
		     uint32_t len, enum verdict v, char *why, size_t n)
{
	struct replay_stats *st = c->st;
	bool nested = false;
	char ft[256];

	switch (reenc_frame(c->reenc, f, c->after, len, &nested, why, n)) {
	case REENC_SAME:
		st->reenc_same++;
		st->reenc_nested += nested;
		return v;
	case REENC_DIFFERS:
		st->reenc_differs++;
		st->reenc_nested += nested;
		return V_FAILED;
	case REENC_FAULT:
		snprintf(why, n, "re-encryption: %s", eh_fault_text(c->eng.eh, ft, sizeof(ft)));
		judge(c, fc, verdict_of_rc(eh_fault(c->eng.eh)->kind), false, why);
		revive(c);
		return -1;
	default:
		st->reenc_na++;
		return v;
	}
}

/* Count the frame under its SA's algorithm (the row of the SA last counted
 * is remembered: a capture of one SA names it once). */
static void count_sa_alg(struct replay_ctx *c, const struct key_sa *k)
{
	char alg[48];

	if (c->alg_k == k && c->alg_i < c->st->n_algs) {
		c->st->alg_frames[c->alg_i]++;
		return;
	}
	alg_name(k, alg, sizeof(alg));
	count_alg(c->st, alg);
	for (unsigned i = 0; i < c->st->n_algs; i++)
		if (strcmp(c->st->alg_name[i], alg) == 0) {
			c->alg_k = k;
			c->alg_i = i;
		}
}

/* Judge frame f (entry be) on the engine's outcome e, and the reference
 * engine's r (NULL: receive it here when differential). */
static void judge_frame(struct replay_ctx *c, const struct bent *be, const uint8_t *f,
			const uint8_t *raw, struct outcome *e, struct outcome *r)
{
	const struct replay_opts *o = c->o;
	struct replay_stats *st = c->st;
	uint32_t len = be->len;
	struct frame_ctx fc = { be->num, be->ts, -1, NULL, NULL, false, raw, be->raw_len, e };
	char why[400] = "";
	struct rp_outer ro;
	uint32_t spi;
	int ah_next = -1, rr;
	bool ah = false, listed = false;
	enum verdict v = V_PASSED;
	long mi;

	rp_outer_parse(f, len, &ro);
	mi = matched_sa(c, &ro);
	fc.ipsec = ro.ipsec;
	if (frame_spi(f, len, &spi, &ah, &ah_next)) {
		fc.k = key_for(o->keys, spi, ah);
		fc.spi = spi;
	}
	/* The SA the outcome is about: the inner one once the inner portion
	 * was checked (pcaps/README.md, `spi`). */
	if (e->next_done && fc.k) {
		fc.spi = e->bytes ? inner_spi(e->bytes, e->len, fc.k) : -1;
		fc.k = fc.spi >= 0 ? key_for(o->keys, (uint32_t)fc.spi, false) : NULL;
	}
	/* What the frame protects: the innermost decrypted ESP trailer's Next
	 * Header, else, for a verified AH frame, AH's own Next Header. */
	set_inner(e, ah_next);
	if (e->done) {
		if (e->status > CRYPTO_INVALID_PROTOCOL)
			st->bad_status++;
		else
			st->by_status[e->status]++;
		if (fc.k)
			count_sa_alg(c, fc.k);
	} else {
		st->passthrough++;
	}
	if (mi >= 0) {
		st->matched++;
		st->undecrypted += !(e->done && e->status == CRYPTO_SUCCESS);
	}
	if (e->contract[0]) {
		v = V_FAILED;
		snprintf(why, sizeof(why), "%s", e->contract);
	} else {
		v = outcome_verdict(c, &fc, mi, f, len, ah_next, e, r, &listed, why, sizeof(why));
	}
	if (v == V_PASSED && !listed && c->reenc && e->done && e->status == CRYPTO_SUCCESS) {
		memcpy(c->after, e->bytes, e->len);
		if ((rr = reencrypt(c, &fc, f, len, v, why, sizeof(why))) < 0)
			return;
		v = (enum verdict)rr;
	}
	judge(c, &fc, v, listed, why);
}

/* A frame received on its own: judged, or its fault judged and the engine
 * host revived. */
static void one_frame(struct replay_ctx *c, const struct bent *be, const uint8_t *f,
		      const uint8_t *raw)
{
	struct outcome e;
	enum eh_rc rc = receive(&c->eng, f, be->len, &e);

	if (rc != EH_OK) {
		struct frame_ctx fc = { be->num, be->ts, -1, NULL, "", false, raw, be->raw_len, NULL };
		struct rp_outer ro;
		uint32_t spi;
		int ah_next;
		bool ah = false;
		char ft[256];

		rp_outer_parse(f, be->len, &ro);
		fc.ipsec = ro.ipsec;
		if (frame_spi(f, be->len, &spi, &ah, &ah_next)) {
			fc.k = key_for(c->o->keys, spi, ah);
			fc.spi = spi;
		}
		fc.desc = eh_fault_text(c->eng.eh, ft, sizeof(ft));
		judge(c, &fc, verdict_of_rc(rc), false, "");
		revive(c);
		return;
	}
	judge_frame(c, be, f, raw, &e, NULL);
}

/* A record with no IP packet: reported, and passed through, so an
 * expectation for it can only be `pass` (or list it). */
static void skipped(struct replay_ctx *c, const struct bent *be, const uint8_t *raw)
{
	char desc[300], exp[300], alts[300];
	struct frame_ctx fc = { be->num, be->ts, -1, NULL, desc, false, raw, be->raw_len, NULL };
	const struct exp_frame *e = c->o->expect ? &c->o->expect->f[be->num - 1] : NULL;

	c->st->skipped++;
	snprintf(desc, sizeof(desc), "skipped: %s", be->why);
	if (!e) {
		/* Nothing says what it should give: not judged (not counted). */
		struct replay_frame rec = { be->num, be->ts, -1, "", desc, V_SKIPPED, false, "" };

		fprintf(c->out, "frame %llu: %s\n", (unsigned long long)be->num, desc);
		if (c->o->on_frame) {
			if (c->job)
				rjob_frame(c, &rec);
			else
				c->o->on_frame(c->o->on_frame_arg, &rec);
		}
		return;
	}
	if (e->accept & EXP_BIT(EXP_PASS)) {
		if (!c->o->verbose)   /* judge() prints passed frames only when verbose */
			fprintf(c->out, "frame %llu: %s\n", (unsigned long long)be->num, desc);
		judge(c, &fc, V_PASSED, false, "");
		return;
	}
	snprintf(exp, sizeof(exp), "no IP packet, so not offloaded; expected %s",
		 exp_accept_text(e, alts, sizeof(alts)));
	judge(c, &fc, V_FAILED, false, exp);
}

/* The batch's chain faulted and no frame of it did alone: said, and
 * counted as a fault. */
static void chain_fault(struct replay_ctx *c, const char *what, const char *tail)
{
	struct batch *b = c->b;

	fprintf(c->out, "frames %llu to %llu: the engine %s on a chain of %u NBLs, and on "
		"none of them alone\n", (unsigned long long)b->e[0].num,
		(unsigned long long)b->e[b->n - 1].num, what, b->n);
	eh_print_tail(c->out, "  engine's last output: ", tail, 1000);
	c->st->chain_faults++;
	count_fault(c);
}

/* The frame of entry be: where the reader keeps it, or its copy. */
static const uint8_t *bent_frame(const struct batch *b, const struct bent *be)
{
	return be->ext ? be->ext : b->buf + be->off;
}

void replay_flush(struct replay_ctx *c)
{
	struct batch *b = c->b;
	const uint8_t *fr[REPLAY_BATCH];
	uint32_t len[REPLAY_BATCH];
	unsigned idx[REPLAY_BATCH], n = 0;
	const struct eh_io_out *o;
	bool singles = true, faulted = false;
	char what[256] = "";
	static char tail[4096];
	enum eh_rc rc;

	for (unsigned i = 0; i < b->n; i++)
		if (!b->e[i].skip) {
			idx[n] = i;
			fr[n] = bent_frame(b, &b->e[i]);
			len[n++] = b->e[i].len;
		}
	if (n > 1) {
		rc = receive_chain(&c->eng, fr, len, n, &o);
		if (rc == EH_OK && per_nbl(o, n)) {
			for (unsigned k = 0; k < n; k++)
				take(o, k, fr[k], len[k], &b->eo[idx[k]]);
			singles = false;
		} else if (rc != EH_OK) {
			/* The frame at fault is found by sending them one by one
			 * to a fresh engine host. */
			faulted = true;
			eh_fault_text(c->eng.eh, what, sizeof(what));
			snprintf(tail, sizeof(tail), "%s", eh_fault(c->eng.eh)->tail);
			restart(c);
			if (c->dead) {
				c->dead_at = b->e[0].num;
				/* No frame of the batch is judged: a job says
				 * now why it stops, or the run would end
				 * without a reason. */
				if (c->job)
					rjob_after_frame(c, c->dead_at, c->faults);
			}
		}
		if (!singles && c->o->ref) {
			if (receive_chain(&c->ref, fr, len, n, &o) == EH_OK && per_nbl(o, n))
				for (unsigned k = 0; k < n; k++)
					take(o, k, fr[k], len[k], &b->ro[idx[k]]);
			else
				singles = true;
		}
	}
	for (unsigned i = 0; i < b->n && !c->dead; i++) {
		const struct bent *be = &b->e[i];
		const uint8_t *raw = be->ext ? be->ext_raw : b->buf + be->raw_off;
		unsigned before = c->faults;

		if (be->skip)
			skipped(c, be, raw);
		else if (singles)
			one_frame(c, be, bent_frame(b, be), raw);
		else
			judge_frame(c, be, bent_frame(b, be), raw, &b->eo[i],
				    c->o->ref ? &b->ro[i] : NULL);
		if (faulted && c->faults != before)
			faulted = false;   /* a frame alone brought the fault back */
		if (c->dead)
			c->dead_at = be->num;
		if (c->job)
			rjob_after_frame(c, be->num, before);
	}
	if (faulted && !c->dead) {
		unsigned before = c->faults;

		chain_fault(c, what, tail);
		if (c->dead)
			c->dead_at = b->e[b->n - 1].num;
		if (c->job)
			rjob_after_frame(c, b->e[b->n - 1].num, before);
	}
	b->n = 0;
	b->used = 0;
	b->bytes = 0;
}

/* Bytes of frames a batch holds before it is sent with fewer than
 * REPLAY_BATCH records (large frames), so memory stays flat. */
#define BATCH_BYTES (1u << 20)

/* Room for n bytes at the end of the batch's buffer; NULL when out of
 * memory. */
static uint8_t *room(struct batch *b, size_t n)
{
	if (!b->buf || b->used + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64u << 10;
		uint8_t *nb;

		while (cap < b->used + n)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (!nb)
			return NULL;
		b->buf = nb;
		b->cap = cap;
	}
	b->used += n;
	return b->buf + b->used - n;
}

int replay_take(struct replay_ctx *c, enum pcap_in_result r, const uint8_t *f, uint32_t len,
		uint64_t num, uint64_t ts, const char *why, char *err, size_t errlen)
{
	struct batch *b = c->b;
	struct bent *be;
	const uint8_t *raw = NULL;
	uint32_t raw_len = 0, flen = r == PCAP_IN_SKIP ? 0 : len;
	size_t need;
	int lt;
	uint8_t *d;

	/* The record as captured goes with it only for the failures file;
	 * an Ethernet record is the frame itself. */
	if (c->o->fail_out)
		pcap_in_raw(c->in, &raw, &raw_len, &lt);
	need = (size_t)flen + (raw && raw != f ? raw_len : 0);
	if (b->n && b->bytes + need > BATCH_BYTES)
		replay_flush(c);
	b->bytes += need;
	be = &b->e[b->n];
	/* A frame (and record) that stays where the reader has it until it
	 * is closed is not copied (pcap_in.h). */
	be->ext = be->ext_raw = NULL;
	if (pcap_in_stable(c->in)) {
		be->ext = f;
		be->ext_raw = raw ? raw : f;
		need = 0;
		/* It is copied into its NBL's buffer when the batch goes: asked
		 * for now, line by line, so that the copy does not wait on
		 * memory a line at a time. */
		for (uint32_t k = 0; k < flen; k += 64)
			__builtin_prefetch(f + k);
	}
	if (!(d = room(b, need))) {
		snprintf(err, errlen, "out of memory for a batch of frames");
		return -1;
	}
	be->num = num;
	be->ts = ts;
	be->skip = r == PCAP_IN_SKIP;
	be->len = flen;
	be->raw_len = raw_len;
	be->why[0] = '\0';
	if (be->skip)
		snprintf(be->why, sizeof(be->why), "%s", why);
	be->off = (size_t)(d - b->buf);
	if (flen && !be->ext)
		memcpy(d, f, flen);
	be->raw_off = be->off;
	if (raw && raw != f && !be->ext) {
		be->raw_off = be->off + flen;
		memcpy(d + flen, raw, raw_len);
	}
	/* A batch ends at a multiple of REPLAY_BATCH records (or sooner): the
	 * same batches whatever the jobs. */
	if (++b->n == c->batch || num % REPLAY_BATCH == 0)
		replay_flush(c);
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress(const struct replay_ctx *c, double start, double *last, bool done)
{
	double t;

	/* The clock is read only for a progress line, and every 256 frames
	 * (once per frame it was 2% of a replay). */
	if (!c->o->progress || (!done && c->st->frames % 256))
		return;
	t = now();
	if (!done && t - *last < 1.0)
		return;
	*last = t;
	fprintf(stderr, "%sreplay: %llu frames, %.0f frames/s%s", isatty(2) ? "\r" : "",
		(unsigned long long)c->st->frames, c->st->frames / (t - start > 0 ? t - start : 1),
		isatty(2) && !done ? "" : "\n");
}

/* 0; -1 (capture or failures file: bad input); -3 (the engine). */
static int setup(struct replay_ctx *c, const char *capture, char *err, size_t errlen)
{
	const struct replay_opts *o = c->o;
	size_t n = o->keys->n + 1;
	enum eh_rc rc;
	int inferred;

	c->out = o->out;
	c->batch = o->reencrypt ? 1 : REPLAY_BATCH;
	c->after = malloc(1u << 19);
	c->b = calloc(1, sizeof(*c->b));
	c->udp_esp = calloc(n, sizeof(*c->udp_esp));
	c->seen = calloc(n, sizeof(*c->seen));
	c->eng.offloaded = calloc(n, 1);
	c->ref.offloaded = calloc(n, 1);
	if (!c->after || !c->b || !c->udp_esp || !c->seen || !c->eng.offloaded ||
	    !c->ref.offloaded) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* With --jobs the first pass also notes where the chunks start. */
	c->ix.every = o->jobs > 1 ? replay_chunk_size() : 0;
	inferred = replay_udp_plan_ix(capture, o->keys, o->nat_t, c->udp_esp, c->seen, o->out,
				      &c->ix, err, errlen);
	if (inferred < 0)
		return -1;
	c->st->nat_t_inferred = (unsigned)inferred;
	c->in = pcap_in_open(capture, err, errlen);
	if (!c->in)
		return -1;
	c->eng.eh = o->eh;
	c->ref.eh = o->ref;
	/* Replay files no host reproducers (a failing frame goes to
	 * --write-failures): the hosts keep no requests, so memory stays flat
	 * and no frame is copied for them. */
	if (c->eng.eh)
		eh_keep_requests(c->eng.eh, false);
	if (c->ref.eh)
		eh_keep_requests(c->ref.eh, false);
	if (replay_open_run(&c->eng, o, c->udp_esp, &c->st->sa_refused, true, &rc, err,
			    errlen) != 0)
		return -3;
	if (o->ref && replay_open_run(&c->ref, o, c->udp_esp, &c->st->sa_refused, false, &rc, err,
				      errlen) != 0)
		return -3;
	if (o->reencrypt && !(c->reenc = reenc_open(c->eng.eh, o->keys, c->udp_esp, &rc, err,
						    errlen)))
		return -3;
	if (o->fail_out) {
		const uint8_t *rec;
		uint32_t len;
		int lt;

		pcap_in_raw(c->in, &rec, &len, &lt);
		c->fail = replay_fail_open(o->fail_out, lt, o->keys, o->keys_path, err, errlen);
		if (!c->fail)
			return -1;
	}
	return 0;
}

static int teardown(struct replay_ctx *c, char *err, size_t errlen)
{
	int rc;

	if (c->eng.up)
		eh_close(c->eng.eh, c->eng.inst);
	if (c->ref.up)
		eh_close(c->ref.eh, c->ref.inst);
	reenc_close(c->reenc);
	pcap_in_close(c->in);
	rc = replay_fail_close(c->fail, c->o->out, err, errlen);
	if (c->b)
		free(c->b->buf);
	free(c->b);
	free(c->after);
	free(c->udp_esp);
	free(c->seen);
	free(c->ix.off);
	free(c->eng.offloaded);
	free(c->ref.offloaded);
	return rc;
}

static int loop(struct replay_ctx *c, char *err, size_t errlen)
{
	double start = now(), last = start;
	char why[256];

	for (;;) {
		const uint8_t *f = NULL;
		uint32_t len;
		uint64_t num, ts;
		enum pcap_in_result r = pcap_in_next(c->in, &f, &len, &num, &ts, why, sizeof(why));

		if (r == PCAP_IN_EOF)
			break;
		if (r == PCAP_IN_ERROR) {
			replay_flush(c);
			if (!c->dead) {
				snprintf(err, errlen, "%s", why);
				return -1;
			}
		} else {
			c->st->frames++;
			if (c->o->expect && num > c->o->expect->frames) {
				replay_flush(c);
				if (!c->dead) {
					snprintf(err, errlen, "%s: the capture has more frames than "
						 "it lists (%llu)", c->o->expect->name,
						 (unsigned long long)c->o->expect->frames);
					return -1;
				}
			} else if (replay_take(c, r, f, len, num, ts, why, err, errlen) != 0) {
				return -1;
			}
		}
		if (c->dead) {
			snprintf(err, errlen, "the replay stopped at frame %llu: %s",
				 (unsigned long long)c->dead_at, c->dead_why);
			return -4;
		}
		progress(c, start, &last, false);
	}
	replay_flush(c);
	if (c->dead) {
		snprintf(err, errlen, "the replay stopped at frame %llu: %s",
			 (unsigned long long)c->dead_at, c->dead_why);
		return -4;
	}
	c->st->seconds = now() - start;
	progress(c, start, &last, true);
	return replay_check_count(c, err, errlen);
}

int replay_check_count(const struct replay_ctx *c, char *err, size_t errlen)
{
	if (c->o->expect && c->st->frames != c->o->expect->frames) {
		snprintf(err, errlen, "%s: lists %llu frames, the capture has %llu frames",
			 c->o->expect->name, (unsigned long long)c->o->expect->frames,
			 (unsigned long long)c->st->frames);
		return -1;
	}
	return 0;
}

int replay_run(const char *capture, const struct replay_opts *o, struct replay_stats *st,
	       char *err, size_t errlen)
{
	struct replay_ctx c = { .o = o, .st = st };
	char cerr[512];
	int rc;

	memset(st, 0, sizeof(*st));
	rc = setup(&c, capture, err, errlen);
	if (rc == 0)
		rc = o->jobs > 1 ? replay_jobs_loop(&c, capture, err, errlen)
		     : loop(&c, err, errlen);
	if (teardown(&c, cerr, sizeof(cerr)) != 0 && rc == 0) {
		snprintf(err, errlen, "%s", cerr);
		rc = -1;
	}
	return rc;
}
