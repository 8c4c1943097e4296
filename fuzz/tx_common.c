/* SPDX-License-Identifier: MIT */
/* tx_common.c - see tx_common.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sa_build.h"
#include "session.h"
#include "tx_common.h"
#include "vcase.h"

/* ---- the SA configurations ---- */

/* A configuration: its name in reports, its algorithms as a configuration
 * name of the suite (valg_parse: through the algorithm table), UDP-ESP and
 * ESN. The order is the fuzz inputs' (they index it). */
struct tx_cfgdef {
	const char *name;
	const char *alg;
	ULONG udp;
	bool esn;
};

static const struct tx_cfgdef cfgs[] = {
	{ "esp.aes-cbc-128+hmac-sha1-96", "esp.aes-cbc-128+hmac-sha1-96", 0, false },
	{ "esp.aes-gcm-128.icv16", "esp.aes-gcm-128.icv16", 0, false },
	{ "esp.aes-gcm-256.icv8", "esp.aes-gcm-256.icv8", 0, false },
	{ "esp.3des-cbc+hmac-md5-96", "esp.3des-cbc+hmac-md5-96", 0, false },
	{ "esp.des-cbc+hmac-sha256-128", "esp.des-cbc+hmac-sha256-128", 0, false },
	{ "esp.null+hmac-sha256-128", "esp.null+hmac-sha256-128", 0, false },
	{ "esp.null+aes-gmac-128", "esp.null+aes-gmac-128", 0, false },
	{ "esp.aes-cbc-256 (no integrity)", "esp.aes-cbc-256", 0, false },
	{ "ah.hmac-sha1-96", "ah.hmac-sha1-96", 0, false },
	{ "ah.aes-gmac-256", "ah.aes-gmac-256", 0, false },
	{ "esp+ah.aes-cbc-192+hmac-sha1-96+hmac-sha256-128",
	  "esp+ah.aes-cbc-192+hmac-sha1-96+hmac-sha256-128", 0, false },
	{ "esp.aes-gcm-128.icv12 udp-esp", "esp.aes-gcm-128.icv12",
	  IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT, false },
	{ "esp.aes-cbc-128+hmac-sha256-128 esn", "esp.aes-cbc-128+hmac-sha256-128", 0, true },
};

#define N_CFG (sizeof(cfgs) / sizeof(cfgs[0]))
#define N_SA (N_CFG * 4)
#define N_INBOUND 3u
#define OUT_MAX 64u
#define OUT_CAP (FB_MAX_FRAME + 1024u)
#define LSO_MAX_SEGS 32u

static unsigned sa_index(unsigned cfg, unsigned fam6, unsigned inner)
{
	return (cfg * 2 + fam6) * 2 + inner;
}

struct tx_sa {
	bool ok;
	struct sa_spec sp;
	struct fb_sa fsa;           /* SPIs and lengths */
	NDIS_HANDLE h, mh;          /* on the engine, on the model */
};

static struct {
	struct eh *eh, *ref;
	uint32_t inst, rx, model;
	NDIS_OFFLOAD caps;
	struct tx_sa sa[N_SA];
	unsigned ok_sa[N_SA], n_ok_sa;
	unsigned usable[N_CFG], n_usable, esp_usable[N_CFG], n_esp_usable;
	NDIS_HANDLE inbound[N_INBOUND];
	unsigned n_inbound;
	NDIS_HANDLE stale;
} T;

const char *tx_cfg_name(unsigned i)
{
	return i < N_CFG ? cfgs[i].name : "?";
}

unsigned tx_n_cfg(void)
{
	return N_CFG;
}

/* ---- raw field lists ---- */

static void io_u8(struct tx_io *io, uint8_t *v)
{
	if (io->in) {
		*v = fz_u8(io->in);
	} else if (io->n < io->cap) {
		io->out[io->n++] = *v;
	}
}

static void io_u16(struct tx_io *io, uint16_t *v)
{
	uint8_t a = (uint8_t)*v, b = (uint8_t)(*v >> 8);

	io_u8(io, &a);
	io_u8(io, &b);
	*v = (uint16_t)(a | b << 8);
}

static void io_u32(struct tx_io *io, uint32_t *v)
{
	uint16_t a = (uint16_t)*v, b = (uint16_t)(*v >> 16);

	io_u16(io, &a);
	io_u16(io, &b);
	*v = a | (uint32_t)b << 16;
}

static void io_u64(struct tx_io *io, uint64_t *v)
{
	uint32_t a = (uint32_t)*v, b = (uint32_t)(*v >> 32);

	io_u32(io, &a);
	io_u32(io, &b);
	*v = a | (uint64_t)b << 32;
}

static void io_frame(struct tx_io *io, struct tx_raw_frame *f)
{
	io_u8(io, &f->cfg);
	io_u8(io, &f->flags);
	io_u8(io, &f->inner_cfg);
	io_u8(io, &f->seed);
	io_u8(io, &f->pad_extra);
	io_u8(io, &f->nbs);
	io_u16(io, &f->payload);
	io_u32(io, &f->seq);
}

static void io_shapes(struct tx_io *io, struct tx_raw_shape *s)
{
	for (unsigned i = 0; i < TX_MAX_NB; i++) {
		io_u8(io, &s[i].n_cuts);
		for (unsigned k = 0; k < TX_MAX_CUTS; k++)
			io_u16(io, &s[i].cut[k]);
		io_u8(io, &s[i].head);
		io_u8(io, &s[i].tail);
		io_u8(io, &s[i].lead);
	}
}

static void io_handle(struct tx_io *io, struct tx_raw_handle *h)
{
	io_u8(io, &h->sel);
	io_u64(io, &h->val);
}

void tx_ho_io(struct tx_io *io, struct tx_ho *r)
{
	io_frame(io, &r->fr);
	io_u8(io, &r->hdr_mode);
	io_u32(io, &r->hdr_val);
	io_u32(io, &r->hdr_hi);
	io_handle(io, &r->off);
	io_handle(io, &r->tun);
	io_u8(io, &r->lso_mode);
	io_u16(io, &r->mss);
	io_u8(io, &r->lso_pad);
	io_u32(io, &r->lso_raw);
	io_u8(io, &r->len_op);
	io_u8(io, &r->len_k);
	io_u8(io, &r->n_pokes);
	for (unsigned i = 0; i < TX_MAX_POKES; i++) {
		io_u16(io, &r->poke[i].at);
		io_u8(io, &r->poke[i].v);
	}
	io_shapes(io, r->shape);
}

void tx_pad_io(struct tx_io *io, struct tx_pad *r)
{
	io_frame(io, &r->fr);
	io_u8(io, &r->pad_mode);
	io_u8(io, &r->pad_val);
	io_u8(io, &r->padlen_mode);
	io_u8(io, &r->padlen_val);
	io_u8(io, &r->nh_mode);
	io_u8(io, &r->nh_val);
	io_u8(io, &r->hdr_mode);
	io_u8(io, &r->hdr_pad);
	io_u8(io, &r->hdr_nh);
	io_u8(io, &r->lso_mode);
	io_u16(io, &r->mss);
	io_u8(io, &r->lso_pad);
	io_u8(io, &r->lso_v1);
	io_shapes(io, r->shape);
}

