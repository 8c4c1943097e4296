/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parse_expect.c - the reader of captures' expectations files
 * (harness/replay/expect.h, format in pcaps/README.md) on arbitrary bytes:
 * the whole input is the file.
 *
 * Oracles: a refusal is one line "(fuzz):LINE: ..." naming a line of the
 * input; what is accepted has a line per frame (each a line of the input,
 * no two frames on one line), outcomes that are `pass` or CRYPTO_* values
 * with the first listed among those accepted, and keys in their ranges;
 * and it reads back the same from the file this target writes of it (the
 * format has no writer in the harness: the one here writes each frame's
 * outcomes and keys in a canonical order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "fz.h"

/* Frames written back at most (a file may say `frames 100000` with a line
 * each; the round trip stops there). */
enum { ROUND_TRIP_MAX = 4096 };

static unsigned lines_of(const uint8_t *p, size_t n)
{
	unsigned l = 1;

	for (size_t i = 0; i < n; i++)
		l += p[i] == '\n';
	return l;
}

static int read_mem(const char *name, const void *p, size_t n, struct exp_file **out, char *err,
		    size_t errlen)
{
	/* fmemopen of 0 bytes fails on some C libraries: an empty file is a
	 * one-byte buffer opened for 0 bytes of reading. */
	static const char empty[1];
	FILE *fp = fmemopen((void *)(n ? p : empty), n ? n : 1, "r");
	int rc;

	if (!fp)
		fz_fault("harness: fmemopen failed", "%zu bytes", n);
	if (!n)
		fgetc(fp);      /* at the end: reads as an empty file */
	rc = exp_read_fp(name, fp, out, err, errlen);
	fclose(fp);
	return rc;
}

static void check_frame(const struct exp_file *e, uint64_t i, unsigned nlines)
{
	const struct exp_frame *f = &e->f[i];
	unsigned all = 0;

	for (int v = EXP_PASS; v < 8; v++)
		all |= EXP_BIT(v);
	if (f->line == 0 || f->line > nlines)
		fz_fault("parse_expect: a frame without a line of the input", "frame %llu: line %u",
			 (unsigned long long)i + 1, f->line);
	if (!f->accept || (f->accept & ~all))
		fz_fault("parse_expect: a frame accepting no outcome or an unknown one",
			 "frame %llu: 0x%x", (unsigned long long)i + 1, f->accept);
	if (f->outcome < EXP_PASS || f->outcome > 7 || !(f->accept & EXP_BIT(f->outcome)))
		fz_fault("parse_expect: the first outcome is not among those accepted",
			 "frame %llu: %d, 0x%x", (unsigned long long)i + 1, f->outcome, f->accept);
	if (f->accept == EXP_BIT(EXP_PASS) &&
	    (f->next_crypto_done != EXP_UNSET || f->header_info_set != EXP_UNSET ||
	     f->next_header != EXP_UNSET || f->pad_length != EXP_UNSET || f->spi != -1 ||
	     f->inner[0]))
		fz_fault("parse_expect: `pass` with keys", "frame %llu", (unsigned long long)i + 1);
	if ((f->next_crypto_done != EXP_UNSET && (f->next_crypto_done < 0 || f->next_crypto_done > 1)) ||
	    (f->header_info_set != EXP_UNSET && (f->header_info_set < 0 || f->header_info_set > 1)) ||
	    (f->next_header != EXP_UNSET && (f->next_header < 0 || f->next_header > 255)) ||
	    (f->pad_length != EXP_UNSET && (f->pad_length < 0 || f->pad_length > 255)) ||
	    f->spi < -1 || f->spi > 0xFFFFFFFFll)
		fz_fault("parse_expect: a key out of its range", "frame %llu",
			 (unsigned long long)i + 1);
	if (!memchr(f->inner, 0, sizeof(f->inner)))
		fz_fault("parse_expect: inner not terminated", "frame %llu", (unsigned long long)i + 1);
}

/* Write e canonically into buf; the length, or 0 when it does not fit. */
static size_t write_back(const struct exp_file *e, char *buf, size_t cap)
{
	size_t o = (size_t)snprintf(buf, cap, "frames %llu\n", (unsigned long long)e->frames);

	for (uint64_t i = 0; i < e->frames && o < cap; i++) {
		const struct exp_frame *f = &e->f[i];
		const char *sep = " ";

		o += (size_t)snprintf(buf + o, cap - o, "%llu", (unsigned long long)i + 1);
		/* the first listed, then the others in value order */
		o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " %s",
				      exp_status_name(f->outcome));
		for (int v = EXP_PASS; v < 8 && o < cap; v++)
			if (v != f->outcome && (f->accept & EXP_BIT(v)))
				o += (size_t)snprintf(buf + o, cap - o, "|%s", exp_status_name(v));
		if (o < cap && f->inner[0])
			o += (size_t)snprintf(buf + o, cap - o, "%sinner=%s", sep, f->inner);
		if (o < cap && f->spi >= 0)
			o += (size_t)snprintf(buf + o, cap - o, "%sspi=0x%llx", sep,
					      (unsigned long long)f->spi);
		if (o < cap && f->next_crypto_done != EXP_UNSET)
			o += (size_t)snprintf(buf + o, cap - o, " next_crypto_done=%d",
					      f->next_crypto_done);
		if (o < cap && f->header_info_set != EXP_UNSET)
			o += (size_t)snprintf(buf + o, cap - o, " header_info_set=%d",
					      f->header_info_set);
		if (o < cap && f->next_header != EXP_UNSET)
			o += (size_t)snprintf(buf + o, cap - o, " next_header=%d", f->next_header);
		if (o < cap && f->pad_length != EXP_UNSET)
			o += (size_t)snprintf(buf + o, cap - o, " pad_length=%d", f->pad_length);
		if (o < cap)
			o += (size_t)snprintf(buf + o, cap - o, "\n");
	}
	return o < cap ? o : 0;
}

