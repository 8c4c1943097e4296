/* SPDX-License-Identifier: MIT */
/*
 * cases_caps.c - area `caps`: the capability report and the OID path
 * around it: OID_TCP_OFFLOAD_CURRENT_CONFIG's header, the values NDIS
 * requires (Ethernet encapsulation, Tunnel), only defined bits, a report
 * that holds together, a short query buffer, an unknown OID, the
 * parameters OID, the same report from every instance.
 */
#include <string.h>

#include "session.h"
#include "vctx.h"

#define V2_ENC_ALL 0x1FFu
#define V2_AUTH_ALL 0x3Fu
#define V2_UDP_ALL 0xFu

static bool query(struct vctx *x, uint32_t inst, NDIS_OFFLOAD *caps)
{
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, caps, sizeof(*caps) };
	char sn[48];

	memset(caps, 0, sizeof(*caps));
	if (!vx_oid(x, inst, &q))
		return false;
	if (q.status != NDIS_STATUS_SUCCESS)
		return vx_fail(x, "OID_TCP_OFFLOAD_CURRENT_CONFIG failed with %s",
			       ndis_status_name(q.status, sn, sizeof(sn)));
	if (q.written < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2)
		return vx_fail(x, "OID_TCP_OFFLOAD_CURRENT_CONFIG wrote %u bytes, NDIS_OFFLOAD "
			       "revision 2 has %zu", q.written,
			       (size_t)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	return true;
}

static bool boolean(struct vctx *x, const char *name, BOOLEAN b)
{
	return b <= 1 ? true : vx_fail(x, "%s is %u, a BOOLEAN is 0 or 1", name, b);
}

/* The report itself. variant 0: header; 1: NDIS requirements; 2: defined
 * bits; 3: consistency. */
static void report(struct vctx *x, const struct vcase *c)
{
	uint32_t inst = vx_open(x, NULL);
	const NDIS_IPSEC_OFFLOAD_V2 *v;
	NDIS_OFFLOAD caps;
	bool any;

	if (inst == UINT32_MAX || !query(x, inst, &caps))
		return;
	v = &caps.IPsecV2;
	any = v->Esp || v->Ah;
	switch (c->p.variant) {
	case 0:
		if (caps.Header.Type != NDIS_OBJECT_TYPE_OFFLOAD)
			vx_fail(x, "NDIS_OFFLOAD.Header.Type 0x%02x, want NDIS_OBJECT_TYPE_OFFLOAD (0xA7)",
				caps.Header.Type);
		else if (caps.Header.Revision < NDIS_OFFLOAD_REVISION_2)
			vx_fail(x, "NDIS_OFFLOAD.Header.Revision %u: IPsecV2 needs revision 2",
				caps.Header.Revision);
		else if (caps.Header.Size < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2)
			vx_fail(x, "NDIS_OFFLOAD.Header.Size %u, revision 2 needs %zu", caps.Header.Size,
				(size_t)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
		break;
	case 1:
		if (!any)
			vx_skip(x, "the engine claims no IPsecOV2 offload");
		else if (!(v->Encapsulation & NDIS_ENCAPSULATION_IEEE_802_3))
			vx_fail(x, "Encapsulation 0x%x lacks NDIS_ENCAPSULATION_IEEE_802_3 (R-CAP-2)",
				v->Encapsulation);
		else if (!v->Tunnel)
			vx_fail(x, "Tunnel is FALSE: IPsec task offload needs it TRUE (R-CAP-3)");
		else if (!v->SaOffloadCapacity)
			vx_fail(x, "SaOffloadCapacity 0 with ESP or AH claimed (R-CAP-5)");
		break;
	case 2:
		if (!boolean(x, "IPv6Supported", v->IPv6Supported) ||
		    !boolean(x, "IPv4Options", v->IPv4Options) ||
		    !boolean(x, "IPv6NonIPsecExtensionHeaders", v->IPv6NonIPsecExtensionHeaders) ||
		    !boolean(x, "Ah", v->Ah) || !boolean(x, "Esp", v->Esp) ||
		    !boolean(x, "AhEspCombined", v->AhEspCombined) ||
		    !boolean(x, "Transport", v->Transport) || !boolean(x, "Tunnel", v->Tunnel) ||
		    !boolean(x, "TransportTunnelCombined", v->TransportTunnelCombined) ||
		    !boolean(x, "LsoSupported", v->LsoSupported) ||
		    !boolean(x, "ExtendedSequenceNumbers", v->ExtendedSequenceNumbers))
			break;
		if (v->EncryptionAlgorithms & ~V2_ENC_ALL)
			vx_fail(x, "EncryptionAlgorithms 0x%x has bits NDIS does not define",
				v->EncryptionAlgorithms);
		else if (v->AuthenticationAlgorithms & ~V2_AUTH_ALL)
			vx_fail(x, "AuthenticationAlgorithms 0x%x has bits NDIS does not define",
				v->AuthenticationAlgorithms);
		else if (v->UdpEsp & ~V2_UDP_ALL)
			vx_fail(x, "UdpEsp 0x%x has bits NDIS does not define", v->UdpEsp);
		break;
	default:
		if (!any)
			vx_skip(x, "the engine claims no IPsecOV2 offload");
		else if (v->AhEspCombined && !(v->Ah && v->Esp))
			vx_fail(x, "AhEspCombined without both Ah and Esp");
		else if (v->TransportTunnelCombined && !(v->Transport && v->Tunnel))
			vx_fail(x, "TransportTunnelCombined without both Transport and Tunnel");
		else if (v->UdpEsp && !v->Esp)
			vx_fail(x, "UdpEsp 0x%x without Esp", v->UdpEsp);
		else if (v->Esp && !v->EncryptionAlgorithms && !v->AuthenticationAlgorithms)
			vx_fail(x, "Esp claimed with no algorithm");
		else if (v->Ah && !v->AuthenticationAlgorithms)
			vx_fail(x, "Ah claimed with no authentication algorithm");
		break;
	}
}

/* A query buffer too short: BUFFER_TOO_SHORT with BytesNeeded (R-SA-13,
 * PROFILE.md P-5). */
static void short_query(struct vctx *x, const struct vcase *c)
{
	uint64_t buf[8];
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, buf, 16 };
	uint32_t inst = vx_open(x, NULL);
	char sn[48];

	(void)c;
	memset(buf, 0, sizeof(buf));
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		return;
	if (q.status != NDIS_STATUS_BUFFER_TOO_SHORT && q.status != NDIS_STATUS_INVALID_LENGTH)
		return (void)vx_fail(x, "a 16-byte buffer for NDIS_OFFLOAD gave %s, want "
				     "NDIS_STATUS_BUFFER_TOO_SHORT", ndis_status_name(q.status, sn,
										      sizeof(sn)));
	if (q.status == NDIS_STATUS_INVALID_LENGTH)
		vx_allowed(x, "R-SA-13 (INVALID_LENGTH for a short buffer)");
	if (q.needed < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1)
		vx_fail(x, "BytesNeeded %u, NDIS_OFFLOAD needs at least %zu", q.needed,
			(size_t)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1);
}

