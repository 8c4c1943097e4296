/* SPDX-License-Identifier: MIT */
/* rx_sas.c - see rx_sas.h. No engine here (rx_sas_eh.c offloads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_build.h"
#include "rx_sas.h"

#define V4 4
#define V6 6

const struct rx_group_info rx_groups[RXG_N] = {
	[RXG_V4] = { "v4", 0x11, V4, false, 0, false, 0, false },
	[RXG_V6] = { "v6", 0x16, V6, false, 0, false, 0, false },
	[RXG_ESN4] = { "esn4", 0x21, V4, false, 0, true, 7, false },
	[RXG_ESN6] = { "esn6", 0x26, V6, false, 0, true, 0, false },
	[RXG_UDP4] = { "udp4", 0xFF, V4, false, IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT,
		       false, 0, true },
	[RXG_UDP6] = { "udp6", 0x66, V6, false, IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL,
		       false, 0, true },
	[RXG_IN4] = { "in4", 0x31, V4, true, 0, false, 0, false },
	[RXG_IN6] = { "in6", 0x36, V6, true, 0, false, 0, false },
	[RXG_T4_OUT] = { "t4out", 0x41, V4, false,
			 IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL, false, 0, true },
	[RXG_T4_IN] = { "t4in", 0x42, V4, true,
			IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL, false, 0, true },
	[RXG_T8_OUT] = { "t8out", 0x81, V4, false,
			 IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL, false, 0, true },
	[RXG_T8_IN] = { "t8in", 0x82, V4, true,
			IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL, false, 0, true },
};

/* Key bytes of (spi, which): splitmix64 from the SPI; fixed for ever. */
static void derive(uint32_t spi, uint32_t which, uint8_t *p, uint32_t n)
{
	uint64_t s = (uint64_t)spi << 8 ^ which ^ 0x1905F022C0DE0000ull;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t z = (s += 0x9E3779B97F4A7C15ull);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		p[i] = (uint8_t)(z ^ (z >> 31));
	}
}

/* Wire lengths from the algorithm table (engine/alg/ipoc_algs.def): IVs,
 * cipher blocks, ICVs (GCM's as given). */
static void member(struct rx_member *m, const struct vmember *v, uint32_t spi,
		   const struct rx_group_info *g)
{
	const struct ipoc_alg *e, *a;

	memset(m, 0, sizeof(*m));
	m->op = v->op;
	m->spi = spi;
	m->enc = v->op == IPsecOffloadV2Esp ? v->enc : 0;
	e = ipoc_alg_enc(v->enc);
	m->auth = e && e->kind == IPOC_ALG_AEAD ? 0 : v->auth;
	e = ipoc_alg_enc(m->enc);
	a = ipoc_alg_auth(m->auth);
	m->block = 4;
	if (e && e->kind == IPOC_ALG_AEAD) {
		m->iv_len = e->iv_len;
		m->icv_len = v->icv;
	} else {
		if (e && e->iv_len) {
			m->iv_len = e->iv_len;
			m->block = e->block > 4 ? e->block : 4;
		} else if (a && a->kind == IPOC_ALG_GMAC) {
			m->iv_len = a->iv_len;
		}
		m->icv_len = a ? a->icv_len : 0;
	}
	if (e && !ipoc_alg_is_null(e)) {
		m->ekey_len = sa_enc_key_len(m->enc);
		derive(spi, 1, m->ekey, m->ekey_len);
	}
	if (m->auth) {
		m->akey_len = sa_auth_key_len(m->auth);
		derive(spi, 2, m->akey, m->akey_len);
	}
	m->esn = g->esn;
	m->esn_hi = g->esn_hi;
}

static const struct rx_table *sort_table;

static int by_spi(const void *a, const void *b)
{
	uint32_t x = rx_outer(&sort_table->sa[*(const uint32_t *)a])->spi;
	uint32_t y = rx_outer(&sort_table->sa[*(const uint32_t *)b])->spi;

	return x < y ? -1 : x > y;
}

