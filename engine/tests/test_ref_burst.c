/* SPDX-License-Identifier: MIT */
/*
 * test_ref_burst.c - chains of mixed NBLs through the engine's bursts give,
 * NBL by NBL, what the same NBLs give each in a chain of its own.
 *
 * The receive path takes a chain in windows of 64 NBLs and runs the ESP
 * crypto of a window as one burst (ref_recv.c, ref_run_jobs); the send path
 * queues ESP seals in bursts of 64 and transmits in chain order
 * (ref_send.c). A burst must not change any NBL's outcome: the one-frame
 * path is the oracle. Each chain is run twice, on two engine instances with
 * the same SAs added in the same order: once as one chain, once NBL by NBL
 * (each alone, in chain order), and every slot, Status, byte and
 * transmitted frame is compared. The outcomes are also held to concrete
 * expectations, so that both paths being wrong the same way fails too:
 * decrypted bytes are the plaintext the frame was built from, a tampered
 * frame has the CRYPTO_*_AUTH_FAILED status of its portion and its bytes as
 * they arrived, sealed frames decrypt on the inbound SA.
 *
 * Receive mix (a chain of 150 NBLs: three windows, and one of 40): good
 * frames on AES-GCM and AES-CBC + HMAC-SHA1 SAs, transport and tunnel,
 * interleaved; ICV and ciphertext tampered (GCM and CBC); ESN frames of the
 * next epoch (the one-frame path tries it, PROFILE.md item 15) and two
 * epochs ahead (fails) among current ones; a duplicate of an earlier frame
 * (replay checking is TCP/IP's, R-RX-5: it decrypts again); frames in
 * three MDLs (not queued), tampered or not; an AH frame (not queued);
 * NBLs whose MDLs point into another NBL's buffer: a one-MDL view of an
 * earlier frame and of a later one (the burst queues the first of two
 * overlapping frames only), and a three-MDL view of a later frame (not
 * queued itself, while the frame it overlaps is). The expected outcome of
 * a shared buffer is the sequential one: the first NBL that reaches it
 * decrypts it in place, the others then fail on plaintext.
 *
 * Send mix (a chain of 130 NBLs and one of 30): ESP transport and tunnel on
 * GCM and CBC + HMAC-SHA1, ESN, AH, transport over tunnel, LSO (MSS 1000,
 * three segments), NBLs of two NET_BUFFERs, frames in three MDLs, an NBL
 * whose header information does not match its trailer
 * (NDIS_STATUS_INVALID_PACKET, nothing sent), one with no IPsec handles,
 * and an NBL whose MDL lies over the buffer of an NBL three before it
 * (sent after that one, it finds the bytes sealed and is refused; in a
 * chain the seal of that NBL is still queued when it comes).
 * IVs are injected (the test hook), so both runs put the same bytes on the
 * wire; every transmitted frame is then received on the inbound SA.
 *
 * Built twice: on the OpenSSL engine (bursts run job by job) and, where
 * intel-ipsec-mb is found, on the ipsec-mb engine (multi-buffer bursts).
 */
#include <stdlib.h>

#include "engine_io.h"
#include "ipoc_test.h"

enum { MAXF = 4096, MAX_ITEMS = 160, MAX_CUTS = 4, MAX_TX = 512 };

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NONE IPSEC_OFFLOAD_V2_ENCRYPTION_NONE
#define GCM128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128
#define GCM256 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256
#define CBC128 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128
#define CBC192 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192
#define CBC256 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256
#define SHA1 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1
#define SHA256 IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256

/* ---- SAs ---- */

/* One SA bundle of the test: ESP (enc, auth; GCM ICV icv) or AH (auth),
 * on the outer level of family; inner != 0: a tunnel whose inner packet is
 * of that family. esn: the ESN high half (0: no ESN). */
struct bsa {
	uint32_t spi;
	bool ah;
	ULONG enc, auth, icv;
	int family, inner;
	ULONG esn;
	int level;                /* 1: the transport SA inside a tunnel (the
	                             inner level's addresses) */
};

static void levels_of(const struct bsa *a, struct fb_spec *fs)
{
	fs->n_levels = a->inner ? 2 : 1;
	fb_level_std(&fs->lv[0], a->family, 0, false);
	if (a->inner)
		fb_level_std(&fs->lv[1], a->inner, 1, false);
}

/* The ADD_SA spec of a for level l; high: the ESN high half to offload. */
static struct sa_spec spec_of(const struct bsa *a, const struct fb_level *l, bool inbound,
			      ULONG high)
{
	struct sa_spec sp = a->ah ? sa_spec_ah(fb_spi_ndis(a->spi), a->auth)
				  : sa_spec_esp(fb_spi_ndis(a->spi), a->enc, a->auth);

	if (a->icv)
		sp.m[0].enc.add_info = a->icv;
	memcpy(sp.src, l->src, 16);
	memcpy(sp.dst, l->dst, 16);
	sp.flags = (l->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0) |
		   (inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0);
	if (a->esn) {
		sp.m[0].flags = IPSEC_OFFLOAD_V2_ESN_SA;
		sp.m[0].esn_high = high;
	}
	return sp;
}

/* Add a's SA to s: inbound, or outbound with the ESN high half a->esn +
 * epoch and the IV 0xA0 + salt, 0xA1 + salt, ... injected. */
