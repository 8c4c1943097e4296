/* SPDX-License-Identifier: MIT */
/*
 * rx_crypto.h - ESP (RFC 4303, 4106, 4543) and AH (RFC 4302, 4543) of the
 * receive-path fuzz targets, written apart from the engine's, on OpenSSL 3
 * (its own library context, with the legacy provider for single DES): the
 * sealing of rx_sealed and the post-processor, and the checks rx_classify
 * makes of what an engine took.
 *
 * Offsets are in the frame p: hdr the ESP header, ah the AH header, ip the
 * IP header in front of AH, end the end of that IP packet. IVs go in as
 * given (iv_len bytes). ESN: esn_hi is the high half used (PROFILE.md 15:
 * the caller also tries the next one).
 */
#ifndef IPOC_FUZZ_RX_CRYPTO_H
#define IPOC_FUZZ_RX_CRYPTO_H

#include <stdint.h>

#include "rx_sas.h"

/* Write IV, encrypt [payload, ICV) in place, write the ICV. 0, or -1
 * (lengths that cannot be sealed, a cipher that failed). */
int rxc_esp_seal(struct rx_member *m, uint8_t *p, uint32_t hdr, uint32_t end, uint32_t esn_hi,
		 const uint8_t *iv);
/* 1: the ICV verifies; 0: it does not; -1: cannot say. An SA with no
 * integrity verifies everything. */
int rxc_esp_verify(struct rx_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		   uint32_t esn_hi);
/* Decrypt [payload, ICV) of the ESP packet into out (end - hdr bytes room),
 * nothing checked. Returns the number of bytes, or -1. */
int rxc_esp_decrypt(struct rx_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		    uint8_t *out);

/* AH: the ICV over the IP header (mutable fields zeroed, RFC 4302
 * §3.3.3.1 and appendix A), AH with its ICV zeroed, the rest of the packet
 * and the ESN high half. Seal writes the IV (GMAC) and the ICV: 0, -1
 * malformed, 1 a routing header with segments left (not offloaded). */
int rxc_ah_seal(struct rx_member *m, uint8_t *p, uint32_t ip, uint32_t ah, uint32_t end,
		uint32_t esn_hi, const uint8_t *iv);
/* 1 verifies, 0 not, -1 malformed or cannot say. */
int rxc_ah_verify(struct rx_member *m, const uint8_t *p, uint32_t ip, uint32_t ah, uint32_t end,
		  uint32_t esn_hi);

#endif /* IPOC_FUZZ_RX_CRYPTO_H */
