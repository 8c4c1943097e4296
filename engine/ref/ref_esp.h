/* SPDX-License-Identifier: MIT */
/* ref_esp.h - ESP for one SA member: see ref_esp.c. */
#ifndef REF_ESP_H
#define REF_ESP_H

#include <stdint.h>

#include "ref_internal.h"

enum ref_esp_verdict {
	ESP_OPEN_OK = 0,
	ESP_OPEN_BAD_ICV,           /* ICV did not verify; nothing decrypted */
	ESP_OPEN_SYNTAX,            /* lengths cannot hold an ESP packet; untouched */
	ESP_OPEN_SYNTAX_DECRYPTED,  /* verified and decrypted, but the pad length lies */
	ESP_OPEN_ERROR,             /* the crypto library failed */
};

/* What the decrypted trailer says. Offsets are in the frame. */
struct ref_esp_trailer {
	uint8_t next_header;
	uint8_t pad_length;
	uint32_t payload;       /* first payload byte */
	uint32_t payload_end;   /* first padding byte */
};

/* The checks ref_esp_seal makes before it writes anything: 0, or -1 with
 * *why. Lets a caller refuse a packet before changing any of it. */
int ref_esp_check(const struct ref_sa_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		  const char **why);

/* Seal the framed ESP packet at [hdr, end): write IV, encrypt, write ICV.
 * Returns 0, or -1 with *why saying which check failed. */
int ref_esp_seal(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		 uint32_t esn_hi, const char **why);

/* The job of ref_esp_seal (checks made, IV written), for a caller that runs
 * a burst of them: 0, or -1 with *why. When the job does not end
 * REF_CRYPTO_OK, ref_esp_seal_failed(m) says why. */
struct ref_job;
int ref_esp_seal_job(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		     uint32_t esn_hi, struct ref_job *j, const char **why);
const char *ref_esp_seal_failed(const struct ref_sa_member *m);

/* The job that verifies and decrypts the ESP packet at [hdr, end) with the
 * SA's ESN high half: 0, or -1 when its lengths cannot hold one (then
 * ref_esp_open says ESP_OPEN_SYNTAX). When the job ends REF_CRYPTO_OK,
 * ref_esp_open_trailer reads the trailer; otherwise the packet is as it
 * arrived and ref_esp_open decides (it tries the next ESN epoch too). */
int ref_esp_open_job(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		     struct ref_job *j);
enum ref_esp_verdict ref_esp_open_trailer(const struct ref_sa_member *m, const uint8_t *p,
					  uint32_t hdr, uint32_t end, struct ref_esp_trailer *t);

/* Verify and decrypt in place the ESP packet at [hdr, end). */
enum ref_esp_verdict ref_esp_open(struct ref_sa_member *m, uint8_t *p, uint32_t hdr,
				  uint32_t end, struct ref_esp_trailer *t);

/* The Next Header of an ESP packet whose ICV failed, read from a decrypted
 * copy of its trailer in work (the packet is not changed), or -1. Tells a
 * tunnel portion (4 or 41) from a transport one for CryptoStatus. */
int ref_esp_peek_next_header(struct ref_sa_member *m, const uint8_t *p, uint32_t hdr,
			     uint32_t end, uint8_t *work, uint32_t work_len);

#endif /* REF_ESP_H */
