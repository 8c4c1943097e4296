/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_in_fast.c - the capture reader's fast path (classic pcap 2.4
 * read from its mapping) against libpcap alone, on files written here in
 * every variant: little- and big-endian, micro- and nanosecond, records
 * cut by a snap length, captured longer than the original, past 2038, of
 * no bytes, beyond the snapshot length, beyond 256 KiB, a file cut short
 * in a record header, in a record body and 5 bytes short of its end, no
 * records at all, fractions of a second or more, raw IP; and the files
 * the fast path leaves to libpcap (pcapng, version 2.3, the modified
 * format).
 *
 * Each file is read three ways: pcap_in_open (the mapping: fast path
 * first), pcap_in_fopen on a stdio stream (libpcap alone) and libpcap
 * itself; all must give the same frames, lengths, bytes, nanosecond
 * timestamps and error text, and where the file says it, what was
 * written. pcap_in_offset and pcap_in_stable show which records the fast
 * path took: all of those it can, up to the one it hands over, none after.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipoc_test.h"
#include "pcap_file.h"
#include "pcap_in.h"
#include "pcap_run.h"

#define US 0xA1B2C3D4u
#define NS 0xA1B23C4Du
#define MODIFIED 0xA1B2CD34u
#define LT_ETHERNET 1u
#define LT_RAW 101u

struct variant {
	const char *name;
	struct pcap_head h;
	bool pcapng;
	const struct pcap_rec *r;
	size_t n;
	size_t cut_rec, cut_at;  /* cut_at > 0: the file ends cut_at bytes into record cut_rec */
	int fast;                /* records the fast path takes; -1: none */
	size_t known;            /* records whose outcome the file itself says */
	const char *end;         /* NULL: EOF; else part of the error */
};

/* Records of every kind a well-formed capture holds, in micro- and
 * nanoseconds. */
static const struct pcap_rec mix_us[] = {
	{ 1700000000u, 0, 60, 60, 60, 0 },
	{ 1700000000u, 1, 0, 0, 0, 0 },
	{ 1700000001u, 999999u, 1514, 1514, 1514, 0 },
	{ 1700000002u, 500000u, 9000, 9100, 9000, 0 },      /* cut by a snap length */
	{ 1700000003u, 7, 64, 60, 64, 0 },                  /* captured more: skipped */
	{ 0x80000001u, 123456u, 14, 14, 14, 0 },            /* past 2038-01-19 */
	{ 1700000004u, 42, 4000, 4000, 4000, 0 },
};
static const struct pcap_rec mix_ns[] = {
	{ 1700000000u, 0, 60, 60, 60, 0 },
	{ 1700000000u, 1, 0, 0, 0, 0 },
	{ 1700000001u, 999999999u, 1514, 1514, 1514, 0 },
	{ 1700000002u, 500000001u, 9000, 9100, 9000, 0 },
	{ 1700000003u, 7, 64, 60, 64, 0 },
	{ 0x80000001u, 123456789u, 14, 14, 14, 0 },
	{ 1700000004u, 42, 4000, 4000, 4000, 0 },
};
/* Snapshot length 128: the third record is beyond it. */
static const struct pcap_rec beyond_snap[] = {
	{ 1, 10, 100, 100, 100, 0 },
	{ 2, 20, 128, 1500, 128, 0 },
	{ 3, 30, 200, 200, 200, 0 },
	{ 4, 40, 50, 50, 50, 0 },
};
/* Snapshot length past libpcap's maximum (256 KiB for Ethernet): a record
 * of exactly 256 KiB is read, one byte more is an error. */
static const struct pcap_rec beyond_256k[] = {
	{ 1, 1, 1000, 1000, 1000, 0 },
	{ 2, 2, 262144, 262144, 262144, 0 },
	{ 3, 3, 262145, 262145, 262145, 0 },
	{ 4, 4, 10, 10, 10, 0 },
};
/* Fractions no capture tool writes (a second or more; negative as libpcap
 * reads them in the file's own byte order, huge in the other), after one
 * that is fine. */
