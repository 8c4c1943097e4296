/* SPDX-License-Identifier: MIT */
/*
 * pcap_file.h - classic pcap and pcapng files written byte by byte for the
 * capture reader's tests, in either byte order, with records that say
 * whatever a test wants them to say (lengths that lie, a file cut short).
 */
#ifndef IPOC_TEST_PCAP_FILE_H
#define IPOC_TEST_PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One record: its header fields as written, and body bytes of it (the
 * body is pcap_file_byte(index, k) for k < body; body is normally incl),
 * but for its first byte when lead is not 0 (an IP version nibble). */
struct pcap_rec {
	uint32_t sec, frac;     /* frac: micro- or nanoseconds, as the file says */
	uint32_t incl, orig;
	uint32_t body;
	uint8_t lead;
};

/* How the file begins. */
struct pcap_head {
	bool big_endian;
	uint32_t magic;         /* 0xA1B2C3D4 (us), 0xA1B23C4D (ns), 0xA1B2CD34 (modified) */
	uint16_t major, minor;
	uint32_t snaplen;
	uint32_t linktype;
};

/* Byte k of record r, the i-th (from 0). */
uint8_t pcap_file_byte(const struct pcap_rec *r, size_t i, uint32_t k);

/* Write a classic pcap file of n records to path, keeping only its first
 * keep bytes when keep is not 0. Modified-pcap files (0xA1B2CD34) get the
 * 8 more header bytes their records carry. Returns the bytes written, or
 * 0 when the file could not be written. */
size_t pcap_file_write(const char *path, const struct pcap_head *h, const struct pcap_rec *r,
		       size_t n, size_t keep);

/* Write a little-endian pcapng file: one section, one Ethernet interface
 * with nanosecond timestamps, an Enhanced Packet Block per record (the
 * time as sec * 1e9 + frac). Returns 0, or -1. */
int pcapng_file_write(const char *path, const struct pcap_rec *r, size_t n);

#endif /* IPOC_TEST_PCAP_FILE_H */
