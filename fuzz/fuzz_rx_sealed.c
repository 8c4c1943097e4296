/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rx_sealed.c - frames that pass their ICVs, on the receive path: the
 * input describes the inner packet (protocol, data), the padding, Pad
 * Length, Next Header, the nesting (transport, tunnel, transport over
 * tunnel, UDP-ESP and its two transport-over-tunnel types) and the SAs
 * (rx_seal.h); the target frames it, writes the description's lies into
 * what ESP encrypts (a Pad Length beyond the payload, or one that cuts the
 * inner IP header; any Next Header), and seals it with the SA keys
 * (rx_crypto.c), so every input reaches the parsing after decryption.
 *
 * Input: the MDL layout (rx_shape.h), then the description.
 *
 * Oracles: everything fuzz_rx_classify holds the engine to (rx_class.c),
 * and: a well-formed sealed packet (no lie, each SA's UDP-ESP type fitting
 * its level) is CRYPTO_SUCCESS, NextCryptoDone for transport over tunnel,
 * with the header information of the innermost ESP trailer and the packet
 * back as framed (IV and ICV fields as sealed); a Pad Length beyond the
 * payload is CRYPTO_INVALID_PACKET_SYNTAX (PROFILE.md P-8), NextCryptoDone
 * when it is the inner portion's. An engine that does not claim transport
 * over tunnel processes the outer portion alone (NextCryptoDone 0, the
 * inner one left to the host's stack): a well-formed outer portion is
 * CRYPTO_SUCCESS, and what the inner one holds is not its business
 * (rx_class.c judges the bytes, outer portion decrypted).
 *
 * Every ICV verifies, so an engine's memory of what an SA's packets
 * protected (PROFILE.md 11) decides no outcome here: the SAs stay as
 * offloaded.
 *
 * Under AFL++ the same descriptions can be turned into frames by the
 * post-processor (rx_afl_post.c, build-afl/fuzz/rx_sealed_post.so) for
 * fuzz_rx_classify: see fuzz/README.md.
 */
#include <string.h>

#include "fz.h"
#include "session.h"
#include "rx_class.h"
#include "rx_sas.h"
#include "rx_seal.h"
#include "rx_shape.h"

static struct rx_table table;
static struct eh *eh;
static uint32_t inst;
static struct rx_shape shape;
static struct rx_sealed sealed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	eh = rx_setup(&table, &inst);
	return 0;
}

static uintptr_t want12(const struct rx_sealed *s)
{
	for (int i = (int)s->f.n_levels - 1; i >= 0; i--)
		if (s->fs.lv[i].sa.esp)
			return IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)s->f.w[i].pad_length << 8 |
			       s->f.w[i].next_header;
	return 0;
}

static void expect(const struct rx_sealed *s, const struct eh_nbl_out *n)
{
	uintptr_t s1 = n->slots[IPsecOffloadV2NetBufferListInfo];
	uintptr_t s12 = n->slots[IPsecOffloadV2HeaderNetBufferListInfo];
	bool done = s1 & IPSEC_RX_CRYPTO_DONE, next = s1 & IPSEC_RX_NEXT_CRYPTO_DONE;
	uint16_t st = (uint16_t)IPSEC_RX_CRYPTO_STATUS(s1);
	char a[96], b[96];
	bool outer_only = s->n_sa == 2 && !fz_engine()->caps.IPsecV2.TransportTunnelCombined;

	if (s->mismatch)
		return;
	if (!s->lies) {
		if (!done || st != CRYPTO_SUCCESS || next != (s->n_sa == 2 && !outer_only))
			fz_fault("rx_sealed: a well-formed sealed packet not taken",
				 "SA %s%s%s: CryptoDone %d NextCryptoDone %d %s",
				 rx_sa_name(s->sa[0], a, sizeof(a)), s->n_sa == 2 ? " over " : "",
				 s->n_sa == 2 ? rx_sa_name(s->sa[1], b, sizeof(b)) : "", done, next,
				 crypto_status_name(st));
		if (outer_only)
			return;
		if (s12 != want12(s))
			fz_fault("rx_sealed: the header information is not the innermost trailer's",
				 "slot 12 0x%lx, want 0x%lx", (unsigned long)s12,
				 (unsigned long)want12(s));
		for (uint32_t i = 0; i < s->len; i++)
			if (n->nbs[0].bytes[i] != s->plain[i])
				fz_fault("rx_sealed: the packet not given back as framed",
					 "byte %u is 0x%02x, framed 0x%02x", i, n->nbs[0].bytes[i],
					 s->plain[i]);
		return;
	}
	/* A Pad Length beyond the payload: the outer one, or the inner one
	 * behind an outer portion with no lie of its own. */
	if (s->pad_lies == 0 || (s->pad_lies == 1 && !(s->lies_outer) && !outer_only)) {
		if (!done || st != CRYPTO_INVALID_PACKET_SYNTAX || next != (s->pad_lies == 1))
			fz_fault("rx_sealed: a Pad Length beyond the payload not CRYPTO_INVALID_PACKET_SYNTAX",
				 "level %d: CryptoDone %d NextCryptoDone %d %s (PROFILE.md P-8)",
				 s->pad_lies, done, next, crypto_status_name(st));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t k = rx_shape_read(data, size, &shape);
	const struct eh_nbl_out *n;
	struct rx_seen seen;

	if (!eh)
		LLVMFuzzerInitialize(NULL, NULL);
	if (rx_seal(&table, data + (k < size ? k : size), k < size ? size - k : 0, &sealed) != 0)
		return 0;
	n = rx_receive(eh, inst, sealed.wire, sealed.len, &shape);
	rx_judge(&table, sealed.wire, sealed.len, n, &seen);
	expect(&sealed, n);
	return 0;
}
