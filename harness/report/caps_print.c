/* SPDX-License-Identifier: MIT */
/*
 * caps_print.c - see caps_print.h. Bit names are the NDIS macro names
 * without their common prefix.
 */
#include <stdbool.h>
#include <string.h>

#include "caps_print.h"

struct bit_name {
	uint32_t bit;
	const char *name;
};

static const struct bit_name encaps[] = {
	{ NDIS_ENCAPSULATION_NULL, "NULL" },
	{ NDIS_ENCAPSULATION_IEEE_802_3, "IEEE_802_3" },
	{ NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q, "IEEE_802_3_P_AND_Q" },
	{ NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB, "IEEE_802_3_P_AND_Q_IN_OOB" },
	{ NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED, "IEEE_LLC_SNAP_ROUTED" },
	{ 0, NULL }
};

static const struct bit_name auth_bits[] = {
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, "MD5" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, "SHA_1" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, "SHA_256" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, "AES_GCM_128" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, "AES_GCM_192" },
	{ IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, "AES_GCM_256" },
	{ 0, NULL }
};

static const struct bit_name enc_bits[] = {
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, "NONE" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, "DES_CBC" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, "3_DES_CBC" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, "AES_GCM_128" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, "AES_GCM_192" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, "AES_GCM_256" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, "AES_CBC_128" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, "AES_CBC_192" },
	{ IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, "AES_CBC_256" },
	{ 0, NULL }
};

static const struct bit_name udp_bits[] = {
	{ IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT, "TRANSPORT" },
	{ IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL, "TUNNEL" },
	{ IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL,
	  "TRANSPORT_OVER_UDP_ESP_TUNNEL" },
	{ IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL,
	  "UDP_ESP_TRANSPORT_OVER_TUNNEL" },
	{ 0, NULL }
};

static const struct bit_name v1_udp_bits[] = {
	{ IPSEC_TPT_UDPESP_ENCAPTYPE_IKE, "TPT_IKE" },
	{ IPSEC_TUN_UDPESP_ENCAPTYPE_IKE, "TUN_IKE" },
	{ IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE, "TPTOVERTUN_IKE" },
	{ IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE, "TPT_OVER_PURE_TUN_IKE" },
	{ IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER, "TPT_OTHER" },
	{ IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER, "TUN_OTHER" },
	{ IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER, "TPTOVERTUN_OTHER" },
	{ IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER, "TPT_OVER_PURE_TUN_OTHER" },
	{ 0, NULL }
};

static const struct bit_name offload_flags[] = {
	{ NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES, "GROUP_CHECKSUM_CAPABILITIES" },
	{ IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE, "IPSEC_V2_AND_TCP_CHECKSUM_COEXISTENCE" },
	{ IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE, "IPSEC_V2_AND_UDP_CHECKSUM_COEXISTENCE" },
	{ 0, NULL }
};

/* Names of the set bits, space (text) or comma-quoted (json) separated;
 * bits without a name are printed as hex. */
static void bits(FILE *f, uint32_t v, const struct bit_name *t, bool json)
{
	bool first = true;

	if (json)
		fputc('[', f);
	for (; t->name; t++) {
		if (!(v & t->bit))
			continue;
		fprintf(f, json ? "%s\"%s\"" : "%s%s", first ? "" : (json ? "," : " "), t->name);
		first = false;
		v &= ~t->bit;
	}
	if (v)
		fprintf(f, json ? "%s\"0x%x\"" : "%s0x%x", first ? "" : (json ? "," : " "), v);
	else if (first && !json)
		fputs("-", f);
	if (json)
		fputc(']', f);
}

static const char *yn(unsigned v)
{
	return v ? "yes" : "no";
}

