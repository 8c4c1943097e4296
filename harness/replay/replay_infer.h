/* SPDX-License-Identifier: MIT */
/*
 * replay_infer.h - the UdpEspEncapsulation each key-file SA is offloaded
 * with. An `ip xfrm state` file says it (`encap type espinudp`, with the
 * state's mode). Wireshark's esp_sa table has no such field: Wireshark
 * decrypts ESP in UDP port 4500 (RFC 3948) with the same record as plain
 * ESP, so the replay reads it from the capture: a first pass over the
 * frames counts, per esp_sa SA, the frames to its destination (not
 * fragments) that carry its SPI in UDP port 4500 and those that carry it
 * as plain ESP; an SA seen UDP-encapsulated in most of them (a tie: as in
 * its first) is offloaded with UDP-ESP of the type --nat-t names
 * (transport by default: an encrypted frame does not show its mode, and
 * the receive path treats both types alike, PROFILE.md item 19).
 */
#ifndef IPOC_REPLAY_INFER_H
#define IPOC_REPLAY_INFER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keyfile.h"

enum replay_nat_t {
	REPLAY_NAT_T_TRANSPORT = 0,   /* inferred SAs: UDP_ESP_ENCAPSULATION_TRANSPORT */
	REPLAY_NAT_T_TUNNEL,          /* inferred SAs: UDP_ESP_ENCAPSULATION_TUNNEL */
	REPLAY_NAT_T_OFF,             /* no inference: esp_sa SAs are plain ESP */
};

/* What the capture showed of one SA (esp_sa files with inference on). */
struct replay_seen {
	uint64_t udp, plain;          /* frames of the SA in UDP port 4500, as plain ESP */
	bool first_udp;               /* its first frame was UDP-encapsulated */
	bool inferred;                /* offloaded with UDP-ESP because of them */
};

/* Where the capture's chunks of `every` records start in its file, as the
 * first pass found them (pcap_in_offset): off[k] is where record
 * k * every + 1 starts, for k < n; it stops where the pass stopped or
 * could not tell (a reader that is not reading the file itself). A job of
 * --jobs goes straight to its chunks with it. */
struct replay_index {
	uint64_t every;
	uint64_t *off;
	size_t n, cap;
};

/* Fill udp_esp[i] (IPSEC_OFFLOAD_V2_UDP_ESP_* or 0) and, for an esp_sa
 * file, seen[i], for every SA of keys (both arrays keys->n long; seen may
 * be NULL for an xfrm file). For an esp_sa file with nat_t not OFF this
 * reads capture once; each SA offloaded with UDP-ESP because of it gets a
 * line on out, e.g. "nat-t: SPI 0x1a2b3c4d (esp_sa line 3) seen
 * UDP-encapsulated on port 4500 in 4 frames: offloaded as UDP-ESP
 * transport". Returns the number of such SAs, or -1 with err when the
 * capture cannot be read. */
int replay_udp_plan(const char *capture, const struct key_file *keys, enum replay_nat_t nat_t,
		    uint32_t *udp_esp, struct replay_seen *seen, FILE *out, char *err,
		    size_t errlen);
/* The same, the pass also filling ix (every set, off NULL or the caller's
 * to free) when it runs; ix NULL: as replay_udp_plan. */
int replay_udp_plan_ix(const char *capture, const struct key_file *keys,
		       enum replay_nat_t nat_t, uint32_t *udp_esp, struct replay_seen *seen,
		       FILE *out, struct replay_index *ix, char *err, size_t errlen);

/* "transport", "tunnel", "off". */
const char *replay_nat_t_name(enum replay_nat_t m);

#endif /* IPOC_REPLAY_INFER_H */
