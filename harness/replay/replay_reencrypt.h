/* SPDX-License-Identifier: MIT */
/*
 * replay_reencrypt.h - send-side replay: a frame the receive path decrypted
 * goes back through the send path, framed as TCP/IP would hand it over (ICV
 * fields zeroed, header information from the packet, the captured IV
 * injected through test_set_tx_iv), and must come out byte for byte as it
 * was captured. A transport-over-tunnel frame goes out the same way with
 * both SAs (the transport SA's handle in slot 1, the tunnel SA's in the
 * tunnel slot) and both IVs: the tunnel's from the capture, the transport
 * portion's from the decrypted frame.
 */
#ifndef IPOC_REPLAY_REENCRYPT_H
#define IPOC_REPLAY_REENCRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "keyfile.h"

struct reenc;

enum reenc_result {
	REENC_SAME = 0,          /* the engine reproduced the captured frame */
	REENC_DIFFERS,           /* why says where */
	REENC_NOT_APPLICABLE,    /* no single-layer SA of the key file, or no IV hook */
	REENC_FAULT,             /* the engine did not answer (eh_fault); reenc_open again */
};

/* Open an instance on eh with every key-file SA offloaded as outbound,
 * SA i with UdpEspEncapsulation udp_esp[i] and its ESN high half. NULL with
 * err when that failed (*rc says whether the engine faulted). */
struct reenc *reenc_open(struct eh *eh, const struct key_file *keys, const uint32_t *udp_esp,
			 enum eh_rc *rc, char *err, size_t errlen);
void reenc_close(struct reenc *r);

/* orig: the captured Ethernet frame; plain: the same frame after the
 * receive path decrypted it in place (len bytes each). *nested is set when
 * it went out as transport over tunnel. */
enum reenc_result reenc_frame(struct reenc *r, const uint8_t *orig, const uint8_t *plain,
			      uint32_t len, bool *nested, char *why, size_t n);

#endif /* IPOC_REPLAY_REENCRYPT_H */
