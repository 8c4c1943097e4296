/* SPDX-License-Identifier: MIT */
/*
 * diff_traffic.c - generated traffic through two engines (diff.h).
 *
 * Item i of seed s is drawn from a generator seeded by (s, i) alone, so an
 * item is the same in every run and `--item i` replays it. An item is a
 * conformance-suite case made on the fly ("diff/s/i"): its parameters, the
 * direction, the fault put in and the MDL shape. Keys, SPIs and frames
 * come from the case's id as in `ipoc validate`, through the same helpers
 * (vctx.h, vflow.h), once per engine; the reference engine frames and
 * seals.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "ojobs.h"
#include "session.h"
#include "vflow.h"

enum fault { F_CLEAN, F_ICV_FIRST, F_ICV_LAST, F_PAYLOAD, F_SEQ, F_CUT, F_IPLEN, F_COUNT };

static const char *const fault_names[F_COUNT] = {
	"clean", "icv-first", "icv-last", "payload", "seq", "cut", "ip-length"
};

struct item {
	struct vcase c;
	bool send;
	enum fault f;
	uint32_t shape_kind;        /* 0 one MDL, 1 one cut, 2 k cuts, 3 one byte per MDL */
	uint64_t rng;
};

/* What one engine did with an item. */
struct obs {
	enum verdict v;
	char how[200];              /* the verdict's reason, up to its first ':' */
	NDIS_STATUS status;
	uint32_t n_tx;
	uint32_t tx_len;
	uint8_t tx[FB_MAX_FRAME];
	unsigned returned;
	uintptr_t s1, s12;
	uint32_t ind_len;
	bool ind_ok;
	uint8_t ind[FB_MAX_FRAME];
};

static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t seed_of(const char *id)
{
	uint64_t s = 0xcbf29ce484222325ull;

	for (; *id; id++)
		s = (s ^ (uint8_t)*id) * 0x100000001b3ull;
	return s;
}

/* Does either engine leave the item out? */
static bool claimed(const struct vcase *c, const struct dside *a, const struct dside *b)
{
	char why[128];

	return !vcase_excluded(c, &a->caps, why, sizeof(why)) &&
	       !vcase_excluded(c, &b->caps, why, sizeof(why));
}

static bool esp_only(const struct valg *g)
{
	return g->n == 1 && g->m[0].op == IPsecOffloadV2Esp;
}

/* The item a description makes (false: no such item, e.g. transport over
 * tunnel of a configuration that is not ESP alone). */
static bool item_of(const struct ditem *d, const char *id, struct item *it)
{
	static const enum vmode modes[3] = { VM_TRANSPORT, VM_TUNNEL, VM_TOT };
	struct vparams *p = &it->c.p;

	memset(it, 0, sizeof(*it));
	snprintf(it->c.id, sizeof(it->c.id), "%s", id);
	it->c.area = "diff";
	it->c.title = "generated traffic";
	it->c.rule = "";
	p->alg = &valg_all[d->alg % valg_all_n];
	p->mode = modes[d->mode % 3];
	if (p->mode == VM_TOT) {
		p->alg2 = &valg_all[d->alg2 % valg_all_n];
		if (!esp_only(p->alg) || !esp_only(p->alg2))
			return false;
	}
	p->family = d->family == 6 ? 6 : 4;
	if (p->mode != VM_TRANSPORT)
		p->inner_family = d->inner_family == 6 ? 6 : 4;
	if (esp_only(p->alg) && d->udp)
		p->udp = p->mode == VM_TRANSPORT ? VU_TRANSPORT : p->mode == VM_TUNNEL ? VU_TUNNEL
			 : d->udp == 1 ? VU_TOT_OUTER : VU_TOT_INNER;
	p->esn = d->esn;
	p->opts = d->opts;
	p->payload = d->payload % 1200;
	it->send = d->send;
	it->f = d->send ? F_CLEAN : (enum fault)(d->fault % F_COUNT);
	it->shape_kind = d->shape % 4;
	it->rng = d->rng;
	return true;
}

