/* SPDX-License-Identifier: MIT */
/*
 * keyfile.h - the SAs of a capture, read from the key files users already
 * have: Wireshark's `esp_sa` UAT file and the text `ip xfrm state` prints.
 *
 * Every SA is one SPI of one protocol (ESP or AH) between two addresses,
 * with its algorithms and keys in the terms of vectors.h. A line or block
 * the reader cannot use is an error "FILE:LINE: message" naming the field,
 * and nothing is returned (no silent skip).
 */
#ifndef IPOC_KEYFILE_H
#define IPOC_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectors.h"

enum keyfile_format {
	KEYFILE_AUTO = 0,       /* decide from the content */
	KEYFILE_ESP_SA,         /* Wireshark esp_sa UAT (one CSV record per line) */
	KEYFILE_XFRM,           /* output of `ip xfrm state` (or `ip -s xfrm state`) */
};

/*
 * One SA. Keys are never NULL (an absent key is an empty buffer) and are
 * wiped by keyfile_free(). What each format's algorithm names map to is in
 * pcaps/README.md, "Key files".
 */
struct key_sa {
	unsigned line;          /* where it was defined: the record, or the `src` line */
	enum vec_family family; /* NONE only for an esp_sa "Any" record with two wildcards */
	struct vec_addr src, dst;   /* a wildcard ("*", esp_sa only) is family NONE, all zero */
	uint32_t spi;
	bool ah;                /* false: ESP */
	uint32_t enc;           /* ESP: an IPSEC_OFFLOAD_V2_ENCRYPTION_* bit, the NULL
				 * row's for null encryption and for GMAC; AH:
				 * VEC_ALG_NONE (vectors.h) */
	struct vec_bytes enc_key;   /* GCM: key then 4-byte salt */
	uint32_t auth;          /* an _AUTHENTICATION_* bit; VEC_ALG_NONE without
				 * integrity (and with GCM) */
	struct vec_bytes auth_key;  /* GMAC: key then 4-byte salt */
	unsigned icv_len;       /* bytes: 12 or 16 (HMAC), 8/12/16 (GCM), 16 (ESP GMAC),
				 * 24 (AH GMAC: the ICV field holds IV and tag), 0 (none) */
	bool esn;               /* esp_sa: SN 64-bit; xfrm: flag esn */
	uint32_t esn_hi;        /* the ESN high half the SA is at (SequenceNumberHighOrder):
				 * esp_sa: ESN High Bits; xfrm: the esn context's seq-hi
				 * (oseq-hi for a state that only sent); 0 without ESN */
	enum vec_mode mode;     /* VEC_MODE_NONE when the file does not say (esp_sa) */
	bool udp_encap;         /* ESP in UDP (RFC 3948), port in encap_sport/dport */
	uint16_t encap_sport, encap_dport;
	uint32_t replay_window; /* xfrm only; informational */
};

struct key_file {
	char *name;
	enum keyfile_format format;
	struct key_sa *sas;
	size_t n;
};

/* Read path (format AUTO detects it). Returns 0 and *out (free it with
 * keyfile_free), or -1 with *out NULL and one line "path:line: message" in
 * err (512 bytes hold any message about a path of up to 256 bytes). A file
 * with no SA (empty, or only comments: what Wireshark saves for an empty
 * table and `ip xfrm state` prints with no state) gives a key_file with n 0,
 * for a capture without IPsec; its format is then KEYFILE_AUTO when nothing
 * in it told the format apart. */
int keyfile_read(const char *path, enum keyfile_format format, struct key_file **out,
		 char *err, size_t errlen);
/* The same over a buffer (len bytes, need not be NUL-terminated; a NUL
 * byte is an error). It keeps no global state and bounds every length, so
 * it may be fed arbitrary bytes (a fuzz target calls it). */
int keyfile_parse_buf(const char *name, const char *text, size_t len, enum keyfile_format format,
		      struct key_file **out, char *err, size_t errlen);
/* Free kf, wiping its keys; NULL is fine. */
void keyfile_free(struct key_file *kf);

/* "auto", "esp_sa", "xfrm"; "?" for a value outside the enum. */
const char *keyfile_format_name(enum keyfile_format f);

#endif /* IPOC_KEYFILE_H */
