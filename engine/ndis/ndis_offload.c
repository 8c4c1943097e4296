/* SPDX-License-Identifier: MIT */
/*
 * ndis_offload.c - NDIS_OFFLOAD as an engine reports it, and the
 * OID_TCP_OFFLOAD_PARAMETERS switch that enables or disables AH and ESP of
 * each IPsec version: the report of the current configuration is the
 * hardware's masked by what the switch left enabled.
 */
#include <string.h>

#include "ndis_internal.h"
#include "ndis_oid.h"

void ndis_offload_header(NDIS_OFFLOAD *out)
{
	memset(out, 0, sizeof(*out));
	out->Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
	out->Header.Revision = NDIS_OFFLOAD_REVISION_2;
	out->Header.Size = (USHORT)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2;
}

/* V1 with AH or ESP switched off: the 2-bit words of that protocol go to
 * zero, and so does the combination. */
void ndis_offload_mask_v1(NDIS_IPSEC_OFFLOAD_V1 *v1, bool ah, bool esp)
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

void ndis_offload_mask_v2(NDIS_IPSEC_OFFLOAD_V2 *v2, bool ah, bool esp)
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

/* NDIS_OFFLOAD_PARAMETERS_IPSECV{1,2}_* share the values 0..4. */
static NDIS_STATUS apply(const struct ndis_ctx *c, const char *field, UCHAR v, bool *ah,
			 bool *esp)
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
		ndis_log(c, IPOC_LOG_WARN, "NDIS_OFFLOAD_PARAMETERS.%s %u: not a defined value "
			 "(0..4)", field, v);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
}

NDIS_STATUS ndis_offload_parameters(const struct ndis_ctx *c, const NDIS_OFFLOAD_PARAMETERS *buf,
				    uint32_t len, bool *v1_ah, bool *v1_esp, bool *v2_ah,
				    bool *v2_esp)
{
	NDIS_OFFLOAD_PARAMETERS p;
	bool n1_ah = *v1_ah, n1_esp = *v1_esp, n2_ah = *v2_ah, n2_esp = *v2_esp;
	bool has_v2;
	NDIS_STATUS st;

	/* What the caller gave, up to the revision this library knows. */
	memset(&p, 0, sizeof(p));
	memcpy(&p, buf, len < sizeof(p) ? len : sizeof(p));
	if (p.Header.Type != NDIS_OBJECT_TYPE_DEFAULT || p.Header.Revision < 1 ||
	    p.Header.Size < NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 || p.Header.Size > len) {
		ndis_log(c, IPOC_LOG_WARN,
			 "NDIS_OFFLOAD_PARAMETERS.Header {Type 0x%02x, Revision %u, Size %u}: want "
			 "Type 0x80, Revision >= 1, %zu <= Size <= buffer length %u",
			 p.Header.Type, p.Header.Revision, p.Header.Size,
			 (size_t)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1, len);
		return NDIS_STATUS_INVALID_PARAMETER;
	}
	has_v2 = p.Header.Revision >= NDIS_OFFLOAD_PARAMETERS_REVISION_2 &&
		 p.Header.Size >= NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	st = apply(c, "IPsecV1", p.IPsecV1, &n1_ah, &n1_esp);
	if (st == NDIS_STATUS_SUCCESS && has_v2)
		st = apply(c, "IPsecV2", p.IPsecV2, &n2_ah, &n2_esp);
	if (st == NDIS_STATUS_SUCCESS && has_v2 && p.IPsecV2IPv4 > 4) {
		ndis_log(c, IPOC_LOG_WARN, "NDIS_OFFLOAD_PARAMETERS.IPsecV2IPv4 %u: not a defined "
			 "value (0..4)", p.IPsecV2IPv4);
		st = NDIS_STATUS_INVALID_PARAMETER;
	}
	if (st != NDIS_STATUS_SUCCESS)
		return st;   /* all or nothing */
	*v1_ah = n1_ah, *v1_esp = n1_esp, *v2_ah = n2_ah, *v2_esp = n2_esp;
	return NDIS_STATUS_SUCCESS;
}