/* The description of draw r (and the draws after it) of a seeded item. */
static void draw(uint64_t *s, uint64_t r, bool lengths, struct ditem *d)
{
	unsigned k, shape;

	memset(d, 0, sizeof(*d));
	d->alg = (uint32_t)(mix(s) % valg_all_n);
	d->mode = r % 5 == 4 ? 2 : r % 2 ? 1 : 0;
	if (d->mode == 2)
		d->alg2 = (uint32_t)(mix(s) % valg_all_n);
	d->family = (r >> 8) % 2 ? 6 : 4;
	d->inner_family = (r >> 9) % 2 ? 6 : 4;
	d->udp = (r >> 10) % 4 == 0 ? 1 + (uint8_t)((r >> 12) % 2 ? 0 : 1) : 0;
	d->esn = (r >> 13) % 4 == 0;
	d->opts = (r >> 15) % 6 == 0;
	d->payload = (uint32_t)((r >> 16) % 1200);
	d->send = (r >> 32) % 2 == 0;
	if (!d->send) {
		k = (unsigned)((r >> 33) % (lengths ? 12 : 10));
		d->fault = (uint8_t)(k < 5 ? F_CLEAN : k < 10 ? 1 + (k - 5) % 4 : F_CUT + (k - 10));
	}
	shape = (unsigned)((r >> 40) % 8);
	d->shape = (uint8_t)(shape < 3 ? 0 : shape < 5 ? 1 : shape < 7 ? 2 : 3);
}

/* Item i of the seed: drawn until both engines claim it (at most 64
 * draws; false when none is claimed). */
static bool gen_item(const struct dopts *o, unsigned i, const struct dside *a,
		     const struct dside *b, struct item *it)
{
	uint64_t s = o->seed * 0x2545F4914F6CDD1Dull ^ ((uint64_t)i << 20) ^ 0xD1FF;
	char id[64];

	snprintf(id, sizeof(id), "diff/%llu/%u", (unsigned long long)o->seed, i);
	for (int tries = 0; tries < 64; tries++) {
		struct ditem d;
		uint64_t r = mix(&s);
		bool ok;

		draw(&s, r, o->lengths, &d);
		ok = item_of(&d, id, it);
		if (!ok)
			continue;
		it->rng = mix(&s);
		if (claimed(&it->c, a, b))
			return true;
	}
	return false;
}

size_t ditem_decode(const uint8_t *p, size_t n, bool lengths, struct ditem *d)
{
	uint8_t b[16] = { 0 };
	size_t k = n < sizeof(b) ? n : sizeof(b);

	memcpy(b, p, k);
	memset(d, 0, sizeof(*d));
	d->alg = b[0];
	d->alg2 = b[1];
	d->mode = b[2] % 3;
	d->family = b[2] & 0x04 ? 6 : 4;
	d->inner_family = b[2] & 0x08 ? 6 : 4;
	d->udp = (b[2] >> 4) % 3;
	d->esn = b[2] & 0x40;
	d->opts = b[2] & 0x80;
	d->send = b[3] & 1;
	d->fault = (uint8_t)((b[3] >> 1) % (lengths ? F_COUNT : F_CUT));
	d->shape = (b[3] >> 5) % 4;
	d->payload = (uint32_t)(b[4] | b[5] << 8) % 1200;
	for (int i = 0; i < 8; i++)
		d->rng |= (uint64_t)b[8 + i] << (8 * i);
	d->rng ^= (uint64_t)b[6] << 48 ^ (uint64_t)b[7] << 56;
	return k;
}

/* The MDL shape of an item for a frame of len bytes (cuts into cuts[]). */
static struct ipoc_mdl_shape shape_of(const struct item *it, uint32_t len, uint32_t *cuts)
{
	struct ipoc_mdl_shape sh;
	uint64_t s = it->rng;
	uint32_t n = 0;

	memset(&sh, 0, sizeof(sh));
	if (len < 2)
		return sh;
	if (it->shape_kind == 3 && len <= 256) {
		for (uint32_t k = 1; k < len; k++)
			cuts[n++] = k;
	} else if (it->shape_kind >= 1) {
		uint32_t want = it->shape_kind == 1 ? 1 : 2 + (uint32_t)(mix(&s) % 6);

		/* Distinct cuts in (0, len), in order. */
		for (uint32_t k = 0; k < want; k++) {
			uint32_t c = 1 + (uint32_t)(mix(&s) % (len - 1)), j = n;

			while (j > 0 && cuts[j - 1] > c)
				j--;
			if (j > 0 && cuts[j - 1] == c)
				continue;
			memmove(cuts + j + 1, cuts + j, (n - j) * sizeof(*cuts));
			cuts[j] = c;
			n++;
		}
	}
	sh.cuts = n ? cuts : NULL;
	sh.n_cuts = n;
	return sh;
}

