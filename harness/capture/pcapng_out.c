/* SPDX-License-Identifier: MIT */
/*
 * pcapng_out.c - see pcapng_out.h. Block layouts: the pcapng specification
 * (draft-ietf-opsawg-pcapng): SHB type 0x0A0D0D0A with byte-order magic
 * 0x1A2B3C4D, version 1.0, section length -1; IDB type 1 with link type,
 * snap length 0 and option if_tsresol (9) = 9, timestamps in nanoseconds;
 * EPB type 6 with interface 0, the timestamp's high and low 32 bits,
 * captured and original length, the data padded to 32 bits, and an
 * opt_comment (1) when there is one; options end with opt_endofopt. Every
 * block ends with its total length again. Written in host byte order,
 * which the magic records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_out.h"

struct pcapng_out {
	FILE *f;
	uint64_t frames;
};

static int put32(FILE *f, uint32_t v)
{
	return fwrite(&v, 4, 1, f) == 1 ? 0 : -1;
}

static int headers(FILE *f, int linktype)
{
	uint64_t section_len = UINT64_MAX;
	uint16_t ver[2] = { 1, 0 }, lt[2] = { (uint16_t)linktype, 0 };

	if (put32(f, 0x0A0D0D0A) || put32(f, 28) || put32(f, 0x1A2B3C4D) ||
	    fwrite(ver, 2, 2, f) != 2 || fwrite(&section_len, 8, 1, f) != 1 || put32(f, 28))
		return -1;
	/* IDB: 20 bytes + if_tsresol (4 + 4 with padding) + opt_endofopt (4). */
	return put32(f, 1) || put32(f, 32) || fwrite(lt, 2, 2, f) != 2 || put32(f, 0) ||
	       put32(f, 9 | 1u << 16) || put32(f, 9) || put32(f, 0) || put32(f, 32) ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
	char buf[8192];
	size_t n;
	int rc = 0;

	if (!a || !b)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			rc = -1;
	if (a)
		fclose(a);
	if (b && fclose(b) != 0)
		rc = -1;
	return rc;
}

struct pcapng_out *pcapng_out_fopen(FILE *f, int linktype)
{
	struct pcapng_out *w = calloc(1, sizeof(*w));

	if (!w || headers(f, linktype) != 0) {
		free(w);
		fclose(f);
		return NULL;
	}
	w->f = f;
	return w;
}

struct pcapng_out *pcapng_out_open(const char *path, int linktype, const char *keys_path,
				   char *err, size_t errlen)
{
	struct pcapng_out *w = calloc(1, sizeof(*w));
	char keys[4096];

	if (!w || !(w->f = fopen(path, "wb")) || headers(w->f, linktype) != 0) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot write");
		pcapng_out_close(w);
		return NULL;
	}
	if (keys_path) {
		snprintf(keys, sizeof(keys), "%s.keys", path);
		if (copy_file(keys_path, keys) != 0) {
			snprintf(err, errlen, "%s: cannot copy the key file %s", keys, keys_path);
			pcapng_out_close(w);
			return NULL;
		}
	}
	return w;
}

int pcapng_out_frame_ex(struct pcapng_out *w, const uint8_t *rec, uint32_t len, uint64_t ts_ns,
			const char *comment)
{
	static const uint8_t zero[4];
	size_t cl = comment ? strlen(comment) : 0;
	uint32_t pad = (4 - len % 4) % 4, cpad, opts, total;

	if (cl > 0xFFFF)
		cl = 0xFFFF;
	cpad = (uint32_t)((4 - cl % 4) % 4);
	opts = cl ? 4 + (uint32_t)cl + cpad + 4 : 0;
	total = 32 + len + pad + opts;
	if (put32(w->f, 6) || put32(w->f, total) || put32(w->f, 0) ||
	    put32(w->f, (uint32_t)(ts_ns >> 32)) || put32(w->f, (uint32_t)ts_ns) ||
	    put32(w->f, len) || put32(w->f, len) ||
	    fwrite(rec, 1, len, w->f) != len || fwrite(zero, 1, pad, w->f) != pad)
		return -1;
	if (cl && (put32(w->f, 1 | (uint32_t)cl << 16) || fwrite(comment, 1, cl, w->f) != cl ||
		   fwrite(zero, 1, cpad, w->f) != cpad || put32(w->f, 0)))
		return -1;
	if (put32(w->f, total))
		return -1;
	w->frames++;
	return 0;
}

int pcapng_out_frame(struct pcapng_out *w, const uint8_t *rec, uint32_t len)
{
	return pcapng_out_frame_ex(w, rec, len, 0, NULL);
}

uint64_t pcapng_out_close(struct pcapng_out *w)
{
	uint64_t n = 0;

	if (!w)
		return 0;
	if (w->f)
		fclose(w->f);
	n = w->frames;
	free(w);
	return n;
}