static void round_trip(const struct exp_file *e)
{
	static char text[ROUND_TRIP_MAX * 200];
	struct exp_file *back = NULL;
	char err[512];
	size_t n;

	if (e->frames > ROUND_TRIP_MAX || !(n = write_back(e, text, sizeof(text))))
		return;
	if (read_mem("(written)", text, n, &back, err, sizeof(err)) != 0)
		fz_fault("parse_expect: a file written from what was read is refused", "%s", err);
	if (back->frames != e->frames)
		fz_fault("parse_expect: read back with another frame count", "%llu | %llu",
			 (unsigned long long)e->frames, (unsigned long long)back->frames);
	for (uint64_t i = 0; i < e->frames; i++) {
		const struct exp_frame *a = &e->f[i], *b = &back->f[i];

		if (a->outcome != b->outcome || a->accept != b->accept ||
		    a->next_crypto_done != b->next_crypto_done ||
		    a->header_info_set != b->header_info_set || a->next_header != b->next_header ||
		    a->pad_length != b->pad_length || a->spi != b->spi ||
		    strcmp(a->inner, b->inner) != 0)
			fz_fault("parse_expect: read back as another frame", "frame %llu",
				 (unsigned long long)i + 1);
	}
	exp_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exp_file *e = NULL;
	char err[512];
	unsigned nlines = lines_of(data, size);

	if (read_mem("(fuzz)", data, size, &e, err, sizeof(err)) != 0) {
		unsigned line = 0;
		char c = 0;

		if (e)
			fz_fault("parse_expect: a refusal that returns a file", "%s", err);
		if (sscanf(err, "(fuzz):%u%c", &line, &c) != 2 || c != ':')
			fz_fault("parse_expect: a refusal that does not name the file and line", "%s",
				 err);
		if (line > nlines)
			fz_fault("parse_expect: a refusal naming a line the input does not have",
				 "line %u of %u: %s", line, nlines, err);
		if (strchr(err, '\n'))
			fz_fault("parse_expect: a refusal of more than one line", "%s", err);
		return 0;
	}
	if (!e || !e->f || !e->name || strcmp(e->name, "(fuzz)") != 0)
		fz_fault("parse_expect: accepted without its frames or name", "%p", (void *)e);
	if (e->frames > nlines)
		fz_fault("parse_expect: more frames than lines", "%llu frames, %u lines",
			 (unsigned long long)e->frames, nlines);
	for (uint64_t i = 0; i < e->frames; i++)
		check_frame(e, i, nlines);
	/* A line lists one frame: no line is any two frames' (a bitmap of the
	 * lines seen). */
	{
		static uint8_t seen[(1u << 20) / 8];

		if (nlines < (1u << 20)) {
			memset(seen, 0, (nlines + 8) / 8);
			for (uint64_t i = 0; i < e->frames; i++) {
				unsigned l = e->f[i].line;

				if (seen[l / 8] & (1u << (l % 8)))
					fz_fault("parse_expect: two frames from one line", "line %u", l);
				seen[l / 8] |= (uint8_t)(1u << (l % 8));
			}
		}
	}
	round_trip(e);
	exp_free(e);
	return 0;
}