/* Put the item's fault into wire; *len may shrink. */
static void put_fault(const struct item *it, const struct vx_exchange *e, uint8_t *wire,
		      uint32_t *len)
{
	const struct fb_where *w = &e->f.w[0];
	const struct fb_sa *sa = &e->fs.lv[0].sa;
	uint64_t s = it->rng ^ 0xFA17;
	bool esp = sa->esp;
	uint32_t icv = esp ? w->icv : w->ah_icv, icv_len = esp ? sa->esp_icv : sa->ah_icv;

	switch (it->f) {
	case F_ICV_FIRST:
	case F_ICV_LAST:
		if (icv_len)
			wire[icv + (it->f == F_ICV_LAST ? icv_len - 1 : 0)] ^= 0x01;
		else
			wire[w->icv - 1] ^= 0x01;   /* no ICV: the Next Header byte's block */
		break;
	case F_PAYLOAD: {
		uint32_t lo = esp ? w->payload : e->f.upper, hi = esp ? w->icv : e->f.upper_end;

		if (hi > lo)
			wire[lo + (uint32_t)(mix(&s) % (hi - lo))] ^= (uint8_t)(1u << (mix(&s) % 8));
		break;
	}
	case F_SEQ:
		wire[(esp ? w->esp + 4 : w->ah + 8) + (uint32_t)(mix(&s) % 4)] ^= 0x10;
		break;
	case F_CUT: {
		uint32_t cut = 1 + (uint32_t)(mix(&s) % 16);

		*len = *len > w->ip + 40 + cut ? *len - cut : w->ip + 40;
		break;
	}
	case F_IPLEN:
		if (wire[w->ip] >> 4 == 4) {
			wire[w->ip + 3] ^= (uint8_t)(1 + mix(&s) % 31);
			fb_fix_ipv4(wire, w->ip);
		} else {
			wire[w->ip + 5] ^= (uint8_t)(1 + mix(&s) % 31);
		}
		break;
	default:
		break;
	}
}

/* Close what a vctx opened. */
static void end_ctx(struct vctx *x)
{
	while (x->n_inst)
		eh_close(x->eh, x->inst[--x->n_inst]);
	while (x->n_rinst)
		eh_close(x->ref, x->rinst[--x->n_rinst]);
}

static void begin_ctx(struct vctx *x, struct dside *s, struct eh *ref, const struct item *it,
		      const struct vopts *vo)
{
	memset(x, 0, sizeof(*x));
	x->eh = s->eh;
	x->ref = ref;
	x->caps = s->caps;
	x->o = vo;
	x->c = &it->c;
	x->rng = seed_of(it->c.id);
	x->next_spi = 0x100 + (vx_rand(x) & 0x00FFFF00u);
}

/* The verdict of a side that did not go through, in words that hold no
 * offsets or values: a fault as the host names it, a contract breach up
 * to its first colon. */
static void settle(struct vctx *x, struct dside *s, struct obs *ob, unsigned *faults)
{
	char err[256];

	ob->v = x->r.v;
	if (ob->v == V_PASSED)
		return;
	if (ob->v >= V_CRASHED) {
		eh_fault_text(s->eh, ob->how, sizeof(ob->how));
		(*faults)++;
	} else {
		snprintf(ob->how, sizeof(ob->how), "%.*s", (int)strcspn(x->r.why, ":("),
			 x->r.why);
	}
	end_ctx(x);
	if (ob->v >= V_CRASHED && eh_restart(s->eh, err, sizeof(err)) != 0)
		snprintf(ob->how + strlen(ob->how), sizeof(ob->how) - strlen(ob->how),
			 " (and did not restart)");
}

static void keep_tx(struct obs *ob, const struct eh_io_out *o)
{
	ob->status = o->n_nbl ? o->nbls[0].status : NDIS_STATUS_FAILURE;
	ob->n_tx = o->n_tx;
	if (o->n_tx && o->tx[0].bytes && o->tx[0].len <= sizeof(ob->tx)) {
		ob->tx_len = o->tx[0].len;
		memcpy(ob->tx, o->tx[0].bytes, ob->tx_len);
	}
}

static void keep_rx(struct obs *ob, const struct eh_io_out *o)
{
	const struct eh_nbl_out *n = o->n_nbl ? &o->nbls[0] : NULL;

	ob->returned = n ? n->returned : 0;
	ob->s1 = n ? n->slots[IPsecOffloadV2NetBufferListInfo] : 0;
	ob->s12 = n ? n->slots[IPsecOffloadV2HeaderNetBufferListInfo] : 0;
	if (n && n->n_nb && n->nbs[0].bytes && n->nbs[0].len <= sizeof(ob->ind)) {
		ob->ind_ok = true;
		ob->ind_len = n->nbs[0].len;
		memcpy(ob->ind, n->nbs[0].bytes, ob->ind_len);
	}
}