static const struct pcap_rec odd_us[] = {
	{ 9, 999999u, 60, 60, 60, 0 },
	{ 10, 1000000u, 60, 60, 60, 0 },
	{ 11, 4294967u, 60, 60, 60, 0 },
	{ 12, 4294968u, 60, 60, 60, 0 },
	{ 13, 0x7FFFFFFFu, 60, 60, 60, 0 },
	{ 14, 0xFFFFFFFFu, 60, 60, 60, 0 },
	{ 15, 0, 60, 60, 60, 0 },
};
static const struct pcap_rec odd_ns[] = {
	{ 9, 999999999u, 60, 60, 60, 0 },
	{ 10, 1000000000u, 60, 60, 60, 0 },
	{ 11, 0x7FFFFFFFu, 60, 60, 60, 0 },
	{ 12, 0xFFFFFFFFu, 60, 60, 60, 0 },
	{ 13, 0, 60, 60, 60, 0 },
};
/* Version 2.3, whose records may hold the two lengths the other way
 * round (libpcap swaps them when the captured one is the larger). */
static const struct pcap_rec v23[] = {
	{ 1, 1, 80, 60, 60, 0 },
	{ 2, 2, 60, 60, 60, 0 },
	{ 3, 3, 40, 70, 40, 0 },
};
/* Raw IP: IPv4, IPv6, neither (skipped). */
static const struct pcap_rec raw_ip[] = {
	{ 1, 100, 40, 40, 40, 0x45 },
	{ 2, 200, 60, 60, 60, 0x60 },
	{ 3, 300, 20, 20, 20, 0x10 },
	{ 4, 400, 1500, 1500, 1500, 0x45 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HEAD(be, magic, minor, snap, lt) { be, magic, 2, minor, snap, lt }

static const struct variant variants[] = {
	{ "le-us", HEAD(false, US, 4, 65535, LT_ETHERNET), false, mix_us, N(mix_us), 0, 0,
	  (int)N(mix_us), N(mix_us), NULL },
	{ "be-us", HEAD(true, US, 4, 65535, LT_ETHERNET), false, mix_us, N(mix_us), 0, 0,
	  (int)N(mix_us), N(mix_us), NULL },
	{ "le-ns", HEAD(false, NS, 4, 65535, LT_ETHERNET), false, mix_ns, N(mix_ns), 0, 0,
	  (int)N(mix_ns), N(mix_ns), NULL },
	{ "be-ns", HEAD(true, NS, 4, 65535, LT_ETHERNET), false, mix_ns, N(mix_ns), 0, 0,
	  (int)N(mix_ns), N(mix_ns), NULL },
	{ "beyond-snaplen", HEAD(false, US, 4, 128, LT_ETHERNET), false, beyond_snap,
	  N(beyond_snap), 0, 0, 2, 2, NULL },
	{ "beyond-256k", HEAD(true, NS, 4, 0x80000, LT_ETHERNET), false, beyond_256k,
	  N(beyond_256k), 0, 0, 2, 2, "invalid packet capture length 262145" },
	{ "cut-in-header", HEAD(false, NS, 4, 65535, LT_ETHERNET), false, mix_ns, 5, 4, 7,
	  4, 4, "truncated dump file" },
	{ "cut-in-body", HEAD(true, US, 4, 65535, LT_ETHERNET), false, mix_us, 4, 3, 16 + 100,
	  3, 3, "truncated dump file" },
	{ "cut-5-bytes-short", HEAD(false, US, 4, 65535, LT_ETHERNET), false, mix_us, 4, 3,
	  16 + 9000 - 5, 3, 3, "truncated dump file" },
	{ "empty", HEAD(false, US, 4, 65535, LT_ETHERNET), false, mix_us, 0, 0, 0, 0, 0, NULL },
	{ "empty-be-ns", HEAD(true, NS, 4, 65535, LT_ETHERNET), false, mix_us, 0, 0, 0, 0, 0,
	  NULL },
	{ "odd-fractions-le-us", HEAD(false, US, 4, 65535, LT_ETHERNET), false, odd_us,
	  N(odd_us), 0, 0, 1, 1, NULL },
	{ "odd-fractions-be-us", HEAD(true, US, 4, 65535, LT_ETHERNET), false, odd_us,
	  N(odd_us), 0, 0, 1, 1, NULL },
	{ "odd-fractions-le-ns", HEAD(false, NS, 4, 65535, LT_ETHERNET), false, odd_ns,
	  N(odd_ns), 0, 0, 1, 1, NULL },
	{ "odd-fractions-be-ns", HEAD(true, NS, 4, 65535, LT_ETHERNET), false, odd_ns,
	  N(odd_ns), 0, 0, 1, 1, NULL },
	{ "raw-ip", HEAD(true, NS, 4, 65535, LT_RAW), false, raw_ip, N(raw_ip), 0, 0,
	  (int)N(raw_ip), N(raw_ip), NULL },
	{ "pcapng", HEAD(false, 0, 0, 0, 0), true, mix_ns, N(mix_ns), 0, 0, -1, N(mix_ns),
	  NULL },
	{ "version-2.3", HEAD(false, US, 3, 65535, LT_ETHERNET), false, v23, N(v23), 0, 0, -1,
	  0, NULL },
	{ "modified", HEAD(false, MODIFIED, 4, 65535, LT_ETHERNET), false, mix_us, N(mix_us), 0,
	  0, -1, N(mix_us), NULL },
};

static char dir[] = "/tmp/ipoc-pcap-in-XXXXXX";

/* Where record k starts in a classic pcap 2.4 file of v's records. */
static uint64_t rec_off(const struct variant *v, size_t k)
{
	uint64_t off = 24;

	for (size_t i = 0; i < k; i++)
		off += 16 + v->r[i].body;
	return off;
}

static uint64_t ts_want(const struct variant *v, const struct pcap_rec *r)
{
	bool nano = v->pcapng || v->h.magic == NS;

	return (uint64_t)r->sec * 1000000000u + (nano ? r->frac : (uint64_t)r->frac * 1000u);
}

/* The first records as the file says them: numbered from 1, skipped when
 * captured longer than the original or not IP, else the bytes written (in
 * a made-up Ethernet header for raw IP). */
static void check_known(const struct variant *v, const struct run *run)
{
	for (size_t i = 0; i < v->known && i < run->n; i++) {
		const struct pcap_rec *r = &v->r[i];
		const struct seen *e = &run->s[i];
		bool raw = v->h.linktype == LT_RAW;
		bool ip = !raw || r->lead >> 4 == 4 || r->lead >> 4 == 6;
		uint32_t hdr = raw ? 14 : 0;

		IPOC_CHECK_EQ(e->number, i + 1);
		IPOC_CHECK_EQ(e->ts, ts_want(v, r));
		if (r->incl > r->orig) {
			IPOC_CHECK_EQ(e->kind, PCAP_IN_SKIP);
			IPOC_CHECK_STR_HAS(e->err, "longer than the original length");
			continue;
		}
		if (!ip) {
			IPOC_CHECK_EQ(e->kind, PCAP_IN_SKIP);
			IPOC_CHECK_STR_HAS(e->err, "not an IPv4 or IPv6 packet");
			continue;
		}
		IPOC_CHECK_EQ(e->kind, PCAP_IN_FRAME);
		IPOC_CHECK_EQ(e->len, hdr + r->incl);
		if (e->kind != PCAP_IN_FRAME || e->len != hdr + r->incl)
			continue;
		if (raw)
			IPOC_CHECK_EQ((uint32_t)e->data[12] << 8 | e->data[13],
				      r->lead >> 4 == 4 ? 0x0800u : 0x86DDu);
		for (uint32_t k = 0; k < r->incl; k++) {
			if (e->data[hdr + k] != pcap_file_byte(r, i, k)) {
				IPOC_CHECK_EQ(e->data[hdr + k], pcap_file_byte(r, i, k));
				break;
			}
		}
	}
}

/* How the run ends: EOF right after the records, or v's error. */
static void check_end(const struct variant *v, const struct run *run)
{
	const struct seen *last = &run->s[run->n - 1];

	if (!v->end) {
		IPOC_CHECK_EQ(last->kind, PCAP_IN_EOF);
		IPOC_CHECK_EQ(run->n, v->n + 1);
		return;
	}
	IPOC_CHECK_EQ(last->kind, PCAP_IN_ERROR);
	IPOC_CHECK_STR_HAS(last->err, v->end);
	IPOC_CHECK_STR_HAS(last->err, dir);
}

/* Which records the mapped reader read itself: the first v->fast from
 * the mapping (offsets where they start, stable when an Ethernet frame),
 * then, when it had to, one handed over and libpcap's from there on. */
static void check_fast_path(const struct variant *v, const struct run *run)
{
	bool ether = v->h.linktype == LT_ETHERNET;

	for (size_t i = 0; i < run->n; i++) {
		const struct seen *e = &run->s[i];

		if (v->fast < 0 || i > (size_t)v->fast) {
			IPOC_CHECK_EQ(e->off_before, UINT64_MAX);
			IPOC_CHECK_EQ(e->off_after, UINT64_MAX);
			IPOC_CHECK(!e->stable);
		} else if (i < (size_t)v->fast) {
			IPOC_CHECK_EQ(e->off_before, rec_off(v, i));
			IPOC_CHECK_EQ(e->off_after, rec_off(v, i + 1));
			/* an Ethernet record, skipped or not, is the mapped one */
			IPOC_CHECK_EQ(e->stable, ether && e->kind != PCAP_IN_EOF);
		} else if (e->kind == PCAP_IN_EOF && !v->end) {
			IPOC_CHECK_EQ(e->off_before, rec_off(v, i));   /* the end of the file */
			IPOC_CHECK_EQ(e->off_after, rec_off(v, i));
		} else {
			IPOC_CHECK_EQ(e->off_before, rec_off(v, i));   /* handed over here */
			IPOC_CHECK_EQ(e->off_after, UINT64_MAX);
			IPOC_CHECK(!e->stable);
		}
	}
}

static int read_path(const char *path, bool mapped, struct run *run)
{
	char err[1024] = "";
	struct pcap_in *in;
	FILE *fp;
	int rc;

	if (mapped) {
		in = pcap_in_open(path, err, sizeof(err));
	} else {
		fp = fopen(path, "rb");
		in = fp ? pcap_in_fopen(path, fp, err, sizeof(err)) : NULL;
	}
	if (!in) {
		fprintf(stderr, "%s: cannot open: %s\n", path, err);
		return -1;
	}
	rc = run_read(in, run);
	pcap_in_close(in);
	return rc;
}

static void test_variant(const struct variant *v)
{
	char path[256], why[1024] = "";
	struct run fast = { 0 }, alone = { 0 };
	size_t keep = v->cut_at ? rec_off(v, v->cut_rec) + v->cut_at : 0;
	int wrote;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, v->name, v->pcapng ? "pcapng" : "pcap");
	wrote = v->pcapng ? pcapng_file_write(path, v->r, v->n)
		: pcap_file_write(path, &v->h, v->r, v->n, keep) ? 0 : -1;
	IPOC_CHECK_EQ(wrote, 0);
	IPOC_CHECK_EQ(read_path(path, true, &fast), 0);
	IPOC_CHECK_EQ(read_path(path, false, &alone), 0);
	if (fast.n && alone.n) {
		if (run_diff(&fast, 0, &alone, why, sizeof(why)) != 0)
			fprintf(stderr, "%s: fast path and libpcap alone differ: %s\n", v->name, why);
		IPOC_CHECK_EQ(run_diff(&fast, 0, &alone, why, sizeof(why)), 0);
		if (v->h.linktype == LT_ETHERNET || v->pcapng) {
			int m = run_match_libpcap(path, &fast, why, sizeof(why));

			if (m != 0)
				fprintf(stderr, "%s: libpcap reads otherwise: %s\n", v->name, why);
			IPOC_CHECK_EQ(m, 0);
		}
		check_known(v, &fast);
		check_end(v, &fast);
		check_fast_path(v, &fast);
		for (size_t i = 0; i < alone.n; i++) {
			IPOC_CHECK_EQ(alone.s[i].off_before, UINT64_MAX);
			IPOC_CHECK(!alone.s[i].stable);
		}
	}
	run_free(&fast);
	run_free(&alone);
	unlink(path);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < N(variants); i++)
		test_variant(&variants[i]);
	rmdir(dir);
	return ipoc_test_report(argv[0]);
}
