/* SPDX-License-Identifier: MIT */
/*
 * pcapng_out.h - write frames to a pcapng file (section header, one
 * interface of the capture's link type, an enhanced packet block per
 * frame), and copy the key file beside it, so a failure can be replayed
 * alone: `ipoc replay OUT.pcapng --keys OUT.pcapng.keys`.
 */
#ifndef IPOC_PCAPNG_OUT_H
#define IPOC_PCAPNG_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng_out;

/* Create path for frames of link type linktype; when keys_path is not NULL
 * copy it to path + ".keys". NULL with err on failure. */
struct pcapng_out *pcapng_out_open(const char *path, int linktype, const char *keys_path,
				   char *err, size_t errlen);
/* The same on an open stream (open_memstream, a pipe), which the writer
 * owns from here (closed by pcapng_out_close, or now when it fails: NULL). */
struct pcapng_out *pcapng_out_fopen(FILE *f, int linktype);
int pcapng_out_frame(struct pcapng_out *w, const uint8_t *rec, uint32_t len);
/* A frame with its capture time (ns since the epoch; 0 when unknown) and a
 * comment shown beside it in Wireshark (opt_comment; NULL for none). */
int pcapng_out_frame_ex(struct pcapng_out *w, const uint8_t *rec, uint32_t len, uint64_t ts_ns,
			const char *comment);
/* Close (NULL is fine); returns the number of frames written. */
uint64_t pcapng_out_close(struct pcapng_out *w);

#endif /* IPOC_PCAPNG_OUT_H */
