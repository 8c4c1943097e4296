/* SPDX-License-Identifier: MIT */
/*
 * diff_known.c - see diff_known.h.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_known.h"

enum { DK_MAX = 64, DK_FIELDS = 8, DK_LINE = 1024 };

struct dk_line {
	char pattern[256];          /* the signature glob */
	char finding[16];
	char algs[256];             /* "GLOB,GLOB" or "" for any */
	unsigned no;                /* line number in the file */
	bool said;
};

static struct dk_line known[DK_MAX];
static unsigned n_known;
static const char *known_path;

static void bad(unsigned no, const char *why)
{
	fprintf(stderr, "ipoc-fuzz: %s:%u: %s (IPOC_FUZZ_DIFF_KNOWN)\n", known_path, no, why);
	exit(1);
}

/* Splits s into whitespace-separated fields, a field that begins with '"'
 * running to the next '"'; returns the count, or -1 on an open quote. */
static int split(char *s, char *f[], int max)
{
	int n = 0;

	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s || n == max)
			break;
		if (*s == '"') {
			char *end = strchr(s + 1, '"');

			if (!end)
				return -1;
			*end = '\0';
			f[n++] = s + 1;
			s = end + 1;
			continue;
		}
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static bool copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

void dk_load(void)
{
	const char *as = getenv("IPOC_FUZZ_DIFF_KNOWN_AS");
	char line[DK_LINE];
	unsigned no = 0;
	FILE *fp;

	known_path = getenv("IPOC_FUZZ_DIFF_KNOWN");
	if (!known_path || !known_path[0])
		return;
	fp = fopen(known_path, "r");
	if (!fp) {
		fprintf(stderr, "ipoc-fuzz: IPOC_FUZZ_DIFF_KNOWN=%s cannot be read\n", known_path);
		exit(1);
	}
	while (fgets(line, sizeof(line), fp)) {
		char *f[DK_FIELDS];
		struct dk_line *k;
		int n;

		no++;
		if (!strchr(line, '\n') && !feof(fp))
			bad(no, "line too long");
		n = split(line, f, DK_FIELDS);
		if (n < 0)
			bad(no, "a quote is not closed");
		if (n == 0 || f[0][0] == '#')
			continue;
		if (n < 4 || (strcmp(f[1], "case") != 0 && strcmp(f[1], "diff") != 0))
			bad(no, "want DEVICE case|diff PATTERN FINDING [algorithms=GLOB,...]");
		if (strcmp(f[1], "diff") != 0 ||
		    (strcmp(f[0], "*") != 0 && (!as || strcmp(f[0], as) != 0)))
			continue;
		if (n_known == DK_MAX)
			bad(no, "too many lines");
		k = &known[n_known];
		*k = (struct dk_line){ .no = no };
		if (!copy(k->pattern, sizeof(k->pattern), f[2]) ||
		    !copy(k->finding, sizeof(k->finding), f[3]))
			bad(no, "field too long");
		for (int i = 4; i < n; i++) {
			if (strncmp(f[i], "algorithms=", 11) != 0)
				bad(no, "unknown field");
			if (!copy(k->algs, sizeof(k->algs), f[i] + 11))
				bad(no, "field too long");
		}
		n_known++;
	}
	fclose(fp);
	fprintf(stderr, "ipoc-fuzz: %u known divergence(s) from %s (as %s) do not abort\n",
		n_known, known_path, as && as[0] ? as : "*");
}

/* Whether alg matches one of the comma-separated globs of list. */
static bool alg_in(const char *list, const char *alg)
{
	char glob[256];

	while (*list) {
		size_t len = strcspn(list, ",");

		if (len < sizeof(glob)) {
			memcpy(glob, list, len);
			glob[len] = '\0';
			if (fnmatch(glob, alg, 0) == 0)
				return true;
		}
		list += len;
		if (*list == ',')
			list++;
	}
	return false;
}

bool dk_known(const char *sig, const char *example)
{
	char alg[128];
	size_t len = strcspn(example, ",");

	if (len >= sizeof(alg))
		len = sizeof(alg) - 1;
	memcpy(alg, example, len);
	alg[len] = '\0';
	for (unsigned i = 0; i < n_known; i++) {
		struct dk_line *k = &known[i];

		if (fnmatch(k->pattern, sig, 0) != 0 || (k->algs[0] && !alg_in(k->algs, alg)))
			continue;
		if (!k->said) {
			k->said = true;
			fprintf(stderr, "ipoc-fuzz: known divergence (%s, %s:%u), not a fault: %s [%s]\n",
				k->finding, known_path, k->no, sig, alg);
		}
		return true;
	}
	return false;
}
