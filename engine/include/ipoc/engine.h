/* SPDX-License-Identifier: MIT */
/*
 * ipoc/engine.h - the ipoc engine ABI, version 1.0.
 *
 * An IPsec offload engine is a shared object that exports one symbol,
 * ipoc_engine_entry(). The host (the ipoc harness, or any program that
 * drives an engine) calls it with the ABI major it speaks; the engine hands
 * back a static, constant ops table. The table mirrors the NDIS miniport
 * entry points an IPsec task offload miniport implements:
 *
 *   MiniportInitializeEx / MiniportHaltEx   -> open / close
 *   MiniportOidRequest (and direct OIDs)     -> oid_request
 *   MiniportSendNetBufferLists               -> send_net_buffer_lists
 *   NdisMSendNetBufferListsComplete          -> host->send_complete
 *   the wire (DMA of a NET_BUFFER)           -> host->transmit
 *   receive DMA + NdisMIndicateReceiveNetBufferLists
 *                                            -> receive_net_buffer_lists
 *                                               + host->indicate_receive
 *
 * Frames are Ethernet II (NDIS_ENCAPSULATION_IEEE_802_3). Offsets in the
 * IPsec header-info slot count from the IP header, as NDIS says.
 *
 * Policy (engine/ABI.md): members are only ever appended to the ops table
 * and to every struct here that carries struct_size; an append raises the
 * minor; anything else raises the major. A NULL member of the ops table
 * means "unsupported"; it is never a stub. Each member says since when.
 *
 * This header includes only ipoc/ndis.h (which includes only <stddef.h> and
 * <stdint.h>), and compiles as C99 -pedantic and as C++.
 */
#ifndef IPOC_ENGINE_H
#define IPOC_ENGINE_H

#include "ndis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IPOC_ENGINE_ABI_MAJOR 1
#define IPOC_ENGINE_ABI_MINOR 0

/* The one symbol an engine exports. */
#define IPOC_ENGINE_ENTRY_SYMBOL "ipoc_engine_entry"

#if defined(_WIN32)
#define IPOC_ENGINE_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define IPOC_ENGINE_EXPORT __attribute__((visibility("default")))
#else
#define IPOC_ENGINE_EXPORT
#endif

/* An engine instance (one "adapter"); opaque to the host. */
typedef struct ipoc_engine ipoc_engine;

/* Log levels for ipoc_host_ops.log. */
enum ipoc_log_level {
	IPOC_LOG_ERROR = 0,
	IPOC_LOG_WARN = 1,
	IPOC_LOG_INFO = 2,
	IPOC_LOG_DEBUG = 3
};

/*
 * Callbacks the host gives the engine at open. since 1.0.
 *
 * Ownership: the table and ctx stay valid until close returns. Every
 * callback may be called from inside send_net_buffer_lists or
 * receive_net_buffer_lists, never after close.
 */
struct ipoc_host_ops {
	uint32_t struct_size;   /* sizeof(struct ipoc_host_ops) of the host */
	uint32_t reserved;
	void *ctx;              /* passed back as the first argument */

	/* A frame leaves on the wire: the bytes are nb's used data space
	 * (DataOffset .. DataOffset+DataLength through its MDL chain). nbl is
	 * the NBL the frame came from. For segments the engine builds itself
	 * (LSO), nb is engine memory, valid only during the call. since 1.0 */
	void (*transmit)(void *ctx, const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb);

	/* NdisMSendNetBufferListsComplete: the engine returns a chain of NBLs
	 * it got from send_net_buffer_lists, each with Status written. After
	 * this call the engine must not touch them. since 1.0 */
	void (*send_complete)(void *ctx, NET_BUFFER_LIST *chain, ULONG flags);

