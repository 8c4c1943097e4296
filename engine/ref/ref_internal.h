/* SPDX-License-Identifier: MIT */
/*
 * ref_internal.h - the reference engine's state and the functions its files
 * share. Nothing here is ABI: third-party engines see only ipoc/engine.h.
 */
#ifndef REF_INTERNAL_H
#define REF_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipoc/engine.h"
#include "ipoc_alg.h"
#include "ndis_sa.h"

#ifndef REF_DEFAULT_SA_CAPACITY
#define REF_DEFAULT_SA_CAPACITY 1024
#endif
/* The most SA slots open sets up (the table and its index are sized from
 * it); a larger ipoc_open_params.sa_offload_capacity is bounded to this,
 * and SaOffloadCapacity says so. */
#define REF_MAX_SA_CAPACITY (1u << 20)
#ifndef REF_VERSION
#define REF_VERSION "0.0.0"
#endif

/* The name in the ops table; engine/mutants builds name themselves. */
#ifndef REF_ENGINE_NAME
#define REF_ENGINE_NAME "ipoc-ref"
#endif

/* Largest key each member may hold: HMAC-SHA-256 (32) and AES-256-GCM with
 * its 4-byte salt (36). */
enum ref_key_lengths {
	REF_MAX_AUTH_KEY_LEN = 36,
	REF_MAX_ENC_KEY_LEN = 36,
	REF_SALT_LEN = 4,
};

/* Which OID family created an SA. */
enum ref_sa_version {
	REF_SA_V2 = 2,
	REF_SA_V1 = 1,
};

/* One member of a bundle: the AH or the ESP part. */
struct ref_sa_member {
	uint32_t op;              /* IPsecOffloadV2Ah / IPsecOffloadV2Esp */
	uint32_t spi;             /* network byte order, as given */
	bool esn;
	uint32_t esn_high;        /* SequenceNumberHighOrder */
	uint32_t auth_alg;        /* IPSEC_OFFLOAD_V2_AUTHENTICATION_* or 0 */
	uint32_t enc_alg;         /* IPSEC_OFFLOAD_V2_ENCRYPTION_* or 0 */
	uint32_t icv_len;         /* bytes */
	uint32_t auth_key_len;
	uint32_t enc_key_len;     /* includes the salt for GCM/GMAC */
	uint8_t auth_key[REF_MAX_AUTH_KEY_LEN];
	uint8_t enc_key[REF_MAX_ENC_KEY_LEN];
	/* Data-plane state, made when the SA is added (ref_sa_crypto_init). */
	struct ref_xform *x;      /* keyed contexts for the SA's direction */
	uint8_t kind;             /* enum ref_member_kind, chosen once at add */
	uint32_t iv_len;          /* IV bytes on the wire: 0, 8 or 16 */
	uint32_t block;           /* payload alignment: cipher block, at least 4 */
	uint64_t iv_counter;      /* GCM/GMAC IVs: a counter, never repeats */
	uint8_t tx_iv[16];        /* injected IV (test_set_tx_iv), tx_iv_len bytes */
	uint32_t tx_iv_len;
	uint64_t seq;             /* outbound: next LSO sequence number;
	                             inbound: highest 64-bit sequence seen */
};

/* How an ESP member protects its payload, chosen when the SA is added so
 * the packet path does not look algorithms up. */
enum ref_member_kind {
	REF_KIND_PLAIN = 0,       /* no cipher (NULL or none), HMAC or nothing */
	REF_KIND_CBC,             /* DES/3DES/AES-CBC, HMAC or nothing */
	REF_KIND_GCM,             /* AES-GCM, combined */
	REF_KIND_GMAC,            /* no cipher, AES-GMAC */
};