static NDIS_HANDLE add_sa(struct session *s, const struct bsa *a, const struct fb_level *l,
			  bool inbound, ULONG epoch, uint8_t salt)
{
	struct sa_spec sp = spec_of(a, l, inbound, a->esn + epoch);
	NDIS_HANDLE h = NULL;
	struct fb_sa fsa;

	IPOC_CHECK_EQ(sa_add(s, &sp, &h), NDIS_STATUS_SUCCESS);
	if (inbound || !h)
		return h;
	fb_sa_from_spec(&sp, 1, &fsa);
	if (fsa.esp)
		IPOC_CHECK_EQ(fb_inject_iv(s, h, fsa.esp_spi, fsa.esp_iv, salt, NULL),
			      NDIS_STATUS_SUCCESS);
	if (fsa.ah && fsa.ah_iv)
		IPOC_CHECK_EQ(fb_inject_iv(s, h, fsa.ah_spi, fsa.ah_iv, salt, NULL),
			      NDIS_STATUS_SUCCESS);
	return h;
}

/* The level an SA protects: the outer one, or the inner one of a nested
 * pair's transport SA. */
static void level_for(const struct bsa *a, struct fb_level *l)
{
	fb_level_std(l, a->family, a->level, false);
}

/* Bytes a frame is expected to have after it decrypted: the plaintext
 * frame, with the IV and ICV fields as they were on the wire (ESP level 0
 * only: what ref_recv.c decrypts in place is [payload, ICV)). */
static void decrypted_of(const struct fb_frame *f, const uint8_t *wire, uint8_t *out)
{
	const struct fb_where *w = &f->w[0];

	memcpy(out, wire, f->len);
	if (w->esp)
		memcpy(out + w->payload, f->b + w->payload, w->icv - w->payload);
}

static struct fb_frame f;

/* ======================================================== receive ==== */

static const struct bsa rx_sas[] = {
	{ 0x1100, false, GCM128, 0, 16, 4, 0, 0 },       /* 0 GCM transport */
	{ 0x1200, false, GCM256, 0, 8, 6, 4, 0 },        /* 1 GCM tunnel 4-in-6 */
	{ 0x1300, false, CBC128, SHA1, 0, 4, 0, 0 },     /* 2 CBC transport */
	{ 0x1400, false, CBC256, SHA1, 0, 4, 6, 0 },     /* 3 CBC tunnel 6-in-4 */
	{ 0x1500, false, GCM128, 0, 16, 4, 0, 7 },       /* 4 GCM ESN */
	{ 0x1600, false, CBC128, SHA1, 0, 6, 0, 7 },     /* 5 CBC ESN */
	{ 0x1700, true, 0, SHA1, 0, 4, 0, 0 },           /* 6 AH */
};
enum { N_RX_SA = N(rx_sas), EPOCHS = 3 };

enum rkind {
	R_GOOD, R_ICV, R_CT, R_ESN_NEXT, R_ESN_FAR, R_DUP, R_MDL, R_MDL_ICV, R_AH,
	R_VIEW,        /* one MDL over the buffer of item target */
	R_SPLIT_VIEW,  /* three MDLs over the buffer of item target */
};

static const char *const rkind_name[] = {
	"good", "icv-tampered", "ciphertext-tampered", "esn-next-epoch", "esn-two-epochs",
	"duplicate", "three-mdl", "three-mdl-icv-tampered", "ah", "view", "three-mdl-view",
};

/* A frame of the mix: its kind, SA, and rel (the item a duplicate or view
 * is of, relative to this one). */
struct recipe {
	enum rkind kind;
	int sa;
	int rel;
};

/* 25 items, repeated: views and duplicates point at good frames of GCM
 * and CBC transport SAs (a CBC job's HMAC and decryption are two passes of
 * a multi-buffer burst: two queued jobs over one buffer would both verify); every SA has a good frame before anything of it
 * fails (the failed portion's kind is then the SA's, ref_recv.c). */
static const struct recipe pattern[] = {
	{ R_GOOD, 0, 0 },      { R_GOOD, 2, 0 },     { R_GOOD, 1, 0 },
	{ R_GOOD, 3, 0 },      { R_ICV, 0, 0 },      { R_GOOD, 0, 0 },
	{ R_CT, 2, 0 },        { R_GOOD, 4, 0 },     { R_ESN_NEXT, 4, 0 },
	{ R_GOOD, 5, 0 },      { R_ESN_NEXT, 5, 0 }, { R_GOOD, 2, 0 },
	{ R_AH, 6, 0 },        { R_CT, 0, 0 },       { R_ICV, 2, 0 },
	{ R_VIEW, 2, -4 },     { R_DUP, 0, -11 },    { R_MDL, 2, 0 },
	{ R_MDL_ICV, 0, 0 },   { R_SPLIT_VIEW, 0, 1 }, { R_GOOD, 2, 0 },
	{ R_ICV, 3, 0 },       { R_ESN_FAR, 4, 0 },  { R_VIEW, 0, 1 },
	{ R_GOOD, 0, 0 },
};

struct item {
	enum rkind kind;
	int sa;
	int target;               /* R_DUP, R_VIEW, R_SPLIT_VIEW: the item; else -1 */
	uint8_t rx[MAXF];         /* the frame as received */
	uint32_t len;
	uint8_t plain[MAXF];      /* its bytes once decrypted */
	bool good;                /* decrypts when its bytes are as received */
	bool mdls;                /* in three MDLs */
	uint32_t ok_hdr;          /* slot 12 when it decrypts */
	uint16_t fail_status;     /* CryptoStatus when it does not */
};

static struct item items[MAX_ITEMS];
static bool made[MAX_ITEMS];

