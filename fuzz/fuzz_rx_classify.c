/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rx_classify.c - arbitrary frames on the receive path, against a
 * fixed set of offloaded inbound SAs (rx_sas.h: every algorithm
 * configuration of the suite in plain ESP, AH, bundles, ESN, UDP-ESP and
 * the SAs of transport over tunnel, keys built in), offloaded once in
 * LLVMFuzzerInitialize.
 *
 * Input: the MDL layout (rx_shape.h: one MDL, cuts given, one byte per
 * MDL, every k bytes; guard side, head and tail room; a note, skipped),
 * then the frame. Under AFL++ with the post-processor of rx_afl_post.c,
 * the frames are rx_sealed descriptions sealed (the description as the
 * note): AFL++ gets rx_sealed's reach.
 *
 * Oracles (rx_class.c; each its own signature):
 * - the NBL indicated exactly once, guards and structures intact;
 * - slot 1: CryptoStatus one of the eight codes, NextCryptoDone only with
 *   CryptoDone, no status without CryptoDone, no reserved bit; slot 11
 *   zero; HeaderInfoSet only with CryptoDone and CRYPTO_SUCCESS (or a
 *   tunnel that decrypted around a failed transport portion, PROFILE.md 5);
 * - no CryptoDone: the frame indicated byte for byte as it came;
 * - the frame's own classification: a fragment, a frame whose IP header
 *   lies, one without IPsec is not processed; a frame an offloaded SA
 *   matches is (CryptoDone), and so is a transport portion inside a tunnel
 *   (NextCryptoDone); no CRYPTO_SUCCESS without an SA, for a frame too
 *   short for header, IV, trailer and ICV of its SA or not a multiple of
 *   its block, or whose protocol or encapsulation is not its SA's;
 * - with the targets' own crypto: CRYPTO_SUCCESS only for an ICV that
 *   verifies and a Pad Length inside the payload, and then the frame
 *   decrypted in place exactly (every other byte as it came) and the
 *   header information of the innermost ESP trailer; a frame that verifies
 *   and holds is taken; an *_AUTH_FAILED frame is indicated unchanged, its
 *   code naming the protocol and portion that failed (PROFILE.md 6, 11).
 *
 * Determinism: an engine may remember what an SA's verified packets
 * protected (PROFILE.md 11); so that no input changes what the next one
 * gets, every SA a frame verified on is deleted and added again (same SPI,
 * same keys) before the next input.
 */
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "rx_class.h"
#include "rx_sas.h"
#include "rx_shape.h"

static struct rx_table table;
static struct eh *eh;
static uint32_t inst;
static struct rx_shape shape;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	eh = rx_setup(&table, &inst);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t k = rx_shape_read(data, size, &shape);
	const uint8_t *frame = data + (k < size ? k : size);
	uint32_t len = (uint32_t)(k < size ? size - k : 0);
	const struct eh_nbl_out *n;
	struct rx_seen seen;

	if (!eh)
		LLVMFuzzerInitialize(NULL, NULL);
	if (len > RX_MAX_FRAME)
		len = RX_MAX_FRAME;
	n = rx_receive(eh, inst, frame, len, &shape);
	rx_judge(&table, frame, len, n, &seen);
	for (unsigned i = 0; i < seen.n_verified; i++)
		if (rx_readd(seen.verified[i], eh, inst) != 0)
			fz_fault("harness: an SA could not be added again", "SPI 0x%08x",
				 rx_outer(seen.verified[i])->spi);
	return 0;
}
