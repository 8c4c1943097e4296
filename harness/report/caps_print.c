/* SPDX-License-Identifier: MIT */
/*
 * caps_print.c - see caps_print.h. Bit names are the NDIS macro names
 * without their common prefix.
 */
#include <stdbool.h>
#include <string.h>

#include "caps_print.h"
#include "ipoc_alg.h"

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

/* The algorithm bits of one namespace, named from the algorithm table
 * (engine/alg/ipoc_algs.def: the macro without its prefix), in bit order. */
static const struct bit_name *alg_bits(bool enc)
{
	static struct bit_name t[2][33];
	static bool done[2];
	size_t n = 0;

	if (done[enc])
		return t[enc];
	for (uint32_t b = 1; b; b <<= 1) {
		const struct ipoc_alg *a = enc ? ipoc_alg_enc(b) : ipoc_alg_auth(b);

		if (a)
			t[enc][n++] = (struct bit_name){ b, a->ndis_name };
	}
	t[enc][n] = (struct bit_name){ 0, NULL };
	done[enc] = true;
	return t[enc];
}

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

/* Names of the set bits, space separated; bits without a name as hex. */
static void bits(FILE *f, uint32_t v, const struct bit_name *t)
{
	bool first = true;

	for (; t->name; t++) {
		if (!(v & t->bit))
			continue;
		fprintf(f, "%s%s", first ? "" : " ", t->name);
		first = false;
		v &= ~t->bit;
	}
	if (v)
		fprintf(f, "%s0x%x", first ? "" : " ", v);
	else if (first)
		fputs("-", f);
}

static const char *yn(unsigned v)
{
	return v ? "yes" : "no";
}

static void text_v2(FILE *f, const NDIS_IPSEC_OFFLOAD_V2 *v)
{
	fputs("IPsecOV2 (NDIS_IPSEC_OFFLOAD_V2)\n  Encapsulation                 ", f);
	bits(f, v->Encapsulation, encaps);
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
	bits(f, v->UdpEsp, udp_bits);
	fputs("\n  AuthenticationAlgorithms      ", f);
	bits(f, v->AuthenticationAlgorithms, alg_bits(false));
	fputs("\n  EncryptionAlgorithms          ", f);
	bits(f, v->EncryptionAlgorithms, alg_bits(true));
	fprintf(f, "\n  SaOffloadCapacity             %u\n", v->SaOffloadCapacity);
}

static void text_v1(FILE *f, const NDIS_IPSEC_OFFLOAD_V1 *v)
{
	fputs("IPsecOV1 (NDIS_IPSEC_OFFLOAD_V1)\n  Encapsulation                 ", f);
	bits(f, v->Supported.Encapsulation, encaps);
	fprintf(f, "\n  AhEspCombined                 %s\n", yn(v->Supported.AhEspCombined));
	fprintf(f, "  TransportTunnelCombined       %s\n", yn(v->Supported.TransportTunnelCombined));
	fprintf(f, "  IPv4Options                   %s\n", yn(v->Supported.IPv4Options));
	fputs("  UDP-ESP (Supported.Flags)     ", f);
	bits(f, v->Supported.Flags, v1_udp_bits);
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
	bits(f, o->Flags, offload_flags);
	fputc('\n', f);
}

/* Names of the set bits as a JSON array; bits without a name as "0xN". */
static json_t *bits_json(uint32_t v, const struct bit_name *t)
{
	json_t *a = json_array();
	char hex[16];

	for (; a && t->name; t++) {
		if (v & t->bit) {
			json_array_append_new(a, json_string(t->name));
			v &= ~t->bit;
		}
	}
	if (a && v) {
		snprintf(hex, sizeof(hex), "0x%x", v);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

static json_t *v2_json(const NDIS_IPSEC_OFFLOAD_V2 *v)
{
	return json_pack("{s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o,"
			 " s:o, s:I}",
			 "Encapsulation", bits_json(v->Encapsulation, encaps),
			 "IPv6Supported", v->IPv6Supported != 0,
			 "IPv4Options", v->IPv4Options != 0,
			 "IPv6NonIPsecExtensionHeaders", v->IPv6NonIPsecExtensionHeaders != 0,
			 "Ah", v->Ah != 0, "Esp", v->Esp != 0, "AhEspCombined", v->AhEspCombined != 0,
			 "Transport", v->Transport != 0, "Tunnel", v->Tunnel != 0,
			 "TransportTunnelCombined", v->TransportTunnelCombined != 0,
			 "LsoSupported", v->LsoSupported != 0,
			 "ExtendedSequenceNumbers", v->ExtendedSequenceNumbers != 0,
			 "UdpEsp", bits_json(v->UdpEsp, udp_bits),
			 "AuthenticationAlgorithms", bits_json(v->AuthenticationAlgorithms, alg_bits(false)),
			 "EncryptionAlgorithms", bits_json(v->EncryptionAlgorithms, alg_bits(true)),
			 "SaOffloadCapacity", (json_int_t)v->SaOffloadCapacity);
}

static json_t *v1_json(const NDIS_IPSEC_OFFLOAD_V1 *v)
{
	return json_pack("{s:o, s:b, s:b, s:b, s:o, s:{s:b, s:b, s:b, s:b, s:b, s:b},"
			 " s:{s:b, s:b, s:b, s:b, s:b, s:b, s:b}}",
			 "Encapsulation", bits_json(v->Supported.Encapsulation, encaps),
			 "AhEspCombined", v->Supported.AhEspCombined != 0,
			 "TransportTunnelCombined", v->Supported.TransportTunnelCombined != 0,
			 "IPv4Options", v->Supported.IPv4Options != 0,
			 "UdpEsp", bits_json(v->Supported.Flags, v1_udp_bits),
			 "IPv4AH", "Md5", v->IPv4AH.Md5 != 0, "Sha_1", v->IPv4AH.Sha_1 != 0,
			 "Transport", v->IPv4AH.Transport != 0, "Tunnel", v->IPv4AH.Tunnel != 0,
			 "Send", v->IPv4AH.Send != 0, "Receive", v->IPv4AH.Receive != 0,
			 "IPv4ESP", "Des", v->IPv4ESP.Des != 0, "TripleDes", v->IPv4ESP.TripleDes != 0,
			 "NullEsp", v->IPv4ESP.NullEsp != 0, "Transport", v->IPv4ESP.Transport != 0,
			 "Tunnel", v->IPv4ESP.Tunnel != 0, "Send", v->IPv4ESP.Send != 0,
			 "Receive", v->IPv4ESP.Receive != 0);
}

json_t *caps_to_json(const NDIS_OFFLOAD *o)
{
	/* json_pack's "o" steals its argument and fails on NULL, so a failed
	 * allocation anywhere comes back as NULL here. */
	return json_pack("{s:I, s:I, s:o, s:o, s:o}",
			 "Revision", (json_int_t)o->Header.Revision,
			 "Size", (json_int_t)o->Header.Size,
			 "IPsecV2", v2_json(&o->IPsecV2),
			 "IPsecV1", v1_json(&o->IPsecV1),
			 "Flags", bits_json(o->Flags, offload_flags));
}
