/* SPDX-License-Identifier: MIT */
/*
 * pcap_in.h - read a pcap or pcapng capture through libpcap, one frame at
 * a time (never the whole file), and give each frame to the engine as the
 * Ethernet II frame an NDIS miniport would see.
 *
 * Link types: Ethernet (as is; 802.1Q / 802.1ad tags kept, the engine
 * parses them), raw IP (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6), Linux
 * cooked SLL and SLL2, BSD loopback (LINKTYPE_NULL, either byte order, and
 * LINKTYPE_LOOP). For the others an Ethernet header is made up in front of
 * the network-layer packet, with the EtherType the link header names.
 */
#ifndef IPOC_PCAP_IN_H
#define IPOC_PCAP_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcap_in;

enum pcap_in_result {
	PCAP_IN_FRAME = 0,      /* *frame / *len hold the next frame */
	PCAP_IN_SKIP,           /* a record that carries no IP packet (reason in err) */
	PCAP_IN_EOF,
	PCAP_IN_ERROR,          /* err says why; the capture is unusable from here */
};

/* Open path. Returns NULL with a one-line message in err (naming the file)
 * when it cannot be read or its link type is not supported. */
struct pcap_in *pcap_in_open(const char *path, char *err, size_t errlen);
/* The same from an open stream (fmemopen, a pipe), read from where it
 * stands; name is the capture's name in messages. The reader owns fp from
 * here, also when it fails. */
struct pcap_in *pcap_in_fopen(const char *name, FILE *fp, char *err, size_t errlen);
void pcap_in_close(struct pcap_in *in);

/* The next record as an Ethernet frame (valid until the next call), its
 * 1-based number and capture timestamp in nanoseconds since the epoch (as
 * the file has it: microsecond captures give multiples of 1000). Records
 * whose captured length is shorter than the original (a snap length) are
 * returned as captured; a record whose header says it captured more than the
 * packet's original length is skipped. *number and *ts_ns are set for
 * PCAP_IN_SKIP too. */
enum pcap_in_result pcap_in_next(struct pcap_in *in, const uint8_t **frame, uint32_t *len,
				 uint64_t *number, uint64_t *ts_ns, char *err, size_t errlen);

/* Where in the file the next record starts, when the reader reads the
 * records itself (a classic pcap file through its mapping, pcap_in_stable
 * frames); else UINT64_MAX. */
uint64_t pcap_in_offset(const struct pcap_in *in);
/* Go to the record at off (a pcap_in_offset of a reader of the same
 * file), records being the records before it (numbering goes on from
 * there). 0, or -1 when this reader cannot (not reading the records
 * itself, or off is not in the file). */
int pcap_in_seek(struct pcap_in *in, uint64_t off, uint64_t records);

/* Do the frame and the record last returned stay where they are until the
 * reader is closed (a regular file's record read from its mapping, which
 * is never written: a page let go of behind the reader comes back from
 * the file if read again)? Else they are valid until the next call. */
bool pcap_in_stable(const struct pcap_in *in);

/* The link type as libpcap names it ("EN10MB", "LINUX_SLL2", ...). */
const char *pcap_in_linktype(const struct pcap_in *in);

/* The original record of the frame last returned (for writing failures). */
void pcap_in_raw(const struct pcap_in *in, const uint8_t **rec, uint32_t *len, int *linktype);

#endif /* IPOC_PCAP_IN_H */
