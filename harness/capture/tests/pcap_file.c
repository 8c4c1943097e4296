/* SPDX-License-Identifier: MIT */
/* pcap_file.c - see pcap_file.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_file.h"

uint8_t pcap_file_byte(const struct pcap_rec *r, size_t i, uint32_t k)
{
	if (k == 0 && r->lead)
		return r->lead;
	return (uint8_t)(i * 31u + k * 7u + (k >> 8) + 1u);
}

struct out {
	uint8_t *b;
	size_t n, cap;
	bool be;
	bool bad;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->bad)
		return;
	if (o->n + n > o->cap) {
		size_t cap = (o->n + n) * 2;
		uint8_t *b = realloc(o->b, cap);

		if (!b) {
			o->bad = true;
			return;
		}
		o->b = b;
		o->cap = cap;
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (o->be) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
	put(o, b, 2);
}

static void put32(struct out *o, uint32_t v)
{
	uint8_t b[4];

	for (int k = 0; k < 4; k++)
		b[o->be ? 3 - k : k] = (uint8_t)(v >> (8 * k));
	put(o, b, 4);
}

static void put_body(struct out *o, const struct pcap_rec *r, size_t i)
{
	for (uint32_t k = 0; k < r->body && !o->bad; k++) {
		uint8_t c = pcap_file_byte(r, i, k);

		put(o, &c, 1);
	}
}

static int save(const char *path, const struct out *o, size_t keep)
{
	size_t n = keep && keep < o->n ? keep : o->n;
	FILE *f;
	int rc = -1;

	if (o->bad || !(f = fopen(path, "wb")))
		return -1;
	if (fwrite(o->b, 1, n, f) == n)
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

size_t pcap_file_write(const char *path, const struct pcap_head *h, const struct pcap_rec *r,
		       size_t n, size_t keep)
{
	struct out o = { .be = h->big_endian };
	size_t written;

	put32(&o, h->magic);
	put16(&o, h->major);
	put16(&o, h->minor);
	put32(&o, 0);            /* thiszone */
	put32(&o, 0);            /* sigfigs */
	put32(&o, h->snaplen);
	put32(&o, h->linktype);
	for (size_t i = 0; i < n; i++) {
		put32(&o, r[i].sec);
		put32(&o, r[i].frac);
		put32(&o, r[i].incl);
		put32(&o, r[i].orig);
		if (h->magic == 0xA1B2CD34u) {
			put32(&o, 1);    /* ifindex */
			put16(&o, 0x0800);
			put16(&o, 0);    /* pkt_type, pad */
		}
		put_body(&o, &r[i], i);
	}
	written = keep && keep < o.n ? keep : o.n;
	if (save(path, &o, keep) != 0)
		written = 0;
	free(o.b);
	return written;
}

/* A block: type, total length, body (padded to 4), total length again. */
static void block(struct out *o, uint32_t type, const struct out *body)
{
	static const uint8_t zero[4];
	size_t pad = (4 - body->n % 4) % 4;
	uint32_t len = (uint32_t)(12 + body->n + pad);

	put32(o, type);
	put32(o, len);
	put(o, body->b, body->n);
	put(o, zero, pad);
	put32(o, len);
}

int pcapng_file_write(const char *path, const struct pcap_rec *r, size_t n)
{
	struct out o = { 0 }, b = { 0 };
	int rc;

	/* Section Header Block: byte-order magic, version 1.0, length unknown */
	put32(&b, 0x1A2B3C4Du);
	put16(&b, 1);
	put16(&b, 0);
	put32(&b, 0xFFFFFFFFu);
	put32(&b, 0xFFFFFFFFu);
	block(&o, 0x0A0D0D0Au, &b);
	/* Interface Description Block: Ethernet, no snap length, if_tsresol 9 */
	b.n = 0;
	put16(&b, 1);
	put16(&b, 0);
	put32(&b, 0);
	put16(&b, 9);
	put16(&b, 1);
	put32(&b, 9);            /* the value byte, then 3 bytes of padding */
	put32(&b, 0);            /* opt_endofopt */
	block(&o, 1, &b);
	for (size_t i = 0; i < n; i++) {
		uint64_t t = (uint64_t)r[i].sec * 1000000000u + r[i].frac;

		b.n = 0;
		put32(&b, 0);
		put32(&b, (uint32_t)(t >> 32));
		put32(&b, (uint32_t)t);
		put32(&b, r[i].incl);
		put32(&b, r[i].orig);
		put_body(&b, &r[i], i);
		block(&o, 6, &b);
	}
	rc = save(path, &o, 0);
	free(o.b);
	free(b.b);
	return rc;
}
