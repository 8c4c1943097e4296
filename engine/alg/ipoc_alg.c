/* SPDX-License-Identifier: MIT */
/*
 * ipoc_alg.c - see ipoc_alg.h. The rows come from ipoc_algs.def; this file
 * only looks them up.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipoc/ndis.h"
#include "ipoc_alg.h"

/* The macro name without "IPSEC_OFFLOAD_V2_ENCRYPTION_" or
 * "..._AUTHENTICATION_": the kind says which (indexed, not added, which
 * clang's -Wstring-plus-int refuses). */
#define ENC_PREFIX (sizeof("IPSEC_OFFLOAD_V2_ENCRYPTION_") - 1)
#define AUTH_PREFIX (sizeof("IPSEC_OFFLOAD_V2_AUTHENTICATION_") - 1)
#define PREFIX_CIPHER ENC_PREFIX
#define PREFIX_AEAD ENC_PREFIX
#define PREFIX_INTEGRITY AUTH_PREFIX
#define PREFIX_GMAC AUTH_PREFIX

#define IPOC_ALG(ndis, kind, name, label, rfc, key, salt, icv, icvs, iv, block, esp_sa, \
		 xfrm, evp, prim, scapy, v1) \
	{ ndis, IPOC_ALG_##kind, #ndis, &(#ndis)[PREFIX_##kind], name, label, rfc, key, salt, \
	  icv, icvs, iv, block, esp_sa, xfrm, evp, prim, scapy, v1 },

const struct ipoc_alg ipoc_algs[] = {
#include "ipoc_algs.def"
};
#undef IPOC_ALG

const size_t ipoc_algs_n = sizeof(ipoc_algs) / sizeof(ipoc_algs[0]);

static const struct ipoc_alg *by_bit(bool enc, uint32_t bit)
{
	if (bit == 0 || (bit & (bit - 1)) != 0)
		return NULL;
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (ipoc_algs[i].ndis == bit && ipoc_alg_is_enc(&ipoc_algs[i]) == enc)
			return &ipoc_algs[i];
	return NULL;
}

const struct ipoc_alg *ipoc_alg_enc(uint32_t bit)
{
	return by_bit(true, bit);
}

const struct ipoc_alg *ipoc_alg_auth(uint32_t bit)
{
	return by_bit(false, bit);
}

const struct ipoc_alg *ipoc_alg_by_name(const char *name)
{
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (strcasecmp(ipoc_algs[i].name, name) == 0 ||
		    strcasecmp(ipoc_algs[i].label, name) == 0)
			return &ipoc_algs[i];
	return NULL;
}

const struct ipoc_alg *ipoc_alg_by_prim(const char *name, size_t len)
{
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (strlen(ipoc_algs[i].prim) == len && memcmp(ipoc_algs[i].prim, name, len) == 0)
			return &ipoc_algs[i];
	return NULL;
}

