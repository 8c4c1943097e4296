/* SPDX-License-Identifier: MIT */
/*
 * vcase.c - matrix expansion, and what a case needs of the capability
 * report (see vcase.h; the algorithm configurations are in valg.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcase.h"

#define ESP IPsecOffloadV2Esp

static bool esp_only(const struct valg *a)
{
	return a->n == 1 && a->m[0].op == ESP;
}

/* An ESP member with an IV on the wire: a cipher with one, or GMAC. */
static bool has_iv(const struct valg *a)
{
	const struct ipoc_alg *e, *au;

	if (!esp_only(a))
		return false;
	e = ipoc_alg_enc(a->m[0].enc);
	au = ipoc_alg_auth(a->m[0].auth);
	return (e && e->iv_len) || (au && au->kind == IPOC_ALG_GMAC);
}

static bool has_icv(const struct valg *a)
{
	return !esp_only(a) || a->m[0].auth || a->m[0].icv;
}

#define VO_ANY_ALG (VO_ALG | VO_ALG_ESP | VO_ALG_CORE | VO_ALG_IV | VO_ALG_ICV)

static uint32_t alg_needs(const struct valg *a)
{
	if (!a)
		return 0;
	if (a->n == 2)
		return VN_ESP | VN_AH | VN_AH_ESP;
	return a->m[0].op == ESP ? VN_ESP : VN_AH;
}

#define VN_ANY_V1 (VN_V1 | VN_V1_ESP | VN_V1_AH | VN_V1_DES | VN_V1_3DES | VN_V1_MD5 | \
		   VN_V1_SHA1 | VN_V1_BUNDLE)

uint32_t vcase_needs(const struct vcase *c)
{
	const struct vparams *p = &c->p;
	uint32_t n = c->needs | alg_needs(p->alg) | alg_needs(p->alg2);

	/* IPsecOV1 cases describe their SAs by their IPsecOV2 twins: what they
	 * need is in needs alone. */
	if (!p->alg || (c->needs & VN_ANY_V1))
		return p->alg ? c->needs : n;
	n |= p->mode == VM_TRANSPORT ? VN_TRANSPORT : p->mode == VM_TUNNEL ? VN_TUNNEL
		 : VN_TRANSPORT | VN_TUNNEL | VN_TOT;
	if (p->family == 6 || p->inner_family == 6)
		n |= VN_IPV6;
	if (p->opts)
		n |= p->family == 6 ? VN_V6_EXT : VN_V4_OPTIONS;
	if (p->opts && p->mode != VM_TRANSPORT && (p->inner_family ? p->inner_family : p->family) !=
	    p->family)
		n |= (p->inner_family == 6 ? VN_V6_EXT : VN_V4_OPTIONS);
	if (p->esn)
		n |= VN_ESN;
	n |= p->udp == VU_TRANSPORT ? VN_UDP_TRANSPORT : p->udp == VU_TUNNEL ? VN_UDP_TUNNEL
	     : p->udp == VU_TOT_OUTER ? VN_UDP_TOT_OUTER : p->udp == VU_TOT_INNER ? VN_UDP_TOT_INNER
	     : 0;
	return n;
}

/* The algorithm bits a configuration needs claimed. */
static void alg_bits(const struct valg *a, uint32_t *enc, uint32_t *auth)
{
	for (uint32_t i = 0; a && i < a->n; i++) {
		*enc |= a->m[i].enc;
		*auth |= a->m[i].auth;
	}
}