/* An OID the engine does not serve: NDIS_STATUS_NOT_SUPPORTED (engine.h). */
static void unknown_oid(struct vctx *x, const struct vcase *c)
{
	uint64_t buf[32];
	struct eh_oid q = { IPOC_REQUEST_QUERY, 0x00FF0F01u, buf, sizeof(buf) };
	uint32_t inst = vx_open(x, NULL);
	char sn[48];

	(void)c;
	memset(buf, 0, sizeof(buf));
	if (inst == UINT32_MAX || !vx_oid(x, inst, &q))
		return;
	if (q.status != NDIS_STATUS_NOT_SUPPORTED)
		vx_fail(x, "OID 0x00FF0F01 gave %s, want NDIS_STATUS_NOT_SUPPORTED",
			ndis_status_name(q.status, sn, sizeof(sn)));
}

/* OID_TCP_OFFLOAD_PARAMETERS (mandatory) with nothing to change succeeds,
 * and the report is as before. */
static void params_no_change(struct vctx *x, const struct vcase *c)
{
	NDIS_OFFLOAD_PARAMETERS p;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof(p) };
	uint32_t inst = vx_open(x, NULL);
	NDIS_OFFLOAD before, after;
	char sn[48];

	(void)c;
	memset(&p, 0, sizeof(p));
	p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
	p.Header.Size = (USHORT)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	q.len = (uint32_t)NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2;
	if (inst == UINT32_MAX || !query(x, inst, &before) || !vx_oid(x, inst, &q))
		return;
	if (q.status != NDIS_STATUS_SUCCESS)
		return (void)vx_fail(x, "OID_TCP_OFFLOAD_PARAMETERS with NO_CHANGE gave %s",
				     ndis_status_name(q.status, sn, sizeof(sn)));
	if (query(x, inst, &after) &&
	    memcmp(&before.IPsecV2, &after.IPsecV2, sizeof(before.IPsecV2)) != 0)
		vx_fail(x, "the IPsecV2 report changed after a NO_CHANGE parameters request");
}

