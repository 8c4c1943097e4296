/* SPDX-License-Identifier: MIT */
/*
 * test_textfile.c - the whole-file reader's size limit (a file of exactly
 * max bytes is read, one of max + 1 is refused, and the buffer never grows
 * past max + 1 bytes on the way), its errors, and hex digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipoc_test.h"
#include "textfile.h"
#include "wipe.h"

static char dir[] = "/tmp/ipoc_textfile_XXXXXX";

static void write_file(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; f && i < n; i++)
		fputc('a' + (int)(i % 26), f);
	if (f)
		fclose(f);
}

static void check_size(size_t n, size_t max, int want_rc)
{
	char path[256], err[512] = "", *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/f%zu", dir, n);
	write_file(path, n);
	rc = textfile_read(path, max, &buf, &len, &cap, err, sizeof(err));
	IPOC_CHECK_EQ(rc, want_rc);
	if (rc == 0) {
		IPOC_CHECK_EQ(len, n);
		IPOC_CHECK(cap <= max + 1);
		IPOC_CHECK(n == 0 || (buf[0] == 'a' && buf[n - 1] == 'a' + (int)((n - 1) % 26)));
		ipoc_wipe(buf, cap);
		free(buf);
	} else {
		IPOC_CHECK(buf == NULL);
		IPOC_CHECK_STR_HAS(err, path);
		IPOC_CHECK_STR_HAS(err, "larger than");
	}
	unlink(path);
}

int main(int argc, char **argv)
{
	char err[512], *buf = (char *)1;
	size_t len, cap;
	unsigned char z[8];

	(void)argc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* Limits below, at and across the first buffer size (65536). */
	check_size(0, 10, 0);
	check_size(10, 10, 0);
	check_size(11, 10, -1);
	check_size(65536, 65536, 0);
	check_size(65537, 65536, -1);
	check_size(200000, 200000, 0);
	check_size(200001, 200000, -1);
	check_size(300000, 200000, -1);
	IPOC_CHECK_EQ(textfile_read("/nonexistent/x", 10, &buf, &len, &cap, err, sizeof(err)), -1);
	IPOC_CHECK(buf == NULL);
	IPOC_CHECK_STR_HAS(err, "/nonexistent/x: No such file");
	IPOC_CHECK_EQ(text_hexval('0'), 0);
	IPOC_CHECK_EQ(text_hexval('f'), 15);
	IPOC_CHECK_EQ(text_hexval('F'), 15);
	IPOC_CHECK_EQ(text_hexval('g'), -1);
	memset(z, 0xAB, sizeof(z));
	ipoc_wipe(z, sizeof(z));
	IPOC_CHECK_EQ(z[0] | z[7], 0);
	rmdir(dir);
	return ipoc_test_report(argv[0]);
}
