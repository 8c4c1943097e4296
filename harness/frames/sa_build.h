/* SPDX-License-Identifier: MIT */
/*
 * sa_build.h - building IPsecOV2 ADD_SA / ADD_SA_EX buffers.
 *
 * A case describes an SA bundle as a struct sa_spec (what TCP/IP means) and
 * the builder lays it out as NDIS would hand it over: in pointer-aligned
 * storage, Header {0x80, 1, sizeof(struct)}, the keys in the key area (for
 * each member its encryption key, then its authentication key, each
 * algorithm's KeyOffsetBytes pointing at its own key), KeyLength the sum.
 * The key bytes are 0x11, 0x12, ... by their offset in the key area; a case
 * that needs other keys writes them over. Tests then break one field of the
 * built structure and look at the status.
 */
#ifndef IPOC_SA_BUILD_H
#define IPOC_SA_BUILD_H

#include <stdint.h>

#include "ipoc/ndis.h"

/* One IPSEC_OFFLOAD_V2_ALGORITHM_INFO; the builder sets KeyOffsetBytes. */
struct sa_alg {
	ULONG id;
	ULONG key_len;
	ULONG add_info;
};

/* One IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION. */
struct sa_member {
	ULONG op;        /* IPsecOffloadV2Ah / IPsecOffloadV2Esp */
	ULONG spi;
	ULONG flags;     /* IPSEC_OFFLOAD_V2_ESN_SA */
	ULONG esn_high;
	struct sa_alg auth;
	struct sa_alg enc;
};

/* One ADD_SA element. Addresses are network order; IPv4 uses 4 bytes. */
struct sa_spec {
	ULONG num;       /* NumExtHdrs */
	ULONG flags;     /* IPSEC_OFFLOAD_V2_INBOUND | IPSEC_OFFLOAD_V2_IPv6 */
	ULONG udp_esp;
	uint8_t src[16];
	uint8_t dst[16];
	struct sa_member m[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
};

/* Pointer-aligned room for one element and its keys. */
enum { SA_BUF_BYTES = 1024 };
struct sa_buf {
	uint64_t w[SA_BUF_BYTES / sizeof(uint64_t)];
};

/* The key length (bytes, salt included for AES-GCM/GMAC) the profile gives
 * an identifier; 0 for an unknown one. */
ULONG sa_auth_key_len(ULONG id);
ULONG sa_enc_key_len(ULONG id);

/* Outbound IPv4 10.0.0.1 -> 10.0.0.2 bundles with standard key lengths.
 * sa_spec_esp: enc_id or auth_id may be 0 (absent); AES-GCM gets a 16-byte
 * ICV (AdditionalInfo 16) and no authentication algorithm. */
struct sa_spec sa_spec_ah(ULONG spi, ULONG auth_id);
struct sa_spec sa_spec_esp(ULONG spi, ULONG enc_id, ULONG auth_id);
struct sa_spec sa_spec_bundle(ULONG esp_spi, ULONG enc_id, ULONG esp_auth_id, ULONG ah_spi,
			      ULONG ah_auth_id);
void sa_spec_v4(struct sa_spec *s, uint32_t src, uint32_t dst);   /* host-order values */

/* Lay out spec in b; *len gets the InformationBufferLength to send
 * (KeyData offset + KeyLength, at least NDIS_SIZEOF_..._ADD_SA_REVISION_1). */
IPSEC_OFFLOAD_V2_ADD_SA *sa_build_add(struct sa_buf *b, const struct sa_spec *spec,
				      uint32_t *len);
/* The same as ADD_SA_EX with the key area at key_offset; *len gets
 * key_offset + KeyLength. key_offset + keys must fit in SA_BUF_BYTES. */
IPSEC_OFFLOAD_V2_ADD_SA_EX *sa_build_add_ex(struct sa_buf *b, const struct sa_spec *spec,
					    uint32_t key_offset, uint32_t *len);

#endif /* IPOC_SA_BUILD_H */
