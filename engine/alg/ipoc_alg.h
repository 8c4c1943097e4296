/* SPDX-License-Identifier: MIT */
/*
 * ipoc_alg.h - the NDIS IPsecOV2 algorithm set as one table
 * (ipoc_algs.def), for the reference engine and the harness alike.
 *
 * A row is one algorithm: its NDIS bit and namespace, what kind of
 * transform it is, its key, salt, ICV, IV and block lengths, and the names
 * other tools give it (Wireshark's esp_sa, Linux `ip xfrm`, OpenSSL, vector
 * files). Code asks the table instead of listing algorithms: lookups by
 * bit and by each name, masks by kind, iteration. Needs ipoc/ndis.h only.
 */
#ifndef IPOC_ALG_H
#define IPOC_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds, as bits so that a mask can name several. CIPHER and AEAD rows are
 * IPSEC_OFFLOAD_V2_ENCRYPTION_* bits, INTEGRITY and GMAC rows
 * IPSEC_OFFLOAD_V2_AUTHENTICATION_* bits (the two namespaces overlap). */
enum ipoc_alg_kind {
	IPOC_ALG_CIPHER = 1u << 0,     /* ESP confidentiality alone: CBC, NULL */
	IPOC_ALG_AEAD = 1u << 1,       /* combined mode (AES-GCM) */
	IPOC_ALG_INTEGRITY = 1u << 2,  /* HMAC */
	IPOC_ALG_GMAC = 1u << 3,       /* AES-GMAC: integrity, ESP or AH */
};
#define IPOC_ALG_ENC_KINDS (IPOC_ALG_CIPHER | IPOC_ALG_AEAD)
#define IPOC_ALG_AUTH_KINDS (IPOC_ALG_INTEGRITY | IPOC_ALG_GMAC)

/* The icvs column: bit n set when an n-byte ICV may be asked for. */
#define IPOC_ICV(n) (1u << (n))
/* The v1 column of a row IPsecOV1 has no identifier for. */
#define IPOC_ALG_NO_V1 UINT32_MAX

struct ipoc_alg {
	uint32_t ndis;           /* the IPSEC_OFFLOAD_V2_* bit */
	enum ipoc_alg_kind kind;
	const char *ndis_macro;  /* "IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128" */
	const char *ndis_name;   /* the macro without its prefix: "AES_GCM_128" */
	const char *name;        /* "aes-gcm-128": vector files, case ids */
	const char *label;       /* "AES-GCM-128" */
	const char *rfc;         /* "RFC 4106" */
	uint32_t key_len;        /* NDIS KeyLength, salt included */
	uint32_t salt_len;       /* at the end of the key */
	uint32_t icv_len;        /* default ICV bytes, 0 for plain ciphers */
	uint32_t icvs;           /* IPOC_ICV(n) of each allowed ICV length */
	uint32_t iv_len;         /* IV bytes on the wire */
	uint32_t block;          /* cipher block bytes (1: none) */
	const char *esp_sa;      /* Wireshark esp_sa name, "%u" = ICV bytes; NULL */
	const char *xfrm;        /* `ip xfrm` names, space separated, canonical first */
	const char *evp;         /* OpenSSL EVP cipher/digest name; NULL for NULL */
	const char *prim;        /* vector [prim] name */
	const char *scapy;       /* scapy's name, or NULL */
	uint32_t v1;             /* IPsecOV1 identifier or IPOC_ALG_NO_V1 */
};

/* Every row, in the order of the .def file. */
extern const struct ipoc_alg ipoc_algs[];
extern const size_t ipoc_algs_n;

/* A row is in the encryption namespace (CIPHER, AEAD), or the integrity one. */
static inline bool ipoc_alg_is_enc(const struct ipoc_alg *a)
{
	return (a->kind & IPOC_ALG_ENC_KINDS) != 0;
}

