/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tx_pad_length.c - ESP frames as TCP/IP frames them (every ESP
 * configuration offloaded, transport, tunnel, transport over tunnel, more
 * padding than the minimum) with their padding bytes, Pad Length and Next
 * Header mutated, the header information's PadLength and NextHeader taken
 * from the frame as mutated, as built, or from the input, and LSO combined
 * three ways: none, an LSO large packet (no trailer, PadLength bytes to
 * discard; PROFILE.md 4), or an LSO value over a packet whose trailer is
 * framed. The input is struct tx_pad (tx_common.h); the oracle is tx_run's:
 * without LSO an accepted frame decrypts to what TCP/IP framed, padding
 * and trailer included (the engine does not make its own trailer); with
 * LSO each segment has a trailer of the engine's with padding 1, 2, 3, ...
 * and the large packet's data without the bytes to discard.
 */
#include "tx_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tx_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tx_send s;
	struct fz_in in = { data, size };
	struct tx_io io = { &in, NULL, 0, 0 };
	struct tx_pad r;

	tx_setup();
	tx_pad_io(&io, &r);
	if (tx_pad_build(&r, &s))
		tx_run(&s);
	return 0;
}
