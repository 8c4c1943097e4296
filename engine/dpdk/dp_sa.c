/* SPDX-License-Identifier: MIT */
/*
 * dp_sa.c - the SA table: one lib/ipsec SA and one cryptodev session per
 * offloaded NDIS SA.
 *
 * Slots are a fixed array made at open; a handle is ((generation + 1) <<
 * 32) | (slot + 1), the generation moving on at every release, so a stale
 * or made-up handle is found unknown, never followed. Inbound SAs are indexed by SPI for the receive path.
 *
 * lib/ipsec SA parameters, per NDIS SA:
 * - ESP, transport mode, IPv4 (the stand-in header of dp_esp.c), the SA's
 *   direction, its SPI; ESN when the SA has it;
 * - outbound: the sequence number lib/ipsec gives the next packet starts at
 *   1 (esn.value at init); dp_sa_set_next_seq re-initialises the SA at the
 *   number the transport framed (NDIS: the transport numbers packets);
 * - inbound: no replay window for a 32-bit SA (NDIS leaves replay checks to
 *   the host stack). lib/ipsec needs a window for ESN: it infers the high
 *   half of a packet from the highest number its window saw, and refuses
 *   what the window has seen. NDIS wants the SA's SequenceNumberHighOrder
 *   (UPDATE_SA) to decide, and nothing learnt on receive kept (PROFILE.md
 *   item 15), so before each ESN packet the adapter starts the lib/ipsec
 *   SA afresh (dp_esp.c) at esn.value = high << 32 | (ESN_WINDOW - 1): with
 *   the window's top at ESN_WINDOW - 1, RFC 4303 appendix A2.2's inference
 *   (ipsec_sqn.h reconstruct_esn) gives high for every low half but 0.
 * The keys live only in the cryptodev session: the copies made for its
 * creation are wiped right after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "dp_int.h"
#include "ndis_sa.h"

enum { ESN_WINDOW = 64 };

static uint32_t spi_bucket(const struct ipoc_engine *e, uint32_t spi)
{
	return (uint32_t)((spi * 0x9E3779B1u) >> 7) & e->bucket_mask;
}

int dp_sa_table_init(struct ipoc_engine *e, uint32_t capacity)
{
	uint32_t nb = 64;

	while (nb < capacity)
		nb <<= 1;
	e->sas = calloc(capacity, sizeof(*e->sas));
	e->bucket = calloc(nb, sizeof(*e->bucket));
	if (!e->sas || !e->bucket) {
		free(e->sas);
		free(e->bucket);
		return -1;
	}
	e->capacity = capacity;
	e->bucket_mask = nb - 1;
	return 0;
}

static void index_del(struct ipoc_engine *e, struct dp_sa *sa)
{
	uint32_t slot = (uint32_t)(sa - e->sas) + 1, *p = &e->bucket[spi_bucket(e, sa->spi)];

	while (*p && *p != slot)
		p = &e->sas[*p - 1].next_in_bucket;
	if (*p)
		*p = sa->next_in_bucket;
	sa->next_in_bucket = 0;
}

/* Back to an empty slot; the generation moves on, so old handles miss. */
static void clear_slot(struct dp_sa *sa)
{
	uint32_t gen = sa->gen;

	memset(sa, 0, sizeof(*sa));
	sa->gen = gen + 1;
}

static void release(struct ipoc_engine *e, struct dp_sa *sa)
{

	if (sa->inbound)
		index_del(e, sa);
	if (sa->rsa) {
		rte_ipsec_sa_fini(sa->rsa);
		rte_free(sa->rsa);
	}
	if (sa->ses)
		rte_cryptodev_sym_session_free(e->dev->dev_id, sa->ses);
	dp_peek_fini(e, sa);
	clear_slot(sa);
	e->used--;
}

void dp_sa_table_fini(struct ipoc_engine *e)
{
	for (uint32_t i = 0; e->sas && i < e->capacity; i++)
		if (e->sas[i].in_use)
			release(e, &e->sas[i]);
	free(e->sas);
	free(e->bucket);
	e->sas = NULL;
	e->bucket = NULL;
}

static NDIS_HANDLE handle_of(const struct ipoc_engine *e, const struct dp_sa *sa)
{
	uint64_t h = ((uint64_t)sa->gen + 1) << 32 | (uint64_t)(sa - e->sas + 1);

	return (NDIS_HANDLE)(uintptr_t)h;
}

struct dp_sa *dp_sa_lookup(const struct ipoc_engine *e, NDIS_HANDLE h)
{
	uint64_t v = (uint64_t)(uintptr_t)h;
	uint32_t slot = (uint32_t)v;
	struct dp_sa *sa;

