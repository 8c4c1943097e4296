/* SPDX-License-Identifier: MIT */
/*
 * vec_sent.h - keep the frames an engine transmitted for known-answer
 * vectors (`ipoc vectors --write-sent OUT.pcapng`) so that Wireshark can
 * check them: OUT.pcapng (link type Ethernet) and OUT.esp_sa, Wireshark 4.0's
 * ESP SA table with one record per outbound SA that produced a frame
 * (pcaps/engine_sent_check.py runs tshark on the pair).
 *
 * Only frames tshark 4.0 can decrypt and check are written: one ESP SA
 * without ESN, encryption NULL, DES-CBC, 3DES-CBC, AES-CBC or AES-GCM (ICV
 * 8, 12, 16), integrity none, HMAC-MD5-96, HMAC-SHA-1-96 or
 * HMAC-SHA-256-128. Frames of AH, AES-GMAC, ESN and transport-over-tunnel
 * cases are counted as left out. So are frames of an SA whose addresses and
 * SPI are those of an SA already written with other keys: Wireshark uses the
 * first record that matches, and would check them with the wrong keys.
 */
#ifndef IPOC_VEC_SENT_H
#define IPOC_VEC_SENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vectors.h"

struct vec_sent;

/* Create out_path (pcapng). The key file is out_path with its ".pcapng"
 * (if any) replaced by ".esp_sa". NULL with err on failure. */
struct vec_sent *vec_sent_open(const char *out_path, char *err, size_t errlen);

/* Offer the Ethernet frame a successful send of case c transmitted: written
 * when tshark can check it, else counted. 0, or -1 on a write error (kept
 * for vec_sent_close). */
int vec_sent_frame(struct vec_sent *vs, const struct vec_case *c, const uint8_t *frame,
		   uint32_t len);

/* Write the key file, close, and print to out what was written and what
 * left out. NULL is fine. 0, or -1 with err when anything failed. */
int vec_sent_close(struct vec_sent *vs, FILE *out, char *err, size_t errlen);

#endif /* IPOC_VEC_SENT_H */