/* Send the item on one engine (IVs injected when inject). */
static void run_send(struct dside *s, struct eh *ref, const struct item *it,
		     const struct vx_exchange *e, const struct ipoc_mdl_shape *sh, bool inject,
		     const struct vopts *vo, struct obs *ob, unsigned *faults)
{
	struct vctx x;
	NDIS_HANDLE h[2];
	uint32_t inst;
	const struct eh_io_out *o;

	memset(ob, 0, sizeof(*ob));
	begin_ctx(&x, s, ref, it, vo);
	inst = vx_open(&x, NULL);
	if (inst != UINT32_MAX && vf_add(&x, inst, e, false, h)) {
		struct vx_tx t = { e->n_sa == 2 ? h[1] : h[0], e->n_sa == 2 ? h[0] : NULL,
				   e->f.hdr_info, 0 };
		bool ok = true;

		for (uint32_t i = 0; inject && ok && i < e->n_sa; i++) {
			uint8_t ivs[2][16];

			vx_ivs(&x, e->key + i, ivs);
			ok = vx_inject(&x, s->eh, inst, h[i], &e->sp[i], ivs);
		}
		if (ok && (o = vx_send(&x, inst, e->f.b, e->f.len, sh, IPOC_NBL_GUARD_TAIL, &t)))
			keep_tx(ob, o);
	}
	settle(&x, s, ob, faults);
	end_ctx(&x);
}

/* Receive wire (len bytes) on one engine. */
static void run_recv(struct dside *s, struct eh *ref, const struct item *it,
		     const struct vx_exchange *e, const uint8_t *wire, uint32_t len,
		     const struct ipoc_mdl_shape *sh, const struct vopts *vo, struct obs *ob,
		     unsigned *faults)
{
	struct vctx x;
	NDIS_HANDLE h[2];
	uint32_t inst;
	const struct eh_io_out *o;

	memset(ob, 0, sizeof(*ob));
	begin_ctx(&x, s, ref, it, vo);
	inst = vx_open(&x, NULL);
	if (inst != UINT32_MAX && vf_add(&x, inst, e, true, h) &&
	    (o = vx_recv(&x, inst, wire, len, sh, IPOC_NBL_GUARD_TAIL)))
		keep_rx(ob, o);
	settle(&x, s, ob, faults);
	end_ctx(&x);
}

/* "esp/tunnel", "ah/transport/esn", "udp-esp/tot": the protocol and mode,
 * with ESN (the IP family and options are left to the example: a fault
 * seldom cares). */
static void domain(const struct item *it, char *buf, size_t len)
{
	static const char *const modes[VM_COUNT] = { "transport", "tunnel", "tot" };
	const struct valg *g = it->c.p.alg;
	const char *proto = g->n == 2 ? "esp+ah" : g->m[0].op == IPsecOffloadV2Ah ? "ah"
						 : it->c.p.udp ? "udp-esp" : "esp";

	snprintf(buf, len, "%s/%s%s", proto, modes[it->c.p.mode], it->c.p.esn ? "/esn" : "");
}

/* The first receive field that differs, as "Field A | B"; "" if none. */
static void rx_diff(const struct vx_exchange *e, const struct obs *a, const struct obs *b,
		    char *out, size_t len)
{
	static const struct { const char *name; uintptr_t bit; } flags[] = {
		{ "CryptoDone", IPSEC_RX_CRYPTO_DONE },
		{ "NextCryptoDone", IPSEC_RX_NEXT_CRYPTO_DONE },
		{ "SaDeleteReq", IPSEC_RX_SA_DELETE_REQ },
	};
	out[0] = '\0';
	if (a->returned != b->returned) {
		snprintf(out, len, "indicated %u | %u times", a->returned, b->returned);
		return;
	}
	if (IPSEC_RX_CRYPTO_STATUS(a->s1) != IPSEC_RX_CRYPTO_STATUS(b->s1)) {
		snprintf(out, len, "CryptoStatus %s | %s",
			 crypto_status_name(IPSEC_RX_CRYPTO_STATUS(a->s1)),
			 crypto_status_name(IPSEC_RX_CRYPTO_STATUS(b->s1)));
		return;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!(a->s1 & flags[i].bit) != !(b->s1 & flags[i].bit)) {
			snprintf(out, len, "%s %d | %d", flags[i].name, !!(a->s1 & flags[i].bit),
				 !!(b->s1 & flags[i].bit));
			return;
		}
	if ((a->s12 & IPSEC_HDR_RX_HEADER_INFO_SET) != (b->s12 & IPSEC_HDR_RX_HEADER_INFO_SET)) {
		snprintf(out, len, "HeaderInfoSet %d | %d", !!(a->s12 & IPSEC_HDR_RX_HEADER_INFO_SET),
			 !!(b->s12 & IPSEC_HDR_RX_HEADER_INFO_SET));
		return;
	}
	if ((uint32_t)a->s12 != (uint32_t)b->s12) {
		snprintf(out, len, "%s differs", IPSEC_HDR_TX_NEXT_HEADER(a->s12) !=
			 IPSEC_HDR_TX_NEXT_HEADER(b->s12) ? "NextHeader" : "PadLength");
		return;
	}
	if (a->ind_ok != b->ind_ok || a->ind_len != b->ind_len) {
		snprintf(out, len, "indicated length differs");
		return;
	}
	for (uint32_t i = 0; i < a->ind_len; i++)
		if (a->ind[i] != b->ind[i]) {
			snprintf(out, len, "indicated bytes differ in %s", vf_part(e, i));
			return;
		}
}