/* ---- set-up ---- */

static uint32_t wire_spi(ULONG ndis)
{
	uint8_t b[4];

	memcpy(b, &ndis, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Keys of their own per SA (so that a frame sealed with another SA's
 * keys never verifies): bytes from the SPI and the key's place. */
static void fill_keys(IPSEC_OFFLOAD_V2_ADD_SA *a)
{
	for (ULONG i = 0; i < a->NumExtHdrs && i < 2; i++) {
		const IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *m = &a->SecAssoc[i];
		const IPSEC_OFFLOAD_V2_ALGORITHM_INFO *k[2] = { &m->EncryptionAlgorithm,
								 &m->AuthenticationAlgorithm };
		uint32_t spi = wire_spi(m->Spi);

		for (int j = 0; j < 2; j++)
			for (ULONG b = 0; b < k[j]->KeyLength; b++)
				a->KeyData[k[j]->KeyOffsetBytes + b] =
					(uint8_t)(spi * 29u + (uint32_t)j * 101u + b * 7u + 0x35u);
	}
}

static NDIS_HANDLE add_sa(struct eh *eh, uint32_t inst, const struct sa_spec *sp, NDIS_STATUS *st)
{
	static const uint32_t handle_at = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a = sa_build_add(&b, sp, &len);
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, a, len };

	fill_keys(a);
	q.handles = &handle_at;
	q.n_handles = 1;
	fz_check_rc(eh_oid(eh, inst, &q), eh, "ADD_SA");
	*st = q.status;
	return q.status == NDIS_STATUS_SUCCESS ? a->OffloadHandle : NULL;
}

static void delete_sa(struct eh *eh, uint32_t inst, NDIS_HANDLE h)
{
	NDIS_STATUS st;

	fz_check_rc(eh_delete_sa(eh, inst, h, &st), eh, "DELETE_SA");
}

static struct sa_spec spec_of(unsigned cfg, unsigned fam6, unsigned inner)
{
	const struct tx_cfgdef *c = &cfgs[cfg];
	struct fb_level l;
	struct sa_spec s;

	struct valg v;

	valg_parse(c->alg, &v);
	memset(&s, 0, sizeof(s));
	fb_level_std(&l, fam6 ? 6 : 4, (int)inner, false);
	s.num = v.n;
	s.flags = fam6 ? IPSEC_OFFLOAD_V2_IPv6 : 0;
	s.udp_esp = c->udp;
	memcpy(s.src, l.src, 16);
	memcpy(s.dst, l.dst, 16);
	for (ULONG i = 0; i < v.n; i++) {
		struct sa_member *m = &s.m[i];

		memset(m, 0, sizeof(*m));
		m->op = v.m[i].op;
		m->enc.id = v.m[i].enc;
		m->enc.add_info = v.m[i].icv;
		m->auth.id = v.m[i].auth;
		m->spi = fb_spi_ndis(0x00C00000u | cfg << 8 | fam6 << 5 | inner << 4 | i);
		if (c->esn) {
			m->flags = IPSEC_OFFLOAD_V2_ESN_SA;
			m->esn_high = 7;
		}
		if (m->enc.id)
			m->enc.key_len = sa_enc_key_len(m->enc.id);
		if (m->auth.id)
			m->auth.key_len = sa_auth_key_len(m->auth.id);
	}
	return s;
}

static uint32_t open_inst(struct eh *eh)
{
	NDIS_STATUS st;
	uint32_t inst = 0;

	fz_check_rc(eh_open(eh, NULL, &st, &inst), eh, "open");
	if (st != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "ipoc-fuzz: the engine did not open an instance (0x%08x)\n",
			(unsigned)st);
		exit(1);
	}
	return inst;
}

void tx_setup(void)
{
	const struct fz_engine *e = fz_engine();
	NDIS_STATUS st;

	if (T.eh)
		return;
	T.eh = e->eh;
	T.caps = e->caps;
	T.ref = fz_reference();
	T.inst = open_inst(T.eh);
	T.rx = open_inst(T.ref);
	T.model = open_inst(T.ref);
	/* A handle that was valid: its SA deleted, its slot then reused by the
	 * next ADD_SA (a stale handle an engine must not take for the new SA). */
	{
		struct sa_spec v = spec_of(0, 0, 0);

		v.m[0].spi = fb_spi_ndis(0x00C0FF00u);
		T.stale = add_sa(T.eh, T.inst, &v, &st);
		if (T.stale)
			delete_sa(T.eh, T.inst, T.stale);
	}
	for (unsigned c = 0; c < N_CFG; c++) {
		bool any = false;

		for (unsigned k = 0; k < 4; k++) {
			unsigned i = sa_index(c, k >> 1, k & 1);
			struct tx_sa *s = &T.sa[i];
			struct sa_spec in;

			s->sp = spec_of(c, k >> 1, k & 1);
			fb_sa_from_spec(&s->sp, 0, &s->fsa);
			s->h = add_sa(T.eh, T.inst, &s->sp, &st);
			if (!s->h)
				continue;
			in = s->sp;
			in.flags |= IPSEC_OFFLOAD_V2_INBOUND;
			s->mh = add_sa(T.ref, T.model, &s->sp, &st);
			if (!s->mh || !add_sa(T.ref, T.rx, &in, &st)) {
				fprintf(stderr, "ipoc-fuzz: the reference engine refused SA %s\n",
					cfgs[c].name);
				exit(1);
			}
			s->ok = any = true;
			T.ok_sa[T.n_ok_sa++] = i;
			/* Inbound SAs on the engine: handles a send must refuse. */
			if (k == 0 && T.n_inbound < N_INBOUND) {
				NDIS_HANDLE h = add_sa(T.eh, T.inst, &in, &st);

				if (h)
					T.inbound[T.n_inbound++] = h;
			}
		}
		if (any) {
			T.usable[T.n_usable++] = c;
			if (strncmp(cfgs[c].alg, "esp", 3) == 0)
				T.esp_usable[T.n_esp_usable++] = c;
		}
	}
	if (!T.n_usable) {
		fprintf(stderr, "ipoc-fuzz: engine %s took none of the SAs of the tx targets\n",
			e->path);
		exit(1);
	}
	if (!T.n_inbound)
		T.inbound[T.n_inbound++] = (NDIS_HANDLE)(uintptr_t)0x5EED0001u;
}

/* ---- building a send ---- */

static bool is_esp_cfg(unsigned cfg)
{
	return strncmp(cfgs[cfg].alg, "esp", 3) == 0;	/* ESP first */
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) << 16 | rd16(p + 2);
}

/* The frame of r: its SAs, fb_build, the NET_BUFFER count and guard side,
 * own handles. lso: build an LSO large packet (ESP transport, TCP) with
 * lso_pad bytes to discard, when the SA allows it (s->fs.lso says). */
