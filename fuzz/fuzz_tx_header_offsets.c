/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tx_header_offsets.c - one send NBL whose header information
 * (AhHeaderOffset, EspHeaderOffset, NextHeader, PadLength), LSO value and
 * handles (OffloadHandle, TunnelHandle: the SA's own, 0, a deleted SA's
 * whose slot was reused, any value, another SA's, an inbound SA's) come
 * from the input, over a frame the input picks from the offloaded SAs
 * (every cipher kind, AH, a bundle, UDP-ESP, ESN; transport, tunnel,
 * transport over tunnel; IPv4/IPv6, options, VLAN; 1 to 3 NET_BUFFERs) and
 * then mutates (bytes set, cut short, lengthened, IP lengths following),
 * over MDLs the input cuts. The input is struct tx_ho (tx_common.h); the
 * oracle is tx_run's.
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
	struct tx_ho r;

	tx_setup();
	tx_ho_io(&io, &r);
	if (tx_ho_build(&r, &s))
		tx_run(&s);
	return 0;
}