/* The generator: outbound SAs (each ESN SA at three epochs) on an engine of
 * its own, whose transmitted frames are the received frames of the mix. */
static struct session gs;
static struct fb_io gio;
static NDIS_HANDLE gh[N_RX_SA][EPOCHS];
static uint32_t gseq[N_RX_SA];

static int gen_open(void)
{
	if (sa_open(&gs, 0) != 0)
		return -1;
	fb_io_attach(&gio, &gs);
	for (int a = 0; a < (int)N_RX_SA; a++) {
		struct fb_level l;

		level_for(&rx_sas[a], &l);
		for (ULONG e = 0; e < (rx_sas[a].esn ? EPOCHS : 1u); e++)
			gh[a][e] = add_sa(&gs, &rx_sas[a], &l, false, e, (uint8_t)(0x10 * a + e));
		gseq[a] = 1;
	}
	return 0;
}

/* A good frame of SA a at ESN epoch e (0: the SA's own) into it. */
static int gen_frame(struct item *it, int a, ULONG e, uint32_t n)
{
	const struct bsa *sa = &rx_sas[a];
	struct sa_spec sp;
	struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	levels_of(sa, &fs);
	fs.upper = (enum fb_upper)(n % 3);
	fs.payload_len = 20 + (n * 37) % 160;
	fs.seed = (uint8_t)n;
	sp = spec_of(sa, &fs.lv[0], false, sa->esn + e);
	fb_sa_from_spec(&sp, gseq[a]++, &fs.lv[0].sa);
	if (fb_build(&fs, &f) != 0 || f.len > MAXF ||
	    fb_send(&gio, f.b, f.len, NULL, gh[a][e], NULL, f.hdr_info, 0) != NDIS_STATUS_SUCCESS ||
	    gio.transmitted != 1 || gio.tx_len[0] != f.len) {
		IPOC_CHECK(!"generating a received frame failed");
		return -1;
	}
	it->len = f.len;
	memcpy(it->rx, gio.tx[0], f.len);
	decrypted_of(&f, it->rx, it->plain);
	if (!sa->ah && sa->enc != NONE)        /* it was encrypted */
		IPOC_CHECK(memcmp(it->rx + f.w[0].payload, f.b + f.w[0].payload,
				  f.w[0].icv - f.w[0].payload) != 0);
	it->ok_hdr = sa->ah ? 0 : IPSEC_HDR_RX_HEADER_INFO_SET |
					  (uint32_t)f.w[0].pad_length << 8 | f.w[0].next_header;
	it->fail_status = sa->inner ? CRYPTO_TUNNEL_ESP_AUTH_FAILED
				    : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
	it->good = true;
	return 0;
}

/* Item k of the mix: pattern[k % 25]. */
static int make_item(uint32_t k)
{
	const struct recipe *r = &pattern[k % N(pattern)];
	struct item *it = &items[k];
	int rc = 0;

	if (made[k])
		return 0;      /* made already: the target of an earlier view */
	made[k] = true;
	memset(it, 0, sizeof(*it));
	it->kind = r->kind;
	it->sa = r->sa;
	it->target = -1;
	switch (r->kind) {
	case R_DUP:
	case R_VIEW:
	case R_SPLIT_VIEW: {
		int t = (int)k + r->rel;

		if (r->rel > 0 && (rc = make_item((uint32_t)t)) != 0)
			return rc;
		*it = items[t];
		it->kind = r->kind;
		it->target = t;
		it->mdls = r->kind == R_SPLIT_VIEW;
		IPOC_CHECK(items[t].kind == R_GOOD);
		return 0;
	}
	case R_ESN_NEXT:
		return gen_frame(it, r->sa, 1, k);
	case R_ESN_FAR:
		rc = gen_frame(it, r->sa, 2, k);
		it->good = false;
		return rc;
	default:
		rc = gen_frame(it, r->sa, 0, k);
		break;
	}
	if (rc != 0)
		return rc;
	it->mdls = r->kind == R_MDL || r->kind == R_MDL_ICV;
	if (r->kind == R_ICV || r->kind == R_MDL_ICV)
		it->rx[it->len - 1] ^= 0x01;           /* the ICV ends the frame */
	if (r->kind == R_CT)
		it->rx[f.w[0].payload] ^= 0x80;        /* the first ciphertext byte */
	if (r->kind == R_ICV || r->kind == R_MDL_ICV || r->kind == R_CT)
		it->good = false;
	return 0;
}

/* What came back of one NBL. */
struct outcome {
	uintptr_t s1, s11, s12, s2;
	NDIS_STATUS status;
	unsigned seen;            /* indications (receive) or completions (send) */
	uint32_t len;
	uint8_t b[MAXF];
	bool guards_ok;
};

static struct outcome got_chain[MAX_ITEMS], got_alone[MAX_ITEMS], want[MAX_ITEMS];

/* The NBLs of a run and what the host saw of them. */
struct run {
	NET_BUFFER_LIST *nbl[MAX_ITEMS];
	size_t n;
	struct outcome *out;
	void *saved_va[MAX_ITEMS][MAX_CUTS];
	/* send: the frames transmitted, in order, and whose they were */
	unsigned n_tx;
	int tx_owner[MAX_TX];
	uint32_t tx_len[MAX_TX];
	uint8_t tx[MAX_TX][MAXF];
};

static struct run run_chain, run_alone;

static int index_of(const struct run *r, const NET_BUFFER_LIST *nbl)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->nbl[i] == nbl)
			return (int)i;
	return -1;
}