static bool build_frame(const struct tx_raw_frame *r, bool esp_only, bool lso, uint8_t lso_pad,
			struct tx_send *s)
{
	const NDIS_IPSEC_OFFLOAD_V2 *v2 = &T.caps.IPsecV2;
	unsigned n = esp_only ? T.n_esp_usable : T.n_usable;
	unsigned cfg, fam6 = r->flags & TXF_V6 ? 1 : 0, ifam6 = r->flags & TXF_INNER_V6 ? 1 : 0;
	unsigned mode = (r->flags >> TXF_MODE_SHIFT) & 3, upper = (r->flags >> TXF_UPPER_SHIFT) & 3;
	bool opts = r->flags & TXF_OPTS;
	struct tx_sa *a, *b = NULL;

	if (!n)
		return false;
	cfg = esp_only ? T.esp_usable[r->cfg % n] : T.usable[r->cfg % n];
	lso = lso && is_esp_cfg(cfg) && v2->LsoSupported;
	if (mode == 3 || lso)
		mode = 0;
	memset(&s->fs, 0, sizeof(s->fs));
	s->fs.n_levels = mode ? 2 : 1;
	s->fs.vlan = r->flags & TXF_VLAN ? 0x2064 : 0;
	s->fs.upper = lso || upper == 0 || upper == 3 ? FB_TCP : upper == 1 ? FB_UDP : FB_ICMP;
	s->fs.payload_len = lso ? 1 + r->payload % 4000u : r->payload % 1401u;
	s->fs.seed = r->seed;
	s->fs.lso = lso;
	s->fs.lso_pad = lso ? lso_pad : 0;
	fb_level_std(&s->fs.lv[0], fam6 ? 6 : 4, 0, opts);
	s->sa0 = (int)sa_index(cfg, fam6, 0);
	s->sa1 = -1;
	a = &T.sa[s->sa0];
	if (!a->ok)
		return false;
	fb_sa_from_spec(&a->sp, r->seq, &s->fs.lv[0].sa);
	if (mode) {
		fb_level_std(&s->fs.lv[1], ifam6 ? 6 : 4, 1, opts);
		if (mode == 2) {
			unsigned ic = T.usable[r->inner_cfg % T.n_usable];

			s->sa1 = (int)sa_index(ic, ifam6, 1);
			b = &T.sa[s->sa1];
			if (!b->ok)
				return false;
			fb_sa_from_spec(&b->sp, r->seq + 1, &s->fs.lv[1].sa);
		}
	}
	s->block = s->fs.lv[0].sa.esp_block ? s->fs.lv[0].sa.esp_block : 4;
	if (s->fs.lv[0].sa.esp)
		s->fs.lv[0].sa.pad_extra = r->pad_extra < 128 ? r->pad_extra
					   : (r->pad_extra - 128u) % 32u * s->block;
	if (fb_build(&s->fs, &s->built) != 0) {
		s->fs.lv[0].sa.pad_extra = 0;
		if (fb_build(&s->fs, &s->built) != 0)
			return false;
	}
	memcpy(s->b, s->built.b, s->built.len);
	s->len = s->built.len;
	s->n_nb = (r->nbs & 3) == 3 ? 1 : (r->nbs & 3) + 1u;
	s->guard = r->nbs & 4 ? IPOC_NBL_GUARD_HEAD : IPOC_NBL_GUARD_TAIL;
	s->own_off = (uintptr_t)(b ? b->h : a->h);
	s->own_tun = (uintptr_t)(b ? a->h : NULL);
	s->off = s->own_off;
	s->tun = s->own_tun;
	s->hdr = s->built.hdr_info;
	s->lso = s->lso_canonical = 0;
	/* What the frame needs of the capability report. */
	{
		bool v4 = !fam6 || (mode && !ifam6), v6 = fam6 || (mode && ifam6);

		s->claimed = (!v6 || v2->IPv6Supported) &&
			     (!opts || ((!v4 || v2->IPv4Options) &&
					(!v6 || v2->IPv6NonIPsecExtensionHeaders))) &&
			     (mode == 0 ? v2->Transport : mode == 1 ? v2->Tunnel
			      : v2->TransportTunnelCombined);
		/* TCP/IP pads to the cipher block (RFC 4303 s2.4). */
		s->claimed = s->claimed && s->fs.lv[0].sa.pad_extra % s->block == 0;
	}
	return true;
}

/* An MSS at which a frame of len bytes makes at most OUT_MAX segments
 * (each carries at least one of its bytes), whatever TcpHeaderOffset and
 * the bytes say: mss, or one that makes LSO_MAX_SEGS. */
static uint32_t mss_bound(uint32_t len, uint32_t mss)
{
	if (mss && (len + mss - 1) / mss > OUT_MAX)
		mss = (len + LSO_MAX_SEGS - 1) / LSO_MAX_SEGS;
	return mss;
}

/* The LSO value of an LSO large packet: MSS from m (at least what keeps
 * the burst within LSO_MAX_SEGS segments), TcpHeaderOffset, LSOv2 with
 * the IP version unless v1. */
static uintptr_t lso_value(const struct tx_send *s, uint32_t m, bool v1)
{
	uint32_t total = s->fs.payload_len, mss = 1 + m % 1460;

	if ((total + mss - 1) / mss > LSO_MAX_SEGS)
		mss = (total + LSO_MAX_SEGS - 1) / LSO_MAX_SEGS;
	mss = mss_bound(s->built.len, mss);
	return mss | (uintptr_t)s->built.lso_tcp << LSO_TCP_HEADER_OFFSET_SHIFT |
	       (v1 ? 0 : LSO_TYPE_MASK | (s->fs.lv[0].family == 6 ? LSO_V2_IP_VERSION_MASK : 0));
}

static void build_shapes(const struct tx_raw_shape *r, struct tx_send *s)
{
	for (unsigned i = 0; i < s->n_nb; i++) {
		struct ipoc_mdl_shape *sh = &s->shape[i];
		uint32_t *c = s->cuts[i], n = 0, want = r[i].n_cuts % 10u;

		memset(sh, 0, sizeof(*sh));
		if (want == 8) {
			for (uint32_t k = 1; k < s->len && k <= TX_BYTE_CUTS; k++)
				c[n++] = k;
		} else if (want < 8 && s->len > 1) {
			for (uint32_t k = 0; k < want; k++) {
				uint32_t v = 1 + r[i].cut[k] % (s->len - 1), j = n;

				/* insert sorted, no repeats */
				while (j > 0 && c[j - 1] > v)
					j--;
				if (j > 0 && c[j - 1] == v)
					continue;
				memmove(c + j + 1, c + j, (n - j) * sizeof(*c));
				c[j] = v;
				n++;
			}
		}
		sh->cuts = n ? c : NULL;
		sh->n_cuts = n;
		sh->headroom = r[i].head % 4 == 3 ? r[i].head >> 2 : 0;
		sh->tailroom = r[i].tail % 4 == 3 ? r[i].tail >> 2 : 0;
		sh->lead = r[i].lead % 8 == 7 ? 1 + (r[i].lead >> 3) : 0;
	}
}

static uintptr_t handle_of(const struct tx_raw_handle *h, uintptr_t own)
{
	switch (h->sel % 8) {
	case 3:
		return 0;
	case 4:
		return (uintptr_t)T.stale;
	case 5:
		return (uintptr_t)h->val;
	case 6:
		return (uintptr_t)T.sa[T.ok_sa[h->val % T.n_ok_sa]].h;
	case 7:
		return (uintptr_t)T.inbound[h->val % T.n_inbound];
	default:
		return own;
	}
}

