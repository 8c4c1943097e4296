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

struct key_sa {
	unsigned line;          /* where it was defined */
	enum vec_family family;
	struct vec_addr src, dst;   /* a zero-length wildcard is family NONE */
	uint32_t spi;
	bool ah;                /* false: ESP */
	enum vec_enc enc;       /* ESP only; VEC_ENC_NULL for null encryption */
	struct vec_bytes enc_key;   /* GCM: key then 4-byte salt */
	enum vec_auth auth;
	struct vec_bytes auth_key;  /* GMAC: key then 4-byte salt */
	unsigned icv_len;       /* bytes */
	bool esn;
	enum vec_mode mode;     /* VEC_MODE_NONE when the file does not say */
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

/* Read path (format AUTO detects it). Returns 0 and *out, or -1 with one
 * line "path:line: message" in err. */
int keyfile_read(const char *path, enum keyfile_format format, struct key_file **out,
		 char *err, size_t errlen);
/* The same over a buffer (len bytes; a fuzz target calls this). */
int keyfile_parse_buf(const char *name, const char *text, size_t len, enum keyfile_format format,
		      struct key_file **out, char *err, size_t errlen);
void keyfile_free(struct key_file *kf);

const char *keyfile_format_name(enum keyfile_format f);

#endif /* IPOC_KEYFILE_H */