/* The first send field that differs, compared exactly. */
static void tx_diff(const struct vx_exchange *e, const struct obs *a, const struct obs *b,
		    char *out, size_t len)
{
	char x[48], y[48];

	out[0] = '\0';
	if (a->status != b->status)
		snprintf(out, len, "status %s | %s", ndis_status_name(a->status, x, sizeof(x)),
			 ndis_status_name(b->status, y, sizeof(y)));
	else if (a->n_tx != b->n_tx)
		snprintf(out, len, "frames transmitted %u | %u", a->n_tx, b->n_tx);
	else if (a->tx_len != b->tx_len)
		snprintf(out, len, "transmitted length differs");
	else
		for (uint32_t i = 0; i < a->tx_len; i++)
			if (a->tx[i] != b->tx[i]) {
				snprintf(out, len, "transmitted bytes differ in %s", vf_part(e, i));
				return;
			}
}

/* Without injected IVs: each engine receives what the other sent, with the
 * packet back and CRYPTO_SUCCESS wanted. "" when both do. */
static void cross_diff(struct dside *a, struct dside *b, struct eh *ref, const struct item *it,
		       const struct vx_exchange *e, const struct obs *oa, const struct obs *ob,
		       const struct vopts *vo, unsigned *faults, char *out, size_t len)
{
	const struct { struct dside *rx; const struct obs *tx; const char *what; } way[2] = {
		{ b, oa, "A's frame on B" }, { a, ob, "B's frame on A" },
	};
	uintptr_t want = vx_want_slot1(e->n_sa, CRYPTO_SUCCESS);
	char part[2][160];

	out[0] = '\0';
	for (int k = 0; k < 2; k++) {
		static struct obs r;

		part[k][0] = '\0';
		if (way[k].tx->status != NDIS_STATUS_SUCCESS || way[k].tx->n_tx != 1) {
			char sn[48];

			snprintf(part[k], sizeof(part[k]), "%s: %s, %u frames",
				 k ? "B sent" : "A sent",
				 ndis_status_name(way[k].tx->status, sn, sizeof(sn)),
				 way[k].tx->n_tx);
			continue;
		}
		run_recv(way[k].rx, ref, it, e, way[k].tx->tx, way[k].tx->tx_len, NULL, vo, &r,
			 faults);
		if (r.v != V_PASSED)
			snprintf(part[k], sizeof(part[k]), "%s: %.120s", way[k].what, r.how);
		else if ((r.s1 & ~(uintptr_t)IPSEC_RX_SA_DELETE_REQ) != want)
			snprintf(part[k], sizeof(part[k]), "%s: %s%s", way[k].what,
				 crypto_status_name(IPSEC_RX_CRYPTO_STATUS(r.s1)),
				 r.s1 & IPSEC_RX_CRYPTO_DONE ? "" : " (not processed)");
		else
			for (uint32_t i = 0; i < r.ind_len && i < e->f.len; i++)
				if (r.ind[i] != e->f.b[i] && !(e->mask[i] & VX_FIELD)) {
					snprintf(part[k], sizeof(part[k]), "%s: decrypted bytes "
						 "differ in %s", way[k].what, vf_part(e, i));
					break;
				}
	}
	if (part[0][0] || part[1][0])
		snprintf(out, len, "%.140s; %.140s", part[0][0] ? part[0] : "A's frame on B: ok",
			 part[1][0] ? part[1] : "B's frame on A: ok");
}

/* What a side did, for the example of a divergence. */
static void describe(bool send, const struct obs *o, char *buf, size_t len)
{
	char t[96];

	if (o->v != V_PASSED)
		snprintf(buf, len, "%s", o->how);
	else if (send)
		snprintf(buf, len, "completed %s, %u frame(s) sent", ndis_status_name(o->status, t,
			 sizeof(t)), o->n_tx);
	else
		snprintf(buf, len, "indicated %u time(s), %s, slot 12 0x%08x, %u bytes",
			 o->returned, vx_slot1_text(o->s1, t, sizeof(t)), (unsigned)o->s12,
			 o->ind_len);
}

static void verdict_word(const struct obs *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", o->v == V_PASSED ? "ok" : o->how);
}

