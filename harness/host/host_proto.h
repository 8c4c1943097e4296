/* SPDX-License-Identifier: MIT */
/*
 * host_proto.h - the requests and replies between the harness (host.c) and
 * the engine host (host_server.c), in the encoding of host_msg.h.
 *
 * On a stream, each message is a u32 length and that many bytes. A request
 * is `u32 op, u32 inst, fields`; a reply is `u32 op, u32 rc (0, or 1 with
 * a str message: the host side failed), str last engine log line, u32 log
 * lines during the request, fields`. Fields per op:
 *
 *   LOAD     req  str path, u32 echo level (int, -1 none)
 *            rep  u32 loaded, str error, str name, str version, u32 abi major,
 *                 u32 abi minor, u32 ops size, u32 hooks (1 tx_iv, 2 sequence)
 *   OPEN     req  u32 struct_size, u32 sa_offload_capacity, u32 flags
 *            rep  u32 status, u32 instance
 *   CLOSE    req  -                       rep  -
 *   OID      req  u32 type, u32 oid, bytes buffer, u32 n, u32 reloc offsets[n]
 *            rep  u32 status, u32 written, u32 read, u32 needed, bytes buffer
 *   SEND, RECEIVE
 *            req  u32 guard, u32 writable slots, u32 port, u32 flags, u32 n_nbl,
 *                 per NBL: u64 slots[27], u32 n_nb, per NB: bytes frame,
 *                 u32 headroom, u32 tailroom, u32 lead, u32 n_cuts, u32 cuts[]
 *            rep  str error, u64 ns, u32 calls, u32 strays, u32 bad count,
 *                 u32 late, u32 n_nbl, per NBL: u32 returned, u32 status,
 *                 u64 slots[27], str guard error, str metadata error, u32 n_nb,
 *                 per NB: u32 readable, bytes; u32 n_tx, per frame: u32 nbl,
 *                 u32 nb (-1: engine memory), u32 after return, bytes
 *   TX_IV    req  u64 handle, u32 spi, bytes iv      rep  u32 status
 *   SEQ      req  u64 handle, u32 spi, u64 sequence  rep  u32 status
 *   SCAN     req  bytes masked pattern, bytes mask   rep  u32 found, str where
 *   QUIT     req  -                                  (no reply)
 *
 * A reproducer file (eh_repro_write) is the line "ipoc-repro 1", a line
 * "engine PATH", a line "title TEXT", a line "requests N", then N requests
 * as on the stream.
 */
#ifndef IPOC_HOST_PROTO_H
#define IPOC_HOST_PROTO_H

enum hp_op {
	HP_LOAD = 1,
	HP_OPEN,
	HP_CLOSE,
	HP_OID,
	HP_SEND,
	HP_RECEIVE,
	HP_TX_IV,
	HP_SEQ,
	HP_SCAN,
	HP_QUIT,
};

/* Requests and replies that carry frames, never keys: their buffers need
 * no wiping (struct mb plain). */
#define HP_PLAIN(op) ((op) == HP_SEND || (op) == HP_RECEIVE)

/* Instances one engine host keeps open at once. */
#define HP_MAX_INST 64u
/* Limits a request is checked against before anything is built. */
#define HP_MAX_NBL 4096u
#define HP_MAX_NB 256u
#define HP_MAX_MSG (256u << 20)
#define HP_MAX_OID_BUF (16u << 20)
#define HP_MAX_RELOCS 65536u

/* "LOAD", "OPEN", ... */
const char *hp_op_name(unsigned op);

#endif /* IPOC_HOST_PROTO_H */