static void on_indicate(void *ctx, NET_BUFFER_LIST *nbl)
{
	struct run *r = ctx;
	int i = index_of(r, nbl);

	IPOC_CHECK(i >= 0);
	if (i >= 0)
		r->out[i].seen++;
}

static void on_complete(void *ctx, NET_BUFFER_LIST *nbl)
{
	on_indicate(ctx, nbl);
}

static void on_tx(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb)
{
	struct run *r = ctx;
	unsigned k = r->n_tx++;

	if (k >= MAX_TX) {
		IPOC_CHECK(!"too many frames transmitted");
		return;
	}
	r->tx_owner[k] = index_of(r, nbl);
	if (ipoc_nb_flatten(nb, r->tx[k], MAXF, &r->tx_len[k]) != 0)
		r->tx_len[k] = 0;
}

static void observe(struct session *s, struct run *r)
{
	s->obs = (struct session_observer){ r, on_tx, on_complete, on_indicate, NULL, NULL };
}

/* Cuts of a three-MDL frame of len bytes. */
static uint32_t three_cuts(uint32_t len, uint32_t *cuts)
{
	cuts[0] = 17;
	cuts[1] = len / 2 + 3;
	return 2;
}

/* The NBLs of items[0..n): each its own NBL (not linked). A view's MDLs are
 * pointed into its target's buffer (built in one MDL without room). */
static int rx_build(struct run *r, size_t n, struct outcome *out)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	memset(r, 0, offsetof(struct run, tx));
	r->n = n;
	r->out = out;
	for (size_t k = 0; k < n; k++) {
		const struct item *it = &items[k];
		uint32_t cuts[MAX_CUTS];
		struct ipoc_frame fr = { it->rx, it->len, { NULL, 0, 0, 0, 0 } };

		if (it->mdls) {
			fr.shape.cuts = cuts;
			fr.shape.n_cuts = three_cuts(it->len, cuts);
		}
		if (it->mdls && it->target < 0)
			fr.shape.headroom = 2, fr.shape.tailroom = 3;
		if (ipoc_nbl_build(&r->nbl[k], &fr, 1, err, sizeof(err)) != 0) {
			fprintf(stderr, "item %zu: nbl build: %s\n", k, err);
			return -1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct item *it = &items[k];
		uint8_t *base;
		uint32_t off = 0, i = 0;

		if (it->kind != R_VIEW && it->kind != R_SPLIT_VIEW)
			continue;
		base = r->nbl[it->target]->FirstNetBuffer->MdlChain->MappedSystemVa;
		for (MDL *m = r->nbl[k]->FirstNetBuffer->MdlChain; m && i < MAX_CUTS;
		     m = m->Next, i++) {
			r->saved_va[k][i] = m->MappedSystemVa;
			m->MappedSystemVa = base + off;
			off += m->ByteCount;
		}
		IPOC_CHECK_EQ(off, it->len);
	}
	return 0;
}

/* Snapshot every NBL, put the views' MDLs back, check guards, free. */
static void finish(struct run *r)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	for (size_t k = 0; k < r->n; k++) {
		NET_BUFFER_LIST *nbl = r->nbl[k];
		struct outcome *o = &r->out[k];

		if (!nbl)
			continue;
		o->s1 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo);
		o->s11 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo);
		o->s12 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo);
		o->s2 = (uintptr_t)NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
		o->status = nbl->Status;
		if (ipoc_nb_flatten(nbl->FirstNetBuffer, o->b, MAXF, &o->len) != 0)
			o->len = 0;
	}
	for (size_t k = 0; k < r->n; k++) {
		NET_BUFFER_LIST *nbl = r->nbl[k];
		uint32_t i = 0;

		if (!nbl)
			continue;
		nbl->Next = NULL;
		for (MDL *m = nbl->FirstNetBuffer->MdlChain; m && i < MAX_CUTS; m = m->Next, i++)
			if (r->saved_va[k][i])
				m->MappedSystemVa = r->saved_va[k][i];
		r->out[k].guards_ok = ipoc_nbl_check_guards(nbl, err, sizeof(err)) == 0;
		if (!r->out[k].guards_ok)
			fprintf(stderr, "NBL %zu: guards: %s\n", k, err);
		ipoc_nbl_free(nbl);
		r->nbl[k] = NULL;
	}
}

/* Add the inbound SAs of the mix to s. */
static void rx_sas_add(struct session *s)
{
	for (int a = 0; a < (int)N_RX_SA; a++) {
		struct fb_level l;

		level_for(&rx_sas[a], &l);
		add_sa(s, &rx_sas[a], &l, true, 0, 0);
	}
}

/* The expected outcome of items[0..n) received in order: a shared buffer
 * is decrypted by the first good NBL over it; later ones see plaintext. */
