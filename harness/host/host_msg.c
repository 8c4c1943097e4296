/* SPDX-License-Identifier: MIT */
/* host_msg.c - see host_msg.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_msg.h"
#include "wipe.h"

void mb_reset(struct mb *m)
{
	if (!m->plain)
		ipoc_wipe(m->p, m->len);
	m->len = 0;
	m->oom = false;
	m->plain = false;
}

void mb_free(struct mb *m)
{
	ipoc_wipe(m->p, m->cap);
	free(m->p);
	memset(m, 0, sizeof(*m));
}

uint8_t *mb_reserve_grow(struct mb *m, size_t n)
{
	if (m->oom)
		return NULL;
	if (n > m->cap - m->len) {
		size_t ncap = m->cap ? m->cap : 4096;
		uint8_t *np;

		while (ncap - m->len < n) {
			if (ncap > SIZE_MAX / 2) {
				m->oom = true;
				return NULL;
			}
			ncap *= 2;
		}
		np = malloc(ncap);
		if (!np) {
			m->oom = true;
			return NULL;
		}
		if (m->len)
			memcpy(np, m->p, m->len);
		ipoc_wipe(m->p, m->cap);
		free(m->p);
		m->p = np;
		m->cap = ncap;
	}
	m->len += n;
	return m->p + m->len - n;
}

void mb_bytes(struct mb *m, const void *p, uint32_t n)
{
	uint8_t *d;

	mb_u32(m, n);
	d = mb_reserve(m, n);
	if (d && n)
		memcpy(d, p, n);
}

void mb_str(struct mb *m, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	mb_bytes(m, s, (uint32_t)(n > 65535 ? 65535 : n));
}

void mr_init(struct mr *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = false;
}

static const uint8_t *take(struct mr *r, size_t n)
{
	const uint8_t *s;

	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	s = r->p + r->off;
	r->off += n;
	return s;
}

const uint8_t *mr_bytes(struct mr *r, uint32_t *n)
{
	uint32_t len = mr_u32(r);
	const uint8_t *s = take(r, len);

	*n = s ? len : 0;
	return s;
}

void mr_str(struct mr *r, char *out, size_t cap)
{
	uint32_t n;
	const uint8_t *s = mr_bytes(r, &n);

	if (cap == 0)
		return;
	if (!s)
		n = 0;
	if (n >= cap)
		n = (uint32_t)cap - 1;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
}

int fd_read_full(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = read(fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

int fd_write_full(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t k = write(fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

bool tail_has_sanitizer_report(const struct tailbuf *t)
{
	static const char *const marks[] = { "ERROR: AddressSanitizer", "runtime error:",
					     "ERROR: LeakSanitizer", "WARNING: MemorySanitizer",
					     "ThreadSanitizer" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (t->len && strstr(t->buf, marks[i]))
			return true;
	return false;
}

void tail_keep(struct tailbuf *t, const char *p, size_t n)
{
	if (n >= t->cap) {
		p += n - t->cap;
		n = t->cap;
	}
	if (t->len + n > t->cap) {
		size_t drop = t->len + n - t->cap;

		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
	t->buf[t->len] = '\0';
}