void rx_table_build(struct rx_table *t)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t g = 0; g < RXG_N; g++) {
		const struct rx_group_info *gi = &rx_groups[g];
		struct fb_level l;

		fb_level_std(&l, gi->family, gi->inner ? 1 : 0, false);
		for (uint32_t c = 0; c < valg_all_n && t->n < RX_MAX_SA; c++) {
			const struct valg *a = &valg_all[c];
			struct rx_sa *s = &t->sa[t->n];

			if (gi->esp_only && (a->n != 1 || a->m[0].op != IPsecOffloadV2Esp))
				continue;
			s->id = t->n;
			s->group = (enum rx_group)g;
			s->alg = a;
			s->family = gi->family;
			s->udp = gi->udp;
			memcpy(s->src, l.src, 16);
			memcpy(s->dst, l.dst, 16);
			s->n = a->n;
			s->usable = true;
			for (uint32_t i = 0; i < a->n; i++)
				member(&s->m[i], &a->m[i], (uint32_t)gi->code << 24 | (c + 1) << 8 | (i + 1),
				       gi);
			t->by_spi[t->n] = t->n;
			t->n++;
		}
	}
	sort_table = t;
	qsort(t->by_spi, t->n, sizeof(t->by_spi[0]), by_spi);
	sort_table = NULL;
}

const struct rx_member *rx_outer(const struct rx_sa *s)
{
	return &s->m[s->n - 1];
}

struct rx_member *rx_esp(struct rx_sa *s)
{
	return s->m[0].op == IPsecOffloadV2Esp ? &s->m[0] : NULL;
}

struct rx_member *rx_ah(struct rx_sa *s)
{
	return s->m[s->n - 1].op == IPsecOffloadV2Ah ? &s->m[s->n - 1] : NULL;
}

struct rx_sa *rx_find(struct rx_table *t, uint32_t spi)
{
	uint32_t lo = 0, hi = t->n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2, v = rx_outer(&t->sa[t->by_spi[mid]])->spi;

		if (v == spi)
			return &t->sa[t->by_spi[mid]];
		if (v < spi)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct sa_spec rx_spec(const struct rx_sa *s, bool inbound)
{
	struct sa_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.num = s->n;
	sp.flags = (inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0) |
		   (s->family == 6 ? IPSEC_OFFLOAD_V2_IPv6 : 0);
	sp.udp_esp = s->udp;
	memcpy(sp.src, s->src, 16);
	memcpy(sp.dst, s->dst, 16);
	for (uint32_t i = 0; i < s->n; i++) {
		const struct rx_member *m = &s->m[i];
		const struct vmember *v = &s->alg->m[i];
		struct sa_member *o = &sp.m[i];

		o->op = m->op;
		o->spi = fb_spi_ndis(m->spi);
		if (m->esn) {
			o->flags = IPSEC_OFFLOAD_V2_ESN_SA;
			o->esn_high = m->esn_hi;
		}
		if (v->enc) {
			o->enc.id = v->enc;
			o->enc.key_len = sa_enc_key_len(v->enc);
			o->enc.add_info = v->icv;
		}
		if (v->auth) {
			o->auth.id = v->auth;
			o->auth.key_len = sa_auth_key_len(v->auth);
		}
	}
	return sp;
}

bool rx_udp_expected(const struct rx_sa *s, bool outer)
{
	switch (s->udp) {
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT:
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL:
		return true;
	case IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL:
		return outer;
	case IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL:
		return !outer;
	default:
		return false;
	}
}

const char *rx_sa_name(const struct rx_sa *s, char *buf, unsigned len)
{
	snprintf(buf, len, "%s/%s (SPI 0x%08x)", rx_groups[s->group].name, s->alg->name,
		 rx_outer(s)->spi);
	return buf;
}