/* The row of an IPSEC_OFFLOAD_V2_ENCRYPTION_* / _AUTHENTICATION_* bit, or
 * NULL (0, several bits, an unknown bit). */
const struct ipoc_alg *ipoc_alg_enc(uint32_t bit);
const struct ipoc_alg *ipoc_alg_auth(uint32_t bit);

/* By the name column ("aes-gcm-128"), the label ("AES-GCM-128"), either
 * case, or the [prim] name; NULL when none matches. */
const struct ipoc_alg *ipoc_alg_by_name(const char *name);
const struct ipoc_alg *ipoc_alg_by_prim(const char *name, size_t len);

/* By an `ip xfrm` name (n bytes at name, any alias of the column) and the
 * key length: several rows share a name (cbc(aes)), the key tells them
 * apart. *name_known (may be NULL) says whether any row has the name, so
 * that a caller can tell an unknown name from a bad key length. */
const struct ipoc_alg *ipoc_alg_by_xfrm(const char *name, size_t n, size_t key_len,
					bool *name_known);

/* By a Wireshark esp_sa name (n bytes at name) and key length; *icv gets
 * the ICV bytes the name carries (AES-GCM), else the row's default;
 * *name_known as above. */
const struct ipoc_alg *ipoc_alg_by_esp_sa(const char *name, size_t n, size_t key_len,
					  uint32_t *icv, bool *name_known);

/* Whether a row has the n bytes at name as one of its `ip xfrm` names, or
 * as its Wireshark esp_sa name (*icv: the ICV bytes the name carries, or
 * the row's default). */
bool ipoc_alg_has_xfrm(const struct ipoc_alg *a, const char *name, size_t n);
bool ipoc_alg_has_esp_sa(const struct ipoc_alg *a, const char *name, size_t n, uint32_t *icv);

/* The Wireshark esp_sa name of a row with ICV icv into buf (n bytes):
 * buf, or NULL when Wireshark has none or icv is not allowed. */
const char *ipoc_alg_esp_sa_name(const struct ipoc_alg *a, uint32_t icv, char *buf, size_t n);

/* The canonical `ip xfrm` name (the first of the column) into buf. */
const char *ipoc_alg_xfrm_name(const struct ipoc_alg *a, char *buf, size_t n);

/* By IPsecOV1 identifier, in the encryption (enc true) or integrity set. */
const struct ipoc_alg *ipoc_alg_by_v1(bool enc, uint32_t v1);

/* The OR of the bits of the rows whose kind is in kinds (a mask of
 * enum ipoc_alg_kind; ENC and AUTH kinds are not to be mixed). */
uint32_t ipoc_alg_mask(unsigned kinds);

/* An ICV length the row allows (AdditionalInfo or a vector's icv). */
static inline bool ipoc_alg_icv_ok(const struct ipoc_alg *a, uint32_t icv)
{
	return icv < 32 && (a->icvs & IPOC_ICV(icv)) != 0;
}

/* The NULL cipher (RFC 2410): ESP confidentiality with no key and no IV,
 * what GMAC and HMAC-only ESP SAs carry as their encryption. */
static inline bool ipoc_alg_is_null(const struct ipoc_alg *a)
{
	return a && a->kind == IPOC_ALG_CIPHER && a->key_len == 0 && a->iv_len == 0;
}

/* The ICV lengths a row allows, for messages: "8, 12 or 16" (unit 1:
 * bytes) or "64, 96 or 128" (unit 8: bits), into buf (n bytes); buf. */
const char *ipoc_alg_icv_text(const struct ipoc_alg *a, unsigned unit, char *buf, size_t n);

/* The NULL cipher's row (what an ESP SA with GMAC or HMAC alone carries). */
const struct ipoc_alg *ipoc_alg_null(void);

/* The raw key (without the salt) bytes. */
static inline uint32_t ipoc_alg_raw_key_len(const struct ipoc_alg *a)
{
	return a->key_len - a->salt_len;
}

#endif /* IPOC_ALG_H */
