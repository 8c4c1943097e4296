/* SPDX-License-Identifier: MIT */
/*
 * dp_int.h - the DPDK engine's state and the functions its files share.
 *
 * The engine is an NDIS IPsecOV2 miniport written on DPDK: the ESP
 * processing (sequence numbers, IVs, padding, ICV, trailer checks, ESN) is
 * lib/ipsec's (rte_ipsec_pkt_crypto_prepare, a cryptodev, and
 * rte_ipsec_pkt_process); this adapter does what NDIS asks around it.
 * README.md in this folder lists every requirement it meets on DPDK's
 * behalf, and how.
 */
#ifndef DP_INT_H
#define DP_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto.h>
#include <rte_ipsec.h>

#include "ipoc/engine.h"
#include "ipoc_alg.h"

#ifndef DP_VERSION
#define DP_VERSION "0.0.0"
#endif

/* The environment variables the engine reads at open (the ABI has no
 * engine parameters). */
#define DP_ENV_DEVICE "IPOC_DPDK_DEVICE"     /* crypto_aesni_mb (default) or crypto_openssl */
#define DP_ENV_EAL_ARGS "IPOC_DPDK_EAL_ARGS" /* more EAL arguments, space separated */

#define DP_DEFAULT_CAPACITY 1024u
#define DP_MAX_CAPACITY 4096u
#define DP_BURST 32u                  /* packets per lib/ipsec burst */
#define DP_STANDIN_LEN 20u            /* the stand-in IPv4 header (dp_esp.c) */
#define DP_MAX_FRAME 64000u           /* the longest frame: fits one mbuf (dp_dev.c) */

/* The process-wide DPDK side: EAL, one crypto device with one queue pair,
 * and the pools. Made at the first open and kept until the process ends
 * (EAL can be initialised once per process). */
struct dp_dev {
	uint8_t dev_id;
	char driver[64];                  /* "crypto_aesni_mb" */
	char version[128];                /* "DPDK 22.11.11, crypto_aesni_mb" */
	struct rte_mempool *ses_pool;
	struct rte_mempool *op_pool;
	struct rte_mempool *mbuf_pool;
};

/* One offloaded SA: what one ADD_SA element created. lib/ipsec 22.11 has
 * ESP only, so a bundle is one ESP member. */
struct dp_sa {
	bool in_use;
	uint32_t gen;                     /* part of the handle; survives release */
	bool inbound, ipv6;
	uint8_t src[16], dst[16];         /* network order; IPv4 in the first 4 */
	uint32_t udp_esp;
	uint32_t spi;                     /* network order */
	bool esn;
	uint32_t esn_high;
	const struct ipoc_alg *enc, *auth;  /* auth NULL for AES-GCM */
	uint32_t icv_len, iv_len, block;
	uint8_t portion_seen;             /* inbound: 0, 1 transport, 2 tunnel */
	/* DPDK objects */
	void *ses;                        /* cryptodev session */
	void *peek_ses;                   /* inbound, ciphered: dp_peek.c */
	struct rte_crypto_sym_xform xf[2];  /* without keys, for re-inits */
	struct rte_ipsec_sa_prm prm;
	struct rte_ipsec_sa *rsa;         /* prm's size, cache aligned */
	struct rte_ipsec_session ss;
	uint64_t next_seq;                /* outbound: what lib/ipsec gives next */
	uint32_t next_in_bucket;          /* inbound index chain: slot + 1 */
};

struct dp_enable {
	bool v2_ah, v2_esp;
};

struct ipoc_engine {
	struct ipoc_host_ops host;
	uint32_t open_flags;
	struct dp_dev *dev;
	NDIS_IPSEC_OFFLOAD_V2 hw;         /* what the device and lib/ipsec can do */
	struct dp_enable enable;
	struct dp_sa *sas;
	uint32_t capacity, used;
	uint32_t *bucket;                 /* inbound index: SPI hash -> slot + 1 */
	uint8_t *scratch;                 /* DP_MAX_FRAME: a frame's ESP bytes (dp_rx.c) */
	uint32_t bucket_mask;
};

