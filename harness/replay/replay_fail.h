/* SPDX-License-Identifier: MIT */
/*
 * replay_fail.h - `ipoc replay --write-failures OUT.pcapng`: the frames
 * that failed, each with its capture time and a comment (opt_comment: its
 * frame number in the capture and why), in a pcapng of the capture's link
 * type; beside it the key file as given (OUT.pcapng.keys, to replay the
 * failures alone: `ipoc replay OUT.pcapng --keys OUT.pcapng.keys`) and a
 * Wireshark esp_sa file (OUT.esp_sa: OUT less ".pcapng", written with
 * harness/keys' esp_sa records, converted from an xfrm file), so the
 * failures open decrypted in Wireshark. SAs Wireshark 4.0 cannot express
 * (AH, AES-GMAC, ESN) are named in comment lines of OUT.esp_sa instead.
 */
#ifndef IPOC_REPLAY_FAIL_H
#define IPOC_REPLAY_FAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keyfile.h"

struct replay_fail;

/* Create out for records of link type linktype and write the key files
 * beside it (keys_path NULL: no copy). NULL with err (naming the file). */
struct replay_fail *replay_fail_open(const char *out, int linktype, const struct key_file *keys,
				     const char *keys_path, char *err, size_t errlen);

/* One record as captured, its capture time and comment. 0, or -1 (a write
 * error, reported at close). */
int replay_fail_frame(struct replay_fail *w, const uint8_t *rec, uint32_t len, uint64_t ts_ns,
		      const char *comment);

/* Close; print to out what was written (NULL w is fine). 0, or -1 with err
 * when a frame could not be written. */
int replay_fail_close(struct replay_fail *w, FILE *out, char *err, size_t errlen);

/* Write Wireshark's esp_sa file of keys to path: its header line, a record
 * per ESP SA (an SA of both families, two), a comment line naming each SA
 * it leaves out and why. *written / *left get the counts. 0, or -1. */
int replay_write_esp_sa(const char *path, const struct key_file *keys, size_t *written,
			size_t *left);

#endif /* IPOC_REPLAY_FAIL_H */
