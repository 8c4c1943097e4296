/* SPDX-License-Identifier: MIT */
/*
 * vectors.h - reader for the known-answer vector files (vectors/ *.vec).
 *
 * The text format and what a case means on send and on receive are
 * documented in vectors/README.md; this header is the typed view of it.
 * A file holds [case ID] blocks (an SA or an SA pair, a packet as the
 * TCP/IP stack hands it over, the packet on the wire, the expected outcome)
 * and [prim ID] blocks (bare cipher or MAC known answers).
 *
 * The reader is strict: every problem is reported as one line
 * "FILE:LINE: message" naming the key and what is wrong, and nothing is
 * returned. It keeps no global state, never recurses, and bounds every
 * length (vec_limits), so vec_parse_buf() may be fed arbitrary bytes.
 */
#ifndef IPOC_VECTORS_H
#define IPOC_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipoc_alg.h"

enum vec_limits {
	VEC_LINE_MAX = 65536,           /* bytes in one line, newline excluded */
	VEC_HEX_MAX = 65535,            /* bytes in one decoded hex value */
	VEC_VALUE_MAX = 262144,         /* characters in one value, continuations included */
	VEC_BLOCKS_MAX = 100000,        /* [case] and [prim] blocks in one file */
	VEC_ID_MAX = 64,                /* characters in a block id */
	VEC_INPUT_MAX = 1 << 30,        /* bytes in one file or buffer */
	VEC_ERRBUF_SIZE = 512,          /* enough for every message */
};

enum vec_direction { VEC_DIR_SEND = 1, VEC_DIR_RECEIVE = 2, VEC_DIR_BOTH = 3 };

enum vec_family { VEC_FAMILY_NONE = 0, VEC_FAMILY_IPV4 = 4, VEC_FAMILY_IPV6 = 6 };

enum vec_mode {
	VEC_MODE_NONE = 0,
	VEC_MODE_TRANSPORT,
	VEC_MODE_TUNNEL,
	VEC_MODE_TRANSPORT_OVER_TUNNEL,
};

/* The IPSEC_OFFLOAD_V2_*UDP_ESP* encapsulation type of the SA(s). */
enum vec_udp {
	VEC_UDP_NONE = 0,
	/* IPSEC_OFFLOAD_V2_ plus: */
	VEC_UDP_TRANSPORT,                  /* UDP_ESP_ENCAPSULATION_TRANSPORT */
	VEC_UDP_TUNNEL,                     /* UDP_ESP_ENCAPSULATION_TUNNEL */
	VEC_UDP_TRANSPORT_OVER_UDP_TUNNEL,  /* TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL */
	VEC_UDP_UDP_TRANSPORT_OVER_TUNNEL,  /* UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL */
};

/* An SA's algorithms are the NDIS bits of rows of the algorithm table
 * (engine/alg/ipoc_algs.def): `enc` an IPSEC_OFFLOAD_V2_ENCRYPTION_* bit
 * (the NULL row for `null`, RFC 2410), `auth` an _AUTHENTICATION_* bit; or
 * one of these two. A [prim] block's algorithm is a row (its prim name). */
#define VEC_ALG_UNSET 0u             /* not given (zeroed structures) */
#define VEC_ALG_NONE 0x80000000u     /* `none`: no such transform */

/* The table row of an SA's enc / auth value, or NULL (UNSET, NONE). */
static inline const struct ipoc_alg *vec_enc_alg(uint32_t e)
{
	return ipoc_alg_enc(e);
}

static inline const struct ipoc_alg *vec_auth_alg(uint32_t a)
{
	return ipoc_alg_auth(a);
}

/* Whether an SA's enc / auth value is a row of the given kinds. */
static inline bool vec_enc_is(uint32_t e, unsigned kinds)
{
	return vec_enc_alg(e) && (vec_enc_alg(e)->kind & kinds);
}

static inline bool vec_auth_is(uint32_t a, unsigned kinds)
{
	return vec_auth_alg(a) && (vec_auth_alg(a)->kind & kinds);
}

/* Receive outcome; the values are the CRYPTO_* codes of ipoc/ndis.h. */
enum vec_crypto_status {
	VEC_CRYPTO_SUCCESS = 0,
	VEC_CRYPTO_GENERIC_ERROR = 1,
	VEC_CRYPTO_TRANSPORT_AH_AUTH_FAILED = 2,
	VEC_CRYPTO_TRANSPORT_ESP_AUTH_FAILED = 3,
	VEC_CRYPTO_TUNNEL_AH_AUTH_FAILED = 4,
	VEC_CRYPTO_TUNNEL_ESP_AUTH_FAILED = 5,
	VEC_CRYPTO_INVALID_PACKET_SYNTAX = 6,
	VEC_CRYPTO_INVALID_PROTOCOL = 7,
};

/* Capability words of `needs`. */
enum vec_need {
	VEC_NEED_ESN = 1u << 0,                    /* esn */
	VEC_NEED_IPV6 = 1u << 1,                   /* ipv6 */
	VEC_NEED_UDP = 1u << 2,                    /* udp (RFC 3948) */
	VEC_NEED_AH = 1u << 3,                     /* ah */
	VEC_NEED_AH_ESP = 1u << 4,                 /* ah-esp: one SA with both */
	VEC_NEED_ENC_ONLY_ESP = 1u << 5,           /* enc-only-esp: standalone ESP, no ICV */
	VEC_NEED_TRANSPORT_OVER_TUNNEL = 1u << 6,  /* transport-over-tunnel */
	VEC_NEED_GMAC = 1u << 7,                   /* gmac */
	VEC_NEED_SPI_ZERO = 1u << 8,               /* spi-zero: SPI 0, reserved (RFC 4303 s2.1) */
};