/* What one item came to on both engines. */
struct outcome {
	char dom[64];               /* "esp/tunnel/esn" */
	char what[300];             /* the first difference; "" when they agree */
	char algs[72];
	char detail[640];           /* what each engine did */
	char why_not[200];          /* it could not be framed: why */
	uint32_t len, n_cuts;       /* the frame's length, its MDL cuts */
};

/* One item through both engines. false when it could not be framed (the
 * reference cannot seal it: why_not). */
static bool compare_item(struct dside *a, struct dside *b, struct eh *ref, const struct item *it,
			 const struct vopts *vo, unsigned *faults, struct outcome *oc)
{
	static struct vx_exchange e;
	static struct obs oa, ob;
	static uint8_t wire[FB_MAX_FRAME];
	static uint32_t cuts[FB_MAX_FRAME];
	struct ipoc_mdl_shape sh;
	struct vctx x;
	char wa[200], wb[200];
	bool inject = eh_info(a->eh)->has_tx_iv && eh_info(b->eh)->has_tx_iv;
	uint32_t len;

	memset(oc, 0, sizeof(*oc));
	/* diff files no host reproducers (an item is its own, --item N): the
	 * hosts keep this item's requests only, not every item's. */
	eh_mark(a->eh);
	eh_mark(b->eh);
	if (ref && ref != a->eh && ref != b->eh)
		eh_mark(ref);
	begin_ctx(&x, a, ref, it, vo);
	if (!vf_prepare(&x, &it->c.p, 1 + (uint32_t)(it->rng % 1000), 1, &e)) {
		end_ctx(&x);
		snprintf(oc->why_not, sizeof(oc->why_not), "%.190s", x.r.why);
		return false;
	}
	end_ctx(&x);
	memcpy(wire, e.wire, e.f.len);
	len = e.f.len;
	if (!it->send)
		put_fault(it, &e, wire, &len);
	sh = shape_of(it, it->send ? e.f.len : len, cuts);
	domain(it, oc->dom, sizeof(oc->dom));
	if (it->send) {
		run_send(a, ref, it, &e, &sh, inject, vo, &oa, faults);
		run_send(b, ref, it, &e, &sh, inject, vo, &ob, faults);
		if (oa.v != V_PASSED || ob.v != V_PASSED) {
			verdict_word(&oa, wa, sizeof(wa));
			verdict_word(&ob, wb, sizeof(wb));
			if (strcmp(wa, wb) != 0)
				snprintf(oc->what, sizeof(oc->what), "%.140s | %.140s", wa, wb);
		} else if (inject) {
			tx_diff(&e, &oa, &ob, oc->what, sizeof(oc->what));
		} else {
			cross_diff(a, b, ref, it, &e, &oa, &ob, vo, faults, oc->what,
				   sizeof(oc->what));
		}
	} else {
		run_recv(a, ref, it, &e, wire, len, &sh, vo, &oa, faults);
		run_recv(b, ref, it, &e, wire, len, &sh, vo, &ob, faults);
		if (oa.v != V_PASSED || ob.v != V_PASSED) {
			verdict_word(&oa, wa, sizeof(wa));
			verdict_word(&ob, wb, sizeof(wb));
			if (strcmp(wa, wb) != 0)
				snprintf(oc->what, sizeof(oc->what), "%.140s | %.140s", wa, wb);
		} else {
			rx_diff(&e, &oa, &ob, oc->what, sizeof(oc->what));
		}
	}
	if (it->c.p.mode == VM_TOT)
		snprintf(oc->algs, sizeof(oc->algs), "%s over %s", it->c.p.alg->name,
			 it->c.p.alg2->name);
	else
		snprintf(oc->algs, sizeof(oc->algs), "%s", it->c.p.alg->name);
	oc->len = len;
	oc->n_cuts = sh.n_cuts;
	describe(it->send, &oa, wa, sizeof(wa));
	describe(it->send, &ob, wb, sizeof(wb));
	snprintf(oc->detail, sizeof(oc->detail), "A: %.300s; B: %.300s", wa, wb);
	return true;
}

/* The signature of a divergence: direction, domain, what differs. */
static void signature(const struct item *it, const struct outcome *oc, char *sig, size_t len)
{
	int n = snprintf(sig, len, "%s %s: ", it->send ? "send" : "receive", oc->dom);

	if (n >= 0 && (size_t)n < len) {
		/* the difference, cut where the signature ends */
		size_t w = strlen(oc->what), room = len - (size_t)n - 1;

		if (w > room)
			w = room;
		memcpy(sig + n, oc->what, w);
		sig[(size_t)n + w] = '\0';
	}
}