bool tx_ho_build(const struct tx_ho *r, struct tx_send *s)
{
	unsigned lso_mode = r->lso_mode % 4;
	uint32_t hdr0, k = r->len_k;

	if (!build_frame(&r->fr, false, lso_mode == 2, r->lso_pad, s))
		return false;
	hdr0 = (uint32_t)s->hdr;
	switch (r->hdr_mode % 4) {
	case 1:
		s->hdr = hdr0 ^ r->hdr_val;
		break;
	case 2:
		s->hdr = 0;
		for (int i = 0; i < 4; i++)
			s->hdr |= (uintptr_t)(uint8_t)((hdr0 >> (8 * i)) + (r->hdr_val >> (8 * i)))
				  << (8 * i);
		break;
	case 3:
		s->hdr = (uintptr_t)((uint64_t)r->hdr_hi << 32 | r->hdr_val);
		break;
	default:
		break;
	}
	s->off = handle_of(&r->off, s->own_off);
	s->tun = handle_of(&r->tun, s->own_tun);
	if (s->fs.lso) {
		s->lso = s->lso_canonical = lso_value(s, r->mss & 0x7FFF, r->mss & 0x8000);
	} else if (lso_mode == 3 && T.caps.IPsecV2.LsoSupported) {
		uint32_t mss = r->lso_raw & LSO_MSS_MASK;

		/* Keep a burst within LSO_MAX_SEGS segments of the frame. */
		if (mss && s->len / mss > LSO_MAX_SEGS)
			mss = s->len / LSO_MAX_SEGS + 1;
		s->lso = (r->lso_raw & ~(uintptr_t)LSO_MSS_MASK) | mss;
	}
	switch (r->len_op % 5) {
	case 1:
		s->len -= k < s->len ? k : s->len - 1;
		break;
	case 2:
		k = k < TX_FRAME_CAP - s->len ? k : TX_FRAME_CAP - s->len;
		memset(s->b + s->len, 0, k);
		s->len += k;
		break;
	case 3:
	case 4: {
		static struct fb_frame w;
		uint32_t end = r->len_op % 5 == 3 ? (k < s->len ? s->len - k : 1)
				: s->len + k;

		if (end > FB_MAX_FRAME)
			end = FB_MAX_FRAME;
		memcpy(&w, &s->built, sizeof(w));
		fb_set_end(&w, end);
		memcpy(s->b, w.b, w.len);
		s->len = w.len;
		break;
	}
	default:
		break;
	}
	for (unsigned i = 0; i < r->n_pokes % (TX_MAX_POKES + 1); i++)
		s->b[r->poke[i].at % s->len] = r->poke[i].v;
	/* A frame made longer keeps its burst within OUT_MAX segments too. */
	s->lso = (s->lso & ~(uintptr_t)LSO_MSS_MASK) |
		 mss_bound(s->len, (uint32_t)(s->lso & LSO_MSS_MASK));
	build_shapes(r->shape, s);
	return true;
}

bool tx_pad_build(const struct tx_pad *r, struct tx_send *s)
{
	unsigned lso_mode = r->lso_mode % 4;
	const struct fb_where *w;
	uint32_t p0, n, nh, pad;

	if (!build_frame(&r->fr, true, lso_mode == 2, r->lso_pad, s))
		return false;
	w = &s->built.w[0];
	if (s->fs.lso) {
		p0 = s->len - s->fs.lso_pad;
		n = s->fs.lso_pad;
	} else {
		p0 = w->trailer - w->pad_length;
		n = w->pad_length;
	}
	/* The padding (with LSO: the bytes to discard). */
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *b = s->b + p0 + i;

		switch (r->pad_mode % 6) {
		case 1:
			*b = r->pad_val;
			break;
		case 2:
			if (i == r->pad_val % n)
				*b ^= 0xFF;
			break;
		case 3:
			*b = (uint8_t)i;
			break;
		case 4:
			*b = (uint8_t)(r->pad_val + i);
			break;
		default:
			break;
		}
	}
	if (!s->fs.lso) {
		if (r->padlen_mode % 4 == 1)
			s->b[w->trailer] = r->padlen_val;
		else if (r->padlen_mode % 4 == 2)
			s->b[w->trailer] = (uint8_t)(s->b[w->trailer] + (int8_t)r->padlen_val);
		if (r->nh_mode % 3 == 1)
			s->b[w->trailer + 1] = r->nh_val;
		pad = s->b[w->trailer];
		nh = s->b[w->trailer + 1];
	} else {
		pad = s->fs.lso_pad;
		nh = w->next_header;
	}
	switch (r->hdr_mode & 3) {
	case 1:
		pad = w->pad_length;
		break;
	case 2:
		pad = r->hdr_pad;
		break;
	default:
		break;
	}
	switch ((r->hdr_mode >> 2) & 3) {
	case 1:
		nh = w->next_header;
		break;
	case 2:
		nh = r->hdr_nh;
		break;
	default:
		break;
	}
	s->hdr = (s->hdr & ~(uintptr_t)(IPSEC_HDR_PAD_LENGTH_MASK | IPSEC_HDR_NEXT_HEADER_MASK)) |
		 pad << IPSEC_HDR_PAD_LENGTH_SHIFT | nh;
	if (s->fs.lso) {
		s->lso = s->lso_canonical = lso_value(s, r->mss, r->lso_v1 & 1);
	} else if (lso_mode == 3 && T.caps.IPsecV2.LsoSupported && s->fs.n_levels == 1 &&
		   s->fs.upper == FB_TCP) {
		/* LSO over a packet whose trailer is framed: TcpHeaderOffset is
		 * the TCP header's, the trailer and ICV field become data. */
		struct tx_send t = *s;

		t.built.lso_tcp = s->built.upper;
		s->lso = lso_value(&t, r->mss, r->lso_v1 & 1);
	}
	build_shapes(r->shape, s);
	return true;
}

/* ---- what the engine did ---- */

struct out_frame {
	int32_t nb;
	bool after;
	uint32_t len;
	uint8_t *p;
};

struct out {
	NDIS_STATUS st;
	uintptr_t slot2;
	uint32_t n;
	struct out_frame f[OUT_MAX];
};

static uint8_t pool_e[OUT_MAX][OUT_CAP], pool_m[OUT_MAX][OUT_CAP];
static struct out oe, om;
static uint8_t dec[OUT_CAP];

static const char *st_name(NDIS_STATUS st)
{
	static char b[48];

	return ndis_status_name(st, b, sizeof(b));
}

/* Copy o into x (the engine's or the model's), before the next operation
 * on its eh invalidates it. false: more frames or bytes than fit. */
static bool keep(const struct eh_io_out *o, struct out *x, uint8_t (*pool)[OUT_CAP])
{
	x->st = o->nbls[0].status;
	x->slot2 = o->nbls[0].slots[TcpLargeSendNetBufferListInfo];
	x->n = 0;
	if (o->n_tx > OUT_MAX)
		return false;
	for (uint32_t i = 0; i < o->n_tx; i++) {
		struct out_frame *f = &x->f[x->n++];

		f->nb = o->tx[i].nb;
		f->after = o->tx[i].after_return;
		f->len = o->tx[i].bytes ? o->tx[i].len : 0;
		if (f->len > OUT_CAP)
			return false;
		f->p = pool[i];
		if (f->len)
			memcpy(f->p, o->tx[i].bytes, f->len);
	}
	return true;
}