static void rx_expect(size_t n)
{
	bool opened[MAX_ITEMS] = { false };

	for (size_t k = 0; k < n; k++) {
		const struct item *it = &items[k];
		bool view = it->kind == R_VIEW || it->kind == R_SPLIT_VIEW;
		size_t owner = view ? (size_t)it->target : k;
		struct outcome *w = &want[k];

		memset(w, 0, offsetof(struct outcome, b));
		w->seen = 1;
		w->status = NDIS_STATUS_SUCCESS;
		w->len = it->len;
		if (it->good && !opened[owner]) {
			opened[owner] = true;
			w->s1 = IPSEC_RX_CRYPTO_DONE;
			w->s12 = it->ok_hdr;
		} else {
			w->s1 = IPSEC_RX_CRYPTO_DONE |
				(uint32_t)it->fail_status << IPSEC_RX_CRYPTO_STATUS_SHIFT;
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct item *it = &items[k];
		bool view = it->kind == R_VIEW || it->kind == R_SPLIT_VIEW;
		size_t owner = view ? (size_t)it->target : k;

		memcpy(want[k].b, opened[owner] ? items[owner].plain : items[owner].rx, it->len);
	}
}

/* a and b (what the NBL gave in a chain and alone, or that and what it
 * should give) are the same. */
static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->s1 == b->s1 && a->s11 == b->s11 && a->s12 == b->s12 && a->s2 == b->s2 &&
	       a->status == b->status && a->seen == b->seen && a->len == b->len &&
	       memcmp(a->b, b->b, a->len) == 0;
}

static void print_outcome(const char *what, const struct outcome *o)
{
	fprintf(stderr, "    %-7s slot1 0x%08lx (%s) slot11 0x%lx slot12 0x%08lx status 0x%08x "
		"seen %u len %u\n", what, (unsigned long)o->s1,
		crypto_status_name((uint32_t)IPSEC_RX_CRYPTO_STATUS(o->s1)), (unsigned long)o->s11,
		(unsigned long)o->s12, (unsigned)o->status, o->seen, o->len);
}

static void rx_compare(size_t n, const char *name)
{
	unsigned bad = 0;

	for (size_t k = 0; k < n; k++) {
		const struct item *it = &items[k];
		bool chain_alone = same_outcome(&got_chain[k], &got_alone[k]);
		bool alone_want = same_outcome(&got_alone[k], &want[k]);
		bool chain_want = same_outcome(&got_chain[k], &want[k]);

		IPOC_CHECK(chain_alone);
		IPOC_CHECK(alone_want);
		IPOC_CHECK(chain_want);
		IPOC_CHECK(got_chain[k].guards_ok && got_alone[k].guards_ok);
		if (chain_alone && alone_want && chain_want)
			continue;
		if (bad++ < 12) {
			fprintf(stderr, "  %s: NBL %zu (window %zu, %s, SA 0x%x%s):%s%s%s\n", name, k,
				k / 64, rkind_name[it->kind], rx_sas[it->sa].spi,
				it->target >= 0 ? ", of another NBL" : "",
				chain_alone ? "" : " chain != alone", alone_want ? "" : " alone != want",
				chain_want ? "" : " chain != want");
			print_outcome("chain", &got_chain[k]);
			print_outcome("alone", &got_alone[k]);
			print_outcome("want", &want[k]);
			if (it->target >= 0)
				fprintf(stderr, "    (its bytes are those of NBL %d)\n", it->target);
		}
	}
	if (bad)
		fprintf(stderr, "  %s: %u of %zu NBLs differ\n", name, bad, n);
}

/* items[0..n) once as one chain, once NBL by NBL, each on a fresh engine
 * instance with the mix's inbound SAs. */
static void rx_mix(size_t n, const char *name)
{
	struct session sc, so;

	if (sa_open(&sc, 0) != 0 || sa_open(&so, 0) != 0) {
		IPOC_CHECK(!"opening the engine");
		return;
	}
	rx_sas_add(&sc);
	rx_sas_add(&so);
	memset(got_chain, 0, sizeof(got_chain));
	memset(got_alone, 0, sizeof(got_alone));

	if (rx_build(&run_chain, n, got_chain) == 0) {
		observe(&sc, &run_chain);
		for (size_t k = 0; k + 1 < n; k++)
			run_chain.nbl[k]->Next = run_chain.nbl[k + 1];
		sc.ops->receive_net_buffer_lists(sc.engine, run_chain.nbl[0], 0);
	}
	finish(&run_chain);

	if (rx_build(&run_alone, n, got_alone) == 0) {
		observe(&so, &run_alone);
		for (size_t k = 0; k < n; k++)
			so.ops->receive_net_buffer_lists(so.engine, run_alone.nbl[k], 0);
	}
	finish(&run_alone);

	rx_expect(n);
	rx_compare(n, name);
	session_close(&sc);
	session_close(&so);
}

static void test_receive(void)
{
	static const size_t n_big = 150, n_small = 40;

	if (gen_open() != 0) {
		IPOC_CHECK(!"opening the generator engine");
		return;
	}
	for (uint32_t k = 0; k < n_big; k++)
		if (make_item(k) != 0)
			return;
	session_close(&gs);
	rx_mix(n_big, "receive, 150 NBLs");
	rx_mix(n_small, "receive, 40 NBLs");
}

/* =========================================================== send ==== */

static const struct bsa tx_sas[] = {
	{ 0x2100, false, GCM128, 0, 16, 4, 0, 0, 0 },     /* 0 GCM transport */
	{ 0x2200, false, CBC128, SHA1, 0, 6, 0, 0, 0 },   /* 1 CBC transport */
	{ 0x2300, false, GCM256, 0, 12, 4, 6, 0, 0 },     /* 2 GCM tunnel 6-in-4 */
	{ 0x2400, false, CBC192, SHA1, 0, 6, 4, 0, 0 },   /* 3 CBC tunnel 4-in-6 */
	{ 0x2500, true, 0, SHA256, 0, 4, 0, 0, 0 },       /* 4 AH */
	{ 0x2600, false, GCM128, 0, 16, 4, 4, 0, 0 },     /* 5 tunnel of the nested pair */
	{ 0x2700, false, CBC128, SHA1, 0, 4, 0, 0, 1 },   /* 6 transport inside it */
	{ 0x2800, false, CBC128, SHA1, 0, 4, 0, 3, 0 },   /* 7 CBC ESN */
};
enum { N_TX_SA = N(tx_sas), LSO_DATA = 2500, LSO_SEG = 1000, LSO_SEGS = 3 };