static void text_v2(FILE *f, const NDIS_IPSEC_OFFLOAD_V2 *v)
{
	fputs("IPsecOV2 (NDIS_IPSEC_OFFLOAD_V2)\n  Encapsulation                 ", f);
	bits(f, v->Encapsulation, encaps, false);
	fprintf(f, "\n  IPv6Supported                 %s\n", yn(v->IPv6Supported));
	fprintf(f, "  IPv4Options                   %s\n", yn(v->IPv4Options));
	fprintf(f, "  IPv6NonIPsecExtensionHeaders  %s\n", yn(v->IPv6NonIPsecExtensionHeaders));
	fprintf(f, "  Ah / Esp / AhEspCombined      %s / %s / %s\n", yn(v->Ah), yn(v->Esp),
		yn(v->AhEspCombined));
	fprintf(f, "  Transport / Tunnel / Combined %s / %s / %s\n", yn(v->Transport),
		yn(v->Tunnel), yn(v->TransportTunnelCombined));
	fprintf(f, "  LsoSupported                  %s\n", yn(v->LsoSupported));
	fprintf(f, "  ExtendedSequenceNumbers       %s\n", yn(v->ExtendedSequenceNumbers));
	fputs("  UdpEsp                        ", f);
	bits(f, v->UdpEsp, udp_bits, false);
	fputs("\n  AuthenticationAlgorithms      ", f);
	bits(f, v->AuthenticationAlgorithms, auth_bits, false);
	fputs("\n  EncryptionAlgorithms          ", f);
	bits(f, v->EncryptionAlgorithms, enc_bits, false);
	fprintf(f, "\n  SaOffloadCapacity             %u\n", v->SaOffloadCapacity);
}

static void text_v1(FILE *f, const NDIS_IPSEC_OFFLOAD_V1 *v)
{
	fputs("IPsecOV1 (NDIS_IPSEC_OFFLOAD_V1)\n  Encapsulation                 ", f);
	bits(f, v->Supported.Encapsulation, encaps, false);
	fprintf(f, "\n  AhEspCombined                 %s\n", yn(v->Supported.AhEspCombined));
	fprintf(f, "  TransportTunnelCombined       %s\n", yn(v->Supported.TransportTunnelCombined));
	fprintf(f, "  IPv4Options                   %s\n", yn(v->Supported.IPv4Options));
	fputs("  UDP-ESP (Supported.Flags)     ", f);
	bits(f, v->Supported.Flags, v1_udp_bits, false);
	fprintf(f, "\n  IPv4AH  Md5 %s  Sha_1 %s  Transport %s  Tunnel %s  Send %s  Receive %s\n",
		yn(v->IPv4AH.Md5), yn(v->IPv4AH.Sha_1), yn(v->IPv4AH.Transport),
		yn(v->IPv4AH.Tunnel), yn(v->IPv4AH.Send), yn(v->IPv4AH.Receive));
	fprintf(f, "  IPv4ESP Des %s  TripleDes %s  NullEsp %s  Transport %s  Tunnel %s  Send %s  "
		"Receive %s\n", yn(v->IPv4ESP.Des), yn(v->IPv4ESP.TripleDes),
		yn(v->IPv4ESP.NullEsp), yn(v->IPv4ESP.Transport), yn(v->IPv4ESP.Tunnel),
		yn(v->IPv4ESP.Send), yn(v->IPv4ESP.Receive));
}

void caps_print_text(FILE *f, const NDIS_OFFLOAD *o)
{
	fprintf(f, "NDIS_OFFLOAD revision %u, size %u\n", o->Header.Revision, o->Header.Size);
	text_v2(f, &o->IPsecV2);
	text_v1(f, &o->IPsecV1);
	fputs("NDIS_OFFLOAD.Flags               ", f);
	bits(f, o->Flags, offload_flags, false);
	fputc('\n', f);
}

static void json_bool(FILE *f, const char *k, unsigned v, bool comma)
{
	fprintf(f, "\"%s\":%s%s", k, v ? "true" : "false", comma ? "," : "");
}

