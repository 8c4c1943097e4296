/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_in_seek.c - pcap_in_offset and pcap_in_seek, as --jobs uses
 * them and beyond: a reader sent to where any record starts (a fresh one,
 * or one that read the file to its end and goes back) reads the same
 * frames again, numbered from where it was told; a seek to the record the
 * fast path hands to libpcap reads what libpcap reads; offsets that are
 * not in the file, readers that do not read the records themselves
 * (libpcap alone, pcapng, after the hand-over) refuse. A capture of a few
 * MiB, whose pages the reader lets go of behind it, is read again from
 * its start and its middle, with memory mapped just before the capture
 * left as it was.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipoc_test.h"
#include "pcap_file.h"
#include "pcap_in.h"
#include "pcap_run.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct pcap_rec recs[] = {
	{ 1700000000u, 0, 60, 60, 60, 0 },
	{ 1700000000u, 999999u, 0, 0, 0, 0 },
	{ 1700000001u, 1, 1514, 1514, 1514, 0 },
	{ 1700000002u, 2, 64, 60, 64, 0 },       /* skipped */
	{ 0x80000001u, 3, 9000, 9100, 9000, 0 },
	{ 1700000003u, 4, 14, 14, 14, 0 },
};
/* Snapshot length 128: record 3 (index 2) is handed to libpcap. */
static const struct pcap_rec snap_recs[] = {
	{ 1, 1, 100, 100, 100, 0 },
	{ 2, 2, 128, 128, 128, 0 },
	{ 3, 3, 200, 200, 200, 0 },
	{ 4, 4, 50, 50, 50, 0 },
};

static char dir[] = "/tmp/ipoc-pcap-seek-XXXXXX";

static struct pcap_in *open_mapped(const char *path)
{
	char err[1024] = "";
	struct pcap_in *in = pcap_in_open(path, err, sizeof(err));

	if (!in)
		fprintf(stderr, "%s\n", err);
	return in;
}

static void check_same(const struct run *full, size_t from, const struct run *r, const char *what)
{
	char why[1024] = "";
	int d = run_diff(full, from, r, why, sizeof(why));

	if (d != 0)
		fprintf(stderr, "%s (from result %zu): %s\n", what, from, why);
	IPOC_CHECK_EQ(d, 0);
}

/* A fresh reader sent to each record of a file the fast path reads whole
 * (and to its end), then one reader going back and forth. */
static void test_every_record(const char *name, const struct pcap_head *h)
{
	char path[256];
	struct run full = { 0 }, r = { 0 };
	struct pcap_in *in;
	size_t n = N(recs);

	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	IPOC_CHECK(pcap_file_write(path, h, recs, n, 0) > 0);
	in = open_mapped(path);
	IPOC_CHECK(in != NULL);
	if (!in)
		return;
	IPOC_CHECK_EQ(run_read(in, &full), 0);
	pcap_in_close(in);
	IPOC_CHECK_EQ(full.n, n + 1);
	if (full.n != n + 1)
		return;
	for (size_t k = 0; k <= n; k++) {
		in = open_mapped(path);
		IPOC_CHECK_EQ(pcap_in_seek(in, full.s[k].off_before, k), 0);
		IPOC_CHECK_EQ(pcap_in_offset(in), full.s[k].off_before);
		IPOC_CHECK_EQ(run_read(in, &r), 0);
		check_same(&full, k, &r, name);
		run_free(&r);
		pcap_in_close(in);
	}
	/* one reader: to the end, back to the middle, to the start, to the end */
	in = open_mapped(path);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	run_free(&r);
	IPOC_CHECK_EQ(pcap_in_seek(in, full.s[n / 2].off_before, n / 2), 0);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	check_same(&full, n / 2, &r, "back to the middle");
	run_free(&r);
	IPOC_CHECK_EQ(pcap_in_seek(in, 24, 0), 0);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	check_same(&full, 0, &r, "back to the start");
	run_free(&r);
	IPOC_CHECK_EQ(pcap_in_seek(in, full.s[n].off_before, n), 0);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	check_same(&full, n, &r, "to the end");
	run_free(&r);
	/* numbering goes on from the records said to be before */
	IPOC_CHECK_EQ(pcap_in_seek(in, full.s[2].off_before, 1000), 0);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	IPOC_CHECK_EQ(r.s[0].number, 1001);
	IPOC_CHECK_EQ(r.s[0].ts, full.s[2].ts);
	IPOC_CHECK_EQ(r.s[1].number, 1002);
	run_free(&r);
	pcap_in_close(in);
	run_free(&full);
	unlink(path);
}

