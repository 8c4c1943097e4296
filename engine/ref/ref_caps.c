/* SPDX-License-Identifier: MIT */
/*
 * ref_caps.c - the capabilities the reference engine reports, and what the
 * OID_TCP_OFFLOAD_PARAMETERS switch (engine/ndis) left enabled of them.
 *
 * The hardware report claims the whole IPsecOV2 set (every algorithm bit,
 * AH, ESP, AH+ESP, transport, tunnel, transport over tunnel, IPv6, IPv4
 * options, IPv6 extension headers, LSO, ESN, all four UDP-ESP types) and an
 * IPsecOV1 set (MD5, SHA-1, DES, 3DES, null ESP, transport and tunnel, AH+ESP,
 * IPv4 options; no UDP-ESP parser entries and no transport-over-tunnel, which
 * V1's single send handle cannot express: PROFILE.md). The current
 * configuration is the hardware report masked by what the parameters OID left
 * enabled (ndis_offload_mask_v1/_v2); both IPsec versions start with AH and
 * ESP enabled, the default of the standardized *IPsecOffloadV1IPv4 /
 * *IPsecOffloadV2 keywords (3).
 */
#include <string.h>

#include "ndis_oid.h"
#include "ref_internal.h"

#define ENCAPS (NDIS_ENCAPSULATION_IEEE_802_3 | NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q)
#define UDP_ESP_ALL (IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT | \
		     IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL | \
		     IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL | \
		     IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL)

static void hw_v1(NDIS_IPSEC_OFFLOAD_V1 *v1)
{
	memset(v1, 0, sizeof(*v1));
	v1->Supported.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
	v1->Supported.AhEspCombined = 1;
	v1->Supported.TransportTunnelCombined = 0;
	v1->Supported.IPv4Options = 1;
	v1->Supported.Flags = 0;
	v1->IPv4AH.Md5 = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4AH.Sha_1 = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4AH.Transport = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4AH.Tunnel = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4AH.Send = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4AH.Receive = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.Des = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.TripleDes = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.NullEsp = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.Transport = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.Tunnel = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.Send = NDIS_OFFLOAD_SUPPORTED;
	v1->IPv4ESP.Receive = NDIS_OFFLOAD_SUPPORTED;
}

static void hw_v2(NDIS_IPSEC_OFFLOAD_V2 *v2, uint32_t sa_capacity)
{
	memset(v2, 0, sizeof(*v2));
	v2->Encapsulation = ENCAPS;
	v2->IPv6Supported = TRUE;
	v2->IPv4Options = TRUE;
	v2->IPv6NonIPsecExtensionHeaders = TRUE;
	v2->Ah = TRUE;
	v2->Esp = TRUE;
	v2->AhEspCombined = TRUE;
	v2->Transport = TRUE;
	v2->Tunnel = TRUE;
	v2->TransportTunnelCombined = TRUE;
	v2->LsoSupported = TRUE;
	v2->ExtendedSequenceNumbers = TRUE;
	v2->UdpEsp = UDP_ESP_ALL;
	v2->AuthenticationAlgorithms = ipoc_alg_mask(IPOC_ALG_AUTH_KINDS);
	v2->EncryptionAlgorithms = ipoc_alg_mask(IPOC_ALG_ENC_KINDS);
	v2->SaOffloadCapacity = sa_capacity;
}

void ref_caps_init(struct ipoc_engine *e, uint32_t sa_capacity)
{
	hw_v1(&e->hw_v1);
	hw_v2(&e->hw_v2, sa_capacity);
	e->enable.v1_ah = e->enable.v1_esp = true;
	e->enable.v2_ah = e->enable.v2_esp = true;
}

void ref_caps_hardware(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	ndis_offload_header(out);
	out->IPsecV1 = e->hw_v1;
	out->IPsecV2 = e->hw_v2;
}

void ref_caps_current(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	ref_caps_hardware(e, out);
	ndis_offload_mask_v1(&out->IPsecV1, e->enable.v1_ah, e->enable.v1_esp);
	ndis_offload_mask_v2(&out->IPsecV2, e->enable.v2_ah, e->enable.v2_esp);
}

/* R-TX-1 / R-RX-2a: IPsec processing only for what the parameters OID left
 * enabled, per protocol of each member and per IPsec version. */
bool ref_sa_enabled(const struct ipoc_engine *e, const struct ref_sa *sa)
{
	if (e->open_flags & IPOC_OPEN_IGNORE_PARAMETERS)
		return true;
	for (uint32_t i = 0; i < sa->num_members; i++) {
		bool ah = sa->m[i].op == IPsecOffloadV2Ah;
		bool on = sa->version == REF_SA_V1 ? (ah ? e->enable.v1_ah : e->enable.v1_esp)
						   : (ah ? e->enable.v2_ah : e->enable.v2_esp);

		if (!on)
			return false;
	}
	return true;
}