	if (slot == 0 || slot > e->capacity)
		return NULL;
	sa = &e->sas[slot - 1];
	if (!sa->in_use || (v >> 32) != (uint64_t)sa->gen + 1)
		return NULL;
	return sa;
}

struct dp_sa *dp_sa_find_inbound(const struct ipoc_engine *e, uint32_t spi, const uint8_t *dst,
				 uint32_t alen)
{
	static const uint8_t any[16];

	for (uint32_t n = e->bucket[spi_bucket(e, spi)]; n; n = e->sas[n - 1].next_in_bucket) {
		struct dp_sa *sa = &e->sas[n - 1];

		if (sa->spi != spi || (sa->ipv6 ? 16u : 4u) != alen)
			continue;
		/* A zero destination is a wildcard. */
		if (memcmp(sa->dst, dst, alen) == 0 || memcmp(sa->dst, any, alen) == 0)
			return sa;
	}
	return NULL;
}

/* (Re-)make the lib/ipsec SA from sa->prm, starting at esn.value. */
static int ipsec_init(struct dp_sa *sa, uint64_t esn_value)
{
	int sz;

	sa->prm.ipsec_xform.esn.value = esn_value;
	sz = rte_ipsec_sa_size(&sa->prm);
	if (sz < 0)
		return sz;
	if (!sa->rsa) {
		sa->rsa = rte_zmalloc("ipoc_sa", (size_t)sz, RTE_CACHE_LINE_SIZE);
		if (!sa->rsa)
			return -ENOMEM;
	} else {
		rte_ipsec_sa_fini(sa->rsa);
	}
	sz = rte_ipsec_sa_init(sa->rsa, &sa->prm, (uint32_t)sz);
	if (sz < 0)
		return sz;
	sa->ss.sa = sa->rsa;
	sa->ss.type = RTE_SECURITY_ACTION_TYPE_NONE;
	sa->ss.crypto.ses = sa->ses;
	return rte_ipsec_session_prepare(&sa->ss);
}

int dp_sa_set_next_seq(struct dp_sa *sa, uint64_t seq)
{
	if (sa->next_seq == seq)
		return 0;
	if (ipsec_init(sa, seq) != 0)
		return -1;
	/* lib/ipsec starts at 1 when given 0 (sa.c esp_outb_init). */
	sa->next_seq = seq ? seq : 1;
	return sa->next_seq == seq ? 0 : -1;
}

int dp_sa_start_inbound(struct dp_sa *sa, uint32_t high)
{
	return ipsec_init(sa, sa->esn ? (uint64_t)high << 32 | (ESN_WINDOW - 1) : 0);
}

int dp_sa_reset_inbound(struct dp_sa *sa)
{
	return dp_sa_start_inbound(sa, sa->esn_high);
}

static void fill_prm(struct dp_sa *sa)
{
	struct rte_security_ipsec_xform *x = &sa->prm.ipsec_xform;

	memset(&sa->prm, 0, sizeof(sa->prm));
	x->spi = rte_be_to_cpu_32(sa->spi);
	x->proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	x->mode = RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT;
	x->direction = sa->inbound ? RTE_SECURITY_IPSEC_SA_DIR_INGRESS
				   : RTE_SECURITY_IPSEC_SA_DIR_EGRESS;
	x->options.esn = sa->esn;
	x->replay_win_sz = sa->inbound && sa->esn ? ESN_WINDOW : 0;
	sa->prm.trs.proto = IPPROTO_IPIP;   /* the stand-in header is IPv4 */
}

