/* SPDX-License-Identifier: MIT */
/* ref_ah.h - AH for one SA member: see ref_ah.c. */
#ifndef REF_AH_H
#define REF_AH_H

#include <stdint.h>

#include "ref_pkt.h"

enum ref_ah_verdict {
	AH_OPEN_OK = 0,
	AH_OPEN_BAD_ICV,
	AH_OPEN_SYNTAX,      /* the AH length field lies, or headers cannot be read */
	AH_OPEN_UNSUPPORTED, /* an IPv6 routing header still to be processed */
	AH_OPEN_ERROR,
};

/* Length of the AH header at ah (from its Payload Len field), or 0 when it
 * is malformed or runs past end. */
uint32_t ref_ah_len(const uint8_t *p, uint32_t ah, uint32_t end);

/* The checks ref_ah_seal makes before it writes anything: 0 or -1, *why. */
int ref_ah_check(const struct ref_sa_member *m, const uint8_t *p, const struct ref_ip *ip,
		 uint32_t ah, const char **why);

/* Compute and write the ICV of the AH header at ah inside the IP packet ip
 * (and write the IV for GMAC). Returns 0, or -1 with *why. */
int ref_ah_seal(struct ref_sa_member *m, uint8_t *p, const struct ref_ip *ip, uint32_t ah,
		uint32_t esn_hi, const char **why);

/* Verify the AH header at ah inside ip; *next_header gets its Next Header. */
enum ref_ah_verdict ref_ah_open(struct ref_sa_member *m, const uint8_t *p,
				const struct ref_ip *ip, uint32_t ah, uint8_t *next_header);

#endif /* REF_AH_H */
