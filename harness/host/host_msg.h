/* SPDX-License-Identifier: MIT */
/*
 * host_msg.h - the byte encoding of requests and replies between the
 * harness and the engine host (host_proto.h): little-endian integers and
 * length-prefixed byte strings, written into a growing buffer and read back
 * with every length checked against what is left; whole reads and writes
 * on the descriptors they travel over, and the tail kept of what an engine
 * prints.
 */
#ifndef IPOC_HOST_MSG_H
#define IPOC_HOST_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A message being written. Buffers it outgrows are wiped (messages carry
 * keys); mb_free wipes the last one. oom is sticky: check it once. plain
 * says the message holds nothing secret (a send or receive: frames, not
 * keys), so the next mb_reset need not wipe it; it is cleared by that
 * reset, so every other message is wiped. */
struct mb {
	uint8_t *p;
	size_t len, cap;
	bool oom;
	bool plain;
};

/* len 0, keeps the buffer (wiped unless plain); plain cleared. */
void mb_reset(struct mb *m);
void mb_free(struct mb *m);
void mb_bytes(struct mb *m, const void *p, uint32_t n);   /* u32 length, then the bytes */
void mb_str(struct mb *m, const char *s);                 /* as mb_bytes, NULL = "" */
/* mb_reserve when the buffer must grow. */
uint8_t *mb_reserve_grow(struct mb *m, size_t n);

/* Room for n bytes at the end, to be filled by the caller; NULL on oom.
 * The integers below are inline: a frame's request and reply carry some
 * two hundred of them (its OOB slots), on every send and receive. */
static inline uint8_t *mb_reserve(struct mb *m, size_t n)
{
	if (m->oom || n > m->cap - m->len)
		return mb_reserve_grow(m, n);
	m->len += n;
	return m->p + m->len - n;
}

static inline void mb_u32(struct mb *m, uint32_t v)
{
	uint8_t *d = mb_reserve(m, 4);

	if (d) {
		d[0] = (uint8_t)v;
		d[1] = (uint8_t)(v >> 8);
		d[2] = (uint8_t)(v >> 16);
		d[3] = (uint8_t)(v >> 24);
	}
}

static inline void mb_u64(struct mb *m, uint64_t v)
{
	mb_u32(m, (uint32_t)v);
	mb_u32(m, (uint32_t)(v >> 32));
}

/* A message being read. bad is sticky: after a short read every getter
 * returns 0 / NULL. */
struct mr {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

void mr_init(struct mr *r, const uint8_t *p, size_t len);

static inline uint32_t mr_u32(struct mr *r)
{
	const uint8_t *s;

	if (r->bad || 4 > r->len - r->off) {
		r->bad = true;
		return 0;
	}
	s = r->p + r->off;
	r->off += 4;
	return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

static inline uint64_t mr_u64(struct mr *r)
{
	uint64_t lo = mr_u32(r);

	return lo | (uint64_t)mr_u32(r) << 32;
}
/* Pointer to the next length-prefixed byte string (inside the message),
 * its length in *n; NULL (and *n 0) when short. */
const uint8_t *mr_bytes(struct mr *r, uint32_t *n);
/* A string into out (cap bytes, always terminated, cut if longer). */
void mr_str(struct mr *r, char *out, size_t cap);

/* Whole reads and writes on a descriptor (EINTR retried): 0, or -1 when it
 * fails or ends first. */
int fd_read_full(int fd, void *p, size_t n);
int fd_write_full(int fd, const void *p, size_t n);

/* The last bytes of a stream: keep appends p, dropping the oldest bytes
 * beyond cap. buf holds cap + 1 bytes and stays NUL-terminated. */
struct tailbuf {
	char *buf;
	size_t len, cap;
};

void tail_keep(struct tailbuf *t, const char *p, size_t n);
/* Does the tail hold a sanitizer's report (ASan, UBSan, LSan, ...)? */
bool tail_has_sanitizer_report(const struct tailbuf *t);

#endif /* IPOC_HOST_MSG_H */
