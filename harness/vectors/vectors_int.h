/* SPDX-License-Identifier: MIT */
/*
 * vectors_int.h - what the vector reader's files share: the key ids, the
 * parser state and the helpers between vectors.c (lines, blocks, entry
 * points), vectors_value.c (decoding and storing values) and
 * vectors_check.c (checks at the end of a block). Private to those files.
 */
#ifndef IPOC_VECTORS_INT_H
#define IPOC_VECTORS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectors.h"

enum key_id {
	/* One SA's keys; the tunnel SA's are the same at K_TUN + offset. */
	K_SA_SRC, K_SA_DST, K_SA_ESP_SPI, K_SA_ESP_ENC, K_SA_ESP_ENC_KEY, K_SA_ESP_AUTH,
	K_SA_ESP_AUTH_KEY, K_SA_ESP_ICV_LEN, K_SA_ESP_ESN, K_SA_ESP_SEQ_HI, K_SA_ESP_IV,
	K_SA_AH_SPI, K_SA_AH_AUTH, K_SA_AH_AUTH_KEY, K_SA_AH_ESN, K_SA_AH_SEQ_HI, K_SA_AH_IV,
	K_SA_COUNT,
	K_TUN = K_SA_COUNT,
	K_SOURCE = 2 * K_SA_COUNT,
	K_DIRECTION, K_FAMILY, K_MODE, K_UDP, K_PLAIN, K_WIRE,
	K_EXP_STATUS, K_EXP_CRYPTO_DONE, K_EXP_NEXT_CRYPTO_DONE, K_EXP_HEADER_INFO_SET,
	K_EXP_NEXT_HEADER, K_EXP_PAD_LENGTH, K_EXP_SEND_STATUS, K_NEEDS,
	K_ALG, K_KEY, K_IV, K_AAD, K_PT, K_CT, K_TAG, K_MAC, K_MAC_LEN,
	K_COUNT
};

enum block_kind { BLK_NONE = 0, BLK_CASE = 1, BLK_PRIM = 2 };

struct frag {
	size_t off;             /* where this physical line's text starts in the value */
	unsigned line, col;     /* and where it sits in the input */
};

struct pending {
	int key;                /* enum key_id, -1 when no value is open */
	unsigned line;
	char *text;
	size_t len, cap;
	struct frag *frags;
	size_t nfrags, fcap;
};

struct parser {
	const char *name;
	char *err;
	size_t errlen;
	struct vec_file *f;
	size_t case_cap, prim_cap;
	int kind;                       /* block open: BLK_* */
	size_t cur;                     /* its index in cases[] or prims[] */
	unsigned blk_line;
	unsigned key_line[K_COUNT];     /* 0: key not in the open block */
	unsigned lineno;
	bool seen_comment;
	struct pending v;
	uint32_t *ids;                  /* hash set of block indexes + 1 (prims: | 1 << 31) */
	size_t ids_cap, ids_count;
};

/* Write "name:line: message" into p->err (the first error is the only one:
 * parsing stops there). Returns -1. */
__attribute__((format(printf, 3, 4)))
int vecp_fail(struct parser *p, unsigned line, const char *fmt, ...);

/* Make room for need elements of size elem in *arr, capacity *cap, growing
 * it by doubling; 0, or -1 with "out of memory" reported. */
int vecp_grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem);

/* The spelling of a key ("tun.esp.enc_key"); "?" for an unknown id. */
const char *vecp_key_name(int id);

/* Append s[0..n) (trimmed) as one more physical line of the open value,
 * whose text starts at column col of the current line. */
int vecp_value_append(struct parser *p, const char *s, size_t n, unsigned col);

/* Decode the open value, if any, store it in the open block and close it. */
int vecp_value_finish(struct parser *p);

/* Checks of a complete block; they also fill derived fields (icv_len,
 * family). 0, or -1 with the error reported. */
int vecp_check_case(struct parser *p, struct vec_case *c);
int vecp_check_prim(struct parser *p, struct vec_prim *pr);

static inline bool vecp_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline int vecp_nomem(struct parser *p)
{
	return vecp_fail(p, p->lineno, "out of memory");
}

static inline const char *vecp_cur_id(const struct parser *p)
{
	return p->kind == BLK_CASE ? p->f->cases[p->cur].id : p->f->prims[p->cur].id;
}

static inline const char *vecp_kind_word(const struct parser *p)
{
	return p->kind == BLK_CASE ? "case" : "prim";
}

#endif /* IPOC_VECTORS_INT_H */