enum xkind { X_ESP, X_AH, X_NESTED, X_LSO, X_TWO_NB, X_MDL, X_BAD, X_PLAIN, X_VIEW };

static const char *const xkind_name[] = {
	"esp", "ah", "transport-over-tunnel", "lso", "two-nbs", "three-mdl", "bad-header-info",
	"no-ipsec", "view",
};

struct xrecipe {
	enum xkind kind;
	int sa;
};

/* 20 NBLs, repeated; the LSO NBLs and the views (which flush the queue)
 * are left out of the middle repetitions so that more than 64 seals queue
 * up. X_VIEW (sa: the NBL, relative to this one): one MDL over that NBL's
 * buffer. */
static const struct xrecipe xpattern[] = {
	{ X_ESP, 0 },    { X_ESP, 2 },    { X_ESP, 1 },    { X_ESP, 3 },    { X_AH, 4 },
	{ X_ESP, 0 },    { X_NESTED, 5 }, { X_ESP, 7 },    { X_TWO_NB, 0 }, { X_MDL, 1 },
	{ X_BAD, 0 },    { X_ESP, 2 },    { X_PLAIN, 0 },  { X_LSO, 0 },    { X_ESP, 1 },
	{ X_TWO_NB, 3 }, { X_ESP, 0 },    { X_VIEW, -3 },  { X_LSO, 1 },    { X_MDL, 2 },
};

struct xitem {
	enum xkind kind;
	int sa;
	int off_sa, tun_sa;        /* OffloadHandle / TunnelHandle SAs, -1: none */
	int target;                /* X_VIEW: the NBL whose buffer it is */
	uint32_t n_nb;
	uint8_t fr[2][MAXF];       /* the framed packets, one per NET_BUFFER */
	uint32_t len[2];
	struct fb_where w[2];      /* level 0 of each */
	uint32_t hdr;
	uintptr_t lso;
	NDIS_STATUS want_status;
	unsigned want_tx;
};

static struct xitem xitems[MAX_ITEMS];
static uint32_t xseq[N_TX_SA];

/* Frame NB nb of it (the SA's levels; a nested pair's two). */
static int x_frame(struct xitem *it, uint32_t k, uint32_t nb)
{
	const struct bsa *sa = &tx_sas[it->sa];
	struct sa_spec sp;
	struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	levels_of(sa, &fs);
	fs.upper = it->kind == X_LSO ? FB_TCP : (enum fb_upper)(k % 3);
	fs.payload_len = it->kind == X_LSO ? LSO_DATA : 30 + (k * 53) % 300;
	fs.seed = (uint8_t)(k + 101 * nb);
	sp = spec_of(sa, &fs.lv[0], false, sa->esn);
	fb_sa_from_spec(&sp, xseq[it->sa]++, &fs.lv[0].sa);
	if (it->kind == X_NESTED) {
		sp = spec_of(&tx_sas[6], &fs.lv[1], false, 0);
		fb_sa_from_spec(&sp, xseq[6]++, &fs.lv[1].sa);
	}
	if (it->kind == X_LSO)
		fs.lso = true, fs.lso_pad = 3;
	if (fb_build(&fs, &f) != 0 || f.len > MAXF) {
		IPOC_CHECK(!"framing a send packet failed");
		return -1;
	}
	memcpy(it->fr[nb], f.b, f.len);
	it->len[nb] = f.len;
	it->w[nb] = f.w[0];
	it->hdr = f.hdr_info;
	if (it->kind == X_LSO)
		it->lso = LSO_SEG | (uintptr_t)f.lso_tcp << LSO_TCP_HEADER_OFFSET_SHIFT |
			  LSO_TYPE_MASK | (sa->family == 6 ? LSO_V2_IP_VERSION_MASK : 0);
	return 0;
}

static int make_xitem(uint32_t k)
{
	const struct xrecipe *r = &xpattern[k % N(xpattern)];
	struct xitem *it = &xitems[k];
	uint32_t rep = k / (uint32_t)N(xpattern);

	memset(it, 0, sizeof(*it));
	it->kind = r->kind;
	it->sa = r->sa;
	it->target = -1;
	if (r->kind == X_VIEW && rep >= 1 && rep <= 4) {
		it->kind = X_ESP;
		it->sa = 0;
	} else if (r->kind == X_VIEW) {
		*it = xitems[(int)k + r->sa];
		it->kind = X_VIEW;
		it->target = (int)k + r->sa;
		/* What one NBL after the other gives: the target sealed the
		 * bytes, whose trailer is no longer the header information's. */
		it->want_status = NDIS_STATUS_INVALID_PACKET;
		it->want_tx = 0;
		return 0;
	}
	if (it->kind == X_LSO && rep >= 1 && rep <= 4)
		it->kind = X_ESP;
	it->off_sa = it->kind == X_PLAIN ? -1 : it->kind == X_NESTED ? 6 : it->sa;
	it->tun_sa = it->kind == X_NESTED ? it->sa : -1;
	it->n_nb = it->kind == X_TWO_NB ? 2 : 1;
	it->want_status = it->kind == X_BAD ? NDIS_STATUS_INVALID_PACKET : NDIS_STATUS_SUCCESS;
	it->want_tx = it->kind == X_BAD ? 0 : it->kind == X_LSO ? LSO_SEGS : it->n_nb;
	for (uint32_t nb = 0; nb < it->n_nb; nb++)
		if (x_frame(it, k, nb) != 0)
			return -1;
	if (it->kind == X_BAD)
		it->hdr ^= 0x01;       /* NextHeader: not the trailer's */
	if (it->kind == X_PLAIN)
		it->hdr = 0;
	return 0;
}

