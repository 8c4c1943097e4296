/* SPDX-License-Identifier: MIT */
/*
 * ref_caps.c - the capabilities the reference engine reports and the
 * OID_TCP_OFFLOAD_PARAMETERS switch that enables or disables them.
 *
 * The hardware report claims the whole IPsecOV2 set (every algorithm bit,
 * AH, ESP, AH+ESP, transport, tunnel, transport over tunnel, IPv6, IPv4
 * options, IPv6 extension headers, LSO, ESN, all four UDP-ESP types) and an
 * IPsecOV1 set (MD5, SHA-1, DES, 3DES, null ESP, transport and tunnel, AH+ESP,
 * IPv4 options; no UDP-ESP parser entries and no transport-over-tunnel, which
 * V1's single send handle cannot express: PROFILE.md). The current
 * configuration is the hardware report masked by what the parameters OID left
 * enabled; both IPsec versions start with AH and ESP enabled, the default of
 * the standardized *IPsecOffloadV1IPv4 / *IPsecOffloadV2 keywords (3).
 */
#include <string.h>

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

static void offload_header(NDIS_OFFLOAD *out)
{
	memset(out, 0, sizeof(*out));
	out->Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	out->Header.Revision = NDIS_OFFLOAD_REVISION_2;
	out->Header.Size = (USHORT)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
}

void ref_caps_hardware(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	offload_header(out);
	out->IPsecV1 = e->hw_v1;
	out->IPsecV2 = e->hw_v2;
}

/* V1 with AH or ESP switched off: the 2-bit words of that protocol go to
 * zero, and so does the combination. */
static void mask_v1(NDIS_IPSEC_OFFLOAD_V1 *v1, bool ah, bool esp)
{
	if (!ah)
		memset(&v1->IPv4AH, 0, sizeof(v1->IPv4AH));
	if (!esp)
		memset(&v1->IPv4ESP, 0, sizeof(v1->IPv4ESP));
	if (!ah || !esp)
		v1->Supported.AhEspCombined = 0;
	if (!ah && !esp)
		memset(v1, 0, sizeof(*v1));
}

static void mask_v2(NDIS_IPSEC_OFFLOAD_V2 *v2, bool ah, bool esp)
{
	if (!ah)
		v2->Ah = FALSE;
	if (!esp) {
		v2->Esp = FALSE;
		v2->UdpEsp = 0;
		v2->EncryptionAlgorithms = 0;
	}
	if (!ah || !esp)
		v2->AhEspCombined = FALSE;
	if (!ah && !esp)
		memset(v2, 0, sizeof(*v2));
}

void ref_caps_current(const struct ipoc_engine *e, NDIS_OFFLOAD *out)
{
	ref_caps_hardware(e, out);
	mask_v1(&out->IPsecV1, e->enable.v1_ah, e->enable.v1_esp);
	mask_v2(&out->IPsecV2, e->enable.v2_ah, e->enable.v2_esp);
}

/* NDIS_OFFLOAD_PARAMETERS_IPSECV{1,2}_* share the values 0..4. */
static NDIS_STATUS apply(struct ipoc_engine *e, const char *field, UCHAR v, bool *ah, bool *esp)
{
	switch (v) {
	case NDIS_OFFLOAD_PARAMETERS_NO_CHANGE:
		return NDIS_STATUS_SUCCESS;
	case NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED:
		*ah = false, *esp = false;
		return NDIS_STATUS_SUCCESS;
	case NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED:
		*ah = true, *esp = false;
		return NDIS_STATUS_SUCCESS;
	case NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED:
		*ah = false, *esp = true;
		return NDIS_STATUS_SUCCESS;
	case NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED:
		*ah = true, *esp = true;
		return NDIS_STATUS_SUCCESS;
	default:
		ref_log(e, IPOC_LOG_WARN, "NDIS_OFFLOAD_PARAMETERS.%s %u: not a defined value (0..4)",
			field, v);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
}

NDIS_STATUS ref_caps_set_parameters(struct ipoc_engine *e, const NDIS_OFFLOAD_PARAMETERS *p,
				    uint32_t len)
{
	struct ref_enable next = e->enable;
	bool has_v2;
	NDIS_STATUS st;

	if (p->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || p->Header.Revision < 1 ||
	    p->Header.Size < NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 || p->Header.Size > len) {
		ref_log(e, IPOC_LOG_WARN,
			"NDIS_OFFLOAD_PARAMETERS.Header {Type 0x%02x, Revision %u, Size %u}: want "
			"Type 0x80, Revision >= 1, %zu <= Size <= buffer length %u",
			p->Header.Type, p->Header.Revision, p->Header.Size,
			(size_t)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1, len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	has_v2 = p->Header.Revision >= NDIS_OFFLOAD_PARAMETERS_REVISION_2 &&
		 p->Header.Size >= NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	st = apply(e, "IPsecV1", p->IPsecV1, &next.v1_ah, &next.v1_esp);
	if (st == NDIS_STATUS_SUCCESS && has_v2)
		st = apply(e, "IPsecV2", p->IPsecV2, &next.v2_ah, &next.v2_esp);
	if (st == NDIS_STATUS_SUCCESS && has_v2 && p->IPsecV2IPv4 > 4) {
		ref_log(e, IPOC_LOG_WARN, "NDIS_OFFLOAD_PARAMETERS.IPsecV2IPv4 %u: not a defined "
			"value (0..4)", p->IPsecV2IPv4);
		st = NDIS_STATUS_INVALID_PARAMETER;
	}
	if (st == NDIS_STATUS_SUCCESS)
		e->enable = next;   /* all or nothing */
	return st;
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
