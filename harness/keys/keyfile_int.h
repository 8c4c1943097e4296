/* SPDX-License-Identifier: MIT */
/*
 * keyfile_int.h - what the key-file readers share: the parser state, the
 * line reader, error reporting, hex and address decoding, the algorithm
 * facts both formats need, and the SA table with its duplicate check.
 * keyfile.c holds these; keyfile_esp_sa.c and keyfile_xfrm.c each hold one
 * format. Private to those three files.
 */
#ifndef IPOC_KEYFILE_INT_H
#define IPOC_KEYFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"
#include "wipe.h"

enum kf_limits {
	KF_LINE_MAX = 65536,            /* bytes in one line, newline excluded */
	KF_SAS_MAX = 65536,             /* SAs in one file */
	KF_INPUT_MAX = 1 << 30,         /* bytes in one file or buffer */
	KF_ADDR_STR_LEN = 46,           /* INET6_ADDRSTRLEN */
};

struct kf_parser {
	const char *name;
	char *err;
	size_t errlen;
	const char *text;
	size_t len, pos;                /* the line reader: next line starts at pos */
	unsigned lineno;                /* of the line last returned */
	struct key_file *kf;
	size_t cap;                     /* of kf->sas */
	uint32_t *slots;                /* duplicate index: SA index + 1, 0 = free */
	size_t nslots;
};

/* Write "name:line: message" into p->err (the first error is the only one:
 * parsing stops there). Returns -1. */
__attribute__((format(printf, 3, 4)))
int kf_fail(struct kf_parser *p, unsigned line, const char *fmt, ...);

/* The next line (without its newline and a CR before it) in *s, *n; 1, or 0
 * at the end, or -1 (reported) for a line over KF_LINE_MAX or a NUL byte. */
int kf_next_line(struct kf_parser *p, const char **s, size_t *n);

/* Only blanks, or a comment: the first non-blank character is '#'. */
bool kf_line_is_empty(const char *s, size_t n);

/* Hex digits s[0..n) into out (malloc'd, never NULL on success). odd_ok
 * reads an odd count as if a 0 led it (Wireshark's compute_ascii_key).
 * 0; -1 with *bad the offset of a non-hex byte; -2 odd count; -3 no memory. */
int kf_unhex(const char *s, size_t n, bool odd_ok, struct vec_bytes *out, size_t *bad);

/* Bytes s[0..n) copied into out (never NULL); 0, or -1 for no memory. */
int kf_bytes_copy(struct vec_bytes *out, const void *s, size_t n);

/* An IPv4 or IPv6 address in text; want NONE takes either. 0, or -1. */
int kf_addr_parse(const char *s, size_t n, enum vec_family want, struct vec_addr *out);

/* "IPv4", "IPv6", or "any" for NONE. */
const char *kf_family_str(enum vec_family f);

/* The address as text ("*" for a wildcard); buf has KF_ADDR_STR_LEN bytes. */
const char *kf_addr_str(const struct vec_addr *a, char *buf);

/* Algorithms come from the table (engine/alg/ipoc_algs.def). has(row, name,
 * n) says whether a row goes by a key file's name (ipoc_alg_has_xfrm, or
 * an esp_sa wrapper). kf_alg_find: the row of one of the kinds (enum
 * ipoc_alg_kind bits) with that name and key length (salt included, as
 * NDIS KeyLength), or NULL; *known whether any such row has the name. */
typedef bool (*kf_alg_has)(const struct ipoc_alg *a, const char *name, size_t n);
const struct ipoc_alg *kf_alg_find(unsigned kinds, kf_alg_has has, const char *name, size_t n,
				   size_t key_len, bool *known);
/* The key lengths of the rows with that name, as messages give them:
 * "8", "16, 24 or 32", "20, 28 or 36 (key + 4-byte salt)", "none". */
const char *kf_key_lens(unsigned kinds, kf_alg_has has, const char *name, size_t n, char *buf,
			size_t len);
/* ICV bytes of an integrity algorithm (12, 16; 0 for none). */
unsigned kf_icv_len(uint32_t auth);

/* Append *sa (its keys move into the table; *sa is cleared either way).
 * Refuses a second SA with the same protocol, SPI and destination, naming
 * line and field, and more than KF_SAS_MAX SAs. 0, or -1 (reported). */
int kf_add_sa(struct kf_parser *p, struct key_sa *sa, unsigned line, const char *field);

/* Wipe and free b (its data may be NULL). */
void kf_bytes_clear(struct vec_bytes *b);

/* Wipe and free the keys of sa. */
void kf_sa_clear(struct key_sa *sa);

/* The two formats: every line of p's text, SAs into p->kf. 0, or -1. */
int kf_parse_esp_sa(struct kf_parser *p);
int kf_parse_xfrm(struct kf_parser *p);

static inline bool kf_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline int kf_nomem(struct kf_parser *p)
{
	return kf_fail(p, p->lineno, "out of memory");
}

#endif /* IPOC_KEYFILE_INT_H */