static void send_on(struct eh *eh, uint32_t inst, const struct tx_send *s, uintptr_t off,
		    uintptr_t tun, bool shaped, const struct eh_io_out **o)
{
	struct eh_nb_in nb[TX_MAX_NB];
	struct eh_nbl_in l;
	struct eh_io_in in = { &l, 1, shaped ? s->guard : IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE,
			       0, 0 };

	memset(&l, 0, sizeof(l));
	for (uint32_t i = 0; i < s->n_nb; i++) {
		nb[i].data = s->b;
		nb[i].len = s->len;
		memset(&nb[i].shape, 0, sizeof(nb[i].shape));
		if (shaped)
			nb[i].shape = s->shape[i];
	}
	l.nbs = nb;
	l.n_nb = s->n_nb;
	l.slots[IPsecOffloadV2NetBufferListInfo] = off;
	l.slots[IPsecOffloadV2TunnelNetBufferListInfo] = tun;
	l.slots[IPsecOffloadV2HeaderNetBufferListInfo] = s->hdr;
	l.slots[TcpLargeSendNetBufferListInfo] = s->lso;
	fz_check_rc(eh_send(eh, inst, &in, o), eh, "send");
}

/* Receive p on the reference engine's inbound twins: true when it comes in
 * as CRYPTO_SUCCESS; the bytes indicated in dec, slot 1 in *s1. */
static bool receive(const uint8_t *p, uint32_t len, uintptr_t *s1)
{
	struct eh_nb_in nb = { p, len, { NULL, 0, 0, 0, 0 } };
	struct eh_nbl_in l;
	struct eh_io_in in = { &l, 1, IPOC_NBL_GUARD_TAIL, EH_RECV_WRITABLE, 0, 0 };
	const struct eh_io_out *o;

	*s1 = 0;
	if (len < 14)
		return false;
	memset(&l, 0, sizeof(l));
	l.nbs = &nb;
	l.n_nb = 1;
	fz_check_rc(eh_receive(T.ref, T.rx, &in, &o), T.ref, "reference receive");
	if (o->error[0] || o->n_nbl != 1 || o->nbls[0].returned != 1 || o->nbls[0].n_nb != 1 ||
	    !o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].len != len)
		fz_fault("harness: the reference engine did not indicate a frame once", "%s",
			 o->error);
	*s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	memcpy(dec, o->nbls[0].nbs[0].bytes, len);
	return (*s1 & IPSEC_RX_CRYPTO_DONE) && IPSEC_RX_CRYPTO_STATUS(*s1) == CRYPTO_SUCCESS;
}

/* ---- where the fields of a received frame are ---- */

struct span {
	uint32_t a, b;
};

struct esp_at {
	uint32_t esp, iv, iv_len, icv, end;   /* icv: first ICV byte */
	uint32_t spi;
	const struct fb_sa *sa;                /* the receiver's SA */
};

struct layout {
	struct span field[8];                  /* IV and ICV fields */
	uint32_t n_field;
	struct esp_at esp[2];
	uint32_t n_esp;
	uint32_t ah[2], n_ah;
	uint32_t end0;                         /* end of the level-0 IP packet */
	uint32_t inner_ip;                     /* the level-1 IP header (0: none) */
	uint32_t n_field0, n_esp0, n_ah0;      /* what level 0 holds of field, esp, ah */
	uint32_t opaque, opaque_end;           /* [opaque, opaque_end): level-0 bytes
						  the receiver did not look into (the
						  ESP padding and trailer excluded) */
};

/* Mark [a, end of what level 0 protects) as not looked into: up to the
 * level-0 ESP padding by its Pad Length, or further up to the end of the
 * inner IP packet at a by its length where that Pad Length claims part of
 * the packet (a mutated Pad Length: the receiver then does not look into
 * the packet, which the engine sealed whole). */
static void set_opaque(struct layout *L, const uint8_t *d, uint32_t a)
{
	uint32_t e = L->end0;

	if (L->n_esp) {
		uint32_t t = L->esp[0].icv - 2, inner = 0;

		e = t >= a + d[t] ? t - d[t] : a;
		if (a + 40 <= t && d[a] >> 4 == 4)
			inner = a + rd16(d + a + 2);
		else if (a + 40 <= t && d[a] >> 4 == 6)
			inner = a + 40 + rd16(d + a + 4);
		if (inner > e && inner <= t)
			e = inner;
	}
	if (a < e) {
		L->opaque = a;
		L->opaque_end = e;
	}
}

/* The SA a receiver finds for an AH or ESP header (PROFILE.md 27: SPI,
 * destination address, protocol, family) behind the IP header at d + ip. */
static const struct fb_sa *sa_of(bool ah, uint32_t spi, const uint8_t *d, uint32_t ip)
{
	bool v6 = d[ip] >> 4 == 6;
	const uint8_t *dst = d + ip + (v6 ? 24 : 16);

	for (unsigned i = 0; i < T.n_ok_sa; i++) {
		const struct tx_sa *x = &T.sa[T.ok_sa[i]];
		const struct fb_sa *f = &x->fsa;

		if ((ah ? f->ah && f->ah_spi == spi : f->esp && f->esp_spi == spi) &&
		    !!(x->sp.flags & IPSEC_OFFLOAD_V2_IPv6) == v6 &&
		    memcmp(x->sp.dst, dst, v6 ? 16 : 4) == 0)
			return f;
	}
	return NULL;
}

static void add_field(struct layout *L, uint32_t a, uint32_t n)
{
	if (n && L->n_field < 8)
		L->field[L->n_field++] = (struct span){ a, a + n };
}

/* The IPsec headers of d (as the reference engine indicated it: headers in
 * clear, IV and ICV fields as they arrived), as a receiver walks them:
 * Ethernet (802.1Q), IP (options, extension headers), UDP 4500, AH, ESP,
 * and once more behind a tunnel. 0, or -1 where it does not parse. */
