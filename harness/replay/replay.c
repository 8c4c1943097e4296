/* SPDX-License-Identifier: MIT */
/*
 * replay.c - see replay.h.
 *
 * Each record becomes a one-NET_BUFFER, one-MDL NBL (a copy: the engine
 * decrypts in place) and goes through receive_net_buffer_lists; what comes
 * back is slot 1 (CryptoDone, NextCryptoDone, CryptoStatus), slot 12
 * (HeaderInfoSet, NextHeader, PadLength) and the bytes. Every key-file SA is
 * offloaded as an inbound SA before the first frame. The capture is read
 * one record at a time, never whole.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipoc_nbl.h"
#include "pcap_in.h"
#include "pcapng_out.h"
#include "replay.h"
#include "replay_reencrypt.h"
#include "sa_offload.h"
#include "session.h"
#include "vec_frame.h"

/* What one receive gave. */
struct outcome {
	bool done, next_done, hdr_set;
	int status, next_header, pad_length;
	int inner;                /* protected protocol: ESP trailer or AH header; -1 */
	uint8_t *bytes;
	uint32_t len;
};

struct engine_run {
	struct session s;
	struct outcome last;
	unsigned indicated;
};

static void on_indicate(void *ctx, NET_BUFFER_LIST *nbl)
{
	struct engine_run *r = ctx;
	uint32_t w = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
	uint32_t h = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(nbl,
							       IPsecOffloadV2HeaderNetBufferListInfo);
	struct outcome *o = &r->last;

	r->indicated++;
	o->done = w & IPSEC_RX_CRYPTO_DONE;
	o->next_done = w & IPSEC_RX_NEXT_CRYPTO_DONE;
	o->status = (int)IPSEC_RX_CRYPTO_STATUS(w);
	o->hdr_set = h & IPSEC_HDR_RX_HEADER_INFO_SET;
	o->next_header = (int)IPSEC_HDR_TX_NEXT_HEADER(h);
	o->pad_length = (int)IPSEC_HDR_TX_PAD_LENGTH(h);
	if (ipoc_nb_flatten(nbl->FirstNetBuffer, o->bytes, o->len, &o->len) != 0)
		o->len = 0;
}

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
}

/* Offload every SA (both families for a protocol-wildcard one). */
static int offload_all(struct engine_run *r, const struct replay_opts *o, uint64_t *refused)
{
	char name[48];

	for (size_t i = 0; i < o->keys->n; i++) {
		const struct key_sa *k = &o->keys->sas[i];
		uint32_t udp = k->udp_encap ? (k->mode == VEC_MODE_TUNNEL
			       ? IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL
			       : IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT) : 0;
		struct vec_sa v;

		to_vec_sa(k, &v);
		for (int fam = 4; fam <= 6; fam += 2) {
			NDIS_HANDLE h;
			NDIS_STATUS st;

			if (k->family != VEC_FAMILY_NONE && (int)k->family != fam)
				continue;
			st = sa_offload_v2(&r->s, &v, (enum vec_family)fam, udp, true, &h);
			if (st != NDIS_STATUS_SUCCESS) {
				(*refused)++;
				fprintf(o->out, "%s:%u: %s refused the SA (SPI 0x%08x): %s (%s)\n",
					o->keys->name, k->line, r->s.ops->name, k->spi,
					ndis_status_name(st, name, sizeof(name)), r->s.last_log);
			}
		}
	}
	return 0;
}

static int open_run(struct engine_run *r, const struct ipoc_engine_ops *ops,
		    const struct replay_opts *o, uint64_t *refused, char *err, size_t errlen)
{
	struct ipoc_open_params p = { sizeof(p), 0, 0, 0 };
	uint32_t n = 0;

	for (size_t i = 0; i < o->keys->n; i++)
		n += o->keys->sas[i].family == VEC_FAMILY_NONE ? 2 : 1;
	p.sa_offload_capacity = n + 16;
	r->s = (struct session){ .echo_level = -1 };
	if (session_open(&r->s, ops, &p, err, errlen) != 0)
		return -1;
	r->s.obs = (struct session_observer){ .ctx = r, .indicate = on_indicate };
	return offload_all(r, o, refused);
}

