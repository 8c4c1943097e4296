/* SPDX-License-Identifier: MIT */
/*
 * pcap_run.h - everything a capture reader said, record by record, kept
 * so that two readers of one file (the mapped fast path, libpcap alone, a
 * reader that went back to a record) can be compared frame for frame.
 */
#ifndef IPOC_TEST_PCAP_RUN_H
#define IPOC_TEST_PCAP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap_in.h"

/* One pcap_in_next: its result, what came with it, and where the reader
 * stood before and after (pcap_in_offset) and pcap_in_stable after it. */
struct seen {
	enum pcap_in_result kind;
	uint64_t number, ts;
	uint32_t len;
	uint8_t *data;
	char err[512];
	bool stable;
	uint64_t off_before, off_after;
};

struct run {
	struct seen *s;
	size_t n;
};

/* Read in to the end: every result up to and including the EOF or the
 * ERROR. Returns 0, or -1 when out of memory. */
int run_read(struct pcap_in *in, struct run *r);
void run_free(struct run *r);

/* Compare a's results from a_from on with all of b's (kind, number,
 * timestamp, length, bytes, message; not offsets or stability). Returns
 * 0, or -1 with the first difference in why. */
int run_diff(const struct run *a, size_t a_from, const struct run *b, char *why, size_t whylen);

/* What libpcap itself reads from path (pcap_open_offline at nanosecond
 * precision, pcap_next_ex) matched against r, a run of an Ethernet
 * capture: per record the same timestamp, a frame of the same bytes (a
 * skip when the captured length exceeds the original), and the same end:
 * EOF, or an error whose message ends in libpcap's. Returns 0, or -1
 * with why. */
int run_match_libpcap(const char *path, const struct run *r, char *why, size_t whylen);

#endif /* IPOC_TEST_PCAP_RUN_H */
