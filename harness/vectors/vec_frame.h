/* SPDX-License-Identifier: MIT */
/*
 * vec_frame.h - where the IPsec fields of a vector's packet are: the
 * harness's own small reading of an IP packet, independent of any engine,
 * used to derive the header-information slot for a send and the fields
 * (IV, ICV) a receive leaves as they arrived.
 */
#ifndef IPOC_VEC_FRAME_H
#define IPOC_VEC_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* One IPsec layer: the headers behind one IP header. Offsets are from the
 * start of the IP packet; 0 means absent. */
struct vf_layer {
	size_t ip;          /* its IP header */
	size_t end;         /* end of that IP packet */
	size_t ah;          /* AH header */
	size_t esp;         /* ESP header */
};

/*
 * Find the AH and/or ESP headers behind the IP header at off (walking IPv6
 * extension headers; ESP may sit behind UDP port 4500). Returns 0, or -1
 * when the packet is malformed or has neither.
 */
int vf_layer_at(const uint8_t *pkt, size_t len, size_t off, struct vf_layer *l);

#endif /* IPOC_VEC_FRAME_H */
