/* SPDX-License-Identifier: MIT */
/*
 * dp_esp.h - ESP packets through lib/ipsec (dp_esp.c).
 */
#ifndef DP_ESP_H
#define DP_ESP_H

#include "dp_int.h"

enum dp_rc {
	DP_OK = 0,
	DP_AUTH,               /* the ICV did not verify */
	DP_SYNTAX,             /* refused before any crypto (lengths, SPI) */
	DP_SYNTAX_DECRYPTED,   /* verified, then refused (trailer, padding) */
	DP_REPLAY,             /* lib/ipsec's replay window refused it */
	DP_SEQ,                /* lib/ipsec cannot give the framed sequence number */
	DP_PAD_DIFFERS,        /* lib/ipsec padded to other lengths than framed */
	DP_ERROR,              /* the device or the library failed */
};

/* One ESP packet: a frame copied into mb, its ESP packet at esp_off for
 * esp_len bytes. */
struct dp_job {
	struct dp_sa *sa;
	struct rte_mbuf *mb;
	uint32_t esp_off, esp_len;
	enum dp_rc rc;
	uint64_t seq;             /* seal: the 64-bit number the transport framed */
	uint32_t epoch_ahead;     /* open, ESN: 1 to try the SA's next high half */
	uint8_t next_header, pad_len;
	/* DP_OK: seal: the whole ESP packet, esp_len bytes; open: the
	 * decrypted payload, padding and trailer (out_len bytes), which lie
	 * at esp_off + 8 + IV in the frame; also on DP_SYNTAX_DECRYPTED when
	 * not NULL. Point into mb. */
	const uint8_t *out;
	uint32_t out_len;
};

/* A frame (nb's used data space, 1..DP_MAX_FRAME bytes) copied into a new
 * mbuf of one segment, *p its first byte; NULL when nb is empty, too long or
 * malformed, or no mbuf is left. */
struct rte_mbuf *dp_frame_mbuf(struct ipoc_engine *e, const NET_BUFFER *nb, uint8_t **p);

/* Seal (seal true) or open n <= DP_BURST jobs; each gets rc and, on
 * DP_OK, out. The mbufs stay the caller's. */
void dp_esp_run(struct ipoc_engine *e, struct dp_job *jobs, uint16_t n, bool seal);

#endif /* DP_ESP_H */