static int layout_of(const uint8_t *d, uint32_t len, struct layout *L)
{
	uint32_t p = 14;

	memset(L, 0, sizeof(*L));
	if (len < 18)
		return -1;
	if (rd16(d + 12) == 0x8100)
		p = 18;
	for (int level = 0; level < 2; level++) {
		uint32_t n_field = L->n_field, n_esp = L->n_esp, n_ah = L->n_ah;
		uint32_t ip = p, end;
		uint8_t proto;

		if (level == 1)
			L->inner_ip = ip;

		if (ip + 20 > len)
			goto bad;
		if (d[ip] >> 4 == 4) {
			uint32_t ihl = (d[ip] & 15u) * 4;

			/* A fragment: nothing a receiver looks into. */
			if (ihl < 20 || (rd16(d + ip + 6) & 0x3FFFu))
				goto bad;
			end = ip + rd16(d + ip + 2);
			proto = d[ip + 9];
			p = ip + ihl;
		} else if (d[ip] >> 4 == 6 && ip + 40 <= len) {
			end = ip + 40 + rd16(d + ip + 4);
			proto = d[ip + 6];
			p = ip + 40;
			/* RFC 8200 §4 extension headers with the generic length, and the
			 * Mobility header (RFC 6275 §6.1), which a receiver walks too. */
			for (int k = 0; k < 8 && (proto == 0 || proto == 43 || proto == 60 || proto == 135);
			     k++) {
				if (p + 2 > len)
					goto bad;
				proto = d[p];
				p += (d[p + 1] + 1u) * 8;
			}
		} else {
			goto bad;
		}
		if (end > len || p > end)
			goto bad;
		if (level == 0)
			L->end0 = end;
		if (proto == 17 && p + 8 <= end && rd16(d + p + 2) == 4500) {
			p += 8;
			proto = 50;
		}
		if (proto == 51) {
			const struct fb_sa *a;

			if (p + 12 > end || !(a = sa_of(true, rd32(d + p + 4), d, ip)) ||
			    p + 12 + a->ah_iv + a->ah_icv > end || L->n_ah == 2)
				goto bad;
			L->ah[L->n_ah++] = p;
			add_field(L, p + 12, a->ah_iv + a->ah_icv);
			proto = d[p];
			p += (d[p + 1] + 2u) * 4;
			if (p > end)
				goto bad;
		}
		if (proto == 50) {
			const struct fb_sa *e;
			struct esp_at *x;

			if (p + 8 > end || !(e = sa_of(false, rd32(d + p), d, ip)) ||
			    p + 8 + e->esp_iv + e->esp_icv + 2 > end) {
				/* Behind an AH that verified, an ESP header the
				 * receiver has no SA for (its Next Header poked,
				 * say) or that is cut short: it looks no further. */
				if (L->n_ah > n_ah) {
					set_opaque(L, d, p);
					return 0;
				}
				goto bad;
			}
			x = &L->esp[L->n_esp++];
			x->esp = p;
			x->iv = p + 8;
			x->iv_len = e->esp_iv;
			x->icv = end - e->esp_icv;
			x->end = end;
			x->spi = e->esp_spi;
			x->sa = e;
			add_field(L, x->iv, e->esp_iv);
			add_field(L, x->icv, e->esp_icv);
			proto = d[x->icv - 1];
			p = x->iv + e->esp_iv;
		}
		if (level == 1 && L->n_esp == n_esp && L->n_ah == n_ah)
			set_opaque(L, d, ip);    /* no IPsec header inside: not looked into */
		if (level == 1 || (!L->n_esp && !L->n_ah))
			return 0;
		if (proto != 4 && proto != 41) {
			/* Behind the IPsec headers, something other than a
			 * tunnelled packet: the receiver looks no further. */
			set_opaque(L, d, p);
			return 0;
		}
		L->n_field0 = L->n_field;
		L->n_esp0 = L->n_esp;
		L->n_ah0 = L->n_ah;
		continue;
bad:
		/* Behind a portion that verified, a packet that does not parse is
		 * one the receiver did not look into either. */
		if (level == 0)
			return -1;
		L->n_field = n_field;
		L->n_esp = n_esp;
		L->n_ah = n_ah;
		set_opaque(L, d, ip);
		return 0;
	}
	return 0;
}

/* The receiver processed the outer portion only (slot 1 without
 * NextCryptoDone): the inner IPsec headers the walk found are ones it did
 * not look into. */
static void outer_only(struct layout *L, const uint8_t *d, uintptr_t s1)
{
	if (!L->inner_ip || (s1 & IPSEC_RX_NEXT_CRYPTO_DONE) ||
	    (L->n_esp == L->n_esp0 && L->n_ah == L->n_ah0))
		return;
	L->n_field = L->n_field0;
	L->n_esp = L->n_esp0;
	L->n_ah = L->n_ah0;
	set_opaque(L, d, L->inner_ip);
}

/* Bytes the engine may have sealed with the inner SA of a two-SA send
 * where the receiver did not reach the inner IPsec headers (the frame's
 * Next Header or inner IP header mutated): they verified as part of the
 * outer protection, and nothing tells what they decrypt to. */
static bool in_opaque(const struct tx_send *s, const struct layout *L, uint32_t i)
{
	return s->off && s->tun && i >= L->opaque && i < L->opaque_end;
}

/* The SA of a handle of the NBL (its OffloadHandle or TunnelHandle) has
 * this ESP SPI. */
static bool named(const struct tx_send *s, const struct fb_sa *f)
{
	for (unsigned i = 0; i < T.n_ok_sa; i++) {
		const struct tx_sa *x = &T.sa[T.ok_sa[i]];

		if (&x->fsa == f)
			return s->off == (uintptr_t)x->h || s->tun == (uintptr_t)x->h;
	}
	return false;
}

/* In the protected part of an ESP header no handle of the NBL names: the
 * engine was not asked to seal it, so what the receiver decrypts there
 * (an SA without integrity takes any bytes) says nothing of the engine. */
static bool in_unnamed(const struct tx_send *s, const struct layout *L, uint32_t i)
{
	for (uint32_t k = 0; k < L->n_esp; k++)
		if (i >= L->esp[k].iv && i < L->esp[k].end && !named(s, L->esp[k].sa))
			return true;
	return false;
}

static bool in_field(const struct layout *L, uint32_t i)
{
	for (uint32_t k = 0; k < L->n_field; k++)
		if (i >= L->field[k].a && i < L->field[k].b)
			return true;
	return false;
}

/* In an ESP trailer or its padding (by the decrypted Pad Length). */
static bool in_trailer(const struct layout *L, const uint8_t *d, uint32_t i)
{
	for (uint32_t k = 0; k < L->n_esp; k++) {
		uint32_t t = L->esp[k].icv - 2;

		if (i <= t + 1 && i + d[t] >= t)
			return true;
	}
	return false;
}

/* The first bytes of p in hex, for a fault's details. */
static const char *hex(const uint8_t *p, uint32_t n)
{
	static char b[3 * 160 + 1];
	uint32_t k = 0;

	for (uint32_t i = 0; i < n && i < 160; i++)
		k += (uint32_t)snprintf(b + k, sizeof(b) - k, "%02x%s", p[i], i % 32 == 31 ? "\n" : " ");
	b[k] = 0;
	return b;
}

/* ---- the model: the reference engine sending the same NBL ---- */

static NDIS_HANDLE model_handle(uintptr_t h)
{
	for (unsigned i = 0; h && i < T.n_ok_sa; i++)
		if ((uintptr_t)T.sa[T.ok_sa[i]].h == h)
			return T.sa[T.ok_sa[i]].mh;
	return NULL;
}

/* 1 when the reference engine seals the NBL (same SAs, slots and bytes)
 * into frames it receives as CRYPTO_SUCCESS: the packet can be sealed. */