/* Whether the space-separated list has the n bytes at name as a word. */
static bool list_has(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (p && *p) {
		size_t w = strcspn(p, " ");

		if (w == n && memcmp(p, name, n) == 0)
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

const struct ipoc_alg *ipoc_alg_by_xfrm(const char *name, size_t n, size_t key_len,
					bool *name_known)
{
	bool known = false;

	for (size_t i = 0; i < ipoc_algs_n; i++) {
		if (!ipoc_alg_has_xfrm(&ipoc_algs[i], name, n))
			continue;
		known = true;
		if (ipoc_algs[i].key_len == key_len) {
			if (name_known)
				*name_known = true;
			return &ipoc_algs[i];
		}
	}
	if (name_known)
		*name_known = known;
	return NULL;
}

bool ipoc_alg_has_xfrm(const struct ipoc_alg *a, const char *name, size_t n)
{
	return list_has(a->xfrm, name, n);
}

bool ipoc_alg_has_esp_sa(const struct ipoc_alg *a, const char *name, size_t n, uint32_t *icv)
{
	char buf[96];

	if (!a->esp_sa)
		return false;
	if (!strstr(a->esp_sa, "%u")) {
		*icv = a->icv_len;
		return strlen(a->esp_sa) == n && memcmp(a->esp_sa, name, n) == 0;
	}
	for (uint32_t v = 1; v < 32; v++) {
		if (!ipoc_alg_icv_ok(a, v) || !ipoc_alg_esp_sa_name(a, v, buf, sizeof(buf)))
			continue;
		if (strlen(buf) == n && memcmp(buf, name, n) == 0) {
			*icv = v;
			return true;
		}
	}
	return false;
}

const struct ipoc_alg *ipoc_alg_by_esp_sa(const char *name, size_t n, size_t key_len,
					  uint32_t *icv, bool *name_known)
{
	bool known = false;
	uint32_t v = 0;

	for (size_t i = 0; i < ipoc_algs_n; i++) {
		if (!ipoc_alg_has_esp_sa(&ipoc_algs[i], name, n, &v))
			continue;
		known = true;
		if (ipoc_algs[i].key_len == key_len) {
			if (icv)
				*icv = v;
			if (name_known)
				*name_known = true;
			return &ipoc_algs[i];
		}
	}
	if (icv)
		*icv = v;
	if (name_known)
		*name_known = known;
	return NULL;
}

const char *ipoc_alg_esp_sa_name(const struct ipoc_alg *a, uint32_t icv, char *buf, size_t n)
{
	int w;

	if (!a->esp_sa || n == 0)
		return NULL;
	if (!strstr(a->esp_sa, "%u")) {
		w = snprintf(buf, n, "%s", a->esp_sa);
	} else {
		if (!ipoc_alg_icv_ok(a, icv))
			return NULL;
		/* The format comes from the table, not from input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		w = snprintf(buf, n, a->esp_sa, (unsigned)icv);
#pragma GCC diagnostic pop
	}
	return w >= 0 && (size_t)w < n ? buf : NULL;
}

const char *ipoc_alg_xfrm_name(const struct ipoc_alg *a, char *buf, size_t n)
{
	size_t w = strcspn(a->xfrm, " ");

	if (w >= n)
		return NULL;
	memcpy(buf, a->xfrm, w);
	buf[w] = '\0';
	return buf;
}

const struct ipoc_alg *ipoc_alg_by_v1(bool enc, uint32_t v1)
{
	if (v1 == IPOC_ALG_NO_V1)
		return NULL;
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (ipoc_algs[i].v1 == v1 && ipoc_alg_is_enc(&ipoc_algs[i]) == enc)
			return &ipoc_algs[i];
	return NULL;
}

uint32_t ipoc_alg_mask(unsigned kinds)
{
	uint32_t m = 0;

	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (ipoc_algs[i].kind & kinds)
			m |= ipoc_algs[i].ndis;
	return m;
}

const struct ipoc_alg *ipoc_alg_null(void)
{
	for (size_t i = 0; i < ipoc_algs_n; i++)
		if (ipoc_alg_is_null(&ipoc_algs[i]))
			return &ipoc_algs[i];
	return NULL;
}

const char *ipoc_alg_icv_text(const struct ipoc_alg *a, unsigned unit, char *buf, size_t n)
{
	unsigned count = 0, seen = 0;
	size_t o = 0;

	if (n == 0)
		return buf;
	for (uint32_t v = 0; v < 32; v++)
		count += ipoc_alg_icv_ok(a, v);
	buf[0] = '\0';
	for (uint32_t v = 0; v < 32 && o < n; v++) {
		int w;

		if (!ipoc_alg_icv_ok(a, v))
			continue;
		seen++;
		w = snprintf(buf + o, n - o, "%s%u", seen == 1 ? "" : seen == count ? " or " : ", ",
			     v * unit);
		o += w > 0 ? (size_t)w : 0;
	}
	return buf;
}