	/* NdisMIndicateReceiveNetBufferLists: the engine indicates NBLs it got
	 * from receive_net_buffer_lists, with the IPsec OOB slots filled. The
	 * host reads them during the call; when it returns, they belong to the
	 * engine again (NDIS_RECEIVE_FLAGS_RESOURCES semantics), and the
	 * engine's receive_net_buffer_lists then returns them to the host.
	 * since 1.0 */
	void (*indicate_receive)(void *ctx, NET_BUFFER_LIST *chain, ULONG count, ULONG flags);

	/* A diagnostic line (no newline). Never key material. May be NULL. since 1.0 */
	void (*log)(void *ctx, int level, const char *msg);
};

/* Parameters of open. since 1.0 */
struct ipoc_open_params {
	uint32_t struct_size;        /* sizeof(struct ipoc_open_params) of the host */
	uint32_t sa_offload_capacity;/* SA bundles to claim; 0 = engine default.
	                                An engine may bound it: what it claims
	                                is its SaOffloadCapacity (the reference
	                                engine claims at most 2^20) */
	uint32_t flags;              /* IPOC_OPEN_* */
	uint32_t reserved;
};

/* Send with IPsec offload even when OID_TCP_OFFLOAD_PARAMETERS disabled it
 * (for negative tests of the engine's own gate). Engines may ignore it. */
#define IPOC_OPEN_IGNORE_PARAMETERS 0x00000001u

/* NDIS_REQUEST_TYPE values the OID path uses. */
enum ipoc_request_type {
	IPOC_REQUEST_QUERY = 0,   /* NdisRequestQueryInformation */
	IPOC_REQUEST_SET = 1,     /* NdisRequestSetInformation */
	IPOC_REQUEST_METHOD = 12  /* NdisRequestMethod */
};

/*
 * One OID request: the part of NDIS_OID_REQUEST a miniport reads. since 1.0
 *
 * For SET and METHOD the engine reads InformationBufferLength bytes and may
 * write results back into the buffer (ADD_SA fills OffloadHandle there).
 * On a too-short buffer the engine sets BytesNeeded and returns
 * NDIS_STATUS_INVALID_LENGTH (set) or NDIS_STATUS_BUFFER_TOO_SHORT (query).
 */
struct ipoc_oid_request {
	uint32_t struct_size;        /* sizeof(struct ipoc_oid_request) of the host */
	uint32_t RequestType;        /* enum ipoc_request_type */
	NDIS_OID Oid;
	ULONG InformationBufferLength;
	PVOID InformationBuffer;
	ULONG BytesWritten;          /* query: bytes the engine wrote */
	ULONG BytesRead;             /* set: bytes the engine read */
	ULONG BytesNeeded;
	ULONG reserved;
};

/*
 * The ops table. Members up to and including receive_net_buffer_lists are
 * mandatory; the host refuses an engine whose table is shorter than that or
 * has one of them NULL. Members after it are optional.
 */
struct ipoc_engine_ops {
	uint16_t abi_major;          /* IPOC_ENGINE_ABI_MAJOR the engine was built with */
	uint16_t abi_minor;          /* IPOC_ENGINE_ABI_MINOR the engine was built with */
	uint32_t struct_size;        /* sizeof(struct ipoc_engine_ops) at engine build */
	const char *name;            /* short engine name, static */
	const char *version;         /* engine version string, static */

	/* MiniportInitializeEx. Creates an instance; the engine copies params.
	 * Returns NDIS_STATUS_SUCCESS and sets *out, or a failure status and
	 * leaves *out NULL. Ownership: host and params are the host's; host
	 * must stay valid until close. since 1.0 */
	NDIS_STATUS (*open)(const struct ipoc_host_ops *host,
			    const struct ipoc_open_params *params, ipoc_engine **out);

	/* MiniportHaltEx. Deletes every SA (wiping keys) and frees the
	 * instance. All sent NBLs have been completed before. since 1.0 */
	void (*close)(ipoc_engine *engine);