/* Receive one frame on run r; the bytes come back in r->last. */
static int receive(struct engine_run *r, const uint8_t *frame, uint32_t len, uint8_t *after)
{
	struct ipoc_frame f = { frame, len, { NULL, 0, 0, 0 } };
	NET_BUFFER_LIST *nbl = NULL;
	char err[IPOC_NBL_ERRBUF_SIZE];

	if (ipoc_nbl_build(&nbl, &f, 1, err, sizeof(err)) != 0)
		return -1;
	memset(&r->last, 0, sizeof(r->last));
	r->last.bytes = after;
	r->last.len = len;
	r->indicated = 0;
	r->s.ops->receive_net_buffer_lists(r->s.engine, nbl, 0);
	ipoc_nbl_free(nbl);
	return r->indicated == 1 ? 0 : -1;
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
	else if (k->auth == VEC_AUTH_NONE || k->auth == VEC_AUTH_UNSET)
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

		if (o->hdr_set)
			k += snprintf(buf + k, n - (size_t)k, " next_header=%d pad_length=%d",
				      o->next_header, o->pad_length);
		if (inner && k > 0 && (size_t)k < n)
			snprintf(buf + k, n - (size_t)k, " inner=%s", inner);
	}
}

/* Does o (of a frame whose outer SPI is spi, -1 for none) satisfy e? why
 * gets the first difference. */
