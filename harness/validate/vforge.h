/* SPDX-License-Identifier: MIT */
/*
 * vforge.h - the few packets the reference engine will not make because
 * they are wrong: an ESP packet whose HMAC is valid over contents no
 * correct sender would frame (a Pad Length beyond the payload; a tunnel
 * whose inner packet was changed). The harness computes the ICV itself,
 * with OpenSSL's HMAC, over the bytes RFC 4303 s2.8 names (SPI through Next
 * Header, NULL encryption, no ESN). vforge.c is the validate folder's one
 * file that includes OpenSSL.
 */
#ifndef IPOC_VFORGE_H
#define IPOC_VFORGE_H

#include <stdbool.h>
#include <stdint.h>

/* Recompute the ICV of the ESP packet at [esp, icv + icv_len) in frame:
 * HMAC-MD5-96, -SHA1-96 or -SHA-256-128 (auth_id, an
 * IPSEC_OFFLOAD_V2_AUTHENTICATION_* value) with key (klen bytes) over
 * [esp, icv), truncated. false for any other algorithm. */
bool vforge_esp_hmac(uint32_t auth_id, const uint8_t *key, uint32_t klen, uint8_t *frame,
		     uint32_t esp, uint32_t icv, uint32_t icv_len);

#endif /* IPOC_VFORGE_H */