/* One offloaded SA bundle: what one ADD_SA element created. */
struct ref_sa {
	bool in_use;
	uint32_t tag;             /* random, part of the handle */
	enum ref_sa_version version;
	bool inbound;
	bool ipv6;
	uint8_t src[16];          /* IPv4 in the first 4 bytes, network order */
	uint8_t dst[16];
	uint32_t udp_esp;         /* IPSEC_OFFLOAD_V2_*UDP_ESP* value */
	uint32_t tunnel_src;      /* V1 tunnel endpoints, 0 for transport */
	uint32_t tunnel_dst;
	uint32_t num_members;
	struct ref_sa_member m[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
	bool indexed;             /* in the inbound lookup index */
	uint8_t portion_seen;     /* inbound: 0 unknown, 1 transport, 2 tunnel:
	                             what its last good packet protected */
};

/* The member a received packet shows first: AH of an [ESP, AH] bundle. */
static inline struct ref_sa_member *ref_sa_outer(struct ref_sa *sa)
{
	return &sa->m[sa->num_members - 1];
}

/* The SA table: a fixed array of slots sized at open, so no SA operation
 * allocates. A handle is (tag << 32) | (slot + 1): a stale or guessed
 * handle misses the tag and is reported unknown, never dereferenced
 * (ref_sa_table.c explains the tags). */
struct ref_sa_table {
	struct ref_sa *slots;
	uint32_t *generation;     /* per slot, survives the wipe on release */
	uint32_t *bucket;         /* inbound index: SPI hash -> slot + 1 */
	uint32_t *chain;          /* per slot: next slot + 1 in its bucket */
	uint32_t bucket_mask;
	uint64_t tag_key[4];      /* random round keys of the tag permutation */
	uint32_t capacity;
	uint32_t used;
};

/* What OID_TCP_OFFLOAD_PARAMETERS switched on. */
struct ref_enable {
	bool v1_ah, v1_esp;
	bool v2_ah, v2_esp;
};

struct ipoc_engine {
	struct ipoc_host_ops host;        /* copy, up to the host's struct_size */
	uint32_t open_flags;
	NDIS_IPSEC_OFFLOAD_V1 hw_v1;      /* what the hardware can do */
	NDIS_IPSEC_OFFLOAD_V2 hw_v2;
	struct ref_enable enable;
	struct ref_sa_table sas;
	uint8_t *scratch;                 /* linear copy of a multi-MDL frame */
	uint32_t scratch_len;
	uint8_t *peek;                    /* decrypted trailer copies (REF_PEEK_LEN) */
	uint8_t *seg;                     /* one LSO segment being built (REF_SEG_LEN) */
};

#define REF_PEEK_LEN 65536u
#define REF_SEG_LEN 65536u

/* Largest frame the engine linearises: an IP packet of 64 KiB behind an
 * Ethernet header with two VLAN tags, plus room for LSO segment building. */
#define REF_SCRATCH_LEN (2u * 65536u + 256u)

/* ref_engine.c */
void ref_log(const struct ipoc_engine *e, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same lines for engine/ndis (struct ndis_ctx.log; ctx is the engine). */
void ref_ndis_log(void *ctx, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static inline struct ndis_ctx ref_ndis_ctx(struct ipoc_engine *e)
{
	return (struct ndis_ctx){ .log = ref_ndis_log, .ctx = e };
}

/* ref_caps.c */
void ref_caps_init(struct ipoc_engine *e, uint32_t sa_capacity);
void ref_caps_current(const struct ipoc_engine *e, NDIS_OFFLOAD *out);
void ref_caps_hardware(const struct ipoc_engine *e, NDIS_OFFLOAD *out);
bool ref_sa_enabled(const struct ipoc_engine *e, const struct ref_sa *sa);

/* ref_sa_table.c */
int ref_sa_table_init(struct ref_sa_table *t, uint32_t capacity);
void ref_sa_table_fini(struct ref_sa_table *t);
struct ref_sa *ref_sa_alloc(struct ref_sa_table *t, NDIS_HANDLE *handle);
struct ref_sa *ref_sa_lookup(const struct ref_sa_table *t, NDIS_HANDLE handle);
void ref_sa_release(struct ref_sa_table *t, struct ref_sa *sa);
struct ref_sa_member *ref_sa_member_by_spi(struct ref_sa *sa, uint32_t op, uint32_t spi);
bool ref_sa_inbound_clash(const struct ref_sa_table *t, const struct ref_sa *cand);
/* Put a fully added inbound SA into / take it out of the lookup index. */
void ref_sa_index_add(struct ref_sa_table *t, struct ref_sa *sa);
void ref_sa_index_del(struct ref_sa_table *t, struct ref_sa *sa);
/* The inbound SA whose outermost member has spi and whose destination is
 * dst (alen bytes). Prefers one whose outer member is op; when only SAs of
 * the other protocol match, returns one of them and sets *other_proto. */
struct ref_sa *ref_sa_find_inbound(struct ref_sa_table *t, uint32_t spi, const uint8_t *dst,
				   uint32_t alen, uint32_t op, bool *other_proto);

/* ref_sa_crypto.c: per-member transforms, made and freed with the SA. */
int ref_sa_crypto_init(struct ipoc_engine *e, struct ref_sa *sa);
void ref_sa_crypto_fini(struct ref_sa *sa);

/* ref_sa_v2.c / ref_sa_v1.c: OID handlers. len is InformationBufferLength. */
NDIS_STATUS ref_v2_add_sa(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA *first, uint32_t len);
NDIS_STATUS ref_v2_add_sa_ex(struct ipoc_engine *e, IPSEC_OFFLOAD_V2_ADD_SA_EX *sa, uint32_t len);
NDIS_STATUS ref_v2_delete_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_DELETE_SA *first,
			     uint32_t len);
NDIS_STATUS ref_v2_update_sa(struct ipoc_engine *e, const IPSEC_OFFLOAD_V2_UPDATE_SA *u,
			     uint32_t len);
NDIS_STATUS ref_v1_add_sa(struct ipoc_engine *e, OFFLOAD_IPSEC_ADD_SA *sa, uint32_t len);
NDIS_STATUS ref_v1_delete_sa(struct ipoc_engine *e, const OFFLOAD_IPSEC_DELETE_SA *d,
			     uint32_t len);

/* ref_oid.c */
NDIS_STATUS ref_oid_request(ipoc_engine *e, struct ipoc_oid_request *req);

/* ref_data.c */
void ref_send_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG port, ULONG flags);
void ref_receive_net_buffer_lists(ipoc_engine *e, NET_BUFFER_LIST *chain, ULONG flags);

#endif /* REF_INTERNAL_H */