static bool meets(const struct outcome *o, int64_t spi, const struct exp_frame *e, char *why,
		  size_t n)
{
	const char *inner = proto_name(o->inner);

	if (e->outcome == EXP_PASS ? o->done : (!o->done || o->status != e->outcome))
		return snprintf(why, n, "expected %s", exp_status_name(e->outcome)), false;
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

struct replay_ctx {
	const struct replay_opts *o;
	struct replay_stats *st;
	struct engine_run eng, ref;
	struct pcap_in *in;
	struct pcapng_out *fail;
	struct reenc *reenc;
	uint8_t *after, *after_ref;
};

static void judge(struct replay_ctx *c, uint64_t num, const struct key_sa *k,
		  const char *desc, bool ok, const char *why)
{
	char alg[48] = "";

	if (k)
		alg_name(k, alg, sizeof(alg));
	if (c->o->verbose || !ok)
		fprintf(c->o->out, "frame %llu: %s%s%s%s%s\n", (unsigned long long)num,
			k ? alg : "", k ? ": " : "", desc, ok ? "" : "  MISMATCH: ", ok ? "" : why);
	if (!ok && c->fail) {
		const uint8_t *rec;
		uint32_t len;
		int lt;

		pcap_in_raw(c->in, &rec, &len, &lt);
		pcapng_out_frame(c->fail, rec, len);
	}
}

static int one_frame(struct replay_ctx *c, uint64_t num, const uint8_t *f, uint32_t len)
{
	const struct replay_opts *o = c->o;
	struct replay_stats *st = c->st;
	const struct key_sa *k = NULL;
	char desc[200], why[200] = "";
	uint32_t spi;
	int64_t frame_spi_value = -1;
	int ah_next = -1;
	bool ah = false, ok = true;

	if (receive(&c->eng, f, len, c->after) != 0) {
		snprintf(why, sizeof(why), "the engine did not indicate the frame exactly once");
		ok = false;
	}
	if (frame_spi(f, len, &spi, &ah, &ah_next)) {
		k = key_for(o->keys, spi, ah);
		frame_spi_value = spi;
	}
	/* The SA the outcome is about: the inner one once the inner portion
	 * was checked (pcaps/README.md, `spi`). */
	if (c->eng.last.next_done && k)
		frame_spi_value = inner_spi(c->after, c->eng.last.len, k);
	/* What the frame protects: the innermost decrypted ESP trailer's Next
	 * Header, else, for a verified AH frame, AH's own Next Header. */
	set_inner(&c->eng.last, ah_next);
	describe(&c->eng.last, desc, sizeof(desc));
	if (c->eng.last.done) {
		st->by_status[c->eng.last.status & 7]++;
		if (k) {
			char alg[48];

			alg_name(k, alg, sizeof(alg));
			count_alg(st, alg);
		}
	} else {
		st->passthrough++;
	}
	if (ok && o->expect)
		ok = meets(&c->eng.last, frame_spi_value, &o->expect->f[num - 1], why, sizeof(why));
	else if (ok && o->ref_ops) {
		ok = receive(&c->ref, f, len, c->after_ref) == 0;
		if (ok) {
			set_inner(&c->ref.last, ah_next);
			ok = same(&c->eng.last, &c->ref.last, why, sizeof(why));
		} else {
			snprintf(why, sizeof(why), "the reference engine did not indicate it");
		}
	}
	if (ok && c->reenc && c->eng.last.done && c->eng.last.status == CRYPTO_SUCCESS &&
	    !c->eng.last.next_done) {
		switch (reenc_frame(c->reenc, f, c->after, len, why, sizeof(why))) {
		case REENC_SAME: st->reenc_same++; break;
		case REENC_DIFFERS: st->reenc_differs++; ok = false; break;
		default: st->reenc_na++; break;
		}
	}
	if (o->expect || o->ref_ops || c->reenc) {
		st->judged++;
		ok ? st->matched++ : st->differed++;
	}
	judge(c, num, k, desc, ok, why);
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
	double t = now();

	if (!c->o->progress || (!done && t - *last < 1.0))
		return;
	*last = t;
	fprintf(stderr, "%sreplay: %llu frames, %.0f frames/s%s", isatty(2) ? "\r" : "",
		(unsigned long long)c->st->frames, c->st->frames / (t - start > 0 ? t - start : 1),
		isatty(2) && !done ? "" : "\n");
}

static int setup(struct replay_ctx *c, const char *capture, char *err, size_t errlen)
{
	const struct replay_opts *o = c->o;

	c->after = malloc(1u << 19);
	c->after_ref = malloc(1u << 19);
	if (!c->after || !c->after_ref) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->in = pcap_in_open(capture, err, errlen);
	if (!c->in)
		return -1;
	if (open_run(&c->eng, o->ops, o, &c->st->sa_refused, err, errlen) != 0)
		return -1;
	if (o->ref_ops && open_run(&c->ref, o->ref_ops, o, &c->st->sa_refused, err, errlen) != 0)
		return -1;
	if (o->reencrypt && !(c->reenc = reenc_open(o->ops, o->keys, err, errlen)))
		return -1;
	if (o->fail_out) {
		const uint8_t *rec;
		uint32_t len;
		int lt;

		pcap_in_raw(c->in, &rec, &len, &lt);
		c->fail = pcapng_out_open(o->fail_out, lt, o->keys_path, err, errlen);
		if (!c->fail)
			return -1;
	}
	return 0;
}

static void teardown(struct replay_ctx *c)
{
	session_close(&c->eng.s);
	if (c->o->ref_ops)
		session_close(&c->ref.s);
	pcap_in_close(c->in);
	pcapng_out_close(c->fail);
	reenc_close(c->reenc);
	free(c->after);
	free(c->after_ref);
}

/* A record with no IP packet: reported, and passed through, so an
 * expectation for it can only be `pass`. */
static void skipped(struct replay_ctx *c, uint64_t num, const char *why)
{
	c->st->skipped++;
	fprintf(c->o->out, "frame %llu: skipped: %s\n", (unsigned long long)num, why);
	if (!c->o->expect)
		return;
	c->st->judged++;
	if (c->o->expect->f[num - 1].outcome == EXP_PASS) {
		c->st->matched++;
		return;
	}
	c->st->differed++;
	fprintf(c->o->out, "frame %llu: MISMATCH: no IP packet, so not offloaded; expected %s\n",
		(unsigned long long)num, exp_status_name(c->o->expect->f[num - 1].outcome));
}

static int loop(struct replay_ctx *c, char *err, size_t errlen)
{
	double start = now(), last = start;
	char why[256];

	for (;;) {
		const uint8_t *f;
		uint32_t len;
		uint64_t num, ts;
		enum pcap_in_result r = pcap_in_next(c->in, &f, &len, &num, &ts, why, sizeof(why));

		if (r == PCAP_IN_EOF)
			break;
		if (r == PCAP_IN_ERROR) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		c->st->frames++;
		if (c->o->expect && num > c->o->expect->frames) {
			snprintf(err, errlen, "%s: the capture has more frames than it lists (%llu)",
				 c->o->expect->name, (unsigned long long)c->o->expect->frames);
			return -1;
		}
		if (r == PCAP_IN_SKIP) {
			skipped(c, num, why);
			continue;
		}
		one_frame(c, num, f, len);
		progress(c, start, &last, false);
	}
	c->st->seconds = now() - start;
	progress(c, start, &last, true);
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
	int rc;

	memset(st, 0, sizeof(*st));
	rc = setup(&c, capture, err, errlen);
	if (rc == 0)
		rc = loop(&c, err, errlen);
	teardown(&c);
	return rc;
}