NDIS_STATUS dp_sa_install(void *ctx, const struct ndis_sa_bundle *b, NDIS_HANDLE *handle)
{
	struct ipoc_engine *e = ctx;
	const struct ndis_sa_member *m = &b->m[0];
	uint8_t ek[64], ak[64];
	struct dp_sa *sa = NULL;
	char why[160] = "";
	int rc;

	*handle = NULL;
	if (b->num_members != 1 || m->op != IPsecOffloadV2Esp) {
		dp_log(e, IPOC_LOG_WARN, "%s: lib/ipsec 22.11 has ESP only; AH is not claimed",
		       b->what);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	for (uint32_t i = 0; i < e->capacity && !sa; i++)
		if (!e->sas[i].in_use)
			sa = &e->sas[i];
	if (!sa) {
		dp_log(e, IPOC_LOG_WARN, "%s: no room: all %u SA slots (SaOffloadCapacity) in use",
		       b->what, e->capacity);
		return NDIS_STATUS_RESOURCES;
	}
	sa->inbound = b->inbound;
	sa->ipv6 = b->ipv6;
	memcpy(sa->src, b->src, 16);
	memcpy(sa->dst, b->dst, 16);
	sa->udp_esp = b->udp_esp;
	sa->spi = m->spi;
	sa->esn = m->esn;
	sa->esn_high = m->esn_high;
	sa->enc = m->enc_alg ? ipoc_alg_enc(m->enc_alg) : ipoc_alg_null();
	sa->auth = sa->enc->kind == IPOC_ALG_AEAD ? NULL : ipoc_alg_auth(m->auth_alg);
	sa->icv_len = m->icv_len;
	sa->iv_len = sa->auth && sa->auth->kind == IPOC_ALG_GMAC ? sa->auth->iv_len
								   : sa->enc->iv_len;
	sa->block = sa->enc->block > 4 ? sa->enc->block : 4;
	if (sa->inbound && dp_sa_find_inbound(e, sa->spi, sa->dst, sa->ipv6 ? 16 : 4)) {
		dp_log(e, IPOC_LOG_WARN, "%s: an inbound SA with the same SPI and destination is "
		       "already offloaded", b->what);
		clear_slot(sa);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	if (!dp_crypto_supported(e->dev, sa->enc, sa->auth, sa->icv_len)) {
		dp_log(e, IPOC_LOG_WARN, "%s: %s%s%s with a %u-byte ICV: not done by %s and "
		       "lib/ipsec", b->what, sa->enc->label, sa->auth ? " + " : "",
		       sa->auth ? sa->auth->label : "", sa->icv_len, e->dev->driver);
		clear_slot(sa);
		return NDIS_STATUS_NOT_SUPPORTED;
	}
	/* Keys into local buffers for the session, wiped after. */
	if (m->enc_key_len > sizeof(ek) || m->auth_key_len > sizeof(ak)) {
		clear_slot(sa);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	memcpy(ek, m->enc_key ? m->enc_key : ek, m->enc_key_len);
	memcpy(ak, m->auth_key ? m->auth_key : ak, m->auth_key_len);
	fill_prm(sa);
	sa->ss.crypto.dev_id = e->dev->dev_id;
	sa->in_use = true;
	e->used++;
	rc = dp_crypto_xforms(sa, ek, ak, why, sizeof(why));
	if (rc == 0) {
		sa->ses = rte_cryptodev_sym_session_create(e->dev->dev_id, sa->prm.crypto_xform,
							   e->dev->ses_pool);
		if (!sa->ses) {
			snprintf(why, sizeof(why), "rte_cryptodev_sym_session_create: %s",
				 rte_strerror(rte_errno));
			rc = -1;
		}
	}
	if (rc == 0)
		dp_peek_init(e, sa, ek);
	explicit_bzero(ek, sizeof(ek));
	explicit_bzero(ak, sizeof(ak));
	for (int i = 0; i < 2; i++) {
		/* No key pointer outlives this call. */
		if (sa->xf[i].type == RTE_CRYPTO_SYM_XFORM_AEAD)
			sa->xf[i].aead.key.data = NULL;
		else if (sa->xf[i].type == RTE_CRYPTO_SYM_XFORM_CIPHER)
			sa->xf[i].cipher.key.data = NULL;
		else if (sa->xf[i].type == RTE_CRYPTO_SYM_XFORM_AUTH)
			sa->xf[i].auth.key.data = NULL;
	}
	if (rc == 0 && (rc = sa->inbound ? dp_sa_reset_inbound(sa) : ipsec_init(sa, 1)) != 0)
		snprintf(why, sizeof(why), "rte_ipsec_sa_init / session_prepare: %s",
			 rte_strerror(-rc));
	if (rc != 0) {
		dp_log(e, IPOC_LOG_WARN, "%s: %s", b->what, why);
		release(e, sa);
		return NDIS_STATUS_RESOURCES;
	}
	sa->next_seq = 1;
	if (sa->inbound) {
		uint32_t *head = &e->bucket[spi_bucket(e, sa->spi)];

		sa->next_in_bucket = *head;
		*head = (uint32_t)(sa - e->sas) + 1;
	}
	*handle = handle_of(e, sa);
	return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS dp_sa_delete(void *ctx, NDIS_HANDLE h)
{
	struct ipoc_engine *e = ctx;
	struct dp_sa *sa = dp_sa_lookup(e, h);

	if (!sa)
		return NDIS_STATUS_INVALID_PARAMETER;
	release(e, sa);
	return NDIS_STATUS_SUCCESS;
}