static void json_v2(FILE *f, const NDIS_IPSEC_OFFLOAD_V2 *v)
{
	fputs("{\"Encapsulation\":", f);
	bits(f, v->Encapsulation, encaps, true);
	fputc(',', f);
	json_bool(f, "IPv6Supported", v->IPv6Supported, true);
	json_bool(f, "IPv4Options", v->IPv4Options, true);
	json_bool(f, "IPv6NonIPsecExtensionHeaders", v->IPv6NonIPsecExtensionHeaders, true);
	json_bool(f, "Ah", v->Ah, true);
	json_bool(f, "Esp", v->Esp, true);
	json_bool(f, "AhEspCombined", v->AhEspCombined, true);
	json_bool(f, "Transport", v->Transport, true);
	json_bool(f, "Tunnel", v->Tunnel, true);
	json_bool(f, "TransportTunnelCombined", v->TransportTunnelCombined, true);
	json_bool(f, "LsoSupported", v->LsoSupported, true);
	json_bool(f, "ExtendedSequenceNumbers", v->ExtendedSequenceNumbers, true);
	fputs("\"UdpEsp\":", f);
	bits(f, v->UdpEsp, udp_bits, true);
	fputs(",\"AuthenticationAlgorithms\":", f);
	bits(f, v->AuthenticationAlgorithms, auth_bits, true);
	fputs(",\"EncryptionAlgorithms\":", f);
	bits(f, v->EncryptionAlgorithms, enc_bits, true);
	fprintf(f, ",\"SaOffloadCapacity\":%u}", v->SaOffloadCapacity);
}

static void json_v1(FILE *f, const NDIS_IPSEC_OFFLOAD_V1 *v)
{
	fputs("{\"Encapsulation\":", f);
	bits(f, v->Supported.Encapsulation, encaps, true);
	fputc(',', f);
	json_bool(f, "AhEspCombined", v->Supported.AhEspCombined, true);
	json_bool(f, "TransportTunnelCombined", v->Supported.TransportTunnelCombined, true);
	json_bool(f, "IPv4Options", v->Supported.IPv4Options, true);
	fputs("\"UdpEsp\":", f);
	bits(f, v->Supported.Flags, v1_udp_bits, true);
	fputs(",\"IPv4AH\":{", f);
	json_bool(f, "Md5", v->IPv4AH.Md5, true);
	json_bool(f, "Sha_1", v->IPv4AH.Sha_1, true);
	json_bool(f, "Transport", v->IPv4AH.Transport, true);
	json_bool(f, "Tunnel", v->IPv4AH.Tunnel, true);
	json_bool(f, "Send", v->IPv4AH.Send, true);
	json_bool(f, "Receive", v->IPv4AH.Receive, false);
	fputs("},\"IPv4ESP\":{", f);
	json_bool(f, "Des", v->IPv4ESP.Des, true);
	json_bool(f, "TripleDes", v->IPv4ESP.TripleDes, true);
	json_bool(f, "NullEsp", v->IPv4ESP.NullEsp, true);
	json_bool(f, "Transport", v->IPv4ESP.Transport, true);
	json_bool(f, "Tunnel", v->IPv4ESP.Tunnel, true);
	json_bool(f, "Send", v->IPv4ESP.Send, true);
	json_bool(f, "Receive", v->IPv4ESP.Receive, false);
	fputs("}}", f);
}

void caps_print_json(FILE *f, const NDIS_OFFLOAD *o)
{
	fprintf(f, "{\"Revision\":%u,\"Size\":%u,\"IPsecV2\":", o->Header.Revision, o->Header.Size);
	json_v2(f, &o->IPsecV2);
	fputs(",\"IPsecV1\":", f);
	json_v1(f, &o->IPsecV1);
	fputs(",\"Flags\":", f);
	bits(f, o->Flags, offload_flags, true);
	fputc('}', f);
}

void json_print_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}