/* Offsets outside the file, and readers that do not read the records
 * themselves, refuse; a refused seek leaves the reader where it was. */
static void test_refused(void)
{
	static const struct pcap_head h = { false, 0xA1B2C3D4u, 2, 4, 128, 1 };
	char path[256], ngpath[256], err[1024];
	struct run full = { 0 }, r = { 0 };
	struct pcap_in *in;
	size_t size;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/refused.pcap", dir);
	size = pcap_file_write(path, &h, snap_recs, N(snap_recs), 0);
	IPOC_CHECK(size > 0);
	in = open_mapped(path);
	IPOC_CHECK_EQ(run_read(in, &full), 0);
	pcap_in_close(in);
	IPOC_CHECK_EQ(full.n, N(snap_recs) + 1);

	in = open_mapped(path);
	IPOC_CHECK_EQ(pcap_in_seek(in, 0, 0), (uint64_t)-1);
	IPOC_CHECK_EQ(pcap_in_seek(in, 23, 0), (uint64_t)-1);
	IPOC_CHECK_EQ(pcap_in_seek(in, size + 1, 0), (uint64_t)-1);
	IPOC_CHECK_EQ(pcap_in_seek(in, UINT64_MAX, 0), (uint64_t)-1);
	IPOC_CHECK_EQ(pcap_in_offset(in), 24);
	IPOC_CHECK_EQ(run_read(in, &r), 0);
	check_same(&full, 0, &r, "after refused seeks");
	run_free(&r);
	/* past the hand-over the reader is libpcap's */
	IPOC_CHECK_EQ(pcap_in_offset(in), UINT64_MAX);
	IPOC_CHECK_EQ(pcap_in_seek(in, 24, 0), (uint64_t)-1);
	pcap_in_close(in);

	/* a seek to the record handed over, and to the one before it */
	for (size_t k = 1; k <= 2; k++) {
		in = open_mapped(path);
		IPOC_CHECK_EQ(pcap_in_seek(in, full.s[k].off_before, k), 0);
		IPOC_CHECK_EQ(run_read(in, &r), 0);
		check_same(&full, k, &r, "to the hand-over");
		run_free(&r);
		pcap_in_close(in);
	}

	/* libpcap alone */
	fp = fopen(path, "rb");
	in = fp ? pcap_in_fopen(path, fp, err, sizeof(err)) : NULL;
	IPOC_CHECK(in != NULL);
	if (in) {
		IPOC_CHECK_EQ(pcap_in_offset(in), UINT64_MAX);
		IPOC_CHECK_EQ(pcap_in_seek(in, 24, 0), (uint64_t)-1);
		IPOC_CHECK_EQ(run_read(in, &r), 0);
		check_same(&full, 0, &r, "libpcap alone after a refused seek");
		run_free(&r);
		pcap_in_close(in);
	}

	/* pcapng */
	snprintf(ngpath, sizeof(ngpath), "%s/refused.pcapng", dir);
	IPOC_CHECK_EQ(pcapng_file_write(ngpath, snap_recs, N(snap_recs)), 0);
	in = open_mapped(ngpath);
	IPOC_CHECK(in != NULL);
	if (in) {
		IPOC_CHECK_EQ(pcap_in_offset(in), UINT64_MAX);
		IPOC_CHECK_EQ(pcap_in_seek(in, 24, 0), (uint64_t)-1);
		pcap_in_close(in);
	}
	run_free(&full);
	unlink(path);
	unlink(ngpath);
}

/* Where path is mapped in this process (its first mapping), or NULL. */
static uint8_t *mapped_at(const char *path)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	uint8_t *at = NULL;

	while (f && !at && fgets(line, sizeof(line), f)) {
		unsigned long lo;
		size_t n = strlen(line);

		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n >= strlen(path) && strcmp(line + n - strlen(path), path) == 0 &&
		    sscanf(line, "%lx-", &lo) == 1)
			at = (uint8_t *)lo;
	}
	if (f)
		fclose(f);
	return at;
}