/* The item in words, after "item N (...): " or the like. */
static void told(const struct item *it, const struct outcome *oc, char *buf, size_t len)
{
	snprintf(buf, len, "%s, %s%s, IPv%d%s, %u bytes, %u MDL%s", oc->algs,
		 it->send ? "sent" : "received ", it->send ? "" : fault_names[it->f],
		 it->c.p.family, it->c.p.opts ? " with options" : "", oc->len, oc->n_cuts + 1,
		 oc->n_cuts ? "s" : "");
}

/* What one item came to, for the result: counts and the divergence (the
 * arguments of its dresult_add). Fixed-size, so that a job can send it. */
struct ires {
	uint32_t excluded, compared, divergent, faults;
	bool add;
	bool has_fault;
	char sig[256], algs[72], fault[32];
	char ex[400];
	uint32_t len;
	char detail[640];
};

/* One item through both engines; what it came to into r, its line (when
 * verbose) on log. */
static void run_item(struct dside *a, struct dside *b, struct eh *ref, const struct item *it,
		     uint64_t seed, unsigned index, const struct vopts *vo, struct ires *r,
		     FILE *log, bool verbose)
{
	static struct outcome oc;
	char t[160];

	if (!compare_item(a, b, ref, it, vo, &r->faults, &oc)) {
		r->excluded++;
		if (verbose)
			fprintf(log, "%s: not run: %s\n", it->c.id, oc.why_not);
		return;
	}
	r->compared++;
	if (verbose)
		fprintf(log, "%s: %s %s %s %s, %u bytes, %u MDLs: %s\n", it->c.id,
			it->send ? "send" : "receive", oc.dom, it->c.p.alg->name, fault_names[it->f],
			oc.len, oc.n_cuts + 1, oc.what[0] ? oc.what : "same");
	if (!oc.what[0])
		return;
	r->divergent++;
	r->add = true;
	signature(it, &oc, r->sig, sizeof(r->sig));
	told(it, &oc, t, sizeof(t));
	snprintf(r->ex, sizeof(r->ex), "item %u (ipoc diff --seed %llu --item %u): %s", index,
		 (unsigned long long)seed, index, t);
	snprintf(r->algs, sizeof(r->algs), "%s", oc.algs);
	r->has_fault = !it->send;
	snprintf(r->fault, sizeof(r->fault), "%s", it->send ? "" : fault_names[it->f]);
	r->len = oc.len;
	snprintf(r->detail, sizeof(r->detail), "%s", oc.detail);
}

/* Item i, generated and run (not claimed by both: excluded). */
static void one_item(struct dside *a, struct dside *b, struct eh *ref, const struct dopts *o,
		     unsigned i, struct ires *r, FILE *log)
{
	struct vopts vo = { 1000000, NULL, o->verbose, 0 };
	static struct item it;

	memset(r, 0, sizeof(*r));
	if (!gen_item(o, i, a, b, &it)) {
		r->excluded++;
		return;
	}
	run_item(a, b, ref, &it, o->seed, i, &vo, r, log, o->verbose || o->item >= 0);
}

/* Count what an item came to into out. 0, or -1 when out of memory. */
static int apply(struct dresult *out, const struct ires *r)
{
	out->items++;
	out->excluded += r->excluded;
	out->compared += r->compared;
	out->divergent += r->divergent;
	out->faults += r->faults;
	return r->add ? dresult_add(out, r->sig, r->algs, r->has_fault ? r->fault : NULL, r->ex,
				    r->len, r->detail) : 0;
}

int diff_one(struct dside *a, struct dside *b, struct eh *ref, const struct ditem *d,
	     struct dverdict *v)
{
	static struct item it;
	static struct outcome oc;
	struct vopts vo = { 1000000, NULL, false, 0, NULL };

