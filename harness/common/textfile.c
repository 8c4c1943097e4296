/* SPDX-License-Identifier: MIT */
/* textfile.c - see textfile.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"
#include "wipe.h"

void text_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int text_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Grow *buf to ncap bytes, wiping the old one. */
static int grow(char **buf, size_t len, size_t ncap)
{
	char *nb = malloc(ncap);

	if (!nb)
		return -1;
	if (*buf) {
		memcpy(nb, *buf, len);
		ipoc_wipe(*buf, len);
	}
	free(*buf);
	*buf = nb;
	return 0;
}

static int slurp(FILE *fp, const char *path, size_t max, char **buf, size_t *len, size_t *cap,
		 char *err, size_t errlen)
{
	size_t n;

	for (;;) {
		/* The limit holds before anything more is allocated: the buffer
		 * never grows past max + 1 bytes, the one byte that tells. */
		if (*len > max) {
			text_err(err, errlen, "%s: larger than %zu bytes", path, max);
			return -1;
		}
		if (*len == *cap) {
			size_t ncap = *cap ? *cap * 2 : 65536;

			if (ncap > max + 1)
				ncap = max + 1;
			if (grow(buf, *len, ncap) != 0) {
				text_err(err, errlen, "%s: out of memory", path);
				return -1;
			}
			*cap = ncap;
		}
		n = fread(*buf + *len, 1, *cap - *len, fp);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		text_err(err, errlen, "%s: read error", path);
		return -1;
	}
	return 0;
}

int textfile_read(const char *path, size_t max, char **buf, size_t *len, size_t *cap,
		  char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	*buf = NULL;
	*len = *cap = 0;
	if (!fp) {
		text_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = slurp(fp, path, max, buf, len, cap, err, errlen);
	fclose(fp);
	if (rc != 0) {
		if (*buf)
			ipoc_wipe(*buf, *cap);
		free(*buf);
		*buf = NULL;
	}
	return rc;
}
