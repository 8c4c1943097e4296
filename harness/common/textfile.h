/* SPDX-License-Identifier: MIT */
/*
 * textfile.h - what the readers of text inputs (vector files, key files)
 * share: reading a whole file with a size limit, hex digits, and the
 * formatted one-line error.
 */
#ifndef IPOC_TEXTFILE_H
#define IPOC_TEXTFILE_H

#include <stddef.h>

/*
 * Read path whole into a malloc'd buffer of *cap bytes holding *len bytes.
 * Each buffer outgrown is wiped before it is freed (the file may hold keys;
 * the caller wipes the last one, *cap bytes, when it is done). Returns 0, or
 * -1 with "path: reason" in err (no such file, larger than max bytes, out
 * of memory, read error) and *buf NULL.
 */
int textfile_read(const char *path, size_t max, char **buf, size_t *len, size_t *cap,
		  char *err, size_t errlen);

/* The value of a hex digit, or -1. */
int text_hexval(unsigned char c);

/* vsnprintf into err (errlen may be 0: then nothing is written). */
__attribute__((format(printf, 3, 4)))
void text_err(char *err, size_t errlen, const char *fmt, ...);

#endif /* IPOC_TEXTFILE_H */