/* Two instances report the same. */
static void stable(struct vctx *x, const struct vcase *c)
{
	uint32_t a = vx_open(x, NULL), b = vx_open(x, NULL);
	NDIS_OFFLOAD ca, cb;

	(void)c;
	if (a == UINT32_MAX || b == UINT32_MAX || !query(x, a, &ca) || !query(x, b, &cb))
		return;
	if (memcmp(&ca.IPsecV2, &cb.IPsecV2, sizeof(ca.IPsecV2)) != 0 ||
	    memcmp(&ca.IPsecV1, &cb.IPsecV1, sizeof(ca.IPsecV1)) != 0)
		vx_fail(x, "two instances report different IPsec capabilities");
	else if (memcmp(&ca.IPsecV2, &x->caps.IPsecV2, sizeof(ca.IPsecV2)) != 0)
		vx_fail(x, "the report differs from the one read when the run began");
}

/* The IPsecOV1 report: 2-bit fields hold 0 or 1 (NDIS_OFFLOAD_SUPPORTED),
 * and a protocol claimed for one direction names an algorithm. */
static void v1_report(struct vctx *x, const struct vcase *c)
{
	const NDIS_IPSEC_OFFLOAD_V1 *v = &x->caps.IPsecV1;
	uint32_t ah, esp;

	(void)c;
	memcpy(&ah, (const uint8_t *)&v->IPv4AH, 4);
	memcpy(&esp, (const uint8_t *)&v->IPv4ESP, 4);
	for (int s = 0; s < 16; s += 2)
		if (((ah >> s) & 3) > 1 || ((esp >> s) & 3) > 1)
			return (void)vx_fail(x, "an IPsecV1 2-bit field holds a value other than "
					     "NDIS_OFFLOAD_NOT_SUPPORTED/SUPPORTED");
	if ((v->IPv4AH.Send || v->IPv4AH.Receive) && !v->IPv4AH.Md5 && !v->IPv4AH.Sha_1)
		return (void)vx_fail(x, "IPsecV1 AH claimed with neither MD5 nor SHA-1");
	if ((v->IPv4ESP.Send || v->IPv4ESP.Receive) && !v->IPv4ESP.Des && !v->IPv4ESP.TripleDes &&
	    !v->IPv4ESP.NullEsp)
		return (void)vx_fail(x, "IPsecV1 ESP claimed with no cipher");
	if (v->Supported.Flags & 0x0Fu)
		vx_fail(x, "IPsecV1 Supported.Flags has an *_IKE bit, \"reserved for internal use\" "
			"(R-CAP-8)");
}

#define ROW(i, t, r, b, v) .id = "caps-" i, .area = "caps", .title = t, .rule = r, .body = b, \
	.p = { .variant = v }

static const struct vcase rows[] = {
	{ ROW("001", "OID_TCP_OFFLOAD_CURRENT_CONFIG answers an NDIS_OFFLOAD, revision 2",
	      "R-CAP-1; NDIS_OFFLOAD", report, 0) },
	{ ROW("002", "Ethernet encapsulation, Tunnel TRUE, a capacity, when IPsecOV2 is claimed",
	      "R-CAP-2, R-CAP-3, R-CAP-5", report, 1) },
	{ ROW("003", "only bits NDIS defines; BOOLEANs 0 or 1", "NDIS_IPSEC_OFFLOAD_V2", report, 2) },
	{ ROW("004", "a report that holds together (combinations, algorithms)",
	      "NDIS_IPSEC_OFFLOAD_V2", report, 3) },
	{ ROW("005", "a query buffer too short: NDIS_STATUS_BUFFER_TOO_SHORT and BytesNeeded",
	      "R-SA-13; PROFILE.md P-5", short_query, 0) },
	{ ROW("006", "an OID the engine does not serve: NDIS_STATUS_NOT_SUPPORTED",
	      "engine.h oid_request", unknown_oid, 0) },
	{ ROW("007", "OID_TCP_OFFLOAD_PARAMETERS with nothing to change succeeds",
	      "engine.h oid_request; R-CAP-1", params_no_change, 0) },
	{ ROW("008", "every instance reports the same capabilities", "R-CAP-1", stable, 0) },
	{ ROW("009", "the IPsecOV1 report holds together", "NDIS_IPSEC_OFFLOAD_V1; R-CAP-8",
	      v1_report, 0) },
};

const struct vtable vt_caps = { "caps", "the capability report and the OID path", rows,
				sizeof(rows) / sizeof(rows[0]) };