/* The outbound SAs, IVs injected, in s; handles into h. */
static void tx_sas_add(struct session *s, NDIS_HANDLE *h)
{
	for (int a = 0; a < (int)N_TX_SA; a++) {
		struct fb_level l;

		level_for(&tx_sas[a], &l);
		h[a] = add_sa(s, &tx_sas[a], &l, false, 0, (uint8_t)(0x10 * a));
	}
}

static int tx_build(struct run *r, size_t n, struct outcome *out, const NDIS_HANDLE *h)
{
	char err[IPOC_NBL_ERRBUF_SIZE];

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->out = out;
	for (size_t k = 0; k < n; k++) {
		const struct xitem *it = &xitems[k];
		struct ipoc_frame fr[2];
		uint32_t cuts[MAX_CUTS];
		NET_BUFFER_LIST *nbl;

		for (uint32_t nb = 0; nb < it->n_nb; nb++)
			fr[nb] = (struct ipoc_frame){ it->fr[nb], it->len[nb], { NULL, 0, 4, 2, 0 } };
		if (it->kind == X_MDL) {
			fr[0].shape.cuts = cuts;
			fr[0].shape.n_cuts = three_cuts(it->len[0], cuts);
		}
		if (it->kind == X_VIEW)
			fr[0].shape.headroom = fr[0].shape.tailroom = 0;
		if (ipoc_nbl_build(&r->nbl[k], fr, it->n_nb, err, sizeof(err)) != 0) {
			fprintf(stderr, "send NBL %zu: nbl build: %s\n", k, err);
			return -1;
		}
		nbl = r->nbl[k];
		if (it->kind == X_VIEW) {
			const NET_BUFFER *t = r->nbl[it->target]->FirstNetBuffer;
			MDL *m = nbl->FirstNetBuffer->MdlChain;

			r->saved_va[k][0] = m->MappedSystemVa;
			m->MappedSystemVa = (uint8_t *)t->CurrentMdl->MappedSystemVa +
					    t->CurrentMdlOffset;
		}
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo) =
			it->off_sa >= 0 ? h[it->off_sa] : NULL;
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2TunnelNetBufferListInfo) =
			it->tun_sa >= 0 ? h[it->tun_sa] : NULL;
		NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2HeaderNetBufferListInfo) =
			(PVOID)(uintptr_t)it->hdr;
		NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo) = (PVOID)it->lso;
		nbl->Status = NDIS_STATUS_PENDING;
	}
	return 0;
}

/* The transmitted frames of the chain run, each received alone on the
 * inbound SAs (rs): it decrypts; an ESP packet of one level decrypts to
 * the plaintext it was framed from. */
static void tx_decrypt(struct session *rs, size_t n)
{
	static struct fb_io rio;
	unsigned nb_of[MAX_ITEMS] = { 0 };

	fb_io_attach(&rio, rs);
	for (unsigned i = 0; i < run_chain.n_tx && i < MAX_TX; i++) {
		int k = run_chain.tx_owner[i];
		const struct xitem *it;
		unsigned nb;

		if (k < 0 || (size_t)k >= n) {
			IPOC_CHECK(!"a frame transmitted for no NBL of the chain");
			continue;
		}
		it = &xitems[k];
		nb = nb_of[k]++;
		if (it->kind == X_PLAIN) {
			IPOC_CHECK_EQ(run_chain.tx_len[i], it->len[0]);
			IPOC_CHECK_MEM(run_chain.tx[i], it->fr[0], it->len[0]);
			continue;
		}
		IPOC_CHECK_EQ(fb_receive(&rio, run_chain.tx[i], run_chain.tx_len[i], NULL), 0);
		IPOC_CHECK_EQ(rio.slot1, IPSEC_RX_CRYPTO_DONE |
				 (it->kind == X_NESTED ? IPSEC_RX_NEXT_CRYPTO_DONE : 0));
		if (it->kind == X_LSO || it->kind == X_AH || it->kind == X_NESTED || nb >= it->n_nb)
			continue;
		{
			const struct fb_where *w = &it->w[nb];
			uint8_t plain[MAXF];

			IPOC_CHECK_EQ(run_chain.tx_len[i], it->len[nb]);
			if (run_chain.tx_len[i] != it->len[nb])
				continue;
			IPOC_CHECK(memcmp(run_chain.tx[i] + w->payload, it->fr[nb] + w->payload,
					  w->icv - w->payload) != 0);
			memcpy(plain, run_chain.tx[i], it->len[nb]);
			memcpy(plain + w->payload, it->fr[nb] + w->payload, w->icv - w->payload);
			IPOC_CHECK_EQ(rio.after_len, it->len[nb]);
			IPOC_CHECK_MEM(rio.after, plain, it->len[nb]);
			IPOC_CHECK_EQ(rio.slot12, IPSEC_HDR_RX_HEADER_INFO_SET |
					  (uint32_t)w->pad_length << 8 | w->next_header);
		}
	}
}