static int model_seals(const struct tx_send *s)
{
	const struct eh_io_out *o;
	uintptr_t s1;

	send_on(T.ref, T.model, s, (uintptr_t)model_handle(s->off),
		(uintptr_t)model_handle(s->tun), false, &o);
	if (o->n_nbl != 1 || o->nbls[0].returned != 1 || !keep(o, &om, pool_m) ||
	    om.st != NDIS_STATUS_SUCCESS || !om.n)
		return 0;
	for (uint32_t i = 0; i < om.n; i++)
		if (!receive(om.f[i].p, om.f[i].len, &s1))
			return 0;
	return 1;
}

/* ---- the oracle ---- */

static int model_verdict = -1;

static bool model_ok(const struct tx_send *s)
{
	if (model_verdict < 0)
		model_verdict = model_seals(s);
	return model_verdict == 1;
}

/* The frame f the engine sent did not verify: a fault when the model's
 * does; else only the bytes before the first IPsec header the header
 * information names, and the length, are the engine's to keep. */
static void unverified(const struct tx_send *s, const struct out_frame *f, uint32_t k,
		       uintptr_t s1, const char *what)
{
	uint32_t l3 = s->len >= 14 && rd16(s->b + 12) == 0x8100 ? 18 : 14, first = s->len;
	uint32_t esp = IPSEC_HDR_TX_ESP_OFFSET_BYTES(s->hdr), ah = IPSEC_HDR_TX_AH_OFFSET_BYTES(s->hdr);

	if (model_ok(s))
		fz_fault("send: a frame that the reference engine seals verifiably goes out unverifiable",
			 "%s %u (NB %d, %u bytes): received as CryptoDone %u, %s (slot 1 0x%lx); the "
			 "reference engine sends the same NBL verifiably", what, k, f->nb, f->len,
			 (unsigned)!!(s1 & IPSEC_RX_CRYPTO_DONE),
			 crypto_status_name(IPSEC_RX_CRYPTO_STATUS(s1)), (unsigned long)s1);
	if (s->fs.lso || s->lso)
		return;
	if (esp && l3 + esp + 8 < first)
		first = l3 + esp + 8;
	if (ah && l3 + ah + 12 < first)
		first = l3 + ah + 12;
	if (!esp && !ah)
		first = l3 < first ? l3 : first;
	for (uint32_t i = 0; i < first && i < f->len; i++)
		if (f->p[i] != s->b[i])
			fz_fault("send: a byte in front of the IPsec headers changed",
				 "frame %u: byte %u is 0x%02x, framed 0x%02x (first IPsec field at %u)",
				 k, i, f->p[i], s->b[i], first);
}

/* Frames of one NBL with one ESP IV on one SA. */
static void iv_unique(const uint8_t ivs[][16], const uint32_t *spi, const uint32_t *n,
		      uint32_t count, const char *what)
{
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (n[i] >= 8 && n[i] == n[j] && spi[i] == spi[j] &&
			    memcmp(ivs[i], ivs[j], n[i]) == 0)
				fz_fault("send: two frames of one NBL carry the same ESP IV",
					 "%s %u and %u, SPI 0x%08x", what, j, i, spi[i]);
}

static void judge_frames(const struct tx_send *s)
{
	static uint8_t ivs[OUT_MAX][16];
	uint32_t spis[OUT_MAX], ivn[OUT_MAX], n_iv = 0;

	if (oe.n != s->n_nb)
		fz_fault("send: not one frame per NET_BUFFER", "%u frames for %u NET_BUFFERs", oe.n,
			 s->n_nb);
	for (uint32_t k = 0; k < oe.n; k++) {
		const struct out_frame *f = &oe.f[k];
		struct layout L;
		uintptr_t s1;

		if (f->nb != (int32_t)k)
			fz_fault("send: frames not transmitted one per NET_BUFFER in order",
				 "frame %u from NB %d", k, f->nb);
		if (f->len != s->len)
			fz_fault("send: a frame on the wire is longer or shorter than its NET_BUFFER",
				 "frame %u: %u bytes, the NET_BUFFER %u", k, f->len, s->len);
		if (!receive(f->p, f->len, &s1)) {
			unverified(s, f, k, s1, "frame");
			continue;
		}
		if (layout_of(dec, f->len, &L) != 0 || (!L.n_esp && !L.n_ah))
			fz_fault("harness: a frame the reference engine verified does not parse",
				 "frame %u, %u bytes, as indicated:\n%s", k, f->len, hex(dec, f->len));
		outer_only(&L, dec, s1);
		for (uint32_t i = 0; i < f->len; i++) {
			if (dec[i] == s->b[i] || in_field(&L, i) || in_opaque(s, &L, i) ||
			    in_unnamed(s, &L, i))
				continue;
			if (in_trailer(&L, dec, i))
				fz_fault("send: the ESP padding or trailer on the wire is not what "
					 "TCP/IP framed", "frame %u: byte %u decrypts to 0x%02x, "
					 "framed 0x%02x", k, i, dec[i], s->b[i]);
			fz_fault("send: a frame decrypts to other bytes than TCP/IP framed",
				 "frame %u: byte %u decrypts to 0x%02x, framed 0x%02x", k, i, dec[i],
				 s->b[i]);
		}
		for (uint32_t e = 0; e < L.n_esp && n_iv < OUT_MAX; e++) {
			if (!named(s, L.esp[e].sa))
				continue;       /* its IV is TCP/IP's, as framed */
			spis[n_iv] = L.esp[e].spi;
			ivn[n_iv] = L.esp[e].iv_len < 16 ? L.esp[e].iv_len : 16;
			memcpy(ivs[n_iv], dec + L.esp[e].iv, ivn[n_iv]);
			n_iv++;
		}
	}
	iv_unique(ivs, spis, ivn, n_iv, "frame");
}