	/* MiniportOidRequest / MiniportDirectOidRequest, completed
	 * synchronously (never NDIS_STATUS_PENDING in ABI 1.x). Mandatory OIDs:
	 * OID_TCP_OFFLOAD_CURRENT_CONFIG (query, NDIS_OFFLOAD),
	 * OID_TCP_OFFLOAD_PARAMETERS (set), and the SA OIDs of the IPsec
	 * versions the engine claims. An unknown OID gives
	 * NDIS_STATUS_NOT_SUPPORTED. Ownership: the request and its buffer are
	 * the host's; the engine keeps no pointer into them (keys are copied).
	 * since 1.0 */
	NDIS_STATUS (*oid_request)(ipoc_engine *engine, struct ipoc_oid_request *req);

	/* MiniportSendNetBufferLists. The engine processes every NET_BUFFER
	 * of every NBL in the chain (in place, within each NB's MDL buffers),
	 * transmits each resulting frame through host->transmit, writes each
	 * NBL's Status and completes every NBL through host->send_complete,
	 * before or after returning but before close. Ownership: the chain is
	 * lent until it is completed. since 1.0 */
	void (*send_net_buffer_lists)(ipoc_engine *engine, NET_BUFFER_LIST *chain,
				      ULONG port, ULONG send_flags);

	/* Frames from the wire. Each NBL holds one received frame per
	 * NET_BUFFER, in host-owned MDL buffers (the "DMA" already happened).
	 * The engine processes them in place, fills the IPsec OOB slots, and
	 * indicates every NBL exactly once through host->indicate_receive
	 * before returning. Ownership: the chain is lent for this call only.
	 * since 1.0 */
	void (*receive_net_buffer_lists)(ipoc_engine *engine, NET_BUFFER_LIST *chain,
					 ULONG flags);

	/* ---- optional members (NULL = unsupported) ---- */

	/* Test hook: use iv (iv_len bytes) as the IV of every later outbound
	 * packet on the SA bundle member selected by handle + spi, until
	 * called again; iv_len 0 (iv NULL) returns to the engine's own IV
	 * generation.
	 * Makes send output byte-comparable. Returns NDIS_STATUS_SUCCESS,
	 * NDIS_STATUS_INVALID_PARAMETER (unknown SA, wrong IV length for its
	 * cipher). since 1.0 */
	NDIS_STATUS (*test_set_tx_iv)(ipoc_engine *engine, NDIS_HANDLE handle, ULONG spi,
				      const uint8_t *iv, uint32_t iv_len);

	/* Test hook: set the 64-bit sequence number state of an SA member
	 * (handle + spi) where the engine keeps one: the next sequence number
	 * it assigns on send (LSO segments), or the highest one it has seen on
	 * receive (ESN inference, RFC 4303 appendix A). Returns
	 * NDIS_STATUS_SUCCESS or NDIS_STATUS_INVALID_PARAMETER. since 1.0 */
	NDIS_STATUS (*test_set_sequence)(ipoc_engine *engine, NDIS_HANDLE handle, ULONG spi,
					 uint64_t sequence);
};

/* Size of the table through the last mandatory member. */
#define IPOC_ENGINE_OPS_MIN_SIZE \
	(offsetof(struct ipoc_engine_ops, receive_net_buffer_lists) + \
	 sizeof(((struct ipoc_engine_ops *)0)->receive_net_buffer_lists))

/* True when ops has member and it is set (safe on older, shorter tables). */
#define IPOC_OPS_HAS(ops, member) \
	((ops)->struct_size >= offsetof(struct ipoc_engine_ops, member) + \
	 sizeof((ops)->member) && (ops)->member != NULL)

/*
 * The entry point. Returns the engine's ops table if the engine serves
 * host_abi_major, or NULL. The table is static and constant for the life of
 * the shared object; abi_major in it equals host_abi_major.
 */
typedef const struct ipoc_engine_ops *(*ipoc_engine_entry_fn)(uint16_t host_abi_major);

IPOC_ENGINE_EXPORT const struct ipoc_engine_ops *ipoc_engine_entry(uint16_t host_abi_major);

#ifdef __cplusplus
}
#endif

#endif /* IPOC_ENGINE_H */