struct vec_bytes {
	uint8_t *data;          /* never NULL after a successful parse */
	size_t len;
};

struct vec_addr {
	enum vec_family family; /* VEC_FAMILY_NONE: not given */
	uint8_t a[16];          /* network order; IPv4 uses a[0..3] */
};

struct vec_esp {
	bool present;           /* esp.spi given */
	uint32_t spi;
	uint32_t enc;           /* see VEC_ALG_UNSET */
	struct vec_bytes enc_key;       /* GCM: key then salt */
	uint32_t auth;
	struct vec_bytes auth_key;      /* GMAC: key then salt */
	unsigned icv_len;       /* bytes; from the algorithm unless esp.icv_len says */
	bool esn;
	uint32_t seq_hi;        /* ESN high half (RFC 4303 s2.2.1) */
	struct vec_bytes iv;    /* `iv` (or `tun.iv`): the IV to inject on send */
};

struct vec_ah {
	bool present;           /* ah.spi given */
	uint32_t spi;
	uint32_t auth;
	struct vec_bytes auth_key;
	unsigned icv_len;       /* the ICV field: 12, 16, or 24 for GMAC (IV + tag) */
	bool esn;
	uint32_t seq_hi;
	struct vec_bytes iv;    /* `ah.iv`: AES-GMAC only (RFC 4543 s4) */
};

/* One SA as offloaded: endpoints and its ESP and/or AH member. */
struct vec_sa {
	struct vec_addr src, dst;
	struct vec_esp esp;
	struct vec_ah ah;
};

/* Unset fields are -1; send_status defaults to NDIS_STATUS_SUCCESS. */
struct vec_expect {
	int status;             /* enum vec_crypto_status */
	int crypto_done;
	int next_crypto_done;
	int header_info_set;
	int next_header;
	int pad_length;
	int32_t send_status;    /* an NDIS_STATUS value */
};

struct vec_case {
	char id[VEC_ID_MAX + 1];
	unsigned line;          /* of the [case ...] header */
	char *source;
	enum vec_direction direction;
	enum vec_family family;
	enum vec_mode mode;
	enum vec_udp udp;
	struct vec_sa sa;       /* the SA; for transport-over-tunnel the transport one */
	struct vec_sa tun;      /* transport-over-tunnel only: the tunnel SA (tun.*) */
	struct vec_bytes plain; /* as handed to the miniport on send */
	struct vec_bytes wire;  /* as on the wire */
	struct vec_expect expect;
	uint32_t needs;         /* enum vec_need bits */
};

struct vec_prim {
	char id[VEC_ID_MAX + 1];
	unsigned line;
	char *source;
	const struct ipoc_alg *alg;     /* NULL: not given */
	struct vec_bytes key, iv, aad, pt, ct, tag, mac;
	int mac_len;            /* truncation in bytes; -1: the whole digest */
};

struct vec_file {
	char *name;
	struct vec_case *cases;
	size_t ncases;
	struct vec_prim *prims;
	size_t nprims;
};

/*
 * Parse len bytes of text (need not be NUL-terminated; a NUL byte is an
 * error). name is used in messages. Returns 0 and *out (free it with
 * vec_file_free), or -1 with *out NULL and one line "name:line: message" in
 * err (errlen >= VEC_ERRBUF_SIZE keeps every message whole).
 */
int vec_parse_buf(const char *name, const char *text, size_t len, struct vec_file **out,
		  char *err, size_t errlen);

/* Read path (at most VEC_INPUT_MAX bytes) and parse it; as vec_parse_buf. */
int vec_parse_file(const char *path, struct vec_file **out, char *err, size_t errlen);

/* Free a parsed file; NULL is fine. */
void vec_file_free(struct vec_file *f);

/* The case or prim with that id, or NULL. */
const struct vec_case *vec_find_case(const struct vec_file *f, const char *id);
const struct vec_prim *vec_find_prim(const struct vec_file *f, const char *id);

/* The format's spelling of each value ("aes-gcm-128", "CRYPTO_SUCCESS", ...);
 * "?" for a value outside the enum. */
const char *vec_direction_name(enum vec_direction d);
const char *vec_family_name(enum vec_family f);
const char *vec_mode_name(enum vec_mode m);
const char *vec_udp_name(enum vec_udp u);
const char *vec_enc_name(uint32_t e);       /* "none", a row's name, "?" */
const char *vec_auth_name(uint32_t a);
const char *vec_prim_alg_name(const struct ipoc_alg *a);       /* its prim name, "?" */
const char *vec_crypto_status_name(int status);
const char *vec_need_name(uint32_t bit);

/* Explicit IV length of an ESP SA in bytes (8 for GMAC, RFC 4543 s3.1). */
size_t vec_esp_iv_len(const struct vec_esp *esp);

#endif /* IPOC_VECTORS_H */