/* LSO: the segments together are the large packet's TCP data. */
static void judge_lso(const struct tx_send *s)
{
	static uint8_t ivs[OUT_MAX][16];
	uint32_t spis[OUT_MAX], ivn[OUT_MAX], seqs[OUT_MAX], n_iv = 0;
	uint32_t mss = (uint32_t)(s->lso & LSO_MSS_MASK);
	uint32_t tcp = (uint32_t)((s->lso & LSO_TCP_HEADER_OFFSET_MASK) >> LSO_TCP_HEADER_OFFSET_SHIFT);
	uint32_t pad = IPSEC_HDR_TX_PAD_LENGTH(s->hdr), thl, data, total, got = 0;
	const uint8_t *L0 = s->b;

	if (s->n_nb != 1)
		return;         /* not an LSO NBL as NDIS has them; nothing to compare */
	if (tcp + 20 > s->len || (thl = (L0[tcp + 12] >> 4) * 4u) < 20 || tcp + thl + pad > s->len)
		fz_fault("send: an LSO NBL whose TCP header or PadLength does not fit was sent",
			 "TcpHeaderOffset %u, PadLength %u, %u bytes", tcp, pad, s->len);
	data = tcp + thl;
	total = s->len - pad - data;
	if (!oe.n)
		fz_fault("send: an LSO NBL completed with success and nothing sent", "%u bytes of "
			 "TCP data", total);
	for (uint32_t k = 0; k < oe.n; k++) {
		const struct out_frame *f = &oe.f[k];
		struct layout L;
		uintptr_t s1;
		uint32_t sthl, dend, n, t;

		if (f->nb != -1 && f->nb != 0)
			fz_fault("send: an LSO segment names a NET_BUFFER the NBL does not have",
				 "segment %u: NB %d", k, f->nb);
		if (!receive(f->p, f->len, &s1)) {
			unverified(s, f, k, s1, "LSO segment");
			return;
		}
		if (layout_of(dec, f->len, &L) != 0 || (!L.n_esp && !L.n_ah) || tcp + 20 > f->len)
			fz_fault("harness: an LSO segment the reference engine verified does not parse",
				 "segment %u, %u bytes, as indicated:\n%s", k, f->len, hex(dec, f->len));
		sthl = (dec[tcp + 12] >> 4) * 4u;
		if (L.n_esp) {
			t = L.esp[0].icv - 2;
			if (dec[t + 1] != IPSEC_HDR_TX_NEXT_HEADER(s->hdr))
				fz_fault("send: an LSO segment's Next Header is not the header "
					 "information's", "segment %u: %u, header information %u", k,
					 dec[t + 1], (unsigned)IPSEC_HDR_TX_NEXT_HEADER(s->hdr));
			dend = t - dec[t];
			/* RFC 4303 s2.4: the first padding byte is numbered 1. */
			for (uint32_t i = 0; i < dec[t]; i++)
				if (dec[dend + i] != (uint8_t)(i + 1))
					fz_fault("send: an LSO segment's padding is not 1, 2, 3, ...",
						 "segment %u: padding byte %u of %u is %u", k, i + 1,
						 dec[t], dec[dend + i]);
			spis[n_iv] = L.esp[0].spi;
			ivn[n_iv] = L.esp[0].iv_len < 16 ? L.esp[0].iv_len : 16;
			memcpy(ivs[n_iv], dec + L.esp[0].iv, ivn[n_iv]);
			seqs[n_iv++] = rd32(dec + L.esp[0].esp + 4);
		} else {
			dend = L.end0;
		}
		if (tcp + sthl > dend || sthl < 20)
			fz_fault("send: an LSO segment has no room for its TCP header",
				 "segment %u: TCP header %u bytes at %u, data end %u", k, sthl, tcp, dend);
		n = dend - tcp - sthl;
		if (n > mss)
			fz_fault("send: an LSO segment carries more than MSS bytes",
				 "segment %u: %u bytes, MSS %u", k, n, mss);
		if (n > total - got || memcmp(dec + tcp + sthl, L0 + data + got, n) != 0)
			fz_fault("send: the LSO segments' data is not the large packet's TCP data",
				 "segment %u: %u bytes at data offset %u of %u", k, n, got, total);
		got += n;
	}
	if (got != total)
		fz_fault("send: the LSO segments' data is not the large packet's TCP data",
			 "%u of %u bytes sent (PadLength %u)", got, total, pad);
	iv_unique(ivs, spis, ivn, n_iv, "LSO segment");
	for (uint32_t i = 0; i < n_iv; i++)
		for (uint32_t j = 0; j < i; j++)
			if (seqs[i] == seqs[j])
				fz_fault("send: two LSO segments carry one ESP sequence number",
					 "segments %u and %u: %u", j, i, seqs[i]);
	if (s->lso & LSO_TYPE_MASK ? oe.slot2 != LSO_TYPE_MASK : oe.slot2 != total)
		fz_fault("send: the LSO completion value is wrong",
			 "slot 2 is 0x%lx on completion; LSOv%c wants 0x%lx",
			 (unsigned long)oe.slot2, s->lso & LSO_TYPE_MASK ? '2' : '1',
			 (unsigned long)(s->lso & LSO_TYPE_MASK ? LSO_TYPE_MASK : total));
}

enum hclass { H_PLAIN, H_BAD, H_IPSEC };

static bool live(uintptr_t h)
{
	for (unsigned i = 0; i < T.n_ok_sa; i++)
		if ((uintptr_t)T.sa[T.ok_sa[i]].h == h)
			return true;
	return false;
}

void tx_run(const struct tx_send *s)
{
	const struct eh_io_out *o;
	enum hclass hc;
	bool pristine;

	eh_mark(T.eh);
	if (T.ref != T.eh)
		eh_mark(T.ref);
	model_verdict = -1;
	send_on(T.eh, T.inst, s, s->off, s->tun, true, &o);
	if (o->n_nbl != 1)
		fz_fault("harness: not one NBL back", "%u", o->n_nbl);
	fz_check_nbl(o, 0, "send");
	if (!keep(o, &oe, pool_e))
		fz_fault("send: more frames or bytes on the wire than the NBL can make",
			 "%u frames", o->n_tx);
	for (uint32_t i = 0; i < oe.n; i++)
		if (oe.f[i].after)
			fz_fault("send: a frame transmitted after its NBL completed", "frame %u", i);
	if (oe.st != NDIS_STATUS_SUCCESS && oe.n)
		fz_fault("send: a failed NBL transmitted frames", "completed with %s, %u frames",
			 st_name(oe.st), oe.n);
	hc = !s->off && !s->tun ? H_PLAIN
	     : (s->off && !live(s->off)) || (s->tun && !live(s->tun)) ? H_BAD : H_IPSEC;
	if (hc == H_PLAIN) {
		if (s->lso)
			return;     /* plain LSO is not this target's business */
		if (oe.st != NDIS_STATUS_SUCCESS)
			fz_fault("send: an NBL without IPsec handles did not go out",
				 "completed with %s", st_name(oe.st));
		if (oe.n != s->n_nb)
			fz_fault("send: an NBL without IPsec handles did not go out as given",
				 "%u frames for %u NET_BUFFERs", oe.n, s->n_nb);
		for (uint32_t i = 0; i < oe.n; i++)
			if (oe.f[i].len != s->len || memcmp(oe.f[i].p, s->b, s->len) != 0)
				fz_fault("send: an NBL without IPsec handles did not go out as given",
					 "frame %u changed", i);
		return;
	}
	if (hc == H_BAD) {
		if (oe.st == NDIS_STATUS_SUCCESS || oe.n)
			fz_fault("send: an unknown, stale or inbound SA handle was not refused",
				 "OffloadHandle 0x%lx, TunnelHandle 0x%lx: completed with %s, %u "
				 "frames sent", (unsigned long)s->off, (unsigned long)s->tun,
				 st_name(oe.st), oe.n);
		return;
	}
	pristine = s->claimed && (!s->lso || s->n_nb == 1) && s->len == s->built.len && s->hdr == s->built.hdr_info &&
		   s->off == s->own_off && s->tun == s->own_tun && s->lso == s->lso_canonical &&
		   memcmp(s->b, s->built.b, s->len) == 0;
	if (oe.st != NDIS_STATUS_SUCCESS) {
		if (pristine)
			fz_fault("send: an NBL framed as TCP/IP frames it failed",
				 "completed with %s (engine: %.300s); %u NET_BUFFER(s) of %u bytes, "
				 "header information 0x%08lx, LSO 0x%lx", st_name(oe.st),
				 eh_last_log(T.eh), s->n_nb, s->len, (unsigned long)s->hdr,
				 (unsigned long)s->lso);
		return;
	}
	if (s->lso & LSO_MSS_MASK)
		judge_lso(s);
	else
		judge_frames(s);
}
