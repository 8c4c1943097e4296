/* SPDX-License-Identifier: MIT */
/*
 * expect.h - expectations files of captures (format in pcaps/README.md,
 * "Expectations files"): `frames N`, then one line per frame,
 * `FRAME OUTCOME [key=value ...]`, OUTCOME being `pass` (indicated without
 * IPsec processing) or a CRYPTO_* name, or alternatives joined by `|`
 * (`CRYPTO_INVALID_PACKET_SYNTAX|CRYPTO_TRANSPORT_ESP_AUTH_FAILED`: any of
 * them meets the line). A CRYPTO_* name may drop its `CRYPTO_` prefix, and
 * OUTCOME may be written `outcome=...`.
 */
#ifndef IPOC_EXPECT_H
#define IPOC_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EXP_PASS (-1)       /* outcome: no IPsec processing */
#define EXP_UNSET (-2)      /* a key the line does not give */
/* The bit of an outcome (EXP_PASS or a CRYPTO_* value) in exp_frame.accept. */
#define EXP_BIT(v) (1u << ((v) + 1))

struct exp_frame {
	unsigned line;
	int outcome;            /* EXP_PASS or a CRYPTO_* value: the first one listed */
	unsigned accept;        /* EXP_BIT of every outcome listed (one, or alternatives) */
	int next_crypto_done, header_info_set, next_header, pad_length;   /* or EXP_UNSET */
	int64_t spi;            /* -1: not given */
	char inner[16];         /* "" : not given */
};

struct exp_file {
	char *name;             /* the path it was read from */
	uint64_t frames;        /* from `frames N` */
	struct exp_frame *f;    /* f[i] is frame i + 1 */
	uint64_t cap;           /* entries of f while reading */
	bool has_header;        /* the `frames N` line was read */
};

/* Read path. Every frame 1..N must have exactly one line. Returns 0 and
 * *out, or -1 with "path:line: message" in err. */
int exp_read(const char *path, struct exp_file **out, char *err, size_t errlen);
/* The same from an open stream (not closed), named name in messages. */
int exp_read_fp(const char *name, FILE *fp, struct exp_file **out, char *err, size_t errlen);
void exp_free(struct exp_file *e);

/* CRYPTO_SUCCESS .. CRYPTO_INVALID_PROTOCOL by name and back; -1 / "?". */
int exp_status_value(const char *name);
const char *exp_status_name(int value);

/* The outcomes f accepts as text, "A" or "A or B or C" (n bytes). */
const char *exp_accept_text(const struct exp_frame *f, char *buf, size_t n);

#endif /* IPOC_EXPECT_H */