const char *vcase_excluded(const struct vcase *c, const NDIS_OFFLOAD *caps, char *buf,
			   size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ VN_ESP, "ESP" }, { VN_AH, "AH" }, { VN_AH_ESP, "AH+ESP bundles" },
		{ VN_TRANSPORT, "transport mode" }, { VN_TUNNEL, "tunnel mode" },
		{ VN_TOT, "transport over tunnel" }, { VN_IPV6, "IPv6" },
		{ VN_V4_OPTIONS, "IPv4 options" }, { VN_V6_EXT, "IPv6 extension headers" },
		{ VN_LSO, "LSO with IPsec" }, { VN_ESN, "extended sequence numbers" },
		{ VN_UDP_TRANSPORT, "UDP-ESP transport" }, { VN_UDP_TUNNEL, "UDP-ESP tunnel" },
		{ VN_UDP_TOT_OUTER, "transport over a UDP-ESP tunnel" },
		{ VN_UDP_TOT_INNER, "UDP-ESP transport over a tunnel" },
		{ VN_V1, "IPsecOV1" }, { VN_V1_ESP, "IPsecOV1 ESP" }, { VN_V1_AH, "IPsecOV1 AH" },
		{ VN_V1_DES, "IPsecOV1 DES" }, { VN_V1_3DES, "IPsecOV1 3DES" },
		{ VN_V1_MD5, "IPsecOV1 MD5" }, { VN_V1_SHA1, "IPsecOV1 SHA-1" },
		{ VN_V1_BUNDLE, "IPsecOV1 AH+ESP bundles" },
	};
	const NDIS_IPSEC_OFFLOAD_V2 *v = &caps->IPsecV2;
	const NDIS_IPSEC_OFFLOAD_V1 *v1 = &caps->IPsecV1;
	uint32_t need = vcase_needs(c), have = 0, enc = 0, auth = 0, miss;

	have |= v->Esp ? VN_ESP : 0;
	have |= v->Ah ? VN_AH : 0;
	have |= v->AhEspCombined ? VN_AH_ESP : 0;
	have |= v->Transport ? VN_TRANSPORT : 0;
	have |= v->Tunnel ? VN_TUNNEL : 0;
	have |= v->TransportTunnelCombined ? VN_TOT : 0;
	have |= v->IPv6Supported ? VN_IPV6 : 0;
	have |= v->IPv4Options ? VN_V4_OPTIONS : 0;
	have |= v->IPv6NonIPsecExtensionHeaders ? VN_V6_EXT : 0;
	have |= v->LsoSupported ? VN_LSO : 0;
	have |= v->ExtendedSequenceNumbers ? VN_ESN : 0;
	have |= (v->UdpEsp & VU_TRANSPORT) ? VN_UDP_TRANSPORT : 0;
	have |= (v->UdpEsp & VU_TUNNEL) ? VN_UDP_TUNNEL : 0;
	have |= (v->UdpEsp & VU_TOT_OUTER) ? VN_UDP_TOT_OUTER : 0;
	have |= (v->UdpEsp & VU_TOT_INNER) ? VN_UDP_TOT_INNER : 0;
	have |= v1->IPv4ESP.Send == NDIS_OFFLOAD_SUPPORTED &&
		v1->IPv4ESP.Receive == NDIS_OFFLOAD_SUPPORTED ? VN_V1_ESP : 0;
	have |= v1->IPv4AH.Send == NDIS_OFFLOAD_SUPPORTED &&
		v1->IPv4AH.Receive == NDIS_OFFLOAD_SUPPORTED ? VN_V1_AH : 0;
	have |= have & (VN_V1_ESP | VN_V1_AH) ? VN_V1 : 0;
	have |= v1->IPv4ESP.Des == NDIS_OFFLOAD_SUPPORTED ? VN_V1_DES : 0;
	have |= v1->IPv4ESP.TripleDes == NDIS_OFFLOAD_SUPPORTED ? VN_V1_3DES : 0;
	have |= v1->IPv4AH.Md5 == NDIS_OFFLOAD_SUPPORTED ? VN_V1_MD5 : 0;
	have |= v1->IPv4AH.Sha_1 == NDIS_OFFLOAD_SUPPORTED ? VN_V1_SHA1 : 0;
	have |= v1->Supported.AhEspCombined ? VN_V1_BUNDLE : 0;
	miss = need & ~have;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (miss & names[i].bit) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	if (c->needs & VN_ANY_V1)
		return NULL;
	alg_bits(c->p.alg, &enc, &auth);
	alg_bits(c->p.alg2, &enc, &auth);
	if (enc & ~v->EncryptionAlgorithms) {
		snprintf(buf, len, "encryption 0x%x", enc & ~v->EncryptionAlgorithms);
		return buf;
	}
	if (auth & ~v->AuthenticationAlgorithms) {
		snprintf(buf, len, "authentication 0x%x", auth & ~v->AuthenticationAlgorithms);
		return buf;
	}
	return NULL;
}