#define CANARY_LEN (1u << 20)
#define CANARY 0x5A

/* A capture of about 3 MiB read to its end (its pages let go of behind
 * the reader), then again from its start and from its middle with the
 * same reader, frame for frame the same; memory just before the mapped
 * capture (a canary mapping placed there) is not touched. */
static void test_large_reread(void)
{
	static const struct pcap_head h = { false, 0xA1B23C4Du, 2, 4, 65535, 1 };
	enum { RECS = 2000 };
	struct pcap_rec *rs = calloc(RECS, sizeof(*rs));
	struct run full = { 0 }, r = { 0 };
	struct pcap_in *in;
	uint8_t *base, *canary = NULL;
	char path[256];
	size_t bad = 0;

	if (!rs)
		return;
	for (size_t i = 0; i < RECS; i++)
		rs[i] = (struct pcap_rec){ 1700000000u + (uint32_t)i, (uint32_t)i * 7919u,
					   1514 - (uint32_t)(i % 97), 1514, 1514 - (uint32_t)(i % 97),
					   0 };
	snprintf(path, sizeof(path), "%s/large.pcap", dir);
	IPOC_CHECK(pcap_file_write(path, &h, rs, RECS, 0) > 2u * 1024 * 1024);
	in = open_mapped(path);
	IPOC_CHECK(in != NULL);
	if (!in) {
		free(rs);
		return;
	}
	base = mapped_at(path);
	IPOC_CHECK(base != NULL);
	if (base) {
		void *m = mmap(base - CANARY_LEN, CANARY_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (m == base - CANARY_LEN) {
			canary = m;
			memset(canary, CANARY, CANARY_LEN);
		} else {
			if (m != MAP_FAILED)
				munmap(m, CANARY_LEN);
			printf("no room just before the mapped capture: no canary\n");
		}
	}
	IPOC_CHECK_EQ(run_read(in, &full), 0);
	IPOC_CHECK_EQ(full.n, RECS + 1);
	for (int pass = 0; pass < 2 && full.n == RECS + 1; pass++) {
		size_t k = pass == 0 ? 0 : RECS / 2;

		IPOC_CHECK_EQ(pcap_in_seek(in, full.s[k].off_before, k), 0);
		IPOC_CHECK_EQ(run_read(in, &r), 0);
		check_same(&full, k, &r, pass == 0 ? "large, from the start" : "large, from the middle");
		for (size_t i = 0; i + 1 < r.n; i++)
			if (!r.s[i].stable)
				bad++;
		run_free(&r);
	}
	IPOC_CHECK_EQ(bad, 0);
	/* the frames are the file's */
	for (size_t i = 0; i < RECS && i < full.n; i++) {
		uint32_t k = full.s[i].len / 2;

		if (full.s[i].len != rs[i].incl || full.s[i].data[k] != pcap_file_byte(&rs[i], i, k) ||
		    full.s[i].ts != (uint64_t)rs[i].sec * 1000000000u + rs[i].frac) {
			IPOC_CHECK_EQ(full.s[i].len, rs[i].incl);
			IPOC_CHECK_EQ(full.s[i].ts, (uint64_t)rs[i].sec * 1000000000u + rs[i].frac);
			break;
		}
	}
	if (canary) {
		size_t changed = 0;

		for (size_t i = 0; i < CANARY_LEN; i++)
			changed += canary[i] != CANARY;
		if (changed)
			fprintf(stderr, "%zu bytes mapped just before the capture changed\n", changed);
		IPOC_CHECK_EQ(changed, 0);
		munmap(canary, CANARY_LEN);
	}
	pcap_in_close(in);
	run_free(&full);
	free(rs);
	unlink(path);
}

int main(int argc, char **argv)
{
	static const struct pcap_head le_us = { false, 0xA1B2C3D4u, 2, 4, 65535, 1 };
	static const struct pcap_head be_ns = { true, 0xA1B23C4Du, 2, 4, 65535, 1 };

	(void)argc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_every_record("le-us", &le_us);
	test_every_record("be-ns", &be_ns);
	test_refused();
	test_large_reread();
	rmdir(dir);
	return ipoc_test_report(argv[0]);
}
