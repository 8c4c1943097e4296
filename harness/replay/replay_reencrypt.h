/* SPDX-License-Identifier: MIT */
/*
 * replay_reencrypt.h - send-side replay: a frame the receive path decrypted
 * goes back through the send path, framed as TCP/IP would hand it over (ICV
 * fields zeroed, header information from the packet, the captured IV
 * injected through test_set_tx_iv), and must come out byte for byte as it
 * was captured.
 */
#ifndef IPOC_REPLAY_REENCRYPT_H
#define IPOC_REPLAY_REENCRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc/engine.h"
#include "keyfile.h"

struct reenc;

enum reenc_result {
	REENC_SAME = 0,          /* the engine reproduced the captured frame */
	REENC_DIFFERS,           /* why says where */
	REENC_NOT_APPLICABLE,    /* no single-layer SA of the key file, or no IV hook */
};

/* Open an instance of ops with every key-file SA offloaded as outbound. */
struct reenc *reenc_open(const struct ipoc_engine_ops *ops, const struct key_file *keys,
			 char *err, size_t errlen);
void reenc_close(struct reenc *r);

/* orig: the captured Ethernet frame; plain: the same frame after the
 * receive path decrypted it in place (len bytes each). */
enum reenc_result reenc_frame(struct reenc *r, const uint8_t *orig, const uint8_t *plain,
			      uint32_t len, char *why, size_t n);

#endif /* IPOC_REPLAY_REENCRYPT_H */