static void tx_compare(size_t n, const char *name)
{
	unsigned bad = 0, per[MAX_ITEMS] = { 0 };

	IPOC_CHECK_EQ(run_chain.n_tx, run_alone.n_tx);
	for (unsigned i = 0; i < run_chain.n_tx && i < run_alone.n_tx && i < MAX_TX; i++) {
		bool same = run_chain.tx_owner[i] == run_alone.tx_owner[i] &&
			    run_chain.tx_len[i] == run_alone.tx_len[i] &&
			    memcmp(run_chain.tx[i], run_alone.tx[i], run_chain.tx_len[i]) == 0;

		IPOC_CHECK(same);
		if (!same && bad++ < 8)
			fprintf(stderr, "  %s: transmitted frame %u: NBL %d (%u bytes) in the chain, "
				"NBL %d (%u bytes) alone%s\n", name, i, run_chain.tx_owner[i],
				run_chain.tx_len[i], run_alone.tx_owner[i], run_alone.tx_len[i],
				run_chain.tx_owner[i] == run_alone.tx_owner[i] ? ", bytes differ" : "");
		if (run_chain.tx_owner[i] >= 0 && (size_t)run_chain.tx_owner[i] < n)
			per[run_chain.tx_owner[i]]++;
	}
	for (size_t k = 0; k < n; k++) {
		const struct xitem *it = &xitems[k];
		bool same = same_outcome(&got_chain[k], &got_alone[k]);
		bool ok = got_chain[k].status == it->want_status && got_chain[k].seen == 1 &&
			  per[k] == it->want_tx;

		IPOC_CHECK(same);
		IPOC_CHECK(ok);
		IPOC_CHECK(got_chain[k].guards_ok && got_alone[k].guards_ok);
		if (it->kind == X_BAD)       /* refused: as it came */
			IPOC_CHECK(got_chain[k].len == it->len[0] &&
				   memcmp(got_chain[k].b, it->fr[0], it->len[0]) == 0);
		if ((!same || !ok) && bad++ < 16) {
			fprintf(stderr, "  %s: NBL %zu (%s, SA 0x%x): %s%s, %u frames sent (want %u)\n",
				name, k, xkind_name[it->kind], tx_sas[it->sa].spi,
				same ? "" : "chain != alone", ok ? "" : " not as expected", per[k],
				it->want_tx);
			print_outcome("chain", &got_chain[k]);
			print_outcome("alone", &got_alone[k]);
		}
	}
	if (bad)
		fprintf(stderr, "  %s: %u differences\n", name, bad);
}

/* The handle slots of a sent NBL are TCP/IP's: each must come back as it
 * went; they differ between the two engine instances, so they are then
 * left out of the comparison. */
static void handles_back(struct outcome *out, size_t n, const NDIS_HANDLE *h)
{
	for (size_t k = 0; k < n; k++) {
		const struct xitem *it = &xitems[k];

		IPOC_CHECK_EQ(out[k].s1, (uintptr_t)(it->off_sa >= 0 ? h[it->off_sa] : NULL));
		IPOC_CHECK_EQ(out[k].s11, (uintptr_t)(it->tun_sa >= 0 ? h[it->tun_sa] : NULL));
		out[k].s1 = out[k].s11 = 0;
	}
}

/* xitems[0..n) sent as one chain and NBL by NBL, on two engine instances
 * with the same outbound SAs and injected IVs. */
static void tx_mix(size_t n, const char *name)
{
	struct session sc, so, rs;
	NDIS_HANDLE hc[N_TX_SA], ho[N_TX_SA];

	if (sa_open(&sc, 0) != 0 || sa_open(&so, 0) != 0 || sa_open(&rs, 0) != 0) {
		IPOC_CHECK(!"opening the engine");
		return;
	}
	tx_sas_add(&sc, hc);
	tx_sas_add(&so, ho);
	for (int a = 0; a < (int)N_TX_SA; a++) {
		struct fb_level l;

		level_for(&tx_sas[a], &l);
		add_sa(&rs, &tx_sas[a], &l, true, 0, 0);
	}
	memset(got_chain, 0, sizeof(got_chain));
	memset(got_alone, 0, sizeof(got_alone));

	if (tx_build(&run_chain, n, got_chain, hc) == 0) {
		observe(&sc, &run_chain);
		for (size_t k = 0; k + 1 < n; k++)
			run_chain.nbl[k]->Next = run_chain.nbl[k + 1];
		sc.ops->send_net_buffer_lists(sc.engine, run_chain.nbl[0], 0, 0);
	}
	finish(&run_chain);
	handles_back(got_chain, n, hc);
	if (tx_build(&run_alone, n, got_alone, ho) == 0) {
		observe(&so, &run_alone);
		for (size_t k = 0; k < n; k++)
			so.ops->send_net_buffer_lists(so.engine, run_alone.nbl[k], 0, 0);
	}
	finish(&run_alone);
	handles_back(got_alone, n, ho);
	tx_compare(n, name);
	tx_decrypt(&rs, n);
	session_close(&sc);
	session_close(&so);
	session_close(&rs);
}

static void test_send(void)
{
	static const size_t n_big = 130, n_small = 30;

	for (uint32_t k = 0; k < n_big; k++)
		if (make_xitem(k) != 0)
			return;
	tx_mix(n_big, "send, 130 NBLs");
	tx_mix(n_small, "send, 30 NBLs");
}

int main(int argc, char **argv)
{
	(void)argc;
	test_receive();
	test_send();
	return ipoc_test_report(argv[0]);
}