	memset(v, 0, sizeof(*v));
	if (!item_of(d, "diff/item", &it) || !claimed(&it.c, a, b))
		return 0;
	if (!compare_item(a, b, ref, &it, &vo, &v->faults, &oc))
		return 0;
	v->run = true;
	snprintf(v->domain, sizeof(v->domain), "%s %s", it.send ? "send" : "receive", oc.dom);
	told(&it, &oc, v->example, sizeof(v->example));
	if (!oc.what[0])
		return 0;
	signature(&it, &oc, v->sig, sizeof(v->sig));
	snprintf(v->detail, sizeof(v->detail), "%s", oc.detail);
	return 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --jobs: items are dealt out in chunks of DIFF_CHUNK, chunk k to job
 * k mod jobs (common/ojobs.h), each job with engine hosts of its own; per
 * item a job sends its line (verbose) and what it came to, and the parent
 * counts them in item order: the result is that of one process. */
#define DIFF_CHUNK 32u

enum { DR_TEXT = 1, DR_ITEM, DR_ERR };

struct djob {
	struct dside *a, *b;
	struct eh *ref;
	const struct dopts *o;
	unsigned first, end;
	struct dresult *out;
	FILE *log;
	bool progress, tty;
	double last;
	int rc;
	char why[256];
};

/* A side in the engine host process gets a host of its own in the job. */
static int job_side(const struct dopts *o, struct dside *s, int which)
{
	if (eh_mode(s->eh) != EH_CHILD)
		return 0;
	eh_abandon(s->eh);
	s->eh = NULL;
	return o->reload && o->reload(o->reload_arg, which, &s->eh) == 0 ? 0 : -1;
}

static int djob_work(void *ctx, unsigned worker, unsigned jobs, struct ojw *w)
{
	struct djob *d = ctx;
	struct ojw_text t;
	static struct ires r;

	if (ojw_text_open(&t) != 0)
		return 1;
	if (job_side(d->o, d->a, 0) != 0 || job_side(d->o, d->b, 1) != 0) {
		static const char why[] = "a job could not load an engine again";

		ojw_put(w, DR_ERR, why, sizeof(why) - 1);
		return ojw_end_chunk(w, true) == 0 ? 0 : 1;
	}
	for (uint64_t k = worker;; k += jobs) {
		uint64_t from = d->first + k * DIFF_CHUNK;
		unsigned to;

		if (from >= d->end)
			break;   /* the last chunk was another job's */
		to = from + DIFF_CHUNK < d->end ? (unsigned)from + DIFF_CHUNK : d->end;
		for (unsigned i = (unsigned)from; i < to; i++) {
			one_item(d->a, d->b, d->ref, d->o, i, &r, t.f);
			if (ojw_put_text(w, DR_TEXT, &t) != 0)
				return 1;
			if (ojw_put(w, DR_ITEM, &r, sizeof(r)) != 0)
				return 1;
		}
		if (ojw_end_chunk(w, to == d->end) != 0)
			return 1;
		if (to == d->end)
			return 0;
	}
	return ojw_end_chunk(w, true) == 0 ? 0 : 1;
}

static int djob_rec(void *ctx, uint64_t chunk, uint32_t type, const uint8_t *p, size_t n)
{
	struct djob *d = ctx;
	static struct ires r;

	(void)chunk;
	if (type == DR_TEXT) {
		fwrite(p, 1, n, d->log);
		return 0;
	}
	if (type == DR_ERR) {
		snprintf(d->why, sizeof(d->why), "%.*s", (int)n, (const char *)p);
		d->rc = -2;
		return 1;
	}
	if (type != DR_ITEM || n != sizeof(r))
		return -1;
	memcpy(&r, p, n);
	if (apply(d->out, &r) != 0)
		return -1;
	if (d->progress && now_s() - d->last > (d->tty ? 1.0 : 10.0)) {
		d->last = now_s();
		fprintf(stderr, "%sdiff: %u/%u items, %u divergent, %u jobs%s", d->tty ? "\r" : "",
			d->out->items, d->end - d->first, d->out->divergent, d->o->jobs,
			d->tty ? "" : "\n");
	}
	return 0;
}

int diff_traffic(struct dside *a, struct dside *b, struct eh *ref, const struct dopts *o,
		 struct dresult *out, FILE *log, bool progress)
{
	static struct ires r;
	double last = now_s();
	bool tty = isatty(2);
	unsigned first = o->item >= 0 ? (unsigned)o->item : 0;
	unsigned end = o->item >= 0 ? first + 1 : o->count;

	if (o->jobs > 1 && end - first > DIFF_CHUNK) {
		struct djob d = { a, b, ref, o, first, end, out, log, progress, tty, last, 0, "" };
		char err[256];
		int rc = ojobs_run(o->jobs, djob_work, &d, djob_rec, &d, err, sizeof(err));

		if (progress && tty)
			fprintf(stderr, "\r%-60s\r", "");
		if (rc != 0)
			fprintf(stderr, "ipoc diff: %s\n", d.rc ? d.why : rc == -1 ? "out of memory"
				: err);
		return rc == 0 ? 0 : -1;
	}
	for (unsigned i = first; i < end; i++) {
		one_item(a, b, ref, o, i, &r, log);
		if (apply(out, &r) != 0)
			return -1;
		if (progress && now_s() - last > (tty ? 1.0 : 10.0)) {
			last = now_s();
			fprintf(stderr, "%sdiff: %u/%u items, %u divergent%s", tty ? "\r" : "",
				i + 1 - first, end - first, out->divergent, tty ? "" : "\n");
		}
	}
	if (progress && tty)
		fprintf(stderr, "\r%-60s\r", "");
	return 0;
}
