/* SPDX-License-Identifier: MIT */
/*
 * sa_offload.h - offload an SA described in the terms of vectors.h to an
 * engine with OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, the way TCP/IP would:
 * Header {0x80, 1, sizeof}, one element, ESP before AH in SecAssoc
 * (R-SA-4), keys concatenated in the key area, SPIs and addresses in
 * network byte order (PROFILE.md item 10), GCM's ICV length in
 * AdditionalInfo. Shared by the vector runner and the capture replay.
 */
#ifndef IPOC_SA_OFFLOAD_H
#define IPOC_SA_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "vectors.h"

/* The IPSEC_OFFLOAD_V2_* bit of an algorithm, 0 for none/unset. */
uint32_t enc_bit(uint32_t e);
uint32_t auth_bit(uint32_t a);
/* Combined mode (an AEAD row: AES-GCM). */
bool gcm(uint32_t e);
/* The IPSEC_OFFLOAD_V2_*UDP_ESP* value of a vector's encapsulation. */
uint32_t udp_type(enum vec_udp u);
/* An SPI value as NDIS carries it: its wire bytes in a ULONG. */
ULONG spi_ndis(uint32_t spi);

/* Offload sa (its ESP and/or AH member) on instance inst of eh for family,
 * inbound or outbound, with UdpEspEncapsulation udp_esp. *st gets the
 * request's status, *h the handle (NULL on failure); the key bytes on the
 * stack are wiped. Returns how the operation went (host.h). */
enum eh_rc sa_offload_v2(struct eh *eh, uint32_t inst, const struct vec_sa *sa,
			 enum vec_family family, uint32_t udp_esp, bool inbound, NDIS_STATUS *st,
			 NDIS_HANDLE *h);

#endif /* IPOC_SA_OFFLOAD_H */
