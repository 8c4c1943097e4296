/* SPDX-License-Identifier: MIT */
/*
 * dp_caps.c - what the engine claims: IPsecOV2 ESP with the algorithms the
 * crypto device and lib/ipsec do together (crypto_dpdk.c), read at open.
 *
 * Claimed: ESP (lib/ipsec 22.11 has no AH: rte_ipsec_sa_init refuses it),
 * transport and tunnel (the transport builds the headers; lib/ipsec sees the
 * ESP part, dp_esp.c), IPv4 and IPv6, IPv4 options and IPv6 extension
 * headers (the adapter finds the ESP header behind them, dp_pkt.c), ESN,
 * and UDP-ESP for a transport or a tunnel SA (the adapter steps over the
 * UDP header the transport built). Not claimed: AH and AH+ESP, transport
 * over tunnel and the two UDP-ESP types that pair portions, LSO, IPsecOV1.
 * The current configuration is that report masked by what
 * OID_TCP_OFFLOAD_PARAMETERS left enabled (AH and ESP start enabled).
 */
#include <string.h>

#include "dp_int.h"
#include "ndis_oid.h"

#define ENCAPS (NDIS_ENCAPSULATION_IEEE_802_3 | NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q)

void dp_caps_init(struct ipoc_engine *e, uint32_t capacity)
{
	NDIS_IPSEC_OFFLOAD_V2 *v2 = &e->hw;
	uint32_t enc, auth;

	dp_crypto_caps(e->dev, &enc, &auth);
	memset(v2, 0, sizeof(*v2));
	v2->Encapsulation = ENCAPS;
	v2->IPv6Supported = TRUE;
	v2->IPv4Options = TRUE;
	v2->IPv6NonIPsecExtensionHeaders = TRUE;
	v2->Ah = FALSE;
	v2->Esp = TRUE;
	v2->AhEspCombined = FALSE;
	v2->Transport = TRUE;
	v2->Tunnel = TRUE;
	v2->TransportTunnelCombined = FALSE;
	v2->LsoSupported = FALSE;
	v2->ExtendedSequenceNumbers = TRUE;
	v2->UdpEsp = IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT |
		     IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL;
	v2->AuthenticationAlgorithms = auth;
	v2->EncryptionAlgorithms = enc;
	v2->SaOffloadCapacity = capacity;
	e->enable.v2_ah = e->enable.v2_esp = true;
}

void dp_caps_hardware(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	ndis_offload_header(out);
	out->IPsecV2 = e->hw;
}

void dp_caps_current(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	dp_caps_hardware(e, out);
	ndis_offload_mask_v2(&out->IPsecV2, e->enable.v2_ah, e->enable.v2_esp);
}

bool dp_sa_enabled(const struct ipoc_engine *e)
{
	return (e->open_flags & IPOC_OPEN_IGNORE_PARAMETERS) || e->enable.v2_esp;
}