/* dp_engine.c */
void dp_log(const struct ipoc_engine *e, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* dp_dev.c: the device, once per process; NULL and why on failure. */
struct dp_dev *dp_dev_get(char *why, size_t n);
/* Enqueue ops[0..n) and dequeue them all; false when the device lost some
 * (then every op's status is to be read as failed). */
bool dp_dev_run(struct dp_dev *d, struct rte_crypto_op **ops, uint16_t n);

/* crypto_dpdk.c: NDIS algorithms on the device. */
/* Does the device (and lib/ipsec) do this ESP algorithm pair with icv? */
bool dp_crypto_supported(const struct dp_dev *d, const struct ipoc_alg *enc,
			 const struct ipoc_alg *auth, uint32_t icv_len);
/* The claimed algorithm bits. */
void dp_crypto_caps(const struct dp_dev *d, uint32_t *enc_bits, uint32_t *auth_bits);
/* Fill sa->xf (keys pointing at the given buffers, for session creation)
 * and sa->prm.crypto_xform / ipsec_xform.salt. */
int dp_crypto_xforms(struct dp_sa *sa, const uint8_t *enc_key, const uint8_t *auth_key,
		     char *why, size_t n);

/* dp_caps.c */
void dp_caps_init(struct ipoc_engine *e, uint32_t capacity);
void dp_caps_current(const struct ipoc_engine *e, NDIS_OFFLOAD *out);
void dp_caps_hardware(const struct ipoc_engine *e, NDIS_OFFLOAD *out);
bool dp_sa_enabled(const struct ipoc_engine *e);

/* dp_sa.c */
struct ndis_sa_bundle;
/* The callbacks of the NDIS SA library (ndis_sa.h), ctx the engine. */
NDIS_STATUS dp_sa_install(void *ctx, const struct ndis_sa_bundle *b, NDIS_HANDLE *handle);
NDIS_STATUS dp_sa_delete(void *ctx, NDIS_HANDLE h);
int dp_sa_table_init(struct ipoc_engine *e, uint32_t capacity);
void dp_sa_table_fini(struct ipoc_engine *e);
struct dp_sa *dp_sa_lookup(const struct ipoc_engine *e, NDIS_HANDLE h);
struct dp_sa *dp_sa_find_inbound(const struct ipoc_engine *e, uint32_t spi, const uint8_t *dst,
				 uint32_t alen);
/* Make lib/ipsec start the next outbound packet at seq (64 bits). */
int dp_sa_set_next_seq(struct dp_sa *sa, uint64_t seq);
/* Re-make an inbound SA's lib/ipsec state so that lib/ipsec infers high
 * as the high half of every low half but 0 (dp_sa.c says how), with an
 * empty replay window. dp_sa_reset_inbound: high = the SA's. */
int dp_sa_start_inbound(struct dp_sa *sa, uint32_t high);
int dp_sa_reset_inbound(struct dp_sa *sa);

/* dp_peek.c: the Next Header of a packet whose ICV failed, from a
 * decrypted copy of its last cipher block; -1 when it cannot be read. */
int dp_peek_init(struct ipoc_engine *e, struct dp_sa *sa, const uint8_t *enc_key);
void dp_peek_fini(struct ipoc_engine *e, struct dp_sa *sa);
int dp_peek_next_header(struct ipoc_engine *e, struct dp_sa *sa, const uint8_t *esp,
			uint32_t esp_len);

/* dp_oid.c */
NDIS_STATUS dp_oid_request(ipoc_engine *e, struct ipoc_oid_request *req);

/* dp_tx.c / dp_rx.c */
void dp_send_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags);
void dp_receive_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags);

#endif /* DP_INT_H */