/* ---- expansion ---- */

struct list {
	struct vcase *v;
	unsigned n, cap;
};

static int push(struct list *l, const struct vcase *c)
{
	if (l->n == l->cap) {
		unsigned ncap = l->cap ? l->cap * 2 : 256;
		struct vcase *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *c;
	return 0;
}

static const char *mode_name(enum vmode m)
{
	return m == VM_TRANSPORT ? "transport" : m == VM_TUNNEL ? "tunnel" : "tot";
}

static const char *udp_name(enum vudp u)
{
	switch (u) {
	case VU_TRANSPORT: return "udp-transport";
	case VU_TUNNEL: return "udp-tunnel";
	case VU_TOT_OUTER: return "udp-tot-outer";
	case VU_TOT_INNER: return "udp-tot-inner";
	default: return "no-udp";
	}
}

/* Expand row r over its open dimensions. */
static int expand_row(struct list *l, const struct vcase *r)
{
	const struct valg *algs = valg_all;
	unsigned n_alg = valg_all_n;
	unsigned n_mode = (r->open & VO_MODE) ? 2 : 1, n_fam = (r->open & VO_FAMILY) ? 2 : 1;
	unsigned n_udp = (r->open & VO_UDP) ? 2 : 1;

	if (r->open & VO_ALG_CORE) {
		algs = valg_core;
		n_alg = valg_core_n;
	}
	if (!(r->open & VO_ANY_ALG)) {
		algs = r->p.alg;
		n_alg = 1;
	}
	for (unsigned a = 0; a < n_alg; a++) {
		if ((r->open & VO_ALG_ESP) && !esp_only(&algs[a]))
			continue;
		if ((r->open & VO_ALG_IV) && !has_iv(&algs[a]))
			continue;
		if ((r->open & VO_ALG_ICV) && !has_icv(&algs[a]))
			continue;
		for (unsigned m = 0; m < n_mode; m++)
			for (unsigned fm = 0; fm < n_fam; fm++)
				for (unsigned u = 0; u < n_udp; u++) {
					struct vcase c = *r;
					int k;

					if (r->open & VO_ANY_ALG)
						c.p.alg = &algs[a];
					if (r->open & VO_MODE)
						c.p.mode = m ? VM_TUNNEL : VM_TRANSPORT;
					if (r->open & VO_FAMILY)
						c.p.family = fm ? 6 : 4;
					if (r->open & VO_UDP) {
						if (u && !esp_only(c.p.alg))
							continue;
						c.p.udp = !u ? VU_NONE : c.p.mode == VM_TUNNEL
							  ? VU_TUNNEL : VU_TRANSPORT;
					}
					k = snprintf(c.id, sizeof(c.id), "%s", r->id);
					if (r->open & VO_ANY_ALG)
						k += snprintf(c.id + k, sizeof(c.id) - (size_t)k, "/%s",
							      c.p.alg->name);
					if (r->open & VO_MODE)
						k += snprintf(c.id + k, sizeof(c.id) - (size_t)k, "/%s",
							      mode_name(c.p.mode));
					if (r->open & VO_FAMILY)
						k += snprintf(c.id + k, sizeof(c.id) - (size_t)k,
							      "/ipv%d", c.p.family);
					if (r->open & VO_UDP)
						snprintf(c.id + k, sizeof(c.id) - (size_t)k, "/%s",
							 udp_name(c.p.udp));
					c.open = 0;
					if (push(l, &c) != 0)
						return -1;
				}
	}
	return 0;
}

int vcases_expand(struct vcase **out, unsigned *n)
{
	const struct vtable *const tables[] = { &vt_caps, &vt_sa, &vt_send, &vt_receive,
						&vt_class, &vt_udp, &vt_esn, &vt_lso, &vt_v1,
						&vt_shapes, &vt_own, &vt_timing };
	struct list l = { NULL, 0, 0 };

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (unsigned i = 0; i < tables[t]->n; i++)
			if (expand_row(&l, &tables[t]->rows[i]) != 0) {
				free(l.v);
				return -1;
			}
	*out = l.v;
	*n = l.n;
	return 0;
}
